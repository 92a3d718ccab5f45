//! The parser's table: every accept and refuse rule, each with its reason.
//! Every accepted case is replayed one byte at a time, and each prefix must
//! give `Partial` (or an error on a prefix of an invalid input), the way
//! httparse's `test_request_partial` does.

use super::*;
use ParseError::*;

#[derive(Debug, Clone, PartialEq)]
enum Expect {
    /// Parsed; the summary is `METHOD TARGET VERSION | Name: value | … |
    /// body=<body>` (every field, in order, with its value as the parser
    /// trimmed it), and all the input was used.
    Ok(&'static str),
    /// Not complete yet.
    Partial,
    /// Refused with this error.
    Err(ParseError),
}

fn summary(req: &Request) -> String {
    let mut out = format!(
        "{} {} {}",
        req.method(),
        req.target(),
        req.version().as_str()
    );
    for (name, value) in req.headers() {
        out.push_str(&format!(" | {name}: {value}"));
    }
    out.push_str(&format!(" | body={}", String::from_utf8_lossy(req.body())));
    out
}

fn run(input: &[u8], limits: &Limits) -> Result<Parsed<String>, ParseError> {
    parse_request(input, limits).map(|p| match p {
        Parsed::Complete { value, used } => Parsed::Complete {
            value: summary(&value),
            used,
        },
        Parsed::Partial => Parsed::Partial,
    })
}

fn small() -> Limits {
    Limits {
        request_line: 32,
        header_section: 64,
        header_count: 3,
        body: 16,
    }
}

#[rustfmt::skip]
fn cases() -> Vec<(&'static str, &'static [u8], Limits, Expect)> {
    let d = Limits::default();
    let s = small();
    vec![
        // --- request line: accepted forms (RFC 9112 §3) ---
        ("simplest HTTP/1.1 request", b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", d, Expect::Ok("GET / HTTP/1.1 | Host: a | body=")),
        ("bare LF line endings are accepted (RFC 9112 §2.2; nc sends them)", b"GET / HTTP/1.1\nHost: a\n\n", d, Expect::Ok("GET / HTTP/1.1 | Host: a | body=")),
        ("mixed CRLF and LF", b"GET / HTTP/1.1\r\nHost: a\n\r\n", d, Expect::Ok("GET / HTTP/1.1 | Host: a | body=")),
        ("HTTP/1.0 needs no Host", b"GET / HTTP/1.0\r\n\r\n", d, Expect::Ok("GET / HTTP/1.0 | body=")),
        ("empty lines before the request line are skipped (§2.2)", b"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", d, Expect::Ok("GET / HTTP/1.1 | Host: a | body=")),
        ("bare LF empty lines before the request line", b"\n\nGET / HTTP/1.1\nHost: a\n\n", d, Expect::Ok("GET / HTTP/1.1 | Host: a | body=")),
        ("origin-form with a query", b"GET /step-one?fav-color=blue HTTP/1.1\r\nHost: a\r\n\r\n", d, Expect::Ok("GET /step-one?fav-color=blue HTTP/1.1 | Host: a | body=")),
        ("absolute-form (§3.2.2)", b"GET http://localhost:5000/hello?x=1 HTTP/1.1\r\nHost: localhost:5000\r\n\r\n", d, Expect::Ok("GET http://localhost:5000/hello?x=1 HTTP/1.1 | Host: localhost:5000 | body=")),
        ("absolute-form without a path means /", b"GET http://localhost HTTP/1.1\r\nHost: localhost\r\n\r\n", d, Expect::Ok("GET http://localhost HTTP/1.1 | Host: localhost | body=")),
        ("asterisk-form for OPTIONS (§3.2.4)", b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", d, Expect::Ok("OPTIONS * HTTP/1.1 | Host: a | body=")),
        ("an unknown method is still a token (the router answers 501)", b"BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n", d, Expect::Ok("BREW /pot HTTP/1.1 | Host: a | body=")),
        ("percent-escapes are left for the router", b"GET /fav-color/light%20blue/step-zero HTTP/1.1\r\nHost: a\r\n\r\n", d, Expect::Ok("GET /fav-color/light%20blue/step-zero HTTP/1.1 | Host: a | body=")),
        ("braces and pipes in a query (browsers send them)", b"GET /?a={b}|c HTTP/1.1\r\nHost: a\r\n\r\n", d, Expect::Ok("GET /?a={b}|c HTTP/1.1 | Host: a | body=")),
        ("request line exactly at the limit", b"GET /aaaaaaaaaaaaaaaaaa HTTP/1.1\r\nHost: a\r\n\r\n", s, Expect::Ok("GET /aaaaaaaaaaaaaaaaaa HTTP/1.1 | Host: a | body=")),

        // --- request line: refused ---
        ("telnet user forgot the version", b"GET /\r\n", d, Expect::Err(RequestLineParts { found: 2 })),
        ("just a word", b"hello\r\n", d, Expect::Err(RequestLineParts { found: 1 })),
        ("four parts", b"GET / HTTP/1.1 extra\r\n", d, Expect::Err(RequestLineParts { found: 4 })),
        ("two spaces between parts", b"GET  / HTTP/1.1\r\n", d, Expect::Err(RequestLineSpaces)),
        ("trailing space", b"GET / HTTP/1.1 \r\n", d, Expect::Err(RequestLineSpaces)),
        ("HTTP/2 as people write it: a version, not spoken as text", b"GET / HTTP/2\r\n", d, Expect::Err(UnsupportedVersion { version: "HTTP/2".into() })),
        ("tab as separator is a control byte", b"GET\t/ HTTP/1.1\r\n", d, Expect::Err(RequestLineByte { byte: b'\t', looks_like_tls: false })),
        ("a TLS ClientHello on the plain port", b"\x16\x03\x01\x02\x00\x01", d, Expect::Err(RequestLineByte { byte: 0x16, looks_like_tls: true })),
        ("NUL in the request line, before any LF", b"GET /\0", d, Expect::Err(RequestLineByte { byte: 0, looks_like_tls: false })),
        ("non-ASCII in the target", "GET /caf\u{e9} HTTP/1.1\r\n".as_bytes(), d, Expect::Err(RequestLineByte { byte: 0xc3, looks_like_tls: false })),
        ("method with a slash is not a token", b"GE/T / HTTP/1.1\r\nHost: a\r\n\r\n", d, Expect::Err(MethodNotToken { method: "GE/T".into() })),
        ("method with a quote", b"G\"ET / HTTP/1.1\r\n", d, Expect::Err(MethodNotToken { method: "G\"ET".into() })),
        ("lowercase version", b"GET / http/1.1\r\n", d, Expect::Err(BadVersion { version: "http/1.1".into() })),
        ("version without minor", b"GET / HTTP/1\r\n", d, Expect::Err(BadVersion { version: "HTTP/1".into() })),
        ("two-digit major", b"GET / HTTP/10.1\r\n", d, Expect::Err(BadVersion { version: "HTTP/10.1".into() })),
        ("HTTP/2.0 is well-formed but not spoken here: 505", b"GET / HTTP/2.0\r\n", d, Expect::Err(UnsupportedVersion { version: "HTTP/2.0".into() })),
        ("HTTP/1.2: 505", b"GET / HTTP/1.2\r\nHost: a\r\n\r\n", d, Expect::Err(UnsupportedVersion { version: "HTTP/1.2".into() })),
        ("HTTP/0.9: 505", b"GET / HTTP/0.9\r\n", d, Expect::Err(UnsupportedVersion { version: "HTTP/0.9".into() })),
        ("the HTTP/2 connection preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", d, Expect::Err(UnsupportedVersion { version: "HTTP/2.0".into() })),
        ("target without a leading slash", b"GET hello HTTP/1.1\r\nHost: a\r\n\r\n", d, Expect::Err(BadTarget { target: "hello".into(), why: "it must start with / (goldfish is not a proxy, so CONNECT-style host:port targets are refused)" })),
        ("authority-form (CONNECT) is refused", b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n", d, Expect::Err(BadTarget { target: "example.com:443".into(), why: "it must start with / (goldfish is not a proxy, so CONNECT-style host:port targets are refused)" })),
        ("asterisk with GET", b"GET * HTTP/1.1\r\nHost: a\r\n\r\n", d, Expect::Err(BadTarget { target: "*".into(), why: "* is only allowed with OPTIONS" })),
        ("a fragment is never sent", b"GET /#top HTTP/1.1\r\nHost: a\r\n\r\n", d, Expect::Err(BadTarget { target: "/#top".into(), why: "a #fragment stays in the browser and is never sent" })),
        ("absolute-form without a host", b"GET http:/// HTTP/1.1\r\nHost: a\r\n\r\n", d, Expect::Err(BadTarget { target: "http:///".into(), why: "an absolute URL needs a host, e.g. http://localhost/" })),
        ("bare CR inside the request line", b"GET /\r HTTP/1.1\r\n", d, Expect::Err(BareCr)),
        ("bare CR before the request line", b"\rGET / HTTP/1.1\r\n", d, Expect::Err(BareCr)),
        ("request line one byte over the limit: 414", b"GET /aaaaaaaaaaaaaaaaaaa HTTP/1.1\r\n", s, Expect::Err(RequestLineTooLong { limit: 32 })),
        ("an endless request line is 414 before any LF", b"GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", s, Expect::Err(RequestLineTooLong { limit: 32 })),
        ("endless empty lines", b"\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n", s, Expect::Err(TooManyEmptyLines)),

        // --- header fields (RFC 9112 §5, RFC 9110 §5.5) ---
        ("optional whitespace around the value is trimmed", b"GET / HTTP/1.1\r\nHost:   a  \t\r\n\r\n", d, Expect::Ok("GET / HTTP/1.1 | Host: a | body=")),
        ("no whitespace after the colon is fine", b"GET / HTTP/1.1\r\nHost:a\r\n\r\n", d, Expect::Ok("GET / HTTP/1.1 | Host: a | body=")),
        ("an empty value is allowed", b"GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\n\r\n", d, Expect::Ok("GET / HTTP/1.1 | Host: a | X-Empty:  | body=")),
        ("repeated fields are kept", b"GET / HTTP/1.1\r\nHost: a\r\nCookie: a=1\r\nCookie: b=2\r\n\r\n", d, Expect::Ok("GET / HTTP/1.1 | Host: a | Cookie: a=1 | Cookie: b=2 | body=")),
        ("obs-text (bytes >= 0x80) in a value is kept", b"GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\xe9\r\n\r\n", d, Expect::Ok("GET / HTTP/1.1 | Host: a | X-Name: caf\u{fffd} | body=")),
        ("obs-text shown as U+FFFD moves the fields after it, not their text", b"GET / HTTP/1.1\r\nX-A: \xff\xfe!\r\nHost: a\r\nX-B: \xe9 b\r\nX-C: c\r\n\r\n", d, Expect::Ok("GET / HTTP/1.1 | X-A: \u{fffd}\u{fffd}! | Host: a | X-B: \u{fffd} b | X-C: c | body=")),
        ("UTF-8 in a value", "GET / HTTP/1.1\r\nHost: a\r\nX-Fish: \u{1f41f}\r\n\r\n".as_bytes(), d, Expect::Ok("GET / HTTP/1.1 | Host: a | X-Fish: 🐟 | body=")),
        ("header name case does not matter", b"GET / HTTP/1.1\r\nhOsT: a\r\n\r\n", d, Expect::Ok("GET / HTTP/1.1 | hOsT: a | body=")),
        ("space before the colon: 400 (§5.1)", b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", d, Expect::Err(SpaceBeforeColon { name: "Host ".into() })),
        ("tab before the colon", b"GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", d, Expect::Err(SpaceBeforeColon { name: "Host\t".into() })),
        ("obs-fold is refused (§5.2)", b"GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n two\r\n\r\n", d, Expect::Err(ObsFold)),
        ("whitespace line right after the request line (§2.2)", b"GET / HTTP/1.1\r\n Host: a\r\n\r\n", d, Expect::Err(ObsFold)),
        ("line without a colon", b"GET / HTTP/1.1\r\nHost a\r\n\r\n", d, Expect::Err(HeaderNoColon { line: "Host a".into() })),
        ("empty name", b"GET / HTTP/1.1\r\n: a\r\n\r\n", d, Expect::Err(HeaderNameNotToken { name: String::new() })),
        ("name with a space inside", b"GET / HTTP/1.1\r\nX Y: a\r\n\r\n", d, Expect::Err(HeaderNameNotToken { name: "X Y".into() })),
        ("name with non-ASCII", b"GET / HTTP/1.1\r\nX\xc3\xa9: a\r\n\r\n", d, Expect::Err(HeaderNameNotToken { name: "X\u{e9}".into() })),
        ("NUL in a value", b"GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n", d, Expect::Err(HeaderValueByte { name: "Host".into(), byte: 0 })),
        ("bare CR in a value", b"GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", d, Expect::Err(BareCr)),
        ("other control byte in a value", b"GET / HTTP/1.1\r\nX: a\x1bb\r\n\r\n", d, Expect::Err(HeaderValueByte { name: "X".into(), byte: 0x1b })),
        ("DEL in a value", b"GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", d, Expect::Err(HeaderValueByte { name: "X".into(), byte: 0x7f })),
        ("header section over the limit: 431", b"GET / HTTP/1.1\r\nHost: a\r\nX: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n", s, Expect::Err(HeadersTooLarge { limit: 64 })),
        ("endless header line: 431 before any LF", b"GET / HTTP/1.1\r\nX: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", s, Expect::Err(HeadersTooLarge { limit: 64 })),
        ("too many fields: 431", b"GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", s, Expect::Err(TooManyHeaders { limit: 3 })),
        ("exactly the field limit", b"GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n", s, Expect::Ok("GET / HTTP/1.1 | Host: a | A: 1 | B: 2 | body=")),

        // --- Host (RFC 9112 §3.2) ---
        ("HTTP/1.1 without Host", b"GET / HTTP/1.1\r\n\r\n", d, Expect::Err(MissingHost)),
        ("two Host fields", b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", d, Expect::Err(MultipleHost)),
        ("two Host fields in HTTP/1.0 too", b"GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n", d, Expect::Err(MultipleHost)),
        ("empty Host is allowed", b"GET / HTTP/1.1\r\nHost:\r\n\r\n", d, Expect::Ok("GET / HTTP/1.1 | Host:  | body=")),
        ("Host with port", b"GET / HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n\r\n", d, Expect::Ok("GET / HTTP/1.1 | Host: 127.0.0.1:5000 | body=")),
        ("Host with IPv6 literal", b"GET / HTTP/1.1\r\nHost: [::1]:5000\r\n\r\n", d, Expect::Ok("GET / HTTP/1.1 | Host: [::1]:5000 | body=")),
        ("Host with a path", b"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", d, Expect::Err(BadHost { host: "a/b".into() })),
        ("Host with a space", b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", d, Expect::Err(BadHost { host: "a b".into() })),
        ("Host with a bad port", b"GET / HTTP/1.1\r\nHost: a:http\r\n\r\n", d, Expect::Err(BadHost { host: "a:http".into() })),
        ("Host with userinfo", b"GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", d, Expect::Err(BadHost { host: "u@a".into() })),

        // --- Content-Length (RFC 9110 §8.6, RFC 9112 §6.3) ---
        ("a body by Content-Length", b"POST /goldfish HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", d, Expect::Ok("POST /goldfish HTTP/1.1 | Host: a | Content-Length: 5 | body=hello")),
        ("Content-Length: 0", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", d, Expect::Ok("POST / HTTP/1.1 | Host: a | Content-Length: 0 | body=")),
        ("repeated equal Content-Length is accepted", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi", d, Expect::Ok("POST / HTTP/1.1 | Host: a | Content-Length: 2 | Content-Length: 2 | body=hi")),
        ("a list of equal values is accepted", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2, 2\r\n\r\nhi", d, Expect::Ok("POST / HTTP/1.1 | Host: a | Content-Length: 2, 2 | body=hi")),
        ("leading zeros are still digits", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 002\r\n\r\nhi", d, Expect::Ok("POST / HTTP/1.1 | Host: a | Content-Length: 002 | body=hi")),
        ("body not all there yet", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhel", d, Expect::Partial),
        ("conflicting Content-Length", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi", d, Expect::Err(ConflictingContentLength)),
        ("negative Content-Length", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", d, Expect::Err(BadContentLength { value: "-1".into() })),
        ("plus sign", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n", d, Expect::Err(BadContentLength { value: "+5".into() })),
        ("hex Content-Length", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\n", d, Expect::Err(BadContentLength { value: "0x5".into() })),
        ("empty Content-Length", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", d, Expect::Err(BadContentLength { value: String::new() })),
        ("Content-Length beyond u64", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", d, Expect::Err(BadContentLength { value: "99999999999999999999999".into() })),
        ("Content-Length over the body limit: 413 before reading it", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 17\r\n\r\n", s, Expect::Err(BodyTooLarge { limit: 16 })),

        // --- Transfer-Encoding (RFC 9112 §6.1, §7.1) ---
        ("chunked body", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", d, Expect::Ok("POST / HTTP/1.1 | Host: a | Transfer-Encoding: chunked | body=hello")),
        ("chunked is case-insensitive", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n", d, Expect::Ok("POST / HTTP/1.1 | Host: a | Transfer-Encoding: Chunked | body=")),
        ("chunked with extension and trailer", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\nhi\r\n0\r\nX-Sum: 1\r\n\r\n", d, Expect::Ok("POST / HTTP/1.1 | Host: a | Transfer-Encoding: chunked | body=hi")),
        ("both Content-Length and chunked: smuggling, 400", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", d, Expect::Err(LengthAndChunked)),
        ("both, the other order", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", d, Expect::Err(LengthAndChunked)),
        ("gzip is not implemented: 501", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", d, Expect::Err(UnsupportedTransferCoding { coding: "gzip".into() })),
        ("identity is not a transfer coding any more: 501", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", d, Expect::Err(UnsupportedTransferCoding { coding: "identity".into() })),
        ("chunked twice", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", d, Expect::Err(ChunkedNotLast)),
        ("empty Transfer-Encoding", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n", d, Expect::Err(ChunkedNotLast)),
        ("Transfer-Encoding in HTTP/1.0", b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", d, Expect::Err(TransferEncodingInHttp10)),
        ("chunk size not hex", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", d, Expect::Err(BadChunkSize)),
        ("chunk size overflow", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", d, Expect::Err(ChunkSizeOverflow)),
        ("chunked body over the limit: 413", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n11\r\n", s, Expect::Err(BodyTooLarge { limit: 16 })),

        // --- Expect (RFC 9110 §10.1.1) ---
        ("100-continue is understood", b"POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi", d, Expect::Ok("POST / HTTP/1.1 | Host: a | Expect: 100-continue | Content-Length: 2 | body=hi")),
        ("any other expectation: 417", b"POST / HTTP/1.1\r\nHost: a\r\nExpect: tea\r\n\r\n", d, Expect::Err(UnsupportedExpectation { value: "tea".into() })),

        // --- partial input is not an error ---
        ("nothing yet", b"", d, Expect::Partial),
        ("half a request line", b"GET /hel", d, Expect::Partial),
        ("request line, no headers yet", b"GET / HTTP/1.1\r\n", d, Expect::Partial),
        ("a CR waiting for its LF", b"GET / HTTP/1.1\r", d, Expect::Partial),
        ("headers without the final empty line", b"GET / HTTP/1.1\r\nHost: a\r\n", d, Expect::Partial),
        ("only empty lines", b"\r\n\r\n", d, Expect::Partial),

        // --- found by fuzzing: the answer must not depend on how the bytes arrive ---
        // (`byte_at_a_time_equals_one_shot` replays these; each used to get
        // one error in one read and another when split.)
        ("the request line is judged before any header line", b"GET / HTTP/2.0\r\nbad\r\n\r\n", d, Expect::Err(UnsupportedVersion { version: "HTTP/2.0".into() })),
        ("fuzz input: four parts, and a header line without colon", b"POST / H HTTP/1.1\r\nHost: a\r\nTran\nTransfe a\r\nHost: b\r\n\r\n", d, Expect::Err(RequestLineParts { found: 4 })),
        ("a control byte comes before the bare CR after it", b"GET /\x12HTTP/ET /\x12HTTP/z0.1\r1e309\n", d, Expect::Err(RequestLineByte { byte: 0x12, looks_like_tls: false })),
        ("a control byte early in a too-long request line", b"GET /\x01aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\n", s, Expect::Err(RequestLineByte { byte: 1, looks_like_tls: false })),
        ("a too-large header section before a bare CR in its last line", b"GET / HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n\r; Secure; HttpOnly; SamSameSit%00e=None; Partitioned\n", s, Expect::Err(HeadersTooLarge { limit: 64 })),
    ]
}

#[test]
fn parse_table() {
    let cases = cases();
    for (why, input, limits, want) in &cases {
        let got = run(input, limits);
        let ok = match (&got, want) {
            (Ok(Parsed::Complete { value, used }), Expect::Ok(s)) => {
                value == s && *used == input.len()
            }
            (Ok(Parsed::Partial), Expect::Partial) => true,
            (Err(e), Expect::Err(w)) => e == w,
            _ => false,
        };
        assert!(
            ok,
            "{why}: parse_request({:?}) = {got:?}; want {want:?}",
            String::from_utf8_lossy(input)
        );
    }
}

/// Feeding a request one byte at a time gives `Partial` for every proper
/// prefix (or, for an invalid one, the error the whole input gets). The
/// whole input itself is `parse_table`'s row. The parser keeps no state
/// between calls, so this is what a telnet user typing slowly gets.
#[test]
fn byte_at_a_time_equals_one_shot() {
    for (why, input, limits, want) in cases() {
        for end in 0..input.len() {
            let got = run(&input[..end], &limits);
            match (&want, &got) {
                (Expect::Ok(_) | Expect::Partial, Ok(Parsed::Partial)) => {}
                // An invalid input may be refused before its end, but only
                // with the error the whole input gets.
                (Expect::Err(w), Err(e)) => assert_eq!(e, w, "{why}: prefix of {end} bytes"),
                (Expect::Err(_), Ok(Parsed::Partial)) => {}
                _ => panic!("{why}: prefix of {end} bytes gave {got:?}; want Partial"),
            }
        }
    }
}

#[test]
fn pipelined_requests_are_parsed_one_after_another() {
    let raw = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n\
                POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc\
                GET /c HTTP/1.1\r\nHost: x\r\n\r\n";
    let mut rest: &[u8] = raw;
    let mut targets = Vec::new();
    while !rest.is_empty() {
        match parse_request(rest, &Limits::default()).unwrap() {
            Parsed::Complete { value, used } => {
                targets.push(value.target().to_string());
                rest = &rest[used..];
            }
            Parsed::Partial => panic!("left over: {rest:?}"),
        }
    }
    assert_eq!(targets, ["/a", "/b", "/c"]);
}

#[test]
fn fields_are_exposed_in_order_and_case_insensitively() {
    let raw = b"GET /p?q=1 HTTP/1.1\r\nHost: a\r\nCookie: a=1\r\nX-Note:  spaced out \t\r\ncookie: b=2\r\n\r\n";
    let Parsed::Complete { value: req, .. } = parse_request(raw, &Limits::default()).unwrap()
    else {
        panic!("partial")
    };
    assert_eq!(req.path(), "/p");
    assert_eq!(req.query_string(), Some("q=1"));
    assert_eq!(req.header("COOKIE"), Some("a=1"));
    assert_eq!(
        req.headers_named("cookie").collect::<Vec<_>>(),
        ["a=1", "b=2"]
    );
    assert_eq!(req.header("x-note"), Some("spaced out"));
    assert_eq!(req.headers().count(), 4);
    assert_eq!(req.request_line(), "GET /p?q=1 HTTP/1.1");
    assert_eq!(req.head(), std::str::from_utf8(raw).unwrap());
}

#[test]
fn absolute_form_path_and_query() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        (
            "GET http://h/x?y=1 HTTP/1.1\r\nHost: h\r\n\r\n",
            "/x",
            Some("y=1"),
        ),
        ("GET HTTP://h:80/ HTTP/1.1\r\nHost: h\r\n\r\n", "/", None),
        ("GET https://h HTTP/1.1\r\nHost: h\r\n\r\n", "", None),
    ];
    for (raw, path, query) in cases {
        let Parsed::Complete { value: req, .. } =
            parse_request(raw.as_bytes(), &Limits::default()).unwrap()
        else {
            panic!("partial: {raw:?}")
        };
        assert_eq!((req.path(), req.query_string()), (*path, *query), "{raw:?}");
    }
}

#[test]
fn persistence_rules() {
    // RFC 9112 §9.3: 1.1 persists unless "close"; 1.0 only with "keep-alive".
    let cases: &[(&str, &str, bool)] = &[
        ("1.1 default", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", true),
        (
            "1.1 close",
            "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
            false,
        ),
        (
            "1.1 close in a list",
            "GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade, Close\r\n\r\n",
            false,
        ),
        ("1.0 default", "GET / HTTP/1.0\r\n\r\n", false),
        (
            "1.0 keep-alive",
            "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
            true,
        ),
        (
            "1.0 keep-alive and close",
            "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
            false,
        ),
    ];
    for (why, raw, want) in cases {
        let Parsed::Complete { value: req, .. } =
            parse_request(raw.as_bytes(), &Limits::default()).unwrap()
        else {
            panic!("partial")
        };
        assert_eq!(req.keep_alive(), *want, "{why}");
    }
}

#[test]
fn expect_continue_only_for_http11_with_a_body() {
    let cases: &[(&str, &str, bool)] = &[
        (
            "1.1 with a body",
            "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n",
            true,
        ),
        (
            "1.1 without a body",
            "GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n",
            false,
        ),
        (
            "1.0 must be ignored",
            "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n",
            false,
        ),
    ];
    for (why, raw, want) in cases {
        let Parsed::Complete { value: req, .. } =
            parse_head(raw.as_bytes(), &Limits::default()).unwrap()
        else {
            panic!("partial")
        };
        assert_eq!(req.expects_continue(), *want, "{why}");
    }
}

#[test]
fn non_utf8_values_are_shown_as_replacement_characters() {
    let raw = b"GET / HTTP/1.1\r\nHost: a\r\nX-Latin1: caf\xe9 ok\r\nX-Next: yes\r\n\r\n";
    let Parsed::Complete { value: req, used } = parse_request(raw, &Limits::default()).unwrap()
    else {
        panic!("partial")
    };
    assert_eq!(used, raw.len());
    assert_eq!(req.header("x-latin1"), Some("caf\u{fffd} ok"));
    assert_eq!(req.header("x-next"), Some("yes"));
}

//! What must hold for *any* input on each of goldfish's input surfaces.
//!
//! One function per surface. Each takes arbitrary bytes, runs them through
//! goldfish, and panics if a property fails; a panic (or a crash, a hang, a
//! runaway allocation) is what both harnesses report as a finding:
//! - `tests/fuzz_smoke.rs` feeds them mutated seed inputs, std only, as part
//!   of `cargo test`;
//! - the libFuzzer targets in `fuzz/` include this very file
//!   (`#[path]` in `fuzz/src/lib.rs`), so both check the same things.
//!
//! Where a check needs a choice besides the bytes (where to split the input,
//! which limits to use, which byte of a cookie to change), it derives it
//! from a hash of the input. Every input is then one deterministic test
//! case, which libFuzzer can save, minimize and replay.
//!
//! The properties, in short:
//! - nothing panics, whatever the bytes;
//! - feeding bytes in pieces gives what feeding them at once gives (the
//!   server reads a socket in whatever pieces the network delivers);
//! - what a decoder accepts, the matching encoder writes back, and that
//!   reads back the same (JSON, base64url, Cookie, the request itself);
//! - what the Set-Cookie builder accepts cannot smuggle anything, and a
//!   browser (the checker) stores exactly the cookie that was built;
//! - a genuine session cookie with any one byte changed is refused;
//! - inflating never writes past its cap, and what goldfish deflates
//!   inflates back to itself;
//! - a PostgreSQL backend message is `Partial` until its last byte arrives,
//!   then uses exactly the length its frame announced.

use std::borrow::Cow;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use goldfish::cookie::{
    self, Outcome, RequestCookies, RequestUrl, SameSite, SameSiteFlag, SetCookie, Verdict,
};
use goldfish::http::{
    BodyKind, BodyProgress, ChunkedDecoder, Headers, Limits, ParseError, Parsed, Request,
    parse_head, parse_request,
};
use goldfish::session::json::{MAX_JSON_BYTES, python_float_repr};
use goldfish::session::{
    LoadOutcome, PERMANENT_SESSION_LIFETIME, Session, Signer, Value, base64url, from_json, signer,
    to_json, zlib,
};
use goldfish::store::postgres::wire::{Backend, parse_backend};

/// How hard one call looks at its input.
#[derive(Debug, Clone, Copy)]
pub struct Effort {
    /// Inputs up to this many bytes are split at *every* position.
    pub every_split_up_to: usize,
    /// Otherwise, this many split positions (or changed bytes) per input.
    pub samples: usize,
    /// The slow extra checks (printing whole reports, the command-line
    /// tools with their own key derivation) run for one input in this many.
    pub slow_checks_one_in: u64,
}

impl Effort {
    /// For libFuzzer (release build, one input at a time).
    pub const THOROUGH: Effort = Effort {
        every_split_up_to: 512,
        samples: 64,
        slow_checks_one_in: 1,
    };
    /// For the std-only smoke test: 100k inputs per surface in a debug build.
    pub const QUICK: Effort = Effort {
        every_split_up_to: 0,
        samples: 4,
        slow_checks_one_in: 10,
    };
}

// --- helpers -------------------------------------------------------------

/// `SplitMix64`: the choices a check makes, seeded from the input's hash.
struct Choices(u64);

impl Choices {
    fn of(data: &[u8]) -> Choices {
        // FNV-1a over the input.
        let hash = data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
        Choices(hash)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Whether this input gets the slow checks too.
    fn slow_checks(&mut self, effort: Effort) -> bool {
        self.next().is_multiple_of(effort.slow_checks_one_in)
    }
}

/// Where to cut `len` bytes into pieces: increasing ends, the last one `len`.
fn cuts(len: usize, effort: Effort, choices: &mut Choices) -> Vec<usize> {
    if len <= effort.every_split_up_to {
        return (1..=len).collect();
    }
    let mut ends: Vec<usize> = (0..effort.samples)
        .filter(|_| len > 0)
        .map(|_| 1 + choices.below(len))
        .collect();
    ends.push(len);
    ends.sort_unstable();
    ends.dedup();
    ends
}

/// The test's limits: the server's defaults, or small ones so that every
/// limit can be hit by a short input.
fn limits(choices: &mut Choices) -> Limits {
    if choices.next() & 1 == 0 {
        Limits::default()
    } else {
        Limits {
            request_line: 32,
            header_section: 64,
            header_count: 3,
            body: 16,
        }
    }
}

fn show(data: &[u8]) -> String {
    let shown: String = data
        .iter()
        .take(300)
        .flat_map(|b| b.escape_ascii())
        .map(char::from)
        .collect();
    if data.len() > 300 {
        format!("b\"{shown}\"… ({} bytes)", data.len())
    } else {
        format!("b\"{shown}\"")
    }
}

fn text(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

// --- HTTP ----------------------------------------------------------------

/// `parse_request` on every prefix the server could see agrees with
/// `parse_request` on the whole input; so does the server's own way of
/// reading (`parse_head` on a growing buffer, then the body in pieces);
/// and a complete request, written out again, parses to the same request.
pub fn request_parser(data: &[u8], effort: Effort) {
    let mut choices = Choices::of(data);
    let limits = limits(&mut choices);
    let whole = parse_request(data, &limits);

    // 1. The one-shot answer.
    let mut ends = cuts(data.len(), effort, &mut choices);
    if let Ok(Parsed::Complete { value, used }) = &whole {
        assert!(
            *used > 0 && *used <= data.len(),
            "parse_request({}) used {used} of {} bytes",
            show(data),
            data.len()
        );
        check_request(value, data, &limits);
        ends.push(*used);
    }

    // 2. Every prefix: either "need more", or the one-shot answer. Once the
    //    request is complete, more bytes (a pipelined request) change nothing.
    for end in ends {
        let prefix = parse_request(&data[..end], &limits);
        let complete_at = match &whole {
            Ok(Parsed::Complete { used, .. }) => Some(*used),
            _ => None,
        };
        match prefix {
            Ok(Parsed::Partial) if complete_at.is_none_or(|used| end < used) => {}
            prefix => assert_eq!(
                prefix,
                whole,
                "parse_request(first {end} bytes of {}) differs from parse_request(all {} bytes)",
                show(data),
                data.len()
            ),
        }
    }

    // 3. The way `server/connection.rs` reads.
    let ends = cuts(data.len(), effort, &mut choices);
    let served = as_the_server_reads(data, &ends, &limits);
    assert_eq!(
        served,
        whole,
        "the server's way (parse_head, then the body, fed up to {ends:?}) differs from \
         parse_request on {}",
        show(data)
    );
}

/// `parse_head` on a buffer that grows to each of `ends`, then the body
/// from the same buffer, the way `server/connection.rs` does it.
fn as_the_server_reads(
    data: &[u8],
    ends: &[usize],
    limits: &Limits,
) -> Result<Parsed<Request>, ParseError> {
    let mut ends = ends.iter().copied();
    let mut filled = ends.next().unwrap_or(0);
    let (mut req, head_used) = loop {
        match parse_head(&data[..filled], limits)? {
            Parsed::Complete { value, used } => break (value, used),
            Parsed::Partial => match ends.next() {
                Some(end) => filled = end,
                None => return Ok(Parsed::Partial),
            },
        }
    };
    assert!(
        head_used <= filled,
        "parse_head used {head_used} of {filled} bytes"
    );
    let used = match req.body_kind() {
        BodyKind::None => head_used,
        BodyKind::Length(n) => {
            let end = head_used + n as usize;
            if end > data.len() {
                return Ok(Parsed::Partial);
            }
            req.set_body(data[head_used..end].to_vec());
            end
        }
        BodyKind::Chunked => {
            let mut decoder = ChunkedDecoder::new(limits);
            let mut body = Vec::new();
            let mut start = head_used;
            loop {
                let piece = &data[start..filled];
                let BodyProgress { used, done } = decoder.decode(piece, &mut body)?;
                assert!(
                    used <= piece.len() && (done || used == piece.len()),
                    "decode of {} bytes used {used}, done={done}",
                    piece.len()
                );
                start += used;
                if done {
                    break;
                }
                match ends.next() {
                    Some(end) => filled = end,
                    None => return Ok(Parsed::Partial),
                }
            }
            req.set_trailers(decoder.into_trailers());
            req.set_body(body);
            start
        }
    };
    Ok(Parsed::Complete { value: req, used })
}

/// A complete request: its parts are consistent, and written out again in
/// the plainest form it parses to the same request.
fn check_request(req: &Request, data: &[u8], limits: &Limits) {
    let ctx = || format!("request parsed from {}", show(data));
    let (method, target, version) = (req.method(), req.target(), req.version().as_str());
    assert_eq!(
        req.request_line(),
        format!("{method} {target} {version}"),
        "{}",
        ctx()
    );
    assert!(!method.is_empty() && !target.is_empty(), "{}", ctx());
    let query = req
        .query_string()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    assert!(
        target.ends_with(&format!("{}{query}", req.path())),
        "{}",
        ctx()
    );
    assert!(req.head().ends_with('\n'), "{}", ctx());
    for (name, value) in req.headers() {
        assert!(
            !name.is_empty() && !name.contains([':', ' ', '\t', '\r', '\n']),
            "{}",
            ctx()
        );
        assert!(!value.contains(['\r', '\n', '\0']), "{}", ctx());
        assert!(
            !value.starts_with([' ', '\t']) && !value.ends_with([' ', '\t']),
            "{}",
            ctx()
        );
    }
    match req.body_kind() {
        BodyKind::None => assert!(req.body().is_empty(), "{}", ctx()),
        BodyKind::Length(n) => assert_eq!(req.body().len() as u64, n, "{}", ctx()),
        BodyKind::Chunked => assert!(req.body().len() <= limits.body, "{}", ctx()),
    }
    // The URL decoders see the target and the body next; they must not panic.
    let _ = req.query();
    let _ = req.form();

    // Written out with LF line ends and no optional whitespace, the request
    // is never longer than it arrived, so the same limits apply (U+FFFD
    // for a non-UTF-8 byte is the exception: allow for it).
    let mut wire = format!("{method} {target} {version}\n");
    for (name, value) in req.headers() {
        wire.push_str(&format!("{name}:{value}\n"));
    }
    wire.push('\n');
    let mut wire = wire.into_bytes();
    match req.body_kind() {
        BodyKind::None => {}
        BodyKind::Length(_) => wire.extend_from_slice(req.body()),
        BodyKind::Chunked => {
            if !req.body().is_empty() {
                wire.extend_from_slice(format!("{:x}\r\n", req.body().len()).as_bytes());
                wire.extend_from_slice(req.body());
                wire.extend_from_slice(b"\r\n");
            }
            wire.extend_from_slice(b"0\r\n");
            for trailer in req.trailers() {
                wire.extend_from_slice(trailer.as_bytes());
                wire.extend_from_slice(b"\r\n");
            }
            wire.extend_from_slice(b"\r\n");
        }
    }
    let roomy = Limits {
        header_section: limits.header_section * 3,
        ..*limits
    };
    let again = match parse_request(&wire, &roomy) {
        Ok(Parsed::Complete { value, used }) if used == wire.len() => value,
        other => panic!(
            "{}: written out again as {}, it parses to {other:?}",
            ctx(),
            show(&wire)
        ),
    };
    let summary = |r: &Request| {
        (
            r.method().to_owned(),
            r.target().to_owned(),
            r.version(),
            r.path().to_owned(),
            r.query_string().map(str::to_owned),
            r.headers()
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect::<Vec<_>>(),
            r.body_kind(),
            r.expects_continue(),
            r.keep_alive(),
            r.body().to_vec(),
            r.trailers().to_vec(),
        )
    };
    assert_eq!(
        summary(&again),
        summary(req),
        "{}: written out again as {}",
        ctx(),
        show(&wire)
    );
}

/// The chunked decoder gives the same body, trailers, bytes used and error
/// whether it is fed everything at once, a byte at a time, or in pieces.
pub fn chunked_decoder(data: &[u8], effort: Effort) {
    let mut choices = Choices::of(data);
    let limits = limits(&mut choices);
    let once = decode_in_pieces(data, &[data.len()], &limits);
    if let Ok((body, used, done, _)) = &once {
        assert!(*used <= data.len(), "used {used} of {} bytes", data.len());
        assert!(
            *done || *used == data.len(),
            "stopped early without being done"
        );
        assert!(body.len() <= limits.body, "body of {} bytes", body.len());
    }
    let mut schedules = vec![cuts(
        data.len(),
        Effort {
            every_split_up_to: 0,
            ..effort
        },
        &mut choices,
    )];
    if data.len() <= effort.every_split_up_to {
        schedules.push((1..=data.len()).collect());
    }
    for ends in schedules {
        let pieces = decode_in_pieces(data, &ends, &limits);
        assert_eq!(
            pieces,
            once,
            "decoding {} in pieces ending at {ends:?} differs from decoding it at once",
            show(data)
        );
    }
}

type Decoded = Result<(Vec<u8>, usize, bool, Vec<String>), ParseError>;

/// Feeds `data[..end]` for each end, each time from the first unused byte.
fn decode_in_pieces(data: &[u8], ends: &[usize], limits: &Limits) -> Decoded {
    let mut decoder = ChunkedDecoder::new(limits);
    let mut body = Vec::new();
    let mut start = 0;
    let mut done = false;
    for &end in ends {
        let piece = &data[start..end];
        let progress = decoder.decode(piece, &mut body)?;
        assert!(progress.used <= piece.len(), "used more than it was given");
        start += progress.used;
        if progress.done {
            done = true;
            break;
        }
    }
    Ok((body, start, done, decoder.into_trailers()))
}

// --- cookies -------------------------------------------------------------

/// The Cookie header reader: never fails, keeps only well-formed pairs,
/// treats several lines as one, and reads back what it would write.
pub fn cookie_header(data: &[u8], _effort: Effort) {
    let text = text(data);
    let lines: Vec<&str> = text.split('\n').collect();
    let jar = RequestCookies::parse(lines.iter().copied());
    let ctx = || format!("RequestCookies::parse of {}", show(data));
    for (name, value) in jar.iter() {
        assert!(!name.is_empty(), "{}: empty name", ctx());
        assert!(!name.contains([';', '=']), "{}: name {name:?}", ctx());
        assert!(
            !name.starts_with([' ', '\t']) && !name.ends_with([' ', '\t']),
            "{}: name {name:?} not trimmed",
            ctx()
        );
        assert!(!value.contains(';'), "{}: value {value:?}", ctx());
        assert_eq!(jar.get(name), jar.get_all(name).next(), "{}", ctx());
    }
    assert_eq!(jar.len(), jar.iter().count(), "{}", ctx());

    // Several lines read as one line joined with ';'.
    let joined = lines.join(";");
    assert_eq!(
        RequestCookies::parse([joined.as_str()]),
        jar,
        "{}: joined lines",
        ctx()
    );

    // Written back as `name="value"; …`, the pairs read back the same.
    let written: Vec<String> = jar.iter().map(|(n, v)| format!("{n}=\"{v}\"")).collect();
    let written = written.join("; ");
    assert_eq!(
        RequestCookies::parse([written.as_str()]),
        jar,
        "{}: written back as {written:?}",
        ctx()
    );
}

/// The browser's clock in the cookie checks: Wed, 25 Nov 2026 20:25:23 GMT.
const COOKIE_NOW: u64 = 1_795_638_323;
/// 400 days, the longest a browser keeps a cookie (RFC 6265bis §5.5).
const COOKIE_CAP: u64 = 400 * 24 * 60 * 60;

const URLS: [&str; 5] = [
    "http://localhost/",
    "http://www.example.com/",
    "https://www.example.com/",
    "https://example.com/login/submit",
    "http://127.0.0.1:5000/cookies",
];

/// The Set-Cookie checker reads any line and explains it: the verdict, the
/// stored cookie and the notes agree, and the report never carries a raw
/// control character to the learner's terminal.
///
/// Input: the line, optionally followed by a 0xFF byte and the URL of the
/// response (0xFF never occurs in UTF-8, so it cannot clash with the line).
pub fn set_cookie_check(data: &[u8], effort: Effort) {
    let mut choices = Choices::of(data);
    let (line, url_text) = match data.iter().position(|b| *b == 0xff) {
        Some(i) => (text(&data[..i]), text(&data[i + 1..]).into_owned()),
        None => (text(data), URLS[choices.below(URLS.len())].to_owned()),
    };
    let Ok(url) = RequestUrl::parse(&url_text) else {
        return;
    };
    let now = UNIX_EPOCH + Duration::from_secs(COOKIE_NOW);
    let report = cookie::check(&line, &url, now);
    let ctx = || format!("check({line:?}, {url_text:?})");
    let caused = report
        .notes
        .iter()
        .filter(|n| n.outcome == Outcome::CausedRejection)
        .count();
    assert!(
        report.notes.iter().all(|n| !n.explanation.is_empty()),
        "{}",
        ctx()
    );
    match (&report.verdict, &report.cookie) {
        (Verdict::Rejected(why), None) => {
            assert!(
                caused >= 1,
                "{}: rejected ({why}) but no note says why",
                ctx()
            );
            assert!(!why.to_string().is_empty(), "{}", ctx());
        }
        (Verdict::Stored | Verdict::Deletes, Some(c)) => {
            assert_eq!(
                caused,
                0,
                "{}: stored, yet a note caused a rejection",
                ctx()
            );
            assert!(c.path.starts_with('/'), "{}: path {:?}", ctx(), c.path);
            assert!(c.name.len() + c.value.len() <= 4096, "{}", ctx());
            assert!(!c.name.is_empty() || !c.value.is_empty(), "{}", ctx());
            // CTLs are the ASCII ones (RFC 5234 B.1); U+0080..U+009F are
            // not bytes a browser would refuse.
            let ctl = |s: &str| s.chars().any(|ch| ch.is_ascii_control() && ch != '\t');
            assert!(
                !ctl(&c.name) && !ctl(&c.value),
                "{}: control character kept",
                ctx()
            );
            assert!(!c.name.contains(';') && !c.value.contains(';'), "{}", ctx());
            assert_eq!(c.domain, c.domain.to_ascii_lowercase(), "{}", ctx());
            if c.host_only {
                assert_eq!(c.domain, url.host(), "{}", ctx());
            } else {
                assert!(cookie::domain_match(url.host(), &c.domain), "{}", ctx());
            }
            assert!(
                !c.secure || url.is_secure_origin(),
                "{}: Secure over http",
                ctx()
            );
            if let Some(at) = c.expires {
                let cap = now + Duration::from_secs(COOKIE_CAP);
                assert!(at <= cap, "{}: expires past the 400-day cap", ctx());
                let expired = at <= now;
                assert_eq!(expired, report.verdict == Verdict::Deletes, "{}", ctx());
            } else {
                assert_eq!(
                    report.verdict,
                    Verdict::Stored,
                    "{}: a session cookie",
                    ctx()
                );
            }
        }
        (verdict, stored) => panic!("{}: verdict {verdict:?} with cookie {stored:?}", ctx()),
    }

    // The command-line report: exit code from the verdict, no raw controls.
    if !line.starts_with('-') && choices.slow_checks(effort) {
        let args = [line.to_string(), "--url".to_owned(), url_text.clone()];
        // No list file: the built-in one, as `check` (above) uses.
        let no_files = |_: &str| Err(std::io::ErrorKind::NotFound.into());
        let (out, code) = goldfish::cli::cookie::run(&args, now, &no_files, &mut |_| {});
        let want = i32::from(matches!(report.verdict, Verdict::Rejected(_)));
        assert_eq!(code, want, "{}: cli exit code; printed:\n{out}", ctx());
        assert!(
            !out.chars().any(|c| c.is_control() && c != '\n'),
            "{}: the report prints a raw control character:\n{out:?}",
            ctx()
        );
    }
}

/// Whatever `SetCookie::validate` accepts is one header line with exactly
/// the attributes that were set, and a browser stores exactly that cookie.
///
/// Input: fields separated by 0xFF bytes (which no string contains): the
/// name, the value, then attributes as `Domain=…`, `Path=…`,
/// `Expires=<seconds since 1970>`, `Max-Age=<seconds>`, `Secure`,
/// `HttpOnly`, `Partitioned`, `SameSite=Strict|Lax|None`. Unknown fields
/// are ignored.
pub fn set_cookie_builder(data: &[u8], _effort: Effort) {
    let mut fields = data.split(|b| *b == 0xff).map(|f| text(f).into_owned());
    let name = fields.next().unwrap_or_default();
    let value = fields.next().unwrap_or_default();
    let mut built = SetCookie::new(name.clone(), value.clone());
    let mut attributes = 0;
    for field in fields {
        let (key, arg) = field.split_once('=').unwrap_or((&field, ""));
        built = match key {
            "Domain" => built.domain(arg),
            "Path" => built.path(arg),
            "Expires" => match arg.parse::<i64>() {
                Ok(s) => built.expires(goldfish::http::date::from_unix_seconds(s)),
                Err(_) => continue,
            },
            "Max-Age" => match arg.parse::<i64>() {
                Ok(s) => built.max_age(s),
                Err(_) => continue,
            },
            "Secure" => built.secure(true),
            "HttpOnly" => built.http_only(true),
            "Partitioned" => built.partitioned(true),
            "SameSite" => match arg {
                "Strict" => built.same_site(SameSite::Strict),
                "Lax" => built.same_site(SameSite::Lax),
                "None" => built.same_site(SameSite::None),
                _ => continue,
            },
            _ => continue,
        };
        attributes += 1;
    }
    let line = match built.to_header_value() {
        Ok(line) => line,
        Err(error) => {
            assert!(!error.to_string().is_empty());
            return;
        }
    };
    let ctx = || format!("{built:?} written as {line:?}");

    // 1. One line, nothing smuggled: no control characters at all, and one
    //    `;` per attribute written.
    assert!(
        !line.chars().any(char::is_control),
        "{}: control character",
        ctx()
    );
    let written = usize::from(built.get_expires().is_some())
        + usize::from(built.get_max_age().is_some())
        + usize::from(built.get_domain().is_some())
        + usize::from(built.get_path().is_some())
        + usize::from(built.is_secure())
        + usize::from(built.is_http_only())
        + usize::from(built.get_same_site().is_some())
        + usize::from(built.is_partitioned());
    assert!(written <= attributes);
    assert_eq!(
        line.matches(';').count(),
        written,
        "{}: attribute count",
        ctx()
    );
    assert!(line.starts_with(&format!("{name}={value}")), "{}", ctx());
    Headers::new().append("Set-Cookie", line.clone()); // panics on CR, LF, NUL

    // 2. A browser that receives it from the cookie's own host stores it as
    //    built (or, if it is already expired, deletes its namesake).
    let host = built.get_domain().unwrap_or("example.com");
    let url = RequestUrl::parse(&format!("https://{host}/"))
        .unwrap_or_else(|e| panic!("{}: Domain is not a host name: {e}", ctx()));
    let now = UNIX_EPOCH + Duration::from_secs(COOKIE_NOW);
    let report = cookie::check(&line, &url, now);
    let stored = match (&report.verdict, &report.cookie) {
        (Verdict::Stored | Verdict::Deletes, Some(c)) => c,
        (verdict, _) => panic!("{}: the browser says {verdict:?}", ctx()),
    };
    assert_eq!(
        (&*stored.name, &*stored.value),
        (&*name, &*value),
        "{}",
        ctx()
    );
    assert_eq!(
        stored.path,
        built.get_path().unwrap_or("/"),
        "{}: path",
        ctx()
    );
    let domain = built.get_domain().map(str::to_ascii_lowercase);
    if !stored.host_only {
        assert_eq!(Some(&stored.domain), domain.as_ref(), "{}: domain", ctx());
    }
    assert_eq!(stored.secure, built.is_secure(), "{}: Secure", ctx());
    assert_eq!(
        stored.http_only,
        built.is_http_only(),
        "{}: HttpOnly",
        ctx()
    );
    assert_eq!(
        stored.partitioned,
        built.is_partitioned(),
        "{}: Partitioned",
        ctx()
    );
    let flag = match built.get_same_site() {
        Some(SameSite::Strict) => SameSiteFlag::Strict,
        Some(SameSite::Lax) => SameSiteFlag::Lax,
        Some(SameSite::None) => SameSiteFlag::None,
        None => SameSiteFlag::Default,
    };
    assert_eq!(stored.same_site, flag, "{}: SameSite", ctx());
    let want_expiry: Option<SystemTime> = match (built.get_max_age(), built.get_expires()) {
        (Some(s), _) => Some(now + Duration::from_secs((s as u64).min(COOKIE_CAP))),
        (None, Some(at)) => Some(at.min(now + Duration::from_secs(COOKIE_CAP))),
        (None, None) => None,
    };
    match (stored.expires, want_expiry) {
        (None, None) => {}
        (Some(got), Some(want)) => {
            // Expires is written in whole seconds.
            let secs = |t: SystemTime| goldfish::http::date::unix_seconds(t);
            let (got, want) = (secs(got), secs(want));
            let expired = want <= COOKIE_NOW as i64;
            assert!(
                got == want || (expired && got <= COOKIE_NOW as i64),
                "{}: expires at {got}, want {want}",
                ctx()
            );
        }
        (got, want) => panic!("{}: expires {got:?}, want {want:?}", ctx()),
    }

    // 3. It comes back in a Cookie header as it was built (one pair of
    //    quotes unwrapped, as the reader does).
    let jar = RequestCookies::parse([format!("{name}={value}").as_str()]);
    let unquoted = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(&value);
    assert_eq!(jar.get(&name), Some(unquoted), "{}: read back", ctx());
}

// --- sessions ------------------------------------------------------------

/// The JSON reader: never panics; what it accepts, the writer writes as
/// ASCII, and that reads back to the same value and the same text. Also:
/// Python-style float formatting reads back as the same float.
pub fn json_decode(data: &[u8], _effort: Effort) {
    let text = text(data);
    match from_json(&text) {
        Ok(value) => {
            let written = to_json(&value);
            assert!(
                written.bytes().all(|b| (b' '..=b'~').contains(&b)),
                "to_json wrote non-ASCII: {written:?}"
            );
            let back = from_json(&written)
                .unwrap_or_else(|e| panic!("from_json({text:?}) → to_json = {written:?} → {e}"));
            // (NaN, which Python's JSON allows, is not equal to itself.)
            let mut has_nan = false;
            each_float(&value, &mut |x| has_nan |= x.is_nan());
            if !has_nan {
                assert_eq!(
                    back, value,
                    "from_json({text:?}) → {written:?} → another value"
                );
            }
            assert_eq!(
                to_json(&back),
                written,
                "from_json({text:?}): written twice differently"
            );
            let _ = value.to_string();
            each_float(&value, &mut |x| {
                let repr = python_float_repr(x);
                let back = repr.parse::<f64>().map(f64::to_bits);
                assert!(
                    back == Ok(x.to_bits()) || (x.is_nan() && repr == "nan"),
                    "python_float_repr({x:?}) = {repr}"
                );
            });
        }
        Err(error) => {
            assert!(
                error.offset <= text.len(),
                "{text:?}: offset {}",
                error.offset
            );
            assert!(!error.to_string().is_empty());
        }
    }
    if let Some(bits) = data.get(..8) {
        let x = f64::from_bits(u64::from_le_bytes(bits.try_into().unwrap()));
        let repr = python_float_repr(x);
        if x.is_finite() {
            let back = repr.parse::<f64>();
            assert_eq!(
                back.map(f64::to_bits),
                Ok(x.to_bits()),
                "python_float_repr({x:?}) = {repr}"
            );
            let json = to_json(&Value::Float(x));
            assert_eq!(
                from_json(&json),
                Ok(Value::Float(x)),
                "to_json({x:?}) = {json}"
            );
        }
    }
}

fn each_float(value: &Value, f: &mut dyn FnMut(f64)) {
    match value {
        Value::Float(x) => f(*x),
        Value::List(items) => items.iter().for_each(|v| each_float(v, f)),
        Value::Map(map) => map.values().for_each(|v| each_float(v, f)),
        _ => {}
    }
}

/// base64url: any bytes encode to the alphabet and decode back; any text
/// that decodes is the one spelling of its bytes (re-encodes to itself).
pub fn base64url(data: &[u8], _effort: Effort) {
    let encoded = base64url::encode(data);
    assert!(
        encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "encode({}) = {encoded:?}",
        show(data)
    );
    assert_eq!(
        encoded.len(),
        (data.len() * 4).div_ceil(3),
        "encode({})",
        show(data)
    );
    assert_eq!(
        base64url::decode(&encoded).as_deref(),
        Ok(data),
        "decode(encode({}))",
        show(data)
    );

    let text = text(data);
    match base64url::decode(&text) {
        Ok(bytes) => assert_eq!(
            base64url::encode(&bytes),
            text,
            "decode({text:?}) = {bytes:?}, which encodes differently"
        ),
        Err(error) => assert!(!error.to_string().is_empty()),
    }
}

/// zlib: any bytes, read as a zlib stream and as raw DEFLATE, inflate to
/// at most the cap or are refused with a sentence, never a panic; the cap
/// is exact (a smaller one refuses exactly the outputs it would cut); and
/// the input itself, compressed, inflates back to itself, no longer than
/// stored blocks would make it, and no proper prefix of it is accepted.
pub fn zlib(data: &[u8], effort: Effort) {
    const CAP: usize = MAX_JSON_BYTES;
    let mut choices = Choices::of(data);
    // 1. Whatever arrives, as a zlib stream and as raw DEFLATE.
    let small_cap = choices.below(300);
    match zlib::decompress(data, CAP) {
        Ok(d) => {
            assert!(
                d.data.len() <= CAP,
                "decompress({}) wrote {} bytes",
                show(data),
                d.data.len()
            );
            assert_eq!(
                d.adler32,
                zlib::adler32(&d.data),
                "decompress({}): checksum",
                show(data)
            );
            let capped = zlib::decompress(data, small_cap).map(|c| c.data);
            if d.data.len() <= small_cap {
                assert_eq!(
                    capped.as_ref(),
                    Ok(&d.data),
                    "{}: cap {small_cap}",
                    show(data)
                );
            } else {
                assert_eq!(
                    capped,
                    Err(zlib::ZlibError::TooLarge { limit: small_cap }),
                    "{}",
                    show(data)
                );
            }
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
    match zlib::inflate(data, CAP) {
        Ok(i) => {
            assert!(
                i.data.len() <= CAP,
                "inflate({}) wrote {} bytes",
                show(data),
                i.data.len()
            );
            assert!(
                i.used <= data.len(),
                "inflate({}) used {} bytes",
                show(data),
                i.used
            );
            assert!(!i.blocks.is_empty(), "inflate({}): no block", show(data));
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }

    // 2. inflate(deflate(x)) = x, and decompress(compress(x)) = x.
    let raw = zlib::deflate(data);
    let back = zlib::inflate(&raw, data.len()).map(|i| (i.data, i.used));
    assert!(
        back == Ok((data.to_vec(), raw.len())),
        "inflate(deflate({})) = {back:?}",
        show(data)
    );
    let stream = zlib::compress(data);
    let back = zlib::decompress(&stream, data.len()).map(|d| d.data);
    assert!(
        back.as_deref() == Ok(data),
        "decompress(compress({})) = {back:?}",
        show(data)
    );
    // Never longer than stored blocks: 5 bytes per 65,535, 6 for the frame.
    let bound = data.len() + 5 * data.len().div_ceil(65_535).max(1) + 6;
    assert!(
        stream.len() <= bound,
        "compress({}) is {} bytes, over {bound}",
        show(data),
        stream.len()
    );
    if !data.is_empty() {
        let short = zlib::decompress(&stream, data.len() - 1);
        assert_eq!(
            short,
            Err(zlib::ZlibError::TooLarge {
                limit: data.len() - 1
            }),
            "{}",
            show(data)
        );
    }
    // 3. A stream cut short is refused, wherever it is cut.
    let cuts: Vec<usize> = if stream.len() <= effort.every_split_up_to {
        (0..stream.len()).collect()
    } else {
        (0..effort.samples)
            .map(|_| choices.below(stream.len()))
            .collect()
    };
    for cut in cuts {
        let got = zlib::decompress(&stream[..cut], CAP);
        assert!(
            got.is_err(),
            "compress({}) cut to {cut} bytes is accepted: {got:?}",
            show(data)
        );
    }
}

/// The key of the session checks: the Flask lecture's `SECRET_KEY`, so that
/// the real Flask cookies in the seeds are genuine.
const SECRET: &[u8] = b"SHHHHHHHHHHH SEEKRIT";
/// An old key still accepted (`SECRET_KEY_FALLBACKS`).
const FALLBACK: &[u8] = b"an older secret";
/// When the seed cookies were signed; the checks run a minute later.
const SIGNED_AT: u64 = 1_764_098_723;

/// Session cookies: any value gives a session (empty unless genuine) and
/// never a panic, nor does the `goldfish session` inspector; and a genuine
/// cookie with any one byte changed is refused.
pub fn session_cookie(data: &[u8], effort: Effort) {
    let mut choices = Choices::of(data);
    let fallbacks = [FALLBACK.to_vec()];
    // Deriving the keys costs more than most checks: once per process.
    static SIGNER: OnceLock<Signer> = OnceLock::new();
    let signer = SIGNER.get_or_init(|| Signer::new(SECRET, &[FALLBACK.to_vec()]));
    let now = UNIX_EPOCH + Duration::from_secs(SIGNED_AT + 60);
    let max_age = Some(PERMANENT_SESSION_LIFETIME);
    let text = text(data);

    // 1. Whatever the browser sends.
    let (session, outcome) = Session::decode_cookie(Some(&text), signer, max_age, now);
    match &outcome {
        LoadOutcome::Loaded { .. } => {}
        LoadOutcome::Rejected(error) => {
            assert!(session.is_empty(), "rejected {text:?} but kept {session:?}");
            assert!(!error.to_string().is_empty());
        }
        LoadOutcome::Fresh => panic!("decode_cookie(Some({text:?})) says there was no cookie"),
    }
    let _ = signer::split(&text);
    if choices.slow_checks(effort) {
        let args = ["decode".to_owned(), text.to_string()];
        let (_, code) = goldfish::cli::session::run(&args, Some(SECRET), &fallbacks, now);
        // (The inspector also takes `session=…` or a whole Set-Cookie line, so
        // it may accept what the server would not; never the other way round.)
        if matches!(outcome, LoadOutcome::Loaded { .. }) {
            assert_eq!(
                code, 0,
                "the server accepts {text:?}, the inspector does not"
            );
        }
        let _ = goldfish::cli::session::run(
            &["sign".to_owned(), text.to_string()],
            Some(SECRET),
            &[],
            now,
        );
    }

    // 2. A genuine cookie for a session made from the input…
    let mut session = Session::new();
    match from_json(&text) {
        Ok(Value::Map(map)) => session = Session::from_map(map),
        _ => {
            session.insert("fav_color", text.as_ref());
        }
    }
    let signed_at = now - Duration::from_secs(choices.below(1000) as u64);
    let cookie = session.encode_cookie(signer, signed_at);
    let (back, outcome) = Session::decode_cookie(Some(&cookie), signer, max_age, now);
    if session.to_json().len() > MAX_JSON_BYTES {
        // More than a session may hold: refused, even though genuine.
        assert!(matches!(outcome, LoadOutcome::Rejected(_)), "{outcome:?}");
        return;
    }
    assert!(
        matches!(outcome, LoadOutcome::Loaded { .. }),
        "a genuine cookie {cookie:?} is refused: {outcome:?}"
    );
    assert_eq!(
        back.to_json(),
        session.to_json(),
        "{cookie:?} reads back differently"
    );

    // … with any one byte changed, is refused. (Each forgery costs two
    // HMACs, one per key; a few per input keep the fuzzer fast.)
    let positions: Vec<usize> = (0..effort.samples.div_ceil(4))
        .map(|_| choices.below(cookie.len()))
        .collect();
    for at in positions {
        let mut forged = cookie.clone().into_bytes();
        // Any other ASCII byte (the cookie is ASCII, so the result stays UTF-8).
        forged[at] = (forged[at] + 1 + choices.below(127) as u8) % 128;
        let forged = String::from_utf8(forged).expect("ASCII");
        let (session, outcome) = Session::decode_cookie(Some(&forged), signer, max_age, now);
        assert!(
            matches!(outcome, LoadOutcome::Rejected(_)) && session.is_empty(),
            "{cookie:?} with byte {at} changed, {forged:?}, is accepted"
        );
    }
}

// --- The cookie jar ----------------------------------------------------------

/// `goldfish cookie jar` replays any script: it never panics, every `get`
/// and `js` answers exactly once, the answer is the sent cookies in order,
/// the jar never holds two cookies with the same name, domain, host-only
/// flag and path, and the limits hold after every event (per site and in
/// all), however many cookies the script sets.
///
/// Input: a script. The input's hash picks the browser and how many times
/// the script runs (up to 30, at most 800 events); each run renames the cookies (`Set-Cookie: r7…`) so
/// that repeated runs pile up new cookies and reach the limits.
pub fn cookie_jar(data: &[u8], _effort: Effort) {
    use goldfish::cookie::PublicSuffixList;
    use goldfish::cookie::jar::script::replay;
    use goldfish::cookie::jar::{Browser, Jar};
    use std::collections::{HashMap, HashSet};

    let mut choices = Choices::of(data);
    let browser = if choices.below(2) == 0 {
        Browser::Chromium
    } else {
        Browser::Firefox
    };
    let runs = [1, 1, 2, 30][choices.below(4)];
    let script = text(data);
    let mut whole = String::with_capacity(script.len() * runs);
    for run in 0..runs {
        whole.push_str(&script.replace("Set-Cookie: ", &format!("Set-Cookie: r{run}")));
        whole.push('\n');
    }
    let mut jar = Jar::new(browser, PublicSuffixList::builtin_list().clone());
    let limits = jar.limits();
    let replayed = replay(&whole, &mut jar, 1_795_824_000, 800, true);
    let ctx = || format!("cookie_jar({:?})", String::from_utf8_lossy(data));
    for step in &replayed.steps {
        let verb = step.source.split_whitespace().next().unwrap_or("");
        let verb = verb.to_ascii_lowercase();
        match (verb.as_str(), &step.answer) {
            ("get", Some(a)) => assert!(a.starts_with("Cookie:"), "{}: {a:?}", ctx()),
            ("js", Some(a)) => assert!(a.starts_with("document.cookie:"), "{}: {a:?}", ctx()),
            ("get" | "js", None) => panic!("{}: {:?} has no answer", ctx(), step.source),
            (_, Some(a)) => panic!("{}: {:?} answered {a:?}", ctx(), step.source),
            (_, None) => {}
        }
        assert!(
            step.jar.len() <= limits.total,
            "{}: {} cookies",
            ctx(),
            step.jar.len()
        );
        let mut per_site: HashMap<&str, usize> = HashMap::new();
        let mut keys = HashSet::new();
        for c in &step.jar {
            let k = &c.cookie;
            assert!(
                keys.insert((&k.name, &k.domain, k.host_only, &k.path)),
                "{}: two cookies {:?} after {:?}",
                ctx(),
                (&k.name, &k.domain, &k.path),
                step.source
            );
            assert!(k.path.starts_with('/'), "{}: path {:?}", ctx(), k.path);
            assert!(k.name.len() + k.value.len() <= 4096, "{}: too big", ctx());
            let site = jar.psl().registrable_domain(&k.domain).unwrap_or(&k.domain);
            *per_site.entry(site).or_default() += 1;
        }
        for (site, n) in per_site {
            assert!(n <= limits.per_site, "{}: {n} cookies for {site}", ctx());
        }
    }
    let out = replayed.to_text();
    assert!(
        !out.chars().any(|c| c.is_control() && c != '\n'),
        "{}: the output prints a raw control character",
        ctx()
    );
    let answers = out
        .lines()
        .filter(|l| l.starts_with("Cookie:") || l.starts_with("document.cookie:"))
        .count();
    let asked = replayed.steps.iter().filter(|s| s.answer.is_some()).count();
    assert_eq!(answers, asked, "{}: one answer line per request", ctx());
}

// --- PostgreSQL ------------------------------------------------------------

/// PostgreSQL backend messages (`store::postgres::wire::parse_backend`):
/// whatever a server (or something pretending to be one) sends, no panic;
/// a complete message uses exactly `1 + length` bytes, whatever follows it,
/// and every shorter prefix of it is `Partial`; a prefix of an input that is
/// `Partial` or refused is `Partial` or refused the same way (an error is
/// found as soon as its bytes are there, never later, never differently);
/// read as a stream, message after message, every byte is used once.
pub fn pg_backend(data: &[u8], effort: Effort) {
    let mut choices = Choices::of(data);
    let whole = parse_backend(data);
    let ends = cuts(data.len(), effort, &mut choices);
    match &whole {
        Ok(Parsed::Complete { value, used }) => {
            let announced = i32::from_be_bytes([data[1], data[2], data[3], data[4]]);
            assert_eq!(
                *used as i64,
                1 + i64::from(announced),
                "parse_backend({}) used {used} bytes; the frame says 1 + {announced}",
                show(data)
            );
            for &end in ends.iter().filter(|&&e| e < *used) {
                assert_eq!(
                    parse_backend(&data[..end]),
                    Ok(Parsed::Partial),
                    "parse_backend of the first {end} of {used} bytes of {}",
                    show(data)
                );
            }
            let mut more = data[..*used].to_vec();
            more.extend_from_slice(b"Z\0\0\0\x05I");
            match parse_backend(&more) {
                Ok(Parsed::Complete {
                    value: again,
                    used: u,
                }) => {
                    assert_eq!((&again, u), (value, *used), "{}", show(data));
                }
                other => panic!("{}: {other:?} once a message follows", show(data)),
            }
            if let Backend::ErrorResponse(e) | Backend::NoticeResponse(e) = value {
                assert!(!e.to_string().is_empty());
            }
        }
        Ok(Parsed::Partial) | Err(_) => {
            for &end in &ends {
                let got = parse_backend(&data[..end]);
                assert!(
                    got == Ok(Parsed::Partial) || got == whole,
                    "parse_backend of the first {end} bytes of {} = {got:?}; the whole is {whole:?}",
                    show(data)
                );
            }
        }
    }
    if let Err(e) = &whole {
        assert!(!e.to_string().is_empty());
    }
    // A stream: message after message until one is not complete.
    let mut at = 0;
    while let Ok(Parsed::Complete { used, .. }) = parse_backend(&data[at..]) {
        assert!(used >= 5 && at + used <= data.len(), "{}", show(data));
        at += used;
    }
}

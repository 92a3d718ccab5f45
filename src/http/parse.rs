//! The request parser: bytes in, a [`Request`] (or "need more", or an error) out.
//!
//! ```text
//! HTTP-message   = start-line CRLF *( field-line CRLF ) CRLF [ message-body ]
//! request-line   = method SP request-target SP HTTP-version
//! field-line     = field-name ":" OWS field-value OWS
//! ```
//! — RFC 9112 §2.1, §3, §5.
//!
//! The parser is a pure function of the bytes received so far. The server
//! calls it again whenever more bytes arrive; the answer is
//! [`Parsed::Partial`] ("need more — not an error"), [`Parsed::Complete`]
//! with the request and how many bytes it used, or a [`ParseError`]. So a
//! pipelined batch from a load tool and a learner typing into telnet one
//! byte at a time take the same path, and tests need no socket.
//!
//! Mistakes are reported as soon as the line that contains them is
//! complete, so a telnet user who types a bad request line is told at once
//! rather than after the blank line.

use super::body::{BodyProgress, ChunkedDecoder};
use super::error::ParseError;
use super::request::{Request, Span, Version};
use crate::abnf::{is_ows, is_tchar};

/// Result of feeding bytes to a parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed<T> {
    /// A whole value, built from the first `used` bytes of the input.
    Complete { value: T, used: usize },
    /// The input is a valid beginning; more bytes are needed.
    Partial,
}

/// Size limits. Exceeding one is an error with its own status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest request line, without its line ending (414 beyond).
    pub request_line: usize,
    /// Largest header section: the field lines and the final empty line
    /// (431 beyond). Trailers of a chunked body count against it too.
    pub header_section: usize,
    /// Most header fields (431 beyond).
    pub header_count: usize,
    /// Largest body after de-chunking (413 beyond).
    pub body: usize,
}

impl Default for Limits {
    /// 8 KiB request line, 16 KiB / 100 header fields, 1 MiB body. Browsers
    /// send a few hundred bytes of head; the largest legitimate heads are
    /// cookie-heavy ones at a few KiB.
    fn default() -> Limits {
        Limits {
            request_line: 8 * 1024,
            header_section: 16 * 1024,
            header_count: 100,
            body: 1024 * 1024,
        }
    }
}

/// How the request body is delimited (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No Content-Length and no Transfer-Encoding: the body is empty (rule 7).
    None,
    /// `Content-Length: n` (rule 6).
    Length(u64),
    /// `Transfer-Encoding: chunked` (rule 4).
    Chunked,
}

/// Parses the request line and header section (not the body).
///
/// On success the request's body is empty; [`Request::body_kind`] says how
/// to read it (the server does, after answering `Expect: 100-continue`).
///
/// # Errors
/// Any [`ParseError`] except the body ones.
pub fn parse_head(buf: &[u8], limits: &Limits) -> Result<Parsed<Request>, ParseError> {
    // 1. Skip empty lines before the request line (RFC 9112 §2.2: a server
    //    SHOULD ignore at least one, left over from a previous body).
    let mut start = 0;
    loop {
        match buf[start..] {
            [b'\n', ..] => start += 1,
            [b'\r', b'\n', ..] => start += 2,
            [b'\r'] | [] => return Ok(Parsed::Partial),
            [b'\r', ..] => return Err(ParseError::BareCr),
            _ => break,
        }
        if start > limits.request_line {
            return Err(ParseError::TooManyEmptyLines);
        }
    }

    // 2. The request line.
    let rest = &buf[start..];
    let Some(line_end) = memchr_lf(rest) else {
        check_partial_request_line(rest, limits)?;
        return Ok(Parsed::Partial);
    };
    // The same checks as for an unfinished line (CR included), so that a
    // line refused in pieces is refused for the same reason in one piece.
    check_partial_request_line(&rest[..line_end], limits)?;
    let line = strip_cr(&rest[..line_end])?;
    if line.len() > limits.request_line {
        return Err(ParseError::RequestLineTooLong {
            limit: limits.request_line,
        });
    }
    // Check the whole request line now, before any header line: otherwise
    // what is reported (a 505 for the version, or a 400 for a later header
    // line) would depend on how the bytes happened to arrive.
    parse_request_line(line)?;
    let line_len = line.len();

    // 3. Header fields, one line at a time, until the empty line. Each
    //    complete line is checked at once (early errors for telnet users).
    let section_start = line_end + 1;
    let mut pos = section_start;
    let mut fields: Vec<(Span, Span)> = Vec::with_capacity(16);
    let head_end = loop {
        let Some(nl) = memchr_lf(&rest[pos..]) else {
            if rest.len() - section_start > limits.header_section {
                return Err(ParseError::HeadersTooLarge {
                    limit: limits.header_section,
                });
            }
            return Ok(Parsed::Partial);
        };
        let line_start = pos;
        pos += nl + 1;
        // Size first, as for an unfinished line above: a line that is both
        // too long and malformed gets the same answer in one read or many.
        if pos - section_start > limits.header_section {
            return Err(ParseError::HeadersTooLarge {
                limit: limits.header_section,
            });
        }
        let line = strip_cr(&rest[line_start..line_start + nl])?;
        if line.is_empty() {
            break pos;
        }
        if fields.len() == limits.header_count {
            return Err(ParseError::TooManyHeaders {
                limit: limits.header_count,
            });
        }
        fields.push(parse_field_line(rest, line_start, line_start + line.len())?);
    };

    // 4. The head is complete: copy it out once and build the request.
    let req = match String::from_utf8(rest[..head_end].to_vec()) {
        Ok(head) => build(head, line_len, fields, limits)?,
        // Only field values may hold non-ASCII bytes (obs-text, RFC 9110
        // §5.5); everything else was checked to be ASCII. Showing such bytes
        // as U+FFFD keeps `Request` all text. Replacement changes lengths,
        // so the (rare) converted head is split into lines again.
        Err(e) => {
            let head = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let (line_len, lines) = find_lines(head.as_bytes());
            let fields = lines
                .into_iter()
                .map(|(s, e)| parse_field_line(head.as_bytes(), s, e))
                .collect::<Result<_, _>>()?;
            build(head, line_len, fields, limits)?
        }
    };
    Ok(Parsed::Complete {
        value: req,
        used: start + head_end,
    })
}

/// Parses a whole request, body included — what a test or a fuzzer wants.
/// The server uses [`parse_head`] and [`ChunkedDecoder`] instead, so it can
/// send `100 Continue` between the two.
///
/// # Errors
/// Any [`ParseError`].
pub fn parse_request(buf: &[u8], limits: &Limits) -> Result<Parsed<Request>, ParseError> {
    let (mut req, head_used) = match parse_head(buf, limits)? {
        Parsed::Complete { value, used } => (value, used),
        Parsed::Partial => return Ok(Parsed::Partial),
    };
    let rest = &buf[head_used..];
    let used = match req.body_kind {
        BodyKind::None => 0,
        BodyKind::Length(n) => {
            let n = n as usize; // parse_head refused n > limits.body
            if rest.len() < n {
                return Ok(Parsed::Partial);
            }
            req.body = rest[..n].to_vec();
            n
        }
        BodyKind::Chunked => {
            let mut decoder = ChunkedDecoder::new(limits);
            let mut body = Vec::new();
            match decoder.decode(rest, &mut body)? {
                BodyProgress { done: false, .. } => return Ok(Parsed::Partial),
                BodyProgress { used, done: true } => {
                    req.body = body;
                    req.trailers = decoder.into_trailers();
                    used
                }
            }
        }
    };
    Ok(Parsed::Complete {
        value: req,
        used: head_used + used,
    })
}

fn memchr_lf(s: &[u8]) -> Option<usize> {
    s.iter().position(|&b| b == b'\n')
}

/// Removes the CR of a CRLF; a CR anywhere else is an error (RFC 9112 §2.2:
/// a bare CR must be rejected or replaced; we reject).
fn strip_cr(line: &[u8]) -> Result<&[u8], ParseError> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.contains(&b'\r') {
        return Err(ParseError::BareCr);
    }
    Ok(line)
}

/// Checks the bytes of a (possibly unfinished) request line for things that
/// can never become valid, so garbage is refused without waiting for a LF.
///
/// The bytes are checked in order, and the first mistake is the one
/// reported, so the answer is the same however the line was cut into
/// reads: a line that is too long *and* has a bad byte early on is refused
/// for that byte whether it arrives in one piece or byte by byte.
fn check_partial_request_line(line: &[u8], limits: &Limits) -> Result<(), ParseError> {
    let last = line.len().saturating_sub(1);
    for (i, &b) in line.iter().enumerate() {
        // Byte `request_line + 1` (counting from 0) is one too many even if
        // it is the CR of a CRLF whose LF has not arrived yet.
        if i > limits.request_line {
            return Err(ParseError::RequestLineTooLong {
                limit: limits.request_line,
            });
        }
        if b == b'\r' && i != last {
            return Err(ParseError::BareCr);
        }
        let ok = (b' '..=b'~').contains(&b) || b == b'\r';
        if !ok {
            return Err(ParseError::RequestLineByte {
                byte: b,
                // A TLS ClientHello starts with 0x16 (handshake), 0x03 (version).
                looks_like_tls: i == 0 && b == 0x16,
            });
        }
    }
    Ok(())
}

/// The pieces of a request line.
struct RequestLine {
    method: (usize, usize),
    target: (usize, usize),
    version: Version,
}

/// `request-line = method SP request-target SP HTTP-version` (RFC 9112 §3).
/// `line` is ASCII without its line ending.
fn parse_request_line(line: &[u8]) -> Result<RequestLine, ParseError> {
    // Exactly two single spaces; `splitn` would hide a third part, so the
    // count is checked on the whole line.
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(request_line_parts(line));
    };
    if method.is_empty() || target.is_empty() || version.is_empty() {
        return Err(request_line_parts(line));
    }
    if !method.iter().all(|&b| is_tchar(b)) {
        return Err(ParseError::MethodNotToken {
            method: String::from_utf8_lossy(method).into_owned(),
        });
    }
    let version = parse_version(version)?;
    let m_end = method.len();
    let t_start = m_end + 1;
    let t_end = t_start + target.len();
    Ok(RequestLine {
        method: (0, m_end),
        target: (t_start, t_end),
        version,
    })
}

/// The error for a request line that is not three space-separated parts,
/// counting the words a learner typed.
fn request_line_parts(line: &[u8]) -> ParseError {
    ParseError::RequestLineParts {
        found: line.split(|&b| b == b' ').filter(|p| !p.is_empty()).count(),
    }
}

/// `HTTP-version = "HTTP" "/" DIGIT "." DIGIT` (RFC 9112 §2.3), case-sensitive.
fn parse_version(v: &[u8]) -> Result<Version, ParseError> {
    match v {
        b"HTTP/1.1" => Ok(Version::Http11),
        b"HTTP/1.0" => Ok(Version::Http10),
        [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
            if major.is_ascii_digit() && minor.is_ascii_digit() =>
        {
            Err(ParseError::UnsupportedVersion {
                version: String::from_utf8_lossy(v).into_owned(),
            })
        }
        _ => Err(ParseError::BadVersion {
            version: String::from_utf8_lossy(v).into_owned(),
        }),
    }
}

/// Finds the request line length and the field line ranges of a complete head.
fn find_lines(head: &[u8]) -> (usize, Vec<(usize, usize)>) {
    let mut first = None;
    let mut out = Vec::new();
    let mut pos = 0;
    for line in head.split(|&b| b == b'\n') {
        let len = line.strip_suffix(b"\r").unwrap_or(line).len();
        match first {
            None => first = Some(len),
            Some(_) if len > 0 => out.push((pos, pos + len)),
            Some(_) => {}
        }
        pos += line.len() + 1;
    }
    (first.unwrap_or(0), out)
}

/// Validates the complete head and builds the request.
fn build(
    head: String,
    line_len: usize,
    fields: Vec<(Span, Span)>,
    limits: &Limits,
) -> Result<Request, ParseError> {
    let bytes = head.as_bytes();
    let rl = parse_request_line(&bytes[..line_len])?;
    let (path, query) = split_target(
        &head,
        rl.target,
        bytes[rl.method.0..rl.method.1] == *b"OPTIONS",
    )?;
    let mut req = Request {
        head,
        method: Span::new(rl.method.0, rl.method.1),
        target: Span::new(rl.target.0, rl.target.1),
        path,
        query,
        version: rl.version,
        fields,
        body_kind: BodyKind::None,
        expect_continue: false,
        keep_alive: false,
        body: Vec::new(),
        trailers: Vec::new(),
    };
    check_semantics(&mut req, limits)?;
    Ok(req)
}

/// Splits the request target into path and query and checks its form
/// (RFC 9112 §3.2): origin-form `/path?query`, absolute-form
/// `http://host/path?query`, or asterisk-form `*` (OPTIONS only).
fn split_target(
    head: &str,
    (start, end): (usize, usize),
    is_options: bool,
) -> Result<(Span, Option<Span>), ParseError> {
    let target = &head[start..end];
    let bad = |why| ParseError::BadTarget {
        target: target.to_string(),
        why,
    };
    // Visible ASCII only: a space would have split the line already, and
    // anything else must be percent-encoded (RFC 3986 §2). Stricter servers
    // refuse `"<>{}|\^` too; browsers send some of those unencoded in
    // queries, so we accept them and escape them wherever we show them.
    if !target.bytes().all(|b| (b'!'..=b'~').contains(&b)) {
        return Err(bad(
            "it contains a byte outside visible ASCII; percent-encode it",
        ));
    }
    if target.contains('#') {
        return Err(bad("a #fragment stays in the browser and is never sent"));
    }
    if target == "*" {
        return if is_options {
            Ok((Span::new(start, end), None))
        } else {
            Err(bad("* is only allowed with OPTIONS"))
        };
    }
    let path_start = if target.starts_with('/') {
        start
    } else if let Some(after) = strip_scheme(target) {
        // absolute-form: skip the authority; the path starts at the next '/'.
        let authority_len = after.find(['/', '?']).unwrap_or(after.len());
        if authority_len == 0 {
            return Err(bad("an absolute URL needs a host, e.g. http://localhost/"));
        }
        let path_at = end - after.len() + authority_len;
        if path_at == end || head.as_bytes()[path_at] == b'?' {
            // `http://host` or `http://host?q`: the path is empty, which means
            // `/`; a span cannot hold a `/` that is not there, so refuse the
            // rare query-without-slash form and serve the common one below.
            if path_at != end {
                return Err(bad("write a / between the host and the ?"));
            }
            return Ok((Span::new(end, end), None));
        }
        path_at
    } else {
        return Err(bad(
            "it must start with / (goldfish is not a proxy, so CONNECT-style host:port targets are refused)",
        ));
    };
    Ok(match head[path_start..end].find('?') {
        Some(q) => (
            Span::new(path_start, path_start + q),
            Some(Span::new(path_start + q + 1, end)),
        ),
        None => (Span::new(path_start, end), None),
    })
}

fn strip_scheme(target: &str) -> Option<&str> {
    for scheme in ["http://", "https://"] {
        if target.len() >= scheme.len() && target[..scheme.len()].eq_ignore_ascii_case(scheme) {
            return Some(&target[scheme.len()..]);
        }
    }
    None
}

/// `field-line = field-name ":" OWS field-value OWS` (RFC 9112 §5).
///
/// No whitespace is allowed between the name and the colon (§5.1): a server
/// MUST reject it with 400, because proxies disagree about what such a line
/// means (request smuggling). A line that starts with whitespace is obsolete
/// line folding (§5.2), refused for the same reason.
fn parse_field_line(head: &[u8], start: usize, end: usize) -> Result<(Span, Span), ParseError> {
    let line = &head[start..end];
    if line[0] == b' ' || line[0] == b'\t' {
        return Err(ParseError::ObsFold);
    }
    let show = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return Err(ParseError::HeaderNoColon { line: show(line) });
    };
    let name = &line[..colon];
    if name.ends_with(b" ") || name.ends_with(b"\t") {
        return Err(ParseError::SpaceBeforeColon { name: show(name) });
    }
    if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
        return Err(ParseError::HeaderNameNotToken { name: show(name) });
    }
    // field-value = *field-content; field-vchar = VCHAR / obs-text (§5.5).
    let value = &line[colon + 1..];
    if let Some(&bad) = value
        .iter()
        .find(|&&b| (b < b' ' && b != b'\t') || b == 0x7f)
    {
        return Err(ParseError::HeaderValueByte {
            name: show(name),
            byte: bad,
        });
    }
    let lead = value.iter().take_while(|&&b| is_ows(b)).count();
    let trail = value[lead..].iter().rev().take_while(|&&b| is_ows(b)).count();
    let v_start = start + colon + 1 + lead;
    let v_end = end - trail;
    Ok((Span::new(start, start + colon), Span::new(v_start, v_end)))
}

/// The rules that need the whole head: Host, framing, Expect, Connection.
fn check_semantics(req: &mut Request, limits: &Limits) -> Result<(), ParseError> {
    // Host: exactly one in HTTP/1.1 (RFC 9112 §3.2: "A server MUST respond
    // with a 400 … to any HTTP/1.1 request message that lacks a Host header
    // field and to any request message that contains more than one").
    let mut hosts = req.headers_named("host");
    let (first, second) = (hosts.next(), hosts.next());
    drop(hosts);
    match (first, second) {
        (Some(_), Some(_)) => return Err(ParseError::MultipleHost),
        (None, _) if req.version == Version::Http11 => return Err(ParseError::MissingHost),
        (Some(h), None) if !valid_host(h) => {
            return Err(ParseError::BadHost {
                host: h.to_string(),
            });
        }
        _ => {}
    }

    // Framing (RFC 9112 §6.3).
    let has_te = req.header("transfer-encoding").is_some();
    let length = content_length(req)?;
    req.body_kind = match (has_te, length) {
        (true, Some(_)) => return Err(ParseError::LengthAndChunked),
        (true, None) if req.version == Version::Http10 => {
            return Err(ParseError::TransferEncodingInHttp10);
        }
        (true, None) => {
            transfer_coding(req)?;
            BodyKind::Chunked
        }
        (false, Some(n)) if n > limits.body as u64 => {
            return Err(ParseError::BodyTooLarge { limit: limits.body });
        }
        (false, Some(0)) | (false, None) => BodyKind::None,
        (false, Some(n)) => BodyKind::Length(n),
    };

    // Expect (RFC 9110 §10.1.1): only 100-continue exists; an HTTP/1.0
    // request's expectation MUST be ignored.
    if let Some(expect) = req.header("expect") {
        if !expect.eq_ignore_ascii_case("100-continue") {
            return Err(ParseError::UnsupportedExpectation {
                value: expect.to_string(),
            });
        }
        req.expect_continue = req.version == Version::Http11 && req.body_kind != BodyKind::None;
    }

    // Persistence (RFC 9112 §9.3).
    let (mut close, mut keep_alive) = (false, false);
    for option in req.headers_named("connection").flat_map(|v| v.split(',')) {
        let option = option.trim();
        close |= option.eq_ignore_ascii_case("close");
        keep_alive |= option.eq_ignore_ascii_case("keep-alive");
    }
    req.keep_alive = !close && (req.version == Version::Http11 || keep_alive);
    Ok(())
}

/// `Host = uri-host [ ":" port ]` (RFC 9110 §7.2). We check the characters
/// only: reg-name characters, an IP-literal in brackets, and a numeric port.
/// An empty Host is allowed (RFC 9112 §3.2, for targets without authority).
fn valid_host(h: &str) -> bool {
    let (host, port) = match (h.starts_with('['), h.find(']'), h.find(':')) {
        (true, Some(close), _) => h.split_at(close + 1),
        (true, None, _) => return false,
        (false, _, Some(colon)) => h.split_at(colon),
        (false, _, None) => (h, ""),
    };
    let host_ok = match host.strip_prefix('[') {
        Some(ip) => {
            let ip = &ip[..ip.len() - 1];
            !ip.is_empty()
                && ip
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        }
        None => host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=".contains(&b)),
    };
    // `port = *DIGIT`, after its colon.
    let port_ok = match port.strip_prefix(':') {
        Some(digits) => digits.len() <= 5 && digits.bytes().all(|b| b.is_ascii_digit()),
        None => port.is_empty(),
    };
    host_ok && port_ok
}

/// `Content-Length = 1*DIGIT` (RFC 9110 §8.6). Repeated lines, or a
/// comma-separated list, are accepted only if every value is the same.
fn content_length(req: &Request) -> Result<Option<u64>, ParseError> {
    let mut found: Option<u64> = None;
    for value in req.headers_named("content-length") {
        for item in value.split(',') {
            let item = item.trim();
            let bad = || ParseError::BadContentLength {
                value: value.to_string(),
            };
            if item.is_empty() || !item.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            // Parse by hand: at most 19 significant digits fit in u64.
            let n = item.trim_start_matches('0');
            let n: u64 = if n.is_empty() {
                0
            } else {
                n.parse().map_err(|_| bad())?
            };
            match found {
                Some(prev) if prev != n => return Err(ParseError::ConflictingContentLength),
                _ => found = Some(n),
            }
        }
    }
    Ok(found)
}

/// `Transfer-Encoding` must end in exactly one `chunked` (RFC 9112 §6.1, §6.3).
fn transfer_coding(req: &Request) -> Result<(), ParseError> {
    let codings: Vec<&str> = req
        .headers_named("transfer-encoding")
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    if let Some(other) = codings.iter().find(|c| !c.eq_ignore_ascii_case("chunked")) {
        return Err(ParseError::UnsupportedTransferCoding {
            coding: other.to_string(),
        });
    }
    // Only "chunked" codings remain; there must be exactly one.
    if codings.len() != 1 {
        return Err(ParseError::ChunkedNotLast);
    }
    Ok(())
}

#[cfg(test)]
mod tests;

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
use super::framing::check_semantics;
use super::limits::Limits;
use super::request::{BodyKind, Request, Span, Version};
use crate::abnf::{is_ows, is_tchar};

/// Result of feeding bytes to a parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed<T> {
    /// A whole value, built from the first `used` bytes of the input.
    Complete { value: T, used: usize },
    /// The input is a valid beginning; more bytes are needed.
    Partial,
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
    let request_line = parse_request_line(line)?;

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
    let head = head_text(rest[..head_end].to_vec(), &mut fields);
    let req = build(head, &request_line, fields, limits)?;
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
    let found = line.split(|&b| b == b' ').filter(|p| !p.is_empty()).count();
    if found == 3 {
        // Three parts, but an extra space somewhere: say that, not "3 parts".
        return ParseError::RequestLineSpaces;
    }
    ParseError::RequestLineParts { found }
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
        // `HTTP/2` and `HTTP/3`, as people write them: real versions, just
        // never sent as text.
        b"HTTP/2" | b"HTTP/3" => Err(ParseError::UnsupportedVersion {
            version: String::from_utf8_lossy(v).into_owned(),
        }),
        _ => Err(ParseError::BadVersion {
            version: String::from_utf8_lossy(v).into_owned(),
        }),
    }
}

/// The head as text, for [`Request`]: usually the bytes as they are.
///
/// Only field values may hold bytes outside ASCII (`obs-text`, RFC 9110
/// §5.5); the request line and field names were checked to be ASCII. If a
/// value is not valid UTF-8, its bad bytes are shown as U+FFFD, which is
/// longer than the byte it replaces, so the spans after it move by the
/// difference. One pass, the same spans, no second parse.
fn head_text(head: Vec<u8>, fields: &mut [(Span, Span)]) -> String {
    let head = match String::from_utf8(head) {
        Ok(text) => return text,
        Err(e) => e.into_bytes(),
    };
    let ascii = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let mut text = String::with_capacity(head.len() + 16);
    let mut copied = 0; // bytes of `head` already in `text`
    for (name, value) in fields.iter_mut() {
        let (start, end) = (value.start as usize, value.end as usize);
        // Up to the value all is ASCII, copied one for one, so the name
        // moves by as much as the value's start does.
        text.push_str(&ascii(&head[copied..start]));
        let moved = text.len() - start;
        *name = Span::new(name.start as usize + moved, name.end as usize + moved);
        text.push_str(&String::from_utf8_lossy(&head[start..end]));
        *value = Span::new(start + moved, text.len());
        copied = end;
    }
    text.push_str(&ascii(&head[copied..]));
    text
}

/// Validates the complete head and builds the request.
fn build(
    head: String,
    rl: &RequestLine,
    fields: Vec<(Span, Span)>,
    limits: &Limits,
) -> Result<Request, ParseError> {
    let is_options = head.as_bytes()[rl.method.0..rl.method.1] == *b"OPTIONS";
    let (path, query) = split_target(&head, rl.target, is_options)?;
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
    let trail = value[lead..]
        .iter()
        .rev()
        .take_while(|&&b| is_ows(b))
        .count();
    let v_start = start + colon + 1 + lead;
    let v_end = end - trail;
    Ok((Span::new(start, start + colon), Span::new(v_start, v_end)))
}

#[cfg(test)]
mod tests;

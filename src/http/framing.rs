//! The rules that need the whole head: who the request is for, where its
//! body ends, and whether the connection stays open.
//!
//! The parser ([`super::parse`]) checks each line on its own. Some rules
//! can only be checked once the empty line has arrived, because they are
//! about the *set* of fields:
//!
//! | rule | RFC | a mistake gets |
//! | --- | --- | --- |
//! | exactly one `Host` in HTTP/1.1 | RFC 9112 §3.2 | 400 |
//! | `Host` is `uri-host [":" port]` | RFC 9110 §7.2 | 400 |
//! | the body's length: `Transfer-Encoding` or `Content-Length`, never both | RFC 9112 §6.3 | 400 (smuggling) |
//! | `Content-Length` values all agree | RFC 9110 §8.6 | 400 |
//! | `chunked` is the last and only coding | RFC 9112 §6.1 | 400, or 501 for codings goldfish lacks |
//! | a declared body within [`Limits::body`] | RFC 9110 §15.5.14 | 413 |
//! | `Expect` is `100-continue` or absent | RFC 9110 §10.1.1 | 417 |
//! | `Connection: close` / `keep-alive` | RFC 9112 §9.3 | (decides persistence) |
//!
//! The framing rules are the ones request smuggling lives in (RFC 9112
//! §11.2): if two servers on a path disagree about where a body ends, one
//! sees a request the other did not. So every ambiguity is refused.

use super::error::ParseError;
use super::limits::Limits;
use super::request::{BodyKind, Request, Version};

/// The rules that need the whole head: Host, framing, Expect, Connection.
pub(super) fn check_semantics(req: &mut Request, limits: &Limits) -> Result<(), ParseError> {
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
        (false, Some(0) | None) => BodyKind::None,
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

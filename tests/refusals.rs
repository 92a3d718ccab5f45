//! What bad input gets: every limit's status code, the request-smuggling
//! vectors, and the router's own 404 / 405 / 501 / OPTIONS answers.
//!
//! A request the parser refuses ends its connection (its framing is in
//! doubt, so the server cannot know where a next request would start): each
//! of those tests checks the `Connection: close` field *and* that the
//! socket really closes after the response.

mod common;

use std::time::{Duration, Instant};

use common::{Resp, TestServer, config, start, start_with};
use goldfish::http::Limits;

/// Sends `raw` on a new connection and reads the one response; asserts that
/// the server announces the close and then really closes.
fn refused(server: &TestServer, raw: &[u8]) -> Resp {
    let mut c = server.connect();
    c.send(raw);
    let r = c.read_response();
    assert_eq!(r.header("connection"), Some("close"), "{}", r.head);
    let rest = c.read_to_close();
    assert!(
        rest.is_empty(),
        "bytes after the refusal: {:?}",
        String::from_utf8_lossy(&rest)
    );
    r
}

/// Asserts the status, and that the body explains itself with `phrase`.
fn assert_refusal(r: &Resp, status: u16, phrase: &str) {
    assert_eq!(r.status, status, "{}{}", r.head, r.text());
    assert!(
        r.text().contains(phrase),
        "the {status} should say {phrase:?}; it says {:?}",
        r.text()
    );
}

// ---------------------------------------------------------------------------
// Limits (defaults: 8 KiB request line, 16 KiB / 100 header fields, 1 MiB body)
// ---------------------------------------------------------------------------

/// A request line over 8 KiB: 414 URI Too Long (RFC 9112 §3).
#[test]
fn request_line_too_long_is_414() {
    let server = start();
    let raw = format!(
        "GET /{} HTTP/1.1\r\n\
         Host: localhost\r\n\
         \r\n",
        "a".repeat(9000)
    );
    let r = refused(&server, raw.as_bytes());
    assert_refusal(&r, 414, "the request line is longer than 8192 bytes");
}

/// A header section over 16 KiB: 431 Request Header Fields Too Large
/// (RFC 6585 §5).
#[test]
fn header_section_too_large_is_431() {
    let server = start();
    let raw = format!(
        "GET / HTTP/1.1\r\n\
         Host: localhost\r\n\
         Cookie: {}\r\n\
         \r\n",
        "a".repeat(17 * 1024)
    );
    let r = refused(&server, raw.as_bytes());
    assert_refusal(&r, 431, "larger than 16384 bytes");
}

/// More than 100 header fields: 431 too, each field small.
#[test]
fn too_many_header_fields_is_431() {
    let server = start();
    let mut raw = String::from("GET / HTTP/1.1\r\nHost: localhost\r\n");
    for i in 0..100 {
        raw.push_str(&format!("X-Field-{i}: {i}\r\n"));
    }
    raw.push_str("\r\n");
    let r = refused(&server, raw.as_bytes());
    assert_refusal(&r, 431, "more than 100 header fields");
}

/// A Content-Length over 1 MiB is refused from the head alone: the client
/// gets 413 without sending (and the server without reading) the body.
#[test]
fn content_length_too_large_is_413_before_the_body() {
    let server = start();
    let t0 = Instant::now();
    // The head only; the 2 MB it announces never come.
    let r = refused(
        &server,
        b"POST /goldfish HTTP/1.1\r\n\
          Host: localhost\r\n\
          Content-Type: application/x-www-form-urlencoded\r\n\
          Content-Length: 2000000\r\n\
          \r\n",
    );
    assert_refusal(&r, 413, "the request body is larger than 1048576 bytes");
    // Answered at once, not after a body timeout.
    assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", t0.elapsed());
}

/// A chunked body grows past the limit while it is read: 413 as soon as
/// a chunk size takes it over (here with a 1 KiB limit).
#[test]
fn chunked_body_too_large_is_413() {
    let mut cfg = config();
    cfg.limits = Limits {
        body: 1024,
        ..Limits::default()
    };
    let server = start_with(cfg);
    // 1000 bytes, then 100 more: 1100 > 1024.
    let raw = format!(
        "POST /goldfish HTTP/1.1\r\n\
         Host: localhost\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n\
         Transfer-Encoding: chunked\r\n\
         \r\n\
         3e8\r\n\
         {}\r\n\
         64\r\n\
         {}\r\n\
         0\r\n\
         \r\n",
        "a".repeat(1000),
        "b".repeat(100)
    );
    let r = refused(&server, raw.as_bytes());
    assert_refusal(&r, 413, "the request body is larger than 1024 bytes");
}

/// A well-formed version goldfish does not speak: 505 (RFC 9110 §15.6.6).
#[test]
fn http_2_is_505() {
    let server = start();
    let r = refused(
        &server,
        b"GET / HTTP/2.0\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    assert_refusal(
        &r,
        505,
        "HTTP/2.0 is an HTTP version, but not one written as lines of text",
    );
    assert!(r.text().contains("goldfish speaks HTTP/1.1 and HTTP/1.0"));
}

/// A transfer coding goldfish does not implement: 501 (RFC 9112 §6.1), and
/// the connection closes, since the body's end cannot be found.
#[test]
fn unknown_transfer_coding_is_501() {
    let server = start();
    let r = refused(
        &server,
        b"POST /goldfish HTTP/1.1\r\n\
          Host: localhost\r\n\
          Transfer-Encoding: gzip, chunked\r\n\
          \r\n",
    );
    assert_refusal(&r, 501, "does not implement the transfer coding \"gzip\"");
}

/// An unknown method is 501 Not Implemented (RFC 9110 §9.1) — but the
/// request itself is well framed, so the connection carries on.
#[test]
fn unknown_method_brew_is_501_and_the_connection_survives() {
    let server = start();
    let mut c = server.connect();

    // RFC 2324's coffee pot method, then an ordinary request.
    c.send(
        b"BREW /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n\
          GET /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    let r = c.read_response();
    assert_refusal(&r, 501, "does not implement the method BREW");
    assert_eq!(r.header("connection"), None);
    assert_eq!(c.read_response().text(), "Hello, World!");
}

/// HTTP/1.1 without Host: 400 (RFC 9112 §3.2), and the sentence says what
/// to type.
#[test]
fn missing_host_is_400() {
    let server = start();
    let r = refused(
        &server,
        b"GET /hello HTTP/1.1\r\n\
          \r\n",
    );
    assert_refusal(&r, 400, "needs a Host header");
}

// ---------------------------------------------------------------------------
// Request smuggling (RFC 9112 §11.2): refused with 400, connection closed
// ---------------------------------------------------------------------------

/// Content-Length and Transfer-Encoding together: a proxy might frame by
/// one and goldfish by the other, and the leftover becomes a second,
/// hidden request. Refused (RFC 9112 §6.3).
#[test]
fn smuggling_content_length_with_transfer_encoding_is_400() {
    let server = start();
    let r = refused(
        &server,
        b"POST /goldfish HTTP/1.1\r\n\
          Host: localhost\r\n\
          Content-Length: 4\r\n\
          Transfer-Encoding: chunked\r\n\
          \r\n\
          0\r\n\
          \r\n\
          GET /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    assert_refusal(&r, 400, "both Content-Length and Transfer-Encoding");
}

/// Two Content-Length lines that disagree: which one ends the body?
#[test]
fn smuggling_conflicting_content_lengths_is_400() {
    let server = start();
    let r = refused(
        &server,
        b"POST /goldfish HTTP/1.1\r\n\
          Host: localhost\r\n\
          Content-Length: 8\r\n\
          Content-Length: 0\r\n\
          \r\n\
          name=Ada",
    );
    assert_refusal(&r, 400, "several Content-Length values that disagree");
}

/// Obsolete line folding: a line starting with whitespace continues the
/// previous field for some parsers and starts a new one for others.
#[test]
fn smuggling_obs_fold_is_400() {
    let server = start();
    let r = refused(
        &server,
        b"GET /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          X-Folded: one\r\n\
          \x20two\r\n\
          \r\n",
    );
    assert_refusal(&r, 400, "obsolete line folding");
}

/// Whitespace before the colon: `Transfer-Encoding : chunked` is a
/// different field name to some proxies (RFC 9112 §5.1: MUST reject).
#[test]
fn smuggling_space_before_colon_is_400() {
    let server = start();
    let r = refused(
        &server,
        b"POST /goldfish HTTP/1.1\r\n\
          Host: localhost\r\n\
          Transfer-Encoding : chunked\r\n\
          Content-Length: 8\r\n\
          \r\n\
          name=Ada",
    );
    assert_refusal(&r, 400, "whitespace before its colon");
}

/// A chunk size followed by anything but whitespace and a `;` extension:
/// `2 erfrferferf` is not `chunk-size [ chunk-ext ]` (RFC 9112 §7.1.1).
/// A server that skipped the junk would read a body other servers refuse,
/// which is how smuggling starts; llhttp (Node.js) refuses it too.
#[test]
fn smuggling_junk_after_a_chunk_size_is_400() {
    let server = start();
    let r = refused(
        &server,
        b"POST /goldfish HTTP/1.1\r\n\
          Host: localhost\r\n\
          Transfer-Encoding: chunked\r\n\
          \r\n\
          2 erfrferferf\r\n\
          hi\r\n\
          0\r\n\
          \r\n",
    );
    assert_refusal(&r, 400, "a chunk must start with its size in hexadecimal");
}

// ---------------------------------------------------------------------------
// The router's own answers (RFC 9110): these keep the connection open
// ---------------------------------------------------------------------------

/// A path that exists for other methods: 405 with `Allow` (RFC 9110
/// §15.5.6 says it MUST carry one).
#[test]
fn delete_hello_is_405_with_allow() {
    let server = start();
    let mut c = server.connect();

    c.send(
        b"DELETE /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    let r = c.read_response();
    assert_eq!(r.status, 405, "{}", r.head);
    assert_eq!(r.header("allow"), Some("GET, HEAD, OPTIONS"));
    assert!(
        r.text().contains("/hello does not answer DELETE"),
        "{}",
        r.text()
    );

    // POST /goldfish exists, so GET and POST are allowed there.
    c.send(
        b"PUT /goldfish HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    let r = c.read_response();
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("GET, HEAD, POST, OPTIONS"));
}

/// A path no route has: 404, pointing to the list of lessons.
#[test]
fn unknown_path_is_404() {
    let server = start();
    let mut c = server.connect();

    c.send(
        b"GET /no/such/lesson HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    let r = c.read_response();
    assert_eq!(r.status, 404, "{}", r.head);
    assert!(r.text().contains("There is no page at /no/such/lesson"));
    assert_eq!(r.header("connection"), None);
}

/// OPTIONS: 204 No Content with `Allow`, for one path or the server (`*`).
#[test]
fn options_is_204_with_allow() {
    let server = start();
    let mut c = server.connect();

    // OPTIONS on a path, and on the whole server.
    c.send(
        b"OPTIONS /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n\
          OPTIONS * HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    let r = c.read_response();
    assert_eq!(r.status, 204, "{}", r.head);
    assert_eq!(r.header("allow"), Some("GET, HEAD, OPTIONS"));
    assert_eq!(r.header("content-length"), None, "204 has no body framing");
    let r = c.read_response();
    assert_eq!(r.status, 204, "{}", r.head);
    assert_eq!(r.header("allow"), Some("GET, HEAD, POST, OPTIONS"));
}

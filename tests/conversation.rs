//! Conversations a client can have with goldfish over one TCP connection:
//! typed by hand, piped from `nc`, pipelined, kept alive, closed, HEAD,
//! chunked bodies, `Expect: 100-continue`, and a handler that panics.
//!
//! Each test writes the bytes a client would send and checks the bytes that
//! come back (RFC 9112 is the reference for all of them).

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{config, split_responses, start, start_handler};
use goldfish::http::{Request, Response, Status};

/// Someone typing into telnet: a request arrives a few bytes at a time,
/// with pauses. The parser answers "need more" until the empty line, then
/// the server answers in full.
#[test]
fn telnet_typing_with_pauses_gets_one_response() {
    let server = start();
    let mut c = server.connect();

    // Typed three bytes at a time, 20 ms apart (a fast typist).
    c.type_slowly(
        b"GET /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
        3,
        Duration::from_millis(20),
    );
    let r = c.read_response();
    assert_eq!(r.status, 200, "{}", r.head);
    assert_eq!(r.text(), "Hello, World!");

    // The connection stays open for the next request, typed line by line.
    c.type_slowly(
        b"GET /nope HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
        20,
        Duration::from_millis(20),
    );
    assert_eq!(c.read_response().status, 404);
}

/// A mistake in the request line is reported as soon as its line ends:
/// typing `GET /` and Enter gets the 400 at once, without waiting for a
/// blank line the learner does not know they owe.
#[test]
fn telnet_bad_request_line_is_answered_before_the_blank_line() {
    let server = start();
    let mut c = server.connect();

    // Only "GET /" and Enter: no version, no Host, no empty line.
    c.send(b"GET /\r\n");
    let r = c.read_response();
    assert_eq!(r.status, 400, "{}", r.head);
    assert_eq!(r.header("connection"), Some("close"));
    assert!(
        r.text()
            .contains("the request line needs three parts separated by single spaces"),
        "{:?}",
        r.text()
    );
    // ... and then the connection is closed.
    assert!(c.read_to_close().is_empty());
}

/// `printf 'GET /hello HTTP/1.1\nHost: localhost\n\n' | nc …`: bare LF line
/// endings are accepted in the head (RFC 9112 §2.2).
#[test]
fn nc_bare_lf_request_is_accepted() {
    let server = start();
    let mut c = server.connect();

    // Lines ended by LF alone, as printf "\n" writes them.
    c.send(
        b"GET /hello HTTP/1.1\n\
          Host: localhost\n\
          \n",
    );
    let r = c.read_response();
    assert_eq!(r.status, 200, "{}", r.head);
    assert_eq!(r.text(), "Hello, World!");
    // The answer still uses CRLF (we parsed it as such) and says nothing
    // about closing: an HTTP/1.1 connection stays open.
    assert_eq!(r.header("connection"), None);
}

/// Three requests in one write (pipelining, RFC 9112 §9.3.2) get three
/// responses in the order the requests were sent.
#[test]
fn pipelined_requests_are_answered_in_order() {
    let server = start();
    let mut c = server.connect();

    // /hello (200 text), /nope (404), / (200 html), the last one closing.
    c.send(
        b"GET /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n\
          GET /nope HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n\
          GET / HTTP/1.1\r\n\
          Host: localhost\r\n\
          Connection: close\r\n\
          \r\n",
    );
    let responses = split_responses(&c.read_to_close());
    let got: Vec<(u16, Option<&str>)> = responses
        .iter()
        .map(|r| (r.status, r.header("content-type")))
        .collect();
    assert_eq!(
        got,
        [
            (200, Some("text/plain; charset=utf-8")),
            (404, Some("text/plain; charset=utf-8")),
            (200, Some("text/html; charset=utf-8")),
        ]
    );
    assert_eq!(responses[0].text(), "Hello, World!");
    assert!(responses[1].text().contains("/nope"));
    assert!(responses[2].text().contains("<html"));
}

/// A pipelined batch with a POST and its body in the middle: the body is
/// read as the POST's, and the next request starts right after it.
#[test]
fn pipelined_post_body_does_not_swallow_the_next_request() {
    let server = start();
    let mut c = server.connect();

    // GET, POST with an 8-byte form body, GET — in one write.
    c.send(
        b"GET /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n\
          POST /goldfish HTTP/1.1\r\n\
          Host: localhost\r\n\
          Content-Type: application/x-www-form-urlencoded\r\n\
          Content-Length: 8\r\n\
          \r\n\
          name=Ada\
          GET /nope HTTP/1.1\r\n\
          Host: localhost\r\n\
          Connection: close\r\n\
          \r\n",
    );
    let responses = split_responses(&c.read_to_close());
    let statuses: Vec<u16> = responses.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 200, 404]);
    assert_eq!(responses[0].text(), "Hello, World!");
    assert!(
        responses[1].text().contains("Hello, <strong>Ada</strong>"),
        "{}",
        responses[1].text()
    );
}

/// HTTP/1.1 connections are persistent by default (RFC 9112 §9.3): several
/// requests, each sent after the previous answer, share one connection.
#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    let server = start();
    let mut c = server.connect();

    for target in ["/hello", "/", "/goldfish", "/hello"] {
        // One request, then wait for its answer before the next.
        c.send(format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes());
        let r = c.read_response();
        assert_eq!(r.status, 200, "GET {target}: {}", r.head);
        assert_eq!(r.header("connection"), None, "GET {target}");
    }
    assert_eq!(server.open_connections(), 1);
}

/// HTTP/1.0 without `Connection: keep-alive` means one request per
/// connection: the server answers with `Connection: close` and closes.
#[test]
fn http10_without_keep_alive_closes_after_the_response() {
    let server = start();
    let mut c = server.connect();

    // HTTP/1.0 needs no Host header.
    c.send(
        b"GET /hello HTTP/1.0\r\n\
          \r\n",
    );
    let r = c.read_response();
    assert_eq!(r.status, 200);
    assert!(r.head.starts_with("HTTP/1.1 200 OK\r\n"), "{}", r.head);
    assert_eq!(r.header("connection"), Some("close"));
    assert!(c.read_to_close().is_empty());
}

/// HTTP/1.0 with `Connection: keep-alive` stays open, and the server says
/// so, since a 1.0 client would assume otherwise.
#[test]
fn http10_with_keep_alive_stays_open_and_says_so() {
    let server = start();
    let mut c = server.connect();

    for _ in 0..2 {
        // The same request twice on one connection.
        c.send(
            b"GET /hello HTTP/1.0\r\n\
              Connection: keep-alive\r\n\
              \r\n",
        );
        let r = c.read_response();
        assert_eq!(r.status, 200);
        assert_eq!(r.header("connection"), Some("keep-alive"));
    }
    c.assert_silent(Duration::from_millis(100));
}

/// `Connection: close` on HTTP/1.1 is honoured: the answer says
/// `Connection: close` and the server closes.
#[test]
fn http11_connection_close_is_honoured() {
    let server = start();
    let mut c = server.connect();

    c.send(
        b"GET /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          Connection: close\r\n\
          \r\n",
    );
    let r = c.read_response();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("connection"), Some("close"));
    assert!(c.read_to_close().is_empty());
}

/// HEAD gets the same header fields as GET, Content-Length included, and
/// not one byte of body (RFC 9110 §9.3.2).
#[test]
fn head_has_the_fields_of_get_and_no_body() {
    let server = start();
    let mut c = server.connect();

    // HEAD then GET, pipelined: if HEAD leaked a body, the GET's status
    // line would not come next.
    c.send(
        b"HEAD /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n\
          GET /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    let head = c.read_head_response();
    let get = c.read_response();
    assert_eq!(head.status, 200);
    assert_eq!(
        common::normalize_dates(&head.head),
        common::normalize_dates(&get.head)
    );
    assert_eq!(head.header("content-length"), Some("13"));
    assert_eq!(get.text(), "Hello, World!");

    // The same for an HTML page, the last request on the connection.
    c.send(
        b"HEAD / HTTP/1.1\r\n\
          Host: localhost\r\n\
          Connection: close\r\n\
          \r\n",
    );
    let head = c.read_head_response();
    assert_eq!(head.status, 200);
    assert!(
        head.header("content-length")
            .unwrap()
            .parse::<usize>()
            .unwrap()
            > 0
    );
    assert!(c.read_to_close().is_empty(), "HEAD must not send a body");
}

/// A chunked request body (RFC 9112 §7.1), with a chunk extension and a
/// trailer field, is decoded into the form the lesson reads.
#[test]
fn chunked_post_with_extension_and_trailer() {
    let server = start();
    let mut c = server.connect();

    // "name=" and "Ada" in two chunks; the first carries an extension,
    // and a trailer field follows the last chunk.
    c.send(
        b"POST /goldfish HTTP/1.1\r\n\
          Host: localhost\r\n\
          Content-Type: application/x-www-form-urlencoded\r\n\
          Transfer-Encoding: chunked\r\n\
          \r\n\
          5;lang=en\r\n\
          name=\r\n\
          3\r\n\
          Ada\r\n\
          0\r\n\
          X-Checksum: 42\r\n\
          \r\n",
    );
    let r = c.read_response();
    assert_eq!(r.status, 200, "{}\n{}", r.head, r.text());
    assert!(
        r.text().contains("Hello, <strong>Ada</strong>"),
        "{}",
        r.text()
    );

    // The connection is still in step: the next request is answered.
    c.send(
        b"GET /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    assert_eq!(c.read_response().text(), "Hello, World!");
}

/// `Expect: 100-continue` (RFC 9110 §10.1.1): the client sends only the
/// head and waits; the server says `100 Continue`; then the body goes, and
/// the final response follows.
#[test]
fn expect_100_continue_gets_the_go_ahead_before_the_body() {
    let server = start();
    let mut c = server.connect();

    // The head alone.
    c.send(
        b"POST /goldfish HTTP/1.1\r\n\
          Host: localhost\r\n\
          Content-Type: application/x-www-form-urlencoded\r\n\
          Content-Length: 8\r\n\
          Expect: 100-continue\r\n\
          \r\n",
    );
    // The interim response, exactly, and nothing after it yet.
    assert_eq!(c.read_head(), "HTTP/1.1 100 Continue\r\n\r\n");
    c.assert_silent(Duration::from_millis(100));

    // Now the body, and the real answer.
    c.send(b"name=Ada");
    let r = c.read_response();
    assert_eq!(r.status, 200, "{}", r.head);
    assert!(r.text().contains("Hello, <strong>Ada</strong>"));
}

/// A handler that panics costs one 500, for that request only: the same
/// connection carries on, and so does the server.
#[test]
fn a_panicking_handler_becomes_a_500_for_that_request_only() {
    quiet_worker_panics();
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let server = start_handler(config(), move |req: &Request, _peer| {
        counted.fetch_add(1, Ordering::SeqCst);
        if req.path() == "/panic" {
            panic!("a deliberate bug for the test");
        }
        Response::text(Status::OK, "fine")
    });
    let mut c = server.connect();

    // The bug: a 500 that says it is goldfish's fault, not the request's.
    c.send(
        b"GET /panic HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    let r = c.read_response();
    assert_eq!(r.status, 500, "{}", r.head);
    assert!(r.text().contains("GET /panic"), "{}", r.text());
    assert_eq!(r.header("connection"), None, "the connection survives");

    // The same connection keeps working.
    c.send(
        b"GET /fine HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    assert_eq!(c.read_response().text(), "fine");

    // And so does a new one.
    let mut d = server.connect();
    d.send(
        b"GET /also-fine HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    assert_eq!(d.read_response().text(), "fine");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

/// The default panic hook would print the deliberate panic's message and
/// backtrace note from the server's worker thread, outside the test
/// harness's capture. Silence panics on goldfish's worker threads only.
fn quiet_worker_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some("goldfish-worker") {
                default(info);
            }
        }));
    });
}

/// A body typed slowly but steadily is read whole: each read of a body only
/// has to make progress within `body_timeout`.
#[test]
fn a_slowly_typed_body_is_read_whole() {
    let server = start();
    let mut c = server.connect();

    c.send(
        b"POST /goldfish HTTP/1.1\r\n\
          Host: localhost\r\n\
          Content-Type: application/x-www-form-urlencoded\r\n\
          Content-Length: 11\r\n\
          \r\n",
    );
    // The body one byte at a time.
    let t0 = Instant::now();
    c.type_slowly(b"name=Grace", 1, Duration::from_millis(10));
    c.send(b"!");
    let r = c.read_response();
    assert_eq!(r.status, 200);
    assert!(
        r.text().contains("Hello, <strong>Grace!</strong>"),
        "{}",
        r.text()
    );
    assert!(t0.elapsed() < Duration::from_secs(5));
}

//! What the server tells its terminal: the access log in the shape of
//! Flask's development server, and `--trace`'s wire view. Read here through
//! `Sink::Memory`; `tests/cli.rs` checks the same lines on the real stderr.

mod common;

use std::sync::Arc;

use common::{config, start_with};
use goldfish::server::log::{Log, Sink};

/// Checks `127.0.0.1 - - [25/Nov/2026 19:25:23] "<request>" <status> -`.
fn assert_access_line(line: &str, request: &str, status: u16) {
    const STAMP: &[u8] = b"00/Aaa/0000 00:00:00";
    let stamp_ok = line
        .strip_prefix("127.0.0.1 - - [")
        .and_then(|rest| rest.get(..STAMP.len()))
        .is_some_and(|stamp| {
            stamp.bytes().zip(STAMP).all(|(b, &want)| match want {
                b'0' => b.is_ascii_digit(),
                b'A' => b.is_ascii_uppercase(),
                b'a' => b.is_ascii_lowercase(),
                _ => b == want,
            })
        });
    let tail = format!("] \"{request}\" {status} -");
    assert!(
        stamp_ok && line.ends_with(&tail) && line.len() == 15 + STAMP.len() + tail.len(),
        "access line {line:?}; want 127.0.0.1 - - [DD/Mon/YYYY HH:MM:SS]{tail}"
    );
}

/// One line per request, Werkzeug's shape: who, when, the request line, the
/// status — for answered requests and refused ones alike.
#[test]
fn access_log_line_shape() {
    let server = start_with(config());
    let mut c = server.connect();

    // A lesson, a missing page, then a request the parser refuses.
    c.send(
        b"GET /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n\
          GET /nope?x=1 HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n\
          GET / HTTP/9.9\r\n\
          \r\n",
    );
    c.read_to_close();
    let lines = server.log_lines();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert_access_line(&lines[0], "GET /hello HTTP/1.1", 200);
    assert_access_line(&lines[1], "GET /nope?x=1 HTTP/1.1", 404);
    assert_access_line(&lines[2], "GET / HTTP/9.9", 505);
}

/// A request whose chunked body is broken is logged by its request line,
/// not by the chunk line that broke it.
#[test]
fn access_log_names_the_request_whose_body_failed() {
    let server = start_with(config());

    // "zz" is not a hexadecimal chunk size.
    server.exchange(
        b"POST /goldfish HTTP/1.1\r\n\
          Host: localhost\r\n\
          Transfer-Encoding: chunked\r\n\
          \r\n\
          zz\r\n",
    );
    let lines = server.log_lines();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert_access_line(&lines[0], "POST /goldfish HTTP/1.1", 400);
}

/// A request line cannot forge a log line or colour the terminal: control
/// bytes are printed as `\xNN`.
#[test]
fn access_log_escapes_control_bytes() {
    let server = start_with(config());

    // An ANSI escape in the request line (refused by the parser, logged).
    server.exchange(b"GET /\x1b[31mred HTTP/1.1\r\n\r\n");
    let lines = server.log_lines();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert_access_line(&lines[0], "GET /\\x1b[31mred HTTP/1.1", 400);
}

/// The bidirectional controls of Unicode cannot make a log line read
/// differently from its bytes: `report\u{202e}txt.exe` (RIGHT-TO-LEFT
/// OVERRIDE, "Trojan Source") would display as `reportexe.txt`; the log
/// shows the escape instead, as it does for the isolates U+2066–U+2069.
#[test]
fn access_log_escapes_bidi_controls() {
    let server = start_with(config());
    server.exchange("GET /report\u{202e}txt.exe HTTP/1.1\r\nHost: localhost\r\n\r\n".as_bytes());
    server.exchange("GET /a\u{2066}b\u{2069} HTTP/1.1\r\nHost: localhost\r\n\r\n".as_bytes());
    let lines = server.log_lines();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert_access_line(&lines[0], "GET /report\\u{202e}txt.exe HTTP/1.1", 400);
    assert_access_line(&lines[1], "GET /a\\u{2066}b\\u{2069} HTTP/1.1", 400);
}

/// `--trace`: the request head as received (`> `), the response head as
/// sent (`< `), then the access line — one block per exchange.
#[test]
fn trace_shows_both_heads_like_curl_v() {
    let mut cfg = config();
    cfg.log = Log {
        sink: Sink::Memory(Arc::default()),
        trace: true,
    };
    let server = start_with(cfg);
    let mut c = server.connect();

    c.send(
        b"GET /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    c.read_response();
    let got: Vec<String> = server
        .log_lines()
        .iter()
        .map(|l| common::normalize_dates(l))
        .collect();
    let want = [
        "> GET /hello HTTP/1.1",
        "> Host: localhost",
        "> ",
        "< HTTP/1.1 200 OK",
        "< Content-Type: text/plain; charset=utf-8",
        "< X-Content-Type-Options: nosniff",
        "< Content-Security-Policy: frame-ancestors 'none'",
        &format!("< Date: {}", common::SOME_DATE),
        "< Content-Length: 13",
        "< ",
    ];
    assert_eq!(got[..got.len() - 1], want, "{got:#?}");
    assert_access_line(&got[got.len() - 1], "GET /hello HTTP/1.1", 200);
}

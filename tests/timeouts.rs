//! Time and crowds: the head timeout (408), the idle keep-alive timeout,
//! slow clients that must not starve a fast one, and the connection cap
//! (503).
//!
//! Timed behaviour is checked with generous bounds only: these tests share
//! a small CI machine with every other test, so they pin *what* happens
//! (408, a quiet close, a 503) and only roughly *when* — never before the
//! timeout, and not seconds after it. The timeouts are a quarter of a
//! second, so the whole file waits about a second in all. Nothing here
//! measures performance; `src/server/connection/tests.rs` checks every
//! deadline exactly, on a fake clock.

mod common;

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::{Client, config, start_handler, start_with};
use goldfish::http::{Request, Response, Status};
use goldfish::server::{Handler, Io};

/// The timeout these tests wait for.
const SHORT: Duration = Duration::from_millis(250);

/// Whether `waited` is a fair time for a `SHORT` timeout to have run out:
/// not early (the clock never runs fast), and not seconds late (the server
/// did not forget), with room for a busy machine.
fn about_short(waited: Duration) -> bool {
    waited >= SHORT.mul_f64(0.9) && waited < Duration::from_secs(3)
}

/// A client that starts a request head and never finishes it gets 408 once
/// `header_timeout` has passed since its first byte, and is disconnected.
/// That is what ends a slowloris attack.
#[test]
fn unfinished_head_gets_408_after_header_timeout() {
    let mut cfg = config();
    cfg.header_timeout = SHORT;
    let server = start_with(cfg);
    let mut c = server.connect();

    // Half a head: the request line and Host, but no empty line.
    let t0 = Instant::now();
    c.send(
        b"GET /hello HTTP/1.1\r\n\
          Host: localhost\r\n",
    );
    let r = c.read_response();
    let waited = t0.elapsed();
    assert_eq!(r.status, 408, "{}", r.head);
    assert_eq!(r.header("connection"), Some("close"));
    assert!(
        r.text()
            .contains("goldfish waits 0.25 seconds for a request head"),
        "{}",
        r.text()
    );
    assert!(c.read_to_close().is_empty());
    // Not before the timeout, and not much after it.
    assert!(about_short(waited), "408 after {waited:?}");
}

/// Trickling bytes does not reset the head timeout: the clock starts at the
/// first byte of the request, not the last.
#[test]
fn trickling_a_head_does_not_extend_the_header_timeout() {
    let mut cfg = config();
    cfg.header_timeout = SHORT;
    let server = start_with(cfg);
    let mut c = server.connect();

    // One byte every 25 ms, each well within any read timeout, from
    // another thread until the server hangs up (or 3 s have passed).
    let t0 = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let trickler = {
        let mut stream = c.stream.try_clone().unwrap();
        let stop = Arc::clone(&stop);
        thread::spawn(move || {
            let head = b"GET /hello HTTP/1.1\r\nX-Slow: ";
            for i in 0..120 {
                let byte = head.get(i).copied().unwrap_or(b'a');
                if stop.load(Ordering::SeqCst) || stream.write_all(&[byte]).is_err() {
                    break;
                }
                thread::sleep(Duration::from_millis(25));
            }
        })
    };
    let r = c.read_response();
    assert_eq!(r.status, 408, "{}", r.head);
    let waited = t0.elapsed();
    stop.store(true, Ordering::SeqCst);
    trickler.join().unwrap();
    assert!(about_short(waited), "408 after {waited:?}");
}

/// A keep-alive connection that stays silent for `idle_timeout` after a
/// response is closed without a word (RFC 9112 §9.5): no 408, no bytes.
#[test]
fn idle_keep_alive_connection_is_closed_quietly() {
    let mut cfg = config();
    cfg.idle_timeout = SHORT;
    let server = start_with(cfg);
    let mut c = server.connect();

    // One request, answered, connection kept open...
    c.send(
        b"GET /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    assert_eq!(c.read_response().status, 200);
    // ... then silence from us, and a close with no bytes from it.
    let t0 = Instant::now();
    let rest = c.read_to_close();
    let waited = t0.elapsed();
    assert!(rest.is_empty(), "{:?}", String::from_utf8_lossy(&rest));
    assert!(about_short(waited), "closed after {waited:?}");
    assert!(
        !server.log_lines().iter().any(|l| l.contains(" 408 ")),
        "an idle close is not a 408: {:#?}",
        server.log_lines()
    );
}

/// An empty line after a request (some clients send a CRLF after a POST
/// body) is ignored (RFC 9112 §2.2): the connection is idle, not a slow
/// request, so it is closed quietly — no 408.
#[test]
fn stray_crlf_after_a_body_is_idle_not_a_slow_head() {
    let mut cfg = config();
    cfg.idle_timeout = SHORT;
    let server = start_with(cfg);
    let mut c = server.connect();

    // A form POST followed by an extra CRLF.
    c.send(
        b"POST /goldfish HTTP/1.1\r\n\
          Host: localhost\r\n\
          Content-Type: application/x-www-form-urlencoded\r\n\
          Content-Length: 8\r\n\
          \r\n\
          name=Ada\r\n",
    );
    assert_eq!(c.read_response().status, 200);
    let t0 = Instant::now();
    let rest = c.read_to_close();
    assert!(rest.is_empty(), "{:?}", String::from_utf8_lossy(&rest));
    assert!(about_short(t0.elapsed()), "closed after {:?}", t0.elapsed());
}

/// A new connection on which nothing at all arrives is closed after
/// `idle_timeout` too — with a 408 that says why and what to type, since
/// it is most likely a person at a telnet prompt (RFC 9110 §15.5.9: the
/// server did not receive a request in the time it was prepared to wait).
/// No client is waiting for an answer on such a connection, so none can
/// mistake it for one; like every idle close, it is not logged.
#[test]
fn a_new_connection_that_sends_nothing_is_told_why_it_is_closed() {
    let mut cfg = config();
    cfg.idle_timeout = SHORT;
    let server = start_with(cfg);
    let mut c = server.connect();

    // Not one byte.
    let t0 = Instant::now();
    let r = c.read_response();
    let waited = t0.elapsed();
    assert_eq!(r.status, 408, "{}", r.head);
    assert_eq!(r.header("connection"), Some("close"));
    assert!(
        r.text().starts_with(
            "nothing arrived on this connection for 0.25 seconds, so goldfish closes it"
        ),
        "{}",
        r.text()
    );
    assert!(r.text().contains("--classroom"), "{}", r.text());
    assert!(c.read_to_close().is_empty());
    assert!(about_short(waited), "408 after {waited:?}");
    assert!(server.log_lines().is_empty(), "{:#?}", server.log_lines());
}

/// Fifty clients trickling a request head one byte at a time each hold only
/// their own thread: a normal client is still answered at once.
#[test]
fn slow_clients_do_not_starve_a_fast_one() {
    let server = start_with(config());
    let slow: Vec<Client> = (0..50).map(|_| server.connect()).collect();

    // One thread feeds every slow client a byte of its head every 50 ms.
    let stop = Arc::new(AtomicBool::new(false));
    let feeder = {
        let stop = Arc::clone(&stop);
        thread::spawn(move || {
            let mut slow = slow;
            let head = b"GET /hello HTTP/1.1\r\nX-Slow: ";
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                let byte = head.get(i).copied().unwrap_or(b'a');
                for c in &mut slow {
                    c.send(&[byte]);
                }
                i += 1;
                thread::sleep(Duration::from_millis(50));
            }
            slow
        })
    };
    server.wait_for_open_connections(50);

    // Meanwhile, a normal client: a few requests, each answered promptly.
    for _ in 0..5 {
        let t0 = Instant::now();
        let mut c = server.connect();
        c.send(
            b"GET /hello HTTP/1.1\r\n\
              Host: localhost\r\n\
              Connection: close\r\n\
              \r\n",
        );
        let r = c.read_response();
        let took = t0.elapsed();
        assert_eq!(r.text(), "Hello, World!");
        assert!(
            took < Duration::from_secs(2),
            "a fast client waited {took:?} behind 50 slow ones"
        );
    }

    stop.store(true, Ordering::SeqCst);
    let slow = feeder.join().unwrap();
    // They were all still being served (and still unanswered).
    assert!(server.open_connections() >= 50);
    drop(slow);
}

/// Past `max_connections`, when every connection is busy with a request, a
/// new connection gets 503 with `Retry-After` and is closed — not queued.
/// Once the others leave, it is served again.
#[test]
fn connections_past_the_cap_get_503_then_service_resumes() {
    let mut cfg = config();
    cfg.max_connections = 2;
    let server = start_with(cfg);

    // Two clients hold the two connections, each in the middle of a
    // request body: busy, so neither may be closed to make room.
    let mut held: Vec<Client> = (0..2).map(|_| server.connect()).collect();
    for c in &mut held {
        c.send(
            b"POST /goldfish HTTP/1.1\r\n\
              Host: localhost\r\n\
              Content-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 8\r\n\
              \r\n\
              name",
        );
    }
    wait_for_busy(&server, 2);

    // A third is turned away at once, before it sends anything.
    let mut third = server.connect();
    let r = third.read_response();
    assert_eq!(r.status, 503, "{}", r.head);
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(r.header("connection"), Some("close"));
    assert!(r.text().contains("limit of 2 connections"), "{}", r.text());
    assert!(third.read_to_close().is_empty());

    // The two leave; the server notices; a newcomer is served.
    drop(held);
    server.wait_for_open_connections(0);
    let mut c = server.connect();
    c.send(
        b"GET /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    assert_eq!(c.read_response().text(), "Hello, World!");
    assert!(
        server
            .log_lines()
            .iter()
            .any(|l| l.ends_with("\"(over the connection limit)\" 503 -")),
        "{:#?}",
        server.log_lines()
    );
}

/// Past `max_connections`, a connection that is only waiting for a request
/// — idle between requests, or with half a head — is closed to make room
/// for a newcomer (RFC 9112 §9.5 lets a server close an idle connection at
/// any time), before anyone is refused: the oldest, from the client that
/// holds the most.
#[test]
fn when_full_a_connection_waiting_for_a_request_makes_room() {
    let mut cfg = config();
    cfg.max_connections = 3;
    let server = start_with(cfg);

    // One idle keep-alive connection, then two with half a head.
    let mut idle = server.connect();
    idle.send(
        b"GET /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    assert_eq!(idle.read_response().status, 200);
    let mut halves: Vec<Client> = (0..2).map(|_| server.connect()).collect();
    for c in &mut halves {
        c.send(b"GET /hello HTTP/1.1\r\nHost: loc");
    }
    server.wait_for_open_connections(3);

    // A newcomer is served; the oldest waiting one was closed for it.
    let mut c = server.connect();
    c.send(
        b"GET /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    assert_eq!(c.read_response().text(), "Hello, World!");
    assert!(idle.read_to_close().is_empty(), "closed without a word");
    assert_eq!(server.open_connections(), 3);
    for h in &mut halves {
        h.assert_silent(Duration::from_millis(50));
    }
}

/// A handler whose `/slow` waits until the test opens a gate — a session
/// store that does not answer — and says so with `may_block`.
struct Gated {
    gate: Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>,
}

impl Handler for Gated {
    fn handle(&self, req: &Request, _: std::net::SocketAddr) -> Response {
        if req.path() == "/slow" {
            let (open, changed) = &*self.gate;
            let mut open = open.lock().unwrap();
            while !*open {
                open = changed.wait(open).unwrap();
            }
        }
        if req.path() == "/panic" {
            panic!("a handler on the blocking pool panicked");
        }
        Response::text(Status::OK, req.path().to_string())
    }

    fn may_block(&self, req: &Request) -> bool {
        req.path() != "/hello"
    }
}

/// A request whose handler may block (a session store that does not
/// answer) does not hold up anyone else: with one event loop, `/hello` on
/// another connection is answered while `/slow` is still waiting, and
/// `/slow` is answered once its store answers. No clock is involved: if
/// `/slow` ran on the loop, `/hello` would wait for the gate, and never get
/// its answer. A panic there costs its request only (a 500).
#[test]
fn a_handler_that_blocks_does_not_hold_up_other_connections() {
    let gate = Arc::new((std::sync::Mutex::new(false), std::sync::Condvar::new()));
    let mut cfg = config();
    if let Io::EventLoop { loops } = &mut cfg.io {
        *loops = 1;
    }
    let server = start_handler(
        cfg,
        Gated {
            gate: Arc::clone(&gate),
        },
    );
    let mut slow: Vec<Client> = (0..3).map(|_| server.connect()).collect();
    for c in &mut slow {
        c.send(b"GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n");
    }
    wait_for_busy(&server, 3);

    let mut c = server.connect();
    c.send(b"GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(c.read_response().text(), "/hello");
    c.send(b"GET /panic HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(c.read_response().status, 500);

    // The store answers; so does every /slow, in its own connection.
    *gate.0.lock().unwrap() = true;
    gate.1.notify_all();
    for c in &mut slow {
        assert_eq!(c.read_response().text(), "/slow");
    }
}

/// A server listening on a second address too (`--also-port`, the lessons
/// about ports) answers on both, under either model, and stops on both.
#[test]
fn a_server_on_two_ports_answers_on_both() {
    let mut server =
        goldfish::server::Server::bind("127.0.0.1:0", config(), common::app()).unwrap();
    let also = server.also_listen("127.0.0.1:0").unwrap();
    let handle = server.spawn().unwrap();
    for addr in [handle.addr(), also] {
        let mut c = Client::connect(addr);
        c.send(b"GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assert_eq!(c.read_response().text(), "Hello, World!", "{addr}");
    }
    handle.stop();
}

/// Waits until `n` connections are busy with a request (not waiting for one).
fn wait_for_busy(server: &common::TestServer, n: usize) {
    let deadline = Instant::now() + common::READ_TIMEOUT;
    loop {
        let census = server.census();
        if census.open - census.waiting >= n {
            return;
        }
        assert!(Instant::now() < deadline, "only {census:?}; want {n} busy");
        thread::sleep(Duration::from_millis(5));
    }
}

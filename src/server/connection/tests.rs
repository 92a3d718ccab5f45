//! The state machine with a fake clock: every row of the module doc's
//! table, walked through without waiting for a single real timeout. Then a
//! few exchanges over a real loopback socket, driven by the threads model.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use super::*;
use crate::server::ServerConfig;
use crate::server::log::{Log, Sink};

/// A server whose handler always says "hi", with `config` and its log
/// lines kept in memory.
fn shared(mut config: ServerConfig) -> (Arc<Shared>, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    config.log = Log {
        sink: Sink::Memory(Arc::clone(&lines)),
        trace: false,
    };
    let handler = |_: &Request, _: SocketAddr| Response::text(Status::OK, "hi");
    (Arc::new(Shared::new(config, Box::new(handler))), lines)
}

/// The timeouts of the walk-throughs: all different, so a deadline says
/// which one it came from.
fn timeouts() -> ServerConfig {
    ServerConfig {
        idle_timeout: Duration::from_secs(5),
        header_timeout: Duration::from_secs(10),
        body_timeout: Duration::from_secs(20),
        write_timeout: Duration::from_secs(30),
        ..ServerConfig::default()
    }
}

/// A connection driven by hand, on a fake clock: what a driver does, with
/// time passing only when a test says so.
struct Sim {
    conn: Conn,
    t0: Instant,
    now: Instant,
    /// Everything the connection wrote.
    wrote: Vec<u8>,
    /// Whether the client reads what is written (a stalled client does not).
    client_reads: bool,
}

/// Where a [`Sim`] stopped: the connection waits for bytes, or is over.
#[derive(Debug, PartialEq, Eq)]
enum Stop {
    /// Waiting to read (or to write, for a client that does not read).
    Waits,
    Closed,
}

impl Sim {
    fn new(config: ServerConfig) -> Sim {
        let t0 = Instant::now();
        let (shared, _) = shared(config);
        Sim {
            conn: Conn::new(shared, "127.0.0.1:5555".parse().unwrap(), t0),
            t0,
            now: t0,
            wrote: Vec::new(),
            client_reads: true,
        }
    }

    /// Lets `secs` seconds pass.
    fn wait(&mut self, secs: f64) {
        self.now += Duration::from_secs_f64(secs);
    }

    /// Seconds from the start to the connection's deadline.
    fn deadline(&self) -> Option<f64> {
        self.conn.deadline().map(|d| (d - self.t0).as_secs_f64())
    }

    /// The client sends `bytes` (one read's worth at a time); the
    /// connection then runs until it waits or closes.
    fn send(&mut self, bytes: &[u8]) -> Stop {
        let mut rest = bytes;
        loop {
            let stop = self.run();
            if rest.is_empty() || stop == Stop::Closed {
                return stop;
            }
            let space = self.conn.read_space();
            let n = space.len().min(rest.len());
            space[..n].copy_from_slice(&rest[..n]);
            self.conn.received(n, self.now);
            rest = &rest[n..];
        }
    }

    /// Time runs to the deadline, which passes.
    fn time_out(&mut self) -> Stop {
        self.now = self.conn.deadline().expect("a deadline");
        self.conn.expired(self.now);
        self.run()
    }

    /// Runs the connection until it needs the client (or is over).
    fn run(&mut self) -> Stop {
        loop {
            match self.conn.next(self.now) {
                Next::Handle(req) => {
                    let response =
                        crate::server::respond(self.conn.shared(), &req, self.conn.peer());
                    self.conn.answer(&req, &response, self.now);
                }
                Next::Write if self.client_reads => {
                    self.wrote.extend_from_slice(self.conn.output());
                    self.conn.sent(self.conn.output().len(), self.now);
                }
                Next::HalfClose => self.conn.half_closed(self.now),
                Next::Write | Next::Read | Next::Wait => return Stop::Waits,
                Next::Close => return Stop::Closed,
            }
        }
    }

    fn phase(&self) -> &'static str {
        match self.conn.phase() {
            Phase::Idle { .. } => "Idle",
            Phase::Head { .. } => "Head",
            Phase::Body { .. } => "Body",
            Phase::Handling => "Handling",
            Phase::Closing { .. } => "Closing",
            Phase::Closed => "Closed",
        }
    }

    /// What was written, as text.
    fn wrote(&self) -> String {
        String::from_utf8_lossy(&self.wrote).into_owned()
    }
}

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";

/// Each row: a history, then the phase it leaves the connection in and the
/// deadline (in seconds from the accept) the table gives that phase.
#[test]
fn each_phase_has_its_deadline() {
    type Steps = fn(&mut Sim);
    #[rustfmt::skip]
    let cases: &[(&str, Steps, &str, Option<f64>)] = &[
        ("a new connection is idle: idle_timeout after the accept",
            |_| {}, "Idle", Some(5.0)),
        ("empty lines before a request are skipped (RFC 9112 §2.2): still idle, same clock",
            |s| { s.wait(1.0); s.send(b"\r\n\r\n"); }, "Idle", Some(5.0)),
        ("the first byte of a head starts the head clock",
            |s| { s.wait(1.0); s.send(b"G"); }, "Head", Some(11.0)),
        ("more bytes of the head do not restart it",
            |s| { s.wait(1.0); s.send(b"GET / HT"); s.wait(3.0); s.send(b"TP/1.1\r\n"); }, "Head", Some(11.0)),
        ("after an answer, idle again: idle_timeout after the answer",
            |s| { s.wait(2.0); s.send(GET); }, "Idle", Some(7.0)),
        ("the rest of a pipelined batch gets its head clock when its turn comes",
            |s| { s.wait(2.0); s.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /b HT"); }, "Head", Some(12.0)),
        ("a body gets body_timeout from the end of its head",
            |s| { s.wait(1.0); s.send(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n"); }, "Body", Some(21.0)),
        ("each 500 bytes of body buy a second",
            |s| { s.send(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n"); s.wait(5.0); s.send(&[b'x'; 1500]); }, "Body", Some(20.0 + 3.0)),
        ("but never more than body_timeout past the last bytes",
            |s| { s.send(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99000\r\n\r\n"); s.wait(1.0); s.send(&[b'x'; 90_000]); }, "Body", Some(1.0 + 20.0)),
        ("a chunked body too",
            |s| { s.send(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"); s.wait(2.0); s.send(b"3e8\r\n"); }, "Body", Some(20.0 + 0.01)),
        ("a client that does not read: write_timeout since the last progress",
            |s| { s.client_reads = false; s.wait(1.0); s.send(GET); }, "Idle", Some(31.0)),
        ("a last answer being written: the write clock too",
            |s| { s.client_reads = false; s.send(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"); }, "Closing", Some(30.0)),
        ("after a last answer, draining: LINGER_TIME after the half-close",
            |s| { s.wait(1.0); s.send(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"); }, "Closing", Some(2.0)),
    ];
    for (why, steps, want_phase, want_deadline) in cases {
        let mut sim = Sim::new(timeouts());
        steps(&mut sim);
        let got = (
            sim.phase(),
            sim.deadline().map(|d| (d * 1000.0).round() / 1000.0),
        );
        assert_eq!(
            got,
            (*want_phase, *want_deadline),
            "{why}; wrote {:?}",
            sim.wrote()
        );
    }
}

/// Each row: a history, then what happens when its deadline passes — what
/// the client reads, and whether the connection drains before closing.
#[test]
fn each_deadline_ends_the_way_the_table_says() {
    type Steps = fn(&mut Sim);
    #[rustfmt::skip]
    let cases: &[(&str, Steps, &str)] = &[
        ("a new connection that sends nothing is told why it is closed (RFC 9110 §15.5.9)",
            |_| {}, "HTTP/1.1 408 Request Timeout|Connection: close|nothing arrived on this connection for 5 seconds"),
        ("one that sent only empty lines is closed without a word (RFC 9112 §9.5)",
            |s| { s.send(b"\r\n"); }, ""),
        ("so is an idle keep-alive connection: its client may be about to reuse it",
            |s| { s.send(GET); s.wrote.clear(); }, ""),
        ("half a head: 408, naming the head timeout",
            |s| { s.send(b"GET / HTTP/1.1\r\n"); }, "HTTP/1.1 408 Request Timeout|goldfish waits 10 seconds for a request head"),
        ("half a body: 408, naming the body timeout",
            |s| { s.send(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nab"); }, "HTTP/1.1 408 Request Timeout|goldfish waits 20 seconds for each part of a request body"),
        ("most of a body fast, then nothing: 408 all the same",
            |s| { s.send(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n"); s.send(&[b'x'; 99_999]); }, "HTTP/1.1 408 "),
    ];
    for (why, steps, want) in cases {
        let mut sim = Sim::new(timeouts());
        steps(&mut sim);
        let stop = sim.time_out();
        let wrote = sim.wrote();
        for part in want.split('|').filter(|p| !p.is_empty()) {
            assert!(
                wrote.contains(part),
                "{why}: wrote {wrote:?}; want {part:?}"
            );
        }
        if want.is_empty() {
            assert_eq!((stop, wrote.as_str()), (Stop::Closed, ""), "{why}");
        } else {
            // A 408 closes through the lingering close, whose own deadline
            // then ends it.
            assert_eq!((stop, sim.phase()), (Stop::Waits, "Closing"), "{why}");
            assert_eq!(sim.time_out(), Stop::Closed, "{why}: the drain ends");
        }
    }
}

/// A learner typing into telnet: connects, reads the README for a minute,
/// types the request line, thinks for two minutes, types `Host:`, and ends
/// the head a minute and a half later. The defaults cut that off before
/// the first line; `--classroom` waits for it.
#[test]
fn a_learner_typing_into_telnet_is_served_in_classroom_mode() {
    let script = |config: ServerConfig| {
        let mut sim = Sim::new(config);
        for (pause, line) in [
            (60.0, "GET /hello HTTP/1.1\r\n"),
            (120.0, "Host: localhost\r\n"),
            (90.0, "\r\n"),
        ] {
            sim.wait(pause);
            if sim.conn.deadline().is_some_and(|d| d <= sim.now) {
                sim.conn.expired(sim.now);
                sim.run();
            }
            if sim.send(line.as_bytes()) == Stop::Closed || !sim.wrote.is_empty() {
                break;
            }
        }
        sim.wrote()
    };
    let default = script(ServerConfig::default());
    assert!(default.starts_with("HTTP/1.1 408 "), "default: {default}");
    assert!(
        default.contains("nothing arrived on this connection for 5 seconds"),
        "{default}"
    );
    let classroom = script(ServerConfig::default().classroom());
    assert!(
        classroom.starts_with("HTTP/1.1 200 OK\r\n"),
        "classroom: {classroom}"
    );
}

/// A client that stops reading is dropped when the write clock runs out:
/// nothing more can reach it, so there is no 408 and no lingering.
#[test]
fn a_client_that_does_not_read_is_dropped_after_the_write_timeout() {
    let mut sim = Sim::new(timeouts());
    sim.client_reads = false;
    sim.send(GET);
    assert_eq!(sim.deadline(), Some(30.0));
    assert_eq!(sim.time_out(), Stop::Closed);
}

/// The same client, having pipelined more requests than fit in what is
/// written at once: its answers pile up past `FLUSH_AT`, and when the write
/// clock runs out the connection is over with them unsent — not asked to
/// write again (it was, forever: the event loop spun and served nobody).
#[test]
fn a_pipelining_client_that_does_not_read_is_closed_with_its_answers_unsent() {
    let mut sim = Sim::new(timeouts());
    sim.client_reads = false;
    assert_eq!(sim.send(&GET.repeat(1000)), Stop::Waits);
    let owed = sim.conn.output().len();
    assert!(
        owed >= FLUSH_AT,
        "{owed} bytes owed; want at least {FLUSH_AT}"
    );
    assert_eq!(sim.deadline(), Some(30.0));
    assert_eq!(sim.time_out(), Stop::Closed);
    assert!(matches!(sim.conn.next(sim.now), Next::Close));
}

/// "Most of it fast, then drip" (the case a credit without a cap let run
/// for half an hour): the drip earns almost nothing, so the body is
/// overdue `body_timeout` after the fast part.
#[test]
fn a_fast_start_does_not_stretch_the_body_deadline() {
    let mut sim = Sim::new(timeouts());
    sim.send(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\n");
    sim.send(&[b'x'; 999_000]);
    for _ in 0..3 {
        sim.wait(7.0);
        sim.send(b"x");
    }
    // 999 000 bytes at t=0, then a byte at 7, 14, 21: overdue at 20.006.
    assert_eq!(sim.phase(), "Body");
    assert!(sim.deadline().unwrap() < 20.01, "{:?}", sim.deadline());
    assert_eq!(sim.time_out(), Stop::Waits);
    assert!(sim.wrote().starts_with("HTTP/1.1 408 "), "{}", sim.wrote());
}

/// A declared length allocates nothing up front: the body grows with what
/// arrives (doubling, capped at the declared length).
#[test]
fn a_body_costs_what_has_arrived() {
    let mut sim = Sim::new(timeouts());
    sim.send(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\nname=");
    let Phase::Body { reader, .. } = sim.conn.phase() else {
        panic!("not reading a body: {}", sim.phase());
    };
    let held = format!("{reader:?}");
    assert!(held.contains("body: [110, 97, 109, 101, 61]"), "{held}");
    let space = sim.conn.read_space().len();
    assert!(
        space <= 4096,
        "{space} bytes ready for a body of which 5 arrived"
    );
}

#[test]
fn body_deadlines_earn_a_second_per_500_bytes_up_to_the_window() {
    let t0 = Instant::now();
    let s = |secs: f64| t0 + Duration::from_secs_f64(secs);
    let window = Duration::from_secs(10);
    #[rustfmt::skip]
    let cases: &[(&str, f64, usize, f64, f64)] = &[
        // (why, deadline before, bytes, at, deadline after)
        ("nothing arrived: unchanged", 10.0, 0, 4.0, 10.0),
        ("500 bytes buy a second", 10.0, 500, 4.0, 11.0),
        ("1500 bytes buy three", 10.0, 1500, 4.0, 13.0),
        ("a megabyte buys no more than the window from now", 10.0, 1_000_000, 4.0, 14.0),
        ("a drip of one byte buys 2 ms", 10.0, 1, 9.0, 10.002),
        ("500 B/s steadily keeps the deadline ahead", 12.0, 500, 3.0, 13.0),
    ];
    for (why, before, n, at, want) in cases {
        let got = body::deadline(s(*before), *n, s(*at), window);
        let got = (got - t0).as_secs_f64();
        assert!(
            (got - want).abs() < 1e-6,
            "body::deadline({before}, {n}, {at}) = {got}; want {want}: {why}"
        );
    }
}

#[test]
fn timeout_messages_name_the_wait_and_its_length() {
    use timeout::{Waited, message};
    let ms = Duration::from_millis;
    let classroom = ServerConfig {
        idle_timeout: ms(600_000),
        header_timeout: ms(600_000),
        body_timeout: ms(600_000),
        ..ServerConfig::default()
    };
    let short = ServerConfig {
        header_timeout: ms(250),
        body_timeout: ms(1500),
        ..ServerConfig::default()
    };
    #[rustfmt::skip]
    let cases: &[(&str, Waited, &ServerConfig, &str)] = &[
        ("the default head timeout", Waited::Head, &ServerConfig::default(),
            "goldfish waits 10 seconds for a request head, then gives up"),
        ("a short wait points to --classroom", Waited::Head, &ServerConfig::default(),
            "Start goldfish with --classroom: it waits 10 minutes instead.)\n"),
        ("a body", Waited::Body, &ServerConfig::default(),
            "goldfish waits 10 seconds for each part of a request body,"),
        ("nothing at all on a new connection", Waited::FirstByte, &ServerConfig::default(),
            "nothing arrived on this connection for 5 seconds, so goldfish closes it"),
        ("which says what to type", Waited::FirstByte, &ServerConfig::default(),
            "GET /hello HTTP/1.1, then Host: localhost, then an empty line."),
        ("in classroom mode, minutes and no hint", Waited::Head, &classroom,
            "goldfish waits 10 minutes for a request head, then gives up, so that slow clients cannot tie it up. Type faster, or paste the whole request at once.\n"),
        ("tests' short timeouts, exactly", Waited::Head, &short, "goldfish waits 0.25 seconds for a request head"),
        ("and fractions", Waited::Body, &short, "goldfish waits 1.5 seconds for each part"),
    ];
    for (why, waited, config, want) in cases {
        let got = message(*waited, config);
        assert!(
            got.contains(want),
            "message({waited:?}) = {got:?}; want {want:?}: {why}"
        );
    }
}

// ---------------------------------------------------------------------------
// Over a real socket, with the threads model
// ---------------------------------------------------------------------------

/// Serves one connection with `config`; `client` talks to it. Returns what
/// `client` returns and the log lines.
fn with_connection<T>(
    config: ServerConfig,
    client: impl FnOnce(TcpStream) -> T,
) -> (T, Vec<String>) {
    let (shared, lines) = shared(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let out = std::thread::scope(|s| {
        s.spawn(|| {
            let stream = Arc::new(listener.accept().unwrap().0);
            let peer = stream.peer_addr().unwrap().ip();
            let crate::server::admission::Verdict::Admitted(ticket) =
                shared.admission.admit(&stream, peer)
            else {
                panic!("the first connection is admitted");
            };
            crate::server::threads::serve(&stream, &ticket, &shared);
        });
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        client(stream)
    });
    let lines = lines.lock().unwrap().clone();
    (out, lines)
}

/// Sends `raw`, then reads until the server closes.
fn send_and_read_to_close(mut stream: TcpStream, raw: &[u8]) -> String {
    stream.write_all(raw).unwrap();
    let mut out = Vec::new();
    stream.read_to_end(&mut out).unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn a_broken_chunked_body_logs_its_request_line() {
    let (out, log) = with_connection(ServerConfig::default(), |s| {
        send_and_read_to_close(
            s,
            b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        )
    });
    assert!(out.starts_with("HTTP/1.1 400 "), "{out}");
    assert_eq!(log.len(), 1, "{log:?}");
    assert!(
        log[0].ends_with("] \"POST /x HTTP/1.1\" 400 -"),
        "the log shows the chunk line instead of the request: {log:?}"
    );
}

#[test]
fn an_empty_line_after_a_request_is_idle_not_a_slow_head() {
    // RFC 9112 §2.2: a CRLF after a request is ignored. Waiting for more
    // after it is being idle: a quiet close after idle_timeout, no 408.
    let config = ServerConfig {
        idle_timeout: Duration::from_millis(200),
        header_timeout: Duration::from_secs(5),
        ..ServerConfig::default()
    };
    let (out, log) = with_connection(config, |s| {
        send_and_read_to_close(s, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n\r\n")
    });
    assert!(out.starts_with("HTTP/1.1 200 OK\r\n"), "{out}");
    assert!(!out.contains("408"), "{out}");
    assert_eq!(log.len(), 1, "{log:?}");
}

#[test]
fn a_slow_body_gets_408_over_a_socket() {
    let config = ServerConfig {
        body_timeout: Duration::from_millis(200),
        ..ServerConfig::default()
    };
    let (out, log) = with_connection(config, |s| {
        send_and_read_to_close(
            s,
            b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nab",
        )
    });
    assert!(out.starts_with("HTTP/1.1 408 "), "{out}");
    assert!(
        out.contains("goldfish waits 0.2 seconds for each part of a request body"),
        "{out}"
    );
    assert_eq!(log.len(), 1, "{log:?}");
}

//! One connection's life: read bytes, parse, answer, repeat.
//!
//! This is the only code that reads from a socket. The loop:
//! 1. parse whatever bytes are buffered ([`parse_head`]);
//! 2. complete head → read its body, call the handler, append the response
//!    to the output buffer, and go back to 1 — a pipelined batch is answered
//!    without another read;
//! 3. partial head → write out the buffered responses (one write for the
//!    whole batch), then block on a read with the right timeout;
//! 4. error → answer with its status and a sentence, then close.
//!
//! Timeouts (RFC 9112 §9.5 lets a server close idle connections):
//! - *idle*: between requests, a keep-alive connection may sit silent for
//!   `idle_timeout` (5 s), then it is closed without a word;
//! - *head*: once the first byte of a request arrives, the whole head must
//!   follow within `header_timeout` (10 s) or the client gets 408 — this is
//!   what ends a slowloris client trickling one byte per second;
//! - *body*: each read of a body must make progress within `body_timeout`;
//! - *write*: a client that stops reading its responses is dropped after
//!   `write_timeout`, so it cannot hold a thread forever.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use super::Shared;
use crate::http::{BodyKind, ChunkedDecoder, Parsed, Request, Response, Status, parse_head};

/// Initial size of the receive buffer. wrk's requests are ~60 bytes and a
/// browser's ~1 KiB, so 4 KiB holds a pipelined batch or a cookie-heavy head
/// without growing; the buffer doubles (up to the head limits) when needed.
const INITIAL_BUFFER: usize = 4096;

/// Once this many response bytes are waiting, write them even if more
/// pipelined requests are buffered, so output memory stays bounded.
const FLUSH_AT: usize = 64 * 1024;

/// After an error response, how long and how much we keep reading (and
/// discarding) before closing. Closing a socket with unread input makes the
/// kernel send a reset, which can destroy the error response before the
/// client reads it ("lingering close", RFC 9112 §9.6).
const LINGER_TIME: Duration = Duration::from_secs(1);
const LINGER_BYTES: usize = 256 * 1024;

/// What a read produced.
enum Filled {
    Bytes(usize),
    Eof,
    TimedOut,
}

/// Serves one connection until it closes. Never panics on client input.
pub(crate) fn serve(stream: TcpStream, shared: &Shared) {
    let Ok(peer) = stream.peer_addr() else { return };
    // Responses are written whole, once per batch, so Nagle's algorithm
    // would only add delay (up to 40 ms with delayed ACKs) and buy nothing.
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(shared.config.write_timeout));
    let mut conn = Conn {
        stream,
        peer,
        shared,
        buf: vec![0; INITIAL_BUFFER],
        start: 0,
        filled: 0,
        parse_needed: false,
        head_started: None,
        out: Vec::with_capacity(INITIAL_BUFFER),
        read_timeout: None,
    };
    conn.run();
}

struct Conn<'a> {
    stream: TcpStream,
    peer: SocketAddr,
    shared: &'a Shared,
    /// Receive buffer: `buf[start..filled]` is received but not yet used.
    /// `buf.len()` is its allocated size (kept zero-initialised so reads can
    /// go straight into it).
    buf: Vec<u8>,
    start: usize,
    filled: usize,
    /// Whether new bytes arrived that could change the parse result.
    parse_needed: bool,
    /// When the first byte of the current request head arrived.
    head_started: Option<Instant>,
    /// Responses not yet written.
    out: Vec<u8>,
    /// The read timeout currently set on the socket (to skip redundant
    /// `setsockopt` calls on the hot path).
    read_timeout: Option<Duration>,
}

impl Conn<'_> {
    fn run(&mut self) {
        while let Ok(true) = self.step() {}
        let _ = self.flush();
    }

    /// One turn of the loop. `Ok(false)` means close the connection.
    fn step(&mut self) -> io::Result<bool> {
        let limits = &self.shared.config.limits;
        if self.parse_needed {
            self.parse_needed = false;
            match parse_head(&self.buf[self.start..self.filled], limits) {
                Ok(Parsed::Complete { value, used }) => {
                    self.start += used;
                    self.head_started = None;
                    self.parse_needed = true; // there may be a pipelined request
                    return self.respond(value);
                }
                Ok(Parsed::Partial) => {}
                Err(e) => {
                    let first_line = self.first_unparsed_line();
                    self.fail(&first_line, &e.to_string(), e.status());
                    return Ok(false);
                }
            }
        }

        // Need more bytes. First send what we owe.
        self.flush()?;
        self.compact();
        let waiting = self.start < self.filled;
        if waiting && self.head_started.is_none() {
            // The rest of a pipelined batch: its clock starts now.
            self.head_started = Some(Instant::now());
        }
        // Empty lines before a request line are ignored (RFC 9112 §2.2; some
        // clients send a CRLF after a POST body). A connection holding only
        // those is idle, not slow: it waits at most `idle_timeout` and is then
        // closed quietly, without a 408. The head clock still bounds it, so
        // trickling empty lines cannot hold the connection open.
        let only_empty_lines = self.buf[self.start..self.filled]
            .iter()
            .all(|&b| b == b'\r' || b == b'\n');
        let slow_head = waiting && !only_empty_lines;
        let timeout = match self.head_started {
            Some(t0) if waiting => {
                let left = self
                    .shared
                    .config
                    .header_timeout
                    .saturating_sub(t0.elapsed());
                if left.is_zero() {
                    if slow_head {
                        self.timeout_408(Waited::Head);
                    }
                    return Ok(false);
                }
                if slow_head {
                    left
                } else {
                    left.min(self.shared.config.idle_timeout)
                }
            }
            _ => self.shared.config.idle_timeout,
        };
        let before = self.filled;
        match self.fill(timeout)? {
            Filled::Bytes(n) => {
                if self.head_started.is_none() {
                    self.head_started = Some(Instant::now());
                }
                let new = &self.buf[before..before + n];
                let unparsed = self.filled - self.start;
                // Re-parse only when it can change the answer: a line ended,
                // this is the start of a request (to refuse garbage at once),
                // or the bytes just crossed a limit (so 414/431 come at once).
                // Parsing on every read would cost O(n²) for a client that
                // sends a long head one byte at a time.
                let was = unparsed - n;
                let crossed = |limit: usize| was <= limit && unparsed > limit;
                self.parse_needed = before == self.start
                    || new.contains(&b'\n')
                    || crossed(limits.request_line + 1)
                    || crossed(limits.header_section)
                    || unparsed > max_head_bytes(limits);
                Ok(true)
            }
            Filled::Eof => Ok(false),
            Filled::TimedOut if slow_head => {
                self.timeout_408(Waited::Head);
                Ok(false)
            }
            // Idle keep-alive connection: close quietly.
            Filled::TimedOut => Ok(false),
        }
    }

    /// Reads the body, runs the handler, and queues the response.
    fn respond(&mut self, mut req: Request) -> io::Result<bool> {
        let log = &self.shared.config.log;
        log.trace("> ", req.head().as_bytes());
        if !self.read_body(&mut req)? {
            return Ok(false);
        }
        let handler = &self.shared.handler;
        let peer = self.peer;
        let response = panic::catch_unwind(AssertUnwindSafe(|| handler.handle(&req, peer)))
            .unwrap_or_else(|_| {
                Response::text(
                    Status::INTERNAL_SERVER_ERROR,
                    format!(
                        "goldfish crashed while answering {} {}. That is a bug in goldfish, \
                         not in your request; the server carries on.\n",
                        req.method(),
                        crate::server::log::printable(req.target())
                    ),
                )
            });
        let close = !req.keep_alive() || self.shared.stopping();
        let keep_alive_10 = !close && req.version() == crate::http::Version::Http10;
        let head_start = self.out.len();
        super::with_date(|d| response.write_head(&mut self.out, d, close, keep_alive_10));
        log.trace("< ", &self.out[head_start..]);
        // HEAD: the same fields as GET, no body (RFC 9110 §9.3.2).
        if req.method() != "HEAD" && !response.status.forbids_body() {
            self.out.extend_from_slice(&response.body);
        }
        if log.enabled() {
            log.access(&self.peer, req.request_line(), response.status.0);
        }
        if close {
            self.flush()?;
            self.linger();
            return Ok(false);
        }
        if self.out.len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(true)
    }

    /// Reads the request body into `req`. `Ok(false)`: the connection is done
    /// (an error was answered, or the client went away).
    fn read_body(&mut self, req: &mut Request) -> io::Result<bool> {
        let kind = req.body_kind();
        if kind == BodyKind::None {
            return Ok(true);
        }
        // `Expect: 100-continue`: the client waits for our go-ahead before
        // sending the body (RFC 9110 §10.1.1). Only say it if the body is not
        // already here.
        if req.expects_continue() && self.start == self.filled {
            self.out.extend_from_slice(b"HTTP/1.1 100 Continue\r\n\r\n");
            self.flush()?;
        }
        let per_read = self.shared.config.body_timeout;
        let started = Instant::now();
        match kind {
            BodyKind::None => Ok(true),
            BodyKind::Length(n) => {
                let n = n as usize; // checked against the body limit by the parser
                let mut body = vec![0; n];
                let have = (self.filled - self.start).min(n);
                body[..have].copy_from_slice(&self.buf[self.start..self.start + have]);
                self.start += have;
                let mut got = have;
                while got < n {
                    let Some(timeout) = body_read_timeout(per_read, started.elapsed(), got - have)
                    else {
                        self.timeout_408(Waited::Body);
                        return Ok(false);
                    };
                    self.set_read_timeout(timeout)?;
                    match self.stream.read(&mut body[got..]) {
                        Ok(0) => return Ok(false),
                        Ok(k) => got += k,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) if is_timeout(&e) => {
                            self.timeout_408(Waited::Body);
                            return Ok(false);
                        }
                        Err(e) => return Err(e),
                    }
                }
                req.set_body(body);
                Ok(true)
            }
            BodyKind::Chunked => {
                let mut decoder = ChunkedDecoder::new(&self.shared.config.limits);
                let mut body = Vec::new();
                let mut received = 0;
                loop {
                    match decoder.decode(&self.buf[self.start..self.filled], &mut body) {
                        Ok(p) => {
                            self.start += p.used;
                            if p.done {
                                break;
                            }
                        }
                        Err(e) => {
                            // Log the request, not the chunk line that broke.
                            self.fail(req.request_line(), &e.to_string(), e.status());
                            return Ok(false);
                        }
                    }
                    self.compact();
                    let Some(timeout) = body_read_timeout(per_read, started.elapsed(), received)
                    else {
                        self.timeout_408(Waited::Body);
                        return Ok(false);
                    };
                    match self.fill(timeout)? {
                        Filled::Bytes(n) => received += n,
                        Filled::Eof => return Ok(false),
                        Filled::TimedOut => {
                            self.timeout_408(Waited::Body);
                            return Ok(false);
                        }
                    }
                }
                req.set_body(body);
                req.set_trailers(decoder.into_trailers());
                Ok(true)
            }
        }
    }

    /// Reads more bytes into the buffer, growing it if it is full.
    fn fill(&mut self, timeout: Duration) -> io::Result<Filled> {
        if self.filled == self.buf.len() {
            let grown = (self.buf.len() * 2)
                .min(self.filled + max_head_bytes(&self.shared.config.limits) + 1);
            self.buf.resize(grown.max(self.filled + 1), 0);
        }
        self.set_read_timeout(timeout)?;
        loop {
            match self.stream.read(&mut self.buf[self.filled..]) {
                Ok(0) => return Ok(Filled::Eof),
                Ok(n) => {
                    self.filled += n;
                    return Ok(Filled::Bytes(n));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if is_timeout(&e) => return Ok(Filled::TimedOut),
                Err(e) => return Err(e),
            }
        }
    }

    /// Moves unparsed bytes to the front of the buffer (cheap: usually none).
    fn compact(&mut self) {
        if self.start == self.filled {
            self.start = 0;
            self.filled = 0;
        } else if self.start > 0 && self.filled == self.buf.len() {
            self.buf.copy_within(self.start..self.filled, 0);
            self.filled -= self.start;
            self.start = 0;
        }
        // After a rare huge head, give the memory back.
        if self.filled == 0 && self.buf.len() > 4 * INITIAL_BUFFER {
            self.buf = vec![0; INITIAL_BUFFER];
        }
    }

    fn set_read_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        // A zero Duration would mean "no timeout" to some OSes; std refuses it.
        let timeout = timeout.max(Duration::from_millis(1));
        if self.read_timeout != Some(timeout) {
            self.stream.set_read_timeout(Some(timeout))?;
            self.read_timeout = Some(timeout);
        }
        Ok(())
    }

    /// Writes every queued response in one go.
    fn flush(&mut self) -> io::Result<()> {
        if !self.out.is_empty() {
            let result = self.stream.write_all(&self.out);
            self.out.clear();
            if self.out.capacity() > 4 * FLUSH_AT {
                self.out = Vec::with_capacity(INITIAL_BUFFER);
            }
            result?;
        }
        Ok(())
    }

    /// The first line of the unparsed input (at most 200 bytes), for the
    /// log of a request that could not be parsed.
    fn first_unparsed_line(&self) -> String {
        let rest = &self.buf[self.start..self.filled];
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(rest.len())
            .min(200);
        String::from_utf8_lossy(&rest[..end]).trim_end().to_string()
    }

    /// Answers a request we could not read, then closes. `log_line` is what
    /// the access log shows as the request.
    fn fail(&mut self, log_line: &str, message: &str, status: Status) {
        self.shared
            .config
            .log
            .access(&self.peer, log_line, status.0);
        self.close_with(status, format!("{message}\n"));
    }

    /// Answers 408 and closes. `Waited::Head` or `Waited::Body` says which
    /// timeout ran out, so the sentence names the right number of seconds.
    fn timeout_408(&mut self, waited: Waited) {
        let config = &self.shared.config;
        let (secs, what) = match waited {
            Waited::Head => (config.header_timeout.as_secs(), "a request head"),
            Waited::Body => (config.body_timeout.as_secs(), "each part of a request body"),
        };
        config.log.access(&self.peer, "(incomplete request)", 408);
        self.close_with(Status::REQUEST_TIMEOUT, timeout_message(secs, what));
    }

    fn close_with(&mut self, status: Status, body: String) {
        let response = Response::text(status, body);
        let head_start = self.out.len();
        super::with_date(|d| response.write_head(&mut self.out, d, true, false));
        self.shared.config.log.trace("< ", &self.out[head_start..]);
        self.out.extend_from_slice(&response.body);
        if self.flush().is_ok() {
            self.linger();
        }
    }

    /// Half-closes, then drains input briefly so the peer reads our last
    /// response instead of a connection reset (see [`LINGER_TIME`]).
    fn linger(&mut self) {
        if self.stream.shutdown(Shutdown::Write).is_err() {
            return;
        }
        let deadline = Instant::now() + LINGER_TIME;
        let mut drained = 0;
        let mut scratch = [0u8; 4096];
        while drained < LINGER_BYTES {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || self.stream.set_read_timeout(Some(left)).is_err() {
                break;
            }
            match self.stream.read(&mut scratch) {
                Ok(0) | Err(_) => break,
                Ok(n) => drained += n,
            }
        }
    }
}

/// Bytes per second a body must average, beyond its first `body_timeout`.
/// Apache's mod_reqtimeout uses the same rule and number (`MinRate=500`).
const MIN_BODY_RATE: u64 = 500;

/// How long the next read of a body may wait: `per_read`, but never past
/// the body's overall allowance of `per_read` plus one second for every
/// [`MIN_BODY_RATE`] bytes received so far. `None`: the allowance is spent.
///
/// Why both: a per-read timeout alone lets a client drip one byte every few
/// seconds and hold a worker for as long as it likes (2048 such clients
/// would fill every slot); an overall deadline alone would cut off an honest
/// upload on a slow link. At 500 B/s the largest body (1 MiB) may take
/// about 35 minutes — and a dripping client is gone after about 10 seconds.
fn body_read_timeout(per_read: Duration, elapsed: Duration, received: usize) -> Option<Duration> {
    let allowance = per_read + Duration::from_secs(received as u64 / MIN_BODY_RATE);
    let left = allowance.checked_sub(elapsed).filter(|d| !d.is_zero())?;
    Some(left.min(per_read))
}

/// Which wait ran out (see [`Conn::timeout_408`]).
#[derive(Debug, Clone, Copy)]
enum Waited {
    Head,
    Body,
}

/// The body of a 408.
fn timeout_message(secs: u64, what: &str) -> String {
    let unit = if secs == 1 { "second" } else { "seconds" };
    format!(
        "the request did not arrive in time: goldfish waits {secs} {unit} for {what}, \
         then gives up, so that slow clients cannot tie it up. Type faster, or paste the \
         whole request at once.\n"
    )
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// No valid head is longer than this (empty lines, request line, fields).
fn max_head_bytes(limits: &crate::http::Limits) -> usize {
    2 * limits.request_line + limits.header_section + 4
}

#[cfg(test)]
mod tests {
    //! The connection loop over a real loopback socket: one connection,
    //! served on a thread, with a handler that always says "hi".

    use std::net::TcpListener;
    use std::sync::atomic::AtomicBool;
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::server::ServerConfig;
    use crate::server::log::{Log, Sink};

    /// Serves one connection with `config`; `client` talks to it. Returns
    /// what `client` returns and the log lines.
    fn with_connection<T>(
        mut config: ServerConfig,
        client: impl FnOnce(TcpStream) -> T,
    ) -> (T, Vec<String>) {
        let lines = Arc::new(Mutex::new(Vec::new()));
        config.log = Log {
            sink: Sink::Memory(Arc::clone(&lines)),
            trace: false,
        };
        let shared = Shared {
            config,
            handler: Box::new(|_: &Request, _: SocketAddr| Response::text(Status::OK, "hi")),
            stopping: AtomicBool::new(false),
        };
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let out = std::thread::scope(|s| {
            s.spawn(|| serve(listener.accept().unwrap().0, &shared));
            let stream = TcpStream::connect(addr).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            client(stream)
        });
        let lines = lines.lock().unwrap().clone();
        (out, lines)
    }

    /// Sends `raw`, then reads until the server closes; returns the text
    /// and how long the close took after the last byte was sent.
    fn send_and_read_to_close(mut stream: TcpStream, raw: &[u8]) -> (String, Duration) {
        stream.write_all(raw).unwrap();
        let t0 = Instant::now();
        let mut out = Vec::new();
        stream.read_to_end(&mut out).unwrap();
        (String::from_utf8_lossy(&out).into_owned(), t0.elapsed())
    }

    #[test]
    fn a_broken_chunked_body_logs_its_request_line() {
        let ((out, _), log) = with_connection(ServerConfig::default(), |s| {
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
        let ((out, took), log) = with_connection(config, |s| {
            send_and_read_to_close(s, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n\r\n")
        });
        assert!(out.starts_with("HTTP/1.1 200 OK\r\n"), "{out}");
        assert!(!out.contains("408"), "{out}");
        assert!(took < Duration::from_secs(3), "closed after {took:?}");
        assert_eq!(log.len(), 1, "{log:?}");
    }

    #[test]
    fn a_slow_body_408_names_the_body_timeout() {
        let config = ServerConfig {
            header_timeout: Duration::from_secs(7),
            body_timeout: Duration::from_secs(1),
            ..ServerConfig::default()
        };
        let ((out, _), _) = with_connection(config, |s| {
            send_and_read_to_close(
                s,
                b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nab",
            )
        });
        assert!(out.starts_with("HTTP/1.1 408 "), "{out}");
        assert!(
            out.contains("waits 1 second for each part of a request body"),
            "{out}"
        );
    }

    #[test]
    fn body_reads_get_a_per_read_timeout_and_an_overall_allowance() {
        let s = Duration::from_secs;
        let cases: &[(&str, u64, u64, usize, Option<Duration>)] = &[
            (
                "a fresh body waits the full per-read time",
                10,
                0,
                0,
                Some(s(10)),
            ),
            ("after 4 s without data, 6 s are left", 10, 4, 0, Some(s(6))),
            ("after 10 s without data, nothing is left", 10, 10, 0, None),
            ("each 500 bytes buy a second", 10, 12, 1500, Some(s(1))),
            (
                "a fast upload keeps the per-read limit",
                10,
                5,
                1_000_000,
                Some(s(10)),
            ),
            ("a drip of 20 bytes in 11 s is cut off", 10, 11, 20, None),
        ];
        for (why, per_read, elapsed, received, want) in cases {
            let got = body_read_timeout(s(*per_read), s(*elapsed), *received);
            assert_eq!(got, *want, "{why}");
        }
    }

    #[test]
    fn timeout_messages() {
        let cases: &[(u64, &str, &str)] = &[
            (
                10,
                "a request head",
                "goldfish waits 10 seconds for a request head,",
            ),
            (
                3,
                "each part of a request body",
                "goldfish waits 3 seconds for each part of a request body,",
            ),
        ];
        for (secs, what, want) in cases {
            let got = timeout_message(*secs, what);
            assert!(
                got.contains(want),
                "timeout_message({secs}, {what:?}) = {got:?}"
            );
        }
    }
}

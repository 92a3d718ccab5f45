//! What every black-box test needs: a server on a free loopback port, a raw
//! TCP client that can never hang, and the real `goldfish` binary.
//!
//! Each file in `tests/` is its own crate and uses only part of this module,
//! hence the `dead_code` allowance.
//!
//! Rules the helpers enforce, so no test has to remember them:
//! - servers bind `127.0.0.1:0`: loopback only, a port the OS picks, so tests
//!   run in parallel and never collide with a goldfish you are running;
//! - every read has a timeout ([`READ_TIMEOUT`]), so a server that forgets
//!   to answer makes a test fail, never hang;
//! - the access log goes to memory, not the terminal, so `cargo test` stays
//!   quiet and tests can read it.
#![allow(dead_code)]

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use goldfish::app::{App, AppConfig};
use goldfish::server::log::{Log, Sink};
use goldfish::server::{Census, Handler, Io, Server, ServerConfig, ServerHandle};

/// The longest any single read may block. Far above anything a correct
/// server needs on a loaded 2-core machine, far below "the test hangs".
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------
// An in-process server
// ---------------------------------------------------------------------------

/// A running server; stopped when dropped.
pub struct TestServer {
    handle: Option<ServerHandle>,
    addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
}

/// The default [`ServerConfig`], except that the log goes to memory, and
/// the I/O model is the one `GOLDFISH_IO` names (`epoll` or `threads`), so
/// that `.ci/run` can run every test against both. Tests change the
/// fields they care about (timeouts, limits, the cap).
pub fn config() -> ServerConfig {
    ServerConfig {
        io: io_model(),
        log: Log {
            sink: Sink::Memory(Arc::default()),
            trace: false,
        },
        ..ServerConfig::default()
    }
}

/// The I/O model the tests run against: `GOLDFISH_IO`, or the default.
/// (The `goldfish` binary reads `GOLDFISH_IO` itself.)
pub fn io_model() -> Io {
    match std::env::var("GOLDFISH_IO").as_deref() {
        Ok("threads") => Io::Threads,
        Ok("epoll") => Io::EventLoop { loops: 1 },
        Ok(other) => panic!("GOLDFISH_IO must be epoll or threads, not {other:?}"),
        Err(_) => Io::default(),
    }
}

/// The lessons (`App` with its default configuration) on a free port.
pub fn start() -> TestServer {
    start_with(config())
}

/// The lessons with this server configuration.
pub fn start_with(config: ServerConfig) -> TestServer {
    start_handler(config, app())
}

/// The lessons, configured as `cargo run` would without flags or
/// environment — except that the application's warnings (such as "no
/// `SECRET_KEY`") are not printed.
pub fn app() -> App {
    app_with(AppConfig {
        log: quiet(),
        ..AppConfig::default()
    })
}

/// A log that prints nothing.
pub fn quiet() -> Log {
    Log {
        sink: Sink::Off,
        trace: false,
    }
}

/// The lessons with this application configuration.
pub fn app_with(config: AppConfig) -> App {
    App::new(config).expect("build the App")
}

/// Any handler (e.g. a closure) with this server configuration.
pub fn start_handler(config: ServerConfig, handler: impl Handler) -> TestServer {
    let log = match &config.log.sink {
        Sink::Memory(lines) => Arc::clone(lines),
        _ => Arc::default(),
    };
    let server = Server::bind("127.0.0.1:0", config, handler).expect("bind 127.0.0.1:0");
    let handle = server.spawn().expect("spawn the server");
    TestServer {
        addr: handle.addr(),
        handle: Some(handle),
        log,
    }
}

impl TestServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A new raw TCP connection to the server.
    pub fn connect(&self) -> Client {
        Client::connect(self.addr)
    }

    /// Connections the server is serving, and how many wait for a request.
    pub fn census(&self) -> Census {
        self.handle.as_ref().map_or(
            Census {
                open: 0,
                waiting: 0,
            },
            ServerHandle::census,
        )
    }

    /// Connections the server is serving right now.
    pub fn open_connections(&self) -> usize {
        self.handle
            .as_ref()
            .map_or(0, ServerHandle::open_connections)
    }

    /// Waits until the server serves exactly `n` connections (it notices a
    /// closed socket only on its next read, so this takes a moment).
    pub fn wait_for_open_connections(&self, n: usize) {
        let deadline = Instant::now() + READ_TIMEOUT;
        while self.open_connections() != n {
            assert!(
                Instant::now() < deadline,
                "the server still has {} open connections; want {n}",
                self.open_connections()
            );
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Every log line so far (with `Sink::Memory`, which [`config`] sets).
    pub fn log_lines(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// One request on a fresh connection, read until the server closes it:
    /// the shape of every "bad request" test.
    pub fn exchange(&self, raw: &[u8]) -> String {
        let mut c = self.connect();
        c.send(raw);
        String::from_utf8_lossy(&c.read_to_close()).into_owned()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.stop();
        }
    }
}

// ---------------------------------------------------------------------------
// A raw TCP client
// ---------------------------------------------------------------------------

/// A socket plus the bytes read from it but not yet consumed (a read can
/// return the end of one response and the start of the next).
pub struct Client {
    pub stream: TcpStream,
    pending: Vec<u8>,
}

/// A response as it came off the wire.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    /// Status line and header fields, through the empty line, as received.
    pub head: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    /// The first value of a header field (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Client {
    pub fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).expect("connect to the test server");
        stream.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
        stream.set_write_timeout(Some(READ_TIMEOUT)).unwrap();
        stream.set_nodelay(true).unwrap();
        Client {
            stream,
            pending: Vec::new(),
        }
    }

    /// Writes all of `bytes`. A server may answer an error and close before
    /// reading everything we send; that shows up as a reset or broken pipe
    /// here and is not a failure (the test then reads the answer).
    pub fn send(&mut self, bytes: &[u8]) {
        match self.stream.write_all(bytes) {
            Ok(()) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset
                ) => {}
            Err(e) => panic!("writing to the server: {e}"),
        }
    }

    /// Writes `bytes` in pieces of `n` bytes with a pause between them, as a
    /// person typing into telnet (or a slow network) would.
    pub fn type_slowly(&mut self, bytes: &[u8], n: usize, pause: Duration) {
        for piece in bytes.chunks(n) {
            self.send(piece);
            thread::sleep(pause);
        }
    }

    /// Reads once more into `pending`. `Ok(0)`: the server closed.
    fn fill(&mut self, deadline: Instant) -> io::Result<usize> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left.min(READ_TIMEOUT)))?;
        let mut buf = [0u8; 16 * 1024];
        loop {
            match self.stream.read(&mut buf) {
                Ok(n) => {
                    self.pending.extend_from_slice(&buf[..n]);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // A reset after the server's last byte counts as a close.
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => return Ok(0),
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads until `pending` holds `n` bytes; panics on close or timeout.
    fn fill_to(&mut self, n: usize, what: &str) {
        let deadline = Instant::now() + READ_TIMEOUT;
        while self.pending.len() < n {
            match self.fill(deadline) {
                Ok(0) => panic!(
                    "the server closed the connection while we waited for {what}; got {:?}",
                    String::from_utf8_lossy(&self.pending)
                ),
                Ok(_) => {}
                Err(e) => panic!(
                    "no {what} after {READ_TIMEOUT:?} ({e}); got {:?}",
                    String::from_utf8_lossy(&self.pending)
                ),
            }
        }
    }

    /// Takes the first `n` pending bytes.
    fn take(&mut self, n: usize) -> Vec<u8> {
        self.pending.drain(..n).collect()
    }

    /// Reads up to and including the first `\r\n\r\n`, and returns it.
    pub fn read_head(&mut self) -> String {
        let deadline = Instant::now() + READ_TIMEOUT;
        loop {
            if let Some(i) = find(&self.pending, b"\r\n\r\n") {
                let head = self.take(i + 4);
                return String::from_utf8(head).expect("a response head is ASCII");
            }
            match self.fill(deadline) {
                Ok(0) => panic!(
                    "the server closed the connection before a complete response head; got {:?}",
                    String::from_utf8_lossy(&self.pending)
                ),
                Ok(_) => {}
                Err(e) => panic!(
                    "no complete response head after {READ_TIMEOUT:?} ({e}); got {:?}",
                    String::from_utf8_lossy(&self.pending)
                ),
            }
        }
    }

    /// Reads one whole response, its body framed by Content-Length.
    pub fn read_response(&mut self) -> Resp {
        self.read_response_to(false)
    }

    /// Reads the response to a HEAD request: the same fields as for GET
    /// (Content-Length included), but no body follows.
    pub fn read_head_response(&mut self) -> Resp {
        self.read_response_to(true)
    }

    fn read_response_to(&mut self, head_request: bool) -> Resp {
        let head = self.read_head();
        let mut resp = parse_head(&head);
        // RFC 9112 §6.3: responses to HEAD, 1xx, 204 and 304 have no body.
        let bodiless = head_request || resp.status < 200 || [204, 304].contains(&resp.status);
        if !bodiless {
            let len: usize = resp
                .header("content-length")
                .unwrap_or_else(|| panic!("response without Content-Length: {head:?}"))
                .parse()
                .expect("Content-Length is a number");
            self.fill_to(len, "the response body");
            resp.body = self.take(len);
        }
        resp
    }

    /// Reads until the server closes the connection, and returns everything
    /// not consumed yet. Panics if it stays open for [`READ_TIMEOUT`].
    pub fn read_to_close(&mut self) -> Vec<u8> {
        let deadline = Instant::now() + READ_TIMEOUT;
        loop {
            match self.fill(deadline) {
                Ok(0) => return std::mem::take(&mut self.pending),
                Ok(_) => {}
                Err(e) => panic!(
                    "the server did not close the connection within {READ_TIMEOUT:?} ({e}); \
                     got {:?}",
                    String::from_utf8_lossy(&self.pending)
                ),
            }
        }
    }

    /// Whether the server closed the connection, waiting up to `wait`.
    /// Panics if bytes arrive instead: this asks about a quiet connection.
    pub fn closed_within(&mut self, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        match self.fill(deadline) {
            Ok(0) => true,
            Ok(_) => panic!(
                "expected silence, got {:?}",
                String::from_utf8_lossy(&self.pending)
            ),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                false
            }
            Err(e) => panic!("reading: {e}"),
        }
    }

    /// Asserts that nothing arrives within `wait` (and the connection stays open).
    pub fn assert_silent(&mut self, wait: Duration) {
        assert!(
            !self.closed_within(wait),
            "the server closed a connection that should stay open"
        );
    }

    /// Half-closes our side (the client has nothing more to say).
    pub fn shutdown_write(&self) {
        let _ = self.stream.shutdown(Shutdown::Write);
    }
}

/// Parses a status line and header fields (test code: panics on nonsense).
pub fn parse_head(head: &str) -> Resp {
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    assert_eq!(
        parts.next(),
        Some("HTTP/1.1"),
        "status line {status_line:?} of {head:?}"
    );
    let status = parts
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status code in {status_line:?}"));
    let headers = lines
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let (n, v) = l
                .split_once(':')
                .unwrap_or_else(|| panic!("header line without colon: {l:?}"));
            (n.to_string(), v.trim().to_string())
        })
        .collect();
    Resp {
        status,
        head: head.to_string(),
        headers,
        body: Vec::new(),
    }
}

/// Splits everything read from a closed connection into its responses
/// (Content-Length framed; no HEAD responses in the mix).
pub fn split_responses(raw: &[u8]) -> Vec<Resp> {
    let mut out = Vec::new();
    let mut rest = raw;
    while !rest.is_empty() {
        let end = find(rest, b"\r\n\r\n")
            .unwrap_or_else(|| panic!("trailing bytes are not a response: {rest:?}"))
            + 4;
        let mut resp = parse_head(std::str::from_utf8(&rest[..end]).expect("ASCII head"));
        let len: usize = resp
            .header("content-length")
            .map_or(0, |v| v.parse().expect("Content-Length is a number"));
        assert!(rest.len() >= end + len, "truncated body in {raw:?}");
        resp.body = rest[end..end + len].to_vec();
        rest = &rest[end + len..];
        out.push(resp);
    }
    out
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

/// What every IMF-fixdate becomes in [`normalize_dates`].
pub const SOME_DATE: &str = "Wed, 25 Nov 2026 20:44:52 GMT";

/// Replaces every IMF-fixdate (`Wed, 25 Nov 2026 20:44:52 GMT`, RFC 9110
/// §5.6.7) in `text` with [`SOME_DATE`], so transcripts taken at different
/// times compare equal. That covers `Date:` lines, and `Expires=` of a
/// cookie too.
pub fn normalize_dates(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if rest.len() >= SOME_DATE.len()
            && rest.is_char_boundary(SOME_DATE.len())
            && is_imf_fixdate(&rest[..SOME_DATE.len()])
        {
            out.push_str(SOME_DATE);
            rest = &rest[SOME_DATE.len()..];
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// `Ddd, DD Mon YYYY HH:MM:SS GMT`, by shape.
fn is_imf_fixdate(s: &str) -> bool {
    const SHAPE: &[u8] = b"Aaa, 00 Aaa 0000 00:00:00 GMT";
    s.len() == SHAPE.len()
        && s.bytes().zip(SHAPE).all(|(b, &want)| match want {
            b'A' => b.is_ascii_uppercase(),
            b'a' => b.is_ascii_lowercase(),
            b'0' => b.is_ascii_digit(),
            _ => b == want,
        })
}

// ---------------------------------------------------------------------------
// The real binary, and other programs
// ---------------------------------------------------------------------------

/// `goldfish`, built by cargo for the integration tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_goldfish");

/// The `goldfish` binary serving on a free loopback port; killed when dropped.
pub struct Binary {
    child: Child,
    pub addr: SocketAddr,
    stderr: Receiver<String>,
}

/// Starts `goldfish --host 127.0.0.1 --port 0 <args>` and waits for its
/// banner line `* Serving on http://ADDR/` on stderr.
pub fn run_binary(args: &[&str]) -> Binary {
    run_binary_with_env(args, &[])
}

/// As [`run_binary`], with these environment variables set (e.g.
/// `SECRET_KEY`).
pub fn run_binary_with_env(args: &[&str], env: &[(&str, &str)]) -> Binary {
    let mut child = Command::new(BIN)
        .args(["--host", "127.0.0.1", "--port", "0"])
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the goldfish binary");
    // A thread drains stderr into a channel, so the server never blocks on
    // a full pipe and the test can wait for lines with a timeout.
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut bin = Binary {
        child,
        addr: "127.0.0.1:1".parse().unwrap(),
        stderr: rx,
    };
    let banner = bin.wait_for_stderr(|l| l.contains("Serving on http://"));
    let addr = banner
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("cannot find the address in {banner:?}"));
    bin.addr = addr
        .parse()
        .unwrap_or_else(|e| panic!("bad address {addr:?} in {banner:?}: {e}"));
    bin
}

impl Binary {
    /// Skips stderr lines until one satisfies `want`, and returns it.
    pub fn wait_for_stderr(&mut self, want: impl Fn(&str) -> bool) -> String {
        let mut seen = Vec::new();
        let deadline = Instant::now() + READ_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr.recv_timeout(left) {
                Ok(line) if want(&line) => return line,
                Ok(line) => seen.push(line),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("the line we wait for is not on goldfish's stderr: {seen:#?}")
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("goldfish exited; its stderr: {seen:#?}")
                }
            }
        }
    }

    /// The stderr lines that arrive within `wait`.
    pub fn stderr_lines(&mut self, wait: Duration) -> Vec<String> {
        let deadline = Instant::now() + wait;
        let mut lines = Vec::new();
        while let Ok(line) = self
            .stderr
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            lines.push(line);
        }
        lines
    }

    pub fn connect(&self) -> Client {
        Client::connect(self.addr)
    }

    /// The server's process id (for `/proc/PID/status`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a program to its end (stdin closed), killing it after `limit`.
pub fn run_with_timeout(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    // Read both pipes on threads while we watch the clock.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_t = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_t = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {limit:?}");
        }
        thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: out_t.join().unwrap(),
        stderr: err_t.join().unwrap(),
    }
}

/// Whether a program is on the PATH. Tests that need curl or nc skip with a
/// note when it is missing, so `cargo test` passes on a fresh machine —
/// except under CI (`CI` is set), where a missing tool is a failure:
/// `.ci/run` installs them.
pub fn have(tool: &str) -> bool {
    let found = Command::new("bash")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is not installed, and CI must run every test (.ci/run installs it)"
        );
        eprintln!("SKIPPED: {tool} is not installed");
    }
    found
}

/// A Python that can import Flask: `$FLASK_PYTHON`, or `python3` if it can.
/// `.ci/run` makes a venv with `tests/flask/requirements.txt` and sets
/// `FLASK_PYTHON`; elsewhere a test without one is skipped with a note
/// (and fails under CI, where it must run).
pub fn flask_python() -> Option<String> {
    let candidates = [
        std::env::var("FLASK_PYTHON").ok(),
        Some("python3".to_string()),
    ];
    for python in candidates.into_iter().flatten() {
        let ok = Command::new(&python)
            .args(["-c", "import flask"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(python);
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "no Python with Flask, and CI must run this test (.ci/run sets FLASK_PYTHON)"
    );
    eprintln!(
        "SKIPPED: no Python with Flask (set FLASK_PYTHON, or pip install -r tests/flask/requirements.txt)"
    );
    None
}

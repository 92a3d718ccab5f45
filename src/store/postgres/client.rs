//! One connection to PostgreSQL: open it, log in, run statements. The I/O
//! half of the client; the bytes are made and read by the pure `wire.rs`.
//!
//! The life of a connection (PostgreSQL manual §55.2 "Message Flow"):
//!
//! 1. **Start-up.** Open TCP (or the Unix socket) and send the
//!    `StartupMessage`: protocol 3.0, `user`, `database`, and
//!    `client_encoding=UTF8` so every text goldfish reads is UTF-8.
//! 2. **Authentication.** The server answers with one `'R'` request:
//!    nothing (`trust`), the password (`password`), an MD5 answer (`md5`),
//!    or a SCRAM-SHA-256 exchange (`scram-sha-256`, see `scram.rs`), until
//!    `AuthenticationOk`. Then come `ParameterStatus` lines, `BackendKeyData`, and
//!    `ReadyForQuery`: the connection is ready.
//! 3. **Statements**, with the extended query protocol: Parse (once per
//!    connection: the statement stays prepared under its name), Bind (the
//!    values), Execute, Sync, all in one write; then read until
//!    `ReadyForQuery`. An `ErrorResponse` in between means the statement
//!    failed; the server skips to the Sync and still answers `ReadyForQuery`,
//!    so the connection stays usable.
//! 4. **`ReadyForQuery`'s state** is tracked: `I` (idle) is the only state a
//!    pooled connection may be in. goldfish never opens a transaction, so
//!    `T` or `E` means something is wrong, and the connection is closed.
//!
//! Every wait has a deadline (a deadline, not a per-read timeout, so a
//! server that trickles a byte a second cannot stretch it): [`Conn::open`]
//! gets `io_timeout` for the start-up, and SCRAM a fresh one after its
//! PBKDF2, so goldfish's own hashing (slow on purpose, slower still in a
//! debug build on a busy machine) is not mistaken for a silent server;
//! [`Conn::run`] gets one per statement.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use super::config::{PgConfig, PgHost};
use super::wire::{self, Backend, DbError, TxStatus, WireError, parse_backend};
use crate::http::Parsed;
use crate::store::trace::Trace;

mod login;

/// A TCP or Unix-socket stream.
enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Stream {
    fn set_timeouts(&self, read: Duration, write: Duration) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => {
                s.set_read_timeout(Some(read))?;
                s.set_write_timeout(Some(write))
            }
            Stream::Unix(s) => {
                s.set_read_timeout(Some(read))?;
                s.set_write_timeout(Some(write))
            }
        }
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.write_all(bytes),
            Stream::Unix(s) => s.write_all(bytes),
        }
    }
}

/// Why talking to the server failed. The store turns these into
/// [`StoreError`](crate::store::StoreError)s.
#[derive(Debug)]
pub enum ConnError {
    /// Connecting, reading or writing failed, or the deadline passed.
    Io(io::Error),
    /// Nothing could be connected to (no address, or every one refused).
    Connect(io::Error),
    /// The bytes are not protocol 3.0.
    Wire(WireError),
    /// A message that does not belong at this point of the conversation.
    OutOfStep(String),
    /// The server asks for a way of logging in goldfish cannot do.
    Unsupported(String),
    /// The login failed on goldfish's side (SCRAM said no).
    Login(String),
    /// The server answered `ErrorResponse`. `usable`: it was followed by
    /// `ReadyForQuery` `I`, so the connection may be pooled again.
    Db { error: Box<DbError>, usable: bool },
}

impl From<io::Error> for ConnError {
    fn from(e: io::Error) -> ConnError {
        ConnError::Io(e)
    }
}

impl From<WireError> for ConnError {
    fn from(e: WireError) -> ConnError {
        ConnError::Wire(e)
    }
}

/// A prepared statement: its name on every connection, and its SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement {
    pub name: &'static str,
    pub sql: &'static str,
}

/// What a statement returned: its rows (each column's text, `None` for
/// NULL) and its `CommandComplete` tag (`SELECT 1`, `DELETE 3`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub rows: Vec<Vec<Option<String>>>,
    pub tag: String,
}

impl Outcome {
    /// The number at the end of the tag: rows selected, inserted, deleted.
    #[must_use]
    pub fn count(&self) -> u64 {
        self.tag
            .rsplit(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }
}

/// One open, logged-in connection.
pub struct Conn {
    stream: Stream,
    /// Bytes read but not yet parsed.
    buf: Vec<u8>,
    /// Statements Parse'd on this connection (`ParseComplete` seen).
    prepared: Vec<&'static str>,
    /// The state of the last `ReadyForQuery`.
    status: TxStatus,
}

impl Conn {
    /// Steps 1 and 2: connect, start up, log in, wait for `ReadyForQuery`.
    ///
    /// # Errors
    /// [`ConnError`]: nothing listens, the deadline passed, the login was
    /// refused (`Db` with SQLSTATE 28P01, …) or could not be done.
    pub fn open(
        config: &PgConfig,
        connect_timeout: Duration,
        io_timeout: Duration,
        trace: &mut Trace,
    ) -> Result<Conn, ConnError> {
        let stream = match &config.host {
            PgHost::Tcp(host) => Stream::Tcp(connect_tcp(host, config.port, connect_timeout)?),
            PgHost::Unix(_) => {
                Stream::Unix(UnixStream::connect(config.socket_path()).map_err(ConnError::Connect)?)
            }
        };
        if let Stream::Tcp(s) = &stream {
            // Small messages, and we wait for each answer: send at once.
            let _ = s.set_nodelay(true);
        }
        let mut conn = Conn {
            stream,
            buf: Vec::new(),
            prepared: Vec::new(),
            status: TxStatus::Idle,
        };
        let params = [
            ("user", config.user.as_str()),
            ("database", config.database.as_str()),
            ("client_encoding", "UTF8"),
            ("application_name", "goldfish"),
        ];
        trace.sent(|| {
            let shown: Vec<String> = params.iter().map(|(n, v)| format!("{n}={v}")).collect();
            format!("StartupMessage: protocol 3.0, {}", shown.join(", "))
        });
        let mut deadline = Instant::now() + io_timeout;
        conn.send(&wire::startup(&params), deadline)?;
        conn.log_in(config, (&mut deadline, io_timeout), trace)?;
        // After AuthenticationOk: settings and the cancel key, then ready.
        let mut settings = 0;
        loop {
            match conn.next(deadline)? {
                Backend::ParameterStatus { name, value } => {
                    if name == "client_encoding" && value != "UTF8" {
                        return Err(ConnError::OutOfStep(format!(
                            "the server kept client_encoding={value}, not UTF8"
                        )));
                    }
                    settings += 1;
                }
                Backend::BackendKeyData { .. } | Backend::NoticeResponse(_) => {}
                Backend::NegotiateProtocolVersion { .. } => {}
                Backend::ReadyForQuery(status) => {
                    conn.status = status;
                    trace.got(|| {
                        format!(
                            "{settings} × ParameterStatus, BackendKeyData, ReadyForQuery: {status}"
                        )
                    });
                    return Ok(conn);
                }
                Backend::ErrorResponse(error) => {
                    return Err(ConnError::Db {
                        error: Box::new(error),
                        usable: false,
                    });
                }
                other => return Err(out_of_step("start-up", &other)),
            }
        }
    }

    /// Forgets which statements were prepared: they are Parse'd again on
    /// next use (after the server lost them, SQLSTATE 26000).
    pub fn forget_prepared(&mut self) {
        self.prepared.clear();
    }

    /// Whether the connection may go back to the pool: idle, not in a
    /// transaction.
    #[must_use]
    pub fn is_idle(&self) -> bool {
        self.status == TxStatus::Idle
    }

    /// Step 3: Parse (if this connection has not yet), Bind, Execute, Sync,
    /// in one write; then reads to `ReadyForQuery`. `params` are sent as text
    /// values, never spliced into the SQL.
    ///
    /// # Errors
    /// [`ConnError::Db`] if the server refused the statement (`usable`
    /// says if the connection survived); any other error means it did not.
    pub fn run(
        &mut self,
        statement: Statement,
        params: &[&str],
        deadline: Instant,
        trace: &mut Trace,
    ) -> Result<Outcome, ConnError> {
        let mut out = Vec::new();
        let parse = !self.prepared.contains(&statement.name);
        if parse {
            out.extend(wire::parse(statement.name, statement.sql, &[]));
            trace.sent(|| format!("Parse {}: {}", statement.name, statement.sql));
        }
        let values: Vec<Option<&[u8]>> = params.iter().map(|p| Some(p.as_bytes())).collect();
        out.extend(wire::bind("", statement.name, &values));
        out.extend(wire::execute("", 0));
        out.extend(wire::sync());
        trace.sent(|| {
            let mut line = format!("Bind {}", statement.name);
            for (i, p) in params.iter().enumerate() {
                line.push_str(&format!(
                    "{} ${} = '{p}'",
                    if i == 0 { ":" } else { "," },
                    i + 1
                ));
            }
            if !parse {
                line.push_str(&format!("  (prepared earlier: {})", statement.sql));
            }
            line + "; Execute; Sync"
        });
        self.send(&out, deadline)?;
        self.read_results(deadline, trace, |conn| conn.prepared.push(statement.name))
    }

    /// Runs fixed SQL with the simple query protocol (`'Q'`): for the
    /// `CREATE TABLE`, which carries no value from anyone.
    ///
    /// # Errors
    /// As [`run`](Self::run).
    pub fn simple_query(
        &mut self,
        sql: &str,
        deadline: Instant,
        trace: &mut Trace,
    ) -> Result<Outcome, ConnError> {
        trace.sent(|| format!("Query: {sql}"));
        self.send(&wire::query(sql), deadline)?;
        self.read_results(deadline, trace, |_| {})
    }

    /// Reads a statement's answers up to `ReadyForQuery`.
    fn read_results(
        &mut self,
        deadline: Instant,
        trace: &mut Trace,
        mut parsed: impl FnMut(&mut Conn),
    ) -> Result<Outcome, ConnError> {
        let mut outcome = Outcome {
            rows: Vec::new(),
            tag: String::new(),
        };
        let mut failed = None;
        loop {
            match self.next(deadline)? {
                Backend::ParseComplete => {
                    parsed(self);
                    trace.got(|| "ParseComplete".into());
                }
                Backend::BindComplete => trace.got(|| "BindComplete".into()),
                Backend::DataRow(columns) => {
                    let row: Vec<Option<String>> = columns
                        .into_iter()
                        .map(|c| c.map(|b| String::from_utf8_lossy(&b).into_owned()))
                        .collect();
                    trace.got(|| format!("DataRow: {}", show_row(&row)));
                    outcome.rows.push(row);
                }
                Backend::CommandComplete { tag } => {
                    trace.got(|| format!("CommandComplete: {tag}"));
                    outcome.tag = tag;
                }
                Backend::ErrorResponse(error) => {
                    trace.got(|| format!("ErrorResponse: {error}"));
                    // The server skips to our Sync; keep reading to ReadyForQuery.
                    failed.get_or_insert(error);
                }
                Backend::ReadyForQuery(status) => {
                    self.status = status;
                    trace.got(|| format!("ReadyForQuery: {status}"));
                    return match failed {
                        None => Ok(outcome),
                        Some(error) => Err(ConnError::Db {
                            error: Box::new(error),
                            usable: status == TxStatus::Idle,
                        }),
                    };
                }
                Backend::NoticeResponse(_)
                | Backend::ParameterStatus { .. }
                | Backend::NotificationResponse { .. }
                | Backend::RowDescription { .. }
                | Backend::NoData
                | Backend::EmptyQueryResponse => {}
                other => return Err(out_of_step("a statement", &other)),
            }
        }
    }

    /// Writes `bytes` before `deadline`.
    fn send(&mut self, bytes: &[u8], deadline: Instant) -> Result<(), ConnError> {
        let left = time_left(deadline)?;
        self.stream.set_timeouts(left, left)?;
        self.stream.write_all(bytes)?;
        Ok(())
    }

    /// The next message from the server, waiting at most until `deadline`.
    fn next(&mut self, deadline: Instant) -> Result<Backend, ConnError> {
        let mut chunk = [0u8; 8192];
        loop {
            if let Parsed::Complete { value, used } = parse_backend(&self.buf)? {
                self.buf.drain(..used);
                return Ok(value);
            }
            let left = time_left(deadline)?;
            self.stream.set_timeouts(left, left)?;
            let n = self.stream.read(&mut chunk)?;
            if n == 0 {
                return Err(io::Error::from(io::ErrorKind::UnexpectedEof).into());
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

impl Drop for Conn {
    /// Terminate, politely, so the server logs a clean disconnection.
    fn drop(&mut self) {
        let _ = self
            .stream
            .set_timeouts(Duration::from_millis(50), Duration::from_millis(50));
        let _ = self.stream.write_all(&wire::terminate());
    }
}

/// The time until `deadline`, or a `TimedOut` error if it has passed.
fn time_left(deadline: Instant) -> io::Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(io::Error::from(io::ErrorKind::TimedOut));
    }
    Ok(left)
}

/// Tries each address of `host` until one connects.
fn connect_tcp(host: &str, port: u16, timeout: Duration) -> Result<TcpStream, ConnError> {
    let addrs = (host, port).to_socket_addrs().map_err(ConnError::Connect)?;
    let mut last = io::Error::new(io::ErrorKind::NotFound, "the host has no address");
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = e,
        }
    }
    Err(ConnError::Connect(last))
}

fn out_of_step(during: &str, got: &Backend) -> ConnError {
    let mut shown = format!("{got:?}");
    shown.truncate(120);
    ConnError::OutOfStep(format!("during {during} the server sent {shown}"))
}

/// A row as the trace shows it: `'text'` or `NULL` per column.
fn show_row(row: &[Option<String>]) -> String {
    let cells: Vec<String> = row
        .iter()
        .map(|c| match c {
            Some(text) => format!("'{text}'"),
            None => "NULL".into(),
        })
        .collect();
    cells.join(", ")
}

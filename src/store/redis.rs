//! `redis://HOST:PORT`: sessions in Redis, shared by every server.
//!
//! This is the realistic layout: several goldfish processes, on one machine
//! or many, all reading and writing one Redis. Whichever process a visitor's
//! request reaches, it finds the same session.
//!
//! The client is small on purpose: four commands, one reply each.
//!
//! | operation | command | reply |
//! | --- | --- | --- |
//! | load | `GET goldfish:session:ID` | the JSON, or null |
//! | save | `SET goldfish:session:ID JSON EX SECONDS` | `+OK` (Redis expires the key itself) |
//! | a new session: first | `DBSIZE` | `:N`, keys in the database; at the cap, no `SET` |
//! | delete | `DEL goldfish:session:ID` | `:1` or `:0` |
//! | ping | `PING` | `+PONG` |
//!
//! ## The cap: `DBSIZE`
//! Redis cannot count the keys that start with a prefix without scanning
//! them all, but it knows how many keys the database holds (`DBSIZE`,
//! O(1)). So before it stores a *new* session, goldfish asks, and refuses
//! at `--max-sessions` keys: a flood of new sessions cannot grow the Redis
//! past that, give or take the requests served at that very moment (the
//! check and the `SET` are two commands; `bench/hostile.py` saw 10,001 keys
//! for a cap of 10,000 under four parallel flooders). Keys of other
//! applications in the same database count too, so give goldfish a Redis
//! (or a cap) of its own. Redis expires keys by itself: there is nothing to
//! sweep.
//!
//! ## Failure is normal: timeouts, reconnects, 503
//! A network store can be down, slow, or restarted under us. The rules:
//! - **Every wait is bounded.** Connecting may take [`CONNECT_TIMEOUT`]
//!   (300 ms); a whole command, send and reply, [`IO_TIMEOUT`] (1 s) — a
//!   deadline, not a per-read timeout, so a Redis that trickles one byte a
//!   second cannot stretch it. A dead Redis costs a worker at most ~1.3 s;
//!   a refused connection (nothing listening) fails at once.
//! - **Connections are pooled, the lock is not held on the network.** Up to
//!   [`MAX_IDLE`] open connections wait in a `Vec` behind a `Mutex`; a
//!   request pops one (or connects a new one), does its round trip with no
//!   lock held, and pushes it back. So requests for different sessions talk
//!   to Redis in parallel. The pool must be at least as big as the number
//!   of requests served at once: with 16 idle slots and 50 busy clients,
//!   one command in ten paid for a new TCP connection (measured with wrk
//!   and Redis's `INFO stats`); with 64, almost none do.
//! - **After a restart, reconnect.** A pooled connection to a Redis that
//!   has restarted is dead, and using it fails with a reset or an
//!   end-of-file. That one failure on a *reused* connection is retried once
//!   on a fresh connection (all four commands are idempotent). Any other
//!   failure is reported: the app answers 503 and the next request tries
//!   again, so goldfish recovers by itself the moment Redis is back.
//! - A connection that failed in any way, or got a reply out of step, is
//!   closed, never reused: its next bytes could belong to an old command.
//!
//! Left out: AUTH, TLS, SELECT, pipelining, RESP3, Sentinel and Cluster.
//! And one wait is *not* bounded: turning a host name into an address
//! (`ToSocketAddrs`, i.e. `getaddrinfo`) has no timeout in `std`, so give an
//! IP address, or a name in `/etc/hosts` such as `localhost`.
//! Production clients (redis-rs, Jedis, redis-py) have all of it; the round
//! trip at their heart is this one.

pub mod resp;

use std::io::{self, Read, Write as _};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use super::trace::escape;
use super::{
    DEFAULT_MAX_SESSIONS, Result, Save, SessionId, SessionStore, StoreConfig, StoreError, Trace,
    Write,
};
use super::{is_stale, is_timed_out};
use crate::http::Parsed;
use resp::{Reply, RespError, encode_command, parse_reply};

/// How long connecting may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_millis(300);

/// How long one command may take, from the first byte sent to the last
/// byte of the reply.
pub const IO_TIMEOUT: Duration = Duration::from_secs(1);

/// Open connections kept for reuse; more are closed after use. Redis
/// allows 10 000 clients by default, so this is cheap for it.
pub const MAX_IDLE: usize = 64;

/// Every key goldfish writes starts with this, so a shared Redis can hold
/// other applications' keys too.
pub const KEY_PREFIX: &str = "goldfish:session:";

/// Sessions in Redis. See the module docs.
pub struct RedisStore {
    host: String,
    port: u16,
    /// `redis://HOST:PORT`, for errors and messages.
    config: StoreConfig,
    /// Keys the database may hold before a new session is refused.
    cap: usize,
    connect_timeout: Duration,
    io_timeout: Duration,
    /// Idle connections, most recently used last. The lock is held only to
    /// push or pop, never across a network round trip.
    idle: Mutex<Vec<Connection>>,
}

/// One TCP connection to Redis, with its read buffer.
struct Connection {
    stream: TcpStream,
    buf: Vec<u8>,
}

/// Why a round trip failed.
enum TripError {
    /// The connection broke, or the deadline passed.
    Io(io::Error),
    /// The bytes were not RESP, or more came than one reply.
    Protocol(String),
}

impl From<io::Error> for TripError {
    fn from(e: io::Error) -> TripError {
        TripError::Io(e)
    }
}

impl From<RespError> for TripError {
    fn from(e: RespError) -> TripError {
        TripError::Protocol(e.to_string())
    }
}

impl Connection {
    /// Sends one command and reads its one reply, all within `timeout`.
    fn round_trip(&mut self, command: &[u8], timeout: Duration) -> Result<Reply, TripError> {
        let deadline = Instant::now() + timeout;
        self.stream.set_write_timeout(Some(timeout))?;
        self.stream.write_all(command)?;
        self.buf.clear();
        let mut chunk = [0u8; 4096];
        loop {
            if let Parsed::Complete { value, used } = parse_reply(&self.buf)? {
                if used != self.buf.len() {
                    return Err(TripError::Protocol(format!(
                        "{} bytes more than one reply arrived",
                        self.buf.len() - used
                    )));
                }
                return Ok(value);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::Error::from(io::ErrorKind::TimedOut).into());
            }
            self.stream.set_read_timeout(Some(left))?;
            let n = self.stream.read(&mut chunk)?;
            if n == 0 {
                return Err(io::Error::from(io::ErrorKind::UnexpectedEof).into());
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

impl RedisStore {
    /// A store for the Redis at `host:port`. Nothing is contacted yet.
    #[must_use]
    pub fn new(host: &str, port: u16) -> RedisStore {
        let config = StoreConfig::Redis {
            host: host.to_owned(),
            port,
        };
        RedisStore {
            host: host.to_owned(),
            port,
            config,
            cap: DEFAULT_MAX_SESSIONS,
            connect_timeout: CONNECT_TIMEOUT,
            io_timeout: IO_TIMEOUT,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// The same store with other timeouts (tests use short ones).
    #[must_use]
    pub fn with_timeouts(mut self, connect: Duration, io: Duration) -> RedisStore {
        self.connect_timeout = connect;
        self.io_timeout = io;
        self
    }

    /// The same store, refusing new sessions once the database holds `cap` keys.
    #[must_use]
    pub fn with_cap(mut self, cap: usize) -> RedisStore {
        self.cap = cap.max(1);
        self
    }

    /// How many idle connections wait in the pool.
    pub fn idle_connections(&self) -> usize {
        self.lock_idle().len()
    }

    fn lock_idle(&self) -> MutexGuard<'_, Vec<Connection>> {
        // The Vec is only pushed and popped under the lock: never half-changed.
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.lock_idle();
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
    }

    fn connect(&self) -> Result<Connection> {
        let addrs = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| self.unreachable(format!("cannot resolve the host {}: {e}", self.host)))?;
        let mut last = None;
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, self.connect_timeout) {
                Ok(stream) => {
                    // Commands are small and we wait for each reply: send at once.
                    let _ = stream.set_nodelay(true);
                    return Ok(Connection {
                        stream,
                        buf: Vec::new(),
                    });
                }
                Err(e) => last = Some(e),
            }
        }
        // Nothing answers: the idle connections are surely dead too.
        let dead = std::mem::take(&mut *self.lock_idle());
        drop(dead);
        Err(match last {
            Some(e) if e.kind() == io::ErrorKind::ConnectionRefused => self.unreachable(format!(
                "connection refused: nothing is listening on {}:{} (is redis-server running?)",
                self.host, self.port
            )),
            Some(e) if is_timed_out(&e) => self.unreachable(format!(
                "no connection within {} ms",
                self.connect_timeout.as_millis()
            )),
            Some(e) => self.unreachable(format!("cannot connect: {e}")),
            None => self.unreachable(format!("the host {} has no address", self.host)),
        })
    }

    fn unreachable(&self, reason: String) -> StoreError {
        StoreError::Unreachable {
            store: self.config.clone(),
            reason,
        }
    }

    fn trip_error(&self, e: TripError) -> StoreError {
        match e {
            TripError::Io(e) if is_timed_out(&e) => self.unreachable(format!(
                "no answer within {} ms (is Redis overloaded, or paused?)",
                self.io_timeout.as_millis()
            )),
            TripError::Io(e) if is_stale(&e) => {
                self.unreachable("Redis closed the connection (is it shutting down?)".into())
            }
            TripError::Io(e) => self.unreachable(e.to_string()),
            TripError::Protocol(detail) => self.bad_reply(detail),
        }
    }

    fn bad_reply(&self, detail: String) -> StoreError {
        StoreError::BadReply {
            store: self.config.clone(),
            detail,
        }
    }

    /// One command, one reply: from the pool if possible, retried once on a
    /// fresh connection if the pooled one turns out to be dead. The command
    /// and the reply go into `trace` as the bytes on the wire.
    fn call(&self, args: &[&[u8]], trace: &mut Trace) -> Result<Reply> {
        let command = encode_command(args);
        trace.sent(|| escape(&command));
        let pooled = self.lock_idle().pop();
        if let Some(mut conn) = pooled {
            match conn.round_trip(&command, self.io_timeout) {
                Ok(reply) => {
                    trace.got(|| escape(&conn.buf));
                    self.give_back(conn);
                    return self.refused(reply);
                }
                // Redis restarted, or dropped an idle client: try a new connection.
                Err(TripError::Io(e)) if is_stale(&e) => {
                    trace
                        .got(|| "(the pooled connection was dead: sent again on a new one)".into());
                }
                Err(e) => return Err(self.trip_error(e)),
            }
        }
        let mut conn = self.connect()?;
        match conn.round_trip(&command, self.io_timeout) {
            Ok(reply) => {
                trace.got(|| escape(&conn.buf));
                self.give_back(conn);
                self.refused(reply)
            }
            Err(e) => Err(self.trip_error(e)),
        }
    }

    /// An error reply (`-ERR …`) becomes a `StoreError`; the connection was
    /// fine, so it went back to the pool.
    fn refused(&self, reply: Reply) -> Result<Reply> {
        match reply {
            Reply::Error(message) => Err(self.bad_reply(format!("Redis said: {message}"))),
            other => Ok(other),
        }
    }

    fn key(id: &SessionId) -> String {
        format!("{KEY_PREFIX}{id}")
    }
}

impl SessionStore for RedisStore {
    fn config(&self) -> &StoreConfig {
        &self.config
    }

    fn location(&self, id: &SessionId) -> String {
        format!("the Redis key {} on {}", RedisStore::key(id), self.config)
    }

    fn load(&self, id: &SessionId, _now: SystemTime, trace: &mut Trace) -> Result<Option<String>> {
        match self.call(&[b"GET", RedisStore::key(id).as_bytes()], trace)? {
            Reply::Bulk(None) => Ok(None),
            Reply::Bulk(Some(bytes)) => match String::from_utf8(bytes) {
                Ok(json) => Ok(Some(json)),
                // Not something goldfish wrote: no session, as for a bad cookie.
                Err(_) => Ok(None),
            },
            other => Err(self.bad_reply(format!("GET answered {other:?}, not a bulk string"))),
        }
    }

    fn put(&self, save: Save<'_>, trace: &mut Trace) -> Result<()> {
        if save.write == Write::New {
            match self.call(&[b"DBSIZE"], trace)? {
                Reply::Integer(n) if usize::try_from(n).is_ok_and(|n| n >= self.cap) => {
                    return Err(StoreError::Full {
                        store: self.config.clone(),
                        cap: self.cap,
                    });
                }
                Reply::Integer(_) => {}
                other => {
                    return Err(
                        self.bad_reply(format!("DBSIZE answered {other:?}, not an integer"))
                    );
                }
            }
        }
        // Redis keeps its own clock: `EX` makes the key vanish after that
        // many seconds (at least 1; `EX 0` is an error).
        let seconds = save.ttl.as_secs().max(1).to_string();
        let key = RedisStore::key(save.id);
        match self.call(
            &[
                b"SET",
                key.as_bytes(),
                save.json.as_bytes(),
                b"EX",
                seconds.as_bytes(),
            ],
            trace,
        )? {
            Reply::Simple(ok) if ok == "OK" => Ok(()),
            other => Err(self.bad_reply(format!("SET answered {other:?}, not +OK"))),
        }
    }

    fn delete(&self, id: &SessionId, trace: &mut Trace) -> Result<()> {
        match self.call(&[b"DEL", RedisStore::key(id).as_bytes()], trace)? {
            Reply::Integer(_) => Ok(()),
            other => Err(self.bad_reply(format!("DEL answered {other:?}, not an integer"))),
        }
    }

    fn ping(&self) -> Result<()> {
        match self.call(&[b"PING"], &mut Trace::off())? {
            Reply::Simple(pong) if pong == "PONG" => Ok(()),
            other => Err(self.bad_reply(format!("PING answered {other:?}, not +PONG"))),
        }
    }
}

#[cfg(test)]
mod tests;

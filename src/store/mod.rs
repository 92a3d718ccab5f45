//! Server-side sessions: the cookie holds an id, the server holds the data.
//!
//! A signed cookie (`session/`) carries the whole dictionary to
//! the browser and back. A *server-side* session keeps the dictionary in a
//! **store** on the server and gives the browser only a random, meaningless
//! key, the session id, in an `HttpOnly` cookie named `sid`:
//!
//! ```text
//! Cookie: sid=Qm9vbS4uLiB0aGlzIGlzIG5vdCBhIHJlYWwgaWQgYXQgYWxs
//!                │
//!                └──> store: "Qm9v…" -> {"fav_color":"teal"}   (expires in 31 days)
//! ```
//!
//! That is what Flask-Session, Django's default session engine, PHP's
//! `$_SESSION` and Rails' `ActiveRecord::SessionStore` do.
//!
//! ## Theory of operation
//! 1. **Load, lazily.** The first time a handler touches the session, read
//!    the `sid` cookie. No cookie, a malformed id, or an id the store does
//!    not know: start an empty session *with no id yet*. The client's id is
//!    never adopted (see *session fixation* in [`crate::session::id`]). A known id: the
//!    store's JSON becomes the [`Session`](crate::session::Session) — the very same
//!    type, with the same modified/accessed tracking, as the signed session.
//! 2. **Save, only if modified,** at the end of the request. A session that
//!    got data but has no id gets a fresh one from `/dev/urandom`, and the
//!    response carries `Set-Cookie: sid=…`. A session emptied by `clear()`
//!    is deleted from the store.
//! 3. **Regenerate** when privilege changes (logging in): the data moves to
//!    a new id, the old entry is deleted, and a stolen or planted old id is
//!    worth nothing.
//! 4. Every entry has a **time to live** (the session lifetime), counted from
//!    its last save; the store forgets it after that.
//!
//! The steps live in [`ServerSession`](crate::session::ServerSession), which
//! is pure logic over the [`SessionStore`] trait; the app calls it from `Ctx`.
//! This folder holds the stores themselves: with `server/`, the only code
//! that opens sockets, and with `www` the only code that touches files.
//! Every store also writes what it sent and received into a [`Trace`],
//! which `/server-session` shows.
//!
//! ## Signed cookie or server-side store?
//! | | signed cookie | server-side store |
//! | --- | --- | --- |
//! | size | under 4 KB, sent with every request | as big as the store allows; only ~50 bytes travel |
//! | secrecy | anyone with the cookie reads the JSON | only the server reads it |
//! | revocation | valid until it expires, wherever a copy is | delete the entry: over, everywhere, now |
//! | cost | an HMAC per request, no shared state | a lookup per request, a store every server must share |
//! | many servers | just share `SECRET_KEY` | must share the store (memory cannot be shared) |
//!
//! ## The stores
//! - [`memory`]: a map in this process. Fast; dies with the process; each
//!   process has its own, so two servers behind a load balancer disagree.
//! - [`file`](mod@file): one file per session in a directory. Survives restarts;
//!   shared only by processes on one machine. Atomic writes (temp + rename).
//! - [`redis`]: a Redis server over TCP, speaking RESP2 ([`redis::resp`], a pure codec) with
//!   timeouts. Shared by every server that can reach it; the realistic one.
//! - [`postgres`]: a PostgreSQL table, over the frontend/backend protocol
//!   v3 ([`postgres::wire`], a pure codec), with SCRAM-SHA-256 login. Shared
//!   like Redis, and what the lecture means by "a relational database".
//!
//! A store's failure is a value, [`StoreError`], never a panic: the app
//! answers `503 Service Unavailable` with the error's sentence and
//! [`StoreError::advice`], and goes on serving everything else.
//!
//! ## Bounded, whoever asks
//! Anyone can make a new session: it takes one request. So every store has
//! a cap on sessions (`--max-sessions`, [`DEFAULT_MAX_SESSIONS`]), the app
//! limits how fast one client makes new ones ([`limit`]), and each store
//! sweeps out expired sessions on a thread of its own ([`sweeper`]), never
//! inside a visitor's request. At the cap, the memory store evicts
//! sessions nobody came back for before sessions in use; the other stores
//! refuse new sessions (`503`) and keep every existing one.
//!
//! ## What this module leaves out
//! Locking a session for the length of a request (PHP does; two parallel
//! requests of one visitor can lose an update here, as in Flask-Session),
//! encryption of data at rest, Redis AUTH/TLS/Sentinel/Cluster, and TLS to
//! PostgreSQL.

pub mod config;
pub mod error;
pub mod file;
pub mod limit;
pub mod memory;
pub mod postgres;
pub mod redis;
pub mod sweeper;
pub mod trace;

use std::io;
use std::time::{Duration, SystemTime};

pub use crate::session::SessionId;
pub use config::{ConfigError, REDIS_DEFAULT_PORT, StoreConfig};
pub use error::{DirProblem, StoreError};
pub use file::FileStore;
pub use memory::MemoryStore;
pub use postgres::PostgresStore;
pub use redis::RedisStore;
pub use trace::Trace;

/// The largest session JSON goldfish stores: what [`from_json`] will read
/// back (64 KiB). A cookie could hold 4 KB; a store could hold far more,
/// but a session that big is a bug, not a feature.
///
/// [`from_json`]: crate::session::from_json
pub const MAX_STORED_BYTES: usize = crate::session::json::MAX_JSON_BYTES;

/// Sessions a store holds at most, unless `--max-sessions` says otherwise.
/// At 64 KiB each at most, that bounds a store at 640 MiB.
pub const DEFAULT_MAX_SESSIONS: usize = 10_000;

/// What a store call gives back: a value, or the [`StoreError`] that says
/// why the store could not be asked (as [`std::io::Result`] is for I/O).
/// The second parameter is there for helpers that fail in other words.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What a save does to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// Adds a session: a first save, under a new id. The cap applies, and
    /// the session is *anonymous* until a request brings its id back.
    New,
    /// Changes a session a request brought the id of (an update, or the
    /// same data moved to a new id by `regenerate`): never refused for the
    /// cap, and the session is *in use*.
    Update,
}

/// One save, as a store receives it: what to keep, under which id, for how
/// long, and what it does to the store. [`SessionStore::save`] says it in a
/// row of arguments; every store's [`put`](SessionStore::put) gets this.
#[derive(Debug, Clone, Copy)]
pub struct Save<'a> {
    /// The session's id, already checked.
    pub id: &'a SessionId,
    /// The session's JSON text ([`Session::to_json`]).
    ///
    /// [`Session::to_json`]: crate::session::Session::to_json
    pub json: &'a str,
    /// How long to keep it, counted from `now`: the session lifetime.
    pub ttl: Duration,
    /// The time of the request. A store with its own clock (Redis,
    /// PostgreSQL) sends only `ttl`, and its server counts from its own now.
    pub now: SystemTime,
    /// Adds a session, or changes one a request brought back.
    pub write: Write,
}

/// Where server-side sessions are kept: the contract every store meets.
///
/// Values are the session's JSON text ([`Session::to_json`]); keys are
/// [`SessionId`]s, already checked. Time is passed in (`now`) so tests can
/// travel through it; a store with its own clock (Redis, PostgreSQL) may
/// ignore it. Every call writes what it sent and got into `trace`.
///
/// Implementations must be safe to call from many worker threads at once,
/// and must never panic on what they read back: a store's contents may have
/// been written by another version of goldfish, or by hand.
///
/// [`Session::to_json`]: crate::session::Session::to_json
pub trait SessionStore: Send + Sync {
    /// The store's configuration, as `--session-store` gave it.
    fn config(&self) -> &StoreConfig;

    /// The store as written on the command line (`memory`, `file:DIR`,
    /// `redis://HOST:PORT`, `postgres://USER@HOST:PORT/DB`: no password).
    fn name(&self) -> String {
        self.config().to_string()
    }

    /// Where the session `id` lives, in words, for the lesson page.
    fn location(&self, id: &SessionId) -> String;

    /// The JSON stored under `id`, or `None` if there is none (never
    /// stored, deleted, or expired at `now`).
    ///
    /// # Errors
    /// The store cannot be reached or read.
    fn load(&self, id: &SessionId, now: SystemTime, trace: &mut Trace) -> Result<Option<String>>;

    /// Stores `json` under `id` until `now + ttl`, replacing what was there:
    /// the [`Save`] of those five, handed to [`put`](Self::put).
    ///
    /// # Errors
    /// As for [`put`](Self::put).
    fn save(
        &self,
        id: &SessionId,
        json: &str,
        ttl: Duration,
        now: SystemTime,
        write: Write,
        trace: &mut Trace,
    ) -> Result<()> {
        self.put(
            Save {
                id,
                json,
                ttl,
                now,
                write,
            },
            trace,
        )
    }

    /// Carries out one [`Save`]: the part of a save each store does its
    /// own way.
    ///
    /// # Errors
    /// The store cannot be reached or written, or (for [`Write::New`]) it
    /// holds its cap of sessions: [`StoreError::Full`].
    fn put(&self, save: Save<'_>, trace: &mut Trace) -> Result<()>;

    /// Forgets `id`. Deleting what is not there is not an error.
    ///
    /// # Errors
    /// The store cannot be reached or written.
    fn delete(&self, id: &SessionId, trace: &mut Trace) -> Result<()>;

    /// Checks that the store answers (Redis: `PING`; PostgreSQL: logs in and
    /// creates the table; files: can create one).
    ///
    /// # Errors
    /// It does not.
    fn ping(&self) -> Result<()>;
}

/// For the network stores (Redis, PostgreSQL): errors that mean "this
/// pooled connection was already dead when we picked it", typically because
/// the server restarted, or closed it while it sat idle. Such a failure is
/// retried once on a fresh connection; any other is reported.
pub(crate) fn is_stale(e: &io::Error) -> bool {
    use io::ErrorKind::{
        BrokenPipe, ConnectionAborted, ConnectionReset, NotConnected, UnexpectedEof,
    };
    matches!(
        e.kind(),
        BrokenPipe | ConnectionReset | ConnectionAborted | UnexpectedEof | NotConnected
    )
}

/// For the network stores: errors that mean "the time allowed ran out". A
/// socket's read or write timeout (`set_read_timeout`) surfaces as
/// `WouldBlock` on Unix and `TimedOut` on Windows, and a connect timeout as
/// `TimedOut`: both mean the server did not answer in time.
pub(crate) fn is_timed_out(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

#[cfg(test)]
pub(crate) mod tests;

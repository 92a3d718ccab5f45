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
//!
//! A store's failure is a value, [`StoreError`], never a panic: the app
//! answers `503 Service Unavailable` with the error's sentence and
//! [`StoreError::advice`], and goes on serving everything else.
//!
//! ## What this module leaves out
//! Locking a session for the length of a request (PHP does; two parallel
//! requests of one visitor can lose an update here, as in Flask-Session),
//! encryption of data at rest, Redis AUTH/TLS/Sentinel/Cluster, and a
//! background reaper thread (stores sweep during saves instead).

pub mod file;
pub mod memory;
pub mod redis;

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

pub use crate::session::SessionId;
pub use file::FileStore;
pub use memory::MemoryStore;
pub use redis::RedisStore;

/// The largest session JSON goldfish stores: what [`from_json`] will read
/// back (64 KiB). A cookie could hold 4 KB; a store could hold far more,
/// but a session that big is a bug, not a feature.
///
/// [`from_json`]: crate::session::from_json
pub const MAX_STORED_BYTES: usize = crate::session::json::MAX_JSON_BYTES;

/// Where server-side sessions are kept: the contract every store meets.
///
/// Values are the session's JSON text ([`Session::to_json`]); keys are
/// [`SessionId`]s, already checked. Time is passed in (`now`) so tests can
/// travel through it; a store with its own clock (Redis) may ignore it.
///
/// Implementations must be safe to call from many worker threads at once,
/// and must never panic on what they read back: a store's contents may have
/// been written by another version of goldfish, or by hand.
///
/// [`Session::to_json`]: crate::session::Session::to_json
pub trait SessionStore: Send + Sync {
    /// The store as written on the command line: `memory`, `file:DIR`,
    /// `redis://HOST:PORT`.
    fn name(&self) -> &str;

    /// Where the session `id` lives, in words, for the lesson page.
    fn location(&self, id: &SessionId) -> String;

    /// The JSON stored under `id`, or `None` if there is none (never
    /// stored, deleted, or expired at `now`).
    ///
    /// # Errors
    /// The store cannot be reached or read.
    fn load(&self, id: &SessionId, now: SystemTime) -> Result<Option<String>, StoreError>;

    /// Stores `json` under `id` until `now + ttl`, replacing what was there.
    ///
    /// # Errors
    /// The store cannot be reached or written.
    fn save(
        &self,
        id: &SessionId,
        json: &str,
        ttl: Duration,
        now: SystemTime,
    ) -> Result<(), StoreError>;

    /// Forgets `id`. Deleting what is not there is not an error.
    ///
    /// # Errors
    /// The store cannot be reached or written.
    fn delete(&self, id: &SessionId) -> Result<(), StoreError>;

    /// Checks that the store answers (Redis: `PING`; files: can create one).
    ///
    /// # Errors
    /// It does not.
    fn ping(&self) -> Result<(), StoreError>;
}

/// `--session-store memory|file:DIR|redis://HOST:PORT`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum StoreConfig {
    /// In this process's memory (the default).
    #[default]
    Memory,
    /// One file per session in this directory.
    File(PathBuf),
    /// A Redis server.
    Redis { host: String, port: u16 },
}

/// Redis's well-known port, used when `redis://HOST` names none.
pub const REDIS_DEFAULT_PORT: u16 = 6379;

impl StoreConfig {
    /// Reads the value of `--session-store`.
    ///
    /// # Errors
    /// A sentence saying what was expected, for the command line.
    ///
    /// # Examples
    /// ```
    /// use goldfish::store::StoreConfig;
    /// assert_eq!(StoreConfig::parse("memory"), Ok(StoreConfig::Memory));
    /// assert_eq!(
    ///     StoreConfig::parse("redis://127.0.0.1:6380"),
    ///     Ok(StoreConfig::Redis { host: "127.0.0.1".into(), port: 6380 })
    /// );
    /// assert!(StoreConfig::parse("postgres://db").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<StoreConfig, String> {
        let expected = "--session-store must be memory, file:DIR or redis://HOST:PORT";
        if text == "memory" {
            return Ok(StoreConfig::Memory);
        }
        if let Some(dir) = text.strip_prefix("file:") {
            if dir.is_empty() {
                return Err(format!(
                    "{expected}: file: needs a directory, e.g. file:/tmp/goldfish-sessions"
                ));
            }
            return Ok(StoreConfig::File(PathBuf::from(dir)));
        }
        let Some(rest) = text.strip_prefix("redis://") else {
            return Err(format!("{expected}, not {text:?}"));
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['@', '/', '?', '#']) {
            return Err(format!(
                "{expected}: goldfish's Redis client speaks no AUTH, TLS or database \
                 numbers; give just the host and port, not {text:?}"
            ));
        }
        // `[::1]:6379` (RFC 3986 §3.2.2 brackets), `host:6379`, or `host`.
        let (host, port) = match rest.strip_prefix('[') {
            Some(v6) => match v6.split_once(']') {
                Some((h, "")) => (h, None),
                Some((h, p)) => match p.strip_prefix(':') {
                    Some(p) => (h, Some(p)),
                    None => return Err(format!("{expected}, not {text:?}")),
                },
                None => {
                    return Err(format!(
                        "{expected}: an IPv6 address needs its ], not {text:?}"
                    ));
                }
            },
            None => match rest.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (rest, None),
            },
        };
        if host.is_empty() {
            return Err(format!("{expected}: the host is missing in {text:?}"));
        }
        let port = match port {
            None => REDIS_DEFAULT_PORT,
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 => n,
                _ => {
                    return Err(format!(
                        "{expected}: the port must be 1 to 65535, not {p:?}"
                    ));
                }
            },
        };
        Ok(StoreConfig::Redis {
            host: host.to_owned(),
            port,
        })
    }

    /// Builds the store. Redis is not contacted yet (it may start later);
    /// a directory is created if missing.
    ///
    /// # Errors
    /// The file store's directory cannot be created.
    pub fn open(&self) -> Result<Box<dyn SessionStore>, StoreError> {
        Ok(match self {
            StoreConfig::Memory => Box::new(MemoryStore::new()),
            StoreConfig::File(dir) => Box::new(FileStore::open(dir)?),
            StoreConfig::Redis { host, port } => Box::new(RedisStore::new(host, *port)),
        })
    }
}

impl fmt::Display for StoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreConfig::Memory => f.write_str("memory"),
            StoreConfig::File(dir) => write!(f, "file:{}", dir.display()),
            StoreConfig::Redis { host, port } if host.contains(':') => {
                write!(f, "redis://[{host}]:{port}")
            }
            StoreConfig::Redis { host, port } => write!(f, "redis://{host}:{port}"),
        }
    }
}

/// A store could not do its job. Each variant names the store, so a
/// learner knows *which* piece of the system is down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// Could not connect, the connection broke, or no answer in time.
    Unreachable { store: String, reason: String },
    /// It answered, but not as Redis answers goldfish's commands.
    BadReply { store: String, detail: String },
    /// A file operation failed.
    File {
        store: String,
        action: &'static str,
        path: PathBuf,
        reason: String,
    },
    /// `/dev/urandom` could not be read, so no session id can be made.
    Randomness { reason: String },
}

impl StoreError {
    /// For `map_err` on [`SessionId::generate`].
    pub fn randomness(e: io::Error) -> StoreError {
        StoreError::Randomness {
            reason: e.to_string(),
        }
    }

    /// What an operator (or a learner) can do about it.
    pub fn advice(&self) -> String {
        match self {
            StoreError::Unreachable { store, .. } => match store.strip_prefix("redis://") {
                Some(addr) => {
                    let port = addr.rsplit(':').next().unwrap_or("6379");
                    format!(
                        "Start Redis (for example: redis-server --port {port}), or restart goldfish \
                         with --session-store memory. goldfish reconnects by itself as soon as \
                         Redis answers again; nothing else needs restarting."
                    )
                }
                None => "Check that the store is running and reachable from this machine.".into(),
            },
            StoreError::BadReply { store, .. } => format!(
                "Check that {} is a Redis server that needs no password: goldfish's small client \
                 sends no AUTH and speaks no TLS.",
                store.strip_prefix("redis://").unwrap_or(store)
            ),
            StoreError::File { path, .. } => format!(
                "Check that {} exists, is writable by the user running goldfish, and that the \
                 disk is not full.",
                path.parent().unwrap_or(path).display()
            ),
            StoreError::Randomness { .. } => {
                "goldfish needs /dev/urandom to make session ids; check that it exists.".into()
            }
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Unreachable { store, reason } => {
                write!(f, "the session store {store} is unreachable: {reason}")
            }
            StoreError::BadReply { store, detail } => {
                write!(
                    f,
                    "the session store {store} gave an unexpected answer: {detail}"
                )
            }
            StoreError::File {
                store,
                action,
                path,
                reason,
            } => write!(
                f,
                "the session store {store} could not {action} {}: {reason}",
                path.display()
            ),
            StoreError::Randomness { reason } => {
                write!(f, "cannot read /dev/urandom to make a session id: {reason}")
            }
        }
    }
}

impl std::error::Error for StoreError {}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A fresh random id.
    pub(crate) fn id() -> SessionId {
        SessionId::generate().expect("/dev/urandom")
    }

    /// What every store must do: the same checks, run against each.
    pub(crate) fn round_trip_and_expiry(store: &dyn SessionStore) {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000);
        let ttl = Duration::from_secs(60);
        let (a, b) = (id(), id());

        // Never stored: none.
        assert_eq!(store.load(&a, t0), Ok(None), "{}: unknown id", store.name());
        // Round trip, byte for byte (non-ASCII escaped as Flask does, and raw).
        let json = r#"{"fav_color":"Zo\u00eb","n":[1,2.5,null],"raw":"zoë"}"#;
        store.save(&a, json, ttl, t0).unwrap();
        assert_eq!(
            store.load(&a, t0).unwrap().as_deref(),
            Some(json),
            "{}",
            store.name()
        );
        // Keys do not mix.
        assert_eq!(store.load(&b, t0), Ok(None), "{}: other id", store.name());
        // Saving again replaces, and restarts the clock.
        let later = t0 + Duration::from_secs(50);
        store.save(&a, r#"{"v":2}"#, ttl, later).unwrap();
        let still = t0 + Duration::from_secs(100);
        assert_eq!(
            store.load(&a, still).unwrap().as_deref(),
            Some(r#"{"v":2}"#),
            "{}",
            store.name()
        );
        // Expired: gone.
        let expired = later + ttl + Duration::from_secs(1);
        assert_eq!(
            store.load(&a, expired),
            Ok(None),
            "{}: expired",
            store.name()
        );
        // Delete, and deleting twice is fine.
        store.save(&b, "{}", ttl, t0).unwrap();
        store.delete(&b).unwrap();
        store.delete(&b).unwrap();
        assert_eq!(store.load(&b, t0), Ok(None), "{}: deleted", store.name());
        store.ping().unwrap();
    }

    #[test]
    fn the_flag_is_read() {
        let redis = |h: &str, p| StoreConfig::Redis {
            host: h.into(),
            port: p,
        };
        let cases: &[(&str, Result<StoreConfig, &str>)] = &[
            ("memory", Ok(StoreConfig::Memory)),
            ("file:/tmp/s", Ok(StoreConfig::File("/tmp/s".into()))),
            (
                "file:relative/dir",
                Ok(StoreConfig::File("relative/dir".into())),
            ),
            ("redis://127.0.0.1:6380", Ok(redis("127.0.0.1", 6380))),
            ("redis://localhost", Ok(redis("localhost", 6379))),
            ("redis://localhost/", Ok(redis("localhost", 6379))),
            ("redis://[::1]:7000", Ok(redis("::1", 7000))),
            ("redis://[::1]", Ok(redis("::1", 6379))),
            // Mistakes, each with its sentence.
            (
                "",
                Err("--session-store must be memory, file:DIR or redis://HOST:PORT, not \"\""),
            ),
            (
                "Memory",
                Err(
                    "--session-store must be memory, file:DIR or redis://HOST:PORT, not \"Memory\"",
                ),
            ),
            (
                "file:",
                Err(
                    "--session-store must be memory, file:DIR or redis://HOST:PORT: file: needs a directory, e.g. file:/tmp/goldfish-sessions",
                ),
            ),
            (
                "redis://",
                Err(
                    "--session-store must be memory, file:DIR or redis://HOST:PORT: the host is missing in \"redis://\"",
                ),
            ),
            (
                "redis://:6379",
                Err(
                    "--session-store must be memory, file:DIR or redis://HOST:PORT: the host is missing in \"redis://:6379\"",
                ),
            ),
            (
                "redis://h:0",
                Err(
                    "--session-store must be memory, file:DIR or redis://HOST:PORT: the port must be 1 to 65535, not \"0\"",
                ),
            ),
            (
                "redis://h:redis",
                Err(
                    "--session-store must be memory, file:DIR or redis://HOST:PORT: the port must be 1 to 65535, not \"redis\"",
                ),
            ),
            (
                "redis://user:pw@h:6379",
                Err(
                    "--session-store must be memory, file:DIR or redis://HOST:PORT: goldfish's Redis client speaks no AUTH, TLS or database numbers; give just the host and port, not \"redis://user:pw@h:6379\"",
                ),
            ),
            (
                "redis://h:6379/2",
                Err(
                    "--session-store must be memory, file:DIR or redis://HOST:PORT: goldfish's Redis client speaks no AUTH, TLS or database numbers; give just the host and port, not \"redis://h:6379/2\"",
                ),
            ),
            (
                "rediss://h:6379",
                Err(
                    "--session-store must be memory, file:DIR or redis://HOST:PORT, not \"rediss://h:6379\"",
                ),
            ),
        ];
        for (text, want) in cases {
            let got = StoreConfig::parse(text);
            let want = want.clone().map_err(str::to_string);
            assert_eq!(got, want, "StoreConfig::parse({text:?})");
        }
    }

    #[test]
    fn the_flag_round_trips_through_display() {
        for text in [
            "memory",
            "file:/tmp/s",
            "redis://127.0.0.1:6380",
            "redis://[::1]:7000",
        ] {
            let config = StoreConfig::parse(text).unwrap();
            assert_eq!(config.to_string(), text);
        }
    }

    #[test]
    fn errors_name_the_store_and_say_what_to_do() {
        let e = StoreError::Unreachable {
            store: "redis://127.0.0.1:6390".into(),
            reason: "Connection refused (os error 111)".into(),
        };
        assert_eq!(
            e.to_string(),
            "the session store redis://127.0.0.1:6390 is unreachable: Connection refused (os error 111)"
        );
        assert!(
            e.advice()
                .starts_with("Start Redis (for example: redis-server --port 6390)"),
            "{}",
            e.advice()
        );
        let e = StoreError::File {
            store: "file:/srv/s".into(),
            action: "write",
            path: "/srv/s/.tmp-x".into(),
            reason: "No space left on device (os error 28)".into(),
        };
        assert_eq!(
            e.to_string(),
            "the session store file:/srv/s could not write /srv/s/.tmp-x: No space left on device (os error 28)"
        );
        assert!(e.advice().contains("/srv/s exists"), "{}", e.advice());
    }
}

//! `postgres://USER:PASSWORD@HOST:PORT/DB`: sessions in a table, as the
//! lecture says ("often, in a relational database").
//!
//! What Django's default session engine and Flask-Session's SQLAlchemy
//! interface do. Like Redis, the database is shared by every server that
//! can reach it; unlike Redis, the sessions sit in a table that anyone with
//! `psql` can query, join and back up.
//!
//! ## The table is the lesson
//! Created on first use (`CREATE TABLE IF NOT EXISTS`, see [`SCHEMA`]):
//!
//! ```sql
//! CREATE TABLE goldfish_sessions (
//!     id         text        PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{43}$'),
//!     data       json        NOT NULL,
//!     expires_at timestamptz NOT NULL
//! );
//! CREATE INDEX goldfish_sessions_expires_at ON goldfish_sessions (expires_at);
//! ```
//!
//! Why each choice:
//! - **`id text PRIMARY KEY`**: every request looks a session up by its id,
//!   so the id is the key, and its unique B-tree index makes the lookup one
//!   index probe. The `CHECK` repeats [`SessionId`]'s rule in the database
//!   itself: nothing but a 43-character base64url id can ever be a key,
//!   whatever a bug upstream lets through.
//! - **`data json`, not `jsonb`**: `jsonb` stores a parsed tree and gives
//!   back its own rewriting (keys sorted by length, spaces added, duplicate
//!   keys dropped, `\u00eb` turned into `ë`, and `\u0000` refused), so the
//!   session read back would not be the bytes goldfish wrote. `json` keeps
//!   the text exactly, and still refuses what is not JSON, and `psql` can
//!   still reach inside it (`data->>'fav_color'`). `jsonb` is the better
//!   type for data you *query*; a session is data you give back whole.
//!   The price of a typed column: a session holding Python's `NaN` or
//!   `Infinity` (which Python's json writes, and RFC 8259 §6 forbids) is
//!   refused, SQLSTATE 22P02, and that save answers 503. No lesson stores one.
//! - **`expires_at timestamptz`**: an instant, not a wall-clock reading, so
//!   servers in different time zones agree on it. Every expiry is decided by
//!   the database's clock (`now()`), never goldfish's: with several servers
//!   sharing the table, one clock rules, as Redis's own clock rules `EX`.
//! - **an index on `expires_at`**: the sweep, `DELETE … WHERE expires_at <
//!   now()`, and the cap's count read only the rows they need instead of the
//!   whole table.
//! - **a logged table**, not `UNLOGGED`: unlogged tables skip the
//!   write-ahead log (faster writes), but are emptied after a crash. Sessions
//!   are worth keeping across a crash here: the two-server tests kill the
//!   database with SIGKILL and expect the session back.
//!
//! ## The statements
//! Every statement that carries an id or session data uses the *extended*
//! query protocol: the SQL with `$1, $2` placeholders goes in a Parse
//! message, once per connection; the values go in a Bind message, each in
//! its own length-prefixed field. The server never reads a value as SQL, so
//! a `sid` cookie or a colour full of quotes and semicolons is just a
//! string: SQL injection has no way in. (The one simple `Query` message is
//! the fixed `CREATE TABLE`.)
//!
//! | operation | statement |
//! | --- | --- |
//! | load | [`LOAD`]: `SELECT data … WHERE id = $1 AND expires_at > now()` |
//! | save, new | [`CREATE`]: `INSERT … SELECT … WHERE (SELECT count(*) …) < $4` (the cap; requests inserting at the same instant each see the count before the others, so it may be passed by as many) |
//! | save | [`SAVE`]: `INSERT … ON CONFLICT (id) DO UPDATE …` (an "upsert") |
//! | delete | [`DELETE`]: `DELETE … WHERE id = $1` |
//! | sweep, every minute, on its own thread | [`SWEEP`]: `DELETE … WHERE expires_at < now()` |
//!
//! ## Failure is normal: exactly as the Redis store
//! - **Every wait is bounded**: connecting takes at most [`CONNECT_TIMEOUT`]
//!   (300 ms), logging in and each statement at most [`IO_TIMEOUT`] (1 s),
//!   as deadlines. A paused database costs a request about a second, then 503.
//! - **A pool of at most [`POOL_SIZE`] connections.** A PostgreSQL
//!   connection is a whole server process (several MB, and
//!   `max_connections` is 100 by default), not a cheap Redis client; so the
//!   pool is bounded, and a request waits (within its deadline) for a free
//!   connection rather than open the 17th. The lock is never held across a
//!   round trip.
//! - **After a restart, reconnect**: a pooled connection the server closed
//!   (or killed) fails with an end-of-file or a reset; that one failure is
//!   retried once on a fresh connection. Anything else is a 503, and the
//!   next request tries again: goldfish recovers by itself.
//! - A connection that failed in any way, or ended up in a transaction
//!   (`ReadyForQuery` not `I`), is closed, never reused.
//! - An error the server sends (`ErrorResponse`) becomes a sentence with its
//!   SQLSTATE code, and [`StoreError::advice`] says what to do about the
//!   common ones (wrong password, no such database, no privilege).
//!
//! Left out: TLS (`std` has none; `sslmode=require` is refused, see
//! [`config`]), GSSAPI/SSPI/Kerberos logins, SASLprep for non-ASCII
//! passwords, `LISTEN/NOTIFY`, cancelling a running statement, and host
//! names that resolve slowly (`getaddrinfo` has no timeout in `std`).

pub mod client;
pub mod config;
pub mod md5;
pub mod pool;
pub mod scram;
pub mod sql;
pub mod wire;

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use super::sweeper::{SWEEP_EVERY, Sweeper};
use super::{
    Result, Save, SessionId, SessionStore, StoreConfig, StoreError, Trace, Write, is_stale,
    is_timed_out,
};
use client::{Conn, ConnError, Outcome, Statement};
use config::{PgConfig, PgHost};
use pool::{Checkout, Pool};
use sql::PING;
pub use sql::{CREATE, DELETE, LOAD, SAVE, SCHEMA, SWEEP};

/// How long connecting may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_millis(300);

/// How long logging in, or one statement, may take.
pub const IO_TIMEOUT: Duration = Duration::from_secs(1);

/// Connections open at most, per goldfish process.
pub const POOL_SIZE: usize = 16;

/// Sessions in a PostgreSQL table. See the module docs.
pub struct PostgresStore {
    shared: Arc<Shared>,
    /// Runs [`SWEEP`] once a minute; stops when the store is dropped.
    _sweeper: Sweeper,
}

/// What the store and its sweeper thread share.
struct Shared {
    pg: PgConfig,
    /// `postgres://USER@HOST:PORT/DB`, for errors and `name()`.
    config: StoreConfig,
    /// Live sessions the table may hold before a new one is refused.
    cap: usize,
    connect_timeout: Duration,
    io_timeout: Duration,
    pool: Pool,
    /// The table has been created (or found) since goldfish started.
    schema_ready: AtomicBool,
}

impl PostgresStore {
    /// A store for the database `pg` names, holding at most `cap` live
    /// sessions. Nothing is contacted yet.
    #[must_use]
    pub fn new(pg: PgConfig, cap: usize) -> PostgresStore {
        PostgresStore::with_timeouts(pg, cap, CONNECT_TIMEOUT, IO_TIMEOUT)
    }

    /// The same, with other timeouts (tests use short ones).
    #[must_use]
    pub fn with_timeouts(
        pg: PgConfig,
        cap: usize,
        connect: Duration,
        io: Duration,
    ) -> PostgresStore {
        let config = StoreConfig::Postgres(Box::new(pg.clone()));
        let shared = Arc::new(Shared {
            config,
            pg,
            cap: cap.max(1),
            connect_timeout: connect,
            io_timeout: io,
            pool: Pool::new(POOL_SIZE),
            schema_ready: AtomicBool::new(false),
        });
        let swept = Arc::clone(&shared);
        let sweeper = Sweeper::spawn("goldfish-sweep-postgres", SWEEP_EVERY, move || {
            // A database that is down now is swept next minute.
            let _ = swept.sweep();
        });
        PostgresStore {
            shared,
            _sweeper: sweeper,
        }
    }

    /// Deletes every expired session now; returns how many went. (The
    /// sweeper thread does this every minute.)
    ///
    /// # Errors
    /// The database cannot be reached, or refused.
    pub fn sweep(&self) -> Result<u64> {
        self.shared.sweep()
    }

    /// Connections open now (idle or in use).
    #[must_use]
    pub fn open_connections(&self) -> usize {
        self.shared.pool.open()
    }
}

impl Shared {
    fn sweep(&self) -> Result<u64> {
        Ok(self.call(SWEEP, &[], &mut Trace::off())?.count())
    }

    /// A connection: an idle one (`fresh: false`), or a new one if fewer
    /// than [`POOL_SIZE`] exist, or the next one returned before `deadline`.
    fn checkout(&self, deadline: Instant, trace: &mut Trace) -> Result<(Conn, bool)> {
        match self.pool.checkout(deadline) {
            Checkout::Idle(conn) => Ok((conn, false)),
            Checkout::Open => {
                match Conn::open(&self.pg, self.connect_timeout, self.io_timeout, trace) {
                    Ok(conn) => Ok((conn, true)),
                    Err(e) => {
                        self.pool.closed();
                        if matches!(e, ConnError::Connect(_)) {
                            self.pool.drop_idle();
                        }
                        Err(self.error(e))
                    }
                }
            }
            Checkout::Busy => Err(self.unreachable(format!(
                "all {POOL_SIZE} connections stayed busy for {} ms (is PostgreSQL slow, or \
                 paused?)",
                self.io_timeout.as_millis()
            ))),
        }
    }

    /// One statement: on a pooled connection if possible, retried once on a
    /// fresh one if the pooled one was dead; the table created first if
    /// this process has not yet.
    fn call(&self, statement: Statement, params: &[&str], trace: &mut Trace) -> Result<Outcome> {
        let mut retried = false;
        loop {
            let (mut conn, fresh) = self.checkout(Instant::now() + self.io_timeout, trace)?;
            // A statement's own second, whatever waiting for a connection took.
            let deadline = Instant::now() + self.io_timeout;
            let result = self
                .ensure_schema(&mut conn, deadline, trace)
                .and_then(|()| conn.run(statement, params, deadline, trace));
            match result {
                Ok(outcome) => {
                    self.pool.checkin(conn);
                    return Ok(outcome);
                }
                Err(ConnError::Db { error, usable }) => {
                    // 42P01 undefined_table: someone dropped the table; create
                    // it again (prepared statements re-plan by themselves).
                    // 26000: the server forgot a prepared statement; Parse again.
                    let again = matches!(error.code.as_str(), "42P01" | "26000") && !retried;
                    if again && error.code == "42P01" {
                        self.schema_ready.store(false, Ordering::Relaxed);
                    }
                    if again && error.code == "26000" {
                        conn.forget_prepared();
                    }
                    if usable {
                        self.pool.checkin(conn);
                    } else {
                        drop(conn);
                        self.pool.closed();
                    }
                    if again {
                        retried = true;
                        continue;
                    }
                    return Err(StoreError::Refused {
                        store: self.config.clone(),
                        error,
                    });
                }
                Err(ConnError::Io(e)) if is_stale(&e) && !fresh && !retried => {
                    // PostgreSQL restarted, or dropped an idle client: a new connection.
                    trace
                        .got(|| "(the pooled connection was dead: sent again on a new one)".into());
                    drop(conn);
                    self.pool.closed();
                    retried = true;
                }
                Err(e) => {
                    drop(conn);
                    self.pool.closed();
                    return Err(self.error(e));
                }
            }
        }
    }

    /// The first statement of this process creates the table (see [`SCHEMA`]).
    fn ensure_schema(
        &self,
        conn: &mut Conn,
        deadline: Instant,
        trace: &mut Trace,
    ) -> Result<(), ConnError> {
        if self.schema_ready.load(Ordering::Relaxed) {
            return Ok(());
        }
        match conn.simple_query(SCHEMA, deadline, trace) {
            // 42P07 duplicate_table, 23505 unique_violation: another server
            // created it at the same moment (CREATE … IF NOT EXISTS can race).
            Err(ConnError::Db {
                error,
                usable: true,
            }) if matches!(error.code.as_str(), "42P07" | "23505") => {}
            Err(e) => return Err(e),
            Ok(_) => {}
        }
        self.schema_ready.store(true, Ordering::Relaxed);
        Ok(())
    }

    fn unreachable(&self, reason: String) -> StoreError {
        StoreError::Unreachable {
            store: self.config.clone(),
            reason,
        }
    }

    fn bad_reply(&self, detail: String) -> StoreError {
        StoreError::BadReply {
            store: self.config.clone(),
            detail,
        }
    }

    /// A client failure, in the store's words.
    fn error(&self, e: ConnError) -> StoreError {
        let address = self.pg.address();
        match e {
            ConnError::Connect(e) if is_timed_out(&e) => self.unreachable(format!(
                "no connection within {} ms",
                self.connect_timeout.as_millis()
            )),
            ConnError::Connect(e) => self.unreachable(match e.kind() {
                io::ErrorKind::ConnectionRefused => format!(
                    "connection refused: nothing is listening on {address} (is PostgreSQL running?)"
                ),
                io::ErrorKind::NotFound if matches!(self.pg.host, PgHost::Unix(_)) => format!(
                    "there is no socket {address} (is PostgreSQL running, with that directory in \
                     unix_socket_directories?)"
                ),
                _ => format!("cannot connect to {address}: {e}"),
            }),
            ConnError::Io(e) if is_timed_out(&e) => self.unreachable(format!(
                "no answer within {} ms (is PostgreSQL overloaded, or paused?)",
                self.io_timeout.as_millis()
            )),
            ConnError::Io(e) if is_stale(&e) => self.unreachable(
                "PostgreSQL closed the connection (is it restarting, or shutting down?)".into(),
            ),
            ConnError::Io(e) => self.unreachable(e.to_string()),
            ConnError::Wire(e) => self.bad_reply(e.to_string()),
            ConnError::OutOfStep(detail) | ConnError::Login(detail) => self.bad_reply(detail),
            ConnError::Unsupported(what) => self.bad_reply(format!(
                "the server asks for a way of logging in that goldfish does not speak: {what}"
            )),
            ConnError::Db { error, .. } => StoreError::Refused {
                store: self.config.clone(),
                error,
            },
        }
    }
}

impl SessionStore for PostgresStore {
    fn config(&self) -> &StoreConfig {
        &self.shared.config
    }

    fn location(&self, id: &SessionId) -> String {
        format!(
            "the row of the table goldfish_sessions whose id is '{id}', in the database {} on {}",
            self.shared.pg.database,
            self.shared.pg.address()
        )
    }

    fn load(&self, id: &SessionId, _now: SystemTime, trace: &mut Trace) -> Result<Option<String>> {
        let outcome = self.shared.call(LOAD, &[id.as_str()], trace)?;
        match outcome.rows.into_iter().next() {
            None => Ok(None),
            Some(mut row) if row.len() == 1 => Ok(row.pop().flatten()),
            Some(row) => Err(self.shared.bad_reply(format!(
                "{} answered a row of {} columns, not 1",
                LOAD.name,
                row.len()
            ))),
        }
    }

    fn put(&self, save: Save<'_>, trace: &mut Trace) -> Result<()> {
        // The database's clock decides expiry: goldfish sends only how long.
        let seconds = save.ttl.as_secs().clamp(1, i32::MAX as u64).to_string();
        match save.write {
            Write::New => {
                let cap = self.shared.cap.to_string();
                let outcome = self.shared.call(
                    CREATE,
                    &[save.id.as_str(), save.json, &seconds, &cap],
                    trace,
                )?;
                if outcome.count() == 0 {
                    return Err(StoreError::Full {
                        store: self.shared.config.clone(),
                        cap: self.shared.cap,
                    });
                }
            }
            Write::Update => {
                self.shared
                    .call(SAVE, &[save.id.as_str(), save.json, &seconds], trace)?;
            }
        }
        Ok(())
    }

    fn delete(&self, id: &SessionId, trace: &mut Trace) -> Result<()> {
        self.shared.call(DELETE, &[id.as_str()], trace).map(|_| ())
    }

    fn ping(&self) -> Result<()> {
        self.shared.call(PING, &[], &mut Trace::off()).map(|_| ())
    }
}

#[cfg(test)]
mod tests;

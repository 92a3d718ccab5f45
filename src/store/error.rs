//! `StoreError`: a store could not do its job, in words, with advice.
//!
//! Every variant carries the [`StoreConfig`] of the store that failed, so
//! the sentence names *which* piece of the system is down, and
//! [`StoreError::advice`] can say what to do about it by looking at typed
//! fields (the store's kind, its port, PostgreSQL's SQLSTATE code), never
//! by re-reading its own message.

use std::fmt;
use std::io;
use std::path::PathBuf;

use super::StoreConfig;
use super::postgres::config::{PgConfig, PgHost};
use super::postgres::wire::DbError;

/// A store could not do its job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// Could not connect, the connection broke, or no answer in time.
    Unreachable { store: StoreConfig, reason: String },
    /// It answered, but not as the store's protocol says it should.
    BadReply { store: StoreConfig, detail: String },
    /// The database answered with an error (PostgreSQL's `ErrorResponse`).
    Refused {
        store: StoreConfig,
        error: Box<DbError>,
    },
    /// A file operation failed.
    File {
        store: StoreConfig,
        action: &'static str,
        path: PathBuf,
        reason: String,
    },
    /// The file store's directory is not private to goldfish's user.
    UnsafeDirectory {
        store: StoreConfig,
        path: PathBuf,
        problem: DirProblem,
    },
    /// The store holds `--max-sessions` sessions: no new one is made.
    Full { store: StoreConfig, cap: usize },
    /// `/dev/urandom` could not be read, so no session id can be made.
    Randomness { reason: String },
}

/// Why the file store refuses a directory (see `file.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirProblem {
    /// It exists and is a file, a socket, …
    NotADirectory,
    /// It belongs to another user (`owner`), not to goldfish's (`me`).
    Owner { owner: u32, me: u32 },
    /// Group or others have some permission on it (`mode & 0o077 != 0`).
    OpenToOthers { mode: u32 },
}

impl StoreError {
    /// For `map_err` on [`SessionId::generate`](crate::session::SessionId::generate).
    #[must_use]
    #[allow(
        clippy::needless_pass_by_value,
        reason = "`map_err(StoreError::randomness)` passes the error by value"
    )]
    pub fn randomness(e: io::Error) -> StoreError {
        StoreError::Randomness {
            reason: e.to_string(),
        }
    }

    /// The store that failed (`None`: the randomness, no store at all).
    #[must_use]
    pub fn store(&self) -> Option<&StoreConfig> {
        match self {
            StoreError::Unreachable { store, .. }
            | StoreError::BadReply { store, .. }
            | StoreError::Refused { store, .. }
            | StoreError::File { store, .. }
            | StoreError::UnsafeDirectory { store, .. }
            | StoreError::Full { store, .. } => Some(store),
            StoreError::Randomness { .. } => None,
        }
    }

    /// What an operator (or a learner) can do about it.
    #[must_use]
    pub fn advice(&self) -> String {
        match self {
            StoreError::Unreachable { store, .. } => unreachable_advice(store),
            StoreError::BadReply { store, .. } => match store {
                StoreConfig::Redis { host, port } => format!(
                    "Check that {host}:{port} is a Redis server that needs no password: \
                     goldfish's small client sends no AUTH and speaks no TLS."
                ),
                StoreConfig::Postgres(pg) => format!(
                    "Check that {} is a PostgreSQL server (10 or later) that accepts a \
                     password, SCRAM-SHA-256 or MD5: goldfish's small client speaks no TLS, \
                     GSSAPI, SSPI or Kerberos.",
                    pg.address()
                ),
                _ => "Check that the store is what its name says.".into(),
            },
            StoreError::Refused { store, error } => match store {
                StoreConfig::Postgres(pg) => refused_advice(pg, error),
                _ => "Check the store's own log.".into(),
            },
            StoreError::File { path, .. } => format!(
                "Check that {} exists, is writable by the user running goldfish, and that the \
                 disk is not full.",
                path.parent().unwrap_or(path).display()
            ),
            StoreError::UnsafeDirectory { path, problem, .. } => {
                let new_dir = "or name a directory that does not exist yet, such as \
                               file:$HOME/goldfish-sessions, and goldfish creates it with mode \
                               0700 (only you can enter it).";
                match problem {
                    DirProblem::NotADirectory => {
                        format!("Name a directory, not a file, {new_dir}")
                    }
                    DirProblem::Owner { .. } => format!(
                        "Use a directory of your own: chown \"$(id -un)\" {}, {new_dir}",
                        path.display()
                    ),
                    DirProblem::OpenToOthers { .. } => {
                        format!("Make it private: chmod 700 {}, {new_dir}", path.display())
                    }
                }
            }
            StoreError::Full { .. } => "Sessions that exist keep working. Raise the cap with \
                                        --max-sessions, or wait: expired sessions are swept \
                                        every minute."
                .into(),
            StoreError::Randomness { .. } => {
                "goldfish needs /dev/urandom to make session ids; check that it exists.".into()
            }
        }
    }
}

/// The store is down: how to start it.
fn unreachable_advice(store: &StoreConfig) -> String {
    match store {
        StoreConfig::Redis { port, .. } => format!(
            "Start Redis (for example: redis-server --port {port}), or restart goldfish with \
             --session-store memory. goldfish reconnects by itself as soon as Redis answers \
             again; nothing else needs restarting."
        ),
        StoreConfig::Postgres(pg) => {
            let listen = match &pg.host {
                PgHost::Tcp(_) => format!(
                    "on port {} (port and listen_addresses in postgresql.conf)",
                    pg.port
                ),
                PgHost::Unix(_) => format!(
                    "on the socket {} (unix_socket_directories in postgresql.conf)",
                    pg.socket_path().display()
                ),
            };
            format!(
                "Start PostgreSQL (on Debian: sudo systemctl start postgresql) and check that it \
                 listens {listen}, or restart goldfish with --session-store memory. goldfish \
                 reconnects by itself as soon as PostgreSQL answers again; nothing else needs \
                 restarting."
            )
        }
        _ => "Check that the store is running and reachable from this machine.".into(),
    }
}

/// PostgreSQL said no: what to do, by its SQLSTATE code (Appendix A of
/// the PostgreSQL manual, "PostgreSQL Error Codes").
fn refused_advice(pg: &PgConfig, error: &DbError) -> String {
    let (user, db) = (&pg.user, &pg.database);
    match error.code.as_str() {
        // invalid_password
        "28P01" => format!(
            "Check the user name and password in --session-store. As a PostgreSQL superuser, \
             psql -c \"ALTER ROLE {user} PASSWORD '…'\" sets a new one."
        ),
        // invalid_authorization_specification: no pg_hba.conf line, or peer failed
        "28000" => format!(
            "PostgreSQL's pg_hba.conf has no line that lets {user} connect to {db} from here; \
             add one (for example: host {db} {user} 127.0.0.1/32 scram-sha-256) and reload \
             PostgreSQL."
        ),
        // invalid_catalog_name
        "3D000" => {
            format!("Create the database, as a PostgreSQL superuser: createdb -O {user} {db}")
        }
        // insufficient_privilege
        "42501" => format!(
            "{user} may not create or use the table goldfish_sessions. Make {user} the \
             database's owner (ALTER DATABASE {db} OWNER TO {user}), or create the table for \
             it (the SQL is in src/store/postgres.rs)."
        ),
        // invalid_text_representation: the json column refused the session
        "22P02" => "The session holds something that is not JSON, so PostgreSQL's json column \
                    refuses it: Python's json (and so a Flask session) writes NaN and Infinity, \
                    which RFC 8259 §6 does not allow. Keep them out of server-side sessions."
            .into(),
        // too_many_connections
        "53300" => "PostgreSQL has no free connection (max_connections). goldfish keeps at most \
                    16 per process; raise max_connections, or run fewer servers."
            .into(),
        // admin_shutdown, crash_shutdown, cannot_connect_now
        "57P01" | "57P02" | "57P03" => "PostgreSQL is starting, stopping or restarting. goldfish \
                                        tries again on the next request; nothing needs \
                                        restarting."
            .into(),
        _ => "PostgreSQL's own log (journalctl -u postgresql, or the cluster's log directory) \
              has the whole story."
            .into(),
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
            StoreError::Refused { store, error } => {
                write!(f, "the session store {store} refused: {error}")
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
            StoreError::UnsafeDirectory {
                store,
                path,
                problem,
            } => {
                write!(f, "the session store {store} refuses {}: ", path.display())?;
                match problem {
                    DirProblem::NotADirectory => f.write_str("it is not a directory"),
                    DirProblem::Owner { owner, me } => write!(
                        f,
                        "it belongs to the user with uid {owner}, not to the user running \
                         goldfish (uid {me}), and whoever owns it can read, plant and change \
                         sessions"
                    ),
                    DirProblem::OpenToOthers { mode } => write!(
                        f,
                        "other users have access to it (mode {mode:04o}): the file names in it \
                         are session ids, and whoever can list them can log in as any visitor"
                    ),
                }
            }
            StoreError::Full { store, cap } => write!(
                f,
                "the session store {store} holds its cap of {cap} sessions, so no new session \
                 can be made"
            ),
            StoreError::Randomness { reason } => {
                write!(f, "cannot read /dev/urandom to make a session id: {reason}")
            }
        }
    }
}

impl std::error::Error for StoreError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_store_and_say_what_to_do() {
        let redis = StoreConfig::Redis {
            host: "127.0.0.1".into(),
            port: 6390,
        };
        let pg = StoreConfig::parse("postgres://gf:pw@127.0.0.1:5433/sessions").unwrap();
        let file = StoreConfig::File("/srv/s".into());
        let refused = |code: &str| StoreError::Refused {
            store: pg.clone(),
            error: Box::new(DbError {
                severity: "FATAL".into(),
                code: code.into(),
                message: "m".into(),
                detail: None,
                hint: None,
            }),
        };
        let cases: &[(&str, StoreError, &str, &str)] = &[
            (
                "Redis is down",
                StoreError::Unreachable {
                    store: redis.clone(),
                    reason: "Connection refused (os error 111)".into(),
                },
                "the session store redis://127.0.0.1:6390 is unreachable: Connection refused (os error 111)",
                "Start Redis (for example: redis-server --port 6390)",
            ),
            (
                "PostgreSQL is down",
                StoreError::Unreachable {
                    store: pg.clone(),
                    reason: "connection refused".into(),
                },
                "the session store postgres://gf@127.0.0.1:5433/sessions is unreachable: connection refused",
                "Start PostgreSQL (on Debian: sudo systemctl start postgresql) and check that it listens on port 5433",
            ),
            (
                "a wrong password",
                refused("28P01"),
                "the session store postgres://gf@127.0.0.1:5433/sessions refused: m (FATAL 28P01)",
                "Check the user name and password in --session-store.",
            ),
            (
                "no such database",
                refused("3D000"),
                "refused: m",
                "createdb -O gf sessions",
            ),
            (
                "no pg_hba.conf line",
                refused("28000"),
                "refused: m",
                "host sessions gf 127.0.0.1/32 scram-sha-256",
            ),
            (
                "no CREATE privilege",
                refused("42501"),
                "refused: m",
                "ALTER DATABASE sessions OWNER TO gf",
            ),
            (
                "NaN in the session",
                refused("22P02"),
                "refused: m",
                "writes NaN and Infinity",
            ),
            (
                "a full disk",
                StoreError::File {
                    store: file.clone(),
                    action: "write",
                    path: "/srv/s/.tmp-x".into(),
                    reason: "No space left on device (os error 28)".into(),
                },
                "the session store file:/srv/s could not write /srv/s/.tmp-x: No space left on device (os error 28)",
                "Check that /srv/s exists",
            ),
            (
                "someone else's directory",
                StoreError::UnsafeDirectory {
                    store: file.clone(),
                    path: "/srv/s".into(),
                    problem: DirProblem::Owner { owner: 1000, me: 0 },
                },
                "the session store file:/srv/s refuses /srv/s: it belongs to the user with uid 1000, not to the user running goldfish (uid 0)",
                "chown \"$(id -un)\" /srv/s",
            ),
            (
                "a directory others can list",
                StoreError::UnsafeDirectory {
                    store: file.clone(),
                    path: "/srv/s".into(),
                    problem: DirProblem::OpenToOthers { mode: 0o755 },
                },
                "other users have access to it (mode 0755)",
                "Make it private: chmod 700 /srv/s",
            ),
            (
                "the cap",
                StoreError::Full {
                    store: redis.clone(),
                    cap: 3,
                },
                "the session store redis://127.0.0.1:6390 holds its cap of 3 sessions",
                "--max-sessions",
            ),
        ];
        for (why, e, said, advice) in cases {
            assert!(
                e.to_string().contains(said),
                "{why}: {e}; want it to contain {said:?}"
            );
            assert!(
                e.advice().contains(advice),
                "{why}: {}; want {advice:?}",
                e.advice()
            );
            assert!(
                !e.advice().contains("/tmp"),
                "{why}: no advice points at /tmp"
            );
        }
    }
}

//! `--session-store memory|file:DIR|redis://HOST:PORT|postgres://…`: which
//! store, read from the command line.
//!
//! The value names a store the way its own tools name it: a directory, a
//! Redis URL as `redis-cli -u` takes it, a PostgreSQL URL as `psql` and
//! libpq take it (`postgres://USER:PASSWORD@HOST:PORT/DB`, the PostgreSQL
//! manual's §34.1.1 "Connection URIs"). The PostgreSQL half lives in
//! [`super::postgres::config`]; this file knows the rest and dispatches.

use std::fmt;
use std::path::PathBuf;

use super::postgres::config::{PgConfig, PgConfigError};
use super::{FileStore, MemoryStore, PostgresStore, RedisStore, SessionStore, StoreError};

/// `--session-store memory|file:DIR|redis://HOST:PORT|postgres://USER:PW@HOST:PORT/DB`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum StoreConfig {
    /// In this process's memory (the default).
    #[default]
    Memory,
    /// One file per session in this directory.
    File(PathBuf),
    /// A Redis server.
    Redis { host: String, port: u16 },
    /// A PostgreSQL database. Its `Display` never shows the password.
    /// (Boxed: a URL's parts are bigger than the other variants.)
    Postgres(Box<PgConfig>),
}

/// Redis's well-known port, used when `redis://HOST` names none.
pub const REDIS_DEFAULT_PORT: u16 = 6379;

/// What every `--session-store` mistake starts with.
const EXPECTED: &str = "--session-store must be memory, file:DIR, redis://HOST:PORT or \
                        postgres://USER:PASSWORD@HOST:PORT/DB";

/// Why a `--session-store` value was refused. `Display` says what was
/// expected and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// Not one of the four forms at all.
    Unknown { found: String },
    /// `file:` with nothing after it.
    NoDirectory,
    /// `redis://` or `redis://:6379`.
    NoHost { found: String },
    /// `[::1` without its `]`, or `[::1]x`.
    BadBrackets { found: String },
    /// A port that is not 1 to 65535.
    BadPort { found: String },
    /// `redis://user:pw@…`, `redis://h/2`, `?…`: things the small Redis client does not speak.
    RedisExtras { found: String },
    /// A `postgres://` URL that cannot be used.
    Postgres(PgConfigError),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Unknown { found } => write!(f, "{EXPECTED}, not {found:?}"),
            ConfigError::NoDirectory => write!(
                f,
                "{EXPECTED}: file: needs a directory, e.g. file:sessions (goldfish creates it, \
                 readable only by you)"
            ),
            ConfigError::NoHost { found } => {
                write!(f, "{EXPECTED}: the host is missing in {found:?}")
            }
            ConfigError::BadBrackets { found } => write!(
                f,
                "{EXPECTED}: an IPv6 address is written in brackets, as in redis://[::1]:6379, \
                 not {found:?}"
            ),
            ConfigError::BadPort { found } => {
                write!(f, "{EXPECTED}: the port must be 1 to 65535, not {found:?}")
            }
            ConfigError::RedisExtras { found } => write!(
                f,
                "{EXPECTED}: goldfish's Redis client speaks no AUTH, TLS or database numbers; \
                 give just the host and port, not {found:?}"
            ),
            ConfigError::Postgres(e) => write!(f, "{EXPECTED}: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {}

impl From<PgConfigError> for ConfigError {
    fn from(e: PgConfigError) -> ConfigError {
        ConfigError::Postgres(e)
    }
}

impl StoreConfig {
    /// Reads the value of `--session-store`.
    ///
    /// # Errors
    /// [`ConfigError`]: a sentence saying what was expected.
    ///
    /// # Examples
    /// ```
    /// use goldfish::store::StoreConfig;
    /// assert_eq!(StoreConfig::parse("memory"), Ok(StoreConfig::Memory));
    /// assert_eq!(
    ///     StoreConfig::parse("redis://127.0.0.1:6380"),
    ///     Ok(StoreConfig::Redis { host: "127.0.0.1".into(), port: 6380 })
    /// );
    /// let pg = StoreConfig::parse("postgres://goldfish:s3cret@127.0.0.1:5432/goldfish").unwrap();
    /// assert_eq!(pg.to_string(), "postgres://goldfish@127.0.0.1:5432/goldfish"); // no password
    /// assert!(StoreConfig::parse("mysql://db").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<StoreConfig, ConfigError> {
        if text == "memory" {
            return Ok(StoreConfig::Memory);
        }
        if let Some(dir) = text.strip_prefix("file:") {
            if dir.is_empty() {
                return Err(ConfigError::NoDirectory);
            }
            return Ok(StoreConfig::File(PathBuf::from(dir)));
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(StoreConfig::Postgres(Box::new(PgConfig::parse(text)?)));
        }
        let Some(rest) = text.strip_prefix("redis://") else {
            return Err(ConfigError::Unknown {
                found: text.to_owned(),
            });
        };
        let (host, port) = host_and_port(rest.strip_suffix('/').unwrap_or(rest), text)?;
        Ok(StoreConfig::Redis {
            host,
            port: port.unwrap_or(REDIS_DEFAULT_PORT),
        })
    }

    /// Builds the store, holding at most `max_sessions` sessions. Redis and
    /// PostgreSQL are not contacted yet (they may start later); a
    /// directory is created if missing, and refused if it is not private.
    ///
    /// # Errors
    /// The file store's directory cannot be created, or is not safe.
    pub fn open(&self, max_sessions: usize) -> Result<Box<dyn SessionStore>, StoreError> {
        Ok(match self {
            StoreConfig::Memory => Box::new(MemoryStore::with_cap(max_sessions)),
            StoreConfig::File(dir) => Box::new(FileStore::open(dir, max_sessions)?),
            StoreConfig::Redis { host, port } => {
                Box::new(RedisStore::new(host, *port).with_cap(max_sessions))
            }
            StoreConfig::Postgres(pg) => Box::new(PostgresStore::new((**pg).clone(), max_sessions)),
        })
    }

    /// The store's kind alone (`memory`, `file`, `redis`, `postgres`): what
    /// a page says when `--hide-store-details` keeps paths and addresses
    /// to the server's log.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            StoreConfig::Memory => "memory",
            StoreConfig::File(_) => "file",
            StoreConfig::Redis { .. } => "redis",
            StoreConfig::Postgres(_) => "postgres",
        }
    }
}

/// `host:port`, `[v6]:port`, `host` or `[v6]` (RFC 3986 §3.2.2), for
/// `redis://`. `whole` is the flag's value, for messages.
fn host_and_port(rest: &str, whole: &str) -> Result<(String, Option<u16>), ConfigError> {
    if rest.contains(['@', '/', '?', '#']) {
        return Err(ConfigError::RedisExtras {
            found: whole.to_owned(),
        });
    }
    let bad_brackets = || ConfigError::BadBrackets {
        found: whole.to_owned(),
    };
    let (host, port) = match rest.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((h, "")) => (h, None),
            Some((h, p)) => (h, Some(p.strip_prefix(':').ok_or_else(bad_brackets)?)),
            None => return Err(bad_brackets()),
        },
        None => match rest.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        },
    };
    if host.is_empty() {
        return Err(ConfigError::NoHost {
            found: whole.to_owned(),
        });
    }
    let port = match port {
        None => None,
        Some(p) => Some(parse_port(p).ok_or_else(|| ConfigError::BadPort {
            found: p.to_owned(),
        })?),
    };
    Ok((host.to_owned(), port))
}

/// A TCP port, 1 to 65535.
pub(super) fn parse_port(text: &str) -> Option<u16> {
    text.parse::<u16>().ok().filter(|&p| p > 0)
}

/// Writes `host:port`, bracketing an IPv6 address (RFC 3986 §3.2.2).
pub(super) fn write_host_port(f: &mut fmt::Formatter<'_>, host: &str, port: u16) -> fmt::Result {
    if host.contains(':') {
        write!(f, "[{host}]:{port}")
    } else {
        write!(f, "{host}:{port}")
    }
}

impl fmt::Display for StoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreConfig::Memory => f.write_str("memory"),
            StoreConfig::File(dir) => write!(f, "file:{}", dir.display()),
            StoreConfig::Redis { host, port } => {
                f.write_str("redis://")?;
                write_host_port(f, host, *port)
            }
            StoreConfig::Postgres(pg) => pg.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests;

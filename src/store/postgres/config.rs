//! `postgres://USER:PASSWORD@HOST:PORT/DB`: where the database is, and who
//! goldfish is there.
//!
//! The URL is the one `psql` and every libpq program take (PostgreSQL
//! manual, §34.1.1 "Connection URIs"), so a learner can paste the same
//! string into `psql` to look at the table:
//!
//! ```text
//! postgres://goldfish:s3cret@127.0.0.1:5432/goldfish
//! postgresql://goldfish@%2Fvar%2Frun%2Fpostgresql/goldfish      a Unix socket
//! postgres://goldfish@/goldfish?host=/var/run/postgresql        the same socket
//! ```
//!
//! Facts:
//! - A host that starts with `/` (percent-encoded as `%2F` in the host
//!   part, or given as `?host=`) is a *directory*: the server's Unix socket
//!   is the file `DIR/.s.PGSQL.PORT` in it. On Debian, `/var/run/postgresql`.
//! - The port defaults to 5432, the database to the user's name (as libpq).
//! - The user and password are percent-decoded, so a password with `@` or
//!   `/` is written `%40`, `%2F`.
//! - **TLS is out of scope**: `std` has no TLS, and goldfish depends on
//!   nothing else. `sslmode=disable`, `allow` and `prefer` all permit a
//!   plain connection, which is what goldfish makes; `require`,
//!   `verify-ca` and `verify-full` are refused with a sentence, never
//!   silently downgraded. On a network you do not trust, use a Unix socket
//!   or a tunnel (`ssh -L 5433:localhost:5432 dbhost`).
//! - The password is a secret: `Display` and `Debug` never show it, so it
//!   cannot end up on a page or in a log.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::http::url::percent_decode;
use crate::store::config::{parse_port, write_host_port};

/// PostgreSQL's well-known port.
pub const DEFAULT_PORT: u16 = 5432;

/// A `postgres://` URL, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgConfig {
    /// The role goldfish logs in as (`user` in the `StartupMessage`).
    pub user: String,
    /// `None`: no password in the URL (trust or peer authentication).
    pub password: Option<Password>,
    /// Where the server listens.
    pub host: PgHost,
    /// The TCP port, or the number in the socket's name `.s.PGSQL.PORT`.
    pub port: u16,
    /// The database (`database` in the `StartupMessage`).
    pub database: String,
}

/// How to reach the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PgHost {
    /// A host name or an IP address, over TCP.
    Tcp(String),
    /// The directory holding the server's Unix socket.
    Unix(PathBuf),
}

/// A password: never printed. (cookie-rs's `Key` does the same.)
#[derive(Clone, PartialEq, Eq)]
pub struct Password(pub String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(..)")
    }
}

/// Why a `postgres://` URL cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PgConfigError {
    /// No `USER@`.
    NoUser,
    /// Neither a host in the URL nor `?host=`.
    NoHost,
    /// A port that is not 1 to 65535.
    BadPort { found: String },
    /// A `%` escape that is not two hex digits, or not UTF-8, in `part`.
    BadEscape { part: &'static str },
    /// `[::1` without its `]`.
    BadBrackets,
    /// `sslmode=require`, `verify-ca` or `verify-full`.
    TlsRequired { mode: String },
    /// An `sslmode` libpq does not know either.
    UnknownSslMode { mode: String },
    /// A `?name=value` goldfish does not understand.
    UnknownParameter { name: String },
}

impl fmt::Display for PgConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PgConfigError::NoUser => f.write_str(
                "the URL needs a user, as in postgres://goldfish:PASSWORD@127.0.0.1:5432/goldfish",
            ),
            PgConfigError::NoHost => f.write_str(
                "the URL needs a host (127.0.0.1), or a socket directory (%2Fvar%2Frun%2Fpostgresql \
                 or ?host=/var/run/postgresql)",
            ),
            PgConfigError::BadPort { found } => {
                write!(f, "the port must be 1 to 65535, not {found:?}")
            }
            PgConfigError::BadEscape { part } => write!(
                f,
                "the {part} has a % that is not followed by two hex digits of UTF-8 \
                 (write @ as %40, / as %2F, % as %25)"
            ),
            PgConfigError::BadBrackets => f.write_str(
                "an IPv6 address is written in brackets, as in postgres://u@[::1]:5432/db",
            ),
            PgConfigError::TlsRequired { mode } => write!(
                f,
                "sslmode={mode} asks for TLS, and goldfish's PostgreSQL client speaks none (the \
                 standard library has no TLS, and goldfish depends on nothing else). It will \
                 not send the password in the clear instead. Use a Unix socket \
                 (?host=/var/run/postgresql), a tunnel (ssh -L 5433:localhost:5432 DBHOST), or \
                 sslmode=disable on a network you trust"
            ),
            PgConfigError::UnknownSslMode { mode } => write!(
                f,
                "sslmode must be disable, allow, prefer, require, verify-ca or verify-full, \
                 not {mode:?}"
            ),
            PgConfigError::UnknownParameter { name } => write!(
                f,
                "goldfish understands the URL parameters host, port and sslmode, not {name:?}"
            ),
        }
    }
}

impl std::error::Error for PgConfigError {}

impl PgConfig {
    /// Reads `postgres://` or `postgresql://` URLs (see the module docs).
    ///
    /// # Errors
    /// [`PgConfigError`], which never repeats the password.
    pub fn parse(url: &str) -> Result<PgConfig, PgConfigError> {
        let rest = url
            .strip_prefix("postgresql://")
            .or_else(|| url.strip_prefix("postgres://"))
            .unwrap_or(url);
        // 1. Split off `?query` and `/database` (the path).
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, database) = rest.split_once('/').unwrap_or((rest, ""));
        // 2. `userinfo@hostport`; the password may itself hold a (decoded) `@`,
        //    but an encoded one never appears raw, so the last `@` splits.
        let (userinfo, hostport) = authority.rsplit_once('@').ok_or(PgConfigError::NoUser)?;
        let (user, password) = match userinfo.split_once(':') {
            Some((u, p)) => (u, Some(p)),
            None => (userinfo, None),
        };
        let user = decode(user, "user name")?;
        if user.is_empty() {
            return Err(PgConfigError::NoUser);
        }
        let password = password
            .map(|p| decode(p, "password").map(Password))
            .transpose()?;
        // 3. The host and port, then the query parameters, which win.
        let (mut host, mut port) = split_host_port(hostport)?;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value, "query")?;
            match name {
                "host" => host = value,
                "port" => port = Some(port_number(&value)?),
                "sslmode" => match value.as_str() {
                    "disable" | "allow" | "prefer" => {}
                    "require" | "verify-ca" | "verify-full" => {
                        return Err(PgConfigError::TlsRequired { mode: value });
                    }
                    _ => return Err(PgConfigError::UnknownSslMode { mode: value }),
                },
                _ => {
                    return Err(PgConfigError::UnknownParameter {
                        name: name.to_owned(),
                    });
                }
            }
        }
        let host = match host {
            h if h.is_empty() => return Err(PgConfigError::NoHost),
            h if h.starts_with('/') => PgHost::Unix(PathBuf::from(h)),
            h => PgHost::Tcp(h),
        };
        let database = match decode(database, "database name")? {
            d if d.is_empty() => user.clone(),
            d => d,
        };
        Ok(PgConfig {
            user,
            password,
            host,
            port: port.unwrap_or(DEFAULT_PORT),
            database,
        })
    }

    /// The Unix socket's path: `DIR/.s.PGSQL.PORT` (for a TCP host, the
    /// name it would have in the current directory; never used).
    #[must_use]
    pub fn socket_path(&self) -> PathBuf {
        let dir = match &self.host {
            PgHost::Unix(dir) => dir.as_path(),
            PgHost::Tcp(_) => Path::new("."),
        };
        dir.join(format!(".s.PGSQL.{}", self.port))
    }

    /// Where the server is, in words: `127.0.0.1:5432` or the socket path.
    #[must_use]
    pub fn address(&self) -> String {
        match &self.host {
            PgHost::Tcp(h) if h.contains(':') => format!("[{h}]:{}", self.port),
            PgHost::Tcp(h) => format!("{h}:{}", self.port),
            PgHost::Unix(_) => self.socket_path().display().to_string(),
        }
    }
}

/// `host:port`, `[v6]:port`, `host`, `%2Fdir:port` or nothing.
fn split_host_port(hostport: &str) -> Result<(String, Option<u16>), PgConfigError> {
    let (host, port) = match hostport.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((h, "")) => (h, None),
            Some((h, p)) => (
                h,
                Some(p.strip_prefix(':').ok_or(PgConfigError::BadBrackets)?),
            ),
            None => return Err(PgConfigError::BadBrackets),
        },
        None => match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        },
    };
    let port = port.map(port_number).transpose()?;
    Ok((decode(host, "host")?, port))
}

fn port_number(text: &str) -> Result<u16, PgConfigError> {
    parse_port(text).ok_or_else(|| PgConfigError::BadPort {
        found: text.to_owned(),
    })
}

/// Percent-decodes one part of the URL; the error names the part, never
/// its text (it may be the password).
fn decode(text: &str, part: &'static str) -> Result<String, PgConfigError> {
    percent_decode(text).map_err(|_| PgConfigError::BadEscape { part })
}

/// Percent-encodes what would end a URL part early (`@ : / ? # % [ ]`,
/// space). Everything else is written as is, so the usual URL reads as typed.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '@' | ':' | '/' | '?' | '#' | '%' | '[' | ']' | ' ' | '&' | '=' => {
                for b in c.to_string().bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// `postgres://USER@HOST:PORT/DB`: the URL without the password, so the
/// store's name can be shown on a page and in a log.
impl fmt::Display for PgConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "postgres://{}@", encode(&self.user))?;
        match &self.host {
            PgHost::Tcp(h) => write_host_port(f, h, self.port)?,
            PgHost::Unix(dir) => write!(f, "{}:{}", encode(&dir.to_string_lossy()), self.port)?,
        }
        write!(f, "/{}", encode(&self.database))
    }
}

#[cfg(test)]
mod tests;

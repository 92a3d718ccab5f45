//! What an [`App`](super::App) is configured with: the lesson's settings
//! (keys, cookie names, the session store, limits), as opposed to the
//! protocol's ([`ServerConfig`](crate::server::ServerConfig)). `cli` fills one from flags and the
//! environment; tests build one with `..AppConfig::default()`.

use std::fmt;
use std::time::Duration;

use super::sites;
use crate::server::log::Log;
use crate::session::{Digest, PERMANENT_SESSION_LIFETIME};
use crate::store::limit;
use crate::store::{DEFAULT_MAX_SESSIONS, StoreConfig};
use crate::www::Www;

/// A secret key. `Debug` never shows it (cookie-rs's `Key` does the same):
/// configurations get printed, and secrets must not end up in logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub Vec<u8>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// Settings of the application (the lesson), as opposed to the protocol.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Where templates and static files come from.
    pub www: Www,
    /// `SECRET_KEY`: signs session cookies. `None`: a random key per process.
    pub secret_key: Option<Secret>,
    /// `SECRET_KEY_FALLBACKS`: old keys still accepted when reading a
    /// session cookie (newest first), never used for signing.
    pub secret_key_fallbacks: Vec<Secret>,
    /// Add `Secure` to the cookies goldfish sets (behind HTTPS).
    pub secure_cookies: bool,
    /// The signed session's cookie name (Flask's `SESSION_COOKIE_NAME`).
    pub session_cookie: String,
    /// `--session-digest`: the HMAC that signs it (SHA-256 unless told
    /// otherwise; SHA-1 is a stock Flask app's).
    pub session_digest: Digest,
    /// How long a session cookie is valid, and how long a permanent one
    /// lives in the browser (Flask's `PERMANENT_SESSION_LIFETIME`).
    pub session_lifetime: Duration,
    /// `--session-store`: where server-side sessions are kept.
    pub session_store: StoreConfig,
    /// The server-side session's cookie name (it holds only the id).
    pub sid_cookie: String,
    /// `--max-sessions`: sessions the store may hold.
    pub max_sessions: usize,
    /// `--new-sessions-per-minute`: new server-side sessions one client
    /// address may make a minute (0: no limit).
    pub new_sessions_per_minute: u32,
    /// `--hide-store-details`: pages name the store's kind only, never its
    /// paths, addresses or process id (those go to the log).
    pub hide_store_details: bool,
    /// Where the application's warnings go.
    pub log: Log,
    /// `--allowed-hosts`: host names goldfish answers to besides loopback
    /// names and IP addresses (see [`guard`](super::guard)). `.example.com` allows a
    /// name and its subdomains; `*` allows every name.
    pub allowed_hosts: Vec<String>,
    /// The ports goldfish listens on (`--port` and `--also-port`), once bound.
    pub listening: sites::Listening,
}

impl Default for AppConfig {
    fn default() -> AppConfig {
        AppConfig {
            www: Www::Embedded,
            secret_key: None,
            secret_key_fallbacks: Vec::new(),
            secure_cookies: false,
            session_cookie: "session".into(),
            session_digest: Digest::Sha256,
            session_lifetime: PERMANENT_SESSION_LIFETIME,
            session_store: StoreConfig::Memory,
            sid_cookie: "sid".into(),
            max_sessions: DEFAULT_MAX_SESSIONS,
            new_sessions_per_minute: limit::DEFAULT_PER_MINUTE,
            hide_store_details: false,
            log: Log::default(),
            allowed_hosts: Vec::new(),
            listening: sites::Listening::default(),
        }
    }
}

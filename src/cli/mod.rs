//! The command line: flags and environment in, a [`Command`] out.
//!
//! Pure (the environment is passed in as a function), so every flag is
//! unit-tested without starting anything. `main.rs` only runs the result.
//!
//! The subcommands live beside this file, each a pure function from the
//! words after its name (and the time, and keys from the environment) to
//! the text to print and the exit code:
//! - [`cookie`]: `goldfish cookie check 'Set-Cookie: …' [--url URL]`.
//! - [`jar`]: `goldfish cookie jar [SCRIPT|-]`, a browser's jar replayed
//!   (and [`psl`], where both find the Public Suffix List).
//! - [`session`]: `goldfish session decode|sign`.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::app::{AppConfig, Secret};
use crate::server::log::{Log, Sink};
use crate::server::{Io, ServerConfig};
use crate::session::Digest;
use crate::store::StoreConfig;
use crate::www::Www;

pub mod cookie;
pub mod jar;
pub mod psl;
pub mod session;

/// Everything `goldfish` (serving) needs.
#[derive(Debug, Clone)]
pub struct Config {
    pub host: String,
    pub port: u16,
    /// `--also-port`: a second port on the same address, serving the same
    /// goldfish (the ports lesson: cookies ignore the port).
    pub also_port: Option<u16>,
    pub server: ServerConfig,
    pub app: AppConfig,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            host: "127.0.0.1".into(),
            port: 5000,
            also_port: None,
            server: ServerConfig::default(),
            app: AppConfig::default(),
        }
    }
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    /// Serve the lessons.
    Serve(Box<Config>),
    /// Print the usage text.
    Help,
    /// Print the version.
    Version,
    /// `goldfish cookie check …`: the words after `check`.
    CookieCheck(Vec<String>),
    /// `goldfish cookie jar …`: the words after `jar`.
    CookieJar(Vec<String>),
    /// `goldfish session …`: the words after `session`, and the keys from
    /// the environment.
    Session {
        args: Vec<String>,
        secret: Option<Secret>,
        fallbacks: Vec<Secret>,
    },
}

/// A command line goldfish cannot use; `Display` is the one-line message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError(pub String);

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (try goldfish --help)", self.0)
    }
}

impl std::error::Error for CliError {}

/// The `--help` text.
pub const USAGE: &str = "\
goldfish — a teaching HTTP/1.1 server: HTTP forgets, here is how the web remembers

USAGE:
    goldfish [OPTIONS]                  serve the lessons on http://127.0.0.1:5000
    goldfish cookie check 'Set-Cookie: …' [--url URL] [--psl FILE]
                                        what would a browser do with this line?
    goldfish cookie jar [--now DATE] [--browser chromium|firefox] [--psl FILE] [SCRIPT|-]
                                        replay set/get/js/wait events through a
                                        browser's jar: what each request carries, and why
    goldfish session decode COOKIE      take a session cookie apart (uses SECRET_KEY;
                                        a stock Flask app's SHA-1 cookie too)
    goldfish session sign [--digest sha1] JSON
                                        make a session cookie (uses SECRET_KEY)

OPTIONS:
    --host HOST            address to listen on            [env HOST, default 127.0.0.1]
    --port PORT            port to listen on               [env PORT, default 5000]
    --also-port PORT       listen on a second port too: the same goldfish, to show
                           that cookies ignore ports (the lesson at /sites/ports)
    --www DIR              serve templates and static files from DIR (live editing)
                           instead of the copies built into the binary
    --trace                print every request and response head as it crosses
                           the wire ('> ' in, '< ' out, like curl -v)
    --quiet                no access log
    --max-connections N    open connections before new ones get 503 [default 2048]
                           (first, one only waiting for a request is closed to make room)
    --max-connections-per-client N
                           open connections from one address before its new
                           ones get 503                          [default 512]
    --idle-timeout SECS    keep-alive idle time before closing     [default 5]
    --header-timeout SECS  time to send a request head before 408  [default 10]
    --io MODEL             how connections are served        [env GOLDFISH_IO]
                           epoll    a few event loops over non-blocking sockets
                                    (the default, Linux only)
                           threads  a thread per connection, blocking reads
    --loops N              event loops with --io epoll (0: one per core) [default 1]
    --classroom            wait 10 minutes (not seconds) for a connection's first
                           byte, a request head and a body: for typing into telnet
    --secure-cookies       add Secure to the cookies goldfish sets (behind HTTPS)
    --allowed-hosts NAMES  host names to answer to, comma-separated, besides localhost,
                           *.localhost and IP addresses (others get 421: DNS rebinding
                           protection); .example.com allows its subdomains, * all
    --session-digest sha1|sha256
                           the HMAC of the session cookie        [default sha256]
                           sha1 reads and writes a stock Flask app's cookies
    --session-store STORE  where server-side sessions live      [default memory]
                           memory            a map in this process (lost on restart,
                                             not shared with a second goldfish)
                           file:DIR          one file per session in DIR
                           redis://HOST:PORT a Redis server, shared by every goldfish
                           postgres://USER:PASSWORD@HOST:PORT/DB
                                             a PostgreSQL table, shared likewise
                                             (no TLS: sslmode=require is refused)
    --max-sessions N       sessions the store may hold; at the cap the memory
                           store evicts sessions nobody came back for first,
                           the others refuse new ones     [default 10000]
    --new-sessions-per-minute N
                           new server-side sessions one client address may
                           make a minute (0: no limit)    [default 60]
    --hide-store-details   pages and 503s name the store's kind only, never its
                           paths, addresses or process id (the log has them)
    -h, --help             this text
    -V, --version          the version

ENVIRONMENT:
    SECRET_KEY             signs session cookies; without it, a random key per
                           process (sessions end when goldfish stops)
    SECRET_KEY_FALLBACKS   old keys, comma-separated, newest first: still accepted
                           when reading a session cookie, never used to sign
";

/// Parses the arguments (without the program name). `env` reads an
/// environment variable; flags win over the environment.
///
/// # Errors
/// An unknown flag, a missing or malformed value.
pub fn parse(args: &[String], env: &dyn Fn(&str) -> Option<String>) -> Result<Command, CliError> {
    let secret = env("SECRET_KEY")
        .filter(|k| !k.is_empty())
        .map(|k| Secret(k.into_bytes()));
    let fallbacks: Vec<Secret> = env("SECRET_KEY_FALLBACKS")
        .unwrap_or_default()
        .split(',')
        .filter(|k| !k.is_empty())
        .map(|k| Secret(k.as_bytes().to_vec()))
        .collect();
    match args.first().map(String::as_str) {
        Some("cookie") => {
            return match args.get(1).map(String::as_str) {
                Some("check") => Ok(Command::CookieCheck(args[2..].to_vec())),
                Some("jar") => Ok(Command::CookieJar(args[2..].to_vec())),
                _ => Err(CliError(
                    "usage: goldfish cookie check 'Set-Cookie: …' [--url URL] \
                     | goldfish cookie jar [SCRIPT|-]"
                        .into(),
                )),
            };
        }
        Some("session") => {
            return Ok(Command::Session {
                args: args[1..].to_vec(),
                secret,
                fallbacks,
            });
        }
        _ => {}
    }
    let mut config = Config::default();
    config.app.secret_key = secret;
    config.app.secret_key_fallbacks = fallbacks;
    if let Some(host) = env("HOST") {
        config.host = host;
    }
    if let Some(port) = env("PORT") {
        config.port = parse_port(&port, "PORT")?;
    }
    if let Some(io) = env("GOLDFISH_IO") {
        config.server.io = parse_io(&io, "GOLDFISH_IO")?;
    }
    let mut classroom = false;
    let mut loops = None;
    let (mut idle, mut header) = (None, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        // Accept both `--port 5000` and `--port=5000`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, CliError> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| CliError(format!("{name} needs a value")))
        };
        // The flag's value as a whole number from `min` to `max`.
        let mut number = |min, max| parse_number(&value(flag)?, flag, min, max);
        match flag {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--host" => config.host = value("--host")?,
            "--port" => config.port = parse_port(&value("--port")?, "--port")?,
            "--also-port" => config.also_port = Some(parse_port(&value(flag)?, flag)?),
            "--www" => config.app.www = Www::Disk(PathBuf::from(value("--www")?)),
            "--trace" => config.server.log.trace = true,
            "--quiet" => config.server.log.sink = Sink::Off,
            "--secure-cookies" => config.app.secure_cookies = true,
            "--allowed-hosts" => {
                let list = value(flag)?;
                config.app.allowed_hosts = list
                    .split(',')
                    .map(str::trim)
                    .filter(|h| !h.is_empty())
                    .map(str::to_string)
                    .collect();
            }
            "--session-digest" => {
                let name = value(flag)?;
                config.app.session_digest = Digest::parse(&name).ok_or_else(|| {
                    CliError(format!(
                        "--session-digest is sha1 (a stock Flask app) or sha256 (goldfish's \
                         default), not {name:?}"
                    ))
                })?;
            }
            "--session-store" => {
                config.app.session_store =
                    StoreConfig::parse(&value(flag)?).map_err(|e| CliError(e.to_string()))?;
            }
            "--max-sessions" => config.app.max_sessions = number(1, 100_000_000)? as usize,
            "--new-sessions-per-minute" => {
                config.app.new_sessions_per_minute = number(0, 1_000_000)? as u32;
            }
            "--hide-store-details" => config.app.hide_store_details = true,
            "--max-connections" => config.server.max_connections = number(1, 1_000_000)? as usize,
            "--max-connections-per-client" => {
                config.server.max_connections_per_client = number(1, 1_000_000)? as usize;
            }
            "--idle-timeout" => idle = Some(seconds(&value(flag)?, flag)?),
            "--header-timeout" => header = Some(seconds(&value(flag)?, flag)?),
            "--classroom" => classroom = true,
            "--io" => config.server.io = parse_io(&value(flag)?, flag)?,
            "--loops" => loops = Some(number(0, 1024)? as usize),
            other => return Err(CliError(format!("unknown option {other:?}"))),
        }
    }
    if let (Some(n), Io::EventLoop { loops }) = (loops, &mut config.server.io) {
        *loops = n;
    }
    // --classroom first, so that a timeout given as well wins, in any order.
    if classroom {
        config.server = config.server.classroom();
    }
    config.server.idle_timeout = idle.unwrap_or(config.server.idle_timeout);
    config.server.header_timeout = header.unwrap_or(config.server.header_timeout);
    if config.server.log.trace && matches!(config.server.log.sink, Sink::Off) {
        // --trace is output the learner asked for; --quiet only silences the access log.
        config.server.log = Log {
            sink: Sink::Stderr,
            trace: true,
        };
    }
    // Application warnings (an oversized session cookie) go where the log goes.
    config.app.log = config.server.log.clone();
    Ok(Command::Serve(Box::new(config)))
}

/// The `SECRET_KEY` the README uses in its examples: public, so a server
/// that runs with it has sessions anyone can forge.
pub const README_KEY: &str = "SHHHHHHHHHHH SEEKRIT";

/// The shortest `SECRET_KEY` goldfish starts without a warning: 16 bytes.
/// The HMAC key is derived from it, so a short key is a guessable key;
/// OWASP and Flask's documentation ask for 32 random bytes (or more).
pub const MIN_KEY_BYTES: usize = 16;

/// What `goldfish` says at start about a configuration that works but may
/// not be what was meant: weak keys, `--trace` printing tokens, and a
/// server reachable from other machines. Pure, so it is tested here.
#[must_use]
pub fn start_warnings(config: &Config) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(key) = &config.app.secret_key {
        if key.0 == README_KEY.as_bytes() {
            out.push(format!(
                "WARNING: SECRET_KEY is {README_KEY:?}, the example key printed in goldfish's \
                 README: anyone can sign a session cookie your server believes. Fine on your \
                 own machine; for a class, use a random one, e.g. \
                 SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
            ));
        } else if key.0.len() < MIN_KEY_BYTES {
            out.push(format!(
                "WARNING: SECRET_KEY is only {} bytes: a short key can be guessed, and with it \
                 anyone can sign a session cookie your server believes. Use {MIN_KEY_BYTES} \
                 bytes or more, e.g. SECRET_KEY=$(python3 -c 'import secrets; \
                 print(secrets.token_hex(32))')",
                key.0.len()
            ));
        }
    }
    if config.server.log.trace {
        out.push(
            "NOTE: --trace prints every request head as it arrives, Cookie lines included: the \
             session and sid tokens of everyone who visits appear in this log, and whoever \
             reads it can use them."
                .into(),
        );
    }
    let loopback = config.host == "localhost"
        || config.host == "::1"
        || config
            .host
            .parse::<core::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        let names = if config.app.allowed_hosts.is_empty() {
            "other host names are refused with 421 (a name that suddenly points here is how DNS \
             rebinding attacks a local server); to use one, list it: --allowed-hosts NAME,NAME"
                .to_string()
        } else {
            format!(
                "besides them, only these names are answered: {}",
                config.app.allowed_hosts.join(", ")
            )
        };
        out.push(format!(
            "NOTE: listening on {}, so other machines can connect. They reach goldfish by this \
             machine's IP address (http://ADDRESS:{}/) or as localhost; {names}.",
            config.host, config.port
        ));
    }
    out
}

fn parse_number(s: &str, what: &str, min: u64, max: u64) -> Result<u64, CliError> {
    match s.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(CliError(format!(
            "{what} must be a whole number from {min} to {max}, not {s:?}"
        ))),
    }
}

fn parse_port(s: &str, what: &str) -> Result<u16, CliError> {
    // Port 0 asks the OS for a free port; tests use it.
    parse_number(s, what, 0, 65535).map(|n| n as u16)
}

fn parse_io(s: &str, what: &str) -> Result<Io, CliError> {
    match s {
        "epoll" => Ok(Io::EventLoop { loops: 1 }),
        "threads" => Ok(Io::Threads),
        _ => Err(CliError(format!(
            "{what} must be epoll or threads, not {s:?}"
        ))),
    }
}

fn seconds(s: &str, what: &str) -> Result<Duration, CliError> {
    parse_number(s, what, 1, 86_400).map(Duration::from_secs)
}

#[cfg(test)]
mod tests;

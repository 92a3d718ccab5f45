//! What the cookie and session tests share, on top of `common`: a browser's
//! memory (curl with a cookie jar in a scratch directory), one-request
//! helpers that carry a `Cookie` line, and a reader for `Set-Cookie` lines.
//!
//! A test crate that uses this module declares `mod common;` first, since
//! the helpers here build on its client and its `have("curl")`.
#![allow(dead_code)]

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{self, Command};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::common::{Client, Resp, run_with_timeout};

// ---------------------------------------------------------------------------
// curl and its cookie jar
// ---------------------------------------------------------------------------

/// A directory of its own for one test, under cargo's scratch directory for
/// integration tests; removed when dropped.
pub struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    /// A fresh, empty directory. `tag` (the test's name) only helps a human
    /// who finds one left behind by a crash.
    pub fn new(tag: &str) -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "goldfish-{tag}-{}-{}",
            process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create a scratch directory");
        Scratch { dir }
    }

    /// A path inside the directory, as a string for curl's arguments.
    pub fn file(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// What a curl run printed, and how it ended.
pub struct CurlOut {
    /// The response body (or bodies).
    pub stdout: String,
    /// With `-v`: `> ` lines sent, `< ` lines received.
    pub stderr: String,
}

/// `curl -sS --max-time 20 ARGS…`, which must succeed (exit 0).
pub fn curl(args: &[&str]) -> CurlOut {
    let out = run_with_timeout(
        Command::new("curl")
            .args(["-sS", "--max-time", "20"])
            .args(args),
        Duration::from_secs(30),
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "curl {args:?} failed ({:?}):\n{stderr}",
        out.status
    );
    CurlOut { stdout, stderr }
}

/// The `(name, value)` pairs of a curl cookie jar (the Netscape format: one
/// cookie per line, seven tab-separated fields, name and value last).
/// curl writes an `HttpOnly` cookie with the line prefix `#HttpOnly_`, so
/// that line is a cookie, not a comment. A missing file is an empty jar.
pub fn jar_cookies(path: &str) -> Vec<(String, String)> {
    let text = fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(|l| l.strip_prefix("#HttpOnly_").unwrap_or(l))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let fields: Vec<&str> = l.split('\t').collect();
            assert_eq!(fields.len(), 7, "a jar line has 7 fields: {l:?}");
            (fields[5].to_string(), fields[6].to_string())
        })
        .collect()
}

/// The value of the cookie `name` in a curl jar.
pub fn jar_get(path: &str, name: &str) -> Option<String> {
    jar_cookies(path)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
}

// ---------------------------------------------------------------------------
// One request, one fresh connection
// ---------------------------------------------------------------------------

/// Sends `raw` on a new connection and reads one response.
pub fn exchange(addr: SocketAddr, raw: &str) -> Resp {
    let mut c = Client::connect(addr);
    c.send(raw.as_bytes());
    c.read_response()
}

/// `Cookie: …\r\n`, or nothing.
fn cookie_line(cookie: Option<&str>) -> String {
    cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default()
}

/// `GET target`, with a `Cookie` line when `cookie` is given.
pub fn get(addr: SocketAddr, target: &str, cookie: Option<&str>) -> Resp {
    let cookie = cookie_line(cookie);
    exchange(
        addr,
        &format!(
            "GET {target} HTTP/1.1\r\n\
             Host: 127.0.0.1\r\n\
             {cookie}\
             \r\n"
        ),
    )
}

/// `POST target` with a form body (already URL-encoded), with a `Cookie`
/// line when `cookie` is given.
pub fn post_form(addr: SocketAddr, target: &str, cookie: Option<&str>, body: &str) -> Resp {
    let cookie = cookie_line(cookie);
    let len = body.len();
    exchange(
        addr,
        &format!(
            "POST {target} HTTP/1.1\r\n\
             Host: 127.0.0.1\r\n\
             {cookie}\
             Content-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {len}\r\n\
             \r\n\
             {body}"
        ),
    )
}

// ---------------------------------------------------------------------------
// Reading Set-Cookie lines
// ---------------------------------------------------------------------------

/// The values of every `Set-Cookie` line of a response, in order.
pub fn set_cookies(r: &Resp) -> Vec<&str> {
    r.headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The one `Set-Cookie` line that sets `name`, if any (panics on two).
pub fn set_cookie_for<'r>(r: &'r Resp, name: &str) -> Option<&'r str> {
    let prefix = format!("{name}=");
    let lines: Vec<&str> = set_cookies(r)
        .into_iter()
        .filter(|l| l.starts_with(&prefix))
        .collect();
    assert!(
        lines.len() <= 1,
        "two Set-Cookie lines for {name}: {lines:?}"
    );
    lines.first().copied()
}

/// A `Set-Cookie` value taken apart the way a browser does (RFC 6265
/// §5.2): `name=value`, then `;`-separated attributes, trimmed.
#[derive(Debug)]
pub struct Parsed<'a> {
    pub name: &'a str,
    pub value: &'a str,
    /// `(attribute name, value)`; the value is `""` for flags like `HttpOnly`.
    pub attributes: Vec<(&'a str, &'a str)>,
}

pub fn parse_set_cookie(line: &str) -> Parsed<'_> {
    let mut parts = line.split(';');
    let pair = parts.next().unwrap_or("");
    let (name, value) = pair
        .split_once('=')
        .unwrap_or_else(|| panic!("no '=' in the cookie pair of {line:?}"));
    let attributes = parts
        .map(|a| {
            let a = a.trim();
            a.split_once('=')
                .map_or((a, ""), |(n, v)| (n.trim(), v.trim()))
        })
        .collect();
    Parsed {
        name: name.trim(),
        value: value.trim(),
        attributes,
    }
}

impl Parsed<'_> {
    /// Whether the attribute `name` is present (case-insensitive, as
    /// browsers read attribute names).
    pub fn has(&self, name: &str) -> bool {
        self.attributes
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// The attribute names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.attributes.iter().map(|(n, _)| *n).collect()
    }
}

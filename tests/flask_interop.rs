//! goldfish and the real Flask read each other's session cookies.
//!
//! The wire contract (DESIGN.md) is itsdangerous' URLSafeTimedSerializer
//! with SHA-256. `tests/fixtures/session-vectors.tsv` pins it with cookies
//! Flask made once; this test goes further and runs Flask itself
//! (`tests/flask/interop.py`): a cookie goldfish signs is read by Flask's
//! `/my-route`, and a cookie Flask signs is read by goldfish's.
//!
//! Needs a Python with Flask: `$FLASK_PYTHON`, or `python3` if it can
//! `import flask`. `.ci/run` makes a venv with `tests/flask/requirements.txt`
//! and sets `FLASK_PYTHON`; elsewhere the test is skipped with a note (and
//! fails under CI, where it must run).

mod common;

use std::process::Command;
use std::time::Duration;

use common::{app_with, config, quiet, run_with_timeout, start_handler};
use goldfish::app::{AppConfig, Secret};
use goldfish::session::Digest;
use goldfish::session::hmac_sha1::HmacSha1;
use goldfish::session::sha1::sha1;

const SECRET: &str = "SHHHHHHHHHHH SEEKRIT";

/// A Python that can import Flask, if there is one.
fn flask_python() -> Option<String> {
    let candidates = [
        std::env::var("FLASK_PYTHON").ok(),
        Some("python3".to_string()),
    ];
    for python in candidates.into_iter().flatten() {
        let ok = Command::new(&python)
            .args(["-c", "import flask"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(python);
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "no Python with Flask, and CI must run this test (.ci/run sets FLASK_PYTHON)"
    );
    eprintln!(
        "SKIPPED: no Python with Flask (set FLASK_PYTHON, or pip install -r tests/flask/requirements.txt)"
    );
    None
}

/// The value of the `session` cookie in a raw response.
fn session_cookie(raw: &str) -> String {
    raw.lines()
        .find_map(|l| l.strip_prefix("Set-Cookie: session="))
        .and_then(|v| v.split(';').next())
        .unwrap_or_else(|| panic!("no session cookie in {raw}"))
        .to_string()
}

#[test]
fn flask_and_goldfish_read_each_others_session_cookies() {
    let Some(python) = flask_python() else { return };
    lecture_round_trip(&python, Digest::Sha256);
}

/// A stock Flask app signs with SHA-1; `--session-digest sha1` makes
/// goldfish its drop-in.
#[test]
fn a_stock_flask_app_and_goldfish_with_sha1_read_each_others_cookies() {
    let Some(python) = flask_python() else { return };
    lecture_round_trip(&python, Digest::Sha1);
}

/// The lecture's two routes across the two servers, both ways.
fn lecture_round_trip(python: &str, digest: Digest) {
    let server = start_handler(
        config(),
        app_with(AppConfig {
            secret_key: Some(Secret(SECRET.as_bytes().to_vec())),
            session_digest: digest,
            log: quiet(),
            ..AppConfig::default()
        }),
    );

    // goldfish signs: GET /some-route puts 42 in the session.
    let raw = server.exchange(
        b"GET /some-route HTTP/1.1\r\n\
          Host: localhost\r\n\
          Connection: close\r\n\
          \r\n",
    );
    let ours = session_cookie(&raw);

    // Flask reads goldfish's cookie, and signs one of its own.
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/flask/interop.py");
    let out = run_with_timeout(
        Command::new(python)
            .arg(script)
            .arg(digest.hashlib_name())
            .arg(&ours)
            .env("SECRET_KEY", SECRET),
        Duration::from_secs(60),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "interop.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some("Favorite number is 42"),
        "Flask ({digest}) reading goldfish's cookie {ours}"
    );
    let theirs = lines.next().expect("Flask's cookie").to_string();

    // goldfish reads Flask's cookie.
    let request = format!(
        "GET /my-route HTTP/1.1\r\nHost: localhost\r\nCookie: session={theirs}\r\nConnection: close\r\n\r\n"
    );
    let raw = server.exchange(request.as_bytes());
    assert!(
        raw.ends_with("Favorite number is 42"),
        "goldfish ({digest}) reading Flask's cookie {theirs}: {raw}"
    );
}

/// goldfish's SHA-1 and HMAC-SHA1, written by hand from FIPS 180-4 and
/// RFC 2104, agree with Python's `hashlib` and `hmac` on every message
/// length from 0 to 599 bytes (every padding case, several blocks) and
/// keys from 0 to 130 bytes (shorter and longer than the 64-byte block).
#[test]
fn sha1_and_hmac_sha1_agree_with_pythons_hashlib() {
    let Some(python) = flask_python() else { return };
    const N: usize = 600;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/flask/hashes.py");
    let out = run_with_timeout(
        Command::new(&python).arg(script).arg(N.to_string()),
        Duration::from_secs(60),
    );
    assert!(
        out.status.success(),
        "hashes.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), N, "one line per length");
    let key_source: Vec<u8> = (0..=255u8).rev().collect();
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    for (n, line) in lines.iter().enumerate() {
        let message: Vec<u8> = (0..n).map(|i| ((7 * i + n) % 256) as u8).collect();
        let key = &key_source[..n % 131];
        let mut mac = HmacSha1::new(key);
        mac.update(&message);
        let ours = format!("{} {}", hex(&sha1(&message)), hex(&mac.finalize()));
        assert_eq!(
            &ours,
            line,
            "message of {n} bytes, key of {} bytes: ours; hashlib's",
            key.len()
        );
    }
}

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
    let server = start_handler(
        config(),
        app_with(AppConfig {
            secret_key: Some(Secret(SECRET.as_bytes().to_vec())),
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
        Command::new(&python)
            .arg(script)
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
        "Flask reading goldfish's cookie {ours}"
    );
    let theirs = lines.next().expect("Flask's cookie").to_string();

    // goldfish reads Flask's cookie.
    let request = format!(
        "GET /my-route HTTP/1.1\r\nHost: localhost\r\nCookie: session={theirs}\r\nConnection: close\r\n\r\n"
    );
    let raw = server.exchange(request.as_bytes());
    assert!(
        raw.ends_with("Favorite number is 42"),
        "goldfish reading Flask's cookie {theirs}: {raw}"
    );
}

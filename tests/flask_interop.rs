//! goldfish and the real Flask read each other's session cookies.
//!
//! The wire contract (DESIGN.md) is itsdangerous' `URLSafeTimedSerializer`,
//! with SHA-256 by default or SHA-1 as in a stock Flask app.
//! `tests/fixtures/session-vectors.tsv` pins it with cookies Flask made
//! once; these tests go further and run Flask itself
//! (`tests/flask/interop.py`), both ways, with both digests:
//! - the lecture: goldfish's `/some-route` cookie read by Flask's
//!   `/my-route`, and Flask's read by goldfish's;
//! - every shape a Flask session can take (compressed or not, Python's
//!   big integers, lone surrogates, NaN, every tag Flask writes): Flask's
//!   cookie decodes in goldfish to Flask's JSON byte for byte; goldfish's
//!   write to it (`POST /responses`) and goldfish's own signature of its
//!   JSON are read back by Flask as the same Python values, types
//!   included; Flask's next write is read by goldfish; and goldfish
//!   compresses exactly where itsdangerous does;
//! - goldfish's SHA-1 and HMAC-SHA1 against Python's `hashlib`.
//!
//! Needs a Python with Flask: `$FLASK_PYTHON`, or `python3` if it can
//! `import flask`. `.ci/run` makes a venv with `tests/flask/requirements.txt`
//! and sets `FLASK_PYTHON`; elsewhere the test is skipped with a note (and
//! fails under CI, where it must run).

mod common;

use std::process::Command;
use std::time::{Duration, SystemTime};

use common::{TestServer, app_with, config, flask_python, quiet, run_with_timeout, start_handler};
use goldfish::app::{AppConfig, Secret};
use goldfish::session::hmac_sha1::HmacSha1;
use goldfish::session::sha1::sha1;
use goldfish::session::{Digest, Signer, Value, to_json, zlib};

const SECRET: &str = "SHHHHHHHHHHH SEEKRIT";

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

/// goldfish with the test's `SECRET_KEY` and this digest.
fn goldfish(digest: Digest) -> TestServer {
    start_handler(
        config(),
        app_with(AppConfig {
            secret_key: Some(Secret(SECRET.as_bytes().to_vec())),
            session_digest: digest,
            log: quiet(),
            ..AppConfig::default()
        }),
    )
}

/// Runs `interop.py ARGS…` and returns its stdout, failing on an error.
fn interop(python: &str, args: &[&str]) -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/flask/interop.py");
    let out = run_with_timeout(
        Command::new(python)
            .arg(script)
            .args(args)
            .env("SECRET_KEY", SECRET),
        Duration::from_secs(120),
    );
    assert!(
        out.status.success(),
        "interop.py {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `lines` in a file of its own in the system's temporary directory,
/// for `interop.py check|decide FILE`; removed when dropped.
struct Lines(std::path::PathBuf);

impl Lines {
    fn new(tag: &str, lines: &[String]) -> Lines {
        let path = std::env::temp_dir().join(format!(
            "goldfish-flask-{tag}-{}-{:?}.txt",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::write(&path, lines.join("\n")).expect("write the lines for interop.py");
        Lines(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temporary path")
    }
}

impl Drop for Lines {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The lecture's two routes across the two servers, both ways.
fn lecture_round_trip(python: &str, digest: Digest) {
    let server = goldfish(digest);

    // goldfish signs: GET /some-route puts 42 in the session.
    let raw = server.exchange(
        b"GET /some-route HTTP/1.1\r\n\
          Host: localhost\r\n\
          Connection: close\r\n\
          \r\n",
    );
    let ours = session_cookie(&raw);

    // Flask reads goldfish's cookie, and signs one of its own.
    let stdout = interop(python, &["lecture", digest.hashlib_name(), &ours]);
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

/// Every shape, both digests, both ways: see the module docs.
#[test]
fn every_session_shape_survives_both_ways_with_sha256() {
    let Some(python) = flask_python() else { return };
    every_shape_both_ways(&python, Digest::Sha256);
}

/// The same with a stock Flask app's SHA-1 and `--session-digest sha1`.
#[test]
fn every_session_shape_survives_both_ways_with_sha1() {
    let Some(python) = flask_python() else { return };
    every_shape_both_ways(&python, Digest::Sha1);
}

fn every_shape_both_ways(python: &str, digest: Digest) {
    let server = goldfish(digest);
    let signer = Signer::with_digest(digest, SECRET.as_bytes(), &[]);
    let read = |cookie: &str| {
        signer
            .unsign(cookie, None, SystemTime::now())
            .map(|u| to_json(&Value::Map(u.data)))
    };

    // 1. Flask signs every shape.
    let shapes = interop(python, &["shapes", digest.hashlib_name()]);
    let mut to_check = Vec::new();
    let mut jsons = Vec::new();
    let mut flask_compressed = 0;
    for line in shapes.lines() {
        let [name, json, theirs] = line.split('\t').collect::<Vec<_>>()[..] else {
            panic!("a shape line has three fields: {line:?}");
        };
        flask_compressed += usize::from(theirs.starts_with('.'));
        // 2. goldfish reads Flask's cookie, to the very bytes of its JSON.
        assert_eq!(
            read(theirs).as_deref(),
            Ok(json),
            "{name}: goldfish reading {theirs}"
        );
        // 3. goldfish writes to it: session['responses'].append('gf').
        let request = format!(
            "POST /responses HTTP/1.1\r\nHost: localhost\r\nCookie: session={theirs}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\n\
             Connection: close\r\n\r\nanswer=gf"
        );
        let raw = server.exchange(request.as_bytes());
        assert!(
            raw.starts_with("HTTP/1.1 303"),
            "{name}: POST /responses: {raw}"
        );
        let written = session_cookie(&raw);
        // 4. goldfish signs Flask's JSON itself.
        let signed = signer.sign(json, SystemTime::now());
        to_check.push(format!("{name}\t{signed}\t{written}"));
        jsons.push(json.to_string());
    }
    assert!(to_check.len() >= 25, "only {} shapes", to_check.len());
    assert!(
        flask_compressed >= 8,
        "Flask compressed only {flask_compressed} shapes"
    );

    // 5. Flask reads both as its own values, writes again; goldfish reads that.
    let file = Lines::new("check", &to_check);
    let checked = interop(python, &["check", digest.hashlib_name(), file.path()]);
    for line in checked.lines() {
        let [name, verdict, json, cookie] = line.split('\t').collect::<Vec<_>>()[..] else {
            panic!("a check line has four fields: {line:?}");
        };
        assert_eq!(verdict, "ok", "{name} ({digest}): Flask says");
        assert_eq!(
            read(cookie).as_deref(),
            Ok(json),
            "{name}: Flask's second write"
        );
    }
    assert_eq!(
        checked.lines().count(),
        to_check.len(),
        "one verdict per shape"
    );

    // 6. goldfish compresses exactly where itsdangerous does.
    assert_compresses_like_itsdangerous(python, digest, &jsons);
}

/// `/responses` grows a list one answer at a time; at every length,
/// goldfish's cookie is compressed exactly when Flask's would be.
#[test]
fn a_growing_list_of_answers_switches_form_where_flasks_does() {
    let Some(python) = flask_python() else { return };
    let answers = [
        "Yes",
        "No",
        "Maybe",
        "I like goldfish",
        "🐟",
        "Zoë",
        "no!",
        "42",
        "yes, twice",
    ];
    let server = goldfish(Digest::Sha256);
    let mut cookie = String::new();
    let mut jsons = Vec::new();
    for n in 0..60 {
        let answer = answers[n * 7 % answers.len()];
        let body = format!("answer={}", answer.replace(' ', "+"));
        let cookie_line = if cookie.is_empty() {
            String::new()
        } else {
            format!("Cookie: session={cookie}\r\n")
        };
        let request = format!(
            "POST /responses HTTP/1.1\r\nHost: localhost\r\n{cookie_line}\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        );
        cookie = session_cookie(&server.exchange(request.as_bytes()));
        let json = Signer::new(SECRET.as_bytes(), &[])
            .unsign(&cookie, None, SystemTime::now())
            .map(|u| to_json(&Value::Map(u.data)))
            .expect("goldfish reads its own cookie");
        jsons.push(json);
    }
    assert_compresses_like_itsdangerous(&python, Digest::Sha256, &jsons);
}

/// For each JSON text, goldfish signs it compressed exactly when
/// itsdangerous would (`len(zlib.compress(json)) < len(json) - 1`, with
/// Python's zlib). Prints how goldfish's compressed sizes compare with
/// zlib's (they need not be equal; the decision must be).
fn assert_compresses_like_itsdangerous(python: &str, digest: Digest, jsons: &[String]) {
    let file = Lines::new("decide", jsons);
    let decided = interop(python, &["decide", digest.hashlib_name(), file.path()]);
    let signer = Signer::with_digest(digest, SECRET.as_bytes(), &[]);
    let (mut same_size, mut compressed, mut ours_total, mut zlib_total, mut json_total) =
        (0, 0, 0, 0, 0);
    for (json, line) in jsons.iter().zip(decided.lines()) {
        let (flask, zlib_len) = line.split_once(' ').expect("yes|no N");
        let zlib_len: usize = zlib_len.parse().expect("a length");
        let ours = zlib::compress(json.as_bytes()).len();
        let goldfish = signer.sign(json, SystemTime::now()).starts_with('.');
        assert_eq!(
            goldfish,
            flask == "yes",
            "{json}: goldfish compresses it: {goldfish} ({ours} bytes); itsdangerous: {flask} \
             ({zlib_len} bytes)"
        );
        same_size += usize::from(ours == zlib_len);
        if goldfish {
            compressed += 1;
            (ours_total, zlib_total, json_total) = (
                ours_total + ours,
                zlib_total + zlib_len,
                json_total + json.len(),
            );
        }
    }
    assert_eq!(
        decided.lines().count(),
        jsons.len(),
        "one decision per text"
    );
    eprintln!(
        "{digest}: {} texts, the same decision on all; goldfish's zlib as long as Python's on {same_size}; \
         {compressed} compressed: {json_total} bytes of JSON -> goldfish {ours_total} bytes, Python's zlib {zlib_total}",
        jsons.len()
    );
}

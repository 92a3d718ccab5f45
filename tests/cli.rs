//! The `goldfish` binary itself: `--help`, a mistaken flag, the banner, and
//! `--trace` on its real stderr.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{BIN, run_binary, run_with_timeout};

/// `goldfish --help` prints the usage on stdout and exits 0.
#[test]
fn help_prints_usage_and_exits_0() {
    let out = run_with_timeout(Command::new(BIN).arg("--help"), Duration::from_secs(10));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{:?}", out.status);
    assert!(stdout.starts_with("goldfish"), "{stdout}");
    for flag in ["USAGE:", "--host", "--port", "--www", "--trace", "--help"] {
        assert!(
            stdout.contains(flag),
            "--help does not mention {flag}:\n{stdout}"
        );
    }
    assert!(
        out.stderr.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A flag goldfish does not know: exit status 2 (the Unix convention for a
/// usage error) and one line on stderr that names it and points to --help.
#[test]
fn unknown_flag_exits_2_with_one_line() {
    let out = run_with_timeout(Command::new(BIN).arg("--colour"), Duration::from_secs(10));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "goldfish: unknown option \"--colour\" (try goldfish --help)\n"
    );
    assert!(out.stdout.is_empty());
}

/// A bad value is a usage error too, and the line says what is allowed.
#[test]
fn bad_port_exits_2_with_one_line() {
    let out = run_with_timeout(
        Command::new(BIN).args(["--port", "http"]),
        Duration::from_secs(10),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--port must be a whole number"), "{stderr}");
}

/// `--port 0` lets the OS choose; the banner tells the real address, and
/// the server there answers.
#[test]
fn port_0_serves_on_the_address_in_the_banner() {
    let bin = run_binary(&["--quiet"]);
    assert_eq!(bin.addr.ip().to_string(), "127.0.0.1");
    assert_ne!(bin.addr.port(), 0);
    let mut c = bin.connect();
    c.send(
        b"GET /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    assert_eq!(c.read_response().text(), "Hello, World!");
}

/// `--trace` on the real stderr: `> ` request head, `< ` response head,
/// then the access line.
#[test]
fn trace_flag_prints_heads_on_stderr() {
    let mut bin = run_binary(&["--trace"]);
    let mut c = bin.connect();

    c.send(
        b"GET /hello HTTP/1.1\r\n\
          Host: localhost\r\n\
          \r\n",
    );
    c.read_response();
    bin.wait_for_stderr(|l| l == "> GET /hello HTTP/1.1");
    let mut lines = vec!["> GET /hello HTTP/1.1".to_string()];
    loop {
        let line = bin.wait_for_stderr(|_| true);
        let done = line.contains("\"GET /hello HTTP/1.1\" 200 -");
        lines.push(common::normalize_dates(&line));
        if done {
            break;
        }
    }
    let date = format!("< Date: {}", common::SOME_DATE);
    assert_eq!(
        lines[..lines.len() - 1],
        [
            "> GET /hello HTTP/1.1",
            "> Host: localhost",
            "> ",
            "< HTTP/1.1 200 OK",
            "< Content-Type: text/plain; charset=utf-8",
            "< X-Content-Type-Options: nosniff",
            "< Content-Security-Policy: frame-ancestors 'none'",
            date.as_str(),
            "< Content-Length: 13",
            "< ",
        ],
        "{lines:#?}"
    );
    assert!(
        lines[lines.len() - 1].starts_with("127.0.0.1 - - ["),
        "{lines:#?}"
    );
}

/// `--www DIR` without the templates is a mistake reported at start-up, in
/// one sentence that says what DIR must hold — not a server that answers
/// every page with a 500.
#[test]
fn www_without_templates_fails_at_start_with_a_sentence() {
    let dir = std::env::temp_dir().join(format!("goldfish-empty-www-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("make a temp dir");
    let out = run_with_timeout(
        Command::new(BIN).args(["--port", "0", "--www"]).arg(&dir),
        Duration::from_secs(10),
    );
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("there is no such file")
            && stderr.contains("must hold templates/ and static/"),
        "{stderr}"
    );
    assert!(!stderr.contains("Serving on"), "{stderr}");
}

/// At start, goldfish says once what may not be what was meant: `--trace`
/// prints everyone's session tokens, and a `SECRET_KEY` under 16 bytes can
/// be guessed.
#[test]
fn start_warns_about_trace_and_a_short_key() {
    let mut bin = run_binary(&["--trace"]);
    let note = bin.wait_for_stderr(|l| l.contains("--trace prints every request head"));
    assert!(note.contains("session and sid tokens"), "{note}");
    drop(bin);

    let mut child = Command::new(BIN)
        .args(["--host", "127.0.0.1", "--port", "0", "--quiet"])
        .env("SECRET_KEY", "s3")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start goldfish");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
    let found = lines
        .by_ref()
        .take(60)
        .map_while(Result::ok)
        .find(|l| l.contains("SECRET_KEY is only 2 bytes"));
    let _ = child.kill();
    let _ = child.wait();
    assert!(found.is_some(), "no warning about a 2-byte SECRET_KEY");
}

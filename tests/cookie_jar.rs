//! `goldfish cookie jar`, black-box: the binary, a script file, its output.
//!
//! The big test replays every case of `tests/fixtures/chromium-jar-cases.txt`
//! (the http-state suite and goldfish's own cases, with the answers Chromium
//! 156 gave) and wants the same `Cookie:` and `document.cookie:` lines.

mod common;

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{BIN, run_with_timeout};

const NOW: &str = "Sat, 28 Nov 2026 00:00:00 GMT";

/// A script in a file of its own under cargo's scratch directory.
fn script_file(tag: &str, text: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("goldfish-jar-{tag}-{}.txt", std::process::id()));
    fs::write(&path, text).expect("write a script");
    path
}

/// Runs `goldfish cookie jar --now NOW ARGS… FILE` and returns (stdout, stderr, exit code).
fn jar(tag: &str, args: &[&str], script: &str) -> (String, String, Option<i32>) {
    let path = script_file(tag, script);
    let out = run_with_timeout(
        Command::new(BIN)
            .args(["cookie", "jar", "--now", NOW])
            .args(args)
            .arg(&path),
        Duration::from_secs(30),
    );
    let _ = fs::remove_file(&path);
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

/// The answer lines of an output: what a machine reads.
fn answers(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| l.starts_with("Cookie:") || l.starts_with("document.cookie:"))
        .collect()
}

/// Every case of the fixture, through the binary, against Chromium's answers.
#[test]
fn agrees_with_chromium_on_every_recorded_case() {
    let fixture = include_str!("fixtures/chromium-jar-cases.txt");
    let mut cases = 0;
    let mut failures = Vec::new();
    for section in fixture.split("\n== ").skip(1) {
        let (name, body) = section.split_once('\n').expect("a case has lines");
        let script: String = body
            .lines()
            .filter(|l| !l.starts_with("=> "))
            .map(|l| format!("{l}\n"))
            .collect();
        let want: Vec<&str> = body.lines().filter_map(|l| l.strip_prefix("=> ")).collect();
        let (stdout, stderr, code) = jar("case", &[], &script);
        assert_eq!(code, Some(0), "{name}: exit status; stderr:\n{stderr}");
        let got = answers(&stdout);
        if got != want {
            failures.push(format!("{name}: got {got:?}; want {want:?}\n{stdout}"));
        }
        cases += 1;
    }
    assert!(cases > 300, "the fixture has {cases} cases");
    assert!(
        failures.is_empty(),
        "{} of {cases} cases differ from Chromium:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The output format: one answer line per `get` and `js`, everything else
/// indented or an echo of the event; comments and blank lines are skipped;
/// a `#` inside a Set-Cookie value is part of the value.
#[test]
fn one_answer_line_per_request_and_reasons_indented() {
    let script = "\
# a comment line
set http://shop.example/ Set-Cookie: cart=a#b; Path=/

get http://shop.example/basket
get ftp://nowhere/
js http://shop.example/
wait 5
set http://shop.example/ Set-Cookie: =a=bar
get http://shop.example/
";
    let (stdout, stderr, code) = jar("format", &[], script);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        answers(&stdout),
        [
            "Cookie: cart=a#b",
            "Cookie:",
            "document.cookie: cart=a#b",
            "Cookie: cart=a#b"
        ]
    );
    for line in stdout.lines() {
        let ok = line.starts_with("  ")
            || line.starts_with('#')
            || [
                "set ",
                "get ",
                "js ",
                "wait ",
                "Cookie:",
                "document.cookie:",
            ]
            .iter()
            .any(|p| line.starts_with(p));
        assert!(ok, "an unexpected line: {line:?}\n{stdout}");
    }
    assert!(!stdout.contains("a comment line"), "{stdout}");
    assert!(stdout.contains("\n  Verdict: STORED."), "{stdout}");
    assert!(stdout.contains("\n  Verdict: REJECTED:"), "{stdout}");
    assert!(
        stdout.contains("\n  cart=a#b: sent: host-only for shop.example"),
        "{stdout}"
    );
    assert!(stdout.contains("5 s pass: the clock is now Sat, 28 Nov 2026 00:00:05 GMT"));
}

/// `-` (and no file at all) read the script from standard input.
#[test]
fn reads_standard_input() {
    let mut child = Command::new(BIN)
        .args(["cookie", "jar", "--now", NOW, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start goldfish");
    let script = b"set http://a.example/ Set-Cookie: x=1\nget http://a.example/\n";
    child.stdin.take().unwrap().write_all(script).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(answers(&stdout), ["Cookie: x=1"], "{stdout}");
}

/// `--browser firefox`: no SameSite means None, and a replaced cookie keeps
/// its place.
#[test]
fn firefox_differs_where_it_says() {
    let script = "\
set http://a.example/ Set-Cookie: a=1
set http://a.example/ Set-Cookie: b=2
set http://a.example/ Set-Cookie: a=3
get http://a.example/
get http://a.example/ cross-site subresource
";
    let (chromium, _, _) = jar("chromium", &[], script);
    let (firefox, _, _) = jar("firefox", &["--browser", "firefox"], script);
    assert_eq!(answers(&chromium), ["Cookie: b=2; a=3", "Cookie:"]);
    assert_eq!(answers(&firefox), ["Cookie: a=3; b=2", "Cookie: a=3; b=2"]);
}

/// `--psl FILE`: the given list decides; a missing one is a usage error.
#[test]
fn psl_flag() {
    let list = script_file("psl", "// a tiny list\nexample\n");
    let script = "set http://a.example/ Set-Cookie: x=1; Domain=example\nget http://a.example/\n";
    let (stdout, _, code) = jar("psl-used", &["--psl", list.to_str().unwrap()], script);
    let _ = fs::remove_file(&list);
    assert_eq!(code, Some(0));
    assert_eq!(answers(&stdout), ["Cookie:"], "{stdout}");
    assert!(
        stdout.contains("is a public suffix (the rule example of"),
        "{stdout}"
    );

    let (_, stderr, code) = jar("psl-missing", &["--psl", "/nonexistent/list.dat"], script);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--psl /nonexistent/list.dat"), "{stderr}");
    assert!(stderr.contains("usage: goldfish cookie jar"), "{stderr}");
}

/// `goldfish cookie check` uses the same list: review C5's two examples are
/// refused, and the verdict names the rule.
#[test]
fn check_refuses_public_suffix_domains() {
    for (line, url, rule) in [
        (
            "id=1; Domain=co.uk",
            "http://example.co.uk/",
            "the rule co.uk",
        ),
        (
            "id=1; Domain=github.io",
            "https://alice.github.io/",
            "the rule github.io",
        ),
    ] {
        let out = run_with_timeout(
            Command::new(BIN).args(["cookie", "check", line, "--url", url]),
            Duration::from_secs(10),
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{line}: {stdout}");
        assert!(stdout.contains("Verdict: REJECTED"), "{stdout}");
        assert!(
            stdout.contains(rule),
            "{line}: the verdict names {rule}:\n{stdout}"
        );
    }
}

/// `GET /cookies/jar` over TCP: one request, the whole page.
fn page(server: &common::TestServer, query: &str) -> (u16, String) {
    let raw =
        format!("GET /cookies/jar{query} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    let text = server.exchange(raw.as_bytes());
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// The page replays an example and shows what each request carries.
#[test]
fn the_page_replays_examples() {
    let server = common::start();
    let (status, body) = page(&server, "?example=secure-overwrite");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Leave Secure Cookies Alone"), "{body}");
    assert!(
        body.contains("Cookie: sid=good"),
        "the Secure cookie survives"
    );
    assert!(body.contains("Cookie: sid=rotated"));
    let (_, body) = page(&server, "?example=samesite");
    assert!(body.contains("two-minute grace"), "{body}");
    // With no query, the form and an example script, but no replay yet.
    let (status, body) = page(&server, "");
    assert_eq!(status, 200);
    assert!(body.contains("<textarea name=\"script\""));
    assert!(!body.contains("The replay"));
}

/// Everything the request sends is escaped, and the cost is bounded: at most
/// 100 events run, and the page says so.
#[test]
fn the_page_escapes_and_caps() {
    let server = common::start();
    let evil = goldfish::http::url::percent_encode(
        "set http://a.example/ Set-Cookie: <script>alert(1)</script>=x\nget http://a.example/ <b>\n",
    );
    let (status, body) = page(&server, &format!("?script={evil}&now=%3Cblink%3E"));
    assert_eq!(status, 200);
    assert!(
        !body.contains("<script>alert"),
        "unescaped script tag:\n{body}"
    );
    assert!(!body.contains("<blink>"), "unescaped start time:\n{body}");
    assert!(
        body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{body}"
    );

    let many = goldfish::http::url::percent_encode(&"get http://a.example/\n".repeat(150));
    let (status, body) = page(&server, &format!("?script={many}"));
    assert_eq!(status, 200);
    assert_eq!(body.matches("jar-answer").count(), 100, "100 events run");
    assert!(body.contains("50 more events were not run"), "{body}");
}

/// The checker in the cookie lab links to the jar.
#[test]
fn the_checker_links_to_the_jar() {
    let server = common::start();
    let raw = b"GET /cookies HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    let body = server.exchange(raw);
    assert!(body.contains("href=\"/cookies/jar\""), "{body}");
}

//! The README's walkthroughs, replayed against the real binary: every
//! transcript a learner can copy must print what the README says it prints.
//!
//! # README conventions (what this test reads)
//!
//! Two kinds of fenced blocks are run; every other block (`sh`, `text`, …)
//! is prose to this test.
//!
//! **`` ```console ``** — a shell session. A line starting with `$ ` is a
//! command (a line ending in `\` continues it on the next line); the lines
//! after it, up to the next `$ ` line or the end of the block, are what it
//! prints, stdout and stderr together as a terminal shows them. Commands run
//! with `bash -c`, in order, all in one scratch directory (so a cookie jar
//! written by one command can be read by the next, even in a later block),
//! against one goldfish started for the whole README. `goldfish` in a
//! command is the binary under test (its directory comes first on `PATH`).
//!
//! **`` ```telnet ``** — a telnet session. The first line is the `$ telnet HOST
//! PORT` command and telnet's own chatter follows, up to `Escape character
//! is '^]'.`. After it come the lines the learner types, up to the first
//! line the server sends, which is always a status line starting `HTTP/`;
//! each typed line is sent with CRLF, as telnet does, and an empty line is
//! sent too (it ends the request head). Everything from the status line on
//! is the expected output. A final `Connection closed by foreign host.` is
//! telnet's, not the server's: it means the server must close the
//! connection; without it, the connection must stay open.
//!
//! **Comparing.** Output is compared line by line after these
//! normalizations, applied to both sides:
//! - line endings: CRLF and LF are the same; trailing empty lines are dropped;
//! - port: `5000`, the default, stands for the port of the test server: it
//!   is replaced in commands, and the real port is replaced by `5000` in the
//!   output; likewise `5001` for its second port (the server runs with
//!   `--also-port`, as in the README's ports walkthrough);
//! - dates: every IMF-fixdate (`Wed, 25 Nov 2026 20:44:52 GMT`, as in `Date:`
//!   or a cookie's `Expires=`) compares equal to any other;
//! - versions: `curl/8.5.0` compares equal to `curl/7.88.1`;
//! - curl's commentary: lines curl prints about itself with `-v` (starting
//!   `* `, `{ [` or `} [`) differ between curl versions and are ignored;
//! - elisions: an expected line that is just `…` stands for any number of
//!   lines (to cut the middle of an HTML page); an expected line containing
//!   `…` matches any line in which the text around each `…` appears in that
//!   order (for values that change on every run, such as a signed session
//!   cookie).
//!
//! curl runs with `--no-progress-meter` (from a `.curlrc` in the scratch
//! directory, found through `CURL_HOME`): writing into a pipe, curl would
//! otherwise add the progress meter that a terminal does not show.
//!
//! Write transcripts with `Host: localhost` where you can: a page that echoes
//! the request (the X-ray) changes length with the digits of the port.
//!
//! Blocks whose commands need a program that is not installed (curl, nc)
//! are skipped with a note, except under CI, where that is a failure.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{have, normalize_dates, run_binary_with_env, run_with_timeout};

/// A runnable block of the README.
#[derive(Debug)]
enum Block {
    Console {
        /// 1-based line of the opening fence, for messages.
        line: usize,
        /// Each command with the output the README shows for it.
        steps: Vec<(String, Vec<String>)>,
    },
    Telnet {
        line: usize,
        typed: Vec<String>,
        expected: Vec<String>,
        /// Whether the server closes the connection at the end.
        closes: bool,
    },
}

const TELNET_READY: &str = "Escape character is '^]'.";
const TELNET_CLOSED: &str = "Connection closed by foreign host.";

/// Finds every ```console and ```telnet block.
fn extract(readme: &str) -> Vec<Block> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let kind = lines[i].trim_end().strip_prefix("```").unwrap_or("");
        if kind != "console" && kind != "telnet" {
            i += 1;
            continue;
        }
        let open = i + 1;
        let end = (i + 1..lines.len())
            .find(|&j| lines[j].trim_end() == "```")
            .unwrap_or_else(|| panic!("README.md:{open}: the ```{kind} block is never closed"));
        let body = &lines[i + 1..end];
        blocks.push(if kind == "console" {
            console_block(open, body)
        } else {
            telnet_block(open, body)
        });
        i = end + 1;
    }
    blocks
}

fn console_block(line: usize, body: &[&str]) -> Block {
    let mut steps: Vec<(String, Vec<String>)> = Vec::new();
    let mut it = body.iter();
    while let Some(l) = it.next() {
        if let Some(cmd) = l.strip_prefix("$ ") {
            let mut cmd = cmd.to_string();
            while cmd.ends_with('\\') {
                let next = it
                    .next()
                    .unwrap_or_else(|| panic!("README.md:{line}: a command ends in \\"));
                cmd.push('\n');
                cmd.push_str(next);
            }
            steps.push((cmd, Vec::new()));
        } else {
            let (_, out) = steps.last_mut().unwrap_or_else(|| {
                panic!("README.md:{line}: a ```console block must start with a `$ ` command")
            });
            out.push(l.to_string());
        }
    }
    Block::Console { line, steps }
}

fn telnet_block(line: usize, body: &[&str]) -> Block {
    let ready = body
        .iter()
        .position(|l| l.trim_end() == TELNET_READY)
        .unwrap_or_else(|| panic!("README.md:{line}: a ```telnet block needs {TELNET_READY:?}"));
    let rest = &body[ready + 1..];
    let reply = rest
        .iter()
        .position(|l| l.starts_with("HTTP/"))
        .unwrap_or_else(|| panic!("README.md:{line}: no HTTP/ status line in the telnet block"));
    let typed: Vec<String> = rest[..reply].iter().map(ToString::to_string).collect();
    assert!(!typed.is_empty(), "README.md:{line}: nothing is typed");
    let mut expected: Vec<String> = rest[reply..].iter().map(ToString::to_string).collect();
    let closes = expected.last().map(|l| l.trim_end()) == Some(TELNET_CLOSED);
    if closes {
        expected.pop();
    }
    Block::Telnet {
        line,
        typed,
        expected,
        closes,
    }
}

/// Replaces `from` with `to` where it is a whole number (no digit on either
/// side), so port 5000 does not touch 50000 or 15000.
fn replace_number(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut prev_digit = false;
    while !rest.is_empty() {
        if !prev_digit
            && rest.starts_with(from)
            && !rest[from.len()..].starts_with(|c: char| c.is_ascii_digit())
        {
            out.push_str(to);
            rest = &rest[from.len()..];
            prev_digit = true;
            continue;
        }
        let c = rest.chars().next().unwrap();
        prev_digit = c.is_ascii_digit();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `curl/7.88.1` → `curl/VERSION`.
fn normalize_curl_version(line: &str) -> String {
    match line.find("curl/") {
        Some(i) => {
            let after = &line[i + 5..];
            let len = after
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(after.len());
            format!("{}curl/VERSION{}", &line[..i], &after[len..])
        }
        None => line.to_string(),
    }
}

/// The normalizations of the module docs, for either side.
fn normalize(text: &str) -> Vec<String> {
    let text = normalize_dates(text);
    let mut lines: Vec<String> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !(l.starts_with("* ") || l.starts_with("{ [") || l.starts_with("} [")))
        .map(normalize_curl_version)
        .collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// Whether an actual line matches an expected one (which may elide with `…`).
fn line_matches(expected: &str, actual: &str) -> bool {
    if !expected.contains('…') {
        return expected == actual;
    }
    let parts: Vec<&str> = expected.split('…').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !actual.starts_with(first) || actual.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &actual[first.len()..];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

fn outputs_match(expected: &[String], actual: &[String]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        // A line of just `…` stands for any number of lines, none included.
        Some((e, rest)) if e == "…" => {
            (0..=actual.len()).any(|skip| outputs_match(rest, &actual[skip..]))
        }
        Some((e, rest)) => actual
            .split_first()
            .is_some_and(|(a, more)| line_matches(e, a) && outputs_match(rest, more)),
    }
}

/// The test server's two ports, and the numbers the README writes for them.
struct Ports {
    /// `--port`, written `5000`.
    main: String,
    /// `--also-port`, written `5001`.
    also: String,
}

impl Ports {
    /// A README command, with the real ports.
    fn to_real(&self, text: &str) -> String {
        replace_number(
            &replace_number(text, "5000", &self.main),
            "5001",
            &self.also,
        )
    }

    /// Real output, with the README's port numbers.
    fn to_readme(&self, text: &str) -> String {
        replace_number(
            &replace_number(text, &self.main, "5000"),
            &self.also,
            "5001",
        )
    }
}

/// The actual output, made comparable: real ports → 5000 and 5001, then
/// [`normalize`].
fn normalize_actual(raw: &[u8], ports: &Ports) -> Vec<String> {
    normalize(&ports.to_readme(&String::from_utf8_lossy(raw)))
}

fn mismatch(place: &str, what: &str, expected: &[String], actual: &[String]) -> String {
    format!(
        "{place}: {what} does not print what the README shows.\n\
         --- README (normalized)\n{}\n--- actual (normalized)\n{}\n---",
        expected.join("\n"),
        actual.join("\n")
    )
}

/// Programs a command may need that a fresh machine may lack.
fn missing_tool(cmd: &str) -> Option<&'static str> {
    ["curl", "nc"].into_iter().find(|tool| {
        cmd.split(|c: char| c.is_whitespace() || c == '|' || c == ';' || c == '(')
            .any(|w| w == *tool)
            && !have(tool)
    })
}

/// Runs one console block; returns the failures.
fn run_console(
    line: usize,
    steps: &[(String, Vec<String>)],
    ports: &Ports,
    dir: &Path,
) -> Vec<String> {
    let bin_dir = Path::new(common::BIN).parent().unwrap();
    let path = match std::env::var_os("PATH") {
        Some(p) => {
            let mut dirs = vec![bin_dir.to_path_buf()];
            dirs.extend(std::env::split_paths(&p));
            std::env::join_paths(dirs).unwrap()
        }
        None => bin_dir.as_os_str().to_owned(),
    };
    let mut failures = Vec::new();
    for (cmd, expected) in steps {
        if let Some(tool) = missing_tool(cmd) {
            eprintln!("README.md:{line}: skipped (no {tool}): $ {cmd}");
            continue;
        }
        let real = ports.to_real(cmd);
        // stderr joins stdout, as in a terminal.
        let out = run_with_timeout(
            Command::new("bash")
                .arg("-c")
                .arg(format!("exec 2>&1\n{real}"))
                .current_dir(dir)
                .env("CURL_HOME", dir)
                .env("PATH", &path),
            Duration::from_secs(20),
        );
        let actual = normalize_actual(&out.stdout, ports);
        let expected = normalize(&expected.join("\n"));
        if !outputs_match(&expected, &actual) {
            failures.push(mismatch(
                &format!("README.md:{line}"),
                &format!("`$ {cmd}`"),
                &expected,
                &actual,
            ));
        }
    }
    failures
}

/// Plays one telnet block over TCP; returns the failure, if any.
fn run_telnet(
    line: usize,
    addr: SocketAddr,
    ports: &Ports,
    typed: &[String],
    expected: &[String],
    closes: bool,
) -> Option<String> {
    let mut s = TcpStream::connect(addr).expect("connect to goldfish");
    // Each line as the learner presses Enter: the line and CRLF.
    for l in typed {
        s.write_all(format!("{l}\r\n").as_bytes()).unwrap();
    }
    let expected = normalize(&expected.join("\n"));
    // Read until the server closes; or, for a connection that should stay
    // open, until the output is complete and nothing more comes for 300 ms.
    s.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let (mut got, mut closed) = (Vec::new(), false);
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        match s.read(&mut buf) {
            Ok(0) => {
                closed = true;
                break;
            }
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                closed = true;
                break;
            }
            Err(_) if !closes && outputs_match(&expected, &normalize_actual(&got, ports)) => break,
            Err(_) => {}
        }
    }
    let actual = normalize_actual(&got, ports);
    let place = format!("README.md:{line}");
    if !outputs_match(&expected, &actual) {
        return Some(mismatch(&place, "the telnet session", &expected, &actual));
    }
    match (closes, closed) {
        (true, false) => Some(format!(
            "{place}: the README shows {TELNET_CLOSED:?}, but the server kept the connection open"
        )),
        (false, true) => Some(format!(
            "{place}: the server closed the connection, but the README does not show \
             {TELNET_CLOSED:?}"
        )),
        _ => None,
    }
}

#[test]
fn readme_transcripts_print_what_they_show() {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let blocks = extract(&readme);
    assert!(
        blocks.len() >= 4,
        "the README's walkthroughs are gone? {blocks:#?}"
    );

    // The README's server: `SECRET_KEY='SHHHHHHHHHHH SEEKRIT' cargo run`,
    // so cookies `goldfish session sign` makes with that key are believed;
    // with a second port (`--also-port`) for the ports walkthrough.
    let mut bin = run_binary_with_env(
        &["--quiet", "--also-port", "0"],
        &[("SECRET_KEY", "SHHHHHHHHHHH SEEKRIT")],
    );
    let also = bin.wait_for_stderr(|l| l.contains("Also serving on http://"));
    let also = also
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|addr| addr.parse::<SocketAddr>().ok())
        .unwrap_or_else(|| panic!("cannot find the --also-port address in {also:?}"));
    let ports = Ports {
        main: bin.addr.port().to_string(),
        also: also.port().to_string(),
    };
    let dir = std::env::temp_dir().join(format!("goldfish-readme-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join(".curlrc"), "no-progress-meter\n").unwrap();

    let mut failures = Vec::new();
    for block in &blocks {
        match block {
            Block::Console { line, steps } => {
                failures.extend(run_console(*line, steps, &ports, &dir));
            }
            Block::Telnet {
                line,
                typed,
                expected,
                closes,
            } => failures.extend(run_telnet(
                *line, bin.addr, &ports, typed, expected, *closes,
            )),
        }
    }
    let _ = fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// The extraction itself, on a made-up README, so a convention change is
/// caught here rather than by a puzzling replay failure.
#[test]
fn extraction_follows_the_conventions() {
    let readme = "\
text

```console
$ curl -i http://127.0.0.1:5000/a \\
  -H 'X: y'
HTTP/1.1 200 OK

body
$ echo hi
hi
```

```sh
cargo run
```

```telnet
$ telnet 127.0.0.1 5000
Trying 127.0.0.1...
Connected to 127.0.0.1.
Escape character is '^]'.
GET /
HTTP/1.1 400 Bad Request
Connection: close

why
Connection closed by foreign host.
```
";
    let blocks = extract(readme);
    assert_eq!(blocks.len(), 2, "{blocks:#?}");
    let Block::Console { line, steps } = &blocks[0] else {
        panic!("{blocks:#?}")
    };
    assert_eq!(*line, 3);
    assert_eq!(
        steps[0].0,
        "curl -i http://127.0.0.1:5000/a \\\n  -H 'X: y'"
    );
    assert_eq!(steps[0].1, ["HTTP/1.1 200 OK", "", "body"]);
    assert_eq!(steps[1], ("echo hi".to_string(), vec!["hi".to_string()]));
    let Block::Telnet {
        typed,
        expected,
        closes,
        ..
    } = &blocks[1]
    else {
        panic!("{blocks:#?}")
    };
    assert_eq!(typed, &["GET /"]);
    assert_eq!(
        expected,
        &["HTTP/1.1 400 Bad Request", "Connection: close", "", "why"]
    );
    assert!(*closes);
}

/// The normalizations, each with the reason it exists.
#[test]
fn normalizations() {
    let cases: &[(&str, bool, &str, &str)] = &[
        ("CRLF is LF", true, "a\r\nb\r\n", "a\nb"),
        (
            "dates",
            true,
            "Date: Wed, 25 Nov 2026 20:44:52 GMT",
            "Date: Thu, 01 Jan 2026 00:00:00 GMT",
        ),
        (
            "curl versions",
            true,
            "> User-Agent: curl/7.88.1",
            "> User-Agent: curl/8.11.0",
        ),
        (
            "curl commentary",
            true,
            "* Connected\n< HTTP/1.1 200 OK",
            "< HTTP/1.1 200 OK\n* Connection #0 left intact",
        ),
        (
            "elision",
            true,
            "Set-Cookie: session=…; HttpOnly; Path=/",
            "Set-Cookie: session=eyJ4IjoxfQ.aZ.sig; HttpOnly; Path=/",
        ),
        (
            "elision keeps the rest",
            false,
            "Set-Cookie: session=…; HttpOnly; Path=/",
            "Set-Cookie: session=abc; Path=/",
        ),
        (
            "a line of … is any number of lines",
            true,
            "<!doctype html>\n…\n<p>green</p>\n…",
            "<!doctype html>\n<html>\n<body>\n<p>green</p>\n</body>\n</html>",
        ),
        ("… may stand for no line", true, "a\n…\nb", "a\nb"),
        (
            "… still needs the lines around it",
            false,
            "a\n…\n<p>green</p>",
            "a\n<p>blue</p>",
        ),
        ("a body differs", false, "Hello, World!", "Hello, world!"),
        ("a line is missing", false, "a\nb", "a"),
    ];
    for (why, want, expected, actual) in cases {
        let got = outputs_match(&normalize(expected), &normalize(actual));
        assert_eq!(got, *want, "{why}: {expected:?} vs {actual:?}");
    }
    assert_eq!(
        replace_number("nc 127.0.0.1 5000; :50000 15000 5000/", "5000", "41234"),
        "nc 127.0.0.1 41234; :50000 15000 41234/"
    );
}

//! The "same lesson in Flask" boxes cannot drift: every request of
//! `www/flask/exchanges.txt` is replayed against the real Flask (running
//! `www/flask/lecture.py` under Werkzeug's development server, through
//! `tests/flask/record.py`) and against goldfish, and both response heads
//! must be the ones the file shows; every field that differs between them
//! must have a `why` line (the unit test in `src/app/flask.rs` checks that).
//!
//! `GOLDFISH_RECORD=1 cargo test --test flask_lessons` rewrites the heads
//! from what the two servers send now, keeping the `why` lines.
//!
//! Compared loosely, and only here: `Date` (the time of sending), the
//! version numbers in Flask's `Server` field, and `…` in goldfish's lines
//! (a session cookie's timestamp and signature, a page's length).

mod common;

use std::fs;
use std::io::Write;
use std::process::{Command, Stdio};

use common::{Client, app_with, config, flask_python, quiet, start_handler};
use goldfish::app::flask::{Exchange, parse};
use goldfish::app::{AppConfig, Secret};

const SECRET: &str = "SHHHHHHHHHHH SEEKRIT";
const SEP: &str = "\n=====\n";

fn file() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/www/flask/exchanges.txt").to_string()
}

/// The raw bytes of an exchange's request.
fn raw(ex: &Exchange) -> String {
    let blank = ex.request.iter().position(String::is_empty);
    let (head, body) = match blank {
        Some(i) => (&ex.request[..i], ex.request[i + 1..].join("\r\n")),
        None => (&ex.request[..], String::new()),
    };
    format!("{}\r\n\r\n{body}", head.join("\r\n"))
}

/// Flask's heads, one per request, from `tests/flask/record.py`.
fn flask_heads(python: &str, exchanges: &[&Exchange]) -> Vec<Vec<String>> {
    let dir = env!("CARGO_MANIFEST_DIR");
    let mut child = Command::new(python)
        .arg(format!("{dir}/tests/flask/record.py"))
        .arg(format!("{dir}/www/flask/lecture.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run record.py");
    let input: Vec<String> = exchanges.iter().map(|e| raw(e)).collect();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.join(SEP).as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "record.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .split(SEP)
        .map(lines)
        .collect()
}

fn lines(head: &str) -> Vec<String> {
    head.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// goldfish's head for `raw`, with what changes from run to run elided.
fn goldfish_head(client: &mut Client, raw: &str) -> Vec<String> {
    client.send(raw.as_bytes());
    let r = client.read_response();
    lines(&r.head)
        .into_iter()
        .map(|l| {
            if let Some(v) = l.strip_prefix("Set-Cookie: session=") {
                // payload.timestamp.signature: the payload is the lesson.
                let payload = v.split('.').next().unwrap_or("");
                let attributes = v.split_once(';').map_or("", |(_, a)| a);
                format!("Set-Cookie: session={payload}.…;{attributes}")
            } else if l.starts_with("Content-Length: ") {
                "Content-Length: …".to_string()
            } else {
                l
            }
        })
        .collect()
}

/// Whether an actual head line matches a recorded one.
fn same(recorded: &str, actual: &str) -> bool {
    let name = |l: &str| l.split(':').next().unwrap_or("").to_ascii_lowercase();
    if name(recorded) == "date" && name(actual) == "date" {
        return true;
    }
    let versionless = |l: &str| {
        let mut out = String::new();
        let mut skip = false;
        for c in l.chars() {
            if c == '/' {
                skip = true;
                out.push(c);
            } else if skip && (c.is_ascii_digit() || c == '.') {
            } else {
                skip = false;
                out.push(c);
            }
        }
        out
    };
    if name(recorded) == "server" {
        return versionless(recorded) == versionless(actual);
    }
    recorded == actual
}

fn heads_match(recorded: &[String], actual: &[String]) -> bool {
    recorded.len() == actual.len() && recorded.iter().zip(actual).all(|(r, a)| same(r, a))
}

/// The file again, with new heads and everything else kept.
fn rewrite(text: &str, exchanges: &[Exchange]) -> String {
    let mut out: String = text
        .lines()
        .take_while(|l| !l.starts_with("== "))
        .map(|l| format!("{l}\n"))
        .collect();
    for ex in exchanges {
        out.push_str(&format!("== {}\n", ex.lesson));
        for l in &ex.request {
            out.push_str(&if l.is_empty() {
                ">\n".into()
            } else {
                format!("> {l}\n")
            });
        }
        for (label, head) in [("flask", &ex.flask), ("goldfish", &ex.goldfish)] {
            if !head.is_empty() {
                out.push_str(&format!("{label}\n"));
                for l in head {
                    out.push_str(&format!("| {l}\n"));
                }
            }
        }
        for (name, why) in &ex.why {
            out.push_str(&format!("why {name}: {why}\n"));
        }
        out.push('\n');
    }
    out
}

#[test]
fn flask_and_goldfish_send_the_heads_the_lessons_show() {
    let Some(python) = flask_python() else { return };
    let text = fs::read_to_string(file()).unwrap();
    let mut all = parse(&text);
    let with_request: Vec<&Exchange> = all.iter().filter(|e| !e.request.is_empty()).collect();
    let flask = flask_heads(&python, &with_request);
    assert_eq!(flask.len(), with_request.len(), "one head per request");

    let server = start_handler(
        config(),
        app_with(AppConfig {
            secret_key: Some(Secret(SECRET.as_bytes().to_vec())),
            log: quiet(),
            ..AppConfig::default()
        }),
    );
    let mut failures = Vec::new();
    let mut heads = flask.into_iter();
    for ex in all.iter_mut().filter(|e| !e.request.is_empty()) {
        let raw = raw(ex);
        let flask = heads.next().unwrap();
        let goldfish = goldfish_head(&mut server.connect(), &raw);
        for (who, recorded, actual) in [
            ("Flask", &ex.flask, &flask),
            ("goldfish", &ex.goldfish, &goldfish),
        ] {
            if !heads_match(recorded, actual) {
                failures.push(format!(
                    "{} {:?}: {who} now sends\n  {}\nwhere the file shows\n  {}",
                    ex.lesson,
                    ex.request[0],
                    actual.join("\n  "),
                    recorded.join("\n  ")
                ));
            }
        }
        ex.flask = flask;
        ex.goldfish = goldfish;
    }
    if std::env::var_os("GOLDFISH_RECORD").is_some() {
        fs::write(file(), rewrite(&text, &all)).unwrap();
        eprintln!("rewrote {}", file());
        return;
    }
    assert!(
        failures.is_empty(),
        "{}\n(GOLDFISH_RECORD=1 cargo test --test flask_lessons records what they send now)",
        failures.join("\n\n")
    );
}

/// What `/responses` says of Flask, checked against Flask itself: after
/// `session['responses'].append(answer)` (no reassigning) Flask sends no
/// cookie, so the answer is lost — except for a permanent session, whose
/// cookie Flask re-sends on every response (`SESSION_REFRESH_EACH_REQUEST`,
/// on by default), changed list and all (teaching review C6).
#[test]
fn flask_loses_an_appended_answer_unless_the_session_is_permanent() {
    let Some(python) = flask_python() else { return };
    let script = r#"
from flask import Flask, session
app = Flask(__name__)
app.secret_key = "SHHHHHHHHHHH SEEKRIT"

@app.route("/start/<permanent>")
def start(permanent):
    session["responses"] = ["yes"]
    session.permanent = permanent == "1"
    return "ok"

@app.route("/append")
def append():
    session["responses"].append("no")
    return "ok"

@app.route("/list")
def show():
    return ",".join(session["responses"])

for permanent in ["0", "1"]:
    c = app.test_client()
    c.get(f"/start/{permanent}")
    r = c.get("/append")
    print(permanent, "Set-Cookie" in r.headers, c.get("/list").get_data(as_text=True))
"#;
    let out = Command::new(python).args(["-c", script]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "0 False yes\n1 True yes,no\n",
        "browser-session: no cookie, the answer lost; permanent: re-sent, the answer kept"
    );
}

//! `goldfish cookie jar [--now DATE] [--browser chromium|firefox] [--psl FILE] [FILE|-]`
//!
//! Replays a script of `set`, `get`, `js` and `wait` events (see
//! `cookie::jar::script`) through a modelled browser jar and prints what
//! happened. Like the other subcommands, it returns the text and the exit
//! code; files (the script, the list) are read through the `read` function
//! `main.rs` passes in, so the tests need no disk.
//!
//! | exit | meaning |
//! | --- | --- |
//! | 0 | the script ran (a malformed event is explained in the output) |
//! | 2 | the command itself was wrong (the text says how, then the usage) |

use std::time::SystemTime;

use super::psl::{self, ReadFile, Warn};
use crate::cookie::jar::script::replay;
use crate::cookie::jar::{Browser, Jar};
use crate::http::date::{parse_http_date, unix_seconds, write_imf_fixdate};
use crate::text::Printable;

const USAGE: &str = "usage: goldfish cookie jar [--now 'Sat, 28 Nov 2026 00:00:00 GMT'] \
[--browser chromium|firefox] [--psl FILE] [SCRIPT|-]";

/// No script may run more events than this (a runaway `yes | goldfish …`).
const MAX_EVENTS: usize = 1_000_000;

/// Runs `goldfish cookie jar`. `args` are the words after `jar`; `now` is
/// the clock unless `--now` says otherwise; `read` reads the script (`-`:
/// standard input, the default) and the public suffix list; `warn` gets
/// the one-line warning when no list is found.
pub fn run(args: &[String], now: SystemTime, read: ReadFile, warn: Warn) -> (String, i32) {
    let mut file: Option<&str> = None;
    let mut now_text: Option<&str> = None;
    let mut browser_text: Option<&str> = None;
    let mut psl_path: Option<&str> = None;
    let mut words = args.iter().map(String::as_str);
    while let Some(word) = words.next() {
        let (flag, inline) = match word.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v)),
            _ => (word, None),
        };
        let slot = match flag {
            "-h" | "--help" => return (format!("{USAGE}\n"), 0),
            "--now" => &mut now_text,
            "--browser" => &mut browser_text,
            "--psl" => &mut psl_path,
            _ if word.starts_with("--") => {
                return usage_error(&format!("unknown option {}", Printable(word)));
            }
            _ => {
                if file.replace(word).is_some() {
                    return usage_error("expected one script file (or - for standard input)");
                }
                continue;
            }
        };
        let Some(value) = inline.or_else(|| words.next()) else {
            return usage_error(&format!("{flag} needs a value"));
        };
        if slot.replace(value).is_some() {
            return usage_error(&format!("{flag} was given twice; give it once"));
        }
    }
    let start = match now_text {
        None => unix_seconds(now),
        Some(text) => match parse_http_date(text) {
            Some(t) => unix_seconds(t),
            None => {
                return usage_error(&format!(
                    "--now needs an HTTP date like 'Sat, 28 Nov 2026 00:00:00 GMT', not {}",
                    Printable(text)
                ));
            }
        },
    };
    let browser = match browser_text.map(|b| (b, Browser::parse(b))) {
        None => Browser::Chromium,
        Some((_, Some(b))) => b,
        Some((b, None)) => {
            return usage_error(&format!(
                "--browser is chromium or firefox, not {}",
                Printable(b)
            ));
        }
    };
    let psl = match psl::load(psl_path, read, warn) {
        Ok(psl) => psl,
        Err(e) => return usage_error(&e.to_string()),
    };
    let path = file.unwrap_or("-");
    let script = match read(path) {
        Ok(text) => text,
        Err(e) => {
            return usage_error(&format!("cannot read the script {}: {e}", Printable(path)));
        }
    };
    let mut jar = Jar::new(browser, psl);
    let replayed = replay(&script, &mut jar, start, MAX_EVENTS, false);
    let mut out = String::new();
    let mut date = String::new();
    write_imf_fixdate(start, &mut date);
    out.push_str(&format!(
        "# {browser}'s jar, public suffixes from {} ({} rules), clock at {date}\n",
        Printable(jar.psl().source()),
        jar.psl().len()
    ));
    out.push_str(&replayed.to_text());
    (out, 0)
}

fn usage_error(problem: &str) -> (String, i32) {
    (format!("goldfish cookie jar: {problem}\n{USAGE}\n"), 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;
    use std::time::{Duration, UNIX_EPOCH};

    fn run_with(args: &[&str], script: &str) -> (String, i32) {
        let args: Vec<String> = args.iter().map(ToString::to_string).collect();
        let script = script.to_owned();
        let read = move |p: &str| match p {
            "-" | "s.jar" => Ok(script.clone()),
            _ => Err(io::Error::from(io::ErrorKind::NotFound)),
        };
        run(
            &args,
            UNIX_EPOCH + Duration::from_secs(1_795_638_323),
            &read,
            &mut |_| {},
        )
    }

    #[test]
    fn arguments() {
        let script = "set http://a.test/ Set-Cookie: x=1\nget http://a.test/\n";
        let cases: &[(&str, &[&str], i32, &str)] = &[
            ("stdin by default", &[], 0, "\nCookie: x=1\n"),
            ("a file", &["s.jar"], 0, "\nCookie: x=1\n"),
            (
                "--now",
                &["--now", "Sat, 28 Nov 2026 00:00:00 GMT", "-"],
                0,
                "clock at Sat, 28 Nov 2026",
            ),
            (
                "--now=",
                &["--now=Sat, 28 Nov 2026 00:00:00 GMT"],
                0,
                "clock at Sat, 28 Nov 2026",
            ),
            (
                "--browser firefox",
                &["--browser", "firefox"],
                0,
                "# Firefox's jar",
            ),
            ("help", &["--help"], 0, "usage: goldfish cookie jar"),
            (
                "bad date",
                &["--now", "tomorrow"],
                2,
                "--now needs an HTTP date",
            ),
            (
                "bad browser",
                &["--browser", "lynx"],
                2,
                "chromium or firefox, not lynx",
            ),
            (
                "missing value",
                &["--browser"],
                2,
                "--browser needs a value",
            ),
            (
                "twice",
                &["--browser", "firefox", "--browser=chromium"],
                2,
                "given twice",
            ),
            ("two files", &["a", "b"], 2, "one script file"),
            ("unknown option", &["--fast"], 2, "unknown option --fast"),
            (
                "a missing file",
                &["nope.jar"],
                2,
                "cannot read the script nope.jar",
            ),
            (
                "a missing --psl",
                &["--psl", "nope.dat"],
                2,
                "--psl nope.dat",
            ),
        ];
        for (why, args, want_code, want) in cases {
            let (text, code) = run_with(args, script);
            assert_eq!(
                code, *want_code,
                "{why}: exit = {code}; want {want_code}\n{text}"
            );
            assert!(
                text.contains(want),
                "{why}: printed\n{text}\nwant it to contain {want:?}"
            );
        }
    }
}

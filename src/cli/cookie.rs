//! `goldfish cookie check 'Set-Cookie: …' [--url http://host/path]`
//!
//! The command-line face of the checker. It returns the text to print and
//! the exit code instead of printing and exiting, so `main.rs` stays a
//! one-liner and the tests need no process:
//!
//! | exit | meaning |
//! | --- | --- |
//! | 0 | the browser stores the cookie, or the line deletes one |
//! | 1 | the browser rejects the line |
//! | 2 | the command itself was wrong (the text says how, then the usage) |

use std::time::SystemTime;

use super::psl::{self, ReadFile, Warn};
use crate::cookie::{RequestUrl, Verdict, check_with_psl};
use crate::text::Printable;

const USAGE: &str = "usage: goldfish cookie check 'Set-Cookie: name=value; Path=/' [--url http://localhost/] \
     [--psl FILE]";

/// Runs `goldfish cookie check`. `args` are the words after `check`;
/// `read` reads the public suffix list (`--psl FILE`, else the system's),
/// and `warn` gets the one-line warning when there is none.
///
/// # Examples
///
/// ```
/// use std::time::SystemTime;
/// use goldfish::cli::cookie::run;
///
/// let args = ["sid=1; Secure".to_string(), "--url".into(), "http://example.com/".into()];
/// let no_files = |_: &str| Err(std::io::ErrorKind::NotFound.into());
/// let (text, code) = run(&args, SystemTime::now(), &no_files, &mut |_| {});
/// assert_eq!(code, 1);
/// assert!(text.contains("REJECTED"));
/// ```
pub fn run(args: &[String], now: SystemTime, read: ReadFile, warn: Warn) -> (String, i32) {
    let mut line: Option<&str> = None;
    let mut url: Option<&str> = None;
    let mut psl_path: Option<&str> = None;
    let mut words = args.iter().map(String::as_str);
    while let Some(word) = words.next() {
        if let Some(path) = word.strip_prefix("--psl=") {
            psl_path = Some(path);
            continue;
        }
        if word == "--psl" {
            match words.next() {
                Some(path) => psl_path = Some(path),
                None => return usage_error("--psl needs a file after it"),
            }
            continue;
        }
        let url_value = match word {
            "-h" | "--help" => return (format!("{USAGE}\n"), 0),
            "--url" => match words.next() {
                Some(value) => Some(value),
                None => {
                    return usage_error(
                        "--url needs a URL after it, e.g. --url http://localhost/login",
                    );
                }
            },
            _ => word.strip_prefix("--url="),
        };
        if let Some(value) = url_value {
            if url.replace(value).is_some() {
                return usage_error("--url was given twice; give it once");
            }
        } else if word.starts_with("--") {
            return usage_error(&format!("unknown option {}", Printable(word)));
        } else if line.replace(word).is_some() {
            return usage_error(
                "expected one Set-Cookie line; put it in single quotes so the shell keeps \
                 it together (a ';' would otherwise end the command)",
            );
        }
    }
    let Some(line) = line else {
        return usage_error("missing the Set-Cookie line to check");
    };
    let url = match url.map(RequestUrl::parse) {
        None => RequestUrl::default(),
        Some(Ok(url)) => url,
        Some(Err(e)) => return usage_error(&e.to_string()),
    };
    let psl = match psl::load(psl_path, read, warn) {
        Ok(psl) => psl,
        Err(e) => return usage_error(&e.to_string()),
    };
    let report = check_with_psl(line, &url, now, &psl);
    let code = match report.verdict {
        Verdict::Stored | Verdict::Deletes => 0,
        Verdict::Rejected(_) => 1,
    };
    (report.to_string(), code)
}

fn usage_error(problem: &str) -> (String, i32) {
    (format!("goldfish cookie check: {problem}\n{USAGE}\n"), 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn run(args: &[&str]) -> (String, i32) {
        let args: Vec<String> = args.iter().map(ToString::to_string).collect();
        let files = |p: &str| match p {
            "list.dat" => Ok("co.uk\nexample\n".to_owned()),
            _ => Err(std::io::ErrorKind::NotFound.into()),
        };
        super::run(
            &args,
            UNIX_EPOCH + Duration::from_secs(1_795_638_323),
            &files,
            &mut |_| {},
        )
    }

    #[test]
    fn exit_codes() {
        let cases: &[(&str, &[&str], i32, &str)] = &[
            ("stored", &["fav_color=blue"], 0, "Verdict: STORED"),
            (
                "with the header name",
                &["Set-Cookie: a=b; Path=/"],
                0,
                "Verdict: STORED",
            ),
            ("deletes", &["a=; Max-Age=0"], 0, "Verdict: DELETES"),
            (
                "rejected",
                &["a=b; Secure", "--url", "http://example.com/"],
                1,
                "Verdict: REJECTED",
            ),
            (
                "--url= form",
                &["--url=https://example.com/", "a=b; Secure"],
                0,
                "https://example.com/",
            ),
            ("help", &["--help"], 0, "usage: goldfish cookie check"),
            (
                "review C5: the verdict names the suffix rule",
                &["id=1; Domain=co.uk", "--url", "http://example.co.uk/"],
                1,
                "public suffix (the rule co.uk of",
            ),
            (
                "--psl FILE",
                &[
                    "a=1; Domain=example",
                    "--url",
                    "http://a.example/",
                    "--psl",
                    "list.dat",
                ],
                1,
                "(the rule example of list.dat)",
            ),
            (
                "--psl= form, a missing file",
                &["a=1", "--psl=nope.dat"],
                2,
                "--psl nope.dat",
            ),
            ("no line", &[], 2, "missing the Set-Cookie line"),
            (
                "--url without a value",
                &["a=b", "--url"],
                2,
                "--url needs a URL",
            ),
            ("bad URL", &["a=b", "--url", "ftp://x/"], 2, "not supported"),
            (
                "two --url",
                &["a=b", "--url", "http://a/", "--url=http://b/"],
                2,
                "twice",
            ),
            (
                "unquoted line split by the shell",
                &["a=b", "Path=/"],
                2,
                "single quotes",
            ),
            (
                "unknown option",
                &["--verbose", "a=b"],
                2,
                "unknown option --verbose",
            ),
        ];
        for (why, args, want_code, want_text) in cases {
            let (text, code) = run(args);
            assert_eq!(
                code, *want_code,
                "{why}: cli({args:?}) exit = {code}; want {want_code}\n{text}"
            );
            assert!(
                text.contains(want_text),
                "{why}: cli({args:?}) printed:\n{text}\nwant it to contain {want_text:?}"
            );
            if code == 2 {
                assert_eq!(
                    text.lines().last(),
                    Some(USAGE),
                    "{why}: ends with the usage line"
                );
            }
        }
    }

    #[test]
    fn a_hostile_argument_is_printed_escaped() {
        let (text, code) = run(&["--\u{1b}[2J"]);
        assert_eq!(code, 2);
        assert!(!text.contains('\u{1b}'), "{text:?}");
    }
}

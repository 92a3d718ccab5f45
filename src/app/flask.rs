//! The lessons in Flask, beside goldfish's: the code, and the bytes each
//! one sends for the same request, with every difference said.
//!
//! Two files under `www/flask/` hold it, embedded like the templates:
//! - `lecture.py`: the lessons as a Flask app; a line `# lesson: NAME`
//!   starts the section a lesson page shows;
//! - `exchanges.txt`: for each lesson, requests and the response heads
//!   Flask and goldfish send for them, and one `why` line per header field
//!   that differs. `tests/flask_lessons.rs` replays every request against
//!   the real Flask and against goldfish, and fails when a head changed or
//!   a difference has no `why`; `GOLDFISH_RECORD=1` rewrites the heads.
//!
//! Format of `exchanges.txt` (lines starting `#` are comments):
//! ```text
//! == LESSON                 an exchange of that lesson ("every lesson": whys for all)
//! > GET /x HTTP/1.1         the request, line by line (an empty `>` ends the head;
//! > Host: localhost          lines after it are the body)
//! flask                     then `| ` lines: Flask's response head
//! goldfish                  then `| ` lines: goldfish's (`…` elides what changes per run)
//! why Set-Cookie: …         why that field differs
//! ```

use std::sync::OnceLock;

use super::Ctx;
use crate::template::{Vars, escape};
use crate::www::{self, PageError};

/// One request, and what both servers answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exchange {
    /// The lesson it belongs to (`every lesson`: whys for all of them).
    pub lesson: String,
    /// The request's lines (head, an empty line, the body).
    pub request: Vec<String>,
    /// Flask's response head, one line per line, status line first.
    pub flask: Vec<String>,
    /// goldfish's, with `…` where a value changes from run to run.
    pub goldfish: Vec<String>,
    /// (field name, why it differs). `Status` stands for the status line.
    pub why: Vec<(String, String)>,
}

/// The name of the pseudo-field for the status line, in `why` lines.
pub const STATUS: &str = "Status";

/// Parses `exchanges.txt`.
#[must_use]
pub fn parse(text: &str) -> Vec<Exchange> {
    #[derive(PartialEq)]
    enum In {
        Request,
        Flask,
        Goldfish,
    }
    let mut out: Vec<Exchange> = Vec::new();
    let mut part = In::Request;
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        if let Some(lesson) = line.strip_prefix("== ") {
            out.push(Exchange {
                lesson: lesson.trim().to_string(),
                ..Exchange::default()
            });
            part = In::Request;
            continue;
        }
        let Some(ex) = out.last_mut() else { continue };
        if let Some(req) = line.strip_prefix('>') {
            ex.request
                .push(req.strip_prefix(' ').unwrap_or(req).to_string());
        } else if line == "flask" {
            part = In::Flask;
        } else if line == "goldfish" {
            part = In::Goldfish;
        } else if let Some(head) = line.strip_prefix("| ") {
            match part {
                In::Flask => ex.flask.push(head.to_string()),
                In::Goldfish => ex.goldfish.push(head.to_string()),
                In::Request => {}
            }
        } else if let Some((name, why)) = line.strip_prefix("why ").and_then(|w| w.split_once(": "))
        {
            ex.why.push((name.to_string(), why.to_string()));
        }
    }
    out
}

/// The exchanges, parsed once from the embedded file.
pub fn exchanges() -> &'static [Exchange] {
    static PARSED: OnceLock<Vec<Exchange>> = OnceLock::new();
    PARSED.get_or_init(|| parse(www::embedded_text("flask/exchanges.txt").unwrap_or("")))
}

/// The fields (and `Status`) whose values differ between the two heads.
/// `Date` never counts: both send one, and it is the time of sending.
#[must_use]
pub fn differing(flask: &[String], goldfish: &[String]) -> Vec<String> {
    let fields = |head: &[String]| -> Vec<(String, String)> {
        head.iter()
            .skip(1)
            .filter_map(|l| l.split_once(": "))
            .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
            .filter(|(n, _)| n != "date")
            .collect()
    };
    let (f, g) = (fields(flask), fields(goldfish));
    let mut names: Vec<String> = Vec::new();
    if flask.first() != goldfish.first() {
        names.push(STATUS.to_string());
    }
    for (name, _) in f.iter().chain(g.iter()) {
        let values = |list: &[(String, String)]| -> Vec<String> {
            list.iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .collect()
        };
        let same = values(&f) == values(&g);
        if !same && !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            let shown = flask
                .iter()
                .chain(goldfish)
                .filter_map(|l| l.split_once(": "))
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map_or(name.clone(), |(n, _)| n.to_string());
            names.push(shown);
        }
    }
    names
}

/// Why `field` differs in `ex`: its own `why`, else the one for every lesson.
#[must_use]
pub fn why_for<'e>(ex: &'e Exchange, all: &'e [Exchange], field: &str) -> Option<&'e str> {
    let find = |e: &'e Exchange| {
        e.why
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(field))
            .map(|(_, w)| w.as_str())
    };
    find(ex).or_else(|| {
        all.iter()
            .filter(|e| e.lesson == "every lesson")
            .find_map(find)
    })
}

/// The section of `lecture.py` for `lesson`: from its `# lesson:` line to
/// the next one.
#[must_use]
pub fn code(lecture: &str, lesson: &str) -> Option<String> {
    let marker = format!("# lesson: {lesson}");
    let start = lecture.lines().position(|l| l.trim() == marker)? + 1;
    let lines: Vec<&str> = lecture
        .lines()
        .skip(start)
        .take_while(|l| !l.starts_with("# lesson:"))
        .collect();
    Some(lines.join("\n").trim_end().to_string())
}

/// The "In Flask" box of a lesson page: the code, then each exchange.
///
/// # Errors
/// A template is missing or broken.
pub fn panel(ctx: &Ctx, lesson: &str) -> Result<String, PageError> {
    let lecture = www::embedded_text("flask/lecture.py").unwrap_or("");
    let Some(code) = code(lecture, lesson) else {
        return Ok(String::new());
    };
    let all = exchanges();
    let mut shown = String::new();
    for ex in all.iter().filter(|e| e.lesson == lesson) {
        shown.push_str(&exchange_html(ctx, ex, all)?);
    }
    let vars = Vars::new().text("code", code).html("exchanges", shown);
    ctx.render("flask.html", &vars)
}

fn exchange_html(ctx: &Ctx, ex: &Exchange, all: &[Exchange]) -> Result<String, PageError> {
    // Heads and the list of differences are built in loops, so here.
    let lines = |head: &[String]| -> String {
        head.iter()
            .map(|l| {
                let class = if l.to_ascii_lowercase().starts_with("set-cookie:") {
                    "ln hl-cookie"
                } else {
                    "ln"
                };
                format!("<span class=\"{class}\">{}</span>", escape(l))
            })
            .collect()
    };
    let mut whys = String::new();
    for field in differing(&ex.flask, &ex.goldfish) {
        // Every difference has a `why`: a test checks the file.
        let Some(why) = why_for(ex, all, &field) else {
            continue;
        };
        whys.push_str(&format!(
            "<li><code>{}</code>: {}</li>",
            escape(&field),
            escape(why)
        ));
    }
    let request = ex
        .request
        .iter()
        .take_while(|l| !l.is_empty())
        .next()
        .map_or("", String::as_str);
    let vars = Vars::new()
        .text("request", request)
        .html("flask", lines(&ex.flask))
        .html("goldfish", lines(&ex.goldfish))
        .html("whys", whys);
    ctx.render("flask-exchange.html", &vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
# a comment
== every lesson
why Server: Werkzeug names itself.

== cookie-form
> GET /x HTTP/1.1
> Host: localhost
>
flask
| HTTP/1.1 200 OK
| Server: Werkzeug/3.1.9
| Date: Sun, 29 Nov 2026 00:46:00 GMT
| Set-Cookie: a=\"b c\"; Path=/
goldfish
| HTTP/1.1 200 OK
| Date: Sun, 29 Nov 2026 00:46:01 GMT
| Set-Cookie: a=b%20c; Path=/
why Set-Cookie: quotes against percent-encoding.
";

    #[test]
    fn the_file_parses_into_exchanges() {
        let all = parse(SAMPLE);
        assert_eq!(all.len(), 2);
        let ex = &all[1];
        assert_eq!(ex.lesson, "cookie-form");
        assert_eq!(ex.request, ["GET /x HTTP/1.1", "Host: localhost", ""]);
        assert_eq!(ex.flask.len(), 4);
        assert_eq!(ex.goldfish[2], "Set-Cookie: a=b%20c; Path=/");
        assert_eq!(
            differing(&ex.flask, &ex.goldfish),
            ["Server", "Set-Cookie"],
            "Date never counts"
        );
        assert_eq!(why_for(ex, &all, "server"), Some("Werkzeug names itself."));
        assert_eq!(
            why_for(ex, &all, "Set-Cookie"),
            Some("quotes against percent-encoding.")
        );
        assert_eq!(why_for(ex, &all, "Location"), None);
    }

    #[test]
    fn a_status_line_that_differs_counts() {
        let f = ["HTTP/1.1 302 FOUND".to_string()];
        let g = ["HTTP/1.1 303 See Other".to_string()];
        assert_eq!(differing(&f, &g), [STATUS]);
    }

    #[test]
    fn code_sections_run_to_the_next_marker() {
        let lecture = "x = 1\n# lesson: a\nline a\n\n# lesson: b\nline b\n";
        assert_eq!(code(lecture, "a").as_deref(), Some("line a"));
        assert_eq!(code(lecture, "b").as_deref(), Some("line b"));
        assert_eq!(code(lecture, "c"), None);
    }

    #[test]
    fn every_exchange_is_explained_and_every_lesson_has_code() {
        let all = exchanges();
        assert!(!all.is_empty(), "www/flask/exchanges.txt is empty");
        let lecture = www::embedded_text("flask/lecture.py").unwrap();
        for ex in all.iter().filter(|e| e.lesson != "every lesson") {
            assert!(
                code(lecture, &ex.lesson).is_some(),
                "no code for {}",
                ex.lesson
            );
            for field in differing(&ex.flask, &ex.goldfish) {
                assert!(
                    why_for(ex, all, &field).is_some(),
                    "{} {:?}: {field} differs, and no `why {field}:` line says why",
                    ex.lesson,
                    ex.request.first()
                );
            }
        }
    }
}

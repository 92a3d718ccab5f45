//! The X-ray panel: the bytes of this very exchange, on the page.
//!
//! HTTP is stateless, so whatever a page "remembers" must be in the request
//! that asked for it. The panel shows:
//!
//! 1. the request head exactly as the server received it, one header line
//!    per line (`Cookie` lines highlighted, the state the page relies on
//!    marked), and a small form body after it; the lines a browser adds to
//!    every request on its own (`sec-ch-*`, `Sec-Fetch-*`) are folded at
//!    the end under a "you can ignore these" line;
//! 2. the response head as the server sends it: the status line and every
//!    header field, `Set-Cookie` highlighted. It is rendered by
//!    `Ctx::finish` after the session has added its cookie, so it shows
//!    what really goes on the wire (only `Date`, `Content-Length` and
//!    `Connection` come later, from the connection, and the panel says so);
//! 3. when the page was reached through a `303` — a form that POSTed, then
//!    a GET — that redirect's head too ([`hops`]), since the `Set-Cookie`
//!    often rode on it and not on the page.
//!
//! The values of goldfish's own session cookies (`session`, `sid`) are
//! shortened: they are `HttpOnly`, so scripts cannot read them from
//! `document.cookie`, and a page that printed them whole would hand them to
//! any script on it. The panel says how to see them whole.

pub mod hops;

use std::borrow::Cow;

pub use hops::{Hop, Hops};

use crate::http::Status;
use crate::template::{escape, escape_into};

/// Form bodies up to this size are shown in the X-ray after the head.
const MAX_SHOWN_BODY: usize = 4096;

/// How many characters of a shortened cookie value are shown.
const SHOWN_CHARS: usize = 8;

/// `value` cut to its first characters, `…` and its length, if it is
/// longer: `eyJyZXNw…[70 characters]`. The length stays, so a session
/// cookie that grows is still seen to grow.
#[must_use]
pub fn shorten(value: &str) -> String {
    match value.char_indices().nth(SHOWN_CHARS) {
        Some((i, _)) => format!("{}…[{} characters]", &value[..i], value.chars().count()),
        None => value.to_string(),
    }
}

/// The cookies whose values the panel shortens: goldfish's own session
/// cookies, which it always sets `HttpOnly` (`state::session_cookie`).
#[derive(Debug, Clone, Copy)]
pub struct Masked<'a> {
    pub names: [&'a str; 2],
}

impl Masked<'_> {
    /// `text` (a `Cookie` value, a `Set-Cookie` value, or a mark such as
    /// `session=…`) with the values of masked cookies shortened to their
    /// first characters and `…`.
    #[must_use]
    pub fn apply<'t>(&self, text: &'t str) -> Cow<'t, str> {
        // Most text names neither cookie: one quick look first.
        if !self.names.iter().any(|n| find_short(text, n).is_some()) {
            return Cow::Borrowed(text);
        }
        let needs = text.split(';').any(|pair| self.long_value(pair).is_some());
        if !needs {
            return Cow::Borrowed(text);
        }
        let parts: Vec<String> = text
            .split(';')
            .map(|pair| match self.long_value(pair) {
                Some((name, value)) => format!("{name}={}", shorten(value)),
                None => pair.to_string(),
            })
            .collect();
        Cow::Owned(parts.join(";"))
    }

    /// A `name=value` pair with a masked name and a value long enough to
    /// shorten, split at its `=`.
    fn long_value<'p>(&self, pair: &'p str) -> Option<(&'p str, &'p str)> {
        let (name, value) = pair.split_once('=')?;
        let long = value.chars().count() > SHOWN_CHARS;
        (long && self.names.contains(&name.trim())).then_some((name, value))
    }
}

/// The byte offset of the first `needle` in `hay`, for the short strings
/// of the X-ray (a header line, a mark). `str::find` prepares a two-way
/// search first — worth it for long texts, more work than the whole search
/// for a 30-byte line; here each place where the first byte matches is
/// simply compared.
fn find_short(hay: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let first = *needle.first()?;
    let starts = hay.get(..=hay.len().checked_sub(needle.len())?)?;
    let mut at = 0;
    while let Some(i) = starts[at..].iter().position(|&b| b == first) {
        at += i;
        if hay[at..].starts_with(needle) {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// The lines every browser adds to a request by itself: client hints and
/// fetch metadata. Folded at the end of the panel.
fn is_noise(line: &str) -> bool {
    let starts = |prefix: &str| {
        line.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    starts("sec-ch-") || starts("sec-fetch-")
}

/// The request half, and whether a cookie value was shortened in it.
pub struct RequestPanel {
    pub html: String,
    pub masked: bool,
}

/// The request head as HTML: escaped, one block per line, `Cookie` lines
/// highlighted, and every occurrence of each string in `marks` wrapped in
/// `<mark>` (the state this page depends on). A small form body follows
/// the head, because that is where hidden fields travel.
#[must_use]
pub fn request_html(
    head: &str,
    content_type: Option<&str>,
    body: &[u8],
    marks: &[String],
    masked: Masked<'_>,
) -> RequestPanel {
    // Escape each mark once. A line is escaped straight into the panel
    // unless it holds a mark (most lines hold none).
    // (An empty mark would match everywhere, and never move on.)
    let marks: Vec<Cow<'_, str>> = marks
        .iter()
        .map(|m| match masked.apply(m) {
            Cow::Borrowed(m) => escape(m),
            Cow::Owned(m) => Cow::Owned(escape(&m).into_owned()),
        })
        .filter(|m| !m.is_empty())
        .collect();
    // Copies `text`, escaped, wrapping each occurrence of a mark (the
    // leftmost first; marks never nest).
    let mark = |text: &str, out: &mut String| {
        if marks.is_empty() {
            escape_into(text, out);
            return;
        }
        let escaped = escape(text);
        let mut rest: &str = &escaped;
        loop {
            let hit = marks
                .iter()
                .filter_map(|m| find_short(rest, m).map(|at| (at, m)))
                .min_by_key(|&(at, _)| at);
            let Some((at, m)) = hit else {
                out.push_str(rest);
                return;
            };
            out.push_str(&rest[..at]);
            out.push_str("<mark>");
            out.push_str(m);
            out.push_str("</mark>");
            rest = &rest[at + m.len()..];
        }
    };
    let mut out = String::with_capacity(head.len() * 2);
    let mut noise = String::new();
    let mut noisy = 0;
    let mut any_masked = false;
    for line in head.split_inclusive('\n') {
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            continue;
        }
        let is_cookie = line
            .get(..7)
            .is_some_and(|n| n.eq_ignore_ascii_case("cookie:"));
        if is_cookie {
            let (name, value) = line.split_at(7);
            let shown = masked.apply(value);
            any_masked |= matches!(shown, Cow::Owned(_));
            out.push_str("<span class=\"ln hl-cookie\">");
            if matches!(shown, Cow::Owned(_)) {
                mark(&format!("{name}{shown}"), &mut out);
            } else {
                mark(line, &mut out);
            }
            out.push_str("</span>");
        } else if is_noise(line) {
            noisy += 1;
            noise.push_str("<span class=\"ln\">");
            mark(line, &mut noise);
            noise.push_str("</span>");
        } else {
            out.push_str("<span class=\"ln\">");
            mark(line, &mut out);
            out.push_str("</span>");
        }
    }
    if noisy > 0 {
        out.push_str(&format!(
            "<details class=\"noise\"><summary>…and {noisy} more line{} your browser adds to \
             every request on its own (sec-ch-*, Sec-Fetch-*): you can ignore these for now\
             </summary>{noise}</details>",
            if noisy == 1 { "" } else { "s" }
        ));
    }
    let is_form = content_type.is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if is_form && !body.is_empty() && body.len() <= MAX_SHOWN_BODY {
        out.push_str(
            "<span class=\"ln blank\" title=\"the empty line that ends the head\"></span>",
        );
        out.push_str("<span class=\"ln body\">");
        mark(&String::from_utf8_lossy(body), &mut out);
        out.push_str("</span>");
    }
    RequestPanel {
        html: out,
        masked: any_masked,
    }
}

/// A response head as HTML: the status line, then each field, `Set-Cookie`
/// highlighted and masked. The second item says whether a value was
/// shortened.
pub fn head_html<'h>(
    status: Status,
    headers: impl Iterator<Item = (&'h str, &'h str)>,
    masked: Masked<'_>,
) -> (String, bool) {
    let mut out = String::with_capacity(1024);
    out.push_str("<span class=\"ln status\">HTTP/1.1 ");
    // A status code has three digits (RFC 9110 §15).
    for digit in [status.0 / 100 % 10, status.0 / 10 % 10, status.0 % 10] {
        out.push(char::from_digit(u32::from(digit), 10).unwrap_or('0'));
    }
    out.push(' ');
    escape_into(status.reason(), &mut out);
    out.push_str("</span>");
    let mut any_masked = false;
    for (name, value) in headers {
        let shown = if name.eq_ignore_ascii_case("set-cookie") {
            out.push_str("<span class=\"ln hl-cookie\">");
            let shown = masked.apply(value);
            any_masked |= matches!(shown, Cow::Owned(_));
            shown
        } else {
            out.push_str("<span class=\"ln\">");
            Cow::Borrowed(value)
        };
        escape_into(name, &mut out);
        out.push_str(": ");
        escape_into(&shown, &mut out);
        out.push_str("</span>");
    }
    (out, any_masked)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MASK: Masked<'static> = Masked {
        names: ["session", "sid"],
    };

    fn request(head: &str, marks: &[&str]) -> RequestPanel {
        let marks: Vec<String> = marks.iter().map(ToString::to_string).collect();
        request_html(head, None, b"", &marks, MASK)
    }

    #[test]
    fn marks_wrap_every_occurrence_leftmost_first_and_never_nest() {
        let cases: &[(&[&str], &str, &str)] = &[
            (
                &["a=1"],
                "GET /?a=1&a=1 HTTP/1.1",
                "GET /?<mark>a=1</mark>&amp;<mark>a=1</mark> HTTP/1.1",
            ),
            (
                &["a=12", "12"],
                "GET /?a=12 HTTP/1.1",
                "GET /?<mark>a=12</mark> HTTP/1.1",
            ),
            (
                &["12", "a=12"],
                "GET /?a=12&b=12 HTTP/1.1",
                "GET /?<mark>a=12</mark>&amp;b=<mark>12</mark> HTTP/1.1",
            ),
            (
                &["", "x"],
                "GET /x HTTP/1.1",
                "GET /<mark>x</mark> HTTP/1.1",
            ),
            (
                &["<b>"],
                "GET /?c=<b> HTTP/1.1",
                "GET /?c=<mark>&lt;b&gt;</mark> HTTP/1.1",
            ),
        ];
        for (marks, line, want) in cases {
            let head = format!("{line}\r\n\r\n");
            let got = request(&head, marks).html;
            let want = format!("<span class=\"ln\">{want}</span>");
            assert_eq!(got, want, "marks {marks:?} on {line:?}");
        }
    }

    #[test]
    fn find_short_finds_what_str_find_finds() {
        let cases: &[(&str, &str)] = &[
            ("GET /?a=1&a=1 HTTP/1.1", "a=1"),
            ("abc", "abc"),
            ("abc", "abcd"),
            ("ab", ""),
            ("", "a"),
            ("aaab", "aab"),
            ("fav_color=blue; fav_color=red", "fav_color=red"),
            ("caf\u{e9} x", "\u{e9} x"),
            ("no match here", "xyz"),
        ];
        for (hay, needle) in cases {
            let want = if needle.is_empty() {
                None
            } else {
                hay.find(needle)
            };
            let got = find_short(hay, needle);
            assert_eq!(
                got, want,
                "find_short({hay:?}, {needle:?}) = {got:?}; want {want:?}"
            );
        }
    }

    #[test]
    fn request_panel_escapes_marks_and_highlights() {
        let p = request(
            "GET /step-one?fav-color=%3Cb%3E HTTP/1.1\r\nHost: a\r\nCookie: x=<y>\r\n\r\n",
            &["fav-color=%3Cb%3E"],
        );
        assert_eq!(
            p.html,
            "<span class=\"ln\">GET /step-one?<mark>fav-color=%3Cb%3E</mark> HTTP/1.1</span>\
             <span class=\"ln\">Host: a</span>\
             <span class=\"ln hl-cookie\">Cookie: x=&lt;y&gt;</span>"
        );
        assert!(!p.masked);
    }

    #[test]
    fn a_form_body_follows_the_head() {
        let marks = vec!["fav-color=blue".to_string()];
        let p = request_html(
            "POST /form/step-one HTTP/1.1\r\nHost: a\r\n\r\n",
            Some("application/x-www-form-urlencoded"),
            b"fav-color=blue",
            &marks,
            MASK,
        );
        assert!(
            p.html
                .ends_with("<span class=\"ln body\"><mark>fav-color=blue</mark></span>"),
            "{}",
            p.html
        );
    }

    #[test]
    fn browser_noise_is_folded_at_the_end() {
        let p = request(
            "GET / HTTP/1.1\r\nsec-ch-ua: \"x\"\r\nHost: a\r\nSec-Fetch-Site: none\r\nAccept: */*\r\n\r\n",
            &[],
        );
        let host = p.html.find("Host: a").unwrap();
        let accept = p.html.find("Accept: */*").unwrap();
        let fold = p.html.find("<details").unwrap();
        assert!(host < accept && accept < fold, "{}", p.html);
        assert!(p.html.contains("…and 2 more lines"), "{}", p.html);
        assert!(p.html[fold..].contains("Sec-Fetch-Site: none"));
    }

    #[test]
    fn session_cookie_values_are_shortened_and_marks_still_match() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "the session cookie, among others",
                "a=1; session=eyJmYXZfbnVtYmVyIjo0Mn0.aSYCow.sig; b=2",
                "a=1; session=eyJmYXZf…[34 characters]; b=2",
            ),
            (
                "the sid cookie",
                "sid=C34zXgI18uRNtX8gCdjvb",
                "sid=C34zXgI1…[21 characters]",
            ),
            ("a short value stays whole", "session=abc", "session=abc"),
            (
                "other names stay whole",
                "sessionx=0123456789abcdef",
                "sessionx=0123456789abcdef",
            ),
            (
                "a Set-Cookie line keeps its attributes",
                "session=eyJmYXZfbnVtYmVy.x.y; HttpOnly; Path=/",
                "session=eyJmYXZf…[20 characters]; HttpOnly; Path=/",
            ),
        ];
        for (why, text, want) in cases {
            let got = MASK.apply(text);
            assert_eq!(
                got, *want,
                "{why}: apply({text:?}) = {got:?}; want {want:?}"
            );
        }
        let p = request(
            "GET /session HTTP/1.1\r\nCookie: session=eyJmYXZfbnVtYmVy.x.y\r\n\r\n",
            &["session=eyJmYXZfbnVtYmVy.x.y"],
        );
        assert!(p.masked);
        assert!(
            p.html
                .contains("Cookie: <mark>session=eyJmYXZf…[20 characters]</mark>"),
            "{}",
            p.html
        );
        assert!(
            !p.html.contains("bnVtYmVy"),
            "the whole value leaked: {}",
            p.html
        );
    }

    #[test]
    fn the_response_head_starts_with_its_status_line() {
        let headers = [
            ("Location", "/responses"),
            ("Set-Cookie", "session=eyJmYXZfbnVtYmVy.x.y; HttpOnly"),
        ];
        let (html, masked) = head_html(Status::SEE_OTHER, headers.into_iter(), MASK);
        assert_eq!(
            html,
            "<span class=\"ln status\">HTTP/1.1 303 See Other</span>\
             <span class=\"ln\">Location: /responses</span>\
             <span class=\"ln hl-cookie\">Set-Cookie: session=eyJmYXZf…[20 characters]; HttpOnly</span>"
        );
        assert!(masked);
    }
}

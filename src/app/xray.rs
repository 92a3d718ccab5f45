//! The X-ray panel: the bytes of this very exchange, on the page.
//!
//! HTTP is stateless, so whatever a page "remembers" must be in the request
//! that asked for it. The panel shows the raw request head exactly as the
//! server received it (Cookie lines highlighted, the state the page relies
//! on marked), and the `Set-Cookie` lines of the response being sent.
//!
//! The response half is filled in last ([`fill_response`]), after the
//! session has added its cookie, so it shows what really goes on the wire.

use crate::http::{Request, Response};
use crate::template::escape;

/// Placeholder the layout puts where the response's Set-Cookie lines go.
pub const RESPONSE_MARK: &str = "<!--goldfish:xray-response-->";

/// Form bodies up to this size are shown in the X-ray after the head.
const MAX_SHOWN_BODY: usize = 4096;

/// The request head as HTML: escaped, one line per line, `Cookie` lines
/// highlighted, and every occurrence of each string in `marks` wrapped in
/// `<mark>` (the state this page depends on). A small form body follows
/// the head, because that is where hidden fields travel.
pub fn request_html(req: &Request, marks: &[&str]) -> String {
    // Escape each mark once; a line is only rebuilt if it holds one.
    let marks: Vec<(String, String)> = marks
        .iter()
        .filter(|m| !m.is_empty())
        .map(|m| {
            let m = escape(m).into_owned();
            let marked = format!("<mark>{m}</mark>");
            (m, marked)
        })
        .collect();
    let mark = |text: &str| {
        let mut html = escape(text).into_owned();
        for (m, marked) in &marks {
            if html.contains(m.as_str()) {
                html = html.replace(m.as_str(), marked);
            }
        }
        html
    };
    let mut out = String::with_capacity(req.head().len() * 2);
    for line in req.head().split_inclusive('\n') {
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            continue;
        }
        let is_cookie = line
            .get(..7)
            .is_some_and(|n| n.eq_ignore_ascii_case("cookie:"));
        if is_cookie {
            out.push_str("<span class=\"hl-cookie\">");
            out.push_str(&mark(line));
            out.push_str("</span>");
        } else {
            out.push_str(&mark(line));
        }
        out.push('\n');
    }
    let is_form = req
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if is_form && !req.body().is_empty() && req.body().len() <= MAX_SHOWN_BODY {
        out.push('\n');
        out.push_str(&mark(&String::from_utf8_lossy(req.body())));
        out.push('\n');
    }
    out
}

/// The response's `Set-Cookie` lines as HTML.
pub fn response_html(resp: &Response) -> String {
    let mut out = String::new();
    for value in resp.headers.get_all("set-cookie") {
        out.push_str("<span class=\"hl-cookie\">Set-Cookie: ");
        out.push_str(&escape(value));
        out.push_str("</span>\n");
    }
    if out.is_empty() {
        out.push_str("<span class=\"none\">(no Set-Cookie: this response asks the browser to store nothing)</span>\n");
    }
    out
}

/// Replaces the placeholder in an HTML body with the response's
/// Set-Cookie lines. Called once the response is final.
pub fn fill_response(resp: &mut Response) {
    let is_html = resp
        .headers
        .get("content-type")
        .is_some_and(|t| t.starts_with("text/html"));
    if !is_html {
        return;
    }
    // The panel sits at the end of the page: look for the placeholder's
    // `<` from the end, instead of comparing at every offset from the start.
    let mark = RESPONSE_MARK.as_bytes();
    let body = &resp.body;
    let Some(at) = (0..body.len())
        .rev()
        .filter(|&i| body[i] == b'<')
        .find(|&i| body[i..].starts_with(mark))
    else {
        return;
    };
    let lines = response_html(resp);
    resp.body.splice(at..at + mark.len(), lines.into_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{Limits, Parsed, Status, parse_request};

    fn req(raw: &str) -> Request {
        match parse_request(raw.as_bytes(), &Limits::default()) {
            Ok(Parsed::Complete { value, .. }) => value,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn request_panel_escapes_marks_and_highlights() {
        let r = req("GET /step-one?fav-color=%3Cb%3E HTTP/1.1\r\nHost: a\r\nCookie: x=<y>\r\n\r\n");
        let html = request_html(&r, &["fav-color=%3Cb%3E"]);
        // The head only: a GET has no body to show.
        assert_eq!(
            html,
            "GET /step-one?<mark>fav-color=%3Cb%3E</mark> HTTP/1.1\n\
             Host: a\n\
             <span class=\"hl-cookie\">Cookie: x=&lt;y&gt;</span>\n"
        );
    }

    #[test]
    fn a_form_body_follows_the_head() {
        let r = req("POST /form/step-one HTTP/1.1\r\nHost: 127.0.0.1\r\n\
                     Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 14\r\n\r\n\
                     fav-color=blue");
        let html = request_html(&r, &["fav-color=blue"]);
        assert!(
            html.ends_with("Content-Length: 14\n\n<mark>fav-color=blue</mark>\n"),
            "{html}"
        );
    }

    #[test]
    fn response_lines_replace_the_placeholder() {
        let mut resp = Response::html(Status::OK, format!("<pre>{RESPONSE_MARK}</pre>"));
        resp.headers.append("Set-Cookie", "fav_color=<b>; Path=/");
        fill_response(&mut resp);
        assert_eq!(
            String::from_utf8(resp.body).unwrap(),
            "<pre><span class=\"hl-cookie\">Set-Cookie: fav_color=&lt;b&gt;; Path=/</span>\n</pre>"
        );
    }
}

//! The cookie lessons: the lecture's round trip, and the cookie lab.
//!
//! The lecture's three routes keep their exact names:
//! `GET /cookie-form` → `GET /handle-form-cookie?fav_color=blue` (sets the
//! cookie) → `GET /later-cookie` (the browser brings it back).
//!
//! Request data never reaches a header or a page unescaped: a colour the
//! cookie grammar cannot hold (`a; HttpOnly`, a CR LF, `<script>`) is
//! percent-encoded before it goes into `Set-Cookie`, so it can never add
//! an attribute or a header line, and every page HTML-escapes it.

use super::strategies::StrategyKey;
use std::time::Duration;

use super::Ctx;
use super::pages::{self, Page};
use crate::cookie::{
    self, RequestUrl, SameSite, SetCookie, percent_decode_value, percent_encode_value,
};
use crate::http::url::Query;
use crate::http::{Response, Status};
use crate::template::{Vars, escape};

/// `GET /cookie-form` — asks for your favourite colour.
pub fn form(ctx: &mut Ctx) -> Response {
    Page::new("A cookie round trip", "cookie-form.html")
        .facts(StrategyKey::Cookie)
        .render(ctx, Vars::new())
}

/// The cookie value for a colour: as typed when the cookie grammar allows
/// it, percent-encoded otherwise. The second item says whether it changed.
///
/// A `%` is encoded too, even though the grammar allows it: `/later-cookie`
/// decodes what it reads, so a colour typed as `a%20b` must travel as
/// `a%2520b`, or it would come back as `a b` (and share a cookie value with
/// the colour `a b`).
fn cookie_value(color: &str) -> (String, bool) {
    match SetCookie::new("fav_color", color).validate() {
        Ok(()) if !color.contains('%') => (color.to_string(), false),
        _ => (percent_encode_value(color), true),
    }
}

/// `GET /handle-form-cookie?fav_color=blue` — sets the `fav_color` cookie.
pub fn handle_form(ctx: &mut Ctx) -> Response {
    let query = match ctx.query() {
        Ok(q) => q,
        Err(bad) => return bad,
    };
    let Some(color) = query.get("fav_color") else {
        return pages::error(
            ctx.req,
            Status::BAD_REQUEST,
            "The query parameter fav_color is missing: try /handle-form-cookie?fav_color=blue \
             (the form at /cookie-form sends it for you).",
        );
    };
    let color = match ctx.short("fav_color", color, "fav_color=blue") {
        Ok(c) => c,
        Err(too_long) => return too_long,
    };
    let (value, encoded) = cookie_value(color);
    let line = match ctx.set_cookie(&SetCookie::new("fav_color", value.clone()).path("/")) {
        Ok(line) => line,
        Err(e) => {
            return pages::error(
                ctx.req,
                Status::BAD_REQUEST,
                &format!("That colour cannot be stored: {e}"),
            );
        }
    };
    let note = if encoded {
        format!(
            "<p class=\"note\">A cookie value cannot contain spaces, <code>;</code>, <code>,</code>, \
             quotes, backslashes, control characters or non-ASCII text (and a <code>%</code> \
             must be encoded too, so the value decodes to what you typed), so goldfish \
             percent-encoded your colour to <code>{}</code>. Without that, a value like \
             <code>a; HttpOnly</code> would have added an attribute.</p>",
            escape(&value)
        )
    } else {
        String::new()
    };
    let raw_query = ctx.req.query_string().unwrap_or("");
    Page::new("Cookie set", "response-cookie.html")
        .facts(StrategyKey::Cookie)
        .mark(raw_query)
        .render(
            ctx,
            Vars::new()
                .text("color", color)
                .text("set_cookie", line)
                .html("encoding_note", note),
        )
}

/// `GET /later-cookie` — what the browser brought back.
pub fn later(ctx: &mut Ctx) -> Response {
    let value = ctx.cookies().get("fav_color").map(str::to_string);
    let (color, decoded_note) = match &value {
        None => ("<unset>".to_string(), String::new()),
        Some(v) => {
            let note = match percent_decode_value(v) {
                Some(d) if d != *v => format!(
                    "<p class=\"note\">The value is percent-encoded; decoded, it reads <strong>{}</strong>.</p>",
                    escape(&d)
                ),
                _ => String::new(),
            };
            (v.clone(), note)
        }
    };
    let mark = value
        .as_ref()
        .map(|v| format!("fav_color={v}"))
        .unwrap_or_default();
    Page::new("Cookie read", "later-cookie.html")
        .facts(StrategyKey::Cookie)
        .mark(&mark)
        .render(
            ctx,
            Vars::new()
                .text("color", color.as_str())
                .html("decoded_note", decoded_note),
        )
}

/// What the lab page shows above its forms.
#[derive(Default)]
struct LabResult {
    /// The Set-Cookie line just sent.
    sent: Option<String>,
    /// Why the form's cookie was refused.
    refused: Option<String>,
    /// The checker's report, as text.
    report: Option<String>,
    /// The checker's input, to show it again.
    check_line: String,
    check_url: String,
}

/// `GET /cookies` — the cookie lab.
pub fn lab(ctx: &mut Ctx) -> Response {
    lab_page(ctx, Status::OK, LabResult::default())
}

/// `POST /cookies` — sets the cookie described by the form.
pub fn lab_set(ctx: &mut Ctx) -> Response {
    let form = match ctx.form() {
        Ok(f) => f,
        Err(bad) => return bad,
    };
    match cookie_from_form(&form, ctx.now) {
        Ok(cookie) => match ctx.set_cookie(&cookie) {
            Ok(line) => lab_page(
                ctx,
                Status::OK,
                LabResult {
                    sent: Some(line),
                    ..LabResult::default()
                },
            ),
            Err(e) => refused(ctx, e.to_string()),
        },
        Err(message) => refused(ctx, message),
    }
}

fn refused(ctx: &mut Ctx, message: String) -> Response {
    lab_page(
        ctx,
        Status::BAD_REQUEST,
        LabResult {
            refused: Some(message),
            ..LabResult::default()
        },
    )
}

/// Builds the cookie the lab's form describes.
fn cookie_from_form(form: &Query, now: std::time::SystemTime) -> Result<SetCookie, String> {
    let field = |name: &str| form.get(name).map(str::trim).unwrap_or("");
    let name = field("name");
    let mut value = form.get("value").unwrap_or("").to_string();
    if form.get("encode").is_some() {
        value = percent_encode_value(&value);
    }
    let mut cookie = SetCookie::new(name, value);
    let seconds = |what: &str, text: &str| {
        text.parse::<i64>().map_err(|_| {
            format!("{what} must be a whole number of seconds, like 60 or -1, not {text:?}")
        })
    };
    if !field("expires_in").is_empty() {
        let secs = seconds("Expires in", field("expires_in"))?;
        let t = if secs >= 0 {
            now.checked_add(Duration::from_secs(secs.unsigned_abs()))
        } else {
            now.checked_sub(Duration::from_secs(secs.unsigned_abs()))
        };
        cookie = cookie.expires(t.ok_or("that Expires is too far away to represent")?);
    }
    if !field("max_age").is_empty() {
        cookie = cookie.max_age(seconds("Max-Age", field("max_age"))?);
    }
    if !field("domain").is_empty() {
        cookie = cookie.domain(field("domain"));
    }
    if !field("path").is_empty() {
        cookie = cookie.path(field("path"));
    }
    cookie = cookie
        .secure(form.get("secure").is_some())
        .http_only(form.get("httponly").is_some())
        .partitioned(form.get("partitioned").is_some());
    cookie = match field("samesite") {
        "" => cookie,
        "Strict" => cookie.same_site(SameSite::Strict),
        "Lax" => cookie.same_site(SameSite::Lax),
        "None" => cookie.same_site(SameSite::None),
        other => {
            return Err(format!(
                "SameSite must be Strict, Lax or None, not {other:?}"
            ));
        }
    };
    Ok(cookie)
}

/// `POST /cookies/delete` — asks the browser to drop a cookie.
pub fn lab_delete(ctx: &mut Ctx) -> Response {
    let form = match ctx.form() {
        Ok(f) => f,
        Err(bad) => return bad,
    };
    let field = |name: &str| form.get(name).map(str::trim).unwrap_or("").to_string();
    let mut cookie = SetCookie::new(field("name"), "").path(if field("path").is_empty() {
        "/".to_string()
    } else {
        field("path")
    });
    if !field("domain").is_empty() {
        cookie = cookie.domain(field("domain"));
    }
    let removal = cookie.removal();
    match ctx.set_cookie(&removal) {
        Ok(line) => lab_page(
            ctx,
            Status::OK,
            LabResult {
                sent: Some(line),
                ..LabResult::default()
            },
        ),
        Err(e) => refused(ctx, e.to_string()),
    }
}

/// `POST /cookies/check` — "why doesn't my cookie stick?"
pub fn lab_check(ctx: &mut Ctx) -> Response {
    let form = match ctx.form() {
        Ok(f) => f,
        Err(bad) => return bad,
    };
    let line = form.get("line").unwrap_or("").trim().to_string();
    let url_text = form
        .get("url")
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or("http://localhost/")
        .to_string();
    // The form shows the line again for editing: only the part that was
    // checked (`MAX_CHECKED_LINE`), so a huge line costs a small page.
    let (report, line) = match RequestUrl::parse(&url_text) {
        Ok(url) => {
            let report = cookie::check_with_psl(&line, &url, ctx.now, &ctx.app.psl);
            let checked = report.line.clone();
            (report.to_string(), checked)
        }
        Err(e) => (
            format!(
                "The URL {} cannot be used: {e}",
                crate::text::Excerpt(&url_text, 200)
            ),
            line.chars().take(200).collect(),
        ),
    };
    lab_page(
        ctx,
        Status::OK,
        LabResult {
            report: Some(report),
            check_line: line,
            check_url: url_text.chars().take(2048).collect(),
            ..LabResult::default()
        },
    )
}

/// The most cookies the lab lists (each with its Delete form).
const MAX_COOKIE_ROWS: usize = 50;

fn lab_page(ctx: &mut Ctx, status: Status, result: LabResult) -> Response {
    let cookie_lines: Vec<String> = ctx
        .req
        .headers_named("cookie")
        .map(str::to_string)
        .collect();
    let mut rows = String::new();
    // A browser sends at most a few dozen cookies to one site; a client can
    // send thousands of empty ones in 16 KiB (`a=;a=;…`), each of which
    // would become a row with a form. Past `MAX_COOKIE_ROWS`, they are counted.
    let total = ctx.cookies().iter().count();
    for (name, value) in ctx.cookies().iter().take(MAX_COOKIE_ROWS) {
        rows.push_str(&format!(
            "<tr><td><code>{n}</code></td><td><code>{v}</code></td><td>\
             <form method=\"post\" action=\"/cookies/delete\" class=\"inline\">\
             <input type=\"hidden\" name=\"name\" value=\"{n}\">\
             <label>Path <input name=\"path\" value=\"/\" size=\"6\"></label> \
             <button type=\"submit\" class=\"secondary\">Delete</button></form></td></tr>\n",
            n = escape(name),
            v = escape(value)
        ));
    }
    if total > MAX_COOKIE_ROWS {
        rows.push_str(&format!(
            "<tr><td colspan=\"3\"><em>… and {} more cookies, not listed one by one.</em></td></tr>\n",
            total - MAX_COOKIE_ROWS
        ));
    }
    if rows.is_empty() {
        rows.push_str("<tr><td colspan=\"3\"><em>Your browser sent no cookies with this request.</em></td></tr>\n");
    }
    let received = if cookie_lines.is_empty() {
        "(no Cookie header in this request)".to_string()
    } else {
        cookie_lines
            .iter()
            .map(|l| format!("Cookie: {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut outcome = String::new();
    if let Some(line) = &result.sent {
        outcome.push_str(&format!(
            "<div class=\"card ok\"><strong>Sent with this response:</strong><pre class=\"wire\">Set-Cookie: {}</pre>\
             <p class=\"note\">Reload the page to see what your browser does with it: the table and \
             <em>What JavaScript sees</em> update with the next request.</p></div>",
            escape(line)
        ));
    }
    if let Some(why) = &result.refused {
        outcome.push_str(&format!(
            "<div class=\"card bad\"><strong>goldfish refused to send that cookie:</strong><p>{}</p></div>",
            escape(why)
        ));
    }
    let report = match &result.report {
        Some(r) => format!(
            "<h3>What a browser would do</h3><pre class=\"wire\" id=\"check-report\">{}</pre>",
            escape(r)
        ),
        None => String::new(),
    };
    let check_line = if result.check_line.is_empty() {
        "Set-Cookie: id=42; SameSite=None".to_string()
    } else {
        result.check_line.clone()
    };
    let check_url = if result.check_url.is_empty() {
        "http://localhost/".to_string()
    } else {
        result.check_url.clone()
    };
    Page::new("The cookie lab", "cookie-lab.html")
        .facts(StrategyKey::Cookie)
        .render_status(
            ctx,
            status,
            Vars::new()
                .html("cookie_rows", rows)
                .text("received", received)
                .html("outcome", outcome)
                .html("report", report)
                .text("check_line", check_line)
                .text("check_url", check_url),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_value_encodes_what_the_grammar_or_decoding_cannot_take() {
        let cases: &[(&str, &str, &str, bool)] = &[
            ("a plain colour goes as typed", "blue", "blue", false),
            (
                "';' would add an attribute",
                "a; HttpOnly",
                "a%3B%20HttpOnly",
                true,
            ),
            ("CR LF would add a header line", "x\r\ny", "x%0D%0Ay", true),
            ("'%' would be decoded later", "a%20b", "a%2520b", true),
            ("a lone '%' too", "100%", "100%25", true),
        ];
        for (why, color, want, want_changed) in cases {
            let got = cookie_value(color);
            assert_eq!(
                got,
                (want.to_string(), *want_changed),
                "{why}: cookie_value({color:?}) = {got:?}; want ({want:?}, {want_changed})"
            );
            assert_eq!(
                percent_decode_value(&got.0).as_deref(),
                Some(*color),
                "{why}: the value must decode to the colour"
            );
        }
    }
}

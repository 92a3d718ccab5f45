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
    self, CookieError, RequestUrl, SameSite, SetCookie, Verdict, percent_decode_value,
    percent_encode_value,
};
use crate::http::url::Query;
use crate::http::{Response, Status};
use crate::template::{Vars, escape};

/// `GET /cookie-form` — asks for your favourite colour.
pub fn form(ctx: &mut Ctx) -> Response {
    Page::new("A cookie round trip", "cookie-form.html")
        .flask("cookie-form")
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
        return pages::lesson_error(
            ctx,
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
            return pages::lesson_error(
                ctx,
                Status::BAD_REQUEST,
                &format!("That colour cannot be stored: {e}"),
            );
        }
    };
    let note = if encoded {
        let vars = Vars::new().text("value", value.as_str());
        match ctx.render("response-cookie-encoded.html", &vars) {
            Ok(html) => html,
            Err(e) => return pages::template_bug(&e),
        }
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

/// `GET /later-cookie` — what the browser brought back: the colour as
/// typed in the headline (what Flask's `request.cookies.get` would give),
/// the encoded bytes in a note.
pub fn later(ctx: &mut Ctx) -> Response {
    let value = ctx.cookies().get("fav_color").map(str::to_string);
    let (color, encoded_note) = match &value {
        None => ("<unset>".to_string(), String::new()),
        Some(raw) => match percent_decode_value(raw) {
            Some(decoded) if decoded != *raw => {
                let vars = Vars::new()
                    .text("raw", raw.as_str())
                    .text("color", decoded.as_str());
                match ctx.render("later-cookie-encoded.html", &vars) {
                    Ok(html) => (decoded, html),
                    Err(e) => return pages::template_bug(&e),
                }
            }
            _ => (raw.clone(), String::new()),
        },
    };
    let mark = value
        .as_ref()
        .map(|v| format!("fav_color={v}"))
        .unwrap_or_default();
    let origin = ctx.origin();
    Page::new("Cookie read", "later-cookie.html")
        .facts(StrategyKey::Cookie)
        .mark(mark)
        .render(
            ctx,
            Vars::new()
                .text("color", color.as_str())
                .html("encoded_note", encoded_note)
                .text("origin", origin),
        )
}

/// `GET /cookies` — the cookie lab. After a POST and its 303, the
/// redirect's record (`?via=`) says which `Set-Cookie` line was sent, and
/// what a browser does with it.
pub fn lab(ctx: &mut Ctx) -> Response {
    let outcome = match sent_by_lab(ctx) {
        Some(lines) => sent_html(ctx, &lines),
        None => Ok(String::new()),
    };
    match outcome {
        Ok(html) => lab_page(ctx, Status::OK, html, String::new(), None),
        Err(e) => pages::template_bug(&e),
    }
}

/// The `Set-Cookie` lines of the lab's own redirect that led here.
fn sent_by_lab(ctx: &Ctx) -> Option<Vec<String>> {
    let hop = ctx.hop()?;
    let from_lab = hop.request_line.starts_with("POST /cookies ")
        || hop.request_line.starts_with("POST /cookies/delete ");
    from_lab.then(|| {
        hop.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.clone())
            .collect()
    })
}

/// The card above the forms: each line sent, and what a browser does with
/// it, by goldfish's checker, for this very page's URL.
fn sent_html(ctx: &Ctx, lines: &[String]) -> Result<String, crate::www::PageError> {
    let url = RequestUrl::parse(&format!("{}/cookies", ctx.origin())).ok();
    let mut html = String::new();
    for line in lines {
        let verdict = url
            .as_ref()
            .map(|u| cookie::check_with_psl(line, u, ctx.now, &ctx.app.psl).verdict);
        let (class, verdict, advice) = match verdict {
            Some(Verdict::Stored) | None => (
                "ok",
                "A browser keeps this cookie.".to_string(),
                "It is in the table below if your browser kept it: this page is the GET your \
                 browser made after the redirect, and it carried every cookie it holds."
                    .to_string(),
            ),
            Some(Verdict::Deletes) => (
                "ok",
                "This line deletes the cookie: its expiry is already past.".to_string(),
                "It is gone from the table below: the request for this page no longer carried it."
                    .to_string(),
            ),
            Some(Verdict::Rejected(why)) => (
                "bad",
                format!("A browser rejects this line: {why}."),
                match why.devtools() {
                    Some(d) => format!(
                        "goldfish sent it anyway, so you can watch your browser refuse it: it is \
                         not in the table below. In DevTools, open Network, click the POST \
                         /cookies request, then its Cookies tab: Chromium lists the line as \
                         blocked ({}): \u{201c}{}\u{201d}",
                        d.reason, d.sentence
                    ),
                    None => "goldfish sent it anyway, so you can watch your browser refuse it: it \
                             is not in the table below. In DevTools, open Network, click the POST \
                             /cookies request, then its Cookies tab: the line is listed as \
                             blocked, with the reason."
                        .to_string(),
                },
            ),
        };
        let vars = Vars::new()
            .text("class", class)
            .text("line", line.as_str())
            .text("verdict", verdict)
            .text("advice", advice);
        html.push_str(&ctx.render("lab-sent.html", &vars)?);
    }
    Ok(html)
}

/// `POST /cookies` — sends the cookie the form describes, exactly as
/// described (a line a browser will refuse included), then `303` back to
/// `GET /cookies`, so a reload never sends it again.
pub fn lab_set(ctx: &mut Ctx) -> Response {
    let form = match ctx.form() {
        Ok(f) => f,
        Err(bad) => return bad,
    };
    let cookie = match cookie_from_form(&form, ctx.now) {
        Ok(c) => c,
        Err(message) => return refused(ctx, &message),
    };
    match ctx.set_cookie_as_typed(&cookie) {
        Ok(_) => Response::see_other("/cookies"),
        Err(e) => {
            let why = form_words(&e);
            refused(ctx, &why)
        }
    }
}

/// A line goldfish will not send, in words that fit the form.
fn refused(ctx: &mut Ctx, why: &str) -> Response {
    let html = ctx.render("lab-refused.html", &Vars::new().text("why", why));
    match html {
        Ok(html) => lab_page(ctx, Status::BAD_REQUEST, html, String::new(), None),
        Err(e) => pages::template_bug(&e),
    }
}

/// Why the lab will not send a line, said for the form rather than for
/// the `SetCookie` builder's Rust API.
fn form_words(e: &LabRefusal) -> String {
    match e {
        LabRefusal::Name => "The name must be one word of letters, digits and \
            !#$%&'*+-.^_`|~ — no spaces, '=', ';' or quotes (RFC 6265 §4.1.1): a browser would \
            read any of those as something else, e.g. the name of 'a=b' is 'a'."
            .to_string(),
        LabRefusal::Value => "The value holds a ';' or a control character (such as a line \
            break). A ';' would end the value and start an attribute, and a line break would \
            end the header. Tick \"percent-encode the value\" to send it as %3B, %0A…"
            .to_string(),
        LabRefusal::Attribute { attribute } => format!(
            "The {attribute} holds a ';' or a control character: a ';' would end it and start \
             another attribute, and a line break would end the header. Remove it."
        ),
        LabRefusal::Unwritable(CookieError::TooLong { len }) => format!(
            "The name and value together are {len} bytes; browsers ignore a cookie over 4096 \
             (RFC 6265bis §5.6), so goldfish does not send it. Shorten the value."
        ),
        LabRefusal::Unwritable(CookieError::AttributeTooLong { attribute, len }) => format!(
            "The {attribute} is {len} bytes; browsers ignore an attribute over 1024 \
             (RFC 6265bis §5.6). Shorten it."
        ),
        LabRefusal::Unwritable(CookieError::ExpiresOutOfRange { year }) => format!(
            "Expires would fall in the year {year}, and a cookie date must be between 1601 and \
             9999 (RFC 6265 §5.1.1). Use fewer seconds."
        ),
        LabRefusal::Unwritable(e) => format!("goldfish cannot write this line: {e}."),
    }
}

/// Builds the cookie the lab's form describes.
fn cookie_from_form(form: &Query, now: std::time::SystemTime) -> Result<SetCookie, String> {
    let field = |name: &str| form.get(name).map_or("", str::trim);
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

/// `POST /cookies/delete` — asks the browser to drop a cookie, then `303`
/// back to the lab.
pub fn lab_delete(ctx: &mut Ctx) -> Response {
    let form = match ctx.form() {
        Ok(f) => f,
        Err(bad) => return bad,
    };
    let field = |name: &str| form.get(name).map_or("", str::trim).to_string();
    let mut cookie = SetCookie::new(field("name"), "").path(if field("path").is_empty() {
        "/".to_string()
    } else {
        field("path")
    });
    if !field("domain").is_empty() {
        cookie = cookie.domain(field("domain"));
    }
    match ctx.set_cookie_as_typed(&cookie.removal()) {
        Ok(_) => Response::see_other("/cookies"),
        Err(e) => {
            let why = form_words(&e);
            refused(ctx, &why)
        }
    }
}

/// `POST /cookies/check` — "why doesn't my cookie stick?" The page opens
/// at the report (`#check-report`).
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
        .map_or_else(|| format!("{}/", ctx.origin()), str::to_string);
    // The form shows the line again for editing: only the part that was
    // checked (`MAX_CHECKED_LINE`), so a huge line costs a small page.
    let (class, verdict, report, line) = match RequestUrl::parse(&url_text) {
        Ok(url) => {
            let report = cookie::check_with_psl(&line, &url, ctx.now, &ctx.app.psl);
            let (class, verdict) = match &report.verdict {
                Verdict::Stored => ("ok", "Stored: a browser keeps this cookie".to_string()),
                Verdict::Deletes => ("ok", "Deletes: the cookie is already expired".to_string()),
                Verdict::Rejected(why) => ("bad", format!("Rejected: {why}")),
            };
            let checked = report.line.clone();
            (class, verdict, report.to_string(), checked)
        }
        Err(e) => (
            "bad",
            "That URL cannot be used".to_string(),
            format!(
                "The URL {} cannot be used: {e}",
                crate::text::Excerpt(&url_text, 200)
            ),
            line.chars().take(200).collect(),
        ),
    };
    let vars = Vars::new()
        .text("class", class)
        .text("verdict", verdict)
        .text("report", report);
    let html = match ctx.render("lab-report.html", &vars) {
        Ok(html) => html,
        Err(e) => return pages::template_bug(&e),
    };
    let url_text = url_text.chars().take(2048).collect();
    lab_page(ctx, Status::OK, String::new(), html, Some((line, url_text)))
}

/// The most cookies the lab lists (each with its Delete form).
const MAX_COOKIE_ROWS: usize = 50;

/// The lab page: `outcome` above the forms, the checker's `report`, and
/// the checker's input to show again.
fn lab_page(
    ctx: &mut Ctx,
    status: Status,
    outcome: String,
    report: String,
    check: Option<(String, String)>,
) -> Response {
    let cookie_lines: Vec<String> = ctx
        .req
        .headers_named("cookie")
        .map(str::to_string)
        .collect();
    // One row per cookie: a loop, so it is built here.
    let mut rows = String::new();
    // A browser sends at most a few dozen cookies to one site; a client can
    // send thousands of empty ones in 16 KiB (`a=;a=;…`), each of which
    // would become a row with a form. Past `MAX_COOKIE_ROWS`, they are counted.
    let total = ctx.cookies().iter().count();
    for (name, value) in ctx.cookies().iter().take(MAX_COOKIE_ROWS) {
        rows.push_str(&format!(
            "<tr role=\"row\"><td role=\"cell\" data-label=\"name\"><code>{n}</code></td>\
             <td role=\"cell\" data-label=\"value\"><code>{v}</code></td>\
             <td role=\"cell\" data-label=\"delete\"><form method=\"post\" action=\"/cookies/delete\">\
             <input type=\"hidden\" name=\"name\" value=\"{n}\">\
             <label>Path <input name=\"path\" value=\"/\" size=\"6\"></label> \
             <button type=\"submit\" class=\"secondary\">Delete {n}</button></form></td></tr>\n",
            n = escape(name),
            v = escape(value)
        ));
    }
    if total > MAX_COOKIE_ROWS {
        rows.push_str(&format!(
            "<tr role=\"row\"><td role=\"cell\" colspan=\"3\"><em>… and {} more cookies, not listed one by one.</em></td></tr>\n",
            total - MAX_COOKIE_ROWS
        ));
    }
    if rows.is_empty() {
        rows.push_str("<tr role=\"row\"><td role=\"cell\" colspan=\"3\"><em>Your browser sent no cookies with this request.</em></td></tr>\n");
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
    let (check_line, check_url) = check.unwrap_or_else(|| {
        (
            "Set-Cookie: id=42; SameSite=None".to_string(),
            format!("{}/", ctx.origin()),
        )
    });
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

/// Why the lab will not send a line at all. Everything else it sends as
/// typed, even lines a browser will refuse: seeing the browser refuse
/// them, in DevTools, is the lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabRefusal {
    /// The name is empty or not a token: a browser would read another name.
    Name,
    /// The value has a `;` (it would start an attribute) or a control
    /// character (CR LF would end the header: response splitting).
    Value,
    /// Domain or Path has a `;` or a control character.
    Attribute { attribute: &'static str },
    /// A rule about what can be written at all: the lengths browsers
    /// accept, a date the cookie-date format can hold.
    Unwritable(CookieError),
}

/// What the lab never sends: anything that could add an attribute or a
/// header line, or that cannot be written. Checked piece by piece (not by
/// the builder's `validate`, which stops at the first rule broken, and
/// many of those the lab sends on purpose).
pub fn lab_refusal(cookie: &SetCookie) -> Result<(), LabRefusal> {
    let unsafe_char = |c: char| c == ';' || c.is_control();
    let name = cookie.name();
    if name.is_empty() || !name.bytes().all(crate::abnf::is_tchar) {
        return Err(LabRefusal::Name);
    }
    if cookie.value().chars().any(unsafe_char) {
        return Err(LabRefusal::Value);
    }
    let len = name.len() + cookie.value().len();
    if len > cookie::MAX_NAME_VALUE {
        return Err(LabRefusal::Unwritable(CookieError::TooLong { len }));
    }
    for (attribute, value) in [("Domain", cookie.get_domain()), ("Path", cookie.get_path())] {
        let Some(value) = value else { continue };
        if value.chars().any(unsafe_char) {
            return Err(LabRefusal::Attribute { attribute });
        }
        if value.len() > cookie::MAX_ATTRIBUTE_VALUE {
            let len = value.len();
            return Err(LabRefusal::Unwritable(CookieError::AttributeTooLong {
                attribute,
                len,
            }));
        }
    }
    // Expires: the builder's own rule, on a cookie with nothing else to fail.
    if let Some(at) = cookie.get_expires() {
        SetCookie::new("n", "v")
            .expires(at)
            .validate()
            .map_err(LabRefusal::Unwritable)?;
    }
    Ok(())
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

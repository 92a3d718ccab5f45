//! The cookie lab, `/cookies`: a form that sets any cookie with any
//! attributes (through a 303, so the browser really stores it), deletes
//! it, or only checks a `Set-Cookie` line; the page shows what the server
//! received, what JavaScript sees, and what a browser did with each line
//! the lab sent (the checker, `cookie::check`).

use std::fmt;
use std::time::Duration;

use crate::app::pages::Page;
use crate::app::strategies::StrategyKey;
use crate::app::{Ctx, Reply};
use crate::cookie::{
    self, CookieError, RequestUrl, SameSite, SetCookie, Verdict, percent_encode_value,
};
use crate::http::url::Query;
use crate::http::{Response, Status};
use crate::template::{Vars, escape};

/// `GET /cookies` — the cookie lab. After a POST and its 303, the
/// redirect's record (`?via=`) says which `Set-Cookie` line was sent, and
/// what a browser does with it.
pub fn lab(ctx: &mut Ctx) -> Reply {
    let outcome = match sent_by_lab(ctx) {
        Some(lines) => sent_html(ctx, &lines)?,
        None => String::new(),
    };
    lab_page(ctx, Status::OK, outcome, String::new(), None)
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
            .map(|u| cookie::check_with_psl(line, u, ctx.now, ctx.app.psl()).verdict);
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
pub fn lab_set(ctx: &mut Ctx) -> Reply {
    let form = ctx.form()?;
    // The form may not describe a cookie at all, or one the lab never sends.
    let sent = cookie_from_form(&form, ctx.now)
        .map_err(|e| e.to_string())
        .and_then(|cookie| ctx.set_cookie_as_typed(&cookie).map_err(|e| form_words(&e)));
    match sent {
        Ok(_) => Ok(Response::see_other("/cookies")),
        Err(why) => refused(ctx, &why),
    }
}

/// A line goldfish will not send, in words that fit the form: the lab
/// again, as a 400 page.
fn refused(ctx: &mut Ctx, why: &str) -> Reply {
    let html = ctx.render("lab-refused.html", &Vars::new().text("why", why))?;
    let page = lab_page(ctx, Status::BAD_REQUEST, html, String::new(), None)?;
    Err(page)
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

/// A lab form that describes no cookie, one variant per field that can
/// be wrong; `Display` is the sentence the form shows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FormError {
    /// "Expires in" or "Max-Age" is not a whole number of seconds.
    NotSeconds { field: &'static str, found: String },
    /// "Expires in" lands outside what a `SystemTime` can hold.
    ExpiresTooFar,
    /// SameSite is none of the three values a browser knows.
    SameSite { found: String },
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormError::NotSeconds { field, found } => write!(
                f,
                "{field} must be a whole number of seconds, like 60 or -1, not {found:?}"
            ),
            FormError::ExpiresTooFar => f.write_str("that Expires is too far away to represent"),
            FormError::SameSite { found } => {
                write!(f, "SameSite must be Strict, Lax or None, not {found:?}")
            }
        }
    }
}

/// Builds the cookie the lab's form describes.
fn cookie_from_form(form: &Query, now: std::time::SystemTime) -> Result<SetCookie, FormError> {
    let field = |name: &str| form.get(name).map_or("", str::trim);
    let name = field("name");
    let mut value = form.get("value").unwrap_or("").to_string();
    if form.get("encode").is_some() {
        value = percent_encode_value(&value);
    }
    let mut cookie = SetCookie::new(name, value);
    let seconds = |field: &'static str, text: &str| {
        text.parse::<i64>().map_err(|_| FormError::NotSeconds {
            field,
            found: text.to_string(),
        })
    };
    if !field("expires_in").is_empty() {
        let secs = seconds("Expires in", field("expires_in"))?;
        let t = if secs >= 0 {
            now.checked_add(Duration::from_secs(secs.unsigned_abs()))
        } else {
            now.checked_sub(Duration::from_secs(secs.unsigned_abs()))
        };
        cookie = cookie.expires(t.ok_or(FormError::ExpiresTooFar)?);
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
            return Err(FormError::SameSite {
                found: other.to_string(),
            });
        }
    };
    Ok(cookie)
}

/// `POST /cookies/delete` — asks the browser to drop a cookie, then `303`
/// back to the lab.
pub fn lab_delete(ctx: &mut Ctx) -> Reply {
    let form = ctx.form()?;
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
        Ok(_) => Ok(Response::see_other("/cookies")),
        Err(e) => refused(ctx, &form_words(&e)),
    }
}

/// `POST /cookies/check` — "why doesn't my cookie stick?" The page opens
/// at the report (`#check-report`).
pub fn lab_check(ctx: &mut Ctx) -> Reply {
    let form = ctx.form()?;
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
            let report = cookie::check_with_psl(&line, &url, ctx.now, ctx.app.psl());
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
    let html = ctx.render("lab-report.html", &vars)?;
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
) -> Reply {
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

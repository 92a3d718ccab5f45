//! `GET /cookies/jar` — a browser's jar, simulated: paste a conversation
//! (or pick an example), see the jar after each step and what each request
//! carries, and why.
//!
//! The conversation travels in the query string (a GET form, so a replay
//! can be bookmarked and shared), which bounds its size: goldfish refuses a
//! request line over 8 KiB with 414. At most [`MAX_EVENTS`] events run and
//! each jar table shows at most [`MAX_ROWS`] cookies, so a request costs a
//! bounded amount of work whatever it sends. Everything from the request is
//! HTML-escaped.
//!
//! The Public Suffix List is read once, when a lesson first needs it
//! (`App::psl` calls [`load_psl`]): the system's copy if there is one, else
//! the built-in list.

use std::fmt::Write as _;
use std::sync::Arc;

use super::pages::Page;
use super::{Ctx, Reply};
use crate::cookie::jar::script::{Replay, replay};
use crate::cookie::jar::{Browser, Jar, JarCookie};
use crate::cookie::{PublicSuffixList, SYSTEM_PSL_PATH};
use crate::http::date::{parse_http_date, unix_seconds, write_imf_fixdate};
use crate::template::{Vars, escape};

/// Events replayed per request; the rest are counted, not run.
pub const MAX_EVENTS: usize = 100;

/// Cookies listed per jar table.
pub const MAX_ROWS: usize = 20;

/// The examples, by the name in `?example=`: (name, title, script).
const EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "rithmschool",
        "one site, many cookies: which ones each URL gets",
        "\
# rithmschool.com sets cookies with different Domain and Path attributes.
set https://www.rithmschool.com/login Set-Cookie: session=abc123; Path=/; Secure; HttpOnly
set https://www.rithmschool.com/login Set-Cookie: fav_color=blue
set https://www.rithmschool.com/courses/flask Set-Cookie: last_lesson=cookies; Path=/courses
set https://www.rithmschool.com/ Set-Cookie: tracking=xyz; Domain=rithmschool.com; Path=/
set https://www.rithmschool.com/ Set-Cookie: everyone=1; Domain=com
get https://www.rithmschool.com/
get https://www.rithmschool.com/courses/flask/sessions
get https://blog.rithmschool.com/
get http://www.rithmschool.com/login
js https://www.rithmschool.com/login
",
    ),
    (
        "path-shadowing",
        "path shadowing: two cookies with one name",
        "\
# Two cookies named theme: one for the whole site, one for /admin.
set http://shop.example/ Set-Cookie: theme=light; Path=/
set http://shop.example/admin/ Set-Cookie: theme=dark; Path=/admin
get http://shop.example/
# Under /admin both go, the longer path first: most servers read only the first.
get http://shop.example/admin/users
# Deleting needs the same path: this removes only the /admin one.
set http://shop.example/admin/ Set-Cookie: theme=; Path=/admin; Max-Age=0
get http://shop.example/admin/users
",
    ),
    (
        "secure-overwrite",
        "a Secure cookie that plain http cannot overwrite",
        "\
# The https site sets a Secure session cookie.
set https://bank.example/ Set-Cookie: sid=good; Secure; HttpOnly; Path=/
# An attacker on the network answers a plain-http request and tries to replace it.
set http://bank.example/ Set-Cookie: sid=evil; Path=/
# ...or to delete it.
set http://bank.example/ Set-Cookie: sid=; Path=/; Max-Age=0
get https://bank.example/account
# Over https, the site itself may replace it.
set https://bank.example/ Set-Cookie: sid=rotated; Secure; HttpOnly; Path=/
get https://bank.example/account
",
    ),
    (
        "samesite",
        "a SameSite matrix: which cookie goes with which request",
        "\
set https://shop.example/ Set-Cookie: strict=1; SameSite=Strict
set https://shop.example/ Set-Cookie: lax=1; SameSite=Lax
set https://shop.example/ Set-Cookie: none=1; SameSite=None; Secure
set https://shop.example/ Set-Cookie: unset=1
# From shop.example itself: everything goes.
get https://shop.example/cart
# Another site links to the shop (a top-level GET).
get https://shop.example/cart cross-site
# Another site posts a form to the shop: within two minutes Chromium still
# sends the cookie without SameSite (its Lax+POST exception)...
get https://shop.example/cart cross-site POST
wait 120
# ...and not after.
get https://shop.example/cart cross-site POST
# Another site embeds an image from the shop.
get https://shop.example/logo.png cross-site subresource
",
    ),
    (
        "expiry",
        "expiry: Max-Age, Expires, and the 400-day cap",
        "\
set http://a.example/ Set-Cookie: short=1; Max-Age=60
set http://a.example/ Set-Cookie: dated=1; Expires=Sat, 28 Nov 2099 00:00:00 GMT
set http://a.example/ Set-Cookie: both=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=3600
get http://a.example/
wait 61
get http://a.example/
wait 34560000
get http://a.example/
",
    ),
];

/// Reads the Public Suffix List for the server: the system's copy if it is
/// there, else the built-in list. This is the only file the lessons read
/// besides `--www` templates (see `App::psl`).
pub fn load_psl() -> PublicSuffixList {
    match std::fs::read_to_string(SYSTEM_PSL_PATH) {
        Ok(text) => PublicSuffixList::parse(&text, SYSTEM_PSL_PATH),
        Err(_) => PublicSuffixList::builtin_list().clone(),
    }
}

/// `GET /cookies/jar[?script=…&browser=…&now=…|?example=NAME]`.
pub fn page(ctx: &mut Ctx) -> Reply {
    let query = ctx.query()?;
    let example = query
        .get("example")
        .and_then(|name| EXAMPLES.iter().find(|(n, _, _)| *n == name));
    let script = match (example, query.get("script")) {
        (Some((_, _, script)), _) => (*script).to_owned(),
        (None, Some(script)) => script.to_owned(),
        (None, None) => EXAMPLES[1].2.to_owned(),
    };
    let browser = query
        .get("browser")
        .and_then(Browser::parse)
        .unwrap_or_default();
    let now_text = query.get("now").map_or("", str::trim);
    let mut problems = String::new();
    let start = if now_text.is_empty() {
        unix_seconds(ctx.now)
    } else if let Some(t) = parse_http_date(now_text) {
        unix_seconds(t)
    } else {
        problems.push_str(&format!(
            "<p class=\"card bad\">The start time {} is not an HTTP date like \
             <code>Sat, 28 Nov 2026 00:00:00 GMT</code>; the replay starts now instead.</p>",
            escape(now_text)
        ));
        unix_seconds(ctx.now)
    };
    let ran = query.get("script").is_some() || example.is_some();
    let mut jar = Jar::new(browser, Arc::clone(ctx.app.psl()));
    let result = if ran {
        let replayed = replay(&script, &mut jar, start, MAX_EVENTS, true);
        render_replay(&replayed, &jar)
    } else {
        String::new()
    };
    let mut examples = String::new();
    for (name, title, _) in EXAMPLES {
        let _ = writeln!(
            examples,
            "<li><a href=\"/cookies/jar?example={name}\">{}</a></li>",
            escape(title)
        );
    }
    let selected = |b: Browser| if b == browser { " selected" } else { "" };
    Page::new("A browser's cookie jar, simulated", "cookie-jar.html").render(
        ctx,
        Vars::new()
            .text("script", script)
            .text("now", now_text.to_owned())
            .text("chromium_selected", selected(Browser::Chromium))
            .text("firefox_selected", selected(Browser::Firefox))
            .html("examples", examples)
            .html("problems", problems)
            .html("result", result)
            .text("max_events", MAX_EVENTS.to_string())
            .text("max_rows", MAX_ROWS.to_string())
            .text("psl_source", jar.psl().source().to_owned())
            .text("psl_rules", jar.psl().len().to_string()),
    )
}

/// The steps as HTML: each event, its answer and reasons, and the jar.
fn render_replay(replayed: &Replay, jar: &Jar) -> String {
    let mut out = String::from("<h2>The replay</h2>\n<ol class=\"plain jar-steps\">\n");
    for step in &replayed.steps {
        let _ = write!(
            out,
            "<li class=\"card\"><p><span class=\"note\">line {}</span> <code>{}</code></p>",
            step.line_no,
            escape(&step.source)
        );
        if let Some(answer) = &step.answer {
            let _ = write!(
                out,
                "<pre class=\"wire jar-answer\">{}</pre>",
                escape(answer)
            );
        }
        if !step.notes.is_empty() {
            out.push_str("<ul>");
            for note in &step.notes {
                let _ = write!(out, "<li>{}</li>", escape(note));
            }
            out.push_str("</ul>");
        }
        out.push_str(&jar_table(&step.jar, jar.browser()));
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
    if replayed.skipped > 0 {
        let _ = write!(
            out,
            "<p class=\"card bad\">{} more events were not run: this page replays at most \
             {MAX_EVENTS}. <code>goldfish cookie jar</code> on the command line has no such limit.</p>",
            replayed.skipped
        );
    }
    out
}

/// The jar after a step, as a table.
fn jar_table(cookies: &[JarCookie], browser: Browser) -> String {
    if cookies.is_empty() {
        return "<p class=\"note\">The jar is empty.</p>".to_owned();
    }
    let mut out = format!(
        "<details><summary>The jar now: {} cookie{} ({browser})</summary><div class=\"scroll\"><table>\
         <tr><th>name</th><th>value</th><th>domain</th><th>path</th><th>expires</th>\
         <th>flags</th></tr>",
        cookies.len(),
        if cookies.len() == 1 { "" } else { "s" }
    );
    for c in cookies.iter().take(MAX_ROWS) {
        let k = &c.cookie;
        let domain = if k.host_only {
            format!("{} (host-only)", k.domain)
        } else {
            format!("{} and subdomains", k.domain)
        };
        let mut expires = String::new();
        match c.expiry {
            Some(t) => write_imf_fixdate(t, &mut expires),
            None => expires.push_str("session"),
        }
        let mut flags: Vec<String> = Vec::new();
        if k.secure {
            flags.push("Secure".into());
        }
        if k.http_only {
            flags.push("HttpOnly".into());
        }
        flags.push(format!("SameSite={}", k.same_site));
        if k.partitioned {
            flags.push("Partitioned".into());
        }
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td><code>{}</code></td>\
             <td>{}</td><td>{}</td></tr>",
            escape(&k.name),
            escape(&k.value),
            escape(&domain),
            escape(&k.path),
            escape(&expires),
            escape(&flags.join(", "))
        );
    }
    if cookies.len() > MAX_ROWS {
        let _ = write!(
            out,
            "<tr><td colspan=\"6\"><em>… and {} more</em></td></tr>",
            cookies.len() - MAX_ROWS
        );
    }
    out.push_str("</table></div></details>");
    out
}

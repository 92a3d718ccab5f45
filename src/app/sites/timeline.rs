//! The conversation, replayed from real bytes: a timeline of the learner's
//! own recent exchanges with goldfish.
//!
//! Once the learner turns it on, every request their browser makes to
//! goldfish's site — the pages, the stylesheet, scripts, images, each hop
//! of a 303 — is written down with the `Cookie` it carried and the
//! `Set-Cookie` lines it got back. It is the lecture's "cookies, a
//! conversation", except that every line really crossed the wire.
//!
//! **Whose exchanges.** Only the learner's own browser's, never another
//! student's. HTTP gives a server one way to recognise a browser across
//! requests — including the stylesheet's, which carries nothing else —
//! and that is a cookie. So turning the timeline on sets one:
//! `goldfish_rec`, a random 128-bit id made by the server (never taken from
//! a request, so no page can make you record into someone else's timeline),
//! `HttpOnly` (no script reads it), for one hour. Only requests that carry
//! an id goldfish issued are recorded, under that id; the timeline page
//! shows only the id's own entries. Its peer IP address would not do: a
//! class behind one NAT shares it, and two browsers on one machine would
//! mix.
//!
//! **Not a silent cookie.** The recorder changes the bytes of every
//! request, so every page's X-ray says so when it is there (`xray_note`),
//! and the lessons that count cookies leave it out (`lesson_cookies`).
//!
//! **Which hosts.** It is scoped like goldfish's own site:
//! `Domain=goldfish.localhost` on the `*.goldfish.localhost` names (www.
//! and the shop), host-only on `127.0.0.1` or `localhost`. With
//! `SameSite=None; Secure` where the browser allows that over http (the
//! loopback names), cross-site requests that carry goldfish's cookies
//! carry it too. evil.localhost's and tracker.localhost's own exchanges
//! are not recorded: following the learner there would need a cookie
//! handed across sites, the very move the CSRF lesson warns against.
//!
//! **Bounded.** At most [`MAX_EXCHANGES`] per timeline, each field clipped,
//! and a fixed number of timelines (`super::State`).

use std::collections::VecDeque;

use super::host::GOLDFISH_DOMAIN;
use super::recent::{lock, push_bounded};
use super::{answer, looks_like_id, new_id, no_randomness};
use crate::app::pages::{self, Page};
use crate::app::strategies::StrategyKey;
use crate::app::{App, Ctx, Reply};
use crate::cookie::{RequestCookies, SameSite, SetCookie};
use crate::http::date::unix_seconds;
use crate::http::{Request, Response, Status};
use crate::template::{Vars, escape};
use crate::text::Clip;

/// The recorder's cookie.
pub const RECORDER_COOKIE: &str = "goldfish_rec";

/// A timeline keeps this many exchanges, the oldest forgotten first.
pub const MAX_EXCHANGES: usize = 100;

/// How long the recorder cookie lives, in seconds.
const RECORDER_MAX_AGE: i64 = 3600;

/// At most this many `Set-Cookie` lines are kept per exchange.
const MAX_SET_COOKIES: usize = 8;

/// One request and its response, as they crossed the wire (clipped).
#[derive(Debug, Clone)]
struct Exchange {
    at: i64,
    host: String,
    request_line: String,
    cookie: Option<String>,
    fetch_dest: Option<String>,
    fetch_site: Option<String>,
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
    set_cookies: Vec<String>,
}

/// One learner's timeline.
#[derive(Debug, Default)]
pub struct Recording {
    started: i64,
    exchanges: VecDeque<Exchange>,
}

/// Whether a `Cookie` line holds the recorder (a cheap look before parsing).
#[must_use]
pub fn carries_recorder(cookie_line: &str) -> bool {
    cookie_line.contains(RECORDER_COOKIE)
        && RequestCookies::parse([cookie_line])
            .get(RECORDER_COOKIE)
            .is_some()
}

/// The recorder id a request carries, if it looks like one.
fn recorder_id(req: &Request) -> Option<String> {
    if !req
        .headers_named("cookie")
        .any(|l| l.contains(RECORDER_COOKIE))
    {
        return None;
    }
    let cookies = RequestCookies::parse(req.headers_named("cookie"));
    cookies
        .get(RECORDER_COOKIE)
        .filter(|v| looks_like_id(v))
        .map(str::to_string)
}

/// Writes the exchange down, if the request carries a recorder goldfish
/// issued. Called for every request, after its response is final.
pub fn record(app: &App, req: &Request, resp: &Response) {
    let Some(id) = recorder_id(req) else {
        return;
    };
    let mut timelines = lock(&app.sites.timelines);
    let Some(recording) = timelines.get_mut(&id) else {
        return;
    };
    let clip = |s: &str, n: usize| Clip(s, n).to_string();
    let cookie: Vec<String> = req.headers_named("cookie").map(str::to_string).collect();
    let exchange = Exchange {
        at: unix_seconds(std::time::SystemTime::now()),
        host: clip(req.header("host").unwrap_or(""), 100),
        request_line: clip(req.request_line(), 300),
        cookie: (!cookie.is_empty()).then(|| clip(&cookie.join("; "), 1500)),
        fetch_dest: req.header("sec-fetch-dest").map(|v| clip(v, 30)),
        fetch_site: req.header("sec-fetch-site").map(|v| clip(v, 30)),
        status: resp.status.0,
        content_type: resp.headers.get("content-type").map(|v| clip(v, 60)),
        location: resp.headers.get("location").map(|v| clip(v, 300)),
        set_cookies: resp
            .headers
            .get_all("set-cookie")
            .take(MAX_SET_COOKIES)
            .map(|v| clip(v, 400))
            .collect(),
    };
    push_bounded(&mut recording.exchanges, exchange, MAX_EXCHANGES);
}

/// The recorder cookie for this host: site-wide on goldfish.localhost,
/// host-only elsewhere; `SameSite=None; Secure` where the host is a
/// secure context, else `Lax`.
fn recorder_cookie(ctx: &Ctx, value: &str) -> SetCookie {
    let site = answer(ctx);
    let mut c = SetCookie::new(RECORDER_COOKIE, value)
        .path("/")
        .http_only(true);
    if site.under_goldfish_domain() {
        c = c.domain(GOLDFISH_DOMAIN);
    }
    if site.is_secure_context() || ctx.app.config.secure_cookies {
        c.same_site(SameSite::None).secure(true)
    } else {
        c.same_site(SameSite::Lax)
    }
}

/// `GET /sites/timeline` — the learner's exchanges, oldest first.
///
/// # Errors
/// A template bug's 500 page (see [`Reply`]).
pub fn page(ctx: &mut Ctx) -> Reply {
    let id = recorder_id(ctx.req);
    let now = unix_seconds(ctx.now);
    let shown = id.as_deref().and_then(|id| {
        lock(&ctx.app.sites.timelines)
            .get_mut(id)
            .map(|r| (r.started, r.exchanges.clone()))
    });
    let (state, list) = match shown {
        Some((started, exchanges)) => (
            format!(
                "<p id=\"timeline-state\" data-recording=\"yes\">Recording since {} s ago. This \
                 page's own request is recorded once it is answered: reload to see it.</p>",
                now.saturating_sub(started)
            ),
            exchanges_html(&exchanges, now),
        ),
        None => (
            "<p id=\"timeline-state\" data-recording=\"no\">Not recording. Turn it on, then use the \
             lessons (any host of goldfish's site) and come back.</p>"
                .to_string(),
            String::new(),
        ),
    };
    let reply = Page::new("The conversation, from real bytes", "sites-timeline.html")
        .facts(StrategyKey::Cookie)
        .mark(RECORDER_COOKIE)
        .render(
            ctx,
            Vars::new()
                .html("state", state)
                .html("list", list)
                .text("max", MAX_EXCHANGES.to_string()),
        );
    // No cache may keep a learner's timeline: on either side of the reply
    // (a template bug's 500 too), as every answer of this page.
    let no_store = |mut resp: Response| {
        resp.headers.append("Cache-Control", "no-store");
        resp
    };
    reply.map(no_store).map_err(no_store)
}

/// `POST /sites/timeline` — `action=start`, `stop` or `clear`. Only
/// goldfish's own pages can send it: it is a POST route, behind the
/// cross-origin check (`app::guard`), so no other site can start a
/// recorder in a learner's browser.
///
/// # Errors
/// The 400 page for a form that cannot be read or names no action, the
/// 503 page when no id can be made (see [`Reply`]).
pub fn act(ctx: &mut Ctx) -> Reply {
    let form = ctx.form()?;
    let id = recorder_id(ctx.req);
    match form.get("action") {
        Some("start") => {
            let id = new_id().map_err(|e| no_randomness(ctx, &e))?;
            let started = unix_seconds(ctx.now);
            lock(&ctx.app.sites.timelines).insert(
                id.clone(),
                Recording {
                    started,
                    exchanges: VecDeque::new(),
                },
            );
            let cookie = recorder_cookie(ctx, &id).max_age(RECORDER_MAX_AGE);
            let _ = ctx.set_cookie(&cookie);
        }
        Some("stop") => {
            if let Some(id) = id {
                lock(&ctx.app.sites.timelines).remove(&id);
            }
            let removal = recorder_cookie(ctx, "").removal();
            let _ = ctx.set_cookie(&removal);
        }
        Some("clear") => {
            if let Some(id) = id
                && let Some(r) = lock(&ctx.app.sites.timelines).get_mut(&id)
            {
                r.exchanges.clear();
            }
        }
        _ => {
            return Err(pages::lesson_error(
                ctx,
                Status::BAD_REQUEST,
                "The form field action must be start, stop or clear.",
            ));
        }
    }
    Ok(Response::see_other("/sites/timeline"))
}

/// The exchanges, oldest first, as the lecture draws a conversation.
fn exchanges_html(exchanges: &VecDeque<Exchange>, now: i64) -> String {
    if exchanges.is_empty() {
        return "<p class=\"note\" id=\"timeline\">Nothing recorded yet.</p>".into();
    }
    let mut out = String::from("<ol id=\"timeline\" class=\"timeline\">");
    for e in exchanges {
        let mut wire = format!("{}\nHost: {}", escape(&e.request_line), escape(&e.host));
        if let Some(c) = &e.cookie {
            wire.push_str(&format!(
                "\n<span class=\"hl-cookie\">Cookie: {}</span>",
                escape(c)
            ));
        }
        let mut back = format!("{}", e.status);
        if let Some(t) = &e.content_type {
            back.push_str(&format!("  {}", escape(t)));
        }
        if let Some(l) = &e.location {
            back.push_str(&format!("\nLocation: {}", escape(l)));
        }
        for s in &e.set_cookies {
            back.push_str(&format!(
                "\n<span class=\"hl-cookie\">Set-Cookie: {}</span>",
                escape(s)
            ));
        }
        out.push_str(&format!(
            "<li data-dest=\"{dest}\" data-status=\"{status}\" data-cookie=\"{cookie}\">\
             <p class=\"note\">{ago} s ago · {what}{site}</p>\
             <pre class=\"wire\">→ {wire}</pre><pre class=\"wire\">← {back}</pre></li>",
            dest = escape(e.fetch_dest.as_deref().unwrap_or("")),
            status = e.status,
            cookie = escape(e.cookie.as_deref().unwrap_or("")),
            ago = now.saturating_sub(e.at),
            what = escape(&describe(e.fetch_dest.as_deref(), e.status)),
            site = e
                .fetch_site
                .as_deref()
                .map(|s| format!(" · Sec-Fetch-Site: {}", escape(s)))
                .unwrap_or_default(),
        ));
    }
    out.push_str("</ol>");
    out
}

/// What an exchange was for, in words (from `Sec-Fetch-Dest` and the status).
fn describe(dest: Option<&str>, status: u16) -> String {
    let what = match dest {
        Some("document") => "a page",
        Some("style") => "a stylesheet",
        Some("script") => "a script",
        Some("image") => "an image",
        Some("iframe") => "a page in a frame",
        Some("empty") => "a fetch",
        Some(_) => "a request",
        None => "a request (no Sec-Fetch-Dest: not a current browser)",
    };
    if (300..400).contains(&status) {
        format!("{what}, answered with a redirect")
    } else {
        what.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorder_is_found_only_by_its_own_name() {
        let cases: &[(&str, bool)] = &[
            ("goldfish_rec=AAAAAAAAAAAAAAAAAAAAAA", true),
            ("a=1; goldfish_rec=x", true),
            ("not_goldfish_rec=x", false),
            ("a=goldfish_rec", false),
            ("", false),
        ];
        for (line, want) in cases {
            assert_eq!(carries_recorder(line), *want, "carries_recorder({line:?})");
        }
    }

    #[test]
    fn exchanges_are_described_by_their_destination() {
        assert_eq!(describe(Some("style"), 200), "a stylesheet");
        assert_eq!(
            describe(Some("document"), 303),
            "a page, answered with a redirect"
        );
        assert!(describe(None, 200).contains("not a current browser"));
    }
}

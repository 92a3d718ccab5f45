//! Third-party cookies and `Partitioned` (CHIPS): a tracker in other
//! sites' frames.
//!
//! `tracker.localhost/embed` is a page other sites put in an `<iframe>`:
//! goldfish's lesson page does, and so does `evil.localhost/third-party`.
//! Inside those frames the tracker is a *third party*: its host is not the
//! site in the address bar. It sets two cookies:
//!
//! - `tp_id` (`SameSite=None; Secure`): one jar entry for the tracker,
//!   whichever site embeds it. If the browser sends it back in both sites'
//!   frames, the tracker sees one visitor on both — it follows you.
//! - `tp_chips` (`SameSite=None; Secure; Partitioned`, CHIPS): the browser
//!   keeps it in a separate jar per *top-level site* (the partition key),
//!   so the frame on goldfish and the frame on evil.localhost get two
//!   different cookies, and the tracker cannot join them.
//!
//! Browsers differ: Safari blocks third-party cookies, Firefox partitions
//! them all (Total Cookie Protection), Chrome lets the user block them and
//! blocks them in Incognito; Chromium 156 as the browser test starts it
//! (a fresh profile) blocks `tp_id` and keeps `tp_chips`. The frame says
//! what the browser in front of it did.
//!
//! The tracker learns which site embeds it from `Referer` (the embedding
//! page's origin, under the default `strict-origin-when-cross-origin`
//! policy) and remembers, per cookie value it issued, the sites it saw it
//! on — a bounded map, like everything else here.

use super::host::Site;
use super::recent::lock;
use super::{lesson_cookies, new_id, no_randomness, url_on};
use crate::app::pages::Page;
use crate::app::{Ctx, Reply};
use crate::cookie::{SameSite, SetCookie};
use crate::http::{Response, Status};
use crate::template::{Vars, escape};

/// The unpartitioned third-party cookie.
pub const TP_ID: &str = "tp_id";
/// The partitioned one.
pub const TP_CHIPS: &str = "tp_chips";

/// A profile keeps at most this many sites.
const MAX_SITES: usize = 8;

/// Where the tracker has seen one of its cookies.
#[derive(Debug, Default)]
pub struct Profile {
    sites: Vec<String>,
}

/// What happened to one tracker cookie on this request.
struct Outcome {
    /// The cookie came back (with a value the tracker issued).
    arrived: bool,
    value: String,
    /// Every site this cookie value has been seen on, this one included.
    seen_on: Vec<String>,
}

/// The embedding page's host, from `Referer`.
fn embedder(referer: Option<&str>) -> String {
    referer
        .and_then(|r| r.split_once("://"))
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""))
        .map(|authority| authority.rsplit_once(':').map_or(authority, |(h, _)| h))
        .filter(|h| !h.is_empty())
        .map_or_else(
            || "(no Referer)".to_string(),
            |h| crate::text::Clip(h, 60).to_string().to_ascii_lowercase(),
        )
}

/// Reads one tracker cookie, records the site, or issues a new value.
fn track(ctx: &mut Ctx, name: &str, site: &str) -> std::io::Result<Outcome> {
    let key = |v: &str| format!("{name}:{v}");
    let sent = ctx.cookies().get(name).map(str::to_string);
    let mut profiles = lock(&ctx.app.sites.profiles);
    if let Some(value) = sent
        && let Some(p) = profiles.get_mut(&key(&value))
    {
        if !p.sites.iter().any(|s| s == site) && p.sites.len() < MAX_SITES {
            p.sites.push(site.to_string());
        }
        return Ok(Outcome {
            arrived: true,
            value,
            seen_on: p.sites.clone(),
        });
    }
    let value = new_id()?;
    profiles.insert(
        key(&value),
        Profile {
            sites: vec![site.to_string()],
        },
    );
    Ok(Outcome {
        arrived: false,
        value,
        seen_on: vec![site.to_string()],
    })
}

/// What the browser in front of us did, from what came back.
fn verdict(id: &Outcome, chips: &Outcome) -> &'static str {
    match (id.arrived, chips.arrived) {
        (true, true) => {
            "Your browser sent both: it allows third-party cookies. Open the other site's page: the \
             same tp_id will come, the partitioned cookie will not."
        }
        (true, false) => {
            "Your browser sent tp_id but not tp_chips: it allows third-party cookies, and this is the \
             first visit in this top-level site's partition."
        }
        (false, true) => {
            "Your browser sent tp_chips but not tp_id: it keeps partitioned cookies and blocks \
             unpartitioned third-party ones."
        }
        (false, false) => {
            "Neither came: this is the first visit in this partition (reload to see what your \
             browser sends back), or your browser blocks every third-party cookie."
        }
    }
}

/// `GET /embed` on tracker.localhost — the frame.
pub fn embed(ctx: &mut Ctx) -> Reply {
    let site = embedder(ctx.req.header("referer"));
    let id = track(ctx, TP_ID, &site).map_err(|e| no_randomness(ctx, &e))?;
    let chips = track(ctx, TP_CHIPS, &site).map_err(|e| no_randomness(ctx, &e))?;
    let base = |name: &str, value: &str| {
        SetCookie::new(name, value)
            .path("/")
            .http_only(true)
            .secure(true)
            .same_site(SameSite::None)
    };
    let mut sent = Vec::new();
    if !id.arrived {
        sent.extend(ctx.set_cookie(&base(TP_ID, &id.value)).ok());
    }
    if !chips.arrived {
        sent.extend(
            ctx.set_cookie(&base(TP_CHIPS, &chips.value).partitioned(true))
                .ok(),
        );
    }
    let row = |name: &str, o: &Outcome, what: &str| {
        let v = escape(&o.value);
        let seen = escape(&o.seen_on.join(", ")).into_owned();
        let this = if o.arrived {
            format!("came: <code>{v}</code>")
        } else {
            format!("did not come: the tracker sends a new one, <code>{v}</code>")
        };
        format!(
            "<tr data-cookie=\"{name}\" data-arrived=\"{}\" data-value=\"{v}\" data-seen=\"{seen}\">\
             <th><code>{name}</code><br><span class=\"note\">{what}</span></th><td>{this}</td><td>{seen}</td></tr>",
            if o.arrived { "yes" } else { "no" },
        )
    };
    let cookie_line = ctx
        .req
        .headers_named("cookie")
        .map(|l| format!("Cookie: {l}"))
        .collect::<Vec<_>>()
        .join("\n");
    let vars = Vars::new()
        .text("site", site)
        .html(
            "rows",
            format!(
                "{}{}",
                row(TP_ID, &id, "SameSite=None; Secure"),
                row(TP_CHIPS, &chips, "SameSite=None; Secure; Partitioned")
            ),
        )
        .text("verdict", verdict(&id, &chips))
        .text(
            "cookie_line",
            if cookie_line.is_empty() {
                "(no Cookie header)".to_string()
            } else {
                cookie_line
            },
        )
        .text(
            "set_cookie",
            sent.iter()
                .map(|l| format!("Set-Cookie: {l}"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    let mut r = Response::html(Status::OK, ctx.render("sites-embed.html", &vars)?);
    r.headers.append("Cache-Control", "no-store");
    // A tracker is made to be framed, by any site: it says so
    // (goldfish's own pages say `frame-ancestors 'none'`).
    r.headers
        .append("Content-Security-Policy", "frame-ancestors *");
    Ok(r)
}

/// `GET /` on tracker.localhost.
pub fn home(ctx: &mut Ctx) -> Reply {
    let arrived = lesson_cookies(ctx);
    Page::new("tracker.localhost — a third party", "sites-tracker.html").render(
        ctx,
        Vars::new()
            .html("arrived", super::cookie_list(&arrived, &[TP_ID, TP_CHIPS]))
            .text(
                "lesson",
                url_on(ctx, Site::Lessons.host_name(), "/sites/third-party"),
            ),
    )
}

/// `GET /sites/third-party` on goldfish — the lesson, with the frame.
pub fn lesson(ctx: &mut Ctx) -> Reply {
    let facts = super::scope::facts_html(&[
        super::scope::ScopeKey::ThirdParty,
        super::scope::ScopeKey::Partitioned,
    ]);
    let vars = framing(ctx, Site::Evil, "/third-party").html("scope_facts", facts);
    Page::new(
        "Third-party cookies and Partitioned (CHIPS)",
        "sites-third-party.html",
    )
    .render(ctx, vars)
}

/// `GET /third-party` on evil.localhost — the same frame, another top-level site.
pub fn evil_top(ctx: &mut Ctx) -> Reply {
    let vars = framing(ctx, Site::Lessons, "/sites/third-party");
    Page::new(
        "evil.localhost — the same tracker, another site",
        "sites-third-party-evil.html",
    )
    .render(ctx, vars)
}

/// The variables of a top-level page that frames the tracker and links to
/// the other top-level site that does.
fn framing(ctx: &Ctx, other: Site, other_path: &str) -> Vars<'static> {
    Vars::new()
        .text("frame", url_on(ctx, Site::Tracker.host_name(), "/embed"))
        .text("other", url_on(ctx, other.host_name(), other_path))
        .text("other_name", other.host_name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedder_is_the_referers_host() {
        let cases: &[(Option<&str>, &str)] = &[
            (
                Some("http://www.goldfish.localhost:5000/"),
                "www.goldfish.localhost",
            ),
            (
                Some("http://evil.localhost:5000/third-party?x=1"),
                "evil.localhost",
            ),
            (Some("http://EVIL.localhost"), "evil.localhost"),
            (Some("http://[::1]:5000/"), "[::1]"),
            (Some("garbage"), "(no Referer)"),
            (None, "(no Referer)"),
        ];
        for (referer, want) in cases {
            assert_eq!(embedder(*referer), *want, "embedder({referer:?})");
        }
    }

    #[test]
    fn the_verdict_reads_what_came_back() {
        let o = |arrived| Outcome {
            arrived,
            value: String::new(),
            seen_on: Vec::new(),
        };
        assert!(verdict(&o(false), &o(true)).contains("blocks unpartitioned"));
        assert!(verdict(&o(true), &o(true)).contains("allows third-party cookies"));
        assert!(verdict(&o(false), &o(false)).contains("first visit"));
    }
}

//! `GET /sites` — the tour: one goldfish, several sites, and which one
//! answered this very request.

use super::host::{GOLDFISH_DOMAIN, Site};
use super::{answer, url_on};
use crate::app::pages::Page;
use crate::app::{Ctx, Reply};
use crate::template::{Vars, escape};

/// `GET /sites` — the hosts, with links on this port, and the lessons.
pub fn page(ctx: &mut Ctx) -> Reply {
    let site = answer(ctx);
    let hosts = [
        (
            Site::Lessons,
            "www.goldfish.localhost",
            "the lessons, on goldfish's own name",
        ),
        (
            Site::Shop,
            "shop.goldfish.localhost",
            "the shop: another host of the same site",
        ),
        (
            Site::Lessons,
            GOLDFISH_DOMAIN,
            "the site's own name: the lessons again",
        ),
        (
            Site::Evil,
            "evil.localhost",
            "another site, whose pages send requests to goldfish",
        ),
        (
            Site::Tracker,
            "tracker.localhost",
            "a third party that other sites put in frames",
        ),
    ];
    let mut rows = String::new();
    for (s, host, what) in hosts {
        let here = if host == site.name {
            " class=\"here\""
        } else {
            ""
        };
        rows.push_str(&format!(
            "<tr{here}><td><a href=\"{u}\">{h}</a></td><td>{}</td><td>{what}</td></tr>",
            escape(s.title()),
            u = escape(&url_on(ctx, host, "/")),
            h = escape(host),
        ));
    }
    let on_names = site.name.ends_with(".localhost") || site.name == "localhost";
    let hint = if on_names {
        String::new()
    } else {
        format!(
            "<p class=\"card\" id=\"sites-hint\">You are on <code>{}</code>. The lessons below work best \
             on goldfish's own name: <a href=\"{u}\">{u}</a>.</p>",
            escape(&site.name),
            u = escape(&url_on(ctx, Site::Lessons.host_name(), "/sites"))
        )
    };
    Page::new("Many sites on one machine", "sites-tour.html").render(
        ctx,
        Vars::new()
            .html("hint", hint)
            .html("hosts", rows)
            .text("explain", site.explain())
            .html(
                "scope_facts",
                super::scope::facts_html(&[
                    super::scope::ScopeKey::HostOnly,
                    super::scope::ScopeKey::DomainWide,
                ]),
            ),
    )
}

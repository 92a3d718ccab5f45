//! The `Domain` lesson: one cookie for every host of a site, one for a
//! single host.
//!
//! The lecture's table, with real cookies: `num_visits` is set with
//! `Domain=goldfish.localhost`, so the browser sends it to
//! `goldfish.localhost` and every name under it (`www.`, `shop.`); the
//! shop's `cus_type` has no `Domain`, so it is *host-only*: it goes back to
//! `shop.goldfish.localhost` and nowhere else (RFC 6265 §5.3 step 6, §5.4).
//! Both count on one fact: the browser decides, by domain-match (RFC 6265
//! §5.1.3), and the server only sees what arrives.
//!
//! Every page of the lesson counts the visit: it reads `num_visits`,
//! adds one and sends it back with the same `Domain`, so visiting
//! `www.`, then `shop.`, then `www.` again counts 1, 2, 3 — one cookie.

use super::host::{GOLDFISH_DOMAIN, Site};
use super::scope::{ScopeKey, facts_html};
use super::{answer, cookie_list, lesson_cookies, url_on};
use crate::app::pages::Page;
use crate::app::{Ctx, Reply};
use crate::cookie::{SetCookie, domain_match};
use crate::template::{Vars, escape};

/// The cookie every host of goldfish.localhost shares.
pub const NUM_VISITS: &str = "num_visits";
/// The shop's own cookie.
pub const CUS_TYPE: &str = "cus_type";

/// The hosts the lesson's table has a column for.
const HOSTS: [&str; 4] = [
    "www.goldfish.localhost",
    "shop.goldfish.localhost",
    GOLDFISH_DOMAIN,
    "evil.localhost",
];

/// One of the lesson's cookies, as the browser stores it.
struct Scoped {
    name: &'static str,
    /// The cookie's domain: the Domain attribute, or the host that set it.
    domain: &'static str,
    host_only: bool,
    /// The line that sets it.
    set_cookie: &'static str,
}

const COOKIES: [Scoped; 2] = [
    Scoped {
        name: NUM_VISITS,
        domain: GOLDFISH_DOMAIN,
        host_only: false,
        set_cookie: "num_visits=N; Domain=goldfish.localhost; Path=/",
    },
    Scoped {
        name: CUS_TYPE,
        domain: "shop.goldfish.localhost",
        host_only: true,
        set_cookie: "cus_type=member; Path=/",
    },
];

/// Whether the browser sends a cookie with this scope to `host`
/// (RFC 6265 §5.4 step 1): a host-only cookie to its host alone, a
/// domain cookie to every host that domain-matches it.
fn sent_to(c: &Scoped, host: &str) -> bool {
    if c.host_only {
        host == c.domain
    } else {
        domain_match(host, c.domain)
    }
}

/// Why (or why not), in one clause.
fn why(c: &Scoped, host: &str) -> String {
    match (c.host_only, sent_to(c, host)) {
        (true, true) => "host-only, and this is its host".into(),
        (true, false) => format!("host-only: it goes to {} alone", c.domain),
        (false, true) if host == c.domain => format!("{host} is the Domain itself"),
        (false, true) => format!("{host} ends in .{}", c.domain),
        (false, false) => format!("{host} is not {0} and does not end in .{0}", c.domain),
    }
}

/// The lecture's table: each cookie, and whether each host gets it.
fn table(this_host: &str, arrived: &[(String, String)]) -> String {
    let mut out = String::from(
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"which host gets which cookie\"><table id=\"domain-table\"><tr><th>cookie</th><th>set with</th>",
    );
    for h in HOSTS {
        out.push_str(&format!("<th><code>{h}</code></th>"));
    }
    out.push_str("<th>came with this request?</th></tr>\n");
    for c in &COOKIES {
        out.push_str(&format!(
            "<tr data-cookie=\"{0}\"><th><code>{0}</code></th><td><code>Set-Cookie: {1}</code></td>",
            c.name,
            escape(c.set_cookie)
        ));
        for h in HOSTS {
            let (mark, word) = if sent_to(c, h) {
                ("yes", "sent")
            } else {
                ("no", "not sent")
            };
            let here = if h == this_host {
                " class=\"here\""
            } else {
                ""
            };
            out.push_str(&format!(
                "<td{here} data-host=\"{h}\" data-sent=\"{mark}\"><strong>{word}</strong>: {}</td>",
                escape(&why(c, h))
            ));
        }
        let came = arrived.iter().find(|(n, _)| n == c.name);
        out.push_str(&match came {
            Some((_, v)) => format!(
                "<td data-arrived=\"yes\"><mark><code>{}={}</code></mark></td>",
                c.name,
                escape(v)
            ),
            None => "<td data-arrived=\"no\">no</td>".to_string(),
        });
        out.push_str("</tr>\n");
    }
    out.push_str("</table></div>");
    out
}

/// Counts this visit: the `num_visits` that arrived plus one (a missing or
/// unreadable value counts as 0).
fn next_visit(arrived: &[(String, String)]) -> u64 {
    arrived
        .iter()
        .find(|(n, _)| n == NUM_VISITS)
        .and_then(|(_, v)| v.parse::<u64>().ok())
        .unwrap_or(0)
        .saturating_add(1)
}

/// `GET /sites/domain` (the lessons) — the lesson, counting the visit.
pub fn lesson(ctx: &mut Ctx) -> Reply {
    page(ctx, "Domain: one cookie for a whole site", false)
}

/// `GET /` on `shop.goldfish.localhost` — the shop: counts the visit and
/// gives the visitor a `cus_type`, for the shop alone.
pub fn shop(ctx: &mut Ctx) -> Reply {
    page(ctx, "The shop (shop.goldfish.localhost)", true)
}

fn page(ctx: &mut Ctx, title: &str, is_shop: bool) -> Reply {
    let site = answer(ctx).clone();
    let arrived = lesson_cookies(ctx);
    let mut sent: Vec<String> = Vec::new();
    if site.under_goldfish_domain() {
        let n = next_visit(&arrived);
        let visits = SetCookie::new(NUM_VISITS, n.to_string())
            .domain(GOLDFISH_DOMAIN)
            .path("/");
        if let Ok(line) = ctx.set_cookie(&visits) {
            sent.push(line);
        }
        if is_shop
            && !arrived.iter().any(|(n, _)| n == CUS_TYPE)
            && let Ok(line) = ctx.set_cookie(&SetCookie::new(CUS_TYPE, "member").path("/"))
        {
            sent.push(line);
        }
    }
    let status = if site.under_goldfish_domain() {
        format!(
            "<p id=\"domain-status\">You are on <code>{}</code>. This response counts your visit: \
             the <code>num_visits</code> that came with the request, plus one.</p>",
            escape(&site.name)
        )
    } else {
        format!(
            "<p id=\"domain-status\" class=\"card bad\">You are on <code>{host}</code>, which is not \
             under <code>goldfish.localhost</code>, so this page sets nothing: your browser would \
             refuse <code>Domain=goldfish.localhost</code> from here (the host must be the Domain or \
             end in <code>.goldfish.localhost</code>, RFC 6265 §5.3 step 6). Open \
             <a href=\"{www}\">{www}</a> to take part.</p>",
            host = escape(&site.name),
            www = escape(&url_on(ctx, Site::Lessons.host_name(), "/sites/domain")),
        )
    };
    let sent_html = if sent.is_empty() {
        "<p class=\"note\">This response sets no cookie.</p>".to_string()
    } else {
        format!(
            "<pre class=\"wire\" id=\"domain-sent\">{}</pre>",
            sent.iter()
                .map(|l| format!("Set-Cookie: {}", escape(l)))
                .collect::<Vec<_>>()
                .join("\n")
        )
    };
    let vars = Vars::new()
        .html("status", status)
        .html("table", table(&site.name, &arrived))
        .html("arrived", cookie_list(&arrived, &[NUM_VISITS, CUS_TYPE]))
        .html("sent", sent_html)
        .text(
            "www",
            url_on(ctx, Site::Lessons.host_name(), "/sites/domain"),
        )
        .text("shop", url_on(ctx, Site::Shop.host_name(), "/"))
        .text("bare", url_on(ctx, GOLDFISH_DOMAIN, "/sites/domain"))
        .text("evil", url_on(ctx, Site::Evil.host_name(), "/"))
        .text("here", site.name.clone())
        .html(
            "scope_facts",
            facts_html(&[ScopeKey::HostOnly, ScopeKey::DomainWide]),
        );
    Page::new(title, "sites-domain.html")
        .mark(NUM_VISITS)
        .mark(CUS_TYPE)
        .render(ctx, vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lecture_table() {
        // (cookie, host, sent?) — RFC 6265 §5.4 step 1 with §5.1.3.
        let cases: &[(usize, &str, bool)] = &[
            (0, "www.goldfish.localhost", true),
            (0, "shop.goldfish.localhost", true),
            (0, "goldfish.localhost", true),
            (0, "evil.localhost", false),
            (0, "notgoldfish.localhost", false),
            (1, "shop.goldfish.localhost", true),
            (1, "www.goldfish.localhost", false),
            (1, "goldfish.localhost", false),
            (1, "evil.localhost", false),
        ];
        for (i, host, want) in cases {
            let c = &COOKIES[*i];
            let got = sent_to(c, host);
            assert_eq!(
                got, *want,
                "sent_to({}, {host}) = {got}; want {want}",
                c.name
            );
        }
    }

    #[test]
    fn visits_count_up_from_what_arrived() {
        let cookie = |v: &str| vec![(NUM_VISITS.to_string(), v.to_string())];
        assert_eq!(next_visit(&[]), 1, "no cookie: first visit");
        assert_eq!(next_visit(&cookie("2")), 3);
        assert_eq!(next_visit(&cookie("x")), 1, "unreadable counts as 0");
        assert_eq!(next_visit(&cookie("18446744073709551615")), u64::MAX);
    }
}

//! Where a cookie goes, and how a site defends itself: two small tables.
//!
//! The strategies table (`app::strategies`) asks five questions of each
//! way to keep state. The multi-site lessons ask different ones of each
//! kind of cookie *scope* — which hosts, paths and ports, and which
//! requests other sites start — and of each defence against cross-site
//! request forgery. As there, one table of data feeds both each lesson's
//! facts box and `/compare`, so they cannot disagree.

use crate::app::strategies::compare_table;
use crate::template::escape;

/// The kinds of cookie scope the lessons show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKey {
    HostOnly,
    DomainWide,
    PathScoped,
    Strict,
    Lax,
    NoneSecure,
    Unset,
    ThirdParty,
    Partitioned,
}

/// One kind of scope and its answers.
pub struct Scope {
    pub key: ScopeKey,
    /// Its name, as written (`Domain=goldfish.localhost`).
    pub name: &'static str,
    /// The lesson that shows it.
    pub href: &'static str,
    pub hosts: &'static str,
    pub paths: &'static str,
    pub ports: &'static str,
    pub cross_site: &'static str,
    pub who: &'static str,
}

/// The questions, in column order.
pub const SCOPE_QUESTIONS: [&str; 5] = [
    "sent to which hosts",
    "sent for which paths",
    "sent to which ports",
    "sent on requests other sites start",
    "who can use it",
];

const AS_DOMAIN_AND_PATH: &str = "as its Domain and Path say";
const EVERY_PORT: &str = "every port of those hosts";
const AS_SAMESITE: &str = "as its SameSite says";

/// Every kind of scope, in lesson order.
pub static SCOPES: &[Scope] = &[
    Scope {
        key: ScopeKey::HostOnly,
        name: "host-only cookie (no Domain)",
        href: "/sites/domain",
        hosts: "exactly the host that set it: not its subdomains, not its parent",
        paths: "its Path, or without one the default path of the URL that set it",
        ports: "every port of that host: the port is not part of a cookie's scope (RFC 6265 §8.5)",
        cross_site: AS_SAMESITE,
        who: "every server on any port of that host, and its pages' JavaScript unless HttpOnly",
    },
    Scope {
        key: ScopeKey::DomainWide,
        name: "Domain=goldfish.localhost",
        href: "/sites/domain",
        hosts: "the Domain and every host under it (www., shop., …); never a sibling, never a public suffix such as localhost",
        paths: "its Path, or the default path",
        ports: EVERY_PORT,
        cross_site: AS_SAMESITE,
        who: "every host under the Domain: one careless subdomain can read it, or overwrite it",
    },
    Scope {
        key: ScopeKey::PathScoped,
        name: "Path=/shop",
        href: "/sites/path",
        hosts: "as its Domain says",
        paths: "/shop and everything below it (/shop/basket); not /shopping, not /",
        ports: EVERY_PORT,
        cross_site: AS_SAMESITE,
        who: "not a security boundary (RFC 6265 §4.1.2.4): a page elsewhere on the same origin can read it through a frame of a /shop page",
    },
    Scope {
        key: ScopeKey::Strict,
        name: "SameSite=Strict",
        href: "/sites/samesite",
        hosts: AS_DOMAIN_AND_PATH,
        paths: AS_DOMAIN_AND_PATH,
        ports: EVERY_PORT,
        cross_site: "never: not even when you follow a link from another site (that first page arrives without it)",
        who: "requests the same site starts; another host of the same site (shop. for www.) counts as the same site",
    },
    Scope {
        key: ScopeKey::Lax,
        name: "SameSite=Lax",
        href: "/sites/samesite",
        hosts: AS_DOMAIN_AND_PATH,
        paths: AS_DOMAIN_AND_PATH,
        ports: EVERY_PORT,
        cross_site: "only top-level navigations with a safe method: a link, a GET form; not a POST form, an image, a frame or a fetch",
        who: "the same site, and other sites that send you to it with a link",
    },
    Scope {
        key: ScopeKey::NoneSecure,
        name: "SameSite=None; Secure",
        href: "/sites/samesite",
        hosts: AS_DOMAIN_AND_PATH,
        paths: AS_DOMAIN_AND_PATH,
        ports: EVERY_PORT,
        cross_site: "all of them, as far as SameSite goes; in images, frames and fetches only where the browser allows third-party cookies",
        who: "any site that makes your browser send a request: forms it posts carry the cookie (CSRF)",
    },
    Scope {
        key: ScopeKey::Unset,
        name: "no SameSite",
        href: "/sites/samesite",
        hosts: AS_DOMAIN_AND_PATH,
        paths: AS_DOMAIN_AND_PATH,
        ports: EVERY_PORT,
        cross_site: "Chromium: as Lax, plus top-level POSTs in the cookie's first 2 minutes; Firefox and Safari: as None",
        who: "depends on the browser: set SameSite explicitly",
    },
    Scope {
        key: ScopeKey::ThirdParty,
        name: "third-party cookie",
        href: "/sites/third-party",
        hosts: "the embedded site's host, as its Domain says, inside any site's frames",
        paths: AS_DOMAIN_AND_PATH,
        ports: EVERY_PORT,
        cross_site: "this is the cross-site case: sent only where the browser allows third-party cookies (Safari blocks them; Firefox partitions them; Chromium can block them)",
        who: "the embedded site, on every site that embeds it: it can follow you from site to site",
    },
    Scope {
        key: ScopeKey::Partitioned,
        name: "Partitioned (CHIPS)",
        href: "/sites/third-party",
        hosts: "the embedded site's host, inside frames on the one top-level site where it was set",
        paths: AS_DOMAIN_AND_PATH,
        ports: EVERY_PORT,
        cross_site: "sent in frames, from a separate jar per top-level site (the partition key)",
        who: "the embedded site, but once per top-level site: it cannot join your visits to two sites",
    },
];

fn answers(s: &Scope) -> [&'static str; 5] {
    [s.hosts, s.paths, s.ports, s.cross_site, s.who]
}

fn find(key: ScopeKey) -> &'static Scope {
    SCOPES.iter().find(|s| s.key == key).unwrap_or(&SCOPES[0]) // unreachable: a test checks every key has a row
}

/// A lesson's facts box: the questions down, the lesson's scopes across.
#[must_use]
pub fn facts_html(keys: &[ScopeKey]) -> String {
    let scopes: Vec<&Scope> = keys.iter().map(|k| find(*k)).collect();
    let names: Vec<String> = scopes.iter().map(|s| escape(s.name).into_owned()).collect();
    let mut out = format!(
        "<h2>The facts: {}</h2>\n<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"the facts\"><table class=\"facts\" id=\"scope-facts\">\n",
        names.join(", ")
    );
    if scopes.len() > 1 {
        out.push_str("<tr><td></td>");
        for n in &names {
            out.push_str(&format!("<th><code>{n}</code></th>"));
        }
        out.push_str("</tr>\n");
    }
    for (i, q) in SCOPE_QUESTIONS.iter().enumerate() {
        out.push_str(&format!("<tr><th>{}</th>", escape(q)));
        for s in &scopes {
            out.push_str(&format!("<td>{}</td>", escape(answers(s)[i])));
        }
        out.push_str("</tr>\n");
    }
    out.push_str(
        "</table></div>\n<p class=\"note\">Every kind of scope side by side: <a href=\"/compare#scope\">/compare</a>.</p>\n",
    );
    out
}

/// Every kind of scope in one table, for `/compare`.
#[must_use]
pub fn compare_html() -> String {
    compare_table(
        Some("scope"),
        "kind of cookie",
        &SCOPE_QUESTIONS,
        SCOPES.iter().map(|s| (s.href, s.name, answers(s).to_vec())),
    )
}

/// The defences against cross-site request forgery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefenceKey {
    None,
    SameSiteLax,
    FetchMetadata,
    Token,
}

/// One defence and its answers.
pub struct Defence {
    pub key: DefenceKey,
    pub name: &'static str,
    pub stops: &'static str,
    pub misses: &'static str,
    pub costs: &'static str,
}

/// The questions about a defence.
pub const DEFENCE_QUESTIONS: [&str; 3] = ["what it stops", "what gets through", "what it costs"];

/// Every defence, weakest first.
pub static DEFENCES: &[Defence] = &[
    Defence {
        key: DefenceKey::None,
        name: "none (a SameSite=None cookie, no check)",
        stops: "nothing: the browser attaches the cookie to the other site's form, and the server obeys",
        misses: "every forged request",
        costs: "nothing — until someone notices",
    },
    Defence {
        key: DefenceKey::SameSiteLax,
        name: "SameSite=Lax cookie",
        stops: "forged POSTs, images, frames and fetches from other sites: the cookie stays home",
        misses: "state changes behind a GET (a link carries the cookie); requests from another host of the same site; older browsers; and the response may still write a new cookie over yours (session swap)",
        costs: "one attribute; nothing for the learner",
    },
    Defence {
        key: DefenceKey::FetchMetadata,
        name: "Sec-Fetch-Site / Origin check",
        stops: "every cross-origin POST — from another site, or from another host of the same site — with or without cookies, login forms too, before any session is read or written",
        misses: "state changes behind a GET (safe methods pass); clients that send neither header (curl, very old browsers), which are let through because they are not a victim's browser",
        costs: "one check per request and no state: Go 1.25's CrossOriginProtection is the model",
    },
    Defence {
        key: DefenceKey::Token,
        name: "synchronizer token",
        stops: "any request whose form does not hold the secret the server put in its own page: another site cannot read that page",
        misses: "nothing a browser sends by itself; an XSS hole on the site reads the token",
        costs: "state: a secret per session, and every form must carry it",
    },
];

fn find_defence(key: DefenceKey) -> &'static Defence {
    DEFENCES
        .iter()
        .find(|d| d.key == key)
        .unwrap_or(&DEFENCES[0]) // unreachable: a test checks every key has a row
}

fn defence_answers(d: &Defence) -> [&'static str; 3] {
    [d.stops, d.misses, d.costs]
}

/// The name of a defence, for pages that report which one held.
#[must_use]
pub fn defence_name(key: DefenceKey) -> &'static str {
    find_defence(key).name
}

/// The CSRF lesson's facts box: the defences side by side.
#[must_use]
pub fn defence_facts_html() -> String {
    let mut out = String::from("<h2>The facts: defences against CSRF</h2>\n");
    out.push_str(&compare_table(
        Some("defence-facts"),
        "defence",
        &DEFENCE_QUESTIONS,
        DEFENCES
            .iter()
            .map(|d| ("/sites/csrf", d.name, defence_answers(d).to_vec())),
    ));
    out.push_str(
        "<p class=\"note\">With every other table of the course: <a href=\"/compare#defences\">/compare</a>.</p>\n",
    );
    out
}

/// The defences, for `/compare`.
#[must_use]
pub fn defence_compare_html() -> String {
    compare_table(
        Some("defences"),
        "defence",
        &DEFENCE_QUESTIONS,
        DEFENCES
            .iter()
            .map(|d| ("/sites/csrf", d.name, defence_answers(d).to_vec())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_exactly_one_row_with_every_answer() {
        use ScopeKey::*;
        for key in [
            HostOnly,
            DomainWide,
            PathScoped,
            Strict,
            Lax,
            NoneSecure,
            Unset,
            ThirdParty,
            Partitioned,
        ] {
            let rows: Vec<&Scope> = SCOPES.iter().filter(|s| s.key == key).collect();
            assert_eq!(rows.len(), 1, "{key:?} has {} rows; want 1", rows.len());
            for (q, a) in SCOPE_QUESTIONS.iter().zip(answers(rows[0])) {
                assert!(!a.is_empty(), "{key:?} does not answer {q:?}");
            }
        }
        for key in [
            DefenceKey::None,
            DefenceKey::SameSiteLax,
            DefenceKey::FetchMetadata,
            DefenceKey::Token,
        ] {
            let rows = DEFENCES.iter().filter(|d| d.key == key).count();
            assert_eq!(rows, 1, "{key:?} has {rows} rows; want 1");
        }
    }

    #[test]
    fn a_facts_box_has_a_column_per_scope() {
        let html = facts_html(&[ScopeKey::Strict, ScopeKey::Lax]);
        assert!(
            html.contains("<th><code>SameSite=Strict</code></th>"),
            "{html}"
        );
        assert_eq!(html.matches("<tr>").count(), SCOPE_QUESTIONS.len() + 1);
        let one = facts_html(&[ScopeKey::PathScoped]);
        assert_eq!(one.matches("<tr>").count(), SCOPE_QUESTIONS.len());
    }

    #[test]
    fn compare_tables_have_a_row_each() {
        assert_eq!(
            compare_html().matches("<tr role=\"row\">").count(),
            SCOPES.len() + 1
        );
        assert_eq!(
            defence_compare_html().matches("<tr role=\"row\">").count(),
            DEFENCES.len() + 1
        );
    }
}

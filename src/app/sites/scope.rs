//! Where a cookie goes, and how a site defends itself: two small tables.
//!
//! The strategies table (`app::strategies`) asks five questions of each
//! way to keep state. The multi-site lessons ask different ones of each
//! kind of cookie *scope* — which hosts, paths and ports, and which
//! requests other sites start — and of each defence against cross-site
//! request forgery. As there, one table of data feeds both each lesson's
//! facts box and `/compare`, so they cannot disagree.

use crate::app::facts::{Row, Table};
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

const AS_DOMAIN_AND_PATH: &str = "as its Domain and Path say";
const EVERY_PORT: &str = "every port of those hosts";
const AS_SAMESITE: &str = "as its SameSite says";

/// Every kind of scope, in lesson order, and what each answers.
pub static SCOPES: Table<ScopeKey, 5> = Table {
    kind: "kind of cookie",
    questions: [
        "sent to which hosts",
        "sent for which paths",
        "sent to which ports",
        "sent on requests other sites start",
        "who can use it",
    ],
    rows: &[
        Row {
            key: ScopeKey::HostOnly,
            name: "host-only cookie (no Domain)",
            href: "/sites/domain",
            answers: [
                "exactly the host that set it: not its subdomains, not its parent",
                "its Path, or without one the default path of the URL that set it",
                "every port of that host: the port is not part of a cookie's scope (RFC 6265 §8.5)",
                AS_SAMESITE,
                "every server on any port of that host, and its pages' JavaScript unless HttpOnly",
            ],
        },
        Row {
            key: ScopeKey::DomainWide,
            name: "Domain=goldfish.localhost",
            href: "/sites/domain",
            answers: [
                "the Domain and every host under it (www., shop., …); never a sibling, never a public suffix such as localhost",
                "its Path, or the default path",
                EVERY_PORT,
                AS_SAMESITE,
                "every host under the Domain: one careless subdomain can read it, or overwrite it",
            ],
        },
        Row {
            key: ScopeKey::PathScoped,
            name: "Path=/shop",
            href: "/sites/path",
            answers: [
                "as its Domain says",
                "/shop and everything below it (/shop/basket); not /shopping, not /",
                EVERY_PORT,
                AS_SAMESITE,
                "not a security boundary (RFC 6265 §4.1.2.4): a page elsewhere on the same origin can read it through a frame of a /shop page",
            ],
        },
        Row {
            key: ScopeKey::Strict,
            name: "SameSite=Strict",
            href: "/sites/samesite",
            answers: [
                AS_DOMAIN_AND_PATH,
                AS_DOMAIN_AND_PATH,
                EVERY_PORT,
                "never: not even when you follow a link from another site (that first page arrives without it)",
                "requests the same site starts; another host of the same site (shop. for www.) counts as the same site",
            ],
        },
        Row {
            key: ScopeKey::Lax,
            name: "SameSite=Lax",
            href: "/sites/samesite",
            answers: [
                AS_DOMAIN_AND_PATH,
                AS_DOMAIN_AND_PATH,
                EVERY_PORT,
                "only top-level navigations with a safe method: a link, a GET form; not a POST form, an image, a frame or a fetch",
                "the same site, and other sites that send you to it with a link",
            ],
        },
        Row {
            key: ScopeKey::NoneSecure,
            name: "SameSite=None; Secure",
            href: "/sites/samesite",
            answers: [
                AS_DOMAIN_AND_PATH,
                AS_DOMAIN_AND_PATH,
                EVERY_PORT,
                "all of them, as far as SameSite goes; in images, frames and fetches only where the browser allows third-party cookies",
                "any site that makes your browser send a request: forms it posts carry the cookie (CSRF)",
            ],
        },
        Row {
            key: ScopeKey::Unset,
            name: "no SameSite",
            href: "/sites/samesite",
            answers: [
                AS_DOMAIN_AND_PATH,
                AS_DOMAIN_AND_PATH,
                EVERY_PORT,
                "Chromium: as Lax, plus top-level POSTs in the cookie's first 2 minutes; Firefox and Safari: as None",
                "depends on the browser: set SameSite explicitly",
            ],
        },
        Row {
            key: ScopeKey::ThirdParty,
            name: "third-party cookie",
            href: "/sites/third-party",
            answers: [
                "the embedded site's host, as its Domain says, inside any site's frames",
                AS_DOMAIN_AND_PATH,
                EVERY_PORT,
                "this is the cross-site case: sent only where the browser allows third-party cookies (Safari blocks them; Firefox partitions them; Chromium can block them)",
                "the embedded site, on every site that embeds it: it can follow you from site to site",
            ],
        },
        Row {
            key: ScopeKey::Partitioned,
            name: "Partitioned (CHIPS)",
            href: "/sites/third-party",
            answers: [
                "the embedded site's host, inside frames on the one top-level site where it was set",
                AS_DOMAIN_AND_PATH,
                EVERY_PORT,
                "sent in frames, from a separate jar per top-level site (the partition key)",
                "the embedded site, but once per top-level site: it cannot join your visits to two sites",
            ],
        },
    ],
};

/// A lesson's facts box: the questions down, the lesson's scopes across.
#[must_use]
pub fn facts_html(keys: &[ScopeKey]) -> String {
    let rows: Vec<&Row<ScopeKey, 5>> = keys.iter().map(|k| SCOPES.row(*k)).collect();
    let names: Vec<String> = rows.iter().map(|r| escape(r.name).into_owned()).collect();
    let mut out = format!(
        "<h2>The facts: {}</h2>\n<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"the facts\"><table class=\"facts\" id=\"scope-facts\">\n",
        names.join(", ")
    );
    if rows.len() > 1 {
        out.push_str("<tr><td></td>");
        for n in &names {
            out.push_str(&format!("<th><code>{n}</code></th>"));
        }
        out.push_str("</tr>\n");
    }
    for (i, q) in SCOPES.questions.iter().enumerate() {
        out.push_str(&format!("<tr><th>{}</th>", escape(q)));
        for r in &rows {
            out.push_str(&format!("<td>{}</td>", escape(r.answers[i])));
        }
        out.push_str("</tr>\n");
    }
    out.push_str(
        "</table></div>\n<p class=\"note\">Every kind of scope side by side: <a href=\"/compare#scope\">/compare</a>.</p>\n",
    );
    out
}

/// The defences against cross-site request forgery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefenceKey {
    None,
    SameSiteLax,
    FetchMetadata,
    Token,
}

/// Every defence, weakest first, and what each answers. Their lesson is
/// the CSRF lesson.
pub static DEFENCES: Table<DefenceKey, 3> = Table {
    kind: "defence",
    questions: ["what it stops", "what gets through", "what it costs"],
    rows: &[
        Row {
            key: DefenceKey::None,
            name: "none (a SameSite=None cookie, no check)",
            href: "/sites/csrf",
            answers: [
                "nothing: the browser attaches the cookie to the other site's form, and the server obeys",
                "every forged request",
                "nothing — until someone notices",
            ],
        },
        Row {
            key: DefenceKey::SameSiteLax,
            name: "SameSite=Lax cookie",
            href: "/sites/csrf",
            answers: [
                "forged POSTs, images, frames and fetches from other sites: the cookie stays home",
                "state changes behind a GET (a link carries the cookie); requests from another host of the same site; older browsers; and the response may still write a new cookie over yours (session swap)",
                "one attribute; nothing for the learner",
            ],
        },
        Row {
            key: DefenceKey::FetchMetadata,
            name: "Sec-Fetch-Site / Origin check",
            href: "/sites/csrf",
            answers: [
                "every cross-origin POST — from another site, or from another host of the same site — with or without cookies, login forms too, before any session is read or written",
                "state changes behind a GET (safe methods pass); clients that send neither header (curl, very old browsers), which are let through because they are not a victim's browser",
                "one check per request and no state: Go 1.25's CrossOriginProtection is the model",
            ],
        },
        Row {
            key: DefenceKey::Token,
            name: "synchronizer token",
            href: "/sites/csrf",
            answers: [
                "any request whose form does not hold the secret the server put in its own page: another site cannot read that page",
                "nothing a browser sends by itself; an XSS hole on the site reads the token",
                "state: a secret per session, and every form must carry it",
            ],
        },
    ],
};

/// The name of a defence, for pages that report which one held.
#[must_use]
pub fn defence_name(key: DefenceKey) -> &'static str {
    DEFENCES.row(key).name
}

/// The CSRF lesson's facts box: the defences side by side.
#[must_use]
pub fn defence_facts_html() -> String {
    let mut out = String::from("<h2>The facts: defences against CSRF</h2>\n");
    out.push_str(&DEFENCES.compare_html(Some("defence-facts")));
    out.push_str(
        "<p class=\"note\">With every other table of the course: <a href=\"/compare#defences\">/compare</a>.</p>\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::facts::check;

    #[test]
    fn every_key_has_exactly_one_row_with_every_answer() {
        use ScopeKey::*;
        let scopes = [
            HostOnly,
            DomainWide,
            PathScoped,
            Strict,
            Lax,
            NoneSecure,
            Unset,
            ThirdParty,
            Partitioned,
        ];
        check(&SCOPES, &scopes);
        use DefenceKey as D;
        check(
            &DEFENCES,
            &[D::None, D::SameSiteLax, D::FetchMetadata, D::Token],
        );
    }

    #[test]
    fn a_facts_box_has_a_column_per_scope() {
        let html = facts_html(&[ScopeKey::Strict, ScopeKey::Lax]);
        assert!(
            html.contains("<th><code>SameSite=Strict</code></th>"),
            "{html}"
        );
        assert_eq!(html.matches("<tr>").count(), SCOPES.questions.len() + 1);
        let one = facts_html(&[ScopeKey::PathScoped]);
        assert_eq!(one.matches("<tr>").count(), SCOPES.questions.len());
    }

    #[test]
    fn compare_tables_have_a_row_each() {
        let html = SCOPES.compare_html(Some("scope"));
        assert_eq!(
            html.matches("<tr role=\"row\">").count(),
            SCOPES.rows.len() + 1
        );
        let html = DEFENCES.compare_html(Some("defences"));
        assert_eq!(
            html.matches("<tr role=\"row\">").count(),
            DEFENCES.rows.len() + 1
        );
    }
}

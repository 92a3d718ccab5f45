//! The ways to keep state, and the same five questions about each.
//!
//! Every lesson page ends with a facts box answering them for its strategy,
//! and `/compare` puts all of them in one table. One table of data feeds
//! both, so they can never disagree.

use std::sync::OnceLock;

use super::facts::{Row, Table};
use crate::template::escape;

/// The ways to keep state, as lesson pages name them (`Page::facts`). An
/// enum, not a string: a page cannot ask for a facts box that does not
/// exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrategyKey {
    Query,
    Hidden,
    Path,
    LocalStorage,
    SessionStorage,
    Cookie,
    SignedSession,
    ServerSession,
}

/// The ways to keep state, and what each answers (see [`Table`]).
pub static STRATEGIES: Table<StrategyKey, 5> = Table {
    kind: "strategy",
    questions: [
        "who can read it",
        "does it reach the server?",
        "how big can it be",
        "how long does it live",
        "can the user change it?",
    ],
    rows: &[
        Row {
            key: StrategyKey::Query,
            name: "query parameter",
            href: "/step-zero?fav-color=blue",
            answers: [
                "anyone who sees the URL: the address bar, browser history, bookmarks, server and proxy logs, and this site's own pages through Referer (other sites get only the origin, by default)",
                "only on requests whose URL carries it: every link and form must pass it on, or it is gone",
                "URL length: 8 KiB for goldfish's whole request line, a few KB in practice",
                "as long as the URL: a bookmark keeps it forever, the next link without it loses it",
                "yes: edit the URL; the server cannot tell",
            ],
        },
        Row {
            key: StrategyKey::Hidden,
            name: "hidden form field",
            href: "/form/step-zero",
            answers: [
                "whoever views the page source; not shown in the address bar, history or logs",
                "only when that form is submitted, in the POST body",
                "large: it travels in the body (goldfish accepts 1 MiB)",
                "one page: every page must write it into its next form again; Back and a new tab lose the thread",
                "yes: dev tools or curl can post any value; the server cannot tell",
            ],
        },
        Row {
            key: StrategyKey::Path,
            name: "URL path segment",
            href: "/fav-color/blue/step-zero",
            answers: [
                "anyone who sees the URL, like a query parameter",
                "on requests for URLs under that path: relative links carry it automatically",
                "URL length, like a query parameter",
                "as long as the URL; bookmarkable and cacheable",
                "yes: edit the URL; the server cannot tell",
            ],
        },
        Row {
            key: StrategyKey::LocalStorage,
            name: "localStorage",
            href: "/storage",
            answers: [
                "JavaScript from the same origin (scheme, host and port): every script on the page, including injected ones",
                "never by itself: only if JavaScript sends it",
                "about 5 million characters per origin in Chromium: 10 MB as UTF-16, the lecture's \"10MB\"",
                "until cleared by the page or the user: survives reloads, new tabs and restarts",
                "yes: dev tools → Application → Local Storage",
            ],
        },
        Row {
            key: StrategyKey::SessionStorage,
            name: "sessionStorage",
            href: "/storage",
            answers: [
                "JavaScript from the same origin, in the same tab only",
                "never by itself: only if JavaScript sends it",
                "about 5 million characters per origin in Chromium (10 MB as UTF-16)",
                "as long as the tab: survives reloads, not closing the tab; a new tab starts empty",
                "yes: dev tools → Application → Session Storage",
            ],
        },
        Row {
            key: StrategyKey::Cookie,
            name: "cookie",
            href: "/cookie-form",
            answers: [
                "the browser, the server, JavaScript unless HttpOnly, anyone on the network unless Secure and HTTPS",
                "yes: automatically with every request to its site and path",
                "about 4 KB per cookie, and a limited number per site",
                "the browser session, or until Expires/Max-Age (Chromium caps it at 400 days)",
                "yes: it is text in the browser; the server cannot tell",
            ],
        },
        Row {
            key: StrategyKey::SignedSession,
            name: "signed session cookie",
            href: "/session",
            answers: [
                "anyone with the cookie: the payload is only base64url-encoded JSON (signed, not encrypted)",
                "yes: with every request, as a cookie",
                "under 4 KB in all, signature included",
                "the browser session, or 31 days when permanent; the signed timestamp caps it too",
                "not forge it: any change breaks the HMAC signature, and the server starts an empty session; but delete it, or send back an older valid cookie (an earlier cart) until it expires",
            ],
        },
        Row {
            key: StrategyKey::ServerSession,
            name: "server-side session",
            href: "/server-session",
            answers: [
                "only the server: the cookie holds an opaque random id",
                "the id does, with every request; the data stays in the server's store",
                "as big as the store allows: far more than a cookie (goldfish caps one session at 64 KiB of JSON)",
                "the store's expiry; the server can end it at any time (log out everywhere)",
                "no: only swap the id for another, and ids are too random to guess",
            ],
        },
    ],
};

/// The facts box of one strategy, as HTML. Built once per strategy: the
/// table never changes, and lesson pages ask for it on every request.
pub fn facts_html(key: StrategyKey) -> String {
    static BUILT: OnceLock<Vec<String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| STRATEGIES.rows.iter().map(build_facts).collect());
    STRATEGIES
        .rows
        .iter()
        .position(|row| row.key == key)
        .map(|i| built[i].clone())
        .unwrap_or_default() // unreachable: a test checks every key has a row
}

fn build_facts(row: &Row<StrategyKey, 5>) -> String {
    let mut out = format!(
        "<h2>The facts: {}</h2>\n<table class=\"facts\">\n",
        escape(row.name)
    );
    for (q, a) in STRATEGIES.questions.iter().zip(row.answers) {
        out.push_str(&format!(
            "<tr><th>{}</th><td>{}</td></tr>\n",
            escape(q),
            escape(a)
        ));
    }
    out.push_str(
        "</table>\n<p class=\"note\">All the strategies side by side: <a href=\"/compare\">/compare</a>.</p>\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_strategy_has_one_row_with_every_answer() {
        use StrategyKey::*;
        let keys = [
            Query,
            Hidden,
            Path,
            LocalStorage,
            SessionStorage,
            Cookie,
            SignedSession,
            ServerSession,
        ];
        super::super::facts::check(&STRATEGIES, &keys);
        for key in keys {
            let name = STRATEGIES.row(key).name;
            assert!(
                facts_html(key).contains(name),
                "{key:?}'s facts box lacks {name:?}"
            );
        }
    }

    #[test]
    fn compare_has_a_row_per_strategy() {
        let html = STRATEGIES.compare_html(None);
        assert_eq!(html.matches("<tr role=").count(), STRATEGIES.rows.len() + 1);
    }
}

//! The ways to keep state, and the same five questions about each.
//!
//! Every lesson page ends with a facts box answering them for its strategy,
//! and `/compare` puts all of them in one table. One table of data feeds
//! both, so they can never disagree.

use std::sync::OnceLock;

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

/// One way to keep state across requests.
pub struct Strategy {
    /// Which one (`Page::facts` asks by this key).
    pub key: StrategyKey,
    /// Its name in the table.
    pub name: &'static str,
    /// The lesson that shows it.
    pub href: &'static str,
    /// Who can read the state.
    pub who_reads: &'static str,
    /// Whether, and when, it reaches the server.
    pub reaches_server: &'static str,
    /// How much it can hold.
    pub size: &'static str,
    /// How long it lives.
    pub lifetime: &'static str,
    /// Whether the user can change it (and whether the server would notice).
    pub user_can_change: &'static str,
}

/// The questions, in column order.
pub const QUESTIONS: [&str; 5] = [
    "who can read it",
    "does it reach the server?",
    "how big can it be",
    "how long does it live",
    "can the user change it?",
];

/// All strategies, in lesson order.
pub static STRATEGIES: &[Strategy] = &[
    Strategy {
        key: StrategyKey::Query,
        name: "query parameter",
        href: "/step-zero?fav-color=blue",
        who_reads: "anyone who sees the URL: the address bar, browser history, bookmarks, server and proxy logs, and this site's own pages through Referer (other sites get only the origin, by default)",
        reaches_server: "only on requests whose URL carries it: every link and form must pass it on, or it is gone",
        size: "URL length: 8 KiB for goldfish's whole request line, a few KB in practice",
        lifetime: "as long as the URL: a bookmark keeps it forever, the next link without it loses it",
        user_can_change: "yes: edit the URL; the server cannot tell",
    },
    Strategy {
        key: StrategyKey::Hidden,
        name: "hidden form field",
        href: "/form/step-zero",
        who_reads: "whoever views the page source; not shown in the address bar, history or logs",
        reaches_server: "only when that form is submitted, in the POST body",
        size: "large: it travels in the body (goldfish accepts 1 MiB)",
        lifetime: "one page: every page must write it into its next form again; Back and a new tab lose the thread",
        user_can_change: "yes: dev tools or curl can post any value; the server cannot tell",
    },
    Strategy {
        key: StrategyKey::Path,
        name: "URL path segment",
        href: "/fav-color/blue/step-zero",
        who_reads: "anyone who sees the URL, like a query parameter",
        reaches_server: "on requests for URLs under that path: relative links carry it automatically",
        size: "URL length, like a query parameter",
        lifetime: "as long as the URL; bookmarkable and cacheable",
        user_can_change: "yes: edit the URL; the server cannot tell",
    },
    Strategy {
        key: StrategyKey::LocalStorage,
        name: "localStorage",
        href: "/storage",
        who_reads: "JavaScript from the same origin (scheme, host and port): every script on the page, including injected ones",
        reaches_server: "never by itself: only if JavaScript sends it",
        size: "about 5 million characters per origin in Chromium: 10 MB as UTF-16, the lecture's \"10MB\"",
        lifetime: "until cleared by the page or the user: survives reloads, new tabs and restarts",
        user_can_change: "yes: dev tools → Application → Local Storage",
    },
    Strategy {
        key: StrategyKey::SessionStorage,
        name: "sessionStorage",
        href: "/storage",
        who_reads: "JavaScript from the same origin, in the same tab only",
        reaches_server: "never by itself: only if JavaScript sends it",
        size: "about 5 million characters per origin in Chromium (10 MB as UTF-16)",
        lifetime: "as long as the tab: survives reloads, not closing the tab; a new tab starts empty",
        user_can_change: "yes: dev tools → Application → Session Storage",
    },
    Strategy {
        key: StrategyKey::Cookie,
        name: "cookie",
        href: "/cookie-form",
        who_reads: "the browser, the server, JavaScript unless HttpOnly, anyone on the network unless Secure and HTTPS",
        reaches_server: "yes: automatically with every request to its site and path",
        size: "about 4 KB per cookie, and a limited number per site",
        lifetime: "the browser session, or until Expires/Max-Age (Chromium caps it at 400 days)",
        user_can_change: "yes: it is text in the browser; the server cannot tell",
    },
    Strategy {
        key: StrategyKey::SignedSession,
        name: "signed session cookie",
        href: "/session",
        who_reads: "anyone with the cookie: the payload is only base64url-encoded JSON (signed, not encrypted)",
        reaches_server: "yes: with every request, as a cookie",
        size: "under 4 KB in all, signature included",
        lifetime: "the browser session, or 31 days when permanent; the signed timestamp caps it too",
        user_can_change: "not forge it: any change breaks the HMAC signature, and the server starts an empty session; but delete it, or send back an older valid cookie (an earlier cart) until it expires",
    },
    Strategy {
        key: StrategyKey::ServerSession,
        name: "server-side session",
        href: "/server-session",
        who_reads: "only the server: the cookie holds an opaque random id",
        reaches_server: "the id does, with every request; the data stays in the server's store",
        size: "as big as the store allows: far more than a cookie (goldfish caps one session at 64 KiB of JSON)",
        lifetime: "the store's expiry; the server can end it at any time (log out everywhere)",
        user_can_change: "no: only swap the id for another, and ids are too random to guess",
    },
];

fn answers(s: &Strategy) -> [&'static str; 5] {
    [
        s.who_reads,
        s.reaches_server,
        s.size,
        s.lifetime,
        s.user_can_change,
    ]
}

/// The facts box of one strategy, as HTML. Built once per strategy: the
/// table never changes, and lesson pages ask for it on every request.
pub fn facts_html(key: StrategyKey) -> String {
    static BUILT: OnceLock<Vec<String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| STRATEGIES.iter().map(build_facts).collect());
    STRATEGIES
        .iter()
        .position(|s| s.key == key)
        .map(|i| built[i].clone())
        .unwrap_or_default() // unreachable: a test checks every key has a row
}

fn build_facts(s: &Strategy) -> String {
    let mut out = format!(
        "<h2>The facts: {}</h2>\n<table class=\"facts\">\n",
        escape(s.name)
    );
    for (q, a) in QUESTIONS.iter().zip(answers(s)) {
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

/// Every strategy in one table, as HTML (see [`compare_table`]).
#[must_use]
pub fn compare_html() -> String {
    compare_table(
        None,
        "strategy",
        &QUESTIONS,
        STRATEGIES
            .iter()
            .map(|s| (s.href, s.name, answers(s).to_vec())),
    )
}

/// A comparison table for `/compare`: one row per item, its name linking to
/// its lesson, one column per question. On a phone the stylesheet stacks it
/// (`table.stack`: one block per row, each answer labelled with its
/// question through `data-label`); the explicit roles keep it a table for
/// screen readers. The scope and CSRF tables (`sites::scope`) use it too.
pub(super) fn compare_table<'a>(
    id: Option<&str>,
    corner: &str,
    questions: &[&str],
    rows: impl Iterator<Item = (&'a str, &'a str, Vec<&'a str>)>,
) -> String {
    let id = id.map(|id| format!(" id=\"{id}\"")).unwrap_or_default();
    let mut out = format!(
        "<table class=\"compare stack\"{id} role=\"table\">\n<thead role=\"rowgroup\">\
         <tr role=\"row\"><th scope=\"col\" role=\"columnheader\">{corner}</th>"
    );
    for q in questions {
        out.push_str(&format!(
            "<th scope=\"col\" role=\"columnheader\">{}</th>",
            escape(q)
        ));
    }
    out.push_str("</tr></thead>\n<tbody role=\"rowgroup\">\n");
    for (href, name, answers) in rows {
        out.push_str(&format!(
            "<tr role=\"row\"><th scope=\"row\" role=\"rowheader\"><a href=\"{}\">{}</a></th>",
            escape(href),
            escape(name)
        ));
        for (q, a) in questions.iter().zip(answers) {
            out.push_str(&format!(
                "<td role=\"cell\" data-label=\"{}\">{}</td>",
                escape(q),
                escape(a)
            ));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_strategy_answers_every_question() {
        for s in STRATEGIES {
            for (q, a) in QUESTIONS.iter().zip(answers(s)) {
                assert!(!a.is_empty(), "{} does not answer {q:?}", s.name);
            }
            assert!(facts_html(s.key).contains(s.name), "{:?}", s.key);
        }
        for key in [
            StrategyKey::Query,
            StrategyKey::Hidden,
            StrategyKey::Path,
            StrategyKey::LocalStorage,
            StrategyKey::SessionStorage,
            StrategyKey::Cookie,
            StrategyKey::SignedSession,
            StrategyKey::ServerSession,
        ] {
            let rows = STRATEGIES.iter().filter(|s| s.key == key).count();
            assert_eq!(rows, 1, "{key:?} has {rows} rows in STRATEGIES; want 1");
        }
    }

    #[test]
    fn compare_has_a_row_per_strategy() {
        let html = compare_html();
        assert_eq!(html.matches("<tr role=").count(), STRATEGIES.len() + 1);
    }
}

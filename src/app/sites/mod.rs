//! Many sites on one machine: which requests carry which cookies.
//!
//! Half of what there is to know about cookies is *where they go*: to one
//! host or a whole domain (`Domain`), under which paths (`Path`), on which
//! ports (all of them), from which other sites' pages (`SameSite`), inside
//! whose frames (third-party cookies, `Partitioned`), and what an attacker
//! can do with all that (CSRF). One host cannot show any of it, so goldfish
//! plays several hosts at once (see [`host`]): browsers and curl resolve
//! every `*.localhost` name to the loopback address by themselves.
//!
//! | host | site | what it is for |
//! | --- | --- | --- |
//! | `127.0.0.1`, `localhost`, `www.goldfish.localhost` | the lessons | every lesson, as always |
//! | `shop.goldfish.localhost` | the shop | another host of the same site: the `Domain` lesson |
//! | `evil.localhost` | another site | its pages send requests to goldfish: `SameSite`, CSRF |
//! | `tracker.localhost` | a third party | a frame other sites embed: third-party cookies, CHIPS |
//!
//! The lessons (on the lessons' site, in [`super::ROUTES`]):
//! `/sites` (the tour), `/sites/domain`, `/sites/path` (and the shop under
//! `/shop`), `/sites/ports`, `/sites/samesite`, `/sites/third-party`,
//! `/sites/csrf`, `/sites/timeline`. The other sites have their own small
//! route tables below.
//!
//! What the lessons remember between requests (a SameSite board, a demo
//! account, what the tracker has seen, a timeline) lives in [`State`], in
//! maps with a fixed number of entries (`recent.rs`), each entry bounded
//! too: nothing a client sends can grow it past its ceiling.

pub mod host;

pub(crate) mod csrf;
pub(crate) mod domain;
mod evil;
pub(crate) mod path;
pub(crate) mod ports;
mod recent;
pub(crate) mod samesite;
pub mod scope;
pub(crate) mod third_party;
pub mod timeline;
pub(crate) mod tour;

use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use super::{Ctx, Route, entry, statics};
use crate::http::{Response, Status};
use crate::session::base64url;
use crate::template::escape;

pub use host::{Site, SiteAnswer};
use recent::Recent;

/// The shop's pages (`shop.goldfish.localhost`).
#[rustfmt::skip]
pub static SHOP_ROUTES: &[Route] = &[
    entry("GET",  "/",                 domain::shop,          "the shop: num_visits arrives from www., cus_type is the shop's alone"),
    entry("GET",  "/samesite",         evil::samesite,        "the same six requests, from the same site"),
    entry("GET",  "/static/{*file}",   statics::serve,        ""),
];

/// The other site's pages (`evil.localhost`).
#[rustfmt::skip]
pub static EVIL_ROUTES: &[Route] = &[
    entry("GET",  "/",                 evil::home,            "another site: none of goldfish's cookies come here"),
    entry("GET",  "/samesite",         evil::samesite,        "six requests to goldfish: link, GET form, POST form, img, iframe, fetch"),
    entry("GET",  "/csrf",             evil::csrf,            "forms that try to change your colour on goldfish"),
    entry("GET",  "/third-party",      third_party::evil_top, "the tracker embedded in another top-level site"),
    entry("GET",  "/static/{*file}",   statics::serve,        ""),
];

/// The third party's pages (`tracker.localhost`).
#[rustfmt::skip]
pub static TRACKER_ROUTES: &[Route] = &[
    entry("GET",  "/",                 third_party::home,     "a tracker: it lives in other sites' frames"),
    entry("GET",  "/embed",            third_party::embed,    "the frame: which of its cookies came, and where it has seen you"),
    entry("GET",  "/static/{*file}",   statics::serve,        ""),
];

/// The route table of a site.
#[must_use]
pub fn routes(site: Site) -> &'static [Route] {
    match site {
        Site::Lessons => super::ROUTES,
        Site::Shop => SHOP_ROUTES,
        Site::Evil => EVIL_ROUTES,
        Site::Tracker => TRACKER_ROUTES,
    }
}

/// The ports goldfish listens on, filled in by `main` once the sockets are
/// bound (with `--port 0` only the OS knows them before that). The ports
/// lesson links to each of them.
#[derive(Clone, Default)]
pub struct Listening(Arc<OnceLock<Vec<u16>>>);

impl Listening {
    /// Records the bound ports; only the first call counts.
    pub fn set(&self, ports: Vec<u16>) {
        let _ = self.0.set(ports);
    }

    /// The bound ports, in the order given (the main one first); empty if
    /// not known (an `App` built by a test without a server).
    pub fn ports(&self) -> &[u16] {
        self.0.get().map_or(&[], Vec::as_slice)
    }
}

impl fmt::Debug for Listening {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Listening({:?})", self.ports())
    }
}

/// What the multi-site lessons remember, each map bounded (see `recent.rs`).
pub struct State {
    /// SameSite boards, by board id: the requests that arrived.
    boards: Mutex<Recent<samesite::Board>>,
    /// CSRF demo accounts, by account id.
    accounts: Mutex<Recent<csrf::Account>>,
    /// The id of the attacker's own demo account, once made.
    mallory: Mutex<Option<String>>,
    /// What the tracker has seen, by the value of one of its cookies.
    profiles: Mutex<Recent<third_party::Profile>>,
    /// Timelines, by recorder id.
    pub(crate) timelines: Mutex<Recent<timeline::Recording>>,
}

/// How many boards, accounts, tracker profiles and timelines are kept:
/// one per learner for a class of thirty, with room to spare.
const LEARNERS: usize = 64;

impl Default for State {
    fn default() -> State {
        State {
            boards: Mutex::new(Recent::new(LEARNERS)),
            accounts: Mutex::new(Recent::new(LEARNERS * 2)),
            mallory: Mutex::new(None),
            profiles: Mutex::new(Recent::new(LEARNERS * 4)),
            timelines: Mutex::new(Recent::new(LEARNERS)),
        }
    }
}

/// Which site this request is for.
pub fn answer<'c>(ctx: &'c Ctx) -> &'c SiteAnswer {
    &ctx.site
}

/// An absolute URL on another host of this same goldfish (same port).
pub fn url_on(ctx: &Ctx, host: &str, path: &str) -> String {
    format!("http://{host}{}{path}", answer(ctx).port_suffix())
}

/// A new random id: 16 bytes from the OS, base64url (22 characters), for
/// boards, accounts, tracker cookies and recorders. 128 bits: nobody
/// guesses another learner's.
///
/// # Errors
/// The OS's randomness could not be read.
pub fn new_id() -> std::io::Result<String> {
    Ok(base64url::encode(&crate::random::random_bytes(16)?))
}

/// Whether a value could be an id from [`new_id`] (before looking it up).
#[must_use]
pub fn looks_like_id(s: &str) -> bool {
    s.len() == 22
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The page for a failed read of `/dev/urandom`.
pub fn no_randomness(ctx: &mut Ctx, e: &std::io::Error) -> Response {
    super::pages::lesson_error(
        ctx,
        Status::SERVICE_UNAVAILABLE,
        &format!("goldfish cannot read /dev/urandom to make an id ({e}); try again."),
    )
}

/// The X-ray's first line: which site answered and why; and, when the
/// request carries the timeline's recorder cookie, that the page knows it.
pub fn xray_note(ctx: &Ctx) -> String {
    let mut out = String::with_capacity(256);
    out.push_str("<p class=\"note\" id=\"xray-site\">");
    answer(ctx).explain_html(&mut out);
    out.push_str("</p>");
    if ctx
        .req
        .headers_named("cookie")
        .any(timeline::carries_recorder)
    {
        out.push_str(&format!(
            "<p class=\"note\" id=\"xray-recorder\">This request carries <code>{}</code>, the \
             timeline's recorder, which you turned on at <a href=\"/sites/timeline\">/sites/timeline</a>: \
             goldfish records this exchange for your timeline, and the lessons leave that cookie \
             out of what they count.</p>",
            timeline::RECORDER_COOKIE
        ));
    }
    out
}

/// The request's cookies as `(name, value)` pairs, without the timeline's
/// recorder (the lessons count cookies; the recorder is not a lesson's).
pub fn lesson_cookies(ctx: &mut Ctx) -> Vec<(String, String)> {
    ctx.cookies()
        .iter()
        .filter(|(n, _)| *n != timeline::RECORDER_COOKIE)
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// The cookies of this request as a `<ul>`, the lesson's own highlighted.
#[must_use]
pub fn cookie_list(cookies: &[(String, String)], ours: &[&str]) -> String {
    if cookies.is_empty() {
        return "<p class=\"note\" id=\"arrived\">No cookies came with this request.</p>".into();
    }
    let mut out = String::from("<ul id=\"arrived\">");
    for (n, v) in cookies {
        let item = format!("<code>{}={}</code>", escape(n), escape(v));
        if ours.contains(&n.as_str()) {
            out.push_str(&format!("<li><mark>{item}</mark></li>"));
        } else {
            out.push_str(&format!(
                "<li>{item} <span class=\"note\">(another lesson's)</span></li>"
            ));
        }
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_22_url_safe_characters() {
        let id = new_id().unwrap();
        assert!(looks_like_id(&id), "{id:?}");
        assert_ne!(id, new_id().unwrap());
        for bad in [
            "",
            "short",
            "../../../../../etc/passwd",
            "aaaaaaaaaaaaaaaaaaaaa;",
        ] {
            assert!(!looks_like_id(bad), "looks_like_id({bad:?})");
        }
    }

    #[test]
    fn every_site_has_a_stylesheet_route() {
        for site in [Site::Lessons, Site::Shop, Site::Evil, Site::Tracker] {
            assert!(
                routes(site).iter().any(|r| r.pattern == "/static/{*file}"),
                "{site:?} cannot serve /static/site.css"
            );
        }
    }
}

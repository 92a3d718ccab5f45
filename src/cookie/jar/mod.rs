//! A browser's cookie jar, modelled: what is stored, what each request
//! carries, and why.
//!
//! # Theory of operation
//!
//! The checker (`check.rs`) answers "will the browser keep this one
//! line?". A learner's real question is usually "why didn't my cookie come
//! back?", and the answer depends on everything else in the jar: an older
//! cookie that this one replaced, a longer path that sorts first, a Secure
//! cookie an `http://` page may not shadow, the site the request comes
//! from. This module is the jar, sans I/O: lines and URLs in, cookies and
//! sentences out, time passed in as seconds.
//!
//! 1. **Storing** (RFC 6265bis §5.7, `store.rs`): every `Set-Cookie` line
//!    first goes through the checker (§5.6 parsing, §5.7 steps 1–22 for
//!    one line), then through the steps that need the jar: step 16 (an
//!    insecure origin may not shadow a Secure cookie), step 18 (a
//!    cross-site subresource may not set a SameSite cookie), step 23
//!    (replace the cookie with the same name, domain, host-only flag and
//!    path) and step 24 (insert), then the limits (`limits.rs`).
//! 2. **Retrieving** (§5.8.3, `retrieve.rs`): for a request, each cookie
//!    is tested in turn — expiry, domain, path, Secure, HttpOnly (for
//!    `document.cookie`), SameSite against the request's context — and the
//!    ones that pass are sorted (longer paths first, then earlier creation)
//!    and serialized as `name=value; name2=value2`.
//! 3. **Scripts** (`script.rs`): `goldfish cookie jar` and `/cookies/jar`
//!    replay a conversation (`set`, `get`, `js`, `wait`) and print what
//!    happened.
//!
//! Where browsers differ, the jar follows Chromium (the browser most
//! learners use) and [`Browser::Firefox`] models the differences that
//! Firefox's source states (see [`Browser`]). Everything Chromium-specific
//! was checked against Chromium 156 (`tests/browser/jar.mjs`).
//!
//! What it leaves out: partitions beyond "a Partitioned cookie is not sent
//! to a cross-site embed" (CHIPS keys the jar by top-level site), the
//! `Priority` attribute (Chromium-only), third-party-cookie blocking (a
//! user setting), and cookies written by `document.cookie` (the `js`
//! event only reads).

mod limits;
mod retrieve;
pub mod script;
mod store;

#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;

use super::check::StoredCookie;
use super::psl::PublicSuffixList;

pub use limits::Limits;
pub use retrieve::{Decision, Retrieval};
pub use store::{SetOutcome, SetResult};

/// Whose rules the jar follows where browsers disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Browser {
    /// Chromium (Chrome, Edge, Opera, Brave): the default.
    #[default]
    Chromium,
    /// Firefox, where it is known to differ from Chromium:
    /// - no `SameSite` means `None`, not `Lax` (the pref
    ///   `network.cookie.sameSite.laxByDefault` is `false` in release
    ///   builds), so there is no Lax+POST two-minute exception either;
    /// - replacing a cookie keeps the old creation time (RFC 6265bis §5.7
    ///   step 23; `CookieStorage::AddCookie`: "preserve creation time of
    ///   cookie for ordering purposes"), where Chromium gives a cookie
    ///   with a new value a new creation time;
    /// - the limits: 180 per site, purged to 150 (`network.cookie.maxPerHost`,
    ///   `network.cookie.quotaPerHost`), 3000 in all (`network.cookie.maxNumber`).
    Firefox,
}

impl Browser {
    /// `chromium` or `firefox` (any case).
    #[must_use]
    pub fn parse(name: &str) -> Option<Browser> {
        if name.eq_ignore_ascii_case("chromium") || name.eq_ignore_ascii_case("chrome") {
            Some(Browser::Chromium)
        } else if name.eq_ignore_ascii_case("firefox") {
            Some(Browser::Firefox)
        } else {
            None
        }
    }
}

impl fmt::Display for Browser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Browser::Chromium => "Chromium",
            Browser::Firefox => "Firefox",
        })
    }
}

/// Where a request (or the response that sets a cookie) comes from, which
/// is what `SameSite` looks at (RFC 6265bis §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Context {
    /// The page that started the request is on another site (another
    /// registrable domain, or the other scheme: Chromium compares sites
    /// "schemefully").
    pub cross_site: bool,
    /// An image, script, iframe or `fetch()`, not a top-level navigation
    /// (following a link, submitting a form, typing the address).
    pub subresource: bool,
    /// An unsafe method (POST, PUT, DELETE…), not GET or HEAD.
    pub unsafe_method: bool,
}

/// One cookie in the jar: what the storage model keeps (§5.7), plus the
/// bookkeeping for ordering and eviction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JarCookie {
    /// Name, value, domain, host-only flag, path, flags, expiry.
    pub cookie: StoredCookie,
    /// The expiry-time in seconds since the epoch; `None`: a session cookie.
    pub expiry: Option<i64>,
    /// The creation-time (seconds). Sorts cookies with equal paths.
    pub created: i64,
    /// The last-access-time (seconds): updated when the cookie is sent.
    pub last_access: i64,
    /// Breaks ties between equal creation times: browsers never give two
    /// cookies the same creation time (Chromium adds a microsecond).
    pub(crate) created_seq: u64,
    /// Breaks ties between equal last-access times.
    pub(crate) access_seq: u64,
    /// The site (registrable domain) whose limit the cookie counts against.
    pub(crate) site: String,
}

impl JarCookie {
    /// `name=value`, or just `value` for a nameless cookie (§5.8.3 step 4).
    #[must_use]
    pub fn pair(&self) -> String {
        let c = &self.cookie;
        if c.name.is_empty() {
            c.value.clone()
        } else {
            format!("{}={}", c.name, c.value)
        }
    }
}

/// A browser's cookie store.
///
/// # Examples
///
/// ```
/// use goldfish::cookie::RequestUrl;
/// use goldfish::cookie::jar::{Context, Jar};
///
/// let mut jar = Jar::default();
/// let url = RequestUrl::parse("http://example.com/login").unwrap();
/// jar.set("Set-Cookie: sid=1; Path=/; HttpOnly", &url, Context::default(), 0);
/// jar.set("theme=dark", &url, Context::default(), 0);
/// let home = RequestUrl::parse("http://example.com/").unwrap();
/// assert_eq!(jar.get(&home, Context::default(), 1).header, "sid=1; theme=dark");
/// assert_eq!(jar.js(&home, 1).header, "sid=1; theme=dark".replace("sid=1; ", ""));
/// ```
#[derive(Debug, Clone)]
pub struct Jar {
    browser: Browser,
    /// Shared, not copied: a server makes a jar per request, and the list
    /// has ten thousand rules.
    psl: Arc<PublicSuffixList>,
    limits: Limits,
    /// In insertion order (not the order they are sent in).
    cookies: Vec<JarCookie>,
    /// The next creation/access sequence number.
    seq: u64,
}

impl Default for Jar {
    /// Chromium's rules, the built-in public suffixes.
    fn default() -> Jar {
        Jar::new(Browser::Chromium, PublicSuffixList::builtin_list().clone())
    }
}

impl Jar {
    /// An empty jar following `browser`, with the Public Suffix List `psl`.
    #[must_use]
    pub fn new(browser: Browser, psl: impl Into<Arc<PublicSuffixList>>) -> Jar {
        Jar {
            browser,
            limits: Limits::of(browser),
            psl: psl.into(),
            cookies: Vec::new(),
            seq: 0,
        }
    }

    /// Whose rules this jar follows.
    #[must_use]
    pub fn browser(&self) -> Browser {
        self.browser
    }

    /// The public suffix list in use.
    #[must_use]
    pub fn psl(&self) -> &PublicSuffixList {
        &self.psl
    }

    /// The cookies, in the order they were first stored.
    #[must_use]
    pub fn cookies(&self) -> &[JarCookie] {
        &self.cookies
    }

    /// The number of cookies.
    #[must_use]
    pub fn len(&self) -> usize {
        self.cookies.len()
    }

    /// True when the jar holds no cookie.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }

    /// The site (registrable domain) a cookie's limits are counted under:
    /// Chromium and Firefox both count per eTLD+1, so `a.example.com` and
    /// `b.example.com` share one budget. A public suffix or an IP address
    /// counts as itself.
    fn site_of<'d>(&self, domain: &'d str) -> &'d str {
        self.psl.registrable_domain(domain).unwrap_or(domain)
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }
}

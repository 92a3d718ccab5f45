//! Retrieving cookies: which ones a request carries, in which order (RFC
//! 6265bis §5.8.3), and why each of the others stays home.
//!
//! For every cookie in the jar, in this order, the first test it fails is
//! its reason:
//!
//! 1. expired? (then it is evicted, §5.7);
//! 2. the host: exactly the cookie's domain for a host-only cookie, the
//!    domain or a subdomain otherwise (domain-match, §5.1.3);
//! 3. the path: path-match (§5.1.4);
//! 4. `Secure`: only over a secure origin (https, or loopback);
//! 5. `HttpOnly`: never to `document.cookie` (§5.8.2, a "non-HTTP" API);
//! 6. `SameSite` against the request's context (§5.8.3 step 1, §5.2);
//! 7. `Partitioned`: a cross-site embed has a jar of its own (CHIPS).
//!
//! The survivors are sorted: longer paths first, then earlier creation
//! times (§5.8.3 step 2), their last-access time is updated (step 3), and
//! they are written `name=value` joined by `; ` (step 4), a nameless cookie
//! as its bare value.

use super::{Browser, Context, Jar, JarCookie};
use crate::cookie::check::{RequestUrl, SameSiteFlag};
use crate::cookie::{domain_match, path_match};

/// Chromium's "Lax-allowing-unsafe" window: a cookie without `SameSite`
/// (so Lax by default) still goes with a cross-site top-level POST during
/// its first two minutes, so that sign-in flows that POST back from an
/// identity provider kept working when Lax became the default (Chromium's
/// `kLaxAllowUnsafeMaxAge`, 2 minutes). Checked in Chromium 156: sent at
/// once, not sent after 125 s.
pub const LAX_ALLOW_UNSAFE_SECONDS: i64 = 120;

/// What the jar answered for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retrieval {
    /// The `Cookie` header's value (empty: no header is sent).
    pub header: String,
    /// One decision per cookie that was in the jar, sent ones first in the
    /// order they are sent, then the others in the order they were stored.
    pub decisions: Vec<Decision>,
}

/// One cookie, and whether and why it goes with the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub cookie: JarCookie,
    pub sent: bool,
    /// One sentence for a learner.
    pub why: String,
}

impl Jar {
    /// The `Cookie` header for a request to `url` in context `ctx`, at
    /// `now` seconds since the epoch.
    pub fn get(&mut self, url: &RequestUrl, ctx: Context, now: i64) -> Retrieval {
        self.retrieve(url, ctx, false, now)
    }

    /// What `document.cookie` shows on a page at `url`: the same cookies as
    /// a top-level same-site request, minus the HttpOnly ones.
    pub fn js(&mut self, url: &RequestUrl, now: i64) -> Retrieval {
        self.retrieve(url, Context::default(), true, now)
    }

    fn retrieve(&mut self, url: &RequestUrl, ctx: Context, script: bool, now: i64) -> Retrieval {
        let mut decisions = Vec::new();
        for gone in self.evict_expired(now) {
            decisions.push(Decision {
                why: format!(
                    "not sent: it expired {} ago, so the browser has deleted it",
                    ago(now - gone.expiry.unwrap_or(now))
                ),
                cookie: gone,
                sent: false,
            });
        }
        let mut sent: Vec<usize> = Vec::new();
        let mut held = Vec::new();
        for (i, c) in self.cookies.iter().enumerate() {
            match self.refusal(c, url, ctx, script, now) {
                Some(why) => held.push(Decision {
                    cookie: c.clone(),
                    sent: false,
                    why: format!("not sent: {why}"),
                }),
                None => sent.push(i),
            }
        }
        // 2. Longer paths first, then earlier creation.
        sent.sort_by(|&a, &b| {
            let (a, b) = (&self.cookies[a], &self.cookies[b]);
            b.cookie
                .path
                .len()
                .cmp(&a.cookie.path.len())
                .then(a.created.cmp(&b.created))
                .then(a.created_seq.cmp(&b.created_seq))
        });
        let mut pairs = Vec::with_capacity(sent.len());
        let mut first = Vec::with_capacity(sent.len());
        for &i in &sent {
            // 3. Update the last-access-time.
            let seq = self.next_seq();
            let c = &mut self.cookies[i];
            c.last_access = now;
            c.access_seq = seq;
            pairs.push(c.pair());
            let why = self.reason_sent(&self.cookies[i], url, ctx, now);
            first.push(Decision {
                cookie: self.cookies[i].clone(),
                sent: true,
                why,
            });
        }
        first.extend(held);
        first.extend(decisions);
        Retrieval {
            // 4. Serialize.
            header: pairs.join("; "),
            decisions: first,
        }
    }

    /// Why `c` does not go with this request, or `None` if it does.
    fn refusal(
        &self,
        c: &JarCookie,
        url: &RequestUrl,
        ctx: Context,
        script: bool,
        now: i64,
    ) -> Option<String> {
        let k = &c.cookie;
        let host = url.host();
        if k.host_only && host != k.domain {
            return Some(format!(
                "it is host-only for {}, and this request goes to {host}",
                k.domain
            ));
        }
        if !k.host_only && !domain_match(host, &k.domain) {
            return Some(format!(
                "its domain {} is neither {host} nor a parent of it",
                k.domain
            ));
        }
        if !path_match(url.path(), &k.path) {
            return Some(format!(
                "its path {} does not cover {} (path-match, RFC 6265 §5.1.4)",
                k.path,
                url.path()
            ));
        }
        if k.secure && !url.is_secure_origin() {
            return Some(format!(
                "it is Secure, and {url} is plain http to a host that is not this machine"
            ));
        }
        if script && k.http_only {
            return Some(
                "it is HttpOnly, so document.cookie never shows it (it still goes with requests)"
                    .to_owned(),
            );
        }
        if let Some(why) = self.same_site_refusal(c, ctx, now) {
            return Some(why);
        }
        if k.partitioned && ctx.cross_site && ctx.subresource {
            return Some(
                "it is Partitioned: it lives in the jar of the top-level site that set it \
                 (CHIPS), and this request is embedded in another site"
                    .to_owned(),
            );
        }
        None
    }

    /// §5.8.3 step 1, the SameSite bullet (with Chromium's Lax default).
    fn same_site_refusal(&self, c: &JarCookie, ctx: Context, now: i64) -> Option<String> {
        if !ctx.cross_site {
            return None;
        }
        let lax_ok = !ctx.subresource && !ctx.unsafe_method;
        let what = describe(ctx);
        match c.cookie.same_site {
            SameSiteFlag::None => None,
            SameSiteFlag::Strict => Some(format!(
                "it is SameSite=Strict, and this is {what}: Strict cookies go only with \
                 requests a page of the same site starts"
            )),
            SameSiteFlag::Lax if lax_ok => None,
            SameSiteFlag::Lax => Some(format!(
                "it is SameSite=Lax, and this is {what}: from another site, Lax cookies go \
                 only with top-level GET navigations (following a link)"
            )),
            SameSiteFlag::Default if self.browser == Browser::Firefox => None,
            SameSiteFlag::Default if lax_ok => None,
            SameSiteFlag::Default if lax_allow_unsafe(c, ctx, now) => None,
            SameSiteFlag::Default => Some(format!(
                "it has no SameSite, which Chromium treats as Lax, and this is {what}{}",
                if !ctx.subresource && ctx.unsafe_method {
                    format!(
                        " (the two-minute grace for POSTs is over: it was created {} ago)",
                        ago(now - c.created)
                    )
                } else {
                    String::new()
                }
            )),
        }
    }

    /// One sentence on why `c` goes with this request.
    fn reason_sent(&self, c: &JarCookie, url: &RequestUrl, ctx: Context, now: i64) -> String {
        let k = &c.cookie;
        let scope = if k.host_only {
            format!("host-only for {}", k.domain)
        } else if url.host() == k.domain {
            format!("domain {}", k.domain)
        } else {
            format!("domain {} covers {}", k.domain, url.host())
        };
        let mut why = format!("sent: {scope}, path {} covers {}", k.path, url.path());
        if k.secure {
            why.push_str(", Secure over a secure origin");
        }
        if ctx.cross_site {
            let flag = match (k.same_site, self.browser) {
                (SameSiteFlag::None, _) => "SameSite=None goes everywhere".to_owned(),
                (SameSiteFlag::Default, Browser::Firefox) => {
                    "no SameSite, which Firefox treats as None".to_owned()
                }
                (SameSiteFlag::Default, _) if lax_allow_unsafe(c, ctx, now) => format!(
                    "no SameSite (Lax to Chromium), but created {} ago: within Chromium's \
                     two-minute grace for cross-site POSTs",
                    ago(now - c.created)
                ),
                (SameSiteFlag::Default, _) => {
                    "no SameSite (Lax to Chromium) allows a top-level GET from another site"
                        .to_owned()
                }
                (flag, _) => format!("{flag} allows a top-level GET from another site"),
            };
            why.push_str(&format!("; cross-site, and {flag}"));
        }
        why
    }
}

/// Chromium's Lax+POST exception: a default (Lax) cookie under two minutes
/// old goes with a cross-site top-level POST.
fn lax_allow_unsafe(c: &JarCookie, ctx: Context, now: i64) -> bool {
    !ctx.subresource && ctx.unsafe_method && now - c.created < LAX_ALLOW_UNSAFE_SECONDS
}

/// "a cross-site subresource POST", "a cross-site top-level GET"…
fn describe(ctx: Context) -> String {
    let site = if ctx.cross_site {
        "cross-site"
    } else {
        "same-site"
    };
    let kind = if ctx.subresource {
        "subresource request (image, script, iframe, fetch)"
    } else {
        "top-level navigation"
    };
    let method = if ctx.unsafe_method { "POST" } else { "GET" };
    format!("a {site} {method} {kind}")
}

/// `75` → `1 min 15 s`.
fn ago(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min {} s", secs / 60, secs % 60),
        3600..86_400 => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
        _ => format!("{} days", secs / 86_400),
    }
}

//! Storing a cookie: the steps of RFC 6265bis §5.7 that need the jar.
//!
//! The checker has already parsed the line and run the steps that look at
//! one line alone (§5.6, §5.7 steps 1–15, 17, 19–22). What is left needs
//! the cookies already stored, or the context of the response:
//!
//! - step 16: an insecure origin may not create a cookie that would shadow
//!   a `Secure` one ("Leave Secure Cookies Alone");
//! - step 18: a cross-site subresource may not set a `SameSite` cookie;
//! - step 23: the cookie replaces the one with the same name, domain,
//!   host-only flag and path (the old creation time is kept by the RFC and
//!   Firefox; Chromium keeps it only when the value is unchanged);
//! - step 24: insert it; then evict expired cookies and enforce the limits.

use super::{Browser, Context, Jar, JarCookie};
use crate::cookie::check::RequestUrl;
use crate::cookie::check::{Report, SameSiteFlag, Verdict, check_up_to};
use crate::cookie::cookie_date::system_time;
use crate::cookie::{domain_match, path_match};
use crate::http::date::unix_seconds;

/// The longest `Set-Cookie` line the jar reads: Chromium reads a response
/// head of up to 256 KiB (`kMaxHeadersSize`), so one line can be that long,
/// and an attribute anywhere in it counts. (The one-line checker stops at
/// 8 KiB and says so.)
pub const MAX_SET_COOKIE_LINE: usize = 256 * 1024;

/// What one `Set-Cookie` line did to the jar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetResult {
    /// The checker's report on the line alone (parsing, attributes, steps
    /// that need no jar).
    pub report: Report,
    /// What the jar did with it.
    pub outcome: SetOutcome,
    /// Cookies the limits pushed out, oldest use first (`limits.rs`).
    pub evicted: Vec<JarCookie>,
}

/// The jar's part of the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetOutcome {
    /// Stored as a new cookie.
    Added,
    /// Stored in place of an older cookie with the same name, domain,
    /// host-only flag and path (step 23). `kept_creation`: the new cookie
    /// inherits the old creation time, so it keeps its place in the order.
    Replaced { old: JarCookie, kept_creation: bool },
    /// Already expired: it removed its namesake (step 23), if there was one.
    Deleted { old: Option<JarCookie> },
    /// The checker refused the line (its report says why).
    Refused,
    /// Step 16: the origin is not secure, and the jar holds a Secure cookie
    /// with this name whose domain and path this one would shadow.
    ShadowsSecure { secure: JarCookie },
    /// Step 18: a cross-site subresource response may not set a cookie
    /// with this SameSite value.
    CrossSiteSameSite { flag: SameSiteFlag },
}

impl Jar {
    /// Receives `Set-Cookie: …` (the field name is optional) in a response
    /// from `url`, at `now` seconds since the epoch, in context `ctx` (the
    /// request that this is the response to).
    pub fn set(&mut self, line: &str, url: &RequestUrl, ctx: Context, now: i64) -> SetResult {
        let report = check_up_to(line, url, system_time(now), &self.psl, MAX_SET_COOKIE_LINE);
        let mut result = SetResult {
            report,
            outcome: SetOutcome::Refused,
            evicted: Vec::new(),
        };
        if matches!(result.report.verdict, Verdict::Rejected(_)) {
            return result;
        }
        let Some(cookie) = result.report.cookie.clone() else {
            return result;
        };
        self.evict_expired(now);
        let expiry = cookie.expires.map(unix_seconds);

        // 16. Leave Secure cookies alone: from an insecure origin, a cookie
        // may not shadow a Secure cookie with the same name whose domain
        // matches either way and whose path covers the new cookie's path.
        if !cookie.secure && !url.is_secure_origin() {
            let shadowed = self.cookies.iter().find(|old| {
                old.cookie.secure
                    && old.cookie.name == cookie.name
                    && (domain_match(&old.cookie.domain, &cookie.domain)
                        || domain_match(&cookie.domain, &old.cookie.domain))
                    && path_match(&cookie.path, &old.cookie.path)
            });
            if let Some(secure) = shadowed {
                result.outcome = SetOutcome::ShadowsSecure {
                    secure: secure.clone(),
                };
                return result;
            }
        }

        // 18. A cross-site subresource may not set a SameSite cookie. (A
        // cross-site top-level navigation may.) Chromium applies it to
        // cookies without SameSite too, since they are Lax to it.
        if ctx.cross_site && ctx.subresource {
            let restricted = match cookie.same_site {
                SameSiteFlag::Strict | SameSiteFlag::Lax => true,
                SameSiteFlag::Default => self.browser == Browser::Chromium,
                SameSiteFlag::None => false,
            };
            if restricted {
                result.outcome = SetOutcome::CrossSiteSameSite {
                    flag: cookie.same_site,
                };
                return result;
            }
        }

        // 23. The old cookie with the same name, domain, host-only flag and path.
        let old_at = self.cookies.iter().position(|old| {
            old.cookie.name == cookie.name
                && old.cookie.domain == cookie.domain
                && old.cookie.host_only == cookie.host_only
                && old.cookie.path == cookie.path
        });
        let old = old_at.map(|i| self.cookies.remove(i));

        if result.report.verdict == Verdict::Deletes || expiry.is_some_and(|t| t <= now) {
            result.outcome = SetOutcome::Deleted { old };
            return result;
        }

        let seq = self.next_seq();
        let site = self.site_of(&cookie.domain).to_owned();
        let mut new = JarCookie {
            cookie,
            expiry,
            created: now,
            last_access: now,
            created_seq: seq,
            access_seq: seq,
            site,
        };
        result.outcome = match old {
            None => SetOutcome::Added,
            Some(old) => {
                // The RFC (and Firefox) keep the old creation time, so a
                // refreshed cookie keeps its place in the Cookie header.
                // Chromium 156 keeps it only for an unchanged value: `a=1`,
                // `b=2`, `a=3` is sent as `b=2; a=3`.
                let kept_creation = match self.browser {
                    Browser::Firefox => true,
                    Browser::Chromium => old.cookie.value == new.cookie.value,
                };
                if kept_creation {
                    new.created = old.created;
                    new.created_seq = old.created_seq;
                }
                SetOutcome::Replaced { old, kept_creation }
            }
        };
        // 24. Insert the cookie, then keep within the limits.
        let site = new.site.clone();
        self.cookies.push(new);
        result.evicted = self.enforce_limits(&site);
        result
    }

    /// Removes every cookie whose expiry is at or before `now` ("The user
    /// agent MUST evict all expired cookies", §5.7), and returns them.
    pub fn evict_expired(&mut self, now: i64) -> Vec<JarCookie> {
        let expired = |c: &JarCookie| c.expiry.is_some_and(|t| t <= now);
        if !self.cookies.iter().any(expired) {
            return Vec::new();
        }
        let (expired, kept) = std::mem::take(&mut self.cookies)
            .into_iter()
            .partition(|c| expired(c));
        self.cookies = kept;
        expired
    }
}

//! The jar's limits, and which cookies go when they are exceeded.
//!
//! RFC 6265bis §5.7 lets a browser evict cookies when it holds too many
//! (per domain and in all), least recently used first, "excess cookies
//! … beyond the specified limits" of §6.1 (which asks for *at least* 50
//! per domain and 3000 in all). Browsers pick their own numbers:
//!
//! | | per site (eTLD+1) | purged down to | in all | purged down to |
//! | --- | --- | --- | --- | --- |
//! | Chromium (`CookieMonster::kDomainMaxCookies`, `kDomainPurgeCookies`, `kMaxCookies`, `kPurgeCookies`) | 180 | 150 | 3300 | 3000 |
//! | Firefox (`network.cookie.maxPerHost`, `quotaPerHost`, `maxNumber`) | 180 | 150 | 3000 | 3000 |
//!
//! Within a site, Chromium evicts the non-Secure cookies first, each group
//! least recently used first (checked in Chromium 156: after 181 cookies,
//! the 31 oldest non-Secure ones are gone). The jar does the same for both
//! browsers. Simplified: Chromium's global purge spares cookies used in
//! the last 30 days and its per-site purge has quotas per `Priority`; the
//! jar evicts the least recently used, whatever their age or priority.

use super::{Browser, Jar, JarCookie};

/// How many cookies a jar keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// More than this for one site triggers a purge…
    pub per_site: usize,
    /// …down to this many.
    pub per_site_purge_to: usize,
    /// More than this in all triggers a purge…
    pub total: usize,
    /// …down to this many.
    pub total_purge_to: usize,
}

impl Limits {
    /// The numbers `browser` uses (see the table above).
    #[must_use]
    pub fn of(browser: Browser) -> Limits {
        match browser {
            Browser::Chromium => Limits {
                per_site: 180,
                per_site_purge_to: 150,
                total: 3300,
                total_purge_to: 3000,
            },
            Browser::Firefox => Limits {
                per_site: 180,
                per_site_purge_to: 150,
                total: 3000,
                total_purge_to: 3000,
            },
        }
    }
}

impl Jar {
    /// The limits in force.
    #[must_use]
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// After a cookie for `site` was stored: purge that site, then the
    /// whole jar, if over the limit. Returns the evicted cookies.
    pub(super) fn enforce_limits(&mut self, site: &str) -> Vec<JarCookie> {
        let mut evicted = Vec::new();
        let in_site: Vec<usize> = (0..self.cookies.len())
            .filter(|&i| self.cookies[i].site == site)
            .collect();
        if in_site.len() > self.limits.per_site {
            let excess = in_site.len() - self.limits.per_site_purge_to;
            evicted.extend(self.evict(in_site, excess));
        }
        if self.cookies.len() > self.limits.total {
            let excess = self.cookies.len() - self.limits.total_purge_to;
            evicted.extend(self.evict((0..self.cookies.len()).collect(), excess));
        }
        evicted
    }

    /// Removes `count` of the cookies at `candidates`: non-Secure before
    /// Secure, least recently used first.
    fn evict(&mut self, mut candidates: Vec<usize>, count: usize) -> Vec<JarCookie> {
        candidates.sort_by_key(|&i| {
            let c = &self.cookies[i];
            (c.cookie.secure, c.last_access, c.access_seq)
        });
        let mut doomed: Vec<usize> = candidates.into_iter().take(count).collect();
        doomed.sort_unstable_by(|a, b| b.cmp(a));
        let mut gone: Vec<JarCookie> = doomed.into_iter().map(|i| self.cookies.remove(i)).collect();
        gone.reverse();
        gone
    }
}

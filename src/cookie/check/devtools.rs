//! A refusal in the browser's own words.
//!
//! A browser that refuses a `Set-Cookie` line tells the server nothing. The
//! only trace is in its developer tools: Chromium's DevTools lists the
//! line, in the request's Cookies tab, as a blocked response cookie, with
//! one of the Chrome DevTools Protocol's `Network.SetCookieBlockedReason`
//! values and a sentence for it. Here is that value and that sentence for
//! each refusal goldfish can name the same way, so a learner who reads
//! goldfish's explanation can find the same line in DevTools.
//!
//! The sentences are DevTools' UI strings (devtools-frontend,
//! `core/sdk/NetworkRequest.ts`, `blockedReason…`), with their Markdown
//! backticks dropped. Refusals Chromium reports under a reason goldfish does
//! not model one-to-one (control characters, an empty cookie, a non-ASCII
//! Domain, `Partitioned` without `Secure`, nameless cookies) get none: no
//! sentence is better than a wrong one. tests/browser/sites.mjs sends lines
//! through the cookie lab from goldfish's own host names and checks the
//! reason Chromium 156 reports (`InvalidDomain` three ways,
//! `SameSiteNoneInsecure`, `InvalidPrefix` twice, and none for two lines it
//! keeps) against this table; `SecureOnly` and `NameValuePairExceedsMaxSize`
//! are not played there (every goldfish host is a secure context, and the
//! lab caps what it sends).

use super::Rejection;

/// What Chromium's DevTools shows for a refused line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DevtoolsReason {
    /// The `Network.SetCookieBlockedReason` value (`InvalidDomain`).
    pub reason: &'static str,
    /// The sentence DevTools shows for it.
    pub sentence: &'static str,
}

const INVALID_DOMAIN: DevtoolsReason = DevtoolsReason {
    reason: "InvalidDomain",
    sentence: "This attempt to set a cookie via a Set-Cookie header was blocked because its \
               Domain attribute was invalid with regards to the current host url.",
};

const SECURE_ONLY: DevtoolsReason = DevtoolsReason {
    reason: "SecureOnly",
    sentence: "This attempt to set a cookie via a Set-Cookie header was blocked because it had \
               the \"Secure\" attribute but was not received over a secure connection.",
};

const SAME_SITE_NONE_INSECURE: DevtoolsReason = DevtoolsReason {
    reason: "SameSiteNoneInsecure",
    sentence: "This attempt to set a cookie via a Set-Cookie header was blocked because it had \
               the \"SameSite=None\" attribute but did not have the \"Secure\" attribute, which \
               is required in order to use \"SameSite=None\".",
};

const INVALID_PREFIX: DevtoolsReason = DevtoolsReason {
    reason: "InvalidPrefix",
    sentence: "This attempt to set a cookie via a Set-Cookie header was blocked because it used \
               the \"__Secure-\" or \"__Host-\" prefix in its name and broke the additional rules \
               applied to cookies with these prefixes as defined in \
               https://tools.ietf.org/html/draft-west-cookie-prefixes-05.",
};

const TOO_LARGE: DevtoolsReason = DevtoolsReason {
    reason: "NameValuePairExceedsMaxSize",
    sentence: "This attempt to set a cookie via a Set-Cookie header was blocked because the \
               cookie was too large. The combined size of the name and value must be less than \
               or equal to 4096 characters.",
};

impl Rejection {
    /// How Chromium's DevTools lists this refusal, when goldfish knows it.
    ///
    /// # Examples
    /// ```
    /// use goldfish::cookie::Rejection;
    ///
    /// let r = Rejection::DomainMismatch { domain: "www.example.com".into(), host: "shop.example.com".into() };
    /// assert_eq!(r.devtools().unwrap().reason, "InvalidDomain");
    /// assert!(Rejection::NoNameNoValue.devtools().is_none());
    /// ```
    #[must_use]
    pub fn devtools(&self) -> Option<DevtoolsReason> {
        match self {
            Rejection::DomainIsPublicSuffix { .. } | Rejection::DomainMismatch { .. } => {
                Some(INVALID_DOMAIN)
            }
            Rejection::SecureFromInsecureOrigin { .. } => Some(SECURE_ONLY),
            Rejection::SameSiteNoneWithoutSecure => Some(SAME_SITE_NONE_INSECURE),
            Rejection::SecurePrefixWithoutSecure
            | Rejection::HostPrefixWithoutSecure
            | Rejection::HostPrefixWithDomain { .. }
            | Rejection::HostPrefixWithoutRootPath => Some(INVALID_PREFIX),
            Rejection::NameValueTooLong { .. } => Some(TOO_LARGE),
            Rejection::ControlCharacter { .. }
            | Rejection::NoNameNoValue
            | Rejection::DomainNotAscii { .. }
            | Rejection::PartitionedWithoutSecure
            | Rejection::NamelessWithPrefix
            | Rejection::NamelessWithEquals => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cookie::{RequestUrl, Verdict, check};
    use std::time::SystemTime;

    #[test]
    fn refusals_from_goldfishs_hosts_in_devtools_words() {
        // (why, line, URL it came from, DevTools' reason)
        #[rustfmt::skip]
        let cases: &[(&str, &str, &str, &str)] = &[
            ("a public suffix: every *.localhost site would share it", "a=1; Domain=localhost", "http://www.goldfish.localhost/", "InvalidDomain"),
            ("a sibling host", "a=1; Domain=www.goldfish.localhost", "http://shop.goldfish.localhost/", "InvalidDomain"),
            ("an IP address has no parent domain", "a=1; Domain=goldfish.localhost", "http://127.0.0.1:5000/", "InvalidDomain"),
            ("another site altogether", "a=1; Domain=goldfish.localhost", "http://evil.localhost/", "InvalidDomain"),
            ("SameSite=None needs Secure", "a=1; SameSite=None", "http://www.goldfish.localhost/", "SameSiteNoneInsecure"),
            ("__Host- forbids Domain", "__Host-a=1; Secure; Path=/; Domain=goldfish.localhost", "http://www.goldfish.localhost/", "InvalidPrefix"),
            ("__Secure- needs Secure", "__Secure-a=1", "http://www.goldfish.localhost/", "InvalidPrefix"),
            ("Secure over http from a name that is not loopback", "a=1; Secure", "http://goldfish.campus.test/", "SecureOnly"),
        ];
        let now = SystemTime::now();
        for (why, line, url, want) in cases {
            let report = check(line, &RequestUrl::parse(url).unwrap(), now);
            let Verdict::Rejected(r) = &report.verdict else {
                panic!(
                    "{why}: check({line:?}, {url}) = {:?}; want a rejection",
                    report.verdict
                );
            };
            let got = r.devtools().map(|d| d.reason);
            assert_eq!(
                got,
                Some(*want),
                "{why}: {r:?}.devtools() = {got:?}; want {want}"
            );
        }
    }

    #[test]
    fn what_chromium_keeps_from_these_hosts_needs_no_words() {
        // *.localhost is a secure context: Secure over http is kept there.
        let now = SystemTime::now();
        for (line, url) in [
            (
                "a=1; Secure; SameSite=None",
                "http://www.goldfish.localhost/",
            ),
            (
                "a=1; Domain=goldfish.localhost",
                "http://shop.goldfish.localhost/",
            ),
            (
                "a=1; Secure; Partitioned; SameSite=None",
                "http://tracker.localhost/",
            ),
        ] {
            let report = check(line, &RequestUrl::parse(url).unwrap(), now);
            assert_eq!(report.verdict, Verdict::Stored, "check({line:?}, {url})");
        }
    }
}

//! Which cookies a cross-site request carries: the rules, as Chromium
//! applies them (RFC 6265bis: "Same-site and Cross-site Requests", the
//! retrieval algorithm's SameSite step, and the "Lax-Allowing-Unsafe"
//! enforcement mode; plus Chromium's default for a missing SameSite).
//!
//! A request is *same-site* when the page that started it and the URL it
//! goes to have the same scheme and registrable domain (the "site":
//! `goldfish.localhost` for both `www.` and `shop.`); otherwise it is
//! *cross-site* (`evil.localhost` → `www.goldfish.localhost`). The browser
//! says which in `Sec-Fetch-Site` (W3C Fetch Metadata): `same-origin`,
//! `same-site`, `cross-site`, or `none` (typed into the address bar).
//!
//! | SameSite | same-site | cross-site link / GET form | cross-site POST form | cross-site img, iframe, fetch |
//! | --- | --- | --- | --- | --- |
//! | `Strict` | sent | — | — | — |
//! | `Lax` | sent | sent | — | — |
//! | `None; Secure` | sent | sent | sent | sent if third-party cookies are allowed |
//! | unset (Chromium) | sent | sent | sent in its first 2 minutes | — |
//!
//! The last row is Chromium's "Lax by default" with its "Lax+POST"
//! exception: a cookie with no SameSite is treated as Lax, except that for
//! two minutes after it was set it also rides on top-level cross-site POSTs
//! (so that single-sign-on flows that POST back kept working). Firefox and
//! Safari treat a missing SameSite as None.

/// How a cookie was set, as far as SameSite goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Strict,
    Lax,
    /// `SameSite=None; Secure`.
    None,
    /// No SameSite attribute.
    Unset,
}

/// The lesson's four cookies, one of each kind.
pub const COOKIES: [(&str, Kind); 4] = [
    ("ss_strict", Kind::Strict),
    ("ss_lax", Kind::Lax),
    ("ss_none", Kind::None),
    ("ss_unset", Kind::Unset),
];

/// The six requests another site's page can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Link,
    GetForm,
    PostForm,
    Img,
    Iframe,
    Fetch,
}

/// Every request kind, in the board's order.
pub const VIAS: [Via; 6] = [
    Via::Link,
    Via::GetForm,
    Via::PostForm,
    Via::Img,
    Via::Iframe,
    Via::Fetch,
];

impl Via {
    /// The name in URLs and `data-via` attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Link => "link",
            Via::GetForm => "get-form",
            Via::PostForm => "post-form",
            Via::Img => "img",
            Via::Iframe => "iframe",
            Via::Fetch => "fetch",
        }
    }

    /// The name on the board.
    pub fn label(self) -> &'static str {
        match self {
            Via::Link => "a link (<a href>)",
            Via::GetForm => "a GET form",
            Via::PostForm => "a POST form",
            Via::Img => "an image (<img>)",
            Via::Iframe => "a frame (<iframe>)",
            Via::Fetch => "fetch(…, {credentials: 'include'})",
        }
    }

    /// Reads the name back.
    pub fn parse(s: &str) -> Option<Via> {
        VIAS.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether the request navigates the whole tab (a *top-level*
    /// navigation), rather than loading something into the page.
    pub fn top_level(self) -> bool {
        matches!(self, Via::Link | Via::GetForm | Via::PostForm)
    }

    /// Whether the request's method is safe (RFC 9110 §9.2.1).
    pub fn safe_method(self) -> bool {
        self != Via::PostForm
    }
}

/// What the rules predict for one cookie on one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Sent,
    NotSent,
    /// SameSite allows it; the browser's third-party cookie setting decides.
    SentIfThirdPartyAllowed,
}

impl Expect {
    pub fn as_str(self) -> &'static str {
        match self {
            Expect::Sent => "sent",
            Expect::NotSent => "not-sent",
            Expect::SentIfThirdPartyAllowed => "if-third-party-allowed",
        }
    }
}

/// The age below which Chromium's Lax+POST exception applies.
pub const LAX_POST_WINDOW_SECS: u64 = 120;

/// What Chromium does with a cookie of `kind`, `age` seconds old, on a
/// request made by `via`, same-site or cross-site.
pub fn expect(kind: Kind, via: Via, same_site: bool, age: u64) -> Expect {
    if same_site {
        // Every SameSite value allows same-site requests; and the cookie is
        // first-party (the top-level site is the cookie's own), so no
        // third-party cookie setting applies either.
        return Expect::Sent;
    }
    match kind {
        Kind::Strict => Expect::NotSent,
        Kind::Lax if via.top_level() && via.safe_method() => Expect::Sent,
        Kind::Lax => Expect::NotSent,
        Kind::None if via.top_level() => Expect::Sent,
        Kind::None => Expect::SentIfThirdPartyAllowed,
        Kind::Unset if via.top_level() && via.safe_method() => Expect::Sent,
        Kind::Unset if via.top_level() && age < LAX_POST_WINDOW_SECS => Expect::Sent,
        Kind::Unset => Expect::NotSent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_as_chromium_applies_it() {
        use Expect::*;
        use Kind::{Lax, Strict, Unset};
        // Each row: cookie kind, and what each of the six cross-site
        // requests does with it (fresh cookie, then one 3 minutes old).
        #[rustfmt::skip]
        let cases: &[(Kind, u64, [Expect; 6], &str)] = &[
            (Strict, 0, [NotSent, NotSent, NotSent, NotSent, NotSent, NotSent], "Strict: never cross-site"),
            (Lax, 0, [Sent, Sent, NotSent, NotSent, NotSent, NotSent], "Lax: top-level safe navigations"),
            (Kind::None, 0, [Sent, Sent, Sent, SentIfThirdPartyAllowed, SentIfThirdPartyAllowed, SentIfThirdPartyAllowed], "None: all, subresources as third-party cookies"),
            (Unset, 0, [Sent, Sent, Sent, NotSent, NotSent, NotSent], "unset and fresh: Lax plus POST"),
            (Unset, 119, [Sent, Sent, Sent, NotSent, NotSent, NotSent], "unset, 119 s: still inside the window"),
            (Unset, 120, [Sent, Sent, NotSent, NotSent, NotSent, NotSent], "unset, 2 minutes: plain Lax"),
            (Lax, 0, [Sent, Sent, NotSent, NotSent, NotSent, NotSent], "explicit Lax has no POST window"),
        ];
        for (kind, age, want, why) in cases {
            for (via, w) in VIAS.iter().zip(want) {
                let got = expect(*kind, *via, false, *age);
                assert_eq!(
                    got, *w,
                    "{why}: expect({kind:?}, {via:?}, cross-site, {age}) = {got:?}; want {w:?}"
                );
            }
        }
        for (_, kind) in COOKIES {
            for via in VIAS {
                assert_eq!(
                    expect(kind, via, true, 999),
                    Sent,
                    "same-site {kind:?} {via:?}"
                );
            }
        }
    }

    #[test]
    fn via_names_round_trip() {
        for via in VIAS {
            assert_eq!(Via::parse(via.as_str()), Some(via));
        }
        assert_eq!(Via::parse("telnet"), None);
    }
}

//! Which site a request is for: virtual hosts by `Host`.
//!
//! One goldfish process listens on one address, yet answers as several
//! sites. The browser says which one it wants in the `Host` field (RFC 9112
//! §3.2: "A client MUST send a Host header field in all HTTP/1.1 request
//! messages"); its value is the host and port of the URL the learner typed
//! (RFC 9110 §7.2). A request whose target is a whole URL (absolute-form,
//! `GET http://shop.goldfish.localhost/ HTTP/1.1`) names its host there, and
//! then the server MUST ignore `Host` and use the target's (RFC 9112 §3.2.2).
//!
//! Facts:
//! - Host names are case-insensitive (RFC 9110 §4.2.3): `Shop.Goldfish.Localhost`
//!   is the shop.
//! - The port is part of `Host` but not of the *site*: every port of one name
//!   gets the same site, as every port of a name gets the same cookies.
//! - Browsers (Chromium and Firefox) and curl resolve every `*.localhost`
//!   name to the loopback address themselves, without DNS (RFC 6761 §6.3
//!   reserves the name for exactly that). So one goldfish on 127.0.0.1 can
//!   be `www.goldfish.localhost`, `shop.goldfish.localhost`, `evil.localhost`
//!   and `tracker.localhost` at once, with no set-up.
//! - A name goldfish does not know gets the lessons, the way a web server's
//!   first virtual host answers for any name (nginx's `default_server`).
//!   That is why plain `127.0.0.1` and `localhost` keep working as ever.

use crate::app::guard::{request_authority, strip_port};
use crate::http::Request;
use crate::template::escape_into;

/// The sites one goldfish plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// The lessons: goldfish itself.
    Lessons,
    /// `shop.goldfish.localhost`: another host of the same site.
    Shop,
    /// `evil.localhost`: another site, which attacks goldfish.
    Evil,
    /// `tracker.localhost`: a third party, embedded by other sites.
    Tracker,
}

/// One named host and the site it is.
struct Named {
    name: &'static str,
    site: Site,
}

/// Every name goldfish answers as something other than the default. The
/// lessons' own names are listed too, so the X-ray can say "one of the
/// lessons' names" rather than "a name goldfish does not know".
#[rustfmt::skip]
const NAMES: &[Named] = &[
    Named { name: "www.goldfish.localhost",  site: Site::Lessons },
    Named { name: "goldfish.localhost",      site: Site::Lessons },
    Named { name: "localhost",               site: Site::Lessons },
    Named { name: "127.0.0.1",               site: Site::Lessons },
    Named { name: "[::1]",                   site: Site::Lessons },
    Named { name: "shop.goldfish.localhost", site: Site::Shop },
    Named { name: "evil.localhost",          site: Site::Evil },
    Named { name: "tracker.localhost",       site: Site::Tracker },
];

/// goldfish's registrable domain on the `*.localhost` names: the lessons'
/// `www.` and the shop are both under it, so they are one *site*.
pub const GOLDFISH_DOMAIN: &str = "goldfish.localhost";

impl Site {
    /// What the X-ray calls the site.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Site::Lessons => "the lessons (goldfish)",
            Site::Shop => "the shop",
            Site::Evil => "the other site (evil.localhost)",
            Site::Tracker => "the third party (tracker.localhost)",
        }
    }

    /// The host name a link to this site uses.
    #[must_use]
    pub fn host_name(self) -> &'static str {
        match self {
            Site::Lessons => "www.goldfish.localhost",
            Site::Shop => "shop.goldfish.localhost",
            Site::Evil => "evil.localhost",
            Site::Tracker => "tracker.localhost",
        }
    }
}

/// Which site answered, and the name and port it was asked for by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteAnswer {
    pub site: Site,
    /// The host name, lowercased, without the port (`[::1]` keeps its
    /// brackets). Empty when the request named no host (HTTP/1.0).
    pub name: String,
    /// The port from `Host`, if it had one.
    pub port: Option<u16>,
    /// Whether the name is in goldfish's list (or the default site took it).
    pub known: bool,
    /// Whether the name came from an absolute-form target, not `Host`.
    pub from_target: bool,
}

impl SiteAnswer {
    /// The site a request is for: its absolute-form target's authority, or
    /// its `Host` (see `app::guard::request_authority`).
    #[must_use]
    pub fn of(req: &Request) -> SiteAnswer {
        match request_authority(req) {
            Some((authority, from_target)) => SiteAnswer::from_authority(authority, from_target),
            None => SiteAnswer::from_authority("", false),
        }
    }

    /// The site for `host[:port]`, as named in a target (`from_target`) or
    /// a `Host` field.
    #[must_use]
    pub fn from_authority(authority: &str, from_target: bool) -> SiteAnswer {
        let (name, port) = split_authority(authority);
        let named = NAMES.iter().find(|n| n.name == name);
        SiteAnswer {
            site: named.map_or(Site::Lessons, |n| n.site),
            known: named.is_some(),
            name,
            port,
            from_target,
        }
    }

    /// `:5000`, or nothing for a request that named no port: what to
    /// append to a host name so a link reaches this same goldfish.
    #[must_use]
    pub fn port_suffix(&self) -> String {
        self.port.map(|p| format!(":{p}")).unwrap_or_default()
    }

    /// Whether this host is `goldfish.localhost` or under it, where the
    /// Domain lesson's cookie can be set.
    #[must_use]
    pub fn under_goldfish_domain(&self) -> bool {
        self.name == GOLDFISH_DOMAIN || self.name.ends_with(".goldfish.localhost")
    }

    /// Whether browsers treat `http://` on this host as a secure context
    /// (W3C Secure Contexts §3.1, "potentially trustworthy"): loopback
    /// addresses, `localhost` and every `*.localhost` name. There, a cookie
    /// with `Secure` (and so `SameSite=None; Secure`) can be set over
    /// plain HTTP — Chromium 156 does, checked by tests/browser.
    #[must_use]
    pub fn is_secure_context(&self) -> bool {
        let n = self.name.as_str();
        n == "localhost"
            || n.ends_with(".localhost")
            || n == "[::1]"
            || n.parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// One sentence for the X-ray: which site answered, and why.
    #[must_use]
    pub fn explain(&self) -> String {
        self.explain_pieces().concat()
    }

    /// [`SiteAnswer::explain`] as HTML, appended to `out` piece by piece
    /// (the X-ray writes it on every page: no sentence built to be copied).
    pub fn explain_html(&self, out: &mut String) {
        for piece in self.explain_pieces() {
            escape_into(piece, out);
        }
    }

    /// The sentence in pieces: goldfish's own text around the host name as
    /// the request gave it.
    fn explain_pieces(&self) -> [&str; 7] {
        let field = if self.from_target {
            "the request's target (an absolute URL, which outranks Host: RFC 9112 §3.2.2)"
        } else {
            "the Host line"
        };
        let title = self.site.title();
        if self.name.is_empty() {
            let why = ": the request named no host (HTTP/1.0 may omit Host), so the default site \
                       answered.";
            return ["Answered by ", title, why, "", "", "", ""];
        }
        let (because, after) = if self.known {
            (", because ", ".")
        } else {
            (
                ", the default site: ",
                ", which is not one of goldfish's names, and a name nobody claims gets the \
                 default site.",
            )
        };
        let name = self.name.as_str();
        [
            "Answered by ",
            title,
            because,
            field,
            " names ",
            name,
            after,
        ]
    }
}

/// `Host = uri-host [ ":" port ]` (RFC 9110 §7.2) → the lowercased host and
/// the port. The parser has already refused a malformed `Host` with 400; a
/// port too big for a u16 is read as no port.
fn split_authority(authority: &str) -> (String, Option<u16>) {
    let host = strip_port(authority);
    let port = authority[host.len()..].strip_prefix(':');
    (
        host.to_ascii_lowercase(),
        port.and_then(|p| p.parse::<u16>().ok()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_comes_from_host_or_an_absolute_target() {
        use crate::http::{Limits, Parsed, parse_request};
        use Site::*;
        #[rustfmt::skip]
        let cases: &[(&str, &str, Option<&str>, Site, &str, Option<u16>, bool)] = &[
            ("the shop by name", "/", Some("shop.goldfish.localhost:5000"), Shop, "shop.goldfish.localhost", Some(5000), true),
            ("names are case-insensitive (RFC 9110 §4.2.3)", "/", Some("Shop.GOLDFISH.localhost"), Shop, "shop.goldfish.localhost", None, true),
            ("the other site", "/x", Some("evil.localhost:8080"), Evil, "evil.localhost", Some(8080), true),
            ("the third party", "/embed", Some("tracker.localhost"), Tracker, "tracker.localhost", None, true),
            ("www. is the lessons", "/", Some("www.goldfish.localhost:5000"), Lessons, "www.goldfish.localhost", Some(5000), true),
            ("127.0.0.1 as ever", "/", Some("127.0.0.1:5000"), Lessons, "127.0.0.1", Some(5000), true),
            ("IPv6 loopback keeps its brackets", "/", Some("[::1]:5000"), Lessons, "[::1]", Some(5000), true),
            ("an unknown name gets the default site", "/", Some("foo.localhost:5000"), Lessons, "foo.localhost", Some(5000), false),
            ("a look-alike is not the shop", "/", Some("shop.goldfish.localhost.evil.localhost"), Lessons, "shop.goldfish.localhost.evil.localhost", None, false),
            ("no Host at all (HTTP/1.0)", "/", None, Lessons, "", None, false),
            ("absolute-form outranks Host (RFC 9112 §3.2.2)", "http://evil.localhost:5000/x", Some("www.goldfish.localhost:5000"), Evil, "evil.localhost", Some(5000), true),
            ("absolute-form scheme is case-insensitive", "HTTP://Shop.goldfish.localhost/", Some("localhost"), Shop, "shop.goldfish.localhost", None, true),
            ("a port past 65535 is no port", "/", Some("localhost:99999"), Lessons, "localhost", None, true),
        ];
        for (why, target, host, site, name, port, known) in cases {
            let (version, field) = match host {
                Some(h) => ("HTTP/1.1", format!("Host: {h}\r\n")),
                None => ("HTTP/1.0", String::new()),
            };
            let raw = format!("GET {target} {version}\r\n{field}\r\n");
            let Ok(Parsed::Complete { value: req, .. }) =
                parse_request(raw.as_bytes(), &Limits::default())
            else {
                panic!("{why}: {raw:?} does not parse")
            };
            let got = SiteAnswer::of(&req);
            let want = (*site, name.to_string(), *port, *known);
            assert_eq!(
                (got.site, got.name.clone(), got.port, got.known),
                want,
                "{why}: SiteAnswer::of({target:?}, {host:?}) = {got:?}; want {want:?}"
            );
        }
    }

    #[test]
    fn secure_contexts_are_the_loopback_names() {
        let cases: &[(&str, bool)] = &[
            ("localhost", true),
            ("www.goldfish.localhost:5000", true),
            ("evil.localhost", true),
            ("127.0.0.1:5000", true),
            ("127.9.9.9", true),
            ("[::1]:5000", true),
            ("192.168.1.5:5000", false),
            ("goldfish.campus.test", false),
            ("localhost.example", false),
        ];
        for (host, want) in cases {
            let got = SiteAnswer::from_authority(host, false).is_secure_context();
            assert_eq!(
                got, *want,
                "is_secure_context({host:?}) = {got}; want {want}"
            );
        }
    }

    #[test]
    fn the_explanation_in_html_is_the_sentence_escaped() {
        let cases: &[(&str, bool, &str)] = &[
            ("shop.goldfish.localhost", false, "shop.goldfish.localhost"),
            ("a&b'<x>", false, "a&amp;b&#39;&lt;x&gt;"),
            ("evil.localhost", true, "request&#39;s target"),
            ("", false, "named no host"),
        ];
        for (host, from_target, shows) in cases {
            let answer = SiteAnswer::from_authority(host, *from_target);
            let mut got = String::new();
            answer.explain_html(&mut got);
            let want = crate::template::escape(&answer.explain()).into_owned();
            assert_eq!(got, want, "explain_html({host:?}) = {got:?}; want {want:?}");
            assert!(
                got.contains(shows),
                "explain_html({host:?}) = {got:?}: no {shows:?}"
            );
        }
    }

    #[test]
    fn the_explanation_names_the_field_and_the_site() {
        let shop = SiteAnswer::from_authority("shop.goldfish.localhost:5000", false);
        assert_eq!(
            shop.explain(),
            "Answered by the shop, because the Host line names shop.goldfish.localhost."
        );
        let other = SiteAnswer::from_authority("foo.localhost", false);
        assert!(
            other.explain().contains("the default site"),
            "{}",
            other.explain()
        );
        let absolute = SiteAnswer::from_authority("evil.localhost", true);
        assert!(
            absolute.explain().contains("RFC 9112 §3.2.2"),
            "{}",
            absolute.explain()
        );
    }
}

//! Two questions asked of every request before a handler sees it.
//!
//! 1. **Is it for us?** The `Host` a browser sends is the name in the URL
//!    it was given. A page on `attacker.example` can make its name resolve
//!    to 127.0.0.1 a moment after loading (*DNS rebinding*); its scripts
//!    then talk to goldfish as "their own" origin and read the answers.
//!    What gives them away is the `Host` line: `attacker.example`. So, as
//!    Vite and webpack-dev-server do, goldfish answers only to loopback
//!    names (`localhost`, `*.localhost` — RFC 6761 §6.3 reserves both for
//!    the local machine), to IP addresses (rebinding needs a *name*: a URL
//!    with an address never asks DNS), and to names listed with
//!    `--allowed-hosts`. Anything else gets `421 Misdirected Request`
//!    (RFC 9110 §15.5.20: "not able to produce a response for this target").
//!
//! 2. **May it change state?** Any page on any site can send a form to
//!    goldfish, and the browser attaches goldfish's cookies as its rules
//!    allow: that is *cross-site request forgery* (CSRF). A state-changing
//!    request is refused with `403` when it says it comes from another
//!    site. The rule is Go 1.25's `net/http.CrossOriginProtection`:
//!    - `GET`, `HEAD` and `OPTIONS` are always allowed (they must not change
//!      state; the route table marks the two lecture GETs that do set a
//!      cookie, `/handle-form-cookie` and `/some-route`, and they are
//!      checked like a POST);
//!    - `Sec-Fetch-Site` (Fetch Metadata, sent by every current browser)
//!      decides when present: `same-origin` or `none` (the user typed the
//!      URL, or used a bookmark) are allowed; `same-site` and `cross-site`
//!      are refused — a sibling subdomain or another port is not this
//!      origin, and may belong to someone else;
//!    - without it, `Origin` decides: allowed only if its host and port are
//!      the `Host` the request was sent to;
//!    - with neither, the request is not from a browser's page (curl,
//!      telnet, a script), or from a very old browser: allowed, because a
//!      CSRF needs a victim's browser to send it.
//!
//! Both are pure functions of the request, tested with tables below.

use crate::http::Request;

/// Why a state-changing request was refused as cross-origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrossOrigin {
    /// The browser said so: `Sec-Fetch-Site: cross-site` or `same-site`.
    FetchSite(String),
    /// No `Sec-Fetch-Site`, and `Origin` names another host than `Host`.
    Origin { origin: String, host: String },
}

impl std::fmt::Display for CrossOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CrossOrigin::FetchSite(site) => write!(
                f,
                "the browser sent Sec-Fetch-Site: {}, so a page of another {} sent this request",
                crate::text::Clip(site, 40),
                if site == "same-site" {
                    "origin of this site"
                } else {
                    "site"
                }
            ),
            CrossOrigin::Origin { origin, host } => write!(
                f,
                "the request says Origin: {} but was sent to Host: {}",
                crate::text::Clip(origin, 100),
                crate::text::Clip(host, 100)
            ),
        }
    }
}

/// Go's `CrossOriginProtection.Check`, for a request that would change
/// state: `None` if it may, or why not.
#[must_use]
pub fn cross_origin(req: &Request) -> Option<CrossOrigin> {
    match req.header("sec-fetch-site") {
        Some("same-origin" | "none") => return None,
        Some(other) if !other.is_empty() => return Some(CrossOrigin::FetchSite(other.into())),
        _ => {}
    }
    let origin = req.header("origin").filter(|o| !o.is_empty())?;
    let host = req.header("host").unwrap_or("");
    // `Origin: scheme "://" host [ ":" port ]` (RFC 6454 §7), or `null`.
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest.trim_end_matches('/'));
    match origin_host {
        Some(h) if !h.is_empty() && h.eq_ignore_ascii_case(host) => None,
        _ => Some(CrossOrigin::Origin {
            origin: origin.into(),
            host: host.into(),
        }),
    }
}

/// The authority (host and port) a request is addressed to: that of an
/// absolute-form target (RFC 9112 §3.2.2: it overrides `Host`), with
/// `true`; else the `Host` field, with `false`. `None` when there is
/// neither (HTTP/1.0).
#[must_use]
pub fn request_authority(req: &Request) -> Option<(&str, bool)> {
    let target = req.target();
    let from_target = ["http://", "https://"]
        .iter()
        .find_map(|s| {
            let head = target.get(..s.len())?;
            head.eq_ignore_ascii_case(s).then(|| &target[s.len()..])
        })
        .map(|rest| rest.split(['/', '?']).next().unwrap_or(""));
    match from_target {
        Some(authority) => Some((authority, true)),
        None => req.header("host").map(|h| (h, false)),
    }
}

/// The host a request is addressed to, without its port (see
/// [`request_authority`]). `None` when there is none (HTTP/1.0).
#[must_use]
pub fn request_host(req: &Request) -> Option<&str> {
    let (authority, _) = request_authority(req)?;
    Some(strip_port(authority)).filter(|h| !h.is_empty())
}

/// `example.com:5000` → `example.com`; `[::1]:5000` → `[::1]`.
#[must_use]
pub fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.split_inclusive(']').next().unwrap_or(host);
    }
    host.rsplit_once(':').map_or(host, |(h, _)| h)
}

/// Whether goldfish answers requests addressed to `host` (no port): a
/// loopback name, an IP address, or a name on the `--allowed-hosts` list,
/// where `.example.com` also allows every subdomain and `*` allows all.
#[must_use]
pub fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let host = host.trim_end_matches('.');
    // `localhost` and its subdomains in any case, without a lowercase copy
    // (this runs on every request).
    let tail = host
        .len()
        .checked_sub(".localhost".len())
        .map(|at| &host.as_bytes()[at..]);
    let is_localhost = host.eq_ignore_ascii_case("localhost")
        || tail.is_some_and(|t| t.eq_ignore_ascii_case(b".localhost"));
    let is_ip = host.parse::<core::net::Ipv4Addr>().is_ok()
        || host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .is_some_and(|h| h.parse::<core::net::Ipv6Addr>().is_ok());
    if is_localhost || is_ip {
        return true;
    }
    let host = host.to_ascii_lowercase();
    allowed.iter().any(|a| {
        let a = a.to_ascii_lowercase();
        match a.strip_prefix('.') {
            _ if a == "*" => true,
            Some(parent) => host == parent || host.ends_with(a.as_str()),
            None => host == a,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{Limits, Parsed, parse_request};

    fn req(head: &str) -> Request {
        let raw = format!("POST / HTTP/1.1\r\n{head}\r\n");
        match parse_request(raw.as_bytes(), &Limits::default()) {
            Ok(Parsed::Complete { value, .. }) => value,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn cross_origin_follows_go_1_25() {
        let fetch = |s: &str| Some(CrossOrigin::FetchSite(s.into()));
        let origin = |o: &str, h: &str| {
            Some(CrossOrigin::Origin {
                origin: o.into(),
                host: h.into(),
            })
        };
        #[rustfmt::skip]
        let cases: &[(&str, &str, Option<CrossOrigin>)] = &[
            ("a form on this page", "Host: 127.0.0.1:5000\r\nSec-Fetch-Site: same-origin\r\n", None),
            ("typed or bookmarked", "Host: 127.0.0.1:5000\r\nSec-Fetch-Site: none\r\n", None),
            ("another site's form", "Host: 127.0.0.1:5000\r\nSec-Fetch-Site: cross-site\r\n", fetch("cross-site")),
            ("a sibling subdomain or port", "Host: www.goldfish.localhost:5000\r\nSec-Fetch-Site: same-site\r\n", fetch("same-site")),
            ("Sec-Fetch-Site wins over a matching Origin", "Host: a:1\r\nOrigin: http://a:1\r\nSec-Fetch-Site: cross-site\r\n", fetch("cross-site")),
            ("curl, telnet: neither header", "Host: 127.0.0.1:5000\r\n", None),
            ("an old browser, same origin", "Host: 127.0.0.1:5000\r\nOrigin: http://127.0.0.1:5000\r\n", None),
            ("host case does not matter", "Host: LOCALHOST:5000\r\nOrigin: http://localhost:5000\r\n", None),
            ("an old browser, another site", "Host: 127.0.0.1:5000\r\nOrigin: http://localhost:8000\r\n", origin("http://localhost:8000", "127.0.0.1:5000")),
            ("another port is another origin", "Host: 127.0.0.1:5000\r\nOrigin: http://127.0.0.1:5001\r\n", origin("http://127.0.0.1:5001", "127.0.0.1:5000")),
            ("Origin: null (a sandboxed frame)", "Host: 127.0.0.1:5000\r\nOrigin: null\r\n", origin("null", "127.0.0.1:5000")),
        ];
        for (why, head, want) in cases {
            let got = cross_origin(&req(head));
            assert_eq!(
                &got, want,
                "{why}: cross_origin({head:?}) = {got:?}; want {want:?}"
            );
        }
    }

    #[test]
    fn the_host_is_the_target_authority_or_the_host_field() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("GET / HTTP/1.1", "Host: 127.0.0.1:5000", Some("127.0.0.1")),
            ("GET / HTTP/1.1", "Host: [::1]:5000", Some("[::1]")),
            ("GET / HTTP/1.1", "Host: localhost", Some("localhost")),
            ("GET / HTTP/1.0", "X: y", None),
            (
                "GET http://evil.example:80/x HTTP/1.1",
                "Host: 127.0.0.1",
                Some("evil.example"),
            ),
        ];
        for (line, field, want) in cases {
            let raw = format!("{line}\r\n{field}\r\n\r\n");
            let Ok(Parsed::Complete { value, .. }) =
                parse_request(raw.as_bytes(), &Limits::default())
            else {
                panic!("{raw:?}")
            };
            let got = request_host(&value);
            assert_eq!(got, *want, "request_host({raw:?}) = {got:?}; want {want:?}");
        }
    }

    #[test]
    fn hosts_are_loopback_names_ip_addresses_or_listed() {
        let listed = vec!["goldfish.lan".to_string(), ".class.example".to_string()];
        #[rustfmt::skip]
        let cases: &[(&str, bool, &str)] = &[
            ("localhost", true, "RFC 6761: the local machine"),
            ("LocalHost", true, "names are case-insensitive"),
            ("www.goldfish.localhost", true, "every *.localhost is loopback too"),
            ("localhost.", true, "the trailing dot of a fully qualified name"),
            ("127.0.0.1", true, "an address needs no DNS, so it cannot be rebound"),
            ("192.168.1.10", true, "the teacher's address on the class network"),
            ("[::1]", true, "IPv6 loopback"),
            ("attacker.example", false, "DNS rebinding: a name that now points here"),
            ("localhost.attacker.example", false, "only a suffix .localhost counts"),
            ("notlocalhost", false, "not a subdomain of localhost"),
            ("SHOP.Goldfish.LOCALHOST", true, "a subdomain of localhost in any case"),
            ("\u{fc}localhost", false, "no dot before localhost (a character of two bytes)"),
            ("goldfish.lan", true, "listed with --allowed-hosts"),
            ("a.goldfish.lan", false, "a listed name does not allow its subdomains"),
            ("class.example", true, "a leading dot allows the name itself…"),
            ("pc7.class.example", true, "…and every subdomain"),
            ("evilclass.example", false, "a suffix match is on a dot boundary"),
        ];
        for (host, want, why) in cases {
            let got = host_allowed(host, &listed);
            assert_eq!(
                got, *want,
                "{why}: host_allowed({host:?}) = {got}; want {want}"
            );
        }
        assert!(
            host_allowed("anything.example", &["*".to_string()]),
            "* allows all"
        );
    }
}

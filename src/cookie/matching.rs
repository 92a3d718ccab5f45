//! Which hosts and paths a cookie belongs to (RFC 6265 §5.1.3, §5.1.4).
//!
//! These three small algorithms decide where a cookie goes. The `Domain`
//! attribute widens a cookie from one host to a host and its subdomains
//! (domain-match); the `Path` attribute narrows it to a part of the site
//! (path-match); and a cookie without a `Path` gets one computed from the
//! URL that set it (default-path), which is the classic reason a cookie set
//! on `/login/submit` is missing on `/`.

// `core::net`: the address types and their parsers, no sockets.
use core::net::{Ipv4Addr, Ipv6Addr};

/// Does the host `string` domain-match the cookie domain `domain`?
/// (RFC 6265 §5.1.3, unchanged in 6265bis.)
///
/// True when the two are identical, or when all of these hold:
/// - `domain` is a suffix of `string`,
/// - the character of `string` just before that suffix is a `.`,
/// - `string` is a host name, not an IP address.
///
/// So `www.example.com` matches `example.com`, but `badexample.com` does
/// not (no dot before the suffix), and `10.0.0.1` matches only `10.0.0.1`
/// (an IP address has no parent domain; `0.0.1` is not one). Both arguments
/// must already be lowercase ("canonicalized"); browsers lowercase the host
/// and the Domain attribute before they compare.
///
/// # Examples
///
/// ```
/// use goldfish::cookie::domain_match;
///
/// assert!(domain_match("www.example.com", "example.com"));
/// assert!(!domain_match("example.com", "www.example.com"));
/// assert!(!domain_match("badexample.com", "example.com"));
/// ```
#[must_use]
pub fn domain_match(string: &str, domain: &str) -> bool {
    if string == domain {
        return true;
    }
    let Some(head) = string.strip_suffix(domain) else {
        return false;
    };
    head.ends_with('.') && !is_ip_address(string)
}

/// The path a cookie gets when `Set-Cookie` has no usable `Path`
/// (RFC 6265 §5.1.4): the "directory" of the request path.
///
/// 1. If the path is empty or does not start with `/`, it is `/`.
/// 2. If the path has only one `/`, it is `/`.
/// 3. Otherwise it is everything before the right-most `/`.
///
/// So `/login/submit` gives `/login`, `/login/` gives `/login`, and
/// `/login` gives `/`. Give `uri_path` without the query string.
///
/// # Examples
///
/// ```
/// use goldfish::cookie::default_path;
///
/// assert_eq!(default_path("/lessons/cookies"), "/lessons");
/// assert_eq!(default_path("/lessons"), "/");
/// ```
#[must_use]
pub fn default_path(uri_path: &str) -> &str {
    if !uri_path.starts_with('/') {
        return "/";
    }
    match uri_path.rfind('/') {
        // Slicing at a '/' (one byte) is always on a character boundary.
        Some(last) if last > 0 => &uri_path[..last],
        _ => "/",
    }
}

/// Does `request_path` path-match `cookie_path`? (RFC 6265 §5.1.4.) This is
/// the test a browser applies before sending a cookie with a request.
///
/// True when the two are identical, or `cookie_path` is a prefix of
/// `request_path` and either ends with `/` or is followed by a `/` in
/// `request_path`. So `/docs` matches `/docs` and `/docs/a` but not
/// `/docsearch`.
///
/// # Examples
///
/// ```
/// use goldfish::cookie::path_match;
///
/// assert!(path_match("/docs/intro", "/docs"));
/// assert!(!path_match("/docsearch", "/docs"));
/// ```
#[must_use]
pub fn path_match(request_path: &str, cookie_path: &str) -> bool {
    match request_path.strip_prefix(cookie_path) {
        Some("") => true,
        Some(rest) => cookie_path.ends_with('/') || rest.starts_with('/'),
        None => false,
    }
}

/// Is `host` an IPv4 address or a bracketed IPv6 address (`[::1]`)?
pub(crate) fn is_ip_address(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.parse::<Ipv6Addr>().is_ok();
    }
    host.parse::<Ipv4Addr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_match_table() {
        let cases: &[(&str, &str, &str, bool)] = &[
            ("identical", "example.com", "example.com", true),
            ("a subdomain", "www.example.com", "example.com", true),
            ("a deep subdomain", "a.b.example.com", "example.com", true),
            (
                "the other way round",
                "example.com",
                "www.example.com",
                false,
            ),
            ("a sibling", "api.example.com", "www.example.com", false),
            (
                "suffix without a dot",
                "badexample.com",
                "example.com",
                false,
            ),
            ("a different site", "example.org", "example.com", false),
            ("identical single label", "localhost", "localhost", true),
            ("subdomain of localhost", "app.localhost", "localhost", true),
            ("identical IPv4", "127.0.0.1", "127.0.0.1", true),
            (
                "an IPv4 address has no parent domain",
                "127.0.0.1",
                "0.0.1",
                false,
            ),
            ("not even a shorter IP", "10.0.0.1", "0.1", false),
            ("identical IPv6", "[::1]", "[::1]", true),
            ("a host ending in digits is still a host", "a.1", "1", true),
            (
                "case is the caller's job",
                "WWW.example.com",
                "example.com",
                true,
            ),
            (
                "uppercase domain does not match",
                "www.example.com",
                "Example.com",
                false,
            ),
            (
                "trailing dot makes a different string",
                "example.com.",
                "example.com",
                false,
            ),
            (
                "empty host never matches a domain",
                "",
                "example.com",
                false,
            ),
        ];
        for (why, string, domain, want) in cases {
            let got = domain_match(string, domain);
            assert_eq!(
                got, *want,
                "{why}: domain_match({string:?}, {domain:?}) = {got}; want {want}"
            );
        }
    }

    #[test]
    fn default_path_table() {
        let cases: &[(&str, &str, &str)] = &[
            ("root", "/", "/"),
            ("empty", "", "/"),
            ("not absolute", "lessons/x", "/"),
            ("one segment", "/lessons", "/"),
            ("two segments", "/lessons/cookies", "/lessons"),
            ("trailing slash", "/lessons/", "/lessons"),
            ("three segments", "/a/b/c", "/a/b"),
            ("double slash", "//", "/"),
            ("unicode segment", "/café/menü", "/café"),
        ];
        for (why, path, want) in cases {
            let got = default_path(path);
            assert_eq!(
                got, *want,
                "{why}: default_path({path:?}) = {got:?}; want {want:?}"
            );
        }
    }

    #[test]
    fn path_match_table() {
        let cases: &[(&str, &str, &str, bool)] = &[
            ("identical", "/docs", "/docs", true),
            ("below", "/docs/intro", "/docs", true),
            ("root matches everything", "/anything", "/", true),
            (
                "cookie path with trailing slash",
                "/docs/intro",
                "/docs/",
                true,
            ),
            ("prefix but not a directory", "/docsearch", "/docs", false),
            ("above", "/", "/docs", false),
            ("case-sensitive", "/Docs", "/docs", false),
            ("trailing slash needs the slash", "/docs", "/docs/", false),
        ];
        for (why, request, cookie, want) in cases {
            let got = path_match(request, cookie);
            assert_eq!(
                got, *want,
                "{why}: path_match({request:?}, {cookie:?}) = {got}; want {want}"
            );
        }
    }

    #[test]
    fn ip_addresses() {
        assert!(is_ip_address("127.0.0.1"));
        assert!(is_ip_address("[::1]"));
        assert!(!is_ip_address("::1"), "URL hosts bracket IPv6");
        assert!(!is_ip_address("localhost"));
        assert!(!is_ip_address("1.2.3"));
    }
}

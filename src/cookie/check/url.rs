//! The URL a `Set-Cookie` line came from, parsed just enough for cookies.
//!
//! Cookies need four things from the URL (RFC 6265bis §5.7): whether the
//! scheme is secure, the host (for Domain), and the path (for the default
//! path); the port is kept only to print the URL back, since cookies ignore
//! ports. So this is a deliberately small parser for
//! `http[s]://host[:port][/path][?query][#fragment]`, not a general one
//! (RFC 3986 and the WHATWG URL standard cover far more). Anything it does
//! not understand is refused with a sentence saying so.

use std::fmt;
// `core::net`: the address types and their parsers, no sockets.
use core::net::{Ipv4Addr, Ipv6Addr};

use crate::cookie::{Excerpt, Printable};

/// `http` or `https`, the two schemes that carry `Set-Cookie`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

/// A request URL: scheme, lowercase host, optional port, and path.
///
/// Invariants: `host` is non-empty, lowercase ASCII, either a host name of
/// letters, digits, `-`, `_` and `.`, an IPv4 address, or a bracketed IPv6
/// address; `path` starts with `/` and holds no query or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestUrl {
    scheme: Scheme,
    host: String,
    port: Option<u16>,
    path: String,
}

/// Why a `--url` could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestUrlError {
    /// No `://` after a scheme.
    MissingScheme { url: String },
    /// A scheme other than http or https.
    UnsupportedScheme { scheme: String },
    /// Whitespace or a control character somewhere in the URL.
    InvalidCharacter { found: char },
    /// `user:password@` before the host.
    UserInfo,
    /// Nothing between `://` and the path.
    EmptyHost,
    /// A character that cannot appear in a host name.
    InvalidHost { host: String, found: char },
    /// Looks like an IP address but is not one (`256.0.0.1`, `[::g]`).
    InvalidIp { host: String },
    /// A port that is not a number from 0 to 65535.
    InvalidPort { port: String },
}

impl RequestUrl {
    /// Parses `http[s]://host[:port][/path][?query][#fragment]`.
    ///
    /// # Errors
    ///
    /// A [`RequestUrlError`] naming the first part that does not fit.
    ///
    /// # Examples
    ///
    /// ```
    /// use goldfish::cookie::RequestUrl;
    ///
    /// let url = RequestUrl::parse("https://WWW.Example.com:8443/a/b?x=1").unwrap();
    /// assert_eq!((url.host(), url.port(), url.path()), ("www.example.com", Some(8443), "/a/b"));
    /// assert!(RequestUrl::parse("ftp://example.com/").is_err());
    /// ```
    pub fn parse(url: &str) -> Result<RequestUrl, RequestUrlError> {
        if let Some(found) = url.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(RequestUrlError::InvalidCharacter { found });
        }
        // 1. The scheme.
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(RequestUrlError::MissingScheme {
                url: url.to_owned(),
            });
        };
        let scheme = if scheme.eq_ignore_ascii_case("http") {
            Scheme::Http
        } else if scheme.eq_ignore_ascii_case("https") {
            Scheme::Https
        } else {
            return Err(RequestUrlError::UnsupportedScheme {
                scheme: scheme.to_owned(),
            });
        };
        // 2. The authority ends at the first '/', '?' or '#'.
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        // 3. The path ends at '?' or '#'; an empty path is "/".
        let path = tail.split(['?', '#']).next().unwrap_or("");
        let path = if path.is_empty() { "/" } else { path };
        if authority.contains('@') {
            return Err(RequestUrlError::UserInfo);
        }
        // 4. Host and port; an IPv6 literal is bracketed and contains ':'.
        let (host, port) = if authority.starts_with('[') {
            let close = authority.find(']').map_or(authority.len(), |i| i + 1);
            let (host, after) = authority.split_at(close);
            let inner = host.get(1..host.len().saturating_sub(1)).unwrap_or("");
            if !host.ends_with(']') || inner.parse::<Ipv6Addr>().is_err() {
                return Err(RequestUrlError::InvalidIp {
                    host: host.to_owned(),
                });
            }
            match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None if after.is_empty() => (host, None),
                None => {
                    return Err(RequestUrlError::InvalidPort {
                        port: after.to_owned(),
                    });
                }
            }
        } else {
            match authority.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            }
        };
        let port = match port {
            None | Some("") => None,
            Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => match p.parse::<u16>() {
                Ok(n) => Some(n),
                Err(_) => return Err(RequestUrlError::InvalidPort { port: p.to_owned() }),
            },
            Some(p) => return Err(RequestUrlError::InvalidPort { port: p.to_owned() }),
        };
        let host = host.to_ascii_lowercase();
        check_host(&host)?;
        Ok(RequestUrl {
            scheme,
            host,
            port,
            path: path.to_owned(),
        })
    }

    /// `http` or `https`.
    #[must_use]
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The host, lowercase (IPv6 in brackets).
    #[must_use]
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, if the URL names one. Cookies ignore it (RFC 6265 §8.5).
    #[must_use]
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The path, without query or fragment; starts with `/`.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Does a browser count this origin as secure for `Secure` cookies?
    ///
    /// RFC 6265bis leaves "secure protocol" to the browser (§5.7 step 13).
    /// Browsers use the "potentially trustworthy" rule of W3C Secure
    /// Contexts: `https`, plus loopback hosts over plain `http`, because
    /// traffic to your own machine never crosses a network. So
    /// `http://localhost:5000` can set a `Secure` cookie, and
    /// `http://example.com` cannot.
    #[must_use]
    pub fn is_secure_origin(&self) -> bool {
        self.scheme == Scheme::Https
            || self.host == "localhost"
            || self.host.ends_with(".localhost")
            || self.host == "[::1]"
            || self
                .host
                .parse::<Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

/// `http://localhost/`, the URL a learner running goldfish starts from.
impl Default for RequestUrl {
    fn default() -> RequestUrl {
        RequestUrl {
            scheme: Scheme::Http,
            host: "localhost".to_owned(),
            port: None,
            path: "/".to_owned(),
        }
    }
}

impl fmt::Display for RequestUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.scheme {
            Scheme::Http => "http",
            Scheme::Https => "https",
        };
        write!(f, "{scheme}://{}", self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        f.write_str(&self.path)
    }
}

/// A host is an IPv6 literal (checked by the caller), an IPv4 address, or
/// a name of letters, digits, `-`, `_` and `.`. A name whose last label is
/// all digits must be a valid IPv4 address (the WHATWG URL rule), so
/// `256.0.0.1` is refused rather than treated as a name.
fn check_host(host: &str) -> Result<(), RequestUrlError> {
    if host.is_empty() {
        return Err(RequestUrlError::EmptyHost);
    }
    if host.starts_with('[') {
        return Ok(());
    }
    let name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if let Some(found) = host.chars().find(|c| !name_char(*c)) {
        return Err(RequestUrlError::InvalidHost {
            host: host.to_owned(),
            found,
        });
    }
    let last_label = host
        .strip_suffix('.')
        .unwrap_or(host)
        .rsplit('.')
        .next()
        .unwrap_or("");
    let numeric = !last_label.is_empty() && last_label.bytes().all(|b| b.is_ascii_digit());
    if numeric && host.parse::<Ipv4Addr>().is_err() {
        return Err(RequestUrlError::InvalidIp {
            host: host.to_owned(),
        });
    }
    Ok(())
}

impl fmt::Display for RequestUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 60;
        match self {
            RequestUrlError::MissingScheme { url } => write!(
                f,
                "the URL {} needs a scheme, e.g. http://localhost/ or https://example.com/login",
                Excerpt(url, SHOWN)
            ),
            RequestUrlError::UnsupportedScheme { scheme } => write!(
                f,
                "the URL scheme {} is not supported; cookies come with http:// or https:// URLs",
                Excerpt(scheme, SHOWN)
            ),
            RequestUrlError::InvalidCharacter { found } => write!(
                f,
                "the URL contains {found:?}; a URL has no spaces or control characters \
                 (percent-encode them, e.g. %20)"
            ),
            RequestUrlError::UserInfo => write!(
                f,
                "the URL has a user@ part, which this checker does not support; write just \
                 the host, e.g. https://example.com/"
            ),
            RequestUrlError::EmptyHost => {
                write!(f, "the URL has no host after ://, e.g. http://localhost/")
            }
            RequestUrlError::InvalidHost { host, found } => write!(
                f,
                "the host {} contains {found:?}; a host name uses letters, digits, '-' and '.' \
                 (write international names in xn-- form), e.g. www.example.com",
                Excerpt(host, SHOWN)
            ),
            RequestUrlError::InvalidIp { host } => write!(
                f,
                "the host {} looks like an IP address but is not one, e.g. 127.0.0.1 or [::1]",
                Excerpt(host, SHOWN)
            ),
            RequestUrlError::InvalidPort { port } => write!(
                f,
                "the port {} is not a number from 0 to 65535, e.g. http://localhost:5000/",
                Printable(port)
            ),
        }
    }
}

impl std::error::Error for RequestUrlError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_table() {
        let ok: &[(&str, &str, &str, bool)] = &[
            // (input, Display of the result, path, secure origin)
            ("http://localhost/", "http://localhost/", "/", true),
            ("http://localhost", "http://localhost/", "/", true),
            (
                "HTTP://LocalHost:5000/a/b?q=1#f",
                "http://localhost:5000/a/b",
                "/a/b",
                true,
            ),
            (
                "http://example.com/login?next=/",
                "http://example.com/login",
                "/login",
                false,
            ),
            ("https://example.com", "https://example.com/", "/", true),
            (
                "http://127.0.0.1:5000/",
                "http://127.0.0.1:5000/",
                "/",
                true,
            ),
            ("http://127.1.2.3/", "http://127.1.2.3/", "/", true),
            ("http://10.0.0.1/", "http://10.0.0.1/", "/", false),
            ("http://[::1]:8080/x", "http://[::1]:8080/x", "/x", true),
            ("http://app.localhost/", "http://app.localhost/", "/", true),
            ("http://example.com?x", "http://example.com/", "/", false),
            ("http://example.com:/", "http://example.com/", "/", false),
            ("http://my_host/", "http://my_host/", "/", false),
        ];
        for (input, shown, path, secure) in ok {
            let url = RequestUrl::parse(input);
            let Ok(url) = url else {
                panic!("parse({input:?}) = {url:?}; want Ok");
            };
            assert_eq!(url.to_string(), *shown, "parse({input:?})");
            assert_eq!(url.path(), *path, "parse({input:?}).path()");
            assert_eq!(
                url.is_secure_origin(),
                *secure,
                "parse({input:?}).is_secure_origin()"
            );
        }

        let bad: &[(&str, RequestUrlError)] = &[
            (
                "localhost/",
                RequestUrlError::MissingScheme {
                    url: "localhost/".into(),
                },
            ),
            (
                "ftp://example.com/",
                RequestUrlError::UnsupportedScheme {
                    scheme: "ftp".into(),
                },
            ),
            (
                "http://exa mple.com/",
                RequestUrlError::InvalidCharacter { found: ' ' },
            ),
            (
                "http://a\r\nb/",
                RequestUrlError::InvalidCharacter { found: '\r' },
            ),
            ("http://user:pw@example.com/", RequestUrlError::UserInfo),
            ("http:///path", RequestUrlError::EmptyHost),
            ("http://:5000/", RequestUrlError::EmptyHost),
            (
                "http://exämple.com/",
                RequestUrlError::InvalidHost {
                    host: "exämple.com".into(),
                    found: 'ä',
                },
            ),
            (
                "http://256.0.0.1/",
                RequestUrlError::InvalidIp {
                    host: "256.0.0.1".into(),
                },
            ),
            (
                "http://[::g]/",
                RequestUrlError::InvalidIp {
                    host: "[::g]".into(),
                },
            ),
            (
                "http://[::1/",
                RequestUrlError::InvalidIp {
                    host: "[::1".into(),
                },
            ),
            (
                "http://localhost:99999/",
                RequestUrlError::InvalidPort {
                    port: "99999".into(),
                },
            ),
            (
                "http://localhost:http/",
                RequestUrlError::InvalidPort {
                    port: "http".into(),
                },
            ),
            (
                "http://[::1]x/",
                RequestUrlError::InvalidPort { port: "x".into() },
            ),
        ];
        for (input, want) in bad {
            let got = RequestUrl::parse(input);
            assert_eq!(
                got.as_ref(),
                Err(want),
                "parse({input:?}) = {got:?}; want {want:?}"
            );
            assert!(!want.to_string().is_empty());
        }
    }

    #[test]
    fn the_default_is_localhost() {
        assert_eq!(RequestUrl::default().to_string(), "http://localhost/");
    }
}

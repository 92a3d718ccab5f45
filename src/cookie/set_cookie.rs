//! Writing `Set-Cookie`: a builder that only produces lines browsers agree on.
//!
//! ```text
//! set-cookie-string = cookie-pair *( ";" SP cookie-av )
//! cookie-pair       = cookie-name "=" cookie-value
//! cookie-name       = token
//! cookie-value      = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )
//! cookie-av         = expires-av / max-age-av / domain-av /
//!                     path-av / secure-av / httponly-av / extension-av
//! ```
//! — RFC 6265 §4.1.1, the "well-behaved profile" servers SHOULD stick to,
//! plus `SameSite` (6265bis §4.1.2.7) and `Partitioned` (CHIPS).
//!
//! The builder is the cookie-rs shape: start from a name and a value, chain
//! the attributes, then [`SetCookie::to_header_value`] checks every rule and
//! writes the line. Checking is the point. A value with a `;` in it is not
//! a typo: `SetCookie::new("name", "a; Domain=evil.example")` would hand
//! the attacker an attribute, and `"x\r\nSet-Cookie: admin=1"` a whole new
//! header. So the builder refuses, and [`percent_encode_value`] is the way
//! to carry such text on purpose.
//!
//! [`percent_encode_value`]: super::percent_encode_value

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use super::{CookieError, starts_with_ignore_case};
use crate::http::date::{unix_seconds, write_imf_fixdate};

/// The `SameSite` attribute: may this cookie ride along on requests that
/// another site started? (RFC 6265bis §4.1.2.7, §5.6.7.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// Only on requests started by this site. Following a link from another
    /// site arrives without the cookie.
    Strict,
    /// Also on top-level navigations from other sites with a safe method
    /// (clicking a link), but not on their images, iframes or POSTs. The
    /// sensible default for a session cookie.
    Lax,
    /// On every request, cross-site ones included. Requires `Secure`.
    None,
}

impl SameSite {
    /// The attribute value as written on the wire: `Strict`, `Lax` or `None`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        }
    }
}

impl fmt::Display for SameSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One `Set-Cookie` header value, built attribute by attribute.
///
/// Nothing is checked until [`validate`](Self::validate) or
/// [`to_header_value`](Self::to_header_value), so attributes can be chained
/// in any order. Attributes are always written in one order: `name=value`,
/// `Expires`, `Max-Age`, `Domain`, `Path`, `Secure`, `HttpOnly`, `SameSite`,
/// `Partitioned`.
///
/// The getters for attributes are called `get_*` and `is_*` because the
/// plain names (`path`, `secure`, …) are the builder methods.
///
/// # Examples
///
/// ```
/// use goldfish::cookie::{SameSite, SetCookie};
///
/// let cookie = SetCookie::new("fav_color", "blue")
///     .path("/")
///     .max_age(3600)
///     .http_only(true)
///     .same_site(SameSite::Lax);
/// assert_eq!(
///     cookie.to_header_value().unwrap(),
///     "fav_color=blue; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax"
/// );
///
/// // A value that would inject an attribute is refused…
/// assert!(SetCookie::new("fav_color", "blue; Domain=evil.example").validate().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie {
    /// Checked by `validate`: a non-empty RFC 9110 token.
    name: String,
    /// Checked by `validate`: cookie-octets, optionally in one pair of `"`.
    value: String,
    /// `None`: no Expires attribute.
    expires: Option<SystemTime>,
    /// `None`: no Max-Age attribute. `Some(n)`: always `n >= 0`.
    max_age: Option<i64>,
    /// `None`: no Domain attribute (a host-only cookie). Never starts with `.`.
    domain: Option<String>,
    /// `None`: no Path attribute (the browser computes the default path).
    path: Option<String>,
    secure: bool,
    http_only: bool,
    /// `None`: no SameSite attribute (the browser's default applies).
    same_site: Option<SameSite>,
    partitioned: bool,
}

impl SetCookie {
    /// Starts a cookie with a name and a value and no attributes: a session
    /// cookie for the current host and the default path.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> SetCookie {
        SetCookie {
            name: name.into(),
            value: value.into(),
            expires: None,
            max_age: None,
            domain: None,
            path: None,
            secure: false,
            http_only: false,
            same_site: None,
            partitioned: false,
        }
    }

    /// A line that deletes the cookie called `name`: an empty value,
    /// `Expires` in 1970 and `Max-Age=0`.
    ///
    /// A deletion only hits a cookie with the same name, domain and path
    /// (RFC 6265bis §5.7 step 22), so chain the `path` (and `domain`) the
    /// cookie was set with, or use [`removal`](Self::removal) on the
    /// original builder. `__Secure-` and `__Host-` names get the attributes
    /// their prefix demands, so the deletion itself is accepted.
    ///
    /// # Examples
    ///
    /// ```
    /// use goldfish::cookie::SetCookie;
    ///
    /// assert_eq!(
    ///     SetCookie::delete("fav_color").path("/").to_string(),
    ///     "fav_color=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"
    /// );
    /// ```
    pub fn delete(name: impl Into<String>) -> SetCookie {
        SetCookie::new(name, "").removal()
    }

    /// The line that deletes this cookie: same name, Domain and Path (which
    /// identify the cookie), an empty value, `Expires` in 1970 for old
    /// clients and `Max-Age=0` for new ones (Max-Age wins when both are
    /// present, RFC 6265bis §5.7 step 6).
    ///
    /// `Secure`, `SameSite` and `Partitioned` are kept too: they decide
    /// whether the browser accepts the line at all (a partitioned cookie
    /// lives in a separate jar, and `SameSite=None` needs `Secure`).
    /// `HttpOnly` is dropped; it only hides a cookie from JavaScript.
    #[must_use]
    pub fn removal(&self) -> SetCookie {
        let host_prefix = starts_with_ignore_case(&self.name, "__Host-");
        let needs_secure = host_prefix || starts_with_ignore_case(&self.name, "__Secure-");
        let path = match &self.path {
            None if host_prefix => Some("/".to_owned()),
            other => other.clone(),
        };
        SetCookie {
            name: self.name.clone(),
            value: String::new(),
            expires: Some(UNIX_EPOCH),
            max_age: Some(0),
            domain: self.domain.clone(),
            path,
            secure: self.secure || needs_secure,
            http_only: false,
            same_site: self.same_site,
            partitioned: self.partitioned,
        }
    }

    /// `Expires=<IMF-fixdate>`: the cookie lasts until this moment.
    ///
    /// The browser compares it with *its own* clock, and caps it at 400 days
    /// ahead (RFC 6265bis §5.5). Prefer [`max_age`](Self::max_age), which
    /// does not depend on the two clocks agreeing.
    #[must_use]
    pub fn expires(mut self, at: SystemTime) -> SetCookie {
        self.expires = Some(at);
        self
    }

    /// `Max-Age=<seconds>`: the cookie lasts this many seconds from now.
    ///
    /// Like Go's `Cookie.MaxAge`, there are three cases:
    /// - not calling `max_age` at all: no Max-Age attribute; `Expires`
    ///   decides, or it is a session cookie;
    /// - `seconds > 0`: `Max-Age=seconds` (browsers cap it at 400 days);
    /// - `seconds <= 0`: `Max-Age=0`, "delete this cookie now".
    ///
    /// Negative numbers are written as 0 because RFC 6265 §4.1.1 only
    /// allows digits; browsers treat both as "expired" (§5.2.2). The server
    /// grammar even asks for a non-zero first digit, but every browser
    /// accepts `Max-Age=0` and it is what Go and cookie-rs send to delete.
    #[must_use]
    pub fn max_age(mut self, seconds: i64) -> SetCookie {
        self.max_age = Some(seconds.max(0));
        self
    }

    /// `Domain=<host>`: send the cookie to this host *and its subdomains*.
    ///
    /// Leaving it out is stricter: the cookie goes only to the host that set
    /// it. A leading dot (`.example.com`, from RFC 2109 days) means nothing
    /// to modern browsers (RFC 6265 §5.2.3), so it is dropped here, as Go
    /// does. The browser rejects the cookie unless the request host is this
    /// domain or a subdomain of it.
    ///
    /// All leading dots go, not just one: a browser drops only one, so
    /// `..example.com` written as `Domain=.example.com` would reach it as
    /// `.example.com`, which no host matches. (Found by fuzzing.)
    #[must_use]
    pub fn domain(mut self, domain: impl Into<String>) -> SetCookie {
        let domain = domain.into();
        self.domain = Some(match domain.strip_prefix('.') {
            Some(rest) => rest.trim_start_matches('.').to_owned(),
            None => domain,
        });
        self
    }

    /// `Path=<path>`: send the cookie only for this path and below it.
    ///
    /// Without it the browser uses the directory of the URL that set the
    /// cookie (see [`default_path`](super::default_path)), which is rarely
    /// what you want: set `Path=/` for a site-wide cookie. Path is not a
    /// security boundary; any page on the host can read other paths'
    /// cookies through an iframe.
    #[must_use]
    pub fn path(mut self, path: impl Into<String>) -> SetCookie {
        self.path = Some(path.into());
        self
    }

    /// `Secure`: send the cookie only over HTTPS (browsers also allow
    /// `http://localhost`), and accept it only from such an origin.
    #[must_use]
    pub fn secure(mut self, on: bool) -> SetCookie {
        self.secure = on;
        self
    }

    /// `HttpOnly`: hide the cookie from JavaScript's `document.cookie`, so
    /// that an injected script cannot read a session id. It still travels
    /// with every request.
    #[must_use]
    pub fn http_only(mut self, on: bool) -> SetCookie {
        self.http_only = on;
        self
    }

    /// `SameSite=Strict|Lax|None`: whether other sites' requests carry the
    /// cookie (see [`SameSite`]).
    #[must_use]
    pub fn same_site(mut self, same_site: SameSite) -> SetCookie {
        self.same_site = Some(same_site);
        self
    }

    /// `Partitioned`: when embedded in another site, keep a separate copy of
    /// the cookie per top-level site (CHIPS). Requires `Secure`.
    #[must_use]
    pub fn partitioned(mut self, on: bool) -> SetCookie {
        self.partitioned = on;
        self
    }

    /// The cookie's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The cookie's value, exactly as it will be written.
    #[must_use]
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The Expires attribute, if set.
    #[must_use]
    pub fn get_expires(&self) -> Option<SystemTime> {
        self.expires
    }

    /// The Max-Age attribute in seconds, if set; never negative.
    #[must_use]
    pub fn get_max_age(&self) -> Option<i64> {
        self.max_age
    }

    /// The Domain attribute without any leading dot, if set.
    #[must_use]
    pub fn get_domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }

    /// The Path attribute, if set.
    #[must_use]
    pub fn get_path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// Whether the Secure attribute is set.
    #[must_use]
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    /// Whether the HttpOnly attribute is set.
    #[must_use]
    pub fn is_http_only(&self) -> bool {
        self.http_only
    }

    /// The SameSite attribute, if set.
    #[must_use]
    pub fn get_same_site(&self) -> Option<SameSite> {
        self.same_site
    }

    /// Whether the Partitioned attribute is set.
    #[must_use]
    pub fn is_partitioned(&self) -> bool {
        self.partitioned
    }

    /// Validates, then writes the header value.
    ///
    /// # Errors
    ///
    /// Whatever [`validate`](Self::validate) finds.
    pub fn to_header_value(&self) -> Result<String, CookieError> {
        self.validate()?;
        Ok(self.to_string())
    }
}

/// Writes the header value, attributes in the fixed order.
///
/// This does not validate: it writes whatever the builder holds, which is
/// what you want for showing a learner their (possibly broken) line. Send
/// only the output of [`SetCookie::to_header_value`].
impl fmt::Display for SetCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.value)?;
        if let Some(at) = self.expires {
            let mut date = String::with_capacity(29);
            write_imf_fixdate(unix_seconds(at), &mut date);
            write!(f, "; Expires={date}")?;
        }
        if let Some(seconds) = self.max_age {
            write!(f, "; Max-Age={seconds}")?;
        }
        if let Some(domain) = &self.domain {
            write!(f, "; Domain={domain}")?;
        }
        if let Some(path) = &self.path {
            write!(f, "; Path={path}")?;
        }
        if self.secure {
            f.write_str("; Secure")?;
        }
        if self.http_only {
            f.write_str("; HttpOnly")?;
        }
        if let Some(same_site) = self.same_site {
            write!(f, "; SameSite={same_site}")?;
        }
        if self.partitioned {
            f.write_str("; Partitioned")?;
        }
        Ok(())
    }
}

mod validate;

#[cfg(test)]
mod tests;

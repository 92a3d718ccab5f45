//! The rules a server-side cookie must follow, checked before it is sent.
//!
//! Each rule is here because breaking it makes a browser drop the cookie,
//! read it differently from what the server meant, or lets data escape
//! into the header (RFC 6265 §4.1.1 for the grammar, RFC 6265bis §4.1.3
//! for the prefixes, §5.6 for the size limits).

use super::{SameSite, SetCookie};
use crate::cookie::{
    CookieError, MAX_ATTRIBUTE_VALUE, MAX_NAME_VALUE, is_cookie_octet, is_tchar,
    starts_with_ignore_case,
};
use crate::http::date::{civil_from_unix, unix_seconds};

impl SetCookie {
    /// Checks every rule a server-side cookie must follow.
    ///
    /// # Errors
    ///
    /// The first broken rule, in this order: the name, the value, the size,
    /// Expires, Domain, Path, then the rules that tie attributes together
    /// (`SameSite=None` and `Partitioned` need `Secure`; the `__Secure-` and
    /// `__Host-` prefixes, matched case-insensitively as browsers do).
    ///
    /// About quotes: RFC 6265 §4.1.1 lets a value be wrapped in one pair of
    /// `"`, so `"blue"` is accepted and written as is. Browsers keep the
    /// quotes as part of the value (6265bis §4.1.1) and send them back;
    /// goldfish's own reader ([`RequestCookies`](crate::cookie::RequestCookies))
    /// then unwraps them, like Go's and Python's do. Any other `"` is refused.
    pub fn validate(&self) -> Result<(), CookieError> {
        // 1. The name is a token.
        if self.name.is_empty() {
            return Err(CookieError::NameEmpty);
        }
        if let Some(found) = self.name.chars().find(|c| !is_tchar(*c)) {
            let name = self.name.clone();
            return Err(CookieError::NameNotToken { name, found });
        }
        // 2. The value is cookie-octets, possibly inside one pair of quotes.
        let inner = match self
            .value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
        {
            Some(inner) => inner,
            None => self.value.as_str(),
        };
        if let Some(found) = inner
            .chars()
            .find(|c| !c.is_ascii() || !is_cookie_octet(*c as u8))
        {
            let value = self.value.clone();
            return Err(CookieError::ValueNotCookieOctet { value, found });
        }
        // 3. The size limit browsers enforce.
        let len = self.name.len() + self.value.len();
        if len > MAX_NAME_VALUE {
            return Err(CookieError::TooLong { len });
        }
        // 4. Expires must be a date the cookie-date algorithm can read.
        if let Some(at) = self.expires {
            let year = civil_from_unix(unix_seconds(at)).year;
            if !(1601..=9999).contains(&year) {
                return Err(CookieError::ExpiresOutOfRange { year });
            }
        }
        // 5. Domain: a host name, nothing that could end the attribute.
        if let Some(domain) = &self.domain {
            check_domain(domain)?;
        }
        // 6. Path: no ';' or control characters, and absolute.
        if let Some(path) = &self.path {
            check_path(path)?;
        }
        // 7. The rules that need Secure.
        self.check_needs_secure()
    }

    fn check_needs_secure(&self) -> Result<(), CookieError> {
        if self.same_site == Some(SameSite::None) && !self.secure {
            return Err(CookieError::SameSiteNoneWithoutSecure);
        }
        if self.partitioned && !self.secure {
            return Err(CookieError::PartitionedWithoutSecure);
        }
        let name = || self.name.clone();
        if starts_with_ignore_case(&self.name, "__Secure-") && !self.secure {
            return Err(CookieError::SecurePrefixWithoutSecure { name: name() });
        }
        if starts_with_ignore_case(&self.name, "__Host-") {
            if !self.secure {
                return Err(CookieError::HostPrefixWithoutSecure { name: name() });
            }
            if let Some(domain) = &self.domain {
                let domain = domain.clone();
                return Err(CookieError::HostPrefixWithDomain {
                    name: name(),
                    domain,
                });
            }
            if self.path.as_deref() != Some("/") {
                let path = self.path.clone();
                return Err(CookieError::HostPrefixPathNotRoot { name: name(), path });
            }
        }
        Ok(())
    }
}

fn check_domain(domain: &str) -> Result<(), CookieError> {
    if domain.is_empty() {
        return Err(CookieError::DomainEmpty);
    }
    if domain.len() > MAX_ATTRIBUTE_VALUE {
        let len = domain.len();
        return Err(CookieError::AttributeTooLong {
            attribute: "Domain",
            len,
        });
    }
    let host_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
    if let Some(found) = domain.chars().find(|c| !host_char(*c)) {
        let domain = domain.to_owned();
        return Err(CookieError::DomainInvalid { domain, found });
    }
    // A host whose last label is all digits is an IPv4 address to a browser
    // (the URL Standard's host parser), so `0.0.1` is not a name but a
    // broken address that no page can have. (Found by fuzzing: the builder
    // accepted lines that the checker could never store.)
    let last_label = domain
        .strip_suffix('.')
        .unwrap_or(domain)
        .rsplit('.')
        .next()
        .unwrap_or("");
    let numeric = !last_label.is_empty() && last_label.bytes().all(|b| b.is_ascii_digit());
    if numeric && domain.parse::<core::net::Ipv4Addr>().is_err() {
        let domain = domain.to_owned();
        return Err(CookieError::DomainNotAnAddress { domain });
    }
    Ok(())
}

fn check_path(path: &str) -> Result<(), CookieError> {
    if path.len() > MAX_ATTRIBUTE_VALUE {
        let len = path.len();
        return Err(CookieError::AttributeTooLong {
            attribute: "Path",
            len,
        });
    }
    // av-octet = %x20-3A / %x3C-7E: any CHAR except CTLs or ";".
    let av_octet = |c: char| matches!(c, '\u{20}'..='\u{3a}' | '\u{3c}'..='\u{7e}');
    if let Some(found) = path.chars().find(|c| !av_octet(*c)) {
        let path = path.to_owned();
        return Err(CookieError::PathInvalid { path, found });
    }
    if !path.starts_with('/') {
        let path = path.to_owned();
        return Err(CookieError::PathNotAbsolute { path });
    }
    // Browsers trim the value (6265bis §5.6), so `/a ` would be stored as
    // `/a`. (Found by fuzzing: the checker stored another path than built.)
    if path.ends_with(' ') {
        let path = path.to_owned();
        return Err(CookieError::PathTrailingSpace { path });
    }
    Ok(())
}

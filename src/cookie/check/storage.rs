//! The storage model: what a browser keeps from a parsed line (RFC 6265bis §5.7).
//!
//! The steps are numbered as in the RFC, so this file can be read side by
//! side with it. Each "abort these steps and ignore the cookie entirely"
//! becomes a [`Rejection`], together with the part of the line to blame.

use super::parse::{Kind, Parsed, Slot};
use super::{Rejection, RequestUrl, SameSiteFlag, StoredCookie};
use crate::cookie::cookie_date::system_time;
use crate::cookie::matching::{domain_match, is_ip_address};
use crate::cookie::{default_path, starts_with_ignore_case};

/// A cookie that survived the storage model, with its expiry in seconds.
pub(super) struct Stored {
    pub(super) cookie: StoredCookie,
    /// `None` for a session cookie.
    pub(super) expiry: Option<i64>,
    /// True when a single-label Domain equal to the host was turned into a
    /// host-only cookie (§5.7 step 9), for the Domain note.
    pub(super) domain_was_suffix: bool,
}

/// A rejection, and which part of the line caused it: `Some(i)` for the
/// i-th attribute, `None` for the name/value pair.
pub(super) struct Blamed {
    pub(super) rejection: Rejection,
    pub(super) part: Option<usize>,
}

/// The storage model, RFC 6265bis §5.7, steps numbered as there.
pub(super) fn store(p: &Parsed, url: &RequestUrl) -> Result<Stored, Blamed> {
    let reject = |rejection, part| Err(Blamed { rejection, part });
    let host = url.host();

    // 2. A cookie needs a name or a value.
    if p.name.is_empty() && p.value.is_empty() {
        return reject(Rejection::NoNameNoValue, None);
    }
    // (3 and 4, control characters and the 4096-byte limit, were already
    // checked by `check`, as §5.6 steps 1 and 5.)
    // 6. Max-Age wins over Expires; without either it is a session cookie.
    let expiry = p
        .last_of(Slot::MaxAge)
        .or_else(|| p.last_of(Slot::Expires))
        .and_then(|i| match &p.attributes[i].kind {
            Kind::MaxAge(Some(e)) | Kind::Expires(Some(e)) => Some(e.at),
            _ => None,
        });
    // 7. The last Domain attribute, if any.
    let domain_at = p.last_of(Slot::Domain);
    let mut domain_attribute = match domain_at.map(|i| &p.attributes[i].kind) {
        Some(Kind::Domain(d)) => d.clone(),
        _ => String::new(),
    };
    // 8. No IDNA here (or in browsers' cookie code): ASCII only.
    if !domain_attribute.is_ascii() {
        return reject(
            Rejection::DomainNotAscii {
                domain: domain_attribute,
            },
            domain_at,
        );
    }
    // 9. Public suffixes (only the obvious single-label ones, see the module docs).
    let mut domain_was_suffix = false;
    if is_obvious_public_suffix(&domain_attribute) {
        if domain_attribute == host {
            domain_attribute.clear();
            domain_was_suffix = true;
        } else {
            return reject(
                Rejection::DomainIsPublicSuffix {
                    domain: domain_attribute,
                },
                domain_at,
            );
        }
    }
    // 10. The host must be the Domain or a subdomain of it.
    let host_only = domain_attribute.is_empty();
    if !host_only && !domain_match(host, &domain_attribute) {
        let host = host.to_owned();
        return reject(
            Rejection::DomainMismatch {
                domain: domain_attribute,
                host,
            },
            domain_at,
        );
    }
    let domain = if host_only {
        host.to_owned()
    } else {
        domain_attribute
    };
    // 11. The last Path attribute, else the default path of the URL.
    let path_at = p.last_of(Slot::Path);
    let path = match path_at.map(|i| &p.attributes[i].kind) {
        Some(Kind::Path { path, .. }) => path.clone(),
        _ => default_path(url.path()).to_owned(),
    };
    // 12 and 13. Secure, and only from a secure origin.
    let secure_at = p.last_of(Slot::Secure);
    let secure = secure_at.is_some();
    if secure && !url.is_secure_origin() {
        return reject(
            Rejection::SecureFromInsecureOrigin {
                url: url.to_string(),
            },
            secure_at,
        );
    }
    // 14. HttpOnly. (15, 16: non-HTTP APIs and the cookie store; not modelled.)
    let http_only = p.last_of(Slot::HttpOnly).is_some();
    // 17. SameSite. (18: we assume a same-site, top-level response.)
    let same_site_at = p.last_of(Slot::SameSite);
    let same_site = match same_site_at.map(|i| &p.attributes[i].kind) {
        Some(Kind::SameSite(flag)) => *flag,
        _ => SameSiteFlag::Default,
    };
    // 19. SameSite=None must be Secure.
    if same_site == SameSiteFlag::None && !secure {
        return reject(Rejection::SameSiteNoneWithoutSecure, same_site_at);
    }
    // CHIPS: Partitioned must be Secure.
    let partitioned_at = p.last_of(Slot::Partitioned);
    if partitioned_at.is_some() && !secure {
        return reject(Rejection::PartitionedWithoutSecure, partitioned_at);
    }
    // 20. __Secure- promises Secure.
    if starts_with_ignore_case(p.name, "__Secure-") && !secure {
        return reject(Rejection::SecurePrefixWithoutSecure, None);
    }
    // 21. __Host- promises Secure, host-only, and an explicit Path=/.
    if starts_with_ignore_case(p.name, "__Host-") {
        if !secure {
            return reject(Rejection::HostPrefixWithoutSecure, None);
        }
        if !host_only {
            let domain = domain.clone();
            return reject(Rejection::HostPrefixWithDomain { domain }, domain_at);
        }
        if path_at.is_none() || path != "/" {
            return reject(Rejection::HostPrefixWithoutRootPath, path_at);
        }
    }
    // 22. A nameless cookie must not look like a prefixed one on the wire.
    if p.name.is_empty()
        && (starts_with_ignore_case(p.value, "__Secure-")
            || starts_with_ignore_case(p.value, "__Host-"))
    {
        return reject(Rejection::NamelessWithPrefix, None);
    }

    let cookie = StoredCookie {
        name: p.name.to_owned(),
        value: p.value.to_owned(),
        domain,
        host_only,
        path,
        secure,
        http_only,
        same_site,
        partitioned: partitioned_at.is_some(),
        expires: expiry.map(system_time),
    };
    Ok(Stored {
        cookie,
        expiry,
        domain_was_suffix,
    })
}

/// Our stand-in for the Public Suffix List: a non-empty name with no dot,
/// like `com` or `localhost`, is a top-level label nobody may scope to.
/// (An IP address has dots, so it is never caught here.)
fn is_obvious_public_suffix(domain: &str) -> bool {
    !domain.is_empty() && !domain.contains('.') && !is_ip_address(domain)
}

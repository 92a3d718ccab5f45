//! The storage model: what a browser keeps from a parsed line (RFC 6265bis §5.7).
//!
//! The steps are numbered as in the RFC, so this file can be read side by
//! side with it. Each "abort these steps and ignore the cookie entirely"
//! becomes a [`Rejection`], together with the part of the line to blame.

use super::parse::{Kind, Parsed, Slot};
use super::{Rejection, RequestUrl, SameSiteFlag, StoredCookie};
use crate::cookie::cookie_date::system_time;
use crate::cookie::matching::{domain_match, is_ip_address};
use crate::cookie::psl::{PublicSuffixList, SuffixRule};
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

/// The storage model, RFC 6265bis §5.7, steps numbered as there, with the
/// Public Suffix List `psl` for step 9.
pub(super) fn store(
    p: &Parsed,
    url: &RequestUrl,
    psl: &PublicSuffixList,
) -> Result<Stored, Blamed> {
    let reject = |rejection, part| Err(Blamed { rejection, part });
    let host = url.host();

    // 2. A cookie needs a name or a value.
    if p.name.is_empty() && p.value.is_empty() {
        return reject(Rejection::NoNameNoValue, None);
    }
    // Chromium (observed in Chromium 156, e.g. `Set-Cookie: =a=bar`): a
    // nameless cookie whose value holds '=' is refused, because it would be
    // sent back as `a=bar`, indistinguishable from a cookie named `a`. The
    // Cookie Store API refuses the same thing for the same reason.
    if p.name.is_empty() && p.value.contains('=') {
        return reject(Rejection::NamelessWithEquals, None);
    }
    // (3 and 4, control characters and the 4096-byte limit, were already
    // checked by `check`, as §5.6 steps 1 and 5.)
    // 6. Max-Age wins over Expires; without either it is a session cookie.
    let expiry = p.expiry().map(|e| e.at);
    // 7. The last Domain attribute, if any. An empty one (`Domain=`) counts
    // and means "host-only", as in Chromium: `Domain=x.org; Domain=` is a
    // host-only cookie.
    let domain_at = p.last_of(Slot::Domain);
    let domain_attribute = match domain_at.map(|i| &p.attributes[i].kind) {
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
    // 9 and 10. Not a public suffix, and the host is the Domain or below it.
    let (domain, host_only, domain_was_suffix) = match domain_scope(host, &domain_attribute, psl) {
        Ok(scope) => scope,
        Err(rejection) => return reject(rejection, domain_at),
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

/// Steps 9 and 10 as Chromium does them (`GetCookieDomainWithString`):
/// the host and the Domain must have the same registrable domain (eTLD+1,
/// from the Public Suffix List), and the host must domain-match the Domain.
/// Returns the cookie's domain, its host-only flag, and whether a Domain
/// equal to a public-suffix host was turned into host-only (step 9).
fn domain_scope(
    host: &str,
    domain: &str,
    psl: &PublicSuffixList,
) -> Result<(String, bool, bool), Rejection> {
    // No (or an empty) Domain: host-only. An IP address may name itself.
    if domain.is_empty() || (is_ip_address(host) && domain == host) {
        return Ok((host.to_owned(), true, false));
    }
    let mismatch = || Rejection::DomainMismatch {
        domain: domain.to_owned(),
        host: host.to_owned(),
    };
    let suffix = |rule: SuffixRule| Rejection::DomainIsPublicSuffix {
        domain: domain.to_owned(),
        rule: format!("{rule} of {}", psl.source()),
    };
    // A fully qualified host and Domain (`example.org.`) compare without
    // their final dots; one with and one without do not match at all.
    let (h, d) = match (host.strip_suffix('.'), domain.strip_suffix('.')) {
        (Some(h), Some(d)) => (h, d),
        _ => (host, domain),
    };
    let Some(site) = psl.registrable_domain(h) else {
        // The host is itself a public suffix (or an IP address): step 9
        // lets it name itself, and the cookie is host-only.
        if d == h {
            return Ok((host.to_owned(), true, true));
        }
        return Err(match psl.suffix_rule(d) {
            Some(rule) => suffix(rule),
            None => mismatch(),
        });
    };
    if psl.registrable_domain(d) != Some(site) {
        return Err(match psl.suffix_rule(d) {
            Some(rule) => suffix(rule),
            None => mismatch(),
        });
    }
    if !domain_match(h, d) {
        return Err(mismatch());
    }
    Ok((domain.to_owned(), false, false))
}

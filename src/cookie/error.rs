//! Why a `Set-Cookie` line was refused by the builder.
//!
//! One variant per way a cookie can be wrong. Each carries what was found so
//! the cookie lab can show it, and its `Display` sentence names the rule,
//! shows the offending part and gives an example that works (the style of
//! cookie-rs's parse errors). Values are shown escaped and shortened, so a
//! message stays one line even for a 4 KB value full of control characters.

use std::fmt;

use super::Excerpt;

/// How much of an offending name, value or attribute a message quotes.
const SHOWN: usize = 60;

/// A cookie the builder will not serialise, because a browser would drop
/// it, misread it, or because it would let data escape into the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CookieError {
    /// The name is empty (RFC 6265 §4.1.1: `cookie-name = token`, and a
    /// token has at least one character).
    NameEmpty,
    /// The name has a character that is not a token character (RFC 9110
    /// §5.6.2), such as a space, `=`, `;`, `"` or a non-ASCII letter.
    NameNotToken { name: String, found: char },
    /// The value has a character outside `cookie-octet` (RFC 6265 §4.1.1),
    /// or a `"` that is not one of a single wrapping pair.
    ValueNotCookieOctet { value: String, found: char },
    /// Name plus value is longer than browsers accept (RFC 6265bis §5.6
    /// step 5: 4096 bytes).
    TooLong { len: usize },
    /// An attribute value is longer than browsers accept (RFC 6265bis §5.6
    /// step 6: 1024 bytes); they would silently ignore the attribute.
    AttributeTooLong { attribute: &'static str, len: usize },
    /// `Expires` falls outside the years a cookie date can express
    /// (RFC 6265 §5.1.1: 1601 to 9999).
    ExpiresOutOfRange { year: i64 },
    /// `Domain` was set to the empty string.
    DomainEmpty,
    /// `Domain` has a character that cannot appear in a host name
    /// (RFC 6265 §4.1.2.3, RFC 1034 §3.5): only letters, digits, `-`, `.`.
    DomainInvalid { domain: String, found: char },
    /// `Domain` ends in an all-digit label, so browsers read it as an IPv4
    /// address, and it is not one (`0.0.1`, `1.2.3.4.5`): no page can have
    /// that host, so no browser would ever store the cookie.
    DomainNotAnAddress { domain: String },
    /// `Path` has a `;`, a control character or non-ASCII text
    /// (RFC 6265 §4.1.1: `path-value = <any CHAR except CTLs or ";">`).
    PathInvalid { path: String, found: char },
    /// `Path` does not start with `/`; browsers would replace it with the
    /// default path (RFC 6265 §5.2.4).
    PathNotAbsolute { path: String },
    /// `Path` ends in a space, which browsers trim (RFC 6265bis §5.6), so
    /// the cookie would get another path than the one written.
    PathTrailingSpace { path: String },
    /// `SameSite=None` without `Secure` (RFC 6265bis §5.7 step 19).
    SameSiteNoneWithoutSecure,
    /// `Partitioned` without `Secure` (CHIPS, draft-cutler-httpbis-partitioned-cookies).
    PartitionedWithoutSecure,
    /// A `__Secure-` name without `Secure` (RFC 6265bis §4.1.3.1).
    SecurePrefixWithoutSecure { name: String },
    /// A `__Host-` name without `Secure` (RFC 6265bis §4.1.3.2).
    HostPrefixWithoutSecure { name: String },
    /// A `__Host-` name with a `Domain` (RFC 6265bis §4.1.3.2).
    HostPrefixWithDomain { name: String, domain: String },
    /// A `__Host-` name without `Path=/` (RFC 6265bis §4.1.3.2).
    HostPrefixPathNotRoot { name: String, path: Option<String> },
}

impl fmt::Display for CookieError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CookieError::NameEmpty => write!(
                f,
                "the cookie name is empty; every cookie needs a name before the '=', \
                 e.g. fav_color=blue (RFC 6265 §4.1.1)"
            ),
            CookieError::NameNotToken { name, found } => write!(
                f,
                "the cookie name {} contains {:?}, which a name may not have; a name is a token \
                 of letters, digits and !#$%&'*+-.^_`|~ (RFC 6265 §4.1.1, RFC 9110 §5.6.2), \
                 e.g. fav_color",
                Excerpt(name, SHOWN),
                found,
            ),
            CookieError::ValueNotCookieOctet { value, found } => write!(
                f,
                "the cookie value {} contains {:?}; a value may only use visible ASCII except \
                 space, '\"', ',', ';' and '\\' (RFC 6265 §4.1.1 cookie-octet), with at most one \
                 pair of '\"' around it; encode other text first, e.g. \
                 percent_encode_value(\"a b;c\") gives \"a%20b%3Bc\"",
                Excerpt(value, SHOWN),
                found,
            ),
            CookieError::TooLong { len } => write!(
                f,
                "the cookie's name and value together are {len} bytes; browsers ignore a cookie \
                 whose name plus value is over 4096 bytes (RFC 6265bis §5.6), so keep the data \
                 on the server and put only an id in the cookie, e.g. sid=31d4d96e407aad42"
            ),
            CookieError::AttributeTooLong { attribute, len } => write!(
                f,
                "the {attribute} attribute is {len} bytes long; browsers ignore any attribute \
                 value over 1024 bytes (RFC 6265bis §5.6), e.g. use Path=/ instead"
            ),
            CookieError::ExpiresOutOfRange { year } => write!(
                f,
                "Expires falls in the year {year}, but a cookie date must be between 1601 and \
                 9999 (RFC 6265 §5.1.1); browsers keep a cookie for at most 400 days anyway, \
                 e.g. max_age(30 * 24 * 60 * 60) for thirty days"
            ),
            CookieError::DomainEmpty => write!(
                f,
                "the Domain attribute is empty; leave Domain out for a cookie that only this \
                 host receives, or name a host, e.g. Domain=example.com"
            ),
            CookieError::DomainInvalid { domain, found } => write!(
                f,
                "the Domain {} contains {:?}; a Domain is a host name of letters, digits, '-' and \
                 '.' (RFC 6265 §4.1.2.3), e.g. Domain=example.com; anything else could smuggle \
                 extra attributes or header lines into the Set-Cookie line",
                Excerpt(domain, SHOWN),
                found,
            ),
            CookieError::DomainNotAnAddress { domain } => write!(
                f,
                "the Domain {} ends in a number, so browsers read it as an IP address, and it is \
                 not one; no page has that host, so the cookie would never be stored; write a \
                 whole address, e.g. Domain=127.0.0.1, or a host name, e.g. Domain=example.com \
                 (RFC 6265 §4.1.2.3)",
                Excerpt(domain, SHOWN),
            ),
            CookieError::PathInvalid { path, found } => write!(
                f,
                "the Path {} contains {:?}; a Path may use visible ASCII and spaces but no ';' or \
                 control characters (RFC 6265 §4.1.1 path-value), e.g. Path=/lessons; a ';' \
                 would smuggle extra attributes into the Set-Cookie line",
                Excerpt(path, SHOWN),
                found,
            ),
            CookieError::PathTrailingSpace { path } => write!(
                f,
                "the Path {} ends in a space, and browsers trim spaces around attribute values \
                 (RFC 6265bis §5.6), so the cookie would get the path {} instead; remove the \
                 space, e.g. Path=/lessons",
                Excerpt(path, SHOWN),
                Excerpt(path.trim_end(), SHOWN),
            ),
            CookieError::PathNotAbsolute { path } => write!(
                f,
                "the Path {} does not start with '/', so browsers would ignore it and use the \
                 default path instead (RFC 6265 §5.2.4); write it from the root, e.g. Path=/lessons",
                Excerpt(path, SHOWN),
            ),
            CookieError::SameSiteNoneWithoutSecure => write!(
                f,
                "SameSite=None needs Secure: browsers reject a cookie that may travel cross-site \
                 over plain HTTP (RFC 6265bis §5.7 step 19); add .secure(true), or use \
                 SameSite=Lax"
            ),
            CookieError::PartitionedWithoutSecure => write!(
                f,
                "Partitioned needs Secure: browsers reject a partitioned cookie without it \
                 (CHIPS); add .secure(true)"
            ),
            CookieError::SecurePrefixWithoutSecure { name } => write!(
                f,
                "the name {} starts with __Secure-, which promises the Secure attribute \
                 (RFC 6265bis §4.1.3.1), and browsers reject it without one; add .secure(true) \
                 or rename the cookie",
                Excerpt(name, SHOWN),
            ),
            CookieError::HostPrefixWithoutSecure { name } => write!(
                f,
                "the name {} starts with __Host-, which promises Secure, Path=/ and no Domain \
                 (RFC 6265bis §4.1.3.2), but Secure is missing; add .secure(true)",
                Excerpt(name, SHOWN),
            ),
            CookieError::HostPrefixWithDomain { name, domain } => write!(
                f,
                "the name {} starts with __Host-, which promises Secure, Path=/ and no Domain \
                 (RFC 6265bis §4.1.3.2), but Domain={} is set; remove the Domain so the cookie \
                 stays on this host",
                Excerpt(name, SHOWN),
                Excerpt(domain, SHOWN),
            ),
            CookieError::HostPrefixPathNotRoot { name, path } => {
                write!(
                    f,
                    "the name {} starts with __Host-, which promises Secure, Path=/ and no \
                     Domain (RFC 6265bis §4.1.3.2), but ",
                    Excerpt(name, SHOWN),
                )?;
                match path {
                    Some(p) => write!(f, "the Path is {}", Excerpt(p, SHOWN))?,
                    None => write!(f, "there is no Path")?,
                }
                write!(f, "; add .path(\"/\")")
            }
        }
    }
}

impl std::error::Error for CookieError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_quote_the_offender_escaped_and_short() {
        let err = CookieError::ValueNotCookieOctet {
            value: format!("x\r\nSet-Cookie: admin=1{}", "a".repeat(5000)),
            found: '\r',
        };
        let msg = err.to_string();
        assert!(msg.contains("\"x\\r\\nSet-Cookie: admin=1"), "{msg}");
        assert!(msg.contains("'\\r'"), "{msg}");
        assert!(!msg.contains('\n') && !msg.contains('\r'), "{msg}");
        assert!(msg.len() < 600, "message is {} bytes", msg.len());
    }

    #[test]
    fn every_message_cites_a_rule_and_shows_what_works() {
        let all = [
            CookieError::NameEmpty,
            CookieError::NameNotToken {
                name: "a b".into(),
                found: ' ',
            },
            CookieError::ValueNotCookieOctet {
                value: "a;b".into(),
                found: ';',
            },
            CookieError::TooLong { len: 5000 },
            CookieError::AttributeTooLong {
                attribute: "Path",
                len: 2000,
            },
            CookieError::ExpiresOutOfRange { year: 10_000 },
            CookieError::DomainEmpty,
            CookieError::DomainInvalid {
                domain: "a;b".into(),
                found: ';',
            },
            CookieError::DomainNotAnAddress {
                domain: "0.0.1".into(),
            },
            CookieError::PathInvalid {
                path: "/a;b".into(),
                found: ';',
            },
            CookieError::PathNotAbsolute { path: "a".into() },
            CookieError::PathTrailingSpace { path: "/a ".into() },
            CookieError::SameSiteNoneWithoutSecure,
            CookieError::PartitionedWithoutSecure,
            CookieError::SecurePrefixWithoutSecure {
                name: "__Secure-a".into(),
            },
            CookieError::HostPrefixWithoutSecure {
                name: "__Host-a".into(),
            },
            CookieError::HostPrefixWithDomain {
                name: "__Host-a".into(),
                domain: "example.com".into(),
            },
            CookieError::HostPrefixPathNotRoot {
                name: "__Host-a".into(),
                path: None,
            },
        ];
        for err in all {
            let msg = err.to_string();
            assert!(
                msg.contains("RFC") || msg.contains("CHIPS") || msg.contains("e.g."),
                "{err:?}: {msg}"
            );
            assert!(
                msg.contains("e.g.") || msg.contains("add ") || msg.contains("remove"),
                "{err:?} gives no way out: {msg}"
            );
        }
    }
}

//! Cookies: the one piece of state a browser volunteers on every request.
//!
//! # Theory of operation
//!
//! HTTP forgets. A cookie is the server's way of handing the browser a note
//! and asking for it back: the response carries `Set-Cookie: fav_color=blue`,
//! the browser files the note away, and every later request to the same site
//! carries `Cookie: fav_color=blue`. Everything in this module is about those
//! two header fields, defined by RFC 6265 and refined by RFC 6265bis (the
//! revision browsers actually ship).
//!
//! The module has four jobs, one file (or folder) each, plus the small
//! algorithms they share:
//!
//! | file | job | spec |
//! | --- | --- | --- |
//! | `header.rs` | read the `Cookie` request header into name/value pairs | RFC 6265 §4.2, §5.4 |
//! | `set_cookie.rs` | build a `Set-Cookie` line, refusing lines a browser would drop or misread | RFC 6265 §4.1, 6265bis §4.1.3 |
//! | `check.rs` | explain what a browser does with a `Set-Cookie` line ("why doesn't my cookie stick?") | RFC 6265 §5.2–5.3, 6265bis §5.6–5.7 |
//! | `encoding.rs` | percent-encode a value so that any text fits in a cookie | RFC 6265 §4.1.1 |
//! | `cookie_date.rs` | the forgiving date parser browsers use for `Expires` | RFC 6265 §5.1.1 |
//! | `matching.rs` | domain-match, default-path, path-match | RFC 6265 §5.1.3–5.1.4 |
//! | `psl.rs` | the Public Suffix List, parsed from text: which names are registries (`co.uk`) | publicsuffix.org |
//! | `jar/` | a browser's whole jar: what is stored, what each request carries, and why | 6265bis §5.7–5.8 |
//!
//! There are two rulebooks, and the difference between them is the lesson.
//! A *server* should send only what the strict grammar of RFC 6265 §4.1
//! allows, so the builder refuses anything else. A *browser* must accept
//! almost anything (§5.2: trim the spaces, split at the first `;` and the
//! first `=`, ignore what it does not understand), so the checker never
//! refuses to read a line; it explains what survived.
//!
//! What this module refuses to know about: sockets and files (it sees
//! strings; the Public Suffix List arrives as text, read by `cli/` or
//! `app/`), and IDNA (internationalised host names must arrive already in
//! `xn--` form).
//!
//! Section numbers for RFC 6265bis follow draft-ietf-httpbis-rfc6265bis-15
//! and later: §5.6 parses a `Set-Cookie` line, §5.7 is the storage model,
//! §5.5 holds the 400-day limit.
//!
//! # Facts
//!
//! - A cookie is a name and a value. The value is an opaque string: HTTP
//!   gives it no meaning, no type and no encoding. `blue`, `42` and
//!   `eyJhIjoxfQ.Zx3.sig` are all just bytes to the browser.
//! - The browser sends cookies back in *one* `Cookie` header:
//!   `Cookie: name=value; name2=value2` (RFC 6265 §4.2.1: pairs separated
//!   by `;` and a space). HTTP/2 may split it into several `Cookie` fields
//!   (RFC 9113 §8.2.3); a server joins them back with `; `.
//! - Every `Set-Cookie` is its own header line. They can never be folded into
//!   one comma-separated line the way other repeated headers can (RFC 9110
//!   §5.3), because `Expires=Wed, 09 Jun 2021 10:18:14 GMT` contains a comma.
//! - The browser never sends attributes back. `Path`, `Domain`, `Expires`,
//!   `Secure`, `HttpOnly`, `SameSite` decide *whether* a cookie is sent, but
//!   the server only ever sees `name=value`. It cannot ask how long a cookie
//!   has left or who set it.
//! - Two cookies may share a name when their Path or Domain differ, and then
//!   both are sent: `Cookie: id=new; id=old`. RFC 6265 §5.4 step 2 puts the
//!   longer (more specific) path first, ties broken by age, but RFC 6265
//!   §4.2.2 tells servers not to rely on the order.
//! - A cookie is replaced by a later `Set-Cookie` with the same name, domain
//!   and path. That is also how a server deletes one: it sends the same
//!   name, domain and path with an expiry in the past.
//! - Cookie names are case-sensitive: `ID` and `id` are different cookies.
//!   Attribute names are not: `path=/` and `Path=/` mean the same thing.
//! - Without `Expires` or `Max-Age` a cookie is a *session* cookie: the
//!   browser drops it when the session ends (though "continue where you left
//!   off" features may keep the session alive for weeks).
//! - A browser caps every cookie's lifetime at 400 days (6265bis §5.5), and
//!   ignores a cookie whose name plus value exceeds 4096 bytes, or any
//!   attribute value over 1024 bytes (6265bis §5.6).
//! - Cookies ignore ports: `localhost:5000` and `localhost:8000` share them.
//!
//! # Examples
//!
//! ```
//! use goldfish::cookie::{RequestCookies, SameSite, SetCookie};
//!
//! // The response sets a cookie…
//! let line = SetCookie::new("fav_color", "blue")
//!     .path("/")
//!     .http_only(true)
//!     .same_site(SameSite::Lax)
//!     .to_header_value()
//!     .expect("a valid cookie");
//! assert_eq!(line, "fav_color=blue; Path=/; HttpOnly; SameSite=Lax");
//!
//! // …and the next request brings back only the name and value.
//! let jar = RequestCookies::parse(["fav_color=blue"]);
//! assert_eq!(jar.get("fav_color"), Some("blue"));
//! ```

mod check;
mod cookie_date;
mod encoding;
mod error;
mod header;
pub mod jar;
mod matching;
mod psl;
mod set_cookie;

pub use check::{
    DevtoolsReason, Note, Outcome, Rejection, Report, RequestUrl, RequestUrlError, SameSiteFlag,
    Scheme, StoredCookie, Verdict, check, check_with_psl,
};
pub use cookie_date::parse_cookie_date;
pub use encoding::{percent_decode_value, percent_encode_value};
pub use error::CookieError;
pub use header::RequestCookies;
pub use matching::{default_path, domain_match, path_match};
pub use psl::{PublicSuffixList, SYSTEM_PSL_PATH, SuffixRule};
pub use set_cookie::{SameSite, SetCookie};

/// Browsers ignore a cookie whose name plus value is longer than this many
/// bytes (RFC 6265bis §5.6 step 5). Both the builder and the checker use it.
pub const MAX_NAME_VALUE: usize = 4096;

/// Browsers ignore an attribute whose value is longer than this many bytes
/// (RFC 6265bis §5.6, step 6 of the attribute loop).
pub const MAX_ATTRIBUTE_VALUE: usize = 1024;

/// `tchar` (RFC 9110 §5.6.2), which is what a cookie name must be: RFC 6265
/// §4.1.1 `cookie-name = token`.
use crate::abnf::is_tchar_char as is_tchar;

/// `cookie-octet` — RFC 6265 §4.1.1: the characters a cookie value may use.
///
/// ```text
/// cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
///                ; US-ASCII characters excluding CTLs,
///                ; whitespace DQUOTE, comma, semicolon,
///                ; and backslash
/// ```
///
/// Why these five are missing: `;` ends the pair, `,` was a list separator
/// in the 1990s, space and `"` and `\` were the quoting machinery of the
/// older RFC 2109/2965 cookies. A server that avoids them is read the same
/// way by every browser and every server library.
fn is_cookie_octet(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
}

/// The control characters RFC 6265bis §5.6 step 1 rejects: `%x00-08 /
/// %x0A-1F / %x7F`, that is every CTL except the horizontal tab (which is
/// whitespace and gets trimmed instead).
fn is_ctl_except_htab(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{a}'..='\u{1f}' | '\u{7f}')
}

/// Removes leading and trailing `WSP` (space and horizontal tab, RFC 5234
/// Appendix B.1). Not `str::trim`: that would also eat newlines and Unicode
/// spaces, which cookies treat as ordinary characters.
fn trim_wsp(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// Does `s` start with `prefix`, ignoring ASCII case? Used for the
/// `__Secure-` and `__Host-` prefixes, which RFC 6265bis §5.7 steps 20–22
/// match case-insensitively so that `__HOST-` cannot sneak past the rules.
fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

pub(crate) use crate::text::{Clip, Excerpt, Printable};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_octet_is_exactly_the_rfc_6265_set() {
        let allowed: String = (0u8..=255)
            .filter(|b| is_cookie_octet(*b))
            .map(char::from)
            .collect();
        let want: String = (0x21u8..=0x7E)
            .filter(|b| !b" \",;\\".contains(b))
            .map(char::from)
            .collect();
        assert_eq!(allowed, want);
    }

    #[test]
    fn helpers_never_split_a_character() {
        assert!(!starts_with_ignore_case("é", "__Host-"));
        assert!(starts_with_ignore_case("__HOST-x", "__Host-"));
    }
}

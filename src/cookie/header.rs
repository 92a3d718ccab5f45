//! Reading the `Cookie` request header: `name=value; name2=value2`.
//!
//! ```text
//! cookie-header = "Cookie:" OWS cookie-string OWS
//! cookie-string = cookie-pair *( ";" SP cookie-pair )
//! cookie-pair   = cookie-name "=" cookie-value
//! ```
//! — RFC 6265 §4.2.1. That is what a browser sends (§5.4 step 4: "output the
//! cookie's name, the %x3D ("=") character, and the cookie's value", joined
//! by "; "). A server must still be lenient: curl users, old clients,
//! proxies and JavaScript put odd things in this header, and one odd pair
//! must not cost the user every other cookie. So this reader never fails. It
//! keeps what looks like a pair and skips the rest, as Go's `readCookies`,
//! Python's `http.cookies` and h11's "allow some garbage in cookies" do.

use std::ops::Deref;

use super::trim_wsp;
use crate::http::url::Pairs;

/// The cookies of one request, in the order the client sent them.
///
/// Invariants: every name is non-empty and has no leading or trailing space
/// or tab; values are exactly as sent, minus surrounding whitespace and one
/// pair of wrapping double quotes. Nothing is percent-decoded: a value is
/// opaque, and decoding it is the application's choice (see
/// [`percent_decode_value`](super::percent_decode_value)).
///
/// Looking a cookie up by name is case-sensitive, since cookie names are.
/// When paths differ, browsers send the most specific path first (RFC 6265
/// §5.4 step 2), so the first value is usually the one you mean. More than
/// one value under a name (`get_all`) means the browser holds several
/// cookies with that name, set with different Path or Domain attributes;
/// the header cannot say which is which.
///
/// # Examples
///
/// ```
/// use goldfish::cookie::RequestCookies;
///
/// let jar = RequestCookies::parse(["fav_color=blue; id=7; id=8"]);
/// assert_eq!(jar.get("fav_color"), Some("blue"));
/// assert_eq!(jar.get("id"), Some("7"));
/// assert_eq!(jar.get_all("id").collect::<Vec<_>>(), ["7", "8"]);
/// assert_eq!(jar.get("missing"), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestCookies {
    pairs: Pairs,
}

impl RequestCookies {
    /// Parses the values of every `Cookie` header line of a request.
    ///
    /// Pass each line's value (without `Cookie:`). Several lines are joined,
    /// in order: an HTTP/1.1 browser sends one, but HTTP/2 lets a client
    /// split the header into "crumbs" (RFC 9113 §8.2.3) and a gateway may
    /// forward them as separate lines.
    ///
    /// The rules, each one a leniency a browser or a big server also has:
    /// 1. Split on `;`. (Not on `,`: RFC 2965's comma separator is dead, and
    ///    commas do occur inside real-world values.)
    /// 2. Split each piece at its *first* `=`; the value may contain more.
    ///    A piece without `=` is skipped (RFC 6265bis would call it a
    ///    nameless cookie, but a server cannot look it up by name).
    /// 3. Trim spaces and tabs around the name and the value.
    /// 4. Skip a pair whose name is empty (`=value`); keep an empty value
    ///    (`name=`), which is how a cleared cookie looks.
    /// 5. If the value is wrapped in one pair of `"`, unwrap it: the
    ///    grammar's `cookie-value = *cookie-octet / ( DQUOTE *cookie-octet
    ///    DQUOTE )` (RFC 6265 §4.1.1) treats them as wrapping, as Go and
    ///    Python do. A lone or unbalanced quote stays part of the value.
    /// 6. Keep everything else byte for byte: non-ASCII text, backslashes,
    ///    `%41`. Junk in one value never affects its neighbours.
    ///
    /// How bytes became a `&str` is the caller's business (the HTTP layer
    /// decides what to do with non-UTF-8 header bytes).
    pub fn parse<'a>(lines: impl IntoIterator<Item = &'a str>) -> RequestCookies {
        let mut pairs = Vec::new();
        for line in lines {
            for piece in line.split(';') {
                let Some((name, value)) = piece.split_once('=') else {
                    continue; // rule 2: no `=`, no pair
                };
                let name = trim_wsp(name);
                if name.is_empty() {
                    continue; // rule 4
                }
                let value = unquote(trim_wsp(value));
                pairs.push((name.to_owned(), value.to_owned()));
            }
        }
        RequestCookies {
            pairs: Pairs::new(pairs),
        }
    }
}

/// The lookups: [`get`](Pairs::get), [`get_all`](Pairs::get_all),
/// [`iter`](Pairs::iter), [`len`](Pairs::len) (duplicates count
/// separately), [`is_empty`](Pairs::is_empty) (no usable cookie at all).
impl Deref for RequestCookies {
    type Target = Pairs;

    fn deref(&self) -> &Pairs {
        &self.pairs
    }
}

/// Strips one pair of wrapping double quotes: `"blue"` → `blue`. Slicing is
/// safe because `"` is a one-byte character.
fn unquote(value: &str) -> &str {
    if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        &value[1..value.len() - 1]
    } else {
        value
    }
}

#[cfg(test)]
mod tests;

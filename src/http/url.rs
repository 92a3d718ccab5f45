//! Percent-encoding, query strings and form bodies.
//!
//! Facts:
//! - A URL can only carry a limited set of ASCII characters, so everything
//!   else travels as `%XX`, the byte's value in hex (RFC 3986 §2.1). Text is
//!   first turned into UTF-8 bytes, so `é` is `%C3%A9`.
//! - HTML forms use one more rule, `application/x-www-form-urlencoded`
//!   (WHATWG URL §5): a space may be written `+`, and pairs are `name=value`
//!   joined by `&`. Browsers use it for the query of a GET form and for the
//!   body of a POST form, so both are decoded here with the same function.
//! - In a *path*, `+` is just a plus. That is why [`percent_decode`] (paths)
//!   and [`parse_form`] (queries, forms) are different functions.
//! - goldfish refuses a `%` not followed by two hex digits, and bytes that are
//!   not UTF-8 after decoding, instead of guessing (the WHATWG parser keeps
//!   the `%` and inserts U+FFFD): a learner should see their mistake.

use std::fmt;

use crate::abnf::hex_value;

/// What can be wrong with encoded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlError {
    /// A `%` not followed by two hexadecimal digits.
    BadEscape { input: String, at: usize },
    /// The decoded bytes are not valid UTF-8.
    NotUtf8 { input: String },
    /// A form was expected but the Content-Type says otherwise.
    NotAForm { content_type: String },
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::BadEscape { input, at } => write!(
                f,
                "{input:?} has a '%' at byte {at} that is not followed by two hex digits; \
                 write a literal % as %25, e.g. 100%25"
            ),
            UrlError::NotUtf8 { input } => write!(
                f,
                "{input:?} decodes to bytes that are not UTF-8 text; \
                 percent-encode the UTF-8 bytes of each character, e.g. é is %C3%A9"
            ),
            UrlError::NotAForm { content_type } => write!(
                f,
                "expected a form body (Content-Type: application/x-www-form-urlencoded), \
                 got Content-Type {content_type:?}"
            ),
        }
    }
}

impl std::error::Error for UrlError {}

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`).
fn decode(input: &[u8], plus_is_space: bool) -> Result<String, UrlError> {
    let show = || String::from_utf8_lossy(input).into_owned();
    // Fast path: nothing to decode.
    if !input
        .iter()
        .any(|&b| b == b'%' || (plus_is_space && b == b'+'))
    {
        return String::from_utf8(input.to_vec()).map_err(|_| UrlError::NotUtf8 { input: show() });
    }
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'%' => {
                let hi = input.get(i + 1).copied().and_then(hex_value);
                let lo = input.get(i + 2).copied().and_then(hex_value);
                match (hi, lo) {
                    (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                    _ => {
                        return Err(UrlError::BadEscape {
                            input: show(),
                            at: i,
                        });
                    }
                }
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| UrlError::NotUtf8 { input: show() })
}

/// Decodes `%XX` escapes in a path segment. `+` stays a plus.
///
/// # Examples
/// ```
/// use goldfish::http::url::percent_decode;
/// assert_eq!(percent_decode("light%20blue").unwrap(), "light blue");
/// assert_eq!(percent_decode("a+b").unwrap(), "a+b");
/// ```
///
/// # Errors
/// A malformed escape, or bytes that are not UTF-8.
pub fn percent_decode(input: &str) -> Result<String, UrlError> {
    decode(input.as_bytes(), false)
}

/// Decodes one form component: `+` is a space, then `%XX` escapes.
///
/// # Errors
/// A malformed escape, or bytes that are not UTF-8.
pub fn form_decode(input: &[u8]) -> Result<String, UrlError> {
    decode(input, true)
}

/// Percent-encodes everything except RFC 3986 `unreserved`
/// (`A-Z a-z 0-9 - . _ ~`), so the result is safe in a path segment and in
/// a query value.
///
/// # Examples
/// ```
/// use goldfish::http::url::percent_encode;
/// assert_eq!(percent_encode("light blue/é"), "light%20blue%2F%C3%A9");
/// ```
#[must_use]
pub fn percent_encode(input: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(input.len());
    for &b in input.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
    out
}

/// `name=value` pairs in the order they came, where a name may repeat:
/// the shape of a query string, a form body (`?a=1&a=2`, checkboxes) and a
/// `Cookie` header alike. [`Pairs::get`] returns the first value of a
/// name, [`Pairs::get_all`] all of them. A [`Query`] is one, and
/// [`RequestCookies`](crate::cookie::RequestCookies) derefs to one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pairs {
    pairs: Vec<(String, String)>,
}

impl Pairs {
    /// The pairs, in the order given.
    #[must_use]
    pub fn new(pairs: Vec<(String, String)>) -> Pairs {
        Pairs { pairs }
    }

    /// The first value for `name` (compared byte for byte: query names and
    /// cookie names are case-sensitive).
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value for `name`, in order.
    pub fn get_all<'s>(&'s self, name: &str) -> impl Iterator<Item = &'s str> {
        self.pairs
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every `(name, value)` pair, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// How many pairs there are (a repeated name counts each time).
    #[must_use]
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are no pairs.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// Decoded `name=value` pairs from a query string or form body, in order
/// (see [`Pairs`]).
pub type Query = Pairs;

/// Parses `a=1&b=two+words&c` (a query string or a form body).
///
/// Empty pieces (`a=1&&b=2`) are skipped; a piece without `=` is a name with
/// an empty value, as browsers and Flask read it.
///
/// # Examples
/// ```
/// use goldfish::http::url::parse_form;
/// let q = parse_form(b"fav-color=light+blue&x=%3Cb%3E").unwrap();
/// assert_eq!(q.get("fav-color"), Some("light blue"));
/// assert_eq!(q.get("x"), Some("<b>"));
/// ```
///
/// # Errors
/// A malformed escape, or bytes that are not UTF-8, in any name or value.
pub fn parse_form(input: &[u8]) -> Result<Query, UrlError> {
    let mut pairs = Vec::new();
    for piece in input.split(|&b| b == b'&') {
        if piece.is_empty() {
            continue;
        }
        let (name, value) = match piece.iter().position(|&b| b == b'=') {
            Some(eq) => (&piece[..eq], &piece[eq + 1..]),
            None => (piece, &b""[..]),
        };
        pairs.push((form_decode(name)?, form_decode(value)?));
    }
    Ok(Pairs::new(pairs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decode_table() {
        let cases: &[(&str, &str, Result<&str, usize>)] = &[
            ("plain text passes through", "blue", Ok("blue")),
            ("space", "light%20blue", Ok("light blue")),
            ("plus stays a plus in paths", "a+b", Ok("a+b")),
            ("lowercase hex", "%c3%a9", Ok("é")),
            ("four-byte UTF-8", "%F0%9F%90%9F", Ok("🐟")),
            (
                "encoded slash decodes (the router checks segments)",
                "a%2Fb",
                Ok("a/b"),
            ),
            ("encoded percent", "100%25", Ok("100%")),
            ("lone percent", "100%", Err(3)),
            ("one hex digit", "%4", Err(0)),
            ("not hex", "%zz", Err(0)),
            ("escape at the end", "ab%2", Err(2)),
            ("empty", "", Ok("")),
        ];
        for (why, input, want) in cases {
            let got = percent_decode(input);
            let got = got.as_deref().map_err(|e| match e {
                UrlError::BadEscape { at, .. } => *at,
                other => panic!("{why}: unexpected {other:?}"),
            });
            assert_eq!(got, *want, "{why}: percent_decode({input:?})");
        }
    }

    #[test]
    fn invalid_utf8_is_an_error() {
        for input in ["%FF", "%C3", "%C3%28", "%ED%A0%80"] {
            assert!(
                matches!(percent_decode(input), Err(UrlError::NotUtf8 { .. })),
                "percent_decode({input:?}) should be NotUtf8"
            );
        }
    }

    #[test]
    fn parse_form_table() {
        type Pairs<'a> = &'a [(&'a str, &'a str)];
        let cases: &[(&str, &str, Pairs)] = &[
            ("one pair", "fav_color=blue", &[("fav_color", "blue")]),
            ("plus is a space", "c=light+blue", &[("c", "light blue")]),
            ("encoded plus is a plus", "n=1%2B1", &[("n", "1+1")]),
            ("two pairs", "a=1&b=2", &[("a", "1"), ("b", "2")]),
            (
                "repeated names keep order",
                "a=1&a=2",
                &[("a", "1"), ("a", "2")],
            ),
            ("no equals sign", "flag", &[("flag", "")]),
            ("empty value", "a=", &[("a", "")]),
            ("empty pieces skipped", "&a=1&&", &[("a", "1")]),
            ("equals in value", "e=a=b", &[("e", "a=b")]),
            ("encoded markup", "x=%3Cscript%3E", &[("x", "<script>")]),
            (
                "encoded CRLF survives decoding (callers must check)",
                "x=a%0D%0Ab",
                &[("x", "a\r\nb")],
            ),
            ("empty input", "", &[]),
        ];
        for (why, input, want) in cases {
            let got = parse_form(input.as_bytes()).unwrap();
            let got: Vec<_> = got.iter().collect();
            assert_eq!(&got, want, "{why}: parse_form({input:?})");
        }
        assert!(parse_form(b"a=%G1").is_err(), "bad escape in a value");
        assert!(parse_form(b"%=1").is_err(), "bad escape in a name");
    }

    #[test]
    fn percent_encode_round_trips() {
        for s in [
            "",
            "blue",
            "light blue",
            "a/b?c=d&e#f",
            "é🐟",
            "100%",
            "<script>",
        ] {
            let enc = percent_encode(s);
            assert!(
                enc.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b))
            );
            assert_eq!(percent_decode(&enc).unwrap(), s);
        }
    }
}

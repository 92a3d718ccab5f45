//! Fitting any text into a cookie value, and getting it back.
//!
//! A cookie value may only use `cookie-octet` (RFC 6265 §4.1.1): visible
//! ASCII minus space, `"`, `,`, `;` and `\`. RFC 6265 deliberately does not
//! say how to carry anything else; it suggests "for example, using Base64"
//! (§4.1.1). goldfish uses percent-encoding (RFC 3986 §2.1) for plain text
//! because a learner can read it in the dev tools: `hello world` becomes
//! `hello%20world`, not `aGVsbG8gd29ybGQ`.
//!
//! Encoding is explicit, never automatic. The builder refuses a value that
//! needs it instead of silently encoding it, because a server that quietly
//! rewrites values reads back something other than what it thinks it set.

use std::fmt::Write;

use super::is_cookie_octet;
use crate::abnf::hex_value;

/// Percent-encodes `s` so that the result is always a valid cookie value.
///
/// Every byte of the UTF-8 text that is not a `cookie-octet`, and `%`
/// itself (so that decoding is unambiguous), becomes `%XX` with uppercase
/// hex digits (RFC 3986 §2.1). Everything else is copied as is, so plain
/// values like `blue` or `a-b.c_1` stay readable.
///
/// # Examples
///
/// ```
/// use goldfish::cookie::{percent_decode_value, percent_encode_value};
///
/// assert_eq!(percent_encode_value("blue"), "blue");
/// assert_eq!(percent_encode_value("a; HttpOnly"), "a%3B%20HttpOnly");
/// assert_eq!(percent_encode_value("Zoë"), "Zo%C3%AB");
/// assert_eq!(percent_decode_value("Zo%C3%AB").as_deref(), Some("Zoë"));
/// ```
#[must_use]
pub fn percent_encode_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if is_cookie_octet(b) && b != b'%' {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Decodes a value made by [`percent_encode_value`]; `None` if it could not
/// have been made by an encoder.
///
/// The inverse is strict, because a value that does not decode cleanly has
/// been tampered with or was never encoded, and guessing hides the bug:
/// - every `%` must start a `%XX` escape with two hex digits (either case,
///   since RFC 3986 §2.1 makes them equivalent, so values encoded by
///   JavaScript's `encodeURIComponent` decode too);
/// - every other character must be a `cookie-octet` (a raw space or `;`
///   can't have come from an encoder, or from a cookie);
/// - the decoded bytes must be UTF-8.
///
/// For every string `s`, `percent_decode_value(&percent_encode_value(s))`
/// is `Some(s)`.
#[must_use]
pub fn percent_decode_value(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hi = hex_value(*bytes.get(i + 1)?)?;
            let lo = hex_value(*bytes.get(i + 2)?)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else if is_cookie_octet(b) {
            out.push(b);
            i += 1;
        } else {
            return None;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_table() {
        let cases: &[(&str, &str, &str)] = &[
            ("plain ASCII is untouched", "blue", "blue"),
            ("empty stays empty", "", ""),
            (
                "all the punctuation cookie-octet allows",
                "!#$&'()*+-./:<=>?@[]^_`{|}~",
                "!#$&'()*+-./:<=>?@[]^_`{|}~",
            ),
            ("space", "a b", "a%20b"),
            (
                "the five forbidden characters",
                " \",;\\",
                "%20%22%2C%3B%5C",
            ),
            ("percent itself", "100%", "100%25"),
            ("CR LF", "\r\n", "%0D%0A"),
            ("DEL", "\u{7f}", "%7F"),
            ("two-byte UTF-8", "é", "%C3%A9"),
            ("four-byte UTF-8", "🐟", "%F0%9F%90%9F"),
            ("attribute injection", "a; HttpOnly", "a%3B%20HttpOnly"),
            (
                "header injection",
                "x\r\nSet-Cookie: admin=1",
                "x%0D%0ASet-Cookie:%20admin=1",
            ),
            ("markup", "<script>", "<script>"),
        ];
        for (why, input, want) in cases {
            let got = percent_encode_value(input);
            assert_eq!(
                &got, want,
                "{why}: percent_encode_value({input:?}) = {got:?}; want {want:?}"
            );
            assert!(got.bytes().all(is_cookie_octet), "{why}: {got:?}");
        }
    }

    #[test]
    fn decode_table() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("plain", "blue", Some("blue")),
            ("empty", "", Some("")),
            ("escaped space", "a%20b", Some("a b")),
            ("lowercase hex is the same octet", "%c3%a9", Some("é")),
            (
                "over-encoded octet (JS encodeURIComponent)",
                "%2F",
                Some("/"),
            ),
            ("percent at the end", "abc%", None),
            ("one hex digit", "%4", None),
            ("not hex", "%G0", None),
            ("a raw space never came from an encoder", "a b", None),
            ("a raw semicolon", "a;b", None),
            ("a raw non-ASCII character", "é", None),
            ("escapes that are not UTF-8", "%FF", None),
            ("a cut UTF-8 sequence", "%C3", None),
            ("percent followed by a multibyte char", "%é", None),
        ];
        for (why, input, want) in cases {
            let got = percent_decode_value(input);
            assert_eq!(
                got.as_deref(),
                *want,
                "{why}: percent_decode_value({input:?}) = {got:?}; want {want:?}"
            );
        }
    }

    #[test]
    fn decode_inverts_encode() {
        let samples = [
            "",
            "blue",
            "100% sure",
            "a; HttpOnly",
            "x\r\nSet-Cookie: admin=1",
            "Zoë 🐟 \"quoted\" \\ back",
            "%41 already looks encoded",
            "\u{0}\u{1f}\u{7f}\u{80}\u{ffff}",
        ];
        for s in samples {
            let enc = percent_encode_value(s);
            assert_eq!(percent_decode_value(&enc).as_deref(), Some(s), "{enc}");
        }
    }
}

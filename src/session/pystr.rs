//! `PyStr`: a Python `str`, which is not quite a Rust `String`.
//!
//! A Rust `String` is a sequence of Unicode *scalar values*: every code
//! point except the 2,048 surrogates U+D800..U+DFFF, which exist only to
//! be paired up in UTF-16. A Python `str` is a sequence of *code points*,
//! surrogates included: `"\ud800"` is a perfectly good Python string of
//! length 1. Flask's JSON writes it as the escape `"\ud800"` and reads it
//! back, so a session can hold one, as a value or as a key.
//!
//! To read every session Flask writes, and write it back unchanged,
//! goldfish keeps strings as Python does. `PyStr` stores them as WTF-8
//! ("wobbly" UTF-8, the encoding Rust's standard library uses for Windows
//! file names): UTF-8, except that a lone surrogate is encoded as if it
//! were a character (`ED A0 80` for U+D800). Facts that follow:
//!
//! - A `PyStr` without lone surrogates is exactly the UTF-8 of a `String`,
//!   so [`PyStr::as_str`] is free to check and most strings never notice.
//! - Comparing the bytes compares the code points, because UTF-8 (and
//!   WTF-8) keep code point order. So a map keyed by `PyStr` is sorted
//!   the way Python's `sort_keys=True` sorts: by code point, surrogates
//!   between U+D7FF and U+E000.
//! - A high surrogate directly followed by a low one is never stored as
//!   two: JSON's `"\ud83d\udc1f"` is the one character 🐟, in Python too.
//! - Shown to a person, a lone surrogate becomes U+FFFD, the replacement
//!   character `�`, as any UTF-8 page would show it.

use std::borrow::{Borrow, Cow};
use std::fmt;

/// A Python `str`: code points, lone surrogates allowed.
///
/// # Examples
/// ```
/// use goldfish::session::PyStr;
/// let plain = PyStr::from("blue");
/// assert_eq!(plain.as_str(), Some("blue"));
///
/// let mut wobbly = PyStr::new();
/// wobbly.push_code_point('a' as u32);
/// wobbly.push_code_point(0xD800); // half of a surrogate pair
/// assert_eq!(wobbly.as_str(), None);
/// assert_eq!(wobbly.to_string(), "a\u{fffd}");
/// assert_eq!(wobbly.code_points().collect::<Vec<_>>(), [0x61, 0xD800]);
/// ```
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PyStr {
    /// WTF-8: UTF-8, plus lone surrogates encoded in three bytes like any
    /// other code point of the Basic Multilingual Plane. Never holds a
    /// high surrogate followed directly by a low one.
    wtf8: Vec<u8>,
}

impl PyStr {
    /// The empty string.
    #[must_use]
    pub fn new() -> PyStr {
        PyStr::default()
    }

    /// The text, if it is valid Unicode (no lone surrogate).
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.wtf8).ok()
    }

    /// The text for a person: each lone surrogate as U+FFFD.
    #[must_use]
    pub fn to_string_lossy(&self) -> Cow<'_, str> {
        match self.as_str() {
            Some(s) => Cow::Borrowed(s),
            None => Cow::Owned(
                self.code_points()
                    .map(|cp| char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER))
                    .collect(),
            ),
        }
    }

    /// Does it hold a lone surrogate?
    #[must_use]
    pub fn has_lone_surrogate(&self) -> bool {
        self.as_str().is_none()
    }

    /// Appends text.
    pub fn push_str(&mut self, s: &str) {
        self.wtf8.extend_from_slice(s.as_bytes());
    }

    /// Appends one code point, 0..=0x10FFFF, surrogates included; a low
    /// surrogate right after a high one joins it into one character, so
    /// the string stays well-formed WTF-8. Anything above 0x10FFFF is
    /// not a code point and is stored as U+FFFD.
    pub fn push_code_point(&mut self, cp: u32) {
        if (0xDC00..=0xDFFF).contains(&cp)
            && let Some(high) = self.trailing_high_surrogate()
        {
            self.wtf8.truncate(self.wtf8.len() - 3);
            let joined = 0x10000 + ((high - 0xD800) << 10) + (cp - 0xDC00);
            self.push_code_point(joined);
            return;
        }
        let cp = if cp > 0x10FFFF { 0xFFFD } else { cp };
        // UTF-8's layout (RFC 3629 §3), applied to surrogates too.
        match cp {
            0..=0x7F => self.wtf8.push(cp as u8),
            0x80..=0x7FF => self
                .wtf8
                .extend([0xC0 | (cp >> 6) as u8, 0x80 | (cp & 0x3F) as u8]),
            0x800..=0xFFFF => self.wtf8.extend([
                0xE0 | (cp >> 12) as u8,
                0x80 | ((cp >> 6) & 0x3F) as u8,
                0x80 | (cp & 0x3F) as u8,
            ]),
            _ => self.wtf8.extend([
                0xF0 | (cp >> 18) as u8,
                0x80 | ((cp >> 12) & 0x3F) as u8,
                0x80 | ((cp >> 6) & 0x3F) as u8,
                0x80 | (cp & 0x3F) as u8,
            ]),
        }
    }

    /// The high surrogate the string ends with, if it does.
    fn trailing_high_surrogate(&self) -> Option<u32> {
        match self.wtf8.as_slice() {
            [.., 0xED, b1 @ 0xA0..=0xAF, b2] => {
                Some(0xD000 | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F))
            }
            _ => None,
        }
    }

    /// The code points, surrogates included.
    #[must_use]
    pub fn code_points(&self) -> CodePoints<'_> {
        CodePoints { rest: &self.wtf8 }
    }
}

/// The code points of a [`PyStr`], decoded from its WTF-8.
pub struct CodePoints<'a> {
    rest: &'a [u8],
}

impl Iterator for CodePoints<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let (&first, _) = self.rest.split_first()?;
        // The first byte says how many follow (RFC 3629 §3); each of those
        // carries six bits.
        let (len, bits) = match first {
            0x00..=0x7F => (1, u32::from(first)),
            0xC0..=0xDF => (2, u32::from(first & 0x1F)),
            0xE0..=0xEF => (3, u32::from(first & 0x0F)),
            _ => (4, u32::from(first & 0x07)),
        };
        let len = len.min(self.rest.len());
        let cp = self.rest[1..len]
            .iter()
            .fold(bits, |cp, b| (cp << 6) | u32::from(b & 0x3F));
        self.rest = &self.rest[len..];
        Some(cp)
    }
}

impl From<&str> for PyStr {
    fn from(s: &str) -> PyStr {
        PyStr {
            wtf8: s.as_bytes().to_vec(),
        }
    }
}

impl From<String> for PyStr {
    fn from(s: String) -> PyStr {
        PyStr {
            wtf8: s.into_bytes(),
        }
    }
}

/// Lets a map keyed by `PyStr` be searched with a `&str`'s bytes: for
/// valid Unicode, the WTF-8 *is* the UTF-8, and both order the same way.
impl Borrow<[u8]> for PyStr {
    fn borrow(&self) -> &[u8] {
        &self.wtf8
    }
}

impl PartialEq<str> for PyStr {
    fn eq(&self, other: &str) -> bool {
        self.wtf8 == other.as_bytes()
    }
}

impl PartialEq<&str> for PyStr {
    fn eq(&self, other: &&str) -> bool {
        self.wtf8 == other.as_bytes()
    }
}

/// As a person should see it: lone surrogates as U+FFFD.
impl fmt::Display for PyStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_lossy())
    }
}

/// Like `str`'s `Debug`, with lone surrogates as `\u{d800}`.
impl fmt::Debug for PyStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = self.as_str() {
            return fmt::Debug::fmt(s, f);
        }
        f.write_str("\"")?;
        for cp in self.code_points() {
            match char::from_u32(cp) {
                Some(c) => write!(f, "{}", c.escape_debug())?,
                None => write!(f, "\\u{{{cp:x}}}")?,
            }
        }
        f.write_str("\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_code_points(cps: &[u32]) -> PyStr {
        let mut s = PyStr::new();
        for &cp in cps {
            s.push_code_point(cp);
        }
        s
    }

    #[test]
    fn code_points_round_trip_through_wtf8() {
        let cases: &[(&str, &[u32], &[u8])] = &[
            ("ASCII is one byte each", &[0x61, 0x62], b"ab"),
            ("é is two bytes, as in UTF-8", &[0xE9], b"\xc3\xa9"),
            (
                "a lone high surrogate: three bytes",
                &[0xD800],
                b"\xed\xa0\x80",
            ),
            ("a lone low surrogate", &[0xDFFF], b"\xed\xbf\xbf"),
            (
                "low then high stays two code points",
                &[0xDC00, 0xD800],
                b"\xed\xb0\x80\xed\xa0\x80",
            ),
            (
                "high then low is one character, U+10000",
                &[0xD800, 0xDC00],
                b"\xf0\x90\x80\x80",
            ),
            ("🐟 from its two halves", &[0xD83D, 0xDC1F], "🐟".as_bytes()),
            ("the last code point", &[0x10FFFF], b"\xf4\x8f\xbf\xbf"),
        ];
        for (why, cps, wtf8) in cases {
            let s = from_code_points(cps);
            assert_eq!(s.wtf8, *wtf8, "{why}: bytes");
            let back: Vec<u32> = s.code_points().collect();
            let want: Vec<u32> = match std::str::from_utf8(wtf8) {
                Ok(text) => text.chars().map(u32::from).collect(),
                Err(_) => cps.to_vec(),
            };
            assert_eq!(back, want, "{why}: code points");
        }
    }

    #[test]
    fn only_valid_unicode_is_a_str() {
        assert_eq!(PyStr::from("Zoë 🐟").as_str(), Some("Zoë 🐟"));
        let wobbly = from_code_points(&[0x61, 0xD800, 0x62]);
        assert_eq!(wobbly.as_str(), None);
        assert!(wobbly.has_lone_surrogate());
        assert_eq!(wobbly.to_string(), "a\u{fffd}b", "shown with U+FFFD");
        assert_eq!(
            format!("{wobbly:?}"),
            "\"a\\u{d800}b\"",
            "debugged as the code point"
        );
    }

    #[test]
    fn order_is_code_point_order_like_pythons_sort() {
        // Python: sorted(["\ue000", "\ud800", "\ud7ff", "\U0001f41f", "z"])
        let mut keys = [
            from_code_points(&[0xE000]),
            from_code_points(&[0xD800]),
            from_code_points(&[0xD7FF]),
            from_code_points(&[0x1F41F]),
            PyStr::from("z"),
        ];
        keys.sort();
        let firsts: Vec<u32> = keys
            .iter()
            .map(|k| k.code_points().next().unwrap())
            .collect();
        assert_eq!(firsts, [0x7A, 0xD7FF, 0xD800, 0xE000, 0x1F41F]);
    }

    #[test]
    fn a_map_keyed_by_pystr_is_searched_with_str() {
        let map = std::collections::BTreeMap::from([(PyStr::from("fav_number"), 42)]);
        assert_eq!(map.get("fav_number".as_bytes()), Some(&42));
        assert_eq!(map.get("other".as_bytes()), None);
    }
}

//! Showing untrusted text to a person: on a terminal, in a log, in a sentence.
//!
//! A request line, a cookie or a command-line argument may carry bytes
//! meant to fool whoever reads them: `ESC [2J` repaints a terminal, a `LF`
//! fakes a second log line, and the bidirectional controls of Unicode
//! (`U+202E RIGHT-TO-LEFT OVERRIDE` and friends, the "Trojan Source"
//! characters) make `report\u{202e}txt.exe` *display* as `reportexe.txt`.
//! Everything goldfish prints that came from outside goes through
//! [`Printable`] (or [`Clip`] / [`Excerpt`], which also cut it short), so
//! these arrive as visible escapes instead. (HTML pages are a different
//! audience with a different escape: see [`crate::template`].)
//!
//! One style of escape everywhere: `\r`, `\n` and `\t` as in most
//! languages, other ASCII controls as `\xNN`, and the rest as `\u{NNNN}`.

use std::fmt;

/// Characters that must not reach a terminal or a log line raw.
///
/// - Unicode's control characters (category Cc): C0, DEL and C1.
/// - The bidirectional formatting characters (Unicode Standard Annex #9):
///   ALM U+061C, LRM/RLM U+200E–U+200F, LRE/RLE/PDF/LRO/RLO U+202A–U+202E,
///   LRI/RLI/FSI/PDI U+2066–U+2069. They reorder what is *shown*.
/// - Zero-width characters that hide text or split words invisibly
///   (U+200B–U+200D, U+2060, U+FEFF), and the line and paragraph separators
///   U+2028/U+2029, which some viewers break lines at.
#[must_use]
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// Writes `s` with every character of [`needs_escape`] as a visible escape.
///
/// # Examples
/// ```
/// use goldfish::text::Printable;
/// assert_eq!(Printable("a\r\nb").to_string(), r"a\r\nb");
/// assert_eq!(Printable("\u{1b}[2J").to_string(), r"\x1b[2J");
/// assert_eq!(Printable("report\u{202e}txt.exe").to_string(), r"report\u{202e}txt.exe");
/// assert_eq!(Printable("café 🐟").to_string(), "café 🐟");
/// ```
pub struct Printable<'a>(pub &'a str);

impl fmt::Display for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let mut plain_from = 0;
        for (i, c) in s.char_indices() {
            if !needs_escape(c) {
                continue;
            }
            f.write_str(&s[plain_from..i])?;
            plain_from = i + c.len_utf8();
            match c {
                '\r' => f.write_str("\\r")?,
                '\n' => f.write_str("\\n")?,
                '\t' => f.write_str("\\t")?,
                c if c.is_ascii() => write!(f, "\\x{:02x}", u32::from(c))?,
                c => write!(f, "\\u{{{:04x}}}", u32::from(c))?,
            }
        }
        f.write_str(&s[plain_from..])
    }
}

/// At most `max` characters of `s`, made [`Printable`], with `…` if cut:
/// keeps a message one readable line even when the input is 4 KB long.
///
/// # Examples
/// ```
/// use goldfish::text::Clip;
/// assert_eq!(Clip("héllo wörld", 4).to_string(), "héll…");
/// ```
pub struct Clip<'a>(pub &'a str, pub usize);

impl fmt::Display for Clip<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Clip(s, max) = *self;
        let cut = s.char_indices().nth(max).map_or(s.len(), |(i, _)| i);
        let ellipsis = if cut < s.len() { "…" } else { "" };
        write!(f, "{}{ellipsis}", Printable(&s[..cut]))
    }
}

/// A [`Clip`] in double quotes, for quoting a name or a value in a sentence.
pub struct Excerpt<'a>(pub &'a str, pub usize);

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", Clip(self.0, self.1))
    }
}

/// One byte named for a sentence about it: `'A'`, `NUL (0x00)`,
/// `CR (0x0d)`, or `byte 0x16`, so "the request line contains CR (0x0d)"
/// says which invisible byte was found.
pub struct ByteName(pub u8);

impl fmt::Display for ByteName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            b'\0' => f.write_str("NUL (0x00)"),
            b'\r' => f.write_str("CR (0x0d)"),
            b'\n' => f.write_str("LF (0x0a)"),
            b'\t' => f.write_str("TAB (0x09)"),
            b if b.is_ascii_graphic() => write!(f, "'{}'", char::from(b)),
            b => write!(f, "byte 0x{b:02x}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_what_could_fool_a_reader() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "plain text is unchanged",
                "GET / HTTP/1.1",
                "GET / HTTP/1.1",
            ),
            ("an escape sequence", "\u{1b}[31mred", "\\x1b[31mred"),
            ("a fake log line", "a\nb", "a\\nb"),
            ("CR and tab", "a\r\tb", "a\\r\\tb"),
            ("NUL and DEL", "\0\u{7f}", "\\x00\\x7f"),
            ("a C1 control", "\u{9b}", "\\u{009b}"),
            (
                "RLO, the Trojan Source override",
                "a\u{202e}b",
                "a\\u{202e}b",
            ),
            (
                "LRI..PDI isolates",
                "\u{2066}\u{2069}",
                "\\u{2066}\\u{2069}",
            ),
            ("ALM", "\u{61c}", "\\u{061c}"),
            (
                "zero-width space and BOM",
                "\u{200b}\u{feff}",
                "\\u{200b}\\u{feff}",
            ),
            ("line separator", "a\u{2028}b", "a\\u{2028}b"),
            ("accents and emoji stay", "café 🐟", "café 🐟"),
        ];
        for (why, input, want) in cases {
            let got = Printable(input).to_string();
            assert_eq!(
                got, *want,
                "{why}: Printable({input:?}) = {got:?}; want {want:?}"
            );
        }
    }

    #[test]
    fn clips_never_split_a_character() {
        assert_eq!(Excerpt("héllo wörld", 4).to_string(), "\"héll…\"");
        assert_eq!(Excerpt("a\r\nb", 10).to_string(), "\"a\\r\\nb\"");
        assert_eq!(Clip(&"x".repeat(500), 200).to_string().chars().count(), 201);
        assert_eq!(Clip("short", 200).to_string(), "short");
    }

    #[test]
    fn byte_names() {
        let cases: &[(u8, &str)] = &[
            (b'A', "'A'"),
            (0, "NUL (0x00)"),
            (b'\r', "CR (0x0d)"),
            (0x16, "byte 0x16"),
            (0xc3, "byte 0xc3"),
        ];
        for (b, want) in cases {
            assert_eq!(ByteName(*b).to_string(), *want, "ByteName({b:#04x})");
        }
    }
}

//! Reading strings and their escapes (RFC 8259 §7).

use super::Parser;
use crate::session::json::error::{JsonError, JsonErrorKind};

impl Parser<'_> {
    /// ```text
    /// string = quotation-mark *char quotation-mark              ; RFC 8259 §7
    /// char   = unescaped / escape ( %x22 / %x5C / %x2F / %x62 / %x66 /
    ///                               %x6E / %x72 / %x74 / %x75 4HEXDIG )
    /// unescaped = %x20-21 / %x23-5B / %x5D-10FFFF
    /// ```
    /// Called with `pos` on the opening quote.
    pub(super) fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1;
        let bytes = self.text.as_bytes();
        let mut out = String::new();
        loop {
            // Copy the run of plain characters in one go. Bytes >= 0x80
            // are parts of multi-byte UTF-8 characters: `text` is a `str`,
            // so they are already valid, and `"` and `\` never occur
            // inside them (UTF-8 continuation bytes are all >= 0x80).
            let run_start = self.pos;
            while let Some(&b) = bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run_start..self.pos]);

            match bytes.get(self.pos) {
                None => {
                    return Err(self.error(JsonErrorKind::UnexpectedEnd {
                        expected: "'\"' to close the string",
                    }));
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self.escape()?;
                    out.push(c);
                }
                Some(&byte) => {
                    return Err(self.error(JsonErrorKind::ControlCharacter { byte }));
                }
            }
        }
    }

    /// One escape, `pos` just after the backslash. `\uD83D\uDC1F` (a
    /// surrogate pair) is read as one character, U+1F41F.
    fn escape(&mut self) -> Result<char, JsonError> {
        let c = match self.peek() {
            None => {
                return Err(self.error(JsonErrorKind::UnexpectedEnd {
                    expected: "an escape after '\\'",
                }));
            }
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode_escape(),
            Some(_) => {
                let found = self.peek_char().unwrap_or('\u{fffd}');
                return Err(self.error(JsonErrorKind::BadEscape { found }));
            }
        };
        self.pos += 1;
        Ok(c)
    }

    /// `pos` on the `u` of `\uXXXX`.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first_at = self.pos - 1; // the backslash
        let first = self.hex4()?;
        let code = match first {
            // A high surrogate must be followed by `\u` + a low surrogate.
            0xD800..=0xDBFF => {
                let rest = &self.text.as_bytes()[self.pos..];
                if rest.len() < 2 && b"\\u".starts_with(rest) {
                    self.pos += rest.len();
                    return Err(self.error(JsonErrorKind::UnexpectedEnd {
                        expected: "\\u and the low half of the surrogate pair",
                    }));
                }
                if !rest.starts_with(b"\\u") {
                    return Err(JsonError {
                        offset: first_at,
                        kind: JsonErrorKind::LoneSurrogate { unit: first },
                    });
                }
                self.pos += 1; // the backslash; hex4 skips the `u`
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(JsonError {
                        offset: first_at,
                        kind: JsonErrorKind::LoneSurrogate { unit: first },
                    });
                }
                0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00)
            }
            0xDC00..=0xDFFF => {
                return Err(JsonError {
                    offset: first_at,
                    kind: JsonErrorKind::LoneSurrogate { unit: first },
                });
            }
            _ => u32::from(first),
        };
        // Every value built above is a valid scalar value; `from_u32` only
        // refuses surrogates, which were handled.
        char::from_u32(code).ok_or(JsonError {
            offset: first_at,
            kind: JsonErrorKind::LoneSurrogate { unit: first },
        })
    }

    /// `pos` on a `u`; reads it and four hex digits.
    fn hex4(&mut self) -> Result<u16, JsonError> {
        let start = self.pos;
        self.pos += 1;
        let mut value: u16 = 0;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(b) => (b as char).to_digit(16),
                None => {
                    return Err(self.error(JsonErrorKind::UnexpectedEnd {
                        expected: "four hex digits after \\u",
                    }));
                }
            };
            match digit {
                Some(d) => value = value * 16 + d as u16,
                None => {
                    return Err(JsonError {
                        offset: start - 1,
                        kind: JsonErrorKind::BadUnicodeEscape,
                    });
                }
            }
            self.pos += 1;
        }
        Ok(value)
    }
}

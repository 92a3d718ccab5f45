//! Reading strings and their escapes (RFC 8259 §7).

use super::Parser;
use crate::session::json::error::{JsonError, JsonErrorKind};
use crate::session::pystr::PyStr;

impl Parser<'_> {
    /// ```text
    /// string = quotation-mark *char quotation-mark              ; RFC 8259 §7
    /// char   = unescaped / escape ( %x22 / %x5C / %x2F / %x62 / %x66 /
    ///                               %x6E / %x72 / %x74 / %x75 4HEXDIG )
    /// unescaped = %x20-21 / %x23-5B / %x5D-10FFFF
    /// ```
    /// Called with `pos` on the opening quote. The result is a Python
    /// `str`: `\ud83d\udc1f` (a surrogate pair) is one character, U+1F41F,
    /// and a surrogate without its other half stays what it is, a lone
    /// code point, as Python's `json` reads it (RFC 8259 §8.2 notes that
    /// the grammar allows such strings, and that readers differ).
    pub(super) fn string(&mut self) -> Result<PyStr, JsonError> {
        self.pos += 1;
        let bytes = self.text.as_bytes();
        let mut out = PyStr::new();
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
                    let code_point = self.escape()?;
                    // A low surrogate right after a high one joins it (see
                    // `PyStr::push_code_point`): that is the pair rule.
                    out.push_code_point(code_point);
                }
                Some(&byte) => {
                    return Err(self.error(JsonErrorKind::ControlCharacter { byte }));
                }
            }
        }
    }

    /// One escape, `pos` just after the backslash: the code point it
    /// stands for (a surrogate, for each half of a `\uD83D\uDC1F` pair).
    fn escape(&mut self) -> Result<u32, JsonError> {
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
            Some(b'u') => return self.hex4().map(u32::from),
            Some(_) => {
                let found = self.peek_char().unwrap_or('\u{fffd}');
                return Err(self.error(JsonErrorKind::BadEscape { found }));
            }
        };
        self.pos += 1;
        Ok(u32::from(c))
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

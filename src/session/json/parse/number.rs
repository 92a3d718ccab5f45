//! Reading numbers (RFC 8259 §6).

use super::Parser;
use crate::session::json::error::{JsonError, JsonErrorKind};
use crate::session::value::Value;

/// How much of an out-of-range number an error message quotes.
const QUOTE_DIGITS: usize = 40;

impl Parser<'_> {
    /// ```text
    /// number = [ minus ] int [ frac ] [ exp ]                   ; RFC 8259 §6
    /// int    = zero / ( digit1-9 *DIGIT )
    /// frac   = decimal-point 1*DIGIT
    /// exp    = e [ minus / plus ] 1*DIGIT
    /// ```
    /// First check the shape, then let the standard library convert the
    /// text: `i64::from_str` is exact and reports overflow, and
    /// `f64::from_str` rounds correctly (as Python's `float()` does).
    pub(super) fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        self.eat(b'-');
        if self.peek() == Some(b'I') {
            return Err(self.error(JsonErrorKind::NotANumberWord)); // -Infinity
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Err(self.error(JsonErrorKind::LeadingZero));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.unexpected("a digit")),
        }
        let mut is_float = false;
        if self.eat(b'.') {
            is_float = true;
            self.one_or_more_digits("a digit after the decimal point")?;
        }
        if self.eat(b'e') || self.eat(b'E') {
            is_float = true;
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            self.one_or_more_digits("a digit in the exponent")?;
        }

        let digits = &self.text[start..self.pos];
        let quoted = || quote(digits);
        if is_float {
            match digits.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(Value::Float(x)),
                _ => Err(JsonError {
                    offset: start,
                    kind: JsonErrorKind::FloatOutOfRange { digits: quoted() },
                }),
            }
        } else {
            match digits.parse::<i64>() {
                Ok(n) => Ok(Value::Int(n)),
                Err(_) => Err(JsonError {
                    offset: start,
                    kind: JsonErrorKind::IntegerOutOfRange { digits: quoted() },
                }),
            }
        }
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn one_or_more_digits(&mut self, expected: &'static str) -> Result<(), JsonError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.unexpected(expected));
        }
        self.digits();
        Ok(())
    }
}

/// The first `QUOTE_DIGITS` characters of a number, for an error message
/// (a 60 KB run of digits should not be copied into a log line).
fn quote(digits: &str) -> String {
    match digits.char_indices().nth(QUOTE_DIGITS) {
        Some((cut, _)) => format!("{}…", &digits[..cut]),
        None => digits.to_owned(),
    }
}

//! Reading numbers (RFC 8259 §6).

use super::Parser;
use crate::session::json::error::{JsonError, JsonErrorKind};
use crate::session::value::{BigInt, Value};

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
    /// `f64::from_str` rounds correctly (as Python's `float()` does). A
    /// whole number too big for an `i64` keeps its digits ([`BigInt`]), as
    /// Python's unlimited `int` does; a float too big for an `f64` is
    /// infinity, as in Python (`json.loads("1e400")` is `inf`).
    pub(super) fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        self.eat(b'-');
        if self.peek() == Some(b'I') {
            return self.literal("Infinity", Value::Float(f64::NEG_INFINITY));
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
        if is_float {
            // The shape is checked, so this cannot fail; a magnitude past
            // f64::MAX parses as infinity.
            let x = digits.parse::<f64>().unwrap_or(f64::NAN);
            return Ok(Value::Float(x));
        }
        if let Ok(n) = digits.parse::<i64>() {
            return Ok(Value::Int(n));
        }
        BigInt::parse(digits)
            .map(Value::BigInt)
            .ok_or_else(|| JsonError {
                offset: start,
                kind: JsonErrorKind::IntegerTooLong {
                    digits: quote(digits),
                    count: digits.trim_start_matches('-').len(),
                },
            })
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

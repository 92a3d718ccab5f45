//! Reading JSON: a strict parser with an explicit stack.
//!
//! ```text
//! JSON-text = ws value ws                                   ; RFC 8259 §2
//! value     = false / null / true / object / array / number / string
//! object    = begin-object [ member *( value-separator member ) ] end-object
//! member    = string name-separator value
//! array     = begin-array [ value *( value-separator value ) ] end-array
//! ws        = *( %x20 / %x09 / %x0A / %x0D )
//! ```
//!
//! Why no recursion: the obvious parser calls `parse_value` for each nested
//! `[`, so `[[[[…` a million deep would overflow the thread's stack and
//! crash the server. Here, open arrays and objects are frames on a `Vec`,
//! and the depth check happens before a frame is pushed. The loop reads one
//! value, then hands it to the innermost open container, closing as many
//! containers as the input closes.

mod number;
mod string;

use std::collections::BTreeMap;

use super::error::{JsonError, JsonErrorKind};
use crate::session::pystr::PyStr;
use crate::session::value::Value;

/// How many arrays/objects may be open at once. A session needs a handful;
/// 64 is generous and keeps every walk over a `Value` shallow.
pub const MAX_DEPTH: usize = 64;

/// The largest JSON text accepted, in bytes. Browsers keep cookies of at
/// most about 4096 bytes (RFC 6265 §6.1 asks for at least that much), so
/// 64 KiB is far more than any session cookie can carry.
pub const MAX_JSON_BYTES: usize = 64 * 1024;

/// Reads one JSON value, strictly (see the module docs for every rule).
///
/// # Errors
/// A [`JsonError`] with the byte offset and the kind of mistake; nothing
/// is ever partly accepted.
///
/// # Examples
/// ```
/// use goldfish::session::{Value, json::from_json};
/// let v = from_json(r#"{"fav_number": 42}"#).unwrap();
/// assert_eq!(v.get("fav_number"), Some(&Value::Int(42)));
///
/// let err = from_json("[1,2,]").unwrap_err();
/// assert_eq!(err.offset, 5);
/// ```
pub fn from_json(text: &str) -> Result<Value, JsonError> {
    if text.len() > MAX_JSON_BYTES {
        return Err(JsonError {
            offset: MAX_JSON_BYTES,
            kind: JsonErrorKind::TooLarge {
                len: text.len(),
                limit: MAX_JSON_BYTES,
            },
        });
    }
    Parser { text, pos: 0 }.parse()
}

/// An array or object that has been opened and not yet closed.
enum Frame {
    List(Vec<Value>),
    /// `key` is the member name whose value is being read; `key_at` is
    /// where it started, for the duplicate-key message.
    Map {
        map: BTreeMap<PyStr, Value>,
        key: PyStr,
        key_at: usize,
    },
}

struct Parser<'a> {
    text: &'a str,
    /// Byte offset of the next unread byte. Always on a char boundary
    /// outside of `string`.
    pos: usize,
}

impl Parser<'_> {
    fn parse(mut self) -> Result<Value, JsonError> {
        let mut stack: Vec<Frame> = Vec::new();
        'next_value: loop {
            // 1. Read one value. Opening a non-empty container pushes a
            //    frame and goes back to read its first item.
            self.skip_ws();
            let mut value = match self.peek() {
                Some(b'[' | b'{') if stack.len() >= MAX_DEPTH => {
                    return Err(self.error(JsonErrorKind::TooDeep { limit: MAX_DEPTH }));
                }
                Some(b'[') => {
                    if self.open_is_empty(b']') {
                        Value::List(Vec::new())
                    } else {
                        stack.push(Frame::List(Vec::new()));
                        continue 'next_value;
                    }
                }
                Some(b'{') => {
                    if self.open_is_empty(b'}') {
                        Value::Map(BTreeMap::new())
                    } else {
                        let (key, key_at) = self.member_name("a string key or '}'")?;
                        stack.push(Frame::Map {
                            map: BTreeMap::new(),
                            key,
                            key_at,
                        });
                        continue 'next_value;
                    }
                }
                Some(b'"') => Value::Str(self.string()?),
                Some(b't') => self.literal("true", Value::Bool(true))?,
                Some(b'f') => self.literal("false", Value::Bool(false))?,
                Some(b'n') => self.literal("null", Value::Null)?,
                // Python's words for the floats JSON has no spelling for.
                Some(b'N') => self.literal("NaN", Value::Float(f64::NAN))?,
                Some(b'I') => self.literal("Infinity", Value::Float(f64::INFINITY))?,
                Some(b'-' | b'0'..=b'9') => self.number()?,
                _ => return Err(self.unexpected("a value")),
            };

            // 2. Give the value to the innermost open container. If the
            //    input then closes that container, the container itself
            //    becomes the value and goes to *its* parent, and so on.
            loop {
                match stack.last_mut() {
                    None => {
                        self.skip_ws();
                        return match self.peek_char() {
                            None => Ok(value),
                            Some(found) => {
                                Err(self.error(JsonErrorKind::TrailingCharacters { found }))
                            }
                        };
                    }
                    Some(Frame::List(items)) => {
                        items.push(value);
                        if self.comma_before(b']')? {
                            continue 'next_value;
                        }
                        if !self.eat(b']') {
                            return Err(self.unexpected("',' or ']'"));
                        }
                    }
                    Some(Frame::Map { map, key, key_at }) => {
                        if map.contains_key(&*key) {
                            return Err(JsonError {
                                offset: *key_at,
                                kind: JsonErrorKind::DuplicateKey {
                                    key: std::mem::take(key).to_string(),
                                },
                            });
                        }
                        map.insert(std::mem::take(key), value);
                        if self.comma_before(b'}')? {
                            let (next_key, next_at) = self.member_name("a string key")?;
                            *key = next_key;
                            *key_at = next_at;
                            continue 'next_value;
                        }
                        if !self.eat(b'}') {
                            return Err(self.unexpected("',' or '}'"));
                        }
                    }
                }
                // The container was closed: pop it; it is the new value.
                value = match stack.pop() {
                    Some(Frame::List(items)) => Value::List(items),
                    Some(Frame::Map { map, .. }) => Value::Map(map),
                    None => return Err(self.unexpected("a value")), // unreachable: last_mut was Some
                };
            }
        }
    }

    /// Steps over the `[` or `{` at `pos` and the whitespace after it; true
    /// if `close` follows at once: the container is empty.
    fn open_is_empty(&mut self, close: u8) -> bool {
        self.pos += 1;
        self.skip_ws();
        self.eat(close)
    }

    /// After an item of a container that `close` ends: true if a `,` comes
    /// next, and so another item. A `,` right before `close` is an error:
    /// JSON has no trailing comma (RFC 8259 §5, §4).
    fn comma_before(&mut self, close: u8) -> Result<bool, JsonError> {
        self.skip_ws();
        if !self.eat(b',') {
            return Ok(false);
        }
        self.skip_ws();
        if self.peek() == Some(close) {
            return Err(self.error(JsonErrorKind::TrailingComma));
        }
        Ok(true)
    }

    /// `member = string name-separator value`: reads the name and the `:`.
    fn member_name(&mut self, expected: &'static str) -> Result<(PyStr, usize), JsonError> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected(expected));
        }
        let at = self.pos;
        let key = self.string()?;
        self.skip_ws();
        if !self.eat(b':') {
            return Err(self.unexpected("':' after the key"));
        }
        Ok((key, at))
    }

    /// `true`, `false`, `null` (and Python's `NaN`, `Infinity`): exactly
    /// these words.
    fn literal(&mut self, word: &'static str, value: Value) -> Result<Value, JsonError> {
        let rest = &self.text.as_bytes()[self.pos..];
        for (i, want) in word.bytes().enumerate() {
            match rest.get(i) {
                Some(got) if *got == want => {}
                Some(_) => {
                    self.pos += i;
                    return Err(self.unexpected(word));
                }
                None => {
                    self.pos += i;
                    return Err(self.error(JsonErrorKind::UnexpectedEnd { expected: word }));
                }
            }
        }
        self.pos += word.len();
        Ok(value)
    }

    // --- small helpers ---

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// The character at `pos`, for error messages.
    fn peek_char(&self) -> Option<char> {
        match self.text.get(self.pos..) {
            Some(rest) => rest.chars().next(),
            // Not on a char boundary (cannot happen outside strings, but
            // an error message is no reason to panic): show the byte.
            None => self.peek().map(char::from),
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// `ws = *( %x20 / %x09 / %x0A / %x0D )` — nothing else counts as
    /// whitespace (not form feed, not U+00A0).
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn error(&self, kind: JsonErrorKind) -> JsonError {
        JsonError {
            offset: self.pos,
            kind,
        }
    }

    /// "expected X, found Y", or "ends too early: expected X" at the end.
    fn unexpected(&self, expected: &'static str) -> JsonError {
        match self.peek_char() {
            Some(found) => self.error(JsonErrorKind::Unexpected { found, expected }),
            None => self.error(JsonErrorKind::UnexpectedEnd { expected }),
        }
    }
}

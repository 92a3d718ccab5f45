//! What can be wrong with a JSON text, one variant per mistake.

use std::fmt;

/// A JSON text was refused: where, and why.
///
/// `offset` is the byte offset of the first byte that could not be
/// accepted (for "ended too early", the length of the input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset into the input, 0-based.
    pub offset: usize,
    /// What was wrong there.
    pub kind: JsonErrorKind,
}

/// The ways a JSON text can be wrong. Each `Display` sentence names the rule
/// (with its RFC 8259 section) and what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonErrorKind {
    /// More than `MAX_JSON_BYTES` bytes.
    TooLarge { len: usize, limit: usize },
    /// The input stopped while `expected` was still needed.
    UnexpectedEnd { expected: &'static str },
    /// A character that cannot appear here.
    Unexpected { found: char, expected: &'static str },
    /// `[1,2,]` or `{"a":1,}`.
    TrailingComma,
    /// `01`, `-007`.
    LeadingZero,
    /// A whole number of more than 4300 digits, which Python refuses too.
    IntegerTooLong { digits: String, count: usize },
    /// A raw control character (U+0000..U+001F) inside a string.
    ControlCharacter { byte: u8 },
    /// A backslash followed by something that is not an escape.
    BadEscape { found: char },
    /// `\u` not followed by four hex digits.
    BadUnicodeEscape,
    /// More than `MAX_DEPTH` nested arrays/objects.
    TooDeep { limit: usize },
    /// The same key twice in one object.
    DuplicateKey { key: String },
    /// Something after the one value a JSON text holds.
    TrailingCharacters { found: char },
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid JSON at byte {}: {}", self.offset, self.kind)
    }
}

impl fmt::Display for JsonErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonErrorKind::TooLarge { len, limit } => write!(
                f,
                "the text is {len} bytes; goldfish reads at most {limit} \
                 (a whole cookie is at most about 4096)"
            ),
            JsonErrorKind::UnexpectedEnd { expected } => {
                write!(f, "the text ends too early: expected {expected}")
            }
            JsonErrorKind::Unexpected { found, expected } => {
                write!(f, "expected {expected}, found {found:?}")
            }
            JsonErrorKind::TrailingComma => f.write_str(
                "a comma must be followed by another item; JSON allows no \
                 trailing comma, e.g. [1,2] not [1,2,] (RFC 8259 §4, §5)",
            ),
            JsonErrorKind::LeadingZero => f.write_str(
                "a number cannot start with 0 followed by more digits, \
                 e.g. 7 not 007 (RFC 8259 §6: int = zero / ( digit1-9 *DIGIT ))",
            ),
            JsonErrorKind::IntegerTooLong { digits, count } => write!(
                f,
                "the integer {digits} has {count} digits; Python reads and writes at most \
                 4300 (sys.int_info.default_max_str_digits), so no Flask app could have \
                 written it"
            ),
            JsonErrorKind::ControlCharacter { byte } => write!(
                f,
                "control character U+{byte:04X} must be escaped inside a string, \
                 e.g. \\n for a newline (RFC 8259 §7)"
            ),
            JsonErrorKind::BadEscape { found } => write!(
                f,
                "\\{found} is not a JSON escape; the escapes are \
                 \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX (RFC 8259 §7)"
            ),
            JsonErrorKind::BadUnicodeEscape => {
                f.write_str("\\u must be followed by four hex digits, e.g. \\u00e9 (RFC 8259 §7)")
            }
            JsonErrorKind::TooDeep { limit } => write!(
                f,
                "arrays and objects are nested more than {limit} levels deep"
            ),
            JsonErrorKind::DuplicateKey { key } => write!(
                f,
                "the key {key:?} appears twice in one object; RFC 8259 §4 says \
                 names SHOULD be unique, and readers disagree about which one wins"
            ),
            JsonErrorKind::TrailingCharacters { found } => write!(
                f,
                "found {found:?} after the end of the JSON value; a JSON text \
                 holds exactly one value (RFC 8259 §2)"
            ),
        }
    }
}

impl std::error::Error for JsonError {}

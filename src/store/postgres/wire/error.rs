//! What can go wrong reading the server: its own errors (`ErrorResponse`,
//! which is a message like any other), and bytes that are not protocol 3.0.

use std::fmt;

use super::MAX_MESSAGE;

/// The fields of an `ErrorResponse` or `NoticeResponse` that goldfish uses
/// (§55.8 "Error and Notice Message Fields"); the others are skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbError {
    /// `V` (or `S`): `ERROR`, `FATAL`, `PANIC`, `WARNING`, `NOTICE`, …
    pub severity: String,
    /// `C`: the SQLSTATE code, e.g. `28P01` `invalid_password` (Appendix A).
    pub code: String,
    /// `M`: the primary message, one line.
    pub message: String,
    /// `D`: more detail, maybe several lines.
    pub detail: Option<String>,
    /// `H`: a suggestion what to do.
    pub hint: Option<String>,
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} {})", self.message, self.severity, self.code)?;
        if let Some(detail) = &self.detail {
            write!(f, ". {detail}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, " Hint: {hint}")?;
        }
        Ok(())
    }
}

/// Why bytes from the server are not a protocol 3.0 message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// The type byte names no backend message.
    UnknownType { found: u8 },
    /// The length is under 4 (it counts itself).
    BadLength { len: i32 },
    /// Over [`MAX_MESSAGE`].
    TooLarge { len: usize },
    /// A field runs past the end of its message.
    Truncated { message: &'static str },
    /// The fields end before the message does.
    Trailing { message: &'static str, extra: usize },
    /// A negative count or length where none is allowed.
    Negative { message: &'static str },
    /// Text that is not UTF-8 (goldfish asks for `client_encoding=UTF8`).
    NotUtf8 { message: &'static str },
    /// An `'R'` code PostgreSQL does not define.
    UnknownAuth { code: i32 },
    /// `ReadyForQuery` with a state other than `I`, `T`, `E`.
    BadTxStatus { found: u8 },
    /// An `ErrorResponse` without its SQLSTATE code or message.
    IncompleteError,
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::UnknownType { found } => write!(
                f,
                "the server sent a message of type {:?}, which PostgreSQL's protocol 3.0 does \
                 not have (is it a PostgreSQL server?)",
                char::from(*found)
            ),
            WireError::BadLength { len } => write!(
                f,
                "a message's length must count its own 4 bytes, so be at least 4, not {len}"
            ),
            WireError::TooLarge { len } => write!(
                f,
                "a message of {len} bytes is over goldfish's limit of {MAX_MESSAGE}"
            ),
            WireError::Truncated { message } => {
                write!(f, "a {message} message ends in the middle of a field")
            }
            WireError::Trailing { message, extra } => write!(
                f,
                "a {message} message has {extra} bytes after its last field"
            ),
            WireError::Negative { message } => {
                write!(f, "a {message} message holds a negative count or length")
            }
            WireError::NotUtf8 { message } => write!(f, "a {message} message is not UTF-8"),
            WireError::UnknownAuth { code } => {
                write!(
                    f,
                    "the server asks for authentication method {code}, which does not exist"
                )
            }
            WireError::BadTxStatus { found } => write!(
                f,
                "ReadyForQuery's state must be I, T or E, not {:?}",
                char::from(*found)
            ),
            WireError::IncompleteError => {
                f.write_str("an ErrorResponse without its code (C) or message (M) field")
            }
        }
    }
}

impl std::error::Error for WireError {}

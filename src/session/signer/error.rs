//! Why a session cookie was refused, one variant per way it can be wrong.
//!
//! Every one of these is *normal*: browsers send stale cookies, learners
//! edit them on purpose, and attackers try their luck. The server's answer
//! is always the same, an empty session, never an error page (DESIGN.md);
//! the variant is for the log and for the `/session` lesson.

use std::fmt;

use super::Digest;
use crate::session::base64url::Base64Error;
use crate::session::json::{JsonError, MAX_JSON_BYTES};
use crate::session::zlib::{self, ZlibError};

/// One of the three dot-separated parts of a cookie value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Payload,
    Timestamp,
    Signature,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Payload => "payload",
            Part::Timestamp => "timestamp",
            Part::Signature => "signature",
        })
    }
}

/// A cookie value that was refused.
///
/// Like itsdangerous' `BadSignature.payload`, the variants found after
/// the payload was decoded keep it (see [`SignError::payload`]): the lesson
/// shows what a tampered cookie said, and that it was not believed.
/// Nothing kept here is secret; the client sent it.
#[derive(Debug, Clone, PartialEq)]
pub enum SignError {
    /// Fewer than two dots: not `payload.timestamp.signature`.
    MissingSeparators { found: usize },
    /// One part is not valid base64url.
    Base64 { part: Part, error: Base64Error },
    /// A timestamp of more than 8 bytes (more than 64 bits of seconds).
    TimestampTooLong { len: usize },
    /// No key produces this signature: the cookie was changed, or signed
    /// with a key this server does not have.
    BadSignature {
        /// As sent: a zlib stream if `compressed` (see [`SignError::payload_text`]).
        payload: Vec<u8>,
        compressed: bool,
        timestamp: u64,
        signature_len: usize,
        /// The HMAC the signature was checked with.
        digest: Digest,
    },
    /// Genuine, but signed longer than `max_age` seconds ago.
    Expired {
        payload: Vec<u8>,
        timestamp: u64,
        age: u64,
        max_age: u64,
    },
    /// Genuine, but signed `ahead` seconds after "now".
    FromTheFuture {
        payload: Vec<u8>,
        timestamp: u64,
        ahead: u64,
    },
    /// Genuine and compressed, but it does not inflate (to at most
    /// `MAX_JSON_BYTES`).
    Inflate {
        compressed: Vec<u8>,
        error: ZlibError,
    },
    /// Genuine, but the payload is not UTF-8, so it cannot be JSON.
    PayloadNotUtf8 { payload: Vec<u8> },
    /// Genuine, but the payload is not valid JSON.
    Json { payload: Vec<u8>, error: JsonError },
    /// Genuine JSON, but not an object (a session is a dictionary).
    NotAnObject {
        payload: Vec<u8>,
        found: &'static str,
    },
}

impl SignError {
    /// The decoded payload, if the cookie got that far: JSON bytes, or,
    /// for a [`SignError::BadSignature`] on a compressed cookie, the zlib
    /// stream as sent. Unverified unless the error is one of the "genuine,
    /// but" variants.
    #[must_use]
    pub fn payload(&self) -> Option<&[u8]> {
        match self {
            SignError::BadSignature { payload, .. }
            | SignError::Expired { payload, .. }
            | SignError::FromTheFuture { payload, .. }
            | SignError::PayloadNotUtf8 { payload }
            | SignError::Json { payload, .. }
            | SignError::NotAnObject { payload, .. } => Some(payload),
            SignError::Inflate { compressed, .. } => Some(compressed),
            SignError::MissingSeparators { .. }
            | SignError::Base64 { .. }
            | SignError::TimestampTooLong { .. } => None,
        }
    }

    /// The payload as text for a person to read: a compressed one
    /// inflated first (never past `MAX_JSON_BYTES`). `None` if the cookie
    /// did not get that far, or its compressed payload does not inflate.
    #[must_use]
    pub fn payload_text(&self) -> Option<String> {
        let payload = self.payload()?;
        let compressed = matches!(
            self,
            SignError::BadSignature {
                compressed: true,
                ..
            } | SignError::Inflate { .. }
        );
        if compressed {
            let inflated = zlib::decompress(payload, MAX_JSON_BYTES).ok()?;
            return Some(String::from_utf8_lossy(&inflated.data).into_owned());
        }
        Some(String::from_utf8_lossy(payload).into_owned())
    }

    /// `true` if the signature was valid and the cookie was refused for
    /// another reason (age, or what the payload holds).
    #[must_use]
    pub fn signature_was_valid(&self) -> bool {
        matches!(
            self,
            SignError::Expired { .. }
                | SignError::FromTheFuture { .. }
                | SignError::Inflate { .. }
                | SignError::PayloadNotUtf8 { .. }
                | SignError::Json { .. }
                | SignError::NotAnObject { .. }
        )
    }
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::MissingSeparators { found } => write!(
                f,
                "a session cookie has three parts separated by dots, \
                 payload.timestamp.signature (e.g. e30.aSYCow.4k1B…); this one has \
                 {found} dot(s)"
            ),
            SignError::Base64 { part, error } => {
                write!(f, "the {part} is not valid base64url: {error}")
            }
            SignError::TimestampTooLong { len } => write!(
                f,
                "the timestamp is {len} bytes; seconds since 1970 fit in 8"
            ),
            SignError::BadSignature {
                signature_len,
                digest,
                ..
            } => {
                let expected = digest.tag_len();
                if *signature_len == expected {
                    return f.write_str(
                        "the signature does not match the payload and timestamp: \
                         the cookie was changed, or signed with a different SECRET_KEY",
                    );
                }
                match Digest::from_tag_len(*signature_len) {
                    // The length gives the other digest away: most likely
                    // a stock Flask app's cookie (SHA-1) at a goldfish
                    // that signs with SHA-256, or the other way round.
                    Some(other) => write!(
                        f,
                        "the signature is {signature_len} bytes, the length of an {other} tag, \
                         and this server checks {digest} ({expected} bytes); {}",
                        match other {
                            Digest::Sha1 => {
                                "a stock Flask app signs with SHA-1: start goldfish with \
                                 --session-digest sha1 to read its cookies"
                            }
                            Digest::Sha256 => {
                                "goldfish signs with SHA-256 unless started with \
                                 --session-digest sha1"
                            }
                        }
                    ),
                    None => write!(
                        f,
                        "the signature does not match the payload and timestamp \
                         (and it is {signature_len} bytes; {digest} makes {expected}): \
                         the cookie was changed or cut short"
                    ),
                }
            }
            SignError::Expired { age, max_age, .. } => write!(
                f,
                "the cookie is genuine but expired: signed {age} s ago, more than \
                 the {max_age} s a session may last"
            ),
            SignError::FromTheFuture { ahead, .. } => write!(
                f,
                "the cookie is genuine but says it was signed {ahead} s in the future; \
                 the clocks of servers sharing this SECRET_KEY disagree \
                 (itsdangerous refuses this too)"
            ),
            SignError::Inflate { error, .. } => write!(
                f,
                "the payload is genuine and starts with '.', the mark of zlib \
                 compression, but it cannot be inflated: {error}"
            ),
            SignError::PayloadNotUtf8 { .. } => f.write_str(
                "the payload is genuine but not UTF-8 text, so it cannot be JSON \
                 (RFC 8259 §8.1)",
            ),
            SignError::Json { error, .. } => {
                write!(f, "the payload is genuine but not valid JSON: {error}")
            }
            SignError::NotAnObject { found, .. } => write!(
                f,
                "the payload is valid JSON but a {found}, not an object; a session \
                 is a dictionary, e.g. {{\"fav_number\":42}}"
            ),
        }
    }
}

impl std::error::Error for SignError {}

//! Signing cookies: itsdangerous' `URLSafeTimedSerializer`, with SHA-256
//! (goldfish's default) or SHA-1 (Flask's).
//!
//! ```text
//! eyJmYXZfbnVtYmVyIjo0Mn0 . aSYCow . XTZe0hAixsAev5ZQ3zCpnZKv7vEyUfSa8_pUPXmS7io
//! └ base64url(JSON) ┘     └ time ┘   └ base64url(HMAC-SHA256(key, "payload.time")) ┘
//! ```
//!
//! Facts:
//! - **The key is derived, with a salt.** `key = HMAC-SHA256(SECRET_KEY,
//!   "cookie-session")` (itsdangerous' "hmac" key derivation; with SHA-1,
//!   `HMAC-SHA1` both times). The salt
//!   names the *purpose*: a value signed for another purpose with the same
//!   `SECRET_KEY` (a password-reset token, say) has a different key, so it
//!   cannot be replayed as a session cookie (itsdangerous, "The Salt").
//! - **The tag is an HMAC** (RFC 2104) over the two base64url parts joined
//!   by a dot, as text. Changing any byte of that text changes the tag, and
//!   computing the right tag for a new text needs the key.
//! - **The timestamp** is seconds since 1970, as big-endian bytes with the
//!   leading zero bytes removed (1764098723 = `69 26 02 a3` = `aSYCow`).
//!   It is signed too, so nobody can make an old cookie look new.
//! - **Two digests.** A stock Flask app signs with HMAC-SHA1 (20-byte tags,
//!   27 base64url characters); goldfish with HMAC-SHA256 (32 bytes, 43
//!   characters) unless started with `--session-digest sha1`. The rest of
//!   the format is the same. See [`Digest`] for why SHA-256 is the default.
//! - **Tags are compared in constant time**: with the `hmac` crate's
//!   `verify_slice` for SHA-256, and by hand for SHA-1 (`hmac_sha1.rs`). `==` stops at the first differing byte, and the time
//!   that takes tells an attacker, one byte at a time, how much of a forged
//!   tag is right.
//! - **Rotation.** New cookies are always signed with the current key.
//!   Old keys (`SECRET_KEY_FALLBACKS`) are accepted for reading, so that
//!   changing `SECRET_KEY` does not log everybody out at once.
//! - **Time** is checked as itsdangerous checks it, and only when a
//!   `max_age` is given (Flask always gives one, `PERMANENT_SESSION_LIFETIME)`:
//!   older than `max_age` is expired, and *any* age below zero (signed "in
//!   the future") is refused too, with no allowance for clock skew.
//! - **Signed is not encrypted.** Anyone holding the cookie can read the
//!   payload; only the server can *change* it.
//!
//! - **Compressed when shorter.** Like itsdangerous, the JSON is
//!   zlib-compressed when that saves at least two bytes, and the payload
//!   is then marked with a leading `.` (`.eJyrVkr…`: `eJ` is base64 of
//!   zlib's `78 9c` header). The dot is part of the signed text. Reading,
//!   goldfish inflates only *after* the signature checks out, and never
//!   past [`MAX_JSON_BYTES`]: a few hundred bytes of zlib can describe
//!   gigabytes.

mod error;
mod key;
#[cfg(test)]
mod tests;

pub use error::{Part, SignError};
pub use key::{Digest, Key, KeyUsed};

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use super::base64url;
use super::json::{MAX_JSON_BYTES, from_json};
use super::pystr::PyStr;
use super::value::Value;
use super::zlib::{self, ZlibError};
use crate::http::date::{from_unix_seconds, unix_seconds};

/// itsdangerous' salt for Flask's session cookie: the purpose of the key.
pub const SALT: &[u8] = b"cookie-session";

/// Signs session payloads with the current key, and reads them back with
/// the current key or any fallback.
///
/// # Examples
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use goldfish::session::Signer;
/// let signer = Signer::new(b"SHHHHHHHHHHH SEEKRIT", &[]);
/// let now = UNIX_EPOCH + Duration::from_secs(1_764_098_723);
/// let cookie = signer.sign(r#"{"fav_number":42}"#, now);
/// assert_eq!(cookie, "eyJmYXZfbnVtYmVyIjo0Mn0.aSYCow.XTZe0hAixsAev5ZQ3zCpnZKv7vEyUfSa8_pUPXmS7io");
/// let unsigned = signer.unsign(&cookie, Some(Duration::from_secs(60)), now).unwrap();
/// assert_eq!(unsigned.get("fav_number").and_then(|v| v.as_i64()), Some(42));
/// ```
#[derive(Debug, Clone)]
pub struct Signer {
    /// Signs every new cookie; tried first when reading.
    current: Key,
    /// Old keys, newest first: accepted when reading, never used to sign.
    fallbacks: Vec<Key>,
}

impl Signer {
    /// A signer for `secret` (`SECRET_KEY`) that also accepts cookies signed
    /// with any of `fallbacks` (`SECRET_KEY_FALLBACKS`), tried in the order
    /// given, which should be newest first. (Flask tries its
    /// `SECRET_KEY_FALLBACKS` from the end, so there the newest goes last.)
    /// The order changes only how much work a read takes and which index
    /// is reported, never what is accepted.
    ///
    /// An empty or guessable secret makes every cookie forgeable; checking
    /// the secret is the configuration's job.
    #[must_use]
    pub fn new(secret: &[u8], fallbacks: &[Vec<u8>]) -> Signer {
        Signer::with_digest(Digest::Sha256, secret, fallbacks)
    }

    /// [`Signer::new`] with another digest: `Digest::Sha1` reads and
    /// writes the cookies of a stock Flask app.
    #[must_use]
    pub fn with_digest(digest: Digest, secret: &[u8], fallbacks: &[Vec<u8>]) -> Signer {
        Signer::from_keys(
            Key::derive(digest, secret),
            fallbacks.iter().map(|s| Key::derive(digest, s)).collect(),
        )
    }

    /// A signer from already derived keys.
    #[must_use]
    pub fn from_keys(current: Key, fallbacks: Vec<Key>) -> Signer {
        Signer { current, fallbacks }
    }

    /// The digest new cookies are signed with (the current key's).
    #[must_use]
    pub fn digest(&self) -> Digest {
        self.current.digest()
    }

    /// Signs `payload_json` as of `now`, always with the current key.
    ///
    /// The timestamp is whole seconds; a `now` before 1970 is written as 0
    /// (itsdangerous cannot write a negative time either).
    #[must_use]
    pub fn sign(&self, payload_json: &str, now: SystemTime) -> String {
        let seconds = u64::try_from(unix_seconds(now)).unwrap_or(0);
        let payload = encode_payload(payload_json.as_bytes());
        let timestamp = base64url::encode(&minimal_be_bytes(seconds));
        let signed = format!("{payload}.{timestamp}");
        let tag = self.current.tag(signed.as_bytes());
        format!("{signed}.{}", base64url::encode(&tag))
    }

    /// Checks a cookie value and reads the session map out of it.
    ///
    /// `max_age`: `None` skips the age check entirely (as itsdangerous does);
    /// `Some(d)` refuses a cookie signed more than `d` before `now`, or
    /// after `now`.
    ///
    /// # Errors
    /// A [`SignError`] per way the cookie can be wrong. Where the payload
    /// could be decoded, the error keeps it ([`SignError::payload`]) so a
    /// lesson page can show what was sent.
    pub fn unsign(
        &self,
        cookie: &str,
        max_age: Option<Duration>,
        now: SystemTime,
    ) -> Result<Unsigned, SignError> {
        // 1. Split on the last two dots, and
        // 2. decode the three parts from base64url. Both happen in `split`,
        //    which the inspector also uses to show cookies it cannot verify.
        let parts = split(cookie)?;

        // 3. Recompute the tag with the current key, then each fallback, and
        // 4. compare each in constant time (in `verify`).
        let Some(key) = self.verify(&parts) else {
            return Err(SignError::BadSignature {
                signature_len: parts.signature.len(),
                digest: self.digest(),
                timestamp: parts.timestamp,
                compressed: parts.compressed,
                payload: parts.payload,
            });
        };

        // 5. Inflate a compressed payload, now that it is known to be the
        //    server's own: never before (nothing unverified gets worked
        //    on), and never past the size of a session.
        let payload = match parts.json() {
            Ok(json) => json,
            Err(error) => {
                return Err(SignError::Inflate {
                    error,
                    compressed: parts.payload,
                });
            }
        };

        // 6. Check the age, as itsdangerous does: only with a max_age, and
        //    then neither too old nor from the future.
        if let Some(max_age) = max_age {
            let age = i128::from(unix_seconds(now)) - i128::from(parts.timestamp);
            let max_age = max_age.as_secs();
            if age < 0 {
                return Err(SignError::FromTheFuture {
                    ahead: u64::try_from(-age).unwrap_or(u64::MAX),
                    timestamp: parts.timestamp,
                    payload,
                });
            }
            if age > i128::from(max_age) {
                return Err(SignError::Expired {
                    age: u64::try_from(age).unwrap_or(u64::MAX),
                    max_age,
                    timestamp: parts.timestamp,
                    payload,
                });
            }
        }

        // 7. Parse the JSON, which must be an object. Only now: until the
        //    tag matched, these bytes could have come from anyone.
        let Ok(text) = std::str::from_utf8(&payload) else {
            return Err(SignError::PayloadNotUtf8 { payload });
        };
        match from_json(text) {
            Ok(Value::Map(data)) => Ok(Unsigned {
                data,
                timestamp: parts.timestamp,
                key,
            }),
            Ok(other) => Err(SignError::NotAnObject {
                found: other.type_name(),
                payload,
            }),
            Err(error) => Err(SignError::Json { error, payload }),
        }
    }

    /// Steps 3 and 4: which key, if any, made this signature.
    ///
    /// Each candidate tag is compared in constant time (it takes the same
    /// time wherever the first difference is), and a tag of the wrong
    /// length is refused (a truncated signature is just wrong).
    #[must_use]
    pub fn verify(&self, parts: &CookieParts) -> Option<KeyUsed> {
        let signed = format!("{}.{}", parts.payload_b64, parts.timestamp_b64);
        let candidates = std::iter::once((KeyUsed::Current, &self.current)).chain(
            self.fallbacks
                .iter()
                .enumerate()
                .map(|(i, key)| (KeyUsed::Fallback(i), key)),
        );
        for (used, key) in candidates {
            if key.verify(signed.as_bytes(), &parts.signature) {
                return Some(used);
            }
        }
        None
    }
}

/// A cookie whose signature checked out.
#[derive(Debug, Clone, PartialEq)]
pub struct Unsigned {
    /// The session dictionary.
    pub data: BTreeMap<PyStr, Value>,
    /// When it was signed, in seconds since 1970 (as on the wire).
    pub timestamp: u64,
    /// Which key verified it.
    pub key: KeyUsed,
}

impl Unsigned {
    /// `data[key]`, if there is such a key.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.data.get(key.as_bytes())
    }

    /// The timestamp as a `SystemTime`.
    #[must_use]
    pub fn signed_at(&self) -> SystemTime {
        timestamp_to_time(self.timestamp)
    }
}

/// Seconds since 1970 as a `SystemTime`, clamped to what `i64` holds.
pub(crate) fn timestamp_to_time(timestamp: u64) -> SystemTime {
    from_unix_seconds(i64::try_from(timestamp).unwrap_or(i64::MAX))
}

/// A cookie value taken apart, but not verified: anyone can do this much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieParts {
    /// The first part as sent: base64url of the JSON, or `.` and base64url
    /// of the compressed JSON. (The dot is part of what is signed.)
    pub payload_b64: String,
    /// The second part as sent: base64url of the timestamp bytes.
    pub timestamp_b64: String,
    /// The third part as sent: base64url of the tag.
    pub signature_b64: String,
    /// `payload_b64` starts with `.`: the payload is zlib-compressed JSON.
    pub compressed: bool,
    /// The decoded payload: JSON text, or a zlib stream if `compressed`.
    pub payload: Vec<u8>,
    /// The decoded timestamp, seconds since 1970.
    pub timestamp: u64,
    /// The decoded tag: 32 bytes, if a signer made it.
    pub signature: Vec<u8>,
}

impl CookieParts {
    /// The JSON bytes: the payload, inflated if it is compressed (to at
    /// most [`MAX_JSON_BYTES`]). Anyone can do this, key or no key.
    ///
    /// # Errors
    /// The compressed payload is not a zlib stream, or inflates past the limit.
    pub fn json(&self) -> Result<Vec<u8>, ZlibError> {
        if self.compressed {
            zlib::decompress(&self.payload, MAX_JSON_BYTES).map(|d| d.data)
        } else {
            Ok(self.payload.clone())
        }
    }
}

/// itsdangerous' `dump_payload`: the JSON as base64url, or, if zlib makes
/// it at least two bytes shorter (`len(compressed) < len(json) - 1`),
/// `.` and base64url of the compressed JSON.
///
/// # Examples
/// ```
/// use goldfish::session::signer::encode_payload;
/// assert_eq!(encode_payload(br#"{"fav_number":42}"#), "eyJmYXZfbnVtYmVyIjo0Mn0");
/// let answers = br#"{"responses":["Yes","Yes","Yes","Yes","Yes","Yes","Yes","Yes"]}"#;
/// assert!(encode_payload(answers).starts_with(".eJ"));
/// ```
#[must_use]
pub fn encode_payload(json: &[u8]) -> String {
    let compressed = zlib::compress(json);
    if compressed.len() < json.len().saturating_sub(1) {
        format!(".{}", base64url::encode(&compressed))
    } else {
        base64url::encode(json)
    }
}

/// Steps 1 and 2 of reading a cookie: split it and decode each part.
///
/// # Errors
/// Missing dots, bad base64url in any part, or a timestamp longer than 8 bytes.
///
/// # Examples
/// ```
/// let parts = goldfish::session::signer::split("e30.aSYCow.4k1BCSxFelZZ6KiXirPkJQIqQVz1RpXyVBRJhYDqOPQ").unwrap();
/// assert_eq!(parts.payload, b"{}");
/// assert_eq!(parts.timestamp, 1_764_098_723);
/// ```
pub fn split(cookie: &str) -> Result<CookieParts, SignError> {
    // 1. Split on the *last* two dots, as itsdangerous does (rsplit): the
    //    signature and the timestamp never contain a dot, so whatever is
    //    left of them is the payload.
    let missing = || SignError::MissingSeparators {
        found: cookie.matches('.').count(),
    };
    let (signed, signature_b64) = cookie.rsplit_once('.').ok_or_else(missing)?;
    let (payload_b64, timestamp_b64) = signed.rsplit_once('.').ok_or_else(missing)?;
    // A leading dot marks a compressed payload; the rest is base64url.
    let (compressed, payload_text) = match payload_b64.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, payload_b64),
    };

    // 2. Decode each part from base64url.
    let decode = |part: Part, text: &str| {
        base64url::decode(text).map_err(|error| SignError::Base64 { part, error })
    };
    let payload = decode(Part::Payload, payload_text)?;
    let timestamp_bytes = decode(Part::Timestamp, timestamp_b64)?;
    let signature = decode(Part::Signature, signature_b64)?;
    if timestamp_bytes.len() > 8 {
        return Err(SignError::TimestampTooLong {
            len: timestamp_bytes.len(),
        });
    }
    // Big-endian: each byte shifts the ones before it up by 8 bits.
    let timestamp = timestamp_bytes
        .iter()
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));

    Ok(CookieParts {
        payload_b64: payload_b64.to_owned(),
        timestamp_b64: timestamp_b64.to_owned(),
        signature_b64: signature_b64.to_owned(),
        compressed,
        payload,
        timestamp,
        signature,
    })
}

/// `n` as big-endian bytes without leading zero bytes (0 is no bytes at
/// all), as itsdangerous' `int_to_bytes` writes it: 1764098723 → `69 26 02 a3`.
fn minimal_be_bytes(n: u64) -> Vec<u8> {
    let bytes = n.to_be_bytes();
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes[first..].to_vec()
}

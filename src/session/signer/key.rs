//! Digests and keys: which HMAC signs, and with what.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::SALT;
use crate::session::hmac_sha1::{self, HmacSha1};

type HmacSha256 = Hmac<Sha256>;

/// The hash inside the HMAC: itsdangerous' `digest_method`.
///
/// Flask's session uses SHA-1 unless told otherwise
/// (`SecureCookieSessionInterface.digest_method = hashlib.sha1`); goldfish
/// uses SHA-256 unless told otherwise (`--session-digest sha1`). Both are
/// safe inside an HMAC today. SHA-256 is goldfish's default because it is
/// what a new design should pick: SHA-1 is broken for collisions, and
/// although HMAC does not rely on that property, no new protocol should
/// start with a hash whose security margin is gone.
///
/// # Examples
/// ```
/// use goldfish::session::Digest;
/// assert_eq!(Digest::parse("sha1"), Some(Digest::Sha1));
/// assert_eq!(Digest::from_tag_len(32), Some(Digest::Sha256));
/// assert_eq!(Digest::Sha1.to_string(), "HMAC-SHA1");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Digest {
    /// HMAC-SHA1 (FIPS 180-4, by hand in `sha1.rs`): 20-byte tags. Flask's default.
    Sha1,
    /// HMAC-SHA256 (the `sha2` and `hmac` crates): 32-byte tags. goldfish's default.
    #[default]
    Sha256,
}

impl Digest {
    /// The length of this digest's tags in bytes (and of derived keys).
    #[must_use]
    pub const fn tag_len(self) -> usize {
        match self {
            Digest::Sha1 => hmac_sha1::TAG_LEN,
            Digest::Sha256 => 32,
        }
    }

    /// The digest whose tags are `len` bytes long, if there is one: how
    /// `goldfish session decode` tells a stock Flask cookie (20) from a
    /// goldfish one (32) without being told.
    #[must_use]
    pub fn from_tag_len(len: usize) -> Option<Digest> {
        [Digest::Sha1, Digest::Sha256]
            .into_iter()
            .find(|d| d.tag_len() == len)
    }

    /// `sha1` or `sha256`, the names Python's `hashlib` uses.
    #[must_use]
    pub fn parse(name: &str) -> Option<Digest> {
        match name {
            "sha1" => Some(Digest::Sha1),
            "sha256" => Some(Digest::Sha256),
            _ => None,
        }
    }

    /// The `hashlib` name: `sha1` or `sha256`.
    #[must_use]
    pub fn hashlib_name(self) -> &'static str {
        match self {
            Digest::Sha1 => "sha1",
            Digest::Sha256 => "sha256",
        }
    }

    /// `HMAC(key, message)` with this hash.
    fn tag(self, key: &[u8], message: &[u8]) -> Vec<u8> {
        match self {
            Digest::Sha1 => {
                let mut mac = HmacSha1::new(key);
                mac.update(message);
                mac.finalize().to_vec()
            }
            Digest::Sha256 => {
                let mut mac = new_hmac_sha256(key);
                mac.update(message);
                mac.finalize().into_bytes().to_vec()
            }
        }
    }

    /// Is `tag` the HMAC of `message` under `key`? Compared in constant
    /// time: by the `hmac` crate's `verify_slice` for SHA-256, and by
    /// [`hmac_sha1::equal_in_constant_time`] for SHA-1. A tag of the wrong
    /// length is simply wrong.
    fn verify(self, key: &[u8], message: &[u8], tag: &[u8]) -> bool {
        match self {
            Digest::Sha1 => {
                let mut mac = HmacSha1::new(key);
                mac.update(message);
                mac.verify(tag)
            }
            Digest::Sha256 => {
                let mut mac = new_hmac_sha256(key);
                mac.update(message);
                mac.verify_slice(tag).is_ok()
            }
        }
    }
}

/// `HMAC-SHA1` or `HMAC-SHA256`.
impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Digest::Sha1 => "HMAC-SHA1",
            Digest::Sha256 => "HMAC-SHA256",
        })
    }
}

fn new_hmac_sha256(key: &[u8]) -> HmacSha256 {
    // RFC 2104 §2: HMAC takes a key of any length (one longer than the
    // hash's block is hashed first), so this never fails.
    HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length")
}

/// A signing key derived from a `SECRET_KEY`, for one digest. Its `Debug`
/// prints only `Key`, so it cannot leak into a log line.
///
/// # Examples
/// ```
/// use goldfish::session::{Digest, Key};
/// let key = Key::derive(Digest::Sha256, b"SHHHHHHHHHHH SEEKRIT");
/// assert_eq!(format!("{key:?}"), "Key");
/// ```
#[derive(Clone)]
pub struct Key {
    /// Which HMAC this key is for.
    digest: Digest,
    /// HMAC(secret, SALT) with that digest: `digest.tag_len()` bytes. Never printed.
    bytes: Vec<u8>,
}

impl Key {
    /// `HMAC(secret, "cookie-session")`, itsdangerous' "hmac" key derivation.
    #[must_use]
    pub fn derive(digest: Digest, secret: &[u8]) -> Key {
        Key {
            digest,
            bytes: digest.tag(secret, SALT),
        }
    }

    /// The digest this key signs with.
    #[must_use]
    pub fn digest(&self) -> Digest {
        self.digest
    }

    /// The tag of `message`.
    pub(super) fn tag(&self, message: &[u8]) -> Vec<u8> {
        self.digest.tag(&self.bytes, message)
    }

    /// Is `tag` this key's tag of `message`? (Constant time.)
    pub(super) fn verify(&self, message: &[u8], tag: &[u8]) -> bool {
        self.digest.verify(&self.bytes, message, tag)
    }

    /// The derived key itself, for the key-derivation test.
    #[cfg(test)]
    pub(super) fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key")
    }
}

/// Which key verified a cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUsed {
    /// The current `SECRET_KEY`.
    Current,
    /// `fallbacks[i]`, counting from 0, newest first. The server may want
    /// to re-sign such a session with the current key.
    Fallback(usize),
}

impl fmt::Display for KeyUsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyUsed::Current => f.write_str("the current SECRET_KEY"),
            KeyUsed::Fallback(i) => write!(
                f,
                "fallback key #{} (SECRET_KEY_FALLBACKS, newest first)",
                i + 1
            ),
        }
    }
}

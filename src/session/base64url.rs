//! base64url without padding (RFC 4648 §5), by hand.
//!
//! Base64 writes 3 bytes (24 bits) as 4 characters of 6 bits each. The
//! URL-safe alphabet (§5) swaps `+` and `/` for `-` and `_`, which need no
//! escaping in a URL or a cookie value; and the `=` padding is left off
//! (§3.2 allows that "when the length of the encoded data is known", as it
//! is here: the cookie parts are separated by dots).
//!
//! Facts:
//! - 1 byte → 2 chars, 2 bytes → 3 chars, 3 bytes → 4 chars. So a length
//!   with `len % 4 == 1` can never be produced: 6 bits do not make a byte.
//! - In a final group of 2 or 3 characters, the last character carries bits
//!   that belong to no byte (4 or 2 of them). An encoder sets them to 0.
//!
//! ## Decision: the decoder is strict
//! Python's `base64.urlsafe_b64decode`, which itsdangerous uses, is
//! forgiving: it skips characters outside the alphabet (`"!QQ"` → `b"A"`),
//! accepts the standard alphabet's `+` and `/` too, and ignores the
//! leftover bits, so `QQ` and `QR` both decode to `b"A"`. We refuse all of
//! that:
//! - **padding `=`**: never written by itsdangerous nor by us;
//! - **characters outside `A-Z a-z 0-9 - _`**, with the character and its position;
//! - **impossible lengths** (`len % 4 == 1`);
//! - **non-zero leftover bits** (RFC 4648 §3.5, "Canonical Encoding":
//!   decoders MAY reject them).
//!
//! The last rule matters for the `/session` lesson. A signature is 32 bytes,
//! 43 characters; the last character carries 4 real bits and 2 leftover
//! bits. With a forgiving decoder, changing a signature's final `o` to `p`
//! leaves the bytes unchanged: itsdangerous really does accept
//! `…S7io` and `…S7ip` as the same signature. That is not a forgery (the
//! bytes, and so the HMAC, are unchanged), but it breaks the lesson "change
//! any character and the cookie is refused". With canonical decoding each
//! byte string has exactly one spelling, so that lesson holds.

use std::fmt;

/// RFC 4648 §5, Table 2: the value of each character is its index.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Encodes bytes as base64url without padding.
///
/// # Examples
/// ```
/// use goldfish::session::base64url;
/// assert_eq!(base64url::encode(b"{}"), "e30");
/// assert_eq!(base64url::encode(&[0xfb, 0xff]), "-_8");
/// ```
#[must_use]
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    let char_at = |bits: u32| char::from(ALPHABET[(bits & 0x3f) as usize]);
    for chunk in bytes.chunks(3) {
        // Pack up to 3 bytes into the top of a 24-bit group …
        let b0 = u32::from(chunk[0]);
        let b1 = chunk.get(1).map_or(0, |b| u32::from(*b));
        let b2 = chunk.get(2).map_or(0, |b| u32::from(*b));
        let group = (b0 << 16) | (b1 << 8) | b2;
        // … and write 2, 3 or 4 of its 6-bit pieces (no padding).
        out.push(char_at(group >> 18));
        out.push(char_at(group >> 12));
        if chunk.len() > 1 {
            out.push(char_at(group >> 6));
        }
        if chunk.len() > 2 {
            out.push(char_at(group));
        }
    }
    out
}

/// Decodes unpadded base64url, strictly (see the module docs).
///
/// # Errors
/// [`Base64Error`] says which rule was broken and where.
///
/// # Examples
/// ```
/// use goldfish::session::base64url;
/// assert_eq!(base64url::decode("e30").unwrap(), b"{}");
/// assert!(base64url::decode("e30=").is_err()); // no padding
/// ```
pub fn decode(text: &str) -> Result<Vec<u8>, Base64Error> {
    // 1. Every character must be in the alphabet. Checked first, so that a
    //    stray `=` or `!` is reported as itself, not as a bad length.
    let mut sextets = Vec::with_capacity(text.len());
    for (position, c) in text.char_indices() {
        match sextet(c) {
            Some(v) => sextets.push(v),
            None if c == '=' => return Err(Base64Error::Padding { position }),
            None => return Err(Base64Error::InvalidCharacter { found: c, position }),
        }
    }
    // 2. The length must be one an encoder can produce.
    if sextets.len() % 4 == 1 {
        return Err(Base64Error::ImpossibleLength { len: sextets.len() });
    }
    // 3. Four characters make three bytes; a final 2 or 3 make 1 or 2.
    let mut out = Vec::with_capacity(sextets.len() / 4 * 3 + 2);
    for group in sextets.chunks(4) {
        let mut bits: u32 = 0;
        for (i, v) in group.iter().enumerate() {
            bits |= u32::from(*v) << (18 - 6 * i);
        }
        let [_, b0, b1, b2] = bits.to_be_bytes();
        let bytes = &[b0, b1, b2][..group.len() - 1];
        // 4. The bits past the last whole byte must be zero (RFC 4648 §3.5).
        let used_bits = 8 * bytes.len();
        let leftover = bits & (0x00ff_ffff >> used_bits);
        if leftover != 0 {
            let position = text.len() - 1; // only the last group can be short
            return Err(Base64Error::NonCanonical { position });
        }
        out.extend_from_slice(bytes);
    }
    Ok(out)
}

/// The 6-bit value of one base64url character.
fn sextet(c: char) -> Option<u8> {
    let v = match c {
        'A'..='Z' => c as u32 - 'A' as u32,
        'a'..='z' => c as u32 - 'a' as u32 + 26,
        '0'..='9' => c as u32 - '0' as u32 + 52,
        '-' => 62,
        '_' => 63,
        _ => return None,
    };
    Some(v as u8)
}

/// Why a base64url string was refused. Positions are byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base64Error {
    /// An `=`: padding is not used here.
    Padding { position: usize },
    /// A character outside `A-Z a-z 0-9 - _`.
    InvalidCharacter { found: char, position: usize },
    /// `len % 4 == 1`: no byte string encodes to that many characters.
    ImpossibleLength { len: usize },
    /// The last character has bits set that belong to no byte.
    NonCanonical { position: usize },
}

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Base64Error::Padding { position } => write!(
                f,
                "found '=' at position {position}: cookies use base64url without \
                 '=' padding (RFC 4648 §3.2, §5)"
            ),
            Base64Error::InvalidCharacter { found, position } => write!(
                f,
                "found {found:?} at position {position}: base64url uses only \
                 A-Z a-z 0-9 - _ (RFC 4648 §5)"
            ),
            Base64Error::ImpossibleLength { len } => write!(
                f,
                "{len} characters cannot be base64: one character left over \
                 holds 6 bits, less than a byte"
            ),
            Base64Error::NonCanonical { position } => write!(
                f,
                "the last character (position {position}) has bits set that belong \
                 to no byte; the canonical encoding has them zero (RFC 4648 §3.5)"
            ),
        }
    }
}

impl std::error::Error for Base64Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_rfc_4648_test_vectors() {
        // RFC 4648 §10, without the padding (base64url and base64 agree on
        // these: none of them contains a 62 or a 63).
        let cases: &[(&[u8], &str)] = &[
            (b"", ""),
            (b"f", "Zg"),
            (b"fo", "Zm8"),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg"),
            (b"fooba", "Zm9vYmE"),
            (b"foobar", "Zm9vYmFy"),
        ];
        for (input, want) in cases {
            let got = encode(input);
            assert_eq!(&got, want, "encode({input:?}) = {got:?}; want {want:?}");
            let back = decode(want);
            assert_eq!(
                back.as_deref(),
                Ok(*input),
                "decode({want:?}) = {back:?}; want {input:?}"
            );
        }
    }

    #[test]
    fn decodes_and_encodes_the_url_safe_alphabet() {
        let cases: &[(&str, &[u8], &str)] = &[
            ("62 is '-' (standard base64 says '+')", &[0xfb, 0xef], "--8"),
            ("63 is '_' (standard base64 says '/')", &[0xff, 0xff], "__8"),
            ("both", &[0xfb, 0xff], "-_8"),
            (
                "all 64 values",
                &[
                    0x00, 0x10, 0x83, 0x10, 0x51, 0x87, 0x20, 0x92, 0x8b, 0x30, 0xd3, 0x8f, 0x41,
                    0x14, 0x93, 0x51, 0x55, 0x97, 0x61, 0x96, 0x9b, 0x71, 0xd7, 0x9f, 0x82, 0x18,
                    0xa3, 0x92, 0x59, 0xa7, 0xa2, 0x9a, 0xab, 0xb2, 0xdb, 0xaf, 0xc3, 0x1c, 0xb3,
                    0xd3, 0x5d, 0xb7, 0xe3, 0x9e, 0xbb, 0xf3, 0xdf, 0xbf,
                ],
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
            ),
            (
                "a session payload",
                b"{\"fav_number\":42}",
                "eyJmYXZfbnVtYmVyIjo0Mn0",
            ),
            ("a timestamp", &[0x69, 0x26, 0x02, 0xa3], "aSYCow"),
        ];
        for (why, bytes, text) in cases {
            let got = encode(bytes);
            assert_eq!(
                &got, text,
                "{why}: encode({bytes:?}) = {got:?}; want {text:?}"
            );
            let back = decode(text);
            assert_eq!(
                back.as_deref(),
                Ok(*bytes),
                "{why}: decode({text:?}) = {back:?}"
            );
        }
    }

    #[test]
    fn refuses_what_an_encoder_never_writes() {
        use Base64Error::*;
        let cases: &[(&str, &str, Base64Error)] = &[
            ("padding is not used", "Zg==", Padding { position: 2 }),
            (
                "padding even where the length would need it",
                "Zm8=",
                Padding { position: 3 },
            ),
            (
                "'+' is standard base64, not base64url",
                "a+b",
                InvalidCharacter {
                    found: '+',
                    position: 1,
                },
            ),
            (
                "'/' is standard base64, not base64url",
                "ab/c",
                InvalidCharacter {
                    found: '/',
                    position: 2,
                },
            ),
            (
                "'!' is in no alphabet (Python skips it)",
                "!!!",
                InvalidCharacter {
                    found: '!',
                    position: 0,
                },
            ),
            (
                "whitespace is not skipped",
                "Zm9v Yg",
                InvalidCharacter {
                    found: ' ',
                    position: 4,
                },
            ),
            (
                "a newline is not skipped",
                "Zm9v\n",
                InvalidCharacter {
                    found: '\n',
                    position: 4,
                },
            ),
            (
                "a dot belongs to the cookie, not to base64",
                "e30.",
                InvalidCharacter {
                    found: '.',
                    position: 3,
                },
            ),
            (
                "non-ASCII is reported as itself, at its byte offset",
                "Zé",
                InvalidCharacter {
                    found: 'é',
                    position: 1,
                },
            ),
            (
                "one character is 6 bits, not a byte",
                "Z",
                ImpossibleLength { len: 1 },
            ),
            (
                "five characters: 4 + 1",
                "Zm9vY",
                ImpossibleLength { len: 5 },
            ),
            (
                "QR would also be 'A' if leftover bits were ignored",
                "QR",
                NonCanonical { position: 1 },
            ),
            (
                "Zm8 is 'fo'; Zm- differs only in leftover bits",
                "Zm-",
                NonCanonical { position: 2 },
            ),
            (
                "a signature whose last char changes only leftover bits",
                "XTZe0hAixsAev5ZQ3zCpnZKv7vEyUfSa8_pUPXmS7ip",
                NonCanonical { position: 42 },
            ),
        ];
        for (why, input, want) in cases {
            let got = decode(input);
            assert_eq!(
                got.as_ref(),
                Err(want),
                "{why}: decode({input:?}) = {got:?}; want {want:?}"
            );
        }
    }

    #[test]
    fn every_byte_string_has_one_spelling() {
        // Round trip all 1- and 2-byte strings, and check that no other
        // spelling of the same length decodes at all to the same bytes.
        for a in 0..=255u8 {
            let text = encode(&[a]);
            assert_eq!(decode(&text), Ok(vec![a]), "decode(encode([{a}]))");
            for b in [0u8, 1, 0x7f, 0x80, 0xfe, 0xff] {
                let text = encode(&[a, b]);
                assert_eq!(decode(&text), Ok(vec![a, b]), "decode(encode([{a}, {b}]))");
            }
        }
        let mut spellings = 0;
        for c in ALPHABET {
            let text = format!("Q{}", char::from(*c));
            if decode(&text) == Ok(b"A".to_vec()) {
                spellings += 1;
            }
        }
        assert_eq!(spellings, 1, "b\"A\" has exactly one 2-character spelling");
    }
}

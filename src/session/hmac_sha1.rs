//! HMAC-SHA1, by hand, from RFC 2104, and a constant-time comparison.
//!
//! The `hmac` crate, which signs goldfish's SHA-256 cookies, is generic over
//! the RustCrypto digest traits; our SHA-1 (`sha1.rs`) does not implement
//! them, and implementing them would be most of a page of type-level
//! plumbing that teaches nothing. HMAC itself is five lines of RFC:
//!
//! ```text
//! H(K XOR opad, H(K XOR ipad, text))                        ; RFC 2104 §2
//! ```
//!
//! where `K` is the key padded with zeros to the hash's block size `B` (64
//! bytes for SHA-1), a key longer than `B` is hashed first, `ipad` is the
//! byte 0x36 repeated `B` times and `opad` the byte 0x5C repeated `B` times.
//!
//! Why two nested hashes, and not just `H(key, text)`? Hashes like SHA-1
//! are built so that `H(key, text)` lets anyone who sees it compute
//! `H(key, text, more)` without the key (a *length-extension attack*). The
//! outer hash hides the inner state, so a tag says nothing about the tag
//! of any longer message.

use super::sha1::{BLOCK_LEN, DIGEST_LEN, Sha1, sha1};

/// Length of an HMAC-SHA1 tag: the SHA-1 digest length, 20 bytes.
pub const TAG_LEN: usize = DIGEST_LEN;

/// An HMAC-SHA1 computation: the inner hash is fed as the message arrives,
/// the outer one at the end.
///
/// # Examples
/// ```
/// use goldfish::session::hmac_sha1::HmacSha1;
/// // RFC 2202 §3, test case 2.
/// let mut mac = HmacSha1::new(b"Jefe");
/// mac.update(b"what do ya want for nothing?");
/// let tag = mac.finalize();
/// assert_eq!(tag[..4], [0xef, 0xfc, 0xdf, 0x6a]);
/// ```
#[derive(Clone)]
pub struct HmacSha1 {
    /// `H(K XOR ipad, …`: has read the padded key, then the message so far.
    inner: Sha1,
    /// `K XOR opad`, kept for the outer hash.
    outer_key: [u8; BLOCK_LEN],
}

impl HmacSha1 {
    /// Starts an HMAC with `key`, of any length (RFC 2104 §2: "keys longer
    /// than B bytes are first hashed using H", shorter ones are padded).
    #[must_use]
    pub fn new(key: &[u8]) -> HmacSha1 {
        // K: the key, or its digest if it is longer than a block, then zeros.
        let mut k = [0u8; BLOCK_LEN];
        if key.len() > BLOCK_LEN {
            k[..DIGEST_LEN].copy_from_slice(&sha1(key));
        } else {
            k[..key.len()].copy_from_slice(key);
        }
        let mut inner_key = [0u8; BLOCK_LEN];
        let mut outer_key = [0u8; BLOCK_LEN];
        for i in 0..BLOCK_LEN {
            inner_key[i] = k[i] ^ 0x36; // ipad
            outer_key[i] = k[i] ^ 0x5c; // opad
        }
        let mut inner = Sha1::new();
        inner.update(&inner_key);
        HmacSha1 { inner, outer_key }
    }

    /// Reads more of the message (`text` in the RFC).
    pub fn update(&mut self, data: &[u8]) {
        self.inner.update(data);
    }

    /// The tag: `H(K XOR opad, H(K XOR ipad, text))`.
    #[must_use]
    pub fn finalize(self) -> [u8; TAG_LEN] {
        let inner_digest = self.inner.finalize();
        let mut outer = Sha1::new();
        outer.update(&self.outer_key);
        outer.update(&inner_digest);
        outer.finalize()
    }

    /// Does `tag` match this message? Compared in constant time.
    #[must_use]
    pub fn verify(self, tag: &[u8]) -> bool {
        equal_in_constant_time(&self.finalize(), tag)
    }
}

/// `a == b`, taking the same time wherever the first difference is.
///
/// `==` on slices stops at the first byte that differs. An attacker who
/// can time the server's answer learns from that how many leading bytes of
/// a forged tag were right, and can find a valid tag one byte at a time.
/// Here every byte is looked at: the differences are OR-ed together and
/// only the total is tested. (`black_box` keeps the optimiser from turning
/// the loop back into an early exit.) The *length* is not secret — every
/// tag of one digest has the same length — so a length mismatch may answer
/// at once.
#[must_use]
pub fn equal_in_constant_time(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut difference = 0u8;
    for (x, y) in a.iter().zip(b) {
        difference = std::hint::black_box(difference | (x ^ y));
    }
    difference == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// RFC 2202 §3, "Test Cases for HMAC-SHA-1", all seven; and an empty
    /// key and message (from Python's `hmac.new(b"", b"", "sha1")`).
    #[test]
    fn rfc_2202_test_cases() {
        let key_1_to_25: Vec<u8> = (1..=25).collect();
        let cases: &[(&str, &[u8], &[u8], &str)] = &[
            (
                "1: a 20-byte key",
                &[0x0b; 20],
                b"Hi There",
                "b617318655057264e28bc0b6fb378c8ef146be00",
            ),
            (
                "2: a key shorter than the digest",
                b"Jefe",
                b"what do ya want for nothing?",
                "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
            ),
            (
                "3: 50 bytes of 0xdd",
                &[0xaa; 20],
                &[0xdd; 50],
                "125d7342b9ac11cd91a39af48aa17b4f63f175d3",
            ),
            (
                "4: a 25-byte key",
                &key_1_to_25,
                &[0xcd; 50],
                "4c9007f4026250c6bc8414f9bf50c86c2d7235da",
            ),
            (
                "5: the tag before truncation",
                &[0x0c; 20],
                b"Test With Truncation",
                "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04",
            ),
            (
                "6: a key longer than a block is hashed first",
                &[0xaa; 80],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "aa4ae5e15272d00e95705637ce8a3b55ed402112",
            ),
            (
                "7: long key and message longer than a block",
                &[0xaa; 80],
                b"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
                "e8e99d0f45237d786d6bbaa7965c7808bbff1a91",
            ),
            (
                "an empty key and message",
                b"",
                b"",
                "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d",
            ),
        ];
        for (why, key, data, want) in cases {
            let mut mac = HmacSha1::new(key);
            mac.update(data);
            let got = hex(&mac.finalize());
            assert_eq!(&got, want, "case {why}: hmac_sha1 = {got}; want {want}");
        }
    }

    #[test]
    fn a_64_byte_key_is_used_as_is_and_a_65_byte_key_is_hashed() {
        // Python: hmac.new(b"k" * 64, b"m", "sha1") and b"k" * 65.
        let cases: &[(usize, &str)] = &[
            (64, "d52b5b30393c20f423870bb6d0ad622b02848ca9"),
            (65, "d7ab367121230c7e073a785f02c779c915e96d01"),
        ];
        for (len, want) in cases {
            let mut mac = HmacSha1::new(&vec![b'k'; *len]);
            mac.update(b"m");
            let got = hex(&mac.finalize());
            assert_eq!(&got, want, "a {len}-byte key: {got}; want {want}");
        }
    }

    #[test]
    fn verify_accepts_only_the_exact_tag() {
        let tag = {
            let mut mac = HmacSha1::new(b"Jefe");
            mac.update(b"what do ya want for nothing?");
            mac.finalize()
        };
        let check = |candidate: &[u8]| {
            let mut mac = HmacSha1::new(b"Jefe");
            mac.update(b"what do ya want for nothing?");
            mac.verify(candidate)
        };
        assert!(check(&tag), "the right tag");
        let mut last_flipped = tag;
        last_flipped[19] ^= 1;
        assert!(!check(&last_flipped), "the last bit differs");
        let mut first_flipped = tag;
        first_flipped[0] ^= 0x80;
        assert!(!check(&first_flipped), "the first bit differs");
        assert!(!check(&tag[..19]), "a truncated tag");
        assert!(!check(b""), "an empty tag");
    }

    #[test]
    fn equal_in_constant_time_is_equality() {
        let cases: &[(&[u8], &[u8], bool)] = &[
            (b"", b"", true),
            (b"abc", b"abc", true),
            (b"abc", b"abd", false),
            (b"abc", b"xbc", false),
            (b"abc", b"ab", false),
            (b"ab", b"abc", false),
        ];
        for (a, b, want) in cases {
            let got = equal_in_constant_time(a, b);
            assert_eq!(
                got, *want,
                "equal_in_constant_time({a:?}, {b:?}) = {got}; want {want}"
            );
        }
    }
}

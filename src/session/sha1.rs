//! SHA-1, by hand, from FIPS 180-4 (the Secure Hash Standard, 2015).
//!
//! Why goldfish has it: a stock Flask app signs its session cookie with
//! HMAC-SHA1 (itsdangerous' default digest), and the `sha2` crate has no
//! SHA-1. With this file, `goldfish session decode` can check the cookie a
//! learner's own Flask app made, and `--session-digest sha1` makes goldfish
//! a drop-in for one.
//!
//! Facts:
//! - **A hash reads blocks of 64 bytes** and keeps a state of five 32-bit
//!   words. Each block is mixed into the state by 80 rounds (§6.1.2); the
//!   state after the last block is the 20-byte digest.
//! - **The last block is padded** (§5.1.1): a `1` bit, zeros, then the
//!   message length in bits as a 64-bit big-endian number, so that the
//!   total is a multiple of 64 bytes. So `"abc"` and `"abc\0"` differ.
//! - **Big-endian everywhere**: bytes become words most significant byte
//!   first (§3.1), and the digest is the state written the same way.
//! - **SHA-1 is broken for collisions** (SHAttered, 2017: two different
//!   PDFs with the same SHA-1). HMAC-SHA1 is not broken by that — HMAC
//!   needs the hash to be a good *keyed* function, not collision-resistant
//!   (RFC 2104 §6; RFC 6151 §2 says the same of HMAC-MD5) — but new designs
//!   should not pick SHA-1, which is why goldfish signs with SHA-256 unless
//!   told otherwise.
//!
//! Not constant-time-sensitive: the rounds do the same work whatever the
//! input, and comparing tags is HMAC's job (`hmac_sha1.rs`).

/// Length of a SHA-1 digest: 160 bits.
pub const DIGEST_LEN: usize = 20;

/// SHA-1 reads its input in blocks of 512 bits.
pub const BLOCK_LEN: usize = 64;

/// H(0), the initial state — FIPS 180-4 §5.3.1.
const INITIAL: [u32; 5] = [
    0x6745_2301,
    0xefcd_ab89,
    0x98ba_dcfe,
    0x1032_5476,
    0xc3d2_e1f0,
];

/// A SHA-1 computation in progress: feed it bytes, then take the digest.
///
/// # Examples
/// ```
/// use goldfish::session::sha1::{Sha1, sha1};
/// let mut h = Sha1::new();
/// h.update(b"a");
/// h.update(b"bc");
/// assert_eq!(h.finalize(), sha1(b"abc"));
/// assert_eq!(sha1(b"abc")[..4], [0xa9, 0x99, 0x3e, 0x36]);
/// ```
#[derive(Clone)]
pub struct Sha1 {
    /// H0..H4: the running hash value.
    state: [u32; 5],
    /// Bytes waiting for a full block; only the first `buffered` count.
    block: [u8; BLOCK_LEN],
    buffered: usize,
    /// Message length so far, in bytes (the padding needs it, in bits).
    length: u64,
}

impl Default for Sha1 {
    fn default() -> Sha1 {
        Sha1::new()
    }
}

impl Sha1 {
    /// A fresh computation, in state H(0).
    #[must_use]
    pub fn new() -> Sha1 {
        Sha1 {
            state: INITIAL,
            block: [0; BLOCK_LEN],
            buffered: 0,
            length: 0,
        }
    }

    /// Reads more of the message.
    pub fn update(&mut self, mut data: &[u8]) {
        self.length = self.length.wrapping_add(data.len() as u64);
        while !data.is_empty() {
            let take = (BLOCK_LEN - self.buffered).min(data.len());
            self.block[self.buffered..self.buffered + take].copy_from_slice(&data[..take]);
            self.buffered += take;
            data = &data[take..];
            if self.buffered == BLOCK_LEN {
                compress(&mut self.state, &self.block);
                self.buffered = 0;
            }
        }
    }

    /// Pads the message (§5.1.1) and returns the digest (§6.1.2, last step).
    #[must_use]
    pub fn finalize(mut self) -> [u8; DIGEST_LEN] {
        let bit_length = self.length.wrapping_mul(8);
        // "Append the bit 1", as the byte 0x80, then zeros until 8 bytes
        // are left in a block, then the length: one or two more blocks.
        self.update(&[0x80]);
        while self.buffered != BLOCK_LEN - 8 {
            self.update(&[0]);
        }
        self.update(&bit_length.to_be_bytes());
        let mut digest = [0; DIGEST_LEN];
        for (out, word) in digest.chunks_exact_mut(4).zip(self.state) {
            out.copy_from_slice(&word.to_be_bytes());
        }
        digest
    }
}

/// The SHA-1 digest of `data`, in one call.
#[must_use]
pub fn sha1(data: &[u8]) -> [u8; DIGEST_LEN] {
    let mut h = Sha1::new();
    h.update(data);
    h.finalize()
}

/// Mixes one 64-byte block into the state — FIPS 180-4 §6.1.2, steps 1–4.
fn compress(state: &mut [u32; 5], block: &[u8; BLOCK_LEN]) {
    // 1. The message schedule: the block as 16 big-endian words, then 64
    //    more, each the XOR of four earlier ones rotated left by one bit.
    //    (That rotation is the only difference between SHA-1 and SHA-0.)
    let mut w = [0u32; 80];
    for (t, bytes) in block.chunks_exact(4).enumerate() {
        w[t] = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    for t in 16..80 {
        w[t] = (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotate_left(1);
    }

    // 2. The working variables start as the current hash value.
    let [mut a, mut b, mut c, mut d, mut e] = *state;

    // 3. Eighty rounds. Each round's function and constant (§4.1.1, §4.2.1)
    //    change every 20 rounds; all additions are modulo 2^32.
    for (t, word) in w.iter().enumerate() {
        let (f, k) = match t {
            0..=19 => ((b & c) ^ (!b & d), 0x5a82_7999), // Ch: "if b then c else d"
            20..=39 => (b ^ c ^ d, 0x6ed9_eba1),         // Parity
            40..=59 => ((b & c) ^ (b & d) ^ (c & d), 0x8f1b_bcdc), // Maj: the majority bit
            _ => (b ^ c ^ d, 0xca62_c1d6),               // Parity again
        };
        let temp = a
            .rotate_left(5)
            .wrapping_add(f)
            .wrapping_add(e)
            .wrapping_add(k)
            .wrapping_add(*word);
        e = d;
        d = c;
        c = b.rotate_left(30);
        b = a;
        a = temp;
    }

    // 4. The new hash value: the old one plus the working variables.
    for (h, v) in state.iter_mut().zip([a, b, c, d, e]) {
        *h = h.wrapping_add(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The examples published with FIPS 180-4 (NIST's "Cryptographic
    /// Standards and Guidelines: Examples with Intermediate Values",
    /// SHA1.pdf and SHA1-2.pdf) and the long-message test of FIPS 180-1.
    #[test]
    fn published_vectors() {
        let million_a = vec![b'a'; 1_000_000];
        let cases: &[(&str, &[u8], &str)] = &[
            (
                "the empty message is one block of padding",
                b"",
                "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            ),
            (
                "FIPS 180-4 example: one block",
                b"abc",
                "a9993e364706816aba3e25717850c26c9cd0d89d",
            ),
            (
                "FIPS 180-4 example: 56 bytes, so the length needs a second block",
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
            ),
            (
                "FIPS 180-1: a million times 'a'",
                &million_a,
                "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
            ),
            (
                "the classic pangram",
                b"The quick brown fox jumps over the lazy dog",
                "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
            ),
        ];
        for (why, input, want) in cases {
            let got = hex(&sha1(input));
            assert_eq!(
                &got,
                want,
                "{why}: sha1(…{} bytes) = {got}; want {want}",
                input.len()
            );
        }
    }

    /// Feeding the message in pieces must not change the digest: the
    /// buffer carries partial blocks across `update` calls.
    #[test]
    fn pieces_give_the_same_digest() {
        let message: Vec<u8> = (0..300u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole = sha1(&message);
        for piece in [1, 3, 55, 56, 63, 64, 65, 128] {
            let mut h = Sha1::new();
            for chunk in message.chunks(piece) {
                h.update(chunk);
            }
            assert_eq!(hex(&h.finalize()), hex(&whole), "pieces of {piece} bytes");
        }
    }

    /// Lengths around the padding boundary (55 bytes fit the length in the
    /// same block, 56 need another). The digests are Python's
    /// `hashlib.sha1(bytes(range(n))).hexdigest()`; `tests/flask_interop.rs`
    /// compares many more lengths with `hashlib` live.
    #[test]
    fn padding_boundaries_match_hashlib() {
        let cases: &[(usize, &str)] = &[
            (55, "8ae2d46729cfe68ff927af5eec9c7d1b66d65ac2"),
            (56, "636e2ec698dac903498e648bd2f3af641d3c88cb"),
            (64, "c6138d514ffa2135bfce0ed0b8fac65669917ec7"),
        ];
        for (n, want) in cases {
            let input: Vec<u8> = (0..*n as u8).collect();
            let got = hex(&sha1(&input));
            assert_eq!(&got, want, "sha1(bytes(range({n}))) = {got}; want {want}");
        }
    }
}

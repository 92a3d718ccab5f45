//! MD5 (RFC 1321), by hand: only for PostgreSQL's old `md5` password
//! method.
//!
//! MD5 is broken for anything that needs collision resistance (2004), and
//! PostgreSQL has deprecated `md5` passwords in favour of SCRAM-SHA-256
//! (see `scram.rs`). goldfish speaks it because a learner's database may
//! still ask for it; `sha2` does not include it, so here it is, written
//! from the RFC, as `session/` writes SHA-1.
//!
//! The algorithm, RFC 1321 §3:
//! 1. Append a `1` bit, then `0` bits until the length is 448 mod 512.
//! 2. Append the original length in bits, as 64 bits, *little-endian*.
//! 3. Start from the four words A, B, C, D of §3.3.
//! 4. For each 64-byte block: four rounds of 16 steps, each
//!    `a = b + ((a + F(b,c,d) + X[k] + T[i]) <<< s)`, with the round's
//!    function F, G, H or I; then add the result into A, B, C, D.
//! 5. The digest is A, B, C, D written little-endian.

/// The shift amounts `s` of §3.4, per round, per step mod 4.
const S: [[u32; 4]; 4] = [
    [7, 12, 17, 22],
    [5, 9, 14, 20],
    [4, 11, 16, 23],
    [6, 10, 15, 21],
];

/// `T[i] = floor(2^32 * abs(sin(i + 1)))`, §3.4 (precomputed, as the RFC's
/// own table lists them).
const T: [u32; 64] = [
    0xd76a_a478,
    0xe8c7_b756,
    0x2420_70db,
    0xc1bd_ceee,
    0xf57c_0faf,
    0x4787_c62a,
    0xa830_4613,
    0xfd46_9501,
    0x6980_98d8,
    0x8b44_f7af,
    0xffff_5bb1,
    0x895c_d7be,
    0x6b90_1122,
    0xfd98_7193,
    0xa679_438e,
    0x49b4_0821,
    0xf61e_2562,
    0xc040_b340,
    0x265e_5a51,
    0xe9b6_c7aa,
    0xd62f_105d,
    0x0244_1453,
    0xd8a1_e681,
    0xe7d3_fbc8,
    0x21e1_cde6,
    0xc337_07d6,
    0xf4d5_0d87,
    0x455a_14ed,
    0xa9e3_e905,
    0xfcef_a3f8,
    0x676f_02d9,
    0x8d2a_4c8a,
    0xfffa_3942,
    0x8771_f681,
    0x6d9d_6122,
    0xfde5_380c,
    0xa4be_ea44,
    0x4bde_cfa9,
    0xf6bb_4b60,
    0xbebf_bc70,
    0x289b_7ec6,
    0xeaa1_27fa,
    0xd4ef_3085,
    0x0488_1d05,
    0xd9d4_d039,
    0xe6db_99e5,
    0x1fa2_7cf8,
    0xc4ac_5665,
    0xf429_2244,
    0x432a_ff97,
    0xab94_23a7,
    0xfc93_a039,
    0x655b_59c3,
    0x8f0c_cc92,
    0xffef_f47d,
    0x8584_5dd1,
    0x6fa8_7e4f,
    0xfe2c_e6e0,
    0xa301_4314,
    0x4e08_11a1,
    0xf753_7e82,
    0xbd3a_f235,
    0x2ad7_d2bb,
    0xeb86_d391,
];

/// The MD5 digest of `data`: 16 bytes.
///
/// # Examples
/// ```
/// use goldfish::store::postgres::md5::{md5, hex};
/// assert_eq!(hex(&md5(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
/// ```
#[must_use]
pub fn md5(data: &[u8]) -> [u8; 16] {
    // Steps 1 and 2: the padded message.
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    let bits = (data.len() as u64).wrapping_mul(8);
    msg.extend_from_slice(&bits.to_le_bytes());
    // Step 3.
    let mut state: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    // Step 4.
    for block in msg.chunks_exact(64) {
        let x: Vec<u32> = block
            .chunks_exact(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        let [mut a, mut b, mut c, mut d] = state;
        for i in 0..64 {
            let round = i / 16;
            // The round's function, and which word of the block step i reads.
            let (f, k) = match round {
                0 => ((b & c) | (!b & d), i),
                1 => ((b & d) | (c & !d), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let sum = a.wrapping_add(f).wrapping_add(x[k]).wrapping_add(T[i]);
            let rotated = b.wrapping_add(sum.rotate_left(S[round][i % 4]));
            // The four words move along by one: (a, b, c, d) <- (d, new, b, c).
            (a, b, c, d) = (d, rotated, b, c);
        }
        for (s, v) in state.iter_mut().zip([a, b, c, d]) {
            *s = s.wrapping_add(v);
        }
    }
    // Step 5.
    let mut out = [0u8; 16];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    out
}

/// Lower-case hex, as PostgreSQL writes MD5 digests.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What PostgreSQL's `md5` method wants in the `PasswordMessage` (§55.3 of
/// the manual, "AuthenticationMD5Password"):
/// `"md5" + hex(md5(hex(md5(password + user)) + salt))`.
///
/// The inner hash is what the server stores (`pg_authid.rolpassword` is
/// `"md5" + hex(md5(password + user))`), so the server never needs the
/// password itself; the salt makes each login's answer different, so a
/// recorded answer cannot be replayed. But the stored hash *is* enough to
/// log in, which is one reason SCRAM replaced it.
#[must_use]
pub fn password_message(user: &str, password: &str, salt: [u8; 4]) -> String {
    let inner = hex(&md5(format!("{password}{user}").as_bytes()));
    let mut outer = inner.into_bytes();
    outer.extend_from_slice(&salt);
    format!("md5{}", hex(&md5(&outer)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 1321, Appendix A.5 ("Test suite"), every vector.
    #[test]
    fn the_rfc_1321_test_suite() {
        let cases: &[(&str, &[u8], &str)] = &[
            ("empty", b"", "d41d8cd98f00b204e9800998ecf8427e"),
            ("one byte", b"a", "0cc175b9c0f1b6a831c399e269772661"),
            ("three bytes", b"abc", "900150983cd24fb0d6963f7d28e17f72"),
            (
                "message digest",
                b"message digest",
                "f96b697d7cb7938d525a2f31aaf161d0",
            ),
            (
                "the alphabet",
                b"abcdefghijklmnopqrstuvwxyz",
                "c3fcd3d76192e4007dfb496cca67e13b",
            ),
            (
                "62 bytes: the padding spills into a second block",
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                "d174ab98d277d9f5a5611c2c9f419d9f",
            ),
            (
                "80 bytes: two blocks",
                b"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ];
        for (why, input, want) in cases {
            let got = hex(&md5(input));
            assert_eq!(
                got,
                *want,
                "{why}: md5({:?}) = {got}; want {want}",
                input.escape_ascii().to_string()
            );
        }
    }

    #[test]
    fn block_boundaries() {
        // 55 bytes fit one block with the padding; 56 need a second. The
        // digests come from GNU coreutils' md5sum.
        let cases: &[(&str, usize, &str)] = &[
            (
                "55 bytes: one block",
                55,
                "ef1772b6dff9a122358552954ad0df65",
            ),
            (
                "56 bytes: the length spills over",
                56,
                "3b0c8ac703f828b04c6c197006d17218",
            ),
            (
                "64 bytes: exactly one block, padding in the next",
                64,
                "014842d480b571495a4a0363793f7367",
            ),
        ];
        for (why, n, want) in cases {
            let got = hex(&md5(&vec![b'a'; *n]));
            assert_eq!(got, *want, "{why}: md5(\"a\" x {n}) = {got}; want {want}");
        }
    }

    /// What libpq sends for user `postgres`, password `secret`, salt
    /// `01 02 03 04` (computed with Python's hashlib, as the manual's
    /// formula says).
    #[test]
    fn the_password_message_is_the_salted_double_hash() {
        let got = password_message("postgres", "secret", [1, 2, 3, 4]);
        assert_eq!(got, "md5bb41a296aab6baccb36ff243a562abff");
    }
}

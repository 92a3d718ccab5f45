//! zlib by hand: RFC 1950's frame around RFC 1951's DEFLATE.
//!
//! Flask's session serializer (itsdangerous) compresses the JSON with
//! Python's `zlib.compress` whenever that makes it shorter, and marks the
//! payload with a leading `.`:
//!
//! ```python
//! compressed = zlib.compress(json)
//! if len(compressed) < (len(json) - 1):   # itsdangerous 2.2, url_safe.py
//!     json = compressed
//!     is_compressed = True
//! ```
//!
//! So to read every cookie Flask writes, goldfish inflates, and to write
//! what Flask would write, it deflates. This module is both, pure
//! functions of bytes, small enough to read in one sitting.
//!
//! ## A zlib stream (RFC 1950 §2.2)
//!
//! ```text
//! +---+---+=====================+---+---+---+---+
//! |CMF|FLG| ...compressed data...|    ADLER32    |
//! +---+---+=====================+---+---+---+---+
//!  78  9c   DEFLATE blocks        checksum of the
//!                                 uncompressed data
//! ```
//!
//! - **CMF** = `0x78`: compression method 8 (DEFLATE, the low four bits)
//!   with a window of 2^(7+8) = 32 KiB (CINFO, the high four).
//! - **FLG** = `0x9c`: the compression level zlib used (FLEVEL, the top two
//!   bits: `10`, "default"), no preset dictionary (FDICT, bit 5), and five
//!   check bits (FCHECK) that make `CMF * 256 + FLG` a multiple of 31 —
//!   `0x789c` = 30876 = 31 × 996. That is why almost every zlib stream,
//!   and every base64 of one, starts the same way: `eJ` in base64url.
//! - **ADLER32**: [`adler32`] of the uncompressed data, big-endian, so a
//!   reader notices damaged data.
//!
//! The blocks in between are [`inflate`]'s and [`deflate`]'s business.
//!
//! ## What goldfish does differently from zlib
//! - **Inflating is capped.** [`decompress`] stops at `limit` bytes of
//!   output; Python's `zlib.decompress` has no limit. A session is JSON
//!   of at most 64 KiB, so more than that is refused with a sentence
//!   instead of filling memory.
//! - **Deflating is not byte-identical.** goldfish's compressor follows
//!   zlib's default level (the same LZ77 search limits, the cheapest of
//!   the three block types), but builds its Huffman codes its own way. Its
//!   streams are valid, and Flask reads them; they are usually exactly as
//!   long as zlib's and rarely the same bytes. So a session goldfish
//!   signs can differ from Flask's for the same data, and both are right.
//! - **Bytes after the stream are refused**; Python ignores them.

mod deflate;
mod error;
mod huffman;
mod inflate;
mod tables;
#[cfg(test)]
mod tests;

pub use deflate::{Token, deflate, matches};
pub use error::{Alphabet, ZlibError};
pub use inflate::{BlockType, Inflated, inflate};

/// CMF for DEFLATE (CM = 8) with a 32 KiB window (CINFO = 7).
const CMF: u8 = 0x78;
/// FLEVEL = 2, zlib's "default" level, in FLG's top two bits.
const FLEVEL_DEFAULT: u8 = 2;

/// The two header bytes of a zlib stream, read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The first byte: method and window size.
    pub cmf: u8,
    /// The second byte: check bits, dictionary flag, level.
    pub flg: u8,
}

impl Header {
    /// CM: 8 is DEFLATE.
    #[must_use]
    pub fn method(self) -> u8 {
        self.cmf & 0x0f
    }

    /// The window size the data needs: 2^(CINFO + 8) bytes.
    #[must_use]
    pub fn window(self) -> usize {
        1 << (u32::from(self.cmf >> 4) + 8).min(31)
    }

    /// FLEVEL: which compression level made it (informational only).
    #[must_use]
    pub fn level(self) -> &'static str {
        match self.flg >> 6 {
            0 => "fastest",
            1 => "fast",
            2 => "default",
            _ => "maximum",
        }
    }

    /// Checks the header as RFC 1950 §2.2 asks a decompressor to.
    fn check(self) -> Result<(), ZlibError> {
        if (u16::from(self.cmf) * 256 + u16::from(self.flg)) % 31 != 0 {
            return Err(ZlibError::HeaderCheck {
                cmf: self.cmf,
                flg: self.flg,
            });
        }
        if self.method() != 8 {
            return Err(ZlibError::NotDeflate {
                method: self.method(),
            });
        }
        if self.cmf >> 4 > 7 {
            return Err(ZlibError::WindowTooLarge {
                cinfo: self.cmf >> 4,
            });
        }
        if self.flg & 0x20 != 0 {
            return Err(ZlibError::PresetDictionary);
        }
        Ok(())
    }
}

/// A zlib stream, taken apart and inflated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decompressed {
    /// The two header bytes.
    pub header: Header,
    /// The uncompressed data.
    pub data: Vec<u8>,
    /// Each DEFLATE block's type.
    pub blocks: Vec<BlockType>,
    /// The Adler-32 the stream ends with (and the data has).
    pub adler32: u32,
}

/// Compresses `data` into a zlib stream: header, DEFLATE, Adler-32.
///
/// # Examples
/// ```
/// use goldfish::session::zlib::{compress, decompress};
/// let json = br#"{"responses":["Yes","Yes","Yes","Yes","Yes","Yes"]}"#;
/// let stream = compress(json);
/// assert_eq!(stream[..2], [0x78, 0x9c]);
/// assert!(stream.len() < json.len());
/// assert_eq!(decompress(&stream, 1000).unwrap().data, json);
/// ```
#[must_use]
pub fn compress(data: &[u8]) -> Vec<u8> {
    let header = vec![CMF, flg_for(CMF, FLEVEL_DEFAULT)];
    let mut out = deflate::deflate_after(header, data);
    out.extend(adler32(data).to_be_bytes());
    out
}

/// FLG with level `level` and no dictionary, its FCHECK chosen so that
/// `CMF * 256 + FLG` is a multiple of 31 (RFC 1950 §2.2).
fn flg_for(cmf: u8, level: u8) -> u8 {
    let without_check = u16::from(level) << 6;
    let remainder = (u16::from(cmf) * 256 + without_check) % 31;
    (without_check + (31 - remainder) % 31) as u8
}

/// Inflates a zlib stream, refusing to write more than `limit` bytes.
///
/// # Errors
/// A [`ZlibError`]: a bad header, bad DEFLATE data, output over `limit`,
/// a checksum that does not match, or bytes after the checksum.
pub fn decompress(stream: &[u8], limit: usize) -> Result<Decompressed, ZlibError> {
    // 1. The header: two bytes, checked.
    if stream.len() < 6 {
        return Err(ZlibError::TooShort { len: stream.len() });
    }
    let header = Header {
        cmf: stream[0],
        flg: stream[1],
    };
    header.check()?;
    // 2. The DEFLATE data, up to its last block.
    let body = &stream[2..];
    let inflated = inflate(body, limit)?;
    // 3. The checksum: the next four bytes, and nothing after them.
    let rest = &body[inflated.used..];
    let Some(checksum) = rest.get(..4) else {
        return Err(ZlibError::MissingChecksum { found: rest.len() });
    };
    if rest.len() > 4 {
        return Err(ZlibError::TrailingBytes {
            count: rest.len() - 4,
        });
    }
    let stored = u32::from_be_bytes([checksum[0], checksum[1], checksum[2], checksum[3]]);
    let computed = adler32(&inflated.data);
    if stored != computed {
        return Err(ZlibError::ChecksumMismatch { stored, computed });
    }
    Ok(Decompressed {
        header,
        data: inflated.data,
        blocks: inflated.blocks,
        adler32: stored,
    })
}

/// Adler-32 (RFC 1950 §8.2, with sample code in §9): two running sums
/// modulo 65521, the largest prime below 2^16. `s1` is 1 plus the sum of
/// the bytes; `s2` the sum of every `s1` along the way, so it depends on
/// the order of the bytes too. The checksum is `s2 * 65536 + s1`.
///
/// Faster to compute than a CRC, and weaker for short messages; a signed
/// cookie does not rely on it (the HMAC catches any change first).
///
/// # Examples
/// ```
/// use goldfish::session::zlib::adler32;
/// assert_eq!(adler32(b""), 1);
/// assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
/// ```
#[must_use]
pub fn adler32(data: &[u8]) -> u32 {
    const MOD_ADLER: u32 = 65521;
    let (mut s1, mut s2) = (1u32, 0u32);
    // 5552 bytes is the most that can be summed before s2 could overflow
    // 32 bits (zlib's NMAX), so reduce once per chunk, not per byte.
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            s1 += u32::from(byte);
            s2 += s1;
        }
        s1 %= MOD_ADLER;
        s2 %= MOD_ADLER;
    }
    (s2 << 16) | s1
}

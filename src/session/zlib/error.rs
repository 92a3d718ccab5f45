//! Why a zlib stream was refused, one variant per rule it broke.

use std::fmt;

/// Which of DEFLATE's Huffman codes a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
    /// The code-length code that describes the other two (§3.2.7).
    CodeLength,
    /// Literal bytes, end-of-block and match lengths (§3.2.5).
    LiteralLength,
    /// Match distances (§3.2.5).
    Distance,
}

impl fmt::Display for Alphabet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Alphabet::CodeLength => "code-length",
            Alphabet::LiteralLength => "literal/length",
            Alphabet::Distance => "distance",
        })
    }
}

/// A zlib stream (RFC 1950) or its DEFLATE data (RFC 1951) was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZlibError {
    // --- the zlib frame, RFC 1950 ---
    /// Fewer than the 2 header and 4 checksum bytes every stream has.
    TooShort { len: usize },
    /// CM is not 8: not DEFLATE (§2.2).
    NotDeflate { method: u8 },
    /// CINFO above 7: a window over 32 KiB (§2.2).
    WindowTooLarge { cinfo: u8 },
    /// `CMF * 256 + FLG` is not a multiple of 31 (§2.2, FCHECK).
    HeaderCheck { cmf: u8, flg: u8 },
    /// FDICT is set: the stream needs a preset dictionary nobody sent.
    PresetDictionary,
    /// The Adler-32 at the end does not match the data (§2.2, §9).
    ChecksumMismatch { stored: u32, computed: u32 },
    /// The DEFLATE data ended, but the 4-byte checksum is missing or short.
    MissingChecksum { found: usize },
    /// Bytes after the checksum.
    TrailingBytes { count: usize },

    // --- the DEFLATE data, RFC 1951 ---
    /// The data stopped in the middle of a block.
    UnexpectedEnd,
    /// BTYPE 11, which §3.2.3 reserves ("error").
    ReservedBlockType,
    /// A stored block's LEN and NLEN are not each other's complement (§3.2.4).
    StoredLengthMismatch { len: u16, nlen: u16 },
    /// HLIT says more than 286 literal/length codes (§3.2.7).
    TooManyLengthCodes { count: usize },
    /// HDIST says more than 30 distance codes (§3.2.7).
    TooManyDistanceCodes { count: usize },
    /// Code lengths that describe more codes than there are bit strings.
    Oversubscribed { alphabet: Alphabet },
    /// Code lengths that leave bit strings unused, where that is not allowed.
    Incomplete { alphabet: Alphabet },
    /// Repeat code 16 ("copy the previous length") as the very first length.
    RepeatWithoutPrevious,
    /// A repeat code runs past the number of lengths HLIT + HDIST announced.
    RepeatPastEnd,
    /// The literal/length code has no code for end-of-block (symbol 256).
    NoEndOfBlock,
    /// Bits that are not the start of any code (possible in incomplete codes).
    NoSuchCode { alphabet: Alphabet },
    /// Literal/length 286 or 287, or distance 30 or 31: in the fixed code,
    /// never valid in data (§3.2.6).
    InvalidSymbol { alphabet: Alphabet, symbol: u16 },
    /// A back-reference to before the start of the data.
    DistanceTooFar { distance: usize, available: usize },
    /// The data inflates to more than the limit: a zip bomb, or simply
    /// more than a session may hold.
    TooLarge { limit: usize },
}

impl fmt::Display for ZlibError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZlibError::TooShort { len } => write!(
                f,
                "a zlib stream has at least 2 header bytes and a 4-byte checksum; this one is \
                 {len} bytes (RFC 1950 §2.2)"
            ),
            ZlibError::NotDeflate { method } => write!(
                f,
                "the first byte says compression method {method}; zlib defines only 8, \
                 DEFLATE (RFC 1950 §2.2: CM = CMF & 0x0F)"
            ),
            ZlibError::WindowTooLarge { cinfo } => write!(
                f,
                "the first byte asks for a window of 2^{} bytes; DEFLATE's largest is 32 KiB \
                 (RFC 1950 §2.2: CINFO above 7 is not allowed)",
                u32::from(*cinfo) + 8
            ),
            ZlibError::HeaderCheck { cmf, flg } => write!(
                f,
                "the header bytes {cmf:02x} {flg:02x} fail their check: {cmf} × 256 + {flg} must be \
                 a multiple of 31 (RFC 1950 §2.2, FCHECK), so this is not the start of a zlib stream"
            ),
            ZlibError::PresetDictionary => f.write_str(
                "the header asks for a preset dictionary (FDICT, RFC 1950 §2.2) that was never \
                 agreed on; Flask never uses one",
            ),
            ZlibError::ChecksumMismatch { stored, computed } => write!(
                f,
                "the data inflated, but its Adler-32 is {computed:08x} and the stream says \
                 {stored:08x}: the compressed bytes were changed (RFC 1950 §2.2, ADLER32)"
            ),
            ZlibError::MissingChecksum { found } => write!(
                f,
                "the compressed data ended without its 4-byte Adler-32 checksum ({found} bytes \
                 of it found; RFC 1950 §2.2)"
            ),
            ZlibError::TrailingBytes { count } => write!(
                f,
                "{count} byte(s) follow the end of the zlib stream (Python's zlib.decompress \
                 ignores them; goldfish refuses them, since Flask never writes any)"
            ),
            ZlibError::UnexpectedEnd => f.write_str(
                "the compressed data stops in the middle of a block (the last block has \
                 BFINAL = 1, RFC 1951 §3.2.3); the stream was cut short",
            ),
            ZlibError::ReservedBlockType => f.write_str(
                "a block has type 11, which RFC 1951 §3.2.3 reserves as an error \
                 (00 stored, 01 fixed Huffman, 10 dynamic Huffman)",
            ),
            ZlibError::StoredLengthMismatch { len, nlen } => write!(
                f,
                "a stored block's LEN is {len} and NLEN {nlen}; NLEN must be LEN with every \
                 bit flipped ({}; RFC 1951 §3.2.4)",
                !len
            ),
            ZlibError::TooManyLengthCodes { count } => write!(
                f,
                "a dynamic block announces {count} literal/length codes; there are at most 286 \
                 (RFC 1951 §3.2.7, HLIT)"
            ),
            ZlibError::TooManyDistanceCodes { count } => write!(
                f,
                "a dynamic block announces {count} distance codes; there are at most 30 \
                 (RFC 1951 §3.2.7, HDIST)"
            ),
            ZlibError::Oversubscribed { alphabet } => write!(
                f,
                "the {alphabet} code lengths describe more codes than bit strings exist for \
                 them, so no Huffman code has these lengths (RFC 1951 §3.2.2)"
            ),
            ZlibError::Incomplete { alphabet } => write!(
                f,
                "the {alphabet} code lengths leave some bit strings without a code; only a \
                 single one-bit code may do that (RFC 1951 §3.2.7)"
            ),
            ZlibError::RepeatWithoutPrevious => f.write_str(
                "a dynamic block's first code length is 16, \"repeat the previous length\", \
                 but there is no previous length (RFC 1951 §3.2.7)",
            ),
            ZlibError::RepeatPastEnd => f.write_str(
                "a repeat in a dynamic block's code lengths runs past the HLIT + HDIST lengths \
                 it announced (RFC 1951 §3.2.7)",
            ),
            ZlibError::NoEndOfBlock => f.write_str(
                "a dynamic block gives end-of-block (symbol 256) no code, so the block could \
                 never end (RFC 1951 §3.2.5)",
            ),
            ZlibError::NoSuchCode { alphabet } => write!(
                f,
                "the next bits are not the start of any {alphabet} code (RFC 1951 §3.2.2)"
            ),
            ZlibError::InvalidSymbol { alphabet, symbol } => write!(
                f,
                "{alphabet} symbol {symbol} takes part in the code but never occurs in data \
                 (RFC 1951 §3.2.6)"
            ),
            ZlibError::DistanceTooFar {
                distance,
                available,
            } => write!(
                f,
                "a back-reference copies from {distance} bytes back, but only {available} bytes \
                 have been written so far (RFC 1951 §3.2.5)"
            ),
            ZlibError::TooLarge { limit } => write!(
                f,
                "the compressed data inflates to more than {limit} bytes, goldfish's limit for a \
                 session; it stopped there rather than fill memory (a \"zip bomb\" is a few \
                 bytes that inflate to gigabytes)"
            ),
        }
    }
}

impl std::error::Error for ZlibError {}

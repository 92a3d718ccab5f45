//! Inflate: reading DEFLATE data (RFC 1951), written to be read.
//!
//! DEFLATE data is a sequence of blocks. Each starts with three bits
//! (§3.2.3): BFINAL (is this the last block?) and BTYPE, how the block is
//! coded:
//!
//! | BTYPE | block | what follows |
//! | --- | --- | --- |
//! | `00` | stored (§3.2.4) | LEN, NLEN, then LEN bytes as they are |
//! | `01` | fixed Huffman (§3.2.6) | symbols in a code the RFC fixes once and for all |
//! | `10` | dynamic Huffman (§3.2.7) | the block's own codes, then symbols in them |
//! | `11` | reserved | an error |
//!
//! A symbol is a literal byte, the end of the block, or a back-reference:
//! "copy `length` bytes starting `distance` bytes back" (§3.2.5). That is
//! LZ77: a repeat costs a few bits however long it is, which is why JSON,
//! full of repeated keys and quotes, shrinks so well.
//!
//! **Bits.** DEFLATE packs its data into bytes starting at the lowest bit
//! (§3.1.1). Numbers (BTYPE, extra bits, LEN) are read lowest bit first;
//! Huffman codes are read one bit at a time, their *first* bit being
//! their most significant — which is how [`Inflater::decode`] can walk
//! down the code lengths one bit at a time.
//!
//! **Limits.** The output may never pass `limit` bytes: a few hundred
//! bytes of DEFLATE can legally describe gigabytes (each 258-byte match
//! costs as little as a bit), so the check comes before every write, not
//! after. Every loop consumes input or writes output, so the work is
//! bounded by `input + limit`, whatever the bytes.

use std::sync::OnceLock;

use super::error::{Alphabet, ZlibError};
use super::huffman::{Decoder, Shape};
use super::tables::{
    CODE_LENGTH_CODES, CODE_LENGTH_ORDER, DIST_BASE, DIST_EXTRA, END_OF_BLOCK, LENGTH_BASE,
    LENGTH_EXTRA, MAX_BITS, MAX_DIST_CODES, MAX_LITLEN_CODES, fixed_dist_lengths,
    fixed_litlen_lengths,
};

/// How a block was coded (§3.2.3, BTYPE).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockType {
    /// `00`: the bytes as they are (§3.2.4).
    Stored,
    /// `01`: the fixed Huffman codes of §3.2.6.
    Fixed,
    /// `10`: codes sent at the start of the block (§3.2.7).
    Dynamic,
}

impl BlockType {
    /// The block type as the RFC names it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            BlockType::Stored => "stored",
            BlockType::Fixed => "fixed Huffman",
            BlockType::Dynamic => "dynamic Huffman",
        }
    }
}

/// What [`inflate`] read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inflated {
    /// The uncompressed bytes.
    pub data: Vec<u8>,
    /// Each block's type, in order.
    pub blocks: Vec<BlockType>,
    /// How many input bytes the DEFLATE data took, up to and including
    /// the byte holding the last block's last bit. (zlib's checksum starts
    /// at the next byte.)
    pub used: usize,
}

/// Inflates raw DEFLATE data, refusing to write more than `limit` bytes.
///
/// # Errors
/// A [`ZlibError`] naming the rule the data broke, or `TooLarge`.
///
/// # Examples
/// ```
/// use goldfish::session::zlib::inflate;
/// // One stored block: BFINAL=1, BTYPE=00, LEN=2, NLEN=!2, "hi".
/// let got = inflate(&[0x01, 0x02, 0x00, 0xfd, 0xff, b'h', b'i'], 100).unwrap();
/// assert_eq!(got.data, b"hi");
/// assert_eq!(got.used, 7);
/// ```
pub fn inflate(input: &[u8], limit: usize) -> Result<Inflated, ZlibError> {
    let mut inflater = Inflater {
        input,
        pos: 0,
        bit_buffer: 0,
        bit_count: 0,
        out: Vec::new(),
        limit,
    };
    let mut blocks = Vec::new();
    loop {
        let last = inflater.bits(1)? == 1; // BFINAL
        let block = match inflater.bits(2)? {
            0 => BlockType::Stored,
            1 => BlockType::Fixed,
            2 => BlockType::Dynamic,
            _ => return Err(ZlibError::ReservedBlockType),
        };
        match block {
            BlockType::Stored => inflater.stored()?,
            BlockType::Fixed => inflater.fixed()?,
            BlockType::Dynamic => inflater.dynamic()?,
        }
        blocks.push(block);
        if last {
            break;
        }
    }
    // The bits left in the buffer are padding of the last byte read.
    Ok(Inflated {
        used: inflater.pos,
        data: inflater.out,
        blocks,
    })
}

/// The state of one inflation: where in the input, the bits not yet used,
/// and the output so far (which back-references copy from).
struct Inflater<'a> {
    input: &'a [u8],
    /// The next input byte to load into `bit_buffer`.
    pos: usize,
    /// Loaded bits not yet used, the next one lowest.
    bit_buffer: u32,
    bit_count: u32,
    out: Vec<u8>,
    limit: usize,
}

impl Inflater<'_> {
    /// The next `n` bits (n ≤ 16) as a number, first bit lowest (§3.1.1).
    fn bits(&mut self, n: u32) -> Result<u32, ZlibError> {
        while self.bit_count < n {
            let byte = *self.input.get(self.pos).ok_or(ZlibError::UnexpectedEnd)?;
            self.pos += 1;
            self.bit_buffer |= u32::from(byte) << self.bit_count;
            self.bit_count += 8;
        }
        let value = self.bit_buffer & ((1 << n) - 1);
        self.bit_buffer >>= n;
        self.bit_count -= n;
        Ok(value)
    }

    /// Adds bytes to the output, if the limit allows.
    fn room_for(&self, n: usize) -> Result<(), ZlibError> {
        if self.out.len() + n > self.limit {
            return Err(ZlibError::TooLarge { limit: self.limit });
        }
        Ok(())
    }

    /// §3.2.4, a stored block: skip to the next byte boundary, then
    /// LEN (2 bytes), NLEN (its complement, a check), and LEN bytes.
    fn stored(&mut self) -> Result<(), ZlibError> {
        // "Any bits of input up to the next byte boundary are ignored."
        self.bit_buffer = 0;
        self.bit_count = 0;
        let header = self
            .input
            .get(self.pos..self.pos + 4)
            .ok_or(ZlibError::UnexpectedEnd)?;
        let len = u16::from_le_bytes([header[0], header[1]]);
        let nlen = u16::from_le_bytes([header[2], header[3]]);
        if nlen != !len {
            return Err(ZlibError::StoredLengthMismatch { len, nlen });
        }
        self.pos += 4;
        let len = usize::from(len);
        let bytes = self
            .input
            .get(self.pos..self.pos + len)
            .ok_or(ZlibError::UnexpectedEnd)?;
        self.room_for(len)?;
        self.out.extend_from_slice(bytes);
        self.pos += len;
        Ok(())
    }

    /// §3.2.6, a block in the fixed codes.
    fn fixed(&mut self) -> Result<(), ZlibError> {
        // Built once per process, like zlib's static tables: most session
        // cookies are a single fixed block, and building the decoders
        // costs more than decoding one.
        static FIXED: OnceLock<(Decoder, Decoder)> = OnceLock::new();
        let (litlen, dist) = FIXED.get_or_init(|| {
            (
                Decoder::new(&fixed_litlen_lengths()).0,
                Decoder::new(&fixed_dist_lengths()).0,
            )
        });
        self.symbols(litlen, dist)
    }

    /// §3.2.7, a block that first sends its own codes, as code lengths,
    /// themselves Huffman-coded:
    ///
    /// ```text
    /// 5 Bits: HLIT, # of Literal/Length codes - 257 (257 - 286)
    /// 5 Bits: HDIST, # of Distance codes - 1        (1 - 32)
    /// 4 Bits: HCLEN, # of Code Length codes - 4     (4 - 19)
    /// (HCLEN + 4) x 3 bits: code lengths for the code length alphabet,
    ///     in the order 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
    /// HLIT + 257 code lengths for the literal/length alphabet,
    /// HDIST + 1 code lengths for the distance alphabet,
    ///     both encoded using the code length Huffman code
    /// The actual compressed data of the block, then end-of-block (256)
    /// ```
    fn dynamic(&mut self) -> Result<(), ZlibError> {
        let hlit = self.bits(5)? as usize + 257;
        let hdist = self.bits(5)? as usize + 1;
        let hclen = self.bits(4)? as usize + 4;
        if hlit > MAX_LITLEN_CODES {
            return Err(ZlibError::TooManyLengthCodes { count: hlit });
        }
        if hdist > MAX_DIST_CODES {
            return Err(ZlibError::TooManyDistanceCodes { count: hdist });
        }

        // 1. The code-length code: 3 bits per length, in the RFC's order;
        //    the ones not sent are 0. It must be a complete code.
        let mut cl_lengths = [0u8; CODE_LENGTH_CODES];
        for &symbol in &CODE_LENGTH_ORDER[..hclen] {
            cl_lengths[symbol] = self.bits(3)? as u8;
        }
        let code_length_code = usable(&cl_lengths, Alphabet::CodeLength, false)?;

        // 2. The HLIT + HDIST lengths of the other two codes, as one
        //    sequence (a repeat may run from one into the other):
        //      0 - 15: that length;
        //      16: the previous length 3 - 6 times (2 extra bits);
        //      17: a length of 0, 3 - 10 times (3 extra bits);
        //      18: a length of 0, 11 - 138 times (7 extra bits).
        let mut lengths: Vec<u8> = Vec::with_capacity(hlit + hdist);
        while lengths.len() < hlit + hdist {
            let symbol = self.decode(&code_length_code, Alphabet::CodeLength)?;
            let (length, times) = match symbol {
                0..=15 => (symbol as u8, 1),
                16 => {
                    let previous = *lengths.last().ok_or(ZlibError::RepeatWithoutPrevious)?;
                    (previous, 3 + self.bits(2)? as usize)
                }
                17 => (0, 3 + self.bits(3)? as usize),
                _ => (0, 11 + self.bits(7)? as usize),
            };
            if lengths.len() + times > hlit + hdist {
                return Err(ZlibError::RepeatPastEnd);
            }
            lengths.extend(std::iter::repeat_n(length, times));
        }
        let (litlen_lengths, dist_lengths) = lengths.split_at(hlit);

        // 3. The two codes. Without a code for 256 the block could not end.
        if litlen_lengths[usize::from(END_OF_BLOCK)] == 0 {
            return Err(ZlibError::NoEndOfBlock);
        }
        let litlen = usable(litlen_lengths, Alphabet::LiteralLength, true)?;
        let dist = usable(dist_lengths, Alphabet::Distance, true)?;

        // 4. The data.
        self.symbols(&litlen, &dist)
    }

    /// §3.2.5: the symbols of a Huffman block, up to end-of-block.
    fn symbols(&mut self, litlen: &Decoder, dist: &Decoder) -> Result<(), ZlibError> {
        loop {
            let symbol = self.decode(litlen, Alphabet::LiteralLength)?;
            match symbol {
                // A literal byte.
                0..=255 => {
                    self.room_for(1)?;
                    self.out.push(symbol as u8);
                }
                256 => return Ok(()),
                // A back-reference: its length, then its distance.
                257..=285 => {
                    let i = usize::from(symbol - 257);
                    let length = usize::from(LENGTH_BASE[i])
                        + self.bits(u32::from(LENGTH_EXTRA[i]))? as usize;
                    let d = usize::from(self.decode(dist, Alphabet::Distance)?);
                    if d >= MAX_DIST_CODES {
                        return Err(ZlibError::InvalidSymbol {
                            alphabet: Alphabet::Distance,
                            symbol: d as u16,
                        });
                    }
                    let distance =
                        usize::from(DIST_BASE[d]) + self.bits(u32::from(DIST_EXTRA[d]))? as usize;
                    self.copy(length, distance)?;
                }
                _ => {
                    return Err(ZlibError::InvalidSymbol {
                        alphabet: Alphabet::LiteralLength,
                        symbol,
                    });
                }
            }
        }
    }

    /// Copies `length` bytes from `distance` back. Byte by byte, on
    /// purpose: the copy may overlap what it writes (distance 1, length 10
    /// repeats the last byte ten times), as §3.2.3 says it may.
    fn copy(&mut self, length: usize, distance: usize) -> Result<(), ZlibError> {
        if distance > self.out.len() {
            return Err(ZlibError::DistanceTooFar {
                distance,
                available: self.out.len(),
            });
        }
        self.room_for(length)?;
        let start = self.out.len() - distance;
        for i in 0..length {
            let byte = self.out[start + i];
            self.out.push(byte);
        }
        Ok(())
    }

    /// Reads one symbol of `code`, a bit at a time.
    ///
    /// The canonical codes of each length are consecutive numbers
    /// following the last code of the length before, doubled (§3.2.2).
    /// So after reading `len` bits into `code`: if `code` is less than
    /// `first + count[len]` it is one of the `count[len]` codes of this
    /// length, the `(code - first)`th; otherwise read another bit.
    /// (This is `decode()` in Mark Adler's `puff.c`.)
    fn decode(&mut self, code: &Decoder, alphabet: Alphabet) -> Result<u16, ZlibError> {
        let mut bits: i32 = 0; // the code read so far
        let mut first: i32 = 0; // the first code of the current length
        let mut index: usize = 0; // the index in `symbols` of that first code
        for len in 1..=MAX_BITS {
            bits |= self.bits(1)? as i32;
            let count = i32::from(code.count[len]);
            if bits - first < count {
                return Ok(code.symbols[index + (bits - first) as usize]);
            }
            index += count as usize;
            first = (first + count) << 1;
            bits <<= 1;
        }
        Err(ZlibError::NoSuchCode { alphabet })
    }
}

/// A decoder for `lengths`, if they make a code DEFLATE allows: never
/// oversubscribed, and incomplete only as a single one-bit code (the RFC
/// allows that for distances; zlib and `puff.c` for literal/lengths too),
/// or for distances, no codes at all ("the data is all literals", §3.2.7).
/// The code-length code must be complete.
fn usable(lengths: &[u8], alphabet: Alphabet, one_code_ok: bool) -> Result<Decoder, ZlibError> {
    let (decoder, shape) = Decoder::new(lengths);
    match shape {
        Shape::Complete => Ok(decoder),
        Shape::Oversubscribed => Err(ZlibError::Oversubscribed { alphabet }),
        Shape::Empty if alphabet == Alphabet::Distance => Ok(decoder),
        Shape::Incomplete if one_code_ok && decoder.is_single_one_bit_code() => Ok(decoder),
        Shape::Incomplete | Shape::Empty => Err(ZlibError::Incomplete { alphabet }),
    }
}

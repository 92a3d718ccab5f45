//! Deflate: writing DEFLATE data (RFC 1951), the way zlib's default level does.
//!
//! Two steps, as in every DEFLATE compressor:
//!
//! 1. **LZ77** ([`matches`]): walk the input, and wherever the next bytes
//!    already occurred in the last 32 KiB, write a back-reference
//!    (length, distance) instead of the bytes. Earlier positions are found
//!    through a *hash chain*: a hash of the next three bytes picks a list
//!    of earlier positions that started with the same hash, newest first.
//! 2. **Huffman** ([`write_block`]): count how often each symbol occurs,
//!    and write them in whichever block costs fewest bits: dynamic codes
//!    built for this data, the fixed codes, or stored bytes.
//!
//! The parameters are those of zlib's default, level 6 (`deflate.c`'s
//! `configuration_table`): follow at most 128 links of a chain, stop at a
//! match of 128 bytes, and look one byte ahead ("lazy matching") when the
//! match found is shorter than 16. The output is a valid stream that any
//! inflater reads, zlib included; it is usually the same length as zlib's
//! and seldom the same bytes, because zlib builds its Huffman trees and
//! cuts its blocks in its own way. RFC 1951 leaves all of that to the
//! compressor (§4: "the compressor ... may use any method").

use super::huffman::{MAX_SYMBOLS, code_lengths, code_table};
use super::tables::{
    CODE_LENGTH_CODES, CODE_LENGTH_ORDER, END_OF_BLOCK, MAX_BITS, MAX_DIST_CODES, MAX_LITLEN_CODES,
    MAX_MATCH, MIN_MATCH, WINDOW, dist_symbol, fixed_dist_lengths, fixed_litlen_lengths,
    length_symbol,
};

/// zlib level 6: the most chain links followed per search.
const MAX_CHAIN: usize = 128;
/// zlib level 6: a match this long is good enough; stop searching.
const NICE_LENGTH: usize = 128;
/// zlib level 6: only look one byte ahead for a better match when the
/// current one is shorter than this.
const MAX_LAZY: usize = 16;
/// zlib level 6: when the match in hand is already this long, the look
/// ahead follows only a quarter of the chain.
const GOOD_LENGTH: usize = 8;
/// zlib drops a 3-byte match that reaches more than 4 KiB back: its
/// distance costs more bits than the three literals it replaces.
const TOO_FAR: usize = 4096;

/// The hash of three bytes picks one of at most 2^15 chains (zlib's
/// default); fewer for a short input, since the table is cleared for
/// every call.
const MAX_HASH_BITS: u32 = 15;

/// One symbol of LZ77's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// A byte as it is.
    Literal(u8),
    /// "Copy `length` bytes from `distance` back."
    Match { length: usize, distance: usize },
}

/// The codes of a block with fixed Huffman codes (§3.2.6), built once, by
/// the compiler.
const FIXED_LITLEN_LENGTHS: [u8; 288] = fixed_litlen_lengths();
const FIXED_DIST_LENGTHS: [u8; 32] = fixed_dist_lengths();
static FIXED_LITLEN_CODES: [(u16, u8); MAX_SYMBOLS] = code_table(&FIXED_LITLEN_LENGTHS);
static FIXED_DIST_CODES: [(u16, u8); MAX_SYMBOLS] = code_table(&FIXED_DIST_LENGTHS);

/// Compresses `data` into raw DEFLATE data (one final block, or stored
/// blocks if nothing else is shorter).
#[must_use]
pub fn deflate(data: &[u8]) -> Vec<u8> {
    deflate_after(Vec::new(), data)
}

/// [`deflate`], appended to `out` (a zlib header, say): one buffer for the
/// whole stream, big enough from the start.
pub(super) fn deflate_after(mut out: Vec<u8>, data: &[u8]) -> Vec<u8> {
    let tokens = matches(data);
    // The cheapest block is never longer than the stored one: the data,
    // and 5 bytes per stored block (header byte, LEN, NLEN). 4 more bytes
    // leave room for a caller's checksum.
    out.reserve(data.len() + 5 * data.len().div_ceil(usize::from(u16::MAX)).max(1) + 4);
    let mut out = BitWriter {
        out,
        buffer: 0,
        count: 0,
    };
    write_block(&mut out, data, &tokens);
    out.finish()
}

/// Step 1: LZ77 with a hash chain and lazy matching.
#[must_use]
pub fn matches(data: &[u8]) -> Vec<Token> {
    let mut chains = Chains::new(data.len());
    // Never more tokens than bytes.
    let mut tokens = Vec::with_capacity(data.len());
    let mut i = 0;
    // A match found one byte ahead by the lazy check, to start from.
    let mut pending: Option<(usize, usize)> = None;
    while i < data.len() {
        let (length, distance) = pending.take().unwrap_or_else(|| chains.longest(data, i, 0));
        chains.insert(data, i);
        if length < MIN_MATCH {
            tokens.push(Token::Literal(data[i]));
            i += 1;
            continue;
        }
        // Lazy matching: if the match starting one byte later is longer,
        // this byte goes out as a literal and that match is used instead.
        if length < MAX_LAZY && i + 1 < data.len() {
            let later = chains.longest(data, i + 1, length);
            if later.0 > length {
                tokens.push(Token::Literal(data[i]));
                pending = Some(later);
                i += 1;
                continue;
            }
        }
        tokens.push(Token::Match { length, distance });
        for j in i + 1..i + length {
            chains.insert(data, j);
        }
        i += length;
    }
    tokens
}

/// The hash chains: for each hash, the newest position with it (`head`),
/// and for each position, the one before it with the same hash (`prev`).
///
/// 0 means "none", as in zlib (`NIL`), so position 0 itself can never be
/// found: like zlib, goldfish never copies from the very first byte. That
/// costs a byte now and then ("hello hello" must spell out "hello h"
/// before its first match), and it is kept on purpose: the closer
/// goldfish's output is to zlib's in length, the more often goldfish
/// decides to compress exactly when Flask does.
struct Chains {
    head: Vec<u32>,
    prev: Vec<u32>,
    hash_bits: u32,
}

impl Chains {
    fn new(len: usize) -> Chains {
        // About two chains per byte of input, at most 2^15 of them.
        let hash_bits = (usize::BITS - len.leading_zeros() + 1).clamp(4, MAX_HASH_BITS);
        Chains {
            head: vec![0; 1 << hash_bits],
            prev: vec![0; len],
            hash_bits,
        }
    }

    /// A hash of the three bytes at `i` (only called with 3 bytes left):
    /// Fibonacci hashing, the top bits of a multiplication.
    fn hash(&self, data: &[u8], i: usize) -> usize {
        let h = (u32::from(data[i]) << 16) | (u32::from(data[i + 1]) << 8) | u32::from(data[i + 2]);
        (h.wrapping_mul(0x9e37_79b1) >> (32 - self.hash_bits)) as usize
    }

    fn insert(&mut self, data: &[u8], i: usize) {
        if i + MIN_MATCH <= data.len() {
            let h = self.hash(data, i);
            self.prev[i] = self.head[h];
            self.head[h] = i as u32;
        }
    }

    /// The longest earlier match for the bytes at `i`: (length, distance),
    /// or a length below 3 if there is none worth writing. `in_hand` is
    /// the length of a match already found one byte earlier.
    fn longest(&self, data: &[u8], i: usize, in_hand: usize) -> (usize, usize) {
        if i + MIN_MATCH > data.len() {
            return (0, 0);
        }
        let max = (data.len() - i).min(MAX_MATCH);
        let (mut best_len, mut best_dist) = (0, 0);
        let mut candidate = self.head[self.hash(data, i)];
        let links = if in_hand >= GOOD_LENGTH {
            MAX_CHAIN / 4
        } else {
            MAX_CHAIN
        };
        for _ in 0..links {
            let j = candidate as usize;
            if j == 0 {
                break; // NIL: the end of the chain
            }
            let distance = i - j;
            if distance > WINDOW {
                break; // older positions are further still
            }
            // A candidate can only beat the best so far if it also
            // matches at the byte where the best one stopped matching
            // (zlib's first test, too): most candidates fail here, cheaply.
            if best_len > 0 && data[j + best_len] != data[i + best_len] {
                candidate = self.prev[j];
                continue;
            }
            let len = data[j..]
                .iter()
                .zip(&data[i..i + max])
                .take_while(|(a, b)| a == b)
                .count();
            if len > best_len {
                (best_len, best_dist) = (len, distance);
                if len >= NICE_LENGTH.min(max) {
                    break;
                }
            }
            candidate = self.prev[j];
        }
        if best_len == MIN_MATCH && best_dist > TOO_FAR {
            return (0, 0);
        }
        (best_len, best_dist)
    }
}

/// Step 2: the tokens as one final block, in the cheapest of the three
/// block types (§3.2.3).
fn write_block(out: &mut BitWriter, data: &[u8], tokens: &[Token]) {
    // Count the symbols (end-of-block once).
    let mut litlen_freq = [0u32; MAX_LITLEN_CODES];
    let mut dist_freq = [0u32; MAX_DIST_CODES];
    litlen_freq[usize::from(END_OF_BLOCK)] = 1;
    for token in tokens {
        match *token {
            Token::Literal(byte) => litlen_freq[usize::from(byte)] += 1,
            Token::Match { length, distance } => {
                litlen_freq[usize::from(length_symbol(length).0)] += 1;
                dist_freq[usize::from(dist_symbol(distance).0)] += 1;
            }
        }
    }

    // The codes a dynamic block would use, and its header.
    let mut litlen_lengths = [0u8; MAX_LITLEN_CODES];
    let mut dist_lengths = [0u8; MAX_DIST_CODES];
    code_lengths(&litlen_freq, MAX_BITS, 2, &mut litlen_lengths);
    code_lengths(&dist_freq, MAX_BITS, 2, &mut dist_lengths);
    let header = DynamicHeader::new(&litlen_lengths, &dist_lengths);

    // The size in bits of each choice.
    let data_bits = |litlen: &[u8], dist: &[u8]| -> usize {
        symbol_bits(tokens, litlen, dist) + usize::from(litlen[usize::from(END_OF_BLOCK)])
    };
    let dynamic = 3 + header.bits() + data_bits(&litlen_lengths, &dist_lengths);
    let fixed = 3 + data_bits(&FIXED_LITLEN_LENGTHS, &FIXED_DIST_LENGTHS);
    // Stored: 3 bits and 5 more to reach the byte boundary (every block
    // starts on one here), LEN and NLEN, the bytes; one block per 65,535 bytes.
    let stored_blocks = data.len().div_ceil(usize::from(u16::MAX)).max(1);
    let stored = stored_blocks * (3 + 5 + 32) + 8 * data.len();

    if stored <= fixed.min(dynamic) {
        write_stored(out, data);
    } else if fixed <= dynamic {
        out.put(1, 1); // BFINAL
        out.put(1, 2); // BTYPE 01
        write_symbols(out, tokens, &FIXED_LITLEN_CODES, &FIXED_DIST_CODES);
    } else {
        out.put(1, 1); // BFINAL
        out.put(2, 2); // BTYPE 10
        header.write(out);
        let litlen_codes = code_table(&litlen_lengths);
        let dist_codes = code_table(&dist_lengths);
        write_symbols(out, tokens, &litlen_codes, &dist_codes);
    }
}

/// §3.2.4: the bytes in stored blocks of at most 65,535 bytes each.
fn write_stored(out: &mut BitWriter, data: &[u8]) {
    let mut chunks = data.chunks(usize::from(u16::MAX)).peekable();
    if chunks.peek().is_none() {
        // No data at all still needs one (empty) final block.
        write_stored_block(out, &[], true);
    }
    while let Some(chunk) = chunks.next() {
        write_stored_block(out, chunk, chunks.peek().is_none());
    }
}

fn write_stored_block(out: &mut BitWriter, chunk: &[u8], last: bool) {
    out.put(u32::from(last), 1); // BFINAL
    out.put(0, 2); // BTYPE 00
    out.align();
    let len = chunk.len() as u16;
    out.put(u32::from(len), 16);
    out.put(u32::from(!len), 16);
    for &byte in chunk {
        out.put(u32::from(byte), 8);
    }
}

/// How many bits the tokens take in these codes, extra bits included.
fn symbol_bits(tokens: &[Token], litlen: &[u8], dist: &[u8]) -> usize {
    tokens
        .iter()
        .map(|token| match *token {
            Token::Literal(byte) => usize::from(litlen[usize::from(byte)]),
            Token::Match { length, distance } => {
                let (l, l_extra, _) = length_symbol(length);
                let (d, d_extra, _) = dist_symbol(distance);
                usize::from(litlen[usize::from(l)] + l_extra + dist[usize::from(d)] + d_extra)
            }
        })
        .sum()
}

/// §3.2.5: the tokens, then end-of-block, in these codes (from [`code_table`]).
fn write_symbols(
    out: &mut BitWriter,
    tokens: &[Token],
    litlen_codes: &[(u16, u8)],
    dist_codes: &[(u16, u8)],
) {
    let put_code = |out: &mut BitWriter, (code, len): (u16, u8)| out.put(u32::from(code), len);
    for token in tokens {
        match *token {
            Token::Literal(byte) => put_code(out, litlen_codes[usize::from(byte)]),
            Token::Match { length, distance } => {
                let (l, l_extra, l_value) = length_symbol(length);
                put_code(out, litlen_codes[usize::from(l)]);
                out.put(u32::from(l_value), l_extra);
                let (d, d_extra, d_value) = dist_symbol(distance);
                put_code(out, dist_codes[usize::from(d)]);
                out.put(u32::from(d_value), d_extra);
            }
        }
    }
    put_code(out, litlen_codes[usize::from(END_OF_BLOCK)]);
}

/// The start of a dynamic block (§3.2.7): HLIT, HDIST, HCLEN, the
/// code-length code, and the two codes' lengths run-length coded in it.
struct DynamicHeader {
    hlit: usize,
    hdist: usize,
    hclen: usize,
    /// (code-length symbol, extra bits value) pairs.
    runs: Vec<(u8, u8)>,
    cl_lengths: [u8; CODE_LENGTH_CODES],
}

impl DynamicHeader {
    fn new(litlen: &[u8], dist: &[u8]) -> DynamicHeader {
        // Trailing unused codes need not be sent (at least 257 and 1).
        let hlit = litlen
            .iter()
            .rposition(|&l| l != 0)
            .map_or(0, |i| i + 1)
            .max(257);
        let hdist = dist
            .iter()
            .rposition(|&l| l != 0)
            .map_or(0, |i| i + 1)
            .max(1);
        // The two lists of lengths are sent as one (runs may cross from one to the other).
        let mut all = [0u8; MAX_LITLEN_CODES + MAX_DIST_CODES];
        all[..hlit].copy_from_slice(&litlen[..hlit]);
        all[hlit..hlit + hdist].copy_from_slice(&dist[..hdist]);
        let runs = run_lengths(&all[..hlit + hdist]);
        let mut cl_freq = [0u32; CODE_LENGTH_CODES];
        for &(symbol, _) in &runs {
            cl_freq[usize::from(symbol)] += 1;
        }
        let mut cl_lengths = [0u8; CODE_LENGTH_CODES];
        code_lengths(&cl_freq, 7, 2, &mut cl_lengths);
        // HCLEN: the lengths in CODE_LENGTH_ORDER up to the last used one (at least 4).
        let hclen = CODE_LENGTH_ORDER
            .iter()
            .rposition(|&s| cl_lengths[s] != 0)
            .map_or(0, |i| i + 1)
            .max(4);
        DynamicHeader {
            hlit,
            hdist,
            hclen,
            runs,
            cl_lengths,
        }
    }

    /// The header's size in bits.
    fn bits(&self) -> usize {
        let runs: usize = self
            .runs
            .iter()
            .map(|&(symbol, _)| {
                usize::from(self.cl_lengths[usize::from(symbol)]) + repeat_extra_bits(symbol)
            })
            .sum();
        5 + 5 + 4 + 3 * self.hclen + runs
    }

    fn write(&self, out: &mut BitWriter) {
        out.put((self.hlit - 257) as u32, 5);
        out.put((self.hdist - 1) as u32, 5);
        out.put((self.hclen - 4) as u32, 4);
        for &symbol in &CODE_LENGTH_ORDER[..self.hclen] {
            out.put(u32::from(self.cl_lengths[symbol]), 3);
        }
        let cl_codes = code_table(&self.cl_lengths);
        for &(symbol, extra) in &self.runs {
            let (code, len) = cl_codes[usize::from(symbol)];
            out.put(u32::from(code), len);
            out.put(u32::from(extra), repeat_extra_bits(symbol) as u8);
        }
    }
}

/// The extra bits after code-length symbols 16, 17, 18 (§3.2.7).
fn repeat_extra_bits(symbol: u8) -> usize {
    match symbol {
        16 => 2,
        17 => 3,
        18 => 7,
        _ => 0,
    }
}

/// Code lengths as code-length symbols (§3.2.7): runs of zeros as 17 (3 -
/// 10) or 18 (11 - 138), other runs as the length once and then 16 (repeat
/// it 3 - 6 times). Returns (symbol, extra-bits value) pairs.
fn run_lengths(lengths: &[u8]) -> Vec<(u8, u8)> {
    // Never more runs than lengths.
    let mut runs = Vec::with_capacity(lengths.len());
    let mut i = 0;
    while i < lengths.len() {
        let length = lengths[i];
        let run = lengths[i..].iter().take_while(|&&l| l == length).count();
        let mut left = run;
        if length == 0 {
            while left >= 11 {
                let n = left.min(138);
                runs.push((18, (n - 11) as u8));
                left -= n;
            }
            if left >= 3 {
                runs.push((17, (left - 3) as u8));
                left = 0;
            }
        } else {
            runs.push((length, 0));
            left -= 1;
            while left >= 3 {
                let n = left.min(6);
                runs.push((16, (n - 3) as u8));
                left -= n;
            }
        }
        runs.extend(std::iter::repeat_n((length, 0), left));
        i += run;
    }
    runs
}

/// Bits into bytes, lowest bit first (§3.1.1).
struct BitWriter {
    out: Vec<u8>,
    buffer: u64,
    count: u32,
}

impl BitWriter {
    /// Appends the lowest `n` bits of `value`, lowest first.
    fn put(&mut self, value: u32, n: u8) {
        self.buffer |= u64::from(value) << self.count;
        self.count += u32::from(n);
        while self.count >= 8 {
            self.out.push(self.buffer as u8);
            self.buffer >>= 8;
            self.count -= 8;
        }
    }

    /// Pads with zero bits to the next byte boundary.
    fn align(&mut self) {
        if self.count > 0 {
            self.put(0, (8 - self.count) as u8);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        self.align();
        self.out
    }
}

//! Canonical Huffman codes (RFC 1951 §3.2.2), for reading and writing.
//!
//! A Huffman code gives frequent symbols short bit strings and rare ones
//! long strings, and no string is the start of another, so a reader
//! always knows where one ends. DEFLATE never sends the code itself, only
//! each symbol's *length* in bits; both sides then build the same code by
//! one rule (§3.2.2):
//!
//! > shorter codes come first, and codes of the same length are
//! > consecutive binary numbers, in the order of their symbols.
//!
//! Example from the RFC: lengths (A 3, B 3, C 3, D 3, E 3, F 2, G 4, H 4)
//! give F = `00`, A = `010` … E = `110`, G = `1110`, H = `1111`.
//!
//! Reading needs no table of codes at all: per length, how many codes
//! there are and which symbols they are in order (Mark Adler's `puff.c`
//! decodes this way). Writing needs each symbol's code, and a way to
//! choose lengths from how often each symbol occurs.

use std::ops::Add;

use super::tables::MAX_BITS;

/// A code, ready for decoding: how many codes have each length, and the
/// symbols sorted by (length, symbol), which is the order of their codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoder {
    /// `count[len]`: the number of codes of `len` bits (`count[0]`: unused symbols).
    pub count: [u16; MAX_BITS + 1],
    /// The used symbols, shortest code first, then by symbol.
    pub symbols: Vec<u16>,
}

/// Whether a set of code lengths describes a usable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Every bit string is the start of exactly one code.
    Complete,
    /// Some bit strings start no code: decoding them is an error. §3.2.7
    /// allows this only for a single distance code of one bit, and zlib
    /// (and `puff.c`) for a single literal/length or distance code.
    Incomplete,
    /// More codes than bit strings of those lengths: no such code exists.
    Oversubscribed,
    /// No symbol has a code at all.
    Empty,
}

impl Decoder {
    /// Builds the decoder for `lengths[symbol]` (0 = the symbol is unused).
    pub fn new(lengths: &[u8]) -> (Decoder, Shape) {
        let mut count = [0u16; MAX_BITS + 1];
        for &len in lengths {
            count[usize::from(len)] += 1;
        }
        // Kraft: each length-n code uses 2^-n of the bit strings. Walk
        // down the lengths; `left` is how many strings of this length are
        // still free.
        let mut left: i32 = 1;
        for &codes in &count[1..] {
            left = left * 2 - i32::from(codes);
            if left < 0 {
                let decoder = Decoder {
                    count,
                    symbols: Vec::new(),
                };
                return (decoder, Shape::Oversubscribed);
            }
        }
        // The symbols in code order: by length, then by symbol value.
        let mut symbols: Vec<u16> = (0..lengths.len() as u16)
            .filter(|&s| lengths[usize::from(s)] != 0)
            .collect();
        symbols.sort_by_key(|&s| lengths[usize::from(s)]);
        let shape = if symbols.is_empty() {
            Shape::Empty
        } else if left > 0 {
            Shape::Incomplete
        } else {
            Shape::Complete
        };
        (Decoder { count, symbols }, shape)
    }

    /// Is this a single code of one bit (the incomplete code DEFLATE allows)?
    pub fn is_single_one_bit_code(&self) -> bool {
        self.symbols.len() == 1 && self.count[1] == 1
    }
}

/// The most symbols any DEFLATE alphabet has: the fixed literal/length
/// code's 288 (§3.2.6). Every table here fits in an array this long, on
/// the stack: building a code allocates nothing.
pub const MAX_SYMBOLS: usize = 288;

/// The canonical code of every symbol: `table[symbol] = (code, length)`,
/// with the code's bits in the order they are sent (first bit lowest),
/// ready to write; `(0, 0)` for unused symbols and for `symbol >=
/// lengths.len()`.
///
/// §3.2.2's three steps: count the codes of each length; find the first
/// code of each length; hand out consecutive codes in symbol order.
///
/// A `const fn`, so the fixed codes of §3.2.6 are built once, by the
/// compiler (see `deflate.rs`), and a dynamic block's at run time.
pub const fn code_table(lengths: &[u8]) -> [(u16, u8); MAX_SYMBOLS] {
    // Step 1: bl_count[N], the number of codes of length N.
    let mut bl_count = [0u16; MAX_BITS + 1];
    let mut symbol = 0;
    while symbol < lengths.len() {
        bl_count[lengths[symbol] as usize] += 1;
        symbol += 1;
    }
    bl_count[0] = 0;
    // Step 2: the smallest code of each length.
    let mut next_code = [0u16; MAX_BITS + 1];
    let mut code = 0u16;
    let mut bits = 1;
    while bits <= MAX_BITS {
        code = (code + bl_count[bits - 1]) << 1;
        next_code[bits] = code;
        bits += 1;
    }
    // Step 3: consecutive codes for the symbols of each length.
    let mut table = [(0u16, 0u8); MAX_SYMBOLS];
    symbol = 0;
    while symbol < lengths.len() {
        let len = lengths[symbol];
        if len != 0 {
            // Huffman codes are sent most significant bit first (§3.1.1),
            // into a stream that is filled from the lowest bit: reverse.
            table[symbol] = (reverse_bits(next_code[len as usize], len), len);
            next_code[len as usize] += 1;
        }
        symbol += 1;
    }
    table
}

/// [`code_table`] as a list as long as `lengths` (the tests' encoder uses it).
#[cfg(test)]
pub fn codes(lengths: &[u8]) -> Vec<(u16, u8)> {
    code_table(lengths)[..lengths.len()].to_vec()
}

/// The lowest `len` bits of `code`, in reverse order.
const fn reverse_bits(code: u16, len: u8) -> u16 {
    code.reverse_bits() >> (16 - len as u32)
}

/// Code lengths for symbols seen `freqs[symbol]` times, none longer than
/// `max_bits`, written to `lengths` (as long as `freqs`, at most
/// [`MAX_SYMBOLS`]): Huffman's algorithm, then a fix-up if a code is too long.
///
/// Huffman's algorithm (1952): take the two rarest symbols (or subtrees),
/// join them under a new node whose count is their sum, repeat until one
/// tree is left. A symbol's code length is its depth in that tree. This
/// gives the shortest possible output, but a skewed set of counts can make
/// a code longer than DEFLATE allows (15 bits, or 7 for the code-length
/// code). Then the counts are flattened (halved, keeping every used
/// symbol at least 1) and the tree built again, which costs a little
/// compression and always ends: equal counts give a balanced tree.
/// (zlib instead moves leaves around in the too-deep tree; package-merge
/// finds the best limited code. For a few kilobytes either gains a byte or two.)
///
/// Like zlib, at least two symbols get a code whenever `min_codes` asks
/// for it, so that no code is a lone incomplete one-bit code.
pub fn code_lengths(freqs: &[u32], max_bits: usize, min_codes: usize, lengths: &mut [u8]) {
    let mut counts = [0u32; MAX_SYMBOLS];
    let counts = &mut counts[..freqs.len()];
    counts.copy_from_slice(freqs);
    // Pad with the first unused symbols, counted once, up to `min_codes`.
    let mut used = counts.iter().filter(|&&f| f > 0).count();
    for f in counts.iter_mut() {
        if used >= min_codes {
            break;
        }
        if *f == 0 {
            *f = 1;
            used += 1;
        }
    }
    // A subtree counts at most the total, so while that fits in 32 bits
    // (always, for less than 4 GiB of data) the tree is built with 32-bit
    // counts, half the scratch space of 64-bit ones.
    let total: u64 = counts.iter().map(|&f| u64::from(f)).sum();
    loop {
        if u32::try_from(total).is_ok() {
            huffman_lengths::<u32>(counts, lengths);
        } else {
            huffman_lengths::<u64>(counts, lengths);
        }
        if lengths.iter().all(|&l| usize::from(l) <= max_bits) {
            return;
        }
        for f in counts.iter_mut().filter(|f| **f > 0) {
            *f = (*f / 2).max(1);
        }
    }
}

/// [`code_lengths`] as a new list (the tests use it).
#[cfg(test)]
pub fn lengths_for(freqs: &[u32], max_bits: usize, min_codes: usize) -> Vec<u8> {
    let mut lengths = vec![0u8; freqs.len()];
    code_lengths(freqs, max_bits, min_codes, &mut lengths);
    lengths
}

/// Unlimited Huffman code lengths (a lone symbol gets one bit), with ties
/// broken the same way on every run: between equal counts, a symbol goes
/// before a subtree, a lower symbol before a higher one, an older subtree
/// before a newer one. `C` holds a subtree's count: it must hold the total.
///
/// No priority queue is needed, only two queues that are already in order
/// (van Leeuwen, 1976): the symbols, sorted once by count; and the
/// subtrees, in the order they are made. Each new subtree counts at least
/// as much as the one before it (it joins the two rarest nodes, and every
/// node left counts at least as much as either), so the rarest node of
/// all is always at the front of one of the two queues.
fn huffman_lengths<C>(counts: &[u32], lengths: &mut [u8])
where
    C: Copy + Ord + Default + From<u32> + Add<Output = C>,
{
    lengths.fill(0);
    // The used symbols, rarest first, ties by symbol.
    let mut symbols = [0u16; MAX_SYMBOLS];
    let mut n = 0;
    for (symbol, &count) in counts.iter().enumerate() {
        if count > 0 {
            symbols[n] = symbol as u16;
            n += 1;
        }
    }
    if n < 2 {
        if n == 1 {
            lengths[usize::from(symbols[0])] = 1;
        }
        return;
    }
    let symbols = &mut symbols[..n];
    symbols.sort_unstable_by_key(|&s| (counts[usize::from(s)], s));
    let leaf_count = |i: usize| C::from(counts[usize::from(symbols[i])]);
    // Subtree k (0..n-1): its count, and the subtree it is joined under.
    // The last one made, n - 2, is the root. `leaf_parent[i]` is the
    // subtree the i-th rarest symbol is joined under.
    let mut subtree = [C::default(); MAX_SYMBOLS];
    let mut parent = [0u16; MAX_SYMBOLS];
    let mut leaf_parent = [0u16; MAX_SYMBOLS];
    let (mut next_leaf, mut next_subtree) = (0, 0);
    for made in 0..n - 1 {
        // Join the rarest node and the next rarest; on a tie, a symbol.
        let mut sum = C::default();
        for _ in 0..2 {
            let subtree_waiting = next_subtree < made;
            let take_leaf = next_leaf < n
                && (!subtree_waiting || leaf_count(next_leaf) <= subtree[next_subtree]);
            if take_leaf {
                sum = sum + leaf_count(next_leaf);
                leaf_parent[next_leaf] = made as u16;
                next_leaf += 1;
            } else {
                sum = sum + subtree[next_subtree];
                parent[next_subtree] = made as u16;
                next_subtree += 1;
            }
        }
        subtree[made] = sum;
    }
    // Depths, from the root down: a parent is always made after its children.
    let mut depth = [0u8; MAX_SYMBOLS];
    for k in (0..n - 2).rev() {
        depth[k] = depth[usize::from(parent[k])] + 1;
    }
    for (i, &symbol) in symbols.iter().enumerate() {
        lengths[usize::from(symbol)] = depth[usize::from(leaf_parent[i])] + 1;
    }
}

#[cfg(test)]
mod tests;

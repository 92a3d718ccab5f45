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

use std::cmp::Reverse;
use std::collections::BinaryHeap;

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

/// The canonical code of every symbol: `(code, length)`, with the code's
/// bits in the order they are sent (first bit lowest), ready to write.
///
/// §3.2.2's three steps: count the codes of each length; find the first
/// code of each length; hand out consecutive codes in symbol order.
pub fn codes(lengths: &[u8]) -> Vec<(u16, u8)> {
    // Step 1: bl_count[N], the number of codes of length N.
    let mut bl_count = [0u16; MAX_BITS + 1];
    for &len in lengths {
        bl_count[usize::from(len)] += 1;
    }
    bl_count[0] = 0;
    // Step 2: the smallest code of each length.
    let mut next_code = [0u16; MAX_BITS + 1];
    let mut code = 0u16;
    for bits in 1..=MAX_BITS {
        code = (code + bl_count[bits - 1]) << 1;
        next_code[bits] = code;
    }
    // Step 3: consecutive codes for the symbols of each length.
    lengths
        .iter()
        .map(|&len| {
            if len == 0 {
                return (0, 0);
            }
            let code = next_code[usize::from(len)];
            next_code[usize::from(len)] += 1;
            // Huffman codes are sent most significant bit first (§3.1.1),
            // into a stream that is filled from the lowest bit: reverse.
            (reverse_bits(code, len), len)
        })
        .collect()
}

/// The lowest `len` bits of `code`, in reverse order.
fn reverse_bits(code: u16, len: u8) -> u16 {
    code.reverse_bits() >> (16 - u32::from(len))
}

/// Code lengths for symbols seen `freqs[symbol]` times, none longer than
/// `max_bits`: Huffman's algorithm, then a fix-up if a code is too long.
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
pub fn lengths_for(freqs: &[u32], max_bits: usize, min_codes: usize) -> Vec<u8> {
    let mut freqs = freqs.to_vec();
    // Pad with the first unused symbols, counted once, up to `min_codes`.
    let mut used = freqs.iter().filter(|&&f| f > 0).count();
    for f in &mut freqs {
        if used >= min_codes {
            break;
        }
        if *f == 0 {
            *f = 1;
            used += 1;
        }
    }
    loop {
        let lengths = huffman_lengths(&freqs);
        if lengths.iter().all(|&l| usize::from(l) <= max_bits) {
            return lengths;
        }
        for f in freqs.iter_mut().filter(|f| **f > 0) {
            *f = (*f / 2).max(1);
        }
    }
}

/// Unlimited Huffman code lengths (a lone symbol gets one bit).
fn huffman_lengths(freqs: &[u32]) -> Vec<u8> {
    let mut lengths = vec![0u8; freqs.len()];
    // Nodes 0..n are the symbols; later ones are the joined subtrees.
    // `parent[node]` links each node to the one it was joined under.
    let mut parent: Vec<usize> = vec![usize::MAX; freqs.len()];
    // A min-heap on (count, node): `Reverse` turns Rust's max-heap around,
    // and the node number breaks ties the same way on every run.
    let mut heap: BinaryHeap<Reverse<(u64, usize)>> = freqs
        .iter()
        .enumerate()
        .filter(|(_, f)| **f > 0)
        .map(|(symbol, f)| Reverse((u64::from(*f), symbol)))
        .collect();
    if heap.len() == 1 {
        if let Some(Reverse((_, only))) = heap.pop() {
            lengths[only] = 1;
        }
        return lengths;
    }
    while heap.len() > 1 {
        let (Some(Reverse((a_count, a))), Some(Reverse((b_count, b)))) = (heap.pop(), heap.pop())
        else {
            break;
        };
        let joined = parent.len();
        parent.push(usize::MAX);
        parent[a] = joined;
        parent[b] = joined;
        heap.push(Reverse((a_count + b_count, joined)));
    }
    // A symbol's length is the number of parents up to the root. Parents
    // always come later than their children, so walk from the back.
    let mut depth = vec![0u8; parent.len()];
    for node in (0..parent.len()).rev() {
        if parent[node] != usize::MAX {
            depth[node] = depth[parent[node]] + 1;
        }
    }
    for (symbol, length) in lengths.iter_mut().enumerate() {
        if freqs[symbol] > 0 {
            *length = depth[symbol];
        }
    }
    lengths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_example_codes() {
        // §3.2.2: ABCDEFGH with lengths (3, 3, 3, 3, 3, 2, 4, 4).
        let lengths = [3, 3, 3, 3, 3, 2, 4, 4];
        let want = ["010", "011", "100", "101", "110", "00", "1110", "1111"];
        for (symbol, ((code, len), want)) in codes(&lengths).into_iter().zip(want).enumerate() {
            // Undo the reversal to print the code as the RFC does.
            let got: String = (0..len)
                .map(|i| if code >> i & 1 == 1 { '1' } else { '0' })
                .collect();
            assert_eq!(
                got,
                want,
                "code of symbol {}",
                (b'A' + symbol as u8) as char
            );
        }
    }

    #[test]
    fn shapes_of_code_lengths() {
        let cases: &[(&str, &[u8], Shape)] = &[
            (
                "two one-bit codes fill every string",
                &[1, 1],
                Shape::Complete,
            ),
            (
                "the RFC's example is complete",
                &[3, 3, 3, 3, 3, 2, 4, 4],
                Shape::Complete,
            ),
            (
                "one one-bit code leaves '1' unused",
                &[0, 1, 0],
                Shape::Incomplete,
            ),
            (
                "three one-bit codes cannot exist",
                &[1, 1, 1],
                Shape::Oversubscribed,
            ),
            (
                "1, 2, 2, 2 is one too many",
                &[1, 2, 2, 2],
                Shape::Oversubscribed,
            ),
            ("1, 2 leaves '11' unused", &[1, 2], Shape::Incomplete),
            ("no codes at all", &[0, 0, 0], Shape::Empty),
        ];
        for (why, lengths, want) in cases {
            let (_, got) = Decoder::new(lengths);
            assert_eq!(
                got, *want,
                "{why}: Decoder::new({lengths:?}) = {got:?}; want {want:?}"
            );
        }
    }

    #[test]
    fn lengths_respect_the_limit_and_make_a_complete_code() {
        // Fibonacci counts make the deepest possible tree: 1, 1, 2, 3, 5, …
        let mut fib = vec![1u32, 1];
        while fib.len() < 25 {
            let next = fib[fib.len() - 1] + fib[fib.len() - 2];
            fib.push(next);
        }
        let cases: &[(&str, Vec<u32>, usize)] = &[
            ("Fibonacci counts would need 24 bits", fib.clone(), 15),
            (
                "the code-length code is limited to 7 bits",
                fib[..19].to_vec(),
                7,
            ),
            ("equal counts: a balanced tree", vec![5; 16], 15),
            ("one symbol and a forced partner", vec![0, 0, 9], 15),
            ("skewed but within the limit", vec![1000, 1, 1, 1], 15),
        ];
        for (why, freqs, max_bits) in cases {
            let lengths = lengths_for(freqs, *max_bits, 2);
            assert!(
                lengths.iter().all(|&l| usize::from(l) <= *max_bits),
                "{why}: lengths_for({freqs:?}) = {lengths:?}; want none above {max_bits}"
            );
            let (_, shape) = Decoder::new(&lengths);
            assert_eq!(shape, Shape::Complete, "{why}: {lengths:?}");
            for (symbol, (&f, &l)) in freqs.iter().zip(&lengths).enumerate() {
                assert!(
                    f == 0 || l > 0,
                    "{why}: symbol {symbol} occurs but has no code"
                );
            }
        }
    }

    #[test]
    fn huffman_gives_frequent_symbols_short_codes() {
        let lengths = lengths_for(&[50, 25, 12, 6, 3, 2, 1, 1], 15, 2);
        assert_eq!(lengths, [1, 2, 3, 4, 5, 6, 7, 7]);
    }
}

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

    /// The first version of `lengths_for`, kept as the reference: a
    /// binary heap of (count, node), new subtrees numbered after all the
    /// symbols, lengths read off parent links. The two queues of
    /// `huffman_lengths` must pick the same nodes in the same order.
    fn heap_lengths_for(freqs: &[u32], max_bits: usize, min_codes: usize) -> Vec<u8> {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let mut freqs = freqs.to_vec();
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
            let mut lengths = vec![0u8; freqs.len()];
            let mut parent: Vec<usize> = vec![usize::MAX; freqs.len()];
            let mut heap: BinaryHeap<Reverse<(u64, usize)>> = freqs
                .iter()
                .enumerate()
                .filter(|(_, f)| **f > 0)
                .map(|(symbol, f)| Reverse((u64::from(*f), symbol)))
                .collect();
            if heap.len() == 1 {
                let Reverse((_, only)) = heap.pop().unwrap();
                lengths[only] = 1;
                return lengths;
            }
            while heap.len() > 1 {
                let Reverse((a_count, a)) = heap.pop().unwrap();
                let Reverse((b_count, b)) = heap.pop().unwrap();
                let joined = parent.len();
                parent.push(usize::MAX);
                parent[a] = joined;
                parent[b] = joined;
                heap.push(Reverse((a_count + b_count, joined)));
            }
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
            if lengths.iter().all(|&l| usize::from(l) <= max_bits) {
                return lengths;
            }
            for f in freqs.iter_mut().filter(|f| **f > 0) {
                *f = (*f / 2).max(1);
            }
        }
    }

    /// A small deterministic generator (xorshift64), so a failure repeats.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    #[test]
    fn two_queues_give_the_heaps_lengths() {
        // Hand-picked shapes first, each with a reason; then random ones.
        let mut fib = vec![1u32, 1];
        while fib.len() < 40 {
            let next = fib[fib.len() - 1].saturating_add(fib[fib.len() - 2]);
            fib.push(next);
        }
        let mut cases: Vec<(String, Vec<u32>, usize, usize)> = vec![
            ("no symbol at all".into(), vec![0; 30], 15, 2),
            ("no symbol, no padding".into(), vec![0; 5], 15, 0),
            ("one symbol, padded".into(), vec![0, 0, 7, 0], 15, 2),
            ("one symbol alone".into(), vec![0, 0, 7, 0], 15, 1),
            ("all ties: symbol order decides".into(), vec![3; 19], 7, 2),
            (
                "a subtree ties a symbol: the symbol goes first".into(),
                vec![1, 1, 2, 2, 4, 4, 8],
                15,
                2,
            ),
            ("Fibonacci: limited, rebuilt".into(), fib.clone(), 15, 2),
            ("Fibonacci into 7 bits".into(), fib[..19].to_vec(), 7, 2),
            (
                "counts over 2^32 in total: 64-bit subtrees".into(),
                vec![u32::MAX, u32::MAX, 1, 0, u32::MAX / 3],
                15,
                2,
            ),
            (
                "the largest alphabet, every symbol used".into(),
                (0..288).map(|i| i * 7 % 13 + 1).collect(),
                15,
                2,
            ),
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..3000 {
            let len = [19, 30, 286, 288][round % 4];
            // Sparse or dense, small counts (many ties) or large, skewed or flat.
            let density = rng.below(100) + 1;
            let scale = [2, 10, 1000, 1 << 20, u64::from(u32::MAX)][rng.below(5) as usize];
            let skewed = rng.below(3) == 0;
            let freqs: Vec<u32> = (0..len)
                .map(|i| {
                    if rng.below(100) >= density {
                        return 0;
                    }
                    let f = rng.below(scale) + 1;
                    let f = if skewed { f >> (i % 24) } else { f };
                    f.min(u64::from(u32::MAX)) as u32
                })
                .collect();
            let max_bits = if len == 19 { 7 } else { 15 };
            cases.push((format!("random round {round}"), freqs, max_bits, 2));
        }
        for (why, freqs, max_bits, min_codes) in &cases {
            let got = lengths_for(freqs, *max_bits, *min_codes);
            let want = heap_lengths_for(freqs, *max_bits, *min_codes);
            assert_eq!(
                got, want,
                "{why}: lengths_for({freqs:?}, {max_bits}) = {got:?}; want {want:?}"
            );
        }
    }

    #[test]
    fn code_table_is_usable_at_compile_time() {
        // The fixed literal/length code of §3.2.6, built by the compiler:
        // 0 is 00110000, 144 is 110010000, 256 is 0000000, 280 is 11000000
        // (sent lowest bit first, so reversed here).
        const TABLE: [(u16, u8); MAX_SYMBOLS] =
            code_table(&super::super::tables::fixed_litlen_lengths());
        let cases = [
            (0, "00110000"),
            (143, "10111111"),
            (144, "110010000"),
            (255, "111111111"),
            (256, "0000000"),
            (279, "0010111"),
            (280, "11000000"),
            (287, "11000111"),
        ];
        for (symbol, want) in cases {
            let (code, len) = TABLE[symbol];
            let got: String = (0..len)
                .map(|i| if code >> i & 1 == 1 { '1' } else { '0' })
                .collect();
            assert_eq!(got, want, "fixed code of {symbol} = {got}; want {want}");
        }
    }
}

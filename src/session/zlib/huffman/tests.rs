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

//! The fixed tables of DEFLATE (RFC 1951), exactly as the RFC prints them.
//!
//! DEFLATE writes its data as symbols of two alphabets:
//!
//! - **literal/length**, 0..=285: 0..=255 are the bytes themselves, 256
//!   ends the block, 257..=285 say "copy N bytes from earlier", with N
//!   from [`LENGTH_BASE`] plus some extra bits;
//! - **distance**, 0..=29: how far back to copy from, from [`DIST_BASE`]
//!   plus extra bits.
//!
//! A third alphabet, of **code lengths** (0..=18), only appears in the
//! header of a dynamic-Huffman block: it describes the other two codes.

/// The largest number of bits in any DEFLATE Huffman code (§3.2.7: code
/// lengths are 0..=15).
pub const MAX_BITS: usize = 15;

/// The literal/length symbol that ends a block (§3.2.5).
pub const END_OF_BLOCK: u16 = 256;

/// Symbols 286 and 287 take part in the fixed code but never occur in
/// data (§3.2.6), so a dynamic block may describe at most 286 of them.
pub const MAX_LITLEN_CODES: usize = 286;

/// Likewise, distance codes 30 and 31 never occur (§3.2.6).
pub const MAX_DIST_CODES: usize = 30;

/// The code-length alphabet: 0..=15 are lengths, 16..=18 repeat (§3.2.7).
pub const CODE_LENGTH_CODES: usize = 19;

/// Back-references copy at least 3 bytes and at most 258 (§3.2.5).
pub const MIN_MATCH: usize = 3;
/// The longest back-reference.
pub const MAX_MATCH: usize = 258;

/// How far back a distance may reach: the 32 KiB window (§2, §3.2.5).
pub const WINDOW: usize = 32 * 1024;

/// §3.2.5, the length table: symbol 257 + i copies `LENGTH_BASE[i]` plus
/// an `LENGTH_EXTRA[i]`-bit number of bytes.
///
/// ```text
///      Extra               Extra               Extra
/// Code Bits Length(s) Code Bits Lengths   Code Bits Length(s)
/// ---- ---- ------     ---- ---- -------   ---- ---- -------
///  257   0     3       267   1   15,16     277   4   67-82
///  258   0     4       268   1   17,18     278   4   83-98
///  259   0     5       269   2   19-22     279   4   99-114
///  260   0     6       270   2   23-26     280   4  115-130
///  261   0     7       271   2   27-30     281   5  131-162
///  262   0     8       272   2   31-34     282   5  163-194
///  263   0     9       273   3   35-42     283   5  195-226
///  264   0    10       274   3   43-50     284   5  227-257
///  265   1  11,12      275   3   51-58     285   0    258
///  266   1  13,14      276   3   59-66
/// ```
pub const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
/// Extra bits after each length symbol (see [`LENGTH_BASE`]).
pub const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];

/// §3.2.5, the distance table: distance symbol `i` reaches back
/// `DIST_BASE[i]` plus a `DIST_EXTRA[i]`-bit number of bytes.
///
/// ```text
///       Extra           Extra               Extra
///  Code Bits Dist  Code Bits   Dist     Code Bits Distance
///  ---- ---- ----  ---- ----  ------    ---- ---- --------
///    0   0    1     10   4     33-48    20    9   1025-1536
///    1   0    2     11   4     49-64    21    9   1537-2048
///    2   0    3     12   5     65-96    22   10   2049-3072
///    3   0    4     13   5     97-128   23   10   3073-4096
///    4   1   5,6    14   6    129-192   24   11   4097-6144
///    5   1   7,8    15   6    193-256   25   11   6145-8192
///    6   2   9-12   16   7    257-384   26   12  8193-12288
///    7   2  13-16   17   7    385-512   27   12 12289-16384
///    8   3  17-24   18   8    513-768   28   13 16385-24576
///    9   3  25-32   19   8   769-1024   29   13 24577-32768
/// ```
pub const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
/// Extra bits after each distance symbol (see [`DIST_BASE`]).
pub const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// §3.2.7: the order in which a dynamic block sends the code lengths of
/// the code-length alphabet. The ones most likely to be unused (long
/// lengths, and 1 and 15) come last, so a short HCLEN can leave them out.
pub const CODE_LENGTH_ORDER: [usize; CODE_LENGTH_CODES] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// §3.2.6: the code lengths of the fixed literal/length code.
///
/// ```text
/// Lit Value    Bits        Codes
/// ---------    ----        -----
///   0 - 143     8          00110000 through 10111111
/// 144 - 255     9          110010000 through 111111111
/// 256 - 279     7          0000000 through 0010111
/// 280 - 287     8          11000000 through 11000111
/// ```
pub const fn fixed_litlen_lengths() -> [u8; 288] {
    let mut lengths = [0u8; 288];
    let mut symbol = 0;
    while symbol < 288 {
        lengths[symbol] = match symbol {
            0..=143 => 8,
            144..=255 => 9,
            256..=279 => 7,
            _ => 8,
        };
        symbol += 1;
    }
    lengths
}

/// §3.2.6: "Distance codes 0-31 are represented by (fixed-length) 5-bit codes".
pub const fn fixed_dist_lengths() -> [u8; 32] {
    [5; 32]
}

/// The length symbol (257..=285) and its extra bits for a match of
/// `length` bytes (3..=258): the inverse of [`LENGTH_BASE`].
pub fn length_symbol(length: usize) -> (u16, u8, u16) {
    // The last base not above the length. 258 has a symbol of its own
    // (285), although 284 with 31 as extra bits would also reach it.
    let i = LENGTH_BASE
        .iter()
        .rposition(|&base| usize::from(base) <= length)
        .unwrap_or(0);
    (
        257 + i as u16,
        LENGTH_EXTRA[i],
        length as u16 - LENGTH_BASE[i],
    )
}

/// The distance symbol (0..=29) and its extra bits for a distance of
/// `distance` bytes (1..=32768): the inverse of [`DIST_BASE`].
pub fn dist_symbol(distance: usize) -> (u16, u8, u16) {
    let i = DIST_BASE
        .iter()
        .rposition(|&base| usize::from(base) <= distance)
        .unwrap_or(0);
    (i as u16, DIST_EXTRA[i], distance as u16 - DIST_BASE[i])
}

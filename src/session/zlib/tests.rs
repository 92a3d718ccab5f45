//! zlib, tested: streams from Python's zlib, streams built bit by bit from
//! the RFC's tables, every way a stream can be wrong, and round trips.

use super::*;

// --- building streams by hand --------------------------------------------

/// Bits packed the way DEFLATE packs them (RFC 1951 §3.1.1): into bytes
/// from the lowest bit up. Numbers go lowest bit first, Huffman codes
/// first bit first (written here as the RFC prints them, "0110").
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    count: usize,
}

impl Bits {
    fn bit(mut self, bit: bool) -> Bits {
        if self.count.is_multiple_of(8) {
            self.bytes.push(0);
        }
        if bit {
            *self.bytes.last_mut().unwrap() |= 1 << (self.count % 8);
        }
        self.count += 1;
        self
    }

    /// A number of `n` bits, lowest bit first (BFINAL, BTYPE, extra bits…).
    fn num(mut self, value: u32, n: u32) -> Bits {
        for i in 0..n {
            self = self.bit(value >> i & 1 == 1);
        }
        self
    }

    /// A Huffman code as the RFC writes it, most significant bit first.
    fn code(mut self, code: &str) -> Bits {
        for c in code.chars() {
            self = self.bit(c == '1');
        }
        self
    }

    /// A symbol in the fixed literal/length code, from the table of
    /// RFC 1951 §3.2.6 (computed here independently of `tables.rs`).
    fn fixed(self, symbol: u16) -> Bits {
        let (base, first, len) = match symbol {
            0..=143 => (0, 0b0011_0000, 8),
            144..=255 => (144, 0b1_1001_0000, 9),
            256..=279 => (256, 0, 7),
            _ => (280, 0b1100_0000, 8),
        };
        let code = first + u32::from(symbol - base);
        self.code(&format!("{code:0len$b}"))
    }

    /// A fixed distance code: five bits, the symbol itself.
    fn fixed_dist(self, symbol: u16) -> Bits {
        self.code(&format!("{symbol:05b}"))
    }

    /// The header of a dynamic block (BFINAL = 1) for these lengths, sent
    /// through a code-length code in which 0..=15 all have 4 bits (so
    /// symbol `n` is simply the code `n` in four bits) and there are no
    /// repeats. Returns the codes to write the data with.
    fn dynamic(self, litlen: &[u8], dist: &[u8]) -> (Bits, Vec<(u16, u8)>, Vec<(u16, u8)>) {
        let mut bits = self
            .num(1, 1)
            .num(2, 2)
            .num(litlen.len() as u32 - 257, 5)
            .num(dist.len() as u32 - 1, 5)
            .num(19 - 4, 4);
        for symbol in tables::CODE_LENGTH_ORDER {
            bits = bits.num(if symbol < 16 { 4 } else { 0 }, 3);
        }
        for &len in litlen.iter().chain(dist) {
            bits = bits.code(&format!("{len:04b}"));
        }
        (bits, huffman::codes(litlen), huffman::codes(dist))
    }

    /// A code from `huffman::codes` (already in sending order).
    fn sent(mut self, (code, len): (u16, u8)) -> Bits {
        for i in 0..len {
            self = self.bit(code >> i & 1 == 1);
        }
        self
    }

    /// Zero bits up to the next byte, then bytes as they are.
    fn bytes(mut self, bytes: &[u8]) -> Bits {
        self.count = self.bytes.len() * 8;
        self.bytes.extend_from_slice(bytes);
        self.count += bytes.len() * 8;
        self
    }

    fn done(self) -> Vec<u8> {
        self.bytes
    }
}

fn bits() -> Bits {
    Bits::default()
}

/// A zlib stream around `deflate`: the usual header, and the Adler-32 of
/// `data` (what the stream should inflate to).
fn framed(deflate: &[u8], data: &[u8]) -> Vec<u8> {
    let mut stream = vec![0x78, 0x9c];
    stream.extend_from_slice(deflate);
    stream.extend_from_slice(&adler32(data).to_be_bytes());
    stream
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// A header with this CMF and FLG's top bits, its FCHECK made right.
fn header(cmf: u8, flg_without_check: u8) -> Vec<u8> {
    let remainder = (u16::from(cmf) * 256 + u16::from(flg_without_check)) % 31;
    let flg = flg_without_check + ((31 - remainder) % 31) as u8;
    vec![cmf, flg, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]
}

// --- the table -------------------------------------------------------------

use BlockType::{Dynamic, Fixed, Stored};
use ZlibError as E;

type Want = Result<(Vec<u8>, Vec<BlockType>), ZlibError>;

#[allow(
    clippy::unnecessary_wraps,
    reason = "a row's want: `ok(..)` stands beside the `Err(..)` rows"
)]
fn ok(data: &[u8], blocks: &[BlockType]) -> Want {
    Ok((data.to_vec(), blocks.to_vec()))
}

/// Every block type, the RFC's examples, and every error, each once.
#[test]
#[rustfmt::skip]
fn decompress_cases() {
    const LIMIT: usize = 1000;
    let fav = br#"{"fav_number":42}"#;
    let rfc = b"This specification defines a lossless co";

    // §3.2.5's example of an overlapping copy: "if the last 2 bytes
    // decoded have values X and Y, a string reference with <length = 5,
    // distance = 2> adds X,Y,X,Y,X to the output stream."
    let xyxyx = bits()
        .num(1, 1).num(1, 2)                          // BFINAL, BTYPE 01: fixed
        .fixed(u16::from(b'X')).fixed(u16::from(b'Y'))
        .fixed(259).fixed_dist(1)                     // length 5, distance 2
        .fixed(256)                                   // end-of-block
        .done();

    // A dynamic block built by hand: "ab" and end-of-block; no distance
    // codes at all ("the data is all literals", §3.2.7).
    let mut litlen = vec![0u8; 257];
    litlen[usize::from(b'a')] = 2;
    litlen[usize::from(b'b')] = 2;
    litlen[256] = 1;
    let (h, codes, _) = bits().dynamic(&litlen, &[0]);
    let ab = h.sent(codes[usize::from(b'a')]).sent(codes[usize::from(b'b')]).sent(codes[256]).done();

    // Only end-of-block, as a single one-bit code (incomplete, allowed)…
    let mut only_end = vec![0u8; 257];
    only_end[256] = 1;
    let (h, codes, _) = bits().dynamic(&only_end, &[0]);
    let lone_code = h.sent(codes[256]).done();
    // … and then a '1', which starts no code.
    let (h, _, _) = bits().dynamic(&only_end, &[0]);
    let no_such_code = h.code("1").bytes(&[0, 0]).done();

    // A length symbol where no distance code exists.
    let mut with_length = vec![0u8; 258];
    with_length[usize::from(b'a')] = 1;
    with_length[256] = 2;
    with_length[257] = 2;
    let (h, codes, _) = bits().dynamic(&with_length, &[0]);
    let no_distance_code = h.sent(codes[usize::from(b'a')]).sent(codes[257]).bytes(&[0, 0]).done();

    // Bad code lengths (the header is enough to refuse them).
    let header_only = |litlen: &[u8], dist: &[u8]| bits().dynamic(litlen, dist).0.done();
    let oversubscribed_litlen = header_only(&[8; 257], &[1]); // 257 codes, 256 strings of 8 bits
    let incomplete_litlen = header_only(&litlen_two_codes(), &[1]);
    let incomplete_dist = header_only(&litlen, &[2, 2]);
    let oversubscribed_dist = header_only(&litlen, &[1, 1, 1]);
    let no_end_of_block = header_only(&[0; 257], &[1]);

    // Code-length codes, with HCLEN = 0: lengths for 16, 17, 18, 0 only.
    let dynamic_start = || bits().num(1, 1).num(2, 2).num(0, 5).num(0, 5).num(0, 4);
    let cl_oversubscribed = dynamic_start().num(1, 3).num(1, 3).num(1, 3).num(0, 3).done();
    let cl_incomplete = dynamic_start().num(1, 3).num(0, 3).num(0, 3).num(0, 3).done();
    // 0 → '0', 16 → '1': the first length is a repeat of nothing.
    let repeat_first = dynamic_start().num(1, 3).num(0, 3).num(0, 3).num(1, 3).code("1").done();
    // 0 → '0', 18 → '1': two runs of 138 zeros, past the 258 announced.
    let repeat_past = dynamic_start().num(0, 3).num(0, 3).num(1, 3).num(1, 3)
        .code("1").num(127, 7).code("1").num(127, 7).done();

    // Raw DEFLATE pieces for the rows below.
    let fixed_a = || bits().num(1, 1).num(1, 2).fixed(u16::from(b'a'));
    let stored = |last: u32, bytes: &[u8]| bits().num(last, 1).num(0, 2).bytes(bytes);
    let two_stored = stored(0, &[2, 0, 0xfd, 0xff, b'h', b'i']).num(1, 1).num(0, 2).bytes(&[1, 0, 0xfe, 0xff, b'!']).done();
    let bomb = (0..10).fold(fixed_a(), |b, _| b.fixed(285).fixed_dist(0)).fixed(256).done();

    let la = Alphabet::LiteralLength;
    let cases: Vec<(&str, Vec<u8>, Want)> = vec![
        // Streams Python's zlib wrote: every block type.
        ("zlib.compress(b''): a fixed block with only end-of-block", hex("789c030000000001"), ok(b"", &[Fixed])),
        ("zlib.compress(b'a')", hex("789c4b040000620062"), ok(b"a", &[Fixed])),
        ("the lecture's session: fixed codes, no match", hex("789cab564a4b2c8bcf2bcd4d4a2d52b23231aa050038c50602"), ok(fav, &[Fixed])),
        ("after 'hello h', 16 bytes copied from 6 back", hex("789ccb48cdc9c957c8402701680308b1"), ok(b"hello hello hello hello", &[Fixed])),
        ("dynamic Huffman: zlib's choice for these 40 bytes", hex("789c05c1810900200804c0557ea81610537a100dbefde96e1d0abae14cba3d4e6347b24330d44815127c3e37b70f23"), ok(rfc, &[Dynamic])),
        ("zlib.compress(b'hi there', 0): a stored block", hex("7801010800f7ff68692074686572650d43030a"), ok(b"hi there", &[Stored])),
        ("a sync flush: fixed, an empty stored block, fixed", hex("789c4a4c4a06000000ffff4b4c4a4e494d0300114f037c"), ok(b"abcabcdef", &[Fixed, Stored, Fixed])),
        // Streams built from the RFC's tables.
        ("RFC 1951 §3.2.5: <length 5, distance 2> after X, Y adds X,Y,X,Y,X", framed(&xyxyx, b"XYXYXYX"), ok(b"XYXYXYX", &[Fixed])),
        ("a dynamic block built by hand, no distance codes", framed(&ab, b"ab"), ok(b"ab", &[Dynamic])),
        ("a single one-bit literal/length code (incomplete, allowed)", framed(&lone_code, b""), ok(b"", &[Dynamic])),
        ("two stored blocks, the second final", framed(&two_stored, b"hi!"), ok(b"hi!", &[Stored, Stored])),

        // The zlib frame, RFC 1950.
        ("fewer than 6 bytes", hex("789c03"), Err(E::TooShort { len: 3 })),
        ("four bytes cannot hold a header and a checksum", hex("789c4b04"), Err(E::TooShort { len: 4 })),
        ("the header check fails (78 9d)", hex("789d030000000001"), Err(E::HeaderCheck { cmf: 0x78, flg: 0x9d })),
        ("method 9 is not DEFLATE", header(0x79, 0x80), Err(E::NotDeflate { method: 9 })),
        ("a 64 KiB window (CINFO 8)", header(0x88, 0x80), Err(E::WindowTooLarge { cinfo: 8 })),
        ("a preset dictionary (FDICT)", header(0x78, 0xa0), Err(E::PresetDictionary)),
        ("the checksum does not match", hex("789c4b040000620063"), Err(E::ChecksumMismatch { stored: 0x0062_0063, computed: 0x0062_0062 })),
        ("the checksum is cut short", hex("789c4b0400006200"), Err(E::MissingChecksum { found: 3 })),
        ("a byte after the checksum", hex("789c4b04000062006200"), Err(E::TrailingBytes { count: 1 })),

        // The DEFLATE data, RFC 1951.
        ("block type 11 is reserved", framed(&[0b111], b""), Err(E::ReservedBlockType)),
        ("a stored block's NLEN is not !LEN", framed(&stored(1, &[2, 0, 0xfd, 0xfe, b'h', b'i']).done(), b"hi"), Err(E::StoredLengthMismatch { len: 2, nlen: 0xfefd })),
        ("a stored block longer than the data", framed(&stored(1, &[9, 0, 0xf6, 0xff, b'h']).done(), b"h"), Err(E::UnexpectedEnd)),
        ("HLIT = 30: 287 literal/length codes", framed(&bits().num(1, 1).num(2, 2).num(30, 5).num(0, 5).num(0, 4).done(), b""), Err(E::TooManyLengthCodes { count: 287 })),
        ("HDIST = 30: 31 distance codes", framed(&bits().num(1, 1).num(2, 2).num(0, 5).num(30, 5).num(0, 4).done(), b""), Err(E::TooManyDistanceCodes { count: 31 })),
        ("three one-bit codes in the code-length code", framed(&cl_oversubscribed, b""), Err(E::Oversubscribed { alphabet: Alphabet::CodeLength })),
        ("a code-length code must be complete", framed(&cl_incomplete, b""), Err(E::Incomplete { alphabet: Alphabet::CodeLength })),
        ("code 16 repeats the previous length, and there is none", framed(&repeat_first, b""), Err(E::RepeatWithoutPrevious)),
        ("code 18 runs past the lengths announced", framed(&repeat_past, b""), Err(E::RepeatPastEnd)),
        ("no code for end-of-block", framed(&no_end_of_block, b""), Err(E::NoEndOfBlock)),
        ("257 literal/length codes of 8 bits", framed(&oversubscribed_litlen, b""), Err(E::Oversubscribed { alphabet: la })),
        ("two 2-bit literal/length codes leave half the strings unused", framed(&incomplete_litlen, b""), Err(E::Incomplete { alphabet: la })),
        ("two 2-bit distance codes", framed(&incomplete_dist, b""), Err(E::Incomplete { alphabet: Alphabet::Distance })),
        ("three 1-bit distance codes", framed(&oversubscribed_dist, b""), Err(E::Oversubscribed { alphabet: Alphabet::Distance })),
        ("bits that start no literal/length code", framed(&no_such_code, b""), Err(E::NoSuchCode { alphabet: la })),
        ("a match where there are no distance codes", framed(&no_distance_code, b"a"), Err(E::NoSuchCode { alphabet: Alphabet::Distance })),
        ("literal/length 286 is in the fixed code but never valid", framed(&bits().num(1, 1).num(1, 2).fixed(286).done(), b""), Err(E::InvalidSymbol { alphabet: la, symbol: 286 })),
        ("distance 30 is in the fixed code but never valid", framed(&fixed_a().fixed(257).fixed_dist(30).done(), b""), Err(E::InvalidSymbol { alphabet: Alphabet::Distance, symbol: 30 })),
        ("a distance before the start of the data", framed(&fixed_a().fixed(257).fixed_dist(1).fixed(256).done(), b""), Err(E::DistanceTooFar { distance: 2, available: 1 })),
        ("a zip bomb: 'a', then 258 bytes from 1 back, ten times", framed(&bomb, &[b'a'; 2581]), Err(E::TooLarge { limit: LIMIT })),
    ];
    for (why, stream, want) in cases {
        let got = decompress(&stream, LIMIT).map(|d| (d.data, d.blocks));
        assert_eq!(got, want, "{why}: decompress({stream:02x?}) = {got:?}; want {want:?}");
    }
}

/// Lengths for a literal/length code with just two 2-bit codes.
fn litlen_two_codes() -> Vec<u8> {
    let mut lengths = vec![0u8; 257];
    lengths[usize::from(b'a')] = 2;
    lengths[256] = 2;
    lengths
}

/// Raw DEFLATE data that stops too early. (Inside a zlib stream the
/// checksum's bytes would be read as more data; here nothing follows.)
#[test]
fn inflate_stops_at_the_end_of_the_input() {
    let fixed_a = bits().num(1, 1).num(1, 2).fixed(u16::from(b'a'));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("no bytes at all", vec![]),
        (
            "a block that is not the last, and nothing after it",
            bits().num(0, 1).num(1, 2).fixed(256).done(),
        ),
        ("a literal, and no end-of-block", fixed_a.done()),
        (
            "a stored block's LEN, and no NLEN",
            bits().num(1, 1).num(0, 2).bytes(&[2, 0]).done(),
        ),
        (
            "a dynamic block's header, cut",
            bits().num(1, 1).num(2, 2).num(0, 5).done(),
        ),
        (
            "a length and no distance",
            bits()
                .num(1, 1)
                .num(1, 2)
                .fixed(u16::from(b'a'))
                .fixed(257)
                .done(),
        ),
    ];
    for (why, data) in cases {
        let got = inflate(&data, 100);
        assert_eq!(
            got,
            Err(E::UnexpectedEnd),
            "{why}: inflate({data:02x?}) = {got:?}; want UnexpectedEnd"
        );
    }
}

#[test]
fn inflate_reports_the_bytes_it_used() {
    // zlib.compress(b"a") without its header: 3 bytes of DEFLATE, then the checksum.
    let got = inflate(&hex("4b040000620062"), 100).map(|i| (i.data, i.used));
    assert_eq!(got, Ok((b"a".to_vec(), 3)));
}

// --- compressing -----------------------------------------------------------

/// What goldfish compresses, goldfish and zlib's format rules read back:
/// the round trip for every kind of input the compressor treats apart.
#[test]
fn compress_then_decompress_gives_the_input_back() {
    let all_bytes: Vec<u8> = (0..=255).collect();
    let noise = noise(70_000);
    // 100 bytes repeated 32,768 bytes later (copied from 32,767 back:
    // position 0 is never copied from).
    let mut far = noise[..100].to_vec();
    far.extend(&noise[200..200 + WINDOW_MINUS_100]);
    far.extend(&noise[..100]);
    let json = br#"{"responses":["Yes","No","Maybe","Yes","No","Maybe","Yes","No","Maybe"]}"#;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("nothing", vec![]),
        ("one byte", b"a".to_vec()),
        ("two bytes, too short for a match", b"ab".to_vec()),
        ("every byte value once", all_bytes.clone()),
        ("a long run: matches of 258 from 1 back", vec![b'z'; 10_000]),
        ("the lecture's session", br#"{"fav_number":42}"#.to_vec()),
        ("a list of answers", json.to_vec()),
        ("70,000 bytes of noise: two stored blocks", noise.clone()),
        ("matches reaching back nearly 32 KiB", far),
        (
            "noise then its copy: long matches 4 KiB back",
            [&noise[..4096], &noise[..4096]].concat(),
        ),
        (
            "a 3-byte match more than 4 KiB back is not worth it",
            [b"xyz".as_slice(), &noise[..5000], b"xyz"].concat(),
        ),
    ];
    for (why, data) in cases {
        let stream = compress(&data);
        let got = decompress(&stream, 1 << 20).map(|d| d.data);
        assert!(
            got.as_ref() == Ok(&data),
            "{why}: decompress(compress(x)) != x ({got:?})"
        );
    }
}

/// `len` bytes that do not repeat themselves (xorshift32): LZ77 finds nothing.
fn noise(len: usize) -> Vec<u8> {
    let mut x: u32 = 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

/// 32 KiB minus the 100 bytes repeated around it.
const WINDOW_MINUS_100: usize = 32 * 1024 - 100;

#[test]
fn compress_picks_the_cheapest_block_type() {
    let noise = &noise(300);
    let cases: &[(&str, &[u8], BlockType)] = &[
        ("nothing: fixed end-of-block is 10 bits", b"", Fixed),
        (
            "a short session: fixed codes, no table to send",
            br#"{"fav_number":42}"#,
            Fixed,
        ),
        (
            "40 bytes of English: its own code pays for itself",
            b"This specification defines a lossless co",
            Dynamic,
        ),
        ("noise: nothing beats the bytes themselves", noise, Stored),
    ];
    for (why, data, want) in cases {
        let got = decompress(&compress(data), 1000).map(|d| d.blocks);
        assert_eq!(got, Ok(vec![*want]), "{why}");
    }
}

/// Where both pick fixed codes and the same matches, goldfish's bytes are
/// zlib's, byte for byte (Python's `zlib.compress`).
#[test]
fn small_inputs_compress_to_zlibs_own_bytes() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "789c030000000001"),
        (b"a", "789c4b040000620062"),
        (
            br#"{"fav_number":42}"#,
            "789cab564a4b2c8bcf2bcd4d4a2d52b23231aa050038c50602",
        ),
        (
            b"hello hello hello hello",
            "789ccb48cdc9c957c8402701680308b1",
        ),
    ];
    for (data, want) in cases {
        let got: String = compress(data).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            &got,
            want,
            "compress({:?})",
            data.escape_ascii().to_string()
        );
    }
}

#[test]
fn the_header_is_zlibs_default() {
    assert_eq!(
        flg_for(0x78, 2),
        0x9c,
        "78 9c: the bytes every default zlib stream starts with"
    );
    assert_eq!(
        flg_for(0x78, 0),
        0x01,
        "78 01: level 0, as zlib.compress(x, 0) writes"
    );
    assert_eq!(flg_for(0x78, 3), 0xda, "78 da: best compression");
    let header = Header {
        cmf: 0x78,
        flg: 0x9c,
    };
    assert_eq!(
        (header.method(), header.window(), header.level()),
        (8, 32768, "default")
    );
}

#[test]
fn adler32_cases() {
    let million: Vec<u8> = (0..1_000_000u32).map(|i| i as u8).collect();
    let cases: &[(&str, &[u8], u32)] = &[
        ("nothing: s1 = 1, s2 = 0", b"", 0x0000_0001),
        ("Wikipedia's example", b"Wikipedia", 0x11e6_0398),
        ("zlib.adler32(b'a')", b"a", 0x0062_0062),
        (
            "0xff bytes overflow s2 fastest: zlib.adler32(b'\\xff' * 6000)",
            &[0xff; 6000],
            0xa497_59ea,
        ),
        (
            "zlib.adler32(bytes(i % 256 for i in range(10**6)))",
            &million,
            0x0e27_d8d8,
        ),
    ];
    for (why, data, want) in cases {
        let got = adler32(data);
        assert_eq!(got, *want, "{why}: adler32 = {got:08x}; want {want:08x}");
    }
}

/// Throughput, printed, never asserted (`cargo test --release --lib
/// zlib::tests::throughput -- --ignored --nocapture`).
#[test]
#[ignore = "a measurement: run by hand, with --release"]
fn throughput() {
    use std::time::Instant;
    // A session-like JSON document of 64 KiB.
    let mut json = String::from("{\"responses\":[");
    let mut i = 0u32;
    while json.len() < 65_000 {
        json.push_str(&format!(
            "\"answer {} to question {}\",",
            i * 7919 % 1000,
            i % 37
        ));
        i += 1;
    }
    json.push_str("\"end\"]}");
    let data = json.as_bytes();
    let stream = compress(data);
    let rounds = 200;
    let started = Instant::now();
    for _ in 0..rounds {
        assert_eq!(
            decompress(&stream, 1 << 20).map(|d| d.data.len()),
            Ok(data.len())
        );
    }
    let inflate_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    for _ in 0..rounds {
        assert_eq!(compress(data).len(), stream.len());
    }
    let deflate_s = started.elapsed().as_secs_f64();
    let mb = (data.len() * rounds) as f64 / 1e6;
    println!(
        "{} bytes -> {} bytes ({:.1}%); inflate {:.1} MB/s, deflate {:.1} MB/s (of uncompressed data)",
        data.len(),
        stream.len(),
        100.0 * stream.len() as f64 / data.len() as f64,
        mb / inflate_s,
        mb / deflate_s
    );
}

//! A deterministic fuzz test in plain `cargo test`: no crates, no nightly.
//!
//! For each input surface, the seed inputs (the rows of the unit-test
//! tables, see `fuzz_smoke/seeds.rs`) are checked, then 100,000 mutations
//! of them: bytes flipped, replaced or inserted (CR, LF, NUL, `:`, `;`,
//! `%`, `"`, `\`, 0xFF, …), ranges deleted or repeated, inputs cut short or
//! spliced together. Every input goes through the same property checks as
//! the libFuzzer targets in `fuzz/` (`fuzz_smoke/checks.rs`), with less
//! effort per input: a few split points instead of all of them.
//!
//! The random numbers come from xorshift64* with a fixed seed per surface,
//! so a failure here fails the same way on every machine. libFuzzer, in
//! `fuzz/`, is the tool for long runs; this test keeps the properties
//! true on every commit, in a few seconds.
//!
//! On a developer's machine each surface runs a fifth of its mutants, so
//! `cargo test` stays quick; under CI (`CI` is set, as `.ci/run` does) it
//! runs all of them. `FUZZ_SMOKE_ITERATIONS=1000000 cargo test --release
//! --test fuzz_smoke` runs longer.

#[path = "fuzz_smoke/checks.rs"]
mod checks;
#[path = "fuzz_smoke/seeds.rs"]
mod seeds;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

use checks::Effort;

/// xorshift64* (Vigna 2016): small, fast, and good enough to pick mutations.
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> XorShift {
        XorShift(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Bytes that parsers treat specially, or that often end up mishandled.
const INTERESTING: &[u8] = b"\r\n\0:;%\"\\\xff =,.-_/?#[]{}\t\x7f\x80\xc3\x16+0aAzZ9";

/// Longer fragments worth inserting whole.
const FRAGMENTS: &[&[u8]] = &[
    b"\0\0\0\x04",
    b"\xff\xff\xff\xff",
    b"Z\0\0\0\x05I",
    b"SCRAM-SHA-256\0\0",
    b"\r\n",
    b"\r\n\r\n",
    b"\n\n",
    b"Transfer-Encoding: chunked\r\n",
    b"Content-Length: 5\r\n",
    b"Content-Length: 18446744073709551616\r\n",
    b"Host: a\r\n",
    b"Expect: 100-continue\r\n",
    b"0\r\n\r\n",
    b"ffffffffffffffff\r\n",
    b"; Path=/",
    b"; Domain=example.com",
    b"; Expires=Wed, 09 Jun 2021 10:18:14 GMT",
    b"; Max-Age=-1",
    b"; Secure; HttpOnly; SameSite=None; Partitioned",
    b"__Host-",
    b"\\ud83d\\udc1f",
    b"\\u0000",
    b"1e309",
    b"-0.0",
    b"[[[[[[[[",
    b"{\"a\":",
    b"\xef\xbf\xbd",
    b"\xf0\x9f\x90\x9f",
    b"%00",
    b"%zz",
];

/// One mutant: a seed with one to four mutations applied.
fn mutate(rng: &mut XorShift, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = rng.pick(seeds).clone();
    for _ in 0..=rng.below(4) {
        let len = data.len();
        let at = rng.below(len + 1);
        match rng.below(10) {
            // Flip one bit.
            0 if len > 0 => data[at.min(len - 1)] ^= 1 << rng.below(8),
            // Replace a byte with an interesting one.
            1 if len > 0 => data[at.min(len - 1)] = *rng.pick(INTERESTING),
            // Insert an interesting byte, once or a few times.
            2 => {
                let b = *rng.pick(INTERESTING);
                let n = 1 + rng.below(3);
                data.splice(at..at, std::iter::repeat_n(b, n));
            }
            // Insert a fragment.
            3 => {
                let f = rng.pick(FRAGMENTS);
                data.splice(at..at, f.iter().copied());
            }
            // Delete a range.
            4 if len > 0 => {
                let end = (at + 1 + rng.below(8)).min(len);
                data.drain(at.min(len - 1)..end);
            }
            // Cut the input short.
            5 => data.truncate(at),
            // Repeat a range.
            6 if len > 0 => {
                let start = at.min(len - 1);
                let end = (start + 1 + rng.below(16)).min(len);
                let copy = data[start..end].to_vec();
                data.splice(end..end, copy);
            }
            // Splice: this input's head, another seed's tail.
            7 => {
                let other = rng.pick(seeds);
                let from = rng.below(other.len() + 1);
                data.truncate(at);
                data.extend_from_slice(&other[from..]);
            }
            // Insert a piece of another seed.
            8 => {
                let other = rng.pick(seeds);
                let from = rng.below(other.len() + 1);
                let to = (from + rng.below(32)).min(other.len());
                data.splice(at..at, other[from..to].iter().copied());
            }
            // Replace a byte with a random one.
            _ if len > 0 => data[at.min(len - 1)] = rng.next() as u8,
            _ => data.push(rng.next() as u8),
        }
    }
    data
}

/// Runs one surface: every seed thoroughly, then `iterations` mutants —
/// a fifth of them outside CI, or `FUZZ_SMOKE_ITERATIONS` if set.
fn fuzz(surface: &str, check: fn(&[u8], Effort), seed: u64, iterations: usize) {
    let outside_ci = std::env::var_os("CI").is_none();
    let iterations = std::env::var("FUZZ_SMOKE_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if outside_ci {
            iterations / 5
        } else {
            iterations
        });
    let seeds = seeds::seeds(surface);
    assert!(seeds.len() >= 5, "{surface}: only {} seeds", seeds.len());
    let started = Instant::now();
    for input in &seeds {
        run_one(surface, check, input, None);
    }
    let mut rng = XorShift::new(seed);
    for i in 0..iterations {
        let input = mutate(&mut rng, &seeds);
        run_one(surface, check, &input, Some(i));
    }
    eprintln!(
        "fuzz_smoke {surface}: {} seeds + {iterations} mutants in {:.2?}",
        seeds.len(),
        started.elapsed()
    );
}

/// Runs one check (a seed thoroughly, mutant number `i` quickly), and on
/// failure names the input so it can be replayed.
fn run_one(surface: &str, check: fn(&[u8], Effort), input: &[u8], mutant: Option<usize>) {
    let effort = match mutant {
        None => Effort::THOROUGH,
        Some(_) => Effort::QUICK,
    };
    if catch_unwind(AssertUnwindSafe(|| check(input, effort))).is_err() {
        let (what, effort) = match mutant {
            None => ("a seed".to_owned(), "THOROUGH"),
            Some(i) => (format!("mutant #{i}"), "QUICK"),
        };
        panic!(
            "{surface}: {what} failed (the panic message is above). Replay with \
             checks::{surface}(b\"{}\", Effort::{effort})",
            input.escape_ascii()
        );
    }
}

#[test]
fn request_parser() {
    fuzz("request_parser", checks::request_parser, 1, 100_000);
}

#[test]
fn chunked_decoder() {
    fuzz("chunked_decoder", checks::chunked_decoder, 2, 100_000);
}

#[test]
fn cookie_header() {
    fuzz("cookie_header", checks::cookie_header, 3, 100_000);
}

#[test]
fn set_cookie_check() {
    fuzz("set_cookie_check", checks::set_cookie_check, 4, 100_000);
}

#[test]
fn set_cookie_builder() {
    fuzz("set_cookie_builder", checks::set_cookie_builder, 5, 100_000);
}

#[test]
fn json_decode() {
    fuzz("json_decode", checks::json_decode, 6, 100_000);
}

#[test]
fn base64url() {
    fuzz("base64url", checks::base64url, 7, 100_000);
}

/// Fewer mutants here: every one is signed and verified several times, and
/// SHA-256 in a debug build costs about 100 µs per input; 100,000 would
/// take 10 s on their own.
#[test]
fn session_cookie() {
    fuzz("session_cookie", checks::session_cookie, 8, 30_000);
}

/// inflate(deflate(x)) = x, and no input panics or inflates past the cap.
/// Fewer mutants: each one is compressed twice, and compressing costs
/// about 100 µs in a debug build.
#[test]
fn zlib() {
    fuzz("zlib", checks::zlib, 9, 10_000);
}

/// Fewer mutants: a mutant may replay its script 30 times, and each step
/// copies the jar to check the limits after it.
#[test]
fn cookie_jar() {
    fuzz("cookie_jar", checks::cookie_jar, 10, 3_000);
}

#[test]
fn pg_backend() {
    fuzz("pg_backend", checks::pg_backend, 11, 100_000);
}

/// Writes the seeds to `fuzz/corpus/<target>/seed-<hash>` for libFuzzer,
/// replacing the old seed files (files libFuzzer adds are left alone).
#[test]
#[ignore = "writes files: run it after changing a test table"]
fn write_seed_corpus() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for surface in [
        "request_parser",
        "chunked_decoder",
        "cookie_header",
        "set_cookie_check",
        "set_cookie_builder",
        "json_decode",
        "base64url",
        "session_cookie",
        "zlib",
        "cookie_jar",
        "pg_backend",
    ] {
        let dir = root.join(surface);
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("seed-")
            {
                std::fs::remove_file(path).unwrap();
            }
        }
        let seeds = seeds::seeds(surface);
        for seed in &seeds {
            let hash = seed.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
            });
            std::fs::write(dir.join(format!("seed-{hash:016x}")), seed).unwrap();
        }
        eprintln!("{surface}: {} seeds", seeds.len());
    }
}

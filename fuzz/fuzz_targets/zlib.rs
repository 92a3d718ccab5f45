//! `cargo +nightly fuzz run zlib`: see `checks::zlib` in
//! `tests/fuzz_smoke/checks.rs` for the properties.
#![no_main]

use goldfish_fuzz::checks::{self, Effort};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::zlib(data, Effort::THOROUGH));

//! `cargo +nightly fuzz run json_decode`: see `checks::json_decode` in
//! `tests/fuzz_smoke/checks.rs` for the input format and the properties.
#![no_main]

use goldfish_fuzz::checks::{self, Effort};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::json_decode(data, Effort::THOROUGH));

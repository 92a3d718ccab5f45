//! `cargo +nightly fuzz run request_parser`: see `checks::request_parser` in
//! `tests/fuzz_smoke/checks.rs` for the input format and the properties.
#![no_main]

use goldfish_fuzz::checks::{self, Effort};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::request_parser(data, Effort::THOROUGH));

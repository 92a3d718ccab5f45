//! `cargo +nightly fuzz run chunked_decoder`: see `checks::chunked_decoder` in
//! `tests/fuzz_smoke/checks.rs` for the input format and the properties.
#![no_main]

use goldfish_fuzz::checks::{self, Effort};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::chunked_decoder(data, Effort::THOROUGH));

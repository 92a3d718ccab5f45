//! `cargo +nightly fuzz run cookie_header`: see `checks::cookie_header` in
//! `tests/fuzz_smoke/checks.rs` for the input format and the properties.
#![no_main]

use goldfish_fuzz::checks::{self, Effort};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::cookie_header(data, Effort::THOROUGH));

//! `cargo +nightly fuzz run cookie_jar`: see `checks::cookie_jar` in
//! `tests/fuzz_smoke/checks.rs` for the input format and the properties.
#![no_main]

use goldfish_fuzz::checks::{self, Effort};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::cookie_jar(data, Effort::THOROUGH));

//! `cargo +nightly fuzz run base64url`: see `checks::base64url` in
//! `tests/fuzz_smoke/checks.rs` for the input format and the properties.
#![no_main]

use goldfish_fuzz::checks::{self, Effort};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::base64url(data, Effort::THOROUGH));

//! `cargo +nightly fuzz run session_cookie`: see `checks::session_cookie` in
//! `tests/fuzz_smoke/checks.rs` for the input format and the properties.
#![no_main]

use goldfish_fuzz::checks::{self, Effort};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::session_cookie(data, Effort::THOROUGH));

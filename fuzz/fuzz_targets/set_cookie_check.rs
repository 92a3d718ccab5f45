//! `cargo +nightly fuzz run set_cookie_check`: see `checks::set_cookie_check` in
//! `tests/fuzz_smoke/checks.rs` for the input format and the properties.
#![no_main]

use goldfish_fuzz::checks::{self, Effort};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::set_cookie_check(data, Effort::THOROUGH));

//! `cargo +nightly fuzz run pg_backend`: see `checks::pg_backend` in
//! `tests/fuzz_smoke/checks.rs` for the input format and the properties.
#![no_main]

use goldfish_fuzz::checks::{self, Effort};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::pg_backend(data, Effort::THOROUGH));

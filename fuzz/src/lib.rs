//! The properties every fuzz target checks.
//!
//! They live in the main crate's `tests/fuzz_smoke/checks.rs`, so that the
//! std-only `cargo test` smoke run (`tests/fuzz_smoke.rs`) and these
//! libFuzzer targets check exactly the same things; this crate only
//! includes that file.

#[path = "../../tests/fuzz_smoke/checks.rs"]
pub mod checks;

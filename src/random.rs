//! Random bytes from the operating system.
//!
//! A `SECRET_KEY` and a server-side session id must be impossible to guess,
//! so they come from the kernel's cryptographically secure generator, not
//! from a seeded pseudo-random sequence (which anyone who learns the seed
//! can replay). On Linux and the BSDs that generator is the file
//! `/dev/urandom`; reading it never blocks once the system has booted, and
//! its output is what `getrandom(2)` returns. `std` has no public API for
//! this, and goldfish depends on nothing but `sha2` and `hmac`, so we read
//! the file.
//!
//! A production server would call `getrandom(2)` directly (no file
//! descriptor to run out of, works in a chroot), which is what the
//! `getrandom` crate does.

use std::fs::File;
use std::io::{self, Read};

/// The kernel's random device.
const URANDOM: &str = "/dev/urandom";

/// `n` bytes from `/dev/urandom`.
///
/// # Errors
/// Any I/O error opening or reading the device (e.g. on a system without
/// `/dev/urandom`). The caller must not fall back to something weaker.
///
/// # Examples
/// ```
/// let key = goldfish::random::random_bytes(32).unwrap();
/// assert_eq!(key.len(), 32);
/// ```
pub fn random_bytes(n: usize) -> io::Result<Vec<u8>> {
    let mut bytes = vec![0u8; n];
    File::open(URANDOM)?.read_exact(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_the_requested_length() {
        for n in [0, 1, 32, 4096] {
            let got = random_bytes(n).map(|b| b.len());
            assert_eq!(got.ok(), Some(n), "random_bytes({n}).len()");
        }
    }

    #[test]
    fn two_keys_differ() {
        // 2^-256 chance of a false failure.
        let a = random_bytes(32).ok();
        let b = random_bytes(32).ok();
        assert!(a.is_some(), "/dev/urandom is readable");
        assert_ne!(a, b, "two 32-byte draws were equal");
    }
}

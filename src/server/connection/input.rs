//! The receive buffer: bytes read from the socket and not yet used.
//!
//! Reads go straight into the free end of one `Vec<u8>`; the parser and the
//! body reader look at the unused part and say how much they used. The
//! buffer starts small and grows only when bytes fill it: for a head, up to
//! the most its limits allow; for a body, doubling while reads keep filling
//! it, up to [`LARGE_READ`] (fewer system calls for a fast upload, nothing
//! up front for a slow one). It shrinks back afterwards.

use crate::http::Limits;

/// Initial size. wrk's requests are ~60 bytes and a browser's ~1 KiB, so
/// 4 KiB holds a pipelined batch or a cookie-heavy head without growing.
pub const INITIAL: usize = 4096;

/// The most a body read grows the buffer to.
pub const LARGE_READ: usize = 64 * 1024;

/// `buf[start..filled]` is received but not yet used; `buf.len()` is the
/// allocated size (kept zero-initialised so reads can go straight in).
#[derive(Debug)]
pub struct Input {
    buf: Vec<u8>,
    start: usize,
    filled: usize,
    /// The last read filled all the space it was given.
    last_read_full: bool,
}

impl Input {
    /// An empty buffer of `size` bytes.
    pub fn new(size: usize) -> Input {
        Input {
            buf: vec![0; size],
            start: 0,
            filled: 0,
            last_read_full: false,
        }
    }

    /// The bytes received and not yet used.
    pub fn unused(&self) -> &[u8] {
        &self.buf[self.start..self.filled]
    }

    /// Whether nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.start == self.filled
    }

    /// The first `n` unused bytes have been used.
    pub fn consume(&mut self, n: usize) {
        self.start += n;
    }

    /// Forgets everything received (a lingering close drains input).
    pub fn discard(&mut self) {
        (self.start, self.filled) = (0, 0);
    }

    /// Room for the next read of a head: at least one byte, growing when
    /// full, but never past what its `limits` could need.
    pub fn head_space(&mut self, limits: &Limits) -> &mut [u8] {
        self.compact(false);
        if self.filled == self.buf.len() {
            let cap = self.filled + max_head_bytes(limits) + 1;
            let grown = (2 * self.buf.len()).max(self.filled + 1).min(cap);
            self.buf.resize(grown, 0);
        }
        &mut self.buf[self.filled..]
    }

    /// Room for the next read of a body that needs `remaining` more bytes:
    /// twice as much as last time if the last read filled its space (up to
    /// [`LARGE_READ`]), so only a fast sender makes the buffer grow.
    pub fn body_space(&mut self, remaining: usize) -> &mut [u8] {
        self.compact(true);
        let free = self.buf.len() - self.filled;
        if free == 0 || (self.last_read_full && free < remaining) {
            let grown = (2 * self.buf.len()).clamp(INITIAL, LARGE_READ.max(self.filled + 1));
            self.buf.resize(grown, 0);
        }
        &mut self.buf[self.filled..]
    }

    /// Room for input that will be thrown away (a lingering close).
    pub fn scratch_space(&mut self) -> &mut [u8] {
        self.discard();
        if self.buf.len() < 1024 {
            self.buf.resize(1024, 0);
        }
        &mut self.buf[..]
    }

    /// `n` bytes were read into the space just given.
    pub fn filled(&mut self, n: usize) {
        self.filled += n;
        self.last_read_full = self.filled == self.buf.len();
    }

    /// Moves unused bytes to the front of the buffer (cheap: usually none),
    /// and after a rare huge head or body gives the memory back — unless
    /// `keep_large` (a body is still arriving).
    fn compact(&mut self, keep_large: bool) {
        if self.start == self.filled {
            self.discard();
        } else if self.start > 0 && self.filled == self.buf.len() {
            self.buf.copy_within(self.start..self.filled, 0);
            self.filled -= self.start;
            self.start = 0;
        }
        if self.filled == 0 && self.buf.len() > 4 * INITIAL && !keep_large {
            self.buf = vec![0; INITIAL];
        }
    }

    /// Whether everything waiting is empty lines (CR and LF), which RFC
    /// 9112 §2.2 says to skip before a request line.
    pub fn only_empty_lines(&self) -> bool {
        self.unused().iter().all(|&b| b == b'\r' || b == b'\n')
    }

    /// The first line of the unused input (at most 200 bytes), for the
    /// log of a request that could not be parsed.
    pub fn first_line(&self) -> String {
        let rest = self.unused();
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(rest.len())
            .min(200);
        String::from_utf8_lossy(&rest[..end]).trim_end().to_string()
    }

    /// Whether `n` bytes just read could change what the parser says, so
    /// that it is worth running again: a line ended, they are the start
    /// of a request (to refuse garbage at once), or they crossed a limit
    /// (so 414/431 come at once). Parsing on every read would cost O(n²)
    /// for a client that sends a long head one byte at a time.
    pub fn worth_parsing(&self, n: usize, limits: &Limits) -> bool {
        let unused = self.filled - self.start;
        let was = unused - n;
        let crossed = |limit: usize| was <= limit && unused > limit;
        was == 0
            || self.buf[self.filled - n..self.filled].contains(&b'\n')
            || crossed(limits.request_line + 1)
            || crossed(limits.header_section)
            || unused > max_head_bytes(limits)
    }
}

/// No valid head is longer than this (empty lines, request line, fields).
fn max_head_bytes(limits: &Limits) -> usize {
    2 * limits.request_line + limits.header_section + 4
}

//! The receive buffer: bytes read from the socket and not yet used.
//!
//! Reads go straight into the free end of one `Vec<u8>`; the parser and the
//! body reader look at the unused part and say how much they used. The
//! buffer starts small, grows (to the most a head may need, or to a large
//! read for a body) and shrinks back afterwards.

use crate::http::Limits;

/// Initial size. wrk's requests are ~60 bytes and a browser's ~1 KiB, so
/// 4 KiB holds a pipelined batch or a cookie-heavy head without growing.
pub const INITIAL: usize = 4096;

/// `buf[start..filled]` is received but not yet used; `buf.len()` is the
/// allocated size (kept zero-initialised so reads can go straight in).
#[derive(Debug)]
pub struct Input {
    buf: Vec<u8>,
    start: usize,
    filled: usize,
}

impl Input {
    /// An empty buffer of `size` bytes.
    pub fn new(size: usize) -> Input {
        Input {
            buf: vec![0; size],
            start: 0,
            filled: 0,
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

    /// Room for the next read: at least `want` bytes, but for a head no
    /// more than its `limits` could ever need.
    pub fn space(&mut self, want: usize, limits: &Limits, keep_large: bool) -> &mut [u8] {
        self.compact(keep_large);
        let want = self.filled + want.max(1);
        if self.buf.len() < want {
            let doubled = (2 * self.buf.len()).max(want);
            let cap = self.filled + max_head_bytes(limits) + 1;
            self.buf.resize(doubled.min(cap.max(want)), 0);
        }
        &mut self.buf[self.filled..]
    }

    /// `n` bytes were read into [`Input::space`].
    pub fn filled(&mut self, n: usize) {
        self.filled += n;
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

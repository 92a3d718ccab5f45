//! How big a request may be, and the status code past each limit.
//!
//! RFC 9112 sets no size for a request line or a header section, but
//! requires a server to refuse what it will not process with the right
//! status: `414 URI Too Long` (RFC 9110 §15.5.15), `431 Request Header
//! Fields Too Large` (RFC 6585 §5), `413 Content Too Large` (RFC 9110
//! §15.5.14). Limits are what let a server promise that no request costs
//! more than a bounded amount of memory.

/// Size limits. Exceeding one is an error with its own status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest request line, without its line ending (414 beyond).
    pub request_line: usize,
    /// Largest header section: the field lines and the final empty line
    /// (431 beyond). Trailers of a chunked body count against it too.
    pub header_section: usize,
    /// Most header fields (431 beyond).
    pub header_count: usize,
    /// Largest body after de-chunking (413 beyond).
    pub body: usize,
}

impl Default for Limits {
    /// 8 KiB request line, 16 KiB / 100 header fields, 1 MiB body. Browsers
    /// send a few hundred bytes of head; the largest legitimate heads are
    /// cookie-heavy ones at a few KiB.
    fn default() -> Limits {
        Limits {
            request_line: 8 * 1024,
            header_section: 16 * 1024,
            header_count: 100,
            body: 1024 * 1024,
        }
    }
}

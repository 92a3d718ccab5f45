//! HTTP/1.1, sans I/O: bytes in, values out.
//!
//! Rule 1: nothing in `http/` knows a socket exists. The parser is handed
//! the bytes received so far and answers "need more", "here is a request
//! and how many bytes it used", or "this is wrong, and here is why". The
//! response writer appends bytes to a buffer. Reading and writing sockets is
//! the job of [`crate::server`] alone — which is why every rule in here can
//! be tested with a byte string, the way httparse and h11 are.
//!
//! Rule 2: when in doubt, refuse. A server that guesses where a malformed
//! message ends can be made to see two requests where a proxy saw one
//! (request smuggling, RFC 9112 §11.2). Every refusal carries a sentence
//! for the learner and the status code RFC 9110 prescribes.
//!
//! | file | what it holds |
//! | --- | --- |
//! | [`parse`] | request line and header fields, line by line (RFC 9112 §2–§5) |
//! | [`framing`] | the rules that need the whole head: Host, body length, Expect, Connection (RFC 9112 §3.2, §6, §9.3) |
//! | [`limits`] | how big a request may be, and the status past each limit |
//! | [`body`] | the chunked transfer coding (RFC 9112 §7.1) |
//! | [`request`] | [`Request`]: the parsed message, with its raw head |
//! | [`response`] | [`Response`] and [`Status`]; writing the head |
//! | [`headers`] | the response header multimap (Set-Cookie stays many lines) |
//! | [`error`] | [`ParseError`]: one variant per mistake, with its status code |
//! | [`date`] | IMF-fixdate (RFC 9110 §5.6.7) |
//! | [`url`] | percent-decoding, query strings, form bodies |

pub mod body;
pub mod date;
pub mod error;
pub mod framing;
pub mod headers;
pub mod limits;
pub mod parse;
pub mod request;
pub mod response;
pub mod url;

pub use body::{BodyProgress, ChunkedDecoder};
pub use error::ParseError;
pub use headers::Headers;
pub use limits::Limits;
pub use parse::{Parsed, parse_head, parse_request};
pub use request::{BodyKind, Request, Version};
pub use response::{Persistence, Response, Status};

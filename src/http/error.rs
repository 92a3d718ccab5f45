//! Every way a request can be wrong, and the sentence a learner reads.
//!
//! One variant per mistake (the h11/hyper way): the variant picks the status
//! code, and `Display` explains the rule in words a person at a telnet prompt
//! can act on — what was found, and what a correct request looks like.
//!
//! Every parse error ends the connection: once the framing of one request is
//! in doubt, the server cannot know where the next one starts, and guessing is
//! exactly how request smuggling works (RFC 9112 §11.2).

use std::fmt;

use super::response::Status;
use crate::text::ByteName;

/// A request the parser refuses. See the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The request line is not `METHOD SP TARGET SP VERSION`.
    RequestLineParts { found: usize },
    /// Three parts, but not separated by single spaces: two spaces in a
    /// row, or a space at the start or the end (RFC 9112 §3: exactly one
    /// `SP` between the parts).
    RequestLineSpaces,
    /// A byte that can never appear in a request line (e.g. a TLS handshake).
    RequestLineByte { byte: u8, looks_like_tls: bool },
    /// Too many empty lines before the request line.
    TooManyEmptyLines,
    /// The request line is longer than the limit (414).
    RequestLineTooLong { limit: usize },
    /// The method is not a token (RFC 9110 §9.1).
    MethodNotToken { method: String },
    /// The request target has a byte that is not allowed, or an unknown form.
    BadTarget { target: String, why: &'static str },
    /// The version is not `HTTP/<digit>.<digit>`.
    BadVersion { version: String },
    /// A well-formed version other than HTTP/1.0 and HTTP/1.1 (505).
    UnsupportedVersion { version: String },
    /// A line ended in a CR that was not followed by LF.
    BareCr,
    /// A header line without a colon.
    HeaderNoColon { line: String },
    /// Whitespace between a field name and its colon (RFC 9112 §5.1).
    SpaceBeforeColon { name: String },
    /// A field name that is empty or not a token.
    HeaderNameNotToken { name: String },
    /// A line starting with whitespace: obsolete line folding (RFC 9112 §5.2).
    ObsFold,
    /// A control character (NUL, bare CR, …) inside a field value.
    HeaderValueByte { name: String, byte: u8 },
    /// The header section is larger than the limit (431).
    HeadersTooLarge { limit: usize },
    /// More header fields than the limit (431).
    TooManyHeaders { limit: usize },
    /// HTTP/1.1 request without a Host header (RFC 9112 §3.2).
    MissingHost,
    /// More than one Host header.
    MultipleHost,
    /// A Host value that is not a valid authority.
    BadHost { host: String },
    /// Content-Length is not a plain decimal number.
    BadContentLength { value: String },
    /// Several Content-Length values that disagree.
    ConflictingContentLength,
    /// Both Content-Length and Transfer-Encoding: a classic smuggling vector.
    LengthAndChunked,
    /// Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1).
    TransferEncodingInHttp10,
    /// A transfer coding goldfish does not implement (501).
    UnsupportedTransferCoding { coding: String },
    /// `chunked` present but not the final coding (RFC 9112 §6.3).
    ChunkedNotLast,
    /// An Expect value other than 100-continue (417).
    UnsupportedExpectation { value: String },
    /// The body is larger than the limit (413).
    BodyTooLarge { limit: usize },
    /// A chunk-size line that is not hexadecimal digits.
    BadChunkSize,
    /// A chunk size too large to represent.
    ChunkSizeOverflow,
    /// A chunk-size line with a malformed or over-long extension.
    BadChunkExtension,
    /// Chunk data not followed by CRLF.
    ChunkDataNoCrlf,
    /// A malformed trailer field after the last chunk.
    BadTrailer,
}

impl ParseError {
    /// The status code this error is answered with.
    #[must_use]
    pub fn status(&self) -> Status {
        use ParseError::{
            BodyTooLarge, HeadersTooLarge, RequestLineTooLong, TooManyHeaders,
            UnsupportedExpectation, UnsupportedTransferCoding, UnsupportedVersion,
        };
        match self {
            RequestLineTooLong { .. } => Status::URI_TOO_LONG,
            HeadersTooLarge { .. } | TooManyHeaders { .. } => {
                Status::REQUEST_HEADER_FIELDS_TOO_LARGE
            }
            UnsupportedVersion { .. } => Status::HTTP_VERSION_NOT_SUPPORTED,
            UnsupportedTransferCoding { .. } => Status::NOT_IMPLEMENTED,
            UnsupportedExpectation { .. } => Status::EXPECTATION_FAILED,
            BodyTooLarge { .. } => Status::CONTENT_TOO_LARGE,
            _ => Status::BAD_REQUEST,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ParseError::{
            BadChunkExtension, BadChunkSize, BadContentLength, BadHost, BadTarget, BadTrailer,
            BadVersion, BareCr, BodyTooLarge, ChunkDataNoCrlf, ChunkSizeOverflow, ChunkedNotLast,
            ConflictingContentLength, HeaderNameNotToken, HeaderNoColon, HeaderValueByte,
            HeadersTooLarge, LengthAndChunked, MethodNotToken, MissingHost, MultipleHost, ObsFold,
            RequestLineByte, RequestLineParts, RequestLineSpaces, RequestLineTooLong,
            SpaceBeforeColon, TooManyEmptyLines, TooManyHeaders, TransferEncodingInHttp10,
            UnsupportedExpectation, UnsupportedTransferCoding, UnsupportedVersion,
        };
        match self {
            RequestLineParts { found } => write!(
                f,
                "the request line needs three parts separated by single spaces: \
                 METHOD TARGET VERSION, e.g. GET / HTTP/1.1 (found {found} part{})",
                if *found == 1 { "" } else { "s" }
            ),
            RequestLineSpaces => f.write_str(
                "the request line has two spaces in a row (or a space at its start or end): \
                 its three parts, METHOD TARGET VERSION, must be separated by single spaces, \
                 e.g. GET / HTTP/1.1",
            ),
            RequestLineByte {
                looks_like_tls: true,
                ..
            } => f.write_str(
                "this looks like a TLS handshake: goldfish speaks plain HTTP, \
                 so use an http:// URL, not https://",
            ),
            RequestLineByte { byte, .. } => write!(
                f,
                "the request line contains {}, which no request line may contain; \
                 a request starts like GET / HTTP/1.1",
                ByteName(*byte)
            ),
            TooManyEmptyLines => f.write_str(
                "too many empty lines before the request line; \
                 a request starts like GET / HTTP/1.1",
            ),
            RequestLineTooLong { limit } => write!(
                f,
                "the request line is longer than {limit} bytes; \
                 put large data in a POST body instead of the URL"
            ),
            MethodNotToken { method } => write!(
                f,
                "the method {method:?} is not a valid token; \
                 methods are words like GET, HEAD or POST (RFC 9110 §9.1)"
            ),
            BadTarget { target, why } => write!(
                f,
                "the request target {target:?} is not valid: {why}; \
                 a target looks like /path?query"
            ),
            BadVersion { version } => write!(
                f,
                "{version:?} is not an HTTP version; the last part of the request \
                 line must be HTTP/1.1 (or HTTP/1.0), in capitals"
            ),
            UnsupportedVersion { version }
                if version.starts_with("HTTP/2") || version.starts_with("HTTP/3") =>
            {
                write!(
                    f,
                    "{version} is an HTTP version, but not one written as lines of text: HTTP/2 \
                 and HTTP/3 send binary frames, and a browser starts them over TLS, never by \
                 typing. goldfish speaks HTTP/1.1 and HTTP/1.0; send GET / HTTP/1.1"
                )
            }
            UnsupportedVersion { version } => write!(
                f,
                "goldfish speaks HTTP/1.1 and HTTP/1.0, not {version}; \
                 send GET / HTTP/1.1"
            ),
            BareCr => f.write_str(
                "a line ended with CR not followed by LF; \
                 end each line with CRLF (or just LF)",
            ),
            HeaderNoColon { line } => write!(
                f,
                "the header line {line:?} has no colon; \
                 a header looks like Name: value, e.g. Host: localhost"
            ),
            SpaceBeforeColon { name } => write!(
                f,
                "the header {name:?} has whitespace before its colon, which RFC 9112 §5.1 \
                 forbids because proxies disagree about what it means; write {}: value",
                name.trim_end()
            ),
            HeaderNameNotToken { name } => write!(
                f,
                "{name:?} is not a valid header name; names are made of letters, \
                 digits and !#$%&'*+-.^_`|~, e.g. Content-Type"
            ),
            ObsFold => f.write_str(
                "a header line starts with whitespace (obsolete line folding, \
                 RFC 9112 §5.2); put each header on one line",
            ),
            HeaderValueByte { name, byte } => write!(
                f,
                "the value of header {name:?} contains {}, and control characters \
                 are not allowed in header values (RFC 9110 §5.5)",
                ByteName(*byte)
            ),
            HeadersTooLarge { limit } => {
                write!(
                    f,
                    "the request's header section is larger than {limit} bytes"
                )
            }
            TooManyHeaders { limit } => {
                write!(f, "the request has more than {limit} header fields")
            }
            MissingHost => f.write_str(
                "an HTTP/1.1 request needs a Host header, e.g. Host: localhost \
                 (RFC 9112 §3.2); type it on the line after the request line",
            ),
            MultipleHost => f.write_str(
                "the request has more than one Host header; send exactly one (RFC 9112 §3.2)",
            ),
            BadHost { host } => write!(
                f,
                "the Host value {host:?} is not a host name or address with an \
                 optional port, e.g. Host: localhost:5000"
            ),
            BadContentLength { value } => write!(
                f,
                "Content-Length {value:?} is not a number; it must be the body's \
                 size in bytes as decimal digits, e.g. Content-Length: 13"
            ),
            ConflictingContentLength => f.write_str(
                "the request has several Content-Length values that disagree, \
                 so its end cannot be known; send one",
            ),
            LengthAndChunked => f.write_str(
                "the request has both Content-Length and Transfer-Encoding; \
                 servers and proxies can disagree about where such a body ends \
                 (request smuggling), so send only one (RFC 9112 §6.3)",
            ),
            TransferEncodingInHttp10 => f.write_str(
                "Transfer-Encoding does not exist in HTTP/1.0 (RFC 9112 §6.1); \
                 use Content-Length or HTTP/1.1",
            ),
            UnsupportedTransferCoding { coding } => write!(
                f,
                "goldfish does not implement the transfer coding {coding:?}; \
                 use Transfer-Encoding: chunked or a Content-Length"
            ),
            ChunkedNotLast => f.write_str(
                "chunked must be the last transfer coding in a request \
                 (RFC 9112 §6.3), or the end of the body cannot be found",
            ),
            UnsupportedExpectation { value } => write!(
                f,
                "goldfish only understands Expect: 100-continue, not {value:?}"
            ),
            BodyTooLarge { limit } => write!(f, "the request body is larger than {limit} bytes"),
            BadChunkSize => f.write_str(
                "a chunk must start with its size in hexadecimal and CRLF, e.g. 5\\r\\nhello\\r\\n",
            ),
            ChunkSizeOverflow => f.write_str("a chunk size is too large to be real"),
            BadChunkExtension => f.write_str(
                "a chunk extension (after ';' on the size line) is malformed or too long",
            ),
            ChunkDataNoCrlf => f.write_str(
                "chunk data must be followed by CRLF; check that the chunk size \
                 (in hexadecimal) matches the data",
            ),
            BadTrailer => f.write_str(
                "a trailer field after the last chunk is malformed; \
                 end the body with 0\\r\\n\\r\\n",
            ),
        }
    }
}

impl std::error::Error for ParseError {}

//! Responses: a status, header fields and a body, written as bytes.
//!
//! ```text
//! HTTP/1.1 200 OK\r\n                       status-line (RFC 9112 §4)
//! Content-Type: text/plain; charset=utf-8\r\n
//! Date: Wed, 25 Nov 2026 19:25:23 GMT\r\n   origin servers MUST send Date (RFC 9110 §6.6.1)
//! Content-Length: 13\r\n                    exact body size (RFC 9110 §8.6)
//! \r\n
//! Hello, World!
//! ```
//!
//! A handler fills in the status, its own fields and the body; the
//! connection adds the framing fields (`Date`, `Content-Length`,
//! `Connection`) when it writes, because only it knows whether the
//! connection stays open and whether the request was `HEAD`.

use super::headers::Headers;

/// A status code. Constants carry the RFC 9110 reason phrases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Status(pub u16);

macro_rules! statuses {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, $reason:literal; )*) => {
        impl Status {
            $( $(#[$doc])* pub const $name: Status = Status($code); )*

            /// The reason phrase, e.g. `Not Found` (empty for unknown codes,
            /// which RFC 9112 §4 allows).
            pub fn reason(self) -> &'static str {
                match self.0 {
                    $( $code => $reason, )*
                    _ => "",
                }
            }
        }
    };
}

statuses! {
    /// 100 Continue — RFC 9110 §15.2.1: "send the body, I will read it".
    CONTINUE = 100, "Continue";
    /// 200 OK — RFC 9110 §15.3.1.
    OK = 200, "OK";
    /// 204 No Content — RFC 9110 §15.3.5.
    NO_CONTENT = 204, "No Content";
    /// 303 See Other — RFC 9110 §15.4.4: after a POST, GET this other URL.
    SEE_OTHER = 303, "See Other";
    /// 304 Not Modified — RFC 9110 §15.4.5.
    NOT_MODIFIED = 304, "Not Modified";
    /// 400 Bad Request — RFC 9110 §15.5.1.
    BAD_REQUEST = 400, "Bad Request";
    /// 403 Forbidden — RFC 9110 §15.5.4.
    FORBIDDEN = 403, "Forbidden";
    /// 404 Not Found — RFC 9110 §15.5.5.
    NOT_FOUND = 404, "Not Found";
    /// 405 Method Not Allowed — RFC 9110 §15.5.6 (must carry `Allow`).
    METHOD_NOT_ALLOWED = 405, "Method Not Allowed";
    /// 408 Request Timeout — RFC 9110 §15.5.9.
    REQUEST_TIMEOUT = 408, "Request Timeout";
    /// 413 Content Too Large — RFC 9110 §15.5.14.
    CONTENT_TOO_LARGE = 413, "Content Too Large";
    /// 414 URI Too Long — RFC 9110 §15.5.15.
    URI_TOO_LONG = 414, "URI Too Long";
    /// 415 Unsupported Media Type — RFC 9110 §15.5.16.
    UNSUPPORTED_MEDIA_TYPE = 415, "Unsupported Media Type";
    /// 417 Expectation Failed — RFC 9110 §15.5.18.
    EXPECTATION_FAILED = 417, "Expectation Failed";
    /// 431 Request Header Fields Too Large — RFC 6585 §5.
    REQUEST_HEADER_FIELDS_TOO_LARGE = 431, "Request Header Fields Too Large";
    /// 500 Internal Server Error — RFC 9110 §15.6.1.
    INTERNAL_SERVER_ERROR = 500, "Internal Server Error";
    /// 501 Not Implemented — RFC 9110 §15.6.2.
    NOT_IMPLEMENTED = 501, "Not Implemented";
    /// 503 Service Unavailable — RFC 9110 §15.6.4.
    SERVICE_UNAVAILABLE = 503, "Service Unavailable";
    /// 505 HTTP Version Not Supported — RFC 9110 §15.6.6.
    HTTP_VERSION_NOT_SUPPORTED = 505, "HTTP Version Not Supported";
}

impl Status {
    /// Whether a response with this status never has a body
    /// (1xx, 204, 304 — RFC 9112 §6.3 rule 1).
    pub fn forbids_body(self) -> bool {
        (100..200).contains(&self.0) || self.0 == 204 || self.0 == 304
    }
}

/// A response before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: Status,
    /// The handler's fields. The writer adds `Date`, `Content-Length` and
    /// `Connection` itself, so handlers never set those.
    pub headers: Headers,
    pub body: Vec<u8>,
}

impl Response {
    /// A response with a status and no fields or body.
    pub fn new(status: Status) -> Response {
        Response {
            status,
            headers: Headers::new(),
            body: Vec::new(),
        }
    }

    /// A `text/plain; charset=utf-8` response.
    pub fn text(status: Status, body: impl Into<String>) -> Response {
        let mut r = Response::new(status);
        r.headers
            .append("Content-Type", "text/plain; charset=utf-8");
        r.body = body.into().into_bytes();
        r
    }

    /// A `text/html; charset=utf-8` response. The caller escapes.
    pub fn html(status: Status, body: impl Into<String>) -> Response {
        let mut r = Response::new(status);
        r.headers.append("Content-Type", "text/html; charset=utf-8");
        r.body = body.into().into_bytes();
        r
    }

    /// A 303 redirect to `location` (a path on this server).
    pub fn see_other(location: &str) -> Response {
        let mut r = Response::text(Status::SEE_OTHER, format!("See {location}\n"));
        r.headers.append("Location", location.to_string());
        r
    }

    /// Builder-style `headers.append`.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.append(name, value);
        self
    }

    /// Appends the status line and header section to `out`.
    ///
    /// `date` is the IMF-fixdate for `Date`; `close` adds `Connection: close`
    /// and `keep_alive_10` adds `Connection: keep-alive` (HTTP/1.0 clients
    /// need to be told; HTTP/1.1 assumes it). `Content-Length` is always the
    /// real body length — also for `HEAD`, whose caller then skips the body
    /// (RFC 9110 §9.3.2: "the same header fields as GET").
    pub fn write_head(&self, out: &mut Vec<u8>, date: &str, close: bool, keep_alive_10: bool) {
        // One format-free sequence of appends: this runs for every response.
        out.extend_from_slice(b"HTTP/1.1 ");
        push_u64(out, u64::from(self.status.0));
        out.push(b' ');
        out.extend_from_slice(self.status.reason().as_bytes());
        out.extend_from_slice(b"\r\n");
        for (name, value) in self.headers.iter() {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"Date: ");
        out.extend_from_slice(date.as_bytes());
        out.extend_from_slice(b"\r\n");
        if !self.status.forbids_body() {
            out.extend_from_slice(b"Content-Length: ");
            push_u64(out, self.body.len() as u64);
            out.extend_from_slice(b"\r\n");
        }
        if close {
            out.extend_from_slice(b"Connection: close\r\n");
        } else if keep_alive_10 {
            out.extend_from_slice(b"Connection: keep-alive\r\n");
        }
        out.extend_from_slice(b"\r\n");
    }
}

/// Appends a number in decimal without going through `fmt`.
pub(crate) fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_head_byte_for_byte() {
        let mut r = Response::text(Status::OK, "Hello, World!");
        r.headers.append("Set-Cookie", "a=1; Path=/");
        r.headers.append("Set-Cookie", "b=2; Path=/");
        let mut out = Vec::new();
        r.write_head(&mut out, "Wed, 25 Nov 2026 19:25:23 GMT", false, false);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "HTTP/1.1 200 OK\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\
             Set-Cookie: a=1; Path=/\r\n\
             Set-Cookie: b=2; Path=/\r\n\
             Date: Wed, 25 Nov 2026 19:25:23 GMT\r\n\
             Content-Length: 13\r\n\
             \r\n"
        );
    }

    #[test]
    fn connection_fields() {
        let r = Response::new(Status::NO_CONTENT);
        let cases: &[(&str, bool, bool, &str)] = &[
            ("close wins", true, true, "Connection: close\r\n"),
            (
                "1.0 keep-alive is announced",
                false,
                true,
                "Connection: keep-alive\r\n",
            ),
        ];
        for (why, close, ka, want) in cases {
            let mut out = Vec::new();
            r.write_head(&mut out, "d", *close, *ka);
            let s = String::from_utf8(out).unwrap();
            assert!(s.contains(want), "{why}: {s:?}");
            assert!(
                !s.contains("Content-Length"),
                "204 has no Content-Length: {s:?}"
            );
        }
    }

    #[test]
    fn reason_phrases() {
        let cases = [
            (Status::NOT_FOUND, "Not Found"),
            (
                Status::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "Request Header Fields Too Large",
            ),
            (Status(299), ""),
        ];
        for (status, want) in cases {
            assert_eq!(status.reason(), want, "{status:?}");
        }
    }

    #[test]
    fn push_u64_writes_decimal() {
        for n in [0u64, 7, 10, 13, 1_048_576, u64::MAX] {
            let mut out = Vec::new();
            push_u64(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }
}

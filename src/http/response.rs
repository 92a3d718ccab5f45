//! Responses: a status, header fields and a body, written as bytes.
//!
//! ```text
//! HTTP/1.1 200 OK\r\n                       status-line (RFC 9112 §4)
//! Content-Type: text/plain; charset=utf-8\r\n
//! X-Content-Type-Options: nosniff\r\n       believe Content-Type, don't guess
//! Content-Security-Policy: frame-ancestors 'none'\r\n   no framing by other sites
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
    /// 409 Conflict — RFC 9110 §15.5.10: "a conflict with the current state
    /// of the target resource" (a session cookie goldfish will not overwrite).
    CONFLICT = 409, "Conflict";
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
    /// 421 Misdirected Request — RFC 9110 §15.5.20: this server does not
    /// answer for the host the request names.
    MISDIRECTED_REQUEST = 421, "Misdirected Request";
    /// 429 Too Many Requests — RFC 6585 §4 (may carry `Retry-After`).
    TOO_MANY_REQUESTS = 429, "Too Many Requests";
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
    #[must_use]
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
    #[must_use]
    pub fn new(status: Status) -> Response {
        Response {
            status,
            headers: Headers::new(),
            body: Vec::new(),
        }
    }

    /// A `text/plain; charset=utf-8` response, with the two fields that
    /// keep a browser from treating text as something else:
    /// `X-Content-Type-Options: nosniff` (the browser believes
    /// `Content-Type` instead of guessing HTML from the bytes: these
    /// answers often quote the request) and `Content-Security-Policy:
    /// frame-ancestors 'none'` (no other site may show it in a frame).
    /// The server's own error answers (400, 408, 413, …) are built here.
    pub fn text(status: Status, body: impl Into<String>) -> Response {
        let mut r = Response::new(status);
        r.headers
            .append("Content-Type", "text/plain; charset=utf-8");
        r.headers.append("X-Content-Type-Options", "nosniff");
        r.headers
            .append("Content-Security-Policy", "frame-ancestors 'none'");
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
    #[must_use]
    pub fn see_other(location: &str) -> Response {
        let mut r = Response::text(Status::SEE_OTHER, format!("See {location}\n"));
        r.headers.append("Location", location.to_string());
        r
    }

    /// Builder-style `headers.append`.
    #[must_use]
    pub fn with_header(
        mut self,
        name: &'static str,
        value: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Response {
        self.headers.append(name, value);
        self
    }

    /// Appends the status line and header section to `out`, one wire line
    /// per statement:
    ///
    /// ```text
    /// HTTP/1.1 200 OK                      the status line (RFC 9112 §4)
    /// Content-Type: text/plain; …          the handler's fields, in order
    /// Date: Wed, 25 Nov 2026 19:25:23 GMT  `date`, an IMF-fixdate
    /// Content-Length: 13                   the real body length
    /// Connection: close                    what `persistence` says, if anything
    ///                                      the empty line that ends the head
    /// ```
    ///
    /// `Content-Length` is the body's length also for `HEAD`, whose caller
    /// then skips the body (RFC 9110 §9.3.2: "the same header fields as
    /// GET"); 1xx, 204 and 304 have none (RFC 9110 §8.6).
    ///
    /// # Examples
    /// ```
    /// use goldfish::http::{Persistence, Response, Status};
    /// let mut out = Vec::new();
    /// Response::text(Status::OK, "Hello, World!").write_head(
    ///     &mut out,
    ///     "Wed, 25 Nov 2026 19:25:23 GMT",
    ///     Persistence::Close,
    /// );
    /// assert_eq!(
    ///     String::from_utf8(out).unwrap(),
    ///     "HTTP/1.1 200 OK\r\n\
    ///      Content-Type: text/plain; charset=utf-8\r\n\
    ///      X-Content-Type-Options: nosniff\r\n\
    ///      Content-Security-Policy: frame-ancestors 'none'\r\n\
    ///      Date: Wed, 25 Nov 2026 19:25:23 GMT\r\n\
    ///      Content-Length: 13\r\n\
    ///      Connection: close\r\n\
    ///      \r\n"
    /// );
    /// ```
    pub fn write_head(&self, out: &mut Vec<u8>, date: &str, persistence: Persistence) {
        // Appends, not `format!`: this runs for every response, and the
        // numbers go through a stack buffer instead of the formatter.
        let (mut code, mut length) = (Decimal::default(), Decimal::default());
        let reason = self.status.reason().as_bytes();
        line(
            out,
            &[
                b"HTTP/1.1 ",
                code.of(u64::from(self.status.0)),
                b" ",
                reason,
            ],
        );
        for (name, value) in self.headers.iter() {
            line(out, &[name.as_bytes(), b": ", value.as_bytes()]);
        }
        line(out, &[b"Date: ", date.as_bytes()]);
        if !self.status.forbids_body() {
            line(
                out,
                &[b"Content-Length: ", length.of(self.body.len() as u64)],
            );
        }
        match persistence {
            Persistence::KeepAlive => {}
            Persistence::KeepAlive10 => line(out, &[b"Connection: keep-alive"]),
            Persistence::Close => line(out, &[b"Connection: close"]),
        }
        line(out, &[]);
    }
}

/// Whether the connection stays open after a response, and so what its
/// `Connection` field says (RFC 9112 §9.3, §9.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persistence {
    /// HTTP/1.1 keeps connections open by default: nothing to say.
    KeepAlive,
    /// An HTTP/1.0 client that asked for `Connection: keep-alive` must be
    /// told the answer is yes, or it assumes a close (RFC 9112 §C.2.2).
    KeepAlive10,
    /// `Connection: close`: this is the last response on the connection
    /// (RFC 9112 §9.6); the server closes it after sending.
    Close,
}

/// Appends one head line: `parts`, then CRLF.
fn line(out: &mut Vec<u8>, parts: &[&[u8]]) {
    for part in parts {
        out.extend_from_slice(part);
    }
    out.extend_from_slice(b"\r\n");
}

/// A number written in decimal into a stack buffer (`u64::MAX` has 20
/// digits), so the head writer needs no `fmt` and no allocation.
#[derive(Default)]
struct Decimal([u8; 20]);

impl Decimal {
    /// The digits of `n`, borrowed from the buffer.
    fn of(&mut self, mut n: u64) -> &[u8] {
        let mut i = self.0.len();
        loop {
            i -= 1;
            self.0[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                return &self.0[i..];
            }
        }
    }
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
        r.write_head(
            &mut out,
            "Wed, 25 Nov 2026 19:25:23 GMT",
            Persistence::KeepAlive,
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "HTTP/1.1 200 OK\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\
             X-Content-Type-Options: nosniff\r\n\
             Content-Security-Policy: frame-ancestors 'none'\r\n\
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
        let cases: &[(&str, Persistence, Option<&str>)] = &[
            (
                "HTTP/1.1 stays open by default: nothing to say",
                Persistence::KeepAlive,
                None,
            ),
            (
                "an HTTP/1.0 client is told yes",
                Persistence::KeepAlive10,
                Some("Connection: keep-alive\r\n"),
            ),
            (
                "the last response says so",
                Persistence::Close,
                Some("Connection: close\r\n"),
            ),
        ];
        for (why, persistence, want) in cases {
            let mut out = Vec::new();
            r.write_head(&mut out, "d", *persistence);
            let s = String::from_utf8(out).unwrap();
            let got = s.lines().find(|l| l.starts_with("Connection:"));
            assert_eq!(
                got.map(|l| format!("{l}\r\n")).as_deref(),
                *want,
                "write_head({persistence:?}) = {s:?}; {why}"
            );
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
    fn decimal_writes_every_digit() {
        for n in [0u64, 7, 10, 13, 1_048_576, u64::MAX] {
            let mut d = Decimal::default();
            assert_eq!(d.of(n), n.to_string().as_bytes(), "Decimal::of({n})");
        }
    }
}

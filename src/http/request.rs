//! A parsed request: method, target, version, header fields and body.
//!
//! The request keeps its head exactly as it arrived (`head()`), and the
//! method, target and fields are byte ranges into it. Two reasons:
//! - the lessons show learners the raw bytes ("X-ray"), so we need them
//!   anyway;
//! - looking at a header costs no allocation: `header("cookie")` returns a
//!   slice of the head. Only the head itself and the list of ranges are
//!   allocated per request.

use super::url::{self, Query, UrlError};

/// A byte range `start..end` into [`Request::head`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        // The head is at most a few dozen KiB (see `Limits`), far below u32::MAX.
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
    fn of(self, s: &str) -> &str {
        &s[self.start as usize..self.end as usize]
    }
}

/// How the request body is delimited (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No Content-Length and no Transfer-Encoding: the body is empty (rule 7).
    None,
    /// `Content-Length: n` (rule 6).
    Length(u64),
    /// `Transfer-Encoding: chunked` (rule 4).
    Chunked,
}

/// The two HTTP versions goldfish speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Http10,
    Http11,
}

impl Version {
    /// `HTTP/1.0` or `HTTP/1.1`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        }
    }
}

/// A complete request. Built by [`crate::http::parse_request`] or
/// [`crate::http::parse_head`] (which leaves the body empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The request line and header section as received, through the empty
    /// line (leading empty lines skipped). Valid UTF-8: bytes that were not
    /// are shown as U+FFFD (they can only occur in field values).
    pub(crate) head: String,
    pub(crate) method: Span,
    pub(crate) target: Span,
    /// The path part of the target (for absolute-form, after the authority;
    /// for `*`, the `*`). Still percent-encoded.
    pub(crate) path: Span,
    pub(crate) query: Option<Span>,
    pub(crate) version: Version,
    /// `(name, value)` ranges, value with surrounding whitespace trimmed.
    pub(crate) fields: Vec<(Span, Span)>,
    pub(crate) body_kind: BodyKind,
    pub(crate) expect_continue: bool,
    pub(crate) keep_alive: bool,
    pub(crate) body: Vec<u8>,
    /// Trailer fields received after a chunked body, as raw lines.
    pub(crate) trailers: Vec<String>,
}

impl Request {
    /// The method, e.g. `GET`. Methods are case-sensitive (RFC 9110 §9.1).
    #[must_use]
    pub fn method(&self) -> &str {
        self.method.of(&self.head)
    }

    /// The request target exactly as sent, e.g. `/step-one?fav-color=blue`.
    #[must_use]
    pub fn target(&self) -> &str {
        self.target.of(&self.head)
    }

    /// The path, still percent-encoded, e.g. `/fav-color/light%20blue/step-zero`.
    #[must_use]
    pub fn path(&self) -> &str {
        self.path.of(&self.head)
    }

    /// The raw query string after `?`, if there was a `?`.
    #[must_use]
    pub fn query_string(&self) -> Option<&str> {
        self.query.map(|s| s.of(&self.head))
    }

    /// The query parameters, decoded with form rules (`+` is a space).
    ///
    /// # Errors
    /// A bad percent-escape or bytes that are not UTF-8 after decoding.
    pub fn query(&self) -> Result<Query, UrlError> {
        url::parse_form(self.query_string().unwrap_or("").as_bytes())
    }

    /// `HTTP/1.0` or `HTTP/1.1`.
    #[must_use]
    pub fn version(&self) -> Version {
        self.version
    }

    /// The first line, e.g. `GET / HTTP/1.1`, as the access log shows it.
    #[must_use]
    pub fn request_line(&self) -> &str {
        &self.head[self.method.start as usize..self.head.find(['\r', '\n']).unwrap_or(0)]
    }

    /// The raw head: request line, fields and the final empty line.
    #[must_use]
    pub fn head(&self) -> &str {
        &self.head
    }

    /// The first value of a header field (name case-insensitive).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.of(&self.head).eq_ignore_ascii_case(name))
            .map(|(_, v)| v.of(&self.head))
    }

    /// Every value of a header field, in the order received.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .iter()
            .filter(move |(n, _)| n.of(&self.head).eq_ignore_ascii_case(name))
            .map(|(_, v)| v.of(&self.head))
    }

    /// All header fields in order, as `(name, value)`.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields
            .iter()
            .map(|(n, v)| (n.of(&self.head), v.of(&self.head)))
    }

    /// How the body is framed (none, Content-Length, chunked).
    #[must_use]
    pub fn body_kind(&self) -> BodyKind {
        self.body_kind
    }

    /// Whether the client sent `Expect: 100-continue` (HTTP/1.1 only).
    #[must_use]
    pub fn expects_continue(&self) -> bool {
        self.expect_continue
    }

    /// Whether the client wants the connection kept open after this request
    /// (RFC 9112 §9.3: HTTP/1.1 unless `Connection: close`; HTTP/1.0 only
    /// with `Connection: keep-alive`).
    #[must_use]
    pub fn keep_alive(&self) -> bool {
        self.keep_alive
    }

    /// The body bytes (de-chunked).
    #[must_use]
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Sets the body; used by the connection once it has read it.
    pub fn set_body(&mut self, body: Vec<u8>) {
        self.body = body;
    }

    /// Trailer lines received after a chunked body.
    #[must_use]
    pub fn trailers(&self) -> &[String] {
        &self.trailers
    }

    /// Records trailer lines; used by the connection.
    pub fn set_trailers(&mut self, trailers: Vec<String>) {
        self.trailers = trailers;
    }

    /// The body as an `application/x-www-form-urlencoded` form.
    ///
    /// # Errors
    /// [`UrlError::NotAForm`] when the Content-Type says something else, or
    /// a decoding error.
    pub fn form(&self) -> Result<Query, UrlError> {
        let content_type = self.header("content-type").unwrap_or("");
        let essence = content_type.split(';').next().unwrap_or("").trim();
        if !essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Err(UrlError::NotAForm {
                content_type: content_type.to_string(),
            });
        }
        url::parse_form(&self.body)
    }
}

//! The lesson: routes, pages, and the X-ray.
//!
//! Every handler is a plain function `fn(&mut Ctx) -> Response`. The route
//! table below *is* the site map: one line per lesson page. The router
//! matches the method and the percent-decoded path segments against it;
//! `{name}` captures a segment and `{*name}` the rest of the path.
//!
//! What the router answers by itself (RFC 9110):
//! - a path no route has: 404, with links to the lessons;
//! - a path that exists for other methods: 405 with an `Allow` header (§15.5.6);
//! - `HEAD` wherever `GET` works (§9.3.2; the server drops the body);
//! - `OPTIONS`: 204 with `Allow` (§9.3.7);
//! - a method goldfish does not implement at all: 501 (§9.1).

mod basics;
mod pages;
mod statics;
mod xray;

use std::net::SocketAddr;

use crate::http::url::{self, UrlError};
use crate::http::{Request, Response, Status};
use crate::server::Handler;
use crate::template::{self, Vars};
use crate::www::Www;

pub use pages::Page;

/// Settings of the application (the lesson), as opposed to the protocol.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Where templates and static files come from.
    pub www: Www,
}

impl Default for AppConfig {
    fn default() -> AppConfig {
        AppConfig { www: Www::Embedded }
    }
}

/// The application: configuration plus what lives as long as the server.
pub struct App {
    pub config: AppConfig,
}

impl App {
    /// Builds the application.
    pub fn new(config: AppConfig) -> App {
        App { config }
    }
}

impl Handler for App {
    fn handle(&self, req: &Request, peer: SocketAddr) -> Response {
        let mut resp = route(self, req, peer);
        // Last: the X-ray shows the Set-Cookie lines actually being sent.
        xray::fill_response(&mut resp);
        resp
    }
}

/// A handler: the request context in, a response out.
pub type HandlerFn = fn(&mut Ctx) -> Response;

/// One line of the site map.
pub struct Route {
    pub method: &'static str,
    pub pattern: &'static str,
    pub handler: HandlerFn,
    /// One line for the index, the banner and the README.
    pub about: &'static str,
}

/// The site map. Order matters only for reading.
pub static ROUTES: &[Route] = &[
    Route {
        method: "GET",
        pattern: "/",
        handler: basics::index,
        about: "HTTP is stateless: what that means, and your raw request",
    },
    Route {
        method: "GET",
        pattern: "/hello",
        handler: basics::hello,
        about: "plain text Hello, World! — the smallest thing to type in telnet",
    },
    Route {
        method: "GET",
        pattern: "/goldfish",
        handler: basics::goldfish_form,
        about: "tell the server your name; ask again: it has forgotten",
    },
    Route {
        method: "POST",
        pattern: "/goldfish",
        handler: basics::goldfish_answer,
        about: "",
    },
    Route {
        method: "GET",
        pattern: "/static/{*file}",
        handler: statics::serve,
        about: "",
    },
];

/// What a handler gets: the request, its captured path segments, the app.
pub struct Ctx<'a> {
    pub app: &'a App,
    pub req: &'a Request,
    pub peer: SocketAddr,
    /// Captured `{name}` segments, decoded. `{*rest}` holds the segments
    /// joined by `/` (each checked by whoever uses them).
    params: Vec<(&'static str, String)>,
    /// The decoded path segments (for `{*rest}` handlers).
    pub segments: Vec<String>,
}

impl<'a> Ctx<'a> {
    /// A captured path segment, e.g. `color` in `/fav-color/{color}/step-zero`.
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Renders `templates/<name>` with `vars`.
    pub fn render(&self, name: &str, vars: &Vars) -> Result<String, String> {
        let text = self
            .app
            .config
            .www
            .template(name)
            .map_err(|e| format!("template {name}: {e}"))?;
        template::render(&text, vars).map_err(|e| format!("template {name}: {e}"))
    }
}

/// Methods RFC 9110 defines (plus PATCH, RFC 5789). Anything else is 501.
const KNOWN_METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];

/// Splits a raw path into percent-decoded segments: `/a/b%20c` → `["a", "b c"]`.
/// `/` alone has no segments. An encoded `%2F` stays inside its segment.
fn decode_segments(path: &str) -> Result<Vec<String>, UrlError> {
    match path.strip_prefix('/') {
        // `/`, or the empty path of an absolute-form target like `http://host`.
        None | Some("") => Ok(Vec::new()),
        Some(rest) => rest.split('/').map(url::percent_decode).collect(),
    }
}

/// Matches a pattern against segments, returning the captures.
fn matches(pattern: &'static str, segments: &[String]) -> Option<Vec<(&'static str, String)>> {
    let parts: Vec<&'static str> = pattern[1..].split('/').filter(|p| !p.is_empty()).collect();
    let mut captures = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if let Some(name) = part.strip_prefix("{*").and_then(|p| p.strip_suffix('}')) {
            if i >= segments.len() {
                return None;
            }
            captures.push((name, segments[i..].join("/")));
            return Some(captures);
        }
        let seg = segments.get(i)?;
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => captures.push((name, seg.clone())),
            None if seg == part => {}
            None => return None,
        }
    }
    (parts.len() == segments.len()).then_some(captures)
}

/// Finds and runs the handler for a request.
pub fn route(app: &App, req: &Request, peer: SocketAddr) -> Response {
    let method = req.method();
    if !KNOWN_METHODS.contains(&method) {
        return pages::error(
            req,
            Status::NOT_IMPLEMENTED,
            &format!(
                "goldfish does not implement the method {method}. Lessons use GET and POST \
                 (and HEAD and OPTIONS work everywhere)."
            ),
        );
    }
    if req.target() == "*" {
        // `OPTIONS *` asks about the server as a whole (RFC 9110 §9.3.7).
        return Response::new(Status::NO_CONTENT).with_header("Allow", "GET, HEAD, POST, OPTIONS");
    }
    let segments = match decode_segments(req.path()) {
        Ok(s) => s,
        Err(e) => {
            return pages::error(
                req,
                Status::BAD_REQUEST,
                &format!("The path cannot be decoded: {e}."),
            );
        }
    };
    let lookup = if method == "HEAD" { "GET" } else { method };
    let mut allowed: Vec<&str> = Vec::new();
    for r in ROUTES {
        let Some(params) = matches(r.pattern, &segments) else {
            continue;
        };
        if r.method == lookup {
            let mut ctx = Ctx {
                app,
                req,
                peer,
                params,
                segments,
            };
            return (r.handler)(&mut ctx);
        }
        allowed.push(r.method);
        if r.method == "GET" {
            allowed.push("HEAD");
        }
    }
    if allowed.is_empty() {
        return pages::not_found(req);
    }
    allowed.push("OPTIONS");
    let allow = allowed.join(", ");
    if method == "OPTIONS" {
        return Response::new(Status::NO_CONTENT).with_header("Allow", allow);
    }
    pages::error(
        req,
        Status::METHOD_NOT_ALLOWED,
        &format!(
            "{} does not answer {method}; it answers {allow}.",
            crate::server::log::printable(req.path())
        ),
    )
    .with_header("Allow", allow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_decoded_one_by_one() {
        let cases: &[(&str, &[&str])] = &[
            ("/", &[]),
            ("", &[]),
            ("/hello", &["hello"]),
            (
                "/fav-color/light%20blue/step-zero",
                &["fav-color", "light blue", "step-zero"],
            ),
            ("/static/a%2Fb", &["static", "a/b"]),
            ("/hello/", &["hello", ""]),
            ("//x", &["", "x"]),
        ];
        for (path, want) in cases {
            assert_eq!(
                decode_segments(path).unwrap(),
                *want,
                "decode_segments({path:?})"
            );
        }
        assert!(decode_segments("/%zz").is_err());
    }

    #[test]
    fn patterns_match_and_capture() {
        let seg = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let cases: &[(&str, &[&str], Option<&[(&str, &str)]>)] = &[
            ("/", &[], Some(&[])),
            ("/hello", &["hello"], Some(&[])),
            ("/hello", &["hello", ""], None),
            ("/hello", &["goodbye"], None),
            (
                "/fav-color/{color}/step-zero",
                &["fav-color", "blue", "step-zero"],
                Some(&[("color", "blue")]),
            ),
            ("/fav-color/{color}/step-zero", &["fav-color", "blue"], None),
            (
                "/static/{*file}",
                &["static", "css", "site.css"],
                Some(&[("file", "css/site.css")]),
            ),
            ("/static/{*file}", &["static"], None),
        ];
        for (pattern, segments, want) in cases {
            let got = matches(pattern, &seg(segments));
            let got: Option<Vec<(&str, &str)>> = got
                .as_ref()
                .map(|v| v.iter().map(|(n, v)| (*n, v.as_str())).collect());
            assert_eq!(got.as_deref(), *want, "matches({pattern:?}, {segments:?})");
        }
    }
}

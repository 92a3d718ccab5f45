//! The lesson: routes, pages, and the X-ray.
//!
//! Every handler is a plain function `fn(&mut Ctx) -> Reply`: the page, or
//! the error page that replaces it (see [`Reply`]). The route table below
//! *is* the site map: one line per lesson page. The router matches the
//! method and the percent-decoded path segments against it; `{name}`
//! captures a segment and `{*name}` the rest of the path.
//!
//! One goldfish is several sites: the request's `Host` picks the route
//! table — [`ROUTES`] for the lessons (and for any name goldfish does not
//! know), the shop's, evil.localhost's or the tracker's (see [`sites`]).
//!
//! What the router answers by itself (RFC 9110):
//! - a path no route has: 404, with links to the lessons;
//! - a path that exists for other methods: 405 with an `Allow` header (§15.5.6);
//! - `HEAD` wherever `GET` works (§9.3.2; the server drops the body);
//! - `OPTIONS`: 204 with `Allow` (§9.3.7);
//! - a method goldfish does not implement at all: 501 (§9.1).

mod basics;
mod carry;
mod config;
mod cookie_jar;
mod cookies;
pub mod course;
mod facts;
pub mod flask;
pub mod guard;
mod pages;
mod reset;
mod server_session;
mod sessions;
pub mod sites;
mod state;
mod statics;
mod storage;
mod strategies;
pub mod xray;

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use crate::http::url::{self, UrlError};
use crate::http::{Request, Response, Status};
use crate::random;
use crate::server::Handler;
use crate::session::Signer;
use crate::store::limit::NewSessionLimit;
use crate::store::{SessionStore, StoreConfig};

use crate::www::Www;

pub use config::{AppConfig, Secret};
pub use pages::Page;
pub use state::Ctx;

/// The application: configuration plus what lives as long as the server.
pub struct App {
    pub config: AppConfig,
    /// Signs and checks the session cookie.
    pub signer: Signer,
    /// Whether the key was generated at start-up (no `SECRET_KEY`).
    pub generated_key: bool,
    /// Where server-side sessions live (`--session-store`).
    pub store: Box<dyn SessionStore>,
    /// The Public Suffix List for the cookie checker and the jar, read
    /// once, when a lesson first needs it (the system's copy, else the
    /// built-in one): see [`App::psl`].
    psl: OnceLock<Arc<crate::cookie::PublicSuffixList>>,
    /// Recent redirects, for the X-ray of the page each one leads to.
    pub hops: xray::Hops,
    /// How fast one client may make new server-side sessions.
    pub new_sessions: NewSessionLimit,
    /// What the multi-site lessons remember (boards, demo accounts,
    /// timelines), each bounded.
    pub sites: sites::State,
}

impl App {
    /// Builds the application. Without a `SECRET_KEY`, 32 random bytes
    /// from `/dev/urandom` sign the sessions — which then end with the
    /// process, since the next one cannot check their signatures.
    ///
    /// # Errors
    /// `/dev/urandom` cannot be read (only when no key is configured), or
    /// the session store cannot be set up (a `file:DIR` that cannot be
    /// created). The error's text says which.
    pub fn new(config: AppConfig) -> std::io::Result<App> {
        let (key, generated_key) = match &config.secret_key {
            Some(k) => (k.0.clone(), false),
            None => match random::random_bytes(32) {
                Ok(key) => (key, true),
                Err(e) => {
                    let why = format!("cannot read /dev/urandom to make a SECRET_KEY: {e}");
                    return Err(std::io::Error::new(e.kind(), why));
                }
            },
        };
        let store = config
            .session_store
            .open(config.max_sessions)
            .map_err(|e| std::io::Error::other(format!("{e}. {}", e.advice())))?;
        let fallbacks: Vec<Vec<u8>> = config
            .secret_key_fallbacks
            .iter()
            .map(|s| s.0.clone())
            .collect();
        Ok(App {
            signer: Signer::with_digest(config.session_digest, &key, &fallbacks),
            generated_key,
            store,
            psl: OnceLock::new(),
            hops: xray::Hops::default(),
            new_sessions: NewSessionLimit::new(config.new_sessions_per_minute),
            sites: sites::State::default(),
            config,
        })
    }
}

impl App {
    /// The Public Suffix List, read on first use: ten thousand rules are
    /// about a megabyte that a server nobody asks about public suffixes
    /// need not hold.
    pub fn psl(&self) -> &Arc<crate::cookie::PublicSuffixList> {
        self.psl.get_or_init(|| Arc::new(cookie_jar::load_psl()))
    }
}

impl Handler for App {
    fn handle(&self, req: &Request, peer: SocketAddr) -> Response {
        route(self, req, peer)
    }

    /// Only `/server-session` reaches the session store, and only a store
    /// outside this process (files, Redis, PostgreSQL) can make it wait;
    /// with `--www DIR` every page is read from disk. Everything else only
    /// computes.
    fn may_block(&self, req: &Request) -> bool {
        let store = !matches!(self.config.session_store, StoreConfig::Memory);
        (store && req.path() == "/server-session") || matches!(self.config.www, Www::Disk(_))
    }
}

/// A handler: the request context in, a response out (see [`Reply`]).
pub type HandlerFn = fn(&mut Ctx) -> Reply;

/// What a handler returns: `Ok` with the page it was asked for, or `Err`
/// with the error page that replaces it — a 400 for a query or a form that
/// does not decode, a 500 for a template bug, a 503 for a session store that
/// is down. Both sides are whole responses, and [`route`] sends whichever
/// came (after `Ctx::finish`, which treats them alike).
///
/// Why a `Result` when both sides are the same type: so that Rust's `?` can
/// end a handler early, the way an axum handler returns
/// `Result<impl IntoResponse, E>`. `let query = ctx.query()?;` reads "the
/// query, or stop here and answer with its 400 page"; without `?`, every
/// handler spelled out `match ctx.query() { Ok(q) => q, Err(page) => return
/// page }`. `?` works on:
/// - any `Result<_, Response>`: [`Ctx::query`], [`Ctx::form`], [`Ctx::short`]
///   and [`Ctx::server_session`] return the page to answer with;
/// - a [`PageError`](crate::www::PageError): a template that does not render
///   is a bug in goldfish, and `From` makes it the 500 page
///   (`pages::template_bug`);
/// - other errors, once `map_err` has said which page they become, e.g.
///   `new_id().map_err(|e| sites::no_randomness(ctx, &e))?`.
pub type Reply = Result<Response, Response>;

/// One line of the site map.
pub struct Route {
    pub method: &'static str,
    pub pattern: &'static str,
    pub handler: HandlerFn,
    /// One line for the index, the banner and the README.
    pub about: &'static str,
    /// Whether the route changes state, and so is refused to other sites.
    pub writes: Writes,
}

/// Does a route change state? Those that do are refused when another site
/// sends them (CSRF; see [`guard`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writes {
    /// Reads only: any site may ask (every GET, unless marked).
    No,
    /// Changes state (every POST, and the GETs marked `.writes()`):
    /// refused with 403 when it comes from another site.
    Yes,
    /// Changes state and is deliberately *not* protected — a lesson's
    /// demonstration of CSRF. The reason is written in the table.
    Unprotected(&'static str),
}

/// The site map, in lesson order: method, path pattern, handler, and the
/// one line the index, the banner and the README show (empty: not listed).
#[rustfmt::skip]
pub static ROUTES: &[Route] = &[
    entry("GET",  "/",                            basics::index,           "HTTP is stateless: what that means, and your raw request"),
    entry("GET",  "/hello",                       basics::hello,           "plain text Hello, World! — the smallest thing to type in telnet"),
    entry("GET",  "/goldfish",                    basics::goldfish_form,   "tell the server your name; ask again: it has forgotten"),
    entry("POST", "/goldfish",                    basics::goldfish_answer, ""),
    entry("GET",  "/step-zero",                   carry::query_zero,       "state in the query string: ?fav-color=blue rides along…"),
    entry("GET",  "/step-one",                    carry::query_one,        ""),
    entry("GET",  "/step-two",                    carry::query_two,        ""),
    entry("GET",  "/form/step-zero",              carry::hidden_start,     "state in hidden form fields, POSTed from page to page"),
    entry("POST", "/form/step-zero",              carry::hidden_zero,      ""),
    entry("POST", "/form/step-one",               carry::hidden_one,       ""),
    entry("POST", "/form/step-two",               carry::hidden_two,       ""),
    entry("GET",  "/fav-color",                   carry::path_start,       "state in the URL path: /fav-color/blue/step-zero"),
    entry("GET",  "/fav-color/{color}/step-zero", carry::path_zero,        ""),
    entry("GET",  "/fav-color/{color}/step-one",  carry::path_one,         ""),
    entry("GET",  "/fav-color/{color}/step-two",  carry::path_two,         ""),
    entry("GET",  "/storage",                     storage::storage,        "localStorage vs sessionStorage: state the server never sees"),
    entry("GET",  "/cookie-form",                 cookies::form,           "the lecture's cookie round trip: pick a colour…"),
    entry("GET",  "/handle-form-cookie",          cookies::handle_form,    "…the response sets a fav_color cookie…").writes(),
    entry("GET",  "/later-cookie",                cookies::later,          "…and the browser brings it back"),
    entry("GET",  "/cookies",                     cookies::lab,            "cookie lab: set any cookie with any attributes, see what the server and JS see"),
    entry("POST", "/cookies",                     cookies::lab_set,        ""),
    entry("POST", "/cookies/delete",              cookies::lab_delete,     ""),
    entry("POST", "/cookies/check",               cookies::lab_check,      ""),
    entry("GET",  "/cookies/jar",                 cookie_jar::page,        "a browser's cookie jar simulated: replay a conversation, see what each request carries"),
    entry("GET",  "/signed-session",              sessions::lesson,        "the signed session: the lecture's two routes, and what travels between them"),
    entry("GET",  "/some-route",                  sessions::some_route,    "signed session: session['fav_number'] = 42…").writes(),
    entry("GET",  "/my-route",                    sessions::my_route,      "…and back: Favorite number is 42"),
    entry("GET",  "/session",                     sessions::inspect,       "your session cookie taken apart; tamper with it and watch it be rejected"),
    entry("POST", "/session",                     sessions::act,           ""),
    entry("GET",  "/responses",                   sessions::responses,     "a list in the session that grows (and Flask's reassign-to-save gotcha)"),
    entry("POST", "/responses",                   sessions::add_response,  ""),
    entry("GET",  "/server-session",              server_session::page,    "server-side session: the cookie holds only an id; the data lives in the store"),
    entry("POST", "/server-session",              server_session::act,     ""),
    // Many sites on one machine (src/app/sites/): the lessons on goldfish's hosts.
    entry("GET",  "/sites",                       sites::tour::page,              "many sites on one machine: www. and shop.goldfish.localhost, evil.localhost, tracker.localhost"),
    entry("GET",  "/sites/domain",                sites::domain::lesson,          "Domain: one cookie for every host of a site, one for the shop alone"),
    entry("GET",  "/sites/path",                  sites::path::page,              "Path: a cookie for /shop alone, and the default path of a deep URL"),
    entry("GET",  "/shop",                        sites::path::page,              ""),
    entry("GET",  "/shop/basket",                 sites::path::page,              ""),
    entry("GET",  "/shop/basket/add",             sites::path::add,               "").writes(),
    entry("GET",  "/shop/checkout",               sites::path::page,              ""),
    entry("GET",  "/shopping",                    sites::path::page,              ""),
    entry("GET",  "/sites/ports",                 sites::ports::lesson,           "ports are not part of a cookie's scope"),
    entry("GET",  "/sites/samesite",              sites::samesite::lesson,        "SameSite: six requests from another site, four cookies, and what arrived"),
    entry("POST", "/sites/samesite",              sites::samesite::set_cookies,   ""),
    entry("GET",  "/sites/samesite/probe",        sites::samesite::probe,         ""),
    entry("POST", "/sites/samesite/probe",        sites::samesite::probe,         "").unprotected("the SameSite lesson's probe: it must record which cookies another site's POST carries; it changes nothing but the learner's board"),
    entry("GET",  "/sites/third-party",           sites::third_party::lesson,     "third-party cookies and Partitioned (CHIPS): a tracker in two sites' frames"),
    entry("GET",  "/sites/csrf",                  sites::csrf::lesson,            "CSRF: another site changes your colour, then fails against each defence"),
    entry("POST", "/sites/csrf/login",            sites::csrf::login,             ""),
    entry("POST", "/sites/csrf/login-open",       sites::csrf::login_open,        "").unprotected("the CSRF lesson's unprotected login: login CSRF and session swap must succeed here (demo accounts only)"),
    entry("POST", "/sites/csrf/open",             sites::csrf::change_open,       "").unprotected("the CSRF lesson's unprotected demo endpoint: the attack must succeed here (a demo colour)"),
    entry("POST", "/sites/csrf/lax",              sites::csrf::change_lax,        "").unprotected("the CSRF lesson: SameSite=Lax alone must stop the attack here"),
    entry("POST", "/sites/csrf/origin",           sites::csrf::change_origin,     ""),
    entry("POST", "/sites/csrf/token",            sites::csrf::change_token,      "").unprotected("the CSRF lesson: a synchronizer token alone must stop the attack here"),
    entry("GET",  "/sites/timeline",              sites::timeline::page,          "the conversation, from real bytes: your requests and the cookies they carried"),
    entry("POST", "/sites/timeline",              sites::timeline::act,           ""),
    entry("GET",  "/compare",                     storage::compare,        "every strategy side by side: who reads it, is it sent, size, lifetime, tamper-proof"),
    entry("POST", "/reset",                       reset::reset,            "start over: Clear-Site-Data empties this site's cookies and storage"),
    entry("GET",  "/favicon.ico",                 statics::favicon,        ""),
    entry("GET",  "/static/{*file}",              statics::serve,          ""),
];

/// One row of [`ROUTES`]. A POST changes state; a GET does not, unless
/// the row says `.writes()`.
const fn entry(
    method: &'static str,
    pattern: &'static str,
    handler: HandlerFn,
    about: &'static str,
) -> Route {
    let is_post = matches!(method.as_bytes(), b"POST");
    Route {
        method,
        pattern,
        handler,
        about,
        writes: if is_post { Writes::Yes } else { Writes::No },
    }
}

impl Route {
    /// Marks a GET that changes state (it sets a cookie), so other sites
    /// cannot send it.
    const fn writes(mut self) -> Route {
        self.writes = Writes::Yes;
        self
    }

    /// Exempts a state-changing route from the cross-site check, on
    /// purpose, for the reason given (only demonstrations of CSRF).
    const fn unprotected(mut self, why: &'static str) -> Route {
        self.writes = Writes::Unprotected(why);
        self
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

/// Matches a pattern against segments, returning the captures. (Runs for
/// every route on every request, so it walks the pattern without
/// allocating until something matches.)
fn matches(pattern: &'static str, segments: &[String]) -> Option<Vec<(&'static str, String)>> {
    // Most routes differ from the path in their first segment: look there
    // before splitting the pattern (a pattern starting with a capture, or
    // the path `/`, takes the long way).
    let rest = &pattern[1..];
    if let Some(first) = segments.first()
        && !rest.starts_with('{')
    {
        let ends_there = matches!(rest.as_bytes().get(first.len()), None | Some(b'/'));
        if !(rest.starts_with(first.as_str()) && ends_there) {
            return None;
        }
    }
    let mut captures = Vec::new();
    let mut i = 0;
    for part in rest.split('/').filter(|p| !p.is_empty()) {
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
        i += 1;
    }
    (i == segments.len()).then_some(captures)
}

/// Answers a request: checks its `Host` (see [`guard`]), picks the site
/// the `Host` names (see `sites::host`), finds and runs the handler in
/// that site's route table, and adds the fields every response carries.
/// Exchanges of a learner who turned the timeline on are recorded on the
/// way out (`sites::timeline`).
pub fn route(app: &App, req: &Request, peer: SocketAddr) -> Response {
    // One reading of the request's authority serves both: the host check
    // (case-insensitive, so the site's lowercased name will do) and the
    // choice of site. The 421 page quotes the host as the request wrote it.
    let site = sites::SiteAnswer::of(req);
    let mut resp =
        if !site.name.is_empty() && !guard::host_allowed(&site.name, &app.config.allowed_hosts) {
            let host = guard::request_host(req).unwrap_or(&site.name);
            pages::misdirected(&app.config.www, req, host)
        } else {
            dispatch(app, req, peer, site)
        };
    protect(&mut resp);
    sites::timeline::record(app, req, &resp);
    resp
}

/// Fields for every response, pages and errors alike (unless the handler
/// chose its own):
/// - `X-Content-Type-Options: nosniff`: the browser believes
///   `Content-Type` instead of guessing from the bytes, so a text answer
///   that echoes `<script>` is never run as HTML (Fetch standard, §3.5);
/// - `Content-Security-Policy: frame-ancestors 'none'`: no other page may
///   show goldfish's pages in a frame, so none can dress a lab form up as
///   its own button (clickjacking; CSP Level 3 §6.4.2, which every current
///   browser follows, and which replaces `X-Frame-Options`);
/// - `Cache-Control: no-store` on every response that depends on the
///   request's cookies (`Vary: Cookie`) or sets one: such a page shows one
///   visitor's cookies (the X-ray does), so no cache may keep it and hand
///   it to the next visitor. `/hello` and static files need none.
pub(super) fn protect(resp: &mut Response) {
    let h = &mut resp.headers;
    if h.get("x-content-type-options").is_none() {
        h.append("X-Content-Type-Options", "nosniff");
    }
    if h.get("content-security-policy").is_none() && h.get("x-frame-options").is_none() {
        h.append("Content-Security-Policy", "frame-ancestors 'none'");
    }
    let personal = h.get_all("vary").any(|v| v.eq_ignore_ascii_case("cookie"))
        || h.get("set-cookie").is_some();
    if personal && h.get("cache-control").is_none() {
        h.append("Cache-Control", "no-store");
    }
}

/// Finds and runs the handler for a request in one site's route table.
fn dispatch(app: &App, req: &Request, peer: SocketAddr, site: sites::SiteAnswer) -> Response {
    let routes = sites::routes(site.site);
    let method = req.method();
    if !KNOWN_METHODS.contains(&method) {
        return pages::error(
            &app.config.www,
            req,
            Status::NOT_IMPLEMENTED,
            &format!(
                "goldfish does not implement the method {method}. Lessons use GET and POST \
                 (and HEAD and OPTIONS work everywhere).{}",
                // `get` is not `GET`: methods are case-sensitive (RFC 9110 §9.1).
                if KNOWN_METHODS.contains(&method.to_ascii_uppercase().as_str()) {
                    format!(
                        " Methods are case-sensitive: did you mean {}?",
                        method.to_ascii_uppercase()
                    )
                } else {
                    String::new()
                }
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
                &app.config.www,
                req,
                Status::BAD_REQUEST,
                &format!("The path cannot be decoded: {e}."),
            );
        }
    };
    let lookup = if method == "HEAD" { "GET" } else { method };
    let mut allowed: Vec<&str> = Vec::new();
    // The route this path belongs to, for the 405 page's lesson and way back.
    let mut pattern = None;
    for r in routes {
        let Some(params) = matches(r.pattern, &segments) else {
            continue;
        };
        if r.method == lookup {
            if r.writes == Writes::Yes
                && let Some(why) = guard::cross_origin(req)
            {
                return pages::cross_site(app, req, &why);
            }
            let mut ctx = Ctx::new(app, req, peer, site, r.pattern, params, segments);
            // The page, or the error page that replaced it: either one is
            // the answer (see `Reply`).
            let (Ok(response) | Err(response)) = (r.handler)(&mut ctx);
            return ctx.finish(response);
        }
        pattern.get_or_insert(r.pattern);
        allowed.push(r.method);
        if r.method == "GET" {
            allowed.push("HEAD");
        }
    }
    if allowed.is_empty() {
        return pages::not_found(&app.config.www, req);
    }
    allowed.push("OPTIONS");
    let allow = allowed.join(", ");
    if method == "OPTIONS" {
        return Response::new(Status::NO_CONTENT).with_header("Allow", allow);
    }
    let mut message = format!(
        "{} does not answer {method}; it answers {allow}.",
        crate::text::Clip(req.path(), 200)
    );
    if lookup == "GET" && allowed == ["POST", "OPTIONS"] {
        message.push_str(
            " It is where a form sends its fields, in the body of a POST. Typing its address, \
             opening it in a new tab or following a bookmark sends a GET, with no body.",
        );
    }
    // A lesson-style page (X-ray, the way back), like any handler's error.
    let route = pattern.unwrap_or("/");
    let mut ctx = Ctx::new(app, req, peer, site, route, Vec::new(), segments);
    let response = pages::lesson_error(&mut ctx, Status::METHOD_NOT_ALLOWED, &message)
        .with_header("Allow", allow);
    ctx.finish(response)
}

#[cfg(test)]
mod tests;

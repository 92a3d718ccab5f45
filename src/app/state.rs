//! `Ctx`: what a handler gets, and the end of every request.
//!
//! A handler reads the request and its cookies, may use the session, may ask
//! for cookies to be set, and returns a response. [`Ctx::finish`] then does
//! the bookkeeping Flask does after a view function returns:
//!
//! 1. add the `Set-Cookie` lines the handler asked for;
//! 2. save the session — only if it was modified: a new signed cookie, or a
//!    deletion when the session was emptied; likewise the server-side
//!    session, in its store (`server_session.rs`), with a 503 if that fails;
//! 3. add `Vary: Cookie` when the body depends on the request's cookies
//!    (a cookie or the session was read, or the page shows the X-ray), so
//!    no cache serves one visitor's page to another;
//! 4. fill the X-ray with the `Set-Cookie` lines really being sent.
//!
//! The session is loaded lazily, on first use: a page that never touches it
//! never checks a signature.

use std::cell::Cell;
use std::net::SocketAddr;
use std::time::SystemTime;

use super::{App, AppConfig, pages, xray};
use crate::cookie::{CookieError, RequestCookies, SameSite, SetCookie};
use crate::http::url::Query;
use crate::http::{Request, Response, Status};
use crate::session::ServerSession;
use crate::session::{LoadOutcome, Session};
use crate::store::StoreError;
use crate::template::{Object, Vars};
use crate::www::PageError;

/// The one policy for every cookie that carries a session — the signed
/// `session` and the server-side `sid` alike: `HttpOnly` (scripts cannot
/// read it, so an injected script cannot steal it), `Path=/` (every page
/// of the site gets it), `SameSite=Lax` (other sites' forms, images and
/// fetches do not carry it; links do), and `Secure` when goldfish runs
/// behind HTTPS (`--secure-cookies`). Flask's defaults are the same but for
/// `SameSite`, which Flask leaves unset.
///
/// Written once, so the session cookies cannot drift apart: they once did,
/// and `/session`'s "install" sent a cookie without `SameSite` or `Secure`.
pub fn session_cookie(config: &AppConfig, name: &str, value: String) -> SetCookie {
    SetCookie::new(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(config.secure_cookies)
}

/// The longest colour, name or answer a lesson echoes (see [`Ctx::short`]).
pub const MAX_ECHOED_CHARS: usize = 64;

/// Browsers silently drop a cookie bigger than 4096 bytes; like Werkzeug,
/// goldfish refuses to send a `Set-Cookie` value over 4093 bytes and warns.
pub const MAX_SESSION_COOKIE: usize = 4093;

/// What a handler gets: the request, its captured path segments, the app,
/// the session (lazily) and the cookies it wants set.
pub struct Ctx<'a> {
    pub app: &'a App,
    pub req: &'a Request,
    pub peer: SocketAddr,
    /// Captured `{name}` segments, decoded.
    params: Vec<(&'static str, String)>,
    /// The decoded path segments.
    pub segments: Vec<String>,
    /// The request's cookies, parsed on first use.
    cookies: Option<RequestCookies>,
    /// The signed-cookie session, loaded on first use, and what became of
    /// the cookie it came from.
    session: Option<(Session, LoadOutcome)>,
    /// The server-side session (`sid` cookie + store), loaded on first
    /// use; `Err` if the store failed then (and then it is never saved).
    server_session: Option<Result<ServerSession, StoreError>>,
    /// `Set-Cookie` values the handler asked for, already validated.
    set_cookies: Vec<String>,
    /// The time this request is handled at (injectable in tests).
    pub now: SystemTime,
    /// Whether the response's body depends on the request's `Cookie`
    /// lines: the handler read a cookie, or the page shows the X-ray.
    /// Then the response says `Vary: Cookie`.
    uses_cookies: Cell<bool>,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(
        app: &'a App,
        req: &'a Request,
        peer: SocketAddr,
        params: Vec<(&'static str, String)>,
        segments: Vec<String>,
    ) -> Ctx<'a> {
        Ctx {
            app,
            req,
            peer,
            params,
            segments,
            cookies: None,
            session: None,
            server_session: None,
            set_cookies: Vec::new(),
            now: SystemTime::now(),
            uses_cookies: Cell::new(false),
        }
    }

    /// A captured path segment, e.g. `color` in `/fav-color/{color}/step-zero`.
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The request's cookies (all `Cookie` lines joined).
    pub fn cookies(&mut self) -> &RequestCookies {
        self.uses_cookies.set(true);
        let req = self.req;
        self.cookies
            .get_or_insert_with(|| RequestCookies::parse(req.headers_named("cookie")))
    }

    /// The session, loaded from its signed cookie on first use. A missing,
    /// tampered or expired cookie gives an empty session, never an error.
    pub fn session(&mut self) -> &mut Session {
        &mut self.load_session().0
    }

    /// The session if this request has loaded it (for templates, which may
    /// then read `{{ session['key'] }}`).
    pub fn loaded_session(&self) -> Option<&Session> {
        self.session.as_ref().map(|(s, _)| s)
    }

    /// What happened to the session cookie this request sent.
    pub fn session_outcome(&mut self) -> &LoadOutcome {
        &self.load_session().1
    }

    fn load_session(&mut self) -> &mut (Session, LoadOutcome) {
        if self.session.is_none() {
            let name = self.app.config.session_cookie.clone();
            let value = self.cookies().get(&name).map(str::to_string);
            let loaded = Session::decode_cookie(
                value.as_deref(),
                &self.app.signer,
                Some(self.app.config.session_lifetime),
                self.now,
            );
            self.session = Some(loaded);
        }
        self.session.as_mut().expect("loaded just above")
    }

    /// The server-side session: the `sid` cookie's id, looked up in the
    /// store on first use. A missing, malformed or unknown id gives an
    /// empty session (with a new id once something is stored).
    ///
    /// # Errors
    /// The store is down; answer with `server_session::store_down`.
    pub fn server_session(&mut self) -> Result<&mut ServerSession, StoreError> {
        if self.server_session.is_none() {
            let name = self.app.config.sid_cookie.clone();
            let sid = self.cookies().get(&name).map(str::to_string);
            let loaded = ServerSession::load(self.app.store.as_ref(), sid.as_deref(), self.now);
            self.server_session = Some(loaded);
        }
        match self.server_session.as_mut().expect("loaded just above") {
            Ok(s) => Ok(s),
            Err(e) => Err(e.clone()),
        }
    }

    /// The request's form body, or the 400 page that explains why it cannot
    /// be read (wrong Content-Type, a bad percent-escape, not UTF-8).
    pub fn form(&self) -> Result<Query, Response> {
        self.req.form().map_err(|e| {
            pages::error(
                self.req,
                Status::BAD_REQUEST,
                &format!("The form could not be read: {e}."),
            )
        })
    }

    /// The request's query parameters, or the 400 page that explains why
    /// they cannot be decoded.
    pub fn query(&self) -> Result<Query, Response> {
        self.req.query().map_err(|e| {
            pages::error(
                self.req,
                Status::BAD_REQUEST,
                &format!("The query string cannot be decoded: {e}."),
            )
        })
    }

    /// Checks a short value a page will echo (a colour, a name, an
    /// answer): at most [`MAX_ECHOED_CHARS`] characters, or the 400 page
    /// that says so. Pages show such a value several times (in the text, a
    /// link or a hidden field, the X-ray), escaped for HTML, where a `"`
    /// becomes six bytes: without a bound, a 1 MiB colour made a 15 MiB
    /// page. With one, what a request costs does not grow with what it sends.
    ///
    /// # Errors
    /// The value is too long: the 400 page to answer with.
    pub fn short<'v>(
        &self,
        field: &str,
        value: &'v str,
        example: &str,
    ) -> Result<&'v str, Response> {
        let chars = value.chars().count();
        if chars <= MAX_ECHOED_CHARS {
            return Ok(value);
        }
        Err(pages::error(
            self.req,
            Status::BAD_REQUEST,
            &format!(
                "The field {field} is {chars} characters long; the lessons keep such values to \
                 {MAX_ECHOED_CHARS} characters, e.g. {example}."
            ),
        ))
    }

    /// Notes that the response shows the request's `Cookie` lines (the
    /// X-ray does), so it must say `Vary: Cookie`.
    pub fn shows_cookies(&self) {
        self.uses_cookies.set(true);
    }

    /// Asks for a cookie to be set on the response.
    ///
    /// # Errors
    /// The builder's refusal (a value with `;`, `SameSite=None` without
    /// `Secure`, …), with its explanation.
    pub fn set_cookie(&mut self, cookie: &SetCookie) -> Result<String, CookieError> {
        let line = cookie.to_header_value()?;
        self.set_cookies.push(line.clone());
        Ok(line)
    }

    /// Renders `templates/<name>` with `vars`.
    ///
    /// # Errors
    /// The template is missing or malformed, or uses a variable `vars`
    /// lacks: see [`PageError`].
    pub fn render(&self, name: &str, vars: &Vars) -> Result<String, PageError> {
        let template = self.app.config.www.compiled(name)?;
        template.render(vars).map_err(|error| PageError::Template {
            name: name.to_owned(),
            error,
        })
    }

    /// The end of the request: cookies, session, `Vary`, X-ray. See the
    /// module docs.
    pub(super) fn finish(mut self, mut resp: Response) -> Response {
        for line in self.set_cookies.drain(..) {
            resp.headers.append("Set-Cookie", line);
        }
        if let Some((session, _)) = &self.session {
            // (Loading the session read the cookies: `Vary` follows below.)
            let line = session
                .modified()
                .then(|| self.session_cookie_line(session));
            if let Some(Some(line)) = line {
                resp.headers.append("Set-Cookie", line);
            }
        }
        let varies = resp
            .headers
            .get_all("vary")
            .any(|v| v.eq_ignore_ascii_case("cookie"));
        if self.uses_cookies.get() && !varies {
            resp.headers.append("Vary", "Cookie");
        }
        if let Some(Ok(server)) = self.server_session.as_mut() {
            let name = self.app.config.sid_cookie.as_str();
            let sent_sid = self.cookies.as_ref().is_some_and(|c| c.get(name).is_some());
            resp =
                super::server_session::finish(self.app, self.req, self.now, sent_sid, server, resp);
        }
        xray::fill_response(&mut resp);
        resp
    }

    /// The `Set-Cookie` value that saves (or deletes) the session.
    fn session_cookie_line(&self, session: &Session) -> Option<String> {
        let config = &self.app.config;
        let name = config.session_cookie.as_str();
        let sent_one = self.cookies.as_ref().is_some_and(|c| c.get(name).is_some());
        let base = |value: String| session_cookie(config, name, value);
        if session.is_empty() {
            // Emptied: delete the cookie — if the browser has one.
            return sent_one
                .then(|| base(String::new()).removal().to_header_value().ok())
                .flatten();
        }
        let mut cookie = base(session.encode_cookie(&self.app.signer, self.now));
        if session.permanent() {
            // A permanent session outlives the browser session: it gets an
            // expiry date. Otherwise it is a browser-session cookie.
            cookie = cookie.expires(self.now + config.session_lifetime);
        }
        // Werkzeug's rule first: no `Set-Cookie` line over 4093 bytes (a
        // longer one is also one the validator below would refuse, with a
        // sentence about the RFC rather than about the session).
        let bytes = cookie.to_string().len();
        if bytes > MAX_SESSION_COOKIE {
            config.log.write(&format!(
                "goldfish: warning: the session cookie for {} {} would be {bytes} bytes, more \
                 than the {MAX_SESSION_COOKIE} browsers reliably keep; it was NOT sent, so this \
                 change to the session is lost. Keep less in the session, or use a \
                 server-side session.\n",
                self.req.method(),
                crate::text::Clip(self.req.path(), 200),
            ));
            return None;
        }
        // The value is base64url and dots, always a valid cookie value; it
        // goes through the validating path all the same.
        match cookie.to_header_value() {
            Ok(line) => Some(line),
            Err(e) => {
                let why = format!("goldfish: the session cookie was not sent: {e}\n");
                config.log.write(&why);
                None
            }
        }
    }
}

/// `{{ session['key'] }}` and `{{ session.key }}` in templates.
impl Object for Session {
    fn field(&self, key: &str) -> Option<String> {
        self.get(key).map(|v| v.to_string())
    }
}

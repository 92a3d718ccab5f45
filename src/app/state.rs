//! `Ctx`: what a handler gets, and the end of every request.
//!
//! A handler reads the request and its cookies, may use the session, may ask
//! for cookies to be set, and returns a response. [`Ctx::finish`] (in
//! `state/finish.rs`) then does the bookkeeping Flask does after a view
//! function returns.
//!
//! The session is loaded lazily, on first use: a page that never touches it
//! never checks a signature.

mod finish;

use std::cell::Cell;
use std::net::SocketAddr;
use std::time::SystemTime;

use super::pages::{self, Pending};
use super::sites::SiteAnswer;
use super::xray::{Hop, Masked};
use super::{App, AppConfig};
use crate::cookie::{CookieError, RequestCookies, SameSite, SetCookie};
use crate::http::url::Query;
use crate::http::{Request, Response, Status};
use crate::session::ServerSession;
use crate::session::{LoadOutcome, Session, SignError};
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
    /// The site the request is for, and why (`sites::host`): routing
    /// needed it first, and the X-ray of every page says it.
    pub site: SiteAnswer,
    /// The pattern of the route that matched, as written in `ROUTES` (the
    /// course finds a page's lesson by it).
    pub route: &'static str,
    /// Captured `{name}` segments, decoded.
    params: Vec<(&'static str, String)>,
    /// The decoded path segments.
    pub segments: Vec<String>,
    /// The request's cookies, parsed on first use.
    cookies: Option<RequestCookies>,
    /// The signed-cookie session, loaded on first use, and what became of
    /// the cookie it came from.
    session: Option<(Session, LoadOutcome)>,
    /// Set by [`Ctx::start_over`]: an unreadable session cookie may be
    /// replaced (deleted) this once.
    start_over: bool,
    /// The server-side session (`sid` cookie + store), loaded on first
    /// use; `Err` if the store failed then (and then it is never saved).
    server_session: Option<Result<ServerSession, StoreError>>,
    /// `Set-Cookie` values the handler asked for, already validated.
    set_cookies: Vec<String>,
    /// The page the handler rendered, laid out by `finish`.
    page: Option<Pending>,
    /// Sentences for the page about what `finish` could not do.
    warnings: Vec<String>,
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
        site: SiteAnswer,
        route: &'static str,
        params: Vec<(&'static str, String)>,
        segments: Vec<String>,
    ) -> Ctx<'a> {
        Ctx {
            app,
            req,
            peer,
            site,
            route,
            params,
            segments,
            cookies: None,
            session: None,
            start_over: false,
            server_session: None,
            set_cookies: Vec::new(),
            page: None,
            warnings: Vec::new(),
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

    /// `name=value` as the request carried the cookie `name`, for a page to
    /// mark in the X-ray (`Page::mark`); empty if it carried none.
    pub fn cookie_pair(&mut self, name: &str) -> String {
        self.cookies()
            .get(name)
            .map(|v| format!("{name}={v}"))
            .unwrap_or_default()
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

    /// Why the session cookie this request sent cannot be read, if it sent
    /// one that goldfish refused for any reason but its age.
    ///
    /// Flask would quietly start a new session over such a cookie; goldfish
    /// does not, because the cookie may be someone's data: a Flask app on
    /// another port of this host gets the same cookies (RFC 6265 §8.5:
    /// cookies do not isolate by port), and signs with another key or
    /// digest. Until the learner asks for [`Ctx::start_over`], a change to
    /// the session is not saved; the pages say so. (An *expired* session
    /// has simply ended, for Flask and goldfish alike, and is replaced.)
    pub fn unreadable_session(&mut self) -> Option<SignError> {
        unreadable(&self.load_session().1).cloned()
    }

    /// Starts a new, empty session in place of an unreadable cookie: the
    /// cookie is deleted at the end of this request.
    pub fn start_over(&mut self) {
        self.session().clear();
        self.start_over = true;
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
    /// The store is down: the 503 page to answer with
    /// (`server_session::store_down`).
    ///
    /// # Panics
    /// Never: the session is loaded, and checked, just above.
    pub fn server_session(&mut self) -> Result<&mut ServerSession, Response> {
        if self.server_session.is_none() {
            let name = self.app.config.sid_cookie.clone();
            let sid = self.cookies().get(&name).map(str::to_string);
            let loaded = ServerSession::load(self.app.store.as_ref(), sid.as_deref(), self.now);
            self.server_session = Some(loaded);
        }
        // The error first, then the borrow: a `match` that returned the
        // session from one arm would keep `self` borrowed in the other arm
        // too, where the 503 page needs it.
        if let Some(Err(e)) = &self.server_session {
            let e = e.clone();
            return Err(super::server_session::store_down(self, &e));
        }
        let loaded = self.server_session.as_mut().and_then(|s| s.as_mut().ok());
        Ok(loaded.expect("loaded and checked just above"))
    }

    /// The request's form body, or the 400 page that explains why it cannot
    /// be read (wrong Content-Type, a bad percent-escape, not UTF-8).
    ///
    /// # Errors
    /// The 400 page to answer with.
    pub fn form(&mut self) -> Result<Query, Response> {
        self.req.form().map_err(|e| {
            let why = format!("The form could not be read: {e}.");
            pages::lesson_error(self, Status::BAD_REQUEST, &why)
        })
    }

    /// The request's query parameters, or the 400 page that explains why
    /// they cannot be decoded.
    ///
    /// # Errors
    /// The 400 page to answer with.
    pub fn query(&mut self) -> Result<Query, Response> {
        self.req.query().map_err(|e| {
            let why = format!("The query string cannot be decoded: {e}.");
            pages::lesson_error(self, Status::BAD_REQUEST, &why)
        })
    }

    /// Checks a short value a page will echo (a colour, a name, an
    /// answer): at most `MAX_ECHOED_CHARS` characters, or the 400 page
    /// that says so. Pages show such a value several times (in the text, a
    /// link or a hidden field, the X-ray), escaped for HTML, where a `"`
    /// becomes six bytes: without a bound, a 1 MiB colour made a 15 MiB
    /// page. With one, what a request costs does not grow with what it sends.
    ///
    /// # Errors
    /// The value is too long: the 400 page to answer with.
    pub fn short<'v>(
        &mut self,
        field: &str,
        value: &'v str,
        example: &str,
    ) -> Result<&'v str, Response> {
        let chars = value.chars().count();
        if chars <= MAX_ECHOED_CHARS {
            return Ok(value);
        }
        let why = format!(
            "The field {field} is {chars} characters long; the lessons keep such values to \
             {MAX_ECHOED_CHARS} characters, e.g. {example}."
        );
        Err(pages::lesson_error(self, Status::BAD_REQUEST, &why))
    }

    /// The redirect that brought the browser here, if the request carries
    /// its `?via=` token and it is still kept (see `xray::hops`).
    pub fn hop(&self) -> Option<Hop> {
        let query = self.req.query().ok()?;
        self.app.hops.find(query.get("via")?, self.now)
    }

    /// The cookies whose values the X-ray shortens (goldfish's `HttpOnly`
    /// session cookies).
    pub fn masked(&self) -> Masked<'_> {
        let config = &self.app.config;
        Masked {
            names: [&config.session_cookie, &config.sid_cookie],
        }
    }

    /// `http://` and the request's `Host`, for commands a page prints: they
    /// must work when copied, whatever port goldfish runs on. (`Host` is
    /// the client's word, like everything in a request; pages escape it.)
    pub fn origin(&self) -> String {
        let (host, port) = self.host_and_port_str();
        let mut origin = String::with_capacity(host.len() + port.len() + 10);
        origin.push_str("http://");
        if host.contains(':') {
            origin.push('[');
            origin.push_str(host);
            origin.push(']');
        } else {
            origin.push_str(host);
        }
        if port != "80" {
            origin.push(':');
            origin.push_str(port);
        }
        origin
    }

    /// The request's `Host` split for `nc HOST PORT`: the port defaults to
    /// 80 (RFC 9110 §4.2.1), an IPv6 literal keeps its brackets off.
    pub fn host_and_port(&self) -> (String, String) {
        let (name, port) = self.host_and_port_str();
        (name.to_string(), port.to_string())
    }

    /// As [`Ctx::host_and_port`], borrowed from the request.
    fn host_and_port_str(&self) -> (&str, &str) {
        let host = self.req.header("host").unwrap_or("127.0.0.1").trim();
        let (name, port) = match host.rsplit_once(':') {
            Some((name, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
                (name, port)
            }
            _ => (host, "80"),
        };
        (name.trim_start_matches('[').trim_end_matches(']'), port)
    }

    /// Keeps a rendered page for `finish` to lay out.
    pub(super) fn set_page(&mut self, page: Pending) {
        self.page = Some(page);
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

    /// The cookie lab's way to set a cookie: the line goes out as the form
    /// described it, even one a browser will reject (`SameSite=None`
    /// without `Secure`, a `__Host-` name with a Domain…), because watching
    /// the browser refuse it is the lesson. Only what could add an attribute
    /// or a header line, or cannot be written, is refused
    /// (`cookies::lab_refusal`).
    ///
    /// # Errors
    /// Why the line is not sent.
    pub fn set_cookie_as_typed(
        &mut self,
        cookie: &SetCookie,
    ) -> Result<String, super::cookies::LabRefusal> {
        super::cookies::lab_refusal(cookie)?;
        let line = cookie.to_string();
        self.set_cookies.push(line.clone());
        Ok(line)
    }

    /// Renders `templates/<name>` with `vars`.
    ///
    /// # Errors
    /// The template is missing or malformed, or uses a variable `vars`
    /// lacks: see [`PageError`].
    pub fn render(&self, name: &str, vars: &Vars) -> Result<String, PageError> {
        self.app.config.www.render(name, vars)
    }

    /// What went wrong on the way out (a session cookie too big to send):
    /// the page's X-ray says it too, not only the log.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
}

/// The refusal of a session cookie goldfish will not overwrite: any but
/// "expired" (see [`Ctx::unreadable_session`]).
fn unreadable(outcome: &LoadOutcome) -> Option<&SignError> {
    match outcome {
        LoadOutcome::Rejected(SignError::Expired { .. }) => None,
        LoadOutcome::Rejected(why) => Some(why),
        LoadOutcome::Fresh | LoadOutcome::Loaded { .. } => None,
    }
}

/// `{{ session['key'] }}` and `{{ session.key }}` in templates.
impl Object for Session {
    fn field(&self, key: &str) -> Option<String> {
        self.get(key).map(ToString::to_string)
    }
}

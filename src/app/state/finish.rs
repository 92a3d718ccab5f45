//! The end of every request: what [`Ctx::finish`] does after a handler
//! returns, the bookkeeping Flask does after a view function:
//!
//! 1. add the `Set-Cookie` lines the handler asked for;
//! 2. save the session — only if it was modified: a new signed cookie, or a
//!    deletion when the session was emptied — but never over a session
//!    cookie goldfish could not read, unless the learner asked to start
//!    over (see [`Ctx::unreadable_session`]); likewise the server-side
//!    session, in its store (`server_session.rs`), with a 503 if that fails;
//! 3. add `Vary: Cookie` when the body depends on the request's cookies
//!    (a cookie or the session was read, or the page shows the X-ray), so
//!    no cache serves one visitor's page to another, and the fields every
//!    response carries (`app::protect`: `Cache-Control: no-store`,
//!    `nosniff`, `frame-ancestors`);
//! 4. for a browser's `303`, keep the redirect's head for the page it leads
//!    to (`xray::hops`);
//! 5. lay the page out (`pages::lay_out`), with an X-ray of the response
//!    head exactly as it is now final. This step stays last.

use std::fmt;

use super::{Ctx, MAX_SESSION_COOKIE, session_cookie, unreadable};
use crate::app::pages;
use crate::app::xray::{self, Hop};
use crate::cookie::CookieError;
use crate::http::{Response, Status};
use crate::session::Session;

impl Ctx<'_> {
    /// The end of the request: cookies, session, `Vary`, X-ray. See the
    /// module docs.
    pub(in crate::app) fn finish(mut self, mut resp: Response) -> Response {
        for line in self.set_cookies.drain(..) {
            resp.headers.append("Set-Cookie", line);
        }
        if let Some((session, outcome)) = &self.session {
            // (Loading the session read the cookies: `Vary` follows below.)
            let kept = unreadable(outcome).filter(|_| !self.start_over);
            if let Some(why) = kept {
                if session.modified() {
                    let why = format!(
                        "{} {} changed the session, but the session cookie it sent could not be \
                         read ({}); it was kept, and the change not saved (POST /session \
                         action=start-over replaces it)",
                        self.req.method(),
                        crate::text::Clip(self.req.path(), 200),
                        crate::text::Clip(&why.to_string(), 300),
                    );
                    self.app.config.log.write(&format!("goldfish: {why}\n"));
                    self.warnings.push(why);
                }
            } else if session.modified() || self.start_over {
                match self.session_cookie_line(session) {
                    Ok(Some(line)) => resp.headers.append("Set-Cookie", line),
                    Ok(None) => {}
                    Err(why) => {
                        let why = why.to_string();
                        self.app
                            .config
                            .log
                            .write(&format!("goldfish: warning: {why}\n"));
                        self.warnings.push(why);
                    }
                }
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
            let request = (self.req, self.peer, self.now);
            resp = crate::app::server_session::finish(self.app, request, sent_sid, server, resp);
        }
        crate::app::protect(&mut resp);
        self.keep_redirect(&mut resp);
        // Last: the X-ray must see the head as it goes on the wire.
        // (A response with a body is not the handler's page: the store
        // failed, and `server_session::finish` answered 503 instead.)
        match self.page.take() {
            Some(page) if resp.body.is_empty() => pages::lay_out(&self, page, resp),
            _ => resp,
        }
    }

    /// A browser's `303`: add `via=<token>` to its `Location`, and keep its
    /// head under that token so the page it leads to can show it.
    fn keep_redirect(&self, resp: &mut Response) {
        if resp.status != Status::SEE_OTHER || !pages::wants_html(self.req) {
            return;
        }
        let (Some(location), Some(token)) = (resp.headers.get("location"), xray::Hops::token())
        else {
            return;
        };
        let location = xray::hops::with_token(location, &token);
        resp.headers.set("Location", location);
        let hop = Hop {
            warnings: self.warnings.clone(),
            request_line: self.req.request_line().to_string(),
            status: resp.status,
            headers: resp
                .headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        };
        self.app.hops.record(token, hop, self.now);
    }

    /// The `Set-Cookie` value that saves (or deletes) the session;
    /// `Ok(None)` when there is nothing to send.
    ///
    /// # Errors
    /// [`NotSent`]: why the cookie is not sent (too big), in a sentence for
    /// the log and for the page.
    fn session_cookie_line(&self, session: &Session) -> Result<Option<String>, NotSent> {
        let config = &self.app.config;
        let name = config.session_cookie.as_str();
        let sent_one = self.cookies.as_ref().is_some_and(|c| c.get(name).is_some());
        let base = |value: String| session_cookie(config, name, value);
        if session.is_empty() {
            // Emptied: delete the cookie — if the browser has one.
            let removal = base(String::new()).removal().to_header_value().ok();
            return Ok(removal.filter(|_| sent_one));
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
            return Err(NotSent::TooBig {
                request: format!(
                    "{} {}",
                    self.req.method(),
                    crate::text::Clip(self.req.path(), 200)
                ),
                bytes,
            });
        }
        // The value is base64url and dots, always a valid cookie value; it
        // goes through the validating path all the same.
        cookie.to_header_value().map(Some).map_err(NotSent::Refused)
    }
}

/// Why the session cookie that would save a change is not sent.
#[derive(Debug)]
enum NotSent {
    /// Over Werkzeug's limit of [`MAX_SESSION_COOKIE`] bytes, which
    /// browsers reliably keep. `request` is the method and path, for the log.
    TooBig { request: String, bytes: usize },
    /// The cookie builder refused the line (it cannot: the value is
    /// base64url and dots; the validating path is taken all the same).
    Refused(CookieError),
}

impl fmt::Display for NotSent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotSent::TooBig { request, bytes } => write!(
                f,
                "the session cookie for {request} would be {bytes} bytes, more than the \
                 {MAX_SESSION_COOKIE} browsers reliably keep; it was NOT sent, so this change to \
                 the session is lost. Keep less in the session, or use a server-side session."
            ),
            NotSent::Refused(e) => write!(f, "the session cookie was not sent: {e}"),
        }
    }
}

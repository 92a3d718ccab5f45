//! The server-side session lesson, and the end-of-request step for it.
//!
//! `GET /server-session` shows the `sid` cookie (an opaque id and nothing
//! else), what the store holds under it, what goldfish said to the store to
//! find out (the store's own X-ray: SQL for PostgreSQL, RESP for Redis, file
//! operations, map calls), and a form; `POST /server-session` stores
//! `fav_color`, regenerates the id ("log in") or clears the session ("log
//! out"), then redirects back (303, so a reload does not post again).
//!
//! The store is chosen with `--session-store`; the same page works on all
//! four, and says which one answered. Run two goldfish processes and
//! alternate between them to see a memory store lose the session while
//! Redis or PostgreSQL keeps it (README: "More than one server").

use super::strategies::StrategyKey;
use std::net::SocketAddr;
use std::time::SystemTime;

use super::pages::{self, Page};
use super::state::session_cookie;
use super::{App, AppConfig, Ctx, Reply, xray};
use crate::cookie::SetCookie;
use crate::http::{Request, Response, Status};
use crate::session::id::{ID_BYTES, ID_LEN};
use crate::session::{Origin, Saved, ServerSession, SessionId};
use crate::store::trace::{Dir, Trace};
use crate::store::{StoreConfig, StoreError};
use crate::template::Vars;

/// The longest colour the form accepts, in characters.
pub const MAX_COLOR_CHARS: usize = 64;

/// `503 Service Unavailable` because the session store is down (or full):
/// which store, why, and what to do — or, with `--hide-store-details`, only
/// that it is unavailable (the whole sentence goes to the log). Every page
/// that does not need the store keeps working. (`Ctx::server_session`
/// answers with it.)
pub fn store_down(ctx: &mut Ctx, e: &StoreError) -> Response {
    let text = store_down_text(&ctx.app.config, e);
    pages::lesson_error(ctx, Status::SERVICE_UNAVAILABLE, &text)
        // Ask clients to come back later instead of hammering a store that is down.
        .with_header("Retry-After", "5")
}

/// The 503's sentence; the log gets the whole of it either way.
fn store_down_text(config: &AppConfig, e: &StoreError) -> String {
    config.log.write(&format!("goldfish: {e}\n"));
    let what = if config.hide_store_details {
        "the session store cannot answer right now (the server's log says why)".to_string()
    } else {
        format!("{e}. {}", e.advice())
    };
    format!(
        "This page needs the server-side session store, and {what} Every lesson that does not \
         use the store still works."
    )
}

/// The store's conversation, one `→`/`←` line each, ids shortened as in
/// the X-ray (the `sid` cookie is HttpOnly).
fn trace_text(trace: &Trace, ids: &[&str]) -> String {
    let mut out = String::new();
    for line in trace.lines() {
        let mut text = line.text.clone();
        for id in ids.iter().filter(|id| !id.is_empty()) {
            text = text.replace(id, &xray::shorten(id));
        }
        let arrow = match line.dir {
            Dir::Sent => "→",
            Dir::Got => "←",
        };
        out.push_str(&format!("{arrow} {text}\n"));
    }
    out
}

/// What the trace's lines are, for each kind of store.
fn trace_intro(store: &StoreConfig) -> &'static str {
    match store {
        StoreConfig::Memory => {
            "The memory store is a HashMap inside this very process: goldfish asked it with a \
             method call."
        }
        StoreConfig::File(_) => {
            "The file store is a directory: goldfish opened one file, named after your id, and \
             read its two lines (an expiry time, then the JSON)."
        }
        StoreConfig::Redis { .. } => {
            "These are the bytes of RESP, Redis's protocol, as they crossed the socket (\\r\\n \
             is written as typed): one command, one reply."
        }
        StoreConfig::Postgres(_) => {
            "Each line is one message of PostgreSQL's protocol: goldfish's (→) and the \
             database's (←). The SQL was sent once, in a Parse message, with a $1 where the id \
             goes; the id itself travels in Bind, in a field of its own. The database never \
             reads a value as SQL, which is why a cookie full of quotes cannot inject any."
        }
    }
}

/// `GET /server-session`.
pub fn page(ctx: &mut Ctx) -> Reply {
    let sid_name = ctx.app.config.sid_cookie.clone();
    let cookie = ctx.cookies().get(&sid_name).map(str::to_string);
    let app = ctx.app;
    let hidden = app.config.hide_store_details;
    let store = app.store.as_ref();
    let server = ctx.server_session()?;
    let status = match server.origin() {
        Origin::NoCookie => format!(
            "Your browser sent no {sid_name} cookie: you have no server-side session yet. Store \
             a colour below and the server makes one."
        ),
        Origin::Malformed(e) => format!(
            "Your browser sent a {sid_name} cookie that is not a session id ({e}). goldfish \
             ignores it; storing something gets you a real one."
        ),
        Origin::Unknown => format!(
            "Your browser sent a well-formed {sid_name}, but this server's store has nothing \
             under it: the session expired or was deleted — or it was made by another server \
             whose memory this one cannot see. goldfish never adopts an id it did not issue; \
             storing something gets you a new one."
        ),
        Origin::Unreadable(why) => format!(
            "The store holds something under your id, but not a session ({why}); goldfish \
             starts an empty one."
        ),
        Origin::Loaded => "Found: the store holds a session under your id.".to_string(),
    };
    // The id is shortened, as in the X-ray: the cookie is HttpOnly.
    let (location, stored) = match server.id() {
        Some(_) if hidden => (
            format!("the {} store", store.config().kind()),
            server.stored_json().unwrap_or_default().to_string(),
        ),
        Some(id) => (
            store
                .location(id)
                .replace(id.as_str(), &xray::shorten(id.as_str())),
            server.stored_json().unwrap_or_default().to_string(),
        ),
        None => (
            "nowhere yet".to_string(),
            "(nothing: no session under this id)".to_string(),
        ),
    };
    let rows = pages::session_rows(server);
    let id_text = server.id().map(SessionId::as_str).unwrap_or_default();
    let (store_line, trace) = if hidden {
        (
            store.config().kind().to_string(),
            "(hidden: this server runs with --hide-store-details)\n".to_string(),
        )
    } else {
        let ids = [id_text, cookie.as_deref().unwrap_or_default()];
        let trace = match trace_text(server.trace(), &ids) {
            t if t.is_empty() => {
                "(nothing: without a well-formed id there is nothing to ask)\n".into()
            }
            t => t,
        };
        (
            format!("{} (goldfish process {})", store.name(), std::process::id()),
            trace,
        )
    };
    let color = server
        .get("fav_color")
        .map(ToString::to_string)
        .unwrap_or_default();
    let answer = if color.is_empty() {
        "You have not told this server a favourite colour yet.".to_string()
    } else {
        format!("Your favourite colour, as the store remembers it: {color}.")
    };
    let cookie_html = match &cookie {
        Some(v) => ctx.render(
            "server-session-sid.html",
            &Vars::new()
                .text("cookie", format!("{sid_name}={}", xray::shorten(v)))
                .text("chars", v.chars().count().to_string())
                .text("bytes", ID_BYTES.to_string()),
        )?,
        None => ctx.render(
            "server-session-nosid.html",
            &Vars::new().text("sid_name", sid_name.as_str()),
        )?,
    };
    let (_, port) = ctx.host_and_port();
    let mark = ctx.cookie_pair(&sid_name);
    let vars = Vars::new()
        .text("status", status)
        .html("cookie", cookie_html)
        .text("store", store_line)
        .text("location", location)
        .text("stored", stored)
        .text("trace_intro", trace_intro(store.config()))
        .text("trace", trace)
        .html("rows", rows)
        .text("answer", answer)
        .text("fav_color", color)
        .text("sid_name", sid_name.as_str())
        .text("id_len", ID_LEN.to_string())
        .text("port", port);
    Page::new("Server-side sessions", "server-session.html")
        .facts(StrategyKey::ServerSession)
        .mark(mark)
        .render(ctx, vars)
}

/// `POST /server-session` — `fav_color=teal`, or `action=regenerate|clear`.
pub fn act(ctx: &mut Ctx) -> Reply {
    let form = ctx.form()?;
    let server = ctx.server_session()?;
    match form.get("action").unwrap_or("") {
        // "Logging in": same data, new id; the old id stops working.
        "regenerate" => server.regenerate(),
        // "Logging out": the entry is deleted from the store.
        "clear" => server.clear(),
        "" => {
            let color = form.get("fav_color").unwrap_or("").trim();
            if color.is_empty() || color.chars().count() > MAX_COLOR_CHARS {
                return Err(pages::lesson_error(
                    ctx,
                    Status::BAD_REQUEST,
                    &format!(
                        "The form field fav_color must hold a colour of 1 to {MAX_COLOR_CHARS} \
                         characters, e.g. fav_color=teal."
                    ),
                ));
            }
            server.insert("fav_color", color);
        }
        other => {
            return Err(pages::lesson_error(
                ctx,
                Status::BAD_REQUEST,
                &format!(
                    "Unknown action {}: send fav_color=…, or action=regenerate or action=clear.",
                    crate::text::Excerpt(other, 200)
                ),
            ));
        }
    }
    Ok(Response::see_other("/server-session"))
}

/// The end of a request that used the server-side session (called by
/// `Ctx::finish`): `Vary: Cookie` if it was read; `429` if it would make a
/// new session and this client has made too many lately; save it if it
/// changed, and send the `sid` cookie if the id is new. A store that fails
/// now turns the whole response into a 503: the change was not saved, and
/// the visitor must not be told it was.
pub(super) fn finish(
    app: &App,
    (req, peer, now): (&Request, SocketAddr, SystemTime),
    sent_sid: bool,
    server: &mut ServerSession,
    mut resp: Response,
) -> Response {
    // Before `save`, which reads the session itself.
    if server.accessed() && !resp.headers.get_all("vary").any(|v| v == "Cookie") {
        resp.headers.append("Vary", "Cookie");
    }
    let config = &app.config;
    if server.creates()
        && let Err(limited) = app.new_sessions.allow(peer.ip(), now)
    {
        // Too late for the lesson page: the handler's page is replaced.
        return pages::error(
            &config.www,
            req,
            Status::TOO_MANY_REQUESTS,
            &format!(
                "This address made {} new server-side sessions in the last minute, the most \
                 goldfish lets one client make (--new-sessions-per-minute). Nothing was stored. \
                 Try again in {} s; a session you already have keeps working.",
                limited.per_minute, limited.retry_after
            ),
        )
        .with_header("Retry-After", limited.retry_after.to_string());
    }
    let cookie = |value: String| session_cookie(config, &config.sid_cookie, value);
    // The id is base64url, always a valid cookie value; it goes through the
    // validating path all the same.
    let mut send = |c: SetCookie| match c.to_header_value() {
        Ok(line) => resp.headers.append("Set-Cookie", line),
        Err(e) => config
            .log
            .write(&format!("goldfish: the sid cookie was not sent: {e}\n")),
    };
    match server.save(app.store.as_ref(), config.session_lifetime, now) {
        Ok(Saved::Unchanged) => {}
        Ok(Saved::Stored { id, new }) => {
            let permanent = server.permanent();
            if new || permanent {
                let mut c = cookie(id.to_string());
                if permanent {
                    c = c.expires(now + config.session_lifetime);
                }
                send(c);
            }
        }
        Ok(Saved::Deleted) => {
            if sent_sid {
                send(cookie(String::new()).removal());
            }
        }
        Ok(Saved::TooLarge { bytes }) => config.log.write(&format!(
            "goldfish: warning: the server-side session for {} {} is {bytes} bytes of JSON, more \
             than the {} goldfish stores; it was NOT saved.\n",
            req.method(),
            crate::text::Clip(req.path(), 200),
            crate::store::MAX_STORED_BYTES
        )),
        Err(e) => {
            // Too late for the lesson page: the handler's page is replaced.
            let text = store_down_text(config, &e);
            return pages::error(&config.www, req, Status::SERVICE_UNAVAILABLE, &text)
                .with_header("Retry-After", "5");
        }
    }
    resp
}

#[cfg(test)]
mod tests;

//! The server-side session lesson, and the end-of-request step for it.
//!
//! `GET /server-session` shows the `sid` cookie (an opaque id and nothing
//! else), what the store holds under it, and a form; `POST /server-session`
//! stores `fav_color`, regenerates the id ("log in") or clears the session
//! ("log out"), then redirects back (303, so a reload does not post again).
//!
//! The store is chosen with `--session-store`; the same page works on all
//! three, and says which one answered. Run two goldfish processes and
//! alternate between them to see a memory store lose the session while
//! Redis keeps it (README: "More than one server").

use super::strategies::StrategyKey;
use std::time::SystemTime;

use super::pages::{self, Page};
use super::state::session_cookie;
use super::{App, Ctx, xray};
use crate::cookie::SetCookie;
use crate::http::{Request, Response, Status};
use crate::session::id::{ID_BYTES, ID_LEN};
use crate::session::{Origin, Saved, ServerSession};
use crate::store::StoreError;
use crate::template::Vars;

/// The longest colour the form accepts, in characters.
pub const MAX_COLOR_CHARS: usize = 64;

/// `503 Service Unavailable` because the session store is down: which
/// store, why, and what to do. Every page that does not need the store
/// keeps working.
pub fn store_down(ctx: &mut Ctx, e: &StoreError) -> Response {
    pages::lesson_error(ctx, Status::SERVICE_UNAVAILABLE, &store_down_text(e))
        // Ask clients to come back later instead of hammering a store that is down.
        .with_header("Retry-After", "5")
}

fn store_down_text(e: &StoreError) -> String {
    format!(
        "This page needs the server-side session store, and {e}. {} Every lesson that does \
         not use the store still works.",
        e.advice()
    )
}

/// `GET /server-session`.
pub fn page(ctx: &mut Ctx) -> Response {
    let sid_name = ctx.app.config.sid_cookie.clone();
    let cookie = ctx.cookies().get(&sid_name).map(str::to_string);
    let store = ctx.app.store.as_ref();
    let server = match ctx.server_session() {
        Ok(s) => s,
        Err(e) => return store_down(ctx, &e),
    };
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
        ),
        None => ctx.render(
            "server-session-nosid.html",
            &Vars::new().text("sid_name", sid_name.as_str()),
        ),
    };
    let cookie_html = match cookie_html {
        Ok(html) => html,
        Err(e) => return pages::template_bug(&e),
    };
    let mark = cookie
        .as_ref()
        .map(|v| format!("{sid_name}={v}"))
        .unwrap_or_default();
    let (_, port) = ctx.host_and_port();
    Page::new("Server-side sessions", "server-session.html")
        .facts(StrategyKey::ServerSession)
        .mark(&mark)
        .render(
            ctx,
            Vars::new()
                .text("status", status)
                .html("cookie", cookie_html)
                .text("store", store.name())
                .text("location", location)
                .text("stored", stored)
                .html("rows", rows)
                .text("answer", answer)
                .text("fav_color", color)
                .text("sid_name", sid_name.as_str())
                .text("id_len", ID_LEN.to_string())
                .text("pid", std::process::id().to_string())
                .text("port", port),
        )
}

/// `POST /server-session` — `fav_color=teal`, or `action=regenerate|clear`.
pub fn act(ctx: &mut Ctx) -> Response {
    let form = match ctx.form() {
        Ok(f) => f,
        Err(bad) => return bad,
    };
    let server = match ctx.server_session() {
        Ok(s) => s,
        Err(e) => return store_down(ctx, &e),
    };
    match form.get("action").unwrap_or("") {
        // "Logging in": same data, new id; the old id stops working.
        "regenerate" => server.regenerate(),
        // "Logging out": the entry is deleted from the store.
        "clear" => server.clear(),
        "" => {
            let color = form.get("fav_color").unwrap_or("").trim();
            if color.is_empty() || color.chars().count() > MAX_COLOR_CHARS {
                return pages::lesson_error(
                    ctx,
                    Status::BAD_REQUEST,
                    &format!(
                        "The form field fav_color must hold a colour of 1 to {MAX_COLOR_CHARS} \
                         characters, e.g. fav_color=teal."
                    ),
                );
            }
            server.insert("fav_color", color);
        }
        other => {
            return pages::lesson_error(
                ctx,
                Status::BAD_REQUEST,
                &format!(
                    "Unknown action {}: send fav_color=…, or action=regenerate or action=clear.",
                    crate::text::Excerpt(other, 200)
                ),
            );
        }
    }
    Response::see_other("/server-session")
}

/// The end of a request that used the server-side session (called by
/// `Ctx::finish`): `Vary: Cookie` if it was read, save it if it changed,
/// and send the `sid` cookie if the id is new. A store that fails now
/// turns the whole response into a 503: the change was not saved, and the
/// visitor must not be told it was.
pub(super) fn finish(
    app: &App,
    req: &Request,
    now: SystemTime,
    sent_sid: bool,
    server: &mut ServerSession,
    mut resp: Response,
) -> Response {
    // Before `save`, which reads the session itself.
    if server.accessed() && !resp.headers.get_all("vary").any(|v| v == "Cookie") {
        resp.headers.append("Vary", "Cookie");
    }
    let config = &app.config;
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
            config.log.write(&format!("goldfish: {e}\n"));
            // Too late for the lesson page: the handler's page is replaced.
            let www = &config.www;
            return pages::error(www, req, Status::SERVICE_UNAVAILABLE, &store_down_text(&e))
                .with_header("Retry-After", "5");
        }
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{AppConfig, route};
    use crate::http::{Limits, Parsed, parse_request};
    use crate::store::StoreConfig;

    fn request(raw: &str) -> Request {
        match parse_request(raw.as_bytes(), &Limits::default()) {
            Ok(Parsed::Complete { value, .. }) => value,
            other => panic!("{other:?}"),
        }
    }

    /// An app whose warnings go to memory, so `cargo test` stays quiet.
    fn app(store: StoreConfig) -> App {
        let log = crate::server::log::Log {
            sink: crate::server::log::Sink::Memory(Default::default()),
            trace: false,
        };
        App::new(AppConfig {
            session_store: store,
            log,
            ..AppConfig::default()
        })
        .unwrap()
    }

    fn send(app: &App, raw: &str) -> Response {
        let peer = "127.0.0.1:1".parse().unwrap();
        let req = request(raw);
        route(app, &req, peer)
    }

    fn post(app: &App, cookie: Option<&str>, body: &str) -> Response {
        let cookie = cookie
            .map(|c| format!("Cookie: sid={c}\r\n"))
            .unwrap_or_default();
        send(
            app,
            &format!(
                "POST /server-session HTTP/1.1\r\nHost: 127.0.0.1\r\n{cookie}\
                 Content-Type: application/x-www-form-urlencoded\r\n\
                 Content-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        )
    }

    fn get(app: &App, cookie: Option<&str>) -> Response {
        let cookie = cookie
            .map(|c| format!("Cookie: sid={c}\r\n"))
            .unwrap_or_default();
        send(
            app,
            &format!("GET /server-session HTTP/1.1\r\nHost: 127.0.0.1\r\n{cookie}\r\n"),
        )
    }

    fn sid_of(resp: &Response) -> Option<String> {
        resp.headers
            .get_all("set-cookie")
            .find_map(|l| l.strip_prefix("sid="))
            .map(|l| l.split(';').next().unwrap_or("").to_string())
    }

    fn body(resp: &Response) -> String {
        String::from_utf8_lossy(&resp.body).into_owned()
    }

    #[test]
    fn the_cookie_holds_an_id_and_the_store_the_colour() {
        let app = app(StoreConfig::Memory);
        let resp = post(&app, None, "fav_color=teal");
        assert_eq!(resp.status, Status::SEE_OTHER);
        let line = resp.headers.get("set-cookie").unwrap().to_string();
        let sid = sid_of(&resp).unwrap();
        assert_eq!(line, format!("sid={sid}; Path=/; HttpOnly; SameSite=Lax"));
        assert!(!line.contains("teal"), "the colour never travels: {line}");

        let page = get(&app, Some(&sid));
        assert_eq!(page.status, Status::OK);
        let html = body(&page);
        assert!(
            html.contains("Found: the store holds a session under your id."),
            "{html}"
        );
        assert!(
            html.contains("{&#34;fav_color&#34;:&#34;teal&#34;}"),
            "the stored JSON is shown"
        );
        assert!(
            html.contains(&format!("<mark>sid={}…</mark>", &sid[..8])),
            "the X-ray marks the cookie, shortened: it is HttpOnly"
        );
        assert!(
            !html.contains(&format!("sid={sid}")),
            "the whole id is on the page"
        );
        assert_eq!(sid_of(&page), None, "reading sends no new cookie");
        assert_eq!(page.headers.get("vary"), Some("Cookie"));
    }

    #[test]
    fn a_made_up_id_gets_a_fresh_session_and_a_new_id() {
        let app = app(StoreConfig::Memory);
        let planted = "A".repeat(42) + "E";
        let page = body(&get(&app, Some(&planted)));
        assert!(
            page.contains("goldfish never adopts an id it did not issue"),
            "{page}"
        );
        let resp = post(&app, Some(&planted), "fav_color=plum");
        let sid = sid_of(&resp).expect("a new id");
        assert_ne!(sid, planted);
        assert!(body(&get(&app, Some(&sid))).contains("as the store remembers it: plum."));
        assert!(!body(&get(&app, Some(&planted))).contains("plum"));
    }

    #[test]
    fn regenerate_and_clear() {
        let app = app(StoreConfig::Memory);
        let first = sid_of(&post(&app, None, "fav_color=teal")).unwrap();
        // Log in: a new id, the same data; the old id is dead.
        let second = sid_of(&post(&app, Some(&first), "action=regenerate")).unwrap();
        assert_ne!(first, second);
        assert!(body(&get(&app, Some(&second))).contains("remembers it: teal."));
        assert!(body(&get(&app, Some(&first))).contains("has nothing under it"));
        // Log out: the entry goes, and so does the cookie.
        let out = post(&app, Some(&second), "action=clear");
        assert_eq!(
            out.headers.get("set-cookie"),
            Some("sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax")
        );
        assert!(body(&get(&app, Some(&second))).contains("has nothing under it"));
    }

    #[test]
    fn bad_forms_are_400_with_a_sentence() {
        let app = app(StoreConfig::Memory);
        for (form, want) in [
            ("fav_color=", "must hold a colour of 1 to 64 characters"),
            ("other=1", "must hold a colour of 1 to 64 characters"),
            ("action=explode", "Unknown action \"explode\""),
        ] {
            let resp = post(&app, None, form);
            assert_eq!(resp.status, Status::BAD_REQUEST, "{form}");
            assert!(body(&resp).contains(want), "{form}: {}", body(&resp));
            assert_eq!(sid_of(&resp), None, "{form}: nothing stored");
        }
        let long = format!("fav_color={}", "x".repeat(MAX_COLOR_CHARS + 1));
        assert_eq!(post(&app, None, &long).status, Status::BAD_REQUEST);
    }

    #[test]
    fn a_store_that_is_down_is_a_503_that_says_so() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let app = app(StoreConfig::Redis {
            host: "127.0.0.1".into(),
            port,
        });
        for resp in [
            get(&app, Some(&("A".repeat(42) + "E"))),
            post(&app, None, "fav_color=teal"),
        ] {
            assert_eq!(resp.status, Status::SERVICE_UNAVAILABLE);
            assert_eq!(resp.headers.get("retry-after"), Some("5"));
            let text = body(&resp);
            assert!(
                text.contains(&format!(
                    "the session store redis://127.0.0.1:{port} is unreachable"
                )),
                "{text}"
            );
            assert!(text.contains("Start Redis"), "{text}");
        }
        // Pages that do not use the store are unaffected.
        let hello = send(&app, "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assert_eq!(hello.status, Status::OK);
    }
}

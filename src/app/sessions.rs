//! The signed-session lessons: Flask's "magic dictionary".
//!
//! `GET /some-route` puts 42 in the session and `GET /my-route` reads it
//! back — exactly the lecture's Flask code. `GET /session` takes the
//! visitor's own cookie apart; `GET,POST /responses` keeps a growing list.
//!
//! A session cookie goldfish cannot read (another app's, a tampered one)
//! is never overwritten behind the learner's back: every handler that
//! would change the session answers `409 Conflict` instead, says why, and
//! offers to start over ([`Ctx::unreadable_session`]).

mod anatomy;

use super::pages::{self, Page};
use super::strategies::StrategyKey;
use super::{Ctx, Reply};
use crate::http::{Response, Status};
use crate::session::{LoadOutcome, SignError, Value};
use crate::template::{Vars, escape};

/// `GET /signed-session` — the lesson around the lecture's two routes:
/// their Flask code, links to both, and what the session holds now.
pub fn lesson(ctx: &mut Ctx) -> Reply {
    let status = session_status(ctx);
    let rows = pages::session_rows(ctx.session());
    let name = ctx.app.config.session_cookie.clone();
    let mark = session_pair(ctx);
    Page::new("The signed session", "signed-session.html")
        .flask("signed-session")
        .facts(StrategyKey::SignedSession)
        .mark(mark)
        .render(
            ctx,
            Vars::new()
                .text("status", status)
                .html("rows", rows)
                .text("cookie_name", name.as_str()),
        )
}

/// `GET /some-route` — `session['fav_number'] = 42`.
pub fn some_route(ctx: &mut Ctx) -> Reply {
    keep_unreadable(ctx)?;
    ctx.session().insert("fav_number", 42);
    Ok(Response::html(Status::OK, "Ok, I put that in the session."))
}

/// `409 Conflict` if the request sent a session cookie goldfish cannot
/// read: the page (or, for curl, the sentence) says why, and how to start
/// over. `Ok`: the session may be changed.
///
/// # Errors
/// The 409 page, which replaces the handler's.
fn keep_unreadable(ctx: &mut Ctx) -> Result<(), Response> {
    let Some(why) = ctx.unreadable_session() else {
        return Ok(());
    };
    let reason = rejection(&why);
    if !pages::wants_html(ctx.req) {
        let sentence = format!(
            "Your browser sent a session cookie goldfish cannot read, so goldfish did not change \
             it: {reason} Flask would silently start a new session over it; goldfish asks first, \
             since it may be another app's session. To start over with an empty session: POST \
             /session with action=start-over (the button on /session).\n"
        );
        return Err(Response::text(Status::CONFLICT, sentence));
    }
    let page = Page::new("A session goldfish cannot read", "session-unreadable.html")
        .facts(StrategyKey::SignedSession)
        .render_status(ctx, Status::CONFLICT, Vars::new().text("reason", reason))?;
    Err(page)
}

/// `GET /my-route` — `return f"Favorite number is {session['fav_number']}"`.
///
/// Without a `fav_number` it says why: no session cookie at all, a cookie
/// the server refused (and why), or a valid session without the key.
pub fn my_route(ctx: &mut Ctx) -> Reply {
    if let Some(n) = ctx.session().get("fav_number") {
        return Ok(Response::html(
            Status::OK,
            format!("Favorite number is {}", escape(&n.to_string())),
        ));
    }
    let name = ctx.app.config.session_cookie.clone();
    let why = match ctx.session_outcome().clone() {
        LoadOutcome::Fresh => format!(
            "Your browser sent no {name} cookie, so your session is empty: there is no \
             fav_number in it."
        ),
        LoadOutcome::Rejected(e) => format!(
            "Your browser sent a {name} cookie, but goldfish refused it: {} So your session \
             is empty: there is no fav_number in it.",
            rejection(&e)
        ),
        LoadOutcome::Loaded { .. } => {
            format!("Your {name} cookie is valid, but the session it carries holds no fav_number.")
        }
    };
    let message = format!(
        "{why} Visit /some-route first: it puts 42 in the session, and your browser brings it \
         back here inside the signed session cookie. (With curl, keep the cookie: curl -c jar \
         -b jar ...)"
    );
    Err(pages::lesson_error(ctx, Status::BAD_REQUEST, &message))
}

/// `session=<value>` as the request carried it (to mark in the X-ray), or
/// nothing.
fn session_pair(ctx: &mut Ctx) -> String {
    let name = ctx.app.config.session_cookie.clone();
    ctx.cookie_pair(&name)
}

/// One sentence on the session cookie this request sent.
fn session_status(ctx: &mut Ctx) -> String {
    let name = ctx.app.config.session_cookie.clone();
    match ctx.session_outcome().clone() {
        LoadOutcome::Fresh => {
            format!("Your browser sent no {name} cookie: this is a fresh, empty session.")
        }
        LoadOutcome::Loaded { key, .. } => {
            format!("Valid: the signature matches, checked with {key}.")
        }
        LoadOutcome::Rejected(e @ SignError::Expired { .. }) => format!(
            "Expired: {} goldfish starts a new session, as Flask does.",
            rejection(&e)
        ),
        LoadOutcome::Rejected(e) => format!(
            "Rejected: {} goldfish reads it as an empty session, and will not write over it \
             until you start over (it may be another app's session: Flask would replace it \
             without a word).",
            rejection(&e)
        ),
    }
}

/// Explains a refused cookie in one sentence for the lesson page.
fn rejection(e: &SignError) -> String {
    let mut s = e.to_string();
    if !s.ends_with('.') {
        s.push('.');
    }
    if let Some(payload) = e.payload_text() {
        s.push_str(&format!(
            " The payload it carried (unverified, so worth nothing): {payload}"
        ));
    }
    s
}

/// `GET /session` — your session cookie, taken apart.
pub fn inspect(ctx: &mut Ctx) -> Reply {
    session_page(ctx, None)
}

/// `POST /session` — tamper, check, make permanent, or clear.
pub fn act(ctx: &mut Ctx) -> Reply {
    let form = ctx.form()?;
    let action = form.get("action").unwrap_or("");
    let submitted = form.get("cookie").unwrap_or("").trim().to_string();
    let message = match action {
        "check" => {
            let now = ctx.now;
            let lifetime = ctx.app.config.session_lifetime;
            match ctx.app.signer.unsign(&submitted, Some(lifetime), now) {
                Ok(u) => format!(
                    "Accepted: the signature matches ({}), so the server would trust this payload.",
                    u.key
                ),
                Err(e) => format!(
                    "Rejected: {} The server would start an empty session instead.",
                    rejection(&e)
                ),
            }
        }
        "install" => {
            let config = &ctx.app.config;
            let cookie = super::state::session_cookie(config, &config.session_cookie, submitted);
            match ctx.set_cookie(&cookie) {
                Ok(_) => {
                    "Sent to your browser as your session cookie. Now visit /my-route or reload \
                          this page: the server checks the signature and ignores the cookie if it \
                          does not match."
                        .to_string()
                }
                Err(e) => format!("That value cannot be a cookie at all: {e}"),
            }
        }
        "start-over" => {
            ctx.start_over();
            "Started over: goldfish deleted your session cookie, and your session is empty. \
             (Set-Cookie with an empty value and an expiry in the past: see the X-ray.)"
                .to_string()
        }
        "permanent" | "browser-session" | "clear" if ctx.unreadable_session().is_some() => {
            // (Always the 409 page: the guard above saw the cookie.)
            keep_unreadable(ctx)?;
            return session_page(ctx, None);
        }
        "permanent" => {
            ctx.session().set_permanent(true);
            "Your session is now permanent: its cookie carries an Expires date, so it survives \
             closing the browser."
                .to_string()
        }
        "browser-session" => {
            ctx.session().set_permanent(false);
            "Your session is a browser-session cookie again: no Expires, so the browser drops it \
             when it closes."
                .to_string()
        }
        "clear" => {
            ctx.session().clear();
            "session.clear(): the session is empty, so goldfish deletes the cookie.".to_string()
        }
        other => {
            return Err(pages::lesson_error(
                ctx,
                Status::BAD_REQUEST,
                &format!(
                    "Unknown action {other:?}: use check, install, permanent, browser-session, \
                     clear or start-over."
                ),
            ));
        }
    };
    session_page(ctx, Some(message))
}

fn session_page(ctx: &mut Ctx, message: Option<String>) -> Reply {
    let name = ctx.app.config.session_cookie.clone();
    let value = ctx.cookies().get(&name).map(str::to_string);
    let now = ctx.now;
    let status = session_status(ctx);
    let start_over = if ctx.unreadable_session().is_some() {
        ctx.render("session-start-over.html", &Vars::new())?
    } else {
        String::new()
    };
    let digest = ctx.app.signer.digest();
    let (anatomy_html, cookie_value) = match &value {
        Some(v) => (anatomy::anatomy_html(ctx, v, digest, now)?, v.clone()),
        None => (
            ctx.render("session-none.html", &Vars::new())?,
            String::new(),
        ),
    };
    let session = ctx.session();
    let rows = pages::session_rows(session);
    let permanent = match (&value, session.permanent()) {
        (None, _) => "There is no session cookie yet: /some-route, or any change below, makes one.",
        (Some(_), true) => "This is a permanent session cookie: it has an Expires date.",
        (Some(_), false) => "This is a browser-session cookie: it has no Expires date.",
    };
    let message_html = match message {
        Some(m) => ctx.render("session-message.html", &Vars::new().text("message", m))?,
        None => String::new(),
    };
    Page::new("Your session, taken apart", "session.html")
        .facts(StrategyKey::SignedSession)
        .mark(ctx.cookie_pair(&name))
        .render(
            ctx,
            Vars::new()
                .html("message", message_html)
                .text("status", status)
                .html("start_over", start_over)
                .text("digest", digest.to_string())
                .html("anatomy", anatomy_html)
                .html("rows", rows)
                .text("permanent", permanent)
                .text("cookie_value", cookie_value)
                .text("cookie_name", name.as_str())
                .text("template_example", "{{ session['fav_number'] }}"),
        )
}

/// `GET /responses` — the list in the session, and the form its cookie
/// travels in (plain, or compressed once that is shorter).
pub fn responses(ctx: &mut Ctx) -> Reply {
    let unreadable = match ctx.unreadable_session() {
        Some(why) => {
            let vars = Vars::new().text("why", rejection(&why));
            Some(ctx.render("responses-unreadable.html", &vars)?)
        }
        None => None,
    };
    let list: Vec<String> = match ctx.session().get("responses") {
        Some(Value::List(items)) => items.iter().map(ToString::to_string).collect(),
        _ => Vec::new(),
    };
    let mut items = String::new();
    for (i, r) in list.iter().enumerate() {
        items.push_str(&format!("<li>{}. {}</li>", i + 1, escape(r)));
    }
    if items.is_empty() {
        items.push_str("<li><em>No answers yet.</em></li>");
    }
    // The list travels inside the session cookie: mark it in the X-ray.
    let mark = session_pair(ctx);
    let notice = if let Some(card) = unreadable {
        card
    } else {
        let name = ctx.app.config.session_cookie.clone();
        let value = ctx.cookies().get(&name).map(str::to_string);
        match value {
            Some(v) => anatomy::cookie_form_html(ctx, &v)?,
            None => String::new(),
        }
    };
    // "Behave like Flask" was ticked: say what became of the last answer.
    let like_flask = ctx
        .req
        .query()
        .is_ok_and(|q| q.get("like") == Some("flask"));
    let flask_note = if like_flask && ctx.hop().is_some() {
        let template = if ctx.session().permanent() {
            "responses-flask-kept.html"
        } else {
            "responses-flask-lost.html"
        };
        ctx.render(template, &Vars::new())?
    } else {
        String::new()
    };
    Page::new("A list in the session", "responses.html")
        .flask("responses")
        .facts(StrategyKey::SignedSession)
        .mark(&mark)
        .render(
            ctx,
            Vars::new()
                .html("notice", notice)
                .html("items", items)
                .text("count", list.len().to_string())
                .html("flask_note", flask_note)
                .text("like_flask", if like_flask { "checked" } else { "" }),
        )
}

/// `POST /responses` — `session['responses'].append(answer)`, then back to
/// the list (a 303 redirect, so reloading does not post again).
pub fn add_response(ctx: &mut Ctx) -> Reply {
    let form = ctx.form()?;
    keep_unreadable(ctx)?;
    if form.get("action") == Some("reset") {
        ctx.session().remove("responses");
        return Ok(Response::see_other("/responses"));
    }
    let Some(answer) = form.get("answer").map(str::trim).filter(|a| !a.is_empty()) else {
        return Err(pages::lesson_error(
            ctx,
            Status::BAD_REQUEST,
            "The form field answer is missing or empty: send answer=Yes.",
        ));
    };
    if form.get("like") == Some("flask") {
        return append_like_flask(ctx, answer);
    }
    ctx.session()
        .push("responses", answer)
        .map_err(|e| pages::lesson_error(ctx, Status::BAD_REQUEST, &e.to_string()))?;
    Ok(Response::see_other("/responses"))
}

/// What Flask does with `session['responses'].append(answer)`: the list
/// changes in place, so the session is not marked modified, and Flask's
/// `should_set_cookie` is false — the change dies with the request. Except
/// for a permanent session: with `SESSION_REFRESH_EACH_REQUEST` (on by
/// default) Flask sends its cookie on every response, mutated list and all.
/// goldfish sends a cookie only for a modified session, so the kept case
/// is a push, and the lost case is a read and nothing more.
fn append_like_flask(ctx: &mut Ctx, answer: &str) -> Reply {
    let session = ctx.session();
    if session.permanent() {
        session
            .push("responses", answer)
            .map_err(|e| pages::lesson_error(ctx, Status::BAD_REQUEST, &e.to_string()))?;
    } else {
        // `session['responses']` reads the session, and that is all Flask
        // notices (it adds `Vary: Cookie`).
        let _ = session.get("responses");
    }
    Ok(Response::see_other("/responses?like=flask"))
}

//! The CSRF lesson: another site changes your colour on goldfish, then
//! fails against each defence in turn.
//!
//! Cross-site request forgery needs three things: a request that changes
//! state, a cookie that says who you are, and a browser that attaches that
//! cookie to a request another site's page started. The demo has a small
//! "account" per learner (a colour, in memory, behind an id in two cookies:
//! `demo_none` with `SameSite=None; Secure` and `demo_lax` with
//! `SameSite=Lax`), and one endpoint per defence:
//!
//! | endpoint | reads | defence | from evil.localhost |
//! | --- | --- | --- | --- |
//! | `POST /sites/csrf/open` | `demo_none` | none | the colour changes |
//! | `POST /sites/csrf/lax` | `demo_lax` | SameSite=Lax | the cookie stays home: refused |
//! | `POST /sites/csrf/origin` | `demo_none` | `Sec-Fetch-Site`/`Origin` (`app::guard`) | refused |
//! | `POST /sites/csrf/token` | `demo_none` | synchronizer token | refused |
//! | `POST /sites/csrf/login-open` | — | none | login CSRF and session swap succeed |
//! | `POST /sites/csrf/login` | — | `Sec-Fetch-Site`/`Origin` (`app::guard`) | refused |
//!
//! The `origin` endpoint and the checked login have no check of their own:
//! they are ordinary POST routes, so the cross-origin check goldfish puts
//! in front of every state-changing route (`app::guard`) refuses another
//! site's form before the handler runs. `open`, `lax`, `token` and
//! `login-open` are marked `.unprotected(why)` in the route table, on
//! purpose: each must show one defence alone, or none. What they can
//! change is a demo colour in a bounded map and the two demo cookies (whose
//! values the server makes, scoped to `Path=/sites/csrf`): nothing else of
//! goldfish.

use std::collections::VecDeque;

use super::host::Site;
use super::recent::{lock, push_bounded};
use super::scope::{DefenceKey, defence_facts_html, defence_name};
use super::{answer, looks_like_id, new_id, no_randomness, url_on};
use crate::app::pages::{self, Page};
use crate::app::{Ctx, Reply, Writes};
use crate::cookie::{SameSite, SetCookie};
use crate::http::date::unix_seconds;
use crate::http::{Response, Status};
use crate::session::hmac_sha1::equal_in_constant_time;
use crate::template::{Vars, escape};

/// Where the lesson lives; the demo cookies are scoped to it.
pub const BASE: &str = "/sites/csrf";
/// The account id, `SameSite=None; Secure`.
pub const DEMO_NONE: &str = "demo_none";
/// The same id, `SameSite=Lax`.
pub const DEMO_LAX: &str = "demo_lax";

/// How many attempts an account remembers.
const MAX_ATTEMPTS: usize = 12;

/// Whose account it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// A learner's own, made by "sign in".
    Learner,
    /// The attacker's: the account evil.localhost logs victims into.
    Mallory,
}

/// One attempt to change an account's colour.
#[derive(Debug, Clone)]
struct Attempt {
    at: i64,
    endpoint: &'static str,
    fetch_site: Option<String>,
    origin: Option<String>,
    outcome: String,
}

/// A demo account.
#[derive(Debug, Clone)]
pub struct Account {
    owner: Owner,
    colour: String,
    /// The synchronizer token: a secret only goldfish's own page shows.
    token: String,
    attempts: VecDeque<Attempt>,
}

impl Account {
    fn new(owner: Owner, colour: &str) -> std::io::Result<Account> {
        Ok(Account {
            owner,
            colour: colour.to_string(),
            token: new_id()?,
            attempts: VecDeque::new(),
        })
    }
}

/// A colour: 1 to 20 lowercase letters and spaces.
fn valid_colour(c: &str) -> bool {
    (1..=20).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_lowercase() || b == b' ')
}

/// The id of Mallory's account, made (again) if it was forgotten.
///
/// # Errors
/// `/dev/urandom` cannot be read.
pub fn mallory_key(ctx: &Ctx) -> std::io::Result<String> {
    let mut accounts = lock(&ctx.app.sites.accounts);
    let mut mallory = lock(&ctx.app.sites.mallory);
    if let Some(id) = mallory.as_ref()
        && accounts.get_mut(id).is_some()
    {
        return Ok(id.clone());
    }
    let id = new_id()?;
    accounts.insert(id.clone(), Account::new(Owner::Mallory, "black")?);
    *mallory = Some(id.clone());
    Ok(id)
}

/// The colour in Mallory's account: what the attacker sees.
pub fn mallory_colour(ctx: &Ctx) -> String {
    let id = lock(&ctx.app.sites.mallory).clone();
    id.and_then(|id| {
        lock(&ctx.app.sites.accounts)
            .get_mut(&id)
            .map(|a| a.colour.clone())
    })
    .unwrap_or_else(|| "black".into())
}

/// The account id a cookie of this request names, if goldfish knows it.
fn account_id(ctx: &mut Ctx, cookie: &str) -> Option<String> {
    let id = ctx
        .cookies()
        .get(cookie)
        .filter(|v| looks_like_id(v))?
        .to_string();
    lock(&ctx.app.sites.accounts).get_mut(&id).map(|_| id)
}

/// Sets both demo cookies to `id`.
fn set_account_cookies(ctx: &mut Ctx, id: &str) {
    let base = |name: &str| SetCookie::new(name, id).path(BASE).http_only(true);
    let _ = ctx.set_cookie(&base(DEMO_NONE).same_site(SameSite::None).secure(true));
    let _ = ctx.set_cookie(&base(DEMO_LAX).same_site(SameSite::Lax));
}

/// `GET /sites/csrf` — your account, its history, and the forms.
pub fn lesson(ctx: &mut Ctx) -> Reply {
    let id = account_id(ctx, DEMO_LAX).or_else(|| account_id(ctx, DEMO_NONE));
    let account = id
        .as_deref()
        .and_then(|id| lock(&ctx.app.sites.accounts).get_mut(id).cloned());
    let now = unix_seconds(ctx.now);
    let (status, token, history) = match &account {
        None => (
            "<p id=\"csrf-account\" data-owner=\"none\">You are not signed in to the demo. Sign in \
             first: it gives you an account with a colour, and two cookies that hold its id.</p>"
                .to_string(),
            String::new(),
            String::new(),
        ),
        Some(a) => {
            let whose = match a.owner {
                Owner::Learner => "your own account".to_string(),
                Owner::Mallory => "<strong>Mallory's account</strong> — the attacker's. You did \
                    not sign in to it: evil.localhost's form did (login CSRF). Whatever you do \
                    now, Mallory sees."
                    .to_string(),
            };
            (
                format!(
                    "<p id=\"csrf-account\" data-owner=\"{}\">You are signed in to {whose} Its \
                     colour is <strong id=\"csrf-colour\">{}</strong>.</p>",
                    if a.owner == Owner::Mallory { "mallory" } else { "learner" },
                    escape(&a.colour)
                ),
                a.token.clone(),
                attempts_html(&a.attempts, now),
            )
        }
    };
    let to = answer(ctx).name.clone();
    let evil = url_on(
        ctx,
        Site::Evil.host_name(),
        &format!("/csrf?to={}", crate::http::url::percent_encode(&to)),
    );
    Page::new("CSRF: another site changes your colour", "sites-csrf.html")
        .mark(DEMO_NONE)
        .mark(DEMO_LAX)
        .render(
            ctx,
            Vars::new()
                .html("account", status)
                .text("token", token)
                .html("history", history)
                .text("evil", evil)
                .html("exempt", exempt_html())
                .html("defence_facts", defence_facts_html()),
        )
}

/// The routes marked `.unprotected(why)` in the route table, as a list
/// for the page: read from the table itself, so the page cannot forget one.
fn exempt_html() -> String {
    let mut out = String::from("<ul id=\"csrf-exempt\">");
    for r in crate::app::ROUTES {
        if let Writes::Unprotected(why) = r.writes {
            out.push_str(&format!(
                "<li><code>{} {}</code>: {}</li>",
                r.method,
                escape(r.pattern),
                escape(why)
            ));
        }
    }
    out.push_str("</ul>");
    out
}

fn attempts_html(attempts: &VecDeque<Attempt>, now: i64) -> String {
    if attempts.is_empty() {
        return "<p class=\"note\" id=\"csrf-history\">No attempts yet.</p>".into();
    }
    let mut out = String::from(
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"what goldfish saw\"><table id=\"csrf-history\"><tr><th>when</th><th>endpoint</th><th>Sec-Fetch-Site</th>\
         <th>Origin</th><th>what happened</th></tr>",
    );
    for a in attempts.iter().rev() {
        out.push_str(&format!(
            "<tr data-endpoint=\"{}\"><td>{} s ago</td><td><code>POST {}</code></td><td><code>{}</code></td>\
             <td><code>{}</code></td><td>{}</td></tr>",
            a.endpoint,
            now.saturating_sub(a.at),
            a.endpoint,
            escape(a.fetch_site.as_deref().unwrap_or("(none)")),
            escape(a.origin.as_deref().unwrap_or("(none)")),
            escape(&a.outcome)
        ));
    }
    out.push_str("</table></div>");
    out
}

/// Which defence an endpoint has.
fn endpoint_defence(endpoint: &str) -> DefenceKey {
    match endpoint {
        "/sites/csrf/lax" => DefenceKey::SameSiteLax,
        "/sites/csrf/origin" => DefenceKey::FetchMetadata,
        "/sites/csrf/token" => DefenceKey::Token,
        _ => DefenceKey::None,
    }
}

/// `POST /sites/csrf/open` — no defence.
pub fn change_open(ctx: &mut Ctx) -> Reply {
    change(ctx, "/sites/csrf/open")
}

/// `POST /sites/csrf/lax` — only SameSite=Lax.
pub fn change_lax(ctx: &mut Ctx) -> Reply {
    change(ctx, "/sites/csrf/lax")
}

/// `POST /sites/csrf/origin` — behind the cross-origin check every POST
/// route gets (`app::guard`): another site's form never reaches this.
pub fn change_origin(ctx: &mut Ctx) -> Reply {
    change(ctx, "/sites/csrf/origin")
}

/// `POST /sites/csrf/token` — a synchronizer token.
pub fn change_token(ctx: &mut Ctx) -> Reply {
    change(ctx, "/sites/csrf/token")
}

/// Changes the colour of the account the request's cookie names, if the
/// endpoint's defence lets it.
fn change(ctx: &mut Ctx, endpoint: &'static str) -> Reply {
    let form = ctx.form()?;
    let colour = form.get("colour").unwrap_or("").trim().to_string();
    if !valid_colour(&colour) {
        return Err(pages::lesson_error(
            ctx,
            Status::BAD_REQUEST,
            "A colour is 1 to 20 lowercase letters and spaces, like colour=sea green.",
        ));
    }
    let defence = endpoint_defence(endpoint);
    // 1. (For `/sites/csrf/origin`, the route's cross-origin check has run
    // already, before any cookie was read: see `app::guard`.)
    // 2. Who is this? The endpoint's cookie says, if the browser sent it.
    let cookie = if defence == DefenceKey::SameSiteLax {
        DEMO_LAX
    } else {
        DEMO_NONE
    };
    let Some(id) = account_id(ctx, cookie) else {
        let why = format!(
            "no {cookie} cookie came with this request, so there is no account to change{}",
            if defence == DefenceKey::SameSiteLax {
                " (SameSite=Lax keeps it home on another site's POST)"
            } else {
                ""
            }
        );
        return refused(ctx, endpoint, defence, &why, None);
    };
    // 3. The token, compared in constant time.
    if defence == DefenceKey::Token {
        let sent = form.get("csrf_token").unwrap_or("").to_string();
        let expected = lock(&ctx.app.sites.accounts)
            .get_mut(&id)
            .map(|a| a.token.clone())
            .unwrap_or_default();
        if !equal_in_constant_time(sent.as_bytes(), expected.as_bytes()) {
            let why = "the form's csrf_token is not the one goldfish put in your page: another \
                       site cannot read that page, so it cannot know it";
            return refused(ctx, endpoint, defence, why, Some(&id));
        }
    }
    // 4. Obey.
    let outcome = format!("colour changed to {colour}");
    if let Some(a) = lock(&ctx.app.sites.accounts).get_mut(&id) {
        a.colour = colour;
    }
    log_attempt(ctx, &id, endpoint, outcome);
    Ok(Response::see_other(BASE))
}

fn log_attempt(ctx: &Ctx, id: &str, endpoint: &'static str, outcome: String) {
    let attempt = Attempt {
        at: unix_seconds(ctx.now),
        endpoint,
        fetch_site: ctx
            .req
            .header("sec-fetch-site")
            .map(|v| crate::text::Clip(v, 40).to_string()),
        origin: ctx
            .req
            .header("origin")
            .map(|v| crate::text::Clip(v, 80).to_string()),
        outcome,
    };
    if let Some(a) = lock(&ctx.app.sites.accounts).get_mut(id) {
        push_bounded(&mut a.attempts, attempt, MAX_ATTEMPTS);
    }
}

/// 403, naming the defence that held and why.
///
/// # Errors
/// Always: the 403 page is the answer.
fn refused(
    ctx: &mut Ctx,
    endpoint: &'static str,
    defence: DefenceKey,
    why: &str,
    account: Option<&str>,
) -> Reply {
    if let Some(id) = account {
        log_attempt(ctx, id, endpoint, format!("refused: {why}"));
    }
    if !pages::wants_html(ctx.req) {
        return Err(Response::text(
            Status::FORBIDDEN,
            format!(
                "goldfish refused POST {endpoint}: the defence that held is the {}, because \
                 {why}. Nothing was changed.\n",
                defence_name(defence)
            ),
        ));
    }
    let vars = Vars::new()
        .text("endpoint", endpoint)
        .text("defence", defence_name(defence))
        .text("why", why)
        .text("lesson", BASE);
    let page = Page::new("Refused", "sites-csrf-refused.html").render_status(
        ctx,
        Status::FORBIDDEN,
        vars,
    )?;
    Err(page)
}

/// `POST /sites/csrf/login` — sign in, behind the cross-origin check every
/// POST route gets (`app::guard`).
pub fn login(ctx: &mut Ctx) -> Reply {
    sign_in(ctx)
}

/// `POST /sites/csrf/login-open` — sign in, with no defence at all.
pub fn login_open(ctx: &mut Ctx) -> Reply {
    sign_in(ctx)
}

/// `as=` empty: a new account; `as=ID`: that account (the id is the
/// credential, as a session id is).
fn sign_in(ctx: &mut Ctx) -> Reply {
    let form = ctx.form()?;
    let wanted = form.get("as").unwrap_or("").trim().to_string();
    let id = if wanted.is_empty() {
        let account = Account::new(Owner::Learner, "orange").map_err(|e| no_randomness(ctx, &e))?;
        let id = new_id().map_err(|e| no_randomness(ctx, &e))?;
        lock(&ctx.app.sites.accounts).insert(id.clone(), account);
        id
    } else if looks_like_id(&wanted) && lock(&ctx.app.sites.accounts).get_mut(&wanted).is_some() {
        wanted
    } else {
        return Err(pages::lesson_error(
            ctx,
            Status::FORBIDDEN,
            "goldfish knows no demo account by that id.",
        ));
    };
    set_account_cookies(ctx, &id);
    Ok(Response::see_other(BASE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_plain_words() {
        for (c, ok) in [
            ("black", true),
            ("sea green", true),
            ("", false),
            ("Black", false),
            ("<script>", false),
            ("a colour that is too long", false),
        ] {
            assert_eq!(valid_colour(c), ok, "valid_colour({c:?})");
        }
    }

    #[test]
    fn the_exemptions_are_this_lessons_weak_endpoints_and_the_probe() {
        let exempt: Vec<&str> = crate::app::ROUTES
            .iter()
            .filter(|r| matches!(r.writes, Writes::Unprotected(_)))
            .map(|r| r.pattern)
            .collect();
        assert_eq!(
            exempt,
            [
                "/sites/samesite/probe",
                "/sites/csrf/login-open",
                "/sites/csrf/open",
                "/sites/csrf/lax",
                "/sites/csrf/token",
            ],
            "the routes exempt from the cross-origin check"
        );
        assert!(exempt_html().contains("<code>POST /sites/csrf/open</code>"));
    }
}

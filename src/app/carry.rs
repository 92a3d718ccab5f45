//! Carrying state yourself: in the query string, in hidden form fields, in
//! the URL path.
//!
//! Three chains of three steps each carry your favourite colour from page
//! to page. The server remembers nothing between the steps: each page
//! writes the colour into the *next* request — into its link, its hidden
//! field, or its path — and the browser sends it back. Break the chain
//! (edit the URL, open the link in a new tab without it, press Back) and
//! the state is gone or changed, and the server cannot tell.

use super::pages::{self, Page};
use super::strategies::StrategyKey;
use super::{Ctx, Reply};
use crate::http::url::percent_encode;
use crate::http::{Response, Status};
use crate::template::Vars;

/// The steps of every chain, in order.
const STEPS: [&str; 3] = ["step-zero", "step-one", "step-two"];

/// What each step says about the chain so far.
const STEP_TEXT: [&str; 3] = [
    "This is the first page that knows your colour. It knows it only because this very request carried it.",
    "A new request, a new page — and the server still knows your colour. Not because it remembered: the previous page wrote it into this request.",
    "The end of the chain. Three requests, one colour, zero memory on the server.",
];

/// Which way the colour travels.
#[derive(Clone, Copy)]
enum Carrier {
    Query,
    Hidden,
    Path,
}

impl Carrier {
    fn facts_key(self) -> StrategyKey {
        match self {
            Carrier::Query => StrategyKey::Query,
            Carrier::Hidden => StrategyKey::Hidden,
            Carrier::Path => StrategyKey::Path,
        }
    }

    fn title(self, step: usize) -> String {
        let kind = match self {
            Carrier::Query => "State in the query string",
            Carrier::Hidden => "State in hidden form fields",
            Carrier::Path => "State in the URL path",
        };
        format!("{kind}: {}", STEPS[step])
    }

    /// The step page's template: the tip on breaking the chain differs.
    fn step_template(self) -> &'static str {
        match self {
            Carrier::Query => "carry-step-query.html",
            Carrier::Hidden => "carry-step-hidden.html",
            Carrier::Path => "carry-step-path.html",
        }
    }

    /// The template with the way on to the next step: a link, a form with
    /// the hidden field, a link with the colour in its path.
    fn next_template(self) -> &'static str {
        match self {
            Carrier::Query => "carry-next-query.html",
            Carrier::Hidden => "carry-next-hidden.html",
            Carrier::Path => "carry-next-path.html",
        }
    }
}

/// A step page for `color` (already decoded).
fn step_page(ctx: &mut Ctx, carrier: Carrier, step: usize, color: &str, mark: &str) -> Reply {
    let title = carrier.title(step);
    let next = match STEPS.get(step + 1) {
        Some(next) => {
            let vars = Vars::new()
                .text("next", *next)
                .text("color", color)
                .text("color_url", percent_encode(color));
            ctx.render(carrier.next_template(), &vars)?
        }
        // The last step: the course's Next link takes over.
        None => String::new(),
    };
    Page::new(&title, carrier.step_template())
        .mark(mark)
        .facts(carrier.facts_key())
        .render(
            ctx,
            Vars::new()
                .text("color", color)
                .text("step_text", STEP_TEXT[step])
                .html("next", next),
        )
}

/// The request's raw `fav-color=…` piece, to mark in the X-ray.
fn raw_pair(raw: &str) -> &str {
    raw.split('&')
        .find(|p| p.starts_with("fav-color="))
        .unwrap_or("")
}

/// The page for a step reached without the colour: a lesson page with
/// the X-ray (the request shows what is missing) and the way back.
fn lost(ctx: &mut Ctx, start: &str, how: &str) -> Reply {
    Err(pages::lesson_error(
        ctx,
        Status::BAD_REQUEST,
        &format!(
            "This step needs your colour, and this request does not carry it ({how}). \
             That is the weakness of carrying state yourself: one link or form that forgets it, \
             and it is gone. Start again at {start}."
        ),
    ))
}

// --- the query string: /step-zero?fav-color=blue ---

fn query_step(ctx: &mut Ctx, step: usize) -> Reply {
    let query = ctx.query()?;
    let color = query.get("fav-color").map(str::to_string);
    ctx.short(
        "fav-color",
        color.as_deref().unwrap_or(""),
        "fav-color=blue",
    )?;
    let mark = raw_pair(ctx.req.query_string().unwrap_or("")).to_string();
    match color {
        Some(c) if !c.trim().is_empty() => step_page(ctx, Carrier::Query, step, c.trim(), &mark),
        _ if step == 0 => Page::new("State in the query string", "carry-start-query.html")
            .flask("query")
            .facts(StrategyKey::Query)
            .render(ctx, Vars::new()),
        _ => lost(ctx, "/step-zero", "no ?fav-color= in the URL"),
    }
}

/// `GET /step-zero?fav-color=blue` (without the parameter: a form asking for it).
pub fn query_zero(ctx: &mut Ctx) -> Reply {
    query_step(ctx, 0)
}

/// `GET /step-one?fav-color=blue`
pub fn query_one(ctx: &mut Ctx) -> Reply {
    query_step(ctx, 1)
}

/// `GET /step-two?fav-color=blue`
pub fn query_two(ctx: &mut Ctx) -> Reply {
    query_step(ctx, 2)
}

// --- hidden form fields: POST /form/step-zero with fav-color=blue ---

/// `GET /form/step-zero` — the form that starts the chain.
pub fn hidden_start(ctx: &mut Ctx) -> Reply {
    Page::new("State in hidden form fields", "carry-start-hidden.html")
        .flask("hidden")
        .facts(StrategyKey::Hidden)
        .render(ctx, Vars::new())
}

fn hidden_step(ctx: &mut Ctx, step: usize) -> Reply {
    let form = ctx.form()?;
    let body = String::from_utf8_lossy(ctx.req.body()).into_owned();
    match form
        .get("fav-color")
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(c) => {
            let c = ctx.short("fav-color", c, "fav-color=blue")?.to_string();
            step_page(ctx, Carrier::Hidden, step, &c, raw_pair(&body))
        }
        None => lost(
            ctx,
            "GET /form/step-zero",
            "no fav-color field in the form body",
        ),
    }
}

/// `POST /form/step-zero`
pub fn hidden_zero(ctx: &mut Ctx) -> Reply {
    hidden_step(ctx, 0)
}

/// `POST /form/step-one`
pub fn hidden_one(ctx: &mut Ctx) -> Reply {
    hidden_step(ctx, 1)
}

/// `POST /form/step-two`
pub fn hidden_two(ctx: &mut Ctx) -> Reply {
    hidden_step(ctx, 2)
}

// --- the URL path: /fav-color/blue/step-zero ---

/// `GET /fav-color` — a form; with `?color=…`, a redirect into the path.
pub fn path_start(ctx: &mut Ctx) -> Reply {
    let query = ctx.query()?;
    match query.get("color").map(str::trim).filter(|c| !c.is_empty()) {
        // A form can only put fields in a query string; a 303 redirect
        // moves the colour into the path.
        Some(c) => {
            let c = ctx.short("color", c, "color=blue")?;
            Ok(Response::see_other(&format!(
                "/fav-color/{}/step-zero",
                percent_encode(c)
            )))
        }
        None => Page::new("State in the URL path", "carry-start-path.html")
            .flask("path")
            .facts(StrategyKey::Path)
            .render(ctx, Vars::new()),
    }
}

fn path_step(ctx: &mut Ctx, step: usize) -> Reply {
    let color = ctx.param("color").trim().to_string();
    if color.is_empty() {
        return lost(ctx, "/fav-color", "the colour segment of the path is empty");
    }
    // Mark the raw (still percent-encoded) segment as it appears in the request line.
    let raw = ctx.req.path().split('/').nth(2).unwrap_or("");
    let mark = format!("/fav-color/{raw}/");
    step_page(ctx, Carrier::Path, step, &color, &mark)
}

/// `GET /fav-color/{color}/step-zero`
pub fn path_zero(ctx: &mut Ctx) -> Reply {
    path_step(ctx, 0)
}

/// `GET /fav-color/{color}/step-one`
pub fn path_one(ctx: &mut Ctx) -> Reply {
    path_step(ctx, 1)
}

/// `GET /fav-color/{color}/step-two`
pub fn path_two(ctx: &mut Ctx) -> Reply {
    path_step(ctx, 2)
}

//! The start: the index, `/hello`, and the goldfish that forgets.

use super::course::{self, COURSE};
use super::pages::{self, Page};
use super::{Ctx, Reply};
use crate::http::{Response, Status};
use crate::template::{Vars, escape};

/// `GET /` — what "stateless" means, where to start, your raw request.
pub fn index(ctx: &mut Ctx) -> Reply {
    // One item per lesson: a loop, so it is built here.
    let mut lessons = String::new();
    for lesson in COURSE {
        lessons.push_str(&format!(
            "<li><a href=\"{}\">{}</a> — {}</li>\n",
            escape(lesson.start),
            escape(lesson.title),
            escape(lesson.summary)
        ));
    }
    let first = course::first();
    let (host, port) = ctx.host_and_port();
    let vars = Vars::new()
        .html("lessons", lessons)
        .text("start", first.start)
        .text("start_title", first.title)
        .text("total", COURSE.len().to_string())
        .text("origin", ctx.origin())
        .text("host", host)
        .text("port", port);
    Page::new("HTTP is a goldfish", "index.html").render(ctx, vars)
}

/// `GET /hello` — the smallest response there is.
// It cannot fail, but every handler has the one type `HandlerFn`.
#[allow(clippy::unnecessary_wraps)]
pub fn hello(_ctx: &mut Ctx) -> Reply {
    Ok(Response::text(Status::OK, "Hello, World!"))
}

/// `GET /goldfish` — the server asks your name, and knows nothing about you.
pub fn goldfish_form(ctx: &mut Ctx) -> Reply {
    Page::new("The goldfish", "goldfish.html")
        .flask("goldfish")
        .render(ctx, Vars::new())
}

/// `POST /goldfish` — the server greets you by name, once.
pub fn goldfish_answer(ctx: &mut Ctx) -> Reply {
    let form = ctx.form()?;
    let Some(name) = form.get("name").map(str::trim) else {
        return Err(pages::lesson_error(
            ctx,
            Status::BAD_REQUEST,
            "The form field `name` is missing: send a body like name=Ada \
             (Content-Type: application/x-www-form-urlencoded).",
        ));
    };
    let name = match ctx.short("name", name, "name=Ada")? {
        "" => "stranger",
        name => name,
    };
    // Mark the field as it travels, `name=Ada` (percent-encoded as sent).
    let raw = String::from_utf8_lossy(ctx.req.body());
    let pair = raw
        .split('&')
        .find(|p| p.starts_with("name="))
        .unwrap_or("name=")
        .to_string();
    Page::new("The goldfish", "goldfish-answer.html")
        .mark(pair)
        .render(ctx, Vars::new().text("name", name))
}

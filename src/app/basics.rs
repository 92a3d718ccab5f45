//! The first lessons: the index, `/hello`, and the goldfish that forgets.

use super::pages::{self, Page};
use super::{Ctx, ROUTES};
use crate::http::{Response, Status};
use crate::template::{Vars, escape};

/// `GET /` — what "stateless" means, your raw request, and the lessons.
pub fn index(ctx: &mut Ctx) -> Response {
    let mut lessons = String::new();
    for r in ROUTES.iter().filter(|r| !r.about.is_empty()) {
        // Patterns with captures, and routes that need a parameter, get an
        // example value, so every link on the index works.
        let href = match r.pattern {
            "/handle-form-cookie" => "/handle-form-cookie?fav_color=blue".to_string(),
            pattern => pattern.replace("{color}", "blue"),
        };
        lessons.push_str(&format!(
            "<li><a href=\"{href}\"><code>{} {}</code></a> — {}</li>\n",
            r.method,
            escape(r.pattern),
            escape(r.about)
        ));
    }
    Page::new("HTTP is a goldfish", "index.html").render(ctx, Vars::new().html("lessons", lessons))
}

/// `GET /hello` — the smallest response there is.
pub fn hello(_ctx: &mut Ctx) -> Response {
    Response::text(Status::OK, "Hello, World!")
}

/// `GET /goldfish` — the server asks your name, and knows nothing about you.
pub fn goldfish_form(ctx: &mut Ctx) -> Response {
    Page::new("The goldfish", "goldfish.html").render(ctx, Vars::new())
}

/// `POST /goldfish` — the server greets you by name, once.
pub fn goldfish_answer(ctx: &mut Ctx) -> Response {
    let form = match ctx.form() {
        Ok(f) => f,
        Err(bad) => return bad,
    };
    let Some(name) = form.get("name").map(str::trim) else {
        return pages::error(
            ctx.req,
            Status::BAD_REQUEST,
            "The form field `name` is missing: send a body like name=Ada \
             (Content-Type: application/x-www-form-urlencoded).",
        );
    };
    let name = match ctx.short("name", name, "name=Ada") {
        Ok("") => "stranger",
        Ok(name) => name,
        Err(too_long) => return too_long,
    };
    Page::new("The goldfish", "goldfish-answer.html")
        .mark("name=")
        .render(ctx, Vars::new().text("name", name))
}

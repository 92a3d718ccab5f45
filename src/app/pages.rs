//! Page assembly: a lesson's template inside the shared layout, with the
//! X-ray panel; and the error pages.
//!
//! Errors speak to whoever asked: a browser (its `Accept` names
//! `text/html`) gets a small HTML page with links back to the lessons; curl,
//! telnet and nc get one or two plain sentences.

use super::strategies::{self, StrategyKey};
use super::{Ctx, xray};
use crate::http::{Request, Response, Status};
use crate::session::Session;
use crate::template::{Vars, escape};

/// A lesson page under construction.
pub struct Page<'a> {
    /// The `<title>` and `<h1>`.
    pub title: &'a str,
    /// The template with the page's own content.
    pub template: &'a str,
    /// Strings to mark in the X-ray (the state this page relies on, as it
    /// appears in the raw request).
    pub marks: Vec<&'a str>,
    /// The strategy whose facts box ends the page (see `strategies`).
    pub facts: Option<StrategyKey>,
}

impl<'a> Page<'a> {
    /// A page with a title and a content template.
    pub fn new(title: &'a str, template: &'a str) -> Page<'a> {
        Page {
            title,
            template,
            marks: Vec::new(),
            facts: None,
        }
    }

    /// Ends the page with the facts box of a strategy.
    pub fn facts(mut self, key: StrategyKey) -> Page<'a> {
        self.facts = Some(key);
        self
    }

    /// Marks `s` wherever it appears in the X-ray of the request.
    pub fn mark(mut self, s: &'a str) -> Page<'a> {
        self.marks.push(s);
        self
    }

    /// Renders the page with `vars` into the layout. A template error is a
    /// bug in goldfish: it becomes a 500 that names the template.
    pub fn render(self, ctx: &Ctx, vars: Vars) -> Response {
        self.render_status(ctx, Status::OK, vars)
    }

    /// As [`Page::render`], with another status.
    pub fn render_status(self, ctx: &Ctx, status: Status, vars: Vars) -> Response {
        // A handler that used the session lets its template read it too:
        // `{{ session['fav_number'] }}` or `{{ session.fav_number }}`.
        let vars = match ctx.loaded_session() {
            Some(session) => vars.object("session", session),
            None => vars,
        };
        let content = match ctx.render(self.template, &vars) {
            Ok(c) => c,
            Err(e) => return template_bug(&e),
        };
        let layout_vars = Vars::new()
            .text("title", self.title)
            .html("content", content)
            .html(
                "facts",
                self.facts.map(strategies::facts_html).unwrap_or_default(),
            )
            .html("xray_request", {
                ctx.shows_cookies();
                xray::request_html(ctx.req, &self.marks)
            })
            .html("xray_response", xray::RESPONSE_MARK);
        match ctx.render("layout.html", &layout_vars) {
            Ok(html) => Response::html(status, html),
            Err(e) => template_bug(&e),
        }
    }
}

fn template_bug(e: &crate::www::PageError) -> Response {
    Response::text(
        Status::INTERNAL_SERVER_ERROR,
        format!("goldfish could not render a page ({e}). That is a bug in goldfish.\n"),
    )
}

/// A session's keys, values (as JSON) and types, as table rows.
pub fn session_rows(session: &Session) -> String {
    let mut rows = String::new();
    for (k, v) in session.iter() {
        rows.push_str(&format!(
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
            escape(&k.to_string_lossy()),
            escape(&crate::session::to_json(v)),
            v.type_name()
        ));
    }
    if rows.is_empty() {
        rows.push_str("<tr><td colspan=\"3\"><em>empty</em></td></tr>");
    }
    rows
}

/// Whether the client asked for HTML (browsers do; curl does not).
fn wants_html(req: &Request) -> bool {
    req.header("accept")
        .is_some_and(|a| a.contains("text/html"))
}

/// An error response: HTML for browsers, plain text otherwise. `message`
/// is plain text (it is escaped for HTML here).
pub fn error(req: &Request, status: Status, message: &str) -> Response {
    if !wants_html(req) {
        return Response::text(status, format!("{message}\n"));
    }
    let code = status.0;
    let reason = status.reason();
    Response::html(
        status,
        format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{code} {reason}</title><link rel=\"stylesheet\" href=\"/static/site.css\"></head>\n\
             <body><main class=\"error\"><h1>{code} {reason}</h1>\n<p>{}</p>\n\
             <p><a href=\"/\">Back to the lessons</a></p></main></body></html>\n",
            escape(message)
        ),
    )
}

/// 404 with a pointer to the index.
pub fn not_found(req: &Request) -> Response {
    error(
        req,
        Status::NOT_FOUND,
        &format!(
            "There is no page at {}. The list of lessons is at / (GET /).",
            crate::text::Clip(req.path(), 200)
        ),
    )
}

/// `403 Forbidden` for a state-changing request that came from another
/// site (see [`super::guard`]): a short lesson on CSRF for browsers, one
/// sentence for curl and telnet.
pub fn cross_site(app: &super::App, req: &Request, why: &super::guard::CrossOrigin) -> Response {
    let status = Status::FORBIDDEN;
    let sentence = format!(
        "goldfish refused {} {}, because {why}: a request that changes state must come from \
         one of goldfish's own pages (cross-site request forgery protection).",
        req.method(),
        crate::text::Clip(req.path(), 200)
    );
    if !wants_html(req) {
        return Response::text(status, format!("{sentence}\n"));
    }
    let vars = Vars::new()
        .text("method", req.method())
        .text("path", crate::text::Clip(req.path(), 200).to_string())
        .text("reason", why.to_string())
        .html(
            "head",
            super::xray::request_html(req, &["Sec-Fetch-Site:", "Origin:", "Host:"]),
        );
    match app.config.www.compiled("cross-site.html").and_then(|t| {
        t.render(&vars)
            .map_err(|error| crate::www::PageError::Template {
                name: "cross-site.html".into(),
                error,
            })
    }) {
        Ok(html) => Response::html(status, html),
        Err(_) => error(req, status, &sentence),
    }
}

/// `421 Misdirected Request` for a `Host` goldfish does not answer to
/// (see [`super::guard`]): DNS rebinding protection.
pub fn misdirected(req: &Request, host: &str) -> Response {
    error(
        req,
        Status::MISDIRECTED_REQUEST,
        &format!(
            "goldfish does not answer to the host name {}: it answers to localhost, *.localhost, \
             IP addresses, and the names given with --allowed-hosts. (A name that suddenly points \
             at this machine is how a DNS rebinding attack reaches a local server.) If you \
             meant to use this name, start goldfish with --allowed-hosts {}.",
            crate::text::Excerpt(host, 100),
            crate::text::Clip(host, 100)
        ),
    )
}

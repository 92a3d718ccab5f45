//! Page assembly: a lesson's template inside the shared layout, with the
//! course's progress line, its Next link and the X-ray panel; and the error
//! pages.
//!
//! A page is built in two steps. The handler renders its own content
//! ([`Page::render`]); `Ctx::finish` then puts it into `layout.html`, once
//! the response head is final (the session's `Set-Cookie`, a redirect's
//! record), so the X-ray shows the head that really goes on the wire.
//!
//! Errors speak to whoever asked: a browser (its `Accept` names
//! `text/html`) gets a page with links back to the lessons; curl, telnet
//! and nc get one or two plain sentences.

use std::borrow::Cow;
use std::net::IpAddr;
use std::sync::OnceLock;

use super::course::{self, Lesson, Place};
use super::strategies::{self, StrategyKey};
use super::{Ctx, Reply, xray};
use crate::http::{Request, Response, Status};
use crate::session::Session;
use crate::template::{Vars, escape};
use crate::www::{PageError, Www};

/// A lesson page under construction.
pub struct Page<'a> {
    /// The `<title>` and `<h1>`.
    pub title: &'a str,
    /// The template with the page's own content.
    pub template: &'a str,
    /// Strings to mark in the X-ray (the state this page relies on, as it
    /// appears in the raw request).
    pub marks: Vec<String>,
    /// The strategy whose facts box ends the page (see `strategies`).
    pub facts: Option<StrategyKey>,
    /// The lesson of `www/flask/lecture.py` its template shows as
    /// `{{ flask }}` (see `flask`).
    pub flask: Option<&'a str>,
}

/// A page whose content is rendered, waiting for `Ctx::finish` to lay it
/// out.
pub(super) struct Pending {
    title: String,
    content: String,
    facts: Option<StrategyKey>,
    marks: Vec<String>,
}

impl<'a> Page<'a> {
    /// A page with a title and a content template.
    #[must_use]
    pub fn new(title: &'a str, template: &'a str) -> Page<'a> {
        Page {
            title,
            template,
            marks: Vec::new(),
            facts: None,
            flask: None,
        }
    }

    /// Gives the template `{{ flask }}`: the lesson in Flask, and the bytes
    /// Flask and goldfish send.
    #[must_use]
    pub fn flask(mut self, lesson: &'a str) -> Page<'a> {
        self.flask = Some(lesson);
        self
    }

    /// Ends the page with the facts box of a strategy.
    #[must_use]
    pub fn facts(mut self, key: StrategyKey) -> Page<'a> {
        self.facts = Some(key);
        self
    }

    /// Marks `s` wherever it appears in the X-ray of the request.
    #[must_use]
    pub fn mark(mut self, s: impl Into<String>) -> Page<'a> {
        self.marks.push(s.into());
        self
    }

    /// Renders the page's content with `vars`; `Ctx::finish` lays it out.
    /// A template error is a bug in goldfish: the `Err` is the 500 page
    /// that names the template.
    ///
    /// # Errors
    /// The 500 page, when a template does not render.
    pub fn render(self, ctx: &mut Ctx, vars: Vars) -> Reply {
        self.render_status(ctx, Status::OK, vars)
    }

    /// As [`Page::render`], with another status.
    ///
    /// # Errors
    /// The 500 page, when a template does not render.
    pub fn render_status(self, ctx: &mut Ctx, status: Status, vars: Vars) -> Reply {
        let vars = match self.flask {
            Some(lesson) => vars.html("flask", super::flask::panel(ctx, lesson)?),
            None => vars,
        };
        // A handler that used the session lets its template read it too:
        // `{{ session['fav_number'] }}` or `{{ session.fav_number }}`.
        let vars = match ctx.loaded_session() {
            Some(session) => vars.object("session", session),
            None => vars,
        };
        let content = ctx.render(self.template, &vars);
        drop(vars);
        let content = content?;
        // The layout's X-ray shows the request's `Cookie` lines.
        ctx.shows_cookies();
        ctx.set_page(Pending {
            title: self.title.to_string(),
            content,
            facts: self.facts,
            marks: self.marks,
        });
        // The body is the layout, written by `Ctx::finish`.
        Ok(Response::html(status, String::new()))
    }
}

/// Lays a pending page out, with the X-ray of `resp`'s final head: the
/// last step of `Ctx::finish`.
pub(super) fn lay_out(ctx: &Ctx, page: Pending, mut resp: Response) -> Response {
    match layout_html(ctx, page, &resp) {
        Ok(html) => {
            resp.body = html.into_bytes();
            resp
        }
        Err(e) => template_bug(&e),
    }
}

fn layout_html(ctx: &Ctx, page: Pending, resp: &Response) -> Result<String, PageError> {
    let masked = ctx.masked();
    let req = ctx.req;
    let request = xray::request_html(
        req.head(),
        req.header("content-type"),
        req.body(),
        &page.marks,
        masked,
    );
    let (response, response_masked) = xray::head_html(resp.status, resp.headers.iter(), masked);
    let hop = ctx.hop();
    // What could not be done, on this request or on the redirect before it.
    let mut warnings = String::new();
    let hop_warnings = hop.iter().flat_map(|h| h.warnings.iter());
    for why in ctx.warnings().iter().chain(hop_warnings) {
        warnings.push_str(&ctx.render("warning.html", &Vars::new().text("why", why.as_str()))?);
    }
    let hop = match hop {
        Some(hop) => {
            let (head, hop_masked) = xray::head_html(
                hop.status,
                hop.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
                masked,
            );
            let vars = Vars::new()
                .text("request_line", hop.request_line.as_str())
                .html("head", head);
            (ctx.render("xray-hop.html", &vars)?, hop_masked)
        }
        None => (String::new(), false),
    };
    let masked_note = if request.masked || response_masked || hop.1 {
        let names = masked.names;
        let vars = Vars::new().text("session", names[0]).text("sid", names[1]);
        ctx.render("xray-masked.html", &vars)?
    } else {
        String::new()
    };
    let (progress, next) = course_html(&ctx.app.config.www, course::place(ctx.route))?;
    let layout = Vars::new()
        .text("title", page.title.as_str())
        .html("progress", progress)
        .html("warnings", warnings)
        .html("content", page.content)
        .html(
            "facts",
            page.facts.map(strategies::facts_html).unwrap_or_default(),
        )
        .html("next", next)
        .html("xray_site", super::sites::xray_note(ctx))
        .html("xray_hop", hop.0)
        .html("xray_request", request.html)
        .html("xray_response", response)
        .html("xray_masked", masked_note)
        .text("peer", ip_text(ctx.peer.ip()));
    ctx.render("layout.html", &layout)
}

/// An address as text. `Ipv4Addr`'s `Display` goes through the formatting
/// machinery (padding, width) and costs more than the rest of this line of
/// the page; four numbers need none of it.
fn ip_text(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let mut text = String::with_capacity(15);
            for (i, octet) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    text.push('.');
                }
                if octet >= 100 {
                    text.push(char::from(b'0' + octet / 100));
                }
                if octet >= 10 {
                    text.push(char::from(b'0' + octet / 10 % 10));
                }
                text.push(char::from(b'0' + octet % 10));
            }
            text
        }
        IpAddr::V6(_) => ip.to_string(),
    }
}

/// The progress line and the Next link of a page of the course (empty
/// outside it). They are the same on every page of a lesson, so with the
/// embedded templates each lesson's are rendered once, the first time they
/// are needed; with `--www`, where a template may change while goldfish
/// runs, on every page.
fn course_html(
    www: &Www,
    place: Option<Place>,
) -> Result<(Cow<'static, str>, Cow<'static, str>), PageError> {
    let Some(p) = place else {
        return Ok((Cow::Borrowed(""), Cow::Borrowed("")));
    };
    if matches!(www, Www::Embedded) {
        static RENDERED: OnceLock<Vec<Option<(String, String)>>> = OnceLock::new();
        let all = RENDERED.get_or_init(|| {
            let each = |l: &Lesson| {
                let p = course::place(l.pages.first()?)?;
                Some((progress_html(www, p).ok()?, next_html(www, p).ok()?))
            };
            course::COURSE.iter().map(each).collect()
        });
        // (A lesson whose lines did not render takes the long way below,
        // which returns the error.)
        if let Some(Some((progress, next))) = all.get(p.number - 1) {
            return Ok((Cow::Borrowed(progress), Cow::Borrowed(next)));
        }
    }
    Ok((progress_html(www, p)?.into(), next_html(www, p)?.into()))
}

/// "Lesson 5 of 12: …" above the title.
fn progress_html(www: &Www, p: Place) -> Result<String, PageError> {
    let vars = Vars::new()
        .text("number", p.number.to_string())
        .text("total", p.total.to_string())
        .text("title", p.lesson.title)
        .text("start", p.lesson.start);
    www.render("course-progress.html", &vars)
}

/// The one `rel="next"` link at the end of a lesson page, or the end of
/// the course.
fn next_html(www: &Www, p: Place) -> Result<String, PageError> {
    match p.next {
        Some(next) => {
            let vars = Vars::new()
                .text("href", next.start)
                .text("title", next.title)
                .text("number", (p.number + 1).to_string())
                .text("total", p.total.to_string());
            www.render("course-next.html", &vars)
        }
        None => www.render("course-end.html", &Vars::new()),
    }
}

/// `500 Internal Server Error` for a template that does not render: the
/// request was fine, goldfish is not. Plain text, since the page's own
/// templates are what failed.
pub fn template_bug(e: &PageError) -> Response {
    Response::text(
        Status::INTERNAL_SERVER_ERROR,
        format!("goldfish could not render a page ({e}). That is a bug in goldfish.\n"),
    )
}

/// Lets `?` end a handler (a [`Reply`]) on a template error, with the
/// `template_bug` page: `let html = ctx.render("x.html", &vars)?;`.
impl From<PageError> for Response {
    fn from(e: PageError) -> Response {
        template_bug(&e)
    }
}

/// A session's keys, values (as JSON) and types, as table rows. (Rows are
/// built in a loop, which templates cannot do.)
pub fn session_rows(session: &Session) -> String {
    let mut rows = String::new();
    for (k, v) in session {
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
pub fn wants_html(req: &Request) -> bool {
    req.header("accept")
        .is_some_and(|a| a.contains("text/html"))
}

/// A lesson-style error page (layout, X-ray, a way back) for a browser;
/// one plain sentence for anyone else. `message` is plain text.
pub fn lesson_error(ctx: &mut Ctx, status: Status, message: &str) -> Response {
    if !wants_html(ctx.req) {
        return Response::text(status, format!("{message}\n"));
    }
    let title = format!("{} {}", status.0, status.reason());
    let (back, back_text) = match course::place(ctx.route) {
        Some(p) => (
            p.lesson.start,
            format!("Back to the start of “{}”", p.lesson.title),
        ),
        None => ("/", "Back to the lessons".to_string()),
    };
    let vars = Vars::new()
        .text("message", message)
        .text("back", back)
        .text("back_text", back_text);
    // This page is itself the error: a template bug in it is answered instead.
    let (Ok(page) | Err(page)) = Page::new(&title, "error.html").render_status(ctx, status, vars);
    page
}

/// An error answered before any handler ran (no such page, a method the
/// path does not answer): HTML for browsers, plain text otherwise.
/// `message` is plain text (it is escaped for HTML here).
pub fn error(www: &Www, req: &Request, status: Status, message: &str) -> Response {
    if !wants_html(req) {
        return Response::text(status, format!("{message}\n"));
    }
    let vars = Vars::new()
        .text("code", status.0.to_string())
        .text("reason", status.reason())
        .text("message", message);
    match www.render("error-page.html", &vars) {
        Ok(html) => Response::html(status, html),
        Err(e) => template_bug(&e),
    }
}

/// 404 with a pointer to the index.
pub fn not_found(www: &Www, req: &Request) -> Response {
    error(
        www,
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
        .html("head", {
            let config = &app.config;
            let marks = ["Sec-Fetch-Site:", "Origin:", "Host:"].map(String::from);
            let masked = xray::Masked {
                names: [&config.session_cookie, &config.sid_cookie],
            };
            let ct = req.header("content-type");
            xray::request_html(req.head(), ct, req.body(), &marks, masked).html
        });
    match app.config.www.render("cross-site.html", &vars) {
        Ok(html) => Response::html(status, html),
        Err(_) => error(&app.config.www, req, status, &sentence),
    }
}

/// `421 Misdirected Request` for a `Host` goldfish does not answer to
/// (see [`super::guard`]): DNS rebinding protection.
pub fn misdirected(www: &Www, req: &Request, host: &str) -> Response {
    error(
        www,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_text_writes_what_display_writes() {
        let cases = [
            "0.0.0.0",
            "127.0.0.1",
            "255.255.255.255",
            "10.0.100.9",
            "192.168.1.10",
            "::1",
            "fe80::1",
        ];
        for text in cases {
            let ip: IpAddr = text.parse().unwrap();
            assert_eq!(ip_text(ip), text, "ip_text({text}); want {text}");
        }
    }
}

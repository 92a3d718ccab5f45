//! The `SameSite` lesson: which requests from another site carry which
//! cookies, recorded as they arrive.
//!
//! 1. On goldfish, `POST /sites/samesite` sets four cookies, one per
//!    SameSite value (`Strict`, `Lax`, `None; Secure`, none at all); each
//!    holds the second it was set, so its age is known when it comes back.
//! 2. A page on `evil.localhost` (another site) and one on
//!    `shop.goldfish.localhost` (the same site) each make six requests to
//!    `/sites/samesite/probe`: a link, a GET form, a POST form, an image, a
//!    frame and a fetch.
//! 3. The probe records, for each request as it arrived, which of the four
//!    cookies came and the browser's `Sec-Fetch-Site`, on a *board*; the
//!    lesson page shows the board as a matrix, each cell next to what the
//!    rules ([`rules`]) predict for Chromium.
//!
//! Whose board: a board is named by a random id in the page's URL
//! (`?board=…`), not by a cookie — a cookie would itself be sent or not by
//! the very rules the board shows. The id is made by the server, 128 bits,
//! so nobody stumbles on another learner's board; the probe records only
//! for boards that exist, and at most [`MAX_ARRIVALS`] per board.

mod board;
mod rules;

use std::collections::VecDeque;

use rules::{COOKIES, Kind, Via};

use super::host::Site;
use super::recent::{lock, push_bounded};
use super::scope::{ScopeKey, facts_html};
use super::{answer, looks_like_id, new_id, no_randomness, url_on};
use crate::app::pages::{self, Page};
use crate::app::{Ctx, Reply};
use crate::cookie::{SameSite, SetCookie};
use crate::http::date::unix_seconds;
use crate::http::{Response, Status};
use crate::template::{Vars, escape};

pub use rules::LAX_POST_WINDOW_SECS;

/// The path the four cookies are scoped to (the lesson and its probe).
pub const COOKIE_PATH: &str = "/sites/samesite";

/// A board keeps this many arrivals, the oldest forgotten first.
pub const MAX_ARRIVALS: usize = 48;

/// One request as it reached the probe.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// Seconds since the epoch.
    at: i64,
    via: Via,
    /// Which page built the request, as it says (`evil` or `shop`).
    from: &'static str,
    method: String,
    /// For each of [`COOKIES`]: its age in seconds if it came, else `None`.
    ages: [Option<u64>; 4],
    fetch_site: Option<String>,
    fetch_mode: Option<String>,
    fetch_dest: Option<String>,
}

impl Arrival {
    /// An arrival for tests: a GET, 0 s after the epoch.
    #[cfg(test)]
    fn for_test(
        via: Via,
        from: &'static str,
        site: Option<&str>,
        ages: [Option<u64>; 4],
    ) -> Arrival {
        Arrival {
            at: 0,
            via,
            from,
            method: "GET".into(),
            ages,
            fetch_site: site.map(str::to_string),
            fetch_mode: None,
            fetch_dest: None,
        }
    }

    /// Whether the request was same-site: the browser's `Sec-Fetch-Site`
    /// says so; without it (an old browser, curl), the page that sent it.
    fn same_site(&self) -> bool {
        match self.fetch_site.as_deref() {
            Some("same-site" | "same-origin" | "none") => true,
            Some(_) => false,
            None => self.from == "shop",
        }
    }
}

/// One learner's board.
#[derive(Debug, Default)]
pub struct Board {
    arrivals: VecDeque<Arrival>,
}

/// `GET /sites/samesite[?board=ID]` — the lesson, and the board if any.
pub fn lesson(ctx: &mut Ctx) -> Reply {
    let query = ctx.query()?;
    let board_id = query
        .get("board")
        .filter(|b| looks_like_id(b))
        .map(str::to_string);
    let board = board_id.as_deref().and_then(|id| {
        lock(&ctx.app.sites.boards)
            .get_mut(id)
            .map(|b| b.arrivals.clone())
    });
    let site = answer(ctx);
    let now = unix_seconds(ctx.now);
    let (board_html, links) = match (&board_id, &board) {
        (Some(id), Some(arrivals)) => {
            let to = site.name.clone();
            let evil = url_on(ctx, Site::Evil.host_name(), &attack_query(id, &to));
            let shop = url_on(ctx, Site::Shop.host_name(), &attack_query(id, &to));
            (
                board::table(arrivals, now),
                format!(
                    "<ol id=\"samesite-go\"><li><a id=\"go-evil\" href=\"{}\">From another site: evil.localhost</a></li>\
                     <li><a id=\"go-shop\" href=\"{}\">From the same site: shop.goldfish.localhost</a></li></ol>",
                    escape(&evil),
                    escape(&shop)
                ),
            )
        }
        (Some(_), None) => (
            "<p class=\"card bad\" id=\"samesite-board\">goldfish has no board by that id (it may \
             have been forgotten: goldfish keeps the most recent ones). Set the cookies again to \
             start a new one.</p>"
                .to_string(),
            String::new(),
        ),
        (None, _) => (
            "<p class=\"note\" id=\"samesite-board\">No board yet: set the cookies first.</p>"
                .to_string(),
            String::new(),
        ),
    };
    let insecure = if site.is_secure_context() {
        String::new()
    } else {
        format!(
            "<p class=\"card bad\">This page was asked for as <code>{}</code>, which browsers do not \
             treat as a secure context over http, so they will refuse <code>ss_none</code> (it needs \
             <code>Secure</code>). Use <a href=\"{u}\">{u}</a>.</p>",
            escape(&site.name),
            u = escape(&url_on(ctx, Site::Lessons.host_name(), COOKIE_PATH))
        )
    };
    Page::new(
        "SameSite: which requests from other sites carry your cookies",
        "sites-samesite.html",
    )
    .mark("ss_")
    .render(
        ctx,
        Vars::new()
            .text("board_id", board_id.unwrap_or_default())
            .html("insecure", insecure)
            .html("board", board_html)
            .html("links", links)
            .text("window", LAX_POST_WINDOW_SECS.to_string())
            .html(
                "scope_facts",
                facts_html(&[
                    ScopeKey::Strict,
                    ScopeKey::Lax,
                    ScopeKey::NoneSecure,
                    ScopeKey::Unset,
                ]),
            ),
    )
}

/// The query string of the attack pages: the board, and the goldfish host
/// whose cookies they aim at.
fn attack_query(board: &str, to: &str) -> String {
    format!(
        "/samesite?board={}&to={}",
        crate::http::url::percent_encode(board),
        crate::http::url::percent_encode(to)
    )
}

/// `POST /sites/samesite` — sets the four cookies (again) and opens a board.
pub fn set_cookies(ctx: &mut Ctx) -> Reply {
    let form = ctx.form()?;
    let now = unix_seconds(ctx.now).to_string();
    for (name, kind) in COOKIES {
        let cookie = SetCookie::new(name, now.clone()).path(COOKIE_PATH);
        let cookie = match kind {
            Kind::Strict => cookie.same_site(SameSite::Strict),
            Kind::Lax => cookie.same_site(SameSite::Lax),
            Kind::None => cookie.same_site(SameSite::None).secure(true),
            Kind::Unset => cookie,
        };
        let _ = ctx.set_cookie(&cookie);
    }
    let mut boards = lock(&ctx.app.sites.boards);
    let kept = form
        .get("board")
        .filter(|b| looks_like_id(b))
        .filter(|b| boards.get_mut(b).is_some())
        .map(str::to_string);
    let id = if let Some(id) = kept {
        id
    } else {
        let id = new_id().map_err(|e| no_randomness(ctx, &e))?;
        boards.insert(id.clone(), Board::default());
        id
    };
    drop(boards);
    Ok(Response::see_other(&format!("{COOKIE_PATH}?board={id}")))
}

/// A transparent 1×1 GIF: what an `<img>` probe gets back, so the image
/// loads instead of showing as broken.
const PIXEL: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff\
!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";

/// `GET|POST /sites/samesite/probe?board=ID&via=img&from=evil` — records
/// which of the four cookies came, and answers in the form the request
/// wants (an image, a page, a line of text).
pub fn probe(ctx: &mut Ctx) -> Reply {
    let query = ctx.query()?;
    let via = query.get("via").and_then(Via::parse);
    let board = query
        .get("board")
        .filter(|b| looks_like_id(b))
        .map(str::to_string);
    let from = match query.get("from") {
        Some("shop") => "shop",
        _ => "evil",
    };
    let (Some(via), Some(board)) = (via, board) else {
        return Err(pages::lesson_error(
            ctx,
            Status::BAD_REQUEST,
            "The probe needs ?board=ID&via=link|get-form|post-form|img|iframe|fetch: the lesson at \
             /sites/samesite builds these requests for you.",
        ));
    };
    let now = unix_seconds(ctx.now);
    let ages = COOKIES.map(|(name, _)| {
        ctx.cookies().get(name).map(|v| {
            let set_at = v.parse::<i64>().unwrap_or(now);
            u64::try_from(now.saturating_sub(set_at)).unwrap_or(0)
        })
    });
    let header = |name: &str| {
        ctx.req
            .header(name)
            .map(|v| crate::text::Clip(v, 40).to_string())
    };
    let arrival = Arrival {
        at: now,
        via,
        from,
        method: ctx.req.method().to_string(),
        ages,
        fetch_site: header("sec-fetch-site"),
        fetch_mode: header("sec-fetch-mode"),
        fetch_dest: header("sec-fetch-dest"),
    };
    let recorded = match lock(&ctx.app.sites.boards).get_mut(&board) {
        Some(b) => {
            push_bounded(&mut b.arrivals, arrival.clone(), MAX_ARRIVALS);
            true
        }
        None => false,
    };
    let status = if recorded {
        Status::OK
    } else {
        Status::NOT_FOUND
    };
    let reply = match via {
        Via::Img => {
            let mut r = Response::new(status);
            r.headers.append("Content-Type", "image/gif");
            r.body = PIXEL.to_vec();
            Ok(r)
        }
        Via::Fetch => Ok(Response::text(status, "recorded\n")),
        _ => probe_page(ctx, status, &arrival, &board, recorded),
    };
    // On either side: a template bug's 500 is a probe's answer too.
    reply.map(probe_fields).map_err(probe_fields)
}

/// The fields of every probe's answer.
fn probe_fields(mut response: Response) -> Response {
    // Every probe must reach the server: no cache may answer for it.
    response.headers.append("Cache-Control", "no-store");
    // The frame probe is shown inside the two attack pages; every other
    // goldfish page refuses to be framed (`frame-ancestors 'none'`, added
    // by `app::protect` when a response names no policy of its own). The
    // probe page has no form to trick anyone into.
    response.headers.append(
        "Content-Security-Policy",
        "frame-ancestors http://evil.localhost:* http://shop.goldfish.localhost:*",
    );
    response
}

/// What a navigation (link, form, frame) lands on: what arrived, and the
/// way back.
fn probe_page(
    ctx: &mut Ctx,
    status: Status,
    arrival: &Arrival,
    board: &str,
    recorded: bool,
) -> Reply {
    let mut came = String::new();
    for ((name, _), age) in COOKIES.iter().zip(arrival.ages) {
        let (flag, text) = match age {
            Some(a) => ("yes", format!("came ({a} s old)")),
            None => ("no", "did not come".to_string()),
        };
        came.push_str(&format!(
            "<li data-cookie=\"{name}\" data-sent=\"{flag}\"><code>{name}</code>: {text}</li>"
        ));
    }
    let back_host = if arrival.from == "shop" {
        Site::Shop.host_name()
    } else {
        Site::Evil.host_name()
    };
    let to = answer(ctx).name.clone();
    let back = url_on(ctx, back_host, &attack_query(board, &to));
    let board_url = format!("{COOKIE_PATH}?board={board}");
    Page::new("A request arrived", "sites-probe.html")
        .mark("ss_")
        .render_status(
            ctx,
            status,
            Vars::new()
                .text("via", arrival.via.label())
                .text("from", arrival.from)
                .text(
                    "fetch_site",
                    arrival
                        .fetch_site
                        .clone()
                        .unwrap_or_else(|| "(none)".into()),
                )
                .html("came", came)
                .text("back", back)
                .text("board", board_url)
                .text(
                    "recorded",
                    if recorded {
                        "It is on your board."
                    } else {
                        "There is no such board, so it was not recorded."
                    },
                ),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_site_comes_from_fetch_metadata_first() {
        let cases: &[(Option<&str>, &'static str, bool)] = &[
            (Some("same-site"), "evil", true),
            (Some("cross-site"), "shop", false),
            (Some("none"), "evil", true),
            (None, "shop", true),
            (None, "evil", false),
        ];
        for (site, from, want) in cases {
            let a = Arrival::for_test(Via::Link, from, *site, [None; 4]);
            assert_eq!(a.same_site(), *want, "Sec-Fetch-Site {site:?}, from {from}");
        }
    }
}

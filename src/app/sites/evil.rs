//! The other site's pages (`evil.localhost`), and the shop's copy of the
//! SameSite page.
//!
//! Nothing here is clever: a link, a form, an image, a frame and a fetch
//! aimed at goldfish are plain HTML any site can write. What makes them an
//! attack is only that the browser adds the learner's goldfish cookies —
//! or does not, which is the lesson.
//!
//! The pages aim at a goldfish host named in `?to=`: only one of the
//! lessons' own names is accepted (`www.goldfish.localhost`, `localhost`,
//! `127.0.0.1`, …), so these pages can never be made to point anywhere
//! else.

use super::host::{Site, SiteAnswer};
use super::samesite::COOKIE_PATH;
use super::{answer, cookie_list, csrf, lesson_cookies, looks_like_id};
use crate::app::pages::{self, Page};
use crate::app::{Ctx, Reply};
use crate::http::Status;
use crate::http::url::percent_encode;
use crate::template::Vars;

/// The goldfish host name a page aims at: `?to=` if it names one of the
/// lessons' hosts (without a port), else `www.goldfish.localhost`.
fn aim(to: Option<&str>) -> String {
    to.map(|t| SiteAnswer::from_authority(t, false))
        .filter(|a| a.site == Site::Lessons && a.known && a.port.is_none())
        .map_or_else(|| Site::Lessons.host_name().to_string(), |a| a.name)
}

/// The goldfish origin a page aims at: [`aim`], on this request's port.
fn target(ctx: &Ctx, to: Option<&str>) -> String {
    format!("http://{}{}", aim(to), answer(ctx).port_suffix())
}

/// `GET /` on evil.localhost — another site, and the cookies it gets.
pub fn home(ctx: &mut Ctx) -> Reply {
    let arrived = lesson_cookies(ctx);
    let goldfish = target(ctx, None);
    Page::new("evil.localhost — another site", "sites-evil.html").render(
        ctx,
        Vars::new()
            .html("arrived", cookie_list(&arrived, &[]))
            .text("goldfish", goldfish),
    )
}

/// `GET /samesite?board=ID&to=HOST` on evil.localhost or the shop — six
/// requests to goldfish's probe.
pub fn samesite(ctx: &mut Ctx) -> Reply {
    let query = ctx.query()?;
    let Some(board) = query.get("board").filter(|b| looks_like_id(b)) else {
        return Err(pages::lesson_error(
            ctx,
            Status::BAD_REQUEST,
            "This page needs a board: open it from the SameSite lesson (/sites/samesite on goldfish).",
        ));
    };
    let goldfish = target(ctx, query.get("to"));
    let me = answer(ctx).site;
    let from = if me == Site::Shop { "shop" } else { "evil" };
    let probe = |via: &str| {
        format!(
            "{goldfish}{COOKIE_PATH}/probe?board={}&via={via}&from={from}",
            percent_encode(board)
        )
    };
    let (title, who) = if me == Site::Shop {
        (
            "shop.goldfish.localhost — the same site",
            "This page is on <code>shop.goldfish.localhost</code>: another host, but the same \
             <em>site</em> as <code>www.goldfish.localhost</code> (both are under \
             <code>goldfish.localhost</code>).",
        )
    } else {
        (
            "evil.localhost — another site",
            "This page is on <code>evil.localhost</code>: another <em>site</em> altogether. It \
             cannot read goldfish's cookies, but it can make your browser send requests to goldfish.",
        )
    };
    Page::new(title, "sites-attack-samesite.html").render(
        ctx,
        Vars::new()
            .html("who", who)
            .text("link", probe("link"))
            .text("action", format!("{goldfish}{COOKIE_PATH}/probe"))
            .text("board", board)
            .text("from", from)
            .text("post", probe("post-form"))
            .text("img", probe("img"))
            .text("iframe", probe("iframe"))
            .text("fetch", probe("fetch"))
            .text("lesson", format!("{goldfish}{COOKIE_PATH}?board={board}")),
    )
}

/// `GET /csrf?to=HOST` on evil.localhost — forms that try to change the
/// learner's colour on goldfish, one per defence, plus login CSRF.
pub fn csrf(ctx: &mut Ctx) -> Reply {
    let query = ctx.query()?;
    let goldfish = target(ctx, query.get("to"));
    let mallory = csrf::mallory_key(ctx).map_err(|e| super::no_randomness(ctx, &e))?;
    let mallory_colour = csrf::mallory_colour(ctx);
    Page::new(
        "evil.localhost — change their colour",
        "sites-attack-csrf.html",
    )
    .render(
        ctx,
        Vars::new()
            .text("goldfish", goldfish.clone())
            .text("base", format!("{goldfish}{}", csrf::BASE))
            .text("mallory", mallory)
            .text("mallory_colour", mallory_colour)
            .text("lesson", format!("{goldfish}{}", csrf::BASE)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_lessons_hosts_can_be_aimed_at() {
        let cases: &[(Option<&str>, &str)] = &[
            (None, "www.goldfish.localhost"),
            (Some("www.goldfish.localhost"), "www.goldfish.localhost"),
            (Some("127.0.0.1"), "127.0.0.1"),
            (Some("LOCALHOST"), "localhost"),
            (Some("evil.localhost"), "www.goldfish.localhost"),
            (Some("shop.goldfish.localhost"), "www.goldfish.localhost"),
            (Some("example.com"), "www.goldfish.localhost"),
            (Some("127.0.0.1:22"), "www.goldfish.localhost"),
            (Some("x\"><script>"), "www.goldfish.localhost"),
        ];
        for (to, want) in cases {
            assert_eq!(aim(*to), *want, "aim({to:?})");
        }
    }
}

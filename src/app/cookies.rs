//! The cookie lessons: the lecture's round trip here, and the cookie lab
//! in [`lab`] (any cookie, any attributes, and what a browser does with it).
//!
//! The lecture's three routes keep their exact names:
//! `GET /cookie-form` → `GET /handle-form-cookie?fav_color=blue` (sets the
//! cookie) → `GET /later-cookie` (the browser brings it back).
//!
//! Request data never reaches a header or a page unescaped: a colour the
//! cookie grammar cannot hold (`a; HttpOnly`, a CR LF, `<script>`) is
//! percent-encoded before it goes into `Set-Cookie`, so it can never add
//! an attribute or a header line, and every page HTML-escapes it.

mod lab;

pub use lab::{LabRefusal, lab, lab_check, lab_delete, lab_refusal, lab_set};

use std::borrow::Cow;

use super::strategies::StrategyKey;

use super::pages::{self, Page};
use super::{Ctx, Reply};
use crate::cookie::{SetCookie, percent_decode_value, percent_encode_value};
use crate::http::Status;
use crate::template::Vars;

/// `GET /cookie-form` — asks for your favourite colour.
pub fn form(ctx: &mut Ctx) -> Reply {
    Page::new("A cookie round trip", "cookie-form.html")
        .flask("cookie-form")
        .facts(StrategyKey::Cookie)
        .render(ctx, Vars::new())
}

/// The cookie value for a colour: as typed when the cookie grammar allows
/// it, percent-encoded otherwise. The second item says whether it changed.
///
/// A `%` is encoded too, even though the grammar allows it: `/later-cookie`
/// decodes what it reads, so a colour typed as `a%20b` must travel as
/// `a%2520b`, or it would come back as `a b` (and share a cookie value with
/// the colour `a b`).
fn cookie_value(color: &str) -> (String, bool) {
    match SetCookie::new("fav_color", color).validate() {
        Ok(()) if !color.contains('%') => (color.to_string(), false),
        _ => (percent_encode_value(color), true),
    }
}

/// `GET /handle-form-cookie?fav_color=blue` — sets the `fav_color` cookie.
pub fn handle_form(ctx: &mut Ctx) -> Reply {
    let query = ctx.query()?;
    let Some(color) = query.get("fav_color") else {
        return Err(pages::lesson_error(
            ctx,
            Status::BAD_REQUEST,
            "The query parameter fav_color is missing: try /handle-form-cookie?fav_color=blue \
             (the form at /cookie-form sends it for you).",
        ));
    };
    let color = ctx.short("fav_color", color, "fav_color=blue")?;
    let (value, encoded) = cookie_value(color);
    let line = ctx
        .set_cookie(&SetCookie::new("fav_color", value.clone()).path("/"))
        .map_err(|e| {
            let why = format!("That colour cannot be stored: {e}");
            pages::lesson_error(ctx, Status::BAD_REQUEST, &why)
        })?;
    let note = if encoded {
        let vars = Vars::new().text("value", value.as_str());
        ctx.render("response-cookie-encoded.html", &vars)?
    } else {
        String::new()
    };
    let raw_query = ctx.req.query_string().unwrap_or("");
    Page::new("Cookie set", "response-cookie.html")
        .facts(StrategyKey::Cookie)
        .mark(raw_query)
        .render(
            ctx,
            Vars::new()
                .text("color", color)
                .text("set_cookie", line)
                .html("encoding_note", note),
        )
}

/// `GET /later-cookie` — what the browser brought back: the colour as
/// typed in the headline (what Flask's `request.cookies.get` would give),
/// the encoded bytes in a note.
pub fn later(ctx: &mut Ctx) -> Reply {
    let value = ctx.cookies().get("fav_color").map(str::to_string);
    let (color, encoded_note) = match value.as_deref() {
        None => (Cow::Borrowed("<unset>"), String::new()),
        // Only a value with a `%` in it decodes to something else.
        Some(raw) => match percent_decode_value(raw).filter(|_| raw.contains('%')) {
            Some(decoded) if decoded != raw => {
                let vars = Vars::new().text("raw", raw).text("color", decoded.as_str());
                let html = ctx.render("later-cookie-encoded.html", &vars)?;
                (Cow::Owned(decoded), html)
            }
            _ => (Cow::Borrowed(raw), String::new()),
        },
    };
    let origin = ctx.origin();
    Page::new("Cookie read", "later-cookie.html")
        .facts(StrategyKey::Cookie)
        .mark(ctx.cookie_pair("fav_color"))
        .render(
            ctx,
            Vars::new()
                .text("color", color.as_ref())
                .html("encoded_note", encoded_note)
                .text("origin", origin),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_value_encodes_what_the_grammar_or_decoding_cannot_take() {
        let cases: &[(&str, &str, &str, bool)] = &[
            ("a plain colour goes as typed", "blue", "blue", false),
            (
                "';' would add an attribute",
                "a; HttpOnly",
                "a%3B%20HttpOnly",
                true,
            ),
            ("CR LF would add a header line", "x\r\ny", "x%0D%0Ay", true),
            ("'%' would be decoded later", "a%20b", "a%2520b", true),
            ("a lone '%' too", "100%", "100%25", true),
        ];
        for (why, color, want, want_changed) in cases {
            let got = cookie_value(color);
            assert_eq!(
                got,
                (want.to_string(), *want_changed),
                "{why}: cookie_value({color:?}) = {got:?}; want ({want:?}, {want_changed})"
            );
            assert_eq!(
                percent_decode_value(&got.0).as_deref(),
                Some(*color),
                "{why}: the value must decode to the colour"
            );
        }
    }
}

//! `GET /static/…` — stylesheets, the lessons' scripts, the goldfish icon —
//! and `GET /favicon.ico`.

use std::borrow::Cow;

use super::pages;
use super::{Ctx, Reply};
use crate::http::{Response, Status};
use crate::www::StaticError;

/// Serves a file under `www/static/`. See [`crate::www`] for why nothing
/// outside that folder can be reached.
pub fn serve(ctx: &mut Ctx) -> Reply {
    // `segments[0]` is "static"; the rest name the file.
    let segments: Vec<&str> = ctx.segments[1..].iter().map(String::as_str).collect();
    match ctx.app.config.www.static_file(&segments) {
        Ok((bytes, content_type)) => Ok(file(ctx, bytes, content_type)),
        Err(StaticError::Forbidden { segment }) => Err(pages::error(
            &ctx.app.config.www,
            ctx.req,
            Status::FORBIDDEN,
            &format!(
                "{segment:?} is not allowed in a static file path: `..`, `.`, empty segments, \
                 encoded slashes and dot-files could reach outside www/static."
            ),
        )),
        Err(StaticError::NotFound) => Err(pages::not_found(&ctx.app.config.www, ctx.req)),
    }
}

/// `GET /favicon.ico` — browsers ask for it on their own; it is the same
/// SVG goldfish as `/static/goldfish.svg` (the brand mark on every page),
/// so no page logs a 404.
pub fn favicon(ctx: &mut Ctx) -> Reply {
    match ctx.app.config.www.static_file(&["goldfish.svg"]) {
        Ok((bytes, content_type)) => Ok(file(ctx, bytes, content_type)),
        Err(_) => Err(pages::not_found(&ctx.app.config.www, ctx.req)),
    }
}

/// A static file's answer: the bytes with an `ETag`, or `304` when the
/// browser already holds them.
fn file(ctx: &Ctx, bytes: Cow<'static, [u8]>, content_type: &'static str) -> Response {
    let tag = etag(&bytes);
    // `no-cache` is "store it, but ask me before each use": files
    // from disk (`--www`) change as you edit them. Asking costs
    // little: the browser sends the tag back, and an unchanged
    // file is a `304` with no body (RFC 9110 §13.1.2, §15.4.5).
    let unchanged = ctx
        .req
        .header("if-none-match")
        .is_some_and(|v| none_match_fails(v, &tag));
    let mut r = Response::new(if unchanged {
        Status::NOT_MODIFIED
    } else {
        Status::OK
    });
    if !unchanged {
        r.headers.append("Content-Type", content_type);
    }
    r.headers.append("ETag", tag);
    r.headers.append("Cache-Control", "no-cache");
    if !unchanged {
        r.body = bytes.into_owned();
    }
    r
}

/// A strong entity tag for a file's bytes (RFC 9110 §8.8.3): the first 16
/// bytes of their SHA-256, in hex and quotes. The same bytes always get
/// the same tag, so it survives restarts, and any edit changes it.
fn etag(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// `If-None-Match` (RFC 9110 §13.1.2): does the client's list name the
/// current `tag`? Then the condition is false and the answer is `304`.
/// The comparison is the weak one (a `W/` prefix is ignored), and `*`
/// matches any current representation.
fn none_match_fails(field: &str, tag: &str) -> bool {
    field
        .split(',')
        .map(str::trim)
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly() {
        let tag = etag(b"body{}");
        let cases: &[(String, bool, &str)] = &[
            (tag.clone(), true, "the same tag: 304"),
            (format!("W/{tag}"), true, "weak comparison ignores W/"),
            (format!("\"0000\", {tag}"), true, "any tag of the list"),
            ("*".into(), true, "* matches any current file"),
            ("\"0000\"".into(), false, "another tag: send the file"),
            (
                tag.trim_matches('"').into(),
                false,
                "an unquoted tag is not the tag",
            ),
        ];
        for (field, want, why) in cases {
            let got = none_match_fails(field, &tag);
            assert_eq!(
                got, *want,
                "{why}: none_match_fails({field:?}) = {got}; want {want}"
            );
        }
        assert_ne!(etag(b"a"), etag(b"b"));
        assert_eq!(etag(b"a").len(), 34);
    }
}

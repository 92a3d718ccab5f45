//! `GET /static/…` — stylesheets and the lessons' scripts.

use super::Ctx;
use super::pages;
use crate::http::{Response, Status};
use crate::www::StaticError;

/// Serves a file under `www/static/`. See [`crate::www`] for why nothing
/// outside that folder can be reached.
pub fn serve(ctx: &mut Ctx) -> Response {
    // `segments[0]` is "static"; the rest name the file.
    let segments: Vec<&str> = ctx.segments[1..].iter().map(String::as_str).collect();
    match ctx.app.config.www.static_file(&segments) {
        Ok((bytes, content_type)) => {
            let mut r = Response::new(Status::OK);
            r.headers.append("Content-Type", content_type);
            // Embedded files change only with a new binary; from disk
            // (`--www`), they change as you edit, so don't cache them.
            r.headers.append("Cache-Control", "no-cache");
            r.body = bytes.into_owned();
            r
        }
        Err(StaticError::Forbidden { segment }) => pages::error(
            ctx.req,
            Status::FORBIDDEN,
            &format!(
                "{:?} is not allowed in a static file path: `..`, `.`, empty segments, \
                 encoded slashes and dot-files could reach outside www/static.",
                segment
            ),
        ),
        Err(StaticError::NotFound) => pages::not_found(ctx.req),
    }
}

//! `POST /reset` — the classroom browser back to zero.
//!
//! One button in every page's footer instead of five pages of Delete and
//! Clear buttons: the answer carries `Clear-Site-Data: "cookies",
//! "storage"` (W3C Clear Site Data §3.1), which asks the browser to drop
//! every cookie of this site and its stored data (localStorage, IndexedDB
//! and the like), then sends it back to `/` with a `303`.
//! `tests/browser/course.mjs` checks that Chromium does, on a redirect.
//!
//! Browsers honour the header only from a secure context: HTTPS, or a
//! loopback host such as `127.0.0.1` and `localhost`, where goldfish runs.
//! It is a request to the browser, like `Set-Cookie`: curl ignores it, and
//! the server's own stores keep whatever they hold until it expires.

use super::{Ctx, Reply};
use crate::http::Response;

/// `POST /reset` → `303 See Other`, `Location: /`.
// It cannot fail, but every handler has the one type `HandlerFn`.
#[allow(clippy::unnecessary_wraps)]
pub fn reset(_ctx: &mut Ctx) -> Reply {
    Ok(Response::see_other("/").with_header("Clear-Site-Data", "\"cookies\", \"storage\""))
}

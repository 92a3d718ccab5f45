//! A session cookie taken apart, as HTML: its three parts, and, when it is
//! compressed, every step from the leading `.` to the JSON.
//!
//! Nothing here needs the key: reading a cookie is open to anyone. Every
//! string that came from the cookie is escaped.

use std::time::SystemTime;

use crate::app::Ctx;
use crate::http::date::{imf_fixdate, unix_seconds};
use crate::session::json::MAX_JSON_BYTES;
use crate::session::signer::{self, CookieParts, timestamp_to_time};
use crate::session::{Digest, zlib};
use crate::template::Vars;
use crate::www::PageError;

/// The three parts, in a table, and what compression did (or would do).
///
/// # Errors
/// A template is missing or broken (`www/templates/session-anatomy*.html`).
pub fn anatomy_html(
    ctx: &Ctx,
    value: &str,
    digest: Digest,
    now: SystemTime,
) -> Result<String, PageError> {
    let parts = match signer::split(value) {
        Ok(parts) => parts,
        Err(e) => {
            let vars = Vars::new().text("why", e.to_string());
            return ctx.render("session-anatomy-broken.html", &vars);
        }
    };
    let signed_at = timestamp_to_time(parts.timestamp);
    let age = unix_seconds(now) - unix_seconds(signed_at);
    let hex: String = parts.signature.iter().map(|b| format!("{b:02x}")).collect();
    let json = match parts.json() {
        Ok(json) => String::from_utf8_lossy(&json).into_owned(),
        Err(e) => format!("(compressed, and does not inflate: {e})"),
    };
    let length_says = match Digest::from_tag_len(parts.signature.len()) {
        Some(d) if d == digest => format!("{d}, what this server checks"),
        Some(d) => format!("{d}; this server checks {digest}"),
        None => format!("not a whole {digest} tag"),
    };
    let compression = compression_html(ctx, &parts)?;
    let vars = Vars::new()
        .text("payload_b64", parts.payload_b64.as_str())
        .text("json", json)
        .text("timestamp_b64", parts.timestamp_b64.as_str())
        .text("timestamp", parts.timestamp.to_string())
        .text("signed_at", imf_fixdate(signed_at))
        .text("age", age.to_string())
        .text("signature_b64", parts.signature_b64.as_str())
        .text("hex", hex)
        .text("signature_len", parts.signature.len().to_string())
        .text("length_says", length_says)
        .html("compression", compression);
    ctx.render("session-anatomy.html", &vars)
}

/// itsdangerous' rule, and what it decided for this payload: the steps
/// from `.` to JSON for a compressed one, the sizes for a plain one.
fn compression_html(ctx: &Ctx, parts: &CookieParts) -> Result<String, PageError> {
    if !parts.compressed {
        let json = &parts.payload;
        let zlib_len = zlib::compress(json).len();
        let verdict = if zlib_len < json.len().saturating_sub(1) {
            "at least two bytes shorter, so itsdangerous' rule would have compressed it: \
             whatever signed this cookie does not follow that rule"
        } else {
            "not at least two bytes shorter, so it travels as plain base64url"
        };
        let vars = Vars::new()
            .text("json_len", json.len().to_string())
            .text("zlib_len", zlib_len.to_string())
            .text("verdict", verdict);
        return ctx.render("session-anatomy-plain.html", &vars);
    }
    let stream = &parts.payload;
    let base64 = parts.payload_b64.trim_start_matches('.');
    let inflated = match zlib::decompress(stream, MAX_JSON_BYTES) {
        Ok(d) => {
            let check = u32::from(d.header.cmf) * 256 + u32::from(d.header.flg);
            let blocks: Vec<&str> = d.blocks.iter().map(|b| b.name()).collect();
            let vars = Vars::new()
                .text("cmf", format!("{:02x}", d.header.cmf))
                .text("flg", format!("{:02x}", d.header.flg))
                .text("method", d.header.method().to_string())
                .text("window_kib", (d.header.window() / 1024).to_string())
                .text("level", d.header.level().to_string())
                .text("check_hex", format!("{check:04x}"))
                .text("check", check.to_string())
                .text("check_31", (check / 31).to_string())
                .text("deflate_len", (stream.len() - 6).to_string())
                .text("block_count", d.blocks.len().to_string())
                .text("blocks", blocks.join(", "))
                .text("adler32", format!("{:08x}", d.adler32))
                .text("json_len", d.data.len().to_string())
                .text("json", String::from_utf8_lossy(&d.data))
                .text("stream_len", stream.len().to_string())
                .text("cookie_len", parts.payload_b64.len().to_string())
                .text(
                    "base64_would_be",
                    (4 * d.data.len()).div_ceil(3).to_string(),
                );
            ctx.render("session-anatomy-inflated.html", &vars)?
        }
        Err(e) => {
            let vars = Vars::new()
                .text("why", e.to_string())
                .text("max", MAX_JSON_BYTES.to_string());
            ctx.render("session-anatomy-not-inflated.html", &vars)?
        }
    };
    let vars = Vars::new()
        .text("base64", shorten(base64, 24))
        .text("base64_len", base64.len().to_string())
        .text("stream_len", stream.len().to_string())
        .html("inflated", inflated);
    ctx.render("session-anatomy-compressed.html", &vars)
}

/// How the session cookie travels now, in one paragraph, for `/responses`:
/// plain or compressed, and the sizes that decided it (empty when the
/// cookie cannot be read).
///
/// # Errors
/// A template is missing or broken (`www/templates/responses-cookie*.html`).
pub fn cookie_form_html(ctx: &Ctx, value: &str) -> Result<String, PageError> {
    let Ok(parts) = signer::split(value) else {
        return Ok(String::new());
    };
    let Ok(json) = parts.json() else {
        return Ok(String::new());
    };
    let zlib_len = if parts.compressed {
        parts.payload.len()
    } else {
        zlib::compress(&json).len()
    };
    let sizes = Vars::new()
        .text("json_len", json.len().to_string())
        .text("zlib_len", zlib_len.to_string());
    let form = if parts.compressed {
        ctx.render("responses-cookie-compressed.html", &sizes)?
    } else {
        ctx.render("responses-cookie-plain.html", &sizes)?
    };
    // The clause sits inside a sentence: no line break before its period.
    let vars = Vars::new()
        .text("payload_len", parts.payload_b64.len().to_string())
        .html("form", form.trim_end());
    ctx.render("responses-cookie-form.html", &vars)
}

/// The first `n` characters, and `…` if there were more.
fn shorten(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

//! A session cookie taken apart, as HTML: its three parts, and, when it is
//! compressed, every step from the leading `.` to the JSON.
//!
//! Nothing here needs the key: reading a cookie is open to anyone. Every
//! string that came from the cookie is escaped.

use std::time::SystemTime;

use crate::http::date::{imf_fixdate, unix_seconds};
use crate::session::json::MAX_JSON_BYTES;
use crate::session::signer::{self, CookieParts, timestamp_to_time};
use crate::session::{Digest, zlib};
use crate::template::escape;

/// The three parts, in a table, and what compression did (or would do).
pub fn anatomy_html(value: &str, digest: Digest, now: SystemTime) -> String {
    let parts = match signer::split(value) {
        Ok(parts) => parts,
        Err(e) => {
            return format!(
                "<p class=\"card bad\">This value cannot even be taken apart: {}</p>",
                escape(&e.to_string())
            );
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
    format!(
        "<table class=\"anatomy\"><tr><th>part</th><th>as sent (base64url)</th><th>decoded</th></tr>\
         <tr><td>payload</td><td><code>{}</code></td><td><code>{}</code></td></tr>\
         <tr><td>timestamp</td><td><code>{}</code></td><td>{} = {} ({age} seconds ago)</td></tr>\
         <tr><td>signature</td><td><code>{}</code></td><td><code>{hex}</code> ({} bytes: {length_says})</td></tr>\
         </table>\n{}",
        escape(&parts.payload_b64),
        escape(&json),
        escape(&parts.timestamp_b64),
        parts.timestamp,
        imf_fixdate(signed_at),
        escape(&parts.signature_b64),
        parts.signature.len(),
        compression_html(&parts),
    )
}

/// itsdangerous' rule, and what it decided for this payload: the steps
/// from `.` to JSON for a compressed one, the sizes for a plain one.
fn compression_html(parts: &CookieParts) -> String {
    if !parts.compressed {
        let json = &parts.payload;
        let zlib_len = zlib::compress(json).len();
        let verdict = if zlib_len < json.len().saturating_sub(1) {
            "at least two bytes shorter, so itsdangerous' rule would have compressed it: \
             whatever signed this cookie does not follow that rule"
        } else {
            "not at least two bytes shorter, so it travels as plain base64url"
        };
        return format!(
            "<h3>Compressed? No</h3>\n<p>The payload has no leading <code>.</code>: it is plain \
             base64url of {} bytes of JSON. zlib would make those {zlib_len} bytes: {verdict}. \
             (itsdangerous' rule, and goldfish's: compress when <code>len(compressed) &lt; \
             len(json) - 1</code>.) Add a few answers on <a href=\"/responses\">/responses</a> and \
             the session cookie changes form.</p>",
            json.len()
        );
    }
    let stream = &parts.payload;
    let base64 = parts.payload_b64.trim_start_matches('.');
    let mut steps = vec![
        "<code>.</code> — the first character marks a compressed payload (itsdangerous' \
         convention, and it is part of what the signature covers)."
            .to_string(),
        format!(
            "<code>{}</code> — base64url ({} characters) of {} bytes: a zlib stream.",
            escape(&shorten(base64, 24)),
            base64.len(),
            stream.len()
        ),
    ];
    match zlib::decompress(stream, MAX_JSON_BYTES) {
        Ok(d) => {
            let check = u32::from(d.header.cmf) * 256 + u32::from(d.header.flg);
            let blocks: Vec<&str> = d.blocks.iter().map(|b| b.name()).collect();
            steps.push(format!(
                "<code>{:02x} {:02x}</code> — the zlib header (RFC 1950 §2.2): compression method \
                 {} (DEFLATE) with a {} KiB window, level \"{}\"; 0x{check:04x} = {check} = 31 × {}, \
                 the check that makes two bytes a header.",
                d.header.cmf,
                d.header.flg,
                d.header.method(),
                d.header.window() / 1024,
                d.header.level(),
                check / 31
            ));
            steps.push(format!(
                "{} bytes of DEFLATE data (RFC 1951): {} block(s), {} — literal bytes and \
                 back-references (\"copy 5 bytes from 12 back\") in Huffman codes.",
                stream.len() - 6,
                d.blocks.len(),
                blocks.join(", ")
            ));
            steps.push(format!(
                "<code>{:08x}</code> — the Adler-32 checksum of what the data inflates to \
                 (RFC 1950 §8.2): it matches.",
                d.adler32
            ));
            steps.push(format!(
                "Inflated: {} bytes of JSON, <code>{}</code>.",
                d.data.len(),
                escape(&String::from_utf8_lossy(&d.data))
            ));
            steps.push(format!(
                "Sizes: {} bytes of JSON became {} bytes of zlib, and {} characters in the cookie \
                 with the dot; as plain base64url the JSON would take {}.",
                d.data.len(),
                stream.len(),
                parts.payload_b64.len(),
                (4 * d.data.len()).div_ceil(3)
            ));
        }
        Err(e) => steps.push(format!(
            "It does not inflate: {} (goldfish stops at {MAX_JSON_BYTES} bytes of output).",
            escape(&e.to_string())
        )),
    }
    let items: String = steps.iter().map(|s| format!("<li>{s}</li>")).collect();
    format!(
        "<h3>Compressed? Yes: from the dot to the JSON</h3>\n<ol class=\"steps\">{items}</ol>\n\
         <p class=\"note\">goldfish compresses by the same rule as itsdangerous, with its own \
         deflater (RFC 1951, written by hand). Its zlib bytes are not always those of Python's \
         zlib — the RFC lets every compressor choose its own — but both inflate to the same JSON, \
         and Flask reads goldfish's as goldfish reads Flask's.</p>"
    )
}

/// How the session cookie travels now, in one paragraph, for `/responses`:
/// plain or compressed, and the sizes that decided it.
pub fn cookie_form_html(value: &str) -> String {
    let Ok(parts) = signer::split(value) else {
        return String::new();
    };
    let Ok(json) = parts.json() else {
        return String::new();
    };
    let zlib_len = if parts.compressed {
        parts.payload.len()
    } else {
        zlib::compress(&json).len()
    };
    let (form, class) = if parts.compressed {
        (
            format!(
                "<strong>compressed</strong>: it starts with <code>.</code>, and {} bytes of \
                 JSON travel as {zlib_len} bytes of zlib",
                json.len()
            ),
            "card",
        )
    } else {
        (
            format!(
                "<strong>plain</strong>: {} bytes of JSON as base64url; zlib would make them \
                 {zlib_len} bytes, which is not at least two bytes shorter",
                json.len()
            ),
            "card",
        )
    };
    format!(
        "<p class=\"{class}\">Your session cookie's payload is {} characters, {form}. \
         <a href=\"/session\">Take it apart</a>.</p>",
        parts.payload_b64.len()
    )
}

/// The first `n` characters, and `…` if there were more.
fn shorten(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

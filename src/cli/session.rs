//! `goldfish session decode|sign`: a session cookie on the command line.
//!
//! ```text
//! $ goldfish session decode 'eyJmYXZfbnVtYmVyIjo0Mn0.aSYCow.XTZe0hAixsAev5ZQ3zCpnZKv7vEyUfSa8_pUPXmS7io'
//! payload    eyJmYXZfbnVtYmVyIjo0Mn0
//!            {"fav_number":42}
//! timestamp  aSYCow
//!            1764098723 = Tue, 25 Nov 2025 19:25:23 GMT (10 seconds ago)
//! signature  XTZe0hAixsAev5ZQ3zCpnZKv7vEyUfSa8_pUPXmS7io
//!            32 bytes
//! verdict    valid: signed with the current SECRET_KEY
//! ```
//!
//! The point of the first three lines: they need no key. A signed cookie is
//! *readable by anyone*; the key only decides whether the server believes it.
//!
//! Everything here is a pure function of its arguments (no environment, no
//! clock, no printing), so it is tested like the codecs. `main.rs` passes
//! the words after `goldfish session`, `SECRET_KEY`, `SECRET_KEY_FALLBACKS`
//! and the time, prints the text (to stdout for exit codes 0 and 1, to
//! stderr for 2), and exits with the code:
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | `decode`: a server with this key would accept the cookie; `sign`: done |
//! | 1 | `decode`: the cookie was read but would be refused (bad signature, expired, not a dictionary), or there is no SECRET_KEY to check it with |
//! | 2 | bad input: unknown command, malformed cookie or JSON, `sign` without SECRET_KEY |

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::http::date::{imf_fixdate, unix_seconds};
use crate::session::json::MAX_JSON_BYTES;
use crate::session::signer::{self, Digest, Signer, timestamp_to_time};
use crate::session::{PERMANENT_SESSION_LIFETIME, Value, from_json, to_json, zlib};

/// The help text, also shown after a usage error.
pub const USAGE: &str = "\
usage: goldfish session decode [--max-age SECONDS] [--digest sha1|sha256] COOKIE
       goldfish session sign [--digest sha1|sha256] JSON
COOKIE may be the bare value, NAME=VALUE, or a whole Set-Cookie line.
decode checks the signature with SECRET_KEY and SECRET_KEY_FALLBACKS, and
the age against --max-age (default: 31 days, Flask's PERMANENT_SESSION_LIFETIME).
It tells the digest from the signature's length: 20 bytes is HMAC-SHA1 (a
stock Flask app), 32 is HMAC-SHA256 (goldfish); --digest says it outright.
sign prints a cookie value for JSON (an object), signed now with SECRET_KEY,
with HMAC-SHA256 unless --digest sha1.
";

/// Runs `goldfish session ARGS…` and returns (text to print, exit code).
///
/// # Examples
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use goldfish::cli::session::run;
/// let now = UNIX_EPOCH + Duration::from_secs(1_764_098_723);
/// let args = ["sign".to_string(), r#"{"fav_number": 42}"#.to_string()];
/// let (out, code) = run(&args, Some(b"SHHHHHHHHHHH SEEKRIT"), &[], now);
/// assert_eq!(code, 0);
/// assert_eq!(out, "eyJmYXZfbnVtYmVyIjo0Mn0.aSYCow.XTZe0hAixsAev5ZQ3zCpnZKv7vEyUfSa8_pUPXmS7io\n");
/// ```
#[must_use]
pub fn run(
    args: &[String],
    secret: Option<&[u8]>,
    fallbacks: &[Vec<u8>],
    now: SystemTime,
) -> (String, i32) {
    let Some((command, rest)) = args.split_first() else {
        return (format!("error: unknown command\n{USAGE}"), 2);
    };
    if matches!(command.as_str(), "help" | "--help" | "-h") && rest.is_empty() {
        return (USAGE.to_owned(), 0);
    }
    if !matches!(command.as_str(), "decode" | "sign") {
        return (format!("error: unknown command\n{USAGE}"), 2);
    }
    let options = match Options::parse(rest) {
        Ok(options) => options,
        Err(e) => return bad_input(&e.to_string()),
    };
    let keys = secret.map(|secret| Keys { secret, fallbacks });
    match (command.as_str(), options) {
        (
            "decode",
            Options {
                max_age,
                digest,
                input,
            },
        ) => decode(&input, keys, digest, max_age, now),
        (
            "sign",
            Options {
                max_age: None,
                digest,
                input,
            },
        ) => sign(&input, keys, digest.unwrap_or_default(), now),
        _ => bad_input("--max-age is for decode; sign always signs now"),
    }
}

/// `SECRET_KEY` and `SECRET_KEY_FALLBACKS`, before a digest is chosen.
#[derive(Clone, Copy)]
struct Keys<'a> {
    secret: &'a [u8],
    fallbacks: &'a [Vec<u8>],
}

impl Keys<'_> {
    fn signer(self, digest: Digest) -> Signer {
        Signer::with_digest(digest, self.secret, self.fallbacks)
    }
}

/// Words after `decode` or `sign` that say nothing it can do.
#[derive(Debug, Clone, PartialEq, Eq)]
enum OptionsError {
    /// `--max-age` without a whole number of seconds after it.
    MaxAge { found: String },
    /// `--digest` without `sha1` or `sha256` after it.
    Digest { found: String },
    /// Not exactly one COOKIE or JSON.
    Inputs { found: usize },
}

impl fmt::Display for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionsError::MaxAge { found } => write!(
                f,
                "--max-age needs a whole number of seconds, e.g. --max-age 3600 \
                 (found {found:?})"
            ),
            OptionsError::Digest { found } => write!(
                f,
                "--digest is sha1 (a stock Flask app) or sha256 (goldfish), not {found:?}"
            ),
            OptionsError::Inputs { found } => write!(
                f,
                "give exactly one COOKIE or JSON, quoted as one word (found {found})\n{USAGE}"
            ),
        }
    }
}

/// The flags of `decode` and `sign`, and the one word they act on.
struct Options {
    max_age: Option<Duration>,
    digest: Option<Digest>,
    input: String,
}

impl Options {
    fn parse(words: &[String]) -> Result<Options, OptionsError> {
        let mut options = Options {
            max_age: None,
            digest: None,
            input: String::new(),
        };
        let mut inputs = Vec::new();
        let mut words = words.iter();
        while let Some(word) = words.next() {
            match word.as_str() {
                "--max-age" => {
                    let seconds = words.next().map_or("", String::as_str);
                    let s = seconds.parse::<u64>().map_err(|_| OptionsError::MaxAge {
                        found: seconds.to_string(),
                    })?;
                    options.max_age = Some(Duration::from_secs(s));
                }
                "--digest" => {
                    let name = words.next().map_or("", String::as_str);
                    let digest = Digest::parse(name).ok_or_else(|| OptionsError::Digest {
                        found: name.to_string(),
                    })?;
                    options.digest = Some(digest);
                }
                _ => inputs.push(word.clone()),
            }
        }
        match <[String; 1]>::try_from(inputs) {
            Ok([input]) => {
                options.input = input;
                Ok(options)
            }
            Err(inputs) => Err(OptionsError::Inputs {
                found: inputs.len(),
            }),
        }
    }
}

/// A one-line error, exit code 2.
fn bad_input(message: &str) -> (String, i32) {
    (format!("error: {message}\n"), 2)
}

/// `decode COOKIE`: show the three parts, then the verdict.
fn decode(
    input: &str,
    keys: Option<Keys>,
    digest: Option<Digest>,
    max_age: Option<Duration>,
    now: SystemTime,
) -> (String, i32) {
    let max_age = max_age.unwrap_or(PERMANENT_SESSION_LIFETIME);
    let cookie = cookie_value(input);
    let parts = match signer::split(cookie) {
        Ok(parts) => parts,
        Err(error) => return bad_input(&error.to_string()),
    };

    let mut out = String::new();
    // 1. The payload: anyone can read it, compressed or not.
    line(&mut out, "payload", &parts.payload_b64);
    let json = if parts.compressed {
        inflate_steps(&mut out, &parts.payload)
    } else {
        Some(parts.payload.clone())
    };
    if let Some(json) = json {
        let text = String::from_utf8_lossy(&json);
        line(&mut out, "", &text);
        if let Err(error) = from_json(&text) {
            line(&mut out, "", &format!("(not valid JSON: {error})"));
        }
    }
    // 2. The timestamp: anyone can read it too.
    let age = i128::from(unix_seconds(now)) - i128::from(parts.timestamp);
    line(&mut out, "timestamp", &parts.timestamp_b64);
    line(
        &mut out,
        "",
        &format!(
            "{} = {} ({})",
            parts.timestamp,
            imf_fixdate(timestamp_to_time(parts.timestamp)),
            describe_age(age)
        ),
    );
    // 3. The signature: its length tells the digest; only a key holder
    //    can say if it is right.
    let (digest, how) = match (digest, Digest::from_tag_len(parts.signature.len())) {
        (Some(given), _) => (given, "as --digest says"),
        (None, Some(Digest::Sha1)) => (Digest::Sha1, "Flask's default digest"),
        (None, Some(Digest::Sha256)) => (Digest::Sha256, "goldfish's default digest"),
        (None, None) => (
            Digest::default(),
            "neither HMAC-SHA1 (20) nor HMAC-SHA256 (32)",
        ),
    };
    line(&mut out, "signature", &parts.signature_b64);
    let size = parts.signature.len();
    if Digest::from_tag_len(size).is_some() && digest.tag_len() == size {
        line(&mut out, "", &format!("{size} bytes: {digest} ({how})"));
    } else {
        line(&mut out, "", &format!("{size} bytes: {how}"));
    }

    let Some(keys) = keys else {
        line(
            &mut out,
            "verdict",
            "unchecked: the signature can't be checked without SECRET_KEY \
             (reading needs no key; only signing and checking do)",
        );
        return (out, 1);
    };
    match keys.signer(digest).unsign(cookie, Some(max_age), now) {
        Ok(unsigned) => {
            line(
                &mut out,
                "verdict",
                &format!("valid: signed with {} ({digest})", unsigned.key),
            );
            (out, 0)
        }
        Err(error) => {
            line(&mut out, "verdict", &format!("refused: {error}"));
            (out, 1)
        }
    }
}

/// The steps from a compressed payload to its JSON, one line each; the
/// JSON, if it inflates.
fn inflate_steps(out: &mut String, stream: &[u8]) -> Option<Vec<u8>> {
    line(
        out,
        "",
        &format!(
            "the leading '.' means zlib-compressed; base64url gives {} bytes of zlib",
            stream.len()
        ),
    );
    match zlib::decompress(stream, MAX_JSON_BYTES) {
        Ok(d) => {
            let blocks: Vec<&str> = d.blocks.iter().map(|b| b.name()).collect();
            line(
                out,
                "",
                &format!(
                    "zlib header {:02x} {:02x}: DEFLATE, {} KiB window, {} level; {} block(s): {}; \
                     Adler-32 {:08x}",
                    d.header.cmf,
                    d.header.flg,
                    d.header.window() / 1024,
                    d.header.level(),
                    d.blocks.len(),
                    blocks.join(", "),
                    d.adler32
                ),
            );
            line(
                out,
                "",
                &format!(
                    "inflated: {} bytes of JSON from {}",
                    d.data.len(),
                    stream.len()
                ),
            );
            Some(d.data)
        }
        Err(error) => {
            line(out, "", &format!("(does not inflate: {error})"));
            None
        }
    }
}

/// `sign JSON`: the cookie value for a dictionary, signed now.
fn sign(json: &str, keys: Option<Keys>, digest: Digest, now: SystemTime) -> (String, i32) {
    let Some(keys) = keys else {
        return bad_input("signing needs a key: set SECRET_KEY in the environment");
    };
    let signer = keys.signer(digest);
    match from_json(json) {
        // Re-encode: the signature must cover the canonical bytes the
        // server itself would write, not the user's spacing.
        Ok(map @ Value::Map(_)) => (format!("{}\n", signer.sign(&to_json(&map), now)), 0),
        Ok(other) => bad_input(&format!(
            "a session is a JSON object, e.g. {{\"fav_number\":42}}; found a {}",
            other.type_name()
        )),
        Err(error) => bad_input(&error.to_string()),
    }
}

/// Accepts what a learner is likely to paste: the value, `NAME=VALUE`, or a
/// whole `Set-Cookie` line (`session=VALUE; HttpOnly; Path=/`). A cookie
/// value never contains `=` or `;` (base64url has neither), so cutting at
/// them is safe.
fn cookie_value(input: &str) -> &str {
    let input = input.trim();
    let input = input
        .strip_prefix("Set-Cookie:")
        .unwrap_or(input)
        .trim_start();
    let before_attributes = input.split(';').next().unwrap_or(input);
    match before_attributes.split_once('=') {
        Some((_name, value)) => value.trim(),
        None => before_attributes.trim(),
    }
}

/// One labelled line: the label in a 10-column gutter.
fn line(out: &mut String, label: &str, text: &str) {
    out.push_str(&format!("{label:<10} {text}\n"));
}

/// "10 seconds ago", "3 days ago", "5 minutes in the future".
fn describe_age(age: i128) -> String {
    let span = human_span(age.unsigned_abs());
    if age < 0 {
        format!("{span} in the future")
    } else {
        format!("{span} ago")
    }
}

/// A duration in the largest unit that keeps the number at least 2.
fn human_span(seconds: u128) -> String {
    let (n, unit) = match seconds {
        s if s < 120 => (s, "second"),
        s if s < 120 * 60 => (s / 60, "minute"),
        s if s < 48 * 3600 => (s / 3600, "hour"),
        s => (s / 86_400, "day"),
    };
    let plural = if n == 1 { "" } else { "s" };
    format!("{n} {unit}{plural}")
}

#[cfg(test)]
mod tests;

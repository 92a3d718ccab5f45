//! Sessions: the "magic dictionary", and the cookie that carries it.
//!
//! HTTP is a goldfish: each request arrives on its own, and nothing in the
//! protocol says two requests came from the same person. A *session* is the
//! illusion that they did: a handler writes `session['fav_number'] = 42`,
//! and a later request reads `42` back.
//!
//! ## Two meanings of "session"
//! - A **browser session** lasts until the browser is closed. A cookie
//!   without `Expires` or `Max-Age` is a *session cookie* (RFC 6265 §4.1.2):
//!   the browser forgets it then.
//! - The **server's session** is the dictionary a handler sees. It can
//!   outlive a browser session (Flask's `session.permanent = True` adds an
//!   `Expires` date) or end sooner (logging out clears it).
//!
//! This module is about the second, stored in the first kind of cookie.
//!
//! ## Where the dictionary lives: in the cookie
//! Flask, and goldfish, keep the whole dictionary *in the cookie*. At the
//! end of a request the dictionary is written as JSON, signed, and sent in
//! `Set-Cookie`; the browser returns it in `Cookie` with every request, and
//! the server reads it back. The value has three dot-separated parts, each
//! base64url without padding (RFC 4648 §5):
//!
//! ```text
//! eyJmYXZfbnVtYmVyIjo0Mn0.aSYCow.XTZe0hAixsAev5ZQ3zCpnZKv7vEyUfSa8_pUPXmS7io
//! payload                 time   signature
//! {"fav_number":42}       2025-  HMAC-SHA256(key, "eyJmYXZfbnVtYmVyIjo0Mn0.aSYCow")
//!                         11-25
//! ```
//!
//! That is itsdangerous' `URLSafeTimedSerializer` (the library behind
//! Flask's session) with SHA-256, so a Flask app with the same `SECRET_KEY`,
//! set to SHA-256, reads goldfish's cookies and the other way round. A
//! stock Flask app signs with SHA-1 instead; goldfish does that too when
//! started with `--session-digest sha1` ([`Digest`]), and `goldfish session
//! decode` tells the two apart by the signature's length.
//!
//! ## Compressed when that is shorter
//! Like itsdangerous, goldfish zlib-compresses the JSON when that saves at
//! least two bytes (`len(compressed) < len(json) - 1`), and marks such a
//! payload with a leading dot: `.eJyrVipKLS7I…` (`eJ` is base64 of zlib's
//! `78 9c` header). A list of three equal answers already compresses; the
//! lecture's `{"fav_number":42}` does not. [`zlib`] is RFC 1950/1951 by
//! hand, inflating only verified payloads and never past the 64 KiB a
//! session may hold ([`json::MAX_JSON_BYTES`]).
//!
//! ## Python's values, not only JSON's
//! A Flask session holds Python values, and goldfish keeps every one Flask
//! can write, so that a goldfish write leaves Flask's data as it was:
//! integers of any size ([`value::BigInt`] keeps the digits), strings with
//! lone surrogates ([`PyStr`], a Python `str` rather than a Rust `String`),
//! `NaN` and `Infinity`, and Flask's tags (below), up to 64 KiB of JSON
//! nested 64 deep.
//!
//! ## Signed is not encrypted
//! Anyone who has the cookie can base64-decode the payload and read
//! `{"fav_number":42}`; `goldfish session decode` does it without a key.
//! What they cannot do is *change* it: the signature is an HMAC (RFC 2104)
//! keyed with a secret only the server knows, and a cookie whose signature
//! does not match is thrown away. So a session may hold a user id or a
//! cart, but never a password or anything the user must not see; for that,
//! keep the data on the server and put only an id in the cookie (the
//! `/server-session` lesson).
//!
//! ## What this module leaves out
//! - I/O. Reading `Cookie` and writing `Set-Cookie` is `cookie/`'s job;
//!   when to load and save a session is the app's; where server-side
//!   sessions are kept is `store/`'s. Nothing in this folder opens a file
//!   or a socket, and time is always passed in as `now`, so every rule is
//!   tested with plain values. (A new session id needs randomness: that
//!   comes from [`crate::random`], the one call out to the OS.)
//! - Python's types beyond JSON's. Flask's tagged JSON writes tuples,
//!   bytes, dates, UUIDs and Markup as one-key dictionaries (`{" t": […]}`,
//!   `{" b": "…"}`, `{" d": "…"}`…); goldfish reads them as the plain
//!   dictionaries they are on the wire and writes them back byte for byte,
//!   so Flask finds its tuple still a tuple.
//!
//! ## Layout
//! - [`value`]: `Value`, what a session can hold (JSON's data model, with
//!   Python's unlimited integers).
//! - [`pystr`]: `PyStr`, a Python `str`: code points, lone surrogates too.
//! - [`json`]: `to_json`/`from_json`, RFC 8259 exactly as Python writes it.
//! - [`base64url`]: RFC 4648 §5 without padding, strict when decoding.
//! - [`signer`]: keys, `sign` and `unsign`: the security of the whole scheme.
//! - [`sha1`], [`hmac_sha1`]: SHA-1 (FIPS 180-4) and HMAC (RFC 2104) by
//!   hand, for Flask's default digest; SHA-256 comes from the `sha2` crate.
//! - [`zlib`]: RFC 1950's frame and RFC 1951's inflate and deflate, by
//!   hand, for compressed payloads.
//! - `session`: `Session`, the dictionary with modified/accessed tracking.
//! - [`id`]: `SessionId`, the opaque key a server-side session travels as.
//! - `server_session`: [`ServerSession`], the steps of a server-side
//!   session (load, save, regenerate) over any [`crate::store::SessionStore`].
//!
//! Start reading at `Session` (what handlers use), then `signer.rs`.

pub mod base64url;
pub mod hmac_sha1;
pub mod id;
pub mod json;
pub mod pystr;
pub mod sha1;
// The file is named after the type it holds, as the other files in this
// folder are; everything in it is re-exported below.
mod server_session;
#[allow(clippy::module_inception)]
mod session;
pub mod signer;
pub mod value;
pub mod zlib;

pub use id::{IdError, SessionId};
pub use json::{JsonError, from_json, to_json};
pub use pystr::PyStr;
pub use server_session::{Origin, Saved, ServerSession};
pub use session::{LoadOutcome, NotAList, PERMANENT_KEY, PERMANENT_SESSION_LIFETIME, Session};
pub use signer::{CookieParts, Digest, Key, KeyUsed, SignError, Signer, Unsigned};
pub use value::Value;

//! # goldfish
//!
//! HTTP is a goldfish: every request arrives as if the server had never seen
//! the client before. This crate is a small HTTP/1.1 server, written on the
//! standard library (plus `sha2` and `hmac`), that makes that visible — and
//! shows every way the web remembers anyway: query parameters, hidden form
//! fields, the URL path, browser storage, cookies, signed-cookie sessions and
//! server-side sessions.
//!
//! ## Layout
//!
//! Pure code (bytes and values in, bytes and values out; time passed in as
//! `now`) and code that touches the outside world live in different
//! folders, so the rules can be tested without a socket. A folder named
//! like a file holds that module's children: `http/parse/` beside
//! `http/parse.rs` holds the parser's table of cases (`tests.rs`), and
//! `cookie/check/` the checker's parts and tests. `tests/layout.rs` checks
//! that this list names every folder under `src/`.
//!
//! - [`http`] — the protocol, sans I/O: bytes in, [`http::Request`] out;
//!   [`http::Response`] in, bytes out. No sockets, so every rule is tested
//!   with byte strings (RFC 9110, RFC 9112). `http/parse/`: the parser's
//!   table of cases.
//! - [`abnf`] — the grammar rules HTTP and cookies share (`tchar`, hex
//!   digits, optional whitespace), each written once; and [`text`], untrusted
//!   text made safe to show on a terminal or in a log.
//! - [`cookie`] — sans I/O: the `Cookie` header in (`cookie/header/`: its
//!   tests), `Set-Cookie` out (`cookie/set_cookie/`: the rules a cookie must
//!   follow, and tests), cookie dates (`cookie/cookie_date/`: Chromium's
//!   reading of `Expires`), a checker that explains what a browser does
//!   with a `Set-Cookie` line (`cookie/check/`), and [`cookie::jar`]
//!   (`cookie/jar/`), a browser's whole jar: what is stored, what each
//!   request carries, and why (RFC 6265, RFC 6265bis, the Public Suffix
//!   List, given as text).
//! - [`session`] — sans I/O: the "magic dictionary": Python's values, JSON
//!   exactly as Flask writes it (`session/json/`, its numbers and strings in
//!   `session/json/parse/`), base64url, zlib (`session/zlib/`, the Huffman
//!   code's tests in `session/zlib/huffman/`) and SHA-1 by hand, the itsdangerous signer (`session/signer/`: keys and errors), the
//!   session itself (`session/session/`: its tests), and the steps of a
//!   server-side session over any store.
//! - [`app`] — the lessons: the route table (the site map), one module per
//!   way of keeping state, the facts tables that every lesson's facts box
//!   and `/compare` are built from (`app/facts.rs`), the X-ray panel
//!   (`app/xray/`). Handlers are
//!   plain functions of a request (and a `Ctx`, whose end of the request is
//!   `app/state/`); the stores they use are behind a trait.
//!   The cookie lab is `app/cookies/`, a session cookie taken apart
//!   `app/sessions/`, the server-side session's tests
//!   `app/server_session/`. [`app::sites`] (`app/sites/`, and
//!   `app/sites/samesite/` for the SameSite board) makes one goldfish
//!   several sites, picked by `Host` (`www.`/`shop.goldfish.localhost`,
//!   `evil.localhost`, `tracker.localhost`), for the lessons on where
//!   cookies go.
//! - [`template`] — `{{ name }}` substitution, HTML-escaped by default
//!   (its tests, the escaper's among them, in `template/`).
//! - [`cli`] — flags and environment in, a [`cli::Command`] out; the
//!   subcommands (`goldfish cookie check|jar`, `goldfish session
//!   decode|sign`, its tests in `cli/session/`) as pure functions from
//!   words to text and an exit code (the files `cookie jar` and `--psl`
//!   name are read through a function `main.rs` passes in).
//!
//! Files, sockets and the OS are reached from these modules only:
//!
//! - [`server`] — sockets: one connection's life as a state machine
//!   (pure, like `http`; its input, body, output and timeout rules in
//!   `server/connection/`), driven by an `epoll` event loop (the default)
//!   or by one thread per connection (`--io threads`); timeouts, the
//!   connection caps, the access log.
//! - [`store`] — the server-side session stores: memory (`store/memory/`),
//!   files (`store/file/`), Redis (`store/redis/`; its RESP2 codec,
//!   [`store::redis::resp`], is pure) and PostgreSQL (`store/postgres/`;
//!   its protocol codec, [`store::postgres::wire`] with its messages in
//!   `store/postgres/wire/`, and the password hashes behind its logins,
//!   MD5 and SCRAM-SHA-256 (tests in `store/postgres/scram/`), are pure;
//!   the login steps in `store/postgres/client/`, the `postgres://` URL's
//!   tests in `store/postgres/config/`); `--session-store` read (tests in
//!   `store/config/`); the per-client limit on new sessions
//!   ([`store::limit`], pure) and the sweeper threads.
//! - [`www`] — templates and static files, embedded or from `--www DIR`,
//!   with no way out of `www/static`; and [`random`], which reads the OS's
//!   randomness for keys and session ids. (`App::new` also reads the
//!   system's Public Suffix List once, for `/cookies/check` and
//!   `/cookies/jar`.)
//!
//! ## The life of one request
//!
//! 1. The server reads bytes from the socket into the buffer of a
//!    [`server::connection::Conn`] — one connection's state machine — which
//!    calls [`http::parse_head`], which answers "need more", "here is a
//!    request and the bytes it used", or an error with its status code.
//! 2. The connection reads the body (Content-Length or chunked, after a
//!    `100 Continue` if the client asked) and hands the request to the
//!    [`server::Handler`] — the [`app::App`].
//! 3. [`app::route`] matches the method and path against [`app::ROUTES`] and
//!    calls a handler with a [`app::Ctx`]: the request, its cookies, and a
//!    session loaded only if the handler asks for it.
//! 4. The handler returns an [`app::Reply`]: its page, or the error page
//!    that replaces it (`?` ends a handler early). [`app::Ctx`] adds the
//!    `Set-Cookie` lines, saves the session if it changed, and fills the
//!    X-ray panel with the bytes really being sent.
//! 5. The connection writes the status line, the fields, `Date` and
//!    `Content-Length`, and the body — one `send` for a whole pipelined
//!    batch — and goes back to step 1.
//!
//! ## Where to start reading
//!
//! `src/http/parse.rs` (the parser and its table of cases in
//! `src/http/parse/tests.rs`), then `src/server/connection.rs` (one
//! connection's life), then `src/app/mod.rs` (the site map) and the lesson
//! you care about: `src/app/cookies.rs`, `src/app/sessions.rs`,
//! `src/session/signer.rs`.

// Test tables are literal tuples on purpose: a row reads as one line of data.
#![cfg_attr(test, allow(clippy::type_complexity))]

pub mod abnf;
pub mod app;
pub mod cli;
pub mod cookie;
pub mod http;
pub mod random;
pub mod server;
pub mod session;
pub mod store;
pub mod template;
pub mod text;
pub mod www;

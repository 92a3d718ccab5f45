//! The PostgreSQL frontend/backend protocol, version 3.0, as a pure codec:
//! messages to the server out, messages from the server in. No sockets.
//!
//! The PostgreSQL manual, chapter 55 ("Frontend/Backend Protocol"), §55.7
//! "Message Formats", describes every message as a list of fields. After
//! the start-up, every message in both directions has the same frame:
//!
//! ```text
//! Byte1   the type: 'Q' query, 'P' parse, 'D' data row, 'Z' ready, 'E' error, …
//! Int32   the length of the rest, *counting these four bytes*
//! …       the fields: Int16/Int32 big-endian, String = bytes ending in a NUL
//! ```
//!
//! So a frame says how long it is before its content arrives. Compare
//! HTTP/1.1, which finds the end of a head by looking for an empty line,
//! and RESP, whose lines end in CRLF: here a reader never scans for a
//! terminator to know where a message ends. It reads five bytes, then
//! exactly as many more as they say.
//!
//! The only message without a type byte is the first one the client sends,
//! the `StartupMessage`: `Int32 length, Int32 196608 (version 3.0), name\0value\0…\0`.
//!
//! Like [`crate::http::parse_head`] and the RESP parser, [`parse_backend`]
//! is a function of the bytes received so far: `Complete` with the bytes it
//! used, `Partial` (read more), or an error for bytes no server would send.

mod backend;
mod error;

pub use backend::{AuthRequest, Backend, TxStatus, parse_backend};
pub use error::{DbError, WireError};

/// A message bigger than this is refused (a session is at most 64 KiB of
/// JSON; PostgreSQL allows 1 GB, which goldfish does not want to buffer).
pub const MAX_MESSAGE: usize = 1024 * 1024;

/// The protocol version in the `StartupMessage`: 3.0, as `major << 16 | minor`.
pub const PROTOCOL_3_0: i32 = 196_608;

/// The second Int32 of an `SSLRequest` (`1234 << 16 | 5679`). goldfish never
/// sends it; the number is here so the codec can name it.
pub const SSL_REQUEST_CODE: i32 = 80_877_103;

// --- messages to the server (frontend) -------------------------------------

/// Writes a frame: the type byte, the length, then what `fields` appends.
fn frame(kind: u8, fields: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut out = vec![kind, 0, 0, 0, 0];
    fields(&mut out);
    let len = (out.len() - 1) as i32;
    out[1..5].copy_from_slice(&len.to_be_bytes());
    out
}

/// A String field: the bytes, then a NUL. The caller guarantees no NUL
/// inside (statement names and SQL are goldfish's own; the user, database
/// and password are checked when the URL is read).
fn cstr(out: &mut Vec<u8>, s: &str) {
    debug_assert!(!s.contains('\0'), "a String field cannot hold a NUL");
    out.extend_from_slice(s.as_bytes());
    out.push(0);
}

/// `StartupMessage` (F): no type byte; the version, then `name\0value\0`
/// pairs (`user` is required; `database` defaults to it), then a NUL.
#[must_use]
pub fn startup(params: &[(&str, &str)]) -> Vec<u8> {
    let mut out = vec![0, 0, 0, 0];
    out.extend_from_slice(&PROTOCOL_3_0.to_be_bytes());
    for (name, value) in params {
        cstr(&mut out, name);
        cstr(&mut out, value);
    }
    out.push(0);
    let len = out.len() as i32;
    out[0..4].copy_from_slice(&len.to_be_bytes());
    out
}

/// `PasswordMessage` (F) `'p'`: a cleartext password, or the MD5 answer.
#[must_use]
pub fn password(text: &str) -> Vec<u8> {
    frame(b'p', |o| cstr(o, text))
}

/// `SASLInitialResponse` (F) `'p'`: the chosen mechanism, then the
/// client-first message with its length (-1 would mean "none").
#[must_use]
pub fn sasl_initial_response(mechanism: &str, data: &[u8]) -> Vec<u8> {
    frame(b'p', |o| {
        cstr(o, mechanism);
        o.extend_from_slice(&(data.len() as i32).to_be_bytes());
        o.extend_from_slice(data);
    })
}

/// `SASLResponse` (F) `'p'`: the client-final message; no length of its own.
#[must_use]
pub fn sasl_response(data: &[u8]) -> Vec<u8> {
    frame(b'p', |o| o.extend_from_slice(data))
}

/// Query (F) `'Q'`: the *simple* query protocol. SQL text, nothing else:
/// any value in it would have to be spelled inside the SQL. goldfish sends
/// only fixed text this way (the `CREATE TABLE`), never a client's bytes.
#[must_use]
pub fn query(sql: &str) -> Vec<u8> {
    frame(b'Q', |o| cstr(o, sql))
}

/// Parse (F) `'P'`: prepare `sql`, with `$1, $2, …` placeholders, as the
/// statement `name` (`""`: the unnamed one). Parameter types 0 = "let the
/// server infer them".
#[must_use]
pub fn parse(name: &str, sql: &str, param_types: &[u32]) -> Vec<u8> {
    frame(b'P', |o| {
        cstr(o, name);
        cstr(o, sql);
        o.extend_from_slice(&(param_types.len() as i16).to_be_bytes());
        for oid in param_types {
            o.extend_from_slice(&oid.to_be_bytes());
        }
    })
}

/// Bind (F) `'B'`: the values for a prepared statement's placeholders,
/// each as a length and bytes (-1: NULL), all in text format; results in
/// text format too. **This is why SQL injection cannot happen here**: a
/// value travels in its own length-prefixed field, and the server never
/// reads it as SQL, whatever quotes or semicolons it holds.
#[must_use]
pub fn bind(portal: &str, statement: &str, params: &[Option<&[u8]>]) -> Vec<u8> {
    frame(b'B', |o| {
        cstr(o, portal);
        cstr(o, statement);
        o.extend_from_slice(&0i16.to_be_bytes()); // no format codes: all text
        o.extend_from_slice(&(params.len() as i16).to_be_bytes());
        for p in params {
            match p {
                Some(bytes) => {
                    o.extend_from_slice(&(bytes.len() as i32).to_be_bytes());
                    o.extend_from_slice(bytes);
                }
                None => o.extend_from_slice(&(-1i32).to_be_bytes()),
            }
        }
        o.extend_from_slice(&0i16.to_be_bytes()); // results: all text
    })
}

/// Execute (F) `'E'`: run the bound portal; `max_rows` 0 = all rows.
#[must_use]
pub fn execute(portal: &str, max_rows: i32) -> Vec<u8> {
    frame(b'E', |o| {
        cstr(o, portal);
        o.extend_from_slice(&max_rows.to_be_bytes());
    })
}

/// Sync (F) `'S'`: end of this batch. The server answers `ReadyForQuery`,
/// after an error too (it skips the rest of the batch until here).
#[must_use]
pub fn sync() -> Vec<u8> {
    frame(b'S', |_| {})
}

/// Terminate (F) `'X'`: goodbye, before closing the socket.
#[must_use]
pub fn terminate() -> Vec<u8> {
    frame(b'X', |_| {})
}

#[cfg(test)]
mod tests;

//! RESP2, the Redis protocol, as a pure codec: commands out, replies in.
//!
//! Redis speaks a tiny text protocol over TCP (<https://redis.io/docs/latest/develop/reference/protocol-spec/>).
//! A client sends each command as an array of bulk strings:
//!
//! ```text
//! *2\r\n$3\r\nGET\r\n$4\r\nkey1\r\n        GET key1
//! ```
//!
//! and reads one reply, whose first byte says its type:
//!
//! | first byte | type | example | meaning |
//! | --- | --- | --- | --- |
//! | `+` | simple string | `+OK\r\n` | a short status |
//! | `-` | error | `-ERR unknown command\r\n` | the command failed; the connection is fine |
//! | `:` | integer | `:1\r\n` | e.g. how many keys `DEL` removed |
//! | `$` | bulk string | `$5\r\nhello\r\n`, `$-1\r\n` | binary-safe bytes, or *null* (no such key) |
//! | `*` | array | `*2\r\n:1\r\n:2\r\n`, `*-1\r\n` | replies inside a reply, or null |
//!
//! Like the HTTP parser, [`parse_reply`] never touches a socket: it is a
//! function of the bytes received so far, answering `Complete` (with how
//! many bytes it used) or `Partial` (read more and call again). mini-redis's
//! `Frame::check` works the same way. RESP3 (Redis 6+, after `HELLO 3`) is
//! not spoken: a server only uses it if the client asks.

use std::fmt;

use crate::http::Parsed;

/// A bulk string bigger than this is refused. Sessions are at most 64 KiB
/// of JSON; Redis itself allows 512 MB, which we do not want to buffer.
pub const MAX_BULK: usize = 1024 * 1024;

/// An array with more elements than this is refused.
pub const MAX_ARRAY: usize = 1024;

/// Arrays nested deeper than this are refused (no command we send gets a
/// nested reply at all; this only stops a hostile server from recursing us).
pub const MAX_DEPTH: usize = 4;

/// A header line (`+…`, `-…`, `:…`, `$…`, `*…`) longer than this is refused.
pub const MAX_LINE: usize = 64 * 1024;

/// One reply from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// `+OK`
    Simple(String),
    /// `-ERR …`: the server refused the command.
    Error(String),
    /// `:42`
    Integer(i64),
    /// `$5\r\nhello`; `None` is the null bulk string `$-1`.
    Bulk(Option<Vec<u8>>),
    /// `*2\r\n…`; `None` is the null array `*-1`.
    Array(Option<Vec<Reply>>),
}

/// Why bytes from the server are not a RESP2 reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RespError {
    /// The first byte is not one of `+ - : $ *`.
    UnknownType { found: u8 },
    /// A line does not end in CRLF (a lone `\r` or `\n` inside it).
    BadLineEnd,
    /// The number after `:`, `$` or `*` is not a number.
    BadNumber { line: String },
    /// A bulk string's bytes are not followed by CRLF.
    BadBulkEnd,
    /// Over [`MAX_BULK`], [`MAX_ARRAY`] or [`MAX_LINE`].
    TooLarge {
        what: &'static str,
        len: usize,
        max: usize,
    },
    /// Arrays nested over [`MAX_DEPTH`].
    TooDeep,
}

impl fmt::Display for RespError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RespError::UnknownType { found } => write!(
                f,
                "a RESP reply starts with one of + - : $ *, not {:?} (is this really Redis?)",
                char::from(*found)
            ),
            RespError::BadLineEnd => f.write_str("a RESP line must end with \\r\\n"),
            RespError::BadNumber { line } => {
                write!(f, "expected a number after the type byte, found {line:?}")
            }
            RespError::BadBulkEnd => {
                f.write_str("a bulk string's bytes must be followed by \\r\\n")
            }
            RespError::TooLarge { what, len, max } => {
                write!(f, "a {what} of {len} is more than goldfish accepts ({max})")
            }
            RespError::TooDeep => write!(f, "arrays nested more than {MAX_DEPTH} deep"),
        }
    }
}

impl std::error::Error for RespError {}

/// A command as RESP2: an array of bulk strings.
///
/// # Examples
/// ```
/// use goldfish::store::redis::resp::encode_command;
/// assert_eq!(
///     encode_command(&[b"GET", b"key1"]),
///     b"*2\r\n$3\r\nGET\r\n$4\r\nkey1\r\n"
/// );
/// ```
#[must_use]
pub fn encode_command(args: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + args.iter().map(|a| a.len() + 16).sum::<usize>());
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for arg in args {
        out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Parses one reply from the start of `buf`.
///
/// # Errors
/// [`RespError`]: the bytes cannot be the start of a reply. After an
/// error the connection is out of step and must be closed.
///
/// # Examples
/// ```
/// use goldfish::http::Parsed;
/// use goldfish::store::redis::resp::{Reply, parse_reply};
/// assert_eq!(
///     parse_reply(b"$5\r\nhello\r\n"),
///     Ok(Parsed::Complete { value: Reply::Bulk(Some(b"hello".to_vec())), used: 11 })
/// );
/// assert_eq!(parse_reply(b"$5\r\nhel"), Ok(Parsed::Partial));
/// ```
pub fn parse_reply(buf: &[u8]) -> Result<Parsed<Reply>, RespError> {
    Ok(match parse_at(buf, 0, 0)? {
        Some((value, used)) => Parsed::Complete { value, used },
        None => Parsed::Partial,
    })
}

/// Parses a reply starting at `pos`; `None` means "need more bytes".
fn parse_at(buf: &[u8], pos: usize, depth: usize) -> Result<Option<(Reply, usize)>, RespError> {
    let Some(&kind) = buf.get(pos) else {
        return Ok(None);
    };
    if !b"+-:$*".contains(&kind) {
        return Err(RespError::UnknownType { found: kind });
    }
    let Some((line, mut next)) = line_at(buf, pos + 1)? else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(line).into_owned();
    let reply = match kind {
        b'+' => Reply::Simple(text),
        b'-' => Reply::Error(text),
        b':' => Reply::Integer(number(&text)?),
        b'$' => {
            let len = number(&text)?;
            if len == -1 {
                Reply::Bulk(None)
            } else {
                let len = length(len, &text, "bulk string", MAX_BULK)?;
                let end = next + len;
                if buf.len() < end + 2 {
                    return Ok(None);
                }
                if &buf[end..end + 2] != b"\r\n" {
                    return Err(RespError::BadBulkEnd);
                }
                let bytes = buf[next..end].to_vec();
                next = end + 2;
                Reply::Bulk(Some(bytes))
            }
        }
        _ => {
            let len = number(&text)?;
            if len == -1 {
                Reply::Array(None)
            } else {
                let len = length(len, &text, "array", MAX_ARRAY)?;
                if depth >= MAX_DEPTH {
                    return Err(RespError::TooDeep);
                }
                let mut items = Vec::with_capacity(len);
                for _ in 0..len {
                    let Some((item, after)) = parse_at(buf, next, depth + 1)? else {
                        return Ok(None);
                    };
                    items.push(item);
                    next = after;
                }
                Reply::Array(Some(items))
            }
        }
    };
    Ok(Some((reply, next)))
}

/// The line starting at `pos` (without CRLF) and where the next one starts.
fn line_at(buf: &[u8], pos: usize) -> Result<Option<(&[u8], usize)>, RespError> {
    let rest = &buf[pos..];
    match rest.iter().position(|&b| b == b'\r' || b == b'\n') {
        None if rest.len() > MAX_LINE => Err(RespError::TooLarge {
            what: "line",
            len: rest.len(),
            max: MAX_LINE,
        }),
        None => Ok(None),
        Some(i) if rest[i] == b'\n' => Err(RespError::BadLineEnd),
        Some(i) => match rest.get(i + 1) {
            None => Ok(None),
            Some(b'\n') => Ok(Some((&rest[..i], pos + i + 2))),
            Some(_) => Err(RespError::BadLineEnd),
        },
    }
}

fn number(text: &str) -> Result<i64, RespError> {
    text.parse().map_err(|_| RespError::BadNumber {
        line: text.to_owned(),
    })
}

/// A length: `-1` was handled by the caller; anything else negative or
/// over `max` is refused.
fn length(n: i64, text: &str, what: &'static str, max: usize) -> Result<usize, RespError> {
    let n = usize::try_from(n).map_err(|_| RespError::BadNumber {
        line: text.to_owned(),
    })?;
    if n > max {
        return Err(RespError::TooLarge { what, len: n, max });
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Expect {
        Ok(Reply),
        Err(RespError),
    }

    fn bulk(s: &str) -> Reply {
        Reply::Bulk(Some(s.as_bytes().to_vec()))
    }

    #[test]
    fn encodes_commands_as_arrays_of_bulk_strings() {
        let cases: &[(&[&[u8]], &[u8])] = &[
            (&[b"PING"], b"*1\r\n$4\r\nPING\r\n"),
            (
                &[b"SET", b"k", b"{\"a\":1}", b"EX", b"60"],
                b"*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$7\r\n{\"a\":1}\r\n$2\r\nEX\r\n$2\r\n60\r\n",
            ),
            // Bulk strings are binary-safe: CRLF inside a value is just bytes.
            (
                &[b"SET", b"k", b"a\r\nb"],
                b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\na\r\nb\r\n",
            ),
            (&[b"GET", b""], b"*2\r\n$3\r\nGET\r\n$0\r\n\r\n"),
        ];
        for (args, want) in cases {
            let got = encode_command(args);
            assert_eq!(
                got,
                *want,
                "encode_command({args:?}) = {:?}; want {:?}",
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(want)
            );
        }
    }

    fn cases() -> Vec<(&'static str, &'static [u8], Expect)> {
        use Expect::*;
        vec![
            // --- what our commands get back ---
            ("PING", b"+PONG\r\n", Ok(Reply::Simple("PONG".into()))),
            ("SET … EX", b"+OK\r\n", Ok(Reply::Simple("OK".into()))),
            (
                "GET, found",
                b"$17\r\n{\"fav_color\":\"x\"}\r\n",
                Ok(bulk("{\"fav_color\":\"x\"}")),
            ),
            (
                "GET, no such key: null bulk",
                b"$-1\r\n",
                Ok(Reply::Bulk(None)),
            ),
            ("DEL: how many keys went", b":1\r\n", Ok(Reply::Integer(1))),
            ("empty bulk string", b"$0\r\n\r\n", Ok(bulk(""))),
            (
                "bulk strings may hold CRLF",
                b"$4\r\na\r\nb\r\n",
                Ok(bulk("a\r\nb")),
            ),
            (
                "an error reply",
                b"-NOAUTH Authentication required.\r\n",
                Ok(Reply::Error("NOAUTH Authentication required.".into())),
            ),
            ("negative integer", b":-3\r\n", Ok(Reply::Integer(-3))),
            // --- arrays (we send no command that gets one, but RESP has them) ---
            (
                "array",
                b"*2\r\n$1\r\na\r\n:7\r\n",
                Ok(Reply::Array(Some(vec![bulk("a"), Reply::Integer(7)]))),
            ),
            ("null array", b"*-1\r\n", Ok(Reply::Array(None))),
            ("empty array", b"*0\r\n", Ok(Reply::Array(Some(vec![])))),
            (
                "nested array",
                b"*1\r\n*1\r\n+x\r\n",
                Ok(Reply::Array(Some(vec![Reply::Array(Some(vec![
                    Reply::Simple("x".into()),
                ]))]))),
            ),
            // --- not Redis, or a broken stream ---
            (
                "an HTTP server",
                b"HTTP/1.1 400 Bad Request\r\n",
                Err(RespError::UnknownType { found: b'H' }),
            ),
            ("bare LF", b"+OK\n", Err(RespError::BadLineEnd)),
            ("CR without LF", b"+OK\rx", Err(RespError::BadLineEnd)),
            (
                "not a number",
                b":x\r\n",
                Err(RespError::BadNumber { line: "x".into() }),
            ),
            (
                "empty number",
                b":\r\n",
                Err(RespError::BadNumber {
                    line: String::new(),
                }),
            ),
            (
                "length -2",
                b"$-2\r\n",
                Err(RespError::BadNumber { line: "-2".into() }),
            ),
            (
                "bulk longer than said",
                b"$1\r\nab\r\n",
                Err(RespError::BadBulkEnd),
            ),
            (
                "bulk over the cap",
                b"$1048577\r\n",
                Err(RespError::TooLarge {
                    what: "bulk string",
                    len: MAX_BULK + 1,
                    max: MAX_BULK,
                }),
            ),
            (
                "array over the cap",
                b"*1025\r\n",
                Err(RespError::TooLarge {
                    what: "array",
                    len: MAX_ARRAY + 1,
                    max: MAX_ARRAY,
                }),
            ),
            (
                "too deep",
                b"*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n",
                Err(RespError::TooDeep),
            ),
        ]
    }

    #[test]
    fn parses_replies() {
        for (why, input, want) in cases() {
            let got = match parse_reply(input) {
                Result::Ok(Parsed::Complete { value, used }) => {
                    assert_eq!(used, input.len(), "{why}: used");
                    Expect::Ok(value)
                }
                Result::Ok(Parsed::Partial) => panic!("{why}: parse_reply({input:?}) = Partial"),
                Result::Err(e) => Expect::Err(e),
            };
            assert_eq!(
                got,
                want,
                "{why}: parse_reply({:?})",
                String::from_utf8_lossy(input)
            );
        }
    }

    /// Every proper prefix of a good reply is `Partial`: the bytes may come
    /// one at a time from a slow socket.
    #[test]
    fn every_prefix_of_a_reply_is_partial() {
        for (why, input, want) in cases() {
            if !matches!(want, Expect::Ok(_)) {
                continue;
            }
            for cut in 0..input.len() {
                let got = parse_reply(&input[..cut]);
                assert_eq!(got, Ok(Parsed::Partial), "{why}: prefix of {cut} bytes");
            }
        }
    }

    #[test]
    fn bytes_after_a_reply_are_left_alone() {
        assert_eq!(
            parse_reply(b"+OK\r\n+OK\r\n"),
            Ok(Parsed::Complete {
                value: Reply::Simple("OK".into()),
                used: 5
            })
        );
    }

    #[test]
    fn a_line_without_end_is_cut_off() {
        let long = vec![b'+'; MAX_LINE + 2];
        assert!(matches!(
            parse_reply(&long),
            Err(RespError::TooLarge { what: "line", .. })
        ));
    }
}

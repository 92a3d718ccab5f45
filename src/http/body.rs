//! The chunked transfer coding, decoded as bytes arrive.
//!
//! ```text
//! chunked-body   = *chunk last-chunk trailer-section CRLF
//! chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//! chunk-size     = 1*HEXDIG
//! last-chunk     = 1*("0") [ chunk-ext ] CRLF
//! chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//! trailer-section = *( field-line CRLF )
//! ```
//! — RFC 9112 §7.1.
//!
//! A body sent with `Transfer-Encoding: chunked` announces each piece's size
//! in hexadecimal, so a client can stream data whose length it does not know
//! yet. The decoder is a state machine, one state per place in that grammar
//! (as hyper's `decode.rs`), so it can stop at any byte and resume when the
//! next read arrives.
//!
//! Unlike the request head, chunked framing requires CRLF: a bare LF here is
//! refused. RFC 9112 only lets recipients accept bare LF in the start-line and
//! header fields, and servers that disagree on line endings inside a body are
//! a known request-smuggling vector.
//!
//! (A `Content-Length` body needs no decoder: it is the next N bytes.)

use super::error::ParseError;
use super::limits::Limits;
use crate::abnf::{hex_value, is_tchar};

/// Most bytes of chunk extensions accepted per chunk-size line. Extensions
/// carry nothing goldfish uses; the cap stops a client from making the server
/// read an endless size line.
const MAX_EXTENSION: usize = 4096;

/// Where in the chunked grammar the decoder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading the hex digits of chunk-size.
    Size,
    /// After the size and some whitespace (`BWS`): only more whitespace,
    /// the `;` of an extension, or the CR may follow. (`2 junk` is not a
    /// chunk size: llhttp and Go refuse it too, and a server that skipped
    /// it would read a different body than one that refused it.)
    SizeWs,
    /// After a `;`: the extension's name and value, until CR.
    Extension,
    /// Saw the CR ending the size line; expect LF.
    SizeLf,
    /// Inside chunk-data with this many bytes left.
    Data(u64),
    /// After chunk-data; expect CR.
    DataCr,
    /// After chunk-data and CR; expect LF.
    DataLf,
    /// At the start of a trailer line (or the final empty line).
    TrailerStart,
    /// Inside a trailer field line.
    Trailer,
    /// Saw the CR of a trailer line; expect LF.
    TrailerLf,
    /// Saw the CR of the final empty line; expect LF.
    FinalLf,
    /// The body is complete.
    Done,
}

/// How far one call to [`ChunkedDecoder::decode`] got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyProgress {
    /// Input bytes consumed.
    pub used: usize,
    /// Whether the whole body (with trailers) has been read.
    pub done: bool,
}

/// Decodes a chunked body incrementally. See the module docs.
#[derive(Debug, Clone)]
pub struct ChunkedDecoder {
    state: State,
    /// The chunk size being read (valid in `Size`).
    size: u64,
    /// Hex digits seen in the current size (to reject an empty size).
    size_digits: usize,
    /// Extension bytes seen on the current size line.
    extension: usize,
    /// Decoded bytes so far, to enforce `max_body`.
    total: u64,
    max_body: usize,
    /// Trailer bytes so far, limited by the header-section limit.
    trailer_bytes: usize,
    max_trailer: usize,
    /// The trailer line being read, and the finished ones.
    line: Vec<u8>,
    trailers: Vec<String>,
}

impl ChunkedDecoder {
    /// A decoder at the start of a chunked body.
    #[must_use]
    pub fn new(limits: &Limits) -> ChunkedDecoder {
        ChunkedDecoder {
            state: State::Size,
            size: 0,
            size_digits: 0,
            extension: 0,
            total: 0,
            max_body: limits.body,
            trailer_bytes: 0,
            max_trailer: limits.header_section,
            line: Vec::new(),
            trailers: Vec::new(),
        }
    }

    /// After the size's last digit, or whitespace after it: `BWS` is
    /// allowed, then either the `;` of an extension or the line's CR
    /// (`chunk-size [ chunk-ext ] CRLF`, `chunk-ext = *( BWS ";" … )`).
    fn after_size(&mut self, b: u8) -> Result<(), ParseError> {
        self.state = match b {
            b'\r' => State::SizeLf,
            b' ' | b'\t' => State::SizeWs,
            b';' => {
                self.extension = 1;
                State::Extension
            }
            _ => return Err(ParseError::BadChunkSize),
        };
        Ok(())
    }

    /// The trailer field lines, once done.
    #[must_use]
    pub fn into_trailers(self) -> Vec<String> {
        self.trailers
    }

    /// Consumes bytes of `input`, appending chunk data to `body`.
    ///
    /// Stops at the end of the body (`done`), leaving any following bytes
    /// (a pipelined request) unconsumed.
    ///
    /// # Errors
    /// Malformed framing, or a body larger than the limit.
    pub fn decode(&mut self, input: &[u8], body: &mut Vec<u8>) -> Result<BodyProgress, ParseError> {
        let mut i = 0;
        while i < input.len() && self.state != State::Done {
            let b = input[i];
            match self.state {
                State::Size => match hex_value(b) {
                    Some(d) => {
                        // 16 hex digits fill a u64; more cannot be a real size.
                        if self.size_digits == 16 {
                            return Err(ParseError::ChunkSizeOverflow);
                        }
                        self.size = self.size << 4 | u64::from(d);
                        self.size_digits += 1;
                    }
                    None if self.size_digits == 0 => return Err(ParseError::BadChunkSize),
                    None => self.after_size(b)?,
                },
                State::SizeWs => self.after_size(b)?,
                State::Extension => match b {
                    b'\r' => self.state = State::SizeLf,
                    // Names, "=", values (token or quoted-string): nothing
                    // goldfish uses, so they are skipped, but control bytes
                    // and endless lines are refused.
                    b'\t' | b' '..=b'~' | 0x80..=0xff => {
                        self.extension += 1;
                        if self.extension > MAX_EXTENSION {
                            return Err(ParseError::BadChunkExtension);
                        }
                    }
                    _ => return Err(ParseError::BadChunkExtension),
                },
                State::SizeLf => {
                    if b != b'\n' {
                        return Err(ParseError::BadChunkSize);
                    }
                    self.extension = 0;
                    self.size_digits = 0;
                    if self.size == 0 {
                        self.state = State::TrailerStart;
                    } else {
                        self.total = self.total.saturating_add(self.size);
                        if self.total > self.max_body as u64 {
                            return Err(ParseError::BodyTooLarge {
                                limit: self.max_body,
                            });
                        }
                        self.state = State::Data(self.size);
                        self.size = 0;
                    }
                }
                State::Data(left) => {
                    let n = (input.len() - i).min(usize::try_from(left).unwrap_or(usize::MAX));
                    body.extend_from_slice(&input[i..i + n]);
                    i += n;
                    let left = left - n as u64;
                    self.state = if left == 0 {
                        State::DataCr
                    } else {
                        State::Data(left)
                    };
                    continue;
                }
                State::DataCr => {
                    if b != b'\r' {
                        return Err(ParseError::ChunkDataNoCrlf);
                    }
                    self.state = State::DataLf;
                }
                State::DataLf => {
                    if b != b'\n' {
                        return Err(ParseError::ChunkDataNoCrlf);
                    }
                    self.state = State::Size;
                }
                State::TrailerStart => {
                    if b != b'\r' {
                        // This byte starts a trailer line: read it again there.
                        self.state = State::Trailer;
                        continue;
                    }
                    self.state = State::FinalLf;
                }
                State::Trailer => {
                    if b == b'\r' {
                        self.state = State::TrailerLf;
                    } else if b == b'\n' {
                        return Err(ParseError::BadTrailer);
                    } else {
                        self.trailer_bytes += 1;
                        if self.trailer_bytes > self.max_trailer {
                            return Err(ParseError::HeadersTooLarge {
                                limit: self.max_trailer,
                            });
                        }
                        self.line.push(b);
                    }
                }
                State::TrailerLf => {
                    if b != b'\n' {
                        return Err(ParseError::BadTrailer);
                    }
                    self.finish_trailer_line()?;
                    self.state = State::TrailerStart;
                }
                State::FinalLf => {
                    if b != b'\n' {
                        return Err(ParseError::BadTrailer);
                    }
                    self.state = State::Done;
                }
                State::Done => unreachable!("the loop stops at Done"),
            }
            i += 1;
        }
        Ok(BodyProgress {
            used: i,
            done: self.state == State::Done,
        })
    }

    /// Checks one trailer line as a field line (`name: value`) and keeps it.
    fn finish_trailer_line(&mut self) -> Result<(), ParseError> {
        let line = std::mem::take(&mut self.line);
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .ok_or(ParseError::BadTrailer)?;
        let name_ok = colon > 0 && line[..colon].iter().all(|&b| is_tchar(b));
        let value_ok = line[colon + 1..]
            .iter()
            .all(|&b| b == b'\t' || (b >= b' ' && b != 0x7f));
        if !name_ok || !value_ok {
            return Err(ParseError::BadTrailer);
        }
        self.trailers
            .push(String::from_utf8_lossy(&line).into_owned());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Want {
        /// The body, and how many input bytes it used.
        Body(&'static [u8], usize),
        Partial,
        Err(ParseError),
    }

    fn run(input: &[u8], limits: &Limits) -> Want {
        let mut d = ChunkedDecoder::new(limits);
        let mut body = Vec::new();
        match d.decode(input, &mut body) {
            Ok(BodyProgress { used, done: true }) => Want::Body(body.leak(), used),
            Ok(_) => Want::Partial,
            Err(e) => Want::Err(e),
        }
    }

    #[test]
    #[rustfmt::skip]
    fn chunked_table() {
        use ParseError::*;
        let small = Limits {
            body: 10,
            header_section: 20,
            ..Limits::default()
        };
        let d = Limits::default();
        let cases: &[(&str, &[u8], &Limits, Want)] = &[
            ("one chunk", b"5\r\nhello\r\n0\r\n\r\n", &d, Want::Body(b"hello", 15)),
            ("two chunks", b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", &d, Want::Body(b"hello world", 26)),
            ("empty body", b"0\r\n\r\n", &d, Want::Body(b"", 5)),
            ("uppercase hex", b"A\r\n0123456789\r\n0\r\n\r\n", &d, Want::Body(b"0123456789", 20)),
            ("leading zeros", b"005\r\nhello\r\n000\r\n\r\n", &d, Want::Body(b"hello", 19)),
            ("extension ignored", b"5;name=value\r\nhello\r\n0\r\n\r\n", &d, Want::Body(b"hello", 26)),
            ("extension with BWS", b"5 ; a=\"q\"\r\nhello\r\n0\r\n\r\n", &d, Want::Body(b"hello", 23)),
            ("trailer", b"1\r\nx\r\n0\r\nChecksum: 42\r\n\r\n", &d, Want::Body(b"x", 25)),
            ("stops before the next request", b"0\r\n\r\nGET / HTTP/1.1\r\n", &d, Want::Body(b"", 5)),
            ("data may contain CRLF", b"4\r\na\r\nb\r\n0\r\n\r\n", &d, Want::Body(b"a\r\nb", 14)),
            ("unfinished size", b"5", &d, Want::Partial),
            ("unfinished data", b"5\r\nhel", &d, Want::Partial),
            ("no final empty line yet", b"0\r\n", &d, Want::Partial),
            ("no size", b"\r\nhello\r\n", &d, Want::Err(BadChunkSize)),
            ("not hex", b"g\r\n", &d, Want::Err(BadChunkSize)),
            ("negative size", b"-1\r\n", &d, Want::Err(BadChunkSize)),
            ("bare LF after size", b"5\nhello\r\n0\r\n\r\n", &d, Want::Err(BadChunkSize)),
            ("CR without LF after size", b"5\rhello", &d, Want::Err(BadChunkSize)),
            ("size overflows 64 bits", b"10000000000000000\r\n", &d, Want::Err(ChunkSizeOverflow)),
            ("size beyond the body limit", b"b\r\n", &small, Want::Err(BodyTooLarge { limit: 10 })),
            ("sum beyond the body limit", b"6\r\nabcdef\r\n6\r\n", &small, Want::Err(BodyTooLarge { limit: 10 })),
            ("data longer than its size", b"3\r\nhello\r\n", &d, Want::Err(ChunkDataNoCrlf)),
            ("bare LF after data", b"5\r\nhello\n0\r\n\r\n", &d, Want::Err(ChunkDataNoCrlf)),
            ("control byte in extension", b"5;a\x00\r\n", &d, Want::Err(BadChunkExtension)),
            ("garbage after size", b"5x\r\n", &d, Want::Err(BadChunkSize)),
            ("whitespace then garbage after size (llhttp refuses `2 erfrferferf`)", b"2 erfrferferf\r\nhi\r\n0\r\n\r\n", &d, Want::Err(BadChunkSize)),
            ("whitespace then CR after size (BWS)", b"2 \t \r\nhi\r\n0\r\n\r\n", &d, Want::Body(b"hi", 15)),
            ("trailer without colon", b"0\r\nnope\r\n\r\n", &d, Want::Err(BadTrailer)),
            ("trailer with space in name", b"0\r\nA B: c\r\n\r\n", &d, Want::Err(BadTrailer)),
            ("trailer too large", b"0\r\nX: aaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n", &small, Want::Err(HeadersTooLarge { limit: 20 })),
            ("bare LF ends the body", b"0\r\n\n", &d, Want::Err(BadTrailer)),
        ];
        for (why, input, limits, want) in cases {
            let got = run(input, limits);
            assert_eq!(
                &got,
                want,
                "{why}: decode({:?})",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn byte_at_a_time_equals_one_shot() {
        let input = b"5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nA: b\r\n\r\nNEXT";
        let mut d = ChunkedDecoder::new(&Limits::default());
        let mut body = Vec::new();
        let mut used = 0;
        for (i, b) in input.iter().enumerate() {
            let p = d.decode(std::slice::from_ref(b), &mut body).unwrap();
            used += p.used;
            if p.done {
                assert_eq!(i + 1, input.len() - 4, "done right after the final CRLF");
                break;
            }
        }
        assert_eq!(body, b"hello world");
        assert_eq!(used, input.len() - 4);
        assert_eq!(d.into_trailers(), ["A: b"]);
    }
}

//! A request body, read as it arrives: where it ends (RFC 9112 §6.3), what
//! it may cost, and how long it may take.

use std::time::{Duration, Instant};

use crate::http::{BodyKind, BodyProgress, ChunkedDecoder, Limits, ParseError, Request};

/// Bytes per second a body must average over any `body_timeout` window.
/// Apache's `mod_reqtimeout` uses the same number (`MinRate=500`).
pub const MIN_BODY_RATE: u64 = 500;

/// A body being read.
#[derive(Debug)]
pub struct BodyReader {
    framing: Framing,
    /// The body so far. It grows as bytes arrive, never to more than twice
    /// what has arrived, nor past a declared length: a client that declares
    /// 1 MiB and sends ten bytes costs ten bytes.
    body: Vec<u8>,
}

#[derive(Debug)]
enum Framing {
    /// `Content-Length`: this many bytes are still to come.
    Length { remaining: usize },
    /// `Transfer-Encoding: chunked`: the decoder says when it is done.
    Chunked(ChunkedDecoder),
}

impl BodyReader {
    /// A reader for the body `kind` announces; `None` when there is none.
    #[must_use]
    pub fn new(kind: BodyKind, limits: &Limits) -> Option<BodyReader> {
        let framing = match kind {
            BodyKind::None => return None,
            // Checked against the body limit by the parser.
            BodyKind::Length(n) => Framing::Length {
                remaining: usize::try_from(n).unwrap_or(usize::MAX),
            },
            BodyKind::Chunked => Framing::Chunked(ChunkedDecoder::new(limits)),
        };
        Some(BodyReader {
            framing,
            body: Vec::new(),
        })
    }

    /// Takes what belongs to the body from `input` (what follows is the
    /// next, pipelined request).
    ///
    /// # Errors
    /// The chunked framing is malformed, or the body grew past the limit.
    pub fn take(&mut self, input: &[u8]) -> Result<BodyProgress, ParseError> {
        match &mut self.framing {
            Framing::Length { remaining } => Ok(read_length_body(input, remaining, &mut self.body)),
            Framing::Chunked(decoder) => read_chunked_body(input, decoder, &mut self.body),
        }
    }

    /// How many more bytes the body needs, as far as is known (a chunked
    /// body does not say).
    #[must_use]
    pub fn remaining(&self) -> usize {
        match self.framing {
            Framing::Length { remaining } => remaining,
            Framing::Chunked(_) => usize::MAX,
        }
    }

    /// Puts the finished body (and the trailers of a chunked one) into `req`.
    pub fn finish(self, req: &mut Request) {
        req.set_body(self.body);
        if let Framing::Chunked(decoder) = self.framing {
            req.set_trailers(decoder.into_trailers());
        }
    }
}

/// `Content-Length: n` (RFC 9112 §6.2): exactly `remaining` more bytes.
fn read_length_body(input: &[u8], remaining: &mut usize, body: &mut Vec<u8>) -> BodyProgress {
    let used = input.len().min(*remaining);
    if body.capacity() - body.len() < used {
        // Double, as a Vec would — but never past the declared length.
        let want = (2 * body.len()).max(body.len() + used);
        body.reserve_exact(want.min(body.len() + *remaining) - body.len());
    }
    body.extend_from_slice(&input[..used]);
    *remaining -= used;
    BodyProgress {
        used,
        done: *remaining == 0,
    }
}

/// `Transfer-Encoding: chunked` (RFC 9112 §7.1): the decoder's state
/// machine finds the end, and appends the data as it goes.
fn read_chunked_body(
    input: &[u8],
    decoder: &mut ChunkedDecoder,
    body: &mut Vec<u8>,
) -> Result<BodyProgress, ParseError> {
    decoder.decode(input, body)
}

/// A body's deadline after `n` more bytes arrived at `now`: each
/// [`MIN_BODY_RATE`] bytes buy one more second, but the deadline never
/// moves more than `window` (`body_timeout`) past `now`.
///
/// Why a capped credit: a per-read timeout alone lets a client drip one
/// byte every few seconds forever; credit without a cap lets it send most
/// of a 1 MiB body fast and then drip the rest for half an hour (1 MiB at
/// 500 B/s is 35 minutes of credit). Capped at the window, the rule reads
/// "at least 500 B/s on average over any `body_timeout`", which an honest
/// upload on a slow link still meets.
#[must_use]
pub fn deadline(deadline: Instant, n: usize, now: Instant, window: Duration) -> Instant {
    let credit = Duration::from_secs_f64(n as f64 / MIN_BODY_RATE as f64);
    (deadline + credit).min(now + window)
}

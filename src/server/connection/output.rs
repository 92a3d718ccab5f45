//! What a connection owes: answers queued in `out`, written in batches.
//!
//! An answer is appended to the output buffer rather than written at once,
//! so that the answers to a pipelined batch of requests leave in one
//! `send` (see [`Conn::next`]: it asks to write only when it needs more
//! bytes, or once [`FLUSH_AT`] bytes are waiting). While anything is
//! waiting, the write deadline runs (the last row of the module doc's
//! table).

use std::time::Instant;

use super::{Conn, FLUSH_AT, LINGER_TIME, Phase, input};
use crate::http::{Persistence, Request, Response, Version};

impl Conn {
    /// The handler's `response` to `req`: queue it, and carry on — or, if
    /// either side wants the connection closed, close it after this.
    pub fn answer(&mut self, req: &Request, response: &Response, now: Instant) {
        let close = !req.keep_alive() || self.shared.stopping();
        let persistence = match (close, req.version()) {
            (true, _) => Persistence::Close,
            (false, Version::Http10) => Persistence::KeepAlive10,
            (false, Version::Http11) => Persistence::KeepAlive,
        };
        // HEAD: the same fields as GET, no body (RFC 9110 §9.3.2).
        let with_body = req.method() != "HEAD";
        self.queue(response, with_body, persistence, now);
        let log = &self.shared.config.log;
        if log.enabled() {
            log.access(&self.peer, req.request_line(), response.status.0);
        }
        self.phase = if close {
            Phase::Closing {
                since: None,
                linger: LINGER_TIME,
                drained: 0,
            }
        } else {
            // The rest of the buffer may hold the next request.
            self.parse_needed = true;
            Phase::Idle {
                since: now,
                untouched: false,
            }
        };
    }

    /// Appends a response's head (and its body, if `with_body` and the
    /// status allows one) to the output.
    pub(super) fn queue(
        &mut self,
        response: &Response,
        with_body: bool,
        persistence: Persistence,
        now: Instant,
    ) {
        let head_start = self.out.len();
        crate::server::with_date(|d| response.write_head(&mut self.out, d, persistence));
        self.shared.config.log.trace("< ", &self.out[head_start..]);
        if with_body && !response.status.forbids_body() {
            self.out.extend_from_slice(&response.body);
        }
        self.writing_since.get_or_insert(now);
    }

    /// The bytes to write.
    #[must_use]
    pub fn output(&self) -> &[u8] {
        &self.out
    }

    /// The first `n` bytes of [`Conn::output`] were written at `now`.
    pub fn sent(&mut self, n: usize, now: Instant) {
        if n < self.out.len() {
            self.out.drain(..n);
            self.writing_since = Some(now);
            return;
        }
        self.out.clear();
        self.writing_since = None;
        if self.out.capacity() > 4 * FLUSH_AT {
            self.out = Vec::with_capacity(input::INITIAL);
        }
        // An idle connection's clock starts once its last answer is out.
        if let Phase::Idle { since, .. } = &mut self.phase {
            *since = now;
        }
    }
}

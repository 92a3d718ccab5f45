//! One connection's life, as a state machine: bytes in, requests out,
//! responses in, bytes out — and, at every moment, one deadline.
//!
//! [`Conn`] never touches a socket. A driver — [`super::threads`], with a
//! blocking thread per connection — asks it [`Conn::next`] what to do (read, write, run the handler, close),
//! does that, and reports back ([`Conn::received`], [`Conn::sent`],
//! [`Conn::answer`], [`Conn::expired`]). Time is passed in as `now`, so the
//! unit tests below walk through every timeout without waiting for one.
//!
//! ## The phases
//!
//! A connection is in exactly one [`Phase`]. Each waits for one thing, and
//! [`Conn::deadline`] is the one function that says until when:
//!
//! | phase | waiting for | deadline | when it passes |
//! | --- | --- | --- | --- |
//! | `Idle` | the first byte of a request | `idle_timeout` after the accept or the last response | close quietly (RFC 9112 §9.5) |
//! | `Head` | the rest of the request head | `header_timeout` after its first byte | 408 |
//! | `Body` | the rest of the body | `body_timeout` after it starts, plus 1 s per 500 bytes received, but never more than `body_timeout` past the last bytes | 408 |
//! | `Handling` | the handler | none | — |
//! | `Closing` | the client to read our last answer | [`LINGER_TIME`] after the half-close | close |
//! | *any*, with responses queued | the client to read them | `write_timeout` without progress | close at once |
//!
//! The last row: responses are queued in `out` and written before the
//! connection reads again, so a client that stops reading stalls whichever
//! phase it was in, and the write deadline takes over. Why each timeout
//! exists:
//! - *idle*: a browser keeps connections open for reuse; an unused one
//!   costs memory (and a thread in the threads model) for nothing;
//! - *head*: counted from the first byte, not the last, so a slowloris
//!   client trickling one byte a second gets 408 like everyone else;
//! - *body*: a minimum average rate (500 B/s, Apache's `MinRate`) over a
//!   window of `body_timeout`, so neither a slow drip nor a fast start
//!   followed by a drip holds the connection for long;
//! - *write*: a client that never reads its responses cannot hold a
//!   connection by filling the socket buffers.
//!
//! ## The loop a driver runs
//!
//! 1. [`Conn::next`] parses whatever is buffered with [`parse_head`]. A
//!    complete head moves to `Body` (after a `100 Continue` if the client
//!    asked) and then to `Handling`: the driver gets [`Next::Handle`], runs
//!    the handler and passes the response to [`Conn::answer`], which
//!    appends it to `out` — and the loop goes on with the next buffered
//!    request, so a pipelined batch is answered with one write.
//! 2. Needing more bytes, it first asks to write what it owes
//!    ([`Next::Write`]), then to read ([`Next::Read`]).
//! 3. A request it cannot read gets its status and a sentence, then the
//!    connection closes: `Closing` half-closes and drains the input for a
//!    moment so the client reads the answer instead of a reset (RFC 9112
//!    §9.6).
//!
//! Beside this file: [`body`] (a body as it arrives, and its deadline),
//! `input.rs` (the receive buffer), `output.rs` (answers queued for one
//! write) and `timeout.rs` (the sentences of a 408).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::Shared;
use crate::http::{Parsed, Persistence, Request, Response, Status, parse_head};

pub mod body;
mod input;
mod output;
#[cfg(test)]
mod tests;
mod timeout;

use body::BodyReader;
use input::Input;
use timeout::Waited;

/// Once this many response bytes are waiting, write them even if more
/// pipelined requests are buffered, so output memory stays bounded.
const FLUSH_AT: usize = 64 * 1024;

/// After a last response, how long and how much we keep reading (and
/// discarding) before closing. Closing a socket with unread input makes the
/// kernel send a reset, which can destroy the response before the client
/// reads it ("lingering close", RFC 9112 §9.6).
pub const LINGER_TIME: Duration = Duration::from_secs(1);
const LINGER_BYTES: usize = 256 * 1024;

/// What a connection is waiting for (see the table in the module doc).
#[derive(Debug)]
pub enum Phase {
    /// Between requests: nothing but empty lines of the next one yet.
    Idle {
        /// When the wait began: the accept, or the last response sent.
        since: Instant,
        /// No byte has ever arrived on this connection.
        untouched: bool,
    },
    /// Part of a request head has arrived.
    Head {
        /// When its first byte arrived (or, for the rest of a pipelined
        /// batch, when the request before it was answered).
        since: Instant,
    },
    /// A head is parsed; its body is arriving.
    Body {
        req: Box<Request>,
        reader: BodyReader,
        /// When the body is overdue (see [`body::deadline`]).
        deadline: Instant,
    },
    /// The request is with the handler; [`Conn::answer`] moves on.
    Handling,
    /// The last response is queued. Once it is written, we half-close and
    /// drain input until the client closes, for at most `linger`.
    Closing {
        /// When we half-closed (`None`: not yet).
        since: Option<Instant>,
        linger: Duration,
        /// Input read and thrown away since then.
        drained: usize,
    },
    /// Done: the driver closes the socket.
    Closed,
}

/// What the driver should do next (the answer of [`Conn::next`]).
#[derive(Debug)]
pub enum Next {
    /// Run the handler on this request, then call [`Conn::answer`].
    Handle(Request),
    /// The handler has the request (on another thread): nothing to do
    /// until [`Conn::answer`].
    Wait,
    /// Write [`Conn::output`] (until [`Conn::deadline`]), then call
    /// [`Conn::sent`].
    Write,
    /// Read into [`Conn::read_space`] (until [`Conn::deadline`]), then call
    /// [`Conn::received`], or [`Conn::eof`] when the client closed.
    Read,
    /// Shut down the sending side of the socket (a FIN: "no more from
    /// me"), then call [`Conn::half_closed`].
    HalfClose,
    /// Close the socket; the connection is over.
    Close,
}

/// One client connection. See the module doc.
pub struct Conn {
    /// The server's configuration and handler. Immutable.
    shared: Arc<Shared>,
    peer: SocketAddr,
    phase: Phase,
    input: Input,
    /// Whether bytes arrived since the last parse that could change its
    /// result (see [`Input::worth_parsing`]).
    parse_needed: bool,
    /// Responses not yet written.
    out: Vec<u8>,
    /// Set exactly while `out` is not empty: when it last made progress
    /// (the write deadline counts from here).
    writing_since: Option<Instant>,
}

impl Conn {
    /// A new connection from `peer`, accepted at `now`.
    pub(crate) fn new(shared: Arc<Shared>, peer: SocketAddr, now: Instant) -> Conn {
        Conn {
            shared,
            peer,
            phase: Phase::Idle {
                since: now,
                untouched: true,
            },
            input: Input::new(input::INITIAL),
            parse_needed: false,
            out: Vec::with_capacity(input::INITIAL),
            writing_since: None,
        }
    }

    /// A connection turned away at once with `response` (a 503 past the
    /// connection cap): it is written, then the connection ends through the
    /// same lingering close as any last answer, draining for at most
    /// `linger`.
    pub(crate) fn refused(
        shared: Arc<Shared>,
        peer: SocketAddr,
        now: Instant,
        response: &Response,
        linger: Duration,
    ) -> Conn {
        let mut conn = Conn::new(shared, peer, now);
        conn.input = Input::new(0);
        conn.queue(response, true, Persistence::Close, now);
        conn.phase = Phase::Closing {
            since: None,
            linger,
            drained: 0,
        };
        conn
    }

    /// The server this connection belongs to.
    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// The client's address.
    #[must_use]
    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// What the connection is waiting for.
    #[must_use]
    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// Whether it only waits for a request — idle, or with part of a head —
    /// and owes nothing: closing it loses nothing the client sent in full
    /// (see [`super::admission`]).
    #[must_use]
    pub fn awaits_request(&self) -> bool {
        matches!(self.phase, Phase::Idle { .. } | Phase::Head { .. }) && self.out.is_empty()
    }

    /// When the current wait runs out; `None` while nothing is waited for
    /// with a clock (the handler is running). This is the table of the
    /// module doc, row by row.
    #[must_use]
    pub fn deadline(&self) -> Option<Instant> {
        let config = &self.shared.config;
        if let Some(since) = self.writing_since {
            return Some(since + config.write_timeout);
        }
        match &self.phase {
            Phase::Idle { since, .. } => Some(*since + config.idle_timeout),
            Phase::Head { since } => Some(*since + config.header_timeout),
            Phase::Body { deadline, .. } => Some(*deadline),
            Phase::Handling | Phase::Closed => None,
            Phase::Closing { since, linger, .. } => since.map(|s| s + *linger),
        }
    }

    /// The deadline has passed (the driver's read or write timed out, or
    /// its timer fired): what the table says happens. Does nothing if `now`
    /// is before the deadline.
    pub fn expired(&mut self, now: Instant) {
        if self.deadline().is_none_or(|d| now < d) {
            return;
        }
        if self.writing_since.is_some() {
            // The client stopped reading: nothing more can reach it.
            self.phase = Phase::Closed;
            return;
        }
        match self.phase {
            // A connection on which nothing ever arrived is told why it is
            // closed: it is a person at a telnet prompt, or a browser's
            // spare connection, which it then drops (RFC 9110 §15.5.9).
            Phase::Idle {
                untouched: true, ..
            } => self.timeout_408(Waited::FirstByte, now),
            // RFC 9112 §9.5: a server may close an idle connection at any
            // time. After a response nothing is sent: a client about to
            // reuse the connection would take it for its next answer.
            Phase::Idle { .. } => self.phase = Phase::Closed,
            Phase::Head { .. } => self.timeout_408(Waited::Head, now),
            Phase::Body { .. } => self.timeout_408(Waited::Body, now),
            Phase::Handling | Phase::Closing { .. } | Phase::Closed => self.phase = Phase::Closed,
        }
    }

    /// What to do next. Call again after doing it and reporting back.
    pub fn next(&mut self, now: Instant) -> Next {
        loop {
            // A closed connection is over, whatever it still owed: when the
            // client stopped reading (the write timeout), its unsent output
            // can never be delivered, and asking to write it again would
            // spin on a socket that will not take it.
            if matches!(self.phase, Phase::Closed) {
                return Next::Close;
            }
            // Output goes first once there is a lot of it, and before the
            // half-close of a last answer.
            let last_answer = matches!(self.phase, Phase::Closing { .. });
            if !self.out.is_empty() && (self.out.len() >= FLUSH_AT || last_answer) {
                return Next::Write;
            }
            match self.phase {
                Phase::Idle { .. } | Phase::Head { .. } if self.parse_needed => {
                    if let Some(req) = self.parse(now) {
                        return Next::Handle(req);
                    }
                }
                Phase::Idle { .. } | Phase::Head { .. } => return self.write_or_read(),
                Phase::Body { .. } => match self.take_body(now) {
                    Taken::More => return self.write_or_read(),
                    Taken::Request(req) => return Next::Handle(req),
                    Taken::Refused => {} // answered with an error: go on closing
                },
                Phase::Handling => return Next::Wait,
                Phase::Closing { since: None, .. } => return Next::HalfClose,
                Phase::Closing { .. } => return Next::Read,
                Phase::Closed => return Next::Close,
            }
        }
    }

    /// Needing more bytes: first send what we owe, then read.
    fn write_or_read(&self) -> Next {
        if self.out.is_empty() {
            Next::Read
        } else {
            Next::Write
        }
    }

    /// Parses the buffered bytes. A request without a body is returned for
    /// the handler; otherwise the phase moves on (to `Body`, to `Head` for
    /// a partial head, or to `Closing` after an error).
    fn parse(&mut self, now: Instant) -> Option<Request> {
        self.parse_needed = false;
        match parse_head(self.input.unused(), &self.shared.config.limits) {
            Ok(Parsed::Complete { value, used }) => {
                self.input.consume(used);
                // There may be a pipelined request behind it.
                self.parse_needed = true;
                self.shared.config.log.trace("> ", value.head().as_bytes());
                self.begin_body(value, now)
            }
            Ok(Parsed::Partial) => {
                // Empty lines before a request line are skipped (RFC 9112
                // §2.2; some clients send a CRLF after a POST body): a
                // connection holding only those is still idle, not slow.
                if matches!(self.phase, Phase::Idle { .. }) && !self.input.only_empty_lines() {
                    self.phase = Phase::Head { since: now };
                }
                None
            }
            Err(e) => {
                let first_line = self.input.first_line();
                self.fail(&first_line, &e.to_string(), e.status(), now);
                None
            }
        }
    }

    /// A head is complete: hand it over if it has no body, else start
    /// reading the body — after a `100 Continue` if the client waits for
    /// our go-ahead (RFC 9110 §10.1.1) and the body is not already here.
    fn begin_body(&mut self, req: Request, now: Instant) -> Option<Request> {
        let Some(reader) = BodyReader::new(req.body_kind(), &self.shared.config.limits) else {
            self.phase = Phase::Handling;
            return Some(req);
        };
        if req.expects_continue() && self.input.is_empty() {
            self.out.extend_from_slice(b"HTTP/1.1 100 Continue\r\n\r\n");
            self.writing_since.get_or_insert(now);
        }
        self.phase = Phase::Body {
            req: Box::new(req),
            reader,
            deadline: now + self.shared.config.body_timeout,
        };
        None
    }

    /// Moves buffered bytes into the body.
    fn take_body(&mut self, now: Instant) -> Taken {
        let Phase::Body { req, reader, .. } = &mut self.phase else {
            return Taken::More;
        };
        match reader.take(self.input.unused()) {
            Ok(progress) => {
                self.input.consume(progress.used);
                if !progress.done {
                    return Taken::More;
                }
            }
            Err(e) => {
                // Log the request, not the chunk line that broke.
                let line = req.request_line().to_string();
                self.fail(&line, &e.to_string(), e.status(), now);
                return Taken::Refused;
            }
        }
        match std::mem::replace(&mut self.phase, Phase::Handling) {
            Phase::Body {
                mut req, reader, ..
            } => {
                reader.finish(&mut req);
                Taken::Request(*req)
            }
            _ => unreachable!("the phase was Body just above"),
        }
    }

    /// Where the next read goes: the free end of the receive buffer.
    pub fn read_space(&mut self) -> &mut [u8] {
        match &self.phase {
            Phase::Body { reader, .. } => self.input.body_space(reader.remaining()),
            Phase::Closing { .. } => self.input.scratch_space(),
            _ => self.input.head_space(&self.shared.config.limits),
        }
    }

    /// `n` bytes were read into [`Conn::read_space`] at `now`.
    pub fn received(&mut self, n: usize, now: Instant) {
        self.input.filled(n);
        match &mut self.phase {
            Phase::Idle { untouched, .. } => *untouched = false,
            Phase::Body { deadline, .. } => {
                let window = self.shared.config.body_timeout;
                *deadline = body::deadline(*deadline, n, now, window);
                return;
            }
            Phase::Closing { drained, .. } => {
                // Drained input is thrown away.
                *drained += n;
                self.input.discard();
                if *drained >= LINGER_BYTES {
                    self.phase = Phase::Closed;
                }
                return;
            }
            Phase::Head { .. } | Phase::Handling | Phase::Closed => {}
        }
        self.parse_needed |= self.input.worth_parsing(n, &self.shared.config.limits);
        let idle = matches!(self.phase, Phase::Idle { .. });
        if idle && self.parse_needed && !self.input.only_empty_lines() {
            // The head clock starts at the first byte of the request.
            self.phase = Phase::Head { since: now };
        }
    }

    /// The client closed its side: there is nothing more to read.
    pub fn eof(&mut self) {
        self.phase = Phase::Closed;
    }

    /// The driver shut down our sending side at `now`; now drain.
    pub fn half_closed(&mut self, now: Instant) {
        if let Phase::Closing { since, .. } = &mut self.phase {
            *since = Some(now);
        }
    }

    /// Answers a request we could not read, then closes. `log_line` is what
    /// the access log shows as the request.
    fn fail(&mut self, log_line: &str, message: &str, status: Status, now: Instant) {
        self.shared
            .config
            .log
            .access(&self.peer, log_line, status.0);
        self.close_with(status, format!("{message}\n"), now);
    }

    /// Answers 408 and closes; `waited` says which timeout ran out, so the
    /// sentence names the right number of seconds.
    fn timeout_408(&mut self, waited: Waited, now: Instant) {
        let config = &self.shared.config;
        // Like any idle close, one before the first byte is not logged: a
        // browser's unused spare connection would print a 408 line for
        // every page.
        if waited != Waited::FirstByte {
            config.log.access(&self.peer, "(incomplete request)", 408);
        }
        let sentence = timeout::message(waited, config);
        self.close_with(Status::REQUEST_TIMEOUT, sentence, now);
    }

    /// Queues a last answer and starts closing.
    fn close_with(&mut self, status: Status, body: String, now: Instant) {
        self.queue(&Response::text(status, body), true, Persistence::Close, now);
        self.phase = Phase::Closing {
            since: None,
            linger: LINGER_TIME,
            drained: 0,
        };
    }
}

/// What [`Conn::take_body`] got to.
enum Taken {
    /// The body is incomplete: more bytes are needed.
    More,
    /// The body is complete: the request is ready for the handler.
    Request(Request),
    /// The framing was wrong; the error is answered.
    Refused,
}

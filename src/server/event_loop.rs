//! The event-loop model (the default on Linux): one thread (or a few),
//! serving many connections, never blocked on one client.
//!
//! Theory of operation. Every socket is non-blocking, and [`epoll`] says
//! which ones are ready. A loop waits for readiness, then drives each ready
//! connection's [`Conn`] — read what is there, answer every complete
//! request, write what the socket takes — until it would block, and waits
//! again. One thread runs through every connection that is ready instead
//! of sleeping after each response and being woken for the next (the
//! context switch per request of [`super::threads`]), and an idle
//! connection costs its buffers, not a thread.
//!
//! - **Readiness is edge-triggered** (`EPOLLET`): epoll says "readable"
//!   once, when bytes arrive, so the loop remembers it (`readable`) until
//!   a read says the socket is drained — `WouldBlock`, or fewer bytes than
//!   there was room for (`epoll(7)`: for a stream socket that means the
//!   same). Each socket is registered once, for reading and writing, and
//!   never modified: no `epoll_ctl` per request.
//! - **Timeouts** are the connections' own deadlines ([`Conn::deadline`]),
//!   kept in a heap ([`Timers`]); `epoll_wait` sleeps until the earliest.
//! - **Handlers that block** — a session store over the network or on disk
//!   — must not stall every other connection of the loop. A handler says
//!   which requests may block ([`super::Handler::may_block`]); those run
//!   on a small pool of threads ([`super::blocking`]), the connection waits
//!   in `Handling`, and the finished response comes back through a mailbox
//!   and a wake-up byte on a socket pair the loop watches.
//! - **Several loops** (`--loops N`; one by default) share the listening
//!   socket; the kernel wakes one of them per new connection
//!   (`EPOLLEXCLUSIVE`), and the connection stays with that loop for its
//!   whole life.
//!
//! Everything else — parsing, timeouts, caps, the lingering close — is the
//! same [`Conn`] the threads model drives.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::unix::net::UnixStream;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::admission::{Refusal, Ticket, Verdict, refusal};
use super::blocking::{self, Done, Job, Mailbox};
use super::connection::{Conn, Next};
use super::epoll::{self, Epoll, Event};
use super::timers::Timers;
use super::{Shared, respond};

/// The token of the loop's wake-up socket.
const WAKER: u64 = u64::MAX;
/// The token of listening socket `i` is `LISTENER | i`. A connection's
/// token never has this bit set (see [`token`]).
const LISTENER: u64 = 1 << 63;
/// Connections accepted per readiness of the listener, so that a flood of
/// new connections cannot starve the ones already open.
const ACCEPT_BATCH: usize = 64;
/// Refused connections (answered 503, then drained) a loop keeps at once;
/// beyond this a flood is dropped without a word.
const MAX_REFUSED: usize = 64;
/// How long a refused connection is drained after its 503.
const REFUSED_LINGER: Duration = Duration::from_millis(200);

/// One event loop: its connections, their timers, and its mailbox.
pub(crate) struct EventLoop {
    epoll: Epoll,
    /// The listening sockets (the first address, and any `--also-port`).
    /// Given up when the server stops, so that they close once every loop
    /// has let go.
    listeners: Vec<Arc<TcpListener>>,
    shared: Arc<Shared>,
    mailbox: Arc<Mailbox>,
    /// The end of the socket pair the loop watches; the mailbox rings the
    /// other.
    wakeups: UnixStream,
    conns: Vec<Slot>,
    free: Vec<usize>,
    timers: Timers,
    /// Refused connections being answered.
    refused: usize,
    /// Accepting paused until then (after an error such as EMFILE).
    accept_paused: Option<Instant>,
}

/// A connection slot. `generation` changes each time the slot is reused,
/// so a token (slot and generation) never names the wrong connection.
struct Slot {
    generation: u32,
    entry: Option<Entry>,
}

struct Entry {
    stream: Arc<TcpStream>,
    conn: Conn,
    /// `None` for a refused connection.
    ticket: Option<Ticket>,
    /// Edge-triggered readiness, remembered until the socket says
    /// otherwise.
    readable: bool,
    writable: bool,
    /// The peer closed (or the socket failed): reads now return at once.
    hung_up: bool,
    /// The earliest timer entry for this connection (see [`Timers`]).
    promised: Option<Instant>,
    /// What the admission was last told (see [`Ticket::set_waiting`]).
    waiting: bool,
}

/// A connection's token: its slot, and the slot's generation (31 bits, so
/// that the top bit stays clear for listeners).
fn token(slot: usize, generation: u32) -> u64 {
    (u64::from(generation & 0x7fff_ffff) << 32) | slot as u64
}

fn slot_of(token: u64) -> (usize, u32) {
    ((token & 0xffff_ffff) as usize, (token >> 32) as u32)
}

/// The connection a token names, if it is still the one the token was made
/// for (a stale token from a closed connection's last events names none).
/// A function of the slots, not a method, so a caller can borrow the
/// loop's other fields (the mailbox, the timers) beside the entry.
fn live(conns: &mut [Slot], token: u64) -> Option<&mut Entry> {
    let (index, generation) = slot_of(token);
    let slot = conns.get_mut(index)?;
    if slot.generation != generation {
        return None;
    }
    slot.entry.as_mut()
}

impl EventLoop {
    /// A loop serving connections accepted from `listeners`.
    pub(crate) fn new(
        listeners: Vec<Arc<TcpListener>>,
        shared: Arc<Shared>,
    ) -> io::Result<EventLoop> {
        let epoll = Epoll::new()?;
        let (wakeups, bell) = UnixStream::pair()?;
        wakeups.set_nonblocking(true)?;
        bell.set_nonblocking(true)?;
        epoll.add(&wakeups, epoll::IN, WAKER)?;
        for (i, listener) in listeners.iter().enumerate() {
            // Level-triggered: a backlog left after a batch is reported again.
            let interest = epoll::IN | epoll::EXCLUSIVE;
            epoll.add(&**listener, interest, LISTENER | i as u64)?;
        }
        Ok(EventLoop {
            epoll,
            listeners,
            shared,
            mailbox: Arc::new(Mailbox::new(bell)),
            wakeups,
            conns: Vec::new(),
            free: Vec::new(),
            timers: Timers::default(),
            refused: 0,
            accept_paused: None,
        })
    }

    /// The mailbox that wakes this loop.
    pub(crate) fn mailbox(&self) -> Arc<Mailbox> {
        Arc::clone(&self.mailbox)
    }

    /// Runs until the server stops and the last connection is gone.
    pub(crate) fn run(mut self) {
        let mut events = vec![Event::default(); 256];
        loop {
            let stopping = self.shared.stopping();
            if stopping {
                for listener in self.listeners.drain(..) {
                    let _ = self.epoll.delete(&*listener);
                }
            }
            if stopping && self.conns.iter().all(|s| s.entry.is_none()) {
                return;
            }
            let timeout = self
                .next_wake()
                .map(|at| at.saturating_duration_since(Instant::now()));
            let ready = match self.epoll.wait(&mut events, timeout) {
                Ok(ready) => ready.len(),
                Err(e) => {
                    eprintln!("goldfish: epoll_wait failed: {e}");
                    return;
                }
            };
            for event in &events[..ready] {
                match event.token() {
                    WAKER => self.collect(),
                    t if t & LISTENER != 0 => self.accept((t & !LISTENER) as usize),
                    token => self.ready(token, event.events()),
                }
            }
            self.expire(Instant::now());
        }
    }

    /// The next time the loop must wake without an event.
    fn next_wake(&self) -> Option<Instant> {
        match (self.timers.next(), self.accept_paused) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Accepts a batch of new connections on listener `i`.
    fn accept(&mut self, i: usize) {
        let Some(listener) = self.listeners.get(i).cloned() else {
            return;
        };
        for _ in 0..ACCEPT_BATCH {
            match listener.accept() {
                Ok((stream, peer)) => self.admit(stream, peer),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // ECONNABORTED: the client gave up in the queue.
                Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => {}
                Err(e) => {
                    // Typically EMFILE (out of file descriptors). The
                    // listener stays readable, so stop watching it for a
                    // moment instead of spinning; connections will close.
                    eprintln!("goldfish: accept failed: {e}");
                    for listener in &self.listeners {
                        let _ = self.epoll.delete(&**listener);
                    }
                    self.accept_paused = Some(Instant::now() + Duration::from_millis(10));
                    return;
                }
            }
        }
    }

    fn admit(&mut self, stream: TcpStream, peer: SocketAddr) {
        if stream.set_nonblocking(true).is_err() {
            return;
        }
        // Responses are written whole, once per batch: Nagle's algorithm
        // would only add delay.
        let _ = stream.set_nodelay(true);
        let stream = Arc::new(stream);
        let now = Instant::now();
        let why = match self.shared.admission.admit(&stream, peer.ip()) {
            Verdict::Admitted(ticket) => {
                let conn = Conn::new(Arc::clone(&self.shared), peer, now);
                self.insert(stream, conn, Some(ticket));
                return;
            }
            Verdict::ClientFull => Refusal::Client,
            Verdict::Full => Refusal::Everyone,
        };
        if self.refused >= MAX_REFUSED {
            return; // a flood: dropped without a word
        }
        let (response, log_line) = refusal(&self.shared, why, &peer.ip().to_string());
        self.shared.config.log.access(&peer, log_line, 503);
        let shared = Arc::clone(&self.shared);
        let conn = Conn::refused(shared, peer, now, &response, REFUSED_LINGER);
        self.refused += 1;
        self.insert(stream, conn, None);
    }

    /// Registers a connection and drives it once (its first bytes may be
    /// there already).
    fn insert(&mut self, stream: Arc<TcpStream>, conn: Conn, ticket: Option<Ticket>) {
        let index = self.free.pop().unwrap_or_else(|| {
            self.conns.push(Slot {
                generation: 0,
                entry: None,
            });
            self.conns.len() - 1
        });
        let slot = &mut self.conns[index];
        slot.generation = slot.generation.wrapping_add(1);
        let token = token(index, slot.generation);
        let interest = epoll::IN | epoll::OUT | epoll::RDHUP | epoll::ET;
        if self.epoll.add(&*stream, interest, token).is_err() {
            self.free.push(index);
            return;
        }
        slot.entry = Some(Entry {
            stream,
            conn,
            ticket,
            readable: true,
            writable: true,
            hung_up: false,
            promised: None,
            waiting: true,
        });
        self.drive(token);
    }

    /// A connection's socket is ready.
    fn ready(&mut self, token: u64, events: u32) {
        let Some(entry) = self.entry(token) else {
            return;
        };
        if events & (epoll::IN | epoll::RDHUP | epoll::HUP | epoll::ERR) != 0 {
            entry.readable = true;
        }
        if events & (epoll::OUT | epoll::HUP | epoll::ERR) != 0 {
            entry.writable = true;
        }
        if events & (epoll::RDHUP | epoll::HUP | epoll::ERR) != 0 {
            entry.hung_up = true;
        }
        self.drive(token);
    }

    fn entry(&mut self, token: u64) -> Option<&mut Entry> {
        live(&mut self.conns, token)
    }

    /// Drives a connection as far as it goes without blocking; a panic
    /// (a bug, never input) costs that connection only.
    fn drive(&mut self, token: u64) {
        let Some(entry) = live(&mut self.conns, token) else {
            return;
        };
        let mailbox = &self.mailbox;
        let closed = panic::catch_unwind(AssertUnwindSafe(|| drive(entry, token, mailbox)))
            .unwrap_or_else(|_| {
                eprintln!("goldfish: a connection's state machine panicked; it is closed");
                true
            });
        if closed {
            self.remove(token);
        } else {
            self.reschedule(token);
        }
    }

    /// After a connection moved: tell the admission whether it now waits
    /// for a request, and make sure its deadline is on the clock.
    fn reschedule(&mut self, token: u64) {
        let Some(entry) = live(&mut self.conns, token) else {
            return;
        };
        if let Some(ticket) = &entry.ticket {
            let waiting = entry.conn.awaits_request();
            if waiting != entry.waiting {
                entry.waiting = waiting;
                ticket.set_waiting(waiting);
            }
        }
        if let Some(deadline) = entry.conn.deadline() {
            self.timers.schedule(token, deadline, &mut entry.promised);
        }
    }

    fn remove(&mut self, token: u64) {
        let (index, generation) = slot_of(token);
        let Some(slot) = self.conns.get_mut(index) else {
            return;
        };
        if slot.generation != generation {
            return;
        }
        if let Some(entry) = slot.entry.take() {
            let _ = self.epoll.delete(&*entry.stream);
            if entry.ticket.is_none() {
                self.refused -= 1;
            }
            self.free.push(index);
            // Dropping the entry closes the socket (once the admission's
            // reference is gone too) and frees the slot in the admission.
        }
    }

    /// Fires the deadlines that have passed.
    fn expire(&mut self, now: Instant) {
        if self.accept_paused.is_some_and(|at| at <= now) {
            self.accept_paused = None;
            for (i, listener) in self.listeners.iter().enumerate() {
                let interest = epoll::IN | epoll::EXCLUSIVE;
                let _ = self.epoll.add(&**listener, interest, LISTENER | i as u64);
            }
        }
        while let Some((at, token)) = self.timers.pop_due(now) {
            let Some(entry) = self.entry(token) else {
                continue;
            };
            if entry.promised != Some(at) {
                continue; // superseded by an earlier entry
            }
            entry.promised = None;
            entry.conn.expired(now);
            self.drive(token);
        }
    }

    /// Takes the answers of finished blocking handlers.
    fn collect(&mut self) {
        let mut drain = [0u8; 64];
        while matches!((&self.wakeups).read(&mut drain), Ok(n) if n > 0) {}
        for Done {
            token,
            req,
            response,
        } in self.mailbox.take()
        {
            let Some(entry) = self.entry(token) else {
                continue;
            };
            entry.conn.answer(&req, &response, Instant::now());
            self.drive(token);
        }
    }
}

/// Drives one connection until it would block. `true`: it is over.
fn drive(entry: &mut Entry, token: u64, mailbox: &Arc<Mailbox>) -> bool {
    let mut stream: &TcpStream = &entry.stream;
    loop {
        let now = Instant::now();
        let next = entry.conn.next(now);
        match next {
            Next::Handle(req) => {
                // Busy now: not to be closed to make room (see `reschedule`).
                if let Some(ticket) = &entry.ticket
                    && entry.waiting
                {
                    entry.waiting = false;
                    ticket.set_waiting(false);
                }
                let shared = entry.conn.shared();
                if shared.handler.may_block(&req) {
                    blocking::run(Job {
                        shared: Arc::clone(shared),
                        peer: entry.conn.peer(),
                        token,
                        req,
                        mailbox: Arc::clone(mailbox),
                    });
                    return false;
                }
                let response = respond(shared, &req, entry.conn.peer());
                entry.conn.answer(&req, &response, Instant::now());
            }
            Next::Wait => return false,
            // One transfer either way, while the socket is ready for it: a
            // read fills the connection's input, a write drains its output.
            Next::Read | Next::Write => {
                let reading = matches!(next, Next::Read);
                let ready = if reading {
                    &mut entry.readable
                } else {
                    &mut entry.writable
                };
                if !*ready {
                    return false;
                }
                let (result, room) = if reading {
                    let space = entry.conn.read_space();
                    let room = space.len();
                    (stream.read(space), room)
                } else {
                    let output = entry.conn.output();
                    (stream.write(output), output.len())
                };
                match result {
                    Ok(0) if reading => entry.conn.eof(),
                    Ok(n) => {
                        // Fewer bytes than there was room for: the socket is
                        // drained, or full, until the next edge. After a
                        // hang-up, reads go on until they return nothing.
                        if n < room && !(reading && entry.hung_up) {
                            *ready = false;
                        }
                        if reading {
                            entry.conn.received(n, now);
                        } else {
                            entry.conn.sent(n, now);
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => *ready = false,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => return true,
                }
            }
            Next::HalfClose => {
                if stream.shutdown(Shutdown::Write).is_err() {
                    return true;
                }
                entry.conn.half_closed(now);
            }
            Next::Close => return true,
        }
    }
}

//! The threads model: each connection is served by a thread of its own,
//! with blocking reads and writes.
//!
//! This is the simplest way to drive a [`Conn`]: ask it what to do, do it,
//! tell it what happened. A blocking read waits as long as the socket's
//! timeout (`SO_RCVTIMEO`), which is set to the time left until
//! [`Conn::deadline`]; when it runs out, the read fails with `WouldBlock`
//! and the connection is told its deadline passed. Writes work the same
//! way with `SO_SNDTIMEO`.
//!
//! It is fair: a slow client only ever blocks its own thread, and the
//! kernel schedules whichever thread has bytes to read. Its cost is one
//! thread per open connection, and a context switch per request: after
//! each response the thread sleeps in `read`, and is woken for the next
//! request.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::mpsc::{self, SyncSender};
use std::thread;
use std::time::{Duration, Instant};

use super::Shared;
use super::admission::{Refusal, Ticket, Verdict, refusal};
use super::connection::{Conn, Next};
use super::pool::{Dispatch, Pool};

/// The accepting thread, with the pool it hands connections to and the
/// thread that answers the ones over a cap.
pub(crate) struct Acceptor {
    listener: TcpListener,
    shared: Arc<Shared>,
    pool: Arc<Pool<Admitted>>,
    refuse: SyncSender<(TcpStream, Refusal)>,
}

/// A connection and its slot, as a worker gets it.
type Admitted = (Arc<TcpStream>, Ticket);

impl Acceptor {
    /// Starts the pool's first parts and the thread that answers 503.
    pub(crate) fn start(listener: TcpListener, shared: Arc<Shared>) -> io::Result<Acceptor> {
        let for_pool = Arc::clone(&shared);
        // The admission caps connections; the pool's own cap only bounds
        // threads, with room for the connections just closed to make room
        // (their threads take a moment to notice).
        let pool = Pool::new(
            2 * shared.config.max_connections,
            move |(stream, ticket): Admitted| serve(&stream, &ticket, &for_pool),
        );
        let refuse = start_refuser(&shared)?;
        Ok(Acceptor {
            listener,
            shared,
            pool,
            refuse,
        })
    }

    /// Accepts connections until the server stops.
    pub(crate) fn run(self) {
        for stream in self.listener.incoming() {
            if self.shared.stopping() {
                break;
            }
            match stream {
                Ok(stream) => self.admit(stream),
                Err(e) => {
                    // Typically EMFILE (out of file descriptors). Pause
                    // instead of spinning; connections will close and free
                    // some.
                    eprintln!("goldfish: accept failed: {e}");
                    thread::sleep(Duration::from_millis(10));
                }
            }
        }
    }

    fn admit(&self, stream: TcpStream) {
        let Ok(peer) = stream.peer_addr() else { return };
        let stream = Arc::new(stream);
        let refusal = match self.shared.admission.admit(&stream, peer.ip()) {
            Verdict::Admitted(ticket) => match self.pool.dispatch((stream, ticket)) {
                Dispatch::Accepted => return,
                Dispatch::Full((stream, ticket)) => {
                    drop(ticket);
                    return self.refuse(stream, Refusal::Everyone);
                }
            },
            Verdict::ClientFull => Refusal::Client,
            Verdict::Full => Refusal::Everyone,
        };
        self.refuse(stream, refusal);
    }

    fn refuse(&self, stream: Arc<TcpStream>, why: Refusal) {
        // Never shared with the admission, so never more than one owner.
        if let Ok(stream) = Arc::try_unwrap(stream) {
            // A full queue means a flood: drop without a word.
            let _ = self.refuse.try_send((stream, why));
        }
    }
}

/// How long a refused connection is drained after its 503, so the client
/// reads the answer rather than a reset (see
/// [`super::connection::LINGER_TIME`]).
const REFUSED_LINGER: Duration = Duration::from_millis(200);

/// A thread that answers connections over a cap with 503, so the acceptor
/// never blocks on a slow client. Its queue is small and bounded.
fn start_refuser(shared: &Arc<Shared>) -> io::Result<SyncSender<(TcpStream, Refusal)>> {
    let (tx, rx) = mpsc::sync_channel::<(TcpStream, Refusal)>(64);
    let shared = Arc::clone(shared);
    thread::Builder::new()
        .name("goldfish-503".into())
        .spawn(move || {
            for (stream, why) in rx {
                let Ok(peer) = stream.peer_addr() else {
                    continue;
                };
                let (response, log_line) = refusal(&shared, why, &peer.ip().to_string());
                shared.config.log.access(&peer, log_line, 503);
                let now = Instant::now();
                let conn = Conn::refused(Arc::clone(&shared), peer, now, &response, REFUSED_LINGER);
                drive(&stream, conn, None);
            }
        })?;
    Ok(tx)
}

/// Serves one admitted connection until it closes. Never panics on client
/// input.
pub(crate) fn serve(stream: &TcpStream, ticket: &Ticket, shared: &Arc<Shared>) {
    let Ok(peer) = stream.peer_addr() else { return };
    // Responses are written whole, once per batch, so Nagle's algorithm
    // would only add delay (up to 40 ms with delayed ACKs) and buy nothing.
    let _ = stream.set_nodelay(true);
    let conn = Conn::new(Arc::clone(shared), peer, Instant::now());
    drive(stream, conn, Some(ticket));
}

/// Runs `conn` over a blocking `stream` until it is over. After each step,
/// tells the `ticket` whether the connection only waits for a request (so
/// that it may be closed to make room) or is busy with one.
pub(crate) fn drive(mut stream: &TcpStream, mut conn: Conn, ticket: Option<&Ticket>) {
    let mut timeouts = Timeouts::default();
    let mut waiting = true;
    loop {
        let now = Instant::now();
        let next = conn.next(now);
        if let Some(ticket) = ticket
            && conn.awaits_request() != waiting
        {
            waiting = !waiting;
            ticket.set_waiting(waiting);
        }
        match next {
            Next::Handle(req) => {
                let response = super::respond(conn.shared(), &req, conn.peer());
                conn.answer(&req, &response, Instant::now());
            }
            // One transfer either way, with the time left as the socket's
            // timeout: a read fills the connection's input, a write drains
            // its output.
            Next::Read | Next::Write => {
                let Ok(left) = time_left(&conn, now) else {
                    conn.expired(now);
                    continue;
                };
                let way = if matches!(next, Next::Read) {
                    Way::Read
                } else {
                    Way::Write
                };
                if timeouts.set(stream, way, left).is_err() {
                    return;
                }
                let result = match way {
                    Way::Read => stream.read(conn.read_space()),
                    Way::Write => stream.write(conn.output()),
                };
                let now = Instant::now();
                match (way, result) {
                    // A read of nothing is the client's FIN; a write of
                    // nothing, a socket that takes no more.
                    (Way::Read, Ok(0)) => conn.eof(),
                    (Way::Write, Ok(0)) => return,
                    (Way::Read, Ok(n)) => conn.received(n, now),
                    (Way::Write, Ok(n)) => conn.sent(n, now),
                    (_, Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                    (_, Err(e)) if is_timeout(&e) => conn.expired(now),
                    (_, Err(_)) => return,
                }
            }
            Next::HalfClose => {
                if stream.shutdown(Shutdown::Write).is_err() {
                    return;
                }
                conn.half_closed(Instant::now());
            }
            // The handler runs on this thread, so it never has a request
            // that `answer` has not returned yet.
            Next::Wait | Next::Close => return,
        }
    }
}

/// The time left until the connection's deadline, rounded up to the next
/// millisecond: `Ok(None)` without a deadline, `Err(())` once it has
/// passed. Rounding makes the common case — the same timeout as last time —
/// repeat exactly, so [`Timeouts`] can skip the system call.
fn time_left(conn: &Conn, now: Instant) -> Result<Option<Duration>, ()> {
    let Some(deadline) = conn.deadline() else {
        return Ok(None);
    };
    let left = deadline.saturating_duration_since(now);
    let ms = u64::try_from(left.as_nanos().div_ceil(1_000_000)).unwrap_or(u64::MAX);
    if ms == 0 {
        return Err(());
    }
    Ok(Some(Duration::from_millis(ms)))
}

/// Which way a transfer goes.
#[derive(Clone, Copy)]
enum Way {
    Read,
    Write,
}

/// The socket's timeouts as last set, reading and writing (`None`: never
/// set), to skip redundant `setsockopt` calls on the hot path.
#[derive(Default)]
struct Timeouts([Option<Option<Duration>>; 2]);

impl Timeouts {
    /// Sets `SO_RCVTIMEO` or `SO_SNDTIMEO` to `t`, unless it already is.
    fn set(&mut self, stream: &TcpStream, way: Way, t: Option<Duration>) -> io::Result<()> {
        let last = &mut self.0[way as usize];
        if *last != Some(t) {
            match way {
                Way::Read => stream.set_read_timeout(t)?,
                Way::Write => stream.set_write_timeout(t)?,
            }
            *last = Some(t);
        }
        Ok(())
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

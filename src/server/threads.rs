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
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::Shared;
use super::connection::{Conn, Next};

/// Serves one connection until it closes. Never panics on client input.
pub(crate) fn serve(stream: TcpStream, shared: &Arc<Shared>) {
    let Ok(peer) = stream.peer_addr() else { return };
    // Responses are written whole, once per batch, so Nagle's algorithm
    // would only add delay (up to 40 ms with delayed ACKs) and buy nothing.
    let _ = stream.set_nodelay(true);
    drive(stream, Conn::new(Arc::clone(shared), peer, Instant::now()));
}

/// Runs `conn` over a blocking `stream` until it is over.
pub(crate) fn drive(mut stream: TcpStream, mut conn: Conn) {
    let mut timeouts = Timeouts::default();
    loop {
        let now = Instant::now();
        match conn.next(now) {
            Next::Handle(req) => {
                let response = super::respond(conn.shared(), &req, conn.peer());
                conn.answer(&req, &response, Instant::now());
            }
            Next::Write => {
                let Ok(left) = time_left(&conn, now) else {
                    conn.expired(now);
                    continue;
                };
                if timeouts.write(&stream, left).is_err() {
                    return;
                }
                match stream.write(conn.output()) {
                    Ok(0) => return,
                    Ok(n) => conn.sent(n, Instant::now()),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) if is_timeout(&e) => conn.expired(Instant::now()),
                    Err(_) => return,
                }
            }
            Next::Read => {
                let Ok(left) = time_left(&conn, now) else {
                    conn.expired(now);
                    continue;
                };
                if timeouts.read(&stream, left).is_err() {
                    return;
                }
                match stream.read(conn.read_space()) {
                    Ok(0) => conn.eof(),
                    Ok(n) => conn.received(n, Instant::now()),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) if is_timeout(&e) => conn.expired(Instant::now()),
                    Err(_) => return,
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

/// The socket's timeouts as last set (`None`: never set), to skip
/// redundant `setsockopt` calls on the hot path.
#[derive(Default)]
struct Timeouts {
    read: Option<Option<Duration>>,
    write: Option<Option<Duration>>,
}

impl Timeouts {
    fn read(&mut self, stream: &TcpStream, t: Option<Duration>) -> io::Result<()> {
        if self.read != Some(t) {
            stream.set_read_timeout(t)?;
            self.read = Some(t);
        }
        Ok(())
    }

    fn write(&mut self, stream: &TcpStream, t: Option<Duration>) -> io::Result<()> {
        if self.write != Some(t) {
            stream.set_write_timeout(t)?;
            self.write = Some(t);
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

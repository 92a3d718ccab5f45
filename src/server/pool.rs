//! Worker threads: one per open connection, reused, and capped.
//!
//! Theory of operation. goldfish uses blocking sockets and gives each open
//! connection a thread of its own. That is the simplest model that is also
//! fair: a client that trickles one byte per second only ever blocks its own
//! thread (and the header timeout ends it), so a few hundred slow clients
//! cannot starve a fast one — the kernel schedules whichever thread has
//! bytes to read. An event loop (epoll) would need `unsafe` system calls or a
//! dependency; threads need neither.
//!
//! What a thread costs: its stack is reserved virtual memory
//! ([`STACK_SIZE`]), of which only the pages actually touched become
//! resident — a few KiB for goldfish's shallow handlers — plus the
//! connection's buffers. That is what makes hundreds of connections cheap.
//!
//! The pool: a finished worker does not exit but waits (up to
//! [`IDLE_WORKER_LINGER`]) for the next connection, so a burst of short
//! connections does not pay for a thread spawn each. Past `max` connections
//! the acceptor does not queue: it answers 503 and closes (see `reject`),
//! because a queue would only turn overload into unbounded latency.
//!
//! All pool state sits behind one mutex, taken once per *connection* (never
//! per request), so there is no lock on the request path.

use std::collections::VecDeque;
use std::net::TcpStream;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

/// Stack reserved per worker thread. Handlers are shallow (the deepest
/// recursion is the JSON decoder, capped at 64 levels), so 256 KiB leaves a
/// wide margin, and only touched pages count against memory.
pub const STACK_SIZE: usize = 256 * 1024;

/// How long an idle worker waits for a new connection before exiting.
pub const IDLE_WORKER_LINGER: Duration = Duration::from_secs(30);

/// Counts and the hand-off queue. Invariants: `busy + idle == total`,
/// `queue.len() <= idle`, `total <= max`.
#[derive(Debug, Default)]
struct State {
    total: usize,
    idle: usize,
    queue: VecDeque<TcpStream>,
}

/// A growable set of worker threads running `work` on each connection.
pub struct Pool {
    state: Mutex<State>,
    wake: Condvar,
    max: usize,
    work: Box<dyn Fn(TcpStream) + Send + Sync>,
}

/// What happened to a connection handed to [`Pool::dispatch`].
#[derive(Debug)]
pub enum Dispatch {
    /// A worker has it.
    Accepted,
    /// Every worker is busy and the cap is reached: here it is back.
    Full(TcpStream),
}

impl Pool {
    /// A pool that runs `work` on each connection, with at most `max` workers.
    pub fn new(max: usize, work: impl Fn(TcpStream) + Send + Sync + 'static) -> Arc<Pool> {
        Arc::new(Pool {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
            max: max.max(1),
            work: Box::new(work),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A worker never panics while holding the lock (connection code runs
        // outside it), but if one did, the counts are still consistent.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Gives a connection to an idle worker, or a new one, or hands it back.
    pub fn dispatch(self: &Arc<Pool>, stream: TcpStream) -> Dispatch {
        let mut s = self.lock();
        if s.idle > s.queue.len() {
            s.queue.push_back(stream);
            drop(s);
            self.wake.notify_one();
            return Dispatch::Accepted;
        }
        if s.total >= self.max {
            return Dispatch::Full(stream);
        }
        s.total += 1;
        drop(s);
        let pool = Arc::clone(self);
        let spawned = thread::Builder::new()
            .name("goldfish-worker".into())
            .stack_size(STACK_SIZE)
            .spawn(move || pool.worker(stream));
        if let Err(e) = spawned {
            // Out of threads (ulimit): behave as if full. The stream moved
            // into the closure that failed to start and is closed with it.
            eprintln!("goldfish: cannot start a worker thread: {e}");
            self.lock().total -= 1;
        }
        Dispatch::Accepted
    }

    /// A worker: serve a connection, then wait for the next one.
    fn worker(self: Arc<Pool>, first: TcpStream) {
        let mut next = Some(first);
        while let Some(stream) = next.take() {
            // Handler panics are caught per request inside `work`; this
            // catch is the last line of defence that keeps the counts right.
            let served = panic::catch_unwind(AssertUnwindSafe(|| (self.work)(stream)));
            if served.is_err() {
                eprintln!("goldfish: a connection thread panicked; the server continues");
            }
            let mut s = self.lock();
            s.idle += 1;
            loop {
                if let Some(stream) = s.queue.pop_front() {
                    next = Some(stream);
                    break;
                }
                let (guard, timeout) = self
                    .wake
                    .wait_timeout(s, IDLE_WORKER_LINGER)
                    .unwrap_or_else(|e| e.into_inner());
                s = guard;
                if timeout.timed_out() && s.queue.is_empty() {
                    break;
                }
            }
            s.idle -= 1;
            if next.is_none() {
                s.total -= 1;
            }
        }
    }

    /// `(open connections, idle workers)`, for tests and the banner.
    pub fn counts(&self) -> (usize, usize) {
        let s = self.lock();
        (s.total - s.idle, s.idle)
    }
}

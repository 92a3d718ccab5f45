//! Worker threads of the threads model: one per open connection, reused,
//! and capped.
//!
//! Theory of operation. With `--io threads`, goldfish uses blocking sockets
//! and gives each open connection a thread of its own. That is the simplest
//! model that is also fair: a client that trickles one byte per second only
//! ever blocks its own thread (and the header timeout ends it), so a few
//! hundred slow clients cannot starve a fast one — the kernel schedules
//! whichever thread has bytes to read. It needs no `unsafe` and no system
//! call beyond what `std` offers; the event loop ([`super::event_loop`])
//! needs `epoll`, declared by hand, and in exchange no thread per
//! connection.
//!
//! What a thread costs: its stack is reserved virtual memory
//! ([`STACK_SIZE`]), of which only the pages actually touched become
//! resident — a few KiB for goldfish's shallow handlers — plus the
//! connection's buffers. That is what makes hundreds of connections cheap.
//!
//! The pool: a finished worker does not exit but waits (up to
//! [`IDLE_WORKER_LINGER`]) for the next connection, so a burst of short
//! connections does not pay for a thread spawn each. Past `max` connections
//! the acceptor does not queue: it answers 503 and closes, because a queue
//! would only turn overload into unbounded latency.
//!
//! All pool state sits behind one mutex, taken once per *connection* (never
//! per request), so there is no lock on the request path.

use std::collections::VecDeque;
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
#[derive(Debug)]
struct State<T> {
    total: usize,
    idle: usize,
    queue: VecDeque<T>,
}

/// A growable set of worker threads running `work` on each job (a
/// connection).
pub struct Pool<T> {
    state: Mutex<State<T>>,
    wake: Condvar,
    max: usize,
    work: Box<dyn Fn(T) + Send + Sync>,
}

/// What happened to a job handed to [`Pool::dispatch`].
#[derive(Debug)]
pub enum Dispatch<T> {
    /// A worker has it.
    Accepted,
    /// Every worker is busy and the cap is reached: here it is back.
    Full(T),
}

impl<T: Send + 'static> Pool<T> {
    /// A pool that runs `work` on each job, with at most `max` workers.
    pub fn new(max: usize, work: impl Fn(T) + Send + Sync + 'static) -> Arc<Pool<T>> {
        Arc::new(Pool {
            state: Mutex::new(State {
                total: 0,
                idle: 0,
                queue: VecDeque::new(),
            }),
            wake: Condvar::new(),
            max: max.max(1),
            work: Box::new(work),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A worker never panics while holding the lock (connection code runs
        // outside it), but if one did, the counts are still consistent.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Gives a job to an idle worker, or a new one, or hands it back.
    pub fn dispatch(self: &Arc<Pool<T>>, job: T) -> Dispatch<T> {
        let mut s = self.lock();
        if s.idle > s.queue.len() {
            s.queue.push_back(job);
            drop(s);
            self.wake.notify_one();
            return Dispatch::Accepted;
        }
        if s.total >= self.max {
            return Dispatch::Full(job);
        }
        s.total += 1;
        drop(s);
        let pool = Arc::clone(self);
        let spawned = thread::Builder::new()
            .name("goldfish-worker".into())
            .stack_size(STACK_SIZE)
            .spawn(move || pool.worker(job));
        if let Err(e) = spawned {
            // Out of threads (ulimit): behave as if full. The job moved
            // into the closure that failed to start and is dropped with it.
            eprintln!("goldfish: cannot start a worker thread: {e}");
            self.lock().total -= 1;
        }
        Dispatch::Accepted
    }

    /// A worker: serve a connection, then wait for the next one.
    fn worker(self: Arc<Pool<T>>, first: T) {
        let mut next = Some(first);
        while let Some(job) = next.take() {
            // Handler panics are caught per request inside `work`; this
            // catch is the last line of defence that keeps the counts right.
            let served = panic::catch_unwind(AssertUnwindSafe(|| (self.work)(job)));
            if served.is_err() {
                eprintln!("goldfish: a connection thread panicked; the server continues");
            }
            let mut s = self.lock();
            s.idle += 1;
            loop {
                if let Some(job) = s.queue.pop_front() {
                    next = Some(job);
                    break;
                }
                let (guard, timeout) = self
                    .wake
                    .wait_timeout(s, IDLE_WORKER_LINGER)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
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

//! The pool for handlers that may block, and how the event loop waits for
//! them.
//!
//! An event loop must never wait: while it waits on one handler, every
//! other connection it serves waits too. Most handlers only compute, and
//! run on the loop. One that may wait on something outside the process — a
//! session store on disk or across the network — says so
//! ([`super::Handler::may_block`]), and runs here instead:
//!
//! 1. the loop sends the request to the pool (a channel) and leaves the
//!    connection in `Handling`, with no deadline;
//! 2. one of [`THREADS`] workers runs the handler (a panic becomes a 500,
//!    as on the loop);
//! 3. it leaves the answer in the loop's `Mailbox` and rings its bell:
//!    one byte on a socket pair whose other end the loop's `epoll` set
//!    watches, so a loop asleep in `epoll_wait` wakes up;
//! 4. the loop takes the answers out of the mailbox and hands each to its
//!    connection ([`super::connection::Conn::answer`]), which carries on.
//!
//! The pool is started on first use, and shared by every loop.

use std::io::Write;
use std::net::SocketAddr;
use std::os::unix::net::UnixStream;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;

use super::{Shared, respond};
use crate::http::{Request, Response};

/// Threads that run handlers which may block. Each waits on its store, not
/// on the CPU, so a few more than the cores is right; a store that stops
/// answering holds up at most this many requests' threads, and each store
/// call has its own deadline (1 s for Redis).
pub const THREADS: usize = 8;

/// Where finished blocking handlers leave their answers, and how the loop
/// is woken to collect them (or to stop).
pub(crate) struct Mailbox {
    done: Mutex<Vec<Done>>,
    /// The end of the loop's socket pair that others write to.
    bell: UnixStream,
}

impl Mailbox {
    /// A mailbox ringing `bell`.
    pub(crate) fn new(bell: UnixStream) -> Mailbox {
        Mailbox {
            done: Mutex::new(Vec::new()),
            bell,
        }
    }

    /// Wakes the loop (a byte on its wake-up socket). A full socket means
    /// a wake-up is pending already.
    pub(crate) fn wake(&self) {
        let _ = (&self.bell).write(&[1]);
    }

    /// Takes every answer left so far.
    pub(crate) fn take(&self) -> Vec<Done> {
        std::mem::take(
            &mut *self
                .done
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

/// A request whose handler ran on the blocking pool, and its answer.
pub(crate) struct Done {
    /// The connection it belongs to, in its loop.
    pub token: u64,
    pub req: Request,
    pub response: Response,
}

/// A request for the blocking pool, and where its answer goes.
pub(crate) struct Job {
    pub shared: Arc<Shared>,
    pub peer: SocketAddr,
    pub token: u64,
    pub req: Request,
    pub mailbox: Arc<Mailbox>,
}

/// The threads that run handlers which may block.
struct Pool {
    jobs: Sender<Job>,
}

/// Runs `job` on the pool (started on first use).
pub(crate) fn run(job: Job) {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..THREADS {
            let rx = Arc::clone(&rx);
            let _ = thread::Builder::new()
                .name(format!("goldfish-blocking-{i}"))
                .spawn(move || blocking_worker(&rx));
        }
        Pool { jobs: tx }
    })
    .send(job);
}

impl Pool {
    fn send(&self, job: Job) {
        if let Err(mpsc::SendError(job)) = self.jobs.send(job) {
            // No worker could be started: answer on the loop after all.
            finish(job);
        }
    }
}

fn blocking_worker(jobs: &Mutex<Receiver<Job>>) {
    loop {
        let job = {
            let jobs = jobs
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            jobs.recv()
        };
        match job {
            Ok(job) => finish(job),
            Err(_) => return,
        }
    }
}

/// Runs a job's handler and posts the answer to its loop.
fn finish(job: Job) {
    let response = respond(&job.shared, &job.req, job.peer);
    let mut done = job
        .mailbox
        .done
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    done.push(Done {
        token: job.token,
        req: job.req,
        response,
    });
    drop(done);
    job.mailbox.wake();
}

//! A background thread that sweeps a store now and then, off the request
//! path.
//!
//! Every store forgets expired sessions by itself when asked for one
//! (`load` never returns an expired session). What is never asked for
//! again — most sessions: a visitor closes the tab — must be swept out, or
//! the store grows forever. PHP does that inside a random request (its
//! "garbage collection probability"), which makes that one visitor wait:
//! with 48,000 session files, ~1 s. goldfish gives each store a thread
//! that sleeps, sweeps, and sleeps again, so no request ever pays.
//!
//! The thread stops when the store is dropped: dropping the [`Sweeper`]
//! closes a channel the thread waits on, which wakes it at once.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// How often the stores sweep by default.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// A running sweeper thread; stopped and joined when dropped.
pub struct Sweeper {
    /// Dropping this wakes the thread and tells it to stop.
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Sweeper {
    /// Runs `sweep` every `every`, on a thread named `name`, until dropped.
    /// `sweep` must not panic; if it does, the thread ends and the store
    /// works on, without sweeping.
    pub fn spawn(name: &str, every: Duration, mut sweep: impl FnMut() + Send + 'static) -> Sweeper {
        let (stop, wait) = mpsc::channel::<()>();
        let thread = thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = wait.recv_timeout(every) {
                    sweep();
                }
            })
            .ok();
        Sweeper {
            stop: Some(stop),
            thread,
        }
    }
}

impl Drop for Sweeper {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl std::fmt::Debug for Sweeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sweeper")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Instant;

    #[test]
    fn it_sweeps_until_dropped_and_stops_at_once() {
        let count = Arc::new(AtomicUsize::new(0));
        let c = Arc::clone(&count);
        let sweeper = Sweeper::spawn("test-sweeper", Duration::from_millis(1), move || {
            c.fetch_add(1, Ordering::SeqCst);
        });
        while count.load(Ordering::SeqCst) < 3 {
            thread::yield_now();
        }
        drop(sweeper);
        let after = count.load(Ordering::SeqCst);
        thread::sleep(Duration::from_millis(20));
        assert_eq!(count.load(Ordering::SeqCst), after, "no sweep after drop");

        // A long interval does not delay the drop.
        let idle = Sweeper::spawn("test-idle", Duration::from_secs(3600), || {});
        let started = Instant::now();
        drop(idle);
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{:?}",
            started.elapsed()
        );
    }
}

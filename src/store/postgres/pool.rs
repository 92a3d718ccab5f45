//! A bounded pool of PostgreSQL connections.
//!
//! A PostgreSQL connection is a server *process* (a few MB, and the server
//! allows `max_connections`, 100 by default, in all), not a cheap Redis
//! client. So the pool is bounded: at most `size` connections exist, idle
//! or in use; a request that finds none idle and the pool full waits (until
//! its deadline) for one to come back, instead of opening another. This is
//! what r2d2, HikariCP and pgbouncer's pools do.
//!
//! The lock guards a `Vec` and a counter, never a network round trip:
//! connecting happens after the lock is released, with the place counted.
//! Invariant: `open` counts the idle connections, those checked out, and
//! those being opened; every checkout is followed by exactly one `checkin`
//! or `closed`.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Instant;

use super::client::Conn;

/// See the module docs.
pub struct Pool {
    size: usize,
    state: Mutex<State>,
    /// Signalled when a connection comes back or a place frees up.
    freed: Condvar,
}

struct State {
    /// Idle connections, most recently used last.
    idle: Vec<Conn>,
    /// Connections in existence (see the module docs). `<= size`.
    open: usize,
}

/// What `checkout` found.
pub enum Checkout {
    /// An idle connection, already logged in (it may have died meanwhile).
    Idle(Conn),
    /// A place for a new connection: the caller opens it, then hands it
    /// back with `checkin`, or calls `closed` if opening failed.
    Open,
    /// Every connection stayed busy until the deadline.
    Busy,
}

impl Pool {
    /// An empty pool of at most `size` connections.
    #[must_use]
    pub fn new(size: usize) -> Pool {
        Pool {
            size,
            state: Mutex::new(State {
                idle: Vec::new(),
                open: 0,
            }),
            freed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Only pushed, popped and counted under the lock: never half-changed.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// An idle connection, else a place for a new one, else waits for
    /// either until `deadline`.
    pub fn checkout(&self, deadline: Instant) -> Checkout {
        let mut state = self.lock();
        loop {
            if let Some(conn) = state.idle.pop() {
                return Checkout::Idle(conn);
            }
            if state.open < self.size {
                state.open += 1;
                return Checkout::Open;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Checkout::Busy;
            }
            state = self
                .freed
                .wait_timeout(state, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
    }

    /// Back to the pool, if it is idle (`ReadyForQuery` `I`); closed otherwise.
    pub fn checkin(&self, conn: Conn) {
        if conn.is_idle() {
            self.lock().idle.push(conn);
            self.freed.notify_one();
        } else {
            drop(conn);
            self.closed();
        }
    }

    /// A connection was closed (or never opened): one place more.
    pub fn closed(&self) {
        let mut state = self.lock();
        state.open = state.open.saturating_sub(1);
        drop(state);
        self.freed.notify_one();
    }

    /// Closes every idle connection (the server is gone: they are dead too).
    pub fn drop_idle(&self) {
        let mut state = self.lock();
        let dead = std::mem::take(&mut state.idle);
        state.open = state.open.saturating_sub(dead.len());
        drop(state);
        drop(dead); // outside the lock: each sends Terminate
        self.freed.notify_all();
    }

    /// Connections in existence now.
    pub fn open(&self) -> usize {
        self.lock().open
    }
}

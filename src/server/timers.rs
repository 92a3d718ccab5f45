//! The event loop's clock: which connection's deadline comes next.
//!
//! A binary heap of `(deadline, token)`, earliest first, with lazy
//! deletion. Deadlines change on almost every request (a connection goes
//! idle, starts a head, finishes it…), and a heap cannot find an entry to
//! move it. So an entry is never moved: it is a promise to look at the
//! connection *no later than* then. When it comes due, the loop asks the
//! connection for its deadline now ([`super::connection::Conn::deadline`]):
//! passed, it expires; later, a new entry is pushed; none, nothing.
//!
//! That keeps the heap small: a new entry is needed only when a deadline
//! moves *earlier* than the one promised (the caller keeps, per
//! connection, the time of its earliest entry), and most moves are later —
//! an idle connection's next request pushes its deadline forward. A
//! connection making requests back to back costs one heap entry per idle
//! timeout, not one per request. Entries left behind by an earlier push,
//! or by a closed connection, are skipped when they come due: each carries
//! the connection's token, whose generation changes when its slot is reused.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

/// Deadlines of connections, by token.
#[derive(Debug, Default)]
pub struct Timers {
    heap: BinaryHeap<Reverse<(Instant, u64)>>,
}

impl Timers {
    /// Promises to report `token` no later than `at`. `promised` is the
    /// caller's record of the earliest entry for this token (updated here):
    /// if that is already as early, nothing is pushed.
    pub fn schedule(&mut self, token: u64, at: Instant, promised: &mut Option<Instant>) {
        if promised.is_none_or(|p| at < p) {
            self.heap.push(Reverse((at, token)));
            *promised = Some(at);
        }
    }

    /// When the earliest entry comes due.
    #[must_use]
    pub fn next(&self) -> Option<Instant> {
        self.heap.peek().map(|Reverse((at, _))| *at)
    }

    /// Takes the earliest entry if it is due at `now`: its time and token.
    /// The caller then checks the entry against its record (`promised`) and
    /// ignores it if it is not the promised one.
    pub fn pop_due(&mut self, now: Instant) -> Option<(Instant, u64)> {
        match self.heap.peek() {
            Some(Reverse((at, _))) if *at <= now => self.heap.pop().map(|Reverse(e)| e),
            _ => None,
        }
    }

    /// Entries in the heap (live and stale), for tests.
    #[must_use]
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_later_deadline_pushes_nothing_an_earlier_one_does() {
        let t0 = Instant::now();
        let s = |secs: u64| t0 + Duration::from_secs(secs);
        let mut timers = Timers::default();
        let mut promised = None;
        #[rustfmt::skip]
        let steps: &[(&str, u64, usize)] = &[
            ("the first deadline is pushed", 5, 1),
            ("a later one is covered by it", 10, 1),
            ("and another", 7, 1),
            ("an earlier one needs its own entry", 1, 2),
        ];
        for (why, at, want_len) in steps {
            timers.schedule(9, s(*at), &mut promised);
            assert_eq!(timers.len(), *want_len, "{why}");
        }
        assert_eq!(promised, Some(s(1)));
        assert_eq!(timers.next(), Some(s(1)));
        assert_eq!(timers.pop_due(s(0)), None, "not due yet");
        assert_eq!(timers.pop_due(s(1)), Some((s(1), 9)));
        // The stale entry at 5 s comes due later; the caller skips it,
        // because it is not the promised one.
        assert_eq!(timers.pop_due(s(6)), Some((s(5), 9)));
        assert!(timers.is_empty());
    }
}

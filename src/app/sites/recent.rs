//! `Recent`: a map that keeps only the most recently used entries.
//!
//! The multi-site lessons remember a little per learner: a SameSite board,
//! a timeline, a demo account, what the tracker has seen. Any web page can
//! make a browser send requests, and a class may run one goldfish for
//! thirty browsers, so every such memory must have a ceiling that no client
//! can raise. `Recent` holds at most `capacity` entries; adding one more
//! forgets the one used longest ago. Each entry is itself bounded by its
//! owner (a board keeps its last arrivals, a timeline its last exchanges),
//! so the whole is bounded too.
//!
//! Keys are random ids the server made (never chosen by a client), so an
//! entry can only be read by whoever was given its id.
//!
//! The eviction scans all entries (O(n)): `n` is a few dozen, and a scan of
//! that is cheaper than keeping a second ordered structure in step.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

/// At most `capacity` entries, the least recently used forgotten first.
#[derive(Debug)]
pub struct Recent<V> {
    capacity: usize,
    /// Bumped on every touch; an entry's stamp says when it was last used.
    clock: u64,
    entries: HashMap<String, (u64, V)>,
}

impl<V> Recent<V> {
    /// An empty map that will hold at most `capacity` entries (at least one).
    pub fn new(capacity: usize) -> Recent<V> {
        Recent {
            capacity: capacity.max(1),
            clock: 0,
            entries: HashMap::new(),
        }
    }

    /// Adds (or replaces) an entry, forgetting the least recently used one
    /// if the map is full.
    pub fn insert(&mut self, key: String, value: V) {
        if !self.entries.contains_key(&key) && self.entries.len() >= self.capacity {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, (stamp, _))| *stamp)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                self.entries.remove(&oldest);
            }
        }
        self.clock += 1;
        self.entries.insert(key, (self.clock, value));
    }

    /// The entry for `key`, marked as just used.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.clock += 1;
        let clock = self.clock;
        self.entries.get_mut(key).map(|(stamp, v)| {
            *stamp = clock;
            v
        })
    }

    /// Removes an entry.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.entries.remove(key).map(|(_, v)| v)
    }

    /// How many entries there are.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

/// Locks a mutex even if a thread panicked while holding it: the maps here
/// hold lesson data, and a half-updated board is better than a server
/// whose every later request panics too.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Appends to a list that keeps only its last `max` items.
pub fn push_bounded<T>(list: &mut std::collections::VecDeque<T>, item: T, max: usize) {
    while list.len() >= max.max(1) {
        list.pop_front();
    }
    list.push_back(item);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_entry_goes_first() {
        let mut r = Recent::new(2);
        r.insert("a".into(), 1);
        r.insert("b".into(), 2);
        // Touch a: b is now the oldest.
        assert_eq!(r.get_mut("a").copied(), Some(1));
        r.insert("c".into(), 3);
        assert_eq!(r.len(), 2);
        assert!(r.get_mut("b").is_none(), "b should have been forgotten");
        assert_eq!(r.get_mut("a").copied(), Some(1));
        assert_eq!(r.get_mut("c").copied(), Some(3));
        // Replacing an entry never evicts another.
        r.insert("c".into(), 4);
        assert_eq!(r.len(), 2);
        assert_eq!(r.get_mut("a").copied(), Some(1));
    }

    #[test]
    fn a_bounded_list_keeps_the_last_items() {
        let mut list = std::collections::VecDeque::new();
        for i in 0..10 {
            push_bounded(&mut list, i, 3);
        }
        assert_eq!(list, [7, 8, 9]);
    }
}

//! `memory`: sessions in a map inside this process.
//!
//! The simplest store there is, and the default: `cargo run` needs nothing
//! else. Its limits are the lesson:
//! - **It dies with the process.** Restart goldfish and every visitor's
//!   session is gone (their `sid` cookies now name nothing).
//! - **It belongs to one process.** Start a second goldfish behind a load
//!   balancer and each has its own map: a visitor whose requests alternate
//!   between the two is known to one and a stranger to the other. That is
//!   why real deployments use a shared store (Redis) or no store at all (a
//!   signed cookie).
//!
//! Like mini-redis's `db.rs`, it is a `HashMap` behind one `std::sync::Mutex`:
//! every operation holds the lock for a hash lookup and a copy of a small
//! string, so contention stays low, and there is no `await` to hold it across.
//!
//! Two things keep it from growing without bound:
//! 1. **Expiry.** Each entry remembers when it expires. `load` ignores (and
//!    removes) an expired entry; every [`SWEEP_EVERY`] a `save` sweeps the
//!    whole map. That is how PHP collects session garbage too: no background
//!    thread, a request pays for the sweep now and then.
//! 2. **A cap** on entries ([`DEFAULT_CAP`]). Anyone can make new sessions
//!    (each one is just a request), so without a cap a script could fill the
//!    memory. At the cap, a new session first sweeps the expired entries,
//!    and if that frees nothing, evicts the entry that expires soonest —
//!    the one written longest ago, since every entry lives as long. (A
//!    production cache such as Redis's `volatile-ttl` policy samples instead
//!    of scanning; scanning 10 000 entries takes tens of microseconds.) The
//!    price: a flood of new sessions pushes out the oldest real ones, so a
//!    production server would also limit how fast one client makes them.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use super::{SessionId, SessionStore, StoreError};

/// Entries kept at most, by default.
pub const DEFAULT_CAP: usize = 10_000;

/// How often a `save` sweeps out every expired entry.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// One stored session.
struct Entry {
    json: String,
    expires: SystemTime,
}

/// Guarded by `MemoryStore::inner`.
struct Inner {
    map: HashMap<SessionId, Entry>,
    /// The next `save` at or after this time sweeps the map.
    next_sweep: SystemTime,
}

impl Inner {
    /// Removes every entry expired at `now`; returns how many went.
    fn sweep(&mut self, now: SystemTime) -> usize {
        let before = self.map.len();
        self.map.retain(|_, e| e.expires > now);
        self.next_sweep = now + SWEEP_EVERY;
        before - self.map.len()
    }
}

/// Sessions in this process's memory. See the module docs.
pub struct MemoryStore {
    /// Most entries the map may hold; at least 1.
    cap: usize,
    inner: Mutex<Inner>,
}

impl MemoryStore {
    /// An empty store holding at most [`DEFAULT_CAP`] sessions.
    pub fn new() -> MemoryStore {
        MemoryStore::with_cap(DEFAULT_CAP)
    }

    /// An empty store holding at most `cap` sessions (at least 1).
    pub fn with_cap(cap: usize) -> MemoryStore {
        MemoryStore {
            cap: cap.max(1),
            inner: Mutex::new(Inner {
                map: HashMap::new(),
                next_sweep: SystemTime::UNIX_EPOCH,
            }),
        }
    }

    /// How many entries the map holds now, expired ones included.
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every entry expired at `now`; returns how many went.
    pub fn sweep(&self, now: SystemTime) -> usize {
        self.lock().sweep(now)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the map half-changed
        // (every change is one HashMap call), so a poisoned lock is safe to use.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for MemoryStore {
    fn default() -> MemoryStore {
        MemoryStore::new()
    }
}

impl SessionStore for MemoryStore {
    fn name(&self) -> &str {
        "memory"
    }

    fn location(&self, id: &SessionId) -> String {
        format!(
            "the entry {id} of a HashMap inside goldfish process {}",
            std::process::id()
        )
    }

    fn load(&self, id: &SessionId, now: SystemTime) -> Result<Option<String>, StoreError> {
        let mut inner = self.lock();
        match inner.map.get(id) {
            Some(e) if e.expires > now => Ok(Some(e.json.clone())),
            Some(_) => {
                inner.map.remove(id);
                Ok(None)
            }
            None => Ok(None),
        }
    }

    fn save(
        &self,
        id: &SessionId,
        json: &str,
        ttl: Duration,
        now: SystemTime,
    ) -> Result<(), StoreError> {
        let mut inner = self.lock();
        if now >= inner.next_sweep {
            inner.sweep(now);
        }
        if !inner.map.contains_key(id) && inner.map.len() >= self.cap {
            // Full: first drop what has expired anyway, then the oldest.
            if inner.sweep(now) == 0 {
                let soonest = inner
                    .map
                    .iter()
                    .min_by_key(|(_, e)| e.expires)
                    .map(|(k, _)| k.clone());
                if let Some(k) = soonest {
                    inner.map.remove(&k);
                }
            }
        }
        let entry = Entry {
            json: json.to_owned(),
            expires: now + ttl,
        };
        inner.map.insert(id.clone(), entry);
        Ok(())
    }

    fn delete(&self, id: &SessionId) -> Result<(), StoreError> {
        self.lock().map.remove(id);
        Ok(())
    }

    fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::{id, round_trip_and_expiry};

    #[test]
    fn round_trip_expiry_and_delete() {
        round_trip_and_expiry(&MemoryStore::new());
    }

    #[test]
    fn expired_entries_are_swept() {
        let store = MemoryStore::new();
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let short = Duration::from_secs(10);
        for _ in 0..5 {
            store.save(&id(), "{}", short, t0).unwrap();
        }
        let keeper = id();
        store
            .save(&keeper, "{\"k\":1}", Duration::from_secs(3600), t0)
            .unwrap();
        assert_eq!(store.len(), 6);
        // Not yet expired: nothing goes.
        let swept_at = t0 + Duration::from_secs(9);
        assert_eq!(store.sweep(swept_at), 0);
        // Within SWEEP_EVERY of that sweep, a save does not sweep again…
        let soon = swept_at + SWEEP_EVERY - Duration::from_secs(1);
        store
            .save(&keeper, "{\"k\":1}", Duration::from_secs(3600), soon)
            .unwrap();
        assert_eq!(store.len(), 6, "expired, but not swept yet");
        // …after it, the next save sweeps.
        let later = swept_at + SWEEP_EVERY;
        store.save(&id(), "{}", short, later).unwrap();
        assert_eq!(store.len(), 2, "5 expired entries swept, keeper + new stay");
        assert_eq!(
            store.load(&keeper, later).unwrap().as_deref(),
            Some("{\"k\":1}")
        );
    }

    #[test]
    fn the_cap_holds_and_evicts_the_oldest() {
        let store = MemoryStore::with_cap(3);
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let ttl = Duration::from_secs(3600);
        let ids: Vec<SessionId> = (0..5).map(|_| id()).collect();
        for (i, sid) in ids.iter().enumerate() {
            store
                .save(
                    sid,
                    &format!("{{\"n\":{i}}}"),
                    ttl,
                    t0 + Duration::from_secs(i as u64),
                )
                .unwrap();
            assert!(
                store.len() <= 3,
                "len {} after {} saves",
                store.len(),
                i + 1
            );
        }
        let now = t0 + Duration::from_secs(10);
        let alive: Vec<bool> = ids
            .iter()
            .map(|s| store.load(s, now).unwrap().is_some())
            .collect();
        assert_eq!(
            alive,
            [false, false, true, true, true],
            "the two oldest were evicted"
        );
        // Rewriting an existing entry at the cap evicts nothing.
        store.save(&ids[2], "{\"n\":22}", ttl, now).unwrap();
        let alive: Vec<bool> = ids
            .iter()
            .map(|s| store.load(s, now).unwrap().is_some())
            .collect();
        assert_eq!(alive, [false, false, true, true, true]);
    }

    #[test]
    fn at_the_cap_expired_entries_go_before_live_ones() {
        let store = MemoryStore::with_cap(2);
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let (old, live, new) = (id(), id(), id());
        store
            .save(&live, "{}", Duration::from_secs(3600), t0)
            .unwrap();
        store
            .save(
                &old,
                "{}",
                Duration::from_secs(5),
                t0 + Duration::from_secs(1),
            )
            .unwrap();
        let now = t0 + Duration::from_secs(30);
        store
            .save(&new, "{}", Duration::from_secs(3600), now)
            .unwrap();
        assert!(store.load(&live, now).unwrap().is_some(), "live entry kept");
        assert!(store.load(&new, now).unwrap().is_some());
        assert!(store.load(&old, now).unwrap().is_none());
    }

    #[test]
    fn parallel_requests_share_one_map() {
        let store = std::sync::Arc::new(MemoryStore::new());
        let now = SystemTime::now();
        let handles: Vec<_> = (0..8)
            .map(|t| {
                let store = std::sync::Arc::clone(&store);
                std::thread::spawn(move || {
                    for i in 0..100 {
                        let sid = id();
                        let json = format!("{{\"t\":{t},\"i\":{i}}}");
                        store
                            .save(&sid, &json, Duration::from_secs(60), now)
                            .unwrap();
                        assert_eq!(store.load(&sid, now).unwrap(), Some(json));
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(store.len(), 800);
    }
}

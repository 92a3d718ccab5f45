//! `memory`: sessions in a map inside this process.
//!
//! The simplest store there is, and the default: `cargo run` needs nothing
//! else. Its limits are the lesson:
//! - **It dies with the process.** Restart goldfish and every visitor's
//!   session is gone (their `sid` cookies now name nothing).
//! - **It belongs to one process.** Start a second goldfish behind a load
//!   balancer and each has its own map: a visitor whose requests alternate
//!   between the two is known to one and a stranger to the other. That is
//!   why real deployments use a shared store (Redis, PostgreSQL) or no
//!   store at all (a signed cookie).
//!
//! Like mini-redis's `db.rs`, it is a `HashMap` behind one `std::sync::Mutex`:
//! every operation holds the lock for a hash lookup and a copy of a small
//! string, so contention stays low, and there is no `await` to hold it across.
//!
//! Two things keep it from growing without bound:
//! 1. **Expiry.** Each entry remembers when it expires. `load` ignores (and
//!    removes) an expired entry, and a [`Sweeper`] thread removes every
//!    expired entry once a minute, outside any request.
//! 2. **A cap** on entries (`--max-sessions`, 10 000 by default). Anyone
//!    can make new sessions (each one is just a request), so at the cap one
//!    entry must go for each new one. Which one matters: a script that
//!    sends 10,000 requests without keeping cookies must not log every
//!    real visitor out. So entries come in two kinds:
//!    - **anonymous**: stored once, and no request has brought its id back
//!      since. A flood of cookie-less requests makes only these. So does a
//!      visitor who stores something and never returns.
//!    - **in use**: a request came back with its id (its `load` found it),
//!      or saved it again. Every real visitor's session becomes one at the
//!      next page: `POST /server-session` redirects to `GET`, which loads it.
//!
//!    At the cap, the oldest anonymous entry goes first; only when there is
//!    none, the in-use entry that has gone unused the longest. Both orders
//!    are kept in `BTreeMap`s keyed by a counter that ticks on every use,
//!    so choosing costs `O(log n)`, never a scan of the map. (Redis's
//!    `allkeys-lru` samples instead; an exact order is cheap at this size.)
//!    The app also limits how fast one client makes new sessions
//!    ([`super::limit`]), so one client cannot even fill the anonymous half.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use super::sweeper::{SWEEP_EVERY, Sweeper};
use super::{
    DEFAULT_MAX_SESSIONS, Result, Save, SessionId, SessionStore, StoreConfig, Trace, Write,
};

/// Entries kept at most, by default.
pub const DEFAULT_CAP: usize = DEFAULT_MAX_SESSIONS;

/// One stored session.
struct Entry {
    json: String,
    expires: SystemTime,
    /// A request has brought this id back (see the module docs).
    in_use: bool,
    /// When it was last used, on `Inner::clock`: its key in `anonymous` or `in_use`.
    tick: u64,
}

/// Guarded by `MemoryStore::inner`. Invariant: every entry of `map` is in
/// exactly one of `anonymous` and `in_use`, under its `tick`, and nothing
/// else is.
struct Inner {
    map: HashMap<SessionId, Entry>,
    /// Anonymous entries, oldest first.
    anonymous: BTreeMap<u64, SessionId>,
    /// Entries in use, least recently used first.
    in_use: BTreeMap<u64, SessionId>,
    /// Ticks once per insert or use.
    clock: u64,
}

impl Inner {
    fn queue(&mut self, in_use: bool) -> &mut BTreeMap<u64, SessionId> {
        if in_use {
            &mut self.in_use
        } else {
            &mut self.anonymous
        }
    }

    /// Moves `id` to the back of the in-use queue: used just now.
    fn touch(&mut self, id: &SessionId) {
        self.clock += 1;
        let tick = self.clock;
        let Some(entry) = self.map.get_mut(id) else {
            return;
        };
        let (was_in_use, old) = (entry.in_use, entry.tick);
        entry.in_use = true;
        entry.tick = tick;
        self.queue(was_in_use).remove(&old);
        self.in_use.insert(tick, id.clone());
    }

    fn remove(&mut self, id: &SessionId) -> Option<Entry> {
        let entry = self.map.remove(id)?;
        self.queue(entry.in_use).remove(&entry.tick);
        Some(entry)
    }

    /// Removes the entry to give up first: the oldest anonymous one, else
    /// the least recently used one.
    fn evict_one(&mut self) {
        let victim = match self.anonymous.first_key_value() {
            Some((_, id)) => id.clone(),
            None => match self.in_use.first_key_value() {
                Some((_, id)) => id.clone(),
                None => return,
            },
        };
        self.remove(&victim);
    }

    /// Removes every entry expired at `now`; returns how many went.
    fn sweep(&mut self, now: SystemTime) -> usize {
        let dead: Vec<SessionId> = self
            .map
            .iter()
            .filter(|(_, e)| e.expires <= now)
            .map(|(id, _)| id.clone())
            .collect();
        for id in &dead {
            self.remove(id);
        }
        dead.len()
    }
}

/// Sessions in this process's memory. See the module docs.
pub struct MemoryStore {
    /// Most entries the map may hold; at least 1.
    cap: usize,
    /// Always `StoreConfig::Memory`, for `config()`.
    config: StoreConfig,
    inner: Arc<Mutex<Inner>>,
    /// Sweeps `inner` once a minute; stops when the store is dropped.
    _sweeper: Sweeper,
}

impl MemoryStore {
    /// An empty store holding at most [`DEFAULT_CAP`] sessions.
    #[must_use]
    pub fn new() -> MemoryStore {
        MemoryStore::with_cap(DEFAULT_CAP)
    }

    /// An empty store holding at most `cap` sessions (at least 1).
    #[must_use]
    pub fn with_cap(cap: usize) -> MemoryStore {
        let inner = Arc::new(Mutex::new(Inner {
            map: HashMap::new(),
            anonymous: BTreeMap::new(),
            in_use: BTreeMap::new(),
            clock: 0,
        }));
        let swept = Arc::clone(&inner);
        let sweeper = Sweeper::spawn("goldfish-sweep-memory", SWEEP_EVERY, move || {
            lock(&swept).sweep(SystemTime::now());
        });
        MemoryStore {
            cap: cap.max(1),
            config: StoreConfig::Memory,
            inner,
            _sweeper: sweeper,
        }
    }

    /// How many entries the map holds now, expired ones included.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// Whether the map is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every entry expired at `now`; returns how many went. (The
    /// sweeper thread calls this every minute.)
    #[must_use]
    pub fn sweep(&self, now: SystemTime) -> usize {
        self.lock().sweep(now)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        lock(&self.inner)
    }
}

/// A panic while holding the lock cannot leave the map and its queues
/// disagreeing in a way that matters (a stale queue entry is skipped), so
/// a poisoned lock is safe to use.
fn lock(inner: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
    inner
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Default for MemoryStore {
    fn default() -> MemoryStore {
        MemoryStore::new()
    }
}

/// How long until `expires`, in words, for the trace.
fn expires_in(expires: SystemTime, now: SystemTime) -> String {
    let secs = expires.duration_since(now).map_or(0, |d| d.as_secs());
    match secs {
        s if s >= 86_400 => format!("expires in {} days", s / 86_400),
        s => format!("expires in {s} s"),
    }
}

impl SessionStore for MemoryStore {
    fn config(&self) -> &StoreConfig {
        &self.config
    }

    fn location(&self, id: &SessionId) -> String {
        format!(
            "the entry {id} of a HashMap inside goldfish process {}",
            std::process::id()
        )
    }

    fn load(&self, id: &SessionId, now: SystemTime, trace: &mut Trace) -> Result<Option<String>> {
        trace.sent(|| format!("map.get(\"{id}\")"));
        let mut inner = self.lock();
        let found = match inner.map.get(id) {
            Some(e) if e.expires > now => {
                let json = e.json.clone();
                trace.got(|| format!("Some: {json}, {}", expires_in(e.expires, now)));
                inner.touch(id);
                Some(json)
            }
            Some(_) => {
                trace.got(|| "Some, but expired: removed".into());
                inner.remove(id);
                None
            }
            None => {
                trace.got(|| "None".into());
                None
            }
        };
        Ok(found)
    }

    fn put(&self, save: Save<'_>, trace: &mut Trace) -> Result<()> {
        let Save { id, json, .. } = save;
        trace.sent(|| format!("map.insert(\"{id}\", {json})"));
        let mut inner = self.lock();
        let expires = save.now + save.ttl;
        if let Some(entry) = inner.map.get_mut(id) {
            json.clone_into(&mut entry.json);
            entry.expires = expires;
            inner.touch(id);
            trace.got(|| "replaced".into());
            return Ok(());
        }
        let mut evicted = 0;
        while inner.map.len() >= self.cap {
            inner.evict_one();
            evicted += 1;
        }
        inner.clock += 1;
        let (tick, in_use) = (inner.clock, save.write == Write::Update);
        inner.queue(in_use).insert(tick, id.clone());
        inner.map.insert(
            id.clone(),
            Entry {
                json: json.to_owned(),
                expires,
                in_use,
                tick,
            },
        );
        trace.got(|| match evicted {
            0 => "inserted".into(),
            n => format!(
                "inserted; the map was at its cap of {}, so {n} evicted",
                self.cap
            ),
        });
        Ok(())
    }

    fn delete(&self, id: &SessionId, trace: &mut Trace) -> Result<()> {
        trace.sent(|| format!("map.remove(\"{id}\")"));
        let gone = self.lock().remove(id).is_some();
        trace.got(|| if gone { "Some: removed" } else { "None" }.into());
        Ok(())
    }

    fn ping(&self) -> Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests;

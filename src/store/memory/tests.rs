use super::*;
use crate::store::tests::{
    create, delete, every_call_is_traced, id, load, round_trip_and_expiry, save,
};
use std::time::Duration;

const HOUR: Duration = Duration::from_secs(3600);

fn t0() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000)
}

#[test]
fn round_trip_expiry_and_delete() {
    round_trip_and_expiry(&MemoryStore::new());
    every_call_is_traced(&MemoryStore::new());
}

#[test]
fn expired_entries_are_swept() {
    let store = MemoryStore::new();
    let short = Duration::from_secs(10);
    for _ in 0..5 {
        create(&store, &id(), "{}", short, t0()).unwrap();
    }
    let keeper = id();
    create(&store, &keeper, "{\"k\":1}", HOUR, t0()).unwrap();
    assert_eq!(store.len(), 6);
    // Not yet expired: nothing goes.
    assert_eq!(store.sweep(t0() + Duration::from_secs(9)), 0);
    // Expired: the five go, the keeper stays, and the queues agree.
    let later = t0() + Duration::from_secs(11);
    assert_eq!(store.sweep(later), 5);
    assert_eq!(store.len(), 1);
    assert_eq!(
        load(&store, &keeper, later).unwrap().as_deref(),
        Some("{\"k\":1}")
    );
    let inner = store.lock();
    assert_eq!(inner.anonymous.len() + inner.in_use.len(), inner.map.len());
}

/// The order of eviction at the cap, one row per situation: which of the
/// sessions survive the arrival of one more.
#[test]
fn at_the_cap_anonymous_sessions_go_before_sessions_in_use() {
    // (why, how each of three sessions was used, which survive a 4th)
    //   'a' = stored, never brought back (anonymous); 'u' = brought back once
    let cases: &[(&str, &str, [bool; 3])] = &[
        ("all anonymous: the oldest goes", "aaa", [false, true, true]),
        (
            "the oldest in use, the others anonymous: the oldest anonymous goes",
            "uaa",
            [true, false, true],
        ),
        (
            "only the newest is anonymous: it goes, however new",
            "uua",
            [true, true, false],
        ),
        (
            "all in use: the least recently used goes",
            "uuu",
            [false, true, true],
        ),
    ];
    for (why, uses, want) in cases {
        let store = MemoryStore::with_cap(3);
        let ids: Vec<SessionId> = (0..3).map(|_| id()).collect();
        for (sid, how) in ids.iter().zip(uses.chars()) {
            create(&store, sid, "{}", HOUR, t0()).unwrap();
            if how == 'u' {
                load(&store, sid, t0()).unwrap();
            }
        }
        create(&store, &id(), "{}", HOUR, t0()).unwrap();
        let alive: Vec<bool> = ids
            .iter()
            .map(|s| store.lock().map.contains_key(s))
            .collect();
        assert_eq!(alive, want, "{why}");
        assert_eq!(store.len(), 3, "{why}: the cap holds");
    }
}

#[test]
fn a_flood_of_anonymous_sessions_never_evicts_one_in_use() {
    let store = MemoryStore::with_cap(100);
    let victim = id();
    create(&store, &victim, "{\"fav_color\":\"victim\"}", HOUR, t0()).unwrap();
    load(&store, &victim, t0()).unwrap(); // the redirect's GET: in use
    for _ in 0..10_000 {
        create(&store, &id(), "{\"fav_color\":\"x\"}", HOUR, t0()).unwrap();
    }
    assert_eq!(store.len(), 100);
    assert_eq!(
        load(&store, &victim, t0()).unwrap().as_deref(),
        Some("{\"fav_color\":\"victim\"}")
    );
}

#[test]
fn using_a_session_again_moves_it_to_the_back() {
    let store = MemoryStore::with_cap(2);
    let (a, b) = (id(), id());
    for sid in [&a, &b] {
        create(&store, sid, "{}", HOUR, t0()).unwrap();
        load(&store, sid, t0()).unwrap();
    }
    // a is used again: b is now the least recently used.
    save(&store, &a, "{\"v\":2}", HOUR, t0()).unwrap();
    create(&store, &id(), "{}", HOUR, t0()).unwrap();
    assert!(load(&store, &a, t0()).unwrap().is_some());
    assert!(load(&store, &b, t0()).unwrap().is_none());
}

#[test]
fn rewriting_or_deleting_keeps_the_queues_true() {
    let store = MemoryStore::with_cap(3);
    let ids: Vec<SessionId> = (0..3).map(|_| id()).collect();
    for sid in &ids {
        create(&store, sid, "{}", HOUR, t0()).unwrap();
    }
    // Rewriting an existing entry at the cap evicts nothing.
    save(&store, &ids[2], "{\"n\":2}", HOUR, t0()).unwrap();
    assert_eq!(store.len(), 3);
    delete(&store, &ids[0]).unwrap();
    let inner = store.lock();
    assert_eq!(inner.map.len(), 2);
    assert_eq!(inner.anonymous.len() + inner.in_use.len(), 2);
}

#[test]
fn parallel_requests_share_one_map() {
    let store = Arc::new(MemoryStore::new());
    let now = SystemTime::now();
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                for i in 0..100 {
                    let sid = id();
                    let json = format!("{{\"t\":{t},\"i\":{i}}}");
                    create(&*store, &sid, &json, Duration::from_secs(60), now).unwrap();
                    assert_eq!(load(&*store, &sid, now).unwrap(), Some(json));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(store.len(), 800);
}

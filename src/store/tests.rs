//! What every store must do: checks shared by the stores' own tests.

use super::*;

/// A fresh random id.
pub(crate) fn id() -> SessionId {
    SessionId::generate().expect("/dev/urandom")
}

/// `store.load` without a trace.
pub(crate) fn load(
    store: &dyn SessionStore,
    id: &SessionId,
    now: SystemTime,
) -> Result<Option<String>, StoreError> {
    store.load(id, now, &mut Trace::off())
}

/// `store.save` of a session a request brought back ([`Write::Update`]), without a trace.
pub(crate) fn save(
    store: &dyn SessionStore,
    id: &SessionId,
    json: &str,
    ttl: Duration,
    now: SystemTime,
) -> Result<(), StoreError> {
    store.save(id, json, ttl, now, Write::Update, &mut Trace::off())
}

/// `store.save` of a brand-new session ([`Write::New`]), without a trace.
pub(crate) fn create(
    store: &dyn SessionStore,
    id: &SessionId,
    json: &str,
    ttl: Duration,
    now: SystemTime,
) -> Result<(), StoreError> {
    store.save(id, json, ttl, now, Write::New, &mut Trace::off())
}

/// `store.delete` without a trace.
pub(crate) fn delete(store: &dyn SessionStore, id: &SessionId) -> Result<(), StoreError> {
    store.delete(id, &mut Trace::off())
}

/// Round trip, replace, expiry and delete, for a store that keeps time
/// with the `now` it is given (memory, file).
pub(crate) fn round_trip_and_expiry(store: &dyn SessionStore) {
    let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000);
    let ttl = Duration::from_secs(60);
    let (a, b) = (id(), id());
    let name = store.name();

    // Never stored: none.
    assert_eq!(load(store, &a, t0), Ok(None), "{name}: unknown id");
    // Round trip, byte for byte (non-ASCII escaped as Flask does, and raw).
    let json = r#"{"fav_color":"Zo\u00eb","n":[1,2.5,null],"raw":"zoë"}"#;
    create(store, &a, json, ttl, t0).unwrap();
    assert_eq!(
        load(store, &a, t0).unwrap().as_deref(),
        Some(json),
        "{name}"
    );
    // Keys do not mix.
    assert_eq!(load(store, &b, t0), Ok(None), "{name}: other id");
    // Saving again replaces, and restarts the clock.
    let later = t0 + Duration::from_secs(50);
    save(store, &a, r#"{"v":2}"#, ttl, later).unwrap();
    let still = t0 + Duration::from_secs(100);
    assert_eq!(
        load(store, &a, still).unwrap().as_deref(),
        Some(r#"{"v":2}"#),
        "{name}"
    );
    // Expired: gone.
    let expired = later + ttl + Duration::from_secs(1);
    assert_eq!(load(store, &a, expired), Ok(None), "{name}: expired");
    // Delete, and deleting twice is fine.
    create(store, &b, "{}", ttl, t0).unwrap();
    delete(store, &b).unwrap();
    delete(store, &b).unwrap();
    assert_eq!(load(store, &b, t0), Ok(None), "{name}: deleted");
    store.ping().unwrap();
}

/// The trace records something for every call: what was sent and what came back.
pub(crate) fn every_call_is_traced(store: &dyn SessionStore) {
    let now = SystemTime::now();
    let sid = id();
    let mut trace = Trace::new();
    store
        .save(
            &sid,
            "{\"t\":1}",
            Duration::from_secs(60),
            now,
            Write::New,
            &mut trace,
        )
        .unwrap();
    store.load(&sid, now, &mut trace).unwrap();
    store.delete(&sid, &mut trace).unwrap();
    let sent = trace
        .lines()
        .iter()
        .filter(|l| l.dir == trace::Dir::Sent)
        .count();
    let got = trace
        .lines()
        .iter()
        .filter(|l| l.dir == trace::Dir::Got)
        .count();
    assert!(
        sent >= 3 && got >= 3,
        "{}: {:#?}",
        store.name(),
        trace.lines()
    );
    assert!(
        trace.lines().iter().any(|l| l.text.contains(sid.as_str())),
        "{}: the id appears in the trace",
        store.name()
    );
}

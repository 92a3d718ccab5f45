use super::*;
use crate::store::DEFAULT_MAX_SESSIONS;
use crate::store::tests::{create, every_call_is_traced, id, load, round_trip_and_expiry, save};
use std::sync::Arc;

/// A fresh directory path under the system's temp dir (not created), removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "goldfish-file-store-{tag}-{}-{n}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&path);
        TempDir(path)
    }

    fn open(&self) -> FileStore {
        FileStore::open(&self.0, DEFAULT_MAX_SESSIONS).unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const HOUR: Duration = Duration::from_secs(3600);

fn t0() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000)
}

#[test]
fn round_trip_expiry_and_delete() {
    let dir = TempDir::new("round-trip");
    round_trip_and_expiry(&dir.open());
    every_call_is_traced(&dir.open());
}

#[test]
fn the_file_is_two_readable_lines() {
    let dir = TempDir::new("format");
    let store = dir.open();
    let sid = id();
    create(
        &store,
        &sid,
        r#"{"fav_color":"teal"}"#,
        Duration::from_secs(100_000),
        t0(),
    )
    .unwrap();
    let text = fs::read_to_string(store.path(&sid)).unwrap();
    assert_eq!(text, "expires 1764100000\n{\"fav_color\":\"teal\"}\n");
    assert_eq!(
        files_in(&dir.0),
        [format!("{sid}.session")],
        "no temp file left"
    );
    let mode = fs::metadata(store.path(&sid)).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "session files are private");
    let mode = fs::metadata(&dir.0).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "and so is the directory goldfish made");
}

#[test]
fn decode_refuses_what_it_did_not_write() {
    let cases: &[(&str, &str, Option<(u64, &str)>)] = &[
        ("what encode writes", "expires 5\n{}\n", Some((5, "{}"))),
        ("cut short: no final newline", "expires 5\n{}", None),
        ("cut short: no JSON line", "expires 5\n", None),
        ("no number", "expires \n{}\n", None),
        ("not seconds since 1970", "expires -1\n{}\n", None),
        ("not our spelling", "Expires 5\n{}\n", None),
        ("two JSON lines", "expires 5\n{}\n{}\n", None),
        ("empty", "", None),
    ];
    for (why, text, want) in cases {
        assert_eq!(decode(text), *want, "{why}: decode({text:?})");
    }
}

/// The crash-safety property: a save interrupted at any point before
/// the rename leaves the previous version readable.
#[test]
fn an_interrupted_write_leaves_the_previous_version() {
    let dir = TempDir::new("crash");
    let store = dir.open();
    let sid = id();
    let now = SystemTime::now();
    create(&store, &sid, r#"{"v":1}"#, HOUR, now).unwrap();

    // A save of version 2 "crashes" halfway through writing: step 1
    // wrote only part of the new contents and step 2 (rename) never ran.
    let whole = encode(r#"{"v":2,"padding":"xxxxxxxxxxxxxxxx"}"#, 9_999_999_999);
    for cut in [0, 1, whole.len() / 2, whole.len() - 1, whole.len()] {
        let temp = store.write_temp(&sid, &whole.as_bytes()[..cut]).unwrap();
        assert!(temp.exists());
        assert_eq!(
            load(&store, &sid, now).unwrap().as_deref(),
            Some(r#"{"v":1}"#),
            "after a crash with {cut} bytes of the new version written"
        );
    }

    // The leftovers are removed by a sweep once they are stale, and not before.
    let sessions = format!("{sid}.session");
    assert_eq!(store.sweep(now).unwrap(), 0);
    assert_eq!(files_in(&dir.0).len(), 6, "{:?}", files_in(&dir.0));
    assert_eq!(
        store
            .sweep(now + STALE_TEMP + Duration::from_secs(60))
            .unwrap(),
        5
    );
    assert_eq!(files_in(&dir.0), [sessions]);
    // And a save that does finish replaces the old version whole.
    save(&store, &sid, r#"{"v":3}"#, HOUR, now).unwrap();
    assert_eq!(
        load(&store, &sid, now).unwrap().as_deref(),
        Some(r#"{"v":3}"#)
    );
}

#[test]
fn a_truncated_or_foreign_file_is_no_session_not_an_error() {
    let dir = TempDir::new("foreign");
    let store = dir.open();
    let now = SystemTime::now();
    let cases: &[(&str, &[u8])] = &[
        ("cut short", b"expires 9999999999\n{\"v\":"),
        ("empty", b""),
        ("not UTF-8", b"expires 9999999999\n\xff\xfe\n"),
        ("something else", b"<html>\n"),
    ];
    for (why, bytes) in cases {
        let sid = id();
        fs::write(store.path(&sid), bytes).unwrap();
        assert_eq!(load(&store, &sid, now), Ok(None), "{why}");
    }
}

#[test]
fn sweep_removes_expired_sessions_and_leaves_other_files() {
    let dir = TempDir::new("sweep");
    let store = dir.open();
    let (short, long) = (id(), id());
    create(&store, &short, "{}", Duration::from_secs(10), t0()).unwrap();
    create(&store, &long, "{}", HOUR, t0()).unwrap();
    fs::write(dir.0.join("README"), "not a session").unwrap();
    assert_eq!(store.count(), 2);
    assert_eq!(store.sweep(t0() + Duration::from_secs(20)).unwrap(), 1);
    let mut want = vec![format!("{long}.session"), "README".to_string()];
    want.sort();
    assert_eq!(files_in(&dir.0), want);
    assert_eq!(store.count(), 1, "the sweep recounts");
}

/// Sweeping is the sweeper thread's job: a save never pays for it, however
/// long since the last sweep.
#[test]
fn a_save_never_sweeps() {
    let dir = TempDir::new("no-sweep-in-save");
    let store = dir.open();
    let gone = id();
    create(&store, &gone, "{}", Duration::from_secs(10), t0()).unwrap();
    for minutes in [1, 10, 1000] {
        let later = t0() + Duration::from_secs(60 * minutes);
        create(&store, &id(), "{}", HOUR, later).unwrap();
        assert!(store.path(&gone).exists(), "after {minutes} minutes");
    }
    store.sweep(t0() + Duration::from_secs(20)).unwrap();
    assert!(!store.path(&gone).exists());
}

#[test]
fn opening_sweeps_what_expired_while_goldfish_was_down() {
    let dir = TempDir::new("open-sweeps");
    let store = dir.open();
    let old = id();
    fs::write(store.path(&old), encode("{}", 1)).unwrap();
    drop(store);
    let store = dir.open();
    assert!(!store.path(&old).exists());
    assert_eq!(store.count(), 0);
}

#[test]
fn new_sessions_stop_at_the_cap_and_old_ones_keep_working() {
    let dir = TempDir::new("cap");
    let store = FileStore::open(&dir.0, 3).unwrap();
    let ids: Vec<SessionId> = (0..3).map(|_| id()).collect();
    for sid in &ids {
        create(&store, sid, "{}", HOUR, t0()).unwrap();
    }
    let refused = create(&store, &id(), "{}", HOUR, t0());
    assert_eq!(
        refused,
        Err(StoreError::Full {
            store: StoreConfig::File(dir.0.clone()),
            cap: 3
        })
    );
    assert_eq!(files_in(&dir.0).len(), 3, "nothing written");
    // An existing session is still updated, and a delete frees a place.
    save(&store, &ids[0], "{\"v\":2}", HOUR, t0()).unwrap();
    crate::store::tests::delete(&store, &ids[1]).unwrap();
    create(&store, &id(), "{}", HOUR, t0()).unwrap();
}

#[test]
fn every_path_is_directly_inside_the_directory() {
    let dir = TempDir::new("paths");
    let store = dir.open();
    for _ in 0..100 {
        let p = store.path(&id());
        assert_eq!(p.parent(), Some(dir.0.as_path()), "{p:?}");
    }
}

/// Many threads save and load the same session and different ones at
/// once: every read sees one whole version, never a torn one.
#[test]
fn parallel_saves_never_tear_a_file() {
    let dir = TempDir::new("parallel");
    let store = Arc::new(dir.open());
    let shared = id();
    let now = SystemTime::now();
    create(&*store, &shared, r#"{"t":-1,"i":-1}"#, HOUR, now).unwrap();
    let handles: Vec<_> = (0..6)
        .map(|t| {
            let store = Arc::clone(&store);
            let shared = shared.clone();
            std::thread::spawn(move || {
                let own = id();
                for i in 0..40 {
                    let json = format!(r#"{{"t":{t},"i":{i},"pad":"{}"}}"#, "x".repeat(i * 50));
                    save(&*store, &shared, &json, HOUR, now).unwrap();
                    save(&*store, &own, &json, HOUR, now).unwrap();
                    let seen = load(&*store, &shared, now).unwrap().expect("never missing");
                    assert!(
                        crate::session::from_json(&seen).is_ok(),
                        "torn read: {seen:?}"
                    );
                    assert_eq!(load(&*store, &own, now).unwrap(), Some(json));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    // 6 own sessions + the shared one; no temporary file left behind.
    assert_eq!(files_in(&dir.0).len(), 7, "{:?}", files_in(&dir.0));
}

/// Review #7: a directory others can enter, or that someone else owns,
/// hands every visitor's session to them. Refused, with the fix.
#[test]
fn an_unsafe_directory_is_refused_with_the_fix() {
    let refuse = |dir: &TempDir| FileStore::open(&dir.0, 10).err().expect("refused");

    let dir = TempDir::new("a-file");
    fs::write(&dir.0, "a file, not a directory").unwrap();
    let e = refuse(&dir);
    assert!(e.to_string().contains("create the directory"), "{e}");
    let _ = fs::remove_file(&dir.0);

    for (why, mode) in [
        ("world-writable", 0o777),
        ("listable by others", 0o755),
        ("group-readable", 0o740),
    ] {
        let dir = TempDir::new("open");
        fs::create_dir(&dir.0).unwrap();
        fs::set_permissions(&dir.0, fs::Permissions::from_mode(mode)).unwrap();
        let e = refuse(&dir);
        assert_eq!(
            e,
            StoreError::UnsafeDirectory {
                store: StoreConfig::File(dir.0.clone()),
                path: dir.0.clone(),
                problem: DirProblem::OpenToOthers { mode }
            },
            "{why}"
        );
        assert!(
            e.advice()
                .contains(&format!("chmod 700 {}", dir.0.display())),
            "{why}: {}",
            e.advice()
        );
        assert!(
            e.advice().contains("such as file:$HOME/goldfish-sessions"),
            "{why}: the suggested new directory is a private one, never a shared temp dir: {}",
            e.advice()
        );
        assert!(
            files_in(&dir.0).is_empty(),
            "{why}: nothing written into it"
        );
    }

    // Owned by someone else (needs root to arrange: chown to nobody).
    let dir = TempDir::new("owner");
    fs::create_dir(&dir.0).unwrap();
    fs::set_permissions(&dir.0, fs::Permissions::from_mode(0o700)).unwrap();
    let me = fs::metadata(&dir.0).unwrap().uid();
    if me == 0 {
        let ok = std::process::Command::new("chown")
            .arg("65534")
            .arg(&dir.0)
            .status();
        assert!(ok.is_ok_and(|s| s.success()), "chown 65534");
        let e = refuse(&dir);
        assert_eq!(
            e,
            StoreError::UnsafeDirectory {
                store: StoreConfig::File(dir.0.clone()),
                path: dir.0.clone(),
                problem: DirProblem::Owner {
                    owner: 65534,
                    me: 0
                }
            }
        );
    } else {
        eprintln!(
            "an_unsafe_directory_is_refused_with_the_fix: not root, the other-owner case needs chown"
        );
    }
}

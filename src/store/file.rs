//! `file:DIR`: one file per session, in a directory.
//!
//! What Flask-Session's `FileSystemSessionInterface` and PHP's default
//! `session.save_handler = files` do. It survives a restart (the files stay),
//! and two goldfish processes *on the same machine* can share it; servers on
//! different machines cannot (unless DIR is a network file system, where
//! the guarantees below no longer hold).
//!
//! Facts:
//! - A session `ID` lives in `DIR/ID.session`, two lines of text:
//!   ```text
//!   expires 1764100000
//!   {"fav_color":"teal"}
//!   ```
//!   The first is the expiry in seconds since 1970, the second the JSON.
//!   `cat` shows a learner exactly what the server remembers.
//! - Ids are checked ([`SessionId`]: 43 characters of `A-Z a-z 0-9 - _`)
//!   before they get anywhere near a path, so no id can name `../x` or an
//!   absolute path: every file this store touches is directly inside DIR.
//! - **A crash never leaves a half-written session.** A save writes a new,
//!   uniquely named temporary file (`DIR/.tmp-ID-PID-N`), flushes it to the
//!   disk (`fsync`), and only then *renames* it over `DIR/ID.session`. On
//!   POSIX systems `rename(2)` replaces the target atomically: a reader sees
//!   the whole old file or the whole new one, never a mix, and a crash
//!   before the rename leaves the old file untouched. (Skipping the `fsync`
//!   of the directory after the rename means a power cut may lose the
//!   *newest* version, never the integrity of the file.)
//! - **Parallel requests are safe.** Temporary names are unique per process
//!   and per save, so two saves never write the same temporary file; for
//!   the same session the last rename wins. That is a *lost update* (two
//!   tabs posting at once: one change is lost), which every session store
//!   has unless it locks the session for the whole request — as PHP does, at
//!   the price of serving one visitor's requests one at a time.
//! - **Expired files are cleaned up** by a sweep that a `save` runs at most
//!   every [`SWEEP_EVERY`] (PHP's "garbage collection"); it also removes
//!   temporary files older than [`STALE_TEMP`], which only a crash leaves.
//!   `load` ignores (and removes) an expired file.
//! - Files are created with mode 0600 and DIR with 0700: session data is
//!   nobody else's business on a shared machine.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use super::{MAX_STORED_BYTES, SessionId, SessionStore, StoreError};

/// How often a `save` sweeps DIR for expired sessions.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// A temporary file older than this is a crash's leftover, and is removed.
pub const STALE_TEMP: Duration = Duration::from_secs(600);

/// The extension of session files.
const EXTENSION: &str = "session";

/// Prefix of temporary files. Ids never start with `.`.
const TEMP_PREFIX: &str = ".tmp-";

/// Makes temporary names unique within this process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Sessions as files in a directory. See the module docs.
pub struct FileStore {
    /// The directory; exists (created by `open`).
    dir: PathBuf,
    /// `file:DIR`, for messages.
    name: String,
    /// Seconds since 1970 after which the next `save` sweeps.
    next_sweep: AtomicU64,
}

impl FileStore {
    /// Uses `dir`, creating it (mode 0700) if it does not exist.
    ///
    /// # Errors
    /// The directory cannot be created, or is not a directory.
    pub fn open(dir: impl Into<PathBuf>) -> Result<FileStore, StoreError> {
        let dir = dir.into();
        let name = format!("file:{}", dir.display());
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(&dir)
            .map_err(|e| file_error(&name, "create the directory", &dir, &e))?;
        Ok(FileStore {
            dir,
            name,
            next_sweep: AtomicU64::new(0),
        })
    }

    /// The file a session lives in: always directly inside the directory,
    /// because a `SessionId` holds no `/` and no `.`.
    pub fn path(&self, id: &SessionId) -> PathBuf {
        self.dir.join(format!("{id}.{EXTENSION}"))
    }

    /// Step 1 of a save: the whole new contents in a fresh temporary file,
    /// flushed to the disk. Returns its path.
    fn write_temp(&self, id: &SessionId, contents: &[u8]) -> Result<PathBuf, StoreError> {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = self
            .dir
            .join(format!("{TEMP_PREFIX}{id}-{}-{n}", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let result = options.open(&temp).and_then(|mut f| {
            f.write_all(contents)?;
            f.sync_all()
        });
        match result {
            Ok(()) => Ok(temp),
            Err(e) => {
                let _ = fs::remove_file(&temp);
                Err(file_error(&self.name, "write", &temp, &e))
            }
        }
    }

    /// Step 2 of a save: the atomic switch from the old version to the new.
    fn commit(&self, temp: &Path, id: &SessionId) -> Result<(), StoreError> {
        let path = self.path(id);
        fs::rename(temp, &path).map_err(|e| {
            let _ = fs::remove_file(temp);
            file_error(&self.name, "rename a new version over", &path, &e)
        })
    }

    /// Removes expired sessions and stale temporary files; returns how many
    /// files went. Files that vanish meanwhile (another process swept them)
    /// are not an error.
    ///
    /// # Errors
    /// DIR cannot be listed.
    pub fn sweep(&self, now: SystemTime) -> Result<usize, StoreError> {
        self.next_sweep.store(
            unix_seconds(now).saturating_add(SWEEP_EVERY.as_secs()),
            Ordering::Relaxed,
        );
        let entries =
            fs::read_dir(&self.dir).map_err(|e| file_error(&self.name, "list", &self.dir, &e))?;
        let mut removed = 0;
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let Some(file_name) = file_name.to_str() else {
                continue;
            };
            let path = entry.path();
            let dead = if file_name.starts_with(TEMP_PREFIX) {
                // Another save may be writing it right now: only old ones go.
                let modified = entry.metadata().and_then(|m| m.modified());
                modified.is_ok_and(|m| m + STALE_TEMP < now)
            } else if let Some(stem) = file_name.strip_suffix(&format!(".{EXTENSION}")) {
                SessionId::parse(stem).is_ok()
                    && match read_limited(&path) {
                        Ok(text) => {
                            decode(&text).is_none_or(|(expires, _)| expires <= unix_seconds(now))
                        }
                        Err(_) => false,
                    }
            } else {
                false // not ours: leave it alone
            };
            if dead && fs::remove_file(&path).is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// Seconds since 1970 (0 for a clock set before it).
fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The file's text: the expiry line, then the JSON.
pub fn encode(json: &str, expires: u64) -> String {
    format!("expires {expires}\n{json}\n")
}

/// `(expires, json)` from a file's text; `None` if it is not in that shape.
pub fn decode(text: &str) -> Option<(u64, &str)> {
    let (first, rest) = text.split_once('\n')?;
    let expires = first.strip_prefix("expires ")?.parse().ok()?;
    let json = rest.strip_suffix('\n')?;
    (!json.contains('\n')).then_some((expires, json))
}

/// Reads a session file, refusing to read more than a session can hold.
fn read_limited(path: &Path) -> io::Result<String> {
    let mut text = String::new();
    File::open(path)?
        .take(MAX_STORED_BYTES as u64 + 64)
        .read_to_string(&mut text)?;
    Ok(text)
}

fn file_error(store: &str, action: &'static str, path: &Path, e: &io::Error) -> StoreError {
    StoreError::File {
        store: store.to_owned(),
        action,
        path: path.to_owned(),
        reason: e.to_string(),
    }
}

impl SessionStore for FileStore {
    fn name(&self) -> &str {
        &self.name
    }

    fn location(&self, id: &SessionId) -> String {
        format!("the file {}", self.path(id).display())
    }

    fn load(&self, id: &SessionId, now: SystemTime) -> Result<Option<String>, StoreError> {
        let path = self.path(id);
        let text = match read_limited(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            // Not UTF-8: not a file we wrote; treat it as no session.
            Err(e) if e.kind() == io::ErrorKind::InvalidData => return Ok(None),
            Err(e) => return Err(file_error(&self.name, "read", &path, &e)),
        };
        match decode(&text) {
            Some((expires, json)) if expires > unix_seconds(now) => Ok(Some(json.to_owned())),
            Some(_) => {
                let _ = fs::remove_file(&path);
                Ok(None)
            }
            // Not in our shape (someone edited it by hand): no session. The
            // next sweep removes it.
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
        let expires = unix_seconds(now).saturating_add(ttl.as_secs());
        let temp = self.write_temp(id, encode(json, expires).as_bytes())?;
        self.commit(&temp, id)?;
        let due = self.next_sweep.load(Ordering::Relaxed);
        if unix_seconds(now) >= due {
            // A sweep that fails (DIR unreadable) must not fail the save
            // that just succeeded; the next save tries again.
            let _ = self.sweep(now);
        }
        Ok(())
    }

    fn delete(&self, id: &SessionId) -> Result<(), StoreError> {
        let path = self.path(id);
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(file_error(&self.name, "delete", &path, &e)),
        }
    }

    fn ping(&self) -> Result<(), StoreError> {
        // Can we create a file there? (A read-only mount or a full disk says no.)
        let id = SessionId::generate().map_err(StoreError::randomness)?;
        let temp = self.write_temp(&id, b"")?;
        let _ = fs::remove_file(temp);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::{id, round_trip_and_expiry};
    use std::sync::Arc;

    /// A fresh directory under the system's temp dir, removed on drop.
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

    #[test]
    fn round_trip_expiry_and_delete() {
        let dir = TempDir::new("round-trip");
        round_trip_and_expiry(&FileStore::open(&dir.0).unwrap());
    }

    #[test]
    fn the_file_is_two_readable_lines() {
        let dir = TempDir::new("format");
        let store = FileStore::open(&dir.0).unwrap();
        let sid = id();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000);
        store
            .save(
                &sid,
                r#"{"fav_color":"teal"}"#,
                Duration::from_secs(100_000),
                now,
            )
            .unwrap();
        let text = fs::read_to_string(store.path(&sid)).unwrap();
        assert_eq!(text, "expires 1764100000\n{\"fav_color\":\"teal\"}\n");
        assert_eq!(
            files_in(&dir.0),
            [format!("{sid}.session")],
            "no temp file left"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(store.path(&sid)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "session files are private");
        }
    }

    #[test]
    fn decode_refuses_what_it_did_not_write() {
        let cases: &[(&str, Option<(u64, &str)>)] = &[
            ("expires 5\n{}\n", Some((5, "{}"))),
            ("expires 5\n{}", None),       // cut short: no final newline
            ("expires 5\n", None),         // cut short: no JSON line
            ("expires \n{}\n", None),      // no number
            ("expires -1\n{}\n", None),    // not seconds since 1970
            ("Expires 5\n{}\n", None),     // not our spelling
            ("expires 5\n{}\n{}\n", None), // two JSON lines
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(decode(text), *want, "decode({text:?})");
        }
    }

    /// The crash-safety property: a save interrupted at any point before
    /// the rename leaves the previous version readable.
    #[test]
    fn an_interrupted_write_leaves_the_previous_version() {
        let dir = TempDir::new("crash");
        let store = FileStore::open(&dir.0).unwrap();
        let sid = id();
        let now = SystemTime::now();
        let ttl = Duration::from_secs(3600);
        store.save(&sid, r#"{"v":1}"#, ttl, now).unwrap();

        // A save of version 2 "crashes" halfway through writing: step 1
        // wrote only part of the new contents and step 2 (rename) never ran.
        let whole = encode(r#"{"v":2,"padding":"xxxxxxxxxxxxxxxx"}"#, 9_999_999_999);
        for cut in [0, 1, whole.len() / 2, whole.len() - 1, whole.len()] {
            let temp = store.write_temp(&sid, &whole.as_bytes()[..cut]).unwrap();
            assert!(temp.exists());
            assert_eq!(
                store.load(&sid, now).unwrap().as_deref(),
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
        store.save(&sid, r#"{"v":3}"#, ttl, now).unwrap();
        assert_eq!(
            store.load(&sid, now).unwrap().as_deref(),
            Some(r#"{"v":3}"#)
        );
    }

    #[test]
    fn a_truncated_or_foreign_file_is_no_session_not_an_error() {
        let dir = TempDir::new("foreign");
        let store = FileStore::open(&dir.0).unwrap();
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
            assert_eq!(store.load(&sid, now), Ok(None), "{why}");
        }
    }

    #[test]
    fn sweep_removes_expired_sessions_and_leaves_other_files() {
        let dir = TempDir::new("sweep");
        let store = FileStore::open(&dir.0).unwrap();
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000);
        let (short, long) = (id(), id());
        store
            .save(&short, "{}", Duration::from_secs(10), t0)
            .unwrap();
        store
            .save(&long, "{}", Duration::from_secs(3600), t0)
            .unwrap();
        fs::write(dir.0.join("README"), "not a session").unwrap();
        assert_eq!(store.sweep(t0 + Duration::from_secs(20)).unwrap(), 1);
        let mut want = vec![format!("{long}.session"), "README".to_string()];
        want.sort();
        assert_eq!(files_in(&dir.0), want);
    }

    #[test]
    fn a_save_sweeps_now_and_then() {
        let dir = TempDir::new("auto-sweep");
        let store = FileStore::open(&dir.0).unwrap();
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000);
        let gone = id();
        store
            .save(&gone, "{}", Duration::from_secs(10), t0)
            .unwrap();
        // Within SWEEP_EVERY: no sweep, the expired file stays on disk.
        store
            .save(
                &id(),
                "{}",
                Duration::from_secs(3600),
                t0 + Duration::from_secs(30),
            )
            .unwrap();
        assert!(store.path(&gone).exists());
        // After it: the save sweeps.
        store
            .save(
                &id(),
                "{}",
                Duration::from_secs(3600),
                t0 + SWEEP_EVERY + Duration::from_secs(1),
            )
            .unwrap();
        assert!(!store.path(&gone).exists());
    }

    #[test]
    fn every_path_is_directly_inside_the_directory() {
        let dir = TempDir::new("paths");
        let store = FileStore::open(&dir.0).unwrap();
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
        let store = Arc::new(FileStore::open(&dir.0).unwrap());
        let shared = id();
        let now = SystemTime::now();
        let ttl = Duration::from_secs(3600);
        store.save(&shared, r#"{"t":-1,"i":-1}"#, ttl, now).unwrap();
        let handles: Vec<_> = (0..6)
            .map(|t| {
                let store = Arc::clone(&store);
                let shared = shared.clone();
                std::thread::spawn(move || {
                    let own = id();
                    for i in 0..40 {
                        let json = format!(r#"{{"t":{t},"i":{i},"pad":"{}"}}"#, "x".repeat(i * 50));
                        store.save(&shared, &json, ttl, now).unwrap();
                        store.save(&own, &json, ttl, now).unwrap();
                        let seen = store.load(&shared, now).unwrap().expect("never missing");
                        assert!(
                            crate::session::from_json(&seen).is_ok(),
                            "torn read: {seen:?}"
                        );
                        assert_eq!(store.load(&own, now).unwrap(), Some(json));
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

    #[test]
    fn an_unusable_directory_is_a_clear_error() {
        let dir = TempDir::new("unusable");
        fs::write(&dir.0, "a file, not a directory").unwrap();
        let err = FileStore::open(&dir.0)
            .err()
            .expect("cannot use a file as DIR");
        let text = err.to_string();
        assert!(text.contains("create the directory"), "{text}");
        let _ = fs::remove_file(&dir.0);
    }
}

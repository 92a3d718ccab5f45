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
//! - **DIR must be private.** The file names *are* the session ids, and a
//!   session id logs in whoever holds it. So goldfish refuses a DIR that
//!   other users can enter (any group or other permission bit) or that
//!   belongs to another user (who could read, plant or swap files), and
//!   says how to fix it. A DIR that does not exist yet is created with
//!   mode 0700; session files get 0600.
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
//! - **Expired files are cleaned up** by a [`Sweeper`] thread once a minute,
//!   never inside a request (PHP's "garbage collection" makes one unlucky
//!   visitor wait for it: ~1 s with 48,000 files). The sweep also removes
//!   temporary files older than [`STALE_TEMP`], which only a crash leaves.
//!   `load` ignores (and removes) an expired file.
//! - **A cap** (`--max-sessions`): a new session is refused (`503`) once DIR
//!   holds that many. The count is kept in memory (a new session reserves
//!   its place atomically, so parallel requests of one process cannot
//!   overshoot it) and recounted from DIR at every sweep; two processes
//!   sharing DIR each count only their own new files between sweeps, so
//!   across processes the cap holds to within a minute's worth.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write as _};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use super::sweeper::{SWEEP_EVERY, Sweeper};
use super::trace::escape;
use super::{
    DirProblem, MAX_STORED_BYTES, Result, Save, SessionId, SessionStore, StoreConfig, StoreError,
    Trace, Write,
};

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
    shared: Arc<Dir>,
    /// Sweeps DIR once a minute; stops when the store is dropped.
    _sweeper: Sweeper,
}

/// What the store and its sweeper thread share.
struct Dir {
    /// The directory; exists, is private (checked by `open`).
    path: PathBuf,
    /// `file:DIR`.
    config: StoreConfig,
    /// Most sessions DIR may hold.
    cap: usize,
    /// Session files in DIR: counted at open and at each sweep, kept up to
    /// date by this process's saves and deletes in between.
    count: AtomicUsize,
}

impl FileStore {
    /// Uses `dir`, creating it (mode 0700) if it does not exist, holding at
    /// most `cap` sessions.
    ///
    /// # Errors
    /// The directory cannot be created, is not a directory, or is not
    /// private to the user running goldfish ([`StoreError::UnsafeDirectory`]).
    pub fn open(dir: impl Into<PathBuf>, cap: usize) -> Result<FileStore> {
        let path = dir.into();
        let config = StoreConfig::File(path.clone());
        let dir = Dir {
            config,
            path,
            cap: cap.max(1),
            count: AtomicUsize::new(0),
        };
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir.path)
            .map_err(|e| dir.error("create the directory", &dir.path, &e))?;
        dir.check_private()?;
        dir.sweep(SystemTime::now())?;
        let shared = Arc::new(dir);
        let swept = Arc::clone(&shared);
        let sweeper = Sweeper::spawn("goldfish-sweep-files", SWEEP_EVERY, move || {
            // A sweep that fails (DIR unreadable) is tried again next minute;
            // the requests that need DIR report the problem themselves.
            let _ = swept.sweep(SystemTime::now());
        });
        Ok(FileStore {
            shared,
            _sweeper: sweeper,
        })
    }

    /// The file a session lives in: always directly inside the directory,
    /// because a `SessionId` holds no `/` and no `.`.
    #[must_use]
    pub fn path(&self, id: &SessionId) -> PathBuf {
        self.shared.file(id)
    }

    /// Removes expired sessions and stale temporary files, and recounts the
    /// sessions; returns how many files went. (The sweeper thread calls this
    /// every minute.)
    ///
    /// # Errors
    /// DIR cannot be listed.
    pub fn sweep(&self, now: SystemTime) -> Result<usize> {
        self.shared.sweep(now)
    }

    /// How many sessions the store counts in DIR.
    #[must_use]
    pub fn count(&self) -> usize {
        self.shared.count.load(Ordering::Relaxed)
    }

    #[cfg(test)]
    fn write_temp(&self, id: &SessionId, contents: &[u8]) -> Result<PathBuf> {
        self.shared.write_temp(id, contents)
    }
}

impl Dir {
    fn file(&self, id: &SessionId) -> PathBuf {
        self.path.join(format!("{id}.{EXTENSION}"))
    }

    fn error(&self, action: &'static str, path: &Path, e: &io::Error) -> StoreError {
        StoreError::File {
            store: self.config.clone(),
            action,
            path: path.to_owned(),
            reason: e.to_string(),
        }
    }

    /// One session file fewer (never below zero: the file may have been
    /// another process's, which this one never counted).
    fn forget_one(&self) {
        let _ = self
            .count
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |c| {
                Some(c.saturating_sub(1))
            });
    }

    /// The directory must be ours alone: a directory, no permission for
    /// group or others, owned by the user that owns the files we create.
    fn check_private(&self) -> Result<()> {
        let unsafe_dir = |problem| StoreError::UnsafeDirectory {
            store: self.config.clone(),
            path: self.path.clone(),
            problem,
        };
        let meta = fs::metadata(&self.path).map_err(|e| self.error("read", &self.path, &e))?;
        if !meta.is_dir() {
            return Err(unsafe_dir(DirProblem::NotADirectory));
        }
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(unsafe_dir(DirProblem::OpenToOthers { mode }));
        }
        // Who are we? The owner of a file we create (std has no getuid).
        let probe = SessionId::generate().map_err(StoreError::randomness)?;
        let temp = self.write_temp(&probe, b"")?;
        let me = fs::metadata(&temp).map(|m| m.uid());
        let _ = fs::remove_file(&temp);
        let me = me.map_err(|e| self.error("read", &temp, &e))?;
        if meta.uid() != me {
            return Err(unsafe_dir(DirProblem::Owner {
                owner: meta.uid(),
                me,
            }));
        }
        Ok(())
    }

    /// Step 1 of a save: the whole new contents in a fresh temporary file,
    /// flushed to the disk. Returns its path.
    fn write_temp(&self, id: &SessionId, contents: &[u8]) -> Result<PathBuf> {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = self
            .path
            .join(format!("{TEMP_PREFIX}{id}-{}-{n}", std::process::id()));
        let result = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp)
            .and_then(|mut f| {
                f.write_all(contents)?;
                f.sync_all()
            });
        match result {
            Ok(()) => Ok(temp),
            Err(e) => {
                let _ = fs::remove_file(&temp);
                Err(self.error("write", &temp, &e))
            }
        }
    }

    /// Step 2 of a save: the atomic switch from the old version to the new.
    fn commit(&self, temp: &Path, id: &SessionId) -> Result<()> {
        let path = self.file(id);
        fs::rename(temp, &path).map_err(|e| {
            let _ = fs::remove_file(temp);
            self.error("rename a new version over", &path, &e)
        })
    }

    /// See [`FileStore::sweep`]. Files that vanish meanwhile (another
    /// process swept them) are not an error.
    fn sweep(&self, now: SystemTime) -> Result<usize> {
        let entries = fs::read_dir(&self.path).map_err(|e| self.error("list", &self.path, &e))?;
        let (mut removed, mut sessions) = (0, 0);
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let Some(file_name) = file_name.to_str() else {
                continue;
            };
            let path = entry.path();
            let (is_session, dead) = if file_name.starts_with(TEMP_PREFIX) {
                // Another save may be writing it right now: only old ones go.
                let modified = entry.metadata().and_then(|m| m.modified());
                (false, modified.is_ok_and(|m| m + STALE_TEMP < now))
            } else if let Some(stem) = file_name.strip_suffix(&format!(".{EXTENSION}")) {
                let ours = SessionId::parse(stem).is_ok();
                let expired = ours
                    && read_limited(&path).is_ok_and(|text| {
                        decode(&text).is_none_or(|(expires, _)| expires <= unix_seconds(now))
                    });
                (ours, expired)
            } else {
                (false, false) // not ours: leave it alone
            };
            if dead && fs::remove_file(&path).is_ok() {
                removed += 1;
            } else if is_session {
                sessions += 1;
            }
        }
        self.count.store(sessions, Ordering::Relaxed);
        Ok(removed)
    }
}

/// Seconds since 1970 (0 for a clock set before it).
fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The file's text: the expiry line, then the JSON.
#[must_use]
pub fn encode(json: &str, expires: u64) -> String {
    format!("expires {expires}\n{json}\n")
}

/// `(expires, json)` from a file's text; `None` if it is not in that shape.
#[must_use]
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

impl SessionStore for FileStore {
    fn config(&self) -> &StoreConfig {
        &self.shared.config
    }

    fn location(&self, id: &SessionId) -> String {
        format!("the file {}", self.path(id).display())
    }

    fn load(&self, id: &SessionId, now: SystemTime, trace: &mut Trace) -> Result<Option<String>> {
        let path = self.path(id);
        trace.sent(|| format!("read {}", path.display()));
        let text = match read_limited(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                trace.got(|| "no such file".into());
                return Ok(None);
            }
            // Not UTF-8: not a file we wrote; treat it as no session.
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                trace.got(|| "not UTF-8: not a session file".into());
                return Ok(None);
            }
            Err(e) => return Err(self.shared.error("read", &path, &e)),
        };
        trace.got(|| escape(text.as_bytes()));
        match decode(&text) {
            Some((expires, json)) if expires > unix_seconds(now) => Ok(Some(json.to_owned())),
            Some(_) => {
                if fs::remove_file(&path).is_ok() {
                    self.shared.forget_one();
                }
                trace.sent(|| format!("unlink {} (expired)", path.display()));
                Ok(None)
            }
            // Not in our shape (someone edited it by hand): no session. The
            // next sweep removes it.
            None => Ok(None),
        }
    }

    fn put(&self, save: Save<'_>, trace: &mut Trace) -> Result<()> {
        let id = save.id;
        let dir = &self.shared;
        // A new session takes its place in the count first, in one atomic
        // step, so that parallel saves cannot all pass the check at the cap.
        let reserved = save.write == Write::New;
        if reserved
            && dir
                .count
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |c| {
                    (c < dir.cap).then_some(c + 1)
                })
                .is_err()
        {
            trace.got(|| format!("refused: DIR holds its cap of {} sessions", dir.cap));
            return Err(StoreError::Full {
                store: dir.config.clone(),
                cap: dir.cap,
            });
        }
        let expires = unix_seconds(save.now).saturating_add(save.ttl.as_secs());
        let contents = encode(save.json, expires);
        let written = dir.write_temp(id, contents.as_bytes()).and_then(|temp| {
            trace.sent(|| format!("write {}: {}", temp.display(), escape(contents.as_bytes())));
            trace.sent(|| format!("fsync, then rename it to {}", self.path(id).display()));
            dir.commit(&temp, id)
        });
        if written.is_err() && reserved {
            dir.forget_one(); // the place was never used
        }
        written?;
        trace.got(|| "ok".into());
        Ok(())
    }

    fn delete(&self, id: &SessionId, trace: &mut Trace) -> Result<()> {
        let path = self.path(id);
        trace.sent(|| format!("unlink {}", path.display()));
        match fs::remove_file(&path) {
            Ok(()) => {
                self.shared.forget_one();
                trace.got(|| "ok".into());
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                trace.got(|| "no such file".into());
                Ok(())
            }
            Err(e) => Err(self.shared.error("delete", &path, &e)),
        }
    }

    fn ping(&self) -> Result<()> {
        // Can we create a file there? (A read-only mount or a full disk says no.)
        let id = SessionId::generate().map_err(StoreError::randomness)?;
        let temp = self.shared.write_temp(&id, b"")?;
        let _ = fs::remove_file(temp);
        Ok(())
    }
}

#[cfg(test)]
mod tests;

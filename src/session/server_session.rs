//! `ServerSession`: the session of one request, kept in a store.
//!
//! The same [`Session`] dictionary as the signed cookie's (it derefs to
//! one), plus the id and the steps of the theory of operation in
//! `store/mod.rs`: [`load`](ServerSession::load) at first use,
//! [`save`](ServerSession::save) at the end of the request, and
//! [`regenerate`](ServerSession::regenerate) in between.

use std::ops::{Deref, DerefMut};
use std::time::{Duration, SystemTime};

use super::{IdError, Session, SessionId, Value, from_json};
use crate::store::{MAX_STORED_BYTES, SessionStore, StoreError, Trace, Write};

/// What became of the `sid` cookie a request sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// No `sid` cookie: a first visit.
    NoCookie,
    /// A `sid` that is not an id at all; ignored.
    Malformed(IdError),
    /// A well-formed id the store does not know: expired, deleted, made up,
    /// or kept by another server's memory. Ignored, never adopted.
    Unknown,
    /// The store holds something under the id, but not a JSON object
    /// (written by hand, or by something else); ignored.
    Unreadable(String),
    /// Found in the store.
    Loaded,
}

/// What [`ServerSession::save`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// The session was not modified: nothing to do.
    Unchanged,
    /// Stored under `id`; `new` means the browser does not know this id yet
    /// (a first save, or a regeneration) and must get a `Set-Cookie`.
    Stored { id: SessionId, new: bool },
    /// The session was emptied, so its entry was deleted.
    Deleted,
    /// The JSON is over [`MAX_STORED_BYTES`]; nothing was stored.
    TooLarge { bytes: usize },
}

/// One request's server-side session.
///
/// # Examples
/// ```
/// use std::time::{Duration, SystemTime};
/// use goldfish::session::{Origin, Saved, ServerSession};
/// use goldfish::store::MemoryStore;
///
/// let store = MemoryStore::new();
/// let now = SystemTime::now();
/// let day = Duration::from_secs(86_400);
///
/// // A first visit: no cookie, an empty session, no id yet.
/// let mut first = ServerSession::load(&store, None, now).unwrap();
/// first.insert("fav_color", "teal");
/// let Saved::Stored { id, new: true } = first.save(&store, day, now).unwrap() else { panic!() };
///
/// // The next request brings the id back in its cookie.
/// let second = ServerSession::load(&store, Some(id.as_str()), now).unwrap();
/// assert_eq!(second.origin(), &Origin::Loaded);
/// assert_eq!(second.get("fav_color").and_then(|v| v.as_str()), Some("teal"));
/// ```
#[derive(Debug)]
pub struct ServerSession {
    /// The id the data is stored under. `Some` only for an id the store
    /// knew, or one this server made: a client's id is never adopted.
    id: Option<SessionId>,
    /// The dictionary.
    session: Session,
    /// What the cookie turned out to be.
    origin: Origin,
    /// The JSON the store held at load time, for the lesson page.
    stored: Option<String>,
    /// `regenerate` was called: save under a new id even if unmodified.
    regenerate: bool,
    /// What was said to the store, and what it answered, this request.
    trace: Trace,
}

impl ServerSession {
    /// Step 1: the session named by a `sid` cookie value (`None`: no cookie).
    ///
    /// A malformed, unknown or unreadable id gives an empty session with no
    /// id, and [`origin`](Self::origin) says which.
    ///
    /// # Errors
    /// Only the store's: it could not be asked.
    pub fn load(
        store: &dyn SessionStore,
        cookie: Option<&str>,
        now: SystemTime,
    ) -> Result<ServerSession, StoreError> {
        let mut trace = Trace::new();
        let fresh = |origin, trace| ServerSession {
            id: None,
            session: Session::new(),
            origin,
            stored: None,
            regenerate: false,
            trace,
        };
        let Some(cookie) = cookie else {
            return Ok(fresh(Origin::NoCookie, trace));
        };
        // The cookie is checked before the store hears of it: a malformed
        // id never reaches a file name, a Redis key or an SQL parameter.
        let id = match SessionId::parse(cookie) {
            Ok(id) => id,
            Err(e) => return Ok(fresh(Origin::Malformed(e), trace)),
        };
        let Some(json) = store.load(&id, now, &mut trace)? else {
            return Ok(fresh(Origin::Unknown, trace));
        };
        match from_json(&json) {
            Ok(Value::Map(data)) => Ok(ServerSession {
                id: Some(id),
                session: Session::from_map(data),
                origin: Origin::Loaded,
                stored: Some(json),
                regenerate: false,
                trace,
            }),
            Ok(other) => Ok(fresh(
                Origin::Unreadable(format!(
                    "the store holds a {}, not a dict",
                    other.type_name()
                )),
                trace,
            )),
            Err(e) => Ok(fresh(Origin::Unreadable(e.to_string()), trace)),
        }
    }

    /// The id, once the session has one (loaded, or saved this request).
    pub fn id(&self) -> Option<&SessionId> {
        self.id.as_ref()
    }

    /// What the request's `sid` cookie turned out to be.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The JSON the store held when the session was loaded.
    pub fn stored_json(&self) -> Option<&str> {
        self.stored.as_deref()
    }

    /// Step 3: give the session a new id at the end of this request, moving
    /// the data and deleting the old entry. Call it when privilege changes
    /// (logging in), so that an id someone planted or saw before is useless.
    pub fn regenerate(&mut self) {
        self.regenerate = true;
    }

    /// What this request said to the store and what the store answered,
    /// so far (the load, and after [`save`](Self::save) the save too).
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Whether [`save`](Self::save) would add a session to the store: the
    /// session was changed, holds something, and has no id yet. This is
    /// what the per-client limit on new sessions counts
    /// ([`crate::store::limit`]).
    pub fn creates(&self) -> bool {
        self.session.modified() && !self.session.is_empty() && self.id.is_none()
    }

    /// Step 2, at the end of the request: store the session if it changed.
    ///
    /// Call [`Session::accessed`] *before* this if it matters (for `Vary`):
    /// `save` reads the session.
    ///
    /// # Errors
    /// The store's ([`StoreError::Full`] for a new session at the cap), or
    /// `/dev/urandom`'s when a new id is needed. On an error the session
    /// may be half saved (new entry written, old one not
    /// yet deleted); the old id then still works, so nothing is lost.
    pub fn save(
        &mut self,
        store: &dyn SessionStore,
        ttl: Duration,
        now: SystemTime,
    ) -> Result<Saved, StoreError> {
        if !self.session.modified() && !self.regenerate {
            return Ok(Saved::Unchanged);
        }
        if self.session.is_empty() {
            // Emptied (logging out): forget the entry.
            if let Some(id) = self.id.take() {
                store.delete(&id, &mut self.trace)?;
            }
            self.regenerate = false;
            return Ok(Saved::Deleted);
        }
        let json = self.session.to_json();
        if json.len() > MAX_STORED_BYTES {
            return Ok(Saved::TooLarge { bytes: json.len() });
        }
        let (id, new) = match &self.id {
            Some(id) if !self.regenerate => (id.clone(), false),
            _ => (SessionId::generate().map_err(StoreError::randomness)?, true),
        };
        // A session with no id yet adds one to the store; one that had an
        // id (an update, or the same data under a new id) does not.
        let write = match self.id {
            None => Write::New,
            Some(_) => Write::Update,
        };
        store.save(&id, &json, ttl, now, write, &mut self.trace)?;
        // Only now, with the data safe under the new id, drop the old one.
        if let Some(old) = self.id.replace(id.clone())
            && old != id
        {
            store.delete(&old, &mut self.trace)?;
        }
        self.regenerate = false;
        Ok(Saved::Stored { id, new })
    }
}

/// `ServerSession` is used exactly like the signed [`Session`]:
/// `ctx.server_session()?.insert("fav_color", "teal")`.
impl Deref for ServerSession {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.session
    }
}

impl DerefMut for ServerSession {
    fn deref_mut(&mut self) -> &mut Session {
        &mut self.session
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;
    use crate::store::tests::{create, id, load};

    const DAY: Duration = Duration::from_secs(86_400);

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000)
    }

    /// A store holding one session with `fav_color = teal`; returns its id.
    fn with_one(store: &MemoryStore) -> SessionId {
        let sid = id();
        create(store, &sid, r#"{"fav_color":"teal"}"#, DAY, now()).unwrap();
        sid
    }

    #[test]
    fn cookies_that_name_no_session_start_an_empty_one_without_an_id() {
        let store = MemoryStore::new();
        let known = with_one(&store);
        let unknown = id();
        let cases: &[(&str, Option<&str>, fn(&Origin) -> bool)] = &[
            ("no cookie", None, |o| *o == Origin::NoCookie),
            ("empty", Some(""), |o| matches!(o, Origin::Malformed(_))),
            ("path traversal", Some("../../etc/passwd"), |o| {
                matches!(o, Origin::Malformed(_))
            }),
            (
                "a signed-session cookie",
                Some("eyJhIjoxfQ.aSYCow.sig"),
                |o| matches!(o, Origin::Malformed(_)),
            ),
            ("well-formed but unknown", Some(unknown.as_str()), |o| {
                *o == Origin::Unknown
            }),
        ];
        for (why, cookie, want) in cases {
            let s = ServerSession::load(&store, *cookie, now()).unwrap();
            assert!(want(s.origin()), "{why}: origin {:?}", s.origin());
            assert_eq!(s.id(), None, "{why}: the client's id is never adopted");
            assert!(s.is_empty(), "{why}");
        }
        let s = ServerSession::load(&store, Some(known.as_str()), now()).unwrap();
        assert_eq!((s.origin(), s.id()), (&Origin::Loaded, Some(&known)));
        assert_eq!(s.stored_json(), Some(r#"{"fav_color":"teal"}"#));
    }

    /// Session fixation: an attacker plants `sid=X` (an id they made up).
    /// The server must not store the victim's data under X.
    #[test]
    fn an_unknown_id_is_never_used_to_store_data() {
        let store = MemoryStore::new();
        let planted = id();
        let mut s = ServerSession::load(&store, Some(planted.as_str()), now()).unwrap();
        s.insert("user", "victim");
        let Saved::Stored { id: got, new } = s.save(&store, DAY, now()).unwrap() else {
            panic!("not stored")
        };
        assert!(new, "a new id, so a Set-Cookie replaces the planted one");
        assert_ne!(got, planted);
        assert_eq!(
            load(&store, &planted, now()),
            Ok(None),
            "nothing under the planted id"
        );
    }

    #[test]
    fn unreadable_store_contents_are_an_empty_session() {
        let store = MemoryStore::new();
        for (why, json) in [("a list", "[1,2]"), ("not JSON", "{oops"), ("empty", "")] {
            let sid = id();
            create(&store, &sid, json, DAY, now()).unwrap();
            let s = ServerSession::load(&store, Some(sid.as_str()), now()).unwrap();
            assert!(
                matches!(s.origin(), Origin::Unreadable(_)),
                "{why}: {:?}",
                s.origin()
            );
            assert_eq!(s.id(), None, "{why}");
        }
    }

    #[test]
    fn saving_only_what_changed() {
        let store = MemoryStore::new();
        let sid = with_one(&store);
        // Read only: nothing saved, no cookie.
        let mut s = ServerSession::load(&store, Some(sid.as_str()), now()).unwrap();
        assert!(s.get("fav_color").is_some());
        assert_eq!(s.save(&store, DAY, now()), Ok(Saved::Unchanged));
        // Changed: saved under the same id, no new cookie.
        s.insert("fav_color", "plum");
        assert_eq!(
            s.save(&store, DAY, now()),
            Ok(Saved::Stored {
                id: sid.clone(),
                new: false
            })
        );
        assert_eq!(
            load(&store, &sid, now()).unwrap().as_deref(),
            Some(r#"{"fav_color":"plum"}"#)
        );
        // Emptied: deleted.
        let mut s = ServerSession::load(&store, Some(sid.as_str()), now()).unwrap();
        s.clear();
        assert_eq!(s.save(&store, DAY, now()), Ok(Saved::Deleted));
        assert_eq!(load(&store, &sid, now()), Ok(None));
        // A fresh session that stays empty costs nothing, not even an id.
        let mut s = ServerSession::load(&store, None, now()).unwrap();
        s.remove("nothing");
        assert_eq!(s.save(&store, DAY, now()), Ok(Saved::Unchanged));
    }

    #[test]
    fn regenerate_moves_the_data_to_a_new_id() {
        let store = MemoryStore::new();
        let old = with_one(&store);
        let mut s = ServerSession::load(&store, Some(old.as_str()), now()).unwrap();
        s.regenerate();
        let Saved::Stored { id: new_id, new } = s.save(&store, DAY, now()).unwrap() else {
            panic!("not stored")
        };
        assert!(new);
        assert_ne!(new_id, old);
        assert_eq!(s.id(), Some(&new_id));
        assert_eq!(
            load(&store, &old, now()),
            Ok(None),
            "the old id is worthless now"
        );
        assert_eq!(
            load(&store, &new_id, now()).unwrap().as_deref(),
            Some(r#"{"fav_color":"teal"}"#),
            "same data, new id"
        );
        assert_eq!(
            s.save(&store, DAY, now()),
            Ok(Saved::Unchanged),
            "once per call"
        );
    }

    /// `creates` is what the per-client limit counts: only a session that
    /// will add an entry to the store, never an update or a regeneration.
    #[test]
    fn only_a_first_save_creates_a_session() {
        let store = MemoryStore::new();
        let known = with_one(&store);
        let mut fresh = ServerSession::load(&store, None, now()).unwrap();
        assert!(!fresh.creates(), "nothing in it yet");
        fresh.insert("fav_color", "teal");
        assert!(fresh.creates(), "a first save");
        let mut loaded = ServerSession::load(&store, Some(known.as_str()), now()).unwrap();
        loaded.insert("fav_color", "plum");
        assert!(!loaded.creates(), "an update");
        loaded.regenerate();
        assert!(!loaded.creates(), "the same data under a new id");
        // What the store was asked, and answered, is kept for the page.
        let said: Vec<&str> = loaded
            .trace()
            .lines()
            .iter()
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(said.len(), 2, "{said:?}");
        assert!(said[0].starts_with("map.get("), "{said:?}");
        loaded.save(&store, DAY, now()).unwrap();
        assert!(loaded.trace().lines().len() > 2, "the save is traced too");
    }

    #[test]
    fn a_session_too_big_for_the_store_is_not_stored() {
        let store = MemoryStore::new();
        let mut s = ServerSession::load(&store, None, now()).unwrap();
        s.insert("big", "x".repeat(MAX_STORED_BYTES));
        let got = s.save(&store, DAY, now()).unwrap();
        assert!(
            matches!(got, Saved::TooLarge { bytes } if bytes > MAX_STORED_BYTES),
            "{got:?}"
        );
        assert!(store.is_empty());
    }
}

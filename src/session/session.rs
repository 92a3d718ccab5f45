//! `Session`: the magic dictionary.
//!
//! In Flask, a handler writes `session['fav_number'] = 42` and a later
//! request reads `session['fav_number']`, as if the server remembered. It
//! does not: the dictionary travels to the browser in a signed cookie and
//! comes back with the next request. `Session` is that dictionary, plus
//! the bookkeeping the server needs at the end of a request:
//!
//! - **`modified()`**: did the handler change anything? Then the server
//!   sends a new `Set-Cookie`. Otherwise it need not.
//! - **`accessed()`**: did the handler look at the session at all? Then the
//!   response depends on the cookie, and the server adds `Vary: Cookie` so
//!   that no cache hands one visitor's page to another.
//!
//! ## Goldfish vs. Flask: mutation inside a value
//! Flask notices `session['x'] = …` but not `session['responses'].append(…)`:
//! the list changed, the dictionary did not, so Flask does not save it, and
//! the Flask docs tell you to set `session.modified = True` or reassign the
//! key. goldfish closes that gap with the borrow checker: the only ways to
//! change a stored value are [`Session::get_mut`] and [`Session::push`],
//! and both count as a modification, whether or not anything really changed.
//! The `/responses` lesson shows both behaviours.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::collections::btree_map;
use std::fmt;
use std::time::{Duration, SystemTime};

use super::json::to_json;
use super::pystr::PyStr;
use super::signer::{KeyUsed, SignError, Signer};
use super::value::Value;

/// Flask's default `PERMANENT_SESSION_LIFETIME`, 31 days, which Flask also
/// uses as `max_age` when it reads *any* session cookie.
pub const PERMANENT_SESSION_LIFETIME: Duration = Duration::from_secs(31 * 24 * 60 * 60);

/// The key under which Flask stores `session.permanent`, inside the
/// dictionary itself: even this flag travels in the cookie.
pub const PERMANENT_KEY: &str = "_permanent";

/// The session dictionary of one request.
///
/// # Examples
/// ```
/// use goldfish::session::{Session, Value};
/// let mut session = Session::new();
/// session.insert("fav_number", 42);                // session['fav_number'] = 42
/// assert_eq!(session.get("fav_number"), Some(&Value::Int(42)));
/// session.push("responses", "Yes").unwrap();     // session['responses'].append('Yes')
/// assert!(session.modified());
/// assert_eq!(session.to_json(), r#"{"fav_number":42,"responses":["Yes"]}"#);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Session {
    /// The dictionary, sorted by key (so it serializes as Flask does).
    /// Keys are Python `str`s: Flask's may hold a lone surrogate.
    data: BTreeMap<PyStr, Value>,
    /// Set by every method that can change `data`; never cleared.
    modified: bool,
    /// Set by every method that reads or changes `data`; never cleared. A
    /// `Cell` so that reads through `&self` can set it.
    accessed: Cell<bool>,
}

impl Session {
    /// An empty session, neither modified nor accessed.
    #[must_use]
    pub fn new() -> Session {
        Session::default()
    }

    /// A session holding `data`, as read from a cookie: not modified, not accessed.
    #[must_use]
    pub fn from_map(data: BTreeMap<PyStr, Value>) -> Session {
        Session {
            data,
            ..Session::default()
        }
    }

    // --- reading: marks accessed ---

    /// `session.get(key)`: the value, if any.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.accessed.set(true);
        self.data.get(key.as_bytes())
    }

    /// `key in session`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.accessed.set(true);
        self.data.contains_key(key.as_bytes())
    }

    /// `len(session)`.
    pub fn len(&self) -> usize {
        self.accessed.set(true);
        self.data.len()
    }

    /// `not session`.
    pub fn is_empty(&self) -> bool {
        self.accessed.set(true);
        self.data.is_empty()
    }

    /// `session.items()`, in key order (also `for (k, v) in &session`).
    pub fn iter(&self) -> btree_map::Iter<'_, PyStr, Value> {
        self.accessed.set(true);
        self.data.iter()
    }

    /// `session.permanent`: `True` if the `_permanent` key is `true`.
    /// Permanent sessions get an `Expires` date; others die with the browser.
    pub fn permanent(&self) -> bool {
        self.get(PERMANENT_KEY) == Some(&Value::Bool(true))
    }

    // --- changing: marks modified and accessed ---

    /// `session[key] = value`. Returns the value it replaced.
    pub fn insert(&mut self, key: impl Into<PyStr>, value: impl Into<Value>) -> Option<Value> {
        self.touch();
        self.data.insert(key.into(), value.into())
    }

    /// The value, for changing in place. Counts as a modification even if
    /// nothing is changed: handing out `&mut` is the only thing we can see.
    /// (Only when the key exists: a `None` changed nothing.)
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.accessed.set(true);
        let value = self.data.get_mut(key.as_bytes())?;
        self.modified = true;
        Some(value)
    }

    /// `session.setdefault(key, []).append(value)`: appends to the list at
    /// `key`, creating the list if the key is missing.
    ///
    /// # Errors
    /// [`NotAList`] if `key` holds something else; nothing is changed then.
    pub fn push(&mut self, key: &str, value: impl Into<Value>) -> Result<(), NotAList> {
        self.accessed.set(true);
        let slot = self
            .data
            .entry(PyStr::from(key))
            .or_insert_with(|| Value::List(Vec::new()));
        match slot.as_list_mut() {
            Some(items) => {
                items.push(value.into());
                self.modified = true;
                Ok(())
            }
            None => Err(NotAList {
                key: key.to_owned(),
                found: slot.type_name(),
            }),
        }
    }

    /// `session.pop(key, None)`. Marks modified only if the key was there.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.accessed.set(true);
        let removed = self.data.remove(key.as_bytes());
        if removed.is_some() {
            self.modified = true;
        }
        removed
    }

    /// `session.clear()`, e.g. to log out. Marks modified only if the
    /// session held something (so a fresh visitor gets no needless cookie).
    pub fn clear(&mut self) {
        self.accessed.set(true);
        if !self.data.is_empty() {
            self.modified = true;
            self.data.clear();
        }
    }

    /// `session.permanent = value`: stores `_permanent`, as Flask does.
    pub fn set_permanent(&mut self, permanent: bool) {
        self.insert(PERMANENT_KEY, permanent);
    }

    fn touch(&mut self) {
        self.modified = true;
        self.accessed.set(true);
    }

    // --- bookkeeping: reads nothing, marks nothing ---

    /// Did anything change the dictionary (or get `&mut` access to a value)?
    pub fn modified(&self) -> bool {
        self.modified
    }

    /// Did anything read or change the dictionary? (Drives `Vary: Cookie`.)
    pub fn accessed(&self) -> bool {
        self.accessed.get()
    }

    /// The payload as Flask would write it: compact JSON, keys sorted.
    pub fn to_json(&self) -> String {
        // `Value::Map` owns its map; cloning one session per response is cheap
        // next to the HMAC, and keeps `Value`'s API simple.
        to_json(&Value::Map(self.data.clone()))
    }

    /// The dictionary, for the server-side store.
    pub fn into_map(self) -> BTreeMap<PyStr, Value> {
        self.data
    }

    // --- the cookie ---

    /// The `session` cookie's value for this dictionary, signed now with
    /// the current key.
    pub fn encode_cookie(&self, signer: &Signer, now: SystemTime) -> String {
        signer.sign(&self.to_json(), now)
    }

    /// The session carried by a request's cookie value (`None`: no cookie).
    ///
    /// Never fails: a cookie that is tampered, expired, signed with an
    /// unknown key or unreadable gives an *empty* session, and the
    /// [`LoadOutcome`] says why, for the log or the lesson page. That is
    /// what Flask does too; a bad cookie is not the visitor's problem.
    #[must_use]
    pub fn decode_cookie(
        value: Option<&str>,
        signer: &Signer,
        max_age: Option<Duration>,
        now: SystemTime,
    ) -> (Session, LoadOutcome) {
        let Some(value) = value else {
            return (Session::new(), LoadOutcome::Fresh);
        };
        match signer.unsign(value, max_age, now) {
            Ok(unsigned) => (
                Session::from_map(unsigned.data),
                LoadOutcome::Loaded {
                    timestamp: unsigned.timestamp,
                    key: unsigned.key,
                },
            ),
            Err(error) => (Session::new(), LoadOutcome::Rejected(error)),
        }
    }
}

impl<'a> IntoIterator for &'a Session {
    type Item = (&'a PyStr, &'a Value);
    type IntoIter = btree_map::Iter<'a, PyStr, Value>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// What became of the session cookie a request sent.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadOutcome {
    /// There was no cookie: a first visit, or the browser dropped it.
    Fresh,
    /// The cookie was genuine and current.
    Loaded {
        /// When it was signed, seconds since 1970.
        timestamp: u64,
        /// Which key verified it; `Fallback` suggests re-signing with the current key.
        key: KeyUsed,
    },
    /// There was a cookie, and it was refused; the session starts empty.
    Rejected(SignError),
}

/// `push` found something other than a list at the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAList {
    /// The key pushed to.
    pub key: String,
    /// What it held instead, by Python type name.
    pub found: &'static str,
}

impl fmt::Display for NotAList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "session[{:?}] holds a {}, not a list, so there is nothing to append to",
            self.key, self.found
        )
    }
}

impl std::error::Error for NotAList {}

#[cfg(test)]
mod tests;

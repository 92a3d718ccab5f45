//! Session ids: the only thing a server-side session puts in the cookie.
//!
//! Facts:
//! - The id is a *bearer credential*: whoever sends it **is** that visitor
//!   to the server. So it must be impossible to guess, and it must never be
//!   chosen by the client.
//! - Impossible to guess: 32 bytes (256 bits) from `/dev/urandom`, as
//!   Flask-Session's `secrets.token_urlsafe(32)`. OWASP asks for at least
//!   64 bits of entropy; with 256, an attacker making a billion guesses a
//!   second against a million live sessions would need ~10^53 years.
//! - Never chosen by the client (*session fixation*): an id the store does
//!   not know is thrown away, never adopted. Otherwise an attacker could plant
//!   `sid=KNOWN` in a victim's browser, wait for the victim to log in, and
//!   then use `KNOWN` themselves.
//! - Written as base64url without padding (RFC 4648 §5): 43 characters of
//!   `A-Z a-z 0-9 - _`, all of them cookie-octets (RFC 6265 §4.1.1) and
//!   safe in a file name. No `.`, no `/`: an id can never climb out of the
//!   file store's directory.

use std::fmt;
use std::io;

use crate::random::random_bytes;
use crate::session::base64url;

/// How many random bytes an id holds.
pub const ID_BYTES: usize = 32;

/// How many characters an id is, written (base64url of [`ID_BYTES`] bytes).
pub const ID_LEN: usize = (ID_BYTES * 8).div_ceil(6);

/// A well-formed session id. Invariant: exactly [`ID_LEN`] characters, the
/// canonical base64url encoding of [`ID_BYTES`] bytes.
///
/// `Debug` shows only the first six characters: ids are credentials, and
/// `Debug` output ends up in logs. `Display` and [`as_str`](Self::as_str)
/// give the whole id, for the cookie and the store.
///
/// # Examples
/// ```
/// use goldfish::session::SessionId;
/// let id = SessionId::generate().unwrap();
/// assert_eq!(id.as_str().len(), 43);
/// assert_eq!(SessionId::parse(id.as_str()), Ok(id.clone()));
/// assert!(SessionId::parse("../../etc/passwd").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SessionId(String);

impl SessionId {
    /// A new id from `/dev/urandom`.
    ///
    /// # Errors
    /// `/dev/urandom` cannot be read. There is no weaker fallback.
    pub fn generate() -> io::Result<SessionId> {
        Ok(SessionId(base64url::encode(&random_bytes(ID_BYTES)?)))
    }

    /// Checks a value that came from a `sid` cookie (or a file name).
    ///
    /// # Errors
    /// [`IdError`] says what is wrong, for the lesson page.
    pub fn parse(text: &str) -> Result<SessionId, IdError> {
        if text.len() != ID_LEN {
            return Err(IdError::Length { found: text.len() });
        }
        match base64url::decode(text) {
            Ok(bytes) if bytes.len() == ID_BYTES => Ok(SessionId(text.to_owned())),
            Ok(bytes) => Err(IdError::Length { found: bytes.len() }),
            Err(e) => Err(IdError::Encoding(e.to_string())),
        }
    }

    /// The id as written in the cookie.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionId({}…)", &self.0[..6])
    }
}

/// Why a `sid` cookie's value is not a session id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdError {
    /// Not 43 characters long.
    Length { found: usize },
    /// Not base64url.
    Encoding(String),
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdError::Length { found } => write!(
                f,
                "a session id is {ID_LEN} characters of base64url ({ID_BYTES} random bytes), \
                 not {found}"
            ),
            IdError::Encoding(e) => write!(f, "a session id is base64url: {e}"),
        }
    }
}

impl std::error::Error for IdError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_well_formed_and_differ() {
        let a = SessionId::generate().unwrap();
        let b = SessionId::generate().unwrap();
        assert_eq!(a.as_str().len(), ID_LEN);
        assert_ne!(a, b, "two 256-bit ids were equal");
        assert_eq!(SessionId::parse(a.as_str()), Ok(a.clone()));
        assert!(
            a.as_str()
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'),
            "{a}"
        );
    }

    #[test]
    fn malformed_ids_are_refused() {
        let good = "A".repeat(42) + "E"; // 'E' = 000100: its low 2 bits are free
        assert!(SessionId::parse(&good).is_ok());
        let cases: &[(&str, String)] = &[
            ("empty", String::new()),
            ("too short", "A".repeat(42)),
            ("too long", "A".repeat(44)),
            (
                "path traversal",
                format!("../../../etc/passwd{}", "A".repeat(24)),
            ),
            ("a slash", format!("{}/", "A".repeat(42))),
            ("a dot", format!("{}.", "A".repeat(42))),
            ("padding", format!("{}=", "A".repeat(42))),
            ("standard base64, not url", format!("{}+", "A".repeat(42))),
            ("non-canonical last character", "A".repeat(42) + "B"),
            (
                "non-ASCII of the right byte length",
                format!("{}é", "A".repeat(41)),
            ),
        ];
        for (why, text) in cases {
            let got = SessionId::parse(text);
            assert!(
                got.is_err(),
                "{why}: parse({text:?}) = {got:?}; want an error"
            );
        }
    }

    #[test]
    fn debug_does_not_print_the_whole_id() {
        let id = SessionId::generate().unwrap();
        let shown = format!("{id:?}");
        assert!(!shown.contains(id.as_str()), "{shown}");
        assert!(shown.starts_with("SessionId("), "{shown}");
    }

    #[test]
    fn errors_explain_the_rule() {
        assert_eq!(
            SessionId::parse("abc").unwrap_err().to_string(),
            "a session id is 43 characters of base64url (32 random bytes), not 3"
        );
    }
}

//! Reading a Set-Cookie line the way a browser does (RFC 6265bis §5.6).
//!
//! This parser cannot fail. That is the browser's contract: a server that
//! sends a sloppy line still gets its cookie, minus whatever the browser
//! could not make sense of. Every split is at an ASCII byte (`;`, `=`), so
//! no UTF-8 character is ever cut.

use super::SameSiteFlag;
use crate::cookie::cookie_date::{EARLIEST, LATEST, chromium_cookie_date_seconds};
use crate::cookie::{MAX_ATTRIBUTE_VALUE, default_path, trim_wsp};

/// The lifetime limit: 400 days in seconds (6265bis §5.5).
pub(super) const MAX_AGE_LIMIT: i64 = 400 * 24 * 60 * 60;

/// A parsed line: the cookie's name and value, and its attributes in order.
pub(super) struct Parsed<'a> {
    /// The name-value-pair string as written, before trimming.
    pub pair: &'a str,
    /// Trimmed; empty for a nameless cookie.
    pub name: &'a str,
    /// Trimmed; quotes, if any, are kept (they are part of the value).
    pub value: &'a str,
    /// False when the pair had no `=` at all (`Set-Cookie: token`).
    pub has_equals: bool,
    pub attributes: Vec<Attribute<'a>>,
}

/// One `cookie-av`: the text between two `;`.
pub(super) struct Attribute<'a> {
    /// The whole cookie-av, trimmed, e.g. `Max-Age=60`.
    pub text: &'a str,
    /// The attribute name as written (matched case-insensitively).
    pub name: &'a str,
    /// The attribute value, trimmed (may be empty).
    pub value: &'a str,
    pub kind: Kind,
}

/// What the browser made of one attribute.
pub(super) enum Kind {
    /// Value over 1024 bytes: skipped before its name is even looked at.
    TooLong,
    /// Not an attribute browsers know (or an empty piece between `;;`).
    Unknown,
    /// `None`: not a date the cookie-date algorithm can read.
    Expires(Option<Expiry>),
    /// `None`: not an optionally negative whole number.
    MaxAge(Option<Expiry>),
    /// Without a leading dot, lowercased; may be empty.
    Domain(String),
    /// The cookie-path; `defaulted` when the value was empty or relative
    /// and the default path was used instead (§5.6.4).
    Path {
        path: String,
        defaulted: bool,
    },
    Secure,
    HttpOnly,
    SameSite(SameSiteFlag),
    Partitioned,
}

/// An expiry-time computed from Expires or Max-Age.
pub(super) struct Expiry {
    /// Seconds since the epoch, in `EARLIEST..=LATEST`.
    pub at: i64,
    /// True when the 400-day limit shortened it.
    pub capped: bool,
}

/// The attributes that take part in the storage model. "Last one wins" is
/// decided per slot; ignored attributes have no slot.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    Expires,
    MaxAge,
    Domain,
    Path,
    Secure,
    HttpOnly,
    SameSite,
    Partitioned,
}

impl Kind {
    /// The slot this attribute fills in the cookie-attribute-list, or
    /// `None` if the browser did not append it (§5.6: "ignore the cookie-av").
    pub fn slot(&self) -> Option<Slot> {
        match self {
            Kind::TooLong | Kind::Unknown => None,
            // An unreadable Expires or Max-Age still takes the slot: Chromium
            // keeps the *last* attribute of each name, readable or not, so
            // `Max-Age=60; Max-Age=soon` is a session cookie (RFC 6265bis
            // would skip the unreadable one and keep 60 s).
            Kind::Expires(_) => Some(Slot::Expires),
            Kind::MaxAge(_) => Some(Slot::MaxAge),
            Kind::Domain(_) => Some(Slot::Domain),
            Kind::Path { .. } => Some(Slot::Path),
            Kind::Secure => Some(Slot::Secure),
            Kind::HttpOnly => Some(Slot::HttpOnly),
            Kind::SameSite(_) => Some(Slot::SameSite),
            Kind::Partitioned => Some(Slot::Partitioned),
        }
    }
}

impl Parsed<'_> {
    /// The byte offset in `line` of a tab inside (not at the edge of) the
    /// name, the value, or an attribute's name or value, if any.
    pub fn inner_tab(&self, line: &str) -> Option<usize> {
        let parts = [self.name, self.value].into_iter().chain(
            self.attributes
                .iter()
                .flat_map(|a| [a.name, a.value].into_iter()),
        );
        for part in parts {
            if let Some(i) = part.find('\t') {
                let base = part.as_ptr() as usize - line.as_ptr() as usize;
                return Some(base + i);
            }
        }
        None
    }

    /// Does the last Max-Age hold a number? Then it decides the expiry and
    /// Expires is ignored (§5.7 step 6); an unreadable one leaves the
    /// decision to Expires.
    pub fn max_age_counts(&self) -> bool {
        self.last_of(Slot::MaxAge)
            .is_some_and(|i| matches!(self.attributes[i].kind, Kind::MaxAge(Some(_))))
    }

    /// The expiry-time (§5.7 step 6): the last Max-Age if it is a number,
    /// else the last Expires if it is a date, else none (a session cookie).
    pub fn expiry(&self) -> Option<&Expiry> {
        let kind = |slot| self.last_of(slot).map(|i| &self.attributes[i].kind);
        match (kind(Slot::MaxAge), kind(Slot::Expires)) {
            (Some(Kind::MaxAge(Some(e))), _) | (_, Some(Kind::Expires(Some(e)))) => Some(e),
            _ => None,
        }
    }

    /// The index of the last attribute filling `slot` (the one that counts).
    pub fn last_of(&self, slot: Slot) -> Option<usize> {
        self.attributes
            .iter()
            .rposition(|a| a.kind.slot() == Some(slot))
    }
}

/// Parses a set-cookie-string (already free of control characters) as
/// received from a URL whose path is `uri_path`, at `now` seconds.
pub(super) fn parse<'a>(line: &'a str, uri_path: &str, now: i64) -> Parsed<'a> {
    // Step 2: the name-value-pair is everything up to the first ';'.
    let (pair, unparsed_attributes) = match line.split_once(';') {
        Some((pair, rest)) => (pair, Some(rest)),
        None => (line, None),
    };
    // Step 3: split at the first '='; without one, the name is empty.
    let (name, value, has_equals) = match pair.split_once('=') {
        Some((name, value)) => (name, value, true),
        None => ("", pair, false),
    };
    // Step 4: trim spaces and tabs. (Step 5, the size limit, is checked by
    // the caller; step 6 names the results.)
    let mut parsed = Parsed {
        pair,
        name: trim_wsp(name),
        value: trim_wsp(value),
        has_equals,
        attributes: Vec::new(),
    };
    // The attribute loop: each piece between ';' is one cookie-av.
    for cookie_av in unparsed_attributes
        .into_iter()
        .flat_map(|rest| rest.split(';'))
    {
        let (name, value) = cookie_av.split_once('=').unwrap_or((cookie_av, ""));
        let (name, value) = (trim_wsp(name), trim_wsp(value));
        let kind = if value.len() > MAX_ATTRIBUTE_VALUE {
            Kind::TooLong
        } else {
            attribute_kind(name, value, uri_path, now)
        };
        let text = trim_wsp(cookie_av);
        parsed.attributes.push(Attribute {
            text,
            name,
            value,
            kind,
        });
    }
    parsed
}

/// §5.6.1–5.6.7 (and CHIPS for Partitioned): one attribute by its name.
fn attribute_kind(name: &str, value: &str, uri_path: &str, now: i64) -> Kind {
    let is = |known: &str| name.eq_ignore_ascii_case(known);
    if is("Expires") {
        Kind::Expires(chromium_cookie_date_seconds(value).map(|at| cap(at, now)))
    } else if is("Max-Age") {
        Kind::MaxAge(max_age_seconds(value).map(|secs| max_age_expiry(secs, now)))
    } else if is("Domain") {
        // §5.6.3: drop one leading '.', lowercase.
        let domain = value.strip_prefix('.').unwrap_or(value);
        Kind::Domain(domain.to_ascii_lowercase())
    } else if is("Path") {
        // §5.6.4: an empty or relative Path means the default path.
        if value.starts_with('/') {
            Kind::Path {
                path: value.to_owned(),
                defaulted: false,
            }
        } else {
            let path = default_path(uri_path).to_owned();
            Kind::Path {
                path,
                defaulted: true,
            }
        }
    } else if is("Secure") {
        Kind::Secure // §5.6.5: the value, if any, is ignored.
    } else if is("HttpOnly") {
        Kind::HttpOnly // §5.6.6: likewise.
    } else if is("SameSite") {
        Kind::SameSite(same_site_flag(value))
    } else if is("Partitioned") {
        Kind::Partitioned
    } else {
        Kind::Unknown
    }
}

/// §5.6.1 steps 3–5: limit an Expires time to 400 days from now, and to
/// the dates this checker can represent.
fn cap(at: i64, now: i64) -> Expiry {
    let limit = now.saturating_add(MAX_AGE_LIMIT);
    let at = at.clamp(EARLIEST, LATEST);
    if at > limit {
        Expiry {
            at: limit.clamp(EARLIEST, LATEST),
            capped: true,
        }
    } else {
        Expiry { at, capped: false }
    }
}

/// §5.6.2 steps 1–3: a leading DIGIT or `-`, then only DIGITs. Huge
/// numbers saturate instead of overflowing; they are capped next anyway.
/// A bare `-` has no digits at all, so it is not a number either.
/// Chromium also takes a leading `+` (`base::StringToInt64` does), so
/// `Max-Age=+0` deletes there; the jar follows Chromium.
pub(super) fn max_age_seconds(value: &str) -> Option<i64> {
    let (negative, digits) = match (value.strip_prefix('-'), value.strip_prefix('+')) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        (None, None) => (false, value),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = digits.bytes().fold(0i64, |n, b| {
        n.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    Some(if negative { -n } else { n })
}

/// §5.6.2 steps 4–6: cap at 400 days; zero or less means "already expired"
/// (the earliest representable time).
fn max_age_expiry(seconds: i64, now: i64) -> Expiry {
    let capped = seconds > MAX_AGE_LIMIT;
    let seconds = seconds.min(MAX_AGE_LIMIT);
    let at = if seconds <= 0 {
        EARLIEST
    } else {
        now.saturating_add(seconds).clamp(EARLIEST, LATEST)
    };
    Expiry { at, capped }
}

/// §5.6.7: `None`, `Strict` or `Lax` in any case; anything else (including
/// an empty value) is "Default".
fn same_site_flag(value: &str) -> SameSiteFlag {
    if value.eq_ignore_ascii_case("None") {
        SameSiteFlag::None
    } else if value.eq_ignore_ascii_case("Strict") {
        SameSiteFlag::Strict
    } else if value.eq_ignore_ascii_case("Lax") {
        SameSiteFlag::Lax
    } else {
        SameSiteFlag::Default
    }
}

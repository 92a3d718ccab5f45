//! Redirects remembered for a few minutes, so the page a browser lands on
//! after a `303` can show the redirect's bytes too.
//!
//! A form that changes state POSTs, and the answer is `303 See Other` to a
//! page the browser then GETs (so a reload does not post again). The
//! interesting `Set-Cookie` rides on the 303, which the browser follows
//! without showing it. The page at the end cannot know about it — HTTP is
//! stateless — unless the request that reaches it says so. So, for a
//! browser (a request whose `Accept` names `text/html`), `Ctx::finish`
//! adds `via=<token>` to the redirect's `Location` and keeps the 303's head
//! here under that token; the page reads `?via=` and shows it.
//!
//! Why a token in the URL, and not a cookie: a cookie would change the
//! bytes of every later request silently, and the lessons are about those
//! bytes. The token is visible in the address bar, the page says what it
//! is, and curl, telnet and nc never get one. It is 96 random bits, so one
//! learner's redirects cannot be found by another in the same classroom.
//!
//! Bounded: at most [`Hops::MAX`] redirects, each kept [`Hops::KEEP`]; the
//! oldest go first.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use crate::http::Status;
use crate::random;
use crate::session::base64url;

/// One redirect: the request that got it, and the head that answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The request line that was answered with the redirect, e.g.
    /// `POST /responses HTTP/1.1`.
    pub request_line: String,
    pub status: Status,
    /// The response's header fields, in order (`Location` with the token).
    pub headers: Vec<(String, String)>,
    /// What goldfish could not do for that request (a session cookie too
    /// big to send), for the page to say.
    pub warnings: Vec<String>,
}

/// The redirects of the last few minutes.
#[derive(Debug, Default)]
pub struct Hops {
    /// Oldest first: (token, when, the hop).
    recent: Mutex<VecDeque<(String, SystemTime, Hop)>>,
}

impl Hops {
    /// How many redirects are kept at most.
    pub const MAX: usize = 256;
    /// How long one is kept.
    pub const KEEP: Duration = Duration::from_secs(10 * 60);

    /// A new token for a redirect about to be sent, or `None` if the OS's
    /// randomness cannot be read (the redirect then goes without one).
    #[must_use]
    pub fn token() -> Option<String> {
        random::random_bytes(12).ok().map(|b| base64url::encode(&b))
    }

    /// Keeps `hop` under `token`.
    pub fn record(&self, token: String, hop: Hop, now: SystemTime) {
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Self::expire(&mut recent, now);
        while recent.len() >= Self::MAX {
            recent.pop_front();
        }
        recent.push_back((token, now, hop));
    }

    /// The redirect kept under `token`, if it is still kept.
    pub fn find(&self, token: &str, now: SystemTime) -> Option<Hop> {
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Self::expire(&mut recent, now);
        recent
            .iter()
            .find(|(t, _, _)| t == token)
            .map(|(_, _, hop)| hop.clone())
    }

    fn expire(recent: &mut VecDeque<(String, SystemTime, Hop)>, now: SystemTime) {
        while recent
            .front()
            .is_some_and(|(_, at, _)| now.duration_since(*at).unwrap_or_default() > Self::KEEP)
        {
            recent.pop_front();
        }
    }
}

/// `location` with `via=token` added to its query.
#[must_use]
pub fn with_token(location: &str, token: &str) -> String {
    let (path, fragment) = match location.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (location, None),
    };
    let sep = if path.contains('?') { '&' } else { '?' };
    match fragment {
        Some(f) => format!("{path}{sep}via={token}#{f}"),
        None => format!("{path}{sep}via={token}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(line: &str) -> Hop {
        Hop {
            request_line: line.to_string(),
            status: Status::SEE_OTHER,
            headers: vec![("Location".into(), "/x".into())],
            warnings: Vec::new(),
        }
    }

    #[test]
    fn a_hop_is_found_by_its_token_until_it_expires() {
        let hops = Hops::default();
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        hops.record("abc".into(), hop("POST /a HTTP/1.1"), t0);
        assert_eq!(
            hops.find("abc", t0).map(|h| h.request_line).as_deref(),
            Some("POST /a HTTP/1.1")
        );
        assert_eq!(hops.find("abd", t0), None, "another token finds nothing");
        assert!(
            hops.find("abc", t0 + Hops::KEEP).is_some(),
            "kept KEEP long"
        );
        assert_eq!(
            hops.find("abc", t0 + Hops::KEEP + Duration::from_secs(1)),
            None
        );
    }

    #[test]
    fn at_most_max_are_kept_and_the_oldest_go_first() {
        let hops = Hops::default();
        let now = SystemTime::UNIX_EPOCH;
        for i in 0..=Hops::MAX {
            hops.record(i.to_string(), hop("POST / HTTP/1.1"), now);
        }
        assert_eq!(hops.find("0", now), None, "the oldest went");
        assert!(hops.find("1", now).is_some());
        assert!(hops.find(&Hops::MAX.to_string(), now).is_some());
    }

    #[test]
    fn the_token_joins_the_query() {
        let cases: &[(&str, &str)] = &[
            ("/responses", "/responses?via=T"),
            ("/cookies?x=1", "/cookies?x=1&via=T"),
            ("/cookies#report", "/cookies?via=T#report"),
        ];
        for (location, want) in cases {
            let got = with_token(location, "T");
            assert_eq!(
                got, *want,
                "with_token({location:?}) = {got:?}; want {want:?}"
            );
        }
        let token = Hops::token().unwrap();
        assert_eq!(token.len(), 16, "96 bits in base64url");
    }
}

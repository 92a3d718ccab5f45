//! How fast one client may make new server-side sessions: a token bucket
//! per client address. Pure logic; time is passed in.
//!
//! A new session costs the server a place in its store, and costs the
//! client one request with no cookie. Without a limit, one script fills
//! any store in seconds (review: 13,000 new Redis sessions a second). So
//! each client gets a bucket of `per_minute` tokens; a new session takes
//! one; the bucket refills at `per_minute` a minute, continuously. A
//! visitor who logs in now and then never notices; a flood gets `429 Too
//! Many Requests` after its first `per_minute` sessions, with the seconds
//! until the next token in `Retry-After`.
//!
//! Facts:
//! - **A client is an IPv4 address, or an IPv6 /64.** One IPv6 host usually
//!   holds a whole /64 (2^64 addresses), so counting single IPv6 addresses
//!   would let it have as many buckets as it likes.
//! - **Behind a reverse proxy** (the README's nginx layout) every request
//!   comes from the proxy's address, so all visitors share one bucket:
//!   raise the limit there, or turn it off with 0. (goldfish does not trust
//!   `X-Forwarded-For`: any client can send that header.)
//! - **The limiter's own memory is bounded**: at most [`MAX_CLIENTS`]
//!   buckets. When that many exist, full buckets (clients idle long enough
//!   to have every token back) are forgotten, which loses nothing; if all
//!   of them are in use, a new client is let through untracked, and the
//!   store's cap (`--max-sessions`) is the backstop.
//! - Only *new* sessions count: changing a session, reading it, or
//!   regenerating its id is never limited.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// New sessions per minute per client, unless `--new-sessions-per-minute` says otherwise.
pub const DEFAULT_PER_MINUTE: u32 = 60;

/// Buckets kept at most.
pub const MAX_CLIENTS: usize = 10_000;

/// One client's bucket.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// Tokens left at `at`; at most `per_minute`.
    tokens: f64,
    at: SystemTime,
}

/// The limiter. See the module docs.
#[derive(Debug)]
pub struct NewSessionLimit {
    /// 0: no limit.
    per_minute: u32,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

/// A refusal: when the client may try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited {
    /// Whole seconds until the next token (at least 1).
    pub retry_after: u64,
    /// The limit that was hit, per minute.
    pub per_minute: u32,
}

impl NewSessionLimit {
    /// `per_minute` new sessions a minute per client; 0 turns the limit off.
    #[must_use]
    pub fn new(per_minute: u32) -> NewSessionLimit {
        NewSessionLimit {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for a new session by `client` at `now`.
    ///
    /// # Errors
    /// [`Limited`] if the client's bucket is empty.
    pub fn allow(&self, client: IpAddr, now: SystemTime) -> Result<(), Limited> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let key = client_key(client);
        // A map lookup and a little arithmetic: a poisoned lock holds nothing half-done.
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !buckets.contains_key(&key) && buckets.len() >= MAX_CLIENTS {
            buckets.retain(|_, b| refilled(b, now, per_second, capacity) < capacity);
            if buckets.len() >= MAX_CLIENTS {
                return Ok(()); // untracked; the store's cap still holds
            }
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let tokens = refilled(bucket, now, per_second, capacity);
        if tokens >= 1.0 {
            *bucket = Bucket {
                tokens: tokens - 1.0,
                at: now,
            };
            Ok(())
        } else {
            *bucket = Bucket { tokens, at: now };
            Err(Limited {
                retry_after: ((1.0 - tokens) / per_second).ceil().max(1.0) as u64,
                per_minute: self.per_minute,
            })
        }
    }
}

/// The bucket's tokens at `now`. A clock that went backwards refills nothing.
fn refilled(bucket: &Bucket, now: SystemTime, per_second: f64, capacity: f64) -> f64 {
    let elapsed = now.duration_since(bucket.at).unwrap_or(Duration::ZERO);
    (bucket.tokens + elapsed.as_secs_f64() * per_second).min(capacity)
}

/// IPv4 as is; IPv6 cut to its /64 (an IPv4-mapped IPv6 address is IPv4).
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                IpAddr::V4(v4)
            } else {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: f64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000) + Duration::from_secs_f64(secs)
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_burst_then_one_a_second() {
        let limit = NewSessionLimit::new(60);
        let a = ip("127.0.0.1");
        for i in 0..60 {
            assert_eq!(limit.allow(a, t(0.0)), Ok(()), "token {i} of the first 60");
        }
        assert_eq!(
            limit.allow(a, t(0.0)),
            Err(Limited {
                retry_after: 1,
                per_minute: 60
            })
        );
        assert_eq!(
            limit.allow(a, t(0.5)),
            Err(Limited {
                retry_after: 1,
                per_minute: 60
            })
        );
        assert_eq!(limit.allow(a, t(1.0)), Ok(()), "one a second comes back");
        assert!(limit.allow(a, t(1.0)).is_err());
        // After a minute of quiet, a whole burst again.
        for _ in 0..60 {
            assert_eq!(limit.allow(a, t(70.0)), Ok(()));
        }
    }

    #[test]
    fn clients_are_counted_apart() {
        let cases: &[(&str, &str, &str, bool)] = &[
            ("two IPv4 addresses", "127.0.0.1", "127.0.0.2", true),
            (
                "two IPv6 hosts in different /64s",
                "2001:db8:0:1::1",
                "2001:db8:0:2::1",
                true,
            ),
            (
                "one IPv6 /64: one client",
                "2001:db8:0:1::1",
                "2001:db8:0:1:ffff::9",
                false,
            ),
            (
                "IPv4 and the same address mapped into IPv6",
                "192.0.2.1",
                "::ffff:192.0.2.1",
                false,
            ),
        ];
        for (why, first, second, apart) in cases {
            let limit = NewSessionLimit::new(1);
            assert_eq!(limit.allow(ip(first), t(0.0)), Ok(()), "{why}");
            assert_eq!(limit.allow(ip(second), t(0.0)).is_ok(), *apart, "{why}");
        }
    }

    #[test]
    fn zero_is_no_limit_and_time_going_back_refills_nothing() {
        let off = NewSessionLimit::new(0);
        for _ in 0..10_000 {
            assert_eq!(off.allow(ip("127.0.0.1"), t(0.0)), Ok(()));
        }
        let limit = NewSessionLimit::new(1);
        assert_eq!(limit.allow(ip("127.0.0.1"), t(100.0)), Ok(()));
        assert!(
            limit.allow(ip("127.0.0.1"), t(0.0)).is_err(),
            "the clock went back"
        );
    }

    #[test]
    fn the_limiter_forgets_idle_clients_to_stay_bounded() {
        let limit = NewSessionLimit::new(60);
        for i in 0..MAX_CLIENTS as u32 {
            let a = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            limit.allow(a, t(0.0)).unwrap();
        }
        // A minute later, every bucket is full again: they make room.
        limit.allow(ip("192.0.2.7"), t(61.0)).unwrap();
        assert_eq!(limit.buckets.lock().unwrap().len(), 1);
    }
}

//! More than one server: which sessions survive a load balancer?
//!
//! Each test starts the real `goldfish` binary twice, on two free loopback
//! ports, with the same `SECRET_KEY`, and plays a browser whose requests a
//! round-robin load balancer sends to one, then the other. (A browser
//! keeps cookies per *host*, not per port — RFC 6265 §8.5 — so one cookie
//! jar for both ports is exactly what a real browser would do.)
//!
//! | session kept in | survives the switch? |
//! | --- | --- |
//! | a signed cookie (same `SECRET_KEY`) | yes: the data travels with the request |
//! | `--session-store memory` | **no**: each process has its own map |
//! | `--session-store file:DIR` (same machine) | yes: both read the same files |
//! | `--session-store redis://…` | yes: both ask the same Redis |
//! | `--session-store postgres://…` | yes: both ask the same table |
//!
//! The Redis tests start their own `redis-server` on a free port (no
//! persistence, in a temporary directory) and stop it at the end, also when
//! a test fails. The PostgreSQL tests do the same with a throwaway cluster
//! (`tests/postgres/`: `initdb` into a temporary directory, as `nobody` when
//! run as root, a SCRAM password, a free port). `.ci/run` installs
//! `redis-server` and `postgresql`; if one is missing here, its tests say so
//! loudly and skip (and fail when `CI` is set).

mod postgres;
mod procs;

use std::time::{Duration, Instant};

use postgres::PgCluster;
use procs::{Browser, Goldfish, Redis, STRANGER, remembers};

// ---------------------------------------------------------------------------
// The survive/lose matrix
// ---------------------------------------------------------------------------

/// Stores a colour through server A, then reads it through A and B in turn.
/// Returns whether B knew it.
fn colour_survives_the_switch(a: &Goldfish, b: &Goldfish) -> bool {
    let mut browser = Browser::default();
    let posted = browser.post(a, "/server-session", "fav_color=teal");
    assert_eq!(posted.status, 303, "{}", posted.body);
    let sid = browser.sid().expect("server A issued a sid cookie");
    assert_eq!(sid.len(), 43, "256 bits as base64url: {sid}");
    let on_a = browser.get(a, "/server-session");
    assert_eq!(on_a.status, 200);
    assert!(
        on_a.body.contains(&remembers("teal")),
        "A forgot its own session"
    );
    let on_b = browser.get(b, "/server-session");
    assert_eq!(on_b.status, 200);
    // Reading never swaps the id, so A still knows the browser afterwards.
    assert_eq!(browser.sid(), Some(sid));
    let again_a = browser.get(a, "/server-session");
    assert!(again_a.body.contains(&remembers("teal")));
    if on_b.body.contains(&remembers("teal")) {
        true
    } else {
        assert!(on_b.body.contains(STRANGER), "{}", on_b.body);
        false
    }
}

#[test]
fn signed_cookie_sessions_survive_the_switch() {
    let (a, b) = (Goldfish::start("memory"), Goldfish::start("memory"));
    let mut browser = Browser::default();
    // /some-route on A puts 42 in the signed cookie…
    let set = browser.get(&a, "/some-route");
    assert_eq!(set.status, 200);
    assert!(browser.jar.contains_key("session"));
    // …and B, which has never seen this browser, reads it: same SECRET_KEY.
    let read = browser.get(&b, "/my-route");
    assert_eq!(
        (read.status, read.body.as_str()),
        (200, "Favorite number is 42")
    );
}

#[test]
fn memory_store_sessions_are_lost_on_the_other_server() {
    let (a, b) = (Goldfish::start("memory"), Goldfish::start("memory"));
    assert!(
        !colour_survives_the_switch(&a, &b),
        "B cannot see A's memory"
    );
    // Round robin makes it worse: telling B the colour gives the browser a
    // *new* id from B, and now A has never heard of that one.
    let mut browser = Browser::default();
    browser.post(&a, "/server-session", "fav_color=teal");
    let from_a = browser.sid();
    browser.post(&b, "/server-session", "fav_color=plum");
    assert_ne!(browser.sid(), from_a, "B issued its own id");
    assert!(browser.get(&a, "/server-session").body.contains(STRANGER));
    assert!(
        browser
            .get(&b, "/server-session")
            .body
            .contains(&remembers("plum"))
    );
}

#[test]
fn file_store_sessions_survive_between_processes_on_one_machine() {
    let dir = std::env::temp_dir().join(format!("goldfish-two-servers-{}", std::process::id()));
    let store = format!("file:{}", dir.display());
    let (a, b) = (Goldfish::start(&store), Goldfish::start(&store));
    assert!(
        colour_survives_the_switch(&a, &b),
        "both read the same files"
    );
    drop((a, b));
    let _ = std::fs::remove_dir_all(&dir);
}

/// What a store shared by two servers must do beyond the switch: a change
/// made on B is read on A; regenerating the id on B kills the old id on both;
/// clearing on A ends the session on both. `holds(id)` asks the store
/// itself what it keeps under `id`: the JSON, and whether it lives about
/// the session lifetime (31 days); `None` if nothing.
fn a_shared_store_follows_the_visitor(
    a: &Goldfish,
    b: &Goldfish,
    holds: &dyn Fn(&str) -> Option<(String, bool)>,
) {
    assert!(colour_survives_the_switch(a, b), "both ask the same store");
    let mut browser = Browser::default();
    browser.post(a, "/server-session", "fav_color=teal");
    let first = browser.sid().unwrap();
    let changed = browser.post(b, "/server-session", "fav_color=plum");
    assert_eq!(changed.header("set-cookie"), None, "same id: no new cookie");
    assert!(
        browser
            .get(a, "/server-session")
            .body
            .contains(&remembers("plum"))
    );
    assert_eq!(
        holds(&first),
        Some((r#"{"fav_color":"plum"}"#.to_string(), true))
    );

    // "Log in" on B: a new id; the old one is dead on both servers.
    browser.post(b, "/server-session", "action=regenerate");
    let second = browser.sid().unwrap();
    assert_ne!(first, second);
    assert!(
        browser
            .get(a, "/server-session")
            .body
            .contains(&remembers("plum"))
    );
    let mut thief = Browser::default();
    thief.jar.insert("sid".into(), first.clone());
    assert!(thief.get(a, "/server-session").body.contains(STRANGER));
    assert_eq!(holds(&first), None);

    // "Log out" on A: gone everywhere.
    let out = browser.post(a, "/server-session", "action=clear");
    assert!(out.header("set-cookie").unwrap_or("").contains("Max-Age=0"));
    thief.jar.insert("sid".into(), second.clone());
    assert!(thief.get(b, "/server-session").body.contains(STRANGER));
    assert_eq!(holds(&second), None);
}

/// Redis holds the JSON under goldfish's key, with the session lifetime as
/// its time to live.
#[test]
fn redis_store_sessions_survive_the_switch() {
    let Some(redis) = Redis::start() else { return };
    let (a, b) = (Goldfish::start(&redis.url()), Goldfish::start(&redis.url()));
    a_shared_store_follows_the_visitor(&a, &b, &|id| {
        let key = format!("goldfish:session:{id}");
        let json = redis.command(&["GET", &key])?;
        let json = json.split("\r\n").nth(1)?.to_string();
        let ttl: u64 = redis
            .command(&["TTL", &key])?
            .trim()
            .strip_prefix(':')?
            .parse()
            .ok()?;
        Some((json, (31 * 86_400 - 60..=31 * 86_400).contains(&ttl)))
    });
}

// ---------------------------------------------------------------------------
// A network store goes away, and comes back
// ---------------------------------------------------------------------------

/// A store goldfish talks to over the network, which a test can crash and
/// start again on the same port.
trait Outage {
    /// The store's name as goldfish shows it (no password).
    fn shown(&self) -> String;
    /// The start of the advice on the 503 page.
    fn advice(&self) -> &'static str;
    /// Whether it keeps its data across a crash.
    fn keeps_data(&self) -> bool;
    fn crash(&mut self);
    fn start_again(&mut self);
}

impl Outage for Redis {
    fn shown(&self) -> String {
        self.url()
    }
    fn advice(&self) -> &'static str {
        "Start Redis (for example: redis-server --port"
    }
    fn keeps_data(&self) -> bool {
        false // started with --save '' --appendonly no
    }
    fn crash(&mut self) {
        self.kill();
    }
    fn start_again(&mut self) {
        self.restart();
    }
}

impl Outage for PgCluster {
    fn shown(&self) -> String {
        format!("postgres://goldfish@127.0.0.1:{}/goldfish", self.port)
    }
    fn advice(&self) -> &'static str {
        "Start PostgreSQL (on Debian: sudo systemctl start postgresql)"
    }
    fn keeps_data(&self) -> bool {
        true // a table on disk: crash recovery replays the write-ahead log
    }
    fn crash(&mut self) {
        self.kill();
    }
    fn start_again(&mut self) {
        self.restart();
    }
}

/// The store crashes (SIGKILL): at once, a 503 that says which store is
/// down and what to do; nothing is saved, and nobody is told it was; other
/// lessons do not care. It comes back: goldfish needs no restart. It
/// restarts between two requests: the dead pooled connection is retried on
/// a fresh one, without a 503.
fn a_dead_store_is_a_503_and_goldfish_recovers_by_itself(gf: &Goldfish, store: &mut dyn Outage) {
    let mut browser = Browser::default();
    browser.post(gf, "/server-session", "fav_color=teal");
    assert!(
        browser
            .get(gf, "/server-session")
            .body
            .contains(&remembers("teal"))
    );

    store.crash();
    let started = Instant::now();
    let down = browser.get(gf, "/server-session");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(down.status, 503, "{}", down.body);
    assert_eq!(down.header("retry-after"), Some("5"));
    let want = format!(
        "the session store {} is unreachable: connection refused",
        store.shown()
    );
    assert!(down.body.contains(&want), "{}", down.body);
    assert!(down.body.contains(store.advice()), "{}", down.body);
    assert!(
        !down.body.contains(postgres::PASSWORD),
        "a password is never shown"
    );
    let lost = browser.post(gf, "/server-session", "fav_color=plum");
    assert_eq!(lost.status, 503);
    assert_eq!(lost.header("set-cookie"), None);
    assert_eq!(browser.get(gf, "/hello").status, 200);
    assert_eq!(browser.get(gf, "/some-route").status, 200);

    // Back: the very next request works, with the session if the store
    // keeps its data, as a stranger's page if not.
    store.start_again();
    let back = browser.get(gf, "/server-session");
    assert_eq!(back.status, 200, "{}", back.body);
    let want = if store.keeps_data() {
        remembers("teal")
    } else {
        STRANGER.to_string()
    };
    assert!(back.body.contains(&want), "{}", back.body);
    assert_eq!(
        browser.post(gf, "/server-session", "fav_color=plum").status,
        303
    );
    assert!(
        browser
            .get(gf, "/server-session")
            .body
            .contains(&remembers("plum"))
    );

    store.crash();
    store.start_again();
    let retried = browser.get(gf, "/server-session");
    assert_eq!(retried.status, 200, "{}", retried.body);
}

#[test]
fn redis_down_is_a_503_and_goldfish_recovers_by_itself() {
    let Some(mut redis) = Redis::start() else {
        return;
    };
    let gf = Goldfish::start(&redis.url());
    a_dead_store_is_a_503_and_goldfish_recovers_by_itself(&gf, &mut redis);
}

/// A store that is running but does not answer (SIGSTOP: the port is open,
/// the kernel accepts connections, nobody reads them): the request gets a
/// 503 after the store's 1 s deadline, not never; and once the store wakes,
/// the session is still there.
fn a_paused_store_costs_a_worker_about_a_second(
    gf: &Goldfish,
    pause: impl FnOnce(),
    resume: impl FnOnce(),
) {
    let mut browser = Browser::default();
    browser.post(gf, "/server-session", "fav_color=teal");
    pause();
    let started = Instant::now();
    let slow = browser.get(gf, "/server-session");
    let took = started.elapsed();
    resume();
    assert_eq!(slow.status, 503, "{}", slow.body);
    assert!(
        slow.body.contains("no answer within 1000 ms"),
        "{}",
        slow.body
    );
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(5),
        "the store's deadline is 1 s; the request took {took:?}"
    );
    let back = browser.get(gf, "/server-session");
    assert!(back.body.contains(&remembers("teal")), "{}", back.body);
}

#[test]
fn a_paused_redis_costs_a_worker_about_a_second_not_forever() {
    let Some(redis) = Redis::start() else { return };
    let gf = Goldfish::start(&redis.url());
    a_paused_store_costs_a_worker_about_a_second(
        &gf,
        || redis.signal("-STOP"),
        || redis.signal("-CONT"),
    );
}

// ---------------------------------------------------------------------------
// PostgreSQL: the same matrix, the same outages
// ---------------------------------------------------------------------------

/// PostgreSQL holds the row, as psql shows it: the JSON as goldfish wrote
/// it, and `expires_at` 31 days ahead by the database's clock.
#[test]
fn postgres_store_sessions_survive_the_switch() {
    let Some(pg) = PgCluster::shared() else {
        return;
    };
    let db = pg.database();
    let url = pg.url("goldfish", postgres::PASSWORD, &db);
    let (a, b) = (Goldfish::start(&url), Goldfish::start(&url));
    a_shared_store_follows_the_visitor(&a, &b, &|id| {
        let row = pg.psql(
            &db,
            &format!(
                "SELECT data, expires_at BETWEEN now() + interval '30 days 23 hours' \
                 AND now() + interval '31 days' FROM goldfish_sessions WHERE id = '{id}'"
            ),
        );
        let (json, lives) = row.rsplit_once('|')?;
        Some((json.to_string(), lives == "t"))
    });
}

/// SQL injection, from the attacker's side: through the `sid` cookie and
/// through the posted colour. Neither can change the SQL: a cookie that is
/// not an id never reaches the database, and every value travels in a
/// Bind message, apart from the SQL text.
#[test]
fn sql_injection_through_the_cookie_or_the_colour_changes_nothing() {
    let Some(pg) = PgCluster::shared() else {
        return;
    };
    let db = pg.database();
    let gf = Goldfish::start(&pg.url("goldfish", postgres::PASSWORD, &db));
    let mut victim = Browser::default();
    victim.post(&gf, "/server-session", "fav_color=victim-colour");
    let rows = || pg.psql(&db, "SELECT count(*) FROM goldfish_sessions");
    assert_eq!(rows(), "1");

    // Through the cookie: classic payloads, and one padded to an id's 43 characters.
    for payload in [
        "' OR '1'='1",
        "x'; DROP TABLE goldfish_sessions; --",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';--",
        "' UNION SELECT '{\"fav_color\":\"injected\"}' --",
    ] {
        let mut attacker = Browser::default();
        attacker.jar.insert("sid".into(), payload.to_string());
        let page = attacker.get(&gf, "/server-session");
        assert_eq!(page.status, 200, "{payload}");
        assert!(
            page.body.contains("that is not a session id"),
            "{payload}: {}",
            page.body
        );
        assert!(
            !page.body.contains("remembers it"),
            "{payload}: no one's colour"
        );
        assert!(
            page.body
                .contains("without a well-formed id there is nothing to ask"),
            "{payload}: nothing was sent to the database"
        );
        let posted = attacker.post(&gf, "/server-session", "fav_color=mine");
        assert_eq!(posted.status, 303, "{payload}");
        assert_ne!(
            attacker.sid().as_deref(),
            Some(payload),
            "a fresh id, never the payload"
        );
    }

    // Through the colour: stored as the string it is, shown escaped.
    let mut attacker = Browser::default();
    let colour = "'); DROP TABLE goldfish_sessions; --";
    let form = "fav_color=%27%29%3B+DROP+TABLE+goldfish_sessions%3B+--";
    assert_eq!(attacker.post(&gf, "/server-session", form).status, 303);
    let page = attacker.get(&gf, "/server-session");
    assert!(
        page.body
            .contains(&remembers("&#39;); DROP TABLE goldfish_sessions; --")),
        "{}",
        page.body
    );
    let sid = attacker.sid().unwrap();
    let stored = pg.psql(
        &db,
        &format!("SELECT data->>'fav_color' FROM goldfish_sessions WHERE id = '{sid}'"),
    );
    assert_eq!(stored, colour);
    // The table and the victim's session are untouched.
    assert_eq!(
        rows(),
        "6",
        "the victim, four cookie attackers, and this one"
    );
    assert!(
        victim
            .get(&gf, "/server-session")
            .body
            .contains(&remembers("victim-colour"))
    );
}

/// The same on PostgreSQL, which comes back after crash recovery with the
/// session: a table on disk survives what an in-memory Redis does not.
#[test]
fn postgres_down_is_a_503_and_goldfish_recovers_by_itself() {
    let Some(mut pg) = PgCluster::start() else {
        return;
    };
    let gf = Goldfish::start(&pg.goldfish_url());
    a_dead_store_is_a_503_and_goldfish_recovers_by_itself(&gf, &mut pg);
}

/// The same on PostgreSQL: every process of the cluster stopped.
#[test]
fn a_paused_postgres_costs_a_worker_about_a_second_not_forever() {
    let Some(pg) = PgCluster::start() else { return };
    let gf = Goldfish::start(&pg.goldfish_url());
    a_paused_store_costs_a_worker_about_a_second(&gf, || pg.pause(), || pg.resume());
}

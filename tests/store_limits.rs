//! One client cannot fill a store, nor log everyone else out (issue 10,
//! item 3; review #4, #6, #7): the attacks of the security review, from the
//! attacker's side, each against the server as it runs.
//!
//! | attack | what holds now |
//! | --- | --- |
//! | 10,000 `POST /server-session` without cookies, from one address | after 60, `429`; every other session survives |
//! | the same with no rate limit, past the memory store's cap | sessions nobody came back for are evicted first; sessions in use survive |
//! | filling a file, Redis or PostgreSQL store | new sessions stop at `--max-sessions` (`503`); existing ones keep working |
//! | a `file:DIR` that other users can enter, or that someone else owns | goldfish refuses to start, and says why and how to fix it |
//! | thousands of expired files in DIR | swept by a thread, never inside a request |

mod common;
mod postgres;
mod procs;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use common::{Client, Resp, app_with, config, quiet, start_handler};
use goldfish::app::AppConfig;
use postgres::PgCluster;
use procs::{Browser, Goldfish, Redis, refuses_to_start, remembers};

/// `POST /server-session fav_color=…` on `client`'s connection, with an optional `sid`.
fn post(client: &mut Client, sid: Option<&str>, colour: &str) -> Resp {
    let cookie = sid
        .map(|s| format!("Cookie: sid={s}\r\n"))
        .unwrap_or_default();
    let body = format!("fav_color={colour}");
    client.send(
        format!(
            "POST /server-session HTTP/1.1\r\n\
             Host: 127.0.0.1\r\n\
             {cookie}\
             Content-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\n\
             \r\n\
             {body}",
            body.len()
        )
        .as_bytes(),
    );
    client.read_response()
}

fn get(client: &mut Client, sid: &str) -> Resp {
    client.send(
        format!(
            "GET /server-session HTTP/1.1\r\n\
             Host: 127.0.0.1\r\n\
             Cookie: sid={sid}\r\n\
             \r\n"
        )
        .as_bytes(),
    );
    client.read_response()
}

fn sid_of(resp: &Resp) -> Option<String> {
    resp.headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, v)| v.strip_prefix("sid="))
        .map(|v| v.split(';').next().unwrap_or("").to_string())
}

/// Review #6: "a 0.3 s burst evicts every real session". A victim stores a
/// colour and comes back (the redirect's GET); then 10,000 cookie-less
/// posts from one address. With the defaults, the 61st gets `429`, and the
/// victim — and a second visitor who came before — keep their sessions.
#[test]
fn a_burst_of_new_sessions_gets_429_and_logs_nobody_out() {
    let server = start_handler(
        config(),
        app_with(AppConfig {
            log: quiet(),
            ..AppConfig::default()
        }),
    );
    let mut victim = server.connect();
    let sid = sid_of(&post(&mut victim, None, "victim")).expect("a session");
    assert!(get(&mut victim, &sid).text().contains(&remembers("victim")));

    let mut flood = server.connect();
    let started = std::time::Instant::now();
    let (mut made, mut refused) = (0, 0);
    for _ in 0..10_000 {
        let resp = post(&mut flood, None, "x");
        match resp.status {
            303 => made += 1,
            429 => {
                refused += 1;
                assert!(resp.header("retry-after").is_some());
                assert_eq!(sid_of(&resp), None, "a refused session sets no cookie");
            }
            other => panic!("status {other}: {}", resp.text()),
        }
    }
    // The victim's own session took one of the 60 tokens of 127.0.0.1; the
    // bucket gives one more back each second the flood lasts.
    let refills = started.elapsed().as_secs() + 1;
    assert!(
        (59..=59 + refills).contains(&made),
        "{made} new sessions in {:?}",
        started.elapsed()
    );
    assert_eq!(made + refused, 10_000);
    assert!(get(&mut victim, &sid).text().contains(&remembers("victim")));
    // Changing an existing session is never limited.
    let changed = post(&mut victim, Some(&sid), "still-here");
    assert_eq!(changed.status, 303);
    assert!(
        get(&mut victim, &sid)
            .text()
            .contains(&remembers("still-here"))
    );
}

/// Even without the rate limit (behind a proxy, every visitor has one
/// address), a flood past the memory store's cap evicts only sessions nobody
/// came back for: the victim's survives.
#[test]
fn at_the_cap_memory_evicts_sessions_nobody_came_back_for() {
    let server = start_handler(
        config(),
        app_with(AppConfig {
            log: quiet(),
            max_sessions: 200,
            new_sessions_per_minute: 0,
            ..AppConfig::default()
        }),
    );
    let mut victim = server.connect();
    let sid = sid_of(&post(&mut victim, None, "victim")).unwrap();
    assert!(get(&mut victim, &sid).text().contains(&remembers("victim")));
    let mut flood = server.connect();
    let mut last = None;
    for _ in 0..2_000 {
        let resp = post(&mut flood, None, "x");
        assert_eq!(resp.status, 303);
        last = sid_of(&resp);
    }
    assert!(
        get(&mut victim, &sid).text().contains(&remembers("victim")),
        "the session in use survives 10 times the cap of new ones"
    );
    // The newest flood session is there; the flood's oldest are gone.
    assert!(
        get(&mut flood, &last.unwrap())
            .text()
            .contains(&remembers("x"))
    );
}

/// Review #7: a DIR that others can enter, or that someone else owns, would
/// hand every visitor's session to them. goldfish refuses to start.
#[test]
fn the_file_store_refuses_a_directory_that_is_not_private() {
    let dir = std::env::temp_dir().join(format!("goldfish-open-dir-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let store = format!("file:{}", dir.display());
    let said = refuses_to_start(&["--session-store", &store]);
    assert!(
        said.contains(&format!(
            "the session store {store} refuses {}: other users have access to it (mode 0777): \
             the file names in it are session ids",
            dir.display()
        )),
        "{said}"
    );
    assert!(
        said.contains(&format!("Make it private: chmod 700 {}", dir.display())),
        "{said}"
    );
    assert!(said.contains("file:$HOME/goldfish-sessions"), "{said}");
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "nothing written into it"
    );
    // Made private, it is used.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let gf = Goldfish::start(&store);
    let mut browser = Browser::default();
    assert_eq!(
        browser
            .post(&gf, "/server-session", "fav_color=teal")
            .status,
        303
    );
    drop(gf);
    let _ = std::fs::remove_dir_all(&dir);
    // And no message suggests a shared temporary directory.
    let said = refuses_to_start(&["--session-store", "file:"]);
    assert!(!said.contains("/tmp"), "{said}");
}

/// Review #4: the first request after a minute paid for sweeping 48,000
/// files (1.1 s). Now a thread sweeps, and starting goldfish sweeps what
/// expired while it was down, before the first request.
#[test]
fn expired_session_files_are_swept_without_any_request() {
    let dir = std::env::temp_dir().join(format!("goldfish-sweep-dir-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    // 500 sessions that expired in 1970: ids of 39 A's, three digits, and a
    // final E (a canonical last character of base64url).
    for i in 0..500 {
        let id = format!("{}{i:03}E", "A".repeat(39));
        std::fs::write(dir.join(format!("{id}.session")), "expires 1\n{}\n").unwrap();
    }
    let live = "L".repeat(42) + "E";
    std::fs::write(
        dir.join(format!("{live}.session")),
        "expires 99999999999\n{\"k\":1}\n",
    )
    .unwrap();
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 501);
    let gf = Goldfish::start(&format!("file:{}", dir.display()));
    let left: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(
        left,
        [dir.join(format!("{live}.session"))],
        "swept before any request"
    );
    drop(gf);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Review #4: file and Redis stores grew without bound (45,000 files, 192 MB
/// from one client). Every store now stops new sessions at `--max-sessions`
/// with a 503 that says so, and existing sessions keep working.
fn new_sessions_stop_at_the_cap(store: &str) {
    let gf = Goldfish::start_with(&[
        "--session-store",
        store,
        "--max-sessions",
        "3",
        "--new-sessions-per-minute",
        "0",
    ]);
    let mut first = Browser::default();
    assert_eq!(
        first.post(&gf, "/server-session", "fav_color=first").status,
        303
    );
    for _ in 0..2 {
        assert_eq!(
            Browser::default()
                .post(&gf, "/server-session", "fav_color=x")
                .status,
            303
        );
    }
    let mut late = Browser::default();
    let full = late.post(&gf, "/server-session", "fav_color=late");
    assert_eq!(full.status, 503, "{store}: {}", full.body);
    assert!(
        full.body
            .contains("holds its cap of 3 sessions, so no new session can be made"),
        "{store}: {}",
        full.body
    );
    assert!(
        full.body.contains("Raise the cap with --max-sessions"),
        "{}",
        full.body
    );
    assert_eq!(
        late.sid(),
        None,
        "{store}: no cookie for a session that was not stored"
    );
    // The first visitor is still served, and may change the session.
    assert_eq!(
        first
            .post(&gf, "/server-session", "fav_color=changed")
            .status,
        303
    );
    assert!(
        first
            .get(&gf, "/server-session")
            .body
            .contains(&remembers("changed")),
        "{store}"
    );
    // Logging out frees a place.
    first.post(&gf, "/server-session", "action=clear");
    assert_eq!(
        late.post(&gf, "/server-session", "fav_color=late").status,
        303,
        "{store}"
    );
}

#[test]
fn the_file_store_stops_at_its_cap() {
    let dir = std::env::temp_dir().join(format!("goldfish-cap-dir-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    new_sessions_stop_at_the_cap(&format!("file:{}", dir.display()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_redis_store_stops_at_its_cap() {
    let Some(redis) = Redis::start() else { return };
    new_sessions_stop_at_the_cap(&redis.url());
}

#[test]
fn the_postgres_store_stops_at_its_cap() {
    let Some(pg) = PgCluster::shared() else {
        return;
    };
    let db = pg.database();
    new_sessions_stop_at_the_cap(&pg.url("goldfish", postgres::PASSWORD, &db));
}

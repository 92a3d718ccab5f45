//! goldfish's PostgreSQL client against the real PostgreSQL: every way of
//! logging in, the table it creates, its statements, its errors.
//!
//! Each test starts a throwaway cluster of its own (`tests/postgres/`) and
//! uses the library's `PostgresStore` directly; `tests/server_sessions.rs`
//! runs the same database behind the real `goldfish` binary.

mod postgres;

use std::time::{Duration, SystemTime};

use goldfish::session::SessionId;
use goldfish::store::{PostgresStore, SessionStore, StoreConfig, StoreError, Trace, Write};
use postgres::PgCluster;

fn store(url: &str, cap: usize) -> PostgresStore {
    match StoreConfig::parse(url).expect("a good URL") {
        StoreConfig::Postgres(pg) => PostgresStore::new(*pg, cap),
        other => panic!("{other:?}"),
    }
}

fn id() -> SessionId {
    SessionId::generate().unwrap()
}

const MONTH: Duration = Duration::from_secs(31 * 86_400);

/// A new session, for 31 days.
fn create(s: &PostgresStore, id: &SessionId, json: &str) -> Result<(), StoreError> {
    s.save(
        id,
        json,
        MONTH,
        SystemTime::now(),
        Write::New,
        &mut Trace::off(),
    )
}

/// A session that exists, saved again.
fn update(s: &PostgresStore, id: &SessionId, json: &str) -> Result<(), StoreError> {
    s.save(
        id,
        json,
        MONTH,
        SystemTime::now(),
        Write::Update,
        &mut Trace::off(),
    )
}

fn load(s: &PostgresStore, id: &SessionId) -> Option<String> {
    s.load(id, SystemTime::now(), &mut Trace::off()).unwrap()
}

#[test]
fn every_way_of_logging_in_works_and_a_wrong_password_is_a_sentence() {
    let Some(pg) = PgCluster::shared() else {
        return;
    };
    let db = pg.database();
    // One role per pg_hba.conf method (see tests/postgres/mod.rs). An `md5`
    // line needs an MD5-hashed password: a SCRAM one makes PostgreSQL use SCRAM.
    // Each role gets a schema of its own, named after it: the default
    // search_path ("$user", public) puts its goldfish_sessions there.
    pg.psql(
        &db,
        "CREATE ROLE trustuser LOGIN; \
         CREATE ROLE plainuser LOGIN PASSWORD 'plain pw'; \
         SET password_encryption = 'md5'; CREATE ROLE md5user LOGIN PASSWORD 'md5 pw'; \
         CREATE SCHEMA trustuser AUTHORIZATION trustuser; \
         CREATE SCHEMA plainuser AUTHORIZATION plainuser; \
         CREATE SCHEMA md5user AUTHORIZATION md5user",
    );
    let cases: &[(&str, String, &str)] = &[
        (
            "trust: no password asked",
            format!("postgres://trustuser@127.0.0.1:{}/{db}", pg.port),
            "AuthenticationOk",
        ),
        (
            "password: sent as is",
            pg.url("plainuser", "plain pw", &db),
            "AuthenticationCleartextPassword",
        ),
        (
            "md5: the salted double hash",
            pg.url("md5user", "md5 pw", &db),
            "AuthenticationMD5Password",
        ),
        (
            "scram-sha-256, the default",
            pg.url("goldfish", postgres::PASSWORD, &db),
            "AuthenticationSASL: SCRAM-SHA-256",
        ),
        (
            "a Unix socket, and peer-less trust (local all all trust)",
            format!(
                "postgres://goldfish@/{db}?host={}&port={}",
                pg.socket_dir().display(),
                pg.port
            ),
            "AuthenticationOk",
        ),
    ];
    for (why, url, method) in cases {
        let s = store(url, 100);
        let sid = id();
        let mut trace = Trace::new();
        s.save(
            &sid,
            r#"{"who":"me"}"#,
            MONTH,
            SystemTime::now(),
            Write::New,
            &mut trace,
        )
        .unwrap_or_else(|e| panic!("{why}: {e}\n{}", pg.log()));
        let said: Vec<&str> = trace.lines().iter().map(|l| l.text.as_str()).collect();
        assert!(
            said.iter().any(|l| l.starts_with(method)),
            "{why}: {said:#?}"
        );
        assert_eq!(load(&s, &sid).as_deref(), Some(r#"{"who":"me"}"#), "{why}");
    }

    // A wrong password: PostgreSQL's own sentence, its SQLSTATE, and advice.
    let err = store(&pg.url("goldfish", "wrong", &db), 100)
        .ping()
        .unwrap_err();
    let StoreError::Refused { error, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(error.code, "28P01");
    assert_eq!(
        err.to_string(),
        format!(
            "the session store postgres://goldfish@127.0.0.1:{}/{} refused: password \
             authentication failed for user \"goldfish\" (FATAL 28P01)",
            pg.port, db
        )
    );
    assert!(
        err.advice().starts_with("Check the user name and password"),
        "{}",
        err.advice()
    );
    // No such database.
    let url = format!(
        "postgres://goldfish:{}@127.0.0.1:{}/nosuchdb",
        postgres::PASSWORD.replace(' ', "%20"),
        pg.port
    );
    let err = store(&url, 100).ping().unwrap_err();
    assert!(
        matches!(&err, StoreError::Refused { error, .. } if error.code == "3D000"),
        "{err:?}"
    );
    assert!(
        err.advice().contains("createdb -O goldfish nosuchdb"),
        "{}",
        err.advice()
    );
}

#[test]
fn the_table_is_created_on_first_use_and_holds_what_goldfish_wrote() {
    let Some(pg) = PgCluster::shared() else {
        return;
    };
    let db = pg.database();
    let s = store(&pg.url("goldfish", postgres::PASSWORD, &db), 100);
    assert_eq!(
        pg.psql(&db, "SELECT to_regclass('goldfish_sessions') IS NULL"),
        "t",
        "no table yet"
    );
    s.ping().unwrap();
    // The table, as the module docs justify it.
    let columns = pg.psql(
        &db,
        "SELECT column_name || ' ' || data_type || ' ' || is_nullable FROM information_schema.columns \
         WHERE table_name = 'goldfish_sessions' ORDER BY ordinal_position",
    );
    assert_eq!(
        columns,
        "id text NO\ndata json NO\nexpires_at timestamp with time zone NO"
    );
    let indexes = pg.psql(
        &db,
        "SELECT indexname FROM pg_indexes WHERE tablename = 'goldfish_sessions' ORDER BY 1",
    );
    assert_eq!(
        indexes,
        "goldfish_sessions_expires_at\ngoldfish_sessions_pkey"
    );

    // Byte for byte: json keeps the text (jsonb would reorder and rewrite it).
    let sid = id();
    let json = r#"{"z":1,"fav_color":"Zo\u00eb","n":[1,2.5,null],"raw":"zoë"}"#;
    create(&s, &sid, json).unwrap();
    assert_eq!(load(&s, &sid).as_deref(), Some(json));
    // \u0000, which a session may hold and jsonb refuses.
    let nul = id();
    let with_nul = r#"{"nul":"a\u0000b"}"#;
    create(&s, &nul, with_nul).unwrap();
    assert_eq!(load(&s, &nul).as_deref(), Some(with_nul));
    s.delete(&nul, &mut Trace::off()).unwrap();
    let row = pg.psql(
        &db,
        &format!(
            "SELECT data->>'fav_color', expires_at BETWEEN now() + interval '30 days 23 hours' AND now() + interval '31 days' \
             FROM goldfish_sessions WHERE id = '{sid}'"
        ),
    );
    assert_eq!(
        row, "Zoë|t",
        "psql reaches inside the JSON; the row lives 31 days"
    );

    // Python's NaN is not JSON: the json column refuses it, with a sentence.
    let nan = create(&s, &id(), r#"{"x":NaN}"#).unwrap_err();
    assert!(
        matches!(&nan, StoreError::Refused { error, .. } if error.code == "22P02"),
        "{nan:?}"
    );
    assert!(
        nan.advice().contains("writes NaN and Infinity"),
        "{}",
        nan.advice()
    );

    // Expired: the database's clock decides; load ignores it, the sweep deletes it.
    pg.psql(&db, &format!("UPDATE goldfish_sessions SET expires_at = now() - interval '1 second' WHERE id = '{sid}'"));
    assert_eq!(s.load(&sid, SystemTime::now(), &mut Trace::off()), Ok(None));
    assert_eq!(s.sweep(), Ok(1));
    assert_eq!(pg.psql(&db, "SELECT count(*) FROM goldfish_sessions"), "0");

    // Someone drops the table: it is created again, and the statement retried.
    pg.psql(&db, "DROP TABLE goldfish_sessions");
    create(&s, &id(), "{}").unwrap();
    assert_eq!(pg.psql(&db, "SELECT count(*) FROM goldfish_sessions"), "1");
}

/// The CHECK constraint refuses what is not an id, even from psql, and
/// values that look like SQL are stored as the strings they are.
#[test]
fn values_are_never_sql() {
    let Some(pg) = PgCluster::shared() else {
        return;
    };
    let db = pg.database();
    let s = store(&pg.url("goldfish", postgres::PASSWORD, &db), 100);
    s.ping().unwrap();
    let sid = id();
    let nasty = r#"{"fav_color":"x'); DROP TABLE goldfish_sessions; --","b":"\\' OR 1=1 --"}"#;
    create(&s, &sid, nasty).unwrap();
    assert_eq!(load(&s, &sid).as_deref(), Some(nasty));
    assert_eq!(
        pg.psql(&db, "SELECT count(*) FROM goldfish_sessions"),
        "1",
        "the table is still there"
    );
    // The database itself refuses a key that is not an id.
    let refused = pg.try_psql(
        &db,
        "INSERT INTO goldfish_sessions VALUES ('../../etc/passwd', '{}', now())",
    );
    let why = refused.expect_err("the CHECK constraint refuses it");
    assert!(why.contains("goldfish_sessions_id_check"), "{why}");
}

#[test]
fn new_sessions_stop_at_the_cap_and_old_ones_keep_working() {
    let Some(pg) = PgCluster::shared() else {
        return;
    };
    let db = pg.database();
    let s = store(&pg.url("goldfish", postgres::PASSWORD, &db), 3);
    let ids: Vec<SessionId> = (0..3).map(|_| id()).collect();
    for sid in &ids {
        create(&s, sid, "{}").unwrap();
    }
    let full = create(&s, &id(), "{}");
    assert!(
        matches!(full, Err(StoreError::Full { cap: 3, .. })),
        "{full:?}"
    );
    assert_eq!(pg.psql(&db, "SELECT count(*) FROM goldfish_sessions"), "3");
    update(&s, &ids[0], r#"{"v":2}"#).expect("a session that exists is still saved");
    // Expired rows do not count.
    pg.psql(
        &db,
        &format!(
            "UPDATE goldfish_sessions SET expires_at = now() - interval '1 second' WHERE id = '{}'",
            ids[1]
        ),
    );
    create(&s, &id(), "{}").unwrap();
}

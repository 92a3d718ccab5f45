//! The PostgreSQL client against a fake server in this process: enough of
//! the protocol to log in four ways, answer the store's statements from a
//! map, and misbehave on demand. `tests/server_sessions.rs` and
//! `tests/postgres_store.rs` run the real PostgreSQL.

use super::*;
use crate::store::postgres::config::Password;
use crate::store::postgres::scram::{base64_decode, base64_encode, pbkdf2_sha256};
use crate::store::tests::{create, delete, id, load, save};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{Read, Write as _};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Mutex;
use std::thread;

/// How the fake logs clients in, or misbehaves.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Trust,
    Cleartext,
    Md5,
    Scram,
    /// SCRAM, but the server-final signature is made with the wrong key.
    ScramForged,
    /// Accepts connections, reads, never answers.
    Silent,
    /// Answers like a web server.
    Http,
}

const PASSWORD: &str = "pencil";

struct FakePg {
    addr: SocketAddr,
    /// Every frontend message, as "Type: detail".
    log: Arc<Mutex<Vec<String>>>,
    conns: Arc<Mutex<Vec<TcpStream>>>,
}

impl FakePg {
    fn start(mode: Mode) -> FakePg {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let conns = Arc::new(Mutex::new(Vec::new()));
        let data = Arc::new(Mutex::new(HashMap::<String, String>::new()));
        let (l, c) = (Arc::clone(&log), Arc::clone(&conns));
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                c.lock().unwrap().push(stream.try_clone().unwrap());
                let (l, data) = (Arc::clone(&l), Arc::clone(&data));
                thread::spawn(move || {
                    let _ = serve(stream, mode, &l, &data);
                });
            }
        });
        FakePg { addr, log, conns }
    }

    fn store(&self, cap: usize) -> PostgresStore {
        let pg = PgConfig {
            user: "gf".into(),
            password: Some(Password(PASSWORD.into())),
            host: PgHost::Tcp("127.0.0.1".into()),
            port: self.addr.port(),
            database: "gf".into(),
        };
        PostgresStore::with_timeouts(
            pg,
            cap,
            Duration::from_millis(300),
            Duration::from_millis(300),
        )
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Cuts every connection, as a server restart does.
    fn cut(&self) {
        for c in self.conns.lock().unwrap().drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
    }
}

fn read_exact(s: &mut TcpStream, n: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0; n];
    s.read_exact(&mut buf)?;
    Ok(buf)
}

/// One frontend message: (type, body).
fn read_message(s: &mut TcpStream) -> io::Result<(u8, Vec<u8>)> {
    let head = read_exact(s, 5)?;
    let len = i32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
    Ok((head[0], read_exact(s, len - 4)?))
}

fn msg(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![kind];
    out.extend_from_slice(&((body.len() + 4) as i32).to_be_bytes());
    out.extend_from_slice(body);
    out
}

fn auth(code: i32, rest: &[u8]) -> Vec<u8> {
    msg(b'R', &[&code.to_be_bytes()[..], rest].concat())
}

fn cstrs(body: &[u8]) -> Vec<String> {
    body.split(|&b| b == 0)
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

/// The server side of SCRAM-SHA-256, checking the client's proof.
fn scram_server(s: &mut TcpStream, forge: bool) -> io::Result<bool> {
    s.write_all(&auth(10, b"SCRAM-SHA-256\0\0"))?;
    let (_, body) = read_message(s)?;
    let first = String::from_utf8_lossy(
        &body[body.len() - (i32::from_be_bytes(body[14..18].try_into().unwrap()) as usize)..],
    )
    .into_owned();
    let bare = first.strip_prefix("n,,").unwrap().to_string();
    let nonce = bare.split("r=").nth(1).unwrap().to_string() + "SERVERNONCE";
    let salt = b"saltsaltsalt";
    let server_first = format!("r={nonce},s={},i=64", base64_encode(salt));
    s.write_all(&auth(11, server_first.as_bytes()))?;
    let (_, body) = read_message(s)?;
    let last = String::from_utf8(body).unwrap();
    let (without_proof, proof) = last.rsplit_once(",p=").unwrap();
    let mut salted = [0u8; 32];
    pbkdf2_sha256(PASSWORD.as_bytes(), salt, 64, &mut salted);
    let client_key = hmac(&salted, b"Client Key");
    let stored_key = Sha256::digest(&client_key);
    let auth_message = format!("{bare},{server_first},{without_proof}");
    let signature = hmac(&stored_key, auth_message.as_bytes());
    let claimed: Vec<u8> = base64_decode(proof)
        .unwrap()
        .iter()
        .zip(&signature)
        .map(|(p, s)| p ^ s)
        .collect();
    if Sha256::digest(&claimed)[..] != stored_key[..] {
        s.write_all(&msg(
            b'E',
            b"SFATAL\0C28P01\0Mpassword authentication failed for user \"gf\"\0\0",
        ))?;
        return Ok(false);
    }
    let key = if forge {
        b"wrong".to_vec()
    } else {
        hmac(&salted, b"Server Key")
    };
    let v = base64_encode(&hmac(&key, auth_message.as_bytes()));
    s.write_all(&auth(12, format!("v={v}").as_bytes()))?;
    Ok(true)
}

fn serve(
    mut s: TcpStream,
    mode: Mode,
    log: &Mutex<Vec<String>>,
    data: &Mutex<HashMap<String, String>>,
) -> io::Result<()> {
    // The StartupMessage has no type byte.
    let len = i32::from_be_bytes(read_exact(&mut s, 4)?.try_into().unwrap()) as usize;
    let startup = read_exact(&mut s, len - 4)?;
    log.lock()
        .unwrap()
        .push(format!("Startup: {:?}", cstrs(&startup[4..])));
    let ok = match mode {
        Mode::Silent => {
            let _ = s.read(&mut [0; 64]);
            return Ok(());
        }
        Mode::Http => {
            s.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n")?;
            return Ok(());
        }
        Mode::Trust => true,
        Mode::Cleartext => {
            s.write_all(&auth(3, b""))?;
            let (_, body) = read_message(&mut s)?;
            body == format!("{PASSWORD}\0").as_bytes()
        }
        Mode::Md5 => {
            s.write_all(&auth(5, &[9, 8, 7, 6]))?;
            let (_, body) = read_message(&mut s)?;
            body == format!("{}\0", md5::password_message("gf", PASSWORD, [9, 8, 7, 6])).as_bytes()
        }
        Mode::Scram | Mode::ScramForged => scram_server(&mut s, mode == Mode::ScramForged)?,
    };
    if !ok {
        s.write_all(&msg(
            b'E',
            b"SFATAL\0C28P01\0Mpassword authentication failed for user \"gf\"\0\0",
        ))?;
        return Ok(());
    }
    let mut hello = auth(0, b"");
    hello.extend(msg(b'S', b"client_encoding\0UTF8\0"));
    hello.extend(msg(b'K', &[0, 0, 0, 1, 0, 0, 0, 2]));
    hello.extend(msg(b'Z', b"I"));
    s.write_all(&hello)?;
    // Statements: remember the SQL of each name; answer at Sync.
    let mut sql_of: HashMap<String, String> = HashMap::new();
    let mut out = Vec::new();
    let mut bound: Option<(String, Vec<String>)> = None;
    loop {
        let (kind, body) = read_message(&mut s)?;
        match kind {
            b'Q' => {
                log.lock()
                    .unwrap()
                    .push(format!("Query: {}", cstrs(&body)[0]));
                out.extend(msg(b'C', b"CREATE TABLE\0"));
                out.extend(msg(b'Z', b"I"));
                s.write_all(&out)?;
                out.clear();
            }
            b'P' => {
                let parts = cstrs(&body);
                log.lock()
                    .unwrap()
                    .push(format!("Parse {}: {}", parts[0], parts[1]));
                sql_of.insert(parts[0].clone(), parts[1].clone());
                out.extend(msg(b'1', b""));
            }
            b'B' => {
                let name = cstrs(&body)[1].clone();
                let mut at = body.iter().position(|&b| b == 0).unwrap() + 1;
                at += name.len() + 1 + 2; // statement name, 0 format codes
                let n = i16::from_be_bytes([body[at], body[at + 1]]) as usize;
                at += 2;
                let mut params = Vec::new();
                for _ in 0..n {
                    let len = i32::from_be_bytes(body[at..at + 4].try_into().unwrap()) as usize;
                    params.push(String::from_utf8_lossy(&body[at + 4..at + 4 + len]).into_owned());
                    at += 4 + len;
                }
                log.lock().unwrap().push(format!("Bind {name}: {params:?}"));
                bound = Some((name, params));
                out.extend(msg(b'2', b""));
            }
            b'E' => {
                let (name, p) = bound.take().unwrap();
                let sql = sql_of.get(&name).cloned().unwrap_or_default();
                let mut data = data.lock().unwrap();
                let tag = if sql.starts_with("SELECT data") {
                    let row = data.get(&p[0]).cloned();
                    if let Some(json) = &row {
                        let mut body = vec![0, 1];
                        body.extend_from_slice(&(json.len() as i32).to_be_bytes());
                        body.extend_from_slice(json.as_bytes());
                        out.extend(msg(b'D', &body));
                    }
                    format!("SELECT {}", u8::from(row.is_some()))
                } else if sql.starts_with("INSERT") && sql.contains("count(*)") {
                    let room = data.len() < p[3].parse::<usize>().unwrap();
                    if room {
                        data.insert(p[0].clone(), p[1].clone());
                    }
                    format!("INSERT 0 {}", u8::from(room))
                } else if sql.starts_with("INSERT") {
                    data.insert(p[0].clone(), p[1].clone());
                    "INSERT 0 1".into()
                } else if sql.starts_with("DELETE FROM goldfish_sessions WHERE id") {
                    format!("DELETE {}", u8::from(data.remove(&p[0]).is_some()))
                } else {
                    "SELECT 1".into()
                };
                out.extend(msg(b'C', format!("{tag}\0").as_bytes()));
            }
            b'S' => {
                out.extend(msg(b'Z', b"I"));
                s.write_all(&out)?;
                out.clear();
            }
            b'X' => return Ok(()),
            _ => {}
        }
    }
}

#[test]
fn four_ways_of_logging_in() {
    for (why, mode) in [
        ("trust", Mode::Trust),
        ("password, in the clear", Mode::Cleartext),
        ("md5", Mode::Md5),
        ("scram-sha-256", Mode::Scram),
    ] {
        let fake = FakePg::start(mode);
        let store = fake.store(100);
        assert_eq!(store.ping(), Ok(()), "{why}");
        let log = fake.log();
        assert_eq!(
            log[0],
            r#"Startup: ["user", "gf", "database", "gf", "client_encoding", "UTF8", "application_name", "goldfish", "", ""]"#,
            "{why}"
        );
    }
}

#[test]
fn a_server_that_cannot_prove_it_knows_the_password_is_refused() {
    let fake = FakePg::start(Mode::ScramForged);
    let err = fake.store(100).ping().unwrap_err();
    assert!(matches!(err, StoreError::BadReply { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("the server's SCRAM signature is wrong"),
        "{err}"
    );
}

#[test]
fn a_wrong_password_is_refused_with_its_sqlstate() {
    let fake = FakePg::start(Mode::Md5);
    let mut store_pg = PgConfig::parse(&format!(
        "postgres://gf:nope@127.0.0.1:{}/gf",
        fake.addr.port()
    ))
    .unwrap();
    store_pg.password = Some(Password("nope".into()));
    let err = PostgresStore::new(store_pg, 10).ping().unwrap_err();
    assert!(
        matches!(&err, StoreError::Refused { error, .. } if error.code == "28P01"),
        "{err:?}"
    );
    assert!(
        err.advice().starts_with("Check the user name and password"),
        "{}",
        err.advice()
    );
}

#[test]
fn the_store_speaks_the_documented_statements_with_values_apart() {
    let fake = FakePg::start(Mode::Scram);
    let store = fake.store(100);
    let sid = id();
    let now = SystemTime::now();
    let nasty = r#"{"fav_color":"'); DROP TABLE goldfish_sessions; --"}"#;
    assert_eq!(load(&store, &sid, now), Ok(None));
    create(&store, &sid, nasty, Duration::from_secs(2_678_400), now).unwrap();
    assert_eq!(load(&store, &sid, now).unwrap().as_deref(), Some(nasty));
    save(&store, &sid, "{}", Duration::from_millis(10), now).unwrap();
    delete(&store, &sid).unwrap();
    let log = fake.log();
    let statements: Vec<&String> = log.iter().filter(|l| !l.starts_with("Startup")).collect();
    let want = [
        format!("Query: {SCHEMA}"),
        format!("Parse goldfish_load: {}", LOAD.sql),
        format!("Bind goldfish_load: [\"{sid}\"]"),
        format!("Parse goldfish_create: {}", CREATE.sql),
        format!("Bind goldfish_create: [\"{sid}\", {nasty:?}, \"2678400\", \"100\"]"),
        // Prepared once per connection: the second load is a Bind alone.
        format!("Bind goldfish_load: [\"{sid}\"]"),
        format!("Parse goldfish_save: {}", SAVE.sql),
        format!("Bind goldfish_save: [\"{sid}\", \"{{}}\", \"1\"]"),
        format!("Parse goldfish_delete: {}", DELETE.sql),
        format!("Bind goldfish_delete: [\"{sid}\"]"),
    ];
    assert_eq!(statements, want.iter().collect::<Vec<_>>());
    // No SQL text ever holds a value: the id and the colour travel in Bind only.
    for line in log
        .iter()
        .filter(|l| l.starts_with("Parse") || l.starts_with("Query"))
    {
        assert!(
            !line.contains(sid.as_str()) && !line.contains("DROP TABLE"),
            "{line}"
        );
    }
    assert_eq!(store.open_connections(), 1, "one connection, reused");
}

#[test]
fn new_sessions_stop_at_the_cap() {
    let fake = FakePg::start(Mode::Trust);
    let store = fake.store(1);
    let now = SystemTime::now();
    let first = id();
    create(&store, &first, "{}", Duration::from_secs(60), now).unwrap();
    let full = create(&store, &id(), "{}", Duration::from_secs(60), now);
    assert!(
        matches!(full, Err(StoreError::Full { cap: 1, .. })),
        "{full:?}"
    );
    save(&store, &first, "{\"v\":2}", Duration::from_secs(60), now).expect("updates still work");
}

#[test]
fn the_trace_shows_the_messages() {
    let fake = FakePg::start(Mode::Scram);
    let store = fake.store(100);
    crate::store::tests::every_call_is_traced(&store);
    let mut trace = Trace::new();
    let sid = id();
    store.load(&sid, SystemTime::now(), &mut trace).unwrap();
    let text: Vec<&str> = trace.lines().iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        text,
        [
            format!(
                "Bind goldfish_load: $1 = '{sid}'  (prepared earlier: {}); Execute; Sync",
                LOAD.sql
            )
            .as_str(),
            "BindComplete",
            "CommandComplete: SELECT 0",
            "ReadyForQuery: I (idle)",
        ]
    );
}

#[test]
fn nothing_listening_is_unreachable_at_once() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let pg = PgConfig::parse(&format!("postgres://gf:pw@127.0.0.1:{port}/gf")).unwrap();
    let started = Instant::now();
    let err = PostgresStore::new(pg, 10).ping().unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        err.to_string(),
        format!(
            "the session store postgres://gf@127.0.0.1:{port}/gf is unreachable: connection \
             refused: nothing is listening on 127.0.0.1:{port} (is PostgreSQL running?)"
        )
    );
    assert!(
        err.advice().starts_with("Start PostgreSQL"),
        "{}",
        err.advice()
    );
}

#[test]
fn a_silent_server_costs_at_most_the_timeout() {
    let fake = FakePg::start(Mode::Silent);
    let started = Instant::now();
    let err = fake.store(10).ping().unwrap_err();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(290) && took < Duration::from_secs(2),
        "{took:?}"
    );
    assert!(
        err.to_string()
            .ends_with("no answer within 300 ms (is PostgreSQL overloaded, or paused?)"),
        "{err}"
    );
}

#[test]
fn not_postgres_is_a_bad_reply() {
    let fake = FakePg::start(Mode::Http);
    let err = fake.store(10).ping().unwrap_err();
    assert!(matches!(err, StoreError::BadReply { .. }), "{err:?}");
    assert!(err.to_string().contains("a message of type 'H'"), "{err}");
}

#[test]
fn reconnects_when_the_pooled_connection_was_cut() {
    let fake = FakePg::start(Mode::Scram);
    let store = fake.store(10);
    store.ping().unwrap();
    fake.cut();
    // The idle connection is dead; the next statement goes on a new one.
    store.ping().expect("retried on a fresh connection");
    let startups = fake
        .log()
        .iter()
        .filter(|l| l.starts_with("Startup"))
        .count();
    assert_eq!(startups, 2);
}

#[test]
fn the_pool_never_opens_more_than_its_size() {
    let fake = FakePg::start(Mode::Trust);
    let store = Arc::new(fake.store(100_000));
    let now = SystemTime::now();
    let handles: Vec<_> = (0..POOL_SIZE + 8)
        .map(|_| {
            let store = Arc::clone(&store);
            thread::spawn(move || {
                for _ in 0..20 {
                    let sid = id();
                    create(&*store, &sid, "{}", Duration::from_secs(60), now).unwrap();
                    assert!(load(&*store, &sid, now).unwrap().is_some());
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert!(
        (1..=POOL_SIZE).contains(&store.open_connections()),
        "{}",
        store.open_connections()
    );
}

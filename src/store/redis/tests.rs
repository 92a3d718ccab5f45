//! The Redis client against a fake Redis in this process: a few dozen lines
//! that speak enough RESP2 (GET, SET … EX, DEL, PING) and can misbehave on
//! demand. The black-box tests in `tests/` run the real `redis-server`.

use super::*;
use crate::store::tests::{create, delete, every_call_is_traced, id, load, save};
use std::collections::HashMap;
use std::net::{Shutdown, SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

/// How the fake answers.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Like Redis.
    Redis,
    /// Reads commands, never answers (a paused or overloaded Redis).
    Silent,
    /// Answers like a web server.
    Http,
    /// Answers every command with an error reply.
    NoAuth,
}

struct FakeRedis {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    /// Every command received, as text.
    log: Arc<Mutex<Vec<String>>>,
    /// Accepted connections, to cut them all on `stop` (a "restart").
    conns: Arc<Mutex<Vec<TcpStream>>>,
    accept: Option<thread::JoinHandle<()>>,
}

impl FakeRedis {
    fn start(mode: Mode) -> FakeRedis {
        FakeRedis::start_on("127.0.0.1:0".parse().unwrap(), mode)
    }

    fn start_on(addr: SocketAddr, mode: Mode) -> FakeRedis {
        let listener = TcpListener::bind(addr).expect("bind the fake Redis");
        let addr = listener.local_addr().unwrap();
        let stopping = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let conns = Arc::new(Mutex::new(Vec::new()));
        let data = Arc::new(Mutex::new(HashMap::<Vec<u8>, Vec<u8>>::new()));
        let (s, l, c) = (Arc::clone(&stopping), Arc::clone(&log), Arc::clone(&conns));
        let accept = thread::spawn(move || {
            for stream in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                c.lock().unwrap().push(stream.try_clone().unwrap());
                let (l, data) = (Arc::clone(&l), Arc::clone(&data));
                thread::spawn(move || serve(stream, mode, &l, &data));
            }
        });
        FakeRedis {
            addr,
            stopping,
            log,
            conns,
            accept: Some(accept),
        }
    }

    fn store(&self) -> RedisStore {
        RedisStore::new("127.0.0.1", self.addr.port())
            .with_timeouts(Duration::from_millis(300), Duration::from_millis(300))
    }

    fn commands(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Stops listening and cuts every connection, as a Redis shutdown does.
    fn stop(mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
        for c in self.conns.lock().unwrap().drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
    }
}

fn serve(
    mut stream: TcpStream,
    mode: Mode,
    log: &Mutex<Vec<String>>,
    data: &Mutex<HashMap<Vec<u8>, Vec<u8>>>,
) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        buf.extend_from_slice(&chunk[..n]);
        while let Ok(Parsed::Complete { value, used }) = parse_reply(&buf) {
            buf.drain(..used);
            let Reply::Array(Some(items)) = value else {
                return;
            };
            let args: Vec<Vec<u8>> = items
                .into_iter()
                .filter_map(|i| match i {
                    Reply::Bulk(Some(b)) => Some(b),
                    _ => None,
                })
                .collect();
            let text: Vec<String> = args
                .iter()
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            log.lock().unwrap().push(text.join(" "));
            let reply: Vec<u8> = match mode {
                Mode::Silent => continue,
                Mode::Http => b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec(),
                Mode::NoAuth => b"-NOAUTH Authentication required.\r\n".to_vec(),
                Mode::Redis => {
                    let mut data = data.lock().unwrap();
                    match args[0].as_slice() {
                        b"PING" => b"+PONG\r\n".to_vec(),
                        b"GET" => match data.get(&args[1]) {
                            Some(v) => {
                                [format!("${}\r\n", v.len()).as_bytes(), v, b"\r\n"].concat()
                            }
                            None => b"$-1\r\n".to_vec(),
                        },
                        b"SET" => {
                            data.insert(args[1].clone(), args[2].clone());
                            b"+OK\r\n".to_vec()
                        }
                        b"DEL" => format!(":{}\r\n", u8::from(data.remove(&args[1]).is_some()))
                            .into_bytes(),
                        b"DBSIZE" => format!(":{}\r\n", data.len()).into_bytes(),
                        _ => b"-ERR unknown command\r\n".to_vec(),
                    }
                }
            };
            if stream.write_all(&reply).is_err() {
                return;
            }
        }
    }
}

/// A port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn round_trip_sends_the_documented_commands() {
    let fake = FakeRedis::start(Mode::Redis);
    let store = fake.store();
    let sid = id();
    let now = SystemTime::now();
    assert_eq!(load(&store, &sid, now), Ok(None));
    create(
        &store,
        &sid,
        r#"{"fav_color":"teal"}"#,
        Duration::from_secs(2_678_400),
        now,
    )
    .unwrap();
    assert_eq!(
        load(&store, &sid, now).unwrap().as_deref(),
        Some(r#"{"fav_color":"teal"}"#)
    );
    save(
        &store,
        &sid,
        r#"{"fav_color":"plum"}"#,
        Duration::from_secs(60),
        now,
    )
    .unwrap();
    delete(&store, &sid).unwrap();
    assert_eq!(load(&store, &sid, now), Ok(None));
    store.ping().unwrap();
    let key = format!("goldfish:session:{sid}");
    assert_eq!(
        fake.commands(),
        [
            format!("GET {key}"),
            "DBSIZE".to_string(),
            format!("SET {key} {{\"fav_color\":\"teal\"}} EX 2678400"),
            format!("GET {key}"),
            format!("SET {key} {{\"fav_color\":\"plum\"}} EX 60"),
            format!("DEL {key}"),
            format!("GET {key}"),
            "PING".to_string(),
        ]
    );
    assert_eq!(
        store.idle_connections(),
        1,
        "one connection, reused for every command"
    );
    fake.stop();
}

#[test]
fn expiry_is_left_to_redis_with_at_least_one_second() {
    // Redis's `EX 0` is an error; a sub-second TTL is rounded up to 1.
    let fake = FakeRedis::start(Mode::Redis);
    let store = fake.store();
    let sid = id();
    save(
        &store,
        &sid,
        "{}",
        Duration::from_millis(10),
        SystemTime::now(),
    )
    .unwrap();
    assert_eq!(
        fake.commands(),
        [format!("SET goldfish:session:{sid} {{}} EX 1")]
    );
    fake.stop();
}

#[test]
fn nothing_listening_is_unreachable_at_once() {
    let port = closed_port();
    let store = RedisStore::new("127.0.0.1", port);
    let started = Instant::now();
    let err = load(&store, &id(), SystemTime::now()).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        err,
        StoreError::Unreachable {
            store: StoreConfig::Redis {
                host: "127.0.0.1".into(),
                port
            },
            reason: format!(
                "connection refused: nothing is listening on 127.0.0.1:{port} (is redis-server running?)"
            ),
        }
    );
}

#[test]
fn a_silent_redis_costs_at_most_the_timeout() {
    let fake = FakeRedis::start(Mode::Silent);
    let store = fake.store();
    let started = Instant::now();
    let err = load(&store, &id(), SystemTime::now()).unwrap_err();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(290) && took < Duration::from_secs(2),
        "{took:?}"
    );
    assert!(
        err.to_string()
            .ends_with("no answer within 300 ms (is Redis overloaded, or paused?)"),
        "{err}"
    );
    assert_eq!(
        store.idle_connections(),
        0,
        "a timed-out connection is never reused"
    );
    fake.stop();
}

#[test]
fn not_redis_is_a_bad_reply() {
    let fake = FakeRedis::start(Mode::Http);
    let err = fake.store().ping().unwrap_err();
    assert!(matches!(err, StoreError::BadReply { .. }), "{err:?}");
    assert!(err.to_string().contains("is this really Redis?"), "{err}");
    fake.stop();
}

#[test]
fn an_error_reply_is_reported_and_the_connection_kept() {
    let fake = FakeRedis::start(Mode::NoAuth);
    let store = fake.store();
    let err = load(&store, &id(), SystemTime::now()).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("gave an unexpected answer: Redis said: NOAUTH Authentication required."),
        "{err}"
    );
    assert!(
        err.advice().contains("needs no password"),
        "{}",
        err.advice()
    );
    assert_eq!(
        store.idle_connections(),
        1,
        "an error reply leaves the connection in step"
    );
    fake.stop();
}

#[test]
fn reconnects_after_redis_restarts() {
    let fake = FakeRedis::start(Mode::Redis);
    let addr = fake.addr;
    let store = fake.store();
    store.ping().unwrap();
    assert_eq!(store.idle_connections(), 1);

    // Redis goes down: the pooled connection is cut, and nothing listens.
    fake.stop();
    let err = store.ping().unwrap_err();
    assert!(matches!(err, StoreError::Unreachable { .. }), "{err:?}");
    assert_eq!(store.idle_connections(), 0);

    // Redis comes back on the same port: the very next command works.
    let again = FakeRedis::start_on(addr, Mode::Redis);
    store.ping().unwrap();
    // And a connection cut while idle is replaced without an error.
    let again_addr = again.addr;
    again.stop();
    let third = FakeRedis::start_on(again_addr, Mode::Redis);
    assert_eq!(store.idle_connections(), 1, "holding a dead connection");
    store
        .ping()
        .expect("a dead pooled connection is retried on a fresh one");
    assert_eq!(third.commands(), ["PING"]);
    third.stop();
}

#[test]
fn parallel_requests_use_parallel_connections() {
    let fake = FakeRedis::start(Mode::Redis);
    let store = Arc::new(fake.store());
    let now = SystemTime::now();
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let store = Arc::clone(&store);
            thread::spawn(move || {
                for i in 0..50 {
                    let sid = id();
                    let json = format!(r#"{{"t":{t},"i":{i}}}"#);
                    create(&*store, &sid, &json, Duration::from_secs(60), now).unwrap();
                    assert_eq!(load(&*store, &sid, now).unwrap(), Some(json));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let idle = store.idle_connections();
    assert!((1..=MAX_IDLE).contains(&idle), "{idle} idle connections");
    fake.stop();
}

#[test]
fn new_sessions_stop_at_the_cap_and_old_ones_keep_working() {
    let fake = FakeRedis::start(Mode::Redis);
    let store = fake.store().with_cap(2);
    let now = SystemTime::now();
    let (a, b) = (id(), id());
    create(&store, &a, "{}", Duration::from_secs(60), now).unwrap();
    create(&store, &b, "{}", Duration::from_secs(60), now).unwrap();
    let full = create(&store, &id(), "{}", Duration::from_secs(60), now);
    assert!(
        matches!(full, Err(StoreError::Full { cap: 2, .. })),
        "{full:?}"
    );
    assert_eq!(
        fake.commands().last().map(String::as_str),
        Some("DBSIZE"),
        "no SET at the cap"
    );
    save(&store, &a, "{\"v\":2}", Duration::from_secs(60), now).expect("updates still work");
    fake.stop();
}

#[test]
fn the_trace_shows_the_resp_bytes() {
    let fake = FakeRedis::start(Mode::Redis);
    let store = fake.store();
    every_call_is_traced(&store);
    let mut trace = Trace::new();
    store.load(&id(), SystemTime::now(), &mut trace).unwrap();
    let lines: Vec<&str> = trace.lines().iter().map(|l| l.text.as_str()).collect();
    assert!(
        lines[0].starts_with("*2\\r\\n$3\\r\\nGET\\r\\n$60\\r\\ngoldfish:session:"),
        "{lines:?}"
    );
    assert_eq!(lines[1], "$-1\\r\\n");
    fake.stop();
}

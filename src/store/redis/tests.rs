//! The Redis client against a fake Redis in this process: a few dozen lines
//! that speak enough RESP2 (GET, SET … EX, DEL, PING) and can misbehave on
//! demand. The black-box tests in `tests/` run the real `redis-server`.

use super::*;
use crate::store::tests::id;
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
    assert_eq!(store.load(&sid, now), Ok(None));
    store
        .save(
            &sid,
            r#"{"fav_color":"teal"}"#,
            Duration::from_secs(2_678_400),
            now,
        )
        .unwrap();
    assert_eq!(
        store.load(&sid, now).unwrap().as_deref(),
        Some(r#"{"fav_color":"teal"}"#)
    );
    store.delete(&sid).unwrap();
    assert_eq!(store.load(&sid, now), Ok(None));
    store.ping().unwrap();
    let key = format!("goldfish:session:{sid}");
    assert_eq!(
        fake.commands(),
        [
            format!("GET {key}"),
            format!("SET {key} {{\"fav_color\":\"teal\"}} EX 2678400"),
            format!("GET {key}"),
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
    store
        .save(&sid, "{}", Duration::from_millis(10), SystemTime::now())
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
    let err = store.load(&id(), SystemTime::now()).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        err,
        StoreError::Unreachable {
            store: format!("redis://127.0.0.1:{port}"),
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
    let err = store.load(&id(), SystemTime::now()).unwrap_err();
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
    let err = store.load(&id(), SystemTime::now()).unwrap_err();
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
                    store
                        .save(&sid, &json, Duration::from_secs(60), now)
                        .unwrap();
                    assert_eq!(store.load(&sid, now).unwrap(), Some(json));
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

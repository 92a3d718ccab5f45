//! Processes the black-box store tests drive: the real `goldfish` binary,
//! a browser (a cookie jar speaking raw HTTP/1.1), and a `redis-server` of
//! our own. Shared by `tests/server_sessions.rs` and `tests/store_limits.rs`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Both instances get this key, as two servers behind one load balancer must.
pub const SECRET: &str = "the same key on every server";

/// No single read may take longer (a server that hangs fails the test).
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------
// A goldfish process
// ---------------------------------------------------------------------------

/// A running `goldfish` binary; killed when dropped.
pub struct Goldfish {
    child: Child,
    pub addr: SocketAddr,
}

impl Goldfish {
    /// `goldfish --port 0 --quiet --session-store STORE`, with `SECRET_KEY`.
    /// Returns once the banner's `Serving on http://ADDR/` line appeared.
    pub fn start(store: &str) -> Goldfish {
        Goldfish::start_with(&["--session-store", store])
    }

    /// `goldfish --port 0 --quiet ARGS…`, with `SECRET_KEY`.
    pub fn start_with(args: &[&str]) -> Goldfish {
        let mut child = Command::new(env!("CARGO_BIN_EXE_goldfish"))
            .args(["--host", "127.0.0.1", "--port", "0", "--quiet"])
            .args(args)
            .env("SECRET_KEY", SECRET)
            .env_remove("PORT")
            .env_remove("HOST")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the goldfish binary");
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, rx) = mpsc::channel();
        // Keep draining stderr for the process's whole life, so it never
        // blocks on a full pipe.
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("Serving on http://").nth(1) {
                    let addr = rest.split('/').next().unwrap_or("").to_string();
                    let _ = tx.send(addr);
                }
            }
        });
        let addr = if let Ok(a) = rx.recv_timeout(Duration::from_secs(20)) {
            a.parse().expect("an address in the banner")
        } else {
            let _ = child.kill();
            panic!("goldfish {args:?} printed no 'Serving on' line");
        };
        Goldfish { child, addr }
    }
}

impl Drop for Goldfish {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// A browser with a cookie jar, speaking raw HTTP/1.1
// ---------------------------------------------------------------------------

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One browser: a cookie jar shared by every server it talks to.
#[derive(Default)]
pub struct Browser {
    pub jar: BTreeMap<String, String>,
}

impl Browser {
    pub fn get(&mut self, server: &Goldfish, path: &str) -> Reply {
        self.send(server, "GET", path, "")
    }

    pub fn post(&mut self, server: &Goldfish, path: &str, form: &str) -> Reply {
        self.send(server, "POST", path, form)
    }

    pub fn send(&mut self, server: &Goldfish, method: &str, path: &str, form: &str) -> Reply {
        let cookie = if self.jar.is_empty() {
            String::new()
        } else {
            let pairs: Vec<String> = self.jar.iter().map(|(n, v)| format!("{n}={v}")).collect();
            format!("Cookie: {}\r\n", pairs.join("; "))
        };
        let body = if method == "POST" {
            format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
                form.len()
            )
        } else {
            "\r\n".to_string()
        };
        let raw = format!(
            "{method} {path} HTTP/1.1\r\n\
             Host: 127.0.0.1\r\n\
             Connection: close\r\n\
             {cookie}{body}"
        );
        let reply = exchange(server.addr, &raw);
        // Store what the server set, as a browser does (RFC 6265 §5.3):
        // `Max-Age=0` deletes.
        for (name, value) in &reply.headers {
            if !name.eq_ignore_ascii_case("set-cookie") {
                continue;
            }
            let pair = value.split(';').next().unwrap_or("");
            let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
            if value.contains("Max-Age=0") {
                self.jar.remove(n);
            } else {
                self.jar.insert(n.to_string(), v.to_string());
            }
        }
        reply
    }

    pub fn sid(&self) -> Option<String> {
        self.jar.get("sid").cloned()
    }
}

/// Sends `raw` on a new connection and reads the reply to the end.
pub fn exchange(addr: SocketAddr, raw: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect to goldfish");
    stream.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
    stream.write_all(raw.as_bytes()).expect("send the request");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("read the reply");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete head");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_string(),
    }
}

/// What the lesson page says when the store remembers the colour.
pub fn remembers(colour: &str) -> String {
    format!("Your favourite colour, as the store remembers it: {colour}.")
}

/// What it says when the store has nothing under the browser's id.
pub const STRANGER: &str = "this server&#39;s store has nothing under it";

// ---------------------------------------------------------------------------
// A redis-server of our own
// ---------------------------------------------------------------------------

/// A `redis-server` on a free loopback port, without persistence, in a
/// temporary directory; stopped and cleaned up when dropped.
pub struct Redis {
    child: Option<Child>,
    pub port: u16,
    dir: PathBuf,
}

static REDIS_COUNT: AtomicUsize = AtomicUsize::new(0);

impl Redis {
    /// Starts one, or returns `None` (after saying so loudly) if
    /// `redis-server` is not installed.
    pub fn start() -> Option<Redis> {
        let installed = Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            let msg = "redis-server is not installed, so the Redis half of the two-server \
                       tests DID NOT RUN. Install it (sudo apt-get install redis-server; \
                       .ci/run does this) and run cargo test again.";
            assert!(std::env::var_os("CI").is_none(), "{msg}");
            eprintln!("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
            eprintln!("!!! SKIPPED: {msg}");
            eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
            return None;
        }
        let port = free_port();
        let n = REDIS_COUNT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("goldfish-redis-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory for Redis");
        let mut redis = Redis {
            child: None,
            port,
            dir,
        };
        redis.restart();
        Some(redis)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// (Re)starts redis-server on the same port and waits until it answers PING.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "stop it first");
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(["--daemonize", "no", "--loglevel", "warning"])
            .arg("--dir")
            .arg(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start redis-server");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.command(&["PING"]).as_deref() != Some("+PONG\r\n") {
            assert!(
                Instant::now() < deadline,
                "redis-server did not answer PING"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills redis-server (SIGKILL: no goodbye to its clients).
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Sends SIGSTOP or SIGCONT: a Redis that is running but not answering.
    pub fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().expect("running").id().to_string();
        let ok = Command::new("kill").args([signal, &pid]).status();
        assert!(ok.is_ok_and(|s| s.success()), "kill {signal} {pid}");
    }

    /// One command as RESP, the raw reply as text (`None`: no answer).
    pub fn command(&self, args: &[&str]) -> Option<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
        let mut cmd = format!("*{}\r\n", args.len());
        for a in args {
            cmd.push_str(&format!("${}\r\n{a}\r\n", a.len()));
        }
        stream.write_all(cmd.as_bytes()).ok()?;
        let mut buf = [0u8; 4096];
        let n = stream.read(&mut buf).ok()?;
        (n > 0).then(|| String::from_utf8_lossy(&buf[..n]).into_owned())
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        if self.child.is_some() {
            self.signal("-CONT"); // in case a test stopped it and then failed
        }
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Runs `goldfish ARGS…` expecting it to refuse to start: returns what it
/// printed on stderr (and fails if it started serving instead).
pub fn refuses_to_start(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_goldfish"))
        .args(["--host", "127.0.0.1", "--port", "0", "--quiet"])
        .args(args)
        .env("SECRET_KEY", SECRET)
        .stdin(Stdio::null())
        .output()
        .expect("run the goldfish binary");
    assert!(!out.status.success(), "goldfish {args:?} started");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

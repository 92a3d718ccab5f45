//! A throwaway PostgreSQL cluster of our own, for the black-box tests.
//!
//! `PgCluster::start()` copies a cluster that `initdb` made once for this
//! test binary into a fresh temporary directory (all as the user `nobody`
//! when the tests run as root: PostgreSQL refuses to run as root), with a
//! SCRAM-SHA-256 password for the superuser `goldfish`, then starts
//! `postgres` on a free loopback port, with its Unix socket in
//! the same directory and `fsync` off (a test cluster need not survive a
//! power cut). Dropping it kills every process of the cluster and removes
//! the directory, also when a test fails.
//!
//! The binaries are Debian's (`apt-get install postgresql`, which `.ci/run`
//! does): `/usr/lib/postgresql/<version>/bin`, the newest version found, or
//! `initdb` on the `PATH`. If there are none, the tests say so loudly and
//! skip (and fail when `CI` is set).
//!
//! A test can kill every process of the cluster (a crash), or stop and
//! continue all of them (a paused database).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::thread;
use std::time::{Duration, Instant};

/// The superuser's password (and the `goldfish` database's owner's).
pub const PASSWORD: &str = "correct horse battery staple";

/// What `nobody` is on Debian.
const NOBODY: &str = "65534";

static COUNT: AtomicUsize = AtomicUsize::new(0);

pub struct PgCluster {
    /// The temporary directory: `data/`, the socket, the log.
    dir: PathBuf,
    /// The initdb'd data directory `data/` is a copy of.
    template: Arc<Template>,
    bin: PathBuf,
    pub port: u16,
    child: Option<Child>,
    /// Run the server as `nobody` (we are root).
    as_nobody: bool,
}

/// The newest `/usr/lib/postgresql/<version>/bin`, or the `PATH`'s `initdb`'s directory.
fn find_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .find(|d| d.join("initdb").exists() && d.join("postgres").exists())
    })
}

/// The processes whose parent is `pid`, from `/proc/*/stat` (its fourth
/// field is the parent's id; the second, the name, may hold spaces and
/// parentheses, so the line is cut at its last `)`).
fn children_of(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let child: u32 = e.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
            let after_name = stat.rsplit_once(')')?.1;
            let ppid: u32 = after_name.split_whitespace().nth(1)?.parse().ok()?;
            (ppid == pid).then_some(child)
        })
        .collect()
}

fn am_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A command for `program` in `bin`, as `nobody` if `as_nobody` (we are
/// root, and PostgreSQL refuses to run as root). `setpriv` (util-linux)
/// changes user and then *execs* the program, so the process we start is
/// the server itself, not a wrapper.
fn command(bin: &Path, program: &str, as_nobody: bool) -> Command {
    let program = bin.join(program);
    if as_nobody {
        let mut c = Command::new("setpriv");
        c.args(["--reuid", NOBODY, "--regid", NOBODY, "--clear-groups", "--"]);
        c.arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn chown_to_nobody(dir: &Path) {
    let ok = Command::new("chown")
        .args(["-R", &format!("{NOBODY}:{NOBODY}")])
        .arg(dir)
        .status();
    assert!(
        ok.is_ok_and(|s| s.success()),
        "chown {} to nobody",
        dir.display()
    );
}

/// One `initdb` per test binary, copied by every cluster it starts;
/// removed when the last cluster using it is dropped.
struct Template {
    dir: PathBuf,
}

impl Template {
    fn get(bin: &Path, as_nobody: bool) -> Arc<Template> {
        static TEMPLATE: Mutex<Weak<Template>> = Mutex::new(Weak::new());
        let mut slot = TEMPLATE
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(t) = slot.upgrade() {
            return t;
        }
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("goldfish-pg-template-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary directory for initdb");
        let template = Arc::new(Template { dir });
        template.init(bin, as_nobody);
        *slot = Arc::downgrade(&template);
        template
    }

    /// `initdb` with a SCRAM password for `goldfish`, and a `pg_hba.conf` with
    /// one user per way of logging in.
    fn init(&self, bin: &Path, as_nobody: bool) {
        let pwfile = self.dir.join("pw");
        std::fs::write(&pwfile, PASSWORD).unwrap();
        if as_nobody {
            chown_to_nobody(&self.dir);
        }
        let out = command(bin, "initdb", as_nobody)
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-U", "goldfish", "-E", "UTF8", "--no-sync", "--locale=C"])
            .args(["--auth-local=trust", "--auth-host=scram-sha-256"])
            .arg(format!("--pwfile={}", pwfile.display()))
            .stdin(Stdio::null())
            .output()
            .expect("run initdb");
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Who may log in how (PostgreSQL manual, §21.1 "The pg_hba.conf File").
        let hba = "\
local all all                       trust
host  all trustuser 127.0.0.1/32    trust
host  all plainuser 127.0.0.1/32    password
host  all md5user   127.0.0.1/32    md5
host  all all       127.0.0.1/32    scram-sha-256
";
        let path = self.dir.join("data").join("pg_hba.conf");
        std::fs::write(&path, hba).unwrap();
        if as_nobody {
            chown_to_nobody(&path);
        }
    }
}

impl Drop for Template {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl PgCluster {
    /// A new cluster, running; `None` (said loudly) if PostgreSQL is not installed.
    pub fn start() -> Option<PgCluster> {
        let Some(bin) = find_bin() else {
            let msg = "PostgreSQL is not installed, so the PostgreSQL tests DID NOT RUN. Install \
                       it (sudo apt-get install postgresql; .ci/run does this) and run cargo \
                       test again.";
            assert!(std::env::var_os("CI").is_none(), "{msg}");
            eprintln!("\n!!! SKIPPED: {msg}\n");
            return None;
        };
        let as_nobody = am_root();
        let template = Template::get(&bin, as_nobody);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("goldfish-pg-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary directory for PostgreSQL");
        // A copy of the template (`cp -a` keeps the owner and the modes):
        // initdb takes seconds, a copy a fraction of one.
        let copied = Command::new("cp")
            .arg("-a")
            .arg(template.dir.join("data"))
            .arg(dir.join("data"))
            .status();
        assert!(
            copied.is_ok_and(|s| s.success()),
            "copy the template cluster"
        );
        let mut cluster = PgCluster {
            dir,
            template,
            bin,
            port: free_port(),
            child: None,
            as_nobody,
        };
        if as_nobody {
            chown_to_nobody(&cluster.dir);
        }
        cluster.restart();
        cluster.psql("postgres", "CREATE DATABASE goldfish OWNER goldfish");
        Some(cluster)
    }

    /// One cluster shared by the tests of this test binary that run at the
    /// same time (each in a database of its own, see [`database`]), stopped
    /// when the last of them lets go. Tests that kill or pause the server
    /// start their own.
    ///
    /// [`database`]: PgCluster::database
    pub fn shared() -> Option<Arc<PgCluster>> {
        static SHARED: Mutex<Weak<PgCluster>> = Mutex::new(Weak::new());
        let mut slot = SHARED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(pg) = slot.upgrade() {
            return Some(pg);
        }
        let pg = Arc::new(PgCluster::start()?);
        *slot = Arc::downgrade(&pg);
        Some(pg)
    }

    /// A new, empty database owned by `goldfish`; returns its name.
    pub fn database(&self) -> String {
        let name = format!("test{}", COUNT.fetch_add(1, Ordering::Relaxed));
        self.psql(
            "postgres",
            &format!("CREATE DATABASE {name} OWNER goldfish"),
        );
        name
    }

    /// A command for one of the cluster's binaries, as `nobody` if we are root.
    fn command(&self, program: &str) -> Command {
        command(&self.bin, program, self.as_nobody)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// The directory of the server's Unix socket.
    pub fn socket_dir(&self) -> &Path {
        &self.dir
    }

    /// (Re)starts the server on the same port, and waits until it accepts connections.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "stop it first");
        let log = std::fs::File::create(self.dir.join("server.log")).unwrap();
        let mut command = self.command("postgres");
        command
            .arg("-D")
            .arg(self.data())
            .args(["-p", &self.port.to_string(), "-k"])
            .arg(&self.dir)
            .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"])
            .args(["-c", "max_connections=60", "-c", "shared_buffers=16MB"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        self.child = Some(command.spawn().expect("start postgres"));
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = Command::new(self.bin.join("pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()])
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "postgres did not start: {}",
                self.log()
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// The server's log, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// `postgres://USER:PASSWORD@127.0.0.1:PORT/DATABASE`.
    pub fn url(&self, user: &str, password: &str, database: &str) -> String {
        let password = password.replace(' ', "%20");
        format!(
            "postgres://{user}:{password}@127.0.0.1:{}/{database}",
            self.port
        )
    }

    /// The superuser's URL to the database `goldfish`, with its SCRAM password.
    pub fn goldfish_url(&self) -> String {
        self.url("goldfish", PASSWORD, "goldfish")
    }

    /// Runs `sql` with psql as the superuser over the Unix socket (trust);
    /// returns the unaligned, tuples-only output.
    pub fn psql(&self, database: &str, sql: &str) -> String {
        self.try_psql(database, sql)
            .unwrap_or_else(|e| panic!("psql {sql:?}: {e}"))
    }

    /// The same, or psql's error message.
    pub fn try_psql(&self, database: &str, sql: &str) -> Result<String, String> {
        let out = Command::new(self.bin.join("psql"))
            .arg("-h")
            .arg(&self.dir)
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                "goldfish",
                "-d",
                database,
            ])
            .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
            .stdin(Stdio::null())
            .output()
            .expect("run psql");
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    }

    /// The postmaster's process id.
    fn postmaster(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// Sends `signal` to the postmaster and every process it started. (Each
    /// child calls `setsid()`, so signalling a process group would miss them:
    /// they are found by their parent's id in `/proc`.) The postmaster is
    /// stopped first, so it forks nothing new meanwhile, and continued last.
    fn signal_all(&self, signal: &str) {
        let postmaster = self.postmaster();
        // Listed before any signal: once the postmaster is killed, its
        // children belong to init and can no longer be found this way.
        let children = children_of(postmaster);
        let send = |pid: &u32| {
            let _ = Command::new("kill")
                .args([signal, &pid.to_string()])
                .status();
        };
        if signal == "-CONT" {
            children.iter().for_each(send);
            send(&postmaster);
        } else {
            send(&postmaster);
            children.iter().for_each(send);
        }
    }

    /// Kills every process of the cluster at once (SIGKILL: a crash).
    pub fn kill(&mut self) {
        if self.child.is_none() {
            return;
        }
        self.signal_all("-STOP");
        self.signal_all("-KILL");
        if let Some(mut child) = self.child.take() {
            let _ = child.wait();
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok()
            && Instant::now() < deadline
        {
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGSTOP to every process: the port is open, nobody answers.
    pub fn pause(&self) {
        self.signal_all("-STOP");
    }

    /// SIGCONT: awake again.
    pub fn resume(&self) {
        self.signal_all("-CONT");
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

//! Sockets: the accept loop, connections, limits and the log.
//!
//! This is the only module with sockets to clients (the Redis store in
//! [`crate::store`] has its own, to Redis). It knows nothing about lessons,
//! cookies or sessions: it turns bytes into [`Request`]s with
//! [`crate::http`], hands each one to a [`Handler`], and writes the
//! [`Response`] back.
//!
//! | file | what it holds |
//! | --- | --- |
//! | [`connection`] | one connection's life as a state machine: its phases, their timeouts |
//! | [`threads`] | the threads model: drives a connection with blocking reads and writes |
//! | [`pool`] | the worker threads, the connection cap |
//! | [`log`] | the access log and `--trace` |
//!
//! The concurrency model, in one paragraph: one thread accepts; each open
//! connection is served by its own worker thread with blocking reads and
//! timeouts; finished workers are reused; past `max_connections` a new
//! connection gets `503` and is closed at once. See [`pool`] for why.

pub mod connection;
pub mod log;
pub mod pool;
pub mod threads;

use std::cell::RefCell;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, SyncSender};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime};

use crate::http::{Limits, Request, Response, Status, date};
use connection::Conn;
use log::Log;
use pool::{Dispatch, Pool};

/// What the server does with a request: the application.
///
/// A handler is a plain function of the request (and the peer's address).
/// It may panic; the server turns that into a 500 for that request only.
pub trait Handler: Send + Sync + 'static {
    fn handle(&self, req: &Request, peer: SocketAddr) -> Response;
}

impl<F> Handler for F
where
    F: Fn(&Request, SocketAddr) -> Response + Send + Sync + 'static,
{
    fn handle(&self, req: &Request, peer: SocketAddr) -> Response {
        self(req, peer)
    }
}

/// The handler's answer to `req`; a panic becomes a 500 for this request
/// only, and the server carries on.
pub(crate) fn respond(shared: &Shared, req: &Request, peer: SocketAddr) -> Response {
    let handler = &shared.handler;
    panic::catch_unwind(AssertUnwindSafe(|| handler.handle(req, peer))).unwrap_or_else(|_| {
        Response::text(
            Status::INTERNAL_SERVER_ERROR,
            format!(
                "goldfish crashed while answering {} {}. That is a bug in goldfish, \
                 not in your request; the server carries on.\n",
                req.method(),
                log::printable(req.target())
            ),
        )
    })
}

/// Limits and timeouts of the protocol layer.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub limits: Limits,
    /// How long a keep-alive connection may wait silently between requests.
    pub idle_timeout: Duration,
    /// How long a client has to send a whole request head (then 408).
    pub header_timeout: Duration,
    /// How long one read of a request body may take (then 408).
    pub body_timeout: Duration,
    /// How long a write may block on a client that does not read.
    pub write_timeout: Duration,
    /// Open connections beyond this get 503 and are closed.
    pub max_connections: usize,
    pub log: Log,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            limits: Limits::default(),
            idle_timeout: Duration::from_secs(5),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            max_connections: 2048,
            log: Log::default(),
        }
    }
}

/// What every connection thread shares. Immutable after start, except the
/// `stopping` flag.
pub(crate) struct Shared {
    pub config: ServerConfig,
    pub handler: Box<dyn Handler>,
    stopping: AtomicBool,
}

impl Shared {
    /// Whether the server is stopping (connections end after their
    /// current request).
    pub(crate) fn stopping(&self) -> bool {
        self.stopping.load(Ordering::Relaxed)
    }
}

/// A bound, not yet running server.
pub struct Server {
    listener: TcpListener,
    shared: Arc<Shared>,
}

/// A server running on its own thread (see [`Server::spawn`]).
pub struct ServerHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    pool: Arc<Pool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds the listening socket.
    ///
    /// # Errors
    /// The address is in use or cannot be bound.
    pub fn bind(
        addr: impl ToSocketAddrs,
        config: ServerConfig,
        handler: impl Handler,
    ) -> io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        Ok(Server {
            listener,
            shared: Arc::new(Shared {
                config,
                handler: Box::new(handler),
                stopping: AtomicBool::new(false),
            }),
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Runs the accept loop on this thread, forever.
    ///
    /// # Errors
    /// The threads the server needs cannot be started.
    pub fn run(self) -> io::Result<()> {
        let pool = self.pool();
        let reject = start_rejecter(&self.shared)?;
        accept_loop(&self.listener, &self.shared, &pool, &reject);
        Ok(())
    }

    /// Runs the accept loop on a new thread and returns a handle to it.
    ///
    /// # Errors
    /// The listening socket's address cannot be read, or the threads the
    /// server needs cannot be started.
    pub fn spawn(self) -> io::Result<ServerHandle> {
        let addr = self.listener.local_addr()?;
        let pool = self.pool();
        let reject = start_rejecter(&self.shared)?;
        let (shared, p) = (Arc::clone(&self.shared), Arc::clone(&pool));
        let thread = thread::Builder::new()
            .name("goldfish-accept".into())
            .spawn(move || accept_loop(&self.listener, &self.shared, &p, &reject))?;
        Ok(ServerHandle {
            addr,
            shared,
            pool,
            thread: Some(thread),
        })
    }

    fn pool(&self) -> Arc<Pool> {
        let shared = Arc::clone(&self.shared);
        Pool::new(self.shared.config.max_connections, move |stream| {
            threads::serve(stream, &shared)
        })
    }
}

impl ServerHandle {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Connections currently being served.
    pub fn open_connections(&self) -> usize {
        self.pool.counts().0
    }

    /// Stops accepting; open connections end after their current request.
    pub fn stop(mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the blocking accept() with a connection of our own.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn accept_loop(
    listener: &TcpListener,
    shared: &Arc<Shared>,
    pool: &Arc<Pool>,
    reject: &SyncSender<TcpStream>,
) {
    for stream in listener.incoming() {
        if shared.stopping() {
            break;
        }
        match stream {
            Ok(stream) => {
                if let Dispatch::Full(stream) = pool.dispatch(stream) {
                    // A full queue means a flood: drop without a word.
                    let _ = reject.try_send(stream);
                }
            }
            Err(e) => {
                // Typically EMFILE (out of file descriptors). Pause instead
                // of spinning; connections will close and free some.
                eprintln!("goldfish: accept failed: {e}");
                thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

/// How long a refused connection is drained after its 503, so the client
/// reads the answer rather than a reset (see [`connection::LINGER_TIME`]).
const REFUSED_LINGER: Duration = Duration::from_millis(200);

/// A thread that answers connections over the cap with 503, so the acceptor
/// never blocks on a slow client. Its queue is small and bounded.
fn start_rejecter(shared: &Arc<Shared>) -> io::Result<SyncSender<TcpStream>> {
    let (tx, rx) = mpsc::sync_channel::<TcpStream>(64);
    let shared = Arc::clone(shared);
    thread::Builder::new()
        .name("goldfish-503".into())
        .spawn(move || {
            let response = over_the_limit(shared.config.max_connections);
            for stream in rx {
                let Ok(peer) = stream.peer_addr() else {
                    continue;
                };
                shared
                    .config
                    .log
                    .access(&peer, "(over the connection limit)", 503);
                let conn = Conn::refused(
                    Arc::clone(&shared),
                    peer,
                    Instant::now(),
                    &response,
                    REFUSED_LINGER,
                );
                threads::drive(stream, conn);
            }
        })?;
    Ok(tx)
}

/// The 503 for a connection past the cap.
fn over_the_limit(max: usize) -> Response {
    Response::text(
        Status::SERVICE_UNAVAILABLE,
        format!(
            "goldfish is serving its limit of {max} connections at once; \
             try again in a moment.\n"
        ),
    )
    .with_header("Retry-After", "1")
}

/// Calls `f` with the `Date` value for now, formatted once per second per
/// thread (formatting a date costs more than the rest of a small response).
pub(crate) fn with_date<R>(f: impl FnOnce(&str) -> R) -> R {
    thread_local! {
        static CACHE: RefCell<(i64, String)> = const { RefCell::new((i64::MIN, String::new())) };
    }
    let now = date::unix_seconds(SystemTime::now());
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.0 != now {
            c.1.clear();
            date::write_imf_fixdate(now, &mut c.1);
            c.0 = now;
        }
        f(&c.1)
    })
}

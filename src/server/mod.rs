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
//! | [`threads`] | the threads model: an acceptor, and a thread per connection with blocking reads and writes |
//! | [`pool`] | the worker threads |
//! | [`admission`] | the connection caps: for everyone, per client, and whom to close to make room |
//! | [`log`] | the access log and `--trace` |
//!
//! The concurrency model, in one paragraph: one thread accepts; each open
//! connection is served by its own worker thread with blocking reads and
//! timeouts; finished workers are reused; past the caps (see [`admission`])
//! a new connection gets `503` and is closed at once. See [`pool`] for why.

pub mod admission;
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
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime};

use crate::http::{Limits, Request, Response, Status, date};
use admission::Admission;
pub use admission::Census;
use log::Log;

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
    /// Open connections beyond this get 503 and are closed — after a
    /// connection that only waits for a request has been closed to make
    /// room, if there is one (see [`admission`]).
    pub max_connections: usize,
    /// Open connections from one client address beyond this get 503.
    pub max_connections_per_client: usize,
    pub log: Log,
}

/// How long each wait for a client lasts in classroom mode: time to read the
/// README between two typed lines.
pub const CLASSROOM_WAIT: Duration = Duration::from_secs(600);

impl ServerConfig {
    /// Classroom mode (`--classroom`): a person typing a request into
    /// telnet is not cut off. The waits for the client — idle, a head, a
    /// body — become [`CLASSROOM_WAIT`]; the caps still stop one client
    /// from holding many connections that long.
    pub fn classroom(self) -> ServerConfig {
        ServerConfig {
            idle_timeout: CLASSROOM_WAIT,
            header_timeout: CLASSROOM_WAIT,
            body_timeout: CLASSROOM_WAIT,
            ..self
        }
    }
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
            // A quarter of the whole: one address cannot take the service,
            // and a benchmark's 500 connections from one address still fit.
            max_connections_per_client: 512,
            log: Log::default(),
        }
    }
}

/// What every connection shares. Immutable after start, except the
/// `stopping` flag and the admission's books.
pub(crate) struct Shared {
    pub config: ServerConfig,
    pub handler: Box<dyn Handler>,
    pub admission: Arc<Admission>,
    stopping: AtomicBool,
}

impl Shared {
    pub(crate) fn new(config: ServerConfig, handler: Box<dyn Handler>) -> Shared {
        Shared {
            admission: Admission::new(config.max_connections, config.max_connections_per_client),
            config,
            handler,
            stopping: AtomicBool::new(false),
        }
    }

    /// Whether the server is stopping (connections end after their
    /// current request).
    pub(crate) fn stopping(&self) -> bool {
        self.stopping.load(Ordering::Relaxed)
    }
}

/// A bound, not yet running server.
pub struct Server {
    listener: TcpListener,
    /// More listening sockets (`--also-port`): accepted on their own
    /// threads, served by the same pool and handler.
    also: Vec<TcpListener>,
    shared: Arc<Shared>,
}

/// A server running on its own thread (see [`Server::spawn`]).
pub struct ServerHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
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
            also: Vec::new(),
            shared: Arc::new(Shared::new(config, Box::new(handler))),
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Listens on one more address too (goldfish's `--also-port`): the
    /// same server, reachable on a second port. Returns the address bound.
    ///
    /// # Errors
    /// The address is in use or cannot be bound.
    pub fn also_listen(&mut self, addr: impl ToSocketAddrs) -> io::Result<SocketAddr> {
        let listener = TcpListener::bind(addr)?;
        let bound = listener.local_addr()?;
        self.also.push(listener);
        Ok(bound)
    }

    /// Serves on this thread, forever; each [`Server::also_listen`]
    /// address gets an accepting thread of its own. They share the
    /// handler and the admission (the connection caps count every port
    /// together); each has its own worker pool.
    ///
    /// # Errors
    /// The threads the server needs cannot be started.
    pub fn run(mut self) -> io::Result<()> {
        for listener in std::mem::take(&mut self.also) {
            let acceptor = threads::Acceptor::start(listener, Arc::clone(&self.shared))?;
            thread::Builder::new()
                .name("goldfish-accept-also".into())
                .spawn(move || acceptor.run())?;
        }
        threads::Acceptor::start(self.listener, self.shared)?.run();
        Ok(())
    }

    /// Serves on a new thread and returns a handle to it.
    ///
    /// # Errors
    /// The listening socket's address cannot be read, or the threads the
    /// server needs cannot be started.
    pub fn spawn(self) -> io::Result<ServerHandle> {
        let addr = self.listener.local_addr()?;
        let shared = Arc::clone(&self.shared);
        let acceptor = threads::Acceptor::start(self.listener, self.shared)?;
        let thread = thread::Builder::new()
            .name("goldfish-accept".into())
            .spawn(move || acceptor.run())?;
        Ok(ServerHandle {
            addr,
            shared,
            thread: Some(thread),
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
        self.census().open
    }

    /// Connections being served, and how many of them wait for a request.
    pub fn census(&self) -> Census {
        self.shared.admission.census()
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

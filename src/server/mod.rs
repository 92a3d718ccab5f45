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
//! | [`pool`] | the threads model's worker threads |
//! | [`event_loop`] | the event-loop model: a loop over non-blocking sockets |
//! | [`blocking`] | the event loop's pool for handlers that may block, and its mailbox |
//! | [`epoll`] | Linux's readiness interface, declared by hand (the only `unsafe` code) |
//! | [`timers`] | the event loop's deadlines, in a heap |
//! | [`admission`] | the connection caps: for everyone, per client, and whom to close to make room |
//! | [`log`] | the access log and `--trace` |
//!
//! Two concurrency models drive the same [`connection::Conn`] ([`Io`],
//! `--io`). **Threads** (read this one first): one thread accepts; each
//! open connection is served by a worker thread of its own with blocking
//! reads and timeouts. **Event loop** (the default on Linux): one thread (or
//! `--loops N`), serving many non-blocking connections that `epoll` says are
//! ready, so no thread sleeps after a response and an idle connection costs
//! no thread. In both, past the caps (see [`admission`]) a new connection
//! gets `503` and is closed at once.

pub mod admission;
#[cfg(target_os = "linux")]
pub mod blocking;
pub mod connection;
#[cfg(target_os = "linux")]
pub mod epoll;
#[cfg(target_os = "linux")]
pub mod event_loop;
pub mod log;
pub mod pool;
pub mod threads;
#[cfg(target_os = "linux")]
pub mod timers;

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

    /// Whether handling `req` may wait on something slow outside the
    /// process — a session store across the network or on disk. The event
    /// loop runs such requests on a small pool of threads, so that one slow
    /// store does not stall every connection of the loop; every other
    /// request runs on the loop itself, with no hand-off. The default,
    /// `false`, suits a handler that only computes.
    fn may_block(&self, req: &Request) -> bool {
        let _ = req;
        false
    }
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

/// How connections are driven (`--io`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Io {
    /// `loops` threads (0: one per core) over non-blocking sockets and
    /// `epoll`: Linux only.
    EventLoop { loops: usize },
    /// A thread per connection, with blocking reads and writes.
    Threads,
}

impl Default for Io {
    /// The event loop where there is `epoll`, with one loop. One loop
    /// serves tens of thousands of requests a second — far more than a
    /// classroom sends — and leaves the other cores to the clients, which
    /// for goldfish usually run on the same machine (a browser, curl, a
    /// load generator): on two cores with `wrk` on one, a second loop made
    /// `/hello` slower and its p99 worse (see the README). Give a machine
    /// of its own `--loops N`.
    fn default() -> Io {
        if cfg!(target_os = "linux") {
            Io::EventLoop { loops: 1 }
        } else {
            Io::Threads
        }
    }
}

/// Limits and timeouts of the protocol layer.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// How connections are driven.
    pub io: Io,
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
    #[must_use]
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
            io: Io::default(),
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

/// A server running on its own threads (see [`Server::spawn`]).
pub struct ServerHandle {
    addr: SocketAddr,
    /// The [`Server::also_listen`] addresses (threads model).
    also: Vec<SocketAddr>,
    shared: Arc<Shared>,
    /// The acceptors of the threads model.
    threads: Vec<JoinHandle<()>>,
    /// What wakes each event loop (to notice a stop).
    #[cfg(target_os = "linux")]
    wakers: Vec<Arc<blocking::Mailbox>>,
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
    ///
    /// # Errors
    /// The OS could not say (`getsockname` failed).
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

    /// Serves on this thread, forever — on every address, the first and
    /// each [`Server::also_listen`] one. They share the handler and the
    /// admission (the connection caps count every port together).
    ///
    /// # Errors
    /// The threads, or the event loops, the server needs cannot be started.
    pub fn run(self) -> io::Result<()> {
        match self.shared.config.io {
            Io::Threads => {
                let mut acceptors = self.acceptors()?.into_iter();
                let first = acceptors.next();
                for acceptor in acceptors {
                    thread::Builder::new()
                        .name("goldfish-accept-also".into())
                        .spawn(move || acceptor.run())?;
                }
                if let Some(acceptor) = first {
                    acceptor.run();
                }
            }
            #[cfg(target_os = "linux")]
            Io::EventLoop { loops } => {
                let (mut loops, _) = self.event_loops(loops)?;
                let last = loops
                    .pop()
                    .ok_or_else(|| io::Error::other("no event loop"))?;
                for (i, l) in loops.into_iter().enumerate() {
                    thread::Builder::new()
                        .name(format!("goldfish-loop-{}", i + 1))
                        .spawn(move || l.run())?;
                }
                last.run();
            }
            #[cfg(not(target_os = "linux"))]
            Io::EventLoop { .. } => return Err(no_epoll()),
        }
        Ok(())
    }

    /// Serves on new threads and returns a handle to them.
    ///
    /// # Errors
    /// The listening socket's address cannot be read, or the threads (or
    /// event loops) the server needs cannot be started.
    pub fn spawn(self) -> io::Result<ServerHandle> {
        let addr = self.listener.local_addr()?;
        let mut handle = ServerHandle {
            addr,
            also: Vec::new(),
            shared: Arc::clone(&self.shared),
            threads: Vec::new(),
            #[cfg(target_os = "linux")]
            wakers: Vec::new(),
        };
        match self.shared.config.io {
            Io::Threads => {
                for listener in &self.also {
                    handle.also.push(listener.local_addr()?);
                }
                for acceptor in self.acceptors()? {
                    let thread = thread::Builder::new()
                        .name("goldfish-accept".into())
                        .spawn(move || acceptor.run())?;
                    handle.threads.push(thread);
                }
            }
            #[cfg(target_os = "linux")]
            Io::EventLoop { loops } => {
                let (loops, wakers) = self.event_loops(loops)?;
                for (i, l) in loops.into_iter().enumerate() {
                    thread::Builder::new()
                        .name(format!("goldfish-loop-{i}"))
                        .spawn(move || l.run())?;
                }
                handle.wakers = wakers;
            }
            #[cfg(not(target_os = "linux"))]
            Io::EventLoop { .. } => return Err(no_epoll()),
        }
        Ok(handle)
    }

    /// The threads model: an acceptor (with its worker pool) per address.
    fn acceptors(self) -> io::Result<Vec<threads::Acceptor>> {
        std::iter::once(self.listener)
            .chain(self.also)
            .map(|listener| threads::Acceptor::start(listener, Arc::clone(&self.shared)))
            .collect()
    }

    /// `n` event loops (0: one per core), each watching every address, and
    /// their wakers.
    #[cfg(target_os = "linux")]
    fn event_loops(
        self,
        n: usize,
    ) -> io::Result<(Vec<event_loop::EventLoop>, Vec<Arc<blocking::Mailbox>>)> {
        let n = match n {
            0 => thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        let mut listeners = Vec::new();
        for listener in std::iter::once(self.listener).chain(self.also) {
            listener.set_nonblocking(true)?;
            listeners.push(Arc::new(listener));
        }
        let loops = (0..n)
            .map(|_| event_loop::EventLoop::new(listeners.clone(), Arc::clone(&self.shared)))
            .collect::<io::Result<Vec<_>>>()?;
        let wakers = loops.iter().map(event_loop::EventLoop::mailbox).collect();
        Ok((loops, wakers))
    }
}

/// The error for `--io epoll` where there is no epoll.
#[cfg(not(target_os = "linux"))]
fn no_epoll() -> io::Error {
    io::Error::other("the event loop needs Linux's epoll; use --io threads")
}

impl ServerHandle {
    /// The address the server listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Connections currently being served.
    #[must_use]
    pub fn open_connections(&self) -> usize {
        self.census().open
    }

    /// Connections being served, and how many of them wait for a request.
    #[must_use]
    pub fn census(&self) -> Census {
        self.shared.admission.census()
    }

    /// Stops accepting; open connections end after their current request.
    pub fn stop(mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        #[cfg(target_os = "linux")]
        for waker in &self.wakers {
            waker.wake();
        }
        // Wake each blocking accept() with a connection of our own.
        for addr in std::iter::once(self.addr).chain(self.also.iter().copied()) {
            if !self.threads.is_empty() {
                let _ = TcpStream::connect(addr);
            }
        }
        for t in self.threads.drain(..) {
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

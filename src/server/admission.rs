//! Who gets a connection: a cap for everyone, a smaller cap per client
//! address, and — when everyone's cap is full — room made by closing a
//! connection that is only waiting for a request.
//!
//! Why a cap per client: with one shared cap, a single client that opens
//! 2048 connections and sends half a request head on each (slowloris from
//! one address) takes every slot, and everyone else gets 503 for as long as
//! it likes. Capped per address (`--max-connections-per-client`, 512 by
//! default), it takes at most a quarter.
//!
//! Why shed: several addresses can still fill the shared cap. Connections
//! that are waiting for a request — idle between requests, or with half a
//! head — are the cheap ones to close: RFC 9112 §9.5 lets a server close an
//! idle connection at any time, and a client simply opens another. So when
//! the cap is full, a newcomer takes the place of such a connection (from
//! the client holding the most, oldest first) before anyone is refused. A
//! connection whose request is being read, handled or answered is never
//! closed to make room.
//!
//! Each admitted connection holds a [`Ticket`]; dropping it frees the slot.
//! The ticket's owner says whether the connection is waiting for a request
//! ([`Ticket::set_waiting`]); to shed a connection, the admission shuts its
//! socket down, which ends whatever read its owner is blocked in.

use std::collections::HashMap;
use std::net::{IpAddr, Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::Shared;
use crate::http::{Response, Status};

/// The connection caps of one server.
pub struct Admission {
    max_total: usize,
    max_per_client: usize,
    state: Mutex<State>,
}

/// Invariant: `clients[ip]` is the number of entries of `open` from `ip`,
/// and no count is zero.
#[derive(Default)]
struct State {
    open: HashMap<u64, Open>,
    clients: HashMap<IpAddr, usize>,
    /// Ids grow with every admission, so a smaller id is an older connection.
    next_id: u64,
}

/// An admitted connection, as the admission sees it.
struct Open {
    client: IpAddr,
    /// The same socket its owner reads, to shut down when it is shed.
    stream: Arc<TcpStream>,
    /// Set by its owner: waiting for a request (idle, or half a head).
    waiting: Arc<AtomicBool>,
}

/// The answer to a connection asking to be admitted.
pub enum Verdict {
    Admitted(Ticket),
    /// Its address already holds `max_per_client` connections.
    ClientFull,
    /// Every slot is taken by a connection that is busy with a request.
    Full,
}

/// How many connections are open, and how many of them wait for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Census {
    pub open: usize,
    pub waiting: usize,
}

impl Admission {
    /// Caps of `max_total` connections, and `max_per_client` from one address.
    #[must_use]
    pub fn new(max_total: usize, max_per_client: usize) -> Arc<Admission> {
        Arc::new(Admission {
            max_total: max_total.max(1),
            max_per_client: max_per_client.max(1),
            state: Mutex::new(State::default()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing panics while holding the lock; if something did, the
        // counts are still consistent.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Admits `stream` from `client`, closing a waiting connection to make
    /// room if every slot is taken.
    pub fn admit(self: &Arc<Admission>, stream: &Arc<TcpStream>, client: IpAddr) -> Verdict {
        let mut s = self.lock();
        if s.clients.get(&client).copied().unwrap_or(0) >= self.max_per_client {
            return Verdict::ClientFull;
        }
        if s.open.len() >= self.max_total && !s.shed_one() {
            return Verdict::Full;
        }
        let id = s.next_id;
        s.next_id += 1;
        let waiting = Arc::new(AtomicBool::new(true));
        s.open.insert(
            id,
            Open {
                client,
                stream: Arc::clone(stream),
                waiting: Arc::clone(&waiting),
            },
        );
        *s.clients.entry(client).or_insert(0) += 1;
        Verdict::Admitted(Ticket {
            admission: Arc::clone(self),
            id,
            waiting,
        })
    }

    /// Open connections, and how many of them wait for a request.
    pub fn census(&self) -> Census {
        let s = self.lock();
        Census {
            open: s.open.len(),
            waiting: s.open.values().filter(|o| o.is_waiting()).count(),
        }
    }

    /// The cap per client address.
    pub fn max_per_client(&self) -> usize {
        self.max_per_client
    }
}

impl Open {
    fn is_waiting(&self) -> bool {
        self.waiting.load(Ordering::Relaxed)
    }
}

impl State {
    /// Closes the oldest waiting connection of the client that holds the
    /// most. `false` if none is waiting.
    fn shed_one(&mut self) -> bool {
        let victim = self
            .open
            .iter()
            .filter(|(_, o)| o.is_waiting())
            .max_by_key(|(id, o)| (self.clients.get(&o.client), std::cmp::Reverse(**id)))
            .map(|(id, _)| *id);
        let Some(open) = victim.and_then(|id| self.forget(id)) else {
            return false;
        };
        // Its owner's read returns at once (end of input), and it closes.
        let _ = open.stream.shutdown(Shutdown::Both);
        true
    }

    /// Removes a connection from the books (once: a shed connection's
    /// ticket finds nothing to remove when it is dropped later).
    fn forget(&mut self, id: u64) -> Option<Open> {
        let open = self.open.remove(&id)?;
        if let Some(n) = self.clients.get_mut(&open.client) {
            *n -= 1;
            if *n == 0 {
                self.clients.remove(&open.client);
            }
        }
        Some(open)
    }
}

/// An admitted connection's slot, freed when dropped.
pub struct Ticket {
    admission: Arc<Admission>,
    id: u64,
    waiting: Arc<AtomicBool>,
}

impl Ticket {
    /// Says whether the connection is waiting for a request (and so may be
    /// closed to make room), or busy with one.
    pub fn set_waiting(&self, waiting: bool) {
        self.waiting.store(waiting, Ordering::Relaxed);
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.admission.lock().forget(self.id);
    }
}

/// Why a connection is turned away with 503.
#[derive(Debug, Clone, Copy)]
pub enum Refusal {
    /// Every slot is taken by a connection busy with a request.
    Everyone,
    /// Its address holds its share already.
    Client,
}

/// The 503 for a connection over a cap, and what the access log says.
pub(crate) fn refusal(shared: &Shared, why: Refusal, client: &str) -> (Response, &'static str) {
    let (text, log_line) = match why {
        Refusal::Everyone => (
            format!(
                "goldfish is serving its limit of {} connections at once, all of them busy \
                 with a request; try again in a moment.\n",
                shared.config.max_connections
            ),
            "(over the connection limit)",
        ),
        Refusal::Client => (
            format!(
                "goldfish is serving its limit of {} connections from one address (yours is \
                 {client}) at once; close some, or try again in a moment.\n",
                shared.config.max_connections_per_client
            ),
            "(over the per-client connection limit)",
        ),
    };
    let response =
        Response::text(Status::SERVICE_UNAVAILABLE, text).with_header("Retry-After", "1");
    (response, log_line)
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;

    use super::*;

    /// `n` connected sockets (the server's ends), from 127.0.0.1.
    fn sockets(n: usize) -> (Vec<Arc<TcpStream>>, Vec<TcpStream>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let clients: Vec<TcpStream> = (0..n).map(|_| TcpStream::connect(addr).unwrap()).collect();
        let servers = (0..n)
            .map(|_| Arc::new(listener.accept().unwrap().0))
            .collect();
        (servers, clients)
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn verdict(v: &Verdict) -> &'static str {
        match v {
            Verdict::Admitted(_) => "admitted",
            Verdict::ClientFull => "client full",
            Verdict::Full => "full",
        }
    }

    #[test]
    fn one_client_gets_at_most_its_share() {
        let admission = Admission::new(4, 2);
        let (socks, _clients) = sockets(4);
        let mut tickets = Vec::new();
        #[rustfmt::skip]
        let cases = [
            ("the first from .1", "127.0.0.1", "admitted"),
            ("the second from .1", "127.0.0.1", "admitted"),
            ("a third from .1 is over its share", "127.0.0.1", "client full"),
            ("another address is still welcome", "127.0.0.2", "admitted"),
        ];
        for ((why, from, want), sock) in cases.iter().zip(&socks) {
            let v = admission.admit(sock, ip(from));
            assert_eq!(verdict(&v), *want, "{why}");
            tickets.push(v);
        }
        assert_eq!(
            admission.census(),
            Census {
                open: 3,
                waiting: 3
            }
        );
        drop(tickets);
        assert_eq!(
            admission.census(),
            Census {
                open: 0,
                waiting: 0
            }
        );
    }

    #[test]
    fn when_full_the_oldest_waiting_connection_of_the_biggest_client_makes_room() {
        let admission = Admission::new(3, 3);
        let (socks, mut clients) = sockets(5);
        let admit = |i: usize, from: &str| match admission.admit(&socks[i], ip(from)) {
            Verdict::Admitted(t) => t,
            other => panic!("connection {i} from {from}: {}", verdict(&other)),
        };
        let a = admit(0, "127.0.0.1");
        let b = admit(1, "127.0.0.1");
        let c = admit(2, "127.0.0.2");
        // `a` is busy with a request: it is never shed.
        a.set_waiting(false);
        // Full: .1 holds the most, and of its waiting ones `b` is oldest.
        let d = admit(3, "127.0.0.3");
        let mut byte = [0u8; 1];
        use std::io::Read;
        assert_eq!(clients[1].read(&mut byte).unwrap(), 0, "b was closed");
        assert_eq!(
            admission.census(),
            Census {
                open: 3,
                waiting: 2
            }
        );
        drop(b); // its owner notices and lets go: nothing to free twice
        assert_eq!(admission.census().open, 3);
        // Everyone busy: the next is refused.
        c.set_waiting(false);
        d.set_waiting(false);
        let e = admission.admit(&socks[4], ip("127.0.0.4"));
        assert_eq!(verdict(&e), "full");
    }
}

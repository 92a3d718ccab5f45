//! `epoll`, Linux's readiness interface, declared by hand: the only
//! `unsafe` code in goldfish.
//!
//! `std` has no event loop, and goldfish takes no crate for one. glibc —
//! which every Rust program on Linux already links — exports the three
//! functions, so declaring them is all it takes (`epoll(7)`,
//! `epoll_create1(2)`, `epoll_ctl(2)`, `epoll_wait(2)`). This module wraps
//! them in a safe [`Epoll`] type; nothing else in goldfish writes `unsafe`.
//!
//! What it trusts, exactly:
//! - the three signatures and the constants below are glibc's and the
//!   kernel's (`<sys/epoll.h>`); they are part of Linux's stable ABI;
//! - `struct epoll_event` is `{ uint32_t events; uint64_t data; }` and on
//!   x86-64 it is *packed* (`__attribute__ ((__packed__))` in glibc's
//!   header, 12 bytes, so that 32-bit and 64-bit code agree); on other
//!   architectures it has natural alignment (16 bytes). [`Event`] copies
//!   that layout, and a test checks its size;
//! - the kernel writes at most `maxevents` entries into the array
//!   [`Epoll::wait`] lends it, and returns how many it wrote.
//!
//! File descriptors stay owned by `std` types ([`OwnedFd`], `TcpStream`,
//! `TcpListener`): epoll only remembers their numbers, so a socket must be
//! removed from the set (or closed, which removes it) before its number
//! can be reused.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::raw::c_int;
use std::time::Duration;

// SAFETY: this block declares glibc's epoll functions exactly as
// `<sys/epoll.h>` does, with the same argument and return types, and
// `Event` has `struct epoll_event`'s layout (see its docs); a wrong
// declaration here would make every call below undefined behaviour.
unsafe extern "C" {
    fn epoll_create1(flags: c_int) -> c_int;
    fn epoll_ctl(epfd: c_int, op: c_int, fd: c_int, event: *mut Event) -> c_int;
    fn epoll_wait(epfd: c_int, events: *mut Event, maxevents: c_int, timeout: c_int) -> c_int;
}

/// `EPOLL_CLOEXEC`: the epoll descriptor is not inherited across `exec`.
const EPOLL_CLOEXEC: c_int = 0o2_000_000;
const EPOLL_CTL_ADD: c_int = 1;
const EPOLL_CTL_DEL: c_int = 2;

/// The socket has bytes to read (or a connection to accept).
pub const IN: u32 = 0x001;
/// The socket can take more bytes to write.
pub const OUT: u32 = 0x004;
/// An error is pending on the socket.
pub const ERR: u32 = 0x008;
/// The connection is closed (both directions).
pub const HUP: u32 = 0x010;
/// The peer shut down its sending side: the next read returns end of input.
pub const RDHUP: u32 = 0x2000;
/// Only one of the epoll sets watching this descriptor is woken per event
/// (Linux 4.5): with several loops on one listener, one accepts, not all.
pub const EXCLUSIVE: u32 = 1 << 28;
/// Edge-triggered: report a change of readiness once, not for as long as it
/// lasts. The reader must then read (or write) until the socket says
/// "would block" — or until a read returns less than asked, which for a
/// stream socket means the same (`epoll(7)`).
pub const ET: u32 = 1 << 31;

/// One entry of the ready list: what happened, and the number given to
/// [`Epoll::add`] for that descriptor.
///
/// `struct epoll_event` is packed on x86-64 (glibc's header says
/// `__EPOLL_PACKED`), so `data` sits at offset 4, unaligned; everywhere
/// else it is naturally aligned at offset 8. Fields of a packed struct are
/// read by copy, never by reference, which is what the accessors do.
#[derive(Clone, Copy, Default)]
#[cfg_attr(target_arch = "x86_64", repr(C, packed))]
#[cfg_attr(not(target_arch = "x86_64"), repr(C))]
pub struct Event {
    events: u32,
    data: u64,
}

impl Event {
    /// The readiness bits ([`IN`], [`OUT`], [`HUP`], …).
    #[must_use]
    pub fn events(&self) -> u32 {
        self.events
    }

    /// The token the descriptor was added with.
    #[must_use]
    pub fn token(&self) -> u64 {
        self.data
    }
}

/// An epoll instance: a set of descriptors and the readiness they watch for.
pub struct Epoll {
    fd: OwnedFd,
}

impl Epoll {
    /// A new, empty set.
    ///
    /// # Errors
    /// The kernel refuses (out of descriptors, or no epoll at all).
    pub fn new() -> io::Result<Epoll> {
        // SAFETY: epoll_create1 takes a flags integer and returns a new
        // descriptor or -1; no memory is shared.
        let fd = unsafe { epoll_create1(EPOLL_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just returned to us by epoll_create1, is open,
        // and nothing else owns it.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(Epoll { fd })
    }

    /// Watches `fd` for `interest` ([`IN`] | [`OUT`] | …), reporting it
    /// with `token`.
    ///
    /// # Errors
    /// `fd` is not open, or is watched already.
    pub fn add(&self, fd: &impl AsRawFd, interest: u32, token: u64) -> io::Result<()> {
        let mut event = Event {
            events: interest,
            data: token,
        };
        self.ctl(EPOLL_CTL_ADD, fd.as_raw_fd(), &mut event)
    }

    /// Stops watching `fd`.
    ///
    /// # Errors
    /// `fd` is not in the set.
    pub fn delete(&self, fd: &impl AsRawFd) -> io::Result<()> {
        // Since Linux 2.6.9 the event may be null for a delete; pass one
        // anyway, as the man page advises for portability.
        let mut event = Event::default();
        self.ctl(EPOLL_CTL_DEL, fd.as_raw_fd(), &mut event)
    }

    fn ctl(&self, op: c_int, fd: RawFd, event: &mut Event) -> io::Result<()> {
        // SAFETY: `event` is a valid, exclusive pointer to an `Event` for
        // the duration of the call; the kernel only reads it.
        let r = unsafe { epoll_ctl(self.fd.as_raw_fd(), op, fd, event) };
        if r < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Waits until something in the set is ready, or `timeout` passes
    /// (`None`: forever), and returns the ready entries at the front of
    /// `events` (whose length is the most it may return).
    ///
    /// # Errors
    /// Only a broken epoll descriptor; a signal interrupting the wait
    /// returns zero events instead.
    pub fn wait<'e>(
        &self,
        events: &'e mut [Event],
        timeout: Option<Duration>,
    ) -> io::Result<&'e [Event]> {
        // Round up to whole milliseconds, so a deadline 0.4 ms away is not
        // waited for with a timeout of 0 (a busy loop).
        let ms = timeout.map_or(-1, |t| {
            c_int::try_from(t.as_nanos().div_ceil(1_000_000)).unwrap_or(c_int::MAX)
        });
        let max = c_int::try_from(events.len()).unwrap_or(c_int::MAX);
        // SAFETY: `events` is a valid, exclusive buffer of at least `max`
        // entries with `struct epoll_event`'s layout, borrowed for the call;
        // the kernel writes at most `max` of them.
        let n = unsafe { epoll_wait(self.fd.as_raw_fd(), events.as_mut_ptr(), max, ms) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                return Ok(&events[..0]);
            }
            return Err(e);
        }
        // The kernel wrote `n <= max` entries.
        Ok(&events[..usize::try_from(n).unwrap_or(0)])
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::net::{TcpListener, TcpStream};

    use super::*;

    #[test]
    fn event_has_the_kernels_layout() {
        let want = if cfg!(target_arch = "x86_64") { 12 } else { 16 };
        assert_eq!(std::mem::size_of::<Event>(), want);
    }

    #[test]
    fn reports_a_readable_socket_with_its_token() {
        let epoll = Epoll::new().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        epoll.add(&server, IN | ET, 42).unwrap();
        let mut events = [Event::default(); 4];
        let ready = epoll
            .wait(&mut events, Some(Duration::from_millis(10)))
            .unwrap();
        assert!(ready.is_empty(), "nothing sent yet");
        client.write_all(b"x").unwrap();
        let ready = epoll
            .wait(&mut events, Some(Duration::from_secs(5)))
            .unwrap();
        assert_eq!(ready.len(), 1);
        assert_eq!(ready[0].token(), 42);
        assert_ne!(ready[0].events() & IN, 0);
        epoll.delete(&server).unwrap();
    }
}

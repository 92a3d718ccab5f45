//! No request costs more than a bounded amount, whatever it sends.
//!
//! Each test runs the `goldfish` binary as a process of its own, so its
//! memory can be read from `/proc/PID/status` without the test's own
//! allocations in the number: `VmHWM` is the most resident memory the
//! process ever had (its high-water mark).
//!
//! The attack these pin: one `POST /cookies/check` with a 1 MiB line of
//! `a=b;x;x;x…` used to answer 97 MB and take ~550 MB of memory, because
//! the checker explained every one of its 523,000 attributes.

mod common;

use std::net::SocketAddr;
use std::thread;

use common::{Client, run_binary};

/// `VmHWM` of process `pid`, in KiB.
fn high_water_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read /proc");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status")
}

/// Sends `raw` on a new connection and returns (status, body length).
fn exchange(addr: SocketAddr, raw: &[u8]) -> (u16, usize) {
    let mut c = Client::connect(addr);
    c.send(raw);
    let r = c.read_response();
    (r.status, r.body.len())
}

/// A form POST with this body, as a browser would send it.
fn post(path: &str, body: &[u8]) -> Vec<u8> {
    let mut raw = format!(
        "POST {path} HTTP/1.1\r\n\
         Host: 127.0.0.1\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\
         \r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(body);
    raw
}

const MIB: usize = 1024 * 1024;

/// Eight 1 MiB `a=b;x;x;x…` lines checked at once: each answer stays under
/// 64 KiB (the report explains 40 parts and counts the rest; the line is
/// checked up to 8 KiB), and the whole server under 64 MiB of memory.
#[test]
fn eight_one_mib_cookie_checks_at_once_stay_small() {
    let server = run_binary(&["--quiet"]);
    let mut body = b"url=http%3A%2F%2Fa%2F&line=a=b".to_vec();
    while body.len() + 2 <= MIB {
        body.extend_from_slice(b";x");
    }
    let raw = post("/cookies/check", &body);
    let answers: Vec<(u16, usize)> = thread::scope(|s| {
        let workers: Vec<_> = (0..8)
            .map(|_| s.spawn(|| exchange(server.addr, &raw)))
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    for (status, len) in &answers {
        assert_eq!(*status, 200, "{answers:?}");
        assert!(
            *len < 64 * 1024,
            "an answer of {len} bytes; want < 64 KiB: {answers:?}"
        );
    }
    let hwm = high_water_kib(server.pid());
    assert!(
        hwm < 64 * 1024,
        "the server peaked at {hwm} KiB; want < 64 MiB"
    );
}

/// Pages that echo what they are sent cannot be made to grow faster than
/// the request: a 1 MiB colour of `"` (each escaped to six bytes, shown
/// several times) used to make a 15 MiB page; 5300 empty cookies made the
/// cookie lab 1.5 MB of Delete forms.
#[test]
fn echoing_pages_answer_in_bounded_size() {
    let server = run_binary(&["--quiet"]);
    let colour = format!("fav-color={}", "%22".repeat((MIB - 100) / 3));
    let (status, len) = exchange(server.addr, &post("/form/step-one", colour.as_bytes()));
    assert_eq!(status, 400, "a colour of 349,491 characters is refused");
    assert!(len < 1024, "{len}");

    let cookies = "a=;".repeat(5300);
    let raw = format!("GET /cookies HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookies}\r\n\r\n");
    let (status, len) = exchange(server.addr, raw.as_bytes());
    assert_eq!(status, 200);
    assert!(
        len < 64 * 1024,
        "the lab answered {len} bytes for a {}-byte head",
        raw.len()
    );
    let hwm = high_water_kib(server.pid());
    assert!(
        hwm < 64 * 1024,
        "the server peaked at {hwm} KiB; want < 64 MiB"
    );
}

//! A real client: `curl -v` against the server, as a learner would run it.
//! curl is a test dependency outside the crate; `.ci/run` installs it, and
//! without it (outside CI) this test is skipped with a note.

mod common;

use std::net::SocketAddr;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{config, have, run_with_timeout, start_handler};
use goldfish::http::Request;
use goldfish::server::Handler;

/// `curl -v URL1 URL2`: the status line, the headers and the body come out
/// as the README shows them, and curl reuses one connection for both URLs
/// (HTTP/1.1 keep-alive) — which the server confirms: both requests came
/// from the same client port.
#[test]
fn curl_v_exchange_and_connection_reuse() {
    if !have("curl") {
        return;
    }
    // The lessons, wrapped to record which socket each request came from.
    let peers: Arc<Mutex<Vec<SocketAddr>>> = Arc::default();
    let seen = Arc::clone(&peers);
    let app = common::app();
    let server = start_handler(config(), move |req: &Request, peer: SocketAddr| {
        seen.lock().unwrap().push(peer);
        app.handle(req, peer)
    });
    let base = format!("http://{}", server.addr());

    let out = run_with_timeout(
        Command::new("curl").args([
            "-v",
            "-sS",
            &format!("{base}/hello"),
            &format!("{base}/nope"),
        ]),
        Duration::from_secs(20),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");

    // What curl sent (`> `) and received (`< `) for /hello.
    for line in [
        "> GET /hello HTTP/1.1",
        &format!("> Host: {}", server.addr()),
        "< HTTP/1.1 200 OK",
        "< Content-Type: text/plain; charset=utf-8",
        "< Content-Length: 13",
        "> GET /nope HTTP/1.1",
        "< HTTP/1.1 404 Not Found",
    ] {
        assert!(
            stderr.lines().any(|l| l.trim_end() == line),
            "curl -v did not show {line:?}:\n{stderr}"
        );
    }
    assert!(
        stderr.lines().any(|l| l.starts_with("< Date: ")),
        "{stderr}"
    );
    // The bodies, one after the other, on stdout.
    assert!(
        stdout.starts_with("Hello, World!There is no page at /nope."),
        "{stdout}"
    );

    // curl says it reused the connection ("Re-using existing connection"
    // in curl 7 and 8; the wording of the rest of the line varies) ...
    assert!(
        stderr.to_ascii_lowercase().contains("re-using existing"),
        "curl did not reuse the connection:\n{stderr}"
    );
    // ... and the server saw both requests on one socket.
    let peers = peers.lock().unwrap();
    assert_eq!(peers.len(), 2);
    assert_eq!(peers[0], peers[1], "two connections: {peers:?}");
}

//! What every request meets before a lesson sees it, and what every answer
//! carries: the `Host` check (DNS rebinding), the cross-site check (CSRF)
//! and the protective response fields. Raw bytes over TCP, as a browser
//! would send them: the headers that decide are written out in each test.

mod common;

use common::{Resp, TestServer, app_with, config, quiet, start, start_handler};
use goldfish::app::AppConfig;

/// Sends one request and reads the answer.
fn send(server: &TestServer, raw: &str) -> Resp {
    let mut c = server.connect();
    c.send(raw.as_bytes());
    c.read_response()
}

/// A form POST to `path` with these extra header lines.
fn post(path: &str, extra: &str, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\n\
         Host: 127.0.0.1:5000\r\n\
         {extra}\
         Content-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\
         \r\n\
         {body}",
        body.len()
    )
}

// ---------------------------------------------------------------------------
// Cross-site request forgery: the attacks of the security review, as bytes
// ---------------------------------------------------------------------------

/// Another site's page posts to the cookie lab to plant a `sid` (session
/// fixation through the lab): Chromium marks it `Sec-Fetch-Site:
/// cross-site`, and goldfish refuses it with 403 and no Set-Cookie.
#[test]
fn a_cross_site_post_to_the_lab_is_403_and_sets_nothing() {
    let server = start();
    let r = send(
        &server,
        &post(
            "/cookies",
            "Origin: http://localhost:8000\r\nSec-Fetch-Site: cross-site\r\n",
            "name=sid&value=66HKNS62HPwALahE6VueYwfkfd447inOJH4jxkj8sAM&path=/&max_age=86400",
        ),
    );
    assert_eq!(r.status, 403, "{}", r.head);
    assert_eq!(r.header("set-cookie"), None, "{}", r.head);
    assert!(
        r.text().contains("Sec-Fetch-Site: cross-site"),
        "{}",
        r.text()
    );
}

/// The same from an old browser that sends only `Origin`: it names another
/// host than `Host`, so 403 — login CSRF with /session's install action,
/// and the victim's list clobbered through /responses.
#[test]
fn an_origin_from_another_site_is_403() {
    let server = start();
    for (path, body) in [
        (
            "/session",
            "action=install&cookie=eyJmYXZfbnVtYmVyIjoxMzM3fQ.awtdTg.ATTACKER",
        ),
        ("/responses", "answer=injected-by-attacker"),
        ("/server-session", "fav_color=attacker-owned"),
    ] {
        let r = send(
            &server,
            &post(path, "Origin: http://localhost:8000\r\n", body),
        );
        assert_eq!(r.status, 403, "{path}: {}", r.head);
        assert_eq!(r.header("set-cookie"), None, "{path}: {}", r.head);
        assert!(
            r.text()
                .contains("Origin: http://localhost:8000 but was sent to Host: 127.0.0.1:5000"),
            "{path}: {}",
            r.text()
        );
    }
}

/// Another port of the same machine is another origin (`same-site`, or an
/// `Origin` with another port): refused too.
#[test]
fn another_port_is_refused_like_another_site() {
    let server = start();
    let r = send(
        &server,
        &post(
            "/cookies",
            "Sec-Fetch-Site: same-site\r\n",
            "name=a&value=b",
        ),
    );
    assert_eq!(r.status, 403, "{}", r.head);
    let r = send(
        &server,
        &post(
            "/cookies",
            "Origin: http://127.0.0.1:5001\r\n",
            "name=a&value=b",
        ),
    );
    assert_eq!(r.status, 403, "{}", r.head);
}

/// The lecture's GETs that set a cookie are checked like POSTs: a link on
/// another site cannot set your `fav_color` or your session.
#[test]
fn a_cross_site_get_that_sets_a_cookie_is_403() {
    let server = start();
    for target in ["/handle-form-cookie?fav_color=attacker", "/some-route"] {
        let r = send(
            &server,
            &format!(
                "GET {target} HTTP/1.1\r\n\
                 Host: 127.0.0.1:5000\r\n\
                 Sec-Fetch-Site: cross-site\r\n\
                 \r\n"
            ),
        );
        assert_eq!(r.status, 403, "{target}: {}", r.head);
        assert_eq!(r.header("set-cookie"), None, "{target}");
    }
    // A cross-site GET of a page that only reads is fine: links work.
    let r = send(
        &server,
        "GET /later-cookie HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nSec-Fetch-Site: cross-site\r\n\r\n",
    );
    assert_eq!(r.status, 200, "{}", r.head);
}

/// What keeps working: goldfish's own forms (`same-origin`), a typed URL
/// (`none`), an old browser on the same origin, and curl or telnet, which
/// send neither header.
#[test]
fn same_origin_forms_curl_and_telnet_keep_working() {
    let server = start();
    for extra in [
        "Sec-Fetch-Site: same-origin\r\nOrigin: http://127.0.0.1:5000\r\n",
        "Sec-Fetch-Site: none\r\n",
        "Origin: http://127.0.0.1:5000\r\n",
        "",
    ] {
        let r = send(&server, &post("/goldfish", extra, "name=Ada"));
        assert_eq!(r.status, 200, "{extra:?}: {}", r.head);
        assert!(
            r.text().contains("Hello, <strong>Ada</strong>"),
            "{extra:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Host names (DNS rebinding)
// ---------------------------------------------------------------------------

/// A name that is not loopback, not an address and not listed gets 421
/// with a sentence that says how to allow it.
#[test]
fn an_unknown_host_name_is_421() {
    let server = start();
    let r = send(
        &server,
        "GET /server-session HTTP/1.1\r\nHost: attacker.example\r\n\r\n",
    );
    assert_eq!(r.status, 421, "{}", r.head);
    assert!(
        r.text().contains("--allowed-hosts attacker.example"),
        "{}",
        r.text()
    );
    for host in [
        "localhost:5000",
        "www.goldfish.localhost:5000",
        "127.0.0.1",
        "[::1]:5000",
        "192.168.1.10:5000",
    ] {
        let r = send(
            &server,
            &format!("GET /hello HTTP/1.1\r\nHost: {host}\r\n\r\n"),
        );
        assert_eq!(r.status, 200, "{host}: {}", r.head);
    }
    // HTTP/1.0 without Host, as telnet users type it, still works.
    let r = send(&server, "GET /hello HTTP/1.0\r\n\r\n");
    assert_eq!(r.status, 200, "{}", r.head);
}

/// `--allowed-hosts` adds names (a leading dot: and their subdomains).
#[test]
fn allowed_hosts_are_answered() {
    let app = app_with(AppConfig {
        allowed_hosts: vec!["goldfish.lan".into(), ".class.example".into()],
        log: quiet(),
        ..AppConfig::default()
    });
    let server = start_handler(config(), app);
    for (host, want) in [
        ("goldfish.lan:5000", 200),
        ("pc7.class.example", 200),
        ("other.lan", 421),
    ] {
        let r = send(
            &server,
            &format!("GET /hello HTTP/1.1\r\nHost: {host}\r\n\r\n"),
        );
        assert_eq!(r.status, want, "{host}: {}", r.head);
    }
}

// ---------------------------------------------------------------------------
// Response fields: nothing cacheable that echoes a cookie; no framing
// ---------------------------------------------------------------------------

/// Every lesson page shows the request (the X-ray, Cookie lines included):
/// it says `Vary: Cookie` and `Cache-Control: no-store`. Every answer,
/// pages, errors and `/hello`, says `nosniff` and refuses framing.
#[test]
fn pages_that_echo_cookies_are_not_cacheable_and_nothing_is_framed() {
    let server = start();
    let pages = [
        "/",
        "/goldfish",
        "/later-cookie",
        "/storage",
        "/compare",
        "/cookies",
        "/session",
        "/server-session",
        "/responses",
        "/step-zero?fav-color=blue",
        "/cookie-form",
    ];
    for path in pages {
        let r = send(
            &server,
            &format!(
                "GET {path} HTTP/1.1\r\nHost: localhost\r\nCookie: session=SECRET; sid=SECRET2\r\n\r\n"
            ),
        );
        assert_eq!(r.status, 200, "{path}: {}", r.head);
        let vary = r.head.to_ascii_lowercase();
        assert!(
            vary.contains("\r\nvary: cookie\r\n"),
            "{path}: no Vary: Cookie\n{}",
            r.head
        );
        assert_eq!(
            r.header("cache-control"),
            Some("no-store"),
            "{path}: {}",
            r.head
        );
    }
    for path in ["/hello", "/nope", "/static/site.css", "/goldfish"] {
        let r = send(
            &server,
            &format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n"),
        );
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}: {}",
            r.head
        );
        assert_eq!(
            r.header("content-security-policy"),
            Some("frame-ancestors 'none'"),
            "{path}: {}",
            r.head
        );
    }
    // A protocol error from the server itself carries them too.
    let r = send(&server, "GET /\r\n\r\n");
    assert_eq!(r.status, 400);
    assert_eq!(
        r.header("x-content-type-options"),
        Some("nosniff"),
        "{}",
        r.head
    );
}

/// Static files get a validator: the second request, with the tag, is a
/// `304 Not Modified` with no body (RFC 9110 §13.1.2, §15.4.5).
#[test]
fn static_files_have_an_etag_and_answer_304() {
    let server = start();
    let r = send(
        &server,
        "GET /static/site.css HTTP/1.1\r\nHost: localhost\r\n\r\n",
    );
    assert_eq!(r.status, 200);
    let tag = r.header("etag").expect("an ETag").to_string();
    assert!(tag.starts_with('"') && tag.ends_with('"'), "{tag}");
    let r = send(
        &server,
        &format!(
            "GET /static/site.css HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: {tag}\r\n\r\n"
        ),
    );
    assert_eq!(r.status, 304, "{}", r.head);
    assert!(r.body.is_empty());
    assert_eq!(r.header("etag"), Some(tag.as_str()));
    let r = send(
        &server,
        "GET /static/site.css HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: \"stale\"\r\n\r\n",
    );
    assert_eq!(r.status, 200, "{}", r.head);
}

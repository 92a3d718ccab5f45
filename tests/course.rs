//! The course from the outside, over TCP: the guided path's links, the
//! X-ray's response half and redirect record, `POST /reset`, the favicon,
//! the size warning on `/responses`, and the protocol messages a learner
//! typing into telnet meets (issue 11; the walk in a real browser is
//! `tests/browser/course.mjs`).

mod common;

use common::{Client, Resp, start};
use goldfish::app::course::COURSE;

/// One request on a fresh connection, as a browser would ask (`Accept:
/// text/html`), with an optional `Cookie` line and form body.
fn browse(c: &mut Client, method: &str, target: &str, cookie: &str, body: &str) -> Resp {
    let cookie = if cookie.is_empty() {
        String::new()
    } else {
        format!("Cookie: {cookie}\r\n")
    };
    let form = if body.is_empty() {
        String::new()
    } else {
        format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        )
    };
    c.send(
        format!(
            "{method} {target} HTTP/1.1\r\n\
             Host: 127.0.0.1\r\n\
             Accept: text/html\r\n\
             {cookie}{form}\
             \r\n\
             {body}"
        )
        .as_bytes(),
    );
    c.read_response()
}

/// The `<a rel="next" … href="…">` links of a page.
fn next_links(html: &str) -> Vec<String> {
    html.split("rel=\"next\"")
        .skip(1)
        .filter_map(|rest| rest.split("href=\"").nth(1))
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

/// Following rel=next from `/` visits every lesson once, in COURSE's
/// order, each page saying "Lesson N of T", and ends on /compare.
#[test]
fn rel_next_walks_every_lesson_once_from_index_to_compare() {
    let server = start();
    let mut c = server.connect();
    let mut at = "/".to_string();
    let mut walked = Vec::new();
    loop {
        let r = browse(&mut c, "GET", &at, "", "");
        assert_eq!(r.status, 200, "GET {at}: {}", r.head);
        let html = r.text();
        let links = next_links(&html);
        if at == "/compare" {
            assert!(links.is_empty(), "/compare links on: {links:?}");
            break;
        }
        assert_eq!(links.len(), 1, "{at} has {} rel=next links", links.len());
        at = links[0].clone();
        walked.push(at.clone());
        assert!(walked.len() <= COURSE.len(), "the path loops: {walked:?}");
    }
    let starts: Vec<&str> = COURSE.iter().map(|l| l.start).collect();
    assert_eq!(walked, starts);
    let r = browse(&mut c, "GET", "/storage", "", "");
    let n = COURSE.iter().position(|l| l.start == "/storage").unwrap() + 1;
    assert!(
        r.text()
            .contains(&format!("Lesson {n} of {}", COURSE.len())),
        "{}",
        r.text()
    );
}

/// The X-ray shows the response's status line and head, and the page a
/// browser reaches through a 303 shows that redirect (with its Set-Cookie)
/// by the `via=` token; curl gets no token.
#[test]
fn the_xray_shows_the_head_and_the_redirect_before_the_page() {
    let server = start();
    let mut c = server.connect();
    let posted = browse(&mut c, "POST", "/responses", "", "answer=Yes");
    assert_eq!(posted.status, 303, "{}", posted.head);
    let location = posted.header("location").unwrap().to_string();
    assert!(location.starts_with("/responses?via="), "{location}");
    let cookie = posted.header("set-cookie").unwrap();
    let pair = cookie.split(';').next().unwrap().to_string();

    let page = browse(&mut c, "GET", &location, &pair, "");
    let html = page.text();
    let hop = html
        .split("id=\"xray-hop\">")
        .nth(1)
        .expect("the redirect's X-ray");
    assert!(
        hop.starts_with("<span class=\"ln status\">HTTP/1.1 303 See Other</span>"),
        "{hop}"
    );
    assert!(hop.contains("Set-Cookie: session=eyJyZXNw…["), "{hop}");
    let response = html.split("id=\"xray-response\">").nth(1).unwrap();
    assert!(
        response.starts_with("<span class=\"ln status\">HTTP/1.1 200 OK</span>"),
        "{response}"
    );
    assert!(response.contains("Cache-Control: no-store"), "{response}");

    // curl, telnet, nc: the bytes of the lesson, no token.
    c.send(b"POST /responses HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10\r\n\r\nanswer=Yes");
    let r = c.read_response();
    assert_eq!(r.header("location"), Some("/responses"));
}

/// A page never prints the whole value of goldfish's HttpOnly session
/// cookies in its X-ray (issue 10 item 7): the first characters, `…` and
/// the length, with a note on how to see them whole.
#[test]
fn the_xray_shortens_httponly_session_cookies() {
    let server = start();
    let mut c = server.connect();
    let value = "eyJmYXZfbnVtYmVyIjo0Mn0.aSYCow.XTZe0hAixsAev5ZQ3zCpnZKv7vEyUfSa8_pUPXmS7io";
    let r = browse(
        &mut c,
        "GET",
        "/compare",
        &format!("session={value}; fav_color=blue"),
        "",
    );
    let html = r.text();
    assert!(
        !html.contains(value),
        "the whole session cookie is on the page"
    );
    assert!(
        html.contains("session=eyJmYXZf…[74 characters]; fav_color=blue"),
        "{html}"
    );
    assert!(
        html.contains("id=\"xray-masked\""),
        "no note on how to see it whole"
    );
}

/// `POST /reset` answers `Clear-Site-Data: "cookies", "storage"` and a 303
/// back to `/` (W3C Clear Site Data §3.1); every page's footer has the form.
#[test]
fn reset_clears_site_data_and_returns_to_the_index() {
    let server = start();
    let mut c = server.connect();
    let r = browse(&mut c, "POST", "/reset", "", "");
    assert_eq!(r.status, 303, "{}", r.head);
    assert_eq!(
        r.header("clear-site-data"),
        Some("\"cookies\", \"storage\"")
    );
    assert!(r.header("location").unwrap().starts_with("/?via="));
    for path in ["/", "/cookies", "/no-such-page"] {
        let page = browse(&mut c, "GET", path, "", "");
        assert!(
            page.text()
                .contains("<form method=\"post\" action=\"/reset\">"),
            "{path} has no Start over in its footer"
        );
    }
}

/// The goldfish icon is served, as the favicon too, so no page logs a 404.
#[test]
fn the_favicon_is_the_svg_goldfish() {
    let server = start();
    let mut c = server.connect();
    for path in ["/favicon.ico", "/static/goldfish.svg"] {
        let r = browse(&mut c, "GET", path, "", "");
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some("image/svg+xml"), "{path}");
        assert!(r.text().starts_with("<svg"), "{path}");
    }
}

/// When the list no longer fits in a cookie, the page says so (issue 11,
/// A6), not only the server's log.
#[test]
fn responses_says_on_the_page_when_the_cookie_is_too_big() {
    let server = start();
    let mut c = server.connect();
    let mut cookie = String::new();
    // Letters from a small LCG: text zlib cannot shrink much, so the
    // cookie outgrows 4 KB in a few answers.
    let mut seed: u32 = 12345;
    let mut noise = |n: usize| -> String {
        (0..n)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                char::from(b'a' + ((seed >> 16) % 26) as u8)
            })
            .collect()
    };
    for _ in 0..8 {
        let body = format!("answer={}", noise(1000));
        let r = browse(&mut c, "POST", "/responses", &cookie, &body);
        if let Some(line) = r.header("set-cookie") {
            cookie = line.split(';').next().unwrap().to_string();
            continue;
        }
        let page = browse(&mut c, "GET", r.header("location").unwrap(), &cookie, "");
        let html = page.text();
        assert!(
            html.contains("goldfish could not do all you asked:")
                && html.contains("it was NOT sent"),
            "{html}"
        );
        return;
    }
    panic!("eight answers of 1000 characters all fitted in the cookie");
}

/// The messages a learner typing into telnet meets (issue 11, A16).
#[test]
fn telnet_mistakes_get_sentences_that_fit_them() {
    let server = start();
    let cases: &[(&str, &str, &str)] = &[
        (
            "two spaces in a row",
            "GET  /hello HTTP/1.1\r\nHost: localhost\r\n\r\n",
            "has two spaces in a row",
        ),
        (
            "HTTP/2 is a version, just not a text one",
            "GET /hello HTTP/2\r\nHost: localhost\r\n\r\n",
            "HTTP/2 is an HTTP version, but not one written as lines of text",
        ),
        (
            "a method in lower case",
            "get /hello HTTP/1.1\r\nHost: localhost\r\n\r\n",
            "did you mean GET?",
        ),
    ];
    for (why, raw, want) in cases {
        let mut c = server.connect();
        c.send(raw.as_bytes());
        let r = c.read_response();
        assert!(r.text().contains(want), "{why}: {}", r.text());
        assert!(!r.text().contains("found 3 parts"), "{why}: {}", r.text());
    }
}

/// Commands a page prints are built from the request's `Host`, so they
/// work on whatever port goldfish runs (issue 11, A9), and `nc` quits by
/// itself (`-q1`).
#[test]
fn commands_on_pages_use_the_real_host_and_port() {
    let server = start();
    let mut c = server.connect();
    let cases: &[(&str, &[&str])] = &[
        (
            "/",
            &[
                "curl -v http://127.0.0.1:5123/hello",
                "| nc -q1 127.0.0.1 5123",
            ],
        ),
        (
            "/later-cookie",
            &["curl -b jar.txt http://127.0.0.1:5123/later-cookie"],
        ),
        ("/storage", &["<code>http://127.0.0.1:5123</code>"]),
        ("/server-session", &["this one answers on port 5123"]),
    ];
    for (path, wants) in cases {
        c.send(
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:5123\r\nAccept: text/html\r\n\r\n")
                .as_bytes(),
        );
        let html = c.read_response().text();
        for want in *wants {
            assert!(html.contains(want), "{path}: want {want:?}");
        }
        assert!(!html.contains(":5000"), "{path} still prints port 5000");
    }
}

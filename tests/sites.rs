//! Many sites on one machine, as bytes over TCP: the site a request gets is
//! the one its `Host` names; each lesson's cookies are scoped as the lesson
//! says; the CSRF demo's endpoints hold or fail as designed; the timeline
//! and the boards keep to their owner and to their bounds.
//!
//! These tests send the headers a browser would (`Host`, `Cookie`,
//! `Sec-Fetch-Site`, `Origin`) by hand. What a real browser does with the
//! cookies is checked in Chromium by tests/browser/sites.mjs.

mod common;

use common::{Resp, TestServer, run_binary, start};

/// Sends one request and reads the answer.
fn send(server: &TestServer, raw: &str) -> Resp {
    let mut c = server.connect();
    c.send(raw.as_bytes());
    c.read_response()
}

/// `GET path` to `host`, as a browser asking for a page, with these extra
/// header lines.
fn get(server: &TestServer, host: &str, path: &str, extra: &str) -> Resp {
    send(
        server,
        &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/html\r\n{extra}\r\n"),
    )
}

/// A form POST to `host` with these extra header lines.
fn post(server: &TestServer, host: &str, path: &str, extra: &str, body: &str) -> Resp {
    send(
        server,
        &format!(
            "POST {path} HTTP/1.1\r\n\
             Host: {host}\r\n\
             {extra}\
             Content-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\n\
             \r\n\
             {body}",
            body.len()
        ),
    )
}

/// The `Set-Cookie` values of a response.
fn set_cookies(r: &Resp) -> Vec<&str> {
    r.headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.as_str())
        .collect()
}

/// `name=value` of the first `Set-Cookie` for `name`.
fn cookie_pair(r: &Resp, name: &str) -> String {
    set_cookies(r)
        .into_iter()
        .find(|v| v.starts_with(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .unwrap_or_else(|| panic!("no Set-Cookie for {name} in {:?}", r.head))
        .to_string()
}

const WWW: &str = "www.goldfish.localhost:5000";
const SHOP: &str = "shop.goldfish.localhost:5000";
const EVIL: &str = "evil.localhost:5000";
const CROSS_SITE: &str = "Origin: http://evil.localhost:5000\r\nSec-Fetch-Site: cross-site\r\n";
const SAME_ORIGIN: &str = "Sec-Fetch-Site: same-origin\r\n";

/// RFC 9112 §3.2: the `Host` line picks the site; a name goldfish does not
/// know gets the lessons, so 127.0.0.1 and localhost work as they always did.
#[test]
fn each_host_name_gets_its_site() {
    let server = start();
    let cases: &[(&str, &str, &str)] = &[
        ("127.0.0.1:5000", "/", "HTTP is a goldfish"),
        ("localhost", "/", "HTTP is a goldfish"),
        (WWW, "/", "HTTP is a goldfish"),
        (SHOP, "/", "The shop (shop.goldfish.localhost)"),
        (EVIL, "/", "evil.localhost — another site"),
        (
            "tracker.localhost:5000",
            "/",
            "tracker.localhost — a third party",
        ),
        ("nobody.localhost:5000", "/", "HTTP is a goldfish"),
    ];
    for (host, path, want) in cases {
        let r = get(&server, host, path, "");
        assert_eq!(r.status, 200, "Host: {host}");
        assert!(
            r.text().contains(want),
            "Host: {host}: no {want:?} in the page"
        );
    }
    // The shop has no lessons: /cookies is not one of its pages.
    assert_eq!(get(&server, SHOP, "/cookies", "").status, 404);
}

/// RFC 9112 §3.2.2: an absolute-form target names the host, and `Host` is
/// ignored; the X-ray says which field decided.
#[test]
fn an_absolute_target_outranks_host_and_the_xray_says_why() {
    let server = start();
    let r = get(&server, "localhost", "http://evil.localhost:5000/", "");
    assert!(
        r.text().contains("evil.localhost — another site"),
        "{}",
        r.text()
    );
    assert!(
        r.text().contains(
            "the request&#39;s target (an absolute URL, which outranks Host: RFC 9112 §3.2.2)"
        ),
        "the X-ray does not say why"
    );
    let r = get(&server, SHOP, "/", "");
    assert!(r.text().contains(
        "id=\"xray-site\">Answered by the shop, because the Host line names shop.goldfish.localhost."
    ));
}

/// The Domain lesson: `num_visits` counts on every host of
/// goldfish.localhost; the shop adds a host-only `cus_type`; 127.0.0.1
/// sets nothing (a browser would refuse that Domain there).
#[test]
fn num_visits_is_one_cookie_for_the_whole_domain() {
    let server = start();
    let r = get(&server, WWW, "/sites/domain", "");
    assert_eq!(
        set_cookies(&r),
        ["num_visits=1; Domain=goldfish.localhost; Path=/"]
    );
    let r = get(&server, SHOP, "/", "Cookie: num_visits=1\r\n");
    assert_eq!(
        set_cookies(&r),
        [
            "num_visits=2; Domain=goldfish.localhost; Path=/",
            "cus_type=member; Path=/"
        ]
    );
    let r = get(
        &server,
        SHOP,
        "/",
        "Cookie: num_visits=2; cus_type=member\r\n",
    );
    assert_eq!(
        set_cookies(&r),
        ["num_visits=3; Domain=goldfish.localhost; Path=/"],
        "cus_type is set once"
    );
    let r = get(&server, "127.0.0.1:5000", "/sites/domain", "");
    assert!(set_cookies(&r).is_empty(), "{:?}", r.head);
    assert!(r.text().contains("sets nothing"));
    // What arrives is shown escaped.
    let r = get(
        &server,
        WWW,
        "/sites/domain",
        "Cookie: num_visits=<b>x</b>\r\n",
    );
    assert!(r.text().contains("num_visits=&lt;b&gt;x&lt;/b&gt;"));
    assert!(!r.text().contains("<b>x</b>"));
}

/// The Path lesson: the deep URL sets `cart` with `Path=/shop` and
/// `last_added` with none (its default path is /shop/basket). Its item is
/// checked, and another site cannot send it (a GET that sets a cookie).
#[test]
fn the_basket_sets_a_path_cookie_and_a_default_path_cookie() {
    let server = start();
    let r = get(&server, "localhost", "/shop/basket/add?item=goldfish", "");
    assert_eq!(
        set_cookies(&r),
        ["cart=goldfish; Path=/shop", "last_added=goldfish"]
    );
    let r = get(
        &server,
        "localhost",
        "/shop/basket/add?item=bowl",
        "Cookie: cart=goldfish\r\n",
    );
    assert_eq!(cookie_pair(&r, "cart"), "cart=goldfish+bowl");
    let r = get(&server, "localhost", "/shop/basket/add?item=%3Cb%3E", "");
    assert_eq!(r.status, 400);
    let r = get(&server, "localhost", "/shop/basket/add?item=x", CROSS_SITE);
    assert_eq!(r.status, 403, "a cross-site GET that sets a cookie");
    // Which page gets which cookie, from the table on every page.
    let r = get(&server, "localhost", "/shopping", "");
    assert!(r.text().contains(
        "<tr class=\"here\" data-path=\"/shopping\"><th><a href=\"/shopping\"><code>/shopping</code></a></th>\
         <td data-cookie=\"cart\" data-sent=\"no\">"
    ));
}

/// The ports lesson sets `port_seen` once, to the port it was asked on,
/// and says so when it comes back on another.
#[test]
fn port_seen_names_the_port_that_set_it() {
    let server = start();
    let r = get(&server, WWW, "/sites/ports", "");
    assert_eq!(set_cookies(&r), ["port_seen=5000; Path=/sites/ports"]);
    let r = get(
        &server,
        "www.goldfish.localhost:5001",
        "/sites/ports",
        "Cookie: port_seen=5000\r\n",
    );
    assert!(set_cookies(&r).is_empty());
    assert!(r.text().contains("data-crossed=\"yes\""));
}

/// `--also-port`: one goldfish, two ports, the same lessons on both; the
/// banner names both, and the ports lesson links to each.
#[test]
fn also_port_serves_the_same_goldfish() {
    let mut bin = run_binary(&["--quiet", "--also-port", "0"]);
    let line = bin.wait_for_stderr(|l| l.contains("Also serving on http://"));
    let also: std::net::SocketAddr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    assert_ne!(also.port(), bin.addr.port());
    for addr in [bin.addr, also] {
        let mut c = common::Client::connect(addr);
        c.send(
            format!(
                "GET /sites/ports HTTP/1.1\r\nHost: localhost:{}\r\nAccept: text/html\r\n\r\n",
                addr.port()
            )
            .as_bytes(),
        );
        let r = c.read_response();
        assert_eq!(r.status, 200);
        for port in [bin.addr.port(), also.port()] {
            assert!(
                r.text().contains(&format!("data-port=\"{port}\"")),
                "the page on {addr} does not link port {port}"
            );
        }
    }
}

/// The SameSite lesson: POST sets the four cookies and opens a board; the
/// probe records only for boards that exist, cross-site POSTs included
/// (the route is exempt from the CSRF check on purpose), and a board keeps
/// its last 48 arrivals.
#[test]
fn the_samesite_probe_records_on_known_boards_only() {
    let server = start();
    let r = post(&server, WWW, "/sites/samesite", SAME_ORIGIN, "");
    assert_eq!(r.status, 303);
    let location = r.header("location").unwrap().to_string();
    let board = location
        .split("board=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let lines = set_cookies(&r);
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(
        lines[0].starts_with("ss_strict=")
            && lines[0].ends_with("; Path=/sites/samesite; SameSite=Strict")
    );
    assert!(
        lines[2].ends_with("; Path=/sites/samesite; Secure; SameSite=None"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].ends_with("; Path=/sites/samesite"),
        "no SameSite: {}",
        lines[3]
    );
    let set_at = lines[3].split(['=', ';']).nth(1).unwrap().to_string();

    let unknown = get(
        &server,
        WWW,
        "/sites/samesite/probe?board=AAAAAAAAAAAAAAAAAAAAAA&via=img&from=evil",
        "",
    );
    assert_eq!(unknown.status, 404);

    let cookies = format!("Cookie: ss_none={set_at}; ss_unset={set_at}\r\n");
    let probe = format!("/sites/samesite/probe?board={board}&via=post-form&from=evil");
    let r = post(
        &server,
        WWW,
        &probe,
        &format!("{CROSS_SITE}{cookies}"),
        "x=1",
    );
    assert_eq!(r.status, 200, "the probe takes cross-site POSTs");
    let img = get(
        &server,
        WWW,
        &format!("/sites/samesite/probe?board={board}&via=img&from=evil"),
        "Sec-Fetch-Site: cross-site\r\n",
    );
    assert_eq!(img.header("content-type"), Some("image/gif"));
    assert_eq!(img.header("cache-control"), Some("no-store"));

    let page = get(&server, WWW, &format!("/sites/samesite?board={board}"), "").text();
    let cell = |via: &str, cookie: &str| {
        let row = page
            .split(&format!("<tr data-from=\"evil\" data-via=\"{via}\">"))
            .nth(1)
            .unwrap()
            .split("</tr>")
            .next()
            .unwrap()
            .to_string();
        row.split(&format!("data-cookie=\"{cookie}\" "))
            .nth(1)
            .unwrap()
            .split('>')
            .next()
            .unwrap()
            .to_string()
    };
    assert!(
        cell("post-form", "ss_unset")
            .contains("data-sent=\"yes\" data-expected=\"sent\" data-agrees=\"yes\"")
    );
    assert!(cell("post-form", "ss_lax").contains("data-sent=\"no\" data-expected=\"not-sent\""));
    assert!(
        cell("img", "ss_none")
            .contains("data-sent=\"no\" data-expected=\"if-third-party-allowed\"")
    );

    for _ in 0..60 {
        get(
            &server,
            WWW,
            &format!("/sites/samesite/probe?board={board}&via=fetch&from=shop"),
            "",
        );
    }
    let page = get(&server, WWW, &format!("/sites/samesite?board={board}"), "").text();
    let listed = page.matches(" s ago: <code>").count();
    assert_eq!(listed, 48, "a board keeps its last 48 arrivals");
}

/// The CSRF demo: another site's POST changes the colour on the open
/// endpoint, and is refused by each defence; the learner's own forms work.
#[test]
fn the_csrf_demo_fails_open_and_each_defence_holds() {
    let server = start();
    let r = post(&server, WWW, "/sites/csrf/login", SAME_ORIGIN, "as=");
    assert_eq!(r.status, 303);
    let lines = set_cookies(&r);
    assert!(
        lines[0].starts_with("demo_none=")
            && lines[0].contains("Secure")
            && lines[0].contains("SameSite=None")
    );
    assert!(lines[1].starts_with("demo_lax=") && lines[1].contains("SameSite=Lax"));
    let none = cookie_pair(&r, "demo_none");
    let lax = cookie_pair(&r, "demo_lax");
    let both = format!("Cookie: {none}; {lax}\r\n");
    let colour = |server: &TestServer| {
        let page = get(server, WWW, "/sites/csrf", &both).text();
        page.split("id=\"csrf-colour\">")
            .nth(1)
            .and_then(|r| r.split('<').next())
            .unwrap()
            .to_string()
    };
    assert_eq!(colour(&server), "orange");

    // The attack, as Chromium sends it from evil.localhost's form: the
    // SameSite=None cookie comes, the Lax one does not.
    let from_evil = format!("{CROSS_SITE}Cookie: {none}\r\n");
    let r = post(&server, WWW, "/sites/csrf/open", &from_evil, "colour=black");
    assert_eq!(r.status, 303, "no defence: obeyed");
    assert_eq!(colour(&server), "black");
    for (path, why) in [
        ("/sites/csrf/lax", "no demo_lax cookie came"),
        ("/sites/csrf/origin", "Sec-Fetch-Site: cross-site"),
        ("/sites/csrf/token", "csrf_token is not the one"),
    ] {
        let r = post(
            &server,
            WWW,
            path,
            &from_evil,
            "colour=green&csrf_token=guess",
        );
        assert_eq!(r.status, 403, "{path}");
        assert!(r.text().contains(why), "{path}: {}", r.text());
        assert_eq!(colour(&server), "black", "{path} changed the colour");
    }

    // The learner's own token form works.
    let page = get(&server, WWW, "/sites/csrf", &both).text();
    let token = page
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let r = post(
        &server,
        WWW,
        "/sites/csrf/token",
        &format!("{SAME_ORIGIN}{both}"),
        &format!("colour=teal&csrf_token={token}"),
    );
    assert_eq!(r.status, 303);
    assert_eq!(colour(&server), "teal");

    // Login CSRF: the checked login refuses another site; the open one
    // signs the browser in as whoever the form names.
    let r = post(&server, WWW, "/sites/csrf/login", CROSS_SITE, "as=");
    assert_eq!(r.status, 403);
    let r = post(
        &server,
        WWW,
        "/sites/csrf/login-open",
        CROSS_SITE,
        "as=nope",
    );
    assert_eq!(r.status, 403, "an unknown account");
    let r = post(&server, WWW, "/sites/csrf/login-open", CROSS_SITE, "as=");
    assert_eq!(r.status, 303, "the session swap");
    assert_ne!(cookie_pair(&r, "demo_lax"), lax);
}

/// The tracker's frame: two cookies, one partitioned; frameable by any
/// site (goldfish's own pages are not); it remembers where it saw a value.
#[test]
fn the_tracker_sets_two_cookies_and_remembers_where_it_saw_them() {
    let server = start();
    let tracker = "tracker.localhost:5000";
    let r = get(
        &server,
        tracker,
        "/embed",
        "Referer: http://www.goldfish.localhost:5000/\r\n",
    );
    assert_eq!(
        r.header("content-security-policy"),
        Some("frame-ancestors *")
    );
    let lines = set_cookies(&r);
    assert!(
        lines[0].starts_with("tp_id=")
            && lines[0].ends_with("; Path=/; Secure; HttpOnly; SameSite=None"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("tp_chips=") && lines[1].contains("Partitioned"),
        "{}",
        lines[1]
    );
    let id = cookie_pair(&r, "tp_id");
    let r = get(
        &server,
        tracker,
        "/embed",
        &format!("Referer: http://evil.localhost:5000/third-party\r\nCookie: {id}\r\n"),
    );
    let page = r.text();
    assert!(
        page.contains("data-seen=\"www.goldfish.localhost, evil.localhost\""),
        "{page}"
    );
    assert_eq!(set_cookies(&r).len(), 1, "only tp_chips is new");
    let lesson = get(&server, WWW, "/sites/third-party", "");
    assert_eq!(
        lesson.header("content-security-policy"),
        Some("frame-ancestors 'none'")
    );
}

/// The timeline: started by the learner's own page only; records the
/// exchanges that carry its recorder, for that recorder only; stops.
#[test]
fn a_timeline_records_its_own_browser_only() {
    let server = start();
    let r = post(&server, WWW, "/sites/timeline", CROSS_SITE, "action=start");
    assert_eq!(r.status, 403, "another site cannot start a recorder");
    let start_one = |server: &TestServer| {
        let r = post(server, WWW, "/sites/timeline", SAME_ORIGIN, "action=start");
        assert_eq!(r.status, 303);
        let line = set_cookies(&r)[0].to_string();
        assert!(
            line.ends_with(
                "; Max-Age=3600; Domain=goldfish.localhost; Path=/; Secure; HttpOnly; SameSite=None"
            ),
            "{line}"
        );
        format!("Cookie: {}\r\n", line.split(';').next().unwrap())
    };
    let mine = start_one(&server);
    let theirs = start_one(&server);
    get(&server, WWW, "/sites/path", &mine);
    get(&server, SHOP, "/static/site.css", &mine);
    get(&server, WWW, "/sites/ports", &theirs);
    let page = get(&server, WWW, "/sites/timeline", &mine).text();
    assert!(page.contains("GET /sites/path HTTP/1.1"));
    assert!(page.contains("GET /static/site.css HTTP/1.1\nHost: shop.goldfish.localhost:5000"));
    assert!(
        !page.contains("GET /sites/ports"),
        "another browser's exchange"
    );
    assert!(
        page.contains("id=\"xray-recorder\""),
        "the X-ray says the recorder is on"
    );
    // A forged recorder id records nothing and shows nothing.
    let forged = "Cookie: goldfish_rec=AAAAAAAAAAAAAAAAAAAAAA\r\n";
    get(&server, WWW, "/sites/path", forged);
    let page = get(&server, WWW, "/sites/timeline", forged).text();
    assert!(page.contains("data-recording=\"no\""));
    // At most 100 exchanges.
    for _ in 0..120 {
        get(&server, WWW, "/hello", &mine);
    }
    let page = get(&server, WWW, "/sites/timeline", &mine).text();
    assert_eq!(page.matches("<li data-dest=").count(), 100);
    // Stop: the recorder is forgotten and its cookie deleted.
    let r = post(
        &server,
        WWW,
        "/sites/timeline",
        &format!("{SAME_ORIGIN}{mine}"),
        "action=stop",
    );
    assert!(set_cookies(&r)[0].starts_with(
        "goldfish_rec=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Domain=goldfish.localhost"
    ));
    let page = get(&server, WWW, "/sites/timeline", &mine).text();
    assert!(page.contains("data-recording=\"no\""));
}

/// The attack pages aim only at goldfish's own lesson hosts, whatever
/// `?to=` says.
#[test]
fn attack_pages_aim_only_at_goldfish() {
    let server = start();
    let page = get(
        &server,
        EVIL,
        "/samesite?board=AAAAAAAAAAAAAAAAAAAAAA&to=example.com",
        "",
    )
    .text();
    assert!(page.contains("http://www.goldfish.localhost:5000/sites/samesite/probe?board="));
    assert!(!page.contains("example.com/"));
    let page = get(&server, EVIL, "/csrf?to=127.0.0.1", "").text();
    assert!(page.contains("action=\"http://127.0.0.1:5000/sites/csrf/open\""));
}

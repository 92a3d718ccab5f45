//! The lesson's handlers, called without a socket (rouille's
//! `Request::fake_http` style): a request parsed from bytes, a peer address
//! chosen by the test.

use super::*;
use crate::app::{AppConfig, route};
use crate::http::{Limits, Parsed, parse_request};
use crate::server::log::{Log, Sink};
use crate::store::StoreConfig;

fn request(raw: &str) -> Request {
    match parse_request(raw.as_bytes(), &Limits::default()) {
        Ok(Parsed::Complete { value, .. }) => value,
        other => panic!("{other:?}"),
    }
}

fn app(store: StoreConfig) -> App {
    app_with(AppConfig {
        session_store: store,
        ..AppConfig::default()
    })
}

/// The application with `config`, its warnings kept off the terminal.
fn app_with(config: AppConfig) -> App {
    App::new(AppConfig {
        log: Log {
            sink: Sink::Off,
            trace: false,
        },
        ..config
    })
    .unwrap()
}

fn send(app: &App, raw: &str) -> Response {
    send_from(app, "127.0.0.1:1", raw)
}

fn send_from(app: &App, peer: &str, raw: &str) -> Response {
    let req = request(raw);
    route(app, &req, peer.parse().unwrap())
}

fn post_from(app: &App, peer: &str, body: &str) -> Response {
    send_from(
        app,
        peer,
        &format!(
            "POST /server-session HTTP/1.1\r\nHost: 127.0.0.1\r\n\
             Content-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
}

fn post(app: &App, cookie: Option<&str>, body: &str) -> Response {
    let cookie = cookie
        .map(|c| format!("Cookie: sid={c}\r\n"))
        .unwrap_or_default();
    send(
        app,
        &format!(
            "POST /server-session HTTP/1.1\r\nHost: 127.0.0.1\r\n{cookie}\
             Content-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
}

fn get(app: &App, cookie: Option<&str>) -> Response {
    let cookie = cookie
        .map(|c| format!("Cookie: sid={c}\r\n"))
        .unwrap_or_default();
    send(
        app,
        &format!("GET /server-session HTTP/1.1\r\nHost: 127.0.0.1\r\n{cookie}\r\n"),
    )
}

fn sid_of(resp: &Response) -> Option<String> {
    resp.headers
        .get_all("set-cookie")
        .find_map(|l| l.strip_prefix("sid="))
        .map(|l| l.split(';').next().unwrap_or("").to_string())
}

fn body(resp: &Response) -> String {
    String::from_utf8_lossy(&resp.body).into_owned()
}

#[test]
fn the_cookie_holds_an_id_and_the_store_the_colour() {
    let app = app(StoreConfig::Memory);
    let resp = post(&app, None, "fav_color=teal");
    assert_eq!(resp.status, Status::SEE_OTHER);
    let line = resp.headers.get("set-cookie").unwrap().to_string();
    let sid = sid_of(&resp).unwrap();
    assert_eq!(line, format!("sid={sid}; Path=/; HttpOnly; SameSite=Lax"));
    assert!(!line.contains("teal"), "the colour never travels: {line}");

    let page = get(&app, Some(&sid));
    assert_eq!(page.status, Status::OK);
    let html = body(&page);
    assert!(
        html.contains("Found: the store holds a session under your id."),
        "{html}"
    );
    assert!(
        html.contains("{&#34;fav_color&#34;:&#34;teal&#34;}"),
        "the stored JSON is shown"
    );
    assert!(
        html.contains(&format!("<mark>sid={}…[43 characters]</mark>", &sid[..8])),
        "the X-ray marks the cookie, shortened: it is HttpOnly"
    );
    assert!(
        !html.contains(&format!("sid={sid}")),
        "the whole id is on the page"
    );
    // The store's own X-ray: the map call and its answer, the id shortened.
    let short = format!("{}…[43 characters]", &sid[..8]);
    assert!(
        html.contains(&format!("→ map.get(&#34;{short}&#34;)")),
        "the trace shows the call: {html}"
    );
    assert!(
        html.contains("← Some: {&#34;fav_color&#34;:&#34;teal&#34;}"),
        "{html}"
    );
    assert!(
        !html.contains(&format!("map.get(&#34;{sid}")),
        "never the whole id"
    );
    assert_eq!(sid_of(&page), None, "reading sends no new cookie");
    assert_eq!(page.headers.get("vary"), Some("Cookie"));
}

#[test]
fn a_made_up_id_gets_a_fresh_session_and_a_new_id() {
    let app = app(StoreConfig::Memory);
    let planted = "A".repeat(42) + "E";
    let page = body(&get(&app, Some(&planted)));
    assert!(
        page.contains("goldfish never adopts an id it did not issue"),
        "{page}"
    );
    let resp = post(&app, Some(&planted), "fav_color=plum");
    let sid = sid_of(&resp).expect("a new id");
    assert_ne!(sid, planted);
    assert!(body(&get(&app, Some(&sid))).contains("as the store remembers it: plum."));
    assert!(!body(&get(&app, Some(&planted))).contains("plum"));
}

#[test]
fn regenerate_and_clear() {
    let app = app(StoreConfig::Memory);
    let first = sid_of(&post(&app, None, "fav_color=teal")).unwrap();
    // Log in: a new id, the same data; the old id is dead.
    let second = sid_of(&post(&app, Some(&first), "action=regenerate")).unwrap();
    assert_ne!(first, second);
    assert!(body(&get(&app, Some(&second))).contains("remembers it: teal."));
    assert!(body(&get(&app, Some(&first))).contains("has nothing under it"));
    // Log out: the entry goes, and so does the cookie.
    let out = post(&app, Some(&second), "action=clear");
    assert_eq!(
        out.headers.get("set-cookie"),
        Some("sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax")
    );
    assert!(body(&get(&app, Some(&second))).contains("has nothing under it"));
}

#[test]
fn bad_forms_are_400_with_a_sentence() {
    let app = app(StoreConfig::Memory);
    for (form, want) in [
        ("fav_color=", "must hold a colour of 1 to 64 characters"),
        ("other=1", "must hold a colour of 1 to 64 characters"),
        ("action=explode", "Unknown action \"explode\""),
    ] {
        let resp = post(&app, None, form);
        assert_eq!(resp.status, Status::BAD_REQUEST, "{form}");
        assert!(body(&resp).contains(want), "{form}: {}", body(&resp));
        assert_eq!(sid_of(&resp), None, "{form}: nothing stored");
    }
    let long = format!("fav_color={}", "x".repeat(MAX_COLOR_CHARS + 1));
    assert_eq!(post(&app, None, &long).status, Status::BAD_REQUEST);
}

#[test]
fn a_store_that_is_down_is_a_503_that_says_so() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = app(StoreConfig::Redis {
        host: "127.0.0.1".into(),
        port,
    });
    for resp in [
        get(&app, Some(&("A".repeat(42) + "E"))),
        post(&app, None, "fav_color=teal"),
    ] {
        assert_eq!(resp.status, Status::SERVICE_UNAVAILABLE);
        assert_eq!(resp.headers.get("retry-after"), Some("5"));
        let text = body(&resp);
        assert!(
            text.contains(&format!(
                "the session store redis://127.0.0.1:{port} is unreachable"
            )),
            "{text}"
        );
        assert!(text.contains("Start Redis"), "{text}");
    }
    // Pages that do not use the store are unaffected.
    let hello = send(&app, "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assert_eq!(hello.status, Status::OK);
}

/// Review #4: one client made 13,000 new Redis sessions a second. Now the
/// 61st new session in a minute from one address is a 429, and nothing is
/// stored; another address, and a session that exists, are not affected.
#[test]
fn new_sessions_per_client_are_rate_limited() {
    let app = app_with(AppConfig {
        new_sessions_per_minute: 60,
        ..AppConfig::default()
    });
    let flood = "192.0.2.66:4000";
    // 60 at once, then one more for each second the loop lasts (the bucket
    // refills on the real clock: a slow machine may earn a token or two).
    let started = std::time::Instant::now();
    let mut made = 0;
    let refused = loop {
        let resp = post_from(&app, flood, "fav_color=x");
        if resp.status != Status::SEE_OTHER {
            break resp;
        }
        made += 1;
        assert!(made <= 1000, "never refused");
    };
    let refills = started.elapsed().as_secs() + 1;
    assert!((60..=60 + refills).contains(&made), "{made} new sessions");
    assert_eq!(refused.status, Status::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers.get("retry-after"), Some("1"));
    assert_eq!(sid_of(&refused), None, "nothing stored, no cookie");
    assert!(
        body(&refused).contains("made 60 new server-side sessions in the last minute"),
        "{}",
        body(&refused)
    );
    // Someone else, at the same moment, is served.
    let other = post_from(&app, "192.0.2.7:4000", "fav_color=teal");
    assert_eq!(other.status, Status::SEE_OTHER);
    // The flooder's existing session can still change: only new ones count.
    let sid = sid_of(&post_from(&app, "192.0.2.8:1", "fav_color=a")).unwrap();
    let req = format!(
        "POST /server-session HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sid={sid}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 11\r\n\r\nfav_color=b"
    );
    for _ in 0..100 {
        assert_eq!(send_from(&app, flood, &req).status, Status::SEE_OTHER);
    }
}

#[test]
fn hidden_store_details_name_the_kind_only() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = app_with(AppConfig {
        session_store: StoreConfig::Redis {
            host: "127.0.0.1".into(),
            port,
        },
        hide_store_details: true,
        ..AppConfig::default()
    });
    let down = post(&app, None, "fav_color=teal");
    assert_eq!(down.status, Status::SERVICE_UNAVAILABLE);
    let text = body(&down);
    assert!(
        text.contains("the session store cannot answer right now"),
        "{text}"
    );
    assert!(
        !text.contains(&port.to_string()) && !text.contains("127.0.0.1"),
        "{text}"
    );

    let app = app_with(AppConfig {
        hide_store_details: true,
        ..AppConfig::default()
    });
    let sid = sid_of(&post(&app, None, "fav_color=teal")).unwrap();
    let html = body(&get(&app, Some(&sid)));
    assert!(html.contains("Store: <code>memory</code>"), "{html}");
    assert!(
        !html.contains(&std::process::id().to_string()),
        "no process id"
    );
    assert!(
        html.contains("hidden: this server runs with --hide-store-details"),
        "{html}"
    );
}

//! Cookies from the outside: the lecture's round trip driven by real curl
//! with a cookie jar, injection attempts checked on the raw response bytes,
//! the cookie lab's refusals and its checker, and `goldfish cookie check`.
//!
//! The reference is RFC 6265 (and 6265bis for what browsers do today):
//! a `Set-Cookie` value is `name=value` plus `;`-separated attributes, so a
//! value that could hold `;` or CR LF could add attributes or whole header
//! lines. Every attack here gets its own test, written from the attacker's
//! side: what they send, and what must never come back.

mod common;
mod jar;

use std::process::Command;
use std::time::Duration;

use common::{
    BIN, Resp, SOME_DATE, have, normalize_dates, run_with_timeout, split_responses, start,
};
use jar::{
    Scratch, curl, exchange, jar_cookies, jar_get, parse_set_cookie, post_form, set_cookies,
};

/// Asserts the head of a response has no header line that the attacker
/// wrote: nothing named `admin`, no `Set-Cookie: admin=…`, and each header
/// line is one line (no CR or LF inside a value).
fn assert_no_injected_header(r: &Resp) {
    for line in r.head.trim_end_matches("\r\n").split("\r\n") {
        assert!(
            !line.contains('\r') && !line.contains('\n'),
            "a bare CR or LF inside a header line: {line:?}\n{}",
            r.head
        );
    }
    for (name, value) in &r.headers {
        assert!(
            !name.eq_ignore_ascii_case("admin") && !value.starts_with("admin="),
            "injected header {name}: {value}\n{}",
            r.head
        );
    }
}

// ---------------------------------------------------------------------------
// The lecture's round trip, with curl as the browser
// ---------------------------------------------------------------------------

/// Sets two cookies through the lab's form into curl's jar: `keep=1`,
/// which must survive, and `lab=v1`, which the test then deletes.
fn set_keep_and_lab(jar: &str, lab: &str) {
    for form in ["name=keep&value=1&path=/", "name=lab&value=v1&path=/"] {
        curl(&["-c", jar, "-b", jar, "-d", form, lab]);
    }
    assert_eq!(jar_get(jar, "lab").as_deref(), Some("v1"));
}

/// `/handle-form-cookie?fav_color=green` sets the cookie in curl's jar, and
/// `/later-cookie` gets it back from the jar: the server itself kept
/// nothing between the two requests.
#[test]
fn curl_jar_carries_fav_color_from_handle_form_cookie_to_later_cookie() {
    if !have("curl") {
        return;
    }
    let server = start();
    let base = format!("http://{}", server.addr());
    let dir = Scratch::new("cookie-round-trip");
    let jar = dir.file("jar.txt");

    // The form's submission: curl writes the Set-Cookie into the jar (-c).
    let set = curl(&[
        "-c",
        &jar,
        &format!("{base}/handle-form-cookie?fav_color=green"),
    ]);
    assert!(
        set.stdout
            .contains("Your favourite colour is <strong>green</strong>"),
        "{}",
        set.stdout
    );
    assert_eq!(jar_get(&jar, "fav_color").as_deref(), Some("green"));

    // A later visit: curl reads the jar (-b) and sends Cookie by itself.
    let later = curl(&["-v", "-b", &jar, &format!("{base}/later-cookie")]);
    assert!(
        later
            .stderr
            .lines()
            .any(|l| l.trim_end() == "> Cookie: fav_color=green"),
        "curl did not send the cookie:\n{}",
        later.stderr
    );
    assert!(
        later
            .stdout
            .contains("Your favourite colour, from the cookie: <strong>green</strong>"),
        "{}",
        later.stdout
    );
}

/// Without a cookie, `/later-cookie` says so: `<unset>`, HTML-escaped.
#[test]
fn later_cookie_without_a_cookie_shows_unset() {
    if !have("curl") {
        return;
    }
    let server = start();

    // A client with no jar at all: no Cookie line.
    let out = curl(&[&format!("http://{}/later-cookie", server.addr())]);
    assert!(
        out.stdout
            .contains("from the cookie: <strong>&lt;unset&gt;</strong>"),
        "{}",
        out.stdout
    );
}

/// `/handle-form-cookie` without `fav_color` is the client's mistake: 400,
/// a sentence that names the parameter, and no cookie.
#[test]
fn handle_form_cookie_without_fav_color_is_400_naming_the_parameter() {
    let server = start();
    for target in ["/handle-form-cookie", "/handle-form-cookie?fav_colour=blue"] {
        // The parameter missing, or misspelt.
        let r = exchange(
            server.addr(),
            &format!(
                "GET {target} HTTP/1.1\r\n\
                 Host: 127.0.0.1\r\n\
                 \r\n"
            ),
        );
        assert_eq!(r.status, 400, "{target}: {}", r.head);
        assert!(
            r.text()
                .contains("The query parameter fav_color is missing"),
            "{target}: {:?}",
            r.text()
        );
        assert!(set_cookies(&r).is_empty(), "{target}: {}", r.head);
    }
}

// ---------------------------------------------------------------------------
// Expiry: what curl's jar drops
// ---------------------------------------------------------------------------

/// The lab sets `lab=v1`, then the same cookie with `Max-Age=0`: curl drops
/// it from its jar and stops sending it (RFC 6265 §5.2.2: a Max-Age of 0
/// expires "the earliest representable date and time"; §5.3: expired
/// cookies are evicted). A second cookie in the jar stays, which also
/// proves curl rewrote the jar file.
#[test]
fn lab_max_age_0_makes_curl_drop_the_cookie() {
    if !have("curl") {
        return;
    }
    let server = start();
    let lab = format!("http://{}/cookies", server.addr());
    let dir = Scratch::new("lab-max-age-0");
    let jar = dir.file("jar.txt");

    // Two cookies through the lab's form, into the jar.
    set_keep_and_lab(&jar, &lab);

    // The same name and path with max_age=0: a deletion.
    let out = curl(&[
        "-v",
        "-c",
        &jar,
        "-b",
        &jar,
        "-d",
        "name=lab&value=v1&path=/&max_age=0",
        &lab,
    ]);
    assert!(
        out.stderr
            .lines()
            .any(|l| l.trim_end() == "< Set-Cookie: lab=v1; Max-Age=0; Path=/"),
        "{}",
        out.stderr
    );
    assert_eq!(
        jar_cookies(&jar),
        [("keep".to_string(), "1".to_string())],
        "the jar after Max-Age=0"
    );

    // The next request carries only the cookie that is left.
    let next = curl(&["-v", "-b", &jar, &lab]);
    let sent: Vec<&str> = next
        .stderr
        .lines()
        .filter(|l| l.starts_with("> Cookie:"))
        .collect();
    assert_eq!(sent, ["> Cookie: keep=1"], "{}", next.stderr);
}

/// The lab's Delete button (`POST /cookies/delete`) sends an empty value
/// that expired in 1970 and `Max-Age=0`; curl drops the cookie.
#[test]
fn lab_delete_makes_curl_drop_the_cookie() {
    if !have("curl") {
        return;
    }
    let server = start();
    let base = format!("http://{}", server.addr());
    let dir = Scratch::new("lab-delete");
    let jar = dir.file("jar.txt");

    // Two cookies, set through the lab.
    let lab = format!("{base}/cookies");
    set_keep_and_lab(&jar, &lab);

    // The Delete button of the `lab` row.
    let out = curl(&[
        "-v",
        "-c",
        &jar,
        "-b",
        &jar,
        "-d",
        "name=lab&path=/",
        &format!("{base}/cookies/delete"),
    ]);
    assert!(
        out.stderr.lines().any(|l| l.trim_end()
            == "< Set-Cookie: lab=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"),
        "{}",
        out.stderr
    );
    assert_eq!(
        jar_cookies(&jar),
        [("keep".to_string(), "1".to_string())],
        "the jar after the deletion"
    );
}

// ---------------------------------------------------------------------------
// Injection through the lecture's colour
// ---------------------------------------------------------------------------

/// The colour `a; HttpOnly` would add an `HttpOnly` attribute if it were
/// pasted into the header as is. It is percent-encoded instead: one
/// `Set-Cookie` line whose only attribute is goldfish's own `Path=/`.
#[test]
fn colour_with_semicolon_cannot_add_an_attribute() {
    let server = start();
    for query in ["fav_color=a%3B%20HttpOnly", "fav_color=a;%20HttpOnly"] {
        // The `;` percent-encoded in the URL, and typed raw.
        let r = exchange(
            server.addr(),
            &format!(
                "GET /handle-form-cookie?{query} HTTP/1.1\r\n\
                 Host: 127.0.0.1\r\n\
                 \r\n"
            ),
        );
        assert_eq!(r.status, 200, "{query}: {}", r.head);
        let lines = set_cookies(&r);
        assert_eq!(lines.len(), 1, "{query}: {}", r.head);
        let cookie = parse_set_cookie(lines[0]);
        assert_eq!(
            (cookie.name, cookie.value),
            ("fav_color", "a%3B%20HttpOnly"),
            "{query}"
        );
        assert_eq!(cookie.names(), ["Path"], "{query}: {}", lines[0]);
        assert!(!cookie.has("HttpOnly"), "{query}: {}", lines[0]);
    }
}

/// The colour `x` CR LF `Set-Cookie: admin=1` (sent percent-encoded in
/// the query) would be response splitting if it reached the head raw: a
/// second header line, chosen by the attacker. It stays inside one value.
#[test]
fn colour_with_crlf_cannot_add_a_header_line() {
    let server = start();

    // `?fav_color=x%0D%0ASet-Cookie%3A%20admin%3D1`, and then the server
    // may close: everything it sends must be one response.
    let raw = server.exchange(
        b"GET /handle-form-cookie?fav_color=x%0D%0ASet-Cookie%3A%20admin%3D1 HTTP/1.1\r\n\
          Host: 127.0.0.1\r\n\
          Connection: close\r\n\
          \r\n",
    );
    let responses = split_responses(raw.as_bytes());
    assert_eq!(responses.len(), 1, "{raw}");
    let r = &responses[0];
    assert_eq!(r.status, 200, "{}", r.head);
    assert_no_injected_header(r);
    let lines = set_cookies(r);
    assert_eq!(lines.len(), 1, "exactly one Set-Cookie line:\n{}", r.head);
    let cookie = parse_set_cookie(lines[0]);
    assert_eq!(cookie.name, "fav_color");
    assert!(
        !cookie.value.contains(['\r', '\n', ' ', ';']),
        "{:?}",
        cookie.value
    );
    assert_eq!(cookie.names(), ["Path"], "{}", lines[0]);
}

/// The colour `<script>alert(1)</script>` would run in the page if it were
/// echoed raw. The page shows it as text.
#[test]
fn colour_with_script_tag_is_escaped_on_the_page() {
    let server = start();

    // `?fav_color=<script>alert(1)</script>`, percent-encoded as a browser would.
    let r = exchange(
        server.addr(),
        "GET /handle-form-cookie?fav_color=%3Cscript%3Ealert(1)%3C%2Fscript%3E HTTP/1.1\r\n\
         Host: 127.0.0.1\r\n\
         \r\n",
    );
    assert_eq!(r.status, 200, "{}", r.head);
    let body = r.text();
    assert!(
        !body.contains("<script>"),
        "raw markup in the page:\n{body}"
    );
    assert!(
        body.contains("<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>"),
        "{body}"
    );
    // `<`, `>`, `(`, `)` and `/` are all cookie-octets (RFC 6265 §4.1.1), so
    // the value goes into the header as typed: a header is not a page, and
    // the page that reads the cookie back escapes it (see
    // `hostile_cookie_header_is_html_escaped`). It adds no attribute.
    assert_eq!(
        set_cookies(&r),
        ["fav_color=<script>alert(1)</script>; Path=/"],
        "{}",
        r.head
    );
}

/// A colour typed as `a%20b` looks percent-encoded but is not. If it went
/// into the cookie as typed, `/later-cookie` would "decode" it to `a b`,
/// and the colours `a b` and `a%20b` would share one cookie value. So a
/// `%` is encoded too, and each colour comes back exactly as typed.
#[test]
fn colour_that_looks_percent_encoded_comes_back_as_typed() {
    let server = start();
    let mut values = Vec::new();
    for (query, typed) in [("a%2520b", "a%20b"), ("a%20b", "a b")] {
        // Set the colour ...
        let r = exchange(
            server.addr(),
            &format!(
                "GET /handle-form-cookie?fav_color={query} HTTP/1.1\r\n\
                 Host: 127.0.0.1\r\n\
                 \r\n"
            ),
        );
        assert_eq!(r.status, 200, "{typed:?}: {}", r.head);
        let value = parse_set_cookie(set_cookies(&r)[0]).value.to_string();

        // ... and read it back, as the browser would send it.
        let r = exchange(
            server.addr(),
            &format!(
                "GET /later-cookie HTTP/1.1\r\n\
                 Host: 127.0.0.1\r\n\
                 Cookie: fav_color={value}\r\n\
                 \r\n"
            ),
        );
        // The headline shows the colour as typed: what Flask's
        // `request.cookies.get` would give (issue 11, A11).
        assert!(
            r.text()
                .contains(&format!("from the cookie: <strong>{typed}</strong>")),
            "{typed:?} was stored as {value:?}, and read back as:\n{}",
            r.text()
        );
        values.push(value);
    }
    assert_ne!(values[0], values[1], "two colours, one cookie value");
}

/// A hostile `Cookie` header (`fav_color=<script>…`) arrives from the
/// client, not from goldfish: `/later-cookie` still shows it as text, and
/// so does the lab's table of cookies.
#[test]
fn hostile_cookie_header_is_html_escaped() {
    let server = start();
    for path in ["/later-cookie", "/cookies"] {
        // A Cookie line no browser would send, typed by hand.
        let r = exchange(
            server.addr(),
            &format!(
                "GET {path} HTTP/1.1\r\n\
                 Host: 127.0.0.1\r\n\
                 Cookie: fav_color=<script>alert(1)</script>\r\n\
                 \r\n"
            ),
        );
        assert_eq!(r.status, 200, "{path}: {}", r.head);
        let body = r.text();
        assert!(
            !body.contains("<script>alert"),
            "{path}: raw markup in the page:\n{body}"
        );
        assert!(
            body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path}: {body}"
        );
    }
}

// ---------------------------------------------------------------------------
// Injection through the lab
// ---------------------------------------------------------------------------

/// A browser's form POST to the lab, then the GET its 303 leads to (as a
/// browser: `Accept: text/html`, so the redirect carries `?via=`).
fn lab_post_and_follow(addr: std::net::SocketAddr, body: &str) -> (Resp, Resp) {
    let raw = format!(
        "POST /cookies HTTP/1.1\r\n\
         Host: 127.0.0.1\r\n\
         Accept: text/html\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\
         \r\n\
         {body}",
        body.len()
    );
    let posted = exchange(addr, &raw);
    assert_eq!(posted.status, 303, "POST /cookies {body}: {}", posted.head);
    let location = posted.header("location").expect("a Location").to_string();
    assert!(location.starts_with("/cookies?via="), "{location}");
    let page = exchange(
        addr,
        &format!("GET {location} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n\r\n"),
    );
    assert_eq!(page.status, 200, "GET {location}: {}", page.head);
    (posted, page)
}

/// The lab never sends what could add an attribute or a header line: a
/// value with `;` or CR LF is refused with a 400 worded for the form
/// ("tick percent-encode"), and nothing is sent.
#[test]
fn lab_value_with_semicolon_or_crlf_is_refused_with_the_rule() {
    let server = start();
    let cases: &[(&str, &str)] = &[
        (
            "a ';' that would add HttpOnly",
            "name=a&value=x%3B%20HttpOnly",
        ),
        (
            "a CR LF that would add a header line",
            "name=a&value=x%0D%0ASet-Cookie%3A%20admin%3D1",
        ),
    ];
    for (why, body) in cases {
        // The lab's form, filled in by the attacker.
        let r = post_form(server.addr(), "/cookies", None, body);
        assert_eq!(r.status, 400, "{why}: {}", r.head);
        assert!(set_cookies(&r).is_empty(), "{why}: {}", r.head);
        assert_no_injected_header(&r);
        let text = r.text();
        assert!(
            text.contains("goldfish did not send that cookie")
                && text.contains("percent-encode the value"),
            "{why}: {text}"
        );
        assert!(!text.contains(".secure(true)") && !text.contains("percent_encode_value("));
    }
}

/// With "percent-encode the value" ticked, the same values are stored,
/// encoded: one `Set-Cookie` line without attributes, on the 303.
#[test]
fn lab_value_with_semicolon_or_crlf_is_encoded_when_asked() {
    let server = start();
    let cases: &[(&str, &str, &str)] = &[
        (
            "a ';'",
            "name=a&value=x%3B%20HttpOnly&encode=on",
            "a=x%3B%20HttpOnly",
        ),
        (
            "a CR LF",
            "name=a&value=x%0D%0ASet-Cookie%3A%20admin%3D1&encode=on",
            // `:` and `=` are cookie-octets; only CR, LF and space needed encoding.
            "a=x%0D%0ASet-Cookie:%20admin=1",
        ),
    ];
    for (why, body, want) in cases {
        // The same form, with the encode box ticked.
        let r = post_form(server.addr(), "/cookies", None, body);
        assert_eq!(r.status, 303, "{why}: {}", r.head);
        assert_eq!(r.header("location"), Some("/cookies"), "curl gets no via=");
        assert_no_injected_header(&r);
        assert_eq!(set_cookies(&r), [*want], "{why}: {}", r.head);
    }
}

/// A cookie *name* with CR LF is refused too: names are tokens.
#[test]
fn lab_cookie_name_with_crlf_is_refused() {
    let server = start();

    // name = `a` CR LF `Set-Cookie: admin`, value = `1`.
    let r = post_form(
        server.addr(),
        "/cookies",
        None,
        "name=a%0D%0ASet-Cookie%3A%20admin&value=1",
    );
    assert_eq!(r.status, 400, "{}", r.head);
    assert!(set_cookies(&r).is_empty(), "{}", r.head);
    assert_no_injected_header(&r);
    assert!(
        r.text().contains("The name must be one word"),
        "the refusal should explain the name rule: {}",
        r.text()
    );
}

// ---------------------------------------------------------------------------
// The lab's rules, and what it sends
// ---------------------------------------------------------------------------

/// Lines a browser will reject are sent as typed (issue 11, A3): watching
/// the browser refuse them is the lesson. The page after the redirect
/// shows the line and says a browser rejects it, and why.
#[test]
fn lab_sends_lines_browsers_reject_and_says_so() {
    let server = start();
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "SameSite=None without Secure (RFC 6265bis §5.7 step 19)",
            "name=a&value=1&samesite=None&httponly=on",
            "a=1; HttpOnly; SameSite=None",
            "A browser rejects this line: SameSite=None needs Secure",
        ),
        (
            "Partitioned without Secure (CHIPS)",
            "name=a&value=1&partitioned=on",
            "a=1; Partitioned",
            "A browser rejects this line: Partitioned needs Secure",
        ),
        (
            "__Secure- prefix without Secure (6265bis §4.1.3.1)",
            "name=__Secure-a&value=1",
            "__Secure-a=1",
            "A browser rejects this line",
        ),
        (
            "__Host- prefix with a Domain (6265bis §4.1.3.2)",
            "name=__Host-a&value=1&secure=on&domain=127.0.0.1",
            "__Host-a=1; Domain=127.0.0.1; Secure",
            "A browser rejects this line",
        ),
        (
            "a value with a space, which browsers keep",
            "name=a&value=hello%20world",
            "a=hello world",
            "A browser keeps this cookie.",
        ),
    ];
    for (why, body, line, verdict) in cases {
        let (posted, page) = lab_post_and_follow(server.addr(), body);
        assert_eq!(set_cookies(&posted), [*line], "{why}: {}", posted.head);
        let text = page.text();
        let line = goldfish::template::escape(line);
        assert!(
            text.contains(&format!("Set-Cookie: {line}</span>")),
            "{why}: the page does not show the line: {text}"
        );
        let verdict = goldfish::template::escape(verdict);
        assert!(
            text.contains(verdict.as_ref()),
            "{why}: want {verdict:?} in {text}"
        );
    }
}

/// What the form cannot express is refused, in the form's words: 400, no
/// `Set-Cookie`.
#[test]
fn lab_refuses_what_it_cannot_write() {
    let server = start();
    let cases: &[(&str, &str, &str)] = &[
        (
            "a SameSite value that does not exist",
            "name=a&value=1&samesite=Sometimes",
            "SameSite must be Strict, Lax or None",
        ),
        (
            "a Max-Age that is not a number",
            "name=a&value=1&max_age=soon",
            "Max-Age must be a whole number of seconds",
        ),
        (
            "an empty name",
            "name=&value=1",
            "The name must be one word",
        ),
        (
            "a ';' in the Path",
            "name=a&value=1&path=%2F%3B%20Domain%3Devil.example",
            "The Path holds a ';'",
        ),
    ];
    for (why, body, want) in cases {
        // The form as submitted.
        let r = post_form(server.addr(), "/cookies", None, body);
        assert_eq!(r.status, 400, "{why}: {}", r.head);
        assert!(set_cookies(&r).is_empty(), "{why}: {}", r.head);
        let text = r.text();
        assert!(
            text.contains("goldfish did not send that cookie"),
            "{why}: {text}"
        );
        let want = goldfish::template::escape(want);
        assert!(
            text.contains(want.as_ref()),
            "{why}: want {want:?} in {text}"
        );
    }
}

/// With every attribute set, the exact line goes on the wire (on the 303)
/// and the page the browser lands on shows the same line.
#[test]
fn lab_sends_the_exact_set_cookie_line_and_shows_it() {
    let server = start();

    // Every field of the form filled in.
    let (posted, page) = lab_post_and_follow(
        server.addr(),
        "name=lab&value=v1&expires_in=120&max_age=60&domain=localhost&path=%2Fcookies\
         &secure=on&httponly=on&samesite=None&partitioned=on",
    );
    // The Expires date depends on the clock; compare with dates normalized.
    let want = format!(
        "Set-Cookie: lab=v1; Expires={SOME_DATE}; Max-Age=60; Domain=localhost; \
         Path=/cookies; Secure; HttpOnly; SameSite=None; Partitioned"
    );
    let head = normalize_dates(&posted.head);
    assert!(
        head.split("\r\n").any(|l| *l == want),
        "want {want:?} in\n{head}"
    );
    assert_eq!(set_cookies(&posted).len(), 1, "{}", posted.head);
    let body = normalize_dates(&page.text());
    assert!(
        body.contains(&format!(
            "<div class=\"wire lines\" id=\"lab-sent\"><span class=\"ln hl-cookie\">{want}</span>"
        )),
        "{body}"
    );
    // Reloading the page sends nothing: the cookie rode on the redirect.
    assert!(set_cookies(&page).is_empty(), "{}", page.head);
}

/// Two `Cookie` lines in one request (as an HTTP/2 gateway may forward
/// them, RFC 9113 §8.2.3) are read as one list of cookies.
#[test]
fn several_cookie_lines_are_joined() {
    let server = start();

    // The colour is in the second Cookie line.
    let r = exchange(
        server.addr(),
        "GET /later-cookie HTTP/1.1\r\n\
         Host: 127.0.0.1\r\n\
         Cookie: a=1\r\n\
         Cookie: fav_color=blue\r\n\
         \r\n",
    );
    assert_eq!(r.status, 200, "{}", r.head);
    assert!(
        r.text().contains("from the cookie: <strong>blue</strong>"),
        "{}",
        r.text()
    );

    // The lab lists the cookies of both lines, and the lines themselves.
    let r = exchange(
        server.addr(),
        "GET /cookies HTTP/1.1\r\n\
         Host: 127.0.0.1\r\n\
         Cookie: a=1; b=2\r\n\
         Cookie: fav_color=blue\r\n\
         \r\n",
    );
    assert_eq!(r.status, 200, "{}", r.head);
    let body = r.text();
    for (name, value) in [("a", "1"), ("b", "2"), ("fav_color", "blue")] {
        assert!(
            body.contains(&format!(
                "<tr role=\"row\"><td role=\"cell\" data-label=\"name\"><code>{name}</code></td>\
                 <td role=\"cell\" data-label=\"value\"><code>{value}</code></td>"
            )),
            "no row for {name}={value}:\n{body}"
        );
    }
    assert!(
        body.contains(
            "<pre class=\"wire\" id=\"received-cookie\">Cookie: a=1; b=2\nCookie: fav_color=blue</pre>"
        ),
        "{body}"
    );
}

/// The lab's checker (`POST /cookies/check`) answers "what would a browser
/// do with this line?" with a verdict.
#[test]
fn lab_checker_gives_the_verdict() {
    let server = start();
    let cases: &[(&str, &str, &str)] = &[
        (
            "a plain cookie is stored",
            "line=Set-Cookie%3A%20id%3D42%3B%20Path%3D%2F&url=http%3A%2F%2Flocalhost%2F",
            "Verdict: STORED",
        ),
        (
            "SameSite=None without Secure is rejected",
            "line=Set-Cookie%3A%20id%3D42%3B%20SameSite%3DNone&url=http%3A%2F%2Flocalhost%2F",
            "Verdict: REJECTED: SameSite=None needs Secure",
        ),
        (
            "Max-Age=0 deletes",
            "line=id%3D%3B%20Max-Age%3D0&url=http%3A%2F%2Flocalhost%2F",
            "Verdict: DELETES",
        ),
        (
            "Secure from plain http is rejected",
            "line=id%3D1%3B%20Secure&url=http%3A%2F%2Fexample.com%2F",
            "Verdict: REJECTED",
        ),
    ];
    for (why, body, want) in cases {
        // The checker's form.
        let r = post_form(server.addr(), "/cookies/check", None, body);
        assert_eq!(r.status, 200, "{why}: {}", r.head);
        assert!(
            set_cookies(&r).is_empty(),
            "{why}: the checker sets nothing"
        );
        let text = r.text();
        let report = text
            .split("id=\"check-report\">")
            .nth(1)
            .unwrap_or_else(|| panic!("{why}: no report in {text}"));
        assert!(report.contains(want), "{why}: want {want:?} in {report}");
    }
}

// ---------------------------------------------------------------------------
// goldfish cookie check
// ---------------------------------------------------------------------------

/// `goldfish cookie check 'Set-Cookie: …' --url …`: exit 0 when a browser
/// stores (or deletes), 1 when it rejects — with the report on stdout —
/// and 2 for a command it cannot run, explained on stderr.
#[test]
fn cookie_check_cli_exit_codes() {
    let cases: &[(&str, &[&str], i32, &str)] = &[
        (
            "stored",
            &[
                "Set-Cookie: fav_color=blue; Path=/",
                "--url",
                "http://localhost/",
            ],
            0,
            "Verdict: STORED",
        ),
        (
            "deletes",
            &["Set-Cookie: a=; Max-Age=0"],
            0,
            "Verdict: DELETES",
        ),
        (
            "Secure over plain http",
            &["Set-Cookie: id=1; Secure", "--url", "http://example.com/"],
            1,
            "Verdict: REJECTED",
        ),
        (
            "SameSite=None without Secure",
            &[
                "Set-Cookie: id=1; SameSite=None",
                "--url",
                "https://example.com/",
            ],
            1,
            "SameSite=None needs Secure",
        ),
        ("no line", &[], 2, "missing the Set-Cookie line"),
        (
            "--url without a URL",
            &["a=b", "--url"],
            2,
            "--url needs a URL",
        ),
        (
            "a URL goldfish cannot use",
            &["a=b", "--url", "ftp://example.com/"],
            2,
            "not supported",
        ),
        (
            "the line split by the shell",
            &["a=b;", "Path=/"],
            2,
            "single quotes",
        ),
    ];
    for (why, args, want_code, want_text) in cases {
        let out = run_with_timeout(
            Command::new(BIN).args(["cookie", "check"]).args(*args),
            Duration::from_secs(10),
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(*want_code),
            "{why}: goldfish cookie check {args:?}\nstdout: {stdout}\nstderr: {stderr}"
        );
        // Reports go to stdout; usage errors to stderr, nothing on stdout.
        let (shown, other) = if *want_code == 2 {
            (&stderr, &stdout)
        } else {
            (&stdout, &stderr)
        };
        assert!(
            shown.contains(want_text),
            "{why}: want {want_text:?} in\n{shown}"
        );
        assert!(other.is_empty(), "{why}: unexpected output {other:?}");
    }
}

/// `goldfish cookie` without `check` is a usage error with one line.
#[test]
fn cookie_cli_without_check_is_a_usage_error() {
    let out = run_with_timeout(Command::new(BIN).arg("cookie"), Duration::from_secs(10));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("goldfish cookie check"), "{stderr}");
    assert!(out.stdout.is_empty());
}

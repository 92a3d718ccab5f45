//! Signed-cookie sessions from the outside: the lecture's `/some-route` →
//! `/my-route` round trip with curl, the cookie's attributes, every way an
//! attacker can try to change a session (each its own test, as
//! itsdangerous' `test_signer.py` does), key rotation, the real Flask
//! vectors in `fixtures/session-vectors.tsv`, the `/session` and
//! `/responses` lessons, the cookie size limit, and `goldfish session`.
//!
//! The wire format is itsdangerous' `URLSafeTimedSerializer` with SHA-256
//! (DESIGN.md, "Wire contracts"): `payload.timestamp.signature`, each part
//! base64url (RFC 4648 §5), the signature an HMAC (RFC 2104). A refused
//! cookie means an empty session — a friendly 400 on `/my-route`, never a
//! 500, and never the attacker's payload.

mod common;
mod jar;

use std::net::SocketAddr;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use common::{
    BIN, Resp, TestServer, app_with, config, have, quiet, run_with_timeout, start, start_handler,
};
use goldfish::app::{AppConfig, Secret};
use goldfish::server::log::{Log, Sink};
use goldfish::session::{Signer, Value, base64url, to_json};
use goldfish::template::escape;
use jar::{Scratch, curl, get, jar_get, parse_set_cookie, post_form, set_cookie_for, set_cookies};

/// The session cookie's name (`AppConfig`'s default, Flask's too).
const NAME: &str = "session";

/// Flask's `PERMANENT_SESSION_LIFETIME`, goldfish's default: 31 days.
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// What `/my-route` says without a usable session.
/// What `/my-route` says of a session cookie it refused: that it came,
/// that it was refused, and why (issue 11: "no session cookie" and "a
/// cookie the server refused" are told apart).
const REFUSED: &str = "Your browser sent a session cookie, but goldfish refused it:";

/// The lessons, signing with `secret` and also accepting `fallbacks`.
fn keyed(secret: &str, fallbacks: &[&str]) -> AppConfig {
    AppConfig {
        secret_key: Some(Secret(secret.as_bytes().to_vec())),
        secret_key_fallbacks: fallbacks
            .iter()
            .map(|k| Secret(k.as_bytes().to_vec()))
            .collect(),
        log: quiet(),
        ..AppConfig::default()
    }
}

/// A server running the lessons with this configuration.
fn serve(app: AppConfig) -> TestServer {
    start_handler(config(), app_with(app))
}

/// `Cookie: session=VALUE`.
fn session(value: &str) -> String {
    format!("{NAME}={value}")
}

/// The value of the session cookie a response sets, if it sets one.
fn session_value(r: &Resp) -> Option<String> {
    set_cookie_for(r, NAME).map(|l| parse_set_cookie(l).value.to_string())
}

/// A genuine session cookie: `/some-route`'s `{"fav_number":42}`.
fn fresh_cookie(addr: SocketAddr) -> String {
    // The lecture's first request, without a cookie.
    let r = get(addr, "/some-route", None);
    assert_eq!(r.status, 200, "{}", r.head);
    session_value(&r).unwrap_or_else(|| panic!("/some-route set no session:\n{}", r.head))
}

/// Sends `value` as the session cookie to `/my-route` and asserts that it
/// was refused: the friendly 400, not a 500, and no number from the cookie.
fn assert_refused(addr: SocketAddr, value: &str, why: &str) {
    let r = get(addr, "/my-route", Some(&session(value)));
    assert_eq!(r.status, 400, "{why}: {value:?}\n{}", r.head);
    let text = r.text();
    assert!(
        text.contains(REFUSED) && !text.contains("Favorite number"),
        "{why}: {value:?}\n{text}"
    );
}

/// Sends `value` as the session cookie to `/my-route` and asserts it was
/// accepted.
fn assert_accepted(addr: SocketAddr, value: &str, why: &str) {
    let r = get(addr, "/my-route", Some(&session(value)));
    assert_eq!(r.status, 200, "{why}: {value:?}\n{}", r.head);
    assert_eq!(r.text(), "Favorite number is 42", "{why}: {value:?}");
}

/// The verdict line of the `/session` page for this cookie value.
fn session_page_status(addr: SocketAddr, value: &str) -> String {
    let r = get(addr, "/session", Some(&session(value)));
    assert_eq!(r.status, 200, "{value:?}\n{}", r.head);
    let text = r.text();
    let status = text
        .split("<h2>Your session cookie</h2>\n<p><strong>")
        .nth(1)
        .and_then(|rest| rest.split("</strong>").next())
        .unwrap_or_else(|| panic!("no status on the /session page:\n{text}"));
    status.to_string()
}

/// Verifies a cookie value with a key of our own and returns its payload
/// as JSON, or the refusal as text.
fn verify(secret: &str, value: &str) -> Result<String, String> {
    Signer::new(secret.as_bytes(), &[])
        .unsign(value, Some(31 * DAY), SystemTime::now())
        .map(|u| to_json(&Value::Map(u.data)))
        .map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------
// The lecture's round trip
// ---------------------------------------------------------------------------

/// `/some-route` puts 42 in the session; curl keeps the cookie in its jar
/// and `/my-route` reads 42 back out of it.
#[test]
fn curl_jar_carries_the_session_from_some_route_to_my_route() {
    if !have("curl") {
        return;
    }
    let server = start();
    let base = format!("http://{}", server.addr());
    let dir = Scratch::new("session-round-trip");
    let jar = dir.file("jar.txt");

    // session['fav_number'] = 42, into the jar.
    let out = curl(&["-c", &jar, &format!("{base}/some-route")]);
    assert_eq!(out.stdout, "Ok, I put that in the session.");
    assert!(
        jar_get(&jar, NAME).is_some(),
        "no session cookie in the jar"
    );

    // The next request brings the cookie back.
    let out = curl(&["-b", &jar, &format!("{base}/my-route")]);
    assert_eq!(out.stdout, "Favorite number is 42");
}

/// `/my-route` without a session is the visitor's situation, not a crash:
/// a 400 that says what to do, in text for curl and in HTML for browsers.
#[test]
fn my_route_without_a_session_is_a_friendly_400() {
    let server = start();

    // curl-like: no Accept header.
    let r = get(server.addr(), "/my-route", None);
    assert_eq!(r.status, 400, "{}", r.head);
    assert!(r.text().contains("Visit /some-route first"), "{}", r.text());

    // A browser: Accept names text/html.
    let r = jar::exchange(
        server.addr(),
        "GET /my-route HTTP/1.1\r\n\
         Host: 127.0.0.1\r\n\
         Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n\
         \r\n",
    );
    assert_eq!(r.status, 400, "{}", r.head);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(r.text().contains("Visit /some-route first"), "{}", r.text());
}

/// The session cookie is `HttpOnly; Path=/; SameSite=Lax` without
/// `Expires` or `Max-Age` (a browser-session cookie, RFC 6265 §4.1.2),
/// and a response that read the session says `Vary: Cookie` (RFC 9110
/// §12.5.5) so no cache hands it to someone else. `/hello` reads no
/// session and has no `Vary`.
#[test]
fn session_cookie_attributes_and_vary_cookie() {
    let server = start();

    // The lecture's first request.
    let r = get(server.addr(), "/some-route", None);
    assert_eq!(r.status, 200, "{}", r.head);
    let line = set_cookie_for(&r, NAME).expect("a session cookie");
    let cookie = parse_set_cookie(line);
    for attribute in ["HttpOnly", "Path", "SameSite"] {
        assert!(cookie.has(attribute), "no {attribute} in {line}");
    }
    assert!(cookie.attributes.contains(&("Path", "/")), "{line}");
    assert!(cookie.attributes.contains(&("SameSite", "Lax")), "{line}");
    assert!(
        !cookie.has("Expires") && !cookie.has("Max-Age"),
        "a browser-session cookie has no expiry: {line}"
    );
    assert!(!cookie.has("Secure"), "Secure is off by default: {line}");
    assert_eq!(r.header("vary"), Some("Cookie"), "{}", r.head);

    // A page that never touches the session.
    let r = get(server.addr(), "/hello", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("vary"), None, "{}", r.head);
}

/// Every session cookie goldfish sets has the same attributes, from one
/// place: `/some-route`'s cookie, `/session`'s "install" action and
/// `/server-session`'s `sid` all say `Path=/; Secure; HttpOnly;
/// SameSite=Lax` under `--secure-cookies`. (The install action once sent
/// neither `SameSite` nor `Secure`.)
#[test]
fn every_session_cookie_has_the_same_attributes() {
    let server = serve(AppConfig {
        secure_cookies: true,
        ..keyed("k", &[])
    });
    let attrs = |line: &str| {
        let mut a: Vec<String> = parse_set_cookie(line)
            .attributes
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        a.sort();
        a
    };
    let want = ["HttpOnly=", "Path=/", "SameSite=Lax", "Secure="];
    let r = get(server.addr(), "/some-route", None);
    let line = set_cookie_for(&r, NAME).expect("a session cookie");
    assert_eq!(attrs(line), want, "/some-route: {line}");
    let value = parse_set_cookie(line).value.to_string();

    let r = post_form(
        server.addr(),
        "/session",
        None,
        &format!("action=install&cookie={value}"),
    );
    let line = set_cookie_for(&r, NAME).expect("install sets the session cookie");
    assert_eq!(attrs(line), want, "/session install: {line}");

    let r = post_form(server.addr(), "/server-session", None, "fav_color=teal");
    let line = set_cookie_for(&r, "sid").expect("a sid cookie");
    assert_eq!(attrs(line), want, "/server-session: {line}");
}

// ---------------------------------------------------------------------------
// Attacks on the signature
// ---------------------------------------------------------------------------

/// The base64url alphabet (RFC 4648 §5).
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Twenty single-character changes to a real cookie — in the payload, the
/// timestamp and the signature, each to a different base64url character —
/// are all refused: the HMAC covers every character of the first two
/// parts, and the signature must match to the bit.
#[test]
fn twenty_single_character_tamperings_are_all_refused() {
    let server = serve(keyed("tamper-test key", &[]));
    let cookie = fresh_cookie(server.addr());
    let parts: Vec<usize> = cookie.split('.').map(str::len).collect();
    // {"fav_number":42} is 17 bytes = 23 characters; 4 timestamp bytes = 6;
    // a 32-byte HMAC-SHA256 tag = 43.
    assert_eq!(parts, [23, 6, 43], "{cookie}");
    let offsets: [(usize, &[usize]); 3] = [
        (0, &[0, 3, 7, 11, 15, 19, 22]),           // payload
        (24, &[0, 2, 4, 5]),                       // timestamp
        (31, &[0, 5, 10, 15, 20, 25, 30, 35, 42]), // signature
    ];
    let positions: Vec<usize> = offsets
        .iter()
        .flat_map(|(start, at)| at.iter().map(move |i| start + i))
        .collect();
    assert_eq!(positions.len(), 20);

    let mut used: Vec<u8> = Vec::new();
    for pos in positions {
        let original = cookie.as_bytes()[pos];
        let replacement = *ALPHABET
            .iter()
            .find(|c| **c != original && !used.contains(c))
            .expect("64 characters are enough for 20 changes");
        used.push(replacement);
        let mut forged = cookie.clone().into_bytes();
        forged[pos] = replacement;
        let forged = String::from_utf8(forged).unwrap();
        let why = format!(
            "position {pos}: {:?} -> {:?}",
            original as char, replacement as char
        );

        // The forged cookie, where the lecture reads fav_number ...
        assert_refused(server.addr(), &forged, &why);
        // ... and on the page that explains the verdict.
        let status = session_page_status(server.addr(), &forged);
        assert!(status.starts_with("Rejected:"), "{why}: {status}");
    }
    // The untouched cookie still works: the refusals were about the changes.
    assert_accepted(server.addr(), &cookie, "the genuine cookie");
}

/// The attack the lesson invites: decode the payload, change 42 to 43,
/// encode it again and keep the old timestamp and signature.
#[test]
fn forged_payload_with_the_old_signature_is_refused() {
    let server = serve(keyed("forgery-test key", &[]));
    let cookie = fresh_cookie(server.addr());
    let (_, rest) = cookie.split_once('.').unwrap();
    let forged = format!("{}.{rest}", base64url::encode(br#"{"fav_number":43}"#));
    assert_ne!(forged, cookie);

    // The forged cookie: a valid payload, a signature for another one.
    assert_refused(server.addr(), &forged, "payload 43, signature for 42");
    let status = session_page_status(server.addr(), &forged);
    assert!(status.contains("the signature does not match"), "{status}");
}

/// The last signature character carries 4 bits of the tag and 2 leftover
/// bits. Changing only the leftover bits gives a different text that a
/// lenient decoder reads as the *same* tag; goldfish's strict decoder
/// (RFC 4648 §3.5) refuses it, so no two texts share a signature.
#[test]
fn signature_changed_only_in_leftover_bits_is_refused() {
    let server = serve(keyed("leftover-bits key", &[]));
    let cookie = fresh_cookie(server.addr());
    let last = *cookie.as_bytes().last().unwrap();
    let index = ALPHABET.iter().position(|c| *c == last).unwrap();
    // The lowest bit of the last character is a leftover bit.
    let sibling = ALPHABET[index ^ 1] as char;
    let forged = format!("{}{sibling}", &cookie[..cookie.len() - 1]);

    // The sibling text.
    assert_refused(server.addr(), &forged, "leftover bits changed");
}

/// A signature cut short is just wrong (the comparison checks the length).
#[test]
fn truncated_signature_is_refused() {
    let server = serve(keyed("truncation key", &[]));
    let cookie = fresh_cookie(server.addr());
    for keep in [cookie.len() - 1, cookie.len() - 22, cookie.len() - 43] {
        // The cookie with its end cut off (the last one ends in the dot).
        assert_refused(server.addr(), &cookie[..keep], &format!("cut to {keep}"));
    }
}

/// Without its signature part (`payload.timestamp`) the cookie is not in
/// the format at all; without any dot, neither.
#[test]
fn cookie_without_signature_is_refused() {
    let server = serve(keyed("separator key", &[]));
    let cookie = fresh_cookie(server.addr());
    let (signed, _) = cookie.rsplit_once('.').unwrap();
    let (payload, _) = signed.split_once('.').unwrap();
    for value in [signed, payload, "", ".."] {
        // The cookie with parts missing.
        assert_refused(server.addr(), value, "parts missing");
    }
}

/// A cookie signed with another key — say, a key the attacker guessed —
/// is refused, even though it is perfectly formed and fresh.
#[test]
fn cookie_signed_with_another_key_is_refused() {
    let server = serve(keyed("the server's key", &[]));
    let forged =
        Signer::new(b"the attacker's guess", &[]).sign(r#"{"fav_number":42}"#, SystemTime::now());

    // A well-formed cookie from the wrong key.
    assert_refused(server.addr(), &forged, "wrong key");
}

/// A genuine cookie signed 32 days ago is past the 31-day lifetime
/// (Flask's `PERMANENT_SESSION_LIFETIME`, which Flask applies to every
/// session cookie): refused. One signed 30 days ago still counts.
#[test]
fn cookie_signed_32_days_ago_is_expired() {
    let server = serve(keyed("expiry key", &[]));
    let signer = Signer::new(b"expiry key", &[]);
    let now = SystemTime::now();

    // Signed with the right key, 32 days ago.
    let old = signer.sign(r#"{"fav_number":42}"#, now - 32 * DAY);
    assert_refused(server.addr(), &old, "32 days old");
    let status = session_page_status(server.addr(), &old);
    assert!(status.contains("genuine but expired"), "{status}");

    // Signed with the right key, 30 days ago.
    let recent = signer.sign(r#"{"fav_number":42}"#, now - 30 * DAY);
    assert_accepted(server.addr(), &recent, "30 days old");
}

/// A cookie signed "in the future" cannot be made by this server's clock;
/// like itsdangerous, goldfish refuses it rather than trust its timestamp.
#[test]
fn cookie_signed_in_the_future_is_refused() {
    let server = serve(keyed("future key", &[]));
    let ahead = Signer::new(b"future key", &[]).sign(
        r#"{"fav_number":42}"#,
        SystemTime::now() + Duration::from_secs(3600),
    );

    // Signed with the right key, an hour from now.
    assert_refused(server.addr(), &ahead, "an hour ahead");
    let status = session_page_status(server.addr(), &ahead);
    assert!(status.contains("in the future"), "{status}");
}

/// A timestamp no clock will ever show (2^64 - 1 seconds, 2^63 - 1, and
/// the year 33658) is only text to an attacker. The cookie is refused, and
/// the `/session` page, which shows the date of an *unverified* cookie,
/// still renders instead of overflowing its date arithmetic into a 500.
#[test]
fn cookie_with_an_absurd_timestamp_is_refused_without_a_500() {
    let server = serve(keyed("timestamp key", &[]));
    let cookie = fresh_cookie(server.addr());
    let (payload, rest) = cookie.split_once('.').unwrap();
    let (_, signature) = rest.split_once('.').unwrap();
    for timestamp in ["__________8", "f_________8", "AAAA6NSlEAA"] {
        let forged = format!("{payload}.{timestamp}.{signature}");
        // The cookie with its timestamp replaced.
        assert_refused(server.addr(), &forged, timestamp);
        let status = session_page_status(server.addr(), &forged);
        assert!(status.starts_with("Rejected:"), "{timestamp}: {status}");
    }
}

/// Signs the way DESIGN.md's wire contract says, written out here with
/// the `hmac` and `sha2` crates instead of goldfish's `Signer`:
/// key = HMAC-SHA256(secret, salt), signature = HMAC-SHA256(key,
/// "payload.timestamp"), every part base64url without padding.
fn sign_by_hand(secret: &str, salt: &str, json: &str, at: SystemTime) -> String {
    use hmac::{Hmac, Mac};
    type HmacSha256 = Hmac<sha2::Sha256>;
    let hmac = |key: &[u8], message: &[u8]| {
        let mut mac = HmacSha256::new_from_slice(key).unwrap();
        mac.update(message);
        mac.finalize().into_bytes().to_vec()
    };
    let key = hmac(secret.as_bytes(), salt.as_bytes());
    let seconds = at.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    // Big-endian, leading zero bytes dropped.
    let be = seconds.to_be_bytes();
    let first = be.iter().position(|b| *b != 0).unwrap_or(be.len());
    let signed = format!(
        "{}.{}",
        base64url::encode(json.as_bytes()),
        base64url::encode(&be[first..])
    );
    let tag = hmac(&key, signed.as_bytes());
    format!("{signed}.{}", base64url::encode(&tag))
}

/// The wire contract, checked from the outside: a cookie signed by hand
/// with the salt `cookie-session` is accepted.
#[test]
fn cookie_signed_by_hand_with_the_session_salt_is_accepted() {
    let server = serve(keyed("salt key", &[]));
    let cookie = sign_by_hand(
        "salt key",
        "cookie-session",
        r#"{"fav_number":42}"#,
        SystemTime::now(),
    );

    // Our own signature, where the lecture reads fav_number.
    assert_accepted(server.addr(), &cookie, "signed by hand");
}

/// The same `SECRET_KEY` with another salt (another purpose: itsdangerous'
/// default `itsdangerous.Signer`, a password-reset token, …) gives another
/// key, so a value signed for that purpose cannot be replayed as a session.
#[test]
fn value_signed_with_the_same_secret_for_another_purpose_is_refused() {
    let server = serve(keyed("salt key", &[]));
    for salt in ["itsdangerous.Signer", "password-reset", ""] {
        let token = sign_by_hand("salt key", salt, r#"{"fav_number":42}"#, SystemTime::now());
        // A token for another purpose, replayed as the session cookie.
        assert_refused(server.addr(), &token, salt);
    }
}

// ---------------------------------------------------------------------------
// Key rotation
// ---------------------------------------------------------------------------

/// Rotation, as a deployment does it: server A signs with `old`. Server B
/// has `SECRET_KEY=new` and `SECRET_KEY_FALLBACKS=old`: it still reads A's
/// cookie, and when the session changes it signs the new cookie with `new`
/// only. Server C has dropped `old`: A's cookie is refused there.
#[test]
fn rotated_key_old_cookie_is_read_through_the_fallback_and_resigned_with_the_new_key() {
    let a = serve(keyed("old", &[]));
    let b = serve(keyed("new", &["old"]));
    let c = serve(keyed("new", &[]));
    let from_a = fresh_cookie(a.addr());

    // A's cookie on B: read with the fallback key.
    assert_accepted(b.addr(), &from_a, "B has old as a fallback");
    let status = session_page_status(b.addr(), &from_a);
    assert!(status.contains("fallback key #1"), "{status}");

    // A change on B: the session is saved again, signed with `new`.
    let r = post_form(
        b.addr(),
        "/responses",
        Some(&session(&from_a)),
        "answer=Yes",
    );
    assert_eq!(r.status, 303, "{}", r.head);
    let from_b = session_value(&r).expect("B saves the changed session");
    assert_eq!(
        verify("new", &from_b),
        Ok(r#"{"fav_number":42,"responses":["Yes"]}"#.to_string()),
        "B's cookie verifies with the new key"
    );
    assert!(
        verify("old", &from_b).is_err(),
        "B's cookie must not verify with the old key"
    );

    // A's cookie on C, which no longer knows `old`.
    assert_refused(c.addr(), &from_a, "C has dropped the old key");
    // B's cookie works on C.
    assert_accepted(c.addr(), &from_b, "re-signed with new");
}

// ---------------------------------------------------------------------------
// Real Flask cookies: tests/fixtures/session-vectors.tsv
// ---------------------------------------------------------------------------

/// One row of the vectors file.
struct Vector {
    kind: &'static str,
    name: &'static str,
    secret: &'static str,
    timestamp: &'static str,
    json: &'static str,
    cookie: &'static str,
}

fn vectors() -> Vec<Vector> {
    include_str!("fixtures/session-vectors.tsv")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 6, "a vector has 6 fields: {l:?}");
            Vector {
                kind: f[0],
                name: f[1],
                secret: f[2],
                timestamp: f[3],
                json: f[4],
                cookie: f[5],
            }
        })
        .collect()
}

fn vector(kind: &str, name: &str) -> Vector {
    vectors()
        .into_iter()
        .find(|v| v.kind == kind && v.name == name)
        .unwrap_or_else(|| panic!("no {kind} vector {name} in the fixtures"))
}

/// Ten years: long enough for every recorded vector.
///
/// The vectors were recorded from real Flask apps at fixed moments (the
/// `flask_app` row on 25 Nov 2026, others a year or more before). Flask
/// refuses a session cookie older than its 31-day lifetime, and so does
/// goldfish by default, so under the default these cookies would start to
/// fail a month after they were recorded. The tests that use this lifetime
/// are about the *format* (same key, same bytes, same signature); the age
/// rule has its own tests above and `flask_vector_older_than_31_days_is_expired`.
const VECTOR_LIFETIME: Duration = Duration::from_secs(10 * 365 * 24 * 60 * 60);

/// The lessons as the vectors' Flask apps were configured.
fn flask_server(secret: &str, fallbacks: &[&str]) -> TestServer {
    serve(AppConfig {
        session_lifetime: VECTOR_LIFETIME,
        ..keyed(secret, fallbacks)
    })
}

/// The cookie a real Flask app (`session['fav_number'] = 42` with
/// `SECRET_KEY="SHHHHHHHHHHH SEEKRIT"`, SHA-256) gave its browser: goldfish
/// with the same key reads 42 out of it.
#[test]
fn flask_app_cookie_reads_favorite_number_42() {
    let v = vector("valid", "flask_app");
    let signed_at: u64 = v.timestamp.parse().unwrap();
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        now >= signed_at,
        "this machine's clock ({now}) is before the vector was recorded ({signed_at}); \
         a cookie from the future is refused, so fix the clock"
    );
    let server = flask_server(v.secret, &[]);

    // The browser's next request to the Flask app, sent to goldfish.
    let r = get(server.addr(), "/my-route", Some(&session(v.cookie)));
    assert_eq!(r.status, 200, "{}", r.head);
    assert_eq!(r.text(), "Favorite number is 42");

    // The whole Set-Cookie line Flask sent carries that same value.
    let line = vector("set-cookie-line", "flask_app").cookie;
    assert_eq!(parse_set_cookie(line).value, v.cookie);
}

/// Every `valid` vector is valid on the `/session` page of a goldfish with
/// its key, which shows the payload exactly as Flask wrote it.
#[test]
fn flask_valid_vectors_are_accepted_and_decoded_on_the_session_page() {
    for v in vectors().into_iter().filter(|v| v.kind == "valid") {
        let server = flask_server(v.secret, &[]);

        // The vector's cookie, on the page that takes it apart.
        let r = get(server.addr(), "/session", Some(&session(v.cookie)));
        assert_eq!(r.status, 200, "{}: {}", v.name, r.head);
        let text = r.text();
        assert!(
            text.contains("Valid: the signature matches, checked with the current SECRET_KEY."),
            "{}: {text}",
            v.name
        );
        assert!(
            text.contains(escape(v.json).as_ref()),
            "{}: the payload {} is not on the page",
            v.name,
            v.json
        );
    }
}

/// Every `invalid` vector (payload swapped, timestamp changed, signature
/// flipped, wrong key, parts missing, not base64url, padded) is refused.
#[test]
fn flask_invalid_vectors_are_all_refused() {
    let invalid: Vec<Vector> = vectors()
        .into_iter()
        .filter(|v| v.kind == "invalid")
        .collect();
    assert!(invalid.len() >= 9, "the fixture lost its invalid rows");
    for v in invalid {
        let server = flask_server(v.secret, &[]);
        // The vector's cookie where the lecture reads fav_number.
        assert_refused(server.addr(), v.cookie, v.name);
        let status = session_page_status(server.addr(), v.cookie);
        assert!(status.starts_with("Rejected:"), "{}: {status}", v.name);
    }
}

/// The `fallback` vector was signed by Flask with the key that is now the
/// fallback: `SECRET_KEY=new`, `SECRET_KEY_FALLBACKS=old` reads it.
#[test]
fn flask_rotated_vector_is_read_through_the_fallback() {
    let v = vector("fallback", "rotated");
    let (current, old) = v.secret.split_once('|').unwrap();
    let server = flask_server(current, &[old]);

    // Flask's cookie, signed with the old key.
    assert_accepted(server.addr(), v.cookie, "old key as fallback");
    let status = session_page_status(server.addr(), v.cookie);
    assert!(status.contains("fallback key #1"), "{status}");

    // Without the fallback it is refused.
    let server = flask_server(current, &[]);
    assert_refused(server.addr(), v.cookie, "no fallback");
}

/// Under the default lifetime, a Flask cookie signed more than 31 days ago
/// (the `fav_number` vector, Nov 2025) is refused as expired, as Flask
/// itself would refuse it.
#[test]
fn flask_vector_older_than_31_days_is_expired() {
    let v = vector("valid", "fav_number");
    let server = serve(keyed(v.secret, &[]));

    // A genuine cookie, a year old.
    assert_refused(server.addr(), v.cookie, "a year old");
    let status = session_page_status(server.addr(), v.cookie);
    assert!(status.contains("genuine but expired"), "{status}");
}

// ---------------------------------------------------------------------------
// /responses and /session
// ---------------------------------------------------------------------------

/// Three answers POSTed with a jar: each 303 brings curl back to the list,
/// which grows by one and keeps the order. The cookie then holds exactly
/// what Flask would write for that list (the `list` vector's JSON).
#[test]
fn responses_list_grows_in_order_with_curl_jar() {
    if !have("curl") {
        return;
    }
    let server = serve(keyed("responses key", &[]));
    let url = format!("http://{}/responses", server.addr());
    let dir = Scratch::new("responses");
    let jar = dir.file("jar.txt");

    let mut want = String::new();
    for (i, answer) in ["Yes", "No", "Maybe"].iter().enumerate() {
        // POST the answer; -L follows the 303 with a GET, cookie included.
        let out = curl(&[
            "-L",
            "-c",
            &jar,
            "-b",
            &jar,
            "-d",
            &format!("answer={answer}"),
            &url,
        ]);
        want.push_str(&format!("<li>{}. {answer}</li>", i + 1));
        assert!(
            out.stdout.contains(&format!(
                "<ol class=\"plain\" aria-live=\"polite\">{want}</ol>"
            )),
            "after {answer}: want {want} in\n{}",
            out.stdout
        );
        assert!(
            out.stdout
                .contains(&format!("Your answers so far ({})", i + 1)),
            "{}",
            out.stdout
        );
    }
    let cookie = jar_get(&jar, NAME).expect("a session cookie in the jar");
    assert_eq!(
        verify("responses key", &cookie),
        Ok(vector("valid", "list").json.to_string())
    );
}

/// `GET /session` takes the visitor's cookie apart: the verdict, and the
/// payload decoded.
#[test]
fn session_page_shows_the_decoded_payload() {
    let server = serve(keyed("page key", &[]));
    let cookie = fresh_cookie(server.addr());

    // The cookie from /some-route, on the page that explains it.
    let r = get(server.addr(), "/session", Some(&session(&cookie)));
    assert_eq!(r.status, 200, "{}", r.head);
    let text = r.text();
    assert!(
        text.contains("Valid: the signature matches, checked with the current SECRET_KEY."),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "<td>payload</td><td><code>{}</code></td><td><code>{}</code></td>",
            cookie.split('.').next().unwrap(),
            escape(r#"{"fav_number":42}"#)
        )),
        "{text}"
    );
}

/// `POST /session` with `action=check` and a tampered value: the page says
/// it is rejected, and why.
#[test]
fn session_check_action_rejects_a_tampered_value() {
    let server = serve(keyed("check key", &[]));
    let cookie = fresh_cookie(server.addr());
    let (_, rest) = cookie.split_once('.').unwrap();
    let tampered = format!("{}.{rest}", base64url::encode(br#"{"fav_number":43}"#));

    // The "Check this value" button, with the tampered value in the form
    // (base64url and dots need no form encoding).
    let r = post_form(
        server.addr(),
        "/session",
        None,
        &format!("action=check&cookie={tampered}"),
    );
    assert_eq!(r.status, 200, "{}", r.head);
    let text = r.text();
    assert!(
        text.contains("Rejected: the signature does not match the payload and timestamp"),
        "{text}"
    );
    assert!(
        set_cookies(&r).is_empty(),
        "checking sets nothing: {}",
        r.head
    );

    // The genuine value, checked the same way.
    let r = post_form(
        server.addr(),
        "/session",
        None,
        &format!("action=check&cookie={cookie}"),
    );
    assert!(r.text().contains("Accepted: the signature matches"));
}

/// `action=permanent` (Flask's `session.permanent = True`) makes the next
/// cookie carry `Expires`; `action=browser-session` takes it away again.
#[test]
fn session_permanent_action_adds_expires() {
    let server = serve(keyed("permanent key", &[]));
    let cookie = fresh_cookie(server.addr());

    // "Make it permanent".
    let r = post_form(
        server.addr(),
        "/session",
        Some(&session(&cookie)),
        "action=permanent",
    );
    assert_eq!(r.status, 200, "{}", r.head);
    let line = set_cookie_for(&r, NAME).expect("a new session cookie");
    let parsed = parse_set_cookie(line);
    assert!(parsed.has("Expires"), "{line}");
    assert!(parsed.has("HttpOnly") && parsed.has("Path"), "{line}");
    let permanent = parsed.value.to_string();
    assert_eq!(
        verify("permanent key", &permanent),
        Ok(r#"{"_permanent":true,"fav_number":42}"#.to_string())
    );

    // "Make it a browser-session cookie".
    let r = post_form(
        server.addr(),
        "/session",
        Some(&session(&permanent)),
        "action=browser-session",
    );
    let line = set_cookie_for(&r, NAME).expect("a new session cookie");
    assert!(!parse_set_cookie(line).has("Expires"), "{line}");
}

/// `action=clear` (`session.clear()`) empties the session, so goldfish
/// deletes the cookie: an empty value with `Max-Age=0`.
#[test]
fn session_clear_action_deletes_the_cookie() {
    let server = serve(keyed("clear key", &[]));
    let cookie = fresh_cookie(server.addr());

    // "session.clear()".
    let r = post_form(
        server.addr(),
        "/session",
        Some(&session(&cookie)),
        "action=clear",
    );
    assert_eq!(r.status, 200, "{}", r.head);
    let line = set_cookie_for(&r, NAME).expect("a deletion");
    let parsed = parse_set_cookie(line);
    assert_eq!(parsed.value, "", "{line}");
    assert!(parsed.attributes.contains(&("Max-Age", "0")), "{line}");
    assert!(parsed.attributes.contains(&("Path", "/")), "{line}");
}

/// A session that outgrows a cookie is not sent: a browser silently drops
/// a cookie over 4096 bytes, so goldfish (like Werkzeug) never sends a
/// session `Set-Cookie` over 4093 and warns instead. The visitor keeps the
/// last cookie that fit, and the server keeps answering.
#[test]
fn oversized_session_cookie_is_not_sent() {
    let lines: Arc<Mutex<Vec<String>>> = Arc::default();
    let server = serve(AppConfig {
        log: Log {
            sink: Sink::Memory(Arc::clone(&lines)),
            trace: false,
        },
        ..keyed("size key", &[])
    });
    // Answers that do not compress (goldfish, like Flask, compresses the
    // session when that is shorter): 500 letters, pseudo-random.
    let mut seed: u32 = 12_345;
    let mut answer = move || -> String {
        (0..500)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                char::from(b'a' + (seed >> 16) as u8 % 26)
            })
            .collect()
    };
    let mut cookie: Option<String> = None;
    let mut kept = 0;
    let mut refused = false;
    for i in 1..=20 {
        // One more long answer, with the cookie so far.
        let r = post_form(
            server.addr(),
            "/responses",
            cookie.as_deref().map(session).as_deref(),
            &format!("answer={i}{}", answer()),
        );
        assert_eq!(r.status, 303, "answer {i}: {}", r.head);
        for line in set_cookies(&r) {
            assert!(
                line.len() <= 4093,
                "answer {i}: a Set-Cookie of {} bytes was sent",
                line.len()
            );
        }
        if let Some(v) = session_value(&r) {
            cookie = Some(v);
            kept = i;
        } else {
            refused = true;
            break;
        }
    }
    assert!(refused, "the cookie never became too big");
    assert!(kept >= 3, "only {kept} answers fit");

    // The server still answers, with the last list that fit.
    let r = get(
        server.addr(),
        "/responses",
        cookie.as_deref().map(session).as_deref(),
    );
    assert_eq!(r.status, 200, "{}", r.head);
    assert!(
        r.text().contains(&format!("Your answers so far ({kept})")),
        "{}",
        r.text()
    );
    assert_eq!(get(server.addr(), "/hello", None).status, 200);
    // And it said why on its log.
    let log = lines.lock().unwrap().join("\n");
    assert!(
        log.contains("it was NOT sent") && log.contains("POST /responses"),
        "{log}"
    );
}

// ---------------------------------------------------------------------------
// goldfish session decode|sign
// ---------------------------------------------------------------------------

/// Runs `goldfish session ARGS…` with exactly these keys in its
/// environment (whatever the test runner's environment holds).
fn session_cli(secret: Option<&str>, fallbacks: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("session")
        .args(args)
        .env_remove("SECRET_KEY")
        .env_remove("SECRET_KEY_FALLBACKS");
    if let Some(k) = secret {
        cmd.env("SECRET_KEY", k);
    }
    if let Some(f) = fallbacks {
        cmd.env("SECRET_KEY_FALLBACKS", f);
    }
    run_with_timeout(&mut cmd, Duration::from_secs(10))
}

/// `--max-age` in seconds, as text: ten years (see [`VECTOR_LIFETIME`]).
fn vector_max_age() -> String {
    VECTOR_LIFETIME.as_secs().to_string()
}

/// `goldfish session decode` on Flask's cookie, with Flask's key: the
/// three parts, the payload as JSON, and "valid" (exit 0). The vector was
/// recorded on a fixed day, so `--max-age` (the CLI's lifetime, like
/// Flask's) is stretched to ten years; without it, a vector older than 31
/// days is read but refused as expired (exit 1).
#[test]
fn session_decode_cli_prints_the_payload_and_says_valid() {
    let v = vector("valid", "flask_app");
    let max_age = vector_max_age();
    let out = session_cli(
        Some(v.secret),
        None,
        &["decode", "--max-age", &max_age, v.cookie],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(r#"{"fav_number":42}"#), "{stdout}");
    assert!(
        stdout.contains("verdict    valid: signed with the current SECRET_KEY"),
        "{stdout}"
    );
    assert!(out.stderr.is_empty());

    // The whole Set-Cookie line Flask sent is accepted as input too.
    let line = vector("set-cookie-line", "flask_app").cookie;
    let out = session_cli(
        Some(v.secret),
        None,
        &["decode", "--max-age", &max_age, line],
    );
    assert_eq!(out.status.code(), Some(0));

    // A year-old vector under the default 31 days: read, but refused.
    let old = vector("valid", "fav_number");
    let out = session_cli(Some(old.secret), None, &["decode", old.cookie]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(r#"{"fav_number":42}"#), "{stdout}");
    assert!(
        stdout.contains("refused: the cookie is genuine but expired"),
        "{stdout}"
    );

    // No key at all: the payload is still readable (signed is not
    // encrypted), the verdict is "unchecked", exit 1.
    let out = session_cli(None, None, &["decode", v.cookie]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(r#"{"fav_number":42}"#), "{stdout}");
    assert!(stdout.contains("verdict    unchecked"), "{stdout}");
}

/// `SECRET_KEY_FALLBACKS` is comma-separated, newest first: the Flask
/// cookie signed with `old` is valid with the second fallback, and
/// refused once `old` is gone.
#[test]
fn session_decode_cli_reads_fallback_keys_from_the_environment() {
    let v = vector("fallback", "rotated");
    let (current, old) = v.secret.split_once('|').unwrap();
    let max_age = vector_max_age();
    let args = ["decode", "--max-age", &max_age, v.cookie];

    let fallbacks = format!("newer-old,{old}");
    let out = session_cli(Some(current), Some(&fallbacks), &args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("valid: signed with fallback key #2"),
        "{stdout}"
    );

    let out = session_cli(Some(current), None, &args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("refused: the signature does not match"),
        "{stdout}"
    );
}

/// `goldfish session sign '{"fav_number":42}'` makes a cookie that a
/// server with the same `SECRET_KEY` accepts, and one with another key
/// refuses.
#[test]
fn session_sign_cli_output_is_accepted_by_a_server_with_the_same_key() {
    let out = session_cli(Some("cli key"), None, &["sign", r#"{"fav_number": 42}"#]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let cookie = stdout.trim_end();

    // The signed value, sent to a server with the same key ...
    let server = serve(keyed("cli key", &[]));
    assert_accepted(server.addr(), cookie, "signed by the CLI");
    // ... and to one with another key.
    let other = serve(keyed("another key", &[]));
    assert_refused(other.addr(), cookie, "signed with another key");
}

/// Input the CLI cannot use: exit 2, nothing on stdout, one line on stderr
/// that says what is wrong.
#[test]
fn session_cli_bad_input_exits_2_with_one_line() {
    let cases: &[(&str, Option<&str>, &[&str], &str)] = &[
        (
            "not a cookie",
            Some("k"),
            &["decode", "not-a-cookie"],
            "three parts separated by dots",
        ),
        (
            "not base64url",
            Some("k"),
            &[
                "decode",
                "!!!.aSYCow.XTZe0hAixsAev5ZQ3zCpnZKv7vEyUfSa8_pUPXmS7io",
            ],
            "not valid base64url",
        ),
        (
            "a --max-age that is not a number",
            Some("k"),
            &["decode", "--max-age", "soon", "e30.aSYCow.x"],
            "--max-age needs a whole number of seconds",
        ),
        (
            "JSON cut short",
            Some("k"),
            &["sign", r#"{"fav_number":"#],
            "invalid JSON",
        ),
        (
            "JSON that is not an object",
            Some("k"),
            &["sign", "[42]"],
            "a session is a JSON object",
        ),
        (
            "sign without SECRET_KEY",
            None,
            &["sign", r#"{"fav_number":42}"#],
            "set SECRET_KEY",
        ),
    ];
    for (why, secret, args, want) in cases {
        let out = session_cli(*secret, None, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{why}: {stderr}");
        assert!(out.stdout.is_empty(), "{why}: {:?}", out.stdout);
        assert_eq!(stderr.lines().count(), 1, "{why}: {stderr}");
        assert!(stderr.starts_with("error: "), "{why}: {stderr}");
        assert!(stderr.contains(want), "{why}: want {want:?} in {stderr}");
    }
}

/// `/my-route` tells "no session cookie" from "a session cookie the server
/// refused, and why" (issue 11), and a valid session without the key from
/// both.
#[test]
fn my_route_tells_no_cookie_from_a_refused_one() {
    let server = start_handler(config(), app_with(keyed("s3cr3t", &[])));
    let addr = server.addr();
    let cases: &[(&str, Option<String>, &str)] = &[
        (
            "no cookie at all",
            None,
            "Your browser sent no session cookie, so your session is empty",
        ),
        (
            "a cookie with a broken signature",
            Some(session("eyJmYXZfbnVtYmVyIjo0Mn0.aSYCow.bm9wZQ")),
            "Your browser sent a session cookie, but goldfish refused it: ",
        ),
    ];
    for (why, cookie, want) in cases {
        let r = get(addr, "/my-route", cookie.as_deref());
        assert_eq!(r.status, 400, "{why}: {}", r.head);
        assert!(
            r.text().contains(want),
            "{why}: want {want:?} in {}",
            r.text()
        );
    }
    // A valid session that holds something else: the cookie is fine.
    let r = get(addr, "/responses", None);
    assert_eq!(r.status, 200);
    let r = post_form(addr, "/responses", None, "answer=Yes");
    let value = session_value(&r).expect("a session");
    let r = get(addr, "/my-route", Some(&session(&value)));
    assert!(
        r.text()
            .contains("cookie is valid, but the session it carries holds no fav_number"),
        "{}",
        r.text()
    );
}

// ---------------------------------------------------------------------------
// A session goldfish cannot read is never silently replaced
// ---------------------------------------------------------------------------

/// A stock Flask app on another port of the same host shares the browser's
/// cookies, and signs with SHA-1. Its session reaches a goldfish that
/// signs with SHA-256: every route that would change the session answers
/// 409, says why, and keeps the cookie; only "start over" replaces it.
#[test]
fn a_session_goldfish_cannot_read_is_never_silently_replaced() {
    let flask = vector("valid-sha1", "compressed");
    let server = serve(keyed(flask.secret, &[]));
    let theirs = session(flask.cookie);

    // Each way a lesson writes the session, with Flask's cookie.
    let writes: &[(&str, &str, Option<&str>)] = &[
        ("GET /some-route", "/some-route", None),
        ("an answer on /responses", "/responses", Some("answer=Yes")),
        (
            "Start over on /responses",
            "/responses",
            Some("action=reset"),
        ),
        ("Make it permanent", "/session", Some("action=permanent")),
        ("session.clear()", "/session", Some("action=clear")),
    ];
    for (what, path, form) in writes {
        let r = match form {
            None => get(server.addr(), path, Some(&theirs)),
            Some(body) => post_form(server.addr(), path, Some(&theirs), body),
        };
        assert_eq!(r.status, 409, "{what}: {}", r.head);
        assert_eq!(
            session_value(&r),
            None,
            "{what}: the cookie was replaced:\n{}",
            r.head
        );
        let text = r.text();
        for want in [
            "cannot read, so goldfish did not change it",
            "the signature is 20 bytes, the length of an HMAC-SHA1 tag",
            "--session-digest sha1",
            "action=start-over",
        ] {
            assert!(text.contains(want), "{what}: no {want:?} in\n{text}");
        }
    }

    // The reading pages say so too, and offer to start over.
    let page = get(server.addr(), "/session", Some(&theirs)).text();
    assert!(
        page.contains("will not write over it until you start over"),
        "{page}"
    );
    assert!(page.contains("value=\"start-over\""), "{page}");
    let list = get(server.addr(), "/responses", Some(&theirs)).text();
    assert!(list.contains("goldfish will not write over it"), "{list}");

    // Starting over deletes the cookie, and then the lessons write again.
    let r = post_form(
        server.addr(),
        "/session",
        Some(&theirs),
        "action=start-over",
    );
    assert_eq!(r.status, 200, "{}", r.head);
    let line = set_cookie_for(&r, NAME).unwrap_or_else(|| panic!("no deletion:\n{}", r.head));
    let parsed = parse_set_cookie(line);
    assert_eq!(parsed.value, "", "{line}");
    assert!(parsed.attributes.contains(&("Max-Age", "0")), "{line}");
    assert!(!fresh_cookie(server.addr()).is_empty());
}

/// The same Flask cookie, read by a goldfish started with
/// `--session-digest sha1`: a drop-in, and it writes over nothing.
#[test]
fn with_the_flask_apps_digest_goldfish_reads_and_extends_its_session() {
    let flask = vector("valid-sha1", "compressed");
    let server = serve(AppConfig {
        session_digest: goldfish::session::Digest::Sha1,
        session_lifetime: VECTOR_LIFETIME,
        ..keyed(flask.secret, &[])
    });
    let r = post_form(
        server.addr(),
        "/responses",
        Some(&session(flask.cookie)),
        "answer=gf",
    );
    assert_eq!(r.status, 303, "{}", r.head);
    let ours = session_value(&r).expect("a new session cookie");
    assert!(ours.starts_with('.'), "a long list is compressed: {ours}");
    let signer = Signer::with_digest(
        goldfish::session::Digest::Sha1,
        flask.secret.as_bytes(),
        &[],
    );
    let back = signer
        .unsign(&ours, None, SystemTime::now())
        .map(|u| to_json(&Value::Map(u.data)));
    let want = flask.json.replace("\"Maybe\"]}", "\"Maybe\",\"gf\"]}");
    assert_eq!(back, Ok(want));
}

/// An *expired* session has ended, for Flask and goldfish alike: it is
/// replaced without asking, and the page says it expired.
#[test]
fn an_expired_session_is_replaced_as_flask_replaces_it() {
    let server = serve(keyed("expiry key", &[]));
    let old =
        Signer::new(b"expiry key", &[]).sign(r#"{"fav_number":7}"#, SystemTime::now() - 32 * DAY);
    let status = session_page_status(server.addr(), &old);
    assert!(
        status.starts_with("Expired: the cookie is genuine but expired"),
        "{status}"
    );
    let r = get(server.addr(), "/some-route", Some(&session(&old)));
    assert_eq!(r.status, 200, "{}", r.head);
    let new = session_value(&r).expect("a new session");
    assert_eq!(
        verify("expiry key", &new),
        Ok(r#"{"fav_number":42}"#.to_string())
    );
}

// ---------------------------------------------------------------------------
// Compression, shown
// ---------------------------------------------------------------------------

/// `/responses` lets the list grow past the point where Flask compresses
/// it: the cookie is plain base64url for one and two answers, and from the
/// third "Yes" on it starts with `.` — where Flask's switches too
/// (`len(zlib.compress(json)) < len(json) - 1`: 30 < 32 for three).
#[test]
fn responses_cookie_switches_to_the_compressed_form_where_flasks_does() {
    let server = serve(keyed("form key", &[]));
    let mut cookie: Option<String> = None;
    for n in 1..=5 {
        let r = post_form(
            server.addr(),
            "/responses",
            cookie.as_deref().map(session).as_deref(),
            "answer=Yes",
        );
        assert_eq!(r.status, 303, "{}", r.head);
        let value = session_value(&r).expect("a session cookie");
        assert_eq!(value.starts_with('.'), n >= 3, "after {n} answers: {value}");
        let page = get(server.addr(), "/responses", Some(&session(&value))).text();
        let form = if n >= 3 {
            "<strong>compressed</strong>"
        } else {
            "<strong>plain</strong>"
        };
        assert!(
            page.contains(form),
            "after {n} answers: no {form} in\n{page}"
        );
        cookie = Some(value);
    }
}

/// `/session` takes a compressed cookie apart in steps: the dot, the
/// base64url, zlib's header bytes, the blocks, the checksum, the JSON,
/// the sizes.
#[test]
fn session_page_takes_a_compressed_cookie_apart_in_steps() {
    let flask = vector("valid", "compressed");
    let server = flask_server(flask.secret, &[]);
    let page = get(server.addr(), "/session", Some(&session(flask.cookie))).text();
    for want in [
        "Compressed? Yes: from the dot to the JSON",
        "<code>.</code> — the first character marks a compressed payload",
        "<code>78 9c</code> — the zlib header (RFC 1950 §2.2): compression method 8 (DEFLATE) \
         with a 32 KiB window",
        "0x789c = 30876 = 31 × 996",
        "1 block(s), fixed Huffman",
        "the Adler-32 checksum of what the data inflates to",
        &format!("Inflated: {} bytes of JSON", flask.json.len()),
        &escape(flask.json),
        "Its zlib bytes are not always those of Python's zlib",
    ] {
        assert!(page.contains(want), "no {want:?} in\n{page}");
    }
    // A plain one says why it is plain.
    let plain = vector("valid", "fav_number");
    let page = get(server.addr(), "/session", Some(&session(plain.cookie))).text();
    assert!(
        page.contains("plain base64url of 17 bytes of JSON. zlib would make those 25 bytes"),
        "{page}"
    );
}

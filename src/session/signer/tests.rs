//! Signing, from the attacker's side, and the real Flask vectors.

use std::time::{Duration, SystemTime};

use super::*;
use crate::http::date::from_unix_seconds;
use crate::session::json::to_json;
use crate::session::zlib::ZlibError;

const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/session-vectors.tsv"
));

/// The secret of the Flask lecture, and a cookie Flask signed with it.
const SECRET: &[u8] = b"SHHHHHHHHHHH SEEKRIT";
const COOKIE: &str = "eyJmYXZfbnVtYmVyIjo0Mn0.aSYCow.XTZe0hAixsAev5ZQ3zCpnZKv7vEyUfSa8_pUPXmS7io";
const SIGNED_AT: i64 = 1_764_098_723;

fn at(seconds: i64) -> SystemTime {
    from_unix_seconds(seconds)
}

fn flask_signer() -> Signer {
    Signer::new(SECRET, &[])
}

#[allow(
    clippy::unnecessary_wraps,
    reason = "`unsign` takes the maximum age as an Option"
)]
fn minute() -> Option<Duration> {
    Some(Duration::from_secs(60))
}

/// One row of the TSV: kind, name, secret, timestamp, json, cookie.
struct Row<'a> {
    kind: &'a str,
    name: &'a str,
    secret: &'a str,
    timestamp: &'a str,
    json: &'a str,
    cookie: &'a str,
}

fn rows() -> Vec<Row<'static>> {
    VECTORS
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(
                cols.len(),
                6,
                "a vector row has 6 tab-separated columns: {line:?}"
            );
            Row {
                kind: cols[0],
                name: cols[1],
                secret: cols[2],
                timestamp: cols[3],
                json: cols[4],
                cookie: cols[5],
            }
        })
        .collect()
}

#[test]
fn flask_vectors() {
    let (mut valid, mut sha1, mut invalid, mut fallback, mut skipped) = (0, 0, 0, 0, 0);
    for row in rows() {
        let name = row.name;
        match row.kind {
            "valid" | "valid-sha1" => {
                let digest = if row.kind == "valid" {
                    valid += 1;
                    Digest::Sha256
                } else {
                    sha1 += 1;
                    Digest::Sha1
                };
                let signer = Signer::with_digest(digest, row.secret.as_bytes(), &[]);
                let seconds: i64 = row.timestamp.parse().expect("a valid row has a timestamp");
                // Decodes to exactly the JSON Flask wrote …
                let got = signer.unsign(row.cookie, None, at(seconds));
                let got_json = got.as_ref().map(|u| to_json(&Value::Map(u.data.clone())));
                assert_eq!(
                    got_json.as_deref(),
                    Ok(row.json),
                    "{name}: unsign({:?})",
                    row.cookie
                );
                let got = got.ok();
                assert_eq!(
                    got.as_ref().map(|u| u.timestamp),
                    u64::try_from(seconds).ok(),
                    "{name}: timestamp"
                );
                assert_eq!(
                    got.as_ref().map(|u| u.key),
                    Some(KeyUsed::Current),
                    "{name}: key"
                );
                // … and re-encodes byte for byte. Except that where Flask
                // compressed, goldfish compresses too, but its deflater
                // is not zlib's: the zlib bytes may differ (then the
                // signature does too); the JSON inside may not.
                let resigned = signer.sign(row.json, at(seconds));
                if row.cookie.starts_with('.') && resigned != row.cookie {
                    assert!(
                        resigned.starts_with('.'),
                        "{name}: goldfish did not compress"
                    );
                    let back = signer.unsign(&resigned, None, at(seconds));
                    assert_eq!(
                        back.map(|u| to_json(&Value::Map(u.data))).as_deref(),
                        Ok(row.json),
                        "{name}: goldfish's own compressed cookie reads back"
                    );
                } else {
                    assert_eq!(
                        resigned, row.cookie,
                        "{name}: sign({:?}) = {resigned:?}; want {:?}",
                        row.json, row.cookie
                    );
                }
            }
            "invalid" => {
                invalid += 1;
                let signer = Signer::new(row.secret.as_bytes(), &[]);
                let got = signer.unsign(row.cookie, None, at(SIGNED_AT));
                assert!(
                    got.is_err(),
                    "{name}: unsign({:?}) = {got:?}; want an error",
                    row.cookie
                );
            }
            "fallback" => {
                fallback += 1;
                let (current, old) = row
                    .secret
                    .split_once('|')
                    .expect("fallback secret is current|old");
                let seconds: i64 = row
                    .timestamp
                    .parse()
                    .expect("a fallback row has a timestamp");
                let rotated = Signer::new(current.as_bytes(), &[old.as_bytes().to_vec()]);
                let got = rotated.unsign(row.cookie, None, at(seconds));
                assert_eq!(
                    got.as_ref().map(|u| u.key),
                    Ok(KeyUsed::Fallback(0)),
                    "{name}: {got:?}"
                );
                let got_json = got.map(|u| to_json(&Value::Map(u.data)));
                assert_eq!(got_json.as_deref(), Ok(row.json), "{name}: payload");
                let current_only = Signer::new(current.as_bytes(), &[]);
                assert!(
                    current_only.unsign(row.cookie, None, at(seconds)).is_err(),
                    "{name}: needs the fallback"
                );
                let old_signer = Signer::new(old.as_bytes(), &[]);
                assert_eq!(
                    old_signer.sign(row.json, at(seconds)),
                    row.cookie,
                    "{name}: signed with the old key"
                );
            }
            // A whole Set-Cookie header; reading those is the cookie module's
            // job (the inspector tests decode it). Skipped here.
            "set-cookie-line" => skipped += 1,
            other => panic!("unknown row kind {other:?} in {name}"),
        }
    }
    // Guard against a fixture that silently lost its rows.
    assert_eq!(
        (valid, sha1, invalid, fallback, skipped),
        (15, 3, 9, 1, 1),
        "rows per kind"
    );
}

// --- the attacker's side: each attack its own test ---

#[test]
fn changed_payload_is_refused() {
    // {"fav_number":42} → {"fav_number":43}, keeping the old signature.
    let forged_payload = base64url::encode(br#"{"fav_number":43}"#);
    let (_, rest) = COOKIE.split_once('.').unwrap_or_default();
    let forged = format!("{forged_payload}.{rest}");
    let got = flask_signer().unsign(&forged, None, at(SIGNED_AT));
    let Err(err) = got else {
        panic!("unsign({forged:?}) = {got:?}; want an error")
    };
    assert!(matches!(err, SignError::BadSignature { .. }), "{err:?}");
    assert_eq!(
        err.payload(),
        Some(&br#"{"fav_number":43}"#[..]),
        "the error keeps what was sent"
    );
}

#[test]
fn changed_timestamp_is_refused() {
    // Make a week-old cookie look fresh: the timestamp is signed too.
    let old = flask_signer().sign(r#"{"fav_number":42}"#, at(SIGNED_AT - 7 * 86_400));
    let parts: Vec<&str> = old.split('.').collect();
    let fresh_time = base64url::encode(&(SIGNED_AT as u32).to_be_bytes());
    let forged = format!("{}.{fresh_time}.{}", parts[0], parts[2]);
    let got = flask_signer().unsign(&forged, minute(), at(SIGNED_AT));
    assert!(
        matches!(got, Err(SignError::BadSignature { .. })),
        "unsign({forged:?}) = {got:?}"
    );
}

#[test]
fn truncated_signature_is_refused() {
    for cut in [1, 4, 20, 42] {
        let truncated = &COOKIE[..COOKIE.len() - cut];
        let got = flask_signer().unsign(truncated, None, at(SIGNED_AT));
        assert!(
            got.is_err(),
            "unsign({truncated:?}) = {got:?}; want an error"
        );
    }
    // Cut at a length that is still valid base64url: a short tag is a wrong tag.
    let short = &COOKIE[..COOKIE.len() - 3]; // 40 characters = 30 bytes
    let got = flask_signer().unsign(short, None, at(SIGNED_AT));
    assert!(
        matches!(
            got,
            Err(SignError::BadSignature {
                signature_len: 30,
                ..
            })
        ),
        "unsign({short:?}) = {got:?}; want BadSignature with a 30-byte tag"
    );
}

#[test]
fn missing_separator_is_refused() {
    let cases: &[(&str, &str, usize)] = &[
        ("no dots at all", "eyJmYXZfbnVtYmVyIjo0Mn0", 0),
        ("signature dropped", "eyJmYXZfbnVtYmVyIjo0Mn0.aSYCow", 1),
        ("empty cookie", "", 0),
    ];
    for (why, cookie, dots) in cases {
        let got = flask_signer().unsign(cookie, None, at(SIGNED_AT));
        let want = SignError::MissingSeparators { found: *dots };
        assert_eq!(
            got.as_ref(),
            Err(&want),
            "{why}: unsign({cookie:?}) = {got:?}; want {want:?}"
        );
    }
}

#[test]
fn wrong_key_is_refused() {
    let cookie = Signer::new(b"not the server's key", &[]).sign(r#"{"admin":true}"#, at(SIGNED_AT));
    let got = flask_signer().unsign(&cookie, None, at(SIGNED_AT));
    assert!(
        matches!(got, Err(SignError::BadSignature { .. })),
        "unsign({cookie:?}) = {got:?}"
    );
}

#[test]
fn expired_cookie_is_refused() {
    let max_age = Duration::from_secs(3600);
    let got = flask_signer().unsign(COOKIE, Some(max_age), at(SIGNED_AT + 3601));
    let Err(SignError::Expired {
        age,
        max_age: limit,
        ..
    }) = got
    else {
        panic!("unsign an hour and a second later = {got:?}; want Expired");
    };
    assert_eq!((age, limit), (3601, 3600));
    // The boundary itself is still fine (itsdangerous: age > max_age expires).
    assert!(
        flask_signer()
            .unsign(COOKIE, Some(max_age), at(SIGNED_AT + 3600))
            .is_ok()
    );
    // Without a max_age, age is not checked at all (as in itsdangerous).
    assert!(
        flask_signer()
            .unsign(COOKIE, None, at(SIGNED_AT + 10 * 365 * 86_400))
            .is_ok()
    );
}

#[test]
fn cookie_from_the_future_is_refused_like_itsdangerous() {
    // itsdangerous: `if age < 0: raise SignatureExpired(...)`, no skew allowed.
    let got = flask_signer().unsign(COOKIE, minute(), at(SIGNED_AT - 1));
    assert!(
        matches!(got, Err(SignError::FromTheFuture { ahead: 1, .. })),
        "{got:?}"
    );
    assert!(
        flask_signer()
            .unsign(COOKIE, None, at(SIGNED_AT - 1))
            .is_ok(),
        "unchecked without max_age"
    );
}

#[test]
fn old_key_is_accepted_under_rotation() {
    let old_cookie = Signer::new(b"2024 key", &[]).sign(r#"{"fav_number":42}"#, at(SIGNED_AT));
    let rotated = Signer::new(b"2026 key", &[b"2025 key".to_vec(), b"2024 key".to_vec()]);
    let got = rotated.unsign(&old_cookie, minute(), at(SIGNED_AT));
    assert_eq!(
        got.map(|u| u.key),
        Ok(KeyUsed::Fallback(1)),
        "accepted via the second fallback"
    );
}

#[test]
fn new_cookies_are_always_signed_with_the_current_key() {
    let rotated = Signer::new(b"2026 key", &[b"2025 key".to_vec()]);
    let cookie = rotated.sign("{}", at(SIGNED_AT));
    let current_only = Signer::new(b"2026 key", &[]);
    assert_eq!(
        current_only
            .unsign(&cookie, None, at(SIGNED_AT))
            .map(|u| u.key),
        Ok(KeyUsed::Current)
    );
    let old_only = Signer::new(b"2025 key", &[]);
    assert!(
        old_only.unsign(&cookie, None, at(SIGNED_AT)).is_err(),
        "the fallback never signs"
    );
}

#[test]
fn payload_that_is_json_but_not_an_object_is_refused() {
    let cases: &[(&str, &str)] = &[
        ("list", "[1,2]"),
        ("str", r#""hi""#),
        ("int", "42"),
        ("None", "null"),
    ];
    for (found, json) in cases {
        let cookie = flask_signer().sign(json, at(SIGNED_AT));
        let got = flask_signer().unsign(&cookie, None, at(SIGNED_AT));
        let want = SignError::NotAnObject {
            payload: json.as_bytes().to_vec(),
            found,
        };
        assert_eq!(
            got.as_ref(),
            Err(&want),
            "unsign(sign({json:?})) = {got:?}; want {want:?}"
        );
    }
}

#[test]
fn genuine_but_malformed_json_is_refused() {
    let cookie = flask_signer().sign(r#"{"a":1,}"#, at(SIGNED_AT));
    let got = flask_signer().unsign(&cookie, None, at(SIGNED_AT));
    assert!(
        matches!(&got, Err(e @ SignError::Json { .. }) if e.signature_was_valid()),
        "{got:?}"
    );
}

#[test]
fn signature_changed_only_in_leftover_bits_is_refused() {
    // itsdangerous accepts this one: its base64 decoder ignores the 2
    // leftover bits of the last character, so `o` → `p` changes no byte.
    let tweaked = format!("{}p", &COOKIE[..COOKIE.len() - 1]);
    let got = flask_signer().unsign(&tweaked, None, at(SIGNED_AT));
    assert!(
        matches!(
            got,
            Err(SignError::Base64 {
                part: Part::Signature,
                ..
            })
        ),
        "unsign({tweaked:?}) = {got:?}; want a base64 error"
    );
}

#[test]
fn flask_compressed_payload_is_read() {
    // What itsdangerous sent for {"responses":["Yes", …ten times]}: zlib
    // made it shorter, so it is compressed and marked with a leading dot.
    let cookie = ".eJyrVipKLS7IzytOLVayilaKBFI6ZJGxtQBrABYv.awdHuA.DcbKKMgviLOBcci5GUJvhCApLAxzDYnwKzFmriwqJJ8";
    let got = flask_signer().unsign(cookie, None, at(SIGNED_AT));
    let want = format!(r#"{{"responses":[{}]}}"#, [r#""Yes""#; 10].join(","));
    assert_eq!(got.map(|u| to_json(&Value::Map(u.data))), Ok(want));
}

#[test]
fn compressed_exactly_when_itsdangerous_would() {
    // `len(zlib.compress(json)) < len(json) - 1`: compressed only when that
    // saves at least two bytes. The lecture's session is 17 bytes and zlib
    // makes 25 of it; ten answers are 75 bytes and zlib makes 30.
    let cases: &[(&str, &str, bool)] = &[
        (
            "the lecture's session grows when compressed",
            r#"{"fav_number":42}"#,
            false,
        ),
        ("the empty session", "{}", false),
        (
            "ten answers shrink by more than half",
            r#"{"responses":["Yes","Yes","Yes","Yes","Yes","Yes","Yes","Yes","Yes","Yes"]}"#,
            true,
        ),
    ];
    for (why, json, want) in cases {
        let cookie = flask_signer().sign(json, at(SIGNED_AT));
        assert_eq!(
            cookie.starts_with('.'),
            *want,
            "{why}: sign({json:?}) = {cookie:?}"
        );
        let back = flask_signer().unsign(&cookie, None, at(SIGNED_AT));
        assert_eq!(
            back.map(|u| to_json(&Value::Map(u.data))).as_deref(),
            Ok(*json),
            "{why}: round trip"
        );
    }
}

#[test]
fn a_compressed_payload_is_inflated_only_after_the_signature_checks_out() {
    // Not zlib at all, behind a dot, with a signature that does not match:
    // refused for the signature, the payload never touched.
    let forged = format!(
        ".{}.aSYCow.{}",
        base64url::encode(b"not zlib"),
        &COOKIE[COOKIE.len() - 43..]
    );
    let got = flask_signer().unsign(&forged, None, at(SIGNED_AT));
    assert!(
        matches!(
            got,
            Err(SignError::BadSignature {
                compressed: true,
                ..
            })
        ),
        "{got:?}"
    );
    // Genuinely signed, and not zlib: refused for what it is.
    let signed = format!(".{}.aSYCow", base64url::encode(b"not zlib"));
    let tag = Key::derive(Digest::Sha256, SECRET).tag(signed.as_bytes());
    let genuine = format!("{signed}.{}", base64url::encode(&tag));
    let got = flask_signer().unsign(&genuine, None, at(SIGNED_AT));
    assert!(
        matches!(&got, Err(e @ SignError::Inflate { error: ZlibError::HeaderCheck { .. }, .. }) if e.signature_was_valid()),
        "{got:?}"
    );
}

#[test]
fn a_genuine_zip_bomb_is_refused_with_a_sentence() {
    // 200 KB of spaces in a JSON string compress to a few hundred bytes;
    // inflating stops at the 64 KiB a session may hold.
    let json = format!(r#"{{"s":"{}"}}"#, " ".repeat(200_000));
    let cookie = flask_signer().sign(&json, at(SIGNED_AT));
    assert!(cookie.len() < 600, "{} bytes", cookie.len());
    let got = flask_signer().unsign(&cookie, None, at(SIGNED_AT));
    let Err(
        e @ SignError::Inflate {
            error: ZlibError::TooLarge { limit: 65536 },
            ..
        },
    ) = &got
    else {
        panic!("unsign(a bomb) = {got:?}; want Inflate(TooLarge)");
    };
    assert!(
        e.to_string().contains("inflates to more than 65536 bytes"),
        "{e}"
    );
}

#[test]
fn keys_never_print() {
    let signer = Signer::new(SECRET, &[b"old secret".to_vec()]);
    let debug = format!("{signer:?}");
    assert_eq!(debug, "Signer { current: Key, fallbacks: [Key] }");
    assert!(!debug.contains("SHHH"));
}

#[test]
fn timestamps_are_minimal_big_endian() {
    let cases: &[(&str, i64, &str)] = &[
        ("the lecture's second: 69 26 02 a3", SIGNED_AT, "aSYCow"),
        ("the epoch is no bytes at all", 0, ""),
        ("one byte", 255, "_w"),
        ("before 1970 is written as 0", -5, ""),
    ];
    for (why, seconds, want) in cases {
        let cookie = flask_signer().sign("{}", at(*seconds));
        let got = cookie.split('.').nth(1).unwrap_or("?");
        assert_eq!(got, *want, "{why}: timestamp part of {cookie:?}");
        let back = split(&cookie).map(|p| p.timestamp);
        assert_eq!(
            back,
            Ok(u64::try_from(*seconds).unwrap_or(0)),
            "{why}: read back"
        );
    }
}

#[test]
fn timestamp_longer_than_64_bits_is_refused() {
    let cookie = format!("e30.{}.{}", base64url::encode(&[1; 9]), "A".repeat(43));
    assert_eq!(split(&cookie), Err(SignError::TimestampTooLong { len: 9 }));
}

#[test]
fn payload_may_contain_dots_only_as_an_error() {
    // rsplit: extra dots end up in the payload, which base64url refuses.
    let got = split("a.b.aSYCow.XTZe");
    assert!(
        matches!(
            got,
            Err(SignError::Base64 {
                part: Part::Payload,
                ..
            })
        ),
        "{got:?}"
    );
}

#[test]
fn key_derivation_is_hmac_of_the_salt() {
    // Python: hmac.new(b"SHHHHHHHHHHH SEEKRIT", b"cookie-session", hashlib.sha256).hexdigest()
    let want = "bba5a0a1129ac59ded122962c462b1a230be610ab9f23b15d59eb4710794a19f";
    let got: String = Key::derive(Digest::Sha256, SECRET)
        .bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(got, want);
}

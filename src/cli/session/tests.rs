//! `goldfish session …` as a learner would type it.

use super::*;
use crate::http::date::from_unix_seconds;

const SECRET: &[u8] = b"SHHHHHHHHHHH SEEKRIT";
const COOKIE: &str = "eyJmYXZfbnVtYmVyIjo0Mn0.aSYCow.XTZe0hAixsAev5ZQ3zCpnZKv7vEyUfSa8_pUPXmS7io";
/// Ten seconds after COOKIE was signed.
const NOW: i64 = 1_764_098_733;

fn run(args: &[&str], secret: Option<&[u8]>, fallbacks: &[Vec<u8>]) -> (String, i32) {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    super::run(&args, secret, fallbacks, from_unix_seconds(NOW))
}

/// The same session, signed by a stock Flask app (HMAC-SHA1), from
/// `tests/fixtures/session-vectors.tsv`.
const FLASK_SHA1_COOKIE: &str = "eyJmYXZfbnVtYmVyIjo0Mn0.aSYCow.WkfTyaU7MCwke17j3qN9lV7enrQ";

/// A Flask cookie for ten answers, which Flask compressed.
const FLASK_COMPRESSED: &str =
    ".eJyrVipKLS7IzytOLVayilaKBFI6ZJGxtQBrABYv.awdHuA.DcbKKMgviLOBcci5GUJvhCApLAxzDYnwKzFmriwqJJ8";

#[test]
fn decode_shows_every_part() {
    let (out, code) = run(&["decode", COOKIE], Some(SECRET), &[]);
    let want = "\
payload    eyJmYXZfbnVtYmVyIjo0Mn0
           {\"fav_number\":42}
timestamp  aSYCow
           1764098723 = Tue, 25 Nov 2025 19:25:23 GMT (10 seconds ago)
signature  XTZe0hAixsAev5ZQ3zCpnZKv7vEyUfSa8_pUPXmS7io
           32 bytes: HMAC-SHA256 (goldfish's default digest)
verdict    valid: signed with the current SECRET_KEY (HMAC-SHA256)
";
    assert_eq!(out, want);
    assert_eq!(code, 0);
}

/// (why, args, secret, fallbacks, exit code, text the output must contain)
type DecodeCase<'a> = (
    &'a str,
    &'a [&'a str],
    Option<&'a [u8]>,
    &'a [Vec<u8>],
    i32,
    &'a str,
);

#[test]
fn decode_cases() {
    let fallback_cookie =
        "eyJmYXZfbnVtYmVyIjo0Mn0.aSYCow.NSGMWJwJu512h5Ff_KKZu_3v8U60BPugQlUSGRQsH2E";
    let set_cookie = "session=eyJmYXZfbnVtYmVyIjo0Mn0.awc3VQ.6y1sCvkCqwlwNPurAVS4kfbed_7bW0kJS4vkmizI0n4; HttpOnly; Path=/";
    let tampered = "eyJmYXZfbnVtYmVyIjo0M30.aSYCow.XTZe0hAixsAev5ZQ3zCpnZKv7vEyUfSa8_pUPXmS7io";
    let old: &[Vec<u8>] = &[b"old".to_vec()];
    let cases: &[DecodeCase] = &[
        (
            "no key: still readable",
            &["decode", COOKIE],
            None,
            &[],
            1,
            "{\"fav_number\":42}",
        ),
        (
            "no key: says it cannot check",
            &["decode", COOKIE],
            None,
            &[],
            1,
            "can't be checked without SECRET_KEY",
        ),
        (
            "tampered payload",
            &["decode", tampered],
            Some(SECRET),
            &[],
            1,
            "{\"fav_number\":43}",
        ),
        (
            "tampered: the verdict says so",
            &["decode", tampered],
            Some(SECRET),
            &[],
            1,
            "refused: the signature does not match",
        ),
        (
            "wrong key",
            &["decode", COOKIE],
            Some(b"other"),
            &[],
            1,
            "refused: the signature does not match",
        ),
        (
            "old key",
            &["decode", fallback_cookie],
            Some(b"new"),
            old,
            0,
            "valid: signed with fallback key #1",
        ),
        (
            "expired with --max-age",
            &["decode", "--max-age", "5", COOKIE],
            Some(SECRET),
            &[],
            1,
            "expired: signed 10 s ago",
        ),
        (
            "fresh enough with --max-age",
            &["decode", "--max-age", "10", COOKIE],
            Some(SECRET),
            &[],
            0,
            "valid",
        ),
        (
            "a NAME=VALUE pair",
            &["decode", &*format!("session={COOKIE}")],
            Some(SECRET),
            &[],
            0,
            "valid",
        ),
        // The Flask app's Set-Cookie line from the vectors, signed a year after NOW.
        (
            "a whole Set-Cookie line is accepted as input",
            &["decode", set_cookie],
            Some(SECRET),
            &[],
            1,
            "365 days in the future",
        ),
        (
            "a cookie from the future is refused",
            &["decode", set_cookie],
            Some(SECRET),
            &[],
            1,
            "refused: the cookie is genuine but says it was signed",
        ),
        (
            "not a dictionary",
            &["decode", "WzFd.aSYCow.AAAA"],
            None,
            &[],
            1,
            "[1]",
        ),
        (
            "payload not JSON, shown anyway",
            &["decode", "bm9wZQ.aSYCow.AAAA"],
            None,
            &[],
            1,
            "(not valid JSON",
        ),
        // A stock Flask app's cookie: the 20-byte signature says SHA-1.
        (
            "a stock Flask cookie: the length tells the digest",
            &["decode", FLASK_SHA1_COOKIE],
            None,
            &[],
            1,
            "20 bytes: HMAC-SHA1 (Flask's default digest)",
        ),
        (
            "a stock Flask cookie is checked with SHA-1",
            &["decode", FLASK_SHA1_COOKIE],
            Some(SECRET),
            &[],
            0,
            "valid: signed with the current SECRET_KEY (HMAC-SHA1)",
        ),
        (
            "--digest sha1 says it outright",
            &["decode", "--digest", "sha1", FLASK_SHA1_COOKIE],
            Some(SECRET),
            &[],
            0,
            "20 bytes: HMAC-SHA1 (as --digest says)",
        ),
        (
            "--digest sha256 on a SHA-1 cookie: the length gives it away",
            &["decode", "--digest", "sha256", FLASK_SHA1_COOKIE],
            Some(SECRET),
            &[],
            1,
            "refused: the signature is 20 bytes, the length of an HMAC-SHA1 tag, and this \
             server checks HMAC-SHA256 (32 bytes); a stock Flask app signs with SHA-1: start \
             goldfish with --session-digest sha1 to read its cookies",
        ),
        (
            "a signature of neither length",
            &["decode", "e30.aSYCow.AAAA"],
            None,
            &[],
            1,
            "3 bytes: neither HMAC-SHA1 (20) nor HMAC-SHA256 (32)",
        ),
        // Compressed payloads, taken apart step by step.
        (
            "compressed by Flask: the dot",
            &["decode", FLASK_COMPRESSED],
            None,
            &[],
            1,
            "the leading '.' means zlib-compressed; base64url gives 30 bytes of zlib",
        ),
        (
            "compressed by Flask: the zlib header and the blocks",
            &["decode", FLASK_COMPRESSED],
            None,
            &[],
            1,
            "zlib header 78 9c: DEFLATE, 32 KiB window, default level; 1 block(s): fixed Huffman; Adler-32 ",
        ),
        (
            "compressed by Flask: the sizes",
            &["decode", FLASK_COMPRESSED],
            None,
            &[],
            1,
            "inflated: 75 bytes of JSON from 30",
        ),
        (
            "compressed by Flask: the JSON",
            &["decode", FLASK_COMPRESSED],
            None,
            &[],
            1,
            r#"{"responses":["Yes","Yes","Yes","Yes","Yes","Yes","Yes","Yes","Yes","Yes"]}"#,
        ),
        (
            "compressed, but not zlib",
            &["decode", ".eJyr.aSYCow.AAAA"],
            Some(SECRET),
            &[],
            1,
            "(does not inflate: a zlib stream has at least 2 header bytes",
        ),
        // Bad input: one line, exit code 2.
        (
            "no dots",
            &["decode", "hello"],
            Some(SECRET),
            &[],
            2,
            "error: a session cookie has three parts",
        ),
        (
            "bad base64",
            &["decode", "!!!.aSYCow.AAAA"],
            Some(SECRET),
            &[],
            2,
            "error: the payload is not valid base64url",
        ),
        (
            "bad --max-age",
            &["decode", "--max-age", "soon", COOKIE],
            Some(SECRET),
            &[],
            2,
            "--max-age needs a whole number",
        ),
        (
            "bad --digest",
            &["decode", "--digest", "md5", COOKIE],
            Some(SECRET),
            &[],
            2,
            "--digest is sha1 (a stock Flask app) or sha256 (goldfish), not \"md5\"",
        ),
        (
            "two cookies",
            &["decode", COOKIE, COOKIE],
            Some(SECRET),
            &[],
            2,
            "give exactly one COOKIE or JSON",
        ),
        (
            "unknown command",
            &["frobnicate"],
            Some(SECRET),
            &[],
            2,
            "usage:",
        ),
        ("no command", &[], Some(SECRET), &[], 2, "usage:"),
        ("help", &["--help"], None, &[], 0, "usage:"),
    ];
    for (why, args, secret, fallbacks, want_code, want_text) in cases {
        let (out, code) = run(args, *secret, fallbacks);
        assert_eq!(
            code, *want_code,
            "{why}: exit code of {args:?}; output:\n{out}"
        );
        assert!(
            out.contains(want_text),
            "{why}: output of {args:?} = {out:?}; want it to contain {want_text:?}"
        );
        if code == 2 && !want_text.starts_with("usage") && !out.contains("usage") {
            assert_eq!(
                out.lines().count(),
                1,
                "{why}: bad input gets one line: {out:?}"
            );
        }
    }
}

#[test]
fn a_fresh_set_cookie_line_decodes_as_valid() {
    // The Flask app's own Set-Cookie line, one second after it was sent.
    let set_cookie = "session=eyJmYXZfbnVtYmVyIjo0Mn0.awc3VQ.6y1sCvkCqwlwNPurAVS4kfbed_7bW0kJS4vkmizI0n4; HttpOnly; Path=/";
    let args = ["decode".to_owned(), set_cookie.to_owned()];
    let (out, code) = super::run(&args, Some(SECRET), &[], from_unix_seconds(1_795_635_030));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("(1 second ago)"), "{out}");
}

/// (why, json, secret, exit code, output)
type SignCase<'a> = (&'a str, &'a str, Option<&'a [u8]>, i32, &'a str);

#[test]
fn sign_cases() {
    let cases: &[SignCase] = &[
        (
            "the lecture's cookie",
            r#"{"fav_number":42}"#,
            Some(SECRET),
            0,
            "eyJmYXZfbnVtYmVyIjo0Mn0.aSYCrQ.r1GUmeTth17me410wZTrI-k20DqZE7bcPtPBZXG23MQ\n",
        ),
        (
            "spacing is normalized before signing",
            r#"{ "fav_number" : 42 }"#,
            Some(SECRET),
            0,
            "eyJmYXZfbnVtYmVyIjo0Mn0.aSYCrQ.r1GUmeTth17me410wZTrI-k20DqZE7bcPtPBZXG23MQ\n",
        ),
        (
            "no key",
            r#"{"a":1}"#,
            None,
            2,
            "error: signing needs a key: set SECRET_KEY in the environment\n",
        ),
        (
            "not an object",
            "[1]",
            Some(SECRET),
            2,
            "error: a session is a JSON object, e.g. {\"fav_number\":42}; found a list\n",
        ),
        (
            "bad JSON",
            "{\"a\":1,}",
            Some(SECRET),
            2,
            "error: invalid JSON at byte 7: a comma must be followed by another item; JSON allows no trailing comma, e.g. [1,2] not [1,2,] (RFC 8259 §4, §5)\n",
        ),
    ];
    for (why, json, secret, want_code, want) in cases {
        let (out, code) = run(&["sign", json], *secret, &[]);
        assert_eq!(
            (out.as_str(), code),
            (*want, *want_code),
            "{why}: sign {json:?}"
        );
    }
}

#[test]
fn sign_with_sha1_writes_what_a_stock_flask_app_writes() {
    let args = ["sign", "--digest", "sha1", r#"{"fav_number":42}"#].map(String::from);
    let (out, code) = super::run(&args, Some(SECRET), &[], from_unix_seconds(1_764_098_723));
    assert_eq!(
        (out.as_str(), code),
        (format!("{FLASK_SHA1_COOKIE}\n").as_str(), 0)
    );
    let (out, code) = run(&["sign", "--max-age", "5", "{}"], Some(SECRET), &[]);
    assert_eq!(
        (out.as_str(), code),
        ("error: --max-age is for decode; sign always signs now\n", 2)
    );
}

#[test]
fn flags_may_come_before_or_after_the_input() {
    let (a, _) = run(&["sign", "--digest", "sha256", "{}"], Some(SECRET), &[]);
    let (b, _) = run(&["sign", "{}", "--digest", "sha256"], Some(SECRET), &[]);
    let (c, _) = run(&["sign", "{}"], Some(SECRET), &[]);
    assert_eq!(
        (&a, &b),
        (&c, &c),
        "sha256 is the default, wherever the flag is"
    );
}

#[test]
fn what_sign_writes_decode_accepts() {
    let (cookie, _) = run(
        &["sign", r#"{"responses":["Yes","No"]}"#],
        Some(SECRET),
        &[],
    );
    let (out, code) = run(&["decode", cookie.trim()], Some(SECRET), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 seconds ago"), "{out}");
}

#[test]
fn ages_read_like_a_person_wrote_them() {
    let cases: &[(i128, &str)] = &[
        (0, "0 seconds ago"),
        (1, "1 second ago"),
        (119, "119 seconds ago"),
        (120, "2 minutes ago"),
        (3600, "60 minutes ago"),
        (7200, "2 hours ago"),
        (86_400, "24 hours ago"),
        (3 * 86_400, "3 days ago"),
        (-5, "5 seconds in the future"),
    ];
    for (age, want) in cases {
        let got = describe_age(*age);
        assert_eq!(&got, want, "describe_age({age}) = {got:?}; want {want:?}");
    }
}

#[test]
fn the_largest_timestamp_does_not_crash_the_calendar() {
    // Anyone can write any timestamp into a cookie; showing it must not panic.
    let eight_ff = crate::session::base64url::encode(&[0xff; 8]);
    let cookie = format!("e30.{eight_ff}.AAAA");
    let (out, code) = run(&["decode", &cookie], None, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("18446744073709551615 = "), "{out}");
}

use std::time::{Duration, UNIX_EPOCH};

use super::*;

/// Wed, 25 Nov 2026 20:25:23 GMT: the browser's clock in every test.
const NOW: i64 = 1_795_638_323;
/// 400 days in seconds, the lifetime cap (RFC 6265bis §5.5).
const CAP: i64 = 34_560_000;

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW as u64)
}

/// One line per stored cookie, so a table row shows every field:
/// `name=value domain=… [host-only] path=… [secure] [httponly]
/// samesite=… [partitioned] session|expires=+seconds|expired`.
fn summary(c: &StoredCookie) -> String {
    let mut s = format!("{}={} domain={}", c.name, c.value, c.domain);
    if c.host_only {
        s.push_str(" host-only");
    }
    s.push_str(&format!(" path={}", c.path));
    if c.secure {
        s.push_str(" secure");
    }
    if c.http_only {
        s.push_str(" httponly");
    }
    s.push_str(&format!(" samesite={}", c.same_site));
    if c.partitioned {
        s.push_str(" partitioned");
    }
    match c.expires.map(|t| unix_seconds(t) - NOW) {
        None => s.push_str(" session"),
        Some(d) if d <= 0 => s.push_str(" expired"),
        Some(d) => s.push_str(&format!(" expires=+{d}")),
    }
    s
}

#[derive(Debug)]
enum Want {
    Stored(&'static str),
    Deletes(&'static str),
    Rejected(Rejection),
}

const LOCAL: &str = "http://localhost/";
const PLAIN: &str = "http://www.example.com/";
const TLS: &str = "https://www.example.com/";

#[test]
fn set_cookie_table() {
    use Rejection as R;
    use Want::{Deletes, Rejected, Stored};
    let too_long_value = "v".repeat(4096);
    let long_path = format!("a=b; Path=/{}", "p".repeat(1024));
    let line_4097 = format!("a={too_long_value}");
    let cases: Vec<(&str, &str, &str, Want)> = vec![
        // The basics.
        (
            "a plain session cookie",
            "fav_color=blue",
            LOCAL,
            Stored("fav_color=blue domain=localhost host-only path=/ samesite=Default session"),
        ),
        (
            "the header name is optional and case-insensitive",
            "set-cookie:fav_color=blue; Path=/; HttpOnly",
            LOCAL,
            Stored(
                "fav_color=blue domain=localhost host-only path=/ httponly samesite=Default session",
            ),
        ),
        (
            "spaces around name, value and attributes are trimmed",
            "  a  =  b  ;  path = /x ;  HTTPONLY ",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/x httponly samesite=Default session"),
        ),
        (
            "a tab is whitespace too",
            "a=b;\tSecure",
            TLS,
            Stored("a=b domain=www.example.com host-only path=/ secure samesite=Default session"),
        ),
        (
            "quotes are kept as part of the value",
            "a=\"b c\"",
            LOCAL,
            Stored("a=\"b c\" domain=localhost host-only path=/ samesite=Default session"),
        ),
        (
            "an '=' inside the value",
            "t=YWJj==",
            LOCAL,
            Stored("t=YWJj== domain=localhost host-only path=/ samesite=Default session"),
        ),
        (
            "unicode is stored byte for byte",
            "name=Zoë",
            LOCAL,
            Stored("name=Zoë domain=localhost host-only path=/ samesite=Default session"),
        ),
        (
            "a trailing line break is not part of the line",
            "a=b\r\n",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default session"),
        ),
        // Nameless cookies (6265bis §5.6 step 3).
        (
            "no '=' makes a nameless cookie",
            "justavalue",
            LOCAL,
            Stored("=justavalue domain=localhost host-only path=/ samesite=Default session"),
        ),
        (
            "an empty name is a nameless cookie",
            "=v",
            LOCAL,
            Stored("=v domain=localhost host-only path=/ samesite=Default session"),
        ),
        (
            "no name and no value",
            "=",
            LOCAL,
            Rejected(R::NoNameNoValue),
        ),
        ("an empty line", "", LOCAL, Rejected(R::NoNameNoValue)),
        (
            "only attributes",
            "; Path=/",
            LOCAL,
            Rejected(R::NoNameNoValue),
        ),
        (
            "a nameless value that looks prefixed",
            "=__Secure-x",
            TLS,
            Rejected(R::NamelessWithPrefix),
        ),
        // Path (§5.6.4, default-path §5.1.4).
        (
            "no Path: the default path is the URL's directory",
            "a=b",
            "http://localhost/lessons/cookies",
            Stored("a=b domain=localhost host-only path=/lessons samesite=Default session"),
        ),
        (
            "a relative Path falls back to the default path",
            "a=b; Path=lessons",
            "http://localhost/x/y",
            Stored("a=b domain=localhost host-only path=/x samesite=Default session"),
        ),
        (
            "an empty Path falls back to the default path",
            "a=b; Path=",
            "http://localhost/x/y",
            Stored("a=b domain=localhost host-only path=/x samesite=Default session"),
        ),
        (
            "the last Path wins",
            "a=b; Path=/one; path=/two",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/two samesite=Default session"),
        ),
        (
            "a Path over 1024 bytes is ignored",
            long_path.as_str(),
            "http://localhost/x/y",
            Stored("a=b domain=localhost host-only path=/x samesite=Default session"),
        ),
        // Expiry (§5.6.1, §5.6.2, §5.5).
        (
            "Max-Age in seconds",
            "a=b; Max-Age=3600",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default expires=+3600"),
        ),
        (
            "Max-Age=0 deletes",
            "a=; Max-Age=0",
            LOCAL,
            Deletes("a= domain=localhost host-only path=/ samesite=Default expired"),
        ),
        (
            "negative Max-Age deletes",
            "a=b; Max-Age=-1",
            LOCAL,
            Deletes("a=b domain=localhost host-only path=/ samesite=Default expired"),
        ),
        (
            "Expires in the past deletes",
            "a=b; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            LOCAL,
            Deletes("a=b domain=localhost host-only path=/ samesite=Default expired"),
        ),
        (
            "Expires one day ahead",
            "a=b; Expires=Thu, 26 Nov 2026 20:25:23 GMT",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default expires=+86400"),
        ),
        (
            "a two-digit year is read by the cookie-date rules",
            "a=b; expires=Thursday, 26-Nov-26 20:25:23 GMT",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default expires=+86400"),
        ),
        (
            "Max-Age wins over Expires, whatever the order",
            "a=b; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default expires=+60"),
        ),
        (
            "Expires ten years ahead is capped at 400 days",
            "a=b; Expires=Tue, 01 Jan 2036 00:00:00 GMT",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default expires=+34560000"),
        ),
        (
            "a huge Max-Age is capped, not overflowed",
            "a=b; Max-Age=99999999999999999999999",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default expires=+34560000"),
        ),
        (
            "a malformed Max-Age is ignored",
            "a=b; Max-Age=1e3",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default session"),
        ),
        (
            "a bare '-' is not a Max-Age",
            "a=b; Max-Age=-",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default session"),
        ),
        (
            "an ignored Max-Age lets Expires count",
            "a=b; Expires=Thu, 26 Nov 2026 20:25:23 GMT; Max-Age=soon",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default expires=+86400"),
        ),
        (
            "an unreadable Expires is ignored",
            "a=b; Expires=tomorrow",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default session"),
        ),
        // Domain (§5.6.3, §5.7 steps 7–10).
        (
            "Domain widens the cookie to subdomains",
            "a=b; Domain=example.com",
            PLAIN,
            Stored("a=b domain=example.com path=/ samesite=Default session"),
        ),
        (
            "a leading dot and uppercase are normalised",
            "a=b; Domain=.Example.COM",
            PLAIN,
            Stored("a=b domain=example.com path=/ samesite=Default session"),
        ),
        (
            "Domain equal to the host",
            "a=b; Domain=www.example.com",
            PLAIN,
            Stored("a=b domain=www.example.com path=/ samesite=Default session"),
        ),
        (
            "an empty Domain means host-only, even after another",
            "a=b; Domain=example.com; Domain=",
            PLAIN,
            Stored("a=b domain=www.example.com host-only path=/ samesite=Default session"),
        ),
        (
            "another site's Domain",
            "a=b; Domain=evil.example",
            PLAIN,
            Rejected(R::DomainMismatch {
                domain: "evil.example".into(),
                host: "www.example.com".into(),
            }),
        ),
        (
            "a sibling subdomain",
            "a=b; Domain=api.example.com",
            PLAIN,
            Rejected(R::DomainMismatch {
                domain: "api.example.com".into(),
                host: "www.example.com".into(),
            }),
        ),
        (
            "a bare TLD is a public suffix",
            "a=b; Domain=com",
            PLAIN,
            Rejected(R::DomainIsPublicSuffix {
                domain: "com".into(),
                rule: "the implicit rule * (an unlisted top-level name) of goldfish's small \
                       built-in list"
                    .into(),
            }),
        ),
        (
            "review C5: a two-label public suffix (the supercookie mistake)",
            "id=1; Domain=co.uk",
            "http://example.co.uk/",
            Rejected(R::DomainIsPublicSuffix {
                domain: "co.uk".into(),
                rule: "the rule co.uk of goldfish's small built-in list".into(),
            }),
        ),
        (
            "review C5: a hosting platform's suffix (private section of the PSL)",
            "id=1; Domain=github.io",
            "https://alice.github.io/",
            Rejected(R::DomainIsPublicSuffix {
                domain: "github.io".into(),
                rule: "the rule github.io of goldfish's small built-in list".into(),
            }),
        ),
        (
            "the site itself under a public suffix is fine",
            "id=1; Domain=example.co.uk",
            "http://www.example.co.uk/",
            Stored("id=1 domain=example.co.uk path=/ samesite=Default session"),
        ),
        (
            "a public-suffix host may name itself: host-only (step 9)",
            "id=1; Domain=github.io",
            "https://github.io/",
            Stored("id=1 domain=github.io host-only path=/ samesite=Default session"),
        ),
        (
            "Chromium: a nameless cookie whose value holds '=' is refused (http-state name0017)",
            "=a=bar",
            LOCAL,
            Rejected(R::NamelessWithEquals),
        ),
        (
            "Chromium: a tab inside a value is refused",
            "a=b\tc",
            LOCAL,
            Rejected(R::ControlCharacter { found: '\t', at: 3 }),
        ),
        (
            "a tab at the edge is trimmed",
            "a=\tb\t; Path=/",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default session"),
        ),
        (
            "Chromium: the last Max-Age counts even when unreadable",
            "a=b; Max-Age=0; Max-Age=soon",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default session"),
        ),
        (
            "Chromium: Max-Age=+0 is zero",
            "a=b; Max-Age=+0",
            LOCAL,
            Deletes("a=b domain=localhost host-only path=/ samesite=Default expired"),
        ),
        (
            "Chromium: an empty last Domain makes the cookie host-only",
            "a=b; Domain=localhost.example; Domain=",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default session"),
        ),
        (
            "Domain=localhost on localhost becomes host-only",
            "a=b; Domain=localhost",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default session"),
        ),
        (
            "an IP address may name itself: host-only (Chromium)",
            "a=b; Domain=127.0.0.1",
            "http://127.0.0.1:5000/",
            Stored("a=b domain=127.0.0.1 host-only path=/ samesite=Default session"),
        ),
        (
            "an IP address has no parent domain",
            "a=b; Domain=0.0.1",
            "http://127.0.0.1/",
            Rejected(R::DomainMismatch {
                domain: "0.0.1".into(),
                host: "127.0.0.1".into(),
            }),
        ),
        (
            "a non-ASCII Domain",
            "a=b; Domain=exämple.com",
            PLAIN,
            Rejected(R::DomainNotAscii {
                domain: "exämple.com".into(),
            }),
        ),
        // Secure (§5.7 step 13).
        (
            "Secure over plain http",
            "a=b; Secure",
            PLAIN,
            Rejected(R::SecureFromInsecureOrigin { url: PLAIN.into() }),
        ),
        (
            "Secure from http://localhost is allowed",
            "a=b; Secure",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ secure samesite=Default session"),
        ),
        (
            "Secure from 127.0.0.1 is allowed",
            "a=b; Secure",
            "http://127.0.0.1:5000/",
            Stored("a=b domain=127.0.0.1 host-only path=/ secure samesite=Default session"),
        ),
        (
            "Secure=false still means Secure",
            "a=b; Secure=false",
            TLS,
            Stored("a=b domain=www.example.com host-only path=/ secure samesite=Default session"),
        ),
        // SameSite (§5.6.7, §5.7 steps 17 and 19).
        (
            "SameSite is case-insensitive",
            "a=b; samesite=strict",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Strict session"),
        ),
        (
            "an unknown SameSite is Default",
            "a=b; SameSite=Relaxed",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default session"),
        ),
        (
            "an invalid SameSite still replaces an earlier one",
            "a=b; SameSite=Lax; SameSite=oops",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default session"),
        ),
        (
            "SameSite=None without Secure",
            "a=b; SameSite=None",
            TLS,
            Rejected(R::SameSiteNoneWithoutSecure),
        ),
        (
            "SameSite=None with Secure",
            "a=b; SameSite=None; Secure",
            TLS,
            Stored("a=b domain=www.example.com host-only path=/ secure samesite=None session"),
        ),
        // Partitioned (CHIPS).
        (
            "Partitioned without Secure",
            "a=b; Partitioned",
            LOCAL,
            Rejected(R::PartitionedWithoutSecure),
        ),
        (
            "Partitioned with Secure",
            "a=b; Secure; Partitioned; SameSite=None; Path=/",
            TLS,
            Stored(
                "a=b domain=www.example.com host-only path=/ secure samesite=None partitioned session",
            ),
        ),
        // Prefixes (§5.7 steps 20 and 21), case-insensitive.
        (
            "__Secure- without Secure",
            "__Secure-id=1",
            TLS,
            Rejected(R::SecurePrefixWithoutSecure),
        ),
        (
            "__secure- in lowercase is still the prefix",
            "__secure-id=1",
            TLS,
            Rejected(R::SecurePrefixWithoutSecure),
        ),
        (
            "__Secure- with Secure",
            "__Secure-id=1; Secure; Domain=example.com",
            TLS,
            Stored("__Secure-id=1 domain=example.com path=/ secure samesite=Default session"),
        ),
        (
            "__Host- done right",
            "__Host-id=1; Secure; Path=/",
            TLS,
            Stored(
                "__Host-id=1 domain=www.example.com host-only path=/ secure samesite=Default session",
            ),
        ),
        (
            "__Host- without Secure",
            "__Host-id=1; Path=/",
            TLS,
            Rejected(R::HostPrefixWithoutSecure),
        ),
        (
            "__HOST- with a Domain",
            "__HOST-id=1; Secure; Path=/; Domain=example.com",
            TLS,
            Rejected(R::HostPrefixWithDomain {
                domain: "example.com".into(),
            }),
        ),
        (
            "__Host- needs an explicit Path=/, even at the root",
            "__Host-id=1; Secure",
            TLS,
            Rejected(R::HostPrefixWithoutRootPath),
        ),
        (
            "__Host- with another Path",
            "__Host-id=1; Secure; Path=/app",
            TLS,
            Rejected(R::HostPrefixWithoutRootPath),
        ),
        // Sizes (§5.6 steps 5 and 6).
        (
            "name + value of 4097 bytes",
            line_4097.as_str(),
            LOCAL,
            Rejected(R::NameValueTooLong { len: 4097 }),
        ),
        // Control characters (§5.6 step 1): header injection does not work.
        (
            "a control character",
            "a=b\u{1}",
            LOCAL,
            Rejected(R::ControlCharacter {
                found: '\u{1}',
                at: 3,
            }),
        ),
        (
            "CR LF in the middle",
            "a=b\r\nSet-Cookie: admin=1",
            LOCAL,
            Rejected(R::ControlCharacter { found: '\r', at: 3 }),
        ),
        (
            "DEL in an attribute",
            "a=b; Path=/\u{7f}",
            LOCAL,
            Rejected(R::ControlCharacter {
                found: '\u{7f}',
                at: 11,
            }),
        ),
        // Unknown attributes are ignored, not fatal.
        (
            "an unknown attribute",
            "a=b; Priority=High; Foo",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default session"),
        ),
        (
            "a misspelt attribute does nothing",
            "a=b; Http-Only; Max_Age=60",
            LOCAL,
            Stored("a=b domain=localhost host-only path=/ samesite=Default session"),
        ),
    ];
    for (why, line, url, want) in &cases {
        let request = RequestUrl::parse(url).expect("test URL");
        let report = check(line, &request, now());
        let got = (&report.verdict, report.cookie.as_ref().map(summary));
        let ok = match want {
            Want::Stored(fields) => {
                report.verdict == Verdict::Stored && got.1.as_deref() == Some(*fields)
            }
            Want::Deletes(fields) => {
                report.verdict == Verdict::Deletes && got.1.as_deref() == Some(*fields)
            }
            Want::Rejected(r) => {
                report.verdict == Verdict::Rejected(r.clone()) && report.cookie.is_none()
            }
        };
        assert!(
            ok,
            "{why}: check({line:?}, {url}) = {got:?}; want {want:?}\n{report}"
        );
    }
}

#[test]
fn size_limits_are_inclusive() {
    // 6265bis §5.6: over 4096 bytes for name + value, over 1024 for an
    // attribute value. Exactly at the limit is fine.
    let url = RequestUrl::parse("http://localhost/x/y").expect("url");
    let at_limit = check(&format!("a={}", "v".repeat(4095)), &url, now());
    assert_eq!(at_limit.verdict, Verdict::Stored, "{at_limit}");
    let path = format!("/{}", "p".repeat(1023));
    let report = check(&format!("a=b; Path={path}"), &url, now());
    assert_eq!(report.cookie.map(|c| c.path), Some(path));
}

#[test]
fn every_part_of_the_line_gets_a_note_in_order() {
    let url = RequestUrl::parse("http://localhost/a/b").expect("url");
    let line = "Set-Cookie: id=7; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT; \
                path=/x; Path=/y; Bogus; SameSite=Nope; Secure=yes";
    let report = check(line, &url, now());
    let got: Vec<(&str, Outcome)> = report
        .notes
        .iter()
        .map(|n| (n.attribute.as_str(), n.outcome))
        .collect();
    let want = [
        ("id=7", Outcome::Accepted),
        ("Max-Age=60", Outcome::Accepted),
        ("Expires=Thu, 01 Jan 1970 00:00:00 GMT", Outcome::Ignored),
        ("path=/x", Outcome::Ignored),
        ("Path=/y", Outcome::Accepted),
        ("Bogus", Outcome::Ignored),
        ("SameSite=Nope", Outcome::Defaulted),
        ("Secure=yes", Outcome::Accepted),
        ("(no Domain)", Outcome::Defaulted),
        ("(no HttpOnly)", Outcome::Defaulted),
    ];
    assert_eq!(got, want, "\n{report}");
    let explanations: Vec<&str> = report
        .notes
        .iter()
        .map(|n| n.explanation.as_str())
        .collect();
    assert!(
        explanations[2].contains("Max-Age takes precedence"),
        "{}",
        explanations[2]
    );
    assert!(
        explanations[3].contains("last one counts"),
        "{}",
        explanations[3]
    );
    assert!(
        explanations[7].contains("Secure=false still means Secure"),
        "{}",
        explanations[7]
    );
}

#[test]
fn the_note_blames_the_part_that_caused_the_rejection() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "a=b; Domain=evil.example; Path=/",
            PLAIN,
            "Domain=evil.example",
        ),
        ("a=b; Secure; Path=/", PLAIN, "Secure"),
        ("a=b; SameSite=None", TLS, "SameSite=None"),
        ("a=b; Partitioned", LOCAL, "Partitioned"),
        ("__Host-a=b; Secure; Path=/x", TLS, "Path=/x"),
        ("__Host-a=b; Path=/", TLS, "__Host-a=b"),
        ("=", LOCAL, "="),
    ];
    for (line, url, culprit) in cases {
        let report = check(line, &RequestUrl::parse(url).expect("url"), now());
        let blamed: Vec<&str> = report
            .notes
            .iter()
            .filter(|n| n.outcome == Outcome::CausedRejection)
            .map(|n| n.attribute.as_str())
            .collect();
        assert_eq!(blamed, [*culprit], "check({line:?}, {url})\n{report}");
    }
}

#[test]
fn capped_expiry_is_noted() {
    let report = check("a=b; Max-Age=999999999", &RequestUrl::default(), now());
    assert_eq!(report.notes[1].outcome, Outcome::Capped, "{report}");
    let expires = report.cookie.and_then(|c| c.expires).map(unix_seconds);
    assert_eq!(expires, Some(NOW + CAP));
}

#[test]
fn missing_path_is_explained_with_the_default_path() {
    let url = RequestUrl::parse("http://localhost/login/submit").expect("url");
    let report = check("sid=1", &url, now());
    let note = report
        .notes
        .iter()
        .find(|n| n.attribute == "(no Path)")
        .expect("a Path note");
    assert!(
        note.explanation.contains("\"/login\""),
        "{}",
        note.explanation
    );
    assert!(note.explanation.contains("Path=/"), "{}", note.explanation);
}

#[test]
fn report_reads_top_down() {
    let report = check(
        "Set-Cookie: fav_color=blue; Path=/; HttpOnly",
        &RequestUrl::default(),
        now(),
    );
    let text = report.to_string();
    let want_in_order = [
        "Set-Cookie: fav_color=blue; Path=/; HttpOnly",
        "received from http://localhost/ at Wed, 25 Nov 2026 20:25:23 GMT",
        "Verdict: STORED. The browser keeps this cookie and sends \"fav_color=blue\" back",
        "The cookie in the browser's jar:",
        "  name         fav_color",
        "  domain       localhost (host-only",
        "  path         /",
        "  expires      at the end of the session",
        "  http-only    yes",
        "What the browser did with each part:",
        "  1. fav_color=blue",
        "     [accepted] the cookie is named \"fav_color\" and holds \"blue\".",
        "  2. Path=/",
        "  3. HttpOnly",
        "  - (no Domain)",
    ];
    let mut from = 0;
    for want in want_in_order {
        let Some(at) = text[from..].find(want) else {
            panic!("report lacks {want:?} after byte {from}:\n{text}");
        };
        from += at + want.len();
    }
}

#[test]
fn rejected_and_deleting_reports_say_so() {
    let rejected = check(
        "a=b; Secure",
        &RequestUrl::parse(PLAIN).expect("url"),
        now(),
    )
    .to_string();
    assert!(
        rejected.contains("Verdict: REJECTED: the Secure attribute arrived over plain HTTP"),
        "{rejected}"
    );
    assert!(
        rejected.contains("nothing is stored and nothing is deleted"),
        "{rejected}"
    );
    assert!(!rejected.contains("browser's jar"), "{rejected}");

    let deletes = check("a=; Max-Age=0; Path=/", &RequestUrl::default(), now()).to_string();
    assert!(deletes.contains("Verdict: DELETES."), "{deletes}");
    assert!(deletes.contains("The cookie it deletes:"), "{deletes}");
}

#[test]
fn terminal_escapes_in_the_input_never_reach_the_output() {
    for line in ["a=\u{1b}[2J", "a=b; Path=/\u{1b}]0;pwned\u{7}", "\u{1b}"] {
        let text = check(line, &RequestUrl::default(), now()).to_string();
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
    }
}

#[test]
fn no_input_makes_the_checker_panic() {
    // A small deterministic fuzz: every split of an awkward line, at every
    // character boundary, with and without the header name.
    let nasty = "Set-Cookie: é=\"ü\"; Expires=Wed, 09 Jün 2021 10:18:14 GMT; Max-Age=-99999999999999999999; \
                 Domain=.Ä.com; Path=ü; SameSite=; __Host-; =; ;; \u{1}\t";
    let url = RequestUrl::default();
    for (i, _) in nasty.char_indices() {
        let _ = check(&nasty[..i], &url, now()).to_string();
        let _ = check(&nasty[i..], &url, now()).to_string();
    }
    for t in [
        UNIX_EPOCH,
        UNIX_EPOCH + Duration::from_secs(u64::from(u32::MAX) * 100),
    ] {
        let _ = check(
            "a=b; Max-Age=99999999999999; Expires=31 Dec 9999 23:59:59",
            &url,
            t,
        )
        .to_string();
    }
}

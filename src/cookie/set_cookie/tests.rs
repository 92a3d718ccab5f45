use std::time::Duration;

use super::*;
use crate::cookie::{RequestCookies, check, percent_decode_value, percent_encode_value};

/// Sun, 06 Nov 1994 08:49:37 GMT (the RFC 9110 example date).
fn nov_6_1994() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(784_111_777)
}

#[test]
fn writes_the_exact_header_value() {
    let cases: Vec<(&str, SetCookie, &str)> = vec![
        (
            "name and value only",
            SetCookie::new("fav_color", "blue"),
            "fav_color=blue",
        ),
        ("empty value", SetCookie::new("a", ""), "a="),
        (
            "the seed lecture's cookie",
            SetCookie::new("fav_color", "blue")
                .path("/")
                .http_only(true),
            "fav_color=blue; Path=/; HttpOnly",
        ),
        (
            "Expires as IMF-fixdate",
            SetCookie::new("a", "b").expires(nov_6_1994()),
            "a=b; Expires=Sun, 06 Nov 1994 08:49:37 GMT",
        ),
        (
            "Max-Age",
            SetCookie::new("a", "b").max_age(3600),
            "a=b; Max-Age=3600",
        ),
        (
            "Max-Age 0 deletes",
            SetCookie::new("a", "b").max_age(0),
            "a=b; Max-Age=0",
        ),
        (
            "negative Max-Age is written as 0",
            SetCookie::new("a", "b").max_age(-5),
            "a=b; Max-Age=0",
        ),
        (
            "Domain",
            SetCookie::new("a", "b").domain("example.com"),
            "a=b; Domain=example.com",
        ),
        (
            "a leading dot on Domain is dropped",
            SetCookie::new("a", "b").domain(".example.com"),
            "a=b; Domain=example.com",
        ),
        (
            "every leading dot is dropped, or the browser would keep one (fuzz)",
            SetCookie::new("a", "b").domain("..example.com"),
            "a=b; Domain=example.com",
        ),
        (
            "Secure",
            SetCookie::new("a", "b").secure(true),
            "a=b; Secure",
        ),
        (
            "secure(false) writes nothing",
            SetCookie::new("a", "b").secure(false),
            "a=b",
        ),
        (
            "SameSite=Strict",
            SetCookie::new("a", "b").same_site(SameSite::Strict),
            "a=b; SameSite=Strict",
        ),
        (
            "SameSite=None with Secure",
            SetCookie::new("a", "b")
                .same_site(SameSite::None)
                .secure(true),
            "a=b; Secure; SameSite=None",
        ),
        (
            "Partitioned",
            SetCookie::new("a", "b").secure(true).partitioned(true),
            "a=b; Secure; Partitioned",
        ),
        (
            "a quoted value is written as is",
            SetCookie::new("a", "\"blue\""),
            "a=\"blue\"",
        ),
        (
            "a __Host- cookie done right",
            SetCookie::new("__Host-id", "1").secure(true).path("/"),
            "__Host-id=1; Path=/; Secure",
        ),
    ];
    for (why, cookie, want) in cases {
        let got = cookie.to_header_value();
        assert_eq!(
            got.as_deref(),
            Ok(want),
            "{why}: {cookie:?}.to_header_value() = {got:?}; want {want:?}"
        );
    }
}

#[test]
fn attributes_come_out_in_one_fixed_order() {
    // Chained in scrambled order on purpose.
    let cookie = SetCookie::new("id", "7")
        .partitioned(true)
        .same_site(SameSite::None)
        .http_only(true)
        .secure(true)
        .path("/app")
        .domain("example.com")
        .max_age(60)
        .expires(nov_6_1994());
    assert_eq!(
        cookie.to_header_value().as_deref(),
        Ok("id=7; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Max-Age=60; \
            Domain=example.com; Path=/app; Secure; HttpOnly; SameSite=None; Partitioned")
    );
}

#[test]
fn getters_return_what_was_set() {
    let cookie = SetCookie::new("id", "7")
        .expires(nov_6_1994())
        .max_age(-1)
        .domain(".Example.com")
        .path("/x")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax)
        .partitioned(true);
    assert_eq!(cookie.name(), "id");
    assert_eq!(cookie.value(), "7");
    assert_eq!(cookie.get_expires(), Some(nov_6_1994()));
    assert_eq!(cookie.get_max_age(), Some(0), "negative is stored as 0");
    assert_eq!(
        cookie.get_domain(),
        Some("Example.com"),
        "dot dropped, case kept"
    );
    assert_eq!(cookie.get_path(), Some("/x"));
    assert!(cookie.is_secure() && cookie.is_http_only() && cookie.is_partitioned());
    assert_eq!(cookie.get_same_site(), Some(SameSite::Lax));

    let bare = SetCookie::new("a", "b");
    assert_eq!(
        (
            bare.get_expires(),
            bare.get_max_age(),
            bare.get_domain(),
            bare.get_path()
        ),
        (None, None, None, None)
    );
    assert!(!bare.is_secure() && !bare.is_http_only() && !bare.is_partitioned());
    assert_eq!(bare.get_same_site(), None);
}

#[test]
fn refusals() {
    use CookieError as E;
    let long = "v".repeat(4096);
    let cases: Vec<(&str, SetCookie, CookieError)> = vec![
        // The name (RFC 6265 §4.1.1: token).
        ("empty name", SetCookie::new("", "b"), E::NameEmpty),
        (
            "space in name",
            SetCookie::new("fav color", "b"),
            E::NameNotToken {
                name: "fav color".into(),
                found: ' ',
            },
        ),
        (
            "'=' in name",
            SetCookie::new("a=b", "c"),
            E::NameNotToken {
                name: "a=b".into(),
                found: '=',
            },
        ),
        (
            "non-ASCII name",
            SetCookie::new("café", "b"),
            E::NameNotToken {
                name: "café".into(),
                found: 'é',
            },
        ),
        // The value (cookie-octet).
        (
            "semicolon in value",
            SetCookie::new("a", "x;y"),
            E::ValueNotCookieOctet {
                value: "x;y".into(),
                found: ';',
            },
        ),
        (
            "comma in value",
            SetCookie::new("a", "x,y"),
            E::ValueNotCookieOctet {
                value: "x,y".into(),
                found: ',',
            },
        ),
        (
            "space in value",
            SetCookie::new("a", "x y"),
            E::ValueNotCookieOctet {
                value: "x y".into(),
                found: ' ',
            },
        ),
        (
            "backslash in value",
            SetCookie::new("a", "x\\y"),
            E::ValueNotCookieOctet {
                value: "x\\y".into(),
                found: '\\',
            },
        ),
        (
            "DEL in value",
            SetCookie::new("a", "x\u{7f}"),
            E::ValueNotCookieOctet {
                value: "x\u{7f}".into(),
                found: '\u{7f}',
            },
        ),
        (
            "non-ASCII value",
            SetCookie::new("a", "Zoë"),
            E::ValueNotCookieOctet {
                value: "Zoë".into(),
                found: 'ë',
            },
        ),
        (
            "a lone quote",
            SetCookie::new("a", "\""),
            E::ValueNotCookieOctet {
                value: "\"".into(),
                found: '"',
            },
        ),
        (
            "an unbalanced quote",
            SetCookie::new("a", "\"blue"),
            E::ValueNotCookieOctet {
                value: "\"blue".into(),
                found: '"',
            },
        ),
        (
            "a quote inside quotes",
            SetCookie::new("a", "\"a\"b\""),
            E::ValueNotCookieOctet {
                value: "\"a\"b\"".into(),
                found: '"',
            },
        ),
        (
            "space inside quotes",
            SetCookie::new("a", "\"x y\""),
            E::ValueNotCookieOctet {
                value: "\"x y\"".into(),
                found: ' ',
            },
        ),
        // Sizes (RFC 6265bis §5.6).
        (
            "name + value 4097 bytes",
            SetCookie::new("a", long.clone()),
            E::TooLong { len: 4097 },
        ),
        (
            "Path over 1024 bytes",
            SetCookie::new("a", "b").path(format!("/{}", "p".repeat(1024))),
            E::AttributeTooLong {
                attribute: "Path",
                len: 1025,
            },
        ),
        (
            "Domain over 1024 bytes",
            SetCookie::new("a", "b").domain("d".repeat(1025)),
            E::AttributeTooLong {
                attribute: "Domain",
                len: 1025,
            },
        ),
        // Expires.
        (
            "Expires before 1601",
            SetCookie::new("a", "b").expires(UNIX_EPOCH - Duration::from_secs(11_644_473_601)),
            E::ExpiresOutOfRange { year: 1600 },
        ),
        (
            "Expires after 9999",
            SetCookie::new("a", "b").expires(UNIX_EPOCH + Duration::from_secs(253_402_300_800)),
            E::ExpiresOutOfRange { year: 10_000 },
        ),
        // Domain.
        (
            "empty Domain",
            SetCookie::new("a", "b").domain(""),
            E::DomainEmpty,
        ),
        (
            "Domain of just a dot",
            SetCookie::new("a", "b").domain("."),
            E::DomainEmpty,
        ),
        (
            "';' in Domain",
            SetCookie::new("a", "b").domain("example.com; Secure"),
            E::DomainInvalid {
                domain: "example.com; Secure".into(),
                found: ';',
            },
        ),
        (
            "CR in Domain",
            SetCookie::new("a", "b").domain("x\r\n"),
            E::DomainInvalid {
                domain: "x\r\n".into(),
                found: '\r',
            },
        ),
        (
            "port in Domain",
            SetCookie::new("a", "b").domain("localhost:5000"),
            E::DomainInvalid {
                domain: "localhost:5000".into(),
                found: ':',
            },
        ),
        (
            "a Domain that ends in a number is an IP address, and 0.0.1 is not one (fuzz)",
            SetCookie::new("a", "b").domain("0.0.1"),
            E::DomainNotAnAddress {
                domain: "0.0.1".into(),
            },
        ),
        (
            "the same with a trailing dot (fuzz)",
            SetCookie::new("a", "b").domain("127..0."),
            E::DomainNotAnAddress {
                domain: "127..0.".into(),
            },
        ),
        // Path.
        (
            "';' in Path",
            SetCookie::new("a", "b").path("/;Domain=evil.example"),
            E::PathInvalid {
                path: "/;Domain=evil.example".into(),
                found: ';',
            },
        ),
        (
            "LF in Path",
            SetCookie::new("a", "b").path("/\nSet-Cookie: x=1"),
            E::PathInvalid {
                path: "/\nSet-Cookie: x=1".into(),
                found: '\n',
            },
        ),
        (
            "non-ASCII Path",
            SetCookie::new("a", "b").path("/café"),
            E::PathInvalid {
                path: "/café".into(),
                found: 'é',
            },
        ),
        (
            "a trailing space in Path would be trimmed by the browser (fuzz)",
            SetCookie::new("a", "b").path("/ap "),
            E::PathTrailingSpace {
                path: "/ap ".into(),
            },
        ),
        (
            "relative Path",
            SetCookie::new("a", "b").path("lessons"),
            E::PathNotAbsolute {
                path: "lessons".into(),
            },
        ),
        (
            "empty Path",
            SetCookie::new("a", "b").path(""),
            E::PathNotAbsolute {
                path: String::new(),
            },
        ),
        // Attributes that need Secure.
        (
            "SameSite=None without Secure",
            SetCookie::new("a", "b").same_site(SameSite::None),
            E::SameSiteNoneWithoutSecure,
        ),
        (
            "Partitioned without Secure",
            SetCookie::new("a", "b").partitioned(true),
            E::PartitionedWithoutSecure,
        ),
        // Prefixes (RFC 6265bis §4.1.3), case-insensitive.
        (
            "__Secure- without Secure",
            SetCookie::new("__Secure-id", "1"),
            E::SecurePrefixWithoutSecure {
                name: "__Secure-id".into(),
            },
        ),
        (
            "__SECURE- is the same prefix",
            SetCookie::new("__SECURE-id", "1"),
            E::SecurePrefixWithoutSecure {
                name: "__SECURE-id".into(),
            },
        ),
        (
            "__Host- without Secure",
            SetCookie::new("__Host-id", "1").path("/"),
            E::HostPrefixWithoutSecure {
                name: "__Host-id".into(),
            },
        ),
        (
            "__Host- with Domain",
            SetCookie::new("__Host-id", "1")
                .secure(true)
                .path("/")
                .domain("example.com"),
            E::HostPrefixWithDomain {
                name: "__Host-id".into(),
                domain: "example.com".into(),
            },
        ),
        (
            "__Host- without Path",
            SetCookie::new("__Host-id", "1").secure(true),
            E::HostPrefixPathNotRoot {
                name: "__Host-id".into(),
                path: None,
            },
        ),
        (
            "__Host- with another Path",
            SetCookie::new("__host-id", "1").secure(true).path("/app"),
            E::HostPrefixPathNotRoot {
                name: "__host-id".into(),
                path: Some("/app".into()),
            },
        ),
    ];
    for (why, cookie, want) in cases {
        let got = cookie.validate();
        assert_eq!(
            got,
            Err(want.clone()),
            "{why}: {cookie:?}.validate() = {got:?}; want {want:?}"
        );
        assert_eq!(
            cookie.to_header_value(),
            Err(want),
            "{why}: to_header_value must validate"
        );
    }
}

#[test]
fn limits_are_inclusive() {
    let at_limit = SetCookie::new("a", "v".repeat(4095));
    assert_eq!(at_limit.validate(), Ok(()), "4096 bytes is allowed");
    let path = format!("/{}", "p".repeat(1023));
    assert_eq!(SetCookie::new("a", "b").path(path).validate(), Ok(()));
    let first = UNIX_EPOCH - Duration::from_secs(11_644_473_600);
    assert_eq!(SetCookie::new("a", "b").expires(first).validate(), Ok(()));
}

#[test]
fn removal_keeps_what_identifies_the_cookie() {
    let cases: Vec<(&str, SetCookie, &str)> = vec![
        (
            "plain cookie",
            SetCookie::new("fav_color", "blue")
                .path("/")
                .http_only(true)
                .max_age(60),
            "fav_color=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/",
        ),
        (
            "Domain and Path are kept",
            SetCookie::new("a", "b").domain("example.com").path("/app"),
            "a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Domain=example.com; Path=/app",
        ),
        (
            "SameSite=None keeps Secure so the deletion is accepted",
            SetCookie::new("a", "b")
                .secure(true)
                .same_site(SameSite::None),
            "a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Secure; SameSite=None",
        ),
        (
            "a partitioned cookie lives in its own jar",
            SetCookie::new("a", "b")
                .secure(true)
                .partitioned(true)
                .path("/"),
            "a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; Secure; Partitioned",
        ),
        (
            "__Host- gets Secure and Path=/ even from a bare builder",
            SetCookie::new("__Host-id", "1"),
            "__Host-id=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; Secure",
        ),
        (
            "__Secure- gets Secure",
            SetCookie::new("__Secure-id", "1"),
            "__Secure-id=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Secure",
        ),
    ];
    for (why, cookie, want) in cases {
        let gone = cookie.removal();
        let got = gone.to_header_value();
        assert_eq!(
            got.as_deref(),
            Ok(want),
            "{why}: {cookie:?}.removal() = {got:?}; want {want:?}"
        );
    }
}

#[test]
fn delete_by_name() {
    assert_eq!(
        SetCookie::delete("fav_color").to_header_value().as_deref(),
        Ok("fav_color=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0")
    );
    assert_eq!(
        SetCookie::delete("__Host-sid").to_header_value().as_deref(),
        Ok("__Host-sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; Secure")
    );
}

#[test]
fn a_browser_reads_the_removal_as_a_deletion() {
    let line = SetCookie::new("fav_color", "blue")
        .path("/")
        .removal()
        .to_string();
    let url = crate::cookie::RequestUrl::default();
    let report = check(&line, &url, nov_6_1994());
    assert_eq!(report.verdict, crate::cookie::Verdict::Deletes, "{report}");
}

#[test]
fn display_does_not_validate() {
    // Display shows the line as built, e.g. for the cookie lab's "this is
    // what you asked for" panel; only to_header_value is safe to send.
    let bad = SetCookie::new("a", "x y");
    assert_eq!(bad.to_string(), "a=x y");
    assert!(bad.to_header_value().is_err());
}

// Attacks: each value an attacker might slip into a cookie the server sets.

const ATTACKS: [(&str, &str); 5] = [
    ("attribute injection", "a; HttpOnly"),
    ("domain widening", "x; Domain=evil.example"),
    ("header injection", "x\r\nSet-Cookie: admin=1"),
    ("response splitting", "x\r\n\r\n<html>pwned"),
    ("markup", "<script>alert(1)</script> \"q\""),
];

#[test]
fn attack_values_are_refused_by_the_builder() {
    for (why, value) in ATTACKS {
        let got = SetCookie::new("fav_color", value).to_header_value();
        assert!(
            matches!(got, Err(CookieError::ValueNotCookieOctet { .. })),
            "{why}: to_header_value({value:?}) = {got:?}; want ValueNotCookieOctet"
        );
    }
}

#[test]
fn attack_values_are_made_safe_by_percent_encoding() {
    for (why, value) in ATTACKS {
        let encoded = percent_encode_value(value);
        let line = SetCookie::new("fav_color", encoded.as_str())
            .to_header_value()
            .unwrap_or_else(|e| panic!("{why}: encoded value refused: {e}"));
        assert!(!line.contains(['\r', '\n', ';', ' ']), "{why}: {line:?}");
        // The browser sends it back; the server reads and decodes it.
        let jar = RequestCookies::parse([line.as_str()]);
        assert_eq!(
            jar.len(),
            1,
            "{why}: one cookie, no smuggled pairs: {jar:?}"
        );
        let back = jar.get("fav_color").and_then(percent_decode_value);
        assert_eq!(back.as_deref(), Some(value), "{why}");
    }
}

#[test]
fn the_script_tag_is_a_valid_value_but_still_text() {
    // '<' and '>' are cookie-octets: a cookie can hold "<script>". The
    // danger is printing it into HTML unescaped, which is the template
    // engine's job (it escapes by default), not the cookie's.
    assert_eq!(
        SetCookie::new("a", "<script>").to_header_value().as_deref(),
        Ok("a=<script>")
    );
}

#[test]
fn smuggling_through_attributes_is_refused() {
    let domain = SetCookie::new("a", "b").domain("example.com\r\nSet-Cookie: admin=1");
    assert!(matches!(
        domain.validate(),
        Err(CookieError::DomainInvalid { .. })
    ));
    let path = SetCookie::new("a", "b").path("/; Domain=evil.example");
    assert!(matches!(
        path.validate(),
        Err(CookieError::PathInvalid { .. })
    ));
}

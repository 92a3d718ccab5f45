use super::script::replay;
use super::*;

/// Sat, 28 Nov 2026 00:00:00 GMT: the clock at the start of every row.
const NOW: i64 = 1_795_824_000;

/// Runs a script (one event per `|`-separated part, `H` standing for
/// `http://home.example.org`, `S` for `https://home.example.org`, `L` for
/// `http://x.localhost`) and returns its answer lines joined by ` | `.
fn answers(browser: Browser, script: &str) -> String {
    let script = script
        .split('|')
        .map(|e| {
            e.trim()
                .replace(" H/", " http://home.example.org/")
                .replace(" S/", " https://home.example.org/")
                .replace(" L/", " http://x.localhost/")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut jar = Jar::new(browser, PublicSuffixList::builtin_list().clone());
    let replayed = replay(&script, &mut jar, NOW, 1000, false);
    replayed
        .steps
        .iter()
        .filter_map(|s| s.answer.clone())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[test]
fn jar_table() {
    use Browser::{Chromium, Firefox};
    // (the rule, where it is written, browser, script, the answers)
    let cases: &[(&str, &str, Browser, &str, &str)] = &[
        // Storing (RFC 6265bis §5.7).
        (
            "a cookie comes back",
            "§5.7 step 24, §5.8.3",
            Chromium,
            "set H/ Set-Cookie: a=b | get H/",
            "Cookie: a=b",
        ),
        (
            "nothing to send: a bare Cookie:",
            "§5.8.3 step 4",
            Chromium,
            "get H/",
            "Cookie:",
        ),
        (
            "same name, domain, path: replaced",
            "§5.7 step 23",
            Chromium,
            "set H/ Set-Cookie: a=1 | set H/ Set-Cookie: a=2 | get H/",
            "Cookie: a=2",
        ),
        (
            "another path is another cookie",
            "§5.7 step 23",
            Chromium,
            "set H/ Set-Cookie: a=1; Path=/ | set H/ Set-Cookie: a=2; Path=/x | get H/x/y",
            "Cookie: a=2; a=1",
        ),
        (
            "host-only and domain cookies are different cookies",
            "§5.7 step 23",
            Chromium,
            "set H/ Set-Cookie: a=1 | set H/ Set-Cookie: a=2; Domain=home.example.org | get H/",
            "Cookie: a=1; a=2",
        ),
        (
            "Chromium: a new value gets a new creation time",
            "§5.7 step 23 (Chromium differs)",
            Chromium,
            "set H/ Set-Cookie: a=1 | set H/ Set-Cookie: b=2 | set H/ Set-Cookie: a=3 | get H/",
            "Cookie: b=2; a=3",
        ),
        (
            "Chromium: the same value keeps the creation time",
            "§5.7 step 23",
            Chromium,
            "set H/ Set-Cookie: a=1 | set H/ Set-Cookie: b=2 | set H/ Set-Cookie: a=1; HttpOnly | get H/",
            "Cookie: a=1; b=2",
        ),
        (
            "Firefox keeps the old creation time, as the RFC says",
            "§5.7 step 23",
            Firefox,
            "set H/ Set-Cookie: a=1 | set H/ Set-Cookie: b=2 | set H/ Set-Cookie: a=3 | get H/",
            "Cookie: a=3; b=2",
        ),
        (
            "an expired cookie deletes its namesake",
            "§5.7 step 23, §5.6.2",
            Chromium,
            "set H/ Set-Cookie: a=1 | set H/ Set-Cookie: a=; Max-Age=0 | get H/",
            "Cookie:",
        ),
        (
            "deleting needs the same path",
            "§5.7 step 23",
            Chromium,
            "set H/ Set-Cookie: a=1; Path=/ | set H/x/y Set-Cookie: a=; Max-Age=0 | get H/",
            "Cookie: a=1",
        ),
        // Expiry.
        (
            "Max-Age wins over Expires",
            "§5.7 step 6",
            Chromium,
            "set H/ Set-Cookie: a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60 | get H/",
            "Cookie: a=1",
        ),
        (
            "Max-Age counts down",
            "§5.6.2",
            Chromium,
            "set H/ Set-Cookie: a=1; Max-Age=60 | wait 59 | get H/ | wait 1 | get H/",
            "Cookie: a=1 | Cookie:",
        ),
        (
            "Expires in the past: not stored",
            "§5.6.1",
            Chromium,
            "set H/ Set-Cookie: a=1; Expires=Wed, 09 Jun 2021 10:18:14 GMT | get H/",
            "Cookie:",
        ),
        (
            "lifetimes are capped at 400 days",
            "§5.5",
            Chromium,
            "set H/ Set-Cookie: a=1; Max-Age=99999999 | wait 34559999 | get H/ | wait 1 | get H/",
            "Cookie: a=1 | Cookie:",
        ),
        (
            "a session cookie outlives any wait",
            "§5.7 step 6",
            Chromium,
            "set H/ Set-Cookie: a=1 | wait 99999999 | get H/",
            "Cookie: a=1",
        ),
        // Domain.
        (
            "host-only: not to subdomains",
            "§5.7 step 10, §5.8.3",
            Chromium,
            "set H/ Set-Cookie: a=1 | get http://www.home.example.org/",
            "Cookie:",
        ),
        (
            "Domain: to subdomains too",
            "§5.1.3",
            Chromium,
            "set H/ Set-Cookie: a=1; Domain=example.org | get http://www.example.org/",
            "Cookie: a=1",
        ),
        (
            "Domain must cover the host",
            "§5.7 step 10",
            Chromium,
            "set H/ Set-Cookie: a=1; Domain=other.org | get http://other.org/",
            "Cookie:",
        ),
        (
            "no Domain for a public suffix",
            "§5.7 step 9",
            Chromium,
            "set http://example.co.uk/ Set-Cookie: a=1; Domain=co.uk | get http://example.co.uk/",
            "Cookie:",
        ),
        (
            "a public-suffix host may name itself, host-only",
            "§5.7 step 9",
            Chromium,
            "set http://github.io/ Set-Cookie: a=1; Domain=github.io | get http://github.io/ | get http://x.github.io/",
            "Cookie: a=1 | Cookie:",
        ),
        // Path.
        (
            "default path: the directory of the URL",
            "§5.1.4",
            Chromium,
            "set H/a/b Set-Cookie: a=1 | get H/a/x | get H/",
            "Cookie: a=1 | Cookie:",
        ),
        (
            "path-match needs a / boundary",
            "§5.1.4",
            Chromium,
            "set H/ Set-Cookie: a=1; Path=/docs | get H/docsearch | get H/docs/x",
            "Cookie: | Cookie: a=1",
        ),
        (
            "longer paths first, then earlier creation",
            "§5.8.3 step 2",
            Chromium,
            "set H/ Set-Cookie: z=1; Path=/ | set H/ Set-Cookie: a=2; Path=/ | set H/ Set-Cookie: m=3; Path=/x | get H/x",
            "Cookie: m=3; z=1; a=2",
        ),
        // Secure.
        (
            "Secure is refused from http",
            "§5.7 step 13",
            Chromium,
            "set H/ Set-Cookie: a=1; Secure | get S/",
            "Cookie:",
        ),
        (
            "Secure from https, sent only over https",
            "§5.8.3",
            Chromium,
            "set S/ Set-Cookie: a=1; Secure | get H/ | get S/",
            "Cookie: | Cookie: a=1",
        ),
        (
            "localhost is a secure origin over http",
            "§5.7 step 13",
            Chromium,
            "set L/ Set-Cookie: a=1; Secure | get L/",
            "Cookie: a=1",
        ),
        (
            "http may not shadow a Secure cookie",
            "§5.7 step 16",
            Chromium,
            "set S/ Set-Cookie: a=1; Secure | set H/ Set-Cookie: a=2 | get S/",
            "Cookie: a=1",
        ),
        (
            "…not even to delete it",
            "§5.7 step 16",
            Chromium,
            "set S/ Set-Cookie: a=1; Secure | set H/ Set-Cookie: a=; Max-Age=0 | get S/",
            "Cookie: a=1",
        ),
        (
            "https may replace it",
            "§5.7 step 23",
            Chromium,
            "set S/ Set-Cookie: a=1; Secure | set S/ Set-Cookie: a=2 | get S/",
            "Cookie: a=2",
        ),
        // Prefixes.
        (
            "__Host- needs Secure, Path=/, no Domain",
            "§5.7 step 21",
            Chromium,
            "set S/ Set-Cookie: __Host-a=1; Secure; Path=/ | set S/ Set-Cookie: __Host-b=1; Secure | get S/",
            "Cookie: __Host-a=1",
        ),
        (
            "__Secure- needs Secure",
            "§5.7 step 20",
            Chromium,
            "set S/ Set-Cookie: __Secure-a=1 | set S/ Set-Cookie: __secure-b=1; Secure | get S/",
            "Cookie: __secure-b=1",
        ),
        // Nameless cookies.
        (
            "a line without = is a nameless cookie",
            "§5.6 step 3",
            Chromium,
            "set H/ Set-Cookie: foo | get H/",
            "Cookie: foo",
        ),
        (
            "nameless cookies replace each other",
            "§5.7 step 23",
            Chromium,
            "set H/ Set-Cookie: six | set H/ Set-Cookie:  =eight | get H/",
            "Cookie: eight",
        ),
        (
            "Chromium: a nameless value with = is refused",
            "§5.6 step 3 (Chromium)",
            Chromium,
            "set H/ Set-Cookie: =a=bar | get H/",
            "Cookie:",
        ),
        (
            "a nameless value may not look prefixed",
            "§5.7 step 22",
            Chromium,
            "set S/ Set-Cookie: __Host-x; Secure; Path=/ | get S/",
            "Cookie:",
        ),
        // HttpOnly.
        (
            "HttpOnly: sent, but hidden from document.cookie",
            "§5.8.2",
            Chromium,
            "set H/ Set-Cookie: a=1; HttpOnly | set H/ Set-Cookie: b=2 | get H/ | js H/",
            "Cookie: a=1; b=2 | document.cookie: b=2",
        ),
        // SameSite.
        (
            "Strict: not from another site",
            "§5.8.3, §5.2",
            Chromium,
            "set H/ Set-Cookie: a=1; SameSite=Strict | get H/ cross-site",
            "Cookie:",
        ),
        (
            "Lax: a top-level GET from another site",
            "§5.8.3",
            Chromium,
            "set H/ Set-Cookie: a=1; SameSite=Lax | get H/ cross-site | get H/ cross-site subresource | get H/ cross-site POST",
            "Cookie: a=1 | Cookie: | Cookie:",
        ),
        (
            "None (with Secure): everywhere",
            "§5.8.3",
            Chromium,
            "set S/ Set-Cookie: a=1; SameSite=None; Secure | get S/ cross-site subresource POST",
            "Cookie: a=1",
        ),
        (
            "None without Secure is refused",
            "§5.7 step 19",
            Chromium,
            "set S/ Set-Cookie: a=1; SameSite=None | get S/",
            "Cookie:",
        ),
        (
            "Chromium: no SameSite is Lax",
            "§5.6.7, Chromium's Lax by default",
            Chromium,
            "set H/ Set-Cookie: a=1 | get H/ cross-site subresource | get H/ cross-site",
            "Cookie: | Cookie: a=1",
        ),
        (
            "Chromium: Lax+POST within two minutes",
            "Chromium's kLaxAllowUnsafeMaxAge",
            Chromium,
            "set H/ Set-Cookie: a=1 | wait 119 | get H/ cross-site POST | wait 1 | get H/ cross-site POST",
            "Cookie: a=1 | Cookie:",
        ),
        (
            "…not for an explicit Lax",
            "Chromium's kLaxAllowUnsafeMaxAge",
            Chromium,
            "set H/ Set-Cookie: a=1; SameSite=Lax | get H/ cross-site POST",
            "Cookie:",
        ),
        (
            "Firefox: no SameSite is None",
            "network.cookie.sameSite.laxByDefault",
            Firefox,
            "set H/ Set-Cookie: a=1 | get H/ cross-site subresource POST",
            "Cookie: a=1",
        ),
        (
            "a cross-site subresource may not set a Lax cookie",
            "§5.7 step 18",
            Chromium,
            "set H/ cross-site subresource Set-Cookie: a=1; SameSite=Lax | get H/",
            "Cookie:",
        ),
        (
            "a cross-site navigation may set a Strict cookie",
            "§5.7 step 18",
            Chromium,
            "set H/ cross-site Set-Cookie: a=1; SameSite=Strict | get H/",
            "Cookie: a=1",
        ),
        (
            "Partitioned: not to a cross-site embed",
            "CHIPS",
            Chromium,
            "set S/ Set-Cookie: a=1; Secure; Partitioned; SameSite=None | get S/ cross-site subresource | get S/",
            "Cookie: | Cookie: a=1",
        ),
        // Expiry while waiting is seen by js too.
        (
            "document.cookie sees the same clock",
            "§5.7 (evict expired)",
            Chromium,
            "set H/ Set-Cookie: a=1; Max-Age=1 | wait 1 | js H/",
            "document.cookie:",
        ),
        // Malformed events still answer once.
        (
            "a bad URL still prints one Cookie line",
            "script format",
            Chromium,
            "get ftp://x/ | js nowhere",
            "Cookie: | document.cookie:",
        ),
    ];
    for (rule, step, browser, script, want) in cases {
        let got = answers(*browser, script);
        assert_eq!(
            got, *want,
            "{rule} ({step}, {browser}): replay({script:?}) = {got:?}; want {want:?}"
        );
    }
}

#[test]
fn limits_hold_and_evict_the_oldest_non_secure_first() {
    let mut jar = Jar::default();
    let url = crate::cookie::RequestUrl::parse("http://x.localhost/").unwrap();
    for i in 0..181 {
        let line = if i % 2 == 1 {
            format!("s{i:03}=v; Secure")
        } else {
            format!("c{i:03}=v")
        };
        jar.set(&line, &url, Context::default(), NOW);
    }
    assert_eq!(jar.len(), 150, "Chromium purges a site from 181 to 150");
    let names: Vec<&str> = jar
        .cookies()
        .iter()
        .map(|c| c.cookie.name.as_str())
        .collect();
    // The 31 oldest non-Secure cookies (c000, c002, …, c060) are gone.
    assert!(
        !names.contains(&"c060") && names.contains(&"c062"),
        "{names:?}"
    );
    assert!(names.contains(&"s001"), "Secure ones stay: {names:?}");

    let mut jar = Jar::default();
    for site in 0..40 {
        let url = crate::cookie::RequestUrl::parse(&format!("http://s{site}.example/")).unwrap();
        for i in 0..90 {
            jar.set(&format!("c{i}=v"), &url, Context::default(), NOW);
        }
        assert!(jar.len() <= jar.limits().total, "{} cookies", jar.len());
    }
    // 3600 cookies in all: the 3301st sends the jar down to 3000, and the
    // 299 after it bring it to 3299.
    assert_eq!(jar.len(), 3299);
}

#[test]
fn an_attribute_past_8_kib_still_counts() {
    // Nine 1000-byte unknown attributes, then Secure: Chromium reads the
    // whole line, so the cookie is refused over plain http.
    let filler = format!("; x={}", "y".repeat(1000)).repeat(9);
    let script = format!(
        "set H/ Set-Cookie: a=1{filler}; Secure | set H/ Set-Cookie: b=2{filler}; Path=/b | get H/b"
    );
    assert_eq!(answers(Browser::Chromium, &script), "Cookie: b=2");
}

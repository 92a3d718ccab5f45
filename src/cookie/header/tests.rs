use super::*;

type Pairs<'a> = &'a [(&'a str, &'a str)];

fn pairs(jar: &RequestCookies) -> Vec<(&str, &str)> {
    jar.iter().collect()
}

#[test]
fn parse_table() {
    let cases: &[(&str, &[&str], Pairs)] = &[
        // What browsers send (RFC 6265 §4.2.1).
        ("one pair", &["fav_color=blue"], &[("fav_color", "blue")]),
        (
            "two pairs, '; ' separated",
            &["fav_color=blue; id=42"],
            &[("fav_color", "blue"), ("id", "42")],
        ),
        (
            "the seed lecture's cookies",
            &["fav_color=blue; session=eyJhIjoxfQ.Zx3.sig"],
            &[("fav_color", "blue"), ("session", "eyJhIjoxfQ.Zx3.sig")],
        ),
        (
            "names are case-sensitive, both kept",
            &["ID=1; id=2"],
            &[("ID", "1"), ("id", "2")],
        ),
        // Odd spacing: trimmed around names and values, kept inside.
        (
            "no space after ';'",
            &["a=1;b=2"],
            &[("a", "1"), ("b", "2")],
        ),
        (
            "spaces around '='",
            &["a = 1 ;  b  =  2"],
            &[("a", "1"), ("b", "2")],
        ),
        (
            "tabs are whitespace too",
            &["\ta\t=\t1\t;\tb=2"],
            &[("a", "1"), ("b", "2")],
        ),
        (
            "space inside a value is kept",
            &["greeting=hello world"],
            &[("greeting", "hello world")],
        ),
        (
            "leading and trailing whitespace of the line",
            &["   a=1   "],
            &[("a", "1")],
        ),
        (
            "newline is not WSP, so it stays in the value",
            &["a=1\n"],
            &[("a", "1\n")],
        ),
        // Quotes (RFC 6265 §4.1.1: DQUOTE *cookie-octet DQUOTE).
        (
            "quoted value is unwrapped",
            &["a=\"blue\""],
            &[("a", "blue")],
        ),
        ("quoted empty value", &["a=\"\""], &[("a", "")]),
        (
            "quotes are unwrapped after trimming",
            &["a = \"x y\" "],
            &[("a", "x y")],
        ),
        ("a lone quote is kept", &["a=\""], &[("a", "\"")]),
        (
            "an opening quote alone is kept",
            &["a=\"blue"],
            &[("a", "\"blue")],
        ),
        (
            "only one pair of quotes is removed",
            &["a=\"\"x\"\""],
            &[("a", "\"x\"")],
        ),
        (
            "quotes in the middle are kept",
            &["a=b\"c\"d"],
            &[("a", "b\"c\"d")],
        ),
        // Empty values are kept; empty names are not.
        ("empty value", &["a="], &[("a", "")]),
        (
            "empty value between others",
            &["a=1; b=; c=3"],
            &[("a", "1"), ("b", ""), ("c", "3")],
        ),
        ("empty name is skipped", &["=x; a=1"], &[("a", "1")]),
        ("whitespace-only name is skipped", &[" \t=x"], &[]),
        // Duplicates (different Path or Domain in the browser).
        (
            "duplicate names keep their order",
            &["id=new; id=old"],
            &[("id", "new"), ("id", "old")],
        ),
        // Pieces without '=' are skipped.
        ("no '=' at all", &["justavalue"], &[]),
        (
            "a bare word between pairs",
            &["a=1; Secure; b=2"],
            &[("a", "1"), ("b", "2")],
        ),
        // '=' inside a value: split at the first one only.
        ("base64 padding", &["t=YWJj=="], &[("t", "YWJj==")]),
        ("query-like value", &["q=a=b&c=d"], &[("q", "a=b&c=d")]),
        // Junk bytes are kept as-is (lenient, never an error).
        (
            "backslash and comma kept",
            &["a=x\\y,z; b=2"],
            &[("a", "x\\y,z"), ("b", "2")],
        ),
        (
            "percent escapes are not decoded",
            &["a=%41%20b"],
            &[("a", "%41%20b")],
        ),
        (
            "control byte in a value is kept",
            &["a=x\u{1}y"],
            &[("a", "x\u{1}y")],
        ),
        (
            "a comma does not separate cookies",
            &["a=1, b=2"],
            &[("a", "1, b=2")],
        ),
        (
            "odd characters in a name are kept",
            &["$Version=1; a.b[c]=2"],
            &[("$Version", "1"), ("a.b[c]", "2")],
        ),
        // Unicode: split points are ASCII, so no character is ever cut.
        ("unicode value", &["name=Zoë 🐟"], &[("name", "Zoë 🐟")]),
        ("unicode name", &["café=1"], &[("café", "1")]),
        (
            "unicode next to separators",
            &["é=ü;ß=\"ø\""],
            &[("é", "ü"), ("ß", "ø")],
        ),
        // Several header lines (HTTP/2 crumbs, RFC 9113 §8.2.3).
        (
            "two lines are joined in order",
            &["a=1; b=2", "c=3"],
            &[("a", "1"), ("b", "2"), ("c", "3")],
        ),
        (
            "duplicates across lines",
            &["id=1", "id=2"],
            &[("id", "1"), ("id", "2")],
        ),
        (
            "an empty line among others",
            &["", "a=1", ""],
            &[("a", "1")],
        ),
        // Degenerate headers.
        ("no lines at all", &[], &[]),
        ("empty header", &[""], &[]),
        ("only semicolons", &[";;;"], &[]),
        ("only whitespace", &["  \t "], &[]),
        ("a lone '='", &["="], &[]),
        (
            "semicolons and spaces around a pair",
            &["; ;a=1; ;"],
            &[("a", "1")],
        ),
    ];
    for (why, lines, want) in cases {
        let got = RequestCookies::parse(lines.iter().copied());
        assert_eq!(
            pairs(&got),
            want.to_vec(),
            "{why}: parse({lines:?}) = {got:?}; want {want:?}"
        );
    }
}

#[test]
fn get_returns_the_first_and_get_all_returns_every_value() {
    let jar = RequestCookies::parse(["id=path-specific; fav=blue; id=root"]);
    assert_eq!(jar.get("id"), Some("path-specific"));
    assert_eq!(
        jar.get_all("id").collect::<Vec<_>>(),
        ["path-specific", "root"]
    );
    assert_eq!(jar.get("Id"), None, "names are case-sensitive");
    assert_eq!(jar.get_all("nope").count(), 0);
    assert_eq!(jar.len(), 3);
    assert!(!jar.is_empty());
}

#[test]
fn empty_value_is_found_not_missing() {
    let jar = RequestCookies::parse(["cleared="]);
    assert_eq!(jar.get("cleared"), Some(""));
}

#[test]
fn empty_header_gives_an_empty_jar() {
    let jar = RequestCookies::parse([""]);
    assert!(jar.is_empty());
    assert_eq!(jar.len(), 0);
    assert_eq!(jar, RequestCookies::default());
}

#[test]
fn every_prefix_of_an_awkward_header_parses_without_panicking() {
    // The fuzzer will do this with random bytes; this pins the idea.
    let header = "a=\"é\"; =; ;b = ü=\t; \"=\"; 🐟=🐟";
    for (i, _) in header.char_indices() {
        let _ = RequestCookies::parse([&header[..i], &header[i..]]);
    }
}

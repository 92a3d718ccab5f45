use super::*;

#[test]
fn segments_are_decoded_one_by_one() {
    let cases: &[(&str, &[&str])] = &[
        ("/", &[]),
        ("", &[]),
        ("/hello", &["hello"]),
        (
            "/fav-color/light%20blue/step-zero",
            &["fav-color", "light blue", "step-zero"],
        ),
        ("/static/a%2Fb", &["static", "a/b"]),
        ("/hello/", &["hello", ""]),
        ("//x", &["", "x"]),
    ];
    for (path, want) in cases {
        assert_eq!(
            decode_segments(path).unwrap(),
            *want,
            "decode_segments({path:?})"
        );
    }
    assert!(decode_segments("/%zz").is_err());
}

#[test]
fn patterns_match_and_capture() {
    let seg = |s: &[&str]| s.iter().map(ToString::to_string).collect::<Vec<_>>();
    let cases: &[(&str, &[&str], Option<&[(&str, &str)]>)] = &[
        ("/", &[], Some(&[])),
        ("/hello", &["hello"], Some(&[])),
        ("/hello", &["hello", ""], None),
        ("/hello", &["goodbye"], None),
        (
            "/fav-color/{color}/step-zero",
            &["fav-color", "blue", "step-zero"],
            Some(&[("color", "blue")]),
        ),
        ("/fav-color/{color}/step-zero", &["fav-color", "blue"], None),
        (
            "/static/{*file}",
            &["static", "css", "site.css"],
            Some(&[("file", "css/site.css")]),
        ),
        ("/static/{*file}", &["static"], None),
        // The first segment alone decides most rows: a prefix is not a match.
        ("/hello", &["hell"], None),
        ("/hell", &["hello"], None),
        ("/hello/world", &["hello"], None),
        ("/hello", &[""], None),
        ("/", &["", ""], None),
        ("/", &["hello"], None),
        ("/{name}", &["hello"], Some(&[("name", "hello")])),
        ("/{*rest}", &["a", "b"], Some(&[("rest", "a/b")])),
    ];
    for (pattern, segments, want) in cases {
        let got = matches(pattern, &seg(segments));
        let got: Option<Vec<(&str, &str)>> = got
            .as_ref()
            .map(|v| v.iter().map(|(n, v)| (*n, v.as_str())).collect());
        assert_eq!(got.as_deref(), *want, "matches({pattern:?}, {segments:?})");
    }
}

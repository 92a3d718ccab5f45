//! JSON tables: writing as Flask writes, reading strictly.

use std::collections::BTreeMap;

use super::*;
use crate::session::json::JsonErrorKind::*;
use crate::session::value::BigInt;

/// A Python `str` from code points, lone surrogates allowed.
fn py(code_points: &[u32]) -> Value {
    let mut s = PyStr::new();
    for &cp in code_points {
        s.push_code_point(cp);
    }
    Value::Str(s)
}

fn big(digits: &str) -> Value {
    Value::BigInt(BigInt::parse(digits).expect("a big int"))
}

fn map(entries: &[(&str, Value)]) -> Value {
    Value::Map(
        entries
            .iter()
            .map(|(k, v)| (PyStr::from(*k), v.clone()))
            .collect(),
    )
}

fn list(items: &[Value]) -> Value {
    Value::List(items.to_vec())
}

#[test]
fn writes_what_python_json_dumps_writes() {
    // Each `want` is the output of
    // json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=True).
    let cases: &[(&str, Value, &str)] = &[
        // Scalars.
        ("null", Value::Null, "null"),
        ("true", Value::Bool(true), "true"),
        ("an int", Value::Int(42), "42"),
        ("i64::MIN", Value::Int(i64::MIN), "-9223372036854775808"),
        ("a float", Value::Float(1.5), "1.5"),
        (
            "NaN has no JSON spelling; Python writes NaN",
            Value::Float(f64::NAN),
            "NaN",
        ),
        (
            "nor has infinity; Python writes Infinity",
            list(&[Value::Float(f64::INFINITY), Value::Float(f64::NEG_INFINITY)]),
            "[Infinity,-Infinity]",
        ),
        (
            "an int beyond i64, digit for digit",
            big("-1000000000000000000000000000000"),
            "-1000000000000000000000000000000",
        ),
        // Strings and escapes.
        ("plain ASCII", Value::from("blue"), r#""blue""#),
        (
            "quote and backslash",
            Value::from(r#"a"b\c"#),
            r#""a\"b\\c""#,
        ),
        (
            "the short escapes",
            Value::from("\n\r\t\u{8}\u{c}"),
            r#""\n\r\t\b\f""#,
        ),
        (
            "other controls as \\u00XX, lowercase",
            Value::from("\u{0}\u{1f}"),
            r#""\u0000\u001f""#,
        ),
        (
            "DEL is escaped (not printable ASCII)",
            Value::from("\u{7f}"),
            r#""\u007f""#,
        ),
        (
            "slash is not escaped",
            Value::from("</script>"),
            r#""</script>""#,
        ),
        ("Latin-1 as \\u00XX", Value::from("Zoë"), r#""Zo\u00eb""#),
        ("BMP as \\uXXXX", Value::from("☃"), r#""\u2603""#),
        (
            "above U+FFFF as a surrogate pair",
            Value::from("🐟"),
            r#""\ud83d\udc1f""#,
        ),
        ("U+FFFF itself", Value::from("\u{ffff}"), r#""\uffff""#),
        (
            "a lone surrogate as its escape, as Python writes it",
            py(&[0x61, 0xD800]),
            r#""a\ud800""#,
        ),
        (
            "a lone low surrogate before a high one: two escapes",
            py(&[0xDC1F, 0xD83D]),
            r#""\udc1f\ud83d""#,
        ),
        // Containers: compact, keys sorted.
        ("empty object", map(&[]), "{}"),
        ("empty array", list(&[]), "[]"),
        (
            "no spaces anywhere",
            list(&[Value::Int(1), Value::from("a")]),
            r#"[1,"a"]"#,
        ),
        (
            "keys sorted",
            map(&[("b", Value::Int(1)), ("a", Value::Int(2))]),
            r#"{"a":2,"b":1}"#,
        ),
        (
            "keys sorted by code point: U+E000 < U+FFFF < U+1D11E (UTF-16 order would differ)",
            map(&[
                ("𝄞", Value::Int(3)),
                ("\u{ffff}", Value::Int(2)),
                ("\u{e000}", Value::Int(1)),
            ]),
            r#"{"\ue000":1,"\uffff":2,"\ud834\udd1e":3}"#,
        ),
        (
            "a surrogate key sorts between U+D7FF and U+E000, as in Python",
            Value::Map(
                [
                    (PyStr::from("\u{e000}"), Value::Int(2)),
                    (PyStr::from("z"), Value::Int(4)),
                    (PyStr::from("\u{d7ff}"), Value::Int(3)),
                    (
                        match py(&[0xD800]) {
                            Value::Str(s) => s,
                            _ => PyStr::new(),
                        },
                        Value::Int(1),
                    ),
                ]
                .into(),
            ),
            r#"{"z":4,"\ud7ff":3,"\ud800":1,"\ue000":2}"#,
        ),
        (
            "uppercase sorts before lowercase",
            map(&[("a", Value::Null), ("B", Value::Null), ("_", Value::Null)]),
            r#"{"B":null,"_":null,"a":null}"#,
        ),
        (
            "nested",
            map(&[(
                "cart",
                map(&[
                    ("items", list(&[Value::Int(1), Value::Int(2)])),
                    ("coupon", Value::from("TACO")),
                ]),
            )]),
            r#"{"cart":{"coupon":"TACO","items":[1,2]}}"#,
        ),
    ];
    for (why, value, want) in cases {
        let got = to_json(value);
        assert_eq!(
            &got, want,
            "{why}: to_json({value:?}) = {got:?}; want {want:?}"
        );
    }
}

#[test]
fn formats_floats_like_python_repr() {
    // `want` is Python 3.11's repr(x).
    let cases: &[(&str, f64, &str)] = &[
        ("a simple fraction", 1.5, "1.5"),
        ("a whole float keeps .0 so it stays a float", 1.0, "1.0"),
        (
            "shortest digits, not 0.1000000000000000055511151231257827",
            0.1,
            "0.1",
        ),
        ("the famous sum", 0.1 + 0.2, "0.30000000000000004"),
        ("many digits", 123456789.123, "123456789.123"),
        ("negative zero keeps its sign", -0.0, "-0.0"),
        ("zero", 0.0, "0.0"),
        ("100", 100.0, "100.0"),
        (
            "exponent 15 is still positional",
            1e15,
            "1000000000000000.0",
        ),
        (
            "the largest 16-digit positional",
            9999999999999998.0,
            "9999999999999998.0",
        ),
        ("exponent 16 switches to scientific", 1e16, "1e+16"),
        ("2^53", 9007199254740992.0, "9007199254740992.0"),
        (
            "a big one with digits",
            12345678901234567890.0,
            "1.2345678901234567e+19",
        ),
        ("exponent has at least two digits", 1e22, "1e+22"),
        ("three exponent digits", 1e100, "1e+100"),
        ("the largest float", f64::MAX, "1.7976931348623157e+308"),
        ("exponent -3 is positional", 0.001, "0.001"),
        ("exponent -4 is positional", 0.0001, "0.0001"),
        ("exponent -5 switches to scientific", 0.00001, "1e-05"),
        ("scientific with digits", 2.5e-5, "2.5e-05"),
        ("negative scientific", -1.5e-10, "-1.5e-10"),
        ("the smallest subnormal", 5e-324, "5e-324"),
        (
            "two shortest strings: Python takes the nearer (the exact value ends in .25, a tie: even)",
            f64::from_bits(0x4307_9dd7_40c0_3732), // 830934036776678.25 exactly
            "830934036776678.2",
        ),
    ];
    for (why, x, want) in cases {
        let got = python_float_repr(*x);
        assert_eq!(
            &got, want,
            "{why}: python_float_repr({x:?}) = {got:?}; want {want:?}"
        );
        let back = from_json(&got);
        assert_eq!(
            back,
            Ok(Value::Float(*x)),
            "{why}: from_json({got:?}) reads back"
        );
    }
}

#[test]
fn reads_valid_json() {
    let cases: &[(&str, &str, Value)] = &[
        (
            "an object",
            r#"{"fav_number":42}"#,
            map(&[("fav_number", Value::Int(42))]),
        ),
        (
            "whitespace is allowed between tokens (RFC 8259 §2)",
            " { \"a\" :\t[ 1 , 2 ]\r\n} ",
            map(&[("a", list(&[Value::Int(1), Value::Int(2)]))]),
        ),
        (
            "a bare scalar is a JSON text too",
            "true",
            Value::Bool(true),
        ),
        ("null", "null", Value::Null),
        ("empty containers", r"[[],{}]", list(&[list(&[]), map(&[])])),
        // Numbers.
        ("zero", "0", Value::Int(0)),
        (
            "minus zero is the integer 0 (as in Python)",
            "-0",
            Value::Int(0),
        ),
        ("i64::MAX", "9223372036854775807", Value::Int(i64::MAX)),
        ("i64::MIN", "-9223372036854775808", Value::Int(i64::MIN)),
        (
            "2^53 + 1 stays exact (a float could not hold it)",
            "9007199254740993",
            Value::Int(9007199254740993),
        ),
        ("a fraction makes a float", "1.5", Value::Float(1.5)),
        ("an exponent makes a float", "1e2", Value::Float(100.0)),
        ("capital E", "1E2", Value::Float(100.0)),
        ("exponent with +", "1e+2", Value::Float(100.0)),
        ("exponent with -", "25e-1", Value::Float(2.5)),
        ("-0.0 keeps its sign", "-0.0", Value::Float(-0.0)),
        (
            "a tiny number underflows to 0.0, as in Python",
            "1e-400",
            Value::Float(0.0),
        ),
        (
            "a huge one overflows to infinity, as in Python",
            "[1e400,-1.5e309]",
            list(&[Value::Float(f64::INFINITY), Value::Float(f64::NEG_INFINITY)]),
        ),
        (
            "Python's Infinity",
            "[Infinity,-Infinity]",
            list(&[Value::Float(f64::INFINITY), Value::Float(f64::NEG_INFINITY)]),
        ),
        // Integers beyond i64: Python's int has no limit.
        (
            "i64::MAX + 1",
            "9223372036854775808",
            big("9223372036854775808"),
        ),
        (
            "i64::MIN - 1",
            "[-9223372036854775809]",
            list(&[big("-9223372036854775809")]),
        ),
        (
            "10**30",
            "1000000000000000000000000000000",
            big("1000000000000000000000000000000"),
        ),
        (
            "4300 digits, the most Python reads",
            &*LONGEST_INT,
            big(&LONGEST_INT),
        ),
        // Strings.
        (
            "all the short escapes",
            r#""\"\\\/\b\f\n\r\t""#,
            Value::from("\"\\/\u{8}\u{c}\n\r\t"),
        ),
        (
            "\\u escape, either case",
            r#""\u00e9\u00C9""#,
            Value::from("éÉ"),
        ),
        (
            "\\u0000 is a character like any other",
            r#""a\u0000b""#,
            Value::from("a\u{0}b"),
        ),
        (
            "a surrogate pair is one character",
            r#""\ud83d\udc1f""#,
            Value::from("🐟"),
        ),
        (
            "raw UTF-8 is fine (RFC 8259 §8.1)",
            "\"Zoë 🐟\"",
            Value::from("Zoë 🐟"),
        ),
        // Lone surrogates: Python strings, kept (RFC 8259 §8.2 allows them).
        ("a lone high surrogate", r#""\ud83d""#, py(&[0xD83D])),
        ("a lone low surrogate", r#""\udc1f""#, py(&[0xDC1F])),
        (
            "high surrogate then a normal escape",
            r#""\ud83d\u0041""#,
            py(&[0xD83D, 0x41]),
        ),
        (
            "two high surrogates",
            r#""\ud83d\ud83d""#,
            py(&[0xD83D, 0xD83D]),
        ),
        (
            "low then high: wrong order, two lone halves",
            r#""\udc1f\ud83d""#,
            py(&[0xDC1F, 0xD83D]),
        ),
        (
            "high surrogate then plain text",
            r#""\ud83dx""#,
            py(&[0xD83D, 0x78]),
        ),
        (
            "a lone high, then a pair: Python pairs the last two",
            r#""\ud83d\ud83d\udc1f""#,
            py(&[0xD83D, 0x1F41F]),
        ),
        (
            "raw DEL is fine (only U+0000..U+001F must be escaped)",
            "\"\u{7f}\"",
            Value::from("\u{7f}"),
        ),
        (
            "duplicate keys in *different* objects",
            r#"[{"a":1},{"a":2}]"#,
            list(&[map(&[("a", Value::Int(1))]), map(&[("a", Value::Int(2))])]),
        ),
    ];
    for (why, input, want) in cases {
        let got = from_json(input);
        assert_eq!(
            got.as_ref(),
            Ok(want),
            "{why}: from_json({input:?}) = {got:?}; want {want:?}"
        );
    }
}

#[test]
fn refuses_malformed_json() {
    let e = |offset: usize, kind: JsonErrorKind| JsonError { offset, kind };
    let cases: Vec<(&str, &str, JsonError)> = vec![
        // Truncated.
        (
            "empty input",
            "",
            e(
                0,
                UnexpectedEnd {
                    expected: "a value",
                },
            ),
        ),
        (
            "only whitespace",
            "  ",
            e(
                2,
                UnexpectedEnd {
                    expected: "a value",
                },
            ),
        ),
        (
            "unclosed object",
            r#"{"a":1"#,
            e(
                6,
                UnexpectedEnd {
                    expected: "',' or '}'",
                },
            ),
        ),
        (
            "unclosed array",
            "[1",
            e(
                2,
                UnexpectedEnd {
                    expected: "',' or ']'",
                },
            ),
        ),
        (
            "unclosed string",
            r#""abc"#,
            e(
                4,
                UnexpectedEnd {
                    expected: "'\"' to close the string",
                },
            ),
        ),
        (
            "a key with no value",
            r#"{"a":"#,
            e(
                5,
                UnexpectedEnd {
                    expected: "a value",
                },
            ),
        ),
        (
            "a key with no colon",
            r#"{"a""#,
            e(
                4,
                UnexpectedEnd {
                    expected: "':' after the key",
                },
            ),
        ),
        (
            "a cut-off literal",
            "tru",
            e(3, UnexpectedEnd { expected: "true" }),
        ),
        // Commas and structure.
        ("trailing comma in an array", "[1,2,]", e(5, TrailingComma)),
        (
            "trailing comma in an object",
            r#"{"a":1,}"#,
            e(7, TrailingComma),
        ),
        (
            "a comma with nothing before it",
            "[,1]",
            e(
                1,
                Unexpected {
                    found: ',',
                    expected: "a value",
                },
            ),
        ),
        (
            "missing comma",
            "[1 2]",
            e(
                3,
                Unexpected {
                    found: '2',
                    expected: "',' or ']'",
                },
            ),
        ),
        (
            "an unquoted key",
            "{a:1}",
            e(
                1,
                Unexpected {
                    found: 'a',
                    expected: "a string key or '}'",
                },
            ),
        ),
        (
            "a single-quoted string",
            "['a']",
            e(
                1,
                Unexpected {
                    found: '\'',
                    expected: "a value",
                },
            ),
        ),
        (
            "a number key",
            "{1:1}",
            e(
                1,
                Unexpected {
                    found: '1',
                    expected: "a string key or '}'",
                },
            ),
        ),
        (
            "= instead of :",
            r#"{"a"=1}"#,
            e(
                4,
                Unexpected {
                    found: '=',
                    expected: "':' after the key",
                },
            ),
        ),
        (
            "mismatched brackets",
            "[1}",
            e(
                2,
                Unexpected {
                    found: '}',
                    expected: "',' or ']'",
                },
            ),
        ),
        (
            "duplicate key",
            r#"{"a":1,"a":2}"#,
            e(7, DuplicateKey { key: "a".into() }),
        ),
        (
            "capitalized literal",
            "True",
            e(
                0,
                Unexpected {
                    found: 'T',
                    expected: "a value",
                },
            ),
        ),
        (
            "misspelled literal",
            "nul1",
            e(
                3,
                Unexpected {
                    found: '1',
                    expected: "null",
                },
            ),
        ),
        // Trailing garbage.
        ("two values", "1 2", e(2, TrailingCharacters { found: '2' })),
        (
            "garbage after an object",
            r#"{"a":1}x"#,
            e(7, TrailingCharacters { found: 'x' }),
        ),
        (
            "a second object",
            "{}{}",
            e(2, TrailingCharacters { found: '{' }),
        ),
        (
            "a byte order mark is not whitespace",
            "\u{feff}{}",
            e(
                0,
                Unexpected {
                    found: '\u{feff}',
                    expected: "a value",
                },
            ),
        ),
        (
            "NUL after the value",
            "{}\0",
            e(2, TrailingCharacters { found: '\0' }),
        ),
        // Numbers.
        ("leading zero", "01", e(1, LeadingZero)),
        ("negative leading zero", "-012", e(2, LeadingZero)),
        (
            "a plus sign",
            "+1",
            e(
                0,
                Unexpected {
                    found: '+',
                    expected: "a value",
                },
            ),
        ),
        (
            "a bare minus",
            "-",
            e(
                1,
                UnexpectedEnd {
                    expected: "a digit",
                },
            ),
        ),
        (
            "minus then letter",
            "-a",
            e(
                1,
                Unexpected {
                    found: 'a',
                    expected: "a digit",
                },
            ),
        ),
        (
            "no digit before the point",
            ".5",
            e(
                0,
                Unexpected {
                    found: '.',
                    expected: "a value",
                },
            ),
        ),
        (
            "no digit after the point",
            "1.",
            e(
                2,
                UnexpectedEnd {
                    expected: "a digit after the decimal point",
                },
            ),
        ),
        (
            "no digit after the point, then e",
            "1.e5",
            e(
                2,
                Unexpected {
                    found: 'e',
                    expected: "a digit after the decimal point",
                },
            ),
        ),
        (
            "no exponent digits",
            "1e",
            e(
                2,
                UnexpectedEnd {
                    expected: "a digit in the exponent",
                },
            ),
        ),
        (
            "exponent sign but no digits",
            "[1e+]",
            e(
                4,
                Unexpected {
                    found: ']',
                    expected: "a digit in the exponent",
                },
            ),
        ),
        (
            "hex is not JSON",
            "0x10",
            e(1, TrailingCharacters { found: 'x' }),
        ),
        (
            "NaN in lowercase is not Python's word",
            "nan",
            e(
                1,
                Unexpected {
                    found: 'a',
                    expected: "null",
                },
            ),
        ),
        (
            "Infinity must be spelled out",
            "[Inf]",
            e(
                4,
                Unexpected {
                    found: ']',
                    expected: "Infinity",
                },
            ),
        ),
        (
            "-NaN is not Python's either",
            "-NaN",
            e(
                1,
                Unexpected {
                    found: 'N',
                    expected: "a digit",
                },
            ),
        ),
        (
            "more digits than Python reads (4301), quoted shortened",
            &*TOO_LONG_INT,
            e(
                0,
                IntegerTooLong {
                    digits: format!("{}…", "1".repeat(40)),
                    count: 4301,
                },
            ),
        ),
        // Strings: control characters and escapes.
        (
            "raw newline in a string",
            "\"a\nb\"",
            e(2, ControlCharacter { byte: b'\n' }),
        ),
        (
            "raw tab in a string",
            "\"\t\"",
            e(1, ControlCharacter { byte: b'\t' }),
        ),
        (
            "raw NUL in a string",
            "\"\0\"",
            e(1, ControlCharacter { byte: 0 }),
        ),
        (
            "unknown escape",
            r#""\x41""#,
            e(2, BadEscape { found: 'x' }),
        ),
        (
            "escaped single quote is not JSON",
            r#""\'""#,
            e(2, BadEscape { found: '\'' }),
        ),
        (
            "a backslash at the very end",
            "\"\\",
            e(
                2,
                UnexpectedEnd {
                    expected: "an escape after '\\'",
                },
            ),
        ),
        ("\\u with non-hex", r#""\u12G4""#, e(1, BadUnicodeEscape)),
        (
            "\\u with three digits",
            r#""\u123""#,
            e(1, BadUnicodeEscape),
        ),
        (
            "\\u cut off",
            r#""\u12"#,
            e(
                5,
                UnexpectedEnd {
                    expected: "four hex digits after \\u",
                },
            ),
        ),
    ];
    for (why, input, want) in &cases {
        let got = from_json(input);
        assert_eq!(
            got.as_ref(),
            Err(want),
            "{why}: from_json({input:?}) = {got:?}; want {want:?}"
        );
        // And the message says where.
        if let Err(err) = got {
            assert!(
                err.to_string()
                    .contains(&format!("at byte {}", want.offset)),
                "{why}: {err}"
            );
        }
    }
}

static LONGEST_INT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| "1".repeat(4300));
static TOO_LONG_INT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| "1".repeat(4301));

#[test]
fn nesting_is_limited_without_recursion() {
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert!(
        from_json(&nested(MAX_DEPTH)).is_ok(),
        "MAX_DEPTH levels are fine"
    );
    let too_deep = JsonError {
        offset: MAX_DEPTH,
        kind: TooDeep { limit: MAX_DEPTH },
    };
    assert_eq!(
        from_json(&nested(MAX_DEPTH + 1)),
        Err(too_deep.clone()),
        "one more is not"
    );
    // As deep as the size limit allows: refused at the limit, no stack overflow.
    let hostile = "[".repeat(MAX_JSON_BYTES);
    assert_eq!(
        from_json(&hostile),
        Err(too_deep),
        "{MAX_JSON_BYTES} brackets"
    );
    let objects = "{\"a\":".repeat(MAX_JSON_BYTES / 5);
    let got = from_json(&objects).map_err(|e| e.kind);
    assert_eq!(got, Err(TooDeep { limit: MAX_DEPTH }), "nested objects");
}

#[test]
fn size_is_limited() {
    let big = format!("\"{}\"", "a".repeat(MAX_JSON_BYTES));
    let got = from_json(&big);
    let want = JsonError {
        offset: MAX_JSON_BYTES,
        kind: TooLarge {
            len: MAX_JSON_BYTES + 2,
            limit: MAX_JSON_BYTES,
        },
    };
    assert_eq!(got, Err(want));
    let just_fits = format!("\"{}\"", "a".repeat(MAX_JSON_BYTES - 2));
    assert!(
        from_json(&just_fits).is_ok(),
        "exactly MAX_JSON_BYTES is fine"
    );
}

#[test]
fn every_truncation_says_the_text_ended() {
    // Cut a document at every character boundary: each prefix that is not
    // itself a whole value must be refused with "ends too early" at its end.
    let doc = r#"{"a":[1,"x\u00e9\ud83d\udc1f",true,false,null,{"b":-1.5e3}],"c":"Zoë"}"#;
    for (cut, _) in doc.char_indices().skip(1) {
        let prefix = &doc[..cut];
        let got = from_json(prefix);
        match &got {
            Err(JsonError {
                offset,
                kind: UnexpectedEnd { .. },
            }) if *offset == cut => {}
            _ => panic!("from_json({prefix:?}) = {got:?}; want UnexpectedEnd at {cut}"),
        }
    }
    assert!(from_json(doc).is_ok(), "the whole document parses");
}

#[test]
fn round_trips_through_text() {
    // Canonical texts (as Flask writes them) read and write back unchanged.
    let texts = [
        "{}",
        r#"{"fav_number":42}"#,
        r#"{"responses":["Yes","No","Maybe"]}"#,
        r#"{"count":-7,"fav_color":"blue","n":1.5,"nothing":null,"ok":true}"#,
        r#"{"name":"Zo\u00eb \u2603 \ud83d\udc1f"}"#,
        r#"{"s":"quote\" backslash\\ tab\t newline\n <tag>"}"#,
        r#"{"big":9007199254740993,"neg":-9223372036854775808}"#,
        r"[1e+16,1e-05,0.1,-0.0,123456789.123,1.0]",
        r#"{"big":1000000000000000000000000000000,"neg":-9223372036854775809}"#,
        r#"{"lone":"\ud800","pair_after_lone":"\ud83d\ud83d\udc1f","\udc00k":1}"#,
        r#"{"x":NaN,"y":[Infinity,-Infinity]}"#,
    ];
    for text in texts {
        let got = from_json(text).map(|v| to_json(&v));
        assert_eq!(got.as_deref(), Ok(text), "to_json(from_json({text:?}))");
    }
}

#[test]
fn survives_pseudo_random_input() {
    // A poor man's fuzzer (the real one lives outside the crate): glue
    // JSON-ish fragments together at random. Nothing may panic, and
    // whatever is accepted must write out and read back to the same value.
    const PIECES: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "\"a\"",
        "\\",
        "\\u",
        "d83d",
        "\\udc1f",
        "0",
        "1",
        "-",
        ".",
        "e",
        "+",
        "9223372036854775808",
        "true",
        "nul",
        "null",
        " ",
        "\n",
        "\u{0}",
        "é",
        "🐟",
        "NaN",
        "1e400",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        // xorshift64: deterministic, so a failure reproduces.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut accepted = 0;
    for _ in 0..20_000 {
        let len = (next() % 12) as usize;
        let text: String = (0..len)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        if let Ok(value) = from_json(&text) {
            accepted += 1;
            // Compared as text: NaN, which Python's JSON allows, is not
            // equal to itself.
            let written = to_json(&value);
            assert_eq!(
                from_json(&written).map(|v| to_json(&v)),
                Ok(written.clone()),
                "from_json({text:?}) did not round-trip via {written:?}"
            );
        }
    }
    assert!(
        accepted > 100,
        "the generator should hit some valid JSON ({accepted})"
    );
}

#[test]
fn keys_sort_the_same_as_python() {
    // BTreeMap<PyStr> orders by (W)UTF-8 bytes, which is code point
    // order, which is how Python sorts str keys.
    let keys = ["a", "B", "é", "\u{e000}", "𝄞", "\u{ffff}", "_", "10", "9"];
    let value = Value::Map(
        keys.iter()
            .map(|k| (PyStr::from(*k), Value::Null))
            .collect::<BTreeMap<_, _>>(),
    );
    let mut by_code_point: Vec<&str> = keys.to_vec();
    by_code_point.sort_by_key(|k| k.chars().map(u32::from).collect::<Vec<_>>());
    let got: Vec<&str> = value
        .as_map()
        .map(|m| m.keys().filter_map(PyStr::as_str).collect())
        .unwrap_or_default();
    assert_eq!(got, by_code_point);
}

//! Seed inputs for each surface: the rows of goldfish's own unit-test tables.
//!
//! The tables beside the code (STYLE.md §5) are rows like
//!
//! ```text
//! ("space before colon", b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", d, Expect::Err(400)),
//! ```
//!
//! so a row is a parenthesis that opens with a string literal (the reason)
//! and a comma. This file reads the table files as text, finds those rows,
//! and takes the string literals of the chosen columns, decoded the way
//! rustc decodes them. New rows in a table become new seeds by themselves.
//!
//! `cargo test --test fuzz_smoke -- --ignored write_seed_corpus` writes the
//! same seeds to `fuzz/corpus/<target>/seed-*` for libFuzzer.

use std::collections::BTreeSet;

use goldfish::cookie::parse_cookie_date;
use goldfish::http::date::unix_seconds;

/// One table file and the columns (0 = the reason) whose literals are inputs.
struct Table {
    source: &'static str,
    columns: &'static [usize],
}

macro_rules! table {
    ($path:literal, $columns:expr) => {
        Table {
            source: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $path)),
            columns: $columns,
        }
    };
}

const SESSION_VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/session-vectors.tsv"
));

const JAR_CASES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/chromium-jar-cases.txt"
));

/// The seed inputs of one surface (a function name in `checks`).
pub fn seeds(surface: &str) -> Vec<Vec<u8>> {
    let mut out = BTreeSet::new();
    let tables: &[Table] = match surface {
        "request_parser" => &[table!("src/http/parse/tests.rs", &[1])],
        "chunked_decoder" => &[table!("src/http/body.rs", &[1])],
        "cookie_header" => &[table!("src/cookie/header/tests.rs", &[1])],
        "set_cookie_check" => &[table!("src/cookie/check/tests.rs", &[1])],
        "set_cookie_builder" => {
            // The builder takes structured input; its seeds are the lines
            // the builder tests expect and the lines the checker tests read,
            // taken apart into fields.
            let lines = [
                table!("src/cookie/set_cookie/tests.rs", &[2]),
                table!("src/cookie/check/tests.rs", &[1]),
            ];
            for line in lines.iter().flat_map(literals) {
                if let Some(input) = builder_input(&String::from_utf8_lossy(&line)) {
                    out.insert(input);
                }
            }
            &[]
        }
        "json_decode" => {
            out.extend(tsv_column(4));
            &[table!("src/session/json/tests.rs", &[1, 2])]
        }
        "base64url" => &[table!("src/session/base64url.rs", &[1, 2])],
        "session_cookie" => {
            out.extend(tsv_column(4));
            out.extend(tsv_column(5));
            &[table!("src/session/signer/tests.rs", &[1])]
        }
        "zlib" => {
            // Streams Python's zlib wrote (the `hex("…")` rows of the zlib
            // table), and goldfish's own for every JSON seed, with and
            // without the zlib frame (the target reads both ways).
            out.extend(hex_literals(include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/src/session/zlib/tests.rs"
            ))));
            for json in seeds("json_decode") {
                let stream = goldfish::session::zlib::compress(&json);
                out.insert(stream[2..stream.len() - 4].to_vec());
                out.insert(stream);
            }
            &[]
        }
        "cookie_jar" => {
            // The recorded conversations, one seed each (without the answers).
            for case in JAR_CASES.split("\n== ").skip(1) {
                let script: String = case
                    .lines()
                    .skip(1)
                    .filter(|l| !l.starts_with("=> "))
                    .map(|l| format!("{l}\n"))
                    .collect();
                out.insert(script.into_bytes());
            }
            &[]
        }
        "pg_backend" => &[table!("src/store/postgres/wire/tests.rs", &[1])],
        other => panic!("no seeds for {other:?}"),
    };
    out.extend(tables.iter().flat_map(literals));
    out.into_iter().collect()
}

/// The bytes of every `hex("…")` in a source file.
fn hex_literals(source: &str) -> Vec<Vec<u8>> {
    source
        .split("hex(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|h| h.len() % 2 == 0 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|h| {
            (0..h.len())
                .step_by(2)
                .filter_map(|i| u8::from_str_radix(&h[i..i + 2], 16).ok())
                .collect()
        })
        .collect()
}

/// Column `i` of the Flask session vectors (4: JSON, 5: cookie value).
fn tsv_column(i: usize) -> Vec<Vec<u8>> {
    SESSION_VECTORS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').nth(i))
        .map(|s| s.as_bytes().to_vec())
        .collect()
}

/// The inputs in a table's chosen columns. A column that starts with an
/// identifier (`Value::from("x")`, `SetCookie::new(…)`) is built by code,
/// not written as input, and is skipped; a column like `&["a", "b"]` gives
/// its literals joined by newlines (the cookie target reads lines).
fn literals(table: &Table) -> Vec<Vec<u8>> {
    let tokens = lex(table.source);
    let mut out = Vec::new();
    let mut i = 0;
    while i + 2 < tokens.len() {
        let row_start = tokens[i] == Token::Open('(')
            && matches!(tokens[i + 1], Token::Lit(_))
            && tokens[i + 2] == Token::Comma;
        if !row_start {
            i += 1;
            continue;
        }
        // Walk the row, splitting it into columns at top-level commas.
        let mut columns: Vec<Vec<&Token>> = vec![Vec::new()];
        let mut depth = 0;
        i += 1;
        while i < tokens.len() {
            match &tokens[i] {
                Token::Open(_) => depth += 1,
                Token::Close(_) if depth == 0 => break,
                Token::Close(_) => depth -= 1,
                Token::Comma if depth == 0 => {
                    columns.push(Vec::new());
                    i += 1;
                    continue;
                }
                _ => {}
            }
            columns.last_mut().unwrap().push(&tokens[i]);
            i += 1;
        }
        for &c in table.columns {
            let Some(column) = columns.get(c) else {
                continue;
            };
            if matches!(column.first(), None | Some(Token::Word)) {
                continue;
            }
            let lits: Vec<&[u8]> = column
                .iter()
                .filter_map(|t| match t {
                    Token::Lit(bytes) => Some(bytes.as_slice()),
                    _ => None,
                })
                .collect();
            if !lits.is_empty() {
                out.push(lits.join(&b'\n'));
            }
        }
    }
    out
}

#[derive(Debug, PartialEq)]
enum Token {
    /// A string or byte-string literal, decoded.
    Lit(Vec<u8>),
    Open(char),
    Close(char),
    Comma,
    /// An identifier or a number.
    Word,
    /// A punctuation character, a char literal or a lifetime.
    Other,
}

/// Just enough of Rust's lexer for test tables: comments, char literals
/// (so `'"'` is not a string), string and byte-string literals in all
/// their forms (`"…"`, `b"…"`, `r#"…"#`, `br"…"`), and brackets.
fn lex(src: &str) -> Vec<Token> {
    let s = src.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if s[i..].starts_with(b"//") {
            i += s[i..]
                .iter()
                .position(|&b| b == b'\n')
                .unwrap_or(s.len() - i);
        } else if s[i..].starts_with(b"/*") {
            i += s[i..]
                .windows(2)
                .position(|w| w == b"*/")
                .map_or(s.len() - i, |p| p + 2);
        } else if c == b'\'' {
            // A char literal ('x', '\n', '"') or a lifetime ('a).
            if s.get(i + 1) == Some(&b'\\') {
                i += 3 + s[i + 3..].iter().position(|&b| b == b'\'').unwrap_or(0) + 1;
            } else if let Some(len) = src[i + 1..].chars().next().map(char::len_utf8) {
                i += if s.get(i + 1 + len) == Some(&b'\'') {
                    len + 2
                } else {
                    1
                };
            } else {
                i += 1;
            }
            tokens.push(Token::Other);
        } else if let Some((bytes, len)) = literal(&src[i..]) {
            tokens.push(Token::Lit(bytes));
            i += len;
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            while i < s.len() && (s[i].is_ascii_alphanumeric() || s[i] == b'_') {
                i += 1;
            }
            tokens.push(Token::Word);
        } else {
            tokens.push(match c {
                b'(' | b'[' | b'{' => Token::Open(char::from(c)),
                b')' | b']' | b'}' => Token::Close(char::from(c)),
                b',' => Token::Comma,
                _ => Token::Other,
            });
            i += src[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    tokens
}

/// A string literal at the start of `s`: its bytes and its length in `s`.
fn literal(s: &str) -> Option<(Vec<u8>, usize)> {
    let prefix = ["br", "b", "r", ""]
        .into_iter()
        .find(|p| s.starts_with(p) && matches!(s.as_bytes().get(p.len()), Some(b'"' | b'#')))?;
    let mut i = prefix.len();
    if prefix.contains('r') {
        // Raw: r#"…"#, no escapes.
        let hashes = s[i..].bytes().take_while(|&b| b == b'#').count();
        i += hashes;
        if s.as_bytes().get(i) != Some(&b'"') {
            return None;
        }
        let close = format!("\"{}", "#".repeat(hashes));
        let end = i + 1 + s[i + 1..].find(&close)?;
        return Some((s.as_bytes()[i + 1..end].to_vec(), end + close.len()));
    }
    if s.as_bytes().get(i) != Some(&b'"') {
        return None;
    }
    i += 1;
    let mut out = Vec::new();
    let b = s.as_bytes();
    while i < b.len() {
        match b[i] {
            b'"' => return Some((out, i + 1)),
            b'\\' => {
                let (bytes, len) = escape(&s[i + 1..])?;
                out.extend_from_slice(&bytes);
                i += 1 + len;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    None
}

/// One escape after its backslash: the bytes it stands for and its length.
fn escape(s: &str) -> Option<(Vec<u8>, usize)> {
    let b = s.as_bytes();
    Some(match *b.first()? {
        b'n' => (vec![b'\n'], 1),
        b'r' => (vec![b'\r'], 1),
        b't' => (vec![b'\t'], 1),
        b'0' => (vec![0], 1),
        b'\\' => (vec![b'\\'], 1),
        b'"' => (vec![b'"'], 1),
        b'\'' => (vec![b'\''], 1),
        b'x' => (vec![u8::from_str_radix(s.get(1..3)?, 16).ok()?], 3),
        b'u' => {
            let close = s.find('}')?;
            let c = char::from_u32(u32::from_str_radix(&s[2..close], 16).ok()?)?;
            (c.to_string().into_bytes(), close + 1)
        }
        // A line continuation: the newline and the next line's indentation go.
        b'\n' => (Vec::new(), 1 + s[1..].len() - s[1..].trim_start().len()),
        _ => return None,
    })
}

/// A Set-Cookie line taken apart into the builder target's input: name,
/// value, then one field per attribute, separated by 0xFF bytes.
fn builder_input(line: &str) -> Option<Vec<u8>> {
    let line = line.trim();
    let line = match line.get(..11) {
        Some(h) if h.eq_ignore_ascii_case("set-cookie:") => &line[11..],
        _ => line,
    };
    let mut parts = line.split(';');
    let (name, value) = parts.next()?.split_once('=')?;
    let mut fields = vec![name.trim().to_owned(), value.trim().to_owned()];
    for attribute in parts {
        let (key, arg) = match attribute.split_once('=') {
            Some((k, v)) => (k.trim(), v.trim()),
            None => (attribute.trim(), ""),
        };
        fields.push(match key.to_ascii_lowercase().as_str() {
            "expires" => format!("Expires={}", unix_seconds(parse_cookie_date(arg)?)),
            "max-age" => format!("Max-Age={arg}"),
            "domain" => format!("Domain={arg}"),
            "path" => format!("Path={arg}"),
            "secure" => "Secure".to_owned(),
            "httponly" => "HttpOnly".to_owned(),
            "partitioned" => "Partitioned".to_owned(),
            "samesite" => format!("SameSite={arg}"),
            _ => continue,
        });
    }
    Some(
        fields
            .iter()
            .map(String::as_bytes)
            .collect::<Vec<_>>()
            .join(&0xff),
    )
}

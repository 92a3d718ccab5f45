//! JSON (RFC 8259), written and read by hand.
//!
//! The session payload is JSON, and goldfish must write *the same bytes*
//! Flask writes, because the signature covers those bytes: a Flask app and
//! goldfish sharing a `SECRET_KEY` should produce identical cookies for the
//! same session at the same second. Flask writes
//!
//! ```python
//! json.dumps(session, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
//! ```
//!
//! which pins down everything RFC 8259 leaves open:
//!
//! Facts:
//! - **Compact.** No whitespace at all: `{"a":1,"b":[1,2]}`.
//! - **Sorted keys.** Python sorts `str` by code point. Our maps are
//!   `BTreeMap<String, _>`, which sorts by UTF-8 bytes, and UTF-8 was
//!   designed so that byte order *is* code point order. (JavaScript and
//!   Java sort by UTF-16 code units, which differs above U+FFFF: U+1F41F 🐟
//!   is `D83D DC1F` in UTF-16 and sorts before U+E000 there, after it here
//!   and in Python.)
//! - **ASCII only.** Every character outside `' '..='~'` is escaped as
//!   `\uXXXX` with lowercase hex, and characters above U+FFFF as a UTF-16
//!   surrogate pair (RFC 8259 §7): `🐟` → `\ud83d\udc1f`. DEL (0x7F) is
//!   escaped too, because Python escapes everything that is not printable ASCII.
//! - **Python's short escapes.** `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`;
//!   other controls as `\u00XX`. `/` is *not* escaped (RFC 8259 allows
//!   `\/` but does not require it, and Python does not write it).
//! - **Floats as Python's `repr`.** The shortest digits that read back as
//!   the same float, always with a `.0` or an exponent so it stays a float:
//!   `1.0`, `0.1`, `1e+16`, `1e-05`. See [`python_float_repr`].
//! - **Python's values, not just JSON's.** Three things Python's `json`
//!   writes go beyond RFC 8259, and Flask puts them in session cookies:
//!   integers of any size (`10**30` is written as its 31 digits), lone
//!   surrogates (`"\ud800"`, a Python `str` but not a Unicode string), and
//!   the words `NaN`, `Infinity` and `-Infinity` for `float('nan')` and
//!   the infinities, which RFC 8259 §6 does not permit. goldfish reads and
//!   writes all three exactly as Python does, so a session survives a
//!   goldfish write unchanged.
//!
//! Reading is otherwise strict ([`from_json`]): one value, nothing after
//! it, no trailing commas, no leading zeros, no duplicate keys, integers
//! of at most 4300 digits (Python's own limit), at most [`MAX_DEPTH`]
//! levels and [`MAX_JSON_BYTES`] bytes. A session cookie comes from the
//! network, so this parser will see hostile input; it never recurses
//! deeper than the depth limit (in fact it does not recurse at all), never
//! panics, and does work proportional to the input.

mod error;
mod parse;
#[cfg(test)]
mod tests;

pub use error::{JsonError, JsonErrorKind};
pub use parse::{MAX_DEPTH, MAX_JSON_BYTES, from_json};

use super::pystr::PyStr;
use super::value::Value;

/// Writes `value` as compact, sorted, ASCII-only JSON, byte for byte as
/// Flask's session serializer does.
///
/// NaN and ±infinity have no JSON spelling (RFC 8259 §6: "Numeric values
/// that cannot be represented in the grammar below (such as Infinity and
/// NaN) are not permitted"). Python writes the words `NaN`, `Infinity` and
/// `-Infinity` anyway, and reads them back; so does goldfish, because the
/// session is Python's format first (JavaScript's `JSON.stringify` writes
/// `null` instead, which would turn Flask's `nan` into `None`).
///
/// Recursion here follows the value's nesting. Values read by [`from_json`]
/// are at most [`MAX_DEPTH`] deep; a value built by code is as deep as that
/// code made it.
///
/// # Examples
/// ```
/// use goldfish::session::{Value, json::to_json};
/// let v = Value::from(vec![Value::from("Zoë"), Value::from(1.0), Value::Null]);
/// assert_eq!(to_json(&v), r#"["Zo\u00eb",1.0,null]"#);
/// ```
#[must_use]
pub fn to_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Int(n) => out.push_str(&n.to_string()),
        Value::BigInt(n) => out.push_str(n.as_str()),
        Value::Float(x) if x.is_nan() => out.push_str("NaN"),
        Value::Float(x) if x.is_infinite() => {
            out.push_str(if *x > 0.0 { "Infinity" } else { "-Infinity" });
        }
        Value::Float(x) => out.push_str(&python_float_repr(*x)),
        Value::Str(s) => write_string(s, out),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            // BTreeMap iterates in key order: this *is* `sort_keys=True`.
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_value(item, out);
            }
            out.push('}');
        }
    }
}

/// `string = quotation-mark *char quotation-mark` — RFC 8259 §7, with
/// Python's `ensure_ascii=True` choice of which characters to escape.
fn write_string(s: &PyStr, out: &mut String) {
    out.push('"');
    for cp in s.code_points() {
        match char::from_u32(cp) {
            Some('"') => out.push_str("\\\""),
            Some('\\') => out.push_str("\\\\"),
            Some('\n') => out.push_str("\\n"),
            Some('\r') => out.push_str("\\r"),
            Some('\t') => out.push_str("\\t"),
            Some('\u{8}') => out.push_str("\\b"),
            Some('\u{c}') => out.push_str("\\f"),
            Some(c @ ' '..='~') => out.push(c),
            // Everything else, controls and DEL included, as UTF-16 code
            // units: one for the Basic Multilingual Plane (a lone
            // surrogate too, `\ud800`, as Python writes it), a surrogate
            // pair above U+FFFF.
            _ if cp <= 0xFFFF => out.push_str(&format!("\\u{cp:04x}")),
            _ => {
                let offset = cp - 0x10000;
                let (high, low) = (0xD800 + (offset >> 10), 0xDC00 + (offset & 0x3FF));
                out.push_str(&format!("\\u{high:04x}\\u{low:04x}"));
            }
        }
    }
    out.push('"');
}

/// Formats a finite float as Python's `repr(float)` does.
///
/// Python (since 3.1) prints the *shortest* digit string that reads back
/// as the same float (David Gay's algorithm), and so does Rust's `{:e}`,
/// so we take Rust's digits, settle the rare case where two shortest
/// strings exist the way Python does, and redo the layout:
///
/// - decimal exponent `< -4` or `>= 16`: scientific, with a sign and at
///   least two exponent digits: `1e+16`, `1e-05`, `1.5e+300`;
/// - otherwise positional, always with a fractional part: `1.0`, `0.0001`,
///   `123456789.123`, `-0.0`.
///
/// Non-finite input gives Python's `nan`, `inf`, `-inf` (not JSON; callers
/// writing JSON handle those first).
///
/// # Examples
/// ```
/// use goldfish::session::json::python_float_repr;
/// assert_eq!(python_float_repr(1.0), "1.0");
/// assert_eq!(python_float_repr(1e16), "1e+16");
/// assert_eq!(python_float_repr(0.00001), "1e-05");
/// ```
#[must_use]
pub fn python_float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    // 1. Let Rust find the shortest round-trip digits: "-1.2345e-7".
    let shortest = format!("{x:e}");
    // 2. Sometimes two strings of that length both read back as `x`, and
    //    Python picks the one nearer to x's exact binary value (the even one
    //    on an exact tie): 830934036776678.25 is `…678.2` in Python, and
    //    Rust's shortest is `…678.3`. `{:.N$e}` rounds the exact value
    //    correctly, so if that reads back as `x` it is Python's answer.
    let digit_count = shortest
        .split('e')
        .next()
        .map_or(1, |m| m.chars().filter(char::is_ascii_digit).count());
    let nearest = format!("{x:.prec$e}", prec = digit_count.saturating_sub(1));
    let sci = if nearest.parse::<f64>() == Ok(x) {
        nearest
    } else {
        shortest
    };
    let (sign, unsigned) = match sci.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", sci.as_str()),
    };
    // `{:e}` always writes an `e`; the fallbacks below only keep this
    // function total.
    let (mantissa, exponent) = unsigned.split_once('e').unwrap_or((unsigned, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    // 3. The significant digits, without the point: "12345".
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();

    // 4. Lay them out as Python does.
    if !(-4..16).contains(&exponent) {
        let (first, rest) = digits.split_at(1);
        let point = if rest.is_empty() { "" } else { "." };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        let exp = exponent.unsigned_abs();
        format!("{sign}{first}{point}{rest}e{exp_sign}{exp:02}")
    } else if exponent >= 0 {
        // The point goes after `exponent + 1` digits; pad with zeros if
        // there are fewer digits than that (1e15 has one digit).
        let int_len = exponent as usize + 1;
        if digits.len() > int_len {
            let (int_part, frac) = digits.split_at(int_len);
            format!("{sign}{int_part}.{frac}")
        } else {
            let zeros = "0".repeat(int_len - digits.len());
            format!("{sign}{digits}{zeros}.0")
        }
    } else {
        // -4 ..= -1: "0." then (-exponent - 1) zeros, then the digits.
        let zeros = "0".repeat((-exponent - 1) as usize);
        format!("{sign}0.{zeros}{digits}")
    }
}

//! `Value`: what a session can hold.
//!
//! Flask's session is a Python `dict`, so it can hold anything Python can
//! put in JSON: `None`, `True`/`False`, `int`, `float`, `str`, `list` and
//! `dict`. `Value` is that, as a Rust enum. Each variant matches one JSON
//! type (RFC 8259 §3), except that JSON has a single "number" type and
//! Python (and goldfish) keep whole numbers (`Int`) apart from the rest
//! (`Float`).
//!
//! Python's values are wider than Rust's obvious types, in two ways that
//! matter for reading every session Flask writes:
//! - **Integers have no limit.** `10**30` is a Python `int`. `Value::Int`
//!   holds what fits in an `i64`; anything bigger is a [`BigInt`], which
//!   keeps the decimal digits as they came, so it is written back byte for
//!   byte. (Python itself refuses to read or write an integer of more than
//!   4300 digits, `sys.int_info.default_max_str_digits`; so does goldfish.)
//! - **Strings may hold lone surrogates.** `"\ud800"` is a Python `str`,
//!   and not a Rust `String`; see [`PyStr`].
//!
//! Facts worth knowing before reading the code:
//! - `Map` is a `BTreeMap`, so keys are always sorted. That is on purpose:
//!   Flask writes its session JSON with `sort_keys=True`, and a sorted map
//!   writes itself in exactly that order (see `json.rs` for why the two
//!   orders agree).
//! - Equality is Rust's, not Python's: `Int(1) != Float(1.0)` (Python says
//!   `1 == 1.0`), and `Float(NaN) != Float(NaN)` (as IEEE 754 says).
//! - `Display` shows a value the way a Jinja template shows the Python
//!   value, `{{ session['fav_number'] }}` → `42`, so that the lesson pages
//!   read like the Flask original. See [`Value`]'s `Display` for the rules.

use std::collections::BTreeMap;
use std::fmt;

use super::json;
use super::pystr::PyStr;

/// One value in the session: the JSON data model, with integers kept exact.
///
/// # Examples
/// ```
/// use goldfish::session::Value;
/// let v = Value::from(vec![Value::from("Yes"), Value::from(42)]);
/// assert_eq!(v.type_name(), "list");
/// assert_eq!(v.to_string(), r#"["Yes",42]"#);
/// assert_eq!(Value::from(true).to_string(), "True");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// JSON `null`, Python `None`.
    Null,
    /// JSON `true`/`false`, Python `True`/`False`.
    Bool(bool),
    /// A JSON number without fraction or exponent that fits in 64 bits.
    Int(i64),
    /// A whole number that does not fit in 64 bits: Python's `int` has no
    /// limit. Never holds a value an `Int` could.
    BigInt(BigInt),
    /// A JSON number with a fraction or exponent, e.g. `1.5` or `1e+16`,
    /// or one of the three words Python's JSON adds, `NaN`, `Infinity`
    /// and `-Infinity` (see `json.rs`).
    Float(f64),
    /// A JSON string: a Python `str`, which may hold lone surrogates.
    Str(PyStr),
    /// A JSON array, Python `list`.
    List(Vec<Value>),
    /// A JSON object, Python `dict`. Keys are unique and sorted by code point.
    Map(BTreeMap<PyStr, Value>),
}

/// A Python `int` too big for an `i64`, kept as its decimal digits.
///
/// No arithmetic: a session only carries numbers from one request to the
/// next, so the digits are all goldfish needs — read, shown and written
/// back unchanged.
///
/// # Examples
/// ```
/// use goldfish::session::value::BigInt;
/// let big = BigInt::parse("1000000000000000000000000000000").unwrap();
/// assert_eq!(big.to_string(), "1000000000000000000000000000000");
/// assert_eq!(BigInt::parse("42"), None, "fits in an i64: a Value::Int");
/// assert_eq!(BigInt::parse("007"), None, "not how Python writes an int");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BigInt {
    /// `-?[1-9][0-9]*`, outside `i64::MIN..=i64::MAX`, at most
    /// [`BigInt::MAX_DIGITS`] digits.
    digits: String,
}

impl BigInt {
    /// CPython's `sys.int_info.default_max_str_digits` (3.11 and later):
    /// it refuses to turn a longer string of digits into an `int`, or an
    /// `int` into one, so Flask can neither read nor write such a session.
    pub const MAX_DIGITS: usize = 4300;

    /// The integer these decimal digits spell, if it is too big for an
    /// `i64`, written as Python writes an `int`, and not too long for Python.
    #[must_use]
    pub fn parse(text: &str) -> Option<BigInt> {
        let magnitude = text.strip_prefix('-').unwrap_or(text);
        let canonical = magnitude.bytes().all(|b| b.is_ascii_digit())
            && !magnitude.starts_with('0')
            && (1..=BigInt::MAX_DIGITS).contains(&magnitude.len());
        (canonical && text.parse::<i64>().is_err()).then(|| BigInt {
            digits: text.to_owned(),
        })
    }

    /// The decimal digits, with a `-` if negative.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.digits
    }
}

impl fmt::Display for BigInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits)
    }
}

impl Value {
    /// The name Python gives this kind of value (`int`, `str`, `list`,
    /// `dict`, …), for messages like `session['n'] holds a str, not a list`.
    /// Python's names, because the lesson is about Flask's session.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "None",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::BigInt(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::List(_) => "list",
            Value::Map(_) => "dict",
        }
    }

    /// The integer, if this is an `Int`. A `Float` is not converted, even
    /// `2.0`: silently turning one into the other is how numbers get lost.
    #[must_use]
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The number as a float, if this is a `Float` or an integer (above
    /// 2^53 rounded to the nearest float, as Python's `float(n)` does).
    #[must_use]
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Float(x) => Some(*x),
            Value::Int(n) => Some(*n as f64),
            Value::BigInt(n) => n.as_str().parse().ok(),
            _ => None,
        }
    }

    /// The text, if this is a `Str` of valid Unicode (no lone surrogate).
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => s.as_str(),
            _ => None,
        }
    }

    /// The items, if this is a `List`.
    #[must_use]
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// The items, mutably, if this is a `List` (so you can `push` to it).
    pub fn as_list_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// The entries, if this is a `Map`.
    #[must_use]
    pub fn as_map(&self) -> Option<&BTreeMap<PyStr, Value>> {
        match self {
            Value::Map(map) => Some(map),
            _ => None,
        }
    }

    /// `value[key]` for a `Map`; `None` if the key is missing or this is not a map.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map().and_then(|map| map.get(key.as_bytes()))
    }
}

/// Shows a value as `{{ value }}` would in a Jinja template, i.e. Python's `str()`:
///
/// | value | shown as | why |
/// | --- | --- | --- |
/// | `Int(42)` | `42` | |
/// | `Float(1.0)` | `1.0` | Python's float repr: shortest digits that round-trip |
/// | `BigInt` | its digits | |
/// | `Str("blue")` | `blue` | the raw text (a lone surrogate as `�`); escaping for HTML is the template's job |
/// | `Bool(true)`, `Null` | `True`, `None` | Python's spellings |
/// | `List`, `Map` | compact JSON, `["Yes","No"]` | see below |
///
/// Python would show a list as `['Yes', 'No']` (its repr, with its own quoting
/// rules). goldfish shows lists and maps as the compact JSON instead: that is
/// exactly the text that travels inside the cookie, which is what the lesson
/// wants a learner to see. Non-finite floats show as Python does: `nan`,
/// `inf`, `-inf`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("None"),
            Value::Bool(true) => f.write_str("True"),
            Value::Bool(false) => f.write_str("False"),
            Value::Int(n) => write!(f, "{n}"),
            Value::BigInt(n) => write!(f, "{n}"),
            Value::Float(x) => f.write_str(&json::python_float_repr(*x)),
            Value::Str(s) => write!(f, "{s}"),
            Value::List(_) | Value::Map(_) => f.write_str(&json::to_json(self)),
        }
    }
}

/// `Value::from(x)` for each Rust type that has a Python counterpart, one
/// row per type: the type, then how a value of it becomes a `Value`.
macro_rules! from_rust {
    ($($ty:ty => |$x:ident| $value:expr;)*) => {
        $(impl From<$ty> for Value {
            fn from($x: $ty) -> Value {
                $value
            }
        })*
    };
}

from_rust! {
    bool => |b| Value::Bool(b);
    i64 => |n| Value::Int(n);
    i32 => |n| Value::Int(i64::from(n));
    u32 => |n| Value::Int(i64::from(n));
    f64 => |x| Value::Float(x);
    &str => |s| Value::Str(PyStr::from(s));
    String => |s| Value::Str(PyStr::from(s));
    PyStr => |s| Value::Str(s);
    Vec<Value> => |items| Value::List(items);
    BTreeMap<PyStr, Value> => |map| Value::Map(map);
}

/// `None` becomes `null`, as in Python.
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(opt: Option<T>) -> Value {
        opt.map_or(Value::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_what_jinja_shows() {
        let map: BTreeMap<PyStr, Value> = [(PyStr::from("b"), Value::Int(1))].into();
        let mut lone = PyStr::from("a");
        lone.push_code_point(0xD800);
        let big = BigInt::parse("-10000000000000000000").unwrap();
        let cases: &[(&str, Value, &str)] = &[
            ("an int is its digits", Value::from(42), "42"),
            ("a negative int", Value::from(-7), "-7"),
            ("a whole float keeps .0", Value::from(1.0), "1.0"),
            ("a float uses Python's repr", Value::from(0.1), "0.1"),
            (
                "a big float switches to exponent form",
                Value::from(1e16),
                "1e+16",
            ),
            ("NaN is Python's nan", Value::from(f64::NAN), "nan"),
            (
                "infinity is Python's inf",
                Value::from(f64::NEG_INFINITY),
                "-inf",
            ),
            (
                "a string is raw, not quoted",
                Value::from("a \"b\" <c>"),
                "a \"b\" <c>",
            ),
            ("true is True", Value::from(true), "True"),
            ("false is False", Value::from(false), "False"),
            ("null is None", Value::Null, "None"),
            ("Option::None is None", Value::from(None::<i64>), "None"),
            (
                "a list is its compact JSON",
                Value::from(vec![Value::from("Yes"), Value::from(1)]),
                r#"["Yes",1]"#,
            ),
            ("a map is its compact JSON", Value::from(map), r#"{"b":1}"#),
            (
                "a big int is its digits",
                Value::BigInt(big),
                "-10000000000000000000",
            ),
            (
                "a lone surrogate shows as U+FFFD",
                Value::from(lone),
                "a\u{fffd}",
            ),
        ];
        for (why, value, want) in cases {
            let got = value.to_string();
            assert_eq!(
                &got, want,
                "{why}: format({value:?}) = {got:?}; want {want:?}"
            );
        }
    }

    #[test]
    fn accessors_only_answer_for_their_own_variant() {
        let mut list = Value::from(vec![Value::from(1)]);
        assert_eq!(list.as_list().map(<[Value]>::len), Some(1));
        if let Some(items) = list.as_list_mut() {
            items.push(Value::from(2));
        }
        assert_eq!(list.as_list().map(<[Value]>::len), Some(2));
        assert_eq!(list.as_i64(), None, "a list is not an int");
        assert_eq!(Value::from(2.0).as_i64(), None, "a float is never an int");
        assert_eq!(Value::from(2).as_f64(), Some(2.0), "an int is a number");
        assert_eq!(Value::from("x").as_str(), Some("x"));
        assert_eq!(Value::from(1).as_str(), None, "an int is not a str");
        let map = Value::from(BTreeMap::from([(PyStr::from("k"), Value::from(true))]));
        assert_eq!(map.get("k"), Some(&Value::Bool(true)));
        assert_eq!(map.get("missing"), None);
        assert_eq!(Value::from("k").get("k"), None, "a str has no keys");
    }

    #[test]
    fn equality_is_rusts_not_pythons() {
        assert_ne!(
            Value::Int(1),
            Value::Float(1.0),
            "Python says 1 == 1.0; we do not"
        );
        assert_ne!(Value::Float(f64::NAN), Value::Float(f64::NAN), "NaN != NaN");
        assert_eq!(
            Value::Float(0.0),
            Value::Float(-0.0),
            "IEEE 754: 0.0 == -0.0"
        );
    }

    #[test]
    fn big_ints_are_exactly_the_ints_an_i64_cannot_hold() {
        let cases: &[(&str, &str, bool)] = &[
            ("i64::MAX fits: an Int", "9223372036854775807", false),
            ("i64::MAX + 1 is a BigInt", "9223372036854775808", true),
            ("i64::MIN fits", "-9223372036854775808", false),
            ("i64::MIN - 1 is a BigInt", "-9223372036854775809", true),
            ("10**30", "1000000000000000000000000000000", true),
            (
                "a leading zero is not how Python writes an int",
                "09223372036854775808",
                false,
            ),
            ("-0 is not how Python writes an int", "-0", false),
            ("not a number", "12a", false),
            ("nothing", "", false),
            ("a sign alone", "-", false),
        ];
        for (why, text, want) in cases {
            let got = BigInt::parse(text);
            assert_eq!(
                got.is_some(),
                *want,
                "{why}: BigInt::parse({text:?}) = {got:?}"
            );
        }
        let longest = "9".repeat(BigInt::MAX_DIGITS);
        assert!(
            BigInt::parse(&longest).is_some(),
            "4300 digits: Python's limit"
        );
        assert!(
            BigInt::parse(&format!("-{longest}")).is_some(),
            "the sign does not count"
        );
        assert!(
            BigInt::parse(&format!("{longest}9")).is_none(),
            "4301 digits"
        );
        let big = Value::BigInt(BigInt::parse("10000000000000000000000").unwrap());
        assert_eq!((big.as_i64(), big.as_f64()), (None, Some(1e22)));
    }

    #[test]
    fn type_names_are_pythons() {
        let cases: &[(Value, &str)] = &[
            (Value::Null, "None"),
            (Value::Bool(true), "bool"),
            (Value::Int(1), "int"),
            (
                Value::BigInt(BigInt::parse("9223372036854775808").unwrap()),
                "int",
            ),
            (Value::Float(1.5), "float"),
            (Value::from("s"), "str"),
            (Value::List(vec![]), "list"),
            (Value::Map(BTreeMap::new()), "dict"),
        ];
        for (value, want) in cases {
            assert_eq!(value.type_name(), *want, "type_name({value:?})");
        }
    }
}

//! `{{ name }}` templates, HTML-escaped by default.
//!
//! The whole language:
//! - `{{ name }}` inserts a variable, HTML-escaped;
//! - `{{ name|safe }}` inserts it as is (only for HTML goldfish built itself);
//! - `{{ session['key'] }}` and `{{ session.key }}` look a key up in an
//!   object such as the session, as Jinja does in Flask's templates; a
//!   missing key renders as nothing, like Jinja's `undefined`.
//!
//! Why escape by default: anything that came from a request — a query
//! parameter, a cookie, a form field — may contain `<script>`. Escaping
//! turns markup characters into entities, so the browser shows them instead
//! of running them (cross-site scripting). Forgetting to escape must be
//! impossible; choosing not to must be visible (`|safe`).

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

/// Escapes text for HTML content and attribute values (the five characters
/// markupsafe escapes, with the same entities).
///
/// # Examples
/// ```
/// assert_eq!(goldfish::template::escape("<b title='x'>&"), "&lt;b title=&#39;x&#39;&gt;&amp;");
/// ```
#[must_use]
pub fn escape(s: &str) -> Cow<'_, str> {
    if !needs_escape(s.as_bytes()) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    escape_into(s, &mut out);
    Cow::Owned(out)
}

/// The entity for a character HTML gives a meaning to, or `None`.
fn entity(b: u8) -> Option<&'static str> {
    match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&#34;"),
        b'\'' => Some("&#39;"),
        _ => None,
    }
}

/// Eight copies of a byte in one word.
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// Whether any of the eight bytes of `word` is one `entity` replaces.
///
/// Escaping runs on every page, over every header line the X-ray shows,
/// and almost every byte needs nothing, so it pays to test eight at a
/// time ("SWAR", SIMD within a register): `x ^ splat(c)` has a zero byte
/// exactly where `x` has `c`, and `(y - 0x01…) & !y & 0x80…` is non-zero
/// exactly when `y` has a zero byte (a borrow can only start at a zero
/// byte). Five characters, five such tests, one branch.
fn any_special(word: u64) -> bool {
    const ONES: u64 = splat(0x01);
    const HIGHS: u64 = splat(0x80);
    let zero_in = |y: u64| y.wrapping_sub(ONES) & !y & HIGHS;
    let hits = zero_in(word ^ splat(b'&'))
        | zero_in(word ^ splat(b'<'))
        | zero_in(word ^ splat(b'>'))
        | zero_in(word ^ splat(b'"'))
        | zero_in(word ^ splat(b'\''));
    hits != 0
}

/// The bytes of `s` as whole words, and the last few bytes packed into one
/// more word, padded with zeros (which need no entity).
fn words(bytes: &[u8]) -> (&[[u8; 8]], u64) {
    let (words, tail) = bytes.as_chunks::<8>();
    let mut last = 0;
    for (k, &b) in tail.iter().enumerate() {
        last |= u64::from(b) << (8 * k);
    }
    (words, last)
}

/// Whether any byte of `bytes` needs an entity.
fn needs_escape(bytes: &[u8]) -> bool {
    let (words, last) = words(bytes);
    words.iter().any(|w| any_special(u64::from_ne_bytes(*w))) || any_special(last)
}

/// Appends `s`, escaped, to `out`.
pub fn escape_into(s: &str, out: &mut String) {
    // Copy runs of harmless text whole; every escaped character is ASCII,
    // so splitting at its byte offset never cuts a UTF-8 character. Only a
    // word that holds a special byte is looked at byte by byte.
    let bytes = s.as_bytes();
    let (words, last) = words(bytes);
    let mut run = 0;
    for (k, word) in words.iter().enumerate() {
        if any_special(u64::from_ne_bytes(*word)) {
            run = escape_chunk(s, k * 8, word, run, out);
        }
    }
    if any_special(last) {
        let from = words.len() * 8;
        run = escape_chunk(s, from, &bytes[from..], run, out);
    }
    out.push_str(&s[run..]);
}

/// Escapes the bytes of `chunk`, which starts at byte `from` of `s`: the
/// text from `run` up to each special byte is copied, then its entity.
/// Returns where the text not yet copied starts.
fn escape_chunk(s: &str, from: usize, chunk: &[u8], mut run: usize, out: &mut String) -> usize {
    for (i, &b) in chunk.iter().enumerate() {
        if let Some(entity) = entity(b) {
            out.push_str(&s[run..from + i]);
            out.push_str(entity);
            run = from + i + 1;
        }
    }
    run
}

/// Something with named fields a template can read, like the session.
pub trait Object {
    /// The field's value as text, or `None` when it is absent.
    fn field(&self, key: &str) -> Option<String>;
}

/// One variable's value.
#[derive(Debug, Clone)]
enum Var<'a> {
    /// Text, escaped on output.
    Text(Cow<'a, str>),
    /// HTML goldfish built (and escaped) itself; inserted as is.
    Html(Cow<'a, str>),
}

/// The variables a template is rendered with.
#[derive(Default)]
pub struct Vars<'a> {
    vars: Vec<(&'a str, Var<'a>)>,
    objects: Vec<(&'a str, &'a dyn Object)>,
}

impl<'a> Vars<'a> {
    /// No variables.
    #[must_use]
    pub fn new() -> Vars<'a> {
        // Room for the layout's variables (the most any page has), so that
        // filling them does not grow the list three times on every page.
        Vars {
            vars: Vec::with_capacity(16),
            objects: Vec::new(),
        }
    }

    /// Adds a text variable (escaped when inserted).
    #[must_use]
    pub fn text(mut self, name: &'a str, value: impl Into<Cow<'a, str>>) -> Vars<'a> {
        self.vars.push((name, Var::Text(value.into())));
        self
    }

    /// Adds an HTML variable, inserted without escaping — only for markup
    /// goldfish built itself, with request data already escaped in it.
    #[must_use]
    pub fn html(mut self, name: &'a str, value: impl Into<Cow<'a, str>>) -> Vars<'a> {
        self.vars.push((name, Var::Html(value.into())));
        self
    }

    /// Adds an object whose fields `{{ name['key'] }}` / `{{ name.key }}` read.
    #[must_use]
    pub fn object(mut self, name: &'a str, object: &'a dyn Object) -> Vars<'a> {
        self.objects.push((name, object));
        self
    }

    fn get(&self, name: &str) -> Option<&Var<'a>> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }
}

/// A template that cannot be rendered: a bug in goldfish's templates, found
/// by the tests that render every page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// `{{` without `}}`.
    Unclosed { at: usize },
    /// A variable the handler did not provide.
    Unknown { name: String },
    /// An expression that is not `name`, `name|safe`, `obj['k']` or `obj.k`.
    BadExpression { expr: String },
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::Unclosed { at } => {
                write!(f, "'{{{{' at byte {at} has no matching '}}}}'")
            }
            TemplateError::Unknown { name } => write!(
                f,
                "the template uses {{{{ {name} }}}}, which was not provided"
            ),
            TemplateError::BadExpression { expr } => write!(
                f,
                "{{{{ {expr} }}}} is not name, name|safe, object['key'] or object.key"
            ),
        }
    }
}

impl std::error::Error for TemplateError {}

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Splits `obj['key']`, `obj["key"]` or `obj.key` into `(obj, key)`.
fn object_path(expr: &str) -> Option<(&str, &str)> {
    if let Some((obj, rest)) = expr.split_once('[') {
        let key = rest.strip_suffix(']')?.trim();
        let key = key
            .strip_prefix('\'')
            .and_then(|k| k.strip_suffix('\''))
            .or_else(|| key.strip_prefix('"').and_then(|k| k.strip_suffix('"')))?;
        return Some((obj.trim(), key));
    }
    expr.split_once('.')
}

/// Renders `template` with `vars` (compiles it first; pages use a
/// [`Template`] compiled once instead).
///
/// # Examples
/// ```
/// use goldfish::template::{render, Vars};
/// let out = render("<p>{{ color }}</p>", &Vars::new().text("color", "<blue>")).unwrap();
/// assert_eq!(out, "<p>&lt;blue&gt;</p>");
/// ```
///
/// # Errors
/// See [`TemplateError`].
pub fn render(template: &str, vars: &Vars) -> Result<String, TemplateError> {
    Template::compile(template.to_string())?.render(vars)
}

/// One piece of a compiled template: byte ranges into its source.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Literal text, copied as is.
    Text(Range<usize>),
    /// `{{ name }}` / `{{ name|safe }}`.
    Var { name: Range<usize>, safe: bool },
    /// `{{ object['key'] }}` / `{{ object.key }}`.
    Field {
        object: Range<usize>,
        key: Range<usize>,
        safe: bool,
    },
}

/// A template split once into literal text and `{{ … }}` slots, so that
/// rendering only copies: pages are rendered on every request, templates
/// change only when the binary does (or, with `--www`, when a file does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: Cow<'static, str>,
    parts: Vec<Part>,
}

impl Template {
    /// Splits `source` into parts.
    ///
    /// # Errors
    /// [`TemplateError::Unclosed`] or [`TemplateError::BadExpression`].
    pub fn compile(source: impl Into<Cow<'static, str>>) -> Result<Template, TemplateError> {
        let source = source.into();
        let mut parts = Vec::new();
        let mut pos = 0;
        while let Some(open) = find2(&source[pos..], b'{').map(|i| pos + i) {
            if open > pos {
                parts.push(Part::Text(pos..open));
            }
            let inner = open + 2;
            let close = find2(&source[inner..], b'}')
                .map(|i| inner + i)
                .ok_or(TemplateError::Unclosed { at: open })?;
            parts.push(parse_slot(&source, inner, close)?);
            pos = close + 2;
        }
        if pos < source.len() {
            parts.push(Part::Text(pos..source.len()));
        }
        Ok(Template { source, parts })
    }

    /// Fills the slots from `vars`.
    ///
    /// # Errors
    /// [`TemplateError::Unknown`] for a variable or object `vars` lacks.
    pub fn render(&self, vars: &Vars) -> Result<String, TemplateError> {
        let src = self.source.as_ref();
        // Room for the template and every variable once: no regrowth on the
        // usual page, where each variable appears once.
        let vars_len: usize = vars
            .vars
            .iter()
            .map(|(_, v)| match v {
                Var::Text(t) | Var::Html(t) => t.len(),
            })
            .sum();
        let mut out = String::with_capacity(src.len() + vars_len + vars_len / 8);
        for part in &self.parts {
            match part {
                Part::Text(r) => out.push_str(&src[r.clone()]),
                Part::Var { name, safe } => match vars.get(&src[name.clone()]) {
                    Some(Var::Html(v)) => out.push_str(v),
                    Some(Var::Text(v)) if *safe => out.push_str(v),
                    Some(Var::Text(v)) => escape_into(v, &mut out),
                    None => {
                        return Err(TemplateError::Unknown {
                            name: src[name.clone()].to_string(),
                        });
                    }
                },
                Part::Field { object, key, safe } => {
                    let name = &src[object.clone()];
                    let object = vars
                        .objects
                        .iter()
                        .find(|(n, _)| *n == name)
                        .ok_or_else(|| TemplateError::Unknown {
                            name: name.to_string(),
                        })?
                        .1;
                    if let Some(value) = object.field(&src[key.clone()]) {
                        if *safe {
                            out.push_str(&value);
                        } else {
                            escape_into(&value, &mut out);
                        }
                    }
                }
            }
        }
        Ok(out)
    }
}

/// Parses the expression between `{{` (ending at `start`) and `}}` (at `end`).
fn parse_slot(src: &str, start: usize, end: usize) -> Result<Part, TemplateError> {
    // Byte range of a trimmed sub-slice of `src`.
    let range = |piece: &str| {
        let at = piece.as_ptr() as usize - src.as_ptr() as usize;
        at..at + piece.len()
    };
    let expr = src[start..end].trim();
    let (expr, safe) = match expr.strip_suffix("|safe") {
        Some(e) => (e.trim(), true),
        None => (expr, false),
    };
    if is_ident(expr) {
        return Ok(Part::Var {
            name: range(expr),
            safe,
        });
    }
    match object_path(expr).filter(|(o, k)| is_ident(o) && !k.is_empty()) {
        Some((object, key)) => Ok(Part::Field {
            object: range(object),
            key: range(key),
            safe,
        }),
        None => Err(TemplateError::BadExpression {
            expr: expr.to_string(),
        }),
    }
}

/// The byte offset of the first doubled `b` (`{{` or `}}`) in `s`.
fn find2(s: &str, b: u8) -> Option<usize> {
    let c = char::from(b);
    let mut from = 0;
    // `str::find` with a char searches with memchr, a word at a time.
    while let Some(i) = s[from..].find(c) {
        let at = from + i;
        if s.as_bytes().get(at + 1) == Some(&b) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests;

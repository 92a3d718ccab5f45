//! Response header fields: an ordered, case-insensitive multimap.
//!
//! Facts (RFC 9110 §5):
//! - Field names are case-insensitive: `content-type` and `Content-Type` are
//!   the same field. We keep the spelling the handler used, because learners
//!   read these bytes.
//! - Order matters for fields with the same name: a list-valued field
//!   (`Vary: Cookie` twice) means the values in that order.
//! - Several lines of one field may be joined with commas — except
//!   `Set-Cookie`, which can never be (RFC 9110 §5.3, RFC 6265 §3): its
//!   `Expires=Wed, 09 Jun 2021 …` attribute contains a comma, so a joined
//!   line would be ambiguous. This map never joins anything: every `append`
//!   becomes its own line on the wire.
//! - A value must not contain CR, LF or NUL (§5.5). A value with a line break
//!   would let request data start a new header line — response splitting — so
//!   `append` refuses it loudly (a panic, which the server turns into a 500
//!   for that one request). Code that puts request data into a header must
//!   validate it first, as the cookie builder does.

use std::borrow::Cow;

/// An ordered list of `(name, value)` header fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    // Cow: most names and many values are goldfish's own constants
    // (`nosniff`, `no-store`), which need no copy on every response.
    fields: Vec<(Cow<'static, str>, Cow<'static, str>)>,
}

fn check_field(name: &str, value: &str) {
    assert!(
        !name.is_empty() && name.bytes().all(crate::abnf::is_tchar),
        "header name {name:?} is not a token"
    );
    assert!(
        !value
            .bytes()
            .any(|b| b == b'\r' || b == b'\n' || b == b'\0'),
        "header {name}: refusing a value with CR, LF or NUL ({value:?}): \
         it would split the response"
    );
}

impl Headers {
    /// An empty map.
    #[must_use]
    pub fn new() -> Headers {
        // A page's response has about eight fields: room for them at once.
        Headers {
            fields: Vec::with_capacity(8),
        }
    }

    /// Adds a field after all others, even if one with that name exists.
    ///
    /// # Panics
    /// If the name is not a token or the value contains CR, LF or NUL.
    pub fn append(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<Cow<'static, str>>,
    ) {
        let (name, value) = (name.into(), value.into());
        check_field(&name, &value);
        self.fields.push((name, value));
    }

    /// Replaces every field of this name with one field (appended at the end
    /// if the name was absent, in place of the first otherwise).
    ///
    /// # Panics
    /// As [`Headers::append`].
    pub fn set(&mut self, name: impl Into<Cow<'static, str>>, value: impl Into<Cow<'static, str>>) {
        let (name, value) = (name.into(), value.into());
        check_field(&name, &value);
        match self.position(&name) {
            Some(i) => {
                self.fields[i].1 = value;
                let mut seen = 0;
                self.fields.retain(|(n, _)| {
                    if n.eq_ignore_ascii_case(&name) {
                        seen += 1;
                        seen == 1
                    } else {
                        true
                    }
                });
            }
            None => self.fields.push((name, value)),
        }
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.fields
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// The first value of a field, if present.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.position(name).map(|i| self.fields[i].1.as_ref())
    }

    /// Every value of a field, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }

    /// Whether a field is present.
    #[must_use]
    pub fn contains(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    /// Removes every field of this name.
    pub fn remove(&mut self, name: &str) {
        self.fields.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    /// All fields in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|(n, v)| (n.as_ref(), v.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_cookie_lines_stay_separate_and_ordered() {
        let mut h = Headers::new();
        h.append("Set-Cookie", "a=1; Expires=Wed, 09 Jun 2021 10:18:14 GMT");
        h.append("Content-Type", "text/plain");
        h.append("set-cookie", "b=2");
        let all: Vec<_> = h.get_all("SET-COOKIE").collect();
        assert_eq!(all, ["a=1; Expires=Wed, 09 Jun 2021 10:18:14 GMT", "b=2"]);
        assert_eq!(h.iter().count(), 3);
    }

    #[test]
    fn lookup_ignores_case_and_keeps_spelling() {
        let mut h = Headers::new();
        h.append("X-Goldfish", "blub");
        assert_eq!(h.get("x-goldfish"), Some("blub"));
        assert_eq!(h.iter().next(), Some(("X-Goldfish", "blub")));
        assert_eq!(h.get("x-other"), None);
    }

    #[test]
    fn set_replaces_all_in_place_of_the_first() {
        let mut h = Headers::new();
        h.append("Vary", "Cookie");
        h.append("Content-Type", "text/plain");
        h.append("vary", "Accept");
        h.set("Vary", "Cookie, Accept");
        let got: Vec<_> = h.iter().collect();
        assert_eq!(
            got,
            [("Vary", "Cookie, Accept"), ("Content-Type", "text/plain")]
        );
        h.remove("VARY");
        assert!(!h.contains("vary"));
    }

    #[test]
    #[should_panic(expected = "split the response")]
    fn a_value_with_crlf_is_refused() {
        Headers::new().append("Set-Cookie", "x\r\nSet-Cookie: admin=1");
    }

    #[test]
    #[should_panic(expected = "not a token")]
    fn a_name_with_a_colon_is_refused() {
        Headers::new().append("X-Evil: a", "b");
    }
}

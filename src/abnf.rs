//! The small grammar rules that HTTP and cookies share, each written once.
//!
//! RFCs define their syntax in ABNF (RFC 5234), and the same few rules
//! come back in every one of them: a *token* is a method, a field name and
//! a cookie name; a `%XX` escape is two *hex digits* in a URL, a chunk size
//! and a cookie value; *optional whitespace* surrounds a field value. h11
//! keeps these in one file, `_abnf.py`, quoting each rule; so does goldfish.
//! Everything here is a pure function of one byte or one slice.

/// `tchar` — RFC 9110 §5.6.2: the characters of a *token*, which is what a
/// method (RFC 9112 §3.1), a field name (RFC 9110 §5.1) and a cookie name
/// (RFC 6265 §4.1.1 `cookie-name = token`) must be.
///
/// ```text
/// token = 1*tchar
/// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
///         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
/// ```
///
/// What is missing is the point: the separators `"(),/:;<=>?@[\]{}`,
/// space and controls, which is what lets a parser find where a token ends.
///
/// # Examples
/// ```
/// use goldfish::abnf::is_tchar;
/// assert!(b"GET".iter().all(|&b| is_tchar(b)));
/// assert!(!is_tchar(b':'));
/// ```
#[must_use]
pub fn is_tchar(b: u8) -> bool {
    TCHAR[usize::from(b)]
}

/// [`is_tchar`] for every byte, worked out once at compile time: every
/// header name of every request and response is checked byte by byte, and
/// one table lookup is cheaper than fifteen comparisons.
const TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        // `i < 256`, so the cast is exact.
        #[allow(clippy::cast_possible_truncation)]
        let b = i as u8;
        table[i] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        i += 1;
    }
    table
};

/// [`is_tchar`] for a `char`: false for anything outside ASCII.
#[must_use]
pub fn is_tchar_char(c: char) -> bool {
    u8::try_from(c).is_ok_and(is_tchar)
}

/// Is every byte of `s` a [`tchar`](is_tchar), and is there at least one?
/// (`token = 1*tchar`.)
#[must_use]
pub fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

/// `HEXDIG` — RFC 5234 Appendix B.1 — as its value: `0`–`9`, `A`–`F` and,
/// because every RFC that uses it says hex digits are case-insensitive
/// (RFC 3986 §2.1 for `%XX`, RFC 9112 §7.1 for chunk sizes), `a`–`f` too.
///
/// # Examples
/// ```
/// use goldfish::abnf::hex_value;
/// assert_eq!(hex_value(b'f'), Some(15));
/// assert_eq!(hex_value(b'G'), None);
/// ```
#[must_use]
pub fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `OWS = *( SP / HTAB )` — RFC 9110 §5.6.3: the optional whitespace around
/// a field value, which is not part of the value.
#[must_use]
pub fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `s` without the [OWS](is_ows) at either end (RFC 9112 §5: "a field value
/// does not include leading or trailing whitespace").
#[must_use]
pub fn trim_ows(s: &[u8]) -> &[u8] {
    let lead = s.iter().take_while(|&&b| is_ows(b)).count();
    let trail = s[lead..].iter().rev().take_while(|&&b| is_ows(b)).count();
    &s[lead..s.len() - trail]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tchar_is_exactly_the_rfc_9110_set() {
        let got: String = (0u8..=255)
            .filter(|&b| is_tchar(b))
            .map(char::from)
            .collect();
        let mut want: String = "!#$%&'*+-.^_`|~".into();
        want.extend(('0'..='9').chain('A'..='Z').chain('a'..='z'));
        let mut want: Vec<char> = want.chars().collect();
        want.sort_unstable();
        assert_eq!(got, want.into_iter().collect::<String>());
        assert!(!is_tchar_char('é'), "is_tchar_char('é') = true; want false");
        assert!(is_tchar_char('~'));
    }

    #[test]
    fn tokens() {
        let cases: &[(&[u8], bool, &str)] = &[
            (b"GET", true, "a method"),
            (b"Content-Type", true, "a field name"),
            (b"", false, "a token has at least one tchar"),
            (b"Host ", false, "space is a separator"),
            (b"a:b", false, "colon is a separator"),
        ];
        for (input, want, why) in cases {
            let got = is_token(input);
            assert_eq!(
                got, *want,
                "{why}: is_token({input:?}) = {got}; want {want}"
            );
        }
    }

    #[test]
    fn hex_digits_in_both_cases() {
        let cases: &[(u8, Option<u8>)] = &[
            (b'0', Some(0)),
            (b'9', Some(9)),
            (b'a', Some(10)),
            (b'F', Some(15)),
            (b'g', None),
            (b' ', None),
            (b'/', None), // the byte before '0'
            (b':', None), // the byte after '9'
        ];
        for (b, want) in cases {
            let got = hex_value(*b);
            assert_eq!(
                got, *want,
                "hex_value({:?}) = {got:?}; want {want:?}",
                *b as char
            );
        }
    }

    #[test]
    fn ows_is_space_and_tab_only() {
        assert_eq!(trim_ows(b" \t a b \t"), b"a b");
        assert_eq!(trim_ows(b"   "), b"");
        assert_eq!(
            trim_ows(b"\x0bx\x0b"),
            b"\x0bx\x0b",
            "vertical tab is not OWS"
        );
    }
}

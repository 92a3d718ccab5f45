use super::*;

struct Fake;
impl Object for Fake {
    fn field(&self, key: &str) -> Option<String> {
        (key == "fav_number").then(|| "42".to_string())
    }
}

#[test]
fn render_table() {
    let fake = Fake;
    let vars = Vars::new()
        .text("color", "<script>alert('x')</script>")
        .text("name", "Ada")
        .html("panel", "<b>bold</b>")
        .object("session", &fake);
    let cases: &[(&str, &str, Result<&str, TemplateError>)] = &[
        ("plain text", "hello", Ok("hello")),
        ("a variable", "hi {{ name }}!", Ok("hi Ada!")),
        ("no spaces", "{{name}}", Ok("Ada")),
        (
            "text is escaped",
            "{{ color }}",
            Ok("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        ),
        ("html is not", "{{ panel }}", Ok("<b>bold</b>")),
        (
            "|safe opts out",
            "{{ color|safe }}",
            Ok("<script>alert('x')</script>"),
        ),
        ("session['key']", "{{ session['fav_number'] }}", Ok("42")),
        (
            "session[\"key\"]",
            "{{ session[\"fav_number\"] }}",
            Ok("42"),
        ),
        ("session.key", "{{ session.fav_number }}", Ok("42")),
        (
            "a missing key renders empty",
            "[{{ session.nope }}]",
            Ok("[]"),
        ),
        (
            "unknown variable",
            "{{ nope }}",
            Err(TemplateError::Unknown {
                name: "nope".into(),
            }),
        ),
        (
            "unknown object",
            "{{ cart.items }}",
            Err(TemplateError::Unknown {
                name: "cart".into(),
            }),
        ),
        (
            "unclosed",
            "a {{ name",
            Err(TemplateError::Unclosed { at: 2 }),
        ),
        (
            "bad expression",
            "{{ 1 + 1 }}",
            Err(TemplateError::BadExpression {
                expr: "1 + 1".into(),
            }),
        ),
        ("single braces are text", "{ name }", Ok("{ name }")),
    ];
    for (why, template, want) in cases {
        let got = render(template, &vars);
        assert_eq!(
            got.as_deref(),
            want.as_deref(),
            "{why}: render({template:?})"
        );
    }
}

#[test]
fn the_word_at_a_time_escape_agrees_with_one_byte_at_a_time() {
    // Every ASCII byte, at every offset of a string longer than two
    // words, against the plain definition: one character at a time.
    let plain = |s: &str| -> String {
        s.chars()
            .map(|c| match u8::try_from(c).ok().and_then(entity) {
                Some(e) => e.to_string(),
                None => c.to_string(),
            })
            .collect()
    };
    for b in 0..=127u8 {
        for at in 0..19 {
            let mut s = "x".repeat(19);
            s.replace_range(at..=at, char::from(b).encode_utf8(&mut [0; 4]));
            let (got, want) = (escape(&s), plain(&s));
            assert_eq!(got, want, "escape({s:?}) = {got:?}; want {want:?}");
        }
    }
}

#[test]
fn escape_table() {
    let cases = [
        ("", ""),
        ("plain", "plain"),
        ("a & b", "a &amp; b"),
        ("\"quoted\"", "&#34;quoted&#34;"),
        ("<>", "&lt;&gt;"),
        ("caf\u{e9}", "caf\u{e9}"),
        // Longer than a word (8 bytes), so the word-at-a-time test
        // runs: a character in each position of a word, and in the tail.
        ("abcdefg<", "abcdefg&lt;"),
        ("<bcdefgh", "&lt;bcdefgh"),
        ("abcdefgh'", "abcdefgh&#39;"),
        ("abcd>fghabcd&fghab\"", "abcd&gt;fghabcd&amp;fghab&#34;"),
        ("&&&&&&&&&", "&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;"),
        (
            "\u{e9}\u{e9}\u{e9}\u{e9}<\u{e9}",
            "\u{e9}\u{e9}\u{e9}\u{e9}&lt;\u{e9}",
        ),
        // Bytes one off each special one, which a sloppy word test
        // would take for it ('%' '=' '?' '!' '(' ';').
        ("%=?!(;%=?!(;", "%=?!(;%=?!(;"),
    ];
    for (input, want) in cases {
        assert_eq!(escape(input), want, "escape({input:?})");
    }
}

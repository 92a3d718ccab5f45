//! Facts tables: the same questions asked of every item of a kind.
//!
//! The course teaches by comparison in three tables: the ways to keep
//! state ([`super::strategies`]), the kinds of cookie scope and the
//! defences against cross-site request forgery ([`super::sites::scope`]).
//! Each is data — its questions, and a row per item with the answers in
//! the questions' order — and the same data feeds a lesson's facts box and
//! `/compare`, so the two can never disagree. The number of questions is
//! part of the type, so a row that forgets an answer does not compile.

use crate::template::escape;

/// A table: what its rows are, its questions (the columns), and its rows.
pub struct Table<K: 'static, const N: usize> {
    /// What one row is ("strategy"): the corner cell of `/compare`'s table.
    pub kind: &'static str,
    /// The questions, in column order.
    pub questions: [&'static str; N],
    /// The items, in lesson order.
    pub rows: &'static [Row<K, N>],
}

/// One item and its answers.
pub struct Row<K, const N: usize> {
    /// Which one: pages ask for a row by key, an enum, so a page cannot ask
    /// for a row that does not exist.
    pub key: K,
    /// Its name, as the row's header shows it.
    pub name: &'static str,
    /// The lesson that shows it.
    pub href: &'static str,
    /// Its answers, in the order of the table's questions.
    pub answers: [&'static str; N],
}

impl<K: Copy + PartialEq, const N: usize> Table<K, N> {
    /// The row of `key`.
    pub fn row(&self, key: K) -> &Row<K, N> {
        self.rows
            .iter()
            .find(|r| r.key == key)
            .unwrap_or(&self.rows[0]) // unreachable: each table's test checks every key has a row
    }

    /// The whole table for `/compare`: one row per item, its name linking
    /// to its lesson, one column per question; `id` makes it a link target.
    /// On a phone the stylesheet stacks it (`table.stack`: one block per
    /// row, each answer labelled with its question through `data-label`);
    /// the explicit roles keep it a table for screen readers.
    #[must_use]
    pub fn compare_html(&self, id: Option<&str>) -> String {
        let id = id.map(|id| format!(" id=\"{id}\"")).unwrap_or_default();
        let mut out = format!(
            "<table class=\"compare stack\"{id} role=\"table\">\n<thead role=\"rowgroup\">\
             <tr role=\"row\"><th scope=\"col\" role=\"columnheader\">{}</th>",
            escape(self.kind)
        );
        for q in self.questions {
            out.push_str(&format!(
                "<th scope=\"col\" role=\"columnheader\">{}</th>",
                escape(q)
            ));
        }
        out.push_str("</tr></thead>\n<tbody role=\"rowgroup\">\n");
        for row in self.rows {
            out.push_str(&format!(
                "<tr role=\"row\"><th scope=\"row\" role=\"rowheader\"><a href=\"{}\">{}</a></th>",
                escape(row.href),
                escape(row.name)
            ));
            for (q, a) in self.questions.iter().zip(row.answers) {
                out.push_str(&format!(
                    "<td role=\"cell\" data-label=\"{}\">{}</td>",
                    escape(q),
                    escape(a)
                ));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table>\n");
        out
    }
}

/// Checks a table for its tests: every key in `keys` has exactly one row,
/// and every row answers every question.
#[cfg(test)]
pub fn check<K: Copy + PartialEq + std::fmt::Debug, const N: usize>(
    table: &Table<K, N>,
    keys: &[K],
) {
    for key in keys {
        let rows = table.rows.iter().filter(|r| r.key == *key).count();
        assert_eq!(rows, 1, "{key:?} has {rows} rows; want 1");
    }
    assert_eq!(
        table.rows.iter().filter(|r| !keys.contains(&r.key)).count(),
        0
    );
    for row in table.rows {
        for (q, a) in table.questions.iter().zip(row.answers) {
            assert!(!a.is_empty(), "{} does not answer {q:?}", row.name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Key {
        A,
        B,
    }

    static TABLE: Table<Key, 2> = Table {
        kind: "thing",
        questions: ["how big", "how <old>"],
        rows: &[
            Row {
                key: Key::A,
                name: "a & co",
                href: "/a",
                answers: ["small", "new"],
            },
            Row {
                key: Key::B,
                name: "b",
                href: "/b?x=1&y=2",
                answers: ["large", "old"],
            },
        ],
    };

    #[test]
    fn a_row_is_found_by_its_key() {
        check(&TABLE, &[Key::A, Key::B]);
        assert_eq!(TABLE.row(Key::B).name, "b");
        assert_eq!(TABLE.row(Key::A).answers, ["small", "new"]);
    }

    #[test]
    fn the_compare_table_has_a_header_and_a_row_each_all_escaped() {
        let html = TABLE.compare_html(Some("things"));
        assert!(
            html.starts_with("<table class=\"compare stack\" id=\"things\""),
            "{html}"
        );
        assert_eq!(html.matches("<tr role=\"row\">").count(), 3, "{html}");
        for want in [
            ">thing</th>",
            ">how &lt;old&gt;</th>",
            "<a href=\"/b?x=1&amp;y=2\">b</a>",
            ">a &amp; co</a>",
            "<td role=\"cell\" data-label=\"how &lt;old&gt;\">old</td>",
        ] {
            assert!(html.contains(want), "compare_html lacks {want:?}:\n{html}");
        }
        assert!(!TABLE.compare_html(None).contains(" id="));
    }
}

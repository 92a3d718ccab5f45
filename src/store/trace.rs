//! What the server said to its store, and what the store said back, for
//! one request: the X-ray of the server's own state.
//!
//! The lesson pages' X-ray shows the bytes between the browser and
//! goldfish. A server-side session adds a second conversation the browser
//! never sees: goldfish and its store. Each store writes its half of that
//! conversation here, in its own terms:
//!
//! | store | a line sent | a line received |
//! | --- | --- | --- |
//! | memory | `map.get("Qm9v…")` | `Some: {"fav_color":"teal"}, expires in 31 days` |
//! | file | `read /srv/s/Qm9v….session` | the file's two lines |
//! | redis | `*2\r\n$3\r\nGET\r\n$60\r\ngoldfish:session:Qm9v…\r\n` | `$20\r\n{"fav_color":"teal"}\r\n` |
//! | postgres | `Bind goldfish_load: $1 = 'Qm9v…'`, `Execute`, `Sync` | `BindComplete`, `DataRow: …`, `ReadyForQuery: I` |
//!
//! A trace costs a few string copies per store call; [`Trace::off`] makes
//! it cost nothing (the closures are never run).

/// Which way a line went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// From goldfish to the store.
    Sent,
    /// From the store to goldfish.
    Got,
}

/// One line of the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub dir: Dir,
    pub text: String,
}

/// A conversation with the store. See the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    lines: Vec<Line>,
    /// `false`: record nothing.
    on: bool,
}

/// The longest line kept: a 64 KiB session shown whole helps nobody.
pub const MAX_LINE_CHARS: usize = 600;

impl Trace {
    /// A trace that records.
    #[must_use]
    pub fn new() -> Trace {
        Trace {
            lines: Vec::new(),
            on: true,
        }
    }

    /// A trace that records nothing (for callers that will not show it).
    #[must_use]
    pub fn off() -> Trace {
        Trace {
            lines: Vec::new(),
            on: false,
        }
    }

    /// Records what goldfish sent; `text` runs only if the trace is on.
    pub fn sent(&mut self, text: impl FnOnce() -> String) {
        self.push(Dir::Sent, text);
    }

    /// Records what the store answered; `text` runs only if the trace is on.
    pub fn got(&mut self, text: impl FnOnce() -> String) {
        self.push(Dir::Got, text);
    }

    fn push(&mut self, dir: Dir, text: impl FnOnce() -> String) {
        if self.on {
            self.lines.push(Line {
                dir,
                text: shorten(text()),
            });
        }
    }

    /// The lines, in order.
    #[must_use]
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }
}

impl Default for Trace {
    fn default() -> Trace {
        Trace::new()
    }
}

/// `text`, cut to [`MAX_LINE_CHARS`] characters with a note of how much went.
fn shorten(text: String) -> String {
    match text.char_indices().nth(MAX_LINE_CHARS) {
        None => text,
        Some((cut, _)) => {
            let rest = text[cut..].chars().count();
            format!("{}… ({rest} more characters)", &text[..cut])
        }
    }
}

/// Bytes as text a learner can read: printable ASCII as is, `\r` `\n` and
/// other bytes escaped, as Rust's `escape_ascii` writes them.
#[must_use]
pub fn escape(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_off_trace_runs_nothing() {
        let mut t = Trace::off();
        t.sent(|| panic!("never formatted"));
        assert!(t.lines().is_empty());
    }

    #[test]
    fn long_lines_are_cut_with_a_note() {
        let mut t = Trace::new();
        t.got(|| "é".repeat(MAX_LINE_CHARS + 5));
        let want = format!("{}… (5 more characters)", "é".repeat(MAX_LINE_CHARS));
        assert_eq!(t.lines()[0].text, want);
        assert_eq!(escape(b"GET\r\n"), "GET\\r\\n");
    }
}

//! The access log and the wire trace, on stderr.
//!
//! The access log has the shape of Werkzeug's development server (what Flask
//! prints), so the lecture's terminal looks the same:
//! ```text
//! 127.0.0.1 - - [25/Nov/2026 19:25:23] "GET / HTTP/1.1" 200 -
//! ```
//! `--trace` also prints each request head and response head as it crosses
//! the wire, prefixed `> ` and `< ` like `curl -v`, so a learner sees the
//! protocol from the server's side.
//!
//! Each entry is formatted into one string and written with one call, so
//! lines from different connections never interleave.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::http::date;
use crate::text::Clip;

/// Where log lines go.
#[derive(Debug, Clone, Default)]
pub enum Sink {
    /// Standard error (the default).
    #[default]
    Stderr,
    /// Nowhere (`--quiet`, and tests that don't look).
    Off,
    /// Kept in memory, for tests that read the log.
    Memory(Arc<Mutex<Vec<String>>>),
}

/// The logger of one server.
#[derive(Debug, Clone, Default)]
pub struct Log {
    pub sink: Sink,
    /// Also print each request and response head (`--trace`).
    pub trace: bool,
}

impl Log {
    /// Writes one entry (one or more lines, each ending in `\n`).
    pub fn write(&self, entry: &str) {
        match &self.sink {
            Sink::Stderr => {
                // One write_all of the whole entry; a failed log write must
                // not take a request down with it.
                let _ = std::io::stderr().lock().write_all(entry.as_bytes());
            }
            Sink::Off => {}
            Sink::Memory(lines) => {
                let mut lines = lines
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                lines.extend(entry.lines().map(str::to_string));
            }
        }
    }

    /// Whether access lines are written at all.
    #[must_use]
    pub fn enabled(&self) -> bool {
        !matches!(self.sink, Sink::Off)
    }

    /// `127.0.0.1 - - [25/Nov/2026 19:25:23] "GET / HTTP/1.1" 200 -`
    pub fn access(&self, peer: &SocketAddr, request_line: &str, status: u16) {
        if !self.enabled() {
            return;
        }
        let line = format!(
            "{} - - [{}] \"{}\" {} -\n",
            peer.ip(),
            date::log_timestamp(SystemTime::now()),
            printable(request_line),
            status
        );
        self.write(&line);
    }

    /// Prints a head with a prefix on every line (`> ` in, `< ` out).
    pub fn trace(&self, prefix: &str, head: &[u8]) {
        if !self.trace {
            return;
        }
        let text = String::from_utf8_lossy(head);
        let mut entry = String::with_capacity(text.len() + 64);
        for line in text.split_inclusive('\n') {
            entry.push_str(prefix);
            entry.push_str(&printable(line.trim_end_matches(['\r', '\n'])));
            entry.push('\n');
        }
        self.write(&entry);
    }
}

/// Makes request bytes safe to print on a terminal: control and bidi
/// characters (which could move the cursor, fake a log line or reorder what
/// is shown) become escapes, and lines past 200 characters are cut.
/// See [`crate::text`].
#[must_use]
pub fn printable(s: &str) -> String {
    Clip(s, 200).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_and_cuts() {
        assert_eq!(printable("\u{1b}[31mred"), "\\x1b[31mred");
        assert_eq!(printable("report\u{202e}txt.exe"), "report\\u{202e}txt.exe");
        assert_eq!(printable(&"x".repeat(500)).chars().count(), 201);
    }

    #[test]
    fn access_line_shape() {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let log = Log {
            sink: Sink::Memory(lines.clone()),
            trace: true,
        };
        log.access(&"127.0.0.1:5555".parse().unwrap(), "GET / HTTP/1.1", 200);
        log.trace("> ", b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        let lines = lines.lock().unwrap();
        assert!(lines[0].starts_with("127.0.0.1 - - ["), "{lines:?}");
        assert!(
            lines[0].ends_with("] \"GET / HTTP/1.1\" 200 -"),
            "{lines:?}"
        );
        assert_eq!(&lines[1..], ["> GET / HTTP/1.1", "> Host: a", "> "]);
    }
}

//! What a client is told when goldfish stops waiting for it: the body of
//! a 408 (RFC 9110 §15.5.9: "the server did not receive a complete request
//! message within the time that it was prepared to wait").
//!
//! A person typing into telnet reads these, so each says what goldfish
//! waited for, how long, why it does not wait longer, and what to do.

use std::time::Duration;

use crate::server::{CLASSROOM_WAIT, ServerConfig};

/// Which wait ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waited {
    /// Nothing at all arrived on a new connection.
    FirstByte,
    /// A request head was started and not finished.
    Head,
    /// A body was announced and did not arrive in time.
    Body,
}

/// The body of the 408 for `waited`, under `config`'s timeouts.
pub fn message(waited: Waited, config: &ServerConfig) -> String {
    let (time, mut text) = match waited {
        Waited::FirstByte => (
            config.idle_timeout,
            format!(
                "nothing arrived on this connection for {}, so goldfish closes it: an \
                 open connection costs the server memory, and HTTP lets a server close an \
                 idle one at any time (RFC 9112 §9.5). Type the request as soon as you \
                 connect: GET /hello HTTP/1.1, then Host: localhost, then an empty line.",
                seconds(config.idle_timeout)
            ),
        ),
        Waited::Head => (
            config.header_timeout,
            slow("a request head", config.header_timeout),
        ),
        Waited::Body => (
            config.body_timeout,
            slow("each part of a request body", config.body_timeout),
        ),
    };
    if time < CLASSROOM_WAIT {
        text.push_str(&format!(
            " (Typing by hand? Start goldfish with --classroom: it waits {} instead.)",
            seconds(CLASSROOM_WAIT)
        ));
    }
    text.push('\n');
    text
}

/// The sentence for a request that was too slow.
fn slow(what: &str, waited: Duration) -> String {
    format!(
        "the request did not arrive in time: goldfish waits {} for {what}, then gives up, so \
         that slow clients cannot tie it up. Type faster, or paste the whole request at once.",
        seconds(waited)
    )
}

/// `1 second`, `10 seconds`, `10 minutes`, `0.25 seconds` (tests use short
/// timeouts).
pub fn seconds(d: Duration) -> String {
    match (d.as_secs(), d.subsec_millis()) {
        (1, 0) => "1 second".to_string(),
        (60, 0) => "1 minute".to_string(),
        (s, 0) if s % 60 == 0 => format!("{} minutes", s / 60),
        (s, 0) => format!("{s} seconds"),
        _ => {
            let text = format!("{:.3}", d.as_secs_f64());
            format!("{} seconds", text.trim_end_matches('0'))
        }
    }
}

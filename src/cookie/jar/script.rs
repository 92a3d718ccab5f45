//! A conversation between a browser and some servers, replayed through the
//! jar: the script behind `goldfish cookie jar` and `/cookies/jar`.
//!
//! One event per line; blank lines and lines starting with `#` are skipped
//! (there are no trailing comments: a `Set-Cookie` value may contain `#`).
//!
//! ```text
//! set URL [cross-site] [subresource] [POST] Set-Cookie: a=b; Path=/
//! get URL [cross-site] [subresource] [POST]
//! js URL
//! wait SECONDS
//! ```
//!
//! `set`: a response from URL carried this `Set-Cookie` line (the rest of
//! the line, verbatim; the optional words describe the request it answered,
//! for SameSite). `get`: a request to URL, and the `Cookie` header that
//! goes with it. `js`: what `document.cookie` shows on a page at URL.
//! `wait`: time passes.
//!
//! The output echoes each event, then for `get` exactly one line
//! `Cookie: a=b; c=d` (`Cookie:` alone when nothing is sent) and for `js`
//! exactly one line `document.cookie: a=b`, then indented lines with the
//! reasons. So `grep '^Cookie:'` is the machine-readable answer, and the
//! rest is the lesson.

use std::fmt::{self, Write as _};

use super::{Context, Jar, JarCookie, SetOutcome, SetResult};
use crate::cookie::check::{RequestUrl, SameSiteFlag};
use crate::cookie::{Clip, Printable};
use crate::http::date::write_imf_fixdate;

/// What one event did: its line, the answer line (for `get` and `js`),
/// the explanation, and the jar afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// 1-based line number in the script.
    pub line_no: usize,
    /// The event as written.
    pub source: String,
    /// `Cookie: …` or `document.cookie: …`; `None` for `set` and `wait`.
    pub answer: Option<String>,
    /// The explanation, one sentence per line.
    pub notes: Vec<String>,
    /// The cookies in the jar after the event, in storage order (empty
    /// unless the replay keeps snapshots).
    pub jar: Vec<JarCookie>,
    /// The clock after the event (seconds since the epoch).
    pub now: i64,
}

/// The result of a script: each step, and whether it was cut short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    pub steps: Vec<Step>,
    /// Events beyond `max_events` that were not run.
    pub skipped: usize,
}

/// Replays `script` through `jar`, starting the clock at `now` (seconds
/// since the epoch). At most `max_events` events run; the rest are counted
/// in [`Replay::skipped`]. With `snapshots`, each step keeps a copy of the
/// jar (for the web page; the command line does without, since a copy per
/// event costs memory in proportion to events times cookies). A malformed
/// line is explained in its step and the replay goes on.
pub fn replay(
    script: &str,
    jar: &mut Jar,
    mut now: i64,
    max_events: usize,
    snapshots: bool,
) -> Replay {
    let mut replay = Replay {
        steps: Vec::new(),
        skipped: 0,
    };
    for (i, raw) in script.lines().enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = line.trim_start();
        if trimmed.trim_end().is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if replay.steps.len() >= max_events {
            replay.skipped += 1;
            continue;
        }
        let mut step = Step {
            line_no: i + 1,
            source: line.to_owned(),
            answer: None,
            notes: Vec::new(),
            jar: Vec::new(),
            now,
        };
        let (verb, rest) = split_word(trimmed);
        match verb.to_ascii_lowercase().as_str() {
            "set" => run_set(rest, jar, now, &mut step),
            "get" => run_get(rest, jar, now, &mut step, false),
            "js" => run_get(rest, jar, now, &mut step, true),
            "wait" => match parse_seconds(rest.trim()) {
                Some(secs) => {
                    now = now.saturating_add(secs);
                    let mut date = String::new();
                    write_imf_fixdate(now, &mut date);
                    step.notes
                        .push(format!("{secs} s pass: the clock is now {date}."));
                }
                None => step.notes.push(format!(
                    "error: wait needs a whole number of seconds, e.g. wait 60 (not {})",
                    Clip(rest.trim(), 40)
                )),
            },
            _ => step.notes.push(format!(
                "error: {} is not an event; a line is set, get, js or wait (or a # comment)",
                Clip(verb, 40)
            )),
        }
        step.now = now;
        if snapshots {
            step.jar = jar.cookies().to_vec();
        }
        replay.steps.push(step);
    }
    replay
}

impl Replay {
    /// The text `goldfish cookie jar` prints.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for step in &self.steps {
            // An echo never starts like an answer: a line that is not an
            // event (`Cookie: a=b` pasted by mistake) is marked with `? `.
            let (verb, _) = split_word(&step.source);
            let known = ["set", "get", "js", "wait"]
                .iter()
                .any(|v| verb.eq_ignore_ascii_case(v));
            let mark = if known { "" } else { "? " };
            let _ = writeln!(out, "{mark}{}", Printable(&step.source));
            if let Some(answer) = &step.answer {
                let _ = writeln!(out, "{}", Printable(answer));
            }
            for note in &step.notes {
                for line in note.lines() {
                    let _ = writeln!(out, "  {}", Printable(line));
                }
            }
        }
        if self.skipped > 0 {
            let _ = writeln!(
                out,
                "# {} more events were not run (the limit).",
                self.skipped
            );
        }
        out
    }
}

/// `set URL [context…] Set-Cookie: line`.
fn run_set(rest: &str, jar: &mut Jar, now: i64, step: &mut Step) {
    let (url_text, after) = split_word(rest.trim_start());
    let (words, line) = match find_ignore_case(after, "set-cookie:") {
        Some(at) => (&after[..at], &after[at..]),
        None => ("", after),
    };
    let url = match RequestUrl::parse(url_text) {
        Ok(url) => url,
        Err(e) => {
            step.notes.push(format!("error: {e}"));
            return;
        }
    };
    let ctx = match context(words) {
        Ok(ctx) => ctx,
        Err(e) => {
            step.notes.push(format!("error: {e}"));
            return;
        }
    };
    let result = jar.set(line, &url, ctx, now);
    step.notes.push(result.report.verdict_sentence());
    if let Some(note) = outcome_sentence(&result, jar) {
        step.notes.push(note);
    }
}

/// `get URL [context…]` or `js URL`.
fn run_get(rest: &str, jar: &mut Jar, now: i64, step: &mut Step, script: bool) {
    let label = if script {
        "document.cookie:"
    } else {
        "Cookie:"
    };
    step.answer = Some(label.to_owned());
    let (url_text, words) = split_word(rest.trim_start());
    let url = match RequestUrl::parse(url_text) {
        Ok(url) => url,
        Err(e) => {
            step.notes.push(format!("error: {e}"));
            return;
        }
    };
    let retrieval = if script {
        if !words.trim().is_empty() {
            step.notes.push(
                "note: js takes only a URL; document.cookie is read by the page itself".to_owned(),
            );
        }
        jar.js(&url, now)
    } else {
        match context(words) {
            Ok(ctx) => jar.get(&url, ctx, now),
            Err(e) => {
                step.notes.push(format!("error: {e}"));
                return;
            }
        }
    };
    if !retrieval.header.is_empty() {
        step.answer = Some(format!("{label} {}", retrieval.header));
    }
    if retrieval.decisions.is_empty() {
        step.notes.push("(the jar is empty)".to_owned());
    }
    for d in retrieval.decisions {
        let why = if script {
            d.why
                .replacen("not sent:", "hidden:", 1)
                .replacen("sent:", "shown:", 1)
        } else {
            d.why
        };
        step.notes
            .push(format!("{}: {why}", Clip(&d.cookie.pair(), 60)));
    }
}

/// A word where a request context was expected (`cross-site`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
struct NotAContext {
    word: String,
}

impl fmt::Display for NotAContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is not a request context; use cross-site, subresource or POST",
            Clip(&self.word, 40)
        )
    }
}

/// The words between the URL and `Set-Cookie:` (or after the URL of a
/// `get`): `cross-site`, `subresource`, `POST`, in any order and case.
fn context(words: &str) -> Result<Context, NotAContext> {
    let mut ctx = Context::default();
    for word in words.split_whitespace() {
        match word.to_ascii_lowercase().as_str() {
            "cross-site" => ctx.cross_site = true,
            "same-site" => ctx.cross_site = false,
            "subresource" => ctx.subresource = true,
            "post" | "put" | "delete" | "patch" => ctx.unsafe_method = true,
            "get" | "head" => ctx.unsafe_method = false,
            _ => {
                return Err(NotAContext {
                    word: word.to_string(),
                });
            }
        }
    }
    Ok(ctx)
}

/// What the jar did, beyond the checker's verdict.
fn outcome_sentence(result: &SetResult, jar: &Jar) -> Option<String> {
    let mut s = match &result.outcome {
        SetOutcome::Refused => return None,
        SetOutcome::Added => format!("The jar now holds {}.", describe(result, jar)?),
        SetOutcome::Replaced { old, kept_creation } => {
            let order = if *kept_creation {
                "it keeps the old cookie's creation time, so its place in the Cookie header \
                 (RFC 6265bis §5.7 step 23)"
            } else {
                "with a new value it gets a new creation time in Chromium, so it now sorts \
                 after the cookies created since (the RFC and Firefox would keep the old one)"
            };
            format!(
                "It replaces {} (same name, domain and path); {order}. The jar now holds {}.",
                Clip(&old.pair(), 60),
                describe(result, jar)?
            )
        }
        SetOutcome::Deleted { old: Some(old) } => format!(
            "It deletes {} from the jar (same name, domain and path).",
            Clip(&old.pair(), 60)
        ),
        SetOutcome::Deleted { old: None } => {
            "The jar held no cookie with that name, domain and path, so nothing changes.".to_owned()
        }
        SetOutcome::ShadowsSecure { secure } => format!(
            "But the jar refuses it: {} holds a Secure cookie {} (domain {}, path {}), and a \
             page that is not secure may not create a cookie that would shadow it (RFC 6265bis \
             §5.7 step 16, \"Leave Secure Cookies Alone\"). Nothing changes.",
            jar.browser(),
            Clip(&secure.pair(), 60),
            secure.cookie.domain,
            secure.cookie.path
        ),
        SetOutcome::CrossSiteSameSite { flag } => {
            let flag = match flag {
                SameSiteFlag::Default => "a cookie without SameSite (Lax to Chromium)".to_owned(),
                other => format!("a SameSite={other} cookie"),
            };
            format!(
                "But the jar refuses it: a response to a cross-site subresource request may not \
                 set {flag} (RFC 6265bis §5.7 step 18). Nothing changes."
            )
        }
    };
    if !result.evicted.is_empty() {
        let names: Vec<String> = result
            .evicted
            .iter()
            .take(5)
            .map(|c| Clip(&c.pair(), 30).to_string())
            .collect();
        let more = result.evicted.len().saturating_sub(names.len());
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let limits = jar.limits();
        let _ = write!(
            s,
            "\nThe jar was over its limits ({} cookies per site, {} in all, for {}), so it \
             evicted {}{more}: non-Secure first, least recently used first.",
            limits.per_site,
            limits.total,
            jar.browser(),
            names.join(", ")
        );
    }
    Some(s)
}

/// `a=b: host-only for example.com, path /, a session cookie, HttpOnly`.
fn describe(result: &SetResult, jar: &Jar) -> Option<String> {
    let c = result.report.cookie.as_ref()?;
    let stored = jar.cookies().iter().find(|k| {
        k.cookie.name == c.name && k.cookie.domain == c.domain && k.cookie.path == c.path
    });
    let pair = stored.map_or_else(|| format!("{}={}", c.name, c.value), JarCookie::pair);
    let mut s = format!("{}: ", Clip(&pair, 60));
    if c.host_only {
        let _ = write!(s, "host-only for {}", c.domain);
    } else {
        let _ = write!(s, "for {} and its subdomains", c.domain);
    }
    let _ = write!(s, ", path {}", Clip(&c.path, 60));
    match stored.and_then(|k| k.expiry) {
        None => s.push_str(", a session cookie"),
        Some(t) => {
            s.push_str(", until ");
            write_imf_fixdate(t, &mut s);
        }
    }
    for (on, name) in [
        (c.secure, "Secure"),
        (c.http_only, "HttpOnly"),
        (c.partitioned, "Partitioned"),
    ] {
        if on {
            let _ = write!(s, ", {name}");
        }
    }
    match c.same_site {
        SameSiteFlag::Default => {}
        flag => {
            let _ = write!(s, ", SameSite={flag}");
        }
    }
    Some(s)
}

/// The first whitespace-separated word, and the rest (untrimmed).
fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    }
}

/// The byte index of `needle` (ASCII) in `hay`, ignoring ASCII case.
fn find_ignore_case(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (0..=h.len().checked_sub(n.len())?).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// A whole number of seconds, at most a century.
fn parse_seconds(s: &str) -> Option<i64> {
    let s = s.strip_suffix('s').unwrap_or(s);
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 10 {
        return None;
    }
    s.parse::<i64>().ok().filter(|n| *n <= 100 * 365 * 86_400)
}

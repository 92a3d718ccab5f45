//! Printing a [`Report`]: the verdict first, then the cookie, then the story.
//!
//! ```text
//! Set-Cookie: sid=1; Secure
//!   received from http://example.com/ at Wed, 25 Nov 2026 20:25:23 GMT
//!
//! Verdict: REJECTED. the Secure attribute arrived over plain HTTP …
//! ```
//! Everything that came from the input goes through `Printable`, so a line
//! holding terminal escape codes cannot repaint the learner's terminal.

use std::fmt;

use super::{Outcome, Report, StoredCookie, Verdict};
use crate::cookie::{Clip, Printable};
use crate::http::date::{unix_seconds, write_imf_fixdate};

/// How much of a long name, value or attribute a line of the report shows.
const SHOWN: usize = 80;

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Set-Cookie: {}", Clip(&self.line, 200))?;
        if let Some(bytes) = self.cut_from {
            writeln!(
                f,
                "  (a line of {bytes} bytes: the checker read the first {})",
                self.line.len()
            )?;
        }
        writeln!(
            f,
            "  received from {} at {}",
            self.url,
            date(unix_seconds(self.now))
        )?;
        writeln!(f)?;
        writeln!(f, "{}", self.verdict_sentence())?;
        if let Verdict::Rejected(r) = &self.verdict
            && let Some(d) = r.devtools()
        {
            writeln!(
                f,
                "Chromium's DevTools lists the line as blocked ({}): \"{}\"",
                d.reason, d.sentence
            )?;
        }
        if let Some(cookie) = &self.cookie {
            writeln!(f)?;
            let heading = match self.verdict {
                Verdict::Deletes => "The cookie it deletes:",
                _ => "The cookie in the browser's jar:",
            };
            writeln!(f, "{heading}")?;
            write_cookie(f, cookie, self.verdict == Verdict::Deletes)?;
        }
        writeln!(f)?;
        writeln!(f, "What the browser did with each part:")?;
        let mut n = 0;
        for note in &self.notes {
            let bullet = if note.attribute.starts_with("(no ") {
                "  -".to_owned()
            } else {
                n += 1;
                format!("{n:>3}.")
            };
            writeln!(f, "{bullet} {}", Clip(&note.attribute, SHOWN))?;
            writeln!(
                f,
                "     [{}] {}.",
                note.outcome,
                Printable(&note.explanation)
            )?;
        }
        Ok(())
    }
}

impl Report {
    /// The verdict as one paragraph: `Verdict: STORED. …`, `Verdict:
    /// DELETES. …` or `Verdict: REJECTED: why. …` — the first thing the
    /// report prints, and what `goldfish cookie jar` prints for a `set`.
    #[must_use]
    pub fn verdict_sentence(&self) -> String {
        match (&self.verdict, &self.cookie) {
            (Verdict::Stored, Some(c)) => {
                // A nameless cookie goes back as its bare value (6265bis §5.8.3).
                let eq = if c.name.is_empty() { "" } else { "=" };
                format!(
                    "Verdict: STORED. The browser keeps this cookie and sends \"{}{eq}{}\" back \
                     with every matching request.",
                    Clip(&c.name, SHOWN),
                    Clip(&c.value, SHOWN)
                )
            }
            (Verdict::Deletes, _) => "Verdict: DELETES. The cookie is already expired, so \
                 nothing is stored, and the browser deletes any cookie it holds with the same \
                 name, domain and path."
                .to_owned(),
            (Verdict::Rejected(why), _) => format!(
                "Verdict: REJECTED: {why}.\nThe browser ignores the whole line: nothing is \
                 stored and nothing is deleted."
            ),
            (Verdict::Stored, None) => "Verdict: STORED.".to_owned(),
        }
    }
}

fn write_cookie(f: &mut fmt::Formatter<'_>, c: &StoredCookie, deleting: bool) -> fmt::Result {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let scope = if c.host_only {
        "host-only: this exact host, no subdomains"
    } else {
        "this domain and all its subdomains"
    };
    let name = if c.name.is_empty() {
        "(empty)"
    } else {
        &c.name
    };
    writeln!(f, "  name         {}", Clip(name, SHOWN))?;
    if !deleting {
        writeln!(f, "  value        {}", Clip(&c.value, SHOWN))?;
    }
    writeln!(f, "  domain       {} ({scope})", Clip(&c.domain, SHOWN))?;
    writeln!(f, "  path         {}", Clip(&c.path, SHOWN))?;
    if deleting {
        return Ok(());
    }
    match c.expires {
        None => writeln!(
            f,
            "  expires      at the end of the session (a session cookie)"
        )?,
        Some(t) => writeln!(
            f,
            "  expires      {} (a persistent cookie)",
            date(unix_seconds(t))
        )?,
    }
    writeln!(f, "  secure       {}", yes_no(c.secure))?;
    writeln!(f, "  http-only    {}", yes_no(c.http_only))?;
    match c.same_site {
        super::SameSiteFlag::Default => writeln!(
            f,
            "  same-site    Default (Lax in Chromium-based browsers, None in Firefox and Safari)"
        )?,
        other => writeln!(f, "  same-site    {other}")?,
    }
    writeln!(f, "  partitioned  {}", yes_no(c.partitioned))
}

fn date(secs: i64) -> String {
    let mut out = String::with_capacity(29);
    write_imf_fixdate(secs, &mut out);
    out
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Accepted => "accepted",
            Outcome::Capped => "capped",
            Outcome::Defaulted => "default",
            Outcome::Ignored => "ignored",
            Outcome::CausedRejection => "REJECTED",
        })
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Stored => f.write_str("stored"),
            Verdict::Deletes => f.write_str("deletes"),
            Verdict::Rejected(why) => write!(f, "rejected: {why}"),
        }
    }
}

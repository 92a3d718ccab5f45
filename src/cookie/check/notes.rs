//! One sentence per part of the line: what the browser did with it, and why.
//!
//! The notes follow the line from left to right (the name/value pair, then
//! each attribute), then add a note for each important attribute that was
//! *absent*, because a missing `Path` or `Domain` explains most cookies
//! that "don't stick".

use super::parse::{Attribute, Expiry, Kind, MAX_AGE_LIMIT, Parsed, Slot};
use super::storage::{Blamed, Stored};
use super::{Note, Outcome, RequestUrl, SameSiteFlag};
use crate::cookie::{Excerpt, default_path, is_cookie_octet};
use crate::http::date::write_imf_fixdate;

/// How much of a value a sentence quotes.
const SHOWN: usize = 60;

const DEFAULT_SAME_SITE: &str =
    "Chromium-based browsers treat it as Lax, Firefox and Safari as None";

/// Explains a parsed line and the storage model's result.
pub(super) fn explain(
    p: &Parsed,
    stored: &Result<Stored, Blamed>,
    url: &RequestUrl,
    now: i64,
) -> Vec<Note> {
    let blamed = stored.as_ref().err();
    let mut notes = Vec::with_capacity(p.attributes.len() + 5);

    // The name/value pair.
    let (outcome, explanation) = match blamed {
        Some(b) if b.part.is_none() => (Outcome::CausedRejection, b.rejection.to_string()),
        _ => (Outcome::Accepted, pair_sentence(p)),
    };
    let attribute = p.pair.trim_matches([' ', '\t']).to_owned();
    notes.push(Note {
        attribute,
        outcome,
        explanation,
    });

    // Each attribute, in order. Empty pieces (`a=b;` or `;;`) are skipped:
    // they carry nothing, and the browser skips them too.
    for (i, attr) in p.attributes.iter().enumerate() {
        if attr.text.is_empty() {
            continue;
        }
        let (outcome, explanation) = match blamed {
            Some(b) if b.part == Some(i) => (Outcome::CausedRejection, b.rejection.to_string()),
            _ => attribute_sentence(p, i, attr, stored.as_ref().ok(), url, now),
        };
        let attribute = attr.text.to_owned();
        notes.push(Note {
            attribute,
            outcome,
            explanation,
        });
    }

    // The defaults that apply because an attribute is missing.
    if p.last_of(Slot::Domain).is_none() {
        notes.push(absent(
            "Domain",
            format!(
                "without Domain the cookie is host-only: it goes back to {} only, not to \
                 its subdomains",
                url.host()
            ),
        ));
    }
    if p.last_of(Slot::Path).is_none() {
        let dir = default_path(url.path());
        let sentence = if dir == "/" {
            format!(
                "without Path the browser uses the default path {dir:?}, from the URL path \
                 {:?} (RFC 6265 §5.1.4), so the cookie is sent for every path",
                url.path()
            )
        } else {
            format!(
                "without Path the browser uses the default path {dir:?}, the directory of \
                 the URL path {:?} (RFC 6265 §5.1.4), so pages outside {dir} will not get \
                 the cookie; add Path=/ for the whole site",
                url.path()
            )
        };
        notes.push(absent("Path", sentence));
    }
    if p.last_of(Slot::MaxAge).is_none() && p.last_of(Slot::Expires).is_none() {
        notes.push(absent(
            "Expires/Max-Age",
            "without Expires or Max-Age this is a session cookie: the browser drops it when \
             the session ends"
                .to_owned(),
        ));
    }
    if p.last_of(Slot::HttpOnly).is_none() {
        notes.push(absent(
            "HttpOnly",
            "without HttpOnly, JavaScript on the page can read the cookie through \
             document.cookie (fine for a colour, not for a session id)"
                .to_owned(),
        ));
    }
    if p.last_of(Slot::SameSite).is_none() {
        notes.push(absent(
            "SameSite",
            format!("without SameSite the browser's default applies: {DEFAULT_SAME_SITE}"),
        ));
    }
    notes
}

/// For an unreadable Expires or Max-Age that is the last of its name but
/// not the first: Chromium keeps the last one, so the earlier, readable
/// one no longer counts either.
fn cancels(p: &Parsed, i: usize, slot: Slot, name: &str) -> String {
    let earlier = p.attributes[..i]
        .iter()
        .any(|a| a.kind.slot() == Some(slot));
    if earlier && p.last_of(slot) == Some(i) {
        format!(
            "; being the last {name}, it also cancels the earlier one (Chromium keeps the last \
             {name} attribute, readable or not)"
        )
    } else {
        String::new()
    }
}

fn absent(name: &str, explanation: String) -> Note {
    Note {
        attribute: format!("(no {name})"),
        outcome: Outcome::Defaulted,
        explanation,
    }
}

fn pair_sentence(p: &Parsed) -> String {
    let value = Excerpt(p.value, SHOWN);
    if !p.has_equals {
        return format!(
            "there is no '=', so browsers store a cookie with an empty name and the value \
             {value} (RFC 6265bis §5.6 step 3); it comes back as a bare {value}, which most \
             servers (goldfish too) cannot look up by name"
        );
    }
    if p.name.is_empty() {
        return format!(
            "the name before '=' is empty, so this is a nameless cookie with the value {value}; \
             most servers (goldfish too) cannot look it up by name"
        );
    }
    let mut s = format!(
        "the cookie is named {} and holds {value}",
        Excerpt(p.name, SHOWN)
    );
    let quoted = p.value.len() >= 2 && p.value.starts_with('"') && p.value.ends_with('"');
    if quoted {
        s.push_str("; the double quotes are part of the value, and the browser sends them back");
    }
    let inner = if quoted {
        &p.value[1..p.value.len() - 1]
    } else {
        p.value
    };
    let odd = p.name.chars().chain(inner.chars()).find(|c| {
        // A name should be a token, a value cookie-octets (RFC 6265 §4.1.1).
        !c.is_ascii() || !is_cookie_octet(*c as u8)
    });
    if let Some(c) = odd {
        s.push_str(&format!(
            "; it contains {c:?}, which the server grammar forbids (RFC 6265 §4.1.1): \
             browsers accept it, but servers may read it differently, so percent-encode it"
        ));
    }
    s
}

fn attribute_sentence(
    p: &Parsed,
    i: usize,
    attr: &Attribute,
    stored: Option<&Stored>,
    url: &RequestUrl,
    now: i64,
) -> (Outcome, String) {
    let value = Excerpt(attr.value, SHOWN);
    // Malformed or unknown attributes first: they never reach the cookie.
    match &attr.kind {
        Kind::TooLong => {
            let len = attr.value.len();
            return (
                Outcome::Ignored,
                format!(
                    "its value is {len} bytes, and browsers ignore any attribute value over \
                     1024 bytes (RFC 6265bis §5.6)"
                ),
            );
        }
        Kind::Unknown => {
            return (
                Outcome::Ignored,
                format!(
                    "browsers skip attributes they do not know (RFC 6265 §5.2); {} is not one \
                     of Expires, Max-Age, Domain, Path, Secure, HttpOnly, SameSite, Partitioned",
                    Excerpt(attr.name, SHOWN)
                ),
            );
        }
        Kind::Expires(None) => {
            return (
                Outcome::Ignored,
                format!(
                    "{value} is not a date a browser can read (it needs a day, a month, a year \
                     and hh:mm:ss, RFC 6265 §5.1.1), e.g. Wed, 09 Jun 2027 10:18:14 GMT{}",
                    cancels(p, i, Slot::Expires, "Expires")
                ),
            );
        }
        Kind::MaxAge(None) => {
            return (
                Outcome::Ignored,
                format!(
                    "Max-Age must be a whole number of seconds, e.g. Max-Age=3600 \
                     (RFC 6265 §5.2.2), and {value} is not{}",
                    cancels(p, i, Slot::MaxAge, "Max-Age")
                ),
            );
        }
        _ => {}
    }
    // Last one wins (RFC 6265bis §5.7: "the last attribute … with an
    // attribute-name of …"), and Max-Age beats Expires.
    if let Some(slot) = attr.kind.slot()
        && p.last_of(slot) != Some(i)
    {
        return (
            Outcome::Ignored,
            format!(
                "a later {} attribute in the same line replaces this one: the last one \
                 counts (RFC 6265bis §5.7)",
                attr.name
            ),
        );
    }
    let no_value = |what: &str| {
        if attr.value.is_empty() {
            String::new()
        } else {
            format!(
                "; {what} takes no value, so {value} is ignored and the attribute still \
                 counts ({}=false still means {what})",
                attr.name
            )
        }
    };
    match &attr.kind {
        Kind::Expires(Some(_)) if p.max_age_counts() => (
            Outcome::Ignored,
            "Max-Age is also present, and Max-Age takes precedence over Expires \
             (RFC 6265bis §5.7 step 6)"
                .to_owned(),
        ),
        Kind::Expires(Some(e)) => expiry_sentence(e, now, "the date is already past"),
        Kind::MaxAge(Some(e)) => expiry_sentence(e, now, "Max-Age is zero or negative"),
        Kind::Domain(d) if d.is_empty() => (
            Outcome::Defaulted,
            format!(
                "an empty Domain counts as no Domain: the cookie is host-only, sent to {} only",
                url.host()
            ),
        ),
        Kind::Domain(d) if stored.is_some_and(|s| s.domain_was_suffix) => (
            Outcome::Defaulted,
            format!(
                "{} is a public suffix, which no site may scope a cookie to; because it is \
                 the request host itself, the cookie simply becomes host-only (RFC 6265bis \
                 §5.7 step 9)",
                Excerpt(d, SHOWN)
            ),
        ),
        Kind::Domain(d) => (
            Outcome::Accepted,
            format!(
                "the cookie goes to {} and every subdomain of it (e.g. www.{}); leave Domain \
                 out to keep it on one host",
                Excerpt(d, SHOWN),
                crate::cookie::Clip(d, SHOWN)
            ),
        ),
        Kind::Path {
            path,
            defaulted: true,
        } => (
            Outcome::Defaulted,
            format!(
                "a Path must start with '/'; {value} does not, so the browser uses the default \
                 path {} instead (RFC 6265 §5.1.4, §5.2.4)",
                Excerpt(path, SHOWN)
            ),
        ),
        Kind::Path { path, .. } => (
            Outcome::Accepted,
            format!(
                "the cookie is sent only to URLs whose path is {} or below it",
                Excerpt(path, SHOWN)
            ),
        ),
        Kind::Secure => (
            Outcome::Accepted,
            format!(
                "the cookie travels only over HTTPS (or to localhost), never over plain HTTP{}",
                no_value("Secure")
            ),
        ),
        Kind::HttpOnly => (
            Outcome::Accepted,
            format!(
                "JavaScript cannot read the cookie through document.cookie; it still goes \
                 with every request{}",
                no_value("HttpOnly")
            ),
        ),
        Kind::SameSite(flag) => same_site_sentence(*flag, attr),
        Kind::Partitioned => (
            Outcome::Accepted,
            format!(
                "inside another site's iframe the cookie is kept in a separate jar for that \
                 top-level site (CHIPS); on its own site it behaves as usual{}",
                no_value("Partitioned")
            ),
        ),
        Kind::TooLong | Kind::Unknown | Kind::Expires(None) | Kind::MaxAge(None) => {
            (Outcome::Ignored, String::new()) // handled above
        }
    }
}

fn expiry_sentence(e: &Expiry, now: i64, why_expired: &str) -> (Outcome, String) {
    let mut date = String::with_capacity(29);
    write_imf_fixdate(e.at, &mut date);
    if e.at <= now {
        return (
            Outcome::Accepted,
            format!(
                "the cookie expires at once ({why_expired}), so the browser stores nothing \
                 and deletes any cookie it holds with this name, domain and path"
            ),
        );
    }
    if e.capped {
        let days = MAX_AGE_LIMIT / 86_400;
        return (
            Outcome::Capped,
            format!(
                "browsers keep a cookie for at most {days} days (RFC 6265bis §5.5), so this \
                 one expires on {date} instead"
            ),
        );
    }
    (
        Outcome::Accepted,
        format!(
            "the cookie is kept until {date} ({}), even across browser restarts",
            human_duration(e.at - now)
        ),
    )
}

fn same_site_sentence(flag: SameSiteFlag, attr: &Attribute) -> (Outcome, String) {
    let sentence = match flag {
        SameSiteFlag::Strict => {
            "the cookie goes only with requests this site starts; arriving from a link on \
             another site, the first page load comes without it"
        }
        SameSiteFlag::Lax => {
            "the cookie also goes along when the user follows a link from another site, but \
             not with other sites' images, iframes or form POSTs"
        }
        SameSiteFlag::None => {
            "the cookie goes with cross-site requests too (embeds, iframes, POSTs from other \
             sites), which is why it needs Secure"
        }
        SameSiteFlag::Default => {
            return (
                Outcome::Defaulted,
                format!(
                    "{} is not Strict, Lax or None, so the browser uses its default \
                     (RFC 6265bis §5.6.7): {DEFAULT_SAME_SITE}",
                    Excerpt(attr.value, SHOWN)
                ),
            );
        }
    };
    (Outcome::Accepted, sentence.to_owned())
}

/// `3600` → `1 hour`, `90061` → `1 day 1 hour`: the two largest units.
fn human_duration(secs: i64) -> String {
    let units = [
        ("day", 86_400),
        ("hour", 3_600),
        ("minute", 60),
        ("second", 1),
    ];
    let mut parts = Vec::new();
    let mut left = secs.max(0);
    for (name, size) in units {
        let n = left / size;
        if n > 0 && parts.len() < 2 {
            parts.push(format!("{n} {name}{}", if n == 1 { "" } else { "s" }));
            left -= n * size;
        } else if !parts.is_empty() {
            break;
        }
    }
    if parts.is_empty() {
        "0 seconds".to_owned()
    } else {
        format!("in {}", parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::human_duration;

    #[test]
    fn human_durations() {
        let cases: &[(i64, &str)] = &[
            (0, "0 seconds"),
            (1, "in 1 second"),
            (3600, "in 1 hour"),
            (3660, "in 1 hour 1 minute"),
            (90_061, "in 1 day 1 hour"),
            (86_400 * 400, "in 400 days"),
            (86_400 + 1, "in 1 day"),
        ];
        for (secs, want) in cases {
            assert_eq!(human_duration(*secs), *want, "human_duration({secs})");
        }
    }
}

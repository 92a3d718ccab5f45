//! The Set-Cookie checker: "why doesn't my cookie stick?"
//!
//! Give it one `Set-Cookie` line and the URL of the response that carried
//! it, and it does what a browser does, step by step, then says what
//! happened and why:
//!
//! 1. **Parse** the line leniently (RFC 6265bis §5.6, in `check/parse.rs`):
//!    split at the first `;`, then at the first `=`, trim, read each
//!    attribute case-insensitively, skip what is unknown or malformed.
//! 2. **Store** it (the storage model, RFC 6265bis §5.7, in
//!    `check/storage.rs`): compute the expiry, check the Domain against the
//!    host, pick the Path, enforce `Secure`, `SameSite=None`, `Partitioned`
//!    and the `__Secure-`/`__Host-` prefixes.
//! 3. **Explain** every part of the line in one sentence each
//!    (`check/notes.rs`), and print it all (`check/report.rs`).
//!
//! Browsers never tell a server that they dropped its cookie; the console
//! warning is the only trace. That silence is why this tool exists.
//!
//! Where browsers differ, it follows Chromium, as checked against
//! Chromium 156 (`tests/fixtures/chromium-jar-cases.txt`): the last
//! Expires, Max-Age or Domain attribute counts even when unreadable or
//! empty, `Expires` is read the way Chromium reads it
//! (`cookie_date/chromium.rs`), a tab inside a name, value or attribute is
//! refused, and so is a nameless cookie whose value contains `=`.
//!
//! The Public Suffix List comes in as text, parsed by `psl.rs`:
//! [`check_with_psl`] takes the list the caller read (the system's, or
//! `--psl FILE`); [`check`] uses a small built-in one. `Domain=co.uk` and
//! `Domain=github.io` are refused, and the verdict names the rule.
//!
//! What it leaves out, on purpose:
//! - The cookie store. Steps that compare with cookies already stored
//!   (§5.7 step 16, an insecure origin may not shadow a Secure cookie;
//!   step 23, replacing the old cookie) need a jar: that is `jar/`, which
//!   runs every line through this checker first.
//! - Cross-site context. The checker assumes the response came from a
//!   same-site, top-level request, where every `SameSite` value may be set
//!   (§5.7 step 18); the jar takes the context into account.

mod devtools;
mod notes;
mod parse;
mod report;
mod storage;
mod url;

use std::fmt;
use std::time::SystemTime;

pub use devtools::DevtoolsReason;
pub use url::{RequestUrl, RequestUrlError, Scheme};

use super::psl::PublicSuffixList;
use super::{Excerpt, MAX_NAME_VALUE, is_ctl_except_htab};
use crate::http::date::unix_seconds;

/// What the browser ends up doing with the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The cookie is stored and will be sent back.
    Stored,
    /// The cookie is already expired: nothing is stored, and any stored
    /// cookie with the same name, domain and path is deleted (6265bis §5.7:
    /// "the user agent MUST evict all expired cookies").
    Deletes,
    /// The browser ignores the whole line: nothing is stored or deleted.
    Rejected(Rejection),
}

/// Why a browser ignores a `Set-Cookie` line entirely. One variant per
/// "abort these steps and ignore the cookie entirely" in RFC 6265bis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// A control character other than tab (§5.6 step 1). `at` is its byte offset.
    ControlCharacter { found: char, at: usize },
    /// Name plus value is over 4096 bytes (§5.6 step 5).
    NameValueTooLong { len: usize },
    /// Both the name and the value are empty (§5.7 step 2).
    NoNameNoValue,
    /// The Domain has non-ASCII characters (§5.7 step 8).
    DomainNotAscii { domain: String },
    /// The Domain is a public suffix other than the host itself (§5.7
    /// step 9); `rule` names the Public Suffix List rule that says so.
    DomainIsPublicSuffix { domain: String, rule: String },
    /// The request host does not domain-match the Domain (§5.7 step 10).
    DomainMismatch { domain: String, host: String },
    /// `Secure` arrived over an insecure origin (§5.7 step 13).
    SecureFromInsecureOrigin { url: String },
    /// `SameSite=None` without `Secure` (§5.7 step 19).
    SameSiteNoneWithoutSecure,
    /// `Partitioned` without `Secure` (CHIPS).
    PartitionedWithoutSecure,
    /// A `__Secure-` name without `Secure` (§5.7 step 20).
    SecurePrefixWithoutSecure,
    /// A `__Host-` name without `Secure` (§5.7 step 21).
    HostPrefixWithoutSecure,
    /// A `__Host-` name with a Domain attribute (§5.7 step 21).
    HostPrefixWithDomain { domain: String },
    /// A `__Host-` name without an explicit `Path=/` (§5.7 step 21).
    HostPrefixWithoutRootPath,
    /// A nameless cookie whose value looks like a prefixed name (§5.7 step 22).
    NamelessWithPrefix,
    /// A nameless cookie whose value contains `=` (Chromium).
    NamelessWithEquals,
}

/// The cookie's `same-site-flag` as a browser stores it (6265bis §5.7
/// step 17): a `SameSite` value, or `Default` when it was missing or not
/// one of the three keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSiteFlag {
    /// `SameSite=Strict`: only requests this site starts carry it.
    Strict,
    /// `SameSite=Lax`: also top-level navigations from other sites.
    Lax,
    /// `SameSite=None`: every request, cross-site too (requires Secure).
    None,
    /// No valid SameSite: Chromium-based browsers enforce Lax (plus a
    /// two-minute grace period for top-level POSTs); Firefox and Safari
    /// currently treat it as None.
    Default,
}

/// The cookie as the browser keeps it: the fields of 6265bis §5.7.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCookie {
    /// May be empty (a nameless cookie), but not together with `value`.
    pub name: String,
    pub value: String,
    /// Lowercase. The request host when `host_only`, else the Domain attribute.
    pub domain: String,
    /// True: sent only to exactly `domain`. False: to `domain` and its subdomains.
    pub host_only: bool,
    /// Always starts with `/`.
    pub path: String,
    pub secure: bool,
    pub http_only: bool,
    pub same_site: SameSiteFlag,
    pub partitioned: bool,
    /// `None`: a session cookie (persistent-flag false). `Some(t)`: kept
    /// until `t`, never more than 400 days after it was received.
    pub expires: Option<SystemTime>,
}

/// What the browser did with one part of the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Read and used as written.
    Accepted,
    /// Used, but shortened to the 400-day limit.
    Capped,
    /// Absent or unusable, so the browser's default applies.
    Defaulted,
    /// Skipped: unknown, malformed, too long, or overridden.
    Ignored,
    /// This part is why the whole line was rejected.
    CausedRejection,
}

/// One step of the explanation: a part of the line, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The part as written (`Path=/`), or `(no Domain)` for an absent one.
    pub attribute: String,
    pub outcome: Outcome,
    /// One sentence for a learner.
    pub explanation: String,
}

/// The longest line the checker reads: 8 KiB. A browser keeps a cookie
/// whose name and value together are at most 4096 bytes (RFC 6265bis §5.6,
/// Chromium's `kMaxCookieNamePlusValueSize`), and uses an attribute value
/// only up to 1024 bytes (§5.6, Chromium's `kMaxCookieAttributeValueSize`),
/// so 8 KiB holds the largest cookie a browser keeps plus a handful of
/// attributes at their limit. A longer line is checked up to here, and the
/// report says so: the check of a one-megabyte line of `;x;x;x…` must cost
/// what the check of an ordinary line costs, not half a gigabyte.
pub const MAX_CHECKED_LINE: usize = 8 * 1024;

/// The most notes a report lists one by one (the pair, attributes, absent
/// attributes). Past it, attributes are counted, not explained: a line with
/// a thousand unknown attributes gets one sentence about the rest. A note
/// that caused the rejection is always kept.
pub const MAX_NOTES: usize = 40;

/// Everything the checker found out about one `Set-Cookie` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The set-cookie-string examined (without `Set-Cookie:`), at most
    /// `MAX_CHECKED_LINE` bytes of it.
    pub line: String,
    /// The length of the whole line, when it was longer than
    /// `MAX_CHECKED_LINE` and only its beginning was checked.
    pub cut_from: Option<usize>,
    /// The URL of the response that carried the line.
    pub url: RequestUrl,
    /// The browser's clock when the line arrived.
    pub now: SystemTime,
    pub verdict: Verdict,
    /// The cookie that is stored (for `Stored`) or whose namesake is
    /// deleted (for `Deletes`); `None` when rejected.
    pub cookie: Option<StoredCookie>,
    /// In order: the name/value pair, each attribute, then absent attributes.
    pub notes: Vec<Note>,
}

/// Runs a `Set-Cookie` line through a browser's rules, as received from
/// `url` at `now`.
///
/// `set_cookie` may start with `Set-Cookie:` (any case); a trailing line
/// break is ignored. The check never fails: every input gets a report.
///
/// # Examples
///
/// ```
/// use std::time::SystemTime;
/// use goldfish::cookie::{RequestUrl, Verdict, check};
///
/// let url = RequestUrl::parse("http://example.com/login/submit").unwrap();
/// let report = check("Set-Cookie: sid=1; HttpOnly", &url, SystemTime::now());
/// assert_eq!(report.verdict, Verdict::Stored);
/// // No Path: the cookie only comes back under /login (the default path).
/// assert_eq!(report.cookie.unwrap().path, "/login");
///
/// let report = check("sid=1; Secure", &url, SystemTime::now());
/// assert!(matches!(report.verdict, Verdict::Rejected(_)), "Secure over http");
/// ```
#[must_use]
pub fn check(set_cookie: &str, url: &RequestUrl, now: SystemTime) -> Report {
    check_with_psl(set_cookie, url, now, PublicSuffixList::builtin_list())
}

/// [`check`] with a given Public Suffix List: the one the system ships
/// (`/usr/share/publicsuffix/public_suffix_list.dat`) or `--psl FILE`,
/// read by the caller. [`check`] uses the small built-in list.
#[must_use]
pub fn check_with_psl(
    set_cookie: &str,
    url: &RequestUrl,
    now: SystemTime,
    psl: &PublicSuffixList,
) -> Report {
    check_up_to(set_cookie, url, now, psl, MAX_CHECKED_LINE)
}

/// [`check_with_psl`], reading up to `max_line` bytes of the line. The jar
/// reads up to Chromium's limit for a whole response head (256 KiB,
/// `kMaxHeadersSize`), since an attribute past 8 KiB still counts there.
pub(crate) fn check_up_to(
    set_cookie: &str,
    url: &RequestUrl,
    now: SystemTime,
    psl: &PublicSuffixList,
    max_line: usize,
) -> Report {
    let whole = strip_field_name(set_cookie);
    let line = cut(whole, max_line);
    let now_secs = unix_seconds(now);
    let mut report = Report {
        line: line.to_owned(),
        cut_from: (line.len() < whole.len()).then_some(whole.len()),
        url: url.clone(),
        now,
        verdict: Verdict::Stored,
        cookie: None,
        notes: Vec::new(),
    };

    // 6265bis §5.6 step 1: a control character anywhere ends it all.
    if let Some((at, found)) = line.char_indices().find(|(_, c)| is_ctl_except_htab(*c)) {
        return rejected(report, line, Rejection::ControlCharacter { found, at });
    }

    // §5.6 steps 2–6 and the attribute loop.
    let parsed = parse::parse(line, url.path(), now_secs);

    // §5.6 step 5: too big, and the whole line is ignored. (The parser has
    // read the attributes already, but parsing changes nothing, so the
    // order makes no difference.)
    let len = parsed.name.len() + parsed.value.len();
    if len > MAX_NAME_VALUE {
        return rejected(report, parsed.pair, Rejection::NameValueTooLong { len });
    }

    // Chromium refuses a tab *inside* a name, a value or an attribute (its
    // control-character check includes tab; trimmed tabs at the edges are
    // fine). RFC 6265bis §5.6 step 1 allows tabs; Chromium 156 does not.
    if let Some(at) = parsed.inner_tab(line) {
        return rejected(
            report,
            line,
            Rejection::ControlCharacter { found: '\t', at },
        );
    }

    let stored = storage::store(&parsed, url, psl);
    report.notes = notes::explain(&parsed, &stored, url, now_secs);
    bound_notes(&mut report.notes);
    match stored {
        Ok(stored) => {
            let expired = stored.expiry.is_some_and(|at| at <= now_secs);
            report.verdict = if expired {
                Verdict::Deletes
            } else {
                Verdict::Stored
            };
            report.cookie = Some(stored.cookie);
        }
        Err(blamed) => report.verdict = Verdict::Rejected(blamed.rejection),
    }
    report
}

/// Ends the check: the line is refused, and the note on `attribute` (the
/// whole line, or its name=value pair) says why.
fn rejected(mut report: Report, attribute: &str, rejection: Rejection) -> Report {
    report.notes.push(Note {
        attribute: attribute.to_owned(),
        outcome: Outcome::CausedRejection,
        explanation: rejection.to_string(),
    });
    report.verdict = Verdict::Rejected(rejection);
    report
}

/// At most `max` bytes of `s`, cut at a character boundary.
fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Keeps the first [`MAX_NOTES`] notes, and after them only those that
/// caused a rejection or describe an absent attribute; the rest become one
/// note that counts them.
fn bound_notes(notes: &mut Vec<Note>) {
    if notes.len() <= MAX_NOTES {
        return;
    }
    let keep_anyway =
        |n: &Note| n.outcome == Outcome::CausedRejection || n.attribute.starts_with("(no ");
    let later = notes.split_off(MAX_NOTES);
    let dropped = later.iter().filter(|n| !keep_anyway(n)).count();
    notes.push(Note {
        attribute: format!("({dropped} more attributes)"),
        outcome: Outcome::Ignored,
        explanation: format!(
            "the browser reads these too, each by the same rules; the report explains the first \
             {MAX_NOTES} parts of the line and counts the rest"
        ),
    });
    notes.extend(later.into_iter().filter(keep_anyway));
}

/// Drops a leading `Set-Cookie:` and a trailing line break, then the
/// optional whitespace around the field value (RFC 9112 §5.1).
fn strip_field_name(input: &str) -> &str {
    let s = input.trim_end_matches(['\r', '\n']).trim_start();
    let s = match s.get(..11) {
        Some(head) if head.eq_ignore_ascii_case("set-cookie:") => s.get(11..).unwrap_or(""),
        _ => s,
    };
    super::trim_wsp(s)
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 60;
        match self {
            Rejection::ControlCharacter { found, at } => write!(
                f,
                "the line contains the control character {found:?} at byte {at}; browsers \
                 ignore any Set-Cookie line with a control character (RFC 6265bis §5.6 step 1 \
                 spares a tab, Chromium only a tab at the edge of a name, value or attribute), \
                 which also stops header-injection tricks"
            ),
            Rejection::NameValueTooLong { len } => write!(
                f,
                "the name and value together are {len} bytes, over the 4096-byte limit \
                 (RFC 6265bis §5.6 step 5); keep big data on the server and put an id in the cookie"
            ),
            Rejection::NoNameNoValue => write!(
                f,
                "the cookie has neither a name nor a value (RFC 6265bis §5.7 step 2); \
                 write name=value, e.g. fav_color=blue"
            ),
            Rejection::DomainNotAscii { domain } => write!(
                f,
                "Domain={} is not ASCII (RFC 6265bis §5.7 step 8); write an international \
                 name in its xn-- (punycode) form",
                Excerpt(domain, SHOWN)
            ),
            Rejection::DomainIsPublicSuffix { domain, rule } => write!(
                f,
                "Domain={} is a public suffix ({}): anyone can register a site under it, \
                 so a cookie scoped to it would reach every one of those sites, and browsers \
                 refuse it (RFC 6265bis §5.7 step 9); use your own site, e.g. \
                 Domain=example.{}, or leave Domain out",
                Excerpt(domain, SHOWN),
                super::Clip(rule, 2 * SHOWN),
                super::Clip(domain, SHOWN)
            ),
            Rejection::DomainMismatch { domain, host } => write!(
                f,
                "Domain={} does not cover the host {} that sent it: a site may only set \
                 cookies for itself or a parent domain (RFC 6265bis §5.7 step 10); leave \
                 Domain out, or use Domain={}",
                Excerpt(domain, SHOWN),
                Excerpt(host, SHOWN),
                super::Clip(host, SHOWN)
            ),
            Rejection::SecureFromInsecureOrigin { url } => write!(
                f,
                "the Secure attribute arrived over plain HTTP ({}), and browsers only accept \
                 Secure cookies from https:// or localhost (RFC 6265bis §5.7 step 13); serve \
                 the page over HTTPS, or drop Secure while testing on http",
                super::Clip(url, SHOWN)
            ),
            Rejection::SameSiteNoneWithoutSecure => write!(
                f,
                "SameSite=None needs Secure: browsers reject a cross-site cookie that could \
                 travel over plain HTTP (RFC 6265bis §5.7 step 19); add Secure, or use SameSite=Lax"
            ),
            Rejection::PartitionedWithoutSecure => write!(
                f,
                "Partitioned needs Secure: browsers reject a partitioned cookie without it \
                 (CHIPS); add Secure"
            ),
            Rejection::SecurePrefixWithoutSecure => write!(
                f,
                "a name starting with __Secure- promises the Secure attribute, and it is \
                 missing (RFC 6265bis §5.7 step 20); add Secure"
            ),
            Rejection::HostPrefixWithoutSecure => write!(
                f,
                "a name starting with __Host- promises Secure, Path=/ and no Domain, and \
                 Secure is missing (RFC 6265bis §5.7 step 21); e.g. __Host-id=1; Secure; Path=/"
            ),
            Rejection::HostPrefixWithDomain { domain } => write!(
                f,
                "a name starting with __Host- promises Secure, Path=/ and no Domain, but \
                 Domain={} is set (RFC 6265bis §5.7 step 21); remove the Domain attribute",
                Excerpt(domain, SHOWN)
            ),
            Rejection::HostPrefixWithoutRootPath => write!(
                f,
                "a name starting with __Host- promises Secure, Path=/ and no Domain, but \
                 there is no explicit Path=/ (RFC 6265bis §5.7 step 21); add Path=/"
            ),
            Rejection::NamelessWithEquals => write!(
                f,
                "the name before the first '=' is empty and the value contains another '=', \
                 so the cookie would come back as a name=value pair it is not; Chromium \
                 refuses it (RFC 6265bis §5.6 step 3 would store it); give the cookie a name"
            ),
            Rejection::NamelessWithPrefix => write!(
                f,
                "a cookie without a name whose value starts with __Secure- or __Host- would \
                 be sent back looking like a prefixed cookie, so browsers refuse it \
                 (RFC 6265bis §5.7 step 22); give the cookie a name"
            ),
        }
    }
}

impl fmt::Display for SameSiteFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SameSiteFlag::Strict => "Strict",
            SameSiteFlag::Lax => "Lax",
            SameSiteFlag::None => "None",
            SameSiteFlag::Default => "Default",
        })
    }
}

#[cfg(test)]
mod tests;

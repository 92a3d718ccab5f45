//! Chromium's reading of `Expires`, which is not quite RFC 6265 §5.1.1.
//!
//! Chromium predates the RFC's algorithm and never switched to it
//! (`ParseCookieExpirationTime` in `net/cookies/cookie_util.cc`). Both chop
//! the text into tokens at the same delimiters and look for a time, a day,
//! a month and a year; they disagree at the edges, and the jar follows
//! Chromium because that is what a learner's browser does. Each difference
//! below was checked against Chromium 156 (`tests/browser/jar.mjs` runs a
//! sample; the rows of the table in this file say which):
//!
//! | text | RFC 6265 §5.1.1 | Chromium |
//! | --- | --- | --- |
//! | `6th Apr 1980` | day 6 (`1*2DIGIT [non-digit *OCTET]`) | no day: `6th` is three characters long, so it is read as a year |
//! | `10 Apr 1980abc` | year 1980 | no year: a year token is at most five characters |
//! | `01980` | not a year (over four digits) | year 1980 |
//! | `1600`, `100` | too early: the date is ignored | a real (long past) date: the cookie is expired |
//! | `16:33:12abc`, `16:33:12:` | a time (junk may follow) | not a time: exactly three all-digit fields |
//! | `016:33:12` | not a time (three digits) | 16:33:12 |
//!
//! A token starting with a letter can only be the month (its first three
//! letters, any case); one starting with a digit is the time if it holds a
//! `:`, else the day (at most two characters) or else the year (at most
//! five), each filled once, first come first served. Then the same checks
//! as the RFC: two-digit years, hour ≤ 23, minute and second ≤ 59, and a
//! day that exists in that month.

use super::{EARLIEST, LATEST, days_in_month, is_delimiter, month_token};
use crate::http::date::days_from_civil;

/// Parses `Expires` as Chromium does; seconds since the epoch, clamped to
/// [`EARLIEST`]..=[`LATEST`], or `None` when a field is missing or invalid.
pub(crate) fn chromium_cookie_date_seconds(s: &str) -> Option<i64> {
    let mut time = None;
    let mut day = None;
    let mut month = None;
    let mut year = None;
    for token in s.as_bytes().split(|&b| is_delimiter(b)) {
        let Some(&first) = token.first() else {
            continue;
        };
        if !first.is_ascii_digit() {
            if month.is_none() {
                month = month_token(token);
            }
        } else if token.contains(&b':') {
            if time.is_none() {
                time = hms(token);
            }
        } else if day.is_none() && token.len() <= 2 {
            day = Some(leading_number(token));
        } else if year.is_none() && token.len() <= 5 {
            year = Some(leading_number(token));
        }
    }
    let ((hour, minute, second), day, month, year) = (time?, day?, month?, year?);
    let year = match year {
        0..=69 => year + 2000,
        70..=99 => year + 1900,
        _ => year,
    };
    if hour > 23
        || minute > 59
        || second > 59
        || day < 1
        || day > i64::from(days_in_month(year, month))
    {
        return None;
    }
    let days = days_from_civil(year, month, day as u32);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second;
    Some(secs.clamp(EARLIEST, LATEST))
}

/// `H:M:S`: exactly three fields, each one or more digits.
fn hms(token: &[u8]) -> Option<(i64, i64, i64)> {
    let mut fields = token.split(|&b| b == b':');
    let mut next = || {
        let field = fields.next()?;
        let all_digits = !field.is_empty() && field.iter().all(u8::is_ascii_digit);
        all_digits.then(|| leading_number(field))
    };
    let hms = (next()?, next()?, next()?);
    fields.next().is_none().then_some(hms)
}

/// C's `atoi` on a token that starts with a digit: the leading digits'
/// value (saturating; at most five characters reach here anyway).
fn leading_number(token: &[u8]) -> i64 {
    token
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .fold(0i64, |n, b| {
            n.saturating_mul(10).saturating_add(i64::from(b - b'0'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cookie::cookie_date::cookie_date_seconds;

    /// 1980-04-10T16:33:12Z.
    const APR_10_1980: i64 = 324_232_392;

    #[test]
    fn chromium_date_table() {
        // (why, input, Chromium's answer, the RFC's answer) — every row that
        // differs was observed in Chromium 156.
        let cases: &[(&str, &str, Option<i64>, Option<i64>)] = &[
            (
                "IMF-fixdate",
                "Thu, 10 Apr 1980 16:33:12 GMT",
                Some(APR_10_1980),
                Some(APR_10_1980),
            ),
            (
                "month first",
                "Apr 10 1980 16:33:12",
                Some(APR_10_1980),
                Some(APR_10_1980),
            ),
            (
                "time first",
                "16:33:12 10 Apr 1980",
                Some(APR_10_1980),
                Some(APR_10_1980),
            ),
            (
                "year before day",
                "1980 Apr 10 16:33:12",
                Some(APR_10_1980),
                Some(APR_10_1980),
            ),
            (
                "a month prefix, any case",
                "Thu, 10 APRIL 1980 16:33:12",
                Some(APR_10_1980),
                Some(APR_10_1980),
            ),
            (
                "one-digit time fields",
                "10 Apr 1980 1:2:3",
                Some(324_176_523),
                Some(324_176_523),
            ),
            (
                "two-digit year 70",
                "10 Apr 70 16:33:12",
                Some(8_613_192),
                Some(8_613_192),
            ),
            (
                "two-digit year 69 is 2069",
                "10 Apr 69 16:33:12",
                Some(3_132_837_192),
                Some(3_132_837_192),
            ),
            (
                "a four-digit 0080 is 1980 too",
                "10 Apr 0080 16:33:12",
                Some(APR_10_1980),
                Some(APR_10_1980),
            ),
            (
                "Chromium: 6th is no day",
                "6th Apr 1980 16:33:12",
                None,
                Some(323_886_792),
            ),
            (
                "Chromium: 10abc is no day",
                "10abc Apr 1980 16:33:12",
                None,
                Some(APR_10_1980),
            ),
            (
                "Chromium: 1980abc is no year",
                "10 Apr 1980abc 16:33:12",
                None,
                Some(APR_10_1980),
            ),
            (
                "Chromium: a five-digit year",
                "10 Apr 01980 16:33:12",
                Some(APR_10_1980),
                None,
            ),
            (
                "Chromium: year 1600 is a date",
                "10 Apr 1600 16:33:12",
                Some(EARLIEST),
                None,
            ),
            (
                "Chromium: junk after the time",
                "10 Apr 1980 16:33:12abc",
                None,
                Some(APR_10_1980),
            ),
            (
                "Chromium: a fourth time field",
                "10 Apr 1980 16:33:12:",
                None,
                Some(APR_10_1980),
            ),
            (
                "Chromium: three-digit hour",
                "10 Apr 1980 016:33:12",
                Some(APR_10_1980),
                None,
            ),
            ("no seconds", "10 Apr 1980 16:33", None, None),
            ("second 60", "10 Apr 1980 16:33:60", None, None),
            ("hour 24", "10 Apr 1980 24:00:00", None, None),
            ("day 0", "00 Apr 1980 16:33:12", None, None),
            ("31 June", "31 Jun 1980 16:33:12", None, None),
            ("29 February 1981", "29 Feb 1981 16:33:12", None, None),
            (
                "the first time token counts",
                "10 Apr 1980 99:99:99 16:33:12",
                None,
                None,
            ),
            ("xApr is no month", "10 xApr 1980 16:33:12", None, None),
            (
                "a colon first is no time",
                "10 Apr 1980 :16:33:12",
                None,
                None,
            ),
            (
                "far future is clamped",
                "10 Apr 99999 16:33:12",
                Some(LATEST),
                None,
            ),
        ];
        for (why, input, chromium, rfc) in cases {
            let got = chromium_cookie_date_seconds(input);
            assert_eq!(
                got, *chromium,
                "{why}: chromium_cookie_date_seconds({input:?}) = {got:?}; want {chromium:?}"
            );
            let got = cookie_date_seconds(input);
            assert_eq!(
                got, *rfc,
                "{why}: cookie_date_seconds({input:?}) = {got:?}; want {rfc:?}"
            );
        }
    }
}

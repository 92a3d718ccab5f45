//! The cookie-date algorithm: how a browser reads `Expires` (RFC 6265 §5.1.1).
//!
//! A server should send IMF-fixdate (`Wed, 09 Jun 2021 10:18:14 GMT`,
//! RFC 9110 §5.6.7), and `crate::http::date` parses exactly that. Browsers
//! met every date format the 1990s produced, so they use a much looser
//! algorithm: chop the text into tokens at any punctuation, then pick out
//! the first thing that looks like a time, a day, a month and a year, in
//! whatever order they come. Anything else (day names, `GMT`, `+0200`) is
//! skipped. The time zone is therefore *ignored*: every cookie date is UTC.
//!
//! The steps below are numbered as in §5.1.1 (unchanged in 6265bis §5.1.1).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::http::date::{days_from_civil, days_in_month};

mod chromium;
pub(crate) use chromium::chromium_cookie_date_seconds;

/// The earliest moment a cookie date can name: 1601-01-01T00:00:00Z, in
/// seconds since the Unix epoch (step 5 rejects years before 1601).
pub(crate) const EARLIEST: i64 = -11_644_473_600;

/// The latest moment a cookie date can name: 9999-12-31T23:59:59Z (a year
/// has at most four digits).
pub(crate) const LATEST: i64 = 253_402_300_799;

const MONTHS: [&[u8; 3]; 12] = [
    b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec",
];

/// Parses `Expires` the way a browser does (RFC 6265 §5.1.1).
///
/// Returns `None` when the text lacks a time, a day, a month or a year, or
/// when they do not make a real date (day 31 of June, hour 24, year 1600).
///
/// # Examples
///
/// ```
/// use goldfish::cookie::parse_cookie_date;
/// use goldfish::http::date::imf_fixdate;
///
/// let t = parse_cookie_date("Wed, 09-Jun-21 10:18:14 GMT").unwrap();
/// assert_eq!(imf_fixdate(t), "Wed, 09 Jun 2021 10:18:14 GMT");
/// assert_eq!(parse_cookie_date("tomorrow"), None);
/// ```
pub fn parse_cookie_date(s: &str) -> Option<SystemTime> {
    cookie_date_seconds(s).map(system_time)
}

/// [`parse_cookie_date`] in seconds since the Unix epoch (negative before
/// 1970), always within [`EARLIEST`]..=[`LATEST`].
pub(crate) fn cookie_date_seconds(s: &str) -> Option<i64> {
    let mut time = None;
    let mut day = None;
    let mut month = None;
    let mut year = None;

    // Step 1: tokens are runs of non-delimiters. Working on bytes is what
    // the grammar says (it is written in octets), and it means a multibyte
    // UTF-8 character is just part of some token: nothing is ever sliced.
    let tokens = s.as_bytes().split(|&b| is_delimiter(b));
    // Step 2: each token fills the first empty slot it matches, tried in
    // the order time, day-of-month, month, year.
    for token in tokens.filter(|t| !t.is_empty()) {
        if time.is_none()
            && let Some(hms) = time_token(token)
        {
            time = Some(hms);
        } else if day.is_none()
            && let Some((d, _)) = digits(token, 1, 2)
        {
            day = Some(d);
        } else if month.is_none()
            && let Some(m) = month_token(token)
        {
            month = Some(m);
        } else if year.is_none()
            && let Some((y, _)) = digits(token, 2, 4)
        {
            year = Some(i64::from(y));
        }
    }

    // Step 5's first bullet: all four parts must have been found.
    let ((hour, minute, second), day, month, mut year) = (time?, day?, month?, year?);
    // Steps 3 and 4: two-digit years. 70–99 are the 1900s, 00–69 the 2000s.
    if (70..=99).contains(&year) {
        year += 1900;
    } else if (0..=69).contains(&year) {
        year += 2000;
    }
    // Step 5: the ranges. (There is no leap second: 60 is refused.)
    if !(1..=31).contains(&day) || year < 1601 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Step 6: the date must exist (no 31 June, no 29 February 2021).
    if day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + i64::from(hour * 3600 + minute * 60 + second))
}

/// `delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E`: tab, space,
/// and all ASCII punctuation except `:` (which belongs to the time).
fn is_delimiter(b: u8) -> bool {
    matches!(b, 0x09 | 0x20..=0x2F | 0x3B..=0x40 | 0x5B..=0x60 | 0x7B..=0x7E)
}

/// Reads `min..=max` leading digits and returns their value and the rest.
///
/// This is the shape `1*2DIGIT [ non-digit *OCTET ]` shared by the day, the
/// year and the time fields: *all* leading digits are counted, so `123` is
/// not a two-digit day followed by junk (a digit is not a `non-digit`), but
/// `6th` is day 6.
fn digits(token: &[u8], min: usize, max: usize) -> Option<(u32, &[u8])> {
    let n = token.iter().take_while(|b| b.is_ascii_digit()).count();
    if n < min || n > max {
        return None;
    }
    let (head, rest) = token.split_at(n);
    let value = head.iter().fold(0, |acc, b| acc * 10 + u32::from(b - b'0'));
    Some((value, rest))
}

/// `time = hms-time [ non-digit *OCTET ]`,
/// `hms-time = time-field ":" time-field ":" time-field`,
/// `time-field = 1*2DIGIT`.
fn time_token(token: &[u8]) -> Option<(u32, u32, u32)> {
    let (hour, rest) = digits(token, 1, 2)?;
    let rest = rest.strip_prefix(b":")?;
    let (minute, rest) = digits(rest, 1, 2)?;
    let rest = rest.strip_prefix(b":")?;
    let (second, _anything) = digits(rest, 1, 2)?;
    Some((hour, minute, second))
}

/// `month = ( "jan" / … / "dec" ) *OCTET`, case-insensitively: `Jun`,
/// `JUNE` and `junk` are all June.
fn month_token(token: &[u8]) -> Option<u32> {
    let head = token.get(..3)?;
    MONTHS
        .iter()
        .position(|m| head.eq_ignore_ascii_case(&m[..]))
        .map(|i| i as u32 + 1)
}

/// Seconds since the epoch as a `SystemTime`, without the panics that
/// `UNIX_EPOCH + Duration` has on overflow. Cookie times stay within
/// [`EARLIEST`]..=[`LATEST`], which every platform can represent; anything
/// else falls back to the epoch rather than crashing the server.
pub(crate) fn system_time(secs: i64) -> SystemTime {
    let moved = if secs >= 0 {
        UNIX_EPOCH.checked_add(Duration::from_secs(secs.unsigned_abs()))
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(secs.unsigned_abs()))
    };
    moved.unwrap_or(UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2021-06-09T10:18:14Z, the RFC 6265 example date.
    const JUN_9_2021: i64 = 1_623_233_894;
    /// 1994-11-06T08:49:37Z, the RFC 9110 example date.
    const NOV_6_1994: i64 = 784_111_777;

    #[test]
    fn cookie_date_table() {
        let cases: &[(&str, &str, Option<i64>)] = &[
            // The three HTTP-date forms (RFC 9110 §5.6.7).
            (
                "IMF-fixdate",
                "Wed, 09 Jun 2021 10:18:14 GMT",
                Some(JUN_9_2021),
            ),
            (
                "RFC 850 with a two-digit year",
                "Wed, 09-Jun-21 10:18:14 GMT",
                Some(JUN_9_2021),
            ),
            (
                "asctime, space-padded day",
                "Sun Nov  6 08:49:37 1994",
                Some(NOV_6_1994),
            ),
            (
                "RFC 850 long day name",
                "Sunday, 06-Nov-94 08:49:37 GMT",
                Some(NOV_6_1994),
            ),
            // Two-digit years (steps 3 and 4).
            ("year 70 is 1970", "01 Jan 70 00:00:00", Some(0)),
            ("year 69 is 2069", "01 Jan 69 00:00:00", Some(3_124_224_000)),
            ("year 00 is 2000", "01 Jan 00 00:00:00", Some(946_684_800)),
            ("year 99 is 1999", "31 Dec 99 23:59:59", Some(946_684_799)),
            // Leniency: order, case, one-digit fields, junk tokens.
            ("any token order", "2021 10:18:14 jun 9", Some(JUN_9_2021)),
            (
                "month is a case-insensitive prefix",
                "09 JUNE 2021 10:18:14",
                Some(JUN_9_2021),
            ),
            (
                "one-digit day and time fields",
                "9 Jun 2021 10:18:14",
                Some(JUN_9_2021),
            ),
            (
                "a time zone offset is ignored: cookies are UTC",
                "Wed, 09 Jun 2021 10:18:14 GMT+0200",
                Some(JUN_9_2021),
            ),
            (
                "UTC instead of GMT is just an ignored token",
                "Wed, 09 Jun 2021 10:18:14 UTC",
                Some(JUN_9_2021),
            ),
            (
                "junk after the seconds belongs to the time token",
                "09 Jun 2021 10:18:14:99",
                Some(JUN_9_2021),
            ),
            (
                "a suffix on the day (non-digit *OCTET)",
                "9th Jun 2021 10:18:14",
                Some(JUN_9_2021),
            ),
            (
                "no delimiters needed between time and text",
                "Jun 9 2021 10:18:14GMT",
                Some(JUN_9_2021),
            ),
            (
                "leap day in a leap year",
                "29 Feb 2024 00:00:00",
                Some(1_709_164_800),
            ),
            ("the earliest date", "01 Jan 1601 00:00:00", Some(EARLIEST)),
            ("the latest date", "31 Dec 9999 23:59:59", Some(LATEST)),
            // Refusals (step 5 and 6).
            ("day 32", "Wed, 32 Jun 2021 10:18:14 GMT", None),
            ("day 0", "Wed, 00 Jun 2021 10:18:14 GMT", None),
            ("31 June does not exist", "31 Jun 2021 10:18:14", None),
            (
                "29 February 2021 does not exist",
                "29 Feb 2021 00:00:00",
                None,
            ),
            ("hour 24", "09 Jun 2021 24:00:00", None),
            ("minute 60", "09 Jun 2021 10:60:00", None),
            ("leap second 60 is refused", "09 Jun 2021 23:59:60", None),
            ("year 1600 is too early", "09 Jun 1600 10:18:14", None),
            (
                "three-digit year 123 is too early",
                "09 Jun 123 10:18:14",
                None,
            ),
            ("no time", "Wed, 09 Jun 2021", None),
            ("no year", "Wed, 09 Jun 10:18:14", None),
            (
                "three-digit day is not a day",
                "009 Jun 2021 10:18:14",
                None,
            ),
            (
                "five-digit year is not a year",
                "09 Jun 20210 10:18:14",
                None,
            ),
            ("non-ASCII month", "09 Jün 2021 10:18:14", None),
            ("garbage", "tomorrow", None),
            ("empty", "", None),
            ("only delimiters", " ,;-+/ ", None),
            ("a Max-Age number is not a date", "3600", None),
        ];
        assert!(cases.len() >= 15);
        for (why, input, want) in cases {
            let got = cookie_date_seconds(input);
            assert_eq!(
                got, *want,
                "{why}: cookie_date_seconds({input:?}) = {got:?}; want {want:?}"
            );
        }
    }

    #[test]
    fn agrees_with_the_strict_parser_on_well_formed_dates() {
        let mut secs = 0;
        while secs < 4_102_444_800 {
            let text = crate::http::date::imf_fixdate(system_time(secs));
            assert_eq!(cookie_date_seconds(&text), Some(secs), "{text}");
            secs += 86_400 * 17 + 3_607;
        }
    }

    #[test]
    fn system_time_never_panics() {
        for secs in [i64::MIN, EARLIEST, -1, 0, 1, LATEST, i64::MAX] {
            let _ = system_time(secs);
        }
        assert_eq!(
            crate::http::date::unix_seconds(system_time(EARLIEST)),
            EARLIEST
        );
    }
}

//! Dates on the wire: IMF-fixdate, written and read by hand.
//!
//! ```text
//! IMF-fixdate  = day-name "," SP date1 SP time-of-day SP GMT
//!              ; e.g. Sun, 06 Nov 1994 08:49:37 GMT
//! ```
//! — RFC 9110 §5.6.7. A sender MUST generate this form (it is what `Date`,
//! `Expires` and `Last-Modified` carry); a recipient MUST also accept the two
//! obsolete forms, RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and C's asctime
//! (`Sun Nov  6 08:49:37 1994`). All three are always in GMT (UTC).
//!
//! Why by hand: `std` has `SystemTime` but no calendar. Turning seconds since
//! 1970 into a year, month and day is a short, well-known piece of arithmetic
//! (Howard Hinnant's `civil_from_days`), and seeing it beats importing it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LONG_DAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A moment broken into calendar fields, in UTC.
///
/// Invariants: `month` is 1..=12, `day` 1..=31 (valid for the month),
/// `hour` 0..=23, `minute` and `second` 0..=59, `weekday` 0..=6 with 0 = Monday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub weekday: u32,
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Hinnant's `days_from_civil`).
#[must_use]
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let m = i64::from(month);
    let mp = (m + 9) % 12; // March = 0 … February = 11
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The calendar date of a day number (Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Splits seconds since the Unix epoch into calendar fields (UTC).
#[must_use]
pub fn civil_from_unix(secs: i64) -> Civil {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400) as u32;
    let (year, month, day) = civil_from_days(days);
    Civil {
        year,
        month,
        day,
        hour: rem / 3600,
        minute: rem / 60 % 60,
        second: rem % 60,
        // 1970-01-01 was a Thursday (index 3 with Monday = 0).
        weekday: (days + 3).rem_euclid(7) as u32,
    }
}

/// Seconds since the epoch of a `SystemTime`, negative before 1970.
#[must_use]
pub fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// The `SystemTime` for seconds since the epoch (negative is before 1970).
///
/// Saturates at the ends of what the platform's `SystemTime` can hold
/// instead of panicking, so no input can make date arithmetic crash.
#[must_use]
pub fn from_unix_seconds(secs: i64) -> SystemTime {
    let d = Duration::from_secs(secs.unsigned_abs());
    let t = if secs >= 0 {
        UNIX_EPOCH.checked_add(d)
    } else {
        UNIX_EPOCH.checked_sub(d)
    };
    // Fall back to the largest step that fits: years 1..9999 always do.
    t.unwrap_or_else(|| {
        from_unix_seconds(if secs >= 0 {
            253_402_300_799
        } else {
            -62_135_596_800
        })
    })
}

/// Formats a time as IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
///
/// # Examples
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let t = UNIX_EPOCH + Duration::from_secs(784_111_777);
/// assert_eq!(goldfish::http::date::imf_fixdate(t), "Sun, 06 Nov 1994 08:49:37 GMT");
/// ```
#[must_use]
pub fn imf_fixdate(t: SystemTime) -> String {
    let mut out = String::with_capacity(29);
    write_imf_fixdate(unix_seconds(t), &mut out);
    out
}

/// Appends the IMF-fixdate for `secs` since the epoch to `out` (29 bytes for
/// years 0000–9999; other years are written in full and no longer fit the grammar).
pub fn write_imf_fixdate(secs: i64, out: &mut String) {
    use std::fmt::Write;
    let c = civil_from_unix(secs);
    let day_name = DAY_NAMES[c.weekday as usize];
    let month_name = MONTH_NAMES[(c.month - 1) as usize];
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "{day_name}, {:02} {month_name} {:04} {:02}:{:02}:{:02} GMT",
        c.day, c.year, c.hour, c.minute, c.second
    );
}

/// The access-log timestamp Werkzeug prints: `25/Nov/2026 19:25:23` (UTC).
#[must_use]
pub fn log_timestamp(t: SystemTime) -> String {
    let c = civil_from_unix(unix_seconds(t));
    let month_name = MONTH_NAMES[(c.month - 1) as usize];
    format!(
        "{:02}/{month_name}/{:04} {:02}:{:02}:{:02}",
        c.day, c.year, c.hour, c.minute, c.second
    )
}

/// Parses an HTTP-date in any of the three forms of RFC 9110 §5.6.7.
///
/// Returns `None` for anything else, including a day-name that does not match
/// the date (the RFC lets a recipient ignore it; we are strict so that a
/// learner who hand-writes a date notices the mistake).
///
/// A two-digit RFC 850 year is read as 1970–2069, following RFC 9110 §5.6.7:
/// "a timestamp that appears to be more than 50 years in the future" is in
/// the past century.
pub fn parse_http_date(s: &str) -> Option<SystemTime> {
    parse_imf_fixdate(s)
        .or_else(|| parse_rfc850(s))
        .or_else(|| parse_asctime(s))
        .map(from_unix_seconds)
}

fn month_from_name(name: &str) -> Option<u32> {
    MONTH_NAMES
        .iter()
        .position(|m| *m == name)
        .map(|i| i as u32 + 1)
}

fn digits<T: std::str::FromStr>(s: &str, len: usize) -> Option<T> {
    if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// `HH:MM:SS` → seconds into the day. Allows a leap second (60) as the RFC does.
fn time_of_day(s: &str) -> Option<i64> {
    let mut parts = s.split(':');
    let h: i64 = digits(parts.next()?, 2)?;
    let m: i64 = digits(parts.next()?, 2)?;
    let sec: i64 = digits(parts.next()?, 2)?;
    if parts.next().is_some() || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    Some(h * 3600 + m * 60 + sec)
}

/// How many days `month` (1..=12) of `year` has, leap years counted.
#[must_use]
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Builds the timestamp and checks that `weekday` (0 = Monday) matches the date.
fn assemble(year: i64, month: u32, day: u32, tod: i64, weekday: usize) -> Option<i64> {
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if (days + 3).rem_euclid(7) as usize != weekday {
        return None;
    }
    Some(days * 86_400 + tod)
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`
fn parse_imf_fixdate(s: &str) -> Option<i64> {
    let (day_name, rest) = s.split_once(", ")?;
    let weekday = DAY_NAMES.iter().position(|d| *d == day_name)?;
    let mut f = rest.split(' ');
    let day = digits(f.next()?, 2)?;
    let month = month_from_name(f.next()?)?;
    let year = digits(f.next()?, 4)?;
    let tod = time_of_day(f.next()?)?;
    if f.next()? != "GMT" || f.next().is_some() {
        return None;
    }
    assemble(year, month, day, tod, weekday)
}

/// `Sunday, 06-Nov-94 08:49:37 GMT`
fn parse_rfc850(s: &str) -> Option<i64> {
    let (day_name, rest) = s.split_once(", ")?;
    let weekday = LONG_DAY_NAMES.iter().position(|d| *d == day_name)?;
    let mut f = rest.split(' ');
    let mut date = f.next()?.split('-');
    let day = digits(date.next()?, 2)?;
    let month = month_from_name(date.next()?)?;
    let yy: i64 = digits(date.next()?, 2)?;
    if date.next().is_some() {
        return None;
    }
    let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
    let tod = time_of_day(f.next()?)?;
    if f.next()? != "GMT" || f.next().is_some() {
        return None;
    }
    assemble(year, month, day, tod, weekday)
}

/// `Sun Nov  6 08:49:37 1994` (the day is space-padded to two characters)
fn parse_asctime(s: &str) -> Option<i64> {
    if s.len() != 24 || !s.is_ascii() {
        return None;
    }
    let weekday = DAY_NAMES.iter().position(|d| *d == &s[0..3])?;
    if &s[3..4] != " " || &s[7..8] != " " || &s[10..11] != " " || &s[19..20] != " " {
        return None;
    }
    let month = month_from_name(&s[4..7])?;
    let day: u32 = match (s.as_bytes()[8], s.as_bytes()[9]) {
        (b' ', d) if d.is_ascii_digit() => u32::from(d - b'0'),
        _ => digits(&s[8..10], 2)?,
    };
    let tod = time_of_day(&s[11..19])?;
    let year = digits(&s[20..24], 4)?;
    assemble(year, month, day, tod, weekday)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_imf_fixdate() {
        let cases: &[(&str, i64, &str)] = &[
            (
                "the RFC 9110 example",
                784_111_777,
                "Sun, 06 Nov 1994 08:49:37 GMT",
            ),
            ("the epoch", 0, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (
                "one second before the epoch",
                -1,
                "Wed, 31 Dec 1969 23:59:59 GMT",
            ),
            ("a leap day", 951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
            (
                "the last second of 1999",
                946_684_799,
                "Fri, 31 Dec 1999 23:59:59 GMT",
            ),
            (
                "the i32 overflow of 2038",
                2_147_483_648,
                "Tue, 19 Jan 2038 03:14:08 GMT",
            ),
            (
                "the date this was written",
                1_795_638_323,
                "Wed, 25 Nov 2026 20:25:23 GMT",
            ),
            (
                "far future",
                253_402_300_799,
                "Fri, 31 Dec 9999 23:59:59 GMT",
            ),
        ];
        for (why, secs, want) in cases {
            let mut got = String::new();
            write_imf_fixdate(*secs, &mut got);
            assert_eq!(&got, want, "{why}: write_imf_fixdate({secs})");
        }
    }

    #[test]
    fn parses_all_three_forms() {
        let cases: &[(&str, &str, Option<i64>)] = &[
            (
                "IMF-fixdate",
                "Sun, 06 Nov 1994 08:49:37 GMT",
                Some(784_111_777),
            ),
            (
                "RFC 850",
                "Sunday, 06-Nov-94 08:49:37 GMT",
                Some(784_111_777),
            ),
            ("asctime", "Sun Nov  6 08:49:37 1994", Some(784_111_777)),
            (
                "asctime, two-digit day",
                "Thu Jan 01 00:00:00 1970",
                Some(0),
            ),
            (
                "RFC 850 year 69 is 2069",
                "Monday, 01-Jan-69 00:00:00 GMT",
                None,
            ),
            (
                "RFC 850 year 70 is 1970",
                "Thursday, 01-Jan-70 00:00:00 GMT",
                Some(0),
            ),
            ("wrong day name", "Mon, 06 Nov 1994 08:49:37 GMT", None),
            ("not GMT", "Sun, 06 Nov 1994 08:49:37 UTC", None),
            ("one-digit day", "Sun, 6 Nov 1994 08:49:37 GMT", None),
            ("lowercase month", "Sun, 06 nov 1994 08:49:37 GMT", None),
            ("hour 24", "Sun, 06 Nov 1994 24:00:00 GMT", None),
            ("30 February", "Fri, 30 Feb 2024 00:00:00 GMT", None),
            (
                "29 February in a leap year",
                "Thu, 29 Feb 2024 00:00:00 GMT",
                Some(1_709_164_800),
            ),
            ("trailing garbage", "Sun, 06 Nov 1994 08:49:37 GMT x", None),
            ("empty", "", None),
            ("non-ASCII", "Sun, 06 Nov 1994 08:49:37 GMT\u{e9}", None),
        ];
        for (why, input, want) in cases {
            let got = parse_http_date(input).map(unix_seconds);
            assert_eq!(got, *want, "{why}: parse_http_date({input:?})");
        }
    }

    #[test]
    fn round_trips_every_day_for_ten_years() {
        // Walk a day (plus an odd number of seconds) at a time across leap years.
        let mut secs = 946_684_800 - 3 * 86_400;
        while secs < 1_262_304_000 {
            let text = imf_fixdate(from_unix_seconds(secs));
            assert_eq!(
                parse_http_date(&text).map(unix_seconds),
                Some(secs),
                "{text}"
            );
            secs += 86_400 + 3_607;
        }
    }

    #[test]
    fn log_timestamp_is_werkzeug_shaped() {
        assert_eq!(
            log_timestamp(from_unix_seconds(1_795_638_323)),
            "25/Nov/2026 20:25:23"
        );
    }
}

//! Reading a time through a Go layout (see `layout.rs`), with the leniencies and the
//! error messages of Go's `time.Parse` and `time.ParseInLocation`.
//!
//! The layout and the text are walked together: literal text must match (a space in
//! the layout matches any run of spaces), and each field reads its part of the text.
//! What the layout leaves out defaults to the reference's zero: January 1 of year 0,
//! midnight. Then the date is checked (`day out of range`), and the zone decided:
//!
//! - `Z` (for a `Z07:00` field) or the abbreviation `UTC` means UTC;
//! - an offset (`-05:00`) means the location `local` if it uses that offset at that
//!   time (and, with an abbreviation too, under that abbreviation), and otherwise an
//!   unnamed zone fixed at that offset;
//! - an abbreviation alone (`EST`) means `local` if it has a zone so abbreviated, and
//!   otherwise a zone of that name fixed at offset zero (or at the hours `GMT+3`
//!   names), the wall clock read as if in UTC;
//! - nothing means the `default` location, with the offset it has at that wall time.
//!
//! `time.Parse` is this with `default` UTC and `local` the host's zone;
//! `time.ParseInLocation` has both the given location.
//!
//! Errors read as Go's: `parsing time "x" as "2006-01-02": cannot parse "x" as
//! "2006"`, `parsing time "2021-13-01": month out of range`, `parsing time "2021-01-01
//! x": extra text: " x"`.

use std::sync::Arc;

use super::calendar::{
    days_before_month, days_in_month, is_leap, wall_seconds, DAY_NAMES, MONTH_NAMES,
};
use super::instant::Time;
use super::layout::{next_element, quote, Field, OffsetParts};
use super::location::Location;

/// Why a field could not be read.
enum Problem {
    /// The text does not have the form the field wants.
    Bad,
    /// The text has the form, but the number is out of range (the name of the field).
    Range(&'static str),
}

/// The parts of a time read so far; -1 for what the text has not given.
struct Fields<'v> {
    year: i64,
    month: i64,
    day: i64,
    yday: i64,
    hour: i64,
    minute: i64,
    second: i64,
    nanosecond: i64,
    pm: bool,
    am: bool,
    /// A location the text named outright (`Z`, `UTC`).
    zone: Option<Arc<Location>>,
    /// An offset the text gave, in seconds east of UTC.
    zone_offset: Option<i32>,
    /// A zone abbreviation the text gave (`EST`).
    zone_name: &'v [u8],
}

/// Reads `value` through `layout`.
pub(super) fn parse(
    layout: &[u8],
    value: &[u8],
    default: &Arc<Location>,
    local: &Arc<Location>,
) -> Result<Time, String> {
    let cannot_parse = |layout_part: &[u8], value_part: &[u8]| {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            quote(value),
            quote(layout),
            quote(value_part),
            quote(layout_part)
        )
    };
    let failure = |message: &str| format!("parsing time {}{message}", quote(value));

    let mut f = Fields {
        year: 0,
        month: -1,
        day: -1,
        yday: -1,
        hour: 0,
        minute: 0,
        second: 0,
        nanosecond: 0,
        pm: false,
        am: false,
        zone: None,
        zone_offset: None,
        zone_name: b"",
    };
    let mut rest = layout;
    let mut v = value;
    loop {
        let element = next_element(rest);
        let start = element.map_or(rest.len(), |e| e.start);
        let literal = &rest[..start];
        v = skip(v, literal).map_err(|at| cannot_parse(literal, at))?;
        let Some(element) = element else {
            if !v.is_empty() {
                return Err(failure(&format!(": extra text: {}", quote(v))));
            }
            break;
        };
        let field_text = &rest[start..element.end];
        rest = &rest[element.end..];
        let before = v;
        match read_field(element.field, &mut v, rest, &mut f) {
            Ok(()) => {}
            Err(Problem::Range(what)) => return Err(failure(&format!(": {what} out of range"))),
            Err(Problem::Bad) => return Err(cannot_parse(field_text, before)),
        }
    }

    if f.pm && f.hour < 12 {
        f.hour += 12;
    } else if f.am && f.hour == 12 {
        f.hour = 0;
    }
    resolve_date(&mut f).map_err(failure)?;

    let wall = wall_seconds(
        f.year,
        f.month,
        f.day,
        f.hour,
        f.minute,
        f.second,
        f.nanosecond,
    );
    if let Some(zone) = f.zone {
        return Ok(Time::from_wall(wall, zone));
    }
    let (secs, nanosecond) = wall;
    let zone_name = String::from_utf8_lossy(f.zone_name);
    if let Some(offset) = f.zone_offset {
        let unix = (secs - i128::from(offset)) as i64;
        let (local_name, local_offset) = local.lookup(unix);
        let location =
            if local_offset == offset && (zone_name.is_empty() || local_name == zone_name) {
                local.clone()
            } else {
                Location::fixed(&zone_name, offset)
            };
        return Ok(Time::new(unix, nanosecond, location));
    }
    if !zone_name.is_empty() {
        let unix = secs as i64;
        if let Some(offset) = local.offset_of_abbrev(&zone_name, unix) {
            return Ok(Time::new(
                unix.wrapping_sub(offset.into()),
                nanosecond,
                local.clone(),
            ));
        }
        // An unknown zone: its name is kept, its offset taken to be zero (or the hours
        // of `GMT+3`), and the wall clock read as UTC.
        let hours = zone_name
            .strip_prefix("GMT")
            .and_then(|h| atoi(h.as_bytes()))
            .unwrap_or(0);
        let offset = (hours * 3600) as i32;
        return Ok(Time::new(
            unix,
            nanosecond,
            Location::fixed(&zone_name, offset),
        ));
    }
    Ok(Time::from_wall(wall, default.clone()))
}

/// Reads one field from the front of `v` (advancing it) into `f`; `rest` is the
/// layout after the field.
fn read_field<'v>(
    field: Field,
    v: &mut &'v [u8],
    rest: &[u8],
    f: &mut Fields<'v>,
) -> Result<(), Problem> {
    use Field::*;
    let range = |bad: bool, what| {
        if bad {
            Err(Problem::Range(what))
        } else {
            Ok(())
        }
    };
    match field {
        Year => {
            let digits = take(v, 2).ok_or(Problem::Bad)?;
            let year = atoi(digits).ok_or(Problem::Bad)?;
            // Unix time starts on Dec 31 1969 in some zones.
            f.year = if year >= 69 { year + 1900 } else { year + 2000 };
        }
        LongYear => {
            if !v.first().is_some_and(u8::is_ascii_digit) {
                return Err(Problem::Bad);
            }
            f.year = take(v, 4).and_then(atoi).ok_or(Problem::Bad)?;
        }
        Month | LongMonth => {
            let long = field == LongMonth;
            f.month = lookup(&MONTH_NAMES, long, v).ok_or(Problem::Bad)? as i64 + 1;
        }
        Weekday | LongWeekday => {
            lookup(&DAY_NAMES, field == LongWeekday, v).ok_or(Problem::Bad)?;
        }
        NumMonth | ZeroMonth => {
            f.month = getnum(v, field == ZeroMonth)?;
            range(!(1..=12).contains(&f.month), "month")?;
        }
        Day | UnderDay | ZeroDay => {
            if field == UnderDay {
                skip_spaces(v, 1);
            }
            f.day = getnum(v, field == ZeroDay)?;
        }
        UnderYearDay | ZeroYearDay => {
            if field == UnderYearDay {
                skip_spaces(v, 2);
            }
            f.yday = getnum3(v, field == ZeroYearDay)?;
        }
        Hour => {
            f.hour = getnum(v, false)?;
            range(f.hour >= 24, "hour")?;
        }
        Hour12 | ZeroHour12 => {
            f.hour = getnum(v, field == ZeroHour12)?;
            range(f.hour > 12, "hour")?;
        }
        Minute | ZeroMinute => {
            f.minute = getnum(v, field == ZeroMinute)?;
            range(f.minute >= 60, "minute")?;
        }
        Second | ZeroSecond => {
            f.second = getnum(v, field == ZeroSecond)?;
            range(f.second >= 60, "second")?;
            // A fraction the layout does not show is read all the same, unless the
            // layout's next field is a fraction.
            let next_is_fraction =
                next_element(rest).is_some_and(|e| matches!(e.field, Fraction { .. }));
            if v.len() >= 2 && is_separator(v[0]) && v[1].is_ascii_digit() && !next_is_fraction {
                let len = 2 + v[2..].iter().take_while(|c| c.is_ascii_digit()).count();
                f.nanosecond = nanoseconds(v, len)?;
                *v = &v[len..];
            }
        }
        Pm | LowerPm => {
            let (pm, am): (&[u8], &[u8]) = if field == Pm {
                (b"PM", b"AM")
            } else {
                (b"pm", b"am")
            };
            match take(v, 2).ok_or(Problem::Bad)? {
                t if t == pm => f.pm = true,
                t if t == am => f.am = true,
                _ => return Err(Problem::Bad),
            }
        }
        Offset(form) => {
            if form.z_for_utc && v.first() == Some(&b'Z') {
                *v = &v[1..];
                f.zone = Some(Location::utc());
                return Ok(());
            }
            let len = form.text_len();
            if v.len() < len {
                return Err(Problem::Bad);
            }
            let t = &v[..len];
            let (minutes, seconds): (&[u8], &[u8]) = match (form.parts, form.colons) {
                (OffsetParts::Hours, _) => (b"00", b"00"),
                (OffsetParts::Minutes, false) => (&t[3..5], b"00"),
                (OffsetParts::Minutes, true) => (&t[4..6], b"00"),
                (OffsetParts::Seconds, false) => (&t[3..5], &t[5..7]),
                (OffsetParts::Seconds, true) => (&t[4..6], &t[7..9]),
            };
            if form.colons && (t[3] != b':' || (form.parts == OffsetParts::Seconds && t[6] != b':'))
            {
                return Err(Problem::Bad);
            }
            *v = &v[len..];
            // Each part must be two digits; a part out of range is reported before a
            // malformed one.
            let two_digits = |s: &[u8]| getnum(&mut &s[..], true).ok();
            let hh = two_digits(&t[1..3]);
            let mm = hh.and(two_digits(minutes));
            let ss = mm.and(two_digits(seconds));
            let (h, m, s) = (hh.unwrap_or(0), mm.unwrap_or(0), ss.unwrap_or(0));
            let what = [
                (s > 60, "time zone offset second"),
                (m > 60, "time zone offset minute"),
                (h > 24, "time zone offset hour"),
            ];
            if let Some(&(_, what)) = what.iter().find(|(bad, _)| *bad) {
                return Err(Problem::Range(what));
            }
            let magnitude = ((h * 60 + m) * 60 + s) as i32;
            f.zone_offset = Some(match t[0] {
                _ if ss.is_none() => return Err(Problem::Bad),
                b'+' => magnitude,
                b'-' => -magnitude,
                _ => return Err(Problem::Bad),
            });
        }
        ZoneName => {
            if v.starts_with(b"UTC") {
                *v = &v[3..];
                f.zone = Some(Location::utc());
                return Ok(());
            }
            let len = zone_name_len(v).ok_or(Problem::Bad)?;
            f.zone_name = &v[..len];
            *v = &v[len..];
        }
        Fraction { digits, trim, .. } => {
            if trim {
                // Optional, and as long as the text has digits.
                if v.len() < 2 || !is_separator(v[0]) || !v[1].is_ascii_digit() {
                    return Ok(());
                }
                let len = 1 + v[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                f.nanosecond = nanoseconds(v, len)?;
                *v = &v[len..];
            } else {
                // Exactly as many digits as the layout shows.
                let len = 1 + digits;
                if v.len() < len {
                    return Err(Problem::Bad);
                }
                f.nanosecond = nanoseconds(v, len)?;
                *v = &v[len..];
            }
        }
    }
    Ok(())
}

/// Completes the month and day from the day of the year (checking that they agree),
/// or defaults them to January 1, and checks the day against the month.
fn resolve_date(f: &mut Fields<'_>) -> Result<(), &'static str> {
    if f.yday >= 0 {
        let mut yday = f.yday;
        let (mut month, mut day) = (0, 0);
        if is_leap(f.year) {
            if yday == 31 + 29 {
                (month, day) = (2, 29);
            } else if yday > 31 + 29 {
                yday -= 1;
            }
        }
        if !(1..=365).contains(&yday) {
            return Err(": day-of-year out of range");
        }
        if month == 0 {
            month = (yday - 1) / 31 + 1;
            if days_before_month(month + 1) < yday {
                month += 1;
            }
            day = yday - days_before_month(month);
        }
        if f.month >= 0 && f.month != month {
            return Err(": day-of-year does not match month");
        }
        if f.day >= 0 && f.day != day {
            return Err(": day-of-year does not match day");
        }
        (f.month, f.day) = (month, day);
    } else {
        if f.month < 0 {
            f.month = 1;
        }
        if f.day < 0 {
            f.day = 1;
        }
    }
    if f.day < 1 || f.day > days_in_month(f.month, f.year) {
        return Err(": day out of range");
    }
    Ok(())
}

/// `value` after the literal text `literal`, where a space in `literal` matches any
/// run of spaces (but not another character); on a mismatch, the rest of `value` from
/// there.
fn skip<'v>(mut value: &'v [u8], mut literal: &[u8]) -> Result<&'v [u8], &'v [u8]> {
    while let Some(&c) = literal.first() {
        if c == b' ' {
            if value.first().is_some_and(|&b| b != b' ') {
                return Err(value);
            }
            literal = trim_spaces(literal);
            value = trim_spaces(value);
            continue;
        }
        if value.first() != Some(&c) {
            return Err(value);
        }
        literal = &literal[1..];
        value = &value[1..];
    }
    Ok(value)
}

/// `s` without its leading spaces (only `' '`, not other white space).
fn trim_spaces(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| b == b' ').count();
    &s[n..]
}

/// Drops up to `max` leading spaces from `v`.
fn skip_spaces(v: &mut &[u8], max: usize) {
    let n = v.iter().take(max).take_while(|&&b| b == b' ').count();
    *v = &v[n..];
}

/// The first `n` bytes of `v` (advancing it), if it has that many.
fn take<'v>(v: &mut &'v [u8], n: usize) -> Option<&'v [u8]> {
    if v.len() < n {
        return None;
    }
    let (head, tail) = v.split_at(n);
    *v = tail;
    Some(head)
}

/// A one- or two-digit number at the front of `v` (two digits if `fixed`).
fn getnum(v: &mut &[u8], fixed: bool) -> Result<i64, Problem> {
    let digits = v.iter().take(2).take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || (fixed && digits < 2) {
        return Err(Problem::Bad);
    }
    Ok(number(take(v, digits).unwrap_or_default()))
}

/// A number of one to three digits at the front of `v` (three if `fixed`).
fn getnum3(v: &mut &[u8], fixed: bool) -> Result<i64, Problem> {
    let digits = v.iter().take(3).take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || (fixed && digits < 3) {
        return Err(Problem::Bad);
    }
    Ok(number(take(v, digits).unwrap_or_default()))
}

/// The value of a short run of digits.
fn number(digits: &[u8]) -> i64 {
    digits.iter().fold(0, |n, &d| n * 10 + i64::from(d - b'0'))
}

/// Go's lenient integer: an optional sign, then digits (possibly none), nothing else,
/// at most 2^63.
fn atoi(s: &[u8]) -> Option<i64> {
    let (negative, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = digits.iter().try_fold(0u64, |x, &c| {
        if !c.is_ascii_digit() {
            return None;
        }
        let x = x.checked_mul(10)? + u64::from(c - b'0');
        (x <= 1 << 63).then_some(x)
    })?;
    let x = magnitude as i64;
    Some(if negative { x.wrapping_neg() } else { x })
}

/// Whether `b` separates seconds from their fraction.
fn is_separator(b: u8) -> bool {
    b == b'.' || b == b','
}

/// The nanoseconds of the fraction `v[..len]` (a separator, then digits; only the
/// first nine count).
fn nanoseconds(v: &[u8], len: usize) -> Result<i64, Problem> {
    if !is_separator(v[0]) {
        return Err(Problem::Bad);
    }
    let len = len.min(10);
    let n = atoi(&v[1..len]).ok_or(Problem::Bad)?;
    if n < 0 {
        return Err(Problem::Range("fractional second"));
    }
    Ok(n * 10i64.pow((10 - len) as u32))
}

/// The index of the name in `names` (or of its first three letters, unless `long`)
/// that `v` starts with, ignoring case; advances `v` past it.
fn lookup(names: &[&str], long: bool, v: &mut &[u8]) -> Option<usize> {
    names.iter().position(|name| {
        let name = if long {
            name.as_bytes()
        } else {
            &name.as_bytes()[..3]
        };
        let found = v.len() >= name.len() && v[..name.len()].eq_ignore_ascii_case(name);
        if found {
            *v = &v[name.len()..];
        }
        found
    })
}

/// The length of the zone abbreviation at the front of `v`, if it looks like one:
/// three upper-case letters, or four or five ending in `T` (or `WITA`, `ChST`, `MeST`),
/// or `GMT` with an optional offset of hours (`GMT+3`), or an offset of hours alone
/// (`+03`).
fn zone_name_len(v: &[u8]) -> Option<usize> {
    if v.len() < 3 {
        return None;
    }
    if v.starts_with(b"ChST") || v.starts_with(b"MeST") {
        return Some(4);
    }
    if v.starts_with(b"GMT") {
        return Some(3 + signed_hours_len(&v[3..]).unwrap_or(0));
    }
    if v[0] == b'+' || v[0] == b'-' {
        return signed_hours_len(v);
    }
    let upper = v
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    match upper {
        3 => Some(3),
        4 if v[3] == b'T' || v.starts_with(b"WITA") => Some(4),
        5 if v[4] == b'T' => Some(5),
        _ => None,
    }
}

/// The length of a sign and a number of hours (at most 23) at the front of `v`.
fn signed_hours_len(v: &[u8]) -> Option<usize> {
    if !matches!(v.first(), Some(b'+' | b'-')) {
        return None;
    }
    let digits = v[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    let hours = atoi(&v[1..1 + digits]).filter(|_| digits > 0)?;
    (hours <= 23).then_some(1 + digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC3339: &str = "2006-01-02T15:04:05Z07:00";

    fn parse_utc(layout: &str, value: &str) -> Result<Time, String> {
        let utc = Location::utc();
        parse(layout.as_bytes(), value.as_bytes(), &utc, &utc)
    }

    /// The parse's instant and its formatting in Go's default form.
    fn show(layout: &str, value: &str) -> String {
        match parse_utc(layout, value) {
            Ok(t) => format!("{} {}", t.unix(), t),
            Err(e) => e,
        }
    }

    #[test]
    fn reads_layouts() {
        assert_eq!(
            show(RFC3339, "2020-06-26T17:38:36Z"),
            "1593193116 2020-06-26 17:38:36 +0000 UTC"
        );
        assert_eq!(
            show(RFC3339, "2000-01-01T22:04:05-05:00"),
            "946782245 2000-01-01 22:04:05 -0500 -0500"
        );
        // A fraction the layout does not show is read all the same.
        assert_eq!(
            show(RFC3339, "2020-06-26T17:38:36.5Z"),
            "1593193116 2020-06-26 17:38:36.5 +0000 UTC"
        );
        assert_eq!(
            show("Jan 2, 2006 at 3:04pm (MST)", "Feb 3, 2013 at 7:54pm (PST)"),
            "1359921240 2013-02-03 19:54:00 +0000 PST"
        );
        // An unknown zone keeps its name and the hours of `GMT+3`, but the wall clock
        // is read as UTC (as in Go).
        assert_eq!(
            show(
                "Mon Jan _2 15:04:05 MST 2006",
                "Thu Feb  4 21:00:57 GMT+3 2010"
            ),
            "1265317257 2010-02-05 00:00:57 +0300 GMT+3"
        );
        assert_eq!(
            show("3:04PM", "12:30AM"),
            "-62167217400 0000-01-01 00:30:00 +0000 UTC"
        );
        assert_eq!(
            show("06 002", "24 060"),
            "1709164800 2024-02-29 00:00:00 +0000 UTC"
        );
        assert_eq!(
            show("2006 __2 05,000", "2023  32 01,250"),
            "1675209601 2023-02-01 00:00:01.25 +0000 UTC"
        );
        assert_eq!(
            show("January 2  2006", "march 3 2001"),
            "983577600 2001-03-03 00:00:00 +0000 UTC"
        );
    }

    #[test]
    fn reports_errors_as_go() {
        assert_eq!(
            show(RFC3339, "2020-06-26"),
            r#"parsing time "2020-06-26" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T""#
        );
        assert_eq!(
            show("2006-01-02", "20x0-01-01"),
            r#"parsing time "20x0-01-01" as "2006-01-02": cannot parse "20x0-01-01" as "2006""#
        );
        assert_eq!(
            show("2006-01-02", "2021-13-01"),
            r#"parsing time "2021-13-01": month out of range"#
        );
        assert_eq!(
            show("2006-01-02", "2021-02-29"),
            r#"parsing time "2021-02-29": day out of range"#
        );
        assert_eq!(
            show("2006-01-02", "2021-02-01 x"),
            r#"parsing time "2021-02-01 x": extra text: " x""#
        );
        assert_eq!(
            show("15:04 -07:00", "10:00 +25:00"),
            r#"parsing time "10:00 +25:00": time zone offset hour out of range"#
        );
        assert_eq!(
            show("2006 002 01", "2021 032 01"),
            r#"parsing time "2021 032 01": day-of-year does not match month"#
        );
        assert_eq!(
            show("15:04:05.000", "10:00:00.-12"),
            r#"parsing time "10:00:00.-12": fractional second out of range"#
        );
    }

    #[test]
    fn zones_from_local() {
        let utc = Location::utc();
        let ny = Location::load("US/Eastern").unwrap();
        let t = parse(RFC3339.as_bytes(), b"2000-01-01T22:04:05-05:00", &utc, &ny).unwrap();
        assert_eq!(t.to_string(), "2000-01-01 22:04:05 -0500 EST");
        let t = parse(b"2006-01-02 15:04 MST", b"2000-07-01 12:00 EDT", &ny, &ny).unwrap();
        assert_eq!(
            (t.unix(), t.to_string()),
            (962_467_200, "2000-07-01 12:00:00 -0400 EDT".into())
        );
        let t = parse(b"2006-01-02 15:04", b"2000-07-01 12:00", &ny, &ny).unwrap();
        assert_eq!(t.unix(), 962_467_200);
    }

    #[test]
    fn never_panics() {
        let values: [&[u8]; 24] = [
            b"",
            b"+",
            b"-",
            b"Z",
            b"GMT+",
            b"GMT+99",
            b"2006",
            b"99999999999999999999",
            b".",
            b",",
            b"  ",
            b"\xff\xfe",
            b"+25:61:61",
            b"-99",
            b".-1",
            b",1234567891234",
            b"ChST",
            b"WITA",
            b"ABCDT",
            b"ABCDEF",
            b"PM",
            b"am",
            b"Feb",
            b"+0530",
        ];
        let layouts = [
            "2006",
            "06",
            "Jan",
            "January",
            "Mon",
            "Monday",
            "01",
            "1",
            "_2",
            "__2",
            "002",
            "2",
            "15",
            "3",
            "03",
            "4",
            "5",
            ".000",
            ".999",
            ",9",
            "PM",
            "pm",
            "MST",
            "-07",
            "-0700",
            "-07:00",
            "-070000",
            "-07:00:00",
            "Z07",
            "Z07:00:00",
            "05.9",
            "05",
            " 05",
            "002 2006",
        ];
        let ny = Location::load("US/Eastern").unwrap();
        for layout in layouts {
            for v in values {
                for prefix in [&b""[..], b"1", b"12", b"123", b" "] {
                    for suffix in [&b""[..], b"x", v] {
                        let text = [prefix, v, suffix].concat();
                        let _ = parse(layout.as_bytes(), &text, &ny, &ny);
                    }
                }
            }
        }
    }
}

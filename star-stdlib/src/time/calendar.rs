//! The proleptic Gregorian calendar: conversions between a count of seconds since
//! 1970-01-01T00:00:00 (on a wall clock, before or after applying a zone offset) and a
//! civil date and time of day.
//!
//! Days are converted with Howard Hinnant's `days_from_civil` / `civil_from_days`
//! algorithms, which work in 400-year eras of 146097 days so that leap years need no
//! loop. Arithmetic is in `i128`, so that no combination of `i64` fields overflows:
//! `time.time(year = 10**18)` computes a (meaningless) instant instead of panicking,
//! as Go computes a wrapped one.

/// Seconds in a day.
pub(super) const SECONDS_PER_DAY: i128 = 86_400;

/// Nanoseconds in a second.
pub(super) const NANOS_PER_SECOND: i64 = 1_000_000_000;

/// English month names, January first.
pub(super) const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// English day names, Sunday first.
pub(super) const DAY_NAMES: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// A date and time of day on a wall clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Civil {
    /// The year (0 is 1 BC, -1 is 2 BC).
    pub year: i64,
    /// The month, 1 to 12.
    pub month: u32,
    /// The day of the month, 1 to 31.
    pub day: u32,
    /// The hour, 0 to 23.
    pub hour: u32,
    /// The minute, 0 to 59.
    pub minute: u32,
    /// The second, 0 to 59.
    pub second: u32,
    /// The day of the week, 0 (Sunday) to 6 (Saturday).
    pub weekday: u32,
    /// The day of the year, 1 to 366.
    pub yday: u32,
}

impl Civil {
    /// The date and time `secs` seconds after 1970-01-01T00:00:00.
    pub fn from_seconds(secs: i128) -> Civil {
        let days = secs.div_euclid(SECONDS_PER_DAY);
        let clock = secs.rem_euclid(SECONDS_PER_DAY) as u32;
        let (year, month, day) = civil_from_days(days);
        Civil {
            year: year as i64,
            month,
            day,
            hour: clock / 3600,
            minute: clock / 60 % 60,
            second: clock % 60,
            // 1970-01-01 was a Thursday.
            weekday: (days + 4).rem_euclid(7) as u32,
            yday: (days - days_from_civil(year, 1, 1) + 1) as u32,
        }
    }
}

/// Whether `year` has a February 29.
pub(super) fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days of `month` (1 to 12) in `year`.
pub(super) fn days_in_month(month: i64, year: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The number of days of the year before the first of `month` (1 to 12), in a common
/// year.
pub(super) fn days_before_month(month: i64) -> i64 {
    (1..month).map(|m| days_in_month(m, 1)).sum()
}

/// Days from 1970-01-01 to the given date; `month` is 1 to 12, `day` may be any number
/// (day 0 is the last day of the previous month).
pub(super) fn days_from_civil(year: i128, month: u32, day: i128) -> i128 {
    // Count from March, so that the leap day ends the (shifted) year.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (i128::from(month) + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` days after 1970-01-01: year, month (1 to 12), day (1 to 31).
pub(super) fn civil_from_days(days: i128) -> (i128, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i128::from(month <= 2);
    (year, month, day)
}

/// The wall-clock reading of Go's `time.Date`, as seconds since 1970-01-01T00:00:00
/// plus a nanosecond (0 to 999999999). Fields out of their range carry into the next
/// larger one, as Go's do: month 13 is January of the next year, day 0 the last day of
/// the previous month, nanosecond -1 the last nanosecond of the previous second.
pub(super) fn wall_seconds(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    nanosecond: i64,
) -> (i128, u32) {
    let month0 = i128::from(month) - 1;
    let year = i128::from(year) + month0.div_euclid(12);
    let month = (month0.rem_euclid(12) + 1) as u32;
    let days = days_from_civil(year, month, i128::from(day));
    let nanos = i128::from(NANOS_PER_SECOND);
    let secs = days * SECONDS_PER_DAY
        + i128::from(hour) * 3600
        + i128::from(minute) * 60
        + i128::from(second)
        + i128::from(nanosecond).div_euclid(nanos);
    (secs, i128::from(nanosecond).rem_euclid(nanos) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        for days in (-1_000_000..1_000_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, i128::from(d)), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(-719_528), (0, 1, 1));
    }

    #[test]
    fn civil_fields() {
        // 2006-01-02T15:04:05Z was a Monday, the second day of its year.
        let c = Civil::from_seconds(1_136_214_245);
        assert_eq!((c.year, c.month, c.day), (2006, 1, 2));
        assert_eq!((c.hour, c.minute, c.second), (15, 4, 5));
        assert_eq!((c.weekday, c.yday), (1, 2));
        let c = Civil::from_seconds(-1);
        assert_eq!(
            (c.year, c.month, c.day, c.hour, c.second),
            (1969, 12, 31, 23, 59)
        );
        assert_eq!(Civil::from_seconds(951_782_400).yday, 60); // 2000-02-29
    }

    #[test]
    fn out_of_range_fields_carry() {
        // Month 13 of 2008 is January 2009; day 0 is the last of the previous month.
        assert_eq!(
            wall_seconds(2008, 13, 1, 0, 0, 0, 0),
            wall_seconds(2009, 1, 1, 0, 0, 0, 0)
        );
        assert_eq!(
            wall_seconds(2009, 3, 0, 0, 0, 0, 0),
            wall_seconds(2009, 2, 28, 0, 0, 0, 0)
        );
        assert_eq!(wall_seconds(1970, 1, 1, 0, 0, 0, -1), (-1, 999_999_999));
        assert_eq!(wall_seconds(1970, 1, 1, 25, 0, 0, 0), (90_000, 0));
        assert_eq!(days_before_month(3), 59);
        assert!(is_leap(2000) && !is_leap(1900) && is_leap(2024));
    }
}

//! `time.time`: an instant, to the nanosecond, seen from a location, as Go's
//! `time.Time`.
//!
//! The instant is seconds since 1970-01-01T00:00:00Z plus a nanosecond; the location
//! only decides how it reads (`year`, `hour`, `format`, `str`), so two times are equal,
//! ordered and hashed by their instants alone: `t.in_location("US/Eastern") == t`.
//! Arithmetic: `t + d` and `d + t`, `t - d` (a time), `t - t` (a duration, saturating
//! at the duration's range as Go's `Sub` does).

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use star_core::syntax::BinOp;
use star_core::value::{ConvError, FromValue, HostMethods, HostValue, IntoValue, Str};
use star_core::{star_methods, Error, NativeFunction, Result, Value};

use super::calendar::{Civil, NANOS_PER_SECOND};
use super::duration::Duration;
use super::layout::{self, Moment};
use super::location::Location;

/// An instant in time, and the location it is seen from.
#[derive(Clone)]
pub struct Time {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    unix: i64,
    /// The nanosecond within that second, 0 to 999999999.
    nanosecond: u32,
    /// Where the wall clock is read.
    location: Arc<Location>,
}

/// Go's zero time, January 1 of year 1, 00:00:00 UTC (the only false time).
const ZERO_TIME_UNIX: i64 = -62_135_596_800;

/// The layout of `str(t)`, as Go's `Time.String`.
const DEFAULT_LAYOUT: &[u8] = b"2006-01-02 15:04:05.999999999 -0700 MST";

/// `x` within the range of an `i64`.
fn saturate(x: i128) -> i64 {
    x.clamp(i64::MIN.into(), i64::MAX.into()) as i64
}

impl Time {
    /// The time `unix` seconds (and `nanosecond` nanoseconds, 0 to 999999999) after
    /// 1970-01-01T00:00:00Z, seen from `location`.
    pub(super) fn new(unix: i64, nanosecond: u32, location: Arc<Location>) -> Time {
        Time {
            unix,
            nanosecond,
            location,
        }
    }

    /// The time at which the wall clock of `location` reads `wall` (seconds since
    /// 1970-01-01T00:00:00 and a nanosecond, from `calendar::wall_seconds`), as Go's
    /// `time.Date`. A reading that a transition skips is taken with the offset after
    /// it (2:30 on the day summer time starts is 1:30 standard time); a reading that a
    /// transition repeats is the first of the two.
    pub(super) fn from_wall(wall: (i128, u32), location: Arc<Location>) -> Time {
        let (secs, nanosecond) = wall;
        // The offset at the wall reading taken as UTC is off by at most one
        // transition; the offset at the instant it gives is the right one.
        let guess = location.lookup(saturate(secs)).1;
        let offset = location.lookup(saturate(secs - i128::from(guess))).1;
        Time::new(saturate(secs - i128::from(offset)), nanosecond, location)
    }

    /// The time `secs` seconds and `nsec` nanoseconds after 1970-01-01T00:00:00Z
    /// (either may be negative or out of range), in the local zone, as Go's
    /// `time.Unix`.
    pub fn from_unix(secs: i64, nsec: i64) -> Time {
        let nanos = i128::from(NANOS_PER_SECOND);
        let total = i128::from(secs) * nanos + i128::from(nsec);
        Time::new(
            saturate(total.div_euclid(nanos)),
            total.rem_euclid(nanos) as u32,
            Location::local(),
        )
    }

    /// `t` in the local zone.
    pub fn from_system_time(t: SystemTime) -> Time {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Time::from_unix(saturate(d.as_secs().into()), d.subsec_nanos().into()),
            Err(e) => {
                let d = e.duration();
                Time::from_unix(-saturate(d.as_secs().into()), -i64::from(d.subsec_nanos()))
            }
        }
    }

    /// The current time of the system clock, in the local zone.
    pub fn now() -> Time {
        Time::from_system_time(SystemTime::now())
    }

    /// Whole seconds since 1970-01-01T00:00:00Z.
    pub fn unix(&self) -> i64 {
        self.unix
    }

    /// Nanoseconds since 1970-01-01T00:00:00Z (wrapping outside the years 1678 to
    /// 2262, as in Go).
    pub fn unix_nano(&self) -> i64 {
        self.unix
            .wrapping_mul(NANOS_PER_SECOND)
            .wrapping_add(self.nanosecond.into())
    }

    /// The nanosecond within the second, 0 to 999999999.
    pub fn nanosecond(&self) -> u32 {
        self.nanosecond
    }

    /// The location the time is seen from.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The time `d` later (earlier if `d` is negative).
    pub fn add(&self, d: Duration) -> Time {
        let nanos = i128::from(NANOS_PER_SECOND);
        let total = i128::from(self.unix) * nanos + i128::from(self.nanosecond) + i128::from(d.0);
        Time::new(
            saturate(total.div_euclid(nanos)),
            total.rem_euclid(nanos) as u32,
            self.location.clone(),
        )
    }

    /// The duration from `other` to `self`, saturated to the duration's range.
    pub fn sub(&self, other: &Time) -> Duration {
        let nanos = i128::from(NANOS_PER_SECOND);
        let diff = (i128::from(self.unix) - i128::from(other.unix)) * nanos
            + i128::from(self.nanosecond)
            - i128::from(other.nanosecond);
        Duration(saturate(diff))
    }

    /// The date and time of day on the location's wall clock.
    fn civil(&self) -> Civil {
        let (_, offset) = self.location.lookup(self.unix);
        Civil::from_seconds(i128::from(self.unix) + i128::from(offset))
    }

    /// The time as layouts see it.
    fn moment(&self) -> Moment<'_> {
        let (abbrev, offset) = self.location.lookup(self.unix);
        Moment {
            civil: Civil::from_seconds(i128::from(self.unix) + i128::from(offset)),
            nanosecond: self.nanosecond,
            abbrev,
            offset,
        }
    }

    /// The time written through a Go layout (see the module docs).
    pub fn format_bytes(&self, layout: &[u8]) -> Vec<u8> {
        layout::format(layout, &self.moment())
    }

    /// The order of the instants.
    fn instant_cmp(&self, other: &Time) -> Ordering {
        (self.unix, self.nanosecond).cmp(&(other.unix, other.nanosecond))
    }
}

#[star_methods]
impl Time {
    /// Returns the time written through a Go layout, such as "2006-01-02T15:04:05Z07:00"
    /// or "3:04PM": each piece of the reference time Mon Jan 2 15:04:05 MST 2006
    /// (offset -0700) stands for that piece of this time, and other text is kept.
    #[star(signature = (layout, /))]
    pub fn format(&self, layout: &Str) -> Str {
        Str::from_bytes(&self.format_bytes(layout.as_bytes()))
    }

    /// Returns the same instant seen from the location called name (a zone of the time
    /// zone database such as "US/Eastern", or "UTC", or "Local").
    #[star(signature = (name, /))]
    pub fn in_location(&self, name: &str) -> Result<Time> {
        let location = Location::load(name).map_err(Error::value_error)?;
        Ok(Time::new(self.unix, self.nanosecond, location))
    }
}

impl fmt::Display for Time {
    /// Go's `Time.String`: `2011-04-22 13:33:48.5 +0000 UTC`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.format_bytes(DEFAULT_LAYOUT)))
    }
}

impl fmt::Debug for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Time({self}, {})", self.location.name())
    }
}

impl HostValue for Time {
    fn type_name(&self) -> &'static str {
        "time.time"
    }

    fn repr(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }

    fn truth(&self) -> bool {
        !(self.unix == ZERO_TIME_UNIX && self.nanosecond == 0)
    }

    fn equals(&self, other: &Value) -> Result<bool> {
        Ok(other
            .downcast_ref::<Time>()
            .is_some_and(|o| self.instant_cmp(o).is_eq()))
    }

    fn compare(&self, other: &Value) -> Result<Option<Ordering>> {
        Ok(other.downcast_ref::<Time>().map(|o| self.instant_cmp(o)))
    }

    fn hash(&self) -> Result<u32> {
        let n = self.unix_nano();
        Ok(n as u32 ^ (n >> 32) as u32)
    }

    fn attr(&self, name: &str) -> Option<Value> {
        let c = || self.civil();
        Some(Value::Int(match name {
            "year" => c().year,
            "month" => c().month.into(),
            "day" => c().day.into(),
            "hour" => c().hour.into(),
            "minute" => c().minute.into(),
            "second" => c().second.into(),
            "nanosecond" => self.nanosecond.into(),
            "unix" => self.unix,
            "unix_nano" => self.unix_nano(),
            _ => return None,
        }))
    }

    fn attr_names(&self) -> Vec<String> {
        [
            "year",
            "month",
            "day",
            "hour",
            "minute",
            "second",
            "nanosecond",
            "unix",
            "unix_nano",
        ]
        .map(String::from)
        .to_vec()
    }

    fn methods(&self) -> &'static [&'static NativeFunction] {
        <Time as HostMethods>::methods()
    }

    fn binary(&self, op: BinOp, other: &Value, self_on_right: bool) -> Option<Result<Value>> {
        if let Some(&d) = other.downcast_ref::<Duration>() {
            return match op {
                BinOp::Plus => Some(Ok(self.add(d).into_value())),
                BinOp::Minus if !self_on_right => {
                    Some(Ok(self.add(Duration(d.0.wrapping_neg())).into_value()))
                }
                _ => None,
            };
        }
        match (op, other.downcast_ref::<Time>()) {
            (BinOp::Minus, Some(t)) if !self_on_right => Some(Ok(self.sub(t).into_value())),
            _ => None,
        }
    }
}

star_core::impl_freeze_safe!(Time);

impl IntoValue for Time {
    fn into_value(self) -> Value {
        Value::host(self)
    }
}

impl<'a> FromValue<'a> for &'a Time {
    fn from_value(v: &'a Value) -> std::result::Result<Self, ConvError> {
        v.downcast_ref::<Time>()
            .ok_or_else(|| ConvError::wrong_type(v, "time.time"))
    }

    fn expected() -> String {
        "time.time".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(unix: i64, nanosecond: u32) -> Time {
        Time::new(unix, nanosecond, Location::utc())
    }

    #[test]
    fn reads_as_go() {
        assert_eq!(
            utc(1_303_479_228, 0).to_string(),
            "2011-04-22 13:33:48 +0000 UTC"
        );
        assert_eq!(
            utc(-1, 500_000_000).to_string(),
            "1969-12-31 23:59:59.5 +0000 UTC"
        );
        let ny = Location::load("US/Eastern").unwrap();
        let t = Time::new(946_782_245, 0, ny);
        assert_eq!(t.to_string(), "2000-01-01 22:04:05 -0500 EST");
        assert_eq!(t.civil().hour, 22);
    }

    #[test]
    fn wall_clock_readings() {
        let ny = Location::load("America/New_York").unwrap();
        let at = |h: i64, m: i64| {
            Time::from_wall(
                super::super::calendar::wall_seconds(2011, 3, 13, h, m, 0, 0),
                ny.clone(),
            )
            .to_string()
        };
        assert_eq!(at(1, 30), "2011-03-13 01:30:00 -0500 EST");
        // 2:30 does not exist that day: it is read with the offset after the jump.
        assert_eq!(at(2, 30), "2011-03-13 01:30:00 -0500 EST");
        assert_eq!(at(3, 30), "2011-03-13 03:30:00 -0400 EDT");
        // 1:30 happens twice on the day summer time ends: the first one is meant.
        let repeated = Time::from_wall(
            super::super::calendar::wall_seconds(2011, 11, 6, 1, 30, 0, 0),
            ny.clone(),
        );
        assert_eq!(repeated.to_string(), "2011-11-06 01:30:00 -0400 EDT");
    }

    #[test]
    fn arithmetic_saturates_or_normalises() {
        let t = utc(10, 900_000_000);
        assert_eq!(
            t.add(Duration(200_000_000))
                .instant_cmp(&utc(11, 100_000_000)),
            Ordering::Equal
        );
        assert_eq!(t.add(Duration(-1_000_000_000)).unix(), 9);
        assert_eq!(utc(i64::MAX, 0).sub(&utc(i64::MIN, 0)), Duration(i64::MAX));
        assert_eq!(utc(0, 0).sub(&utc(1, 1)), Duration(-1_000_000_001));
        let t = Time::from_unix(5, -1);
        assert_eq!((t.unix(), t.nanosecond()), (4, 999_999_999));
        assert_eq!(
            utc(ZERO_TIME_UNIX, 0).to_string(),
            "0001-01-01 00:00:00 +0000 UTC"
        );
    }

    #[test]
    fn extremes_do_not_panic() {
        use super::super::calendar::wall_seconds;
        let layout =
            b"Monday January 2 2006 __2 002 _2 3:04:05.000000000 PM MST -07:00:00 Z0700 .9";
        let ends = [i64::MAX, i64::MIN, 0, -1, 1 << 40, -(1 << 40)];
        for name in [
            "UTC",
            "US/Eastern",
            "Australia/Sydney",
            "Asia/Kolkata",
            "Local",
        ] {
            let loc = Location::load(name).unwrap();
            for v in ends {
                let t = Time::from_wall(wall_seconds(v, v, v, v, v, v, v), loc.clone());
                let u = Time::new(v, 999_999_999, loc.clone());
                for t in [&t, &u, &Time::from_unix(v, v)] {
                    t.format_bytes(layout);
                    t.to_string();
                    t.unix_nano();
                    t.civil();
                    t.add(Duration(i64::MAX));
                    t.add(Duration(i64::MIN));
                    t.sub(&u);
                    u.sub(t);
                }
            }
        }
    }
}

//! The `time` module: instants, durations, time zones and Go's time layouts, as in
//! google/starlark-go's `lib/time`.
//!
//! - `time.time` values ([`Time`]) are instants seen from a location: `year`, `month`,
//!   `day`, `hour`, `minute`, `second`, `nanosecond`, `unix`, `unix_nano`, the methods
//!   `format(layout)` and `in_location(name)`, `t + d`, `t - d`, `t - t`, comparison
//!   and hashing by instant; `str(t)` is Go's `2011-04-22 13:33:48 +0000 UTC`.
//! - `time.duration` values ([`Duration`]) are nanosecond counts: `hours`, `minutes`,
//!   `seconds` (floats), `milliseconds`, `microseconds`, `nanoseconds` (ints), `+`,
//!   `-`, `*` and `/` with ints, `/` with floats and durations, `//` with durations;
//!   `str(d)` is Go's `1h2m3.5s`.
//! - Functions: `now()`, `parse_time(x, format=..., location=...)`, `time(year=...,
//!   ...)`, `from_timestamp(sec, nsec)`, `parse_duration(d)`, `is_valid_timezone(loc)`;
//!   constants `nanosecond` ... `hour`.
//!
//! Layouts are Go's: the reference time `Mon Jan 2 15:04:05 MST 2006` (offset -0700)
//! written as the times should be (`layout.rs` lists the pieces). Zones come from the
//! system time zone database (`location.rs`).
//!
//! Reading the clock is a capability the host grants: `time.now()` fails with `time.now:
//! reading the clock is not allowed by this host` unless the thread has a [`Clock`] in
//! its data, either the system clock ([`allow_clock`]) or a clock of the host's own (a
//! fixed time makes scripts deterministic), as Go's `time.NowFunc` does. Everything else
//! in the module is a pure function of its arguments (and of the time zone database).
//!
//! ```
//! use star_core::eval::{Module, Predeclared};
//! use star_core::{Dialect, Thread, Value};
//! use star_stdlib::time::{Clock, Time};
//!
//! let env = Predeclared::new().with("time", Value::from(star_stdlib::time::module()));
//! let mut module = Module::new("demo.star", env, Dialect::standard());
//! let mut thread = Thread::new("main");
//! thread.set_data(Clock::new(|| Time::from_unix(1_303_479_228, 0)));
//! let src = r#"
//! now = time.now().in_location("UTC")
//! later = str(now + time.parse_duration("1h30m"))
//! day = time.parse_time("2011-04-22", format = "2006-01-02").format("Monday, Jan 2")
//! "#;
//! module.exec(&mut thread, src).unwrap();
//! assert_eq!(module.get("later").unwrap().to_str(), "2011-04-22 15:03:48 +0000 UTC");
//! assert_eq!(module.get("day").unwrap().to_str(), "Friday, Apr 22");
//! ```
//!
//! Where this differs from starlark-go: `str(time.now())` has no monotonic clock
//! reading (Go appends `m=+0.001`); `x / d` is an error for a float `x` as for an int
//! (starlark-go computes `d / x`); `d - t` is an error (starlark-go computes `t - d`);
//! `now()` takes no arguments (starlark-go ignores any); instants beyond the range of
//! an `i64` of seconds saturate where Go's wrap; `$ZONEINFO` may name a directory but
//! not a zip file; a zone file that cannot be read or decoded is an `unknown time
//! zone`, and leap-second tables in zone files (the `right/` zones) are applied where
//! Go ignores them. Go's wording is kept even where odd: a duration argument of the
//! wrong type wants "a duration, string, or int", though an int is refused.

use star_core::value::NativeModule;

mod calendar;
mod duration;
mod instant;
mod layout;
mod location;
mod parse;

pub use duration::Duration;
pub use instant::Time;
pub use location::Location;

/// The `time` module (`Value::from(time::module())` is the value to predeclare).
pub fn module() -> NativeModule {
    functions::module()
}

/// The clock `time.now()` reads, as thread data: with
/// `thread.set_data(Clock::new(f))`, scripts on that thread get `f()` for the current
/// time (a fixed time makes them deterministic). Without one, `now()` fails: reading
/// the clock is a capability the host grants.
pub struct Clock(Box<dyn Fn() -> Time>);

impl Clock {
    /// A clock that reads `now`.
    pub fn new(now: impl Fn() -> Time + 'static) -> Clock {
        Clock(Box::new(now))
    }

    /// The system clock, in the local time zone.
    pub fn system() -> Clock {
        Clock::new(Time::now)
    }

    /// The current time by this clock.
    pub fn now(&self) -> Time {
        (self.0)()
    }
}

/// Lets scripts on `thread` read the system clock with `time.now()` (by putting
/// [`Clock::system`] in its data). A host that runs trusted scripts calls this on each
/// thread it makes, e.g. from `InterpreterBuilder::thread_modifier`.
pub fn allow_clock(thread: &mut star_core::Thread) {
    thread.set_data(Clock::system());
}

/// Instants, durations, time zones and Go's time layouts.
///
/// now() is the current time (if the host lets scripts read the clock); parse_time(x, format="2006-01-02T15:04:05Z07:00",
/// location="UTC") reads a time through a Go layout; time(year=..., month=..., day=...,
/// hour=..., minute=..., second=..., nanosecond=..., location=...) builds one;
/// from_timestamp(sec, nsec) converts a Unix time; parse_duration(d) reads a duration
/// such as "1h2m3.5s"; is_valid_timezone(loc) tells whether loc names a time zone. The
/// durations nanosecond, microsecond, millisecond, second, minute and hour are
/// constants.
#[star_core::star_module(name = "time")]
mod functions {
    use star_core::value::Str;
    use star_core::{star_builtin, Error, ErrorKind, Result, Thread, Value};

    use super::calendar::wall_seconds;
    use super::{parse, Clock, Duration, Location, Time};

    /// A duration of one nanosecond.
    #[star(name = "nanosecond")]
    pub const NANOSECOND: Duration = Duration::NANOSECOND;

    /// A duration of one microsecond.
    #[star(name = "microsecond")]
    pub const MICROSECOND: Duration = Duration::MICROSECOND;

    /// A duration of one millisecond.
    #[star(name = "millisecond")]
    pub const MILLISECOND: Duration = Duration::MILLISECOND;

    /// A duration of one second.
    #[star(name = "second")]
    pub const SECOND: Duration = Duration::SECOND;

    /// A duration of one minute.
    #[star(name = "minute")]
    pub const MINUTE: Duration = Duration::MINUTE;

    /// A duration of one hour.
    #[star(name = "hour")]
    pub const HOUR: Duration = Duration::HOUR;

    /// Returns the time sec seconds and nsec nanoseconds after January 1, 1970 UTC, in
    /// the local time zone.
    #[star_builtin(signature = (sec, nsec = 0, /))]
    pub fn from_timestamp(sec: i64, nsec: i64) -> Time {
        Time::from_unix(sec, nsec)
    }

    /// Reports whether loc names a time zone ("UTC", "Local", or a zone of the time zone
    /// database such as "US/Eastern").
    #[star_builtin(signature = (loc, /))]
    pub fn is_valid_timezone(loc: &str) -> bool {
        Location::load(loc).is_ok()
    }

    /// Returns the current time, in the local time zone (or what the host's clock
    /// says). Fails unless the host lets scripts read the clock.
    #[star_builtin(signature = ())]
    pub fn now(thread: &Thread) -> Result<Time> {
        match thread.data::<Clock>() {
            Some(clock) => Ok(clock.now()),
            None => Err(Error::new(
                ErrorKind::Other,
                "time.now: reading the clock is not allowed by this host",
            )),
        }
    }

    /// Returns the duration d denotes: a duration, or a string of decimal numbers with
    /// units such as "1h2m3.5s", "-1.5h" or "300ms" (units ns, us, ms, s, m, h).
    #[star_builtin(signature = (d))]
    pub fn parse_duration(d: Duration) -> Duration {
        d
    }

    /// Returns the time that x denotes when read through the Go layout format. A time
    /// without an offset or zone is taken to be in location; with one, it keeps it.
    #[star_builtin(signature = (x, format = "2006-01-02T15:04:05Z07:00", location = "UTC"))]
    pub fn parse_time(x: &Str, format: Str, location: String) -> Result<Time> {
        // As in Go: in UTC, a zone in the text is matched against the host's zone.
        let (default, local) = if location == "UTC" {
            (Location::utc(), Location::local())
        } else {
            let loc = Location::load(&location).map_err(Error::value_error)?;
            (loc.clone(), loc)
        };
        parse::parse(format.as_bytes(), x.as_bytes(), &default, &local).map_err(Error::value_error)
    }

    /// Returns the time of the given date and time of day in location (UTC by
    /// default); every argument is optional and must be passed by name. Values out of
    /// range carry over: month=13 is January of the next year.
    #[star_builtin(signature = (
        *args, year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0,
        nanosecond = 0, location = ""
    ))]
    #[allow(clippy::too_many_arguments)]
    pub fn time(
        args: Vec<Value>,
        year: i64,
        month: i64,
        day: i64,
        hour: i64,
        minute: i64,
        second: i64,
        nanosecond: i64,
        location: String,
    ) -> Result<Time> {
        if !args.is_empty() {
            return Err(Error::type_error("time: unexpected positional arguments"));
        }
        let location = Location::load(&location).map_err(Error::value_error)?;
        let wall = wall_seconds(year, month, day, hour, minute, second, nanosecond);
        Ok(Time::from_wall(wall, location))
    }
}

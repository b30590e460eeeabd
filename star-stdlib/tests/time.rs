//! The `time` module from the host's side: its members, a host-controlled clock, time
//! values read back in Rust and shared once frozen, and the exact error messages of
//! google/starlark-go's lib/time.

mod common;

use common::{error, eval, eval_str, run};
use star_core::eval::{Module, Predeclared};
use star_core::{Dialect, Thread, Value};
use star_stdlib::time::{Clock, Duration, Time};

#[test]
fn members() {
    assert_eq!(
        eval_str("dir(time)"),
        r#"["from_timestamp", "hour", "is_valid_timezone", "microsecond", "millisecond", "minute", "nanosecond", "now", "parse_duration", "parse_time", "second", "time"]"#
    );
    assert_eq!(eval_str("type(time.hour)"), "time.duration");
    assert_eq!(eval_str("time.hour.nanoseconds"), "3600000000000");
}

#[test]
fn the_host_sets_the_clock() {
    let env = Predeclared::new().with("time", Value::from(star_stdlib::time::module()));
    let mut module = Module::new("clock.star", env, Dialect::standard());
    let mut thread = Thread::new("main");
    thread.set_data(Clock::new(|| Time::from_unix(1_000_000_000, 5)));
    let src = r#"
a = time.now()
b = time.now()
text = a.in_location("UTC").format("2006-01-02T15:04:05.999999999Z07:00")
"#;
    module.exec(&mut thread, src).unwrap();
    assert_eq!(
        module.get("text").unwrap().to_str(),
        "2001-09-09T01:46:40.000000005Z"
    );
    assert!(module
        .get("a")
        .unwrap()
        .equals(&module.get("b").unwrap())
        .unwrap());
}

#[test]
fn reading_the_clock_is_a_capability() {
    // Denied unless the host grants it.
    assert_eq!(
        error("time.now()"),
        "time.now: reading the clock is not allowed by this host"
    );
    let env = Predeclared::new().with("time", Value::from(star_stdlib::time::module()));
    let mut module = Module::new("clock.star", env, Dialect::standard());
    let mut thread = Thread::new("main");
    star_stdlib::time::allow_clock(&mut thread);
    let before = Time::now().unix();
    module.exec(&mut thread, "t = time.now().unix\n").unwrap();
    let t = module.get("t").unwrap().as_i64().unwrap();
    assert!(t >= before && t <= Time::now().unix(), "{t}");
}

#[test]
fn values_read_back_in_rust() {
    let t = eval(r#"time.parse_time("2020-06-26T17:38:36.5Z")"#);
    let t = t.downcast_ref::<Time>().unwrap();
    assert_eq!((t.unix(), t.nanosecond()), (1_593_193_116, 500_000_000));
    assert_eq!(t.location().name(), "UTC");
    assert_eq!(t.format_bytes(b"Jan 2 '06"), b"Jun 26 '20");
    let d = eval(r#"time.parse_duration("1m30s")"#);
    assert_eq!(
        d.downcast_ref::<Duration>(),
        Some(&Duration(90_000_000_000))
    );
    assert_eq!(
        Duration::parse(b"1.5h").map(|d| d.to_string()),
        Ok("1h30m0s".into())
    );
}

#[test]
fn frozen_values_are_shared() {
    let module = run(r#"
start = time.time(year = 2030, month = 1, day = 1, location = "Europe/Paris")
spans = [time.hour, time.parse_duration("1m")]
"#);
    let frozen = std::sync::Arc::new(module.freeze());
    let worker = {
        let frozen = frozen.clone();
        std::thread::spawn(move || {
            let (_, start) = frozen.exports().find(|(n, _)| *n == "start").unwrap();
            start.value().to_str()
        })
    };
    assert_eq!(worker.join().unwrap(), "2030-01-01 00:00:00 +0100 CET");
}

#[test]
fn help_text() {
    let help = star_stdlib::time::module().help();
    assert!(
        help.contains("parse_time(x, format=\"2006-01-02T15:04:05Z07:00\", location=\"UTC\")"),
        "{help}"
    );
}

#[test]
fn error_messages() {
    assert_eq!(
        error(r#"time.parse_time("2021-02-30T00:00:00Z")"#),
        r#"parsing time "2021-02-30T00:00:00Z": day out of range"#
    );
    assert_eq!(
        error(r#"time.parse_duration("1y")"#),
        r#"parse_duration: for parameter "d": time: unknown unit "y" in duration "1y""#
    );
    assert_eq!(
        error("time.time(1)"),
        "time: unexpected positional arguments"
    );
    assert_eq!(error("time.second / 0"), "time.duration division by zero");
    assert_eq!(error("1 / time.second"), "unsupported operation");
    assert_eq!(
        error(r#"time.time(year = 2000).in_location("No/Where")"#),
        "unknown time zone No/Where"
    );
}

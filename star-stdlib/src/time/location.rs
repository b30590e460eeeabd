//! Locations: what turns an instant into a wall-clock reading (an offset from UTC and a
//! zone abbreviation such as `EST`), as Go's `time.Location`.
//!
//! A location is UTC, a fixed offset (made when parsing `-05:00` or an unknown zone
//! abbreviation), or a zone of the system time zone database, read from the TZif files
//! under `/usr/share/zoneinfo` (or the directory `$ZONEINFO` names), as Go's
//! `time.LoadLocation` reads them. The `tz-rs` crate decodes the files, including the
//! POSIX TZ rule at their end that governs times after the last listed transition.
//! `Local` is the zone `$TZ` names, or `/etc/localtime`, or UTC, as in Go.
//!
//! Loaded zones are cached for the life of the process: a zone file is read once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// A place's rules for offsets from UTC.
pub struct Location {
    /// The name it was loaded under (`UTC`, `Local`, `US/Eastern`), or the zone name of a
    /// fixed offset.
    name: String,
    /// The offsets.
    rules: Rules,
}

/// How a location finds its offset at an instant.
enum Rules {
    /// One offset, at all times, with its abbreviation (empty for an unnamed offset).
    Fixed { abbrev: String, offset: i32 },
    /// A zone of the time zone database.
    Zone(tz::TimeZone),
}

/// The directories searched for zone files, after `$ZONEINFO`: Go's list for Unix.
const ZONE_DIRS: [&str; 4] = [
    "/usr/share/zoneinfo",
    "/usr/share/lib/zoneinfo",
    "/usr/lib/locale/TZ",
    "/etc/zoneinfo",
];

/// In debug builds (tests), a last resort: the few zones the crate's own tests use,
/// kept in the source tree, so the tests pass on a machine without a tz database.
#[cfg(debug_assertions)]
const TEST_ZONE_DIR: Option<&str> = Some(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/zoneinfo"));
#[cfg(not(debug_assertions))]
const TEST_ZONE_DIR: Option<&str> = None;

impl Location {
    /// UTC.
    pub fn utc() -> Arc<Location> {
        static UTC: OnceLock<Arc<Location>> = OnceLock::new();
        UTC.get_or_init(|| Location::fixed_named("UTC", "UTC", 0))
            .clone()
    }

    /// The host's local zone (Go's `time.Local`): the zone `$TZ` names (a name or, after
    /// an optional `:`, an absolute path), `/etc/localtime` when `$TZ` is unset, and UTC
    /// when `$TZ` is empty, `UTC`, or names nothing readable.
    pub fn local() -> Arc<Location> {
        static LOCAL: OnceLock<Arc<Location>> = OnceLock::new();
        LOCAL
            .get_or_init(|| {
                let zone = match std::env::var("TZ") {
                    Err(_) => read_zone("/etc/localtime"),
                    Ok(tz) => {
                        let tz = tz.strip_prefix(':').unwrap_or(&tz);
                        if tz.starts_with('/') {
                            read_zone(tz)
                        } else if tz.is_empty() || tz == "UTC" || !valid_name(tz) {
                            None
                        } else {
                            find_zone(tz)
                        }
                    }
                };
                let rules = match zone {
                    Some(z) => Rules::Zone(z),
                    None => Rules::Fixed {
                        abbrev: "UTC".into(),
                        offset: 0,
                    },
                };
                Arc::new(Location {
                    name: "Local".into(),
                    rules,
                })
            })
            .clone()
    }

    /// A location always at `offset` seconds east of UTC, whose zone is called
    /// `abbrev` (an empty abbreviation is formatted as the offset, `-0500`).
    pub fn fixed(abbrev: &str, offset: i32) -> Arc<Location> {
        Location::fixed_named(abbrev, abbrev, offset)
    }

    fn fixed_named(name: &str, abbrev: &str, offset: i32) -> Arc<Location> {
        Arc::new(Location {
            name: name.into(),
            rules: Rules::Fixed {
                abbrev: abbrev.into(),
                offset,
            },
        })
    }

    /// The location called `name`, as Go's `time.LoadLocation` finds it: `""` and `UTC`
    /// are UTC, `Local` is [`Location::local`], anything else a file of the zone
    /// database. The error is Go's: `unknown time zone X`, or `time: invalid location
    /// name` for a name with `..` or a leading slash.
    pub fn load(name: &str) -> Result<Arc<Location>, String> {
        match name {
            "" | "UTC" => return Ok(Location::utc()),
            "Local" => return Ok(Location::local()),
            _ => {}
        }
        if !valid_name(name) {
            return Err("time: invalid location name".into());
        }
        static CACHE: OnceLock<Mutex<HashMap<String, Arc<Location>>>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        if let Some(loc) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(name) {
            return Ok(loc.clone());
        }
        let zone = find_zone(name).ok_or_else(|| format!("unknown time zone {name}"))?;
        let loc = Arc::new(Location {
            name: name.into(),
            rules: Rules::Zone(zone),
        });
        cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.into(), loc.clone());
        Ok(loc)
    }

    /// The name the location was loaded under.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The zone abbreviation and the offset east of UTC (in seconds) in effect at
    /// `unix` (seconds since 1970-01-01T00:00:00Z).
    pub fn lookup(&self, unix: i64) -> (&str, i32) {
        match &self.rules {
            Rules::Fixed { abbrev, offset } => (abbrev, *offset),
            Rules::Zone(zone) => {
                let t = match zone.find_local_time_type(unix) {
                    Ok(t) => t,
                    // Past the end of the zone's data, or too far from today for its
                    // rule: the nearest listed period stands.
                    Err(_) => {
                        let data = zone.as_ref();
                        let types = data.local_time_types();
                        match data.transitions().last() {
                            Some(last) if unix >= 0 => &types[last.local_time_type_index()],
                            _ => &types[0],
                        }
                    }
                };
                (t.time_zone_designation(), t.ut_offset())
            }
        }
    }

    /// The offset of the zone abbreviated `abbrev` in this location, preferring one in
    /// effect around `unix` (as in Sydney, where both standard and summer time have
    /// been called `EST`), as Go's parser resolves `MST` in a layout.
    pub fn offset_of_abbrev(&self, abbrev: &str, unix: i64) -> Option<i32> {
        let candidates: Vec<(&str, i32)> = match &self.rules {
            Rules::Fixed { abbrev, offset } => vec![(abbrev.as_str(), *offset)],
            Rules::Zone(zone) => zone
                .as_ref()
                .local_time_types()
                .iter()
                .map(|t| (t.time_zone_designation(), t.ut_offset()))
                .collect(),
        };
        let named = || candidates.iter().filter(|(a, _)| *a == abbrev);
        named()
            .find_map(|&(_, offset)| {
                let (a, o) = self.lookup(unix.saturating_sub(i64::from(offset)));
                (a == abbrev).then_some(o)
            })
            .or_else(|| named().map(|&(_, offset)| offset).next())
    }
}

/// Whether `name` may name a zone file: no `..` (no zone name has even one dot), no
/// leading slash or backslash.
fn valid_name(name: &str) -> bool {
    !name.contains("..") && !name.starts_with(['/', '\\'])
}

/// The zone `name` from `$ZONEINFO` or the first of [`ZONE_DIRS`] that has it.
fn find_zone(name: &str) -> Option<tz::TimeZone> {
    let env = std::env::var("ZONEINFO").ok().filter(|d| !d.is_empty());
    let zone = env
        .iter()
        .map(String::as_str)
        .chain(ZONE_DIRS)
        .chain(TEST_ZONE_DIR)
        .find_map(|dir| read_zone(&format!("{dir}/{name}")));
    zone
}

/// The zone in the TZif file at `path`, if it can be read and decoded.
fn read_zone(path: &str) -> Option<tz::TimeZone> {
    let data = std::fs::read(path).ok()?;
    tz::TimeZone::from_tz_data(&data).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_and_fixed() {
        assert_eq!(Location::utc().lookup(0), ("UTC", 0));
        assert_eq!(Location::load("").unwrap().lookup(1), ("UTC", 0));
        assert_eq!(Location::fixed("", -18000).lookup(7), ("", -18000));
        assert_eq!(Location::load("Local").unwrap().name(), "Local");
    }

    #[test]
    fn zones_from_the_database() {
        let ny = Location::load("US/Eastern").unwrap();
        assert_eq!(ny.name(), "US/Eastern");
        assert_eq!(ny.lookup(946_782_245), ("EST", -18000)); // 2000-01-02
        assert_eq!(ny.lookup(961_902_245), ("EDT", -14400)); // 2000-06-25
                                                             // Past the file's transitions, the TZ rule at its end decides.
        assert_eq!(ny.lookup(4_118_000_000), ("EDT", -14400)); // 2100-06-30
        assert_eq!(ny.offset_of_abbrev("EDT", 0), Some(-14400));
        assert_eq!(ny.offset_of_abbrev("XYZ", 0), None);
    }

    #[test]
    fn bad_names() {
        assert_eq!(
            Location::load("UKN").err().unwrap(),
            "unknown time zone UKN"
        );
        assert_eq!(
            Location::load("../etc/passwd").err().unwrap(),
            "time: invalid location name"
        );
        assert!(Location::load("/etc/localtime").is_err());
    }
}

//! Go's time layouts: a layout is the reference time, Mon Jan 2 15:04:05 MST 2006
//! (offset -0700), written the way the times it describes are written.
//!
//! The scanner ([`next_element`]) finds the next part of a layout that spells a piece
//! of the reference time: `2006` and `06` (year), `January`, `Jan`, `01` and `1`
//! (month), `Monday` and `Mon` (weekday), `2`, `_2` and `02` (day), `__2` and `002`
//! (day of the year), `15`, `3` and `03` (hour), `4` and `04` (minute), `5` and `05`
//! (second), `PM` and `pm`, `MST` (zone abbreviation), the offsets `-07`, `-0700`,
//! `-07:00`, `-070000`, `-07:00:00` and their `Z` forms (which write `Z` for UTC), and
//! fractions of a second, `.000` (fixed width) or `.999` (trailing zeros dropped), after
//! a period or a comma. Everything else is literal text. The scan is greedy and
//! left to right, so `Jan` in `Janet` is literal (a lower-case letter follows), but the
//! `2` in `v2` is a day.
//!
//! [`format`] writes a time through a layout; `parse.rs` reads one.

use super::calendar::{Civil, DAY_NAMES, MONTH_NAMES};

/// A piece of the reference time in a layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Field {
    /// `January`
    LongMonth,
    /// `Jan`
    Month,
    /// `1`
    NumMonth,
    /// `01`
    ZeroMonth,
    /// `Monday`
    LongWeekday,
    /// `Mon`
    Weekday,
    /// `2`
    Day,
    /// `_2`: the day, space-padded to two columns.
    UnderDay,
    /// `02`
    ZeroDay,
    /// `__2`: the day of the year, space-padded to three columns.
    UnderYearDay,
    /// `002`
    ZeroYearDay,
    /// `15`
    Hour,
    /// `3`
    Hour12,
    /// `03`
    ZeroHour12,
    /// `4`
    Minute,
    /// `04`
    ZeroMinute,
    /// `5`
    Second,
    /// `05`
    ZeroSecond,
    /// `2006`
    LongYear,
    /// `06`
    Year,
    /// `PM`
    Pm,
    /// `pm`
    LowerPm,
    /// `MST`
    ZoneName,
    /// `-0700` and its variants.
    Offset(OffsetForm),
    /// `.000` or `.999` (or with a comma).
    Fraction {
        /// How many digits the layout shows.
        digits: usize,
        /// Whether trailing zeros are dropped (`9`s) or kept (`0`s).
        trim: bool,
        /// The separator, `.` or `,`.
        separator: u8,
    },
}

/// How a layout writes an offset from UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct OffsetForm {
    /// Whether UTC is written `Z` (the `Z07:00` forms).
    pub z_for_utc: bool,
    /// Which parts are written: hours only, then minutes, then seconds.
    pub parts: OffsetParts,
    /// Whether the parts are separated by colons.
    pub colons: bool,
}

/// The parts of an offset a layout writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum OffsetParts {
    /// `-07`
    Hours,
    /// `-0700`, `-07:00`
    Minutes,
    /// `-070000`, `-07:00:00`
    Seconds,
}

impl OffsetForm {
    /// The layout text of each form (after its `-` or `Z`), longest first where one is
    /// a prefix of another.
    const FORMS: [(&'static str, OffsetParts, bool); 5] = [
        ("070000", OffsetParts::Seconds, false),
        ("07:00:00", OffsetParts::Seconds, true),
        ("0700", OffsetParts::Minutes, false),
        ("07:00", OffsetParts::Minutes, true),
        ("07", OffsetParts::Hours, false),
    ];

    /// The length of the offset in a value (sign included), and the positions of the
    /// colons there.
    pub fn text_len(self) -> usize {
        match (self.parts, self.colons) {
            (OffsetParts::Hours, _) => 3,
            (OffsetParts::Minutes, false) => 5,
            (OffsetParts::Minutes, true) => 6,
            (OffsetParts::Seconds, false) => 7,
            (OffsetParts::Seconds, true) => 9,
        }
    }
}

/// A field found in a layout: the field is `layout[start..end]`, and the text before
/// `start` is literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Element {
    /// Where the field's text starts.
    pub start: usize,
    /// Where it ends.
    pub end: usize,
    /// The field.
    pub field: Field,
}

/// The first field of `layout`, or `None` if the rest of it is literal text.
pub(super) fn next_element(layout: &[u8]) -> Option<Element> {
    use Field::*;
    let at = |i: usize, text: &str| layout[i..].starts_with(text.as_bytes());
    let byte = |i: usize| layout.get(i).copied();
    let lower_at = |i: usize| byte(i).is_some_and(|c| c.is_ascii_lowercase());
    let found = |start: usize, len: usize, field: Field| {
        Some(Element {
            start,
            end: start + len,
            field,
        })
    };
    for (i, &c) in layout.iter().enumerate() {
        match c {
            b'J' if at(i, "January") => return found(i, 7, LongMonth),
            b'J' if at(i, "Jan") && !lower_at(i + 3) => return found(i, 3, Month),
            b'M' if at(i, "Monday") => return found(i, 6, LongWeekday),
            b'M' if at(i, "Mon") && !lower_at(i + 3) => return found(i, 3, Weekday),
            b'M' if at(i, "MST") => return found(i, 3, ZoneName),
            b'0' => match byte(i + 1) {
                Some(d @ b'1'..=b'6') => {
                    let fields = [ZeroMonth, ZeroDay, ZeroHour12, ZeroMinute, ZeroSecond, Year];
                    return found(i, 2, fields[usize::from(d - b'1')]);
                }
                _ if at(i, "002") => return found(i, 3, ZeroYearDay),
                _ => {}
            },
            b'1' if byte(i + 1) == Some(b'5') => return found(i, 2, Hour),
            b'1' => return found(i, 1, NumMonth),
            b'2' if at(i, "2006") => return found(i, 4, LongYear),
            b'2' => return found(i, 1, Day),
            // `_2006` is a literal underscore and a year.
            b'_' if at(i, "_2006") => return found(i + 1, 4, LongYear),
            b'_' if at(i, "_2") => return found(i, 2, UnderDay),
            b'_' if at(i, "__2") => return found(i, 3, UnderYearDay),
            b'3' => return found(i, 1, Hour12),
            b'4' => return found(i, 1, Minute),
            b'5' => return found(i, 1, Second),
            b'P' if byte(i + 1) == Some(b'M') => return found(i, 2, Pm),
            b'p' if byte(i + 1) == Some(b'm') => return found(i, 2, LowerPm),
            b'-' | b'Z' => {
                for (form, parts, colons) in OffsetForm::FORMS {
                    if at(i + 1, form) {
                        let offset = OffsetForm {
                            z_for_utc: c == b'Z',
                            parts,
                            colons,
                        };
                        return found(i, 1 + form.len(), Offset(offset));
                    }
                }
            }
            b'.' | b',' if matches!(byte(i + 1), Some(b'0' | b'9')) => {
                let digit = layout[i + 1];
                let digits = layout[i + 1..].iter().take_while(|&&b| b == digit).count();
                // A fraction is a whole run of digits: `.0001` is literal text.
                if !byte(i + 1 + digits).is_some_and(|b| b.is_ascii_digit()) {
                    let field = Fraction {
                        digits,
                        trim: digit == b'9',
                        separator: c,
                    };
                    return found(i, 1 + digits, field);
                }
            }
            _ => {}
        }
    }
    None
}

/// A time as a layout shows it: the wall clock in its zone.
pub(super) struct Moment<'a> {
    /// The date and time of day.
    pub civil: Civil,
    /// The nanosecond within the second.
    pub nanosecond: u32,
    /// The zone abbreviation (may be empty).
    pub abbrev: &'a str,
    /// The offset east of UTC, in seconds.
    pub offset: i32,
}

/// `m` written through `layout`.
pub(super) fn format(layout: &[u8], m: &Moment<'_>) -> Vec<u8> {
    use Field::*;
    let c = &m.civil;
    let mut out = Vec::with_capacity(layout.len() + 10);
    let mut rest = layout;
    while let Some(el) = next_element(rest) {
        out.extend_from_slice(&rest[..el.start]);
        rest = &rest[el.end..];
        let hour12 = match c.hour % 12 {
            0 => 12,
            h => h,
        };
        match el.field {
            Year => push_int(&mut out, (c.year % 100).abs(), 2),
            LongYear => push_int(&mut out, c.year, 4),
            Month => out.extend_from_slice(&MONTH_NAMES[c.month as usize - 1].as_bytes()[..3]),
            LongMonth => out.extend_from_slice(MONTH_NAMES[c.month as usize - 1].as_bytes()),
            NumMonth => push_int(&mut out, c.month.into(), 0),
            ZeroMonth => push_int(&mut out, c.month.into(), 2),
            Weekday => out.extend_from_slice(&DAY_NAMES[c.weekday as usize].as_bytes()[..3]),
            LongWeekday => out.extend_from_slice(DAY_NAMES[c.weekday as usize].as_bytes()),
            Day => push_int(&mut out, c.day.into(), 0),
            UnderDay => {
                if c.day < 10 {
                    out.push(b' ');
                }
                push_int(&mut out, c.day.into(), 0);
            }
            ZeroDay => push_int(&mut out, c.day.into(), 2),
            UnderYearDay => {
                let pad = if c.yday < 10 {
                    2
                } else {
                    usize::from(c.yday < 100)
                };
                out.extend(std::iter::repeat_n(b' ', pad));
                push_int(&mut out, c.yday.into(), 0);
            }
            ZeroYearDay => push_int(&mut out, c.yday.into(), 3),
            Hour => push_int(&mut out, c.hour.into(), 2),
            Hour12 => push_int(&mut out, hour12.into(), 0),
            ZeroHour12 => push_int(&mut out, hour12.into(), 2),
            Minute => push_int(&mut out, c.minute.into(), 0),
            ZeroMinute => push_int(&mut out, c.minute.into(), 2),
            Second => push_int(&mut out, c.second.into(), 0),
            ZeroSecond => push_int(&mut out, c.second.into(), 2),
            Pm => out.extend_from_slice(if c.hour >= 12 { b"PM" } else { b"AM" }),
            LowerPm => out.extend_from_slice(if c.hour >= 12 { b"pm" } else { b"am" }),
            Offset(form) => push_offset(&mut out, m.offset, form),
            ZoneName if !m.abbrev.is_empty() => out.extend_from_slice(m.abbrev.as_bytes()),
            ZoneName => {
                // An unnamed zone is written as its offset, `-0700`.
                let form = OffsetForm {
                    z_for_utc: false,
                    parts: OffsetParts::Minutes,
                    colons: false,
                };
                push_offset(&mut out, m.offset, form);
            }
            Fraction {
                digits,
                trim,
                separator,
            } => push_fraction(&mut out, m.nanosecond, digits, trim, separator),
        }
    }
    out.extend_from_slice(rest);
    out
}

/// Appends `x` in decimal, its digits zero-padded to at least `width`.
fn push_int(out: &mut Vec<u8>, x: i64, width: usize) {
    if x < 0 {
        out.push(b'-');
    }
    let digits = x.unsigned_abs().to_string();
    out.extend(std::iter::repeat_n(
        b'0',
        width.saturating_sub(digits.len()),
    ));
    out.extend_from_slice(digits.as_bytes());
}

/// Appends an offset east of UTC (in seconds) in the given form.
fn push_offset(out: &mut Vec<u8>, offset: i32, form: OffsetForm) {
    if offset == 0 && form.z_for_utc {
        out.push(b'Z');
        return;
    }
    // The sign is that of the whole minutes, as in Go.
    let minutes = offset / 60;
    let (minutes, seconds) = if minutes < 0 {
        out.push(b'-');
        (-minutes, -offset % 60)
    } else {
        out.push(b'+');
        (minutes, offset % 60)
    };
    push_int(out, (minutes / 60).into(), 2);
    if form.parts == OffsetParts::Hours {
        return;
    }
    if form.colons {
        out.push(b':');
    }
    push_int(out, (minutes % 60).into(), 2);
    if form.parts == OffsetParts::Seconds {
        if form.colons {
            out.push(b':');
        }
        push_int(out, seconds.into(), 2);
    }
}

/// Appends the fraction of a second: `digits` digits (at most 9) after `separator`,
/// or, when `trim`, without its trailing zeros (and nothing at all if they are all
/// zeros).
fn push_fraction(out: &mut Vec<u8>, nanosecond: u32, digits: usize, trim: bool, separator: u8) {
    let all = format!("{nanosecond:09}");
    let mut shown = &all.as_bytes()[..digits.min(9)];
    if trim {
        while let [head @ .., b'0'] = shown {
            shown = head;
        }
        if shown.is_empty() {
            return;
        }
    }
    out.push(separator);
    out.extend_from_slice(shown);
}

/// `s` in double quotes, as Go's time package quotes text in its errors: bytes that are
/// not printable ASCII as `\xHH`, and `"` and `\` escaped.
pub(super) fn quote(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for &b in s {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..0x80 => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields of `layout`, each with its text.
    fn fields(layout: &str) -> Vec<(String, Field)> {
        let mut rest = layout.as_bytes();
        let mut out = Vec::new();
        while let Some(el) = next_element(rest) {
            let text = String::from_utf8_lossy(&rest[el.start..el.end]).into_owned();
            out.push((text, el.field));
            rest = &rest[el.end..];
        }
        out
    }

    #[test]
    fn scans_fields() {
        use Field::*;
        let names = |l: &str| -> Vec<String> { fields(l).into_iter().map(|f| f.0).collect() };
        assert_eq!(
            names("2006-01-02T15:04:05.999999999Z07:00"),
            ["2006", "01", "02", "15", "04", "05", ".999999999", "Z07:00"]
        );
        assert_eq!(
            names("Monday, January 2 3:04pm (MST) Janet"),
            ["Monday", "January", "2", "3", "04", "pm", "MST"]
        );
        assert_eq!(names("_2006 __2 _2 002"), ["2006", "__2", "_2", "002"]);
        // A run of zeros followed by another digit is no fraction (but `01` is a month).
        assert_eq!(names("x.0001 .000"), ["01", ".000"]);
        assert_eq!(
            fields("-07")[0].1,
            Offset(OffsetForm {
                z_for_utc: false,
                parts: OffsetParts::Hours,
                colons: false
            })
        );
        assert_eq!(fields("Mon")[0].1, Weekday);
        assert_eq!(fields("Month").len(), 0);
    }

    #[test]
    fn formats_fields() {
        // The reference time itself, in its own zone.
        let m = Moment {
            civil: Civil::from_seconds(1_136_239_445 - 7 * 3600),
            nanosecond: 120_000_000,
            abbrev: "MST",
            offset: -7 * 3600,
        };
        let f = |layout: &str| String::from_utf8(format(layout.as_bytes(), &m)).unwrap();
        assert_eq!(f("2006-01-02T15:04:05Z07:00"), "2006-01-02T15:04:05-07:00");
        assert_eq!(
            f("Mon Jan _2 3:04:05PM MST 06"),
            "Mon Jan  2 3:04:05PM MST 06"
        );
        assert_eq!(f("Monday January 2 __2 002"), "Monday January 2   2 002");
        assert_eq!(f("05.000 05,999 05.9 05.99"), "05.120 05,12 05.1 05.12");
        assert_eq!(f("-07 -070000 -07:00:00 pm"), "-07 -070000 -07:00:00 pm");
        let utc = Moment {
            abbrev: "",
            offset: 0,
            nanosecond: 0,
            ..m
        };
        let g = |layout: &str| String::from_utf8(format(layout.as_bytes(), &utc)).unwrap();
        assert_eq!(g("Z07:00 Z0700 -0700 MST .999"), "Z Z +0000 +0000 ");
    }

    #[test]
    fn quotes_like_go() {
        assert_eq!(quote(b"a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quote("\u{e9}\n".as_bytes()), r#""\xc3\xa9\x0a""#);
    }
}

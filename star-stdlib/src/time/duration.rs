//! `time.duration`: a signed count of nanoseconds (±292 years), as Go's
//! `time.Duration`.
//!
//! Text goes both ways in Go's notation: [`Duration::parse`] reads a sequence of
//! decimal numbers with units (`1h2m3.5s`, `-1.5h`, `300ms`, `2us`, `0`), and `str`
//! writes the largest units first with the seconds carrying the fraction
//! (`1h2m3.5s`), or a single smaller unit below one second (`1.5ms`, `2µs`, `7ns`).
//!
//! Arithmetic wraps on overflow, as Go's integers do, except `time - time`, which
//! saturates (see `instant.rs`).

use std::cmp::Ordering;
use std::fmt;

use star_core::syntax::BinOp;
use star_core::value::{ConvError, FromValue, HostValue, IntoValue};
use star_core::{Error, ErrorKind, Result, Value};

use super::instant::Time;
use super::layout::quote;

/// A length of time in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub i64);

/// Nanoseconds per unit, for the units a duration can be written in.
const UNITS: [(&str, u64); 8] = [
    ("ns", 1),
    ("us", 1_000),
    ("\u{b5}s", 1_000),  // micro sign
    ("\u{3bc}s", 1_000), // Greek small letter mu
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
];

impl Duration {
    /// One nanosecond.
    pub const NANOSECOND: Duration = Duration(1);
    /// One microsecond.
    pub const MICROSECOND: Duration = Duration(1_000);
    /// One millisecond.
    pub const MILLISECOND: Duration = Duration(1_000_000);
    /// One second.
    pub const SECOND: Duration = Duration(1_000_000_000);
    /// One minute.
    pub const MINUTE: Duration = Duration(60_000_000_000);
    /// One hour.
    pub const HOUR: Duration = Duration(3_600_000_000_000);

    /// Reads a duration in Go's notation: an optional sign, then one or more decimal
    /// numbers (with an optional fraction) each followed by a unit, `ns`, `us` (or
    /// `µs`), `ms`, `s`, `m` or `h`; or just `0`. The errors are Go's (`time: invalid
    /// duration "x"`, `time: missing unit in duration "1"`, `time: unknown unit "d" in
    /// duration "1d"`).
    pub fn parse(text: &[u8]) -> std::result::Result<Duration, String> {
        let invalid = || format!("time: invalid duration {}", quote(text));
        let (negative, mut s) = match text.first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        if s == b"0" {
            return Ok(Duration(0));
        }
        if s.is_empty() {
            return Err(invalid());
        }
        // The magnitude; up to 2^63 so that the most negative duration can be written.
        let mut total: u64 = 0;
        while !s.is_empty() {
            if !(s[0] == b'.' || s[0].is_ascii_digit()) {
                return Err(invalid());
            }
            let int_len = s.iter().take_while(|c| c.is_ascii_digit()).count();
            let whole = leading_int(&s[..int_len]).ok_or_else(invalid)?;
            s = &s[int_len..];
            let (mut frac, mut scale, mut frac_len) = (0u64, 1f64, 0);
            if s.first() == Some(&b'.') {
                s = &s[1..];
                frac_len = s.iter().take_while(|c| c.is_ascii_digit()).count();
                (frac, scale) = leading_fraction(&s[..frac_len]);
                s = &s[frac_len..];
            }
            if int_len == 0 && frac_len == 0 {
                // No digits at all: `.s`, `-.s`.
                return Err(invalid());
            }
            let unit_len = s
                .iter()
                .take_while(|&&c| c != b'.' && !c.is_ascii_digit())
                .count();
            if unit_len == 0 {
                return Err(format!("time: missing unit in duration {}", quote(text)));
            }
            let unit_text = &s[..unit_len];
            s = &s[unit_len..];
            let Some(&(_, unit)) = UNITS.iter().find(|(u, _)| u.as_bytes() == unit_text) else {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    quote(unit_text),
                    quote(text)
                ));
            };
            const LIMIT: u64 = 1 << 63;
            if whole > LIMIT / unit {
                return Err(invalid());
            }
            let mut v = whole * unit;
            if frac > 0 {
                // A float keeps a fraction of an hour exact to the nanosecond.
                v += (frac as f64 * (unit as f64 / scale)) as u64;
                if v > LIMIT {
                    return Err(invalid());
                }
            }
            total += v;
            if total > LIMIT {
                return Err(invalid());
            }
        }
        if negative {
            return Ok(Duration(0i64.wrapping_sub_unsigned(total)));
        }
        i64::try_from(total).map(Duration).map_err(|_| invalid())
    }

    /// The duration in hours, with a fraction.
    pub fn hours(self) -> f64 {
        split_float(self.0, Duration::HOUR.0)
    }

    /// The duration in minutes, with a fraction.
    pub fn minutes(self) -> f64 {
        split_float(self.0, Duration::MINUTE.0)
    }

    /// The duration in seconds, with a fraction.
    pub fn seconds(self) -> f64 {
        split_float(self.0, Duration::SECOND.0)
    }
}

/// `ns / unit` as a float, computed in two parts so that the whole units stay exact.
fn split_float(ns: i64, unit: i64) -> f64 {
    (ns / unit) as f64 + (ns % unit) as f64 / unit as f64
}

/// The value of a run of digits, or `None` if it exceeds 2^63.
fn leading_int(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |x, &c| {
        let x = x.checked_mul(10)? + u64::from(c - b'0');
        (x <= 1 << 63).then_some(x)
    })
}

/// The value of a run of fraction digits and the power of ten that divides it; digits
/// past what a `u64` holds are ignored.
fn leading_fraction(digits: &[u8]) -> (u64, f64) {
    let (mut x, mut scale) = (0u64, 1f64);
    for &c in digits {
        match x.checked_mul(10).map(|y| y + u64::from(c - b'0')) {
            Some(y) if y <= 1 << 63 => {
                x = y;
                scale *= 10.0;
            }
            _ => break,
        }
    }
    (x, scale)
}

impl fmt::Display for Duration {
    /// Go's notation: `1h2m3.5s`, `10h0m0s`, `1.5ms`, `2µs`, `7ns`, `0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut u = self.0.unsigned_abs();
        let sign = if self.0 < 0 { "-" } else { "" };
        if u == 0 {
            return f.write_str("0s");
        }
        if u < 1_000_000_000 {
            // Below a second: one unit, with a fraction.
            let (digits, unit) = match u {
                ..1_000 => (0, "ns"),
                1_000..1_000_000 => (3, "\u{b5}s"),
                _ => (6, "ms"),
            };
            let frac = fraction(&mut u, digits);
            return write!(f, "{sign}{u}{frac}{unit}");
        }
        let frac = fraction(&mut u, 9);
        let (secs, mins, hours) = (u % 60, u / 60 % 60, u / 3600);
        match (hours, mins) {
            (0, 0) => write!(f, "{sign}{secs}{frac}s"),
            (0, _) => write!(f, "{sign}{mins}m{secs}{frac}s"),
            _ => write!(f, "{sign}{hours}h{mins}m{secs}{frac}s"),
        }
    }
}

/// Divides `u` by 10^`digits` and returns the remainder as a decimal fraction without
/// trailing zeros (`.5`), or nothing if it is zero.
fn fraction(u: &mut u64, digits: u32) -> String {
    let scale = 10u64.pow(digits);
    let rem = *u % scale;
    *u /= scale;
    if rem == 0 {
        return String::new();
    }
    let text = format!(".{rem:0width$}", width = digits as usize);
    text.trim_end_matches('0').to_string()
}

impl HostValue for Duration {
    fn type_name(&self) -> &'static str {
        "time.duration"
    }

    fn repr(&self, out: &mut String) {
        use fmt::Write;
        let _ = write!(out, "{self}");
    }

    fn truth(&self) -> bool {
        self.0 != 0
    }

    fn equals(&self, other: &Value) -> Result<bool> {
        Ok(other.downcast_ref::<Duration>() == Some(self))
    }

    fn compare(&self, other: &Value) -> Result<Option<Ordering>> {
        Ok(other.downcast_ref::<Duration>().map(|o| self.cmp(o)))
    }

    fn hash(&self) -> Result<u32> {
        Ok(self.0 as u32 ^ (self.0 >> 32) as u32)
    }

    fn attr(&self, name: &str) -> Option<Value> {
        Some(match name {
            "hours" => Value::Float(self.hours()),
            "minutes" => Value::Float(self.minutes()),
            "seconds" => Value::Float(self.seconds()),
            "milliseconds" => Value::Int(self.0 / 1_000_000),
            "microseconds" => Value::Int(self.0 / 1_000),
            "nanoseconds" => Value::Int(self.0),
            _ => return None,
        })
    }

    fn missing_attr(&self, name: &str) -> Option<Error> {
        Some(Error::new(
            ErrorKind::Name,
            format!("unrecognized time.duration attribute {name:?}"),
        ))
    }

    fn attr_names(&self) -> Vec<String> {
        [
            "hours",
            "minutes",
            "seconds",
            "milliseconds",
            "microseconds",
            "nanoseconds",
        ]
        .map(String::from)
        .to_vec()
    }

    /// `d + d`, `d + t`, `d - d`, `d * n`, `n * d`, `d / d` (a float), `d / n` and
    /// `d / x` (a duration; `n` an int, `x` a float), `d // d` (an int, truncated
    /// toward zero as in Go). Dividing a number by a duration is an error.
    fn binary(&self, op: BinOp, other: &Value, self_on_right: bool) -> Option<Result<Value>> {
        let d = self.0;
        if let Some(t) = other.downcast_ref::<Time>() {
            return (op == BinOp::Plus).then(|| Ok(t.add(*self).into_value()));
        }
        if let Some(&Duration(e)) = other.downcast_ref::<Duration>() {
            // Both operands are durations; `self` is the left one (the right one is
            // asked only when the left declines, which a duration never does here).
            return Some(match op {
                BinOp::Plus => Ok(Duration(d.wrapping_add(e)).into_value()),
                BinOp::Minus => Ok(Duration(d.wrapping_sub(e)).into_value()),
                BinOp::Slash if e == 0 => Err(division_by_zero()),
                BinOp::Slash => Ok(Value::Float(d as f64 / e as f64)),
                BinOp::SlashSlash if e == 0 => Err(division_by_zero()),
                BinOp::SlashSlash => Ok(Value::Int(d.wrapping_div(e))),
                _ => return None,
            });
        }
        match (op, other) {
            (BinOp::Star, Value::Int(_) | Value::BigInt(_)) => {
                Some(int64(other).map(|n| Duration(d.wrapping_mul(n)).into_value()))
            }
            (BinOp::Slash, Value::Int(_) | Value::BigInt(_) | Value::Float(_)) if self_on_right => {
                Some(Err(Error::type_error("unsupported operation")))
            }
            (BinOp::Slash, Value::Int(_) | Value::BigInt(_)) => Some(int64(other).and_then(|n| {
                if n == 0 {
                    return Err(division_by_zero());
                }
                Ok(Duration(d.wrapping_div(n)).into_value())
            })),
            (BinOp::Slash, Value::Float(x)) if *x == 0.0 => Some(Err(division_by_zero())),
            (BinOp::Slash, Value::Float(x)) => {
                Some(Ok(Duration((d as f64 / x) as i64).into_value()))
            }
            _ => None,
        }
    }
}

/// The error of dividing a duration by zero.
fn division_by_zero() -> Error {
    Error::value_error("time.duration division by zero")
}

/// An int operand as an `i64`.
fn int64(v: &Value) -> Result<i64> {
    match v {
        Value::Int(n) => Ok(*n),
        _ => Err(Error::value_error(
            "int value out of range (want signed 64-bit value)",
        )),
    }
}

star_core::impl_freeze_safe!(Duration);

impl IntoValue for Duration {
    fn into_value(self) -> Value {
        Value::host(self)
    }
}

/// A duration argument: a duration, or a string in Go's notation (as Go's
/// `Duration.Unpack` accepts).
impl<'a> FromValue<'a> for Duration {
    fn from_value(v: &'a Value) -> std::result::Result<Self, ConvError> {
        if let Some(d) = v.downcast_ref::<Duration>() {
            return Ok(*d);
        }
        match v {
            Value::Str(s) => Duration::parse(s.as_bytes()).map_err(ConvError),
            _ => Err(ConvError::wrong_type(v, &Self::expected())),
        }
    }

    fn expected() -> String {
        "a duration, string, or int".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> std::result::Result<i64, String> {
        Duration::parse(s.as_bytes()).map(|d| d.0)
    }

    #[test]
    fn parses_go_notation() {
        assert_eq!(parse("0"), Ok(0));
        assert_eq!(parse("-0"), Ok(0));
        assert_eq!(parse("1h2m3.5s"), Ok(3_723_500_000_000));
        assert_eq!(parse("10h01s"), Ok(36_001_000_000_000));
        assert_eq!(parse("-1.5h"), Ok(-5_400_000_000_000));
        assert_eq!(parse(".5s"), Ok(500_000_000));
        assert_eq!(parse("1.s"), Ok(1_000_000_000));
        assert_eq!(parse("2us"), parse("2\u{b5}s"));
        assert_eq!(parse("2us"), parse("2\u{3bc}s"));
        assert_eq!(parse("0.1ns"), Ok(0));
        assert_eq!(parse("9223372036854775807ns"), Ok(i64::MAX));
        assert_eq!(parse("-9223372036854775808ns"), Ok(i64::MIN));
        assert_eq!(parse("0.3333333333333333333h"), Ok(1_200_000_000_000));
    }

    #[test]
    fn parse_errors() {
        let invalid = |s: &str| Err(format!("time: invalid duration \"{s}\""));
        assert_eq!(parse(""), invalid(""));
        assert_eq!(parse("-"), invalid("-"));
        assert_eq!(parse(".s"), invalid(".s"));
        assert_eq!(parse("1h.s"), invalid("1h.s"));
        assert_eq!(
            parse("9223372036854775808ns"),
            invalid("9223372036854775808ns")
        );
        assert_eq!(parse("3000000h"), invalid("3000000h"));
        assert_eq!(
            parse("12"),
            Err("time: missing unit in duration \"12\"".into())
        );
        // A unit runs to the next digit or period.
        assert_eq!(
            parse("1h-2m"),
            Err("time: unknown unit \"h-\" in duration \"1h-2m\"".into())
        );
        assert_eq!(
            parse("1d"),
            Err("time: unknown unit \"d\" in duration \"1d\"".into())
        );
        assert_eq!(
            parse("1\u{e9}"),
            Err("time: unknown unit \"\\xc3\\xa9\" in duration \"1\\xc3\\xa9\"".into())
        );
    }

    #[test]
    fn formats_go_notation() {
        let s = |ns: i64| Duration(ns).to_string();
        assert_eq!(s(0), "0s");
        assert_eq!(s(1), "1ns");
        assert_eq!(s(1_100), "1.1\u{b5}s");
        assert_eq!(s(2_200_000), "2.2ms");
        assert_eq!(s(3_300_000_000), "3.3s");
        assert_eq!(s(-3_300_000_000), "-3.3s");
        assert_eq!(s(4 * 60_000_000_000 + 5_000_000_000), "4m5s");
        assert_eq!(s(36_000_000_000_000), "10h0m0s");
        assert_eq!(s(3_723_500_000_000), "1h2m3.5s");
        assert_eq!(s(i64::MAX), "2562047h47m16.854775807s");
        assert_eq!(s(i64::MIN), "-2562047h47m16.854775808s");
    }

    #[test]
    fn fractional_units() {
        let d = Duration(5_400_000_000_000);
        assert_eq!((d.hours(), d.minutes(), d.seconds()), (1.5, 90.0, 5400.0));
    }
}

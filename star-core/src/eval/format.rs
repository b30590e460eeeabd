//! String formatting: the `%` operator (`"%s=%d" % (k, v)`).
//!
//! Conversions, as in the reference: `%s` (str), `%r` (repr), `%d`/`%i` (int),
//! `%o`, `%x`, `%X` (int in base 8/16), `%e`, `%f`, `%g` and upper-case forms (float),
//! `%c` (character from an int or one-character string) and `%%`. The operand is a
//! tuple of arguments, a single non-tuple value, or a dict for `%(name)s` keys.

use std::fmt::Write;

use num_bigint::BigInt;

use super::ops::to_float;
use crate::error::{Error, Result};
use crate::value::memory::{self, Shape};
use crate::value::repr::format_float;
use crate::value::{Str, Value};

fn int_arg(v: &Value, conv: char) -> Result<BigInt> {
    match v {
        Value::Int(i) => Ok(BigInt::from(*i)),
        Value::BigInt(b) => Ok((**b).clone()),
        Value::Float(f) if f.is_finite() => {
            Ok(num_traits::FromPrimitive::from_f64(f.trunc()).unwrap_or_default())
        }
        Value::Float(f) => Err(Error::value_error(format!(
            "%{conv} format requires integer: cannot convert float {} to integer",
            if f.is_nan() { "NaN" } else { "infinity" }
        ))),
        _ => Err(Error::type_error(format!(
            "%{conv} format requires integer: cannot convert {} to int",
            v.type_name()
        ))),
    }
}

/// Formats a float as C's `%e`, `%f` or `%g` with precision 6 (Go's rules: exponent at
/// least two digits).
pub(crate) fn format_float_conv(f: f64, conv: char) -> String {
    if !f.is_finite() {
        return format_float(f);
    }
    let s = match conv.to_ascii_lowercase() {
        'e' => exp_form(&format!("{f:.6e}")),
        'f' => format!("{f:.6}"),
        // %g is the shortest form that reads back, as `str` gives.
        _ => format_float(f),
    };
    if conv.is_ascii_uppercase() {
        s.to_uppercase()
    } else {
        s
    }
}

/// Rewrites Rust's `1.5e-7` exponent as C's `1.5e-07`.
fn exp_form(s: &str) -> String {
    match s.split_once('e') {
        Some((m, x)) => {
            let n: i32 = x.parse().unwrap_or(0);
            format!("{m}e{}{:02}", if n < 0 { '-' } else { '+' }, n.abs())
        }
        None => s.to_string(),
    }
}

/// `format % args`.
pub fn percent_format(format: &Str, args: &Value) -> Result<Str> {
    let f = format.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(f.len() + 16);
    let positional: &[Value] = match args {
        Value::Tuple(t) => t,
        v => std::slice::from_ref(v),
    };
    let mut next = 0;
    let mut i = 0;
    while i < f.len() {
        let c = f[i];
        if c != b'%' {
            let j = memchr::memchr(b'%', &f[i..]).map_or(f.len(), |p| i + p);
            out.extend_from_slice(&f[i..j]);
            i = j;
            continue;
        }
        i += 1;
        let mut arg: Option<Value> = None;
        if f.get(i) == Some(&b'(') {
            let close = f[i..]
                .iter()
                .position(|&b| b == b')')
                .ok_or_else(|| Error::value_error("incomplete format key"))?;
            let key = Str::from_bytes(&f[i + 1..i + close]);
            i += close + 1;
            let d = match args {
                Value::Dict(d) => d,
                _ => return Err(Error::type_error("format requires a mapping")),
            };
            arg = Some(d.get(&Value::Str(key.clone()))?.ok_or_else(|| {
                Error::new(
                    crate::error::ErrorKind::Key,
                    format!("key not found: {key}"),
                )
            })?);
        }
        let conv = match f.get(i) {
            Some(&b) => b as char,
            // As in the reference, a missing argument is reported first.
            None if arg.is_none() && positional.get(next).is_none() => {
                return Err(Error::value_error("not enough arguments for format string"))
            }
            None => return Err(Error::value_error("incomplete format")),
        };
        i += 1;
        if conv == '%' {
            out.push(b'%');
            continue;
        }
        let v: &Value = match &arg {
            Some(v) => v,
            None => {
                let v = positional
                    .get(next)
                    .ok_or_else(|| Error::value_error("not enough arguments for format string"))?;
                next += 1;
                v
            }
        };
        // The common conversions write straight into the output.
        match (conv, v) {
            ('s', _) | ('d' | 'i', Value::Int(_)) => {
                v.write_str_bytes(&mut out);
                continue;
            }
            _ => {}
        }
        let mut s = String::new();
        match conv {
            's' => s = v.to_str(),
            'r' => s = v.repr(),
            'd' | 'i' => {
                let _ = write!(s, "{}", int_arg(v, conv)?);
            }
            'o' => {
                let _ = write!(s, "{:o}", int_arg(v, conv)?);
            }
            'x' => {
                let _ = write!(s, "{:x}", int_arg(v, conv)?);
            }
            'X' => {
                let _ = write!(s, "{:X}", int_arg(v, conv)?);
            }
            'e' | 'f' | 'g' | 'E' | 'F' | 'G' => {
                let x = to_float(v).map_err(|_| {
                    Error::type_error(format!(
                        "%{conv} format requires float, not {}",
                        v.type_name()
                    ))
                })?;
                s = format_float_conv(x, conv);
            }
            'c' => match v {
                Value::Int(n) => match u32::try_from(*n).ok().and_then(char::from_u32) {
                    Some(ch) => s.push(ch),
                    // Surrogates are not characters: they print as U+FFFD.
                    None if (0xD800..0xE000).contains(n) => s.push('\u{FFFD}'),
                    None => {
                        return Err(Error::value_error(format!(
                            "%c format requires a valid Unicode code point, got {n}"
                        )))
                    }
                },
                Value::Str(t) => match t.as_str() {
                    Some(t) if t.chars().count() == 1 => s.push_str(t),
                    _ => {
                        return Err(Error::value_error(
                            "%c format requires a single-character string",
                        ))
                    }
                },
                _ => {
                    return Err(Error::type_error(format!(
                        "%c format requires int or single-character string, not {}",
                        v.type_name()
                    )))
                }
            },
            other => return Err(Error::value_error(format!("unknown conversion %{other}"))),
        }
        out.extend_from_slice(s.as_bytes());
    }
    if next < positional.len() && !matches!(args, Value::Dict(_)) {
        return Err(Error::value_error("too many arguments for format string"));
    }
    memory::reserve_result(Shape::Str, out.len())?;
    Ok(Str::from_bytes(&out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(f: &str, args: Value) -> String {
        percent_format(&Str::new(f), &args).unwrap().to_string()
    }

    #[test]
    fn conversions() {
        let args = Value::tuple(vec![Value::str("a"), Value::Int(255), Value::Float(1.5)]);
        assert_eq!(fmt("%s %x %g", args.clone()), "a ff 1.5");
        assert_eq!(fmt("%r %d %e", args.clone()), "\"a\" 255 1.500000e+00");
        assert_eq!(fmt("100%%", Value::tuple(vec![])), "100%");
        assert_eq!(fmt("%s", Value::Int(3)), "3");
        assert_eq!(format_float_conv(1e-5, 'g'), "1e-05");
        // %g is the shortest form that reads back, as in the reference.
        assert_eq!(format_float_conv(123456789.0, 'g'), "1.23456789e+08");
        assert_eq!(format_float_conv(1e5, 'g'), "100000.0");
        assert_eq!(format_float_conv(0.5, 'f'), "0.500000");
    }

    #[test]
    fn argument_count_errors() {
        let e = percent_format(&Str::new("%s %s"), &Value::Int(1)).unwrap_err();
        assert_eq!(e.message(), "not enough arguments for format string");
        let e = percent_format(
            &Str::new("%s"),
            &Value::tuple(vec![Value::Int(1), Value::Int(2)]),
        )
        .unwrap_err();
        assert_eq!(e.message(), "too many arguments for format string");
    }
}

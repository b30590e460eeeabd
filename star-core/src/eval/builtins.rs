//! The universe: the built-in functions every module can use (`len`, `print`, ...).
//!
//! Each is declared with `#[star_builtin]`, the same way a host declares its own: the
//! macros generate the argument handling and the messages (`len: got 2 positional
//! arguments, want at most 1`), and these functions only say what the builtin does.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_traits::{Num, Signed};

use super::methods::{boolean, callable, elements, iterable, named, update_dict, Optional, ABSENT};
use super::ops::to_float;
use super::sort::{sort_by_key, sort_values};
use super::vm::{call_value, iterate};
use crate::call::{Args, NativeFunction};
use crate::error::{Error, ErrorKind, Result};
use crate::star_builtin;
use crate::thread::Thread;
use crate::value::memory::{self, Shape};
use crate::value::{Bytes, Dict, Range, Set, Str, Tuple, Value};

/// Prints its arguments, separated by `sep`, as one line.
#[star_builtin(signature = (*args, sep = " "))]
fn print(thread: &mut Thread, args: Vec<Value>, sep: &str) -> Result<()> {
    let mut line = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            line.push_str(sep);
        }
        line.push_str(&a.checked_to_str()?);
    }
    memory::reserve_result(Shape::Str, line.len())?;
    thread.print(&line);
    Ok(())
}

/// The number of elements of a sequence or collection, or bytes of a string.
#[star_builtin(signature = (x, /), pure)]
fn len(x: &Value) -> Result<i64> {
    let n = match x {
        Value::Str(s) => s.len(),
        Value::Bytes(b) => b.len(),
        Value::List(l) => l.len(),
        Value::Tuple(t) => t.len(),
        Value::Dict(d) => d.len(),
        Value::Set(s) => s.len(),
        Value::Range(r) => r.len(),
        Value::Host(h) if h.get().length().is_some() => h.get().length().unwrap_or_default(),
        _ => {
            return Err(Error::type_error(format!(
                "len: value of type {} has no len",
                x.type_name()
            )))
        }
    };
    Ok(n as i64)
}

/// The name of the value's type.
#[star_builtin(signature = (x, /), pure)]
fn r#type(x: &Value) -> &'static str {
    x.type_name()
}

/// The value's string form: a string is itself; others as `repr`.
#[star_builtin(name = "str", signature = (x, /), pure)]
fn str_(x: &Value) -> Result<Value> {
    Ok(match x {
        Value::Str(_) => x.clone(),
        // Bytes become text: invalid UTF-8 turns into U+FFFD, byte by byte.
        Value::Bytes(b) => Value::Str(Str::from_bytes(&utf8_or_replacement(b.as_bytes()))),
        _ => Value::str(&x.checked_repr()?),
    })
}

/// The value's printed form, which reads back as the same value where possible.
#[star_builtin(signature = (x, /), pure)]
fn repr(x: &Value) -> Result<String> {
    x.checked_repr()
}

/// The truth value of `x`.
#[star_builtin(name = "bool", signature = (x = Value::Bool(false), /), pure)]
fn bool_(x: Value) -> bool {
    x.truth()
}

fn parse_int(s: &str, base: u32) -> Option<BigInt> {
    let t = s.trim();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = digits.to_ascii_lowercase();
    let prefixed = |p: &str, b: u32| lower.starts_with(p) && (base == 0 || base == b);
    let (base, body) = if prefixed("0x", 16) {
        (16, &digits[2..])
    } else if prefixed("0o", 8) {
        (8, &digits[2..])
    } else if prefixed("0b", 2) {
        (2, &digits[2..])
    } else if base == 0 {
        // Base 0 with a leading zero (other than 0 itself) is ambiguous: an error.
        if digits.len() > 1 && digits.starts_with('0') {
            return None;
        }
        (10, digits)
    } else {
        (base, digits)
    };
    if body.is_empty() || body.starts_with(['+', '-']) || body.contains('_') {
        return None;
    }
    let v = BigInt::from_str_radix(body, base).ok()?;
    Some(if neg { -v } else { v })
}

/// Converts a number or string to an int; `base` (2 to 36, or 0 to read the prefix) is
/// for strings only.
#[star_builtin(signature = (x, /, base = ABSENT), pure)]
fn int(x: Value, base: Optional) -> Result<Value> {
    let base = match base {
        Optional::Absent => None,
        Optional::Given(_) if !matches!(x, Value::Str(_)) => {
            return Err(Error::type_error(
                "int: can't convert non-string with explicit base",
            ))
        }
        Optional::Given(Value::Int(b)) => Some(b),
        Optional::Given(b) => {
            return Err(Error::type_error(format!(
                "int: for base, got {}, want int",
                b.type_name()
            )))
        }
    };
    Ok(match &x {
        Value::Int(_) | Value::BigInt(_) => x.clone(),
        Value::Bool(b) => Value::Int(*b as i64),
        Value::Float(f) => {
            if f.is_nan() {
                return Err(Error::value_error(
                    "int: cannot convert float NaN to integer",
                ));
            }
            if f.is_infinite() {
                return Err(Error::value_error(
                    "int: cannot convert float infinity to integer",
                ));
            }
            Value::from_bigint(num_traits::FromPrimitive::from_f64(f.trunc()).unwrap_or_default())
        }
        Value::Str(s) => {
            let b = base.unwrap_or(10);
            if b != 0 && !(2..=36).contains(&b) {
                return Err(Error::value_error(
                    "int: base must be an integer >= 2 && <= 36",
                ));
            }
            let text = s.to_str_lossy();
            // Reading a long decimal is quadratic: guarded by the deadline.
            let bits = (text.len() as f64 * 3.33) as u64;
            let units = super::limits::Work::Decimal.units(bits, bits);
            match super::limits::costly(super::limits::Work::Decimal, units, || {
                parse_int(&text, b as u32)
            })? {
                Some(v) => Value::from_bigint(v),
                None => {
                    return Err(Error::value_error(format!(
                        "int: invalid literal with base {b}: {}",
                        x.to_str()
                    )))
                }
            }
        }
        _ => {
            return Err(Error::type_error(format!(
                "int: cannot convert {} to int",
                x.type_name()
            )))
        }
    })
}

/// Converts a number or string to a float.
#[star_builtin(signature = (x = Value::Float(0.0), /), pure)]
fn float(x: Value) -> Result<f64> {
    match &x {
        Value::Float(f) => Ok(*f),
        Value::Int(_) | Value::BigInt(_) => to_float(&x).map_err(|e| e.with_prefix("float: ")),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::Str(s) => {
            let t = s.to_str_lossy();
            let t = t.trim();
            let lower = t.to_ascii_lowercase();
            let special = match lower.trim_start_matches(['+', '-']) {
                "inf" | "infinity" => Some(f64::INFINITY),
                "nan" => Some(f64::NAN),
                _ => None,
            };
            if let Some(v) = special {
                return Ok(if lower.starts_with('-') { -v } else { v });
            }
            if t.is_empty() {
                return Err(Error::value_error("float: empty string"));
            }
            match t.parse::<f64>() {
                Ok(f) if !t.contains('_') && !lower.contains("in") => {
                    if f.is_infinite() {
                        Err(Error::value_error("float: floating-point number too large"))
                    } else {
                        Ok(f)
                    }
                }
                _ => Err(Error::value_error(format!(
                    "float: invalid float literal: {t}"
                ))),
            }
        }
        _ => Err(Error::type_error(format!(
            "float: got {}, want number or string",
            x.type_name()
        ))),
    }
}

/// A `range` argument: an int in the signed 32-bit range, as in the reference
/// (`range: for parameter 1: 3000000000 out of range (want value in signed 32-bit range)`).
fn range_arg(v: &Value, position: usize) -> Result<i64> {
    let msg = match v {
        Value::Int(i) if i32::try_from(*i).is_ok() => return Ok(*i),
        Value::Int(_) | Value::BigInt(_) => format!(
            "{} out of range (want value in signed 32-bit range)",
            v.repr()
        ),
        _ => format!("got {}, want int", v.type_name()),
    };
    Err(Error::type_error(format!(
        "range: for parameter {position}: {msg}"
    )))
}

/// The ints from `start` up to (not including) `stop`, by `step`.
#[star_builtin(signature = (start_or_stop, stop = ABSENT, step = ABSENT, /), pure)]
fn range(start_or_stop: &Value, stop: Optional, step: Optional) -> Result<Value> {
    let first = range_arg(start_or_stop, 1)?;
    let (start, stop) = match &stop {
        Optional::Given(stop) => (first, range_arg(stop, 2)?),
        Optional::Absent => (0, first),
    };
    let step = match &step {
        Optional::Given(step) => range_arg(step, 3)?,
        Optional::Absent => 1,
    };
    Ok(Value::Range(triomphe::Arc::new(Range::new(
        start, stop, step,
    )?)))
}

/// A new list of the elements of an iterable.
#[star_builtin(signature = (x = ABSENT, /))]
fn list(x: Optional) -> Result<Value> {
    Ok(Value::list(match x {
        Optional::Given(x) => named("list", iterable(&x, 1))?,
        Optional::Absent => Vec::new(),
    }))
}

/// A tuple of the elements of an iterable.
#[star_builtin(signature = (x = ABSENT, /), pure)]
fn tuple(x: Optional) -> Result<Value> {
    Ok(match x {
        Optional::Given(Value::Tuple(t)) => Value::Tuple(t),
        Optional::Given(x) => Value::Tuple(Tuple::new(named("tuple", iterable(&x, 1))?)),
        Optional::Absent => Value::Tuple(Tuple::new(Vec::new())),
    })
}

/// A new dict from a dict or an iterable of pairs, then keyword arguments.
#[star_builtin(signature = (pairs = ABSENT, /, **kwargs))]
fn dict(pairs: Optional, kwargs: Vec<(String, Value)>) -> Result<Value> {
    let d = Dict::new();
    let pairs = match &pairs {
        Optional::Given(p) => Some(p),
        Optional::Absent => None,
    };
    named("dict", update_dict(&d, pairs, kwargs))?;
    Ok(Value::Dict(triomphe::Arc::new(d)))
}

/// A new set of the elements of an iterable.
#[star_builtin(signature = (x = ABSENT, /))]
fn set(x: Optional) -> Result<Value> {
    let s = Set::new();
    if let Optional::Given(x) = x {
        let items = named("set", iterable(&x, 1))?;
        // Built here without steps, so the limits are checked before, not as it grows.
        memory::reserve_result(Shape::Set, items.len())?;
        for v in items {
            named("set", s.insert(v))?;
        }
    }
    Ok(Value::Set(triomphe::Arc::new(s)))
}

/// A `key` argument: absent, or a value to call (not `None`, as in the reference).
fn key_function(key: Optional) -> Result<Option<Value>> {
    match key {
        Optional::Given(k) => callable(k, "key").map(Some),
        Optional::Absent => Ok(None),
    }
}

/// Pairs each element with its sort key.
fn keyed(
    thread: &mut Thread,
    items: Vec<Value>,
    key: &Option<Value>,
) -> Result<Vec<(Value, Value)>> {
    match key {
        None => Ok(items.into_iter().map(|v| (v.clone(), v)).collect()),
        Some(k) => items
            .into_iter()
            .map(|v| {
                Ok((
                    call_value(thread, k, &Args::positional(std::slice::from_ref(&v)))?,
                    v,
                ))
            })
            .collect(),
    }
}

/// A new sorted list of the elements of an iterable; stable, by `key` if given.
///
/// If elements cannot be compared, the error is that of the last failed comparison,
/// in the order the reference compares them.
#[star_builtin(signature = (iterable, /, *, key = ABSENT, reverse = Value::Bool(false)))]
fn sorted(thread: &mut Thread, iterable: Value, key: Optional, reverse: Value) -> Result<Value> {
    let _lock = IterationLock::new(&iterable);
    let items = named("sorted", self::iterable(&iterable, "iterable"))?;
    let key = named("sorted", key_function(key))?;
    let reverse = named("sorted", boolean(&reverse, "reverse"))?;
    if key.is_none() {
        let mut items = items;
        sort_values(&mut items, reverse)?;
        return Ok(Value::list(items));
    }
    let mut pairs = keyed(thread, items, &key)?;
    sort_by_key(&mut pairs, reverse)?;
    Ok(Value::list(pairs.into_iter().map(|(_, v)| v).collect()))
}

/// The iteration lock of a list, dict or set, held while a builtin that walks it calls
/// back into Starlark (`sorted`'s and `min`'s keys), as the reference holds it: the key
/// function cannot change the collection (`cannot append to list during iteration`).
struct IterationLock(Option<(Value, bool)>);

impl IterationLock {
    fn new(v: &Value) -> IterationLock {
        let counted = match v {
            Value::List(l) => l.cell().start_read(),
            Value::Dict(d) => d.cell().start_read(),
            Value::Set(s) => s.cell().start_read(),
            _ => return IterationLock(None),
        };
        IterationLock(Some((v.clone(), counted)))
    }
}

impl Drop for IterationLock {
    fn drop(&mut self) {
        match &self.0 {
            Some((Value::List(l), counted)) => l.cell().end_read(*counted),
            Some((Value::Dict(d), counted)) => d.cell().end_read(*counted),
            Some((Value::Set(s), counted)) => s.cell().end_read(*counted),
            _ => {}
        }
    }
}

/// What `min` (`want` = `Less`, compared with `<`) and `max` (`Greater`, `>`) do.
fn extreme(
    thread: &mut Thread,
    name: &str,
    args: Vec<Value>,
    key: Optional,
    want: Ordering,
) -> Result<Value> {
    if args.is_empty() {
        return Err(Error::new(
            ErrorKind::Arguments,
            format!("{name} requires at least one positional argument"),
        ));
    }
    let key = named(name, key_function(key))?;
    let _lock = match args.as_slice() {
        [one] => IterationLock::new(one),
        _ => IterationLock(None),
    };
    let items = if args.len() == 1 {
        match elements(&args[0]) {
            Some(items) => items?,
            None => {
                return Err(Error::type_error(format!(
                    "{name}: {} value is not iterable",
                    args[0].type_name()
                )))
            }
        }
    } else {
        args
    };
    if items.is_empty() {
        return Err(Error::value_error(format!(
            "{name}: argument is an empty sequence"
        )));
    }
    let op = if want == Ordering::Less { "<" } else { ">" };
    let mut best: Option<(Value, Value)> = None;
    for (k, v) in keyed(thread, items, &key)? {
        let better = match &best {
            None => true,
            Some((bk, _)) => named(name, k.compare_op(bk, op))? == want,
        };
        if better {
            best = Some((k, v));
        }
    }
    Ok(best.map(|(_, v)| v).unwrap_or_default())
}

/// The smallest argument, or element of the one iterable argument.
#[star_builtin(signature = (*args, key = ABSENT))]
fn min(thread: &mut Thread, args: Vec<Value>, key: Optional) -> Result<Value> {
    extreme(thread, "min", args, key, Ordering::Less)
}

/// The largest argument, or element of the one iterable argument.
#[star_builtin(signature = (*args, key = ABSENT))]
fn max(thread: &mut Thread, args: Vec<Value>, key: Optional) -> Result<Value> {
    extreme(thread, "max", args, key, Ordering::Greater)
}

/// A list of `(index, element)` pairs.
#[star_builtin(signature = (x, /, start = 0))]
fn enumerate(x: Value, start: i64) -> Result<Value> {
    let items = named("enumerate", iterable(&x, 1))?;
    Ok(Value::list(
        items
            .into_iter()
            .enumerate()
            .map(|(i, v)| Value::tuple(vec![Value::Int(start + i as i64), v]))
            .collect(),
    ))
}

/// A list of tuples taking one element from each iterable, as long as all last.
#[star_builtin(signature = (*args))]
fn zip(args: Vec<Value>) -> Result<Value> {
    let mut lists = Vec::with_capacity(args.len());
    for (i, a) in args.iter().enumerate() {
        match elements(a) {
            Some(items) => lists.push(items?),
            None => {
                return Err(Error::type_error(format!(
                    "zip: argument #{} is not iterable: {}",
                    i + 1,
                    a.type_name()
                )))
            }
        }
    }
    let n = lists.iter().map(Vec::len).min().unwrap_or(0);
    Ok(Value::list(
        (0..n)
            .map(|i| Value::tuple(lists.iter().map(|l| l[i].clone()).collect()))
            .collect(),
    ))
}

/// A new list of the elements of a sequence in reverse order.
#[star_builtin(signature = (x, /))]
fn reversed(x: Value) -> Result<Value> {
    let mut items = named("reversed", iterable(&x, 1))?;
    items.reverse();
    Ok(Value::list(items))
}

/// The absolute value of a number.
#[star_builtin(signature = (x, /), pure)]
fn abs(x: Value) -> Result<Value> {
    Ok(match &x {
        Value::Int(i) => match i.checked_abs() {
            Some(a) => Value::Int(a),
            None => Value::from_bigint(BigInt::from(*i).abs()),
        },
        Value::BigInt(b) => Value::from_bigint(b.abs()),
        Value::Float(f) => Value::Float(f.abs()),
        _ => {
            return Err(Error::type_error(format!(
                "abs: got {}, want int or float",
                x.type_name()
            )))
        }
    })
}

/// Whether any element is true.
#[star_builtin(signature = (x, /))]
fn any(x: Value) -> Result<bool> {
    Ok(named("any", iterable(&x, 1))?.iter().any(Value::truth))
}

/// Whether every element is true.
#[star_builtin(signature = (x, /))]
fn all(x: Value) -> Result<bool> {
    Ok(named("all", iterable(&x, 1))?.iter().all(Value::truth))
}

/// The hash of a value: for strings Java's `String.hashCode` over the bytes, as the
/// spec defines; for bytes 32-bit FNV-1a, as the reference computes.
#[star_builtin(signature = (x, /), pure)]
fn hash(x: &Value) -> Result<i64> {
    let bytes = match x {
        Value::Str(s) => s.as_bytes(),
        Value::Bytes(b) => {
            let h = b.as_bytes().iter().fold(0x811c_9dc5u32, |h, &c| {
                (h ^ c as u32).wrapping_mul(0x0100_0193)
            });
            return Ok(h as i64);
        }
        _ => return Ok(x.hash32()? as i64),
    };
    let h = bytes
        .iter()
        .fold(0i32, |h, &b| h.wrapping_mul(31).wrapping_add(b as i32));
    Ok(h as i64)
}

/// Stops the program with an error whose message is the arguments' string forms.
#[star_builtin(signature = (*args, sep = " "))]
fn fail(args: Vec<Value>, sep: &str) -> Result<Value> {
    let msg: Vec<String> = args.iter().map(Value::to_str).collect();
    Err(Error::new(
        ErrorKind::Fail,
        format!("fail: {}", msg.join(sep)),
    ))
}

/// The attribute `name` of `x`, or `default` (which may be `None`) if it has none.
#[star_builtin(signature = (x, name, default = ABSENT, /))]
fn getattr(x: Value, name: Str, default: Optional) -> Result<Value> {
    match (super::ops::get_attr(&x, &name), default) {
        (Ok(v), _) => Ok(v),
        (Err(_), Optional::Given(d)) => Ok(d),
        (Err(e), Optional::Absent) => named("getattr", Err(e)),
    }
}

/// Whether `x` has an attribute or method `name`.
#[star_builtin(signature = (x, name, /))]
fn hasattr(x: Value, name: Str) -> bool {
    super::ops::get_attr(&x, &name).is_ok()
}

/// The names of the attributes and methods of `x`, sorted.
#[star_builtin(signature = (x, /))]
fn dir(x: Value) -> Vec<String> {
    let mut names: Vec<String> = super::methods::names(&x)
        .iter()
        .map(|s| s.to_string())
        .collect();
    if let Value::Host(h) = &x {
        names.extend(h.get().attr_names());
    }
    names.sort();
    names.dedup();
    names
}

/// The one-character string of a Unicode code point; a surrogate (not a character)
/// gives U+FFFD, as in the reference.
#[star_builtin(signature = (i, /), pure)]
fn chr(i: &Value) -> Result<String> {
    let i = match i {
        Value::Int(i) => *i,
        Value::BigInt(_) => {
            return Err(Error::value_error(format!(
                "chr: {} out of range",
                i.repr()
            )))
        }
        _ => {
            return Err(Error::type_error(format!(
                "chr: got {}, want int",
                i.type_name()
            )))
        }
    };
    if i < 0 {
        return Err(Error::value_error(format!(
            "chr: Unicode code point {i} out of range (<0)"
        )));
    }
    if i > 0x10FFFF {
        return Err(Error::value_error(format!(
            "chr: Unicode code point U+{i:X} out of range (>0x10FFFF)"
        )));
    }
    Ok(char::from_u32(i as u32).unwrap_or('\u{FFFD}').to_string())
}

/// The code point of a one-character string, or the value of a one-byte bytes.
#[star_builtin(signature = (c, /), pure)]
fn ord(c: Value) -> Result<i64> {
    match &c {
        Value::Str(s) => {
            let t = s.to_str_lossy();
            let mut chars = t.chars();
            match (chars.next(), chars.next()) {
                (Some(ch), None) => Ok(ch as i64),
                _ => Err(Error::value_error(format!(
                    "ord: string encodes {} Unicode code points, want 1",
                    t.chars().count()
                ))),
            }
        }
        Value::Bytes(b) if b.len() == 1 => Ok(b.as_bytes()[0] as i64),
        Value::Bytes(b) => Err(Error::value_error(format!(
            "ord: bytes has length {}, want 1",
            b.len()
        ))),
        _ => Err(Error::type_error(format!(
            "ord: got {}, want string or bytes",
            c.type_name()
        ))),
    }
}

/// A bytes value from a string (its bytes) or an iterable of ints in 0..256.
#[star_builtin(signature = (x, /), pure)]
fn bytes(x: Value) -> Result<Value> {
    Ok(match &x {
        Value::Bytes(_) => x.clone(),
        Value::Str(s) => Value::Bytes(Bytes::new(&utf8_or_replacement(s.as_bytes()))),
        Value::List(_)
        | Value::Tuple(_)
        | Value::Range(_)
        | Value::Set(_)
        | Value::Dict(_)
        | Value::Host(_) => {
            let mut out = Vec::new();
            for (i, v) in iterate(&x)?.into_iter().enumerate() {
                match v {
                    Value::Int(n) if (0..256).contains(&n) => out.push(n as u8),
                    Value::Int(_) | Value::BigInt(_) => {
                        return Err(Error::value_error(format!(
                        "bytes: at index {i}, {} out of range (want value in unsigned 8-bit range)",
                        v.repr()
                    )))
                    }
                    _ => {
                        return Err(Error::type_error(format!(
                            "bytes: at index {i}, got {}, want int",
                            v.type_name()
                        )))
                    }
                }
            }
            Value::Bytes(Bytes::new(&out))
        }
        _ => {
            return Err(Error::type_error(format!(
                "bytes: got {}, want string, bytes, or iterable of ints",
                x.type_name()
            )))
        }
    })
}

/// `s` with each byte that is not part of a valid UTF-8 sequence replaced by U+FFFD
/// (one replacement per byte, as the reference decodes).
fn utf8_or_replacement(mut s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    while !s.is_empty() {
        match std::str::from_utf8(s) {
            Ok(t) => {
                out.extend_from_slice(t.as_bytes());
                break;
            }
            Err(e) => {
                let good = e.valid_up_to();
                out.extend_from_slice(&s[..good]);
                out.extend_from_slice("\u{FFFD}".as_bytes());
                s = &s[good + 1..];
            }
        }
    }
    out
}

/// The universe, by name.
static UNIVERSE: &[&NativeFunction] = &[
    &abs::BUILTIN,
    &all::BUILTIN,
    &any::BUILTIN,
    &bool_::BUILTIN,
    &bytes::BUILTIN,
    &chr::BUILTIN,
    &dict::BUILTIN,
    &dir::BUILTIN,
    &enumerate::BUILTIN,
    &fail::BUILTIN,
    &float::BUILTIN,
    &getattr::BUILTIN,
    &hasattr::BUILTIN,
    &hash::BUILTIN,
    &int::BUILTIN,
    &len::BUILTIN,
    &list::BUILTIN,
    &max::BUILTIN,
    &min::BUILTIN,
    &ord::BUILTIN,
    &print::BUILTIN,
    &range::BUILTIN,
    &repr::BUILTIN,
    &reversed::BUILTIN,
    &set::BUILTIN,
    &sorted::BUILTIN,
    &str_::BUILTIN,
    &tuple::BUILTIN,
    &r#type::BUILTIN,
    &zip::BUILTIN,
];

/// The value of a universal name.
pub fn universe_lookup(name: &str) -> Option<Value> {
    match name {
        "None" => Some(Value::None),
        "True" => Some(Value::Bool(true)),
        "False" => Some(Value::Bool(false)),
        _ => UNIVERSE
            .iter()
            .find(|f| f.name == name)
            .map(|f| Value::Builtin(f)),
    }
}

/// The universal names.
pub fn universe_names() -> Vec<&'static str> {
    let mut v = vec!["None", "True", "False"];
    v.extend(UNIVERSE.iter().map(|f| f.name));
    v
}

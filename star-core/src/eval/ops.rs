//! Operators, indexing, slicing and attributes: what the instructions do to values.
//!
//! Arithmetic follows the spec: ints never overflow (an `i64` result that would overflow
//! becomes a big int), `/` is always float division, `//` and `%` round toward negative
//! infinity for ints and floats alike, mixed int/float arithmetic converts the int to a
//! float (an error if it is too large to be one). Error messages use the reference's
//! words: `unknown binary op: string + int`, `integer division by zero`,
//! `list index 5 out of range [-3:2]`, `key "x" not in dict`.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

use crate::error::{Error, ErrorKind, Result};
use crate::syntax::{BinOp, UnaryOp};
use crate::value::memory::{self, Shape};
use crate::value::{Bytes, Dict, HashedValue, Set, Str, Tuple, Value};

use super::format::percent_format;
use super::methods;

/// The largest allowed shift count.
const MAX_SHIFT: i64 = 512;

#[cold]
fn unknown_binary(op: BinOp, x: &Value, y: &Value) -> Error {
    Error::type_error(format!(
        "unknown binary op: {} {} {}",
        x.type_name(),
        op.text(),
        y.type_name()
    ))
}

/// `op x`.
pub fn unary(op: UnaryOp, x: &Value) -> Result<Value> {
    Ok(match (op, x) {
        (UnaryOp::Not, _) => Value::Bool(!x.truth()),
        (UnaryOp::Minus, Value::Int(i)) => match i.checked_neg() {
            Some(n) => Value::Int(n),
            None => Value::from_bigint(-BigInt::from(*i)),
        },
        (UnaryOp::Minus, Value::BigInt(b)) => Value::from_bigint(-(**b).clone()),
        (UnaryOp::Minus, Value::Float(f)) => Value::Float(-f),
        (UnaryOp::Plus, Value::Int(_) | Value::BigInt(_) | Value::Float(_)) => x.clone(),
        (UnaryOp::Tilde, Value::Int(i)) => Value::Int(!i),
        (UnaryOp::Tilde, Value::BigInt(b)) => Value::from_bigint(-(**b).clone() - 1),
        _ => {
            return Err(Error::type_error(format!(
                "unknown unary op: {} {}",
                op.text(),
                x.type_name()
            )))
        }
    })
}

/// The int as a big int.
fn big(v: &Value) -> Option<BigInt> {
    match v {
        Value::Int(i) => Some(BigInt::from(*i)),
        Value::BigInt(b) => Some((**b).clone()),
        _ => None,
    }
}

/// The number as a float; an error for ints too large to be one.
pub(crate) fn to_float(v: &Value) -> Result<f64> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        Value::BigInt(b) => b
            .to_f64()
            .filter(|f| f.is_finite())
            .ok_or_else(|| Error::value_error("int too large to convert to float")),
        _ => Err(Error::type_error(format!(
            "got {}, want float",
            v.type_name()
        ))),
    }
}

fn is_int(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::BigInt(_))
}

fn is_num(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::BigInt(_) | Value::Float(_))
}

/// Python's float modulo: the result has the sign of the divisor.
pub(crate) fn float_mod(x: f64, y: f64) -> f64 {
    let r = x % y;
    if r != 0.0 && (r < 0.0) != (y < 0.0) {
        r + y
    } else {
        r
    }
}

/// `x // y` for floats: the floor of the quotient, as the reference computes it
/// (`1 // -inf` is `-0.0`).
fn float_floordiv(x: f64, y: f64) -> f64 {
    (x / y).floor()
}

fn arith(op: BinOp, x: &Value, y: &Value) -> Result<Value> {
    // Ints (either size).
    if let (Value::Int(a), Value::Int(b)) = (x, y) {
        let (a, b) = (*a, *b);
        let fast = match op {
            BinOp::Plus => a.checked_add(b),
            BinOp::Minus => a.checked_sub(b),
            BinOp::Star => a.checked_mul(b),
            BinOp::SlashSlash if b != 0 && !(a == i64::MIN && b == -1) => {
                Some(Integer::div_floor(&a, &b))
            }
            BinOp::Percent if b != 0 && !(a == i64::MIN && b == -1) => {
                Some(Integer::mod_floor(&a, &b))
            }
            BinOp::Amp => Some(a & b),
            BinOp::Pipe => Some(a | b),
            BinOp::Caret => Some(a ^ b),
            _ => None,
        };
        if let Some(v) = fast {
            return Ok(Value::Int(v));
        }
    }
    if is_int(x) && is_int(y) {
        let (a, b) = (big(x).unwrap_or_default(), big(y).unwrap_or_default());
        // Only products and shifts grow much; each is checked before it is made.
        match op {
            BinOp::Star => memory::reserve_result(Shape::Int, (a.bits() + b.bits()) as usize)?,
            BinOp::LtLt => {
                if let Some(n) = b.to_u64().filter(|&n| n < MAX_SHIFT as u64) {
                    memory::reserve_result(Shape::Int, (a.bits() + n) as usize)?
                }
            }
            _ => {}
        }
        use super::limits::{costly, Work};
        return Ok(Value::from_bigint(match op {
            BinOp::Plus => a + b,
            BinOp::Minus => a - b,
            BinOp::Star => {
                let units = Work::Multiply.units(a.bits(), b.bits());
                costly(Work::Multiply, units, || a * b)?
            }
            BinOp::SlashSlash => {
                if b.is_zero() {
                    return Err(Error::value_error("integer division by zero"));
                }
                let units = Work::Divide.units(a.bits(), b.bits());
                costly(Work::Divide, units, || Integer::div_floor(&a, &b))?
            }
            BinOp::Percent => {
                if b.is_zero() {
                    return Err(Error::value_error("integer modulo by zero"));
                }
                let units = Work::Divide.units(a.bits(), b.bits());
                costly(Work::Divide, units, || Integer::mod_floor(&a, &b))?
            }
            BinOp::Amp => a & b,
            BinOp::Pipe => a | b,
            BinOp::Caret => a ^ b,
            BinOp::LtLt | BinOp::GtGt => {
                let n = b.to_i64().unwrap_or(i64::MAX);
                if b.is_negative() {
                    return Err(Error::value_error("negative shift count"));
                }
                if op == BinOp::LtLt {
                    if n >= MAX_SHIFT {
                        return Err(Error::value_error("shift count too large"));
                    }
                    a << n as usize
                } else if n >= i64::from(u32::MAX) {
                    if a.is_negative() {
                        BigInt::from(-1)
                    } else {
                        BigInt::zero()
                    }
                } else {
                    a >> n as usize
                }
            }
            BinOp::Slash => {
                let (fa, fb) = (to_float(x)?, to_float(y)?);
                if fb == 0.0 {
                    return Err(Error::value_error("floating-point division by zero"));
                }
                return Ok(Value::Float(fa / fb));
            }
            _ => return Err(unknown_binary(op, x, y)),
        }));
    }
    // Floats, or an int with a float.
    let (a, b) = (to_float(x)?, to_float(y)?);
    Ok(Value::Float(match op {
        BinOp::Plus => a + b,
        BinOp::Minus => a - b,
        BinOp::Star => a * b,
        BinOp::Slash => {
            if b == 0.0 {
                return Err(Error::value_error("floating-point division by zero"));
            }
            a / b
        }
        BinOp::SlashSlash => {
            if b == 0.0 {
                return Err(Error::value_error("floored division by zero"));
            }
            float_floordiv(a, b)
        }
        BinOp::Percent => {
            if b == 0.0 {
                return Err(Error::value_error("floating-point modulo by zero"));
            }
            float_mod(a, b)
        }
        _ => return Err(unknown_binary(op, x, y)),
    }))
}

/// The largest number of elements (or bytes) a repetition may make.
const MAX_REPEAT: usize = 1 << 30;

/// The count of `x * n`: negative counts are zero; counts beyond 32 bits are refused.
fn repeat_count(n: &Value) -> Result<usize> {
    match n {
        Value::Int(i) if *i <= i32::MAX as i64 => Ok((*i).max(0) as usize),
        Value::BigInt(b) if b.is_negative() => Ok(0),
        _ => Err(Error::new(
            ErrorKind::Limit,
            format!("repeat count {} too large", n.repr()),
        )),
    }
}

/// Refuses repetitions that would make more than [`MAX_REPEAT`] elements.
fn checked_len(unit: usize, n: usize) -> Result<usize> {
    if unit > 0 && n > MAX_REPEAT / unit {
        return Err(Error::new(
            ErrorKind::Limit,
            format!("excessive repeat ({unit} * {n} elements)"),
        ));
    }
    Ok(unit * n)
}

fn repeat(x: &Value, n: &Value) -> Result<Value> {
    let n = repeat_count(n)?;
    Ok(match x {
        Value::Str(s) => {
            memory::reserve_result(Shape::Str, checked_len(s.len(), n)?)?;
            Value::Str(Str::from_bytes(&s.as_bytes().repeat(n)))
        }
        Value::Bytes(b) => {
            memory::reserve_result(Shape::Bytes, checked_len(b.len(), n)?)?;
            Value::Bytes(Bytes::new(&b.as_bytes().repeat(n)))
        }
        Value::List(l) => {
            let items = l.borrow();
            checked_len(items.len(), n)?;
            Value::list(repeat_vec(Shape::List, &items, n)?)
        }
        Value::Tuple(t) => {
            checked_len(t.len(), n)?;
            Value::Tuple(Tuple::new(repeat_vec(Shape::Tuple, t, n)?))
        }
        _ => unreachable!("repeat of a non-sequence"),
    })
}

fn repeat_vec(shape: Shape, items: &[Value], n: usize) -> Result<Vec<Value>> {
    let mut out = memory::try_vec(shape, items.len() * n)?;
    for _ in 0..n {
        out.extend_from_slice(items);
    }
    Ok(out)
}

/// The elements of `a` followed by those of `b`, checked against the limits first.
fn concat_vec(shape: Shape, a: &[Value], b: &[Value]) -> Result<Vec<Value>> {
    let mut v = memory::try_vec(shape, a.len().saturating_add(b.len()))?;
    v.extend_from_slice(a);
    v.extend_from_slice(b);
    Ok(v)
}

/// `x in y`.
pub fn contains(y: &Value, x: &Value) -> Result<bool> {
    Ok(match y {
        Value::List(l) => {
            for v in l.borrow().iter() {
                if v.equals(x)? {
                    return Ok(true);
                }
            }
            false
        }
        Value::Tuple(t) => {
            for v in t.iter() {
                if v.equals(x)? {
                    return Ok(true);
                }
            }
            false
        }
        // An unhashable value is in no dict (`[] in {}` is False, not an error).
        Value::Dict(d) => d.get(x).is_ok_and(|v| v.is_some()),
        Value::Set(s) => s.contains(x)?,
        Value::Str(s) => match x {
            Value::Str(n) => memfind(s.as_bytes(), n.as_bytes()).is_some(),
            _ => {
                return Err(Error::type_error(format!(
                    "'in <string>' requires string as left operand, not {}",
                    x.type_name()
                )))
            }
        },
        Value::Bytes(b) => match x {
            Value::Bytes(n) => memfind(b.as_bytes(), n.as_bytes()).is_some(),
            Value::Int(i) if (0..256).contains(i) => b.as_bytes().contains(&(*i as u8)),
            Value::Int(i) => {
                return Err(Error::value_error(format!(
                    "int in bytes: {i} out of range"
                )))
            }
            _ => {
                return Err(Error::type_error(format!(
                    "'in bytes' requires bytes or int as left operand, not {}",
                    x.type_name()
                )))
            }
        },
        Value::Range(r) => match x {
            Value::Int(i) => {
                let (i, start, step) = (*i as i128, r.start as i128, r.step as i128);
                let n = r.len() as i128;
                let k = i - start;
                k % step == 0 && (0..n).contains(&(k / step))
            }
            Value::BigInt(_) => false,
            Value::Float(f) if f.fract() == 0.0 => contains(y, &Value::Int(*f as i64))?,
            Value::Float(_) => false,
            _ => {
                return Err(Error::type_error(format!(
                    "'in <range>' requires integer as left operand, not {}",
                    x.type_name()
                )))
            }
        },
        _ => {
            return Err(Error::type_error(format!(
                "unknown binary op: {} in {}",
                x.type_name(),
                y.type_name()
            )))
        }
    })
}

/// The first position of `needle` in `hay` (an empty needle is at 0).
pub(crate) fn memfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    match needle {
        [] => Some(0),
        [b] => memchr::memchr(*b, hay),
        _ => memchr::memmem::find(hay, needle),
    }
}

fn set_op(op: BinOp, a: &Set, b: &Set) -> Value {
    let (a, b) = (a.borrow(), b.borrow());
    let mut out = crate::value::collections::SetMap::default();
    match op {
        BinOp::Pipe => {
            out.extend(a.iter().cloned());
            out.extend(b.iter().cloned());
        }
        BinOp::Amp => out.extend(a.iter().filter(|k| b.contains(k)).cloned()),
        BinOp::Minus => out.extend(a.iter().filter(|k| !b.contains(k)).cloned()),
        _ => {
            out.extend(a.iter().filter(|k| !b.contains(k)).cloned());
            out.extend(b.iter().filter(|k| !a.contains(k)).cloned());
        }
    }
    Value::Set(triomphe::Arc::new(Set::from_set(out)))
}

/// `x < y`, `x <= y`, `x > y`, `x >= y` for sets: proper subset, subset, proper
/// superset, superset.
fn set_compare(op: BinOp, a: &Set, b: &Set) -> bool {
    let (a, b) = (a.borrow(), b.borrow());
    let subset = |x: &crate::value::SetMap, y: &crate::value::SetMap| {
        x.len() <= y.len() && x.iter().all(|k| y.contains(k))
    };
    match op {
        BinOp::Lt => a.len() < b.len() && subset(&a, &b),
        BinOp::Le => subset(&a, &b),
        BinOp::Gt => a.len() > b.len() && subset(&b, &a),
        _ => subset(&b, &a),
    }
}

/// `x op y` for every binary operator except `and` and `or`.
pub fn binary(op: BinOp, x: &Value, y: &Value) -> Result<Value> {
    use BinOp::*;
    if let (Lt | Le | Gt | Ge, Value::Set(a), Value::Set(b)) = (op, x, y) {
        return Ok(Value::Bool(set_compare(op, a, b)));
    }
    match op {
        Eq => return Ok(Value::Bool(x.equals(y)?)),
        Ne => return Ok(Value::Bool(!x.equals(y)?)),
        Lt => return Ok(Value::Bool(x.compare_op(y, "<")? == Ordering::Less)),
        Gt => return Ok(Value::Bool(x.compare_op(y, ">")? == Ordering::Greater)),
        Le => return Ok(Value::Bool(x.compare_op(y, "<=")? != Ordering::Greater)),
        Ge => return Ok(Value::Bool(x.compare_op(y, ">=")? != Ordering::Less)),
        In => return Ok(Value::Bool(contains(y, x)?)),
        NotIn => return Ok(Value::Bool(!contains(y, x)?)),
        _ => {}
    }
    if is_num(x) && is_num(y) {
        if matches!(op, LtLt | GtGt | Amp | Pipe | Caret) && !(is_int(x) && is_int(y)) {
            return Err(unknown_binary(op, x, y));
        }
        return arith(op, x, y);
    }
    Ok(match (op, x, y) {
        (Plus, Value::Str(a), Value::Str(b)) => {
            memory::reserve_result(Shape::Str, a.len() + b.len())?;
            Value::Str(Str::concat(&[a.as_bytes(), b.as_bytes()]))
        }
        (Plus, Value::Bytes(a), Value::Bytes(b)) => {
            memory::reserve_result(Shape::Bytes, a.len() + b.len())?;
            Value::Bytes(Bytes::new(&[a.as_bytes(), b.as_bytes()].concat()))
        }
        (Plus, Value::List(a), Value::List(b)) => {
            Value::list(concat_vec(Shape::List, &a.borrow(), &b.borrow())?)
        }
        (Plus, Value::Tuple(a), Value::Tuple(b)) => {
            Value::Tuple(Tuple::new(concat_vec(Shape::Tuple, a, b)?))
        }
        (Star, Value::Str(_) | Value::Bytes(_) | Value::List(_) | Value::Tuple(_), n)
            if is_int(n) =>
        {
            repeat(x, n)?
        }
        (Star, n, Value::Str(_) | Value::Bytes(_) | Value::List(_) | Value::Tuple(_))
            if is_int(n) =>
        {
            repeat(y, n)?
        }
        (Percent, Value::Str(f), args) => Value::Str(percent_format(f, args)?),
        (Pipe, Value::Dict(a), Value::Dict(b)) => {
            memory::reserve_result(Shape::Dict, a.len() + b.len())?;
            let mut m = a.borrow().clone();
            for (k, v) in b.borrow().iter() {
                m.insert(k.clone(), v.clone());
            }
            Value::Dict(triomphe::Arc::new(Dict::from_map(m)))
        }
        (Pipe | Amp | Caret | Minus, Value::Set(a), Value::Set(b)) => set_op(op, a, b),
        _ => return host_binary(op, x, y).unwrap_or_else(|| Err(unknown_binary(op, x, y))),
    })
}

/// `x op y` defined by a host value on either side (the left one first).
fn host_binary(op: BinOp, x: &Value, y: &Value) -> Option<Result<Value>> {
    if let Value::Host(h) = x {
        if let Some(r) = h.get().binary(op, y, false) {
            return Some(r);
        }
    }
    match y {
        Value::Host(h) => h.get().binary(op, x, true),
        _ => None,
    }
}

/// `x op= y`: like `x op y`, except that `list += iterable` extends the list and
/// `dict |= dict` updates the dict in place (the result is `x` itself).
pub fn in_place(op: BinOp, x: &Value, y: &Value) -> Result<Value> {
    match (op, x, y) {
        // A right operand that is not iterable may still define `list + y`.
        (BinOp::Plus, Value::List(l), _) => match methods::elements(y) {
            Some(items) => {
                let items = items?;
                memory::reserve_result(Shape::List, l.len() + items.len())?;
                l.borrow_mut("apply += to")?.extend(items);
                Ok(x.clone())
            }
            None => binary(op, x, y),
        },
        (BinOp::Pipe, Value::Dict(d), Value::Dict(src)) => {
            let mut map = d.borrow_mut("apply |= to")?;
            if !triomphe::Arc::ptr_eq(d, src) {
                for (k, v) in src.borrow().iter() {
                    map.insert(k.clone(), v.clone());
                }
            }
            Ok(x.clone())
        }
        _ => binary(op, x, y),
    }
}

/// Converts an index of a sequence of type `what` and length `n` to a position,
/// Python-style, with the reference's messages: `list index 5 out of range [-3:2]`,
/// `index 0 out of range: empty range`, `string index: got float, want int`. As in the
/// reference, an index must fit in 32 bits.
pub(crate) fn seq_index(what: &str, key: &Value, n: usize) -> Result<usize> {
    let i = match key {
        Value::Int(i) if i32::try_from(*i).is_ok() => *i,
        _ => return Err(bad_index(what, key)),
    };
    let j = if i < 0 { i + n as i64 } else { i };
    if j < 0 || j >= n as i64 {
        return Err(out_of_range(what, i, n));
    }
    Ok(j as usize)
}

#[cold]
fn bad_index(what: &str, key: &Value) -> Error {
    let msg = match key {
        Value::Int(_) | Value::BigInt(_) => format!("{} out of range", key.repr()),
        _ => format!("got {}, want int", key.type_name()),
    };
    Error::type_error(format!("{what} index: {msg}"))
}

/// The reference's message for index `i` outside a sequence of type `what` and
/// length `n`: `list index 5 out of range [-3:2]`, `index 0 out of range: empty list`.
#[cold]
pub(crate) fn out_of_range(what: &str, i: i64, n: usize) -> Error {
    let msg = if n == 0 {
        format!("index {i} out of range: empty {what}")
    } else {
        format!("{what} index {i} out of range [{}:{}]", -(n as i64), n - 1)
    };
    Error::new(ErrorKind::Index, msg)
}

/// `x[key]`.
pub fn index(x: &Value, key: &Value) -> Result<Value> {
    Ok(match x {
        Value::List(l) => {
            let items = l.borrow();
            items[seq_index("list", key, items.len())?].clone()
        }
        Value::Tuple(t) => t[seq_index("tuple", key, t.len())?].clone(),
        Value::Str(s) => {
            let i = seq_index("string", key, s.len())?;
            Value::Str(Str::from_bytes(&s.as_bytes()[i..i + 1]))
        }
        Value::Bytes(b) => {
            let i = seq_index("bytes", key, b.len())?;
            Value::Bytes(Bytes::new(&b.as_bytes()[i..i + 1]))
        }
        Value::Range(r) => Value::Int(r.get(seq_index("range", key, r.len())?).unwrap_or_default()),
        Value::Dict(d) => match d.get(key)? {
            Some(v) => v,
            None => {
                return Err(Error::new(
                    ErrorKind::Key,
                    format!("key {} not in dict", key.repr()),
                ))
            }
        },
        Value::Host(h) => match h.get().index(key) {
            Some(r) => r?,
            None => return Err(unhandled_index(x, key)),
        },
        _ => return Err(unhandled_index(x, key)),
    })
}

#[cold]
fn unhandled_index(x: &Value, key: &Value) -> Error {
    Error::type_error(format!(
        "unhandled index operation {}[{}]",
        x.type_name(),
        key.type_name()
    ))
}

/// `x[key] = v`.
pub fn set_index(x: &Value, key: &Value, v: Value) -> Result<()> {
    match x {
        Value::List(l) => {
            let n = l.len();
            let i = seq_index("list", key, n)?;
            l.borrow_mut("assign to element of")?[i] = v;
            Ok(())
        }
        Value::Dict(d) => {
            let k = HashedValue::new(key.clone())?;
            d.borrow_mut("insert into")?.insert(k, v);
            Ok(())
        }
        _ => Err(Error::type_error(format!(
            "{} value does not support item assignment",
            x.type_name()
        ))),
    }
}

/// A slice's start, end or step (`what` says which, in the reference's words:
/// `invalid start index: got float, want int`, `invalid slice step: got bool, want int`).
fn slice_bound(v: &Value, what: &str) -> Result<Option<i64>> {
    match v {
        Value::None => Ok(None),
        Value::Int(i) => Ok(Some(*i)),
        Value::BigInt(b) => Ok(Some(if b.is_negative() { i64::MIN } else { i64::MAX })),
        _ => Err(Error::type_error(format!(
            "invalid {what}: got {}, want int",
            v.type_name()
        ))),
    }
}

/// The positions `[lo:hi:step]` selects in a sequence: `count` of them, from `start`,
/// `step` apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SliceIndices {
    start: usize,
    step: i64,
    count: usize,
}

impl SliceIndices {
    /// The positions selected by `[lo:hi:step]` in a sequence of length `n`.
    pub(crate) fn new(n: usize, lo: &Value, hi: &Value, step: &Value) -> Result<SliceIndices> {
        let step = slice_bound(step, "slice step")?.unwrap_or(1);
        if step == 0 {
            return Err(Error::value_error("zero is not a valid slice step"));
        }
        let n = n as i64;
        let clamp = |v: Option<i64>, default: i64, lo_lim: i64, hi_lim: i64| -> i64 {
            match v {
                None => default,
                Some(i) => {
                    let i = if i < 0 { i.saturating_add(n) } else { i };
                    i.clamp(lo_lim, hi_lim)
                }
            }
        };
        let (lo, hi) = (
            slice_bound(lo, "start index")?,
            slice_bound(hi, "end index")?,
        );
        // `first` and `end` are within [-1, n], so their difference does not overflow;
        // the step's magnitude is taken unsigned (it may be i64::MIN).
        let (first, end) = if step > 0 {
            (clamp(lo, 0, 0, n), clamp(hi, n, 0, n))
        } else {
            (clamp(lo, n - 1, -1, n - 1), clamp(hi, -1, -1, n - 1))
        };
        let span = if step > 0 { end - first } else { first - end };
        let count = if span > 0 {
            ((span - 1) as u64 / step.unsigned_abs() + 1) as usize
        } else {
            0
        };
        Ok(SliceIndices {
            start: if count > 0 { first as usize } else { 0 },
            step,
            count,
        })
    }

    /// The positions, when they are contiguous and ascending (step 1).
    pub(crate) fn contiguous(&self) -> Option<std::ops::Range<usize>> {
        (self.step == 1).then_some(self.start..self.start + self.count)
    }

    /// The positions, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> {
        // With more than one position, |step| * (count - 1) stays within the sequence.
        let (start, step) = (self.start as i64, self.step);
        (0..self.count as i64).map(move |k| (start + k * step) as usize)
    }
}

/// `x[lo:hi:step]`.
pub fn slice(x: &Value, lo: &Value, hi: &Value, step: &Value) -> Result<Value> {
    /// The selected bytes of `b`: a copy of a contiguous run, or gathered one by one.
    fn bytes_slice(b: &[u8], idx: SliceIndices) -> Str {
        match idx.contiguous() {
            Some(r) => Str::from_bytes(&b[r]),
            None => Str::build(idx.count, |out| {
                for (o, i) in out.iter_mut().zip(idx.iter()) {
                    *o = b[i];
                }
            }),
        }
    }
    Ok(match x {
        Value::List(l) => {
            let items = l.borrow();
            let idx = SliceIndices::new(items.len(), lo, hi, step)?;
            Value::list(match idx.contiguous() {
                Some(r) => items[r].to_vec(),
                None => idx.iter().map(|i| items[i].clone()).collect(),
            })
        }
        Value::Tuple(t) => {
            let idx = SliceIndices::new(t.len(), lo, hi, step)?;
            Value::Tuple(Tuple::new(match idx.contiguous() {
                Some(r) => t[r].to_vec(),
                None => idx.iter().map(|i| t[i].clone()).collect(),
            }))
        }
        Value::Str(s) => {
            let idx = SliceIndices::new(s.len(), lo, hi, step)?;
            Value::Str(bytes_slice(s.as_bytes(), idx))
        }
        Value::Bytes(bs) => {
            let idx = SliceIndices::new(bs.len(), lo, hi, step)?;
            Value::Bytes(Bytes::new(bytes_slice(bs.as_bytes(), idx).as_bytes()))
        }
        Value::Range(r) => {
            let idx = SliceIndices::new(r.len(), lo, hi, step)?;
            // A slice of a range is a range.
            let st = slice_bound(step, "step")?.unwrap_or(1);
            let new_step = r.step.saturating_mul(st);
            let start = match idx.count {
                0 => r.start,
                _ => r.get(idx.start).unwrap_or(r.start),
            };
            let stop = start.saturating_add((idx.count as i64).saturating_mul(new_step));
            Value::Range(triomphe::Arc::new(crate::value::Range::new(
                start, stop, new_step,
            )?))
        }
        _ => {
            return Err(Error::type_error(format!(
                "invalid slice operand {}",
                x.type_name()
            )))
        }
    })
}

#[cold]
fn no_attr(x: &Value, name: &str, candidates: &[&str]) -> Error {
    let hint = crate::resolve::nearest(name, candidates)
        .map(|n| format!(" (did you mean .{n}?)"))
        .unwrap_or_default();
    Error::new(
        ErrorKind::Name,
        format!("{} has no .{name} field or method{hint}", x.type_name()),
    )
}

/// `x.name`.
pub fn get_attr(x: &Value, name: &Str) -> Result<Value> {
    let n = name.to_str_lossy();
    if let Some(m) = methods::method(x, &n) {
        // The receiver types with methods are cloned by their own variant: through the
        // generic clone (an out-of-line call for heap values), the receiver came back
        // in memory and was copied piecewise into the bound method, and the wider
        // loads of that copy stalled on store forwarding (get_attr was 12% of
        // list_churn; 7% after this).
        let receiver = match x {
            Value::List(l) => Value::List(l.clone()),
            Value::Dict(d) => Value::Dict(d.clone()),
            Value::Str(s) => Value::Str(s.clone()),
            Value::Set(s) => Value::Set(s.clone()),
            _ => x.clone(),
        };
        return Ok(Value::BoundMethod(triomphe::Arc::new(
            crate::value::BoundMethod::new(receiver, m),
        )));
    }
    if let Value::Host(h) = x {
        if let Some(v) = h.get().attr(&n) {
            return Ok(v);
        }
        if let Some(e) = h.get().missing_attr(&n) {
            return Err(e);
        }
        let names = h.get().attr_names();
        let mut cands: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
        cands.extend(h.get().methods().iter().map(|m| m.name));
        return Err(no_attr(x, &n, &cands));
    }
    Err(no_attr(x, &n, &methods::names(x)))
}

/// `x.name = v`.
pub fn set_attr(x: &Value, name: &Str, v: Value) -> Result<()> {
    match x {
        Value::Host(h) => h.get().set_attr(&name.to_str_lossy(), v),
        _ => Err(Error::type_error(format!(
            "can't assign to .{name} field of {}",
            x.type_name()
        ))),
    }
}

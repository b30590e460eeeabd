//! Equality, ordering and hashing, as the spec defines them.
//!
//! - Numbers compare by exact mathematical value across `int` and `float`: `2**53 + 1`
//!   does not equal `float(2**53)`, however floats round. Floats are totally ordered
//!   (the reference's rule): `-0.0 == 0.0`, and NaN equals itself and is greater than
//!   every other number, `+inf` included.
//! - Values of different types are never equal; ordering them is an error.
//! - Lists and tuples compare element by element (lexicographically for `<`); dicts and
//!   sets are equal when they hold the same entries, in any order. Comparison recurses
//!   at most [`MAX_DEPTH`] levels, so a list that contains itself is an error, not a
//!   stack overflow.
//! - Equal values hash equally, across types too: `hash(1) == hash(1.0)`, and a float
//!   beyond the range of 64-bit ints hashes as the big int it equals. Lists, dicts and
//!   sets are unhashable.

use std::cmp::Ordering;
use std::hash::Hasher;

use num_bigint::BigInt;
use num_traits::{FromPrimitive, ToPrimitive};

use super::Value;
use crate::error::{Error, ErrorKind, Result};

/// How deep comparison and hashing recurse into nested values.
pub const MAX_DEPTH: u32 = 1000;

fn depth_error() -> Error {
    Error::new(
        ErrorKind::Value,
        "comparison exceeded maximum recursion depth",
    )
}

impl Value {
    /// `self == other`.
    pub fn equals(&self, other: &Value) -> Result<bool> {
        equals(self, other, 0)
    }

    /// The order of `self` and `other` for `<` and friends; an error for values that
    /// have no order (`None < None`, `1 < "a"`). `op` names the operator in the error.
    pub fn compare_op(&self, other: &Value, op: &str) -> Result<Ordering> {
        compare(self, other, op, 0)
    }

    /// The order of `self` and `other`, as `sorted` uses it.
    pub fn compare(&self, other: &Value) -> Result<Ordering> {
        compare(self, other, "<", 0)
    }

    /// The hash used by dict keys and set elements; an error for unhashable values.
    pub fn hash32(&self) -> Result<u32> {
        hash(self, 0)
    }
}

fn equals(a: &Value, b: &Value, depth: u32) -> Result<bool> {
    Ok(match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        (Value::Int(_) | Value::BigInt(_) | Value::Float(_), _) if is_number(b) => {
            compare_numbers(a, b) == Ordering::Equal
        }
        (Value::Tuple(x), Value::Tuple(y)) => seq_equals(x, y, depth)?,
        (Value::List(x), Value::List(y)) => {
            // No shortcut for `x == x`: as in the reference, comparing a cyclic list
            // with itself is a recursion error, not `True`.
            seq_equals(&x.borrow(), &y.borrow(), depth)?
        }
        (Value::Dict(x), Value::Dict(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            if x.len() != y.len() {
                return Ok(false);
            }
            if depth >= MAX_DEPTH {
                return Err(depth_error());
            }
            crate::eval::limits::native_tick()?;
            for (k, v) in x.iter() {
                match y.get(k) {
                    Some(w) if equals(v, w, depth + 1)? => {}
                    _ => return Ok(false),
                }
            }
            true
        }
        (Value::Set(x), Value::Set(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len() && x.iter().all(|k| y.contains(k))
        }
        (Value::Range(x), Value::Range(y)) => {
            let n = x.len();
            n == y.len() && (n == 0 || (x.start == y.start && (n == 1 || x.step == y.step)))
        }
        (Value::Function(x), Value::Function(y)) => triomphe::Arc::ptr_eq(x, y),
        (Value::Builtin(x), Value::Builtin(y)) => std::ptr::eq(*x, *y),
        // Each `x.method` expression makes a new bound method, compared by identity.
        (Value::BoundMethod(x), Value::BoundMethod(y)) => triomphe::Arc::ptr_eq(x, y),
        (Value::Host(x), Value::Host(y)) => {
            if x.ptr_eq(y) {
                return Ok(true);
            }
            if depth >= MAX_DEPTH {
                return Err(depth_error());
            }
            x.get().equals(b)?
        }
        _ => false,
    })
}

fn seq_equals(x: &[Value], y: &[Value], depth: u32) -> Result<bool> {
    if x.len() != y.len() {
        return Ok(false);
    }
    if depth >= MAX_DEPTH {
        return Err(depth_error());
    }
    crate::eval::limits::native_tick()?;
    for (a, b) in x.iter().zip(y) {
        if !equals(a, b, depth + 1)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn is_number(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::BigInt(_) | Value::Float(_))
}

fn compare(a: &Value, b: &Value, op: &str, depth: u32) -> Result<Ordering> {
    Ok(match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Str(x), Value::Str(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Bytes(x), Value::Bytes(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ if is_number(a) && is_number(b) => compare_numbers(a, b),
        (Value::Tuple(x), Value::Tuple(y)) => seq_compare(x, y, op, depth)?,
        (Value::List(x), Value::List(y)) => seq_compare(&x.borrow(), &y.borrow(), op, depth)?,
        (Value::Host(x), _) if a.type_name() == b.type_name() => match x.get().compare(b)? {
            Some(o) => o,
            None => return Err(not_implemented(a, op, b)),
        },
        _ => return Err(not_implemented(a, op, b)),
    })
}

#[cold]
fn not_implemented(a: &Value, op: &str, b: &Value) -> Error {
    Error::type_error(format!(
        "{} {} {} not implemented",
        a.type_name(),
        op,
        b.type_name()
    ))
}

fn seq_compare(x: &[Value], y: &[Value], op: &str, depth: u32) -> Result<Ordering> {
    if depth >= MAX_DEPTH {
        return Err(depth_error());
    }
    crate::eval::limits::native_tick()?;
    for (a, b) in x.iter().zip(y) {
        if !equals(a, b, depth + 1)? {
            return compare(a, b, op, depth + 1);
        }
    }
    Ok(x.len().cmp(&y.len()))
}

/// Exact comparison of two numbers (ints of either size, floats), NaN greatest.
pub(crate) fn compare_numbers(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Float(x), Value::Float(y)) => compare_floats(*x, *y),
        (Value::Int(x), Value::Float(y)) => compare_int_float(*x, *y),
        (Value::Float(x), Value::Int(y)) => compare_int_float(*y, *x).reverse(),
        (Value::BigInt(x), Value::Float(y)) => compare_big_float(x, *y),
        (Value::Float(x), Value::BigInt(y)) => compare_big_float(y, *x).reverse(),
        (Value::BigInt(x), Value::BigInt(y)) => x.as_ref().cmp(y.as_ref()),
        // A BigInt never fits in i64, so its sign decides.
        (Value::BigInt(x), Value::Int(_)) => sign_order(x),
        (Value::Int(_), Value::BigInt(y)) => sign_order(y).reverse(),
        _ => Ordering::Equal,
    }
}

fn sign_order(b: &BigInt) -> Ordering {
    if b.sign() == num_bigint::Sign::Minus {
        Ordering::Less
    } else {
        Ordering::Greater
    }
}

/// Total order of floats: -0.0 == 0.0, NaN == NaN, NaN above everything.
pub(crate) fn compare_floats(x: f64, y: f64) -> Ordering {
    match x.partial_cmp(&y) {
        Some(o) => o,
        None => x.is_nan().cmp(&y.is_nan()),
    }
}

fn compare_int_float(i: i64, f: f64) -> Ordering {
    if f.is_nan() {
        return Ordering::Less;
    }
    // 2^63 as a float: every i64 is below it and at or above its negation.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if f >= LIMIT {
        return Ordering::Less;
    }
    if f < -LIMIT {
        return Ordering::Greater;
    }
    let t = f.trunc();
    match i.cmp(&(t as i64)) {
        Ordering::Equal => 0.0f64.partial_cmp(&(f - t)).unwrap_or(Ordering::Equal),
        o => o,
    }
}

fn compare_big_float(b: &BigInt, f: f64) -> Ordering {
    if f.is_nan() || f == f64::INFINITY {
        return Ordering::Less;
    }
    if f == f64::NEG_INFINITY {
        return Ordering::Greater;
    }
    let t = f.trunc();
    let tb = BigInt::from_f64(t).unwrap_or_default();
    match b.cmp(&tb) {
        Ordering::Equal => 0.0f64.partial_cmp(&(f - t)).unwrap_or(Ordering::Equal),
        o => o,
    }
}

#[inline]
fn mix(x: u64) -> u32 {
    let m = x.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ((m >> 32) ^ m) as u32
}

fn hash_bigint(b: &BigInt) -> u32 {
    let mut h = rustc_hash::FxHasher::default();
    let (sign, digits) = b.to_u32_digits();
    h.write_u8(sign as u8);
    for d in digits {
        h.write_u32(d);
    }
    mix(h.finish())
}

fn hash_float(f: f64) -> u32 {
    if f.is_nan() {
        return 0x7ff8_0001;
    }
    if f.is_infinite() {
        return if f > 0.0 { 0x7ff0_0001 } else { 0xfff0_0001 };
    }
    if f.fract() == 0.0 {
        if let Some(i) = f.to_i64() {
            return mix(i as u64);
        }
        if let Some(b) = BigInt::from_f64(f) {
            return hash_bigint(&b);
        }
    }
    mix(f.to_bits())
}

fn hash(v: &Value, depth: u32) -> Result<u32> {
    Ok(match v {
        Value::None => 0x4e6f_6e65,
        Value::Bool(b) => mix(*b as u64 + 0x1000),
        Value::Int(i) => mix(*i as u64),
        Value::BigInt(b) => hash_bigint(b),
        Value::Float(f) => hash_float(*f),
        Value::Str(s) => s.hash32(),
        Value::Bytes(b) => b.hash32() ^ 0x5bd1_e995,
        Value::Tuple(t) => {
            if depth >= MAX_DEPTH {
                return Err(depth_error());
            }
            crate::eval::limits::native_tick()?;
            let mut h: u32 = 0x345678;
            for x in t.iter() {
                h = (h ^ hash(x, depth + 1)?).wrapping_mul(1_000_003);
            }
            h ^ t.len() as u32
        }
        Value::Builtin(f) => mix(*f as *const _ as u64),
        Value::Function(f) => mix(triomphe::Arc::as_ptr(f) as u64),
        Value::BoundMethod(m) => mix(triomphe::Arc::as_ptr(m) as u64),
        Value::Range(_) => return Err(Error::type_error("unhashable: range")),
        Value::Host(h) => h.get().hash()?,
        Value::List(_) | Value::Dict(_) | Value::Set(_) => {
            return Err(Error::type_error(format!(
                "unhashable type: {}",
                v.type_name()
            )))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(s: &str) -> Value {
        Value::from_bigint(s.parse().unwrap())
    }

    #[test]
    fn numbers_compare_exactly() {
        let two53 = 9_007_199_254_740_992i64;
        assert!(!Value::Int(two53 + 1)
            .equals(&Value::Float(two53 as f64))
            .unwrap());
        assert!(Value::Int(two53)
            .equals(&Value::Float(two53 as f64))
            .unwrap());
        assert_eq!(
            Value::Int(3).compare(&Value::Float(3.5)).unwrap(),
            Ordering::Less
        );
        assert_eq!(
            Value::Int(-3).compare(&Value::Float(-3.5)).unwrap(),
            Ordering::Greater
        );
        let b = big("100000000000000000000");
        assert!(b.equals(&Value::Float(1e20)).unwrap());
        assert_eq!(b.hash32().unwrap(), Value::Float(1e20).hash32().unwrap());
        assert_eq!(
            Value::Int(1).hash32().unwrap(),
            Value::Float(1.0).hash32().unwrap()
        );
        assert_eq!(b.compare(&Value::Int(i64::MAX)).unwrap(), Ordering::Greater);
        assert_eq!(
            big("-100000000000000000000")
                .compare(&Value::Int(i64::MIN))
                .unwrap(),
            Ordering::Less
        );
    }

    #[test]
    fn floats_are_totally_ordered() {
        let nan = Value::Float(f64::NAN);
        assert!(nan.equals(&nan).unwrap());
        assert_eq!(
            nan.compare(&Value::Float(f64::INFINITY)).unwrap(),
            Ordering::Greater
        );
        assert_eq!(
            nan.compare(&Value::Int(i64::MAX)).unwrap(),
            Ordering::Greater
        );
        assert!(Value::Float(-0.0).equals(&Value::Float(0.0)).unwrap());
    }

    #[test]
    fn unlike_types_are_unequal_and_unordered() {
        assert!(!Value::Int(1).equals(&Value::str("1")).unwrap());
        let e = Value::Int(1).compare_op(&Value::str("1"), "<").unwrap_err();
        assert_eq!(e.message(), "int < string not implemented");
        assert!(Value::None.compare(&Value::None).is_err());
        assert!(!Value::list(vec![]).equals(&Value::tuple(vec![])).unwrap());
    }

    #[test]
    fn sequences_compare_lexicographically() {
        let a = Value::list(vec![Value::Int(1), Value::Int(2)]);
        let b = Value::list(vec![Value::Int(1), Value::Int(3)]);
        let c = Value::list(vec![Value::Int(1)]);
        assert_eq!(a.compare(&b).unwrap(), Ordering::Less);
        assert_eq!(c.compare(&a).unwrap(), Ordering::Less);
    }

    #[test]
    fn self_containing_lists_fail_cleanly() {
        let a = Value::list(vec![]);
        a.as_list().unwrap().push(a.clone()).unwrap();
        let b = Value::list(vec![]);
        b.as_list().unwrap().push(b.clone()).unwrap();
        let e = a.equals(&b).unwrap_err();
        assert_eq!(e.message(), "comparison exceeded maximum recursion depth");
        // Cycles the host made are the host's to break (no module collects them).
        for l in [a, b] {
            l.as_list().unwrap().borrow_mut("clear").unwrap().clear();
        }
    }

    #[test]
    fn dicts_are_equal_in_any_order() {
        let a = Value::dict();
        let b = Value::dict();
        a.as_dict()
            .unwrap()
            .insert(Value::Int(1), Value::Int(2))
            .unwrap();
        a.as_dict()
            .unwrap()
            .insert(Value::Int(2), Value::Int(3))
            .unwrap();
        b.as_dict()
            .unwrap()
            .insert(Value::Int(2), Value::Int(3))
            .unwrap();
        b.as_dict()
            .unwrap()
            .insert(Value::Float(1.0), Value::Int(2))
            .unwrap();
        assert!(a.equals(&b).unwrap());
        assert!(a.hash32().is_err());
        let t = Value::tuple(vec![Value::Int(1), Value::str("x")]);
        let u = Value::tuple(vec![Value::Float(1.0), Value::str("x")]);
        assert_eq!(t.hash32().unwrap(), u.hash32().unwrap());
    }
}

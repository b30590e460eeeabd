//! Conversions between values and Rust types: [`FromValue`] and [`IntoValue`].
//!
//! These are what `#[star_builtin]` uses to unpack arguments and pack results, and what
//! a host uses to read a script's results. Conversions are strict, as in the reference
//! implementation's argument unpacking: a `bool` parameter wants a bool, not any truthy
//! value; an integer parameter wants an int in range for the Rust type (an error, never
//! a wrap). The one widening is int to `f64`, exact or not, as `float(x)` would do.
//!
//! A failed conversion is a [`ConvError`] such as `got int, want list`; the caller adds
//! where it happened (`f: for parameter "x": got int, want list`).

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use indexmap::IndexMap;
use num_bigint::BigInt;
use num_traits::ToPrimitive;
use triomphe::Arc;

use super::{Bytes, Dict, HashedValue, List, Set, Str, Tuple, Value};

/// Why a value could not be converted: the message without its context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvError(pub String);

impl ConvError {
    /// The standard `got T, want U` message.
    #[cold]
    pub fn wrong_type(got: &Value, want: &str) -> ConvError {
        ConvError(format!("got {}, want {}", got.type_name(), want))
    }
}

impl std::fmt::Display for ConvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A Rust type that can be read from a value (borrowing from it for `&str`, `&[u8]`,
/// `&Value` and host references).
pub trait FromValue<'a>: Sized {
    /// Converts, or says why not.
    fn from_value(v: &'a Value) -> Result<Self, ConvError>;

    /// The script type this conversion accepts, for messages and help text.
    fn expected() -> String;
}

/// A Rust type that can become a value.
pub trait IntoValue {
    /// Converts.
    fn into_value(self) -> Value;
}

impl<'a> FromValue<'a> for Value {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        Ok(v.clone())
    }
    fn expected() -> String {
        "value".into()
    }
}

impl<'a> FromValue<'a> for &'a Value {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        Ok(v)
    }
    fn expected() -> String {
        "value".into()
    }
}

impl IntoValue for Value {
    #[inline]
    fn into_value(self) -> Value {
        self
    }
}

impl IntoValue for &Value {
    fn into_value(self) -> Value {
        self.clone()
    }
}

impl IntoValue for () {
    fn into_value(self) -> Value {
        Value::None
    }
}

impl<'a> FromValue<'a> for bool {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        match v {
            Value::Bool(b) => Ok(*b),
            _ => Err(ConvError::wrong_type(v, "bool")),
        }
    }
    fn expected() -> String {
        "bool".into()
    }
}

impl IntoValue for bool {
    fn into_value(self) -> Value {
        Value::Bool(self)
    }
}

macro_rules! int_conversions {
    ($($t:ty),*) => {$(
        impl<'a> FromValue<'a> for $t {
            #[inline]
            fn from_value(v: &'a Value) -> Result<Self, ConvError> {
                let out_of_range = || ConvError(format!(
                    "{} out of range for {}", v.repr(), stringify!($t)));
                match v {
                    Value::Int(i) => <$t>::try_from(*i).map_err(|_| out_of_range()),
                    Value::BigInt(b) => {
                        let b: &BigInt = b;
                        <$t>::try_from(b).map_err(|_| out_of_range())
                    }
                    _ => Err(ConvError::wrong_type(v, "int")),
                }
            }
            fn expected() -> String {
                "int".into()
            }
        }

        impl IntoValue for $t {
            #[inline]
            fn into_value(self) -> Value {
                match i64::try_from(self) {
                    Ok(i) => Value::Int(i),
                    Err(_) => Value::from_bigint(BigInt::from(self)),
                }
            }
        }
    )*};
}

int_conversions!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

impl<'a> FromValue<'a> for BigInt {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        match v {
            Value::Int(i) => Ok(BigInt::from(*i)),
            Value::BigInt(b) => Ok(BigInt::clone(b)),
            _ => Err(ConvError::wrong_type(v, "int")),
        }
    }
    fn expected() -> String {
        "int".into()
    }
}

impl IntoValue for BigInt {
    fn into_value(self) -> Value {
        Value::from_bigint(self)
    }
}

impl<'a> FromValue<'a> for f64 {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        match v {
            Value::Float(f) => Ok(*f),
            Value::Int(i) => Ok(*i as f64),
            Value::BigInt(b) => b
                .to_f64()
                .filter(|f| f.is_finite())
                .ok_or_else(|| ConvError("int too large to convert to float".into())),
            _ => Err(ConvError::wrong_type(v, "float or int")),
        }
    }
    fn expected() -> String {
        "float".into()
    }
}

impl IntoValue for f64 {
    fn into_value(self) -> Value {
        Value::Float(self)
    }
}

impl<'a> FromValue<'a> for f32 {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        f64::from_value(v).map(|f| f as f32)
    }
    fn expected() -> String {
        "float".into()
    }
}

impl IntoValue for f32 {
    fn into_value(self) -> Value {
        Value::Float(self as f64)
    }
}

impl<'a> FromValue<'a> for &'a str {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        match v {
            Value::Str(s) => s
                .as_str()
                .ok_or_else(|| ConvError("string is not valid UTF-8".into())),
            _ => Err(ConvError::wrong_type(v, "string")),
        }
    }
    fn expected() -> String {
        "string".into()
    }
}

impl<'a> FromValue<'a> for String {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        <&str>::from_value(v).map(str::to_owned)
    }
    fn expected() -> String {
        "string".into()
    }
}

impl<'a> FromValue<'a> for Str {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        match v {
            Value::Str(s) => Ok(s.clone()),
            _ => Err(ConvError::wrong_type(v, "string")),
        }
    }
    fn expected() -> String {
        "string".into()
    }
}

impl<'a> FromValue<'a> for &'a Str {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        match v {
            Value::Str(s) => Ok(s),
            _ => Err(ConvError::wrong_type(v, "string")),
        }
    }
    fn expected() -> String {
        "string".into()
    }
}

impl IntoValue for &str {
    fn into_value(self) -> Value {
        Value::str(self)
    }
}

impl IntoValue for String {
    fn into_value(self) -> Value {
        Value::str(&self)
    }
}

impl IntoValue for &String {
    fn into_value(self) -> Value {
        Value::str(self)
    }
}

impl IntoValue for Str {
    fn into_value(self) -> Value {
        Value::Str(self)
    }
}

impl IntoValue for char {
    fn into_value(self) -> Value {
        Value::str(self.encode_utf8(&mut [0; 4]))
    }
}

impl<'a> FromValue<'a> for &'a [u8] {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        match v {
            Value::Bytes(b) => Ok(b.as_bytes()),
            _ => Err(ConvError::wrong_type(v, "bytes")),
        }
    }
    fn expected() -> String {
        "bytes".into()
    }
}

impl<'a> FromValue<'a> for Bytes {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        match v {
            Value::Bytes(b) => Ok(b.clone()),
            _ => Err(ConvError::wrong_type(v, "bytes")),
        }
    }
    fn expected() -> String {
        "bytes".into()
    }
}

impl IntoValue for Bytes {
    fn into_value(self) -> Value {
        Value::Bytes(self)
    }
}

impl<'a, T: FromValue<'a>> FromValue<'a> for Option<T> {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        match v {
            Value::None => Ok(None),
            _ => T::from_value(v).map(Some),
        }
    }
    fn expected() -> String {
        format!("{} or None", T::expected())
    }
}

impl<T: IntoValue> IntoValue for Option<T> {
    fn into_value(self) -> Value {
        match self {
            Some(v) => v.into_value(),
            None => Value::None,
        }
    }
}

/// Converts each element, naming the index of the first failure.
fn elements<T: for<'b> FromValue<'b>>(items: &[Value]) -> Result<Vec<T>, ConvError> {
    items
        .iter()
        .enumerate()
        .map(|(i, x)| T::from_value(x).map_err(|e| ConvError(format!("at index {i}: {e}"))))
        .collect()
}

/// A list or tuple, element by element. The element type must own its data
/// (`Vec<String>`, not `Vec<&str>`): a list can change while the result is in use.
impl<'a, T: for<'b> FromValue<'b>> FromValue<'a> for Vec<T> {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        match v {
            Value::Tuple(t) => elements(t),
            Value::List(l) => elements(&l.borrow()),
            _ => Err(ConvError::wrong_type(v, "list or tuple")),
        }
    }
    fn expected() -> String {
        "list".into()
    }
}

impl<T: IntoValue> IntoValue for Vec<T> {
    fn into_value(self) -> Value {
        Value::list(self.into_iter().map(IntoValue::into_value).collect())
    }
}

impl<T: IntoValue + Clone> IntoValue for &[T] {
    fn into_value(self) -> Value {
        Value::list(self.iter().cloned().map(IntoValue::into_value).collect())
    }
}

macro_rules! tuple_conversions {
    ($n:literal; $($p:ident $i:tt),*) => {
        impl<'a, $($p: FromValue<'a>),*> FromValue<'a> for ($($p,)*) {
            fn from_value(v: &'a Value) -> Result<Self, ConvError> {
                let items: &'a [Value] = match v {
                    Value::Tuple(t) => t,
                    _ => return Err(ConvError::wrong_type(v, "tuple")),
                };
                if items.len() != $n {
                    return Err(ConvError(format!(
                        "got tuple of length {}, want {}", items.len(), $n)));
                }
                Ok(($($p::from_value(&items[$i])
                    .map_err(|e| ConvError(format!("at index {}: {e}", $i)))?,)*))
            }
            fn expected() -> String {
                "tuple".into()
            }
        }

        impl<$($p: IntoValue),*> IntoValue for ($($p,)*) {
            fn into_value(self) -> Value {
                Value::tuple(vec![$(self.$i.into_value()),*])
            }
        }
    };
}

tuple_conversions!(1; A 0);
tuple_conversions!(2; A 0, B 1);
tuple_conversions!(3; A 0, B 1, C 2);
tuple_conversions!(4; A 0, B 1, C 2, D 3);
tuple_conversions!(5; A 0, B 1, C 2, D 3, E 4);

/// Reads a dict with string keys into any map type.
fn string_map<T: for<'b> FromValue<'b>, M: FromIterator<(String, T)>>(
    v: &Value,
) -> Result<M, ConvError> {
    let d = match v {
        Value::Dict(d) => d,
        _ => return Err(ConvError::wrong_type(v, "dict")),
    };
    let entries = d.borrow();
    let mut out = Vec::with_capacity(entries.len());
    for (k, x) in entries.iter() {
        let key = match k.value() {
            Value::Str(s) => s.to_str_lossy().into_owned(),
            other => {
                return Err(ConvError(format!(
                    "got {} key, want string",
                    other.type_name()
                )))
            }
        };
        let x = T::from_value(x).map_err(|e| ConvError(format!("for key {key:?}: {e}")))?;
        out.push((key, x));
    }
    Ok(out.into_iter().collect())
}

impl<'a, T: for<'b> FromValue<'b>, S: BuildHasher + Default> FromValue<'a>
    for IndexMap<String, T, S>
{
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        string_map(v)
    }
    fn expected() -> String {
        "dict".into()
    }
}

impl<'a, T: for<'b> FromValue<'b>, S: BuildHasher + Default> FromValue<'a>
    for HashMap<String, T, S>
{
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        string_map(v)
    }
    fn expected() -> String {
        "dict".into()
    }
}

impl<'a, T: for<'b> FromValue<'b>> FromValue<'a> for BTreeMap<String, T> {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        string_map(v)
    }
    fn expected() -> String {
        "dict".into()
    }
}

fn dict_from<K: IntoValue, V: IntoValue>(entries: impl Iterator<Item = (K, V)>) -> Value {
    let d = Dict::new();
    {
        let mut map = d.borrow_mut("insert into").expect("new dict is mutable");
        for (k, v) in entries {
            match HashedValue::new(k.into_value()) {
                Ok(k) => {
                    map.insert(k, v.into_value());
                }
                Err(_) => unreachable!("map keys convert to hashable values"),
            }
        }
    }
    Value::Dict(Arc::new(d))
}

impl<K: IntoValue + MapKey, V: IntoValue, S> IntoValue for IndexMap<K, V, S> {
    fn into_value(self) -> Value {
        dict_from(self.into_iter())
    }
}

impl<K: IntoValue + MapKey, V: IntoValue, S> IntoValue for HashMap<K, V, S> {
    fn into_value(self) -> Value {
        dict_from(self.into_iter())
    }
}

impl<K: IntoValue + MapKey, V: IntoValue> IntoValue for BTreeMap<K, V> {
    fn into_value(self) -> Value {
        dict_from(self.into_iter())
    }
}

/// Rust types that become hashable values, and so can be dict keys.
pub trait MapKey {}
impl MapKey for String {}
impl MapKey for &str {}
impl MapKey for Str {}
impl MapKey for bool {}
impl MapKey for i32 {}
impl MapKey for i64 {}
impl MapKey for u32 {}
impl MapKey for u64 {}
impl MapKey for usize {}

impl<'a> FromValue<'a> for Tuple {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        match v {
            Value::Tuple(t) => Ok(t.clone()),
            _ => Err(ConvError::wrong_type(v, "tuple")),
        }
    }
    fn expected() -> String {
        "tuple".into()
    }
}

impl<'a> FromValue<'a> for &'a List {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        match v {
            Value::List(l) => Ok(l),
            _ => Err(ConvError::wrong_type(v, "list")),
        }
    }
    fn expected() -> String {
        "list".into()
    }
}

impl<'a> FromValue<'a> for &'a Dict {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        match v {
            Value::Dict(d) => Ok(d),
            _ => Err(ConvError::wrong_type(v, "dict")),
        }
    }
    fn expected() -> String {
        "dict".into()
    }
}

impl<'a> FromValue<'a> for &'a Set {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        match v {
            Value::Set(s) => Ok(s),
            _ => Err(ConvError::wrong_type(v, "set")),
        }
    }
    fn expected() -> String {
        "set".into()
    }
}

//! Methods of the built-in types (`"a,b".split(",")`, `d.items()`), looked up by name.
//!
//! Host values bring their own methods ([`crate::value::HostValue::methods`]); the
//! built-in types' methods are builtins declared with `#[star_builtin(method)]`, whose
//! first parameter is the receiver, gathered in one table per type.

use crate::call::NativeFunction;
use crate::error::{Error, ErrorKind, Result};
use crate::star_builtin;
use crate::value::{List, Str, Value};

use super::vm::iterate;

/// Appends `x` to the list.
#[star_builtin(name = "append", method, signature = (x, /))]
fn list_append(this: &List, x: Value) -> Result<()> {
    this.push(x)
}

/// Appends the elements of an iterable to the list.
#[star_builtin(name = "extend", method, signature = (x, /))]
fn list_extend(this: &List, x: Value) -> Result<()> {
    let items = iterate(&x)?;
    this.borrow_mut("extend")?.extend(items);
    Ok(())
}

/// Removes and returns the element at `index` (default: the last).
#[star_builtin(name = "pop", method, signature = (index = -1, /))]
fn list_pop(this: &List, index: i64) -> Result<Value> {
    let mut items = this.borrow_mut("pop from")?;
    let n = items.len() as i64;
    let i = if index < 0 { index + n } else { index };
    if i < 0 || i >= n {
        return Err(Error::new(
            ErrorKind::Index,
            format!("pop: index {index} out of range [{}:{n}]", -n),
        ));
    }
    Ok(items.remove(i as usize))
}

/// The value for `key`, or `default` if there is none.
#[star_builtin(name = "get", method, signature = (key, default = None, /))]
fn dict_get(this: &crate::value::Dict, key: Value, default: Option<Value>) -> Result<Value> {
    Ok(this.get(&key)?.or(default).unwrap_or_default())
}

/// The `(key, value)` pairs, in order.
#[star_builtin(name = "items", method, signature = ())]
fn dict_items(this: &crate::value::Dict) -> Value {
    Value::list(
        this.borrow()
            .iter()
            .map(|(k, v)| Value::tuple(vec![k.value().clone(), v.clone()]))
            .collect(),
    )
}

/// The keys, in order.
#[star_builtin(name = "keys", method, signature = ())]
fn dict_keys(this: &crate::value::Dict) -> Value {
    Value::list(this.borrow().keys().map(|k| k.value().clone()).collect())
}

/// The values, in order.
#[star_builtin(name = "values", method, signature = ())]
fn dict_values(this: &crate::value::Dict) -> Value {
    Value::list(this.borrow().values().cloned().collect())
}

/// The strings of an iterable joined with this string between them.
#[star_builtin(name = "join", method, signature = (x, /))]
fn str_join(this: &Str, x: Value) -> Result<Value> {
    let mut parts: Vec<Str> = Vec::new();
    for (i, v) in iterate(&x)?.into_iter().enumerate() {
        match v {
            Value::Str(s) => parts.push(s),
            other => {
                return Err(Error::type_error(format!(
                    "join: in list, want string, got {} at index {i}",
                    other.type_name()
                )))
            }
        }
    }
    let mut pieces: Vec<&[u8]> = Vec::with_capacity(parts.len() * 2);
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            pieces.push(this.as_bytes());
        }
        pieces.push(p.as_bytes());
    }
    Ok(Value::Str(Str::concat(&pieces)))
}

/// The string in upper case.
#[star_builtin(name = "upper", method, signature = (), pure)]
fn str_upper(this: &Str) -> Value {
    Value::Str(Str::from_bytes(&this.as_bytes().to_ascii_uppercase()))
}

/// The string in lower case.
#[star_builtin(name = "lower", method, signature = (), pure)]
fn str_lower(this: &Str) -> Value {
    Value::Str(Str::from_bytes(&this.as_bytes().to_ascii_lowercase()))
}

static LIST_METHODS: &[&NativeFunction] = &[
    &list_append::BUILTIN,
    &list_extend::BUILTIN,
    &list_pop::BUILTIN,
];
static DICT_METHODS: &[&NativeFunction] = &[
    &dict_get::BUILTIN,
    &dict_items::BUILTIN,
    &dict_keys::BUILTIN,
    &dict_values::BUILTIN,
];
static STR_METHODS: &[&NativeFunction] =
    &[&str_join::BUILTIN, &str_lower::BUILTIN, &str_upper::BUILTIN];

fn table(x: &Value) -> &'static [&'static NativeFunction] {
    match x {
        Value::List(_) => LIST_METHODS,
        Value::Dict(_) => DICT_METHODS,
        Value::Str(_) => STR_METHODS,
        Value::Host(h) => h.get().methods(),
        _ => &[],
    }
}

/// The method `name` of `x`'s type, if it has one.
pub fn method(x: &Value, name: &str) -> Option<&'static NativeFunction> {
    table(x).iter().copied().find(|m| m.name == name)
}

/// The names of `x`'s methods (for `dir` and spelling hints).
pub fn names(x: &Value) -> Vec<&'static str> {
    table(x).iter().map(|m| m.name).collect()
}

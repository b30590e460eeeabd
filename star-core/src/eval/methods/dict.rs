//! Methods of `dict`: clear, get, items, keys, pop, popitem, setdefault, update, values.
//!
//! The order of checks is the reference's, since it decides which error a script sees:
//! an insertion or deletion first asks whether the table may change (frozen, or being
//! iterated) and only then hashes the key, so `frozen.pop([])` reports the frozen table;
//! a lookup (`get`, the first half of `setdefault`) hashes first. Like the reference,
//! `popitem` on an empty dict says so before it looks at the frozen flag, and deleting
//! from a table that never held anything finds nothing without hashing the key.

use crate::call::NativeFunction;
use crate::error::{Error, ErrorKind, Result};
use crate::star_builtin;
use crate::value::{Dict, HashedValue, Value};

use super::unpack::{elements, named, Optional, ABSENT};

/// Removes all the entries.
#[star_builtin(name = "clear", method, signature = ())]
fn dict_clear(this: &Dict) -> Result<()> {
    named("clear", this.borrow_mut("clear").map(|mut m| m.clear()))
}

/// The value for `key`, or `default` if there is none.
#[star_builtin(name = "get", method, signature = (key, default = None, /))]
fn dict_get(this: &Dict, key: Value, default: Option<Value>) -> Result<Value> {
    named("get", this.get(&key)).map(|v| v.or(default).unwrap_or_default())
}

/// The `(key, value)` pairs, in order.
#[star_builtin(name = "items", method, signature = ())]
fn dict_items(this: &Dict) -> Value {
    Value::list(
        this.borrow()
            .iter()
            .map(|(k, v)| Value::tuple(vec![k.value().clone(), v.clone()]))
            .collect(),
    )
}

/// The keys, in order.
#[star_builtin(name = "keys", method, signature = ())]
fn dict_keys(this: &Dict) -> Value {
    Value::list(this.borrow().keys().map(|k| k.value().clone()).collect())
}

/// Removes the entry for `key` and returns its value; if there is none, returns
/// `default`, or fails without one.
#[star_builtin(name = "pop", method, signature = (key, default = ABSENT, /))]
fn dict_pop(this: &Dict, key: Value, default: Optional) -> Result<Value> {
    named("pop", {
        delete(this, key).and_then(|found| match (found, default) {
            (Some(v), _) => Ok(v),
            (None, Optional::Given(d)) => Ok(d),
            (None, Optional::Absent) => Err(Error::new(ErrorKind::Key, "missing key")),
        })
    })
}

/// Deletes `key`: the table must be mutable even if the key is absent.
fn delete(d: &Dict, key: Value) -> Result<Option<Value>> {
    let mut map = d.borrow_mut("delete from")?;
    if map.capacity() == 0 {
        // Never held an entry: nothing to find, and (as in the reference) no hashing.
        return Ok(None);
    }
    Ok(map.shift_remove(&HashedValue::new(key)?))
}

/// Removes the first entry and returns it as a `(key, value)` pair.
#[star_builtin(name = "popitem", method, signature = ())]
fn dict_popitem(this: &Dict) -> Result<Value> {
    named("popitem", {
        if this.is_empty() {
            Err(Error::new(ErrorKind::Key, "empty dict"))
        } else {
            this.borrow_mut("delete from")
                .map(|mut m| match m.shift_remove_index(0) {
                    Some((k, v)) => Value::tuple(vec![k.into_value(), v]),
                    None => Value::None,
                })
        }
    })
}

/// The value for `key`; if there is none, inserts `default` for it and returns that.
#[star_builtin(name = "setdefault", method, signature = (key, default = None, /))]
fn dict_setdefault(this: &Dict, key: Value, default: Option<Value>) -> Result<Value> {
    named("setdefault", {
        this.get(&key).and_then(|found| match found {
            Some(v) => Ok(v),
            None => {
                let v = default.unwrap_or_default();
                set_key(this, key, v.clone())?;
                Ok(v)
            }
        })
    })
}

/// Inserts or replaces an entry: the table must be mutable before the key is hashed.
fn set_key(d: &Dict, key: Value, value: Value) -> Result<()> {
    let mut map = d.borrow_mut("insert into")?;
    map.insert(HashedValue::new(key)?, value);
    Ok(())
}

/// Adds the entries of a dict or the pairs of an iterable, then the keyword arguments.
#[star_builtin(name = "update", method, signature = (pairs = ABSENT, /, **kwargs))]
fn dict_update(this: &Dict, pairs: Optional, kwargs: Vec<(String, Value)>) -> Result<()> {
    named("update", {
        let pairs = match &pairs {
            Optional::Given(p) => Some(p),
            Optional::Absent => None,
        };
        update_dict(this, pairs, kwargs)
    })
}

/// What `dict(pairs, **kwargs)` and `d.update(pairs, **kwargs)` do to `d`: insert the
/// entries of `pairs` (a dict, or an iterable of two-element iterables), then the
/// keyword arguments, each in order. Messages are the reference's, unprefixed: the
/// caller adds `dict: ` or `update: `.
pub(crate) fn update_dict(
    d: &Dict,
    pairs: Option<&Value>,
    kwargs: impl IntoIterator<Item = (String, Value)>,
) -> Result<()> {
    match pairs {
        None => {}
        Some(Value::Dict(src)) => {
            // A snapshot, so that `d.update(d)` is fine.
            let entries: Vec<(HashedValue, Value)> = src
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for (k, v) in entries {
                d.borrow_mut("insert into")?.insert(k, v);
            }
        }
        Some(p) => {
            let items = match elements(p) {
                Some(items) => items?,
                None => {
                    return Err(Error::type_error(format!(
                        "got {}, want iterable",
                        p.type_name()
                    )))
                }
            };
            for (i, item) in items.iter().enumerate() {
                let pair = match elements(item) {
                    Some(pair) => pair?,
                    None => {
                        return Err(Error::type_error(format!(
                            "dictionary update sequence element #{i} is not iterable ({})",
                            item.type_name()
                        )))
                    }
                };
                let [k, v] = <[Value; 2]>::try_from(pair).map_err(|pair| {
                    Error::value_error(format!(
                        "dictionary update sequence element #{i} has length {}, want 2",
                        pair.len()
                    ))
                })?;
                set_key(d, k, v)?;
            }
        }
    }
    for (k, v) in kwargs {
        set_key(d, Value::str(&k), v)?;
    }
    Ok(())
}

/// The values, in order.
#[star_builtin(name = "values", method, signature = ())]
fn dict_values(this: &Dict) -> Value {
    Value::list(this.borrow().values().cloned().collect())
}

/// The methods of `dict`, sorted by name.
pub(super) static METHODS: &[&NativeFunction] = &[
    &dict_clear::BUILTIN,
    &dict_get::BUILTIN,
    &dict_items::BUILTIN,
    &dict_keys::BUILTIN,
    &dict_pop::BUILTIN,
    &dict_popitem::BUILTIN,
    &dict_setdefault::BUILTIN,
    &dict_update::BUILTIN,
    &dict_values::BUILTIN,
];

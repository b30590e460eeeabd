//! Methods of `dict`.

use crate::call::NativeFunction;
use crate::error::Result;
use crate::star_builtin;
use crate::value::{Dict, Value};

/// The value for `key`, or `default` if there is none.
#[star_builtin(name = "get", method, signature = (key, default = None, /))]
fn dict_get(this: &Dict, key: Value, default: Option<Value>) -> Result<Value> {
    Ok(this.get(&key)?.or(default).unwrap_or_default())
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

/// The values, in order.
#[star_builtin(name = "values", method, signature = ())]
fn dict_values(this: &Dict) -> Value {
    Value::list(this.borrow().values().cloned().collect())
}

/// The methods of `dict`, sorted by name.
pub(super) static METHODS: &[&NativeFunction] = &[
    &dict_get::BUILTIN,
    &dict_items::BUILTIN,
    &dict_keys::BUILTIN,
    &dict_values::BUILTIN,
];

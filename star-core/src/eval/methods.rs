//! Methods of the built-in types (`"a,b".split(",")`, `d.items()`), looked up by name.
//!
//! Host values bring their own methods ([`crate::value::HostValue::methods`]); the
//! built-in types' methods are tables of builtins keyed by type.

use crate::call::NativeFunction;
use crate::value::Value;

/// The method `name` of `x`'s type, if it has one.
pub fn method(x: &Value, name: &str) -> Option<&'static NativeFunction> {
    match x {
        Value::Host(h) => h.method(name),
        _ => None,
    }
}

/// The names of `x`'s methods (for `dir` and spelling hints).
pub fn names(x: &Value) -> Vec<&'static str> {
    match x {
        Value::Host(h) => h.get().methods().iter().map(|m| m.name).collect(),
        _ => Vec::new(),
    }
}

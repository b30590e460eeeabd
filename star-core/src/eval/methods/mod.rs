//! Methods of the built-in types (`"a,b".split(",")`, `d.items()`), looked up by name.
//!
//! Host values bring their own methods ([`crate::value::HostValue::methods`]); the
//! built-in types' methods are builtins declared with `#[star_builtin(method)]`, whose
//! first parameter is the receiver, gathered in one table per type.

use crate::call::NativeFunction;
use crate::value::Value;

mod bytes;
mod dict;
mod list;
mod set;
mod string;
mod string_format;
#[cfg(test)]
mod string_tests;
mod string_views;
mod unicode;
mod unpack;

pub(super) use dict::update_dict;
pub(super) use unpack::{boolean, callable, elements, iterable, named, Optional, ABSENT};

fn table(x: &Value) -> &'static [&'static NativeFunction] {
    match x {
        Value::List(_) => list::METHODS,
        Value::Dict(_) => dict::METHODS,
        Value::Str(_) => string::METHODS,
        Value::Bytes(_) => bytes::METHODS,
        Value::Set(_) => set::METHODS,
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

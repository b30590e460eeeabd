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

/// The built-in types' methods of one name, looked up once (when a method call is
/// compiled) so that calling `x.name(...)` on a built-in value finds its method with a
/// match on the type instead of a search by name. Host values are not covered: their
/// methods and attributes are looked up by name when called.
#[derive(Clone, Copy, Debug)]
pub struct MethodCache {
    /// The method for strings, lists, dicts, sets and bytes, in that order.
    by_type: [Option<&'static NativeFunction>; 5],
}

impl MethodCache {
    /// The methods called `name`.
    pub fn new(name: &str) -> MethodCache {
        let find =
            |t: &'static [&'static NativeFunction]| t.iter().copied().find(|m| m.name == name);
        MethodCache {
            by_type: [
                find(string::METHODS),
                find(list::METHODS),
                find(dict::METHODS),
                find(set::METHODS),
                find(bytes::METHODS),
            ],
        }
    }

    /// The method of `x`'s type, if `x` is a built-in value whose type has it (what
    /// [`method`] finds for such a value).
    #[inline]
    pub fn get(&self, x: &Value) -> Option<&'static NativeFunction> {
        let i = match x {
            Value::Str(_) => 0,
            Value::List(_) => 1,
            Value::Dict(_) => 2,
            Value::Set(_) => 3,
            Value::Bytes(_) => 4,
            _ => return None,
        };
        self.by_type[i]
    }
}

/// The names of `x`'s methods (for `dir` and spelling hints).
pub fn names(x: &Value) -> Vec<&'static str> {
    table(x).iter().map(|m| m.name).collect()
}

//! Methods of `string`.

use crate::call::NativeFunction;
use crate::error::{Error, Result};
use crate::star_builtin;
use crate::value::{Str, Value};

use super::super::vm::iterate;

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

/// The methods of `string`, sorted by name.
pub(super) static METHODS: &[&NativeFunction] =
    &[&str_join::BUILTIN, &str_lower::BUILTIN, &str_upper::BUILTIN];

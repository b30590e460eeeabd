//! The universe: the built-in functions every module can use (`len`, `print`, ...).

use crate::value::Value;

/// The value of a universal name.
pub fn universe_lookup(name: &str) -> Option<Value> {
    match name {
        "None" => Some(Value::None),
        "True" => Some(Value::Bool(true)),
        "False" => Some(Value::Bool(false)),
        _ => None,
    }
}

/// The universal names.
pub fn universe_names() -> Vec<&'static str> {
    vec!["None", "True", "False"]
}

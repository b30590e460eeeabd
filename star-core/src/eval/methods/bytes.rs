//! Methods of `bytes`.

use crate::call::NativeFunction;
use crate::star_builtin;
use crate::value::{Bytes, Value};

use super::string_views::BytesElems;

/// An iterable of the numeric values of the bytes.
#[star_builtin(name = "elems", method, signature = (), pure)]
fn bytes_elems(this: Bytes) -> Value {
    Value::host(BytesElems::new(this))
}

/// The methods of `bytes`, sorted by name.
pub(super) static METHODS: &[&NativeFunction] = &[&bytes_elems::BUILTIN];

//! Methods of `bytes`.

use crate::call::NativeFunction;

/// The methods of `bytes`, sorted by name.
pub(super) static METHODS: &[&NativeFunction] = &[];

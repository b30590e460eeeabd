//! Methods of `set`.

use crate::call::NativeFunction;

/// The methods of `set`, sorted by name.
pub(super) static METHODS: &[&NativeFunction] = &[];

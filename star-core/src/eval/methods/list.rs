//! Methods of `list`.

use crate::call::NativeFunction;
use crate::error::{Error, ErrorKind, Result};
use crate::star_builtin;
use crate::value::{List, Value};

use super::super::vm::iterate;

/// Appends `x` to the list.
#[star_builtin(name = "append", method, signature = (x, /))]
fn list_append(this: &List, x: Value) -> Result<()> {
    this.push(x)
}

/// Appends the elements of an iterable to the list.
#[star_builtin(name = "extend", method, signature = (x, /))]
fn list_extend(this: &List, x: Value) -> Result<()> {
    let items = iterate(&x)?;
    this.borrow_mut("extend")?.extend(items);
    Ok(())
}

/// Removes and returns the element at `index` (default: the last).
#[star_builtin(name = "pop", method, signature = (index = -1, /))]
fn list_pop(this: &List, index: i64) -> Result<Value> {
    let mut items = this.borrow_mut("pop from")?;
    let n = items.len() as i64;
    let i = if index < 0 { index + n } else { index };
    if i < 0 || i >= n {
        return Err(Error::new(
            ErrorKind::Index,
            format!("pop: index {index} out of range [{}:{n}]", -n),
        ));
    }
    Ok(items.remove(i as usize))
}

/// The methods of `list`, sorted by name.
pub(super) static METHODS: &[&NativeFunction] = &[
    &list_append::BUILTIN,
    &list_extend::BUILTIN,
    &list_pop::BUILTIN,
];

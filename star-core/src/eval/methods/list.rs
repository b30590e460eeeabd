//! Methods of `list`: append, clear, extend, index, insert, pop, remove.
//!
//! Each mutating method takes the list's write guard (`List::borrow_mut`) before it
//! changes anything, so a frozen list or one being iterated refuses with the reference's
//! words (`append: cannot append to frozen list`, `remove: cannot remove from list
//! during iteration`). Where the reference checks an argument first (`pop`'s index range,
//! `extend`'s iterable), so do these. Comparisons (`index`, `remove`) cannot call back
//! into script code, so a read guard held across them is safe.

use crate::call::NativeFunction;
use crate::error::{Error, ErrorKind, Result};
use crate::star_builtin;
use crate::value::{List, Value};

use super::unpack::{iterable, named};

/// Appends `x` to the list.
#[star_builtin(name = "append", method, signature = (x, /))]
fn list_append(this: &List, x: Value) -> Result<()> {
    named("append", this.push(x))
}

/// Removes all the elements.
#[star_builtin(name = "clear", method, signature = ())]
fn list_clear(this: &List) -> Result<()> {
    named(
        "clear",
        this.borrow_mut("clear").map(|mut items| items.clear()),
    )
}

/// Appends the elements of an iterable to the list.
#[star_builtin(name = "extend", method, signature = (x, /))]
fn list_extend(this: &List, x: Value) -> Result<()> {
    named("extend", {
        // The elements are collected before the write, so `x.extend(x)` doubles x.
        iterable(&x, 1).and_then(|items| {
            this.borrow_mut("extend")?.extend(items);
            Ok(())
        })
    })
}

/// The position of the first element equal to `x`, looking from `start` (inclusive) to
/// `end` (exclusive); negative bounds count from the end.
#[star_builtin(name = "index", method, signature = (x, start = None, end = None, /))]
fn list_index(this: &List, x: Value, start: Option<Value>, end: Option<Value>) -> Result<i64> {
    named("index", {
        let items = this.borrow();
        let n = items.len();
        let bounds = clamped_bound(start.as_ref(), 0, n)
            .map_err(|e| e.with_prefix("invalid start index: "))
            .and_then(|lo| {
                let hi = clamped_bound(end.as_ref(), n, n)
                    .map_err(|e| e.with_prefix("invalid end index: "))?;
                Ok((lo, hi))
            });
        bounds.and_then(|(lo, hi)| match position(&items[..hi.max(lo)], &x, lo)? {
            Some(i) => Ok(i as i64),
            None => Err(Error::value_error("value not in list")),
        })
    })
}

/// A bound of `index`: absent or `None` means `default`; an int counts from the end
/// if negative, then is clamped to `[0, n]`. Like the reference, only ints in 32 bits.
fn clamped_bound(v: Option<&Value>, default: usize, n: usize) -> Result<usize> {
    let i = match v {
        None | Some(Value::None) => return Ok(default),
        Some(Value::Int(i)) if i32::try_from(*i).is_ok() => *i,
        Some(v @ (Value::Int(_) | Value::BigInt(_))) => {
            return Err(Error::value_error(format!("{} out of range", v.repr())))
        }
        Some(v) => {
            return Err(Error::type_error(format!(
                "got {}, want int",
                v.type_name()
            )))
        }
    };
    let n = n as i64;
    let i = if i < 0 { (i + n).max(0) } else { i.min(n) };
    Ok(i as usize)
}

/// Inserts `x` at `index`, moving later elements along; a negative index counts from
/// the end, and an index out of range inserts at the nearer end.
#[star_builtin(name = "insert", method, signature = (index, x, /))]
fn list_insert(this: &List, index: i64, x: Value) -> Result<()> {
    named("insert", {
        this.borrow_mut("insert into").map(|mut items| {
            let n = items.len() as i64;
            let i = if index < 0 {
                index.saturating_add(n).max(0)
            } else {
                index.min(n)
            };
            items.insert(i as usize, x);
        })
    })
}

/// Removes and returns the element at `index` (default: the last).
#[star_builtin(name = "pop", method, signature = (index = -1, /))]
fn list_pop(this: &List, index: i64) -> Result<Value> {
    named("pop", {
        let n = this.len() as i64;
        let i = if index < 0 {
            index.saturating_add(n)
        } else {
            index
        };
        if i < 0 || i >= n {
            Err(out_of_range(index, n))
        } else {
            this.borrow_mut("pop from")
                .map(|mut items| items.remove(i as usize))
        }
    })
}

/// The reference's message for a bad index: `list index 5 out of range [-3:2]`.
#[cold]
fn out_of_range(index: i64, n: i64) -> Error {
    let msg = if n == 0 {
        format!("index {index} out of range: empty list")
    } else {
        format!("list index {index} out of range [{}:{}]", -n, n - 1)
    };
    Error::new(ErrorKind::Index, msg)
}

/// Removes the first element equal to `x`.
#[star_builtin(name = "remove", method, signature = (x, /))]
fn list_remove(this: &List, x: Value) -> Result<()> {
    named("remove", {
        // Check first, but search under a read guard only: comparing with `x` may read
        // this very list (`l.remove(l)`), which a write guard would forbid.
        this.borrow_mut("remove from").map(drop).and_then(|()| {
            let found = position(&this.borrow(), &x, 0)?;
            match found {
                Some(i) => {
                    this.borrow_mut("remove from")?.remove(i);
                    Ok(())
                }
                None => Err(Error::value_error("element not found")),
            }
        })
    })
}

/// The position of the first element of `items[from..]` equal to `x`.
fn position(items: &[Value], x: &Value, from: usize) -> Result<Option<usize>> {
    for (i, v) in items.iter().enumerate().skip(from) {
        if v.equals(x)? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// The methods of `list`, sorted by name.
pub(super) static METHODS: &[&NativeFunction] = &[
    &list_append::BUILTIN,
    &list_clear::BUILTIN,
    &list_extend::BUILTIN,
    &list_index::BUILTIN,
    &list_insert::BUILTIN,
    &list_pop::BUILTIN,
    &list_remove::BUILTIN,
];

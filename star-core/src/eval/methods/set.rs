//! Methods of `set`: add, clear, difference(_update), discard, intersection(_update),
//! isdisjoint, issubset, issuperset, pop, remove, symmetric_difference(_update), union,
//! update.
//!
//! The methods that combine the set with other collections accept any iterables, not
//! only sets: each argument's elements are hashed into a table first (so an unhashable
//! element fails the call, `intersection: unhashable type: list`), then combined.
//! Results keep the receiver's order, followed by new elements in their arguments'
//! order. As in the reference, a mutating method checks that the set may change before
//! it does anything else, even when it would change nothing (`frozen.add(x)` with `x`
//! present fails, so does `frozen.update()`), except `clear` of an empty set and `pop`
//! of an empty set, which report emptiness first. Set errors speak of a "hash table",
//! as the reference's do.

use triomphe::Arc;

use crate::call::NativeFunction;
use crate::error::{Error, ErrorKind, Result};
use crate::star_builtin;
use crate::value::{HashedValue, Set, SetMap, Value};

use super::unpack::{iterable, iterables, named};

/// A new set value.
fn new_set(items: SetMap) -> Value {
    Value::Set(Arc::new(Set::from_set(items)))
}

/// The elements hashed into a table, in order, without duplicates.
fn hashed(items: Vec<Value>) -> Result<SetMap> {
    let mut out = SetMap::default();
    out.reserve(items.len());
    for v in items {
        out.insert(HashedValue::new(v)?);
    }
    Ok(out)
}

/// Each argument's elements hashed into a table.
fn hashed_all(others: &[Value]) -> Result<Vec<SetMap>> {
    iterables(others)?.into_iter().map(hashed).collect()
}

/// Adds `x` to the set.
#[star_builtin(name = "add", method, signature = (x, /))]
fn set_add(this: &Set, x: Value) -> Result<()> {
    named("add", {
        this.borrow_mut("insert into").and_then(|mut s| {
            s.insert(HashedValue::new(x)?);
            Ok(())
        })
    })
}

/// Removes all the elements.
#[star_builtin(name = "clear", method, signature = ())]
fn set_clear(this: &Set) -> Result<()> {
    if this.is_empty() {
        return Ok(());
    }
    named("clear", this.borrow_mut("clear").map(|mut s| s.clear()))
}

/// A new set of the elements that are in none of the iterables.
#[star_builtin(name = "difference", method, signature = (*others))]
fn set_difference(this: &Set, others: Vec<Value>) -> Result<Value> {
    named("difference", {
        hashed_all(&others).map(|others| {
            let mut out = this.borrow().clone();
            out.retain(|k| !others.iter().any(|o| o.contains(k)));
            new_set(out)
        })
    })
}

/// Removes the elements that are in any of the iterables.
#[star_builtin(name = "difference_update", method, signature = (*others))]
fn set_difference_update(this: &Set, others: Vec<Value>) -> Result<()> {
    named("difference_update", {
        iterables(&others).and_then(|others| {
            let mut s = this.borrow_mut("delete from")?;
            let others = others
                .into_iter()
                .map(hashed)
                .collect::<Result<Vec<SetMap>>>()?;
            s.retain(|k| !others.iter().any(|o| o.contains(k)));
            Ok(())
        })
    })
}

/// Removes `x` from the set, if it is there.
#[star_builtin(name = "discard", method, signature = (x, /))]
fn set_discard(this: &Set, x: Value) -> Result<()> {
    named("discard", {
        this.borrow_mut("delete from").and_then(|mut s| {
            s.shift_remove(&HashedValue::new(x)?);
            Ok(())
        })
    })
}

/// A new set of the elements that are also in every one of the iterables.
#[star_builtin(name = "intersection", method, signature = (*others))]
fn set_intersection(this: &Set, others: Vec<Value>) -> Result<Value> {
    named("intersection", {
        hashed_all(&others).map(|others| {
            let mut out = this.borrow().clone();
            out.retain(|k| others.iter().all(|o| o.contains(k)));
            new_set(out)
        })
    })
}

/// Keeps only the elements that are also in every one of the iterables.
#[star_builtin(name = "intersection_update", method, signature = (*others))]
fn set_intersection_update(this: &Set, others: Vec<Value>) -> Result<()> {
    named("intersection_update", {
        iterables(&others).and_then(|others| {
            let mut s = this.borrow_mut("delete from")?;
            let others = others
                .into_iter()
                .map(hashed)
                .collect::<Result<Vec<SetMap>>>()?;
            s.retain(|k| others.iter().all(|o| o.contains(k)));
            Ok(())
        })
    })
}

/// Whether the set and the iterable have no element in common.
#[star_builtin(name = "isdisjoint", method, signature = (other, /))]
fn set_isdisjoint(this: &Set, other: Value) -> Result<bool> {
    named("isdisjoint", {
        iterable(&other, 1).and_then(|items| {
            let s = this.borrow();
            for v in items {
                if s.contains(&HashedValue::new(v)?) {
                    return Ok(false);
                }
            }
            Ok(true)
        })
    })
}

/// Whether every element of the set is in the iterable.
#[star_builtin(name = "issubset", method, signature = (other, /))]
fn set_issubset(this: &Set, other: Value) -> Result<bool> {
    named("issubset", {
        iterable(&other, 1)
            .and_then(hashed)
            .map(|o| this.borrow().iter().all(|k| o.contains(k)))
    })
}

/// Whether every element of the iterable is in the set.
#[star_builtin(name = "issuperset", method, signature = (other, /))]
fn set_issuperset(this: &Set, other: Value) -> Result<bool> {
    named("issuperset", {
        iterable(&other, 1).and_then(|items| {
            let s = this.borrow();
            for v in items {
                if !s.contains(&HashedValue::new(v)?) {
                    return Ok(false);
                }
            }
            Ok(true)
        })
    })
}

/// Removes and returns the first element.
#[star_builtin(name = "pop", method, signature = ())]
fn set_pop(this: &Set) -> Result<Value> {
    named("pop", {
        if this.is_empty() {
            Err(Error::new(ErrorKind::Key, "empty set"))
        } else {
            this.borrow_mut("delete from").map(|mut s| {
                s.shift_remove_index(0)
                    .map(HashedValue::into_value)
                    .unwrap_or_default()
            })
        }
    })
}

/// Removes `x` from the set; fails if it is not there.
#[star_builtin(name = "remove", method, signature = (x, /))]
fn set_remove(this: &Set, x: Value) -> Result<()> {
    named("remove", {
        this.borrow_mut("delete from").and_then(|mut s| {
            // A table that never held an element finds nothing, without hashing `x`.
            if s.capacity() > 0 && s.shift_remove(&HashedValue::new(x)?) {
                Ok(())
            } else {
                Err(Error::new(ErrorKind::Key, "missing key"))
            }
        })
    })
}

/// A new set of the elements that are in the set or in the iterable, but not both.
#[star_builtin(name = "symmetric_difference", method, signature = (other, /))]
fn set_symmetric_difference(this: &Set, other: Value) -> Result<Value> {
    named("symmetric_difference", {
        iterable(&other, 1).and_then(hashed).map(|o| {
            let s = this.borrow();
            let mut out: SetMap = s.iter().filter(|k| !o.contains(*k)).cloned().collect();
            out.extend(o.into_iter().filter(|k| !s.contains(k)));
            new_set(out)
        })
    })
}

/// Keeps the elements that are not in the iterable, and adds those of the iterable
/// that were not in the set.
#[star_builtin(name = "symmetric_difference_update", method, signature = (other, /))]
fn set_symmetric_difference_update(this: &Set, other: Value) -> Result<()> {
    named("symmetric_difference_update", {
        iterable(&other, 1).and_then(|items| {
            let mut s = this.borrow_mut("insert into")?;
            let o = hashed(items)?;
            let added: Vec<HashedValue> = o.iter().filter(|k| !s.contains(*k)).cloned().collect();
            s.retain(|k| !o.contains(k));
            s.extend(added);
            Ok(())
        })
    })
}

/// A new set of the elements of the set and of every one of the iterables.
#[star_builtin(name = "union", method, signature = (*others))]
fn set_union(this: &Set, others: Vec<Value>) -> Result<Value> {
    named("union", {
        iterables(&others).and_then(|others| {
            let mut out = this.borrow().clone();
            for v in others.into_iter().flatten() {
                out.insert(HashedValue::new(v)?);
            }
            Ok(new_set(out))
        })
    })
}

/// Adds the elements of every one of the iterables.
#[star_builtin(name = "update", method, signature = (*others))]
fn set_update(this: &Set, others: Vec<Value>) -> Result<()> {
    named("update", {
        iterables(&others).and_then(|others| {
            let mut s = this.borrow_mut("insert into")?;
            for v in others.into_iter().flatten() {
                s.insert(HashedValue::new(v)?);
            }
            Ok(())
        })
    })
}

/// The methods of `set`, sorted by name.
pub(super) static METHODS: &[&NativeFunction] = &[
    &set_add::BUILTIN,
    &set_clear::BUILTIN,
    &set_difference::BUILTIN,
    &set_difference_update::BUILTIN,
    &set_discard::BUILTIN,
    &set_intersection::BUILTIN,
    &set_intersection_update::BUILTIN,
    &set_isdisjoint::BUILTIN,
    &set_issubset::BUILTIN,
    &set_issuperset::BUILTIN,
    &set_pop::BUILTIN,
    &set_remove::BUILTIN,
    &set_symmetric_difference::BUILTIN,
    &set_symmetric_difference_update::BUILTIN,
    &set_union::BUILTIN,
    &set_update::BUILTIN,
];

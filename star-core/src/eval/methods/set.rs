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

use super::unpack::{iterable, iterables, named, Optional, ABSENT};

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

/// Keeps the elements `k` of the set for which `keep(others, k)` holds, `others` being
/// the iterables' elements as sets (all read before the set changes).
fn retain_where(
    this: &Set,
    others: &[Value],
    keep: impl Fn(&[SetMap], &HashedValue) -> bool,
) -> Result<()> {
    let others = iterables(others)?;
    let mut s = this.borrow_mut("delete from")?;
    let others = others
        .into_iter()
        .map(hashed)
        .collect::<Result<Vec<SetMap>>>()?;
    s.retain(|k| keep(&others, k));
    Ok(())
}

/// Removes the elements that are in any of the iterables.
#[star_builtin(name = "difference_update", method, signature = (*others))]
fn set_difference_update(this: &Set, others: Vec<Value>) -> Result<()> {
    named(
        "difference_update",
        retain_where(this, &others, |others, k| {
            !others.iter().any(|o| o.contains(k))
        }),
    )
}

/// Removes `x` from the set, if it is there.
#[star_builtin(name = "discard", method, signature = (x, /))]
fn set_discard(this: &Set, x: Value) -> Result<()> {
    named("discard", {
        this.borrow_mut("delete from").and_then(|mut s| {
            s.remove(&HashedValue::new(x)?);
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
    named(
        "intersection_update",
        retain_where(this, &others, |others, k| {
            others.iter().all(|o| o.contains(k))
        }),
    )
}

/// The argument of `isdisjoint`, `issubset` and `issuperset`. The reference declares
/// it optional, so more than one argument is "want at most 1"; yet it is needed.
fn the_other(other: Optional) -> Result<Value> {
    match other {
        Optional::Given(v) => Ok(v),
        Optional::Absent => Err(Error::new(ErrorKind::Arguments, "got 0 arguments, want 1")),
    }
}

/// Whether the set and the iterable have no element in common.
#[star_builtin(name = "isdisjoint", method, signature = (other = ABSENT, /))]
fn set_isdisjoint(this: &Set, other: Optional) -> Result<bool> {
    named("isdisjoint", {
        the_other(other)
            .and_then(|other| iterable(&other, 1))
            .and_then(|items| {
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
#[star_builtin(name = "issubset", method, signature = (other = ABSENT, /))]
fn set_issubset(this: &Set, other: Optional) -> Result<bool> {
    named("issubset", {
        the_other(other)
            .and_then(|other| iterable(&other, 1))
            .and_then(hashed)
            .map(|o| this.borrow().iter().all(|k| o.contains(k)))
    })
}

/// Whether every element of the iterable is in the set.
#[star_builtin(name = "issuperset", method, signature = (other = ABSENT, /))]
fn set_issuperset(this: &Set, other: Optional) -> Result<bool> {
    named("issuperset", {
        the_other(other)
            .and_then(|other| iterable(&other, 1))
            .and_then(|items| {
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
                s.pop_first()
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
            if s.capacity() > 0 && s.remove(&HashedValue::new(x)?) {
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
            let mut out: SetMap = s.iter().filter(|k| !o.contains(k)).cloned().collect();
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
            let added: Vec<HashedValue> = o.iter().filter(|k| !s.contains(k)).cloned().collect();
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

#[cfg(test)]
mod tests {
    use super::super::unpack::script::{fails, run};

    const XY: &str = "x = set([1, 2, 3])\ny = set([3, 4, 5])\n";

    fn show(expr: &str) -> String {
        run(&format!("{XY}print({expr})"))
    }

    #[test]
    fn add_discard_remove_pop_clear() {
        assert_eq!(
            run("s = set([1, 2])\ns.add(3)\ns.add(1)\nprint(s)\ns.discard(2)\ns.discard(9)\nprint(s)\ns.remove(1)\nprint(s)"),
            "set([1, 2, 3])\nset([1, 3])\nset([3])\n"
        );
        assert_eq!(fails("set([1]).add([5])"), "add: unhashable type: list");
        assert_eq!(
            fails("set([1]).discard([5])"),
            "discard: unhashable type: list"
        );
        assert_eq!(fails("set([1]).remove(3)"), "remove: missing key");
        assert_eq!(
            fails("set([1]).remove([])"),
            "remove: unhashable type: list"
        );
        assert_eq!(
            run("s = set([1, 2, 3])\nprint(s.pop(), s.pop(), s)\ns.clear()\nprint(s, len(s))"),
            "1 2 set([3])\nset([]) 0\n"
        );
        assert_eq!(fails("set().pop()"), "pop: empty set");
    }

    #[test]
    fn frozen_sets_refuse_even_no_op_mutations() {
        let f = |stmt: &str| fails(&format!("s = freeze(set([1, 2, 3]))\n{stmt}"));
        let insert = "cannot insert into frozen hash table";
        let delete = "cannot delete from frozen hash table";
        assert_eq!(f("s.add(1)"), format!("add: {insert}"));
        assert_eq!(f("s.add([])"), format!("add: {insert}"));
        assert_eq!(f("s.discard(9)"), format!("discard: {delete}"));
        assert_eq!(f("s.remove(9)"), format!("remove: {delete}"));
        assert_eq!(f("s.pop()"), format!("pop: {delete}"));
        assert_eq!(f("s.clear()"), "clear: cannot clear frozen hash table");
        assert_eq!(f("s.update()"), format!("update: {insert}"));
        assert_eq!(f("s.update([4])"), format!("update: {insert}"));
        assert_eq!(
            f("s.difference_update()"),
            format!("difference_update: {delete}")
        );
        assert_eq!(
            f("s.intersection_update([1])"),
            format!("intersection_update: {delete}")
        );
        assert_eq!(
            f("s.symmetric_difference_update([1])"),
            format!("symmetric_difference_update: {insert}")
        );
        // An argument of the wrong type is reported before the frozen set.
        assert_eq!(
            f("s.update(7)"),
            "update: for parameter 1: got int, want iterable"
        );
        // Emptiness first: an empty frozen set may be cleared, and pops report it.
        assert_eq!(run("s = freeze(set())\ns.clear()"), "");
        assert_eq!(fails("s = freeze(set())\ns.pop()"), "pop: empty set");
        // The operations that make new sets work on frozen ones.
        assert_eq!(
            run("s = freeze(set([1, 2]))\nprint(s.union([3]), s.difference([1]), s | set([4]))"),
            "set([1, 2, 3]) set([2]) set([1, 2, 4])\n"
        );
    }

    #[test]
    fn mutation_during_iteration_fails() {
        let f = |stmt: &str| {
            fails(&format!(
                "def f():\n    s = set([1, 2])\n    for _ in s:\n        {stmt}\nf()"
            ))
        };
        let insert = "cannot insert into hash table during iteration";
        let delete = "cannot delete from hash table during iteration";
        assert_eq!(f("s.add(1)"), format!("add: {insert}"));
        assert_eq!(f("s.discard(9)"), format!("discard: {delete}"));
        assert_eq!(f("s.remove(1)"), format!("remove: {delete}"));
        assert_eq!(f("s.pop()"), format!("pop: {delete}"));
        assert_eq!(
            f("s.clear()"),
            "clear: cannot clear hash table during iteration"
        );
        assert_eq!(f("s.update()"), format!("update: {insert}"));
        assert_eq!(
            f("s.difference_update([1])"),
            format!("difference_update: {delete}")
        );
        assert_eq!(
            f("s.intersection_update()"),
            format!("intersection_update: {delete}")
        );
        assert_eq!(
            f("s.symmetric_difference_update([])"),
            format!("symmetric_difference_update: {insert}")
        );
        assert_eq!(
            run("s = set([1, 2])\nfor _ in s:\n    print(s.union([1]), s.issubset(s), 1 in s)"),
            "set([1, 2]) True True\nset([1, 2]) True True\n"
        );
    }

    #[test]
    fn union_and_update_take_any_iterables() {
        assert_eq!(show("x.union()"), "set([1, 2, 3])\n");
        assert_eq!(
            show("x.union(y, [6, 7], (7, 1))"),
            "set([1, 2, 3, 4, 5, 6, 7])\n"
        );
        assert_eq!(show("x.union({9: 0}, range(2))"), "set([1, 2, 3, 9, 0])\n");
        assert_eq!(show("x | y"), "set([1, 2, 3, 4, 5])\n");
        assert_eq!(show("x"), "set([1, 2, 3])\n");
        assert_eq!(
            run(&format!(
                "{XY}s = set(x)\nprint(s.update([11, 12], [11, 13]), s, x)"
            )),
            "None set([1, 2, 3, 11, 12, 13]) set([1, 2, 3])\n"
        );
        assert_eq!(
            fails("set().union([1], 2)"),
            "union: for parameter 2: got int, want iterable"
        );
        assert_eq!(
            fails("set().union('ab')"),
            "union: for parameter 1: got string, want iterable"
        );
        assert_eq!(
            fails("set().union([1, {}])"),
            "union: unhashable type: dict"
        );
        assert_eq!(fails("set().update([[]])"), "update: unhashable type: list");
        assert_eq!(fails("set() | []"), "unknown binary op: set | list");
        assert_eq!(fails("set() + set()"), "unknown binary op: set + set");
    }

    #[test]
    fn intersection_keeps_the_receivers_order() {
        assert_eq!(show("x & set([3, 2])"), "set([2, 3])\n");
        assert_eq!(show("x.intersection([3, 2, 3, 2])"), "set([2, 3])\n");
        assert_eq!(
            show("x.intersection([2, 3], {3: 'c', 4: 'd'})"),
            "set([3])\n"
        );
        assert_eq!(show("x.intersection()"), "set([1, 2, 3])\n");
        assert_eq!(show("x.intersection([])"), "set([])\n");
        assert_eq!(
            fails("set([1]).intersection([[3]])"),
            "intersection: unhashable type: list"
        );
        assert_eq!(
            run("s = set([1, 2, 3])\ns.intersection_update([4, 3, 2])\nprint(s)\ns.intersection_update()\nprint(s)\ns &= set([3])\nprint(s)"),
            "set([2, 3])\nset([2, 3])\nset([3])\n"
        );
        assert_eq!(
            fails("set([1]).intersection_update(3)"),
            "intersection_update: for parameter 1: got int, want iterable"
        );
    }

    #[test]
    fn difference_and_symmetric_difference() {
        assert_eq!(show("x.difference([1], set([2]))"), "set([3])\n");
        assert_eq!(show("x.difference()"), "set([1, 2, 3])\n");
        assert_eq!(show("x - y"), "set([1, 2])\n");
        assert_eq!(
            fails("set([1]).difference([[1]])"),
            "difference: unhashable type: list"
        );
        assert_eq!(
            run("s = set([1, 2, 3, 4])\ns.difference_update([2], {3: 0})\nprint(s)"),
            "set([1, 4])\n"
        );
        assert_eq!(
            fails("set().difference_update(2)"),
            "difference_update: for parameter 1: got int, want iterable"
        );
        assert_eq!(show("x ^ y"), "set([1, 2, 4, 5])\n");
        assert_eq!(
            show("x.symmetric_difference([2, 3, 4, 2, 3, 4])"),
            "set([1, 4])\n"
        );
        assert_eq!(
            show("x.symmetric_difference({0: 'a', 1: 'b'})"),
            "set([2, 3, 0])\n"
        );
        assert_eq!(
            fails("set().symmetric_difference(2)"),
            "symmetric_difference: for parameter 1: got int, want iterable"
        );
        assert_eq!(
            run("s = set([1, 2, 3, 4])\ns.symmetric_difference_update([2, 5, 2, 5])\nprint(s)"),
            "set([1, 3, 4, 5])\n"
        );
    }

    #[test]
    fn subsets_supersets_and_disjoint_sets() {
        assert_eq!(
            show("x.issubset([1, 2, 3, 4]), x.issubset(y), set().issubset([]), x.issuperset([1, 2]), x.issuperset(y)"),
            "True False True True False\n"
        );
        assert_eq!(
            show("x <= x, x < x, set([1]) < x, x >= set([1, 2]), x > x, x > set([1]), x >= y"),
            "True False True True False True False\n"
        );
        assert_eq!(
            show("x.isdisjoint([4]), x.isdisjoint({3: 0}), set().isdisjoint([])"),
            "True False True\n"
        );
        assert_eq!(fails("set([1]) < [1]"), "set < list not implemented");
        assert_eq!(
            fails("set([1]).issubset([[1]])"),
            "issubset: unhashable type: list"
        );
        assert_eq!(
            fails("set([1]).issuperset([[1]])"),
            "issuperset: unhashable type: list"
        );
        assert_eq!(
            fails("set([1]).isdisjoint(2)"),
            "isdisjoint: for parameter 1: got int, want iterable"
        );
    }

    #[test]
    fn equality_membership_and_augmented_assignment() {
        assert_eq!(
            show("x == set([3, 2, 1]), x != y, 2 in x, 9 in x"),
            "True True True False\n"
        );
        assert_eq!(fails("[] in set()"), "unhashable type: list");
        assert_eq!(
            run("def f():\n    s = set([1, 2, 3])\n    s &= set([2, 3])\n    s |= set([1])\n    s ^= set([4, 5, 3])\n    s -= set([5])\n    return s\nprint(f())"),
            "set([2, 1, 4])\n"
        );
    }

    #[test]
    fn dir_lists_the_methods_in_order() {
        assert_eq!(
            run("print(dir(set()))"),
            "[\"add\", \"clear\", \"difference\", \"difference_update\", \"discard\", \"intersection\", \"intersection_update\", \"isdisjoint\", \"issubset\", \"issuperset\", \"pop\", \"remove\", \"symmetric_difference\", \"symmetric_difference_update\", \"union\", \"update\"]\n"
        );
    }
}

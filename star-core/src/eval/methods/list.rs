//! Methods of `list`: append, clear, extend, index, insert, pop, remove.
//!
//! Each mutating method takes the list's write guard (`List::borrow_mut`) before it
//! changes anything, so a frozen list or one being iterated refuses with the reference's
//! words (`append: cannot append to frozen list`, `remove: cannot remove from list
//! during iteration`). Where the reference checks an argument first (`pop`'s index range,
//! `extend`'s iterable), so do these. Comparisons (`index`, `remove`) cannot call back
//! into script code, so a read guard held across them is safe.

use crate::call::NativeFunction;
use crate::error::{Error, Result};
use crate::star_builtin;
use crate::value::{List, Value};

use super::super::ops::out_of_range;
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
            Err(out_of_range("list", index, n as usize))
        } else {
            this.borrow_mut("pop from")
                .map(|mut items| items.remove(i as usize))
        }
    })
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
    if let Value::Int(n) = x {
        // Only a number can equal an int, and comparing numbers cannot fail: a scan
        // without a call per element.
        let found = items.iter().skip(from).position(|v| match v {
            Value::Int(m) => m == n,
            Value::BigInt(_) | Value::Float(_) => v.equals(x).unwrap_or(false),
            _ => false,
        });
        return Ok(found.map(|i| i + from));
    }
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

#[cfg(test)]
mod tests {
    use super::super::unpack::script::{fails, run};

    #[test]
    fn append_extend_and_clear() {
        assert_eq!(
            run("x = [1]\nx.append([2])\nx.extend((3, 4))\nx.extend(range(2))\nprint(x)"),
            "[1, [2], 3, 4, 0, 1]\n"
        );
        assert_eq!(run("x = [1, 2]\nx.extend(x)\nprint(x)"), "[1, 2, 1, 2]\n");
        assert_eq!(
            run("x = []\nx.extend({'a': 1, 'b': 2})\nx.extend(set([3]))\nprint(x)"),
            "[\"a\", \"b\", 3]\n"
        );
        assert_eq!(run("x = [1, 2]\nprint(x.clear(), x)"), "None []\n");
        assert_eq!(
            fails("[].extend(1)"),
            "extend: for parameter 1: got int, want iterable"
        );
        assert_eq!(
            fails("[].extend('ab')"),
            "extend: for parameter 1: got string, want iterable"
        );
    }

    #[test]
    fn insert_clamps_the_index() {
        let at = |i: &str| run(&format!("x = [0, 1, 2]\nx.insert({i}, 9)\nprint(x)"));
        assert_eq!(at("-99"), "[9, 0, 1, 2]\n");
        assert_eq!(at("-2"), "[0, 9, 1, 2]\n");
        assert_eq!(at("-1"), "[0, 1, 9, 2]\n");
        assert_eq!(at("0"), "[9, 0, 1, 2]\n");
        assert_eq!(at("2"), "[0, 1, 9, 2]\n");
        assert_eq!(at("3"), "[0, 1, 2, 9]\n");
        assert_eq!(at("99"), "[0, 1, 2, 9]\n");
        assert_eq!(run("x = []\nx.insert(-1, 'a')\nprint(x)"), "[\"a\"]\n");
    }

    #[test]
    fn pop_checks_the_index_first() {
        assert_eq!(
            run("x = [1, 2, 3, 4, 5]\nprint(x.pop(), x.pop(1), x.pop(-3), x.pop(0), x)"),
            "5 2 1 3 [4]\n"
        );
        assert_eq!(
            fails("[1, 2, 3].pop(3)"),
            "pop: list index 3 out of range [-3:2]"
        );
        assert_eq!(
            fails("[1, 2, 3].pop(-4)"),
            "pop: list index -4 out of range [-3:2]"
        );
        assert_eq!(fails("[].pop()"), "pop: index -1 out of range: empty list");
        assert_eq!(
            fails("x = freeze([1])\nx.pop(1)"),
            "pop: list index 1 out of range [-1:0]"
        );
        assert_eq!(
            fails("x = freeze([1])\nx.pop()"),
            "pop: cannot pop from frozen list"
        );
        assert_eq!(
            fails("[1].pop('a')"),
            "pop: for parameter 1: got string, want int"
        );
    }

    #[test]
    fn remove_finds_the_first_equal_element() {
        assert_eq!(
            run("x = [3, 1, 4, 1]\nx.remove(1)\nprint(x)\nx.remove(1.0)\nprint(x)"),
            "[3, 4, 1]\n[3, 4]\n"
        );
        assert_eq!(fails("[3, 1].remove(42)"), "remove: element not found");
        // Comparing a cyclic list with itself has no identity shortcut, as in the
        // reference: it is a recursion error, not a removal.
        assert_eq!(
            fails("x = [[1]]\nx.append(x)\nx.remove(x)"),
            "remove: comparison exceeded maximum recursion depth"
        );
    }

    #[test]
    fn index_with_bounds() {
        let b = "b = ['b', 'a', 'n', 'a', 'n', 'a', 's']\n";
        let index = |args: &str| run(&format!("{b}print(b.index({args}))"));
        assert_eq!(index("'a'"), "1\n");
        assert_eq!(index("'a', -1000"), "1\n");
        assert_eq!(index("'a', 2"), "3\n");
        assert_eq!(index("'n', -3"), "4\n");
        assert_eq!(index("'s', -2"), "6\n");
        assert_eq!(index("'s', -1000, 7"), "6\n");
        assert_eq!(index("'a', None, None"), "1\n");
        assert_eq!(index("'b', 0, 1000"), "0\n");
        let fail = |args: &str| fails(&format!("{b}b.index({args})"));
        assert_eq!(fail("'n', -2"), "index: value not in list");
        assert_eq!(fail("'s', -1000, 6"), "index: value not in list");
        assert_eq!(fail("'a', 5, 2"), "index: value not in list");
        assert_eq!(fail("'d'"), "index: value not in list");
        assert_eq!(
            fail("'a', 'x'"),
            "index: invalid start index: got string, want int"
        );
        assert_eq!(
            fail("'a', 0, 1.0"),
            "index: invalid end index: got float, want int"
        );
        assert_eq!(
            fail("'a', 1 << 40"),
            "index: invalid start index: 1099511627776 out of range"
        );
        assert_eq!(
            fail("'a', 0, 1 << 80"),
            "index: invalid end index: 1208925819614629174706176 out of range"
        );
    }

    #[test]
    fn frozen_lists_refuse_every_mutation() {
        let f = |stmt: &str| fails(&format!("x = freeze([1, 2])\n{stmt}"));
        assert_eq!(f("x.append(3)"), "append: cannot append to frozen list");
        assert_eq!(f("x.clear()"), "clear: cannot clear frozen list");
        assert_eq!(f("x.extend([])"), "extend: cannot extend frozen list");
        assert_eq!(
            f("x.insert(0, 0)"),
            "insert: cannot insert into frozen list"
        );
        assert_eq!(f("x.pop(0)"), "pop: cannot pop from frozen list");
        assert_eq!(f("x.remove(1)"), "remove: cannot remove from frozen list");
        // Even when the element is absent, as the reference checks first.
        assert_eq!(f("x.remove(9)"), "remove: cannot remove from frozen list");
        // The argument is checked before the list.
        assert_eq!(
            f("x.extend(1)"),
            "extend: for parameter 1: got int, want iterable"
        );
        // Reading is fine.
        assert_eq!(run("x = freeze([1, 2])\nprint(x.index(2))"), "1\n");
    }

    #[test]
    fn mutation_during_iteration_fails() {
        let f = |stmt: &str| {
            fails(&format!(
                "def f():\n    x = [1, 2]\n    for _ in x:\n        {stmt}\nf()"
            ))
        };
        assert_eq!(
            f("x.append(3)"),
            "append: cannot append to list during iteration"
        );
        assert_eq!(f("x.clear()"), "clear: cannot clear list during iteration");
        assert_eq!(
            f("x.extend([3])"),
            "extend: cannot extend list during iteration"
        );
        assert_eq!(
            f("x.insert(0, 3)"),
            "insert: cannot insert into list during iteration"
        );
        assert_eq!(f("x.pop()"), "pop: cannot pop from list during iteration");
        assert_eq!(
            f("x.remove(1)"),
            "remove: cannot remove from list during iteration"
        );
        assert_eq!(
            fails("def f(x):\n    x.append(4)\ny = [1]\n_ = [f(y) for _ in y]"),
            "append: cannot append to list during iteration"
        );
        // Once the loop is over, the list may change again.
        assert_eq!(
            run("x = [1]\nfor _ in x:\n    pass\nx.append(2)\nprint(x)"),
            "[1, 2]\n"
        );
    }

    #[test]
    fn augmented_assignment() {
        assert_eq!(
            run("def f():\n    a = [1]\n    b = a\n    a += (2,)\n    return b\nprint(f())"),
            "[1, 2]\n"
        );
        assert_eq!(
            fails("def f():\n    x = []\n    x += 1\nf()"),
            "unknown binary op: list + int"
        );
        assert_eq!(
            fails("def f():\n    x = freeze([])\n    x += [1]\nf()"),
            "cannot apply += to frozen list"
        );
    }

    #[test]
    fn dir_lists_the_methods_in_order() {
        assert_eq!(
            run("print(dir([]))"),
            "[\"append\", \"clear\", \"extend\", \"index\", \"insert\", \"pop\", \"remove\"]\n"
        );
    }
}

//! Methods of `dict`: clear, get, items, keys, pop, popitem, setdefault, update, values.
//!
//! The order of checks is the reference's, since it decides which error a script sees:
//! an insertion or deletion first asks whether the table may change (frozen, or being
//! iterated) and only then hashes the key, so `frozen.pop([])` reports the frozen table;
//! a lookup (`get`, the first half of `setdefault`) hashes first. Like the reference,
//! `popitem` on an empty dict says so before it looks at the frozen flag, and deleting
//! from a table that never held anything finds nothing without hashing the key.

use crate::call::NativeFunction;
use crate::error::{Error, ErrorKind, Result};
use crate::star_builtin;
use crate::value::{Dict, HashedValue, Value};

use super::unpack::{elements, named, Optional, ABSENT};

/// Removes all the entries.
#[star_builtin(name = "clear", method, signature = ())]
fn dict_clear(this: &Dict) -> Result<()> {
    named("clear", this.borrow_mut("clear").map(|mut m| m.clear()))
}

/// The value for `key`, or `default` if there is none.
#[star_builtin(name = "get", method, signature = (key, default = None, /))]
fn dict_get(this: &Dict, key: Value, default: Option<Value>) -> Result<Value> {
    named("get", this.get(&key)).map(|v| v.or(default).unwrap_or_default())
}

/// The `(key, value)` pairs, in order.
#[star_builtin(name = "items", method, signature = ())]
fn dict_items(this: &Dict) -> Value {
    Value::list(
        this.borrow()
            .iter()
            .map(|(k, v)| Value::tuple(vec![k.value().clone(), v.clone()]))
            .collect(),
    )
}

/// The keys, in order.
#[star_builtin(name = "keys", method, signature = ())]
fn dict_keys(this: &Dict) -> Value {
    Value::list(this.borrow().keys().map(|k| k.value().clone()).collect())
}

/// Removes the entry for `key` and returns its value; if there is none, returns
/// `default`, or fails without one.
#[star_builtin(name = "pop", method, signature = (key, default = ABSENT, /))]
fn dict_pop(this: &Dict, key: Value, default: Optional) -> Result<Value> {
    named("pop", {
        delete(this, key).and_then(|found| match (found, default) {
            (Some(v), _) => Ok(v),
            (None, Optional::Given(d)) => Ok(d),
            (None, Optional::Absent) => Err(Error::new(ErrorKind::Key, "missing key")),
        })
    })
}

/// Deletes `key`: the table must be mutable even if the key is absent.
fn delete(d: &Dict, key: Value) -> Result<Option<Value>> {
    let mut map = d.borrow_mut("delete from")?;
    if map.capacity() == 0 {
        // Never held an entry: nothing to find, and (as in the reference) no hashing.
        return Ok(None);
    }
    Ok(map.remove(&HashedValue::new(key)?))
}

/// Removes the first entry and returns it as a `(key, value)` pair.
#[star_builtin(name = "popitem", method, signature = ())]
fn dict_popitem(this: &Dict) -> Result<Value> {
    named("popitem", {
        if this.is_empty() {
            Err(Error::new(ErrorKind::Key, "empty dict"))
        } else {
            this.borrow_mut("delete from")
                .map(|mut m| match m.pop_first() {
                    Some((k, v)) => Value::tuple(vec![k.into_value(), v]),
                    None => Value::None,
                })
        }
    })
}

/// The value for `key`; if there is none, inserts `default` for it and returns that.
#[star_builtin(name = "setdefault", method, signature = (key, default = None, /))]
fn dict_setdefault(this: &Dict, key: Value, default: Option<Value>) -> Result<Value> {
    named("setdefault", {
        this.get(&key).and_then(|found| match found {
            Some(v) => Ok(v),
            None => {
                let v = default.unwrap_or_default();
                set_key(this, key, v.clone())?;
                Ok(v)
            }
        })
    })
}

/// Inserts or replaces an entry: the table must be mutable before the key is hashed.
fn set_key(d: &Dict, key: Value, value: Value) -> Result<()> {
    let mut map = d.borrow_mut("insert into")?;
    map.insert(HashedValue::new(key)?, value);
    Ok(())
}

/// Adds the entries of a dict or the pairs of an iterable, then the keyword arguments.
#[star_builtin(name = "update", method, signature = (pairs = ABSENT, /, **kwargs))]
fn dict_update(this: &Dict, pairs: Optional, kwargs: Vec<(String, Value)>) -> Result<()> {
    named("update", {
        let pairs = match &pairs {
            Optional::Given(p) => Some(p),
            Optional::Absent => None,
        };
        update_dict(this, pairs, kwargs)
    })
}

/// What `dict(pairs, **kwargs)` and `d.update(pairs, **kwargs)` do to `d`: insert the
/// entries of `pairs` (a dict, or an iterable of two-element iterables), then the
/// keyword arguments, each in order. Messages are the reference's, unprefixed: the
/// caller adds `dict: ` or `update: `.
pub(crate) fn update_dict(
    d: &Dict,
    pairs: Option<&Value>,
    kwargs: impl IntoIterator<Item = (String, Value)>,
) -> Result<()> {
    match pairs {
        None => {}
        Some(Value::Dict(src)) => {
            // A snapshot, so that `d.update(d)` is fine.
            let entries: Vec<(HashedValue, Value)> = src
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            // Built here without steps, so the limits are checked before, not as it
            // grows.
            crate::value::memory::reserve_result(crate::value::Shape::Dict, entries.len())?;
            for (k, v) in entries {
                d.borrow_mut("insert into")?.insert(k, v);
            }
        }
        Some(p) => {
            let items = match elements(p) {
                Some(items) => items?,
                None => {
                    return Err(Error::type_error(format!(
                        "got {}, want iterable",
                        p.type_name()
                    )))
                }
            };
            crate::value::memory::reserve_result(crate::value::Shape::Dict, items.len())?;
            for (i, item) in items.iter().enumerate() {
                let pair = match elements(item) {
                    Some(pair) => pair?,
                    None => {
                        return Err(Error::type_error(format!(
                            "dictionary update sequence element #{i} is not iterable ({})",
                            item.type_name()
                        )))
                    }
                };
                let [k, v] = <[Value; 2]>::try_from(pair).map_err(|pair| {
                    Error::value_error(format!(
                        "dictionary update sequence element #{i} has length {}, want 2",
                        pair.len()
                    ))
                })?;
                set_key(d, k, v)?;
            }
        }
    }
    for (k, v) in kwargs {
        set_key(d, Value::str(&k), v)?;
    }
    Ok(())
}

/// The values, in order.
#[star_builtin(name = "values", method, signature = ())]
fn dict_values(this: &Dict) -> Value {
    Value::list(this.borrow().values().cloned().collect())
}

/// The methods of `dict`, sorted by name.
pub(super) static METHODS: &[&NativeFunction] = &[
    &dict_clear::BUILTIN,
    &dict_get::BUILTIN,
    &dict_items::BUILTIN,
    &dict_keys::BUILTIN,
    &dict_pop::BUILTIN,
    &dict_popitem::BUILTIN,
    &dict_setdefault::BUILTIN,
    &dict_update::BUILTIN,
    &dict_values::BUILTIN,
];

#[cfg(test)]
mod tests {
    use super::super::unpack::script::{fails, run};

    #[test]
    fn get_and_setdefault() {
        assert_eq!(
            run("d = {'a': 1}\nprint(d.get('a'), d.get('b'), d.get('a', 2), d.get('b', 2))"),
            "1 None 1 2\n"
        );
        assert_eq!(fails("{}.get([])"), "get: unhashable type: list");
        assert_eq!(
            run("d = {'a': 1}\nprint(d.setdefault('a'), d.setdefault('b'), d.setdefault('c', 2), d.setdefault('c', 3), d)"),
            "1 None 2 2 {\"a\": 1, \"b\": None, \"c\": 2}\n"
        );
        assert_eq!(
            fails("{}.setdefault([1])"),
            "setdefault: unhashable type: list"
        );
        // A present key needs no change, so a frozen dict answers.
        assert_eq!(
            run("d = freeze({'a': 1})\nprint(d.setdefault('a', 5))"),
            "1\n"
        );
        assert_eq!(
            fails("d = freeze({'a': 1})\nd.setdefault('b', 5)"),
            "setdefault: cannot insert into frozen hash table"
        );
    }

    #[test]
    fn pop_tells_an_absent_default_from_none() {
        assert_eq!(
            run("d = {'a': 1, 'b': 2}\nprint(d.pop('a'), d, d.pop('c', 3), d.pop('c', None))"),
            "1 {\"b\": 2} 3 None\n"
        );
        assert_eq!(fails("{'a': 1}.pop('c')"), "pop: missing key");
        assert_eq!(fails("{'a': 1}.pop([])"), "pop: unhashable type: list");
        // The table must be mutable even when the key is absent, and is checked first.
        assert_eq!(
            fails("freeze({'a': 1}).pop('c', 0)"),
            "pop: cannot delete from frozen hash table"
        );
        assert_eq!(
            fails("freeze({'a': 1}).pop([])"),
            "pop: cannot delete from frozen hash table"
        );
        // Deleting from a table that never held an entry does not hash the key.
        assert_eq!(fails("{}.pop([])"), "pop: missing key");
    }

    #[test]
    fn popitem_takes_the_first_entry() {
        assert_eq!(
            run("d = {'a': 1, 'b': 2}\nd['c'] = 3\nd.pop('b')\nprint(d.popitem(), d.popitem(), d)"),
            "(\"a\", 1) (\"c\", 3) {}\n"
        );
        assert_eq!(fails("{}.popitem()"), "popitem: empty dict");
        // Emptiness is reported before the frozen table.
        assert_eq!(fails("freeze({}).popitem()"), "popitem: empty dict");
        assert_eq!(
            fails("freeze({1: 2}).popitem()"),
            "popitem: cannot delete from frozen hash table"
        );
    }

    #[test]
    fn loops_and_popitem_skip_deleted_entries() {
        assert_eq!(
            run("d = {}\nfor i in range(10):\n    d[i] = i\nfor i in range(0, 10, 3):\n    d.pop(i)\nd[0] = 0\nprint([k for k in d], d.popitem(), d.popitem(), list(d), d.values())"),
            "[1, 2, 4, 5, 7, 8, 0] (1, 1) (2, 2) [4, 5, 7, 8, 0] [4, 5, 7, 8, 0]\n"
        );
        assert_eq!(
            run("s = set(range(6))\ns.remove(0)\ns.discard(2)\nprint([x for x in s], s.pop(), s)"),
            "[1, 3, 4, 5] 1 set([3, 4, 5])\n"
        );
    }

    #[test]
    fn clear_keys_items_values() {
        assert_eq!(
            run("d = {'a': 1, 2: 'b'}\nprint(d.keys(), d.values(), d.items())\nd.clear()\nprint(d, len(d))"),
            "[\"a\", 2] [1, \"b\"] [(\"a\", 1), (2, \"b\")]\n{} 0\n"
        );
        // Even an empty frozen dict refuses clear.
        assert_eq!(
            fails("freeze({}).clear()"),
            "clear: cannot clear frozen hash table"
        );
    }

    #[test]
    fn update_takes_pairs_a_dict_and_keywords() {
        assert_eq!(
            run("d = {'a': 1}\nd.update(a=2, b=3)\nd.update([('b', 4), ['c', 5]])\nd.update({'c': 6, 'd': 7})\nd.update((('e', 8),), e=9)\nprint(d)"),
            "{\"a\": 2, \"b\": 4, \"c\": 6, \"d\": 7, \"e\": 9}\n"
        );
        assert_eq!(
            run("d = {'a': 1}\nd.update(d)\nd.update([])\nd.update()\nd.update(set())\nprint(d)"),
            "{\"a\": 1}\n"
        );
        assert_eq!(
            run("d = {}\nd.update([set([1, 2]), range(3, 5)])\nprint(d)"),
            "{1: 2, 3: 4}\n"
        );
        assert_eq!(
            fails("{}.update(None)"),
            "update: got NoneType, want iterable"
        );
        assert_eq!(fails("{}.update(1)"), "update: got int, want iterable");
        assert_eq!(
            fails("{}.update([1])"),
            "update: dictionary update sequence element #0 is not iterable (int)"
        );
        assert_eq!(
            fails("{}.update([(1, 2), 'ab'])"),
            "update: dictionary update sequence element #1 is not iterable (string)"
        );
        assert_eq!(
            fails("{}.update([(1, 2, 3)])"),
            "update: dictionary update sequence element #0 has length 3, want 2"
        );
        assert_eq!(
            fails("{}.update([([], 1)])"),
            "update: unhashable type: list"
        );
    }

    #[test]
    fn update_checks_the_table_once_something_is_inserted() {
        let f = |stmt: &str| fails(&format!("d = freeze({{'a': 1}})\n{stmt}"));
        assert_eq!(
            f("d.update({'a': 8})"),
            "update: cannot insert into frozen hash table"
        );
        assert_eq!(
            f("d.update(b=1)"),
            "update: cannot insert into frozen hash table"
        );
        // The frozen table is reported before the unhashable key.
        assert_eq!(
            f("d.update([([], 1)])"),
            "update: cannot insert into frozen hash table"
        );
        // Nothing to insert, nothing to refuse.
        assert_eq!(
            run("d = freeze({'a': 1})\nd.update()\nd.update([])\nd.update({})"),
            ""
        );
    }

    #[test]
    fn dict_builtin_shares_update() {
        assert_eq!(
            run("print(dict([('a', 0), ('b', 1), ('a', 2)], c=3), dict({1: 2}), dict(a=1))"),
            "{\"a\": 2, \"b\": 1, \"c\": 3} {1: 2} {\"a\": 1}\n"
        );
        assert_eq!(
            fails("dict([1])"),
            "dict: dictionary update sequence element #0 is not iterable (int)"
        );
        assert_eq!(
            fails("dict([('a',)])"),
            "dict: dictionary update sequence element #0 has length 1, want 2"
        );
    }

    #[test]
    fn mutation_during_iteration_fails() {
        let f = |stmt: &str| {
            fails(&format!(
                "def f():\n    d = {{1: 1, 2: 2}}\n    for _ in d:\n        {stmt}\nf()"
            ))
        };
        let insert = "cannot insert into hash table during iteration";
        let delete = "cannot delete from hash table during iteration";
        assert_eq!(
            f("d.clear()"),
            "clear: cannot clear hash table during iteration"
        );
        assert_eq!(f("d.pop(1)"), format!("pop: {delete}"));
        assert_eq!(f("d.pop(9, None)"), format!("pop: {delete}"));
        assert_eq!(f("d.popitem()"), format!("popitem: {delete}"));
        assert_eq!(f("d.setdefault(9)"), format!("setdefault: {insert}"));
        assert_eq!(f("d.update(a=1)"), format!("update: {insert}"));
        assert_eq!(f("d.update({1: 5})"), format!("update: {insert}"));
        assert_eq!(f("d[3] = 3"), insert);
        // Reads, and a setdefault that finds its key, are fine.
        assert_eq!(
            run("d = {1: 1}\nfor k in d:\n    print(d.get(k), d.setdefault(k), d.keys())"),
            "1 1 [1]\n"
        );
    }

    #[test]
    fn union_operators() {
        assert_eq!(
            run("a = {'x': 1, 'y': 2}\nprint(a | {'y': 3, 'z': 4}, a)"),
            "{\"x\": 1, \"y\": 3, \"z\": 4} {\"x\": 1, \"y\": 2}\n"
        );
        assert_eq!(fails("{} | []"), "unknown binary op: dict | list");
        assert_eq!(fails("{} + {}"), "unknown binary op: dict + dict");
        // `|=` updates the dict itself, so aliases see the change.
        assert_eq!(
            run("def f():\n    a = {'x': 1}\n    b = a\n    a |= {'x': 2, 'y': 3}\n    a |= a\n    return b\nprint(f())"),
            "{\"x\": 2, \"y\": 3}\n"
        );
        assert_eq!(
            fails("def f():\n    a = freeze({})\n    a |= {}\nf()"),
            "cannot apply |= to frozen hash table"
        );
        assert_eq!(
            run("print({1: 2} == {1: 2}, {1: 2, 3: 4} == {3: 4, 1: 2}, {1: 2} == {1: 3}, 1 in {1: 2})"),
            "True True False True\n"
        );
        // An unhashable value is in no dict (as the reference's builtins.star has it).
        assert_eq!(run("print([] in {1: 2})"), "False\n");
    }

    #[test]
    fn dir_lists_the_methods_in_order() {
        assert_eq!(
            run("print(dir({}))"),
            "[\"clear\", \"get\", \"items\", \"keys\", \"pop\", \"popitem\", \"setdefault\", \"update\", \"values\"]\n"
        );
    }
}

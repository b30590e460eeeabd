//! The collection types: tuple, list, dict, set and range.
//!
//! Tuples are immutable slices in one shared allocation. Lists, dicts and sets keep their
//! contents in a [`FreezeCell`], so every mutation goes through one check of the frozen
//! flag and the reader count (see `cell.rs`). Dicts and sets are insertion-ordered hash
//! tables (`ordered_map.rs`) keyed by [`HashedValue`]: a value paired with its hash,
//! computed once when the key goes in, so that lookups never rehash stored keys and an
//! unhashable key is refused before the table is touched.

use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};

use triomphe::ThinArc;

use super::cell::{CellMut, CellRef, FreezeCell};
use super::drop;
use super::memory::{self, Shape};
use super::ordered_map::{OrderedMap, OrderedSet};
use super::Value;
use crate::error::{Error, ErrorKind, Result};

/// An immutable tuple.
#[derive(Clone)]
pub struct Tuple(ThinArc<(), Value>);

/// The bytes a tuple of `n` items takes, for the memory account.
fn tuple_bytes(n: usize) -> usize {
    16 + 16 * n
}

impl Tuple {
    /// A tuple of these items.
    pub fn new(items: Vec<Value>) -> Tuple {
        Tuple::from_exact(items.into_iter())
    }

    /// A tuple of the items of an iterator that knows its length.
    pub fn from_exact(items: impl ExactSizeIterator<Item = Value>) -> Tuple {
        memory::charge(tuple_bytes(items.len()));
        Tuple(ThinArc::from_header_and_iter((), items))
    }

    /// A tuple of clones of these items.
    pub fn from_slice(items: &[Value]) -> Tuple {
        Tuple::from_exact(items.iter().cloned())
    }

    /// The items.
    #[inline]
    pub fn as_slice(&self) -> &[Value] {
        &self.0.slice
    }

    /// The number of references to the tuple (for the module collector).
    pub(crate) fn ref_count(&self) -> usize {
        ThinArc::strong_count(&self.0)
    }

    /// The tuple's identity (for the module collector).
    pub(crate) fn addr(&self) -> usize {
        self.0.slice.as_ptr() as usize
    }
}

impl Drop for Tuple {
    #[inline]
    fn drop(&mut self) {
        // As for strings (`str.rs`): the last reference credits the allocation.
        if ThinArc::strong_count(&self.0) == 1 {
            memory::credit(tuple_bytes(self.0.slice.len()));
            if self.0.slice.iter().any(drop::frees_container) {
                self.drop_last();
            }
        }
    }
}

impl Tuple {
    /// Frees a tuple holding containers without recursing into them (`drop.rs`): in an
    /// open drop scope, the containers are kept alive in its work list while the
    /// tuple's storage goes; otherwise the storage is dropped in a new scope.
    #[cold]
    fn drop_last(&mut self) {
        if drop::keep_containers(&self.0.slice) {
            return;
        }
        // Swap in an empty tuple's storage and drop the real one inside a scope.
        let empty = ThinArc::from_header_and_iter((), std::iter::empty());
        let storage = std::mem::replace(&mut self.0, empty);
        drop::in_scope(move || drop(storage));
    }
}

impl Deref for Tuple {
    type Target = [Value];
    #[inline]
    fn deref(&self) -> &[Value] {
        self.as_slice()
    }
}

/// The contents of a mutable collection, as the memory account sees them: the bytes
/// of storage reserved (capacity, not length) and the length the size limit applies to.
pub trait Storage {
    /// The bytes of the collection object itself (reference count, cell, the
    /// storage's header) with the allocator's overhead.
    const FIXED: usize;
    /// The bytes of heap storage held, with the allocator's overhead: a function of
    /// [`Storage::slots`] alone ([`Storage::footprint_of`]).
    #[inline]
    fn footprint(&self) -> usize {
        Self::footprint_of(self.slots())
    }
    /// The storage's capacity (one load).
    fn slots(&self) -> usize;
    /// The bytes of heap storage a capacity of `slots` takes.
    fn footprint_of(slots: usize) -> usize;
    /// The number of elements (or entries).
    fn count(&self) -> usize;
    /// The kind of collection, for the size limit's message.
    fn shape() -> Shape;
}

impl Storage for Vec<Value> {
    const FIXED: usize = std::mem::size_of::<List>() + ALLOC_OVERHEAD;
    #[inline]
    fn slots(&self) -> usize {
        self.capacity()
    }
    #[inline]
    fn footprint_of(slots: usize) -> usize {
        match slots {
            0 => 0,
            n => n * std::mem::size_of::<Value>() + MALLOC_OVERHEAD,
        }
    }
    #[inline]
    fn count(&self) -> usize {
        self.len()
    }
    fn shape() -> Shape {
        Shape::List
    }
}

impl Storage for DictMap {
    const FIXED: usize = std::mem::size_of::<Dict>() + ALLOC_OVERHEAD;
    #[inline]
    fn slots(&self) -> usize {
        self.slot_capacity()
    }
    #[inline]
    fn footprint_of(slots: usize) -> usize {
        DictMap::heap_bytes_of(slots)
    }
    #[inline]
    fn count(&self) -> usize {
        self.len()
    }
    fn shape() -> Shape {
        Shape::Dict
    }
}

impl Storage for SetMap {
    const FIXED: usize = std::mem::size_of::<Set>() + ALLOC_OVERHEAD;
    #[inline]
    fn slots(&self) -> usize {
        self.slot_capacity()
    }
    #[inline]
    fn footprint_of(slots: usize) -> usize {
        SetMap::heap_bytes_of(slots)
    }
    #[inline]
    fn count(&self) -> usize {
        self.len()
    }
    fn shape() -> Shape {
        Shape::Set
    }
}

/// Write access to a list's, dict's or set's contents ([`CellMut`]) that keeps the
/// memory account: when it ends, the change in the storage's footprint is charged or
/// credited, and a length past the size limit is recorded for the next check.
pub struct StorageMut<'a, T: Storage> {
    inner: CellMut<'a, T>,
    /// The capacity when the write began.
    before: usize,
}

impl<'a, T: Storage> StorageMut<'a, T> {
    #[inline]
    fn new(inner: CellMut<'a, T>) -> Self {
        let before = inner.slots();
        StorageMut { inner, before }
    }
}

impl<T: Storage> Deref for StorageMut<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: Storage> DerefMut for StorageMut<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T: Storage> Drop for StorageMut<'_, T> {
    #[inline]
    fn drop(&mut self) {
        let after = self.inner.slots();
        if after != self.before {
            memory::adjust(T::footprint_of(self.before), T::footprint_of(after));
        }
        memory::note_len(T::shape(), self.inner.count());
    }
}

/// What the allocator adds to an allocation (its header, and rounding), as counted.
pub(crate) const MALLOC_OVERHEAD: usize = 16;

/// What a collection object's allocation adds to the object: the reference count and
/// the allocator's overhead.
const ALLOC_OVERHEAD: usize = 8 + MALLOC_OVERHEAD;

/// Charges a new collection's storage.
#[inline]
fn charge_new<T: Storage>(contents: &T) {
    memory::charge(T::FIXED + contents.footprint());
    memory::note_len(T::shape(), contents.count());
}

/// A mutable list.
pub struct List {
    items: FreezeCell<Vec<Value>>,
}

impl Default for List {
    fn default() -> Self {
        List::new(Vec::new())
    }
}

impl Drop for List {
    fn drop(&mut self) {
        let items = self.items.get_mut();
        memory::credit(<Vec<Value> as Storage>::FIXED + items.footprint());
        if items.iter().any(drop::frees_container) {
            drop::drop_contents(drop::Pending::Values(std::mem::take(items)));
        }
    }
}

impl List {
    /// A list of these items.
    pub fn new(items: Vec<Value>) -> List {
        charge_new(&items);
        List {
            items: FreezeCell::new(items),
        }
    }

    /// Reads the items; mutations fail while the guard is alive.
    #[inline]
    pub fn borrow(&self) -> CellRef<'_, Vec<Value>> {
        self.items.borrow()
    }

    /// Write access for an operation described by `verb` ("append to", "clear", ...),
    /// or the reference's error if the list is frozen or being iterated.
    #[inline]
    pub fn borrow_mut(&self, verb: &str) -> Result<StorageMut<'_, Vec<Value>>> {
        match self.items.borrow_mut() {
            Ok(w) => Ok(StorageMut::new(w)),
            Err(e) => Err(Value::mutate_error(e, verb, "list")),
        }
    }

    /// The number of items.
    #[inline]
    pub fn len(&self) -> usize {
        self.items.borrow().len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The item at `index`, if in range.
    #[inline]
    pub fn get(&self, index: usize) -> Option<Value> {
        self.items.borrow().get(index).cloned()
    }

    /// Appends an item.
    pub fn push(&self, v: Value) -> Result<()> {
        self.borrow_mut("append to")?.push(v);
        Ok(())
    }

    /// A copy of the items.
    pub fn to_vec(&self) -> Vec<Value> {
        self.items.borrow().clone()
    }

    /// Whether the list is frozen.
    pub fn is_frozen(&self) -> bool {
        self.items.is_frozen()
    }

    pub(crate) fn cell(&self) -> &FreezeCell<Vec<Value>> {
        &self.items
    }
}

/// A dict key or set element together with its hash.
#[derive(Clone)]
pub struct HashedValue {
    hash: u32,
    value: Value,
}

impl HashedValue {
    /// Hashes a value; fails for unhashable values (lists, dicts, ...).
    #[inline]
    pub fn new(value: Value) -> Result<HashedValue> {
        Ok(HashedValue {
            hash: value.hash32()?,
            value,
        })
    }

    /// The value.
    #[inline]
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// Consumes the pair, giving the value back.
    pub fn into_value(self) -> Value {
        self.value
    }

    /// The hash.
    #[inline]
    pub fn hash_code(&self) -> u32 {
        self.hash
    }
}

impl PartialEq for HashedValue {
    #[inline]
    fn eq(&self, other: &HashedValue) -> bool {
        // Hashable values compare without error (no containers that can recurse
        // without bound), so a failure cannot hide here.
        self.hash == other.hash && self.value.equals(&other.value).unwrap_or(false)
    }
}

impl Eq for HashedValue {}

impl Hash for HashedValue {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u32(self.hash);
    }
}

/// The insertion-ordered table of a dict.
pub type DictMap = OrderedMap<Value>;
/// The insertion-ordered table of a set.
pub type SetMap = OrderedSet;

/// A mutable, insertion-ordered dict.
pub struct Dict {
    map: FreezeCell<DictMap>,
}

impl Default for Dict {
    fn default() -> Self {
        Dict::from_map(DictMap::new())
    }
}

impl Drop for Dict {
    fn drop(&mut self) {
        let map = self.map.get_mut();
        memory::credit(DictMap::FIXED + map.footprint());
        if map.values().any(drop::frees_container)
            || map.keys().any(|k| drop::frees_container(&k.value))
        {
            let map = std::mem::replace(map, DictMap::new());
            drop::drop_contents(drop::Pending::Dict(map));
        }
    }
}

impl Dict {
    /// An empty dict.
    pub fn new() -> Dict {
        Dict::default()
    }

    /// A dict holding these entries.
    pub fn from_map(map: DictMap) -> Dict {
        charge_new(&map);
        Dict {
            map: FreezeCell::new(map),
        }
    }

    /// Reads the entries; mutations fail while the guard is alive.
    #[inline]
    pub fn borrow(&self) -> CellRef<'_, DictMap> {
        self.map.borrow()
    }

    /// Write access for an operation described by `verb`, or the reference's error.
    #[inline]
    pub fn borrow_mut(&self, verb: &str) -> Result<StorageMut<'_, DictMap>> {
        match self.map.borrow_mut() {
            Ok(w) => Ok(StorageMut::new(w)),
            Err(e) => Err(Value::mutate_error(e, verb, "hash table")),
        }
    }

    /// The number of entries.
    #[inline]
    pub fn len(&self) -> usize {
        self.map.borrow().len()
    }

    /// Whether the dict is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Looks a key up; fails if the key is unhashable.
    #[inline]
    pub fn get(&self, key: &Value) -> Result<Option<Value>> {
        let hash = key.hash32()?;
        Ok(self.map.borrow().get_hashed(hash, key).cloned())
    }

    /// Looks a string key up.
    pub fn get_str(&self, key: &str) -> Option<Value> {
        self.get(&Value::str(key)).ok().flatten()
    }

    /// Inserts or replaces an entry (a replaced key keeps its place).
    pub fn insert(&self, key: Value, value: Value) -> Result<()> {
        let k = HashedValue::new(key)?;
        self.borrow_mut("insert into")?.insert(k, value);
        Ok(())
    }

    /// Removes an entry, keeping the order of the others.
    pub fn remove(&self, key: &Value) -> Result<Option<Value>> {
        let k = HashedValue::new(key.clone())?;
        Ok(self.borrow_mut("delete from")?.remove(&k))
    }

    /// Whether the dict is frozen.
    pub fn is_frozen(&self) -> bool {
        self.map.is_frozen()
    }

    pub(crate) fn cell(&self) -> &FreezeCell<DictMap> {
        &self.map
    }
}

/// A mutable, insertion-ordered set.
pub struct Set {
    items: FreezeCell<SetMap>,
}

impl Default for Set {
    fn default() -> Self {
        Set::from_set(SetMap::new())
    }
}

impl Drop for Set {
    fn drop(&mut self) {
        let items = self.items.get_mut();
        memory::credit(SetMap::FIXED + items.footprint());
        if items.iter().any(|k| drop::frees_container(&k.value)) {
            let set = std::mem::replace(items, SetMap::new());
            drop::drop_contents(drop::Pending::Set(set));
        }
    }
}

impl Set {
    /// An empty set.
    pub fn new() -> Set {
        Set::default()
    }

    /// A set holding these elements.
    pub fn from_set(items: SetMap) -> Set {
        charge_new(&items);
        Set {
            items: FreezeCell::new(items),
        }
    }

    /// Reads the elements; mutations fail while the guard is alive.
    #[inline]
    pub fn borrow(&self) -> CellRef<'_, SetMap> {
        self.items.borrow()
    }

    /// Write access for an operation described by `verb`, or the reference's error
    /// (which, as for dicts, speaks of a "hash table").
    #[inline]
    pub fn borrow_mut(&self, verb: &str) -> Result<StorageMut<'_, SetMap>> {
        match self.items.borrow_mut() {
            Ok(w) => Ok(StorageMut::new(w)),
            Err(e) => Err(Value::mutate_error(e, verb, "hash table")),
        }
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.items.borrow().len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `v` is an element; fails if `v` is unhashable.
    pub fn contains(&self, v: &Value) -> Result<bool> {
        let hash = v.hash32()?;
        Ok(self.items.borrow().contains_hashed(hash, v))
    }

    /// Adds an element.
    pub fn insert(&self, v: Value) -> Result<()> {
        let k = HashedValue::new(v)?;
        self.borrow_mut("insert into")?.insert(k);
        Ok(())
    }

    /// Whether the set is frozen.
    pub fn is_frozen(&self) -> bool {
        self.items.is_frozen()
    }

    pub(crate) fn cell(&self) -> &FreezeCell<SetMap> {
        &self.items
    }
}

/// A `range(start, stop, step)` value: an immutable sequence of ints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    /// The first value.
    pub start: i64,
    /// The bound (excluded).
    pub stop: i64,
    /// The step, never zero.
    pub step: i64,
}

impl Range {
    /// A range; fails if `step` is zero.
    pub fn new(start: i64, stop: i64, step: i64) -> Result<Range> {
        if step == 0 {
            return Err(Error::new(
                ErrorKind::Value,
                "range: step argument must not be zero",
            ));
        }
        Ok(Range { start, stop, step })
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        let (start, stop, step) = (self.start as i128, self.stop as i128, self.step as i128);
        let n = if step > 0 {
            if start >= stop {
                0
            } else {
                (stop - start + step - 1) / step
            }
        } else if start <= stop {
            0
        } else {
            (start - stop - step - 1) / -step
        };
        n.min(usize::MAX as i128) as usize
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`th value, if in range.
    pub fn get(&self, i: usize) -> Option<i64> {
        (i < self.len()).then(|| (self.start as i128 + i as i128 * self.step as i128) as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_count_like_python() {
        assert_eq!(Range::new(0, 10, 3).unwrap().len(), 4);
        assert_eq!(Range::new(10, 0, -3).unwrap().len(), 4);
        assert_eq!(Range::new(0, 0, 1).unwrap().len(), 0);
        assert_eq!(Range::new(5, 0, 1).unwrap().len(), 0);
        assert_eq!(Range::new(i64::MIN, i64::MAX, 1).unwrap().len(), usize::MAX);
        assert_eq!(Range::new(1, 10, 2).unwrap().get(4), Some(9));
        assert!(Range::new(0, 1, 0).is_err());
    }

    #[test]
    fn dicts_keep_insertion_order_and_refuse_unhashable_keys() {
        let d = Dict::new();
        d.insert(Value::str("b"), Value::Int(1)).unwrap();
        d.insert(Value::str("a"), Value::Int(2)).unwrap();
        d.insert(Value::Int(3), Value::Int(3)).unwrap();
        d.insert(Value::Float(3.0), Value::Int(4)).unwrap();
        let keys: Vec<String> = d.borrow().keys().map(|k| k.value().repr()).collect();
        assert_eq!(keys, ["\"b\"", "\"a\"", "3"]);
        assert_eq!(d.get(&Value::Int(3)).unwrap().unwrap().as_i64(), Some(4));
        let e = d.insert(Value::list(vec![]), Value::None).unwrap_err();
        assert_eq!(e.message(), "unhashable type: list");
        d.remove(&Value::str("b")).unwrap();
        assert_eq!(d.len(), 2);
    }

    #[test]
    fn mutation_during_iteration_fails() {
        let l = List::new(vec![Value::Int(1)]);
        let guard = l.borrow();
        let e = l.push(Value::Int(2)).unwrap_err();
        assert_eq!(e.message(), "cannot append to list during iteration");
        drop(guard);
        l.push(Value::Int(2)).unwrap();
        let d = Dict::new();
        let g = d.borrow();
        let e = d.insert(Value::Int(1), Value::None).unwrap_err();
        assert_eq!(
            e.message(),
            "cannot insert into hash table during iteration"
        );
        drop(g);
    }
}

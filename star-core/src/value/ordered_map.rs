//! [`OrderedMap`] and [`OrderedSet`]: the insertion-ordered hash tables behind dicts
//! and sets.
//!
//! The layout is CPython's compact dict. Entries live in a vector in insertion order;
//! a hash table of `u32` positions into that vector finds them by key. Deleting an entry
//! takes it out of the index and leaves a tombstone (`None`) in its slot, so that no
//! other entry moves: a delete is O(1), where shifting the vector (what `indexmap`'s
//! `shift_remove` does) was O(n) and made deleting half of a 20,000-key dict cost
//! half a second. Once tombstones are more than half of the slots, the next delete
//! compacts the vector and renumbers the index, which keeps deletes amortised O(1) and
//! the vector at most twice the number of live entries.
//!
//! Positions are stable between mutations, which is what iteration relies on: a loop
//! over a dict holds a reader of its `FreezeCell`, no mutation (and therefore no
//! compaction) can happen while it does, and the loop walks slot positions with
//! [`OrderedMap::entry_from`], skipping tombstones.
//!
//! Keys are [`HashedValue`]s, whose 32-bit hash is computed once when they go in. The
//! index keeps each entry's hash beside its position, so growing the index never reads
//! the entries (a big table's entries are cache misses), and a probe that meets another
//! key's position compares hashes before it looks at that key.

use hashbrown::HashTable;

use super::collections::HashedValue;
use super::Value;

/// Spreads a 32-bit hash over the 64 bits the index uses: the index picks buckets with
/// the low bits and keeps the top seven as a tag, so both must vary.
#[inline]
fn spread(hash: u32) -> u64 {
    (hash as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// An entry of the index: where a live entry is, and its key's hash.
#[derive(Clone, Copy)]
struct Pos {
    at: u32,
    hash: u32,
}

/// What the index needs to rehash an entry when it grows.
#[inline]
fn rehash(p: &Pos) -> u64 {
    spread(p.hash)
}

/// One live entry.
#[derive(Clone)]
struct Bucket<V> {
    key: HashedValue,
    value: V,
}

/// An insertion-ordered hash table from [`HashedValue`] keys to `V`, with O(1)
/// amortised insertion, lookup and deletion.
#[derive(Clone)]
pub struct OrderedMap<V> {
    /// The entries in insertion order; `None` is a deleted entry's tombstone.
    slots: Vec<Option<Bucket<V>>>,
    /// Positions in `slots` of the live entries, found by key.
    index: HashTable<Pos>,
    /// Every slot before this position is a tombstone (so `pop_first` need not rescan
    /// them).
    head: usize,
}

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap {
            slots: Vec::new(),
            index: HashTable::new(),
            head: 0,
        }
    }
}

/// The key of the live entry at position `i` (which the index guarantees is live).
#[inline]
fn key_at<V>(slots: &[Option<Bucket<V>>], i: u32) -> &Value {
    match &slots[i as usize] {
        Some(b) => b.key.value(),
        None => unreachable_tombstone(),
    }
}

/// Whether the index entry `p` is for the key `key` with hash `hash`.
#[inline]
fn is_key<V>(slots: &[Option<Bucket<V>>], p: &Pos, hash: u32, key: &Value) -> bool {
    // Hashable values compare without error (no containers that can recurse without
    // bound), so a failure cannot hide here.
    p.hash == hash && key_at(slots, p.at).equals(key).unwrap_or(false)
}

#[cold]
#[inline(never)]
fn unreachable_tombstone() -> ! {
    panic!("star: internal error: a dict index points at a deleted entry")
}

impl<V> OrderedMap<V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty map with room for `n` entries.
    pub fn with_capacity(n: usize) -> Self {
        OrderedMap {
            slots: Vec::with_capacity(n),
            index: HashTable::with_capacity(n),
            head: 0,
        }
    }

    /// The number of entries.
    #[inline]
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether there are no entries.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many entries fit without reallocating; zero only for a table that never
    /// allocated (never held an entry, was never given room).
    pub fn capacity(&self) -> usize {
        self.slots.capacity().min(self.index.capacity())
    }

    /// The bytes of heap storage the table holds, estimated from the entries' vector
    /// alone (one load: collections measure this at every mutation): its slots, and
    /// the index, which grows at the same times: a power of two of buckets at most
    /// 7/8 full (at least 4), each a position and a control byte, plus a group of
    /// control bytes; and the allocator's overhead for both.
    #[inline]
    pub fn heap_bytes(&self) -> usize {
        Self::heap_bytes_of(self.slots.capacity())
    }

    /// The capacity of the entries' vector (what [`OrderedMap::heap_bytes`] is
    /// computed from).
    #[inline]
    pub(crate) fn slot_capacity(&self) -> usize {
        self.slots.capacity()
    }

    /// [`OrderedMap::heap_bytes`] for an entries' vector of capacity `cap`.
    #[inline]
    pub(crate) fn heap_bytes_of(cap: usize) -> usize {
        if cap == 0 {
            return 0;
        }
        let buckets = match cap {
            0..4 => 4,
            4..8 => 8,
            _ => (cap * 8 / 7).next_power_of_two(),
        };
        cap * std::mem::size_of::<Option<Bucket<V>>>()
            + buckets * (std::mem::size_of::<Pos>() + 1)
            + 16
            + 2 * super::collections::MALLOC_OVERHEAD
    }

    /// Makes room for `additional` more entries.
    pub fn reserve(&mut self, additional: usize) {
        self.index.reserve(additional, rehash);
        self.slots.reserve(additional);
    }

    /// The position of the entry for `key`, whose hash is `hash`, if present.
    #[inline]
    fn find(&self, hash: u32, key: &Value) -> Option<usize> {
        let slots = &self.slots;
        self.index
            .find(spread(hash), |p| is_key(slots, p, hash, key))
            .map(|p| p.at as usize)
    }

    /// The value for `key`.
    #[inline]
    pub fn get(&self, key: &HashedValue) -> Option<&V> {
        self.get_hashed(key.hash_code(), key.value())
    }

    /// The value for `key`, whose hash (`key.hash32()`) the caller computed: a lookup
    /// that needs no [`HashedValue`], hence no clone of the key.
    #[inline]
    pub fn get_hashed(&self, hash: u32, key: &Value) -> Option<&V> {
        let i = self.find(hash, key)?;
        self.slots[i].as_ref().map(|b| &b.value)
    }

    /// Whether there is an entry for `key`.
    #[inline]
    pub fn contains_key(&self, key: &HashedValue) -> bool {
        self.find(key.hash_code(), key.value()).is_some()
    }

    /// Inserts an entry at the end, or replaces the value of an existing entry for an
    /// equal key, which keeps its place and its key (so `{3: 0}` updated with `3.0`
    /// still has the key `3`). Returns the replaced value.
    #[inline]
    pub fn insert(&mut self, key: HashedValue, value: V) -> Option<V> {
        let slots = &self.slots;
        let hash = key.hash_code();
        match self.index.entry(
            spread(hash),
            |p| is_key(slots, p, hash, key.value()),
            rehash,
        ) {
            hashbrown::hash_table::Entry::Occupied(e) => {
                let i = e.get().at as usize;
                match &mut self.slots[i] {
                    Some(b) => Some(std::mem::replace(&mut b.value, value)),
                    None => unreachable_tombstone(),
                }
            }
            hashbrown::hash_table::Entry::Vacant(e) => {
                let i = self.slots.len();
                let Ok(at) = u32::try_from(i) else {
                    too_many_entries()
                };
                e.insert(Pos { at, hash });
                self.slots.push(Some(Bucket { key, value }));
                None
            }
        }
    }

    /// Removes the entry for `key`, keeping the order of the others, and returns its
    /// value.
    #[inline]
    pub fn remove(&mut self, key: &HashedValue) -> Option<V> {
        let slots = &self.slots;
        let hash = key.hash_code();
        let i = match self
            .index
            .find_entry(spread(hash), |p| is_key(slots, p, hash, key.value()))
        {
            Ok(e) => e.remove().0.at as usize,
            Err(_) => return None,
        };
        self.take_slot(i).map(|b| b.value)
    }

    /// Removes the first entry and returns it.
    pub fn pop_first(&mut self) -> Option<(HashedValue, V)> {
        let (i, hash) = self.slots[self.head..]
            .iter()
            .enumerate()
            .find_map(|(off, s)| s.as_ref().map(|b| (self.head + off, b.key.hash_code())))?;
        match self.index.find_entry(spread(hash), |p| p.at as usize == i) {
            Ok(e) => drop(e.remove()),
            Err(_) => unreachable_tombstone(),
        }
        self.head = i + 1;
        self.take_slot(i).map(|b| (b.key, b.value))
    }

    /// Empties the slot at position `i` (already out of the index), then drops trailing
    /// tombstones and compacts if tombstones are more than half of the slots.
    fn take_slot(&mut self, i: usize) -> Option<Bucket<V>> {
        let b = self.slots[i].take();
        while let Some(None) = self.slots.last() {
            self.slots.pop();
        }
        if self.slots.len() > 2 * self.len() {
            self.compact();
        } else {
            self.head = self.head.min(self.slots.len());
        }
        b
    }

    /// Drops the tombstones and renumbers the index. Only ever called under a mutation,
    /// so no iteration is looking at the old positions.
    fn compact(&mut self) {
        self.slots.retain(Option::is_some);
        self.head = 0;
        self.reindex();
    }

    /// Rebuilds the index from `slots` (which must hold no tombstones), keeping its
    /// allocation.
    fn reindex(&mut self) {
        self.index.clear();
        let slots = &self.slots;
        for (i, b) in slots.iter().enumerate() {
            let hash = match b {
                Some(b) => b.key.hash_code(),
                None => unreachable_tombstone(),
            };
            // The positions are below the old slot count, which fitted in a u32.
            let p = Pos { at: i as u32, hash };
            self.index.insert_unique(spread(hash), p, rehash);
        }
    }

    /// Removes every entry, keeping the allocation.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.index.clear();
        self.head = 0;
    }

    /// Keeps only the entries for which `keep` holds, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&HashedValue, &mut V) -> bool) {
        let before = self.slots.len();
        self.slots.retain_mut(|s| match s {
            Some(b) => keep(&b.key, &mut b.value),
            None => false,
        });
        if self.slots.len() != before || self.head != 0 {
            self.head = 0;
            self.reindex();
        }
    }

    /// The entries in order.
    #[inline]
    pub fn iter(&self) -> Iter<'_, V> {
        Iter {
            slots: self.slots[self.head..].iter(),
            left: self.len(),
        }
    }

    /// The keys in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &HashedValue> + '_ {
        self.iter().map(|(k, _)| k)
    }

    /// The values in order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &V> + '_ {
        self.iter().map(|(_, v)| v)
    }

    /// The `n`th entry in order: direct while there are no tombstones, a scan otherwise.
    pub fn get_index(&self, n: usize) -> Option<(&HashedValue, &V)> {
        if self.slots.len() == self.len() {
            self.slots.get(n)?.as_ref().map(|b| (&b.key, &b.value))
        } else {
            self.iter().nth(n)
        }
    }

    /// The first entry at slot position `pos` or later, with its position. Iteration
    /// walks positions with this, from 0 and then from one past each position returned;
    /// positions are stable as long as the map is not mutated.
    #[inline]
    pub fn entry_from(&self, pos: usize) -> Option<(usize, &HashedValue, &V)> {
        let start = pos.max(self.head);
        let rest = self.slots.get(start..)?;
        rest.iter()
            .enumerate()
            .find_map(|(off, s)| s.as_ref().map(|b| (start + off, &b.key, &b.value)))
    }
}

#[cold]
#[inline(never)]
fn too_many_entries() -> ! {
    panic!("star: a dict or set may hold at most 2^32 - 1 entries")
}

/// The entries of an [`OrderedMap`] in order.
pub struct Iter<'a, V> {
    slots: std::slice::Iter<'a, Option<Bucket<V>>>,
    /// Live entries not yet returned.
    left: usize,
}

impl<'a, V> Iterator for Iter<'a, V> {
    type Item = (&'a HashedValue, &'a V);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        let b = self.slots.by_ref().flatten().next()?;
        self.left -= 1;
        Some((&b.key, &b.value))
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<V> ExactSizeIterator for Iter<'_, V> {}

impl<V> Extend<(HashedValue, V)> for OrderedMap<V> {
    fn extend<I: IntoIterator<Item = (HashedValue, V)>>(&mut self, items: I) {
        let items = items.into_iter();
        self.reserve(items.size_hint().0);
        for (k, v) in items {
            self.insert(k, v);
        }
    }
}

impl<V> FromIterator<(HashedValue, V)> for OrderedMap<V> {
    fn from_iter<I: IntoIterator<Item = (HashedValue, V)>>(items: I) -> Self {
        let mut m = OrderedMap::new();
        m.extend(items);
        m
    }
}

impl<V> IntoIterator for OrderedMap<V> {
    type Item = (HashedValue, V);
    type IntoIter = IntoIter<V>;

    fn into_iter(self) -> IntoIter<V> {
        IntoIter(self.slots.into_iter())
    }
}

/// The entries of an [`OrderedMap`] in order, moved out of it.
pub struct IntoIter<V>(std::vec::IntoIter<Option<Bucket<V>>>);

impl<V> Iterator for IntoIter<V> {
    type Item = (HashedValue, V);

    fn next(&mut self) -> Option<(HashedValue, V)> {
        self.0.by_ref().flatten().next().map(|b| (b.key, b.value))
    }
}

/// An insertion-ordered set of [`HashedValue`]s: an [`OrderedMap`] without values.
#[derive(Clone, Default)]
pub struct OrderedSet(OrderedMap<()>);

impl OrderedSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of elements.
    #[inline]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no elements.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// See [`OrderedMap::capacity`].
    pub fn capacity(&self) -> usize {
        self.0.capacity()
    }

    /// See [`OrderedMap::heap_bytes`].
    pub fn heap_bytes(&self) -> usize {
        self.0.heap_bytes()
    }

    /// See [`OrderedMap::slot_capacity`].
    #[inline]
    pub(crate) fn slot_capacity(&self) -> usize {
        self.0.slot_capacity()
    }

    /// See [`OrderedMap::heap_bytes_of`].
    #[inline]
    pub(crate) fn heap_bytes_of(cap: usize) -> usize {
        OrderedMap::<()>::heap_bytes_of(cap)
    }

    /// Makes room for `additional` more elements.
    pub fn reserve(&mut self, additional: usize) {
        self.0.reserve(additional)
    }

    /// Whether `k` is an element.
    #[inline]
    pub fn contains(&self, k: &HashedValue) -> bool {
        self.0.contains_key(k)
    }

    /// Whether `k`, whose hash (`k.hash32()`) the caller computed, is an element.
    #[inline]
    pub fn contains_hashed(&self, hash: u32, k: &Value) -> bool {
        self.0.find(hash, k).is_some()
    }

    /// Adds `k` at the end unless an equal element is present (which keeps its place);
    /// returns whether it was added.
    #[inline]
    pub fn insert(&mut self, k: HashedValue) -> bool {
        self.0.insert(k, ()).is_none()
    }

    /// Removes `k`, keeping the order of the others; returns whether it was there.
    #[inline]
    pub fn remove(&mut self, k: &HashedValue) -> bool {
        self.0.remove(k).is_some()
    }

    /// Removes the first element and returns it.
    pub fn pop_first(&mut self) -> Option<HashedValue> {
        self.0.pop_first().map(|(k, ())| k)
    }

    /// Removes every element, keeping the allocation.
    pub fn clear(&mut self) {
        self.0.clear()
    }

    /// Keeps only the elements for which `keep` holds, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&HashedValue) -> bool) {
        self.0.retain(|k, ()| keep(k))
    }

    /// The elements in order.
    #[inline]
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &HashedValue> + '_ {
        self.0.keys()
    }

    /// The `n`th element in order (see [`OrderedMap::get_index`]).
    pub fn get_index(&self, n: usize) -> Option<&HashedValue> {
        self.0.get_index(n).map(|(k, ())| k)
    }

    /// See [`OrderedMap::entry_from`].
    #[inline]
    pub fn entry_from(&self, pos: usize) -> Option<(usize, &HashedValue)> {
        self.0.entry_from(pos).map(|(i, k, ())| (i, k))
    }
}

impl Extend<HashedValue> for OrderedSet {
    fn extend<I: IntoIterator<Item = HashedValue>>(&mut self, items: I) {
        self.0.extend(items.into_iter().map(|k| (k, ())))
    }
}

impl FromIterator<HashedValue> for OrderedSet {
    fn from_iter<I: IntoIterator<Item = HashedValue>>(items: I) -> Self {
        let mut s = OrderedSet::new();
        s.extend(items);
        s
    }
}

impl IntoIterator for OrderedSet {
    type Item = HashedValue;
    type IntoIter = SetIntoIter;

    fn into_iter(self) -> SetIntoIter {
        SetIntoIter(self.0.into_iter())
    }
}

/// The elements of an [`OrderedSet`] in order, moved out of it.
pub struct SetIntoIter(IntoIter<()>);

impl Iterator for SetIntoIter {
    type Item = HashedValue;

    fn next(&mut self) -> Option<HashedValue> {
        self.0.next().map(|(k, ())| k)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::value::{Dict, Value};

    fn key(k: i64) -> HashedValue {
        HashedValue::new(Value::Int(k)).unwrap()
    }

    fn entries(m: &OrderedMap<i64>) -> Vec<(i64, i64)> {
        m.iter()
            .map(|(k, v)| (k.value().as_i64().unwrap(), *v))
            .collect()
    }

    /// The entries as iteration sees them: a walk over slot positions.
    fn walked(m: &OrderedMap<i64>) -> Vec<(i64, i64)> {
        let mut out = Vec::new();
        let mut pos = 0;
        while let Some((p, k, v)) = m.entry_from(pos) {
            out.push((k.value().as_i64().unwrap(), *v));
            pos = p + 1;
        }
        out
    }

    #[test]
    fn deletes_keep_the_order_and_reinsertion_goes_to_the_end() {
        let mut m = OrderedMap::new();
        for k in 0..6 {
            m.insert(key(k), k * 10);
        }
        assert_eq!(m.remove(&key(2)), Some(20));
        assert_eq!(m.remove(&key(2)), None);
        assert_eq!(m.remove(&key(0)), Some(0));
        assert_eq!(entries(&m), [(1, 10), (3, 30), (4, 40), (5, 50)]);
        // Replacing keeps the place; re-inserting a deleted key appends.
        assert_eq!(m.insert(key(4), 41), Some(40));
        assert_eq!(m.insert(key(2), 21), None);
        assert_eq!(entries(&m), [(1, 10), (3, 30), (4, 41), (5, 50), (2, 21)]);
        assert_eq!(walked(&m), entries(&m));
        assert_eq!(m.get_index(3).map(|(_, v)| *v), Some(50));
        assert_eq!(m.pop_first().map(|(_, v)| v), Some(10));
        assert_eq!(m.pop_first().map(|(_, v)| v), Some(30));
        assert_eq!(entries(&m), [(4, 41), (5, 50), (2, 21)]);
        assert_eq!(m.len(), 3);
    }

    #[test]
    fn a_replaced_entry_keeps_its_key() {
        let mut m = OrderedMap::new();
        m.insert(key(3), 0);
        m.insert(HashedValue::new(Value::Float(3.0)).unwrap(), 1);
        let (k, v) = m.get_index(0).unwrap();
        assert_eq!((k.value().repr(), *v), ("3".to_string(), 1));
    }

    #[test]
    fn tombstones_are_compacted_once_they_are_the_majority() {
        let mut m = OrderedMap::new();
        for k in 0..100 {
            m.insert(key(k), k);
        }
        // Deleting from the front leaves tombstones until they outnumber the entries.
        for k in 0..50 {
            m.remove(&key(k));
        }
        assert_eq!((m.slots.len(), m.len()), (100, 50));
        m.remove(&key(50));
        assert_eq!((m.slots.len(), m.len()), (49, 49));
        assert_eq!(entries(&m), (51..100).map(|k| (k, k)).collect::<Vec<_>>());
        assert_eq!(m.get(&key(77)), Some(&77));
        assert_eq!(m.get(&key(50)), None);
        // Deleting the last entries leaves no tombstones behind.
        for k in (90..100).rev() {
            m.remove(&key(k));
        }
        assert_eq!((m.slots.len(), m.len()), (39, 39));
        // A sliding window stays within twice its size.
        let mut w = OrderedMap::new();
        for k in 0..10_000 {
            w.insert(key(k), k);
            if k >= 39 {
                assert_eq!(w.remove(&key(k - 39)), Some(k - 39));
            }
            assert!(w.slots.len() <= 2 * w.len() + 1);
        }
        assert_eq!(
            entries(&w),
            (9961..10_000).map(|k| (k, k)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn capacity_is_zero_only_for_a_table_that_never_allocated() {
        let mut m = OrderedMap::new();
        assert_eq!(m.capacity(), 0);
        m.reserve(0);
        assert_eq!(m.capacity(), 0);
        m.insert(key(1), 1);
        m.remove(&key(1));
        assert!(m.is_empty() && m.capacity() > 0);
        m.clear();
        assert!(m.capacity() > 0);
    }

    #[test]
    fn deleting_during_iteration_fails_and_iteration_skips_deleted_entries() {
        let d = Dict::new();
        for k in 0..8 {
            d.insert(Value::Int(k), Value::Int(k)).unwrap();
        }
        for k in [0, 3, 4] {
            d.remove(&Value::Int(k)).unwrap();
        }
        let guard = d.borrow();
        let e = d.remove(&Value::Int(5)).unwrap_err();
        assert_eq!(
            e.message(),
            "cannot delete from hash table during iteration"
        );
        let keys: Vec<i64> = guard.keys().map(|k| k.value().as_i64().unwrap()).collect();
        assert_eq!(keys, [1, 2, 5, 6, 7]);
        drop(guard);
        d.remove(&Value::Int(5)).unwrap();
        assert_eq!(d.len(), 4);
    }

    #[test]
    fn sets_have_the_same_order_rules() {
        let mut s: OrderedSet = [3, 1, 2, 1].into_iter().map(key).collect();
        assert!(!s.insert(key(3)));
        assert!(s.remove(&key(3)));
        assert!(s.insert(key(3)));
        assert!(!s.remove(&key(9)));
        let els: Vec<i64> = s.iter().map(|k| k.value().as_i64().unwrap()).collect();
        assert_eq!(els, [1, 2, 3]);
        assert_eq!(
            s.entry_from(0).map(|(_, k)| k.hash_code()),
            Some(key(1).hash_code())
        );
        assert_eq!(s.pop_first().and_then(|k| k.value().as_i64()), Some(1));
        let rest: Vec<i64> = s.into_iter().map(|k| k.value().as_i64().unwrap()).collect();
        assert_eq!(rest, [2, 3]);
    }

    /// An operation of the model-based test.
    #[derive(Clone, Debug)]
    enum Op {
        Insert(i64, i64),
        Remove(i64),
        PopFirst,
        RetainEven,
        Clear,
        Clone,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            8 => (0i64..24, any::<i64>()).prop_map(|(k, v)| Op::Insert(k, v)),
            8 => (0i64..24).prop_map(Op::Remove),
            2 => Just(Op::PopFirst),
            1 => Just(Op::RetainEven),
            1 => Just(Op::Clear),
            1 => Just(Op::Clone),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Any sequence of operations leaves the map holding what a vector of pairs
        /// (the obviously correct, O(n) model) holds, in the same order.
        #[test]
        fn behaves_like_a_vector_of_pairs(ops in prop::collection::vec(op(), 0..300)) {
            let mut m: OrderedMap<i64> = OrderedMap::new();
            let mut model: Vec<(i64, i64)> = Vec::new();
            for op in ops {
                match op {
                    Op::Insert(k, v) => {
                        let old = match model.iter_mut().find(|(mk, _)| *mk == k) {
                            Some((_, mv)) => Some(std::mem::replace(mv, v)),
                            None => {
                                model.push((k, v));
                                None
                            }
                        };
                        prop_assert_eq!(m.insert(key(k), v), old);
                    }
                    Op::Remove(k) => {
                        let old = model
                            .iter()
                            .position(|(mk, _)| *mk == k)
                            .map(|i| model.remove(i).1);
                        prop_assert_eq!(m.remove(&key(k)), old);
                    }
                    Op::PopFirst => {
                        let first = (!model.is_empty()).then(|| model.remove(0));
                        let got = m.pop_first().map(|(k, v)| (k.value().as_i64().unwrap(), v));
                        prop_assert_eq!(got, first);
                    }
                    Op::RetainEven => {
                        model.retain(|(_, v)| v % 2 == 0);
                        m.retain(|_, v| *v % 2 == 0);
                    }
                    Op::Clear => {
                        model.clear();
                        m.clear();
                    }
                    Op::Clone => m = m.clone(),
                }
                prop_assert_eq!(m.len(), model.len());
                prop_assert_eq!(entries(&m), model.clone());
                prop_assert_eq!(walked(&m), model.clone());
                prop_assert!(m.slots.len() <= 2 * m.len() + 1);
                for k in 0..24 {
                    let want = model.iter().find(|(mk, _)| *mk == k).map(|(_, v)| v);
                    prop_assert_eq!(m.get(&key(k)), want);
                }
                for (i, want) in model.iter().enumerate() {
                    prop_assert_eq!(m.get_index(i).map(|(_, v)| v), Some(&want.1));
                }
                prop_assert!(m.get_index(model.len()).is_none());
            }
            let drained: Vec<(i64, i64)> = m
                .into_iter()
                .map(|(k, v)| (k.value().as_i64().unwrap(), v))
                .collect();
            prop_assert_eq!(drained, model);
        }
    }
}

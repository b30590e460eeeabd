//! The stable sort behind `sorted`, comparing in the reference implementation's order.
//!
//! Starlark values are not totally ordered (`1 < None` is an error), so the error that
//! `sorted([1, 2, None, 3])` reports depends on which pairs the sort compares, and in
//! which order. The reference sorts with Go's `sort.Stable`, runs it to the end even
//! when a comparison fails (a failed comparison counts as "not less"), and reports the
//! *last* failure. Its algorithm: insertion sort of blocks of 20 elements, then passes
//! that merge neighbouring runs of doubling length in place with SymMerge (Kim and
//! Kutzner, "Stable Minimum Storage Merging by Symmetric Comparisons", ESA 2004):
//! binary searches for the split points, a rotation, and two recursive merges. This
//! module does the same comparisons in the same order, so the messages agree
//! (`int < NoneType not implemented`). Unlike the standard library's sorts, it never
//! relies on the comparison being a total order, so an inconsistent one cannot make
//! it panic. It makes O(n log n) comparisons; moves cost O(n log² n) at worst.
//!
//! When every key is a number, or every key a string, or every key a bytes value, no
//! comparison can fail and the order is total: then every stable sort gives the same
//! result, and the standard library's (faster) one is used. When every key is a small
//! int, the comparison is inlined; and when the keys are the values themselves and all
//! small ints, equal elements cannot be told apart, so the ints are sorted unstably as
//! plain `i64`s.

use std::cmp::Ordering;

use crate::error::Result;
use crate::value::Value;

/// Sorts `(key, value)` pairs stably by key, ascending or (`reverse`) descending, as
/// the reference's `sorted` does; the error is the last failed comparison's.
pub(crate) fn sort_by_key(pairs: &mut [(Value, Value)], reverse: bool) -> Result<()> {
    sort_by(pairs, |p| &p.0, reverse)
}

/// Sorts values by themselves: what `sort_by_key` does to pairs of a value and itself
/// (the same comparisons, so the same error), without making the pairs.
pub(crate) fn sort_values(items: &mut [Value], reverse: bool) -> Result<()> {
    let ints: Option<Vec<i64>> = items
        .iter()
        .map(|v| match v {
            Value::Int(i) => Some(*i),
            _ => None,
        })
        .collect();
    if let Some(mut ints) = ints {
        ints.sort_unstable();
        if reverse {
            ints.reverse();
        }
        // Overwriting ints with ints: nothing to release.
        for (v, i) in items.iter_mut().zip(ints) {
            *v = Value::Int(i);
        }
        return Ok(());
    }
    sort_by(items, |v| v, reverse)
}

/// Sorts `items` stably by `key(item)`, in the reference's order of comparisons.
fn sort_by<T>(items: &mut [T], key: impl Fn(&T) -> &Value, reverse: bool) -> Result<()> {
    // A big sort cannot be interrupted: guarded by the deadline.
    use super::limits::{costly, Work};
    let units = Work::Sort.units(items.len() as u64, 0);
    costly(Work::Sort, units, || sort_unguarded(items, key, reverse))?
}

fn sort_unguarded<T>(items: &mut [T], key: impl Fn(&T) -> &Value, reverse: bool) -> Result<()> {
    if items.iter().all(|x| matches!(key(x), Value::Int(_))) {
        let int = |x: &T| match key(x) {
            Value::Int(i) => *i,
            _ => 0,
        };
        if reverse {
            items.sort_by_key(|x| std::cmp::Reverse(int(x)));
        } else {
            items.sort_by_key(int);
        }
        return Ok(());
    }
    if totally_ordered(items.iter().map(&key)) {
        let cmp = |x: &T, y: &T| key(x).compare(key(y)).unwrap_or(Ordering::Equal);
        if reverse {
            items.sort_by(|x, y| cmp(y, x));
        } else {
            items.sort_by(cmp);
        }
        return Ok(());
    }
    let mut err = None;
    let mut less = |x: &Value, y: &Value| match x.compare(y) {
        Ok(o) => o == Ordering::Less,
        Err(e) => {
            err = Some(e);
            false
        }
    };
    // `reverse` sorts by the reversed order, which keeps equal keys in their order.
    if reverse {
        stable_sort(items, |x, y| less(key(y), key(x)));
    } else {
        stable_sort(items, |x, y| less(key(x), key(y)));
    }
    match err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Whether the keys are all numbers, all strings or all bytes values.
fn totally_ordered<'a>(mut keys: impl Iterator<Item = &'a Value>) -> bool {
    let kind = |v: &Value| match v {
        Value::Int(_) | Value::BigInt(_) | Value::Float(_) => 1,
        Value::Str(_) => 2,
        Value::Bytes(_) => 3,
        _ => 0,
    };
    match keys.next() {
        None => true,
        Some(k) => {
            let first = kind(k);
            first != 0 && keys.all(|k| kind(k) == first)
        }
    }
}

/// The length of the runs that insertion sort makes before merging starts.
const BLOCK: usize = 20;

/// Sorts `v` stably by `less`, comparing the pairs the reference would compare.
fn stable_sort<T>(v: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    let n = v.len();
    let mut a = 0;
    while a + BLOCK <= n {
        insertion_sort(v, a, a + BLOCK, &mut less);
        a += BLOCK;
    }
    insertion_sort(v, a, n, &mut less);

    let mut block = BLOCK;
    while block < n {
        let mut a = 0;
        while a + 2 * block <= n {
            sym_merge(v, a, a + block, a + 2 * block, &mut less);
            a += 2 * block;
        }
        if a + block < n {
            sym_merge(v, a, a + block, n, &mut less);
        }
        block *= 2;
    }
}

/// Sorts `v[a..b]`, moving each element left past the greater ones before it.
fn insertion_sort<T>(v: &mut [T], a: usize, b: usize, less: &mut impl FnMut(&T, &T) -> bool) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && less(&v[j], &v[j - 1]) {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// Merges the sorted runs `v[a..m]` and `v[m..b]` (both non-empty) in place.
fn sym_merge<T>(v: &mut [T], a: usize, m: usize, b: usize, less: &mut impl FnMut(&T, &T) -> bool) {
    if m - a == 1 {
        // One element on the left: find the first right element not less than it,
        // and move it just before that one.
        let (mut i, mut j) = (m, b);
        while i < j {
            let h = i + (j - i) / 2;
            if less(&v[h], &v[a]) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        v[a..i].rotate_left(1);
        return;
    }
    if b - m == 1 {
        // One element on the right: find the first left element greater than it,
        // and move it there.
        let (mut i, mut j) = (a, m);
        while i < j {
            let h = i + (j - i) / 2;
            if !less(&v[m], &v[h]) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        v[i..=m].rotate_right(1);
        return;
    }
    // Split both runs symmetrically around the middle of v[a..b], swap the inner
    // pieces with a rotation, then merge each half.
    let mid = a + (b - a) / 2;
    let n = mid + m;
    let (mut start, mut r) = if m > mid { (n - b, mid) } else { (a, m) };
    let p = n - 1;
    while start < r {
        let c = start + (r - start) / 2;
        if !less(&v[p - c], &v[c]) {
            start = c + 1;
        } else {
            r = c;
        }
    }
    let end = n - start;
    if start < m && m < end {
        v[start..end].rotate_left(m - start);
    }
    if a < start && start < mid {
        sym_merge(v, a, start, mid, less);
    }
    if mid < end && end < b {
        sym_merge(v, mid, end, b, less);
    }
}

#[cfg(test)]
mod tests {
    use super::{sort_by_key, sort_values, stable_sort};
    use crate::value::Value;

    /// A small deterministic generator, so the tests need no dependency.
    fn numbers(seed: u64, n: usize, modulus: u64) -> Vec<u64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 33) % modulus
            })
            .collect()
    }

    #[test]
    fn sorts_stably_at_every_length() {
        for n in 0..300 {
            // Few distinct keys, so stability is exercised; the index tells equal
            // keys apart.
            let mut v: Vec<(u64, usize)> = numbers(n as u64, n, 7)
                .into_iter()
                .enumerate()
                .map(|(i, k)| (k, i))
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|&(k, _)| k);
            stable_sort(&mut v, |x, y| x.0 < y.0);
            assert_eq!(v, want, "n = {n}");
        }
    }

    #[test]
    fn sorts_large_inputs() {
        let mut v = numbers(42, 5000, 1_000_000);
        let mut want = v.clone();
        want.sort();
        stable_sort(&mut v, |x, y| x < y);
        assert_eq!(v, want);
    }

    #[test]
    fn compares_later_elements_on_the_left_first() {
        // Insertion sort asks whether each new element is less than its left
        // neighbour, as the reference does.
        let mut v = vec![1, 2, 3];
        let mut asked = Vec::new();
        stable_sort(&mut v, |x, y| {
            asked.push((*x, *y));
            x < y
        });
        assert_eq!(asked, vec![(2, 1), (3, 2)]);
    }

    /// Lists of values of one or several kinds, with repeats.
    fn value_lists() -> Vec<Vec<Value>> {
        let ints: Vec<Value> = numbers(3, 200, 50)
            .into_iter()
            .map(|i| Value::Int(i as i64 - 25))
            .collect();
        let mut numbers_too = ints.clone();
        numbers_too.extend([
            Value::Float(2.5),
            Value::Float(-0.0),
            Value::Float(f64::NAN),
        ]);
        let strings: Vec<Value> = ["b", "a", "c", "a", ""].map(Value::str).to_vec();
        let mut mixed = ints.clone();
        mixed.insert(37, Value::None);
        mixed.push(Value::str("x"));
        let tuples = vec![
            Value::tuple(vec![Value::Int(2)]),
            Value::tuple(vec![Value::Int(1), Value::None]),
            Value::tuple(vec![Value::Int(1), Value::Int(0)]),
        ];
        vec![vec![], ints, numbers_too, strings, mixed, tuples]
    }

    #[test]
    fn sorting_values_agrees_with_sorting_pairs_of_a_value_and_itself() {
        for items in value_lists() {
            for reverse in [false, true] {
                let mut pairs: Vec<(Value, Value)> =
                    items.iter().map(|v| (v.clone(), v.clone())).collect();
                let want = sort_by_key(&mut pairs, reverse).map_err(|e| e.message().to_string());
                let mut got_items = items.clone();
                let got = sort_values(&mut got_items, reverse).map_err(|e| e.message().to_string());
                assert_eq!(got, want);
                let repr = |vs: Vec<&Value>| vs.iter().map(|v| v.repr()).collect::<Vec<_>>();
                assert_eq!(
                    repr(got_items.iter().collect()),
                    repr(pairs.iter().map(|(_, v)| v).collect())
                );
            }
        }
    }

    #[test]
    fn int_keys_sort_stably_in_both_directions() {
        let mut pairs: Vec<(Value, Value)> = [(2, "a"), (1, "b"), (2, "c"), (1, "d")]
            .into_iter()
            .map(|(k, v)| (Value::Int(k), Value::str(v)))
            .collect();
        let order = |pairs: &[(Value, Value)]| {
            pairs
                .iter()
                .map(|(_, v)| v.repr())
                .collect::<Vec<_>>()
                .join("")
        };
        sort_by_key(&mut pairs, false).unwrap();
        assert_eq!(order(&pairs), r#""b""d""a""c""#);
        sort_by_key(&mut pairs, true).unwrap();
        assert_eq!(order(&pairs), r#""a""c""b""d""#);
    }

    #[test]
    fn survives_an_inconsistent_order() {
        let mut v = numbers(7, 1000, 100);
        let mut flip = false;
        stable_sort(&mut v, |x, y| {
            flip = !flip;
            flip && x < y
        });
        assert_eq!(v.len(), 1000);
    }
}

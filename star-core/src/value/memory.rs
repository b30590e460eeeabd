//! Memory accounting: how many bytes of values an execution has allocated and still
//! holds, and how big a single result may be.
//!
//! # The counter
//!
//! Every OS thread has one counter of net bytes (`NET`, a plain `Cell`, so charging is
//! an add on thread-local memory). The value types keep it:
//!
//! - strings and bytes charge their allocation (bytes plus header) when made, and
//!   credit it when their last reference is dropped;
//! - tuples likewise (16 bytes a slot plus header);
//! - lists, dicts and sets charge their fixed part when made and the storage they have
//!   reserved (capacity, not length) as it changes: every mutation goes through a write
//!   guard ([`super::collections::StorageMut`]) that compares the storage's footprint
//!   before and after and charges the difference; dropping the collection credits the
//!   rest;
//! - big ints, functions, bound methods, ranges and host values are not counted (they
//!   are small, or, for big ints, bounded by the size limit and the checks before
//!   their arithmetic).
//!
//! The counter is an estimate of what an execution keeps alive, not of what the
//! allocator holds: allocator overhead, registers, call frames and compiled code are
//! not in it. It is exact for the values it counts, except that a value frozen and
//! shared with other OS threads is credited to whichever thread drops it last (and,
//! when two threads drop their last two references at once, to neither: the count can
//! only err upwards for such values).
//!
//! # Accounts
//!
//! An [`Account`] is one execution's share of the counter, with its limits (the
//! thread's [`Limits`](crate::eval::limits::Limits) `max_memory` and `max_size`). It is
//! *installed* while the execution runs: installing records the counter's value minus
//! what the account had used before as the base, so that `NET - base` is what the
//! account uses now; uninstalling writes that back. Only the installed account is
//! charged: values made while another execution runs are that one's.
//!
//! - [`Account::enter`] / [`Account::leave`] bracket a run: a module's top level, or a
//!   host's call into Starlark. Entering an account that is already installed (a
//!   builtin calling back into Starlark) does nothing; entering another account (a
//!   `load` run on a thread of its own, inside the caller) saves the installed one and
//!   `leave` restores it, so the outer execution is charged for what the inner one
//!   leaves alive when it returns. The saved state is restored on unwinding too (the
//!   [`Entered`] token's drop), so a panic cannot leave a limit installed.
//! - [`park`] / [`unpark`] switch the whole accounting state when executions interleave
//!   on one OS thread (fibers, `stream::fiber`): a fiber being suspended parks what it
//!   had installed, as usage rather than as a base in the counter, and gets it back when
//!   resumed, so values made by other fibers meanwhile are not charged to it. What an
//!   execution frees while another runs is credited to the other (which then has that
//!   much more room); the first keeps the charge. The accounts saved by nested
//!   [`Account::enter`]s on a suspended fiber's stack keep their bases, so an outer
//!   account can be charged for what other fibers did while an inner one (a `load`)
//!   was suspended.
//!
//! # Checks
//!
//! - the machine's step meter calls [`check`] every few thousand steps (see
//!   `eval/limits.rs`), so a loop or comprehension that allocates bit by bit stops soon
//!   after it passes the limit;
//! - code about to make a big result calls [`reserve_result`] first (repetition,
//!   concatenation, `join`, materialising an iterable, big-int multiplication, ...),
//!   which checks the size limit and whether the new bytes would pass the memory limit,
//!   before anything is allocated;
//! - a collection that grows past the size limit one element at a time is noticed by
//!   its write guard, which cannot fail, so the violation is recorded and reported by
//!   the next [`check`].
//!
//! Both limits are off (`usize::MAX`) unless an account installs them; the checks then
//! cost a thread-local load and a compare. Independently of any limit, [`try_vec`]
//! turns a failed allocation of a big vector into an error instead of an abort.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, ErrorKind, Result};

/// The kind of a result, for the size limit's units and messages, and the bytes it
/// takes per unit (an estimate for dicts and sets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A string (bytes).
    Str,
    /// A bytes value (bytes).
    Bytes,
    /// A list (elements).
    List,
    /// A tuple (elements).
    Tuple,
    /// A dict (entries).
    Dict,
    /// A set (elements).
    Set,
    /// An int (bits).
    Int,
}

impl Shape {
    fn name(self) -> &'static str {
        match self {
            Shape::Str => "string",
            Shape::Bytes => "bytes",
            Shape::List => "list",
            Shape::Tuple => "tuple",
            Shape::Dict => "dict",
            Shape::Set => "set",
            Shape::Int => "int",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Shape::Str | Shape::Bytes => "bytes",
            Shape::Dict => "entries",
            Shape::Int => "bits",
            _ => "elements",
        }
    }

    /// The bytes `n` units take (saturating).
    fn bytes(self, n: usize) -> usize {
        match self {
            Shape::Str | Shape::Bytes => n,
            Shape::List | Shape::Tuple => n.saturating_mul(16),
            // An entry (key, hash, value) and its index slot, with the table's slack;
            // a set's element likewise (see `OrderedMap::heap_bytes`).
            Shape::Dict => n.saturating_mul(64),
            Shape::Set => n.saturating_mul(48),
            Shape::Int => n / 8,
        }
    }
}

/// The installed account's limits and base.
#[derive(Clone, Copy, Debug)]
struct Installed {
    /// The installed account's id (0: none).
    id: u64,
    /// `NET` when the installed account's usage was zero.
    base: isize,
    /// The memory limit in bytes (`usize::MAX`: none).
    limit: usize,
    /// The execution's deadline, for native operations that take long
    /// (`eval/limits.rs`'s cost guard).
    deadline: Option<std::time::Instant>,
}

const NOTHING: Installed = Installed {
    id: 0,
    base: 0,
    limit: usize::MAX,
    deadline: None,
};

/// The deadline of the execution running on this thread, if it has one.
pub(crate) fn deadline() -> Option<std::time::Instant> {
    INSTALLED.with(Cell::get).deadline
}

thread_local! {
    /// Net bytes charged minus credited on this OS thread.
    static NET: Cell<isize> = const { Cell::new(0) };
    /// The installed account.
    static INSTALLED: Cell<Installed> = const { Cell::new(NOTHING) };
    /// The installed account's size limit (`usize::MAX`: none); apart from
    /// `INSTALLED` because collection guards read it at every mutation.
    static MAX_SIZE: Cell<usize> = const { Cell::new(usize::MAX) };
    /// A result over the size limit that a guard noticed, for the next [`check`].
    static OVERSIZE: Cell<Option<(Shape, usize)>> = const { Cell::new(None) };
}

/// The last account id handed out.
static LAST_ID: AtomicU64 = AtomicU64::new(0);

/// Charges `bytes` to the installed account.
#[inline]
pub(crate) fn charge(bytes: usize) {
    NET.with(|n| n.set(n.get().wrapping_add(bytes as isize)));
}

/// Credits `bytes` (freed).
#[inline]
pub(crate) fn credit(bytes: usize) {
    NET.with(|n| n.set(n.get().wrapping_sub(bytes as isize)));
}

/// Charges (or credits, when `after < before`) the change of a footprint.
#[inline]
pub(crate) fn adjust(before: usize, after: usize) {
    if after != before {
        NET.with(|n| n.set(n.get().wrapping_add(after.wrapping_sub(before) as isize)));
    }
}

/// Notes a collection's new length: one over the size limit is reported by the next
/// [`check`] (the caller cannot fail).
#[inline]
pub(crate) fn note_len(shape: Shape, len: usize) {
    if len > MAX_SIZE.with(Cell::get) {
        // The first violation is the one reported.
        OVERSIZE.with(|o| {
            if o.get().is_none() {
                o.set(Some((shape, len)))
            }
        });
    }
}

/// The bytes of counted values alive on this OS thread, made by any execution (the
/// counter behind every account): a host can watch it to see that what its scripts
/// made was freed.
pub fn live_bytes() -> isize {
    NET.with(Cell::get)
}

/// The bytes the installed account uses now (what the values made since it started
/// and still alive take, as far as they are counted).
pub(crate) fn used() -> isize {
    NET.with(Cell::get)
        .wrapping_sub(INSTALLED.with(Cell::get).base)
}

/// Fails if making `bytes` more would pass the installed account's memory limit.
#[inline]
pub(crate) fn reserve(bytes: usize) -> Result<()> {
    let a = INSTALLED.with(Cell::get);
    if a.limit == usize::MAX {
        return Ok(());
    }
    let used = NET.with(Cell::get).wrapping_sub(a.base);
    if used.saturating_add(bytes.min(isize::MAX as usize) as isize) > a.limit as isize {
        return Err(memory_error(a.limit));
    }
    Ok(())
}

/// Fails if a result of shape `shape` and `n` units (bytes, elements, entries, bits)
/// would pass the size limit, or its bytes the memory limit. Call it before making
/// the result.
#[inline]
pub(crate) fn reserve_result(shape: Shape, n: usize) -> Result<()> {
    let max = MAX_SIZE.with(Cell::get);
    if n > max {
        return Err(size_error(shape, n, max));
    }
    reserve(shape.bytes(n))
}

/// How long a text being built may get before it is pointless to go on: the size
/// limit or the memory left, whichever is less (`usize::MAX` without limits). Printing
/// stops once past it, and the caller's [`reserve_result`] then fails; a list that
/// holds itself at every level (`x = [x, x]`, sixty times) is small but prints as
/// 2^60 characters.
pub(crate) fn text_budget() -> usize {
    let a = INSTALLED.with(Cell::get);
    let room = if a.limit == usize::MAX {
        usize::MAX
    } else {
        let used = NET.with(Cell::get).wrapping_sub(a.base);
        (a.limit as isize).saturating_sub(used).max(0) as usize
    };
    room.min(MAX_SIZE.with(Cell::get))
}

/// Fails if the installed account has passed its memory limit, or a collection grew
/// past the size limit since the last check (the step meter calls this).
pub(crate) fn check() -> Result<()> {
    if let Some((shape, n)) = OVERSIZE.with(|o| o.take()) {
        return Err(size_error(shape, n, MAX_SIZE.with(Cell::get)));
    }
    reserve(0)
}

#[cold]
fn memory_error(limit: usize) -> Error {
    Error::new(
        ErrorKind::Limit,
        format!("memory limit exceeded: more than {limit} bytes"),
    )
}

#[cold]
fn size_error(shape: Shape, n: usize, max: usize) -> Error {
    Error::new(
        ErrorKind::Limit,
        format!(
            "result size limit exceeded: {} of {n} {} (limit {max})",
            shape.name(),
            shape.unit()
        ),
    )
}

/// A vector with room for `n` items, or an error (not an abort) if the allocation
/// fails; checks the limits first (`shape` names the result for the size limit).
pub(crate) fn try_vec<T>(shape: Shape, n: usize) -> Result<Vec<T>> {
    reserve_result(shape, n)?;
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| {
        Error::new(
            ErrorKind::Limit,
            format!(
                "out of memory: cannot allocate a {} of {n} {}",
                shape.name(),
                shape.unit()
            ),
        )
    })?;
    Ok(v)
}

/// One execution's memory accounting and limits (see the module documentation).
#[derive(Debug)]
pub(crate) struct Account {
    id: u64,
    /// The memory limit in bytes (`usize::MAX`: none).
    limit: usize,
    /// The size limit (`usize::MAX`: none).
    max_size: usize,
    /// The bytes used when the account was last uninstalled.
    used: isize,
    /// The execution's deadline (kept here because the account is what is installed
    /// while the execution runs).
    deadline: Option<std::time::Instant>,
}

impl Default for Account {
    fn default() -> Self {
        Account::new(None, None)
    }
}

/// What [`Account::enter`] replaced, restored by [`Account::leave`] or, on unwinding,
/// by this token's drop.
#[must_use]
pub(crate) struct Entered(Option<(Installed, usize)>);

impl Drop for Entered {
    fn drop(&mut self) {
        if let Some((prev, max_size)) = self.0.take() {
            INSTALLED.with(|i| i.set(prev));
            MAX_SIZE.with(|m| m.set(max_size));
        }
    }
}

impl Account {
    /// An account with these limits (bytes; size units), using nothing yet.
    pub(crate) fn new(limit: Option<usize>, max_size: Option<usize>) -> Account {
        Account {
            id: LAST_ID.fetch_add(1, Ordering::Relaxed) + 1,
            limit: limit.unwrap_or(usize::MAX),
            max_size: max_size.unwrap_or(usize::MAX),
            used: 0,
            deadline: None,
        }
    }

    /// Sets the limits and starts counting from zero (installed or not).
    pub(crate) fn reset(
        &mut self,
        limit: Option<usize>,
        max_size: Option<usize>,
        deadline: Option<std::time::Instant>,
    ) {
        self.limit = limit.unwrap_or(usize::MAX);
        self.max_size = max_size.unwrap_or(usize::MAX);
        self.deadline = deadline;
        self.used = 0;
        if self.is_installed() {
            self.install();
            OVERSIZE.with(|o| o.set(None));
        }
    }

    /// Whether this account is the installed one.
    fn is_installed(&self) -> bool {
        INSTALLED.with(Cell::get).id == self.id
    }

    /// The bytes this account uses.
    pub(crate) fn used(&self) -> isize {
        if self.is_installed() {
            used()
        } else {
            self.used
        }
    }

    fn install(&self) {
        let base = NET.with(Cell::get).wrapping_sub(self.used);
        INSTALLED.with(|i| {
            i.set(Installed {
                id: self.id,
                base,
                limit: self.limit,
                deadline: self.deadline,
            })
        });
        MAX_SIZE.with(|m| m.set(self.max_size));
    }

    /// Installs the account for a run, unless it is installed already; pass the token
    /// to [`Account::leave`].
    pub(crate) fn enter(&mut self) -> Entered {
        if self.is_installed() {
            return Entered(None);
        }
        let prev = (INSTALLED.with(Cell::get), MAX_SIZE.with(Cell::get));
        self.install();
        Entered(Some(prev))
    }

    /// Ends a run begun by [`Account::enter`]: records the usage and reinstalls what
    /// was installed before.
    pub(crate) fn leave(&mut self, entered: Entered) {
        if entered.0.is_some() {
            self.used = used();
            OVERSIZE.with(|o| o.set(None));
        }
        drop(entered);
    }
}

/// The accounting state of a fiber that is not running: what was installed, with its
/// usage instead of a base in the counter (which moves while other code runs).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Parked {
    id: u64,
    used: isize,
    limit: usize,
    deadline: Option<std::time::Instant>,
    max_size: usize,
    oversize: Option<(Shape, usize)>,
}

impl Default for Parked {
    /// Nothing installed.
    fn default() -> Self {
        Parked {
            id: 0,
            used: 0,
            limit: usize::MAX,
            deadline: None,
            max_size: usize::MAX,
            oversize: None,
        }
    }
}

/// Switches out the accounting state of the code running now (a fiber being suspended,
/// or the code about to resume one), leaving nothing installed.
pub(crate) fn park() -> Parked {
    let a = INSTALLED.with(|i| i.replace(NOTHING));
    Parked {
        id: a.id,
        used: NET.with(Cell::get).wrapping_sub(a.base),
        limit: a.limit,
        deadline: a.deadline,
        max_size: MAX_SIZE.with(|m| m.replace(usize::MAX)),
        oversize: OVERSIZE.with(|o| o.replace(None)),
    }
}

/// Switches a parked accounting state back in: what it had installed goes on being
/// charged from where it was.
pub(crate) fn unpark(p: Parked) {
    let base = NET.with(Cell::get).wrapping_sub(p.used);
    INSTALLED.with(|i| {
        i.set(Installed {
            id: p.id,
            base,
            limit: p.limit,
            deadline: p.deadline,
        })
    });
    MAX_SIZE.with(|m| m.set(p.max_size));
    OVERSIZE.with(|o| o.set(p.oversize));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_counts_what_is_made_while_it_is_installed() {
        let mut a = Account::new(Some(1000), None);
        let e = a.enter();
        assert_eq!(a.used(), 0);
        charge(600);
        assert!(reserve(400).is_ok());
        let err = reserve(401).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Limit);
        assert_eq!(err.message(), "memory limit exceeded: more than 1000 bytes");
        credit(100);
        assert_eq!(a.used(), 500);
        a.leave(e);
        // Outside the account, nothing is limited or charged to it.
        assert!(reserve(1 << 40).is_ok());
        charge(5000);
        assert_eq!(a.used(), 500);
        credit(5000);
        let e = a.enter();
        assert_eq!(used(), 500);
        charge(600);
        assert!(check().is_err());
        credit(1100);
        assert!(check().is_ok());
        a.leave(e);
    }

    #[test]
    fn nested_accounts_restore_the_outer_one() {
        let mut outer = Account::new(Some(1000), Some(10));
        let mut inner = Account::new(None, None);
        let e = outer.enter();
        charge(100);
        let e2 = inner.enter();
        // The inner account has no limits; re-entering the outer one is a no-op.
        assert!(reserve_result(Shape::List, 1 << 20).is_ok());
        charge(300);
        inner.leave(e2);
        assert_eq!(inner.used(), 300);
        // What the inner run left alive counts for the outer one too.
        assert_eq!(outer.used(), 400);
        let e3 = outer.enter();
        let err = reserve_result(Shape::Str, 11).unwrap_err();
        assert_eq!(
            err.message(),
            "result size limit exceeded: string of 11 bytes (limit 10)"
        );
        outer.leave(e3);
        assert_eq!(MAX_SIZE.with(Cell::get), 10);
        credit(400);
        outer.leave(e);
        assert_eq!(MAX_SIZE.with(Cell::get), usize::MAX);
        assert_eq!(INSTALLED.with(Cell::get).id, 0);
    }

    #[test]
    fn parked_executions_are_charged_separately() {
        let mut a = Account::new(Some(1000), None);
        let mut b = Account::new(Some(1000), None);
        // Two fibers, each with its account entered, switched in and out.
        let ea = a.enter();
        charge(700);
        let pa = park();
        let eb = b.enter();
        charge(200);
        assert!(reserve(800).is_ok());
        let pb = park();
        unpark(pa);
        assert!(reserve(301).is_err());
        assert_eq!(used(), 700);
        a.leave(ea);
        unpark(pb);
        assert_eq!(used(), 200);
        b.leave(eb);
        assert_eq!((a.used(), b.used()), (700, 200));
        credit(900);
    }

    #[test]
    fn growth_past_the_size_limit_is_reported_by_the_next_check() {
        let mut a = Account::new(None, Some(3));
        let e = a.enter();
        note_len(Shape::List, 3);
        assert!(check().is_ok());
        note_len(Shape::Dict, 4);
        let err = check().unwrap_err();
        assert_eq!(
            err.message(),
            "result size limit exceeded: dict of 4 entries (limit 3)"
        );
        assert!(check().is_ok());
        a.leave(e);
    }

    #[test]
    fn a_panic_does_not_leave_a_limit_installed() {
        let r = std::panic::catch_unwind(|| {
            let mut a = Account::new(Some(10), Some(10));
            let _e = a.enter();
            panic!("boom");
        });
        assert!(r.is_err());
        assert_eq!(INSTALLED.with(Cell::get).id, 0);
        assert!(reserve(1 << 30).is_ok());
    }

    #[test]
    fn huge_vectors_are_errors_not_aborts() {
        let e = try_vec::<u64>(Shape::List, usize::MAX / 4).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Limit);
        assert!(try_vec::<u64>(Shape::List, 10).unwrap().capacity() >= 10);
    }
}

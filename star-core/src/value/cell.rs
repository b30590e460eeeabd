//! [`FreezeCell`]: the interior-mutability cell behind every mutable value.
//!
//! A Starlark collection is mutable until it is frozen, and refuses mutation while it is
//! being iterated. One `Cell<u32>` of state encodes both, the way google/starlark-go's
//! lists and hash tables keep a `frozen` flag and an `itercount`:
//!
//! - `FROZEN`: set once by [`FreezeCell::freeze`], never cleared, and never while a
//!   writer is alive.
//! - `WRITING`: a [`CellMut`] is alive; nothing else may look.
//! - the low bits count live [`CellRef`]s (readers, including iterators).
//!
//! A frozen cell is never written again, not even its reader count: readers of a frozen
//! cell skip the count. That is what makes frozen values safe to read from several
//! threads at once (see [`crate::value::FrozenValue`]). Unfrozen cells belong to one
//! thread (`Value` is neither `Send` nor `Sync`), so their counts need no atomics.
//!
//! Soundness does not rest on callers: while a [`CellMut`] is alive, readers are refused
//! (`try_borrow` gives `None`) and so is freezing (`try_freeze` fails), so a shared and
//! an exclusive reference to the contents never coexist. Star-core avoids holding a
//! writer across calls out to script or host code, but some calls cannot avoid it (a
//! dict insertion compares keys with a host type's `equals`); such code meets a
//! refusal, never undefined behaviour. Readers may be held across calls (an iteration
//! runs the loop body while holding one).

use std::cell::{Cell, UnsafeCell};
use std::ops::{Deref, DerefMut};

const FROZEN: u32 = 1 << 31;
const WRITING: u32 = 1 << 30;
const READERS: u32 = WRITING - 1;

/// Why a mutation was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MutateError {
    /// The value is frozen.
    Frozen,
    /// The value is being iterated (or otherwise read).
    Iterating,
}

/// A cell that can be frozen, and that refuses mutation while it is read.
pub struct FreezeCell<T> {
    state: Cell<u32>,
    value: UnsafeCell<T>,
}

impl<T: Default> Default for FreezeCell<T> {
    fn default() -> Self {
        FreezeCell::new(T::default())
    }
}

impl<T> FreezeCell<T> {
    /// A new, unfrozen cell.
    pub fn new(value: T) -> FreezeCell<T> {
        FreezeCell {
            state: Cell::new(0),
            value: UnsafeCell::new(value),
        }
    }

    /// Whether the cell is frozen.
    #[inline]
    pub fn is_frozen(&self) -> bool {
        self.state.get() & FROZEN != 0
    }

    /// Freezes the cell; returns false if it was frozen already (so that recursive
    /// freezing stops at cycles), or if it is being written (see
    /// [`FreezeCell::try_freeze`]).
    pub fn freeze(&self) -> bool {
        self.try_freeze().unwrap_or(false)
    }

    /// Freezes the cell: `Ok(true)` if it was not frozen, `Ok(false)` if it was. A cell
    /// whose writer ([`CellMut`]) is alive is not frozen (`Err`): readers of a frozen
    /// cell take shared references without counting, which must never coexist with the
    /// writer's exclusive one.
    pub fn try_freeze(&self) -> Result<bool, MutateError> {
        let s = self.state.get();
        if s & FROZEN != 0 {
            return Ok(false);
        }
        if s & WRITING != 0 {
            return Err(MutateError::Iterating);
        }
        self.state.set(s | FROZEN);
        Ok(true)
    }

    /// Reads the contents. Panics never: a read during a write (which the discipline
    /// above rules out) is reported as `None`.
    #[inline]
    pub fn try_borrow(&self) -> Option<CellRef<'_, T>> {
        let s = self.state.get();
        if s & FROZEN != 0 {
            // SAFETY: a frozen cell had no writer when it was frozen (`try_freeze`)
            // and never gets one afterwards (`borrow_mut` refuses), so the contents are
            // only ever read from now on.
            let value = unsafe { &*self.value.get() };
            return Some(CellRef {
                cell: self,
                value,
                counted: false,
            });
        }
        if s & WRITING != 0 || s & READERS == READERS {
            return None;
        }
        self.state.set(s + 1);
        // SAFETY: no writer is alive (checked above) and none can start while the
        // reader count is non-zero.
        let value = unsafe { &*self.value.get() };
        Some(CellRef {
            cell: self,
            value,
            counted: true,
        })
    }

    /// Reads the contents, which the discipline guarantees is possible.
    #[inline]
    pub fn borrow(&self) -> CellRef<'_, T> {
        match self.try_borrow() {
            Some(r) => r,
            None => unreachable_write_in_progress(),
        }
    }

    /// Gets write access, unless the cell is frozen or being read.
    #[inline]
    pub fn borrow_mut(&self) -> Result<CellMut<'_, T>, MutateError> {
        let s = self.state.get();
        if s != 0 {
            return Err(if s & FROZEN != 0 {
                MutateError::Frozen
            } else {
                MutateError::Iterating
            });
        }
        self.state.set(WRITING);
        // SAFETY: no reader or writer is alive and the cell is not frozen (state was
        // 0); while the writer lives, readers, writers and freezing are refused.
        let value = unsafe { &mut *self.value.get() };
        Ok(CellMut { cell: self, value })
    }

    /// Checks that a mutation would be allowed now, without starting it.
    #[inline]
    pub fn check_mutable(&self) -> Result<(), MutateError> {
        self.borrow_mut().map(drop)
    }

    /// Starts a long read (an iteration) not tied to a guard's lifetime; returns whether
    /// it was counted, to be passed to [`FreezeCell::end_read`].
    pub fn start_read(&self) -> bool {
        let s = self.state.get();
        if s & FROZEN != 0 || s & READERS == READERS {
            return false;
        }
        self.state.set(s + 1);
        true
    }

    /// Ends a read started by [`FreezeCell::start_read`].
    pub fn end_read(&self, counted: bool) {
        if counted && !self.is_frozen() {
            self.state.set(self.state.get() - 1);
        }
    }

    /// Takes the contents out of the cell, frozen or not, leaving the default.
    ///
    /// # Safety
    /// No reference to the contents may exist, on any thread, and none may be made
    /// while this runs or afterwards reads a frozen cell as it was (the module collector
    /// uses this on a module's globals once it proved nothing can reach them).
    pub(crate) unsafe fn take_for_teardown(&self) -> T
    where
        T: Default,
    {
        // SAFETY: the caller guarantees that nothing refers to the contents.
        unsafe { std::mem::take(&mut *self.value.get()) }
    }

    /// Direct access through an exclusive reference.
    pub fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }

    /// The contents, consuming the cell.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

#[cold]
#[inline(never)]
fn unreachable_write_in_progress() -> ! {
    // A reader was requested while a writer is alive: only a bug in star-core (holding
    // a CellMut across a call out) can get here.
    panic!("star: internal error: value read during its own mutation")
}

/// A read guard of a [`FreezeCell`].
pub struct CellRef<'a, T> {
    cell: &'a FreezeCell<T>,
    value: &'a T,
    counted: bool,
}

impl<T> Deref for CellRef<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        self.value
    }
}

impl<T> Drop for CellRef<'_, T> {
    #[inline]
    fn drop(&mut self) {
        // A cell frozen while this reader was alive keeps its stale count: frozen cells
        // are never written, and never look at the count again.
        if self.counted && !self.cell.is_frozen() {
            self.cell.state.set(self.cell.state.get() - 1);
        }
    }
}

/// A write guard of a [`FreezeCell`].
pub struct CellMut<'a, T> {
    cell: &'a FreezeCell<T>,
    value: &'a mut T,
}

impl<T> Deref for CellMut<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        self.value
    }
}

impl<T> DerefMut for CellMut<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        self.value
    }
}

impl<T> Drop for CellMut<'_, T> {
    #[inline]
    fn drop(&mut self) {
        // Nothing else changed the state while the writer was alive: no reader can
        // start and freezing is refused.
        self.cell.state.set(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_block_writers_and_freezing_is_final() {
        let c = FreezeCell::new(vec![1]);
        {
            let r = c.borrow();
            assert_eq!(r.len(), 1);
            assert_eq!(c.borrow_mut().err(), Some(MutateError::Iterating));
        }
        c.borrow_mut().unwrap().push(2);
        assert!(c.freeze());
        assert!(!c.freeze());
        assert_eq!(c.borrow_mut().err(), Some(MutateError::Frozen));
        assert_eq!(*c.borrow(), vec![1, 2]);
    }

    #[test]
    fn a_cell_being_written_refuses_to_freeze() {
        let c = FreezeCell::new(vec![1]);
        {
            let mut w = c.borrow_mut().unwrap();
            assert_eq!(c.try_freeze(), Err(MutateError::Iterating));
            assert!(!c.freeze());
            assert!(!c.is_frozen());
            assert!(c.try_borrow().is_none(), "no reader beside the writer");
            w.push(2);
        }
        assert!(c.freeze());
        assert_eq!(*c.borrow(), vec![1, 2]);
    }

    #[test]
    fn freezing_during_a_read_keeps_the_cell_frozen() {
        let c = FreezeCell::new(0);
        let r = c.borrow();
        c.freeze();
        drop(r);
        assert!(c.is_frozen());
        assert_eq!(c.borrow_mut().err(), Some(MutateError::Frozen));
    }
}

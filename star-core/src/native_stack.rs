//! The native stack: how much room is left, and growing it for deep recursion.
//!
//! The front end recurses over syntax trees and grows the stack on demand
//! (`stacker`), and the evaluator stops Starlark calls before the stack runs out. Both
//! need the bounds of the stack they run on. On an OS thread, `stacker` knows them. On
//! a fiber (a coroutine with a stack of its own, see `stream::fiber`) it does not: it
//! would compare the stack pointer with the thread's stack and map a new segment at
//! every call. So a running fiber records its bounds here, and these functions use
//! them.

use std::cell::Cell;

thread_local! {
    /// (lowest usable address, base) of the fiber stack in use, or (0, 0).
    static FIBER: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
}

/// Records the bounds of the fiber stack about to run; returns the previous ones, to
/// be restored with [`set_fiber_bounds`] when it stops running.
pub(crate) fn set_fiber_bounds(bounds: (usize, usize)) -> (usize, usize) {
    FIBER.with(|f| f.replace(bounds))
}

/// The current stack position: the stack pointer register itself, not the address
/// of a local (under AddressSanitizer, locals may live on a separate "fake stack").
#[inline(always)]
pub(crate) fn stack_pointer() -> usize {
    psm::stack_pointer() as usize
}

/// The stack left below `sp`, if known.
pub(crate) fn room(sp: usize) -> Option<usize> {
    let (limit, base) = FIBER.with(|f| f.get());
    if sp > limit && sp <= base {
        return Some(sp - limit);
    }
    stacker::remaining_stack()
}

/// Runs `f`, on a new stack segment of `stack_size` bytes if less than `red_zone` is
/// left (`stacker::maybe_grow`, aware of fibers). Host code that recurses over values
/// (a native module's encoder) uses this instead of `stacker` directly: on a fiber,
/// `stacker` alone would map a new segment at every call.
#[inline]
pub fn maybe_grow<R>(red_zone: usize, stack_size: usize, f: impl FnOnce() -> R) -> R {
    let (limit, base) = FIBER.with(|f| f.get());
    let sp = stack_pointer();
    if sp > limit && sp <= base {
        if sp - limit >= red_zone {
            f()
        } else {
            stacker::grow(stack_size, f)
        }
    } else {
        stacker::maybe_grow(red_zone, stack_size, f)
    }
}

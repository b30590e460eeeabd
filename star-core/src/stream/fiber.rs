//! Fibers: running the synchronous evaluator inside an async task.
//!
//! The evaluator is ordinary recursive Rust: a Starlark call is a Rust call, and a
//! builtin may call back into Starlark (`sorted(key=...)`, a host type's operators, a
//! `load` that runs a whole module). An async builtin may be reached at any depth of
//! that, so suspending it cannot be a matter of returning `Pending` up the Rust stack.
//! Instead, the executor runs each statement on a *fiber*: a coroutine with a stack of
//! its own ([`corosensei`]). When an async builtin's future is pending, the fiber
//! suspends with its whole Rust stack intact and the task returns `Pending` to the
//! runtime; the OS thread is free to run other tasks until the future's waker fires,
//! and the next poll resumes the fiber where it stopped.
//!
//! The same mechanism makes long computations cooperative: the step meter calls
//! [`preempt`] every few thousand steps, and a fiber that has run for longer than
//! [`SLICE`] yields to the runtime (waking itself first). That keeps other tasks on the
//! thread running and lets the runtime drop the task (cancelling the execution)
//! promptly, even inside a tight loop.
//!
//! Which fiber is running is a thread-local pointer, set by [`Fiber::poll`] around each
//! resume and restored after, so fibers interleaved on one OS thread (several
//! executors on a current-thread runtime) or nested (an executor run from inside an
//! async builtin) each find their own. Outside any fiber, [`await_future`] waits on
//! the current OS thread instead.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::ptr;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use corosensei::stack::DefaultStack;
use corosensei::{Coroutine, CoroutineResult, Yielder};

use crate::error::{Error, ErrorKind, Result};
use crate::value::memory;

/// How long a fiber runs before it lets other tasks on its thread run.
pub const SLICE: Duration = Duration::from_millis(2);

/// The size of a fiber's stack (address space; pages are committed as they are used).
/// Deep enough for the deepest Starlark recursion the depth limit allows.
pub const STACK_SIZE: usize = 256 << 20;

/// Why a fiber suspended.
enum Suspend {
    /// An async builtin's future is pending; its waker will wake the task.
    Pending,
    /// The time slice ran out; the task should be polled again at once.
    Preempt,
}

/// What a suspended fiber is resumed with.
enum Resume {
    /// Go on.
    Go,
    /// Stop waiting and fail with this error (deadline, cancellation).
    Abort(Error),
}

type FiberYielder = Yielder<Resume, Suspend>;

/// What code running on a fiber knows about it.
struct FiberCtx {
    yielder: Cell<*const FiberYielder>,
    /// The waker of the poll that resumed the fiber (valid while it runs).
    waker: Cell<*const Waker>,
    slice_start: Cell<Instant>,
    /// The lowest usable address of the fiber's stack, and its base.
    bounds: (usize, usize),
    /// Set while a dropped fiber's stack is being unwound: nothing may suspend then,
    /// and a caught panic must be resumed (it is the unwinding itself).
    unwinding: Cell<bool>,
}

thread_local! {
    static CURRENT: Cell<*const FiberCtx> = const { Cell::new(ptr::null()) };
}

/// Suspends the current fiber, if there is one running.
fn suspend(why: Suspend) -> Option<Resume> {
    let ctx = CURRENT.with(|c| c.get());
    if ctx.is_null() {
        return None;
    }
    // SAFETY: `CURRENT` points at the context of the fiber running on this thread; it
    // is set by `Fiber::poll` for the duration of the resume and the context (boxed in
    // the fiber) outlives it. The yielder pointer is set by the fiber's body before
    // any code runs in it and lives on the fiber's stack for the body's whole run.
    let ctx = unsafe { &*ctx };
    if ctx.unwinding.get() {
        return Some(Resume::Abort(Error::new(
            ErrorKind::Cancelled,
            "execution cancelled",
        )));
    }
    // SAFETY: see above; the yielder is set before the body runs.
    let yielder = unsafe { &*ctx.yielder.get() };
    let r = yielder.suspend(why);
    ctx.slice_start.set(Instant::now());
    Some(r)
}

/// Awaits an async builtin's future: inside a fiber by suspending it while the future
/// is pending; elsewhere by driving it on the current OS thread (see [`block_on`]).
/// Errors are `Host` errors, which the builtin's call prefixes with its name.
pub(crate) fn await_future<T>(mut fut: Pin<Box<dyn Future<Output = Result<T>> + '_>>) -> Result<T> {
    let ctx = CURRENT.with(|c| c.get());
    if ctx.is_null() {
        return block_on(fut);
    }
    loop {
        // SAFETY: see `suspend`; the waker pointer is refreshed by every resume and
        // valid until the fiber next suspends (it is null while the fiber is being
        // unwound, when nothing may wait).
        let waker = unsafe { (*ctx).waker.get().as_ref() };
        let Some(waker) = waker else {
            return Err(Error::new(ErrorKind::Cancelled, "execution cancelled"));
        };
        if let Poll::Ready(v) = fut.as_mut().poll(&mut Context::from_waker(waker)) {
            return v;
        }
        match suspend(Suspend::Pending) {
            Some(Resume::Go) => {}
            Some(Resume::Abort(e)) => return Err(e),
            None => unreachable!("a fiber is running"),
        }
    }
}

/// Whether the running fiber is being unwound because its future was dropped. A
/// `catch_unwind` on a fiber must resume the unwinding when this is true.
pub(crate) fn unwinding() -> bool {
    let ctx = CURRENT.with(|c| c.get());
    // SAFETY: see `suspend`.
    !ctx.is_null() && unsafe { (*ctx).unwinding.get() }
}

/// A point where a long computation lets other tasks run: when the current fiber's
/// time slice is used up, it yields to the runtime. Fails when the executor aborted
/// the fiber meanwhile (deadline, cancellation).
pub(crate) fn preempt() -> Result<()> {
    let ctx = CURRENT.with(|c| c.get());
    if ctx.is_null() {
        return Ok(());
    }
    // SAFETY: see `suspend`.
    let start = unsafe { (*ctx).slice_start.get() };
    if start.elapsed() < SLICE {
        return Ok(());
    }
    match suspend(Suspend::Preempt) {
        Some(Resume::Abort(e)) => Err(e),
        _ => Ok(()),
    }
}

/// Whether code is running on a fiber.
pub fn on_fiber() -> bool {
    !CURRENT.with(|c| c.get()).is_null()
}

/// Something that can interrupt a fiber waiting for an async builtin: it reports an
/// error once its condition holds, and arranges for the task to be woken then.
pub(crate) trait Interrupt {
    /// `Some(error)` if the wait must end now; otherwise registers `cx`'s waker.
    fn check(&mut self, cx: &mut Context<'_>) -> Option<Error>;
}

/// A future that runs a closure on a fiber (see the module documentation).
pub(crate) struct Fiber<'a, R, I: Interrupt> {
    co: Option<Coroutine<Resume, Suspend, R, DefaultStack>>,
    ctx: Box<FiberCtx>,
    interrupt: I,
    /// The stack to hand back when the closure is done.
    stack_slot: &'a mut Option<DefaultStack>,
    waiting: bool,
    /// The fiber's memory accounting while it is suspended.
    parked: crate::value::memory::Parked,
}

impl<'a, R, I: Interrupt> Fiber<'a, R, I> {
    /// Runs `f` on a fiber, with the stack in `stack_slot` (or a new one), which is
    /// put back there when `f` returns. `interrupt` may end a wait for an async
    /// builtin early.
    pub(crate) fn new<F>(stack_slot: &'a mut Option<DefaultStack>, interrupt: I, f: F) -> Self
    where
        F: FnOnce() -> R + 'a,
    {
        let stack = match stack_slot.take() {
            Some(s) => s,
            None => DefaultStack::new(STACK_SIZE).expect("cannot allocate a fiber stack"),
        };
        let ctx = Box::new(FiberCtx {
            yielder: Cell::new(ptr::null()),
            waker: Cell::new(ptr::null()),
            slice_start: Cell::new(Instant::now()),
            bounds: {
                use corosensei::stack::Stack;
                (stack.limit().get(), stack.base().get())
            },
            unwinding: Cell::new(false),
        });
        let ctx_ptr: *const FiberCtx = &*ctx;
        let body = move |y: &FiberYielder, _: Resume| {
            // SAFETY: the context is boxed in the fiber, which owns the coroutine.
            unsafe { (*ctx_ptr).yielder.set(y) };
            f()
        };
        // SAFETY: everything `f` borrows lives for 'a, and so does this future: the
        // coroutine is driven to completion or dropped (which unwinds its stack,
        // dropping what it holds) before the borrows end. A fiber that is forgotten
        // is never resumed again.
        let co = unsafe { Coroutine::with_stack_unchecked(stack, body) };
        Fiber {
            co: Some(co),
            ctx,
            interrupt,
            stack_slot,
            waiting: false,
            parked: Default::default(),
        }
    }
}

impl<R, I: Interrupt + Unpin> Future for Fiber<'_, R, I> {
    type Output = R;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        // Nothing in a `Fiber` is pinned structurally: the coroutine's stack lives
        // elsewhere and the context is boxed.
        let this = self.get_mut();
        let mut resume = Resume::Go;
        if this.waiting {
            if let Some(e) = this.interrupt.check(cx) {
                resume = Resume::Abort(e);
            }
        }
        this.ctx.waker.set(cx.waker());
        this.ctx.slice_start.set(Instant::now());
        let r = {
            // Restores the thread-locals on every exit, a panic propagating out of the
            // fiber included.
            let _running = Running::enter(&this.ctx, &mut this.parked);
            let co = this.co.as_mut().expect("fiber polled after completion");
            co.resume(resume)
        };
        match r {
            CoroutineResult::Yield(Suspend::Preempt) => {
                this.waiting = false;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            CoroutineResult::Yield(Suspend::Pending) => {
                this.waiting = true;
                // Arm the interruptions; one that already holds ends the wait now.
                if this.interrupt.check(cx).is_some() {
                    cx.waker().wake_by_ref();
                }
                Poll::Pending
            }
            CoroutineResult::Return(v) => {
                let co = this.co.take().expect("fiber present");
                *this.stack_slot = Some(co.into_stack());
                Poll::Ready(v)
            }
        }
    }
}

impl<R, I: Interrupt> Drop for Fiber<'_, R, I> {
    fn drop(&mut self) {
        if let Some(co) = self.co.take() {
            if co.started() && !co.done() {
                // Dropping a suspended coroutine unwinds its stack on this thread: do
                // that with the fiber's context installed, so that drops are charged
                // to its memory account and know its stack, and mark it unwinding so
                // that nothing suspends and no `catch_unwind` stops the unwinding.
                self.ctx.unwinding.set(true);
                let _running = Running::enter(&self.ctx, &mut self.parked);
                drop(co);
            }
        }
    }
}

/// The thread-local state of a fiber while it runs on this OS thread: installed by
/// [`Running::enter`], and restored to what it was when the guard drops, whatever way
/// the resumed code leaves (a suspension, a return, a panic propagating out of it).
///
/// Ownership rule: `CURRENT` and the native-stack bounds point at a fiber's context
/// only while a `Running` guard of that fiber is alive; the context is boxed in the
/// fiber, which outlives the guard.
struct Running<'a> {
    ctx: &'a FiberCtx,
    prev: *const FiberCtx,
    prev_bounds: (usize, usize),
    outer: Option<memory::Parked>,
    parked: &'a mut memory::Parked,
}

impl<'a> Running<'a> {
    fn enter(ctx: &'a FiberCtx, parked: &'a mut memory::Parked) -> Running<'a> {
        let prev = CURRENT.with(|c| c.replace(ctx));
        let prev_bounds = crate::native_stack::set_fiber_bounds(ctx.bounds);
        let outer = memory::park();
        memory::unpark(*parked);
        Running {
            ctx,
            prev,
            prev_bounds,
            outer: Some(outer),
            parked,
        }
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        *self.parked = memory::park();
        if let Some(outer) = self.outer.take() {
            memory::unpark(outer);
        }
        crate::native_stack::set_fiber_bounds(self.prev_bounds);
        CURRENT.with(|c| c.set(self.prev));
        self.ctx.waker.set(ptr::null());
    }
}

/// Drives an async builtin's future outside a fiber (a synchronous entry point such
/// as `Module::exec`). Outside any tokio runtime, it runs on a current-thread runtime
/// kept for this OS thread (timers and the like work). Inside a runtime, a future
/// that is ready at once is fine, but blocking this thread for one that is not could
/// never end (the runtime that would complete it is the one blocked), so that is an
/// error that points at the streaming executor.
fn block_on<T>(mut fut: Pin<Box<dyn Future<Output = Result<T>> + '_>>) -> Result<T> {
    if tokio::runtime::Handle::try_current().is_ok() {
        let mut cx = Context::from_waker(Waker::noop());
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        return Err(Error::new(
            ErrorKind::Host,
            "an async builtin cannot be awaited by a synchronous run inside an async runtime (it would block the runtime): run the script with star_core::stream::Executor",
        ));
    }
    thread_local! {
        static RUNTIME: std::cell::OnceCell<Option<tokio::runtime::Runtime>> =
            const { std::cell::OnceCell::new() };
    }
    RUNTIME.with(|rt| {
        let rt = rt.get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .ok()
        });
        match rt {
            Some(rt) => rt.block_on(fut),
            None => Err(Error::new(
                ErrorKind::Host,
                "cannot start a runtime to await an async builtin",
            )),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wakes a parked OS thread.
    struct ThreadWaker(std::thread::Thread);

    impl std::task::Wake for ThreadWaker {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.unpark();
        }
    }

    struct Never;
    impl Interrupt for Never {
        fn check(&mut self, _: &mut Context<'_>) -> Option<Error> {
            None
        }
    }

    /// A future that is pending once, waking itself.
    struct YieldOnce(bool);
    impl Future for YieldOnce {
        type Output = Result<u32>;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<u32>> {
            if self.0 {
                Poll::Ready(Ok(7))
            } else {
                self.0 = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }

    #[test]
    fn a_fiber_suspends_for_a_pending_future_and_keeps_its_stack() {
        let mut slot = None;
        let mut local = 1;
        let fiber = Fiber::new(&mut slot, Never, || {
            assert!(on_fiber());
            // Deep in recursion, the future is awaited by suspending the fiber.
            fn deep(n: u32) -> u32 {
                if n == 0 {
                    await_future(Box::pin(YieldOnce(false))).unwrap()
                } else {
                    deep(n - 1) + 1
                }
            }
            local += deep(100);
            local
        });
        let mut fiber = Box::pin(fiber);
        let waker = Waker::from(std::sync::Arc::new(ThreadWaker(std::thread::current())));
        let mut cx = Context::from_waker(&waker);
        assert!(fiber.as_mut().poll(&mut cx).is_pending());
        assert!(!on_fiber());
        assert_eq!(fiber.as_mut().poll(&mut cx), Poll::Ready(108));
        drop(fiber);
        assert!(slot.is_some(), "the stack is handed back for reuse");
    }

    #[test]
    fn outside_a_fiber_futures_are_awaited_on_the_thread() {
        assert_eq!(await_future(Box::pin(YieldOnce(false))).unwrap(), 7);
        assert!(preempt().is_ok());
    }

    #[test]
    fn dropping_a_suspended_fiber_unwinds_it() {
        struct Flag<'a>(&'a Cell<bool>);
        impl Drop for Flag<'_> {
            fn drop(&mut self) {
                self.0.set(true);
            }
        }
        let dropped = Cell::new(false);
        let mut slot = None;
        {
            let fiber = Fiber::new(&mut slot, Never, || {
                let _f = Flag(&dropped);
                await_future(Box::pin(std::future::pending::<Result<()>>()))
            });
            let mut fiber = Box::pin(fiber);
            let waker = Waker::from(std::sync::Arc::new(ThreadWaker(std::thread::current())));
            assert!(fiber
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending());
        }
        assert!(dropped.get());
    }
}

//! Execution limits: a step budget, a deadline and cancellation, checked by the machine
//! at every loop iteration and every call; and memory and result-size limits, kept by
//! the value types' accounting (`value/memory.rs`) and checked here too.
//!
//! A *step* is one iteration of a loop (`for`, `while`, a comprehension's `for`) or one
//! call of a Starlark function: every way a program can keep running goes through one,
//! so a program without steps left stops promptly, even inside a tight loop. The
//! machine only decrements a counter (`fuel`) on the hot path; when it runs out, the
//! slow path here counts the steps used, checks the limits, and hands out the next
//! batch (at most [`BATCH`] steps, so the deadline and the cancellation flag are looked
//! at every few thousand steps).
//!
//! The memory limit (bytes of values made during the execution and still alive) and
//! the size limit (of one string, list, dict, set, tuple or int) live in the thread's
//! memory [`Account`], which the machine installs while it runs. Code that makes a big
//! result at once checks them before allocating; growth bit by bit (a loop appending,
//! a comprehension) is caught by the check in each refill, every [`BATCH`] steps.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Waker;
use std::time::{Duration, Instant};

use crate::error::{Error, ErrorKind, Result};
use crate::value::memory::{self, Account};

/// Steps between two checks of the deadline and the cancellation flag.
const BATCH: u64 = 4096;

/// Limits on one thread's execution (none by default).
#[derive(Clone, Debug, Default)]
pub struct Limits {
    /// The most steps (loop iterations and Starlark calls) the thread may take.
    pub max_steps: Option<u64>,
    /// The time after which execution stops.
    pub deadline: Option<Instant>,
    /// Execution stops soon after this token is cancelled (by any thread).
    pub cancel: Option<CancelToken>,
    /// The most bytes of values made during the execution that may be alive at once
    /// (as counted by `value/memory.rs`: strings, bytes, tuples and the storage of
    /// lists, dicts and sets).
    pub max_memory: Option<usize>,
    /// The largest single result: bytes of a string or bytes value, elements of a
    /// list, tuple or set, entries of a dict, bits of an int.
    pub max_size: Option<usize>,
}

impl Limits {
    /// No limits.
    pub fn none() -> Limits {
        Limits::default()
    }

    /// At most `n` steps, builder style.
    pub fn max_steps(mut self, n: u64) -> Limits {
        self.max_steps = Some(n);
        self
    }

    /// A deadline `d` from now, builder style.
    pub fn timeout(mut self, d: Duration) -> Limits {
        self.deadline = Some(Instant::now() + d);
        self
    }

    /// Stops when `token` is cancelled, builder style.
    pub fn cancel_on(mut self, token: CancelToken) -> Limits {
        self.cancel = Some(token);
        self
    }

    /// At most `bytes` bytes of values alive at once, builder style.
    pub fn max_memory(mut self, bytes: usize) -> Limits {
        self.max_memory = Some(bytes);
        self
    }

    /// No single result bigger than `n` (bytes, elements, entries or bits), builder
    /// style.
    pub fn max_size(mut self, n: usize) -> Limits {
        self.max_size = Some(n);
        self
    }

    fn is_unlimited(&self) -> bool {
        self.max_steps.is_none()
            && self.deadline.is_none()
            && self.cancel.is_none()
            && self.max_memory.is_none()
            && self.max_size.is_none()
    }
}

/// A cancellation flag shared between the host and executions: cancelling it stops
/// every execution whose [`Limits`] name it, at its next step, or at once if it is
/// waiting for an async builtin. Clones share the flag.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<CancelInner>);

#[derive(Debug, Default)]
struct CancelInner {
    flag: AtomicBool,
    wakers: Mutex<Vec<Waker>>,
}

impl CancelToken {
    /// A token not yet cancelled.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Cancels: executions watching the token stop soon.
    pub fn cancel(&self) {
        self.0.flag.store(true, Ordering::SeqCst);
        let wakers = std::mem::take(&mut *self.0.wakers.lock().unwrap_or_else(|e| e.into_inner()));
        for w in wakers {
            w.wake();
        }
    }

    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.flag.load(Ordering::Relaxed)
    }

    /// Wakes `waker` when the token is cancelled (at once if it already is).
    pub(crate) fn wake_on_cancel(&self, waker: &Waker) {
        let mut ws = self.0.wakers.lock().unwrap_or_else(|e| e.into_inner());
        if self.0.flag.load(Ordering::SeqCst) {
            drop(ws);
            waker.wake_by_ref();
            return;
        }
        if !ws.iter().any(|w| w.will_wake(waker)) {
            ws.push(waker.clone());
        }
    }
}

/// The error of a cancelled execution.
pub(crate) fn cancelled() -> Error {
    Error::new(ErrorKind::Cancelled, "execution cancelled")
}

/// The error of an execution past its deadline.
pub(crate) fn deadline_exceeded() -> Error {
    Error::new(ErrorKind::Limit, "execution deadline exceeded")
}

/// The machine's step accounting for one thread.
#[derive(Debug)]
pub(crate) struct Meter {
    /// Steps left in the current batch.
    fuel: u64,
    /// The size of the current batch.
    batch: u64,
    /// Steps used in the batches before the current one.
    used: u64,
    limits: Limits,
    /// Running on a fiber that must yield to its runtime now and then.
    cooperative: bool,
    /// Memory and result sizes.
    pub(crate) memory: Account,
}

impl Default for Meter {
    fn default() -> Self {
        Meter {
            fuel: u64::MAX,
            batch: u64::MAX,
            used: 0,
            limits: Limits::none(),
            cooperative: false,
            memory: Account::default(),
        }
    }
}

impl Meter {
    /// Sets the limits; the step count starts again from zero.
    pub(crate) fn set_limits(&mut self, limits: Limits) {
        self.memory
            .reset(limits.max_memory, limits.max_size, limits.deadline);
        self.limits = limits;
        self.used = 0;
        self.batch = if self.limits.is_unlimited() && !self.cooperative {
            // Never runs out: the hot path's decrement is all an unlimited thread pays.
            u64::MAX
        } else {
            self.limits.max_steps.unwrap_or(u64::MAX).min(BATCH)
        };
        self.fuel = self.batch;
    }

    /// Makes the thread cooperative (or not): every batch of steps, the machine lets
    /// other tasks run if its fiber's time slice is used up (see `stream::fiber`).
    pub(crate) fn set_cooperative(&mut self, on: bool) {
        let steps = self.steps();
        self.cooperative = on;
        let limits = self.limits.clone();
        self.set_limits(limits);
        self.used = steps;
    }

    /// The steps taken so far under the current limits.
    pub(crate) fn steps(&self) -> u64 {
        self.used + (self.batch - self.fuel)
    }

    /// Takes one step: fails when a limit is reached (the machine calls this at every
    /// loop iteration and call).
    #[inline(always)]
    pub(crate) fn tick(&mut self) -> Result<()> {
        self.fuel -= 1;
        if self.fuel == 0 {
            return self.refuel();
        }
        Ok(())
    }

    /// After a limit was hit: the next step checks the limits again (and fails again,
    /// unless the limit was a one-off interruption).
    fn trip(&mut self) {
        self.fuel = 1;
        self.batch = 1;
    }

    /// Called when `fuel` reached zero: checks the limits and refills.
    #[cold]
    #[inline(never)]
    fn refuel(&mut self) -> Result<()> {
        self.used += self.batch;
        if self.cooperative {
            if let Err(e) = crate::stream::fiber::preempt() {
                self.trip();
                return Err(e);
            }
        }
        if let Some(token) = &self.limits.cancel {
            if token.is_cancelled() {
                self.trip();
                return Err(cancelled());
            }
        }
        if let Some(d) = self.limits.deadline {
            if Instant::now() >= d {
                self.trip();
                return Err(deadline_exceeded());
            }
        }
        let left = match self.limits.max_steps {
            Some(max) if self.used >= max => {
                self.trip();
                return Err(Error::new(
                    ErrorKind::Limit,
                    format!("step limit exceeded: more than {max} steps"),
                ));
            }
            Some(max) => max - self.used,
            None => u64::MAX,
        };
        self.batch = left.min(BATCH);
        self.fuel = self.batch;
        // After a memory error the meter stays usable: the memory may be freed.
        memory::check()
    }
}

thread_local! {
    /// Calls of [`native_tick`] on this thread.
    static NATIVE_TICKS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// A step of a native walk whose length the step budget does not bound: comparing or
/// hashing values that share structure (`x = [x, x]` sixty times is small, and
/// compares with itself in 2^60 steps). Every 65,536 calls it checks the deadline of
/// the execution running on this thread.
#[inline]
pub(crate) fn native_tick() -> Result<()> {
    let n = NATIVE_TICKS.with(|c| {
        let n = c.get().wrapping_add(1);
        c.set(n);
        n
    });
    if n & 0xFFFF == 0 {
        if let Some(d) = memory::deadline() {
            if Instant::now() >= d {
                return Err(deadline_exceeded());
            }
        }
    }
    Ok(())
}

/// Native operations whose cost grows faster than their result: one of them can run
/// for minutes without a step in between (squaring a number of millions of digits,
/// printing it in decimal). See [`costly`].
#[derive(Clone, Copy, Debug)]
pub(crate) enum Work {
    /// Multiplying big ints; units: limbs^1.6 of the larger (Karatsuba).
    Multiply,
    /// Dividing big ints; units: limbs of the dividend times limbs of the divisor.
    Divide,
    /// Converting between a big int and decimal text; units: limbs squared.
    Decimal,
    /// Sorting; units: n log2 n for n elements.
    Sort,
}

impl Work {
    /// The work of a product, quotient or conversion (the operands' sizes in bits), or
    /// of a sort (the number of elements as `a_bits`), in the units above.
    pub(crate) fn units(self, a_bits: u64, b_bits: u64) -> f64 {
        let limbs = |bits: u64| (bits as f64 / 64.0).max(1.0);
        match self {
            Work::Multiply => limbs(a_bits.max(b_bits)).powf(1.6),
            Work::Divide => limbs(a_bits) * limbs(b_bits),
            Work::Decimal => limbs(a_bits) * limbs(a_bits),
            Work::Sort => {
                let n = a_bits as f64;
                n * n.max(2.0).log2()
            }
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    fn name(self) -> &'static str {
        match self {
            Work::Multiply => "multiplying",
            Work::Divide => "dividing",
            Work::Decimal => "converting to or from decimal",
            Work::Sort => "sorting",
        }
    }
}

/// Work below this many units runs unguarded (microseconds).
const SMALL_WORK: f64 = 20_000.0;

thread_local! {
    /// Nanoseconds per unit of each kind of work, as last measured on this thread
    /// (starting from conservative figures for a slow machine).
    static RATE: std::cell::Cell<[f64; 4]> =
        const { std::cell::Cell::new([1.0, 0.5, 2.0, 3.0]) };
}

/// Runs an expensive native operation under the execution's deadline. The
/// operation cannot be interrupted once started, so its time is predicted from its
/// size and what the same kind of work took before on this thread; if the
/// prediction does not fit in the time left, it is refused up front ("operation too
/// expensive"). Each guarded run updates the prediction, so a program doubling a
/// number's size at every step is stopped before the step that would overshoot.
pub(crate) fn costly<T>(work: Work, units: f64, f: impl FnOnce() -> T) -> Result<T> {
    if units < SMALL_WORK {
        return Ok(f());
    }
    let deadline = crate::value::memory::deadline();
    let rates = RATE.with(std::cell::Cell::get);
    let rate = rates[work.index()];
    if let Some(d) = deadline {
        let left = d.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(deadline_exceeded());
        }
        let predicted = Duration::from_secs_f64(units * rate / 1e9);
        if predicted > left {
            return Err(Error::new(
                ErrorKind::Limit,
                format!(
                    "operation too expensive: {} would take about {:.1} s, and {:.1} s are left before the deadline",
                    work.name(),
                    predicted.as_secs_f64(),
                    left.as_secs_f64()
                ),
            ));
        }
    }
    let start = Instant::now();
    let r = f();
    let observed = start.elapsed().as_nanos() as f64 / units;
    // Lean towards the slower of the two, so that one fast run does not make the next
    // prediction optimistic.
    let mut rates = rates;
    rates[work.index()] = observed.max(rate * 0.75);
    RATE.with(|c| c.set(rates));
    Ok(r)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::{CancelToken, Limits};
    use crate::eval::{ExecError, Module, Predeclared};
    use crate::{Dialect, ErrorKind, Thread};

    /// Runs `src` in the extended dialect with `limits`; returns the error and the steps.
    fn run(src: &str, limits: Limits) -> (Option<crate::Error>, u64) {
        // Deep recursion needs more stack than a test thread has (in debug builds).
        let src = src.to_string();
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(move || run_here(&src, limits))
            .unwrap()
            .join()
            .unwrap()
    }

    fn run_here(src: &str, limits: Limits) -> (Option<crate::Error>, u64) {
        let mut t = Thread::new("test");
        t.set_print(|_| {});
        t.set_limits(limits);
        let mut m = Module::new("limits.star", Predeclared::new(), Dialect::extended());
        let e = match m.exec(&mut t, src) {
            Ok(()) => None,
            Err(ExecError::Runtime(e)) => Some(e),
            Err(ExecError::Static(d)) => panic!("{d:?}"),
        };
        (e, t.steps())
    }

    #[test]
    fn loop_iterations_and_calls_are_steps() {
        let src = "def f(x):\n    return x\nfor i in range(10):\n    f(i)\nn = 0\nwhile n < 5:\n    n += 1\nx = [j for j in range(7)]\n";
        let (e, steps) = run(src, Limits::none().max_steps(1000));
        assert!(e.is_none(), "{e:?}");
        // 10 iterations + 10 calls + 5 while iterations + 7 comprehension iterations
        // (a loop's first iteration is not a step: it is reached without looping).
        assert_eq!(steps, 9 + 10 + 5 + 6);
    }

    #[test]
    fn a_step_limit_stops_endless_loops_and_recursion() {
        for src in [
            "while True:\n    pass\n",
            "for i in range(2000000000):\n    pass\n",
            "x = [i for i in range(2000000000)]\n",
            "def f(n):\n    return f(n + 1)\nf(0)\n",
        ] {
            let (e, steps) = run(src, Limits::none().max_steps(900));
            let e = e.expect("stopped");
            assert_eq!(e.kind(), ErrorKind::Limit, "{src}: {e:?}");
            assert_eq!(
                e.message(),
                "step limit exceeded: more than 900 steps",
                "{src}"
            );
            assert_eq!(steps, 900, "{src}");
        }
    }

    #[test]
    fn a_deadline_and_cancellation_stop_a_tight_loop_promptly() {
        let start = Instant::now();
        let (e, _) = run(
            "while True:\n    pass\n",
            Limits::none().timeout(Duration::from_millis(50)),
        );
        let e = e.expect("stopped");
        assert_eq!(
            (e.kind(), e.message()),
            (ErrorKind::Limit, "execution deadline exceeded")
        );
        assert!(start.elapsed() < Duration::from_secs(5));

        let flag = CancelToken::new();
        let setter = flag.clone();
        let h = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            setter.cancel();
        });
        let (e, _) = run("while True:\n    pass\n", Limits::none().cancel_on(flag));
        h.join().unwrap();
        let e = e.expect("stopped");
        assert_eq!(
            (e.kind(), e.message()),
            (ErrorKind::Cancelled, "execution cancelled")
        );
    }

    #[test]
    fn without_limits_nothing_is_counted_against_the_program() {
        let (e, _) = run("for i in range(100000):\n    pass\n", Limits::none());
        assert!(e.is_none());
    }
}

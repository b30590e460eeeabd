//! The register machine: runs [`Code`].
//!
//! One Rust call of [`run`] executes one frame: a function call or a module's top level.
//! The dispatch loop is a `match` on the instruction; integer and float arithmetic and
//! comparisons have inline fast paths, everything else calls into `ops`. A call of a
//! Starlark function from Starlark is a recursive Rust call: the frame's registers come
//! from a per-thread pool of buffers, so a call allocates nothing once the pool is warm.
//!
//! Errors unwind as `Err`: each frame they pass through appends itself (function, file,
//! position of the failing instruction) to the error's backtrace, so building the
//! backtrace costs nothing until an error actually happens.
//!
//! A local that may be read before assignment is checked against a sentinel ([`UNBOUND`],
//! a private builtin that no script can name), with which locals, cells and globals
//! start.

use triomphe::Arc;

use super::code::*;
use super::limits::Meter;
use super::ops;
use super::stack::RegStack;
use crate::call::{Args, NativeFunction, NativeImpl, Signature};
use crate::error::{Error, ErrorKind, Frame, Result};
use crate::syntax::BinOp;
use crate::thread::Thread;
use crate::value::memory::{self, Shape};
use crate::value::{Dict, FreezeCell, HashedValue, List, Set, Str, Tuple, Value};

static UNBOUND_SIGNATURE: Signature = Signature {
    params: &[],
    positional: 0,
    positional_only: 0,
    slots: 0,
    has_args: false,
    has_kwargs: false,
};

fn unbound_call(_: &mut Thread, _: &Value, _: &Args<'_>) -> Result<Value> {
    Err(Error::new(
        ErrorKind::Other,
        "internal error: unbound value called",
    ))
}

/// The sentinel of unassigned variables.
pub(crate) static UNBOUND: NativeFunction = NativeFunction {
    name: "<unbound>",
    doc: "",
    signature: &UNBOUND_SIGNATURE,
    pure: true,
    imp: NativeImpl::Sync(unbound_call),
};

#[inline]
pub(crate) fn unbound() -> Value {
    Value::Builtin(&UNBOUND)
}

#[inline]
pub(crate) fn is_unbound(v: &Value) -> bool {
    matches!(v, Value::Builtin(f) if std::ptr::eq(*f, &UNBOUND))
}

/// How deep Starlark calls may nest before "Starlark stack overflow".
pub const DEFAULT_MAX_DEPTH: usize = 1000;

/// A variable captured by a closure.
pub type ValueCell = FreezeCell<Value>;

/// The state of a module shared by its code and its functions: globals, and the
/// top-level locals that persist between statements.
pub struct ModuleState {
    /// Global variables, by slot; [`unbound`] until assigned.
    pub(crate) globals: FreezeCell<Vec<Value>>,
    /// Their names, by slot.
    pub(crate) global_names: FreezeCell<Vec<Str>>,
    /// Functions that were global values and have been replaced while their code was
    /// on the thread's call stack. `CallGlobal` calls a global function through a
    /// plain reference to the slot's value, without taking a reference count, and the
    /// call is on the call stack while it runs; so a function replaced while not on
    /// the call stack can go at once, and one that is stays here.
    retired: FreezeCell<Vec<Value>>,
    /// Whether functions may call themselves.
    pub(crate) recursion: bool,
    /// The OS thread that made the module (`collect::thread_id`).
    pub(crate) owner: u64,
    /// Whether a value reaching this module has been taken out of a `FrozenValue` on
    /// another OS thread (after which the module's cycles are never collected: other
    /// threads' reference counts would race with the collector's).
    pub(crate) shared: std::sync::atomic::AtomicBool,
}

impl ModuleState {
    pub(crate) fn new(recursion: bool) -> ModuleState {
        ModuleState {
            globals: FreezeCell::new(Vec::new()),
            global_names: FreezeCell::new(Vec::new()),
            retired: FreezeCell::new(Vec::new()),
            recursion,
            owner: super::collect::thread_id(),
            shared: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Notes that a value reaching the module is being used by the current OS thread.
    #[inline]
    pub(crate) fn note_use(&self) {
        let me = super::collect::thread_id();
        if me == 0 || self.owner != me {
            self.shared
                .store(true, std::sync::atomic::Ordering::Release);
        }
    }

    /// Whether the module's values may be in use on another OS thread.
    pub(crate) fn is_shared(&self) -> bool {
        self.shared.load(std::sync::atomic::Ordering::Acquire)
    }

    /// The functions replaced in globals (see `retired`).
    pub(crate) fn retired(&self) -> &FreezeCell<Vec<Value>> {
        &self.retired
    }
}

/// A Starlark function: compiled code, its module, default values and captured cells.
pub struct Function {
    pub(crate) code: Arc<Code>,
    pub(crate) module: Arc<ModuleState>,
    pub(crate) defaults: Box<[Value]>,
    pub(crate) free: Box<[triomphe::Arc<ValueCell>]>,
}

impl Drop for Function {
    fn drop(&mut self) {
        memory::credit(self.bytes());
    }
}

impl Function {
    /// The bytes the function takes, for the memory account: the object, its defaults,
    /// and its captured variables' cells (counted with each closure that shares them).
    fn bytes(&self) -> usize {
        std::mem::size_of::<Function>()
            + 24
            + self.defaults.len() * std::mem::size_of::<Value>()
            + self.free.len() * (8 + std::mem::size_of::<ValueCell>() + 24)
    }

    /// The function's name.
    pub fn name(&self) -> &str {
        &self.code.name
    }

    pub(crate) fn is_frozen(&self) -> bool {
        self.module.globals.is_frozen()
    }
}

/// A Starlark call in progress, as the thread records it.
///
/// Ownership rule: an entry is pushed only by [`ActiveGuard::push`], which borrows the
/// code for the guard's lifetime and pops the entry when the guard drops (on return,
/// on an error, while a panic unwinds, and while a dropped fiber is unwound). So every
/// entry's code outlives the entry, and no entry outlives the call it records.
#[derive(Clone, Copy)]
pub(crate) struct ActiveCall {
    /// Its code, borrowed by the [`ActiveGuard`] that pushed the entry.
    code: *const Code,
    /// The instruction after the call this frame is making, 0 before its first call.
    pub(crate) pc: u32,
}

/// Keeps a call on the thread's active-call stack while it lives (see [`ActiveCall`]);
/// gives access to the thread meanwhile.
pub(crate) struct ActiveGuard<'t, 'c> {
    thread: &'t mut Thread,
    _code: std::marker::PhantomData<&'c Code>,
}

impl<'t, 'c> ActiveGuard<'t, 'c> {
    /// Records a call of `code`.
    #[inline]
    pub(crate) fn push(thread: &'t mut Thread, code: &'c Code) -> Self {
        thread.eval.active.push(ActiveCall { code, pc: 0 });
        ActiveGuard {
            thread,
            _code: std::marker::PhantomData,
        }
    }
}

impl std::ops::Deref for ActiveGuard<'_, '_> {
    type Target = Thread;
    #[inline]
    fn deref(&self) -> &Thread {
        self.thread
    }
}

impl std::ops::DerefMut for ActiveGuard<'_, '_> {
    #[inline]
    fn deref_mut(&mut self) -> &mut Thread {
        self.thread
    }
}

impl Drop for ActiveGuard<'_, '_> {
    #[inline]
    fn drop(&mut self) {
        self.thread.eval.active.pop();
    }
}

/// A frame of registers on the thread's register stack, popped (its values dropped)
/// when the guard drops, on every exit path; gives access to the thread meanwhile.
struct FrameGuard<'t> {
    thread: &'t mut Thread,
    base: *mut Value,
    n: usize,
    mark: super::stack::Mark,
}

impl<'t> FrameGuard<'t> {
    #[inline]
    fn push(thread: &'t mut Thread, n: usize) -> Self {
        let (base, mark) = thread.eval.stack.push(n);
        FrameGuard {
            thread,
            base,
            n,
            mark,
        }
    }

    /// The frame's registers (not tied to the guard's borrow, so that the thread
    /// stays usable beside them).
    ///
    /// # Safety
    /// Call it once per guard, and do not use the slice after the guard drops.
    #[inline]
    unsafe fn regs<'r>(&self) -> &'r mut [Value] {
        // SAFETY: the frame's `n` slots were initialised by `RegStack::push` and stay
        // in place until this guard pops them; frames of callees are taken above them,
        // so nothing else refers to these slots; the caller keeps to the rules above.
        unsafe { std::slice::from_raw_parts_mut(self.base, self.n) }
    }
}

impl std::ops::Deref for FrameGuard<'_> {
    type Target = Thread;
    #[inline]
    fn deref(&self) -> &Thread {
        self.thread
    }
}

impl std::ops::DerefMut for FrameGuard<'_> {
    #[inline]
    fn deref_mut(&mut self) -> &mut Thread {
        self.thread
    }
}

impl Drop for FrameGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: `base`, `n` and `mark` come from this guard's push; guards drop in
        // reverse order of pushing (they borrow the thread in a nested way), so this
        // is the most recent frame not yet popped, and its slice is no longer used.
        unsafe { self.thread.eval.stack.pop(self.base, self.n, self.mark) };
    }
}

/// Per-thread state of the evaluator.
pub(crate) struct EvalState {
    /// The registers of the Starlark calls in progress.
    stack: RegStack,
    /// The active Starlark calls, outermost first (for the recursion check, the depth
    /// limit and [`Thread::call_stack`]).
    pub(crate) active: Vec<ActiveCall>,
    /// Maximum call depth.
    pub(crate) max_depth: usize,
    /// Steps, deadline and cancellation.
    pub(crate) meter: Meter,
    /// The lowest native stack address calls may reach (with a margin for the builtins
    /// they call), set when an execution enters from the host.
    stack_floor: usize,
}

/// Native stack kept free below the deepest Starlark call, for the builtins it calls.
const STACK_MARGIN: usize = 256 << 10;

use crate::native_stack::stack_pointer;

impl Default for EvalState {
    fn default() -> Self {
        EvalState {
            stack: RegStack::default(),
            active: Vec::new(),
            max_depth: DEFAULT_MAX_DEPTH,
            meter: Meter::default(),
            stack_floor: 0,
        }
    }
}

impl EvalState {
    /// The Starlark frames being run, outermost first, each at the call it is making.
    pub(crate) fn call_stack(&self) -> Vec<Frame> {
        self.active
            .iter()
            .map(|a| {
                // SAFETY: an entry lives only as long as the `ActiveGuard` that pushed
                // it, which borrows the code (see `ActiveCall`).
                let code = unsafe { &*a.code };
                let span = match a.pc {
                    0 => code.span,
                    pc => code.spans[pc as usize - 1],
                };
                Frame {
                    function: code.name.clone(),
                    file: code.file.to_string(),
                    span,
                }
            })
            .collect()
    }

    /// Called when an execution enters from the host: finds how deep the native
    /// stack may go (the fiber's stack, or the OS thread's); returns the floor it
    /// replaced, for the caller to restore.
    pub(crate) fn enter(&mut self) -> usize {
        let sp = stack_pointer();
        let floor = match crate::native_stack::room(sp) {
            Some(room) => sp.saturating_sub(room) + STACK_MARGIN,
            None => 0,
        };
        std::mem::replace(&mut self.stack_floor, floor)
    }

    /// Puts back the floor [`EvalState::enter`] replaced.
    pub(crate) fn restore_floor(&mut self, floor: usize) {
        self.stack_floor = floor;
    }

    /// Runs `f` with `code` on the active-call stack, charging the thread's memory
    /// account.
    pub(crate) fn with_active<T>(
        thread: &mut Thread,
        code: &Code,
        f: impl FnOnce(&mut Thread) -> T,
    ) -> T {
        // Every entry from the host measures the stack it runs on (a statement may run
        // on another fiber than the one before, even with calls left on the thread by
        // a forgotten future), and the floor goes back when it returns.
        let floor = thread.eval.enter();
        let entered = thread.eval.meter.memory.enter();
        let r = f(&mut ActiveGuard::push(thread, code));
        thread.eval.meter.memory.leave(entered);
        thread.eval.stack_floor = floor;
        r
    }
}

/// Calls any callable value. (A host calling into Starlark from outside an execution
/// should use [`Thread::call`], which also charges the thread's memory account.)
pub fn call_value(thread: &mut Thread, f: &Value, args: &Args<'_>) -> Result<Value> {
    match f {
        Value::Function(func) => call_function(thread, func, args),
        Value::Builtin(b) => b.call(thread, args),
        Value::BoundMethod(m) => m.method.call_method(thread, &m.receiver, args),
        Value::Host(h) => h.get().call(thread, args),
        _ => Err(Error::type_error(format!(
            "invalid call of non-function ({})",
            f.type_name()
        ))),
    }
}

/// Calls a Starlark function.
pub(crate) fn call_function(thread: &mut Thread, f: &Function, args: &Args<'_>) -> Result<Value> {
    let code: &Code = &f.code;
    let key = code as *const Code;
    if !f.module.recursion && thread.eval.active.iter().any(|a| a.code == key) {
        return Err(Error::new(
            ErrorKind::Other,
            format!("function {} called recursively", code.name),
        ));
    }
    thread.eval.meter.tick()?;
    if thread.eval.active.is_empty() {
        thread.eval.enter();
    }
    if thread.eval.active.len() >= thread.eval.max_depth {
        return Err(Error::new(
            ErrorKind::Limit,
            format!(
                "Starlark stack overflow: more than {} nested calls",
                thread.eval.max_depth
            ),
        ));
    }
    if stack_pointer() < thread.eval.stack_floor {
        return Err(Error::new(
            ErrorKind::Limit,
            format!(
                "Starlark stack overflow: the native stack is exhausted after {} nested calls",
                thread.eval.active.len()
            ),
        ));
    }
    // A frame on the register stack: parameters get the arguments, other locals start
    // unbound, temporaries None. The guards pop the frame and the call record on every
    // exit, unwinding included.
    let mut frame = FrameGuard::push(thread, code.nregs as usize);
    // SAFETY: asked once; `regs` is declared after `frame`, so it is dead before the
    // guard drops (and `cells` and the active-call guard, which use it, drop first).
    let regs = unsafe { frame.regs() };
    bind_args(f, args, regs)?;
    let mut cells = make_cells(code, regs);
    let mut thread = ActiveGuard::push(&mut frame, code);
    run(&mut thread, code, &f.module, &f.free, regs, &mut cells)
}

/// Writes `unbound` into registers that hold immediates (a fresh frame's `None`s).
#[inline(always)]
fn set_unbound(regs: &mut [Value]) {
    for r in regs {
        // SAFETY: `r` is a valid slot holding an immediate, so overwriting it without
        // dropping leaks nothing (and avoids the out-of-line drop code).
        unsafe { std::ptr::write(r, unbound()) };
    }
}

/// Moves captured locals (parameters included) into fresh cells.
fn make_cells(code: &Code, regs: &mut [Value]) -> Vec<Option<triomphe::Arc<ValueCell>>> {
    if code.cells.is_empty() {
        return Vec::new();
    }
    let mut cells = vec![None; code.nlocals as usize];
    for &i in &code.cells {
        let v = std::mem::replace(&mut regs[i as usize], unbound());
        cells[i as usize] = Some(triomphe::Arc::new(FreezeCell::new(v)));
    }
    cells
}

#[cold]
fn bind_error(code: &Code, msg: String) -> Error {
    Error::new(
        ErrorKind::Arguments,
        format!("function {} {msg}", code.name),
    )
}

/// Binds call arguments to a function's parameter registers, with Python's rules.
fn bind_args(f: &Function, args: &Args<'_>, regs: &mut [Value]) -> Result<()> {
    let code: &Code = &f.code;
    let nparams = code.params.len();
    let np = code.npositional as usize;
    let nlocals = code.nlocals as usize;
    let pos = args.positional;
    // Fast path: exactly the positional parameters, nothing else.
    if pos.len() == nparams
        && pos.len() == np
        && args.named.is_empty()
        && !code.has_varargs
        && !code.has_kwargs
    {
        for (r, v) in regs.iter_mut().zip(pos) {
            // SAFETY: a fresh frame's slot holds None: nothing to drop.
            unsafe { std::ptr::write(r, v.clone()) };
        }
        set_unbound(&mut regs[nparams..nlocals]);
        return Ok(());
    }
    // Parameters start unbound too, so that binding can tell which are given.
    set_unbound(&mut regs[..nlocals]);
    let n = pos.len().min(np);
    for (r, v) in regs[..n].iter_mut().zip(pos) {
        Value::store(r, v.clone());
    }
    let mut next = nparams;
    if code.has_varargs {
        let rest = if pos.len() > np { &pos[np..] } else { &[] };
        Value::store(&mut regs[next], Value::Tuple(Tuple::from_slice(rest)));
        next += 1;
    } else if pos.len() > np {
        let at_most = if code.params[..np].iter().any(|p| p.has_default) {
            "at most "
        } else {
            ""
        };
        let s = if np == 1 { "" } else { "s" };
        return Err(bind_error(
            code,
            format!(
                "accepts {at_most}{np} positional argument{s} ({} given)",
                pos.len()
            ),
        ));
    }
    let kwargs = if code.has_kwargs {
        let d = triomphe::Arc::new(Dict::new());
        Value::store(&mut regs[next], Value::Dict(d.clone()));
        Some(d)
    } else {
        None
    };
    for (k, v) in args.keywords() {
        match code.params.iter().position(|p| p.name == *k) {
            Some(i) => {
                if !is_unbound(&regs[i]) {
                    return Err(bind_error(
                        code,
                        format!("got multiple values for parameter \"{k}\""),
                    ));
                }
                Value::store(&mut regs[i], v.clone());
            }
            None => match &kwargs {
                Some(d) => {
                    let key = HashedValue::new(Value::Str(k.clone()))?;
                    if d.borrow_mut("insert into")?
                        .insert(key, v.clone())
                        .is_some()
                    {
                        return Err(bind_error(
                            code,
                            format!("got multiple values for parameter \"{k}\""),
                        ));
                    }
                }
                None => {
                    let names: Vec<&str> =
                        code.params.iter().filter_map(|p| p.name.as_str()).collect();
                    let key = k.to_str_lossy();
                    let hint = crate::resolve::nearest(&key, &names)
                        .map(|n| format!(" (did you mean \"{n}\"?)"))
                        .unwrap_or_default();
                    return Err(bind_error(
                        code,
                        format!("got an unexpected keyword argument \"{key}\"{hint}"),
                    ));
                }
            },
        }
    }
    let mut missing = Vec::new();
    let mut d = 0;
    for (i, p) in code.params.iter().enumerate() {
        if p.has_default {
            if is_unbound(&regs[i]) {
                Value::store(&mut regs[i], f.defaults[d].clone());
            }
            d += 1;
        } else if is_unbound(&regs[i]) {
            missing.push(p.name.to_string());
        }
    }
    if !missing.is_empty() {
        let s = if missing.len() == 1 { "" } else { "s" };
        return Err(bind_error(
            code,
            format!(
                "missing {} argument{s} ({})",
                missing.len(),
                missing.join(", ")
            ),
        ));
    }
    Ok(())
}

/// The state of one loop over an iterable.
enum Iter {
    Done,
    List {
        list: triomphe::Arc<List>,
        i: usize,
        counted: bool,
    },
    Tuple {
        t: Tuple,
        i: usize,
    },
    Range {
        next: i64,
        left: usize,
        step: i64,
    },
    Dict {
        d: triomphe::Arc<Dict>,
        i: usize,
        counted: bool,
    },
    Set {
        s: triomphe::Arc<Set>,
        i: usize,
        counted: bool,
    },
    Host {
        items: crate::value::HostIter,
    },
}

impl Iter {
    fn new(v: &Value) -> Result<Iter> {
        Ok(match v {
            Value::List(l) => Iter::List {
                counted: l.cell().start_read(),
                list: l.clone(),
                i: 0,
            },
            Value::Tuple(t) => Iter::Tuple { t: t.clone(), i: 0 },
            Value::Range(r) => Iter::Range {
                next: r.start,
                left: r.len(),
                step: r.step,
            },
            Value::Dict(d) => Iter::Dict {
                counted: d.cell().start_read(),
                d: d.clone(),
                i: 0,
            },
            Value::Set(s) => Iter::Set {
                counted: s.cell().start_read(),
                s: s.clone(),
                i: 0,
            },
            Value::Host(h) => match h.get().iter() {
                Some(items) => Iter::Host { items: items? },
                None => return Err(not_iterable(v)),
            },
            _ => return Err(not_iterable(v)),
        })
    }

    /// Moves to the next element and stores it in `dst`; false at the end. Ranges are
    /// stepped inline and write the register in place (a value returned from an
    /// out-of-line call is written in pieces and then read whole, which stalls).
    #[inline(always)]
    fn next_into(&mut self, dst: &mut Value) -> bool {
        if let Iter::Range { next, left, step } = self {
            if *left == 0 {
                return false;
            }
            let v = *next;
            *left -= 1;
            *next = next.wrapping_add(*step);
            Value::store(dst, Value::Int(v));
            return true;
        }
        match self.next() {
            Some(v) => {
                Value::store(dst, v);
                true
            }
            None => false,
        }
    }

    #[inline]
    fn next(&mut self) -> Option<Value> {
        match self {
            Iter::Done => None,
            Iter::List { list, i, .. } => {
                let v = list.borrow().get(*i).cloned();
                *i += 1;
                v
            }
            Iter::Tuple { t, i } => {
                let v = t.get(*i).cloned();
                *i += 1;
                v
            }
            Iter::Range { next, left, step } => {
                if *left == 0 {
                    return None;
                }
                let v = *next;
                *left -= 1;
                *next = next.wrapping_add(*step);
                Some(Value::Int(v))
            }
            // `i` is a slot position: tables skip deleted slots, and cannot be
            // compacted (renumbered) while this iteration holds a reader.
            Iter::Dict { d, i, .. } => {
                let map = d.borrow();
                let (pos, k, _) = map.entry_from(*i)?;
                *i = pos + 1;
                Some(k.value().clone())
            }
            Iter::Set { s, i, .. } => {
                let set = s.borrow();
                let (pos, k) = set.entry_from(*i)?;
                *i = pos + 1;
                Some(k.value().clone())
            }
            Iter::Host { items } => items.next(),
        }
    }
}

impl Drop for Iter {
    fn drop(&mut self) {
        match self {
            Iter::List { list, counted, .. } => list.cell().end_read(*counted),
            Iter::Dict { d, counted, .. } => d.cell().end_read(*counted),
            Iter::Set { s, counted, .. } => s.cell().end_read(*counted),
            _ => {}
        }
    }
}

#[cold]
fn not_iterable(v: &Value) -> Error {
    Error::type_error(format!("{} value is not iterable", v.type_name()))
}

/// Collects the values of any iterable (for `*args`, unpacking, builtins). The
/// result is usually kept (as a list, a tuple, a sorted copy), so it is checked
/// against the memory and size limits before it is made, or, when its length is not
/// known in advance (a host iterator), as it grows.
pub fn iterate(v: &Value) -> Result<Vec<Value>> {
    let known = match v {
        Value::List(l) => Some(l.len()),
        Value::Tuple(t) => Some(t.len()),
        Value::Range(r) => Some(r.len()),
        Value::Dict(d) => Some(d.len()),
        Value::Set(s) => Some(s.len()),
        _ => None,
    };
    let mut out = memory::try_vec(Shape::List, known.unwrap_or(0))?;
    match v {
        Value::List(l) => out.extend_from_slice(&l.borrow()),
        Value::Tuple(t) => out.extend_from_slice(t),
        _ => {
            let mut it = Iter::new(v)?;
            while let Some(x) = it.next() {
                out.push(x);
                if known.is_none() && out.len() % 4096 == 0 {
                    memory::reserve_result(Shape::List, out.len())?;
                    memory::reserve(out.capacity() * std::mem::size_of::<Value>())?;
                }
            }
        }
    }
    Ok(out)
}

#[cold]
fn with_frame(mut e: Error, code: &Code, pc: usize) -> Error {
    e.push_frame(Frame {
        function: code.name.clone(),
        file: code.file.to_string(),
        span: code.spans.get(pc).copied().unwrap_or_default(),
    });
    e
}

/// Runs one frame to its `Return`.
pub(crate) fn run(
    thread: &mut Thread,
    code: &Code,
    module: &Arc<ModuleState>,
    free: &[triomphe::Arc<ValueCell>],
    regs: &mut [Value],
    cells: &mut [Option<triomphe::Arc<ValueCell>>],
) -> Result<Value> {
    let mut iters: Vec<Iter> = Vec::new();
    if code.niters > 0 {
        iters.resize_with(code.niters as usize, || Iter::Done);
    }
    let ops = &code.ops[..];
    let mut pc = 0usize;
    // Registers are indexed without bounds checks: the hot loop is mostly register
    // reads and writes, and the checks were a large share of an integer loop's time
    // (measure with the `int_loop` program of benches/compare).
    assert!(regs.len() >= code.nregs as usize);
    let nregs = code.nregs as usize;
    macro_rules! r {
        ($i:expr) => {
            regs[{
                let i = $i as usize;
                if i >= nregs {
                    // SAFETY: every register an instruction names is below
                    // `code.nregs` (`Code::registers_fit`, asserted when the compiler
                    // made the code), so this branch is never taken; telling the
                    // optimiser so removes the bounds check on `regs` (which has at
                    // least `nregs` entries, asserted above).
                    unsafe { std::hint::unreachable_unchecked() }
                }
                i
            }]
        };
    }
    macro_rules! tri {
        ($e:expr) => {
            match $e {
                Ok(v) => v,
                Err(e) => return Err(with_frame(e, code, pc - 1)),
            }
        };
    }
    // `dst = x OP y` for two operand values, with the int and float cases inline when
    // `int` (giving a value) or `float` give a result; everything else (overflow,
    // division by zero, other types) through `ops::binary`.
    macro_rules! arith_vals {
        ($dst:expr, $x:expr, $y:expr, $op:expr, $int:expr, $float:expr) => {{
            let (xv, yv): (&Value, &Value) = ($x, $y);
            let v = match (xv, yv) {
                (Value::Int(x), Value::Int(y)) => match $int(*x, *y) {
                    Some(v) => v,
                    None => tri!(ops::binary($op, xv, yv)),
                },
                (Value::Float(x), Value::Float(y)) => match $float(*x, *y) {
                    Some(v) => Value::Float(v),
                    None => tri!(ops::binary($op, xv, yv)),
                },
                _ => tri!(ops::binary($op, xv, yv)),
            };
            Value::store(&mut r!($dst), v);
        }};
    }
    // `dst = a OP b` for a register `a`, with an `int` that gives an int.
    macro_rules! arith {
        ($dst:expr, $a:expr, $b:expr, $op:expr, $int:expr, $float:expr) => {
            arith_vals!(
                $dst,
                &r!($a),
                $b,
                $op,
                |x: i64, y: i64| $int(x, y).map(Value::Int),
                $float
            )
        };
    }
    // `a CMP b` as a bool, with ints and floats inline.
    macro_rules! test {
        ($a:expr, $b:expr, $op:expr, $cmp:tt) => {
            match (&r!($a), $b) {
                (Value::Int(x), Value::Int(y)) => x $cmp y,
                (Value::Float(x), Value::Float(y)) if !x.is_nan() && !y.is_nan() => x $cmp y,
                (x, y) => match tri!(ops::binary($op, x, y)) {
                    Value::Bool(b) => b,
                    _ => false,
                },
            }
        };
    }
    // `dst = a CMP b`.
    macro_rules! compare {
        ($dst:expr, $a:expr, $b:expr, $op:expr, $cmp:tt) => {{
            let v = test!($a, $b, $op, $cmp);
            Value::store(&mut r!($dst), Value::Bool(v));
        }};
    }
    // `a == b`, with ints inline.
    macro_rules! equal {
        ($a:expr, $b:expr) => {
            match (&r!($a), $b) {
                (Value::Int(x), Value::Int(y)) => x == y,
                (x, y) => tri!(x.equals(y)),
            }
        };
    }
    // Jump to `target` unless the condition holds.
    macro_rules! jump_unless {
        ($cond:expr, $target:expr) => {
            if !$cond {
                pc = $target as usize;
            }
        };
    }
    loop {
        let op = ops[pc];
        pc += 1;
        match op {
            Op::Const { dst, k } => {
                let c = &code.consts[k as usize];
                // In a loop, a temporary often still holds this very string from the
                // last iteration: keep it, instead of an atomic increment for the
                // clone and a decrement for the old value.
                let same = matches!((&r!(dst), c), (Value::Str(a), Value::Str(b)) if a.ptr_eq(b));
                if !same {
                    Value::store(&mut r!(dst), c.clone());
                }
            }
            Op::Move { dst, src } => {
                let v = r!(src).clone();
                Value::store(&mut r!(dst), v);
            }
            Op::CheckLocal { reg, local } => {
                if is_unbound(&r!(reg)) {
                    tri!(Err(unbound_local(code, local)));
                }
            }
            Op::LoadGlobal { dst, slot } => {
                let v = module.globals.borrow()[slot as usize].clone();
                if is_unbound(&v) {
                    tri!(Err(unbound_global(module, slot)));
                }
                Value::store(&mut r!(dst), v);
            }
            Op::StoreGlobal { slot, src } => {
                let v = r!(src).clone();
                let mut g = tri!(module.globals.borrow_mut().map_err(|e| Value::mutate_error(
                    e,
                    "assign to",
                    "module global"
                )));
                let old = std::mem::replace(&mut g[slot as usize], v);
                drop(g);
                match &old {
                    // A function that may be running (its code is on the thread's
                    // call stack, possibly called by `CallGlobal` through a plain
                    // reference to this slot) is kept alive (`ModuleState::retired`).
                    // Others go now: a loop that redefines a function does not pile
                    // them up.
                    Value::Function(f)
                        if thread
                            .eval
                            .active
                            .iter()
                            .any(|a| std::ptr::eq(a.code, &*f.code)) =>
                    {
                        tri!(module.retired.borrow_mut().map_err(|e| Value::mutate_error(
                            e,
                            "assign to",
                            "module global"
                        )))
                        .push(old);
                    }
                    _ => old.release(),
                }
            }
            Op::LoadCell { dst, local } => {
                let v = match &cells[local as usize] {
                    Some(c) => c.borrow().clone(),
                    None => unbound(),
                };
                if is_unbound(&v) {
                    tri!(Err(unbound_local(code, local)));
                }
                Value::store(&mut r!(dst), v);
            }
            Op::StoreCell { local, src } => {
                let v = r!(src).clone();
                let cell = cells[local as usize]
                    .get_or_insert_with(|| triomphe::Arc::new(FreezeCell::new(unbound())));
                let mut w = tri!(cell.borrow_mut().map_err(|e| Value::mutate_error(
                    e,
                    "assign to",
                    "variable"
                )));
                *w = v;
            }
            Op::LoadFree { dst, index } => {
                let v = free[index as usize].borrow().clone();
                if is_unbound(&v) {
                    tri!(Err(Error::new(
                        ErrorKind::Name,
                        format!(
                            "local variable {} referenced before assignment",
                            code.free_names[index as usize]
                        )
                    )));
                }
                Value::store(&mut r!(dst), v);
            }
            Op::Unary { op, dst, src } => {
                let v = tri!(ops::unary(op, &r!(src)));
                Value::store(&mut r!(dst), v);
            }
            Op::Binary { op, dst, a, b } => {
                let v = tri!(ops::binary(op, &r!(a), &r!(b)));
                Value::store(&mut r!(dst), v);
            }
            Op::InPlace { op, dst, a, b } => {
                let v = tri!(ops::in_place(op, &r!(a), &r!(b)));
                Value::store(&mut r!(dst), v);
            }
            Op::Add { dst, a, b } => arith!(
                dst,
                a,
                &r!(b),
                BinOp::Plus,
                i64::checked_add,
                |x: f64, y: f64| Some(x + y)
            ),
            Op::AddInPlace { dst, a, b } => {
                let v = match (&r!(a), &r!(b)) {
                    (Value::Int(x), Value::Int(y)) if x.checked_add(*y).is_some() => {
                        Value::Int(x + y)
                    }
                    (Value::Float(x), Value::Float(y)) => Value::Float(x + y),
                    (x, y) => tri!(ops::in_place(BinOp::Plus, x, y)),
                };
                Value::store(&mut r!(dst), v);
            }
            Op::Sub { dst, a, b } => arith!(
                dst,
                a,
                &r!(b),
                BinOp::Minus,
                i64::checked_sub,
                |x: f64, y: f64| Some(x - y)
            ),
            Op::Mul { dst, a, b } => arith!(
                dst,
                a,
                &r!(b),
                BinOp::Star,
                i64::checked_mul,
                |x: f64, y: f64| Some(x * y)
            ),
            Op::Mod { dst, a, b } => {
                arith!(dst, a, &r!(b), BinOp::Percent, int_mod, |x: f64, y: f64| {
                    (y != 0.0).then(|| ops::float_mod(x, y))
                })
            }
            Op::FloorDiv { dst, a, b } => arith!(
                dst,
                a,
                &r!(b),
                BinOp::SlashSlash,
                int_floordiv,
                |_: f64, _: f64| None
            ),
            Op::Lt { dst, a, b } => compare!(dst, a, &r!(b), BinOp::Lt, <),
            Op::Le { dst, a, b } => compare!(dst, a, &r!(b), BinOp::Le, <=),
            Op::Gt { dst, a, b } => compare!(dst, a, &r!(b), BinOp::Gt, >),
            Op::Ge { dst, a, b } => compare!(dst, a, &r!(b), BinOp::Ge, >=),
            Op::Eq { dst, a, b } => {
                let v = equal!(a, &r!(b));
                Value::store(&mut r!(dst), Value::Bool(v));
            }
            Op::Ne { dst, a, b } => {
                let v = !equal!(a, &r!(b));
                Value::store(&mut r!(dst), Value::Bool(v));
            }
            Op::AddK { dst, a, k } => arith!(
                dst,
                a,
                &code.consts[k as usize],
                BinOp::Plus,
                i64::checked_add,
                |x: f64, y: f64| Some(x + y)
            ),
            Op::SubK { dst, a, k } => arith!(
                dst,
                a,
                &code.consts[k as usize],
                BinOp::Minus,
                i64::checked_sub,
                |x: f64, y: f64| Some(x - y)
            ),
            Op::MulK { dst, a, k } => arith!(
                dst,
                a,
                &code.consts[k as usize],
                BinOp::Star,
                i64::checked_mul,
                |x: f64, y: f64| Some(x * y)
            ),
            Op::ModK { dst, a, k } => arith!(
                dst,
                a,
                &code.consts[k as usize],
                BinOp::Percent,
                int_mod,
                |x: f64, y: f64| { (y != 0.0).then(|| ops::float_mod(x, y)) }
            ),
            Op::FloorDivK { dst, a, k } => arith!(
                dst,
                a,
                &code.consts[k as usize],
                BinOp::SlashSlash,
                int_floordiv,
                |_: f64, _: f64| None
            ),
            Op::LtK { dst, a, k } => compare!(dst, a, &code.consts[k as usize], BinOp::Lt, <),
            Op::LeK { dst, a, k } => compare!(dst, a, &code.consts[k as usize], BinOp::Le, <=),
            Op::GtK { dst, a, k } => compare!(dst, a, &code.consts[k as usize], BinOp::Gt, >),
            Op::GeK { dst, a, k } => compare!(dst, a, &code.consts[k as usize], BinOp::Ge, >=),
            Op::EqK { dst, a, k } => {
                let v = equal!(a, &code.consts[k as usize]);
                Value::store(&mut r!(dst), Value::Bool(v));
            }
            Op::NeK { dst, a, k } => {
                let v = !equal!(a, &code.consts[k as usize]);
                Value::store(&mut r!(dst), Value::Bool(v));
            }
            Op::JumpUnlessLt { a, b, target } => {
                jump_unless!(test!(a, &r!(b), BinOp::Lt, <), target)
            }
            Op::JumpUnlessLe { a, b, target } => {
                jump_unless!(test!(a, &r!(b), BinOp::Le, <=), target)
            }
            Op::JumpUnlessGt { a, b, target } => {
                jump_unless!(test!(a, &r!(b), BinOp::Gt, >), target)
            }
            Op::JumpUnlessGe { a, b, target } => {
                jump_unless!(test!(a, &r!(b), BinOp::Ge, >=), target)
            }
            Op::JumpUnlessEq { a, b, target } => jump_unless!(equal!(a, &r!(b)), target),
            Op::JumpUnlessNe { a, b, target } => jump_unless!(!equal!(a, &r!(b)), target),
            Op::JumpUnlessLtK { a, k, target } => {
                jump_unless!(test!(a, &code.consts[k as usize], BinOp::Lt, <), target)
            }
            Op::JumpUnlessLeK { a, k, target } => {
                jump_unless!(test!(a, &code.consts[k as usize], BinOp::Le, <=), target)
            }
            Op::JumpUnlessGtK { a, k, target } => {
                jump_unless!(test!(a, &code.consts[k as usize], BinOp::Gt, >), target)
            }
            Op::JumpUnlessGeK { a, k, target } => {
                jump_unless!(test!(a, &code.consts[k as usize], BinOp::Ge, >=), target)
            }
            Op::JumpUnlessEqK { a, k, target } => {
                jump_unless!(equal!(a, &code.consts[k as usize]), target)
            }
            Op::JumpUnlessNeK { a, k, target } => {
                jump_unless!(!equal!(a, &code.consts[k as usize]), target)
            }
            Op::Div { dst, a, b } => {
                arith_vals!(dst, &r!(a), &r!(b), BinOp::Slash, int_div, float_div)
            }
            Op::DivK { dst, a, k } => arith_vals!(
                dst,
                &r!(a),
                &code.consts[k as usize],
                BinOp::Slash,
                int_div,
                float_div
            ),
            Op::KAdd { dst, k, b } => arith_vals!(
                dst,
                &code.consts[k as usize],
                &r!(b),
                BinOp::Plus,
                |x: i64, y: i64| x.checked_add(y).map(Value::Int),
                |x: f64, y: f64| Some(x + y)
            ),
            Op::KSub { dst, k, b } => arith_vals!(
                dst,
                &code.consts[k as usize],
                &r!(b),
                BinOp::Minus,
                |x: i64, y: i64| x.checked_sub(y).map(Value::Int),
                |x: f64, y: f64| Some(x - y)
            ),
            Op::KMul { dst, k, b } => arith_vals!(
                dst,
                &code.consts[k as usize],
                &r!(b),
                BinOp::Star,
                |x: i64, y: i64| x.checked_mul(y).map(Value::Int),
                |x: f64, y: f64| Some(x * y)
            ),
            Op::KDiv { dst, k, b } => arith_vals!(
                dst,
                &code.consts[k as usize],
                &r!(b),
                BinOp::Slash,
                int_div,
                float_div
            ),
            Op::Jump { target } => {
                // A jump back closes a `while` loop's iteration.
                if (target as usize) < pc {
                    tri!(thread.eval.meter.tick());
                }
                pc = target as usize;
            }
            Op::JumpIfTrue { cond, target } => {
                if r!(cond).truth() {
                    pc = target as usize;
                }
            }
            Op::JumpIfFalse { cond, target } => {
                let t = match &r!(cond) {
                    Value::Bool(b) => *b,
                    v => v.truth(),
                };
                if !t {
                    pc = target as usize;
                }
            }
            Op::Call { dst, desc } => {
                let d = &code.calls[desc as usize];
                // Record where this frame is, for builtins that ask for the call stack.
                if let Some(a) = thread.eval.active.last_mut() {
                    a.pc = pc as u32;
                }
                let v = tri!(call_op(thread, &regs[d.func as usize], d, regs));
                Value::store(&mut r!(dst), v);
            }
            Op::CallGlobal { dst, desc, slot } => {
                let d = &code.calls[desc as usize];
                if let Some(a) = thread.eval.active.last_mut() {
                    a.pc = pc as u32;
                }
                let g = module.globals.borrow();
                let v = match &g[slot as usize] {
                    Value::Function(f) => {
                        let f: *const Function = &**f;
                        drop(g);
                        // SAFETY: a function stored in a global of `module` lives as
                        // long as `module`'s globals (which this frame's function, or
                        // the module running its top level, holds): a global is only
                        // overwritten by `StoreGlobal`, which keeps a replaced function
                        // whose code is on the call stack (as this one's is, from the
                        // call below until it returns) in `ModuleState::retired`. A
                        // StoreGlobal on the same thread is the only writer (values
                        // are not `Send`). Globals are emptied only by the
                        // module collector (`collect.rs`), and only for a module that
                        // nothing reaches; a running frame's module is always reached
                        // through a counted reference (the outermost call's callee or
                        // the `Module` running), so it is never emptied under a frame.
                        let f = unsafe { &*f };
                        tri!(with_args(thread, d, regs, |t, args| call_function(
                            t, f, args
                        )))
                    }
                    v => {
                        let callee = v.clone();
                        drop(g);
                        if is_unbound(&callee) {
                            tri!(Err(unbound_global(module, slot)));
                        }
                        tri!(call_op(thread, &callee, d, regs))
                    }
                };
                Value::store(&mut r!(dst), v);
            }
            Op::LoadMethod { dst, obj, site } => {
                let s = &code.methods[site as usize];
                if s.cache.get(&r!(obj)).is_none() {
                    let v = tri!(ops::get_attr(&r!(obj), &code.names[s.name as usize]));
                    Value::store(&mut r!(dst), v);
                }
            }
            Op::CallMethod { dst, site } => {
                let s = &code.methods[site as usize];
                if let Some(a) = thread.eval.active.last_mut() {
                    a.pc = pc as u32;
                }
                let v = match s.cache.get(&r!(s.obj)) {
                    // A built-in method, called on the receiver in place (no bound
                    // method made).
                    Some(m) => {
                        let receiver = &regs[s.obj as usize];
                        tri!(with_args(thread, &s.call, regs, |t, args| m
                            .call_method(t, receiver, args)))
                    }
                    None => tri!(call_op(thread, &regs[s.call.func as usize], &s.call, regs)),
                };
                Value::store(&mut r!(dst), v);
            }
            Op::GetAttr { dst, obj, name } => {
                let v = tri!(ops::get_attr(&r!(obj), &code.names[name as usize]));
                Value::store(&mut r!(dst), v);
            }
            Op::SetAttr { obj, name, src } => {
                tri!(ops::set_attr(
                    &r!(obj),
                    &code.names[name as usize],
                    r!(src).clone()
                ));
            }
            Op::Index { dst, obj, key } => {
                let v = tri!(ops::index(&r!(obj), &r!(key)));
                Value::store(&mut r!(dst), v);
            }
            Op::SetIndex { obj, key, src } => {
                tri!(ops::set_index(&r!(obj), &r!(key), r!(src).clone()));
            }
            Op::Slice { dst, obj, lo } => {
                let l = lo as usize;
                let v = tri!(ops::slice(&r!(obj), &regs[l], &regs[l + 1], &regs[l + 2]));
                Value::store(&mut r!(dst), v);
            }
            // The items are temporaries that nothing reads again: they are moved into
            // the new list or tuple (a clone would cost an atomic increment each, and
            // a decrement when the temporary is next written).
            Op::MakeList { dst, start, n } => {
                let s = start as usize;
                let items = regs[s..s + n as usize].iter_mut().map(std::mem::take);
                let v = Value::list(items.collect());
                Value::store(&mut r!(dst), v);
            }
            Op::MakeTuple { dst, start, n } => {
                let s = start as usize;
                let items = regs[s..s + n as usize].iter_mut().map(std::mem::take);
                let v = Value::Tuple(Tuple::from_exact(items));
                Value::store(&mut r!(dst), v);
            }
            Op::NewDict { dst, cap } => {
                let d = Dict::from_map(crate::value::DictMap::with_capacity(cap as usize));
                Value::store(&mut r!(dst), Value::Dict(triomphe::Arc::new(d)));
            }
            Op::MakeDict { dst, start, n } => {
                let d = Dict::new();
                for i in 0..n as usize {
                    let k = regs[start as usize + 2 * i].clone();
                    let v = regs[start as usize + 2 * i + 1].clone();
                    let hk = tri!(HashedValue::new(k));
                    let dup = tri!(d.borrow_mut("insert into"))
                        .insert(hk.clone(), v)
                        .is_some();
                    if dup {
                        tri!(Err(Error::value_error(format!(
                            "duplicate key: {}",
                            hk.value().repr()
                        ))));
                    }
                }
                Value::store(&mut r!(dst), Value::Dict(triomphe::Arc::new(d)));
            }
            Op::Append { list, src } => {
                if let Value::List(l) = &r!(list) {
                    tri!(l.push(r!(src).clone()));
                }
            }
            Op::DictSet { dict, key, src } => {
                if let Value::Dict(d) = &r!(dict) {
                    tri!(d.insert(r!(key).clone(), r!(src).clone()));
                }
            }
            Op::DictAdd { dict, key, src } => {
                // A dict display's entry: key and value are moved out of temporaries
                // (dead after this instruction), copied from locals.
                let take = |r: &mut Value, reg: Reg| match reg >= code.nlocals {
                    true => std::mem::take(r),
                    false => r.clone(),
                };
                let k = take(&mut r!(key), key);
                let v = take(&mut r!(src), src);
                if let Value::Dict(d) = &r!(dict) {
                    let hk = tri!(HashedValue::new(k));
                    let mut m = tri!(d.borrow_mut("insert into"));
                    if !m.contains_key(&hk) {
                        m.insert(hk, v);
                    } else {
                        drop(m);
                        tri!(Err(Error::value_error(format!(
                            "duplicate key: {}",
                            hk.value().repr()
                        ))));
                    }
                }
            }
            Op::IterStart { slot, src } => {
                iters[slot as usize] = tri!(Iter::new(&r!(src)));
            }
            Op::IterNext { slot, dst, end } => {
                if !iters[slot as usize].next_into(&mut r!(dst)) {
                    iters[slot as usize] = Iter::Done;
                    pc = end as usize;
                }
            }
            Op::IterLoop { slot, dst, body } => {
                if iters[slot as usize].next_into(&mut r!(dst)) {
                    tri!(thread.eval.meter.tick());
                    pc = body as usize;
                } else {
                    iters[slot as usize] = Iter::Done;
                }
            }
            Op::IterEnd { slot } => iters[slot as usize] = Iter::Done,
            Op::Unpack { src, dst, n } => {
                let items = tri!(unpack(&r!(src), n as usize));
                for (i, v) in items.into_iter().enumerate() {
                    Value::store(&mut regs[dst as usize + i], v);
                }
            }
            Op::MakeFunction {
                dst,
                proto,
                defaults,
            } => {
                let p = &code.protos[proto as usize];
                let d = defaults as usize;
                let captured = p
                    .captures
                    .iter()
                    .map(|c| match *c {
                        Capture::Local(i) => cells[i as usize]
                            .get_or_insert_with(|| triomphe::Arc::new(FreezeCell::new(unbound())))
                            .clone(),
                        Capture::Free(i) => free[i as usize].clone(),
                    })
                    .collect();
                let f = Function {
                    code: p.code.clone(),
                    module: module.clone(),
                    defaults: regs[d..d + p.ndefaults as usize].into(),
                    free: captured,
                };
                memory::charge(f.bytes());
                Value::store(&mut r!(dst), Value::Function(triomphe::Arc::new(f)));
            }
            Op::Format { dst, start, n, fmt } => {
                let convs = &code.formats[fmt as usize];
                let mut out = String::new();
                for i in 0..n as usize {
                    let v = &regs[start as usize + i];
                    match convs[i] {
                        Some('r') => v.write_repr(&mut out),
                        _ => out.push_str(&v.to_str()),
                    }
                }
                Value::store(&mut r!(dst), Value::str(&out));
            }
            Op::Load { index, dst } => {
                if let Some(a) = thread.eval.active.last_mut() {
                    a.pc = pc as u32;
                }
                tri!(load(
                    thread,
                    &code.loads[index as usize],
                    &mut regs[dst as usize..]
                ));
            }
            Op::Return { src } => return Ok(std::mem::take(&mut r!(src))),
        }
    }
}

/// `x / y` for ints (a float), or None to take the slow path (division by zero).
#[inline]
fn int_div(x: i64, y: i64) -> Option<Value> {
    (y != 0).then(|| Value::Float(x as f64 / y as f64))
}

/// `x / y` for floats, or None to take the slow path (division by zero).
#[inline]
fn float_div(x: f64, y: f64) -> Option<f64> {
    (y != 0.0).then(|| x / y)
}

/// `x % y` for ints with the sign of `y`, or None to take the slow path (zero).
#[inline]
fn int_mod(x: i64, y: i64) -> Option<i64> {
    if y == 0 {
        return None;
    }
    let m = x.wrapping_rem(y);
    Some(if m != 0 && ((m < 0) != (y < 0)) {
        m + y
    } else {
        m
    })
}

/// `x // y` for ints, rounding down, or None to take the slow path (zero, overflow).
#[inline]
fn int_floordiv(x: i64, y: i64) -> Option<i64> {
    if y == 0 || (x == i64::MIN && y == -1) {
        return None;
    }
    let q = x / y;
    Some(if x % y != 0 && ((x < 0) != (y < 0)) {
        q - 1
    } else {
        q
    })
}

/// Runs a `load` statement: asks the thread's loader for the module and puts the
/// values of the requested names in `out`, in order.
fn load(thread: &mut Thread, desc: &LoadDesc, out: &mut [Value]) -> Result<()> {
    let module = desc.module.to_string();
    let loaded = thread.load_module(&module)?;
    for (slot, name) in out.iter_mut().zip(&desc.names) {
        let name = name.to_string();
        match loaded.get(&name) {
            Some(v) if !name.starts_with('_') => *slot = v,
            _ => {
                let mut msg = format!("load: name {name} not found in module {module}");
                let names: Vec<&str> = loaded.exports().map(|(n, _)| n).collect();
                if let Some(near) = crate::resolve::spell::nearest(&name, &names) {
                    msg.push_str(&format!(" (did you mean {near}?)"));
                }
                return Err(Error::new(ErrorKind::Name, msg));
            }
        }
    }
    Ok(())
}

#[cold]
fn unbound_global(module: &ModuleState, slot: u32) -> Error {
    let name = module.global_names.borrow()[slot as usize].clone();
    Error::new(
        ErrorKind::Name,
        format!("global variable {name} referenced before assignment"),
    )
}

fn unbound_local(code: &Code, local: u32) -> Error {
    let name = code
        .local_names
        .get(local as usize)
        .map(|s| s.to_string())
        .unwrap_or_default();
    Error::new(
        ErrorKind::Name,
        format!("local variable {name} referenced before assignment"),
    )
}

fn unpack(v: &Value, n: usize) -> Result<Vec<Value>> {
    let items = match v {
        Value::Tuple(t) => t.to_vec(),
        Value::List(l) => l.to_vec(),
        Value::Str(_) | Value::Int(_) | Value::None | Value::Bool(_) | Value::Float(_) => {
            return Err(Error::type_error(format!(
                "got {} in sequence assignment",
                v.type_name()
            )))
        }
        _ => iterate(v)?,
    };
    if items.len() != n {
        let which = if items.len() > n {
            "too many"
        } else {
            "too few"
        };
        return Err(Error::value_error(format!(
            "{which} values to unpack (got {}, want {n})",
            items.len()
        )));
    }
    Ok(items)
}

/// Calls `f` with the arguments `d` describes, in `regs`.
#[inline]
fn call_op(thread: &mut Thread, f: &Value, d: &CallDesc, regs: &[Value]) -> Result<Value> {
    with_args(thread, d, regs, |thread, args| call_value(thread, f, args))
}

/// Gathers the arguments `d` describes from `regs` and passes them to `call`: borrowed
/// from the registers as they are, unless `*args` or `**kwargs` must be spread.
#[inline(always)]
fn with_args(
    thread: &mut Thread,
    d: &CallDesc,
    regs: &[Value],
    call: impl FnOnce(&mut Thread, &Args<'_>) -> Result<Value>,
) -> Result<Value> {
    let a = d.args as usize;
    let npos = d.npos as usize;
    if d.star == NO_REG && d.starstar == NO_REG {
        // Keyword values follow the positional ones in the registers.
        let nk = d.names.len();
        return call(
            thread,
            &Args::new(&regs[a..a + npos], &d.names, &regs[a + npos..a + npos + nk]),
        );
    }
    let (positional, names, named) = spread_args(d, regs)?;
    call(thread, &Args::new(&positional, &names, &named))
}

/// The arguments of a call with `*args` or `**kwargs`, spread: positional values,
/// keyword names and keyword values.
#[inline(never)]
fn spread_args(d: &CallDesc, regs: &[Value]) -> Result<(Vec<Value>, Vec<Str>, Vec<Value>)> {
    let a = d.args as usize;
    let npos = d.npos as usize;
    let mut positional: Vec<Value> = regs[a..a + npos].to_vec();
    let mut names: Vec<Str> = d.names.to_vec();
    let mut named: Vec<Value> = regs[a + npos..a + npos + d.names.len()].to_vec();
    if d.star != NO_REG {
        let v = &regs[d.star as usize];
        match v {
            Value::List(_) | Value::Tuple(_) | Value::Range(_) | Value::Set(_) | Value::Dict(_) => {
                positional.extend(iterate(v)?)
            }
            _ => {
                return Err(Error::type_error(format!(
                    "argument after * must be iterable, not {}",
                    v.type_name()
                )))
            }
        }
    }
    if d.starstar != NO_REG {
        let v = &regs[d.starstar as usize];
        match v {
            Value::Dict(dict) => {
                for (k, x) in dict.borrow().iter() {
                    match k.value() {
                        // A name given twice is the callee's to report.
                        Value::Str(s) => {
                            names.push(s.clone());
                            named.push(x.clone());
                        }
                        other => {
                            return Err(Error::type_error(format!(
                                "keywords must be strings, not {}",
                                other.type_name()
                            )))
                        }
                    }
                }
            }
            _ => {
                return Err(Error::type_error(format!(
                    "argument after ** must be a mapping, not {}",
                    v.type_name()
                )))
            }
        }
    }
    Ok((positional, names, named))
}

//! [`Freezer`]: the one walk over a value graph that freezes it, checks it, or lists
//! what a host value holds.
//!
//! Freezing is a graph walk: a list freezes its items, a function its defaults and
//! captured variables, a host value whatever it holds. Every walk goes through a
//! `Freezer`, and host types take part through [`FreezeSafe::freeze_contents`], which
//! hands each value (and each [`FreezeCell`]) they hold to the freezer. star-core calls
//! that method and nothing else, so a host type cannot hold a value that escapes
//! freezing.
//!
//! The walk keeps a work stack instead of recursing, so a value nested a million levels
//! deep freezes without exhausting the native stack. Cycles end at cells: a cell that is
//! frozen already is not entered again (in the deep mode, which must also reach the
//! modules of functions inside values frozen earlier, a set of visited objects does
//! that).
//!
//! Modes:
//! - *freeze* ([`Value::freeze`]): freezes every mutable cell reached; a function's
//!   module is left alone, as the spec says.
//! - *deep* ([`Value::into_frozen`]): also freezes the modules of the functions reached,
//!   since a function shared between threads reads its module's globals.
//! - *check* ([`Value::is_frozen`]): changes nothing, notes whether anything reached is
//!   mutable.
//! - *trace* (the module collector, `eval/collect.rs`): changes nothing, lists the
//!   values a host value holds.
//!
//! A cell that is being written while the walk reaches it (a host's `equals` called by
//! a dict insertion, freezing the dict) is not frozen: freezing it would hand out shared
//! reads beside the writer's exclusive access. The freezer notes it, and
//! [`Value::into_frozen`] refuses to make a [`FrozenValue`](super::FrozenValue) then.

use rustc_hash::FxHashSet;

use super::{FreezeCell, FreezeSafe, Value};
use crate::eval::vm::ModuleState;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Mode {
    Freeze,
    Deep,
    Check,
    Trace,
}

/// Walks the values reachable from a value to freeze them (see the module
/// documentation). Host types receive one in [`FreezeSafe::freeze_contents`] and hand
/// it each value they hold with [`Freezer::value`].
pub struct Freezer {
    mode: Mode,
    /// Values reached and not walked yet.
    pending: Vec<Value>,
    /// Objects visited (deep mode: functions, hosts and frozen cells; trace mode:
    /// cells), by address.
    seen: FxHashSet<usize>,
    /// A cell being written was reached.
    busy: bool,
    /// Check mode: everything reached so far is frozen.
    frozen: bool,
    /// Deep mode: the modules of the functions reached, and their addresses (apart
    /// from `seen`: a module's address may be that of its first field, a cell).
    modules: Vec<triomphe::Arc<ModuleState>>,
    module_addrs: FxHashSet<usize>,
}

impl Freezer {
    pub(crate) fn new(mode: Mode) -> Freezer {
        Freezer {
            mode,
            pending: Vec::new(),
            seen: FxHashSet::default(),
            busy: false,
            frozen: true,
            modules: Vec::new(),
            module_addrs: FxHashSet::default(),
        }
    }

    /// Takes a value the host value holds: it is frozen (or checked) with the rest.
    pub fn value(&mut self, v: &Value) {
        match v {
            Value::None
            | Value::Bool(_)
            | Value::Int(_)
            | Value::BigInt(_)
            | Value::Float(_)
            | Value::Str(_)
            | Value::Bytes(_)
            | Value::Range(_)
            | Value::Builtin(_) => {}
            _ if self.mode == Mode::Check && !self.frozen => {}
            _ => self.pending.push(v.clone()),
        }
    }

    /// Decides whether to walk a cell's contents, freezing the cell in the freezing
    /// modes.
    pub(crate) fn enter_cell<T>(&mut self, cell: &FreezeCell<T>) -> bool {
        let addr = cell as *const FreezeCell<T> as usize;
        match self.mode {
            Mode::Freeze | Mode::Deep => match cell.try_freeze() {
                Ok(true) => {
                    if self.mode == Mode::Deep {
                        self.seen.insert(addr);
                    }
                    true
                }
                Ok(false) => self.mode == Mode::Deep && self.seen.insert(addr),
                Err(_) => {
                    self.busy = true;
                    false
                }
            },
            // A frozen cell's contents were frozen with it.
            Mode::Check => {
                if !cell.is_frozen() {
                    self.frozen = false;
                }
                false
            }
            Mode::Trace => !cell.is_frozen() && self.seen.insert(addr),
        }
    }

    /// Walks a cell's contents with `each`, if [`Freezer::enter_cell`] says so.
    fn walk_cell<T>(&mut self, cell: &FreezeCell<T>, each: impl FnOnce(&mut Self, &T)) {
        if self.enter_cell(cell) {
            if let Some(inner) = cell.try_borrow() {
                each(self, &inner);
            }
        }
    }

    /// Walks a module's globals (deep mode, or freezing the module itself).
    pub(crate) fn module(&mut self, state: &ModuleState) {
        state.global_names.try_freeze().ok();
        for cell in [&state.globals, state.retired()] {
            self.walk_cell(cell, |f, values| values.iter().for_each(|v| f.value(v)));
        }
    }

    /// Walks everything taken so far.
    pub(crate) fn run(&mut self) {
        while let Some(v) = self.pending.pop() {
            if self.mode == Mode::Check && !self.frozen {
                self.pending.clear();
                return;
            }
            self.step(&v);
        }
    }

    fn step(&mut self, v: &Value) {
        match v {
            Value::Tuple(t) => t.iter().for_each(|x| self.value(x)),
            Value::List(l) => self.walk_cell(l.cell(), |f, items| {
                items.iter().for_each(|x| f.value(x));
            }),
            Value::Dict(d) => self.walk_cell(d.cell(), |f, map| {
                for (k, v) in map.iter() {
                    f.value(k.value());
                    f.value(v);
                }
            }),
            Value::Set(s) => self.walk_cell(s.cell(), |f, items| {
                items.iter().for_each(|k| f.value(k.value()));
            }),
            Value::BoundMethod(m) => self.value(&m.receiver),
            Value::Function(f) => {
                if self.mode == Mode::Check {
                    if !f.is_frozen() {
                        self.frozen = false;
                    }
                    return;
                }
                let addr = triomphe::Arc::as_ptr(f) as usize;
                if self.mode == Mode::Deep && !self.seen.insert(addr) {
                    return;
                }
                f.defaults.iter().for_each(|x| self.value(x));
                for c in f.free.iter() {
                    self.walk_cell(c, |f, x| f.value(x));
                }
                if self.mode == Mode::Deep
                    && self
                        .module_addrs
                        .insert(triomphe::Arc::as_ptr(&f.module) as usize)
                {
                    self.modules.push(f.module.clone());
                    self.module(&f.module);
                }
            }
            Value::Host(h) => {
                if self.mode == Mode::Deep && !self.seen.insert(h.addr()) {
                    return;
                }
                h.freeze_contents(self);
            }
            _ => {}
        }
    }

    /// Whether a cell being written was reached (and left unfrozen).
    pub(crate) fn met_busy_cell(&self) -> bool {
        self.busy
    }

    /// Check mode: whether everything reached was frozen.
    pub(crate) fn all_frozen(&self) -> bool {
        self.frozen
    }

    /// Deep mode: the modules of the functions reached.
    pub(crate) fn take_modules(&mut self) -> Vec<triomphe::Arc<ModuleState>> {
        std::mem::take(&mut self.modules)
    }

    /// Trace mode: the values taken, to be walked by the caller.
    pub(crate) fn take_pending(&mut self) -> Vec<Value> {
        std::mem::take(&mut self.pending)
    }
}

// SAFETY: the cell is never written once frozen (see `cell.rs`), and its contents are
// FreezeSafe; freezing the cell freezes them too (they are handed to the freezer).
unsafe impl<T: FreezeSafe> FreezeSafe for FreezeCell<T> {
    fn freeze_contents(&self, freezer: &mut Freezer) {
        freezer.walk_cell(self, |f, inner| inner.freeze_contents(f));
    }
}

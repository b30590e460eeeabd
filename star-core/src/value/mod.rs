//! Values: the data a Starlark program computes with.
//!
//! # Representation
//!
//! [`Value`] is a 16-byte enum: a tag and an 8-byte payload. Immediate values (`None`,
//! booleans, machine-size ints, floats) live in the payload, so copying them allocates
//! nothing and touches no counter. Everything else is one thin pointer to a reference-
//! counted allocation (`triomphe::Arc`, which has no weak count): cloning is one atomic
//! increment, dropping one decrement, and memory is freed as soon as the last reference
//! goes (a long-running call does not accumulate garbage, unlike an arena heap).
//!
//! Ints are `Int(i64)` whenever the value fits, and `BigInt` (a `num_bigint::BigInt`)
//! only when it does not: every arithmetic result is normalised, so the two never
//! overlap and equality can compare tags first.
//!
//! # Mutability, freezing and threads
//!
//! Lists, dicts and sets keep their contents in a [`FreezeCell`]: a non-atomic state word
//! (frozen flag, writer flag, reader count) beside the data. Reading a collection,
//! including iterating it, holds a reader, and a mutation while a reader is alive fails
//! ("cannot append to list during iteration"), as does a mutation of a frozen value.
//!
//! `Value` is neither `Send` nor `Sync`: a mutable value belongs to the one execution
//! that created it. [`Value::freeze`] freezes a value and everything it reaches, after
//! which nothing in it is ever written again (not even reader counts), and
//! [`FrozenValue`] is the proof of that: it is `Send + Sync`, so the frozen globals of a
//! loaded module can be shared by executions on several OS threads. Reference counts
//! are atomic everywhere for this reason. Host types join the scheme through
//! [`HostValue`] and the [`FreezeSafe`] marker.
//!
//! Strings, bytes, tuples and the storage of lists, dicts and sets are counted by the
//! memory accounting of `memory.rs`, which the memory and result-size limits use.
//!
//! There are no lifetimes in this API: a `Value` is owned, and a host keeps it as long
//! as it likes.

mod cell;
pub(crate) mod collections;
mod compare;
mod convert;
pub(crate) mod drop;
mod freeze;
mod host;
pub(crate) mod memory;
mod module;
pub(crate) mod ordered_map;
pub(crate) mod repr;
mod str;

use std::fmt;

use num_bigint::BigInt;
use triomphe::Arc;

pub use cell::{CellMut, CellRef, FreezeCell, MutateError};
pub use collections::{
    Dict, DictMap, HashedValue, List, Range, Set, SetMap, Storage, StorageMut, Tuple,
};
pub use convert::{ConvError, FromValue, IntoValue};
pub use freeze::Freezer;
pub(crate) use freeze::Mode as freeze_mode;
pub use host::{FreezeSafe, Host, HostIter, HostMethods, HostValue};
pub use memory::{live_bytes, Shape};
pub use module::{push_indented, NativeModule};
pub use ordered_map::{OrderedMap, OrderedSet};
pub use str::{Bytes, Str};

use crate::call::NativeFunction;
use crate::error::{Error, ErrorKind};

/// An int too big for 64 bits, as a value holds it: counted by the memory account
/// while it lives.
pub struct Big(BigInt);

impl Big {
    fn new(b: BigInt) -> Big {
        memory::charge(Self::bytes(&b));
        Big(b)
    }

    /// The bytes the int takes: its digits, the object, its count, the allocator's
    /// share.
    fn bytes(b: &BigInt) -> usize {
        (b.bits() as usize).div_ceil(64) * 8 + std::mem::size_of::<Big>() + 24
    }
}

impl Drop for Big {
    fn drop(&mut self) {
        memory::credit(Self::bytes(&self.0));
    }
}

impl fmt::Display for Big {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::ops::Deref for Big {
    type Target = BigInt;
    #[inline]
    fn deref(&self) -> &BigInt {
        &self.0
    }
}

/// A Starlark value.
// The tag is a whole word so that every payload (`bool` included) starts at byte 8: a
// value is then copied as two aligned words, the way it was written. With a byte tag,
// `Bool` sat at byte 1, copies read bytes 1..9 in one load, and that load, spanning the
// separate stores of a freshly built value's tag and payload, stalled the processor
// (store forwarding fails): see "Results at HEAD" in benches/README.md.
#[derive(Default)]
#[non_exhaustive]
#[repr(u64)]
pub enum Value {
    /// `None`.
    #[default]
    None,
    /// `True` or `False`.
    Bool(bool),
    /// An int that fits in 64 bits.
    Int(i64),
    /// An int that does not fit in 64 bits (never one that does).
    BigInt(Arc<Big>),
    /// A float.
    Float(f64),
    /// A string.
    Str(Str),
    /// A byte string.
    Bytes(Bytes),
    /// A tuple.
    Tuple(Tuple),
    /// A list.
    List(Arc<List>),
    /// A dict.
    Dict(Arc<Dict>),
    /// A set.
    Set(Arc<Set>),
    /// A `range(...)` value.
    Range(Arc<Range>),
    /// A function defined in Starlark (`def` or `lambda`).
    Function(Arc<crate::eval::Function>),
    /// A builtin function (declared with `#[star_builtin]`).
    Builtin(&'static NativeFunction),
    /// A builtin method bound to its receiver, as in `"a,b".split`.
    BoundMethod(Arc<BoundMethod>),
    /// A value of a host (Rust) type.
    Host(Host),
}

impl Value {
    /// Whether the value holds nothing to free when dropped: None, bool, small int,
    /// float, or a builtin (a `&'static`).
    #[inline(always)]
    pub fn is_immediate(&self) -> bool {
        matches!(
            self,
            Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Builtin(_)
        )
    }

    /// Drops a value, with the common case (an immediate) inline: the compiler's drop
    /// code for `Value` is an out-of-line call, which the evaluator's register writes
    /// would otherwise pay every time.
    #[inline(always)]
    pub fn release(self) {
        if self.is_immediate() {
            std::mem::forget(self);
        } else {
            drop(self);
        }
    }

    /// Stores `v` in `slot`, releasing the old value (see [`Value::release`]).
    #[inline(always)]
    pub fn store(slot: &mut Value, v: Value) {
        std::mem::replace(slot, v).release();
    }
}

impl Clone for Value {
    /// Immediate values are copied inline; heap values take the out-of-line path
    /// (one atomic increment).
    #[inline(always)]
    fn clone(&self) -> Value {
        match self {
            Value::None => Value::None,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Float(f) => Value::Float(*f),
            Value::Builtin(f) => Value::Builtin(f),
            _ => self.clone_heap(),
        }
    }
}

impl Value {
    #[inline(never)]
    fn clone_heap(&self) -> Value {
        match self {
            Value::BigInt(b) => Value::BigInt(b.clone()),
            Value::Str(s) => Value::Str(s.clone()),
            Value::Bytes(b) => Value::Bytes(b.clone()),
            Value::Tuple(t) => Value::Tuple(t.clone()),
            Value::List(l) => Value::List(l.clone()),
            Value::Dict(d) => Value::Dict(d.clone()),
            Value::Set(s) => Value::Set(s.clone()),
            Value::Range(r) => Value::Range(r.clone()),
            Value::Function(f) => Value::Function(f.clone()),
            Value::BoundMethod(m) => Value::BoundMethod(m.clone()),
            Value::Host(h) => Value::Host(h.clone()),
            Value::None => Value::None,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Float(f) => Value::Float(*f),
            Value::Builtin(f) => Value::Builtin(f),
        }
    }
}

/// A builtin method together with the value it was looked up on.
pub struct BoundMethod {
    /// The receiver (`self`).
    pub receiver: Value,
    /// The method.
    pub method: &'static NativeFunction,
}

impl BoundMethod {
    /// `receiver.method`, charged to the memory account (and credited when dropped).
    pub fn new(receiver: Value, method: &'static NativeFunction) -> BoundMethod {
        memory::charge(Self::BYTES);
        BoundMethod { receiver, method }
    }

    /// The bytes a bound method takes (the object, its count, the allocator's share).
    const BYTES: usize = std::mem::size_of::<BoundMethod>() + 24;
}

impl Drop for BoundMethod {
    fn drop(&mut self) {
        memory::credit(Self::BYTES);
    }
}

impl Value {
    /// The `None` value.
    pub const NONE: Value = Value::None;

    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::Str(Str::new(s))
    }

    /// An int value from any big integer, normalised to `Int` when it fits.
    pub fn from_bigint(b: BigInt) -> Value {
        match i64::try_from(&b) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::BigInt(Arc::new(Big::new(b))),
        }
    }

    /// A new list.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(List::new(items)))
    }

    /// A new tuple.
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Tuple::new(items))
    }

    /// A new, empty dict.
    pub fn dict() -> Value {
        Value::Dict(Arc::new(Dict::new()))
    }

    /// A value of a host type.
    pub fn host<T: HostValue + FreezeSafe>(v: T) -> Value {
        Value::Host(Host::new(v))
    }

    /// The name of the value's type, as `type(x)` reports it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::BigInt(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "string",
            Value::Bytes(_) => "bytes",
            Value::Tuple(_) => "tuple",
            Value::List(_) => "list",
            Value::Dict(_) => "dict",
            Value::Set(_) => "set",
            Value::Range(_) => "range",
            Value::Function(_) => "function",
            Value::Builtin(_) | Value::BoundMethod(_) => "builtin_function_or_method",
            Value::Host(h) => h.get().type_name(),
        }
    }

    /// The truth value, as `bool(x)` computes it.
    pub fn truth(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::BigInt(_) => true,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Dict(d) => !d.is_empty(),
            Value::Set(s) => !s.is_empty(),
            Value::Range(r) => !r.is_empty(),
            Value::Function(_) | Value::Builtin(_) | Value::BoundMethod(_) => true,
            Value::Host(h) => h.get().truth(),
        }
    }

    /// Freezes the value and everything reachable from it. Idempotent; cycles are fine.
    /// A function's module is left alone (the spec's rule: modules freeze when they
    /// finish initialising). A collection that is being written at this moment (by the
    /// code that called, through a host type, the code freezing it) stays mutable.
    pub fn freeze(&self) {
        let mut f = Freezer::new(freeze::Mode::Freeze);
        f.value(self);
        f.run();
    }

    /// Whether the value can never change again (immutable, or frozen).
    pub fn is_frozen(&self) -> bool {
        let mut f = Freezer::new(freeze::Mode::Check);
        f.value(self);
        f.run();
        f.all_frozen()
    }

    /// Freezes the value and returns it as a value that may cross threads. Beyond
    /// [`Value::freeze`], this also freezes the modules of the functions reachable from
    /// the value (host values included), since a function shared between threads reads
    /// its module's globals.
    ///
    /// # Panics
    /// If a collection reachable from the value is being written at this moment (see
    /// [`Value::try_into_frozen`], which reports that as an error instead).
    pub fn into_frozen(self) -> FrozenValue {
        match self.try_into_frozen() {
            Ok(v) => v,
            Err(e) => panic!("{}", e.message()),
        }
    }

    /// Like [`Value::into_frozen`], but a collection that is being written at this
    /// moment (reachable only when host code freezes a value from inside an operation
    /// on it, such as a dict insertion calling a host type's `equals`) is an error.
    pub fn try_into_frozen(self) -> crate::error::Result<FrozenValue> {
        let mut f = Freezer::new(freeze::Mode::Deep);
        f.value(&self);
        f.run();
        if f.met_busy_cell() {
            return Err(Error::new(
                ErrorKind::Iteration,
                "cannot freeze a value while it is being mutated",
            ));
        }
        let modules = f.take_modules();
        Ok(FrozenValue::from_walk(
            self,
            &(!modules.is_empty()).then(|| modules.into()),
        ))
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&Str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The int, if this is one that fits in 64 bits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The list, if this is one.
    pub fn as_list(&self) -> Option<&List> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The dict, if this is one.
    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Value::Dict(d) => Some(d),
            _ => None,
        }
    }

    /// The value of host type `T`, if this is one.
    pub fn downcast_ref<T: HostValue>(&self) -> Option<&T> {
        match self {
            Value::Host(h) => h.downcast_ref::<T>(),
            _ => None,
        }
    }

    /// Whether both are the same object (for values with identity) or the same
    /// immediate value.
    pub fn ptr_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::List(a), Value::List(b)) => Arc::ptr_eq(a, b),
            (Value::Dict(a), Value::Dict(b)) => Arc::ptr_eq(a, b),
            (Value::Set(a), Value::Set(b)) => Arc::ptr_eq(a, b),
            (Value::Function(a), Value::Function(b)) => Arc::ptr_eq(a, b),
            (Value::Builtin(a), Value::Builtin(b)) => std::ptr::eq(*a, *b),
            (Value::Host(a), Value::Host(b)) => a.ptr_eq(b),
            _ => false,
        }
    }

    /// A frozen-value error or an iteration error, worded as the reference words them:
    /// `cannot append to frozen list`.
    pub(crate) fn mutate_error(e: MutateError, verb: &str, what: &str) -> Error {
        match e {
            MutateError::Frozen => {
                Error::new(ErrorKind::Frozen, format!("cannot {verb} frozen {what}"))
            }
            MutateError::Iterating => Error::new(
                ErrorKind::Iteration,
                format!("cannot {verb} {what} during iteration"),
            ),
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.repr())
    }
}

impl fmt::Display for Value {
    /// The `str(x)` form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_str())
    }
}

/// A frozen value: immutable for good, and so safe to share between threads.
///
/// Made by [`Value::into_frozen`]; [`FrozenValue::value`] gives a `Value` back (a cheap
/// clone) for use in any execution on any thread.
#[derive(Clone)]
pub struct FrozenValue {
    value: Value,
    /// The modules of the functions the value reaches, told when the value is used on
    /// another OS thread (see `eval/collect.rs`).
    modules: Option<std::sync::Arc<[Arc<crate::eval::vm::ModuleState>]>>,
}

// SAFETY: a FrozenValue is only made by `Value::try_into_frozen`, which freezes
// everything reachable from the value (host values through `FreezeSafe`, functions'
// modules too) and fails if a cell could not be frozen because it was being written. Frozen cells are never written again (`FreezeCell`: readers
// of frozen cells do not count themselves), strings cache their hash in atomics,
// reference counts are atomic, and host values reachable from it are `FreezeSafe`
// (their state does not change through `&self` once frozen). So every access from any
// thread is a read of memory no one writes, or an atomic operation.
unsafe impl Send for FrozenValue {}
// SAFETY: as above.
unsafe impl Sync for FrozenValue {}

/// Freezes a module and everything its globals reach, as [`Value::into_frozen`] does
/// for a value, and returns the modules of the functions reached (for
/// [`FrozenValue::from_walk`]).
///
/// # Panics
/// If a collection reachable from the globals is being written at this moment.
pub(crate) fn freeze_module_deep(
    state: &crate::eval::vm::ModuleState,
) -> Option<std::sync::Arc<[Arc<crate::eval::vm::ModuleState>]>> {
    let mut f = Freezer::new(freeze::Mode::Deep);
    f.module(state);
    f.run();
    if f.met_busy_cell() {
        panic!("cannot freeze a value while it is being mutated");
    }
    let modules = f.take_modules();
    (!modules.is_empty()).then(|| modules.into())
}

impl FrozenValue {
    /// A value frozen by a deep walk ([`freeze_module_deep`]) that also reached
    /// everything the value reaches, and the modules that walk found.
    pub(crate) fn from_walk(
        value: Value,
        modules: &Option<std::sync::Arc<[Arc<crate::eval::vm::ModuleState>]>>,
    ) -> FrozenValue {
        FrozenValue {
            value,
            modules: modules.clone(),
        }
    }

    /// The value, for use in the current thread.
    pub fn value(&self) -> Value {
        self.note_use();
        self.value.clone()
    }

    /// A reference to the value.
    pub fn as_value(&self) -> &Value {
        self.note_use();
        &self.value
    }

    #[inline]
    fn note_use(&self) {
        if let Some(modules) = &self.modules {
            modules.iter().for_each(|m| m.note_use());
        }
    }
}

impl fmt::Debug for FrozenValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.note_use();
        fmt::Debug::fmt(&self.value, f)
    }
}

/// Compile-time proof of the thread rules: frozen values and frozen modules are
/// `Send + Sync`; strings are too; a `Value` is neither (see the module docs).
#[allow(dead_code)]
const _: () = {
    fn send_sync<T: Send + Sync>() {}
    fn check() {
        send_sync::<FrozenValue>();
        send_sync::<crate::eval::FrozenModule>();
        send_sync::<Str>();
        send_sync::<Bytes>();
    }
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_is_two_words() {
        assert_eq!(std::mem::size_of::<Value>(), 16);
        assert_eq!(std::mem::size_of::<crate::Result<Value>>(), 16);
    }

    #[test]
    fn big_ints_normalise() {
        let big = BigInt::from(1) << 64u32;
        assert!(matches!(Value::from_bigint(big.clone()), Value::BigInt(_)));
        assert!(matches!(Value::from_bigint(big >> 10), Value::Int(_)));
    }

    #[test]
    fn freezing_is_deep_and_survives_cycles() {
        let inner = Value::list(vec![Value::Int(1)]);
        let outer = Value::list(vec![inner.clone()]);
        outer.as_list().unwrap().push(outer.clone()).unwrap();
        let t = Value::tuple(vec![outer.clone()]);
        assert!(!t.is_frozen());
        let frozen = t.into_frozen();
        assert!(frozen.as_value().is_frozen());
        let e = inner.as_list().unwrap().push(Value::None).unwrap_err();
        assert_eq!(e.message(), "cannot append to frozen list");
        assert_eq!(e.kind(), ErrorKind::Frozen);
    }
}

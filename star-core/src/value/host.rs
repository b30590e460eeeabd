//! Host values: Rust types that scripts can use.
//!
//! A host type implements [`HostValue`] (usually through `#[derive(StarValue)]`), whose
//! methods all have defaults except the type name: attributes, methods, calls, equality,
//! hashing, ordering and iteration are opt-in. A host value is stored as
//! [`Value::Host`], a thin shared pointer, so any number of script values can refer to
//! one Rust object.
//!
//! To be placed in a value, a host type must also be [`FreezeSafe`]: once frozen, its
//! state reachable through `&self` no longer changes, which is what allows a frozen
//! value holding it to be shared between threads. Plain data is `FreezeSafe` field by
//! field (the derive checks each field's type); a type with its own synchronisation
//! (`Mutex`, atomics) is `FreezeSafe` when it is `Send + Sync`
//! ([`crate::impl_freeze_safe!`]).

use std::any::Any;
use std::cmp::Ordering;
use std::fmt::Write;

use num_bigint::BigInt;

use super::{Bytes, Freezer, FrozenValue, Str, Value};
use crate::call::{Args, NativeFunction};
use crate::error::{Error, Result};
use crate::syntax::BinOp;
use crate::thread::Thread;

/// A Rust type usable as a script value.
pub trait HostValue: Any {
    /// The name `type(x)` reports.
    fn type_name(&self) -> &'static str;

    /// Appends `repr(x)`; by default `<type_name>`.
    fn repr(&self, out: &mut String) {
        let _ = write!(out, "<{}>", self.type_name());
    }

    /// The truth value; by default true.
    fn truth(&self) -> bool {
        true
    }

    /// `self == other`, called only when `other` is a different host object; by default
    /// host values are equal only to themselves.
    fn equals(&self, other: &Value) -> Result<bool> {
        let _ = other;
        Ok(false)
    }

    /// The order of `self` and `other` (a value of the same type name), or `None` if the
    /// type is unordered.
    fn compare(&self, other: &Value) -> Result<Option<Ordering>> {
        let _ = other;
        Ok(None)
    }

    /// The hash for dict keys; by default the type is unhashable.
    fn hash(&self) -> Result<u32> {
        Err(Error::type_error(format!(
            "unhashable type: {}",
            self.type_name()
        )))
    }

    /// The attribute `name` (a field; methods come from [`HostValue::methods`]).
    fn attr(&self, name: &str) -> Option<Value> {
        let _ = name;
        None
    }

    /// The error for reading a missing attribute `name`; `None` gives the usual
    /// "T has no .name field or method" with a spelling hint.
    fn missing_attr(&self, name: &str) -> Option<Error> {
        let _ = name;
        None
    }

    /// The names of the attributes (fields), for `dir(x)`.
    fn attr_names(&self) -> Vec<String> {
        Vec::new()
    }

    /// Assigns `x.name = value`; by default attributes are read-only.
    fn set_attr(&self, name: &str, value: Value) -> Result<()> {
        let _ = value;
        Err(Error::type_error(format!(
            "can't assign to .{name} field of {}",
            self.type_name()
        )))
    }

    /// The methods of the type, looked up by name as attributes.
    fn methods(&self) -> &'static [&'static NativeFunction] {
        &[]
    }

    /// Calls the value as a function; by default it is not callable.
    fn call(&self, thread: &mut Thread, args: &Args<'_>) -> Result<Value> {
        let _ = (thread, args);
        Err(Error::type_error(format!(
            "invalid call of non-function ({})",
            self.type_name()
        )))
    }

    /// The elements, if the value is iterable.
    fn iterate(&self) -> Option<Result<Vec<Value>>> {
        None
    }

    /// An iterator over the elements, if the value is iterable. By default it walks
    /// [`HostValue::iterate`]'s result; a type whose elements are computed one at a
    /// time (or never end) implements this instead, and `for` loops pull lazily.
    fn iter(&self) -> Option<Result<HostIter>> {
        self.iterate()
            .map(|r| r.map(|items| Box::new(items.into_iter()) as HostIter))
    }

    /// `self op other`, or `other op self` when `self_on_right`; `None` if the type
    /// does not define the operator for these operands (the caller then reports
    /// "unknown binary op").
    fn binary(&self, op: BinOp, other: &Value, self_on_right: bool) -> Option<Result<Value>> {
        let _ = (op, other, self_on_right);
        None
    }

    /// The number of elements (`len(x)`), if the value has a length.
    fn length(&self) -> Option<usize> {
        None
    }

    /// `x[key]`, if the value can be indexed.
    fn index(&self, key: &Value) -> Option<Result<Value>> {
        let _ = key;
        None
    }
}

/// An iterator over a host value's elements.
pub type HostIter = Box<dyn Iterator<Item = Value>>;

/// The methods of a host type, as `#[star_methods]` declares them on its `impl` block.
pub trait HostMethods {
    /// The methods, each a builtin whose receiver is the host value.
    fn methods() -> &'static [&'static NativeFunction];
}

/// What a [`Host`] stores: a host value together with its freezing walk.
trait HostObject: HostValue {
    fn freeze_contents_dyn(&self, freezer: &mut Freezer);
}

impl<T: HostValue + FreezeSafe> HostObject for T {
    fn freeze_contents_dyn(&self, freezer: &mut Freezer) {
        self.freeze_contents(freezer)
    }
}

/// A shared reference to a host value.
#[derive(Clone)]
pub struct Host(triomphe::Arc<Box<dyn HostObject>>);

impl Host {
    /// Wraps a host value.
    pub fn new<T: HostValue + FreezeSafe>(v: T) -> Host {
        Host(triomphe::Arc::new(Box::new(v)))
    }

    /// The host value.
    #[inline]
    pub fn get(&self) -> &dyn HostValue {
        &**self.0
    }

    /// Hands the values the host value holds to `freezer`.
    pub(crate) fn freeze_contents(&self, freezer: &mut Freezer) {
        self.0.freeze_contents_dyn(freezer)
    }

    /// The number of references to the host value (for the module collector).
    pub(crate) fn ref_count(&self) -> usize {
        triomphe::Arc::count(&self.0)
    }

    /// The host value as a `T`, if it is one.
    pub fn downcast_ref<T: HostValue>(&self) -> Option<&T> {
        let any: &dyn Any = self.get();
        any.downcast_ref::<T>()
    }

    /// Whether both refer to the same object.
    pub fn ptr_eq(&self, other: &Host) -> bool {
        triomphe::Arc::ptr_eq(&self.0, &other.0)
    }

    pub(crate) fn addr(&self) -> usize {
        triomphe::Arc::as_ptr(&self.0) as usize
    }

    /// The method `name` of the value's type, if any.
    pub fn method(&self, name: &str) -> Option<&'static NativeFunction> {
        self.get()
            .methods()
            .iter()
            .copied()
            .find(|m| m.name == name)
    }
}

/// Types whose state, once frozen, never changes through `&self`, and that hand every
/// script value they hold to the freezer.
///
/// star-core calls [`FreezeSafe::freeze_contents`] whenever it freezes a value holding
/// a host object, checks whether it is frozen, or (for a module being dropped) looks
/// for reference cycles; it is the only way star-core learns what a host value holds.
///
/// # Safety
///
/// `freeze_contents` must hand every [`Value`] the type holds to
/// [`Freezer::value`] (and every [`FreezeCell`](super::FreezeCell) to its own
/// `freeze_contents`). After a freezer in a freezing mode has walked the value, no method
/// reachable through `&self` may write memory that another thread could be reading,
/// except through atomics or locks. Types that are `Send + Sync` satisfy this (they
/// cannot hold a `Value`); so do immutable containers of `FreezeSafe` values, and
/// [`Value`] itself. Implement it with `#[derive(StarValue)]` or
/// [`crate::impl_freeze_safe!`] rather than by hand.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be held by a script value: it is not `FreezeSafe`",
    note = "derive `StarValue` for it, use `star_core::impl_freeze_safe!` if it is `Send + Sync`, or keep it in a type that is"
)]
pub unsafe trait FreezeSafe {
    /// Hands every script value held inside to `freezer` (`freezer.value(&v)`).
    fn freeze_contents(&self, freezer: &mut Freezer);
}

/// Implements [`FreezeSafe`] for types that are `Send + Sync` (checked at compile
/// time): their own synchronisation makes them safe to share.
#[macro_export]
macro_rules! impl_freeze_safe {
    ($($t:ty),* $(,)?) => {$(
        const _: fn() = || {
            fn assert_send_sync<T: ?Sized + Send + Sync>() {}
            assert_send_sync::<$t>();
        };
        // SAFETY: the type is Send + Sync (asserted above), so sharing it between
        // threads is sound whatever its state.
        unsafe impl $crate::value::FreezeSafe for $t {
            fn freeze_contents(&self, _: &mut $crate::value::Freezer) {}
        }
    )*};
}

macro_rules! freeze_safe_plain {
    ($($t:ty),*) => {$(
        // SAFETY: immutable through `&self` (or Send + Sync) and holds no script values.
        unsafe impl FreezeSafe for $t {
            fn freeze_contents(&self, _: &mut Freezer) {}
        }
    )*};
}

freeze_safe_plain!(
    (),
    bool,
    char,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    f32,
    f64,
    String,
    str,
    Str,
    Bytes,
    BigInt,
    FrozenValue,
    &'static str,
    std::path::PathBuf,
    std::time::Duration,
    std::time::Instant,
    std::time::SystemTime
);

// SAFETY: the freezer makes the value and everything it reaches immutable.
unsafe impl FreezeSafe for Value {
    fn freeze_contents(&self, freezer: &mut Freezer) {
        freezer.value(self)
    }
}

macro_rules! freeze_safe_container {
    ($($t:ident)::+ <$($p:ident),*> => |$s:ident| $iter:expr) => {
        // SAFETY: an immutable container (through `&self`) of FreezeSafe values.
        unsafe impl<$($p: FreezeSafe),*> FreezeSafe for $($t)::+<$($p),*> {
            fn freeze_contents(&self, freezer: &mut Freezer) {
                let $s = self;
                for x in $iter {
                    x.freeze_contents(freezer);
                }
            }
        }
    };
}

freeze_safe_container!(Vec<T> => |s| s.iter());
freeze_safe_container!(Option<T> => |s| s.iter());
freeze_safe_container!(Box<T> => |s| std::iter::once(&**s));
freeze_safe_container!(std::collections::BTreeMap<K, V> => |s| s.values());

// SAFETY: an immutable container (through `&self`) of FreezeSafe values.
unsafe impl<K: FreezeSafe, V: FreezeSafe, S> FreezeSafe for indexmap::IndexMap<K, V, S> {
    fn freeze_contents(&self, freezer: &mut Freezer) {
        self.values().for_each(|v| v.freeze_contents(freezer))
    }
}

// SAFETY: an immutable container (through `&self`) of FreezeSafe values.
unsafe impl<K: FreezeSafe, V: FreezeSafe, S> FreezeSafe for std::collections::HashMap<K, V, S> {
    fn freeze_contents(&self, freezer: &mut Freezer) {
        self.values().for_each(|v| v.freeze_contents(freezer))
    }
}

// SAFETY: shared ownership of a Send + Sync value.
unsafe impl<T: ?Sized + Send + Sync> FreezeSafe for std::sync::Arc<T> {
    fn freeze_contents(&self, _: &mut Freezer) {}
}
// SAFETY: a lock makes shared mutation safe.
unsafe impl<T: ?Sized + Send> FreezeSafe for std::sync::Mutex<T> {
    fn freeze_contents(&self, _: &mut Freezer) {}
}
// SAFETY: a lock makes shared mutation safe.
unsafe impl<T: ?Sized + Send + Sync> FreezeSafe for std::sync::RwLock<T> {
    fn freeze_contents(&self, _: &mut Freezer) {}
}

macro_rules! freeze_safe_tuple {
    ($($p:ident $i:tt),*) => {
        // SAFETY: an immutable tuple of FreezeSafe values.
        unsafe impl<$($p: FreezeSafe),*> FreezeSafe for ($($p,)*) {
            fn freeze_contents(&self, freezer: &mut Freezer) {
                $(self.$i.freeze_contents(freezer);)*
            }
        }
    };
}

freeze_safe_tuple!(A 0);
freeze_safe_tuple!(A 0, B 1);
freeze_safe_tuple!(A 0, B 1, C 2);
freeze_safe_tuple!(A 0, B 1, C 2, D 3);

//! Argument handling shared by the collection methods and the universe's builtins,
//! beyond what `#[star_builtin]` does for them, so that their messages read as the
//! reference implementation's do.
//!
//! The reference unpacks a positional-only argument by its position and names a
//! failing one by it (`union: for parameter 2: got int, want iterable`), and names
//! other parameters by name (`sorted: for parameter key: got int, want callable`).
//! Builtins that take any number of iterables, or that must tell an absent argument
//! from `None` (`{}.pop("k", None)` returns `None`, `{}.pop("k")` fails;
//! `getattr(x, "f", None)` returns `None`; `list(None)` fails), unpack those arguments
//! here. Every message of a builtin is prefixed with its name (`pop: missing key`):
//! [`named`] does that once per builtin.

use std::fmt::Display;

use crate::error::{Error, Result};
use crate::value::{ConvError, FromValue, Value};

use super::super::vm::iterate;

/// Prefixes an error with the builtin's name: `pop: missing key`.
#[inline]
pub(crate) fn named<T>(name: &str, r: Result<T>) -> Result<T> {
    r.map_err(|e| e.with_prefix(&format!("{name}: ")))
}

/// The elements of `v`, or `None` if it is not iterable.
pub(crate) fn elements(v: &Value) -> Option<Result<Vec<Value>>> {
    match v {
        Value::List(_) | Value::Tuple(_) | Value::Range(_) | Value::Dict(_) | Value::Set(_) => {
            Some(iterate(v))
        }
        Value::Host(h) => h.get().iter().map(|r| r.map(|it| it.collect())),
        _ => None,
    }
}

/// The elements of the iterable argument for `param` (a positional-only parameter's
/// 1-based position, or another's name), or the reference's
/// `for parameter 2: got int, want iterable` (to be prefixed with [`named`]).
pub(crate) fn iterable(v: &Value, param: impl Display) -> Result<Vec<Value>> {
    match elements(v) {
        Some(items) => items,
        None => Err(wrong_type(v, param, "iterable")),
    }
}

/// `v` if it can be called, or `for parameter key: got int, want callable`. A host
/// value may be callable (it says so only when called).
pub(crate) fn callable(v: Value, param: impl Display) -> Result<Value> {
    match v {
        Value::Function(_) | Value::Builtin(_) | Value::BoundMethod(_) | Value::Host(_) => Ok(v),
        _ => Err(wrong_type(&v, param, "callable")),
    }
}

/// The bool `v`: as in the reference, a parameter that wants a bool takes only a bool,
/// not any value's truth (`for parameter reverse: got int, want bool`).
pub(crate) fn boolean(v: &Value, param: impl Display) -> Result<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        _ => Err(wrong_type(v, param, "bool")),
    }
}

/// The elements of each of `args`, checked all before any is used (as the reference
/// unpacks all arguments before it acts).
pub(super) fn iterables(args: &[Value]) -> Result<Vec<Vec<Value>>> {
    args.iter()
        .enumerate()
        .map(|(i, v)| iterable(v, i + 1))
        .collect()
}

#[cold]
fn wrong_type(v: &Value, param: impl Display, want: &str) -> Error {
    Error::type_error(format!(
        "for parameter {param}: got {}, want {want}",
        v.type_name()
    ))
}

/// An optional argument whose absence means something else than `None`; declare it
/// with `name = ABSENT` in the signature.
pub(crate) enum Optional {
    /// The call did not pass it.
    Absent,
    /// The call passed this value (perhaps `None`).
    Given(Value),
}

/// The default of an [`Optional`] parameter.
pub(crate) const ABSENT: Optional = Optional::Absent;

impl<'a> FromValue<'a> for Optional {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        Ok(Optional::Given(v.clone()))
    }
    fn expected() -> String {
        "value".into()
    }
}

/// Running snippets for the tests of the collection methods.
#[cfg(test)]
pub(super) mod script {
    use std::cell::RefCell;
    use std::rc::Rc;

    use crate::eval::{Module, Predeclared};
    use crate::star_builtin;
    use crate::thread::Thread;
    use crate::value::Value;
    use crate::Dialect;

    /// Freezes a value and returns it (the test harness's `freeze`).
    #[star_builtin(signature = (x, /))]
    fn freeze(x: Value) -> Value {
        x.freeze();
        x
    }

    fn exec(src: &str) -> (String, Option<String>) {
        let out = Rc::new(RefCell::new(String::new()));
        let o = out.clone();
        let mut t = Thread::new("test");
        t.set_print(move |s| {
            o.borrow_mut().push_str(s);
            o.borrow_mut().push('\n');
        });
        let predeclared = Predeclared::new().with("freeze", Value::Builtin(&freeze::BUILTIN));
        let mut m = Module::new("test.star", predeclared, Dialect::extended());
        let err = m.exec(&mut t, src).err().map(|e| e.message());
        let printed = out.borrow().clone();
        (printed, err)
    }

    /// What the program prints; panics if it fails.
    pub fn run(src: &str) -> String {
        match exec(src) {
            (out, None) => out,
            (_, Some(e)) => panic!("unexpected error: {e}\nin: {src}"),
        }
    }

    /// The message of the error the program stops with; panics if it succeeds.
    pub fn fails(src: &str) -> String {
        match exec(src) {
            (_, Some(e)) => e,
            (_, None) => panic!("no error from: {src}"),
        }
    }
}

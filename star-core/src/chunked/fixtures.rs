//! The reference harness's test fixtures, predeclared in every exec-mode chunk:
//! `struct`, `gensym`, `hasfields` and `fibonacci`.
//!
//! They are small host types written against the public embedding API
//! ([`HostValue`], [`FreezeSafe`], `#[star_builtin]`), and exercise the parts of it the
//! derive does not cover: dynamic attributes, assignable fields, operators, calls and
//! lazy (infinite) iteration.

use std::cell::Cell;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::call::Args;
use crate::error::{Error, ErrorKind, Result};
use crate::eval::Predeclared;
use crate::resolve::spell;
use crate::star_builtin;
use crate::syntax::BinOp;
use crate::thread::Thread;
use crate::value::{FreezeCell, FreezeSafe, HostIter, HostValue, Value};

/// The predeclared names of an exec-mode chunk: the fixtures.
pub fn predeclared() -> Predeclared {
    Predeclared::new()
        .with("struct", Value::Builtin(&make_struct::BUILTIN))
        .with("gensym", Value::Builtin(&gensym::BUILTIN))
        .with("hasfields", Value::Builtin(&hasfields::BUILTIN))
        .with("fibonacci", Value::host(Fibonacci))
}

/// Makes a struct from keyword arguments: `struct(host = "localhost", port = 80)`.
#[star_builtin(name = "struct", signature = (*args, **kwargs))]
fn make_struct(args: Vec<Value>, kwargs: IndexMap<String, Value>) -> Result<Value> {
    if !args.is_empty() {
        return Err(Error::type_error("unexpected positional arguments"));
    }
    Ok(Value::host(Struct::new(None, kwargs)))
}

/// Makes a new constructor symbol: `gensym(name = "point")(x = 1)` is a struct
/// branded `point`.
#[star_builtin(signature = (*, name))]
fn gensym(name: String) -> Value {
    Value::host(Symbol {
        name: Arc::from(name),
    })
}

/// Makes an object whose fields can be set freely until it is frozen.
#[star_builtin(signature = (*args, **kwargs))]
fn hasfields(args: Vec<Value>, kwargs: IndexMap<String, Value>) -> Result<Value> {
    if !args.is_empty() || !kwargs.is_empty() {
        return Err(Error::type_error("unexpected arguments"));
    }
    Ok(Value::host(HasFields {
        fields: FreezeCell::new(IndexMap::new()),
    }))
}

/// An immutable record with fields sorted by name, optionally branded by the symbol
/// that made it.
pub struct Struct {
    /// The constructor symbol's name; identity (not the text) tells brands apart.
    ctor: Option<Arc<str>>,
    /// The fields, sorted by name.
    fields: Vec<(String, Value)>,
}

impl Struct {
    fn new(ctor: Option<Arc<str>>, fields: IndexMap<String, Value>) -> Struct {
        let mut fields: Vec<(String, Value)> = fields.into_iter().collect();
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        Struct { ctor, fields }
    }

    fn ctor_name(&self) -> &str {
        self.ctor.as_deref().unwrap_or("struct")
    }

    fn same_ctor(&self, other: &Struct) -> bool {
        match (&self.ctor, &other.ctor) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl HostValue for Struct {
    fn type_name(&self) -> &'static str {
        "struct"
    }

    fn repr(&self, out: &mut String) {
        out.push_str(self.ctor_name());
        out.push('(');
        for (i, (k, v)) in self.fields.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(k);
            out.push_str(" = ");
            v.write_repr(out);
        }
        out.push(')');
    }

    fn equals(&self, other: &Value) -> Result<bool> {
        let Some(o) = other.downcast_ref::<Struct>() else {
            return Ok(false);
        };
        if !self.same_ctor(o) || self.fields.len() != o.fields.len() {
            return Ok(false);
        }
        for ((ka, va), (kb, vb)) in self.fields.iter().zip(&o.fields) {
            if ka != kb || !va.equals(vb)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn hash(&self) -> Result<u32> {
        let mut h: u32 = 0x5157;
        for (k, v) in &self.fields {
            h = h.wrapping_mul(31).wrapping_add(Value::str(k).hash32()?);
            h = h.wrapping_mul(31).wrapping_add(v.hash32()?);
        }
        Ok(h)
    }

    fn attr(&self, name: &str) -> Option<Value> {
        let i = self
            .fields
            .binary_search_by(|(k, _)| k.as_str().cmp(name))
            .ok()?;
        Some(self.fields[i].1.clone())
    }

    fn missing_attr(&self, name: &str) -> Option<Error> {
        let prefix = match &self.ctor {
            Some(c) => format!("{c} struct"),
            None => "struct".to_string(),
        };
        let names: Vec<&str> = self.fields.iter().map(|(k, _)| k.as_str()).collect();
        let hint = spell::nearest(name, &names)
            .map(|n| format!(" (did you mean .{n}?)"))
            .unwrap_or_default();
        Some(Error::new(
            ErrorKind::Name,
            format!("{prefix} has no .{name} attribute{hint}"),
        ))
    }

    fn attr_names(&self) -> Vec<String> {
        self.fields.iter().map(|(k, _)| k.clone()).collect()
    }

    fn binary(&self, op: BinOp, other: &Value, self_on_right: bool) -> Option<Result<Value>> {
        let o = other.downcast_ref::<Struct>()?;
        if op != BinOp::Plus {
            return None;
        }
        let (x, y) = if self_on_right { (o, self) } else { (self, o) };
        if !x.same_ctor(y) {
            return Some(Err(Error::type_error(format!(
                "different constructors: {} + {}",
                x.ctor_name(),
                y.ctor_name()
            ))));
        }
        let mut fields: IndexMap<String, Value> = x.fields.iter().cloned().collect();
        fields.extend(y.fields.iter().cloned());
        Some(Ok(Value::host(Struct::new(x.ctor.clone(), fields))))
    }
}

// SAFETY: the constructor and the field list never change after construction; the
// field values are frozen by `freeze_contents`.
unsafe impl FreezeSafe for Struct {
    fn freeze_contents(&self, freezer: &mut crate::value::Freezer) {
        self.fields.iter().for_each(|(_, v)| freezer.value(v));
    }
}

/// A struct constructor made by `gensym`; each call of `gensym` makes a distinct one.
pub struct Symbol {
    name: Arc<str>,
}

impl HostValue for Symbol {
    fn type_name(&self) -> &'static str {
        "symbol"
    }

    fn repr(&self, out: &mut String) {
        out.push_str(&self.name);
    }

    fn equals(&self, other: &Value) -> Result<bool> {
        Ok(other
            .downcast_ref::<Symbol>()
            .is_some_and(|o| Arc::ptr_eq(&self.name, &o.name)))
    }

    fn hash(&self) -> Result<u32> {
        Ok(Arc::as_ptr(&self.name) as *const u8 as usize as u32)
    }

    fn call(&self, _thread: &mut Thread, args: &Args<'_>) -> Result<Value> {
        if !args.positional.is_empty() {
            return Err(Error::type_error(format!(
                "{}: unexpected positional arguments",
                self.name
            )));
        }
        let fields = args
            .keywords()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        Ok(Value::host(Struct::new(Some(self.name.clone()), fields)))
    }
}

// SAFETY: the name never changes.
unsafe impl FreezeSafe for Symbol {
    fn freeze_contents(&self, _: &mut crate::value::Freezer) {}
}

/// An object with assignable fields, as the reference harness's `hasfields`.
pub struct HasFields {
    fields: FreezeCell<IndexMap<String, Value>>,
}

impl HasFields {
    fn no_field(&self, name: &str) -> Error {
        let fields = self.fields.borrow();
        let names: Vec<&str> = fields.keys().map(|k| k.as_str()).collect();
        let hint = spell::nearest(name, &names)
            .map(|n| format!(" (did you mean .{n}?)"))
            .unwrap_or_default();
        Error::new(
            ErrorKind::Name,
            format!("hasfields has no .{name} field or method{hint}"),
        )
    }
}

impl HostValue for HasFields {
    fn type_name(&self) -> &'static str {
        "hasfields"
    }

    fn repr(&self, out: &mut String) {
        out.push_str("hasfields");
    }

    fn hash(&self) -> Result<u32> {
        Ok(42)
    }

    fn attr(&self, name: &str) -> Option<Value> {
        self.fields.borrow().get(name).cloned()
    }

    fn missing_attr(&self, name: &str) -> Option<Error> {
        Some(self.no_field(name))
    }

    fn attr_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.fields.borrow().keys().cloned().collect();
        names.sort();
        names
    }

    fn set_attr(&self, name: &str, value: Value) -> Result<()> {
        if self.fields.is_frozen() {
            return Err(Error::new(
                ErrorKind::Frozen,
                "cannot set field on a frozen hasfields",
            ));
        }
        if name.starts_with("no") {
            // The reference harness's way of testing a refused assignment.
            return Err(self.no_field(name));
        }
        self.fields
            .borrow_mut()
            .map_err(|e| Value::mutate_error(e, "set field of", "hasfields"))?
            .insert(name.to_string(), value);
        Ok(())
    }

    fn binary(&self, op: BinOp, other: &Value, self_on_right: bool) -> Option<Result<Value>> {
        // `list + hasfields` is 42: a test of operators defined by the right operand.
        (op == BinOp::Plus && self_on_right && matches!(other, Value::List(_)))
            .then_some(Ok(Value::Int(42)))
    }
}

// SAFETY: the fields live in a `FreezeCell`, which refuses writes once frozen.
unsafe impl FreezeSafe for HasFields {
    fn freeze_contents(&self, freezer: &mut crate::value::Freezer) {
        self.fields.freeze_contents(freezer);
    }
}

/// The infinite sequence 0, 1, 1, 2, 3, 5, ... as an iterable of type `fib`.
pub struct Fibonacci;

impl HostValue for Fibonacci {
    fn type_name(&self) -> &'static str {
        "fib"
    }

    fn repr(&self, out: &mut String) {
        out.push_str("fib");
    }

    fn iter(&self) -> Option<Result<HostIter>> {
        let (a, b) = (Cell::new(0i64), Cell::new(1i64));
        Some(Ok(Box::new(std::iter::from_fn(move || {
            let x = a.get();
            a.set(b.get());
            b.set(x.checked_add(b.get())?);
            Some(Value::Int(x))
        }))))
    }
}

// SAFETY: no state.
unsafe impl FreezeSafe for Fibonacci {
    fn freeze_contents(&self, _: &mut crate::value::Freezer) {}
}

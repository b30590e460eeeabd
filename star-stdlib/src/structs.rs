//! The `struct` module: `struct(**kwargs)` and `module(name, **kwargs)`, as
//! google/starlark-go's `starlarkstruct`.
//!
//! A struct ([`Struct`]) is an immutable record: its fields are read as attributes,
//! `dir(s)` lists them and `repr(s)` shows them sorted by name, as Go does:
//! `struct(a = 1, b = "x")`. Two structs are equal when they have the same fields with
//! equal values; a struct is hashable when all its values are; `s + t` is a struct with
//! the fields of both (`t`'s win). A module made by `module("name", ...)` is a
//! [`NativeModule`]: attributes too, but it shows as `<module "name">` and is not
//! hashable.
//!
//! `load("@stdlib//struct.star", "struct", "module")` gives both builtins;
//! `builtins.star` predeclares them.

use star_core::resolve::nearest;
use star_core::syntax::BinOp;
use star_core::value::{FreezeSafe, HostValue, NativeModule, Str};
use star_core::{Error, ErrorKind, Result, Value};

/// The builtins of the module, as a [`NativeModule`] named `struct` (for its help text;
/// scripts get the builtins themselves).
pub fn module() -> NativeModule {
    functions::module()
}

/// An immutable record of named fields, sorted by name.
pub struct Struct {
    /// The fields, sorted by name, names unique.
    fields: Vec<(String, Value)>,
}

impl Struct {
    /// A struct with these fields (a later field replaces an earlier one of the same
    /// name).
    pub fn new(fields: impl IntoIterator<Item = (String, Value)>) -> Struct {
        let mut sorted: Vec<(String, Value)> = Vec::new();
        for (k, v) in fields {
            match sorted.binary_search_by(|(n, _)| n.as_str().cmp(&k)) {
                Ok(i) => sorted[i].1 = v,
                Err(i) => sorted.insert(i, (k, v)),
            }
        }
        Struct { fields: sorted }
    }

    /// The value of field `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        let i = self
            .fields
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()?;
        Some(&self.fields[i].1)
    }

    /// The fields, sorted by name.
    pub fn fields(&self) -> &[(String, Value)] {
        &self.fields
    }
}

impl HostValue for Struct {
    fn type_name(&self) -> &'static str {
        "struct"
    }

    fn repr(&self, out: &mut String) {
        out.push_str("struct(");
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
        if self.fields.len() != o.fields.len() {
            return Ok(false);
        }
        for ((ka, va), (kb, vb)) in self.fields.iter().zip(&o.fields) {
            if ka != kb || !va.equals(vb)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Go's algorithm: the names' and values' hashes mixed with changing multipliers.
    fn hash(&self) -> Result<u32> {
        let (mut x, mut m): (u32, u32) = (8731, 9839);
        for (k, v) in &self.fields {
            x ^= Str::new(k).hash32().wrapping_mul(3);
            x ^= v.hash32()?.wrapping_mul(m);
            m = m.wrapping_add(7349);
        }
        Ok(x)
    }

    fn attr(&self, name: &str) -> Option<Value> {
        self.get(name).cloned()
    }

    fn missing_attr(&self, name: &str) -> Option<Error> {
        let names: Vec<&str> = self.fields.iter().map(|(k, _)| k.as_str()).collect();
        let hint = nearest(name, &names)
            .map(|n| format!(" (did you mean .{n}?)"))
            .unwrap_or_default();
        Some(Error::new(
            ErrorKind::Name,
            format!("struct has no .{name} attribute{hint}"),
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
        let fields = x.fields.iter().chain(&y.fields).cloned();
        Some(Ok(Value::host(Struct::new(fields))))
    }
}

// SAFETY: the field list never changes after construction; the field values are frozen
// by `freeze_contents`.
unsafe impl FreezeSafe for Struct {
    fn freeze_contents(&self, freezer: &mut star_core::value::Freezer) {
        self.fields.iter().for_each(|(_, v)| freezer.value(v));
    }
}

/// Records and namespaces: struct(**kwargs) and module(name, **kwargs).
///
/// struct(a = 1, b = "x") is an immutable value whose fields are read as attributes;
/// it shows as struct(a = 1, b = "x") (fields sorted by name), equals structs with the
/// same fields, is hashable when its values are, and s + t has the fields of both.
/// module("name", f = f) is a namespace of members, shown as <module "name">.
#[star_core::star_module(name = "struct")]
mod functions {
    use star_core::value::NativeModule;
    use star_core::{star_builtin, Error, Result, Value};

    use super::Struct;

    /// Returns a struct whose fields are the keyword arguments.
    #[star_builtin(name = "struct", signature = (*args, **kwargs))]
    pub fn make_struct(args: Vec<Value>, kwargs: Vec<(String, Value)>) -> Result<Value> {
        if !args.is_empty() {
            return Err(Error::type_error("struct: unexpected positional arguments"));
        }
        Ok(Value::host(Struct::new(kwargs)))
    }

    /// Returns a module called name whose members are the keyword arguments.
    #[star_builtin(name = "module", signature = (name, /, **kwargs))]
    pub fn make_module(name: &str, kwargs: Vec<(String, Value)>) -> Value {
        let mut m = NativeModule::new(name, "");
        for (k, v) in kwargs {
            m.add(&k, v);
        }
        Value::from(m)
    }
}

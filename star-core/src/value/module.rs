//! [`NativeModule`]: a named set of builtins and constants, made by `#[star_module]`.
//!
//! A native module is what `load("json", "encode")` or a predeclared `json` name gives a
//! script: a value of type `module` whose attributes are its members. The members keep
//! the order they were declared in (that is the order of [`NativeModule::help`]); lookups
//! are linear, which for the dozen members of a typical module is faster than hashing.
//! Freezing a module freezes its members, so a module can be shared like any frozen
//! value.

use std::fmt::Write;

use super::{FreezeSafe, HostValue, IntoValue, Value};
use crate::call::NativeFunction;

/// A named set of builtins and constants.
///
/// ```
/// use star_core::value::{NativeModule, Value};
/// let mut m = NativeModule::new("math", "Numbers.");
/// m.add("pi", 3.14159);
/// assert_eq!(m.get("pi").unwrap().repr(), "3.14159");
/// assert_eq!(Value::from(m).repr(), r#"<module "math">"#);
/// ```
pub struct NativeModule {
    /// The name scripts know the module by.
    name: String,
    /// The help text (from the Rust doc comment of the module).
    doc: String,
    /// The members, in declaration order, names unique.
    members: Vec<(String, Value)>,
}

impl NativeModule {
    /// An empty module.
    pub fn new(name: &str, doc: &str) -> NativeModule {
        NativeModule {
            name: name.to_string(),
            doc: doc.to_string(),
            members: Vec::new(),
        }
    }

    /// Adds (or replaces) the member `name`.
    pub fn add(&mut self, name: &str, value: impl IntoValue) {
        let value = value.into_value();
        match self.members.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => *v = value,
            None => self.members.push((name.to_string(), value)),
        }
    }

    /// Adds (or replaces) a builtin under its script name.
    pub fn add_function(&mut self, f: &'static NativeFunction) {
        self.add(f.name, Value::Builtin(f));
    }

    /// The module's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The module's help text.
    pub fn doc(&self) -> &str {
        &self.doc
    }

    /// The members, in declaration order.
    pub fn members(&self) -> &[(String, Value)] {
        &self.members
    }

    /// The member `name`, if there is one.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.members.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Readable help: the module's doc, then each function's signature and doc, then
    /// the constants with their values.
    pub fn help(&self) -> String {
        let mut out = format!("module {}\n", self.name);
        if !self.doc.trim().is_empty() {
            out.push('\n');
            push_indented(&mut out, self.doc.trim(), "");
        }
        let functions: Vec<&NativeFunction> = self
            .members
            .iter()
            .filter_map(|(_, v)| match v {
                Value::Builtin(f) => Some(*f),
                _ => None,
            })
            .collect();
        if !functions.is_empty() {
            out.push_str("\nFunctions:\n");
            for f in functions {
                let _ = writeln!(out, "\n  {}{}", f.name, f.signature.to_text());
                if !f.doc.trim().is_empty() {
                    push_indented(&mut out, f.doc.trim(), "      ");
                }
            }
        }
        let mut constants = self
            .members
            .iter()
            .filter(|(_, v)| !matches!(v, Value::Builtin(_)))
            .peekable();
        if constants.peek().is_some() {
            out.push_str("\nConstants:\n\n");
            for (name, v) in constants {
                let _ = writeln!(out, "  {name} = {}", v.repr());
            }
        }
        out
    }
}

/// Appends each line of `text` with `indent` before it (none before empty lines), as
/// help texts lay out doc comments.
pub fn push_indented(out: &mut String, text: &str, indent: &str) {
    for line in text.lines() {
        if !line.is_empty() {
            out.push_str(indent);
            out.push_str(line);
        }
        out.push('\n');
    }
}

impl HostValue for NativeModule {
    fn type_name(&self) -> &'static str {
        "module"
    }

    fn repr(&self, out: &mut String) {
        out.push_str("<module ");
        Value::str(&self.name).write_repr(out);
        out.push('>');
    }

    fn hash(&self) -> crate::Result<u32> {
        Err(crate::Error::type_error("unhashable: module"))
    }

    fn attr(&self, name: &str) -> Option<Value> {
        self.get(name).cloned()
    }

    fn attr_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.members.iter().map(|(n, _)| n.clone()).collect();
        names.sort();
        names
    }
}

// SAFETY: the name, doc and member list never change through `&self`; the member
// values are frozen by `freeze_contents` like any other held value.
unsafe impl FreezeSafe for NativeModule {
    fn freeze_contents(&self, freezer: &mut crate::value::Freezer) {
        for (_, v) in &self.members {
            freezer.value(v);
        }
    }
}

impl IntoValue for NativeModule {
    fn into_value(self) -> Value {
        Value::host(self)
    }
}

impl From<NativeModule> for Value {
    fn from(m: NativeModule) -> Value {
        m.into_value()
    }
}

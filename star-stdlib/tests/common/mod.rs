//! Running Starlark snippets with `json`, `math`, `re` and `time` predeclared, the
//! stdlib's `struct` and `module`, and two helpers the snippets use: `eq(got, want)` and
//! `fails(f, want)` (the exact message of the error `f()` raises).

#![allow(dead_code)]

use star_core::eval::{call_value, Module, Predeclared};
use star_core::{star_builtin, Args, Dialect, Error, ErrorKind, Result, Thread, Value};

/// Fails unless `got == want`, saying both.
#[star_builtin(signature = (got, want, /))]
fn eq(got: Value, want: Value) -> Result<()> {
    if got.equals(&want)? {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::Fail,
            format!("eq: got {}, want {}", got.repr(), want.repr()),
        ))
    }
}

/// Fails unless calling `f` fails with exactly the message `want`.
#[star_builtin(signature = (f, want, /))]
fn fails(thread: &mut Thread, f: Value, want: &str) -> Result<()> {
    match call_value(thread, &f, &Args::positional(&[])) {
        Ok(v) => Err(Error::new(
            ErrorKind::Fail,
            format!("fails: got {}, want error {want:?}", v.repr()),
        )),
        Err(e) if e.message() == want => Ok(()),
        Err(e) => Err(Error::new(
            ErrorKind::Fail,
            format!("fails: got error {:?}, want {want:?}", e.message()),
        )),
    }
}

fn env() -> Predeclared {
    let structs = star_stdlib::structs::module();
    Predeclared::new()
        .with("json", Value::from(star_stdlib::json::module()))
        .with("math", Value::from(star_stdlib::math::module()))
        .with("re", Value::from(star_stdlib::re::module()))
        .with("time", Value::from(star_stdlib::time::module()))
        .with("eq", Value::Builtin(&eq::BUILTIN))
        .with("fails", Value::Builtin(&fails::BUILTIN))
        .with("struct", structs.get("struct").unwrap().clone())
        .with("module", structs.get("module").unwrap().clone())
}

/// Runs `src`, panicking with the message if it fails.
pub fn run(src: &str) -> Module {
    let mut module = Module::new("test.star", env(), Dialect::extended());
    let mut thread = Thread::new("test");
    if let Err(e) = module.exec(&mut thread, src) {
        panic!("{}", e.render(src, false));
    }
    module
}

/// The value of a Starlark expression.
pub fn eval(expr: &str) -> Value {
    run(&format!("x = {expr}\n")).get("x").unwrap()
}

/// The `str` of a Starlark expression's value.
pub fn eval_str(expr: &str) -> String {
    eval(expr).to_str()
}

/// The message of the error that running `src` raises.
pub fn error(src: &str) -> String {
    let mut module = Module::new("test.star", env(), Dialect::extended());
    let mut thread = Thread::new("test");
    match module.exec(&mut thread, src) {
        Ok(()) => panic!("no error from {src:?}"),
        Err(e) => e.message(),
    }
}

//! The `assert.star` module of the chunked test format: `assert` (a module of
//! `eq`, `ne`, `true`, `lt`, `contains`, `fails`, `fail`) and `freeze`.
//!
//! An assertion that does not hold is *reported*, not raised: it is recorded in the
//! thread's [`Failures`] at the line of the innermost frame of the file under test (the
//! line of the `assert.*` call) and execution goes on. Errors raised while evaluating an
//! assertion (comparing cyclic lists, ordering incomparable values) propagate as usual.

use super::Problem;
use crate::error::Result;
use crate::eval::FrozenModule;
use crate::star_builtin;
use crate::thread::Thread;
use crate::value::{NativeModule, Value};
use crate::Args;

/// The assertion failures of a chunk, kept as thread data while it runs.
#[derive(Debug, Default)]
pub struct Failures {
    /// The file under test (frames of other files are skipped to find the line).
    pub file: String,
    /// Whether `assert.fails` accepts any error message.
    pub ignore_messages: bool,
    /// The failures, in order.
    pub problems: Vec<Problem>,
}

/// The module `load("assert.star", ...)` gives.
pub fn module() -> FrozenModule {
    let mut m = NativeModule::new("assert", "Assertions for chunked test files.");
    for f in [
        &contains::BUILTIN,
        &eq::BUILTIN,
        &fail::BUILTIN,
        &fails::BUILTIN,
        &lt::BUILTIN,
        &ne::BUILTIN,
        &true_::BUILTIN,
    ] {
        m.add_function(f);
    }
    FrozenModule::from_values(
        "assert.star",
        [
            ("assert".to_string(), Value::from(m)),
            ("freeze".to_string(), Value::Builtin(&freeze::BUILTIN)),
        ],
    )
}

/// Records a failure at the line of the innermost frame of the file under test, and
/// goes on. Outside the test runner (a script that loads the assert module), a failed
/// assertion is an error that stops the script.
fn report(thread: &mut Thread, msg: String) -> Result<()> {
    let stack = thread.call_stack();
    let Some(failures) = thread.data_mut::<Failures>() else {
        return Err(crate::Error::new(
            crate::ErrorKind::Fail,
            format!("assertion failed: {msg}"),
        ));
    };
    let line = stack
        .iter()
        .rev()
        .find(|f| f.file == failures.file)
        .map_or(0, |f| f.span.start.line);
    failures.problems.push(Problem { line, reason: msg });
    Ok(())
}

/// Freezes `x` and everything reachable from it, and returns it.
#[star_builtin(signature = (x, /))]
fn freeze(x: Value) -> Value {
    x.freeze();
    x
}

/// Reports a failure unless `x == y` (floats within one ulp count as equal).
#[star_builtin(signature = (x, y, /))]
fn eq(thread: &mut Thread, x: Value, y: Value) -> Result<()> {
    if x.equals(&y)? {
        return Ok(());
    }
    let is_float = |v: &Value| matches!(v, Value::Float(_));
    let is_num = |v: &Value| matches!(v, Value::Int(_) | Value::BigInt(_) | Value::Float(_));
    if (is_float(&x) || is_float(&y)) && is_num(&x) && is_num(&y) {
        let (a, b) = (to_f64(&x), to_f64(&y));
        if a == b || (a.is_nan() && b.is_nan()) || ulp_apart(a, b) {
            return Ok(());
        }
        return report(
            thread,
            format!("floats: {} != {} (delta > 1 ulp)", x.repr(), y.repr()),
        );
    }
    report(thread, format!("{} != {}", x.repr(), y.repr()))
}

fn to_f64(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        Value::BigInt(b) => num_traits::ToPrimitive::to_f64(&***b).unwrap_or(f64::NAN),
        _ => f64::NAN,
    }
}

/// Whether two finite doubles of the same sign are adjacent.
fn ulp_apart(a: f64, b: f64) -> bool {
    a.is_finite()
        && b.is_finite()
        && a.is_sign_negative() == b.is_sign_negative()
        && a.to_bits().abs_diff(b.to_bits()) == 1
}

/// Reports a failure if `x == y`.
#[star_builtin(signature = (x, y, /))]
fn ne(thread: &mut Thread, x: Value, y: Value) -> Result<()> {
    if x.equals(&y)? {
        report(thread, format!("{} == {}", x.repr(), y.repr()))?;
    }
    Ok(())
}

/// Reports `msg` unless `cond` is true.
#[star_builtin(name = "true", signature = (cond, msg = Value::str("assertion failed"), /))]
fn true_(thread: &mut Thread, cond: Value, msg: Value) -> Result<()> {
    if !cond.truth() {
        report(thread, msg.to_str())?;
    }
    Ok(())
}

/// Reports a failure unless `x < y`.
#[star_builtin(signature = (x, y, /))]
fn lt(thread: &mut Thread, x: Value, y: Value) -> Result<()> {
    if x.compare_op(&y, "<")? != std::cmp::Ordering::Less {
        report(
            thread,
            format!("{} is not less than {}", x.to_str(), y.to_str()),
        )?;
    }
    Ok(())
}

/// Reports a failure unless `y in x`.
#[star_builtin(signature = (x, y, /))]
fn contains(thread: &mut Thread, x: Value, y: Value) -> Result<()> {
    if !crate::eval::ops::contains(&x, &y)? {
        report(
            thread,
            format!("{} does not contain {}", x.to_str(), y.to_str()),
        )?;
    }
    Ok(())
}

/// Calls `f()` and reports a failure unless it fails with an error matching `pattern`.
#[star_builtin(signature = (f, pattern, /))]
fn fails(thread: &mut Thread, f: Value, pattern: &str) -> Result<()> {
    match thread.call(&f, &Args::positional(&[])) {
        Ok(_) => report(
            thread,
            format!(
                "evaluation succeeded unexpectedly (want error matching {})",
                Value::str(pattern).repr()
            ),
        )?,
        Err(e) => {
            let ignore = thread.data::<Failures>().is_some_and(|f| f.ignore_messages);
            let re = super::go_regex(pattern)?;
            if !ignore && !re.is_match(e.message()) {
                report(
                    thread,
                    format!(
                        "regular expression ({pattern}) did not match error ({})",
                        e.message()
                    ),
                )?;
            }
        }
    }
    Ok(())
}

/// Reports `msg` (its string form); the test runner goes on, other hosts stop.
#[star_builtin(signature = (msg, /))]
fn fail(thread: &mut Thread, msg: Value) -> Result<()> {
    report(thread, msg.to_str())
}

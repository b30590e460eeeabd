//! Helpers for embedders' own tests: run chunked `.star` test files from `cargo test`,
//! and capture what a script prints and the errors it raises as one string, ready for
//! a snapshot.
//!
//! ```
//! use star_core::testing::capture;
//! let out = capture("print('hi')\nx = 1 // 0\n");
//! assert_eq!(out.lines().next(), Some("hi"));
//! assert!(out.contains("error: integer division by zero"));
//! ```
//!
//! A folder of test files becomes one `#[test]` per file with
//! [`star_test_files!`](crate::star_test_files):
//!
//! ```ignore
//! star_core::star_test_files!("tests/star");
//! // or, with the host's own names and modules:
//! star_core::star_test_files!("tests/star", runner = my_runner);
//! fn my_runner() -> star_core::chunked::ExecRunner { ... }
//! ```

use std::cell::RefCell;
use std::rc::Rc;

use crate::chunked::{self, ExecRunner, Mode};
use crate::dialect::Dialect;
use crate::eval::{Module, Predeclared};
use crate::thread::Thread;

/// Runs the chunked test file at `path` in exec mode with `runner`, and panics with
/// one `file:line: reason` line per problem if any chunk fails (the way a failing
/// `#[test]` should report).
pub fn assert_star_file_with(path: &str, runner: &ExecRunner) {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => panic!("{path}: cannot read: {e}"),
    };
    let report = chunked::run_file(path, &text, Mode::Exec, false, Some(runner));
    if report.failed > 0 {
        let mut msg = format!(
            "{} of {} chunks failed:\n",
            report.failed,
            report.failed + report.passed
        );
        for p in &report.problems {
            msg.push_str(&format!("{path}:{}: {}\n", p.line, p.reason));
        }
        panic!("{msg}");
    }
}

/// Runs the chunked test file at `path` with the default runner (the fixtures,
/// `assert.star`); see [`assert_star_file_with`].
pub fn assert_star_file(path: &str) {
    assert_star_file_with(path, &ExecRunner::new(false));
}

/// Runs `source` as `test.star` in the standard dialect and returns what it printed,
/// then the rendered error if it failed (without colour).
pub fn capture(source: &str) -> String {
    capture_with("test.star", source, Predeclared::new(), Dialect::standard())
}

/// Runs `source` as file `file` with the given predeclared names and dialect, and
/// returns its print output followed by its rendered error, if any.
pub fn capture_with(
    file: &str,
    source: &str,
    predeclared: Predeclared,
    dialect: Dialect,
) -> String {
    let out = Rc::new(RefCell::new(String::new()));
    let sink = out.clone();
    let mut thread = Thread::new("test");
    thread.set_print(move |line| {
        let mut o = sink.borrow_mut();
        o.push_str(line);
        o.push('\n');
    });
    let mut module = Module::new(file, predeclared, dialect);
    let result = module.exec(&mut thread, source);
    let mut text = out.borrow().clone();
    if let Err(e) = result {
        text.push_str(&e.render(source, false));
    }
    text
}

/// Turns each `.star` file of a folder (relative to the crate's manifest) into a
/// `#[test]` that runs it in the chunked format (see [`assert_star_file`]). With
/// `runner = f`, chunks run with `f()`, an [`ExecRunner`] that may add the host's own
/// names and modules.
#[macro_export]
macro_rules! star_test_files {
    ($dir:literal) => {
        $crate::__star_test_files!($dir, $crate::chunked::ExecRunner::new(false));
    };
    ($dir:literal, runner = $runner:path) => {
        $crate::__star_test_files!($dir, $runner());
    };
}

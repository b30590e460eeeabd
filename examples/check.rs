//! Checks a Starlark program without running it, and prints its diagnostics.
//!
//! Run with `cargo run -p star-examples --example check`.

use star_core::diagnostics::render;
use star_core::{check_source, Dialect};

fn main() {
    let src = "def greet(name):\n    return \"hello, \" + nmae\n\nprint(greet(\"world\"))\n";
    let report = check_source("greet.star", src, &Dialect::standard());
    println!(
        "{} statement(s), {} problem(s)",
        report.module.stmts.len(),
        report.errors.len()
    );
    for d in &report.errors {
        print!("{}", render(d, src, false));
    }
}

//! A program made of three packages: the user's scripts from disk, a package of
//! helper scripts embedded in the binary, and a native module written in Rust.
//!
//! - `__main__` is `examples/packages/main/` on disk (`main.star` and `lib/`), mounted
//!   with `FsLoader`: `load("lib/inventory.star", ...)`.
//! - `tools` is `examples/packages/tools/*.star`, compiled into the binary with
//!   `include_str!` and served by a `MemoryLoader`: `load("@tools//table.star", ...)`.
//! - `host` holds one native module, `fmt`, declared with `#[star_module]` and served as
//!   `Source::Native`: `load("@host//fmt", "money")`.
//!
//! Modules of every package load each other (`tools` loads `@host//fmt` too); each
//! runs once, whoever loads it first. Run with
//! `cargo run -p star-examples --example packages`.

use std::path::Path;

use star_core::eval::FrozenModule;
use star_core::interp::{FsLoader, Interpreter, MemoryLoader, MAIN_PACKAGE};

/// Formatting helpers for reports.
#[star_core::star_module(name = "fmt")]
mod fmt {
    use star_core::star_builtin;

    /// Pads `text` with spaces on the right to `width` characters.
    #[star_builtin(pure)]
    pub fn pad(text: &str, width: i64) -> String {
        let width = usize::try_from(width).unwrap_or(0);
        format!("{text:<width$}")
    }

    /// An amount of cents as dollars: `money(1234)` is `"$12.34"`.
    #[star_builtin(pure)]
    pub fn money(cents: i64) -> String {
        let sign = if cents < 0 { "-" } else { "" };
        let cents = cents.unsigned_abs();
        format!("{sign}${}.{:02}", cents / 100, cents % 100)
    }

    /// `part` as a percentage of `whole`, with one decimal: `"12.5%"`.
    #[star_builtin(pure)]
    pub fn percent(part: f64, whole: f64) -> String {
        if whole == 0.0 {
            return "-".to_string();
        }
        format!("{:.1}%", 100.0 * part / whole)
    }
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("packages");
    let main_package = FsLoader::new(dir.join("main")).expect("examples/packages/main exists");
    let tools = MemoryLoader::new()
        .with_source("table.star", include_str!("tools/table.star"))
        .with_source("stats.star", include_str!("tools/stats.star"));
    let native = fmt::module();
    let host = MemoryLoader::new().with_native(
        "fmt",
        FrozenModule::from_values("@host//fmt", native.members().iter().cloned()),
    );

    let interp = Interpreter::builder()
        .package(MAIN_PACKAGE, main_package)
        .package("tools", tools)
        .package("host", host)
        // What scripts print goes to standard output, without the file and line.
        .logger(|_file, _line, msg| println!("{msg}"))
        .build();

    if let Err(e) = interp.exec_module(MAIN_PACKAGE, "main.star", None) {
        eprint!("{}", interp.render_error(&e, false));
        std::process::exit(1);
    }

    println!();
    println!("modules, in the order they were first reached:");
    for key in interp.visited() {
        println!("  {key}");
    }

    // Errors name modules by package, whichever package they come from.
    println!();
    println!("a missing module, as the host reports it:");
    let e = interp
        .load_module("tools", "charts.star", None)
        .expect_err("tools has no charts.star");
    println!("  {:?}: {}", e.kind(), e.message());
}

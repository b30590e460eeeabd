//! The star standard library: the package `@stdlib`, made of `builtins.star` (written
//! in Starlark) and native modules written in Rust, for an [`Interpreter`] to mount.
//!
//! [`package()`] serves, as the package [`PACKAGE_ALIAS`]:
//!
//! - `builtins.star`, which the interpreter loads first and whose public names are
//!   predeclared in every other module: the modules `json`, `math`, `re`, `time`, the
//!   builtins `struct` and `module`, and the helpers `partial`, `dedent`, `flatten`,
//!   `merge` and `get` ([`BUILTINS_STAR`] is its text);
//! - native modules, each exporting the module value under its name
//!   (`load("@stdlib//json.star", "json")`):
//!   - `json.star` ([`json`]): `encode`, `decode`, `encode_indent`, `indent`;
//!   - `math.star` ([`math`]): rounding, powers, logarithms, trigonometry, `e`, `pi`;
//!   - `re.star` ([`re`]): regular expressions (Python's functions, RE2's syntax);
//!   - `time.star` ([`time`]): instants, durations, zones and Go's time layouts;
//!   - `struct.star` ([`structs`]): exports the builtins `struct` and `module`;
//!   - `assert.star`: star-core's assertions (`assert`, `freeze`), as `star test` has
//!     them.
//!
//! json, math, time and struct follow google/starlark-go's `lib/json`, `lib/math`,
//! `lib/time` and `starlarkstruct` in behaviour and in their error messages.
//!
//! The modules are pure functions of their arguments, with one exception that the host
//! must grant: reading the clock (`time.now()`) fails unless the thread has a
//! [`time::Clock`]; [`time::allow_clock`] grants the system clock. [`doc`] gives each
//! module's help text.
//!
//! ```
//! use star_core::interp::{Interpreter, MemoryLoader, MAIN_PACKAGE};
//!
//! let main = r#"
//! load("@stdlib//json.star", "json")
//! point = struct(x = 1, y = 2)
//! doc = json.encode({"p": point, "words": re.findall(r"\w+", "a b")})
//! "#;
//! let interp = Interpreter::builder()
//!     .package(star_stdlib::PACKAGE_ALIAS, star_stdlib::package())
//!     .package(MAIN_PACKAGE, MemoryLoader::new().with_source("main.star", main))
//!     .thread_modifier(star_stdlib::time::allow_clock)
//!     .build();
//! let m = interp.exec_module(MAIN_PACKAGE, "main.star", None).unwrap();
//! assert_eq!(m.get("doc").unwrap().to_str(), r#"{"p":{"x":1,"y":2},"words":["a","b"]}"#);
//! ```
//!
//! [`Interpreter`]: star_core::interp::Interpreter

mod docs;
pub mod json;
pub mod math;
pub mod re;
pub mod structs;
pub mod time;

use star_core::eval::FrozenModule;
use star_core::interp::MemoryLoader;
use star_core::value::NativeModule;
use star_core::Value;

pub use docs::{doc, docs, MODULES};

/// The alias under which the standard library is mounted (`@stdlib//...`).
pub const PACKAGE_ALIAS: &str = star_core::interp::STDLIB_PACKAGE;

/// The text of `builtins.star`.
pub const BUILTINS_STAR: &str = include_str!("stdlib/builtins.star");

/// The standard library as a package: `builtins.star` as source, and the native
/// modules `json.star`, `math.star`, `re.star`, `time.star`, `struct.star` and
/// `assert.star`. Mount it as [`PACKAGE_ALIAS`].
pub fn package() -> MemoryLoader {
    MemoryLoader::new()
        .with_source("builtins.star", BUILTINS_STAR)
        .with_native("json.star", exporting_module("json.star", json::module()))
        .with_native("math.star", exporting_module("math.star", math::module()))
        .with_native("re.star", exporting_module("re.star", re::module()))
        .with_native("time.star", exporting_module("time.star", time::module()))
        .with_native(
            "struct.star",
            exporting_members("struct.star", structs::module()),
        )
        .with_native("assert.star", star_core::chunked::assert::module())
}

/// A loadable module whose one export is `module`, under its name.
pub fn exporting_module(file: &str, module: NativeModule) -> FrozenModule {
    let name = module.name().to_string();
    FrozenModule::from_values(file, [(name, Value::from(module))])
}

/// A loadable module that exports each member of `module` (for `struct.star`, whose
/// members are the builtins `struct` and `module`).
fn exporting_members(file: &str, module: NativeModule) -> FrozenModule {
    FrozenModule::from_values(file, module.members().iter().cloned())
}

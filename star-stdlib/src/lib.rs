//! The star standard library: native modules written in Rust, for hosts to predeclare
//! (or, later, for scripts to load).
//!
//! Three modules exist so far, following google/starlark-go's `lib/json`, `lib/math`
//! and `lib/time` in behaviour and in their error messages:
//!
//! - [`json`]: `encode`, `decode`, `encode_indent` and `indent`, between Starlark values
//!   and JSON text;
//! - [`math`]: rounding (`ceil`, `floor`, `round`), powers and logarithms, trigonometric
//!   and hyperbolic functions, `gamma`, and the constants `e` and `pi`;
//! - [`time`]: instants and durations, Go's time layouts (`format`, `parse_time`) and
//!   the zones of the system time zone database.
//!
//! `builtins.star` and the loader that will serve these modules as the package
//! [`PACKAGE_ALIAS`] (`load("@stdlib//json", ...)`) come later; for now a host puts a
//! module in a script's environment itself:
//!
//! ```
//! use star_core::eval::{Module, Predeclared};
//! use star_core::{Dialect, Thread, Value};
//!
//! let env = Predeclared::new()
//!     .with("json", Value::from(star_stdlib::json::module()))
//!     .with("math", Value::from(star_stdlib::math::module()));
//! let mut module = Module::new("demo.star", env, Dialect::standard());
//! let mut thread = Thread::new("main");
//! let src = r#"
//! doc = json.encode({"b": [1, 2.5, None], "a": math.floor(2.7)})
//! back = json.decode(doc)["b"][1]
//! "#;
//! module.exec(&mut thread, src).unwrap();
//! assert_eq!(module.get("doc").unwrap().to_str(), r#"{"a":2,"b":[1,2.5,null]}"#);
//! assert_eq!(module.get("back").unwrap().repr(), "2.5");
//! ```

pub mod json;
pub mod math;
pub mod time;

/// The alias under which the standard library will be mounted (`@stdlib//...`).
pub const PACKAGE_ALIAS: &str = "stdlib";

//! star-core: the star Starlark interpreter library.
//!
//! The crate is organised as the pipeline it implements: [`syntax`] scans and parses text
//! (pushed in chunks cut anywhere) into a syntax tree one top-level statement at a time,
//! [`resolve`] binds every name to a scope and slot and reports structural errors,
//! [`eval`] compiles and runs the result on the values of [`value`], calling builtins
//! through the convention of [`call`]; [`diagnostics`] renders every error the same way,
//! with a source snippet. The [`chunked`] module runs the reference implementation's
//! chunked test files.
//!
//! ```
//! use star_core::eval::{Module, Predeclared};
//! use star_core::{star_builtin, Dialect, Thread, Value};
//!
//! /// Greets someone.
//! #[star_builtin(signature = (name, *, punct = "!"))]
//! fn greet(name: &str, punct: &str) -> String {
//!     format!("Hello, {name}{punct}")
//! }
//!
//! fn main() {
//!     let env = Predeclared::new().with("greet", Value::Builtin(&greet::BUILTIN));
//!     let mut module = Module::new("hello.star", env, Dialect::standard());
//!     let mut thread = Thread::new("main");
//!     module.exec(&mut thread, "msg = greet('world', punct='?')\n").unwrap();
//!     assert_eq!(module.get("msg").unwrap().to_str(), "Hello, world?");
//! }
//! ```

#![warn(missing_docs)]

// The macros name this crate `::star_core`, also when used inside it.
extern crate self as star_core;

#[doc(hidden)]
pub use star_macros::__star_test_files;
pub use star_macros::{star_builtin, star_methods, star_module, StarValue};

#[doc(hidden)]
pub mod __private;

pub mod call;
pub mod chunked;
pub mod diagnostics;
pub mod dialect;
pub mod error;
pub mod eval;
pub mod interp;
pub mod native_stack;
pub mod resolve;
pub mod stream;
pub mod syntax;
pub mod testing;
pub mod thread;
pub mod value;

pub use call::{Args, NativeFunction, Signature};
pub use diagnostics::{check_source, CheckReport, Diagnostic, SourceFile};
pub use dialect::Dialect;
pub use error::{Error, ErrorKind, Result};
pub use thread::Thread;
pub use value::{FromValue, FrozenValue, HostValue, IntoValue, Value};

//! star-core: the star Starlark interpreter library.
//!
//! The crate is organised as the pipeline it implements: [`syntax`] scans and parses text
//! (pushed in chunks cut anywhere) into a syntax tree one top-level statement at a time,
//! [`resolve`] binds every name to a scope and slot and reports structural errors, and
//! [`diagnostics`] renders every error the same way, with a source snippet. The
//! [`chunked`] module runs the reference implementation's chunked test files. The
//! evaluator, the value model and the streaming executor build on these stages.
//!
//! ```
//! use star_core::{check_source, Dialect};
//! let report = check_source("hello.star", "x = 1\nprint(y)\n", &Dialect::standard());
//! assert_eq!(report.errors.len(), 1);
//! assert_eq!(report.errors[0].message, "undefined: y");
//! ```

#![warn(missing_docs)]

// The macros name this crate `::star_core`, also when used inside it.
extern crate self as star_core;

pub use star_macros::{star_builtin, star_methods, star_module, StarValue};

#[doc(hidden)]
pub mod __private;

pub mod call;
pub mod chunked;
pub mod diagnostics;
pub mod dialect;
pub mod error;
pub mod eval;
pub mod resolve;
pub mod syntax;
pub mod thread;
pub mod value;

pub use call::{Args, NativeFunction, Signature};
pub use diagnostics::{check_source, CheckReport, Diagnostic, SourceFile};
pub use dialect::Dialect;
pub use error::{Error, ErrorKind, Result};
pub use thread::Thread;
pub use value::{FromValue, FrozenValue, HostValue, IntoValue, Value};

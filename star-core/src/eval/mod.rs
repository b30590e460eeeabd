//! The evaluator: compiles resolved syntax trees and runs them.
//!
//! [`compile`](self::compile) turns a module's top level and each function into
//! [`Code`](code::Code) for a register machine; [`vm`] runs it; [`ops`] implements the
//! operators; [`builtins`] is the universe of built-in functions and
//! [`methods`] the methods of the built-in types. [`Module`] ties the pipeline
//! together for a file, and [`FrozenModule`] is its result.

mod builtins;
pub mod code;
mod collect;
pub mod compile;
mod format;
pub mod limits;
mod methods;
mod module;
pub mod ops;
mod sort;
mod stack;
pub(crate) mod vm;

pub use collect::collect_cycles;
pub use module::{
    render_runtime, render_runtime_with, ExecError, FrozenModule, Module, Predeclared,
};
pub use vm::{call_value, iterate, Function};

#[cfg(test)]
mod builtins_tests;
#[cfg(test)]
mod tests;

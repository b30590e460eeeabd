//! The star standard library: `builtins.star` and native modules (json, math, time, re,
//! struct, ...) served through the in-memory loader as package `stdlib`.
//!
//! This crate is a placeholder until the evaluator and the module system exist; it only
//! names the package alias the interpreter will mount it under.

/// The alias under which the standard library is mounted (`@stdlib//...`).
pub const PACKAGE_ALIAS: &str = "stdlib";

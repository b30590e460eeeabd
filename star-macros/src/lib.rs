//! Procedural macros for embedding star: `#[star_builtin]`, `#[star_module]` and the value
//! derives. This crate is a placeholder: the macros arrive with the value model (see the
//! project's issue on values and the calling convention), and nothing is exported yet.

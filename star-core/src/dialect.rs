//! Dialects: which optional language features are on, and which constructs the host
//! forbids.
//!
//! Starlark has a core and a few optional features (sets, `while`, recursion, top-level
//! control flow, global reassignment, f-strings, ...). A [`Dialect`] holds one flag per
//! feature; [`Dialect::standard`] matches the reference implementation's defaults and
//! [`Dialect::extended`] turns everything on. Independently, a host may forbid constructs
//! it does not want in the scripts it runs ([`Construct`]): using one is an error at its
//! position that names the construct.

use std::fmt;

use crate::syntax::ScanOptions;

/// A construct a host can forbid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Construct {
    /// `def` statements.
    Def,
    /// `lambda` expressions.
    Lambda,
    /// `load` statements.
    Load,
    /// `for` loops (statements; comprehensions are separate).
    For,
    /// `while` loops.
    While,
    /// `if` statements.
    If,
    /// List and dict comprehensions.
    Comprehension,
    /// f-string literals.
    FString,
}

impl Construct {
    /// Every construct, for help texts and command-line parsing.
    pub const ALL: [Construct; 8] = [
        Construct::Def,
        Construct::Lambda,
        Construct::Load,
        Construct::For,
        Construct::While,
        Construct::If,
        Construct::Comprehension,
        Construct::FString,
    ];

    /// The construct's name as written in messages and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Construct::Def => "def",
            Construct::Lambda => "lambda",
            Construct::Load => "load",
            Construct::For => "for",
            Construct::While => "while",
            Construct::If => "if",
            Construct::Comprehension => "comprehension",
            Construct::FString => "f-string",
        }
    }

    /// The construct named `name`, if any.
    pub fn from_name(name: &str) -> Option<Construct> {
        Construct::ALL.into_iter().find(|c| c.name() == name)
    }
}

impl fmt::Display for Construct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The optional features of the language, and the constructs a host forbids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dialect {
    /// The `set` built-in may be used.
    pub sets: bool,
    /// `while` loops are allowed.
    pub while_loops: bool,
    /// Functions may call themselves (checked at run time).
    pub recursion: bool,
    /// `if`, `for` and `while` are allowed at top level.
    pub toplevel_control: bool,
    /// A top-level name may be bound more than once; top-level uses are then resolved
    /// in order, as in Python (a use before the first binding is an error).
    pub global_reassign: bool,
    /// `load` binds module globals rather than file-local names.
    pub load_binds_globally: bool,
    /// f-string literals (`f"x = {x}"`) are recognised.
    pub fstrings: bool,
    /// `lambda` expressions are allowed.
    pub lambda: bool,
    /// `def` statements may appear inside functions.
    pub nested_def: bool,
    /// Floating-point literals, the `float` built-in and `/` are allowed.
    pub floats: bool,
    /// `load` statements must come before all other statements.
    pub loads_first: bool,
    /// Constructs the host forbids.
    pub forbidden: Vec<Construct>,
}

impl Default for Dialect {
    fn default() -> Self {
        Dialect::standard()
    }
}

impl Dialect {
    /// The reference implementation's defaults: no sets, no `while`, no recursion, no
    /// top-level control flow, no global reassignment, no f-strings.
    pub fn standard() -> Dialect {
        Dialect {
            sets: false,
            while_loops: false,
            recursion: false,
            toplevel_control: false,
            global_reassign: false,
            load_binds_globally: false,
            fstrings: false,
            lambda: true,
            nested_def: true,
            floats: true,
            loads_first: false,
            forbidden: Vec::new(),
        }
    }

    /// Every optional feature on.
    pub fn extended() -> Dialect {
        Dialect {
            sets: true,
            while_loops: true,
            recursion: true,
            toplevel_control: true,
            global_reassign: true,
            load_binds_globally: false,
            fstrings: true,
            ..Dialect::standard()
        }
    }

    /// Whether the host forbids `c`.
    pub fn forbids(&self, c: Construct) -> bool {
        self.forbidden.contains(&c)
    }

    /// The scanner options this dialect implies.
    pub fn scan_options(&self) -> ScanOptions {
        ScanOptions {
            fstrings: self.fstrings,
        }
    }
}

//! Runtime errors: what a failing operation, builtin or script returns.
//!
//! An [`Error`] is one pointer wide (the details live in a box), so `Result<Value, Error>`
//! stays small on the hot path. It carries a kind (so hosts and tests can match it), a
//! message in the reference implementation's words, an optional source error (for
//! errors that came from Rust code through `?`), and the backtrace the evaluator adds as
//! the error unwinds through script frames.
//!
//! `Error` deliberately does not implement `std::error::Error`: that lets any
//! `E: std::error::Error` convert into it with `?`, the way `anyhow::Error` works.
//! [`Error::from_host`] converts anything displayable (for instance `anyhow::Error`).

use std::fmt;

use crate::syntax::Span;

/// What kind of failure an [`Error`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An operation was applied to values of the wrong type.
    Type,
    /// A value was of the right type but unacceptable (out of range, malformed, ...).
    Value,
    /// A function was called with arguments that do not fit its parameters.
    Arguments,
    /// An index was out of range.
    Index,
    /// A dict key was missing.
    Key,
    /// A name or attribute was not found.
    Name,
    /// A frozen value was mutated.
    Frozen,
    /// A collection was mutated while being iterated.
    Iteration,
    /// The script called `fail`.
    Fail,
    /// A sandbox limit (steps, memory, depth, time) was exceeded.
    Limit,
    /// The execution was cancelled by the host.
    Cancelled,
    /// An error reported by host (Rust) code.
    Host,
    /// A module's source has syntax or name-resolution errors (nothing of it ran).
    Syntax,
    /// A module reference names a file its package does not have.
    NoModule,
    /// A module reference names a package the interpreter does not know.
    NoPackage,
    /// A module was loaded or executed in a way the module rules forbid: a load
    /// cycle, a second `exec`, `exec` of a loaded module or the reverse.
    Module,
    /// Anything else.
    Other,
}

/// One script frame of a backtrace: where a call was active when the error unwound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The function's name (`<toplevel>` for module code).
    pub function: String,
    /// The file (module) name.
    pub file: String,
    /// The position of the call or failing operation in that file.
    pub span: Span,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    /// Innermost frame first.
    backtrace: Vec<Frame>,
}

/// A runtime error: a kind, a message, and a backtrace of script frames.
pub struct Error(Box<Inner>);

/// The result of a runtime operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of the given kind with a message.
    #[cold]
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            source: None,
            backtrace: Vec::new(),
        }))
    }

    /// A type error (an operation on values of the wrong type).
    #[cold]
    pub fn type_error(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Type, message)
    }

    /// A value error (an acceptable type, but an unacceptable value).
    #[cold]
    pub fn value_error(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Value, message)
    }

    /// An error from host code, keeping `source` for [`Error::source`].
    #[cold]
    pub fn from_std<E: std::error::Error + Send + Sync + 'static>(source: E) -> Error {
        let mut e = Error::new(ErrorKind::Host, source.to_string());
        e.0.source = Some(Box::new(source));
        e
    }

    /// An error from host code that is only displayable (for example `anyhow::Error`,
    /// `String`); the message is its `Display` form with its causes (`{:#}`).
    #[cold]
    pub fn from_host<E: fmt::Display>(e: E) -> Error {
        Error::new(ErrorKind::Host, format!("{e:#}"))
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The message, without position or backtrace.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The Rust error this one was converted from, if any.
    pub fn source(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.0.source.as_deref()
    }

    /// The script frames active when the error happened, innermost first.
    pub fn backtrace(&self) -> &[Frame] {
        &self.0.backtrace
    }

    /// Records one more frame as the error unwinds (the evaluator calls this).
    pub fn push_frame(&mut self, frame: Frame) {
        self.0.backtrace.push(frame);
    }

    /// A copy of the error (kind, message and backtrace; the Rust source error is not
    /// copied), for results that are reported more than once, like a failed `load`.
    pub fn duplicate(&self) -> Error {
        let mut e = Error::new(self.0.kind, self.0.message.clone());
        e.0.backtrace = self.0.backtrace.clone();
        e
    }

    /// Prefixes the message, as in `f: ` for errors raised inside builtin `f`.
    pub fn with_prefix(mut self, prefix: &str) -> Error {
        self.0.message.insert_str(0, prefix);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("message", &self.0.message)
            .field("backtrace", &self.0.backtrace)
            .finish()
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for Error {
    #[cold]
    fn from(e: E) -> Error {
        Error::from_std(e)
    }
}

/// Conversion of the error type of a builtin's `Result` into [`Error`]; the macros
/// call it. Any `E: std::error::Error`, `Error` itself, and anything displayable
/// (`anyhow::Error`, `String`, `&str`) convert, chosen at compile time by the
/// "autoref" rule: the most specific implementation wins.
#[doc(hidden)]
pub mod convert_error {
    use super::Error;
    use std::cell::Cell;
    use std::fmt::Display;

    /// Holds the error while the probes below pick a conversion.
    pub struct Probe<E>(pub Cell<Option<E>>);

    impl<E> Probe<E> {
        /// Wraps an error.
        pub fn new(e: E) -> Probe<E> {
            Probe(Cell::new(Some(e)))
        }
        fn take(&self) -> E {
            self.0.take().expect("error taken once")
        }
    }

    /// Picked for `Error` itself.
    pub trait ViaSelf {
        /// Converts.
        fn convert_star_error(&self) -> Error;
    }
    impl ViaSelf for &&Probe<Error> {
        fn convert_star_error(&self) -> Error {
            self.take()
        }
    }

    /// Picked for Rust errors (`std::io::Error`, ...).
    pub trait ViaStd {
        /// Converts.
        fn convert_star_error(&self) -> Error;
    }
    impl<E: std::error::Error + Send + Sync + 'static> ViaStd for &Probe<E> {
        fn convert_star_error(&self) -> Error {
            Error::from_std(self.take())
        }
    }

    /// Picked for anything else that is displayable (`anyhow::Error`, `String`).
    pub trait ViaDisplay {
        /// Converts.
        fn convert_star_error(&self) -> Error;
    }
    impl<E: Display> ViaDisplay for Probe<E> {
        fn convert_star_error(&self) -> Error {
            Error::from_host(self.take())
        }
    }
}

/// Converts a builtin's error value into [`Error`] (used by generated code).
#[doc(hidden)]
#[macro_export]
macro_rules! __convert_star_error {
    ($e:expr) => {{
        #[allow(unused_imports)]
        use $crate::error::convert_error::{ViaDisplay as _, ViaSelf as _, ViaStd as _};
        (&&&$crate::error::convert_error::Probe::new($e)).convert_star_error()
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_pick_the_most_specific() {
        let e = crate::__convert_star_error!(Error::new(ErrorKind::Fail, "boom"));
        assert_eq!(e.kind(), ErrorKind::Fail);
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no file");
        let e = crate::__convert_star_error!(io);
        assert_eq!(e.kind(), ErrorKind::Host);
        assert!(e.source().is_some());
        let e = crate::__convert_star_error!(String::from("plain"));
        assert_eq!(e.message(), "plain");
        assert!(e.source().is_none());
    }

    #[test]
    fn question_mark_converts_std_errors() {
        fn f() -> Result<i32> {
            Ok("12x".parse::<i32>()?)
        }
        assert_eq!(f().unwrap_err().message(), "invalid digit found in string");
    }

    #[test]
    fn error_is_one_pointer() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}

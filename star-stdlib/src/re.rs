//! The `re` module: regular expressions, with the functions of Python's `re` and the
//! syntax of RE2 (Go's `regexp`), on the regex crate.
//!
//! - `compile(pattern)` gives an `re.pattern` value ([`Pattern`]) with the methods
//!   `match`, `fullmatch`, `search`, `findall`, `finditer`, `split`, `sub` and the
//!   attributes `pattern`, `groups`, `groupindex`.
//! - The module functions `match(pattern, string)`, `fullmatch`, `search`, `findall`,
//!   `finditer`, `split(pattern, string, maxsplit=0)` and `sub(pattern, repl, string,
//!   count=0)` take a pattern as text (or compiled); `escape(string)` quotes the
//!   metacharacters of a string.
//! - Matches are `re.match` values ([`Match`]): `group(*groups)`, `groups(default)`,
//!   `groupdict(default)`, `start(g)`, `end(g)`, `span(g)`, and the attributes `string`
//!   and `re`.
//!
//! Patterns are compiled once per process: a cache keyed by pattern text keeps the
//! [`CACHE_CAPACITY`] most recently compiled ones, shared by all threads.
//!
//! Strings in star are byte strings, and so is what this module searches: the regex
//! crate's `bytes` API runs on them, UTF-8 or not. In a pattern, `.` and classes match
//! whole UTF-8 characters (an invalid byte is matched by nothing but `(?-u:\xFF)`-style
//! byte escapes); offsets (`start`, `end`, `span`) are byte offsets, as string indices
//! are in star; empty matches fall between characters, never inside one. A pattern must
//! itself be valid UTF-8.
//!
//! Where this differs from Python: the syntax is RE2's, so there are no backreferences
//! (`\1` in a pattern) and no lookaround, and matching takes linear time; `$` matches
//! only at the end (or, with `(?m)`, before a newline), not before a final newline;
//! flags are written inline (`(?i)`, `(?m)`, `(?s)`, `(?x)`), there is no `flags`
//! argument; `finditer` returns a list; `pos`/`endpos`, `subn` and bytes patterns are
//! not supported. `findall`, `split` and `sub` treat empty matches as Python 3.7 does.
//! `sub` templates are Python's (`\1`, `\g<name>`, `\n`, ...).
//!
//! ```
//! use star_core::eval::{Module, Predeclared};
//! use star_core::{Dialect, Thread, Value};
//!
//! let env = Predeclared::new().with("re", Value::from(star_stdlib::re::module()));
//! let mut module = Module::new("demo.star", env, Dialect::standard());
//! let src = r#"
//! m = re.search(r"(?P<key>\w+)=(\d+)", "x: size=42")
//! pair = (m.group("key"), int(m.group(2)), m.span())
//! words = re.sub(r"(\w+)@(\w+)", r"\2 at \1", "me@home, you@work")
//! "#;
//! module.exec(&mut Thread::new("main"), src).unwrap();
//! assert_eq!(module.get("pair").unwrap().repr(), r#"("size", 42, (3, 10))"#);
//! assert_eq!(module.get("words").unwrap().to_str(), "home at me, work at you");
//! ```

use star_core::value::NativeModule;

mod compiled;
mod matches;
mod pattern;
mod template;

pub use compiled::{cache_len, CACHE_CAPACITY};
pub use matches::Match;
pub use pattern::Pattern;

/// The `re` module (`Value::from(re::module())` is the value to predeclare).
pub fn module() -> NativeModule {
    functions::module()
}

/// Regular expressions: Python's functions, RE2's syntax.
///
/// compile(pattern) makes a pattern value with the methods below; each function also
/// takes the pattern as text. match(pattern, string) matches at the start of string,
/// fullmatch all of it, search anywhere; they return a match value or None. A match
/// has group(*groups), groups(default=None), groupdict(default=None), start(g=0),
/// end(g=0), span(g=0) (byte offsets) and the attributes string and re.
/// findall(pattern, string) lists the texts of the matches (or of their groups),
/// finditer the matches; split(pattern, string, maxsplit=0) splits at the matches;
/// sub(pattern, repl, string, count=0) replaces them by a template ("\1", "\g<name>")
/// or by what a function of the match returns; escape(string) quotes metacharacters.
/// The syntax is RE2's (no backreferences, no lookaround); flags are inline, as (?i).
#[star_core::star_module(name = "re")]
mod functions {
    use star_core::value::{IntoValue, Str};
    use star_core::{star_builtin, Result, Thread, Value};

    use super::pattern::{self as ops, pattern_arg, Pattern};

    /// Returns the compiled pattern (a pattern value is returned as it is). Fails if
    /// the pattern is invalid.
    #[star_builtin(signature = (pattern, /))]
    pub fn compile(pattern: &Value) -> Result<Value> {
        if pattern.downcast_ref::<Pattern>().is_some() {
            return Ok(pattern.clone());
        }
        Ok(Pattern::new(pattern_arg("re.compile", pattern)?).into_value())
    }

    /// Returns the match of pattern at the start of string, or None.
    #[star_builtin(signature = (pattern, string))]
    pub fn r#match(pattern: &Value, string: Str) -> Result<Value> {
        ops::match_prefix("re.match", &pattern_arg("re.match", pattern)?, &string)
    }

    /// Returns the match of pattern with the whole of string, or None.
    #[star_builtin(signature = (pattern, string))]
    pub fn fullmatch(pattern: &Value, string: Str) -> Result<Value> {
        let c = pattern_arg("re.fullmatch", pattern)?;
        ops::match_whole("re.fullmatch", &c, &string)
    }

    /// Returns the first match of pattern anywhere in string, or None.
    #[star_builtin(signature = (pattern, string))]
    pub fn search(pattern: &Value, string: Str) -> Result<Value> {
        Ok(ops::search(&pattern_arg("re.search", pattern)?, &string))
    }

    /// Returns the texts of all the non-overlapping matches of pattern in string: the
    /// whole match if the pattern has no groups, the group's text if it has one, a
    /// tuple of the groups' texts if it has several ("" for a group that did not take
    /// part).
    #[star_builtin(signature = (pattern, string))]
    pub fn findall(pattern: &Value, string: Str) -> Result<Value> {
        ops::findall(&pattern_arg("re.findall", pattern)?, &string)
    }

    /// Returns a list of the match values of all the non-overlapping matches of
    /// pattern in string.
    #[star_builtin(signature = (pattern, string))]
    pub fn finditer(pattern: &Value, string: Str) -> Result<Value> {
        ops::finditer(&pattern_arg("re.finditer", pattern)?, &string)
    }

    /// Returns string split at the matches of pattern: at most maxsplit times unless
    /// maxsplit is 0 (no split if it is negative). The texts of the pattern's groups,
    /// if it has any, come between the pieces (None for a group that did not take
    /// part).
    #[star_builtin(signature = (pattern, string, maxsplit = 0))]
    pub fn split(pattern: &Value, string: Str, maxsplit: i64) -> Result<Value> {
        ops::split(&pattern_arg("re.split", pattern)?, &string, maxsplit)
    }

    /// Returns string with the matches of pattern (the first count ones, unless count
    /// is 0) replaced by repl. A string repl is a template: \1 to \99 and \g<n> are the
    /// texts of groups by number, \g<name> by name, \n, \t, \\ and the like are escapes.
    /// A function repl is called with each match value and returns its replacement.
    #[star_builtin(signature = (pattern, repl, string, count = 0))]
    pub fn sub(
        thread: &mut Thread,
        pattern: &Value,
        repl: Value,
        string: Str,
        count: i64,
    ) -> Result<Str> {
        let c = pattern_arg("re.sub", pattern)?;
        ops::sub("re.sub", thread, &c, &repl, &string, count)
    }

    /// Returns string with a backslash before each character that has a meaning in
    /// patterns, and before whitespace (which verbose patterns ignore), so that the
    /// result matches string literally.
    #[star_builtin(signature = (string, /))]
    pub fn escape(string: &Str) -> Str {
        let mut out = Vec::with_capacity(string.len());
        for &b in string.as_bytes() {
            let special = matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
                || (b.is_ascii() && regex_syntax::is_meta_character(b as char));
            if special {
                out.push(b'\\');
            }
            out.push(b);
        }
        Str::from_bytes(&out)
    }
}

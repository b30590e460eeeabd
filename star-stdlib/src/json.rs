//! The `json` module: conversions between Starlark values and JSON text (RFC 8259),
//! as in google/starlark-go's `lib/json`.
//!
//! - `encode(x)` writes `None`, bools, ints of any size, finite floats, strings, dicts
//!   with string keys (as objects, keys sorted), lists, tuples and other iterables (as
//!   arrays), and values with fields (host values such as structs, as objects with the
//!   field names sorted). The output has no spaces.
//! - `decode(x[, default])` reads any JSON text: objects become new dicts, arrays new
//!   lists, numbers ints when they have no `.`, `e`, `E` or sign after the first
//!   character (of any size) and floats otherwise. With `default`, invalid text yields
//!   `default` instead of an error.
//! - `indent(str, *, prefix="", indent="\t")` pretty-prints JSON text, and
//!   `encode_indent(x, *, prefix="", indent="\t")` is `indent(encode(x), ...)`
//!   (a Bazel function that starlark-go does not have).
//!
//! Where this differs from starlark-go: `encode_indent` exists; `decode` refuses nesting
//! deeper than 1000 levels; the byte 0x7f is written as it is, where starlark-go writes
//! `\x7f`, which is not JSON; `bytes` cannot be encoded (starlark-go fails on its
//! `elems` method); host values are objects of their fields only, not their methods.
//!
//! Errors read as the reference reads them: `json.encode: in dict key "r": cycle in JSON
//! structure`, `json.decode: at offset 4, unexpected character 'f' after value`,
//! `json.indent: invalid character '!' looking for beginning of value`.

use star_core::value::NativeModule;

mod decode;
mod encode;
mod indent;

/// The `json` module (`Value::from(json::module())` is the value to predeclare):
/// `dir(json)` is `["decode", "encode", "encode_indent", "indent"]`.
pub fn module() -> NativeModule {
    functions::module()
}

/// Conversions between Starlark values and JSON text.
///
/// encode(x) writes a value as compact JSON: None, bools, ints, finite floats, strings,
/// dicts with string keys (keys sorted), lists, tuples and other iterables, and values
/// with fields (fields sorted). decode(x[, default]) reads JSON text into new dicts,
/// lists, strings, ints and floats; with default, invalid text yields default.
/// indent(str, *, prefix="", indent="\t") pretty-prints JSON text, and
/// encode_indent(x, *, prefix="", indent="\t") is indent(encode(x), ...).
#[star_core::star_module(name = "json")]
mod functions {
    use star_core::value::Str;
    use star_core::{star_builtin, Error, ErrorKind, Result, Value};

    use super::decode::{self as dec, Fallback, Unset};
    use super::encode as enc;
    use super::indent as pretty;

    /// Returns the JSON encoding of x (compact, with the keys of objects sorted).
    #[star_builtin(signature = (x, /))]
    pub fn encode(x: &Value) -> Result<String> {
        enc::encode(x).map_err(|e| fail("json.encode", e))
    }

    /// Returns the value that the JSON text x denotes; if x is not valid JSON, returns
    /// default when it is given, and fails otherwise.
    #[star_builtin(signature = (x, /, default = Unset))]
    pub fn decode(x: &Str, default: Fallback) -> Result<Value> {
        match (dec::decode(x.as_bytes()), default.into_value()) {
            (Ok(v), _) => Ok(v),
            (Err(_), Some(d)) => Ok(d),
            (Err(e), None) => Err(fail("json.decode", e)),
        }
    }

    /// Returns the JSON encoding of x, indented: each element on a line of its own that
    /// starts with prefix and one copy of indent per level of nesting.
    #[star_builtin(signature = (x, /, *, prefix = "", indent = "\t"))]
    pub fn encode_indent(x: &Value, prefix: Str, indent: Str) -> Result<Str> {
        let text = enc::encode(x).map_err(|e| fail("json.encode_indent", e))?;
        pretty::indent(text.as_bytes(), prefix.as_bytes(), indent.as_bytes())
            .map(|out| Str::from_bytes(&out))
            .map_err(|e| fail("json.encode_indent", e))
    }

    /// Returns the JSON text str pretty-printed: each element on a line of its own that
    /// starts with prefix and one copy of indent per level of nesting. Fails if str is
    /// not valid JSON.
    #[star_builtin(signature = (str, /, *, prefix = "", indent = "\t"))]
    pub fn indent(str: &Str, prefix: Str, indent: Str) -> Result<Str> {
        pretty::indent(str.as_bytes(), prefix.as_bytes(), indent.as_bytes())
            .map(|out| Str::from_bytes(&out))
            .map_err(|e| fail("json.indent", e))
    }

    /// A failure of function `name`, worded `json.f: message`.
    fn fail(name: &str, message: String) -> Error {
        Error::new(ErrorKind::Value, format!("{name}: {message}"))
    }
}

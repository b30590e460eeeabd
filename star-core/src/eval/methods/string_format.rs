//! `str.format`: `"{} and {name!r}".format(x, name = y)`.
//!
//! The format string is literal text with replacement fields in braces; `{{` and `}}`
//! stand for single braces. A field is `{name}`, `{name!conv}` or either with a
//! `:spec` suffix, where:
//!
//! - an empty name takes the next positional argument (automatic numbering), a decimal
//!   name the positional argument of that index (manual numbering), and a format string
//!   may not mix the two; any other name is a keyword argument;
//! - `conv` is `s` (the default: a string as is, any other value as `str` prints it) or
//!   `r` (`repr`);
//! - a spec is rejected: Starlark has no format mini-language, nor Python's `a.b` and
//!   `a[i]` field syntax or nested fields.
//!
//! The scan and the messages follow the reference implementation, including which error
//! wins when a string has several: the text before each `{` is checked for a lone `}`
//! before the field after it is read.

use crate::call::{Args, NativeFunction, NativeImpl};
use crate::error::{Error, ErrorKind, Result};
use crate::star_builtin;
use crate::syntax::token::quote;
use crate::thread::Thread;
use crate::value::memory::{self, Shape};
use crate::value::{Str, Value};

fn format_error(kind: ErrorKind, msg: &str) -> Error {
    Error::new(kind, format!("format: {msg}"))
}

/// The position of byte `b` in `s`.
fn find_byte(s: &[u8], b: u8) -> Option<usize> {
    s.iter().position(|&x| x == b)
}

/// A field name made only of decimal digits, as an index (`None` if it is not one,
/// or too large).
fn decimal(name: &[u8]) -> Option<usize> {
    name.iter().try_fold(0usize, |n, &b| {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n.checked_mul(10)?
            .checked_add(digit as usize)
            .filter(|&n| n <= i64::MAX as usize)
    })
}

/// Appends literal text, turning `}}` into `}` and rejecting a lone `}`.
fn literal(mut text: &[u8], out: &mut Vec<u8>) -> Result<()> {
    while let Some(j) = find_byte(text, b'}') {
        if text.get(j + 1) != Some(&b'}') {
            return Err(format_error(ErrorKind::Value, "single '}' in format"));
        }
        out.extend_from_slice(&text[..=j]);
        text = &text[j + 2..];
    }
    out.extend_from_slice(text);
    Ok(())
}

/// How the positional fields of one format string have been numbered so far.
#[derive(Default)]
struct Numbering {
    auto: bool,
    manual: bool,
    next: usize,
}

/// The argument a field's name selects.
fn argument<'a>(
    name: &[u8],
    numbering: &mut Numbering,
    args: &'a [Value],
    kwargs: &'a [(String, Value)],
) -> Result<&'a Value> {
    let positional = |i: usize| {
        args.get(i)
            .ok_or_else(|| format_error(ErrorKind::Index, "tuple index out of range"))
    };
    if name.is_empty() {
        if numbering.manual {
            return Err(format_error(
                ErrorKind::Value,
                "cannot switch from manual field specification to automatic field numbering",
            ));
        }
        numbering.auto = true;
        let v = positional(numbering.next)?;
        numbering.next += 1;
        return Ok(v);
    }
    if let Some(i) = decimal(name) {
        if numbering.auto {
            return Err(format_error(
                ErrorKind::Value,
                "cannot switch from automatic field numbering to manual field specification",
            ));
        }
        numbering.manual = true;
        return positional(i);
    }
    if let Some((_, v)) = kwargs.iter().find(|(k, _)| k.as_bytes() == name) {
        return Ok(v);
    }
    let shown = String::from_utf8_lossy(name);
    Err(if name.contains(&b'.') {
        format_error(
            ErrorKind::Value,
            &format!("attribute syntax x.y is not supported in replacement fields: {shown}"),
        )
    } else if name.contains(&b'[') {
        format_error(
            ErrorKind::Value,
            &format!("element syntax a[i] is not supported in replacement fields: {shown}"),
        )
    } else if name.contains(&b'{') {
        format_error(ErrorKind::Value, "nested replacement fields not supported")
    } else {
        format_error(ErrorKind::Key, &format!("keyword {shown} not found"))
    })
}

/// Splits a field into name, conversion (default `s`) and spec.
fn parse_field(field: &[u8]) -> (&[u8], &[u8], &[u8]) {
    fn split_spec(s: &[u8]) -> (&[u8], &[u8]) {
        match find_byte(s, b':') {
            Some(i) => (&s[..i], &s[i + 1..]),
            None => (s, &[]),
        }
    }
    match find_byte(field, b'!') {
        Some(i) => {
            let (conv, spec) = split_spec(&field[i + 1..]);
            (&field[..i], conv, spec)
        }
        None => {
            let (name, spec) = split_spec(field);
            (name, b"s", spec)
        }
    }
}

/// `format.format(*args, **kwargs)`.
pub(super) fn format(format: &[u8], args: &[Value], kwargs: &[(String, Value)]) -> Result<Str> {
    let mut out: Vec<u8> = Vec::with_capacity(format.len() + 16);
    let mut numbering = Numbering::default();
    let mut rest = format;
    loop {
        let open = find_byte(rest, b'{');
        literal(&rest[..open.unwrap_or(rest.len())], &mut out)?;
        let Some(open) = open else { break };
        if rest.get(open + 1) == Some(&b'{') {
            out.push(b'{');
            rest = &rest[open + 2..];
            continue;
        }
        let after = &rest[open + 1..];
        let close = find_byte(after, b'}')
            .ok_or_else(|| format_error(ErrorKind::Value, "unmatched '{' in format"))?;
        rest = &after[close + 1..];

        let (name, conv, spec) = parse_field(&after[..close]);
        let arg = argument(name, &mut numbering, args, kwargs)?;
        if !spec.is_empty() {
            // (The reference leaves out the "format: " prefix here.)
            return Err(Error::value_error(format!(
                "format spec features not supported in replacement fields: {}",
                String::from_utf8_lossy(spec)
            )));
        }
        match (conv, arg) {
            (b"s", v) => v.write_str_bytes(&mut out),
            (b"r", v) => v.write_repr_bytes(&mut out),
            _ => {
                return Err(format_error(
                    ErrorKind::Value,
                    &format!("unknown conversion {}", quote(conv)),
                ))
            }
        }
    }
    memory::reserve_result(Shape::Str, out.len())?;
    Ok(Str::from_bytes(&out))
}

/// The string with its replacement fields (`{}`, `{0}`, `{name}`, `{!r}`) replaced by
/// the arguments.
#[star_builtin(name = "format", method, signature = (*args, **kwargs), pure)]
pub(super) fn str_format(
    this: &Str,
    args: Vec<Value>,
    kwargs: Vec<(String, Value)>,
) -> Result<Value> {
    format(this.as_bytes(), &args, &kwargs).map(Value::Str)
}

/// `str.format` as the string methods list it: a call with positional arguments only
/// (the common case) formats from the caller's argument slice, with nothing collected;
/// a call with keyword arguments goes through [`str_format`]'s generated binding.
pub(super) static FORMAT: NativeFunction = NativeFunction {
    name: "format",
    doc: str_format::BUILTIN.doc,
    signature: str_format::BUILTIN.signature,
    pure: true,
    imp: NativeImpl::Sync(format_positional),
};

fn format_positional(thread: &mut Thread, receiver: &Value, args: &Args<'_>) -> Result<Value> {
    match receiver {
        Value::Str(this) if args.named.is_empty() => {
            format(this.as_bytes(), args.positional, &[]).map(Value::Str)
        }
        _ => str_format::BUILTIN.call_method(thread, receiver, args),
    }
}

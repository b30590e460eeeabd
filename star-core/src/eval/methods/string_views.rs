//! The iterable views of strings and bytes: `s.elems()`, `s.elem_ords()`,
//! `s.codepoints()`, `s.codepoint_ords()` and `b.elems()`.
//!
//! As in the reference implementation these are values of their own types, not lists:
//! they hold the string and produce its parts when iterated. Their type names and
//! printed forms are the reference's (`type("ab".elems())` is `"string.elems"`,
//! `str("ab".elems())` is `"ab".elems()`); they are true, unhashable, equal when they
//! view the same string the same way, and immutable.
//!
//! - `string.elems` (`elems`, `elem_ords`): the bytes, as one-byte strings or as ints.
//!   It is a sequence: it has a length and can be indexed.
//! - `string.codepoints` (`codepoints`, `codepoint_ords`): the runes as Go decodes
//!   them, as substrings or as ints; a byte that is not valid UTF-8 is U+FFFD (as the
//!   string `"\uFFFD"` or the int 0xFFFD). It has no length and cannot be indexed.
//! - `bytes.elems`: the bytes as ints; iterable only.

use crate::error::{Error, Result};
use crate::impl_freeze_safe;
use crate::value::{Bytes, HostValue, Str, Value};

use super::super::ops::seq_index;
use super::unicode::{self, Runes};

/// `s.elems()` or `s.elem_ords()`.
pub(super) struct StringElems {
    /// The string viewed.
    s: Str,
    /// Ints (`elem_ords`) rather than one-byte strings (`elems`).
    ords: bool,
}

impl StringElems {
    pub(super) fn new(s: Str, ords: bool) -> StringElems {
        StringElems { s, ords }
    }

    fn get(&self, i: usize) -> Value {
        let b = &self.s.as_bytes()[i..i + 1];
        if self.ords {
            Value::Int(b[0] as i64)
        } else {
            Value::Str(Str::from_bytes(b))
        }
    }
}

/// `s.codepoints()` or `s.codepoint_ords()`.
pub(super) struct StringCodepoints {
    /// The string viewed.
    s: Str,
    /// Ints (`codepoint_ords`) rather than substrings (`codepoints`).
    ords: bool,
}

impl StringCodepoints {
    pub(super) fn new(s: Str, ords: bool) -> StringCodepoints {
        StringCodepoints { s, ords }
    }
}

/// `b.elems()`.
pub(super) struct BytesElems {
    /// The bytes viewed.
    b: Bytes,
}

impl BytesElems {
    pub(super) fn new(b: Bytes) -> BytesElems {
        BytesElems { b }
    }
}

impl_freeze_safe!(StringElems, StringCodepoints, BytesElems);

fn unhashable(type_name: &str) -> Error {
    Error::type_error(format!("unhashable: {type_name}"))
}

impl HostValue for StringElems {
    fn type_name(&self) -> &'static str {
        "string.elems"
    }

    fn repr(&self, out: &mut String) {
        Value::Str(self.s.clone()).write_repr(out);
        out.push_str(if self.ords {
            ".elem_ords()"
        } else {
            ".elems()"
        });
    }

    fn equals(&self, other: &Value) -> Result<bool> {
        Ok(other
            .downcast_ref::<StringElems>()
            .is_some_and(|o| o.ords == self.ords && o.s == self.s))
    }

    fn hash(&self) -> Result<u32> {
        Err(unhashable(self.type_name()))
    }

    fn iterate(&self) -> Option<Result<Vec<Value>>> {
        Some(Ok((0..self.s.len()).map(|i| self.get(i)).collect()))
    }

    fn length(&self) -> Option<usize> {
        Some(self.s.len())
    }

    fn index(&self, key: &Value) -> Option<Result<Value>> {
        Some(seq_index(self.type_name(), key, self.s.len()).map(|i| self.get(i)))
    }
}

impl HostValue for StringCodepoints {
    fn type_name(&self) -> &'static str {
        "string.codepoints"
    }

    fn repr(&self, out: &mut String) {
        Value::Str(self.s.clone()).write_repr(out);
        out.push_str(if self.ords {
            ".codepoint_ords()"
        } else {
            ".codepoints()"
        });
    }

    fn equals(&self, other: &Value) -> Result<bool> {
        Ok(other
            .downcast_ref::<StringCodepoints>()
            .is_some_and(|o| o.ords == self.ords && o.s == self.s))
    }

    fn hash(&self) -> Result<u32> {
        Err(unhashable(self.type_name()))
    }

    fn iterate(&self) -> Option<Result<Vec<Value>>> {
        let s = self.s.as_bytes();
        let items = Runes::new(s).map(|(i, c, w)| {
            if self.ords {
                Value::Int(c as i64)
            } else if c == unicode::REPLACEMENT {
                // An invalid byte (or a real U+FFFD) is the replacement character.
                Value::str("\u{FFFD}")
            } else {
                Value::Str(Str::from_bytes(&s[i..i + w]))
            }
        });
        Some(Ok(items.collect()))
    }
}

impl HostValue for BytesElems {
    fn type_name(&self) -> &'static str {
        "bytes.elems"
    }

    fn repr(&self, out: &mut String) {
        Value::Bytes(self.b.clone()).write_repr(out);
        out.push_str(".elems()");
    }

    fn equals(&self, other: &Value) -> Result<bool> {
        Ok(other
            .downcast_ref::<BytesElems>()
            .is_some_and(|o| o.b == self.b))
    }

    fn hash(&self) -> Result<u32> {
        Err(unhashable(self.type_name()))
    }

    fn iterate(&self) -> Option<Result<Vec<Value>>> {
        Some(Ok(self
            .b
            .as_bytes()
            .iter()
            .map(|&b| Value::Int(b as i64))
            .collect()))
    }
}

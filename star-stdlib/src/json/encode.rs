//! `json.encode`: a value to compact JSON text.
//!
//! The cases, in the reference's order of precedence: `None`, bools, ints (any size,
//! in decimal), floats (Go's `%g`: shortest digits, so `1.0` is `1`; non-finite floats
//! are an error), strings, dicts (string keys only, written in key order), iterables
//! (lists, tuples, sets, ranges, iterable host values) as arrays, and other host values
//! as objects of their fields (`HostValue::attr_names`, sorted; methods are not
//! fields). Anything else (functions, bytes) is an error. A container met
//! again inside itself is a cycle, and an error; the same container twice side by side
//! is fine.
//!
//! Strings are quoted in one of the reference's two ways: a string of printable ASCII
//! only escapes `"` and `\` (and keeps DEL as it is, where the reference writes `\x7f`,
//! which is not JSON); any other string escapes as Go's `encoding/json` does
//! (control characters, `<`, `>`, `&`, U+2028 and U+2029 as `\uXXXX` or the short
//! escapes, and each byte of invalid UTF-8 as `\ufffd`).

use std::collections::HashSet;
use std::fmt::Write;

use star_core::eval::iterate;
use star_core::Value;

/// Encodes `x`, or says why not (the message without the `json.encode: ` prefix).
pub(crate) fn encode(x: &Value) -> Result<String, String> {
    let mut e = Encoder {
        out: String::new(),
        path: HashSet::new(),
    };
    e.emit(x)?;
    Ok(e.out)
}

struct Encoder {
    out: String,
    /// The addresses of the containers being encoded (the current one and those it is
    /// inside), to detect cycles.
    path: HashSet<usize>,
}

/// The address of a container (as the reference, tuples included: a tuple can hold a
/// list that holds the tuple).
fn identity(x: &Value) -> Option<usize> {
    match x {
        Value::Tuple(t) if !t.is_empty() => Some(t.as_ptr() as usize),
        Value::List(l) => Some(&**l as *const _ as usize),
        Value::Dict(d) => Some(&**d as *const _ as usize),
        Value::Host(h) => Some(h.get() as *const _ as *const () as usize),
        _ => None,
    }
}

impl Encoder {
    fn emit(&mut self, x: &Value) -> Result<(), String> {
        // Nesting has no limit here (as in the reference), so grow the stack as needed.
        star_core::native_stack::maybe_grow(64 * 1024, 1024 * 1024, || {
            let id = identity(x);
            if let Some(id) = id {
                if !self.path.insert(id) {
                    return Err("cycle in JSON structure".to_string());
                }
            }
            let r = self.emit_value(x);
            if let Some(id) = id {
                self.path.remove(&id);
            }
            r
        })
    }

    fn emit_value(&mut self, x: &Value) -> Result<(), String> {
        match x {
            Value::None => self.out.push_str("null"),
            Value::Bool(true) => self.out.push_str("true"),
            Value::Bool(false) => self.out.push_str("false"),
            Value::Int(i) => {
                let _ = write!(self.out, "{i}");
            }
            Value::BigInt(b) => {
                let _ = write!(self.out, "{b}");
            }
            Value::Float(f) => {
                if !f.is_finite() {
                    return Err(format!("cannot encode non-finite float {}", x.repr()));
                }
                push_float(&mut self.out, *f);
            }
            Value::Str(s) => quote(&mut self.out, s.as_bytes()),
            Value::Dict(d) => {
                let items: Vec<(Value, Value)> = d
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.value().clone(), v.clone()))
                    .collect();
                self.object(x.type_name(), items)?;
            }
            Value::List(l) => self.array(x.type_name(), &l.to_vec())?,
            Value::Tuple(t) => self.array(x.type_name(), t)?,
            Value::Set(_) | Value::Range(_) => {
                let items = iterate(x).map_err(|e| e.message().to_string())?;
                self.array(x.type_name(), &items)?;
            }
            Value::Host(h) => {
                let host = h.get();
                if let Some(items) = host.iterate() {
                    let items = items.map_err(|e| e.message().to_string())?;
                    self.array(x.type_name(), &items)?;
                } else {
                    let mut names = host.attr_names();
                    names.sort();
                    names.dedup();
                    self.fields(x, &names)?;
                }
            }
            _ => return Err(cannot_encode(x)),
        }
        Ok(())
    }

    /// A dict as an object, keys sorted; every key must be a string.
    fn object(&mut self, type_name: &str, mut items: Vec<(Value, Value)>) -> Result<(), String> {
        if let Some((k, _)) = items.iter().find(|(k, _)| !matches!(k, Value::Str(_))) {
            return Err(format!(
                "{type_name} has {} key, want string",
                k.type_name()
            ));
        }
        items.sort_by(|(a, _), (b, _)| key_bytes(a).cmp(key_bytes(b)));
        self.out.push('{');
        for (i, (k, v)) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            quote(&mut self.out, key_bytes(k));
            self.out.push(':');
            self.emit(v)
                .map_err(|e| format!("in {type_name} key {}: {e}", k.repr()))?;
        }
        self.out.push('}');
        Ok(())
    }

    fn array(&mut self, type_name: &str, items: &[Value]) -> Result<(), String> {
        self.out.push('[');
        for (i, v) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.emit(v)
                .map_err(|e| format!("at {type_name} index {i}: {e}"))?;
        }
        self.out.push(']');
        Ok(())
    }

    /// A host value's fields as an object (`names` sorted).
    fn fields(&mut self, x: &Value, names: &[String]) -> Result<(), String> {
        let Value::Host(h) = x else {
            return Err(cannot_encode(x));
        };
        self.out.push('{');
        for (i, name) in names.iter().enumerate() {
            let Some(v) = h.get().attr(name) else {
                return Err(format!(
                    "{} lists a field .{name} but has none",
                    x.type_name()
                ));
            };
            if i > 0 {
                self.out.push(',');
            }
            quote(&mut self.out, name.as_bytes());
            self.out.push(':');
            self.emit(&v)
                .map_err(|e| format!("in field .{name}: {e}"))?;
        }
        self.out.push('}');
        Ok(())
    }
}

fn cannot_encode(x: &Value) -> String {
    format!("cannot encode {} as JSON", x.type_name())
}

fn key_bytes(k: &Value) -> &[u8] {
    match k {
        Value::Str(s) => s.as_bytes(),
        _ => &[],
    }
}

/// A finite float as Go's `%g` writes it: the shortest digits that read back as the
/// same float, in exponent form below 1e-4 and from 1e6 up. That is `repr` without the
/// `.0` it adds to integral values (`1.0` is `1`).
fn push_float(out: &mut String, f: f64) {
    let text = Value::Float(f).repr();
    match text.strip_suffix(".0") {
        Some(int_like) if !text.contains(['e', 'E']) => out.push_str(int_like),
        _ => out.push_str(&text),
    }
}

/// Appends `s` as a JSON string literal, as the reference quotes it (see the module
/// docs).
pub(crate) fn quote(out: &mut String, s: &[u8]) {
    out.push('"');
    if s.iter().all(|b| (0x20..0x80).contains(b)) {
        for &b in s {
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                _ => out.push(b as char),
            }
        }
    } else {
        for chunk in s.utf8_chunks() {
            escape_text(out, chunk.valid());
            for _ in chunk.invalid() {
                out.push_str("\\ufffd");
            }
        }
    }
    out.push('"');
}

/// Escapes valid text as Go's `encoding/json` does (with its HTML escaping).
fn escape_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\0'..='\u{1f}' | '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &[u8]) -> String {
        let mut out = String::new();
        quote(&mut out, s);
        out
    }

    #[test]
    fn floats_as_go_percent_g() {
        let cases = [
            (1.0, "1"),
            (-0.0, "-0"),
            (0.5, "0.5"),
            (123456.0, "123456"),
            (1e6, "1e+06"),
            (1.2345e68, "1.2345e+68"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (3.539537889086625e24, "3.539537889086625e+24"),
        ];
        for (f, want) in cases {
            let mut out = String::new();
            push_float(&mut out, f);
            assert_eq!(out, want, "{f:?}");
        }
    }

    #[test]
    fn quoting() {
        assert_eq!(q(b"hello"), r#""hello""#);
        assert_eq!(q(b"a\"b\\c<&>"), r#""a\"b\\c<&>""#);
        assert_eq!(q(b"\x7f"), "\"\x7f\"");
        assert_eq!(q("é<&>".as_bytes()), r#""é\u003c\u0026\u003e""#);
        assert_eq!(q(b"\n\r\t\x08\x0c\x01\x1f"), r#""\n\r\t\b\f\u0001\u001f""#);
        assert_eq!(q("\u{2028}\u{2029}".as_bytes()), r#""\u2028\u2029""#);
        assert_eq!(q(b"\xf0\x9f\x98"), r#""\ufffd\ufffd\ufffd""#);
        assert_eq!(q(b"a\xffb"), r#""a\ufffdb""#);
        assert_eq!(q("😹".as_bytes()), "\"😹\"");
    }
}

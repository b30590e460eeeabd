//! The printed forms of values: `repr(x)` and `str(x)`.
//!
//! Both follow the reference implementation: strings are double-quoted with Go-style
//! escapes, floats use the shortest digits that read back to the same float, always with
//! a decimal point or an exponent so that they do not look like ints (`1.0`, `1e+06`,
//! `1.5e-07`), and a collection that contains itself prints the cycle as `[...]` or `{...}`.

use std::fmt::Write;

use super::memory::{self, Shape};
use super::Value;
use crate::syntax::token::quote;

impl Value {
    /// `repr(x)`: the form that reads back as the same value, where one exists.
    ///
    /// Under a memory or size limit (see `memory.rs`), printing stops early once the
    /// text passes what the limits allow; [`Value::checked_repr`] turns that into the
    /// limit's error.
    pub fn repr(&self) -> String {
        let mut out = String::new();
        Printer::default().repr(self, &mut out);
        out
    }

    /// `repr(x)`, or the memory or size limit's error if the text would pass it.
    pub(crate) fn checked_repr(&self) -> crate::Result<String> {
        let s = self.repr();
        memory::reserve_result(Shape::Str, s.len())?;
        Ok(s)
    }

    /// `str(x)`, or the memory or size limit's error if the text would pass it.
    pub(crate) fn checked_to_str(&self) -> crate::Result<String> {
        match self {
            Value::Str(s) => Ok(s.to_str_lossy().into_owned()),
            _ => self.checked_repr(),
        }
    }

    /// `str(x)`: like `repr`, except that a string is its own text.
    pub fn to_str(&self) -> String {
        match self {
            Value::Str(s) => s.to_str_lossy().into_owned(),
            _ => self.repr(),
        }
    }

    /// Appends the `str(x)` form to `out` as bytes, with a string's bytes as they are
    /// (even if not valid UTF-8), as `%s` and `str.format` use them. Ints skip `fmt`.
    pub(crate) fn write_str_bytes(&self, out: &mut Vec<u8>) {
        match self {
            Value::Str(s) => out.extend_from_slice(s.as_bytes()),
            Value::Int(i) => write_int(out, *i),
            _ => out.extend_from_slice(self.repr().as_bytes()),
        }
    }

    /// Appends `repr(x)` to `out` as bytes.
    pub(crate) fn write_repr_bytes(&self, out: &mut Vec<u8>) {
        match self {
            Value::Int(i) => write_int(out, *i),
            _ => out.extend_from_slice(self.repr().as_bytes()),
        }
    }

    /// Appends `repr(x)` to `out`.
    pub fn write_repr(&self, out: &mut String) {
        Printer::default().repr(self, out)
    }
}

/// Appends the decimal digits of `i` (as `str(i)` gives them) to `out`.
pub(crate) fn write_int(out: &mut Vec<u8>, i: i64) {
    let mut buf = [0u8; 20];
    let mut n = i.unsigned_abs();
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[at..]);
}

/// Formats a float as the reference does (Go's `%g` with the shortest round-tripping
/// digits, plus `.0` when the result would otherwise look like an int).
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+inf" } else { "-inf" }.into();
    }
    // Rust's `{:e}` gives the shortest round-tripping digits: "-1.2345e-7".
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    // Go's %g with shortest digits switches to the exponent form outside [1e-4, 1e6).
    if !(-4..6).contains(&exp) {
        // %e form: d.ddde±XX
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(out, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
        return out;
    }
    if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let point = exp as usize + 1;
        if digits.len() > point {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        } else {
            out.push_str(&digits);
            for _ in digits.len()..point {
                out.push('0');
            }
            out.push_str(".0");
        }
    }
    out
}

/// Prints values, remembering the containers it is inside to cut cycles.
struct Printer {
    path: Vec<usize>,
    /// Past this length, containers print no more elements (see [`Value::repr`]).
    budget: usize,
}

impl Default for Printer {
    fn default() -> Self {
        Printer {
            path: Vec::new(),
            budget: memory::text_budget(),
        }
    }
}

impl Printer {
    /// Enters a container; if it is already being printed, prints `cut` instead.
    fn enter(&mut self, addr: usize, cut: &str, out: &mut String) -> bool {
        if self.path.contains(&addr) {
            out.push_str(cut);
            return false;
        }
        self.path.push(addr);
        true
    }

    fn seq(&mut self, items: &[Value], open: &str, close: &str, out: &mut String) {
        out.push_str(open);
        for (i, v) in items.iter().enumerate() {
            if out.len() > self.budget {
                return;
            }
            if i > 0 {
                out.push_str(", ");
            }
            self.repr(v, out);
        }
        if items.len() == 1 && open == "(" {
            out.push(',');
        }
        out.push_str(close);
    }

    fn repr(&mut self, v: &Value, out: &mut String) {
        match v {
            Value::None => out.push_str("None"),
            Value::Bool(true) => out.push_str("True"),
            Value::Bool(false) => out.push_str("False"),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::BigInt(b) => {
                let _ = write!(out, "{b}");
            }
            Value::Float(f) => out.push_str(&format_float(*f)),
            Value::Str(s) => out.push_str(&quote(s.as_bytes())),
            Value::Bytes(b) => {
                // Valid UTF-8 shows as text, other bytes as `\x` escapes.
                out.push('b');
                out.push_str(&quote(b.as_bytes()));
            }
            Value::Tuple(t) => {
                if self.path.len() > super::compare::MAX_DEPTH as usize {
                    out.push_str("...");
                    return;
                }
                self.path.push(0);
                self.seq(t, "(", ")", out);
                self.path.pop();
            }
            Value::List(l) => {
                if self.enter(triomphe::Arc::as_ptr(l) as usize, "[...]", out) {
                    self.seq(&l.borrow(), "[", "]", out);
                    self.path.pop();
                }
            }
            Value::Dict(d) => {
                if self.enter(triomphe::Arc::as_ptr(d) as usize, "{...}", out) {
                    out.push('{');
                    for (i, (k, v)) in d.borrow().iter().enumerate() {
                        if out.len() > self.budget {
                            break;
                        }
                        if i > 0 {
                            out.push_str(", ");
                        }
                        self.repr(k.value(), out);
                        out.push_str(": ");
                        self.repr(v, out);
                    }
                    out.push('}');
                    self.path.pop();
                }
            }
            Value::Set(s) => {
                out.push_str("set([");
                for (i, k) in s.borrow().iter().enumerate() {
                    if out.len() > self.budget {
                        break;
                    }
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.repr(k.value(), out);
                }
                out.push_str("])");
            }
            Value::Range(r) => {
                // The shortest call that makes the same range, as the reference prints.
                if r.step == 1 && r.start == 0 {
                    let _ = write!(out, "range({})", r.stop);
                } else if r.step == 1 {
                    let _ = write!(out, "range({}, {})", r.start, r.stop);
                } else {
                    let _ = write!(out, "range({}, {}, {})", r.start, r.stop, r.step);
                }
            }
            Value::Function(f) => {
                let _ = write!(out, "<function {}>", f.name());
            }
            Value::Builtin(f) => {
                let _ = write!(out, "<built-in function {}>", f.name);
            }
            Value::BoundMethod(m) => {
                let _ = write!(
                    out,
                    "<built-in method {} of {} value>",
                    m.method.name,
                    m.receiver.type_name()
                );
            }
            Value::Host(h) => {
                let addr = h.addr();
                if self.enter(addr, "...", out) {
                    h.get().repr(out);
                    self.path.pop();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_write_as_display_does() {
        for i in [
            0,
            7,
            -7,
            10,
            -10,
            1234567890,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ] {
            let mut out = Vec::new();
            write_int(&mut out, i);
            assert_eq!(out, i.to_string().into_bytes());
        }
        let mut out = b"x".to_vec();
        Value::Int(-5).write_str_bytes(&mut out);
        Value::Str(crate::value::Str::from_bytes(b"\xff")).write_str_bytes(&mut out);
        Value::None.write_str_bytes(&mut out);
        assert_eq!(out, b"x-5\xffNone");
    }

    #[test]
    fn floats_print_like_the_reference() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (1.5, "1.5"),
            (123456.0, "123456.0"),
            (1e6, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e100, "1e+100"),
            (0.1 + 0.2, "0.30000000000000004"),
            (f64::INFINITY, "+inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (-2.5, "-2.5"),
        ];
        for (f, want) in cases {
            assert_eq!(format_float(f), want, "{f:?}");
        }
    }

    #[test]
    fn reprs() {
        let l = Value::list(vec![Value::Int(1), Value::str("a\"b\n"), Value::None]);
        assert_eq!(l.repr(), r#"[1, "a\"b\n", None]"#);
        assert_eq!(Value::tuple(vec![Value::Int(1)]).repr(), "(1,)");
        assert_eq!(Value::tuple(vec![]).repr(), "()");
        assert_eq!(
            Value::Bytes(super::super::Bytes::new(b"a\xff\xc3\xa9")).repr(),
            r#"b"a\xffé""#
        );
        assert_eq!(Value::str("é").to_str(), "é");
        let d = Value::dict();
        d.as_dict()
            .unwrap()
            .insert(Value::str("k"), Value::Bool(true))
            .unwrap();
        assert_eq!(d.repr(), r#"{"k": True}"#);
    }

    #[test]
    fn cycles_print_as_dots() {
        let l = Value::list(vec![Value::Int(1)]);
        l.as_list().unwrap().push(l.clone()).unwrap();
        assert_eq!(l.repr(), "[1, [...]]");
        // A cycle the host made is the host's to break (no module collects it).
        l.as_list().unwrap().borrow_mut("clear").unwrap().clear();
    }
}

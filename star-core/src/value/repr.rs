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
        self.write_repr(&mut out);
        out
    }

    /// `repr(x)`, or the memory or size limit's error if the text would pass it (or
    /// the deadline's, for a big int too long to convert in the time left).
    pub(crate) fn checked_repr(&self) -> crate::Result<String> {
        if let Value::BigInt(b) = self {
            use crate::eval::limits::{costly, Work};
            let units = Work::Decimal.units(b.bits(), b.bits());
            let s = costly(Work::Decimal, units, || b.to_string())?;
            memory::reserve_result(Shape::Str, s.len())?;
            return Ok(s);
        }
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
        match self {
            Value::Tuple(_) | Value::List(_) | Value::Dict(_) | Value::Set(_) | Value::Host(_) => {
                Printer::default().repr(self, out)
            }
            _ => simple(self, out),
        }
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

thread_local! {
    /// The lists, dicts and host values being printed on this thread (their
    /// addresses), shared by the nested printers a host value's `repr` starts, so that
    /// a cycle through a host value is cut too.
    static PATH: std::cell::RefCell<rustc_hash::FxHashSet<usize>> =
        std::cell::RefCell::new(rustc_hash::FxHashSet::default());
}

/// Prints values without recursion: a work stack of the containers being printed,
/// each with its position, so a value nested millions of levels deep prints in time
/// linear in its size. A container already being printed (a cycle) prints as `[...]`,
/// `{...}` or `...`; the check is a hash-set lookup, not a scan of the path.
struct Printer {
    /// Past this length, containers print no more elements (see [`Value::repr`]).
    budget: usize,
    /// The containers this printer entered and has not left (for the shared path).
    entered: Vec<usize>,
}

impl Default for Printer {
    fn default() -> Self {
        Printer {
            budget: memory::text_budget(),
            entered: Vec::new(),
        }
    }
}

impl Drop for Printer {
    fn drop(&mut self) {
        // Normally empty; not after a host value's `repr` panicked.
        if !self.entered.is_empty() {
            let _ = PATH.try_with(|p| {
                let mut p = p.borrow_mut();
                self.entered.iter().for_each(|a| {
                    p.remove(a);
                });
            });
        }
    }
}

/// A container being printed, and how far.
enum Frame {
    Seq {
        items: Value,
        i: usize,
        close: &'static str,
    },
    Dict {
        d: Value,
        pos: usize,
        /// The key at `pos` was printed; its value is next.
        value_next: bool,
        /// An entry was printed (the next needs a separator).
        started: bool,
    },
    Set {
        s: Value,
        pos: usize,
        started: bool,
    },
}

impl Frame {
    /// Whether the container is on the path (lists and dicts, which can contain
    /// themselves).
    fn on_path(&self) -> bool {
        matches!(
            self,
            Frame::Seq {
                items: Value::List(_),
                ..
            } | Frame::Dict { .. }
        )
    }
}

/// What printing the next part of a container gives.
enum Next {
    /// A value to print (a container or host value; simpler ones are printed at once).
    Value(Value),
    /// The container is done.
    Done,
    /// Text was printed; go on.
    Printed,
}

impl Printer {
    /// Enters a container; if it is already being printed, prints `cut` instead.
    fn enter(&mut self, addr: usize, cut: &str, out: &mut String) -> bool {
        if !PATH.with(|p| p.borrow_mut().insert(addr)) {
            out.push_str(cut);
            return false;
        }
        self.entered.push(addr);
        true
    }

    fn leave(&mut self) {
        if let Some(a) = self.entered.pop() {
            PATH.with(|p| p.borrow_mut().remove(&a));
        }
    }

    fn repr(&mut self, v: &Value, out: &mut String) {
        let mut stack: Vec<Frame> = Vec::new();
        self.start(v, out, &mut stack);
        while let Some(top) = stack.last_mut() {
            if out.len() > self.budget {
                // Over the limits: stop here (the caller reports the limit).
                for f in stack.drain(..) {
                    if f.on_path() {
                        self.leave();
                    }
                }
                return;
            }
            match next(top, out) {
                Next::Value(v) => self.start(&v, out, &mut stack),
                Next::Printed => {}
                Next::Done => {
                    if stack.pop().is_some_and(|f| f.on_path()) {
                        self.leave();
                    }
                }
            }
        }
    }

    /// Prints `v` if it is simple; otherwise opens it (a frame on `stack`).
    fn start(&mut self, v: &Value, out: &mut String, stack: &mut Vec<Frame>) {
        match v {
            Value::Tuple(t) => {
                out.push('(');
                let close = if t.len() == 1 { ",)" } else { ")" };
                stack.push(Frame::Seq {
                    items: v.clone(),
                    i: 0,
                    close,
                });
            }
            Value::List(l) => {
                if self.enter(triomphe::Arc::as_ptr(l) as usize, "[...]", out) {
                    out.push('[');
                    stack.push(Frame::Seq {
                        items: v.clone(),
                        i: 0,
                        close: "]",
                    });
                }
            }
            Value::Dict(d) => {
                if self.enter(triomphe::Arc::as_ptr(d) as usize, "{...}", out) {
                    out.push('{');
                    stack.push(Frame::Dict {
                        d: v.clone(),
                        pos: 0,
                        value_next: false,
                        started: false,
                    });
                }
            }
            Value::Set(_) => {
                out.push_str("set([");
                stack.push(Frame::Set {
                    s: v.clone(),
                    pos: 0,
                    started: false,
                });
            }
            Value::Host(h) => {
                if self.enter(h.addr(), "...", out) {
                    // A host value prints itself, calling back for what it holds (with
                    // this thread's path): that recursion is through host types only,
                    // and grows the stack if it must.
                    crate::native_stack::maybe_grow(64 << 10, 1 << 20, || h.get().repr(out));
                    self.leave();
                }
            }
            _ => simple(v, out),
        }
    }
}

/// The next part of a container: its next element (printed at once when simple), or
/// its end (with the closing bracket).
fn next(frame: &mut Frame, out: &mut String) -> Next {
    // Only containers and host values are cloned (to be opened); the rest print here.
    fn give(v: &Value, out: &mut String) -> Next {
        match v {
            Value::Tuple(_) | Value::List(_) | Value::Dict(_) | Value::Set(_) | Value::Host(_) => {
                Next::Value(v.clone())
            }
            _ => {
                simple(v, out);
                Next::Printed
            }
        }
    }
    fn item(items: &[Value], i: &mut usize, close: &str, out: &mut String) -> Next {
        match items.get(*i) {
            Some(v) => {
                if *i > 0 {
                    out.push_str(", ");
                }
                *i += 1;
                give(v, out)
            }
            None => {
                out.push_str(close);
                Next::Done
            }
        }
    }
    match frame {
        Frame::Seq { items, i, close } => match items {
            Value::Tuple(t) => item(t, i, close, out),
            Value::List(l) => item(&l.borrow(), i, close, out),
            _ => Next::Done,
        },
        Frame::Dict {
            d,
            pos,
            value_next,
            started,
        } => {
            let Value::Dict(d) = d else { return Next::Done };
            let map = d.borrow();
            match map.entry_from(*pos) {
                Some((at, k, v)) => {
                    if *value_next {
                        *value_next = false;
                        *pos = at + 1;
                        out.push_str(": ");
                        give(v, out)
                    } else {
                        if *started {
                            out.push_str(", ");
                        }
                        *started = true;
                        *pos = at;
                        *value_next = true;
                        give(k.value(), out)
                    }
                }
                None => {
                    out.push('}');
                    Next::Done
                }
            }
        }
        Frame::Set { s, pos, started } => {
            let Value::Set(s) = s else { return Next::Done };
            let items = s.borrow();
            match items.entry_from(*pos) {
                Some((at, k)) => {
                    if *started {
                        out.push_str(", ");
                    }
                    *started = true;
                    *pos = at + 1;
                    give(k.value(), out)
                }
                None => {
                    out.push_str("])");
                    Next::Done
                }
            }
        }
    }
}

/// Prints a value that holds no other values.
fn simple(v: &Value, out: &mut String) {
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
        Value::Tuple(_) | Value::List(_) | Value::Dict(_) | Value::Set(_) | Value::Host(_) => {}
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

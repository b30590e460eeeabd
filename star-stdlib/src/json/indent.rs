//! `json.indent`: pretty-printing JSON text, checked by a scanner that accepts and
//! rejects what Go's `encoding/json` scanner does, with its messages (`invalid character
//! 'x' looking for beginning of value`, `unexpected end of JSON input`).
//!
//! The scanner is a state machine fed one byte at a time. Each byte is classified
//! (space to drop, punctuation, part of a literal, or an error); the indenter drops the
//! spaces between tokens, and starts a new line (prefix, then one indent a level) after
//! an opening bracket that is not immediately closed, after each comma, and before each
//! closing bracket of a non-empty container. Leading spaces are dropped; trailing spaces
//! are kept, as the reference keeps them. Nesting deeper than 10000 is an error.

/// The maximum nesting of arrays and objects (as in Go's scanner).
const MAX_DEPTH: usize = 10000;

/// `c` as Go's `%q` formats a byte, which is the character U+00XX quoted as a rune
/// literal: `'a'`, `'\''`, `'\n'`, `'\x01'`, `'\u0085'`, `'é'`.
pub(crate) fn go_quote_char(c: u8) -> String {
    let ch = char::from(c);
    match c {
        b'\'' => r"'\''".into(),
        b'\\' => r"'\\'".into(),
        0x07 => r"'\a'".into(),
        0x08 => r"'\b'".into(),
        0x0c => r"'\f'".into(),
        b'\n' => r"'\n'".into(),
        b'\r' => r"'\r'".into(),
        b'\t' => r"'\t'".into(),
        0x0b => r"'\v'".into(),
        0x00..=0x1f | 0x7f => format!(r"'\x{c:02x}'"),
        // Not printable: the C1 controls, no-break space and soft hyphen.
        0x80..=0xa0 | 0xad => format!(r"'\u{:04x}'", c as u32),
        _ => format!("'{ch}'"),
    }
}

/// A syntax error at byte `c`, as Go's scanner words it.
pub(crate) fn string_error(c: u8, context: &str) -> String {
    format!("invalid character {} {context}", go_quote_char(c))
}

/// What the scanner made of a byte.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    /// Inside a literal (a string, number or word) after its first byte.
    Continue,
    /// The first byte of a literal.
    BeginLiteral,
    BeginObject,
    /// The `:` after a key.
    ObjectKey,
    /// The `,` after a member.
    ObjectValue,
    EndObject,
    BeginArray,
    /// The `,` after an element.
    ArrayValue,
    EndArray,
    /// A space between tokens.
    SkipSpace,
    /// A byte after the top-level value (only spaces are allowed).
    End,
}

/// What a container expects next.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    ObjectKey,
    ObjectValue,
    ArrayValue,
}

/// Where the scanner is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    BeginValue,
    /// After `[`.
    BeginValueOrEmpty,
    /// After `{`.
    BeginStringOrEmpty,
    /// After `,` in an object.
    BeginString,
    InString,
    InStringEsc,
    /// In `\u`, with this many hex digits read.
    InStringHex(u8),
    /// After a leading `-`.
    Neg,
    /// After a leading `0`.
    Zero,
    /// In the digits of a number not starting with 0.
    Digits,
    /// After the decimal point.
    Dot,
    /// In the digits after the decimal point.
    DotDigits,
    /// After `e` or `E`.
    Exp,
    /// After the exponent's sign.
    ExpSign,
    /// In the digits of the exponent.
    ExpDigits,
    /// In `true`, `false` or `null`, at this many bytes in.
    Word(&'static [u8], u8),
    EndValue,
    EndTop,
}

struct Scanner {
    state: State,
    stack: Vec<Frame>,
    end_top: bool,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

impl Scanner {
    fn new() -> Scanner {
        Scanner {
            state: State::BeginValue,
            stack: Vec::new(),
            end_top: false,
        }
    }

    fn push(&mut self, c: u8, frame: Frame, op: Op) -> Result<Op, String> {
        self.stack.push(frame);
        if self.stack.len() > MAX_DEPTH {
            return Err(string_error(c, "exceeded max depth"));
        }
        Ok(op)
    }

    fn pop(&mut self) {
        self.stack.pop();
        if self.stack.is_empty() {
            self.state = State::EndTop;
            self.end_top = true;
        } else {
            self.state = State::EndValue;
        }
    }

    /// Feeds one byte.
    fn step(&mut self, c: u8) -> Result<Op, String> {
        match self.state {
            State::BeginValue => self.begin_value(c),
            State::BeginValueOrEmpty => {
                if is_space(c) {
                    Ok(Op::SkipSpace)
                } else if c == b']' {
                    self.end_value(c)
                } else {
                    self.begin_value(c)
                }
            }
            State::BeginStringOrEmpty => {
                if is_space(c) {
                    Ok(Op::SkipSpace)
                } else if c == b'}' {
                    if let Some(top) = self.stack.last_mut() {
                        *top = Frame::ObjectValue;
                    }
                    self.end_value(c)
                } else {
                    self.begin_string(c)
                }
            }
            State::BeginString => self.begin_string(c),
            State::InString => {
                match c {
                    b'"' => self.state = State::EndValue,
                    b'\\' => self.state = State::InStringEsc,
                    0..0x20 => return Err(string_error(c, "in string literal")),
                    _ => {}
                }
                Ok(Op::Continue)
            }
            State::InStringEsc => match c {
                b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => {
                    self.state = State::InString;
                    Ok(Op::Continue)
                }
                b'u' => {
                    self.state = State::InStringHex(0);
                    Ok(Op::Continue)
                }
                _ => Err(string_error(c, "in string escape code")),
            },
            State::InStringHex(n) => {
                if !c.is_ascii_hexdigit() {
                    return Err(string_error(c, "in \\u hexadecimal character escape"));
                }
                self.state = if n == 3 {
                    State::InString
                } else {
                    State::InStringHex(n + 1)
                };
                Ok(Op::Continue)
            }
            State::Neg => match c {
                b'0' => {
                    self.state = State::Zero;
                    Ok(Op::Continue)
                }
                b'1'..=b'9' => {
                    self.state = State::Digits;
                    Ok(Op::Continue)
                }
                _ => Err(string_error(c, "in numeric literal")),
            },
            State::Digits if c.is_ascii_digit() => Ok(Op::Continue),
            State::Zero | State::Digits => match c {
                b'.' => {
                    self.state = State::Dot;
                    Ok(Op::Continue)
                }
                b'e' | b'E' => {
                    self.state = State::Exp;
                    Ok(Op::Continue)
                }
                _ => self.end_value(c),
            },
            State::Dot => {
                if !c.is_ascii_digit() {
                    return Err(string_error(c, "after decimal point in numeric literal"));
                }
                self.state = State::DotDigits;
                Ok(Op::Continue)
            }
            State::DotDigits => match c {
                b'0'..=b'9' => Ok(Op::Continue),
                b'e' | b'E' => {
                    self.state = State::Exp;
                    Ok(Op::Continue)
                }
                _ => self.end_value(c),
            },
            State::Exp if c == b'+' || c == b'-' => {
                self.state = State::ExpSign;
                Ok(Op::Continue)
            }
            State::Exp | State::ExpSign => {
                if !c.is_ascii_digit() {
                    return Err(string_error(c, "in exponent of numeric literal"));
                }
                self.state = State::ExpDigits;
                Ok(Op::Continue)
            }
            State::ExpDigits if c.is_ascii_digit() => Ok(Op::Continue),
            State::ExpDigits => self.end_value(c),
            State::Word(word, n) => {
                let want = word[n as usize];
                if c != want {
                    let name = std::str::from_utf8(word).unwrap_or_default();
                    return Err(string_error(
                        c,
                        &format!("in literal {name} (expecting {})", go_quote_char(want)),
                    ));
                }
                self.state = if n as usize + 1 == word.len() {
                    State::EndValue
                } else {
                    State::Word(word, n + 1)
                };
                Ok(Op::Continue)
            }
            State::EndValue => self.end_value(c),
            State::EndTop => self.end_top(c),
        }
    }

    fn begin_value(&mut self, c: u8) -> Result<Op, String> {
        if is_space(c) {
            return Ok(Op::SkipSpace);
        }
        let (state, op) = match c {
            b'{' => {
                self.state = State::BeginStringOrEmpty;
                return self.push(c, Frame::ObjectKey, Op::BeginObject);
            }
            b'[' => {
                self.state = State::BeginValueOrEmpty;
                return self.push(c, Frame::ArrayValue, Op::BeginArray);
            }
            b'"' => (State::InString, Op::BeginLiteral),
            b'-' => (State::Neg, Op::BeginLiteral),
            b'0' => (State::Zero, Op::BeginLiteral),
            b'1'..=b'9' => (State::Digits, Op::BeginLiteral),
            b't' => (State::Word(b"true", 1), Op::BeginLiteral),
            b'f' => (State::Word(b"false", 1), Op::BeginLiteral),
            b'n' => (State::Word(b"null", 1), Op::BeginLiteral),
            _ => return Err(string_error(c, "looking for beginning of value")),
        };
        self.state = state;
        Ok(op)
    }

    fn begin_string(&mut self, c: u8) -> Result<Op, String> {
        if is_space(c) {
            return Ok(Op::SkipSpace);
        }
        if c == b'"' {
            self.state = State::InString;
            return Ok(Op::BeginLiteral);
        }
        Err(string_error(
            c,
            "looking for beginning of object key string",
        ))
    }

    fn end_value(&mut self, c: u8) -> Result<Op, String> {
        let Some(&frame) = self.stack.last() else {
            self.state = State::EndTop;
            self.end_top = true;
            return self.end_top(c);
        };
        if is_space(c) {
            self.state = State::EndValue;
            return Ok(Op::SkipSpace);
        }
        let top = self.stack.len() - 1;
        match frame {
            Frame::ObjectKey => {
                if c == b':' {
                    self.stack[top] = Frame::ObjectValue;
                    self.state = State::BeginValue;
                    return Ok(Op::ObjectKey);
                }
                Err(string_error(c, "after object key"))
            }
            Frame::ObjectValue => match c {
                b',' => {
                    self.stack[top] = Frame::ObjectKey;
                    self.state = State::BeginString;
                    Ok(Op::ObjectValue)
                }
                b'}' => {
                    self.pop();
                    Ok(Op::EndObject)
                }
                _ => Err(string_error(c, "after object key:value pair")),
            },
            Frame::ArrayValue => match c {
                b',' => {
                    self.state = State::BeginValue;
                    Ok(Op::ArrayValue)
                }
                b']' => {
                    self.pop();
                    Ok(Op::EndArray)
                }
                _ => Err(string_error(c, "after array element")),
            },
        }
    }

    fn end_top(&mut self, c: u8) -> Result<Op, String> {
        if !is_space(c) {
            return Err(string_error(c, "after top-level value"));
        }
        Ok(Op::End)
    }

    /// The end of the input: an error unless a whole value was read.
    fn eof(&mut self) -> Result<(), String> {
        if self.end_top {
            return Ok(());
        }
        // A space ends a number or reveals an unfinished word.
        self.step(b' ')?;
        if self.end_top {
            return Ok(());
        }
        Err("unexpected end of JSON input".into())
    }
}

/// Starts a new line: the prefix, then `depth` copies of the indent.
fn newline(out: &mut Vec<u8>, prefix: &[u8], indent: &[u8], depth: usize) {
    out.push(b'\n');
    out.extend_from_slice(prefix);
    if !indent.is_empty() {
        for _ in 0..depth {
            out.extend_from_slice(indent);
        }
    }
}

/// Pretty-prints the JSON text `src`, or says why it is not JSON.
pub(crate) fn indent(src: &[u8], prefix: &[u8], indent: &[u8]) -> Result<Vec<u8>, String> {
    let mut scan = Scanner::new();
    let mut out = Vec::with_capacity(src.len() * 2);
    let mut need_indent = false;
    let mut depth = 0usize;
    for &c in src {
        let op = scan.step(c)?;
        if op == Op::SkipSpace {
            continue;
        }
        if need_indent && op != Op::EndObject && op != Op::EndArray {
            // The first element of a non-empty container.
            need_indent = false;
            depth += 1;
            newline(&mut out, prefix, indent, depth);
        }
        if op == Op::Continue {
            out.push(c);
            continue;
        }
        match c {
            b'{' | b'[' => {
                // Wait for the next token, so that `{}` and `[]` stay as they are.
                need_indent = true;
                out.push(c);
            }
            b',' => {
                out.push(c);
                newline(&mut out, prefix, indent, depth);
            }
            b':' => out.extend_from_slice(b": "),
            b'}' | b']' => {
                if need_indent {
                    need_indent = false;
                } else {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, prefix, indent, depth);
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    scan.eof()?;
    Ok(out)
}

/// Checks that `src` is one JSON value (with spaces around it allowed).
#[cfg(test)]
pub(crate) fn check(src: &[u8]) -> Result<(), String> {
    let mut scan = Scanner::new();
    for &c in src {
        scan.step(c)?;
    }
    scan.eof()
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use super::*;

    fn ind(s: &str) -> Result<String, String> {
        indent(s.as_bytes(), b"", b"  ").map(|v| String::from_utf8(v).unwrap())
    }

    #[test]
    fn layout() {
        assert_eq!(ind(" [ ] ").unwrap(), "[] ");
        assert_eq!(ind("{}").unwrap(), "{}");
        assert_eq!(ind("1").unwrap(), "1");
        assert_eq!(
            ind(r#"{"a": [1, {}, [2]], "b" :"x, y"}"#).unwrap(),
            "{\n  \"a\": [\n    1,\n    {},\n    [\n      2\n    ]\n  ],\n  \"b\": \"x, y\"\n}"
        );
        let mut q = String::new();
        let _ = write!(q, "{}", go_quote_char(b'a'));
        assert_eq!(q, "'a'");
    }

    #[test]
    fn errors() {
        let cases = [
            ("", "unexpected end of JSON input"),
            ("[1,", "unexpected end of JSON input"),
            (
                "tru",
                "invalid character ' ' in literal true (expecting 'e')",
            ),
            (
                "trux",
                "invalid character 'x' in literal true (expecting 'e')",
            ),
            (
                "nul",
                "invalid character ' ' in literal null (expecting 'l')",
            ),
            ("!", "invalid character '!' looking for beginning of value"),
            ("[1 2]", "invalid character '2' after array element"),
            (
                "{1:2}",
                "invalid character '1' looking for beginning of object key string",
            ),
            (r#"{"a" 1}"#, "invalid character '1' after object key"),
            (
                r#"{"a":1 "b":2}"#,
                "invalid character '\"' after object key:value pair",
            ),
            ("1 2", "invalid character '2' after top-level value"),
            ("-x", "invalid character 'x' in numeric literal"),
            (
                "1.x",
                "invalid character 'x' after decimal point in numeric literal",
            ),
            (
                "1ex",
                "invalid character 'x' in exponent of numeric literal",
            ),
            ("01", "invalid character '1' after top-level value"),
            ("\"\\x\"", "invalid character 'x' in string escape code"),
            (
                "\"\\u12x\"",
                "invalid character 'x' in \\u hexadecimal character escape",
            ),
            ("\"\t\"", "invalid character '\\t' in string literal"),
        ];
        for (src, want) in cases {
            assert_eq!(ind(src).unwrap_err(), want, "{src:?}");
        }
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert_eq!(
            check(deep.as_bytes()).unwrap_err(),
            "invalid character '[' exceeded max depth"
        );
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(check(ok.as_bytes()).is_ok());
    }
}

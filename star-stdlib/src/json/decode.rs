//! `json.decode`: JSON text to a value.
//!
//! A recursive-descent reader over the bytes of the text, which fails where the
//! reference fails, with its messages and its offsets (`at offset 4, unexpected
//! character 'f' after value`): the offset is how far the reader had got, which for a
//! bad number is its end and for a bad escape the end of its string. Like the
//! reference it is lenient in two places that JSON is not: a string with neither a
//! backslash nor a non-ASCII byte is taken as it is (control characters included), and
//! a number is whatever Go's `strconv.ParseFloat` accepts once it has a `.`, `e`, `E` or
//! sign after its first character (so `1.` and `-.5` are floats). Unlike the reference,
//! it refuses nesting deeper than [`MAX_DEPTH`]. Unlike the reference,
//! it refuses nesting deeper than [`MAX_DEPTH`].

use num_bigint::BigInt;
use star_core::value::{ConvError, FromValue, Str};
use star_core::Value;

use super::indent::{go_quote_char, string_error};

/// The `default` argument of `decode`: absent, or a value (which may be `None`).
pub(crate) struct Fallback(Option<Value>);

impl Fallback {
    /// The value given, if any.
    pub(crate) fn into_value(self) -> Option<Value> {
        self.0
    }
}

impl<'a> FromValue<'a> for Fallback {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        Ok(Fallback(Some(v.clone())))
    }
    fn expected() -> String {
        "value".into()
    }
}

/// The absent `default` of `decode` (the name help shows: `default=Unset`).
pub(crate) struct Unset;

impl From<Unset> for Fallback {
    fn from(_: Unset) -> Fallback {
        Fallback(None)
    }
}

/// Decodes JSON text, or says why not (the message without the `json.decode: `
/// prefix).
pub(crate) fn decode(s: &[u8]) -> Result<Value, String> {
    let mut r = Reader { s, i: 0, depth: 0 };
    match r.document() {
        Ok(v) => Ok(v),
        Err(msg) => Err(format!("at offset {}, {msg}", r.i)),
    }
}

struct Reader<'a> {
    s: &'a [u8],
    /// The offset reached; failures are reported here.
    i: usize,
    /// The number of arrays and objects the reader is in.
    depth: usize,
}

/// The deepest nesting of arrays and objects `decode` accepts. The reference has no
/// limit, but values much deeper than this are beyond what the interpreter can freeze
/// or free without exhausting the stack, and its own limits (nesting in the parser,
/// depth of comparisons) are 1000.
pub(crate) const MAX_DEPTH: usize = 1000;

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

impl Reader<'_> {
    /// One value, then nothing but spaces.
    fn document(&mut self) -> Result<Value, String> {
        let v = self.value()?;
        if self.skip_space() {
            return Err(format!(
                "unexpected character {} after value",
                go_quote_char(self.s[self.i])
            ));
        }
        Ok(v)
    }

    /// Skips spaces; reports whether anything follows.
    fn skip_space(&mut self) -> bool {
        while self.i < self.s.len() && is_space(self.s[self.i]) {
            self.i += 1;
        }
        self.i < self.s.len()
    }

    /// The next byte that is not a space (not consumed).
    fn next(&mut self) -> Result<u8, String> {
        if self.skip_space() {
            Ok(self.s[self.i])
        } else {
            Err("unexpected end of file".into())
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        star_core::native_stack::maybe_grow(64 * 1024, 1024 * 1024, || self.value_inner())
    }

    /// Enters an array or object.
    fn enter(&mut self) -> Result<(), String> {
        if self.depth == MAX_DEPTH {
            return Err(format!("nesting exceeds {MAX_DEPTH} levels"));
        }
        self.depth += 1;
        Ok(())
    }

    fn value_inner(&mut self) -> Result<Value, String> {
        let b = self.next()?;
        match b {
            b'"' => return self.string(),
            b'n' | b't' | b'f' => {
                for (word, v) in [
                    (&b"null"[..], Value::None),
                    (b"true", Value::Bool(true)),
                    (b"false", Value::Bool(false)),
                ] {
                    if self.s[self.i..].starts_with(word) {
                        self.i += word.len();
                        return Ok(v);
                    }
                }
            }
            b'[' => return self.array(),
            b'{' => return self.object(),
            b'0'..=b'9' | b'-' => return self.number(),
            _ => {}
        }
        Err(format!("unexpected character {}", go_quote_char(b)))
    }

    fn array(&mut self) -> Result<Value, String> {
        let mut items = Vec::new();
        self.enter()?;
        self.i += 1; // '['
        if self.next()? != b']' {
            loop {
                items.push(self.value()?);
                let b = self.next()?;
                if b != b',' {
                    if b != b']' {
                        return Err(format!("got {}, want ',' or ']'", go_quote_char(b)));
                    }
                    break;
                }
                self.i += 1; // ','
            }
        }
        self.i += 1; // ']'
        self.depth -= 1;
        Ok(Value::list(items))
    }

    fn object(&mut self) -> Result<Value, String> {
        let dict = Value::dict();
        let d = dict.as_dict().expect("a new dict");
        self.enter()?;
        self.i += 1; // '{'
        if self.next()? != b'}' {
            loop {
                let key = self.value()?;
                if !matches!(key, Value::Str(_)) {
                    return Err(format!(
                        "got {} for object key, want string",
                        key.type_name()
                    ));
                }
                let b = self.next()?;
                if b != b':' {
                    // The reference's message ends with a space.
                    return Err(format!(
                        "after object key, got {}, want ':' ",
                        go_quote_char(b)
                    ));
                }
                self.i += 1; // ':'
                let v = self.value()?;
                d.insert(key, v).map_err(|e| e.message().to_string())?;
                let b = self.next()?;
                if b != b',' {
                    if b != b'}' {
                        return Err(format!(
                            "in object, got {}, want ',' or '}}'",
                            go_quote_char(b)
                        ));
                    }
                    break;
                }
                self.i += 1; // ','
            }
        }
        self.i += 1; // '}'
        self.depth -= 1;
        Ok(dict)
    }

    fn string(&mut self) -> Result<Value, String> {
        // Find the closing quote (a backslash hides the byte after it), noting whether
        // the contents can be taken as they are.
        let s = self.s;
        let mut plain = true;
        let mut j = self.i + 1;
        let mut closed = false;
        while j < s.len() {
            match s[j] {
                b'\\' => {
                    plain = false;
                    j += 1;
                }
                b'"' => {
                    closed = true;
                    j += 1;
                    break;
                }
                b if b >= 0x80 => plain = false,
                _ => {}
            }
            j += 1;
        }
        if !closed {
            return Err("unclosed string literal".into());
        }
        let literal = &s[self.i..j];
        self.i = j;
        let body = &literal[1..literal.len() - 1];
        if plain {
            return Ok(Value::Str(Str::from_bytes(body)));
        }
        check_string(body)?;
        Ok(Value::Str(Str::from_bytes(&unquote(body))))
    }

    fn number(&mut self) -> Result<Value, String> {
        let s = self.s;
        let start = self.i;
        let mut float = false;
        let mut j = start + 1;
        while j < s.len() {
            match s[j] {
                b'0'..=b'9' => {}
                b'.' | b'e' | b'E' | b'+' | b'-' => float = true,
                _ => break,
            }
            j += 1;
        }
        self.i = j;
        let num = &s[start..j];
        // Only ASCII was taken.
        let text = std::str::from_utf8(num).unwrap_or_default();
        let invalid = || format!("invalid number: {text}");
        // JSON, unlike C, has no leading zeros.
        let digits = text.strip_prefix('-').unwrap_or(text).as_bytes();
        if digits.is_empty() || (digits[0] == b'0' && digits.get(1).is_some_and(u8::is_ascii_digit))
        {
            return Err(invalid());
        }
        if float {
            // Rust's float syntax agrees with Go's on these characters; out of range is
            // an error in Go, infinity in Rust.
            return match text.parse::<f64>() {
                Ok(f) if f.is_finite() => Ok(Value::Float(f)),
                _ => Err(invalid()),
            };
        }
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Value::Int(i));
        }
        match BigInt::parse_bytes(num, 10) {
            Some(b) => Ok(Value::from_bigint(b)),
            None => Err(invalid()),
        }
    }
}

/// Checks the contents of a string literal as Go's JSON scanner does: no control
/// characters, only the JSON escapes, four hex digits after `\u`.
fn check_string(body: &[u8]) -> Result<(), String> {
    let mut k = 0;
    while k < body.len() {
        let c = body[k];
        if c < 0x20 {
            return Err(string_error(c, "in string literal"));
        }
        k += 1;
        if c != b'\\' {
            continue;
        }
        // The closing quote cannot be escaped, so an escape is never last.
        let e = body[k];
        k += 1;
        match e {
            b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => {}
            b'u' => {
                for _ in 0..4 {
                    // A `\u` too near the end meets the closing quote.
                    let h = body.get(k).copied().unwrap_or(b'"');
                    if !h.is_ascii_hexdigit() {
                        return Err(string_error(h, "in \\u hexadecimal character escape"));
                    }
                    k += 1;
                }
            }
            _ => return Err(string_error(e, "in string escape code")),
        }
    }
    Ok(())
}

/// The four hex digits of a `\uXXXX` at the start of `b`, if there is one.
fn u4(b: &[u8]) -> Option<u32> {
    if b.len() < 6 || b[0] != b'\\' || b[1] != b'u' {
        return None;
    }
    let hex = std::str::from_utf8(&b[2..6]).ok()?;
    u32::from_str_radix(hex, 16).ok()
}

/// Appends raw bytes, each byte of invalid UTF-8 becoming U+FFFD (as Go decodes).
fn push_text(out: &mut Vec<u8>, raw: &[u8]) {
    for chunk in raw.utf8_chunks() {
        out.extend_from_slice(chunk.valid().as_bytes());
        for _ in chunk.invalid() {
            out.extend_from_slice("\u{fffd}".as_bytes());
        }
    }
}

fn push_char(out: &mut Vec<u8>, c: char) {
    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
}

/// The text of checked string contents: escapes decoded (a surrogate pair becomes one
/// character, a lone surrogate U+FFFD), invalid UTF-8 replaced.
fn unquote(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut k = 0;
    let mut run = 0; // the start of the raw bytes not yet copied
    while k < body.len() {
        if body[k] != b'\\' {
            k += 1;
            continue;
        }
        push_text(&mut out, &body[run..k]);
        let e = body[k + 1];
        k += 2;
        match e {
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'u' => {
                let hi = u4(&body[k - 2..]).unwrap_or(0xfffd);
                k += 4;
                let c = if (0xd800..0xe000).contains(&hi) {
                    match u4(&body[k..]) {
                        Some(lo) if hi < 0xdc00 && (0xdc00..0xe000).contains(&lo) => {
                            k += 6;
                            char::from_u32(0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00))
                        }
                        _ => None,
                    }
                } else {
                    char::from_u32(hi)
                };
                push_char(&mut out, c.unwrap_or('\u{fffd}'));
            }
            other => out.push(other), // '"', '\\', '/'
        }
        run = k;
    }
    push_text(&mut out, &body[run..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        decode(s.as_bytes()).unwrap().repr()
    }

    fn err(s: &[u8]) -> String {
        decode(s).unwrap_err()
    }

    #[test]
    fn values() {
        assert_eq!(ok(" null "), "None");
        assert_eq!(ok("[true,false, [] ,{}]"), "[True, False, [], {}]");
        assert_eq!(ok("-0"), "0");
        assert_eq!(ok("1."), "1.0");
        assert_eq!(ok("-.5"), "-0.5");
        assert_eq!(ok("1e-400"), "0.0");
        assert_eq!(ok("12345678901234567890123"), "12345678901234567890123");
        assert_eq!(ok(r#"{"a":1,"b":2,"a":3}"#), r#"{"a": 3, "b": 2}"#);
        assert_eq!(ok(r#""\u00e9\/\"\\\b\f\n\r\t""#), r#""é/\"\\\b\f\n\r\t""#);
    }

    #[test]
    fn strings_decode_as_go() {
        // A lone surrogate, a reversed pair, a high surrogate before a non-escape.
        assert_eq!(ok(r#""\ud83d""#), r#""�""#);
        assert_eq!(ok(r#""\ude39\ud83d""#), r#""��""#);
        assert_eq!(ok(r#""\ud83dx""#), r#""�x""#);
        assert_eq!(ok(r#""\ud83d\u0041""#), r#""�A""#);
        // Invalid UTF-8: one U+FFFD a byte.
        let v = decode(b"\"\xe2\x82\\n\"").unwrap();
        assert_eq!(v.to_str(), "\u{fffd}\u{fffd}\n");
        // The plain path keeps bytes, control characters included.
        let v = decode(b"\"a\x01b\"").unwrap();
        assert_eq!(v.as_str().unwrap().as_bytes(), b"a\x01b");
    }

    #[test]
    fn errors_and_offsets() {
        assert_eq!(err(b""), "at offset 0, unexpected end of file");
        assert_eq!(err(b"nul"), "at offset 0, unexpected character 'n'");
        assert_eq!(
            err(b"\"\\u12\""),
            "at offset 6, invalid character '\"' in \\u hexadecimal character escape"
        );
        assert_eq!(
            err(b"\"\xc3\xa9\x01\""),
            "at offset 5, invalid character '\\x01' in string literal"
        );
        assert_eq!(
            err(b"\"\\'\""),
            "at offset 4, invalid character '\\'' in string escape code"
        );
        assert_eq!(err(b"\xc3"), "at offset 0, unexpected character '\u{c3}'");
        assert_eq!(err(b"\x7f"), "at offset 0, unexpected character '\\x7f'");
        assert_eq!(err(b"\x85"), "at offset 0, unexpected character '\\u0085'");
        assert_eq!(
            err(b"{1:2}"),
            "at offset 2, got int for object key, want string"
        );
        assert_eq!(err(b"1e400"), "at offset 5, invalid number: 1e400");
        assert_eq!(err(b"1e"), "at offset 2, invalid number: 1e");
        assert_eq!(err(b"[1,\n"), "at offset 4, unexpected end of file");
    }
}

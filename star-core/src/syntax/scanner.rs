//! The push-based scanner: bytes in, tokens out, whatever the cut of the input.
//!
//! Text reaches the scanner in chunks cut at arbitrary byte offsets (inside a UTF-8
//! character, a token, an escape sequence or a `\r\n` pair). [`Scanner::push`] appends a
//! chunk and emits every token whose extent is now *determined*; [`Scanner::finish`]
//! declares end of input and flushes the rest. Scanning a whole file is one `push`
//! followed by `finish`, and yields exactly the tokens any other cut would.
//!
//! # How the scanner stays linear
//!
//! A token is emitted only when the bytes that decide where it ends are present. If the
//! input runs out first, the scanner keeps the token's bytes buffered and records how far
//! it has already looked (a *prescan hint*): the run of identifier or number characters
//! seen so far, or for a string literal the position, escape state and count of
//! consecutive quotes. When the next chunk arrives the prescan resumes from that point,
//! so every byte is examined a bounded number of times; a token is decoded exactly once,
//! when it is complete. Layout state (indentation being measured, a comment being
//! skipped, a `\r` whose `\n` may follow) lives in fields, not in the buffer. The buffer
//! is compacted only once its consumed prefix outweighs the rest, so compaction is
//! amortised linear too.
//!
//! # Layout
//!
//! The rules follow the Starlark spec and the reference implementation: newlines inside
//! brackets and blank or comment-only lines produce nothing; a non-blank line at bracket
//! depth 0 ends with NEWLINE; a change of indentation produces INDENT or OUTDENTs before
//! the line's first token, with tabs advancing to the next multiple of 8 columns; at end
//! of input a NEWLINE (if needed) and the pending OUTDENTs precede EOF. `\r\n` and a lone
//! `\r` count as one newline everywhere. Lexical errors become [`TokenKind::Error`]
//! tokens in stream order, and scanning goes on after them.

use num_bigint::BigInt;
use num_traits::Num;

use super::token::{Name, Pos, Span, Token, TokenKind, TokenValue};

/// Options that change what the scanner accepts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanOptions {
    /// Recognise `f"..."` f-string literals.
    pub fstrings: bool,
}

/// Where a string literal's prescan stopped, so it can resume without looking back.
#[derive(Clone, Copy, Debug)]
struct StringScan {
    /// Index (into the current window) just past the opening quote(s).
    body: usize,
    /// Index of the next byte to examine.
    next: usize,
    quote: u8,
    triple: bool,
    /// The previous byte was an unescaped backslash.
    escaped: bool,
    /// The previous byte was an escaped `\r`, whose `\n` belongs to the escape.
    escaped_cr: bool,
    /// Count of consecutive closing quotes just seen (triple-quoted strings).
    quotes: u8,
}

/// The state of a token whose end is not yet determined.
#[derive(Clone, Copy, Debug)]
enum Pending {
    /// Nothing pending: the next byte starts something new.
    None,
    /// A run of identifier or number characters, examined up to this window index,
    /// with the count of `.` and of exponent signs seen in it (a number has at most one
    /// of each, so a number run stops at the second: that keeps rescans bounded).
    Word(usize, u8, u8),
    /// A string literal being prescanned.
    Str(StringScan),
}

/// The outcome of one scanning step.
enum Step {
    /// Progress was made; scan again.
    Continue,
    /// The window is exhausted (or the remaining bytes do not yet decide anything).
    NeedMore,
    /// EOF has been emitted; nothing more will come.
    Done,
}

/// A push-based Starlark scanner. See the module documentation.
pub struct Scanner {
    opts: ScanOptions,
    /// Buffered, not yet consumed input (plus a consumed prefix awaiting compaction).
    buf: Vec<u8>,
    /// Index in `buf` of the first unconsumed byte.
    start: usize,
    /// Stream offset of `buf[0]`.
    base: u32,
    /// Position of the first unconsumed byte.
    pos: Pos,
    /// The last byte consumed was `\r`: a following `\n` is part of the same newline.
    after_cr: bool,
    eof: bool,
    done: bool,
    /// Bracket nesting depth.
    depth: u32,
    /// Stack of indentation columns; starts as `[0]`.
    indents: Vec<u32>,
    /// Pending INDENT (positive) or OUTDENT (negative) tokens.
    dents: i32,
    /// At the start of a line: indentation is being measured.
    line_start: bool,
    /// Indentation measured so far on the current line.
    indent_col: u32,
    /// The current line is blank (only whitespace or a comment).
    blank: bool,
    /// Inside a comment, skipping to the end of the line.
    in_comment: bool,
    /// A token has been emitted since the current line began.
    line_tokens: bool,
    pending: Pending,
}

impl Default for Scanner {
    fn default() -> Self {
        Scanner::new(ScanOptions::default())
    }
}

impl Scanner {
    /// A scanner at the start of an input.
    pub fn new(opts: ScanOptions) -> Scanner {
        Scanner::starting_at(opts, Pos::START)
    }

    /// A scanner whose input starts at `pos` (used to scan f-string expressions and
    /// chunks of test files with their original coordinates).
    pub fn starting_at(opts: ScanOptions, pos: Pos) -> Scanner {
        Scanner {
            opts,
            buf: Vec::new(),
            start: 0,
            base: pos.offset,
            pos,
            after_cr: false,
            eof: false,
            done: false,
            depth: 0,
            indents: vec![0],
            dents: 0,
            line_start: true,
            indent_col: 0,
            blank: false,
            in_comment: false,
            line_tokens: false,
            pending: Pending::None,
        }
    }

    /// A scanner for text that sits inside brackets (an f-string's `{...}`): newlines
    /// and indentation are insignificant in it.
    pub fn inside_brackets(opts: ScanOptions, pos: Pos) -> Scanner {
        let mut sc = Scanner::starting_at(opts, pos);
        sc.depth = 1;
        sc.line_start = false;
        sc
    }

    /// Scans a whole input at once.
    pub fn scan_all(opts: ScanOptions, src: &str) -> Vec<Token> {
        let mut sc = Scanner::new(opts);
        let mut out = Vec::new();
        sc.push(src.as_bytes(), &mut out);
        sc.finish(&mut out);
        out
    }

    /// The position of the first byte not yet consumed.
    pub fn position(&self) -> Pos {
        self.pos
    }

    /// Appends a chunk of input and emits every token it completes.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<Token>) {
        if self.done || chunk.is_empty() {
            return;
        }
        // Compact when the consumed prefix outweighs what is left (amortised O(1)).
        if self.start > 0 && self.start >= self.buf.len() - self.start {
            self.buf.drain(..self.start);
            self.rebase(self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(chunk);
        self.run(out);
    }

    /// Declares end of input: emits the remaining tokens, ending with EOF.
    pub fn finish(&mut self, out: &mut Vec<Token>) {
        self.eof = true;
        self.run(out);
    }

    /// Whether EOF has been emitted.
    pub fn is_done(&self) -> bool {
        self.done
    }

    fn rebase(&mut self, by: usize) {
        self.base += by as u32;
        self.pending = match self.pending {
            Pending::None => Pending::None,
            Pending::Word(i, d, s) => Pending::Word(i - by, d, s),
            Pending::Str(mut s) => {
                s.body -= by;
                s.next -= by;
                Pending::Str(s)
            }
        };
    }

    fn run(&mut self, out: &mut Vec<Token>) {
        while !self.done {
            let before = out.len();
            if self.plain() {
                self.fast(out);
            }
            let step = self.step(out);
            if out.len() > before {
                self.line_tokens = true;
            }
            match step {
                Step::Continue => {}
                Step::NeedMore | Step::Done => break,
            }
        }
    }

    /// The byte at window index `i`, if present.
    #[inline]
    fn at(&self, i: usize) -> Option<u8> {
        self.buf.get(i).copied()
    }

    /// Consumes `n` bytes, updating the position.
    fn advance(&mut self, n: usize) {
        let end = self.start + n;
        let mut pos = self.pos;
        let mut after_cr = self.after_cr;
        for &b in &self.buf[self.start..end] {
            match b {
                b'\n' => {
                    if !after_cr {
                        pos.line += 1;
                        pos.col = 1;
                    }
                    after_cr = false;
                }
                b'\r' => {
                    pos.line += 1;
                    pos.col = 1;
                    after_cr = true;
                }
                _ => {
                    if b & 0xC0 != 0x80 {
                        pos.col += 1;
                    }
                    after_cr = false;
                }
            }
        }
        pos.offset = self.base + end as u32;
        self.pos = pos;
        self.after_cr = after_cr;
        self.start = end;
    }

    fn emit(&self, out: &mut Vec<Token>, kind: TokenKind, start: Pos) {
        out.push(Token::new(kind, Span::new(start, self.pos)));
    }

    fn emit_error(&self, out: &mut Vec<Token>, span: Span, msg: impl Into<String>) {
        out.push(Token {
            kind: TokenKind::Error,
            span,
            value: TokenValue::Error(msg.into().into_boxed_str()),
        });
    }

    /// One step of the layout and token state machine.
    fn step(&mut self, out: &mut Vec<Token>) -> Step {
        // The '\n' of a "\r\n" pair was already counted with the '\r'.
        if self.after_cr {
            match self.at(self.start) {
                Some(b'\n') => {
                    self.start += 1;
                    self.pos.offset += 1;
                    self.after_cr = false;
                }
                Some(_) => self.after_cr = false,
                None if self.eof => self.after_cr = false,
                None => return Step::NeedMore,
            }
        }

        if self.line_start {
            self.line_tokens = false;
            // Measure indentation.
            loop {
                match self.at(self.start) {
                    Some(b' ') => {
                        self.indent_col += 1;
                        self.advance(1);
                    }
                    Some(b'\t') => {
                        self.indent_col += 8 - self.indent_col % 8;
                        self.advance(1);
                    }
                    Some(_) => break,
                    None if self.eof => break,
                    None => return Step::NeedMore,
                }
            }
            let c = self.at(self.start);
            self.blank = matches!(c, None | Some(b'#' | b'\n' | b'\r'));
            self.line_start = false;
            if !self.blank && self.depth == 0 {
                let col = self.indent_col;
                let cur = *self.indents.last().unwrap();
                if col > cur {
                    self.dents += 1;
                    self.indents.push(col);
                } else if col < cur {
                    while self.indents.len() > 1 && col < *self.indents.last().unwrap() {
                        self.dents -= 1;
                        self.indents.pop();
                    }
                    if col != *self.indents.last().unwrap() {
                        self.emit_error(
                            out,
                            Span::point(self.pos),
                            "unindent does not match any outer indentation level",
                        );
                    }
                }
            }
            self.indent_col = 0;
        }

        if self.dents != 0 {
            let kind = if self.dents < 0 {
                self.dents += 1;
                TokenKind::Outdent
            } else {
                self.dents -= 1;
                TokenKind::Indent
            };
            out.push(Token::new(kind, Span::point(self.pos)));
            return Step::Continue;
        }

        // Skip spaces and a comment.
        if !self.in_comment {
            loop {
                match self.at(self.start) {
                    Some(b' ' | b'\t') => self.advance(1),
                    Some(b'#') => {
                        self.in_comment = true;
                        break;
                    }
                    Some(_) => break,
                    None if self.eof => break,
                    None => return Step::NeedMore,
                }
            }
        }
        if self.in_comment {
            let rest = &self.buf[self.start..];
            match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(n) => {
                    self.advance(n);
                    self.in_comment = false;
                }
                None => {
                    let n = rest.len();
                    // Keep a trailing partial UTF-8 character out of the column count
                    // split: advance() counts by lead bytes, so splitting is harmless.
                    self.advance(n);
                    if !self.eof {
                        return Step::NeedMore;
                    }
                    self.in_comment = false;
                }
            }
        }

        let c = match self.at(self.start) {
            Some(c) => c,
            None if self.eof => return self.end_of_input(out),
            None => return Step::NeedMore,
        };

        // Newline.
        if c == b'\n' || c == b'\r' {
            self.line_start = true;
            if self.depth > 0 || self.blank {
                self.advance(1);
                return Step::Continue;
            }
            let start = self.pos;
            self.advance(1);
            self.emit(out, TokenKind::Newline, start);
            return Step::Continue;
        }

        // Line continuation.
        if c == b'\\' {
            match self.at(self.start + 1) {
                Some(b'\n' | b'\r') => {
                    self.advance(2);
                    return Step::Continue;
                }
                Some(_) => {
                    let start = self.pos;
                    self.advance(1);
                    self.emit_error(
                        out,
                        Span::new(start, self.pos),
                        "stray backslash in program",
                    );
                    return Step::Continue;
                }
                None if self.eof => {
                    let start = self.pos;
                    self.advance(1);
                    self.emit_error(
                        out,
                        Span::new(start, self.pos),
                        "stray backslash in program",
                    );
                    return Step::Continue;
                }
                None => return Step::NeedMore,
            }
        }

        self.token(out, c)
    }

    fn end_of_input(&mut self, out: &mut Vec<Token>) -> Step {
        if self.indents.len() > 1 {
            if !self.line_tokens {
                self.dents = 1 - self.indents.len() as i32;
                self.indents.truncate(1);
                return Step::Continue;
            }
            self.line_start = true;
            out.push(Token::new(TokenKind::Newline, Span::point(self.pos)));
            return Step::Continue;
        }
        out.push(Token::new(TokenKind::Eof, Span::point(self.pos)));
        self.done = true;
        self.buf = Vec::new();
        self.start = 0;
        Step::Done
    }

    /// Scans one token starting with byte `c` at `self.start`.
    fn token(&mut self, out: &mut Vec<Token>, c: u8) -> Step {
        use TokenKind as K;
        let i = self.start;
        if let Some(kind) = punctuation(c) {
            match kind {
                K::LParen | K::LBrack | K::LBrace => self.depth += 1,
                K::RParen | K::RBrack | K::RBrace if self.depth == 0 => {
                    let start = self.pos;
                    self.advance(1);
                    self.emit_error(
                        out,
                        Span::new(start, self.pos),
                        format!("unexpected '{}'", c as char),
                    );
                    return Step::Continue;
                }
                K::RParen | K::RBrack | K::RBrace => self.depth -= 1,
                _ => {}
            }
            return self.simple(out, kind, 1);
        }
        match c {
            b'"' | b'\'' => return self.string(out, 0),
            b'0'..=b'9' => return self.number(out),
            b'.' => {
                // A fraction like `.5`, or a plain dot.
                return match self.at(i + 1) {
                    Some(b'0'..=b'9') => self.number(out),
                    Some(_) => self.simple(out, K::Dot, 1),
                    None if self.eof => self.simple(out, K::Dot, 1),
                    None => Step::NeedMore,
                };
            }
            _ => {}
        }
        if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 {
            // String prefixes: r" b" rb" f".
            let prefix = match c {
                b'r' | b'b' | b'f' => {
                    let c1 = match self.at(i + 1) {
                        Some(c1) => Some(c1),
                        None if self.eof => None,
                        None => return Step::NeedMore,
                    };
                    match (c, c1) {
                        (b'r' | b'b', Some(b'"' | b'\'')) => 1,
                        (b'f', Some(b'"' | b'\'')) if self.opts.fstrings => 1,
                        (b'r', Some(b'b')) => match self.at(i + 2) {
                            Some(b'"' | b'\'') => 2,
                            Some(_) => 0,
                            None if self.eof => 0,
                            None => return Step::NeedMore,
                        },
                        _ => 0,
                    }
                }
                _ => 0,
            };
            if prefix > 0 {
                return self.string(out, prefix);
            }
            return self.ident(out);
        }
        match operator(&self.buf[i..], self.eof) {
            OpScan::Token(kind, len) => self.simple(out, kind, len),
            OpScan::NeedMore => Step::NeedMore,
            OpScan::NotOperator => {
                let start = self.pos;
                self.advance(1);
                let msg = if c == b'!' {
                    "unexpected input character '!'".to_string()
                } else {
                    format!("unexpected input character {:?}", c as char)
                };
                self.emit_error(out, Span::new(start, self.pos), msg);
                Step::Continue
            }
        }
    }

    /// Whether only the plain state is active: no layout work, no pending token.
    #[inline]
    fn plain(&self) -> bool {
        !self.line_start
            && self.dents == 0
            && !self.after_cr
            && !self.in_comment
            && matches!(self.pending, Pending::None)
    }

    /// The fast path for the common tokens of a line (ASCII names and keywords, decimal
    /// ints, punctuation, operators), taken while the state is plain. It stops, leaving
    /// the rest to [`Scanner::step`], at anything else and wherever the window does not
    /// yet decide a token's end, so both paths produce the same tokens.
    fn fast(&mut self, out: &mut Vec<Token>) {
        use TokenKind as K;
        let buf = &self.buf[..];
        let end = buf.len();
        let base = self.base;
        let line = self.pos.line;
        let mut i = self.start;
        let mut col = self.pos.col;
        let pos = |i: usize, col: u32| Pos {
            offset: base + i as u32,
            line,
            col,
        };
        loop {
            while i < end && (buf[i] == b' ' || buf[i] == b'\t') {
                i += 1;
                col += 1;
            }
            if i >= end {
                break;
            }
            let c = buf[i];
            if let Some(kind) = punctuation(c) {
                match kind {
                    K::LParen | K::LBrack | K::LBrace => self.depth += 1,
                    K::RParen | K::RBrack | K::RBrace if self.depth == 0 => break,
                    K::RParen | K::RBrack | K::RBrace => self.depth -= 1,
                    _ => {}
                }
                out.push(Token::new(
                    kind,
                    Span::new(pos(i, col), pos(i + 1, col + 1)),
                ));
                i += 1;
                col += 1;
                continue;
            }
            let (kind, len, value) = match c {
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                    let mut j = i + 1;
                    while j < end && (buf[j].is_ascii_alphanumeric() || buf[j] == b'_') {
                        j += 1;
                    }
                    if j >= end || buf[j] >= 0x80 || (j - i <= 2 && matches!(buf[j], b'"' | b'\''))
                    {
                        break; // undetermined, non-ASCII, or a string prefix
                    }
                    let word = &buf[i..j];
                    match keyword(word) {
                        Some(k) => (k, j - i, TokenValue::None),
                        None if is_reserved(word) => break,
                        None => {
                            // SAFETY-free: the bytes are ASCII, hence UTF-8.
                            let name = std::str::from_utf8(word).unwrap_or_default();
                            (K::Ident, j - i, TokenValue::Name(Name::new(name)))
                        }
                    }
                }
                b'0'..=b'9' => {
                    let mut j = i;
                    let mut v: u64 = 0;
                    while j < end && buf[j].is_ascii_digit() && v < (1 << 58) {
                        v = v * 10 + (buf[j] - b'0') as u64;
                        j += 1;
                    }
                    let plain_end = j < end
                        && !(buf[j].is_ascii_alphanumeric()
                            || matches!(buf[j], b'_' | b'.')
                            || buf[j] >= 0x80);
                    if !plain_end || (c == b'0' && j - i > 1) {
                        break; // floats, other radixes, huge or odd numbers
                    }
                    (K::Int, j - i, TokenValue::Int(v as i64))
                }
                b'"' | b'\'' => {
                    // A one-line string without escapes, ASCII, not triple-quoted.
                    let mut j = i + 1;
                    while j < end {
                        let b = buf[j];
                        if b == c || b == b'\\' || b == b'\n' || b == b'\r' || b >= 0x80 {
                            break;
                        }
                        j += 1;
                    }
                    if j >= end || buf[j] != c || j == i + 1 {
                        break; // escapes, non-ASCII, unterminated, or '' (maybe ''')
                    }
                    let body: Box<[u8]> = buf[i + 1..j].into();
                    (K::String, j + 1 - i, TokenValue::Str(body))
                }
                b'.' => match buf.get(i + 1) {
                    Some(d) if !d.is_ascii_digit() => (K::Dot, 1, TokenValue::None),
                    _ => break,
                },
                b'=' | b'!' | b'+' | b'-' | b'%' | b'&' | b'|' | b'^' | b'*' | b'<' | b'>'
                | b'/' => match operator(&buf[i..], false) {
                    OpScan::Token(k, len) => (k, len, TokenValue::None),
                    _ => break,
                },
                _ => break,
            };
            out.push(Token {
                kind,
                span: Span::new(pos(i, col), pos(i + len, col + len as u32)),
                value,
            });
            i += len;
            col += len as u32;
        }
        self.start = i;
        self.pos = pos(i, col);
    }

    fn simple(&mut self, out: &mut Vec<Token>, kind: TokenKind, len: usize) -> Step {
        let start = self.pos;
        self.advance(len);
        self.emit(out, kind, start);
        Step::Continue
    }

    /// Extends the pending word run (identifier or number characters) as far as the
    /// window allows. Returns the index just past the run, or `None` if the run reaches
    /// the end of the window before end of input.
    fn word_run(&mut self, number: bool) -> Option<usize> {
        let (mut j, mut dots, mut signs) = match self.pending {
            Pending::Word(j, d, s) => (j, d, s),
            _ => (self.start, 0, 0),
        };
        let buf = &self.buf;
        while j < buf.len() {
            let b = buf[j];
            let more = if b == b'_' || b.is_ascii_alphanumeric() || b >= 0x80 {
                true
            } else if number && b == b'.' {
                dots += 1;
                dots == 1
            } else if number
                && (b == b'+' || b == b'-')
                && j > self.start
                && matches!(buf[j - 1], b'e' | b'E')
            {
                signs += 1;
                signs == 1
            } else {
                false
            };
            if !more {
                self.pending = Pending::None;
                return Some(j);
            }
            j += 1;
        }
        if self.eof {
            self.pending = Pending::None;
            Some(j)
        } else {
            self.pending = Pending::Word(j, dots, signs);
            None
        }
    }

    fn ident(&mut self, out: &mut Vec<Token>) -> Step {
        let Some(end) = self.word_run(false) else {
            return Step::NeedMore;
        };
        let bytes = &self.buf[self.start..end];
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) if e.valid_up_to() > 0 => {
                // Scan the valid prefix now; the bad byte is reported next step.
                std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap()
            }
            Err(_) => {
                let start = self.pos;
                self.advance(1);
                self.emit_error(out, Span::new(start, self.pos), "invalid UTF-8 encoding");
                return Step::Continue;
            }
        };
        // Take identifier characters; a non-letter Unicode character ends the name.
        let mut len = 0;
        for (k, ch) in text.char_indices() {
            let ok = if k == 0 {
                ch == '_' || ch.is_alphabetic()
            } else {
                ch == '_' || ch.is_alphanumeric()
            };
            if !ok {
                break;
            }
            len = k + ch.len_utf8();
        }
        if len == 0 {
            let ch = text.chars().next().unwrap();
            let start = self.pos;
            self.advance(ch.len_utf8());
            self.emit_error(
                out,
                Span::new(start, self.pos),
                format!("unexpected input character {ch:?}"),
            );
            return Step::Continue;
        }
        let name = &text[..len];
        let start = self.pos;
        let tok = if let Some(kw) = keyword(name.as_bytes()) {
            Token::new(kw, Span::default())
        } else if is_reserved(name.as_bytes()) {
            Token {
                kind: TokenKind::Error,
                span: Span::default(),
                value: TokenValue::Error(format!("keyword {name} is reserved").into()),
            }
        } else {
            Token {
                kind: TokenKind::Ident,
                span: Span::default(),
                value: TokenValue::Name(Name::new(name)),
            }
        };
        self.advance(len);
        out.push(Token {
            span: Span::new(start, self.pos),
            ..tok
        });
        Step::Continue
    }

    fn number(&mut self, out: &mut Vec<Token>) -> Step {
        let Some(end) = self.word_run(true) else {
            return Step::NeedMore;
        };
        let s = &self.buf[self.start..end];
        let start = self.pos;
        match scan_number(s) {
            NumberScan::Dot => self.simple(out, TokenKind::Dot, 1),
            NumberScan::Token { len, value } => {
                self.advance(len);
                let span = Span::new(start, self.pos);
                match value {
                    Ok(v) => {
                        let kind = match v {
                            TokenValue::Float(_) => TokenKind::Float,
                            _ => TokenKind::Int,
                        };
                        out.push(Token {
                            kind,
                            span,
                            value: v,
                        });
                    }
                    Err(msg) => self.emit_error(out, span, msg),
                }
                Step::Continue
            }
        }
    }

    /// Scans a string literal whose prefix (`r`, `b`, `rb`, `f`) is `prefix` bytes long.
    fn string(&mut self, out: &mut Vec<Token>, prefix: usize) -> Step {
        let mut st = match self.pending {
            Pending::Str(st) => st,
            _ => {
                let q = self.start + prefix;
                let quote = self.buf[q];
                // Triple quotes need two bytes of lookahead.
                let triple = match (self.at(q + 1), self.at(q + 2)) {
                    (Some(a), Some(b)) => a == quote && b == quote,
                    (Some(a), None) if self.eof || a != quote => false,
                    (None, _) if self.eof => false,
                    _ => return Step::NeedMore,
                };
                let body = q + if triple { 3 } else { 1 };
                StringScan {
                    body,
                    next: body,
                    quote,
                    triple,
                    escaped: false,
                    escaped_cr: false,
                    quotes: 0,
                }
            }
        };
        // Find the end of the literal.
        let buf = &self.buf;
        let mut j = st.next;
        let mut end = None; // Ok(end) complete, Err((end, msg)) unterminated
        while j < buf.len() {
            let b = buf[j];
            if st.escaped_cr {
                st.escaped_cr = false;
                if b == b'\n' {
                    j += 1;
                    continue;
                }
            }
            if st.escaped {
                st.escaped = false;
                st.escaped_cr = b == b'\r';
                j += 1;
                continue;
            }
            match b {
                b'\\' => {
                    st.escaped = true;
                    st.quotes = 0;
                }
                b'\n' | b'\r' if !st.triple => {
                    end = Some(Err((j, "unexpected newline in string")));
                    break;
                }
                _ if b == st.quote => {
                    if !st.triple {
                        end = Some(Ok(j + 1));
                        break;
                    }
                    st.quotes += 1;
                    if st.quotes == 3 {
                        end = Some(Ok(j + 1));
                        break;
                    }
                }
                _ => st.quotes = 0,
            }
            j += 1;
        }
        let end = match end {
            Some(e) => e,
            None if self.eof => Err((buf.len(), "unexpected EOF in string")),
            None => {
                st.next = j;
                self.pending = Pending::Str(st);
                return Step::NeedMore;
            }
        };
        self.pending = Pending::None;
        let start = self.pos;
        match end {
            Err((end, msg)) => {
                let n = end - self.start;
                self.advance(n);
                self.emit_error(out, Span::new(start, self.pos), msg);
            }
            Ok(end) => {
                let prefix_bytes = &self.buf[self.start..self.start + prefix];
                let raw = prefix_bytes.contains(&b'r');
                let bytes = prefix_bytes.contains(&b'b');
                let fstring = prefix_bytes.contains(&b'f');
                let close = if st.triple { 3 } else { 1 };
                let body = &self.buf[st.body..end - close];
                let decoded = if fstring {
                    std::str::from_utf8(body)
                        .map(|s| TokenValue::Text(s.into()))
                        .map_err(|_| "invalid UTF-8 encoding".to_string())
                } else {
                    decode_string(body, raw, bytes)
                };
                let n = end - self.start;
                self.advance(n);
                let span = Span::new(start, self.pos);
                match decoded {
                    Ok(value) => out.push(Token {
                        kind: if fstring {
                            TokenKind::FString
                        } else if bytes {
                            TokenKind::Bytes
                        } else {
                            TokenKind::String
                        },
                        span,
                        value,
                    }),
                    Err(msg) => self.emit_error(out, span, msg),
                }
            }
        }
        Step::Continue
    }
}

/// The token made by a single punctuation byte that is never part of a longer token.
fn punctuation(c: u8) -> Option<TokenKind> {
    use TokenKind as K;
    Some(match c {
        b'(' => K::LParen,
        b')' => K::RParen,
        b'[' => K::LBrack,
        b']' => K::RBrack,
        b'{' => K::LBrace,
        b'}' => K::RBrace,
        b',' => K::Comma,
        b':' => K::Colon,
        b';' => K::Semi,
        b'~' => K::Tilde,
        _ => return None,
    })
}

/// The outcome of scanning an operator.
enum OpScan {
    /// An operator token of this length.
    Token(TokenKind, usize),
    /// The bytes so far do not decide which operator it is.
    NeedMore,
    /// Not an operator character.
    NotOperator,
}

/// Scans the operator at the start of `s` (`eof`: nothing follows `s`).
fn operator(s: &[u8], eof: bool) -> OpScan {
    use TokenKind as K;
    let at = |k: usize| -> Result<Option<u8>, ()> {
        match s.get(k) {
            Some(&b) => Ok(Some(b)),
            None if eof => Ok(None),
            None => Err(()),
        }
    };
    let c = s[0];
    let Ok(c1) = at(1) else {
        return OpScan::NeedMore;
    };
    let (kind, len) = match c {
        b'=' | b'!' | b'+' | b'-' | b'%' | b'&' | b'|' | b'^' if c1 == Some(b'=') => (
            match c {
                b'=' => K::EqEq,
                b'!' => K::Ne,
                b'+' => K::PlusEq,
                b'-' => K::MinusEq,
                b'%' => K::PercentEq,
                b'&' => K::AmpEq,
                b'|' => K::PipeEq,
                _ => K::CaretEq,
            },
            2,
        ),
        b'=' => (K::Eq, 1),
        b'+' => (K::Plus, 1),
        b'-' => (K::Minus, 1),
        b'%' => (K::Percent, 1),
        b'&' => (K::Amp, 1),
        b'|' => (K::Pipe, 1),
        b'^' => (K::Caret, 1),
        b'*' => match c1 {
            Some(b'*') => (K::StarStar, 2),
            Some(b'=') => (K::StarEq, 2),
            _ => (K::Star, 1),
        },
        b'<' | b'>' | b'/' => {
            let (double, double_eq, single_eq, single) = match c {
                b'<' => (K::LtLt, K::LtLtEq, K::Le, K::Lt),
                b'>' => (K::GtGt, K::GtGtEq, K::Ge, K::Gt),
                _ => (K::SlashSlash, K::SlashSlashEq, K::SlashEq, K::Slash),
            };
            if c1 == Some(c) {
                match at(2) {
                    Err(()) => return OpScan::NeedMore,
                    Ok(Some(b'=')) => (double_eq, 3),
                    Ok(_) => (double, 2),
                }
            } else if c1 == Some(b'=') {
                (single_eq, 2)
            } else {
                (single, 1)
            }
        }
        _ => return OpScan::NotOperator,
    };
    OpScan::Token(kind, len)
}

/// The keyword spelled by `word`, if any.
fn keyword(word: &[u8]) -> Option<TokenKind> {
    // Keywords are 2 to 8 lowercase letters: rule most names out cheaply.
    if word.len() < 2 || word.len() > 8 || !word[0].is_ascii_lowercase() {
        return None;
    }
    TokenKind::keyword(std::str::from_utf8(word).ok()?)
}

/// Whether `word` is a Python keyword that Starlark reserves.
fn is_reserved(word: &[u8]) -> bool {
    matches!(
        word,
        b"as"
            | b"class"
            | b"del"
            | b"except"
            | b"finally"
            | b"from"
            | b"global"
            | b"import"
            | b"is"
            | b"nonlocal"
            | b"raise"
            | b"try"
            | b"with"
            | b"yield"
    )
}

enum NumberScan {
    /// A lone `.` (not followed by a digit).
    Dot,
    /// A number token of `len` bytes, or the error it makes.
    Token {
        len: usize,
        value: Result<TokenValue, String>,
    },
}

/// Scans a number at the start of `s`, which holds at least the whole token plus the
/// byte after it (or the token runs to end of input).
fn scan_number(s: &[u8]) -> NumberScan {
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    let digit = |c: u8| c.is_ascii_digit();
    let mut i = 0;
    let (mut fraction, mut exponent) = (false, false);
    let err = |len: usize, msg: &str| NumberScan::Token {
        len,
        value: Err(msg.to_string()),
    };
    let c = at(0);
    if c == b'.' {
        if !digit(at(1)) {
            return NumberScan::Dot;
        }
        i = 1;
        fraction = true;
    } else if c == b'0' {
        i = 1;
        let c = at(1);
        if c == b'.' {
            fraction = true;
        } else if matches!(c, b'x' | b'X' | b'o' | b'O' | b'b' | b'B') {
            let (radix, name): (u32, &str) = match c {
                b'x' | b'X' => (16, "hex"),
                b'o' | b'O' => (8, "octal"),
                _ => (2, "binary"),
            };
            i = 2;
            let d0 = i;
            while (at(i) as char).is_digit(radix) && at(i) != 0 {
                i += 1;
            }
            if i == d0 {
                return err(i.max(1), &format!("invalid {name} literal"));
            }
            let text = std::str::from_utf8(&s[d0..i]).unwrap();
            return NumberScan::Token {
                len: i,
                value: Ok(int_value(text, radix)),
            };
        } else {
            let (mut allzeros, mut octal) = (true, true);
            while digit(at(i)) {
                if at(i) != b'0' {
                    allzeros = false;
                }
                if at(i) > b'7' {
                    octal = false;
                }
                i += 1;
            }
            if at(i) == b'.' {
                fraction = true;
            } else if matches!(at(i), b'e' | b'E') {
                exponent = true;
            } else if octal && !allzeros {
                let text = std::str::from_utf8(&s[1..i]).unwrap();
                return err(i, &format!("obsolete form of octal literal; use 0o{text}"));
            } else if !allzeros {
                return err(i, "invalid int literal");
            }
        }
    } else {
        while digit(at(i)) {
            i += 1;
        }
        if at(i) == b'.' {
            fraction = true;
        } else if matches!(at(i), b'e' | b'E') {
            exponent = true;
        }
    }
    if fraction {
        i += 1; // '.'
        while digit(at(i)) {
            i += 1;
        }
        if matches!(at(i), b'e' | b'E') {
            exponent = true;
        }
    }
    if exponent {
        i += 1; // [eE]
        if matches!(at(i), b'+' | b'-') {
            i += 1;
            if !digit(at(i)) {
                return err(i, "invalid float literal");
            }
        }
        while digit(at(i)) {
            i += 1;
        }
    }
    let text = std::str::from_utf8(&s[..i]).unwrap();
    if fraction || exponent {
        // Rust's parser wants a digit after '.', as in "1.e5" -> "1.0e5".
        let parsed = text.parse::<f64>().or_else(|_| {
            text.replace(".e", ".0e")
                .replace(".E", ".0E")
                .parse::<f64>()
        });
        match parsed {
            Ok(x) if x.is_finite() => NumberScan::Token {
                len: i,
                value: Ok(TokenValue::Float(x)),
            },
            _ => err(i, "invalid float literal"),
        }
    } else {
        NumberScan::Token {
            len: i,
            value: Ok(int_value(text, 10)),
        }
    }
}

fn int_value(digits: &str, radix: u32) -> TokenValue {
    match i64::from_str_radix(digits, radix) {
        Ok(v) => TokenValue::Int(v),
        Err(_) => TokenValue::BigInt(Box::new(
            BigInt::from_str_radix(digits, radix).expect("digits were validated"),
        )),
    }
}

/// Decodes the body of a string or bytes literal (the text between the quotes),
/// applying escapes unless `raw`, and normalising `\r\n` and `\r` to `\n`.
///
/// Hex and octal escapes denote single bytes; in string literals (as opposed to bytes
/// literals) they must be ASCII, so a string literal is always valid UTF-8, while string
/// values made at run time (by slicing, say) need not be.
pub fn decode_string(body: &[u8], raw: bool, bytes: bool) -> Result<TokenValue, String> {
    let mut out: Vec<u8> = Vec::with_capacity(body.len());
    let mut i = 0;
    let n = body.len();
    while i < n {
        let b = body[i];
        if b == b'\r' {
            out.push(b'\n');
            i += 1;
            if i < n && body[i] == b'\n' {
                i += 1;
            }
            continue;
        }
        if b != b'\\' {
            // Copy a run of ordinary bytes at once.
            let run_end = body[i..]
                .iter()
                .position(|&c| c == b'\\' || c == b'\r')
                .map_or(n, |k| i + k);
            out.extend_from_slice(&body[i..run_end]);
            i = run_end;
            continue;
        }
        // A backslash. There is always a following byte: the prescan guarantees it.
        let Some(&e) = body.get(i + 1) else {
            return Err("invalid escape sequence \\".into());
        };
        if raw {
            // In raw literals a backslash only stops the next quote from closing; both
            // are kept. A newline after it is kept too (normalised).
            out.push(b'\\');
            if e == b'\r' {
                out.push(b'\n');
                i += 2;
                if i < n && body[i] == b'\n' {
                    i += 1;
                }
            } else {
                out.push(e);
                i += 2;
            }
            continue;
        }
        match e {
            b'\n' => i += 2,
            b'\r' => {
                i += 2;
                if i < n && body[i] == b'\n' {
                    i += 1;
                }
            }
            b'a' => push_esc(&mut out, &mut i, 0x07),
            b'b' => push_esc(&mut out, &mut i, 0x08),
            b'f' => push_esc(&mut out, &mut i, 0x0C),
            b'n' => push_esc(&mut out, &mut i, b'\n'),
            b'r' => push_esc(&mut out, &mut i, b'\r'),
            b't' => push_esc(&mut out, &mut i, b'\t'),
            b'v' => push_esc(&mut out, &mut i, 0x0B),
            b'\\' | b'\'' | b'"' => push_esc(&mut out, &mut i, e),
            b'0'..=b'7' => {
                let mut v: u32 = (e - b'0') as u32;
                let mut j = i + 2;
                while j < i + 4 && j < n && (b'0'..=b'7').contains(&body[j]) {
                    v = v * 8 + (body[j] - b'0') as u32;
                    j += 1;
                }
                if !bytes && v > 127 {
                    return Err(format!(
                        "non-ASCII octal escape \\{v:o} (use \\u{v:04X} for the UTF-8 encoding of U+{v:04X})"
                    ));
                }
                if v >= 256 {
                    return Err(format!("invalid escape sequence \\{v:03o}"));
                }
                out.push(v as u8);
                i = j;
            }
            b'x' => {
                if i + 4 > n {
                    let s = String::from_utf8_lossy(&body[i..]);
                    return Err(format!("truncated escape sequence {s}"));
                }
                let hex = &body[i + 2..i + 4];
                let Some(v) = parse_hex(hex) else {
                    let s = String::from_utf8_lossy(&body[i..i + 4]);
                    return Err(format!("invalid escape sequence {s}"));
                };
                if !bytes && v > 127 {
                    return Err(format!(
                        "non-ASCII hex escape \\x{v:02x} (use \\u{v:04X} for the UTF-8 encoding of U+{v:04X})"
                    ));
                }
                out.push(v as u8);
                i += 4;
            }
            b'u' | b'U' => {
                let len = if e == b'u' { 4 } else { 8 };
                if i + 2 + len > n {
                    let s = String::from_utf8_lossy(&body[i..]);
                    return Err(format!("truncated escape sequence {s}"));
                }
                let hex = &body[i + 2..i + 2 + len];
                let Some(v) = parse_hex(hex) else {
                    let s = String::from_utf8_lossy(&body[i..i + 2 + len]);
                    return Err(format!("invalid escape sequence {s}"));
                };
                if (0xD800..0xE000).contains(&v) {
                    return Err(format!("invalid Unicode code point U+{v:04X}"));
                }
                let Some(ch) = char::from_u32(v) else {
                    let s = String::from_utf8_lossy(&body[i..i + 2 + len]);
                    return Err(format!("code point out of range: {s} (max \\U0010FFFF)"));
                };
                let mut tmp = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
                i += 2 + len;
            }
            _ => {
                let ch = std::str::from_utf8(&body[i + 1..])
                    .ok()
                    .and_then(|s| s.chars().next())
                    .unwrap_or(e as char);
                return Err(format!("invalid escape sequence \\{ch}"));
            }
        }
    }
    // The source text must be UTF-8; escapes may make any byte.
    if std::str::from_utf8(body).is_err() {
        return Err("invalid UTF-8 encoding".into());
    }
    let out = out.into_boxed_slice();
    Ok(if bytes {
        TokenValue::Bytes(out)
    } else {
        TokenValue::Str(out)
    })
}

fn push_esc(out: &mut Vec<u8>, i: &mut usize, b: u8) {
    out.push(b);
    *i += 2;
}

fn parse_hex(h: &[u8]) -> Option<u32> {
    let mut v: u32 = 0;
    for &c in h {
        v = v * 16 + (c as char).to_digit(16)?;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders tokens the way the reference scanner's tests do.
    fn scan(src: &str) -> String {
        let toks = Scanner::scan_all(ScanOptions::default(), src);
        let mut parts = Vec::new();
        for t in &toks {
            let s = match (&t.kind, &t.value) {
                (TokenKind::Error, TokenValue::Error(m)) => {
                    parts.push(format!("{}: {m}", t.span.start));
                    return parts.join(" ");
                }
                (TokenKind::Eof, _) => "EOF".to_string(),
                (TokenKind::Newline | TokenKind::Indent | TokenKind::Outdent, _) => {
                    t.kind.describe().to_string()
                }
                (_, TokenValue::Float(x)) => format!("{x:e}"),
                (_, TokenValue::None) => t.kind.text().to_string(),
                _ => t.to_string(),
            };
            parts.push(s);
        }
        parts.join(" ")
    }

    #[test]
    fn layout() {
        assert_eq!(scan(""), "EOF");
        assert_eq!(scan("x.y"), "x . y EOF");
        assert_eq!(scan("\nprint(\n1\n)\n"), "print ( 1 ) newline EOF");
        assert_eq!(scan("/ // /= //= ///="), "/ // /= //= // /= EOF");
        assert_eq!(
            scan("def f():\n\tpass"),
            "def f ( ) : newline indent pass newline outdent EOF"
        );
        assert_eq!(
            scan("def f():\n\tpass\n# oops"),
            "def f ( ) : newline indent pass newline outdent EOF"
        );
        assert_eq!(
            scan("def f():\n\tpass \\\n"),
            "def f ( ) : newline indent pass newline outdent EOF"
        );
        assert_eq!(scan("pass\n\n\npass"), "pass newline pass EOF");
        assert_eq!(scan("pass\n \n"), "pass newline EOF");
        assert_eq!(
            scan("if x:\n  pass\n "),
            "if x : newline indent pass newline outdent EOF"
        );
        assert_eq!(scan("x = 1 + \\\n2"), "x = 1 + 2 EOF");
        assert_eq!(scan("a\rb"), "a newline b EOF");
        assert_eq!(scan("a\r\nb"), "a newline b EOF");
        assert_eq!(scan("([{<>}])"), "( [ { < > } ] ) EOF");
        assert_eq!(scan("~= ~= 5"), "~ = ~ = 5 EOF");
        assert_eq!(
            scan("def f():\n  if x:\n    pass\n  "),
            "def f ( ) : newline indent if x : newline indent pass newline outdent outdent EOF"
        );
        assert_eq!(
            scan("def f():\n  pass\n pass"),
            "def f ( ) : newline indent pass newline 3:2: unindent does not match any outer indentation level"
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(scan("00"), "0 EOF");
        assert_eq!(scan("0.e1"), "0e0 EOF");
        assert_eq!(scan(".e1"), ". e1 EOF");
        assert_eq!(scan("123e45"), "1.23e47 EOF");
        assert_eq!(
            scan("999999999999999999999999999999999999999999999999999"),
            "999999999999999999999999999999999999999999999999999 EOF"
        );
        assert_eq!(scan("0xAAG"), "170 G EOF");
        assert_eq!(scan("0xG"), "1:1: invalid hex literal");
        assert_eq!(scan("0b1010201"), "10 201 EOF");
        assert_eq!(scan("0o12934."), "10 9.34e2 EOF");
        assert_eq!(
            scan("0123"),
            "1:1: obsolete form of octal literal; use 0o123"
        );
        assert_eq!(scan("i = 012934"), "i = 1:5: invalid int literal");
        assert_eq!(scan("012934.1"), "1.29341e4 EOF");
        assert_eq!(scan("0in"), "0 in EOF");
        assert_eq!(scan("0or"), "1:1: invalid octal literal");
        assert_eq!(scan("6or"), "6 or EOF");
        assert_eq!(scan("1e+x"), "1:1: invalid float literal");
    }

    #[test]
    fn strings() {
        assert_eq!(scan(r#"x = 'a\nb'"#), r#"x = "a\nb" EOF"#);
        assert_eq!(scan(r#"x = r'a\nb'"#), r#"x = "a\\nb" EOF"#);
        assert_eq!(scan("x = 'a\\\nb'"), r#"x = "ab" EOF"#);
        assert_eq!(scan(r"x = r'\''"), r#"x = "\\'" EOF"#);
        assert_eq!(scan(r"x = ''''a'b'c'''"), r#"x = "'a'b'c" EOF"#);
        assert_eq!(scan("x = '''a\r\nb'''"), r#"x = "a\nb" EOF"#);
        assert_eq!(scan("x = '''a\n\rb'''"), r#"x = "a\n\nb" EOF"#);
        assert_eq!(scan("x = r'a\\\r\nb'"), r#"x = "a\\\nb" EOF"#);
        assert_eq!(scan(r#""\378""#), r#""\x1f8" EOF"#);
        assert_eq!(
            scan(r#""\377""#),
            r"1:1: non-ASCII octal escape \377 (use \u00FF for the UTF-8 encoding of U+00FF)"
        );
        assert_eq!(
            scan(r#""\x80""#),
            r"1:1: non-ASCII hex escape \x80 (use \u0080 for the UTF-8 encoding of U+0080)"
        );
        assert_eq!(scan(r#"b"\400""#), r"1:1: invalid escape sequence \400");
        assert_eq!(scan(r#""\xF""#), r"1:1: truncated escape sequence \xF");
        assert_eq!(scan(r#""\xfg""#), r"1:1: invalid escape sequence \xfg");
        assert_eq!(scan(r#""\u4E16""#), r#""世" EOF"#);
        assert_eq!(
            scan(r#""\udc00""#),
            "1:1: invalid Unicode code point U+DC00"
        );
        assert_eq!(
            scan(r#""\U00110000""#),
            r"1:1: code point out of range: \U00110000 (max \U0010FFFF)"
        );
        assert_eq!(scan(r#""\w""#), r"1:1: invalid escape sequence \w");
        assert_eq!(scan(r#"b"\377\x80""#), r#"b"\xff\x80" EOF"#);
        assert_eq!(scan("'abc\ndef'"), "1:1: unexpected newline in string");
        assert_eq!(scan("'abc"), "1:1: unexpected EOF in string");
        assert_eq!(scan("x ! 0"), "x 1:3: unexpected input character '!'");
        assert_eq!(scan("class"), "1:1: keyword class is reserved");
        assert_eq!(scan("chocolate.éclair"), "chocolate . éclair EOF");
    }

    /// Every cut of an input into two or three pieces yields the whole-input tokens.
    #[test]
    fn chunking_invariance_exhaustive_small() {
        let srcs = [
            "def f(x):\r\n\tif x:\n\t\treturn 'a\\\r\nb' + \"\"\"q\"\"q\"\"\"\n\treturn 0x1F + 1.5e-3 // 2\n",
            "x = [1,\n 2]  # c\ny = b'\\xff' if x else r'''\\''''\nz <<= 3",
            "é = 'ü€😿'\nprint(é)",
        ];
        for src in srcs {
            let whole = Scanner::scan_all(ScanOptions::default(), src);
            let b = src.as_bytes();
            for i in 0..=b.len() {
                for j in i..=b.len() {
                    let mut sc = Scanner::new(ScanOptions::default());
                    let mut out = Vec::new();
                    sc.push(&b[..i], &mut out);
                    sc.push(&b[i..j], &mut out);
                    sc.push(&b[j..], &mut out);
                    sc.finish(&mut out);
                    assert_eq!(out, whole, "cut at {i},{j} of {src:?}");
                }
            }
        }
    }

    /// Tokens are emitted as soon as they are determined.
    #[test]
    fn eager_emission() {
        let mut sc = Scanner::default();
        let mut out = Vec::new();
        sc.push(b"print(1)", &mut out);
        let kinds: Vec<_> = out.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            [
                TokenKind::Ident,
                TokenKind::LParen,
                TokenKind::Int,
                TokenKind::RParen
            ]
        );
        sc.push(b"\n", &mut out);
        assert_eq!(out.last().unwrap().kind, TokenKind::Newline);
    }
}

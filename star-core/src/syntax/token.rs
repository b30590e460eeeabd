//! Tokens and source positions.
//!
//! A [`Token`] is what the [`Scanner`](super::Scanner) hands to the parser: a kind, the
//! span of source text it came from, and for literals and names a decoded value. Every
//! position carries the byte offset (for slicing and snippets) together with the 1-based
//! line and column (for messages), so no later stage ever has to re-scan text to find a
//! line number. Columns count Unicode scalar values, as the reference implementation does.

use std::fmt;

use num_bigint::BigInt;

/// An identifier's name: short names are stored inline, longer ones shared, so
/// copying a name never allocates.
pub type Name = smol_str::SmolStr;

/// A position in the source: byte offset, and 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// Byte offset from the start of the input.
    pub offset: u32,
    /// 1-based line number.
    pub line: u32,
    /// 1-based column number, counted in Unicode scalar values.
    pub col: u32,
}

impl Pos {
    /// The position of the first byte of an input.
    pub const START: Pos = Pos {
        offset: 0,
        line: 1,
        col: 1,
    };
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A half-open range of source text, `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Position of the first byte.
    pub start: Pos,
    /// Position just past the last byte.
    pub end: Pos,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: Pos, end: Pos) -> Span {
        Span { start, end }
    }

    /// An empty span at `pos`.
    pub fn point(pos: Pos) -> Span {
        Span {
            start: pos,
            end: pos,
        }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The byte range of this span, for slicing the source.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start.offset as usize..self.end.offset as usize
    }
}

macro_rules! token_kinds {
    ($( $(#[$doc:meta])* $name:ident => $text:literal, )*) => {
        /// The kind of a token.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum TokenKind {
            $( $(#[$doc])* $name, )*
        }

        impl TokenKind {
            /// How the reference implementation names this token in messages
            /// (`'('`, `identifier`, `newline`, `for`, ...).
            pub fn describe(self) -> &'static str {
                match self { $( TokenKind::$name => $text, )* }
            }
        }
    };
}

token_kinds! {
    /// End of a logical line.
    Newline => "newline",
    /// Increase of indentation.
    Indent => "indent",
    /// Decrease of indentation.
    Outdent => "outdent",
    /// End of input.
    Eof => "end of file",
    /// A lexical error; the token's value holds the message.
    Error => "error",
    /// An identifier.
    Ident => "identifier",
    /// An integer literal.
    Int => "int literal",
    /// A floating-point literal.
    Float => "float literal",
    /// A string literal.
    String => "string literal",
    /// A bytes literal.
    Bytes => "bytes literal",
    /// An f-string literal (`f"..."`); its value holds the raw, undecoded body.
    FString => "f-string literal",

    /// `and`
    And => "and",
    /// `break`
    Break => "break",
    /// `continue`
    Continue => "continue",
    /// `def`
    Def => "def",
    /// `elif`
    Elif => "elif",
    /// `else`
    Else => "else",
    /// `for`
    For => "for",
    /// `if`
    If => "if",
    /// `in`
    In => "in",
    /// `lambda`
    Lambda => "lambda",
    /// `load`
    Load => "load",
    /// `not`
    Not => "not",
    /// `not in` (made by the parser, never by the scanner)
    NotIn => "not in",
    /// `or`
    Or => "or",
    /// `pass`
    Pass => "pass",
    /// `return`
    Return => "return",
    /// `while`
    While => "while",

    /// `+`
    Plus => "'+'",
    /// `-`
    Minus => "'-'",
    /// `*`
    Star => "'*'",
    /// `/`
    Slash => "'/'",
    /// `//`
    SlashSlash => "'//'",
    /// `%`
    Percent => "'%'",
    /// `&`
    Amp => "'&'",
    /// `|`
    Pipe => "'|'",
    /// `^`
    Caret => "'^'",
    /// `~`
    Tilde => "'~'",
    /// `<<`
    LtLt => "'<<'",
    /// `>>`
    GtGt => "'>>'",
    /// `**`
    StarStar => "'**'",
    /// `.`
    Dot => "'.'",
    /// `,`
    Comma => "','",
    /// `=`
    Eq => "'='",
    /// `;`
    Semi => "';'",
    /// `:`
    Colon => "':'",
    /// `(`
    LParen => "'('",
    /// `)`
    RParen => "')'",
    /// `[`
    LBrack => "'['",
    /// `]`
    RBrack => "']'",
    /// `{`
    LBrace => "'{'",
    /// `}`
    RBrace => "'}'",
    /// `<`
    Lt => "'<'",
    /// `>`
    Gt => "'>'",
    /// `>=`
    Ge => "'>='",
    /// `<=`
    Le => "'<='",
    /// `==`
    EqEq => "'=='",
    /// `!=`
    Ne => "'!='",
    /// `+=`
    PlusEq => "'+='",
    /// `-=`
    MinusEq => "'-='",
    /// `*=`
    StarEq => "'*='",
    /// `/=`
    SlashEq => "'/='",
    /// `//=`
    SlashSlashEq => "'//='",
    /// `%=`
    PercentEq => "'%='",
    /// `&=`
    AmpEq => "'&='",
    /// `|=`
    PipeEq => "'|='",
    /// `^=`
    CaretEq => "'^='",
    /// `<<=`
    LtLtEq => "'<<='",
    /// `>>=`
    GtGtEq => "'>>='",
}

impl TokenKind {
    /// The keyword spelled `word`, if it is one.
    pub fn keyword(word: &str) -> Option<TokenKind> {
        Some(match word {
            "and" => TokenKind::And,
            "break" => TokenKind::Break,
            "continue" => TokenKind::Continue,
            "def" => TokenKind::Def,
            "elif" => TokenKind::Elif,
            "else" => TokenKind::Else,
            "for" => TokenKind::For,
            "if" => TokenKind::If,
            "in" => TokenKind::In,
            "lambda" => TokenKind::Lambda,
            "load" => TokenKind::Load,
            "not" => TokenKind::Not,
            "or" => TokenKind::Or,
            "pass" => TokenKind::Pass,
            "return" => TokenKind::Return,
            "while" => TokenKind::While,
            _ => return None,
        })
    }

    /// Whether this token is a keyword (and so not usable as an identifier).
    pub fn is_keyword(self) -> bool {
        use TokenKind::*;
        matches!(
            self,
            And | Break
                | Continue
                | Def
                | Elif
                | Else
                | For
                | If
                | In
                | Lambda
                | Load
                | Not
                | Or
                | Pass
                | Return
                | While
        )
    }

    /// For an augmented assignment operator (`+=`), the binary operator it applies (`+`).
    pub fn augmented_op(self) -> Option<TokenKind> {
        use TokenKind::*;
        Some(match self {
            PlusEq => Plus,
            MinusEq => Minus,
            StarEq => Star,
            SlashEq => Slash,
            SlashSlashEq => SlashSlash,
            PercentEq => Percent,
            AmpEq => Amp,
            PipeEq => Pipe,
            CaretEq => Caret,
            LtLtEq => LtLt,
            GtGtEq => GtGt,
            _ => return None,
        })
    }

    /// The source text of an operator or keyword token.
    pub fn text(self) -> &'static str {
        let d = self.describe();
        d.strip_prefix('\'')
            .and_then(|s| s.strip_suffix('\''))
            .unwrap_or(d)
    }
}

/// The decoded value of a literal or identifier token.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum TokenValue {
    /// Operators, keywords and layout tokens have no value.
    #[default]
    None,
    /// An identifier's name.
    Name(Name),
    /// An integer literal that fits in 64 bits.
    Int(i64),
    /// An integer literal beyond 64 bits.
    BigInt(Box<BigInt>),
    /// A float literal.
    Float(f64),
    /// A decoded string literal: bytes, usually but not necessarily UTF-8 (`"\xff"` is
    /// a one-byte string, as in the reference implementation).
    Str(Box<[u8]>),
    /// An f-string's raw, undecoded body.
    Text(Box<str>),
    /// A decoded bytes literal.
    Bytes(Box<[u8]>),
    /// A lexical error's message.
    Error(Box<str>),
}

/// A token: its kind, where it is, and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// What kind of token this is.
    pub kind: TokenKind,
    /// The source text it covers.
    pub span: Span,
    /// Its decoded value, for names and literals.
    pub value: TokenValue,
}

impl Token {
    /// A token without a value.
    pub fn new(kind: TokenKind, span: Span) -> Token {
        Token {
            kind,
            span,
            value: TokenValue::None,
        }
    }

    /// The identifier's name, or "" for other tokens.
    pub fn name(&self) -> &str {
        match &self.value {
            TokenValue::Name(n) => n,
            _ => "",
        }
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            TokenValue::None => f.write_str(self.kind.text()),
            TokenValue::Name(n) => write!(f, "{n}"),
            TokenValue::Int(i) => write!(f, "{i}"),
            TokenValue::BigInt(i) => write!(f, "{i}"),
            TokenValue::Float(x) => write!(f, "{x:?}"),
            TokenValue::Str(s) => f.write_str(&quote(s)),
            TokenValue::Text(s) => write!(f, "f{s:?}"),
            TokenValue::Bytes(b) => write!(f, "b{}", quote(b)),
            TokenValue::Error(m) => write!(f, "error: {m}"),
        }
    }
}

/// Quotes a string as a double-quoted literal, the way the reference prints strings:
/// valid UTF-8 text stays as it is (except quotes, backslashes and control characters),
/// other bytes become `\xNN` escapes.
pub fn quote(s: &[u8]) -> String {
    quote_with(s, false)
}

/// Quotes a byte string: like [`quote`], but every non-ASCII byte is escaped.
pub fn quote_bytes(s: &[u8]) -> String {
    quote_with(s, true)
}

/// Whether a character shows as itself in quoted text (what Go's `unicode.IsPrint`
/// means: letters, marks, numbers, punctuation, symbols and the ASCII space). Controls,
/// format characters, separators other than the space, and private-use characters are
/// escaped; unassigned code points, which would need Unicode's tables, show as is.
fn is_print(c: char) -> bool {
    let u = c as u32;
    !(c.is_control()
        || matches!(u,
            0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x8E2 | 0x180E
            | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
            | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
        || matches!(
            u,
            0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000
        )
        || matches!(u, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF))
}

fn quote_with(s: &[u8], ascii_only: bool) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for chunk in s.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                '\x07' => out.push_str("\\a"),
                '\x08' => out.push_str("\\b"),
                '\x0c' => out.push_str("\\f"),
                '\x0b' => out.push_str("\\v"),
                c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                    let _ = write!(out, "\\x{:02x}", c as u32);
                }
                c if ascii_only && !c.is_ascii() => {
                    let mut buf = [0; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        let _ = write!(out, "\\x{b:02x}");
                    }
                }
                c if !is_print(c) => {
                    if (c as u32) < 0x10000 {
                        let _ = write!(out, "\\u{:04x}", c as u32);
                    } else {
                        let _ = write!(out, "\\U{:08x}", c as u32);
                    }
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out.push('"');
    out
}

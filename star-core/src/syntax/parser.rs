//! The parser: tokens in, one top-level statement at a time out.
//!
//! Parsing happens in two layers.
//!
//! 1. **Splitting.** [`Parser::feed`] looks at tokens as the scanner appends them and
//!    decides, from token kinds alone, where each top-level statement ends: a simple
//!    statement at its NEWLINE; a compound statement (`def`, `if`, `for`, `while`) once
//!    its block is closed and the next token shows it does not continue (an INDENT after
//!    the header line, or `elif`/`else` after an `if`, continue it); anything at end of
//!    input. Bracket depth needs no tracking here: the scanner never emits NEWLINE
//!    inside brackets. This is what lets the streaming executor run a statement the
//!    moment its last token arrives.
//! 2. **Recursive descent.** Each completed group of tokens is parsed by a hand-written
//!    recursive-descent parser with precedence climbing for binary operators, following
//!    the grammar of the Starlark spec and the reference implementation's messages
//!    (`got X, want Y`). A syntax error abandons only its own group, so a file with
//!    several bad statements reports one error per statement and the rest still parses.
//!
//! Nesting is bounded ([`MAX_NESTING`]) and the recursion grows its stack on demand, so
//! hostile input (100,000 open brackets, deeply nested blocks, endless operator chains)
//! yields an error, never a stack overflow, and later stages can walk any tree the parser
//! accepts.

use super::ast::*;
use super::token::{Name, Pos, Span, Token, TokenKind, TokenValue};
use super::{ScanOptions, Scanner};

/// The deepest nesting of brackets, blocks, unary operators and operator chains the
/// parser accepts.
pub const MAX_NESTING: u32 = 1000;

/// A syntax error: where, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where the error is (the offending token, for an unexpected token).
    pub span: Span,
    /// What is wrong, in the reference implementation's words.
    pub msg: String,
    /// The reference implementation reports this error where the offending token ends
    /// rather than where it starts: "got newline, want ..." belongs to the next line.
    pub at_end: bool,
}

impl SyntaxError {
    /// An error at `span`.
    pub fn new(span: Span, msg: impl Into<String>) -> SyntaxError {
        SyntaxError {
            span,
            msg: msg.into(),
            at_end: false,
        }
    }

    /// The position the reference implementation reports (used to match expected
    /// errors in test files, which are written against it).
    pub fn reference_pos(&self) -> Pos {
        if self.at_end {
            self.span.end
        } else {
            self.span.start
        }
    }
}

/// Errors are boxed inside the parser so that results stay as small as the nodes.
type PResult<T> = Result<T, Box<SyntaxError>>;

/// The streaming parser. See the module documentation.
pub struct Parser {
    opts: ScanOptions,
    /// Tokens received: `tokens[group..]` is the statement being collected and
    /// `tokens[next..]` have not been looked at yet.
    tokens: Vec<Token>,
    group: usize,
    next: usize,
    /// The keyword that opened the current compound statement, if any.
    compound: Option<TokenKind>,
    /// Indentation level inside the current group.
    level: i32,
    /// The group could end here: the next token decides.
    boundary: bool,
    done: bool,
}

impl Parser {
    /// A parser with the given scanner options (needed to parse f-string expressions).
    pub fn new(opts: ScanOptions) -> Parser {
        Parser {
            opts,
            tokens: Vec::new(),
            group: 0,
            next: 0,
            compound: None,
            level: 0,
            boundary: false,
            done: false,
        }
    }

    /// Whether the parser holds part of an unfinished statement.
    pub fn has_pending(&self) -> bool {
        self.tokens.len() > self.group
    }

    /// The buffer new tokens are appended to (by the scanner) before [`Parser::feed`].
    pub fn token_buffer(&mut self) -> &mut Vec<Token> {
        &mut self.tokens
    }

    /// Looks at the tokens appended to the [`Parser::token_buffer`] since the last call;
    /// appends each statement they complete to `out`.
    pub fn feed(&mut self, out: &mut Vec<Result<Stmt, SyntaxError>>) {
        use TokenKind as K;
        let mut i = self.next;
        while i < self.tokens.len() && !self.done {
            let kind = self.tokens[i].kind;
            if i > self.group && self.boundary {
                let continues = match kind {
                    K::Indent => self.tokens[i - 1].kind == K::Newline,
                    K::Elif | K::Else => self.compound == Some(K::If),
                    _ => false,
                };
                if continues {
                    self.boundary = false;
                } else {
                    self.complete(i, out);
                }
            }
            if i == self.group {
                // The first token of a statement.
                match kind {
                    K::Newline => {
                        self.group = i + 1;
                        i += 1;
                        continue;
                    }
                    K::Eof => {
                        self.group = i + 1;
                        self.done = true;
                        break;
                    }
                    K::Def | K::If | K::For | K::While => self.compound = Some(kind),
                    _ => self.compound = None,
                }
                self.level = 0;
            }
            match kind {
                K::Eof => {
                    self.complete(i + 1, out);
                    self.done = true;
                }
                K::Indent => self.level += 1,
                K::Outdent => {
                    self.level -= 1;
                    if self.level <= 0 && self.compound.is_some() {
                        self.boundary = true;
                    }
                }
                K::Newline if self.level == 0 => {
                    if self.compound.is_some() {
                        self.boundary = true;
                    } else {
                        self.complete(i + 1, out);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.next = self.tokens.len();
        // Compact (amortised): drop parsed tokens once they dominate the buffer.
        if self.group > 0 && self.group * 2 >= self.tokens.len() {
            let g = self.group.min(self.tokens.len());
            self.tokens.drain(..g);
            self.next -= g;
            self.group -= g;
        }
    }

    /// Parses the collected group `tokens[group..end]`.
    fn complete(&mut self, end: usize, out: &mut Vec<Result<Stmt, SyntaxError>>) {
        let start = self.group;
        self.boundary = false;
        self.compound = None;
        self.level = 0;
        self.group = end;
        if start == end {
            return;
        }
        let mut p = Descent::new(&mut self.tokens[start..end], self.opts);
        match p.parse_group() {
            Ok(stmts) => out.extend(stmts.into_iter().map(Ok)),
            Err(e) => out.push(Err(*e)),
        }
    }
}

/// The recursive-descent parser over one group of tokens.
struct Descent<'t> {
    toks: &'t mut [Token],
    i: usize,
    opts: ScanOptions,
    depth: u32,
    /// A synthetic EOF for reads past the end of the group.
    eof: Token,
}

fn is_expr_list_end(k: TokenKind) -> bool {
    use TokenKind as K;
    matches!(
        k,
        K::Eof | K::Newline | K::Eq | K::RBrace | K::RBrack | K::RParen | K::Semi
    )
}

fn binop(k: TokenKind) -> Option<(BinOp, u8)> {
    use TokenKind as K;
    Some(match k {
        K::Or => (BinOp::Or, 0),
        K::And => (BinOp::And, 1),
        K::EqEq => (BinOp::Eq, 3),
        K::Ne => (BinOp::Ne, 3),
        K::Lt => (BinOp::Lt, 3),
        K::Gt => (BinOp::Gt, 3),
        K::Le => (BinOp::Le, 3),
        K::Ge => (BinOp::Ge, 3),
        K::In => (BinOp::In, 3),
        K::Pipe => (BinOp::Pipe, 4),
        K::Caret => (BinOp::Caret, 5),
        K::Amp => (BinOp::Amp, 6),
        K::LtLt => (BinOp::LtLt, 7),
        K::GtGt => (BinOp::GtGt, 7),
        K::Plus => (BinOp::Plus, 8),
        K::Minus => (BinOp::Minus, 8),
        K::Star => (BinOp::Star, 9),
        K::Slash => (BinOp::Slash, 9),
        K::SlashSlash => (BinOp::SlashSlash, 9),
        K::Percent => (BinOp::Percent, 9),
        _ => return None,
    })
}

/// Precedence of unary `not`.
const NOT_PREC: u8 = 2;
/// Precedence of comparisons.
const CMP_PREC: u8 = 3;

impl<'t> Descent<'t> {
    fn new(toks: &'t mut [Token], opts: ScanOptions) -> Descent<'t> {
        let end = toks.last().map_or(Pos::START, |t| t.span.end);
        let eof_pos = match toks.last() {
            Some(t) if t.kind == TokenKind::Eof => t.span.start,
            _ => end,
        };
        Descent {
            toks,
            i: 0,
            opts,
            depth: 0,
            eof: Token::new(TokenKind::Eof, Span::point(eof_pos)),
        }
    }

    #[inline]
    fn tok(&self) -> &Token {
        self.toks.get(self.i).unwrap_or(&self.eof)
    }

    #[inline]
    fn kind(&self) -> TokenKind {
        self.toks.get(self.i).map_or(TokenKind::Eof, |t| t.kind)
    }

    fn peek_kind(&self, n: usize) -> TokenKind {
        self.toks.get(self.i + n).map_or(TokenKind::Eof, |t| t.kind)
    }

    #[inline]
    fn span(&self) -> Span {
        self.tok().span
    }

    /// Consumes the current token, returning its span.
    #[inline]
    fn next(&mut self) -> Span {
        let s = self.span();
        if self.i < self.toks.len() {
            self.i += 1;
        }
        s
    }

    /// The error for an unexpected current token: a lexical error token reports its own
    /// message.
    fn unexpected(&self, want: &str) -> Box<SyntaxError> {
        let t = self.tok();
        if let TokenValue::Error(msg) = &t.value {
            return Box::new(SyntaxError::new(t.span, msg.to_string()));
        }
        Box::new(SyntaxError {
            span: t.span,
            msg: format!("got {}, want {}", t.kind.describe(), want),
            at_end: true,
        })
    }

    fn err<T>(&self, span: Span, msg: impl Into<String>) -> PResult<T> {
        Err(Box::new(SyntaxError::new(span, msg)))
    }

    fn expect(&mut self, k: TokenKind) -> PResult<Span> {
        if self.kind() == k {
            Ok(self.next())
        } else {
            Err(self.unexpected(k.describe()))
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return self.err(
                self.span(),
                format!("nesting too deep (more than {MAX_NESTING} levels)"),
            );
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Runs `f` one nesting level deeper, on a grown stack if needed.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        self.enter()?;
        // Grow the stack when less than the red zone is left (unoptimised builds have
        // large frames, so every level checks).
        let r = crate::native_stack::maybe_grow(128 * 1024, 1024 * 1024, || f(self));
        self.leave();
        r
    }

    // ---- statements ----

    fn parse_group(&mut self) -> PResult<Vec<Stmt>> {
        let mut stmts = Vec::new();
        loop {
            match self.kind() {
                TokenKind::Eof => break,
                TokenKind::Newline => {
                    self.next();
                }
                _ => self.parse_stmt(&mut stmts)?,
            }
        }
        Ok(stmts)
    }

    fn parse_stmt(&mut self, stmts: &mut Vec<Stmt>) -> PResult<()> {
        use TokenKind as K;
        match self.kind() {
            K::Def => {
                let s = self.nested(|p| p.parse_def())?;
                stmts.push(s);
            }
            K::If => {
                let s = self.nested(|p| p.parse_if())?;
                stmts.push(s);
            }
            K::For => {
                let s = self.nested(|p| p.parse_for())?;
                stmts.push(s);
            }
            K::While => {
                let s = self.nested(|p| p.parse_while())?;
                stmts.push(s);
            }
            _ => self.parse_simple_stmt(stmts)?,
        }
        Ok(())
    }

    fn parse_simple_stmt(&mut self, stmts: &mut Vec<Stmt>) -> PResult<()> {
        loop {
            stmts.push(self.parse_small_stmt()?);
            if self.kind() != TokenKind::Semi {
                break;
            }
            self.next();
            if matches!(self.kind(), TokenKind::Newline | TokenKind::Eof) {
                break;
            }
        }
        if self.kind() != TokenKind::Eof {
            self.expect(TokenKind::Newline)?;
        }
        Ok(())
    }

    fn parse_small_stmt(&mut self) -> PResult<Stmt> {
        use TokenKind as K;
        let start = self.span();
        match self.kind() {
            K::Return => {
                self.next();
                let mut span = start;
                let result = if matches!(self.kind(), K::Eof | K::Newline | K::Semi) {
                    None
                } else {
                    let e = *self.parse_expr(false)?;
                    span = span.to(e.span);
                    Some(e)
                };
                return Ok(Stmt {
                    span,
                    kind: StmtKind::Return(result),
                });
            }
            K::Break | K::Continue | K::Pass => {
                let kind = match self.kind() {
                    K::Break => StmtKind::Break,
                    K::Continue => StmtKind::Continue,
                    _ => StmtKind::Pass,
                };
                self.next();
                return Ok(Stmt { span: start, kind });
            }
            K::Load => return self.parse_load(),
            _ => {}
        }
        let lhs = *self.parse_expr(false)?;
        let k = self.kind();
        if k == K::Eq || k.augmented_op().is_some() {
            let op_span = self.next();
            let rhs = *self.parse_expr(false)?;
            let span = lhs.span.to(rhs.span);
            let kind = match k.augmented_op() {
                None => StmtKind::Assign { lhs, rhs },
                Some(op) => StmtKind::AugAssign {
                    op: binop(op).unwrap().0,
                    op_span,
                    lhs,
                    rhs,
                },
            };
            return Ok(Stmt { span, kind });
        }
        Ok(Stmt {
            span: lhs.span,
            kind: StmtKind::Expr(lhs),
        })
    }

    fn parse_load(&mut self) -> PResult<Stmt> {
        use TokenKind as K;
        let start = self.next();
        let lparen = self.expect(K::LParen)?;
        if self.kind() != K::String {
            return self.err(
                self.span(),
                "first operand of load statement must be a string literal",
            );
        }
        let module_span = self.span();
        let module = self.take_str();
        let mut bindings = Vec::new();
        while !matches!(self.kind(), K::RParen | K::Eof) {
            self.expect(K::Comma)?;
            match self.kind() {
                K::RParen => break,
                K::String => {
                    let span = self.span();
                    let name: Name = self.take_str().into();
                    // The local name's position is just inside the quote.
                    let mut lspan = span;
                    lspan.start.offset += 1;
                    lspan.start.col += 1;
                    bindings.push(LoadBinding {
                        local: Ident::new(name.clone(), lspan),
                        name,
                        name_span: span,
                    });
                }
                K::Ident => {
                    let local = self.parse_ident()?;
                    if self.kind() != K::Eq {
                        return self.err(
                            self.span(),
                            format!(
                                "load operand must be \"{0}\" or {0}=\"originalname\" (want '=' after {0})",
                                local.name
                            ),
                        );
                    }
                    self.next();
                    if self.kind() != K::String {
                        return self.err(
                            self.span(),
                            format!(
                                "original name of loaded symbol must be quoted: {}=\"originalname\"",
                                local.name
                            ),
                        );
                    }
                    let name_span = self.span();
                    let name: Name = self.take_str().into();
                    bindings.push(LoadBinding {
                        local,
                        name,
                        name_span,
                    });
                }
                _ => {
                    if let TokenValue::Error(_) = self.tok().value {
                        return Err(self.unexpected(""));
                    }
                    return self.err(
                        self.span(),
                        format!(
                            "load operand must be \"name\" or localname=\"name\" (got {})",
                            self.kind().describe()
                        ),
                    );
                }
            }
        }
        let rparen = self.expect(K::RParen)?;
        if bindings.is_empty() {
            return self.err(lparen, "load statement must import at least 1 symbol");
        }
        Ok(Stmt {
            span: start.to(rparen),
            kind: StmtKind::Load {
                module,
                module_span,
                bindings,
            },
        })
    }

    /// Takes the decoded value of the current string token and consumes it.
    fn take_str(&mut self) -> Box<str> {
        let v = match self.toks.get_mut(self.i) {
            Some(t) => std::mem::take(&mut t.value),
            None => TokenValue::None,
        };
        self.next();
        match v {
            TokenValue::Str(s) => String::from_utf8_lossy(&s).into(),
            _ => "".into(),
        }
    }

    fn parse_def(&mut self) -> PResult<Stmt> {
        let start = self.next();
        let name = self.parse_ident()?;
        self.expect(TokenKind::LParen)?;
        let params = self.parse_params()?;
        self.expect(TokenKind::RParen)?;
        self.expect(TokenKind::Colon)?;
        let body = self.parse_suite()?;
        let span = start.to(self.prev_end(start));
        Ok(Stmt {
            span,
            kind: StmtKind::Def(Box::new(Function {
                name,
                span,
                params,
                body,
                is_lambda: false,
                locals: Vec::new(),
                free: Vec::new(),
            })),
        })
    }

    /// The span ending at the last consumed non-layout token (for statement spans).
    fn prev_end(&self, start: Span) -> Span {
        let mut j = self.i;
        while j > 0 {
            j -= 1;
            let t = &self.toks[j];
            if !matches!(
                t.kind,
                TokenKind::Newline | TokenKind::Indent | TokenKind::Outdent | TokenKind::Eof
            ) {
                return t.span;
            }
        }
        start
    }

    fn parse_if(&mut self) -> PResult<Stmt> {
        let start = self.next();
        let cond = *self.parse_test()?;
        self.expect(TokenKind::Colon)?;
        let then = self.parse_suite()?;
        let otherwise = match self.kind() {
            TokenKind::Elif => {
                // An `elif` is an `if` nested in the else branch.
                let s = self.nested(|p| p.parse_if())?;
                vec![s]
            }
            TokenKind::Else => {
                self.next();
                self.expect(TokenKind::Colon)?;
                self.parse_suite()?
            }
            _ => Vec::new(),
        };
        let span = start.to(self.prev_end(start));
        Ok(Stmt {
            span,
            kind: StmtKind::If {
                cond,
                then,
                otherwise,
            },
        })
    }

    fn parse_for(&mut self) -> PResult<Stmt> {
        let start = self.next();
        let vars = *self.parse_loop_vars()?;
        self.expect(TokenKind::In)?;
        let iter = *self.parse_expr(false)?;
        self.expect(TokenKind::Colon)?;
        let body = self.parse_suite()?;
        let span = start.to(self.prev_end(start));
        Ok(Stmt {
            span,
            kind: StmtKind::For { vars, iter, body },
        })
    }

    fn parse_while(&mut self) -> PResult<Stmt> {
        let start = self.next();
        let cond = *self.parse_test()?;
        self.expect(TokenKind::Colon)?;
        let body = self.parse_suite()?;
        let span = start.to(self.prev_end(start));
        Ok(Stmt {
            span,
            kind: StmtKind::While { cond, body },
        })
    }

    fn parse_suite(&mut self) -> PResult<Vec<Stmt>> {
        let mut stmts = Vec::new();
        if self.kind() == TokenKind::Newline {
            self.next();
            self.expect(TokenKind::Indent)?;
            while !matches!(self.kind(), TokenKind::Outdent | TokenKind::Eof) {
                self.parse_stmt(&mut stmts)?;
            }
            self.expect(TokenKind::Outdent)?;
        } else {
            self.parse_simple_stmt(&mut stmts)?;
        }
        Ok(stmts)
    }

    /// Loop variables: primaries with suffixes, separated by commas (not a full
    /// expression, which would swallow the `in`).
    fn parse_loop_vars(&mut self) -> PResult<Box<Expr>> {
        let first = self.parse_primary_with_suffix()?;
        if self.kind() != TokenKind::Comma {
            return Ok(first);
        }
        let mut span = first.span;
        let mut list = vec![*first];
        while self.kind() == TokenKind::Comma {
            self.next();
            if is_expr_list_end(self.kind()) {
                break;
            }
            let e = self.parse_primary_with_suffix()?;
            span = span.to(e.span);
            list.push(*e);
        }
        Ok(Box::new(Expr {
            span,
            kind: ExprKind::Tuple(list),
        }))
    }

    fn parse_params(&mut self) -> PResult<Vec<Param>> {
        use TokenKind as K;
        let mut params: Vec<Param> = Vec::new();
        while !matches!(self.kind(), K::RParen | K::Colon | K::Eof) {
            if !params.is_empty() {
                self.expect(K::Comma)?;
            }
            if self.kind() == K::RParen {
                break;
            }
            match self.kind() {
                K::Star => {
                    let span = self.next();
                    let id = if self.kind() == K::Ident {
                        Some(self.parse_ident()?)
                    } else {
                        None
                    };
                    params.push(Param::Star(id, span));
                }
                K::StarStar => {
                    self.next();
                    params.push(Param::StarStar(self.parse_ident()?));
                }
                _ => {
                    let id = self.parse_ident()?;
                    if self.kind() == K::Eq {
                        self.next();
                        let d = *self.parse_test()?;
                        params.push(Param::Optional(id, d));
                    } else {
                        params.push(Param::Required(id));
                    }
                }
            }
        }
        Ok(params)
    }

    fn parse_ident(&mut self) -> PResult<Ident> {
        if self.kind() != TokenKind::Ident {
            if let TokenValue::Error(_) = self.tok().value {
                return Err(self.unexpected(""));
            }
            return self.err(self.span(), "not an identifier");
        }
        let span = self.span();
        let name = match self.toks.get_mut(self.i) {
            Some(t) => match std::mem::take(&mut t.value) {
                TokenValue::Name(n) => n,
                _ => "".into(),
            },
            None => "".into(),
        };
        self.next();
        Ok(Ident::new(name, span))
    }

    // ---- expressions ----

    /// `expr = test (',' test)*`: a tuple if there is a comma.
    fn parse_expr(&mut self, in_parens: bool) -> PResult<Box<Expr>> {
        let x = self.parse_test()?;
        if self.kind() != TokenKind::Comma {
            return Ok(x);
        }
        let mut span = x.span;
        let mut list = vec![*x];
        self.parse_expr_list(&mut list, &mut span, in_parens)?;
        Ok(Box::new(Expr {
            span,
            kind: ExprKind::Tuple(list),
        }))
    }

    /// `(',' test)* ','?`, starting at a comma.
    fn parse_expr_list(
        &mut self,
        list: &mut Vec<Expr>,
        span: &mut Span,
        trailing_comma: bool,
    ) -> PResult<()> {
        while self.kind() == TokenKind::Comma {
            let comma = self.next();
            if is_expr_list_end(self.kind()) {
                if !trailing_comma {
                    return self.err(comma, "unparenthesized tuple with trailing comma");
                }
                break;
            }
            let e = self.parse_test()?;
            *span = span.to(e.span);
            list.push(*e);
        }
        Ok(())
    }

    /// `test = lambda | or_expr ['if' or_expr 'else' test]`
    fn parse_test(&mut self) -> PResult<Box<Expr>> {
        self.nested(|p| {
            if p.kind() == TokenKind::Lambda {
                return p.parse_lambda(true);
            }
            let x = p.parse_binary(0)?;
            if p.kind() != TokenKind::If {
                return Ok(x);
            }
            let if_span = p.next();
            let cond = p.parse_binary(0)?;
            if p.kind() != TokenKind::Else {
                return p.err(if_span, "conditional expression without else clause");
            }
            p.next();
            let otherwise = p.parse_test()?;
            Ok(Box::new(Expr {
                span: x.span.to(otherwise.span),
                kind: ExprKind::Cond {
                    cond,
                    then: x,
                    otherwise,
                },
            }))
        })
    }

    /// A test without a conditional expression (comprehension `if` clauses).
    fn parse_test_no_cond(&mut self) -> PResult<Box<Expr>> {
        if self.kind() == TokenKind::Lambda {
            return self.nested(|p| p.parse_lambda(false));
        }
        self.parse_binary(0)
    }

    fn parse_lambda(&mut self, allow_cond: bool) -> PResult<Box<Expr>> {
        let start = self.next();
        let params = if self.kind() != TokenKind::Colon {
            self.parse_params()?
        } else {
            Vec::new()
        };
        self.expect(TokenKind::Colon)?;
        let body = if allow_cond {
            self.parse_test()?
        } else {
            self.parse_test_no_cond()?
        };
        let span = start.to(body.span);
        Ok(Box::new(Expr {
            span,
            kind: ExprKind::Lambda(Box::new(Function {
                name: Ident::new("lambda", start),
                span,
                params,
                body: vec![Stmt {
                    span: body.span,
                    kind: StmtKind::Return(Some(*body)),
                }],
                is_lambda: true,
                locals: Vec::new(),
                free: Vec::new(),
            })),
        }))
    }

    /// The current token as a binary operator, treating `not in` as one operator.
    fn peek_binop(&self) -> PResult<Option<(BinOp, u8)>> {
        if self.kind() == TokenKind::Not {
            if self.peek_kind(1) != TokenKind::In {
                let t = self.toks.get(self.i + 1).unwrap_or(&self.eof);
                if let TokenValue::Error(msg) = &t.value {
                    return self.err(t.span, msg.to_string());
                }
                return self.err(t.span, format!("got {}, want in", t.kind.describe()));
            }
            return Ok(Some((BinOp::NotIn, CMP_PREC)));
        }
        Ok(binop(self.kind()))
    }

    /// Precedence climbing over the binary operators of precedence `min` and above.
    fn parse_binary(&mut self, min: u8) -> PResult<Box<Expr>> {
        let mut x = if self.kind() == TokenKind::Not && min <= NOT_PREC {
            let op_span = self.next();
            let y = self.nested(|p| p.parse_binary(NOT_PREC))?;
            Box::new(Expr {
                span: op_span.to(y.span),
                kind: ExprKind::Unary {
                    op: UnaryOp::Not,
                    op_span,
                    x: y,
                },
            })
        } else {
            self.parse_primary_with_suffix()?
        };
        let mut chain = 0u32;
        let mut last_cmp: Option<BinOp> = None;
        while let Some((op, prec)) = self.peek_binop()? {
            if prec < min {
                break;
            }
            if prec == CMP_PREC {
                if let Some(prev) = last_cmp {
                    return self.err(
                        self.span(),
                        format!(
                            "{} does not associate with {} (use parens)",
                            prev.text(),
                            op.text()
                        ),
                    );
                }
            }
            let op_span = self.next();
            if op == BinOp::NotIn {
                self.next();
            }
            chain += 1;
            if self.depth + chain > MAX_NESTING {
                return self.err(
                    op_span,
                    format!("expression too deeply nested (more than {MAX_NESTING} operators)"),
                );
            }
            let y = self.nested(|p| p.parse_binary(prec + 1))?;
            last_cmp = if prec == CMP_PREC { Some(op) } else { None };
            x = Box::new(Expr {
                span: x.span.to(y.span),
                kind: ExprKind::Binary { op, op_span, x, y },
            });
        }
        Ok(x)
    }

    fn parse_primary_with_suffix(&mut self) -> PResult<Box<Expr>> {
        use TokenKind as K;
        let mut x = self.parse_primary()?;
        let mut chain = 0u32;
        loop {
            match self.kind() {
                K::Dot => {
                    self.next();
                    let name = self.parse_ident()?;
                    x = Box::new(Expr {
                        span: x.span.to(name.span),
                        kind: ExprKind::Dot { x, name },
                    });
                }
                K::LBrack => x = self.parse_slice_suffix(x)?,
                K::LParen => x = self.parse_call_suffix(x)?,
                _ => return Ok(x),
            }
            chain += 1;
            if self.depth + chain > MAX_NESTING {
                return self.err(
                    x.span,
                    format!("expression too deeply nested (more than {MAX_NESTING} suffixes)"),
                );
            }
        }
    }

    fn parse_slice_suffix(&mut self, x: Box<Expr>) -> PResult<Box<Expr>> {
        use TokenKind as K;
        let lbrack = self.next();
        let mut lo = None;
        if self.kind() != K::Colon {
            let y = self.parse_expr(false)?;
            if self.kind() == K::RBrack {
                let r = self.next();
                return Ok(Box::new(Expr {
                    span: x.span.to(r),
                    kind: ExprKind::Index {
                        x,
                        index: y,
                        lbrack,
                    },
                }));
            }
            lo = Some(y);
        }
        let mut hi = None;
        let mut step = None;
        if self.kind() == K::Colon {
            self.next();
            if !matches!(self.kind(), K::Colon | K::RBrack) {
                hi = Some(self.parse_test()?);
            }
        }
        if self.kind() == K::Colon {
            self.next();
            if self.kind() != K::RBrack {
                step = Some(self.parse_test()?);
            }
        }
        let r = self.expect(K::RBrack)?;
        Ok(Box::new(Expr {
            span: x.span.to(r),
            kind: ExprKind::Slice {
                x,
                lo,
                hi,
                step,
                lbrack,
            },
        }))
    }

    fn parse_call_suffix(&mut self, func: Box<Expr>) -> PResult<Box<Expr>> {
        use TokenKind as K;
        let lparen = self.next();
        let mut args: Vec<Arg> = Vec::new();
        while !matches!(self.kind(), K::RParen | K::Eof) {
            if !args.is_empty() {
                self.expect(K::Comma)?;
            }
            if self.kind() == K::RParen {
                break;
            }
            match self.kind() {
                K::Star | K::StarStar => {
                    let star = self.kind() == K::Star;
                    let s = self.next();
                    let mut e = *self.parse_test()?;
                    e.span = s.to(e.span);
                    args.push(if star { Arg::Star(e) } else { Arg::StarStar(e) });
                }
                _ => {
                    let x = *self.parse_test()?;
                    if self.kind() == K::Eq {
                        let ExprKind::Ident(id) = x.kind else {
                            return self
                                .err(self.span(), "keyword argument must have form name=expr");
                        };
                        self.next();
                        let v = *self.parse_test()?;
                        args.push(Arg::Named(id, v));
                    } else {
                        args.push(Arg::Positional(x));
                    }
                }
            }
        }
        let r = self.expect(K::RParen)?;
        Ok(Box::new(Expr {
            span: func.span.to(r),
            kind: ExprKind::Call { func, args, lparen },
        }))
    }

    fn parse_primary(&mut self) -> PResult<Box<Expr>> {
        use TokenKind as K;
        let span = self.span();
        let kind = match self.kind() {
            K::Ident => return Ok(self.ident_expr()),
            K::Int | K::Float | K::String | K::Bytes => {
                let v = std::mem::take(&mut self.toks[self.i].value);
                self.next();
                match v {
                    TokenValue::Int(i) => ExprKind::Int(i),
                    TokenValue::BigInt(b) => ExprKind::BigInt(b),
                    TokenValue::Float(f) => ExprKind::Float(f),
                    TokenValue::Str(s) => ExprKind::String(s),
                    TokenValue::Bytes(b) => ExprKind::Bytes(b),
                    _ => ExprKind::String(Box::default()),
                }
            }
            K::FString => {
                let v = std::mem::take(&mut self.toks[self.i].value);
                self.next();
                let TokenValue::Text(body) = v else {
                    unreachable!("f-string tokens carry their body")
                };
                ExprKind::FString(self.parse_fstring(&body, span)?)
            }
            K::LBrack => return self.nested(|p| p.parse_list()),
            K::LBrace => return self.nested(|p| p.parse_dict()),
            K::LParen => {
                return self.nested(|p| {
                    let l = p.next();
                    if p.kind() == K::RParen {
                        let r = p.next();
                        return Ok(Box::new(Expr {
                            span: l.to(r),
                            kind: ExprKind::Tuple(Vec::new()),
                        }));
                    }
                    let mut e = p.parse_expr(true)?;
                    let r = p.expect(K::RParen)?;
                    if matches!(e.kind, ExprKind::Tuple(_)) {
                        e.span = l.to(r);
                    }
                    Ok(e)
                });
            }
            K::Minus | K::Plus | K::Tilde => {
                let op = match self.kind() {
                    K::Minus => UnaryOp::Minus,
                    K::Plus => UnaryOp::Plus,
                    _ => UnaryOp::Tilde,
                };
                let op_span = self.next();
                let x = self.nested(|p| p.parse_primary_with_suffix())?;
                return Ok(Box::new(Expr {
                    span: op_span.to(x.span),
                    kind: ExprKind::Unary { op, op_span, x },
                }));
            }
            _ => return Err(self.unexpected("primary expression")),
        };
        Ok(Box::new(Expr { span, kind }))
    }

    fn ident_expr(&mut self) -> Box<Expr> {
        let span = self.span();
        let name = match std::mem::take(&mut self.toks[self.i].value) {
            TokenValue::Name(n) => n,
            _ => "".into(),
        };
        self.next();
        Box::new(Expr {
            span,
            kind: ExprKind::Ident(Ident::new(name, span)),
        })
    }

    fn parse_list(&mut self) -> PResult<Box<Expr>> {
        use TokenKind as K;
        let l = self.next();
        if self.kind() == K::RBrack {
            let r = self.next();
            return Ok(Box::new(Expr {
                span: l.to(r),
                kind: ExprKind::List(Vec::new()),
            }));
        }
        let x = self.parse_test()?;
        if self.kind() == K::For {
            return self.parse_comprehension(l, CompBody::List(*x), K::RBrack);
        }
        let mut span = x.span;
        let mut list = vec![*x];
        if self.kind() == K::Comma {
            self.parse_expr_list(&mut list, &mut span, true)?;
        }
        let r = self.expect(K::RBrack)?;
        Ok(Box::new(Expr {
            span: l.to(r),
            kind: ExprKind::List(list),
        }))
    }

    fn parse_dict(&mut self) -> PResult<Box<Expr>> {
        use TokenKind as K;
        let l = self.next();
        if self.kind() == K::RBrace {
            let r = self.next();
            return Ok(Box::new(Expr {
                span: l.to(r),
                kind: ExprKind::Dict(Vec::new()),
            }));
        }
        let (k, v) = self.parse_dict_entry()?;
        if self.kind() == K::For {
            return self.parse_comprehension(l, CompBody::Dict(k, v), K::RBrace);
        }
        let mut entries = vec![(k, v)];
        while self.kind() == K::Comma {
            self.next();
            if self.kind() == K::RBrace {
                break;
            }
            entries.push(self.parse_dict_entry()?);
        }
        let r = self.expect(K::RBrace)?;
        Ok(Box::new(Expr {
            span: l.to(r),
            kind: ExprKind::Dict(entries),
        }))
    }

    fn parse_dict_entry(&mut self) -> PResult<(Expr, Expr)> {
        let k = *self.parse_test()?;
        self.expect(TokenKind::Colon)?;
        let v = *self.parse_test()?;
        Ok((k, v))
    }

    fn parse_comprehension(
        &mut self,
        open: Span,
        body: CompBody,
        close: TokenKind,
    ) -> PResult<Box<Expr>> {
        use TokenKind as K;
        let mut clauses = Vec::new();
        while self.kind() != close {
            match self.kind() {
                K::For => {
                    let span = self.next();
                    let vars = *self.parse_loop_vars()?;
                    self.expect(K::In)?;
                    // The operand of `in` may be neither a conditional, a lambda nor an
                    // unparenthesized tuple.
                    let iter = *self.parse_binary(0)?;
                    clauses.push(Clause::For { vars, iter, span });
                }
                K::If => {
                    let span = self.next();
                    let cond = *self.parse_test_no_cond()?;
                    clauses.push(Clause::If { cond, span });
                }
                _ => return Err(self.unexpected(&format!("{}, for, or if", close.describe()))),
            }
        }
        let r = self.next();
        Ok(Box::new(Expr {
            span: open.to(r),
            kind: ExprKind::Comprehension(Box::new(Comprehension { body, clauses })),
        }))
    }

    /// Splits an f-string body into text and `{expr}` parts, parsing each expression
    /// with a sub-scanner positioned at its place in the source.
    fn parse_fstring(&mut self, body: &str, tok_span: Span) -> PResult<Vec<FStringPart>> {
        // Position of the body's first byte: after `f` and the opening quote(s).
        let src_bytes_before_body = {
            // The token text is f + quotes + body + quotes; the quote count is the
            // difference in lengths, halved.
            let total = (tok_span.end.offset - tok_span.start.offset) as usize;
            (total - 1 - body.len()) / 2 + 1
        };
        let mut pos = tok_span.start;
        pos.offset += src_bytes_before_body as u32;
        pos.col += src_bytes_before_body as u32;
        let advance = |pos: &mut Pos, s: &str| {
            for ch in s.chars() {
                pos.offset += ch.len_utf8() as u32;
                if ch == '\n' {
                    pos.line += 1;
                    pos.col = 1;
                } else {
                    pos.col += 1;
                }
            }
        };
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut rest = body;
        let flush_text =
            |text: &mut String, parts: &mut Vec<FStringPart>, at: Span| -> PResult<()> {
                if text.is_empty() {
                    return Ok(());
                }
                let decoded = super::scanner::decode_string(text.as_bytes(), false, false)
                    .map_err(|msg| Box::new(SyntaxError::new(at, msg)))?;
                text.clear();
                if let TokenValue::Str(s) = decoded {
                    parts.push(FStringPart::Text(s));
                }
                Ok(())
            };
        while let Some(k) = rest.find(['{', '}']) {
            text.push_str(&rest[..k]);
            advance(&mut pos, &rest[..k]);
            let c = rest.as_bytes()[k];
            let after = &rest[k + 1..];
            if after.as_bytes().first() == Some(&c) {
                text.push(c as char);
                advance(&mut pos, &rest[k..k + 2]);
                rest = &rest[k + 2..];
                continue;
            }
            if c == b'}' {
                return self.err(Span::point(pos), "f-string: single '}' is not allowed");
            }
            flush_text(&mut text, &mut parts, tok_span)?;
            // Find the matching '}' (brackets inside the expression may nest).
            let mut depth = 0;
            let mut end = None;
            for (j, ch) in after.char_indices() {
                match ch {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' => depth -= 1,
                    '}' if depth == 0 => {
                        end = Some(j);
                        break;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            let Some(end) = end else {
                return self.err(Span::point(pos), "f-string: expecting '}'");
            };
            let inner = &after[..end];
            // Split off `:spec` and `!conv` at bracket depth 0.
            let mut expr_text = inner;
            let mut spec = None;
            let mut conversion = None;
            let mut d = 0;
            for (j, ch) in inner.char_indices() {
                match ch {
                    '(' | '[' | '{' => d += 1,
                    ')' | ']' | '}' => d -= 1,
                    ':' if d == 0 => {
                        spec = Some(inner[j + 1..].into());
                        expr_text = &inner[..j];
                        break;
                    }
                    _ => {}
                }
            }
            if let Some(bang) = expr_text.rfind('!') {
                let conv = expr_text[bang + 1..].trim();
                if !expr_text[bang + 1..].starts_with('=') {
                    match conv {
                        "r" | "s" => conversion = conv.chars().next(),
                        _ => {
                            return self.err(
                                Span::point(pos),
                                "f-string: invalid conversion character: expected 's' or 'r'",
                            )
                        }
                    }
                    expr_text = &expr_text[..bang];
                }
            }
            let mut expr_pos = pos;
            advance(&mut expr_pos, "{");
            if expr_text.trim().is_empty() {
                return self.err(
                    Span::point(expr_pos),
                    "f-string: empty expression not allowed",
                );
            }
            let expr = parse_expr_inner(expr_text, expr_pos, self.opts)?;
            parts.push(FStringPart::Expr {
                expr: Box::new(expr),
                conversion,
                spec,
            });
            advance(&mut pos, &rest[k..k + 1 + end + 1]);
            rest = &after[end + 1..];
        }
        text.push_str(rest);
        flush_text(&mut text, &mut parts, tok_span)?;
        Ok(parts)
    }
}

/// Parses `src` (whose first byte is at `pos` in the enclosing input) as a single
/// expression.
pub fn parse_expr_at(src: &str, pos: Pos, opts: ScanOptions) -> Result<Expr, SyntaxError> {
    parse_expr_inner(src, pos, opts).map_err(|e| *e)
}

fn parse_expr_inner(src: &str, pos: Pos, opts: ScanOptions) -> PResult<Expr> {
    let mut sc = Scanner::inside_brackets(opts, pos);
    let mut toks = Vec::new();
    sc.push(src.as_bytes(), &mut toks);
    sc.finish(&mut toks);
    let mut p = Descent::new(&mut toks, opts);
    let e = p.parse_expr(true)?;
    if p.kind() != TokenKind::Eof {
        return Err(p.unexpected("end of expression"));
    }
    Ok(*e)
}

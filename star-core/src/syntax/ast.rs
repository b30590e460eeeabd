//! The syntax tree.
//!
//! Every node carries a [`Span`]. Identifiers carry a [`Binding`] slot that the resolver
//! fills in (scope and index), so later stages never look a name up by string. Functions
//! (`def` and `lambda`) carry the tables the resolver computes: their locals, which of
//! them are captured by inner functions (cells), and their free variables.

use num_bigint::BigInt;

use super::token::{Name, Span};

/// Where a name lives, as decided by the resolver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Scope {
    /// Not yet resolved (or unresolvable).
    #[default]
    Undefined,
    /// A local variable of the enclosing function (or of the module's top-level code,
    /// for `load` bindings and comprehension variables); the index is its slot.
    Local,
    /// A variable of an enclosing function captured by this one; the index is its
    /// position among the function's free variables.
    Free,
    /// A module-level variable; the index is its slot among the module's globals.
    Global,
    /// A name provided by the host environment for this module.
    Predeclared,
    /// A name of the universe (built-in functions and constants such as `len`, `None`).
    Universal,
}

/// The resolution of one identifier occurrence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Binding {
    /// The scope the name was found in.
    pub scope: Scope,
    /// The slot index within that scope (meaningless for predeclared/universal names).
    pub index: u32,
}

/// An identifier occurrence.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The name.
    pub name: Name,
    /// Where it appears.
    pub span: Span,
    /// What it refers to (filled in by the resolver).
    pub binding: Binding,
}

impl Ident {
    /// An unresolved identifier.
    pub fn new(name: impl Into<Name>, span: Span) -> Ident {
        Ident {
            name: name.into(),
            span,
            binding: Binding::default(),
        }
    }
}

/// A unary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `not x`
    Not,
    /// `-x`
    Minus,
    /// `+x`
    Plus,
    /// `~x`
    Tilde,
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `or` (short-circuit)
    Or,
    /// `and` (short-circuit)
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `|`
    Pipe,
    /// `^`
    Caret,
    /// `&`
    Amp,
    /// `<<`
    LtLt,
    /// `>>`
    GtGt,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `//`
    SlashSlash,
    /// `%`
    Percent,
}

impl BinOp {
    /// The operator's source text.
    pub fn text(self) -> &'static str {
        use BinOp::*;
        match self {
            Or => "or",
            And => "and",
            Eq => "==",
            Ne => "!=",
            Lt => "<",
            Gt => ">",
            Le => "<=",
            Ge => ">=",
            In => "in",
            NotIn => "not in",
            Pipe => "|",
            Caret => "^",
            Amp => "&",
            LtLt => "<<",
            GtGt => ">>",
            Plus => "+",
            Minus => "-",
            Star => "*",
            Slash => "/",
            SlashSlash => "//",
            Percent => "%",
        }
    }

    /// Whether this is a comparison (these do not associate with each other).
    pub fn is_comparison(self) -> bool {
        use BinOp::*;
        matches!(self, Eq | Ne | Lt | Gt | Le | Ge | In | NotIn)
    }
}

impl UnaryOp {
    /// The operator's source text.
    pub fn text(self) -> &'static str {
        match self {
            UnaryOp::Not => "not",
            UnaryOp::Minus => "-",
            UnaryOp::Plus => "+",
            UnaryOp::Tilde => "~",
        }
    }
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// The source text of the whole expression.
    pub span: Span,
    /// What kind of expression it is.
    pub kind: ExprKind,
}

/// A part of an f-string: literal text or an interpolated expression.
#[derive(Clone, Debug, PartialEq)]
pub enum FStringPart {
    /// Literal text (with `{{`/`}}` already collapsed and escapes decoded).
    Text(Box<[u8]>),
    /// `{expr}`, `{expr!r}` or `{expr!s}`, with an optional format spec after `:`.
    Expr {
        /// The interpolated expression.
        expr: Box<Expr>,
        /// Conversion: `'r'` for `!r`, `'s'` for `!s`, or `None`.
        conversion: Option<char>,
        /// Text after `:`, if any.
        spec: Option<Box<str>>,
    },
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A name.
    Ident(Ident),
    /// An int literal that fits in 64 bits.
    Int(i64),
    /// A larger int literal.
    BigInt(Box<BigInt>),
    /// A float literal.
    Float(f64),
    /// A string literal (bytes, usually UTF-8).
    String(Box<[u8]>),
    /// A bytes literal.
    Bytes(Box<[u8]>),
    /// An f-string.
    FString(Vec<FStringPart>),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `(a, b)` or `a, b`
    Tuple(Vec<Expr>),
    /// `{k: v, ...}`
    Dict(Vec<(Expr, Expr)>),
    /// `[x for ...]` or `{k: v for ...}`
    Comprehension(Box<Comprehension>),
    /// `-x`, `not x`, ...
    Unary {
        /// The operator.
        op: UnaryOp,
        /// Where the operator is.
        op_span: Span,
        /// The operand.
        x: Box<Expr>,
    },
    /// `x + y`, `x and y`, ...
    Binary {
        /// The operator.
        op: BinOp,
        /// Where the operator is.
        op_span: Span,
        /// The left operand.
        x: Box<Expr>,
        /// The right operand.
        y: Box<Expr>,
    },
    /// `a if cond else b`
    Cond {
        /// The condition.
        cond: Box<Expr>,
        /// The value when true.
        then: Box<Expr>,
        /// The value when false.
        otherwise: Box<Expr>,
    },
    /// `lambda params: body`
    Lambda(Box<Function>),
    /// `f(args)`
    Call {
        /// The callee.
        func: Box<Expr>,
        /// The arguments, in source order.
        args: Vec<Arg>,
        /// The span of the opening parenthesis (where call errors point).
        lparen: Span,
    },
    /// `x[i]`
    Index {
        /// The operand.
        x: Box<Expr>,
        /// The index.
        index: Box<Expr>,
        /// The span of the opening bracket.
        lbrack: Span,
    },
    /// `x[lo:hi:step]`
    Slice {
        /// The operand.
        x: Box<Expr>,
        /// Lower bound.
        lo: Option<Box<Expr>>,
        /// Upper bound.
        hi: Option<Box<Expr>>,
        /// Step.
        step: Option<Box<Expr>>,
        /// The span of the opening bracket.
        lbrack: Span,
    },
    /// `x.name`
    Dot {
        /// The operand.
        x: Box<Expr>,
        /// The attribute name (not resolved).
        name: Ident,
    },
}

/// A call argument.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// `f(x)`
    Positional(Expr),
    /// `f(name=x)`
    Named(Ident, Expr),
    /// `f(*x)`
    Star(Expr),
    /// `f(**x)`
    StarStar(Expr),
}

impl Arg {
    /// The span of the whole argument.
    pub fn span(&self) -> Span {
        match self {
            Arg::Positional(e) | Arg::Star(e) | Arg::StarStar(e) => e.span,
            Arg::Named(n, e) => n.span.to(e.span),
        }
    }
}

/// A comprehension: `[body for x in y if z]` or `{k: v for ...}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Comprehension {
    /// The element expression (list) or key and value (dict).
    pub body: CompBody,
    /// The `for` and `if` clauses, in order; the first is always a `for`.
    pub clauses: Vec<Clause>,
}

/// What a comprehension produces.
#[derive(Clone, Debug, PartialEq)]
pub enum CompBody {
    /// `[x for ...]`
    List(Expr),
    /// `{k: v for ...}`
    Dict(Expr, Expr),
}

/// A clause of a comprehension.
#[derive(Clone, Debug, PartialEq)]
pub enum Clause {
    /// `for vars in iter`
    For {
        /// The loop variables (an identifier, tuple or list of targets).
        vars: Expr,
        /// The iterated expression.
        iter: Expr,
        /// Where the `for` keyword is.
        span: Span,
    },
    /// `if cond`
    If {
        /// The filter.
        cond: Expr,
        /// Where the `if` keyword is.
        span: Span,
    },
}

/// A function parameter.
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    /// `x`
    Required(Ident),
    /// `x=default`
    Optional(Ident, Expr),
    /// `*args`, or a bare `*` (None) that starts keyword-only parameters.
    Star(Option<Ident>, Span),
    /// `**kwargs`
    StarStar(Ident),
}

impl Param {
    /// The parameter's name, if it has one.
    pub fn ident(&self) -> Option<&Ident> {
        match self {
            Param::Required(i) | Param::Optional(i, _) | Param::StarStar(i) => Some(i),
            Param::Star(i, _) => i.as_ref(),
        }
    }

    /// The span of the parameter.
    pub fn span(&self) -> Span {
        match self {
            Param::Required(i) | Param::StarStar(i) => i.span,
            Param::Optional(i, e) => i.span.to(e.span),
            Param::Star(i, s) => i.as_ref().map_or(*s, |i| s.to(i.span)),
        }
    }
}

/// A local variable of a function, as computed by the resolver.
#[derive(Clone, Debug, PartialEq)]
pub struct Local {
    /// Its name.
    pub name: Name,
    /// Where it is first bound.
    pub span: Span,
    /// Whether an inner function captures it (it then lives in a shared cell).
    pub cell: bool,
}

/// A free variable of a function: a variable of an enclosing function it captures.
#[derive(Clone, Debug, PartialEq)]
pub struct FreeVar {
    /// Its name.
    pub name: Name,
    /// Where the enclosing function's variable lives from the enclosing function's
    /// point of view (a `Local` cell or one of its own `Free` variables).
    pub outer: Binding,
}

/// A `def` or `lambda`.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    /// The function's name (`lambda` for lambdas).
    pub name: Ident,
    /// The span of the whole definition.
    pub span: Span,
    /// The parameters, in order.
    pub params: Vec<Param>,
    /// The body (for a lambda, one `return` statement).
    pub body: Vec<Stmt>,
    /// Whether this is a lambda.
    pub is_lambda: bool,
    /// All local variables: parameters first, in order, then the rest (filled in by the
    /// resolver).
    pub locals: Vec<Local>,
    /// Captured variables of enclosing functions (filled in by the resolver).
    pub free: Vec<FreeVar>,
}

/// A statement with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// The source text of the whole statement.
    pub span: Span,
    /// What kind of statement it is.
    pub kind: StmtKind,
}

/// One name bound by a `load` statement.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadBinding {
    /// The local name bound.
    pub local: Ident,
    /// The name exported by the loaded module.
    pub name: Name,
    /// Where the exported name is written.
    pub name_span: Span,
}

/// The kinds of statement.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// An expression evaluated for its effect.
    Expr(Expr),
    /// `lhs = rhs`
    Assign {
        /// The target: an identifier, index, attribute, or tuple/list of targets.
        lhs: Expr,
        /// The value.
        rhs: Expr,
    },
    /// `lhs op= rhs`
    AugAssign {
        /// The operator applied.
        op: BinOp,
        /// Where the operator is.
        op_span: Span,
        /// The target: an identifier, index or attribute.
        lhs: Expr,
        /// The operand.
        rhs: Expr,
    },
    /// `def name(params): body`
    Def(Box<Function>),
    /// `if cond: then else: otherwise` (`elif` is a nested `If` in `otherwise`)
    If {
        /// The condition.
        cond: Expr,
        /// The statements run when true.
        then: Vec<Stmt>,
        /// The statements run when false.
        otherwise: Vec<Stmt>,
    },
    /// `for vars in iter: body`
    For {
        /// The loop variables.
        vars: Expr,
        /// The iterated expression.
        iter: Expr,
        /// The loop body.
        body: Vec<Stmt>,
    },
    /// `while cond: body`
    While {
        /// The condition.
        cond: Expr,
        /// The loop body.
        body: Vec<Stmt>,
    },
    /// `return` or `return x`
    Return(Option<Expr>),
    /// `break`
    Break,
    /// `continue`
    Continue,
    /// `pass`
    Pass,
    /// `load("module", "a", b="c")`
    Load {
        /// The module reference string.
        module: Box<str>,
        /// Where the module string is.
        module_span: Span,
        /// The names bound.
        bindings: Vec<LoadBinding>,
    },
}

/// A parsed file or stream: its statements, and the resolver's tables for its
/// top-level code.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Module {
    /// The top-level statements.
    pub stmts: Vec<Stmt>,
    /// Locals of the top-level code (`load` bindings unless they bind globally, and
    /// comprehension variables), filled in by the resolver.
    pub locals: Vec<Local>,
}

//! The resolver: binds every identifier to a scope and slot, and reports structural
//! errors.
//!
//! # Scoping rules
//!
//! Starlark scoping is Python's, made static. A name bound anywhere in a function body
//! (assignment, `for`, nested `def`, parameter) is local to the whole function, even
//! before the binding. A comprehension is its own lexical block whose variables get
//! slots in the enclosing container (function, or the module's top-level code). A name
//! not bound locally is looked up in enclosing functions (capturing it: the outer
//! variable becomes a *cell*, and the inner function gets a *free* variable), then in
//! the file block (names bound by `load`, unless the dialect makes them global), then
//! among module globals, the host's predeclared names and the universe.
//!
//! # Algorithm
//!
//! Resolution runs in two passes over the top-level statements, because a function body
//! may refer to a global bound later in the file:
//!
//! 1. **Declare.** Walk the top-level code in order (into top-level `if`/`for`/`while`
//!    bodies, not into functions, lambdas or comprehensions), creating a slot for each
//!    global and each `load` binding and reporting reassignments. In the
//!    `global_reassign` dialect, top-level uses are resolved here too, in order, so a use
//!    before the first binding is an error (the legacy Bazel rule).
//! 2. **Resolve.** Walk everything again with all top-level bindings known. Entering a
//!    function first binds its parameters and collects every name its body binds, then
//!    resolves the uses in the body; lookups that cross a function boundary create the
//!    free-variable and cell records as they go, memoised per block.
//!
//! All errors are collected, not just the first, each with its position. The same two
//! passes run per statement for the streaming executor ([`Resolver::resolve_stmt`]), where
//! a function body's reference to a not-yet-bound global is deferred until the global
//! is bound or the stream ends ([`Resolver::finish`]).

use rustc_hash::FxHashMap as HashMap;

use crate::dialect::{Construct, Dialect};
use crate::syntax::ast::*;
use crate::syntax::{Name, Pos, Span};

pub(crate) mod spell;

pub use spell::nearest;

/// The names of the universe: the spec's built-in functions and constants.
pub const UNIVERSE: &[&str] = &[
    "None",
    "True",
    "False",
    "abs",
    "any",
    "all",
    "bool",
    "bytes",
    "chr",
    "dict",
    "dir",
    "enumerate",
    "fail",
    "float",
    "getattr",
    "hasattr",
    "hash",
    "int",
    "len",
    "list",
    "max",
    "min",
    "ord",
    "print",
    "range",
    "repr",
    "reversed",
    "set",
    "sorted",
    "str",
    "tuple",
    "type",
    "zip",
];

/// A resolver error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolveError {
    /// Where the error is.
    pub span: Span,
    /// What is wrong.
    pub msg: String,
}

/// The environment a module is resolved in: which names the host predeclares and which
/// are universal.
pub trait Names {
    /// Whether `name` is predeclared for this module by the host.
    fn is_predeclared(&self, name: &str) -> bool;
    /// Whether `name` is a universal built-in.
    fn is_universal(&self, name: &str) -> bool;
    /// Universal and predeclared names, for spelling suggestions.
    fn candidates(&self) -> Vec<&str> {
        Vec::new()
    }
}

/// The standard environment: the [`UNIVERSE`] and a list of predeclared names.
#[derive(Clone, Debug, Default)]
pub struct StandardNames {
    /// The host's predeclared names.
    pub predeclared: Vec<String>,
}

impl Names for StandardNames {
    fn is_predeclared(&self, name: &str) -> bool {
        self.predeclared.iter().any(|p| p == name)
    }
    fn is_universal(&self, name: &str) -> bool {
        UNIVERSE.contains(&name)
    }
    fn candidates(&self) -> Vec<&str> {
        let mut v: Vec<&str> = UNIVERSE.to_vec();
        v.extend(self.predeclared.iter().map(|s| s.as_str()));
        v
    }
}

/// A module-level variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Global {
    /// Its name.
    pub name: Name,
    /// Where it is first bound (None while it is only referenced, in streaming mode).
    pub first: Option<Span>,
}

/// What the resolver knows about a module's globals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleScope {
    /// The globals, indexed by slot.
    pub globals: Vec<Global>,
    index: HashMap<Name, u32>,
}

impl ModuleScope {
    /// The slot of global `name`, if it has one.
    pub fn slot(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    fn get_or_add(&mut self, name: &str) -> (u32, bool) {
        if let Some(&i) = self.index.get(name) {
            return (i, true);
        }
        let i = self.globals.len() as u32;
        self.globals.push(Global {
            name: name.into(),
            first: None,
        });
        self.index.insert(name.into(), i);
        (i, false)
    }
}

/// A block of the lexical environment.
struct Block {
    names: HashMap<Name, Binding>,
    /// For a function block, its index in `Resolver::fns`.
    func: Option<usize>,
}

/// The tables of a function being resolved.
struct FnState {
    locals: Vec<Local>,
    free: Vec<FreeVar>,
}

/// What a resolver knows about a module between two uses (a REPL's inputs, a
/// stream's statements): its globals, top-level locals, `load` bindings and deferred
/// references. [`Resolver::save`] makes one; [`Resolver::resume`] continues from it.
#[derive(Clone)]
pub struct ResolverState {
    file: String,
    scope: ModuleScope,
    module_locals: Vec<Local>,
    file_block: HashMap<Name, Binding>,
    seen_non_load: bool,
    defer_globals: bool,
    pending: Vec<(Name, Span)>,
}

/// Resolves modules (whole) or statements (one at a time). See the module docs.
pub struct Resolver<'a> {
    dialect: &'a Dialect,
    names: &'a dyn Names,
    file: String,
    /// The module's globals.
    pub scope: ModuleScope,
    /// Locals of the top-level code.
    module_locals: Vec<Local>,
    /// blocks[0] is the file block (load bindings).
    blocks: Vec<Block>,
    fns: Vec<FnState>,
    loops: u32,
    /// Nesting of top-level `if`/`for`/`while` (for load placement errors).
    toplevel_if: u32,
    toplevel_loop: u32,
    /// A non-load statement has been seen (for `loads_first`).
    seen_non_load: bool,
    /// Streaming: function bodies may refer to globals bound later.
    defer_globals: bool,
    /// Deferred references: name → first use.
    pending: Vec<(Name, Span)>,
    errors: Vec<ResolveError>,
}

impl<'a> Resolver<'a> {
    /// A resolver for a module in file `file` (used in "declared at" messages).
    pub fn new(dialect: &'a Dialect, names: &'a dyn Names, file: &str) -> Resolver<'a> {
        Resolver {
            dialect,
            names,
            file: file.to_string(),
            scope: ModuleScope::default(),
            module_locals: Vec::new(),
            blocks: vec![Block {
                names: HashMap::default(),
                func: None,
            }],
            fns: Vec::new(),
            loops: 0,
            toplevel_if: 0,
            toplevel_loop: 0,
            seen_non_load: false,
            defer_globals: false,
            pending: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// Ends this use of the resolver, keeping what it knows of the module.
    pub fn save(mut self) -> ResolverState {
        let file_block = std::mem::take(&mut self.blocks[0].names);
        ResolverState {
            file: self.file,
            scope: self.scope,
            module_locals: self.module_locals,
            file_block,
            seen_non_load: self.seen_non_load,
            defer_globals: self.defer_globals,
            pending: self.pending,
        }
    }

    /// A resolver that continues a module from a saved state.
    pub fn resume(
        dialect: &'a Dialect,
        names: &'a dyn Names,
        state: ResolverState,
    ) -> Resolver<'a> {
        let mut r = Resolver::new(dialect, names, &state.file);
        r.scope = state.scope;
        r.module_locals = state.module_locals;
        r.blocks[0].names = state.file_block;
        r.seen_non_load = state.seen_non_load;
        r.defer_globals = state.defer_globals;
        r.pending = state.pending;
        r
    }

    /// Switches to streaming mode: see [`Resolver::resolve_stmt`].
    pub fn streaming(mut self) -> Self {
        self.defer_globals = true;
        self
    }

    /// Resolves a whole module. Returns every error found, in source order.
    pub fn resolve_module(&mut self, module: &mut Module) -> Vec<ResolveError> {
        for s in module.stmts.iter_mut() {
            self.declare_stmt(s);
        }
        for s in module.stmts.iter_mut() {
            self.resolve_stmt_uses(s);
        }
        module.locals = self.module_locals.clone();
        self.take_errors()
    }

    /// Resolves one top-level statement against the module state built by the
    /// statements before it (streaming). References from function bodies to globals not
    /// yet bound are deferred: they are satisfied by a later binding, or reported by
    /// [`Resolver::finish`].
    pub fn resolve_stmt(&mut self, stmt: &mut Stmt) -> Vec<ResolveError> {
        self.declare_stmt(stmt);
        self.resolve_stmt_uses(stmt);
        self.take_errors()
    }

    /// Ends a stream: reports deferred references to globals that were never bound.
    pub fn finish(&mut self) -> Vec<ResolveError> {
        let pending = std::mem::take(&mut self.pending);
        for (name, span) in pending {
            let bound = self
                .scope
                .slot(&name)
                .is_some_and(|i| self.scope.globals[i as usize].first.is_some());
            if !bound {
                let hint = self.hint(&name);
                self.error(span, format!("undefined: {name}{hint}"));
            }
        }
        self.take_errors()
    }

    /// Locals of the top-level code resolved so far.
    pub fn module_locals(&self) -> &[Local] {
        &self.module_locals
    }

    fn take_errors(&mut self) -> Vec<ResolveError> {
        let mut e = std::mem::take(&mut self.errors);
        e.sort_by_key(|e| e.span.start.offset);
        e
    }

    fn error(&mut self, span: Span, msg: impl Into<String>) {
        self.errors.push(ResolveError {
            span,
            msg: msg.into(),
        });
    }

    fn forbid(&mut self, c: Construct, span: Span) -> bool {
        if self.dialect.forbids(c) {
            self.error(
                span,
                format!("{c} is not allowed: this environment forbids {c}"),
            );
            return true;
        }
        false
    }

    fn at(&self, p: Pos) -> String {
        format!("{}:{}:{}", self.file, p.line, p.col)
    }

    // ---- pass 1: declare top-level bindings ----

    fn declare_stmt(&mut self, s: &mut Stmt) {
        match &mut s.kind {
            StmtKind::Expr(e) => self.toplevel_uses(e),
            StmtKind::Assign { lhs, rhs } => {
                self.toplevel_uses(rhs);
                self.declare_target(lhs);
            }
            StmtKind::AugAssign { lhs, rhs, .. } => {
                self.toplevel_uses(rhs);
                self.declare_target(lhs);
            }
            StmtKind::Def(f) => {
                for p in f.params.iter_mut() {
                    if let Param::Optional(_, d) = p {
                        self.toplevel_uses(d);
                    }
                }
                self.bind_global(&mut f.name);
            }
            StmtKind::If {
                cond,
                then,
                otherwise,
            } => {
                self.toplevel_uses(cond);
                for s in then.iter_mut().chain(otherwise.iter_mut()) {
                    self.declare_stmt(s);
                }
            }
            StmtKind::For { vars, iter, body } => {
                self.toplevel_uses(iter);
                self.declare_target(vars);
                for s in body.iter_mut() {
                    self.declare_stmt(s);
                }
            }
            StmtKind::While { cond, body } => {
                self.toplevel_uses(cond);
                for s in body.iter_mut() {
                    self.declare_stmt(s);
                }
            }
            StmtKind::Return(Some(e)) => self.toplevel_uses(e),
            StmtKind::Load { bindings, .. } => {
                for b in bindings.iter_mut() {
                    if b.name.is_empty() || b.name.starts_with('_') {
                        continue; // reported in pass 2
                    }
                    if self.dialect.load_binds_globally {
                        self.bind_global(&mut b.local);
                    } else {
                        let existed = self.bind_file_local(&mut b.local);
                        if existed && !self.dialect.global_reassign {
                            self.error(
                                b.local.span,
                                format!("cannot reassign top-level {}", b.local.name),
                            );
                        }
                    }
                }
            }
            StmtKind::Return(None) | StmtKind::Break | StmtKind::Continue | StmtKind::Pass => {}
        }
    }

    /// In the `global_reassign` dialect, resolves a top-level expression's direct uses
    /// now, in order.
    fn toplevel_uses(&mut self, e: &mut Expr) {
        if self.dialect.global_reassign {
            self.walk_direct_uses(e);
        }
    }

    /// Resolves the identifiers of `e` outside nested functions and comprehensions.
    fn walk_direct_uses(&mut self, e: &mut Expr) {
        crate::native_stack::maybe_grow(128 * 1024, 1024 * 1024, || match &mut e.kind {
            ExprKind::Ident(id) => {
                let b = self.lookup_toplevel(&id.name, id.span);
                id.binding = b;
            }
            ExprKind::Lambda(f) => {
                for p in f.params.iter_mut() {
                    if let Param::Optional(_, d) = p {
                        self.walk_direct_uses(d);
                    }
                }
            }
            ExprKind::Comprehension(c) => {
                if let Some(Clause::For { iter, .. }) = c.clauses.first_mut() {
                    self.walk_direct_uses(iter);
                }
            }
            _ => for_each_child(e, &mut |c| self.walk_direct_uses(c)),
        })
    }

    fn declare_target(&mut self, lhs: &mut Expr) {
        match &mut lhs.kind {
            ExprKind::Ident(id) => self.bind_global(id),
            ExprKind::Tuple(list) | ExprKind::List(list) => {
                // (An augmented assignment to a tuple or list is reported in pass 2; its
                // names are still bound, as in the reference implementation.)
                for x in list.iter_mut() {
                    self.declare_target(x);
                }
            }
            // Index and attribute targets use names; pass 2 (or the in-order pass)
            // resolves them.
            ExprKind::Index { .. } | ExprKind::Dot { .. } => self.toplevel_uses(lhs),
            _ => {}
        }
    }

    /// Binds a top-level name as a global (or reports a reassignment).
    fn bind_global(&mut self, id: &mut Ident) {
        if let Some(&b) = self.blocks[0].names.get(&id.name) {
            // A file-local (load) binding of the same name.
            if !self.dialect.global_reassign {
                let first = self.module_locals[b.index as usize].span.start;
                let at = self.at(first);
                self.error(
                    id.span,
                    format!("cannot reassign local {} declared at {at}", id.name),
                );
            }
            id.binding = b;
            return;
        }
        let (index, _) = self.scope.get_or_add(&id.name);
        let g = &mut self.scope.globals[index as usize];
        match g.first {
            Some(first) if !self.dialect.global_reassign => {
                let at = self.at(first.start);
                self.error(
                    id.span,
                    format!("cannot reassign global {} declared at {at}", id.name),
                );
            }
            Some(_) => {}
            None => g.first = Some(id.span),
        }
        id.binding = Binding {
            scope: Scope::Global,
            index,
        };
    }

    /// Binds a `load` name in the file block; returns whether it was already bound there.
    fn bind_file_local(&mut self, id: &mut Ident) -> bool {
        if let Some(&b) = self.blocks[0].names.get(&id.name) {
            id.binding = b;
            return true;
        }
        let b = Binding {
            scope: Scope::Local,
            index: self.module_locals.len() as u32,
        };
        self.module_locals.push(Local {
            name: id.name.clone(),
            span: id.span,
            cell: false,
        });
        self.blocks[0].names.insert(id.name.clone(), b);
        id.binding = b;
        false
    }

    // ---- pass 2: resolve uses and check structure ----

    fn in_function(&self) -> bool {
        !self.fns.is_empty()
    }

    fn resolve_stmts(&mut self, stmts: &mut [Stmt]) {
        for s in stmts {
            self.resolve_stmt_uses(s);
        }
    }

    fn resolve_stmt_uses(&mut self, s: &mut Stmt) {
        let toplevel = !self.in_function();
        if toplevel && self.toplevel_if == 0 && self.toplevel_loop == 0 {
            if let StmtKind::Load { .. } = s.kind {
                if self.dialect.loads_first && self.seen_non_load {
                    self.error(s.span, "load statements must come before other statements");
                }
            } else {
                self.seen_non_load = true;
            }
        }
        match &mut s.kind {
            StmtKind::Expr(e) => self.expr(e),
            StmtKind::Assign { lhs, rhs } => {
                self.expr(rhs);
                self.assign(lhs, false);
            }
            StmtKind::AugAssign { lhs, rhs, .. } => {
                self.expr(rhs);
                self.assign(lhs, true);
            }
            StmtKind::Def(f) => {
                self.forbid(Construct::Def, s.span);
                if !toplevel && !self.dialect.nested_def {
                    self.error(s.span, "dialect does not support nested def");
                }
                if !toplevel {
                    // The name was collected as a local of the enclosing function.
                    let b = self.lookup(&f.name.name, f.name.span);
                    f.name.binding = b;
                }
                self.function(f);
            }
            StmtKind::If {
                cond,
                then,
                otherwise,
            } => {
                self.forbid(Construct::If, s.span);
                if toplevel && !self.dialect.toplevel_control {
                    self.error(s.span, "if statement not within a function");
                }
                self.expr(cond);
                if toplevel {
                    self.toplevel_if += 1;
                }
                self.resolve_stmts(then);
                self.resolve_stmts(otherwise);
                if toplevel {
                    self.toplevel_if -= 1;
                }
            }
            StmtKind::For { vars, iter, body } => {
                self.forbid(Construct::For, s.span);
                if toplevel && !self.dialect.toplevel_control {
                    self.error(s.span, "for loop not within a function");
                }
                self.expr(iter);
                self.assign(vars, false);
                self.loop_body(body, toplevel);
            }
            StmtKind::While { cond, body } => {
                if !self.forbid(Construct::While, s.span) && !self.dialect.while_loops {
                    self.error(s.span, "dialect does not support while loops");
                }
                if toplevel && !self.dialect.toplevel_control {
                    self.error(s.span, "while loop not within a function");
                }
                self.expr(cond);
                self.loop_body(body, toplevel);
            }
            StmtKind::Return(e) => {
                if toplevel {
                    self.error(s.span, "return statement not within a function");
                }
                if let Some(e) = e {
                    self.expr(e);
                }
            }
            StmtKind::Break | StmtKind::Continue => {
                if self.loops == 0 {
                    let what = if matches!(s.kind, StmtKind::Break) {
                        "break"
                    } else {
                        "continue"
                    };
                    self.error(s.span, format!("{what} not in a loop"));
                }
            }
            StmtKind::Pass => {}
            StmtKind::Load { bindings, .. } => {
                self.forbid(Construct::Load, s.span);
                if !toplevel {
                    self.error(s.span, "load statement within a function");
                } else if self.toplevel_if > 0 {
                    self.error(s.span, "load statement within a conditional");
                } else if self.toplevel_loop > 0 {
                    self.error(s.span, "load statement within a loop");
                }
                for b in bindings.iter() {
                    if b.name.is_empty() {
                        self.error(b.name_span, "load: empty identifier");
                    } else if b.name.starts_with('_') {
                        self.error(
                            b.name_span,
                            format!(
                                "load: names with leading underscores are not exported: {}",
                                b.name
                            ),
                        );
                    }
                }
            }
        }
    }

    fn loop_body(&mut self, body: &mut [Stmt], toplevel: bool) {
        self.loops += 1;
        if toplevel {
            self.toplevel_loop += 1;
        }
        self.resolve_stmts(body);
        self.loops -= 1;
        if toplevel {
            self.toplevel_loop -= 1;
        }
    }

    /// Resolves an assignment target: binds names (inside functions they were collected
    /// already; at top level pass 1 bound them) and resolves the names it uses.
    fn assign(&mut self, lhs: &mut Expr, augmented: bool) {
        let span = lhs.span;
        match &mut lhs.kind {
            ExprKind::Ident(id) => {
                if self.in_function() || self.blocks.len() > 1 {
                    let b = self.lookup(&id.name, id.span);
                    id.binding = b;
                }
                // At top level, pass 1 already set the binding.
            }
            ExprKind::Index { x, index, .. } => {
                self.expr(x);
                self.expr(index);
            }
            ExprKind::Dot { x, .. } => self.expr(x),
            ExprKind::Tuple(_) | ExprKind::List(_) => {
                if augmented {
                    let what = if matches!(lhs.kind, ExprKind::Tuple(_)) {
                        "tuple"
                    } else {
                        "list"
                    };
                    self.error(
                        span,
                        format!("can't use {what} expression in augmented assignment"),
                    );
                }
                if let ExprKind::Tuple(list) | ExprKind::List(list) = &mut lhs.kind {
                    for x in list.iter_mut() {
                        self.assign(x, augmented);
                    }
                }
            }
            other => {
                let what = match other {
                    ExprKind::Int(_)
                    | ExprKind::BigInt(_)
                    | ExprKind::Float(_)
                    | ExprKind::String(_)
                    | ExprKind::Bytes(_)
                    | ExprKind::FString(_) => "literal",
                    ExprKind::Binary { .. } => "binaryexpr",
                    ExprKind::Unary { .. } => "unaryexpr",
                    ExprKind::Call { .. } => "callexpr",
                    ExprKind::Cond { .. } => "condexpr",
                    ExprKind::Lambda(_) => "lambdaexpr",
                    ExprKind::Comprehension(_) => "comprehension",
                    ExprKind::Dict(_) => "dictexpr",
                    ExprKind::Slice { .. } => "sliceexpr",
                    _ => "expression",
                };
                self.error(span, format!("can't assign to {what}"));
            }
        }
    }

    fn expr(&mut self, e: &mut Expr) {
        // Trees are at most MAX_NESTING deep; growing the stack on demand keeps even
        // that safe on small thread stacks.
        crate::native_stack::maybe_grow(128 * 1024, 1024 * 1024, || self.expr_inner(e));
    }

    fn expr_inner(&mut self, e: &mut Expr) {
        let span = e.span;
        match &mut e.kind {
            ExprKind::Ident(id) => {
                let toplevel_direct = !self.in_function() && self.blocks.len() == 1;
                if toplevel_direct && self.dialect.global_reassign {
                    return; // resolved in order by pass 1
                }
                let b = self.lookup(&id.name, id.span);
                id.binding = b;
            }
            ExprKind::Float(_) => {
                if !self.dialect.floats {
                    self.error(span, "dialect does not support floating point");
                }
            }
            ExprKind::FString(parts) => {
                self.forbid(Construct::FString, span);
                for p in parts.iter_mut() {
                    if let FStringPart::Expr { expr, .. } = p {
                        self.expr(expr);
                    }
                }
            }
            ExprKind::Binary { op, op_span, x, y } => {
                if *op == BinOp::Slash && !self.dialect.floats {
                    let s = *op_span;
                    self.error(s, "dialect does not support floating point (use //)");
                }
                self.expr(x);
                self.expr(y);
            }
            ExprKind::Call { func, args, .. } => {
                self.expr(func);
                self.call_args(args);
            }
            ExprKind::Lambda(f) => {
                if !self.forbid(Construct::Lambda, span) && !self.dialect.lambda {
                    self.error(span, "dialect does not support lambda");
                }
                self.function(f);
            }
            ExprKind::Comprehension(c) => {
                self.forbid(Construct::Comprehension, span);
                self.comprehension(c);
            }
            _ => for_each_child(e, &mut |c| self.expr(c)),
        }
    }

    fn call_args(&mut self, args: &mut [Arg]) {
        let (mut seen_star, mut seen_kwargs) = (false, false);
        let mut names: Vec<Name> = Vec::new();
        let (mut npos, mut nkw) = (0, 0);
        for a in args.iter_mut() {
            let span = a.span();
            match a {
                Arg::StarStar(e) => {
                    if seen_kwargs {
                        self.error(span, "multiple **kwargs not allowed");
                    }
                    seen_kwargs = true;
                    self.expr(e);
                }
                Arg::Star(e) => {
                    if seen_kwargs {
                        self.error(span, "*args may not follow **kwargs");
                    } else if seen_star {
                        self.error(span, "multiple *args not allowed");
                    }
                    seen_star = true;
                    self.expr(e);
                }
                Arg::Named(id, e) => {
                    nkw += 1;
                    if seen_kwargs {
                        self.error(span, "argument may not follow **kwargs");
                    }
                    if names.contains(&id.name) {
                        self.error(id.span, format!("keyword argument {} repeated", id.name));
                    } else {
                        names.push(id.name.clone());
                    }
                    self.expr(e);
                }
                Arg::Positional(e) => {
                    npos += 1;
                    if seen_star {
                        self.error(span, "argument may not follow *args");
                    } else if seen_kwargs {
                        self.error(span, "argument may not follow **kwargs");
                    } else if !names.is_empty() {
                        self.error(span, "positional argument may not follow named");
                    }
                    self.expr(e);
                }
            }
        }
        if let Some(first) = args.first() {
            let span = first.span();
            if npos >= 256 {
                self.error(
                    span,
                    format!("{npos} positional arguments in call, limit is 255"),
                );
            }
            if nkw >= 256 {
                self.error(
                    span,
                    format!("{nkw} keyword arguments in call, limit is 255"),
                );
            }
        }
    }

    fn comprehension(&mut self, c: &mut Comprehension) {
        // The first iterable is evaluated in the enclosing block: [x for x in x].
        if let Some(Clause::For { iter, .. }) = c.clauses.first_mut() {
            self.expr(iter);
        }
        self.blocks.push(Block {
            names: HashMap::default(),
            func: None,
        });
        // Bind every clause's variables first: uses anywhere in the comprehension see
        // them (as in the reference, where uses are resolved at the container's end).
        for cl in c.clauses.iter_mut() {
            if let Clause::For { vars, .. } = cl {
                self.collect_comp_vars(vars);
            }
        }
        for (k, cl) in c.clauses.iter_mut().enumerate() {
            match cl {
                Clause::For { vars, iter, .. } => {
                    self.assign(vars, false);
                    if k > 0 {
                        self.expr(iter);
                    }
                }
                Clause::If { cond, .. } => self.expr(cond),
            }
        }
        match &mut c.body {
            CompBody::List(e) => self.expr(e),
            CompBody::Dict(k, v) => {
                self.expr(k);
                self.expr(v);
            }
        }
        self.blocks.pop();
    }

    fn collect_comp_vars(&mut self, vars: &Expr) {
        match &vars.kind {
            ExprKind::Ident(id) => {
                self.bind_local_in_block(&id.name, id.span);
            }
            ExprKind::Tuple(l) | ExprKind::List(l) => {
                for x in l {
                    self.collect_comp_vars(x);
                }
            }
            _ => {}
        }
    }

    /// Binds `name` in the innermost block, allocating a slot in the innermost
    /// container. Returns whether it was already bound in that block.
    fn bind_local_in_block(&mut self, name: &str, span: Span) -> bool {
        let top = self.blocks.len() - 1;
        if self.blocks[top].names.contains_key(name) {
            return true;
        }
        let locals = match self.fns.last_mut() {
            Some(f) => &mut f.locals,
            None => &mut self.module_locals,
        };
        let b = Binding {
            scope: Scope::Local,
            index: locals.len() as u32,
        };
        locals.push(Local {
            name: name.into(),
            span,
            cell: false,
        });
        self.blocks[top].names.insert(name.into(), b);
        false
    }

    fn function(&mut self, f: &mut Function) {
        // Defaults are evaluated in the enclosing environment.
        for p in f.params.iter_mut() {
            if let Param::Optional(_, d) = p {
                self.expr(d);
            }
        }
        let fi = self.fns.len();
        self.fns.push(FnState {
            locals: Vec::new(),
            free: Vec::new(),
        });
        self.blocks.push(Block {
            names: HashMap::default(),
            func: Some(fi),
        });
        self.params(&mut f.params);
        // Every name bound anywhere in the body is local to the whole body.
        collect_bindings(&f.body, &mut |name, span| {
            self.bind_local_in_block(name, span);
        });
        let saved_loops = std::mem::replace(&mut self.loops, 0);
        self.resolve_stmts(&mut f.body);
        self.loops = saved_loops;
        self.blocks.pop();
        let st = self.fns.pop().expect("function state");
        f.locals = st.locals;
        f.free = st.free;
    }

    fn params(&mut self, params: &mut [Param]) {
        let mut seen_optional = false;
        let mut star: Option<(usize, Span)> = None;
        let mut starstar: Option<Name> = None;
        let mut kwonly = 0;
        // Ordinary parameters first, then *args, then **kwargs, so that ordinary
        // parameters occupy contiguous slots.
        for (k, p) in params.iter_mut().enumerate() {
            match p {
                Param::Required(id) => {
                    if let Some(ss) = &starstar {
                        let m = format!("required parameter may not follow **{ss}");
                        self.error(id.span, m);
                    } else if star.is_some() {
                        kwonly += 1;
                    } else if seen_optional {
                        self.error(id.span, "required parameter may not follow optional");
                    }
                    self.bind_param(id);
                }
                Param::Optional(id, _) => {
                    if let Some(ss) = &starstar {
                        let m = format!("optional parameter may not follow **{ss}");
                        self.error(id.span, m);
                    } else if star.is_some() {
                        kwonly += 1;
                    }
                    self.bind_param(id);
                    seen_optional = true;
                }
                Param::Star(_, span) => {
                    if let Some(ss) = &starstar {
                        let m = format!("* parameter may not follow **{ss}");
                        self.error(*span, m);
                    } else if star.is_some() {
                        self.error(*span, "multiple * parameters not allowed");
                    } else {
                        star = Some((k, *span));
                    }
                }
                Param::StarStar(id) => {
                    if starstar.is_some() {
                        self.error(id.span, "multiple ** parameters not allowed");
                    }
                    starstar = Some(id.name.clone());
                }
            }
        }
        if let Some((k, span)) = star {
            match &mut params[k] {
                Param::Star(Some(id), _) => self.bind_param(id),
                _ if kwonly == 0 => {
                    self.error(span, "bare * must be followed by keyword-only parameters")
                }
                _ => {}
            }
        }
        // Only the first ** parameter is bound (any other was an error).
        if let Some(k) = params.iter().position(|p| matches!(p, Param::StarStar(_))) {
            if let Param::StarStar(id) = &mut params[k] {
                self.bind_param(id);
            }
        }
    }

    fn bind_param(&mut self, id: &mut Ident) {
        if self.bind_local_in_block(&id.name, id.span) {
            self.error(id.span, format!("duplicate parameter: {}", id.name));
        }
        let top = self.blocks.len() - 1;
        id.binding = self.blocks[top].names[&id.name];
    }

    /// Looks a name up from the innermost block outwards.
    fn lookup(&mut self, name: &str, span: Span) -> Binding {
        let top = self.blocks.len() - 1;
        self.lookup_from(top, name, span).0
    }

    /// Looks `name` up as seen from block `b`. Returns the binding and the function
    /// (index in `fns`, or None for the module's top-level code) owning it.
    fn lookup_from(&mut self, b: usize, name: &str, span: Span) -> (Binding, Option<usize>) {
        if b == 0 {
            return (self.lookup_toplevel(name, span), None);
        }
        let owner = self.owner_of(b);
        if let Some(&bind) = self.blocks[b].names.get(name) {
            return (bind, owner);
        }
        let (mut bind, from) = self.lookup_from(b - 1, name, span);
        if let Some(fi) = self.blocks[b].func {
            if matches!(bind.scope, Scope::Local | Scope::Free) {
                // Found in an enclosing function (or the top-level code): capture it.
                if bind.scope == Scope::Local {
                    let locals = match from {
                        Some(o) => &mut self.fns[o].locals,
                        None => &mut self.module_locals,
                    };
                    locals[bind.index as usize].cell = true;
                }
                let index = self.fns[fi].free.len() as u32;
                self.fns[fi].free.push(FreeVar {
                    name: name.into(),
                    outer: bind,
                });
                bind = Binding {
                    scope: Scope::Free,
                    index,
                };
            }
        }
        self.blocks[b].names.insert(name.into(), bind);
        (bind, owner)
    }

    /// The function owning block `b` (the innermost function block at or below it).
    fn owner_of(&self, b: usize) -> Option<usize> {
        self.blocks[..=b].iter().rev().find_map(|bl| bl.func)
    }

    /// Resolves a name in the file block: file-local, global, predeclared, universal.
    fn lookup_toplevel(&mut self, name: &str, span: Span) -> Binding {
        if let Some(&b) = self.blocks[0].names.get(name) {
            return b;
        }
        if let Some(i) = self.scope.slot(name) {
            let bound = self.scope.globals[i as usize].first.is_some();
            if bound || self.defer_globals {
                return Binding {
                    scope: Scope::Global,
                    index: i,
                };
            }
        }
        if self.names.is_predeclared(name) {
            return Binding {
                scope: Scope::Predeclared,
                index: 0,
            };
        }
        if self.names.is_universal(name) {
            if name == "float" && !self.dialect.floats {
                self.error(span, "dialect does not support floating point");
            }
            if name == "set" && !self.dialect.sets {
                self.error(span, "dialect does not support sets");
            }
            return Binding {
                scope: Scope::Universal,
                index: 0,
            };
        }
        if self.defer_globals && self.in_function() {
            // Streaming: a later statement may still bind it.
            let (index, _) = self.scope.get_or_add(name);
            self.pending.push((name.into(), span));
            return Binding {
                scope: Scope::Global,
                index,
            };
        }
        let hint = self.hint(name);
        self.error(span, format!("undefined: {name}{hint}"));
        Binding::default()
    }

    fn hint(&self, name: &str) -> String {
        let mut cands: Vec<&str> = Vec::new();
        for b in &self.blocks {
            cands.extend(b.names.keys().map(|k| &**k));
        }
        cands.extend(
            self.scope
                .globals
                .iter()
                .filter(|g| g.first.is_some())
                .map(|g| &*g.name),
        );
        cands.extend(self.names.candidates());
        match nearest(name, &cands) {
            Some(n) => format!(" (did you mean {n}?)"),
            None => String::new(),
        }
    }
}

/// Calls `f` on each direct sub-expression of `e` (not descending into function bodies;
/// lambda defaults and comprehension parts are handled by the callers that care).
fn for_each_child(e: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
    match &mut e.kind {
        ExprKind::Ident(_)
        | ExprKind::Int(_)
        | ExprKind::BigInt(_)
        | ExprKind::Float(_)
        | ExprKind::String(_)
        | ExprKind::Bytes(_) => {}
        ExprKind::FString(parts) => {
            for p in parts {
                if let FStringPart::Expr { expr, .. } = p {
                    f(expr);
                }
            }
        }
        ExprKind::List(l) | ExprKind::Tuple(l) => l.iter_mut().for_each(f),
        ExprKind::Dict(entries) => {
            for (k, v) in entries {
                f(k);
                f(v);
            }
        }
        ExprKind::Comprehension(_) | ExprKind::Lambda(_) => {}
        ExprKind::Unary { x, .. } => f(x),
        ExprKind::Binary { x, y, .. } => {
            f(x);
            f(y);
        }
        ExprKind::Cond {
            cond,
            then,
            otherwise,
        } => {
            f(then);
            f(cond);
            f(otherwise);
        }
        ExprKind::Call { func, args, .. } => {
            f(func);
            for a in args {
                match a {
                    Arg::Positional(e) | Arg::Star(e) | Arg::StarStar(e) | Arg::Named(_, e) => f(e),
                }
            }
        }
        ExprKind::Index { x, index, .. } => {
            f(x);
            f(index);
        }
        ExprKind::Slice {
            x, lo, hi, step, ..
        } => {
            f(x);
            for e in [lo, hi, step].into_iter().flatten() {
                f(e);
            }
        }
        ExprKind::Dot { x, .. } => f(x),
    }
}

/// Calls `bind` for every name a function body binds (assignments, `for` variables,
/// nested `def` names), not looking into nested functions or comprehensions.
fn collect_bindings(stmts: &[Stmt], bind: &mut dyn FnMut(&str, Span)) {
    fn target(e: &Expr, bind: &mut dyn FnMut(&str, Span)) {
        match &e.kind {
            ExprKind::Ident(id) => bind(&id.name, id.span),
            ExprKind::Tuple(l) | ExprKind::List(l) => {
                for x in l {
                    target(x, bind);
                }
            }
            _ => {}
        }
    }
    for s in stmts {
        match &s.kind {
            StmtKind::Assign { lhs, .. } => target(lhs, bind),
            StmtKind::AugAssign { lhs, .. } => {
                if let ExprKind::Ident(id) = &lhs.kind {
                    bind(&id.name, id.span);
                }
            }
            StmtKind::Def(f) => bind(&f.name.name, f.name.span),
            StmtKind::For { vars, body, .. } => {
                target(vars, bind);
                collect_bindings(body, bind);
            }
            StmtKind::While { body, .. } => collect_bindings(body, bind),
            StmtKind::If {
                then, otherwise, ..
            } => {
                collect_bindings(then, bind);
                collect_bindings(otherwise, bind);
            }
            StmtKind::Load { bindings, .. } => {
                for b in bindings {
                    bind(&b.local.name, b.local.span);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{ScanOptions, StreamParser};

    fn stream(src: &str) -> Vec<String> {
        let dialect = Dialect::standard();
        let names = StandardNames::default();
        let mut r = Resolver::new(&dialect, &names, "s.star").streaming();
        let mut sp = StreamParser::new(ScanOptions::default());
        let mut out = Vec::new();
        sp.push(src.as_bytes(), &mut out);
        sp.finish(&mut out);
        let mut errs = Vec::new();
        for s in out {
            let mut s = s.expect("parses");
            errs.extend(r.resolve_stmt(&mut s));
        }
        errs.extend(r.finish());
        errs.into_iter()
            .map(|e| format!("{}: {}", e.span.start, e.msg))
            .collect()
    }

    #[test]
    fn streaming_defers_forward_references_in_functions() {
        assert!(stream("def f():\n    return g()\ng = 1\n").is_empty());
        assert_eq!(
            stream("def f():\n    return missing_fn()\nx = 1\n"),
            ["2:12: undefined: missing_fn"]
        );
        // At top level a use must follow its binding.
        assert_eq!(stream("print(x)\nx = 1\n"), ["1:7: undefined: x"]);
        assert_eq!(
            stream("x = 1\nx = 2\n"),
            ["2:1: cannot reassign global x declared at s.star:1:1"]
        );
    }

    #[test]
    fn streaming_and_whole_module_agree_on_slots() {
        let src = "a = 1\ndef f(p):\n    b = p + a\n    return lambda: b\nc = f(a)\n";
        let dialect = Dialect::standard();
        let names = StandardNames::default();
        let (mut whole, errs) = crate::syntax::parse(src, ScanOptions::default());
        assert!(errs.is_empty());
        let mut r = Resolver::new(&dialect, &names, "s.star");
        assert!(r.resolve_module(&mut whole).is_empty());
        let (mut streamed, _) = crate::syntax::parse(src, ScanOptions::default());
        let mut r2 = Resolver::new(&dialect, &names, "s.star").streaming();
        for s in streamed.stmts.iter_mut() {
            assert!(r2.resolve_stmt(s).is_empty());
        }
        assert!(r2.finish().is_empty());
        assert_eq!(whole.stmts, streamed.stmts);
        assert_eq!(r.scope, r2.scope);
    }
}

//! The compiler: resolved syntax trees to [`Code`] for the register machine.
//!
//! # Algorithm
//!
//! One pass over the tree per function. Locals occupy the first registers (the resolver
//! numbered them); temporaries are allocated above them like a stack: an expression
//! allocates its result register, compiles its operands into registers above it, and
//! releases everything above its result when done. An expression whose value already
//! sits in a register (a local variable) is not copied: [`Compiler::expr_any`] returns
//! that register.
//!
//! Control flow compiles to jumps, patched when their target is known. `and`/`or` and
//! conditional expressions are jumps too. Loops over iterables use iterator slots (one
//! per nesting depth), so that a `break` or an error can release the collection being
//! iterated.
//!
//! Locals must not be read before they are assigned. The compiler tracks which locals
//! are *definitely assigned* along the straight-line path (parameters always are; an
//! assignment inside a branch or a loop body counts only inside it) and emits a
//! `CheckLocal` instruction before any other read. The common case, reading a parameter
//! or a variable assigned earlier in the same block, costs nothing at run time.
//!
//! Names resolved as predeclared or universal become constants: the environment is
//! known when a module is compiled.

use triomphe::Arc;

use super::code::*;
use super::methods::MethodCache;
use crate::syntax::ast::*;
use crate::syntax::Span;
use crate::value::{Bytes, Str, Value};

/// Looks up predeclared and universal names at compile time.
pub trait Environment {
    /// The value of a predeclared or universal name.
    fn lookup(&self, name: &str) -> Option<Value>;
}

struct Loop {
    /// Where `continue` jumps, if known when the body is compiled (`while`).
    continue_target: Option<u32>,
    /// `continue` jumps to patch once the target is known (`for`).
    continues: Vec<usize>,
    /// `break` jumps to patch.
    breaks: Vec<usize>,
    /// The loop's iterator slot (for `break` to release), if a `for` loop.
    iter_slot: Option<u32>,
}

/// Compiles one function body or a module's top level.
pub struct Compiler<'e> {
    env: &'e dyn Environment,
    code: Code,
    next: u32,
    iter_depth: u32,
    loops: Vec<Loop>,
    assigned: Vec<bool>,
    is_cell: Vec<bool>,
}

fn new_code(name: &str, file: &std::sync::Arc<str>, span: Span, locals: &[Local]) -> Code {
    Code {
        name: name.to_string(),
        file: file.clone(),
        span,
        ops: Vec::new(),
        spans: Vec::new(),
        consts: Vec::new(),
        names: Vec::new(),
        calls: Vec::new(),
        methods: Vec::new(),
        protos: Vec::new(),
        formats: Vec::new(),
        local_names: locals.iter().map(|l| Str::new(&l.name)).collect(),
        cells: (0..locals.len() as u32)
            .filter(|&i| locals[i as usize].cell)
            .collect(),
        nregs: locals.len() as u32,
        nlocals: locals.len() as u32,
        niters: 0,
        params: Vec::new(),
        npositional: 0,
        has_varargs: false,
        has_kwargs: false,
        loads: Vec::new(),
        free_names: Vec::new(),
    }
}

/// Compiles a module's top-level statements (a whole file, or one statement of a
/// stream) into the code of its top level. `locals` are the module's top-level locals
/// (which persist between statements). With `echo`, the code returns the value of
/// the last statement if that is an expression (what a REPL prints), else `None`.
pub fn compile_toplevel(
    env: &dyn Environment,
    file: &std::sync::Arc<str>,
    stmts: &[Stmt],
    locals: &[Local],
    echo: bool,
) -> Arc<Code> {
    let span = match (stmts.first(), stmts.last()) {
        (Some(a), Some(b)) => a.span.to(b.span),
        _ => Span::default(),
    };
    let mut c = Compiler {
        env,
        code: new_code("<toplevel>", file, span, locals),
        next: locals.len() as u32,
        iter_depth: 0,
        loops: Vec::new(),
        // Top-level locals persist across statements: always check them.
        assigned: vec![false; locals.len()],
        is_cell: locals.iter().map(|l| l.cell).collect(),
    };
    match stmts.split_last() {
        Some((last, rest)) if echo && matches!(last.kind, StmtKind::Expr(_)) => {
            c.stmts(rest);
            let StmtKind::Expr(e) = &last.kind else {
                unreachable!()
            };
            let r = c.temp();
            c.expr_into(e, r);
            c.emit(Op::Return { src: r }, span);
        }
        _ => {
            c.stmts(stmts);
            let r = c.temp();
            let k = c.constant(Value::None);
            c.emit(Op::Const { dst: r, k }, span);
            c.emit(Op::Return { src: r }, span);
        }
    }
    finish(c.code)
}

impl<'e> Compiler<'e> {
    fn function(&mut self, f: &Function) -> Arc<Code> {
        let file = self.code.file.clone();
        let name = if f.is_lambda { "lambda" } else { &f.name.name };
        let mut code = new_code(name, &file, f.span, &f.locals);
        code.free_names = f.free.iter().map(|v| Str::new(&v.name)).collect();
        let mut nparams = 0;
        // Parameters after `*` or `*args` are keyword-only.
        let mut star_seen = false;
        for p in &f.params {
            match p {
                Param::Required(id) | Param::Optional(id, _) => {
                    code.params.push(ParamInfo {
                        name: Str::new(&id.name),
                        has_default: matches!(p, Param::Optional(..)),
                    });
                    if !star_seen {
                        code.npositional += 1;
                    }
                    nparams += 1;
                }
                Param::Star(id, _) => {
                    star_seen = true;
                    code.has_varargs = id.is_some();
                }
                Param::StarStar(_) => code.has_kwargs = true,
            }
        }
        let nbound = nparams + code.has_varargs as u32 + code.has_kwargs as u32;
        let mut assigned = vec![false; f.locals.len()];
        for a in assigned.iter_mut().take(nbound as usize) {
            *a = true;
        }
        let mut c = Compiler {
            env: self.env,
            code,
            next: f.locals.len() as u32,
            iter_depth: 0,
            loops: Vec::new(),
            assigned,
            is_cell: f.locals.iter().map(|l| l.cell).collect(),
        };
        c.stmts(&f.body);
        let r = c.temp();
        let k = c.constant(Value::None);
        c.emit(Op::Const { dst: r, k }, f.span);
        c.emit(Op::Return { src: r }, f.span);
        finish(c.code)
    }

    fn emit(&mut self, op: Op, span: Span) -> usize {
        self.code.ops.push(op);
        self.code.spans.push(span);
        self.code.ops.len() - 1
    }

    fn here(&self) -> u32 {
        self.code.ops.len() as u32
    }

    fn patch(&mut self, at: usize, target: u32) {
        match &mut self.code.ops[at] {
            Op::Jump { target: t }
            | Op::JumpIfTrue { target: t, .. }
            | Op::JumpIfFalse { target: t, .. }
            | Op::JumpUnlessLt { target: t, .. }
            | Op::JumpUnlessLe { target: t, .. }
            | Op::JumpUnlessGt { target: t, .. }
            | Op::JumpUnlessGe { target: t, .. }
            | Op::JumpUnlessEq { target: t, .. }
            | Op::JumpUnlessNe { target: t, .. }
            | Op::JumpUnlessLtK { target: t, .. }
            | Op::JumpUnlessLeK { target: t, .. }
            | Op::JumpUnlessGtK { target: t, .. }
            | Op::JumpUnlessGeK { target: t, .. }
            | Op::JumpUnlessEqK { target: t, .. }
            | Op::JumpUnlessNeK { target: t, .. }
            | Op::IterNext { end: t, .. } => *t = target,
            _ => unreachable!("patching a non-jump"),
        }
    }

    /// Points the jump at `at` to the next instruction.
    fn patch_here(&mut self, at: usize) {
        let h = self.here();
        self.patch(at, h);
    }

    /// Emits a jump to `target` taken when `cond` is false, and returns its index. A
    /// comparison becomes one instruction that compares and branches.
    fn jump_unless(&mut self, cond: &Expr, target: u32) -> usize {
        if let ExprKind::Binary { op, op_span, x, y } = &cond.kind {
            if matches!(
                op,
                BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne
            ) {
                let a = self.expr_any(x);
                let instr = match self.literal_operand(y) {
                    Some(k) => jump_unless_k(*op, a, k, target),
                    None => {
                        let b = self.expr_any(y);
                        jump_unless(*op, a, b, target)
                    }
                };
                return self.emit(instr, *op_span);
            }
        }
        let c = self.expr_any(cond);
        self.emit(Op::JumpIfFalse { cond: c, target }, cond.span)
    }

    fn temp(&mut self) -> Reg {
        let r = self.next;
        self.next += 1;
        self.code.nregs = self.code.nregs.max(self.next);
        r
    }

    fn constant(&mut self, v: Value) -> u32 {
        self.code.consts.push(v);
        self.code.consts.len() as u32 - 1
    }

    /// The constant index of `e` if it is a number or string literal (a right operand
    /// that instructions with a constant operand can take directly).
    fn literal_operand(&mut self, e: &Expr) -> Option<u32> {
        let v = match &e.kind {
            ExprKind::Int(i) => Value::Int(*i),
            ExprKind::Float(f) => Value::Float(*f),
            ExprKind::String(s) => Value::Str(Str::from_bytes(s)),
            _ => return None,
        };
        Some(self.constant(v))
    }

    fn name(&mut self, n: &str) -> u32 {
        if let Some(i) = self
            .code
            .names
            .iter()
            .position(|s| s.as_bytes() == n.as_bytes())
        {
            return i as u32;
        }
        self.code.names.push(Str::new(n));
        self.code.names.len() as u32 - 1
    }

    // ----- statements -----

    fn stmts(&mut self, stmts: &[Stmt]) {
        for s in stmts {
            self.stmt(s);
        }
    }

    /// Compiles a nested block; assignments inside it do not count after it.
    fn block(&mut self, stmts: &[Stmt]) {
        let saved = self.assigned.clone();
        self.stmts(stmts);
        self.assigned = saved;
    }

    fn stmt(&mut self, s: &Stmt) {
        let mark = self.next;
        match &s.kind {
            StmtKind::Expr(e) => {
                let r = self.temp();
                self.expr_into(e, r);
            }
            StmtKind::Assign { lhs, rhs } => {
                if let Some(reg) = self.plain_local(lhs).filter(|_| writes_dst_last(rhs)) {
                    self.expr_into(rhs, reg);
                    self.mark_assigned(lhs);
                } else {
                    let r = self.expr_any(rhs);
                    self.assign(lhs, r, s.span);
                }
            }
            StmtKind::AugAssign {
                op,
                op_span,
                lhs,
                rhs,
            } => self.aug_assign(*op, *op_span, lhs, rhs),
            StmtKind::Def(f) => {
                let r = self.temp();
                self.make_function(f, r, s.span);
                self.store_ident(&f.name, r, s.span);
            }
            StmtKind::If {
                cond,
                then,
                otherwise,
            } => {
                let jf = self.jump_unless(cond, 0);
                self.next = mark;
                self.block(then);
                if otherwise.is_empty() {
                    self.patch_here(jf);
                } else {
                    let j = self.emit(Op::Jump { target: 0 }, s.span);
                    self.patch_here(jf);
                    self.block(otherwise);
                    self.patch_here(j);
                }
            }
            StmtKind::For { vars, iter, body } => {
                // IterNext (exit if empty); body: ...; IterLoop (next, back to body).
                // The loop test sits at the bottom, so an iteration costs one jump.
                let it = self.expr_any(iter);
                let slot = self.iter_depth;
                self.iter_depth += 1;
                self.code.niters = self.code.niters.max(self.iter_depth);
                self.emit(Op::IterStart { slot, src: it }, iter.span);
                self.next = mark;
                // A plain local loop variable receives the elements directly.
                let direct = self.plain_local(vars);
                let x = direct.unwrap_or_else(|| self.temp());
                let first = self.emit(
                    Op::IterNext {
                        slot,
                        dst: x,
                        end: 0,
                    },
                    s.span,
                );
                let saved = self.assigned.clone();
                let body_top = self.here();
                match direct {
                    Some(r) => self.assigned[r as usize] = true,
                    None => self.assign(vars, x, vars.span),
                }
                self.loops.push(Loop {
                    continue_target: None,
                    continues: Vec::new(),
                    breaks: Vec::new(),
                    iter_slot: Some(slot),
                });
                self.stmts(body);
                self.assigned = saved;
                let l = self.loops.pop().expect("loop");
                for c in l.continues {
                    self.patch_here(c);
                }
                self.emit(
                    Op::IterLoop {
                        slot,
                        dst: x,
                        body: body_top,
                    },
                    s.span,
                );
                let end = self.here();
                self.patch(first, end);
                for b in l.breaks {
                    self.patch(b, end);
                }
                self.iter_depth -= 1;
            }
            StmtKind::While { cond, body } => {
                let top = self.here();
                let jf = self.jump_unless(cond, 0);
                self.next = mark;
                self.loops.push(Loop {
                    continue_target: Some(top),
                    continues: Vec::new(),
                    breaks: Vec::new(),
                    iter_slot: None,
                });
                self.block(body);
                self.emit(Op::Jump { target: top }, s.span);
                let end = self.here();
                self.patch(jf, end);
                let l = self.loops.pop().expect("loop");
                for b in l.breaks {
                    self.patch(b, end);
                }
            }
            StmtKind::Return(e) => {
                let r = match e {
                    Some(e) => self.expr_any(e),
                    None => {
                        let r = self.temp();
                        let k = self.constant(Value::None);
                        self.emit(Op::Const { dst: r, k }, s.span);
                        r
                    }
                };
                self.emit(Op::Return { src: r }, s.span);
            }
            StmtKind::Break => {
                if let Some(slot) = self.loops.last().and_then(|l| l.iter_slot) {
                    self.emit(Op::IterEnd { slot }, s.span);
                }
                let j = self.emit(Op::Jump { target: 0 }, s.span);
                if let Some(l) = self.loops.last_mut() {
                    l.breaks.push(j);
                }
            }
            StmtKind::Continue => {
                let target = self.loops.last().and_then(|l| l.continue_target);
                let j = self.emit(
                    Op::Jump {
                        target: target.unwrap_or(0),
                    },
                    s.span,
                );
                if target.is_none() {
                    if let Some(l) = self.loops.last_mut() {
                        l.continues.push(j);
                    }
                }
            }
            StmtKind::Pass => {}
            StmtKind::Load {
                module, bindings, ..
            } => {
                let index = self.code.loads.len() as u32;
                self.code.loads.push(LoadDesc {
                    module: Str::new(module),
                    names: bindings.iter().map(|b| Str::new(&b.name)).collect(),
                    span: s.span,
                });
                let dst = self.next;
                for _ in bindings {
                    self.temp();
                }
                self.emit(Op::Load { index, dst }, s.span);
                for (i, b) in bindings.iter().enumerate() {
                    self.store_ident(&b.local, dst + i as u32, b.local.span);
                }
            }
        }
        self.next = mark;
    }

    /// The register of `e` if it is a local that is not a cell: assignments to it can
    /// write the register directly.
    fn plain_local(&self, e: &Expr) -> Option<Reg> {
        match &e.kind {
            ExprKind::Ident(id)
                if id.binding.scope == Scope::Local && !self.is_cell[id.binding.index as usize] =>
            {
                Some(id.binding.index)
            }
            _ => None,
        }
    }

    fn mark_assigned(&mut self, e: &Expr) {
        if let ExprKind::Ident(id) = &e.kind {
            if id.binding.scope == Scope::Local {
                self.assigned[id.binding.index as usize] = true;
            }
        }
    }

    fn store_ident(&mut self, id: &Ident, src: Reg, span: Span) {
        let i = id.binding.index;
        match id.binding.scope {
            Scope::Local => {
                if self.is_cell[i as usize] {
                    self.emit(Op::StoreCell { local: i, src }, span);
                } else if i != src {
                    self.emit(Op::Move { dst: i, src }, span);
                }
                self.assigned[i as usize] = true;
            }
            Scope::Global => {
                self.emit(Op::StoreGlobal { slot: i, src }, span);
            }
            // The resolver rejects assignments to anything else.
            _ => {}
        }
    }

    fn assign(&mut self, lhs: &Expr, src: Reg, span: Span) {
        match &lhs.kind {
            ExprKind::Ident(id) => self.store_ident(id, src, span),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let dst = self.next;
                for _ in items {
                    self.temp();
                }
                self.emit(
                    Op::Unpack {
                        src,
                        dst,
                        n: items.len() as u32,
                    },
                    lhs.span,
                );
                for (i, item) in items.iter().enumerate() {
                    self.assign(item, dst + i as u32, item.span);
                }
            }
            ExprKind::Index { x, index, lbrack } => {
                let o = self.expr_any(x);
                let k = self.expr_any(index);
                self.emit(
                    Op::SetIndex {
                        obj: o,
                        key: k,
                        src,
                    },
                    *lbrack,
                );
            }
            ExprKind::Dot { x, name } => {
                let o = self.expr_any(x);
                let n = self.name(&name.name);
                self.emit(
                    Op::SetAttr {
                        obj: o,
                        name: n,
                        src,
                    },
                    name.span,
                );
            }
            // The parser rejects other targets.
            _ => {}
        }
    }

    fn aug_assign(&mut self, op: BinOp, op_span: Span, lhs: &Expr, rhs: &Expr) {
        match &lhs.kind {
            ExprKind::Ident(id) => {
                let cur = self.expr_any(lhs);
                // A number on the right: `+=` and friends act as the plain operator
                // (only a list's `+=` differs, and then only with an iterable).
                let k = match rhs.kind {
                    ExprKind::Int(_) | ExprKind::Float(_) if has_constant_form(op) => {
                        self.literal_operand(rhs)
                    }
                    _ => None,
                };
                let dst = self.plain_local(lhs).unwrap_or_else(|| self.temp());
                let instr = match k {
                    Some(k) => binary_op_k(op, dst, cur, k),
                    None => {
                        let r = self.expr_any(rhs);
                        binary_op(op, dst, cur, r, true)
                    }
                };
                self.emit(instr, op_span);
                self.store_ident(id, dst, op_span);
            }
            ExprKind::Index { x, index, lbrack } => {
                let o = self.expr_any(x);
                let k = self.expr_any(index);
                let cur = self.temp();
                self.emit(
                    Op::Index {
                        dst: cur,
                        obj: o,
                        key: k,
                    },
                    *lbrack,
                );
                let r = self.expr_any(rhs);
                self.emit(binary_op(op, cur, cur, r, true), op_span);
                self.emit(
                    Op::SetIndex {
                        obj: o,
                        key: k,
                        src: cur,
                    },
                    *lbrack,
                );
            }
            ExprKind::Dot { x, name } => {
                let o = self.expr_any(x);
                let n = self.name(&name.name);
                let cur = self.temp();
                self.emit(
                    Op::GetAttr {
                        dst: cur,
                        obj: o,
                        name: n,
                    },
                    name.span,
                );
                let r = self.expr_any(rhs);
                self.emit(binary_op(op, cur, cur, r, true), op_span);
                self.emit(
                    Op::SetAttr {
                        obj: o,
                        name: n,
                        src: cur,
                    },
                    name.span,
                );
            }
            _ => {}
        }
    }

    fn make_function(&mut self, f: &Function, dst: Reg, span: Span) {
        let defaults = self.next;
        let mut ndefaults = 0;
        for p in &f.params {
            if let Param::Optional(_, d) = p {
                let r = self.temp();
                self.expr_into(d, r);
                ndefaults += 1;
            }
        }
        let code = self.function(f);
        let captures = f
            .free
            .iter()
            .map(|fv| match fv.outer.scope {
                Scope::Free => Capture::Free(fv.outer.index),
                _ => Capture::Local(fv.outer.index),
            })
            .collect();
        self.code.protos.push(Proto {
            code,
            captures,
            ndefaults,
        });
        let proto = self.code.protos.len() as u32 - 1;
        self.emit(
            Op::MakeFunction {
                dst,
                proto,
                defaults,
            },
            span,
        );
    }

    // ----- expressions -----

    /// Compiles `e` and returns a register holding its value: the local's own register
    /// for a plain local, a new temporary otherwise.
    fn expr_any(&mut self, e: &Expr) -> Reg {
        if let ExprKind::Ident(id) = &e.kind {
            if id.binding.scope == Scope::Local {
                let i = id.binding.index;
                if !self.is_cell[i as usize] {
                    if !self.assigned[i as usize] {
                        self.emit(Op::CheckLocal { reg: i, local: i }, id.span);
                    }
                    return i;
                }
            }
        }
        let r = self.temp();
        self.expr_into(e, r);
        r
    }

    /// Compiles `e` into register `dst`.
    fn expr_into(&mut self, e: &Expr, dst: Reg) {
        let mark = self.next.max(dst + 1);
        self.next = mark;
        self.code.nregs = self.code.nregs.max(self.next);
        match &e.kind {
            ExprKind::Ident(id) => self.load_ident(id, dst),
            ExprKind::Int(i) => {
                let k = self.constant(Value::Int(*i));
                self.emit(Op::Const { dst, k }, e.span);
            }
            ExprKind::BigInt(b) => {
                let k = self.constant(Value::from_bigint((**b).clone()));
                self.emit(Op::Const { dst, k }, e.span);
            }
            ExprKind::Float(f) => {
                let k = self.constant(Value::Float(*f));
                self.emit(Op::Const { dst, k }, e.span);
            }
            ExprKind::String(s) => {
                let k = self.constant(Value::Str(Str::from_bytes(s)));
                self.emit(Op::Const { dst, k }, e.span);
            }
            ExprKind::Bytes(b) => {
                let k = self.constant(Value::Bytes(Bytes::new(b)));
                self.emit(Op::Const { dst, k }, e.span);
            }
            ExprKind::FString(parts) => {
                let start = self.next;
                let mut convs = Vec::new();
                for p in parts {
                    let r = self.temp();
                    match p {
                        FStringPart::Text(t) => {
                            let k = self.constant(Value::Str(Str::from_bytes(t)));
                            self.emit(Op::Const { dst: r, k }, e.span);
                            convs.push(Some('t'));
                        }
                        FStringPart::Expr {
                            expr, conversion, ..
                        } => {
                            self.expr_into(expr, r);
                            convs.push(conversion.or(Some('s')));
                        }
                    }
                }
                self.code.formats.push(convs.into());
                let fmt = self.code.formats.len() as u32 - 1;
                let n = parts.len() as u32;
                self.emit(Op::Format { dst, start, n, fmt }, e.span);
            }
            ExprKind::List(items) | ExprKind::Tuple(items) => {
                let start = self.next;
                for x in items {
                    let r = self.temp();
                    self.expr_into(x, r);
                }
                let n = items.len() as u32;
                let op = if matches!(e.kind, ExprKind::List(_)) {
                    Op::MakeList { dst, start, n }
                } else {
                    Op::MakeTuple { dst, start, n }
                };
                self.emit(op, e.span);
            }
            ExprKind::Dict(entries) => {
                // One instruction per entry, so that an error (unhashable or duplicate
                // key) points at its entry. The dict is built in a temporary, since
                // `dst` may be a variable the entries read.
                let d = self.temp();
                let cap = entries.len() as u32;
                self.emit(Op::NewDict { dst: d, cap }, e.span);
                for (k, v) in entries {
                    let mark = self.next;
                    let key = self.expr_any(k);
                    let src = self.expr_any(v);
                    self.emit(Op::DictAdd { dict: d, key, src }, k.span);
                    self.next = mark;
                }
                self.emit(Op::Move { dst, src: d }, e.span);
            }
            ExprKind::Comprehension(c) => self.comprehension(c, dst, e.span),
            ExprKind::Unary { op, op_span, x } => {
                let src = self.expr_any(x);
                self.emit(Op::Unary { op: *op, dst, src }, *op_span);
            }
            ExprKind::Binary {
                op: op @ (BinOp::And | BinOp::Or),
                x,
                y,
                ..
            } => {
                // Short-circuit: `y` is evaluated only if `x` does not decide.
                self.expr_into(x, dst);
                let cond = dst;
                let jump = if *op == BinOp::And {
                    Op::JumpIfFalse { cond, target: 0 }
                } else {
                    Op::JumpIfTrue { cond, target: 0 }
                };
                let j = self.emit(jump, e.span);
                self.expr_into(y, dst);
                self.patch_here(j);
            }
            ExprKind::Binary { op, op_span, x, y } => {
                // A number on the left of an arithmetic operator is read from the
                // constants too (`2.0 * x`).
                let left_k = match (&x.kind, &y.kind, op) {
                    (ExprKind::Int(_) | ExprKind::Float(_), _, _)
                        if !matches!(y.kind, ExprKind::Int(_) | ExprKind::Float(_))
                            && matches!(
                                op,
                                BinOp::Plus | BinOp::Minus | BinOp::Star | BinOp::Slash
                            ) =>
                    {
                        self.literal_operand(x)
                    }
                    _ => None,
                };
                if let Some(k) = left_k {
                    let b = self.expr_any(y);
                    let instr = match op {
                        BinOp::Plus => Op::KAdd { dst, k, b },
                        BinOp::Minus => Op::KSub { dst, k, b },
                        BinOp::Star => Op::KMul { dst, k, b },
                        _ => Op::KDiv { dst, k, b },
                    };
                    self.emit(instr, *op_span);
                    self.next = mark;
                    return;
                }
                let a = self.expr_any(x);
                let with_k = match has_constant_form(*op) {
                    true => self.literal_operand(y),
                    false => None,
                };
                let instr = match with_k {
                    Some(k) => binary_op_k(*op, dst, a, k),
                    None => {
                        let b = self.expr_any(y);
                        binary_op(*op, dst, a, b, false)
                    }
                };
                self.emit(instr, *op_span);
            }
            ExprKind::Cond {
                cond,
                then,
                otherwise,
            } => {
                let jf = self.jump_unless(cond, 0);
                self.expr_into(then, dst);
                let j = self.emit(Op::Jump { target: 0 }, e.span);
                self.patch_here(jf);
                self.expr_into(otherwise, dst);
                self.patch_here(j);
            }
            ExprKind::Lambda(f) => self.make_function(f, dst, e.span),
            ExprKind::Call { func, args, lparen } => self.call(func, args, dst, *lparen),
            ExprKind::Index { x, index, lbrack } => {
                let obj = self.expr_any(x);
                let key = self.expr_any(index);
                self.emit(Op::Index { dst, obj, key }, *lbrack);
            }
            ExprKind::Slice {
                x,
                lo,
                hi,
                step,
                lbrack,
            } => {
                let obj = self.expr_any(x);
                let start = self.next;
                for b in [lo, hi, step] {
                    let r = self.temp();
                    match b {
                        Some(b) => self.expr_into(b, r),
                        None => {
                            let k = self.constant(Value::None);
                            self.emit(Op::Const { dst: r, k }, *lbrack);
                        }
                    }
                }
                self.emit(
                    Op::Slice {
                        dst,
                        obj,
                        lo: start,
                    },
                    *lbrack,
                );
            }
            ExprKind::Dot { x, name } => {
                let obj = self.expr_any(x);
                let n = self.name(&name.name);
                self.emit(Op::GetAttr { dst, obj, name: n }, name.span);
            }
        }
        self.next = mark;
    }

    fn load_ident(&mut self, id: &Ident, dst: Reg) {
        let i = id.binding.index;
        match id.binding.scope {
            Scope::Local => {
                if self.is_cell[i as usize] {
                    self.emit(Op::LoadCell { dst, local: i }, id.span);
                } else {
                    if !self.assigned[i as usize] {
                        self.emit(Op::CheckLocal { reg: i, local: i }, id.span);
                    }
                    if dst != i {
                        self.emit(Op::Move { dst, src: i }, id.span);
                    }
                }
            }
            Scope::Free => {
                self.emit(Op::LoadFree { dst, index: i }, id.span);
            }
            Scope::Global => {
                self.emit(Op::LoadGlobal { dst, slot: i }, id.span);
            }
            Scope::Predeclared | Scope::Universal | Scope::Undefined => {
                let v = self.env.lookup(&id.name).unwrap_or(Value::None);
                let k = self.constant(v);
                self.emit(Op::Const { dst, k }, id.span);
            }
        }
    }

    fn call(&mut self, func: &Expr, args: &[Arg], dst: Reg, lparen: Span) {
        if let ExprKind::Dot { x, name } = &func.kind {
            return self.method_call(x, name, args, dst, func.span.to(lparen));
        }
        // A global callee is read by the call instruction itself.
        let global = match &func.kind {
            ExprKind::Ident(id) if id.binding.scope == Scope::Global => Some(id.binding.index),
            _ => None,
        };
        let f = match global {
            Some(_) => NO_REG,
            None => self.expr_any(func),
        };
        let d = self.call_desc(f, args);
        self.code.calls.push(d);
        let desc = self.code.calls.len() as u32 - 1;
        let span = func.span.to(lparen);
        match global {
            Some(slot) => self.emit(Op::CallGlobal { dst, desc, slot }, span),
            None => self.emit(Op::Call { dst, desc }, span),
        };
    }

    /// `x.name(args)`: `LoadMethod`, the arguments, `CallMethod` (see [`Op::LoadMethod`]).
    /// The receiver's register is not written by the argument expressions, as
    /// [`MethodSite`] requires: it is a fresh temporary or a local.
    fn method_call(&mut self, x: &Expr, name: &Ident, args: &[Arg], dst: Reg, span: Span) {
        let obj = self.expr_any(x);
        let f = self.temp();
        let site = self.code.methods.len() as u32;
        let n = self.name(&name.name);
        self.code.methods.push(MethodSite {
            obj,
            name: n,
            cache: MethodCache::new(&name.name),
            call: CallDesc {
                func: f,
                args: f + 1,
                npos: 0,
                names: Box::new([]),
                star: NO_REG,
                starstar: NO_REG,
            },
        });
        self.emit(Op::LoadMethod { dst: f, obj, site }, name.span);
        let d = self.call_desc(f, args);
        self.code.methods[site as usize].call = d;
        self.emit(Op::CallMethod { dst, site }, span);
    }

    /// Compiles a call's arguments into registers from `self.next` on; `f` is the
    /// callee's register.
    fn call_desc(&mut self, f: Reg, args: &[Arg]) -> CallDesc {
        let start = self.next;
        let mut npos = 0;
        for a in args {
            if let Arg::Positional(e) = a {
                let r = self.temp();
                self.expr_into(e, r);
                npos += 1;
            }
        }
        let mut names = Vec::new();
        for a in args {
            if let Arg::Named(n, e) = a {
                let r = self.temp();
                self.expr_into(e, r);
                names.push(Str::new(&n.name));
            }
        }
        let (mut star, mut starstar) = (NO_REG, NO_REG);
        for a in args {
            match a {
                Arg::Star(e) => star = self.expr_any(e),
                Arg::StarStar(e) => starstar = self.expr_any(e),
                _ => {}
            }
        }
        CallDesc {
            func: f,
            args: start,
            npos,
            names: names.into(),
            star,
            starstar,
        }
    }

    fn comprehension(&mut self, c: &Comprehension, dst: Reg, span: Span) {
        match &c.body {
            CompBody::List(_) => self.emit(
                Op::MakeList {
                    dst,
                    start: 0,
                    n: 0,
                },
                span,
            ),
            CompBody::Dict(..) => self.emit(
                Op::MakeDict {
                    dst,
                    start: 0,
                    n: 0,
                },
                span,
            ),
        };
        let saved = self.assigned.clone();
        let depth = self.iter_depth;
        self.clauses(c, 0, dst, None);
        self.iter_depth = depth;
        self.assigned = saved;
    }

    /// Compiles clauses `i..` of a comprehension. An `if` that fails jumps to the
    /// innermost loop's next iteration: its jump is added to `skips`, which that loop
    /// patches.
    fn clauses(&mut self, c: &Comprehension, i: usize, dst: Reg, skips: Option<&mut Vec<usize>>) {
        let mark = self.next;
        match c.clauses.get(i) {
            None => match &c.body {
                CompBody::List(e) => {
                    let r = self.expr_any(e);
                    self.emit(Op::Append { list: dst, src: r }, e.span);
                }
                CompBody::Dict(k, v) => {
                    let rk = self.expr_any(k);
                    let rv = self.expr_any(v);
                    self.emit(
                        Op::DictSet {
                            dict: dst,
                            key: rk,
                            src: rv,
                        },
                        k.span,
                    );
                }
            },
            Some(Clause::For {
                vars,
                iter,
                span: s,
            }) => {
                // Tested at the bottom, like a `for` statement: IterNext (exit if
                // empty); body: ...; IterLoop (next, back to body).
                let it = self.expr_any(iter);
                let slot = self.iter_depth;
                self.iter_depth += 1;
                self.code.niters = self.code.niters.max(self.iter_depth);
                self.emit(Op::IterStart { slot, src: it }, iter.span);
                self.next = mark;
                let direct = self.plain_local(vars);
                let x = direct.unwrap_or_else(|| self.temp());
                let first = self.emit(
                    Op::IterNext {
                        slot,
                        dst: x,
                        end: 0,
                    },
                    *s,
                );
                let body_top = self.here();
                match direct {
                    Some(r) => self.assigned[r as usize] = true,
                    None => self.assign(vars, x, vars.span),
                }
                let mut inner = Vec::new();
                self.clauses(c, i + 1, dst, Some(&mut inner));
                for j in inner {
                    self.patch_here(j);
                }
                self.emit(
                    Op::IterLoop {
                        slot,
                        dst: x,
                        body: body_top,
                    },
                    *s,
                );
                self.patch_here(first);
                self.iter_depth -= 1;
            }
            Some(Clause::If { cond, .. }) => {
                let j = self.jump_unless(cond, 0);
                self.next = mark;
                match skips {
                    Some(skips) => {
                        skips.push(j);
                        self.clauses(c, i + 1, dst, Some(skips));
                    }
                    None => {
                        self.clauses(c, i + 1, dst, None);
                        self.patch_here(j);
                    }
                }
            }
        }
        self.next = mark;
    }
}

/// Whether compiling `e` into a register writes that register only after reading all of
/// `e`'s operands, so that `x = f(x)` may target `x`'s register directly.
fn writes_dst_last(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Binary { op, .. } => !matches!(op, BinOp::And | BinOp::Or),
        ExprKind::Cond { .. } | ExprKind::Comprehension(_) => false,
        _ => true,
    }
}

/// The instruction for `a op b` (or `a op= b` when `in_place`): a specialised one for
/// the common operators, else the generic `Binary`/`InPlace`. Only `+=` (lists extend)
/// and `|=` (dicts update) differ from the plain operator in place.
fn binary_op(op: BinOp, dst: Reg, a: Reg, b: Reg, in_place: bool) -> Op {
    match op {
        BinOp::Plus if in_place => Op::AddInPlace { dst, a, b },
        BinOp::Plus => Op::Add { dst, a, b },
        BinOp::Minus => Op::Sub { dst, a, b },
        BinOp::Star => Op::Mul { dst, a, b },
        BinOp::Slash => Op::Div { dst, a, b },
        BinOp::Percent => Op::Mod { dst, a, b },
        BinOp::SlashSlash => Op::FloorDiv { dst, a, b },
        BinOp::Lt => Op::Lt { dst, a, b },
        BinOp::Le => Op::Le { dst, a, b },
        BinOp::Gt => Op::Gt { dst, a, b },
        BinOp::Ge => Op::Ge { dst, a, b },
        BinOp::Eq => Op::Eq { dst, a, b },
        BinOp::Ne => Op::Ne { dst, a, b },
        _ if in_place => Op::InPlace { op, dst, a, b },
        _ => Op::Binary { op, dst, a, b },
    }
}

/// Seals a compiled code, checking the invariant the evaluator's unchecked register
/// indexing relies on.
fn finish(code: Code) -> Arc<Code> {
    assert!(
        code.registers_fit(),
        "compiler bug: an instruction names a register beyond the frame"
    );
    Arc::new(code)
}

/// Whether `op` has an instruction taking a constant right operand.
fn has_constant_form(op: BinOp) -> bool {
    use BinOp::*;
    matches!(
        op,
        Plus | Minus | Star | Slash | Percent | SlashSlash | Lt | Le | Gt | Ge | Eq | Ne
    )
}

/// The instruction for `a op consts[k]` (`op` has a constant form).
fn binary_op_k(op: BinOp, dst: Reg, a: Reg, k: u32) -> Op {
    match op {
        BinOp::Plus => Op::AddK { dst, a, k },
        BinOp::Minus => Op::SubK { dst, a, k },
        BinOp::Star => Op::MulK { dst, a, k },
        BinOp::Slash => Op::DivK { dst, a, k },
        BinOp::Percent => Op::ModK { dst, a, k },
        BinOp::SlashSlash => Op::FloorDivK { dst, a, k },
        BinOp::Lt => Op::LtK { dst, a, k },
        BinOp::Le => Op::LeK { dst, a, k },
        BinOp::Gt => Op::GtK { dst, a, k },
        BinOp::Ge => Op::GeK { dst, a, k },
        BinOp::Eq => Op::EqK { dst, a, k },
        BinOp::Ne => Op::NeK { dst, a, k },
        _ => unreachable!("no constant form for {op:?}"),
    }
}

/// The instruction jumping to `target` unless `a op b` (`op` a comparison).
fn jump_unless(op: BinOp, a: Reg, b: Reg, target: u32) -> Op {
    match op {
        BinOp::Lt => Op::JumpUnlessLt { a, b, target },
        BinOp::Le => Op::JumpUnlessLe { a, b, target },
        BinOp::Gt => Op::JumpUnlessGt { a, b, target },
        BinOp::Ge => Op::JumpUnlessGe { a, b, target },
        BinOp::Eq => Op::JumpUnlessEq { a, b, target },
        BinOp::Ne => Op::JumpUnlessNe { a, b, target },
        _ => unreachable!("not a comparison: {op:?}"),
    }
}

/// The instruction jumping to `target` unless `a op consts[k]` (`op` a comparison).
fn jump_unless_k(op: BinOp, a: Reg, k: u32, target: u32) -> Op {
    match op {
        BinOp::Lt => Op::JumpUnlessLtK { a, k, target },
        BinOp::Le => Op::JumpUnlessLeK { a, k, target },
        BinOp::Gt => Op::JumpUnlessGtK { a, k, target },
        BinOp::Ge => Op::JumpUnlessGeK { a, k, target },
        BinOp::Eq => Op::JumpUnlessEqK { a, k, target },
        BinOp::Ne => Op::JumpUnlessNeK { a, k, target },
        _ => unreachable!("not a comparison: {op:?}"),
    }
}

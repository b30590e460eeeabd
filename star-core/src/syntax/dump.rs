//! A readable, stable text form of the syntax tree, for `star parse --ast` and snapshot
//! tests.
//!
//! One node per line, children indented by two spaces, each with its position
//! (`line:col`) and, for identifiers, the resolver's verdict (`global 0`, `local 1`,
//! `free 0`, `universal`, ...).

use std::fmt::Write;

use super::ast::*;

/// Renders a module as an indented tree.
pub fn dump_module(m: &Module) -> String {
    let mut d = Dumper { out: String::new() };
    for s in &m.stmts {
        d.stmt(s, 0);
    }
    if !m.locals.is_empty() {
        d.line(0, &format!("module locals: {}", locals(&m.locals)));
    }
    d.out
}

fn locals(ls: &[Local]) -> String {
    ls.iter()
        .map(|l| {
            if l.cell {
                format!("{} (cell)", l.name)
            } else {
                l.name.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn binding(b: Binding) -> String {
    match b.scope {
        Scope::Undefined => "undefined".into(),
        Scope::Local => format!("local {}", b.index),
        Scope::Free => format!("free {}", b.index),
        Scope::Global => format!("global {}", b.index),
        Scope::Predeclared => "predeclared".into(),
        Scope::Universal => "universal".into(),
    }
}

struct Dumper {
    out: String,
}

impl Dumper {
    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn stmts(&mut self, label: &str, stmts: &[Stmt], depth: usize) {
        self.line(depth, label);
        for s in stmts {
            self.stmt(s, depth + 1);
        }
    }

    fn stmt(&mut self, s: &Stmt, depth: usize) {
        let at = s.span.start;
        match &s.kind {
            StmtKind::Expr(e) => {
                self.line(depth, &format!("Expr @{at}"));
                self.expr(e, depth + 1);
            }
            StmtKind::Assign { lhs, rhs } => {
                self.line(depth, &format!("Assign @{at}"));
                self.expr(lhs, depth + 1);
                self.expr(rhs, depth + 1);
            }
            StmtKind::AugAssign { op, lhs, rhs, .. } => {
                self.line(depth, &format!("AugAssign {}= @{at}", op.text()));
                self.expr(lhs, depth + 1);
                self.expr(rhs, depth + 1);
            }
            StmtKind::Def(f) => self.function("Def", f, depth),
            StmtKind::If {
                cond,
                then,
                otherwise,
            } => {
                self.line(depth, &format!("If @{at}"));
                self.expr(cond, depth + 1);
                self.stmts("then:", then, depth + 1);
                if !otherwise.is_empty() {
                    self.stmts("else:", otherwise, depth + 1);
                }
            }
            StmtKind::For { vars, iter, body } => {
                self.line(depth, &format!("For @{at}"));
                self.expr(vars, depth + 1);
                self.expr(iter, depth + 1);
                self.stmts("body:", body, depth + 1);
            }
            StmtKind::While { cond, body } => {
                self.line(depth, &format!("While @{at}"));
                self.expr(cond, depth + 1);
                self.stmts("body:", body, depth + 1);
            }
            StmtKind::Return(e) => {
                self.line(depth, &format!("Return @{at}"));
                if let Some(e) = e {
                    self.expr(e, depth + 1);
                }
            }
            StmtKind::Break => self.line(depth, &format!("Break @{at}")),
            StmtKind::Continue => self.line(depth, &format!("Continue @{at}")),
            StmtKind::Pass => self.line(depth, &format!("Pass @{at}")),
            StmtKind::Load {
                module, bindings, ..
            } => {
                self.line(depth, &format!("Load {module:?} @{at}"));
                for b in bindings {
                    self.line(
                        depth + 1,
                        &format!(
                            "{} = {:?} [{}]",
                            b.local.name,
                            b.name,
                            binding(b.local.binding)
                        ),
                    );
                }
            }
        }
    }

    fn function(&mut self, label: &str, f: &Function, depth: usize) {
        self.line(
            depth,
            &format!(
                "{label} {} @{} [{}]",
                f.name.name,
                f.span.start,
                binding(f.name.binding)
            ),
        );
        for p in &f.params {
            match p {
                Param::Required(id) => self.line(depth + 1, &format!("param {}", id.name)),
                Param::Optional(id, d) => {
                    self.line(depth + 1, &format!("param {}=", id.name));
                    self.expr(d, depth + 2);
                }
                Param::Star(Some(id), _) => self.line(depth + 1, &format!("param *{}", id.name)),
                Param::Star(None, _) => self.line(depth + 1, "param *"),
                Param::StarStar(id) => self.line(depth + 1, &format!("param **{}", id.name)),
            }
        }
        if !f.locals.is_empty() {
            self.line(depth + 1, &format!("locals: {}", locals(&f.locals)));
        }
        if !f.free.is_empty() {
            let free: Vec<String> = f
                .free
                .iter()
                .map(|v| format!("{} <- {}", v.name, binding(v.outer)))
                .collect();
            self.line(depth + 1, &format!("free: {}", free.join(", ")));
        }
        self.stmts("body:", &f.body, depth + 1);
    }

    fn expr(&mut self, e: &Expr, depth: usize) {
        let at = e.span.start;
        match &e.kind {
            ExprKind::Ident(id) => self.line(
                depth,
                &format!("Ident {} @{at} [{}]", id.name, binding(id.binding)),
            ),
            ExprKind::Int(i) => self.line(depth, &format!("Int {i} @{at}")),
            ExprKind::BigInt(i) => self.line(depth, &format!("Int {i} @{at}")),
            ExprKind::Float(x) => self.line(depth, &format!("Float {x:?} @{at}")),
            ExprKind::String(s) => {
                self.line(depth, &format!("String {} @{at}", super::token::quote(s)))
            }
            ExprKind::Bytes(b) => {
                self.line(depth, &format!("Bytes b{} @{at}", super::token::quote(b)))
            }
            ExprKind::FString(parts) => {
                self.line(depth, &format!("FString @{at}"));
                for p in parts {
                    match p {
                        FStringPart::Text(t) => {
                            self.line(depth + 1, &format!("text {}", super::token::quote(t)))
                        }
                        FStringPart::Expr {
                            expr,
                            conversion,
                            spec,
                        } => {
                            let mut l = String::from("value");
                            if let Some(c) = conversion {
                                let _ = write!(l, " !{c}");
                            }
                            if let Some(s) = spec {
                                let _ = write!(l, " :{s:?}");
                            }
                            self.line(depth + 1, &l);
                            self.expr(expr, depth + 2);
                        }
                    }
                }
            }
            ExprKind::List(l) => {
                self.line(depth, &format!("List @{at}"));
                l.iter().for_each(|x| self.expr(x, depth + 1));
            }
            ExprKind::Tuple(l) => {
                self.line(depth, &format!("Tuple @{at}"));
                l.iter().for_each(|x| self.expr(x, depth + 1));
            }
            ExprKind::Dict(entries) => {
                self.line(depth, &format!("Dict @{at}"));
                for (k, v) in entries {
                    self.line(depth + 1, "entry");
                    self.expr(k, depth + 2);
                    self.expr(v, depth + 2);
                }
            }
            ExprKind::Comprehension(c) => {
                self.line(depth, &format!("Comprehension @{at}"));
                match &c.body {
                    CompBody::List(x) => self.expr(x, depth + 1),
                    CompBody::Dict(k, v) => {
                        self.line(depth + 1, "entry");
                        self.expr(k, depth + 2);
                        self.expr(v, depth + 2);
                    }
                }
                for cl in &c.clauses {
                    match cl {
                        Clause::For { vars, iter, .. } => {
                            self.line(depth + 1, "for");
                            self.expr(vars, depth + 2);
                            self.expr(iter, depth + 2);
                        }
                        Clause::If { cond, .. } => {
                            self.line(depth + 1, "if");
                            self.expr(cond, depth + 2);
                        }
                    }
                }
            }
            ExprKind::Unary { op, x, .. } => {
                self.line(depth, &format!("Unary {} @{at}", op.text()));
                self.expr(x, depth + 1);
            }
            ExprKind::Binary { op, x, y, .. } => {
                self.line(depth, &format!("Binary {} @{at}", op.text()));
                self.expr(x, depth + 1);
                self.expr(y, depth + 1);
            }
            ExprKind::Cond {
                cond,
                then,
                otherwise,
            } => {
                self.line(depth, &format!("Cond @{at}"));
                self.expr(cond, depth + 1);
                self.expr(then, depth + 1);
                self.expr(otherwise, depth + 1);
            }
            ExprKind::Lambda(f) => self.function("Lambda", f, depth),
            ExprKind::Call { func, args, .. } => {
                self.line(depth, &format!("Call @{at}"));
                self.expr(func, depth + 1);
                for a in args {
                    match a {
                        Arg::Positional(x) => self.expr(x, depth + 1),
                        Arg::Named(n, x) => {
                            self.line(depth + 1, &format!("{}=", n.name));
                            self.expr(x, depth + 2);
                        }
                        Arg::Star(x) => {
                            self.line(depth + 1, "*");
                            self.expr(x, depth + 2);
                        }
                        Arg::StarStar(x) => {
                            self.line(depth + 1, "**");
                            self.expr(x, depth + 2);
                        }
                    }
                }
            }
            ExprKind::Index { x, index, .. } => {
                self.line(depth, &format!("Index @{at}"));
                self.expr(x, depth + 1);
                self.expr(index, depth + 1);
            }
            ExprKind::Slice {
                x, lo, hi, step, ..
            } => {
                self.line(depth, &format!("Slice @{at}"));
                self.expr(x, depth + 1);
                for (name, part) in [("lo", lo), ("hi", hi), ("step", step)] {
                    if let Some(p) = part {
                        self.line(depth + 1, &format!("{name}:"));
                        self.expr(p, depth + 2);
                    }
                }
            }
            ExprKind::Dot { x, name } => {
                self.line(depth, &format!("Dot .{} @{at}", name.name));
                self.expr(x, depth + 1);
            }
        }
    }
}

//! The help text of each module of the package, for `star doc MODULE`.
//!
//! Native modules describe themselves ([`NativeModule::help`]: the module's doc
//! comment, then each function's signature and doc comment, then the constants).
//! `builtins.star` is described from its source: the module docstring, then each
//! public top-level `def` with its signature and docstring, then the other names it
//! exports.

use star_core::syntax::ast::{ExprKind, StmtKind};
use star_core::value::{push_indented, NativeModule};
use star_core::Value;

use crate::BUILTINS_STAR;

/// The modules [`doc`] knows, in the order [`docs`] lists them.
pub const MODULES: [&str; 7] = ["builtins", "json", "math", "re", "struct", "time", "assert"];

/// The help text of a module of the standard library: `module` is its name (`"re"`),
/// its file (`"re.star"`) or its reference (`"@stdlib//re.star"`).
pub fn doc(module: &str) -> Option<String> {
    let name = module.strip_prefix("@stdlib//").unwrap_or(module);
    let name = name.strip_suffix(".star").unwrap_or(name);
    Some(match name {
        "builtins" => builtins_help(),
        "json" => crate::json::module().help(),
        "math" => crate::math::module().help(),
        "re" => re_help(),
        "struct" => crate::structs::module().help(),
        "time" => crate::time::module().help(),
        "assert" => assert_help(),
        _ => return None,
    })
}

/// The help text of every module, by name.
pub fn docs() -> Vec<(&'static str, String)> {
    MODULES
        .iter()
        .map(|&m| (m, doc(m).expect("every listed module has help")))
        .collect()
}

/// The help of `re`: the module's, then the methods of its pattern and match values.
fn re_help() -> String {
    use crate::re::{Match, Pattern};
    use star_core::value::HostMethods;
    let mut out = crate::re::module().help();
    for (title, methods) in [
        (
            "Methods of re.pattern values",
            <Pattern as HostMethods>::methods(),
        ),
        (
            "Methods of re.match values",
            <Match as HostMethods>::methods(),
        ),
    ] {
        out.push_str(&format!("\n{title}:\n"));
        for f in methods {
            out.push_str(&format!("\n  {}{}\n", f.name, f.signature.to_text()));
            push_indented(&mut out, f.doc.trim(), "      ");
        }
    }
    out
}

/// The help of `assert.star`: the `assert` module, then `freeze`.
fn assert_help() -> String {
    let m = star_core::chunked::assert::module();
    let mut out = match m.get("assert") {
        Some(v) => v
            .downcast_ref::<NativeModule>()
            .map(NativeModule::help)
            .unwrap_or_default(),
        None => String::new(),
    };
    if let Some(Value::Builtin(f)) = m.get("freeze") {
        out.push_str("\nAlso exported:\n\n");
        out.push_str(&format!("  {}{}\n", f.name, f.signature.to_text()));
        push_indented(&mut out, f.doc.trim(), "      ");
    }
    out
}

/// The help of `builtins.star`, read from its source.
fn builtins_help() -> String {
    let src = BUILTINS_STAR;
    let (module, _) = star_core::syntax::parse(src, Default::default());
    let mut out = String::from("module builtins\n");
    let docstring = |stmts: &[star_core::syntax::ast::Stmt]| -> Option<String> {
        match &stmts.first()?.kind {
            StmtKind::Expr(e) => match &e.kind {
                ExprKind::String(s) => Some(clean_doc(&String::from_utf8_lossy(s))),
                _ => None,
            },
            _ => None,
        }
    };
    if let Some(d) = docstring(&module.stmts) {
        out.push('\n');
        push_indented(&mut out, &d, "");
    }
    let mut functions = String::new();
    let mut others = Vec::new();
    for stmt in &module.stmts {
        match &stmt.kind {
            StmtKind::Def(f) if !f.name.name.starts_with('_') => {
                let start = f.span.start.offset as usize;
                let end = f
                    .body
                    .first()
                    .map_or(f.span.end.offset as usize, |s| s.span.start.offset as usize);
                let head = src[start..end].trim_end().trim_end_matches(':');
                let head = head.strip_prefix("def ").unwrap_or(head);
                let head = head
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .replace("( ", "(")
                    .replace(" )", ")");
                functions.push_str(&format!("\n  {head}\n"));
                if let Some(d) = docstring(&f.body) {
                    push_indented(&mut functions, &d, "      ");
                }
            }
            StmtKind::Assign { lhs, .. } => {
                if let ExprKind::Ident(id) = &lhs.kind {
                    if !id.name.starts_with('_') {
                        others.push(id.name.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    if !functions.is_empty() {
        out.push_str("\nFunctions:\n");
        out.push_str(&functions);
    }
    if !others.is_empty() {
        out.push_str(&format!(
            "\nAlso predeclared (see their own help): {}\n",
            others.join(", ")
        ));
    }
    out
}

/// A docstring without its first line's leading space and with the indentation its
/// other lines share removed (as Python's `inspect.cleandoc`).
fn clean_doc(doc: &str) -> String {
    let mut lines = doc.lines();
    let first = lines.next().unwrap_or("").trim();
    let rest: Vec<&str> = lines.collect();
    let margin = rest
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = vec![first.to_string()];
    out.extend(
        rest.iter()
            .map(|l| l.get(margin..).unwrap_or("").trim_end().to_string()),
    );
    out.join("\n").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_has_help() {
        for (name, text) in docs() {
            assert!(text.starts_with("module "), "{name}: {text}");
        }
        assert_eq!(doc("@stdlib//re.star"), doc("re"));
        assert_eq!(doc("re.star"), doc("re"));
        assert_eq!(doc("nope"), None);
        let re = doc("re").unwrap();
        assert!(re.contains("\n  sub(repl, string, count=0)\n"), "{re}");
        assert!(re.contains("\n  groupdict(default=None)\n"), "{re}");
    }

    #[test]
    fn builtins_help_reads_the_source() {
        let text = doc("builtins").unwrap();
        assert!(
            text.contains("\n  partial(f, *args, **kwargs)\n      Returns a function"),
            "{text}"
        );
        assert!(
            text.contains("\n  get(obj, path, default = None)\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "Also predeclared (see their own help): json, math, re, time, struct, module"
            ),
            "{text}"
        );
        assert!(!text.contains("_json"), "{text}");
    }

    #[test]
    fn clean_doc_dedents() {
        assert_eq!(
            clean_doc("First.\n\n    Two\n      three\n    "),
            "First.\n\nTwo\n  three"
        );
    }
}

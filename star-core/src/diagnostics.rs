//! Diagnostics: one error type and one renderer for every stage.
//!
//! A [`Diagnostic`] is a message, a kind (syntax, resolve, ...), the file name and a
//! [`Span`]. [`render`] draws it the same way wherever it came from: `file:line:col`, the
//! source line and a caret under the span, using `codespan-reporting`, in colour only
//! when asked (the CLI asks when stderr is a terminal). [`check_source`] is the dry run:
//! parse and resolve a file, executing nothing, and collect every diagnostic.

use std::fmt;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};

use crate::dialect::Dialect;
use crate::resolve::{Names, ResolveError, Resolver, StandardNames};
use crate::syntax::{self, Module, Span, SyntaxError};

/// Which stage found a problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Scanning or parsing.
    Syntax,
    /// Name resolution and structural checks.
    Resolve,
    /// Execution.
    Runtime,
}

/// A problem found in a source file, with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stage that found it.
    pub stage: Stage,
    /// The file name as given by the caller.
    pub file: String,
    /// Where in the file.
    pub span: Span,
    /// What is wrong.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic from a syntax error.
    pub fn syntax(file: &str, e: SyntaxError) -> Diagnostic {
        Diagnostic {
            stage: Stage::Syntax,
            file: file.to_string(),
            span: e.span,
            message: e.msg,
        }
    }

    /// A diagnostic from a resolver error.
    pub fn resolve(file: &str, e: ResolveError) -> Diagnostic {
        Diagnostic {
            stage: Stage::Resolve,
            file: file.to_string(),
            span: e.span,
            message: e.msg,
        }
    }
}

impl fmt::Display for Diagnostic {
    /// The one-line form: `file:line:col: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.span.start.line, self.span.start.col, self.message
        )
    }
}

impl std::error::Error for Diagnostic {}

/// A source file: its name and text, for rendering snippets.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name shown in messages.
    pub name: String,
    /// The text.
    pub text: String,
}

/// Longest source line shown whole in a snippet; longer lines are shown as a window
/// around the span.
const MAX_SNIPPET_LINE: usize = 160;

/// Renders `d` with a snippet of `src`: a header, `--> file:line:col`, the source line and
/// a caret under the span. With `color`, ANSI colours are used.
pub fn render(d: &Diagnostic, src: &str, color: bool) -> String {
    if let Some((text, cols)) = long_line_window(src, d.span) {
        return render_window(d, &text, cols);
    }
    let file = SimpleFile::new(d.file.as_str(), src);
    let mut range = d.span.range();
    // Clamp to the text (a span may point just past the end, at EOF).
    range.start = range.start.min(src.len());
    range.end = range.end.clamp(range.start, src.len());
    while !src.is_char_boundary(range.start) {
        range.start -= 1;
    }
    while !src.is_char_boundary(range.end) {
        range.end += 1;
    }
    // A newline token is shown as a caret at the end of its line.
    while range.end > range.start && matches!(src.as_bytes()[range.end - 1], b'\n' | b'\r') {
        range.end -= 1;
    }
    let cs = CsDiagnostic::error()
        .with_message(d.message.clone())
        .with_labels(vec![Label::primary((), range)]);
    let config = Config::default();
    if color {
        let mut buf = codespan_reporting::term::termcolor::Buffer::ansi();
        if term::emit_to_write_style(&mut buf, &config, &file, &cs).is_ok() {
            return String::from_utf8_lossy(buf.as_slice()).into_owned();
        }
    }
    term::emit_into_string(&config, &file, &cs).unwrap_or_else(|_| format!("error: {d}\n"))
}

/// The line holding `span`'s start, if it is too long to show whole: then a window
/// of it around the span, with the span's range inside the window.
fn long_line_window(src: &str, span: Span) -> Option<(String, std::ops::Range<usize>)> {
    let floor = |mut i: usize| {
        i = i.min(src.len());
        while !src.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let ceil = |mut i: usize| {
        i = i.min(src.len());
        while !src.is_char_boundary(i) {
            i += 1;
        }
        i
    };
    let start = floor(span.start.offset as usize);
    let line_start = src[..start].rfind(['\n', '\r']).map_or(0, |k| k + 1);
    let line_end = src[start..]
        .find(['\n', '\r'])
        .map_or(src.len(), |k| start + k);
    if line_end - line_start <= MAX_SNIPPET_LINE {
        return None;
    }
    let end = ceil((span.end.offset as usize).clamp(start, line_end));
    let from = floor(start.saturating_sub(60).max(line_start));
    let to = ceil(end.max(start).saturating_add(60).min(line_end));
    let mut text = String::new();
    if from > line_start {
        text.push('…');
    }
    let base = text.chars().count();
    text.push_str(&src[from..to]);
    if to < line_end {
        text.push('…');
    }
    let s = base + src[from..start].chars().count();
    let e = s + src[start..end].chars().count();
    Some((text, s..e))
}

/// Draws a snippet of a very long line in the renderer's style, showing only a window
/// around the span (columns in the header stay those of the real line).
fn render_window(d: &Diagnostic, text: &str, cols: std::ops::Range<usize>) -> String {
    let num = d.span.start.line.to_string();
    let pad = " ".repeat(num.len());
    let carets = "^".repeat((cols.end - cols.start).max(1));
    format!(
        "error: {msg}\n{pad} ┌─ {file}:{line}:{col}\n{pad} │\n{num} │ {text}\n{pad} │ {space}{carets}\n\n",
        msg = d.message,
        file = d.file,
        line = d.span.start.line,
        col = d.span.start.col,
        space = " ".repeat(cols.start),
    )
}

/// The result of a dry run: the resolved module and every diagnostic, in source order.
#[derive(Clone, Debug)]
pub struct CheckReport {
    /// The statements that parsed, resolved.
    pub module: Module,
    /// Every syntax and resolver error.
    pub errors: Vec<Diagnostic>,
}

/// Parses and resolves `src` without executing anything, with the standard universe
/// and no predeclared names.
pub fn check_source(file: &str, src: &str, dialect: &Dialect) -> CheckReport {
    check_source_with(file, src, dialect, &StandardNames::default())
}

/// Parses and resolves `src` in the environment `names`.
pub fn check_source_with(
    file: &str,
    src: &str,
    dialect: &Dialect,
    names: &dyn Names,
) -> CheckReport {
    let (mut module, syntax_errors) = syntax::parse(src, dialect.scan_options());
    let mut errors: Vec<Diagnostic> = syntax_errors
        .into_iter()
        .map(|e| Diagnostic::syntax(file, e))
        .collect();
    let mut r = Resolver::new(dialect, names, file);
    errors.extend(
        r.resolve_module(&mut module)
            .into_iter()
            .map(|e| Diagnostic::resolve(file, e)),
    );
    errors.sort_by_key(|d| d.span.start.offset);
    CheckReport { module, errors }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_snippet() {
        let src = "x = 1\ny = x +\n";
        let r = check_source("a.star", src, &Dialect::standard());
        assert_eq!(r.errors.len(), 1);
        let out = render(&r.errors[0], src, false);
        assert!(out.contains("a.star:2:8"), "{out}");
        assert!(
            out.contains("got newline, want primary expression"),
            "{out}"
        );
        assert!(out.contains("y = x +"), "{out}");
    }
}

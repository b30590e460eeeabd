//! `star repl`: read, evaluate, print.
//!
//! Each input runs in one module that lives for the whole session, so later inputs see
//! earlier globals. An input is one line, unless it is incomplete: an open bracket or
//! string, or a compound statement (`def f():`, `if x:`), which reads further lines
//! ("... " prompt) until the parse no longer ends early, and for a block until an empty
//! line. The value of an expression is echoed (unless it is `None`); errors are shown
//! and the loop goes on. Line editing and history come from rustyline; the history is
//! kept in `~/.star_history`.

use std::io::IsTerminal;
use std::process::ExitCode;

use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;
use star_core::eval::{Module, Predeclared};
use star_core::syntax;
use star_core::{Dialect, Thread, Value};

/// Runs the loop until end of input (Ctrl-D). Ctrl-C abandons the current input.
pub fn run(dialect: Dialect, predeclared: Predeclared) -> ExitCode {
    let mut editor = match DefaultEditor::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("star: cannot start the line editor: {e}");
            return ExitCode::from(2);
        }
    };
    let history = std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".star_history"));
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    let color = std::io::stderr().is_terminal();
    let scan = dialect.scan_options();
    let mut module = Module::new("<stdin>", predeclared, dialect);
    let mut thread = Thread::new("repl");
    'inputs: loop {
        let mut src = String::new();
        let mut prompt = ">>> ";
        loop {
            let line = match editor.readline(prompt) {
                Ok(line) => line,
                Err(ReadlineError::Interrupted) => continue 'inputs,
                Err(ReadlineError::Eof) => break 'inputs,
                Err(e) => {
                    eprintln!("star: {e}");
                    break 'inputs;
                }
            };
            src.push_str(&line);
            src.push('\n');
            if !needs_more(&src, &line, scan) {
                break;
            }
            prompt = "... ";
        }
        if src.trim().is_empty() {
            continue;
        }
        let _ = editor.add_history_entry(src.trim_end());
        match module.exec_echo(&mut thread, &src) {
            Ok(Some(v)) if !matches!(v, Value::None) => println!("{}", v.repr()),
            Ok(_) => {}
            Err(e) => eprint!("{}", e.render(&src, color)),
        }
    }
    if let Some(h) = &history {
        let _ = editor.save_history(h);
    }
    ExitCode::SUCCESS
}

/// Whether the input read so far (ending with `last_line`) needs more lines.
pub fn needs_more(src: &str, last_line: &str, scan: syntax::ScanOptions) -> bool {
    let first = src.lines().next().unwrap_or("");
    let block = code_part(first).trim_end().ends_with(':');
    if block {
        // A compound statement ends with an empty line.
        return !last_line.trim().is_empty();
    }
    let (_, errors) = syntax::parse(src, scan);
    errors
        .iter()
        .any(|e| e.msg.contains("end of file") || e.msg.contains("EOF"))
}

/// The line without a trailing comment (a `#` outside string literals).
fn code_part(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '#' => return &line[..i],
                '"' | '\'' => quote = Some(c),
                _ => {}
            },
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn more(src: &str) -> bool {
        let body = src.strip_suffix('\n').unwrap_or(src);
        let last = body.rsplit('\n').next().unwrap_or("");
        needs_more(src, last, Dialect::standard().scan_options())
    }

    #[test]
    fn incomplete_inputs_read_more() {
        assert!(!more("x = 1\n"));
        assert!(more("f(1,\n"));
        assert!(more("x = [1,\n"));
        assert!(more("s = '''abc\n"));
        assert!(more("def f():\n"));
        assert!(more("def f():\n    return 1\n"));
        assert!(!more("def f():\n    return 1\n\n"));
        assert!(more("if x:  # comment\n"));
        assert!(!more("x = 'a:'  # b:\n"));
        // A syntax error that is not about the end of input is reported at once.
        assert!(!more("x = 1 +\n"));
    }
}

//! The `star` command: run, check, parse and test Starlark files, and a REPL.
//!
//! * `star run [--pkg ALIAS=DIR]... FILE [ARGS]... | -c CODE | -` runs a program (also
//!   `star FILE [ARGS]...`) as the script of package `__main__` rooted at its directory;
//!   the program sees its arguments as `argv` (`argv[0]` is the file).
//!   The standard library is mounted as `@stdlib` (`--no-stdlib` to leave it out).
//! * `star stream [--dry-run] [--keep-going] [--events]` runs a program from standard
//!   input while it arrives, each statement as soon as it is complete, under safe
//!   default limits.
//! * `star doc [MODULE]` prints the standard library's documentation.
//! * `star repl` reads, evaluates and prints (also `star` alone on a terminal).
//! * `star check FILE...` parses and resolves without executing (the dry run).
//! * `star parse --ast FILE` prints the syntax tree.
//! * `star test [--mode=parse|resolve|exec] [--ignore-messages] FILE...` runs files in
//!   the reference implementation's chunked test format.

mod repl;
mod stream;

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use star_core::chunked::{self, Mode};
use star_core::diagnostics::{check_source, render};
use star_core::dialect::Construct;
use star_core::eval::limits::Limits;
use star_core::eval::{FrozenModule, Predeclared};
use star_core::interp::{FsLoader, Interpreter, InterpreterBuilder, Loader, Source, MAIN_PACKAGE};
use star_core::syntax::{self, dump_module};
use star_core::{Dialect, Value};

#[derive(Parser)]
#[command(
    name = "star",
    version,
    about = "A Starlark interpreter with streaming execution"
)]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// A program to run, as `star run FILE`.
    file: Option<String>,
    /// Arguments for the program (its `argv[1:]`).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
    /// Mount the directory DIR as package ALIAS (`load("@ALIAS//x.star", ...)`).
    #[arg(long = "pkg", value_name = "ALIAS=DIR")]
    packages: Vec<String>,
    #[command(flatten)]
    dialect: DialectFlags,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and resolve files without executing them; print every problem.
    Check {
        /// Files to check (`-` for standard input).
        #[arg(required = true)]
        files: Vec<String>,
        #[command(flatten)]
        dialect: DialectFlags,
    },
    /// Print the syntax tree of a file.
    Parse {
        /// Print the AST (the default and only format for now).
        #[arg(long)]
        ast: bool,
        /// Resolve names too, and show each identifier's scope and slot.
        #[arg(long)]
        resolve: bool,
        /// The file (`-` for standard input).
        file: String,
        #[command(flatten)]
        dialect: DialectFlags,
    },
    /// Run a program: `print` goes to standard output, errors (with their backtrace)
    /// to standard error.
    Run {
        /// Run this code instead of a file.
        #[arg(short = 'c', value_name = "CODE")]
        code: Option<String>,
        /// The program (`-` for standard input), unless `-c` is given.
        #[arg(required_unless_present = "code")]
        file: Option<String>,
        /// Arguments for the program (its `argv[1:]`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
        /// Mount the directory DIR as package ALIAS (`load("@ALIAS//x.star", ...)`).
        #[arg(long = "pkg", value_name = "ALIAS=DIR")]
        packages: Vec<String>,
        /// Run without the standard library (`@stdlib`, `builtins.star`).
        #[arg(long)]
        no_stdlib: bool,
        #[command(flatten)]
        limits: LimitFlags,
        #[command(flatten)]
        dialect: DialectFlags,
    },
    /// Run a program from standard input while it arrives: each top-level statement
    /// runs as soon as it is complete, and its output appears at once. Meant for
    /// untrusted, generated code, it has limits by default: 100000000 steps, 200 nested
    /// calls, 512M of memory and 600 seconds for the whole run (input included); flags
    /// override them.
    /// The program is the script `//<stdin>` of package `__main__` (the current
    /// directory); the clock is not available.
    Stream {
        /// Parse and resolve each statement as it arrives; run nothing.
        #[arg(long)]
        dry_run: bool,
        /// Report a failing statement and go on with the next one.
        #[arg(long)]
        keep_going: bool,
        /// Show progress (each statement's start and end) on standard error.
        #[arg(long)]
        events: bool,
        /// Mount the directory DIR as package ALIAS (`load("@ALIAS//x.star", ...)`).
        #[arg(long = "pkg", value_name = "ALIAS=DIR")]
        packages: Vec<String>,
        /// Run without the standard library (`@stdlib`, `builtins.star`).
        #[arg(long)]
        no_stdlib: bool,
        #[command(flatten)]
        limits: LimitFlags,
        #[command(flatten)]
        dialect: DialectFlags,
    },
    /// Print the documentation of a standard library module (all of them without a
    /// name).
    Doc {
        /// The module: builtins, json, math, re, struct, time or assert.
        module: Option<String>,
    },
    /// Read, evaluate and print: each input runs in one module; expressions are echoed.
    Repl {
        #[command(flatten)]
        dialect: DialectFlags,
    },
    /// Run files in the chunked test format.
    Test {
        /// How to process each chunk.
        #[arg(long, default_value = "exec", value_parser = ["exec", "resolve", "parse"])]
        mode: String,
        /// Pass when an error occurs on an expected line, whatever its message.
        #[arg(long)]
        ignore_messages: bool,
        /// Test files.
        #[arg(required = true)]
        files: Vec<String>,
    },
}

/// Execution limits of `star run` and `star stream`.
#[derive(Args, Clone, Default)]
pub(crate) struct LimitFlags {
    /// Stop after N steps (loop iterations and function calls) in any one module.
    #[arg(long, value_name = "N")]
    pub(crate) max_steps: Option<u64>,
    /// Stop after this many seconds (fractions allowed).
    #[arg(long, value_name = "SECONDS")]
    pub(crate) timeout: Option<f64>,
    /// The deepest nesting of function calls allowed.
    #[arg(long, value_name = "N")]
    pub(crate) max_depth: Option<usize>,
    /// Stop when the values a module made and still holds pass SIZE bytes (a number,
    /// or with a K, M or G suffix: 512M).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub(crate) max_memory: Option<usize>,
    /// Refuse any single result bigger than N: bytes of a string, elements of a list,
    /// tuple, dict or set, bits of an int.
    #[arg(long, value_name = "N")]
    pub(crate) max_size: Option<usize>,
}

/// A size in bytes: digits, optionally followed by K, M or G (powers of 1024).
fn parse_size(s: &str) -> Result<usize, String> {
    let (digits, shift) = match s.as_bytes().last() {
        Some(b'K' | b'k') => (&s[..s.len() - 1], 10),
        Some(b'M' | b'm') => (&s[..s.len() - 1], 20),
        Some(b'G' | b'g') => (&s[..s.len() - 1], 30),
        _ => (s, 0),
    };
    let bad = || format!("{s:?} is not a size (want bytes, or a number with K, M or G)");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: usize = digits.parse().map_err(|_| bad())?;
    n.checked_mul(1 << shift).ok_or_else(bad)
}

/// Dialect switches shared by the commands that read programs.
#[derive(Args, Clone, Default)]
pub(crate) struct DialectFlags {
    /// Allow the `set` built-in.
    #[arg(long)]
    set: bool,
    /// Allow `while` loops.
    #[arg(long = "while")]
    while_: bool,
    /// Allow recursion.
    #[arg(long)]
    recursion: bool,
    /// Allow `if`/`for`/`while` at top level.
    #[arg(long)]
    toplevel_control: bool,
    /// Allow rebinding top-level names.
    #[arg(long)]
    globalreassign: bool,
    /// Allow f-strings.
    #[arg(long)]
    fstrings: bool,
    /// Make `load` bind globals.
    #[arg(long)]
    loadbindsglobally: bool,
    /// Turn on every optional feature.
    #[arg(long)]
    extended: bool,
    /// Forbid a construct (def, lambda, load, for, while, if, comprehension, f-string);
    /// repeatable.
    #[arg(long, value_name = "CONSTRUCT")]
    forbid: Vec<String>,
}

impl DialectFlags {
    fn dialect(&self) -> Result<Dialect, String> {
        let mut d = if self.extended {
            Dialect::extended()
        } else {
            Dialect::standard()
        };
        d.sets |= self.set;
        d.while_loops |= self.while_;
        d.recursion |= self.recursion;
        d.toplevel_control |= self.toplevel_control;
        d.global_reassign |= self.globalreassign;
        d.fstrings |= self.fstrings;
        d.load_binds_globally |= self.loadbindsglobally;
        for name in &self.forbid {
            match Construct::from_name(name) {
                Some(c) => d.forbidden.push(c),
                None => {
                    let all: Vec<&str> = Construct::ALL.iter().map(|c| c.name()).collect();
                    return Err(format!(
                        "unknown construct {name:?} for --forbid (want one of: {})",
                        all.join(", ")
                    ));
                }
            }
        }
        Ok(d)
    }
}

/// Reads a file, or standard input for `-`.
fn read_source(path: &str) -> Result<String, String> {
    let bytes = if path == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .map_err(|e| format!("<stdin>: {e}"))?;
        b
    } else {
        std::fs::read(path).map_err(|e| format!("{path}: {e}"))?
    };
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{path}: invalid UTF-8 at byte {}",
            e.utf8_error().valid_up_to()
        )
    })
}

fn display_name(path: &str) -> &str {
    if path == "-" {
        "<stdin>"
    } else {
        path
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        return match cli.file {
            Some(file) => run(
                Program {
                    code: None,
                    file: Some(file),
                    args: cli.args,
                    packages: cli.packages,
                    no_stdlib: false,
                    limits: LimitFlags::default(),
                },
                &cli.dialect,
            ),
            None if std::io::stdin().is_terminal() => start_repl(&cli.dialect),
            None => run(
                Program {
                    code: None,
                    file: Some("-".into()),
                    args: cli.args,
                    packages: cli.packages,
                    no_stdlib: false,
                    limits: LimitFlags::default(),
                },
                &cli.dialect,
            ),
        };
    };
    match command {
        Command::Check { files, dialect } => check(&files, &dialect),
        Command::Parse {
            ast: _,
            resolve,
            file,
            dialect,
        } => parse(&file, resolve, &dialect),
        Command::Run {
            code,
            file,
            args,
            packages,
            no_stdlib,
            limits,
            dialect,
        } => run(
            Program {
                code,
                file,
                args,
                packages,
                no_stdlib,
                limits,
            },
            &dialect,
        ),
        Command::Stream {
            dry_run,
            keep_going,
            events,
            packages,
            no_stdlib,
            limits,
            dialect,
        } => stream::stream(
            stream::StreamOptions {
                dry_run,
                keep_going,
                events,
                packages,
                no_stdlib,
                limits,
            },
            &dialect,
        ),
        Command::Doc { module } => doc(module.as_deref()),
        Command::Repl { dialect } => start_repl(&dialect),
        Command::Test {
            mode,
            ignore_messages,
            files,
        } => test(&files, Mode::from_name(&mode).unwrap(), ignore_messages),
    }
}

/// `star doc [MODULE]`: the standard library's documentation.
fn doc(module: Option<&str>) -> ExitCode {
    match module {
        None => {
            for (i, (_, text)) in star_stdlib::docs().iter().enumerate() {
                if i > 0 {
                    println!();
                }
                print!("{}", text.trim_end());
                println!();
            }
            ExitCode::SUCCESS
        }
        Some(name) => match star_stdlib::doc(name) {
            Some(text) => {
                println!("{}", text.trim_end());
                ExitCode::SUCCESS
            }
            None => usage_error(&format!(
                "no module {name:?} in the standard library (modules: {})",
                star_stdlib::MODULES.join(", ")
            )),
        },
    }
}

pub(crate) fn usage_error(msg: &str) -> ExitCode {
    eprintln!("star: {msg}");
    ExitCode::from(2)
}

fn check(files: &[String], flags: &DialectFlags) -> ExitCode {
    let dialect = match flags.dialect() {
        Ok(d) => d,
        Err(e) => return usage_error(&e),
    };
    let color = std::io::stderr().is_terminal();
    let mut failed = false;
    for path in files {
        let src = match read_source(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("star: {e}");
                failed = true;
                continue;
            }
        };
        let report = check_source(display_name(path), &src, &dialect);
        for d in &report.errors {
            eprint!("{}", render(d, &src, color));
        }
        failed |= !report.errors.is_empty();
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The REPL: the command line's dialect, plus what interactive use needs (names may be
/// bound again, and `if`/`for` work at top level).
fn start_repl(flags: &DialectFlags) -> ExitCode {
    let mut dialect = match flags.dialect() {
        Ok(d) => d,
        Err(e) => return usage_error(&e),
    };
    dialect.global_reassign = true;
    dialect.toplevel_control = true;
    repl::run(dialect, Predeclared::new())
}

/// Where a program comes from and what else it may load.
struct Program {
    code: Option<String>,
    file: Option<String>,
    args: Vec<String>,
    /// Extra packages, as `ALIAS=DIR`.
    packages: Vec<String>,
    /// Run without the standard library (no `@stdlib`, no `builtins.star`).
    no_stdlib: bool,
    /// Execution limits.
    limits: LimitFlags,
}

/// Runs a program as the script `//NAME` of package `__main__`, whose root is the
/// program's directory (the current directory for `-c` and standard input), with the
/// extra packages mounted.
fn run(program: Program, flags: &DialectFlags) -> ExitCode {
    let dialect = match flags.dialect() {
        Ok(d) => d,
        Err(e) => return usage_error(&e),
    };
    // The main module's name in the package, its text if it is not a file, and the
    // package root.
    let (name, text, root) = match (program.code, program.file.as_deref()) {
        (Some(c), _) => ("<command line>".to_string(), Some(c), ".".into()),
        (None, Some("-")) => match read_source("-") {
            Ok(s) => ("<stdin>".to_string(), Some(s), ".".into()),
            Err(e) => return usage_error(&e),
        },
        (None, Some(path)) => {
            let p = std::path::Path::new(path);
            let Some(file) = p.file_name().and_then(|f| f.to_str()) else {
                return usage_error(&format!("{path}: not a file name"));
            };
            if let Err(e) = std::fs::metadata(p) {
                return usage_error(&format!("{path}: {e}"));
            }
            let dir = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => ".".into(),
            };
            (file.to_string(), None, dir)
        }
        (None, None) => return usage_error("nothing to run"),
    };
    let fs = match FsLoader::new(&root) {
        Ok(l) => l,
        Err(e) => return usage_error(&format!("{}: {e}", root.display())),
    };
    let main_name = name.clone();
    let main = move |path: &str| match &text {
        Some(t) if path == main_name => Ok(Source::Text(t.as_str().into())),
        _ => fs.load(path),
    };
    let mut limits = Limits::none();
    if let Some(n) = program.limits.max_steps {
        limits = limits.max_steps(n);
    }
    if let Some(secs) = program.limits.timeout {
        match Duration::try_from_secs_f64(secs) {
            Ok(d) => limits = limits.timeout(d),
            Err(_) => return usage_error(&format!("--timeout {secs}: not a duration")),
        }
    }
    if let Some(n) = program.limits.max_memory {
        limits = limits.max_memory(n);
    }
    if let Some(n) = program.limits.max_size {
        limits = limits.max_size(n);
    }
    let max_depth = program.limits.max_depth;
    let argv0 = program.file.clone().unwrap_or_else(|| name.clone());
    let argv: Vec<Value> = std::iter::once(argv0.as_str())
        .chain(program.args.iter().map(|a| a.as_str()))
        .map(Value::str)
        .collect();
    let builder = Interpreter::builder()
        .dialect(dialect)
        .predeclare("argv", Value::list(argv))
        .package(MAIN_PACKAGE, main)
        // A program run from the command line is trusted with the clock; limits apply
        // to every module's thread (the deadline is one for the whole run).
        .thread_modifier(move |thread| {
            star_stdlib::time::allow_clock(thread);
            thread.set_limits(limits.clone());
            if let Some(d) = max_depth {
                thread.set_max_depth(d);
            }
        })
        .logger(|_, _, msg| {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{msg}");
        });
    let builder = match mount_packages(builder, &program.packages, program.no_stdlib) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let interp = builder.build();
    let result = interp.exec_module(MAIN_PACKAGE, &name, None);
    let _ = std::io::stdout().flush();
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprint!(
                "{}",
                interp.render_error(&e, std::io::stderr().is_terminal())
            );
            ExitCode::from(1)
        }
    }
}

/// Mounts the `--pkg ALIAS=DIR` packages and, unless `no_stdlib`, the standard
/// library; a bad spec is a usage error.
pub(crate) fn mount_packages(
    mut builder: InterpreterBuilder,
    specs: &[String],
    no_stdlib: bool,
) -> Result<InterpreterBuilder, ExitCode> {
    for spec in specs {
        let Some((alias, dir)) = spec.split_once('=') else {
            return Err(usage_error(&format!("--pkg {spec}: want ALIAS=DIR")));
        };
        if alias == MAIN_PACKAGE {
            return Err(usage_error(&format!(
                "--pkg {spec}: {MAIN_PACKAGE} is the program's own package"
            )));
        }
        match FsLoader::new(dir) {
            Ok(l) => builder = builder.package(alias, l),
            Err(e) => return Err(usage_error(&format!("--pkg {spec}: {dir}: {e}"))),
        }
    }
    if !no_stdlib {
        builder = builder.package(star_stdlib::PACKAGE_ALIAS, star_stdlib::package());
    }
    Ok(builder)
}

fn parse(path: &str, resolve: bool, flags: &DialectFlags) -> ExitCode {
    let dialect = match flags.dialect() {
        Ok(d) => d,
        Err(e) => return usage_error(&e),
    };
    let src = match read_source(path) {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    let color = std::io::stderr().is_terminal();
    let (module, errors) = if resolve {
        let r = check_source(display_name(path), &src, &dialect);
        (r.module, r.errors)
    } else {
        let (m, errs) = syntax::parse(&src, dialect.scan_options());
        let errs = errs
            .into_iter()
            .map(|e| star_core::Diagnostic::syntax(display_name(path), e))
            .collect();
        (m, errs)
    };
    print!("{}", dump_module(&module));
    for d in &errors {
        eprint!("{}", render(d, &src, color));
    }
    if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// A native module as `load` gives it: one name, the module itself.
fn native_module(file: &str, module: star_core::value::NativeModule) -> FrozenModule {
    let name = module.name().to_string();
    FrozenModule::from_values(file, [(name, Value::from(module))])
}

fn test(files: &[String], mode: Mode, ignore_messages: bool) -> ExitCode {
    let runner = chunked::ExecRunner::new(ignore_messages)
        .with_module(
            "json.star",
            native_module("json.star", star_stdlib::json::module()),
        )
        .with_module(
            "math.star",
            native_module("math.star", star_stdlib::math::module()),
        )
        .with_module(
            "time.star",
            native_module("time.star", star_stdlib::time::module()),
        )
        .with_module(
            "re.star",
            native_module("re.star", star_stdlib::re::module()),
        )
        .with_thread(star_stdlib::time::allow_clock);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let (mut passed, mut failed) = (0, 0);
    for path in files {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(out, "FAIL {path}:0: cannot read file: {e}");
                failed += 1;
                continue;
            }
        };
        let report = chunked::run_file(path, &text, mode, ignore_messages, Some(&runner));
        for p in &report.problems {
            let _ = writeln!(
                out,
                "FAIL {path}:{}: {}",
                p.line,
                p.reason.replace('\n', "\\n")
            );
        }
        passed += report.passed;
        failed += report.failed;
    }
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

//! `star stream`: run a program from standard input while it arrives.
//!
//! Each top-level statement runs as soon as it is complete, and its output appears at
//! once. The command is meant for untrusted, generated code, so it runs under limits by
//! default (see [`DEFAULTS`]); the clock and the file system outside the current
//! directory's package are not available.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use star_core::eval::limits::Limits;
use star_core::interp::{FsLoader, Interpreter, MAIN_PACKAGE};
use star_core::stream::{Event, Executor, OnError};

use crate::{mount_packages, usage_error, DialectFlags, LimitFlags};

/// The limits `star stream` applies unless flags say otherwise.
pub struct Defaults {
    /// Loop iterations and calls.
    pub max_steps: u64,
    /// Seconds for the whole run, waiting for input included.
    pub timeout_secs: f64,
    /// Nested calls.
    pub max_depth: usize,
    /// Bytes of values alive at once.
    pub max_memory: usize,
}

/// The safe defaults of `star stream` (documented in `star stream --help`).
pub const DEFAULTS: Defaults = Defaults {
    max_steps: 100_000_000,
    timeout_secs: 600.0,
    max_depth: 200,
    max_memory: 512 << 20,
};

/// What `star stream` was asked to do.
pub struct StreamOptions {
    pub dry_run: bool,
    pub keep_going: bool,
    pub events: bool,
    pub packages: Vec<String>,
    pub no_stdlib: bool,
    pub limits: LimitFlags,
}

pub fn stream(opts: StreamOptions, flags: &DialectFlags) -> ExitCode {
    let dialect = match flags.dialect() {
        Ok(d) => d,
        Err(e) => return usage_error(&e),
    };
    let steps = opts.limits.max_steps.unwrap_or(DEFAULTS.max_steps);
    let secs = opts.limits.timeout.unwrap_or(DEFAULTS.timeout_secs);
    let Ok(timeout) = Duration::try_from_secs_f64(secs) else {
        return usage_error(&format!("--timeout {secs}: not a duration"));
    };
    let depth = opts.limits.max_depth.unwrap_or(DEFAULTS.max_depth);
    let mut limits = Limits::none().max_steps(steps);
    limits.max_memory = Some(opts.limits.max_memory.unwrap_or(DEFAULTS.max_memory));
    limits.max_size = opts.limits.max_size;
    let mut builder = Interpreter::builder().dialect(dialect.clone());
    {
        let limits = limits.clone().timeout(timeout);
        builder = builder.thread_modifier(move |thread| {
            thread.set_limits(limits.clone());
            thread.set_max_depth(depth);
        });
    }
    builder = builder.logger(|_, _, msg| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{msg}");
    });
    match FsLoader::new(".") {
        Ok(l) => builder = builder.package(MAIN_PACKAGE, l),
        Err(e) => return usage_error(&format!(".: {e}")),
    }
    let builder = match mount_packages(builder, &opts.packages, opts.no_stdlib) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let interp = builder.build();
    let color = std::io::stderr().is_terminal();
    let mut ex = Executor::builder()
        .name("<stdin>")
        .dialect(dialect)
        .limits(limits)
        .timeout(timeout)
        .max_depth(depth)
        .interpreter(interp, MAIN_PACKAGE, "<stdin>", None)
        .dry_run(opts.dry_run)
        .on_error(if opts.keep_going {
            OnError::KeepGoing
        } else {
            OnError::Stop
        })
        .color(color)
        .print(|line| {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        });
    let events = opts.events;
    let dry_run = opts.dry_run;
    ex = ex.events(move |e| match e {
        // Failures are always shown; the rest only with --events (and, in a dry run,
        // the checked statements, which are its output).
        Event::Failed(err) => {
            let _ = std::io::stdout().flush();
            eprint!("{}", err.rendered());
        }
        Event::Checked(s) if dry_run || events => {
            println!(
                "ok {}:{}-{}:{}",
                s.span.start.line, s.span.start.col, s.span.end.line, s.span.end.col
            )
        }
        Event::Started(s) if events => {
            eprintln!(
                "[statement {} at {}:{} started]",
                s.index, s.span.start.line, s.span.start.col
            )
        }
        Event::Finished(s) if events => eprintln!("[statement {} finished]", s.index),
        _ => {}
    });
    let mut ex = match ex.build() {
        Ok(ex) => ex,
        Err(e) => {
            eprintln!("error: {}", e.message());
            return ExitCode::from(1);
        }
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = rt.block_on(ex.run_reader(tokio::io::stdin()));
    // Reading standard input blocks a thread of the runtime's pool that nothing can
    // interrupt; when the run ended early (the deadline while the producer is silent),
    // do not wait for it.
    rt.shutdown_background();
    let _ = std::io::stdout().flush();
    match result {
        Ok(report) if report.is_ok() => ExitCode::SUCCESS,
        // Errors were printed as they happened.
        _ => ExitCode::from(1),
    }
}

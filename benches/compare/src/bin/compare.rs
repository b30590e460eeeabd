//! `compare`: the language benchmarks, star against starlark-rust (the `starlark`
//! crate), CPython 3.11 and Lua 5.4, measured side by side in one run. See
//! ../../../README.md ("Language benchmarks").
//!
//! How it measures. Every sample is a fresh child process, forked and reaped here with
//! `wait4`, so each sample also yields that process's peak resident set (`ru_maxrss`;
//! see `Spawn` for why fork rather than posix_spawn):
//!
//! * star and starlark-rust run in a child of this same binary (`compare --run-one
//!   IMPL FILE`), which reads the file, then times parse + resolve/compile + run with
//!   `Instant` and prints the program's output followed by a line `@@elapsed_ns N`.
//! * CPython and Lua run the program file directly. Their time is the wall time of the
//!   process minus the median wall time of the same interpreter running a one-line
//!   program (`startup.star`, `x = 1`), sampled in the same rounds; so interpreter
//!   start-up is excluded, as it is for the two in-process measurements.
//! * `startup` is the wall time of a whole process for a one-line program: `star run -c
//!   'x = 1'` (the release CLI), `compare --run-one starlark startup.star`,
//!   `python3 -c 'x = 1'` and `lua5.4 -e 'x = 1'` (timed on children started with
//!   posix_spawn, the cheapest start; their memory is taken from forked ones).
//!
//! Samples are interleaved: each round runs every benchmark once on every
//! implementation (in a rotating order), and the rounds repeat `--runs` times. A
//! benchmark reports the median time and the largest peak RSS of its samples. A failing
//! sample (error exit, timeout) marks that pair as an error; the run goes on.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::rc::Rc;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const HELP: &str = "\
compare: star against starlark-rust, CPython 3.11 and Lua 5.4 on the programs in
benches/compare/programs, as ratios measured side by side in one run.

USAGE:
    cargo run -j1 --release --bin compare -- [OPTIONS]

OPTIONS:
    --runs N          samples per (implementation, benchmark) pair [default: 5]
    --filter NAMES    only benchmarks whose name contains one of the comma-separated
                      NAMES (e.g. --filter fib,loop)
    --programs DIR    the benchmark programs [default: <crate>/programs]
    --star-bin PATH   the star CLI, for `startup` [default: <repo>/target/release/star]
    --python PATH     CPython [default: /usr/bin/python3 if present, else python3]
    --lua PATH        Lua 5.4 [default: lua5.4]
    --timeout SECS    a sample running longer is killed and counted as an error
                      [default: 120]
    --raw             also print every sample (time in ms, peak RSS in KiB)
    --wall            compare wall-clock times instead of CPU times
    -h, --help        this text

Times are CPU times (user + system), which a machine shared with other work disturbs
far less than wall times (use --wall for those). Times of star and starlark-rust are
measured in-process (parse + resolve/compile + run) in a child process of this binary;
CPython and Lua times are the process's time minus the median time of that
interpreter running a one-line program. Peak memory is each child process's
ru_maxrss. `startup` times whole processes.

Internal: `compare --run-one star|starlark FILE` runs one program in-process and
prints its output, then `@@cpu_ns N` and `@@elapsed_ns N`.
";

/// The benchmarks in the order they are reported; other `.star` files in the programs
/// folder follow in name order.
const ORDER: &[&str] = &[
    "fib",
    "int_loop",
    "float_loop",
    "strings",
    "dict_churn",
    "list_churn",
    "comprehensions",
    "bigint",
    "bazel_macros",
];

/// The start-up benchmark: a one-line program, timed as a whole process.
const STARTUP: &str = "startup";

/// The implementations, in table order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Impl {
    Star,
    Starlark,
    Python,
    Lua,
}

const IMPLS: [Impl; 4] = [Impl::Star, Impl::Starlark, Impl::Python, Impl::Lua];

impl Impl {
    fn label(self) -> &'static str {
        match self {
            Impl::Star => "star",
            Impl::Starlark => "starlark-rust",
            Impl::Python => "CPython",
            Impl::Lua => "Lua",
        }
    }
}

/// Command-line settings.
struct Config {
    runs: usize,
    filter: Vec<String>,
    programs: PathBuf,
    star_bin: PathBuf,
    python: PathBuf,
    lua: PathBuf,
    timeout: Duration,
    raw: bool,
    /// Compare wall-clock times instead of CPU times (user + system).
    wall: bool,
}

/// One benchmark: the files each implementation runs (`None`: not run).
struct Bench {
    name: String,
    star: PathBuf,
    /// `NAME.py` if the Starlark file is not valid Python, else `NAME.star`.
    python: PathBuf,
    lua: Option<PathBuf>,
}

/// What one finished child process gave.
struct ProcessResult {
    wall: Duration,
    /// CPU time, user + system (`ru_utime + ru_stime`).
    cpu: Duration,
    /// Peak resident set in KiB (`ru_maxrss`).
    max_rss_kib: u64,
    success: bool,
    timed_out: bool,
    stdout: String,
    stderr: String,
}

/// One sample of one (implementation, benchmark) pair.
#[derive(Clone)]
enum Sample {
    Ok {
        /// Wall or in-process time; for CPython and Lua still including start-up
        /// (the baseline is subtracted when the samples are summarised).
        time: Duration,
        max_rss_kib: u64,
        output: String,
    },
    Err(String),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--run-one") {
        return match (args.get(1), args.get(2)) {
            (Some(imp), Some(file)) => run_one(imp, Path::new(file)),
            _ => usage("--run-one needs IMPL and FILE"),
        };
    }
    let config = match parse_args(&args) {
        Ok(Some(c)) => c,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => return usage(&msg),
    };
    match run_suite(&config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("compare: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("compare: {msg}\n\n{HELP}");
    ExitCode::from(2)
}

fn parse_args(args: &[String]) -> Result<Option<Config>, String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config = Config {
        runs: 5,
        filter: Vec::new(),
        programs: manifest.join("programs"),
        star_bin: manifest.join("../../target/release/star"),
        python: if Path::new("/usr/bin/python3").exists() {
            PathBuf::from("/usr/bin/python3")
        } else {
            PathBuf::from("python3")
        },
        lua: PathBuf::from("lua5.4"),
        timeout: Duration::from_secs(120),
        raw: false,
        wall: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value"))
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--runs" => {
                config.runs = value()?
                    .parse()
                    .map_err(|_| "--runs needs a positive integer".to_string())?;
                if config.runs == 0 {
                    return Err("--runs needs a positive integer".into());
                }
            }
            "--filter" => {
                config.filter = value()?
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            }
            "--programs" => config.programs = value()?.into(),
            "--star-bin" => config.star_bin = value()?.into(),
            "--python" => config.python = value()?.into(),
            "--lua" => config.lua = value()?.into(),
            "--timeout" => {
                let secs: f64 = value()?
                    .parse()
                    .map_err(|_| "--timeout needs a number of seconds".to_string())?;
                config.timeout = Duration::from_secs_f64(secs);
            }
            "--raw" => config.raw = true,
            "--wall" => config.wall = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(config))
}

// ---------------------------------------------------------------------------------
// In-process runs (the child side of `--run-one`).

/// Runs `file` with star or starlark-rust in this process; prints the program's output,
/// then `@@elapsed_ns N` (parse + resolve/compile + run, reading the file excluded).
fn run_one(imp: &str, file: &Path) -> ExitCode {
    let source = match std::fs::read_to_string(file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot read {}: {e}", file.display());
            return ExitCode::FAILURE;
        }
    };
    let name = file.display().to_string();
    let result = match imp {
        "star" => run_star(&name, &source),
        "starlark" => run_starlark(&name, source),
        other => Err(format!("unknown implementation {other:?}")),
    };
    match result {
        Ok((output, elapsed, cpu)) => {
            print!("{output}");
            println!("@@cpu_ns {}", cpu.as_nanos());
            println!("@@elapsed_ns {}", elapsed.as_nanos());
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::FAILURE
        }
    }
}

fn run_star(name: &str, source: &str) -> Result<(String, Duration, Duration), String> {
    use star_core::eval::{Module, Predeclared};
    use star_core::{Dialect, Thread};

    let output = Rc::new(RefCell::new(String::new()));
    let sink = Rc::clone(&output);
    let mut thread = Thread::new("main");
    thread.set_print(move |line| {
        let mut out = sink.borrow_mut();
        out.push_str(line);
        out.push('\n');
    });
    let dialect = Dialect {
        recursion: true,
        ..Dialect::standard()
    };
    let (start, cpu_start) = (Instant::now(), process_cpu());
    let mut module = Module::new(name, Predeclared::new(), dialect);
    let result = module.exec(&mut thread, source);
    let (elapsed, cpu) = (start.elapsed(), process_cpu() - cpu_start);
    result.map_err(|e| e.render(source, false))?;
    // Dropping the module's values is not part of the measurement (for either side).
    std::mem::forget(module);
    let out = output.borrow().clone();
    Ok((out, elapsed, cpu))
}

fn run_starlark(name: &str, source: String) -> Result<(String, Duration, Duration), String> {
    use starlark::environment::{Globals, LibraryExtension, Module};
    use starlark::eval::Evaluator;
    use starlark::syntax::{AstModule, Dialect};

    struct Collect(RefCell<String>);
    impl starlark::PrintHandler for Collect {
        fn println(&self, text: &str) -> starlark::Result<()> {
            let mut out = self.0.borrow_mut();
            out.push_str(text);
            out.push('\n');
            Ok(())
        }
    }

    // The standard library plus `print` (an extension there); the global table is
    // built before the timed part, as a host builds it once (star's is static).
    let globals = Globals::extended_by(&[LibraryExtension::Print]);
    let printer = Collect(RefCell::new(String::new()));
    // The module's heap is freed when `with_temp_heap` returns, after the timed part.
    let (result, elapsed, cpu) = Module::with_temp_heap(|module| {
        let (start, cpu_start) = (Instant::now(), process_cpu());
        let result = AstModule::parse(name, source, &Dialect::Standard).and_then(|ast| {
            let mut eval = Evaluator::new(&module);
            eval.set_print_handler(&printer);
            eval.eval_module(ast, &globals).map(drop)
        });
        (result, start.elapsed(), process_cpu() - cpu_start)
    });
    result.map_err(|e| e.to_string())?;
    let out = printer.0.borrow().clone();
    Ok((out, elapsed, cpu))
}

// ---------------------------------------------------------------------------------
// Child processes.

/// How a child process is started.
///
/// The kernel records the high-water RSS of the memory a process had before `exec`
/// in that process's `ru_maxrss`. A child started by posix_spawn (vfork) shares this
/// harness's memory until its `exec`, so its `ru_maxrss` is never below the harness's
/// own (about 6 MiB); a forked child has its own copy, which counts only the harness's
/// anonymous pages (a few hundred KiB). So memory is measured on forked children;
/// posix_spawn is cheaper (a few hundred microseconds less), which matters only for
/// `startup`, whose times are taken from spawned children.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Spawn {
    /// fork + exec: exact `ru_maxrss`.
    Fork,
    /// posix_spawn: the cheapest start.
    PosixSpawn,
}

/// Runs `cmd` to completion (or `timeout`), with stdout and stderr going to files in
/// `scratch`, and returns its wall time and `ru_maxrss` from `wait4`.
fn run_process(
    cmd: &mut Command,
    spawn: Spawn,
    scratch: &Path,
    timeout: Duration,
) -> ProcessResult {
    let out_path = scratch.join("stdout.txt");
    let err_path = scratch.join("stderr.txt");
    let failed = |msg: String| ProcessResult {
        wall: Duration::ZERO,
        cpu: Duration::ZERO,
        max_rss_kib: 0,
        success: false,
        timed_out: false,
        stdout: String::new(),
        stderr: msg,
    };
    let (out_file, err_file) = match (File::create(&out_path), File::create(&err_path)) {
        (Ok(o), Ok(e)) => (o, e),
        _ => return failed(format!("cannot create files in {}", scratch.display())),
    };
    cmd.stdin(Stdio::null())
        .stdout(Stdio::from(out_file))
        .stderr(Stdio::from(err_file));
    if spawn == Spawn::Fork {
        use std::os::unix::process::CommandExt;
        // A `pre_exec` hook makes the standard library use fork + exec instead of
        // posix_spawn (vfork). SAFETY: the hook does nothing, so it is trivially
        // async-signal-safe.
        unsafe {
            cmd.pre_exec(|| Ok(()));
        }
    }

    // The watchdog kills the child if it outlives `timeout`. It is told to stop as soon
    // as the child has been reaped (the pid could otherwise be reused).
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let (pid_tx, pid_rx) = mpsc::channel::<i32>();
    let watchdog = std::thread::spawn(move || {
        let Ok(pid) = pid_rx.recv() else {
            return false;
        };
        match done_rx.recv_timeout(timeout) {
            Err(mpsc::RecvTimeoutError::Timeout) => {
                // SAFETY: kill has no memory-safety preconditions; `pid` is our
                // child, not yet reaped (the main thread sends `done` right after
                // reaping it).
                unsafe { libc::kill(pid, libc::SIGKILL) };
                true
            }
            _ => false,
        }
    });

    let start = Instant::now();
    let child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            drop(pid_tx);
            let _ = watchdog.join();
            return failed(format!("cannot start {:?}: {e}", cmd.get_program()));
        }
    };
    let pid = child.id() as i32;
    let _ = pid_tx.send(pid);
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; all-zero is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `status` and `usage` are valid for writes for the call's duration.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        if r == -1 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        let _ = done_tx.send(());
        let _ = watchdog.join();
        return failed(format!("wait4 failed: {}", std::io::Error::last_os_error()));
    }
    let wall = start.elapsed();
    let _ = done_tx.send(());
    let timed_out = watchdog.join().unwrap_or(false);
    // The child is reaped: `Child` must not wait for it again (dropping it does not).
    drop(child);
    let success = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 && !timed_out;
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    ProcessResult {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        max_rss_kib: usage.ru_maxrss.max(0) as u64,
        success,
        timed_out,
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
    }
}

/// Turns a finished process into a sample; `in_process` reads the `@@elapsed_ns` line.
fn sample_of(p: ProcessResult, in_process: bool, timeout: Duration, wall: bool) -> Sample {
    if p.timed_out {
        return Sample::Err(format!("timed out after {} s", timeout.as_secs_f64()));
    }
    if !p.success {
        return Sample::Err(error_line(&p.stderr));
    }
    let mut output = p.stdout;
    let mut time = if wall { p.wall } else { p.cpu };
    if in_process {
        let tag = if wall { "@@elapsed_ns " } else { "@@cpu_ns " };
        let Some(pos) = output.rfind(tag) else {
            return Sample::Err(format!("no {} line in the output", tag.trim()));
        };
        let ns: u64 = output[pos + tag.len()..]
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .parse()
            .unwrap_or(0);
        time = Duration::from_nanos(ns);
        if let Some(first) = output.find("@@") {
            output.truncate(first);
        }
    }
    Sample::Ok {
        time,
        max_rss_kib: p.max_rss_kib,
        output: output.trim().to_string(),
    }
}

/// CPU time used by this process so far (user + system, all threads).
fn process_cpu() -> Duration {
    // SAFETY: timespec is plain old data; clock_gettime writes it.
    let mut t: libc::timespec = unsafe { std::mem::zeroed() };
    // SAFETY: `t` is valid for writes.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// The line of a failed child's stderr that names the error: star's and starlark-rust's
/// start with `error`; Python's comes last, after its traceback.
fn error_line(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let line = lines
        .iter()
        .find(|l| l.starts_with("error"))
        .or_else(|| match lines.first() {
            Some(l) if l.starts_with("Traceback") => lines.last(),
            first => first,
        });
    line.map_or("failed with no message".to_string(), |l| l.to_string())
}

// ---------------------------------------------------------------------------------
// The suite.

/// The benchmarks found in the programs folder (`startup` excluded), in report order.
fn find_benches(config: &Config) -> Result<Vec<Bench>, String> {
    let dir = &config.programs;
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".star").map(str::to_string)
        })
        .filter(|n| n != STARTUP)
        .collect();
    names.sort_by_key(|n| {
        (
            ORDER.iter().position(|o| o == n).unwrap_or(ORDER.len()),
            n.clone(),
        )
    });
    Ok(names
        .into_iter()
        .map(|name| {
            let star = dir.join(format!("{name}.star"));
            let py = dir.join(format!("{name}.py"));
            let lua = dir.join(format!("{name}.lua"));
            Bench {
                python: if py.exists() { py } else { star.clone() },
                lua: lua.exists().then_some(lua),
                star,
                name,
            }
        })
        .collect())
}

fn selected(config: &Config, name: &str) -> bool {
    config.filter.is_empty() || config.filter.iter().any(|f| name.contains(f.as_str()))
}

/// The real executable behind `python` (a pyenv shim would add its own start-up).
fn resolve_python(python: &Path) -> PathBuf {
    Command::new(python)
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| python.to_path_buf())
}

fn version_of(program: &Path, args: &[&str]) -> String {
    match Command::new(program).args(args).output() {
        Ok(o) => {
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            text.lines().next().unwrap_or("").trim().to_string()
        }
        Err(e) => format!("not found ({e})"),
    }
}

/// Samples of every (implementation, benchmark) pair, and the baselines.
struct Samples {
    by_pair: BTreeMap<(String, Impl), Vec<Sample>>,
    /// Wall time and peak RSS (KiB) of each implementation running the one-line program
    /// the way it runs the benchmarks (star and starlark-rust in `--run-one`
    /// children). The time is subtracted from CPython's and Lua's times; the RSS is
    /// subtracted for the "above baseline" memory ratios.
    baseline: BTreeMap<Impl, Vec<(Duration, u64)>>,
}

fn run_suite(config: &Config) -> Result<(), String> {
    let benches: Vec<Bench> = find_benches(config)?
        .into_iter()
        .filter(|b| selected(config, &b.name))
        .collect();
    let with_startup = selected(config, STARTUP);
    if benches.is_empty() && !with_startup {
        return Err(format!("no benchmark matches {:?}", config.filter));
    }
    let startup_file = config.programs.join(format!("{STARTUP}.star"));
    if !startup_file.exists() {
        return Err(format!("{} is missing", startup_file.display()));
    }
    let me = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let python = resolve_python(&config.python);
    let scratch = std::env::temp_dir().join(format!("star-compare-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;

    let mut samples = Samples {
        by_pair: BTreeMap::new(),
        baseline: BTreeMap::new(),
    };
    let run = |cmd: &mut Command, in_process: bool| {
        sample_of(
            run_process(cmd, Spawn::Fork, &scratch, config.timeout),
            in_process,
            config.timeout,
            config.wall,
        )
    };
    for round in 0..config.runs {
        eprintln!("round {}/{}", round + 1, config.runs);
        // The baselines: every implementation running the one-line program.
        for imp in IMPLS {
            let mut cmd = match imp {
                Impl::Star => in_process(&me, "star", &startup_file),
                Impl::Starlark => in_process(&me, "starlark", &startup_file),
                Impl::Python => Command::new(&python),
                Impl::Lua => Command::new(&config.lua),
            };
            if matches!(imp, Impl::Python | Impl::Lua) {
                cmd.arg(&startup_file);
            }
            let p = run_process(&mut cmd, Spawn::Fork, &scratch, config.timeout);
            if p.success {
                samples
                    .baseline
                    .entry(imp)
                    .or_default()
                    .push((p.wall, p.max_rss_kib));
            }
        }
        let rotate = round % IMPLS.len();
        let order: Vec<Impl> = IMPLS[rotate..]
            .iter()
            .chain(&IMPLS[..rotate])
            .copied()
            .collect();
        for bench in &benches {
            eprintln!("  {}", bench.name);
            for &imp in &order {
                let sample = match imp {
                    Impl::Star => run(&mut in_process(&me, "star", &bench.star), true),
                    Impl::Starlark => run(&mut in_process(&me, "starlark", &bench.star), true),
                    Impl::Python => run(Command::new(&python).arg(&bench.python), false),
                    Impl::Lua => match &bench.lua {
                        Some(f) => run(Command::new(&config.lua).arg(f), false),
                        None => continue,
                    },
                };
                if config.raw {
                    print_raw(&bench.name, imp, &sample);
                }
                samples
                    .by_pair
                    .entry((bench.name.clone(), imp))
                    .or_default()
                    .push(sample);
            }
        }
        if with_startup {
            eprintln!("  {STARTUP}");
            for &imp in &order {
                let mut cmd = match imp {
                    Impl::Star => {
                        let mut c = Command::new(&config.star_bin);
                        c.args(["run", "-c", "x = 1"]);
                        c
                    }
                    Impl::Starlark => in_process(&me, "starlark", &startup_file),
                    Impl::Python => {
                        let mut c = Command::new(&python);
                        c.args(["-c", "x = 1"]);
                        c
                    }
                    Impl::Lua => {
                        let mut c = Command::new(&config.lua);
                        c.args(["-e", "x = 1"]);
                        c
                    }
                };
                // Time from a spawned child, memory from a forked one (see `Spawn`); in
                // this order, as the fork run leaves its hook on `cmd`.
                let timed = run_process(&mut cmd, Spawn::PosixSpawn, &scratch, config.timeout);
                let sized = run_process(&mut cmd, Spawn::Fork, &scratch, config.timeout);
                let mut sample = sample_of(timed, false, config.timeout, config.wall);
                if let Sample::Ok {
                    output,
                    max_rss_kib,
                    ..
                } = &mut sample
                {
                    // The starlark child's own timing line is not program output.
                    if let Some(pos) = output.find("@@") {
                        output.truncate(pos);
                        *output = output.trim().to_string();
                    }
                    *max_rss_kib = sized.max_rss_kib;
                    if !sized.success {
                        sample = sample_of(sized, false, config.timeout, config.wall);
                    }
                }
                if config.raw {
                    print_raw(STARTUP, imp, &sample);
                }
                samples
                    .by_pair
                    .entry((STARTUP.to_string(), imp))
                    .or_default()
                    .push(sample);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);

    let mut names: Vec<String> = benches.iter().map(|b| b.name.clone()).collect();
    if with_startup {
        names.push(STARTUP.to_string());
    }
    let header = Header {
        date: today_utc(),
        runs: config.runs,
        python: format!(
            "{} ({})",
            version_of(&python, &["--version"]),
            python.display()
        ),
        lua: version_of(&config.lua, &["-v"])
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" "),
        star_bin: config.star_bin.display().to_string(),
        clock: if config.wall { "wall-clock" } else { "CPU" },
    };
    print!("{}", report(&header, &names, &samples));
    Ok(())
}

/// `compare --run-one IMPL FILE`: a child of this binary running `file` in-process.
fn in_process(me: &Path, imp: &str, file: &Path) -> Command {
    let mut c = Command::new(me);
    c.arg("--run-one").arg(imp).arg(file);
    c
}

fn print_raw(bench: &str, imp: Impl, sample: &Sample) {
    match sample {
        Sample::Ok {
            time, max_rss_kib, ..
        } => println!(
            "raw {bench} {} {:.3} ms {max_rss_kib} KiB",
            imp.label(),
            time.as_secs_f64() * 1e3
        ),
        Sample::Err(e) => println!("raw {bench} {} error: {e}", imp.label()),
    }
}

// ---------------------------------------------------------------------------------
// Summaries and the report.

/// The summary of one (implementation, benchmark) pair.
enum Summary {
    /// Not run (no program for this implementation).
    Absent,
    Error(String),
    Ok {
        /// Median time (start-up subtracted for CPython and Lua).
        time: Duration,
        /// Largest peak RSS over the samples, KiB.
        max_rss_kib: u64,
        /// The output of every sample agreed; this is it.
        output: Result<String, String>,
    },
}

fn median(mut v: Vec<Duration>) -> Option<Duration> {
    if v.is_empty() {
        return None;
    }
    v.sort();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    })
}

fn summarise(samples: &Samples, bench: &str, imp: Impl) -> Summary {
    let Some(list) = samples.by_pair.get(&(bench.to_string(), imp)) else {
        return Summary::Absent;
    };
    let mut times = Vec::new();
    let mut rss = 0;
    let mut outputs: Vec<&str> = Vec::new();
    for s in list {
        match s {
            Sample::Err(e) => return Summary::Error(e.clone()),
            Sample::Ok {
                time,
                max_rss_kib,
                output,
            } => {
                times.push(*time);
                rss = rss.max(*max_rss_kib);
                outputs.push(output);
            }
        }
    }
    let mut time = median(times).unwrap_or_default();
    if bench != STARTUP && matches!(imp, Impl::Python | Impl::Lua) {
        time = time.saturating_sub(baseline(samples, imp).0);
    }
    let first = outputs.first().copied().unwrap_or("").to_string();
    let output = if outputs.iter().all(|o| *o == first) {
        Ok(first)
    } else {
        Err("outputs differ between runs".to_string())
    };
    Summary::Ok {
        time,
        max_rss_kib: rss,
        output,
    }
}

/// The median wall time and median peak RSS (KiB) of `imp` on the one-line program.
fn baseline(samples: &Samples, imp: Impl) -> (Duration, u64) {
    let list = samples.baseline.get(&imp).cloned().unwrap_or_default();
    let time = median(list.iter().map(|b| b.0).collect()).unwrap_or_default();
    let mut rss: Vec<u64> = list.iter().map(|b| b.1).collect();
    rss.sort_unstable();
    (time, rss.get(rss.len() / 2).copied().unwrap_or(0))
}

struct Header {
    date: String,
    runs: usize,
    /// "CPU" or "wall-clock".
    clock: &'static str,
    python: String,
    lua: String,
    star_bin: String,
}

fn ratio_cell(other: &Summary, star: &Summary, pick: fn(&Summary) -> Option<f64>) -> String {
    match (other, star) {
        (Summary::Absent, _) => "–".into(),
        (Summary::Error(_), _) => "error".into(),
        (_, Summary::Error(_)) => "star error".into(),
        (_, Summary::Absent) => "–".into(),
        _ => match (pick(other), pick(star)) {
            (Some(o), Some(s)) if s > 0.0 => format!("{:.2}x", o / s),
            _ => "–".into(),
        },
    }
}

fn time_of(s: &Summary) -> Option<f64> {
    match s {
        Summary::Ok { time, .. } => Some(time.as_secs_f64()),
        _ => None,
    }
}

fn rss_of(s: &Summary) -> Option<f64> {
    match s {
        Summary::Ok { max_rss_kib, .. } => Some(*max_rss_kib as f64),
        _ => None,
    }
}

/// "ok" if every implementation that ran printed the same; otherwise what differs.
fn outputs_cell(summaries: &BTreeMap<Impl, Summary>) -> String {
    let mut seen: Vec<(Impl, &str)> = Vec::new();
    for (imp, s) in summaries {
        if let Summary::Ok { output, .. } = s {
            match output {
                Ok(o) => seen.push((*imp, o.as_str())),
                Err(e) => return format!("**{}: {e}**", imp.label()),
            }
        }
    }
    let Some(&(_, first)) = seen.first() else {
        return "–".into();
    };
    if seen.iter().all(|(_, o)| *o == first) {
        return "ok".into();
    }
    let parts: Vec<String> = seen
        .iter()
        .map(|(imp, o)| {
            let short: String = o.chars().take(24).collect();
            format!("{}={}", imp.label(), short.replace('\n', " "))
        })
        .collect();
    format!("**MISMATCH** {}", parts.join(", "))
}

fn geomean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    Some((xs.iter().map(|x| x.ln()).sum::<f64>() / xs.len() as f64).exp())
}

fn report(header: &Header, names: &[String], samples: &Samples) -> String {
    use std::fmt::Write;
    let others = [Impl::Starlark, Impl::Python, Impl::Lua];
    let mut main = String::new();
    let mut net = String::new();
    let mut absolute = String::new();
    let mut errors = Vec::new();
    // Ratios other / star per implementation, for the geometric means (time, peak RSS,
    // peak RSS above baseline).
    let mut ratios: [BTreeMap<Impl, Vec<f64>>; 3] = Default::default();
    let base: BTreeMap<Impl, (Duration, u64)> =
        IMPLS.iter().map(|&i| (i, baseline(samples, i))).collect();
    let mib = |kib: f64| kib / 1024.0;

    for name in names {
        let summaries: BTreeMap<Impl, Summary> = IMPLS
            .iter()
            .map(|&imp| (imp, summarise(samples, name, imp)))
            .collect();
        let star = &summaries[&Impl::Star];
        let net_of = |imp: Impl| -> Option<f64> {
            rss_of(&summaries[&imp]).map(|r| (r - base[&imp].1 as f64).max(0.0))
        };
        let _ = write!(main, "| {name} |");
        for (k, pick) in [time_of as fn(&Summary) -> Option<f64>, rss_of]
            .into_iter()
            .enumerate()
        {
            for imp in others {
                let s = &summaries[&imp];
                let _ = write!(main, " {} |", ratio_cell(s, star, pick));
                if let (Some(o), Some(st)) = (pick(s), pick(star)) {
                    if name != STARTUP && st > 0.0 && o > 0.0 {
                        ratios[k].entry(imp).or_default().push(o / st);
                    }
                }
            }
        }
        let _ = writeln!(main, " {} |", outputs_cell(&summaries));

        if name != STARTUP {
            let _ = write!(net, "| {name} |");
            for imp in IMPLS {
                match net_of(imp) {
                    Some(n) => write!(net, " {:.1} |", mib(n)),
                    None => write!(net, " {} |", short_state(&summaries[&imp])),
                }
                .ok();
            }
            for imp in others {
                // Below 1 MiB the growth is within page-accounting noise: such figures
                // count as 1 MiB in the ratio.
                let cell = match (net_of(imp), net_of(Impl::Star)) {
                    (Some(o), Some(st)) => {
                        let r = o.max(1024.0) / st.max(1024.0);
                        ratios[2].entry(imp).or_default().push(r);
                        format!("{r:.2}x")
                    }
                    _ => short_state(&summaries[&imp]).into(),
                };
                let _ = write!(net, " {cell} |");
            }
            let _ = writeln!(net);
        }

        let _ = write!(absolute, "| {name} |");
        for (imp, s) in &summaries {
            match s {
                Summary::Ok {
                    time, max_rss_kib, ..
                } => write!(
                    absolute,
                    " {:.1} ms / {:.1} MiB |",
                    time.as_secs_f64() * 1e3,
                    mib(*max_rss_kib as f64)
                ),
                Summary::Error(e) => {
                    errors.push(format!("- {} / {name}: {e}", imp.label()));
                    write!(absolute, " error |")
                }
                Summary::Absent => write!(absolute, " – |"),
            }
            .ok();
        }
        let _ = writeln!(absolute);
    }
    let geo_cells = |map: &BTreeMap<Impl, Vec<f64>>| -> String {
        others
            .iter()
            .map(
                |imp| match map.get(imp).and_then(|v| geomean(v).map(|g| (g, v.len()))) {
                    Some((g, n)) => format!(" **{g:.2}x** ({n}) |"),
                    None => " – |".into(),
                },
            )
            .collect()
    };

    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{} — median of {} runs, {} times; star = release build of this tree; \
         starlark-rust = starlark 0.14.2 (standard globals + print, Dialect::Standard); \
         {}; {}.\n",
        header.date,
        header.runs,
        header.clock,
        header.python,
        header.lua
    );
    let _ = writeln!(
        out,
        "Ratios are other / star: above 1 means star is faster (time) or smaller \
         (memory).\n\n\
         | benchmark | time starlark-rust / star | time CPython / star | time Lua / star \
         | peak RSS starlark-rust / star | peak RSS CPython / star | peak RSS Lua / star \
         | outputs |\n|---|---:|---:|---:|---:|---:|---:|---|"
    );
    let _ = writeln!(
        out,
        "{main}| **geometric mean** |{}{} |",
        geo_cells(&ratios[0]),
        geo_cells(&ratios[1])
    );
    let _ = writeln!(
        out,
        "\nGeometric means are over the benchmarks other than `startup` that both \
         implementations ran (their number in parentheses). `startup` compares whole \
         processes: `{} run -c 'x = 1'`, `compare --run-one starlark startup.star`, \
         `python3 -c 'x = 1'`, `lua5.4 -e 'x = 1'`.\n",
        header.star_bin
    );
    let _ = writeln!(
        out,
        "Peak RSS above each implementation's baseline (the same process running the \
         one-line program), MiB, and its ratios (growth below 1 MiB counted as 1 MiB):\n\n\
         | benchmark | star | starlark-rust | CPython | Lua | starlark-rust / star \
         | CPython / star | Lua / star |\n|---|---:|---:|---:|---:|---:|---:|---:|"
    );
    let _ = writeln!(
        out,
        "{net}| **geometric mean** | | | | |{}\n",
        geo_cells(&ratios[2])
    );
    let _ = write!(
        out,
        "Absolute figures (noisy; for orientation only): median time / largest peak \
         RSS. CPython and Lua times exclude their start-up (the baseline's median wall \
         time, subtracted). The baseline row gives whole-process wall times.\n\n\
         | benchmark | star | starlark-rust | CPython | Lua |\n|---|---:|---:|---:|---:|\n\
         {absolute}| (baseline: one-line program) |"
    );
    for imp in IMPLS {
        let (t, r) = base[&imp];
        let _ = write!(
            out,
            " {:.1} ms / {:.1} MiB |",
            t.as_secs_f64() * 1e3,
            mib(r as f64)
        );
    }
    let _ = writeln!(out);
    if !errors.is_empty() {
        let _ = writeln!(out, "\nErrors:\n");
        for e in errors {
            let _ = writeln!(out, "{e}");
        }
    }
    out
}

/// A table cell for a pair without a measurement.
fn short_state(s: &Summary) -> &'static str {
    match s {
        Summary::Error(_) => "error",
        _ => "–",
    }
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock.
fn today_utc() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Howard Hinnant's days-to-civil algorithm.
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

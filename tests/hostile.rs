//! Hostile programs: each is stopped by its own limit with its own error, quickly, and
//! the process goes on unharmed (the next program on the same OS thread runs
//! normally, and memory the stopped one held is given back).
//!
//! Each program runs in a fresh module on a thread with generous limits, the ones a
//! host running untrusted code might choose: 16 MiB of values, results of at most
//! 4 Mi units, 10 million steps, a depth of 200 calls, a deadline of 5 seconds. The
//! limits stop them long before any of these numbers matter for a legitimate program;
//! the suite runs in well under ten seconds in a debug build.

use std::time::{Duration, Instant};

use star_core::eval::limits::Limits;
use star_core::eval::{ExecError, Module, Predeclared};
use star_core::{Dialect, ErrorKind, Thread, Value};

const MEMORY: usize = 16 << 20;
const SIZE: usize = 4 << 20;

fn limits() -> Limits {
    Limits::none()
        .max_memory(MEMORY)
        .max_size(SIZE)
        .max_steps(10_000_000)
        .timeout(Duration::from_secs(5))
}

/// What a run ended with.
struct Outcome {
    error: Option<star_core::Error>,
    printed: String,
    /// The bytes the execution held when it ended (globals included).
    memory_used: isize,
    took: Duration,
}

/// Runs `src` in the extended dialect with `limits`, on a thread with a big stack (deep
/// recursion in a debug build needs it), with `json` predeclared.
fn run_with(src: &str, limits: Limits) -> Outcome {
    let src = src.to_string();
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || run_here(&src, limits))
        .unwrap()
        .join()
        .unwrap()
}

fn run_here(src: &str, limits: Limits) -> Outcome {
    let printed = std::rc::Rc::new(std::cell::RefCell::new(String::new()));
    let p = printed.clone();
    let mut t = Thread::new("hostile");
    t.set_print(move |s| {
        p.borrow_mut().push_str(s);
        p.borrow_mut().push('\n');
    });
    t.set_limits(limits);
    t.set_max_depth(200);
    let predeclared = Predeclared::new().with("json", Value::from(star_stdlib::json::module()));
    let start = Instant::now();
    let mut m = Module::new("hostile.star", predeclared, Dialect::extended());
    let error = match m.exec(&mut t, src) {
        Ok(()) => None,
        Err(ExecError::Runtime(e)) => Some(e),
        Err(ExecError::Static(d)) => panic!("{src}: {d:?}"),
    };
    let took = start.elapsed();
    let memory_used = t.memory_used();
    let printed = printed.borrow().clone();
    Outcome {
        error,
        printed,
        memory_used,
        took,
    }
}

/// Runs `src` and asserts it stops with an error of `kind` whose message contains
/// `want`; then that a small program still runs on the same OS thread.
#[track_caller]
fn stopped(src: &str, kind: ErrorKind, want: &str) -> Outcome {
    let out = run_with(src, limits());
    let e = out
        .error
        .as_ref()
        .unwrap_or_else(|| panic!("{src}: not stopped"));
    assert_eq!(e.kind(), kind, "{src}: {e:?}");
    assert!(e.message().contains(want), "{src}: {}", e.message());
    assert!(
        out.took < Duration::from_secs(8),
        "{src}: took {:?}",
        out.took
    );
    let after = run_with("x = [i * i for i in range(1000)]\nprint(x[-1])\n", limits());
    assert!(after.error.is_none());
    assert_eq!(after.printed, "998001\n");
    out
}

const MEMORY_LIMIT: &str = "memory limit exceeded: more than 16777216 bytes";

#[test]
fn exponential_string_growth() {
    let out = stopped(
        "s = 'a'\nfor i in range(100):\n    s = s + s\n",
        ErrorKind::Limit,
        "result size limit exceeded: string of 8388608 bytes (limit 4194304)",
    );
    // The strings made on the way were freed: what is left is the last one, in `s`.
    assert!(out.memory_used < (5 << 20), "{}", out.memory_used);
    // Without a size limit, the memory limit stops it.
    let out = run_with(
        "s = 'a'\nfor i in range(100):\n    s = s + s\n",
        Limits::none().max_memory(MEMORY),
    );
    assert_eq!(out.error.unwrap().message(), MEMORY_LIMIT);
}

#[test]
fn huge_ranges_materialised() {
    stopped(
        "x = list(range(1000000000))\n",
        ErrorKind::Limit,
        "result size limit exceeded: list of 1000000000 elements",
    );
    for src in [
        "x = list(range(3000000))\n",
        "x = tuple(range(3000000))\n",
        "x = sorted(range(3000000))\n",
        "x = []\nx.extend(range(3000000))\n",
        "x = dict([(i, i) for i in range(3)] * 1000000)\n",
        "x = set(range(3000000))\n",
        "x = [1] * 3000000\n",
        "x = list(reversed(range(3000000)))\n",
        "x = list(enumerate(range(3000000)))\n",
        "x = ','.join([str(i) for i in range(3000000)])\n",
    ] {
        let out = run_with(src, Limits::none().max_memory(MEMORY));
        let e = out.error.unwrap_or_else(|| panic!("{src}: not stopped"));
        // (A builtin's name may come first: "list: memory limit exceeded: ...".)
        assert_eq!(e.kind(), ErrorKind::Limit, "{src}");
        assert!(
            e.message().ends_with(MEMORY_LIMIT),
            "{src}: {}",
            e.message()
        );
    }
}

#[test]
fn huge_repetition() {
    stopped(
        "x = 'a' * 10000000000\n",
        ErrorKind::Limit,
        "repeat count 10000000000 too large",
    );
    stopped(
        "x = 'a' * 1000000000\n",
        ErrorKind::Limit,
        "result size limit exceeded: string of 1000000000 bytes",
    );
    let out = run_with("x = 'ab' * 10000000\n", Limits::none().max_memory(MEMORY));
    assert_eq!(out.error.unwrap().message(), MEMORY_LIMIT);
}

#[test]
fn huge_comprehension() {
    stopped(
        "x = [x for x in range(100000000)]\n",
        ErrorKind::Limit,
        MEMORY_LIMIT,
    );
    let out = run_with(
        "x = [x for x in range(100000000)]\n",
        Limits::none().max_size(100000),
    );
    assert_eq!(
        out.error.unwrap().message(),
        "result size limit exceeded: list of 100001 elements (limit 100000)"
    );
    // A comprehension of strings is counted by its strings too.
    let out = run_with(
        "x = ['%d' % i for i in range(100000000)]\n",
        Limits::none().max_memory(MEMORY),
    );
    assert_eq!(out.error.unwrap().message(), MEMORY_LIMIT);
}

#[test]
fn a_big_int_squared_in_a_loop() {
    // (Generous limits would mean squaring numbers of millions of bits, slow in a
    // debug build; the limits here are smaller.)
    let out = run_with(
        "x = 3\nfor i in range(100):\n    x = x * x\n",
        Limits::none().max_size(1 << 18),
    );
    assert_eq!(
        out.error.unwrap().message(),
        "result size limit exceeded: int of 415490 bits (limit 262144)"
    );
    let out = run_with(
        "x = 3 << 100\nfor i in range(100):\n    x = x * x\n",
        Limits::none().max_memory(1 << 16),
    );
    assert_eq!(
        out.error.unwrap().message(),
        "memory limit exceeded: more than 65536 bytes"
    );
}

#[test]
fn deep_recursion() {
    stopped(
        "def f(n):\n    return f(n + 1)\nf(0)\n",
        ErrorKind::Limit,
        "Starlark stack overflow: more than 200 nested calls",
    );
}

#[test]
fn deeply_nested_json() {
    stopped(
        "x = json.decode('[' * 100000)\n",
        ErrorKind::Value,
        "json.decode: at offset 1000, nesting exceeds 1000 levels",
    );
}

#[test]
fn mutation_during_iteration() {
    stopped(
        "x = [1, 2, 3]\nfor a in x:\n    x.append(a)\n",
        ErrorKind::Iteration,
        "cannot append to list during iteration",
    );
    stopped(
        "d = {1: 2}\nfor k in d:\n    d[k + 1] = 0\n",
        ErrorKind::Iteration,
        "cannot insert into hash table during iteration",
    );
}

#[test]
fn endless_loop() {
    stopped(
        "while True:\n    pass\n",
        ErrorKind::Limit,
        "step limit exceeded: more than 10000000 steps",
    );
    let out = run_with(
        "while True:\n    pass\n",
        Limits::none().timeout(Duration::from_millis(100)),
    );
    assert_eq!(out.error.unwrap().message(), "execution deadline exceeded");
}

#[test]
fn a_dict_grown_without_bound() {
    stopped(
        "d = {}\ni = 0\nwhile True:\n    d[i] = i\n    i += 1\n",
        ErrorKind::Limit,
        MEMORY_LIMIT,
    );
    let out = run_with(
        "d = {}\ni = 0\nwhile True:\n    d[i] = i\n    i += 1\n",
        Limits::none().max_size(100000),
    );
    assert_eq!(
        out.error.unwrap().message(),
        "result size limit exceeded: dict of 100001 entries (limit 100000)"
    );
}

#[test]
fn exploding_repr_of_shared_lists() {
    // Tiny in memory (every level shares the one below), enormous as text.
    stopped(
        "x = [1]\nfor i in range(60):\n    x = [x, x]\ns = str(x)\n",
        ErrorKind::Limit,
        "result size limit exceeded: string of",
    );
}

#[test]
fn sorted_and_min_hold_the_iteration_lock_while_their_key_runs() {
    // As the reference: the key cannot grow the list being walked (which could
    // otherwise go on for ever).
    for call in [
        "sorted(x, key = key)",
        "min(x, key = key)",
        "max(x, key = key)",
    ] {
        stopped(
            &format!("x = [3, 1, 2]\ndef key(v):\n    x.append(v)\n    return v\nprint({call})\n"),
            ErrorKind::Iteration,
            "append: cannot append to list during iteration",
        );
    }
}

#[test]
fn legitimate_programs_fit_the_limits() {
    let out = run_with(
        "x = [str(i) for i in range(100000)]\nd = {k: len(k) for k in x}\ns = ''.join(x)\nprint(len(s), len(d))\n",
        limits(),
    );
    assert!(out.error.is_none(), "{:?}", out.error);
    assert_eq!(out.printed, "488890 100000\n");
    // What a program frees is given back to its account: only what stays in globals
    // (here, one small list) is still counted when it ends.
    let out = run_with(
        "x = [str(i) for i in range(20000)]\nd = {k: [k] for k in x}\nx = None\nd = None\ny = [1, 2]\n",
        limits(),
    );
    assert!(out.error.is_none(), "{:?}", out.error);
    assert!((0..1024).contains(&out.memory_used), "{}", out.memory_used);
}

//! The memory limit of `star run` bounds the whole process, whatever a script
//! allocates (a test binary of its own: it reads the peak memory of every child this
//! process waited for, so no other test's children may count).

use std::process::{Command, Output, Stdio};

fn star(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_star"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("star runs")
}

fn temp_file(name: &str, content: &str) -> String {
    let dir = std::env::temp_dir().join(format!("star-memory-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.to_string_lossy().into_owned()
}

/// The peak resident memory of the children this process waited for, in bytes.
fn children_peak_rss() -> usize {
    // SAFETY: `getrusage` writes the struct it is given, which is plain data.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a `rusage`, and a valid `who`.
    let r = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(r, 0);
    usage.ru_maxrss as usize * 1024
}

/// Allocation patterns a script can repeat in proportion to its work, each under a
/// memory limit of 64 MiB: whether the program finishes or is stopped by the limit,
/// the process never holds much more than the limit (what the accounting misses or
/// undercounts shows here).
#[test]
fn memory_limit_bounds_the_process_for_every_allocation_pattern() {
    let patterns = [
        "x = [{1: i} for i in range(4000000)]",
        "x = [[i] for i in range(4000000)]",
        "x = [(i, i) for i in range(4000000)]",
        "x = [set([i]) for i in range(4000000)]",
        "x = [str(i) for i in range(4000000)]",
        "x = [bytes(str(i)) for i in range(4000000)]",
        "x = [[].append for i in range(4000000)]",
        "def make(i):\n    return lambda: i\nx = [make(i) for i in range(4000000)]",
        "x = {i: i for i in range(4000000)}",
        "x = set(range(4000000))",
        "x = ['ab' * 1000 for i in range(4000000)]",
        "x = [1 << (i % 64 + 64) for i in range(4000000)]",
        "for i in range(1000000):\n    def f():\n        pass",
        "x = []\nfor i in range(4000000):\n    x = [x]",
    ];
    for p in patterns {
        let f = temp_file("alloc.star", &format!("{p}\nprint('done')\n"));
        let out = star(&[
            "run",
            "--extended",
            "--max-memory",
            "64M",
            "--timeout",
            "60",
            &f,
        ]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.code() == Some(0) || err.contains("memory limit exceeded"),
            "{p}: {err}"
        );
        let peak = children_peak_rss();
        assert!(peak < 160 << 20, "{p}: peak RSS {} MiB", peak >> 20);
    }
}

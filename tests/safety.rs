//! The memory-safety promises as an outside crate sees them (issue 13's acceptance):
//! a builtin's panic is an error and the same thread and module go on; a stream
//! cancelled with `tokio::time::timeout` leaves its executor ready for the next; a
//! struct holding a lambda, frozen, is called from four OS threads two million times
//! each and its module stays usable; a thousand modules with functions, made and
//! dropped, leave the live-memory counter where it started and the process small.
//! (Each finding's regression test is in `star-core/tests/memory_safety.rs`.)

use std::time::Duration;

use star_core::eval::{Module, Predeclared};
use star_core::stream::Executor;
use star_core::{star_builtin, Args, Dialect, Thread, Value};

#[star_builtin]
fn boom(what: &str) -> i64 {
    panic!("host bug: {what}")
}

#[star_builtin]
async fn slow(ms: i64) -> i64 {
    tokio::time::sleep(Duration::from_millis(ms as u64)).await;
    ms
}

/// The predeclared names of a host with the standard library's `struct`.
fn env() -> Predeclared {
    let mut p = Predeclared::new()
        .with("boom", Value::Builtin(&boom::BUILTIN))
        .with("slow", Value::Builtin(&slow::BUILTIN));
    for (name, v) in star_stdlib::structs::module().members() {
        p.insert(name, v.clone());
    }
    p
}

#[test]
fn a_builtin_panic_is_an_error_and_the_thread_and_module_go_on() {
    // The host bug is expected; other panics (failed assertions) still show.
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map_or("", |s| s.as_str());
        if !msg.starts_with("host bug") {
            default(info)
        }
    }));
    let mut thread = Thread::new("host");
    let mut m = Module::new("m.star", env(), Dialect::standard());
    m.exec(&mut thread, "n = 1\n").unwrap();
    let e = m
        .exec(&mut thread, "def f():\n    return boom('x')\nm = f()\n")
        .unwrap_err();
    assert_eq!(e.message(), "boom: panicked: host bug: x");
    m.exec(&mut thread, "k = n + 1\ns = struct(k = k)\n")
        .unwrap();
    assert_eq!(m.get("s").unwrap().repr(), "struct(k = 2)");
}

/// A runtime for the streaming executor (whose futures are not `Send`).
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

#[test]
fn a_cancelled_stream_leaves_the_executor_ready_for_the_next() {
    runtime().block_on(async {
        let mut ex = Executor::builder()
            .predeclare("slow", Value::Builtin(&slow::BUILTIN))
            .build()
            .unwrap();
        let cut = tokio::time::timeout(
            Duration::from_millis(20),
            ex.run_text("def f(n):\n    return slow(n)\nx = f(10000)\n"),
        )
        .await;
        assert!(cut.is_err());
        assert!(ex.thread_mut().call_stack().is_empty());
        ex.run_text("y = f(3) + 1\n").await.unwrap();
        assert_eq!(ex.module().get("y").unwrap().repr(), "4");
    });
}

#[test]
fn a_frozen_struct_holding_a_lambda_is_shared_by_four_threads() {
    let mut thread = Thread::new("host");
    let mut m = Module::new("m.star", env(), Dialect::standard());
    m.exec(
        &mut thread,
        "g = [1, 2, 3]\ns = struct(f = lambda: len(g))\n",
    )
    .unwrap();
    let frozen = m.get("s").unwrap().into_frozen();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let frozen = frozen.clone();
            scope.spawn(move || {
                let mut t = Thread::new("worker");
                let f = star_core::eval::ops::get_attr(
                    frozen.as_value(),
                    &star_core::value::Str::new("f"),
                )
                .unwrap();
                for _ in 0..2_000_000 {
                    let r = t.call(&f, &Args::positional(&[])).unwrap();
                    assert_eq!(r.as_i64(), Some(3));
                }
            });
        }
    });
    // The module is intact: its globals read, its functions run.
    assert_eq!(m.get("g").unwrap().repr(), "[1, 2, 3]");
    let f = star_core::eval::ops::get_attr(&m.get("s").unwrap(), &star_core::value::Str::new("f"))
        .unwrap();
    assert_eq!(
        thread.call(&f, &Args::positional(&[])).unwrap().as_i64(),
        Some(3)
    );
}

/// The resident set size of this process, in bytes.
fn rss() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[test]
fn a_thousand_modules_with_functions_are_freed() {
    let start = star_core::value::live_bytes();
    let mut thread = Thread::new("host");
    for i in 0..1000 {
        let mut m = Module::new("m.star", env(), Dialect::standard());
        m.exec(
            &mut thread,
            &format!(
                "big = [{i}] * 100000\ndef f():\n    return len(big)\ns = struct(f = f, l = lambda: big)\n"
            ),
        )
        .unwrap();
        drop(m);
    }
    assert_eq!(star_core::value::live_bytes(), start);
    // Each module made 1.6 MB: kept, they would take 1.6 GB.
    assert!(rss() < 60 << 20, "{} bytes resident", rss());
}

#[test]
fn an_interpreter_per_request_frees_what_its_modules_made() {
    use star_core::interp::{Interpreter, MemoryLoader, MAIN_PACKAGE};
    let start = star_core::value::live_bytes();
    for i in 0..200 {
        let interp = Interpreter::builder()
            .package(star_stdlib::PACKAGE_ALIAS, star_stdlib::package())
            .package(
                MAIN_PACKAGE,
                MemoryLoader::new()
                    .with_source(
                        "lib.star",
                        format!(
                            "big = [{i}] * 10000\ndef size():\n    return len(big)\n\
                             def make():\n    d = {{}}\n    def get(k):\n        return d[k]\n    \
                             d['get'] = get\n    return d\nAPI = make()\n"
                        )
                        .as_str(),
                    )
                    .with_source(
                        "main.star",
                        "load('lib.star', 'size')\ns = struct(f = size)\nn = s.f()\n",
                    ),
            )
            .build();
        let m = interp.exec_module(MAIN_PACKAGE, "main.star", None).unwrap();
        assert_eq!(m.get("n").unwrap().repr(), "10000");
    }
    assert_eq!(star_core::value::live_bytes(), start);
}

#[test]
fn a_forgotten_stream_leaks_but_the_executor_goes_on() {
    runtime().block_on(async {
        let mut ex = Executor::builder()
            .predeclare("slow", Value::Builtin(&slow::BUILTIN))
            .max_depth(100_000_000)
            .dialect(Dialect::extended())
            .build()
            .unwrap();
        {
            let mut run = Box::pin(ex.run_text("def f(n):\n    return slow(n)\nx = f(10000)\n"));
            // Poll it until it waits for `slow`, then forget it: its fiber is leaked,
            // never resumed, never unwound.
            let waker = std::task::Waker::noop();
            let mut cx = std::task::Context::from_waker(waker);
            assert!(std::future::Future::poll(run.as_mut(), &mut cx).is_pending());
            std::mem::forget(run);
        }
        // The next statements run on a new fiber, whose stack the depth guard must
        // measure anew: recursion that would overflow it is an error, not a crash on
        // its guard page.
        ex.run_text("def deep(n):\n    return 0 if n == 0 else 1 + deep(n - 1)\ny = deep(100)\n")
            .await
            .unwrap();
        assert_eq!(ex.module().get("y").unwrap().repr(), "100");
        let e = ex.run_text("z = deep(5000000)\n").await.unwrap_err();
        assert!(e.to_string().contains("native stack is exhausted"), "{e}");
    });
}

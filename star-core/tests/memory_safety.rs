//! Memory safety from safe code: each test drives the public API the way a host would
//! and reached undefined behaviour, a crash, a hang or a leak before the fix (run
//! them under AddressSanitizer or valgrind to see it; see the README's testing
//! section). They stay here as regression tests.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use star_core::eval::{Module, Predeclared};
use star_core::stream::Executor;
use star_core::value::{FreezeSafe, Freezer, HostValue};
use star_core::{star_builtin, Dialect, StarValue, Thread, Value};

/// A host value whose truth panics: host code reached outside any builtin, so the
/// panic unwinds through the evaluator's frames.
struct Bomb;

impl HostValue for Bomb {
    fn type_name(&self) -> &'static str {
        "bomb"
    }
    fn truth(&self) -> bool {
        panic!("host bug")
    }
}

star_core::impl_freeze_safe!(Bomb);

#[star_builtin]
fn boom() -> i64 {
    panic!("host bug")
}

#[star_builtin]
async fn slow(ms: i64) -> i64 {
    tokio::time::sleep(Duration::from_millis(ms as u64)).await;
    ms
}

fn env() -> Predeclared {
    Predeclared::new()
        .with("bomb", Value::host(Bomb))
        .with("boom", Value::Builtin(&boom::BUILTIN))
        .with("slow", Value::Builtin(&slow::BUILTIN))
}

fn module() -> Module {
    Module::new("test.star", env(), Dialect::extended())
}

fn quiet_panics() {
    // The host bugs below are expected; keep the test output readable, but show any
    // other panic (a failed assertion).
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info.payload().downcast_ref::<&str>().copied().unwrap_or("");
        if !msg.starts_with("host bug") {
            default(info)
        }
    }));
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

// Finding 1a: a panic unwinding through Starlark calls left their records behind,
// pointing at code freed with the module.
#[test]
fn a_panic_through_starlark_frames_leaves_no_call_records() {
    quiet_panics();
    let mut thread = Thread::new("t");
    {
        let mut m = module();
        let r = catch_unwind(AssertUnwindSafe(|| {
            m.exec(
                &mut thread,
                "def f(n):\n    return g(n)\ndef g(n):\n    return 1 if bomb else 2\nf(1)\n",
            )
        }));
        assert!(r.is_err(), "the host value's panic propagates");
    }
    assert!(thread.call_stack().is_empty());
    // The thread goes on working, with the right call stack inside calls.
    let mut m = module();
    m.exec(
        &mut thread,
        "def h():\n    return [x * 2 for x in range(3)]\ny = h()\n",
    )
    .unwrap();
    assert_eq!(m.get("y").unwrap().repr(), "[0, 2, 4]");
}

// A panic in a builtin is an error naming it; script, thread and module go on.
#[test]
fn a_builtin_panic_is_an_error_and_everything_stays_usable() {
    quiet_panics();
    let mut thread = Thread::new("t");
    let mut m = module();
    let e = m
        .exec(&mut thread, "x = 1\ndef f():\n    return boom()\ny = f()\n")
        .unwrap_err();
    assert_eq!(e.message(), "boom: panicked: host bug");
    assert_eq!(
        e.runtime().unwrap().backtrace().len(),
        2,
        "the error has the frames it went through"
    );
    assert!(thread.call_stack().is_empty());
    m.exec(&mut thread, "z = x + 1\n").unwrap();
    assert_eq!(m.get("z").unwrap().repr(), "2");
}

// Finding 1b: cancelling a stream by dropping its future (the documented way) left
// stale call records; the next stream on the same executor must run normally.
#[test]
fn a_cancelled_stream_leaves_the_executor_consistent() {
    rt().block_on(async {
        let mut ex = Executor::builder()
            .predeclare("slow", Value::Builtin(&slow::BUILTIN))
            .build()
            .unwrap();
        let r = tokio::time::timeout(
            Duration::from_millis(20),
            ex.run_text("def f(n):\n    return slow(n)\nx = f(10000)\n"),
        )
        .await;
        assert!(r.is_err(), "the timeout cancels the stream");
        assert!(ex.thread_mut().call_stack().is_empty());
        ex.run_text("def g(n):\n    return slow(n) + 1\ny = g(5)\n")
            .await
            .unwrap();
        assert_eq!(ex.module().get("y").unwrap().repr(), "6");
    });
}

// Finding 2: a panic inside a streamed statement left the fiber's thread-locals
// pointing at the freed fiber; a later plain run on the same OS thread used them.
#[test]
fn a_panic_in_a_stream_restores_the_thread_locals() {
    quiet_panics();
    let r = catch_unwind(AssertUnwindSafe(|| {
        rt().block_on(async {
            let mut ex = Executor::builder()
                .predeclare("bomb", Value::host(Bomb))
                .build()
                .unwrap();
            let _ = ex.run_text("x = 1 if bomb else 2\n").await;
        })
    }));
    assert!(r.is_err());
    assert!(!star_core::stream::fiber::on_fiber(), "no fiber is running");
    // A long loop on this thread preempts if it believes it is on a fiber.
    let mut m = module();
    m.exec(
        &mut Thread::new("t"),
        "def f():\n    n = 0\n    for i in range(300000):\n        n += i\n    return n\nx = f()\n",
    )
    .unwrap();
    assert_eq!(m.get("x").unwrap().repr(), "44999850000");
}

// Finding 3: freezing a dict from inside its own insertion (a host type's `equals`)
// froze it under a live writer; readers then aliased the writer.
#[derive(StarValue)]
#[star(name = "key")]
struct Key {
    n: i64,
}

thread_local! {
    static TARGET: RefCell<Option<Value>> = const { RefCell::new(None) };
    static SEEN: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

struct FreezingKey;

impl HostValue for FreezingKey {
    fn type_name(&self) -> &'static str {
        "freezing_key"
    }
    fn hash(&self) -> star_core::Result<u32> {
        Ok(7)
    }
    fn equals(&self, _: &Value) -> star_core::Result<bool> {
        let d = TARGET.with(|t| t.borrow().clone()).unwrap();
        d.freeze();
        let frozen = d.is_frozen();
        let shared = d.clone().try_into_frozen().is_ok();
        SEEN.with(|s| {
            s.borrow_mut()
                .push(format!("frozen={frozen} shared={shared}"))
        });
        Ok(false)
    }
}

star_core::impl_freeze_safe!(FreezingKey);

#[test]
fn a_value_being_written_cannot_be_frozen() {
    let _ = Key { n: 0 }.n;
    let d = Value::dict();
    TARGET.with(|t| *t.borrow_mut() = Some(d.clone()));
    let dict = d.as_dict().unwrap();
    dict.insert(Value::host(FreezingKey), Value::Int(1))
        .unwrap();
    // The second key has the same hash: the insertion compares it with the first.
    dict.insert(Value::host(FreezingKey), Value::Int(2))
        .unwrap();
    assert_eq!(
        SEEN.with(|s| s.borrow().clone()),
        ["frozen=false shared=false"]
    );
    assert_eq!(dict.len(), 2);
    // Once the insertion is over, freezing works.
    d.freeze();
    assert!(d.is_frozen());
    TARGET.with(|t| *t.borrow_mut() = None);
}

// Finding 4 is tested in `frozen_sharing.rs`: its module is shared between threads, and
// so keeps its cycles on purpose.

// Finding 5: a builtin running a statement in another module with the thread it was
// given reset the register stack under its caller's live frames.
#[star_builtin]
fn reenter(thread: &mut Thread) -> star_core::Result<i64> {
    let mut inner = thread.data_mut::<Option<Module>>().unwrap().take().unwrap();
    let (ast, errors) = star_core::syntax::parse(
        "def k(a):\n    return [a, a + 1]\nw = k(40)\n",
        Dialect::standard().scan_options(),
    );
    assert!(errors.is_empty());
    for stmt in ast.stmts {
        inner.exec_stmt(thread, stmt, true).unwrap();
    }
    let w = inner.get("w").unwrap().repr();
    *thread.data_mut::<Option<Module>>().unwrap() = Some(inner);
    Ok(w.len() as i64)
}

#[test]
fn a_builtin_may_run_statements_with_its_thread() {
    let mut thread = Thread::new("t");
    thread.set_data(Some(Module::new(
        "inner.star",
        Predeclared::new(),
        Dialect::standard(),
    )));
    let mut m = Module::new(
        "outer.star",
        Predeclared::new().with("reenter", Value::Builtin(&reenter::BUILTIN)),
        Dialect::standard(),
    );
    m.exec(
        &mut thread,
        "def f(a, b):\n    x = [a, b, str(a)]\n    n = reenter()\n    return x + [a, b, n]\ny = f(1, 'two')\n",
    )
    .unwrap();
    assert_eq!(
        m.get("y").unwrap().repr(),
        "[1, \"two\", \"1\", 1, \"two\", 8]"
    );
    let inner = thread.data_mut::<Option<Module>>().unwrap().take().unwrap();
    assert_eq!(inner.get("w").unwrap().repr(), "[40, 41]");
}

// Finding 6: functions hold their module's globals, which hold them: every dropped
// module leaked everything it made.
#[test]
fn a_dropped_module_frees_its_cycles() {
    let mut thread = Thread::new("t");
    let start = star_core::value::live_bytes();
    for i in 0..50 {
        let mut m = module();
        m.exec(
            &mut thread,
            &format!(
                "big = [{i}] * 10000\nx = []\nx.append(x)\nd = {{}}\nd['self'] = d\n\
                 def f():\n    return big\ndef counter():\n    n = [0]\n    def inc():\n        n[0] += 1\n        return big\n    return inc\nc = counter()\n"
            ),
        )
        .unwrap();
        drop(m);
        assert_eq!(
            star_core::value::live_bytes(),
            start,
            "module {i} was freed"
        );
    }
}

// What the host still holds stays alive; the rest of the module is freed.
#[test]
fn a_function_held_by_the_host_keeps_its_module() {
    let mut thread = Thread::new("t");
    let mut m = module();
    m.exec(
        &mut thread,
        "big = [7] * 1000\ndef f():\n    return big[0] + len(big)\nother = [1] * 1000\n",
    )
    .unwrap();
    let f = m.get("f").unwrap();
    drop(m);
    let r = thread
        .call(&f, &star_core::call::Args::positional(&[]))
        .unwrap();
    assert_eq!(r.as_i64(), Some(1007));
    // Once the host lets go of the function, the rest goes too.
    let held = star_core::value::live_bytes();
    drop(f);
    star_core::eval::collect_cycles();
    assert!(star_core::value::live_bytes() < held, "`big` was freed");
}

// Finding 7: an async builtin awaited by a synchronous run panicked without a runtime
// and hung inside one.
#[test]
fn async_builtins_in_synchronous_runs_work_or_fail_clearly() {
    // No runtime: the builtin runs on one kept for the thread.
    let mut m = module();
    m.exec(&mut Thread::new("t"), "x = slow(5)\n").unwrap();
    assert_eq!(m.get("x").unwrap().repr(), "5");
    // Inside a runtime, blocking it would hang: an error names the builtin.
    rt().block_on(async {
        let mut m = module();
        let e = m.exec(&mut Thread::new("t"), "x = slow(5)\n").unwrap_err();
        assert!(
            e.message()
                .starts_with("slow: an async builtin cannot be awaited"),
            "{}",
            e.message()
        );
        assert!(e.message().contains("stream::Executor"), "{}", e.message());
    });
}

// Freezing walks host values with the freezer, including cells inside them.
#[test]
fn host_types_hand_their_values_to_the_freezer() {
    struct Custom(star_core::value::FreezeCell<Vec<Value>>);
    impl HostValue for Custom {
        fn type_name(&self) -> &'static str {
            "custom"
        }
    }
    // SAFETY: the values live in a FreezeCell handed to the freezer.
    unsafe impl FreezeSafe for Custom {
        fn freeze_contents(&self, freezer: &mut Freezer) {
            self.0.freeze_contents(freezer);
        }
    }
    let inner = Value::list(vec![Value::Int(1)]);
    let v = Value::host(Custom(star_core::value::FreezeCell::new(vec![
        inner.clone()
    ])));
    assert!(!v.is_frozen());
    v.freeze();
    assert!(v.is_frozen());
    assert!(inner.is_frozen());
}

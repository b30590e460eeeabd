//! The interpreter's rules, on packages held in memory.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::*;
use crate::value::Value;

/// A log shared by the hooks and builtins of a test.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, s: impl Into<String>) {
        self.0.lock().unwrap().push(s.into());
    }
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

fn mem(files: &[(&str, &str)]) -> MemoryLoader {
    let mut l = MemoryLoader::new();
    for (p, t) in files {
        l = l.with_source(p, *t);
    }
    l
}

/// An interpreter over a `__main__` package, printing into `log`.
fn interp(files: &[(&str, &str)], log: &Log) -> Interpreter {
    let l = log.clone();
    Interpreter::builder()
        .package(MAIN_PACKAGE, mem(files))
        .logger(move |file, line, msg| l.push(format!("{file}:{line}: {msg}")))
        .build()
}

fn err(r: Result<Arc<FrozenModule>>) -> Error {
    match r {
        Ok(m) => panic!("expected an error, got module {}", m.file()),
        Err(e) => e,
    }
}

#[test]
fn a_library_runs_once_and_every_load_shares_it() {
    let log = Log::default();
    let i = interp(
        &[
            (
                "lib/util.star",
                "print('util runs')\nvalues = [1, 2]\ndef f(x):\n    return x * 2\n",
            ),
            (
                "a.star",
                "load('lib/util.star', 'values', g = 'f')\nprint(g(len(values)))\n",
            ),
            (
                "b.star",
                "load('//lib/util.star', 'values')\nsame = values\n",
            ),
            (
                "c.star",
                "load('lib/../lib/./util.star', 'values')\nsame = values\n",
            ),
        ],
        &log,
    );
    let a = i.load_module(MAIN_PACKAGE, "a.star", None).unwrap();
    let b = i.load_module(MAIN_PACKAGE, "b.star", None).unwrap();
    let c = i.load_module(MAIN_PACKAGE, "c.star", None).unwrap();
    assert_eq!(
        log.take(),
        ["//lib/util.star:1: util runs", "//a.star:2: 4"]
    );
    // Names bound by `load` are local to the file, not globals of the module.
    assert!(a.get("g").is_none());
    let (Some(Value::List(x)), Some(Value::List(y))) = (b.get("same"), c.get("same")) else {
        panic!("lists expected");
    };
    assert!(triomphe::Arc::ptr_eq(&x, &y), "one list shared by both");
    // The module itself is cached too.
    let again = i.load_module(MAIN_PACKAGE, "b.star", None).unwrap();
    assert!(Arc::ptr_eq(&b, &again));
    let util = i.load_module(MAIN_PACKAGE, "lib/util.star", None).unwrap();
    assert_eq!(util.file(), "//lib/util.star");
}

#[test]
fn references_and_their_errors() {
    let log = Log::default();
    let i = Interpreter::builder()
        .package(
            MAIN_PACKAGE,
            mem(&[
                (
                    "main.star",
                    "load('@other//x.star', 'x')\nload('sub/y.star', 'y')\nz = x + y\n",
                ),
                ("sub/y.star", "load('//sub/../w.star', 'w')\ny = w\n"),
                ("w.star", "w = 2\n"),
                ("up.star", "load('../outside.star', 'o')\n"),
                ("nomod.star", "load('missing.star', 'm')\n"),
                ("nopkg.star", "load('@nowhere//x.star', 'm')\n"),
                ("private.star", "load('w.star', '_w')\n"),
            ]),
        )
        .package("other", mem(&[("x.star", "x = 40\n")]))
        .logger(move |_, _, m| log.push(m))
        .build();
    let m = i.load_module(MAIN_PACKAGE, "main.star", None).unwrap();
    assert_eq!(m.get("z").unwrap().repr(), "42");

    let e = err(i.load_module(MAIN_PACKAGE, "up.star", None));
    assert!(
        e.message().contains("leads outside the package root"),
        "{}",
        e.message()
    );
    let e = err(i.load_module(MAIN_PACKAGE, "nomod.star", None));
    assert_eq!(e.kind(), ErrorKind::NoModule);
    assert_eq!(
        e.message(),
        "cannot load missing.star: no such module: //missing.star"
    );
    let e = err(i.load_module(MAIN_PACKAGE, "nopkg.star", None));
    assert_eq!(e.kind(), ErrorKind::NoPackage);
    assert_eq!(
        e.message(),
        "cannot load @nowhere//x.star: no such package: nowhere"
    );
    let e = err(i.load_module(MAIN_PACKAGE, "private.star", None));
    assert!(e.message().contains("not exported: _w"), "{}", e.message());
    // The host's own calls are checked the same way.
    assert_eq!(
        err(i.load_module("nowhere", "x.star", None)).kind(),
        ErrorKind::NoPackage
    );
    assert_eq!(
        err(i.load_module(MAIN_PACKAGE, "nope.star", None)).kind(),
        ErrorKind::NoModule
    );
    assert!(ModuleKey::new(MAIN_PACKAGE, "../x.star").is_err());
}

#[test]
fn a_load_cycle_is_an_error_naming_it() {
    let log = Log::default();
    let i = interp(
        &[
            ("a.star", "load('b.star', 'b')\na = 1\n"),
            ("b.star", "load('c.star', 'c')\nb = 1\n"),
            ("c.star", "load('a.star', 'a')\nc = 1\n"),
            ("self.star", "load('self.star', 'x')\ns = 1\n"),
        ],
        &log,
    );
    let e = err(i.load_module(MAIN_PACKAGE, "a.star", None));
    assert_eq!(e.kind(), ErrorKind::Module);
    assert!(
        e.message()
            .ends_with("cycle in load graph: //a.star -> //b.star -> //c.star -> //a.star"),
        "{}",
        e.message()
    );
    let e = err(i.load_module(MAIN_PACKAGE, "self.star", None));
    assert!(
        e.message()
            .ends_with("cycle in load graph: //self.star -> //self.star"),
        "{}",
        e.message()
    );
}

#[test]
fn exec_runs_scripts_once_depth_first_and_keeps_loads_and_execs_apart() {
    let log = Log::default();
    let i = interp(
        &[
            (
                "main.star",
                "print('main')\nr = exec('one.star')\nprint(sorted(r.keys()), r['n'])\nexec('two.star')\n",
            ),
            ("one.star", "print('one')\nexec('sub/three.star')\nn = 1\n_hidden = 2\n"),
            ("sub/three.star", "print('three')\n"),
            ("two.star", "print('two')\n"),
            ("again.star", "exec('two.star')\n"),
            ("lib.star", "x = 1\n"),
            ("uses_lib.star", "load('lib.star', 'x')\nexec('lib.star')\n"),
            ("loads_script.star", "load('two.star', 'y')\n"),
            ("lib_execs.star", "exec('two.star')\n"),
            ("loads_lib_execs.star", "load('lib_execs.star', 'z')\n"),
        ],
        &log,
    );
    let m = i.exec_module(MAIN_PACKAGE, "main.star", None).unwrap();
    assert!(m.get("r").is_some());
    assert_eq!(
        log.take(),
        [
            "//main.star:1: main",
            "//one.star:1: one",
            "//sub/three.star:1: three",
            "//main.star:3: [\"_hidden\", \"n\"] 1",
            "//two.star:1: two",
        ]
    );
    let e = err(i.exec_module(MAIN_PACKAGE, "again.star", None));
    assert_eq!(e.message(), "//two.star was already run by exec");
    let e = err(i.exec_module(MAIN_PACKAGE, "main.star", None));
    assert_eq!(e.message(), "//main.star was already run by exec");
    let e = err(i.exec_module(MAIN_PACKAGE, "uses_lib.star", None));
    assert_eq!(
        e.message(),
        "//lib.star was loaded as a library, so it cannot be run by exec"
    );
    let e = err(i.exec_module(MAIN_PACKAGE, "loads_script.star", None));
    assert_eq!(
        e.message(),
        "cannot load two.star: //two.star was run by exec, so it cannot be loaded"
    );
    let e = err(i.exec_module(MAIN_PACKAGE, "loads_lib_execs.star", None));
    assert_eq!(
        e.message(),
        "cannot load lib_execs.star: //lib_execs.star is a library (loaded by load), and \
         libraries cannot exec"
    );
    assert_eq!(
        i.visited()
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>(),
        [
            "//main.star",
            "//one.star",
            "//sub/three.star",
            "//two.star",
            "//again.star",
            "//uses_lib.star",
            "//lib.star",
            "//loads_script.star",
            "//loads_lib_execs.star",
            "//lib_execs.star",
        ]
    );
}

#[test]
fn builtins_star_extends_every_other_module() {
    let log = Log::default();
    let l = log.clone();
    let i = Interpreter::builder()
        .predeclare("host_value", Value::Int(7))
        .package(
            STDLIB_PACKAGE,
            mem(&[
                (
                    "builtins.star",
                    "load('helpers.star', 'twice')\ndef double_host():\n    return twice(host_value)\n_private = 1\nlen_plus = lambda x: len(x) + 1\n",
                ),
                ("helpers.star", "def twice(x):\n    return 2 * x\n"),
            ]),
        )
        .package(
            MAIN_PACKAGE,
            mem(&[
                ("main.star", "print(double_host(), len_plus('ab'), host_value)\n"),
                ("private.star", "_private\n"),
            ]),
        )
        .logger(move |_, _, m| l.push(m))
        .build();
    i.exec_module(MAIN_PACKAGE, "main.star", None).unwrap();
    assert_eq!(log.take(), ["14 3 7"]);
    let e = err(i.exec_module(MAIN_PACKAGE, "private.star", None));
    assert_eq!(e.kind(), ErrorKind::Syntax);
    assert!(
        e.message().contains("undefined: _private"),
        "{}",
        e.message()
    );
    // What builtins.star loads does not see its exports (but sees the host's).
    let i = Interpreter::builder()
        .predeclare("host_value", Value::Int(7))
        .package(
            STDLIB_PACKAGE,
            mem(&[
                (
                    "builtins.star",
                    "load('helpers.star', 'twice')\nlen_plus = 1\n",
                ),
                (
                    "helpers.star",
                    "twice = host_value\ndef f():\n    return len_plus\n",
                ),
            ]),
        )
        .package(MAIN_PACKAGE, mem(&[("main.star", "y = 1\n")]))
        .build();
    let e = err(i.exec_module(MAIN_PACKAGE, "main.star", None));
    assert_eq!(
        e.message(),
        "cannot load @stdlib//builtins.star: cannot load helpers.star: undefined: len_plus"
    );
}

#[test]
fn a_failing_builtins_star_fails_every_run() {
    let i = Interpreter::builder()
        .package(STDLIB_PACKAGE, mem(&[("builtins.star", "x = 1 // 0\n")]))
        .package(MAIN_PACKAGE, mem(&[("main.star", "y = 1\n")]))
        .build();
    for _ in 0..2 {
        let e = err(i.exec_module(MAIN_PACKAGE, "main.star", None));
        assert_eq!(
            e.message(),
            "cannot load @stdlib//builtins.star: integer division by zero"
        );
    }
    // A stdlib package without builtins.star is fine.
    let i = Interpreter::builder()
        .package(STDLIB_PACKAGE, mem(&[]))
        .package(MAIN_PACKAGE, mem(&[("main.star", "y = 1\n")]))
        .build();
    i.exec_module(MAIN_PACKAGE, "main.star", None).unwrap();
}

/// `whoami()`: the thread's kind, module and context, as builtins see them.
#[star_builtin]
fn whoami(thread: &mut Thread) -> String {
    format!(
        "{:?} {} {}",
        thread_kind(thread),
        thread_module(thread).map_or("-".to_string(), |k| k.to_string()),
        context::<String>(thread).map_or("-", |s| s.as_str())
    )
}

#[test]
fn builtins_see_the_thread_kind_module_and_context() {
    let log = Log::default();
    let l = log.clone();
    let i = Interpreter::builder()
        .predeclare("whoami", Value::Builtin(&whoami::BUILTIN))
        .package(
            MAIN_PACKAGE,
            mem(&[
                (
                    "main.star",
                    "load('lib.star', 'f')\nprint(whoami())\nprint(f())\nexec('s.star')\n",
                ),
                (
                    "lib.star",
                    "print(whoami())\ndef f():\n    return whoami()\n",
                ),
                ("s.star", "print(whoami())\n"),
            ]),
        )
        .logger(move |_, _, m| l.push(m))
        .build();
    let ctx: Context = Arc::new("request-1".to_string());
    let m = i.exec_module(MAIN_PACKAGE, "main.star", Some(ctx)).unwrap();
    assert_eq!(
        log.take(),
        [
            "Loading //lib.star request-1",
            "Execing //main.star request-1",
            // A library's function reports the module being run, not its own.
            "Execing //main.star request-1",
            "Execing //s.star request-1",
        ]
    );
    // A host thread for callbacks: kind unknown, no module, its own context.
    let lib = i.load_module(MAIN_PACKAGE, "lib.star", None).unwrap();
    let mut t = i.thread(Some(Arc::new("callback".to_string())));
    let f = lib.get("f").unwrap();
    let r = t.call(&f, &crate::call::Args::positional(&[])).unwrap();
    assert_eq!(r.to_str(), "Unknown - callback");
    assert!(m.get("f").is_none(), "loaded names are file-local");
    // exec from a host thread is refused.
    let exec = Value::Builtin(&exec::BUILTIN);
    let e = t
        .call(
            &exec,
            &crate::call::Args::positional(&[Value::str("s.star")]),
        )
        .unwrap_err();
    assert!(
        e.message()
            .contains("only be called by a module run by exec"),
        "{}",
        e.message()
    );
}

#[test]
fn hooks_run_in_order_and_post_exec_runs_after_a_failure() {
    let log = Log::default();
    let (l1, l2, l3) = (log.clone(), log.clone(), log.clone());
    let i = Interpreter::builder()
        .package(
            MAIN_PACKAGE,
            mem(&[
                (
                    "main.star",
                    "load('lib.star', 'x')\nexec('a.star')\nexec('bad.star')\n",
                ),
                ("lib.star", "x = 1\n"),
                ("a.star", "print('in a')\n"),
                ("bad.star", "print('in bad')\nfail('boom')\n"),
            ]),
        )
        .logger(move |_, _, m| l1.push(m))
        .thread_modifier(move |t| {
            l2.push(format!("thread {}", t.name()));
            t.set_data(7u32);
        })
        .pre_exec(|t, k| {
            let n = *t.data::<u32>().unwrap();
            t.print(&format!("pre {k} {n}"));
        })
        .post_exec(move |_, k| l3.push(format!("post {k}")))
        .build();
    let e = err(i.exec_module(MAIN_PACKAGE, "main.star", None));
    assert_eq!(e.message(), "fail: boom");
    assert_eq!(
        log.take(),
        [
            "thread //main.star",
            "pre //main.star 7",
            "thread //lib.star",
            "thread //a.star",
            "pre //a.star 7",
            "in a",
            "post //a.star",
            "thread //bad.star",
            "pre //bad.star 7",
            "in bad",
            "post //bad.star",
            "post //main.star",
        ]
    );
}

/// `read(path)`: a file of the package, as the host's `load_source` gives it.
#[star_builtin]
fn read(thread: &mut Thread, path: &str) -> Result<String> {
    let interp = thread_interpreter(thread)
        .expect("interpreter thread")
        .clone();
    interp.load_source(thread, path)
}

#[test]
fn load_source_reads_any_file_of_a_package() {
    let i = Interpreter::builder()
        .package(
            MAIN_PACKAGE,
            mem(&[("dir/main.star", "x = 1\n"), ("dir/data.txt", "hello\n")]),
        )
        .package("other", mem(&[("notes.md", "# notes\n")]))
        .build();
    let t = i.thread(None);
    assert_eq!(i.load_source(&t, "//dir/data.txt").unwrap(), "hello\n");
    assert_eq!(i.load_source(&t, "@other//notes.md").unwrap(), "# notes\n");
    assert!(
        i.load_source(&t, "data.txt").is_err(),
        "relative needs a module"
    );
    assert_eq!(
        i.load_source(&t, "//nope.txt").unwrap_err().kind(),
        ErrorKind::NoModule
    );
    // From a module's thread, relative references work.
    let i = Interpreter::builder()
        .predeclare("read", Value::Builtin(&read::BUILTIN))
        .package(
            MAIN_PACKAGE,
            mem(&[
                ("dir/main.star", "x = read('data.txt')\n"),
                ("dir/data.txt", "hello\n"),
            ]),
        )
        .build();
    let m = i.exec_module(MAIN_PACKAGE, "dir/main.star", None).unwrap();
    assert_eq!(m.get("x").unwrap().to_str(), "hello\n");
}

/// Counts how many times `count()` ran, across threads.
static COUNTED: AtomicUsize = AtomicUsize::new(0);

#[star_builtin]
fn count() -> i64 {
    std::thread::sleep(Duration::from_millis(100));
    COUNTED.fetch_add(1, Ordering::SeqCst) as i64
}

#[test]
fn concurrent_executions_share_one_load() {
    let i = Interpreter::builder()
        .predeclare("count", Value::Builtin(&count::BUILTIN))
        .package(
            MAIN_PACKAGE,
            mem(&[
                ("slow.star", "n = count()\n"),
                ("a.star", "load('slow.star', 'n')\nx = n\n"),
                ("b.star", "load('slow.star', 'n')\nx = n\n"),
            ]),
        )
        .build();
    let before = COUNTED.load(Ordering::SeqCst);
    let results: Vec<i64> = std::thread::scope(|s| {
        let hs: Vec<_> = ["a.star", "b.star", "slow.star"]
            .into_iter()
            .map(|p| {
                let i = i.clone();
                s.spawn(move || {
                    let m = i.load_module(MAIN_PACKAGE, p, None).unwrap();
                    let v = m.get("x").or_else(|| m.get("n")).unwrap();
                    match v {
                        Value::Int(n) => n,
                        v => panic!("{v:?}"),
                    }
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        COUNTED.load(Ordering::SeqCst),
        before + 1,
        "slow.star ran once"
    );
    assert!(results.iter().all(|&n| n == results[0]), "{results:?}");
}

/// A rendezvous of two parties: `meet()` returns only when both have called it (or
/// fails after 10 s), so two libraries that both call it can only load if they load
/// at the same time.
struct Rendezvous {
    arrived: Mutex<usize>,
    cv: Condvar,
}

static MEET: Rendezvous = Rendezvous {
    arrived: Mutex::new(0),
    cv: Condvar::new(),
};

#[star_builtin]
fn meet() -> Result<String> {
    let mut n = MEET.arrived.lock().unwrap();
    *n += 1;
    let target = n.div_ceil(2) * 2;
    let deadline = Instant::now() + Duration::from_secs(10);
    while *n < target {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Error::new(
                ErrorKind::Other,
                "the other library never arrived: loads ran one after the other",
            ));
        }
        n = MEET.cv.wait_timeout(n, left).unwrap().0;
    }
    MEET.cv.notify_all();
    std::thread::sleep(Duration::from_millis(200));
    Ok("met".into())
}

#[test]
fn independent_loads_run_in_parallel_when_enabled() {
    let files = [
        (
            "main.star",
            "load('a.star', 'a')\nload('b.star', 'b')\nboth = a + b\n",
        ),
        ("a.star", "a = meet()\n"),
        ("b.star", "b = meet()\n"),
    ];
    let i = Interpreter::builder()
        .predeclare("meet", Value::Builtin(&meet::BUILTIN))
        .package(MAIN_PACKAGE, mem(&files))
        .parallel_loads(true)
        .build();
    let start = Instant::now();
    let m = i.load_module(MAIN_PACKAGE, "main.star", None).unwrap();
    let took = start.elapsed();
    assert_eq!(m.get("both").unwrap().to_str(), "metmet");
    // Each library sleeps 200 ms after meeting; sequential loads could not even
    // meet. Shown for information (timings are not asserted).
    eprintln!("two slow libraries loaded in parallel in {took:?}");
}

#[test]
fn a_cycle_across_concurrent_executions_is_reported_not_deadlocked() {
    // Each execution first meets the other (so both are mid-load), then loads the
    // module the other is loading.
    let i = Interpreter::builder()
        .predeclare("meet", Value::Builtin(&meet::BUILTIN))
        .package(
            MAIN_PACKAGE,
            mem(&[
                (
                    "a.star",
                    "load('sync_a.star', 's')\nload('b.star', 'b')\na = 1\n",
                ),
                (
                    "b.star",
                    "load('sync_b.star', 's')\nload('a.star', 'a')\nb = 1\n",
                ),
                ("sync_a.star", "s = meet()\n"),
                ("sync_b.star", "s = meet()\n"),
            ]),
        )
        .build();
    let errors: Vec<String> = std::thread::scope(|s| {
        let hs: Vec<_> = ["a.star", "b.star"]
            .into_iter()
            .map(|p| {
                let i = i.clone();
                s.spawn(move || match i.load_module(MAIN_PACKAGE, p, None) {
                    Ok(_) => "ok".to_string(),
                    Err(e) => e.message().to_string(),
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for e in &errors {
        assert!(e.contains("cycle in load graph"), "{errors:?}");
    }
}

#[star_builtin]
fn explode() -> i64 {
    panic!("host bug")
}

/// A host value whose truth panics: host code outside any builtin, so the panic
/// unwinds through the evaluator.
struct Bomb;

impl crate::value::HostValue for Bomb {
    fn type_name(&self) -> &'static str {
        "bomb"
    }
    fn truth(&self) -> bool {
        panic!("host bug")
    }
}

crate::impl_freeze_safe!(Bomb);

#[test]
fn a_panicking_builtin_fails_its_load_with_an_error() {
    let i = Interpreter::builder()
        .predeclare("explode", Value::Builtin(&explode::BUILTIN))
        .package(MAIN_PACKAGE, mem(&[("bad.star", "x = explode()\n")]))
        .build();
    let e = err(i.load_module(MAIN_PACKAGE, "bad.star", None));
    assert!(
        e.message().contains("explode: panicked: host bug"),
        "{}",
        e.message()
    );
}

#[test]
fn a_panicking_load_fails_later_loads_instead_of_hanging_them() {
    let i = Interpreter::builder()
        .predeclare("bomb", Value::host(Bomb))
        .package(MAIN_PACKAGE, mem(&[("bad.star", "x = 1 if bomb else 2\n")]))
        .build();
    let j = i.clone();
    let panicked = std::thread::spawn(move || j.load_module(MAIN_PACKAGE, "bad.star", None))
        .join()
        .is_err();
    assert!(panicked);
    let e = err(i.load_module(MAIN_PACKAGE, "bad.star", None));
    assert_eq!(e.message(), "loading //bad.star panicked");
}

#[test]
fn native_modules_load_but_do_not_exec() {
    let native = FrozenModule::from_values("@native//m", [("answer".to_string(), Value::Int(42))]);
    let i = Interpreter::builder()
        .package("native", MemoryLoader::new().with_native("m", native))
        .package(
            MAIN_PACKAGE,
            mem(&[
                ("main.star", "load('@native//m', 'answer')\nx = answer\n"),
                ("bad.star", "exec('@native//m')\n"),
            ]),
        )
        .build();
    let e = err(i.exec_module(MAIN_PACKAGE, "bad.star", None));
    assert!(
        e.message().contains("is a native module"),
        "{}",
        e.message()
    );
    let m = i.exec_module(MAIN_PACKAGE, "main.star", None).unwrap();
    assert_eq!(m.get("x").unwrap().repr(), "42");
}

#[test]
fn errors_render_with_the_source_of_the_module_they_happened_in() {
    let i = Interpreter::builder()
        .package(
            MAIN_PACKAGE,
            mem(&[
                ("main.star", "load('lib.star', 'f')\n\nf(0)\n"),
                ("lib.star", "def f(x):\n    return 1 // x\n"),
                ("syntax.star", "load('broken.star', 'y')\n"),
                ("broken.star", "y = (1 +\n"),
            ]),
        )
        .build();
    let e = err(i.exec_module(MAIN_PACKAGE, "main.star", None));
    let shown = i.render_error(&e, false);
    assert!(shown.contains("return 1 // x"), "{shown}");
    assert!(shown.contains("//main.star:3:1: in <toplevel>"), "{shown}");
    assert!(shown.contains("//lib.star:2:"), "{shown}");
    let e = err(i.exec_module(MAIN_PACKAGE, "syntax.star", None));
    assert_eq!(e.kind(), ErrorKind::Syntax);
    let shown = i.render_error(&e, false);
    assert!(shown.contains("got end of file"), "{shown}");
    assert!(shown.contains("//broken.star:2:1"), "{shown}");
    assert!(
        shown.contains("//syntax.star:1:1: in <toplevel>"),
        "{shown}"
    );
}

//! Programs of several packages on disk, run end to end by the `Interpreter`.
//!
//! Each folder of `tests/packages/` is a small program: `refs` (two packages that
//! reference each other's files in every way), `errors` (failures that cross module
//! and package boundaries), `scripts` (modules run by `exec`) and `concurrent` (one
//! slow library loaded by many modules at once). Packages are mounted with
//! `FsLoader`, as a host would mount a user's directory. Errors as users see them
//! (`Interpreter::render_error`) are insta snapshots in `tests/snapshots/`; module
//! names in them are package-relative (`//main.star`, `@lib//x.star`), so they hold no
//! machine-specific path.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use star_core::eval::FrozenModule;
use star_core::interp::{
    context, thread_kind, Context, FsLoader, Interpreter, InterpreterBuilder, ModuleKey,
    MAIN_PACKAGE,
};
use star_core::{star_builtin, Error, ErrorKind, Result, Thread, Value};

/// The folder of one fixture program.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("packages")
        .join(name)
}

/// A package mounted from a fixture folder.
fn disk(dir: &str) -> FsLoader {
    FsLoader::new(fixture(dir)).unwrap()
}

/// A log shared by the hooks of a test.
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

/// A builder whose `print` goes to `log` as `file:line: message`.
fn logging(log: &Log) -> InterpreterBuilder {
    let l = log.clone();
    Interpreter::builder().logger(move |file, line, msg| l.push(format!("{file}:{line}: {msg}")))
}

fn err(r: Result<Arc<FrozenModule>>) -> Error {
    match r {
        Ok(m) => panic!("expected an error, got module {}", m.file()),
        Err(e) => e,
    }
}

fn names(keys: &[ModuleKey]) -> Vec<String> {
    keys.iter().map(|k| k.to_string()).collect()
}

// ---------------------------------------------------------------------------------------
// References.

/// `refs/app` as `__main__` and `refs/shared` as `@shared`.
fn refs(log: &Log) -> Interpreter {
    logging(log)
        .package(MAIN_PACKAGE, disk("refs/app"))
        .package("shared", disk("refs/shared"))
        .build()
}

#[test]
fn relative_absolute_and_aliased_references_across_two_disk_packages() {
    let log = Log::default();
    let i = refs(&log);
    let m = i.load_module(MAIN_PACKAGE, "main.star", None).unwrap();
    assert_eq!(
        m.get("report").unwrap().to_str(),
        "== shapes 1.2   ==\n1   -> 1 cm2\n2   -> 4 cm2\n3   -> 9 cm2"
    );
    // `//consts.star` means the root of the package the reference is written in.
    assert_eq!(m.get("units").unwrap().repr(), r#"("cm", "px")"#);
    // @shared//fmt/pad.star is reached three ways (`@shared//fmt/pad.star` from
    // __main__, `fmt/pad.star` inside shared) and runs once.
    assert_eq!(log.take(), ["@shared//fmt/pad.star:1: pad loads"]);
    assert_eq!(
        names(&i.visited()),
        [
            "//main.star",
            "//consts.star",
            "//lib/geometry.star",
            "//lib/shapes/square.star",
            "@shared//fmt/pad.star",
            "@shared//text.star",
            "@shared//consts.star",
        ]
    );
    // The host reaches the same cached modules.
    let pad = i.load_module("shared", "fmt/pad.star", None).unwrap();
    assert_eq!(pad.file(), "@shared//fmt/pad.star");
    assert!(Arc::ptr_eq(
        &pad,
        &i.load_module("shared", "./fmt/../fmt/pad.star", None)
            .unwrap()
    ));
    assert!(log.take().is_empty());
}

#[test]
fn dot_dot_cannot_leave_a_package() {
    let log = Log::default();
    let i = refs(&log);
    // refs/outside.star sits next to refs/app and fails if it ever runs.
    for (module, reference) in [
        ("escape.star", "../outside.star"),
        ("escape_deep.star", "lib/../../outside.star"),
    ] {
        let e = err(i.load_module(MAIN_PACKAGE, module, None));
        assert_eq!(e.kind(), ErrorKind::Value);
        assert_eq!(
            e.message(),
            format!(
                "cannot load {reference}: invalid module reference \"{reference}\": the path \
                 leads outside the package root"
            )
        );
    }
    for path in ["../outside.star", "lib/../../outside.star"] {
        let e = err(i.load_module(MAIN_PACKAGE, path, None));
        assert!(e.message().contains("outside the package root"), "{e}");
        let e = err(i.exec_module(MAIN_PACKAGE, path, None));
        assert!(e.message().contains("outside the package root"), "{e}");
    }
    // Nor can an alias reference climb out of its package.
    let e = err(i.load_module("shared", "../app/main.star", None));
    assert!(e.message().contains("outside the package root"), "{e}");
    assert_eq!(names(&i.visited()), ["//escape.star", "//escape_deep.star"]);
    assert!(log.take().is_empty());
}

/// A fresh folder under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("star-packages-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(unix)]
#[test]
fn symbolic_links_cannot_leave_a_package() {
    use std::os::unix::fs::symlink;

    let tmp = TempDir::new("symlinks");
    let root = tmp.0.join("pkg");
    std::fs::create_dir_all(root.join("lib")).unwrap();
    std::fs::write(tmp.0.join("secret.star"), "secret = 'leaked'\n").unwrap();
    std::fs::write(root.join("lib/real.star"), "value = 42\n").unwrap();
    // A link to a file outside, a link to the folder above, a link that stays inside.
    symlink(tmp.0.join("secret.star"), root.join("link.star")).unwrap();
    symlink(&tmp.0, root.join("up")).unwrap();
    symlink(root.join("lib/real.star"), root.join("inside.star")).unwrap();
    std::fs::write(root.join("file_link.star"), "load('link.star', 'secret')\n").unwrap();
    std::fs::write(
        root.join("dir_link.star"),
        "load('up/secret.star', 'secret')\n",
    )
    .unwrap();
    std::fs::write(
        root.join("ok.star"),
        "load('inside.star', 'value')\nv = value\n",
    )
    .unwrap();

    let i = Interpreter::builder()
        .package(MAIN_PACKAGE, FsLoader::new(&root).unwrap())
        .build();
    let e = err(i.load_module(MAIN_PACKAGE, "file_link.star", None));
    assert_eq!(e.kind(), ErrorKind::Host);
    assert_eq!(
        e.message(),
        "cannot load link.star: cannot read //link.star: link.star leads outside the package \
         directory"
    );
    let e = err(i.load_module(MAIN_PACKAGE, "dir_link.star", None));
    assert_eq!(e.kind(), ErrorKind::Host);
    assert!(
        e.message()
            .ends_with("up/secret.star leads outside the package directory"),
        "{e}"
    );
    // The messages name the package path, never where the package lives on disk.
    assert!(!e.message().contains(&*tmp.0.to_string_lossy()), "{e}");
    let m = i.load_module(MAIN_PACKAGE, "ok.star", None).unwrap();
    assert_eq!(m.get("v").unwrap().repr(), "42");
    // A link inside the package is a module of its own, named by the link.
    assert_eq!(
        names(&i.visited()),
        [
            "//file_link.star",
            "//link.star",
            "//dir_link.star",
            "//up/secret.star",
            "//ok.star",
            "//inside.star",
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Errors.

/// `errors/main` as `__main__` and `errors/lib` as `@lib`.
fn errors(log: &Log) -> Interpreter {
    logging(log)
        .package(MAIN_PACKAGE, disk("errors/main"))
        .package("lib", disk("errors/lib"))
        .build()
}

#[test]
fn a_missing_module_and_a_missing_package_are_different_errors() {
    let log = Log::default();
    let i = errors(&log);
    let e = err(i.load_module(MAIN_PACKAGE, "nested_missing.star", None));
    assert_eq!(e.kind(), ErrorKind::NoModule);
    assert_eq!(
        e.message(),
        "cannot load middle.star: cannot load @lib//deep.star: cannot load gone.star: no such \
         module: @lib//gone.star"
    );
    let e = err(i.load_module(MAIN_PACKAGE, "no_package.star", None));
    assert_eq!(e.kind(), ErrorKind::NoPackage);
    assert_eq!(
        e.message(),
        "cannot load @nowhere//x.star: no such package: nowhere"
    );
    // The host's own requests, for loads and execs.
    for r in [
        i.load_module(MAIN_PACKAGE, "nope.star", None),
        i.exec_module(MAIN_PACKAGE, "nope2.star", None),
        i.load_module("lib", "gone.star", None),
        // A folder is not a module.
        i.load_module(MAIN_PACKAGE, "parts", None),
    ] {
        assert_eq!(err(r).kind(), ErrorKind::NoModule);
    }
    for r in [
        i.load_module("nowhere", "x.star", None),
        i.exec_module("nowhere", "y.star", None),
    ] {
        assert_eq!(err(r).kind(), ErrorKind::NoPackage);
    }
    // A failed load is remembered: asking again gives the same error.
    let again = err(i.load_module(MAIN_PACKAGE, "middle.star", None));
    assert_eq!(again.kind(), ErrorKind::NoModule);
    assert_eq!(
        again.message(),
        "cannot load @lib//deep.star: cannot load gone.star: no such module: @lib//gone.star"
    );
}

#[test]
fn a_load_cycle_across_packages_is_named() {
    let log = Log::default();
    let i = errors(&log);
    let e = err(i.load_module(MAIN_PACKAGE, "cycle_a.star", None));
    assert_eq!(e.kind(), ErrorKind::Module);
    assert_eq!(
        e.message(),
        "cannot load @lib//cycle_b.star: cannot load cycle_c.star: cannot load \
         @__main__//cycle_a.star: cycle in load graph: //cycle_a.star -> @lib//cycle_b.star \
         -> @lib//cycle_c.star -> //cycle_a.star"
    );
    // Entering the cycle elsewhere names it from there.
    let i = errors(&log);
    let e = err(i.load_module("lib", "cycle_c.star", None));
    assert!(
        e.message().ends_with(
            "cycle in load graph: @lib//cycle_c.star -> //cycle_a.star -> @lib//cycle_b.star \
             -> @lib//cycle_c.star"
        ),
        "{e}"
    );
}

/// What a run printed, then its error as `render_error` shows it.
fn run_and_render(i: &Interpreter, log: &Log, module: &str) -> String {
    let e = err(i.exec_module(MAIN_PACKAGE, module, None));
    let mut out = String::new();
    for line in log.take() {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&i.render_error(&e, false));
    out
}

#[test]
fn snapshot_runtime_error_in_a_library_function() {
    let log = Log::default();
    let i = errors(&log);
    insta::assert_snapshot!(
        "runtime_error_in_a_library_function",
        run_and_render(&i, &log, "runtime.star")
    );
}

#[test]
fn snapshot_syntax_error_in_a_loaded_module() {
    let log = Log::default();
    let i = errors(&log);
    insta::assert_snapshot!(
        "syntax_error_in_a_loaded_module",
        run_and_render(&i, &log, "syntax.star")
    );
}

#[test]
fn snapshot_missing_module_in_a_nested_load() {
    let log = Log::default();
    let i = errors(&log);
    insta::assert_snapshot!(
        "missing_module_in_a_nested_load",
        run_and_render(&i, &log, "nested_missing.star")
    );
}

#[test]
fn snapshot_load_cycle_across_packages() {
    let log = Log::default();
    let i = errors(&log);
    insta::assert_snapshot!(
        "load_cycle_across_packages",
        run_and_render(&i, &log, "cycle_a.star")
    );
}

#[test]
fn snapshot_failure_in_a_nested_exec() {
    let log = Log::default();
    let i = scripts(&log);
    insta::assert_snapshot!(
        "failure_in_a_nested_exec",
        run_and_render(&i, &log, "outer.star")
    );
}

#[test]
fn an_exec_that_found_no_module_can_be_retried() {
    // Nothing ran, so the module is not recorded as exec'd: asking again, by exec or
    // load, reports the missing file again (not "already run by exec").
    let log = Log::default();
    let i = errors(&log);
    for _ in 0..2 {
        let e = err(i.exec_module(MAIN_PACKAGE, "nope.star", None));
        assert_eq!(e.kind(), ErrorKind::NoModule, "{e}");
        let e = err(i.exec_module("nowhere", "x.star", None));
        assert_eq!(e.kind(), ErrorKind::NoPackage, "{e}");
    }
    let e = err(i.load_module(MAIN_PACKAGE, "nope.star", None));
    assert_eq!(e.kind(), ErrorKind::NoModule, "{e}");
}

#[test]
fn an_exec_after_a_load_that_found_no_module_reports_the_missing_module() {
    let log = Log::default();
    let i = errors(&log);
    let e = err(i.load_module(MAIN_PACKAGE, "nope.star", None));
    assert_eq!(e.kind(), ErrorKind::NoModule, "{e}");
    // Today: "//nope.star was loaded as a library, so it cannot be run by exec".
    let e = err(i.exec_module(MAIN_PACKAGE, "nope.star", None));
    assert_eq!(e.kind(), ErrorKind::NoModule, "{e}");
}

// ---------------------------------------------------------------------------------------
// Scripts.

/// `scripts` as `__main__`.
fn scripts(log: &Log) -> Interpreter {
    logging(log).package(MAIN_PACKAGE, disk("scripts")).build()
}

#[test]
fn exec_runs_scripts_once_and_keeps_them_apart_from_libraries() {
    let log = Log::default();
    let i = scripts(&log);
    let m = i.exec_module(MAIN_PACKAGE, "main.star", None).unwrap();
    assert_eq!(
        log.take(),
        [
            "//main.star:1: main starts",
            "//lib/counter.star:1: counter loads",
            "//steps/one.star:3: one runs",
            "//steps/three.star:1: three runs",
            "//main.star:3: one gave 11",
            "//steps/two.star:1: two runs",
            "//main.star:5: main ends",
        ]
    );
    // exec's result is the script's globals, loaded names excluded.
    assert_eq!(
        m.get("one").unwrap().repr(),
        r#"{"total": 11}"#,
        "a dict of one.star's globals"
    );

    let cases = [
        // exec twice: by a script, then by the host.
        ("twice.star", "//steps/two.star was already run by exec"),
        // load after exec.
        (
            "load_script.star",
            "cannot load steps/two.star: //steps/two.star was run by exec, so it cannot be \
             loaded",
        ),
        // exec after load.
        (
            "exec_lib.star",
            "//lib/counter.star was loaded as a library, so it cannot be run by exec",
        ),
        // A library may not exec, even a script nobody ran yet.
        (
            "uses_execs.star",
            "cannot load lib/execs.star: //lib/execs.star is a library (loaded by load), and \
             libraries cannot exec",
        ),
    ];
    for (module, want) in cases {
        let e = err(i.exec_module(MAIN_PACKAGE, module, None));
        assert_eq!(e.kind(), ErrorKind::Module, "{module}");
        assert_eq!(e.message(), want, "{module}");
    }
    assert_eq!(
        err(i.exec_module(MAIN_PACKAGE, "main.star", None)).message(),
        "//main.star was already run by exec"
    );
    assert_eq!(
        err(i.load_module(MAIN_PACKAGE, "main.star", None)).message(),
        "//main.star was run by exec, so it cannot be loaded"
    );
    assert_eq!(
        err(i.exec_module(MAIN_PACKAGE, "lib/counter.star", None)).message(),
        "//lib/counter.star was loaded as a library, so it cannot be run by exec"
    );
    assert!(log.take().is_empty(), "nothing ran after main.star");
    assert_eq!(
        names(&i.visited()),
        [
            "//main.star",
            "//steps/one.star",
            "//lib/counter.star",
            "//steps/three.star",
            "//steps/two.star",
            "//twice.star",
            "//load_script.star",
            "//exec_lib.star",
            "//uses_execs.star",
            "//lib/execs.star",
        ]
    );
}

/// The tag the thread modifier attaches to every thread, read by `pre_exec`.
struct Tag(String);

#[test]
fn hooks_run_in_order_nest_with_execs_and_post_exec_follows_a_failure() {
    let log = Log::default();
    let hooked = |log: &Log| {
        let (l1, l2, l3) = (log.clone(), log.clone(), log.clone());
        logging(log)
            .package(MAIN_PACKAGE, disk("scripts"))
            .thread_modifier(move |t| {
                l1.push(format!("thread {:?} {}", thread_kind(t), t.name()));
                t.set_data(Tag(format!("tag of {}", t.name())));
            })
            .pre_exec(move |t, k| l2.push(format!("pre {k} ({})", t.data::<Tag>().unwrap().0)))
            .post_exec(move |_, k| l3.push(format!("post {k}")))
            .build()
    };
    let i = hooked(&log);
    i.exec_module(MAIN_PACKAGE, "main.star", None).unwrap();
    assert_eq!(
        log.take(),
        [
            "thread Execing //main.star",
            "pre //main.star (tag of //main.star)",
            "//main.star:1: main starts",
            "thread Execing //steps/one.star",
            "pre //steps/one.star (tag of //steps/one.star)",
            "thread Loading //lib/counter.star",
            "//lib/counter.star:1: counter loads",
            "//steps/one.star:3: one runs",
            "thread Execing //steps/three.star",
            "pre //steps/three.star (tag of //steps/three.star)",
            "//steps/three.star:1: three runs",
            "post //steps/three.star",
            "post //steps/one.star",
            "//main.star:3: one gave 11",
            "thread Execing //steps/two.star",
            "pre //steps/two.star (tag of //steps/two.star)",
            "//steps/two.star:1: two runs",
            "post //steps/two.star",
            "//main.star:5: main ends",
            "post //main.star",
        ]
    );
    // A host thread for callbacks goes through the modifier too.
    let t = i.thread(None);
    assert_eq!(t.data::<Tag>().unwrap().0, "tag of host");
    assert_eq!(log.take(), ["thread Unknown host"]);

    let i = hooked(&log);
    let e = err(i.exec_module(MAIN_PACKAGE, "outer.star", None));
    assert_eq!(e.message(), "fail: bad step");
    assert_eq!(
        log.take(),
        [
            "thread Execing //outer.star",
            "pre //outer.star (tag of //outer.star)",
            "//outer.star:1: outer runs",
            "thread Execing //failing.star",
            "pre //failing.star (tag of //failing.star)",
            "//failing.star:1: failing runs",
            "post //failing.star",
            "post //outer.star",
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Concurrency.

/// How many times `tick()` ran, shared by every run of a test through its context.
#[derive(Default)]
struct Ticks(AtomicUsize);

/// `tick()`: sleeps a little (so that concurrent loads overlap), then counts a run.
#[star_builtin]
fn tick(thread: &mut Thread) -> Result<i64> {
    let Some(ticks) = context::<Ticks>(thread) else {
        return Err(Error::new(
            ErrorKind::Other,
            "tick: no counter in the context",
        ));
    };
    std::thread::sleep(Duration::from_millis(30));
    Ok(ticks.0.fetch_add(1, Ordering::SeqCst) as i64 + 1)
}

/// Loads each of `paths` on an OS thread of its own, all at once, and returns the
/// `seen` global of each.
fn load_all_at_once(i: &Interpreter, ctx: &Context, paths: &[&str]) -> Vec<String> {
    let barrier = std::sync::Barrier::new(paths.len());
    std::thread::scope(|s| {
        let handles: Vec<_> = paths
            .iter()
            .map(|p| {
                let (i, ctx, barrier) = (i.clone(), ctx.clone(), &barrier);
                s.spawn(move || {
                    barrier.wait();
                    let m = i
                        .load_module(MAIN_PACKAGE, p, Some(ctx))
                        .unwrap_or_else(|e| panic!("{p}: {e}"));
                    m.get("seen").unwrap().repr()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn concurrent_loads_from_many_threads_run_a_library_once() {
    // root.star loads a..d, each of which loads slow.star; e and f load slow.star too.
    // Only modules that root.star does not load are loaded directly by other threads:
    // see `a_finished_wait_is_not_taken_for_a_cycle` for why.
    for parallel in [false, true] {
        let ticks = Arc::new(Ticks::default());
        let ctx: Context = ticks.clone();
        let i = Interpreter::builder()
            .predeclare("tick", Value::Builtin(&tick::BUILTIN))
            .package(MAIN_PACKAGE, disk("concurrent"))
            .parallel_loads(parallel)
            .build();
        let seen = load_all_at_once(
            &i,
            &ctx,
            &["root.star", "root.star", "e.star", "f.star", "e.star"],
        );
        assert_eq!(
            ticks.0.load(Ordering::SeqCst),
            1,
            "slow.star ran once (parallel loads {parallel})"
        );
        assert_eq!(
            seen,
            ["[1, 1, 1, 1]", "[1, 1, 1, 1]", "1", "1", "1"],
            "parallel loads {parallel}"
        );
        let mut visited = names(&i.visited());
        visited.sort();
        assert_eq!(
            visited,
            [
                "//a.star",
                "//b.star",
                "//c.star",
                "//d.star",
                "//e.star",
                "//f.star",
                "//root.star",
                "//slow.star",
            ]
        );
    }
}

/// A task that waited for a module and has not woken yet when that module's owner goes
/// on to load a module the waiter owns is not a cycle. (Found by this suite: the wait
/// graph once recorded owner tasks, and a stale record made a false cycle about one run
/// in forty; it now records the awaited module and follows it only while it loads.)
///
/// Here the thread loading root.star owns slow.star (through first.star) while six
/// threads loading b1..b6 wait for it; then root.star loads b1..b6.
#[test]
fn a_finished_wait_is_not_taken_for_a_cycle() {
    let mut failures = Vec::new();
    for _ in 0..30 {
        let ticks = Arc::new(Ticks::default());
        let ctx: Context = ticks.clone();
        let i = Interpreter::builder()
            .predeclare("tick", Value::Builtin(&tick::BUILTIN))
            .package(MAIN_PACKAGE, disk("race"))
            .build();
        let paths = [
            "root.star",
            "b1.star",
            "b2.star",
            "b3.star",
            "b4.star",
            "b5.star",
            "b6.star",
        ];
        let barrier = std::sync::Barrier::new(paths.len());
        std::thread::scope(|s| {
            let handles: Vec<_> = paths
                .iter()
                .map(|p| {
                    let (i, ctx, barrier) = (i.clone(), ctx.clone(), &barrier);
                    s.spawn(move || {
                        barrier.wait();
                        if *p != "root.star" {
                            // Let root.star's thread take slow.star first.
                            std::thread::sleep(Duration::from_millis(10));
                        }
                        i.load_module(MAIN_PACKAGE, p, Some(ctx)).map(|_| ())
                    })
                })
                .collect();
            for h in handles {
                if let Err(e) = h.join().unwrap() {
                    failures.push(e.message().to_string());
                }
            }
        });
        assert_eq!(ticks.0.load(Ordering::SeqCst), 1);
    }
    assert!(
        failures.is_empty(),
        "{} false cycles: {failures:?}",
        failures.len()
    );
}

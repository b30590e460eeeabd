//! Tests of the streaming executor. The chunking property over the language test
//! files, the hostile programs and the CLI are tested in the `tests` crate.

use std::cell::RefCell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_core::Stream;
use tokio::sync::mpsc;

use super::*;
use crate::interp::MemoryLoader;
use crate::star_builtin;

/// A stream fed through a channel, chunk by chunk.
struct Channel<T>(mpsc::UnboundedReceiver<T>);

impl<T> Stream for Channel<T> {
    type Item = T;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.0.poll_recv(cx)
    }
}

/// A stream of the given chunks.
struct Chunks<T>(std::vec::IntoIter<T>);

impl<T: Unpin> Stream for Chunks<T> {
    type Item = T;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<T>> {
        Poll::Ready(self.0.next())
    }
}

fn chunks<T: Unpin>(v: Vec<T>) -> Chunks<T> {
    Chunks(v.into_iter())
}

type Log = Rc<RefCell<Vec<String>>>;

/// An executor whose output and events go to one log.
fn executor(b: ExecutorBuilder) -> (Executor, Log) {
    let log: Log = Rc::default();
    let (l1, l2) = (log.clone(), log.clone());
    let ex = b
        .print(move |s| l1.borrow_mut().push(format!("print {s}")))
        .events(move |e| {
            let s = match e {
                Event::Started(s) => format!("started {} at {}", s.index, s.span.start.line),
                Event::Finished(s) => format!("finished {}", s.index),
                Event::Checked(s) => format!("checked {}", s.index),
                Event::Failed(e) => format!("failed {e}"),
            };
            l2.borrow_mut().push(s)
        })
        .build()
        .unwrap();
    (ex, log)
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

fn prints(log: &Log) -> Vec<String> {
    log.borrow()
        .iter()
        .filter_map(|s| s.strip_prefix("print ").map(str::to_string))
        .collect()
}

#[test]
fn each_statement_runs_as_soon_as_it_is_complete() {
    rt().block_on(async {
        let (mut ex, log) = executor(Executor::builder().dialect(Dialect::extended()));
        let (tx, rx) = mpsc::unbounded_channel::<&str>();
        let feeder = async {
            let step = |t: &'static str| {
                tx.send(t).unwrap();
                tokio::task::yield_now()
            };
            // A simple statement runs at its newline.
            step("x = 4").await;
            step("0\nprint(x").await;
            assert!(prints(&log).is_empty());
            step(")\n").await;
            step("").await;
            assert_eq!(prints(&log), ["40"]);
            // A compound statement runs once a line at column 0 shows it has ended;
            // `elif`/`else` continue it.
            step("if x > 100:\n    print('big')\n").await;
            step("").await;
            assert_eq!(prints(&log), ["40"]);
            step("elif x > 10:\n    print('medium')\nelse:\n    print('small')\n").await;
            step("").await;
            assert_eq!(prints(&log), ["40"]);
            step("print('next')\n").await;
            step("").await;
            assert_eq!(prints(&log), ["40", "medium", "next"], "{:?}", log.borrow());
            // The last statement runs at the end of the stream, newline or not.
            step("def f():\n    return x + 2\nprint(f())").await;
            step("").await;
            assert_eq!(prints(&log), ["40", "medium", "next"]);
            drop(tx);
        };
        let (report, ()) = tokio::join!(ex.run(Channel(rx)), feeder);
        let report = report.unwrap();
        assert_eq!(report.completed, 6);
        assert_eq!(prints(&log), ["40", "medium", "next", "42"]);
        assert_eq!(ex.get("x").unwrap().as_i64(), Some(40));
        assert!(log.borrow().contains(&"started 1 at 2".to_string()));
    });
}

/// Runs `src` cut into chunks by `cut` and returns (output and events, globals).
fn run_cut(src: &str, cuts: &[usize], policy: OnError) -> (Vec<String>, Vec<String>) {
    rt().block_on(async {
        let (mut ex, log) = executor(Executor::builder().on_error(policy));
        let bytes = src.as_bytes();
        let mut pieces = Vec::new();
        let mut last = 0;
        for &c in cuts.iter().chain(std::iter::once(&bytes.len())) {
            pieces.push(bytes[last..c].to_vec());
            last = c;
        }
        let r = ex.run(chunks(pieces)).await;
        let mut out = log.borrow().clone();
        match r {
            Ok(rep) => out.extend(rep.errors.iter().map(|e| e.rendered().to_string())),
            Err(e) => out.push(format!("error {}", e.rendered())),
        }
        let globals = ex
            .globals()
            .iter()
            .map(|(k, v)| format!("{k}={}", v.repr()))
            .collect();
        (out, globals)
    })
}

#[test]
fn results_do_not_depend_on_the_cut() {
    let src = "s = 'héllo \\'wörld\\''\r\nb = b\"\\xff\"\nx = [1,\n  2]  # é\n\
               def f(n):\n    \"\"\"doc\n    é\"\"\"\n    return g(n) + 1\n\
               def g(n):\n    return n * 2\nprint(f(len(s)), x, b)\n\
               y = 1 // 0\nprint('after')\nz = undefined_name\n";
    for policy in [OnError::Stop, OnError::KeepGoing] {
        let whole = run_cut(src, &[], policy);
        assert!(
            whole.0.iter().any(|l| l.contains("division by zero")),
            "{whole:?}"
        );
        for i in 0..=src.len() {
            assert_eq!(run_cut(src, &[i], policy), whole, "cut at {i}");
        }
        let every: Vec<usize> = (1..src.len()).collect();
        assert_eq!(run_cut(src, &every, policy), whole, "byte by byte");
    }
}

fn run_text(b: ExecutorBuilder, src: &str) -> (Result<Report, StreamError>, Vec<String>, Executor) {
    rt().block_on(async {
        let (mut ex, log) = executor(b);
        let r = ex.run_text(src).await;
        let log = log.borrow().clone();
        (r, log, ex)
    })
}

#[test]
fn errors_have_positions_and_snippets_and_keep_earlier_effects() {
    let (r, log, ex) = run_text(Executor::builder(), "a = 1\nb = [a]\nc = b[5]\nd = 4\n");
    let e = r.unwrap_err();
    assert_eq!(e.kind(), StreamErrorKind::Runtime);
    assert_eq!(
        e.to_string(),
        "<stream>:3:6: list index 5 out of range [-1:0]"
    );
    assert!(e.rendered().contains("c = b[5]"), "{}", e.rendered());
    assert_eq!(e.statement(), Some(2));
    assert!(ex.get("b").is_some() && ex.get("d").is_none());
    assert_eq!(log.last().unwrap(), &format!("failed {e}"));

    // Syntax errors too.
    let (r, _, ex) = run_text(Executor::builder(), "a = 1\nb = (1 +* 2)\nc = 3\n");
    let e = r.unwrap_err();
    assert_eq!(e.kind(), StreamErrorKind::Syntax);
    assert_eq!(e.position().map(|p| (p.line, p.col)), Some((2, 9)));
    assert!(ex.get("a").is_some() && ex.get("c").is_none());

    // Keep going: the failing statements are skipped.
    let (r, log, ex) = run_text(
        Executor::builder().on_error(OnError::KeepGoing),
        "a = 1\nb = a.nope\nc = 1 +* 2\nd = 4\nprint(d)\ne = f\n",
    );
    let rep = r.unwrap();
    let msgs: Vec<String> = rep.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        msgs,
        [
            "<stream>:2:7: int has no .nope field or method",
            "<stream>:3:8: got '*', want primary expression",
            "<stream>:6:5: undefined: f",
        ]
    );
    assert!(log.contains(&"print 4".to_string()));
    assert_eq!(ex.get("d").unwrap().as_i64(), Some(4));
}

#[test]
fn a_stream_ending_inside_a_statement_is_an_end_of_stream_error() {
    for (src, msg, at) in [
        (
            "x = 1\ny = (1,\n",
            "unexpected end of stream, want ')'",
            (3, 1),
        ),
        (
            "x = 1\ny = \"abc",
            "unexpected end of stream in string",
            (2, 5),
        ),
        (
            "x = 1\ndef f():\n",
            "unexpected end of stream, want indent",
            (3, 1),
        ),
        (
            "x = 1\nz = 1 +",
            "unexpected end of stream, want primary expression",
            (2, 8),
        ),
        (
            "x = 1\ns = '''ab\n",
            "unexpected end of stream in string",
            (2, 5),
        ),
        // Cut inside an indented block: the newline and outdents the scanner makes up
        // at the end are the end of the stream too.
        (
            "x = 1\ndef f():\n    y = [1,\n",
            "unexpected end of stream, want primary expression",
            (4, 1),
        ),
        (
            "x = 1\ndef f():\n    return 1 +",
            "unexpected end of stream, want primary expression",
            (3, 15),
        ),
        (
            "x = 1\ndef f():\n    for x in y:\n",
            "unexpected end of stream, want indent",
            (4, 1),
        ),
        (
            "x = 1\nz = 1 + \\",
            "unexpected end of stream after a line continuation ('\\')",
            (2, 9),
        ),
    ] {
        let (r, _, ex) = run_text(Executor::builder(), src);
        let e = r.unwrap_err();
        assert_eq!(e.kind(), StreamErrorKind::EndOfStream, "{src:?}: {e}");
        assert_eq!(e.message(), msg, "{src:?}");
        assert_eq!(e.position().map(|p| (p.line, p.col)), Some(at), "{src:?}");
        assert_eq!(
            ex.get("x").unwrap().as_i64(),
            Some(1),
            "earlier effects kept"
        );
    }
}

#[test]
fn an_error_from_the_stream_is_returned_as_such() {
    rt().block_on(async {
        let (mut ex, log) = executor(Executor::builder());
        let items: Vec<Result<&str, std::io::Error>> = vec![
            Ok("x = 1\nprint(x)\n"),
            Err(std::io::Error::other("connection reset")),
            Ok("y = 2\n"),
        ];
        let e = ex.run(chunks(items)).await.unwrap_err();
        assert_eq!(e.kind(), StreamErrorKind::Input);
        assert_eq!(e.message(), "reading the stream: connection reset");
        assert!(std::error::Error::source(&e).is_some());
        assert_eq!(prints(&log), ["1"]);
        assert!(ex.get("y").is_none());
    });
}

#[test]
fn functions_may_use_globals_bound_later_in_the_stream() {
    let (r, log, _) = run_text(
        Executor::builder(),
        "def f():\n    return g() + 1\ndef g():\n    return 41\nprint(f())\n",
    );
    r.unwrap();
    assert_eq!(log.iter().filter(|l| l.starts_with("print")).count(), 1);
    assert!(log.contains(&"print 42".to_string()));

    // Called before the name is bound: a runtime error.
    let (r, _, _) = run_text(
        Executor::builder(),
        "def f():\n    return h()\nf()\ndef h():\n    return 1\n",
    );
    let e = r.unwrap_err();
    assert_eq!(e.kind(), StreamErrorKind::Runtime);
    assert_eq!(
        e.message(),
        "global variable h referenced before assignment"
    );

    // Never bound: reported at the end of the stream, where it is used.
    let (r, log, _) = run_text(Executor::builder(), "def f():\n    return hh()\nprint(1)\n");
    let e = r.unwrap_err();
    assert_eq!(e.kind(), StreamErrorKind::Static);
    assert_eq!(e.to_string(), "<stream>:2:12: undefined: hh");
    assert!(
        log.contains(&"print 1".to_string()),
        "the statements before ran"
    );
}

#[test]
fn a_session_keeps_its_globals_across_streams() {
    rt().block_on(async {
        let (mut ex, log) = executor(Executor::builder().dialect(Dialect::extended()));
        ex.run_text("def inc(n):\n    return n + 1\ncount = 1\n")
            .await
            .unwrap();
        ex.run_text("count = inc(count)\nprint(count)\n")
            .await
            .unwrap();
        assert_eq!(prints(&log), ["2"]);
        let e = ex.run_text("x = 1\ninc(None)\n").await.unwrap_err();
        // Positions name the stream they are in.
        assert!(e.rendered().contains("<stream>#3:2:1"), "{}", e.rendered());
        assert!(
            e.rendered().contains("<stream>:2:14: in inc"),
            "{}",
            e.rendered()
        );
        assert!(e.rendered().contains("return n + 1"), "{}", e.rendered());
    });
}

#[test]
fn a_dry_run_checks_each_statement_and_runs_nothing() {
    let (r, log, ex) = run_text(
        Executor::builder()
            .dry_run(true)
            .on_error(OnError::KeepGoing),
        "x = 1\nprint(x)\ny = zz\nfail('never')\n",
    );
    let rep = r.unwrap();
    assert_eq!(rep.completed, 3);
    assert_eq!(rep.errors[0].to_string(), "<stream>:3:5: undefined: zz");
    assert!(log.iter().all(|l| !l.starts_with("print")));
    assert_eq!(log[0], "checked 0");
    assert!(ex.get("x").is_none());
}

#[test]
fn dialects_forbid_constructs_per_statement() {
    let mut dialect = Dialect::standard();
    dialect.forbidden.push(crate::dialect::Construct::Def);
    let (r, _, ex) = run_text(
        Executor::builder().dialect(dialect),
        "x = 1\ndef f():\n    pass\n",
    );
    let e = r.unwrap_err();
    assert_eq!(e.kind(), StreamErrorKind::Static);
    assert_eq!(ex.get("x").unwrap().as_i64(), Some(1));
}

/// Sleeps, then returns its argument.
#[star_builtin]
async fn slow(ms: i64, value: Value) -> Value {
    tokio::time::sleep(Duration::from_millis(ms as u64)).await;
    value
}

/// Returns its argument without waiting.
#[star_builtin]
async fn ready(value: Value) -> Value {
    value
}

fn with_async(b: ExecutorBuilder) -> ExecutorBuilder {
    b.predeclare("slow", Value::Builtin(&slow::BUILTIN))
        .predeclare("ready", Value::Builtin(&ready::BUILTIN))
}

#[test]
fn async_builtins_suspend_without_blocking_the_thread() {
    rt().block_on(async {
        let (mut a, la) = executor(with_async(Executor::builder()));
        let (mut b, lb) = executor(with_async(Executor::builder()));
        let start = Instant::now();
        let (ra, rb) = tokio::join!(
            a.run_text("print(slow(300, 'a'))\n"),
            b.run_text("print(slow(300, 'b'))\n")
        );
        let took = start.elapsed();
        ra.unwrap();
        rb.unwrap();
        assert_eq!(
            (prints(&la), prints(&lb)),
            (vec!["a".into()], vec!["b".into()])
        );
        assert!(took < Duration::from_millis(550), "took {took:?}");
    });
}

#[test]
fn async_builtins_work_wherever_a_builtin_can_be_called() {
    let (r, log, _) = run_text(
        with_async(Executor::builder()),
        "def f(x):\n    return slow(1, x) + ready(1)\n\
         print([f(i) for i in range(3)])\n\
         print(sorted([3, 1, 2], key = lambda x: slow(1, -x)))\n\
         print({k: ready(k * 2) for k in ['a', 'b']})\n",
    );
    r.unwrap();
    assert_eq!(
        prints(&Rc::new(RefCell::new(log))),
        ["[1, 2, 3]", "[3, 2, 1]", "{\"a\": \"aa\", \"b\": \"bb\"}"]
    );
}

#[test]
fn async_builtins_work_in_loaded_modules() {
    let interp = Interpreter::builder()
        .predeclare("slow", Value::Builtin(&slow::BUILTIN))
        .package(
            "lib",
            MemoryLoader::new().with_source("m.star", "x = slow(1, 41) + 1\n"),
        )
        .build();
    let (r, log, ex) = run_text(
        Executor::builder().interpreter(interp, "__main__", "stream.star", None),
        "load('@lib//m.star', 'x')\nprint(x)\n",
    );
    assert_eq!(r.unwrap().completed, 2);
    assert!(log.contains(&"print 42".to_string()), "{log:?}");
    assert!(
        ex.get("x").is_none(),
        "load binds file-local names, not globals"
    );
}

#[test]
fn dropping_the_future_stops_a_tight_loop() {
    rt().block_on(async {
        let (mut ex, log) = executor(Executor::builder().dialect(Dialect::extended()));
        let start = Instant::now();
        let r = tokio::time::timeout(
            Duration::from_millis(100),
            ex.run_text("x = 1\nwhile True:\n    x += 1\n"),
        )
        .await;
        assert!(r.is_err(), "timed out");
        assert!(start.elapsed() < Duration::from_secs(2));
        // The state is intact and usable.
        assert!(ex.get("x").unwrap().as_i64().unwrap() > 1);
        ex.run_text("print('again')\n").await.unwrap();
        assert_eq!(prints(&log), ["again"]);
    });
}

#[test]
fn a_deadline_or_a_cancel_ends_a_wait_for_an_async_builtin() {
    rt().block_on(async {
        let (mut ex, _) =
            executor(with_async(Executor::builder()).timeout(Duration::from_millis(50)));
        let start = Instant::now();
        let e = ex
            .run_text("x = 1\ny = slow(100000, 1)\n")
            .await
            .unwrap_err();
        assert_eq!(e.message(), "execution deadline exceeded");
        assert!(e.is_limit());
        assert!(
            e.rendered().contains("y = slow(100000, 1)"),
            "{}",
            e.rendered()
        );
        assert!(start.elapsed() < Duration::from_secs(5));

        let token = CancelToken::new();
        let (mut ex, _) = executor(
            with_async(Executor::builder()).limits(Limits::none().cancel_on(token.clone())),
        );
        let canceller = async {
            tokio::time::sleep(Duration::from_millis(30)).await;
            token.cancel();
        };
        let (r, ()) = tokio::join!(ex.run_text("y = slow(100000, 1)\n"), canceller);
        let e = r.unwrap_err();
        assert_eq!(e.runtime().unwrap().kind(), ErrorKind::Cancelled);
    });
}

#[test]
fn a_deadline_covers_waiting_for_the_stream() {
    rt().block_on(async {
        let (mut ex, _) = executor(Executor::builder().timeout(Duration::from_millis(50)));
        let (tx, rx) = mpsc::unbounded_channel::<&str>();
        tx.send("x = 1\n").unwrap();
        let e = ex.run(Channel(rx)).await.unwrap_err();
        assert_eq!(e.message(), "execution deadline exceeded");
        assert_eq!(ex.get("x").unwrap().as_i64(), Some(1));
        drop(tx);
    });
}

#[test]
fn steps_are_limited_per_run() {
    let (r, _, _) = run_text(
        Executor::builder().limits(Limits::none().max_steps(100)),
        "def f():\n    for i in range(1000):\n        pass\nf()\n",
    );
    let e = r.unwrap_err();
    assert_eq!(e.message(), "step limit exceeded: more than 100 steps");
}

#[test]
fn reading_from_an_async_reader() {
    rt().block_on(async {
        let (mut ex, log) = executor(Executor::builder());
        let (mut w, r) = tokio::io::duplex(16);
        let writer = async move {
            use tokio::io::AsyncWriteExt;
            w.write_all(b"print('a')\n").await.unwrap();
            tokio::task::yield_now().await;
            w.write_all(b"print('b')\n").await.unwrap();
        };
        let (r, ()) = tokio::join!(ex.run_reader(r), writer);
        r.unwrap();
        assert_eq!(prints(&log), ["a", "b"]);
    });
}

#[test]
fn memory_limits_stop_a_stream_and_interleaved_executions_are_charged_apart() {
    let (r, _, ex) = run_text(
        Executor::builder().limits(Limits::none().max_memory(1 << 20)),
        "a = 'x' * 1000\nb = 'a' * 10000000\n",
    );
    let e = r.unwrap_err();
    assert!(e.message().starts_with("memory limit exceeded"), "{e}");
    assert!(ex.get("a").is_some());

    rt().block_on(async {
        // `big` makes 50 MB while `small`, limited to 10 MB, waits for an async
        // builtin: none of it is charged to `small`.
        let (mut big, _) = executor(with_async(Executor::builder()));
        let (mut small, log) =
            executor(with_async(Executor::builder()).limits(Limits::none().max_memory(10 << 20)));
        let (rb, rs) = tokio::join!(
            big.run_text("x = slow(10, 'a') * 50000000\ny = slow(100, 1)\n"),
            small.run_text("z = slow(50, 'b') * 1000\nprint(len(z))\n"),
        );
        rb.unwrap();
        rs.unwrap();
        assert_eq!(prints(&log), ["1000"]);
    });
}

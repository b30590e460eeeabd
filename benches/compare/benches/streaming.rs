//! The streaming executor's three measures (issue 6), star only. See ../README.md,
//! section "Streaming (issue 6)".
//!
//! * `streaming_overhead/*`: a generated program of about 1 MB (see [`program`]) run
//!   through `star_core::stream::Executor::run` in 1-byte chunks, through
//!   `Executor::run_text` (the whole text as one chunk), and through
//!   `star_core::eval::Module::exec` (no executor: the non-streaming baseline). Each
//!   iteration builds a fresh executor (or module and thread), runs the program and
//!   drops everything. Target: 1-byte chunks at most 1.5x the whole text.
//! * `async_builtin/*`: a Starlark function that calls a builtin 100,000 times in a
//!   `for` loop, run by the executor, with the builtin declared as an `async fn` whose
//!   future is ready at once, as a plain `fn`, and (for the loop's own cost) with no
//!   call. Target: async at most 2x sync.
//! * latency (not a criterion bench; printed as tables after the criterion runs):
//!   statements sent one by one through a `tokio::sync::mpsc` channel to an executor
//!   running a stream over it, timed from the moment the chunk holding a statement's
//!   final newline is sent to the executor's `Event::Started` for that statement.
//!   Target: under 50 µs at the 99th percentile.
//!
//! The criterion benches time the bench thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`,
//! through `iter_custom`): the executor runs on a current-thread runtime on that
//! thread, and on this shared machine CPU time is steadier than wall time. The latency
//! tables give wall-clock times, and for the single-thread cases CPU times as well.

use std::cell::{Cell, RefCell};
use std::fmt::Write;
use std::hint::black_box;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use criterion::Criterion;
use futures_core::Stream;
use star_core::eval::{Module, Predeclared};
use star_core::stream::{Event, Executor, ExecutorBuilder};
use star_core::{star_builtin, Dialect, Thread, Value};
use tokio::sync::{mpsc, Notify};

// ---------------------------------------------------------------------------------
// The program

/// The size of the overhead bench's program.
const PROGRAM_SIZE: usize = 1_000_000;

/// A 64-bit linear congruential generator (deterministic, no dependency).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "alpha", "beta", "gamma", "delta", "core", "util", "net", "io", "proto", "crypto", "base",
    "strings", "flags", "log", "time", "json", "http", "rpc", "storage", "cache",
];

/// A program of at least `min_len` bytes, valid in the standard dialect: every global
/// is bound once, no top-level `if`/`for`; loops and branches are inside functions.
/// Unit `i` binds `K{i}`, `NAME{i}`, `D{i}`, `L{i}`, defines `f{i}` (a loop with
/// `if`/`elif`/`else` and a comprehension) and calls it and an earlier unit's function,
/// and, varying by unit, has a function with `*args`/`**kwargs` and a lambda, string
/// methods and escapes, a dict comprehension, slices, `print` calls and expression
/// statements.
fn program(min_len: usize) -> String {
    let mut r = Lcg(0x5eed6);
    let mut s = String::with_capacity(min_len + 4096);
    let mut i = 0u64;
    while s.len() < min_len {
        let j = r.below(i + 1); // an earlier (or this) unit
        let (w1, w2) = (r.pick(WORDS), r.pick(WORDS));
        let (a, b, c) = (r.below(1000), r.below(100) + 1, r.below(50) + 2);
        let step = r.below(4) + 1;
        let n = r.below(12) + 3;
        writeln!(s, "K{i} = {a} * {b} + {c} % 7 - {}", r.below(10)).unwrap();
        writeln!(s, "NAME{i} = \"item_%d_{w1}\" % K{i}").unwrap();
        writeln!(
            s,
            "D{i} = {{\"name\": NAME{i}, \"size\": K{i}, \"tags\": [\"{w1}\", \"{w2}\"], \"pair\": ({i}, \"{w2}\")}}"
        )
        .unwrap();
        writeln!(s, "L{i} = [K{i}, K{j}, len(NAME{j}), D{j}[\"size\"], -{c}]").unwrap();
        write!(
            s,
            "
def f{i}(n, step = {step}):
    \"\"\"Sums a small series for unit {i}.\"\"\"
    total = 0
    for x in range(n):
        if x % step == 0:
            total += x * {c}
        elif x % 3 == 1:
            total -= 1
        else:
            total += len(NAME{j})
    parts = [str(v) for v in L{j} if v > 0]
    return total + len(\", \".join(parts))

R{i} = f{i}({n}) + f{j}(3, step = 2)
"
        )
        .unwrap();
        match r.below(5) {
            0 => write!(
                s,
                "
def g{i}(*args, **kwargs):
    double = lambda a: a * 2
    out = [double(a) for a in args]
    for k in sorted(kwargs):
        out.append(kwargs[k])
    return out

G{i} = g{i}(1, {b}, K{j}, {w1} = 1, {w2}x = {c})
"
            )
            .unwrap(),
            1 => writeln!(
                s,
                "T{i} = \"tab\\there \\\"{w1}\\\" back\\\\slash\".upper().replace(\"TAB\", \"{w2}\") + NAME{j}[1:5]"
            )
            .unwrap(),
            2 => writeln!(
                s,
                "M{i} = {{k: len(k) * {b} for k in [\"{w1}\", \"{w2}\", NAME{j}]}}\nS{i} = sorted(M{i}.keys())[::-1]"
            )
            .unwrap(),
            3 => writeln!(s, "print(NAME{i}, R{i}, L{j}[1:3])").unwrap(),
            _ => writeln!(s, "f{j}({n}, {step})\nE{i} = (K{i}, K{j}, \"{w1}\") + (R{j},)").unwrap(),
        }
        s.push('\n');
        i += 1;
    }
    s
}

// ---------------------------------------------------------------------------------
// Measuring

/// The CPU time of the calling thread.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(r, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// The total CPU time of `iters` runs of `f`.
fn cpu_time_of(iters: u64, mut f: impl FnMut()) -> Duration {
    let start = thread_cpu();
    for _ in 0..iters {
        f();
    }
    thread_cpu() - start
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

/// An executor whose output is discarded.
fn quiet() -> ExecutorBuilder {
    Executor::builder().print(|_| {})
}

// ---------------------------------------------------------------------------------
// 1. Overhead of streaming

/// A stream of a text's bytes, one byte per chunk.
struct OneByte<'a> {
    text: &'a [u8],
    pos: usize,
}

impl<'a> Stream for OneByte<'a> {
    type Item = &'a [u8];
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<&'a [u8]>> {
        let pos = self.pos;
        if pos == self.text.len() {
            return Poll::Ready(None);
        }
        self.pos = pos + 1;
        Poll::Ready(Some(&self.text[pos..pos + 1]))
    }
}

/// The run's completed statements and a fingerprint of its globals.
fn outcome(ex: &Executor, completed: usize) -> (usize, usize, String) {
    let globals = ex.globals();
    let last = globals.last().map(|(k, v)| format!("{k}={}", v.repr()));
    (completed, globals.len(), last.unwrap_or_default())
}

fn overhead(c: &mut Criterion) {
    let src = program(PROGRAM_SIZE);
    let rt = runtime();

    // The three ways of running it agree before anything is timed.
    let whole = rt.block_on(async {
        let mut ex = quiet().build().unwrap();
        let rep = ex.run_text(&src).await.unwrap();
        assert!(rep.is_ok());
        outcome(&ex, rep.completed)
    });
    let bytes = rt.block_on(async {
        let mut ex = quiet().build().unwrap();
        let rep = ex
            .run(OneByte {
                text: src.as_bytes(),
                pos: 0,
            })
            .await
            .unwrap();
        outcome(&ex, rep.completed)
    });
    assert_eq!(whole, bytes, "1-byte chunks and the whole text differ");
    let mut thread = Thread::new("bench");
    thread.set_print(|_| {});
    let mut module = Module::new("bench.star", Predeclared::new(), Dialect::standard());
    module.exec(&mut thread, &src).unwrap();
    assert_eq!(module.names().len(), whole.1);
    drop(module);
    println!(
        "streaming_overhead: program of {} bytes, {} lines, {} top-level statements, {} globals",
        src.len(),
        src.lines().count(),
        whole.0,
        whole.1
    );

    let mut g = c.benchmark_group("streaming_overhead");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(12));
    g.bench_function("module_exec", |b| {
        b.iter_custom(|iters| {
            cpu_time_of(iters, || {
                let mut thread = Thread::new("bench");
                thread.set_print(|_| {});
                let mut module = Module::new("bench.star", Predeclared::new(), Dialect::standard());
                module.exec(&mut thread, black_box(&src)).unwrap();
            })
        })
    });
    g.bench_function("executor_whole", |b| {
        b.iter_custom(|iters| {
            cpu_time_of(iters, || {
                rt.block_on(async {
                    let mut ex = quiet().build().unwrap();
                    ex.run_text(black_box(&src)).await.unwrap();
                })
            })
        })
    });
    g.bench_function("executor_1byte", |b| {
        b.iter_custom(|iters| {
            cpu_time_of(iters, || {
                rt.block_on(async {
                    let mut ex = quiet().build().unwrap();
                    ex.run(OneByte {
                        text: black_box(src.as_bytes()),
                        pos: 0,
                    })
                    .await
                    .unwrap();
                })
            })
        })
    });
    g.finish();
}

// ---------------------------------------------------------------------------------
// 3. An async builtin that is ready at once, against the same sync builtin

/// The identity, as a plain builtin.
#[star_builtin]
fn sync_id(x: i64) -> i64 {
    x
}

/// The identity, as an async builtin whose future is ready at once.
#[star_builtin]
async fn async_id(x: i64) -> i64 {
    x
}

const CALLS: &str = "
def calls():
    s = 0
    for i in range(100000):
        s += f(i)
    return s

result = calls()
";

const NO_CALLS: &str = "
def calls():
    s = 0
    for i in range(100000):
        s += i
    return s

result = calls()
";

fn async_builtin(c: &mut Criterion) {
    let rt = runtime();
    let run = |f: Option<Value>, src: &str| -> i64 {
        rt.block_on(async {
            let mut b = quiet();
            if let Some(f) = f {
                b = b.predeclare("f", f);
            }
            let mut ex = b.build().unwrap();
            ex.run_text(src).await.unwrap();
            ex.get("result").unwrap().as_i64().unwrap()
        })
    };
    let sync = Value::Builtin(&sync_id::BUILTIN);
    let asyn = Value::Builtin(&async_id::BUILTIN);
    let expected = 99_999 * 100_000 / 2;
    assert_eq!(run(Some(sync.clone()), CALLS), expected);
    assert_eq!(run(Some(asyn.clone()), CALLS), expected);
    assert_eq!(run(None, NO_CALLS), expected);

    let mut g = c.benchmark_group("async_builtin");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (name, f, src) in [
        ("sync_100k_calls", Some(sync), CALLS),
        ("async_ready_100k_calls", Some(asyn), CALLS),
        ("loop_without_calls", None, NO_CALLS),
    ] {
        g.bench_function(name, |b| {
            b.iter_custom(|iters| {
                cpu_time_of(iters, || {
                    black_box(run(f.clone(), src));
                })
            })
        });
    }
    g.finish();
}

// ---------------------------------------------------------------------------------
// 2. Latency from a statement's final newline to the start of its execution

/// A stream fed through a channel.
struct Channel(mpsc::UnboundedReceiver<String>);

impl Stream for Channel {
    type Item = String;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<String>> {
        self.0.poll_recv(cx)
    }
}

/// The `i`th statement of the latency runs (simple statements of a few kinds), without
/// its newline. `f` is defined by [`LATENCY_PRELUDE`].
fn latency_statement(i: usize) -> String {
    match i % 4 {
        0 => format!("v{i} = {i} * 3 + 1"),
        1 => format!("w{i} = f({i}, \"item\")"),
        2 => format!("print(\"line\", {i})"),
        _ => format!("d{i} = {{\"k\": {i}, \"l\": [1, 2, {i}]}}"),
    }
}

const LATENCY_PRELUDE: &str = "def f(n, s):\n    return len(s) + n\n";

/// Samples of one latency run: wall and (when measured on one thread) CPU times.
struct Samples {
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
}

/// Statement `i` is sent; `sent` holds its index (in the executor's numbering) and the
/// wall and CPU times at sending.
type Sent = Cell<Option<(usize, Instant, Duration)>>;

/// The feeder and the executor on one current-thread runtime (one task): the feeder
/// sends a statement, waits for its `Finished` event, and sends the next. With
/// `split`, the statement's text is sent first and its newline alone, after the
/// executor has taken the text; otherwise the statement and its newline are one chunk.
/// Samples start after `warmup` statements.
fn latency_one_thread(n: usize, warmup: usize, split: bool) -> Samples {
    let rt = runtime();
    let sent: Rc<Sent> = Rc::default();
    let samples = Rc::new(RefCell::new(Samples {
        wall: Vec::with_capacity(n),
        cpu: Vec::with_capacity(n),
    }));
    // The number of statements finished so far, and a wake-up for the feeder.
    let finished = Rc::new(Cell::new(0usize));
    let done = Rc::new(Notify::new());
    let (s2, samples2, done2, finished2) = (
        sent.clone(),
        samples.clone(),
        done.clone(),
        finished.clone(),
    );
    let mut ex = quiet()
        .events(move |e| match e {
            Event::Started(st) => {
                let (wall, cpu) = (Instant::now(), thread_cpu());
                if let Some((index, w0, c0)) = s2.get() {
                    if index == st.index {
                        let mut s = samples2.borrow_mut();
                        s.wall.push(wall - w0);
                        s.cpu.push(cpu - c0);
                        s2.set(None);
                    }
                }
            }
            Event::Finished(st) => {
                finished2.set(st.index + 1);
                done2.notify_one();
            }
            Event::Failed(e) => panic!("{e}"),
            Event::Checked(_) => {}
        })
        .build()
        .unwrap();
    let (tx, rx) = mpsc::unbounded_channel::<String>();
    let feeder = async {
        tx.send(LATENCY_PRELUDE.to_string()).unwrap();
        for i in 0..warmup + n {
            // Statement index 0 is the prelude's `def`, which completes (and runs) when
            // the first statement's text arrives.
            let index = i + 1;
            let text = latency_statement(i);
            let mut last = String::from("\n");
            if split {
                tx.send(text).unwrap();
                // Let the executor take the text and wait for more.
                tokio::task::yield_now().await;
                tokio::task::yield_now().await;
            } else {
                last.insert_str(0, &text);
            }
            if i >= warmup {
                sent.set(Some((index, Instant::now(), thread_cpu())));
            }
            tx.send(last).unwrap();
            while finished.get() <= index {
                done.notified().await;
            }
        }
        drop(tx);
    };
    rt.block_on(async {
        let (report, ()) = tokio::join!(ex.run(Channel(rx)), feeder);
        report.unwrap();
    });
    drop(ex);
    Rc::try_unwrap(samples).ok().unwrap().into_inner()
}

/// The feeder on another OS thread, the executor on a current-thread runtime on this
/// one: the feeder waits until the executor has finished the previous statement and
/// then a further 100 µs (so the runtime is parked, waiting for input, as it is
/// between the chunks of a real stream), then sends statement and newline as one chunk.
/// The latency includes waking the parked thread.
fn latency_two_threads(n: usize, warmup: usize) -> Samples {
    let rt = runtime();
    let sent: Arc<Mutex<Option<(usize, Instant)>>> = Arc::default();
    let wall = Rc::new(RefCell::new(Vec::with_capacity(n)));
    // The executor sends the index of each statement it finishes.
    let (ack_tx, ack_rx) = std::sync::mpsc::channel::<usize>();
    let (sent2, wall2) = (sent.clone(), wall.clone());
    let mut ex = quiet()
        .events(move |e| match e {
            Event::Started(st) => {
                let now = Instant::now();
                let mut s = sent2.lock().unwrap();
                if let Some((index, w0)) = *s {
                    if index == st.index {
                        wall2.borrow_mut().push(now - w0);
                        *s = None;
                    }
                }
            }
            Event::Finished(st) => {
                let _ = ack_tx.send(st.index);
            }
            Event::Failed(e) => panic!("{e}"),
            Event::Checked(_) => {}
        })
        .build()
        .unwrap();
    let (tx, rx) = mpsc::unbounded_channel::<String>();
    let feeder = std::thread::spawn(move || {
        tx.send(LATENCY_PRELUDE.to_string()).unwrap();
        for i in 0..warmup + n {
            let text = latency_statement(i) + "\n";
            if i > 0 {
                // Wait until the previous statement has finished.
                while ack_rx.recv().unwrap() < i {}
            }
            std::thread::sleep(Duration::from_micros(100));
            if i >= warmup {
                *sent.lock().unwrap() = Some((i + 1, Instant::now()));
            }
            tx.send(text).unwrap();
        }
    });
    rt.block_on(async { ex.run(Channel(rx)).await.unwrap() });
    feeder.join().unwrap();
    drop(ex);
    let wall = Rc::try_unwrap(wall).ok().unwrap().into_inner();
    Samples {
        wall,
        cpu: Vec::new(),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let k = ((sorted.len() as f64 - 1.0) * p / 100.0).round() as usize;
    sorted[k]
}

fn row(label: &str, clock: &str, xs: &[Duration]) {
    let mut v = xs.to_vec();
    v.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let mean = v.iter().sum::<Duration>() / v.len() as u32;
    println!(
        "| {label} | {clock} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
        v.len(),
        us(percentile(&v, 50.0)),
        us(percentile(&v, 90.0)),
        us(percentile(&v, 99.0)),
        us(percentile(&v, 99.9)),
        us(*v.last().unwrap()),
        us(mean)
    );
}

fn latency(quick: bool) {
    let (n, warmup) = if quick { (200, 50) } else { (20_000, 1_000) };
    let n2 = if quick { 100 } else { 5_000 };
    println!();
    println!(
        "latency: from sending the chunk with a statement's final newline to Event::Started (µs)"
    );
    println!();
    println!("| case | clock | samples | p50 | p90 | p99 | p99.9 | max | mean |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    let s = latency_one_thread(n, warmup, false);
    row(
        "one task, statement + newline in one chunk",
        "wall",
        &s.wall,
    );
    row("one task, statement + newline in one chunk", "cpu", &s.cpu);
    let s = latency_one_thread(n, warmup, true);
    row("one task, newline alone after the text", "wall", &s.wall);
    row("one task, newline alone after the text", "cpu", &s.cpu);
    let s = latency_two_threads(n2, warmup.min(n2 / 10));
    row("feeder on another thread, runtime parked", "wall", &s.wall);
    println!();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    // `cargo bench` passes `--bench`; without it (`cargo test --benches`, criterion's
    // test mode) each bench runs once, and the latency runs are kept short too.
    let quick = !std::env::args().any(|a| a == "--bench");
    overhead(&mut c);
    async_builtin(&mut c);
    latency(quick);
    c.final_summary();
}

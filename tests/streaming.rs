//! Chunking invariance of the streaming executor, over every language test file:
//! whatever the cut of a program into chunks (single bytes, cuts inside UTF-8
//! characters, tokens, string literals, `\r\n`), the printed output, the errors and the
//! final globals are the same as when the whole text arrives as one chunk, and, for a
//! program without static errors, the same as running it whole as a file.

use std::cell::RefCell;
use std::path::Path;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use proptest::prelude::*;
use star_core::chunked::assert::Failures;
use star_core::chunked::{self, Mode};
use star_core::eval::{ExecError, Module};
use star_core::stream::{Executor, OnError};
use star_core::{Dialect, Error, ErrorKind, Thread};

/// A stream of byte pieces.
struct Pieces(std::vec::IntoIter<Vec<u8>>);

impl Stream for Pieces {
    type Item = Vec<u8>;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Vec<u8>>> {
        Poll::Ready(self.0.next())
    }
}

/// A chunk of a language test file: its text and dialect.
struct Program {
    name: String,
    text: String,
    dialect: Dialect,
}

fn programs() -> Vec<Program> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("star");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "star"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for c in chunked::split_chunks(&text) {
            out.push(Program {
                name: format!("{}:{}", f.file_name().unwrap().to_string_lossy(), c.line),
                text: c.text.to_string(),
                dialect: chunked::chunk_dialect(&c, Mode::Exec),
            });
        }
    }
    assert!(out.len() > 40, "the language tests are found");
    out
}

/// Gives a thread the test harness's `assert.star`, recording failed assertions.
fn harness(thread: &mut Thread, file: &str) {
    let assert = Arc::new(chunked::assert::module());
    thread.set_loader(move |_, name| match name {
        "assert.star" => Ok(assert.clone()),
        _ => Err(Error::new(ErrorKind::Other, "no such module")),
    });
    thread.set_data(Failures {
        file: file.to_string(),
        ignore_messages: false,
        problems: Vec::new(),
    });
}

fn failures(thread: &mut Thread) -> Vec<String> {
    thread
        .data_mut::<Failures>()
        .map(|f| std::mem::take(&mut f.problems))
        .unwrap_or_default()
        .into_iter()
        .map(|p| format!("assertion {}: {}", p.line, p.reason))
        .collect()
}

/// The observable result of streaming `text` cut at `cuts`: output, errors (rendered,
/// with positions and snippets), assertion failures and final globals.
fn stream(p: &Program, text: &[u8], cuts: &[usize], policy: OnError) -> Vec<String> {
    let log = Rc::new(RefCell::new(Vec::new()));
    let out = log.clone();
    let mut ex = Executor::builder()
        .dialect(p.dialect.clone())
        .predeclared(&chunked::fixtures::predeclared())
        .on_error(policy)
        .print(move |s| out.borrow_mut().push(format!("print {s}")))
        .build()
        .unwrap();
    harness(ex.thread_mut(), "<stream>");
    let mut pieces = Vec::new();
    let mut last = 0;
    for &c in cuts.iter().chain(std::iter::once(&text.len())) {
        pieces.push(text[last..c].to_vec());
        last = c;
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let r = rt.block_on(ex.run(Pieces(pieces.into_iter())));
    let mut log = log.borrow().clone();
    match r {
        Ok(rep) => log.extend(rep.errors.iter().map(|e| format!("error {}", e.rendered()))),
        Err(e) => log.push(format!("error {}", e.rendered())),
    }
    log.extend(failures(ex.thread_mut()));
    for (k, v) in ex.globals() {
        log.push(format!("global {k} = {}", v.repr()));
    }
    log
}

/// Cuts in increasing order, inside the text.
fn sorted_cuts(mut cuts: Vec<usize>, len: usize) -> Vec<usize> {
    cuts.iter_mut().for_each(|c| *c %= len + 1);
    cuts.sort_unstable();
    cuts
}

#[test]
fn every_program_gives_the_same_results_fed_byte_by_byte() {
    for p in programs() {
        for policy in [OnError::Stop, OnError::KeepGoing] {
            let text = p.text.as_bytes();
            let whole = stream(&p, text, &[], policy);
            let bytes: Vec<usize> = (1..text.len()).collect();
            assert_eq!(stream(&p, text, &bytes, policy), whole, "{}", p.name);
        }
    }
}

#[test]
fn crlf_line_ends_change_nothing_but_the_text() {
    for p in programs() {
        let crlf = p.text.replace('\n', "\r\n");
        let text = crlf.as_bytes();
        let whole = stream(&p, text, &[], OnError::KeepGoing);
        let bytes: Vec<usize> = (1..text.len()).collect();
        assert_eq!(
            stream(&p, text, &bytes, OnError::KeepGoing),
            whole,
            "{}",
            p.name
        );
    }
}

/// Output, errors and globals of running the whole text as a file (`Module::exec`),
/// or `None` when it has static errors (a file is then rejected before anything runs,
/// which is the one permitted difference from a stream).
fn whole_file(p: &Program) -> Option<(Vec<String>, Option<String>, Vec<String>)> {
    // Deep recursion needs a bigger stack than a test thread's (streams run on a
    // fiber with a big stack of its own).
    let (text, dialect) = (p.text.clone(), p.dialect.clone());
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || whole_file_here(&text, dialect))
        .unwrap()
        .join()
        .unwrap()
}

fn whole_file_here(
    text: &str,
    dialect: Dialect,
) -> Option<(Vec<String>, Option<String>, Vec<String>)> {
    let log = Rc::new(RefCell::new(Vec::new()));
    let out = log.clone();
    let mut thread = Thread::new("test");
    thread.set_print(move |s| out.borrow_mut().push(s.to_string()));
    harness(&mut thread, "<file>");
    let mut m = Module::new("<file>", chunked::fixtures::predeclared(), dialect);
    let err = match m.exec(&mut thread, text) {
        Ok(()) => None,
        Err(ExecError::Static(_)) => return None,
        Err(ExecError::Runtime(e)) => Some(e.message().to_string()),
    };
    let mut globals: Vec<String> = m
        .names()
        .into_iter()
        .map(|n| format!("{n} = {}", m.get(&n).unwrap().repr()))
        .collect();
    globals.extend(failures(&mut thread));
    let out = log.borrow().clone();
    Some((out, err, globals))
}

#[test]
fn streaming_a_program_is_running_it_whole() {
    let mut compared = 0;
    for p in programs() {
        let Some((out, err, globals)) = whole_file(&p) else {
            continue;
        };
        compared += 1;
        let log = Rc::new(RefCell::new(Vec::new()));
        let sink = log.clone();
        let mut ex = Executor::builder()
            .dialect(p.dialect.clone())
            .predeclared(&chunked::fixtures::predeclared())
            .print(move |s| sink.borrow_mut().push(s.to_string()))
            .build()
            .unwrap();
        harness(ex.thread_mut(), "<stream>");
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let r = rt.block_on(ex.run_text(&p.text));
        let serr = r.err().map(|e| e.message().to_string());
        let mut sglobals: Vec<String> = ex
            .globals()
            .into_iter()
            .map(|(k, v)| format!("{k} = {}", v.repr()))
            .collect();
        sglobals.extend(failures(ex.thread_mut()));
        let sout = log.borrow().clone();
        assert_eq!((sout, serr, sglobals), (out, err, globals), "{}", p.name);
    }
    assert!(compared > 30, "{compared}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_cut_gives_the_same_results(pick in any::<prop::sample::Index>(), cuts in prop::collection::vec(any::<usize>(), 0..12)) {
        let programs = programs();
        let p = &programs[pick.index(programs.len())];
        let text = p.text.as_bytes();
        let cuts = sorted_cuts(cuts, text.len());
        prop_assert_eq!(
            stream(p, text, &cuts, OnError::KeepGoing),
            stream(p, text, &[], OnError::KeepGoing),
            "{} cut at {:?}", p.name, cuts
        );
    }
}

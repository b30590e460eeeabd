//! Streaming execution: running a program while its text is still arriving.
//!
//! An [`Executor`] takes text chunks from any async [`Stream`] (or an [`AsyncRead`]),
//! cut anywhere, and feeds them to the front end's [`StreamParser`]. Each top-level
//! statement runs the moment it is complete: a simple statement at its newline, a
//! compound one (`def`, `if`, `for`, ...) when a line at column 0 shows that it has
//! ended, the last one at the end of the stream. The statements go through the same
//! pipeline as a whole file (resolver, compiler, machine), one at a time, in one
//! [`Module`] whose globals persist across statements and across streams (a session).
//!
//! **Chunking invariance.** Output, final globals and errors do not depend on how the
//! text was cut: the scanner and parser produce the same statements for any cut, and
//! each statement runs when its last byte has arrived either way.
//!
//! **Names bound later.** A function body may use a global that the stream binds
//! later, as in a whole file; the name is checked when the code runs (an unbound
//! global is a runtime error) or at the end of the stream, whichever comes first. The
//! one difference from running the whole text as a file: a file with an undefined name
//! is rejected before anything runs, while a stream has already run the statements
//! before the faulty one.
//!
//! **Async builtins and cancellation.** Statements run on a fiber
//! ([`fiber`]), so an async builtin (`#[star_builtin] async fn`) suspends the
//! execution without blocking the OS thread, wherever it is called from. Long
//! computations yield to the runtime every couple of milliseconds, so dropping the
//! future returned by [`Executor::run`] (or cancelling a [`CancelToken`]) stops the
//! execution promptly even inside a tight loop. The futures are not `Send` (values are
//! not): run them on a current-thread runtime or a `LocalSet`.
//!
//! **Errors.** A syntax, resolution or runtime error is reported with its line and
//! column in the stream and a snippet. Statements that already ran keep their effects.
//! By default the executor stops at the first error ([`OnError::Stop`]);
//! [`OnError::KeepGoing`] skips the failing statement and goes on. A stream that ends
//! inside a statement is an "unexpected end of stream" error at the place it ended. An
//! error from the stream itself is returned as [`StreamErrorKind::Input`].

pub mod fiber;

use std::collections::HashMap;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::Context;
use std::time::{Duration, Instant};

use corosensei::stack::DefaultStack;
use futures_core::Stream;
use tokio::io::{AsyncRead, ReadBuf};

use crate::diagnostics::{render, Diagnostic};
use crate::dialect::Dialect;
use crate::error::{Error, ErrorKind};
use crate::eval::limits::{cancelled, deadline_exceeded, CancelToken, Limits};
use crate::eval::{render_runtime_with, ExecError, Module, Predeclared};
use crate::interp::{Context as HostContext, Interpreter};
use crate::syntax::ast::Stmt;
use crate::syntax::token::{Pos, Span};
use crate::syntax::{StreamParser, SyntaxError};
use crate::thread::Thread;
use crate::value::{IntoValue, NativeModule, Value};

use fiber::{Fiber, Interrupt};

/// An error from the source of a stream (a network or read error).
pub type InputError = Box<dyn std::error::Error + Send + Sync>;

/// A piece of program text as a stream delivers it: `String`, `&str`, `Vec<u8>`,
/// `&[u8]`, [`bytes::Bytes`], or a `Result` of one of these (whose error ends the run
/// with [`StreamErrorKind::Input`]). Text may be cut anywhere, even inside a UTF-8
/// character.
pub trait Chunk {
    /// The bytes of the chunk.
    type Bytes: AsRef<[u8]>;
    /// The bytes, or the stream's error.
    fn into_bytes(self) -> Result<Self::Bytes, InputError>;
}

macro_rules! plain_chunk {
    ($($t:ty),*) => {$(
        impl Chunk for $t {
            type Bytes = $t;
            fn into_bytes(self) -> Result<$t, InputError> {
                Ok(self)
            }
        }
    )*};
}
plain_chunk!(String, Vec<u8>, bytes::Bytes);

impl<'a> Chunk for &'a str {
    type Bytes = &'a str;
    fn into_bytes(self) -> Result<&'a str, InputError> {
        Ok(self)
    }
}

impl<'a> Chunk for &'a [u8] {
    type Bytes = &'a [u8];
    fn into_bytes(self) -> Result<&'a [u8], InputError> {
        Ok(self)
    }
}

impl<T: Chunk, E: Into<InputError>> Chunk for Result<T, E> {
    type Bytes = T::Bytes;
    fn into_bytes(self) -> Result<T::Bytes, InputError> {
        self.map_err(Into::into).and_then(T::into_bytes)
    }
}

/// What the executor does after a statement fails.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnError {
    /// Stop and return the error (the default).
    #[default]
    Stop,
    /// Report the error (as an event and in the [`Report`]), skip the statement and go
    /// on with the next one.
    KeepGoing,
}

/// A top-level statement of a stream: its number (from 0, counting every statement
/// of the executor's session) and where it is in its stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The statement's number in the session.
    pub index: usize,
    /// Its extent in the stream (lines and columns from 1).
    pub span: Span,
}

/// Progress of a run, as it happens.
#[derive(Debug)]
pub enum Event<'a> {
    /// A statement is complete and starts running.
    Started(Statement),
    /// A statement ran to its end.
    Finished(Statement),
    /// Dry run: a statement is complete, and it parsed and resolved without error.
    Checked(Statement),
    /// A statement (or the stream) failed.
    Failed(&'a StreamError),
}

/// What went wrong in a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamErrorKind {
    /// A statement does not parse.
    Syntax,
    /// The stream ended inside a statement.
    EndOfStream,
    /// A statement parsed but has a static error (undefined name, forbidden construct).
    Static,
    /// A statement failed while running (including exceeded limits and cancellation:
    /// see [`StreamError::runtime`]).
    Runtime,
    /// The stream's source failed.
    Input,
}

/// An error of a run, with its position in the stream and a rendering with snippets.
pub struct StreamError(Box<ErrorData>);

struct ErrorData {
    kind: StreamErrorKind,
    message: String,
    file: String,
    pos: Option<Pos>,
    statement: Option<usize>,
    rendered: String,
    runtime: Option<Error>,
    input: Option<Arc<InputError>>,
}

impl StreamError {
    /// What kind of error this is.
    pub fn kind(&self) -> StreamErrorKind {
        self.0.kind
    }

    /// The message, without position.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The stream (file name) the error is in.
    pub fn file(&self) -> &str {
        &self.0.file
    }

    /// Where in the stream (line and column from 1), when the error has a place.
    pub fn position(&self) -> Option<Pos> {
        self.0.pos
    }

    /// The number of the statement that failed, if a statement did.
    pub fn statement(&self) -> Option<usize> {
        self.0.statement
    }

    /// The error with snippets (and, for a runtime error, its backtrace).
    pub fn rendered(&self) -> &str {
        &self.0.rendered
    }

    /// The runtime error, with its kind (e.g. [`ErrorKind::Limit`],
    /// [`ErrorKind::Cancelled`]) and backtrace.
    pub fn runtime(&self) -> Option<&Error> {
        self.0.runtime.as_ref()
    }

    /// Whether execution was stopped by a limit or cancelled.
    pub fn is_limit(&self) -> bool {
        self.0
            .runtime
            .as_ref()
            .is_some_and(|e| matches!(e.kind(), ErrorKind::Limit | ErrorKind::Cancelled))
    }
}

impl Clone for StreamError {
    fn clone(&self) -> Self {
        StreamError(Box::new(ErrorData {
            kind: self.0.kind,
            message: self.0.message.clone(),
            file: self.0.file.clone(),
            pos: self.0.pos,
            statement: self.0.statement,
            rendered: self.0.rendered.clone(),
            runtime: self.0.runtime.as_ref().map(Error::duplicate),
            input: self.0.input.clone(),
        }))
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.pos {
            Some(p) => write!(
                f,
                "{}:{}:{}: {}",
                self.0.file, p.line, p.col, self.0.message
            ),
            None => write!(f, "{}: {}", self.0.file, self.0.message),
        }
    }
}

impl fmt::Debug for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StreamError({:?}, {self})", self.0.kind)
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .input
            .as_deref()
            .map(|e| &**e as &(dyn std::error::Error + 'static))
    }
}

/// The outcome of a run that was not stopped by an error.
#[derive(Debug, Default)]
pub struct Report {
    /// Statements completed in this run (run, or checked in a dry run).
    pub completed: usize,
    /// Errors of failed statements ([`OnError::KeepGoing`]; empty otherwise).
    pub errors: Vec<StreamError>,
}

impl Report {
    /// Whether every statement succeeded.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

type EventSink = Box<dyn FnMut(&Event<'_>)>;

/// Configures an [`Executor`].
pub struct ExecutorBuilder {
    name: String,
    predeclared: Predeclared,
    dialect: Dialect,
    limits: Limits,
    timeout: Option<Duration>,
    max_depth: Option<usize>,
    interpreter: Option<(Interpreter, String, String, Option<HostContext>)>,
    print: Option<crate::thread::PrintSink>,
    events: Option<EventSink>,
    dry_run: bool,
    on_error: OnError,
    color: bool,
}

impl ExecutorBuilder {
    /// The name of the stream in messages (`<stream>` by default; a session's later
    /// streams get `<stream>#2`, `<stream>#3`, ...).
    pub fn name(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }

    /// Predeclares a name.
    pub fn predeclare(mut self, name: &str, value: impl IntoValue) -> Self {
        self.predeclared.insert(name, value.into_value());
        self
    }

    /// Predeclares every name of `names`.
    pub fn predeclared(mut self, names: &Predeclared) -> Self {
        for (k, v) in names.iter() {
            self.predeclared.insert(k, v.clone());
        }
        self
    }

    /// Predeclares a native module under its name.
    pub fn module(self, module: NativeModule) -> Self {
        let name = module.name().to_string();
        self.predeclare(&name, module)
    }

    /// The dialect (optional features, forbidden constructs).
    pub fn dialect(mut self, dialect: Dialect) -> Self {
        self.dialect = dialect;
        self
    }

    /// Limits on steps, the deadline and cancellation, for each run. A deadline here
    /// is absolute; prefer [`ExecutorBuilder::timeout`], which starts with each run.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Each run must end within `d` (including time spent waiting for the stream
    /// and for async builtins).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// The deepest nesting of Starlark calls.
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = Some(depth);
        self
    }

    /// Runs the stream as a script of `interp`'s package `pkg` at `path`: `load` and
    /// `exec` go through the interpreter, and the module sees the names every module
    /// of the interpreter sees (its predeclared names and `builtins.star`'s exports).
    pub fn interpreter(
        mut self,
        interp: Interpreter,
        pkg: &str,
        path: &str,
        ctx: Option<HostContext>,
    ) -> Self {
        self.interpreter = Some((interp, pkg.to_string(), path.to_string(), ctx));
        self
    }

    /// Where `print` output goes, as it happens (standard output by default).
    pub fn print(mut self, sink: impl FnMut(&str) + 'static) -> Self {
        self.print = Some(Box::new(sink));
        self
    }

    /// Receives progress events as they happen.
    pub fn events(mut self, sink: impl FnMut(&Event<'_>) + 'static) -> Self {
        self.events = Some(Box::new(sink));
        self
    }

    /// Dry run: parse and resolve each statement, run nothing.
    pub fn dry_run(mut self, on: bool) -> Self {
        self.dry_run = on;
        self
    }

    /// What to do after a failed statement.
    pub fn on_error(mut self, policy: OnError) -> Self {
        self.on_error = policy;
        self
    }

    /// Renders errors with ANSI colours.
    pub fn color(mut self, on: bool) -> Self {
        self.color = on;
        self
    }

    /// Makes the executor. Fails only when the interpreter cannot initialise (its
    /// `builtins.star` fails).
    pub fn build(self) -> Result<Executor, Error> {
        let (mut thread, mut predeclared, interpreter) = match self.interpreter {
            Some((interp, pkg, path, ctx)) => {
                let (thread, env) = interp.script(&pkg, &path, ctx)?;
                (thread, env, Some(interp))
            }
            None => (Thread::new(&self.name), Predeclared::new(), None),
        };
        for (k, v) in self.predeclared.iter() {
            predeclared.insert(k, v.clone());
        }
        if let Some(p) = self.print {
            thread.set_print(p);
        }
        if let Some(d) = self.max_depth {
            thread.set_max_depth(d);
        }
        thread.set_cooperative(true);
        let module = Module::new(&self.name, predeclared, self.dialect.clone());
        Ok(Executor {
            module,
            thread,
            name: self.name,
            dialect: self.dialect,
            runs: 0,
            next_index: 0,
            limits: self.limits,
            timeout: self.timeout,
            events: self.events,
            dry_run: self.dry_run,
            on_error: self.on_error,
            color: self.color,
            stack: None,
            sources: HashMap::new(),
            interpreter,
        })
    }
}

/// Runs streams of program text statement by statement (see the module documentation).
///
/// Dropping a run's future cancels it: the statement being run is unwound, its effects
/// so far are kept, and the executor is ready for the next stream. After a panic that
/// escapes a run (from host code outside a builtin; a builtin's panic is an error) the
/// executor is likewise consistent and may be used again.
pub struct Executor {
    module: Module,
    thread: Thread,
    name: String,
    dialect: Dialect,
    runs: usize,
    next_index: usize,
    limits: Limits,
    timeout: Option<Duration>,
    events: Option<EventSink>,
    dry_run: bool,
    on_error: OnError,
    color: bool,
    /// The fiber stack, reused from statement to statement.
    stack: Option<DefaultStack>,
    /// The text of each stream run so far, for snippets.
    sources: HashMap<String, Arc<str>>,
    interpreter: Option<Interpreter>,
}

impl Executor {
    /// Starts configuring an executor: no predeclared names, the standard dialect, no
    /// limits, output to standard output.
    pub fn builder() -> ExecutorBuilder {
        ExecutorBuilder {
            name: "<stream>".to_string(),
            predeclared: Predeclared::new(),
            dialect: Dialect::standard(),
            limits: Limits::none(),
            timeout: None,
            max_depth: None,
            interpreter: None,
            print: None,
            events: None,
            dry_run: false,
            on_error: OnError::Stop,
            color: false,
        }
    }

    /// Runs a stream of text chunks to its end (or to the first error, under
    /// [`OnError::Stop`]). Each statement runs as soon as it is complete. The module's
    /// globals persist: a later run continues the same session.
    pub async fn run<S>(&mut self, stream: S) -> Result<Report, StreamError>
    where
        S: Stream,
        S::Item: Chunk,
    {
        let mut stream = pin!(stream);
        let mut run = self.begin();
        loop {
            let item = poll_fn(|cx| stream.as_mut().poll_next(cx));
            let item = match run.deadline {
                Some(d) => match tokio::time::timeout_at(d.into(), item).await {
                    Ok(item) => item,
                    Err(_) => {
                        let e = self.runtime_error(&run, deadline_exceeded(), None);
                        return Err(self.fail_run(e));
                    }
                },
                None => item.await,
            };
            match item {
                Some(chunk) => match chunk.into_bytes() {
                    Ok(bytes) => {
                        let bytes = bytes.as_ref();
                        run.text.extend_from_slice(bytes);
                        run.parser.push(bytes, &mut run.ready);
                        self.run_ready(&mut run).await?;
                    }
                    Err(e) => {
                        let e = self.input_error(&run, e);
                        return Err(self.fail_run(e));
                    }
                },
                None => break,
            }
        }
        let truncated = run.parser.has_pending();
        run.parser.finish(&mut run.ready);
        if truncated {
            // Where the text stops, ignoring trailing blanks: tokens the scanner made
            // up at the end (a newline, outdents, end of file) are there or after.
            let end = run
                .text
                .iter()
                .rposition(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c'))
                .map_or(0, |i| i + 1);
            for r in run.ready.iter_mut() {
                if let Err(e) = r {
                    end_of_stream(e, end);
                }
            }
        }
        self.run_ready(&mut run).await?;
        if let Err(e) = self.module.finish_stream() {
            self.note_source(&mut run);
            let e = self.exec_error(&run, e, None);
            self.failed(&mut run, e)?;
        }
        self.note_source(&mut run);
        Ok(run.report)
    }

    /// Runs a program read from `reader` as it arrives (see [`Executor::run`]).
    pub async fn run_reader<R: AsyncRead>(&mut self, reader: R) -> Result<Report, StreamError> {
        self.run(ReaderChunks {
            reader,
            buf: vec![0; 8 << 10],
            done: false,
        })
        .await
    }

    /// Runs a whole text as a stream of one chunk.
    pub async fn run_text(&mut self, text: &str) -> Result<Report, StreamError> {
        self.run(Once(Some(text))).await
    }

    /// The value of a global, if bound.
    pub fn get(&self, name: &str) -> Option<Value> {
        self.module.get(name)
    }

    /// The bound globals with their values, in order of first binding.
    pub fn globals(&self) -> Vec<(String, Value)> {
        self.module
            .names()
            .into_iter()
            .filter_map(|n| self.module.get(&n).map(|v| (n, v)))
            .collect()
    }

    /// The module the streams run in.
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// The thread the statements run on (for host data).
    pub fn thread_mut(&mut self) -> &mut Thread {
        &mut self.thread
    }

    /// Switches dry-run mode for the next runs.
    pub fn set_dry_run(&mut self, on: bool) {
        self.dry_run = on;
    }

    /// Sets the error policy for the next runs.
    pub fn set_on_error(&mut self, policy: OnError) {
        self.on_error = policy;
    }

    /// Sets the limits for the next runs.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// Renders a runtime error raised by code of this executor's streams.
    pub fn render_error(&self, e: &Error) -> String {
        let interp_sources = |file: &str| -> Option<Arc<str>> {
            self.sources.get(file).cloned().or_else(|| {
                let i = self.interpreter.as_ref()?;
                i.source_of(file)
            })
        };
        render_runtime_with(e, interp_sources, self.color)
    }

    fn begin(&mut self) -> Run {
        self.runs += 1;
        let file = match self.runs {
            1 => self.name.clone(),
            n => format!("{}#{n}", self.name),
        };
        self.module.set_file(&file);
        let mut limits = self.limits.clone();
        let deadline = self.timeout.map(|t| Instant::now() + t);
        if deadline.is_some() {
            limits.deadline = deadline;
        }
        let deadline = limits.deadline;
        let cancel = limits.cancel.clone();
        self.thread.set_limits(limits);
        Run {
            file,
            parser: StreamParser::new(self.dialect.scan_options()),
            text: Vec::new(),
            noted: 0,
            ready: Vec::new(),
            report: Report::default(),
            deadline,
            cancel,
        }
    }

    /// Runs the statements completed so far.
    async fn run_ready(&mut self, run: &mut Run) -> Result<(), StreamError> {
        let ready = std::mem::take(&mut run.ready);
        for item in ready {
            let index = self.next_index;
            self.next_index += 1;
            let stmt = match item {
                Ok(stmt) => stmt,
                Err(e) => {
                    self.note_source(run);
                    let e = self.syntax_error(run, e, index);
                    self.failed(run, e)?;
                    continue;
                }
            };
            let statement = Statement {
                index,
                span: stmt.span,
            };
            if let Some(token) = &run.cancel {
                if token.is_cancelled() {
                    self.note_source(run);
                    let e = self.runtime_error(run, cancelled(), Some(statement));
                    return Err(self.fail_run(e));
                }
            }
            let result = if self.dry_run {
                self.module.exec_stmt(&mut self.thread, stmt, false)
            } else {
                self.emit(&Event::Started(statement));
                let Executor {
                    module,
                    thread,
                    stack,
                    ..
                } = self;
                let watch = Watch {
                    deadline: run.deadline,
                    cancel: run.cancel.clone(),
                    sleep: None,
                };
                Fiber::new(stack, watch, move || module.exec_stmt(thread, stmt, true)).await
            };
            match result {
                Ok(()) => {
                    run.report.completed += 1;
                    let ev = if self.dry_run {
                        Event::Checked(statement)
                    } else {
                        Event::Finished(statement)
                    };
                    self.emit(&ev);
                }
                Err(e) => {
                    self.note_source(run);
                    let e = self.exec_error(run, e, Some(statement));
                    self.failed(run, e)?;
                }
            }
        }
        Ok(())
    }

    fn emit(&mut self, e: &Event<'_>) {
        if let Some(sink) = &mut self.events {
            sink(e);
        }
    }

    /// Reports a failed statement: under `Stop`, ends the run with it.
    fn failed(&mut self, run: &mut Run, e: StreamError) -> Result<(), StreamError> {
        self.emit(&Event::Failed(&e));
        match self.on_error {
            OnError::Stop => Err(e),
            OnError::KeepGoing => {
                run.report.errors.push(e);
                Ok(())
            }
        }
    }

    /// Ends the run with an error that no policy skips (input, deadline, cancel).
    fn fail_run(&mut self, e: StreamError) -> StreamError {
        self.emit(&Event::Failed(&e));
        e
    }

    /// Records the text received so far, for rendering snippets.
    fn note_source(&mut self, run: &mut Run) {
        if run.noted == run.text.len() && self.sources.contains_key(&run.file) {
            return;
        }
        run.noted = run.text.len();
        let text: Arc<str> = String::from_utf8_lossy(&run.text).into();
        self.sources.insert(run.file.clone(), text);
    }

    fn source(&self, run: &Run) -> Arc<str> {
        self.sources.get(&run.file).cloned().unwrap_or_default()
    }

    fn syntax_error(&self, run: &Run, e: SyntaxError, index: usize) -> StreamError {
        let kind = if e.msg.starts_with(END_OF_STREAM) {
            StreamErrorKind::EndOfStream
        } else {
            StreamErrorKind::Syntax
        };
        let d = Diagnostic::syntax(&run.file, e);
        self.diagnostic_error(run, kind, vec![d], Some(index))
    }

    fn diagnostic_error(
        &self,
        run: &Run,
        kind: StreamErrorKind,
        ds: Vec<Diagnostic>,
        statement: Option<usize>,
    ) -> StreamError {
        let source = self.source(run);
        let rendered = ds.iter().map(|d| render(d, &source, self.color)).collect();
        let first = &ds[0];
        StreamError(Box::new(ErrorData {
            kind,
            message: first.message.clone(),
            file: first.file.clone(),
            pos: Some(first.span.start),
            statement,
            rendered,
            runtime: None,
            input: None,
        }))
    }

    fn exec_error(&self, run: &Run, e: ExecError, statement: Option<Statement>) -> StreamError {
        match e {
            ExecError::Static(ds) => {
                self.diagnostic_error(run, StreamErrorKind::Static, ds, statement.map(|s| s.index))
            }
            ExecError::Runtime(e) => self.runtime_error(run, e, statement),
        }
    }

    fn runtime_error(&self, run: &Run, e: Error, statement: Option<Statement>) -> StreamError {
        let frame = e.backtrace().first().cloned();
        let (file, pos) = match (&frame, statement) {
            (Some(f), _) => (f.file.clone(), Some(f.span.start)),
            (None, Some(s)) => (run.file.clone(), Some(s.span.start)),
            (None, None) => (run.file.clone(), None),
        };
        let rendered = if frame.is_some() {
            self.render_error(&e)
        } else {
            format!("error: {}\n", e.message())
        };
        StreamError(Box::new(ErrorData {
            kind: StreamErrorKind::Runtime,
            message: e.message().to_string(),
            file,
            pos,
            statement: statement.map(|s| s.index),
            rendered,
            runtime: Some(e),
            input: None,
        }))
    }

    fn input_error(&mut self, run: &Run, e: InputError) -> StreamError {
        let message = format!("reading the stream: {e}");
        StreamError(Box::new(ErrorData {
            kind: StreamErrorKind::Input,
            rendered: format!("error: {message}\n"),
            message,
            file: run.file.clone(),
            pos: None,
            statement: None,
            runtime: None,
            input: Some(Arc::new(e)),
        }))
    }
}

/// The state of one run.
struct Run {
    file: String,
    parser: StreamParser,
    /// The text received, for snippets.
    text: Vec<u8>,
    /// How much of `text` was last recorded in the executor's sources.
    noted: usize,
    /// Statements completed and not yet run.
    ready: Vec<Result<Stmt, SyntaxError>>,
    report: Report,
    deadline: Option<Instant>,
    cancel: Option<CancelToken>,
}

const END_OF_STREAM: &str = "unexpected end of stream";

/// Rewords a syntax error caused by the end of the input as an end-of-stream error:
/// the end of file itself, or a newline or outdent the scanner made up at the end
/// (`end` is where the text stops, trailing blanks aside), or a line continuation that
/// nothing continues.
fn end_of_stream(e: &mut SyntaxError, end: usize) {
    let at_end = e.span.start.offset as usize >= end;
    let made_up = [
        "got end of file, ",
        "got newline, ",
        "got outdent, ",
        "got indent, ",
    ];
    let msg = if let Some(rest) = e.msg.strip_prefix("unexpected EOF") {
        format!("{END_OF_STREAM}{rest}")
    } else if let Some(rest) = made_up
        .iter()
        .filter(|p| at_end || p.starts_with("got end of file"))
        .find_map(|p| e.msg.strip_prefix(p))
    {
        format!("{END_OF_STREAM}, {rest}")
    } else if e.msg == "stray backslash in program" && e.span.start.offset as usize + 1 == end {
        format!("{END_OF_STREAM} after a line continuation ('\\')")
    } else {
        return;
    };
    e.msg = msg;
}

/// Ends a fiber's wait for an async builtin at the deadline or on cancellation.
struct Watch {
    deadline: Option<Instant>,
    cancel: Option<CancelToken>,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Interrupt for Watch {
    fn check(&mut self, cx: &mut Context<'_>) -> Option<Error> {
        if let Some(token) = &self.cancel {
            if token.is_cancelled() {
                return Some(cancelled());
            }
            token.wake_on_cancel(cx.waker());
        }
        if let Some(d) = self.deadline {
            let sleep = self
                .sleep
                .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(d.into())));
            if sleep.as_mut().poll(cx).is_ready() {
                return Some(deadline_exceeded());
            }
        }
        None
    }
}

/// A stream of the chunks read from an `AsyncRead`.
struct ReaderChunks<R> {
    reader: R,
    buf: Vec<u8>,
    done: bool,
}

impl<R: AsyncRead> Stream for ReaderChunks<R> {
    type Item = std::io::Result<Vec<u8>>;

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        // SAFETY: `reader` is never moved out of the pinned struct; the other fields
        // are not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        if this.done {
            return Poll::Ready(None);
        }
        // SAFETY: structural pinning of `reader`: it is never moved out of the struct,
        // which is itself pinned (see above).
        let reader = unsafe { Pin::new_unchecked(&mut this.reader) };
        let mut buf = ReadBuf::new(&mut this.buf);
        match reader.poll_read(cx, &mut buf) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => {
                this.done = true;
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(Ok(())) if buf.filled().is_empty() => {
                this.done = true;
                Poll::Ready(None)
            }
            Poll::Ready(Ok(())) => Poll::Ready(Some(Ok(buf.filled().to_vec()))),
        }
    }
}

/// A stream of one chunk.
struct Once<T>(Option<T>);

impl<T: Unpin> Stream for Once<T> {
    type Item = T;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> std::task::Poll<Option<T>> {
        std::task::Poll::Ready(self.0.take())
    }
}

#[cfg(test)]
mod tests;

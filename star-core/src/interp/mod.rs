//! The interpreter: programs made of many modules in several packages, with `load`,
//! `exec`, a standard library and host hooks.
//!
//! A *package* is a set of files under one root, known by an alias and served by a
//! [`Loader`]; a *module* is one file of it, named by a [`ModuleKey`]. `__main__` is
//! the user's package and `stdlib` the standard library's.
//!
//! - `load("ref", ...)` runs a *library-like* module once per interpreter and shares
//!   its frozen globals with every later load, on any thread. A module being loaded
//!   by another execution is waited for, not run twice. A load cycle is an error that
//!   names the cycle.
//! - `exec("ref")` runs a *script-like* module for its side effects, at most once, and
//!   returns its globals as a dict. A module is either loaded or exec'd, never both,
//!   and library modules may not call `exec`.
//! - `@stdlib//builtins.star`, if the `stdlib` package has it, is loaded first; its
//!   exported names join the predeclared names of every other module (not of the
//!   modules it loads itself).
//!
//! Every load and exec runs on a [`Thread`] of its own, whose [`ThreadKind`], current
//! module and host [`Context`] builtins can read ([`thread_kind`], [`thread_module`],
//! [`context`]). An [`Interpreter`] is cheap to clone and can be used from several OS
//! threads at once.

mod key;
mod loader;

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use indexmap::IndexMap;

pub use key::{ModuleKey, MAIN_PACKAGE, STDLIB_PACKAGE};
pub use loader::{FsLoader, LoadError, Loader, MemoryLoader, Source};

use crate::dialect::Dialect;
use crate::error::{Error, ErrorKind, Frame, Result};
use crate::eval::{render_runtime_with, ExecError, FrozenModule, Module, Predeclared};
use crate::star_builtin;
use crate::thread::Thread;
use crate::value::{Dict, FrozenValue, Value};

/// Host data for one run (a request, a cancellation token, ...), given to
/// [`Interpreter::load_module`] or [`Interpreter::exec_module`] and readable by every
/// builtin that run calls, with [`context`].
pub type Context = Arc<dyn Any + Send + Sync>;

/// What a thread made by the interpreter is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThreadKind {
    /// Not running a module: a thread from [`Interpreter::thread`] (host callbacks).
    Unknown,
    /// Running a library-like module for a `load` (or [`Interpreter::load_module`]).
    Loading,
    /// Running a script-like module for an `exec` (or [`Interpreter::exec_module`]).
    Execing,
}

type Logger = Arc<dyn Fn(&str, u32, &str) + Send + Sync>;
type ThreadModifier = Arc<dyn Fn(&mut Thread) + Send + Sync>;
type ExecHook = Arc<dyn Fn(&mut Thread, &ModuleKey) + Send + Sync>;

/// Configures an [`Interpreter`].
pub struct InterpreterBuilder {
    predeclared: IndexMap<String, FrozenValue>,
    packages: HashMap<String, Arc<dyn Loader>>,
    logger: Option<Logger>,
    thread_modifier: Option<ThreadModifier>,
    pre_exec: Option<ExecHook>,
    post_exec: Option<ExecHook>,
    dialect: Dialect,
    parallel_loads: bool,
}

impl InterpreterBuilder {
    /// Makes `name` a predeclared global of every module, `@stdlib` included. The
    /// value is frozen (it is shared by every module and thread).
    pub fn predeclare(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.predeclared
            .insert(name.to_string(), value.into().into_frozen());
        self
    }

    /// Mounts a package under `alias`.
    pub fn package(mut self, alias: &str, loader: impl Loader + 'static) -> Self {
        self.packages.insert(alias.to_string(), Arc::new(loader));
        self
    }

    /// Receives what `print` prints, with the file and line of the call (default:
    /// standard error, as `[file:line] message`).
    pub fn logger(mut self, f: impl Fn(&str, u32, &str) + Send + Sync + 'static) -> Self {
        self.logger = Some(Arc::new(f));
        self
    }

    /// Called on every thread the interpreter makes, last (to attach host data).
    pub fn thread_modifier(mut self, f: impl Fn(&mut Thread) + Send + Sync + 'static) -> Self {
        self.thread_modifier = Some(Arc::new(f));
        self
    }

    /// Called before every exec, on the thread that will run the script.
    pub fn pre_exec(mut self, f: impl Fn(&mut Thread, &ModuleKey) + Send + Sync + 'static) -> Self {
        self.pre_exec = Some(Arc::new(f));
        self
    }

    /// Called after every exec, even a failed one (hooks nest like the execs).
    pub fn post_exec(
        mut self,
        f: impl Fn(&mut Thread, &ModuleKey) + Send + Sync + 'static,
    ) -> Self {
        self.post_exec = Some(Arc::new(f));
        self
    }

    /// The dialect every module is run with (default: standard).
    pub fn dialect(mut self, dialect: Dialect) -> Self {
        self.dialect = dialect;
        self
    }

    /// Whether a module's `load` statements may be run in parallel, each on an OS
    /// thread of its own, before the module runs (default: off).
    pub fn parallel_loads(mut self, on: bool) -> Self {
        self.parallel_loads = on;
        self
    }

    /// The interpreter.
    pub fn build(self) -> Interpreter {
        Interpreter {
            shared: Arc::new(Shared {
                predeclared: self.predeclared,
                packages: self.packages,
                logger: self.logger,
                thread_modifier: self.thread_modifier,
                pre_exec: self.pre_exec,
                post_exec: self.post_exec,
                dialect: self.dialect,
                parallel_loads: self.parallel_loads,
                state: Mutex::new(State::default()),
                changed: Condvar::new(),
                next_task: AtomicU64::new(1),
            }),
        }
    }
}

/// Runs programs made of many modules (see the module documentation).
#[derive(Clone)]
pub struct Interpreter {
    shared: Arc<Shared>,
}

struct Shared {
    predeclared: IndexMap<String, FrozenValue>,
    packages: HashMap<String, Arc<dyn Loader>>,
    logger: Option<Logger>,
    thread_modifier: Option<ThreadModifier>,
    pre_exec: Option<ExecHook>,
    post_exec: Option<ExecHook>,
    dialect: Dialect,
    parallel_loads: bool,
    state: Mutex<State>,
    /// Signalled when a library finishes loading or initialisation ends.
    changed: Condvar,
    next_task: AtomicU64,
}

#[derive(Default)]
struct State {
    init: Init,
    /// The exported globals of `@stdlib//builtins.star`.
    builtins: Vec<(String, FrozenValue)>,
    libs: HashMap<ModuleKey, Lib>,
    execed: HashSet<ModuleKey>,
    visited: Vec<ModuleKey>,
    seen: HashSet<ModuleKey>,
    /// Sources of the modules run so far, by the name errors show, for rendering.
    sources: HashMap<String, Arc<str>>,
    /// For each waiting task, what it waits for (to find deadlocks).
    waits: HashMap<u64, Wait>,
}

#[derive(Default)]
enum Init {
    #[default]
    NotStarted,
    Running,
    Done(Option<Error>),
}

/// What a task waits for.
enum Wait {
    /// A library another task is loading (whichever task that is when looked at: the
    /// record can outlive the load by the time the waiter wakes).
    Module(ModuleKey),
    /// Tasks loading a module's `load`s in parallel.
    Tasks(Vec<u64>),
}

enum Lib {
    /// Being loaded by the task.
    Loading(u64),
    Done(Result<Arc<FrozenModule>>),
}

/// What the interpreter records on each thread it makes.
struct ThreadInfo {
    interp: Interpreter,
    kind: ThreadKind,
    module: Option<ModuleKey>,
    ctx: Option<Context>,
    /// The task (one chain of nested loads on one OS thread) the thread belongs to.
    task: u64,
    /// The modules being loaded or exec'd around this one, outermost first, this one
    /// last.
    chain: Vec<ModuleKey>,
    /// Whether this module is `@stdlib//builtins.star` or loaded by it.
    in_builtins: bool,
}

/// Where a module is run from.
#[derive(Clone)]
struct Origin {
    ctx: Option<Context>,
    task: u64,
    chain: Vec<ModuleKey>,
    in_builtins: bool,
}

fn cached(r: &Result<Arc<FrozenModule>>) -> Result<Arc<FrozenModule>> {
    match r {
        Ok(m) => Ok(m.clone()),
        Err(e) => Err(e.duplicate()),
    }
}

fn module_error(msg: String) -> Error {
    Error::new(ErrorKind::Module, msg)
}

fn cycle_error(chain: &[ModuleKey], key: &ModuleKey) -> Error {
    let start = chain.iter().position(|k| k == key).unwrap_or(0);
    let mut names: Vec<String> = chain[start..].iter().map(|k| k.to_string()).collect();
    names.push(key.to_string());
    module_error(format!("cycle in load graph: {}", names.join(" -> ")))
}

/// The error of a module that failed to run; static errors keep their position.
fn exec_failure(e: ExecError) -> Error {
    match e {
        ExecError::Runtime(e) => e,
        ExecError::Static(ds) => {
            let Some(d) = ds.first() else {
                return Error::new(ErrorKind::Syntax, "invalid module");
            };
            let more = match ds.len() {
                1 => String::new(),
                2 => " (and 1 more error)".to_string(),
                n => format!(" (and {} more errors)", n - 1),
            };
            let mut err = Error::new(ErrorKind::Syntax, format!("{}{more}", d.message));
            err.push_frame(Frame {
                function: "<toplevel>".to_string(),
                file: d.file.clone(),
                span: d.span,
            });
            err
        }
    }
}

/// Marks a library as failed if its loading unwinds (a panic), so that waiters wake.
struct LoadingGuard<'a> {
    interp: &'a Interpreter,
    key: &'a ModuleKey,
    armed: bool,
}

impl Drop for LoadingGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            let mut st = self.interp.lock();
            st.libs.insert(
                self.key.clone(),
                Lib::Done(Err(module_error(format!("loading {} panicked", self.key)))),
            );
            self.interp.shared.changed.notify_all();
        }
    }
}

impl Interpreter {
    /// A builder with no packages and no predeclared names.
    pub fn builder() -> InterpreterBuilder {
        InterpreterBuilder {
            predeclared: IndexMap::new(),
            packages: HashMap::new(),
            logger: None,
            thread_modifier: None,
            pre_exec: None,
            post_exec: None,
            dialect: Dialect::standard(),
            parallel_loads: false,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves the state consistent (every update is
        // a single insert), so a poisoned lock is still usable.
        self.shared.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn new_task(&self) -> u64 {
        self.shared.next_task.fetch_add(1, Ordering::Relaxed)
    }

    /// Loads `@stdlib//builtins.star` if the `stdlib` package has it. Called by
    /// [`Interpreter::load_module`] and [`Interpreter::exec_module`] when needed; runs
    /// once (a failure is reported again on every later call).
    pub fn init(&self) -> Result<()> {
        let mut st = self.lock();
        loop {
            match &st.init {
                Init::Done(None) => return Ok(()),
                Init::Done(Some(e)) => return Err(e.duplicate()),
                Init::Running => {
                    st = self
                        .shared
                        .changed
                        .wait(st)
                        .unwrap_or_else(|p| p.into_inner())
                }
                Init::NotStarted => break,
            }
        }
        st.init = Init::Running;
        drop(st);
        let result = self.load_builtins();
        let mut st = self.lock();
        let failure = match result {
            Ok(exports) => {
                st.builtins = exports;
                None
            }
            Err(e) => Some(e),
        };
        let r = match &failure {
            None => Ok(()),
            Some(e) => Err(e.duplicate()),
        };
        st.init = Init::Done(failure);
        self.shared.changed.notify_all();
        r
    }

    fn load_builtins(&self) -> Result<Vec<(String, FrozenValue)>> {
        if !self.shared.packages.contains_key(STDLIB_PACKAGE) {
            return Ok(Vec::new());
        }
        let key = ModuleKey::new(STDLIB_PACKAGE, "builtins.star")?;
        let origin = self.origin(None, true);
        match self.load_key(&key, &origin) {
            Ok(m) => Ok(m
                .exports()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect()),
            Err(e) if e.kind() == ErrorKind::NoModule && e.backtrace().is_empty() => Ok(Vec::new()),
            Err(e) => Err(e.with_prefix(&format!("cannot load {key}: "))),
        }
    }

    /// Loads module `path` of package `pkg` as a library (once per interpreter; later
    /// calls return the same module) and returns its frozen globals.
    pub fn load_module(
        &self,
        pkg: &str,
        path: &str,
        ctx: Option<Context>,
    ) -> Result<Arc<FrozenModule>> {
        let (key, origin) = self.host_call(pkg, path, ctx)?;
        self.load_key(&key, &origin)
    }

    /// Runs module `path` of package `pkg` as a script (at most once per interpreter)
    /// and returns its globals.
    pub fn exec_module(
        &self,
        pkg: &str,
        path: &str,
        ctx: Option<Context>,
    ) -> Result<Arc<FrozenModule>> {
        let (key, origin) = self.host_call(pkg, path, ctx)?;
        self.exec_key(&key, &origin)
    }

    /// What a module that the host runs piece by piece (a stream, a notebook's cells)
    /// needs from the interpreter: a thread whose `load`s and `exec`s go through it,
    /// relative to `path` in package `pkg` (the module counts as a script there), and
    /// the names every module predeclares (the host's and `builtins.star`'s exports).
    /// Initialises the interpreter first.
    pub fn script(
        &self,
        pkg: &str,
        path: &str,
        ctx: Option<Context>,
    ) -> Result<(Thread, Predeclared)> {
        let (key, mut origin) = self.host_call(pkg, path, ctx)?;
        origin.chain.push(key.clone());
        let thread = self.new_thread(ThreadKind::Execing, Some(key), &origin);
        Ok((thread, self.environment(false)))
    }

    /// What a host's call starts from: initialisation done, the module's key, and a new
    /// task with no modules around it.
    fn host_call(
        &self,
        pkg: &str,
        path: &str,
        ctx: Option<Context>,
    ) -> Result<(ModuleKey, Origin)> {
        self.init()?;
        let key = ModuleKey::new(pkg, path)?;
        Ok((key, self.origin(ctx, false)))
    }

    /// A new task's origin.
    fn origin(&self, ctx: Option<Context>, in_builtins: bool) -> Origin {
        Origin {
            ctx,
            task: self.new_task(),
            chain: Vec::new(),
            in_builtins,
        }
    }

    /// A thread for calling script functions from the host later (callbacks): its
    /// kind is [`ThreadKind::Unknown`] and it cannot `load` or `exec`.
    pub fn thread(&self, ctx: Option<Context>) -> Thread {
        self.new_thread(ThreadKind::Unknown, None, &self.origin(ctx, false))
    }

    /// The text of a file of a package: `reference` is `@alias//path`, `//path` or a
    /// path relative to the module `thread` is running.
    pub fn load_source(&self, thread: &Thread, reference: &str) -> Result<String> {
        let key = ModuleKey::parse(reference, thread_module(thread))?;
        match self.fetch(&key)? {
            Source::Text(t) => Ok(t.to_string()),
            Source::Native(_) => Err(module_error(format!(
                "{key} is a native module, not a source file"
            ))),
        }
    }

    /// Every module loaded or exec'd so far, successfully or not, in the order they
    /// were first reached.
    pub fn visited(&self) -> Vec<ModuleKey> {
        self.lock().visited.clone()
    }

    /// Renders an error from a module run by this interpreter, with the source line of
    /// its innermost frame (whichever module it is in) and the backtrace.
    pub fn render_error(&self, e: &Error, color: bool) -> String {
        let sources = self.lock().sources.clone();
        render_runtime_with(e, |file| sources.get(file).cloned(), color)
    }

    /// The text of a module run by this interpreter, by the name its frames show.
    pub fn source_of(&self, file: &str) -> Option<Arc<str>> {
        self.lock().sources.get(file).cloned()
    }

    fn visit(st: &mut State, key: &ModuleKey) {
        if !st.seen.contains(key) {
            st.seen.insert(key.clone());
            st.visited.push(key.clone());
        }
    }

    /// The file `key` names, from its package's loader.
    fn fetch(&self, key: &ModuleKey) -> Result<Source> {
        let Some(loader) = self.shared.packages.get(&key.package) else {
            return Err(Error::new(
                ErrorKind::NoPackage,
                format!("no such package: {}", key.package),
            ));
        };
        match loader.load(&key.path) {
            Ok(s) => Ok(s),
            Err(LoadError::NoModule) => Err(Error::new(
                ErrorKind::NoModule,
                format!("no such module: {key}"),
            )),
            Err(LoadError::Other(why)) => Err(Error::new(
                ErrorKind::Host,
                format!("cannot read {key}: {why}"),
            )),
        }
    }

    /// Whether task `from` waits, directly or through others, for task `target`.
    fn waits_for(st: &State, from: u64, target: u64) -> bool {
        let mut stack = vec![from];
        let mut seen = HashSet::new();
        while let Some(t) = stack.pop() {
            if t == target {
                return true;
            }
            if !seen.insert(t) {
                continue;
            }
            match st.waits.get(&t) {
                Some(Wait::Tasks(ts)) => stack.extend(ts),
                // Only a library still being loaded makes its waiter wait.
                Some(Wait::Module(k)) => {
                    if let Some(Lib::Loading(owner)) = st.libs.get(k) {
                        stack.push(*owner);
                    }
                }
                None => {}
            }
        }
        false
    }

    fn load_key(&self, key: &ModuleKey, origin: &Origin) -> Result<Arc<FrozenModule>> {
        if origin.chain.contains(key) {
            return Err(cycle_error(&origin.chain, key));
        }
        let mut st = self.lock();
        Self::visit(&mut st, key);
        if st.execed.contains(key) {
            return Err(module_error(format!(
                "{key} was run by exec, so it cannot be loaded"
            )));
        }
        loop {
            match st.libs.get(key) {
                Some(Lib::Done(r)) => return cached(r),
                Some(Lib::Loading(owner)) => {
                    let owner = *owner;
                    if Self::waits_for(&st, owner, origin.task) {
                        return Err(module_error(format!(
                            "cycle in load graph: {key} is being loaded by a concurrent \
                             execution that waits for this one"
                        )));
                    }
                    st.waits.insert(origin.task, Wait::Module(key.clone()));
                    st = self
                        .shared
                        .changed
                        .wait(st)
                        .unwrap_or_else(|p| p.into_inner());
                    st.waits.remove(&origin.task);
                }
                None => {
                    st.libs.insert(key.clone(), Lib::Loading(origin.task));
                    break;
                }
            }
        }
        drop(st);
        let mut guard = LoadingGuard {
            interp: self,
            key,
            armed: true,
        };
        let result = self.run_library(key, origin);
        guard.armed = false;
        let mut st = self.lock();
        st.libs.insert(key.clone(), Lib::Done(cached(&result)));
        self.shared.changed.notify_all();
        result
    }

    fn run_library(&self, key: &ModuleKey, origin: &Origin) -> Result<Arc<FrozenModule>> {
        let text = match self.fetch(key)? {
            Source::Native(m) => return Ok(m),
            Source::Text(t) => t,
        };
        let (mut thread, mut module) = self.start(key, &text, origin, ThreadKind::Loading);
        module.exec(&mut thread, &text).map_err(exec_failure)?;
        Ok(Arc::new(module.freeze()))
    }

    /// Prepares module `key` to run `text`: its source recorded for error rendering,
    /// its `load`s fetched in parallel if that is on, and its thread and module.
    fn start(
        &self,
        key: &ModuleKey,
        text: &Arc<str>,
        origin: &Origin,
        kind: ThreadKind,
    ) -> (Thread, Module) {
        self.lock().sources.insert(key.to_string(), text.clone());
        let mut chain = origin.chain.clone();
        chain.push(key.clone());
        let inner = Origin {
            chain,
            ..origin.clone()
        };
        if self.shared.parallel_loads {
            self.prefetch(text, key, &inner);
        }
        let thread = self.new_thread(kind, Some(key.clone()), &inner);
        let module = Module::new(
            &key.to_string(),
            self.environment(origin.in_builtins),
            self.shared.dialect.clone(),
        );
        (thread, module)
    }

    /// Loads the modules named by `text`'s `load` statements in parallel, one OS
    /// thread each, so that the statements find them ready. Failures are recorded for
    /// the statements to report.
    fn prefetch(&self, text: &str, key: &ModuleKey, origin: &Origin) {
        let keys: Vec<ModuleKey> = {
            let mut seen = HashSet::new();
            let st = self.lock();
            load_references(text)
                .iter()
                .filter_map(|r| ModuleKey::parse(r, Some(key)).ok())
                .filter(|k| !origin.chain.contains(k) && !st.libs.contains_key(k))
                .filter(|k| seen.insert(k.clone()))
                .collect()
        };
        if keys.len() < 2 {
            return;
        }
        let tasks: Vec<u64> = keys.iter().map(|_| self.new_task()).collect();
        self.lock()
            .waits
            .insert(origin.task, Wait::Tasks(tasks.clone()));
        std::thread::scope(|s| {
            for (k, task) in keys.iter().zip(&tasks) {
                let child = Origin {
                    task: *task,
                    ..origin.clone()
                };
                s.spawn(move || {
                    // The result is cached; the `load` statement reports a failure.
                    let _ = self.load_key(k, &child);
                });
            }
        });
        self.lock().waits.remove(&origin.task);
    }

    fn exec_key(&self, key: &ModuleKey, origin: &Origin) -> Result<Arc<FrozenModule>> {
        if origin.chain.contains(key) {
            return Err(cycle_error(&origin.chain, key));
        }
        {
            let mut st = self.lock();
            Self::visit(&mut st, key);
            match st.libs.get(key) {
                // A load that found no file ran nothing: report what is missing.
                Some(Lib::Done(Err(e)))
                    if matches!(e.kind(), ErrorKind::NoModule | ErrorKind::NoPackage)
                        && e.backtrace().is_empty() =>
                {
                    return Err(e.duplicate());
                }
                Some(_) => {
                    return Err(module_error(format!(
                        "{key} was loaded as a library, so it cannot be run by exec"
                    )))
                }
                None => {}
            }
            if !st.execed.insert(key.clone()) {
                return Err(module_error(format!("{key} was already run by exec")));
            }
        }
        let text = match self.fetch(key) {
            Ok(Source::Text(t)) => t,
            // Nothing ran (no such file, or a native module): the module may still be
            // asked for again, or loaded.
            Ok(Source::Native(_)) => {
                self.lock().execed.remove(key);
                return Err(module_error(format!(
                    "{key} is a native module: it can be loaded, not run by exec"
                )));
            }
            Err(e) => {
                self.lock().execed.remove(key);
                return Err(e);
            }
        };
        let (mut thread, mut module) = self.start(key, &text, origin, ThreadKind::Execing);
        if let Some(hook) = &self.shared.pre_exec {
            hook(&mut thread, key);
        }
        let r = module.exec(&mut thread, &text);
        if let Some(hook) = &self.shared.post_exec {
            hook(&mut thread, key);
        }
        r.map_err(exec_failure)?;
        Ok(Arc::new(module.freeze()))
    }

    /// The predeclared names of a module: the host's, `exec`, and (outside the
    /// builtins' own loads) the exports of `@stdlib//builtins.star`.
    fn environment(&self, in_builtins: bool) -> Predeclared {
        let mut env = Predeclared::new();
        for (k, v) in &self.shared.predeclared {
            env.insert(k, v.value());
        }
        env.insert("exec", Value::Builtin(&exec::BUILTIN));
        if !in_builtins {
            for (k, v) in &self.lock().builtins {
                env.insert(k, v.value());
            }
        }
        env
    }

    fn new_thread(&self, kind: ThreadKind, module: Option<ModuleKey>, origin: &Origin) -> Thread {
        let name = module
            .as_ref()
            .map_or_else(|| "host".to_string(), |k| k.to_string());
        let mut thread = Thread::new(&name);
        let logger = self.shared.logger.clone();
        thread.set_print_at(move |file, line, msg| match &logger {
            Some(f) => f(file, line, msg),
            None => eprintln!("[{file}:{line}] {msg}"),
        });
        if module.is_some() {
            thread.set_loader(|thread, reference| {
                let Some(info) = thread.data::<ThreadInfo>() else {
                    return Err(module_error("this thread cannot load modules".into()));
                };
                let key = ModuleKey::parse(reference, info.module.as_ref())?;
                let origin = Origin {
                    ctx: info.ctx.clone(),
                    task: info.task,
                    chain: info.chain.clone(),
                    in_builtins: info.in_builtins,
                };
                let interp = info.interp.clone();
                interp.load_key(&key, &origin)
            });
        }
        thread.set_data(ThreadInfo {
            interp: self.clone(),
            kind,
            module,
            ctx: origin.ctx.clone(),
            task: origin.task,
            chain: origin.chain.clone(),
            in_builtins: origin.in_builtins,
        });
        if let Some(f) = &self.shared.thread_modifier {
            f(&mut thread);
        }
        thread
    }
}

/// The module references of a source's top-level `load` statements (none if it does
/// not parse: running it reports that).
fn load_references(text: &str) -> Vec<String> {
    use crate::syntax::ast::StmtKind;
    let (module, _) = crate::syntax::parse(text, Default::default());
    module
        .stmts
        .iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Load { module, .. } => Some(module.to_string()),
            _ => None,
        })
        .collect()
}

/// What a thread made by an interpreter is doing ([`ThreadKind::Unknown`] for any
/// other thread).
pub fn thread_kind(thread: &Thread) -> ThreadKind {
    thread
        .data::<ThreadInfo>()
        .map_or(ThreadKind::Unknown, |i| i.kind)
}

/// The module whose load or exec the thread is running (not necessarily the module of
/// the function being called: a function of module B called while loading A sees A).
pub fn thread_module(thread: &Thread) -> Option<&ModuleKey> {
    thread.data::<ThreadInfo>()?.module.as_ref()
}

/// The interpreter that made the thread.
pub fn thread_interpreter(thread: &Thread) -> Option<&Interpreter> {
    thread.data::<ThreadInfo>().map(|i| &i.interp)
}

/// The host context of the run the thread belongs to, if it is a `T`.
pub fn context<T: Any>(thread: &Thread) -> Option<&T> {
    thread.data::<ThreadInfo>()?.ctx.as_deref()?.downcast_ref()
}

/// Runs a script-like module once and returns its globals as a dict. Only modules run
/// by `exec` (or the host's `exec_module`) may call it.
#[star_builtin(signature = (module, /))]
fn exec(thread: &mut Thread, module: &str) -> Result<Value> {
    let Some(info) = thread.data::<ThreadInfo>() else {
        return Err(module_error(
            "only modules run by an interpreter can exec".into(),
        ));
    };
    match info.kind {
        ThreadKind::Execing => {}
        ThreadKind::Loading => {
            return Err(module_error(format!(
                "{} is a library (loaded by load), and libraries cannot exec",
                info.module
                    .as_ref()
                    .map_or(String::new(), |k| k.to_string())
            )))
        }
        ThreadKind::Unknown => {
            return Err(module_error(
                "exec can only be called by a module run by exec".into(),
            ))
        }
    }
    let key = ModuleKey::parse(module, info.module.as_ref())?;
    let origin = Origin {
        ctx: info.ctx.clone(),
        task: info.task,
        chain: info.chain.clone(),
        in_builtins: false,
    };
    let interp = info.interp.clone();
    let m = interp.exec_key(&key, &origin)?;
    let d = Dict::new();
    for name in m.names() {
        if let Some(v) = m.get(name) {
            d.insert(Value::str(name), v)?;
        }
    }
    Ok(Value::Dict(triomphe::Arc::new(d)))
}

/// Compile-time proof that one interpreter can serve executions on several threads.
const _: () = {
    const fn shared<T: Send + Sync>() {}
    shared::<Interpreter>();
    shared::<ModuleKey>();
};

#[cfg(test)]
mod tests;

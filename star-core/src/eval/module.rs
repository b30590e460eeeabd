//! [`Module`]: running a file of Starlark, and [`FrozenModule`], its shareable result.
//!
//! `Module::exec` runs the whole pipeline on a source text: parse, resolve against the
//! host's [`Predeclared`] names and the universe, compile the top level, run it. Static
//! errors (syntax, resolution) are all reported before anything runs; a runtime error
//! stops execution with its backtrace, keeping the effects of what already ran.
//! [`Module::freeze`] ends initialisation: every value the module made is frozen, and
//! the result can be shared between threads.

use std::fmt;
use std::sync::Arc;

use triomphe::Arc as TArc;

use indexmap::IndexMap;

use super::builtins;
use super::compile::{compile_toplevel, Environment};
use super::vm::{self, unbound, ModuleState, ValueCell};
use crate::diagnostics::{render, Diagnostic, Stage};
use crate::dialect::Dialect;
use crate::error::Error;
use crate::resolve::{Names, Resolver, ResolverState};
use crate::syntax;
use crate::thread::Thread;
use crate::value::{FrozenValue, Str, Value};

/// The host's predeclared names and their values.
#[derive(Clone, Default)]
pub struct Predeclared {
    values: IndexMap<String, Value>,
}

impl Predeclared {
    /// No predeclared names (the universe is always available).
    pub fn new() -> Predeclared {
        Predeclared::default()
    }

    /// Adds (or replaces) a name.
    pub fn insert(&mut self, name: &str, value: Value) {
        self.values.insert(name.to_string(), value);
    }

    /// Adds a name, builder style.
    pub fn with(mut self, name: &str, value: Value) -> Predeclared {
        self.insert(name, value);
        self
    }

    /// The value of a name.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// The names and their values, in order of insertion.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// What names mean while compiling a module.
struct Env<'a> {
    predeclared: &'a Predeclared,
}

impl Names for Env<'_> {
    fn is_predeclared(&self, name: &str) -> bool {
        self.predeclared.values.contains_key(name)
    }
    fn is_universal(&self, name: &str) -> bool {
        builtins::universe_lookup(name).is_some()
    }
    fn candidates(&self) -> Vec<&str> {
        let mut v: Vec<&str> = builtins::universe_names();
        v.extend(self.predeclared.values.keys().map(|s| s.as_str()));
        v
    }
}

impl Environment for Env<'_> {
    fn lookup(&self, name: &str) -> Option<Value> {
        self.predeclared
            .get(name)
            .cloned()
            .or_else(|| builtins::universe_lookup(name))
    }
}

/// Why executing a module failed.
#[derive(Debug)]
pub enum ExecError {
    /// Syntax or resolution errors: nothing ran.
    Static(Vec<Diagnostic>),
    /// A runtime error, with its backtrace.
    Runtime(Error),
}

impl ExecError {
    /// The runtime error, if that is what this is.
    pub fn runtime(&self) -> Option<&Error> {
        match self {
            ExecError::Runtime(e) => Some(e),
            ExecError::Static(_) => None,
        }
    }

    /// The first message.
    pub fn message(&self) -> String {
        match self {
            ExecError::Static(d) => d.first().map(|d| d.message.clone()).unwrap_or_default(),
            ExecError::Runtime(e) => e.message().to_string(),
        }
    }

    /// Renders the error with source snippets (the source is the module's text):
    /// static errors one after another; a runtime error at its innermost frame, then
    /// the backtrace, outermost call first.
    pub fn render(&self, source: &str, color: bool) -> String {
        match self {
            ExecError::Static(ds) => ds.iter().map(|d| render(d, source, color)).collect(),
            ExecError::Runtime(e) => render_runtime(e, source, color),
        }
    }
}

/// Renders a runtime error: the diagnostic at the innermost frame, then a backtrace.
pub fn render_runtime(e: &Error, source: &str, color: bool) -> String {
    render_runtime_with(e, |_| Some(source.into()), color)
}

/// Renders a runtime error whose frames may be in several files: `source` gives the
/// text of a file by the name frames show (a frame whose file it does not know is
/// shown without a snippet).
pub fn render_runtime_with(
    e: &Error,
    source: impl Fn(&str) -> Option<Arc<str>>,
    color: bool,
) -> String {
    let frames = e.backtrace();
    let mut out = String::new();
    match frames.first() {
        Some(f) if source(&f.file).is_none() => out.push_str(&format!(
            "error: {}\n --> {}:{}:{}\n",
            e.message(),
            f.file,
            f.span.start.line,
            f.span.start.col
        )),
        Some(f) => {
            let source = source(&f.file).unwrap_or_default();
            let source: &str = &source;
            let d = Diagnostic {
                stage: Stage::Runtime,
                file: f.file.clone(),
                span: f.span,
                message: e.message().to_string(),
            };
            out.push_str(&render(&d, source, color));
        }
        None => out.push_str(&format!("error: {}\n", e.message())),
    }
    if frames.len() > 1 || frames.first().is_some_and(|f| f.function != "<toplevel>") {
        out.push_str("Traceback (most recent call last):\n");
        for f in frames.iter().rev() {
            out.push_str(&format!(
                "  {}:{}:{}: in {}\n",
                f.file, f.span.start.line, f.span.start.col, f.function
            ));
        }
    }
    out
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExecError::Static(ds) => {
                for (i, d) in ds.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{d}")?;
                }
                Ok(())
            }
            ExecError::Runtime(e) => match e.backtrace().first() {
                Some(fr) => write!(
                    f,
                    "{}:{}:{}: {}",
                    fr.file,
                    fr.span.start.line,
                    fr.span.start.col,
                    e.message()
                ),
                None => f.write_str(e.message()),
            },
        }
    }
}

impl std::error::Error for ExecError {}

/// A module being initialised: its globals, and the environment it runs in.
///
/// Dropping a module frees what it made, reference cycles included, except what the
/// host still holds (see `eval/collect.rs`). A module is not `UnwindSafe` by
/// declaration (it may hold host values), but after a panic caught around one of its
/// runs every structure is consistent and using it again is sound: a panic in a
/// builtin is an error anyway (`name: panicked: ...`).
pub struct Module {
    file: Arc<str>,
    dialect: Dialect,
    predeclared: Predeclared,
    state: TArc<ModuleState>,
    local_values: Vec<Value>,
    local_cells: Vec<Option<triomphe::Arc<ValueCell>>>,
    /// What the resolver knows of the module after the last successful `exec`.
    resolver: Option<ResolverState>,
    /// Whether dropping the module collects its cycles (not once `freeze` has handed
    /// them to the `FrozenModule`).
    collect_on_drop: bool,
}

impl Module {
    /// A module named `file` (used in messages) with the host's predeclared names.
    pub fn new(file: &str, predeclared: Predeclared, dialect: Dialect) -> Module {
        let file: Arc<str> = Arc::from(file);
        Module {
            state: TArc::new(ModuleState::new(dialect.recursion)),
            file,
            dialect,
            predeclared,
            local_values: Vec::new(),
            local_cells: Vec::new(),
            resolver: None,
            collect_on_drop: true,
        }
    }

    /// Runs a whole file's source in this module. Calling it again runs more code in the
    /// same module (a REPL's inputs): earlier globals are visible, and an input with
    /// static errors changes nothing.
    pub fn exec(&mut self, thread: &mut Thread, source: &str) -> Result<(), ExecError> {
        self.exec_inner(thread, source, false).map(drop)
    }

    /// Like [`Module::exec`], and returns the value of the last statement if it is an
    /// expression (what a REPL echoes).
    pub fn exec_echo(
        &mut self,
        thread: &mut Thread,
        source: &str,
    ) -> Result<Option<Value>, ExecError> {
        self.exec_inner(thread, source, true)
    }

    fn exec_inner(
        &mut self,
        thread: &mut Thread,
        source: &str,
        echo: bool,
    ) -> Result<Option<Value>, ExecError> {
        let (mut ast, errors) = syntax::parse(source, self.dialect.scan_options());
        if !errors.is_empty() {
            let ds = errors
                .into_iter()
                .map(|e| Diagnostic::syntax(&self.file, e))
                .collect();
            return Err(ExecError::Static(ds));
        }
        let env = Env {
            predeclared: &self.predeclared,
        };
        let mut resolver = match self.resolver.clone() {
            Some(state) => Resolver::resume(&self.dialect, &env, state),
            None => Resolver::new(&self.dialect, &env, &self.file),
        };
        let errors = resolver.resolve_module(&mut ast);
        if !errors.is_empty() {
            return Err(self.resolve_errors(errors));
        }
        self.declare_globals(&resolver.scope)?;
        let echo = echo
            && matches!(ast.stmts.last(), Some(s) if matches!(s.kind, syntax::ast::StmtKind::Expr(_)));
        let code = compile_toplevel(&env, &self.file, &ast.stmts, &ast.locals, echo);
        self.resolver = Some(resolver.save());
        let v = self
            .run_toplevel(thread, &code)
            .map_err(ExecError::Runtime)?;
        Ok(echo.then_some(v))
    }

    /// Resolves one top-level statement of a stream (from
    /// [`StreamParser`](crate::syntax::StreamParser)) against the module as the
    /// statements before it left it, then compiles and runs it unless `run` is false (a
    /// dry run). References from function bodies to globals not bound yet are allowed:
    /// they are checked when the code runs, or by [`Module::finish_stream`].
    ///
    /// A statement with static errors runs nothing; the names it binds stay declared
    /// and unbound, so the statements after it resolve as they would in a whole file.
    pub fn exec_stmt(
        &mut self,
        thread: &mut Thread,
        mut stmt: syntax::ast::Stmt,
        run: bool,
    ) -> Result<(), ExecError> {
        let env = Env {
            predeclared: &self.predeclared,
        };
        let mut resolver = match self.resolver.take() {
            Some(state) => Resolver::resume(&self.dialect, &env, state),
            None => Resolver::new(&self.dialect, &env, &self.file).streaming(),
        };
        let errors = resolver.resolve_stmt(&mut stmt);
        let code = (errors.is_empty() && run).then(|| {
            let stmts = std::slice::from_ref(&stmt);
            compile_toplevel(&env, &self.file, stmts, resolver.module_locals(), false)
        });
        let declared = self.declare_globals(&resolver.scope);
        self.resolver = Some(resolver.save());
        declared?;
        if !errors.is_empty() {
            return Err(self.resolve_errors(errors));
        }
        let Some(code) = code else {
            return Ok(());
        };
        self.run_toplevel(thread, &code)
            .map(drop)
            .map_err(ExecError::Runtime)
    }

    /// Ends a stream: reports references to globals that no statement bound.
    pub fn finish_stream(&mut self) -> Result<(), ExecError> {
        let Some(state) = self.resolver.take() else {
            return Ok(());
        };
        let env = Env {
            predeclared: &self.predeclared,
        };
        let mut resolver = Resolver::resume(&self.dialect, &env, state);
        let errors = resolver.finish();
        self.resolver = Some(resolver.save());
        if errors.is_empty() {
            return Ok(());
        }
        Err(self.resolve_errors(errors))
    }

    /// The file name given to code compiled from now on (each stream of a session
    /// has its own, so that positions in messages name the right text).
    pub fn set_file(&mut self, file: &str) {
        self.file = Arc::from(file);
    }

    /// The module's file name.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Resolution errors as diagnostics of this module.
    fn resolve_errors(&self, errors: Vec<crate::resolve::ResolveError>) -> ExecError {
        let ds = errors
            .into_iter()
            .map(|e| Diagnostic::resolve(&self.file, e))
            .collect();
        ExecError::Static(ds)
    }

    /// Gives the globals the resolver added since the last input their (unbound) slots.
    fn declare_globals(&self, scope: &crate::resolve::ModuleScope) -> Result<(), ExecError> {
        let mut names = self
            .state
            .global_names
            .borrow_mut()
            .map_err(|e| ExecError::Runtime(Value::mutate_error(e, "run", "module")))?;
        let mut globals = self
            .state
            .globals
            .borrow_mut()
            .map_err(|e| ExecError::Runtime(Value::mutate_error(e, "run", "module")))?;
        for g in &scope.globals[names.len()..] {
            names.push(Str::new(&g.name));
            globals.push(unbound());
        }
        Ok(())
    }

    fn run_toplevel(
        &mut self,
        thread: &mut Thread,
        code: &super::code::Code,
    ) -> Result<Value, Error> {
        let n = code.nlocals as usize;
        self.local_values.resize_with(n, unbound);
        self.local_cells.resize(n, None);
        // A top-level local bound by an earlier input (a REPL's, a stream's statement)
        // and captured by a function only now moves into its cell.
        for &i in code.cells.iter() {
            let i = i as usize;
            if self.local_cells[i].is_none() && !vm::is_unbound(&self.local_values[i]) {
                let v = std::mem::replace(&mut self.local_values[i], unbound());
                self.local_cells[i] = Some(TArc::new(crate::value::FreezeCell::new(v)));
            }
        }
        let mut regs = vec![Value::None; code.nregs as usize];
        regs[..n].clone_from_slice(&self.local_values);
        // The top-level locals go back into the module however the run ends (an
        // error, a panic unwinding, a dropped fiber being unwound).
        let mut top = TopLevel {
            values: &mut self.local_values,
            cells: &mut self.local_cells,
            taken_cells: Vec::new(),
            regs,
        };
        top.taken_cells = std::mem::take(top.cells);
        let state = &self.state;
        vm::EvalState::with_active(thread, code, |thread| {
            vm::run(
                thread,
                code,
                state,
                &[],
                &mut top.regs,
                &mut top.taken_cells,
            )
        })
    }

    /// The value of a global (or a `load`ed name), if bound.
    pub fn get(&self, name: &str) -> Option<Value> {
        let names = self.state.global_names.borrow();
        let i = names.iter().position(|n| n.as_bytes() == name.as_bytes())?;
        let v = self.state.globals.borrow()[i].clone();
        (!vm::is_unbound(&v)).then_some(v)
    }

    /// The names of the bound globals, in order of first binding.
    pub fn names(&self) -> Vec<String> {
        let names = self.state.global_names.borrow();
        let globals = self.state.globals.borrow();
        names
            .iter()
            .zip(globals.iter())
            .filter(|(_, v)| !vm::is_unbound(v))
            .map(|(n, _)| n.to_string())
            .collect()
    }

    /// Ends initialisation: freezes every value of the module.
    pub fn freeze(mut self) -> FrozenModule {
        self.collect_on_drop = false;
        // One deep walk for all the globals (not one per global).
        let modules = crate::value::freeze_module_deep(&self.state);
        let names = self.state.global_names.borrow();
        let globals = self.state.globals.borrow();
        let values = names
            .iter()
            .zip(globals.iter())
            .filter(|(_, v)| !vm::is_unbound(v))
            .map(|(n, v)| (n.to_string(), FrozenValue::from_walk(v.clone(), &modules)))
            .collect();
        FrozenModule {
            file: self.file.to_string(),
            values,
            _anchor: Some(Arc::new(Anchor(self.state.clone()))),
        }
    }
}

impl Drop for Module {
    /// Frees the module's reference cycles (functions hold their module's globals,
    /// which hold them): see `collect.rs`.
    fn drop(&mut self) {
        if self.collect_on_drop {
            super::collect::collect_module(&self.state, &self.local_values, &self.local_cells);
        }
    }
}

/// What the clones of a [`FrozenModule`] made by [`Module::freeze`] share: the
/// module's state, whose cycles are collected when the last clone goes.
struct Anchor(TArc<ModuleState>);

// SAFETY: the state is frozen (`Module::freeze` froze it before making the anchor).
// The anchor reads it only when dropped, and then only on the OS thread that made the
// module (`collect_module` checks that first); elsewhere it only lets go of its
// reference, as dropping a `FrozenValue` on another thread does.
unsafe impl Send for Anchor {}
// SAFETY: as above; nothing reads the anchor through a shared reference.
unsafe impl Sync for Anchor {}

impl Drop for Anchor {
    fn drop(&mut self) {
        super::collect::collect_module(&self.0, &[], &[]);
    }
}

/// A module's top-level locals while its code runs: the registers and cells are put
/// back into the module when this drops.
struct TopLevel<'a> {
    values: &'a mut Vec<Value>,
    cells: &'a mut Vec<Option<triomphe::Arc<ValueCell>>>,
    taken_cells: Vec<Option<triomphe::Arc<ValueCell>>>,
    regs: Vec<Value>,
}

impl Drop for TopLevel<'_> {
    fn drop(&mut self) {
        let n = self.values.len();
        self.values.clone_from_slice(&self.regs[..n]);
        *self.cells = std::mem::take(&mut self.taken_cells);
    }
}

/// The frozen globals of an initialised module: immutable, and shareable between
/// threads (`Send + Sync`).
#[derive(Clone)]
pub struct FrozenModule {
    file: String,
    values: IndexMap<String, FrozenValue>,
    /// The module's state, kept for the collector, which runs when the last clone
    /// drops it (after `values`, declared first).
    _anchor: Option<Arc<Anchor>>,
}

impl fmt::Debug for FrozenModule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrozenModule")
            .field("file", &self.file)
            .field("values", &self.values)
            .finish()
    }
}

impl FrozenModule {
    /// A module made by the host from named values (frozen here), e.g. a native
    /// module offered to `load`.
    pub fn from_values(
        file: &str,
        values: impl IntoIterator<Item = (String, Value)>,
    ) -> FrozenModule {
        FrozenModule {
            file: file.to_string(),
            values: values
                .into_iter()
                .map(|(k, v)| (k, v.into_frozen()))
                .collect(),
            _anchor: None,
        }
    }

    /// The module's file name.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The value of a global.
    pub fn get(&self, name: &str) -> Option<Value> {
        self.values.get(name).map(FrozenValue::value)
    }

    /// The global names, in order of first binding.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(|s| s.as_str())
    }

    /// The exported globals (no leading underscore), as `load` sees them.
    pub fn exports(&self) -> impl Iterator<Item = (&str, &FrozenValue)> {
        self.values
            .iter()
            .filter(|(k, _)| !k.starts_with('_'))
            .map(|(k, v)| (k.as_str(), v))
    }
}

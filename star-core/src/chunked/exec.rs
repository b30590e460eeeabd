//! Exec mode: each chunk runs as a fresh module, with the fixtures predeclared and
//! `assert.star` (plus any modules the host adds) available to `load`.
//!
//! A chunk runs on a thread of its own with a large stack, so that deep (even runaway)
//! recursion reaches the evaluator's depth limit, a Starlark error, long before the
//! native stack ends; a panic stays inside the chunk it happened in.

use std::collections::HashMap;
use std::sync::Arc;

use super::assert::{self, Failures};
use super::{chunk_dialect, fixtures, Chunk, ChunkRunner, Mode, Problem, Reported};
use crate::error::{Error, ErrorKind};
use crate::eval::{ExecError, FrozenModule, Module, Predeclared};
use crate::thread::Thread;

/// The native stack of a chunk's thread (address space; only what is used is touched).
const CHUNK_STACK: usize = 512 << 20;

/// Makes the host's predeclared names for one chunk (called on the chunk's thread).
pub type GlobalsFn = dyn Fn(&mut Predeclared) + Send + Sync;

/// Prepares a chunk's thread (attaches host data such as capabilities).
pub type ThreadFn = dyn Fn(&mut Thread) + Send + Sync;

/// Runs exec-mode chunks.
pub struct ExecRunner {
    ignore_messages: bool,
    modules: HashMap<String, Arc<FrozenModule>>,
    globals: Vec<Arc<GlobalsFn>>,
    threads: Vec<Arc<ThreadFn>>,
}

impl ExecRunner {
    /// A runner; with `ignore_messages`, `assert.fails` accepts any error message.
    pub fn new(ignore_messages: bool) -> ExecRunner {
        let mut modules = HashMap::new();
        modules.insert("assert.star".to_string(), Arc::new(assert::module()));
        ExecRunner {
            ignore_messages,
            modules,
            globals: Vec::new(),
            threads: Vec::new(),
        }
    }

    /// Adds predeclared names to every chunk, besides the fixtures: `f` is called for
    /// each chunk (values are made fresh each time, as chunks share nothing).
    pub fn with_globals(
        mut self,
        f: impl Fn(&mut Predeclared) + Send + Sync + 'static,
    ) -> ExecRunner {
        self.globals.push(Arc::new(f));
        self
    }

    /// Calls `f` on the thread of every chunk before it runs (to attach host data, such
    /// as the capabilities of a standard library module).
    pub fn with_thread(mut self, f: impl Fn(&mut Thread) + Send + Sync + 'static) -> ExecRunner {
        self.threads.push(Arc::new(f));
        self
    }

    /// Makes `module` loadable as `name` (e.g. `"json.star"`).
    pub fn with_module(mut self, name: &str, module: FrozenModule) -> ExecRunner {
        self.modules.insert(name.to_string(), Arc::new(module));
        self
    }

    fn run_here(&self, file: &str, chunk: &Chunk<'_>) -> (Vec<Reported>, Vec<Problem>) {
        let mut source = "\n".repeat(chunk.line.saturating_sub(1) as usize);
        source.push_str(chunk.text);
        let mut env = fixtures::predeclared();
        for f in &self.globals {
            f(&mut env);
        }
        let mut module = Module::new(file, env, chunk_dialect(chunk, Mode::Exec));
        let mut thread = Thread::new("test");
        thread.set_print(|line| eprintln!("{line}"));
        for f in &self.threads {
            f(&mut thread);
        }
        thread.set_data(Failures {
            file: file.to_string(),
            ignore_messages: self.ignore_messages,
            problems: Vec::new(),
        });
        let modules = self.modules.clone();
        thread.set_loader(move |_, name| {
            modules
                .get(name)
                .cloned()
                .ok_or_else(|| Error::new(ErrorKind::Other, "no such module"))
        });
        let reported = match module.exec(&mut thread, &source) {
            Ok(()) => Vec::new(),
            Err(ExecError::Static(ds)) => ds
                .into_iter()
                .map(|d| Reported {
                    line: d.span.start.line,
                    message: d.message,
                })
                .collect(),
            Err(ExecError::Runtime(e)) => {
                let line = e
                    .backtrace()
                    .iter()
                    .find(|f| f.file == file)
                    .map_or(0, |f| f.span.start.line);
                vec![Reported {
                    line,
                    message: e.message().to_string(),
                }]
            }
        };
        let failures = thread
            .data_mut::<Failures>()
            .map(|f| std::mem::take(&mut f.problems))
            .unwrap_or_default();
        (reported, failures)
    }
}

impl ChunkRunner for ExecRunner {
    fn run_chunk(
        &self,
        file: &str,
        _text: &str,
        chunk: &Chunk<'_>,
    ) -> (Vec<Reported>, Vec<Problem>) {
        std::thread::scope(|s| {
            let worker = std::thread::Builder::new()
                .name("star-test-chunk".into())
                .stack_size(CHUNK_STACK)
                .spawn_scoped(s, || self.run_here(file, chunk));
            match worker.map(|w| w.join()) {
                Ok(Ok(r)) => r,
                Ok(Err(panic)) => std::panic::resume_unwind(panic),
                Err(e) => (
                    Vec::new(),
                    vec![Problem {
                        line: chunk.line,
                        reason: format!("cannot start a thread for the chunk: {e}"),
                    }],
                ),
            }
        })
    }
}

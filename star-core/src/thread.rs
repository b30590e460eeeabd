//! [`Thread`]: the context of one execution, which builtins may ask for.
//!
//! A thread is what a builtin sees of the execution calling it: where `print` output
//! goes, typed host data (request context, capabilities, counters) that the host
//! attached before running, and the call stack. A builtin gets it by declaring a
//! `&mut Thread` (or `&Thread`) parameter; the macros pass it through without
//! involving the script's arguments.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

use crate::call::{Args, NativeFuture};
use crate::error::{Error, ErrorKind, Frame, Result};
use crate::eval::FrozenModule;
use crate::value::Value;

/// Where `print` output goes.
pub type PrintSink = Box<dyn FnMut(&str)>;

/// Where `print` output goes when the sink wants the position of the `print` call:
/// file, line (0 when there is no Starlark caller) and the printed line.
pub type PrintAtSink = Box<dyn FnMut(&str, u32, &str)>;

/// What `load` statements call: given the module string, the loaded module.
pub type Loader = Box<dyn FnMut(&mut Thread, &str) -> Result<Arc<FrozenModule>>>;

/// The context of one execution.
pub struct Thread {
    name: String,
    print: Option<PrintSink>,
    print_at: Option<PrintAtSink>,
    loader: Option<Loader>,
    data: HashMap<TypeId, Box<dyn Any>>,
    /// The evaluator's per-thread state.
    pub(crate) eval: crate::eval::vm::EvalState,
}

impl Default for Thread {
    fn default() -> Self {
        Thread::new("main")
    }
}

impl Thread {
    /// A new thread; `print` writes to standard output until a sink is set.
    pub fn new(name: &str) -> Thread {
        let mut t = Thread {
            name: name.to_string(),
            print: None,
            print_at: None,
            loader: None,
            data: HashMap::new(),
            eval: Default::default(),
        };
        // A thread made while a fiber runs (a module loaded by a streamed statement)
        // runs on that fiber, and must let other tasks run too.
        if crate::stream::fiber::on_fiber() {
            t.set_cooperative(true);
        }
        t
    }

    /// The thread's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Sends `print` output to `sink`.
    pub fn set_print(&mut self, sink: impl FnMut(&str) + 'static) {
        self.print_at = None;
        self.print = Some(Box::new(sink));
    }

    /// Sends `print` output to `sink` with the file and line of each `print` call
    /// (replacing a sink set by [`Thread::set_print`]).
    pub fn set_print_at(&mut self, sink: impl FnMut(&str, u32, &str) + 'static) {
        self.print = None;
        self.print_at = Some(Box::new(sink));
    }

    /// Prints a line (the `print` builtin calls this).
    pub fn print(&mut self, line: &str) {
        if let Some(sink) = &mut self.print_at {
            match self.eval.call_stack().last() {
                Some(f) => sink(&f.file, f.span.start.line, line),
                None => sink("", 0, line),
            }
            return;
        }
        match &mut self.print {
            Some(sink) => sink(line),
            None => println!("{line}"),
        }
    }

    /// Sets what `load` statements call to get a module.
    pub fn set_loader(
        &mut self,
        loader: impl FnMut(&mut Thread, &str) -> Result<Arc<FrozenModule>> + 'static,
    ) {
        self.loader = Some(Box::new(loader));
    }

    /// Loads `module` with the thread's loader (what a `load` statement does);
    /// failures read "cannot load MODULE: why".
    pub fn load_module(&mut self, module: &str) -> Result<Arc<FrozenModule>> {
        let Some(mut loader) = self.loader.take() else {
            return Err(Error::new(
                ErrorKind::Other,
                format!("cannot load {module}: this host does not provide modules"),
            ));
        };
        // The loader goes back however it returns (a panic in it unwinding included).
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| loader(self, module)));
        self.loader.get_or_insert(loader);
        let r = r.unwrap_or_else(|payload| std::panic::resume_unwind(payload));
        r.map_err(|e| e.with_prefix(&format!("cannot load {module}: ")))
    }

    /// Attaches host data of type `T`, replacing any previous value of that type.
    pub fn set_data<T: Any>(&mut self, value: T) {
        self.data.insert(TypeId::of::<T>(), Box::new(value));
    }

    /// The host data of type `T`, if attached.
    pub fn data<T: Any>(&self) -> Option<&T> {
        self.data.get(&TypeId::of::<T>())?.downcast_ref()
    }

    /// The host data of type `T`, mutably, if attached.
    pub fn data_mut<T: Any>(&mut self) -> Option<&mut T> {
        self.data.get_mut(&TypeId::of::<T>())?.downcast_mut()
    }

    /// The Starlark functions being called, outermost first, each with the span of its
    /// definition (positions of the calls are recorded only when an error unwinds).
    pub fn call_stack(&self) -> Vec<Frame> {
        self.eval.call_stack()
    }

    /// Calls any callable value with `args`.
    pub fn call(&mut self, f: &Value, args: &Args<'_>) -> Result<Value> {
        let floor = self.eval.enter();
        let entered = self.eval.meter.memory.enter();
        let r = crate::eval::vm::call_value(self, f, args);
        self.eval.meter.memory.leave(entered);
        self.eval.restore_floor(floor);
        r
    }

    /// Sets the execution limits (steps, deadline, cancellation, memory, result size)
    /// and starts counting steps and memory from zero.
    pub fn set_limits(&mut self, limits: crate::eval::limits::Limits) {
        self.eval.meter.set_limits(limits);
    }

    /// The steps (loop iterations and Starlark calls) taken since the limits were set.
    pub fn steps(&self) -> u64 {
        self.eval.meter.steps()
    }

    /// Makes execution cooperative: see `stream::fiber`.
    pub(crate) fn set_cooperative(&mut self, on: bool) {
        self.eval.meter.set_cooperative(on);
    }

    /// The bytes of values made under the current limits and still alive (as
    /// `value/memory.rs` counts them; can be negative when values made before were
    /// freed since).
    pub fn memory_used(&self) -> isize {
        self.eval.meter.memory.used()
    }

    /// Sets the maximum depth of nested Starlark calls.
    pub fn set_max_depth(&mut self, depth: usize) {
        self.eval.max_depth = depth;
    }

    /// Runs an async builtin's future to completion. Inside the async executor the
    /// execution is suspended while the future is pending; outside it, the current OS
    /// thread waits for it.
    pub fn await_native(&mut self, fut: NativeFuture) -> Result<Value> {
        crate::stream::fiber::await_future(fut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_data_is_typed() {
        let mut t = Thread::new("t");
        t.set_data(41u32);
        *t.data_mut::<u32>().unwrap() += 1;
        assert_eq!(t.data::<u32>(), Some(&42));
        assert_eq!(t.data::<i64>(), None);
    }

    #[test]
    fn print_goes_to_the_sink() {
        let out = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let o = out.clone();
        let mut t = Thread::new("t");
        t.set_print(move |s| o.borrow_mut().push(s.to_string()));
        t.print("hello");
        assert_eq!(*out.borrow(), ["hello"]);
    }

    #[test]
    fn ready_futures_complete_without_a_runtime() {
        let fut: NativeFuture = Box::pin(async { Ok(Value::Int(7)) });
        assert_eq!(
            Thread::default().await_native(fut).unwrap().as_i64(),
            Some(7)
        );
    }
}

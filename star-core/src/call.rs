//! The calling convention of builtins: [`Args`], [`Signature`], [`NativeFunction`].
//!
//! # How a builtin is called
//!
//! The evaluator evaluates the call's arguments into [`Args`]: a slice of positional
//! values and a slice of `(name, value)` pairs, with `*args` and `**kwargs` already
//! spread. A builtin is a [`NativeFunction`]: a `static` record made by
//! `#[star_builtin]` holding the name, help text, [`Signature`] and a plain function
//! pointer. The generated function
//!
//! 1. binds the arguments to parameter slots with [`Signature::bind`]: a fixed-size
//!    array of `Option<&Value>` on the stack, borrowed from `Args`, no allocation and
//!    no clone (unless the builtin has `*args`/`**kwargs`, which collect the rest);
//! 2. converts each slot with [`FromValue`](crate::value::FromValue) into the Rust
//!    parameter type (errors name the function and the parameter), or evaluates the
//!    parameter's default;
//! 3. calls the Rust function and converts its result with
//!    [`IntoValue`](crate::value::IntoValue), mapping `Err(e)` through the error
//!    conversions of [`crate::error`].
//!
//! A call with only positional arguments binds with one length check and a copy of
//! references, which is what keeps the per-call overhead at a few nanoseconds.
//!
//! # Async builtins
//!
//! An `async fn` builtin is a [`NativeImpl::Async`]: its generated function does steps
//! 1 and 2 synchronously, so every argument is an owned Rust value before the future
//! exists, and returns the future ([`NativeFuture`]) without polling it. The future
//! borrows nothing from the script, so the evaluator can park the script's frame and let
//! the async executor await it on tokio. Outside an async executor, [`Thread`] drives
//! the future to completion on the current thread.

use std::future::Future;
use std::pin::Pin;

use crate::error::{Error, ErrorKind, Result};
use crate::thread::Thread;
use crate::value::{Str, Value};

/// The arguments of a call, with `*args` and `**kwargs` spread.
#[derive(Clone, Copy, Debug)]
pub struct Args<'a> {
    /// Positional arguments, in order.
    pub positional: &'a [Value],
    /// Names of the keyword arguments, in order. A name may occur twice when the call
    /// spreads a `**kwargs` dict (`f(a=1, **{"a": 2})`): as in the reference, the callee
    /// decides what that means (the binders of functions and builtins report it).
    pub names: &'a [Str],
    /// Values of the keyword arguments, one per name (a call's keyword values sit in
    /// consecutive registers, so both slices are borrowed as they are).
    pub named: &'a [Value],
}

impl<'a> Args<'a> {
    /// Positional arguments only.
    pub fn positional(values: &'a [Value]) -> Args<'a> {
        Args {
            positional: values,
            names: &[],
            named: &[],
        }
    }

    /// Positional and keyword arguments (`names` and `named` of equal length).
    pub fn new(positional: &'a [Value], names: &'a [Str], named: &'a [Value]) -> Args<'a> {
        assert_eq!(names.len(), named.len(), "one value per keyword argument");
        Args {
            positional,
            names,
            named,
        }
    }

    /// The keyword arguments: name and value pairs, in order.
    pub fn keywords(&self) -> impl Iterator<Item = (&'a Str, &'a Value)> + 'a {
        self.names.iter().zip(self.named)
    }
}

/// How a parameter can be passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// Only by position (before `/`).
    PositionalOnly,
    /// By position or by name.
    Normal,
    /// Only by name (after `*` or `*args`).
    KeywordOnly,
    /// `*args`: the extra positional arguments.
    Args,
    /// `**kwargs`: the extra keyword arguments.
    Kwargs,
}

/// One parameter of a builtin.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    /// The name scripts use.
    pub name: &'static str,
    /// How it can be passed.
    pub kind: ParamKind,
    /// Whether a call must supply it.
    pub required: bool,
    /// The default, as text for help (`None` if there is none to show).
    pub default: Option<&'static str>,
    /// The accepted type, as text for help.
    pub ty: &'static str,
}

/// The parameters of a builtin, in declaration order. `*args` and `**kwargs` take no
/// slot; every other parameter has the slot of its position among them.
#[derive(Debug)]
pub struct Signature {
    /// All parameters, including `*args` and `**kwargs`.
    pub params: &'static [Param],
    /// How many parameters accept positional arguments (positional-only and normal).
    pub positional: usize,
    /// How many of those are positional-only.
    pub positional_only: usize,
    /// How many slots there are (every parameter but `*args`/`**kwargs`).
    pub slots: usize,
    /// Whether there is a `*args` parameter.
    pub has_args: bool,
    /// Whether there is a `**kwargs` parameter.
    pub has_kwargs: bool,
}

/// Where the extra arguments of a `*args`/`**kwargs` builtin go.
#[derive(Default)]
pub struct Extra {
    /// Positional arguments beyond the positional parameters.
    pub args: Vec<Value>,
    /// Keyword arguments that name no parameter.
    pub kwargs: Vec<(Str, Value)>,
}

impl Signature {
    /// The parameters that have slots, in slot order.
    fn slot_params(&self) -> impl Iterator<Item = &'static Param> {
        self.params
            .iter()
            .filter(|p| !matches!(p.kind, ParamKind::Args | ParamKind::Kwargs))
    }

    /// Binds `args` to `slots` (one per slotted parameter); extra arguments go to
    /// `extra` when the signature has `*args`/`**kwargs`. Errors are prefixed with
    /// `name: `.
    #[inline]
    pub fn bind<'a>(
        &self,
        name: &str,
        args: &Args<'a>,
        slots: &mut [Option<&'a Value>],
        extra: Option<&mut Extra>,
    ) -> Result<()> {
        debug_assert_eq!(slots.len(), self.slots);
        let npos = args.positional.len();
        // The fast path: positional arguments only, all fitting.
        if args.named.is_empty() && npos <= self.positional {
            for (slot, v) in slots.iter_mut().zip(args.positional) {
                *slot = Some(v);
            }
            return self.check_required(name, slots);
        }
        self.bind_slow(name, args, slots, extra)
    }

    #[inline(never)]
    fn bind_slow<'a>(
        &self,
        name: &str,
        args: &Args<'a>,
        slots: &mut [Option<&'a Value>],
        mut extra: Option<&mut Extra>,
    ) -> Result<()> {
        let npos = args.positional.len();
        if npos > self.positional {
            match extra.as_deref_mut() {
                Some(extra) if self.has_args => extra
                    .args
                    .extend_from_slice(&args.positional[self.positional..]),
                _ => return Err(self.too_many(name, npos)),
            }
        }
        let fitting = &args.positional[..npos.min(self.positional)];
        for (slot, v) in slots.iter_mut().zip(fitting) {
            *slot = Some(v);
        }
        for (key, v) in args.keywords() {
            let key_bytes = key.as_bytes();
            let found = self
                .slot_params()
                .position(|p| p.name.as_bytes() == key_bytes);
            match found {
                Some(i) if i >= self.positional_only => {
                    if slots[i].is_some() {
                        return Err(arg_error(
                            name,
                            format!("got multiple values for parameter \"{key}\""),
                        ));
                    }
                    slots[i] = Some(v);
                }
                _ => match extra.as_deref_mut() {
                    Some(extra) if self.has_kwargs => {
                        // Only a spread `**kwargs` can repeat a name; the reference's
                        // `dict` and `update` word it so.
                        if extra.kwargs.iter().any(|(k, _)| k == key) {
                            return Err(arg_error(
                                name,
                                format!("duplicate keyword arg: \"{key}\""),
                            ));
                        }
                        extra.kwargs.push((key.clone(), v.clone()))
                    }
                    _ => return Err(self.unexpected_keyword(name, key, found.is_some())),
                },
            }
        }
        self.check_required(name, slots)
    }

    #[inline]
    fn check_required(&self, name: &str, slots: &[Option<&Value>]) -> Result<()> {
        for (p, s) in self.slot_params().zip(slots) {
            if s.is_none() && p.required {
                if self.all_positional() {
                    return Err(
                        self.count_error(name, slots.iter().filter(|s| s.is_some()).count())
                    );
                }
                return Err(arg_error(
                    name,
                    format!("missing argument for required parameter \"{}\"", p.name),
                ));
            }
        }
        Ok(())
    }

    /// Whether every parameter is positional-only (a builtin like `d.get(k, default)`):
    /// argument-count errors then count all arguments, as the reference words them.
    fn all_positional(&self) -> bool {
        self.positional_only == self.slots && !self.has_kwargs
    }

    /// `got 3 arguments, want 1`, `... want at most 2`, `... want at least 1`.
    #[cold]
    fn count_error(&self, name: &str, got: usize) -> Error {
        let min = self.slot_params().filter(|p| p.required).count();
        let max = self.positional;
        let want = if min == max && !self.has_args {
            format!("{max}")
        } else if got < min {
            format!("at least {min}")
        } else {
            format!("at most {max}")
        };
        // The reference always says "arguments", even for one.
        arg_error(name, format!("got {got} arguments, want {want}"))
    }

    #[cold]
    fn too_many(&self, name: &str, got: usize) -> Error {
        // Only positional-only parameters (`dict(pairs, /, **kwargs)`): the reference
        // counts all arguments.
        if self.all_positional() || (self.positional_only > 0 && self.positional_only == self.slots)
        {
            return self.count_error(name, got);
        }
        let s = if got == 1 { "" } else { "s" };
        arg_error(
            name,
            format!(
                "got {got} positional argument{s}, want at most {}",
                self.positional
            ),
        )
    }

    #[cold]
    fn unexpected_keyword(&self, name: &str, key: &Str, positional_only: bool) -> Error {
        if self.all_positional() {
            // Nothing can be passed by name (`d.get(default = 1)`): say so, as the
            // reference implementation does.
            return arg_error(name, "unexpected keyword arguments".to_string());
        }
        if positional_only {
            return arg_error(
                name,
                format!("parameter \"{key}\" is positional-only and cannot be passed by name"),
            );
        }
        let key = key.to_str_lossy();
        let names: Vec<&str> = self
            .slot_params()
            .skip(self.positional_only)
            .map(|p| p.name)
            .collect();
        let hint = match crate::resolve::nearest(&key, &names) {
            Some(n) => format!(" (did you mean \"{n}\"?)"),
            None => String::new(),
        };
        arg_error(name, format!("unexpected keyword argument \"{key}\"{hint}"))
    }

    /// The signature as Python-like text, for help: `(sep=" ", *args, end="\n")`.
    pub fn to_text(&self) -> String {
        let mut parts = Vec::new();
        let mut star_done = false;
        for (i, p) in self.params.iter().enumerate() {
            match p.kind {
                ParamKind::Args => {
                    star_done = true;
                    parts.push(format!("*{}", p.name));
                }
                ParamKind::Kwargs => parts.push(format!("**{}", p.name)),
                kind => {
                    if kind == ParamKind::KeywordOnly && !star_done {
                        star_done = true;
                        parts.push("*".into());
                    }
                    match p.default {
                        Some(d) => parts.push(format!("{}={}", p.name, d)),
                        None => parts.push(p.name.to_string()),
                    }
                }
            }
            if i + 1 == self.positional_only {
                parts.push("/".into());
            }
        }
        format!("({})", parts.join(", "))
    }
}

#[cold]
fn arg_error(name: &str, msg: String) -> Error {
    Error::new(ErrorKind::Arguments, format!("{name}: {msg}"))
}

/// The error for an argument that failed conversion:
/// `f: for parameter "x": got int, want list`.
#[cold]
pub fn param_error(function: &str, param: &str, e: crate::value::ConvError) -> Error {
    // A parameter shown by position (`for parameter 1`) is not quoted.
    let msg = match param.bytes().all(|b| b.is_ascii_digit()) {
        true => format!("{function}: for parameter {param}: {e}"),
        false => format!("{function}: for parameter \"{param}\": {e}"),
    };
    Error::new(ErrorKind::Type, msg)
}

/// The future of an async builtin: it owns its inputs and yields the result value.
pub type NativeFuture = Pin<Box<dyn Future<Output = Result<Value>>>>;

/// The function behind a [`NativeFunction`]. `receiver` is the bound value for methods
/// and `None` for functions.
#[derive(Clone, Copy)]
pub enum NativeImpl {
    /// A synchronous builtin.
    Sync(fn(&mut Thread, &Value, &Args<'_>) -> Result<Value>),
    /// An async builtin: unpacks its arguments and returns its future, unpolled.
    Async(fn(&mut Thread, &Value, &Args<'_>) -> Result<NativeFuture>),
}

/// A builtin function or method, as `#[star_builtin]` declares it.
pub struct NativeFunction {
    /// The name scripts call it by.
    pub name: &'static str,
    /// The help text (from the Rust doc comment).
    pub doc: &'static str,
    /// The parameters.
    pub signature: &'static Signature,
    /// Whether calling it has no side effects (so dry runs and constant folding may).
    pub pure: bool,
    /// The implementation.
    pub imp: NativeImpl,
}

impl NativeFunction {
    /// Calls the builtin as a function.
    #[inline]
    pub fn call(&'static self, thread: &mut Thread, args: &Args<'_>) -> Result<Value> {
        self.call_method(thread, &Value::None, args)
    }

    /// Calls the builtin as a method of `receiver`.
    #[inline]
    pub fn call_method(
        &'static self,
        thread: &mut Thread,
        receiver: &Value,
        args: &Args<'_>,
    ) -> Result<Value> {
        // A panic in host code is caught here and becomes an error naming the
        // builtin, so the script, the thread and the host go on. The guards of the
        // evaluator (call records, register frames, fiber state) have restored
        // everything the unwinding passed through.
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match self.imp {
            NativeImpl::Sync(f) => f(thread, receiver, args),
            NativeImpl::Async(f) => {
                f(thread, receiver, args).and_then(crate::stream::fiber::await_future)
            }
        }));
        let r = match r {
            Ok(r) => r,
            Err(payload) => return Err(self.panicked(payload)),
        };
        // Errors from host code (`?` on a Rust error) name the builtin, as the
        // builtins' own messages do.
        r.map_err(|e| {
            if e.kind() == ErrorKind::Host {
                e.with_prefix(&format!("{}: ", self.name))
            } else {
                e
            }
        })
    }

    /// The error for a panic caught in the builtin: `name: panicked: message`. A
    /// dropped fiber's unwinding (a panic too, whose payload is neither of the
    /// message types `panic!` makes) goes on.
    #[cold]
    #[inline(never)]
    fn panicked(&self, payload: Box<dyn std::any::Any + Send>) -> Error {
        let msg = if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else if crate::stream::fiber::unwinding() {
            std::panic::resume_unwind(payload);
        } else {
            "(a panic without a message)".to_string()
        };
        Error::new(ErrorKind::Host, format!("{}: panicked: {msg}", self.name))
    }

    /// Whether the builtin is async.
    pub fn is_async(&self) -> bool {
        matches!(self.imp, NativeImpl::Async(_))
    }

    /// Help text: the signature line, then the doc comment.
    pub fn help(&self) -> String {
        let mut out = format!("{}{}", self.name, self.signature.to_text());
        if !self.doc.is_empty() {
            out.push_str("\n\n");
            out.push_str(self.doc.trim());
        }
        out
    }
}

impl std::fmt::Debug for NativeFunction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<built-in function {}>", self.name)
    }
}

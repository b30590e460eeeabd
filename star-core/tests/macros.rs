//! The macros, tested through the calling convention: each builtin below is called with
//! `NativeFunction::call` in every legal and illegal way, and the outcomes are kept as a
//! snapshot (`snapshots/macros__calls.snap`) that reads like a transcript of script
//! calls. Then the host-type derive and its methods, a module and its help text, async
//! builtins and the flags.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::task::{Context, Poll};

use indexmap::IndexMap;
use star_core::call::{Args, NativeFunction, ParamKind};
use star_core::value::{FromValue, IntoValue, NativeModule, Str};
use star_core::{
    star_builtin, star_methods, star_module, Error, ErrorKind, StarValue, Thread, Value,
};

// ---------------------------------------------------------------------------------------
// Builtins of every shape.

/// Adds two numbers.
#[star_builtin(signature = (a, b = 2))]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

#[star_builtin(signature = (x, /, y))]
fn posonly(x: i64, y: i64) -> String {
    format!("x={x} y={y}")
}

#[star_builtin(signature = (a, *, key, flag = false))]
fn kwonly(a: i64, key: &str, flag: bool) -> String {
    format!("a={a} key={key} flag={flag}")
}

#[star_builtin(signature = (first, *rest))]
fn total(first: i64, rest: Vec<i64>) -> i64 {
    first + rest.iter().sum::<i64>()
}

#[star_builtin(signature = (**options))]
fn options(options: IndexMap<String, i64>) -> String {
    let parts: Vec<String> = options.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    parts.join(",")
}

/// Prints its arguments, like Python's `print`.
#[star_builtin(signature = (*args, sep = " ", end = "\n", **kwargs))]
fn echo(
    thread: &mut Thread,
    args: Vec<Value>,
    sep: &str,
    end: String,
    kwargs: Vec<(String, Value)>,
) -> usize {
    let words: Vec<String> = args.iter().map(Value::to_str).collect();
    let extra: Vec<String> = kwargs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let line = format!("{}{}{}", words.join(sep), extra.join(""), end);
    thread.print(&line);
    kwargs.len()
}

/// Greets someone.
///
///  Indented lines keep all but one space.
#[star_builtin]
fn greet(name: &str, greeting: Option<&str>) -> String {
    format!("{}, {name}", greeting.unwrap_or("hello"))
}

#[star_builtin]
fn byte(n: u8) -> u8 {
    n
}

#[star_builtin]
fn first(items: Vec<i64>) -> Option<i64> {
    items.first().copied()
}

#[star_builtin]
fn fail_star(msg: String) -> star_core::Result<i64> {
    Err(Error::new(ErrorKind::Value, msg))
}

#[star_builtin]
fn read(path: String) -> std::io::Result<String> {
    Err(std::io::Error::new(
        std::io::ErrorKind::NotFound,
        format!("{path}: no such file"),
    ))
}

#[star_builtin]
fn parse(s: &str) -> Result<i64, String> {
    s.parse::<i64>()
        .map_err(|e| format!("cannot parse {s:?}: {e}"))
}

/// An error type that is only `Display`, as `anyhow::Error` is.
struct Oops(&'static str);

impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[star_builtin]
fn oops(ok: bool) -> Result<(), Oops> {
    if ok {
        Ok(())
    } else {
        Err(Oops("it broke"))
    }
}

#[star_builtin]
fn nothing() {}

#[star_builtin(name = "type_of", pure)]
fn r#type(r#in: &Value) -> &'static str {
    r#in.type_name()
}

#[star_builtin(method)]
fn upper(this: &Str) -> String {
    this.to_str_lossy().to_uppercase()
}

#[star_builtin]
fn counter(thread: &Thread, step: Option<i64>) -> i64 {
    thread.data::<i64>().copied().unwrap_or(0) + step.unwrap_or(0)
}

static NEXT_ID: AtomicI64 = AtomicI64::new(100);

fn next_id() -> i64 {
    NEXT_ID.fetch_add(1, Ordering::SeqCst)
}

/// The default is evaluated at each call where the argument is absent.
#[star_builtin(signature = (id = next_id(), tags = Vec::new()))]
fn fresh(id: i64, tags: Vec<String>) -> (i64, usize) {
    (id, tags.len())
}

const DEFAULT_LIMIT: u32 = 10;

/// Named lifetimes, `Option` with a default, and a default naming a constant.
#[star_builtin(signature = (text, /, limit = DEFAULT_LIMIT, pad = 3))]
#[allow(clippy::needless_lifetimes)] // named on purpose: the wrapper must cope
fn clip<'a>(text: &'a str, limit: u32, pad: Option<i64>) -> &'a str {
    let end = (limit as usize + pad.unwrap_or(0) as usize).min(text.len());
    &text[..end]
}

/// An async method: the receiver is converted to an owned value too.
#[star_builtin(method, signature = (times = 2))]
async fn echo_async(this: String, times: usize) -> String {
    YieldOnce(false).await;
    this.repeat(times)
}

// ---------------------------------------------------------------------------------------
// A transcript of calls.

/// Calls `f` and describes the call and its outcome in script syntax.
fn call(f: &'static NativeFunction, pos: &[Value], named: &[(&str, Value)]) -> String {
    let names: Vec<Str> = named.iter().map(|(k, _)| Str::new(k)).collect();
    let values: Vec<Value> = named.iter().map(|(_, v)| v.clone()).collect();
    let mut shown: Vec<String> = pos.iter().map(Value::repr).collect();
    shown.extend(named.iter().map(|(k, v)| format!("{k}={}", v.repr())));
    let call = format!("{}({})", f.name, shown.join(", "));
    let mut thread = Thread::default();
    thread.set_print(|_| {});
    match f.call(&mut thread, &Args::new(pos, &names, &values)) {
        Ok(v) => format!("{call} == {}", v.repr()),
        Err(e) => format!("{call} !! {:?}: {}", e.kind(), e.message()),
    }
}

/// The error message of a call that must fail.
fn error(f: &'static NativeFunction, pos: &[Value], named: &[(&str, Value)]) -> String {
    let names: Vec<Str> = named.iter().map(|(k, _)| Str::new(k)).collect();
    let values: Vec<Value> = named.iter().map(|(_, v)| v.clone()).collect();
    match f.call(&mut Thread::default(), &Args::new(pos, &names, &values)) {
        Ok(v) => panic!("{} succeeded with {}", f.name, v.repr()),
        Err(e) => e.message().to_string(),
    }
}

fn int(i: i64) -> Value {
    Value::Int(i)
}

fn s(x: &str) -> Value {
    Value::str(x)
}

#[test]
fn calls() {
    let lines = [
        // f(a, b=2)
        call(&add::BUILTIN, &[int(1)], &[]),
        call(&add::BUILTIN, &[int(1), int(5)], &[]),
        call(&add::BUILTIN, &[int(1)], &[("b", int(5))]),
        call(&add::BUILTIN, &[], &[("b", int(5)), ("a", int(1))]),
        call(&add::BUILTIN, &[], &[]),
        call(&add::BUILTIN, &[int(1), int(2), int(3)], &[]),
        call(&add::BUILTIN, &[int(1)], &[("a", int(2))]),
        call(&add::BUILTIN, &[int(1)], &[("c", int(2))]),
        call(&add::BUILTIN, &[s("1")], &[]),
        // f(x, /, y)
        call(&posonly::BUILTIN, &[int(1), int(2)], &[]),
        call(&posonly::BUILTIN, &[int(1)], &[("y", int(2))]),
        call(&posonly::BUILTIN, &[], &[("x", int(1)), ("y", int(2))]),
        // f(a, *, key, flag=False)
        call(&kwonly::BUILTIN, &[int(1)], &[("key", s("k"))]),
        call(
            &kwonly::BUILTIN,
            &[int(1)],
            &[("key", s("k")), ("flag", Value::Bool(true))],
        ),
        call(&kwonly::BUILTIN, &[int(1), s("k")], &[]),
        call(&kwonly::BUILTIN, &[int(1)], &[]),
        call(
            &kwonly::BUILTIN,
            &[int(1)],
            &[("key", s("k")), ("flag", int(1))],
        ),
        // f(first, *rest)
        call(&total::BUILTIN, &[int(1)], &[]),
        call(&total::BUILTIN, &[int(1), int(2), int(3)], &[]),
        call(&total::BUILTIN, &[int(1), int(2), s("3")], &[]),
        call(&total::BUILTIN, &[], &[("rest", int(1))]),
        // f(**options)
        call(&options::BUILTIN, &[], &[]),
        call(&options::BUILTIN, &[], &[("b", int(2)), ("a", int(1))]),
        call(&options::BUILTIN, &[], &[("a", s("x"))]),
        call(&options::BUILTIN, &[int(1)], &[]),
        // f(*args, sep=" ", end="\n", **kwargs)
        call(&echo::BUILTIN, &[], &[]),
        call(
            &echo::BUILTIN,
            &[int(1), s("two")],
            &[("sep", s("-")), ("x", int(3))],
        ),
        call(&echo::BUILTIN, &[], &[("sep", int(1))]),
        call(&echo::BUILTIN, &[], &[("x", int(1)), ("x", int(2))]),
        // f(name, greeting=None): Option parameters are optional
        call(&greet::BUILTIN, &[s("bob")], &[]),
        call(&greet::BUILTIN, &[s("bob"), s("hi")], &[]),
        call(&greet::BUILTIN, &[s("bob"), Value::None], &[]),
        call(&greet::BUILTIN, &[], &[("greeting", s("hi"))]),
        call(&greet::BUILTIN, &[], &[("nmae", s("bob"))]),
        call(&greet::BUILTIN, &[s("bob")], &[("greeting", int(1))]),
        // conversions
        call(&byte::BUILTIN, &[int(255)], &[]),
        call(&byte::BUILTIN, &[int(300)], &[]),
        call(&byte::BUILTIN, &[int(-1)], &[]),
        call(&first::BUILTIN, &[Value::list(vec![int(7)])], &[]),
        call(&first::BUILTIN, &[Value::tuple(vec![])], &[]),
        call(&first::BUILTIN, &[int(1)], &[]),
        call(&first::BUILTIN, &[Value::list(vec![int(1), s("a")])], &[]),
        // results and errors
        call(&fail_star::BUILTIN, &[s("bad value")], &[]),
        call(&read::BUILTIN, &[s("x.txt")], &[]),
        call(&parse::BUILTIN, &[s("12")], &[]),
        call(&parse::BUILTIN, &[s("1x")], &[]),
        call(&oops::BUILTIN, &[Value::Bool(true)], &[]),
        call(&oops::BUILTIN, &[Value::Bool(false)], &[]),
        call(&nothing::BUILTIN, &[], &[]),
        call(&nothing::BUILTIN, &[int(1)], &[]),
        // raw identifiers, renaming
        call(&r#type::BUILTIN, &[int(1)], &[]),
        call(&r#type::BUILTIN, &[], &[("in", s("x"))]),
        // the thread
        call(&counter::BUILTIN, &[], &[]),
        call(&counter::BUILTIN, &[int(2)], &[]),
        // defaults are evaluated per call, only when absent
        call(&fresh::BUILTIN, &[int(7)], &[]),
        call(&fresh::BUILTIN, &[], &[("tags", Value::list(vec![s("a")]))]),
        // named lifetimes; an Option parameter with a default
        call(&clip::BUILTIN, &[s("abcdefghijklmnopq")], &[]),
        call(
            &clip::BUILTIN,
            &[s("abcdefghijklmnopq"), int(2)],
            &[("pad", Value::None)],
        ),
        call(
            &clip::BUILTIN,
            &[s("abcdefghijklmnopq"), int(2)],
            &[("pad", int(1))],
        ),
    ];
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn exact_messages() {
    assert_eq!(
        error(&greet::BUILTIN, &[], &[]),
        r#"greet: missing argument for required parameter "name""#
    );
    assert_eq!(
        error(&greet::BUILTIN, &[], &[("nmae", s("x"))]),
        r#"greet: unexpected keyword argument "nmae" (did you mean "name"?)"#
    );
    assert_eq!(
        error(&add::BUILTIN, &[int(1), int(2), int(3)], &[]),
        "add: got 3 positional arguments, want at most 2"
    );
    assert_eq!(
        error(&first::BUILTIN, &[int(1)], &[]),
        r#"first: for parameter "items": got int, want list or tuple"#
    );
    assert_eq!(
        error(&byte::BUILTIN, &[int(300)], &[]),
        r#"byte: for parameter "n": 300 out of range for u8"#
    );
    assert_eq!(
        error(&posonly::BUILTIN, &[], &[("x", int(1))]),
        r#"posonly: parameter "x" is positional-only and cannot be passed by name"#
    );
}

#[test]
fn error_kinds_and_sources() {
    let mut thread = Thread::default();
    let e = read::BUILTIN
        .call(&mut thread, &Args::positional(&[s("a")]))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Host);
    assert!(e.source().is_some(), "std errors keep their source");
    let e = fail_star::BUILTIN
        .call(&mut thread, &Args::positional(&[s("a")]))
        .unwrap_err();
    assert_eq!(
        e.kind(),
        ErrorKind::Value,
        "star errors pass through unchanged"
    );
    let e = parse::BUILTIN
        .call(&mut thread, &Args::positional(&[s("a")]))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Host);
    assert!(e.source().is_none());
    let e = add::BUILTIN
        .call(&mut thread, &Args::positional(&[]))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Arguments);
    let e = add::BUILTIN
        .call(&mut thread, &Args::positional(&[s("x")]))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
}

#[test]
fn the_thread_is_passed_through() {
    let out = Rc::new(RefCell::new(String::new()));
    let sink = out.clone();
    let mut thread = Thread::default();
    thread.set_print(move |line| sink.borrow_mut().push_str(line));
    let names = [Str::new("sep"), Str::new("end")];
    let n = echo::BUILTIN
        .call(
            &mut thread,
            &Args::new(&[int(1), s("a")], &names, &[s(", "), s(".")]),
        )
        .unwrap();
    assert_eq!(n.repr(), "0");
    assert_eq!(*out.borrow(), "1, a.");

    thread.set_data(40i64);
    let v = counter::BUILTIN
        .call(&mut thread, &Args::positional(&[int(2)]))
        .unwrap();
    assert_eq!(v.repr(), "42");
}

#[test]
fn methods_convert_their_receiver() {
    let mut thread = Thread::default();
    let v = upper::BUILTIN
        .call_method(&mut thread, &s("abc"), &Args::positional(&[]))
        .unwrap();
    assert_eq!(v.repr(), r#""ABC""#);
    let e = upper::BUILTIN
        .call_method(&mut thread, &int(1), &Args::positional(&[]))
        .unwrap_err();
    assert_eq!(e.message(), "upper: for receiver: got int, want string");
    assert_eq!(e.kind(), ErrorKind::Type);
    assert_eq!(upper::BUILTIN.signature.params.len(), 0);
}

#[test]
fn signatures_and_help() {
    let text = |f: &NativeFunction| format!("{}{}", f.name, f.signature.to_text());
    assert_eq!(text(&add::BUILTIN), "add(a, b=2)");
    assert_eq!(text(&posonly::BUILTIN), "posonly(x, /, y)");
    assert_eq!(text(&kwonly::BUILTIN), "kwonly(a, *, key, flag=False)");
    assert_eq!(text(&total::BUILTIN), "total(first, *rest)");
    assert_eq!(text(&options::BUILTIN), "options(**options)");
    assert_eq!(
        text(&echo::BUILTIN),
        r#"echo(*args, sep=" ", end="\n", **kwargs)"#
    );
    assert_eq!(text(&greet::BUILTIN), "greet(name, greeting=None)");
    assert_eq!(
        text(&fresh::BUILTIN),
        "fresh(id=next_id(), tags=Vec::new())"
    );
    assert_eq!(text(&r#type::BUILTIN), "type_of(in)");
    assert_eq!(
        text(&clip::BUILTIN),
        "clip(text, /, limit=DEFAULT_LIMIT, pad=3)"
    );
    assert_eq!(text(&echo_async::BUILTIN), "echo_async(times=2)");

    let sig = posonly::BUILTIN.signature;
    assert_eq!((sig.positional, sig.positional_only, sig.slots), (2, 1, 2));
    assert_eq!(sig.params[0].kind, ParamKind::PositionalOnly);
    assert_eq!(sig.params[1].kind, ParamKind::Normal);
    let sig = echo::BUILTIN.signature;
    assert_eq!(
        (sig.positional, sig.slots, sig.has_args, sig.has_kwargs),
        (0, 2, true, true)
    );
    assert_eq!(sig.params[0].kind, ParamKind::Args);
    assert_eq!(sig.params[1].kind, ParamKind::KeywordOnly);
    assert_eq!(sig.params[3].kind, ParamKind::Kwargs);
    assert_eq!(sig.params[0].ty, "value");
    assert_eq!(sig.params[1].ty, "string");
    let sig = greet::BUILTIN.signature;
    assert!(sig.params[0].required);
    assert!(!sig.params[1].required);
    assert_eq!(sig.params[1].ty, "string or None");
    assert_eq!(add::BUILTIN.signature.params[1].ty, "int");

    assert_eq!(
        greet::BUILTIN.doc,
        "Greets someone.\n\n Indented lines keep all but one space."
    );
    assert_eq!(
        greet::BUILTIN.help(),
        "greet(name, greeting=None)\n\nGreets someone.\n\n Indented lines keep all but one space."
    );
    assert_eq!(byte::BUILTIN.doc, "");
    assert_eq!(byte::BUILTIN.help(), "byte(n)");
}

#[test]
fn pure_flag() {
    assert!(r#type::BUILTIN.pure);
    assert!(!add::BUILTIN.pure);
    assert!(!add::BUILTIN.is_async());
}

#[test]
fn a_builtin_is_a_value() {
    let v = Value::Builtin(&add::BUILTIN);
    let mut thread = Thread::default();
    let r = thread.call(&v, &Args::positional(&[int(40)])).unwrap();
    assert_eq!(r.repr(), "42");
}

// ---------------------------------------------------------------------------------------
// Async builtins.

/// A future that is pending once (waking itself), then ready.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Adds, eventually.
#[star_builtin]
async fn slow_add(a: i64, b: i64) -> i64 {
    YieldOnce(false).await;
    a + b
}

#[star_builtin(signature = (word, *, times = 2))]
async fn repeat(word: String, times: usize) -> Result<String, String> {
    YieldOnce(false).await;
    if times > 3 {
        return Err(format!("too many: {times}"));
    }
    Ok(word.repeat(times))
}

#[test]
fn async_builtins_run_to_completion() {
    assert!(slow_add::BUILTIN.is_async());
    assert_eq!(slow_add::BUILTIN.doc, "Adds, eventually.");
    assert_eq!(
        call(&slow_add::BUILTIN, &[int(1), int(2)], &[]),
        "slow_add(1, 2) == 3"
    );
    assert_eq!(
        call(&slow_add::BUILTIN, &[int(1), s("2")], &[]),
        r#"slow_add(1, "2") !! Type: slow_add: for parameter "b": got string, want int"#
    );
    assert_eq!(
        call(&repeat::BUILTIN, &[s("ab")], &[]),
        r#"repeat("ab") == "abab""#
    );
    assert_eq!(
        call(&repeat::BUILTIN, &[s("ab")], &[("times", int(5))]),
        r#"repeat("ab", times=5) !! Host: repeat: too many: 5"#
    );
}

#[test]
fn async_methods() {
    let mut thread = Thread::default();
    let v = echo_async::BUILTIN
        .call_method(&mut thread, &s("ab"), &Args::positional(&[int(3)]))
        .unwrap();
    assert_eq!(v.repr(), r#""ababab""#);
    let e = echo_async::BUILTIN
        .call_method(&mut thread, &int(1), &Args::positional(&[]))
        .unwrap_err();
    assert_eq!(
        e.message(),
        "echo_async: for receiver: got int, want string"
    );
}

#[test]
fn async_arguments_are_converted_before_the_future_exists() {
    // The future is returned unpolled, owning its inputs: the arguments can go first.
    let star_core::call::NativeImpl::Async(f) = slow_add::BUILTIN.imp else {
        panic!("not async");
    };
    let mut thread = Thread::default();
    let future = {
        let args = vec![int(20), int(22)];
        f(&mut thread, &Value::None, &Args::positional(&args)).unwrap()
    };
    assert_eq!(thread.await_native(future).unwrap().repr(), "42");
    let Err(e) = f(&mut thread, &Value::None, &Args::positional(&[])) else {
        panic!("bad arguments make no future");
    };
    assert_eq!(
        e.message(),
        r#"slow_add: missing argument for required parameter "a""#
    );
}

// ---------------------------------------------------------------------------------------
// Host types.

/// A point in the plane.
#[derive(StarValue)]
pub struct Point {
    pub x: i64,
    pub y: i64,
    #[star(name = "label")]
    pub name: String,
    #[star(skip)]
    pub cache: i64,
    secret: String,
}

#[star_methods]
impl Point {
    fn new(x: i64, y: i64) -> Point {
        Point {
            x,
            y,
            name: "p".into(),
            cache: 0,
            secret: String::new(),
        }
    }

    /// The squared distance from the origin.
    pub fn norm2(&self) -> i64 {
        self.x * self.x + self.y * self.y
    }

    /// A moved copy.
    #[star(name = "shifted", signature = (dx, dy = 0))]
    pub fn shift(&self, dx: i64, dy: i64) -> Self {
        Point::new(self.x + dx, self.y + dy)
    }

    pub fn is_same(&self, other: &Point) -> bool {
        self.x == other.x && self.y == other.y && self.secret == other.secret
    }

    pub fn describe(&self, thread: &Thread) -> String {
        format!("{} on {}", self.name, thread.name())
    }

    /// Borrows from the receiver.
    pub fn label(&self) -> &str {
        &self.name
    }

    pub fn log(&self, thread: &mut Thread, prefix: &str) {
        thread.print(&format!("{prefix}{}", self.x));
    }

    #[star(skip)]
    pub fn hidden(&self) -> i64 {
        self.cache
    }
}

/// A host type without methods, holding a script value.
#[derive(StarValue)]
#[star(name = "bag")]
pub struct Bag {
    pub items: Value,
    pub tags: Vec<String>,
}

fn host_method(v: &Value, name: &str, args: &[Value]) -> star_core::Result<Value> {
    let Value::Host(h) = v else {
        panic!("not a host value")
    };
    let m = h.method(name).expect("method exists");
    m.call_method(&mut Thread::new("worker"), v, &Args::positional(args))
}

#[test]
fn derived_attributes_and_repr() {
    let p = Value::host(Point::new(1, 2));
    assert_eq!(p.type_name(), "Point");
    assert_eq!(p.repr(), r#"Point(x = 1, y = 2, label = "p")"#);
    let Value::Host(h) = &p else { unreachable!() };
    let host = h.get();
    assert_eq!(host.attr("x").unwrap().repr(), "1");
    assert_eq!(host.attr("label").unwrap().repr(), r#""p""#);
    assert!(host.attr("name").is_none());
    assert!(host.attr("cache").is_none());
    assert!(host.attr("secret").is_none());
    assert_eq!(host.attr_names(), ["label", "x", "y"]);
    let e = host.set_attr("x", int(3)).unwrap_err();
    assert_eq!(e.message(), "can't assign to .x field of Point");
    let e = host.hash().unwrap_err();
    assert_eq!(e.message(), "unhashable type: Point");

    let bag = Value::host(Bag {
        items: Value::list(vec![int(1)]),
        tags: vec!["a".into()],
    });
    assert_eq!(bag.type_name(), "bag");
    assert_eq!(bag.repr(), r#"bag(items = [1], tags = ["a"])"#);
}

#[test]
fn derived_equality() {
    let a = Value::host(Point::new(1, 2));
    let b = Value::host(Point::new(1, 2));
    let c = Value::host(Point::new(1, 3));
    assert!(a.equals(&b).unwrap());
    assert!(!a.equals(&c).unwrap());
    let bag = Value::host(Bag {
        items: Value::None,
        tags: vec![],
    });
    assert!(!a.equals(&bag).unwrap());
    assert!(!a.equals(&int(1)).unwrap());
    // Fields compare by script equality: a list and an equal list are equal.
    let bag1 = Value::host(Bag {
        items: Value::list(vec![int(1)]),
        tags: vec![],
    });
    let bag2 = Value::host(Bag {
        items: Value::list(vec![int(1)]),
        tags: vec![],
    });
    assert!(bag1.equals(&bag2).unwrap());
}

#[test]
fn freezing_reaches_held_values() {
    let list = Value::list(vec![int(1)]);
    let bag = Value::host(Bag {
        items: list.clone(),
        tags: vec![],
    });
    assert!(!bag.is_frozen());
    list.as_list().unwrap().push(int(2)).unwrap();
    bag.freeze();
    assert!(bag.is_frozen());
    let e = list.as_list().unwrap().push(int(3)).unwrap_err();
    assert_eq!(e.message(), "cannot append to frozen list");
    // The attribute is the same list, not a copy.
    let Value::Host(h) = &bag else { unreachable!() };
    let items = h.get().attr("items").unwrap();
    assert!(items.ptr_eq(&list));
    assert_eq!(items.repr(), "[1, 2]");
}

#[test]
fn derived_conversions() {
    let v = Point::new(3, 4).into_value();
    let p: &Point = FromValue::from_value(&v).unwrap();
    assert_eq!(p.norm2(), 25);
    let e = <&Point as FromValue>::from_value(&int(1)).err().unwrap();
    assert_eq!(e.to_string(), "got int, want Point");
    assert_eq!(<&Bag as FromValue>::expected(), "bag");
}

#[test]
fn methods_through_host_method() {
    let p = Value::host(Point::new(3, 4));
    assert_eq!(host_method(&p, "norm2", &[]).unwrap().repr(), "25");
    let moved = host_method(&p, "shifted", &[int(1)]).unwrap();
    assert_eq!(moved.repr(), r#"Point(x = 4, y = 4, label = "p")"#);
    let q = Value::host(Point::new(3, 4));
    assert_eq!(host_method(&p, "is_same", &[q]).unwrap().repr(), "True");
    assert_eq!(
        host_method(&p, "is_same", &[int(1)]).unwrap_err().message(),
        r#"is_same: for parameter "other": got int, want Point"#
    );
    assert_eq!(
        host_method(&p, "describe", &[]).unwrap().repr(),
        r#""p on worker""#
    );
    let Value::Host(h) = &p else { unreachable!() };
    assert!(h.method("shift").is_none(), "renamed");
    assert!(h.method("hidden").is_none(), "skipped");
    assert!(h.method("new").is_none(), "not a &self method");
    let names: Vec<&str> = h.get().methods().iter().map(|m| m.name).collect();
    assert_eq!(
        names,
        ["norm2", "shifted", "is_same", "describe", "label", "log"]
    );
    assert_eq!(host_method(&p, "label", &[]).unwrap().repr(), r#""p""#);
    let out = Rc::new(RefCell::new(String::new()));
    let sink = out.clone();
    let mut thread = Thread::default();
    thread.set_print(move |line| sink.borrow_mut().push_str(line));
    let log = h.method("log").unwrap();
    let r = log
        .call_method(&mut thread, &p, &Args::positional(&[s("x=")]))
        .unwrap();
    assert!(matches!(r, Value::None));
    assert_eq!(*out.borrow(), "x=3");
    let shifted = h.method("shifted").unwrap();
    assert_eq!(shifted.help(), "shifted(dx, dy=0)\n\nA moved copy.");
    // A method called on the wrong receiver.
    let e = h
        .method("norm2")
        .unwrap()
        .call_method(&mut Thread::default(), &int(1), &Args::positional(&[]))
        .unwrap_err();
    assert_eq!(e.message(), "norm2: for receiver: got int, want Point");
    // A type without #[star_methods] has none.
    let bag = Value::host(Bag {
        items: Value::None,
        tags: vec![],
    });
    let Value::Host(b) = &bag else { unreachable!() };
    assert!(b.get().methods().is_empty());
}

// ---------------------------------------------------------------------------------------
// Modules.

/// Arithmetic for scripts.
///
/// Everything here is pure.
#[star_module]
mod math {
    use star_core::star_builtin;
    use star_core::value::Str;

    #[star(name = "pi")]
    pub const PI: f64 = 3.25;

    pub const ANSWER: i64 = 42;

    #[star(skip)]
    pub const INTERNAL: i64 = 7;

    /// Squares a number.
    #[star_builtin(pure)]
    pub fn square(x: f64) -> f64 {
        x * x
    }

    /// Joins strings.
    ///
    /// With a separator.
    #[star_builtin(signature = (*parts, sep = ","))]
    pub fn join(parts: Vec<String>, sep: &str) -> String {
        parts.join(sep)
    }

    /// Not a member: a method builtin.
    #[star_builtin(method)]
    pub fn shout(this: &Str) -> String {
        this.to_str_lossy().to_uppercase() + "!"
    }

    pub fn helper() -> i64 {
        INTERNAL
    }
}

#[test]
fn module_members() {
    let m: NativeModule = math::module();
    assert_eq!(m.name(), "math");
    assert_eq!(
        m.doc(),
        "Arithmetic for scripts.\n\nEverything here is pure."
    );
    let names: Vec<&str> = m.members().iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["pi", "ANSWER", "square", "join"]);
    assert_eq!(m.get("pi").unwrap().repr(), "3.25");
    let Some(Value::Builtin(square)) = m.get("square") else {
        panic!("square is a builtin")
    };
    assert!(square.pure);
    assert_eq!(math::helper(), 7);
    assert_eq!(math::shout::BUILTIN.name, "shout");

    let v = m.into_value();
    assert_eq!(v.type_name(), "module");
    assert_eq!(v.repr(), r#"<module "math">"#);
    let Value::Host(h) = &v else { unreachable!() };
    assert_eq!(h.get().attr_names(), ["ANSWER", "join", "pi", "square"]);
    let join = h.get().attr("join").unwrap();
    let r = Thread::default()
        .call(
            &join,
            &Args::new(&[s("a"), s("b")], &[Str::new("sep")], &[s("+")]),
        )
        .unwrap();
    assert_eq!(r.repr(), r#""a+b""#);
    assert!(h.get().attr("INTERNAL").is_none());
}

#[test]
fn module_help() {
    insta::assert_snapshot!(math::module().help());
}

#[test]
fn module_freezing() {
    let mut m = NativeModule::new("box", "");
    let list = Value::list(vec![]);
    m.add("items", list.clone());
    m.add("items", list.clone());
    assert_eq!(m.members().len(), 1, "adding a name again replaces it");
    let v = m.into_value();
    assert!(!v.is_frozen());
    v.freeze();
    assert!(list.as_list().unwrap().push(int(1)).is_err());
    assert!(v.is_frozen());
}

//! Tests of the compiler and the machine through small programs.

use std::cell::RefCell;
use std::rc::Rc;

use crate::call::{Args, NativeFunction, NativeImpl, Signature};
use crate::eval::{ExecError, Module, Predeclared};
use crate::thread::Thread;
use crate::value::Value;
use crate::{Dialect, Result};

static SIG: Signature = Signature {
    params: &[],
    positional: 0,
    positional_only: 0,
    slots: 0,
    has_args: true,
    has_kwargs: false,
};

fn print_impl(t: &mut Thread, _: &Value, args: &Args<'_>) -> Result<Value> {
    let s: Vec<String> = args.positional.iter().map(|v| v.to_str()).collect();
    t.print(&s.join(" "));
    Ok(Value::None)
}

static PRINT: NativeFunction = NativeFunction {
    name: "print",
    doc: "",
    signature: &SIG,
    pure: false,
    imp: NativeImpl::Sync(print_impl),
};

/// Runs a program; returns its printed lines and the error, if any.
fn run_with(src: &str, dialect: Dialect) -> (String, Option<ExecError>) {
    let out = Rc::new(RefCell::new(String::new()));
    let o = out.clone();
    let mut t = Thread::new("test");
    t.set_print(move |s| {
        o.borrow_mut().push_str(s);
        o.borrow_mut().push('\n');
    });
    let mut m = Module::new(
        "test.star",
        Predeclared::new().with("p", Value::Builtin(&PRINT)),
        dialect,
    );
    let r = m.exec(&mut t, src).err();
    let s = out.borrow().clone();
    (s, r)
}

fn run(src: &str) -> String {
    let (out, err) = run_with(src, Dialect::standard());
    if let Some(e) = err {
        panic!("unexpected error: {}\n{}", e, e.render(src, false));
    }
    out
}

fn run_err(src: &str) -> String {
    let (_, err) = run_with(src, Dialect::standard());
    err.expect("an error").to_string()
}

#[test]
fn arithmetic_and_globals() {
    assert_eq!(
        run("x = 1 + 2 * 3\np(x, x // 2, x % 4, -x // 2, 7 / 2)\n"),
        "7 3 3 -4 3.5\n"
    );
    assert_eq!(
        run("p(1 << 64, -9223372036854775808 - 1)\n"),
        "18446744073709551616 -9223372036854775809\n"
    );
    assert_eq!(
        run("p(1.5 * 2, 2 if False else 3, 0.1 + 0.2)\n"),
        "3.0 3 0.30000000000000004\n"
    );
}

#[test]
fn functions_closures_defaults() {
    let src = "
def add(a, b=10, *args, k=1, **kw):
    return a + b + len_(args) + k + len_(kw)

def len_(x):
    n = 0
    for _ in x:
        n += 1
    return n

def make(n):
    def f(x):
        return x + n
    return f

p(add(1), add(1, 2), add(1, 2, 3, 4), add(1, k=5, z=1))
p(make(3)(4), (lambda x, y=2: x * y)(5))
";
    assert_eq!(run(src), "12 4 6 17\n7 10\n");
}

#[test]
fn loops_comprehensions_and_unpacking() {
    let src = "
def f():
    out = []
    for i in range_(10):
        if i % 2:
            continue
        if i > 6:
            break
        out += [i]
    a, (b, c) = 1, [2, 3]
    return out, [x * y for x in [1, 2] for y in [10, 20] if y > 10], {k: k * 2 for k in [1, 2]}, a + b + c

def range_(n):
    r = []
    i = 0
    for _ in [0] * n:
        r += [i]
        i += 1
    return r

p(f())
";
    assert_eq!(run(src), "([0, 2, 4, 6], [20, 40], {1: 2, 2: 4}, 6)\n");
}

#[test]
fn strings_and_slices() {
    assert_eq!(
        run("s = 'hello'\np(s[1], s[-1], s[1:3], s[::-1], 'x' * 3, s + '!')\n"),
        "e o el olleh xxx hello!\n"
    );
    assert_eq!(
        run("p('%s=%d' % ('a', 3), [1, 2, 3][::2], (1, 2, 3)[1:])\n"),
        "a=3 [1, 3] (2, 3)\n"
    );
}

#[test]
fn runtime_errors_have_backtraces() {
    let e = run_err("def f(x):\n    return x + 'a'\n\ndef g():\n    return f(1)\n\ng()\n");
    assert_eq!(e, "test.star:2:14: unknown binary op: int + string");
    let (_, err) = run_with(
        "def f(x):\n    return x + 'a'\n\ndef g():\n    return f(1)\n\ng()\n",
        Dialect::standard(),
    );
    let e = err.unwrap();
    let frames: Vec<String> = e
        .runtime()
        .unwrap()
        .backtrace()
        .iter()
        .map(|f| f.function.clone())
        .collect();
    assert_eq!(frames, ["f", "g", "<toplevel>"]);
}

#[test]
fn variables_used_before_assignment() {
    assert_eq!(
        run_err("def f():\n    if False:\n        x = 1\n    return x\nf()\n"),
        "test.star:4:12: local variable x referenced before assignment"
    );
    assert_eq!(
        run_err("def f():\n    return y\nf()\ny = 1\n"),
        "test.star:2:12: global variable y referenced before assignment"
    );
}

#[test]
fn recursion_is_refused_unless_allowed() {
    let src = "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\np(fib(15))\n";
    assert_eq!(
        run_err(src),
        "test.star:2:28: function fib called recursively"
    );
    let mut d = Dialect::standard();
    d.recursion = true;
    let (out, err) = run_with(src, d);
    assert!(err.is_none());
    assert_eq!(out, "610\n");
}

#[test]
fn frozen_values_and_iteration_guard() {
    assert_eq!(
        run_err("def f():\n    x = [1, 2]\n    for a in x:\n        x += [a]\nf()\n"),
        "test.star:4:11: cannot apply += to list during iteration"
    );
    assert_eq!(
        run_err("def f():\n    d = {}\n    for k in {1: 2}:\n        d[k] = 1\n    for k in d:\n        d[k + 1] = 2\nf()\n"),
        "test.star:6:10: cannot insert into hash table during iteration"
    );
    let mut t = Thread::default();
    let mut m = Module::new("lib.star", Predeclared::new(), Dialect::standard());
    m.exec(&mut t, "x = [1]\ndef add(v):\n    x[0] = v\n")
        .unwrap();
    let frozen = m.freeze();
    let e = t
        .call(
            &frozen.get("add").unwrap(),
            &Args::positional(&[Value::Int(2)]),
        )
        .unwrap_err();
    assert_eq!(e.message(), "cannot assign to element of frozen list");
}

#[test]
fn arguments_errors() {
    assert_eq!(
        run_err("def f(a, b):\n    pass\nf(1, 2, 3)\n"),
        "test.star:3:1: function f accepts 2 positional arguments (3 given)"
    );
    assert_eq!(
        run_err("def f(name):\n    pass\nf(nmae=1)\n"),
        "test.star:3:1: function f got an unexpected keyword argument \"nmae\" (did you mean \"name\"?)"
    );
    assert_eq!(
        run_err("def f(a, b):\n    pass\nf(1)\n"),
        "test.star:3:1: function f missing 1 argument (b)"
    );
}

#[test]
fn frozen_module_is_shared_between_threads() {
    let mut t = Thread::default();
    let mut m = Module::new("lib.star", Predeclared::new(), Dialect::standard());
    m.exec(&mut t, "data = {'a': [1, 2]}\ndef total(d):\n    s = 0\n    for x in d['a']:\n        s += x\n    return s\n")
        .unwrap();
    let frozen = std::sync::Arc::new(m.freeze());
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let f = frozen.clone();
            std::thread::spawn(move || {
                let mut t = Thread::default();
                let total = f.get("total").unwrap();
                let data = f.get("data").unwrap();
                let r = t
                    .call(&total, &Args::positional(std::slice::from_ref(&data)))
                    .unwrap();
                let e = data
                    .as_dict()
                    .unwrap()
                    .insert(Value::Int(1), Value::None)
                    .unwrap_err();
                (r.as_i64(), e.message().to_string())
            })
        })
        .collect();
    for h in handles {
        assert_eq!(
            h.join().unwrap(),
            (Some(3), "cannot insert into frozen hash table".to_string())
        );
    }
}

#[test]
fn universe_builtins() {
    let src = "
print(len([1, 2]), len('abc'), type(1), str(1.0), repr('a'), bool([]), int('0x1F', 0), int('-42'), float('inf'))
print(sorted([3, 1, 2], reverse=True), sorted(['bb', 'a', 'ccc'], key=len), min(3, 1, 2), max([1, 5, 2]))
print(list(range(3)), tuple([1]), dict([(1, 2)], a=3), enumerate(['x']), zip([1, 2], 'ab'.elems() if False else [3, 4]))
print(abs(-3), any([0, 1]), all([]), chr(65), ord('A'), hash('a'), getattr(1, 'x', 'none'), hasattr([], 'nope'))
print(range(10)[2:8:2], reversed([1, 2, 3]), sep='|')
";
    let (out, err) = run_with(src, Dialect::standard());
    assert!(err.is_none(), "{}", err.unwrap());
    assert_eq!(
        out,
        "2 3 int 1.0 \"a\" False 31 -42 +inf\n\
         [3, 2, 1] [\"a\", \"bb\", \"ccc\"] 1 5\n\
         [0, 1, 2] (1,) {1: 2, \"a\": 3} [(0, \"x\")] [(1, 3), (2, 4)]\n\
         3 True True A 65 97 none False\n\
         range(2, 8, 2)|[3, 2, 1]\n"
    );
}

#[test]
fn builtin_argument_errors() {
    assert_eq!(
        run_err("len(1, 2)\n"),
        "test.star:1:1: len: got 2 arguments, want 1"
    );
    assert_eq!(
        run_err("len(1)\n"),
        "test.star:1:1: len: value of type int has no len"
    );
    assert_eq!(
        run_err("sorted([1], revrse=True)\n"),
        "test.star:1:1: sorted: unexpected keyword argument \"revrse\" (did you mean \"reverse\"?)"
    );
    assert_eq!(run_err("fail('oops', 1)\n"), "test.star:1:1: fail: oops 1");
    assert_eq!(
        run_err("range('a')\n"),
        "test.star:1:1: range: for parameter 1: got string, want int"
    );
}

#[test]
fn methods_of_builtin_types() {
    let src = "
x = [1]
x.append(2)
x.extend((3, 4))
d = {'a': 1}
print(x, x.pop(), x.pop(0), x, d.get('a'), d.get('b', 0), d.items(), '-'.join(['a', 'b']), 'Ab'.upper())
";
    let (out, err) = run_with(src, Dialect::standard());
    assert!(err.is_none(), "{}", err.unwrap());
    assert_eq!(out, "[2, 3] 4 1 [2, 3] 1 0 [(\"a\", 1)] a-b AB\n");
    assert_eq!(
        run_err("x = []\nx.apend(1)\n"),
        "test.star:2:3: list has no .apend field or method (did you mean .append?)"
    );
}

/// Reports the names of the functions on the call stack.
#[crate::star_builtin]
fn stack(thread: &mut Thread) -> String {
    let names: Vec<String> = thread
        .call_stack()
        .into_iter()
        .map(|f| f.function)
        .collect();
    names.join(">")
}

#[test]
fn builtins_see_the_call_stack() {
    let mut t = Thread::default();
    let env = Predeclared::new().with("stack", Value::Builtin(&stack::BUILTIN));
    let mut m = Module::new("s.star", env, Dialect::standard());
    m.exec(
        &mut t,
        "def inner():\n    return stack()\ndef outer():\n    return inner()\nx = outer()\n",
    )
    .unwrap();
    assert_eq!(m.get("x").unwrap().to_str(), "<toplevel>>outer>inner");
    assert!(t.call_stack().is_empty());
}

#[test]
fn exec_again_continues_the_module() {
    let mut m = Module::new(
        "repl",
        Predeclared::new(),
        Dialect {
            global_reassign: true,
            ..Dialect::standard()
        },
    );
    let mut t = Thread::new("t");
    m.exec(&mut t, "x = 1\ny = 10\n").unwrap();
    // A later input sees earlier globals.
    m.exec(&mut t, "def f():\n    return x + y\nz = f()\n")
        .unwrap();
    assert_eq!(m.get("z").unwrap().repr(), "11");
    // An input with static errors changes nothing.
    assert!(m.exec(&mut t, "w = 1\nq = undefined_name\n").is_err());
    assert!(m.exec(&mut t, "print(w)\n").is_err());
    m.exec(&mut t, "x = 2\nz = f()\n").unwrap();
    assert_eq!(m.get("z").unwrap().repr(), "12");
}

/// The code of function `name` defined by `src`, disassembled.
fn disassemble(src: &str, name: &str) -> String {
    let mut t = Thread::new("test");
    let mut m = Module::new("x.star", Predeclared::new(), Dialect::extended());
    m.exec(&mut t, src).expect("program runs");
    match m.get(name) {
        Some(Value::Function(f)) => f.code.disassemble(),
        other => panic!("{name} is not a function: {other:?}"),
    }
}

#[test]
fn comparisons_in_conditions_compare_and_branch_in_one_instruction() {
    let src = "def f(n, m):\n    if n < 2:\n        return 1\n    while n != m:\n        n += 1\n    return [x for x in range(n) if x >= m - 2]\n";
    let dis = disassemble(src, "f");
    for op in ["JumpUnlessLtK", "JumpUnlessNe {", "JumpUnlessGe {"] {
        assert!(dis.contains(op), "no {op} in\n{dis}");
    }
    assert!(!dis.contains("JumpIfFalse"), "{dis}");
    // The fused forms keep the comparison's semantics and its errors.
    let (out, err) = run_with(
        &format!("{src}print(f(0, 3), f(5, 7), f(3, 4))\nf('a', 3)\n"),
        Dialect::extended(),
    );
    assert_eq!(out, "1 [5, 6] [2, 3]\n");
    let err = err.expect("comparing a string with an int fails").message();
    assert_eq!(err, "string < int not implemented");
}

#[test]
fn calls_through_globals_see_reassignment_and_every_argument_form() {
    let mut d = Dialect::extended();
    d.global_reassign = true;
    let src = "
def f(a, b = 2, *args, **kw):
    return (a, b, args, sorted(kw.items()))
def call():
    return f(1), f(1, 3, 4), f(a = 5, c = 6), f(*[7, 8]), f(9, **{'z': 0})
print(call())
def f(x):
    return 'new %s' % x
print(f(1))
g = f
def f(x):
    return 'newer %s' % x
print(g(1), f(2))
h = 1
def k():
    return h()
k()
";
    let (out, err) = run_with(src, d);
    assert_eq!(
        out,
        "((1, 2, (), []), (1, 3, (4,), []), (5, 2, (), [(\"c\", 6)]), (7, 8, (), []), (9, 2, (), [(\"z\", 0)]))\nnew 1\nnew 1 newer 2\n"
    );
    assert_eq!(
        err.expect("calling an int fails").message(),
        "invalid call of non-function (int)"
    );
    let (_, err) = run_with(
        "def k():\n    return m()\nk()\nm = k\n",
        Dialect::extended(),
    );
    assert_eq!(
        err.expect("m is unbound").message(),
        "global variable m referenced before assignment"
    );
}
#[test]
fn comprehension_loops_test_at_the_bottom() {
    let src = "def f(r):\n    return [i * j for i in range(4) if i != r for j in range(i) if j % 2 == 0]\n";
    let dis = disassemble(src, "f");
    assert_eq!(dis.matches("IterLoop").count(), 2, "{dis}");
    assert!(!dis.contains("Jump {"), "{dis}");
    let (out, _) = run_with(
        &format!("{src}print(f(2), f(9), [x for x in []])\n"),
        Dialect::extended(),
    );
    assert_eq!(out, "[0, 0, 6] [0, 0, 0, 6] []\n");
}
#[test]
fn constant_operands_on_either_side_keep_the_operators_semantics() {
    let src = "
def f(x, y):
    return [2 * x, 2.0 * x, 1 + x, 1.5 - x, 10 / x, 7 / y, x / 4, x * 3, 3 * 'ab', 2 * [y]]
print(f(4, 2))
print(f(2.5, -4))
def g(x):
    x += 1
    x -= 0.5
    x *= 2
    x /= 4
    return x
print(g(3), g(-1.5))
def h(n):
    n += 1
    return n
";
    let (out, err) = run_with(src, Dialect::extended());
    assert!(err.is_none(), "{err:?}");
    assert_eq!(
        out,
        "[8, 8.0, 5, -2.5, 2.5, 3.5, 1.0, 12, \"ababab\", [2, 2]]\n\
         [5.0, 5.0, 3.5, -1.0, 4.0, -1.75, 0.625, 7.5, \"ababab\", [-4, -4]]\n\
         1.75 -0.5\n"
    );
    for (call, msg) in [
        ("f('a', 1)", "unknown binary op: float * string"),
        ("f(0, 1)", "floating-point division by zero"),
        ("f(1, 0)", "floating-point division by zero"),
        ("h([1])", "unknown binary op: list + int"),
        ("h('s')", "unknown binary op: string + int"),
        ("h(9223372036854775807)", "ok"),
    ] {
        let (out, err) = run_with(&format!("{src}print({call})"), Dialect::extended());
        match err {
            Some(e) => assert_eq!(e.message(), msg, "{call}"),
            None => assert!(
                msg == "ok" && out.ends_with("9223372036854775808\n"),
                "{call}: {out}"
            ),
        }
    }
}

/// `x.name(args)` compiles to `LoadMethod` + `CallMethod`, which call a built-in
/// method without a bound-method value; everything else must behave as `GetAttr` then
/// `Call` did.
#[test]
fn method_calls() {
    let src = "
x = '-'
p(x.join([x for x in ['a', 'b']]))
def f(y):
    return y.join([y for y in ['c', 'd']]), y
p(f('+'))
l = []
l.append(1)
l.extend([2, 3])
p(l, {'a': 1}.get('a'), {'a': 1}.get(*['b', 2]), 'a b'.split(*[' ']))
m = 'a-b'.split
p(m('-'), ','.join(('x', 'y')))
d = {}
d.update(k=1)
p(d)
def g():
    return 'a,b'.split(',')[0].upper().lower()
p(g(), b'ab'.elems())
";
    assert_eq!(
        run(src),
        "a-b\n(\"c+d\", \"+\")\n[1, 2, 3] 1 2 [\"a\", \"b\"]\n[\"a\", \"b\"] x,y\n{\"k\": 1}\na b\"ab\".elems()\n"
    );
    // The attribute is looked up before the arguments are evaluated.
    let (out, err) = run_with(
        "def g():\n    p('g')\n(1).nosuch(g())\n",
        Dialect::standard(),
    );
    assert_eq!(out, "");
    assert_eq!(
        err.unwrap().to_string(),
        "test.star:3:5: int has no .nosuch field or method"
    );
    assert_eq!(
        run_err("'a'.upper(1)\n"),
        "test.star:1:1: upper: got 1 arguments, want 0"
    );
    assert_eq!(
        run_err("'a'.split(sep=',')\n"),
        "test.star:1:1: split: unexpected keyword arguments"
    );
    assert_eq!(
        run_err("[].append(1, 2)\n"),
        "test.star:1:1: append: got 2 arguments, want 1"
    );
}

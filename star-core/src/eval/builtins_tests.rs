//! Tests of the universe's builtins and of the operators' messages, run as Starlark
//! through `Module::exec`.
//!
//! Each case is a program whose last line binds `x`, and the `repr` of `x` or the
//! message the program fails with; the messages are the reference implementation's.

use crate::eval::{Module, Predeclared};
use crate::thread::Thread;
use crate::Dialect;

/// Runs `src`, then `x = <expr>` if `src` is a single expression: the repr of `x`, or
/// the error message.
fn run(src: &str) -> Result<String, String> {
    let mut t = Thread::new("test");
    let mut m = Module::new("test.star", Predeclared::new(), Dialect::extended());
    let program = if src.contains('\n') {
        format!("{src}\n")
    } else {
        format!("x = {src}\n")
    };
    match m.exec(&mut t, &program) {
        Ok(()) => Ok(m.get("x").map(|x| x.repr()).unwrap_or_default()),
        Err(e) => Err(e.message()),
    }
}

/// Checks that each program evaluates to a value with the given repr.
fn values(cases: &[(&str, &str)]) {
    for (src, want) in cases {
        match run(src) {
            Ok(got) => assert_eq!(&got, want, "{src}"),
            Err(e) => panic!("{src}: unexpected error: {e}"),
        }
    }
}

/// Checks that each program fails with the given message.
fn errors(cases: &[(&str, &str)]) {
    for (src, want) in cases {
        match run(src) {
            Ok(v) => panic!("{src}: expected an error, got {v}"),
            Err(e) => assert_eq!(&e, want, "{src}"),
        }
    }
}

#[test]
fn builtins_that_want_an_iterable_name_the_parameter() {
    errors(&[
        ("list(1)", "list: for parameter 1: got int, want iterable"),
        ("tuple(1)", "tuple: for parameter 1: got int, want iterable"),
        ("set(1)", "set: for parameter 1: got int, want iterable"),
        (
            "enumerate(1)",
            "enumerate: for parameter 1: got int, want iterable",
        ),
        ("all(1)", "all: for parameter 1: got int, want iterable"),
        ("any(1)", "any: for parameter 1: got int, want iterable"),
        (
            "reversed(1)",
            "reversed: for parameter 1: got int, want iterable",
        ),
        (
            "sorted(1)",
            "sorted: for parameter iterable: got int, want iterable",
        ),
        ("dict(1)", "dict: got int, want iterable"),
        ("zip([], 1)", "zip: argument #2 is not iterable: int"),
        ("min(1)", "min: int value is not iterable"),
        ("max(1)", "max: int value is not iterable"),
        ("set([1, {}])", "set: unhashable type: dict"),
    ]);
}

#[test]
fn an_explicit_none_is_not_a_missing_argument() {
    values(&[
        (r#"getattr(1, "nope", None)"#, "None"),
        (r#"getattr(1, "nope", 2)"#, "2"),
        ("list()", "[]"),
        ("tuple()", "()"),
        ("set()", "set([])"),
        ("dict()", "{}"),
        ("sorted([2, 1])", "[1, 2]"),
        ("min(2, 1)", "1"),
        ("int(\"ff\", 16)", "255"),
    ]);
    errors(&[
        (
            r#"getattr(1, "nope")"#,
            "getattr: int has no .nope field or method",
        ),
        (
            "list(None)",
            "list: for parameter 1: got NoneType, want iterable",
        ),
        (
            "tuple(None)",
            "tuple: for parameter 1: got NoneType, want iterable",
        ),
        (
            "set(None)",
            "set: for parameter 1: got NoneType, want iterable",
        ),
        ("dict(None)", "dict: got NoneType, want iterable"),
        ("int(\"1\", None)", "int: for base, got NoneType, want int"),
        (
            "int(1, None)",
            "int: can't convert non-string with explicit base",
        ),
        (
            "sorted([1], key=None)",
            "sorted: for parameter key: got NoneType, want callable",
        ),
        (
            "min(1, 2, key=None)",
            "min: for parameter key: got NoneType, want callable",
        ),
        (
            "max([1], key=1)",
            "max: for parameter key: got int, want callable",
        ),
        (
            "sorted([1], reverse=1)",
            "sorted: for parameter reverse: got int, want bool",
        ),
    ]);
}

#[test]
fn sorted_compares_as_the_reference_and_reports_the_last_failure() {
    values(&[
        ("sorted([3, 1, 2], reverse=True)", "[3, 2, 1]"),
        (
            r#"sorted(["bb", "a", "ccc", "dd"], key=len)"#,
            r#"["a", "bb", "dd", "ccc"]"#,
        ),
        (
            r#"sorted(["bb", "a", "ccc", "dd"], key=len, reverse=True)"#,
            r#"["ccc", "bb", "dd", "a"]"#,
        ),
        // Equal keys keep their order, reversed or not.
        ("sorted([1, 1.0, 0])", "[0, 1, 1.0]"),
        ("sorted([1, 1.0, 0], reverse=True)", "[1, 1.0, 0]"),
        (
            "sorted([(1, \"b\"), (1, \"a\")], key=lambda p: p[0])",
            "[(1, \"b\"), (1, \"a\")]",
        ),
        ("sorted([b\"b\", b\"a\"])", "[b\"a\", b\"b\"]"),
        // Long enough for merges after the insertion-sorted blocks; stable.
        (
            "sorted([(i * 7) % 50 for i in range(100)])[:8]",
            "[0, 0, 1, 1, 2, 2, 3, 3]",
        ),
        (
            "sorted([(i % 3, i) for i in range(45)], key=lambda p: p[0])[14:16]",
            "[(0, 42), (1, 1)]",
        ),
    ]);
    errors(&[
        // 2 < 1, None < 2 (fails), 3 < None (fails): the last failure is reported.
        ("sorted([1, 2, None, 3])", "int < NoneType not implemented"),
        ("sorted([1, \"one\"])", "string < int not implemented"),
        (
            "sorted([(1, 2), (1, \"a\"), (0, 1)])",
            "string < int not implemented",
        ),
        (
            "sorted([1, \"one\"], reverse=True)",
            "int < string not implemented",
        ),
    ]);
}

#[test]
fn min_and_max() {
    values(&[
        ("min([3, 1, 2])", "1"),
        ("max(3, 1, 2)", "3"),
        ("min(5, -2, 1, key=lambda x: x * x)", "1"),
    ]);
    errors(&[
        ("min()", "min requires at least one positional argument"),
        (
            "max(key=len)",
            "max requires at least one positional argument",
        ),
        ("min([])", "min: argument is an empty sequence"),
        ("min(1, \"a\")", "min: string < int not implemented"),
        ("max(1, \"a\")", "max: string > int not implemented"),
    ]);
}

#[test]
fn range_values_and_messages() {
    values(&[
        ("range(10)", "range(10)"),
        ("range(0, 10)", "range(10)"),
        ("range(1, 10)", "range(1, 10)"),
        ("range(0, 10, 2)", "range(0, 10, 2)"),
        ("len(range(0x7fffffff))", "2147483647"),
        ("2.0 in range(3)", "True"),
        ("2.5 in range(3)", "False"),
        ("1e100 in range(4)", "False"),
        ("(1 << 70) in range(4)", "False"),
    ]);
    errors(&[
        (
            "range(3000000000)",
            "range: for parameter 1: 3000000000 out of range (want value in signed 32-bit range)",
        ),
        (
            "range(0, 1, -3000000000)",
            "range: for parameter 3: -3000000000 out of range (want value in signed 32-bit range)",
        ),
        (
            "range(1, 2.0)",
            "range: for parameter 2: got float, want int",
        ),
        ("range(1, 2, 0)", "range: step argument must not be zero"),
        (
            "True in range(3)",
            "'in <range>' requires integer as left operand, not bool",
        ),
        (
            r#""one" in range(3)"#,
            "'in <range>' requires integer as left operand, not string",
        ),
    ]);
}

#[test]
fn index_messages_name_the_sequence() {
    errors(&[
        ("[1, 2, 3][3]", "list index 3 out of range [-3:2]"),
        ("[1, 2, 3][-4]", "list index -4 out of range [-3:2]"),
        ("(1,)[1]", "tuple index 1 out of range [-1:0]"),
        (r#""abc"[5]"#, "string index 5 out of range [-3:2]"),
        (r#"b"abc"[5]"#, "bytes index 5 out of range [-3:2]"),
        ("range(0, 0, 2)[:][0]", "index 0 out of range: empty range"),
        ("[][0]", "index 0 out of range: empty list"),
        ("range(3)[1.0]", "range index: got float, want int"),
        ("[1][None]", "list index: got NoneType, want int"),
        ("[1][1 << 40]", "list index: 1099511627776 out of range"),
        ("x = [1]\nx[2] = 0", "list index 2 out of range [-1:0]"),
    ]);
}

#[test]
fn slice_messages() {
    errors(&[
        (
            r#""banana"[1.0::]"#,
            "invalid start index: got float, want int",
        ),
        (
            r#""banana"[:"":]"#,
            "invalid end index: got string, want int",
        ),
        (
            r#""banana"[::True]"#,
            "invalid slice step: got bool, want int",
        ),
    ]);
}

#[test]
fn keyword_arguments_spread_twice_are_the_callees_to_report() {
    values(&[
        ("dict(a=1, **{'b': 2})", r#"{"a": 1, "b": 2}"#),
        ("dict((['a', 2],), a=4)", r#"{"a": 4}"#),
    ]);
    errors(&[
        (
            "dict({'b': 3}, a=4, **dict(a=5))",
            r#"dict: duplicate keyword arg: "a""#,
        ),
        (
            "x = {}\nx.update(a=1, **{'a': 2})",
            r#"update: duplicate keyword arg: "a""#,
        ),
        (
            "sorted([1], key=len, **{'key': len})",
            r#"sorted: got multiple values for parameter "key""#,
        ),
        (
            "def f(x):\n    return x\nx = f(x=1, **dict(x=2))",
            r#"function f got multiple values for parameter "x""#,
        ),
        (
            "def g(**kw):\n    return kw\nx = g(y=2, **{'y': 3})",
            r#"function g got multiple values for parameter "y""#,
        ),
    ]);
}

#[test]
fn float_conversions() {
    values(&[
        ("float(\"1.5\")", "1.5"),
        ("float(\"-Inf\")", "-inf"),
        ("\"%d\" % 3.7", "\"3\""),
    ]);
    errors(&[
        ("float(None)", "float: got NoneType, want number or string"),
        (
            "float(\"1e1000\")",
            "float: floating-point number too large",
        ),
        ("float(\"\")", "float: empty string"),
        (
            "float(1 << 500 << 500 << 100)",
            "float: int too large to convert to float",
        ),
        (
            "\"%d\" % float(\"nan\")",
            "%d format requires integer: cannot convert float NaN to integer",
        ),
        (
            "\"%x\" % float(\"-inf\")",
            "%x format requires integer: cannot convert float infinity to integer",
        ),
    ]);
}

#[test]
fn chr_and_percent_c() {
    values(&[
        ("chr(65)", r#""A""#),
        // A surrogate is not a character: U+FFFD, as the reference gives.
        ("chr(0xD800) == \"\\ufffd\"", "True"),
    ]);
    errors(&[
        ("chr(-1)", "chr: Unicode code point -1 out of range (<0)"),
        (
            "chr(0x110000)",
            "chr: Unicode code point U+110000 out of range (>0x10FFFF)",
        ),
        ("chr(1.5)", "chr: got float, want int"),
        (
            "\"%c\" % 65.0",
            "%c format requires int or single-character string, not float",
        ),
        (
            "\"%c\" % -1",
            "%c format requires a valid Unicode code point, got -1",
        ),
        (
            "\"%c\" % \"ab\"",
            "%c format requires a single-character string",
        ),
    ]);
}

#[test]
fn set_tests_take_at_most_one_argument() {
    values(&[("set([1]).isdisjoint([2])", "True")]);
    errors(&[
        (
            "set([1]).isdisjoint([1], [2])",
            "isdisjoint: got 2 arguments, want at most 1",
        ),
        (
            "set([1]).issubset([1], [2])",
            "issubset: got 2 arguments, want at most 1",
        ),
        (
            "set([1]).issuperset()",
            "issuperset: got 0 arguments, want 1",
        ),
    ]);
}

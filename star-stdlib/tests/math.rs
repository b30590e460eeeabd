//! The `math` module, run from Starlark: values at and around the edges of each
//! function's domain, ints and floats as arguments, the types of the results, and the
//! exact error messages (those of google/starlark-go's lib/math).

mod common;

use common::{error, eval_str, run};

const PRELUDE: &str = r#"
inf, nan = float("inf"), float("nan")
huge = (1 << 511) * (1 << 511) * (1 << 511)  # too large for a float

def check(f, cases):
    for args, want in cases:
        got = f(*args)
        if type(got) != type(want) or not (got == want or (got != got and want != want)):
            fail("%s%r: got %r, want %r" % (f, tuple(args), got, want))

def near(got, want):
    return math.fabs(got - want) < 1e-14
"#;

fn script(body: &str) {
    run(&format!("{PRELUDE}{body}"));
}

#[test]
fn members() {
    assert_eq!(
        eval_str("dir(math)"),
        r#"["acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "copysign", "cos", "cosh", "degrees", "e", "exp", "fabs", "floor", "gamma", "hypot", "log", "mod", "pi", "pow", "radians", "remainder", "round", "sin", "sinh", "sqrt", "tan", "tanh"]"#
    );
    assert_eq!(eval_str("math.e"), "2.718281828459045");
    assert_eq!(eval_str("math.pi"), "3.141592653589793");
}

#[test]
fn ceil_and_floor() {
    script(
        r#"
check(math.ceil, [
    ((0.0,), 0), ((0.4,), 1), ((0.5,), 1), ((1.0,), 1), ((10.0,), 10),
    ((-0.0,), 0), ((-0.4,), 0), ((-0.5,), 0), ((-1.0,), -1), ((-10.0,), -10),
    ((0,), 0), ((1,), 1), ((-10,), -10),
    ((1 << 100,), 1 << 100),
    (((1 << 63) + 0.5,), 1 << 63),
    ((1e30,), 1000000000000000019884624838656),
    ((-1e30,), -1000000000000000019884624838656),
])
check(math.floor, [
    ((0.0,), 0), ((0.4,), 0), ((0.5,), 0), ((1.0,), 1), ((10.0,), 10),
    ((-0.0,), 0), ((-0.4,), -1), ((-0.5,), -1), ((-1.0,), -1), ((-10.0,), -10),
    ((7,), 7), ((-(1 << 100),), -(1 << 100)),
    (((1 << 63) + 0.5,), int(float(1 << 63))),
    ((9.2e18,), 9200000000000000000),
    ((-9.3e18 - 0.5,), -9300000000000000000),
])
eq(math.ceil((1 << 63) + 0.5), int(float((1 << 63) + 1)))

for f in [math.ceil, math.floor]:
    fails(lambda: f(inf), "cannot convert float infinity to integer")
    fails(lambda: f(-inf), "cannot convert float infinity to integer")
    fails(lambda: f(nan), "cannot convert float NaN to integer")
fails(lambda: math.ceil("0"), 'ceil: for parameter 1: got string, want float or int')
fails(lambda: math.floor(None), 'floor: for parameter 1: got NoneType, want float or int')
"#,
    );
}

#[test]
fn float_results() {
    script(
        r#"
check(math.fabs, [((2.0,), 2.0), ((-2.0,), 2.0), ((-0.0,), 0.0), ((-2,), 2.0), ((0,), 0.0),
                  ((inf,), inf), ((-inf,), inf), ((nan,), nan)])
check(math.round, [((0.0,), 0.0), ((0.4,), 0.0), ((0.5,), 1.0), ((0.6,), 1.0), ((1.5,), 2.0),
                   ((2.5,), 3.0), ((-0.4,), -0.0), ((-0.5,), -1.0), ((-2.5,), -3.0),
                   ((10,), 10.0), ((inf,), inf), ((-inf,), -inf), ((nan,), nan)])
check(math.mod, [((5, 3), 2.0), ((-5, 3), -2.0), ((5, -3), 2.0), ((5.5, 2), 1.5),
                 ((inf, 1), nan), ((-inf, 1.0), nan), ((nan, 1.0), nan), ((1.0, 0.0), nan),
                 ((1, 0), nan), ((1.0, inf), 1.0), ((1.0, -inf), 1.0), ((1.0, nan), nan)])
check(math.pow, [((5, 3), 125.0), ((5, 0), 1.0), ((5, 1), 5.0), ((1, 5), 1.0), ((2, -1), 0.5),
                 ((inf, 1), inf), ((-inf, 1.0), -inf), ((nan, 1.0), nan), ((1.1, inf), inf),
                 ((1.1, -inf), 0.0), ((2.0, nan), nan), ((1, nan), 1.0), ((nan, 0), 1.0),
                 ((-8, 1.0 / 3), nan), ((0, -1), inf)])
check(math.copysign, [((3.2, -1), -3.2), ((inf, -1.0), -inf), ((-inf, -1), -inf), ((-1, nan), 1.0),
                      ((2, -0.0), -2.0), ((-2, 0), 2.0)])
eq(str(math.copysign(nan, -1)), "nan")
check(math.remainder, [((3, 5), -2.0), ((7, 5), 2.0), ((5, 2), 1.0), ((7, 2), -1.0),
                       ((-3, 5), 2.0), ((1, 0), nan), ((2, inf), 2.0), ((2, -inf), 2.0),
                       ((inf, -1.0), nan), ((-inf, -1), nan), ((nan, -1), nan), ((-1, nan), nan),
                       ((1e300, 7), 1.0), ((1e300, 11), -4.0), ((1e300, 1e-300), 4.891554850853602e-301)])
check(math.exp, [((0.0,), 1.0), ((0,), 1.0), ((1.0,), math.e), ((1,), math.e), ((-1,), 1 / math.e),
                 ((inf,), inf), ((-inf,), 0.0), ((nan,), nan), ((1000,), inf)])
check(math.sqrt, [((0.0,), 0.0), ((4.0,), 2.0), ((4,), 2.0), ((2,), 1.4142135623730951),
                  ((-4.0,), nan), ((-4,), nan), ((nan,), nan), ((inf,), inf), ((-inf,), nan),
                  ((huge,), inf), ((1000000000000000000000000000000,), 1e15)])
if not near(math.exp(2), math.e * math.e):
    fail("exp(2)")
"#,
    );
}

#[test]
fn trigonometry() {
    script(
        r#"
check(math.acos, [((1.0,), 0.0), ((1,), 0.0), ((0,), math.pi / 2), ((-1,), math.pi),
                  ((1.01,), nan), ((-1.01,), nan), ((inf,), nan), ((-inf,), nan), ((nan,), nan)])
check(math.asin, [((0,), 0.0), ((1.0,), math.pi / 2), ((-1,), -math.pi / 2),
                  ((1.01,), nan), ((-inf,), nan), ((nan,), nan)])
check(math.atan, [((0,), 0.0), ((1.0,), math.pi / 4), ((-1,), -math.pi / 4),
                  ((inf,), math.pi / 2), ((-inf,), -math.pi / 2), ((nan,), nan)])
check(math.atan2, [
    ((1, 1), math.pi / 4), ((-1.0, 1.0), -math.pi / 4), ((-1, -1), -3 * math.pi / 4),
    ((0, 10.0), 0.0), ((0.0, -10), math.pi), ((-0.0, -10), -math.pi),
    ((10.0, 0), math.pi / 2), ((-10, 0.0), -math.pi / 2),
    ((1.0, nan), nan), ((nan, 1.0), nan),
    ((10.0, inf), 0.0), ((-10.0, inf), -0.0), ((10.0, -inf), math.pi), ((-10.0, -inf), -math.pi),
    ((inf, 10.0), math.pi / 2), ((-inf, -10.0), -math.pi / 2),
    ((inf, inf), math.pi / 4), ((-inf, inf), -math.pi / 4),
    ((inf, -inf), 3 * math.pi / 4), ((-inf, -inf), -3 * math.pi / 4),
])
check(math.cos, [((0,), 1.0), ((math.pi,), -1.0), ((-math.pi,), -1.0),
                 ((inf,), nan), ((-inf,), nan), ((nan,), nan)])
check(math.sin, [((0,), 0.0), ((math.pi / 2,), 1.0), ((-math.pi / 2,), -1.0),
                 ((inf,), nan), ((nan,), nan)])
check(math.tan, [((0,), 0.0), ((0.0,), 0.0), ((inf,), nan), ((-inf,), nan), ((nan,), nan)])
check(math.hypot, [((4, 3), 5.0), ((4.0, 3.0), 5.0), ((inf, 3.0), inf), ((-inf, 3), inf),
                   ((3.0, -inf), inf), ((inf, nan), inf), ((nan, 3.0), nan), ((3.0, nan), nan),
                   ((1e200, 1e200), 1.414213562373095e200)])
for got, want in [(math.cos(math.pi / 2), 0), (math.cos(-math.pi / 2), 0),
                  (math.tan(math.pi / 4), 1), (math.tan(-math.pi / 4), -1)]:
    if not near(got, want):
        fail("got %r, want about %r" % (got, want))

one_degree_in_radians = 0.017453292519943295
one_radian_in_degrees = 57.29577951308232
check(math.degrees, [((1.0,), one_radian_in_degrees), ((-1,), -one_radian_in_degrees),
                     ((math.pi,), 180.0), ((inf,), inf), ((-inf,), -inf), ((nan,), nan)])
check(math.radians, [((1,), one_degree_in_radians), ((-1.0,), -one_degree_in_radians),
                     ((180,), math.pi), ((inf,), inf), ((-inf,), -inf), ((nan,), nan)])
"#,
    );
}

#[test]
fn hyperbolic() {
    script(
        r#"
check(math.acosh, [((1.0,), 0.0), ((1,), 0.0), ((0.99,), nan), ((0,), nan), ((-0.99,), nan),
                   ((-inf,), nan), ((inf,), inf), ((nan,), nan)])
check(math.asinh, [((0.0,), 0.0), ((0,), 0.0), ((inf,), inf), ((-inf,), -inf), ((nan,), nan)])
for x, want in [(1, 0.881373587019543), (-1.0, -0.881373587019543)]:
    if not near(math.asinh(x), want):
        fail("asinh(%r) = %r" % (x, math.asinh(x)))
check(math.atanh, [((0,), 0.0), ((0.5,), 0.5493061443340548), ((-0.5,), -0.5493061443340548),
                   ((1,), inf), ((-1,), -inf), ((1.1,), nan), ((-1.1,), nan),
                   ((inf,), nan), ((-inf,), nan), ((nan,), nan)])
check(math.cosh, [((1.0,), 1.5430806348152437), ((1,), 1.5430806348152437), ((0,), 1.0),
                  ((-inf,), inf), ((inf,), inf), ((nan,), nan)])
check(math.sinh, [((0,), 0.0), ((1.0,), 1.1752011936438014), ((-1,), -1.1752011936438014),
                  ((-inf,), -inf), ((inf,), inf), ((nan,), nan)])
check(math.tanh, [((0,), 0.0), ((1.0,), 0.7615941559557649), ((-1,), -0.7615941559557649),
                  ((-inf,), -1.0), ((inf,), 1.0), ((nan,), nan)])
"#,
    );
}

#[test]
fn log_and_gamma() {
    script(
        r#"
check(math.log, [((math.e,), 1.0), ((1,), 0.0), ((10, 10), 1.0), ((10.0, 10.0), 1.0),
                 ((2, 2.0), 1.0), ((8, 2), 3.0), ((100, 10), 2.0), ((0.0,), -inf), ((0,), -inf),
                 ((-1.0,), nan), ((-1,), nan), ((nan,), nan), ((inf,), inf),
                 ((huge,), inf), ((2, 0.5), -1.0), ((1, 1.5), 0.0)])
fails(lambda: math.log(2, 1), "division by zero")
fails(lambda: math.log(0.99, 1.0), "division by zero")
fails(lambda: math.log("0"), 'log: for parameter 1: got string, want float or int')
fails(lambda: math.log(10, "10"), 'log: for parameter 2: got string, want float or int')

check(math.gamma, [((1.0,), 1.0), ((1,), 1.0), ((2,), 1.0), ((5,), 24.0), ((10,), 362880.0),
                   ((0.5,), 1.7724538509055159), ((0,), inf), ((-0.0,), -inf), ((-1,), nan),
                   ((-2.0,), nan), ((-inf,), nan), ((inf,), inf), ((nan,), nan), ((172,), inf)])
for x, want in [(2.5, 1.329340388179137), (-0.5, -3.5449077018110318), (20, 121645100408832000.0)]:
    if math.fabs(math.gamma(x) - want) > 1e-13 * math.fabs(want):
        fail("gamma(%r) = %r, want %r" % (x, math.gamma(x), want))
"#,
    );
}

#[test]
fn argument_errors() {
    script(
        r#"
unary = [math.fabs, math.round, math.exp, math.sqrt, math.acos, math.asin, math.atan,
         math.cos, math.sin, math.tan, math.degrees, math.radians, math.acosh, math.asinh,
         math.atanh, math.cosh, math.sinh, math.tanh, math.gamma, math.ceil, math.floor,
         math.log]
binary = [math.copysign, math.mod, math.pow, math.remainder, math.atan2, math.hypot]
for f in unary:
    name = str(f)[len("<built-in function "):-1]
    fails(lambda: f("0"), name + ': for parameter 1: got string, want float or int')
    fails(lambda: f([]), name + ': for parameter 1: got list, want float or int')
for f in binary:
    name = str(f)[len("<built-in function "):-1]
    fails(lambda: f("0", 1.0), name + ': for parameter 1: got string, want float or int')
    fails(lambda: f(1.0, "0"), name + ': for parameter 2: got string, want float or int')
    fails(lambda: f(True, 1), name + ': for parameter 1: got bool, want float or int')
"#,
    );
    // Positional only, as in the reference.
    assert!(error("math.sqrt(x=4)").starts_with("sqrt: "));
    assert!(error("math.sqrt()").starts_with("sqrt: "));
    assert!(error("math.sqrt(1, 2)").starts_with("sqrt: "));
    assert!(error("math.pow(1)").starts_with("pow: "));
    assert!(error("math.log(1, base=2)").starts_with("log: "));
}

#[test]
fn help() {
    let help = star_stdlib::math::module().help();
    assert!(help.starts_with("module math\n"), "{help}");
    assert!(help.contains("log(x, base=E, /)"), "{help}");
    assert!(help.contains("atan2(y, x, /)"), "{help}");
    assert!(help.contains("pi = 3.141592653589793"), "{help}");
}

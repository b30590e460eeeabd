//! Fuzzes the evaluator with valid programs built from the input: each byte picks a
//! statement shape from a table of the constructs hostile code uses (calls, recursion,
//! comprehensions, big ints, string methods, deep nesting, mutation during iteration,
//! freezing, json), with names and numbers taken from the following bytes. Under tight
//! limits, no program may panic, abort, hang or overshoot its deadline.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "eval_common.rs"]
mod eval_common;

/// Statement shapes; `{a}`, `{b}` are variables, `{n}` a number, `{s}` a string.
const SHAPES: &[&str] = &[
    "{a} = {n}",
    "{a} = [{b}, {n}, '{s}']",
    "{a} = {{'{s}': {b}, {n}: [{b}]}}",
    "{a} = ({b}, {n})",
    "{a} = {b} * {n}",
    "{a} = {b} + {b}",
    "{a} = {n} << ({n} % 200)",
    "{a} = [{b}] * {n}",
    "{a} = '{s}' * {n}",
    "{a} = [x for x in range({n}) if x % 3]",
    "{a} = {{x: [x] for x in range({n})}}",
    "{a} = sorted([{b}, {n}], key = lambda v: str(v))",
    "{a} = str({b}) + repr({b})",
    "{a} = '{s}'.replace('{s}', '{s}{s}').split('{s}')",
    "{a} = json.encode({b}) if type({b}) != 'function' else 0",
    "{a} = struct(x = {b}, y = [{a}])",
    "for i in range({n}):\n    {a} = [{a}]",
    "for i in range({n}):\n    {a} = ({a}, i)",
    "for x in [{b}]:\n    {a} = x",
    "def f{n}(x, *args, **kw):\n    return [x, args, kw]\n{a} = f{n}({b}, {n}, k = {b})",
    "def g{n}(n):\n    return n if n <= 0 else g{n}(n - 1) + 1\n{a} = g{n}({n})",
    "{a} = [{a}]\n{a}[0] = {a}",
    "{a} = {{}}\n{a}['k'] = {a}",
    "{a} = [1, 2]\nfor x in {a}:\n    {a}.append(x)",
    "{a} = min([{n}, {b}], key = lambda v: 0)",
    "{a} = {b} == {b}",
    "{a} = hash('{s}')",
    "{a} = 7\nfor i in range({n} % 30):\n    {a} = {a} * {a}",
    "{a} = int('9' * {n})",
    "{a} = len(str({b}))",
];

const NAMES: &[&str] = &["a", "b", "c", "d"];
const STRINGS: &[&str] = &["", "x", "ab", "é", "{}", "%s", "\\n"];

fuzz_target!(|data: &[u8]| {
    let mut src = String::from("a = 0\nb = 1\nc = []\nd = {}\n");
    for chunk in data.chunks(4) {
        let [shape, a, b, n] = match chunk {
            [w, x, y, z] => [*w, *x, *y, *z],
            _ => break,
        };
        let stmt = SHAPES[shape as usize % SHAPES.len()]
            .replace("{a}", NAMES[a as usize % NAMES.len()])
            .replace("{b}", NAMES[b as usize % NAMES.len()])
            .replace("{n}", &(n as u32 * n as u32).to_string())
            .replace("{s}", STRINGS[(a ^ b) as usize % STRINGS.len()])
            .replace("{{", "{")
            .replace("}}", "}");
        src.push_str(&stmt);
        src.push('\n');
    }
    eval_common::run(&src);
});

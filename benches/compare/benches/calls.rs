//! The cost of calling a macro-declared builtin: star's `#[star_builtin]` against the
//! `starlark` crate's `#[starlark_module]`, in the same run. See ../README.md.
//!
//! The builtin is `mix(a, b, c=0, *, scale=1) = (a + b + c) * scale` in both.
//!
//! Groups:
//! * `direct/*`: one call from Rust with positional (`mix(1, 2)`) or keyword
//!   (`mix(1, b=2, scale=3)`) arguments: star's `NativeFunction::call`, starlark's
//!   `Evaluator::eval_function` (which also sets up a call-stack frame; it is the
//!   crate's only public way to call a value from Rust).
//! * `script/*`: a Starlark function calling the builtin 10,000 times in a loop, run
//!   by each interpreter: the overhead a script actually sees, interpreter loop included.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use star_core::call::Args;
use star_core::eval::{Module, Predeclared};
use star_core::value::Str;
use star_core::{star_builtin, Dialect, Thread, Value};
use starlark::environment::{Globals, GlobalsBuilder, Module as SlModule};
use starlark::eval::Evaluator;
use starlark::starlark_module;
use starlark::syntax::{AstModule, Dialect as SlDialect};
use starlark::values::Value as SlValue;

#[star_builtin(signature = (a, b, c = 0, *, scale = 1))]
fn mix(a: i64, b: i64, c: i64, scale: i64) -> i64 {
    (a + b + c) * scale
}

#[starlark_module]
fn sl_globals(builder: &mut GlobalsBuilder) {
    fn mix(
        a: i32,
        b: i32,
        #[starlark(default = 0)] c: i32,
        #[starlark(require = named, default = 1)] scale: i32,
    ) -> anyhow::Result<i32> {
        Ok((a + b + c) * scale)
    }
}

const LOOP: &str = "
def run_pos():
    s = 0
    for i in range(10000):
        s += mix(i, 2)
    return s

def run_kw():
    s = 0
    for i in range(10000):
        s += mix(i, b=2, scale=3)
    return s
";

fn bench(c: &mut Criterion) {
    // star
    let mut thread = Thread::new("bench");
    let pos = [Value::Int(1), Value::Int(2)];
    let names = [Str::new("b"), Str::new("scale")];
    let named = [Value::Int(2), Value::Int(3)];
    let one = [Value::Int(1)];
    assert_eq!(
        mix::BUILTIN
            .call(&mut thread, &Args::positional(&pos))
            .unwrap()
            .as_i64(),
        Some(3)
    );
    let mut module = Module::new(
        "bench.star",
        Predeclared::new().with("mix", Value::Builtin(&mix::BUILTIN)),
        Dialect::standard(),
    );
    module.exec(&mut thread, LOOP).unwrap();
    let (star_pos, star_kw) = (
        module.get("run_pos").unwrap(),
        module.get("run_kw").unwrap(),
    );

    // starlark
    let globals: Globals = GlobalsBuilder::standard().with(sl_globals).build();
    SlModule::with_temp_heap(|sl_module| {
        let mut eval = Evaluator::new(&sl_module);
        let ast = AstModule::parse("bench.star", LOOP.to_owned(), &SlDialect::Extended).unwrap();
        eval.eval_module(ast, &globals).unwrap();
        let sl_mix = globals
            .iter()
            .find(|(n, _)| *n == "mix")
            .map(|(_, v)| v.to_value())
            .unwrap();
        let heap = sl_module.heap();
        let (sl_pos, sl_kw) = (
            sl_module.get("run_pos").unwrap(),
            sl_module.get("run_kw").unwrap(),
        );
        let (v1, v2, v3): (SlValue, SlValue, SlValue) =
            (heap.alloc(1), heap.alloc(2), heap.alloc(3));
        let star_total = thread.call(&star_pos, &Args::positional(&[])).unwrap();
        let sl_total = eval.eval_function(sl_pos, &[], &[]).unwrap();
        assert_eq!(star_total.repr(), sl_total.to_string());

        let mut g = c.benchmark_group("direct");
        g.bench_function("star_positional", |b| {
            b.iter(|| {
                mix::BUILTIN
                    .call(&mut thread, black_box(&Args::positional(&pos)))
                    .unwrap()
            })
        });
        g.bench_function("starlark_positional", |b| {
            b.iter(|| {
                eval.eval_function(sl_mix, black_box(&[v1, v2]), &[])
                    .unwrap()
            })
        });
        g.bench_function("star_keyword", |b| {
            b.iter(|| {
                mix::BUILTIN
                    .call(&mut thread, black_box(&Args::new(&one, &names, &named)))
                    .unwrap()
            })
        });
        g.bench_function("starlark_keyword", |b| {
            b.iter(|| {
                eval.eval_function(sl_mix, black_box(&[v1]), &[("b", v2), ("scale", v3)])
                    .unwrap()
            })
        });
        g.finish();

        let mut g = c.benchmark_group("script");
        g.bench_function("star_positional", |b| {
            b.iter(|| thread.call(&star_pos, &Args::positional(&[])).unwrap())
        });
        g.bench_function("starlark_positional", |b| {
            b.iter(|| eval.eval_function(sl_pos, &[], &[]).unwrap())
        });
        g.bench_function("star_keyword", |b| {
            b.iter(|| thread.call(&star_kw, &Args::positional(&[])).unwrap())
        });
        g.bench_function("starlark_keyword", |b| {
            b.iter(|| eval.eval_function(sl_kw, &[], &[]).unwrap())
        });
        g.finish();
    });
}

criterion_group! {
    name = calls;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = bench
}
criterion_main!(calls);

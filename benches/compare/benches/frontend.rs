//! Front-end throughput: star against the `starlark` crate (facebook/starlark-rust) on
//! the same ~4 MB generated program, in the same run. See ../../README.md.
//!
//! Groups (throughput in decimal MB/s of source text):
//! * `frontend/star_parse`: star scan + parse (`star_core::syntax::parse`).
//! * `frontend/star_parse_resolve`: the same, then `Resolver::resolve_module`.
//! * `frontend/starlark_parse`: `starlark::syntax::AstModule::parse` (lex + parse +
//!   its post-parse validation); the owned `String` it consumes is made outside the
//!   timed part.
//! * `reference/starlark_parse_lint`: the same, then `AstModuleLint::lint` with the set of
//!   globals: starlark-rust's only static name check that needs no evaluation (a linter
//!   running several other checks too, not a resolver that assigns slots). Reference
//!   only.
//! * `streaming/star_whole` and `streaming/star_1byte`: star's `StreamParser` fed the
//!   whole text in one `push`, or one byte per `push`.
//!
//! In every case the result (tree, errors) is built and dropped inside the timed part
//! (criterion's `iter_batched` would otherwise drop starlark's tree untimed).

use std::collections::HashSet;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use star_bench_compare::{generate, BENCH_SIZE, PREDECLARED};
use star_core::resolve::{Resolver, StandardNames, UNIVERSE};
use star_core::syntax::{parse, ScanOptions, StreamParser};
use star_core::Dialect;
use starlark::analysis::AstModuleLint;
use starlark::syntax::{AstModule, Dialect as SlDialect};

const FILE: &str = "bench.star";

fn star_names() -> StandardNames {
    StandardNames {
        predeclared: PREDECLARED.iter().map(|s| s.to_string()).collect(),
    }
}

fn star_parse_resolve(src: &str, dialect: &Dialect, names: &StandardNames) -> usize {
    let (mut module, syntax_errors) = parse(src, ScanOptions::default());
    let mut resolver = Resolver::new(dialect, names, FILE);
    let resolve_errors = resolver.resolve_module(&mut module);
    module.stmts.len() + syntax_errors.len() + resolve_errors.len()
}

fn star_stream(src: &[u8], chunk: usize) -> usize {
    let mut sp = StreamParser::new(ScanOptions::default());
    let mut out = Vec::new();
    for c in src.chunks(chunk) {
        sp.push(c, &mut out);
    }
    sp.finish(&mut out);
    out.len()
}

/// Checks once, before timing, that both implementations accept the input.
fn check(src: &str, dialect: &Dialect, names: &StandardNames, sl_globals: &HashSet<String>) {
    let (mut module, syntax_errors) = parse(src, ScanOptions::default());
    assert!(
        syntax_errors.is_empty(),
        "star syntax errors: {syntax_errors:?}"
    );
    let n = module.stmts.len();
    let mut resolver = Resolver::new(dialect, names, FILE);
    let resolve_errors = resolver.resolve_module(&mut module);
    assert!(
        resolve_errors.is_empty(),
        "star resolve errors: {resolve_errors:?}"
    );

    let ast = AstModule::parse(FILE, src.to_owned(), &SlDialect::Standard)
        .unwrap_or_else(|e| panic!("starlark parse error: {e}"));
    let undefined: Vec<_> = ast
        .lint(Some(sl_globals))
        .into_iter()
        .filter(|l| l.short_name.contains("undefined"))
        .collect();
    assert!(
        undefined.is_empty(),
        "starlark undefined names: {undefined:?}"
    );

    // Streaming in 1-byte chunks gives the same statements as whole.
    let mut sp = StreamParser::new(ScanOptions::default());
    let mut out = Vec::new();
    for b in src.as_bytes().chunks(1) {
        sp.push(b, &mut out);
    }
    sp.finish(&mut out);
    assert_eq!(out.len(), n);
    assert!(out.iter().all(|r| r.is_ok()));
    eprintln!(
        "input: {} bytes, {} lines, {} top-level statements; both implementations accept it",
        src.len(),
        src.lines().count(),
        n
    );
}

fn benches(c: &mut Criterion) {
    let src = generate(BENCH_SIZE);
    let dialect = Dialect::standard();
    let names = star_names();
    let sl_globals: HashSet<String> = UNIVERSE
        .iter()
        .chain(PREDECLARED)
        .map(|s| s.to_string())
        .collect();
    check(&src, &dialect, &names, &sl_globals);
    if let Ok(path) = std::env::var("BENCH_DUMP") {
        std::fs::write(&path, &src).unwrap();
        eprintln!("input written to {path}");
    }

    let mut g = c.benchmark_group("frontend");
    g.throughput(Throughput::BytesDecimal(src.len() as u64));
    g.bench_function("star_parse", |b| {
        b.iter(|| {
            let (module, errors) = parse(black_box(&src), ScanOptions::default());
            module.stmts.len() + errors.len()
        })
    });
    g.bench_function("star_parse_resolve", |b| {
        b.iter(|| star_parse_resolve(black_box(&src), &dialect, &names))
    });
    g.bench_function("starlark_parse", |b| {
        b.iter_batched(
            || src.clone(),
            |s| AstModule::parse(FILE, s, &SlDialect::Standard).is_ok(),
            BatchSize::PerIteration,
        )
    });
    g.finish();

    // Slow (~0.4 s an iteration): its own group, with a longer measurement time.
    let mut g = c.benchmark_group("reference");
    g.throughput(Throughput::BytesDecimal(src.len() as u64));
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("starlark_parse_lint", |b| {
        b.iter_batched(
            || src.clone(),
            |s| {
                let ast = AstModule::parse(FILE, s, &SlDialect::Standard).unwrap();
                ast.lint(Some(&sl_globals)).len()
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();

    let mut g = c.benchmark_group("streaming");
    g.throughput(Throughput::BytesDecimal(src.len() as u64));
    g.measurement_time(Duration::from_secs(7));
    g.bench_function("star_whole", |b| {
        b.iter(|| star_stream(black_box(src.as_bytes()), usize::MAX))
    });
    g.bench_function("star_1byte", |b| {
        b.iter(|| star_stream(black_box(src.as_bytes()), 1))
    });
    g.finish();
}

criterion_group! {
    name = frontend;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6));
    targets = benches
}
criterion_main!(frontend);

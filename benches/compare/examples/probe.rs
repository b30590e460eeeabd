//! A quick, single-shot split of star's front-end time on the benchmark input (not a
//! benchmark: no statistics). Run: `cargo run --release -j2 --example probe`.
//!
//! Prints, per size: scanning alone (`Scanner::scan_all`), scan + parse, resolving an
//! already parsed tree, and dropping the tree and the token vector.

use std::time::Instant;

use star_bench_compare::{generate, BENCH_SIZE, PREDECLARED};
use star_core::resolve::{Resolver, StandardNames};
use star_core::syntax::{parse, ScanOptions, Scanner};

fn main() {
    let names = StandardNames {
        predeclared: PREDECLARED.iter().map(|s| s.to_string()).collect(),
    };
    let dialect = star_core::Dialect::standard();
    println!(
        "size_of: Token {} B, Expr {} B, Stmt {} B",
        std::mem::size_of::<star_core::syntax::Token>(),
        std::mem::size_of::<star_core::syntax::Expr>(),
        std::mem::size_of::<star_core::syntax::Stmt>()
    );
    for size in [BENCH_SIZE / 10, BENCH_SIZE] {
        let src = generate(size);
        let mb = src.len() as f64 / 1e6;
        for _ in 0..3 {
            let t = Instant::now();
            let tokens = Scanner::scan_all(ScanOptions::default(), &src);
            let scan = t.elapsed().as_secs_f64();
            let ntok = tokens.len();
            let t = Instant::now();
            drop(tokens);
            let drop_tokens = t.elapsed().as_secs_f64();

            let t = Instant::now();
            let (mut module, errors) = parse(&src, ScanOptions::default());
            let scan_parse = t.elapsed().as_secs_f64();
            assert!(errors.is_empty());

            let t = Instant::now();
            let mut resolver = Resolver::new(&dialect, &names, "bench.star");
            let errors = resolver.resolve_module(&mut module);
            let resolve = t.elapsed().as_secs_f64();
            assert!(errors.is_empty());

            let t = Instant::now();
            drop(module);
            drop(resolver);
            let drop_tree = t.elapsed().as_secs_f64();

            println!(
                "{:>8} B, {ntok} tokens | scan {:5.1} MB/s ({:3.0} ns/token) | scan+parse {:5.1} MB/s | \
                 resolve {:5.1} MB/s | drop tokens {:4.1} ms | drop tree {:4.1} ms",
                src.len(),
                mb / scan,
                scan * 1e9 / ntok as f64,
                mb / scan_parse,
                mb / resolve,
                drop_tokens * 1e3,
                drop_tree * 1e3,
            );
        }
    }
}

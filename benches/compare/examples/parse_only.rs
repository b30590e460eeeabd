//! Repeatedly parses and resolves the benchmark input (for profilers).
use star_bench_compare::{generate, BENCH_SIZE, PREDECLARED};
use star_core::resolve::{Resolver, StandardNames};
use star_core::syntax::{parse, ScanOptions};

fn main() {
    let names = StandardNames {
        predeclared: PREDECLARED.iter().map(|s| s.to_string()).collect(),
    };
    let dialect = star_core::Dialect::standard();
    let src = generate(BENCH_SIZE);
    let t = std::time::Instant::now();
    let n = 10;
    for _ in 0..n {
        let (mut module, errors) = parse(&src, ScanOptions::default());
        assert!(errors.is_empty());
        let mut r = Resolver::new(&dialect, &names, "bench.star");
        assert!(r.resolve_module(&mut module).is_empty());
    }
    let secs = t.elapsed().as_secs_f64() / n as f64;
    println!("parse+resolve+drop: {:.1} MB/s", src.len() as f64 / 1e6 / secs);
}

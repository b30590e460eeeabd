//! Splits star's front-end time into scan, parse, resolve and drop (for profiling).
use star_bench_compare::{generate, BENCH_SIZE, PREDECLARED};
use star_core::resolve::{Resolver, StandardNames};
use star_core::syntax::{parse, ScanOptions, Scanner};
use std::time::Instant;

fn main() {
    let names = StandardNames {
        predeclared: PREDECLARED.iter().map(|s| s.to_string()).collect(),
    };
    let dialect = star_core::Dialect::standard();
    let src = generate(BENCH_SIZE);
    let mb = src.len() as f64 / 1e6;
    for _ in 0..3 {
        // Scan in 32 KiB slices into a small, reused buffer (as the parser does).
        let t = Instant::now();
        let mut sc = Scanner::new(ScanOptions::default());
        let mut toks = Vec::new();
        let mut n = 0;
        for piece in src.as_bytes().chunks(4 * 1024) {
            sc.push(piece, &mut toks);
            n += toks.len();
            toks.clear();
        }
        sc.finish(&mut toks);
        n += toks.len();
        let scan = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let (mut module, errors) = parse(&src, ScanOptions::default());
        let parse_t = t.elapsed().as_secs_f64();
        assert!(errors.is_empty());
        let t = Instant::now();
        let mut r = Resolver::new(&dialect, &names, "bench.star");
        assert!(r.resolve_module(&mut module).is_empty());
        let resolve = t.elapsed().as_secs_f64();
        let t = Instant::now();
        drop(module);
        let dropt = t.elapsed().as_secs_f64();
        println!(
            "scan {:.0} MB/s ({:.0} ns/tok) | scan+parse {:.0} MB/s | resolve {:.0} MB/s | drop {:.0} ms | total {:.1} MB/s",
            mb / scan, scan * 1e9 / n as f64, mb / parse_t, mb / resolve, dropt * 1e3,
            mb / (parse_t + resolve + dropt)
        );
    }
}

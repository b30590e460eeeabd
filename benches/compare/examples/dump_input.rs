fn main() { print!("{}", star_bench_compare::generate(star_bench_compare::BENCH_SIZE / 40)); }

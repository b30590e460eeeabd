//! What the evaluator targets share: running a program under tight limits, the way a
//! host running untrusted code would, and checking that the run ended within them.

use std::time::{Duration, Instant};

use star_core::eval::limits::Limits;
use star_core::eval::{Module, Predeclared};
use star_core::{Dialect, Thread, Value};

/// The deadline of every run.
pub const DEADLINE: Duration = Duration::from_millis(500);

/// Runs `src` in the extended dialect under limits (steps, 64 MiB of values, a size
/// limit, a depth of 50 calls, a deadline), with `json` and `struct` predeclared.
/// Panics (a crash for the fuzzer) if the run overshoots its deadline by more than the
/// cost rule allows, or leaves values behind once its module is dropped.
pub fn run(src: &str) {
    let mut predeclared = Predeclared::new().with("json", Value::from(star_stdlib::json::module()));
    for (name, v) in star_stdlib::structs::module().members() {
        predeclared.insert(name, v.clone());
    }
    let mut thread = Thread::new("fuzz");
    thread.set_print(|_| {});
    thread.set_limits(
        Limits::none()
            .max_steps(200_000)
            .max_memory(64 << 20)
            .max_size(1 << 20)
            .timeout(DEADLINE),
    );
    thread.set_max_depth(50);
    let start = Instant::now();
    {
        let mut module = Module::new("fuzz.star", predeclared, Dialect::extended());
        let _ = module.exec(&mut thread, src);
    }
    let took = start.elapsed();
    // The cost rule: a deadline holds within 10% + 100 ms in a release build. The
    // fuzzer's build runs under AddressSanitizer, several times slower, and a native
    // operation the rule does not guard (linear in a result the size limit bounds,
    // such as `json.encode` of a deeply nested value) runs to its end: this bound
    // catches gross overshoots (the fuzzer's own timeout catches hangs).
    assert!(
        took < DEADLINE * 3 + Duration::from_secs(1),
        "took {took:?}"
    );
}

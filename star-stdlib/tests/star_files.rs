//! The chunked `.star` tests of `tests/star` (one test per file), run as `star test`
//! runs them, with `json.star`, `math.star` and `time.star` loadable as the stdlib's modules.

use star_core::chunked::ExecRunner;
use star_core::eval::{FrozenModule, Module, Predeclared};
use star_core::{Dialect, Thread, Value};

star_core::star_test_files!("tests/star", runner = runner);

fn runner() -> ExecRunner {
    ExecRunner::new(false)
        .with_module(
            "json.star",
            exporting("json", star_stdlib::json::module().into()),
        )
        .with_module(
            "math.star",
            exporting("math", star_stdlib::math::module().into()),
        )
        .with_module(
            "time.star",
            exporting("time", star_stdlib::time::module().into()),
        )
}

/// A loadable module whose one export, `name`, is `value`.
fn exporting(name: &str, value: Value) -> FrozenModule {
    let env = Predeclared::new().with("native", value);
    let mut module = Module::new(&format!("{name}.star"), env, Dialect::standard());
    let mut thread = Thread::new("load");
    module
        .exec(&mut thread, &format!("{name} = native\n"))
        .unwrap_or_else(|e| panic!("{}", e.message()));
    module.freeze()
}

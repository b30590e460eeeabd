//! The chunked `.star` tests of `tests/star` (one test per file), run as `star test`
//! runs them, with the stdlib's native modules loadable (`json.star`, `math.star`,
//! `re.star`, `struct.star`, `time.star`) and the clock granted.

use star_core::chunked::ExecRunner;
use star_core::interp::{Loader, Source};

star_core::star_test_files!("tests/star", runner = runner);

fn runner() -> ExecRunner {
    let package = star_stdlib::package();
    let mut runner = ExecRunner::new(false).with_thread(star_stdlib::time::allow_clock);
    for file in [
        "json.star",
        "math.star",
        "re.star",
        "struct.star",
        "time.star",
    ] {
        let Ok(Source::Native(module)) = package.load(file) else {
            panic!("{file} is not a native module of the package");
        };
        runner = runner.with_module(file, (*module).clone());
    }
    runner
}

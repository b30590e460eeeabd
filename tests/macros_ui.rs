//! Compile-error tests of the macros (trybuild): each file in `ui/` is a mistake a user
//! can make, and its `.stderr` is the message the compiler shows, pointing at the
//! offending token. Regenerate with `TRYBUILD=overwrite cargo test -p star-tests --test
//! macros_ui` and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
}

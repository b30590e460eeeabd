//! The language tests: each `.star` file of `tests/star` (chunked format, as `star
//! test` runs it) is one test.

star_core::star_test_files!("star");

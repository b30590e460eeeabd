//! Fuzzes the evaluator with any bytes as a program: under tight limits, no input may
//! panic, abort, hang or overshoot its deadline (see `eval_common.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "eval_common.rs"]
mod eval_common;

fuzz_target!(|data: &[u8]| {
    eval_common::run(&String::from_utf8_lossy(data));
});

//! Fuzzes the front end: arbitrary bytes, cut into chunks at positions taken from the
//! input, must scan, parse and resolve without panicking, and the chunked result must
//! equal the whole-input result.
#![no_main]

use libfuzzer_sys::fuzz_target;
use star_core::syntax::{Scanner, StreamParser};
use star_core::{check_source, Dialect};

fuzz_target!(|data: &[u8]| {
    // The first byte chooses a cut stride, the second a dialect; the rest is the program.
    if data.len() < 2 {
        return;
    }
    let stride = 1 + (data[0] as usize % 17);
    let src = &data[2..];
    let opts = Dialect::extended().scan_options();

    let whole = {
        let mut sc = Scanner::new(opts);
        let mut out = Vec::new();
        sc.push(src, &mut out);
        sc.finish(&mut out);
        out
    };
    let mut sc = Scanner::new(opts);
    let mut out = Vec::new();
    let mut sp = StreamParser::new(opts);
    let mut stmts = Vec::new();
    for chunk in src.chunks(stride) {
        sc.push(chunk, &mut out);
        sp.push(chunk, &mut stmts);
    }
    sc.finish(&mut out);
    sp.finish(&mut stmts);
    assert_eq!(out, whole, "chunking changed the tokens");

    let dialect = if data[1] & 1 == 0 {
        Dialect::standard()
    } else {
        Dialect::extended()
    };
    let text = String::from_utf8_lossy(src);
    let _ = check_source("fuzz.star", &text, &dialect);
});

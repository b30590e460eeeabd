use std::cell::Cell;

use star_core::StarValue;

// A `Cell` could change after freezing, so the type cannot be a host value.
#[derive(StarValue)]
pub struct Counter {
    hits: Cell<i64>,
}

fn main() {}

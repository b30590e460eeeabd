use star_core::star_builtin;

#[star_builtin(nmae = "x")]
fn f() {}

fn main() {}

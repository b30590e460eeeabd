use star_core::star_builtin;

#[star_builtin(signature = (a, c))]
fn f(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}

use star_core::star_builtin;

// The signature lists the parameters in another order than the function.
#[star_builtin(signature = (b, a))]
fn swapped(a: i64, b: i64) -> i64 {
    a - b
}

// A parameter of the function is missing from the signature.
#[star_builtin(signature = (a, *, b))]
fn missing(a: i64, b: i64, c: i64) -> i64 {
    a + b + c
}

fn main() {}

use star_core::star_builtin;

// `/` after `*`.
#[star_builtin(signature = (a, *, b, /))]
fn slash_after_star(a: i64, b: i64) -> i64 {
    a + b
}

// A bare `*` with no keyword-only parameter after it.
#[star_builtin(signature = (a, *))]
fn lonely_star(a: i64) -> i64 {
    a
}

// `**kwargs` is not last.
#[star_builtin(signature = (**kwargs, a))]
fn kwargs_first(kwargs: Vec<(String, i64)>, a: i64) -> i64 {
    a + kwargs.len() as i64
}

fn main() {}

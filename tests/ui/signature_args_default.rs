use star_core::star_builtin;

#[star_builtin(signature = (*args = Vec::new()))]
fn f(args: Vec<i64>) -> usize {
    args.len()
}

#[star_builtin(signature = (**kwargs = 1))]
fn g(kwargs: Vec<(String, i64)>) -> usize {
    kwargs.len()
}

fn main() {}

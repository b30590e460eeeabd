use star_core::star_builtin;

#[star_builtin(signature = (*args, *more))]
fn f(args: Vec<i64>, more: Vec<i64>) -> usize {
    args.len() + more.len()
}

#[star_builtin(signature = (a, *, *args))]
fn g(a: i64, args: Vec<i64>) -> usize {
    a as usize + args.len()
}

fn main() {}

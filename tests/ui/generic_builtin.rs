use star_core::star_builtin;

#[star_builtin]
fn identity<T: Clone>(x: T) -> T {
    x
}

fn main() {}

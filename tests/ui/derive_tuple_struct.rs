use star_core::StarValue;

#[derive(StarValue)]
pub struct Meters(pub f64);

fn main() {}

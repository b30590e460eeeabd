use star_core::StarValue;

#[derive(StarValue)]
pub enum Shape {
    Circle,
    Square,
}

fn main() {}

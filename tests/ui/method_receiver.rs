use star_core::{star_methods, StarValue};

#[derive(StarValue)]
pub struct Counter {
    pub n: i64,
}

#[star_methods]
impl Counter {
    pub fn bump(&mut self) {
        self.n += 1;
    }

    pub fn take(self) -> i64 {
        self.n
    }
}

fn main() {}

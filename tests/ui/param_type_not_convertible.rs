use star_core::star_builtin;

pub struct Config {
    pub verbose: bool,
}

#[star_builtin]
fn configure(config: Config) -> bool {
    config.verbose
}

fn main() {}

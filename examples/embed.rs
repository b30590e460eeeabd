//! Embedding star: host builtins and a host type declared with the macros, a script
//! that uses them, and its results read back in Rust.
//!
//! Run with `cargo run -p star-examples --example embed`.

use star_core::eval::{Module, Predeclared};
use star_core::{star_builtin, star_methods, Dialect, StarValue, Thread, Value};

/// Greets someone, with an optional punctuation mark (keyword-only).
#[star_builtin(signature = (name, *, punct = "!"))]
fn greet(name: &str, punct: &str) -> String {
    format!("Hello, {name}{punct}")
}

/// Parses a port number; fails with the parser's error on bad input.
#[star_builtin]
fn port(text: &str) -> Result<u16, std::num::ParseIntError> {
    text.trim().parse()
}

/// Sums ints given positionally, scaled by `factor`.
#[star_builtin(signature = (*values, factor = 1))]
fn total(values: Vec<i64>, factor: i64) -> i64 {
    values.iter().sum::<i64>() * factor
}

/// A point in the plane.
#[derive(Clone, StarValue)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

#[star_methods]
impl Point {
    /// The distance to another point.
    pub fn dist(&self, other: &Point) -> f64 {
        ((self.x - other.x).powi(2) + (self.y - other.y).powi(2)).sqrt()
    }
}

/// Makes a point.
#[star_builtin]
fn point(x: f64, y: f64) -> Point {
    Point { x, y }
}

const SCRIPT: &str = r#"
print(greet("world"), greet("star", punct="?"))
a = point(0, 0)
b = point(3, 4)
print("a =", a, "b.x =", b.x, "distance:", a.dist(b))
print("total:", total(1, 2, 3, factor=10))
ports = [port(p) for p in ["80", " 8080 "]]
"#;

fn main() {
    let predeclared = Predeclared::new()
        .with("greet", Value::Builtin(&greet::BUILTIN))
        .with("port", Value::Builtin(&port::BUILTIN))
        .with("total", Value::Builtin(&total::BUILTIN))
        .with("point", Value::Builtin(&point::BUILTIN));
    let mut module = Module::new("embed.star", predeclared.clone(), Dialect::standard());
    let mut thread = Thread::new("main");
    if let Err(e) = module.exec(&mut thread, SCRIPT) {
        eprint!("{}", e.render(SCRIPT, false));
        std::process::exit(1);
    }
    let ports: Vec<u16> = star_core::FromValue::from_value(&module.get("ports").unwrap()).unwrap();
    println!("ports read back in Rust: {ports:?}");

    // Errors carry the function, the parameter and a position in the script.
    let bad = "port('eighty')\n";
    let mut module = Module::new("bad.star", predeclared, Dialect::standard());
    let err = module.exec(&mut thread, bad).unwrap_err();
    print!("{}", err.render(bad, false));
}

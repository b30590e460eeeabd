// A mutable `Value` cannot cross threads: only frozen values (`FrozenValue`) can.
use star_core::Value;

fn main() {
    let v = Value::list(vec![]);
    std::thread::spawn(move || drop(v));
}

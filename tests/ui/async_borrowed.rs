use star_core::{star_builtin, Thread};

#[star_builtin]
async fn shout(text: &str) -> String {
    text.to_uppercase()
}

#[star_builtin]
async fn first(items: Vec<&str>) -> String {
    items.first().map(|s| s.to_string()).unwrap_or_default()
}

#[star_builtin]
async fn named(thread: &mut Thread) -> String {
    thread.name().to_string()
}

fn main() {}

//! Running a program while a (simulated) language model is still writing it.
//!
//! A fake model emits a Starlark program token by token, with a delay between tokens.
//! The executor runs each top-level statement as soon as it is complete, so the first
//! results appear long before the model has finished. The program calls `fetch`, an
//! async host builtin that waits on a timer as a network call would: while it waits,
//! the model keeps producing tokens on the same thread, and nothing blocks. Output and
//! progress events are printed as they happen, stamped with the time since the start.
//!
//! Run with `cargo run -p star-examples --example llm_stream`.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_core::Stream;
use star_core::interp::{Interpreter, MAIN_PACKAGE};
use star_core::stream::{Event, Executor, OnError};
use star_core::{star_builtin, Value};
use tokio::sync::mpsc;

/// What the model writes: data fetched from a (fake) service, processed with
/// functions it defines along the way.
const PROGRAM: &str = r#"# Look up the weather in three cities and summarise it.
cities = ["Lisbon", "Oslo", "Nairobi"]
print("fetching", len(cities), "cities")

def describe(city, report):
    t = report["temp_c"]
    feel = "warm" if t >= 20 else "mild" if t >= 10 else "cold"
    return "%s: %d°C, %s" % (city, t, feel)

reports = {c: json.decode(fetch("https://weather.example/" + c)) for c in cities}
for_print = [describe(c, reports[c]) for c in cities]
print("\n".join(for_print))
warmest = max(cities, key = lambda c: reports[c]["temp_c"])
print("warmest:", warmest)
"#;

/// Fetches a URL (from a canned, in-memory web), taking a while as a network would.
#[star_builtin]
async fn fetch(url: String) -> Result<String, String> {
    tokio::time::sleep(Duration::from_millis(80)).await;
    let city = url.rsplit('/').next().unwrap_or_default();
    let temp = match city {
        "Lisbon" => 21,
        "Oslo" => 4,
        "Nairobi" => 25,
        _ => return Err(format!("404 for {url}")),
    };
    Ok(format!(r#"{{"city": "{city}", "temp_c": {temp}}}"#))
}

/// Splits text into model-like tokens: runs of letters or digits, single other
/// characters (so strings, numbers and keywords arrive in pieces).
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    for ch in text.chars() {
        if ch.is_alphanumeric() || ch == '_' {
            word.push(ch);
            continue;
        }
        if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        out.push(ch.to_string());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// The receiving end of the model's token channel, as a stream of chunks.
struct Tokens(mpsc::UnboundedReceiver<String>);

impl Stream for Tokens {
    type Item = String;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<String>> {
        self.0.poll_recv(cx)
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        let start = Instant::now();
        let stamp = move || format!("{:>6.1} ms", start.elapsed().as_secs_f64() * 1e3);

        // The interpreter gives the stream the standard library (json here).
        let interp = Interpreter::builder()
            .package(star_stdlib::PACKAGE_ALIAS, star_stdlib::package())
            .build();
        let mut ex = Executor::builder()
            .name("<model>")
            .interpreter(interp, MAIN_PACKAGE, "model.star", None)
            .predeclare("fetch", Value::Builtin(&fetch::BUILTIN))
            .timeout(Duration::from_secs(30))
            .on_error(OnError::KeepGoing)
            .print(move |line| println!("{} | {line}", stamp()))
            .events(move |e| match e {
                Event::Started(s) => println!(
                    "{} > statement {} (line {}) starts",
                    stamp(),
                    s.index,
                    s.span.start.line
                ),
                Event::Failed(err) => print!("{} ! {}", stamp(), err.rendered()),
                _ => {}
            })
            .build()
            .expect("the executor");

        // The model: one token every few milliseconds, on the same thread.
        let (tx, rx) = mpsc::unbounded_channel();
        let model = async move {
            let toks = tokens(PROGRAM);
            let n = toks.len();
            for t in toks {
                tx.send(t).expect("the executor listens");
                tokio::time::sleep(Duration::from_millis(3)).await;
            }
            println!("{} . the model has finished ({n} tokens)", stamp());
        };
        let (report, ()) = tokio::join!(ex.run(Tokens(rx)), model);
        let report = report.expect("the stream runs");
        println!(
            "{} . done: {} statements, {} errors",
            stamp(),
            report.completed,
            report.errors.len()
        );

        // A second turn in the same session sees the first one's globals.
        ex.run_text("print('again:', warmest, len(reports))\n")
            .await
            .expect("the second turn runs");
    });
}

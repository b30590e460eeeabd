//! Finding 4 of the memory-safety review: `into_frozen` did not look inside host values,
//! so a function held by one crossed threads with its module unfrozen, and the threads
//! raced on the module's state. Apart from `memory_safety.rs` because the module it
//! freezes is used on several OS threads and so keeps its cycles (the collector never
//! looks at a shared module), which the leak checker is told about (`.ci/lsan.supp`).

use star_core::eval::{Module, Predeclared};
use star_core::{Dialect, StarValue, Thread, Value};

// Finding 4: `into_frozen` did not look inside host values, so a function inside one
// crossed threads with its module unfrozen, and threads raced on the module's state.
#[derive(StarValue)]
#[star(name = "holder")]
struct Holder {
    f: Value,
}

#[test]
fn freezing_a_host_value_freezes_the_functions_inside_and_their_modules() {
    let mut m = Module::new("test.star", Predeclared::new(), Dialect::extended());
    let mut thread = Thread::new("t");
    m.exec(
        &mut thread,
        "g = [1, 2]\ndef make():\n    return lambda: len(g)\nf = make()\n",
    )
    .unwrap();
    let holder = Value::host(Holder {
        f: m.get("f").unwrap(),
    });
    let frozen = holder.into_frozen();
    assert!(frozen.as_value().is_frozen());
    assert!(
        m.get("g").unwrap().is_frozen(),
        "the module's globals froze"
    );
    let calls: usize = if cfg!(debug_assertions) {
        20_000
    } else {
        2_000_000
    };
    std::thread::scope(|s| {
        for _ in 0..4 {
            let frozen = frozen.clone();
            s.spawn(move || {
                let mut t = Thread::new("worker");
                let holder = frozen.value();
                let f = holder.downcast_ref::<Holder>().unwrap().f.clone();
                for _ in 0..calls {
                    let r = t.call(&f, &star_core::call::Args::positional(&[])).unwrap();
                    assert_eq!(r.as_i64(), Some(2));
                }
            });
        }
    });
    // The module is intact: its values and functions work, and running more code in
    // it is refused cleanly because it is frozen.
    assert_eq!(m.get("g").unwrap().repr(), "[1, 2]");
    let f = m.get("f").unwrap();
    let r = thread
        .call(&f, &star_core::call::Args::positional(&[]))
        .unwrap();
    assert_eq!(r.as_i64(), Some(2));
    let e = m.exec(&mut thread, "h = 1\n").unwrap_err();
    assert!(e.message().contains("frozen"), "{}", e.message());
}

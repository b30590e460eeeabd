//! The standard library as a package of an interpreter: `builtins.star` predeclares
//! the modules and its helpers in every module, the native modules load by reference,
//! the clock is the host's to grant, and every module has help text.

use std::sync::{Arc, Mutex};

use star_core::interp::{Interpreter, Loader, MemoryLoader, Source, MAIN_PACKAGE};
use star_core::Value;

/// An interpreter with the standard library and a `__main__` package of `files`,
/// printing into `log`.
fn interp(files: &[(&str, &str)], log: &Arc<Mutex<Vec<String>>>, clock: bool) -> Interpreter {
    let mut main = MemoryLoader::new();
    for (path, text) in files {
        main = main.with_source(path, *text);
    }
    let log = log.clone();
    let mut b = Interpreter::builder()
        .package(star_stdlib::PACKAGE_ALIAS, star_stdlib::package())
        .package(MAIN_PACKAGE, main)
        .logger(move |_, _, msg| log.lock().unwrap().push(msg.to_string()));
    if clock {
        b = b.thread_modifier(star_stdlib::time::allow_clock);
    }
    b.build()
}

/// Runs `main.star` and returns its global `name`.
fn global(files: &[(&str, &str)], name: &str) -> Value {
    let log = Arc::new(Mutex::new(Vec::new()));
    let i = interp(files, &log, false);
    match i.exec_module(MAIN_PACKAGE, "main.star", None) {
        Ok(m) => m.get(name).unwrap_or_else(|| panic!("no global {name}")),
        Err(e) => panic!("{}", i.render_error(&e, false)),
    }
}

fn eval(expr: &str) -> String {
    global(&[("main.star", &format!("x = {expr}\n"))], "x").repr()
}

#[test]
fn end_to_end() {
    let main = r#"
load("@stdlib//json.star", "json")
load("@stdlib//assert.star", "assert")
load("lib.star", "parse")

config = parse("name=star; port=8080; debug=")
assert.eq(config.port, "8080")
print(json.encode(config))
print(json.encode(re.findall(r"(\w+)=(\w*)", "a=1 b=")))
print(module("m", f = len).f("abc"), math.floor(2.5), time.parse_duration("90s"))
"#;
    let lib = r#"
def parse(text):
    """Reads "k=v; k=v" into a struct."""
    pairs = [re.split("=", item.strip(), maxsplit = 1) for item in text.split(";")]
    return struct(**{k: v for k, v in pairs})
"#;
    let log = Arc::new(Mutex::new(Vec::new()));
    let i = interp(&[("main.star", main), ("lib.star", lib)], &log, false);
    if let Err(e) = i.exec_module(MAIN_PACKAGE, "main.star", None) {
        panic!("{}", i.render_error(&e, false));
    }
    assert_eq!(
        *log.lock().unwrap(),
        [
            r#"{"debug":"","name":"star","port":"8080"}"#,
            r#"[["a","1"],["b",""]]"#,
            "3 2 1m30s",
        ]
    );
}

#[test]
fn the_predeclared_names() {
    assert_eq!(
        eval("[type(json), type(math), type(re), type(time), type(struct), type(module)]"),
        r#"["module", "module", "module", "module", "builtin_function_or_method", "builtin_function_or_method"]"#
    );
    // The loaded module is the very one predeclared.
    let main = "load('@stdlib//re.star', loaded = 're')\nsame = loaded == re\n";
    assert_eq!(global(&[("main.star", main)], "same").repr(), "True");
    // builtins.star's private names stay private.
    let log = Arc::new(Mutex::new(Vec::new()));
    let i = interp(&[("main.star", "x = _json\n")], &log, false);
    let e = i
        .exec_module(MAIN_PACKAGE, "main.star", None)
        .err()
        .unwrap();
    assert!(e.message().contains("undefined: _json"), "{}", e.message());
}

#[test]
fn builtins_helpers() {
    assert_eq!(eval(r#"partial(int, base = 16)("ff")"#), "255");
    assert_eq!(
        eval(r#"partial(lambda *a, **k: (a, sorted(k.items())), 1, x = 2)(3, x = 4, y = 5)"#),
        r#"((1, 3), [("x", 4), ("y", 5)])"#
    );
    assert_eq!(eval(r#"dedent("  a\n    b\n  c")"#), r#""a\n  b\nc""#);
    assert_eq!(
        eval(r#"dedent("\n\t  x\n   \n\t  y\n")"#),
        r#""\nx\n\ny\n""#
    );
    assert_eq!(eval(r#"dedent("  a\n\tb")"#), r#""  a\n\tb""#);
    assert_eq!(eval(r#"dedent("")"#), r#""""#);
    assert_eq!(eval("flatten([[1, 2], (3,), [], [[4]]])"), "[1, 2, 3, [4]]");
    assert_eq!(eval("flatten([])"), "[]");
    assert_eq!(
        eval(r#"merge({"a": 1, "b": 2}, {"b": 3}, {"c": 4})"#),
        r#"{"a": 1, "b": 3, "c": 4}"#
    );
    assert_eq!(eval("merge()"), "{}");
    let data = r#"{"a": [{"b": 1}, struct(c = (5, 6))]}"#;
    assert_eq!(eval(&format!(r#"get({data}, "a.0.b")"#)), "1");
    assert_eq!(eval(&format!(r#"get({data}, ["a", -1, "c", 1])"#)), "6");
    assert_eq!(eval(&format!(r#"get({data}, "a.1.c.0")"#)), "5");
    assert_eq!(
        eval(&format!(r#"get({data}, "a.5.b", "none")"#)),
        r#""none""#
    );
    assert_eq!(eval(&format!(r#"get({data}, "a.0.x")"#)), "None");
    assert_eq!(eval(&format!(r#"get({data}, "a.1.nope", 0)"#)), "0");
    assert_eq!(eval(&format!("get({data}, [])")), data);
}

#[test]
fn the_clock_is_granted_by_the_host() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let files = [("main.star", "t = time.now()\n")];
    let denied = interp(&files, &log, false);
    let e = denied
        .exec_module(MAIN_PACKAGE, "main.star", None)
        .err()
        .unwrap();
    assert_eq!(
        e.message(),
        "time.now: reading the clock is not allowed by this host"
    );
    let granted = interp(&files, &log, true);
    let m = granted
        .exec_module(MAIN_PACKAGE, "main.star", None)
        .unwrap();
    assert_eq!(m.get("t").unwrap().type_name(), "time.time");
}

#[test]
fn the_package_serves_every_module() {
    let p = star_stdlib::package();
    assert!(matches!(p.load("builtins.star"), Ok(Source::Text(_))));
    for (file, names) in [
        ("json.star", &["json"][..]),
        ("math.star", &["math"]),
        ("re.star", &["re"]),
        ("time.star", &["time"]),
        ("struct.star", &["struct", "module"]),
        ("assert.star", &["assert", "freeze"]),
    ] {
        let Ok(Source::Native(m)) = p.load(file) else {
            panic!("{file} is not native");
        };
        let exported: Vec<&str> = m.exports().map(|(n, _)| n).collect();
        assert_eq!(exported, names, "{file}");
    }
    assert!(p.load("nope.star").is_err());
}

#[test]
fn every_module_has_help() {
    let docs = star_stdlib::docs();
    let names: Vec<&str> = docs.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        ["builtins", "json", "math", "re", "struct", "time", "assert"]
    );
    let struct_help = star_stdlib::doc("struct").unwrap();
    assert!(
        struct_help.contains("\n  struct(*args, **kwargs)\n      Returns a struct"),
        "{struct_help}"
    );
    let assert_help = star_stdlib::doc("@stdlib//assert.star").unwrap();
    assert!(assert_help.contains("\n  freeze(x, /)\n"), "{assert_help}");
    assert!(star_stdlib::doc("time")
        .unwrap()
        .contains("Fails unless the host lets scripts read the clock."));
}

//! Loading a package of 200 modules from disk: star's `Interpreter` with an
//! `FsLoader`, against the `starlark` crate with a `FileLoader` that reads the same
//! files and caches the frozen modules, in the same run. See ../../README.md.
//!
//! The package is generated (deterministically) into a temporary directory: module
//! `mK.star` loads two or three earlier modules (`K-1`, `K/2`, `K/3`), computes a
//! constant from theirs at top level, and defines two functions and a dict;
//! `root.star` loads 60 of them and calls a function of each. Every module is parsed,
//! compiled, run and frozen once per load of the root.
//!
//! Groups:
//! * `packages/*_cold`: a fresh interpreter (star) or a fresh loader with an empty
//!   cache (starlark) per iteration, so all 201 modules are read and run.
//! * `packages/*_cached`: loading the root again from the same interpreter or loader:
//!   a lookup of the finished module.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use star_core::interp::{FsLoader, Interpreter, MAIN_PACKAGE};
use starlark::environment::{FrozenModule, Globals, Module as SlModule};
use starlark::eval::{Evaluator, FileLoader};
use starlark::syntax::{AstModule, Dialect as SlDialect};

/// How many modules the package has, besides the root.
const MODULES: usize = 200;

/// The modules `mK.star` loads: `K-1`, `K/2` and `K/3`, without repeats.
fn deps(k: usize) -> Vec<usize> {
    let mut d: Vec<usize> = Vec::new();
    for j in [k.wrapping_sub(1), k / 2, k / 3] {
        if j < k && !d.contains(&j) {
            d.push(j);
        }
    }
    d
}

/// The text of module `mK.star`.
fn module_source(k: usize) -> String {
    let mut s = String::new();
    let ds = deps(k);
    for &j in &ds {
        writeln!(s, "load(\"m{j:03}.star\", \"c{j}\", \"f{j}\")").unwrap();
    }
    let sum: String = ds.iter().map(|j| format!("c{j} + ")).collect();
    let calls: String = ds.iter().map(|j| format!("f{j}({k}) + ")).collect();
    write!(
        s,
        "
NAME{k} = \"m{k:03}\"
c{k} = ({sum}{calls}{k}) % 1000003

def f{k}(x):
    return x * {m} + c{k}

def g{k}(xs):
    return [f{k}(x) for x in xs if x % 2 == 0]

table{k} = {{\"name\": NAME{k}, \"value\": c{k}, \"evens\": g{k}(range(6))}}
",
        m = k % 7 + 1
    )
    .unwrap();
    s
}

/// The root: loads 60 modules (every fourth, and the last ten) and combines them.
fn root_source() -> String {
    let picked: Vec<usize> = (0..MODULES)
        .filter(|k| k % 4 == 3 || *k >= MODULES - 10)
        .collect();
    let mut s = String::new();
    for k in &picked {
        writeln!(s, "load(\"m{k:03}.star\", \"c{k}\", \"f{k}\")").unwrap();
    }
    let terms: Vec<String> = picked.iter().map(|k| format!("f{k}(c{k})")).collect();
    writeln!(s, "\ntotal = ({}) % 1000003", terms.join(" + ")).unwrap();
    s
}

/// Writes the package into a fresh temporary directory.
fn generate() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("star-bench-packages-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for k in 0..MODULES {
        std::fs::write(dir.join(format!("m{k:03}.star")), module_source(k)).unwrap();
    }
    std::fs::write(dir.join("root.star"), root_source()).unwrap();
    dir
}

/// star: a fresh interpreter over the directory.
fn star_interp(dir: &Path) -> Interpreter {
    Interpreter::builder()
        .package(MAIN_PACKAGE, FsLoader::new(dir).unwrap())
        .build()
}

fn star_total(i: &Interpreter) -> i64 {
    let m = i.load_module(MAIN_PACKAGE, "root.star", None).unwrap();
    m.get("total").unwrap().as_i64().unwrap()
}

/// starlark: a `FileLoader` reading the directory, caching each frozen module by the
/// name `load` gives (all names are relative to the one directory).
struct SlLoader {
    dir: PathBuf,
    globals: Globals,
    cache: RefCell<HashMap<String, FrozenModule>>,
}

impl SlLoader {
    fn new(dir: &Path) -> SlLoader {
        SlLoader {
            dir: dir.to_path_buf(),
            globals: Globals::standard(),
            cache: RefCell::new(HashMap::new()),
        }
    }
}

impl FileLoader for SlLoader {
    fn load(&self, path: &str) -> starlark::Result<FrozenModule> {
        if let Some(m) = self.cache.borrow().get(path) {
            return Ok(m.clone());
        }
        let text = std::fs::read_to_string(self.dir.join(path))
            .map_err(|e| starlark::Error::new_other(anyhow::anyhow!("{path}: {e}")))?;
        let ast = AstModule::parse(path, text, &SlDialect::Standard)?;
        let frozen = SlModule::with_temp_heap(|module| -> starlark::Result<FrozenModule> {
            {
                let mut eval = Evaluator::new(&module);
                eval.set_loader(self);
                eval.eval_module(ast, &self.globals)?;
            }
            Ok(module.freeze()?)
        })?;
        self.cache
            .borrow_mut()
            .insert(path.to_string(), frozen.clone());
        Ok(frozen)
    }
}

fn starlark_total(l: &SlLoader) -> i64 {
    let m = l.load("root.star").unwrap();
    m.get("total").unwrap().value().unpack_i32().unwrap() as i64
}

fn bench(c: &mut Criterion) {
    let dir = generate();
    // Both implementations compute the same thing.
    let star = star_total(&star_interp(&dir));
    let sl = starlark_total(&SlLoader::new(&dir));
    assert_eq!(star, sl, "the two interpreters disagree on root.star");

    let mut g = c.benchmark_group("packages");
    g.bench_function("star_cold", |b| {
        b.iter(|| star_total(&star_interp(black_box(&dir))))
    });
    g.bench_function("starlark_cold", |b| {
        b.iter(|| starlark_total(&SlLoader::new(black_box(&dir))))
    });
    let warm = star_interp(&dir);
    star_total(&warm);
    g.bench_function("star_cached", |b| b.iter(|| star_total(black_box(&warm))));
    let warm = SlLoader::new(&dir);
    starlark_total(&warm);
    g.bench_function("starlark_cached", |b| {
        b.iter(|| starlark_total(black_box(&warm)))
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group! {
    name = packages;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(packages);

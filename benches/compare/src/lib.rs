//! The input of the front-end benchmarks: a deterministic generator of a large,
//! realistic Starlark program (see `benches/frontend.rs` for the benchmarks).
//!
//! The program mixes library code (many top-level `def`s with defaults, `*args` and
//! `**kwargs`; bodies with `if`/`elif`/`else`, `for`, comprehensions, lambdas, nested
//! `def`s, augmented assignment, string literals with escapes, triple-quoted strings,
//! ints in several bases, floats, dict/list/tuple literals, slices) with BUILD-file-like
//! calls (`cc_library(name = ..., srcs = [...], deps = [...])`).
//!
//! It is valid in the standard dialect of both implementations: every global is bound
//! once, there is no top-level `if`/`for`, no `while`, no f-string and no set, and every
//! name used is bound in the file, a universal built-in, loaded, or one of
//! [`PREDECLARED`].

/// The names the host predeclares for the generated program (BUILD-file rules).
pub const PREDECLARED: &[&str] = &[
    "cc_library",
    "cc_binary",
    "cc_test",
    "glob",
    "select",
    "genrule",
    "struct",
];

/// The size the benchmarks use: about 4 MB.
pub const BENCH_SIZE: usize = 4_000_000;

/// A 64-bit linear congruential generator (Knuth's MMIX constants): deterministic and
/// dependency-free.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "alpha", "beta", "gamma", "delta", "core", "util", "net", "io", "proto", "crypto", "base",
    "strings", "flags", "log", "time", "json", "http", "rpc", "storage", "cache",
];

/// Generates a program of at least `min_len` bytes (it stops after the unit that crosses
/// `min_len`, so it is a few kilobytes longer). The same `min_len` always gives the same
/// text.
pub fn generate(min_len: usize) -> String {
    let mut g = Lcg(0x5eed_0f_57a4);
    let mut s = String::with_capacity(min_len + 16 * 1024);
    s.push_str(
        "# Generated benchmark input: library code and BUILD-like rule calls.\n\
         # -*- starlark -*-\n\
         \n\
         load(\"//tools/build_defs:rules.bzl\", \"my_rule\", cfg_rule = \"config_rule\")\n\
         load(\"//tools/build_defs:defs.bzl\", \"DEFAULT_COPTS\")\n\
         \n\
         my_rule(name = \"root\", srcs = [\"root.cc\"], copts = DEFAULT_COPTS)\n\
         cfg_rule(name = \"cfg\", values = {\"opt\": \"true\"})\n\n",
    );
    let mut i = 0usize;
    while s.len() < min_len {
        unit(&mut s, &mut g, i);
        i += 1;
    }
    s
}

/// One unit: a constant, a function, a macro and a few rule calls, all numbered `i`.
fn unit(s: &mut String, g: &mut Lcg, i: usize) {
    use std::fmt::Write;
    let w = g.pick(WORDS);
    let w2 = g.pick(WORDS);
    let n1 = g.below(1000);
    let n2 = g.below(50) + 2;
    let f1 = g.below(10_000) as f64 / 100.0;

    // A constant: nested literals of every kind.
    writeln!(s, "# Unit {i}: the {w} package.").unwrap();
    writeln!(
        s,
        "CONST_{i} = {{\n    \"name\": \"const_{i}\",\n    \"values\": [1, {n1}, {f1:.2}, 0x{:x}, 0o{:o}, -{n2}, 1e{}, 2.5e-3],\n    \"nested\": {{\"{w}\": (1, \"two\", 3.0), \"{w2}_x\": [True, False, None]}},\n    'single': 'it\\'s \"quoted\"\\n',\n}}",
        g.below(4096),
        g.below(512),
        g.below(20)
    )
    .unwrap();
    if g.chance(50) {
        writeln!(
            s,
            "TABLE_{i} = [n * n + {n2} for n in range({}) if n % 2 == 0]",
            g.below(100) + 1
        )
        .unwrap();
    }

    // A library function.
    let b_default = g.below(100);
    writeln!(
        s,
        "\ndef func_{i}(a, b = {b_default}, c = \"{w}\\t{w2}\", *args, **kwargs):"
    )
    .unwrap();
    writeln!(
        s,
        "    \"\"\"Computes the {w} summary for unit {i}.\n\n    Args:\n      a: the \"first\" argument, an int.\n      b: the second one; it's optional.\n      c: a label.\n\n    Returns:\n      A dict and a message.\n    \"\"\""
    )
    .unwrap();
    writeln!(s, "    total = {}", g.below(100)).unwrap();
    writeln!(
        s,
        "    items = [x * {} for x in range(a) if x % {} != 0]",
        g.below(9) + 1,
        g.below(5) + 2
    )
    .unwrap();
    writeln!(
        s,
        "    mapping = {{\"key_%d\" % n: v for n, v in enumerate(items)}}"
    )
    .unwrap();
    writeln!(s, "    parts = []").unwrap();
    writeln!(s, "    for k, v in sorted(mapping.items()):").unwrap();
    writeln!(
        s,
        "        if v > {} and k not in kwargs:\n            total += v\n            parts.append(k)",
        g.below(500)
    )
    .unwrap();
    writeln!(
        s,
        "        elif v == {} or len(parts) >= {}:\n            total -= {}\n            continue",
        g.below(100),
        g.below(20) + 1,
        g.below(10) + 1
    )
    .unwrap();
    writeln!(
        s,
        "        else:\n            total *= 2\n            if total > {}:\n                break",
        g.below(1_000_000) + 1000
    )
    .unwrap();
    if g.chance(60) {
        writeln!(
            s,
            "    key = lambda x: (-x, str(x))\n    res = sorted(items, key = key, reverse = {})",
            if g.chance(50) { "True" } else { "False" }
        )
        .unwrap();
    } else {
        writeln!(s, "    res = sorted(items, reverse = b > {})", g.below(50)).unwrap();
    }
    if g.chance(40) {
        writeln!(
            s,
            "\n    def helper(y, z = None):\n        # A nested function capturing `total`.\n        return [y * m + total for m in range(z or {})]\n\n    res = res + helper(a)",
            g.below(8) + 1
        )
        .unwrap();
    }
    writeln!(
        s,
        "    name = \"prefix_{i}_\\t\\\"q\\\"\\\\ \\x41\\101\\u00e9\" + c * 2"
    )
    .unwrap();
    writeln!(
        s,
        "    flag = total if total > {f1:.1} else {}.5",
        g.below(100)
    )
    .unwrap();
    writeln!(
        s,
        "    out = {{\n        \"name\": name,\n        \"total\": total,\n        \"ratio\": {:.3} * total / {}.0,\n        \"parts\": parts[1:{}] + parts[::2],\n        \"extra\": [kwargs.get(\"x\", None), args[0] if args else None],\n        \"bits\": 0x{:x} | 0o{:o} & ~b,\n        \"flag\": flag,\n    }}",
        g.below(1000) as f64 / 7.0,
        g.below(9) + 1,
        g.below(6) + 1,
        g.below(65536),
        g.below(4096)
    )
    .unwrap();
    writeln!(s, "    acc = 0").unwrap();
    writeln!(
        s,
        "    for idx, item in enumerate(res[:{}]):\n        acc += item // {} + idx % 3\n        acc |= {}\n        if not (acc < 0 or idx in (1, 2, 3)):\n            acc %= {}",
        g.below(30) + 1,
        g.below(9) + 1,
        g.below(256),
        g.below(100_000) + 7
    )
    .unwrap();
    writeln!(
        s,
        "    out[\"acc\"] = acc\n    msg = \", \".join([str(p) for p in parts])"
    )
    .unwrap();
    writeln!(
        s,
        "    text = '''A triple-quoted 'text' for {w},\n    spanning lines; it keeps \"quotes\" and \\\\ backslashes.\n    '''"
    )
    .unwrap();
    if i > 0 {
        let j = g.below(i as u64);
        writeln!(
            s,
            "    other = func_{j}(total % 7, b = len(parts), c = \"z\", extra = {})\n    out[\"other\"] = other[0].get(\"total\", 0)",
            g.below(1000)
        )
        .unwrap();
    }
    writeln!(s, "    return out, msg + text.strip()").unwrap();

    // A BUILD macro using the function's results.
    if g.chance(50) {
        writeln!(
            s,
            "\ndef make_lib_{i}(name, srcs = [], deps = [], **kwargs):\n    \"\"\"A macro: a library and its test.\"\"\"\n    cc_library(\n        name = name,\n        srcs = srcs + [\"gen_%s.cc\" % name],\n        deps = deps + [\":lib_{i}\"],\n        **kwargs\n    )\n    cc_test(name = name + \"_test\", srcs = [name + \"_test.cc\"], deps = [\":\" + name], size = \"small\")\n\nmake_lib_{i}(name = \"m{i}\", srcs = [\"{w}.cc\"], linkstatic = True)"
        )
        .unwrap();
    }

    // BUILD-like rule calls.
    let prev = if i > 0 { i - 1 } else { 0 };
    writeln!(
        s,
        "\ncc_library(\n    name = \"lib_{i}\",\n    srcs = [\"{w}_{i}.cc\", \"{w2}.cc\"],\n    hdrs = glob([\"include/{w}/**/*.h\"], exclude = [\"include/{w}/internal/*.h\"]),\n    deps = [\":lib_{prev}\", \"//base:{w2}\", \"@com_google_absl//absl/strings\"],\n    copts = select({{\n        \"//conditions:default\": [\"-O2\"],\n        \":debug\": [\"-g\", \"-DDEBUG=1\"],\n    }}),\n    visibility = [\"//visibility:public\"],\n)"
    )
    .unwrap();
    if g.chance(40) {
        writeln!(
            s,
            "\ncc_binary(name = \"bin_{i}\", srcs = [\"main_{i}.cc\"], deps = [\":lib_{i}\"], linkopts = [\"-lm\"])"
        )
        .unwrap();
    }
    if g.chance(30) {
        writeln!(
            s,
            "\ngenrule(\n    name = \"gen_{i}\",\n    srcs = [\"{w}.in\"],\n    outs = [\"{w}_{i}.h\"],\n    cmd = \"sed -e 's/@VERSION@/{n1}/' $< > $@\",\n)"
        )
        .unwrap();
    }
    if g.chance(30) {
        writeln!(
            s,
            "\nINFO_{i} = struct(name = \"{w}\", version = \"{n1}.{n2}\", tags = [t for t in [\"a\", \"b\", \"{w2}\"] if t != \"b\"])"
        )
        .unwrap();
    }
    s.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_sized() {
        let a = generate(100_000);
        assert!(a.len() >= 100_000 && a.len() < 110_000);
        assert_eq!(a, generate(100_000));
    }

    #[test]
    fn accepted_by_both() {
        let src = generate(200_000);
        let (mut module, errs) =
            star_core::syntax::parse(&src, star_core::syntax::ScanOptions::default());
        assert!(errs.is_empty(), "{errs:?}");
        let dialect = star_core::Dialect::standard();
        let names = star_core::resolve::StandardNames {
            predeclared: PREDECLARED.iter().map(|s| s.to_string()).collect(),
        };
        let mut r = star_core::resolve::Resolver::new(&dialect, &names, "bench.star");
        let errs = r.resolve_module(&mut module);
        assert!(errs.is_empty(), "{errs:?}");
        starlark::syntax::AstModule::parse("bench.star", src, &starlark::syntax::Dialect::Standard)
            .unwrap();
    }
}

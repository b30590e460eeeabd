//! Front-end integration tests: fixture snapshots (ASTs and rendered diagnostics), the
//! chunking invariance property, robustness against hostile input, and streaming
//! statement delivery.

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use star_core::diagnostics::{check_source, render};
use star_core::dialect::Construct;
use star_core::syntax::{self, dump_module, Scanner, StreamParser, TokenKind};
use star_core::Dialect;
use star_tests::fixtures_dir;

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(fixtures_dir().join(kind))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "star"))
        .collect();
    v.sort();
    v
}

fn all_fixtures() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for kind in ["valid", "invalid"] {
        for p in fixtures(kind) {
            let name = format!("{kind}/{}", p.file_name().unwrap().to_string_lossy());
            out.push((name, fs::read_to_string(&p).unwrap()));
        }
    }
    out
}

fn snapshot(name: &str, content: String) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, content));
}

#[test]
fn valid_fixtures_parse_and_resolve_cleanly() {
    for p in fixtures("valid") {
        let src = fs::read_to_string(&p).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let mut dialect = Dialect::extended();
        dialect.global_reassign = false; // exercise the standard scoping rules
        let report = check_source(&name, &src, &dialect);
        let diags: Vec<String> = report.errors.iter().map(|d| d.to_string()).collect();
        assert!(diags.is_empty(), "{name}: {diags:#?}");
        snapshot(
            &format!("ast_{}", name.trim_end_matches(".star")),
            dump_module(&report.module),
        );
    }
}

#[test]
fn invalid_fixtures_render_every_error() {
    for p in fixtures("invalid") {
        let src = fs::read_to_string(&p).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let report = check_source(&format!("invalid/{name}"), &src, &Dialect::standard());
        assert!(!report.errors.is_empty(), "{name} should have errors");
        let rendered: String = report
            .errors
            .iter()
            .map(|d| render(d, &src, false))
            .collect();
        snapshot(
            &format!("diagnostics_{}", name.trim_end_matches(".star")),
            rendered,
        );
    }
}

/// Tokens and statements of `src` fed in pieces cut at `cuts`.
fn chunked(src: &[u8], cuts: &[usize]) -> (Vec<syntax::Token>, String) {
    let opts = Dialect::extended().scan_options();
    let mut sc = Scanner::new(opts);
    let mut toks = Vec::new();
    let mut sp = StreamParser::new(opts);
    let mut stmts = Vec::new();
    let mut prev = 0;
    for &c in cuts.iter().chain(std::iter::once(&src.len())) {
        let c = c.clamp(prev, src.len());
        sc.push(&src[prev..c], &mut toks);
        sp.push(&src[prev..c], &mut stmts);
        prev = c;
    }
    sc.finish(&mut toks);
    sp.finish(&mut stmts);
    (toks, format!("{stmts:?}"))
}

#[test]
fn single_byte_chunks_match_whole_input() {
    for (name, src) in all_fixtures() {
        let b = src.as_bytes();
        let whole = chunked(b, &[]);
        let cuts: Vec<usize> = (1..b.len()).collect();
        assert!(chunked(b, &cuts) == whole, "{name}: 1-byte chunks differ");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any cut of any fixture into chunks yields the tokens and statements of the whole.
    #[test]
    fn any_cut_matches_whole_input(index in 0usize..64, mut cuts in prop::collection::vec(0usize..4096, 0..24)) {
        let all = all_fixtures();
        let (name, src) = &all[index % all.len()];
        let b = src.as_bytes();
        for c in cuts.iter_mut() {
            *c %= b.len() + 1;
        }
        cuts.sort_unstable();
        let whole = chunked(b, &[]);
        prop_assert!(chunked(b, &cuts) == whole, "{} cut at {:?}", name, cuts);
    }
}

/// A small deterministic generator (no extra dependency needed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const VOCAB: &[&str] = &[
    "def",
    "if",
    "elif",
    "else",
    "for",
    "in",
    "while",
    "return",
    "lambda",
    "load",
    "not",
    "and",
    "or",
    "pass",
    "break",
    "x",
    "y",
    "f",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    ".",
    "=",
    "+=",
    "==",
    "*",
    "**",
    "-",
    "/",
    "//",
    "%",
    "<<",
    "1",
    "0x",
    "1.5e",
    "\"s\"",
    "'''t",
    "r'",
    "b\"\\x",
    "#c",
    "\n",
    "\n  ",
    "\n\t",
    "\\\n",
    "\r\n",
    " ",
    "f\"{x}\"",
    ";",
    "é",
    "\u{1F600}",
    "\"\\u12\"",
    "!",
    "$",
    "class",
];

/// Thousands of random and mutated inputs: the front end must never panic, with any
/// chunking.
#[test]
fn random_and_mutated_inputs_never_panic() {
    let corpus: Vec<String> = all_fixtures().into_iter().map(|(_, s)| s).collect();
    let mut rng = Lcg(0x5eed);
    for round in 0..3000 {
        let input: Vec<u8> = match round % 3 {
            0 => (0..rng.below(200))
                .flat_map(|_| VOCAB[rng.below(VOCAB.len())].bytes())
                .collect(),
            1 => (0..rng.below(120)).map(|_| rng.next() as u8).collect(),
            _ => {
                let mut b = corpus[rng.below(corpus.len())].clone().into_bytes();
                for _ in 0..1 + rng.below(8) {
                    if b.is_empty() {
                        break;
                    }
                    let i = rng.below(b.len());
                    match rng.below(3) {
                        0 => {
                            b.remove(i);
                        }
                        1 => b.insert(i, VOCAB[rng.below(VOCAB.len())].as_bytes()[0]),
                        _ => b[i] = rng.next() as u8,
                    }
                }
                b
            }
        };
        let cuts: Vec<usize> = {
            let mut c: Vec<usize> = (0..rng.below(6))
                .map(|_| rng.below(input.len() + 1))
                .collect();
            c.sort_unstable();
            c
        };
        let whole = chunked(&input, &[]);
        assert!(
            chunked(&input, &cuts) == whole,
            "round {round}: chunking changed the result"
        );
        let text = String::from_utf8_lossy(&input);
        let _ = check_source("fuzz.star", &text, &Dialect::extended());
    }
}

fn errors_of(src: &str) -> Vec<String> {
    check_source("deep.star", src, &Dialect::extended())
        .errors
        .iter()
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let n = 100_000;
    let cases = [
        "(".repeat(n),
        format!("x = {}1{}", "[".repeat(n), "]".repeat(n)),
        format!("x = {}1", "-".repeat(n)),
        format!("x = {}True", "not ".repeat(n)),
        format!("x = {}", vec!["1"; n].join(" + ")),
        format!("x = y{}", ".z".repeat(n)),
        format!("x = {}0{}", "f(".repeat(n), ")".repeat(n)),
        format!("x = {}0", "lambda: ".repeat(n)),
        format!("x = {}", vec!["1"; n].join(" if True else ")),
    ];
    for src in &cases {
        let errs = errors_of(src);
        assert!(
            errs.iter().any(|e| e.contains("nest")),
            "{}...: {errs:?}",
            &src[..20]
        );
    }
    // Deeply nested blocks.
    let mut src = String::new();
    for depth in 0..1500 {
        src.push_str(&" ".repeat(depth));
        src.push_str("if x:\n");
    }
    src.push_str(&" ".repeat(1500));
    src.push_str("pass\n");
    let errs = errors_of(&format!("def f():\n{}", src.replace('\n', "\n ")));
    assert!(errs.iter().any(|e| e.contains("nest")), "{errs:?}");
}

#[test]
fn moderate_nesting_is_fine() {
    let n = 200;
    let src = format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n));
    assert_eq!(errors_of(&src), Vec::<String>::new());
    let src = format!("x = {}\n", vec!["1"; 500].join(" + "));
    assert_eq!(errors_of(&src), Vec::<String>::new());
}

#[test]
fn forbidden_constructs_are_named_at_their_position() {
    let mut d = Dialect::extended();
    d.forbidden = Construct::ALL.to_vec();
    let src = "load('m', 'a')\ndef f():\n    return [x for x in a]\ng = lambda: 1\nif a:\n    for i in a:\n        pass\nwhile a:\n    pass\ns = f\"{a}\"\n";
    let report = check_source("f.star", src, &d);
    let got: Vec<String> = report.errors.iter().map(|d| d.to_string()).collect();
    let want = [
        "f.star:1:1: load is not allowed: this environment forbids load",
        "f.star:2:1: def is not allowed: this environment forbids def",
        "f.star:3:12: comprehension is not allowed: this environment forbids comprehension",
        "f.star:4:5: lambda is not allowed: this environment forbids lambda",
        "f.star:5:1: if is not allowed: this environment forbids if",
        "f.star:6:5: for is not allowed: this environment forbids for",
        "f.star:8:1: while is not allowed: this environment forbids while",
        "f.star:10:5: f-string is not allowed: this environment forbids f-string",
    ];
    assert_eq!(got, want);
}

#[test]
fn statements_are_delivered_as_soon_as_complete() {
    let mut sp = StreamParser::new(Dialect::extended().scan_options());
    let mut out = Vec::new();
    sp.push(b"x = 1", &mut out);
    assert!(out.is_empty(), "not complete before its newline");
    sp.push(b"\n", &mut out);
    assert_eq!(out.len(), 1, "a simple statement completes at its newline");
    sp.push(b"def f():\n    return 1\n", &mut out);
    assert_eq!(out.len(), 1, "a block may still continue");
    sp.push(b"\n# comment\n", &mut out);
    assert_eq!(out.len(), 1, "blank and comment lines decide nothing");
    sp.push(b"y", &mut out);
    assert_eq!(
        out.len(),
        1,
        "'y' might still be the start of a longer name"
    );
    sp.push(b" ", &mut out);
    assert_eq!(out.len(), 2, "a line at column 0 ends the def");
    sp.push(b"= 2\nif y:\n    pass\n", &mut out);
    assert_eq!(out.len(), 3);
    sp.push(b"elif y:\n    pass\nelse:\n    pass\n", &mut out);
    assert_eq!(out.len(), 3, "elif/else continue the if");
    sp.finish(&mut out);
    assert_eq!(out.len(), 4, "end of input completes the if");
    assert!(out.iter().all(|r| r.is_ok()), "{out:?}");
}

#[test]
fn truncated_input_is_an_end_of_file_error() {
    for (src, want) in [
        ("x = [1, 2", "got end of file, want ']'"),
        ("s = '''abc", "unexpected EOF in string"),
        ("def f():\n", "got end of file, want indent"),
        ("x = (", "got end of file, want primary expression"),
    ] {
        let errs = errors_of(src);
        assert_eq!(errs, [want], "{src:?}");
    }
}

#[test]
fn reserved_words_are_errors_at_their_position() {
    let report = check_source("r.star", "x = 1\nimport os\n", &Dialect::standard());
    let got: Vec<String> = report.errors.iter().map(|d| d.to_string()).collect();
    assert_eq!(got, ["r.star:2:1: keyword import is reserved"]);
}

#[test]
fn crlf_and_lf_give_the_same_statements() {
    let lf = "def f(x):\n    return x\n\ny = f(1)\n";
    let crlf = lf.replace('\n', "\r\n");
    let a = syntax::parse(lf, Default::default());
    let b = syntax::parse(&crlf, Default::default());
    assert_eq!(a.0.stmts.len(), b.0.stmts.len());
    assert!(a.1.is_empty() && b.1.is_empty());
    let toks = |s: &str| -> Vec<TokenKind> {
        Scanner::scan_all(Default::default(), s)
            .iter()
            .map(|t| t.kind)
            .collect()
    };
    assert_eq!(toks(lf), toks(&crlf));
}

/// Feeding long tokens one byte at a time stays linear: each byte is examined a bounded
/// number of times (a quadratic scanner would take minutes here).
#[test]
fn one_byte_chunks_of_long_tokens_stay_linear() {
    let n = 200_000;
    let cases = [
        format!("s = \"{}\"\n", "a".repeat(n)),
        format!("s = '''{}'''\n", "ab\n".repeat(n / 3)),
        format!("{} = 1\n", "x".repeat(n)),
        format!("n = {}\n", "7".repeat(n / 20)),
        format!("# {}\nx = 1\n", "c".repeat(n)),
        format!("x = 1{}\n", " ".repeat(n)),
        format!("x = [{}]\n", "\n".repeat(n)),
    ];
    for src in &cases {
        let mut sp = StreamParser::new(Default::default());
        let mut out = Vec::new();
        for b in src.as_bytes().chunks(1) {
            sp.push(b, &mut out);
        }
        sp.finish(&mut out);
        assert_eq!(out.len(), 1, "{}", &src[..10]);
        assert!(out.iter().all(|r| r.is_ok()), "{:?}", &src[..10]);
    }
}

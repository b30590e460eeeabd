//! The `re` module from the host's side: the pattern cache shared by threads, match
//! values read back in Rust, and help text. Its script-level behaviour is in
//! `tests/star/re.star`.

mod common;

use common::{error, eval, eval_str, run};
use star_stdlib::re::{cache_len, Match, Pattern, CACHE_CAPACITY};

#[test]
fn members() {
    assert_eq!(
        eval_str("dir(re)"),
        r#"["compile", "escape", "findall", "finditer", "fullmatch", "match", "search", "split", "sub"]"#
    );
}

#[test]
fn matches_read_back_in_rust() {
    let m = eval(r#"re.search(r"(\d+)-(\d+)?", "call 555-")"#);
    let m = m.downcast_ref::<Match>().unwrap();
    assert_eq!(m.span_of(0), Some((5, 9)));
    assert_eq!(m.text(1).unwrap().as_bytes(), b"555");
    assert_eq!(m.text(2), None);
    let p = eval(r#"re.compile("a+")"#);
    assert_eq!(p.downcast_ref::<Pattern>().unwrap().source(), "a+");
}

#[test]
fn the_cache_is_shared_and_bounded() {
    // Many threads compile overlapping sets of patterns at once; every result is right.
    let workers: Vec<_> = (0..8)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..100 {
                    let n = (t * 37 + i) % 150;
                    let src = format!(
                        "p = re.compile('x{n}(\\\\d)')\nr = p.findall('x{n}1 x{n}2 y{n}3')\ns = re.sub('x{n}', 'z', 'x{n}x{n}')\n"
                    );
                    let m = run(&src);
                    assert_eq!(m.get("r").unwrap().repr(), r#"["1", "2"]"#);
                    assert_eq!(m.get("s").unwrap().to_str(), "zz");
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    // More distinct patterns than the cache holds: it stays within its capacity.
    for i in 0..CACHE_CAPACITY + 50 {
        run(&format!("re.search('distinct{i}', 'x')\n"));
    }
    assert!(cache_len() <= CACHE_CAPACITY, "{}", cache_len());
    assert!(cache_len() > CACHE_CAPACITY / 2, "{}", cache_len());
}

#[test]
fn errors_name_the_function_and_the_pattern() {
    assert_eq!(
        error(r#"re.compile("(")"#),
        r#"re.compile: invalid pattern "(": unclosed group"#
    );
    assert_eq!(
        error(r#"re.findall("[z-a]", "")"#),
        r#"re.findall: invalid pattern "[z-a]": invalid character class range, the start must be <= the end"#
    );
    assert_eq!(
        error(r#"re.compile("a").match("(", 1)"#),
        r#"match: got 2 arguments, want 1"#
    );
}

#[test]
fn help_text_documents_every_function() {
    let help = star_stdlib::re::module().help();
    for f in [
        "compile(pattern, /)",
        "match(pattern, string)",
        "fullmatch(pattern, string)",
        "search(pattern, string)",
        "findall(pattern, string)",
        "finditer(pattern, string)",
        "split(pattern, string, maxsplit=0)",
        "sub(pattern, repl, string, count=0)",
        "escape(string, /)",
    ] {
        assert!(help.contains(&format!("\n  {f}\n      ")), "{f} in {help}");
    }
}

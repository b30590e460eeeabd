//! The chunked test format of the reference implementation, as run by `star test`.
//!
//! A test file is split into chunks on lines holding exactly `---`; each chunk is an
//! independent program processed with the file's own line numbers. A line containing
//! `###` followed by a Go string literal expects an error on that line whose message
//! matches the literal as a regular expression. `option:NAME` anywhere in a chunk turns
//! a dialect option on for that chunk. The harness collects the errors a chunk reports
//! and matches them against the expectations line by line; a chunk passes when nothing
//! is left over on either side. (`shared/star-test-format.md` in the project's
//! workspace is the full specification.)
//!
//! This module holds the format (splitting, markers, options, matching, the report) and
//! the two static modes, `parse` and `resolve`; [`exec`] runs chunks with the
//! evaluator, with the [`assert`] module and the reference harness's [`fixtures`].

pub mod assert;
pub mod exec;
pub mod fixtures;

pub use exec::ExecRunner;

use regex::Regex;

use crate::dialect::Dialect;
use crate::resolve::{Names, Resolver};
use crate::syntax::{Pos, StreamParser};

/// How the chunks of a file are processed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Parse, resolve and execute (needs an execution [`ChunkRunner`]).
    Exec,
    /// Parse and resolve only.
    Resolve,
    /// Parse only, reporting at most the first syntax error.
    Parse,
}

impl Mode {
    /// The mode named `s` (`exec`, `resolve` or `parse`).
    pub fn from_name(s: &str) -> Option<Mode> {
        match s {
            "exec" => Some(Mode::Exec),
            "resolve" => Some(Mode::Resolve),
            "parse" => Some(Mode::Parse),
            _ => None,
        }
    }
}

/// One chunk of a test file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk<'a> {
    /// The file line on which the chunk begins (1-based).
    pub line: u32,
    /// The file byte offset at which the chunk begins.
    pub offset: u32,
    /// The chunk's text.
    pub text: &'a str,
}

impl Chunk<'_> {
    /// The position of the chunk's first byte in file coordinates.
    pub fn start(&self) -> Pos {
        Pos {
            offset: self.offset,
            line: self.line,
            col: 1,
        }
    }

    /// Whether `option:NAME` occurs in the chunk.
    pub fn option(&self, name: &str) -> bool {
        self.text.contains(&format!("option:{name}"))
    }
}

/// Splits a file into chunks on `"\n---\n"`, keeping file coordinates.
pub fn split_chunks(text: &str) -> Vec<Chunk<'_>> {
    const SEP: &str = "\n---\n";
    let mut chunks = Vec::new();
    let mut line = 1u32;
    let mut offset = 0usize;
    let mut rest = text;
    loop {
        match rest.find(SEP) {
            Some(k) => {
                let piece = &rest[..k];
                chunks.push(Chunk {
                    line,
                    offset: offset as u32,
                    text: piece,
                });
                line += piece.matches('\n').count() as u32 + 2;
                offset += k + SEP.len();
                rest = &rest[k + SEP.len()..];
            }
            None => {
                chunks.push(Chunk {
                    line,
                    offset: offset as u32,
                    text: rest,
                });
                return chunks;
            }
        }
    }
}

/// An expected error: on this line, a message matching this pattern.
#[derive(Clone, Debug)]
pub struct Expectation {
    /// The file line of the marker.
    pub line: u32,
    /// The regular expression, as decoded from the marker.
    pub pattern: String,
    regex: Regex,
}

/// A reason a chunk fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file line the problem belongs to.
    pub line: u32,
    /// One line saying what is wrong.
    pub reason: String,
}

/// Reads the `###` expectations of a chunk. Malformed markers are problems.
pub fn expectations(chunk: &Chunk<'_>) -> (Vec<Expectation>, Vec<Problem>) {
    let mut exps = Vec::new();
    let mut probs = Vec::new();
    for (k, l) in chunk.text.split('\n').enumerate() {
        let Some(at) = l.find("###") else { continue };
        let line = chunk.line + k as u32;
        let lit = l[at + 3..].trim();
        match decode_go_literal(lit) {
            Some(pattern) => match go_regex(&pattern) {
                Ok(regex) => exps.push(Expectation {
                    line,
                    pattern,
                    regex,
                }),
                Err(e) => probs.push(Problem {
                    line,
                    reason: format!("invalid expectation pattern {lit}: {e}"),
                }),
            },
            None => probs.push(Problem {
                line,
                reason: format!("malformed expectation (want a Go string literal): {lit}"),
            }),
        }
    }
    (exps, probs)
}

/// Decodes a Go string literal that must make up all of `s`: `"..."` with Go escapes,
/// or `` `...` `` raw.
pub fn decode_go_literal(s: &str) -> Option<String> {
    if s.len() >= 2 && s.starts_with('`') && s.ends_with('`') {
        let body = &s[1..s.len() - 1];
        return (!body.contains('`')).then(|| body.to_string());
    }
    if !(s.len() >= 2 && s.starts_with('"') && s.ends_with('"')) {
        return None;
    }
    let body = &s[1..s.len() - 1];
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => return None,
            '\\' => {
                let e = chars.next()?;
                let hex = |chars: &mut std::iter::Peekable<std::str::Chars>, n: usize| {
                    let h: String = (0..n).filter_map(|_| chars.next()).collect();
                    (h.len() == n).then(|| u32::from_str_radix(&h, 16).ok())?
                };
                match e {
                    '\\' => out.push('\\'),
                    '"' => out.push('"'),
                    '\'' => out.push('\''),
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'a' => out.push('\x07'),
                    'b' => out.push('\x08'),
                    'f' => out.push('\x0c'),
                    'v' => out.push('\x0b'),
                    'x' => out.push(char::from_u32(hex(&mut chars, 2)?)?),
                    'u' => out.push(char::from_u32(hex(&mut chars, 4)?)?),
                    'U' => out.push(char::from_u32(hex(&mut chars, 8)?)?),
                    '0'..='7' => {
                        let mut v = e.to_digit(8)?;
                        for _ in 0..2 {
                            v = v * 8 + chars.next()?.to_digit(8)?;
                        }
                        out.push(char::from_u32(v)?);
                    }
                    _ => return None,
                }
            }
            c => out.push(c),
        }
    }
    Some(out)
}

/// An error a chunk reported: its line and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reported {
    /// The file line.
    pub line: u32,
    /// The bare message.
    pub message: String,
}

/// Matches reported errors against expectations (section 6 of the format).
pub fn match_errors(
    exps: &[Expectation],
    reported: &[Reported],
    ignore_messages: bool,
) -> Vec<Problem> {
    let mut claimed = vec![false; exps.len()];
    let mut probs = Vec::new();
    for r in reported {
        let slot = exps
            .iter()
            .enumerate()
            .find(|(i, e)| e.line == r.line && !claimed[*i]);
        match slot {
            Some((i, e)) => {
                claimed[i] = true;
                if !ignore_messages && !e.regex.is_match(&r.message) {
                    probs.push(Problem {
                        line: r.line,
                        reason: format!(
                            "error {:?} does not match pattern {:?}",
                            r.message, e.pattern
                        ),
                    });
                }
            }
            None => probs.push(Problem {
                line: r.line,
                reason: format!("unexpected error: {}", r.message.replace('\n', "\\n")),
            }),
        }
    }
    for (e, c) in exps.iter().zip(claimed) {
        if !c {
            probs.push(Problem {
                line: e.line,
                reason: format!("expected error matching {:?}", e.pattern),
            });
        }
    }
    probs
}

/// Runs a chunk in exec mode; provided by the evaluator.
pub trait ChunkRunner {
    /// Runs `chunk` of the file named `file` (whose full text is `text`), returning the
    /// errors it reported and the assertion failures.
    fn run_chunk(&self, file: &str, text: &str, chunk: &Chunk<'_>)
        -> (Vec<Reported>, Vec<Problem>);
}

/// The names the reference harness predeclares in resolve mode: `M` is predeclared,
/// `U` and `float` are universal.
struct ResolveTestNames;

impl Names for ResolveTestNames {
    fn is_predeclared(&self, name: &str) -> bool {
        name == "M"
    }
    fn is_universal(&self, name: &str) -> bool {
        name == "U" || name == "float"
    }
    fn candidates(&self) -> Vec<&str> {
        vec!["M", "U", "float"]
    }
}

/// The dialect a chunk asks for with its `option:` lines, as the reference harness
/// interprets them (`recursion` also allows `while`; `globalreassign` also allows
/// top-level control flow; in resolve mode, floats need `option:float`).
pub fn chunk_dialect(chunk: &Chunk<'_>, mode: Mode) -> Dialect {
    let o = |n: &str| chunk.option(n);
    Dialect {
        sets: true,
        while_loops: o("while") || o("recursion"),
        recursion: o("recursion"),
        toplevel_control: o("toplevelcontrol") || o("globalreassign"),
        global_reassign: o("globalreassign"),
        load_binds_globally: o("loadbindsglobally"),
        floats: mode != Mode::Resolve || o("float"),
        ..Dialect::standard()
    }
}

/// Runs one chunk in parse or resolve mode and returns its reported errors.
pub fn run_static_chunk(file: &str, chunk: &Chunk<'_>, mode: Mode) -> Vec<Reported> {
    let dialect = chunk_dialect(chunk, mode);
    let mut sp = StreamParser::starting_at(dialect.scan_options(), chunk.start());
    let mut out = Vec::new();
    sp.push(chunk.text.as_bytes(), &mut out);
    sp.finish(&mut out);
    let mut module = crate::syntax::Module::default();
    let mut reported = Vec::new();
    for r in out {
        match r {
            Ok(s) => module.stmts.push(s),
            Err(e) => reported.push((e.reference_pos(), e.msg)),
        }
    }
    if mode == Mode::Parse {
        // The reference parser stops at the first error.
        reported.sort_by_key(|(p, _)| p.offset);
        reported.truncate(1);
    } else {
        let mut r = Resolver::new(&dialect, &ResolveTestNames, file);
        for e in r.resolve_module(&mut module) {
            reported.push((e.span.start, e.msg));
        }
        reported.sort_by_key(|(p, _)| p.offset);
    }
    reported
        .into_iter()
        .map(|(p, message)| Reported {
            line: p.line,
            message,
        })
        .collect()
}

/// The outcome of running a file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileReport {
    /// Chunks that passed.
    pub passed: usize,
    /// Chunks that failed.
    pub failed: usize,
    /// Every problem, in order (several may belong to one failed chunk).
    pub problems: Vec<Problem>,
}

/// Runs every chunk of a file. `runner` is needed for exec mode; without one, exec-mode
/// chunks fail with a problem saying so.
pub fn run_file(
    file: &str,
    text: &str,
    mode: Mode,
    ignore_messages: bool,
    runner: Option<&dyn ChunkRunner>,
) -> FileReport {
    let mut report = FileReport::default();
    for chunk in split_chunks(text) {
        let (exps, mut probs) = expectations(&chunk);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match mode {
            Mode::Parse | Mode::Resolve => (run_static_chunk(file, &chunk, mode), Vec::new()),
            Mode::Exec => match runner {
                Some(r) => r.run_chunk(file, text, &chunk),
                None => (
                    Vec::new(),
                    vec![Problem {
                        line: chunk.line,
                        reason: "exec mode needs an evaluator, which this build lacks".into(),
                    }],
                ),
            },
        }));
        match outcome {
            Ok((reported, failures)) => {
                probs.extend(match_errors(&exps, &reported, ignore_messages));
                probs.extend(failures);
            }
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "unknown panic".into());
                probs.push(Problem {
                    line: chunk.line,
                    reason: format!("internal error (panic): {msg}"),
                });
            }
        }
        if probs.is_empty() {
            report.passed += 1;
        } else {
            report.failed += 1;
            report.problems.extend(probs);
        }
    }
    report
}

/// Compiles a Go (RE2) regular expression. The syntaxes agree on everything the
/// reference data uses but one thing: RE2 reads a `{` that does not begin a repetition
/// (`{2}`, `{2,}`, `{2,5}`) as a literal brace (`"unmatched '{' in format"`), where
/// the `regex` crate rejects it; such braces are escaped first.
pub fn go_regex(pattern: &str) -> Result<Regex, regex::Error> {
    let b = pattern.as_bytes();
    let mut out = String::with_capacity(pattern.len());
    let (mut i, mut in_class, mut escaped) = (0, false, false);
    while i < b.len() {
        let ch = pattern[i..].chars().next().unwrap_or_default();
        if escaped {
            escaped = false;
        } else {
            match ch {
                '\\' => escaped = true,
                '[' if !in_class => in_class = true,
                ']' if in_class => in_class = false,
                '{' if !in_class && !is_repetition(&b[i + 1..]) => out.push('\\'),
                _ => {}
            }
        }
        out.push(ch);
        i += ch.len_utf8();
    }
    Regex::new(&out)
}

/// Whether `rest` (the text after a `{`) continues a repetition: `2}`, `2,}`, `2,5}`.
fn is_repetition(rest: &[u8]) -> bool {
    let digits = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_digit()).count();
    let n = digits(rest);
    if n == 0 {
        return false;
    }
    match rest.get(n) {
        Some(b'}') => true,
        Some(b',') => {
            let m = digits(&rest[n + 1..]);
            rest.get(n + 1 + m) == Some(&b'}')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_file_lines() {
        let t = "a\n---\nb\nc\n---\n\n---\nd";
        let c = split_chunks(t);
        assert_eq!(
            c.iter().map(|c| (c.line, c.text)).collect::<Vec<_>>(),
            [(1, "a"), (3, "b\nc"), (6, ""), (8, "d")]
        );
        assert_eq!(&t[c[3].offset as usize..], "d");
    }

    #[test]
    fn go_regexes_read_a_lone_brace_literally() {
        let m = |p: &str, s: &str| go_regex(p).unwrap().is_match(s);
        assert!(m(
            "unmatched '{' in format",
            "format: unmatched '{' in format"
        ));
        assert!(m("a{2}", "aa") && !m("^a{2}$", "a"));
        assert!(m("^a{1,}$", "aaa") && m("^a{1,2}b$", "aab"));
        assert!(m("x{y}", "x{y}") && m("{", "{") && m("a{1,x}", "a{1,x}"));
        assert!(m(r"\{", "{") && m("[{]", "{") && m("é{", "é{"));
    }

    #[test]
    fn go_literals() {
        assert_eq!(
            decode_go_literal(r#""a\"b\\n""#).as_deref(),
            Some("a\"b\\n")
        );
        assert_eq!(
            decode_go_literal("`got '\\)'`").as_deref(),
            Some("got '\\)'")
        );
        assert_eq!(
            decode_go_literal(r#""\x41\u00e9\101""#).as_deref(),
            Some("AéA")
        );
        assert_eq!(decode_go_literal("\"a\" b"), None);
        assert_eq!(decode_go_literal("nope"), None);
    }

    #[test]
    fn matching() {
        let chunk = Chunk {
            line: 10,
            offset: 0,
            text: "x ### \"undefined: x\"\ny\nz ### `boom`",
        };
        let (exps, probs) = expectations(&chunk);
        assert!(probs.is_empty());
        let reported = vec![
            Reported {
                line: 10,
                message: "undefined: x".into(),
            },
            Reported {
                line: 11,
                message: "surprise".into(),
            },
        ];
        let p = match_errors(&exps, &reported, false);
        assert_eq!(p.len(), 2);
        assert!(p[0].reason.starts_with("unexpected error: surprise"));
        assert_eq!(p[1].line, 12);
    }

    #[test]
    fn static_modes() {
        let text = "x = 1 +\n2 ### \"got newline, want primary expression\"\n---\n_ = y ### \"undefined: y\"";
        let r = run_file("t.star", text, Mode::Resolve, false, None);
        assert_eq!((r.passed, r.failed), (2, 0), "{:?}", r.problems);
    }
}

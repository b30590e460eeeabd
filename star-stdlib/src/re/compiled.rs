//! Compiled patterns, their process-wide cache, and the walk over successive matches
//! that `findall`, `finditer`, `split` and `sub` share.
//!
//! A pattern is compiled once per process: the cache maps pattern text to the compiled
//! regex, holds at most [`CACHE_CAPACITY`] of them and forgets the oldest first. It sits
//! behind a mutex, but compiling happens outside it, so two threads that want the same
//! new pattern at once may both compile it (the second result is dropped).
//!
//! `match` and `fullmatch` need the pattern anchored. The regex crate has no anchored
//! search, so they use a second regex, `\A(?:p)` or `\A(?:p)\z`, made on first use.
//! `p` is the pattern printed back from its syntax tree rather than the text itself: in
//! verbose mode (`(?x)`) a trailing `# comment` would swallow the closing parenthesis.
//!
//! Successive matches follow Python (3.7 and later) rather than the regex crate: an
//! empty match right after a non-empty one counts (`\w*` finds `"ab"`, `""`, `"cd"`,
//! `""` in `"ab cd"`); only an empty match where the previous match also ended empty is
//! skipped, by moving on one character.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

use regex::bytes::{CaptureLocations, Regex, RegexBuilder};
use star_core::{Error, ErrorKind, Result};

/// How many compiled patterns the cache keeps.
pub const CACHE_CAPACITY: usize = 256;

/// The most memory one compiled pattern may take (the regex crate's default).
const SIZE_LIMIT: usize = 10 << 20;

/// The span of each group of one match (group 0 is the whole match); `None` for a group
/// that did not take part.
pub type Spans = Vec<Option<(usize, usize)>>;

/// A compiled pattern.
pub struct Compiled {
    /// The pattern's text.
    source: String,
    /// The pattern, searching anywhere.
    regex: Regex,
    /// `\A(?:p)`, made when `match` first needs it.
    prefix: OnceLock<Regex>,
    /// `\A(?:p)\z`, made when `fullmatch` first needs it.
    whole: OnceLock<Regex>,
}

impl Compiled {
    /// Compiles `source`; errors read `f: invalid pattern "(": unclosed group`.
    fn new(func: &str, source: &str) -> Result<Compiled> {
        let regex = build(source).map_err(|why| invalid(func, source, &why))?;
        Ok(Compiled {
            source: source.to_string(),
            regex,
            prefix: OnceLock::new(),
            whole: OnceLock::new(),
        })
    }

    /// The pattern's text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The number of capturing groups (not counting the whole match).
    pub fn groups(&self) -> usize {
        self.regex.captures_len() - 1
    }

    /// The named groups and their numbers, in order.
    pub fn names(&self) -> impl Iterator<Item = (&str, usize)> {
        self.regex
            .capture_names()
            .enumerate()
            .filter_map(|(i, n)| n.map(|n| (n, i)))
    }

    /// The number of the group called `name`.
    pub fn group_index(&self, name: &str) -> Option<usize> {
        self.names().find(|(n, _)| *n == name).map(|(_, i)| i)
    }

    /// The first match anywhere in `hay`.
    pub fn search(&self, hay: &[u8]) -> Option<Spans> {
        captures(&self.regex, hay, 0, &mut self.regex.capture_locations())
    }

    /// The match at the start of `hay`.
    pub fn match_prefix(&self, func: &str, hay: &[u8]) -> Result<Option<Spans>> {
        let r = self.anchored(func, &self.prefix, "")?;
        Ok(captures(r, hay, 0, &mut r.capture_locations()))
    }

    /// The match of all of `hay`.
    pub fn match_whole(&self, func: &str, hay: &[u8]) -> Result<Option<Spans>> {
        let r = self.anchored(func, &self.whole, r"\z")?;
        Ok(captures(r, hay, 0, &mut r.capture_locations()))
    }

    fn anchored<'a>(&self, func: &str, cell: &'a OnceLock<Regex>, end: &str) -> Result<&'a Regex> {
        if let Some(r) = cell.get() {
            return Ok(r);
        }
        let printed = reprint(&self.source).map_err(|why| invalid(func, &self.source, &why))?;
        let r = build(&format!(r"\A(?:{printed}){end}"))
            .map_err(|why| invalid(func, &self.source, &why))?;
        Ok(cell.get_or_init(|| r))
    }

    /// Calls `each` with the spans of successive matches in `hay` (Python's rules for
    /// empty matches, see the module docs), until it returns false or the matches end.
    pub fn for_each_match(
        &self,
        hay: &[u8],
        mut each: impl FnMut(&Spans) -> Result<bool>,
    ) -> Result<()> {
        let mut locs = self.regex.capture_locations();
        let mut pos = 0;
        // Where the previous match ended, if it was empty.
        let mut empty_at = None;
        while pos <= hay.len() {
            let Some(spans) = captures(&self.regex, hay, pos, &mut locs) else {
                break;
            };
            let (start, end) = spans[0].expect("group 0 always matches");
            if start == end && empty_at == Some(start) {
                pos = next_char(hay, start);
                empty_at = None;
                continue;
            }
            if !each(&spans)? {
                break;
            }
            empty_at = (start == end).then_some(end);
            pos = end;
        }
        Ok(())
    }
}

/// The regex for `source`, or why not.
fn build(source: &str) -> std::result::Result<Regex, String> {
    RegexBuilder::new(source)
        .size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::Syntax(text) => syntax_reason(&text),
            regex::Error::CompiledTooBig(limit) => {
                format!("pattern too large (compiled size exceeds {limit} bytes)")
            }
            other => other.to_string(),
        })
}

/// The one-line reason in the regex crate's multi-line syntax error (its `error: ...`
/// line), or the whole text joined on one line.
fn syntax_reason(text: &str) -> String {
    match text.lines().find_map(|l| l.strip_prefix("error: ")) {
        Some(reason) => reason.trim().to_string(),
        None => text.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// `source` printed back from its syntax tree: the same pattern, without comments or
/// insignificant whitespace.
fn reprint(source: &str) -> std::result::Result<String, String> {
    let ast = regex_syntax::ast::parse::Parser::new()
        .parse(source)
        .map_err(|e| e.kind().to_string())?;
    let mut out = String::new();
    regex_syntax::ast::print::Printer::new()
        .print(&ast, &mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

fn invalid(func: &str, source: &str, why: &str) -> Error {
    Error::new(
        ErrorKind::Value,
        format!("{func}: invalid pattern {source:?}: {why}"),
    )
}

/// The spans of the first match of `r` in `hay` at or after `start`.
fn captures(r: &Regex, hay: &[u8], start: usize, locs: &mut CaptureLocations) -> Option<Spans> {
    r.captures_read_at(locs, hay, start)?;
    Some((0..locs.len()).map(|i| locs.get(i)).collect())
}

/// The offset of the character after the one at `i` (a UTF-8 sequence, or one byte
/// of anything else).
fn next_char(hay: &[u8], i: usize) -> usize {
    let width = match hay.get(i) {
        None => 1,
        Some(&b) if b < 0x80 => 1,
        Some(&b) if b >= 0xF0 => 4,
        Some(&b) if b >= 0xE0 => 3,
        Some(&b) if b >= 0xC0 => 2,
        Some(_) => 1,
    };
    let next = (i + width).min(hay.len().max(i + 1));
    // A truncated or invalid sequence: step over its first byte only.
    if next <= hay.len() && std::str::from_utf8(&hay[i..next]).is_ok() {
        next
    } else {
        i + 1
    }
}

/// The cache: pattern text to compiled pattern, oldest first in `order`.
#[derive(Default)]
struct Cache {
    map: HashMap<String, Arc<Compiled>>,
    order: VecDeque<String>,
}

fn cache() -> &'static Mutex<Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The compiled form of `source`, from the cache or compiled now (`func` names the
/// script function for errors).
pub fn compile(func: &str, source: &str) -> Result<Arc<Compiled>> {
    // A panic never leaves the cache half-updated, so a poisoned lock is usable.
    let lock = || cache().lock().unwrap_or_else(|p| p.into_inner());
    if let Some(c) = lock().map.get(source) {
        return Ok(c.clone());
    }
    let compiled = Arc::new(Compiled::new(func, source)?);
    let mut cache = lock();
    if let Some(c) = cache.map.get(source) {
        return Ok(c.clone());
    }
    while cache.map.len() >= CACHE_CAPACITY {
        match cache.order.pop_front() {
            Some(oldest) => cache.map.remove(&oldest),
            None => break,
        };
    }
    cache.map.insert(source.to_string(), compiled.clone());
    cache.order.push_back(source.to_string());
    Ok(compiled)
}

/// How many compiled patterns the cache holds now (at most [`CACHE_CAPACITY`]).
pub fn cache_len() -> usize {
    cache().lock().unwrap_or_else(|p| p.into_inner()).map.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(p: &str, hay: &str) -> Vec<(usize, usize)> {
        let c = compile("t", p).unwrap();
        let mut out = Vec::new();
        c.for_each_match(hay.as_bytes(), |s| {
            out.push(s[0].unwrap());
            Ok(true)
        })
        .unwrap();
        out
    }

    #[test]
    fn empty_matches_follow_python() {
        assert_eq!(all(r"\w*", "ab cd"), [(0, 2), (2, 2), (3, 5), (5, 5)]);
        assert_eq!(all("x*", "abxd"), [(0, 0), (1, 1), (2, 3), (3, 3), (4, 4)]);
        // Empty matches fall between characters, never inside one.
        assert_eq!(all("", "aé"), [(0, 0), (1, 1), (3, 3)]);
        assert_eq!(all("", "\u{fffd}"), [(0, 0), (3, 3)]);
    }

    #[test]
    fn anchoring_survives_verbose_comments() {
        let c = compile("t", "(?x) a b # trailing comment").unwrap();
        assert_eq!(
            c.match_prefix("t", b"abc").unwrap(),
            Some(vec![Some((0, 2))])
        );
        assert_eq!(c.match_whole("t", b"abc").unwrap(), None);
        assert_eq!(c.match_whole("t", b"ab").unwrap(), Some(vec![Some((0, 2))]));
        // Alternatives are tried for the whole text, not only the first that matches.
        let c = compile("t", "a|ab").unwrap();
        assert_eq!(c.match_whole("t", b"ab").unwrap(), Some(vec![Some((0, 2))]));
        assert_eq!(
            c.match_prefix("t", b"ab").unwrap(),
            Some(vec![Some((0, 1))])
        );
    }

    #[test]
    fn errors_fit_on_one_line() {
        let e = compile("re.compile", "(").err().unwrap();
        assert_eq!(
            e.message(),
            r#"re.compile: invalid pattern "(": unclosed group"#
        );
        let e = compile("re.search", "a{1000}{1000}{1000}").err().unwrap();
        assert!(e.message().contains("pattern too large"), "{}", e.message());
    }

    #[test]
    fn next_char_steps_over_whole_characters() {
        let s = "aé€😀".as_bytes();
        assert_eq!(next_char(s, 0), 1);
        assert_eq!(next_char(s, 1), 3);
        assert_eq!(next_char(s, 3), 6);
        assert_eq!(next_char(s, 6), 10);
        assert_eq!(next_char(b"\xff\xc3", 0), 1);
        assert_eq!(next_char(b"\xc3", 0), 1);
        assert_eq!(next_char(b"", 0), 1);
    }
}

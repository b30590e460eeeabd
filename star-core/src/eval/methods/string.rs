//! Methods of `string`.
//!
//! Strings are byte strings, indexed by byte, as in the reference implementation; the
//! methods follow its behaviour and its messages. Positions (`find`, `index`, `count`
//! and the `start`/`end` arguments) are byte offsets. Methods that look at characters
//! (`split()` on white space, `strip()`, the `is...` predicates, the case mappings)
//! decode the bytes as Go does ([`super::unicode`]): a byte that is not part of valid
//! UTF-8 is one U+FFFD, and the case mappings write it out as such.
//!
//! `str.format` lives in [`super::string_format`]; the iterable views returned by
//! `elems()`, `codepoints()` and their `_ords` forms in [`super::string_views`].

use crate::call::NativeFunction;
use crate::error::{Error, Result};
use crate::star_builtin;
use crate::value::memory::{self, Shape};
use crate::value::{Str, Value};

use super::string_format::FORMAT;
use super::string_views::{StringCodepoints, StringElems};
use super::unicode::{self, Runes};
use super::unpack::{self, named};

/// A string value from bytes.
fn str_value(b: &[u8]) -> Value {
    Value::Str(Str::from_bytes(b))
}

/// A list of strings.
fn str_list<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> Value {
    Value::list(parts.into_iter().map(str_value).collect())
}

/// The position of `needle` in `hay` (the first, or with `last` the last); an empty
/// needle is found at the start (or the end).
fn find_in(hay: &[u8], needle: &[u8], last: bool) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    if !last {
        return super::super::ops::memfind(hay, needle);
    }
    match needle {
        [] => Some(hay.len()),
        [b] => memchr::memrchr(*b, hay),
        _ => memchr::memmem::rfind(hay, needle),
    }
}

/// The non-overlapping occurrences of a non-empty `needle`, as byte offsets, from the
/// left.
fn occurrences<'a>(hay: &'a [u8], needle: &'a [u8]) -> Occurrences<'a> {
    match needle {
        [b] => Occurrences::Byte(memchr::memchr_iter(*b, hay)),
        _ => Occurrences::Bytes(memchr::memmem::find_iter(hay, needle)),
    }
}

/// The iterator of [`occurrences`]: a one-byte needle has a faster search.
// The searcher is large, but it lives on the stack for one call; boxing it would cost
// an allocation per search.
#[allow(clippy::large_enum_variant)]
enum Occurrences<'a> {
    Byte(memchr::Memchr<'a>),
    Bytes(memchr::memmem::FindIter<'a, 'a>),
}

impl Iterator for Occurrences<'_> {
    type Item = usize;
    #[inline]
    fn next(&mut self) -> Option<usize> {
        match self {
            Occurrences::Byte(it) => it.next(),
            Occurrences::Bytes(it) => it.next(),
        }
    }
}

/// An optional index argument as the reference's `AsInt32` reads it.
fn int32_arg(v: &Value) -> std::result::Result<i64, String> {
    match v {
        Value::Int(i) if i32::try_from(*i).is_ok() => Ok(*i),
        Value::Int(_) | Value::BigInt(_) => Err(format!("{} out of range", v.repr())),
        _ => Err(format!("got {}, want int", v.type_name())),
    }
}

/// The `start` and `end` arguments of `find`, `count`, `startswith` and the like,
/// resolved against a string of `len` bytes as the reference's `indices` does: absent
/// or `None` means the whole string, a negative index counts from the end, and the
/// results are clamped to `[0, len]` (`start` may end up after `end`).
fn span(
    name: &str,
    start: Option<&Value>,
    end: Option<&Value>,
    len: usize,
) -> Result<(usize, usize)> {
    let n = len as i64;
    let resolve = |v: Option<&Value>, default: i64, which: &str| -> Result<usize> {
        let i = match v {
            None => default,
            Some(v) => {
                let i = int32_arg(v).map_err(|e| {
                    Error::type_error(format!("{name}: invalid {which} index: {e}"))
                })?;
                if i < 0 {
                    i + n
                } else {
                    i
                }
            }
        };
        Ok(i.clamp(0, n) as usize)
    };
    Ok((resolve(start, 0, "start")?, resolve(end, n, "end")?))
}

/// The part of `s` between `start` and `end` (empty if `start` is after `end`).
fn sub_span<'a>(
    name: &str,
    s: &'a [u8],
    start: Option<&Value>,
    end: Option<&Value>,
) -> Result<(usize, &'a [u8])> {
    let (start, end) = span(name, start, end, s.len())?;
    Ok((start, s.get(start..end).unwrap_or_default()))
}

/// `find`, `rfind`, `index` and `rindex`.
fn find_impl(
    name: &str,
    this: &Str,
    sub: &Str,
    start: Option<&Value>,
    end: Option<&Value>,
    last: bool,
    must_find: bool,
) -> Result<i64> {
    let (offset, s) = sub_span(name, this.as_bytes(), start, end)?;
    match find_in(s, sub.as_bytes(), last) {
        Some(i) => Ok((offset + i) as i64),
        None if must_find => Err(Error::value_error(format!("{name}: substring not found"))),
        None => Ok(-1),
    }
}

/// The string with its first character in title case and the rest in lower case.
#[star_builtin(name = "capitalize", method, signature = (), pure)]
fn str_capitalize(this: &Str) -> Value {
    str_value(&unicode::map_runes(this.as_bytes(), |i, c| {
        if i == 0 {
            unicode::to_title(c)
        } else {
            unicode::to_lower(c)
        }
    }))
}

/// An iterable of the numeric values of the string's Unicode code points.
#[star_builtin(name = "codepoint_ords", method, signature = (), pure)]
fn str_codepoint_ords(this: &Str) -> Value {
    Value::host(StringCodepoints::new(this.clone(), true))
}

/// An iterable of the string's Unicode code points, as one-character strings.
#[star_builtin(name = "codepoints", method, signature = (), pure)]
fn str_codepoints(this: &Str) -> Value {
    Value::host(StringCodepoints::new(this.clone(), false))
}

/// The number of non-overlapping occurrences of `sub` in `S[start:end]`.
#[star_builtin(name = "count", method, signature = (sub, start = None, end = None, /), pure)]
fn str_count(this: &Str, sub: &Str, start: Option<&Value>, end: Option<&Value>) -> Result<i64> {
    let (_, s) = sub_span("count", this.as_bytes(), start, end)?;
    let n = if sub.is_empty() {
        // As in Go: one more than the number of runes.
        unicode::rune_count(s) + 1
    } else {
        occurrences(s, sub.as_bytes()).count()
    };
    Ok(n as i64)
}

/// An indexable iterable of the numeric values of the string's bytes.
#[star_builtin(name = "elem_ords", method, signature = (), pure)]
fn str_elem_ords(this: &Str) -> Value {
    Value::host(StringElems::new(this.clone(), true))
}

/// An indexable iterable of the string's bytes, as one-byte strings.
#[star_builtin(name = "elems", method, signature = (), pure)]
fn str_elems(this: &Str) -> Value {
    Value::host(StringElems::new(this.clone(), false))
}

/// `startswith` and `endswith`: whether `S[start:end]` begins (ends) with `x`, a string
/// or a tuple of strings.
fn affix_test(
    name: &str,
    this: &Str,
    x: &Value,
    start: Option<&Value>,
    end: Option<&Value>,
) -> Result<bool> {
    let (_, s) = sub_span(name, this.as_bytes(), start, end)?;
    let at_start = name == "startswith";
    let test = |affix: &Str| {
        if at_start {
            s.starts_with(affix.as_bytes())
        } else {
            s.ends_with(affix.as_bytes())
        }
    };
    match x {
        Value::Str(affix) => Ok(test(affix)),
        Value::Tuple(t) => {
            for (i, v) in t.iter().enumerate() {
                match v {
                    Value::Str(affix) if test(affix) => return Ok(true),
                    Value::Str(_) => {}
                    _ => {
                        return Err(Error::type_error(format!(
                            "{name}: want string, got {}, for element {i}",
                            v.type_name()
                        )))
                    }
                }
            }
            Ok(false)
        }
        _ => Err(Error::type_error(format!(
            "{name}: got {}, want string or tuple of string",
            x.type_name()
        ))),
    }
}

/// Whether `S[start:end]` ends with `suffix` (or one of a tuple of suffixes).
#[star_builtin(name = "endswith", method, signature = (suffix, start = None, end = None, /), pure)]
fn str_endswith(
    this: &Str,
    suffix: &Value,
    start: Option<&Value>,
    end: Option<&Value>,
) -> Result<bool> {
    affix_test("endswith", this, suffix, start, end)
}

/// The index of the first occurrence of `sub` in `S[start:end]`, or -1.
#[star_builtin(name = "find", method, signature = (sub, start = None, end = None, /), pure)]
fn str_find(this: &Str, sub: &Str, start: Option<&Value>, end: Option<&Value>) -> Result<i64> {
    find_impl("find", this, sub, start, end, false, false)
}

/// Like `find`, but fails if `sub` is not found.
#[star_builtin(name = "index", method, signature = (sub, start = None, end = None, /), pure)]
fn str_index(this: &Str, sub: &Str, start: Option<&Value>, end: Option<&Value>) -> Result<i64> {
    find_impl("index", this, sub, start, end, false, true)
}

/// Whether every rune satisfies `f`, and there is at least one.
fn all_runes(s: &Str, f: impl Fn(char) -> bool) -> bool {
    !s.is_empty() && Runes::new(s.as_bytes()).all(|(_, c, _)| f(c))
}

/// Whether the string is non-empty and all letters and digits.
#[star_builtin(name = "isalnum", method, signature = (), pure)]
fn str_isalnum(this: &Str) -> bool {
    all_runes(this, |c| unicode::is_letter(c) || unicode::is_digit(c))
}

/// Whether the string is non-empty and all letters.
#[star_builtin(name = "isalpha", method, signature = (), pure)]
fn str_isalpha(this: &Str) -> bool {
    all_runes(this, unicode::is_letter)
}

/// Whether the string is non-empty and all decimal digits.
#[star_builtin(name = "isdigit", method, signature = (), pure)]
fn str_isdigit(this: &Str) -> bool {
    all_runes(this, unicode::is_digit)
}

/// Whether the string has a cased character and no upper- or titlecase ones.
#[star_builtin(name = "islower", method, signature = (), pure)]
fn str_islower(this: &Str) -> bool {
    has_cased(this) && to_lower(this) == this.as_bytes()
}

/// Whether the string is non-empty and all white space.
#[star_builtin(name = "isspace", method, signature = (), pure)]
fn str_isspace(this: &Str) -> bool {
    all_runes(this, unicode::is_space)
}

/// Whether the string is in title case: it has a cased character, upper- and titlecase
/// characters only follow uncased ones, and lowercase ones only follow cased ones.
#[star_builtin(name = "istitle", method, signature = (), pure)]
fn str_istitle(this: &Str) -> bool {
    let (mut cased, mut prev_cased) = (false, false);
    for (_, c, _) in Runes::new(this.as_bytes()) {
        if c.is_ascii_uppercase() || unicode::is_title(c) {
            if prev_cased {
                return false;
            }
            prev_cased = true;
            cased = true;
        } else if unicode::is_lower(c) {
            if !prev_cased {
                return false;
            }
            prev_cased = true;
            cased = true;
        } else if unicode::is_upper(c) {
            // As in the reference: a non-ASCII capital is never in title position.
            return false;
        } else {
            prev_cased = false;
        }
    }
    cased
}

/// Whether the string has a cased character and no lower- or titlecase ones.
#[star_builtin(name = "isupper", method, signature = (), pure)]
fn str_isupper(this: &Str) -> bool {
    has_cased(this) && to_upper(this) == this.as_bytes()
}

fn has_cased(s: &Str) -> bool {
    Runes::new(s.as_bytes()).any(|(_, c, _)| unicode::is_cased(c))
}

/// The strings of an iterable, joined with this string between them.
#[star_builtin(name = "join", method, signature = (iterable, /))]
fn str_join(this: &Str, iterable: &Value) -> Result<Value> {
    // A list or tuple is read in place; other iterables are collected first.
    match iterable {
        Value::List(l) => join(this, &l.borrow()),
        Value::Tuple(t) => join(this, t),
        _ => join(this, &named("join", unpack::iterable(iterable, 1))?),
    }
}

/// The strings `items` with `sep` between them, in one allocation of the exact size.
fn join(sep: &Str, items: &[Value]) -> Result<Value> {
    let mut len = sep.len() * items.len().saturating_sub(1);
    for v in items {
        match v {
            Value::Str(s) => len += s.len(),
            _ => {
                return Err(Error::type_error(format!(
                    "join: in list, want string, got {}",
                    v.type_name()
                )))
            }
        }
    }
    memory::reserve_result(Shape::Str, len)?;
    let sep = sep.as_bytes();
    Ok(Value::Str(Str::build(len, |out| {
        let mut at = 0;
        for (i, v) in items.iter().enumerate() {
            if i > 0 {
                out[at..at + sep.len()].copy_from_slice(sep);
                at += sep.len();
            }
            if let Value::Str(s) = v {
                out[at..at + s.len()].copy_from_slice(s.as_bytes());
                at += s.len();
            }
        }
    })))
}

fn to_lower(s: &Str) -> Vec<u8> {
    let b = s.as_bytes();
    if b.is_ascii() {
        b.to_ascii_lowercase()
    } else {
        unicode::map_runes(b, |_, c| unicode::to_lower(c))
    }
}

fn to_upper(s: &Str) -> Vec<u8> {
    let b = s.as_bytes();
    if b.is_ascii() {
        b.to_ascii_uppercase()
    } else {
        unicode::map_runes(b, |_, c| unicode::to_upper(c))
    }
}

/// An ASCII string mapped byte by byte, written straight into the new string.
fn map_ascii(b: &[u8], f: fn(&mut [u8])) -> Value {
    Value::Str(Str::build(b.len(), |out| {
        out.copy_from_slice(b);
        f(out)
    }))
}

/// The string in lower case.
#[star_builtin(name = "lower", method, signature = (), pure)]
fn str_lower(this: &Str) -> Value {
    match this.as_bytes() {
        b if b.is_ascii() => map_ascii(b, <[u8]>::make_ascii_lowercase),
        _ => str_value(&to_lower(this)),
    }
}

/// Which ends `strip` and its relatives trim.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ends {
    Left,
    Right,
    Both,
}

/// The part of `s` left after trimming runes in `chars` (or white space if `chars` is
/// empty) from the given ends, as a byte range. Runes are decoded from the start, as
/// Go does (so an invalid byte is one U+FFFD wherever it is).
fn trim(s: &[u8], chars: &[u8], ends: Ends) -> std::ops::Range<usize> {
    let cutset: Vec<char> = Runes::new(chars).map(|(_, c, _)| c).collect();
    let trimmed = |c: char| {
        if cutset.is_empty() {
            unicode::is_space(c)
        } else {
            cutset.contains(&c)
        }
    };
    let mut lo = 0;
    if ends != Ends::Right {
        while lo < s.len() {
            let (c, w) = unicode::decode_rune(&s[lo..]);
            if !trimmed(c) {
                break;
            }
            lo += w;
        }
    }
    let mut hi = s.len();
    if ends != Ends::Left {
        // An ASCII byte is a rune of its own however the bytes before it decode, so
        // trailing ASCII is trimmed from the end directly.
        while hi > lo && s[hi - 1].is_ascii() && trimmed(s[hi - 1] as char) {
            hi -= 1;
        }
        if hi > lo && !s[hi - 1].is_ascii() {
            // A longer (or invalid) rune ends here: find the end of the last kept
            // rune decoding forward from `lo`, a rune boundary.
            let mut pos = lo;
            let mut end = lo;
            while pos < hi {
                let (c, w) = unicode::decode_rune(&s[pos..hi]);
                pos += w;
                if !trimmed(c) {
                    end = pos;
                }
            }
            hi = end;
        }
    }
    lo..hi.max(lo)
}

fn strip_impl(this: &Str, chars: Option<&Str>, ends: Ends) -> Value {
    let chars = chars.map_or(&[][..], |c| c.as_bytes());
    let s = this.as_bytes();
    let kept = trim(s, chars, ends);
    if kept.len() == s.len() {
        return Value::Str(this.clone());
    }
    str_value(&s[kept])
}

/// The string without leading white space (or leading characters in `chars`).
#[star_builtin(name = "lstrip", method, signature = (chars = None, /), pure)]
fn str_lstrip(this: &Str, chars: Option<&Str>) -> Value {
    strip_impl(this, chars, Ends::Left)
}

/// `partition` and `rpartition`.
fn partition_impl(name: &str, this: &Str, sep: &Str, last: bool) -> Result<Value> {
    if sep.is_empty() {
        return Err(Error::value_error(format!("{name}: empty separator")));
    }
    let s = this.as_bytes();
    let parts: [&[u8]; 3] = match find_in(s, sep.as_bytes(), last) {
        Some(i) => [&s[..i], sep.as_bytes(), &s[i + sep.len()..]],
        None if last => [b"", b"", s],
        None => [s, b"", b""],
    };
    Ok(Value::tuple(parts.into_iter().map(str_value).collect()))
}

/// Splits at the first occurrence of `sep`: `(before, sep, after)`, or `(S, "", "")`.
#[star_builtin(name = "partition", method, signature = (sep, /), pure)]
fn str_partition(this: &Str, sep: &Str) -> Result<Value> {
    partition_impl("partition", this, sep, false)
}

/// The string without the prefix, if it starts with it.
#[star_builtin(name = "removeprefix", method, signature = (prefix, /), pure)]
fn str_removeprefix(this: &Str, prefix: &Str) -> Value {
    match this.as_bytes().strip_prefix(prefix.as_bytes()) {
        Some(rest) => str_value(rest),
        None => Value::Str(this.clone()),
    }
}

/// The string without the suffix, if it ends with it.
#[star_builtin(name = "removesuffix", method, signature = (suffix, /), pure)]
fn str_removesuffix(this: &Str, suffix: &Str) -> Value {
    match this.as_bytes().strip_suffix(suffix.as_bytes()) {
        Some(rest) => str_value(rest),
        None => Value::Str(this.clone()),
    }
}

/// The string with occurrences of `old` replaced by `new`: the first `count` of them,
/// or all if `count` is negative. An empty `old` matches before each rune and at the
/// end.
#[star_builtin(name = "replace", method, signature = (old, new, count = -1, /), pure)]
fn str_replace(this: &Str, old: &Str, new: &Str, count: i64) -> Result<Value> {
    let s = this.as_bytes();
    let limit = usize::try_from(count).unwrap_or(usize::MAX);
    if old.is_empty() {
        let matches: Vec<usize> = Runes::new(s)
            .map(|(i, _, _)| i)
            .chain(std::iter::once(s.len()))
            .take(limit)
            .collect();
        memory::reserve_result(Shape::Str, s.len() + matches.len() * new.len())?;
        return Ok(replace_at(this, &matches, 0, new.as_bytes()));
    }
    // Count the matches first, then write the result in place, searching again.
    let n = occurrences(s, old.as_bytes()).take(limit).count();
    if n == 0 {
        return Ok(Value::Str(this.clone()));
    }
    let (old_len, new) = (old.len(), new.as_bytes());
    let len = s.len() - n * old_len + n * new.len();
    memory::reserve_result(Shape::Str, len)?;
    Ok(Value::Str(Str::build(len, |out| {
        let (mut pos, mut at) = (0, 0);
        for i in occurrences(s, old.as_bytes()).take(n) {
            out[at..at + i - pos].copy_from_slice(&s[pos..i]);
            at += i - pos;
            out[at..at + new.len()].copy_from_slice(new);
            at += new.len();
            pos = i + old_len;
        }
        out[at..].copy_from_slice(&s[pos..]);
    })))
}

/// `this` with the `old_len` bytes at each of `matches` replaced by `new`.
fn replace_at(this: &Str, matches: &[usize], old_len: usize, new: &[u8]) -> Value {
    if matches.is_empty() {
        return Value::Str(this.clone());
    }
    let s = this.as_bytes();
    let mut out = Vec::with_capacity(s.len() + matches.len() * new.len());
    let mut pos = 0;
    for &i in matches {
        out.extend_from_slice(&s[pos..i]);
        out.extend_from_slice(new);
        pos = i + old_len;
    }
    out.extend_from_slice(&s[pos..]);
    str_value(&out)
}

/// The index of the last occurrence of `sub` in `S[start:end]`, or -1.
#[star_builtin(name = "rfind", method, signature = (sub, start = None, end = None, /), pure)]
fn str_rfind(this: &Str, sub: &Str, start: Option<&Value>, end: Option<&Value>) -> Result<i64> {
    find_impl("rfind", this, sub, start, end, true, false)
}

/// Like `rfind`, but fails if `sub` is not found.
#[star_builtin(name = "rindex", method, signature = (sub, start = None, end = None, /), pure)]
fn str_rindex(this: &Str, sub: &Str, start: Option<&Value>, end: Option<&Value>) -> Result<i64> {
    find_impl("rindex", this, sub, start, end, true, true)
}

/// Splits at the last occurrence of `sep`: `(before, sep, after)`, or `("", "", S)`.
#[star_builtin(name = "rpartition", method, signature = (sep, /), pure)]
fn str_rpartition(this: &Str, sep: &Str) -> Result<Value> {
    partition_impl("rpartition", this, sep, true)
}

/// The separator of `split`/`rsplit`: `None` for runs of white space, else a non-empty
/// string. (The reference names `split` in these messages for both methods.)
fn separator(sep: Option<&Value>) -> Result<Option<&Str>> {
    match sep {
        None => Ok(None),
        Some(Value::Str(s)) if s.is_empty() => Err(Error::value_error("split: empty separator")),
        Some(Value::Str(s)) => Ok(Some(s)),
        Some(v) => Err(Error::type_error(format!(
            "split: got {} for separator, want string",
            v.type_name()
        ))),
    }
}

/// The fields of `s` separated by runs of white space, from the left. Once `max`
/// fields have been cut (if `max` is given), the rest from its first non-space rune
/// on, trailing space included, is the last field.
fn split_space(s: &[u8], max: Option<usize>) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c, _) in Runes::new(s) {
        if unicode::is_space(c) {
            if let Some(st) = start {
                if Some(out.len()) == max {
                    break;
                }
                out.push(&s[st..i]);
                start = None;
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    out
}

/// Like [`split_space`], from the right: once `max` fields have been cut from the
/// end, the rest up to its last non-space rune, leading space included, is the first
/// field.
fn rsplit_space(s: &[u8], max: usize) -> Vec<&[u8]> {
    let runes: Vec<(usize, char, usize)> = Runes::new(s).collect();
    let mut out: Vec<&[u8]> = Vec::new();
    let mut end: Option<usize> = None;
    for &(i, c, w) in runes.iter().rev() {
        if unicode::is_space(c) {
            if let Some(e) = end {
                if out.len() == max {
                    break;
                }
                out.push(&s[i + w..e]);
                end = None;
            }
        } else if end.is_none() {
            end = Some(i + w);
        }
    }
    if let Some(e) = end {
        out.push(&s[..e]);
    }
    out.reverse();
    out
}

/// A split count: `None` (no limit) when negative.
fn max_splits(maxsplit: i64) -> Option<usize> {
    usize::try_from(maxsplit).ok()
}

/// The fields of the string separated by `sep`, at most `maxsplit` cuts from the
/// right. Without `sep`, splits at runs of white space.
#[star_builtin(name = "rsplit", method, signature = (sep = None, maxsplit = -1, /), pure)]
fn str_rsplit(this: &Str, sep: Option<&Value>, maxsplit: i64) -> Result<Value> {
    let s = this.as_bytes();
    Ok(match (separator(sep)?, max_splits(maxsplit)) {
        (None, None) => str_list(split_space(s, None)),
        (None, Some(max)) => str_list(rsplit_space(s, max)),
        (Some(sep), max) => {
            let cuts: Vec<usize> = occurrences(s, sep.as_bytes()).collect();
            let keep = max.map_or(0, |m| cuts.len().saturating_sub(m));
            let mut out: Vec<&[u8]> = Vec::with_capacity(cuts.len() + 1 - keep);
            let mut pos = 0;
            for &i in &cuts[keep..] {
                out.push(&s[pos..i]);
                pos = i + sep.len();
            }
            out.push(&s[pos..]);
            str_list(out)
        }
    })
}

/// The string without trailing white space (or trailing characters in `chars`).
#[star_builtin(name = "rstrip", method, signature = (chars = None, /), pure)]
fn str_rstrip(this: &Str, chars: Option<&Str>) -> Value {
    strip_impl(this, chars, Ends::Right)
}

/// The fields of the string separated by `sep`, at most `maxsplit` cuts from the
/// left. Without `sep`, splits at runs of white space, ignoring leading and trailing
/// white space.
#[star_builtin(name = "split", method, signature = (sep = None, maxsplit = -1, /), pure)]
fn str_split(this: &Str, sep: Option<&Value>, maxsplit: i64) -> Result<Value> {
    let s = this.as_bytes();
    let max = max_splits(maxsplit);
    Ok(match separator(sep)? {
        None => str_list(split_space(s, max)),
        Some(sep) => {
            let mut out: Vec<Value> = Vec::new();
            let mut pos = 0;
            for i in occurrences(s, sep.as_bytes()).take(max.unwrap_or(usize::MAX)) {
                out.push(str_value(&s[pos..i]));
                pos = i + sep.len();
            }
            out.push(str_value(&s[pos..]));
            Value::list(out)
        }
    })
}

/// The lines of the string, split at `"\n"` (kept at the end of each line with
/// `keepends`); a final newline does not start another line.
#[star_builtin(name = "splitlines", method, signature = (keepends = Value::Bool(false), /), pure)]
fn str_splitlines(this: &Str, keepends: Value) -> Result<Value> {
    // Only a bool, not any value's truth, as in the reference.
    let keep = named("splitlines", unpack::boolean(&keepends, 1))?;
    let s = this.as_bytes();
    let mut lines: Vec<&[u8]> = Vec::new();
    let mut pos = 0;
    while pos < s.len() {
        let end = s[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(s.len(), |i| pos + i);
        let next = (end + 1).min(s.len());
        lines.push(if keep { &s[pos..next] } else { &s[pos..end] });
        pos = next;
    }
    Ok(str_list(lines))
}

/// Whether `S[start:end]` starts with `prefix` (or one of a tuple of prefixes).
#[star_builtin(name = "startswith", method, signature = (prefix, start = None, end = None, /), pure)]
fn str_startswith(
    this: &Str,
    prefix: &Value,
    start: Option<&Value>,
    end: Option<&Value>,
) -> Result<bool> {
    affix_test("startswith", this, prefix, start, end)
}

/// The string without leading and trailing white space (or characters in `chars`).
#[star_builtin(name = "strip", method, signature = (chars = None, /), pure)]
fn str_strip(this: &Str, chars: Option<&Str>) -> Value {
    strip_impl(this, chars, Ends::Both)
}

/// The string with each word's first letter in title case and the rest in lower
/// case; a word starts after any uncased character.
#[star_builtin(name = "title", method, signature = (), pure)]
fn str_title(this: &Str) -> Value {
    let mut prev_cased = false;
    str_value(&unicode::map_runes(this.as_bytes(), |_, c| {
        let c = if prev_cased {
            unicode::to_lower(c)
        } else {
            unicode::to_title(c)
        };
        prev_cased = unicode::is_cased(c);
        c
    }))
}

/// The string in upper case.
#[star_builtin(name = "upper", method, signature = (), pure)]
fn str_upper(this: &Str) -> Value {
    match this.as_bytes() {
        b if b.is_ascii() => map_ascii(b, <[u8]>::make_ascii_uppercase),
        _ => str_value(&to_upper(this)),
    }
}

/// The methods of `string`, sorted by name.
pub(super) static METHODS: &[&NativeFunction] = &[
    &str_capitalize::BUILTIN,
    &str_codepoint_ords::BUILTIN,
    &str_codepoints::BUILTIN,
    &str_count::BUILTIN,
    &str_elem_ords::BUILTIN,
    &str_elems::BUILTIN,
    &str_endswith::BUILTIN,
    &str_find::BUILTIN,
    &FORMAT,
    &str_index::BUILTIN,
    &str_isalnum::BUILTIN,
    &str_isalpha::BUILTIN,
    &str_isdigit::BUILTIN,
    &str_islower::BUILTIN,
    &str_isspace::BUILTIN,
    &str_istitle::BUILTIN,
    &str_isupper::BUILTIN,
    &str_join::BUILTIN,
    &str_lower::BUILTIN,
    &str_lstrip::BUILTIN,
    &str_partition::BUILTIN,
    &str_removeprefix::BUILTIN,
    &str_removesuffix::BUILTIN,
    &str_replace::BUILTIN,
    &str_rfind::BUILTIN,
    &str_rindex::BUILTIN,
    &str_rpartition::BUILTIN,
    &str_rsplit::BUILTIN,
    &str_rstrip::BUILTIN,
    &str_split::BUILTIN,
    &str_splitlines::BUILTIN,
    &str_startswith::BUILTIN,
    &str_strip::BUILTIN,
    &str_title::BUILTIN,
    &str_upper::BUILTIN,
];

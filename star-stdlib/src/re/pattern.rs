//! `re.pattern` values (what `re.compile` returns) and the operations that both their
//! methods and the module's functions run: search, match, findall, split and sub.

use std::sync::Arc;

use star_core::eval::call_value;
use star_core::value::{ConvError, FromValue, HostMethods, HostValue, IntoValue, Str};
use star_core::{star_methods, Args, Error, NativeFunction, Result, Thread, Value};

use super::compiled::{compile, Compiled, Spans};
use super::matches::Match;
use super::template::Template;

/// A compiled regular expression.
pub struct Pattern(Arc<Compiled>);

impl Pattern {
    pub(super) fn new(c: Arc<Compiled>) -> Pattern {
        Pattern(c)
    }

    /// The pattern's text.
    pub fn source(&self) -> &str {
        self.0.source()
    }
}

/// The compiled pattern that `v` (a string or an `re.pattern`) stands for.
pub(super) fn pattern_arg(func: &str, v: &Value) -> Result<Arc<Compiled>> {
    if let Some(p) = v.downcast_ref::<Pattern>() {
        return Ok(p.0.clone());
    }
    let Some(s) = v.as_str() else {
        return Err(Error::type_error(format!(
            "{func}: got {} for pattern, want string or re.pattern",
            v.type_name()
        )));
    };
    match s.as_str() {
        Some(text) => compile(func, text),
        None => Err(Error::value_error(format!(
            "{func}: invalid pattern {}: not valid UTF-8",
            v.repr()
        ))),
    }
}

fn found(c: &Arc<Compiled>, s: &Str, spans: Option<Spans>) -> Value {
    spans.map_or(Value::None, |spans| {
        Match::new(c.clone(), s.clone(), spans).into_value()
    })
}

pub(super) fn search(c: &Arc<Compiled>, s: &Str) -> Value {
    found(c, s, c.search(s.as_bytes()))
}

pub(super) fn match_prefix(func: &str, c: &Arc<Compiled>, s: &Str) -> Result<Value> {
    Ok(found(c, s, c.match_prefix(func, s.as_bytes())?))
}

pub(super) fn match_whole(func: &str, c: &Arc<Compiled>, s: &Str) -> Result<Value> {
    Ok(found(c, s, c.match_whole(func, s.as_bytes())?))
}

/// The text of a span, or `""` for a group that did not take part (as `findall` and
/// `sub` have it).
fn slice(hay: &[u8], span: Option<(usize, usize)>) -> Value {
    span.map_or_else(
        || Value::str(""),
        |(s, e)| Value::Str(Str::from_bytes(&hay[s..e])),
    )
}

pub(super) fn findall(c: &Arc<Compiled>, s: &Str) -> Result<Value> {
    let hay = s.as_bytes();
    let mut out = Vec::new();
    c.for_each_match(hay, |spans| {
        out.push(match spans.len() {
            1 => slice(hay, spans[0]),
            2 => slice(hay, spans[1]),
            _ => Value::tuple(spans[1..].iter().map(|&sp| slice(hay, sp)).collect()),
        });
        Ok(true)
    })?;
    Ok(Value::list(out))
}

pub(super) fn finditer(c: &Arc<Compiled>, s: &Str) -> Result<Value> {
    let mut out = Vec::new();
    c.for_each_match(s.as_bytes(), |spans| {
        out.push(Match::new(c.clone(), s.clone(), spans.clone()).into_value());
        Ok(true)
    })?;
    Ok(Value::list(out))
}

pub(super) fn split(c: &Arc<Compiled>, s: &Str, maxsplit: i64) -> Result<Value> {
    let hay = s.as_bytes();
    if maxsplit < 0 {
        return Ok(Value::list(vec![Value::Str(s.clone())]));
    }
    let mut out = Vec::new();
    let mut last = 0;
    let mut splits = 0;
    c.for_each_match(hay, |spans| {
        let (start, end) = spans[0].expect("group 0 always matches");
        out.push(Value::Str(Str::from_bytes(&hay[last..start])));
        for &g in &spans[1..] {
            out.push(g.map_or(Value::None, |(s, e)| {
                Value::Str(Str::from_bytes(&hay[s..e]))
            }));
        }
        last = end;
        splits += 1;
        Ok(maxsplit == 0 || splits < maxsplit)
    })?;
    out.push(Value::Str(Str::from_bytes(&hay[last..])));
    Ok(Value::list(out))
}

pub(super) fn sub(
    func: &str,
    thread: &mut Thread,
    c: &Arc<Compiled>,
    repl: &Value,
    s: &Str,
    count: i64,
) -> Result<Str> {
    let hay = s.as_bytes();
    let template = match repl {
        Value::Str(t) => Some(
            Template::parse(t.as_bytes(), c)
                .map_err(|why| Error::value_error(format!("{func}: {why}")))?,
        ),
        Value::Function(_) | Value::Builtin(_) | Value::BoundMethod(_) | Value::Host(_) => None,
        other => {
            return Err(Error::type_error(format!(
                "{func}: got {} for repl, want string or function",
                other.type_name()
            )))
        }
    };
    if count < 0 {
        return Ok(s.clone());
    }
    let mut out = Vec::with_capacity(hay.len());
    let mut last = 0;
    let mut done = 0;
    c.for_each_match(hay, |spans| {
        let (start, end) = spans[0].expect("group 0 always matches");
        out.extend_from_slice(&hay[last..start]);
        match &template {
            Some(t) => t.expand(hay, spans, &mut out),
            None => {
                let m = Match::new(c.clone(), s.clone(), spans.clone()).into_value();
                match call_value(thread, repl, &Args::positional(&[m]))? {
                    Value::Str(r) => out.extend_from_slice(r.as_bytes()),
                    other => {
                        return Err(Error::type_error(format!(
                            "{func}: repl returned {}, want string",
                            other.type_name()
                        )))
                    }
                }
            }
        }
        last = end;
        done += 1;
        Ok(count == 0 || done < count)
    })?;
    out.extend_from_slice(&hay[last..]);
    Ok(Str::from_bytes(&out))
}

#[star_methods]
impl Pattern {
    /// Returns the match at the start of string, or None.
    #[star(name = "match", signature = (string, /))]
    pub fn match_(&self, string: Str) -> Result<Value> {
        match_prefix("match", &self.0, &string)
    }

    /// Returns the match of the whole of string, or None.
    #[star(signature = (string, /))]
    pub fn fullmatch(&self, string: Str) -> Result<Value> {
        match_whole("fullmatch", &self.0, &string)
    }

    /// Returns the first match anywhere in string, or None.
    #[star(signature = (string, /))]
    pub fn search(&self, string: Str) -> Value {
        search(&self.0, &string)
    }

    /// Returns the texts of all the matches in string: the whole match if the pattern
    /// has no groups, the group if it has one, a tuple of the groups if it has more.
    #[star(signature = (string, /))]
    pub fn findall(&self, string: Str) -> Result<Value> {
        findall(&self.0, &string)
    }

    /// Returns a list of all the matches in string, as match values.
    #[star(signature = (string, /))]
    pub fn finditer(&self, string: Str) -> Result<Value> {
        finditer(&self.0, &string)
    }

    /// Returns string split at each match (at most maxsplit times unless it is 0),
    /// with the texts of the pattern's groups between the pieces.
    #[star(signature = (string, maxsplit = 0))]
    pub fn split(&self, string: Str, maxsplit: i64) -> Result<Value> {
        split(&self.0, &string, maxsplit)
    }

    /// Returns string with each match (the first count ones unless count is 0)
    /// replaced by repl: a template where \1 and \g<name> stand for groups, or a
    /// function called with the match that returns the replacement.
    #[star(signature = (repl, string, count = 0))]
    pub fn sub(&self, thread: &mut Thread, repl: Value, string: Str, count: i64) -> Result<Str> {
        sub("sub", thread, &self.0, &repl, &string, count)
    }
}

impl HostValue for Pattern {
    fn type_name(&self) -> &'static str {
        "re.pattern"
    }

    fn repr(&self, out: &mut String) {
        out.push_str("re.compile(");
        Value::str(self.0.source()).write_repr(out);
        out.push(')');
    }

    fn equals(&self, other: &Value) -> Result<bool> {
        Ok(other
            .downcast_ref::<Pattern>()
            .is_some_and(|o| o.0.source() == self.0.source()))
    }

    fn hash(&self) -> Result<u32> {
        Ok(Str::new(self.0.source()).hash32())
    }

    fn attr(&self, name: &str) -> Option<Value> {
        match name {
            "pattern" => Some(Value::str(self.0.source())),
            "groups" => Some(Value::Int(self.0.groups() as i64)),
            "groupindex" => {
                let d = Value::dict();
                for (n, i) in self.0.names() {
                    let _ = d
                        .as_dict()
                        .expect("a dict")
                        .insert(Value::str(n), Value::Int(i as i64));
                }
                Some(d)
            }
            _ => None,
        }
    }

    fn attr_names(&self) -> Vec<String> {
        ["groupindex", "groups", "pattern"]
            .map(String::from)
            .to_vec()
    }

    fn methods(&self) -> &'static [&'static NativeFunction] {
        <Pattern as HostMethods>::methods()
    }
}

star_core::impl_freeze_safe!(Pattern);

impl IntoValue for Pattern {
    fn into_value(self) -> Value {
        Value::host(self)
    }
}

impl<'a> FromValue<'a> for &'a Pattern {
    fn from_value(v: &'a Value) -> std::result::Result<Self, ConvError> {
        v.downcast_ref::<Pattern>()
            .ok_or_else(|| ConvError::wrong_type(v, "re.pattern"))
    }

    fn expected() -> String {
        "re.pattern".into()
    }
}

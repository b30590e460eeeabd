//! `re.match` values: one match of a pattern in a string, as Python's `re.Match`.
//!
//! A match keeps the subject string, the compiled pattern and the byte span of every
//! group; the group texts are sliced out when asked for. Groups are named by number
//! (0 is the whole match) or by name.

use std::sync::Arc;

use star_core::value::{ConvError, FromValue, HostMethods, HostValue, IntoValue, Str};
use star_core::{star_methods, Error, ErrorKind, NativeFunction, Result, Value};

use super::compiled::{Compiled, Spans};
use super::pattern::Pattern;

/// One match of a pattern in a string.
pub struct Match {
    /// The pattern that matched.
    pattern: Arc<Compiled>,
    /// The string searched.
    string: Str,
    /// The span of each group, group 0 first.
    spans: Spans,
}

impl Match {
    /// A match of `pattern` in `string` with these group spans.
    pub(super) fn new(pattern: Arc<Compiled>, string: Str, spans: Spans) -> Match {
        Match {
            pattern,
            string,
            spans,
        }
    }

    /// The text of group `i` (a valid number), or `None` if it did not take part.
    pub fn text(&self, i: usize) -> Option<Str> {
        self.spans[i].map(|(s, e)| Str::from_bytes(&self.string.as_bytes()[s..e]))
    }

    /// The span of group `i` (a valid number).
    pub fn span_of(&self, i: usize) -> Option<(usize, usize)> {
        self.spans[i]
    }

    /// The number of the group `g` names (an int, or the name of a named group).
    pub fn index(&self, func: &str, g: &Value) -> Result<usize> {
        let found = match g {
            Value::Int(i) => usize::try_from(*i).ok().filter(|&i| i < self.spans.len()),
            Value::Str(s) => s.as_str().and_then(|name| self.pattern.group_index(name)),
            other => {
                return Err(Error::type_error(format!(
                    "{func}: got {} for group, want int or string",
                    other.type_name()
                )))
            }
        };
        found.ok_or_else(|| {
            Error::new(
                ErrorKind::Index,
                format!("{func}: no such group: {}", g.repr()),
            )
        })
    }

    fn text_or(&self, i: usize, default: &Value) -> Value {
        self.text(i).map_or_else(|| default.clone(), Value::Str)
    }
}

#[star_methods]
impl Match {
    /// Returns the text of a group: group() or group(0) is the whole match, group(n)
    /// the n-th group and group("name") a named one; with several arguments, a tuple of
    /// their texts. A group that did not take part gives None.
    #[star(signature = (*groups))]
    pub fn group(&self, groups: Vec<Value>) -> Result<Value> {
        let one = |g: &Value| -> Result<Value> {
            Ok(self.text_or(self.index("group", g)?, &Value::None))
        };
        match groups.as_slice() {
            [] => Ok(self.text_or(0, &Value::None)),
            [g] => one(g),
            gs => Ok(Value::tuple(gs.iter().map(one).collect::<Result<_>>()?)),
        }
    }

    /// Returns a tuple of the texts of all the groups (not the whole match), with
    /// default (None unless given) for those that did not take part.
    #[star(signature = (default = None))]
    pub fn groups(&self, default: Option<Value>) -> Value {
        let default = default.unwrap_or_default();
        Value::tuple(
            (1..self.spans.len())
                .map(|i| self.text_or(i, &default))
                .collect(),
        )
    }

    /// Returns a dict from the name of each named group to its text, with default
    /// (None unless given) for those that did not take part.
    #[star(signature = (default = None))]
    pub fn groupdict(&self, default: Option<Value>) -> Result<Value> {
        let default = default.unwrap_or_default();
        let d = Value::dict();
        let dict = d.as_dict().expect("a dict");
        for (name, i) in self.pattern.names() {
            dict.insert(Value::str(name), self.text_or(i, &default))?;
        }
        Ok(d)
    }

    /// Returns the byte offset where a group (the whole match by default) starts, or
    /// -1 if it did not take part.
    #[star(signature = (group = 0, /))]
    pub fn start(&self, group: Group) -> Result<i64> {
        Ok(self.edges("start", &group)?.0)
    }

    /// Returns the byte offset where a group (the whole match by default) ends, or -1
    /// if it did not take part.
    #[star(signature = (group = 0, /))]
    pub fn end(&self, group: Group) -> Result<i64> {
        Ok(self.edges("end", &group)?.1)
    }

    /// Returns (start(group), end(group)): the byte offsets of a group (the whole
    /// match by default), or (-1, -1) if it did not take part.
    #[star(signature = (group = 0, /))]
    pub fn span(&self, group: Group) -> Result<(i64, i64)> {
        self.edges("span", &group)
    }
}

/// A group argument: a number or a name (any value; [`Match::index`] checks it).
pub struct Group(Value);

impl From<i32> for Group {
    fn from(i: i32) -> Group {
        Group(Value::Int(i.into()))
    }
}

impl<'a> FromValue<'a> for Group {
    fn from_value(v: &'a Value) -> std::result::Result<Self, ConvError> {
        Ok(Group(v.clone()))
    }

    fn expected() -> String {
        "int or string".into()
    }
}

impl Match {
    fn edges(&self, func: &str, group: &Group) -> Result<(i64, i64)> {
        let i = self.index(func, &group.0)?;
        Ok(self.spans[i].map_or((-1, -1), |(s, e)| (s as i64, e as i64)))
    }
}

impl HostValue for Match {
    fn type_name(&self) -> &'static str {
        "re.match"
    }

    fn repr(&self, out: &mut String) {
        let (s, e) = self.spans[0].unwrap_or((0, 0));
        out.push_str(&format!("<re.match span=({s}, {e}), match="));
        self.text_or(0, &Value::None).write_repr(out);
        out.push('>');
    }

    fn attr(&self, name: &str) -> Option<Value> {
        match name {
            "string" => Some(Value::Str(self.string.clone())),
            "re" => Some(Pattern::new(self.pattern.clone()).into_value()),
            _ => None,
        }
    }

    fn attr_names(&self) -> Vec<String> {
        vec!["re".into(), "string".into()]
    }

    fn methods(&self) -> &'static [&'static NativeFunction] {
        <Match as HostMethods>::methods()
    }
}

star_core::impl_freeze_safe!(Match);

impl IntoValue for Match {
    fn into_value(self) -> Value {
        Value::host(self)
    }
}

impl<'a> FromValue<'a> for &'a Match {
    fn from_value(v: &'a Value) -> std::result::Result<Self, ConvError> {
        v.downcast_ref::<Match>()
            .ok_or_else(|| ConvError::wrong_type(v, "re.match"))
    }

    fn expected() -> String {
        "re.match".into()
    }
}

//! Replacement templates of `re.sub`, read as Python reads them.
//!
//! `\1` to `\99` and `\g<1>` refer to groups by number, `\g<name>` by name (a group
//! that did not take part gives ""); `\n`, `\t`, `\r`, `\a`, `\b`, `\f`, `\v`, `\0` and
//! `\\` are the usual characters. Any other backslash before an ASCII letter is an
//! error, and a backslash before anything else is kept as it is (`\&` stays `\&`).

use super::compiled::{Compiled, Spans};

/// One piece of a template.
#[derive(Debug, PartialEq)]
pub enum Piece {
    /// Text copied as it is.
    Text(Vec<u8>),
    /// The text of a group.
    Group(usize),
}

/// A parsed template.
#[derive(Debug, PartialEq)]
pub struct Template(Vec<Piece>);

impl Template {
    /// Parses `t` against the groups of `pattern`, or says why it is invalid.
    pub fn parse(t: &[u8], pattern: &Compiled) -> Result<Template, String> {
        let mut pieces = Vec::new();
        let mut text = Vec::new();
        let mut i = 0;
        let group = |n: usize| {
            if n <= pattern.groups() {
                Ok(n)
            } else {
                Err(format!("invalid group reference {n}"))
            }
        };
        while i < t.len() {
            let c = t[i];
            if c != b'\\' {
                text.push(c);
                i += 1;
                continue;
            }
            let Some(&next) = t.get(i + 1) else {
                return Err("bad escape (end of pattern)".into());
            };
            i += 2;
            let n = match next {
                b'1'..=b'9' => {
                    let mut n = usize::from(next - b'0');
                    if let Some(d @ b'0'..=b'9') = t.get(i) {
                        n = n * 10 + usize::from(d - b'0');
                        i += 1;
                    }
                    Some(group(n)?)
                }
                b'g' => {
                    let rest = &t[i..];
                    let close = rest.iter().position(|&b| b == b'>');
                    let (Some(b'<'), Some(close)) = (rest.first(), close) else {
                        return Err("missing group name in \\g<...>".into());
                    };
                    let name = String::from_utf8_lossy(&rest[1..close]).into_owned();
                    i += close + 1;
                    Some(match name.parse::<usize>() {
                        Ok(n) => group(n)?,
                        Err(_) if name.is_empty() => return Err("missing group name".into()),
                        Err(_) => pattern
                            .group_index(&name)
                            .ok_or_else(|| format!("unknown group name {name:?}"))?,
                    })
                }
                _ => {
                    match next {
                        b'n' => text.push(b'\n'),
                        b't' => text.push(b'\t'),
                        b'r' => text.push(b'\r'),
                        b'a' => text.push(0x07),
                        b'b' => text.push(0x08),
                        b'f' => text.push(0x0c),
                        b'v' => text.push(0x0b),
                        b'0' => text.push(0),
                        b'\\' => text.push(b'\\'),
                        c if c.is_ascii_alphabetic() => {
                            return Err(format!("bad escape \\{}", c as char))
                        }
                        c => text.extend([b'\\', c]),
                    }
                    None
                }
            };
            if let Some(n) = n {
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Group(n));
            }
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Ok(Template(pieces))
    }

    /// Appends the template filled in with one match of `hay` to `out`.
    pub fn expand(&self, hay: &[u8], spans: &Spans, out: &mut Vec<u8>) {
        for p in &self.0 {
            match p {
                Piece::Text(t) => out.extend_from_slice(t),
                Piece::Group(n) => {
                    if let Some((s, e)) = spans[*n] {
                        out.extend_from_slice(&hay[s..e]);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::compiled::compile;
    use super::*;

    fn parse(t: &str) -> Result<Template, String> {
        Template::parse(t.as_bytes(), &compile("t", "(?P<first>a)(b)?").unwrap())
    }

    #[test]
    fn pieces() {
        use Piece::*;
        assert_eq!(
            parse(r"<\2\1\g<first>\g<0>>").unwrap(),
            Template(vec![
                Text(b"<".to_vec()),
                Group(2),
                Group(1),
                Group(1),
                Group(0),
                Text(b">".to_vec()),
            ])
        );
        assert_eq!(
            parse(r"\n\t\\\&").unwrap(),
            Template(vec![Text(b"\n\t\\\\&".to_vec())])
        );
    }

    #[test]
    fn errors() {
        assert_eq!(parse(r"\3").unwrap_err(), "invalid group reference 3");
        assert_eq!(parse(r"\12").unwrap_err(), "invalid group reference 12");
        assert_eq!(parse(r"\g<x>").unwrap_err(), r#"unknown group name "x""#);
        assert_eq!(parse(r"\g<7>").unwrap_err(), "invalid group reference 7");
        assert_eq!(
            parse(r"\g<1").unwrap_err(),
            r"missing group name in \g<...>"
        );
        assert_eq!(parse(r"\q").unwrap_err(), r"bad escape \q");
        assert_eq!(parse("\\").unwrap_err(), "bad escape (end of pattern)");
    }
}

//! [`ModuleKey`]: which file of which package a module is, and how references name it.

use std::fmt;

use crate::error::{Error, ErrorKind, Result};

/// The alias of the user's package; its modules are shown as `//path`.
pub const MAIN_PACKAGE: &str = "__main__";

/// The alias of the standard library's package.
pub const STDLIB_PACKAGE: &str = "stdlib";

/// A module: a package alias and a normalised path inside the package (no leading
/// `/`, no `.` or `..` segments, never above the package root).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleKey {
    /// The package alias (`__main__`, `stdlib`, ...).
    pub package: String,
    /// The path inside the package, e.g. `lib/util.star`.
    pub path: String,
}

impl ModuleKey {
    /// The module at `path` (normalised) in package `package`.
    pub fn new(package: &str, path: &str) -> Result<ModuleKey> {
        check_alias(package, path)?;
        Ok(ModuleKey {
            package: package.to_string(),
            path: normalise(path, "")?,
        })
    }

    /// Parses a reference as `load` and `exec` take it: `@alias//path` (another
    /// package), `//path` (the root of `current`'s package) or `path` (relative to
    /// `current`'s directory). Without a current module only `@alias//path` and
    /// `//path` (in `__main__`) are accepted.
    pub fn parse(reference: &str, current: Option<&ModuleKey>) -> Result<ModuleKey> {
        if let Some(rest) = reference.strip_prefix('@') {
            let Some((alias, path)) = rest.split_once("//") else {
                return Err(bad_ref(reference, "want @alias//path"));
            };
            check_alias(alias, reference)?;
            return Ok(ModuleKey {
                package: alias.to_string(),
                path: normalise(path, reference)?,
            });
        }
        if let Some(path) = reference.strip_prefix("//") {
            let package = current.map_or(MAIN_PACKAGE, |c| c.package.as_str());
            return Ok(ModuleKey {
                package: package.to_string(),
                path: normalise(path, reference)?,
            });
        }
        let Some(current) = current else {
            return Err(bad_ref(
                reference,
                "a relative reference needs a current module; use //path or @alias//path",
            ));
        };
        let dir = match current.path.rfind('/') {
            Some(i) => &current.path[..i + 1],
            None => "",
        };
        Ok(ModuleKey {
            package: current.package.clone(),
            path: normalise(&format!("{dir}{reference}"), reference)?,
        })
    }
}

impl fmt::Display for ModuleKey {
    /// `//path` in `__main__`, `@alias//path` elsewhere.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.package == MAIN_PACKAGE {
            write!(f, "//{}", self.path)
        } else {
            write!(f, "@{}//{}", self.package, self.path)
        }
    }
}

fn bad_ref(reference: &str, why: &str) -> Error {
    Error::new(
        ErrorKind::Value,
        format!("invalid module reference {reference:?}: {why}"),
    )
}

fn check_alias(alias: &str, reference: &str) -> Result<()> {
    let ok = !alias.is_empty()
        && alias
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(bad_ref(reference, &format!("bad package alias {alias:?}")))
    }
}

/// Resolves `.` and `..` segments and repeated slashes; a path that climbs above
/// the package root, or names no file, is an error.
fn normalise(path: &str, reference: &str) -> Result<String> {
    let shown = if reference.is_empty() {
        path
    } else {
        reference
    };
    if path.contains('\0') || path.contains('\\') {
        return Err(bad_ref(shown, "the path has a NUL or backslash"));
    }
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(bad_ref(shown, "the path leads outside the package root"));
                }
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() || path.ends_with('/') {
        return Err(bad_ref(shown, "the path names no file"));
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(pkg: &str, path: &str) -> ModuleKey {
        ModuleKey::new(pkg, path).unwrap()
    }

    #[test]
    fn references_resolve_against_the_current_module() {
        let cur = key("__main__", "a/b/c.star");
        let cases = [
            ("x.star", "//a/b/x.star"),
            ("sub/x.star", "//a/b/sub/x.star"),
            ("../x.star", "//a/x.star"),
            ("./../../x.star", "//x.star"),
            ("//x.star", "//x.star"),
            ("//p/./q/../x.star", "//p/x.star"),
            ("@stdlib//json.star", "@stdlib//json.star"),
            ("@lib-2//a//b.star", "@lib-2//a/b.star"),
        ];
        for (r, want) in cases {
            assert_eq!(
                ModuleKey::parse(r, Some(&cur)).unwrap().to_string(),
                want,
                "{r}"
            );
        }
        let other = key("stdlib", "x/y.star");
        assert_eq!(
            ModuleKey::parse("//z.star", Some(&other))
                .unwrap()
                .to_string(),
            "@stdlib//z.star"
        );
        assert_eq!(
            ModuleKey::parse("z.star", Some(&other))
                .unwrap()
                .to_string(),
            "@stdlib//x/z.star"
        );
        assert_eq!(
            ModuleKey::parse("//m.star", None).unwrap().to_string(),
            "//m.star"
        );
    }

    #[test]
    fn bad_references_are_errors() {
        let cur = key("__main__", "a.star");
        for (r, why) in [
            ("../x.star", "outside the package root"),
            ("//../x.star", "outside the package root"),
            ("a/../../x.star", "outside the package root"),
            ("@//x.star", "bad package alias"),
            ("@a/b//x.star", "bad package alias"),
            ("@pkg", "want @alias//path"),
            ("//", "names no file"),
            ("dir/", "names no file"),
            ("a\\b.star", "backslash"),
        ] {
            let e = ModuleKey::parse(r, Some(&cur)).unwrap_err();
            assert!(e.message().contains(why), "{r}: {}", e.message());
        }
        let e = ModuleKey::parse("x.star", None).unwrap_err();
        assert!(
            e.message().contains("needs a current module"),
            "{}",
            e.message()
        );
    }
}

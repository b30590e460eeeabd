//! Loaders: where a package's files come from (a directory, a map in memory, or the
//! host's own function).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::eval::FrozenModule;

/// What a loader found at a path.
#[derive(Clone, Debug)]
pub enum Source {
    /// Starlark source text, to be executed.
    Text(Arc<str>),
    /// A ready module of native values (for example a `#[star_module]`).
    Native(Arc<FrozenModule>),
}

/// Why a loader found nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// The package has no file at that path.
    NoModule,
    /// The file exists but could not be read (the reason is shown to the user).
    Other(String),
}

/// A package's files, by path inside the package (normalised by [`super::ModuleKey`]:
/// no leading `/`, no `.` or `..`).
pub trait Loader: Send + Sync {
    /// The file at `path`.
    fn load(&self, path: &str) -> Result<Source, LoadError>;
}

impl<F> Loader for F
where
    F: Fn(&str) -> Result<Source, LoadError> + Send + Sync,
{
    fn load(&self, path: &str) -> Result<Source, LoadError> {
        self(path)
    }
}

/// Files under a directory. Reads never leave the directory: a path whose real
/// location (after following symbolic links) is outside it is refused.
#[derive(Debug)]
pub struct FsLoader {
    root: PathBuf,
}

impl FsLoader {
    /// A loader for the files under `root`, which must be an existing directory.
    pub fn new(root: impl AsRef<Path>) -> std::io::Result<FsLoader> {
        let root = std::fs::canonicalize(root.as_ref())?;
        if !root.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                format!("{} is not a directory", root.display()),
            ));
        }
        Ok(FsLoader { root })
    }

    /// The directory, as the loader resolved it.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Loader for FsLoader {
    fn load(&self, path: &str) -> Result<Source, LoadError> {
        // Paths come normalised, but a loader is also a public type: check again.
        if path.is_empty()
            || path.starts_with('/')
            || path
                .split('/')
                .any(|s| s.is_empty() || s == "." || s == "..")
        {
            return Err(LoadError::Other(format!("invalid path {path:?}")));
        }
        let real = match std::fs::canonicalize(self.root.join(path)) {
            Ok(p) => p,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(LoadError::NoModule),
            Err(e) => return Err(LoadError::Other(e.to_string())),
        };
        if !real.starts_with(&self.root) {
            return Err(LoadError::Other(format!(
                "{path} leads outside the package directory"
            )));
        }
        if real.is_dir() {
            return Err(LoadError::NoModule);
        }
        let bytes = std::fs::read(&real).map_err(|e| LoadError::Other(e.to_string()))?;
        match String::from_utf8(bytes) {
            Ok(s) => Ok(Source::Text(s.into())),
            Err(_) => Err(LoadError::Other(format!("{path} is not UTF-8 text"))),
        }
    }
}

/// Files held in memory (for example assets embedded in the binary), and native
/// modules.
#[derive(Clone, Debug, Default)]
pub struct MemoryLoader {
    files: HashMap<String, Source>,
}

impl MemoryLoader {
    /// An empty package.
    pub fn new() -> MemoryLoader {
        MemoryLoader::default()
    }

    /// Adds a source file, builder style.
    pub fn with_source(mut self, path: &str, text: impl Into<Arc<str>>) -> MemoryLoader {
        self.files
            .insert(path.to_string(), Source::Text(text.into()));
        self
    }

    /// Adds a native module, builder style.
    pub fn with_native(mut self, path: &str, module: FrozenModule) -> MemoryLoader {
        self.files
            .insert(path.to_string(), Source::Native(Arc::new(module)));
        self
    }

    /// Adds a file.
    pub fn insert(&mut self, path: &str, source: Source) {
        self.files.insert(path.to_string(), source);
    }
}

impl Loader for MemoryLoader {
    fn load(&self, path: &str) -> Result<Source, LoadError> {
        self.files.get(path).cloned().ok_or(LoadError::NoModule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(r: Result<Source, LoadError>) -> Result<String, LoadError> {
        r.map(|s| match s {
            Source::Text(t) => t.to_string(),
            Source::Native(_) => "<native>".to_string(),
        })
    }

    #[test]
    fn fs_loader_stays_inside_its_root() {
        let dir = std::env::temp_dir().join(format!("star-fs-loader-{}", std::process::id()));
        let root = dir.join("pkg");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("a.star"), "x = 1\n").unwrap();
        std::fs::write(root.join("sub/b.star"), "y = 2\n").unwrap();
        std::fs::write(dir.join("secret.star"), "s = 3\n").unwrap();
        let l = FsLoader::new(&root).unwrap();
        assert_eq!(text(l.load("a.star")).unwrap(), "x = 1\n");
        assert_eq!(text(l.load("sub/b.star")).unwrap(), "y = 2\n");
        assert_eq!(text(l.load("nope.star")), Err(LoadError::NoModule));
        assert_eq!(text(l.load("sub")), Err(LoadError::NoModule));
        assert!(matches!(l.load("../secret.star"), Err(LoadError::Other(_))));
        assert!(matches!(l.load("/etc/passwd"), Err(LoadError::Other(_))));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("secret.star"), root.join("link.star")).unwrap();
            std::os::unix::fs::symlink(&dir, root.join("up")).unwrap();
            let e = l.load("link.star").unwrap_err();
            assert!(
                matches!(&e, LoadError::Other(m) if m.contains("outside")),
                "{e:?}"
            );
            assert!(matches!(l.load("up/secret.star"), Err(LoadError::Other(_))));
            // A link that stays inside is fine.
            std::os::unix::fs::symlink(root.join("a.star"), root.join("alias.star")).unwrap();
            assert_eq!(text(l.load("alias.star")).unwrap(), "x = 1\n");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn memory_loader_serves_its_map() {
        let l = MemoryLoader::new().with_source("a.star", "x = 1\n");
        assert_eq!(text(l.load("a.star")).unwrap(), "x = 1\n");
        assert_eq!(text(l.load("b.star")), Err(LoadError::NoModule));
    }
}

//! The files under `www/`: templates and static assets.
//!
//! By default they are embedded in the binary at compile time (see
//! `build.rs`), so `goldfish` runs from any directory. `--www DIR` reads them
//! from disk on every request instead, so a learner can edit a template and
//! reload the page.
//!
//! Static files are the classic place for a path-traversal hole
//! (`/static/../../etc/passwd`). Two walls stand in the way:
//! 1. every path segment is checked *after* percent-decoding: no `..`, no
//!    `.`, no empty segment, no `/` or `\` smuggled in as `%2F`/`%5C`, no NUL,
//!    no dot-files;
//! 2. on disk, the resolved path (symlinks followed) must still be inside
//!    `DIR/static`; embedded files are looked up by exact name, so there is
//!    nothing to escape into.

use std::borrow::Cow;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::template::{Template, TemplateError, Vars};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/www_files.rs"));
}

/// Where templates and static files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Www {
    /// Compiled into the binary.
    Embedded,
    /// Read from this directory (which holds `templates/` and `static/`).
    Disk(PathBuf),
}

/// Why a static file is not served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaticError {
    /// A segment that could walk out of the folder or hide a file.
    Forbidden { segment: String },
    /// No such file.
    NotFound,
}

/// Why a page could not be built from its template: a configuration
/// mistake (`--www DIR` without the file) or a bug in goldfish (a
/// malformed template, a variable the handler forgot). Either way the
/// learner gets a 500 that names the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageError {
    /// There is no `templates/<name>`.
    Missing { name: String },
    /// `--www DIR`: the file is there but cannot be read (or is not UTF-8).
    Unreadable { name: String, reason: String },
    /// The template is malformed, or uses a variable it was not given.
    Template { name: String, error: TemplateError },
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PageError::Missing { name } => write!(f, "template {name}: there is no such file"),
            PageError::Unreadable { name, reason } => write!(f, "template {name}: {reason}"),
            PageError::Template { name, error } => write!(f, "template {name}: {error}"),
        }
    }
}

impl std::error::Error for PageError {}

fn embedded(name: &str) -> Option<&'static [u8]> {
    embedded::FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| *bytes)
}

/// An embedded text file other than a template or static file, e.g.
/// `flask/lecture.py` (`None` if it is missing or not UTF-8).
#[must_use]
pub fn embedded_text(name: &str) -> Option<&'static str> {
    embedded(name).and_then(|b| std::str::from_utf8(b).ok())
}

/// The names of all embedded files (for tests and `--help`).
pub fn embedded_names() -> impl Iterator<Item = &'static str> {
    embedded::FILES.iter().map(|(n, _)| *n)
}

/// Checks one decoded path segment of a static file request.
///
/// # Errors
/// [`StaticError`] when the segment could leave `www/static` or name a
/// hidden file.
pub fn check_segment(segment: &str) -> Result<(), StaticError> {
    let bad = segment.is_empty() || segment.starts_with('.') || segment.contains(['/', '\\', '\0']);
    if bad {
        Err(StaticError::Forbidden {
            segment: segment.to_string(),
        })
    } else {
        Ok(())
    }
}

impl Www {
    /// The text of `templates/<name>`.
    ///
    /// # Errors
    /// The template does not exist or is not UTF-8.
    pub fn template(&self, name: &str) -> io::Result<Cow<'static, str>> {
        match self {
            // Looked up on every page view: compare without building the path.
            Www::Embedded => embedded::FILES
                .iter()
                .find(|(n, _)| n.strip_prefix("templates/") == Some(name))
                .and_then(|(_, b)| std::str::from_utf8(b).ok())
                .map(Cow::Borrowed)
                .ok_or_else(|| {
                    io::Error::new(io::ErrorKind::NotFound, format!("templates/{name}"))
                }),
            Www::Disk(dir) => fs::read_to_string(dir.join("templates").join(name)).map(Cow::Owned),
        }
    }

    /// Checks that every template a page needs is there and compiles:
    /// `goldfish --www DIR` calls this at start, so a directory without
    /// them is a mistake reported in one sentence, not a 500 on every page.
    ///
    /// # Errors
    /// The first template that is missing, unreadable or malformed.
    pub fn check_templates(&self) -> Result<(), PageError> {
        embedded_names()
            .filter_map(|n| n.strip_prefix("templates/"))
            .try_for_each(|name| self.compiled(name).map(drop))
    }

    /// `templates/<name>`, compiled. Embedded templates are compiled once,
    /// on first use, and kept for the life of the process; with `--www`,
    /// the file is read and compiled on every call, so edits show at once.
    ///
    /// # Errors
    /// The template is missing, not UTF-8, or malformed (a bug the tests
    /// that render every page catch).
    pub fn compiled(&self, name: &str) -> Result<Cow<'static, Template>, PageError> {
        let template = |error| PageError::Template {
            name: name.to_owned(),
            error,
        };
        match self {
            Www::Embedded => {
                // Embedded files are UTF-8: build.rs copies www/, and the
                // test `every_template_compiles` reads each one.
                static COMPILED: OnceLock<Vec<(&'static str, Result<Template, TemplateError>)>> =
                    OnceLock::new();
                let all = COMPILED.get_or_init(|| {
                    let mut all: Vec<_> = embedded::FILES
                        .iter()
                        .filter_map(|(n, bytes)| Some((n.strip_prefix("templates/")?, bytes)))
                        .filter_map(|(n, bytes)| Some((n, std::str::from_utf8(bytes).ok()?)))
                        .map(|(n, text)| (n, Template::compile(text)))
                        .collect();
                    // Sorted by length, then name: a page looks up
                    // several templates, each in a handful of comparisons
                    // that mostly compare two lengths.
                    all.sort_unstable_by_key(|(n, _)| (n.len(), *n));
                    all
                });
                let found = all.binary_search_by_key(&(name.len(), name), |(n, _)| (n.len(), n));
                match found.map(|i| &all[i].1) {
                    Ok(Ok(t)) => Ok(Cow::Borrowed(t)),
                    Ok(Err(e)) => Err(template(e.clone())),
                    Err(_) => Err(PageError::Missing {
                        name: name.to_owned(),
                    }),
                }
            }
            Www::Disk(_) => {
                let text = self.template(name).map_err(|e| match e.kind() {
                    io::ErrorKind::NotFound => PageError::Missing {
                        name: name.to_owned(),
                    },
                    _ => PageError::Unreadable {
                        name: name.to_owned(),
                        reason: e.to_string(),
                    },
                })?;
                Template::compile(text).map(Cow::Owned).map_err(template)
            }
        }
    }

    /// Renders the template `name` with `vars`.
    ///
    /// # Errors
    /// As [`Www::compiled`], and [`PageError::Template`] for a variable
    /// `vars` lacks (a bug the tests that render every page catch).
    pub fn render(&self, name: &str, vars: &Vars) -> Result<String, PageError> {
        let template = self.compiled(name)?;
        template.render(vars).map_err(|error| PageError::Template {
            name: name.to_owned(),
            error,
        })
    }

    /// The bytes and Content-Type of `static/<segments…>`. The segments are
    /// already percent-decoded.
    ///
    /// # Errors
    /// See [`StaticError`].
    pub fn static_file(
        &self,
        segments: &[&str],
    ) -> Result<(Cow<'static, [u8]>, &'static str), StaticError> {
        for s in segments {
            check_segment(s)?;
        }
        let Some(last) = segments.last() else {
            return Err(StaticError::NotFound);
        };
        let content_type = content_type(last);
        let bytes = match self {
            Www::Embedded => {
                let name = format!("static/{}", segments.join("/"));
                Cow::Borrowed(embedded(&name).ok_or(StaticError::NotFound)?)
            }
            Www::Disk(dir) => Cow::Owned(read_inside(&dir.join("static"), segments)?),
        };
        Ok((bytes, content_type))
    }
}

/// Reads `root/segments…`, refusing anything whose real path (after
/// following symlinks) is not inside `root`.
fn read_inside(root: &Path, segments: &[&str]) -> Result<Vec<u8>, StaticError> {
    let root = root.canonicalize().map_err(|_| StaticError::NotFound)?;
    let mut path = root.clone();
    path.extend(segments);
    let real = path.canonicalize().map_err(|_| StaticError::NotFound)?;
    if !real.starts_with(&root) {
        return Err(StaticError::Forbidden {
            segment: segments.join("/"),
        });
    }
    if !real.is_file() {
        return Err(StaticError::NotFound);
    }
    fs::read(&real).map_err(|_| StaticError::NotFound)
}

/// The Content-Type for a file name, by extension.
#[must_use]
pub fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_that_could_escape_are_forbidden() {
        let cases: &[(&str, &str, bool)] = &[
            ("a plain name", "style.css", true),
            ("parent directory", "..", false),
            ("current directory", ".", false),
            ("empty (from //)", "", false),
            ("decoded %2F", "a/b", false),
            ("decoded %5C", "a\\b", false),
            ("NUL", "a\0b", false),
            ("dot-file", ".env", false),
            ("dots inside a name are fine", "app.min.js", true),
        ];
        for (why, segment, ok) in cases {
            assert_eq!(check_segment(segment).is_ok(), *ok, "{why}: {segment:?}");
        }
    }

    #[test]
    fn every_embedded_template_compiles() {
        let names: Vec<&str> = embedded_names()
            .filter_map(|n| n.strip_prefix("templates/"))
            .collect();
        assert!(names.contains(&"layout.html"), "{names:?}");
        for name in names {
            assert!(Www::Embedded.compiled(name).is_ok(), "{name}");
        }
        assert!(Www::Embedded.compiled("nope.html").is_err());
    }

    #[test]
    fn content_types() {
        let cases = [
            ("style.css", "text/css; charset=utf-8"),
            ("APP.JS", "text/javascript; charset=utf-8"),
            ("fish.svg", "image/svg+xml"),
            ("README", "application/octet-stream"),
        ];
        for (name, want) in cases {
            assert_eq!(content_type(name), want, "{name}");
        }
    }

    #[test]
    fn disk_mode_refuses_symlinks_out_of_the_folder() {
        let dir = std::env::temp_dir().join(format!("goldfish-www-test-{}", std::process::id()));
        let static_dir = dir.join("static");
        fs::create_dir_all(&static_dir).unwrap();
        fs::write(dir.join("secret.txt"), "secret").unwrap();
        fs::write(static_dir.join("ok.txt"), "ok").unwrap();
        let _ = fs::remove_file(static_dir.join("link.txt"));
        std::os::unix::fs::symlink(dir.join("secret.txt"), static_dir.join("link.txt")).unwrap();
        let www = Www::Disk(dir.clone());
        assert_eq!(www.static_file(&["ok.txt"]).unwrap().0.as_ref(), b"ok");
        assert!(matches!(
            www.static_file(&["link.txt"]),
            Err(StaticError::Forbidden { .. })
        ));
        assert!(matches!(
            www.static_file(&["..", "secret.txt"]),
            Err(StaticError::Forbidden { .. })
        ));
        fs::remove_dir_all(&dir).unwrap();
    }
}

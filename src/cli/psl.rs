//! Where the Public Suffix List comes from, for `goldfish cookie check`
//! and `goldfish cookie jar`: `--psl FILE`, else the system's copy
//! (`/usr/share/publicsuffix/public_suffix_list.dat`, Debian's
//! `publicsuffix` package), else goldfish's small built-in list and a
//! one-line warning. Reading the file is I/O, so it happens here, through
//! the `read` function `main.rs` passes in; `cookie::psl` only parses text.

use std::fmt;
use std::io;

use crate::cookie::{PublicSuffixList, SYSTEM_PSL_PATH};

/// Reads a file by name (`-` is standard input). Tests pass a fake.
pub type ReadFile<'a> = &'a dyn Fn(&str) -> io::Result<String>;

/// Takes a one-line warning (`main.rs`: to standard error). Tests pass a
/// closure that keeps or drops it.
pub type Warn<'a> = &'a mut dyn FnMut(&str);

/// `--psl FILE` names a file that cannot be read.
#[derive(Debug)]
pub struct PslUnreadable {
    /// The path as given.
    pub path: String,
    /// Why it could not be read.
    pub error: io::Error,
}

impl fmt::Display for PslUnreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let PslUnreadable { path, error } = self;
        write!(
            f,
            "cannot read the public suffix list --psl {path}: {error}"
        )
    }
}

impl std::error::Error for PslUnreadable {}

/// The list named by `--psl` (an error if it cannot be read), else the
/// system's, else the built-in one with a warning passed to `warn`.
///
/// # Errors
/// [`PslUnreadable`]: `--psl FILE` names a file that cannot be read.
pub fn load(
    flag: Option<&str>,
    read: ReadFile,
    warn: Warn,
) -> Result<PublicSuffixList, PslUnreadable> {
    if let Some(path) = flag {
        return match read(path) {
            Ok(text) => Ok(PublicSuffixList::parse(&text, path)),
            Err(error) => Err(PslUnreadable {
                path: path.to_string(),
                error,
            }),
        };
    }
    if let Ok(text) = read(SYSTEM_PSL_PATH) {
        Ok(PublicSuffixList::parse(&text, SYSTEM_PSL_PATH))
    } else {
        warn(&format!(
            "goldfish: warning: no public suffix list at {SYSTEM_PSL_PATH} (apt-get install \
             publicsuffix, or pass --psl FILE); using a small built-in list of common suffixes"
        ));
        Ok(PublicSuffixList::builtin_list().clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_files(_: &str) -> io::Result<String> {
        Err(io::Error::from(io::ErrorKind::NotFound))
    }

    #[test]
    fn sources_in_order() {
        let mut warnings = Vec::new();
        let files = |p: &str| match p {
            "my.dat" => Ok("example\n".to_owned()),
            _ => no_files(p),
        };
        let psl = load(Some("my.dat"), &files, &mut |w| warnings.push(w.to_owned())).unwrap();
        assert_eq!(psl.source(), "my.dat");
        assert!(psl.suffix_rule("example").is_some());
        assert!(warnings.is_empty());

        let err = load(Some("missing.dat"), &files, &mut |w| {
            warnings.push(w.to_owned());
        });
        assert!(err.unwrap_err().to_string().contains("--psl missing.dat"));

        let system = |p: &str| match p {
            SYSTEM_PSL_PATH => Ok("co.uk\n".to_owned()),
            _ => no_files(p),
        };
        let psl = load(None, &system, &mut |w| warnings.push(w.to_owned())).unwrap();
        assert_eq!(psl.source(), SYSTEM_PSL_PATH);
        assert!(warnings.is_empty());

        let psl = load(None, &no_files, &mut |w| warnings.push(w.to_owned())).unwrap();
        assert_eq!(psl.source(), PublicSuffixList::builtin_list().source());
        assert_eq!(warnings.len(), 1, "one warning");
        assert_eq!(warnings[0].lines().count(), 1, "on one line");
    }
}

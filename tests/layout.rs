//! The map is true: `src/lib.rs`'s layout and the README's tree ("How it
//! is built") name every folder under `src/`, and name nothing that is not
//! there (issue 15: "the module map matches the tree exactly").
//!
//! Reads files only; starts nothing.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every folder under `src/`, as `app/sites/samesite` (relative, no slash).
fn src_folders() -> BTreeSet<String> {
    fn walk(dir: &Path, rel: &str, out: &mut BTreeSet<String>) {
        for entry in fs::read_dir(dir).expect("src/ is readable") {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                let name = entry.file_name().into_string().unwrap();
                let rel = if rel.is_empty() {
                    name
                } else {
                    format!("{rel}/{name}")
                };
                walk(&entry.path(), &rel, out);
                out.insert(rel);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(&root().join("src"), "", &mut out);
    out
}

/// The crate documentation of `src/lib.rs`: its `//!` lines.
fn lib_doc() -> (String, String) {
    let lib = fs::read_to_string(root().join("src/lib.rs")).unwrap();
    let doc = lib
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .collect::<Vec<_>>()
        .join("\n");
    (lib, doc)
}

/// `parse.rs`, `src/http/parse.rs`: a name of a Rust source file.
fn is_rust_file(word: &str) -> bool {
    Path::new(word).extension().is_some_and(|e| e == "rs")
}

/// The words of `text` written as code (between backticks).
fn code_spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

#[test]
fn lib_rs_names_every_folder_under_src() {
    let (_, doc) = lib_doc();
    let spans: BTreeSet<&str> = code_spans(&doc).into_iter().collect();
    let missing: Vec<String> = src_folders()
        .into_iter()
        .filter(|f| {
            // A top-level folder is a module the list links to ([`http`]).
            !(spans.contains(format!("{f}/").as_str())
                || (!f.contains('/') && doc.contains(&format!("[`{f}`]"))))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "src/lib.rs's layout does not name these folders (as `folder/`): {missing:?}"
    );
}

#[test]
fn lib_rs_names_every_top_level_module() {
    let (lib, doc) = lib_doc();
    let modules: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';'))
        .collect();
    assert!(!modules.is_empty(), "no `pub mod` lines in src/lib.rs");
    for m in modules {
        assert!(
            doc.contains(&format!("[`{m}`]")),
            "src/lib.rs's layout does not name the module {m} (as [`{m}`])"
        );
    }
}

#[test]
fn every_path_lib_rs_names_exists() {
    let (_, doc) = lib_doc();
    for span in code_spans(&doc) {
        let looks_like_path = (span.ends_with('/') || is_rust_file(span))
            && span.contains('/')
            && span
                .chars()
                .all(|c| c.is_ascii_lowercase() || "_/.".contains(c));
        if !looks_like_path {
            continue;
        }
        let path = if span.starts_with("src/") || span.starts_with("tests/") {
            root().join(span)
        } else {
            root().join("src").join(span)
        };
        assert!(
            path.exists(),
            "src/lib.rs names `{span}`, but {} does not exist",
            path.display()
        );
    }
}

/// The README's tree: the `text` block under "## How it is built". An
/// entry is a line indented by an even number of spaces (under 16) whose
/// first word ends in `/` or `.rs`; its indent says which folder it is in.
/// Returns the entries under `src/`, as `app/sites/` or `http/parse.rs`.
fn readme_tree() -> Vec<String> {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("## How it is built\n\n```text\n")
        .expect("README has a \"How it is built\" tree");
    let block = &readme[start..];
    let block = &block[block.find("```text\n").unwrap() + 8..];
    let block = &block[..block.find("```").unwrap()];
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut entries = Vec::new();
    for line in block.lines() {
        let indent = line.len() - line.trim_start().len();
        let Some(word) = line.split_whitespace().next() else {
            continue;
        };
        if indent >= 16 || indent % 2 != 0 || !(word.ends_with('/') || is_rust_file(word)) {
            continue;
        }
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        let parent = stack.last().map_or("", |(_, p)| p.as_str());
        let path = format!("{parent}{word}");
        if path.starts_with("src/") && path != "src/" {
            entries.push(path["src/".len()..].to_string());
        }
        if word.ends_with('/') {
            stack.push((indent, path));
        }
    }
    entries
}

#[test]
fn readme_tree_names_every_folder_under_src() {
    let entries: BTreeSet<String> = readme_tree().into_iter().collect();
    let missing: Vec<String> = src_folders()
        .into_iter()
        .filter(|f| !entries.contains(&format!("{f}/")))
        .collect();
    assert!(
        missing.is_empty(),
        "README.md's tree (\"How it is built\") has no line for these folders: {missing:?}"
    );
}

#[test]
fn every_entry_of_the_readme_tree_exists() {
    let entries = readme_tree();
    assert!(
        entries.len() > 10,
        "the README's tree was not found: {entries:?}"
    );
    for e in entries {
        let path = root().join("src").join(&e);
        assert!(
            path.exists(),
            "README.md's tree names src/{e}, which does not exist"
        );
    }
}

#[test]
fn every_src_path_the_readme_names_exists() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let mut checked = 0;
    for span in code_spans(&readme) {
        let is_path = span.starts_with("src/")
            && span
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_/.".contains(c));
        if !is_path {
            continue;
        }
        checked += 1;
        assert!(
            root().join(span).exists(),
            "README.md names `{span}`, which does not exist"
        );
    }
    assert!(checked > 5, "README.md names only {checked} src/ paths");
}

//! Which files a scan reads.
//!
//! Directories are walked with ripgrep's walker so `.gitignore` is respected the way users expect.
//! Nothing is dropped silently: a path that cannot be walked becomes a [`Candidate`] whose load
//! fails with the reason, so it shows up in the report.

use std::path::{Path, PathBuf};

use ignore::WalkBuilder;

/// File name endings read when walking a directory. Files named explicitly are read whatever
/// their name.
const EXTENSIONS: &[&str] = &["yaml", "yml", "json", "hcl"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    Stdin,
    /// The walker could not reach this path (a symlink loop, a permission error).
    Unwalkable(String),
}

#[derive(Clone, Debug)]
pub struct Candidate {
    /// The path shown in reports: as given, or below the given directory.
    pub display: String,
    pub origin: Origin,
    /// Named on the command line (as opposed to found in a directory).
    pub explicit: bool,
}

pub fn has_input_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Expands the command-line paths into candidates, sorted and de-duplicated so that output does
/// not depend on directory order.
pub fn discover(paths: &[String]) -> (Vec<Candidate>, Vec<String>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for given in paths {
        if given == "-" {
            out.push(Candidate {
                display: "-".into(),
                origin: Origin::Stdin,
                explicit: true,
            });
            continue;
        }
        let path = Path::new(given);
        match std::fs::metadata(path) {
            Err(e) => errors.push(format!("{given}: {e}")),
            Ok(meta) if meta.is_dir() => walk(path, &mut out),
            Ok(_) => out.push(Candidate {
                display: given.clone(),
                origin: Origin::File(path.to_path_buf()),
                explicit: true,
            }),
        }
    }
    out.sort_by(|a, b| a.display.cmp(&b.display));
    out.dedup_by(|a, b| a.display == b.display);
    (out, errors)
}

fn walk(root: &Path, out: &mut Vec<Candidate>) {
    let walker = WalkBuilder::new(root)
        .follow_links(true)
        .require_git(false)
        .sort_by_file_path(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| !t.is_dir());
                if is_file && has_input_extension(entry.path()) {
                    out.push(Candidate {
                        display: display_path(entry.path()),
                        origin: Origin::File(entry.path().to_path_buf()),
                        explicit: false,
                    });
                }
            }
            Err(err) => {
                let (path, reason) = walk_error(&err);
                out.push(Candidate {
                    display: path.unwrap_or_else(|| root.display().to_string()),
                    origin: Origin::Unwalkable(reason),
                    explicit: false,
                });
            }
        }
    }
}

fn display_path(path: &Path) -> String {
    let s = path.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn walk_error(err: &ignore::Error) -> (Option<String>, String) {
    match err {
        ignore::Error::WithPath { path, err } => (Some(display_path(path)), walk_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(err)
        }
        ignore::Error::Loop { child, .. } => (
            Some(display_path(child)),
            "symbolic link loop (not followed)".into(),
        ),
        other => (None, other.to_string()),
    }
}

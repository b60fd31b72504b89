//! Which files a scan reads.
//!
//! Directories are walked with ripgrep's walker so `.gitignore` is respected the way users expect.
//! Nothing is dropped silently: a path that cannot be walked becomes a [`Candidate`] whose load
//! fails with the reason, so it shows up in the report.

use std::path::{Path, PathBuf};

use std::sync::{Arc, Mutex};

use ignore::WalkBuilder;

use crate::config::PathFilter;

/// File name endings read when walking a directory. Files named explicitly are read whatever
/// their name.
const EXTENSIONS: &[&str] = &["yaml", "yml", "json", "hcl"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    Stdin,
    /// A path found but not read, and why: the walker could not reach it (a symlink loop, a
    /// permission error) or the config excludes it.
    NotRead(String),
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
pub fn discover(
    paths: &[String],
    exclude: Option<&Arc<PathFilter>>,
) -> (Vec<Candidate>, Vec<String>) {
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
            Ok(meta) => {
                if let Some(pattern) = exclude.and_then(|x| x.matched(path, meta.is_dir())) {
                    out.push(excluded(display_path(path), &pattern));
                } else if meta.is_dir() {
                    walk(path, exclude, &mut out);
                } else {
                    out.push(Candidate {
                        display: given.clone(),
                        origin: Origin::File(path.to_path_buf()),
                        explicit: true,
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| a.display.cmp(&b.display));
    out.dedup_by(|a, b| a.display == b.display);
    (out, errors)
}

/// Excluded paths stay in the report as skipped, so an exclude that hides too much is visible.
fn excluded(display: String, pattern: &str) -> Candidate {
    Candidate {
        display,
        origin: Origin::NotRead(format!("excluded by `{pattern}` in the config")),
        explicit: false,
    }
}

fn walk(root: &Path, exclude: Option<&Arc<PathFilter>>, out: &mut Vec<Candidate>) {
    let pruned: Arc<Mutex<Vec<Candidate>>> = Arc::default();
    let mut builder = WalkBuilder::new(root);
    builder
        .follow_links(true)
        .require_git(false)
        .sort_by_file_path(|a, b| a.cmp(b));
    if let Some(exclude) = exclude {
        let (exclude, pruned) = (Arc::clone(exclude), Arc::clone(&pruned));
        builder.filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            // Only what would be read (or walked) is worth a line in the report.
            if !is_dir && !has_input_extension(entry.path()) {
                return true;
            }
            match exclude.matched(entry.path(), is_dir) {
                Some(pattern) => {
                    if let Ok(mut pruned) = pruned.lock() {
                        pruned.push(excluded(display_path(entry.path()), &pattern));
                    }
                    false
                }
                None => true,
            }
        });
    }
    walk_entries(root, builder.build(), out);
    if let Ok(mut pruned) = pruned.lock() {
        out.append(&mut pruned);
    }
}

fn walk_entries(root: &Path, walker: ignore::Walk, out: &mut Vec<Candidate>) {
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
                    origin: Origin::NotRead(reason),
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

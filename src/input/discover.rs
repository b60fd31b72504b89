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

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    File(PathBuf),
    Stdin,
    /// A path found but not read, and why: the walker could not reach it (a symlink loop, a
    /// permission error) or the config excludes it.
    NotRead(String),
    /// Bytes already in memory (embedders, the `check` fuzz target): read like a file.
    Memory(std::sync::Arc<[u8]>),
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

/// Walks a directory on every core (a large tree costs as much to walk as to parse on two).
/// The walk's order is not deterministic; the candidates are sorted before they are returned.
fn walk(root: &Path, exclude: Option<&Arc<PathFilter>>, out: &mut Vec<Candidate>) {
    let found: Arc<Mutex<Vec<Candidate>>> = Arc::default();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let mut builder = WalkBuilder::new(root);
    builder
        .follow_links(true)
        .require_git(false)
        .threads(threads);
    if let Some(exclude) = exclude {
        let (exclude, found) = (Arc::clone(exclude), Arc::clone(&found));
        builder.filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            // Only what would be read (or walked) is worth a line in the report.
            if !is_dir && !has_input_extension(entry.path()) {
                return true;
            }
            match exclude.matched(entry.path(), is_dir) {
                Some(pattern) => {
                    found
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(excluded(display_path(entry.path()), &pattern));
                    false
                }
                None => true,
            }
        });
    }
    builder.build_parallel().run(|| {
        let found = &found;
        Box::new(move |entry| {
            if let Some(c) = candidate(root, entry) {
                found.lock().unwrap_or_else(|e| e.into_inner()).push(c);
            }
            ignore::WalkState::Continue
        })
    });
    let mut found = std::mem::take(&mut *found.lock().unwrap_or_else(|e| e.into_inner()));
    found.sort_by(|a, b| (&a.display, &a.origin).cmp(&(&b.display, &b.origin)));
    out.append(&mut found);
}

/// What one entry of the walk is: an input file, an error to report, or nothing of ours.
fn candidate(root: &Path, entry: Result<ignore::DirEntry, ignore::Error>) -> Option<Candidate> {
    match entry {
        Ok(entry) => {
            let is_file = entry.file_type().is_some_and(|t| !t.is_dir());
            (is_file && has_input_extension(entry.path())).then(|| Candidate {
                display: display_path(entry.path()),
                origin: Origin::File(entry.path().to_path_buf()),
                explicit: false,
            })
        }
        Err(err) => {
            let (path, reason) = walk_error(&err);
            Some(Candidate {
                display: path.unwrap_or_else(|| root.display().to_string()),
                origin: Origin::NotRead(reason),
                explicit: false,
            })
        }
    }
}

/// The path as reports show it. A name that is not UTF-8 keeps its other bytes as `\xNN`,
/// rather than as the `�` of a lossy conversion, which would hide that the name shown is not
/// the name on disk (and could make two files look like one).
fn display_path(path: &Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    let s = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let mut s = String::with_capacity(bytes.len() + 8);
            for chunk in bytes.utf8_chunks() {
                s.push_str(chunk.valid());
                for b in chunk.invalid() {
                    s.push_str(&format!("\\x{b:02X}"));
                }
            }
            s
        }
    };
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

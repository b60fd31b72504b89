//! Which files a scan reads.
//!
//! Directories are walked with ripgrep's walker so `.gitignore` is respected the way users expect.
//! Nothing is dropped silently: a path that cannot be walked becomes a [`Candidate`] whose load
//! fails with the reason, so it shows up in the report; so does a path the walk leaves out as
//! hidden or ignored (a directory as one entry, without walking it). Files git tracks are read
//! even when an ignore pattern matches them: a committed manifest is part of the repository.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::WalkBuilder;

use crate::config::PathFilter;

/// File name endings read when walking a directory. Files named explicitly are read whatever
/// their name.
const EXTENSIONS: &[&str] = &[
    "yaml",
    "yml",
    "json",
    "hcl",
    "tf",
    "tfvars",
    "bicep",
    "bicepparam",
    "sh",
    "bash",
    "mk",
    "ps1",
    "md",
    "markdown",
];

/// Which paths a directory walk leaves out.
#[derive(Clone, Copy, Debug, Default)]
pub struct Walk {
    /// Also walk hidden files and directories (`--hidden`).
    pub hidden: bool,
    /// Do not apply `.gitignore`, `.ignore` and git's exclude files (`--no-ignore`).
    pub no_ignore: bool,
}

/// How the skip reason of a path an ignore file matches ends; the summary counts these.
pub const IGNORED: &str = "--no-ignore to scan it";
/// How the skip reason of a hidden path ends; the summary counts these.
pub const HIDDEN: &str = "--hidden to scan it";

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
        || path.to_str().is_some_and(crate::script::is_makefile)
}

/// Expands the command-line paths into candidates, sorted and de-duplicated so that output does
/// not depend on directory order.
pub fn discover(
    paths: &[String],
    exclude: Option<&Arc<PathFilter>>,
    options: Walk,
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
                    walk(path, exclude, options, &mut out);
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
fn walk(root: &Path, exclude: Option<&Arc<PathFilter>>, options: Walk, out: &mut Vec<Candidate>) {
    let found: Arc<Mutex<Vec<Candidate>>> = Arc::default();
    // Every path the walk reaches, so that a second walk can tell what it left out.
    let seen: Arc<Mutex<HashSet<PathBuf>>> = Arc::default();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let mut builder = WalkBuilder::new(root);
    builder
        .follow_links(true)
        .require_git(false)
        // Hidden paths are left out below, all but the workflows GitHub reads.
        .hidden(false)
        .ignore(!options.no_ignore)
        .parents(!options.no_ignore)
        .git_ignore(!options.no_ignore)
        .git_global(!options.no_ignore)
        .git_exclude(!options.no_ignore)
        .threads(threads);
    let (exclude_in, found_in) = (exclude.cloned(), Arc::clone(&found));
    let root_in = root.to_path_buf();
    builder.filter_entry(move |entry| {
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if !options.hidden && entry.depth() > 0 {
            let rel = entry.path().strip_prefix(&root_in).unwrap_or(entry.path());
            if is_hidden(rel) {
                return false;
            }
        }
        // git's own directory holds no inputs, even with `--hidden`.
        if is_dir && entry.depth() > 0 && entry.file_name() == ".git" {
            return false;
        }
        // Only what would be read (or walked) is worth a line in the report.
        if !is_dir && !has_input_extension(entry.path()) {
            return true;
        }
        let Some(exclude) = &exclude_in else {
            return true;
        };
        match exclude.matched(entry.path(), is_dir) {
            Some(pattern) => {
                found_in
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(excluded(display_path(entry.path()), &pattern));
                false
            }
            None => true,
        }
    });
    builder.build_parallel().run(|| {
        let (found, seen) = (&found, &seen);
        Box::new(move |entry| {
            // Only what the second walk asks about: directories and input files.
            if let Ok(e) = &entry
                && (e.file_type().is_some_and(|t| t.is_dir()) || has_input_extension(e.path()))
            {
                seen.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(e.path().to_path_buf());
            }
            if let Some(c) = candidate(root, entry) {
                found.lock().unwrap_or_else(|e| e.into_inner()).push(c);
            }
            ignore::WalkState::Continue
        })
    });
    let mut found = std::mem::take(&mut *found.lock().unwrap_or_else(|e| e.into_inner()));
    if !(options.hidden && options.no_ignore) {
        let seen = std::mem::take(&mut *seen.lock().unwrap_or_else(|e| e.into_inner()));
        let mut left_out = left_out(root, exclude, seen);
        // A path the first walk could not read is reported already, with its error.
        let reported: HashSet<&str> = found.iter().map(|c| c.display.as_str()).collect();
        left_out.retain(|l| !reported.contains(display_path(&l.path).as_str()));
        found.extend(tracked_or_skipped(root, left_out));
    }
    found.sort_by(|a, b| (&a.display, &a.origin).cmp(&(&b.display, &b.origin)));
    out.append(&mut found);
}

/// Whether a path (relative to the walk's root) is hidden: a component starts with `.`. The
/// workflows GitHub runs (`.github/workflows/`) are not: they are where a repository logs in to
/// Azure, and leaving them out by default would hide every GitHub Actions finding.
fn is_hidden(rel: &Path) -> bool {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.iter().enumerate().any(|(i, part)| {
        let workflows =
            part == ".github" && parts.get(i + 1).is_none_or(|next| next == "workflows");
        part.starts_with('.') && !workflows
    })
}

/// A path the walk left out: hidden, or matched by an ignore file.
struct LeftOut {
    path: PathBuf,
    is_dir: bool,
    hidden: bool,
}

/// The input files and the directories under `root` that the filtered walk did not reach,
/// found by walking again without filters but not into what it left out: the cost is one more
/// listing of the directories already walked. Excluded paths are reported already; `.git` is
/// git's own.
fn left_out(
    root: &Path,
    exclude: Option<&Arc<PathFilter>>,
    seen: HashSet<PathBuf>,
) -> Vec<LeftOut> {
    let found: Arc<Mutex<Vec<LeftOut>>> = Arc::default();
    let mut builder = WalkBuilder::new(root);
    builder
        .follow_links(true)
        .standard_filters(false)
        .threads(std::thread::available_parallelism().map_or(1, |n| n.get().min(8)));
    let (exclude, seen, sink) = (exclude.cloned(), Arc::new(seen), Arc::clone(&found));
    let root_buf = root.to_path_buf();
    builder.filter_entry(move |entry| {
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if !is_dir && !has_input_extension(entry.path()) {
            return false;
        }
        if entry.depth() == 0 || seen.contains(entry.path()) {
            return true;
        }
        if is_dir && entry.file_name() == ".git" {
            return false;
        }
        if exclude
            .as_ref()
            .is_some_and(|x| x.matched(entry.path(), is_dir).is_some())
        {
            return false;
        }
        let rel = entry.path().strip_prefix(&root_buf).unwrap_or(entry.path());
        let hidden = rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        sink.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(LeftOut {
                path: entry.path().to_path_buf(),
                is_dir,
                hidden,
            });
        false
    });
    builder
        .build_parallel()
        .run(|| Box::new(|_| ignore::WalkState::Continue));
    std::mem::take(&mut *found.lock().unwrap_or_else(|e| e.into_inner()))
}

/// Left-out paths as candidates: skipped with the reason, except the files git tracks under an
/// ignored (not hidden) path, which are read. Git is asked only when something was ignored.
fn tracked_or_skipped(root: &Path, left_out: Vec<LeftOut>) -> Vec<Candidate> {
    let tracked = if left_out.iter().any(|l| !l.hidden) {
        tracked_files(root)
    } else {
        Vec::new()
    };
    let ignored: HashSet<&Path> = left_out
        .iter()
        .filter(|l| !l.hidden)
        .map(|l| l.path.as_path())
        .collect();
    let mut out = Vec::new();
    let mut read: HashSet<PathBuf> = HashSet::new();
    for t in tracked {
        let rel = t.strip_prefix(root).unwrap_or(&t);
        let hidden = rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        if hidden || !has_input_extension(&t) || !t.ancestors().any(|a| ignored.contains(a)) {
            continue;
        }
        out.push(Candidate {
            display: display_path(&t),
            origin: Origin::File(t.clone()),
            explicit: false,
        });
        read.insert(t);
    }
    for l in left_out {
        if read.contains(&l.path) {
            continue;
        }
        let tracked_in = l.is_dir && read.iter().any(|t| t.starts_with(&l.path));
        let reason = match (l.hidden, l.is_dir) {
            (true, false) => format!("hidden; {HIDDEN}"),
            (true, true) => format!("hidden directory; {HIDDEN}"),
            (false, false) => format!("ignored by .gitignore; {IGNORED}"),
            (false, true) if tracked_in => format!(
                "directory ignored by .gitignore, except the files git tracks in it (scanned); {IGNORED}"
            ),
            (false, true) => format!("directory ignored by .gitignore; {IGNORED}"),
        };
        let mut display = display_path(&l.path);
        // A directory some of whose files are read stays listed for the rest.
        if l.is_dir {
            display.push('/');
        }
        out.push(Candidate {
            display,
            origin: Origin::NotRead(reason),
            explicit: false,
        });
    }
    out
}

/// The files git tracks under `root`, as paths joined to `root`: empty when `root` is not in a
/// git work tree or git is not installed. `git ls-files` reads the index only: no network, and
/// fast on large repositories.
fn tracked_files(root: &Path) -> Vec<PathBuf> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-files", "-z", "--cached"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output();
    match output {
        Ok(o) if o.status.success() => o
            .stdout
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| root.join(String::from_utf8_lossy(p).as_ref()))
            .collect(),
        _ => Vec::new(),
    }
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

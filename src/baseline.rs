//! Baselines: the findings an auditor has recorded, so that later scans report only new ones.
//!
//! Findings are recorded by fingerprint (rule, file, the path inside the document, the offending
//! value; see `finding::fingerprint`), not by line, so edits elsewhere in a file do not turn old
//! findings into "new" ones. The rule, path and message are written beside each fingerprint so
//! the file can be reviewed like any other change.
//!
//! A baseline is committed and used from wherever CI or a developer runs wiflint, so an entry
//! names its file relative to the baseline file's directory and carries a key that leaves the
//! path out; a finding matches when both agree, whatever the working directory. Entries written
//! before that (no `key`) still match by fingerprint.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::finding::Resolved;

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Recorded>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Recorded {
    fingerprint: String,
    /// The finding without its path (`Resolved::place_key`); absent in older baselines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    rule: String,
    /// Relative to the baseline file's directory, `/`-separated (older baselines: as reported).
    path: String,
    line: usize,
    message: String,
}

/// The entries of a baseline file, with how often each was recorded (identical findings at
/// different places share an entry only when everything about them is the same).
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    /// (path relative to `base`, key) of entries that have a key.
    keyed: HashMap<(String, String), usize>,
    /// Fingerprints of entries without a key.
    counts: HashMap<String, usize>,
    /// The baseline file's directory, absolute.
    base: PathBuf,
    entries: usize,
    matched: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {message}")]
    Read { path: String, message: String },
    #[error("{path}:{line}:{column}: not a wiflint baseline: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("cannot write baseline {path}: {message}")]
    Write { path: String, message: String },
}

impl Baseline {
    pub fn read(path: &str) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|e| BaselineError::Read {
            path: path.into(),
            message: e.to_string(),
        })?;
        let file: File = serde_json::from_str(&text).map_err(|e| BaselineError::Invalid {
            path: path.into(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        if file.version != 1 {
            return Err(BaselineError::Invalid {
                path: path.into(),
                line: 1,
                column: 1,
                message: format!("version {} (this wiflint reads version 1)", file.version),
            });
        }
        let mut baseline = Baseline {
            base: base_dir(path),
            entries: file.findings.len(),
            ..Baseline::default()
        };
        for f in file.findings {
            match f.key {
                Some(key) => *baseline.keyed.entry((f.path, key)).or_insert(0) += 1,
                None => *baseline.counts.entry(f.fingerprint).or_insert(0) += 1,
            }
        }
        Ok(baseline)
    }

    /// Whether the finding, reported at `path` (as the report shows it), is recorded; each
    /// recorded entry accepts one finding.
    pub fn take(&mut self, finding: &Resolved, path: &str) -> bool {
        let keyed = (relative(&self.base, path), finding.place_key.clone());
        let slot = match self.keyed.get_mut(&keyed) {
            Some(n) if *n > 0 => Some(n),
            _ => self
                .counts
                .get_mut(&finding.fingerprint)
                .filter(|n| **n > 0),
        };
        let Some(n) = slot else {
            return false;
        };
        *n -= 1;
        self.matched += 1;
        true
    }

    /// How many entries the file has.
    pub fn len(&self) -> usize {
        self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// How many findings it accepted.
    pub fn matched(&self) -> usize {
        self.matched
    }
}

/// The absolute directory of a baseline file (it need not exist yet).
fn base_dir(file: &str) -> PathBuf {
    let dir = Path::new(file)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    absolute(dir)
}

/// `path` made absolute and lexically normal (`.` and `..` resolved, symlinks resolved when it
/// exists), so two spellings of one file compare equal.
fn absolute(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    let joined = std::env::current_dir()
        .map(|cwd| cwd.join(path))
        .unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A reported path relative to the baseline's directory, `/`-separated, with `..` where it lies
/// outside; standard input (`-`) stays as it is.
fn relative(base: &Path, path: &str) -> String {
    if path == "-" {
        return path.into();
    }
    let target = absolute(Path::new(path));
    let base: Vec<Component> = base.components().collect();
    let target_parts: Vec<Component> = target.components().collect();
    let common = base
        .iter()
        .zip(&target_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".into(); base.len() - common];
    parts.extend(
        target_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// The baseline file for these findings (sorted as the report is).
pub fn write(path: &str, findings: &[Resolved], paths: &[String]) -> Result<(), BaselineError> {
    let base = base_dir(path);
    let file = File {
        version: 1,
        findings: findings
            .iter()
            .map(|f| Recorded {
                fingerprint: f.fingerprint.clone(),
                key: Some(f.place_key.clone()),
                rule: f.finding.rule.clone(),
                path: relative(&base, &paths[f.primary.file]),
                line: f.primary.start.line,
                message: f.finding.message.clone(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&file).map_err(|e| BaselineError::Write {
        path: path.into(),
        message: e.to_string(),
    })?;
    text.push('\n');
    std::fs::write(path, text).map_err(|e| BaselineError::Write {
        path: path.into(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_relative_to_the_baseline() {
        let base = Path::new("/repo/ci");
        let cwd = std::env::current_dir().unwrap_or_default();
        let inside = cwd.join("k8s/a.yaml");
        assert_eq!(relative(&cwd, &inside.display().to_string()), "k8s/a.yaml");
        assert_eq!(relative(&cwd, "./k8s/../k8s/a.yaml"), "k8s/a.yaml");
        assert_eq!(relative(base, "/repo/k8s/a.yaml"), "../k8s/a.yaml");
        assert_eq!(relative(base, "-"), "-");
    }
}

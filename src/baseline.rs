//! Baselines: the findings an auditor has recorded, so that later scans report only new ones.
//!
//! Findings are recorded by fingerprint (rule, file, the path inside the document, the offending
//! value; see `finding::fingerprint`), not by line, so edits elsewhere in a file do not turn old
//! findings into "new" ones. The rule, path and message are written beside each fingerprint so
//! the file can be reviewed like any other change.

use std::collections::HashMap;

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
    rule: String,
    path: String,
    line: usize,
    message: String,
}

/// The fingerprints of a baseline file, with how often each was recorded (identical findings at
/// different places share a fingerprint only when everything about them is the same).
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    counts: HashMap<String, usize>,
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
        let mut counts = HashMap::new();
        for f in file.findings {
            *counts.entry(f.fingerprint).or_insert(0) += 1;
        }
        Ok(Baseline { counts })
    }

    /// Whether the finding is recorded; each recorded entry accepts one finding.
    pub fn take(&mut self, finding: &Resolved) -> bool {
        match self.counts.get_mut(&finding.fingerprint) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }
}

/// The baseline file for these findings (sorted as the report is).
pub fn write(path: &str, findings: &[Resolved], paths: &[String]) -> Result<(), BaselineError> {
    let file = File {
        version: 1,
        findings: findings
            .iter()
            .map(|f| Recorded {
                fingerprint: f.fingerprint.clone(),
                rule: f.finding.rule.clone(),
                path: paths[f.primary.file].clone(),
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

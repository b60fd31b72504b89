//! GitLab Code Quality report (`artifacts: reports: codequality:`): a JSON array of issues with
//! `description`, `check_name`, `fingerprint`, `severity` and `location`, as GitLab's Code
//! Quality documentation specifies. GitLab shows one issue per fingerprint, so fingerprints are
//! made unique within the report.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::app::Report;
use crate::finding::Severity;

pub fn render(report: &Report) -> String {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let issues: Vec<Value> = report
        .findings
        .iter()
        .map(|r| {
            let f = &r.finding;
            let n = seen.entry(r.fingerprint.as_str()).or_default();
            *n += 1;
            let fingerprint = if *n == 1 {
                r.fingerprint.clone()
            } else {
                format!("{}-{n}", r.fingerprint)
            };
            json!({
                "type": "issue",
                "description": super::full_message(f),
                "check_name": f.rule,
                "fingerprint": fingerprint,
                "severity": match f.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Note => "info",
                },
                "location": {
                    "path": report.paths[r.primary.file].replace('\\', "/"),
                    "positions": {
                        "begin": { "line": r.primary.start.line, "column": r.primary.start.column },
                        "end": { "line": r.primary.end.line, "column": r.primary.end.column },
                    },
                },
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

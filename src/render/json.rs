//! The JSON report, version 1. A frozen DTO, separate from the internal finding type, so the
//! internals can change without breaking users' scripts.

use serde::Serialize;

use crate::app::Report;
use crate::finding::{Placed, Resolved, Severity};

#[derive(Serialize)]
struct V1<'a> {
    version: u32,
    tool: Tool,
    summary: Summary<'a>,
    findings: Vec<FindingV1<'a>>,
    skipped: Vec<SkippedV1<'a>>,
    /// Paths that could not be read at all (the run exits 2).
    errors: &'a [String],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary<'a> {
    files: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    suppressed: usize,
    baselined: usize,
    skipped: usize,
    /// Findings per rule and severity, most frequent first.
    by_rule: Vec<ByRule<'a>>,
}

#[derive(Serialize)]
struct ByRule<'a> {
    rule: &'a str,
    severity: Severity,
    count: usize,
}

#[derive(Serialize)]
struct FindingV1<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    location: Location<'a>,
    related: Vec<Related<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    found: Option<&'a str>,
    fingerprint: &'a str,
    /// Only on suppressed findings (listed with `--show-suppressed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<SuppressedV1<'a>>,
}

#[derive(Serialize)]
struct SuppressedV1<'a> {
    kind: &'static str,
    reason: &'a str,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct Related<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct SkippedV1<'a> {
    path: &'a str,
    reason: &'a str,
}

fn location<'a>(report: &'a Report, p: &Placed) -> Location<'a> {
    Location {
        path: &report.paths[p.file],
        line: p.start.line,
        column: p.start.column,
        end_line: p.end.line,
        end_column: p.end.column,
    }
}

fn finding<'a>(report: &'a Report, r: &'a Resolved) -> FindingV1<'a> {
    let f = &r.finding;
    FindingV1 {
        rule: &f.rule,
        severity: f.severity,
        message: &f.message,
        help: f.help.as_deref(),
        location: location(report, &r.primary),
        related: r
            .related
            .iter()
            .map(|p| {
                let l = location(report, p);
                Related {
                    path: l.path,
                    line: l.line,
                    column: l.column,
                    end_line: l.end_line,
                    end_column: l.end_column,
                    message: &p.message,
                }
            })
            .collect(),
        expected: f.mismatch.as_ref().map(|m| m.expected.as_str()),
        found: f.mismatch.as_ref().map(|m| m.found.as_str()),
        fingerprint: &r.fingerprint,
        suppressed: None,
    }
}

pub fn render(report: &Report, show_suppressed: bool) -> String {
    let mut findings: Vec<FindingV1<'_>> =
        report.findings.iter().map(|r| finding(report, r)).collect();
    if show_suppressed {
        findings.extend(report.suppressed.iter().map(|(r, applied)| FindingV1 {
            suppressed: Some(SuppressedV1 {
                kind: applied.kind.as_str(),
                reason: &applied.reason,
            }),
            ..finding(report, r)
        }));
    }
    let v1 = V1 {
        version: 1,
        tool: Tool {
            name: "wiflint",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            files: report.checked,
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            notes: report.count(Severity::Note),
            suppressed: report.suppressed.len(),
            baselined: report.baselined,
            skipped: report.skipped.len(),
            by_rule: super::by_rule(report)
                .into_iter()
                .map(|(rule, severity, count)| ByRule {
                    rule,
                    severity,
                    count,
                })
                .collect(),
        },
        findings,
        skipped: report
            .skipped
            .iter()
            .map(|s| SkippedV1 {
                path: &s.path,
                reason: &s.reason,
            })
            .collect(),
        errors: &report.io_errors,
    };
    let mut s = serde_json::to_string_pretty(&v1).unwrap_or_default();
    s.push('\n');
    s
}

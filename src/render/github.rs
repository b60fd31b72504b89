//! GitHub Actions workflow commands: one annotation per finding, on the PR diff.

use crate::app::Report;
use crate::finding::Severity;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for r in &report.findings {
        let f = &r.finding;
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let message = super::full_message(f);
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            property(&report.paths[r.primary.file]),
            r.primary.start.line,
            r.primary.start.column,
            r.primary.end.line,
            r.primary.end.column,
            property(&f.rule),
            data(&message),
        ));
    }
    out
}

/// Escaping per the workflow-command rules (actions/toolkit `command.ts`), after control
/// characters are made visible (a log shows escape sequences as colours).
fn data(s: &str) -> String {
    super::untrusted(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(data("50%\na"), "50%25%0Aa");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}

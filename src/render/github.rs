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
        let mut message = f.message.clone();
        if let Some(m) = &f.mismatch {
            message.push_str(&format!(
                "\nexpected: {}\n   found: {}",
                m.expected, m.found
            ));
        }
        if let Some(help) = &f.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            property(&report.files[r.primary.file].source.path),
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

/// Escaping per the workflow-command rules (actions/toolkit `command.ts`).
fn data(s: &str) -> String {
    s.replace('%', "%25")
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

//! Azure Pipelines logging commands: `##vso[task.logissue …]` lines, which the agent turns into
//! errors and warnings on the run's summary and the file's line. Azure Pipelines has no notice
//! level, so notes are printed as plain log lines: visible in the log, not counted as issues.

use super::concise::one_line;
use crate::app::Report;
use crate::finding::Severity;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for r in &report.findings {
        let f = &r.finding;
        let path = &super::untrusted(&report.paths[r.primary.file]);
        let message = super::full_message(f);
        let kind = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => {
                out.push_str(&format!(
                    "{}:{}:{}: note[{}] {}\n",
                    one_line(path),
                    r.primary.start.line,
                    r.primary.start.column,
                    f.rule,
                    one_line(&message)
                ));
                continue;
            }
        };
        out.push_str(&format!(
            "##vso[task.logissue type={kind};sourcepath={};linenumber={};columnnumber={};code={};]{}\n",
            property(path),
            r.primary.start.line,
            r.primary.start.column,
            property(&f.rule),
            data(&format!("{}: {message}", f.rule)),
        ));
    }
    out
}

/// Escaping of a command's message, as the agent unescapes it (azure-pipelines-task-lib
/// `escapedata`), after control characters are made visible (a log shows escape sequences as
/// colours).
fn data(s: &str) -> String {
    super::untrusted(s)
        .replace('%', "%AZP25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a property value (`escape` in the same library): also `;` and `]`, which end a
/// property and the command.
fn property(s: &str) -> String {
    data(s).replace(';', "%3B").replace(']', "%5D")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(data("50%\na"), "50%AZP25%0Aa");
        assert_eq!(property("a;b]c"), "a%3Bb%5Dc");
    }
}

//! JUnit XML, for CI dashboards that show test reports (GitLab `reports: junit`, Azure
//! Pipelines' PublishTestResults, Jenkins). One test suite per file with findings, one failing
//! test case per finding; a clean scan is one passing test case, so the dashboard shows that
//! wiflint ran.

use std::collections::BTreeMap;

use crate::app::Report;
use crate::finding::Resolved;

pub fn render(report: &Report) -> String {
    let mut by_file: BTreeMap<&str, Vec<&Resolved>> = BTreeMap::new();
    for r in &report.findings {
        by_file
            .entry(report.paths[r.primary.file].as_str())
            .or_default()
            .push(r);
    }
    let total = report.findings.len();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if by_file.is_empty() {
        out.push_str(&format!(
            "<testsuites name=\"wiflint\" tests=\"1\" failures=\"0\" errors=\"0\">\n  \
             <testsuite name=\"wiflint\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    \
             <testcase name=\"{}\" classname=\"wiflint\"/>\n  </testsuite>\n</testsuites>\n",
            escape(&super::summary(report))
        ));
        return out;
    }
    out.push_str(&format!(
        "<testsuites name=\"wiflint\" tests=\"{total}\" failures=\"{total}\" errors=\"0\">\n"
    ));
    for (path, findings) in by_file {
        let n = findings.len();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{n}\" failures=\"{n}\" errors=\"0\" skipped=\"0\">\n",
            escape(path)
        ));
        for r in findings {
            let f = &r.finding;
            let at = format!("{path}:{}:{}", r.primary.start.line, r.primary.start.column);
            out.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\">\n      \
                 <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                escape(&format!("{}[{}] {at}", f.severity, f.rule)),
                escape(path),
                escape(path),
                r.primary.start.line,
                escape(&f.rule),
                escape(&f.message),
                escape(&format!("{at}: {}", super::full_message(f))),
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// XML text and attribute escaping. Characters XML 1.0 cannot carry at all (control characters
/// other than tab, newline and carriage return) are written as `\u{…}`.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(escape("a<b & \"c\"\n"), "a&lt;b &amp; &quot;c&quot;&#10;");
        assert_eq!(escape("\u{1b}"), "\\u{1b}");
    }
}

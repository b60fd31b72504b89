//! One line per finding, `path:line:col: severity[rule] message`, the shape compilers print and
//! editors' quickfix lists (`:cfile`, `errorformat`, VS Code problem matchers) and `grep` read.

use crate::app::Report;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for r in &report.findings {
        let f = &r.finding;
        let mut message = f.message.clone();
        if let Some(m) = &f.mismatch {
            message.push_str(&format!(" (expected: {}; found: {})", m.expected, m.found));
        }
        out.push_str(&format!(
            "{}:{}:{}: {}[{}] {}\n",
            one_line(&report.paths[r.primary.file]),
            r.primary.start.line,
            r.primary.start.column,
            f.severity,
            f.rule,
            one_line(&message),
        ));
    }
    out
}

/// A line-oriented reader must get exactly one line per finding, and a terminal no control
/// sequence from a file name or message: line breaks become spaces, other control characters
/// are shown as the text report shows them ([`super::untrusted`]).
pub(super) fn one_line(s: &str) -> String {
    super::untrusted(&s.replace(['\n', '\r', '\t'], " "))
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn one_line_per_finding_and_no_control_sequences() {
        assert_eq!(one_line("a\nb\tc"), "a b c");
        assert_eq!(one_line("f\u{1b}[31m.yaml"), "f\u{241b}[31m.yaml");
    }
}

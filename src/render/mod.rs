//! Output formats. The only place that turns findings into text.

pub mod azure;
pub mod concise;
pub mod diff;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod text;

use crate::app::Report;
use crate::rules::Rule;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Findings with excerpts of the lines they point at, and a summary.
    Text,
    /// One line per finding: `path:line:col: severity[rule] message`.
    Concise,
    /// The `wiflint/v1` JSON report.
    Json,
    /// SARIF 2.1.0, for code scanning and editors.
    Sarif,
    /// GitHub Actions annotations.
    Github,
    /// Azure Pipelines logging commands (`##vso[task.logissue]`).
    Azure,
    /// GitLab Code Quality report.
    Gitlab,
    /// JUnit XML test report.
    Junit,
}

/// Where the rule documentation lives, for SARIF `helpUri` and text links. One constant, so the
/// project's public home is named in one place.
pub const DOCS_BASE: &str = "https://github.com/wiflint/wiflint/blob/main/docs/rules/";

#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    pub color: bool,
    pub verbose: bool,
    /// List suppressed findings too (text and JSON; SARIF always carries them, marked).
    pub show_suppressed: bool,
    /// Text: the findings only, without the summary line.
    pub quiet: bool,
    /// Text and concise: counts per rule and severity instead of the findings.
    pub statistics: bool,
}

pub fn render(format: Format, report: &Report, rules: &[&Rule], options: &RenderOptions) -> String {
    if options.statistics && matches!(format, Format::Text | Format::Concise) {
        return statistics(report, options.quiet);
    }
    match format {
        Format::Text => text::render(report, options),
        Format::Json => json::render(report, options.show_suppressed),
        Format::Sarif => sarif::render(report, rules),
        Format::Github => github::render(report),
        Format::Concise => concise::render(report),
        Format::Azure => azure::render(report),
        Format::Gitlab => gitlab::render(report),
        Format::Junit => junit::render(report),
    }
}

/// Findings per rule and severity, most frequent first: `count  rule  severity`.
pub fn by_rule(report: &Report) -> Vec<(&str, crate::finding::Severity, usize)> {
    let mut counts: std::collections::BTreeMap<(&str, crate::finding::Severity), usize> =
        std::collections::BTreeMap::new();
    for r in &report.findings {
        *counts
            .entry((r.finding.rule.as_str(), r.finding.severity))
            .or_default() += 1;
    }
    let mut rows: Vec<_> = counts
        .into_iter()
        .map(|((rule, sev), n)| (rule, sev, n))
        .collect();
    rows.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.cmp(&a.1)).then(a.0.cmp(b.0)));
    rows
}

fn statistics(report: &Report, quiet: bool) -> String {
    let rows = by_rule(report);
    let count_width = rows
        .iter()
        .map(|r| r.2.to_string().len())
        .max()
        .unwrap_or(1);
    let rule_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (rule, severity, n) in rows {
        out.push_str(&format!(
            "{n:>count_width$}  {rule:rule_width$}  {severity}\n"
        ));
    }
    if !quiet {
        out.push_str(&summary(report));
        out.push('\n');
    }
    out
}

/// Text from the inputs (file names, messages quoting them) as a terminal may show it: control
/// characters as their symbols (`␛`), as the text renderer shows message text, so that a file
/// named `f\x1b[31m.yaml` cannot colour or rewrite the report. C1 controls (8-bit `CSI` …),
/// which the renderer leaves alone, become `�`.
pub fn untrusted(s: &str) -> String {
    without_c1(&annotate_snippets::normalize_untrusted_str(s))
}

/// C1 controls as `�`: a terminal that takes U+009B as `CSI` would let a quoted value colour or
/// rewrite the report. The renderer's own styling uses `ESC [` (C0), which stays.
pub fn without_c1(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{80}'..='\u{9f}' => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// `2 errors, 1 warning in 14 files (3 skipped)`.
pub fn summary(report: &Report) -> String {
    use crate::finding::Severity;
    use crate::input::discover::{HIDDEN, IGNORED};
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    for (sev, word) in [
        (Severity::Error, "error"),
        (Severity::Warning, "warning"),
        (Severity::Note, "note"),
    ] {
        let n = report.count(sev);
        if n > 0 || sev != Severity::Note {
            parts.push(plural(n, word));
        }
    }
    let mut s = format!("{} in {}", parts.join(", "), plural(report.checked, "file"));
    let mut aside = Vec::new();
    // Paths the walk left out are the user's choice to change, so they are counted apart, each
    // with the flag that brings them in.
    let left_out = |reason: &str| {
        report
            .skipped
            .iter()
            .filter(|s| s.reason.ends_with(reason))
            .count()
    };
    let (ignored, hidden) = (left_out(IGNORED), left_out(HIDDEN));
    let other = report.skipped.len() - ignored - hidden;
    if other > 0 {
        aside.push(format!("{other} skipped"));
    }
    if ignored > 0 {
        aside.push(format!("{ignored} ignored by .gitignore"));
    }
    if hidden > 0 {
        aside.push(format!("{hidden} hidden"));
    }
    if !report.suppressed.is_empty() {
        aside.push(format!("{} suppressed", report.suppressed.len()));
    }
    if report.baselined > 0 {
        aside.push(format!("{} in the baseline", report.baselined));
    }
    if !aside.is_empty() {
        s.push_str(&format!(" ({})", aside.join(", ")));
    }
    let flags: Vec<&str> = [(ignored, "--no-ignore"), (hidden, "--hidden")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(_, flag)| flag)
        .collect();
    if !flags.is_empty() {
        let them = if ignored + hidden == 1 { "it" } else { "them" };
        s.push_str(&format!("; {} to scan {them}", flags.join(" and ")));
    }
    s
}

/// A finding's message with expected/found and help appended, for formats that carry one text.
pub fn full_message(f: &crate::finding::Finding) -> String {
    let mut text = f.message.clone();
    if let Some(m) = &f.mismatch {
        text.push_str(&format!(
            "\nexpected: {}\n   found: {}",
            m.expected, m.found
        ));
    }
    if let Some(help) = &f.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    text
}

//! Output formats. The only place that turns findings into text.

pub mod diff;
pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

use crate::app::Report;
use crate::rules::Rule;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
}

/// Where the rule documentation lives, for SARIF `helpUri` and text links. One constant, so the
/// project's public home is named in one place.
pub const DOCS_BASE: &str = "https://github.com/wiflint/wiflint/blob/main/docs/rules/";

pub struct RenderOptions {
    pub color: bool,
    pub verbose: bool,
    /// List suppressed findings too (text and JSON; SARIF always carries them, marked).
    pub show_suppressed: bool,
}

pub fn render(format: Format, report: &Report, rules: &[&Rule], options: &RenderOptions) -> String {
    match format {
        Format::Text => text::render(report, options),
        Format::Json => json::render(report, options.show_suppressed),
        Format::Sarif => sarif::render(report, rules),
        Format::Github => github::render(report),
    }
}

/// Text from the inputs (file names, messages quoting them) as a terminal may show it: control
/// characters as their symbols (`␛`), as the text renderer shows message text, so that a file
/// named `f\x1b[31m.yaml` cannot colour or rewrite the report. C1 controls (8-bit `CSI` …),
/// which the renderer leaves alone, become `�`.
pub fn untrusted(s: &str) -> String {
    annotate_snippets::normalize_untrusted_str(s)
        .chars()
        .map(|c| match c {
            '\u{80}'..='\u{9f}' => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// `2 errors, 1 warning in 14 files (3 skipped)`.
pub fn summary(report: &Report) -> String {
    use crate::finding::Severity;
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
    if !report.skipped.is_empty() {
        aside.push(format!("{} skipped", report.skipped.len()));
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

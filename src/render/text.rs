//! The human report: source snippets with labels (possibly from several files), expected vs
//! found, help, and a summary line.

use std::collections::HashMap;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet, renderer::DecorStyle};

use super::{RenderOptions, diff, summary};
use crate::app::Report;
use crate::finding::{Placed, Resolved, Severity};
use crate::rules::input::redact_secrets;
use crate::suppress::Applied;

pub fn render(report: &Report, options: &RenderOptions) -> String {
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
    .decor_style(DecorStyle::Unicode);
    let mut out = String::new();
    // Never print a secret: snippets show the source with literal secrets masked.
    let mut shown: HashMap<usize, Option<String>> = HashMap::new();
    let suppressed = report
        .suppressed
        .iter()
        .filter(|_| options.show_suppressed)
        .map(|(r, applied)| (r, Some(applied)));
    let listed: Vec<(&Resolved, Option<&Applied>)> = report
        .findings
        .iter()
        .map(|r| (r, None))
        .chain(suppressed)
        .collect();
    for (r, _) in &listed {
        for file in std::iter::once(r.primary.file).chain(r.related.iter().map(|p| p.file)) {
            shown.entry(file).or_insert_with(|| {
                let input = &report.files[file];
                redact_secrets(&input.source.text, &input.docs)
            });
        }
    }
    for (r, applied) in &listed {
        let f = &r.finding;
        let level = match f.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        // Labels grouped by file, the primary's file first.
        let mut by_file: Vec<(usize, Vec<(&Placed, bool)>)> =
            vec![(r.primary.file, vec![(&r.primary, true)])];
        for rel in &r.related {
            match by_file.iter_mut().find(|(file, _)| *file == rel.file) {
                Some((_, labels)) => labels.push((rel, false)),
                None => by_file.push((rel.file, vec![(rel, false)])),
            }
        }
        let mut group =
            Group::with_title(level.primary_title(f.message.as_str()).id(f.rule.as_str()));
        for (file, labels) in &by_file {
            let source = &report.files[*file].source;
            let text = shown
                .get(file)
                .and_then(Option::as_deref)
                .unwrap_or(source.text.as_str());
            let mut snippet = Snippet::source(text).path(source.path.as_str());
            for (placed, primary) in labels {
                let kind = if *primary {
                    AnnotationKind::Primary
                } else {
                    AnnotationKind::Context
                };
                snippet = snippet.annotation(
                    kind.span(safe_range(&source.text, placed.span.range()))
                        .label(placed.message.as_str()),
                );
            }
            group = group.element(snippet);
        }
        let mut messages: Vec<String> = Vec::new();
        if let Some(m) = &f.mismatch {
            messages.push(diff::lines(&m.expected, &m.found, options.color));
        }
        if let Some(applied) = applied {
            messages.push(format!(
                "suppressed ({}): {}",
                applied.kind.as_str(),
                applied.reason
            ));
        }
        let mut elements = Vec::new();
        for m in &messages {
            elements.push(Level::NOTE.message(m.as_str()));
        }
        if let Some(help) = &f.help {
            elements.push(Level::HELP.message(help.as_str()));
        }
        let report_group: Group<'_> = group.elements(elements);
        out.push_str(&renderer.render(&[report_group]));
        out.push_str("\n\n");
    }
    if options.verbose {
        for s in &report.skipped {
            out.push_str(&format!("skipped {}: {}\n", s.path, s.reason));
        }
    }
    let mut line = summary(report);
    if !report.skipped.is_empty() && !options.verbose {
        line.push_str("; --verbose lists the skipped files");
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// annotate-snippets indexes by byte and needs char boundaries within the text.
fn safe_range(text: &str, r: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let clamp = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    clamp(r.start)..clamp(r.end)
}

//! The human report: source snippets with labels (possibly from several files), expected vs
//! found, help, and a summary line.

use std::collections::HashMap;

use annotate_snippets::{
    AnnotationKind, Group, Level, Origin, Renderer, Snippet, renderer::DecorStyle,
};

use super::{RenderOptions, diff, summary};
use crate::app::Report;
use crate::document::{LineCol, Source};
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
            let excerpt = Excerpt::of(source, text, labels);
            let mut snippet =
                Snippet::source(&text[excerpt.bytes.clone()]).line_start(excerpt.line);
            snippet = match excerpt.cropped_at {
                // A cropped line would make the renderer count columns from the crop: say where
                // the label is ourselves.
                Some(at) => {
                    group = group.element(
                        Origin::path(source.path.as_str())
                            .line(at.line)
                            .char_column(at.column),
                    );
                    snippet
                }
                None => snippet.path(source.path.as_str()),
            };
            for (placed, primary) in labels {
                let kind = if *primary {
                    AnnotationKind::Primary
                } else {
                    AnnotationKind::Context
                };
                let range = safe_range(text, placed.span.range());
                let start = range.start.clamp(excerpt.bytes.start, excerpt.bytes.end);
                let end = range.end.clamp(start, excerpt.bytes.end);
                snippet = snippet.annotation(
                    kind.span(start - excerpt.bytes.start..end - excerpt.bytes.start)
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

/// What of a file a finding's snippet shows. The renderer walks all the text it is given, for
/// every finding: given the whole file, a scan's text output grew with findings × file size
/// (3,000 findings in a 1 MB one-line export took minutes). So it gets the lines the labels are
/// on, and of a very long line a window around the labels.
struct Excerpt {
    bytes: std::ops::Range<usize>,
    /// The number of its first line.
    line: usize,
    /// Where the first label starts, when the excerpt starts inside a line.
    cropped_at: Option<LineCol>,
}

/// Bytes of a long line kept on each side of the labels.
const CONTEXT_BYTES: usize = 240;

impl Excerpt {
    fn of(source: &Source, text: &str, labels: &[(&Placed, bool)]) -> Excerpt {
        let first = labels.iter().map(|(p, _)| p.start.line).min().unwrap_or(1);
        let last = labels
            .iter()
            .map(|(p, _)| p.end.line)
            .max()
            .unwrap_or(first);
        let lines = source.lines(first, last);
        let spans = labels.iter().map(|(p, _)| p.span.range());
        let (lo, hi) = spans.fold((usize::MAX, 0), |(lo, hi), r| {
            (lo.min(r.start), hi.max(r.end))
        });
        if lines.len() <= 4 * CONTEXT_BYTES + hi.saturating_sub(lo) {
            return Excerpt {
                bytes: lines,
                line: first,
                cropped_at: None,
            };
        }
        let from = safe_range(text, lo.saturating_sub(CONTEXT_BYTES)..lo)
            .start
            .max(lines.start);
        let to = safe_range(text, hi..hi + CONTEXT_BYTES)
            .end
            .min(lines.end)
            .max(from);
        // The label that starts first is on the first line, where the crop is.
        let cropped_at = (from > lines.start)
            .then(|| labels.iter().min_by_key(|(p, _)| p.span.start))
            .flatten()
            .map(|(p, _)| p.start);
        let bytes = from..to;
        Excerpt {
            bytes,
            line: first,
            cropped_at,
        }
    }
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

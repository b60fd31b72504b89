//! The human report: source snippets with labels (possibly from several files), expected vs
//! found, help, and a summary line.

use annotate_snippets::{
    AnnotationKind, Group, Level, Origin, Renderer, Snippet, renderer::DecorStyle,
};

use super::{RenderOptions, diff, summary, untrusted, without_c1};
use crate::app::Report;
use crate::finding::{Resolved, Severity, floor_char};
use crate::suppress::Applied;

pub fn render(report: &Report, options: &RenderOptions) -> String {
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
    .decor_style(DecorStyle::Unicode);
    let mut out = String::new();
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
    let paths: Vec<String> = report.paths.iter().map(|p| untrusted(p)).collect();
    for (r, applied) in &listed {
        let f = &r.finding;
        let level = match f.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let mut group =
            Group::with_title(level.primary_title(f.message.as_str()).id(f.rule.as_str()));
        // One excerpt per file, the primary's first (secrets were masked when it was cut).
        for excerpt in &r.excerpts {
            let path = paths[excerpt.file].as_str();
            let text = excerpt.text.as_str();
            let mut snippet = Snippet::source(text).line_start(excerpt.line);
            snippet = match excerpt.cropped_at {
                // A cropped line would make the renderer count columns from the crop: say where
                // the label is ourselves.
                Some(at) => {
                    group = group.element(Origin::path(path).line(at.line).char_column(at.column));
                    snippet
                }
                None => snippet.path(path),
            };
            let end = excerpt.offset + text.len();
            // A file can have several excerpts (labels far apart): each shows the labels in it.
            let labels = std::iter::once((&r.primary, AnnotationKind::Primary))
                .chain(r.related.iter().map(|p| (p, AnnotationKind::Context)))
                .filter(|(p, _)| excerpt.shows(p));
            for (placed, kind) in labels {
                let range = placed.span.range();
                let start = range.start.clamp(excerpt.offset, end);
                let stop = range.end.clamp(start, end);
                let start = floor_char(text, start - excerpt.offset);
                let stop = floor_char(text, stop - excerpt.offset).max(start);
                snippet = snippet.annotation(kind.span(start..stop).label(placed.message.as_str()));
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
        // Messages and excerpts quote the inputs; the renderer makes their C0 controls visible but
        // passes C1 ones through.
        out.push_str(&without_c1(&renderer.render(&[report_group])));
        out.push_str("\n\n");
    }
    if options.verbose {
        for s in &report.skipped {
            out.push_str(&format!(
                "skipped {}: {}\n",
                untrusted(&s.path),
                untrusted(&s.reason)
            ));
        }
    }
    if options.quiet {
        return out;
    }
    let mut line = summary(report);
    if !report.skipped.is_empty() && !options.verbose {
        line.push_str("; --verbose lists the skipped files");
    }
    out.push_str(&line);
    out.push('\n');
    out
}

//! Workload identity federation exists to remove static client secrets: a literal secret in a
//! scanned file is readable by everyone who can read the repository, and keeps working until it
//! expires or is rotated. What counts as a secret is decided in `crate::secret`.
//!
//! A file that does not parse has no documents to walk, but its secrets are just as exposed: the
//! line-level scan reports what it is certain of there (a secret key given a one-line literal
//! outside a comment line, an exact Entra secret shape). The file already fails with
//! `unparseable-input`, so this adds no error to a file that would otherwise pass.
//!
//! A file a front-end lowers (Terraform, Bicep, scripts, Markdown) becomes only the documents the
//! model reads: a secret in a variable default or an unrelated resource is in none of them. The
//! same certain line scan covers those files, skipping what the documents already reported.

use crate::document::{Part, Span, Syntax};
use crate::finding::Loc;
use crate::rules::{Ctx, Findings};
use crate::secret::{self, Kind, Seen, describe};

const HELP: &str = "rotate the secret now (it is exposed), delete it from the file, and let the workload authenticate with a federated identity credential; if a secret must stay, reference it (secretKeyRef, Key Vault) instead of writing it";
const LABEL: &str = "literal client secret (value not shown)";

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for (file, input) in ctx.files.iter().enumerate() {
        let mut reported: Vec<Span> = Vec::new();
        for (doc, root) in input.docs.iter().enumerate() {
            for hit in secret::find(root) {
                reported.push(hit.node.span);
                let shown = describe(hit.value);
                let loc = Loc::node(file, doc, hit.path.clone(), Part::Value);
                let message = match (hit.kind, hit.name) {
                    (Kind::Env, Some(name)) => format!(
                        "the environment variable {name} is set to a literal client secret ({shown}) written in this file: anyone who can read the file can use it until it is rotated"
                    ),
                    (Kind::Key, Some(name)) => format!(
                        "`{name}` holds a literal client secret ({shown}): anyone who can read this file can use it until it is rotated"
                    ),
                    (_, Some(name)) => format!(
                        "`{name}` holds a string shaped like an Entra client secret ({shown}): anyone who can read this file can use it until it is rotated"
                    ),
                    (_, None) => format!(
                        "a string shaped like an Entra client secret ({shown}) is written in this file: anyone who can read it can use it until it is rotated"
                    ),
                };
                out.push(ctx.finding(loc, LABEL, message).help(HELP));
            }
        }
        let why = if input.error.is_some() {
            "in this file, which does not parse (found by a line scan)"
        } else if matches!(
            input.syntax,
            Syntax::Terraform | Syntax::Bicep | Syntax::Shell | Syntax::Markdown
        ) {
            "in this file (found by a line scan)"
        } else {
            continue;
        };
        // In Terraform and Bicep a value written without quotes is an expression
        // (`var.client_secret`), never a literal.
        let bare_is_expression = matches!(input.syntax, Syntax::Terraform | Syntax::Bicep);
        let scan = Scan {
            file,
            text: &input.source.text,
            why,
            bare_is_expression,
        };
        line_scan(ctx, &scan, &reported, out);
    }
}

/// Findings of the line scan per file, at most: a file that does not parse can hold any number
/// of lines that look like assignments, and each finding costs a resolution and an excerpt.
const UNPARSED_MAX: usize = 50;

/// A file the line scan reads, and how its values are written.
struct Scan<'t> {
    file: usize,
    text: &'t str,
    /// Why the line scan reads it, for messages.
    why: &'t str,
    /// An unquoted value is an expression (Terraform, Bicep), not a literal.
    bare_is_expression: bool,
}

/// The secrets the line scan is certain of, but those the documents reported (`reported`).
fn line_scan(ctx: &Ctx<'_>, scan: &Scan<'_>, reported: &[Span], out: &mut Findings) {
    let Scan {
        file,
        text,
        why,
        bare_is_expression,
    } = *scan;
    let mut found: Vec<_> = secret::scan(text)
        .into_iter()
        .filter(|f| f.certain)
        .filter(|f| {
            !(bare_is_expression
                && f.seen == Seen::Assignment
                && !text[..f.range.start].ends_with(['"', '\'']))
        })
        .filter(|f| {
            !reported
                .iter()
                .any(|s| f.range.start < s.end as usize && s.start as usize <= f.range.start)
        })
        .collect();
    // An assignment of an Entra-shaped value is one secret: reported once, by its key.
    found.sort_by_key(|f| (f.range.start, f.range.end, f.seen != Seen::Assignment));
    found.dedup_by(|later, kept| later.range == kept.range);
    let more = found.len().saturating_sub(UNPARSED_MAX);
    for (i, f) in found.into_iter().take(UNPARSED_MAX).enumerate() {
        let shown = describe(&text[f.range.clone()]);
        let message = match f.key {
            Some(key) => format!(
                "`{key}` is given a literal client secret ({shown}) {why}: anyone who can read it can use the secret until it is rotated"
            ),
            None => format!(
                "a string shaped like an Entra client secret ({shown}) is written {why}: anyone who can read it can use it until it is rotated"
            ),
        };
        let message = if more > 0 && i + 1 == UNPARSED_MAX {
            format!("{message}; {more} more found by the line scan in this file are not listed")
        } else {
            message
        };
        let span = Span::new(f.range.start, f.range.end);
        out.push(
            ctx.finding(Loc::span(file, span), LABEL, message)
                .help(HELP),
        );
    }
}

//! A file that looks like an input but cannot be read is an error, never a silent pass.

use crate::finding::Loc;
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for (file, input) in ctx.files.iter().enumerate() {
        if let Some(err) = &input.error {
            out.push(
                ctx.finding(
                    Loc::span(file, err.span),
                    "here",
                    format!("cannot parse {}: {}", input.source.path, err.message),
                )
                .help("fix the syntax; the rest of the scan went on without this file"),
            );
        }
    }
}

//! A document that matches no known input shape is not checked; say so when the user named the
//! file (or asked with `--verbose`) rather than pass it silently.

use crate::document::{Part, Path};
use crate::finding::{Finding, Loc};
use crate::rules::Ctx;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for &(file, doc) in &ctx.model.unrecognized {
        let input = &ctx.files[file];
        if !(input.explicit || ctx.options.verbose) {
            continue;
        }
        out.push(
            ctx.finding(
                Loc::node(file, doc, Path::root(), Part::Value),
                "not a known input",
                format!(
                    "document {} of {} is not a recognized input (no `apiVersion` and `kind`), so it was not checked",
                    doc + 1,
                    input.source.path
                ),
            )
            .help("wiflint reads Kubernetes manifests; other files are skipped"),
        );
    }
}

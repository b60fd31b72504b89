//! A value a front-end could not evaluate (a Terraform variable without a value, a data source,
//! a remote module's output) is unknown, and every rule that needs it stays silent: an unknown is
//! never an error. This note says which checks were left undone, and why, so that silence is
//! not taken for a pass.

use crate::document::{Node, Part, Path, Style, Syntax};
use crate::finding::Loc;
use crate::model::At;
use crate::model::k8s::{WI_CLIENT_ID, WI_TENANT_ID, WI_USE};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let mut note = |loc: Loc, node: &Node, what: String| {
        let Some(expr) = undecided(node) else { return };
        // What would decide the value, in the terms of the file's own language.
        let makefile = ctx
            .files
            .get(loc.file)
            .is_some_and(|f| crate::script::is_makefile(&f.source.path));
        let help = match ctx.syntax(&loc) {
            Some(Syntax::Shell) if makefile => {
                "make expands `$(X)` before the shell runs the recipe: write the value itself in the recipe to have it checked"
            }
            Some(Syntax::Terraform) => {
                "give the variable a default, or a value in `terraform.tfvars` or a `*.auto.tfvars` file, or scan the module it comes from"
            }
            Some(Syntax::Bicep) => {
                "give the parameter a default, or a value in a `.bicepparam` file that names this file, or write the value itself"
            }
            Some(Syntax::Shell | Syntax::Markdown) => {
                "assign the variable a literal earlier in the same script (or block), or write the value itself"
            }
            _ => {
                "it is decided only when the resource is applied (an operator reads it from a ConfigMap): write the value itself to have it checked"
            }
        };
        out.push(
            ctx.finding(
                loc,
                "not decided",
                if node.pieces().is_some() {
                    format!(
                        "not decided: {what} is `{}`, which the scanned files decide only in part, so the checks that need all of it were not made",
                        shorten(&expr)
                    )
                } else {
                    format!(
                        "not decided: {what} is `{}`, which has no value in the scanned files, so the checks that need it were not made",
                        shorten(&expr)
                    )
                },
            )
            .help(help),
        );
    };
    let mut at = |at: Option<At<'_>>, what: &dyn Fn() -> String| {
        if let Some(at) = at {
            if let Some(items) = at.node.as_seq() {
                if let Some(item) = items.iter().find(|i| undecided(i).is_some()) {
                    note(at.loc(), item, what());
                }
            } else {
                note(at.loc(), at.node, what());
            }
        }
    };
    for cred in &ctx.model.credentials {
        at(cred.at.get("name"), &|| {
            format!("the name of {}", cred.describe())
        });
        for key in ["issuer", "subject", "audiences", "claimsMatchingExpression"] {
            at(cred.props.get(key), &|| {
                format!("the `{key}` of {}", cred.describe())
            });
        }
    }
    for cluster in &ctx.model.clusters {
        at(cluster.oidc_enabled(), &|| {
            format!("whether {} has an OIDC issuer", cluster.describe())
        });
        at(
            cluster.workload_identity().and_then(|w| w.get("enabled")),
            &|| format!("whether {} has Workload Identity", cluster.describe()),
        );
    }
    for object in &ctx.model.objects {
        for key in [WI_CLIENT_ID, WI_TENANT_ID] {
            if let Some(value) = object.metadata_map("annotations").and_then(|a| a.get(key)) {
                let path = Path::root().keys(&["metadata", "annotations", key]);
                note(
                    object.loc(&path, Part::Value),
                    value,
                    format!("`{key}` of {}", object.describe()),
                );
            }
        }
    }
    for template in &ctx.model.templates {
        let object = &ctx.model.objects[template.object];
        let account = template.spec().and_then(|s| s.get("serviceAccountName"));
        if let Some(node) = account {
            let rel = template.path(&["spec", "serviceAccountName"]);
            let what = format!("the ServiceAccount of {}", object.describe());
            note(object.loc(&rel, Part::Value), node, what);
        }
        if let Some(entry) = template.label(WI_USE) {
            let rel = template.path(&["metadata", "labels", WI_USE]);
            let what = format!("`{WI_USE}` of {}", object.describe());
            note(object.loc(&rel, Part::Value), &entry.value, what);
        }
    }
}

/// The source of an unknown value that is not a reference to a declared resource's attribute
/// (those are decided by the files, only not yet known).
fn undecided(node: &Node) -> Option<std::borrow::Cow<'_, str>> {
    let expr = node.shown_expression()?;
    let reference = node
        .as_scalar()
        .is_some_and(|s| s.style == Style::Reference);
    (!reference).then_some(expr)
}

fn shorten(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

//! Entra client ids are GUIDs; anything else fails at token time with AADSTS700016.

use crate::document::{Part, Path};
use crate::finding::Severity;
use crate::model::k8s::{WI_CLIENT_ID, is_guid, value_text};
use crate::placeholder::{Placeholder, classify};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for &i in &ctx.model.service_accounts {
        let sa = &ctx.model.objects[i];
        let Some(value) = sa
            .metadata_map("annotations")
            .and_then(|a| a.get(WI_CLIENT_ID))
        else {
            continue;
        };
        let text = value_text(value).trim();
        if text.is_empty() || is_guid(text) {
            continue;
        }
        let loc = sa.loc(
            &Path::root().keys(&["metadata", "annotations", WI_CLIENT_ID]),
            Part::Value,
        );
        let name = sa.name().unwrap_or("");
        let why = match classify(text) {
            // Unknown until the tool runs: a note, never an error.
            Some(Placeholder::Tool(syntax)) => {
                out.push(
                    ctx.finding(
                        loc,
                        "substituted before it is applied",
                        format!(
                            "`{WI_CLIENT_ID}` of ServiceAccount `{name}` is the placeholder `{text}` ({syntax}): \
                             its value is known only once it is substituted, so it is not checked"
                        ),
                    )
                    .severity(Severity::Note)
                    .help(if syntax == crate::placeholder::TERRAFORM {
                        "the `helm_release` that installs the chart sets it from Terraform; `terraform plan` shows the value"
                    } else {
                        "check the rendered manifest, e.g. `envsubst < file | wiflint check -`"
                    }),
                );
                continue;
            }
            Some(Placeholder::Person(kind)) if ctx.options.replaced.contains(text) => {
                out.push(
                    ctx.finding(
                        loc,
                        "replaced by a script of the scan",
                        format!(
                            "`{WI_CLIENT_ID}` of ServiceAccount `{name}` is `{text}`, {kind} that a script or pipeline \
                             in the scanned directories replaces before it is applied, so it is not checked"
                        ),
                    )
                    .severity(Severity::Note)
                    .help("check the manifest as the script writes it"),
                );
                continue;
            }
            Some(Placeholder::Person(kind)) => format!("is not a GUID: it looks like {kind}"),
            None => "is not a GUID (8-4-4-4-12 hexadecimal digits)".to_string(),
        };
        out.push(
            ctx.finding(
                loc,
                "not a GUID",
                format!(
                    "`{WI_CLIENT_ID}` of ServiceAccount `{name}` is `{text}`, which {why}; Entra rejects the token request (AADSTS700016)"
                ),
            )
            .help("set it to the managed identity's client id (`az identity show --query clientId -o tsv`)"),
        );
    }
}

//! AAD Pod Identity is retired; its objects and labels mean a migration to Workload Identity is
//! due (or half done).

use crate::document::{Part, Path};
use crate::rules::{Ctx, Findings};

const KINDS: &[&str] = &[
    "AzureIdentity",
    "AzureIdentityBinding",
    "AzurePodIdentityException",
];
const LABEL: &str = "aadpodidbinding";
const HELP: &str = "migrate to Azure Workload Identity: a ServiceAccount with `azure.workload.identity/client-id`, a federated credential for it, and the `azure.workload.identity/use: \"true\"` pod label";

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for object in &ctx.model.objects {
        if KINDS.contains(&object.kind) {
            out.push(
                ctx.finding(
                    object.loc(&Path::root().key("kind"), Part::Value),
                    "AAD Pod Identity",
                    format!(
                        "{} is an AAD Pod Identity object; AAD Pod Identity is retired",
                        object.describe()
                    ),
                )
                .help(HELP),
            );
        }
    }
    for (i, base, _) in ctx.model.metadata_owners() {
        let object = &ctx.model.objects[i];
        let labels = base.keys(&["metadata", "labels"]);
        let present = crate::document::path::exists(object.node, &labels.key(LABEL));
        if present {
            out.push(
                ctx.finding(
                    object.loc(&labels.key(LABEL), Part::Entry),
                    "AAD Pod Identity binding",
                    format!(
                        "{} uses the AAD Pod Identity label `{LABEL}`; AAD Pod Identity is retired",
                        object.describe()
                    ),
                )
                .help(HELP),
            );
        }
    }
}

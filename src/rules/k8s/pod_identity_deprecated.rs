//! AAD Pod Identity was deprecated on 2022-10-24 and its repository archived on 2023-10-02; its
//! objects, labels and the AKS add-on mean a migration to Workload Identity is due (or half done).

use crate::document::{Part, Path};
use crate::rules::{Ctx, Findings};

const KINDS: &[&str] = &[
    "AzureAssignedIdentity",
    "AzureIdentity",
    "AzureIdentityBinding",
    "AzurePodIdentityException",
];
const LABEL: &str = "aadpodidbinding";
const RETIRED: &str = "AAD Pod Identity was deprecated on 2022-10-24 and its project archived on 2023-10-02 (github.com/Azure/aad-pod-identity)";
const HELP: &str = "migrate to Azure Workload Identity: a ServiceAccount with `azure.workload.identity/client-id`, a federated credential for it, and the `azure.workload.identity/use: \"true\"` pod label";

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for object in &ctx.model.objects {
        if KINDS.contains(&object.kind) {
            out.push(
                ctx.finding(
                    object.loc(&Path::root().key("kind"), Part::Value),
                    "AAD Pod Identity",
                    format!(
                        "{} is an AAD Pod Identity object; {RETIRED}",
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
                        "{} uses the AAD Pod Identity label `{LABEL}`; {RETIRED}",
                        object.describe()
                    ),
                )
                .help(HELP),
            );
        }
    }
    // The AKS pod-managed identity add-on runs the same components.
    for cluster in &ctx.model.clusters {
        let Some(enabled) = cluster
            .props
            .get("podIdentityProfile")
            .and_then(|p| p.get("enabled"))
        else {
            continue;
        };
        if enabled.node.as_bool() != Some(true) {
            continue;
        }
        out.push(
            ctx.finding(
                enabled.loc(),
                "pod-managed identity add-on",
                format!(
                    "{} has the pod-managed identity add-on enabled (`podIdentityProfile.enabled`), which runs AAD Pod Identity; {RETIRED}",
                    cluster.describe()
                ),
            )
            .help(format!(
                "migrate its workloads to Azure Workload Identity, then `az aks update --resource-group <group> --name {} --disable-pod-identity`",
                cluster.name().unwrap_or("<cluster>")
            )),
        );
    }
}

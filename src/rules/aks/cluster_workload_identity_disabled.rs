//! On AKS the Workload Identity webhook is installed by `securityProfile.workloadIdentity`;
//! without it nothing injects tokens into labelled pods.

use super::{cluster_syntax, first_wi_pod};
use crate::document::{Part, Syntax};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let Some(t) = first_wi_pod(ctx) else {
        return;
    };
    let template = &ctx.model.templates[t];
    let object = &ctx.model.objects[template.object];
    for cluster in &ctx.model.clusters {
        let wi = cluster.workload_identity();
        let enabled = wi.as_ref().and_then(|w| w.get("enabled"));
        // Not decided by the files (a Terraform variable without a value): not an error.
        if enabled
            .as_ref()
            .is_some_and(|e| e.node.as_bool() == Some(true) || e.node.is_unknown())
        {
            continue;
        }
        let terraform = cluster_syntax(ctx, cluster) == Some(Syntax::Terraform);
        let (loc, why) = match (&enabled, &wi, cluster.props.get("securityProfile")) {
            (Some(e), _, _) if terraform => (e.loc(), "`workload_identity_enabled` is not true"),
            (Some(e), _, _) => (
                e.loc(),
                "`securityProfile.workloadIdentity.enabled` is not true",
            ),
            (None, Some(w), _) if w.node.is_null() => {
                (w.loc(), "`securityProfile.workloadIdentity` is null")
            }
            (None, Some(w), _) => (
                w.loc(),
                "`securityProfile.workloadIdentity` has no `enabled`",
            ),
            (None, None, _) if terraform => (
                cluster.props.loc(),
                "`workload_identity_enabled` is not set",
            ),
            (None, None, Some(sp)) => (sp.loc(), "`securityProfile` has no `workloadIdentity`"),
            (None, None, None) => (cluster.props.loc(), "the export has no `securityProfile`"),
        };
        let help = if terraform {
            "set `workload_identity_enabled = true` on the cluster (it needs `oidc_issuer_enabled = true` too) and apply".to_string()
        } else {
            format!(
                "`az aks update --resource-group <group> --name {} --enable-workload-identity`",
                cluster.name().unwrap_or("<cluster>")
            )
        };
        out.push(
            ctx.finding(
                loc,
                "Workload Identity not enabled",
                format!(
                    "{} does not have Workload Identity enabled ({why}), but pods use it: no webhook injects their tokens",
                    cluster.describe()
                ),
            )
            .related(
                object.loc(&template.path(&["metadata", "labels", crate::model::k8s::WI_USE]), Part::Entry),
                "a Workload Identity pod",
            )
            .help(help),
        );
    }
}

//! Without an OIDC issuer, a cluster's ServiceAccount tokens cannot be verified by Entra, so no
//! federated credential can trust them.

use super::{cluster_syntax, first_wi_pod};
use crate::document::{Part, Syntax};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let pod = first_wi_pod(ctx);
    let k8s_credential = ctx.model.credentials.iter().find(|c| c.is_k8s());
    if pod.is_none() && k8s_credential.is_none() {
        return;
    }
    for cluster in &ctx.model.clusters {
        let enabled = cluster.oidc_enabled();
        let off = enabled
            .as_ref()
            .is_some_and(|e| e.node.as_bool() == Some(false) || e.node.is_null());
        if !off && cluster.has_issuer() {
            continue;
        }
        let terraform = cluster_syntax(ctx, cluster) == Some(Syntax::Terraform);
        let (loc, label, why) = match (&enabled, cluster.oidc_profile()) {
            (Some(e), _) if off => (
                e.loc(),
                "OIDC issuer disabled",
                if terraform {
                    "`oidc_issuer_enabled` is not true"
                } else {
                    "`oidcIssuerProfile.enabled` is not true"
                },
            ),
            (_, Some(profile)) => (
                profile.loc(),
                "no issuer URL",
                "`oidcIssuerProfile` has no `issuerUrl`",
            ),
            (_, None) if terraform => (
                cluster.props.loc(),
                "no `oidc_issuer_enabled`",
                "`oidc_issuer_enabled` is not set",
            ),
            (_, None) => (
                cluster.props.loc(),
                "no `oidcIssuerProfile`",
                "the export has no `oidcIssuerProfile`",
            ),
        };
        let help = if terraform {
            "set `oidc_issuer_enabled = true` on the cluster (it cannot be disabled again), apply, then create the credentials with the new issuer (`oidc_issuer_url`)".to_string()
        } else {
            format!(
                "enable it: `az aks update --resource-group <group> --name {} --enable-oidc-issuer` (it cannot be disabled again), then create the credentials with the new issuer",
                cluster.name().unwrap_or("<cluster>")
            )
        };
        let mut finding = ctx
            .finding(
                loc,
                label,
                format!(
                    "{} has no OIDC issuer ({why}), but Workload Identity is in use: Entra cannot verify its ServiceAccount tokens",
                    cluster.describe()
                ),
            )
            .help(help);
        if let Some(t) = pod {
            let template = &ctx.model.templates[t];
            let object = &ctx.model.objects[template.object];
            finding = finding.related(
                object.loc(
                    &template.path(&["metadata", "labels", crate::model::k8s::WI_USE]),
                    Part::Entry,
                ),
                "a Workload Identity pod",
            );
        } else if let Some(cred) = k8s_credential
            && let Some((subject, _)) = cred.subject()
        {
            finding = finding.related(
                subject.loc(),
                "a credential for a Kubernetes ServiceAccount",
            );
        }
        out.push(finding);
    }
}

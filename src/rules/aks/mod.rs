//! Rules over AKS cluster exports (catalog section D). One file per rule, named after its id.

mod cluster_oidc_issuer_disabled;
mod cluster_workload_identity_disabled;

use crate::document::Syntax;
use crate::model::azure::Cluster;
use crate::rules::{Ctx, NativeFn, Reach};

pub const TEMPLATES: &[(&str, NativeFn, Reach)] = &[
    (
        "aks.cluster-oidc-issuer-disabled",
        cluster_oidc_issuer_disabled::check,
        Reach::Scan,
    ),
    (
        "aks.cluster-workload-identity-disabled",
        cluster_workload_identity_disabled::check,
        Reach::Scan,
    ),
];

/// The first Workload Identity pod template in scope, as evidence that a cluster must support it.
pub(crate) fn first_wi_pod(ctx: &Ctx<'_>) -> Option<usize> {
    ctx.model.templates.iter().position(|t| t.is_wi())
}

/// The language the cluster is declared in, so messages name its own switches.
pub(crate) fn cluster_syntax(ctx: &Ctx<'_>, cluster: &Cluster<'_>) -> Option<Syntax> {
    ctx.syntax(&cluster.props.loc())
}

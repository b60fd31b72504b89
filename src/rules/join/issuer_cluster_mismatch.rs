//! Entra compares the token's `iss` with the credential's issuer exactly (AADSTS70021); a
//! Kubernetes token's `iss` is its cluster's OIDC issuer URL.

use crate::finding::Finding;
use crate::model::azure::is_aks_issuer;
use crate::rules::Ctx;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let clusters = &ctx.model.clusters;
    // A cluster without an issuer is `cluster-oidc-issuer-disabled`; a credential may be meant for it.
    if clusters.is_empty() || clusters.iter().any(|c| c.active_issuer().is_none()) {
        return;
    }
    let issuers: Vec<_> = clusters
        .iter()
        .filter_map(|c| c.active_issuer().map(|i| (c, i)))
        .collect();
    for cred in &ctx.model.credentials {
        if !cred.is_k8s() {
            continue;
        }
        let Some((at, issuer)) = cred.issuer() else {
            continue;
        };
        if issuers.iter().any(|(_, (_, i))| *i == issuer) {
            continue;
        }
        let slash_only = |i: &str| i.trim_end_matches('/') == issuer.trim_end_matches('/');
        // The cluster it was most likely meant for: the longest common prefix.
        let nearest = issuers
            .iter()
            .find(|(_, (_, i))| slash_only(i))
            .or_else(|| {
                issuers
                    .iter()
                    .max_by_key(|(_, (_, i))| common_prefix(i, issuer))
            });
        let Some((cluster, (cluster_at, cluster_issuer))) = nearest else {
            continue;
        };
        let only_slash = slash_only(cluster_issuer);
        // `issuer-trailing-slash` explains an AKS issuer that lost its slash.
        if only_slash && is_aks_issuer(issuer) && !issuer.ends_with('/') {
            continue;
        }
        let message = if only_slash {
            format!(
                "the issuer of {} differs from the OIDC issuer of {} only by the trailing slash: Entra compares them exactly (AADSTS70021)",
                cred.describe(),
                cluster.describe()
            )
        } else {
            let n = issuers.len();
            let which = if n == 1 {
                cluster.describe()
            } else {
                format!("any of the {n} scanned AKS clusters")
            };
            format!(
                "the issuer of {} is not the OIDC issuer of {which}: tokens from the cluster are refused (AADSTS70021)",
                cred.describe(),
            )
        };
        out.push(
            ctx.finding(at.loc(), "not the cluster's issuer", message)
                .mismatch(*cluster_issuer, issuer)
                .related(cluster_at.loc(), format!("OIDC issuer of {}", cluster.describe()))
                .help(format!(
                    "set the credential's issuer to `{cluster_issuer}` (`az aks show --query oidcIssuerProfile.issuerUrl -o tsv`)"
                )),
        );
    }
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

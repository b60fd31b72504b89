//! Entra compares the token's `iss` with the credential's issuer exactly (AADSTS70021); a
//! Kubernetes token's `iss` is its cluster's OIDC issuer URL.

use crate::finding::Loc;
use crate::model::azure::is_aks_issuer;
use crate::rules::{Ctx, Findings};

/// A cluster issuer the credential may be meant for: from a scanned AKS export (with its
/// location) or from the config's `azure.cluster-issuers`.
struct Known<'a> {
    issuer: &'a str,
    name: String,
    loc: Option<Loc>,
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let clusters = &ctx.model.clusters;
    // A cluster without an issuer is `cluster-oidc-issuer-disabled`; a credential may be meant for it.
    if clusters.iter().any(|c| c.active_issuer().is_none()) {
        return;
    }
    let mut issuers: Vec<Known<'_>> = clusters
        .iter()
        .filter_map(|c| {
            c.active_issuer().map(|(at, issuer)| Known {
                issuer,
                name: c.describe(),
                loc: Some(at.loc()),
            })
        })
        .collect();
    issuers.extend(
        ctx.param_strs("cluster-issuers")
            .into_iter()
            .map(|issuer| Known {
                issuer,
                name: format!("the cluster issuer `{issuer}` configured in wiflint.toml"),
                loc: None,
            }),
    );
    if issuers.is_empty() {
        return;
    }
    for cred in &ctx.model.credentials {
        if !cred.is_k8s() {
            continue;
        }
        let Some((at, issuer)) = cred.issuer() else {
            continue;
        };
        if issuers.iter().any(|k| k.issuer == issuer) {
            continue;
        }
        let slash_only = |i: &str| i.trim_end_matches('/') == issuer.trim_end_matches('/');
        // The cluster it was most likely meant for: the longest common prefix.
        let nearest = issuers.iter().find(|k| slash_only(k.issuer)).or_else(|| {
            issuers
                .iter()
                .max_by_key(|k| common_prefix(k.issuer, issuer))
        });
        let Some(cluster) = nearest else {
            continue;
        };
        let only_slash = slash_only(cluster.issuer);
        // `issuer-trailing-slash` explains an AKS issuer that lost its slash.
        if only_slash && is_aks_issuer(issuer) && !issuer.ends_with('/') {
            continue;
        }
        let message = if only_slash {
            format!(
                "the issuer of {} differs from the OIDC issuer of {} only by the trailing slash: Entra compares them exactly (AADSTS70021)",
                cred.describe(),
                cluster.name
            )
        } else {
            let n = issuers.len();
            let which = if n == 1 {
                cluster.name.clone()
            } else {
                format!("any of the {n} known AKS clusters")
            };
            format!(
                "the issuer of {} is not the OIDC issuer of {which}: tokens from the cluster are refused (AADSTS70021)",
                cred.describe(),
            )
        };
        let mut finding = ctx
            .finding(at.loc(), "not the cluster's issuer", message)
            .mismatch(cluster.issuer, issuer)
            .help(format!(
                "set the credential's issuer to `{}` (`az aks show --query oidcIssuerProfile.issuerUrl -o tsv`)",
                cluster.issuer
            ));
        if let Some(loc) = &cluster.loc {
            finding = finding.related(loc.clone(), format!("OIDC issuer of {}", cluster.name));
        }
        out.push(finding);
    }
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

//! Entra compares a credential's issuer with the token's `iss` character for character, and a
//! missing or extra trailing `/` is the difference people miss (AADSTS70021): AKS issuers end in
//! `/`, the GitHub Actions issuer does not.

use super::GITHUB_ISSUER;
use crate::model::azure::is_aks_issuer;
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for cred in &ctx.model.credentials {
        let Some((at, issuer)) = cred.issuer() else {
            continue;
        };
        if is_aks_issuer(issuer) && !issuer.ends_with('/') {
            let expected = format!("{issuer}/");
            // The cluster whose issuer this is, when its export is in scope: the same cause as an
            // issuer-cluster mismatch, told once, here.
            let clusters: Vec<_> = ctx
                .model
                .clusters
                .iter()
                .filter_map(|c| c.issuer().map(|(at, i)| (c, at, i)))
                .filter(|(_, _, i)| *i == expected)
                .collect();
            let evidence = match clusters.first() {
                Some((cluster, _, _)) => format!(
                    "the OIDC issuer of {} ends in `/`, and that is the `iss` its ServiceAccount tokens carry",
                    cluster.describe()
                ),
                None => "AKS OIDC issuers end in `/`, and that is the `iss` AKS ServiceAccount tokens carry".to_string(),
            };
            let mut f = ctx
                .finding(
                    at.loc(),
                    "AKS issuer without its trailing `/`",
                    format!(
                        "the issuer of {} lacks the trailing `/`: {evidence}; Entra matches the issuer exactly, so the token exchange fails with AADSTS70021",
                        cred.describe()
                    ),
                )
                .mismatch(expected.as_str(), issuer)
                .help("add the trailing `/`: copy the issuer exactly as `az aks show --query oidcIssuerProfile.issuerUrl -o tsv` prints it");
            for (cluster, c_at, _) in &clusters {
                f = f.related(
                    c_at.loc(),
                    format!("the OIDC issuer of {}", cluster.describe()),
                );
            }
            out.push(f);
        } else if issuer != GITHUB_ISSUER && issuer.strip_suffix('/') == Some(GITHUB_ISSUER) {
            out.push(
                ctx.finding(
                    at.loc(),
                    "trailing `/` the GitHub issuer does not have",
                    format!(
                        "the issuer of {} ends in `/`: GitHub Actions tokens carry `iss` `{GITHUB_ISSUER}` without a trailing slash, and Entra matches the issuer exactly, so the token exchange fails with AADSTS70021",
                        cred.describe()
                    ),
                )
                .mismatch(GITHUB_ISSUER, issuer)
                .help("remove the trailing `/`"),
            );
        }
    }
}

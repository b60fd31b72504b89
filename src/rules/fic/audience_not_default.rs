//! The Workload Identity webhook projects ServiceAccount tokens for one audience,
//! `api://AzureADTokenExchange` unless its `--audience` says otherwise, whatever the cloud; a
//! credential with another audience never matches the token's `aud` (AADSTS700212).

use crate::model::azure::{Field, is_expression};
use crate::rules::{Ctx, Findings};

const DEFAULT_AUDIENCE: &str = "api://AzureADTokenExchange";
const USGOV_AUDIENCE: &str = "api://AzureADTokenExchangeUSGov";
const CHINA_AUDIENCE: &str = "api://AzureADTokenExchangeChina";

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let mut accepted: Vec<&str> = ctx.param_strs("audiences");
    if accepted.is_empty() {
        accepted.push(DEFAULT_AUDIENCE);
    }
    // Microsoft pairs the sovereign audiences with their clouds: accept them when a cluster in
    // scope runs there.
    let locations: Vec<String> = ctx
        .model
        .clusters
        .iter()
        .filter_map(|c| c.location())
        .map(str::to_ascii_lowercase)
        .collect();
    let usgov = locations
        .iter()
        .any(|l| l.starts_with("usgov") || l.starts_with("usdod"));
    let china = locations.iter().any(|l| l.starts_with("china"));
    if usgov {
        accepted.push(USGOV_AUDIENCE);
    }
    if china {
        accepted.push(CHINA_AUDIENCE);
    }
    let expected = accepted.first().copied().unwrap_or(DEFAULT_AUDIENCE);
    for cred in &ctx.model.credentials {
        if !cred.is_k8s() {
            continue;
        }
        let Field::Value(audiences) = cred.field("audiences") else {
            continue;
        };
        // Zero or several audiences are `audience-count-invalid`'s.
        let items = audiences.items();
        let [item] = items.as_slice() else {
            continue;
        };
        let Some(aud) = item.node.as_str() else {
            continue;
        };
        if is_expression(aud) || accepted.contains(&aud) {
            continue;
        }
        let why = match aud {
            USGOV_AUDIENCE => {
                " (Microsoft pairs it with US Government clouds, but no AKS export in scope is in a `usgov*`/`usdod*` region, and the webhook's audience does not change with the cloud)"
            }
            CHINA_AUDIENCE => {
                " (Microsoft pairs it with Azure China, but no AKS export in scope is in a `china*` region, and the webhook's audience does not change with the cloud)"
            }
            _ => "",
        };
        let accepted_list = accepted
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(
            ctx.finding(
                item.loc(),
                "not the webhook's token audience",
                format!(
                    "the audience of {} is `{aud}`{why}: the Workload Identity webhook projects ServiceAccount tokens with audience {accepted_list}, so the token's `aud` does not match and the exchange fails with AADSTS700212",
                    cred.describe()
                ),
            )
            .mismatch(expected, aud)
            .help(format!(
                "set the audience to `{expected}`; if your webhook runs with another `--audience`, list it in this rule's `audiences` parameter"
            )),
        );
    }
}

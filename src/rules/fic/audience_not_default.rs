//! The Workload Identity webhook projects ServiceAccount tokens for one audience,
//! `api://AzureADTokenExchange` unless its `--audience` says otherwise, whatever the cloud; a
//! credential with another audience never matches the token's `aud` (AADSTS700212). The
//! `…USGov`/`…China` audiences belong to managed-identity-as-credential, not to AKS tokens.

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
        // The sovereign audiences look right for a US Government or China cluster, but Microsoft
        // documents them for Entra-issued managed identity tokens only.
        let why = if aud == USGOV_AUDIENCE || aud == CHINA_AUDIENCE {
            " (that audience is for a managed identity used as a credential, whose Entra-issued tokens carry the cloud's exchange audience; the webhook's ServiceAccount tokens carry `api://AzureADTokenExchange` in every cloud, US Government and China included)"
        } else {
            ""
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

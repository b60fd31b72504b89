//! A Vault credential's issuer must equal `<base>/v1/<namespace path>identity/oidc/plugins`, and
//! the base lives only in Vault (`identity/oidc/config`, else `api_addr`). Without it the scan
//! cannot check the issuer, and a pass would look like a verified one.

use super::{azure_mounts, diagnose_all, has_content, scope_of};
use crate::model::vault::Scope;
use crate::rules::{Ctx, Findings};

/// Whether a Vault tells the plugin issuer (an issuer, an `api_addr`, or the discovery document).
fn knows_issuer(scope: &Scope<'_>) -> bool {
    scope.oidc_config.is_some()
        || scope
            .api_addr
            .as_ref()
            .is_some_and(|a| a.node.as_str().is_some_and(|s| !s.trim().is_empty()))
        || scope.discovery_issuer.is_some()
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let azure = azure_mounts(ctx);
    let any_known = ctx.model.vaults.iter().any(knows_issuer);
    let unknown: Vec<_> = diagnose_all(ctx)
        .into_iter()
        .filter(|d| match scope_of(ctx, d, &azure) {
            Some(s) => !ctx.model.vaults.get(s).is_some_and(knows_issuer),
            None => !any_known,
        })
        .collect();
    let Some(first) = unknown.first() else {
        return;
    };
    let loc = first
        .cred
        .issuer()
        .map_or_else(|| first.cred.loc(), |(at, _)| at.loc());
    let others = match unknown.len() {
        1 => String::new(),
        2 => " (and 1 more Vault credential)".to_string(),
        n => format!(" (and {} more Vault credentials)", n - 1),
    };
    let dumped = ctx.model.vaults.iter().any(has_content);
    let what = if dumped {
        "the scanned Vault data has neither identity/oidc/config nor Vault's api_addr"
    } else {
        "no Vault dump is in the scan"
    };
    out.push(
        ctx.finding(
            loc,
            "issuer not verified",
            format!(
                "the issuer of {}{others} cannot be checked against Vault: {what}",
                first.cred.describe()
            ),
        )
        .help(
            "add the `identity/oidc/config` response (and `sys/config/state/sanitized` for api_addr, or the `identity/oidc/plugins/.well-known/openid-configuration` document) to the dump: run `wiflint vault-dump-script > vault-dump.sh && sh vault-dump.sh > vault-bundle.json`, or save `vault read -format=json identity/oidc/config` as identity-oidc-config.json",
        ),
    );
}

//! Vault accepts an `identity/oidc/config` issuer only as `scheme://host[:port]` (http or https,
//! no path, query or trailing slash); it appends `/v1/<namespace>identity/oidc/plugins` itself.
//! A dump that shows anything else was edited, or the write failed and the issuer in effect is
//! not the one intended.

use super::issuer_problem;
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for scope in &ctx.model.vaults {
        let Some((at, issuer)) = scope.oidc_config.as_ref().and_then(|c| c.get_str("issuer"))
        else {
            continue;
        };
        if issuer.is_empty() {
            continue;
        }
        let Some((fixed, why)) = issuer_problem(issuer) else {
            continue;
        };
        let message = format!(
            "the identity/oidc/config issuer `{issuer}` {why}; Vault accepts only a scheme, host and optional port (e.g. `https://vault.example.com:8200`) and adds `/v1/{}identity/oidc/plugins` itself",
            scope.namespace
        );
        let mut finding = ctx.finding(at.loc(), "not `scheme://host[:port]`", message);
        finding = match fixed {
            Some(fixed) => finding
                .mismatch(fixed.clone(), issuer)
                .help(format!("`vault write identity/oidc/config issuer={fixed}`")),
            None => finding
                .help("`vault write identity/oidc/config issuer=https://<public host>[:port]`"),
        };
        out.push(finding);
    }
}

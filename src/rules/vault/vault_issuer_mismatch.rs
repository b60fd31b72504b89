//! Vault's plugin tokens carry `iss = <base>/v1/<namespace path>identity/oidc/plugins`, and Entra
//! compares a credential's issuer with it exactly (AADSTS700211 / AADSTS70021): a missing
//! `/plugins`, a trailing slash or another host all break the exchange.

use super::{azure_mounts, diagnose_all, issuer_problem, parse_url, plugin_issuer, scope_of};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let azure = azure_mounts(ctx);
    for d in diagnose_all(ctx) {
        let Some((issuer_at, found)) = d.cred.issuer() else {
            continue;
        };
        let Some(scope) = scope_of(ctx, &d, &azure).and_then(|s| ctx.model.vaults.get(s)) else {
            continue;
        };
        // An issuer Vault would refuse (a path in it) gives no base: vault-issuer-invalid says so.
        if let Some((_, issuer)) = scope.oidc_config.as_ref().and_then(|c| c.get_str("issuer"))
            && !issuer.trim().is_empty()
            && let Some((_, why)) = issuer_problem(issuer)
            && !why.contains("trailing")
        {
            continue;
        }
        let Some(reference) = plugin_issuer(scope) else {
            continue;
        };
        let expected = reference.expected.as_str();
        if found == expected {
            continue;
        }
        let slip = slip(found, expected, &scope.namespace);
        out.push(
            ctx.finding(
                issuer_at.loc(),
                "not the issuer of Vault's plugin tokens",
                format!(
                    "{} has the issuer `{found}`, but Vault's plugin tokens carry `{expected}`{slip}",
                    d.cred.describe()
                ),
            )
            .mismatch(expected, found)
            .related(reference.source.loc(), reference.what)
            .help(format!("set the credential's issuer to `{expected}`")),
        );
    }
}

/// The usual slip, named.
fn slip(found: &str, expected: &str, namespace: &str) -> String {
    let trimmed = found.trim();
    if trimmed != found && trimmed == expected {
        return ": it has leading or trailing whitespace".into();
    }
    if found.strip_suffix('/') == Some(expected) {
        return ": it has a trailing `/`".into();
    }
    let found_t = found.trim_end_matches('/');
    if let Some(oidc) = expected.strip_suffix("/plugins")
        && found_t == oidc
    {
        return ": it lacks `/plugins` (`…/identity/oidc` is the issuer of Vault's identity tokens, not of plugin tokens)".into();
    }
    let (Some(f), Some(e)) = (parse_url(found_t), parse_url(expected)) else {
        return String::new();
    };
    if f.rest.is_empty() {
        return ": it is only Vault's address, without the `/v1/…/identity/oidc/plugins` path"
            .into();
    }
    if f.rest == e.rest && f.origin != e.origin {
        return format!(
            ": it names `{}` where the tokens name `{}`",
            f.origin, e.origin
        );
    }
    if !namespace.is_empty() && f.origin == e.origin && e.rest.replacen(namespace, "", 1) == f.rest
    {
        return format!(": it lacks the namespace path `{namespace}`");
    }
    String::new()
}

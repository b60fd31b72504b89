//! Entra fetches `<issuer>/.well-known/openid-configuration` and the keys it points to from the
//! internet before it trusts a token. Vault builds the plugin issuer from `identity/oidc/config`
//! `issuer`, else `api_addr`; with neither, or with a base only a private network reaches, the
//! exchange fails (AADSTS90061). Relying on `api_addr` works, but ties the issuer to the server's
//! listener address.

use super::{parse_url, unreachable, wif_in_play};
use crate::finding::Severity;
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for (i, scope) in ctx.model.vaults.iter().enumerate() {
        let issuer = scope
            .oidc_config
            .as_ref()
            .map(|c| match c.get_str("issuer") {
                Some((at, s)) => (at.loc(), s.trim()),
                // No `issuer` key: point at the config it belongs in.
                None => (c.loc_at(&["issuer"]), ""),
            });
        // `api_addr` (needs a sudo token to dump); else the base the plugins discovery document
        // shows, which Vault built from it.
        let api_addr = scope
            .api_addr
            .as_ref()
            .and_then(|a| Some((a, a.node.as_str()?.trim(), "Vault's api_addr")))
            .filter(|(_, s, _)| !s.is_empty())
            .or_else(|| {
                let at = scope.discovery_issuer.as_ref()?;
                let url = parse_url(at.node.as_str()?.trim())?;
                Some((
                    at,
                    url.origin,
                    "the base the plugins discovery document shows",
                ))
            });
        let finding = match (issuer, api_addr) {
            (Some((loc, "")), None) => Some(
                ctx.finding(
                    loc,
                    "no issuer, and no api_addr",
                    "identity/oidc/config sets no `issuer` and Vault's `api_addr` is not known, so the plugin tokens' issuer is not an address Entra can reach",
                )
                .help("set the issuer to Vault's public https address: `vault write identity/oidc/config issuer=https://vault.example.com:8200` (if `api_addr` is set on the server, add `sys/config/state/sanitized` to the dump)"),
            ),
            (Some((loc, "")), Some((addr_at, addr, what))) => {
                let base = match unreachable(addr) {
                    Some(why) => ctx
                        .finding(
                            loc,
                            "no issuer; api_addr is not reachable",
                            format!(
                                "identity/oidc/config sets no `issuer`, so the plugin issuer is built from `api_addr` `{addr}`, which {why}: Entra cannot fetch the discovery document"
                            ),
                        )
                        .help("set the issuer to Vault's public https address: `vault write identity/oidc/config issuer=https://vault.example.com:8200`"),
                    None => ctx
                        .finding(
                            loc,
                            "no issuer: api_addr is used",
                            format!(
                                "identity/oidc/config sets no `issuer`, so the plugin issuer is built from the server's `api_addr` `{addr}`; a change of the listener address would change the issuer and break every federated credential"
                            ),
                        )
                        .severity(Severity::Warning)
                        .help(format!(
                            "pin the issuer: `vault write identity/oidc/config issuer={addr}`"
                        )),
                };
                Some(base.related(addr_at.loc(), what))
            }
            (Some((loc, issuer)), _) => unreachable(issuer).map(|why| {
                ctx.finding(
                    loc,
                    "Entra cannot reach this issuer",
                    format!(
                        "the identity/oidc/config issuer `{issuer}` {why}: Entra cannot fetch the plugin issuer's discovery document"
                    ),
                )
                .help("set the issuer to an https address with a publicly trusted certificate that Entra can reach")
            }),
            (None, Some((addr_at, addr, _))) if scope.api_addr.is_some() => unreachable(addr).map(|why| {
                ctx.finding(
                    addr_at.loc(),
                    "Entra cannot reach this address",
                    format!(
                        "Vault's `api_addr` `{addr}` {why}, and no identity/oidc/config issuer is known to override it: Entra cannot fetch the plugin issuer's discovery document"
                    ),
                )
                .help("set a public https issuer with `vault write identity/oidc/config issuer=https://vault.example.com:8200` (and add identity/oidc/config to the dump)")
            }),
            (None, _) => scope.discovery_issuer.as_ref().and_then(|at| {
                let issuer = at.node.as_str()?;
                let why = unreachable(issuer)?;
                Some(
                    ctx.finding(
                        at.loc(),
                        "Entra cannot reach this issuer",
                        format!(
                            "Vault's plugins discovery document states the issuer `{issuer}`, which {why}: Entra cannot fetch it"
                        ),
                    )
                    .help("set a public https issuer with `vault write identity/oidc/config issuer=https://vault.example.com:8200`"),
                )
            }),
        };
        if let Some(finding) = finding
            && wif_in_play(ctx, i)
        {
            out.push(finding);
        }
    }
}

//! Entra documents only RS256-signed issuer tokens as supported ("other algorithms may work, but
//! haven't been tested"), and a Vault OIDC key may be ES256, EdDSA and more. The plugin discovery
//! document lists every algorithm whatever the key, so only the key itself tells.

use super::{azure_mounts, diagnose_all, key_for};
use crate::rules::{Ctx, Findings};

const RS256: &str = "RS256";

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let azure = azure_mounts(ctx);
    let diags = diagnose_all(ctx);
    // (scope, key name) → mounts that sign with it, in scan order.
    let mut keys: Vec<((usize, String), Vec<super::MountRef<'_>>)> = Vec::new();
    for m in &azure {
        let federated = m.wif()
            || diags
                .iter()
                .any(|d| d.meant(&azure).is_some_and(|dm| dm.same(m)));
        if !federated {
            continue;
        }
        let (name, _) = key_for(ctx, m.mount);
        let slot = (m.scope_idx, name);
        match keys.iter_mut().find(|(k, _)| *k == slot) {
            Some((_, mounts)) => mounts.push(*m),
            None => keys.push((slot, vec![*m])),
        }
    }
    for ((scope_idx, name), mounts) in keys {
        let Some(key) = ctx.model.vaults.get(scope_idx).and_then(|s| s.key(&name)) else {
            continue;
        };
        // Vault's default algorithm is RS256: a key without one is fine.
        let Some((alg_at, alg)) = key.get_str("algorithm") else {
            continue;
        };
        if alg == RS256 {
            continue;
        }
        let users: Vec<String> = mounts.iter().map(|m| m.describe()).collect();
        let mut finding = ctx
            .finding(
                alg_at.loc(),
                "Entra supports RS256",
                format!(
                    "the OIDC key `{name}` that signs the plugin tokens of {} uses `{alg}`; Microsoft supports issuers that sign with RS256; other algorithms \"may work, but haven't been tested\"",
                    users.join(", ")
                ),
            )
            .mismatch(RS256, alg);
        for m in &mounts {
            let (_, named_at) = key_for(ctx, m.mount);
            finding = match named_at {
                Some(at) => {
                    finding.related(at.loc(), format!("`{}` signs with this key", m.mount.path))
                }
                None => finding.related(
                    m.mount.at.key_loc(),
                    format!(
                        "`{}` names no identity_token_key, so it is assumed to use `{name}`",
                        m.mount.path
                    ),
                ),
            };
        }
        out.push(finding.help(format!(
            "sign with RS256: `vault write identity/oidc/key/{name} algorithm=RS256`, or point the mount's `identity_token_key` at an RS256 key (`vault write sys/mounts/<mount>/tune identity_token_key=<key>`)"
        )));
    }
}

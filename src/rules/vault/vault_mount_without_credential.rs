//! A mount with `identity_token_audience` presents `plugin-identity:<namespace id>:secret:<accessor>`
//! to Entra; without a federated credential carrying exactly that subject the exchange fails
//! (AADSTS700213), whatever else is configured.

use super::{azure_mounts, diagnose_all, plugin_issuer};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    // Without any credential export the scan cannot tell a missing credential from an unscanned one.
    if ctx.model.credentials.is_empty() {
        return;
    }
    let diags = diagnose_all(ctx);
    for m in azure_mounts(ctx) {
        if !m.wif() {
            continue;
        }
        // A credential for it (right, or wrong in a way another rule reports) explains it; two
        // dumps of one Vault show the same mount twice, with the same accessor.
        if diags.iter().any(|d| {
            d.mount.is_some_and(|dm| {
                dm.same(&m)
                    || (dm.accessor().is_some()
                        && dm.accessor() == m.accessor()
                        && dm.scope.namespace_id_str() == m.scope.namespace_id_str())
            })
        }) {
            continue;
        }
        let Some((accessor_at, _)) = m.mount.accessor() else {
            continue;
        };
        let subject = m.subject_or_placeholder();
        let issuer = plugin_issuer(m.scope)
            .map(|i| i.expected)
            .unwrap_or_else(|| "<base>/v1/<namespace path>identity/oidc/plugins".into());
        let audience = m.audience().map_or("", |(_, a)| a);
        let mut finding = ctx.finding(
            accessor_at.loc(),
            "no federated credential for this mount",
            format!(
                "{} uses workload identity federation, but no scanned federated credential has its subject `{subject}`",
                m.describe()
            ),
        );
        if let Some((audience_at, _)) = m.audience() {
            finding = finding.related(audience_at.loc(), "federation is configured here");
        }
        let identity = match m.config().and_then(|c| c.node.get_str("client_id")) {
            Some(id) if !id.is_empty() => format!("the identity with client id `{id}`"),
            _ => "the identity whose client_id the mount uses".to_string(),
        };
        out.push(finding.help(format!(
            "add a federated credential with issuer `{issuer}`, subject `{subject}` and audience `{audience}` to {identity}"
        )));
    }
}

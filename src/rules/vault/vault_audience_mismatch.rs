//! Vault's plugin tokens carry `aud = identity_token_audience` of the mount's config, and Entra
//! requires it to equal the credential's audience (AADSTS700212). An empty
//! `identity_token_audience` means the plugin does not federate at all (it falls back to a client
//! secret or a managed identity).

use super::{azure_mounts, diagnose_all, first_audience};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let azure = azure_mounts(ctx);
    for d in diagnose_all(ctx) {
        let Some(mount) = d.meant(&azure) else {
            continue;
        };
        let Some(config) = mount.config() else {
            continue;
        };
        let Some((aud_at, found)) = first_audience(d.cred) else {
            continue;
        };
        let cred = d.cred.describe();
        match mount.audience() {
            Some((vault_at, expected)) if !expected.trim().is_empty() => {
                if found == expected {
                    continue;
                }
                out.push(
                    ctx.finding(
                        aud_at.loc(),
                        "not the mount's identity_token_audience",
                        format!(
                            "{cred} has the audience `{found}`, but {} puts `{expected}` (its `identity_token_audience`) into its tokens",
                            mount.describe()
                        ),
                    )
                    .mismatch(expected, found)
                    .related(vault_at.loc(), "identity_token_audience")
                    .help(format!(
                        "make them equal: set the credential's audience to `{expected}`, or `vault write {}config identity_token_audience={found}`",
                        mount.mount.path
                    )),
                );
            }
            other => {
                let related = other.map_or_else(|| config.loc(), |(at, _)| at.loc());
                out.push(
                    ctx.finding(
                        aud_at.loc(),
                        "the mount sets no identity_token_audience",
                        format!(
                            "{cred} trusts {}, but its `identity_token_audience` is empty: the plugin does not use workload identity federation and never presents a token with the audience `{found}`",
                            mount.describe()
                        ),
                    )
                    .related(related, "identity_token_audience is empty")
                    .help(format!(
                        "`vault write {}config identity_token_audience={found}` (and remove any client_secret: the two exclude each other)",
                        mount.mount.path
                    )),
                );
            }
        }
    }
}

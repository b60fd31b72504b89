//! Entra refuses an external token whose lifetime exceeds 1 day 1 hour (AADSTS70023), whatever
//! Vault allows, so that is the limit that breaks the exchange. A plugin token must also be
//! verifiable for as long as it is valid: Vault keeps a rotated key's public half for
//! `verification_ttl`, and for its own OIDC roles it refuses a token TTL longer than that. A token
//! TTL of zero or less leaves nothing to exchange.

use super::{audience_set, azure_configs, describe_mount, key_for, parse_ttl, show_secs};
use crate::rules::{Ctx, Findings};

/// The plugin's default `identity_token_ttl` (one hour).
const DEFAULT_TTL: i64 = 3600;

/// Entra's limit on an external OIDC token's lifetime: "less than or equal to 1.01:00:00".
const ENTRA_MAX_LIFETIME: i64 = 25 * 3600;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for scope in &ctx.model.vaults {
        for (path, data, mount) in azure_configs(scope) {
            if !audience_set(data) {
                continue;
            }
            let what = describe_mount(path, scope);
            let ttl_at = data.get("identity_token_ttl").filter(|t| !t.node.is_null());
            let ttl = match &ttl_at {
                Some(at) => match parse_ttl(at.node) {
                    Some(Ok(n)) => n,
                    Some(Err(())) => {
                        let text = at.node.text().unwrap_or("");
                        out.push(
                            ctx.finding(
                                at.loc(),
                                "not a duration",
                                format!(
                                    "`identity_token_ttl` of {what} is `{text}`, which is neither a number of seconds nor a duration like `1h`"
                                ),
                            )
                            .help(format!("`vault write {path}config identity_token_ttl=1h`")),
                        );
                        continue;
                    }
                    None => DEFAULT_TTL,
                },
                None => DEFAULT_TTL,
            };
            if ttl <= 0
                && let Some(at) = &ttl_at
            {
                out.push(
                    ctx.finding(
                        at.loc(),
                        "no positive lifetime",
                        format!(
                            "`identity_token_ttl` of {what} is {}, not a positive token lifetime",
                            show_secs(ttl)
                        ),
                    )
                    .help(format!(
                        "`vault write {path}config identity_token_ttl=1h` (the default is one hour)"
                    )),
                );
                continue;
            }
            if ttl > ENTRA_MAX_LIFETIME
                && let Some(at) = &ttl_at
            {
                out.push(
                    ctx.finding(
                        at.loc(),
                        "longer than Entra accepts",
                        format!(
                            "`identity_token_ttl` of {what} is {}: Entra accepts external tokens with a lifetime of at most 1 day 1 hour (90000 s), so every exchange fails with AADSTS70023 (External OIDC Provider token must have a lifetime of less than or equal to 1.01:00:00)",
                            show_secs(ttl)
                        ),
                    )
                    .mismatch(format!("<= {ENTRA_MAX_LIFETIME}"), ttl.to_string())
                    .help(format!(
                        "`vault write {path}config identity_token_ttl=1h` (the default is one hour)"
                    )),
                );
                continue;
            }
            let Some(mount) = mount else {
                continue;
            };
            let (name, _) = key_for(ctx, mount);
            let Some(key) = scope.key(&name) else {
                continue;
            };
            let Some(vt_at) = key.get("verification_ttl") else {
                continue;
            };
            let Some(Ok(vt)) = parse_ttl(vt_at.node) else {
                continue;
            };
            if vt <= 0 || ttl <= vt {
                continue;
            }
            let (loc, shown) = match &ttl_at {
                Some(at) => (at.loc(), format!("`identity_token_ttl` of {what} is")),
                None => (
                    data.loc(),
                    format!("{what} sets no `identity_token_ttl`, so it is the default"),
                ),
            };
            out.push(
                ctx.finding(
                    loc,
                    "outlives the key's verification_ttl",
                    format!(
                        "{shown} {}, longer than the `verification_ttl` {} of its signing key `{name}`: a token may outlive the public key that verifies it",
                        show_secs(ttl),
                        show_secs(vt)
                    ),
                )
                .related(vt_at.loc(), format!("verification_ttl of key `{name}`"))
                .help(format!(
                    "`vault write {path}config identity_token_ttl={vt}`, or raise the key's verification_ttl: `vault write identity/oidc/key/{name} verification_ttl={}`",
                    ttl
                )),
            );
        }
    }
}

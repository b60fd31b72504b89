//! Entra accepts a credential whose issuer is Entra itself, then refuses every Entra-issued token
//! at exchange (AADSTS700222). The one exception is a managed identity used as the credential of an
//! app registration: issuer `https://login.microsoftonline.com/<tenant>/v2.0`, subject the managed
//! identity's object id, on an app registration (Microsoft documents it for apps only), in the
//! public cloud or a sovereign one (`login.microsoftonline.us`, `login.chinacloudapi.cn`).

use super::shorten;
use crate::model::azure::{Field, Owner};
use crate::model::k8s::is_guid;
use crate::rules::{Ctx, Findings};

const DEFAULT_HOSTS: &[&str] = &[
    "login.microsoftonline.com",
    "login.windows.net",
    "login.microsoft.com",
    "sts.windows.net",
    "login.microsoftonline.us",
    "login.chinacloudapi.cn",
];

/// The Entra authority hosts of the public, US Government and China clouds: the hosts whose
/// `/<tenant>/v2.0` issuer a managed identity's token carries in that cloud.
const MI_HOSTS: &[&str] = &[
    "login.microsoftonline.com",
    "login.microsoftonline.us",
    "login.chinacloudapi.cn",
];

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let mut hosts = ctx.param_strs("hosts");
    if hosts.is_empty() {
        hosts = DEFAULT_HOSTS.to_vec();
    }
    for cred in &ctx.model.credentials {
        let Some((at, issuer)) = cred.issuer() else {
            continue;
        };
        let host = host(issuer);
        let Some(entra) = hosts
            .iter()
            .find(|h| {
                let h = h.to_ascii_lowercase();
                host == h || host.ends_with(&format!(".{h}"))
            })
            .copied()
        else {
            continue;
        };
        let tenant = tenant(issuer);
        let mi_host = MI_HOSTS
            .iter()
            .find(|h| **h == host)
            .copied()
            .unwrap_or(MI_HOSTS[0]);
        let mi_issuer = tenant.map(|t| format!("https://{mi_host}/{t}/v2.0"));
        let subject = cred.field("subject");
        let guid_subject = subject.str().is_some_and(|(_, s)| is_guid(s));
        // ARM ids and templates name a user-assigned identity as the owner; Graph exports are apps.
        let on_identity = matches!(cred.owner, Owner::Identity(_) | Owner::Template(..));
        if mi_issuer.as_deref() == Some(issuer) && on_identity {
            out.push(
                ctx.finding(
                    at.loc(),
                    "Entra issuer on a managed identity",
                    format!(
                        "{} has the managed-identity-as-credential issuer, but it belongs to {}: Microsoft documents a managed identity as a credential only on an app registration, and on a managed identity an Entra issuer is refused at exchange with AADSTS700222 (AAD-issued tokens may not be used for federated identity flows)",
                        cred.describe(),
                        cred.owner_label()
                    ),
                )
                .help("add this credential to the app registration that should trust the managed identity (`az ad app federated-credential create`), or use the issuer of the workload's real token provider"),
            );
            continue;
        }
        if mi_issuer.as_deref() == Some(issuer) {
            match &subject {
                // A subject known only at deployment may well be the managed identity's id.
                Field::Expression(_) => {}
                _ if guid_subject => {}
                Field::Value(sat) => out.push(
                    ctx.finding(
                        sat.loc(),
                        "not a managed identity's object id",
                        format!(
                            "{} has the managed-identity-as-credential issuer, but its subject `{}` is not a GUID: with an Entra issuer the subject must be the object (principal) id of a user-assigned managed identity, otherwise the exchange fails with AADSTS700222 (AAD-issued tokens may not be used for federated identity flows)",
                            cred.describe(),
                            shorten(sat.node.text().unwrap_or(""), 80)
                        ),
                    )
                    .related(at.loc(), "Entra issuer")
                    .help("set the subject to the managed identity's principal id (`az identity show --query principalId -o tsv`), or use the issuer of the workload's real token provider"),
                ),
                Field::Missing => out.push(
                    ctx.finding(
                        at.loc(),
                        "Entra issuer without a managed identity subject",
                        format!(
                            "{} has the managed-identity-as-credential issuer but no subject: with an Entra issuer the subject must be the object (principal) id of a user-assigned managed identity, otherwise the exchange fails with AADSTS700222 (AAD-issued tokens may not be used for federated identity flows)",
                            cred.describe()
                        ),
                    )
                    .help("set `subject` to the managed identity's principal id (`az identity show --query principalId -o tsv`)"),
                ),
            }
            continue;
        }
        let mut f = ctx.finding(
            at.loc(),
            "Microsoft Entra issuer",
            format!(
                "the issuer of {} is a Microsoft Entra issuer (`{entra}`): Entra creates the credential but refuses Entra-issued tokens at exchange with AADSTS700222 (AAD-issued tokens may not be used for federated identity flows); the only supported Entra issuer is a managed identity used as an app registration's credential, issuer `https://{mi_host}/<tenant-id>/v2.0` with the managed identity's object id as subject",
                cred.describe()
            ),
        );
        f = match mi_issuer.filter(|_| guid_subject) {
            // A managed identity's id as subject and a near issuer: the v2.0 form is meant.
            Some(expected) => f
                .help(format!(
                    "for a managed identity as credential, set the issuer to `{expected}`"
                ))
                .mismatch(expected, issuer),
            _ => f.help(
                "use the issuer of the token provider that runs the workload (AKS OIDC issuer, GitHub Actions, …), not Entra",
            ),
        };
        out.push(f);
    }
}

/// The lower-cased host of a URL (scheme, port and trailing dot removed).
fn host(url: &str) -> String {
    let url = url.trim();
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = authority.split(':').next().unwrap_or("");
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// The tenant GUID an Entra issuer names (its first path segment).
fn tenant(url: &str) -> Option<&str> {
    let rest = url.trim().split_once("://").map(|(_, r)| r)?;
    let first = rest.split('/').nth(1)?;
    is_guid(first).then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_tenants() {
        let t = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        assert_eq!(
            host(&format!("https://sts.windows.net/{t}/")),
            "sts.windows.net"
        );
        assert_eq!(
            host("https://Login.MicrosoftOnline.com:443/x"),
            "login.microsoftonline.com"
        );
        assert_eq!(host("login.windows.net"), "login.windows.net");
        assert_eq!(tenant(&format!("https://sts.windows.net/{t}/")), Some(t));
        assert_eq!(
            tenant("https://login.microsoftonline.com/common/v2.0"),
            None
        );
    }
}

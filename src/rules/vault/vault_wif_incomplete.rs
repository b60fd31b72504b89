//! With `identity_token_audience` set, the Azure plugin exchanges its token with a
//! ClientAssertionCredential for `client_id` in `tenant_id`, and refuses to work without
//! `tenant_id` and `subscription_id` ("tenant_id is required"). Unless the Vault server's
//! environment supplies them (`AZURE_TENANT_ID`, …, which take precedence), the mount fails.

use super::{audience_set, azure_configs, describe_mount};
use crate::rules::{Ctx, Findings};

const REQUIRED: &[&str] = &["tenant_id", "client_id", "subscription_id"];

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for scope in &ctx.model.vaults {
        for (path, data, _) in azure_configs(scope) {
            if !audience_set(data) {
                continue;
            }
            let missing: Vec<(&str, Option<crate::model::At<'_>>)> = REQUIRED
                .iter()
                .filter_map(|key| match data.get(key) {
                    None => Some((*key, None)),
                    Some(at) if at.node.is_null() => Some((*key, Some(at))),
                    Some(at) if at.node.text().is_some_and(|s| s.trim().is_empty()) => {
                        Some((*key, Some(at)))
                    }
                    Some(_) => None,
                })
                .collect();
            let Some((first_key, first_at)) = missing.first() else {
                continue;
            };
            let names: Vec<String> = missing.iter().map(|(k, _)| format!("`{k}`")).collect();
            let absent: Vec<String> = missing
                .iter()
                .filter(|(_, at)| at.is_none())
                .map(|(k, _)| format!("`{k}`"))
                .collect();
            let (loc, label) = match first_at {
                Some(at) => (at.loc(), format!("`{first_key}` is empty")),
                None if absent.len() == 1 => {
                    (data.loc(), format!("{} is missing", absent.join("")))
                }
                None => (data.loc(), format!("{} are missing", absent.join(" and "))),
            };
            let mut finding = ctx.finding(
                loc,
                label,
                format!(
                    "{} federates (`identity_token_audience` is set) but its config lacks {}: the plugin cannot request Azure tokens",
                    describe_mount(path, scope),
                    names.join(" and ")
                ),
            );
            for (key, at) in missing.iter().skip(1) {
                if let Some(at) = at {
                    finding = finding.related(at.loc(), format!("`{key}` is empty"));
                }
            }
            if let Some((aud_at, _)) = data.get_str("identity_token_audience") {
                finding = finding.related(aud_at.loc(), "federation is configured here");
            }
            let args: Vec<String> = missing.iter().map(|(k, _)| format!("{k}=<{k}>")).collect();
            out.push(finding.help(format!(
                "`vault write {path}config {}` (unless the Vault server's environment sets the matching AZURE_* variables, which take precedence)",
                args.join(" ")
            )));
        }
    }
}

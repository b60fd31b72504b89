//! A ServiceAccount's token is exchanged only if a credential of its identity has exactly its
//! subject (AADSTS700213 otherwise).

use super::{Join, client_id, used_by_wi_pod};
use crate::document::{Part, Path};
use crate::finding::{Finding, Severity};
use crate::model::azure::{Field, k8s_subject_problem};
use crate::model::k8s::{WI_CLIENT_ID, is_guid};
use crate::rules::{Ctx, closest};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let creds = &ctx.model.credentials;
    if creds.is_empty() {
        return;
    }
    let join = Join::build(ctx);
    // ServiceAccounts that a misspelt subject was meant for are reported there.
    let explained: Vec<usize> = join.meant.iter().flatten().map(|m| m.sa).collect();
    for &sa_index in &ctx.model.service_accounts {
        let sa = &ctx.model.objects[sa_index];
        let Some(name) = sa.name() else { continue };
        let ns = sa.namespace(ctx.default_ns());
        let wi_pod = used_by_wi_pod(ctx, sa_index);
        // A placeholder client id is `client-id-not-guid`'s: it names no identity to look up.
        let Some(client) = client_id(ctx, sa_index).filter(|c| is_guid(c)) else {
            continue;
        };
        if !wi_pod || explained.contains(&sa_index) {
            continue;
        }
        let expected = format!("system:serviceaccount:{ns}:{name}");
        // Without an identity to go by, a credential export kept beside the manifest (the usual
        // per-app folder) is the evidence that this ServiceAccount's credentials were exported.
        let dir = |file: usize| {
            let path = ctx.files[file].source.path.as_str();
            path.rsplit_once(['/', '\\']).map_or("", |(d, _)| d)
        };
        let beside = |c: usize| dir(creds[c].at.file) == dir(sa.file);
        // The identity's credentials when the scan tells which they are; else every credential
        // that may belong to it.
        let (candidates, whose, known): (Vec<usize>, String, bool) = match join.owners_of(&client) {
            Some(owners) => (
                (0..creds.len())
                    .filter(|&c| owners.contains(&&creds[c].owner))
                    .collect(),
                owner_label(ctx, &owners),
                true,
            ),
            None => (
                (0..creds.len())
                    .filter(|&c| join.may_serve(&creds[c].owner, &client) || beside(c))
                    .collect(),
                "the scanned exports".to_string(),
                false,
            ),
        };
        // A subject known only at deployment (an ARM expression) may well be this one.
        if candidates
            .iter()
            .any(|&c| matches!(creds[c].field("subject"), Field::Expression(_)))
        {
            continue;
        }
        let subjects: Vec<&str> = candidates
            .iter()
            .filter_map(|&c| creds[c].subject().map(|(_, s)| s))
            .collect();
        if subjects.contains(&expected.as_str()) {
            continue;
        }
        // `subject-format-invalid` explains a subject that is this one, malformed.
        let normal = |s: &str| {
            s.trim()
                .trim_matches(['"', '\''])
                .trim()
                .to_ascii_lowercase()
        };
        if subjects
            .iter()
            .any(|s| k8s_subject_problem(s).is_some() && normal(s) == expected.to_ascii_lowercase())
        {
            continue;
        }
        let ns_prefix = format!("system:serviceaccount:{ns}:");
        let in_scope = known || candidates.iter().any(|&c| beside(c));
        let loc = sa.loc(
            &Path::root().keys(&["metadata", "annotations", WI_CLIENT_ID]),
            Part::Value,
        );
        let help = format!(
            "create one: `az identity federated-credential create --identity-name <identity> \
             --resource-group <group> --name {name} --issuer <cluster OIDC issuer> --subject {expected} \
             --audiences api://AzureADTokenExchange`"
        );
        if !in_scope {
            out.push(
                ctx.finding(
                    loc,
                    "its identity's credentials are not in scan scope",
                    format!(
                        "no scanned credential has subject `{expected}`, and the identity with client id `{client}` \
                         is not among the scanned exports (not in scan scope): ServiceAccount `{name}` cannot be checked"
                    ),
                )
                .severity(Severity::Note)
                .help("scan the identity's `az identity show` and `az identity federated-credential list` exports with the manifests"),
            );
            continue;
        }
        let nearest = closest(&expected, &subjects)
            .or_else(|| subjects.iter().copied().find(|s| s.starts_with(&ns_prefix)));
        let mut finding = ctx
            .finding(
                loc,
                "no credential trusts this ServiceAccount",
                format!(
                    "no federated identity credential of {whose} has subject `{expected}` ({} checked): \
                     pods running as ServiceAccount `{name}` get AADSTS700213",
                    candidates.len()
                ),
            )
            .help(help);
        let related = nearest
            .and_then(|n| {
                candidates
                    .iter()
                    .find(|&&c| creds[c].subject().is_some_and(|(_, s)| s == n))
            })
            .or(candidates.first());
        if let Some(&c) = related {
            let cred = &creds[c];
            if let Some((at, found)) = cred.subject() {
                finding = finding.related(at.loc(), "the nearest credential subject");
                if nearest.is_some() {
                    finding = finding.mismatch(&expected, found);
                }
            } else {
                finding = finding.related(cred.loc(), "a credential of this identity");
            }
        }
        out.push(finding);
    }
}

/// How a message names the identity: the identity export's name, else a credential's owner.
fn owner_label(ctx: &Ctx<'_>, owners: &[&crate::model::azure::Owner]) -> String {
    for owner in owners {
        if let crate::model::azure::Owner::Identity(id) = owner
            && let Some(identity) = ctx
                .model
                .identities
                .iter()
                .find(|i| i.resource_id.as_ref() == Some(id))
        {
            return identity.describe();
        }
    }
    ctx.model
        .credentials
        .iter()
        .find(|c| owners.contains(&&c.owner))
        .map_or_else(|| "its identity".to_string(), |c| c.owner_label())
}

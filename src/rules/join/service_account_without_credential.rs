//! A ServiceAccount's token is exchanged only if a credential of its identity has exactly its
//! subject (AADSTS700213 otherwise).

use super::meant_for;
use crate::document::{Part, Path};
use crate::finding::Finding;
use crate::model::azure::{Owner, k8s_subject_problem};
use crate::model::k8s::{WI_CLIENT_ID, value_text};
use crate::rules::{Ctx, closest};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let creds = &ctx.model.credentials;
    if creds.is_empty() {
        return;
    }
    // ServiceAccounts that a misspelt subject was meant for are reported there.
    let explained: Vec<usize> = creds
        .iter()
        .filter_map(|c| meant_for(ctx, c).map(|m| m.sa))
        .collect();
    for &sa_index in &ctx.model.service_accounts {
        let sa = &ctx.model.objects[sa_index];
        let Some(name) = sa.name() else { continue };
        let ns = sa.namespace(ctx.default_ns());
        let wi_pod = ctx
            .index
            .templates_using(ns, name)
            .iter()
            .any(|&t| ctx.model.templates[t].is_wi());
        let Some(client_id) = sa
            .metadata_map("annotations")
            .and_then(|a| a.get(WI_CLIENT_ID))
            .map(|v| value_text(v).trim())
            .filter(|v| !v.is_empty())
        else {
            continue;
        };
        if !wi_pod || explained.contains(&sa_index) {
            continue;
        }
        let expected = format!("system:serviceaccount:{ns}:{name}");
        let (candidates, whose) = candidates(ctx, client_id);
        let subjects: Vec<&str> = candidates
            .iter()
            .filter_map(|&c| creds[c].subject().map(|(_, s)| s))
            .collect();
        if subjects.contains(&expected.as_str()) {
            continue;
        }
        // `subject-format-invalid` explains a subject that is this one, malformed.
        let normal = |s: &str| s.trim().trim_matches(['"', '\'']).trim().to_ascii_lowercase();
        if subjects
            .iter()
            .any(|s| k8s_subject_problem(s).is_some() && normal(s) == expected.to_ascii_lowercase())
        {
            continue;
        }
        let nearest = closest(&expected, &subjects).or_else(|| {
            subjects
                .iter()
                .copied()
                .find(|s| s.starts_with(&format!("system:serviceaccount:{ns}:")))
        });
        let mut finding = ctx
            .finding(
                sa.loc(
                    &Path::root().keys(&["metadata", "annotations", WI_CLIENT_ID]),
                    Part::Value,
                ),
                "no credential trusts this ServiceAccount",
                format!(
                    "no federated identity credential of {whose} has subject `{expected}` ({} checked): \
                     pods running as ServiceAccount `{name}` get AADSTS700213",
                    candidates.len()
                ),
            )
            .help(format!(
                "create one: `az identity federated-credential create --identity-name <identity> \
                 --resource-group <group> --name {name} --issuer <cluster OIDC issuer> --subject {expected} \
                 --audiences api://AzureADTokenExchange`"
            ));
        let related = nearest
            .and_then(|n| candidates.iter().find(|&&c| creds[c].subject().is_some_and(|(_, s)| s == n)))
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

/// The credentials a client id can use: its identity's, when an identity export names it and
/// the credential exports name their owner; otherwise every credential in scope.
fn candidates(ctx: &Ctx<'_>, client_id: &str) -> (Vec<usize>, String) {
    let identities = ctx
        .index
        .identities_by_client_id
        .get(&client_id.to_ascii_lowercase());
    for &i in identities.into_iter().flatten() {
        let identity = &ctx.model.identities[i];
        if let Some(id) = &identity.resource_id
            && let Some(owned) = ctx.index.credentials_by_owner.get(&Owner::Identity(id.clone()))
        {
            return (owned.clone(), identity.describe());
        }
    }
    (
        (0..ctx.model.credentials.len()).collect(),
        "the scanned exports".to_string(),
    )
}

//! A ServiceAccount's token is exchanged only if a credential of its identity has exactly its
//! subject (AADSTS700213 otherwise).

use std::collections::{HashMap, HashSet};

use super::{client_id, join, used_by_wi_pod};
use crate::document::{Part, Path};
use crate::finding::Severity;
use crate::model::azure::{Credential, Owner, k8s_subject_problem};
use crate::model::k8s::{WI_CLIENT_ID, is_guid};
use crate::rules::{Ctx, Findings, closest};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let creds = &ctx.model.credentials;
    if creds.is_empty() {
        return;
    }
    let join = join(ctx);
    // ServiceAccounts that a misspelt subject was meant for are reported there.
    let explained: HashSet<usize> = join.meant.iter().flatten().map(|m| m.sa).collect();
    // The directory of each file, computed once.
    let dirs: Vec<&str> = ctx
        .files
        .iter()
        .map(|f| {
            let path = f.source.path.as_str();
            path.rsplit_once(['/', '\\']).map_or("", |(d, _)| d)
        })
        .collect();
    // Credential exports by directory: those kept beside a manifest (the usual per-app folder).
    let mut beside_dir: HashMap<&str, Vec<usize>> = HashMap::new();
    for (c, cred) in creds.iter().enumerate() {
        beside_dir.entry(dirs[cred.at.file]).or_default().push(c);
    }
    // Credentials whose owner is anchored to no client id may serve any ServiceAccount: what
    // the ServiceAccounts without a known identity are checked against, summarized once.
    let free = Facts::of(
        creds,
        (0..creds.len()).filter(|&c| !join.is_anchored(&creds[c].owner)),
    );
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
        let beside: &[usize] = beside_dir.get(dirs[sa.file]).map_or(&[], Vec::as_slice);
        // The identity's credentials when the scan tells which they are; else every credential
        // that may belong to it: those of no known identity, and those beside the manifest.
        let owners = join.owners_of(&client);
        let known = owners.is_some();
        let skip = match owners {
            Some(owners) => {
                Facts::of(creds, owned_credentials(ctx, owners).into_iter()).explains(&expected)
            }
            None => {
                free.explains(&expected)
                    || Facts::of(creds, beside.iter().copied()).explains(&expected)
            }
        };
        if skip {
            continue;
        }
        let in_scope = known || !beside.is_empty();
        let loc = sa.loc(
            &Path::root().keys(&["metadata", "annotations", WI_CLIENT_ID]),
            Part::Value,
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
        // An error: now list the candidates themselves, in scan order.
        let (candidates, whose): (Vec<usize>, String) = match owners {
            Some(owners) => (owned_credentials(ctx, owners), owner_label(ctx, owners)),
            None => {
                let mut candidates: Vec<usize> = free.members.clone();
                candidates.extend_from_slice(beside);
                candidates.sort_unstable();
                candidates.dedup();
                (candidates, "the scanned exports".to_string())
            }
        };
        let subjects: Vec<&str> = candidates
            .iter()
            .filter_map(|&c| creds[c].subject_str())
            .collect();
        let ns_prefix = format!("system:serviceaccount:{ns}:");
        let help = format!(
            "create one: `az identity federated-credential create --identity-name <identity> \
             --resource-group <group> --name {name} --issuer <cluster OIDC issuer> --subject {expected} \
             --audiences api://AzureADTokenExchange`"
        );
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
                    .find(|&&c| creds[c].subject_str() == Some(n))
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

/// What a set of credentials says about a ServiceAccount's subject, without listing them again.
struct Facts<'a> {
    members: Vec<usize>,
    /// A subject known only at deployment (an ARM expression) may well be any one.
    expression: bool,
    subjects: HashSet<&'a str>,
    /// Malformed Kubernetes subjects, normalized (`subject-format-invalid` explains them).
    malformed: HashSet<String>,
}

impl<'a> Facts<'a> {
    fn of(creds: &[Credential<'a>], members: impl Iterator<Item = usize>) -> Self {
        let mut facts = Facts {
            members: members.collect(),
            expression: false,
            subjects: HashSet::new(),
            malformed: HashSet::new(),
        };
        for &c in &facts.members {
            let cred = &creds[c];
            facts.expression |= cred.subject_is_expression();
            if let Some(s) = cred.subject_str() {
                facts.subjects.insert(s);
                if k8s_subject_problem(s).is_some() {
                    facts.malformed.insert(normal(s));
                }
            }
        }
        facts
    }

    /// Whether these credentials account for the subject: one may be it (an expression), one is
    /// it, or one is it malformed (reported by `subject-format-invalid`).
    fn explains(&self, expected: &str) -> bool {
        self.expression
            || self.subjects.contains(expected)
            || self.malformed.contains(&expected.to_ascii_lowercase())
    }
}

fn normal(s: &str) -> String {
    s.trim()
        .trim_matches(['"', '\''])
        .trim()
        .to_ascii_lowercase()
}

/// The credentials of these owners (one identity seen through several exports), in scan order.
fn owned_credentials(ctx: &Ctx<'_>, owners: &[Owner]) -> Vec<usize> {
    let mut candidates: Vec<usize> = owners
        .iter()
        .filter_map(|o| ctx.index.credentials_by_owner.get(o))
        .flatten()
        .copied()
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    candidates
}

/// How a message names the identity: the identity export's name, else a credential's owner.
fn owner_label(ctx: &Ctx<'_>, owners: &[Owner]) -> String {
    for owner in owners {
        if let Owner::Identity(id) = owner
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
        .find(|c| owners.contains(&c.owner))
        .map_or_else(|| "its identity".to_string(), |c| c.owner_label())
}

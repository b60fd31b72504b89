//! A ServiceAccount's token is exchanged only if a credential of its identity has exactly its
//! subject (AADSTS700213 otherwise).

use std::collections::{HashMap, HashSet};

use super::{identity_key, join, used_by_wi_pod};
use crate::document::{Part, Path};
use crate::finding::Severity;
use crate::index::{UNKNOWN_NS, display_ns};
use crate::model::azure::{Credential, Owner, k8s_subject_problem};
use crate::model::k8s::{WI_CLIENT_ID, is_guid};
use crate::rules::{Ctx, Findings, closest};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let creds = &ctx.model.credentials;
    if creds.is_empty() {
        return;
    }
    let join = join(ctx);
    // ServiceAccounts that a misspelt subject was meant for are reported there, whichever of
    // their declarations it names (one cause, one finding).
    let explained: HashSet<(&str, &str)> = join
        .meant
        .iter()
        .flatten()
        .map(|m| (m.ns.as_str(), m.name.as_str()))
        .collect();
    // A ServiceAccount declared in several files is reported once.
    let mut reported: HashSet<(&str, &str)> = HashSet::new();
    // The directory of each file, computed once.
    let dirs: Vec<&str> = (0..ctx.files.len()).map(|f| ctx.dir_of(f)).collect();
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
        let key = ctx.index.ns(sa_index);
        let ns = display_ns(key);
        let wi_pod = used_by_wi_pod(ctx, sa_index);
        // A placeholder client id is `client-id-not-guid`'s: it names no identity to look up.
        let Some(client) = identity_key(ctx, sa_index) else {
            continue;
        };
        // A reference that reaches no scanned identity: which identity it is, is undecided.
        if !is_guid(&client) && join.owners_of(&client).is_none() {
            continue;
        }
        if !wi_pod || explained.contains(&(ns, name)) || !reported.insert((key, name)) {
            continue;
        }
        // Of unknown namespace, any credential for its name may be the one (a note says so).
        let unknown_ns = ns == UNKNOWN_NS;
        let expected = if unknown_ns {
            format!("system:serviceaccount:<namespace>:{name}")
        } else {
            format!("system:serviceaccount:{ns}:{name}")
        };
        let beside: &[usize] = beside_dir.get(dirs[sa.file]).map_or(&[], Vec::as_slice);
        // The identity's credentials when the scan tells which they are; else every credential
        // that may belong to it: those of no known identity, and those beside the manifest.
        let owners = join.owners_of(&client);
        let known = owners.is_some();
        let skip = match owners {
            Some(owners) => {
                Facts::of(creds, owned_credentials(ctx, owners).into_iter()).explains(ns, name)
            }
            None => {
                free.explains(ns, name)
                    || Facts::of(creds, beside.iter().copied()).explains(ns, name)
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
        let ns_prefix = format!("system:serviceaccount:{ns}:");
        let help = format!(
            "create one: `az identity federated-credential create --identity-name <identity> \
             --resource-group <group> --name {name} --issuer <cluster OIDC issuer> --subject {expected} \
             --audiences api://AzureADTokenExchange`"
        );
        // The nearest subject among the credentials kept beside the ServiceAccount (its app's
        // folder) first, then among all: another app's credential is rarely the one to fix.
        // The nearest subject among the credentials kept beside the ServiceAccount (its app's
        // folder) first, then among all: another app's credential is rarely the one to fix.
        let near = |pool: Vec<usize>| -> Option<usize> {
            let subjects: Vec<&str> = pool
                .iter()
                .filter_map(|&c| creds[c].subject_str())
                .collect();
            let best = closest(&expected, &subjects)
                .or_else(|| subjects.iter().copied().find(|s| s.starts_with(&ns_prefix)))?;
            pool.into_iter()
                .find(|&c| creds[c].subject_str() == Some(best))
        };
        let nearest = near(
            candidates
                .iter()
                .copied()
                .filter(|c| beside.contains(c))
                .collect(),
        )
        .or_else(|| near(candidates.clone()));
        let mut finding = ctx
            .finding(
                loc,
                "no credential trusts this ServiceAccount",
                format!(
                    "no federated identity credential of {whose} has subject `{expected}`{} ({} checked): \
                     pods running as ServiceAccount `{name}` get AADSTS700213",
                    if unknown_ns { " in any namespace (the manifest names none)" } else { "" },
                    candidates.len()
                ),
            )
            .help(help);
        let related = nearest.or(candidates.first().copied());
        // The credential that does trust the ServiceAccount, on another identity: the other
        // half of a client id that names the wrong identity.
        if let Some(&c) = ctx.index.credentials_naming(key, name).first()
            && let Some((at, _)) = creds[c].subject()
        {
            finding = finding.related(
                at.loc(),
                format!("trusted by a credential of {}", creds[c].owner_label()),
            );
        }
        if let Some(c) = related {
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
    /// The ServiceAccount names of the Kubernetes subjects, in whatever namespace.
    names: HashSet<&'a str>,
}

impl<'a> Facts<'a> {
    fn of(creds: &[Credential<'a>], members: impl Iterator<Item = usize>) -> Self {
        let mut facts = Facts {
            members: members.collect(),
            expression: false,
            subjects: HashSet::new(),
            malformed: HashSet::new(),
            names: HashSet::new(),
        };
        for &c in &facts.members {
            let cred = &creds[c];
            facts.expression |= cred.subject_is_expression();
            if let Some(s) = cred.subject_str() {
                facts.subjects.insert(s);
                if let Some((_, sa)) = cred.k8s_subject() {
                    facts.names.insert(sa);
                }
                if k8s_subject_problem(s).is_some() {
                    facts.malformed.insert(normal(s));
                }
            }
        }
        facts
    }

    /// Whether these credentials account for the subject: one may be it (an expression), one is
    /// it, or one is it malformed (reported by `subject-format-invalid`).
    /// In an unknown namespace, a subject naming the ServiceAccount in any namespace is it.
    fn explains(&self, ns: &str, name: &str) -> bool {
        if ns == UNKNOWN_NS {
            return self.expression || self.names.contains(name);
        }
        let expected = format!("system:serviceaccount:{ns}:{name}");
        self.expression
            || self.subjects.contains(expected.as_str())
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

//! Rules that join credentials to ServiceAccounts and clusters across files (catalog section B,
//! cross-file checks). One file per rule, named after its id; the joins they share live here so
//! that "one cause, one finding" is decided in one place.

mod issuer_cluster_mismatch;
mod service_account_without_credential;
mod subject_service_account_not_found;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::index::display_ns;
use crate::model::azure::{Credential, Owner};
use crate::model::k8s::{WI_CLIENT_ID, is_guid, value_text};
use crate::rules::{Ctx, NativeFn, Reach, levenshtein};

pub const TEMPLATES: &[(&str, NativeFn, Reach)] = &[
    (
        "join.issuer-cluster-mismatch",
        issuer_cluster_mismatch::check,
        Reach::Scan,
    ),
    (
        "join.service-account-without-credential",
        service_account_without_credential::check,
        Reach::Scan,
    ),
    (
        "join.subject-service-account-not-found",
        subject_service_account_not_found::check,
        Reach::Scan,
    ),
];

/// The scanned ServiceAccount a credential was evidently meant for, and how it went wrong.
#[derive(Clone, Debug)]
pub(crate) struct MeantFor {
    /// Object index of the ServiceAccount.
    pub sa: usize,
    pub ns: String,
    pub name: String,
    pub how: &'static str,
}

/// A scanned ServiceAccount that needs a credential and has none naming it.
struct Orphan<'a> {
    sa: usize,
    ns: &'a str,
    name: &'a str,
    client_id: Option<String>,
}

/// The orphans, with the lookups `meant_for` needs so that it never scans them all. Every list
/// holds orphan indices in scan order, so "the first" and "the nearest, first on ties" are what
/// a scan over the whole list would give.
struct Orphans<'a> {
    all: Vec<Orphan<'a>>,
    by_client: HashMap<String, Vec<usize>>,
    by_name: HashMap<&'a str, Vec<usize>>,
    by_ns: HashMap<&'a str, Vec<usize>>,
    by_ns_name: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// (namespace, name) of a workload → its pod template indices, in scan order.
    templates_by_object: HashMap<(&'a str, &'a str), Vec<usize>>,
}

impl<'a> Orphans<'a> {
    fn new(ctx: &Ctx<'a>) -> Self {
        let all: Vec<Orphan<'a>> = ctx
            .model
            .service_accounts
            .iter()
            .filter_map(|&i| {
                let object = &ctx.model.objects[i];
                let name = object.name()?;
                let ns = ctx.index.ns(i);
                (needs_credential(ctx, i) && ctx.index.credentials_naming(ns, name).is_empty())
                    .then(|| Orphan {
                        sa: i,
                        ns,
                        name,
                        client_id: client_id(ctx, i),
                    })
            })
            .collect();
        let mut orphans = Orphans {
            all: Vec::new(),
            by_client: HashMap::new(),
            by_name: HashMap::new(),
            by_ns: HashMap::new(),
            by_ns_name: HashMap::new(),
            templates_by_object: HashMap::new(),
        };
        for (o, orphan) in all.iter().enumerate() {
            if let Some(c) = &orphan.client_id {
                orphans.by_client.entry(c.clone()).or_default().push(o);
            }
            orphans.by_name.entry(orphan.name).or_default().push(o);
            orphans.by_ns.entry(orphan.ns).or_default().push(o);
            orphans
                .by_ns_name
                .entry((orphan.ns, orphan.name))
                .or_default()
                .push(o);
        }
        orphans.all = all;
        if !orphans.all.is_empty() {
            for (t, template) in ctx.model.templates.iter().enumerate() {
                let object = &ctx.model.objects[template.object];
                if let Some(name) = object.name() {
                    orphans
                        .templates_by_object
                        .entry((ctx.index.ns(template.object), name))
                        .or_default()
                        .push(t);
                }
            }
        }
        orphans
    }

    /// The orphans a credential whose owner has these anchors may be for, in scan order:
    /// `None` stands for all of them (an owner without anchors may serve any).
    fn usable(&self, anchors: Option<&HashSet<String>>) -> Option<Vec<usize>> {
        let ids = anchors?;
        let mut pool: Vec<usize> = ids
            .iter()
            .filter_map(|c| self.by_client.get(c))
            .flatten()
            .copied()
            .collect();
        pool.sort_unstable();
        pool.dedup();
        Some(pool)
    }

    /// `list` (from one of the lookups) restricted to the usable orphans.
    fn pick<'s>(
        &'s self,
        pool: &'s Option<Vec<usize>>,
        list: Option<&'s Vec<usize>>,
        keep: impl Fn(&Orphan<'a>) -> bool + 's,
    ) -> impl Iterator<Item = &'s Orphan<'a>> + 's {
        let ids: Box<dyn Iterator<Item = usize> + 's> = match pool {
            Some(pool) => Box::new(pool.iter().copied()),
            None => Box::new(list.into_iter().flatten().copied()),
        };
        ids.map(|o| &self.all[o]).filter(move |o| keep(o))
    }
}

/// The joins between credentials and ServiceAccounts, computed once per scan (see [`join`]).
#[derive(Debug)]
pub(crate) struct Join {
    /// Per credential: the ServiceAccount it was meant for. When several credentials look meant
    /// for the same one, only the nearest keeps it (one cause, one finding).
    pub meant: Vec<Option<MeantFor>>,
    /// Per owner: the client ids of the ServiceAccounts its credentials name exactly, or the
    /// identity export's client id. An identity serves one client id, so these say which
    /// ServiceAccounts its other credentials can be for.
    anchors: HashMap<Owner, HashSet<String>>,
    /// The reverse: client id → the owners anchored to it, sorted.
    owners_by_client: HashMap<String, Vec<Owner>>,
}

/// The join, built by the first rule that asks and shared by every other one in the scan.
pub(crate) fn join<'c>(ctx: &Ctx<'c>) -> &'c Join {
    ctx.index.join.get_or_init(|| Join::build(ctx))
}

impl Join {
    fn build(ctx: &Ctx<'_>) -> Self {
        let creds = &ctx.model.credentials;
        let mut anchors: HashMap<Owner, HashSet<String>> = HashMap::new();
        for cred in creds {
            let Some((ns, sa)) = ctx.index.subject(cred) else {
                continue;
            };
            for &i in ctx.index.service_accounts(&ns, sa) {
                // A placeholder client id (`client-id-not-guid`) names no identity.
                if let Some(c) = client_id(ctx, i).filter(|c| is_guid(c)) {
                    anchors.entry(cred.owner.clone()).or_default().insert(c);
                }
            }
        }
        // An identity export says for certain which client id an identity has, even one whose
        // credentials are not in the scan (it then has none that could serve).
        for identity in &ctx.model.identities {
            if let (Some(id), Some(c)) = (&identity.resource_id, identity.client_id_str()) {
                anchors.insert(
                    Owner::Identity(id.clone()),
                    HashSet::from([c.to_ascii_lowercase()]),
                );
            }
        }
        let mut owners_by_client: HashMap<String, Vec<Owner>> = HashMap::new();
        // A client id known only by reference (a Terraform identity's `client_id`) joins the
        // ServiceAccounts that use the same reference, and only those: it may equal any literal
        // GUID, so it anchors the identity to nothing else.
        for identity in &ctx.model.identities {
            let reference = identity
                .client_id
                .as_ref()
                .and_then(|c| c.node.expression());
            if let (Some(id), Some(r)) = (&identity.resource_id, reference) {
                owners_by_client
                    .entry(r.to_ascii_lowercase())
                    .or_default()
                    .push(Owner::Identity(id.clone()));
            }
        }
        for (owner, ids) in &anchors {
            for c in ids {
                owners_by_client
                    .entry(c.clone())
                    .or_default()
                    .push(owner.clone());
            }
        }
        for owners in owners_by_client.values_mut() {
            owners.sort();
        }
        let orphans = Orphans::new(ctx);
        // Per owner: the namespaces in which one of its credentials names a ServiceAccount that
        // is not scanned (such as `default`). There, that credential is the candidate mistake;
        // the owner's credentials for the same name in other namespaces are other environments.
        let mut unmatched_ns: HashMap<&Owner, HashSet<Cow<'_, str>>> = HashMap::new();
        for cred in creds {
            if let Some((ns, sa)) = ctx.index.subject(cred)
                && ctx.index.service_accounts(&ns, sa).is_empty()
            {
                unmatched_ns.entry(&cred.owner).or_default().insert(ns);
            }
        }
        let mut meant: Vec<Option<(MeantFor, usize)>> = if orphans.all.is_empty() {
            vec![None; creds.len()]
        } else {
            creds
                .iter()
                .map(|c| {
                    let elsewhere = unmatched_ns.get(&c.owner);
                    meant_for(ctx, c, &orphans, anchors.get(&c.owner), elsewhere)
                })
                .collect()
        };
        // One credential per ServiceAccount. When several look meant for it, the others are
        // usually deliberate credentials for other clusters or environments, and a fix on them
        // would break those: prefer the credential kept in the ServiceAccount's folder, then one
        // whose issuer is a cluster of this scan, then one for its identity's region, then the
        // nearest subject, then scan order.
        let home = home_issuers(ctx);
        let rank = |c: usize, m: &MeantFor, distance: usize| {
            let cred = &creds[c];
            let sa_file = ctx.model.objects[m.sa].file;
            let elsewhere = ctx.dir_of(cred.at.file) != ctx.dir_of(sa_file);
            let foreign = !home.is_empty()
                && !cred
                    .issuer_str()
                    .is_some_and(|i| home.contains(&normal_issuer(i)));
            (elsewhere, foreign, !same_region(cred), distance, c)
        };
        let mut best: HashMap<usize, (bool, bool, bool, usize, usize)> = HashMap::new();
        for (c, m) in meant.iter().enumerate() {
            if let Some((m, distance)) = m {
                let key = rank(c, m, *distance);
                let slot = best.entry(m.sa).or_insert(key);
                if key < *slot {
                    *slot = key;
                }
            }
        }
        for (c, m) in meant.iter_mut().enumerate() {
            if m.as_ref()
                .is_some_and(|(m, _)| best.get(&m.sa).map(|b| b.4) != Some(c))
            {
                *m = None;
            }
        }
        Join {
            meant: meant.into_iter().map(|m| m.map(|(m, _)| m)).collect(),
            anchors,
            owners_by_client,
        }
    }

    /// The owners whose credentials can serve a client id: those anchored to it, sorted;
    /// `None` when no owner is (the identity's credentials may not be in the scan).
    pub(crate) fn owners_of(&self, client_id: &str) -> Option<&[Owner]> {
        self.owners_by_client
            .get(&client_id.to_ascii_lowercase())
            .map(Vec::as_slice)
            .filter(|o| !o.is_empty())
    }

    /// Whether an owner is anchored to some client id.
    pub(crate) fn is_anchored(&self, owner: &Owner) -> bool {
        self.anchors.contains_key(owner)
    }
}

/// The issuers of the clusters the scanned manifests run in: those of scanned AKS exports, and
/// those of credentials that name a scanned ServiceAccount exactly (normalized).
fn home_issuers(ctx: &Ctx<'_>) -> HashSet<String> {
    let clusters = ctx
        .model
        .clusters
        .iter()
        .filter_map(|c| c.issuer().map(|(_, i)| i));
    let matched = ctx.model.credentials.iter().filter_map(|c| {
        let (ns, sa) = ctx.index.subject(c)?;
        (!ctx.index.service_accounts(&ns, sa).is_empty())
            .then(|| c.issuer_str())
            .flatten()
    });
    clusters.chain(matched).map(normal_issuer).collect()
}

/// Whether an AKS issuer's region (`<region>.oic.prod-aks.azure.com`) is named by the resource
/// group of the credential's identity (`rg-orders-westeurope`): a credential for the identity's
/// own cluster, rather than one added for a cluster elsewhere. A naming convention, so it only
/// breaks ties.
fn same_region(cred: &Credential<'_>) -> bool {
    let Some(region) = cred
        .issuer_str()
        .and_then(|i| i.strip_prefix("https://"))
        .and_then(|host| host.split_once(".oic.prod-aks.azure.com"))
        .map(|(region, _)| region.to_ascii_lowercase())
        .filter(|r| !r.is_empty() && !r.contains('/'))
    else {
        return false;
    };
    let id = cred
        .at
        .node
        .get_str("id")
        .unwrap_or("")
        .to_ascii_lowercase();
    let group = cred
        .at
        .node
        .get_str("resourceGroup")
        .map(str::to_ascii_lowercase)
        .or_else(|| {
            id.split_once("/resourcegroups/")
                .map(|(_, rest)| rest.split('/').next().unwrap_or("").to_string())
        });
    group.is_some_and(|g| g.contains(&region))
}

/// An issuer compared without case or its trailing `/` (`issuer-trailing-slash` is another rule's).
fn normal_issuer(issuer: &str) -> String {
    issuer.trim().trim_end_matches('/').to_ascii_lowercase()
}

/// The non-empty client-id annotation of a scanned ServiceAccount, lower-cased.
pub(crate) fn client_id(ctx: &Ctx<'_>, sa: usize) -> Option<String> {
    ctx.model.objects[sa]
        .metadata_map("annotations")
        .and_then(|a| a.get(WI_CLIENT_ID))
        .map(|v| value_text(v).trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty())
}

/// What names a scanned ServiceAccount's identity: its client id when it is a GUID, or, when
/// the client id is a front-end's reference to an identity's attribute (`azurerm_user_assigned_
/// identity.api.client_id`), that reference, which the identity's own `clientId` repeats: a join
/// by reference. `None` for a placeholder or an undecided value.
pub(crate) fn identity_key(ctx: &Ctx<'_>, sa: usize) -> Option<String> {
    let value = ctx.model.objects[sa]
        .metadata_map("annotations")
        .and_then(|a| a.get(WI_CLIENT_ID))?;
    match value.expression() {
        Some(reference) => Some(reference.to_ascii_lowercase()),
        None => client_id(ctx, sa).filter(|c| is_guid(c)),
    }
}

/// Whether a scanned ServiceAccount needs a credential: a Workload Identity pod runs as it, or it
/// carries a client-id.
pub(crate) fn needs_credential(ctx: &Ctx<'_>, sa: usize) -> bool {
    used_by_wi_pod(ctx, sa) || client_id(ctx, sa).is_some() || identity_key(ctx, sa).is_some()
}

/// Whether a Workload Identity pod template runs as this scanned ServiceAccount.
pub(crate) fn used_by_wi_pod(ctx: &Ctx<'_>, sa: usize) -> bool {
    let object = &ctx.model.objects[sa];
    object.name().is_some_and(|name| {
        ctx.index
            .templates_using(ctx.index.ns(sa), name)
            .iter()
            .any(|&t| ctx.model.templates[t].is_wi())
    })
}

/// For a Kubernetes subject that names no scanned ServiceAccount: the ServiceAccount it looks
/// meant for, and how far the subject is from its own — one that needs a credential and has
/// none, may use this credential's identity, and has the same name in another namespace, is
/// named by a workload that runs as it, or is spelt nearly the same in the same namespace.
fn meant_for(
    ctx: &Ctx<'_>,
    cred: &Credential<'_>,
    orphans: &Orphans<'_>,
    anchors: Option<&HashSet<String>>,
    unmatched_ns: Option<&HashSet<Cow<'_, str>>>,
) -> Option<(MeantFor, usize)> {
    let (ns, sa) = ctx.index.subject(cred)?;
    let ns: &str = &ns;
    if sa == "default" || !ctx.index.service_accounts(ns, sa).is_empty() {
        return None;
    }
    let pool = orphans.usable(anchors);
    if pool.as_ref().is_some_and(Vec::is_empty) {
        return None;
    }
    let pick = |how: &'static str, o: &Orphan<'_>| {
        let distance = levenshtein(&format!("{ns}:{sa}"), &format!("{}:{}", o.ns, o.name));
        (
            MeantFor {
                sa: o.sa,
                ns: display_ns(o.ns).to_string(),
                name: o.name.to_string(),
                how,
            },
            distance,
        )
    };
    // The same name in another namespace, unless the identity has its own unmatched credential
    // in that namespace (then this one is for another environment, e.g. staging beside prod).
    let other_environment = |o: &Orphan<'_>| unmatched_ns.is_some_and(|set| set.contains(o.ns));
    let same_name = orphans
        .pick(&pool, orphans.by_name.get(sa), |o| {
            o.name == sa && !other_environment(o)
        })
        .min_by_key(|o| levenshtein(ns, o.ns));
    if let Some(o) = same_name {
        return Some(pick("the ServiceAccount is in another namespace", o));
    }
    // A workload's name used where its ServiceAccount's belongs.
    for &t in orphans
        .templates_by_object
        .get(&(ns, sa))
        .into_iter()
        .flatten()
    {
        let used = ctx.model.templates[t].service_account().name;
        if let Some(o) = orphans
            .pick(&pool, orphans.by_ns_name.get(&(ns, used)), |o| {
                o.ns == ns && o.name == used
            })
            .next()
        {
            return Some(pick(
                "it names the workload, not the ServiceAccount the workload runs as",
                o,
            ));
        }
    }
    let o = orphans
        .pick(&pool, orphans.by_ns.get(ns), |o| {
            o.ns == ns && misspelt(sa, o.name)
        })
        .min_by_key(|o| levenshtein(sa, o.name))?;
    Some(pick("the name is misspelt", o))
}

/// One or two characters off, and not merely another instance number (`api-1` vs `api-2` are
/// two names, not a typo).
fn misspelt(a: &str, b: &str) -> bool {
    let letters = |s: &str| {
        s.chars()
            .filter(|c| !c.is_ascii_digit())
            .collect::<String>()
    };
    // Edit distance is at least the difference in length: most pairs need no distance at all.
    a != b
        && a.chars().count().abs_diff(b.chars().count()) <= 2
        && levenshtein(a, b) <= 2
        && letters(a) != letters(b)
}

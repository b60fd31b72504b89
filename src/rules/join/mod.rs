//! Rules that join credentials to ServiceAccounts and clusters across files (catalog section B,
//! cross-file checks). One file per rule, named after its id; the joins they share live here so
//! that "one cause, one finding" is decided in one place.

mod issuer_cluster_mismatch;
mod service_account_without_credential;
mod subject_service_account_not_found;

use crate::model::azure::Credential;
use crate::model::k8s::{WI_CLIENT_ID, value_text};
use crate::rules::{Ctx, NativeFn, closest};

pub const TEMPLATES: &[(&str, NativeFn)] = &[
    ("join.issuer-cluster-mismatch", issuer_cluster_mismatch::check),
    (
        "join.service-account-without-credential",
        service_account_without_credential::check,
    ),
    (
        "join.subject-service-account-not-found",
        subject_service_account_not_found::check,
    ),
];

/// The scanned ServiceAccount a credential was evidently meant for, and how it went wrong.
pub(crate) struct MeantFor {
    /// Object index of the ServiceAccount.
    pub sa: usize,
    pub ns: String,
    pub name: String,
    pub how: &'static str,
}

/// Whether a scanned ServiceAccount needs a credential: a Workload Identity pod runs as it, or it
/// carries a client-id.
pub(crate) fn needs_credential(ctx: &Ctx<'_>, sa: usize) -> bool {
    let object = &ctx.model.objects[sa];
    let Some(name) = object.name() else {
        return false;
    };
    let ns = object.namespace(ctx.default_ns());
    let used_by_wi_pod = ctx
        .index
        .templates_using(ns, name)
        .iter()
        .any(|&t| ctx.model.templates[t].is_wi());
    let has_client_id = object
        .metadata_map("annotations")
        .and_then(|a| a.get(WI_CLIENT_ID))
        .is_some_and(|v| !value_text(v).trim().is_empty());
    used_by_wi_pod || has_client_id
}

/// For a Kubernetes subject that names no scanned ServiceAccount: the one it looks meant for —
/// a ServiceAccount that needs a credential and has none, with the same name in another
/// namespace, named by a workload that runs as it, or spelled nearly the same.
pub(crate) fn meant_for(ctx: &Ctx<'_>, cred: &Credential<'_>) -> Option<MeantFor> {
    let (ns, sa) = cred.k8s_subject()?;
    if sa == "default" || !ctx.index.service_accounts(ns, sa).is_empty() {
        return None;
    }
    let orphans: Vec<(usize, &str, &str)> = ctx
        .model
        .service_accounts
        .iter()
        .filter_map(|&i| {
            let object = &ctx.model.objects[i];
            let name = object.name()?;
            let sa_ns = object.namespace(ctx.default_ns());
            (needs_credential(ctx, i) && ctx.index.credentials_naming(sa_ns, name).is_empty())
                .then_some((i, sa_ns, name))
        })
        .collect();
    let pick = |how: &'static str, (i, ns, name): (usize, &str, &str)| MeantFor {
        sa: i,
        ns: ns.to_string(),
        name: name.to_string(),
        how,
    };
    if let Some(&o) = orphans.iter().find(|(_, _, name)| *name == sa) {
        return Some(pick("the ServiceAccount is in another namespace", o));
    }
    // A workload's name used where its ServiceAccount's belongs.
    for template in &ctx.model.templates {
        let object = &ctx.model.objects[template.object];
        if object.name() != Some(sa) || object.namespace(ctx.default_ns()) != ns {
            continue;
        }
        let used = template.service_account().name;
        if let Some(&o) = orphans
            .iter()
            .find(|(_, o_ns, o_name)| *o_ns == ns && *o_name == used)
        {
            return Some(pick(
                "it names the workload, not the ServiceAccount the workload runs as",
                o,
            ));
        }
    }
    let wanted = format!("{ns}:{sa}");
    let keys: Vec<String> = orphans.iter().map(|(_, n, s)| format!("{n}:{s}")).collect();
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let near = closest(&wanted, &refs)?;
    let o = orphans[refs.iter().position(|k| *k == near)?];
    Some(pick("the name is misspelt", o))
}

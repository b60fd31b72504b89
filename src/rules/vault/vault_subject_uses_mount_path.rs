//! The plugin token subject carries the mount's accessor and the namespace's id, not their
//! paths; a community tutorial used the mount path, and such a credential never matches a token
//! (AADSTS700213).

use super::{Problem, diagnose_all};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for d in diagnose_all(ctx) {
        let Problem::MountPath {
            accessor,
            namespace,
        } = &d.problem
        else {
            continue;
        };
        let (Some(mount), Some(expected)) = (d.mount, d.expected()) else {
            continue;
        };
        let Some((accessor_at, right_accessor)) = mount.mount.accessor_shown() else {
            continue;
        };
        let mut slips = Vec::new();
        if let Some(path) = accessor {
            slips.push(format!(
                "the mount path `{path}` where the accessor `{right_accessor}` belongs"
            ));
        }
        if let Some((path, what)) = namespace {
            let id = match mount.scope.namespace_id_str() {
                Some(id) => format!("the namespace id `{id}`"),
                None => "the namespace id".to_string(),
            };
            slips.push(format!("the {what} `{path}` where {id} belongs"));
        }
        let mut message = format!(
            "{} uses {} (Vault's plugin tokens for {} carry `{expected}`)",
            d.cred.describe(),
            slips.join(", and "),
            mount.describe()
        );
        if mount.scope.namespace_id_str().is_none() {
            message.push_str(&format!(
                "; the id of namespace `{}` is not in the dump: look it up with `vault namespace lookup`",
                mount.scope.namespace
            ));
        }
        let mut finding = ctx
            .finding(d.subject_at.loc(), "a path, not an accessor or id", message)
            .mismatch(expected.clone(), d.subject)
            .related(
                accessor_at.loc(),
                format!("accessor of `{}`", mount.mount.path),
            );
        if namespace.is_some()
            && let Some(ns_at) = &mount.scope.namespace_id
        {
            finding = finding.related(ns_at.loc(), "the namespace id");
        }
        out.push(finding.help(format!("set the credential's subject to `{expected}`")));
    }
}

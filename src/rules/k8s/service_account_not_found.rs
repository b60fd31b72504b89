//! The webhook looks the pod's ServiceAccount up and denies the pod when it does not exist.

use std::collections::HashSet;

use super::pods;
use crate::document::Part;
use crate::finding::Severity;
use crate::index::{UNKNOWN_NS, describe_ns, display_ns};
use crate::rules::{Ctx, Findings, closest};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    // Directories holding a ServiceAccount of unknown namespace: applied with the workloads
    // beside them, they are what a workload of unknown namespace can be judged against.
    let unknown_dirs: HashSet<&str> = ctx
        .model
        .service_accounts
        .iter()
        .filter(|&&i| display_ns(ctx.index.ns(i)) == UNKNOWN_NS)
        .map(|&i| ctx.dir_of(ctx.model.objects[i].file))
        .collect();
    for pod in pods(ctx) {
        if !pod.template.is_wi()
            || !pod.sa_known()
            || !pod.sa_objects.is_empty()
            || ctx.is_part(pod.template.object)
        {
            continue;
        }
        // The implicit ServiceAccount is named by no key: point at the pod spec's key.
        let loc = match &pod.sa.path {
            Some(p) => pod.object.loc(p, Part::Value),
            None => pod.object.loc(&pod.template.path(&["spec"]), Part::Key),
        };
        let subject = format!("ServiceAccount `{}` ({})", pod.sa.name, describe_ns(pod.ns));
        let in_scope = if display_ns(pod.ns) == UNKNOWN_NS {
            unknown_dirs.contains(ctx.dir_of(pod.object.file))
        } else {
            ctx.index.sa_namespaces.contains(pod.ns)
        };
        if !in_scope {
            out.push(
                ctx.finding(
                    loc,
                    "not in scan scope",
                    format!(
                        "{} of {} is not in the scanned files (not in scan scope): its client-id cannot be checked",
                        subject,
                        pod.object.describe()
                    ),
                )
                .severity(Severity::Note)
                .help("scan the ServiceAccount's manifest together with the workload"),
            );
            continue;
        }
        let implicit = pod.sa.path.is_none();
        let message = if implicit {
            format!(
                "{} sets no serviceAccountName, so its pods run as the implicit `default` ServiceAccount, which has no client-id in the scanned files",
                pod.object.describe()
            )
        } else {
            format!(
                "{subject} is not among the scanned ServiceAccounts of {}: the webhook denies the pod when it does not exist",
                if display_ns(pod.ns) == UNKNOWN_NS {
                    "its directory"
                } else {
                    "that namespace"
                }
            )
        };
        let mut f = ctx.finding(loc, "no such ServiceAccount", message);
        let candidates: Vec<&str> = ctx.index.service_accounts.names(pod.ns).collect();
        if let Some(best) = closest(pod.sa.name, &candidates).filter(|_| !implicit) {
            f = f.help(format!("did you mean `{best}`?"));
        } else if implicit {
            f = f.help("set `serviceAccountName` to the ServiceAccount that carries the client-id");
        } else {
            f = f.help("create the ServiceAccount, or fix `serviceAccountName`");
        }
        out.push(f);
    }
}

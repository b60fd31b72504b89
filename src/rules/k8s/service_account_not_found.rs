//! The webhook looks the pod's ServiceAccount up and denies the pod when it does not exist.

use super::pods;
use crate::document::Part;
use crate::finding::Severity;
use crate::rules::{Ctx, Findings, closest};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for pod in pods(ctx) {
        if !pod.template.is_wi() || !pod.sa_known() || !pod.sa_objects.is_empty() {
            continue;
        }
        let loc = match &pod.sa.path {
            Some(p) => pod.object.loc(p, Part::Value),
            None => pod.object.loc(&pod.template.path(&["spec"]), Part::Value),
        };
        let subject = format!("ServiceAccount `{}` (namespace `{}`)", pod.sa.name, pod.ns);
        if !ctx.index.sa_namespaces.contains(pod.ns) {
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
                "{subject} is not among the scanned ServiceAccounts of that namespace: the webhook denies the pod when it does not exist"
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

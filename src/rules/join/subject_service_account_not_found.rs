//! A Kubernetes subject must name a ServiceAccount exactly (AADSTS700213 otherwise). Credentials
//! for other clusters and environments are normal, so only a subject that is evidently meant for
//! a scanned ServiceAccount is an error; the rest are notes, never silent passes.

use crate::document::Path;
use crate::finding::Severity;
use crate::model::azure::k8s_subject_problem;
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let join = super::join(ctx);
    for (c, cred) in ctx.model.credentials.iter().enumerate() {
        let Some((subject_at, subject)) = cred.subject() else {
            continue;
        };
        // `subject-format-invalid` explains a malformed subject.
        if k8s_subject_problem(subject).is_some() {
            continue;
        }
        let Some((ns, sa)) = cred.k8s_subject() else {
            continue;
        };
        if sa == "default"
            || !ctx
                .index
                .service_accounts(&ctx.index.key(cred.at.file, ns), sa)
                .is_empty()
        {
            continue;
        }
        match &join.meant[c] {
            Some(meant) => {
                let expected = format!("system:serviceaccount:{}:{}", meant.ns, meant.name);
                let object = &ctx.model.objects[meant.sa];
                let mut finding = ctx.finding(
                        subject_at.loc(),
                        format!("did you mean `{expected}`?"),
                        format!(
                            "{} trusts ServiceAccount `{sa}` in namespace `{ns}`, which is not in the scanned files; \
                             it looks meant for ServiceAccount `{}` in namespace `{}` ({}), which has no credential: \
                             its pods get AADSTS700213",
                            cred.describe(),
                            meant.name,
                            meant.ns,
                            meant.how
                        ),
                    )
                    .mismatch(&expected, subject)
                    .related(
                        object.loc(&Path::root().keys(&["metadata", "name"]), crate::document::Part::Value),
                        "the ServiceAccount it was meant for",
                    )
                    .help(format!("set the subject to `{expected}`"));
                // The namespace is what differs: show where it is set (an overlay's
                // `namespace:` for a rendered object).
                if meant.ns != ns && object.namespace().is_some() {
                    finding = finding.related(
                        object.loc(
                            &Path::root().keys(&["metadata", "namespace"]),
                            crate::document::Part::Value,
                        ),
                        format!("its namespace, `{}`", meant.ns),
                    );
                }
                out.push(finding);
            }
            None => out.push(
                ctx.finding(
                    subject_at.loc(),
                    "not in scan scope",
                    format!(
                        "{} trusts ServiceAccount `{sa}` in namespace `{ns}`, which is not in the scanned files (not in scan scope)",
                        cred.describe()
                    ),
                )
                .severity(Severity::Note)
                .help("scan the manifests of the cluster this credential is for to check it"),
            ),
        }
    }
}

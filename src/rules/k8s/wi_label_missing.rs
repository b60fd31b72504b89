//! A ServiceAccount set up for Workload Identity (a client-id, or a federated credential that
//! trusts it) is useless to pods the webhook never mutates.

use super::{Pod, pods, sa_annotation};
use crate::document::Part;
use crate::model::azure::Credential;
use crate::model::k8s::{WI_CLIENT_ID, WI_USE, value_text};
use crate::rules::{Ctx, Findings};

/// A pod template without the label whose cause another rule explains or that is not meant to
/// be complete: it carries the label on the workload instead (`wi-label-on-workload-metadata`),
/// or it is a strategic-merge patch.
pub(super) fn label_explained_elsewhere(pod: &Pod<'_, '_>) -> bool {
    pod.template.is_wi()
        || pod.template.is_patch()
        || (pod.object.kind != "Pod"
            && pod
                .object
                .metadata_map("labels")
                .and_then(|l| l.entry(WI_USE))
                .is_some())
}

/// What says the pod is meant for Workload Identity: its ServiceAccount's client-id (even an
/// empty one: the intent is plain, see `check`), else a federated credential that trusts that
/// ServiceAccount.
pub(super) fn wi_evidence<'c, 'a>(
    ctx: &'c Ctx<'a>,
    pod: &Pod<'c, 'a>,
) -> (Option<usize>, Option<&'c Credential<'a>>) {
    let client_id = sa_annotation(ctx, pod.sa_objects, WI_CLIENT_ID).map(|(sa, _)| sa);
    let credential = ctx
        .index
        .credentials_naming(pod.ns, pod.sa.name)
        .first()
        .map(|&c| &ctx.model.credentials[c]);
    (client_id, credential)
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for pod in pods(ctx) {
        if label_explained_elsewhere(&pod) || ctx.is_part(pod.template.object) {
            continue;
        }
        // An empty client-id still says the ServiceAccount is meant for Workload Identity.
        let annotated = sa_annotation(ctx, pod.sa_objects, WI_CLIENT_ID);
        let empty = annotated.is_some_and(|(_, e)| value_text(&e.value).trim().is_empty());
        let client_id = annotated.map(|(sa, _)| sa);
        let (_, credential) = wi_evidence(ctx, &pod);
        let evidence = match (client_id, credential) {
            (Some(sa_index), _) => (
                ctx.model.objects[sa_index].loc(
                    &crate::document::Path::root().keys(&["metadata", "annotations", WI_CLIENT_ID]),
                    Part::Entry,
                ),
                if empty {
                    "which has an empty client-id annotation (meant for Workload Identity)"
                } else {
                    "which has a client-id"
                },
                if empty {
                    "empty client-id on the ServiceAccount"
                } else {
                    "client-id set on the ServiceAccount"
                },
            ),
            (None, Some(cred)) => match cred.subject() {
                Some((subject, _)) => (
                    subject.loc(),
                    "which a federated identity credential trusts",
                    "this credential trusts the ServiceAccount",
                ),
                None => continue,
            },
            (None, None) => continue,
        };
        let labels = if pod.template.labels().is_some() {
            pod.template.path(&["metadata", "labels"])
        } else if pod.template.node.get("metadata").is_some() {
            pod.template.path(&["metadata"])
        } else {
            pod.template.rel.clone()
        };
        let as_annotation = pod.template.annotation(WI_USE).is_some();
        let mut message = format!(
            "the pod template of {} has no `{WI_USE}` label, but it runs as ServiceAccount `{}`, {}: the webhook will not inject the token",
            pod.object.describe(),
            pod.sa.name,
            evidence.1
        );
        if as_annotation {
            message.push_str(" (it is set as an annotation, which the webhook does not read)");
        }
        // The migration guide injects the proxy by hand; such a pod does not rely on the webhook.
        let manual_proxy = pod.template.containers().iter().any(|(_, c)| {
            c.get_str("image")
                .is_some_and(|i| i.contains("/workload-identity/proxy"))
        });
        if manual_proxy {
            message.push_str("; it runs the Workload Identity proxy images itself (the migration setup), so this may be intended");
        }
        let mut f = ctx
            .finding(
                pod.object.loc(&labels, Part::Value),
                "add the label here",
                message,
            )
            .related(evidence.0, evidence.2);
        if as_annotation {
            f = f.related(
                pod.object.loc(
                    &pod.template.path(&["metadata", "annotations", WI_USE]),
                    Part::Entry,
                ),
                "an annotation, not a label",
            );
        }
        for key in super::wi_annotation_without_label::POD_ANNOTATIONS {
            if pod.template.annotation(key).is_some() {
                f = f.related(
                    pod.object.loc(
                        &pod.template.path(&["metadata", "annotations", key]),
                        Part::Entry,
                    ),
                    "no effect without the label",
                );
            }
        }
        // A credential names a namespace; a pod of unknown namespace matches it by name only
        // (a credential for `default:default` and any pod left in the default ServiceAccount).
        let guessed_credential =
            client_id.is_none() && crate::index::display_ns(pod.ns) == crate::index::UNKNOWN_NS;
        if manual_proxy {
            f = f.severity(crate::finding::Severity::Note);
        } else if guessed_credential {
            f.message.push_str(" (matched by name only: the pod's namespace is unknown, so the credential may be for a ServiceAccount of that name in another namespace)");
            f = f.severity(crate::finding::Severity::Note);
        } else if empty && credential.is_none() {
            // The intent is plain, the identity not: `client-id-missing` follows once labelled.
            f = f.severity(crate::finding::Severity::Warning);
        }
        out.push(pod.capped(f.help(format!(
            "add `{WI_USE}: \"true\"` to `{}`",
            pod.template.path(&["metadata", "labels"])
        ))));
    }
}

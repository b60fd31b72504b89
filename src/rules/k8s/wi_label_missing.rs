//! A ServiceAccount set up for Workload Identity (a client-id, or a federated credential that
//! trusts it) is useless to pods the webhook never mutates.

use super::{pods, sa_annotation};
use crate::document::Part;
use crate::model::k8s::{WI_CLIENT_ID, WI_USE, value_text};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for pod in pods(ctx) {
        if pod.template.is_wi() || pod.template.is_patch() {
            continue;
        }
        // `wi-label-on-workload-metadata` explains this one.
        if pod.object.kind != "Pod"
            && pod
                .object
                .metadata_map("labels")
                .and_then(|l| l.entry(WI_USE))
                .is_some()
        {
            continue;
        }
        let client_id = sa_annotation(ctx, pod.sa_objects, WI_CLIENT_ID)
            .filter(|(_, e)| !value_text(&e.value).trim().is_empty());
        let credential = ctx
            .index
            .credentials_naming(pod.ns, pod.sa.name)
            .first()
            .map(|&c| &ctx.model.credentials[c]);
        let evidence = match (client_id, credential) {
            (Some((sa_index, _)), _) => (
                ctx.model.objects[sa_index].loc(
                    &crate::document::Path::root().keys(&["metadata", "annotations", WI_CLIENT_ID]),
                    Part::Entry,
                ),
                "which has a client-id",
                "client-id set on the ServiceAccount",
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
        if manual_proxy {
            f = f.severity(crate::finding::Severity::Note);
        }
        out.push(f.help(format!(
            "add `{WI_USE}: \"true\"` to `{}`",
            pod.template.path(&["metadata", "labels"])
        )));
    }
}

//! The webhook reads its pod annotations (`inject-proxy-sidecar`, `skip-containers`, …) only on
//! pods it mutates, and it mutates only pods with the `use` label: on any other pod they do
//! nothing, silently. When the ServiceAccount or a credential shows the pod is meant for Workload
//! Identity, `wi-label-missing` reports the missing label and lists the annotations; this rule
//! covers the pods nothing else reports.

use super::pods;
use super::wi_label_missing::{label_explained_elsewhere, wi_evidence};
use crate::document::Part;
use crate::model::k8s::{
    WI_INJECT_PROXY, WI_PROXY_PORT, WI_SKIP_CONTAINERS, WI_TOKEN_EXPIRATION, WI_USE,
};
use crate::rules::{Ctx, Findings};

/// The annotations the webhook reads from the pod.
pub(super) const POD_ANNOTATIONS: &[&str] = &[
    WI_INJECT_PROXY,
    WI_PROXY_PORT,
    WI_SKIP_CONTAINERS,
    WI_TOKEN_EXPIRATION,
];

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for pod in pods(ctx) {
        if label_explained_elsewhere(&pod) || ctx.is_part(pod.template.object) {
            continue;
        }
        if !matches!(wi_evidence(ctx, &pod), (None, None)) {
            continue;
        }
        // `use` written as an annotation is the usual slip behind the others, so it leads.
        let present: Vec<&str> = std::iter::once(WI_USE)
            .chain(POD_ANNOTATIONS.iter().copied())
            .filter(|k| pod.template.annotation(k).is_some())
            .collect();
        let Some(first) = present.first() else {
            continue;
        };
        let names = present
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let as_annotation = if *first == WI_USE {
            " (`use` is set as an annotation, which the webhook does not read)"
        } else {
            ""
        };
        let mut f = ctx.finding(
            pod.object.loc(
                &pod.template.path(&["metadata", "annotations", first]),
                Part::Entry,
            ),
            "no effect without the label",
            format!(
                "the pod template of {} has the Workload Identity annotation{} {names} but no `{WI_USE}` label{as_annotation}: the webhook mutates only labelled pods, so {} nothing",
                pod.object.describe(),
                if present.len() > 1 { "s" } else { "" },
                if present.len() > 1 { "they do" } else { "it does" },
            ),
        );
        for key in &present[1..] {
            f = f.related(
                pod.object.loc(
                    &pod.template.path(&["metadata", "annotations", key]),
                    Part::Entry,
                ),
                "no effect either",
            );
        }
        out.push(f.help(format!(
            "add `{WI_USE}: \"true\"` to `{}` if the pod should use Workload Identity; otherwise remove the annotation{}",
            pod.template.path(&["metadata", "labels"]),
            if present.len() > 1 { "s" } else { "" },
        )));
    }
}

//! Without `client-id` the webhook has no identity to inject (v1.5.1+ injects no
//! AZURE_CLIENT_ID at all), so the SDK cannot pick the identity.

use super::pods;
use crate::document::{Part, Path};
use crate::model::k8s::{WI_CLIENT_ID, WI_USE, value_text};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let mut seen = std::collections::HashSet::new();
    for pod in pods(ctx) {
        if !pod.template.is_wi() || pod.sa_objects.is_empty() {
            continue;
        }
        let with_value = pod.sa_objects.iter().any(|&i| {
            ctx.model.objects[i]
                .metadata_map("annotations")
                .and_then(|a| a.get(WI_CLIENT_ID))
                .is_some_and(|v| v.is_unknown() || !value_text(v).trim().is_empty())
        });
        // An overlay may add the client id to a base or patch it leaves out.
        let parts = pod.sa_objects.iter().all(|&i| ctx.is_part(i));
        if with_value || parts || !seen.insert(pod.sa_objects[0]) {
            continue;
        }
        let sa = &ctx.model.objects[pod.sa_objects[0]];
        let annotations = sa.metadata_map("annotations");
        let (loc, label, what) = if annotations.and_then(|a| a.get(WI_CLIENT_ID)).is_some() {
            (
                sa.loc(
                    &Path::root().keys(&["metadata", "annotations", WI_CLIENT_ID]),
                    Part::Entry,
                ),
                "empty client-id",
                "an empty",
            )
        } else if annotations.is_some() {
            (
                sa.loc(
                    &Path::root().keys(&["metadata", "annotations"]),
                    Part::Value,
                ),
                "no client-id here",
                "no",
            )
        } else {
            (
                sa.loc(&Path::root().keys(&["metadata"]), Part::Value),
                "no annotations",
                "no",
            )
        };
        let label_loc = sa.loc(
            &Path::root().keys(&["metadata", "labels", WI_CLIENT_ID]),
            Part::Entry,
        );
        let in_labels = sa
            .metadata_map("labels")
            .and_then(|l| l.entry(WI_CLIENT_ID))
            .is_some();
        // A client id written as a label is the thing to move: point at it.
        let (loc, label) = if in_labels && what == "no" {
            (
                label_loc.clone(),
                "a label, not an annotation: move it to `annotations`",
            )
        } else {
            (loc, label)
        };
        let mut message = format!(
            "ServiceAccount `{}` has {what} `{WI_CLIENT_ID}` annotation, but {} runs as it with Workload Identity: no AZURE_CLIENT_ID is injected",
            pod.sa.name,
            pod.object.describe()
        );
        if in_labels {
            message.push_str(" (it is set as a label, which the webhook does not read)");
        }
        let mut f = ctx.finding(loc, label, message).related(
            pod.object.loc(
                &pod.template.path(&["metadata", "labels", WI_USE]),
                Part::Entry,
            ),
            "Workload Identity enabled here",
        );
        if in_labels && what != "no" {
            f = f.related(label_loc, "a label, not an annotation");
        }
        out.push(pod.capped(f.help(format!(
            "annotate the ServiceAccount with `{WI_CLIENT_ID}: \"<the managed identity's client id>\"` (`az identity show --query clientId`)"
        ))));
    }
}

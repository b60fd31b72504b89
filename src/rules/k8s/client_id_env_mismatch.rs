//! The webhook never overwrites an env var the container already sets, so a hand-written
//! AZURE_CLIENT_ID or AZURE_TENANT_ID silently beats the ServiceAccount's annotation.

use super::{pods, sa_annotation};
use crate::document::{Part, Path};
use crate::model::k8s::{WI_CLIENT_ID, WI_TENANT_ID, value_text};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for pod in pods(ctx) {
        if !pod.template.is_wi() || pod.sa_objects.is_empty() {
            continue;
        }
        for (path, container, env) in pod.template.env() {
            let annotation = match env.get_str("name") {
                Some("AZURE_CLIENT_ID") => WI_CLIENT_ID,
                Some("AZURE_TENANT_ID") => WI_TENANT_ID,
                _ => continue,
            };
            let Some(value) = env.get("value").and_then(|v| v.text()) else {
                continue;
            };
            let Some((sa_index, entry)) = sa_annotation(ctx, pod.sa_objects, annotation) else {
                continue;
            };
            let expected = value_text(&entry.value);
            if expected.is_empty() || expected == value {
                continue;
            }
            let var = env.get_str("name").unwrap_or("");
            let sa = &ctx.model.objects[sa_index];
            out.push(pod.capped(
                ctx.finding(
                    pod.object.loc(&path.key("value"), Part::Value),
                    "overrides the ServiceAccount's value",
                    format!(
                        "container `{container}` of {} sets {var} to a value other than the ServiceAccount's `{annotation}`; the webhook keeps the container's value",
                        pod.object.describe()
                    ),
                )
                .mismatch(expected, value)
                .related(
                    sa.loc(&Path::root().keys(&["metadata", "annotations", annotation]), Part::Value),
                    "the ServiceAccount's value",
                )
                .help(format!("remove {var} from the container and let the webhook inject it")),
            ));
        }
    }
}

//! The label on a Deployment's own metadata never reaches its pods, and the webhook only
//! selects pods.

use super::pods;
use crate::document::{Part, Path};
use crate::model::k8s::WI_USE;
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for pod in pods(ctx) {
        if pod.object.kind == "Pod" || pod.template.is_wi() {
            continue;
        }
        if pod
            .object
            .metadata_map("labels")
            .and_then(|l| l.entry(WI_USE))
            .is_none()
        {
            continue;
        }
        let meta = pod.template.path(&["metadata"]);
        out.push(
            ctx.finding(
                pod.object
                    .loc(&Path::root().keys(&["metadata", "labels", WI_USE]), Part::Entry),
                "on the workload's own labels",
                format!(
                    "`{WI_USE}` is on the {} itself, not on its pod template: pods do not inherit it, and the webhook only mutates labelled pods",
                    pod.object.describe()
                ),
            )
            .related(pod.object.loc(&meta, Part::Value), "the pod template's metadata: the label belongs here")
            .help(format!("move the label to `{meta}.labels`")),
        );
    }
}

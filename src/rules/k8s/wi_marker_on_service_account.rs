//! Before webhook v1.0 the marker went on the ServiceAccount; since then only the pod label
//! counts, so a ServiceAccount-only marker is a migration left half done.

use crate::document::{Part, Path};
use crate::model::k8s::WI_USE;
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for &i in &ctx.model.service_accounts {
        let sa = &ctx.model.objects[i];
        let Some(name) = sa.name() else { continue };
        let Some(which) = ["labels", "annotations"]
            .into_iter()
            .find(|w| sa.metadata_map(w).and_then(|m| m.entry(WI_USE)).is_some())
        else {
            continue;
        };
        let ns = ctx.index.ns(i);
        if ctx.index.patched_wi_namespaces.contains(ns) {
            continue;
        }
        let users = ctx.index.templates_using(ns, name);
        if users.iter().any(|&t| ctx.model.templates[t].is_wi()) {
            continue;
        }
        let singular = &which[..which.len() - 1];
        let mut f = ctx.finding(
            sa.loc(&Path::root().keys(&["metadata", which, WI_USE]), Part::Entry),
            "ignored on a ServiceAccount",
            format!(
                "ServiceAccount `{name}` carries `{WI_USE}` as {} {singular}, which the webhook ignores since v1.0; {}",
                if singular == "label" { "a" } else { "an" },
                if users.is_empty() {
                    "only a pod label enables Workload Identity".to_string()
                } else {
                    "no pod template that runs as it has the pod label".to_string()
                }
            ),
        );
        if let Some(&t) = users.first() {
            let template = &ctx.model.templates[t];
            let owner = &ctx.model.objects[template.object];
            f = f.related(
                owner.loc(&template.path(&["metadata"]), Part::Value),
                format!("{} runs as `{name}` without the label", owner.describe()),
            );
        }
        out.push(f.help(format!(
            "put `{WI_USE}: \"true\"` on the pod template's labels; the ServiceAccount needs only the client-id annotation"
        )));
    }
}

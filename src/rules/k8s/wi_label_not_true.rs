//! The webhook's objectSelector is exact string equality on `"true"`.

use super::pods;
use crate::document::Part;
use crate::model::k8s::WI_USE;
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for pod in pods(ctx) {
        let Some(entry) = pod.template.label(WI_USE) else {
            continue;
        };
        // Non-string values are `label-value-not-string`'s.
        let Some(value) = entry.value.as_str() else {
            continue;
        };
        if value == "true" {
            continue;
        }
        out.push(
            ctx.finding(
                pod.object.loc(
                    &pod.template.path(&["metadata", "labels", WI_USE]),
                    Part::Value,
                ),
                "not exactly `true`",
                format!(
                    "`{WI_USE}` is `{value}`: the webhook only mutates pods whose label is exactly the string `true`"
                ),
            )
            .mismatch("true", value)
            .help(format!("set it to `{WI_USE}: \"true\"`")),
        );
    }
}

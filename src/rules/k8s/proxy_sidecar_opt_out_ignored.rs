//! The webhook checks only that `inject-proxy-sidecar` is present, so `"false"` still injects
//! the privileged proxy.

use super::pods;
use crate::document::Part;
use crate::model::k8s::{WI_INJECT_PROXY, value_text};
use crate::rules::{Ctx, Findings};

const FALSE_LIKE: &[&str] = &["", "false", "no", "0", "off", "n", "disabled", "disable"];

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for pod in pods(ctx) {
        let Some(entry) = pod.template.annotation(WI_INJECT_PROXY) else {
            continue;
        };
        let value = value_text(&entry.value).trim();
        if !FALSE_LIKE.contains(&value.to_ascii_lowercase().as_str()) {
            continue;
        }
        let part = if value.is_empty() {
            Part::Entry
        } else {
            Part::Value
        };
        out.push(
            ctx.finding(
                pod.object.loc(&pod.template.path(&["metadata", "annotations", WI_INJECT_PROXY]), part),
                "presence alone injects the proxy",
                format!(
                    "`{WI_INJECT_PROXY}` is `{value}` on the pod template of {}, but the webhook checks only that the annotation is present: the privileged proxy sidecar is injected anyway",
                    pod.object.describe()
                ),
            )
            .help("remove the annotation to opt out of the proxy sidecar"),
        );
    }
}

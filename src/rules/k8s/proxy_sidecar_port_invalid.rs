//! The webhook parses the port with `strconv.ParseInt(v, 10, 32)` only when it injects the proxy;
//! a bad value denies the pod, and without the proxy the annotation does nothing.

use super::pods;
use crate::document::Part;
use crate::finding::Severity;
use crate::model::k8s::{WI_INJECT_PROXY, WI_PROXY_PORT, value_text};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for pod in pods(ctx) {
        let Some(entry) = pod
            .template
            .annotation(WI_PROXY_PORT)
            .filter(|e| !e.value.is_unknown())
        else {
            continue;
        };
        let value = value_text(&entry.value).trim();
        let loc = pod.object.loc(
            &pod.template
                .path(&["metadata", "annotations", WI_PROXY_PORT]),
            Part::Value,
        );
        if pod.template.annotation(WI_INJECT_PROXY).is_none() {
            out.push(
                ctx.finding(
                    loc,
                    "ignored",
                    format!("`{WI_PROXY_PORT}` is set on the pod template of {} without `{WI_INJECT_PROXY}`, so the webhook ignores it", pod.object.describe()),
                )
                .severity(Severity::Note)
                .help(format!("remove it, or add `{WI_INJECT_PROXY}` if the proxy sidecar is wanted")),
            );
            continue;
        }
        let ok = value.parse::<i64>().is_ok_and(|p| (1..=65535).contains(&p));
        if !ok {
            out.push(
                ctx.finding(
                    loc,
                    "not a port number",
                    format!("`{WI_PROXY_PORT}` is `{value}`, not a port number from 1 to 65535: the webhook denies the pod"),
                )
                .help("use a base-10 port number such as `\"8000\"` (the default)"),
            );
        }
    }
}

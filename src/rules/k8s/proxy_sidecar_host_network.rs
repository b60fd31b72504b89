//! The webhook refuses to inject the proxy into a host-network pod and denies it.

use super::pods;
use crate::document::Part;
use crate::model::k8s::WI_INJECT_PROXY;
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for pod in pods(ctx) {
        if pod.template.annotation(WI_INJECT_PROXY).is_none() {
            continue;
        }
        if pod
            .template
            .spec()
            .and_then(|s| s.get("hostNetwork"))
            .and_then(|n| n.as_bool())
            != Some(true)
        {
            continue;
        }
        out.push(
            ctx.finding(
                pod.object.loc(&pod.template.path(&["spec", "hostNetwork"]), Part::Value),
                "host network",
                format!(
                    "{} asks for the proxy sidecar and uses the host network: the webhook denies the pod (\"hostNetwork is set to true, cannot inject proxy sidecar\")",
                    pod.object.describe()
                ),
            )
            .related(
                pod.object.loc(&pod.template.path(&["metadata", "annotations", WI_INJECT_PROXY]), Part::Entry),
                "proxy sidecar requested here",
            )
            .help(format!("drop `hostNetwork: true` or remove `{WI_INJECT_PROXY}`")),
        );
    }
}

//! DefaultAzureCredential tries EnvironmentCredential before WorkloadIdentityCredential: with
//! AZURE_CLIENT_SECRET set (the webhook injects the id and tenant), the secret wins.

use super::pods;
use crate::document::Part;
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for pod in pods(ctx) {
        if !pod.template.is_wi() {
            continue;
        }
        for (path, container, env) in pod.template.env() {
            if env.get_str("name") != Some("AZURE_CLIENT_SECRET") {
                continue;
            }
            // Never echo the value: point at the name.
            out.push(
                ctx.finding(
                    pod.object.loc(&path.key("name"), Part::Value),
                    "a client secret in a Workload Identity pod",
                    format!(
                        "container `{container}` of {} sets AZURE_CLIENT_SECRET: DefaultAzureCredential uses the secret (EnvironmentCredential) before Workload Identity",
                        pod.object.describe()
                    ),
                )
                .help("remove AZURE_CLIENT_SECRET from the container; Workload Identity needs no secret"),
            );
        }
    }
}

//! DefaultAzureCredential tries EnvironmentCredential before WorkloadIdentityCredential: with a
//! client secret, a certificate or a username and password in the environment (the webhook injects
//! the id and tenant), that credential wins. `AZURE_TOKEN_CREDENTIALS` can also leave workload
//! identity out of the chain altogether.

use std::collections::HashSet;

use super::pods;
use crate::document::{Node, Part};
use crate::rules::{Ctx, Findings};

/// Credentials `AZURE_TOKEN_CREDENTIALS` may name that are not workload identity; `dev` is the
/// developer-tool chain. (`prod` keeps WorkloadIdentityCredential.)
const NOT_WI: &[&str] = &[
    "dev",
    "environmentcredential",
    "managedidentitycredential",
    "azureclicredential",
    "azurepowershellcredential",
    "azuredeveloperclicredential",
    "visualstudiocodecredential",
    "visualstudiocredential",
    "interactivebrowsercredential",
    "brokercredential",
    "sharedtokencachecredential",
];

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for pod in pods(ctx) {
        if !pod.template.is_wi() {
            continue;
        }
        let envs = pod.template.env();
        // AZURE_USERNAME alone selects nothing; with AZURE_PASSWORD it is a user sign-in.
        let with_username: HashSet<&str> = envs
            .iter()
            .filter(|(_, _, env)| env.get_str("name") == Some("AZURE_USERNAME"))
            .map(|(_, container, _)| *container)
            .collect();
        for (path, container, env) in &envs {
            let name = env.get_str("name").unwrap_or("");
            let uses = match name {
                "AZURE_CLIENT_SECRET" => "the client secret",
                "AZURE_CLIENT_CERTIFICATE_PATH" => "the client certificate",
                "AZURE_PASSWORD" if with_username.contains(container) => {
                    "the username and password (AZURE_USERNAME is set too)"
                }
                "AZURE_TOKEN_CREDENTIALS" => {
                    let Some(value) = env.get("value").and_then(Node::text) else {
                        continue;
                    };
                    if !NOT_WI.contains(&value.trim().to_ascii_lowercase().as_str()) {
                        continue;
                    }
                    out.push(
                        ctx.finding(
                            pod.object.loc(&path.key("value"), Part::Value),
                            "leaves Workload Identity out",
                            format!(
                                "container `{container}` of {} sets AZURE_TOKEN_CREDENTIALS to `{}`, which restricts DefaultAzureCredential to credentials without WorkloadIdentityCredential: the pod's federated token is never used",
                                pod.object.describe(),
                                value.trim()
                            ),
                        )
                        .help("set it to `prod` or `WorkloadIdentityCredential`, or remove it"),
                    );
                    continue;
                }
                _ => continue,
            };
            // Never echo the value: point at the name.
            out.push(
                ctx.finding(
                    pod.object.loc(&path.key("name"), Part::Value),
                    "another credential in a Workload Identity pod",
                    format!(
                        "container `{container}` of {} sets {name}: DefaultAzureCredential authenticates with {uses} (EnvironmentCredential) before it tries Workload Identity",
                        pod.object.describe()
                    ),
                )
                .help(format!("remove {name} from the container; Workload Identity needs no secret")),
            );
        }
    }
}

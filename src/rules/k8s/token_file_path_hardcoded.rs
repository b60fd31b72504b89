//! Webhook v1.6.0 moved the token file; code or manifests that hardcode either path break on
//! the next upgrade, and AZURE_FEDERATED_TOKEN_FILE set by hand is never corrected. Pointed at
//! the default ServiceAccount token it fails for another reason than a path: that token's
//! audience is the API server (AADSTS700212) and its lifetime may exceed Entra's limit.

use super::pods;
use crate::document::{Node, Part};
use crate::finding::Finding;
use crate::rules::{Ctx, Findings};

/// The token every pod gets from the kubelet, unless automounting is off.
const DEFAULT_SA_TOKEN: &str = "/var/run/secrets/kubernetes.io/serviceaccount/token";

const PATHS: &[&str] = &[
    "/var/run/secrets/azure/tokens/azure-identity-token",
    "/var/run/secrets/azure/wi/token/azure-identity-token",
];

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for pod in pods(ctx) {
        for (path, container, env) in pod.template.env() {
            let name = env.get_str("name").unwrap_or("");
            if name == "AZURE_FEDERATED_TOKEN_FILE" {
                let value = env.get("value").and_then(Node::text).unwrap_or("");
                let why = if value.trim_end_matches('/') == DEFAULT_SA_TOKEN {
                    format!(
                        "to the default ServiceAccount token `{DEFAULT_SA_TOKEN}`: its audience is the API server, not `api://AzureADTokenExchange`, so Entra refuses it with AADSTS700212, and its lifetime can exceed the 1 day 1 hour Entra accepts (AADSTS70023); the webhook never overwrites the variable"
                    )
                } else {
                    "itself; the webhook never overwrites it, so the SDK reads this path instead of the token the webhook projects, whose path changed in webhook v1.6.0".to_string()
                };
                out.push(
                    ctx.finding(
                        pod.object.loc(&path.key("name"), Part::Value),
                        "set by hand",
                        format!(
                            "container `{container}` of {} sets AZURE_FEDERATED_TOKEN_FILE {why}",
                            pod.object.describe()
                        ),
                    )
                    .help("remove it and let the webhook inject the path of the projected token"),
                );
            } else if let Some(p) = env.get("value").and_then(Node::text).and_then(hardcoded) {
                out.push(hardcoded_finding(
                    ctx,
                    pod.object.loc(&path.key("value"), Part::Value),
                    container,
                    &pod.object.describe(),
                    p,
                ));
            }
        }
        for (cpath, container) in pod.template.containers() {
            let cname = container.get_str("name").unwrap_or("");
            for key in ["command", "args"] {
                for (i, item) in container
                    .get(key)
                    .and_then(Node::as_seq)
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                {
                    if let Some(p) = item.text().and_then(hardcoded) {
                        out.push(hardcoded_finding(
                            ctx,
                            pod.object.loc(&cpath.key(key).index(i), Part::Value),
                            cname,
                            &pod.object.describe(),
                            p,
                        ));
                    }
                }
            }
        }
    }
}

fn hardcoded(text: &str) -> Option<&'static str> {
    PATHS.iter().copied().find(|p| text.contains(p))
}

fn hardcoded_finding(
    ctx: &Ctx<'_>,
    loc: crate::finding::Loc,
    container: &str,
    owner: &str,
    path: &str,
) -> Finding {
    ctx.finding(
        loc,
        "hardcoded token path",
        format!("container `{container}` of {owner} hardcodes the token path `{path}`, which changed in webhook v1.6.0"),
    )
    .help("read the path from the AZURE_FEDERATED_TOKEN_FILE environment variable")
}

//! Webhook v1.6.0 moved the token file; code or manifests that hardcode either path break on
//! the next upgrade, and AZURE_FEDERATED_TOKEN_FILE set by hand is never corrected.

use super::pods;
use crate::document::{Node, Part};
use crate::finding::Finding;
use crate::rules::{Ctx, Findings};

const PATHS: &[&str] = &[
    "/var/run/secrets/azure/tokens/azure-identity-token",
    "/var/run/secrets/azure/wi/token/azure-identity-token",
];

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for pod in pods(ctx) {
        for (path, container, env) in pod.template.env() {
            let name = env.get_str("name").unwrap_or("");
            if name == "AZURE_FEDERATED_TOKEN_FILE" {
                out.push(
                    ctx.finding(
                        pod.object.loc(&path.key("name"), Part::Value),
                        "set by hand",
                        format!("container `{container}` of {} sets AZURE_FEDERATED_TOKEN_FILE itself; the webhook never overwrites it, and the path changed in webhook v1.6.0", pod.object.describe()),
                    )
                    .help("remove it and let the webhook inject the right path"),
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

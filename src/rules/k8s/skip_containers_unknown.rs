//! The webhook treats `skip-containers` as a set and silently ignores names that match nothing,
//! so a typo means the container still gets the token, and skipping all means none does.

use super::pods;
use crate::document::{Node, Part};
use crate::model::k8s::{WI_SKIP_CONTAINERS, value_text};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    // Sidecars other webhooks inject at admission are absent from the manifest but real.
    let injected = ctx.param_strs("injected-sidecars");
    for pod in pods(ctx) {
        if pod.template.is_patch() {
            continue;
        }
        let Some(entry) = pod.template.annotation(WI_SKIP_CONTAINERS) else {
            continue;
        };
        let skipped: Vec<&str> = value_text(&entry.value)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let names: Vec<&str> = pod
            .template
            .containers()
            .iter()
            .filter_map(|(_, c)| c.get_str("name"))
            .collect();
        let unknown: Vec<String> = skipped
            .iter()
            .filter(|s| !names.contains(s) && !injected.contains(s))
            .map(|s| format!("`{s}`"))
            .collect();
        let regular: Vec<&str> = pod
            .template
            .spec()
            .and_then(|s| s.get("containers"))
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|c| c.get_str("name"))
            .collect();
        let all_skipped = !regular.is_empty() && regular.iter().all(|n| skipped.contains(n));
        let mut problems = Vec::new();
        if !unknown.is_empty() {
            problems.push(format!(
                "{} {} no container of the pod (containers: {})",
                unknown.join(", "),
                if unknown.len() == 1 {
                    "matches"
                } else {
                    "match"
                },
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if all_skipped {
            problems.push("every container is skipped, so no container receives the token".into());
        }
        if problems.is_empty() {
            continue;
        }
        out.push(
            ctx.finding(
                pod.object.loc(&pod.template.path(&["metadata", "annotations", WI_SKIP_CONTAINERS]), Part::Value),
                "check the container names",
                format!("`{WI_SKIP_CONTAINERS}` on the pod template of {}: {}", pod.object.describe(), problems.join("; ")),
            )
            .help("list existing container names separated by `;`, and leave at least one container unskipped"),
        );
    }
}

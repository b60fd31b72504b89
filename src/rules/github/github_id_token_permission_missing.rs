//! `azure/login` with a `client-id` asks GitHub for an OIDC token, which needs
//! `permissions: id-token: write`; the default permissions (permissive or restricted) never
//! grant it, and a `permissions` block that leaves it out sets it to `none`.

use crate::model::github::jobs;
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for workflow in &ctx.model.workflows {
        for job in jobs(workflow) {
            if job.can_request_token() != Some(false) {
                continue;
            }
            let help = match job.permissions() {
                Some(p) if p.node.as_map().is_some() => {
                    "add `id-token: write` to these permissions".to_string()
                }
                _ => format!(
                    "add `permissions: {{ id-token: write, contents: read }}` to job `{}`",
                    job.id
                ),
            };
            let (loc, why) = match job.permissions() {
                Some(p) => (
                    p.loc(),
                    if p.path.0.len() > 1 {
                        "its `permissions` do not grant `id-token: write`"
                    } else {
                        "the workflow's `permissions` do not grant `id-token: write`"
                    },
                ),
                None => (
                    job.at.key_loc(),
                    "neither the job nor the workflow sets `permissions`, and the default token permissions do not include `id-token`",
                ),
            };
            out.push(
                ctx.finding(
                    loc,
                    "no `id-token: write`",
                    format!(
                        "job `{}` logs in to Azure with OIDC, but {why}: `azure/login` cannot get a token",
                        job.id
                    ),
                )
                .related(job.client_id.loc(), "OIDC login")
                .help(help),
            );
        }
    }
}

//! A classic federated credential compares the subject literally: "Wildcard characters aren't
//! supported in any federated identity credential property value". Patterns work only in a
//! flexible credential's `claimsMatchingExpression` (`matches`).

use super::shorten;
use crate::model::azure::k8s_subject_problem;
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for cred in &ctx.model.credentials {
        let Some((at, subject)) = cred.subject() else {
            continue;
        };
        let Some(wildcard) = subject.chars().find(|c| matches!(c, '*' | '?')) else {
            continue;
        };
        // A Kubernetes subject with `*` is not a valid name: `subject-format-invalid` says so.
        if k8s_subject_problem(subject).is_some() {
            continue;
        }
        out.push(
            ctx.finding(
                at.loc(),
                format!("`{wildcard}` is taken literally"),
                format!(
                    "the subject of {} is `{}`: it contains `{wildcard}`, but classic credentials compare the subject exactly and support no wildcards, so only a token whose `sub` literally contains `{wildcard}` would match (AADSTS700213 for the rest)",
                    cred.describe(),
                    shorten(subject, 120)
                ),
            )
            .help("name each subject exactly (one credential per subject), or use a flexible credential: `claimsMatchingExpression` with `claims['sub'] matches '…'` (GitHub, GitLab and Terraform Cloud issuers)"),
        );
    }
}

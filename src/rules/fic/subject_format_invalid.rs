//! Entra compares the subject exactly with the token's `sub` (AADSTS700213 otherwise), and a
//! ServiceAccount token's `sub` is always `system:serviceaccount:<namespace>:<name>` with names
//! Kubernetes allows: a subject of any other shape, or with surrounding whitespace or quotes, can
//! never match.

use super::shorten;
use crate::document::Piece;
use crate::finding::Finding;
use crate::model::At;
use crate::model::azure::{
    Credential, K8S_SUBJECT_PREFIX, k8s_partial_problem, k8s_subject_problem,
};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for cred in &ctx.model.credentials {
        if let Some((at, pieces)) = cred.partial("subject") {
            // Known only in part: what the known parts decide, whatever the holes hold.
            let Some(problem) = k8s_partial_problem(&pieces) else {
                continue;
            };
            let first = match pieces.first() {
                Some(Piece::Known(k)) => *k,
                _ => "",
            };
            let holes: Vec<String> = pieces
                .iter()
                .filter_map(|p| match p {
                    Piece::Hole(h) => Some(format!("`{}`", shorten(h, 60))),
                    Piece::Known(_) => None,
                })
                .collect();
            let shown = at.node.shown_expression().unwrap_or_default();
            let whatever = format!("whatever {} turns out to be", holes.join(" and "));
            let f = finding(
                ctx,
                cred,
                &at,
                &shown,
                &problem,
                is_k8s(first),
                Some(&whatever),
            );
            out.push(f.help(K8S_HELP));
            continue;
        }
        let Some((at, subject)) = cred.subject() else {
            continue;
        };
        let Some(problem) = k8s_subject_problem(subject) else {
            continue;
        };
        let suggestion = normalise(subject).filter(|s| s != subject);
        let k8s = cred.is_k8s();
        let f = finding(ctx, cred, &at, subject, &problem, k8s, None);
        out.push(match suggestion {
            Some(s) => f.help(format!("did you mean `{s}`?")).mismatch(s, subject),
            None if k8s => f.help(K8S_HELP),
            None => f.help("remove the whitespace and quotes around the subject"),
        });
    }
}

const K8S_HELP: &str = "set the subject to `system:serviceaccount:<namespace>:<serviceaccount>` with the names exactly as in the cluster (lowercase letters, digits, `-`, `.`)";

/// Whether a subject (or its known start) is meant for Kubernetes, even malformed.
fn is_k8s(subject: &str) -> bool {
    subject
        .trim()
        .trim_matches(['"', '\''])
        .starts_with(K8S_SUBJECT_PREFIX)
}

/// The finding for a subject shown as `subject` with `problem`; `whatever` says, for a subject
/// known only in part, that its holes cannot repair it.
fn finding(
    ctx: &Ctx<'_>,
    cred: &Credential<'_>,
    at: &At<'_>,
    subject: &str,
    problem: &str,
    k8s: bool,
    whatever: Option<&str>,
) -> Finding {
    // The model says "has …" / "is …" of the subject, or names the part that is wrong.
    let clause = if problem.starts_with("has ")
        || problem.starts_with("is ")
        || problem.starts_with("holds ")
        || problem.starts_with("ends ")
    {
        format!("it {problem}")
    } else {
        problem.to_string()
    };
    let clause = match whatever {
        Some(w) => format!("{clause}, {w}"),
        None => clause,
    };
    let why = if k8s {
        "a ServiceAccount token's `sub` is exactly `system:serviceaccount:<namespace>:<name>`, and Entra compares the subject exactly, so the exchange fails with AADSTS700213"
    } else {
        "the token's `sub` has no surrounding whitespace or quotes, and Entra compares the subject exactly, so the exchange fails with AADSTS700213"
    };
    ctx.finding(
        at.loc(),
        if subject.trim() != subject || problem.starts_with("is wrapped") {
            "whitespace or quotes around the subject"
        } else {
            "not `system:serviceaccount:<namespace>:<name>`"
        },
        format!(
            "the subject of {} is `{}`: {clause}; {why}",
            cred.describe(),
            shorten(subject, 120)
        ),
    )
}

/// The subject a user most likely meant: trimmed, unquoted, and for a Kubernetes subject with
/// lowercase names (Kubernetes names are lowercase); `None` when that is still not valid.
fn normalise(subject: &str) -> Option<String> {
    let mut s = subject.trim();
    while s.len() >= 2
        && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')))
    {
        s = s.get(1..s.len() - 1)?.trim();
    }
    let s = match s.strip_prefix(K8S_SUBJECT_PREFIX) {
        Some(rest) => format!("{K8S_SUBJECT_PREFIX}{}", rest.to_ascii_lowercase()),
        None => s.to_string(),
    };
    (!s.is_empty() && k8s_subject_problem(&s).is_none()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let ok = "system:serviceaccount:orders:orders-api";
        assert_eq!(
            normalise(" system:serviceaccount:orders:orders-api ").as_deref(),
            Some(ok)
        );
        assert_eq!(
            normalise("\"system:serviceaccount:orders:orders-api\"").as_deref(),
            Some(ok)
        );
        assert_eq!(
            normalise("system:serviceaccount:Orders:Orders-API").as_deref(),
            Some(ok)
        );
        assert_eq!(normalise("system:serviceaccount:orders:orders_api"), None);
        assert_eq!(
            normalise("'repo:contoso/api:pull_request' ").as_deref(),
            Some("repo:contoso/api:pull_request")
        );
        assert_eq!(normalise("\"\""), None);
    }
}

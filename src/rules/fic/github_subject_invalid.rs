//! GitHub Actions tokens carry `sub` in a few fixed forms (`repo:<owner>/<repo>:environment:<name>`,
//! `…:ref:refs/heads|tags/<name>`, `…:pull_request`, and the immutable
//! `repo:<owner>@<id>/<repo>@<id>:…`); Entra compares the subject exactly, so any other form never
//! matches (AADSTS700213). Microsoft docs misprint the pull-request form as `:pull-request`.
//!
//! An organisation or repository may customise the subject template, and its tokens then carry
//! other `claim:value` pairs (`repository_owner:contoso:workflow:deploy`). A subject that such a
//! template can produce is only a warning: wiflint cannot see the template. One no template can
//! produce (an unknown claim, a branch without `refs/heads/`) stays an error.

use super::{is_github_issuer, shorten};
use crate::document::Piece;
use crate::finding::Severity;
use crate::model::At;
use crate::model::azure::{Credential, k8s_partial_problem, k8s_subject_problem};
use crate::rules::{Ctx, Findings};

const FORMS: &str = "`repo:<owner>/<repo>:environment:<name>`, `repo:<owner>/<repo>:ref:refs/heads/<branch>`, `repo:<owner>/<repo>:ref:refs/tags/<tag>`, `repo:<owner>/<repo>:pull_request`, or the immutable `repo:<owner>@<owner-id>/<repo>@<repo-id>:…`";

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for cred in &ctx.model.credentials {
        if let (Some((_, issuer)), Some((at, pieces))) = (cred.issuer(), cred.partial("subject"))
            && is_github_issuer(issuer)
        {
            partial(ctx, cred, &at, &pieces, out);
            continue;
        }
        let (Some((_, issuer)), Some((at, subject))) = (cred.issuer(), cred.subject()) else {
            continue;
        };
        // Whitespace and quotes are `subject-format-invalid`'s, wildcards `subject-wildcard`'s.
        if !is_github_issuer(issuer)
            || k8s_subject_problem(subject).is_some()
            || subject.contains(['*', '?'])
        {
            continue;
        }
        if let Some(head) = subject.strip_suffix(":pull-request") {
            let expected = format!("{head}:pull_request");
            out.push(
                ctx.finding(
                    at.loc(),
                    "`pull-request` with a hyphen",
                    format!(
                        "the subject of {} ends in `:pull-request`: GitHub's pull request subject is `:pull_request` (underscore; some Microsoft docs misprint it), and Entra compares the subject exactly, so the exchange fails with AADSTS700213",
                        cred.describe()
                    ),
                )
                .mismatch(expected.as_str(), subject)
                .help(format!("set the subject to `{expected}`")),
            );
            continue;
        }
        let Some(problem) = problem(subject) else {
            continue;
        };
        let Some(why) = custom_template(subject) else {
            out.push(
                ctx.finding(
                    at.loc(),
                    "not GitHub's default subject",
                    format!(
                        "the subject of {} is `{}`: it {problem}, so it is none of GitHub's default subjects; a customised subject claim template can produce it, but without one the exchange fails with AADSTS700213",
                        cred.describe(),
                        shorten(subject, 120)
                    ),
                )
                .severity(Severity::Warning)
                .help("check it against the template: `gh api repos/<owner>/<repo>/actions/oidc/customization/sub` (or `orgs/<org>/…`) shows the claim keys GitHub puts in the subject, in order"),
            );
            continue;
        };
        out.push(
                ctx.finding(
                    at.loc(),
                    "not a GitHub Actions subject",
                    format!(
                        "the subject of {} is `{}`: it {problem}; GitHub Actions tokens carry {FORMS}, and no customised subject template produces it ({why}); Entra compares the subject exactly, so the exchange fails with AADSTS700213",
                        cred.describe(),
                        shorten(subject, 120)
                    ),
                )
                .help("copy the subject GitHub documents for the workflow's trigger (environment, branch, tag or pull request); if your organisation customised the subject claim template, use that exact form"),
            );
    }
}

/// A subject known only in part: its holes may hold anything, so only an end in
/// `:pull-request` that no hole can make valid is reported (see [`hyphen_decided`]); the rest
/// of the format waits for the value.
fn partial(
    ctx: &Ctx<'_>,
    cred: &Credential<'_>,
    at: &At<'_>,
    pieces: &[Piece<'_>],
    out: &mut Findings,
) {
    if k8s_partial_problem(pieces).is_some() || !hyphen_decided(pieces) {
        return;
    }
    let found = at.node.shown_expression().unwrap_or_default();
    let Some(head) = found.strip_suffix(":pull-request") else {
        return;
    };
    let expected = format!("{head}:pull_request");
    out.push(
        ctx.finding(
            at.loc(),
            "`pull-request` with a hyphen",
            format!(
                "the subject of {} ends in `:pull-request`, whatever the rest of `{}` turns out to be: GitHub's pull request subject is `:pull_request` (underscore; some Microsoft docs misprint it), and Entra compares the subject exactly, so the exchange fails with AADSTS700213",
                cred.describe(),
                shorten(&found, 120)
            ),
        )
        .mismatch(expected.as_str(), found.as_ref())
        .help(format!("set the subject to `{expected}`")),
    );
}

/// Whether a subject with holes ends in a `:pull-request` that is no claim's value: `pull-request`
/// is a valid environment name (`…:environment:pull-request`) and a customised template's claim
/// value, so the part before it must be known to be neither `environment` nor a claim — known
/// whole, or holding a `/`, which no claim name has and no hole can take away.
fn hyphen_decided(pieces: &[Piece<'_>]) -> bool {
    let Some(Piece::Known(last)) = pieces.last() else {
        return false;
    };
    let Some(head) = last.strip_suffix(":pull-request") else {
        return false;
    };
    match head.rfind(':') {
        Some(i) => {
            let before = &head[i + 1..];
            before.contains('/')
                || (!before.is_empty() && before != "environment" && !CLAIMS.contains(&before))
        }
        None => head.contains('/'),
    }
}

/// Why the subject is none of GitHub's forms.
fn problem(subject: &str) -> Option<String> {
    let Some(rest) = subject.strip_prefix("repo:") else {
        return Some("does not start with `repo:`".into());
    };
    let Some((repo, entity)) = rest.split_once(':') else {
        return Some(
            "names no entity after the repository (`:environment:…`, `:ref:…` or `:pull_request`)"
                .into(),
        );
    };
    let Some((owner, name)) = repo.split_once('/') else {
        return Some(format!("names `{repo}`, not `<owner>/<repo>`"));
    };
    let segment =
        |s: &str| !s.is_empty() && !s.contains(['/', ':']) && !s.contains(char::is_whitespace);
    if !segment(owner) || !segment(name) {
        return Some(format!("names `{repo}`, not `<owner>/<repo>`"));
    }
    // Immutable form: both parts carry `@<numeric id>`; name-based parts carry no `@`.
    let ids = [owner, name].map(|p| p.split_once('@'));
    match ids {
        [None, None] => {}
        [Some((o, oid)), Some((r, rid))]
            if !o.is_empty() && !r.is_empty() && numeric(oid) && numeric(rid) => {}
        _ => {
            return Some(format!(
                "names `{repo}`: the immutable form is `<owner>@<owner-id>/<repo>@<repo-id>` with numeric ids on both"
            ));
        }
    }
    let valid = entity == "pull_request"
        || entity
            .strip_prefix("environment:")
            .is_some_and(|e| !e.is_empty())
        || ["ref:refs/heads/", "ref:refs/tags/"]
            .iter()
            .any(|p| entity.strip_prefix(p).is_some_and(|r| !r.is_empty()));
    (!valid).then(|| {
        format!(
            "ends in `:{}`, which is not `environment:<name>`, `ref:refs/heads/<branch>`, `ref:refs/tags/<tag>` or `pull_request`",
            shorten(entity, 60)
        )
    })
}

/// GitHub's OIDC token claims a customised subject template may include, plus `repo` and the
/// `context` parts (`environment`, `ref`, `pull_request`) of the default template.
const CLAIMS: &[&str] = &[
    "actor",
    "actor_id",
    "base_ref",
    "context",
    "enterprise",
    "enterprise_id",
    "environment",
    "event_name",
    "head_ref",
    "job_workflow_ref",
    "job_workflow_sha",
    "ref",
    "ref_protected",
    "ref_type",
    "repo",
    "repository",
    "repository_id",
    "repository_owner",
    "repository_owner_id",
    "repository_visibility",
    "run_attempt",
    "run_id",
    "run_number",
    "runner_environment",
    "sha",
    "workflow",
    "workflow_ref",
    "workflow_sha",
];

/// Why a customised subject template could not produce the subject: it is a sequence of
/// `claim:value` pairs (and the bare `pull_request` context) whose claims GitHub defines, a
/// `repo` value is `<owner>/<repo>` and a `ref` value a full `refs/…` name.
fn custom_template(subject: &str) -> Option<String> {
    let mut parts = subject.split(':');
    let mut seen = false;
    while let Some(key) = parts.next() {
        if key == "pull_request" {
            seen = true;
            continue;
        }
        if !CLAIMS.contains(&key) {
            return Some(format!(
                "`{}` is not a GitHub token claim",
                shorten(key, 40)
            ));
        }
        let Some(value) = parts.next().filter(|v| !v.is_empty()) else {
            return Some(format!("claim `{key}` has no value"));
        };
        let bad = match key {
            // The name-based or immutable `<owner>/<repo>` of the default template.
            "repo" => problem(&format!("repo:{value}:pull_request")).is_some(),
            "ref" => !value.starts_with("refs/"),
            _ => false,
        };
        if bad {
            return Some(format!("`{key}:{}` is malformed", shorten(value, 60)));
        }
        seen = true;
    }
    (!seen).then(|| "it is empty".into())
}

fn numeric(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_pull_request_hyphen() {
        use Piece::{Hole, Known};
        let hole = |before: &'static str, after: &'static str| {
            [Known(before), Hole("var.x"), Known(after)]
        };
        for decided in [
            hole("repo:", "/orders:pull-request"),
            hole("repo:contoso/", ":x:pull-request"),
        ] {
            assert!(hyphen_decided(&decided), "{decided:?}");
        }
        // The hole may end in `:environment`, or name a claim whose value this is.
        for open in [
            hole("repo:", ":pull-request"),
            hole("repo:", ":environment:pull-request"),
            hole("repo:", ":workflow:pull-request"),
            hole("repo:contoso/orders:", ""),
        ] {
            assert!(!hyphen_decided(&open), "{open:?}");
        }
    }

    #[test]
    fn subjects() {
        for ok in [
            "repo:contoso/orders-api:environment:production",
            "repo:contoso/orders-api:ref:refs/heads/main",
            "repo:contoso/orders-api:ref:refs/heads/release/2.x",
            "repo:contoso/orders-api:ref:refs/tags/v1.2.0",
            "repo:contoso/orders-api:pull_request",
            "repo:contoso@1234567/orders-api@89101112:ref:refs/heads/main",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        for bad in [
            "contoso/orders-api:pull_request",
            "repo:contoso/orders-api",
            "repo:orders-api:pull_request",
            "repo:contoso/orders-api:ref:main",
            "repo:contoso/orders-api:branch:main",
            "repo:contoso/orders-api:environment:",
            "repo:contoso@x/orders-api@1:pull_request",
            "repo:contoso@1/orders-api:pull_request",
            "repo:contoso/orders-api:ref:refs/pull/1/merge",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
        // What a customised template produces: a warning, not an error.
        for custom in [
            "job_workflow_ref:contoso/ci/.github/workflows/deploy.yml@refs/heads/main",
            "repository_owner:contoso:workflow:deploy",
            "repo:contoso/orders-api",
            "repository_owner_id:1342004:repository_id:783301458:ref:refs/heads/main",
            "repo:contoso/orders-api:ref:refs/pull/1/merge",
        ] {
            assert!(problem(custom).is_some(), "{custom}");
            assert_eq!(custom_template(custom), None, "{custom}");
        }
        for malformed in [
            "contoso/orders-api:pull_request",
            "repo:orders-api:pull_request",
            "repo:contoso/orders-api:ref:main",
            "repo:contoso/orders-api:branch:main",
            "repo:contoso/orders-api:environment:",
        ] {
            assert!(custom_template(malformed).is_some(), "{malformed}");
        }
    }
}

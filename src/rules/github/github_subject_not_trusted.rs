//! Entra compares a GitHub token's `sub` with the subjects of the credentials of the identity
//! or app whose client id the job logs in with, exactly (AADSTS700213 / AADSTS70021 when none
//! matches). The subject follows from the workflow: the job's environment, else the ref that
//! triggered the run.

use std::collections::{BTreeSet, HashMap};

use crate::finding::Severity;
use crate::model::azure::Credential;
use crate::model::github::{
    ISSUER, Job, comparable_subject, jobs, remote_repository, workflow_root,
};
use crate::model::k8s::is_guid;
use crate::rules::join::join;
use crate::rules::{Ctx, Findings, levenshtein};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let github: Vec<&Credential<'_>> = ctx
        .model
        .credentials
        .iter()
        .filter(|c| c.issuer_str().map(|i| i.trim_end_matches('/')) == Some(ISSUER))
        .collect();
    if github.is_empty() {
        return;
    }
    let configured = ctx.param_strs("repository").first().map(|r| r.to_string());
    let mut remotes: HashMap<std::path::PathBuf, Option<String>> = HashMap::new();
    for workflow in &ctx.model.workflows {
        for job in jobs(workflow) {
            let Some(creds) = credentials_of(ctx, &job, &github) else {
                let text = job.client_id.node.as_str().unwrap_or_default().to_string();
                out.push(
                    ctx.finding(
                        job.client_id.loc(),
                        "which identity?",
                        format!(
                            "job `{}` logs in with client id `{text}`, which the scan ties to no identity, and the scan holds GitHub credentials of several identities or apps: its subject was not checked",
                            job.id
                        ),
                    )
                    .severity(Severity::Note)
                    .help("map a `vars.`/`secrets.` name to its GUID under `[github] client-ids` in wiflint.toml, and put the identity's export (`az identity show`) beside its credentials"),
                );
                continue;
            };
            let repository = configured.clone().or_else(|| {
                let root = ctx
                    .files
                    .get(workflow.file)
                    .and_then(|f| workflow_root(&f.source.path))?;
                remotes
                    .entry(root)
                    .or_insert_with_key(|root| remote_repository(root))
                    .clone()
            });
            let Some(repository) = repository else {
                out.push(
                    ctx.finding(
                        job.client_id.loc(),
                        "repository unknown",
                        format!(
                            "job `{}` logs in to Azure with OIDC, but the repository it runs in is unknown (no GitHub `origin` remote): its token subject was not checked",
                            job.id
                        ),
                    )
                    .severity(Severity::Note)
                    .help("set `repository = \"<owner>/<repo>\"` under `[github]` in wiflint.toml"),
                );
                continue;
            };
            // No GitHub credential of that identity in the scan (its credentials may be kept
            // elsewhere); a subject the files do not decide, or a flexible credential, may match
            // anything.
            if creds.is_empty()
                || creds.iter().any(|c| {
                    c.subject_str().is_none() || c.props.get("claimsMatchingExpression").is_some()
                })
            {
                continue;
            }
            let trusted: BTreeSet<String> = creds
                .iter()
                .filter_map(|c| c.subject_str())
                .map(comparable_subject)
                .collect();
            for subject in job.subjects(&repository).unwrap_or_default() {
                if trusted.contains(&subject.subject) {
                    continue;
                }
                let nearest = creds
                    .iter()
                    .filter_map(|c| Some((c, c.subject()?)))
                    .min_by_key(|(_, (_, s))| {
                        levenshtein(&comparable_subject(s), &subject.subject)
                    });
                let mut f = ctx.finding(
                    subject.loc,
                    "no credential trusts this subject",
                    format!(
                        "job `{}` gets a token with subject `{}` ({}), which no federated credential of its identity trusts ({} checked): `azure/login` fails with AADSTS700213",
                        job.id,
                        subject.subject,
                        subject.why,
                        creds.len()
                    ),
                )
                .related(job.client_id.loc(), "the identity it logs in as");
                if let Some((cred, (at, s))) = nearest {
                    // GitHub's `pull_request` misprinted `pull-request` in the credential is
                    // `github-subject-invalid`'s error there: one cause, one error.
                    let misprint = s.strip_suffix(":pull-request").is_some_and(|head| {
                        comparable_subject(&format!("{head}:pull_request")) == subject.subject
                    });
                    if misprint {
                        f = f.severity(Severity::Note);
                    }
                    f = f
                        .related(at.loc(), format!("nearest: {}", cred.describe()))
                        .mismatch(s, subject.subject.clone());
                }
                out.push(f.help(format!(
                    "add a federated credential with issuer `{ISSUER}` and subject `{}`, or change the job to match an existing one",
                    subject.subject
                )));
            }
        }
    }
}

/// The client id a job logs in with: a literal GUID, or a `vars.`/`secrets.` name that the
/// config's `[github] client-ids` maps to one.
fn client_id<'c>(ctx: &Ctx<'c>, job: &Job<'c>) -> Option<&'c str> {
    let text = job.client_id.node.as_str()?.trim();
    if is_guid(text) {
        return Some(text);
    }
    let inner = text.strip_prefix("${{")?.strip_suffix("}}")?.trim();
    let name = inner
        .strip_prefix("vars.")
        .or_else(|| inner.strip_prefix("secrets."))?;
    ctx.rule
        .params
        .get("client-ids")?
        .get_str(name)
        .filter(|id| is_guid(id))
}

/// The GitHub credentials the job's client id can use: those of the identity with that client
/// id, else, when the scan holds GitHub credentials of one identity or app only, those.
fn credentials_of<'c, 'a>(
    ctx: &Ctx<'a>,
    job: &Job<'_>,
    github: &[&'c Credential<'a>],
) -> Option<Vec<&'c Credential<'a>>> {
    if let Some(id) = client_id(ctx, job)
        && let Some(owners) = join(ctx).owners_of(id)
    {
        return Some(
            github
                .iter()
                .filter(|c| owners.contains(&c.owner))
                .copied()
                .collect(),
        );
    }
    let owners: BTreeSet<_> = github.iter().map(|c| &c.owner).collect();
    (owners.len() == 1).then(|| github.to_vec())
}

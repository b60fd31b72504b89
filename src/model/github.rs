//! GitHub Actions workflows that log in to Azure with OpenID Connect: the jobs that run
//! `azure/login` with a `client-id` (and no `creds` secret), their permissions, environment and
//! triggers, and the subject their token carries (GitHub's OIDC reference:
//! `repo:<owner>/<repo>:environment:<name>`, `…:ref:refs/heads/<branch>`,
//! `…:ref:refs/tags/<tag>`, `…:pull_request`).

use crate::document::Node;
use crate::finding::Loc;

use super::At;

/// The issuer of GitHub-hosted Actions tokens (github.com; GHES has its own).
pub const ISSUER: &str = "https://token.actions.githubusercontent.com";

/// Whether a document is a workflow: `on` triggers and a `jobs` mapping whose jobs run steps
/// or call a workflow.
pub fn is_workflow(node: &Node) -> bool {
    let Some(jobs) = node.get("jobs").and_then(Node::as_map) else {
        return false;
    };
    node.get("on").is_some()
        && !jobs.is_empty()
        && jobs.iter().all(|j| {
            j.value.get("runs-on").is_some()
                || j.value.get("steps").is_some()
                || j.value.get("uses").is_some()
        })
}

/// A job that logs in to Azure with OIDC.
#[derive(Debug)]
pub struct Job<'a> {
    pub workflow: At<'a>,
    /// The job's mapping (`jobs.<id>`).
    pub at: At<'a>,
    pub id: &'a str,
    /// The `client-id` input of its `azure/login` step.
    pub client_id: At<'a>,
}

/// Where a subject comes from, to point at it.
#[derive(Debug)]
pub struct Subject {
    pub subject: String,
    pub loc: Loc,
    /// What decides it, for messages: `environment `prod``, `push to branch `main``.
    pub why: String,
}

pub fn jobs<'a>(workflow: &At<'a>) -> Vec<Job<'a>> {
    let Some(jobs) = workflow.get("jobs") else {
        return Vec::new();
    };
    jobs.entries()
        .into_iter()
        .filter_map(|(id, job)| {
            let client_id = job.get("steps")?.items().into_iter().find_map(|step| {
                let uses = step.node.get_str("uses")?;
                let with = step.get("with")?;
                (uses.to_ascii_lowercase().starts_with("azure/login@")
                    && with.node.get("creds").is_none())
                .then(|| with.get("client-id"))
                .flatten()
            })?;
            Some(Job {
                workflow: workflow.clone(),
                at: job,
                id,
                client_id,
            })
        })
        .collect()
}

impl<'a> Job<'a> {
    /// The permissions in force: the job's, else the workflow's; `None` when neither sets any.
    pub fn permissions(&self) -> Option<At<'a>> {
        self.at
            .get("permissions")
            .or_else(|| self.workflow.get("permissions"))
    }

    /// Whether the token may be requested: `id-token: write` or `write-all`. `None` when an
    /// expression decides it.
    pub fn can_request_token(&self) -> Option<bool> {
        let Some(permissions) = self.permissions() else {
            // The default permissions (permissive or restricted) never include `id-token`.
            return Some(false);
        };
        if let Some(all) = permissions.node.as_str() {
            return if all.contains("${{") {
                None
            } else {
                Some(all == "write-all")
            };
        }
        match permissions.node.get("id-token").map(|v| v.as_str()) {
            Some(Some(v)) if v.contains("${{") => None,
            Some(Some(v)) => Some(v == "write"),
            Some(None) => None,
            None => Some(false),
        }
    }

    /// The subjects the job's token carries in `repository` (`owner/repo`), for the runs whose
    /// ref the workflow decides: its environment, else each pushed branch or tag it names and
    /// pull requests. A manual, scheduled or other run, a push on any branch and a branch
    /// pattern get their ref when they run, and a job with an `if` condition may not run for
    /// some triggers: they add nothing. `None` when the environment is an expression.
    pub fn subjects(&self, repository: &str) -> Option<Vec<Subject>> {
        if let Some(env) = self.at.get("environment") {
            let name = env.get("name").unwrap_or_else(|| env.clone());
            let n = name
                .node
                .as_str()
                .filter(|n| !n.contains("${{") && !n.is_empty())?;
            return Some(vec![Subject {
                subject: format!("repo:{repository}:environment:{n}"),
                loc: name.loc(),
                why: format!("environment `{n}`"),
            }]);
        }
        // A condition may keep the job from some of the triggers' runs: only an environment,
        // which decides the subject of every run, is certain.
        if self.at.get("if").is_some() {
            return Some(Vec::new());
        }
        let Some(on) = self.workflow.get("on") else {
            return Some(Vec::new());
        };
        let events: Vec<(&str, Option<At<'a>>, Loc)> = if let Some(e) = on.node.as_str() {
            vec![(e, None, on.loc())]
        } else if on.node.as_seq().is_some() {
            on.items()
                .into_iter()
                .filter_map(|i| Some((i.node.as_str()?, None, i.loc())))
                .collect()
        } else {
            on.entries()
                .into_iter()
                .map(|(k, config)| {
                    let loc = config.key_loc();
                    (k, Some(config), loc)
                })
                .collect()
        };
        let mut subjects = Vec::new();
        for (event, config, loc) in events {
            match event {
                "pull_request" => subjects.push(Subject {
                    subject: format!("repo:{repository}:pull_request"),
                    loc,
                    why: "a `pull_request` run".into(),
                }),
                "push" => {
                    for (list, kind) in [("branches", "heads"), ("tags", "tags")] {
                        let Some(names) = config.as_ref().and_then(|c| c.get(list)) else {
                            continue;
                        };
                        for item in names.items() {
                            let Some(name) = item
                                .node
                                .as_str()
                                .filter(|n| !n.contains(['*', '?', '[', '!', '+']))
                            else {
                                continue;
                            };
                            subjects.push(Subject {
                                subject: format!("repo:{repository}:ref:refs/{kind}/{name}"),
                                loc: item.loc(),
                                why: format!("a push to `refs/{kind}/{name}`"),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        Some(subjects)
    }
}

/// `owner/repo` of a GitHub remote URL (`https://github.com/o/r.git`, `git@github.com:o/r.git`,
/// `ssh://git@github.com/o/r`).
pub fn repository_of_remote(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url.strip_prefix("git@github.com:").or_else(|| {
        let no_scheme = url.split_once("://")?.1;
        let host_path = no_scheme.rsplit_once('@').map_or(no_scheme, |(_, h)| h);
        host_path.strip_prefix("github.com/")
    })?;
    let rest = rest.trim_end_matches('/');
    let rest = rest.strip_suffix(".git").unwrap_or(rest);
    let (owner, repo) = rest.split_once('/')?;
    (!owner.is_empty() && !repo.is_empty() && !repo.contains('/'))
        .then(|| format!("{owner}/{repo}"))
}

/// The top level of the repository a workflow file belongs to (`<root>/.github/workflows/<file>`
/// with `.git` in `<root>`): a `.github` further down is not a repository's.
pub fn workflow_root(path: &str) -> Option<std::path::PathBuf> {
    let root = std::path::Path::new(path)
        .ancestors()
        .find(|a| a.file_name().is_some_and(|n| n == ".github"))?
        .parent()?;
    let root = if root.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        root
    };
    root.join(".git").exists().then(|| root.to_path_buf())
}

/// `owner/repo` of a repository's git remote `origin`, asked of git itself (offline: it reads
/// the repository's configuration).
pub fn remote_repository(root: &std::path::Path) -> Option<String> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["config", "--get", "remote.origin.url"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    repository_of_remote(&String::from_utf8_lossy(&output.stdout))
}

/// A credential subject for comparison: the immutable form's ids
/// (`repo:<owner>@<id>/<repo>@<id>:…`) removed, since the files do not say them.
pub fn comparable_subject(subject: &str) -> String {
    let Some(rest) = subject.strip_prefix("repo:") else {
        return subject.to_string();
    };
    let Some((repo, tail)) = rest.split_once(':') else {
        return subject.to_string();
    };
    let strip = |part: &str| -> String {
        match part.split_once('@') {
            Some((name, id)) if id.bytes().all(|b| b.is_ascii_digit()) && !id.is_empty() => {
                name.to_string()
            }
            _ => part.to_string(),
        }
    };
    let repo = repo.split('/').map(strip).collect::<Vec<_>>().join("/");
    format!("repo:{repo}:{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remotes() {
        for url in [
            "https://github.com/contoso/shop.git",
            "git@github.com:contoso/shop.git",
            "ssh://git@github.com/contoso/shop",
            "https://github.com/contoso/shop/\n",
        ] {
            assert_eq!(repository_of_remote(url).as_deref(), Some("contoso/shop"));
        }
        assert_eq!(
            repository_of_remote("https://gitlab.com/contoso/shop.git"),
            None
        );
    }

    #[test]
    fn immutable_subjects_compare_by_name() {
        assert_eq!(
            comparable_subject("repo:contoso@123/shop@456:environment:prod"),
            "repo:contoso/shop:environment:prod"
        );
        assert_eq!(
            comparable_subject("repo:contoso/shop:pull_request"),
            "repo:contoso/shop:pull_request"
        );
    }
}

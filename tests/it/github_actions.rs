//! GitHub Actions as users run it: `wiflint check .` at the root of a repository whose workflows
//! log in to Azure with credentials declared in Terraform.

use super::{check_at, wiflint};

#[test]
fn broken_workflow_reports_permission_and_subject_on_their_lines() {
    let (code, text) = check_at("examples/github-actions/broken");
    assert_eq!(code, Some(1), "{text}");
    for expected in [
        "error[github-id-token-permission-missing]",
        ".github/workflows/deploy.yml:12:7",
        "error[github-subject-not-trusted]",
        ".github/workflows/deploy.yml:27:18",
        // The nearest credential, across formats.
        "infra/identity.tf:14:25",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert!(text.contains("2 errors"), "{text}");
}

#[test]
fn fixed_workflow_is_clean() {
    let (code, text) = check_at("examples/github-actions/fixed");
    assert_eq!(code, Some(0), "{text}");
}

/// The workflow directory is read when scanning `.`, though hidden; the rest of `.github` is not.
#[test]
fn workflows_are_walked_and_other_hidden_paths_are_not() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        workflows.join("ci.yml"),
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join(".github/dependabot.yml"),
        "version: 2\nupdates: []\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = wiflint()
        .args(["check", ".", "--verbose", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["summary"]["files"], 1, "{v}");
    let skipped: Vec<&str> = v["skipped"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["path"].as_str())
        .collect();
    assert_eq!(skipped, [".github/dependabot.yml"], "{v}");
}

/// Without `[github] repository`, the repository is the git remote `origin` of the repository
/// holding `.github/`.
#[test]
fn repository_comes_from_the_git_remote() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .arg("-C")
            .arg(dir.path())
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["remote", "add", "origin", "git@github.com:contoso/shop.git"]);
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        workflows.join("deploy.yml"),
        "on:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n    steps:\n      - uses: azure/login@v2\n        with:\n          client-id: ${{ vars.AZURE_CLIENT_ID }}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("fic.json"),
        r#"{"name": "gh", "issuer": "https://token.actions.githubusercontent.com", "subject": "repo:contoso/shop:ref:refs/heads/release", "audiences": ["api://AzureADTokenExchange"]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = wiflint()
        .args(["check", ".", "--color", "never"])
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("subject `repo:contoso/shop:ref:refs/heads/main`"),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1), "{text}");
}

//! The README's integration snippets are what users copy: each one is parsed and checked against
//! what it refers to (`.pre-commit-hooks.yaml`, `action.yml`, the CLI), and the commands are run.

use std::path::Path;

use super::tools::{self, ROOT};
use serde_json::Value;

use super::wiflint;

fn readme() -> String {
    std::fs::read_to_string(Path::new(ROOT).join("README.md"))
        .unwrap_or_else(|e| panic!("README.md: {e}"))
}

/// The text of the `## {heading}` section, up to the next `## ` heading.
fn section(readme: &str, heading: &str) -> String {
    let start = readme
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("README has no `## {heading}` section"));
    let body = &readme[start + 1..];
    let end = body[3..].find("\n## ").map_or(body.len(), |e| e + 3);
    body[..end].to_string()
}

/// The fenced code blocks of `lang` in `text`.
fn blocks(text: &str, lang: &str) -> Vec<String> {
    let fence = format!("```{lang}\n");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&fence) {
        let body = &rest[start + fence.len()..];
        let end = body
            .find("```")
            .unwrap_or_else(|| panic!("unclosed ```{lang} block"));
        out.push(body[..end].to_string());
        rest = &body[end..];
    }
    out
}

/// `https://github.com/<owner>/<repo>`, from the rule docs' base URL.
fn repo_url() -> String {
    let base = wiflint::render::DOCS_BASE;
    base.split("/blob/")
        .next()
        .unwrap_or_else(|| panic!("{base}"))
        .to_string()
}

fn release_tag() -> String {
    format!("v{}", env!("CARGO_PKG_VERSION"))
}

fn hooks() -> serde_json::Value {
    tools::yaml(
        &std::fs::read_to_string(Path::new(ROOT).join(".pre-commit-hooks.yaml"))
            .unwrap_or_else(|e| panic!("{e}")),
    )
}

#[test]
fn readme_pre_commit_snippets_name_our_hook() {
    let text = section(&readme(), "pre-commit");
    let yaml = blocks(&text, "yaml");
    assert_eq!(yaml.len(), 3, "{text}");
    let hooks = hooks();
    let ours = &hooks[0];
    // The mirror's hook (pre-commit-mirror/) runs the same command on the same files.
    let mirror_hooks = tools::yaml(
        &std::fs::read_to_string(Path::new(ROOT).join("pre-commit-mirror/.pre-commit-hooks.yaml"))
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let mirror_hook = &mirror_hooks[0];
    assert_eq!(mirror_hook["language"], "python");
    for key in [
        "id",
        "entry",
        "types_or",
        "pass_filenames",
        "require_serial",
    ] {
        assert_eq!(
            mirror_hook[key], ours[key],
            "the mirror's hook differs in `{key}`"
        );
    }
    let mirror = tools::yaml(&yaml[0]);
    let repo = &mirror["repos"][0];
    assert_eq!(repo["repo"], format!("{}-pre-commit", repo_url()).as_str());
    assert_eq!(repo["rev"], release_tag().as_str());
    assert_eq!(repo["hooks"][0]["id"], ours["id"]);
    let config = tools::yaml(&yaml[1]);
    let repo = &config["repos"][0];
    assert_eq!(repo["repo"], repo_url().as_str());
    assert_eq!(
        repo["rev"],
        release_tag().as_str(),
        "rev names this version's tag"
    );
    assert_eq!(repo["hooks"][0]["id"], ours["id"]);
    // The local variant runs the same command on the same files.
    let local = tools::yaml(&format!("repos:\n{}", yaml[2]));
    let local = &local["repos"][0];
    assert_eq!(local["repo"], "local");
    let hook = &local["hooks"][0];
    assert_eq!(hook["id"], ours["id"]);
    assert_eq!(hook["entry"], ours["entry"]);
    assert_eq!(hook["language"], "system");
    assert_eq!(hook["files"], ours["files"]);
    assert_eq!(hook["types_or"], ours["types_or"]);
    assert_eq!(hook["require_serial"], true);
}

#[test]
fn readme_workflow_uses_the_action_and_uploads_sarif() {
    let text = section(&readme(), "CI (GitHub)");
    let yaml = blocks(&text, "yaml");
    assert_eq!(yaml.len(), 2, "{text}");
    let workflow = tools::yaml(&yaml[0]);
    assert!(workflow["on"].is_object(), "{workflow}");
    let action = tools::yaml(
        &std::fs::read_to_string(Path::new(ROOT).join("action.yml"))
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let jobs = workflow["jobs"].as_object().cloned().unwrap_or_default();
    assert_eq!(jobs.len(), 1);
    let job = jobs.values().next().cloned().unwrap_or_default();
    assert_eq!(job["permissions"]["security-events"], "write");
    let steps = job["steps"].as_array().cloned().unwrap_or_default();
    let uses = |s: &serde_json::Value| s["uses"].as_str().unwrap_or("").to_string();
    let ours = steps
        .iter()
        .find(|s| uses(s).starts_with("wiflint/"))
        .unwrap_or_else(|| panic!("no step uses the action:\n{}", yaml[0]));
    let action_ref = format!(
        "{}@{}",
        repo_url().trim_start_matches("https://github.com/"),
        release_tag()
    );
    assert_eq!(uses(ours), action_ref);
    for key in ours["with"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
    {
        assert!(
            action["inputs"][key].is_object(),
            "the workflow passes `{key}`, which action.yml does not declare"
        );
    }
    let id = ours["id"].as_str().unwrap_or_default();
    let upload = steps
        .iter()
        .find(|s| uses(s).starts_with("github/codeql-action/upload-sarif@"))
        .unwrap_or_else(|| panic!("no upload-sarif step"));
    assert_eq!(uses(upload), "github/codeql-action/upload-sarif@v3");
    assert_eq!(upload["if"], "always()");
    assert_eq!(
        upload["with"]["sarif_file"],
        format!("${{{{ steps.{id}.outputs.sarif-file }}}}").as_str()
    );
    assert!(action["outputs"]["sarif-file"].is_object());
    // The annotations alternative: its `wiflint` command, run on the broken example.
    let alternative = tools::yaml(&yaml[1]);
    let command = alternative
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["run"].as_str())
        .find(|r| r.starts_with("wiflint "))
        .unwrap_or_else(|| panic!("no `run: wiflint …` step:\n{}", yaml[1]))
        .to_string();
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let out = wiflint()
        .args(&args)
        .current_dir(Path::new(ROOT).join("examples/broken"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .lines()
            .all(|l| ["::error ", "::warning ", "::notice "]
                .iter()
                .any(|p| l.starts_with(p))),
        "{stdout}"
    );
    assert!(
        stdout.contains("::error file=api.yaml,line=14,col=38"),
        "{stdout}"
    );
}

#[test]
fn readme_editors_snippet_writes_sarif_a_viewer_can_open() {
    let text = section(&readme(), "Editors");
    let sh = blocks(&text, "sh");
    let command = sh
        .iter()
        .flat_map(|b| b.lines())
        .find(|l| l.starts_with("wiflint "))
        .unwrap_or_else(|| panic!("no wiflint command in:\n{text}"))
        .to_string();
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let output = args
        .iter()
        .position(|a| *a == "--output")
        .and_then(|i| args.get(i + 1))
        .unwrap_or_else(|| panic!("`{command}` writes no file"));
    assert!(
        args.windows(2).any(|w| w == ["--format", "sarif"]),
        "{command}"
    );
    // Run it from a workspace root: a copy of the broken example.
    let ws = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for name in ["api.yaml", "serviceaccount.yaml", "workers.yaml"] {
        std::fs::copy(
            Path::new(ROOT).join("examples/broken").join(name),
            ws.path().join(name),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
    wiflint()
        .args(&args)
        .current_dir(ws.path())
        .assert()
        .code(1)
        .stdout("");
    let text = std::fs::read_to_string(ws.path().join(output)).unwrap_or_else(|e| panic!("{e}"));
    let log = super::sarif::validate(&text);
    // Every location resolves against the workspace root, as a viewer resolves it.
    let mut uris = Vec::new();
    for result in log["runs"][0]["results"].as_array().into_iter().flatten() {
        for loc in result["locations"]
            .as_array()
            .into_iter()
            .chain(result["relatedLocations"].as_array())
            .flatten()
        {
            uris.push(
                loc["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
        }
    }
    assert!(!uris.is_empty());
    for uri in uris {
        assert!(ws.path().join(&uri).is_file(), "`{uri}` does not resolve");
    }
}

#[test]
fn readme_configuration_snippet_is_a_valid_config() {
    let repo = super::workflow::Repo::new();
    repo.copy("examples/broken/api.yaml", "k8s/api.yaml")
        .copy("examples/broken/api.yaml", "legacy/api.yaml")
        .write("policy/wiflint/.keep", "")
        .write(
            "wiflint.toml",
            &blocks(&section(&readme(), "Configuration"), "toml")[0],
        );
    let report = repo.json(&["check", ".", "-f", "json", "--show-suppressed"]);
    let suppressed = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == "client-secret-env" && f.get("suppressed").is_some())
        .count();
    assert_eq!(suppressed, 1, "{report}");
}

#[test]
fn readme_auditor_snippet_runs() {
    let repo = super::workflow::Repo::new();
    for entry in ["api.yaml", "payments.yaml", "azure/fic-payments.json"] {
        repo.copy(
            &format!("examples/broken/{entry}"),
            &format!("examples/broken/{entry}"),
        );
    }
    let block = blocks(
        &section(&readme(), "Auditors: complete reports and baselines"),
        "sh",
    )
    .remove(0);
    let commands: Vec<Vec<&str>> = block
        .lines()
        .filter_map(|l| l.strip_prefix("wiflint "))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(commands.len(), 3, "{block}");
    for args in &commands {
        repo.run(args).code(0);
    }
    let report: Value =
        serde_json::from_str(&repo.read("new-findings.json")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report["findings"], serde_json::json!([]));
    assert!(report["summary"]["baselined"].as_u64().unwrap_or(0) > 0);
}

#[test]
fn readme_rule_list_is_what_wiflint_rules_prints() {
    let listed = blocks(&section(&readme(), "Rules"), "text").remove(0);
    let out = wiflint()
        .args(["rules"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        listed,
        String::from_utf8_lossy(&out.stdout),
        "the README's rule list is stale: paste `wiflint rules` into it"
    );
}

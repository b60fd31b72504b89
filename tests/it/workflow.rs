//! What teams set up once: wiflint.toml, suppressions, baselines, custom rules, `init`.

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::Value;

use super::wiflint;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// A throwaway repository holding copies of the bundled examples.
pub(crate) struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        Repo { dir }
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub(crate) fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        self
    }

    pub(crate) fn copy(&self, from: &str, to: &str) -> &Self {
        let text = std::fs::read_to_string(Path::new(REPO).join(from))
            .unwrap_or_else(|e| panic!("{from}: {e}"));
        self.write(to, &text)
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub(crate) fn run(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        let mut cmd = wiflint();
        cmd.current_dir(self.dir.path()).args(args).assert()
    }

    pub(crate) fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args).get_output().stdout.clone();
        serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{args:?}: {e}"))
    }
}

fn rules_of(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["rule"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn config_is_found_upward_and_applies() {
    let repo = Repo::new();
    repo.copy("examples/broken/api.yaml", "deploy/k8s/api.yaml").write(
        "wiflint.toml",
        "[rules.severity]\nclient-secret-env = \"error\"\n\n[rules]\nignore = [\"service-account-not-found\"]\n",
    );
    let report = repo.json(&["check", "deploy/k8s", "--format", "json"]);
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let secret = findings.iter().find(|f| f["rule"] == "client-secret-env");
    assert_eq!(secret.map(|f| f["severity"].clone()), Some("error".into()));
    assert!(!rules_of(&report).contains(&"service-account-not-found".to_string()));
    // --no-config: defaults again.
    let report = repo.json(&["check", "deploy/k8s", "--format", "json", "--no-config"]);
    assert!(rules_of(&report).contains(&"service-account-not-found".to_string()));
    // --config names another file; --select replaces the config's selection.
    repo.write("other.toml", "[rules]\nselect = [\"wi-label-not-true\"]\n");
    let report = repo.json(&["check", "deploy", "-f", "json", "--config", "other.toml"]);
    assert_eq!(rules_of(&report), ["wi-label-not-true"]);
    let report = repo.json(&[
        "check",
        "deploy",
        "-f",
        "json",
        "--config",
        "other.toml",
        "--select",
        "client-secret-env",
    ]);
    assert_eq!(rules_of(&report), ["client-secret-env"]);
}

#[test]
fn config_errors_point_into_the_file_and_exit_2() {
    let repo = Repo::new();
    repo.copy("examples/fixed/api.yaml", "api.yaml");
    for (toml, expected) in [
        (
            "[scan]\nexclud = []\n",
            "wiflint.toml:2:1: unknown key `exclud` in [scan] (did you mean `exclude`?)",
        ),
        (
            "[rules]\nignore = [\"wi-label-not-tru\"]\n",
            "wiflint.toml:2:11: unknown rule id `wi-label-not-tru` (did you mean `wi-label-not-true`?)",
        ),
        (
            "[rules.severity]\nwi-label-missing = \"fatal\"\n",
            "wiflint.toml:2:20: severity `fatal` must be one of: error, warning, note",
        ),
        (
            "[rules.params.credential-limit-exceeded]\nlimit = \"20\"\n",
            "wiflint.toml:2:9: parameter `limit` of `credential-limit-exceeded` must be an integer, like its default",
        ),
        (
            "[rules.params.credential-limit-exceeded]\nmax = 20\n",
            "wiflint.toml:2:1: rule `credential-limit-exceeded` has no parameter `max` (its parameters: limit, warn-at)",
        ),
        (
            "[[suppress]]\nrules = [\"client-secret-env\"]\n",
            "wiflint.toml:1:1: a `[[suppress]]` entry needs a `reason`",
        ),
        ("[scan\n", "wiflint.toml:1:"),
    ] {
        repo.write("wiflint.toml", toml);
        repo.run(&["check", "."])
            .code(2)
            .stderr(predicate::str::contains(expected));
    }
}

#[test]
fn rule_parameters_audience_and_cluster_issuers_from_config() {
    let repo = Repo::new();
    repo.copy(
        "testdata/rules/credential-limit-exceeded/fail-near-limit.json",
        "fic.json",
    );
    let near = |report: &Value| {
        rules_of(report)
            .iter()
            .filter(|r| *r == "credential-limit-exceeded")
            .count()
    };
    assert_eq!(near(&repo.json(&["check", ".", "-f", "json"])), 1);
    repo.write(
        "wiflint.toml",
        "[rules.params.credential-limit-exceeded]\nwarn-at = 19\n",
    );
    assert_eq!(near(&repo.json(&["check", ".", "-f", "json"])), 0);

    // A changed webhook audience: the default one is now the wrong one.
    let repo = Repo::new();
    repo.copy("examples/fixed/azure/fic-orders.json", "fic.json");
    assert!(
        !rules_of(&repo.json(&["check", ".", "-f", "json"]))
            .contains(&"audience-not-default".into())
    );
    repo.write(
        "wiflint.toml",
        "[kubernetes]\nwebhook-audience = \"api://contoso-tokens\"\n",
    );
    let report = repo.json(&["check", ".", "-f", "json"]);
    assert!(rules_of(&report).contains(&"audience-not-default".into()));

    // A cluster issuer known out of band: credentials for another cluster are flagged without
    // any `az aks show` export in the scan.
    repo.write(
        "wiflint.toml",
        "[azure]\ncluster-issuers = [\"https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000001/00000000-0000-0000-0000-000000000002/\"]\n",
    );
    let report = repo.json(&["check", ".", "-f", "json"]);
    assert!(rules_of(&report).contains(&"issuer-cluster-mismatch".into()));
}

#[test]
fn excludes_are_listed_as_skipped() {
    let repo = Repo::new();
    repo.copy("examples/broken/api.yaml", "k8s/api.yaml")
        .copy("examples/broken/api.yaml", "vendor/chart/api.yaml")
        .write("wiflint.toml", "[scan]\nexclude = [\"vendor/\"]\n");
    let report = repo.json(&["check", ".", "-f", "json"]);
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(
        report["skipped"],
        serde_json::json!([{"path": "vendor", "reason": "excluded by `vendor/` in the config"}])
    );
    // Named explicitly (as pre-commit does), an excluded file is still excluded.
    let report = repo.json(&["check", "vendor/chart/api.yaml", "-f", "json"]);
    assert_eq!(report["summary"]["files"], 0);
    assert_eq!(report["skipped"][0]["path"], "vendor/chart/api.yaml");
}

const LABEL_LINE: &str = "        azure.workload.identity/use: \"True\"\n";

#[test]
fn inline_and_annotation_suppressions_in_every_format() {
    let repo = Repo::new();
    let api = std::fs::read_to_string(Path::new(REPO).join("examples/broken/api.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(api.contains(LABEL_LINE));
    let api = api.replacen(
        LABEL_LINE,
        "        azure.workload.identity/use: \"True\"  # wiflint: ignore[wi-label-not-true] vendor chart, fixed in 2.1\n",
        1,
    );
    let api = api.replacen(
        "  namespace: orders\nspec:",
        "  namespace: orders\n  annotations:\n    wiflint.io/ignore: \"client-secret-env: legacy SDK until PLAT-99\"\nspec:",
        1,
    );
    repo.write("api.yaml", &api);

    let report = repo.json(&["check", "api.yaml", "-f", "json"]);
    assert_eq!(report["summary"]["suppressed"], 2);
    let rules = rules_of(&report);
    assert!(!rules.contains(&"wi-label-not-true".into()), "{rules:?}");
    assert!(!rules.contains(&"client-secret-env".into()), "{rules:?}");

    let report = repo.json(&["check", "api.yaml", "-f", "json", "--show-suppressed"]);
    let suppressed: Vec<(String, Value)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f.get("suppressed").is_some())
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").into(),
                f["suppressed"].clone(),
            )
        })
        .collect();
    assert_eq!(
        suppressed,
        [
            (
                "wi-label-not-true".to_string(),
                serde_json::json!({"kind": "inline", "reason": "vendor chart, fixed in 2.1"})
            ),
            (
                "client-secret-env".to_string(),
                serde_json::json!({"kind": "annotation", "reason": "legacy SDK until PLAT-99"})
            ),
        ]
    );

    repo.run(&["check", "api.yaml", "--color", "never"])
        .code(0)
        .stdout(predicate::str::ends_with(
            "0 errors, 1 warning, 1 note in 1 file (2 suppressed)\n",
        ));
    repo.run(&["check", "api.yaml", "--color", "never", "--show-suppressed"])
        .stdout(predicate::str::contains(
            "suppressed (inline): vendor chart, fixed in 2.1",
        ));

    let out = repo
        .run(&["check", "api.yaml", "-f", "sarif"])
        .get_output()
        .stdout
        .clone();
    let sarif = super::sarif::validate(&String::from_utf8_lossy(&out));
    let results = sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let label = results.iter().find(|r| r["ruleId"] == "wi-label-not-true");
    assert_eq!(
        label.map(|r| r["suppressions"].clone()),
        Some(serde_json::json!([{
            "kind": "inSource", "status": "accepted", "justification": "vendor chart, fixed in 2.1"
        }]))
    );
    // GitHub annotations show only what is not suppressed.
    repo.run(&["check", "api.yaml", "-f", "github"])
        .stdout(predicate::str::contains("wi-label-not-true").not());
}

#[test]
fn config_suppressions_and_unused_ones() {
    let repo = Repo::new();
    repo.copy("examples/broken/api.yaml", "legacy/api.yaml")
        .copy("examples/broken/api.yaml", "k8s/api.yaml")
        .write(
            "wiflint.toml",
            "[[suppress]]\nrules = [\"wi-label-not-true\", \"client-id-missing\"]\npaths = [\"legacy/\"]\nreason = \"legacy moves to WI in Q3\"\n",
        );
    let report = repo.json(&["check", ".", "-f", "json", "--show-suppressed"]);
    let label: Vec<(String, bool)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == "wi-label-not-true")
        .map(|f| {
            (
                f["location"]["path"].as_str().unwrap_or("").to_string(),
                f.get("suppressed").is_some(),
            )
        })
        .collect();
    assert_eq!(
        label,
        [
            ("k8s/api.yaml".to_string(), false),
            ("legacy/api.yaml".to_string(), true)
        ]
    );
    // `client-id-missing` matched nothing: reported at its place in wiflint.toml.
    let unused: Vec<&Value> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == "unused-suppression")
        .collect();
    assert_eq!(unused.len(), 1, "{unused:?}");
    assert_eq!(unused[0]["location"]["path"], "wiflint.toml");
    assert_eq!(unused[0]["location"]["line"], 2);
    assert_eq!(unused[0]["location"]["column"], 31);
    let out = repo
        .run(&["check", ".", "-f", "sarif"])
        .get_output()
        .stdout
        .clone();
    let sarif = super::sarif::validate(&String::from_utf8_lossy(&out));
    let kinds: Vec<Value> = sarif["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("suppressions"))
        .map(|s| s[0]["kind"].clone())
        .collect();
    assert_eq!(kinds, [Value::from("external")]);
    // Suppressions of rules that did not run are not judged.
    let report = repo.json(&[
        "check",
        ".",
        "-f",
        "json",
        "--select",
        "wi-label-not-true,unused-suppression",
    ]);
    assert!(!rules_of(&report).contains(&"unused-suppression".into()));
}

#[test]
fn baselines_survive_edits_elsewhere_and_catch_new_findings() {
    let repo = Repo::new();
    repo.copy("examples/broken/api.yaml", "k8s/api.yaml")
        .copy("examples/broken/azure/fic-payments.json", "azure/fic.json");
    repo.run(&["check", ".", "--write-baseline", "baseline.json"])
        .code(0)
        .stderr(predicate::str::contains("to the baseline baseline.json"));
    let recorded: Value =
        serde_json::from_str(&repo.read("baseline.json")).unwrap_or_else(|e| panic!("{e}"));
    let n = recorded["findings"].as_array().map_or(0, Vec::len);
    assert!(n >= 3, "{recorded}");

    repo.run(&["check", ".", "--baseline", "baseline.json"])
        .code(0)
        .stdout(predicate::str::contains("in the baseline"));
    let report = repo.json(&["check", ".", "--baseline", "baseline.json", "-f", "json"]);
    assert_eq!(report["summary"]["baselined"], n);
    assert_eq!(report["findings"], serde_json::json!([]));

    // Another document above and a comment shift every line: nothing is new.
    let api = repo.read("k8s/api.yaml");
    repo.write(
        "k8s/api.yaml",
        &format!("# moved down\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: orders\n---\n{api}"),
    );
    let report = repo.json(&["check", ".", "--baseline", "baseline.json", "-f", "json"]);
    assert_eq!(report["findings"], serde_json::json!([]), "{report}");

    // A new problem is reported, and fails the run.
    repo.write(
        "k8s/api.yaml",
        &repo.read("k8s/api.yaml").replacen(
            "azure.workload.identity/use: \"True\"",
            "azure.workload.identity/use: \"yes\"",
            1,
        ),
    );
    let report = repo.json(&["check", ".", "--baseline", "baseline.json", "-f", "json"]);
    assert_eq!(rules_of(&report), ["wi-label-not-true"]);
    repo.run(&["check", ".", "--baseline", "baseline.json"])
        .code(1);

    // The same fingerprints go into SARIF.
    let sarif = repo.json(&["check", ".", "-f", "sarif"]);
    let fingerprints: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            r["partialFingerprints"]["wiflint/v1"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    let recorded: Vec<String> = recorded["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["fingerprint"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        fingerprints.iter().filter(|f| recorded.contains(f)).count(),
        n - 1
    );

    // From another working directory (a subdirectory, and the parent with the repository's own
    // name in every path), the baseline's paths still name the same files.
    repo.write(
        "k8s/api.yaml",
        &repo.read("k8s/api.yaml").replacen(
            "azure.workload.identity/use: \"yes\"",
            "azure.workload.identity/use: \"True\"",
            1,
        ),
    );
    let mut cmd = super::wiflint();
    cmd.current_dir(repo.path("k8s"))
        .args(["check", "..", "--baseline", "../baseline.json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!("{n} in the baseline)")));
    let name = repo
        .dir
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let name = name.unwrap_or_default();
    let mut cmd = super::wiflint();
    let baseline = format!("{name}/baseline.json");
    cmd.current_dir(repo.path(".."))
        .args(["check", name.as_str(), "--baseline", baseline.as_str()])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("warning").not());
    // A baseline that matches nothing says so.
    repo.write("other/pod.yaml", &repo.read("k8s/api.yaml"));
    let mut cmd = super::wiflint();
    cmd.current_dir(repo.path("other"))
        .args(["check", "pod.yaml", "--baseline", "../baseline.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "warning: none of the {n} entries of the baseline ../baseline.json matched a finding"
        )));

    repo.write("bad.json", "{\"version\": 1, \"findings\": [}");
    repo.run(&["check", ".", "--baseline", "bad.json"])
        .code(2)
        .stderr(predicate::str::contains("bad.json:1:"));
}

#[test]
fn custom_rules_from_the_documented_examples() {
    let repo = Repo::new();
    repo.copy("examples/fixed/payments.yaml", "k8s/payments.yaml")
        .copy(
            "examples/custom-rules/wi-service-account-team-label.yaml",
            "policy/wi-service-account-team-label.yaml",
        )
        .copy(
            "examples/custom-rules/wi-image-from-acr.yaml",
            "policy/wi-image-from-acr.yaml",
        )
        .write("wiflint.toml", "[scan]\ncustom-rules = [\"policy\"]\n");
    let report = repo.json(&["check", "k8s", "-f", "json"]);
    let rules = rules_of(&report);
    assert_eq!(
        rules
            .iter()
            .filter(|r| *r == "wi-service-account-team-label")
            .count(),
        2,
        "{rules:?}"
    );
    assert_eq!(
        rules.iter().filter(|r| *r == "wi-image-from-acr").count(),
        2
    );
    let team = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["rule"] == "wi-service-account-team-label");
    assert_eq!(team.map(|f| f["location"]["line"].clone()), Some(4.into()));
    // The rules show up in SARIF rule metadata and can be suppressed like any other.
    let sarif = repo.json(&["check", "k8s", "-f", "sarif"]);
    let ids: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(ids.contains(&"wi-image-from-acr"));

    // `rules` and `explain` from the repository describe them too.
    repo.run(&["rules"])
        .code(0)
        .stdout(predicate::str::contains("wi-image-from-acr"));
    repo.run(&["explain", "wi-service-account-team-label"])
        .code(0)
        .stdout(predicate::str::contains("## What it checks"));

    // The docs show exactly these files.
    let docs = std::fs::read_to_string(Path::new(REPO).join("docs/custom-rules.md"))
        .unwrap_or_else(|e| panic!("{e}"));
    for file in [
        "wi-service-account-team-label.yaml",
        "wi-image-from-acr.yaml",
    ] {
        let text = repo.read(&format!("policy/{file}"));
        assert!(
            docs.contains(&text),
            "docs/custom-rules.md is stale for {file}"
        );
    }

    // A broken custom rule is an error with its position.
    repo.write(
        "policy/broken.yaml",
        "id: Broken_Rule\nseverity: error\nsummary: x\ntemplate: field.required\ndocs: x\n",
    );
    repo.run(&["check", "k8s"])
        .code(2)
        .stderr(predicate::str::contains(
            "policy/broken.yaml:1:5: rule id `Broken_Rule` must be kebab-case",
        ));
}

#[test]
fn init_writes_a_valid_starter_config_once() {
    let repo = Repo::new();
    repo.copy("examples/broken/api.yaml", "api.yaml");
    repo.run(&["init"]).code(0);
    let written = repo.read("wiflint.toml");
    for key in [
        "[scan]",
        "exclude",
        "custom-rules",
        "[kubernetes]",
        "webhook-audience",
        "[azure]",
        "cluster-issuers",
        "[rules]",
        "[rules.severity]",
        "[[suppress]]",
    ] {
        assert!(written.contains(key), "starter lacks {key}");
    }
    repo.run(&["check", "."]).code(1);
    repo.run(&["init"])
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    repo.run(&["init", "--force"]).code(0);
}

/// A scan that takes over a second (standard input arrives late) shows progress on a terminal,
/// and never when stderr is a pipe, as in CI.
#[test]
fn progress_only_on_a_terminal_and_only_for_slow_scans() {
    let bin = env!("CARGO_BIN_EXE_wiflint");
    let slow = format!(
        "(sleep 1.5; cat examples/broken/api.yaml) | '{bin}' check - examples/broken >/dev/null"
    );
    let piped = std::process::Command::new("sh")
        .args(["-c", &slow])
        .current_dir(REPO)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!String::from_utf8_lossy(&piped.stderr).contains("reading"));
    // `script` gives the command a terminal (util-linux); skip visibly where it is missing.
    let Ok(tty) = std::process::Command::new("script")
        .args(["-qec", &format!("sh -c \"{slow}\""), "/dev/null"])
        .current_dir(REPO)
        .output()
    else {
        super::tools::not_run(
            "progress on a terminal",
            "`script` (util-linux) is not installed",
        );
        return;
    };
    let shown = String::from_utf8_lossy(&tty.stdout);
    assert!(shown.contains("reading 17/17 files"), "{shown:?}");
    // A quick scan stays silent even on a terminal.
    let quick = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("'{bin}' check examples/fixed >/dev/null"),
            "/dev/null",
        ])
        .current_dir(REPO)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!String::from_utf8_lossy(&quick.stdout).contains("reading"));
}

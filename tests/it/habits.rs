//! The command-line habits users bring from ruff, zizmor, Checkov and Trivy: the extra output
//! formats (each checked against its documented format), `--exit-zero`, `--quiet`,
//! `--statistics`, `--output-format`, `-o -`, `--stdin-filename`, rule areas in `--select`,
//! `--show-settings`, a closed pipe, SARIF for a scan with no inputs, and FORCE_COLOR.

use std::io::Read;
use std::process::{Command, Stdio};

use predicates::prelude::*;
use serde_json::Value;

use super::tools::{self, ROOT};
use super::wiflint;

fn stdout(args: &[&str]) -> (Option<i32>, String) {
    let out = wiflint()
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn concise_is_one_line_per_finding_in_the_compiler_shape() {
    let (code, text) = stdout(&["check", "examples/broken", "--format", "concise"]);
    assert_eq!(code, Some(1));
    let (_, json) = stdout(&["check", "examples/broken", "--format", "json"]);
    let json: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(text.lines().count(), findings.len());
    let shape = regex::Regex::new(r"^[^:\n]+:\d+:\d+: (error|warning|note)\[[a-z0-9-]+\] .+$")
        .unwrap_or_else(|e| panic!("{e}"));
    for (line, f) in text.lines().zip(&findings) {
        assert!(shape.is_match(line), "{line}");
        let want = format!(
            "{}:{}:{}: {}[{}] ",
            f["location"]["path"].as_str().unwrap_or(""),
            f["location"]["line"],
            f["location"]["column"],
            f["severity"].as_str().unwrap_or(""),
            f["rule"].as_str().unwrap_or("")
        );
        assert!(line.starts_with(&want), "{line}\nwant {want}");
    }
}

#[test]
fn azure_pipelines_logging_commands() {
    let (code, text) = stdout(&["check", "examples/broken", "--format", "azure"]);
    assert_eq!(code, Some(1));
    // `##vso[area.action property=value;…]message`, as Azure Pipelines' logging commands are
    // documented; values carry no raw `;` `]` or newline.
    let command = regex::Regex::new(
        r"^##vso\[task\.logissue type=(error|warning);sourcepath=[^;\]\r\n]+;linenumber=\d+;columnnumber=\d+;code=[a-z0-9-]+;\][^\r\n]+$",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let lines: Vec<&str> = text.lines().collect();
    assert!(!lines.is_empty());
    for line in &lines {
        assert!(
            command.is_match(line) || line.contains(": note["),
            "not a logging command: {line}"
        );
    }
    assert!(text.contains(
        "##vso[task.logissue type=error;sourcepath=examples/broken/api.yaml;linenumber=14;columnnumber=38;code=wi-label-not-true;]"
    ));
}

#[test]
fn gitlab_code_quality_matches_the_documented_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string("testdata/schemas/gitlab-code-quality.json")
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{e}"));
    for (dir, code) in [("examples/broken", 1), ("examples/fixed", 0)] {
        let (got, text) = stdout(&["check", dir, "--format", "gitlab"]);
        assert_eq!(got, Some(code));
        let report: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}", errors.join("\n"));
        let issues = report.as_array().cloned().unwrap_or_default();
        let mut prints: Vec<&str> = issues
            .iter()
            .filter_map(|i| i["fingerprint"].as_str())
            .collect();
        let n = prints.len();
        prints.sort_unstable();
        prints.dedup();
        assert_eq!(prints.len(), n, "GitLab shows one issue per fingerprint");
        assert_eq!(code == 0, issues.is_empty());
    }
    // The schema is not one that accepts anything.
    let bad = serde_json::json!([{ "description": "x", "check_name": "y", "fingerprint": "z",
        "severity": "error", "location": { "path": "a.yaml" } }]);
    assert!(!validator.is_valid(&bad));
}

#[test]
fn junit_is_read_by_a_junit_parser() {
    let Some(tools) = tools::python("junit_is_read_by_a_junit_parser") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let script = "import sys, junitparser\n\
        x = junitparser.JUnitXml.fromfile(sys.argv[1])\n\
        cases = [c for s in x for c in s]\n\
        failed = [c for c in cases if not c.is_passed]\n\
        print(len(cases), len(failed), sum(1 for s in x))\n";
    for (dir, want) in [("examples/broken", None), ("examples/fixed", Some("1 0 1"))] {
        let file = tmp.path().join("report.xml");
        wiflint()
            .args(["check", dir, "--format", "junit", "--output"])
            .arg(&file)
            .assert()
            .code(if want.is_some() { 0 } else { 1 });
        let out = Command::new(tools.join("venv/bin/python"))
            .args(["-c", script])
            .arg(&file)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = String::from_utf8_lossy(&out.stdout).trim().to_string();
        match want {
            Some(w) => assert_eq!(got, w),
            None => {
                let (_, json) = stdout(&["check", dir, "--format", "json"]);
                let json: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
                let n = json["findings"].as_array().map_or(0, Vec::len);
                let parts: Vec<usize> = got.split(' ').filter_map(|p| p.parse().ok()).collect();
                assert_eq!(&parts[..2], &[n, n], "every finding is a failed test case");
            }
        }
    }
}

#[test]
fn exit_zero_quiet_and_statistics() {
    wiflint()
        .args(["check", "examples/broken", "--exit-zero"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("error[wi-label-not-true]"));
    // Exit 2 still means wiflint failed.
    wiflint()
        .args(["check", "no/such/path", "--exit-zero"])
        .assert()
        .code(2);
    let (_, quiet) = stdout(&["check", "examples/broken", "-q"]);
    assert!(quiet.contains("error[wi-label-not-true]"));
    let (_, loud) = stdout(&["check", "examples/broken"]);
    let summary = loud.lines().last().unwrap_or("").to_string();
    assert!(
        summary.contains(" errors, ") && summary.contains(" files"),
        "{summary}"
    );
    assert!(!quiet.contains(&summary));

    let (code, stats) = stdout(&["check", "examples/broken", "--statistics"]);
    assert_eq!(code, Some(1));
    assert!(!stats.contains("╭"), "no findings, only counts:\n{stats}");
    // The same counts (the hint about `--verbose` is the full report's).
    let counts = summary.split(';').next().unwrap_or("");
    assert_eq!(stats.lines().last(), Some(counts));
    let (_, json) = stdout(&["check", "examples/broken", "--format", "json"]);
    let json: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    let by_rule = json["summary"]["by_rule"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let total: u64 = by_rule.iter().filter_map(|r| r["count"].as_u64()).sum();
    assert_eq!(
        total as usize,
        json["findings"].as_array().map_or(0, Vec::len)
    );
    assert_eq!(stats.lines().count(), by_rule.len() + 1);
    let rows: Vec<Vec<&str>> = stats
        .lines()
        .take(by_rule.len())
        .map(|l| l.split_whitespace().collect())
        .collect();
    for (row, want) in rows.iter().zip(&by_rule) {
        assert_eq!(
            row,
            &[
                want["count"].to_string().as_str(),
                want["rule"].as_str().unwrap_or(""),
                want["severity"].as_str().unwrap_or("")
            ],
            "{stats}"
        );
    }
}

#[test]
fn output_format_alias_dash_for_stdout_and_format_names_refused_as_files() {
    let (_, a) = stdout(&["check", "examples/broken", "--output-format", "json"]);
    let (_, b) = stdout(&["check", "examples/broken", "--format", "json", "-o", "-"]);
    assert!(a.starts_with('{'));
    assert_eq!(a, b);
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    wiflint()
        .current_dir(tmp.path())
        .args([
            "check",
            &format!("{ROOT}/examples/broken"),
            "--output",
            "json",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("use `--format json`"));
    assert!(
        !tmp.path().join("json").exists(),
        "no file named after the format"
    );
}

#[test]
fn stdin_filename_names_standard_input() {
    let manifest = std::fs::read_to_string(format!("{ROOT}/examples/broken/api.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let out = wiflint()
        .args([
            "check",
            "-",
            "--stdin-filename",
            "deploy/api.yaml",
            "--format",
            "json",
        ])
        .write_stdin(manifest.clone())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let json: Value = serde_json::from_str(&String::from_utf8_lossy(&out.stdout))
        .unwrap_or_else(|e| panic!("{e}"));
    let paths: Vec<&str> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["location"]["path"].as_str())
        .collect();
    assert!(!paths.is_empty());
    assert!(paths.iter().all(|p| *p == "deploy/api.yaml"), "{paths:?}");
    // Without it, standard input is `-`.
    let out = wiflint()
        .args(["check", "-", "--format", "concise"])
        .write_stdin(manifest)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("-:"));
}

#[test]
fn select_and_ignore_by_area_and_show_settings() {
    let (_, only_k8s) = stdout(&[
        "check",
        "examples/broken",
        "--select",
        "k8s",
        "--format",
        "json",
    ]);
    let json: Value = serde_json::from_str(&only_k8s).unwrap_or_else(|e| panic!("{e}"));
    let rules: Vec<String> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str().map(String::from))
        .collect();
    let registry = super::registry();
    let area = |id: &str| registry.get(id).map(|r| r.area().to_string());
    assert!(!rules.is_empty());
    assert!(
        rules.iter().all(|r| area(r).as_deref() == Some("k8s")),
        "{rules:?}"
    );
    let (_, no_vault) = stdout(&[
        "check",
        "examples/broken",
        "--ignore",
        "vault,aks",
        "--format",
        "json",
    ]);
    let json: Value = serde_json::from_str(&no_vault).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        json["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["rule"].as_str())
            .all(|r| !matches!(area(r).as_deref(), Some("vault" | "aks")))
    );
    // A typo is still an unknown rule.
    wiflint()
        .args([
            "check",
            "examples/broken",
            "--select",
            "k8",
            "--show-settings",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule id `k8`"));
    let (code, settings) = stdout(&[
        "check",
        "examples/broken",
        "--no-config",
        "--select",
        "vault",
        "--show-settings",
    ]);
    assert_eq!(code, Some(0));
    assert!(
        settings.starts_with("config: none (--no-config)\n"),
        "{settings}"
    );
    let listed = settings.lines().filter(|l| l.starts_with("  ")).count();
    let vault = registry
        .rules
        .iter()
        .filter(|r| r.area() == "vault")
        .count();
    assert_eq!(listed, vault, "{settings}");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wiflint"))
        .args(["check", "examples/broken", "--format", "concise"])
        .current_dir(ROOT)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    // Close the reading end at once, like `| head -0`.
    drop(child.stdout.take());
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    let status = child.wait().unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(status.code(), Some(2), "{err}");
    assert!(!err.contains("error"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn sarif_for_a_scan_with_no_inputs_is_valid_and_says_why() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(tmp.path().join("notes.txt"), "nothing here").unwrap_or_else(|e| panic!("{e}"));
    let out = wiflint()
        .args(["check", "--format", "sarif"])
        .arg(tmp.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    let log = super::sarif::validate(&String::from_utf8_lossy(&out.stdout));
    let run = &log["runs"][0];
    assert_eq!(run["results"], serde_json::json!([]));
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    assert!(
        run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .is_some_and(|m| m.contains("no inputs found"))
    );
}

#[test]
fn sarif_rules_carry_security_severity_and_tags() {
    let (_, sarif) = stdout(&["check", "examples/broken", "--format", "sarif"]);
    let log = super::sarif::validate(&sarif);
    for rule in log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let score: f64 = rule["properties"]["security-severity"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or(-1.0);
        assert!((0.0..=10.0).contains(&score), "{rule}");
        let tags = &rule["properties"]["tags"];
        assert!(
            tags.as_array()
                .is_some_and(|t| t.contains(&Value::from("security")))
        );
    }
}

#[test]
fn force_color_and_no_color() {
    let colored = |envs: &[(&str, &str)]| {
        let mut cmd = wiflint();
        cmd.args(["check", "examples/broken"]);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8_lossy(&out.stdout).contains('\x1b')
    };
    assert!(!colored(&[]), "a pipe gets no colour");
    assert!(colored(&[("FORCE_COLOR", "1")]));
    assert!(colored(&[("CLICOLOR_FORCE", "1")]));
    assert!(!colored(&[("FORCE_COLOR", "0")]));
    assert!(!colored(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]));
}

/// The config schema and the strict parser agree: the starter, a file with every setting, and
/// files with a typo, a wrong type or a missing required key are judged the same by both.
#[test]
fn config_schema_and_parser_agree() {
    let validator = jsonschema::validator_for(&wiflint::config::json_schema())
        .unwrap_or_else(|e| panic!("{e}"));
    let full = r#"
[scan]
exclude = ["vendor/"]
max-file-size = 1000
custom-rules = ["rules"]
[kubernetes]
default-namespace = "apps"
webhook-audience = "api://AzureADTokenExchange"
[azure]
cluster-issuers = ["https://westeurope.oic.prod-aks.azure.com/t/c/"]
[rules]
select = []
ignore = ["subject-wildcard"]
[rules.severity]
service-account-not-found = "error"
[rules.params.credential-limit-exceeded]
warn-at = 15
[[suppress]]
rules = ["pod-identity-deprecated"]
paths = ["legacy/"]
reason = "moving in Q3"
"#;
    let starter = wiflint::config::STARTER;
    let cases = [
        (starter, true),
        (full, true),
        ("[scan]\nexclud = []\n", false),
        ("[scan]\nmax-file-size = \"big\"\n", false),
        ("[rules.severity]\nx = \"fatal\"\n", false),
        ("[[suppress]]\nrules = [\"x\"]\n", false),
        ("[kubernetes]\ndefault-namespace = \"\"\n", false),
        ("[terraform]\n", false),
    ];
    for (text, valid) in cases {
        let json: Value = toml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(validator.is_valid(&json), valid, "schema on\n{text}");
        let parsed = wiflint::config::Config::parse(
            wiflint::document::Source::new("wiflint.toml".into(), text.into()),
            std::path::PathBuf::from("."),
        );
        assert_eq!(
            parsed.is_ok(),
            valid,
            "parser on\n{text}: {:?}",
            parsed.err()
        );
    }
}

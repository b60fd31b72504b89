//! The SARIF the binary writes, checked by two independent third-party validators: ajv against
//! the official 2.1.0 schema (draft 2020-12, with formats), and Microsoft's SARIF multitool
//! (`validate`: the schema plus its SARIF best-practice rules). The tools come from
//! `scripts/test-tools.sh` (see `tools`).

use std::path::{Path, PathBuf};

use super::tools;
use super::wiflint;

/// Writes the SARIF of `examples/broken` (findings, related locations), `examples/fixed`
/// (clean) and of suppressed findings (in the source and in the config) into `dir`, checking
/// exit codes and the shapes the validators are to judge.
fn write_sarif(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let broken = dir.join("broken.sarif.json");
    let fixed = dir.join("fixed.sarif.json");
    let suppressed = dir.join("suppressed.sarif.json");
    let config = dir.join("wiflint.toml");
    std::fs::write(
        &config,
        "[[suppress]]\nrules = [\"wi-label-not-true\"]\nreason = \"vendor chart\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    wiflint()
        .args([
            "check",
            "testdata/rules/unused-suppression/pass-used.yaml",
            "examples/broken/api.yaml",
            "--format",
            "sarif",
            "--output",
        ])
        .arg(&suppressed)
        .arg("--config")
        .arg(&config)
        .assert()
        .code(0);
    for (input, out, code) in [
        ("examples/broken", &broken, 1),
        ("examples/fixed", &fixed, 0),
    ] {
        wiflint()
            .args(["check", input, "--format", "sarif", "--output"])
            .arg(out)
            .assert()
            .code(code)
            .stdout("");
    }
    let read = |p: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    let log = read(&broken);
    let results = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!results.is_empty());
    assert!(results.iter().any(|r| r["relatedLocations"].is_array()));
    assert_eq!(read(&fixed)["runs"][0]["results"], serde_json::json!([]));
    let kinds: Vec<serde_json::Value> = read(&suppressed)["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("suppressions").map(|s| s[0]["kind"].clone()))
        .collect();
    assert!(kinds.contains(&"inSource".into()) && kinds.contains(&"external".into()));
    (broken, fixed, suppressed)
}

#[test]
fn ajv_accepts_the_sarif_of_broken_and_fixed() {
    let Some(tools) = tools::npm("ajv_accepts_the_sarif_of_broken_and_fixed") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (broken, fixed, suppressed) = write_sarif(dir.path());
    match tools::ajv_validate(tools, &[&broken, &fixed, &suppressed]) {
        Ok(out) => assert_eq!(out.matches("valid: ").count(), 3, "{out}"),
        Err(errors) => panic!("ajv rejects wiflint's SARIF:\n{errors}"),
    }
    // The validator does reject what the schema forbids (a result without a message).
    let bad = dir.path().join("bad.json");
    let mut log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&broken).unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
    log["runs"][0]["results"][0]["message"] = serde_json::json!({});
    log["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        serde_json::json!(0);
    std::fs::write(&bad, log.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let errors = match tools::ajv_validate(tools, &[&bad]) {
        Ok(out) => panic!("ajv accepts a broken log: {out}"),
        Err(errors) => errors,
    };
    assert!(errors.contains("/runs/0/results/0/message"), "{errors}");
    assert!(errors.contains("startLine must be >= 1"), "{errors}");
}

#[test]
fn sarif_multitool_finds_no_errors_or_warnings() {
    let Some(tools) = tools::npm("sarif_multitool_finds_no_errors_or_warnings") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (broken, fixed, suppressed) = write_sarif(dir.path());
    let report = tools::multitool_validate(tools, &[&broken, &fixed, &suppressed], dir.path());
    let problems: Vec<&String> = report
        .results
        .iter()
        .filter(|(level, ..)| level == "error" || level == "warning")
        .map(|(.., text)| text)
        .collect();
    assert!(
        problems.is_empty(),
        "the SARIF multitool reports {} errors and {} warnings:\n{}\n\nits output:\n{}",
        report.count("error"),
        report.count("warning"),
        problems
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        report.console
    );
    #[allow(
        clippy::print_stderr,
        reason = "the notes the multitool leaves are worth seeing with --nocapture"
    )]
    {
        eprintln!(
            "sarif-multitool: {} errors, {} warnings, {} notes",
            report.count("error"),
            report.count("warning"),
            report.count("note")
        );
    }
    // The multitool does report what it should: a rule whose name equals its id (SARIF1001).
    let bad = dir.path().join("bad.json");
    let mut log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&broken).unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
    log["runs"][0]["tool"]["driver"]["rules"][0]["name"] =
        log["runs"][0]["tool"]["driver"]["rules"][0]["id"].clone();
    std::fs::write(&bad, log.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let bad_dir = dir.path().join("bad");
    std::fs::create_dir(&bad_dir).unwrap_or_else(|e| panic!("{e}"));
    let report = tools::multitool_validate(tools, &[&bad], &bad_dir);
    assert!(
        report
            .results
            .iter()
            .any(|(level, id, _)| level == "warning" && id == "SARIF1001"),
        "{}",
        report.console
    );
}

//! Issue 13 from the command line: the scan assumes nothing the files do not say, and its joins
//! do not depend on the order files are found in.

use predicates::prelude::*;

use super::wiflint;

const UNKNOWN_NS: &str = "testdata/rules/subject-service-account-not-found/pass-namespace-unknown";

#[test]
fn a_manifest_without_namespace_matches_a_subject_in_any_namespace() {
    wiflint()
        .args(["check", UNKNOWN_NS, "--color", "never"])
        .assert()
        .code(0)
        .stdout("0 errors, 0 warnings in 2 files\n");
}

#[test]
fn an_explicit_default_namespace_is_assumed() {
    // The old behaviour, asked for: the manifests are taken to be in `default`.
    wiflint()
        .args([
            "check",
            UNKNOWN_NS,
            "--color",
            "never",
            "--default-namespace",
            "default",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error[subject-service-account-not-found]",
        ))
        .stdout(predicate::str::contains(
            "did you mean `system:serviceaccount:default:orders-api`?",
        ));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let config = dir.path().join("wiflint.toml");
    std::fs::write(&config, "[kubernetes]\ndefault-namespace = \"default\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    wiflint()
        .args(["check", UNKNOWN_NS, "--config"])
        .arg(&config)
        .assert()
        .code(1);
}

#[test]
fn files_that_are_no_inputs_are_skipped_not_errors() {
    for dir in [
        "testdata/rules/unparseable-input/pass-not-an-input",
        "testdata/rules/duplicate-key/pass-not-an-input",
        "testdata/rules/unparseable-input/pass-jinja-template",
    ] {
        wiflint()
            .args(["check", dir, "--color", "never"])
            .assert()
            .code(0)
            .stdout(predicate::str::contains("0 errors, 0 warnings in 0 files"))
            .stdout(predicate::str::contains("skipped"));
    }
    // Named explicitly, a file is checked whatever it looks like.
    wiflint()
        .args([
            "check",
            "testdata/rules/unparseable-input/pass-not-an-input/tsconfig.json",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[unparseable-input]"));
}

/// (rule, severity, file name) of every finding, for comparing scans of renamed copies.
fn findings_of(dir: &std::path::Path) -> Vec<(String, String, String)> {
    let out = wiflint()
        .args(["check", "--format", "json"])
        .arg(dir)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let mut found: Vec<(String, String, String)> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let path = f["location"]["path"].as_str().unwrap_or("");
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["severity"].as_str().unwrap_or("").to_string(),
                path.rsplit('/').next().unwrap_or("").to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_service_account_declared_twice_is_judged_the_same_in_either_order() {
    let fixture = std::path::Path::new("testdata/rules/wi-label-missing/fail-sa-declared-twice");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // The copy with the GUID is now found first.
    for (from, to) in [("1-base", "2-base"), ("2-prod", "1-prod")] {
        let target = dir.path().join(to);
        std::fs::create_dir_all(&target).unwrap_or_else(|e| panic!("{e}"));
        for entry in std::fs::read_dir(fixture.join(from))
            .into_iter()
            .flatten()
            .flatten()
        {
            std::fs::copy(entry.path(), target.join(entry.file_name()))
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let original = findings_of(fixture);
    assert_eq!(
        original,
        vec![(
            "wi-label-missing".to_string(),
            "error".to_string(),
            "deployment.yaml".to_string()
        )]
    );
    assert_eq!(findings_of(dir.path()), original);
}

#[test]
fn unrelated_repositories_in_one_scan_do_not_join() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
    };
    // Repository `orders` runs as a ServiceAccount created elsewhere; repository `billing`
    // happens to declare one of that name, without a client id.
    write(
        "orders/k8s/app.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders-api\n  namespace: default\nspec:\n  template:\n    metadata:\n      labels:\n        azure.workload.identity/use: \"true\"\n    spec:\n      serviceAccountName: workload-identity-sa\n      containers:\n        - name: api\n          image: ghcr.io/contoso/orders-api:1.4.2\n",
    );
    write(
        "billing/k8s/sa.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: workload-identity-sa\n  namespace: default\n",
    );
    let joined = findings_of(dir.path());
    assert!(
        joined.iter().any(|f| f.0 == "client-id-missing"),
        "without repositories, one scan is one scope: {joined:?}"
    );
    for repo in ["orders", "billing"] {
        std::fs::create_dir_all(dir.path().join(repo).join(".git"))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(
        findings_of(dir.path()),
        vec![(
            "service-account-not-found".to_string(),
            "note".to_string(),
            "app.yaml".to_string()
        )]
    );
}

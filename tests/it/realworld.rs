//! Real public manifests and exports (`../shared/realworld`, see its NOTES.md): scanning them
//! never crashes, and every `error` is one the notes justify.

use super::wiflint;

const CORPUS: &str = "../shared/realworld";

/// Errors we expect, each justified by NOTES.md.
const JUSTIFIED_ERRORS: &[(&str, &str, &str)] = &[
    (
        "client-id-missing",
        "Azure-Samples__aks-store-demo/kustomize__overlays__azd__ai-service__serviceaccount.yaml",
        "NOTES: 'missing client-id' is a true positive for the file (azd adds it at deploy time)",
    ),
    (
        "label-value-not-string",
        "davidelettieri__flux-sops-workload-identity/gitops__aks__flux-system__patches__kustomize-controller-service-account.yaml",
        "NOTES: the unquoted 3600 annotation is rejected by the API server",
    ),
    (
        "client-id-not-guid",
        "external-secrets__external-secrets/docs__snippets__azkv-workload-identity-mounted.yaml",
        "NOTES: redacted client-id, not a valid GUID",
    ),
    (
        "client-id-not-guid",
        "external-secrets__external-secrets/docs__snippets__azkv-workload-identity.yaml",
        "NOTES: redacted client-id, not a valid GUID",
    ),
];

#[test]
fn realworld_corpus_scans_without_false_errors() {
    assert!(
        std::path::Path::new(CORPUS).is_dir(),
        "{CORPUS} is missing: the project's tests expect the shared corpus beside the checkout"
    );
    let out = wiflint()
        .args(["check", CORPUS, "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let mut errors: Vec<(String, String)> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            let path = f["location"]["path"].as_str().unwrap_or("");
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                path.trim_start_matches(CORPUS)
                    .trim_start_matches('/')
                    .to_string(),
            )
        })
        .collect();
    errors.sort();
    let mut expected: Vec<(String, String)> = JUSTIFIED_ERRORS
        .iter()
        .map(|(r, p, _)| (r.to_string(), p.to_string()))
        .collect();
    expected.sort();
    assert_eq!(errors, expected);
    // The Helm template is skipped with a hint, never reported as broken YAML.
    let helm = v["skipped"].as_array().into_iter().flatten().find(|s| {
        s["path"]
            .as_str()
            .is_some_and(|p| p.contains("controller-manager-deployment"))
    });
    assert!(helm.is_some_and(|s| {
        s["reason"]
            .as_str()
            .is_some_and(|r| r.contains("helm template"))
    }));
    // Every file is accounted for: checked or skipped (the corpus's own notes, Markdown, too).
    let top: Vec<std::path::PathBuf> = std::fs::read_dir(CORPUS)
        .into_iter()
        .flatten()
        .flatten()
        .map(|d| d.path())
        .collect();
    let on_disk = top
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .flatten()
        .map(|f| f.path())
        .chain(top.iter().filter(|p| p.is_file()).cloned())
        .filter(|f| wiflint::input::discover::has_input_extension(f))
        .count();
    let accounted =
        v["summary"]["files"].as_u64().unwrap_or(0) + v["summary"]["skipped"].as_u64().unwrap_or(0);
    assert_eq!(accounted as usize, on_disk);
}

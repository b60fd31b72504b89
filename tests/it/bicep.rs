//! Bicep and scripts as users run them: `wiflint check .` at the root of a platform repository.

use std::path::Path;

use super::wiflint;

fn check_at(dir: &str) -> (Option<i32>, String) {
    let out = wiflint()
        .args(["check", ".", "--color", "never"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn broken_bicep_repository_reports_each_seeded_problem_on_its_line() {
    let (code, text) = check_at("examples/bicep/broken");
    assert_eq!(code, Some(1), "{text}");
    for (finding, at) in [
        (
            "error[cluster-workload-identity-disabled]",
            "╭▸ infra/main.bicep:21:18",
        ),
        (
            "error[issuer-trailing-slash]",
            "╭▸ scripts/github-deploy-credential.sh:12:12",
        ),
    ] {
        let line = text
            .find(finding)
            .unwrap_or_else(|| panic!("{finding}\n{text}"));
        assert!(
            text[line..].lines().nth(1).is_some_and(|l| l.contains(at)),
            "{at}\n{text}"
        );
    }
    // The pod on the other side of the cluster join, in the YAML.
    assert!(text.contains("k8s/payments.yaml:30:9"), "{text}");
    assert!(
        text.ends_with(
            "2 errors, 0 warnings in 3 files (1 skipped); --verbose lists the skipped files\n"
        ),
        "{text}"
    );
}

/// The credentials' namespace comes from `prod.bicepparam`: with it, the subjects match the
/// ServiceAccounts, and nothing is reported.
#[test]
fn fixed_bicep_repository_is_clean() {
    let (code, text) = check_at("examples/bicep/fixed");
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(
        text,
        "0 errors, 0 warnings in 3 files (1 skipped); --verbose lists the skipped files\n"
    );
}

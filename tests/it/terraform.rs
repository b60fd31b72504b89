//! Terraform as users run it: `wiflint check .` at the root of a platform repository.

use super::{check_at, wiflint};

#[test]
fn broken_platform_repository_reports_each_seeded_problem_on_its_hcl_line() {
    let (code, text) = check_at("examples/terraform/broken");
    assert_eq!(code, Some(1), "{text}");
    // (rule, primary position): the order of the report.
    let expected = [
        (
            "error[cluster-workload-identity-disabled]",
            "infra/aks.tf:13:31",
        ),
        (
            "error[subject-service-account-not-found]",
            "infra/identity.tf:29:31",
        ),
        (
            "note[subject-service-account-not-found]",
            "infra/identity.tf:29:31",
        ),
        ("error[audience-count-invalid]", "infra/identity.tf:30:62"),
        ("error[audience-count-invalid]", "infra/identity.tf:30:62"),
        (
            "error[wi-label-on-workload-metadata]",
            "infra/kubernetes.tf:16:7",
        ),
    ];
    let lines: Vec<&str> = text.lines().collect();
    let found: Vec<(&str, &str)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.starts_with("error[") || l.starts_with("note[") || l.starts_with("warning[")
        })
        .map(|(i, l)| {
            let rule = &l[..l.find(']').map_or(l.len(), |e| e + 1)];
            let at = lines
                .get(i + 1)
                .and_then(|n| n.split("╭▸ ").nth(1))
                .unwrap_or("");
            (rule, at)
        })
        .collect();
    assert_eq!(found, expected, "{text}");
    // The other side of each join, in the YAML.
    for related in ["k8s/workers.yaml:22:9", "k8s/workers.yaml:4:9"] {
        assert!(text.contains(related), "{related}\n{text}");
    }
    assert!(text.ends_with("5 errors, 0 warnings, 1 note in 4 files (3 skipped); --verbose lists the skipped files\n"), "{text}");
}

#[test]
fn fixed_platform_repository_is_clean() {
    let (code, text) = check_at("examples/terraform/fixed");
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(
        text,
        "0 errors, 0 warnings in 4 files (3 skipped); --verbose lists the skipped files\n"
    );
}

/// A repository of Terraform alone is an input like any other, and its files are accounted for.
#[test]
fn terraform_only_repository_is_scanned_and_accounted_for() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).unwrap_or_else(|e| panic!("{e}"));
    };
    write(
        "variables.tf",
        "variable \"ns\" {\n  default = \"orders\"\n}\n",
    );
    write(
        "main.tf",
        "resource \"azurerm_federated_identity_credential\" \"api\" {\n  name      = \"fic-api\"\n  parent_id = azurerm_user_assigned_identity.api.id\n  issuer    = \"http://issuer.example.com/\"\n  subject   = \"system:serviceaccount:${var.ns}:api\"\n  audience  = [\"api://AzureADTokenExchange\"]\n}\n",
    );
    write("terraform.tfvars", "ns = \"orders\"\n");
    write("main.tf.json", "{\"resource\": {}}\n");
    let out = wiflint()
        .args(["check", ".", "--verbose", "--color", "never"])
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("error[issuer-not-https]"), "{text}");
    assert!(text.contains("main.tf:4:15"), "{text}");
    for skipped in [
        "skipped main.tf.json: Terraform JSON syntax",
        "skipped terraform.tfvars: Terraform file with no resource",
        "skipped variables.tf: Terraform file with no resource",
    ] {
        assert!(text.contains(skipped), "{skipped}\n{text}");
    }
}

/// `--var-file` gives the root module in the file's directory its values, after the defaults.
#[test]
fn var_file_sets_the_values_terraform_plan_would_use() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).unwrap_or_else(|e| panic!("{e}"));
    };
    write(
        "variables.tf",
        "variable \"ns\" {\n  default = \"dev\"\n}\n",
    );
    write(
        "main.tf",
        "resource \"azurerm_federated_identity_credential\" \"api\" {\n  name      = \"fic-api\"\n  parent_id = azurerm_user_assigned_identity.api.id\n  issuer    = azurerm_kubernetes_cluster.aks.oidc_issuer_url\n  subject   = \"system:serviceaccount:${var.ns}:api\"\n  audience  = [\"api://AzureADTokenExchange\"]\n}\n",
    );
    write("prod.tfvars", "ns = \"prod\"\n");
    write(
        "sa.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: prod\n",
    );
    let run = |extra: &[&str]| {
        let out = wiflint()
            .args(["check", ".", "--color", "never"])
            .args(extra)
            .current_dir(dir.path())
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (_, text) = run(&[]);
    assert!(
        text.contains("trusts ServiceAccount `api` in namespace `dev`"),
        "{text}"
    );
    let (code, text) = run(&["--var-file", "prod.tfvars"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.starts_with("0 errors, 0 warnings in"), "{text}");
    assert!(!text.contains("note"), "{text}");
}

/// Locals that double at every step, replacements that square, and a module that calls itself:
/// evaluation stays bounded and the values are unknown, not errors.
#[test]
fn hostile_terraform_stays_bounded() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut text = String::from("locals {\n  l0 = \"aaaaaaaaaaaaaaaa\"\n  r0 = \"ab\"\n");
    for i in 1..48 {
        let p = i - 1;
        text.push_str(&format!(
            "  l{i} = \"${{local.l{p}}}${{local.l{p}}}\"\n  r{i} = replace(local.r{p}, \"a\", local.r{p})\n"
        ));
    }
    text.push_str("}\n\nmodule \"again\" {\n  source = \"./\"\n}\n\n");
    text.push_str("resource \"azurerm_federated_identity_credential\" \"x\" {\n  name     = local.l47\n  issuer   = \"https://issuer.example.com/\"\n  subject  = local.r47\n  audience = [\"api://AzureADTokenExchange\"]\n}\n");
    std::fs::write(dir.path().join("main.tf"), text).unwrap_or_else(|e| panic!("{e}"));
    let out = wiflint()
        .args(["check", ".", "--color", "never"])
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("note[value-not-decided]"), "{text}");
}

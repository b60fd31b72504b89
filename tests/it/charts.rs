//! Helm charts and Kustomize overlays, rendered with the real `helm` and `kubectl kustomize`
//! (pinned, from `scripts/test-tools.sh`), and what happens without them.

use wiflint::expand::Settings;

use super::{config, registry, tools, wiflint};

const LABEL_CHART: &str = "testdata/rules/wi-label-on-workload-metadata/fail-helm-chart";
const OVERLAY: &str =
    "testdata/rules/subject-service-account-not-found/fail-kustomize-overlay-wrong-namespace";

/// Without the tools (or with `--no-render`), templates and the parts of an overlay are skipped
/// with a reason that says how to render them, and nothing in them is checked as a manifest.
#[test]
fn without_the_tools_charts_and_overlays_are_skipped_with_how_to_enable_them() {
    for (settings, expect) in [
        (
            Settings {
                enabled: true,
                ..Settings::default()
            },
            "[render]",
        ),
        (Settings::default(), "--no-render"),
    ] {
        let mut scan = config(&[LABEL_CHART, OVERLAY]);
        scan.render = settings;
        let report = wiflint::app::scan(&scan, &registry()).unwrap_or_else(|e| panic!("{e}"));
        let skipped = |end: &str| {
            report
                .skipped
                .iter()
                .find(|s| s.path.ends_with(end))
                .map(|s| s.reason.clone())
                .unwrap_or_else(|| panic!("{end} not skipped: {:?}", report.skipped))
        };
        for file in [
            "templates/deployment.yaml",
            "base/serviceaccount.yaml",
            "overlays/payments/kustomization.yaml",
        ] {
            let reason = skipped(file);
            assert!(reason.contains(expect), "{file}: {reason}");
        }
        // Only the credential's own check is left: it names a ServiceAccount not in the scan.
        let rules: Vec<&str> = report
            .findings
            .iter()
            .map(|f| f.finding.rule.as_str())
            .filter(|r| *r != "subject-service-account-not-found")
            .collect();
        assert!(rules.is_empty(), "{rules:?}");
    }
}

/// `[[render.chart]]` renders one chart per environment: the dev render has no credential, the
/// prod render has, and the finding is on the dev values file's key that the template prints,
/// with the environment's subject.
#[test]
fn a_chart_is_checked_per_environment() {
    if tools::render_tools("a_chart_is_checked_per_environment").is_none() {
        return;
    }
    let out = wiflint()
        .args([
            "check",
            "--format",
            "json",
            "testdata/render/per-environment",
        ])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    let found: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} {}:{} {}",
                f["rule"].as_str().unwrap_or(""),
                f["location"]["path"].as_str().unwrap_or(""),
                f["location"]["line"],
                f["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with(
            "service-account-without-credential testdata/render/per-environment/chart/values-dev.yaml:1 "
        ) && found[0].contains("orders-dev:orders-api"),
        "{found:#?}"
    );
    // Off, the chart is skipped and nothing is found.
    let out = wiflint()
        .args([
            "check",
            "--no-render",
            "--verbose",
            "testdata/render/per-environment",
        ])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("rendering is off (`--no-render`)"), "{text}");
}

/// An inline suppression in a template applies to the finding placed on its line.
#[test]
fn a_suppression_in_a_template_applies_to_its_line() {
    if tools::render_tools("a_suppression_in_a_template_applies_to_its_line").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let chart = dir.path().join("orders");
    std::fs::create_dir_all(chart.join("templates")).unwrap_or_else(|e| panic!("{e}"));
    let from = std::path::Path::new(LABEL_CHART).join("orders");
    for file in [
        "Chart.yaml",
        "values.yaml",
        "templates/_helpers.tpl",
        "templates/serviceaccount.yaml",
    ] {
        std::fs::copy(from.join(file), chart.join(file)).unwrap_or_else(|e| panic!("{e}"));
    }
    let template = std::fs::read_to_string(from.join("templates/deployment.yaml"))
        .unwrap_or_else(|e| panic!("{e}"))
        .replace(
            "    azure.workload.identity/use: \"true\"\n",
            "    azure.workload.identity/use: \"true\" # wiflint: ignore[wi-label-on-workload-metadata] the platform copies it down\n",
        );
    std::fs::write(chart.join("templates/deployment.yaml"), template)
        .unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().display().to_string();
    let report =
        wiflint::app::scan(&config(&[&path]), &registry()).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.suppressed.len(), 1);
    assert_eq!(
        report.suppressed[0].0.finding.rule,
        "wi-label-on-workload-metadata"
    );
}

/// A value an overlay's patch writes is placed on the patch's line, and a key no file of the
/// overlay writes (Kustomize's `labels:` transformer) on the base's first line, saying so.
#[test]
fn overlay_findings_are_placed_on_the_patch_or_say_no_line_wrote_them() {
    if tools::render_tools("overlay_findings_are_placed_on_the_patch").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let write = |path: &str, text: &str| write_file(dir.path(), path, text);
    write(
        "base/kustomization.yaml",
        "resources:\n  - deployment.yaml\n",
    );
    write(
        "base/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders-api\nspec:\n  selector:\n    matchLabels:\n      app: orders-api\n  template:\n    metadata:\n      labels:\n        app: orders-api\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/contoso/orders-api:1.4.2\n",
    );
    write(
        "patched/kustomization.yaml",
        "namespace: orders\nresources:\n  - ../base\npatches:\n  - path: labels.yaml\n",
    );
    write(
        "patched/labels.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders-api\n  labels:\n    azure.workload.identity/use: \"true\"\n",
    );
    write(
        "labelled/kustomization.yaml",
        "namespace: orders\nresources:\n  - ../base\nlabels:\n  - pairs:\n      azure.workload.identity/use: \"true\"\n",
    );
    let path = dir.path().display().to_string();
    let report =
        wiflint::app::scan(&config(&[&path]), &registry()).unwrap_or_else(|e| panic!("{e}"));
    let mut found: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.finding.rule == "wi-label-on-workload-metadata")
        .map(|f| {
            let path = &report.paths[f.primary.file];
            let rel = path.strip_prefix(&path_prefix(&dir)).unwrap_or(path);
            let related: Vec<String> = f
                .related
                .iter()
                .filter(|r| r.message == "rendered as")
                .map(|r| format!("{}:{}", report.paths[r.file], r.start.line))
                .collect();
            format!(
                "{rel}:{}:{} {related:?} {}",
                f.primary.start.line, f.primary.start.column, f.finding.message
            )
        })
        .collect();
    found.sort();
    assert_eq!(found.len(), 2, "{found:#?}");
    let root = report
        .skipped
        .iter()
        .find(|s| s.path.ends_with("patched/kustomization.yaml"))
        .map(|s| s.reason.as_str());
    assert!(
        root.is_some_and(|r| r.starts_with("Kustomize overlay: built with")),
        "{:#?}",
        report.skipped
    );
    assert!(
        found[0].starts_with("base/deployment.yaml:1:1 ")
            && found[0].contains("kustomize")
            && found[0].contains("labelled:")
            && found[0].contains("(no line of `"),
        "{found:#?}"
    );
    assert!(
        found[1].starts_with("patched/labels.yaml:6:5 ") && found[1].contains("patched:"),
        "{found:#?}"
    );
}

/// A secret a chart's values give an env var is found twice, on the rendered env var (moved
/// onto the values line) and by the values file's own line scan: one finding, on that line.
#[test]
fn a_secret_in_a_values_file_is_reported_once() {
    if tools::render_tools("a_secret_in_a_values_file_is_reported_once").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let chart = dir.path().join("orders");
    std::fs::create_dir_all(chart.join("templates")).unwrap_or_else(|e| panic!("{e}"));
    // Assembled, so that no secret-shaped literal sits in the source.
    let secret = format!("Vq3{}Q~{}", 7, "Kd2Wn8Jt5Hb9Lc3Pz6Xm1Gf4RsTy7Bn2Mz");
    for (file, text) in [
        ("Chart.yaml", "apiVersion: v2\nname: orders\nversion: 0.1.0\n".to_string()),
        ("values.yaml", format!("clientSecret: \"{secret}\"\n")),
        (
            "templates/deployment.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\nspec:\n  selector:\n    matchLabels:\n      app: orders\n  template:\n    metadata:\n      labels:\n        app: orders\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/contoso/orders:1.0.0\n          env:\n            - name: AZURE_CLIENT_SECRET\n              value: {{ .Values.clientSecret | quote }}\n".to_string(),
        ),
    ] {
        std::fs::write(chart.join(file), text).unwrap_or_else(|e| panic!("{e}"));
    }
    let path = dir.path().display().to_string();
    let report =
        wiflint::app::scan(&config(&[&path]), &registry()).unwrap_or_else(|e| panic!("{e}"));
    let found: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.finding.rule == "plaintext-client-secret")
        .map(|f| {
            let path = &report.paths[f.primary.file];
            let rel = path.strip_prefix(&path_prefix(&dir)).unwrap_or(path);
            format!("{rel}:{}", f.primary.start.line)
        })
        .collect();
    assert_eq!(found, ["orders/values.yaml:1"], "{:#?}", report.findings);
}

/// A chart a Terraform `helm_release` installs is rendered with the release's values, not its
/// defaults: a client id the release gives from an identity is no missing client id (a note:
/// decided at apply), a literal one is checked, and values the files do not decide leave the
/// chart unrendered, saying why.
#[test]
fn a_chart_installed_by_a_helm_release_renders_with_its_values() {
    if tools::render_tools("a_chart_installed_by_a_helm_release").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let write = |path: &str, text: &str| write_file(dir.path(), path, text);
    write(
        "charts/orders/Chart.yaml",
        "apiVersion: v2\nname: orders\nversion: 0.1.0\n",
    );
    write(
        "charts/orders/values.yaml",
        "serviceAccount:\n  name: orders\n  annotations: {}\n",
    );
    write(
        "charts/orders/templates/sa.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Values.serviceAccount.name }}\n  {{- with .Values.serviceAccount.annotations }}\n  annotations:\n    {{- toYaml . | nindent 4 }}\n  {{- end }}\n",
    );
    write(
        "charts/orders/templates/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\nspec:\n  selector:\n    matchLabels:\n      app: orders\n  template:\n    metadata:\n      labels:\n        app: orders\n        azure.workload.identity/use: \"true\"\n    spec:\n      serviceAccountName: {{ .Values.serviceAccount.name }}\n      containers:\n        - name: api\n          image: ghcr.io/contoso/orders:1.0.0\n",
    );
    let release = |client_id: &str| {
        format!(
            "resource \"azurerm_user_assigned_identity\" \"orders\" {{\n  name                = \"id-orders\"\n  location            = \"westeurope\"\n  resource_group_name = \"rg\"\n}}\n\nresource \"helm_release\" \"orders\" {{\n  name      = \"orders\"\n  chart     = \"../charts/orders\"\n  namespace = \"orders\"\n  set {{\n    name  = \"serviceAccount.annotations.azure\\\\.workload\\\\.identity/client-id\"\n    value = {client_id}\n  }}\n}}\n"
        )
    };
    let scan = || {
        let path = dir.path().display().to_string();
        wiflint::app::scan(&config(&[&path]), &registry()).unwrap_or_else(|e| panic!("{e}"))
    };
    let rules = |report: &wiflint::app::Report| -> Vec<String> {
        report
            .findings
            .iter()
            .map(|f| format!("{}[{}]", f.finding.severity, f.finding.rule))
            .collect()
    };

    write(
        "infra/main.tf",
        &release("azurerm_user_assigned_identity.orders.client_id"),
    );
    let report = scan();
    assert_eq!(
        rules(&report),
        ["note[client-id-not-guid]"],
        "{:#?}",
        report.findings
    );
    // The chart's own files say what they were to the render, not "not a recognized input".
    let reason = |end: &str| -> String {
        report
            .skipped
            .iter()
            .find(|s| s.path.ends_with(end))
            .map(|s| s.reason.clone())
            .unwrap_or_default()
    };
    assert!(
        reason("orders/Chart.yaml").starts_with("Helm chart: rendered"),
        "{:#?}",
        report.skipped
    );
    assert!(
        reason("orders/values.yaml").starts_with("Helm values:"),
        "{:#?}",
        report.skipped
    );
    assert!(
        report.findings[0]
            .finding
            .message
            .contains("decided by Terraform"),
        "{:#?}",
        report.findings
    );

    write("infra/main.tf", &release("\"orders-client\""));
    let report = scan();
    assert_eq!(
        rules(&report),
        ["error[client-id-not-guid]"],
        "{:#?}",
        report.findings
    );
    let rendered = &report.findings[0].related;
    assert!(
        rendered
            .iter()
            .any(|r| report.paths[r.file].contains("(the values of `helm_release.orders` in")),
        "{:#?}",
        report.findings
    );

    write(
        "infra/main.tf",
        "resource \"helm_release\" \"orders\" {\n  name   = \"orders\"\n  chart  = \"../charts/orders\"\n  values = [file(\"values-prod.yaml\")]\n}\n",
    );
    let report = scan();
    assert!(rules(&report).is_empty(), "{:#?}", report.findings);
    let skipped: Vec<&str> = report
        .skipped
        .iter()
        .filter(|s| s.path.ends_with("sa.yaml"))
        .map(|s| s.reason.as_str())
        .collect();
    assert_eq!(skipped.len(), 1, "{:#?}", report.skipped);
    assert!(
        skipped[0].contains("installed by `helm_release.orders`"),
        "{skipped:?}"
    );
}

/// Writes `text` at `path` below `dir`, with the folders it needs.
fn write_file(dir: &std::path::Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap_or(dir)).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
}

fn path_prefix(dir: &tempfile::TempDir) -> String {
    format!("{}/", dir.path().display())
}

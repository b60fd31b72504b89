//! Micro-benchmarks: YAML and JSON to span trees, the rule phase (model, index, every rule) on a
//! synthetic multi-app corpus held in memory, the text report of a minified export, and whole
//! scans of inputs built to blow up. `cargo bench`; not run by `cargo test`.
//! Whole-program numbers against other tools are in BENCHMARKS.md (`bench/run.sh`).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wiflint::app::{self, ScanConfig};
use wiflint::config::Config;
use wiflint::document::{json, yaml};
use wiflint::index::Index;
use wiflint::input::{self, InputFile};
use wiflint::model::Model;
use wiflint::render::{self, Format, RenderOptions};
use wiflint::rules::registry::Registry;
use wiflint::rules::{self, Ctx, Options};

/// One app: a ServiceAccount and a Deployment (multi-document YAML), and its credentials export.
fn app(i: usize) -> (String, String) {
    let ns = ["payments-prod", "search-staging", "ledger-dev"][i % 3];
    let yaml = format!(
        r#"---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app-{i}-sa
  namespace: {ns}
  labels:
    app.kubernetes.io/name: app-{i}
  annotations:
    azure.workload.identity/client-id: "{i:08x}-1111-4222-8333-444444444444"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: app-{i}
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: app-{i}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: app-{i}
        azure.workload.identity/use: "{use_label}"
    spec:
      serviceAccountName: app-{i}-sa
      containers:
        - name: api
          image: ghcr.io/acme/app-{i}:1.{i}.0
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: LOG_LEVEL
              value: "info"
            - name: KEYVAULT_URL
              value: "https://app-{i}.vault.azure.net/"
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
"#,
        use_label = if i.is_multiple_of(7) { "True" } else { "true" },
    );
    let subject_ns = if i.is_multiple_of(11) { "default" } else { ns };
    let json = format!(
        r#"[
  {{
    "audiences": ["api://AzureADTokenExchange"],
    "id": "/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app-{i}/federatedIdentityCredentials/fic-{i}",
    "issuer": "https://westeurope.oic.prod-aks.azure.com/9b2f1c3e-4d5a-4e6b-8c7d-0e1f2a3b4c5d/5e7a9c1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b/",
    "name": "fic-{i}",
    "subject": "system:serviceaccount:{subject_ns}:app-{i}-sa",
    "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials"
  }}
]
"#
    );
    (yaml, json)
}

fn corpus(apps: usize) -> Vec<(String, String)> {
    (0..apps)
        .flat_map(|i| {
            let (y, j) = app(i);
            [
                (format!("app-{i}/app.yaml"), y),
                (format!("app-{i}/federated-credentials.json"), j),
            ]
        })
        .collect()
}

fn parsing(c: &mut Criterion) {
    let (yaml_text, json_text) = app(1);
    let yaml_big: String = (0..200).map(|i| app(i).0).collect();
    let json_big = format!(
        "[{}]",
        (0..200)
            .map(|i| {
                let j = app(i).1;
                j.trim()
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join(",")
    );
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(yaml_text.len() as u64));
    g.bench_function("yaml/one-app", |b| {
        b.iter(|| yaml::parse(black_box(&yaml_text)))
    });
    g.throughput(Throughput::Bytes(yaml_big.len() as u64));
    g.bench_function("yaml/200-apps", |b| {
        b.iter(|| yaml::parse(black_box(&yaml_big)))
    });
    // The same text through the general parser alone: what the fast path saves.
    g.bench_function("yaml/200-apps-general-parser", |b| {
        b.iter(|| yaml::parse_general(black_box(&yaml_big)))
    });
    g.throughput(Throughput::Bytes(json_text.len() as u64));
    g.bench_function("json/one-export", |b| {
        b.iter(|| json::parse(black_box(&json_text)))
    });
    g.throughput(Throughput::Bytes(json_big.len() as u64));
    g.bench_function("json/200-credentials", |b| {
        b.iter(|| json::parse(black_box(&json_big)))
    });
    g.finish();
}

fn rule_phase(c: &mut Criterion) {
    let registry = Registry::builtin().unwrap_or_else(|e| panic!("{e}"));
    let options = Options::default();
    let files: Vec<InputFile> = corpus(300)
        .into_iter()
        .map(|(path, text)| input::parse(path, text, false))
        .collect();
    let mut g = c.benchmark_group("rules");
    g.throughput(Throughput::Elements(files.len() as u64));
    g.bench_function("model+index+all-rules/600-files", |b| {
        b.iter(|| {
            let model = Model::build(&files);
            let index = Index::build(&model, &files, &options);
            let mut n = 0;
            for rule in &registry.rules {
                let ctx = Ctx {
                    files: &files,
                    model: &model,
                    index: &index,
                    options: &options,
                    rule,
                };
                n += rules::run(rule, &ctx).len();
            }
            n
        })
    });
    g.finish();
}

/// The text report of a minified export (one long line) with a finding or more per credential:
/// each snippet must cost what its lines cost, not what the file costs.
fn text_report(c: &mut Criterion) {
    let registry = Registry::builtin().unwrap_or_else(|e| panic!("{e}"));
    let creds: Vec<String> = (0..500)
        .map(|i| {
            format!(
                r#"{{"name": "c{i}", "issuer": "http://example.com/", "subject": "system:serviceaccount:ns:sa", "audiences": ["api://AzureADTokenExchange"], "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials", "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id{i}/federatedIdentityCredentials/c{i}"}}"#
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("creds.json");
    std::fs::write(&path, format!("[{}]", creds.join(", "))).unwrap_or_else(|e| panic!("{e}"));
    let config = ScanConfig {
        paths: vec![path.display().to_string()],
        max_file_size: input::load::DEFAULT_MAX_FILE_SIZE,
        ..ScanConfig::default()
    };
    let report = app::scan(&config, &registry).unwrap_or_else(|e| panic!("{e}"));
    let rules: Vec<_> = registry.rules.iter().collect();
    let options = RenderOptions::default();
    let mut g = c.benchmark_group("render");
    g.throughput(Throughput::Elements(report.findings.len() as u64));
    g.bench_function("text/one-line-export-500-credentials", |b| {
        b.iter(|| render::render(Format::Text, black_box(&report), &rules, &options))
    });
    g.finish();
}

/// Inputs built to make the work outgrow the input (issue 12), scanned and reported as text the
/// way the CLI does: a ConfigMap with 100,000 `a: 1` lines (once past 15 GB), and the custom
/// selector `$..*..*..*` on a ConfigMap nested 400 deep (once killed at 12 GB). The release
/// binary on the same inputs, on one core, must stay under 2 s and 200 MB (BENCHMARKS.md has the
/// numbers).
fn hostile(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        path
    };
    let head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n";
    let dup = write("dup.yaml", &format!("{head}{}", "  a: 1\n".repeat(100_000)));
    let mut deep = head.to_string();
    for i in 0..400 {
        deep.push_str(&format!("{}k{i}:\n", "  ".repeat(i + 1)));
    }
    deep.push_str(&format!("{}v: 1\n", "  ".repeat(401)));
    let deep = write("deep.yaml", &deep);
    std::fs::create_dir(dir.path().join("policy")).unwrap_or_else(|e| panic!("{e}"));
    write(
        "policy/everything.yaml",
        "id: everything\nseverity: warning\nsummary: s\ntemplate: field.forbidden\nparams:\n  select: \"$..*..*..*\"\n  message: \"{path}\"\ndocs: d\n",
    );
    let toml = write("wiflint.toml", "[scan]\ncustom-rules = [\"policy\"]\n");
    let mut registry = Registry::builtin().unwrap_or_else(|e| panic!("{e}"));
    Config::load(&toml)
        .and_then(|config| config.load_custom_rules(&mut registry))
        .unwrap_or_else(|e| panic!("{e}"));
    let options = RenderOptions::default();
    let mut g = c.benchmark_group("hostile");
    g.sample_size(10);
    for (name, path, select) in [
        ("check+text/100000-duplicate-keys", &dup, Vec::new()),
        (
            "check+text/selector-three-descents-400-deep",
            &deep,
            vec!["everything".to_string()],
        ),
    ] {
        let config = ScanConfig {
            paths: vec![path.display().to_string()],
            max_file_size: input::load::DEFAULT_MAX_FILE_SIZE,
            select,
            ..ScanConfig::default()
        };
        let rules: Vec<_> = registry.rules.iter().collect();
        g.bench_function(name, |b| {
            b.iter(|| {
                let report = app::scan(&config, &registry).unwrap_or_else(|e| panic!("{e}"));
                render::render(Format::Text, black_box(&report), &rules, &options).len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, parsing, rule_phase, text_report, hostile);
criterion_main!(benches);

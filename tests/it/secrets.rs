//! No secret in any output (issue 12): each way a secret could reach a report, run through the
//! binary in every format, with `--verbose`, `--show-suppressed` and `--write-baseline`, and
//! checked for any 4 characters in a row of the secret in stdout, stderr and the files written.
//! At most the first 3 characters of a secret may be shown.

use std::path::Path;

use super::wiflint;

/// An Entra-shaped secret (3 characters, a digit, `Q~`, 34 more), assembled so that no
/// secret-shaped literal sits in the source. `tail` is 34 characters.
fn entra(head: &str, tail: &str) -> String {
    let s = format!("{head}{}Q~{tail}", 7);
    assert_eq!(s.len(), 40, "{s}");
    s
}

/// A secret the shape does not give away: only the key that holds it says it is one.
const PLAIN: &str = "Wv2kPzQ9rJx4LmTb";

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{e}"));
}

/// Everything `check` prints or writes for `args` (run in `dir`), by where it was found, and the
/// JSON report.
fn outputs(dir: &Path, args: &[&str]) -> (Vec<(String, String)>, serde_json::Value) {
    let out_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut texts = Vec::new();
    let mut json = serde_json::Value::Null;
    for format in ["text", "json", "sarif", "github"] {
        let baseline = out_dir.path().join(format!("baseline-{format}.json"));
        let report = out_dir.path().join(format!("report-{format}"));
        let run = |extra: &[&str]| {
            wiflint()
                .current_dir(dir)
                .arg("check")
                .args(args)
                .args([
                    "--format",
                    format,
                    "--color",
                    "never",
                    "--verbose",
                    "--show-suppressed",
                ])
                .args(extra)
                .output()
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let baseline_arg = baseline.to_string_lossy().into_owned();
        let report_arg = report.to_string_lossy().into_owned();
        let first = run(&["--write-baseline", &baseline_arg]);
        assert_eq!(first.status.code(), Some(0), "{format}: {first:?}");
        // Read back: the baseline accepts every finding, and the report goes to a file.
        let again = run(&["--baseline", &baseline_arg, "--output", &report_arg]);
        assert!(matches!(again.status.code(), Some(0 | 1)), "{again:?}");
        if format == "json" {
            json = serde_json::from_slice(&first.stdout).unwrap_or_else(|e| panic!("{e}"));
        }
        for (what, bytes) in [
            ("stdout", first.stdout),
            ("stderr", first.stderr),
            ("stderr with --baseline", again.stderr),
        ] {
            texts.push((
                format!("{format} {what}"),
                String::from_utf8_lossy(&bytes).into_owned(),
            ));
        }
        for file in [baseline, report] {
            let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}"));
            texts.push((format!("{format} {}", file.display()), text));
        }
    }
    (texts, json)
}

/// Fails when any text holds 4 characters in a row of a secret.
fn assert_hidden(texts: &[(String, String)], secrets: &[&str]) {
    for secret in secrets {
        let chars: Vec<char> = secret.chars().collect();
        for window in chars.windows(4) {
            let window: String = window.iter().collect();
            for (what, text) in texts {
                assert!(
                    !text.contains(&window),
                    "{what} prints `{window}` of the secret `{secret}`:\n{text}"
                );
            }
        }
    }
}

/// The rules of the JSON report's findings, suppressed ones included.
fn rules(json: &serde_json::Value) -> Vec<(String, String)> {
    json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["location"]["path"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn assert_reported(json: &serde_json::Value, rule: &str, path: &str) {
    let found = rules(json);
    assert!(
        found.iter().any(|(r, p)| r == rule && p == path),
        "no `{rule}` in {path}: {found:?}"
    );
}

/// Item 1: rules that quote the value they complain about.
#[test]
fn values_quoted_by_rules() {
    let s = entra("Hq4", "Kd2_Wn8.Jt5-Hb9~Lc3_Pz6.Xm1-Gf4~Rs");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let manifests = format!(
        r#"apiVersion: v1
kind: ServiceAccount
metadata:
  name: orders-api
  namespace: orders
  annotations:
    azure.workload.identity/client-id: "{s}"
    azure.workload.identity/tenant-id: "{s}"
---
apiVersion: v1
kind: Pod
metadata:
  name: orders-debug
  namespace: orders
  labels:
    azure.workload.identity/use: "{s}"
spec:
  serviceAccountName: orders-api
  containers:
    - name: debug
      image: busybox
      env:
        - name: AZURE_CLIENT_ID
          value: "8f14e45f-ceea-4d6e-9b2a-5c1d7e3f9a20"
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: billing
  namespace: orders
  annotations:
    azure.workload.identity/client-id: "3a870abd-5d5c-4f52-9f3c-2b0d1c1e7a11"
---
apiVersion: v1
kind: Pod
metadata:
  name: billing
  namespace: orders
  labels:
    azure.workload.identity/use: "true"
spec:
  serviceAccountName: billing
  containers:
    - name: app
      image: busybox
      env:
        - name: AZURE_CLIENT_ID
          value: "{s}"
"#
    );
    write(dir.path(), "orders.yaml", manifests.as_bytes());
    let credentials = format!(
        r#"[
  {{
    "audiences": ["api://AzureADTokenExchange"],
    "issuer": "https://sts.windows.net/{s}/",
    "name": "{s}",
    "subject": "system:serviceaccount:orders:orders-api"
  }}
]
"#
    );
    write(dir.path(), "fic.json", credentials.as_bytes());
    let (texts, json) = outputs(dir.path(), &["--no-config", "."]);
    for rule in [
        "client-id-not-guid",
        "tenant-id-invalid",
        "wi-label-not-true",
        "client-id-env-mismatch",
    ] {
        assert_reported(&json, rule, "orders.yaml");
    }
    for rule in ["credential-name-invalid", "entra-issuer-unsupported"] {
        assert_reported(&json, rule, "fic.json");
    }
    assert_hidden(&texts, &[&s]);
}

/// Item 2: files that do not parse are masked by the line scan, and its certain secrets reported.
#[test]
fn files_that_do_not_parse() {
    let s = entra("Tb6", "Vn3.Qp8_Zr2-Mk5~Ys9.Fw4_Dj7-Gx1~Hc");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            "trailing-comma.json",
            format!("{{\"clientSecret\": \"{s}\",}}\n").into_bytes(),
        ),
        (
            "unterminated-quote.yaml",
            format!("kind: Secret\nstringData:\n  client_secret: \"{PLAIN}\n  other: \"x\n")
                .into_bytes(),
        ),
        (
            "tab-indent.yaml",
            format!("kind: Secret\nstringData:\n\tclientSecret: {s}\n").into_bytes(),
        ),
        (
            "vault.hcl",
            format!("api_addr = \"https://vault:8200\"\nclient_secret = \"{s}\"\nseal \"azurekeyvault\" {{\n").into_bytes(),
        ),
        (
            "not-utf8.yaml",
            [
                format!("AZURE_CLIENT_SECRET: {s}\n").into_bytes(),
                b"name: caf\xe9\n".to_vec(),
            ]
            .concat(),
        ),
    ];
    for (name, bytes) in &files {
        write(dir.path(), name, bytes);
    }
    let (texts, json) = outputs(dir.path(), &["--no-config", "."]);
    for (name, _) in &files {
        assert_reported(&json, "unparseable-input", name);
        assert_reported(&json, "plaintext-client-secret", name);
    }
    assert_hidden(&texts, &[&s, PLAIN]);
}

/// Item 3: a secret in a comment on an excerpted line, and in suppression reasons (inline and in
/// the config file).
#[test]
fn comments_and_suppression_reasons() {
    let s = entra("Gm8", "Wq2.Lz7_Rc4-Nv9~Pk3.Tj6_Hb1-Xf5~Ds");
    let t = entra("Yc3", "Bk9_Fs2.Mw7-Qz4~Jp1_Rn8.Ct5-Lv6~Ha");
    let jwt = format!(
        "{}.{}.{}",
        "eyJhbGciOiJSUzI1NiIsImtpZCI6Ik4yVnkifQ",
        "eyJzdWIiOiJvcmRlcnMtYXBpIiwiZXhwIjoxN30",
        "Uj9Xq2Wk7Pz4Lm1Vb8Nc5"
    );
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let manifest = format!(
        r#"apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: orders
  labels:
    azure.workload.identity/use: "yes"  # was {s}, token {jwt}
spec:
  containers:
    - name: app
      image: busybox
---
apiVersion: v1
kind: Pod
metadata:
  name: worker
  namespace: orders
  labels:
    # wiflint: ignore[wi-label-not-true] rotated clientSecret={PLAIN} and {t}
    azure.workload.identity/use: "True"
spec:
  containers:
    - name: app
      image: busybox
"#
    );
    write(dir.path(), "pods.yaml", manifest.as_bytes());
    let config = format!(
        "[[suppress]]\nrules = [\"wi-label-not-true\"]\npaths = [\"pods.yaml\"]\nreason = \"old client_secret: {PLAIN} (also {t})\"\n"
    );
    write(dir.path(), "wiflint.toml", config.as_bytes());
    let (texts, json) = outputs(dir.path(), &["."]);
    let suppressed = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["suppressed"].is_object())
        .count();
    assert!(suppressed >= 2, "{json}");
    assert_hidden(&texts, &[&s, &t, &jwt, PLAIN]);
    // Without the config file, the comment's own reason is the one shown.
    let (texts, _) = outputs(dir.path(), &["--no-config", "."]);
    assert_hidden(&texts, &[&s, &t, &jwt, PLAIN]);
}

/// Item 4: `{value}` in a custom rule's message, label and help.
#[test]
fn custom_rule_values() {
    let s = entra("Nd5", "Hr8_Kx3.Wb6-Pq1~Zm4_Tc9.Jv2-Fs7~Lg");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        "wiflint.toml",
        b"[scan]\ncustom-rules = [\"policy\"]\n",
    );
    write(
        dir.path(),
        "policy/no-string-data.yaml",
        br#"id: no-string-data
severity: warning
summary: A Secret carries stringData
template: field.forbidden
params:
  kinds: [Secret]
  select: "$.stringData.*"
  label: "holds {value}"
  message: "{kind} `{name}` has `{key}` = {value}"
  help: "remove {value}"
docs: |
  ## What it checks

  Any `stringData` entry of a Secret.

  ## Why it matters

  Secrets belong in a vault.

  ## Example

  `stringData: {a: b}`

  ## Fix

  Remove it.
"#,
    );
    let manifest = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: sp\n  namespace: orders\nstringData:\n  clientSecret: {PLAIN}\n  backup: \"{s}\"\n"
    );
    write(dir.path(), "secret.yaml", manifest.as_bytes());
    let (texts, json) = outputs(dir.path(), &["secret.yaml"]);
    let custom = rules(&json)
        .iter()
        .filter(|(r, _)| r == "no-string-data")
        .count();
    assert_eq!(custom, 2, "{json}");
    assert_hidden(&texts, &[&s, PLAIN]);
}

/// Item 5: an unrecognised file given explicitly, shown with `--verbose`.
#[test]
fn unrecognised_files() {
    let s = entra("Pw2", "Gk7.Xr4_Bn9-Vz1~Mq6.Ls3_Cj8-Dh5~Tf");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let env = format!(
        "AZURE_CLIENT_ID=3a870abd-5d5c-4f52-9f3c-2b0d1c1e7a11\nAZURE_CLIENT_SECRET={PLAIN}\nBACKUP={s}\n"
    );
    write(dir.path(), "app.env", env.as_bytes());
    let (texts, json) = outputs(dir.path(), &["--no-config", "app.env"]);
    assert_reported(&json, "unrecognized-input", "app.env");
    assert_hidden(&texts, &[&s, PLAIN]);
}

/// Item 6: a fingerprint does not depend on a secret beyond what is shown of it (its first 3
/// characters and its length), stays the same across runs and line moves, and non-secret
/// findings keep the fingerprints they had.
#[test]
fn fingerprints_do_not_carry_secrets() {
    let sa = |value: &str, above: &str| {
        format!(
            "{above}apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: orders\n  annotations:\n    azure.workload.identity/client-id: \"{value}\"\n"
        )
    };
    let with_secret = |secret: &str, above: &str| {
        format!(
            "{}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: sp\nstringData:\n  clientSecret: {secret}\n",
            sa(secret, above)
        )
    };
    let fingerprints = |manifest: String| -> Vec<(String, String)> {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        write(dir.path(), "sa.yaml", manifest.as_bytes());
        let out = wiflint()
            .current_dir(dir.path())
            .args(["check", "--no-config", "sa.yaml", "--format", "json"])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let json: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
        let mut found: Vec<(String, String)> = json["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap_or("").to_string(),
                    f["fingerprint"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        found.sort();
        found
    };
    let a = entra("Fk9", "Rb2_Wt7.Ln4-Qc8~Zs1_Vm6.Hp3-Jx5~Dg");
    let b = entra("Fk9", "Mz5.Kq1_Pv7-Ts3~Ww9.Bn2_Cr8-Gh4~Ly");
    let first = fingerprints(with_secret(&a, ""));
    assert!(
        first.iter().any(|(r, _)| r == "client-id-not-guid"),
        "{first:?}"
    );
    assert!(
        first
            .iter()
            .filter(|(r, _)| r == "plaintext-client-secret")
            .count()
            == 2,
        "{first:?}"
    );
    assert_eq!(
        first,
        fingerprints(with_secret(&a, "")),
        "stable across runs"
    );
    let moved = fingerprints(with_secret(&a, "# moved\n\n\n"));
    assert_eq!(first, moved, "stable across line moves");
    let other = fingerprints(with_secret(&b, ""));
    assert_eq!(first, other, "computable from the secret");
    // A value that is not secret still tells findings apart, and keeps the fingerprint it had
    // before secrets were masked in them (FNV-1a of rule, path, place and value).
    let plain = fingerprints(sa("not-a-guid", ""));
    assert_ne!(plain, fingerprints(sa("not-a-uuid", "")));
    assert_eq!(
        plain,
        vec![("client-id-not-guid".to_string(), legacy_fingerprint())]
    );
}

/// The fingerprint `client-id-not-guid` had for `not-a-guid` in `sa.yaml` before this change.
fn legacy_fingerprint() -> String {
    let place = "ServiceAccount/orders/api:metadata.annotations[\"azure.workload.identity/client-id\"]:Value";
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in ["client-id-not-guid", "sa.yaml", place, "\"not-a-guid\""] {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// The line scan reports at most 50 secrets of a file that does not parse, and says how many more.
#[test]
fn line_scan_findings_are_bounded() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let entries: Vec<String> = (0..60)
        .map(|i| format!("  {{\"clientSecret\": \"{PLAIN}{i:02}\"}}"))
        .collect();
    let text = format!("[\n{},\n]\n", entries.join(",\n"));
    write(dir.path(), "many.json", text.as_bytes());
    let (texts, json) = outputs(dir.path(), &["--no-config", "."]);
    let found: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == "plaintext-client-secret")
        .collect();
    assert_eq!(found.len(), 50);
    let said = found
        .iter()
        .any(|f| f["message"].as_str().unwrap_or("").contains("10 more"));
    assert!(said, "{json}");
    assert_hidden(&texts, &[PLAIN]);
}

//! Accuracy on the shared generated corpus: `../shared/bench/gen_corpus.py --truth` lists every
//! defect it injects, and `../shared/bench/TRUTH.md` says which finding (rule and primary file)
//! each must produce. Every truth line must be found, and no `error` or `warning` may be left
//! that the truth does not explain (notes do not count).
//!
//! TRUTH.md allows leaving out apps whose defects interact. Three kinds are left out here, the
//! same way for every truth line, found or not, and counted in the output:
//!
//! - **interacting**: one app got a pod-side defect that takes the pod out of Workload Identity
//!   or off its ServiceAccount (label missing, moved or an annotation; another or the implicit
//!   ServiceAccount) *and* a ServiceAccount- or credential-side defect (client id missing, not a
//!   GUID, in labels; subject naming `default` or the wrong namespace), or a subject defect and a
//!   client-id defect together. Each hides the other: `client-id-missing` needs a Workload
//!   Identity pod, `wi-label-missing` needs a client id, the credential joins need both.
//! - **shared ServiceAccount**: 30% of the generator's apps use the name `workload-identity-sa`,
//!   so several apps declare the same ServiceAccount (namespace and name) with different client
//!   ids. Kubernetes has one object; which declaration wins is not in the files, so wiflint
//!   judges the ServiceAccount by all of them (a client id on any declaration counts, any
//!   credential naming it counts). ServiceAccount- and join-level truths of such apps are left out.
//! - **neutralized**: the generator gives the credentials after the first a random environment
//!   namespace, which sometimes is the app's own: then a credential names the ServiceAccount
//!   exactly, and the wrong subject of the first one breaks nothing.
//!
//! Findings whose primary file lies in a left-out app are not counted as false positives.
// The table of results (and a skip) is meant to be seen: `cargo test -- --nocapture`.
#![allow(clippy::print_stderr)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

use super::wiflint;

const GENERATOR: &str = "../shared/bench/gen_corpus.py";
/// Large enough that every truth code occurs outside left-out apps, small enough for debug.
const FILES: &str = "3000";
const SEED: &str = "42";

/// Truth code → the rules that find it (TRUTH.md).
const RULES: &[(&str, &[&str])] = &[
    (
        "label-on-workload-metadata",
        &["wi-label-on-workload-metadata"],
    ),
    ("label-missing", &["wi-label-missing"]),
    ("label-unquoted-bool", &["label-value-not-string"]),
    ("label-wrong-value", &["wi-label-not-true"]),
    ("label-as-annotation", &["wi-label-missing"]),
    ("sa-name-mismatch", &["service-account-not-found"]),
    ("default-sa", &["service-account-not-found"]),
    ("sa-missing-client-id", &["client-id-missing"]),
    (
        "sa-client-id-not-guid",
        &["client-id-not-guid", "client-id-missing"],
    ),
    ("sa-client-id-in-labels", &["client-id-missing"]),
    ("issuer-no-trailing-slash", &["issuer-trailing-slash"]),
    (
        "subject-wrong-namespace",
        &["subject-service-account-not-found"],
    ),
    ("subject-wrong-sa", &["service-account-without-credential"]),
    ("audience-wrong", &["audience-not-default"]),
    ("too-many-credentials", &["credential-limit-exceeded"]),
];

const POD_SIDE: &[&str] = &[
    "label-missing",
    "label-as-annotation",
    "label-on-workload-metadata",
    "sa-name-mismatch",
    "default-sa",
];
const CLIENT_ID: &[&str] = &[
    "sa-missing-client-id",
    "sa-client-id-not-guid",
    "sa-client-id-in-labels",
];
const SUBJECT: &[&str] = &["subject-wrong-sa", "subject-wrong-namespace"];
/// Truths that depend on which declaration of a ServiceAccount counts.
const SA_LEVEL: &[&str] = &[
    "sa-missing-client-id",
    "sa-client-id-not-guid",
    "sa-client-id-in-labels",
    "label-missing",
    "label-as-annotation",
    "subject-wrong-sa",
    "subject-wrong-namespace",
];

struct Truth {
    file: String,
    code: String,
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// (namespace, name) of every ServiceAccount document in the corpus, by app directory.
fn service_accounts(corpus: &Path) -> Vec<(String, (String, String))> {
    let mut out = Vec::new();
    let mut stack = vec![corpus.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let rel = path
                .strip_prefix(corpus)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for doc in text.split("---\n") {
                if !doc.lines().any(|l| l == "kind: ServiceAccount") {
                    continue;
                }
                let field = |key: &str| {
                    doc.lines()
                        .find_map(|l| l.strip_prefix(&format!("  {key}: ")))
                        .unwrap_or("")
                        .to_string()
                };
                out.push((
                    dir_of(&rel).to_string(),
                    (field("namespace"), field("name")),
                ));
            }
        }
    }
    out
}

#[test]
fn generated_corpus_truth_is_found_without_false_positives() {
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join(GENERATOR);
    let python = Command::new("python3").arg("--version").output();
    if python.is_err() || !generator.is_file() {
        super::tools::skip(
            "accuracy on the generated corpus",
            &format!(
                "needs python3 and {GENERATOR} (python3 found: {})",
                python.is_ok()
            ),
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let corpus = tmp.path().join("corpus");
    let truth_file = tmp.path().join("truth.jsonl");
    let generated = Command::new("python3")
        .arg(&generator)
        .args(["--files", FILES, "--seed", SEED, "--out"])
        .arg(&corpus)
        .arg("--truth")
        .arg(&truth_file)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );

    let out = wiflint()
        .current_dir(&corpus)
        .args(["check", ".", "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    // (rule, primary path) of every error and warning.
    let findings: Vec<(String, String)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["severity"] == "error" || f["severity"] == "warning")
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["location"]["path"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();

    let truths: Vec<Truth> = std::fs::read_to_string(&truth_file)
        .unwrap_or_else(|e| panic!("{e}"))
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}"));
            Truth {
                file: v["file"].as_str().unwrap_or("").to_string(),
                code: v["code"].as_str().unwrap_or("").to_string(),
            }
        })
        .collect();
    let rules: HashMap<&str, &[&str]> = RULES.iter().copied().collect();

    let mut declared: HashMap<(String, String), BTreeSet<String>> = HashMap::new();
    let mut app_sa: HashMap<String, (String, String)> = HashMap::new();
    for (app, key) in service_accounts(&corpus) {
        declared.entry(key.clone()).or_default().insert(app.clone());
        app_sa.insert(app, key);
    }
    let mut codes: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for t in &truths {
        codes
            .entry(dir_of(&t.file))
            .or_default()
            .insert(t.code.as_str());
    }
    let has = |app: &str, set: &[&str]| codes[app].iter().any(|c| set.contains(c));

    // code → (found, expected); (code, why) → left out; apps left out
    let mut table: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut left_out: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut left_out_apps: BTreeSet<&str> = BTreeSet::new();
    let mut explained: BTreeSet<(String, String)> = BTreeSet::new();
    let mut missed = Vec::new();
    for t in &truths {
        let code = t.code.as_str();
        let app = dir_of(&t.file);
        let expected = rules
            .get(code)
            .unwrap_or_else(|| panic!("truth code `{code}` is not in TRUTH.md's table"));
        // The findings that would explain it: the rule at the truth's file, or for
        // `subject-wrong-sa` at the app's ServiceAccount (a YAML file of the app).
        let hits: Vec<&(String, String)> = findings
            .iter()
            .filter(|(rule, path)| {
                expected.contains(&rule.as_str())
                    && if code == "subject-wrong-sa" {
                        dir_of(path) == app && path.ends_with(".yaml")
                    } else {
                        *path == t.file
                    }
            })
            .collect();
        explained.extend(hits.iter().map(|h| (*h).clone()));
        let sa = app_sa.get(app);
        let pod_and_sa =
            (POD_SIDE.contains(&code) || CLIENT_ID.contains(&code) || SUBJECT.contains(&code))
                && has(app, POD_SIDE)
                && (has(app, CLIENT_ID) || has(app, SUBJECT));
        let subject_and_client_id = (SUBJECT.contains(&code) || CLIENT_ID.contains(&code))
            && has(app, SUBJECT)
            && has(app, CLIENT_ID);
        let why = if pod_and_sa || subject_and_client_id {
            Some("interacting")
        } else if SA_LEVEL.contains(&code) && sa.is_some_and(|k| declared[k].len() > 1) {
            Some("shared ServiceAccount")
        } else if SUBJECT.contains(&code)
            && sa.is_some_and(|(ns, name)| {
                std::fs::read_to_string(corpus.join(&t.file))
                    .unwrap_or_default()
                    .contains(&format!("\"system:serviceaccount:{ns}:{name}\""))
            })
        {
            Some("neutralized")
        } else {
            None
        };
        if let Some(why) = why {
            *left_out.entry((code, why)).or_default() += 1;
            left_out_apps.insert(app);
            continue;
        }
        let row = table.entry(code).or_default();
        row.1 += 1;
        if hits.is_empty() {
            missed.push(format!("{code} in {}", t.file));
        } else {
            row.0 += 1;
        }
    }
    let false_positives: Vec<String> = findings
        .iter()
        .filter(|f| !explained.contains(*f) && !left_out_apps.contains(dir_of(&f.1)))
        .map(|(rule, path)| format!("{rule} at {path}"))
        .collect();

    let mut summary = format!(
        "generated corpus ({FILES} files, seed {SEED}): {} truth lines\n",
        truths.len()
    );
    for (code, (found, expected)) in &table {
        summary.push_str(&format!("  {code:28} {found}/{expected}\n"));
    }
    for ((code, why), n) in &left_out {
        summary.push_str(&format!("  left out ({why}): {code} ×{n}\n"));
    }
    summary.push_str(&format!(
        "  false positives (errors/warnings outside left-out apps): {}\n",
        false_positives.len()
    ));
    eprintln!("{summary}");

    for (code, _) in RULES {
        assert!(
            table.get(code).is_some_and(|(_, n)| *n > 0),
            "truth code `{code}` never occurs outside left-out apps: grow the corpus\n{summary}"
        );
    }
    assert!(
        missed.is_empty(),
        "missed:\n{}\n{summary}",
        missed.join("\n")
    );
    assert!(
        false_positives.is_empty(),
        "false positives:\n{}\n{summary}",
        false_positives.join("\n")
    );
}

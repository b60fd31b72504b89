//! Inputs built to make the work grow faster than their size (issue 12): repeated keys, many
//! findings of one kind, custom selectors that multiply, and the smaller defects found with them
//! (a report written over an input, file names that are escape sequences or not UTF-8, a trimmed
//! Vault response). Time is measured by the benchmarks (`cargo bench`); these check the outcome
//! in every format, run through the binary so that a blow-up fails the test rather than the
//! harness.

use std::path::Path;

use super::wiflint;

const FORMATS: [&str; 4] = ["text", "json", "sarif", "github"];

/// `wiflint check ARGS --format FORMAT` in `dir`: the exit code and standard output.
fn check(dir: &Path, args: &[&str], format: &str) -> (Option<i32>, String) {
    let out = wiflint()
        .current_dir(dir)
        .arg("check")
        .args(args)
        .args(["--format", format, "--color", "never"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let (_, out) = check(dir, args, "json");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn findings<'v>(v: &'v serde_json::Value, rule: &str) -> Vec<&'v serde_json::Value> {
    v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// The most bytes a report of a few findings takes (SARIF describes every rule, some 230 KB).
fn most(format: &str) -> usize {
    if format == "sarif" { 300_000 } else { 20_000 }
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("{e}"));
}

fn config_map(entries: impl Iterator<Item = String>) -> String {
    let mut text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n".to_string();
    for e in entries {
        text.push_str(&e);
        text.push('\n');
    }
    text
}

/// 100,000 `a: 1` lines grew past 15 GB: a finding per repetition, each with a snippet from the
/// first key to its own. Now one finding with the count, and snippets of the lines labelled.
#[test]
fn a_key_repeated_100000_times_is_one_finding_with_a_count() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        "cm.yaml",
        &config_map((0..100_000).map(|_| "  a: 1".to_string())),
    );
    let v = json(dir.path(), &["cm.yaml"]);
    let dups = findings(&v, "duplicate-key");
    assert_eq!(dups.len(), 1, "{v}");
    let dup = dups[0];
    assert_eq!(
        dup["message"],
        "key `a` appears 100,000 times in this mapping: which value a tool keeps depends on the parser"
    );
    assert_eq!(dup["location"]["line"], 7);
    let related: Vec<_> = dup["related"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| (r["line"].clone(), r["column"].clone(), r["message"].clone()))
        .collect();
    assert_eq!(
        related,
        [
            (6.into(), 3.into(), "first defined here".into()),
            (100_005.into(), 3.into(), "last of 100,000 here".into())
        ]
    );
    for format in FORMATS {
        let (code, out) = check(dir.path(), &["cm.yaml"], format);
        assert_eq!(code, Some(1), "{format}");
        assert!(out.len() < most(format), "{format}: {} bytes", out.len());
    }
    // The text report shows the lines labelled, not the 100,000 between them.
    let (_, text) = check(dir.path(), &["cm.yaml"], "text");
    assert!(text.contains("cm.yaml:100005:3"), "{text}");
    assert!(!text.contains("50000 │"), "{text}");
}

/// 8,000 duplicate keys on one JSON line printed 386 MB of text.
#[test]
fn a_one_line_object_with_8000_duplicate_keys_prints_a_short_report() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        "dup.json",
        &format!("{{{}}}", vec![r#""a":1"#; 8000].join(",")),
    );
    for format in FORMATS {
        let (code, out) = check(dir.path(), &["dup.json"], format);
        assert_eq!(code, Some(1), "{format}");
        assert!(out.len() < most(format), "{format}: {} bytes", out.len());
    }
    let v = json(dir.path(), &["dup.json"]);
    assert_eq!(findings(&v, "duplicate-key").len(), 1, "{v}");
}

/// A rule reports at most 100 findings per file; one more counts the rest, at the first of them.
#[test]
fn findings_per_rule_and_file_are_capped_with_a_count_of_the_rest() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut sa =
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n  annotations:\n".to_string();
    for i in 0..1000 {
        sa.push_str(&format!("    k{i}: {i}\n"));
    }
    write(dir.path(), "sa.yaml", &sa);
    write(
        dir.path(),
        "other.yaml",
        &sa.replace("name: sa", "name: other"),
    );
    let v = json(dir.path(), &["."]);
    for path in ["sa.yaml", "other.yaml"] {
        let found: Vec<_> = findings(&v, "label-value-not-string")
            .into_iter()
            .filter(|f| f["location"]["path"] == path)
            .collect();
        assert_eq!(found.len(), 101, "{path}");
        // Listed in the order of the document; the count at the 101st.
        assert_eq!(found[0]["location"]["line"], 6, "{path}");
        let rest = found
            .iter()
            .find(|f| {
                f["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("not listed"))
            })
            .unwrap_or_else(|| panic!("no count of the rest in {path}"));
        assert_eq!(
            rest["message"],
            "900 more findings of this rule in this file are not listed: wiflint lists at most 100 per rule and file"
        );
        assert_eq!(rest["location"]["line"], 106);
        assert_eq!(rest["severity"], "error");
    }
}

/// A suppression of a finding past the cap is not reported as matching nothing: the finding
/// exists, it is only not listed. One in a file where the rule stayed under the cap still is.
#[test]
fn suppressions_past_the_cap_are_not_reported_unused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut sa =
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n  annotations:\n".to_string();
    for i in 0..300 {
        let comment = if i == 250 {
            "  # wiflint: ignore[label-value-not-string] generated"
        } else {
            ""
        };
        sa.push_str(&format!("    k{i}: {i}{comment}\n"));
    }
    write(dir.path(), "sa.yaml", &sa);
    let few = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: few\n  annotations:\n    k: 1\n    j: \"1\"  # wiflint: ignore[label-value-not-string] stale\n";
    write(dir.path(), "few.yaml", few);
    let v = json(dir.path(), &["."]);
    let unused: Vec<_> = findings(&v, "unused-suppression")
        .into_iter()
        .map(|f| f["location"]["path"].clone())
        .collect();
    assert_eq!(unused, ["few.yaml"], "{v}");
}

/// `$..*..*..*` on a document nested 400 deep was killed at 12 GB: the evaluation is counted as
/// it goes and given up on, with an error that says so.
#[test]
fn a_custom_selector_that_multiplies_is_stopped_with_an_error() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir(dir.path().join("policy")).unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        "wiflint.toml",
        "[scan]\ncustom-rules = [\"policy\"]\n",
    );
    write(
        dir.path(),
        "policy/everything.yaml",
        "id: everything\nseverity: warning\nsummary: s\ntemplate: field.forbidden\nparams:\n  select: \"$..*..*..*\"\n  message: \"{path}\"\ndocs: d\n",
    );
    let mut deep = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n".to_string();
    for i in 0..400 {
        deep.push_str(&format!("{}k{i}:\n", "  ".repeat(i + 1)));
    }
    deep.push_str(&format!("{}v: 1\n", "  ".repeat(401)));
    write(dir.path(), "deep.yaml", &deep);
    for format in FORMATS {
        let (code, out) = check(dir.path(), &["deep.yaml"], format);
        assert_eq!(code, Some(1), "{format}: {out}");
    }
    let v = json(dir.path(), &["deep.yaml"]);
    let found = findings(&v, "everything");
    assert_eq!(found.len(), 1, "{v}");
    assert_eq!(found[0]["severity"], "error");
    assert_eq!(
        found[0]["message"],
        "JSONPath `$..*..*..*` of rule `everything` reached wiflint's limit on ConfigMap `deep`: the rule is not checked in the rest of this file"
    );
    // The same rule on a shallow document is evaluated whole.
    write(
        dir.path(),
        "shallow.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shallow\ndata:\n  a:\n    b:\n      c: '1'\n",
    );
    let v = json(dir.path(), &["shallow.yaml"]);
    let found = findings(&v, "everything");
    assert!(!found.is_empty(), "{v}");
    assert!(found.iter().all(|f| f["severity"] == "warning"), "{v}");
}

/// `--output` (or `--write-baseline`) naming a file the scan reads is refused before the scan,
/// and the file is left as it was; a report wiflint wrote in a scanned directory is not.
#[test]
fn a_report_is_never_written_over_an_input() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n";
    write(dir.path(), "sa.yaml", sa);
    std::fs::create_dir(dir.path().join("sub")).unwrap_or_else(|e| panic!("{e}"));
    for (args, named) in [
        (&["sa.yaml", "--output", "sa.yaml"][..], "--output sa.yaml"),
        (
            &[".", "--output", "./sub/../sa.yaml"],
            "--output ./sub/../sa.yaml",
        ),
        (
            &[".", "--write-baseline", "sa.yaml"],
            "--write-baseline sa.yaml",
        ),
    ] {
        let out = wiflint()
            .current_dir(dir.path())
            .arg("check")
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("{named} names a file this scan reads (sa.yaml)")),
            "{stderr}"
        );
        let now = std::fs::read_to_string(dir.path().join("sa.yaml"));
        assert_eq!(now.ok().as_deref(), Some(sa), "{args:?}");
    }
    // Writing the JSON report again where the scan walks is how CI runs.
    for _ in 0..2 {
        let (code, _) = check(dir.path(), &[".", "--output", "report.json"], "json");
        assert_eq!(code, Some(0));
    }
}

/// File names are text from the inputs: an escape sequence in one is shown as symbols, and a
/// name that is not UTF-8 says so with its bytes.
#[cfg(unix)]
#[test]
fn file_names_cannot_inject_escape_sequences_and_say_when_not_utf8() {
    use std::os::unix::ffi::OsStrExt;

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    azure.workload.identity/use: \"yes\"\nspec:\n  containers: [{name: c, image: i}]\n";
    write(dir.path(), "f\x1b[31m.yaml", pod);
    let raw = dir.path().join(std::ffi::OsStr::from_bytes(b"g\xff.yaml"));
    std::fs::write(raw, pod).unwrap_or_else(|e| panic!("{e}"));
    for format in ["text", "concise", "github", "azure"] {
        let (code, out) = check(dir.path(), &["."], format);
        assert_eq!(code, Some(1), "{format}");
        assert!(!out.contains('\x1b'), "{format}: {out}");
        assert!(out.contains("f␛[31m.yaml"), "{format}: {out}");
        assert!(out.contains(r"g\xFF.yaml"), "{format}: {out}");
        assert!(!out.contains('\u{fffd}'), "{format}: {out}");
    }
    let v = json(dir.path(), &["."]);
    let mut paths: Vec<&str> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["location"]["path"].as_str())
        .collect();
    paths.dedup();
    assert_eq!(paths, ["f\x1b[31m.yaml", r"g\xFF.yaml"]);
    let (_, sarif) = check(dir.path(), &["."], "sarif");
    assert!(sarif.contains(r#""uri": "g%FF.yaml""#), "{sarif}");
    assert!(sarif.contains(r#""uri": "f%1B%5B31m.yaml""#), "{sarif}");
}

/// A value a rule quotes is text from the inputs too: a C1 `CSI` (U+009B) in it, which some
/// terminals take as `ESC [`, reaches no line-oriented output raw.
#[test]
fn quoted_values_cannot_inject_c1_controls() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n  namespace: ns\n  annotations:\n    azure.workload.identity/client-id: \"ab\u{9b}31mcd\"\n";
    write(dir.path(), "sa.yaml", sa);
    for format in ["text", "concise", "github", "azure"] {
        let (code, out) = check(dir.path(), &["."], format);
        assert_eq!(code, Some(1), "{format}: {out}");
        assert!(out.contains("client-id-not-guid"), "{format}: {out}");
        assert!(!out.contains('\u{9b}'), "{format}: {out}");
    }
}

/// docs/inputs.md: a lone `azure-config.json` is read as `azure/config`, the `vault read`
/// envelope kept or trimmed to `{"data": …}`; another name is not taken for a Vault response.
#[test]
fn a_lone_trimmed_vault_response_is_read_by_its_file_name() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let config = r#"{"data": {"identity_token_audience": "api://AzureADTokenExchange"}}"#;
    write(dir.path(), "azure-config.json", config);
    let v = json(dir.path(), &["azure-config.json"]);
    assert!(findings(&v, "unrecognized-input").is_empty(), "{v}");
    assert_eq!(findings(&v, "vault-wif-incomplete").len(), 1, "{v}");
    write(dir.path(), "settings.json", config);
    let v = json(dir.path(), &["settings.json"]);
    assert_eq!(findings(&v, "unrecognized-input").len(), 1, "{v}");
}

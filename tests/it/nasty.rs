//! Hostile and broken input: each gets a clear finding or skip reason, nothing crashes, and the
//! good file scanned alongside is still checked. Run through the binary, so a stack overflow
//! would show up as a crash of the child rather than of the test harness.

use std::path::Path;

use super::wiflint;

/// A manifest with one known finding (`wi-label-not-true`), to prove the scan went on.
const GOOD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    azure.workload.identity/use: \"yes\"\nspec:\n  containers: [{name: c, image: i}]\n";

fn run(name: &str, bytes: &[u8]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join(name), bytes).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("good.yaml"), GOOD).unwrap_or_else(|e| panic!("{e}"));
    let out = wiflint()
        .current_dir(dir.path())
        .args(["check", ".", "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "{name}: exit {code:?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
    let good = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|f| f["rule"] == "wi-label-not-true" && f["location"]["path"] == "good.yaml");
    assert!(good, "{name}: the good file was not checked: {v}");
    v
}

fn finding_for(v: &serde_json::Value, path: &str) -> Option<(String, String)> {
    v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["location"]["path"] == path)
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
}

pub(crate) fn skip_reason(v: &serde_json::Value, path: &str) -> Option<String> {
    v["skipped"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["path"] == path)
        .map(|s| s["reason"].as_str().unwrap_or("").to_string())
}

#[test]
fn deeply_nested_sequence_line() {
    let v = run(
        "deep.yaml",
        format!("{}x\n", "- ".repeat(100_000)).as_bytes(),
    );
    let (rule, message) = finding_for(&v, "deep.yaml").unwrap_or_default();
    assert_eq!(rule, "unparseable-input");
    assert!(message.contains("nesting too deep"), "{message}");
}

#[test]
fn deeply_nested_flow_and_json() {
    let v = run(
        "flow.yaml",
        format!("a: {}\n", "[".repeat(20_000)).as_bytes(),
    );
    assert_eq!(
        finding_for(&v, "flow.yaml").map(|f| f.0).as_deref(),
        Some("unparseable-input")
    );
    let v = run("deep.json", "[".repeat(100_000).as_bytes());
    assert_eq!(
        finding_for(&v, "deep.json").map(|f| f.0).as_deref(),
        Some("unparseable-input")
    );
}

#[test]
fn alias_bomb() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (prev, cur) in ('a'..'i').zip('b'..='i') {
        text.push_str(&format!("{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    let v = run("bomb.yaml", text.as_bytes());
    let (rule, message) = finding_for(&v, "bomb.yaml").unwrap_or_default();
    assert_eq!(rule, "unparseable-input");
    assert!(message.contains("alias"), "{message}");
}

#[test]
fn invalid_utf8_is_an_error_with_its_offset() {
    let v = run(
        "latin1.yaml",
        b"apiVersion: v1\nkind: ConfigMap\ndata: {a: \"caf\xe9\"}\n",
    );
    let (rule, message) = finding_for(&v, "latin1.yaml").unwrap_or_default();
    assert_eq!(rule, "unparseable-input");
    assert!(
        message.contains("not valid UTF-8 (invalid byte at offset 45)"),
        "{message}"
    );
    let loc = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["location"]["path"] == "latin1.yaml")
        .map(|f| {
            (
                f["location"]["line"].clone(),
                f["location"]["column"].clone(),
            )
        });
    assert_eq!(loc, Some((serde_json::json!(3), serde_json::json!(15))));
}

#[test]
fn binary_empty_and_separator_only_files_are_skipped_with_reasons() {
    let v = run("image.yaml", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    assert_eq!(
        skip_reason(&v, "image.yaml").as_deref(),
        Some("binary file (contains NUL bytes)")
    );
    let v = run("empty.yaml", b"");
    assert_eq!(skip_reason(&v, "empty.yaml").as_deref(), Some("empty file"));
    let v = run("dashes.yaml", b"---\n---\n");
    assert!(skip_reason(&v, "dashes.yaml").is_some_and(|r| r.contains("not a recognized input")));
}

#[test]
fn duplicate_keys_crlf_bom_and_tabs() {
    let v = run(
        "dup.yaml",
        b"apiVersion: v1\r\nkind: ServiceAccount\r\nmetadata:\r\n  name: a\r\n  name: b\r\n",
    );
    let dup = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["rule"] == "duplicate-key")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (
            dup["location"]["line"].as_u64(),
            dup["location"]["column"].as_u64()
        ),
        (Some(5), Some(3))
    );
    assert_eq!(dup["related"][0]["line"], 4);

    let v = run(
        "bom.yaml",
        "\u{feff}apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  labels: {x: yes}\n"
            .as_bytes(),
    );
    let f = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["rule"] == "label-value-not-string")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (
            f["location"]["line"].as_u64(),
            f["location"]["column"].as_u64()
        ),
        (Some(5), Some(15))
    );

    let v = run(
        "tabs.yaml",
        b"apiVersion: v1\nkind: Pod\nmetadata:\n\tname: a\n",
    );
    assert_eq!(
        finding_for(&v, "tabs.yaml").map(|f| f.0).as_deref(),
        Some("unparseable-input")
    );
}

#[test]
fn helm_template_is_skipped_with_a_hint_not_reported_broken() {
    let v = run("deploy.yaml", b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  {{- include \"labels\" . | nindent 4 }}\n");
    assert!(skip_reason(&v, "deploy.yaml").is_some_and(|r| r.contains("helm template")));
    assert!(finding_for(&v, "deploy.yaml").is_none());
}

#[test]
fn oversized_file_is_reported() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let big = dir.path().join("big.yaml");
    std::fs::write(&big, "a: b\n".repeat(100)).unwrap_or_else(|e| panic!("{e}"));
    wiflint()
        .args(["check", "--max-file-size", "100", "--format", "json"])
        .arg(&big)
        .assert()
        .code(1)
        .stdout(predicates::str::contains("over the 100-byte limit"));
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_fifos_are_accounted_for() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir(dir.path().join("sub")).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink("..", dir.path().join("sub/loop")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("good.yaml"), GOOD).unwrap_or_else(|e| panic!("{e}"));
    let fifo = dir.path().join("pipe.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let out = wiflint()
        .current_dir(dir.path())
        .args(["check", ".", "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        skip_reason(&v, "sub/loop").is_some_and(|r| r.contains("loop")),
        "{v}"
    );
    if made {
        assert!(
            skip_reason(&v, "pipe.yaml").is_some_and(|r| r.contains("not a regular file")),
            "{v}"
        );
    }
    assert!(Path::new(&dir.path().join("good.yaml")).exists());
    assert_eq!(v["summary"]["files"], 1);
}

/// A minified export (one long line) with thousands of findings. The text report gives the
/// renderer a window of the line around each finding's labels (given the whole file for every
/// finding, it took minutes; `cargo bench` times it), and the header of a cropped snippet still
/// gives the position the JSON gives.
#[test]
fn text_report_of_a_long_one_line_export_is_cropped_and_placed() {
    let creds: Vec<String> = (0..2000)
        .map(|i| {
            format!(
                r#"{{"name": "c{i}", "issuer": "http://example.com/", "subject": "system:serviceaccount:ns:sa", "audiences": ["api://AzureADTokenExchange"], "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials", "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id{i}/federatedIdentityCredentials/c{i}"}}"#
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("creds.json");
    std::fs::write(&file, format!("[{}]", creds.join(", "))).unwrap_or_else(|e| panic!("{e}"));
    let run = |format: &str| {
        let out = wiflint()
            .current_dir(dir.path())
            .args(["check", "creds.json", "--format", format])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let json: serde_json::Value =
        serde_json::from_str(&run("json")).unwrap_or_else(|e| panic!("{e}"));
    let text = run("text");
    let last = json["findings"]
        .as_array()
        .and_then(|f| {
            f.iter()
                .filter(|f| f["rule"] == "issuer-not-https")
                .max_by_key(|f| f["location"]["column"].as_u64())
        })
        .unwrap_or_else(|| panic!("no issuer-not-https finding: {json}"));
    let header = format!(
        "creds.json:1:{}",
        last["location"]["column"].as_u64().unwrap_or_default()
    );
    assert!(text.contains(&header), "no `{header}` in the text report");
    // Each finding shows a window of the line, not the line (about 700 KB).
    let longest = text.lines().map(str::len).max().unwrap_or_default();
    assert!(longest < 2000, "a text line of {longest} bytes");
}

/// A snippet of a CRLF file ends its lines where the file does, without showing the `\r`.
#[test]
fn text_snippets_of_crlf_files_show_no_carriage_return() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("pod.yaml"), GOOD.replace('\n', "\r\n"))
        .unwrap_or_else(|e| panic!("{e}"));
    let out = wiflint()
        .current_dir(dir.path())
        .args(["check", "pod.yaml"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("pod.yaml:6:34"), "{text}");
    assert!(!text.contains('␍') && !text.contains('\r'), "{text}");
}

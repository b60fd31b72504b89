//! End to end: `scripts/vault-dump.sh` against the fake `vault` CLI (tests/fake-vault) writes a
//! bundle that is valid JSON and that wiflint reads, finding the seeded defect (the `wif` key of
//! mount `azure/` is ES256) at its exact place in the bundle file.

use std::path::Path;
use std::process::Command;

use super::scan;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Whether a POSIX `sh` can be started at all; the test has nothing to run without one.
#[allow(
    clippy::print_stderr,
    reason = "a skipped test says why on the test harness's stderr"
)]
fn sh_available() -> bool {
    match Command::new("sh").args(["-c", "exit 0"]).status() {
        Ok(status) if status.success() => true,
        other => {
            super::tools::not_run("vault_dump", &format!("cannot run `sh` ({other:?})"));
            false
        }
    }
}

/// 1-based line and column (in characters) of the first `needle` at or after byte `from`.
fn line_col(text: &str, from: usize, needle: &str) -> (usize, usize) {
    let at = text
        .get(from..)
        .and_then(|rest| rest.find(needle))
        .map(|i| from + i)
        .unwrap_or_else(|| panic!("`{needle}` not in the bundle after byte {from}"));
    let before = text.get(..at).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
    (line, column)
}

#[test]
fn dump_script_bundle_is_json_and_flags_the_es256_key() {
    if !sh_available() {
        return;
    }
    let fake = Path::new(ROOT).join("tests/fake-vault");
    let path = match std::env::var_os("PATH") {
        Some(p) => {
            let mut dirs = vec![fake];
            dirs.extend(std::env::split_paths(&p));
            std::env::join_paths(dirs).unwrap_or_else(|e| panic!("PATH: {e}"))
        }
        None => fake.into_os_string(),
    };
    let out = Command::new("sh")
        .arg("scripts/vault-dump.sh")
        .current_dir(ROOT)
        .env("PATH", path)
        .env("VAULT_ADDR", "https://vault.example.com:8200")
        .env_remove("VAULT_NAMESPACE")
        .env_remove("FAKE_VAULT_DOWN")
        .env_remove("FAKE_VAULT_NO_SUDO")
        .env_remove("FAKE_VAULT_FAIL")
        .output()
        .unwrap_or_else(|e| panic!("running sh scripts/vault-dump.sh: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "vault-dump.sh failed: {stderr}");
    let text = String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("bundle not UTF-8: {e}"));

    // The bundle is JSON, in the documented format, with the seeded key in it.
    let bundle: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("bundle is not JSON: {e}\n{text}"));
    assert_eq!(bundle["wiflint"], "vault-bundle/v1");
    assert_eq!(bundle["address"], "https://vault.example.com:8200");
    assert_eq!(bundle["namespace_id"], "root");
    assert_eq!(
        bundle["responses"]["sys/mounts"]["azure/"]["config"]["identity_token_key"],
        "wif"
    );
    assert_eq!(
        bundle["responses"]["identity/oidc/key/wif"]["data"]["algorithm"],
        "ES256"
    );

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("vault-bundle.json");
    std::fs::write(&file, &text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let file = file.to_string_lossy().into_owned();
    let report = scan(&[&file]);

    let hits: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.finding.rule == "vault-signing-key-not-rs256")
        .collect();
    let [hit] = hits.as_slice() else {
        panic!("expected one vault-signing-key-not-rs256 finding, got {hits:?}");
    };
    assert!(
        hit.finding.message.contains("`wif`"),
        "{}",
        hit.finding.message
    );
    assert_eq!(
        hit.finding
            .mismatch
            .as_ref()
            .map(|m| (m.expected.as_str(), m.found.as_str())),
        Some(("RS256", "ES256"))
    );
    // The primary span is the `"ES256"` value inside the `identity/oidc/key/wif` response.
    let key_at = text
        .find("\"identity/oidc/key/wif\"")
        .unwrap_or_else(|| panic!("no wif key response in the bundle"));
    let (line, column) = line_col(&text, key_at, "\"ES256\"");
    assert_eq!(report.paths[hit.primary.file], file);
    assert_eq!(
        (hit.primary.start.line, hit.primary.start.column),
        (line, column)
    );
    // The related location is the mount's `identity_token_key`.
    let mount_at = text
        .find("\"azure/\"")
        .unwrap_or_else(|| panic!("no azure/ mount in the bundle"));
    let (line, column) = line_col(&text, mount_at, "\"wif\"");
    assert!(
        hit.related
            .iter()
            .any(|r| (r.start.line, r.start.column) == (line, column)),
        "{:?}",
        hit.related
    );
    // The client-secret mount `azure-prod/` (no audience, TTL 0) is not federated: no TTL finding.
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.finding.rule == "vault-token-ttl-invalid"),
        "{:?}",
        report.findings
    );
}

//! Scale and robustness properties of the whole program: the same scan gives byte-identical
//! output whatever the threads; no network access; files that cannot be read (permissions,
//! devices) are accounted for and the scan goes on.
// Skips say why on stderr, so a skipped check is visible in the test log.
#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::Command;

use super::nasty::skip_reason;
use super::wiflint;

/// A manifest with one known finding (`wi-label-not-true`).
const GOOD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    azure.workload.identity/use: \"yes\"\nspec:\n  containers: [{name: c, image: i}]\n";

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_wiflint"))
}

/// Inputs for the determinism check: a generated corpus when the shared generator runs here,
/// plus the examples and the rule fixtures (many small cross-file cases).
fn determinism_inputs(tmp: &Path) -> Vec<String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut inputs = vec![format!("{root}/examples"), format!("{root}/testdata/rules")];
    let generator = Path::new(root).join("../shared/bench/gen_corpus.py");
    let corpus = tmp.join("corpus");
    let generated = generator.is_file()
        && Command::new("python3")
            .arg(&generator)
            .args([
                "--files",
                "1500",
                "--seed",
                "7",
                "--defect-rate",
                "0.5",
                "--out",
            ])
            .arg(&corpus)
            .output()
            .is_ok_and(|o| o.status.success());
    if generated {
        inputs.push(corpus.display().to_string());
    } else {
        super::tools::skip(
            "determinism on a generated corpus",
            "python3 or ../shared/bench/gen_corpus.py is missing; examples and fixtures only",
        );
    }
    inputs
}

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let inputs = determinism_inputs(tmp.path());
    for format in ["json", "sarif"] {
        let run = |threads: &str| {
            let out = wiflint()
                .env("RAYON_NUM_THREADS", threads)
                .args(["check", "--format", format])
                .args(&inputs)
                .output()
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
            out.stdout
        };
        let first = run("4");
        assert!(first.len() > 1000, "{format}: suspiciously small output");
        assert!(first == run("4"), "{format}: two 4-thread runs differ");
        assert!(first == run("8"), "{format}: 4 and 8 threads differ");
        assert!(first == run("1"), "{format}: 4 threads and 1 thread differ");
    }
}

/// No socket of any kind: `strace` shows every network system call of the process, its threads
/// and the renders it runs (the pinned `helm` and `kubectl`, first on `PATH`). Where strace cannot
/// run, the scan must at least work in an empty network namespace.
#[test]
fn no_network_access() {
    let root = env!("CARGO_MANIFEST_DIR");
    let path = {
        let rest = std::env::var_os("PATH").unwrap_or_default();
        let tools = super::tools::render_tools("no_network_access with renders")
            .and_then(|(helm, _)| helm.parent().map(std::path::Path::to_path_buf));
        std::env::join_paths(tools.into_iter().chain(std::env::split_paths(&rest))).unwrap_or(rest)
    };
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let trace = tmp.path().join("trace");
    let traced = Command::new("strace")
        // Signals (the Go runtime's SIGURG in the renders) are not network calls.
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=network",
            "-e",
            "signal=none",
            "-o",
        ])
        .arg(&trace)
        .arg(binary())
        .env("PATH", &path)
        .args(["check", "--format", "sarif"])
        .arg(format!("{root}/examples"))
        .output();
    match traced {
        Ok(out) if matches!(out.status.code(), Some(0 | 1)) && trace.exists() => {
            let calls = std::fs::read_to_string(&trace).unwrap_or_default();
            assert!(
                calls.trim().is_empty(),
                "network system calls made:\n{calls}"
            );
            return;
        }
        Ok(out) => eprintln!(
            "no_network_access: strace did not run ({}); trying unshare -n",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => eprintln!("no_network_access: no strace ({e}); trying unshare -n"),
    }
    let isolated = Command::new("unshare")
        .arg("-n")
        .arg(binary())
        .env("PATH", &path)
        .args(["check", "--format", "json"])
        .arg(format!("{root}/examples"))
        .output();
    match isolated {
        Ok(out) if out.status.code() == Some(1) => {
            let v: serde_json::Value =
                serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
            assert!(v["summary"]["errors"].as_u64().unwrap_or(0) > 0, "{v}");
        }
        Ok(out) => eprintln!(
            "SKIPPED no_network_access: neither strace nor `unshare -n` can run here ({})",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => super::tools::not_run(
            "no_network_access",
            &format!("neither strace nor unshare ({e})"),
        ),
    }
}

fn good_was_checked(v: &serde_json::Value) -> bool {
    v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|f| f["rule"] == "wi-label-not-true" && f["location"]["path"] == "good.yaml")
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_skipped_and_the_scan_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = tmp.path();
    std::fs::write(dir.join("good.yaml"), GOOD).unwrap_or_else(|e| panic!("{e}"));
    let secret = dir.join("secret.yaml");
    std::fs::write(&secret, GOOD).unwrap_or_else(|e| panic!("{e}"));
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000))
        .unwrap_or_else(|e| panic!("{e}"));
    // Root reads anything: run as `nobody` then (the directory must let it in).
    let mut cmd = if std::fs::File::open(&secret).is_ok() {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(binary());
        c
    } else {
        Command::new(binary())
    };
    let out = match cmd
        .current_dir(dir)
        .args(["check", ".", "--format", "json"])
        .output()
    {
        Ok(out) if !out.stdout.is_empty() => out,
        other => {
            super::tools::not_run(
                "unreadable file",
                &format!("cannot run without read permission ({other:?})"),
            );
            return;
        }
    };
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let reason = skip_reason(&v, "secret.yaml").unwrap_or_default();
    assert!(reason.starts_with("unreadable"), "{v}");
    assert!(good_was_checked(&v), "{v}");
    assert_eq!(v["summary"]["skipped"], 1, "{v}");
}

#[cfg(unix)]
#[test]
fn devices_are_skipped_and_the_scan_goes_on() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = tmp.path();
    std::fs::write(dir.join("good.yaml"), GOOD).unwrap_or_else(|e| panic!("{e}"));
    // An endless device under an input name: reading it would never end.
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let out = wiflint()
        .current_dir(dir)
        .args(["check", ".", "--format", "json"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        skip_reason(&v, "zero.yaml").is_some_and(|r| r.contains("not a regular file")),
        "{v}"
    );
    assert!(good_was_checked(&v), "{v}");
    // Named explicitly, a device is skipped too, not read.
    let out = wiflint()
        .args(["check", "/dev/null", "--format", "json"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        skip_reason(&v, "/dev/null").is_some_and(|r| r.contains("not a regular file")),
        "{v}"
    );
}

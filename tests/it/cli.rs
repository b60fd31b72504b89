//! The command line as users run it: every output format and exit code.

use predicates::prelude::*;

use super::wiflint;

#[test]
fn text_on_examples_exits_1_with_summary() {
    wiflint()
        .args(["check", "examples/broken", "--color", "never"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[wi-label-not-true]"))
        .stdout(predicate::str::contains("examples/broken/api.yaml:14:38"))
        .stdout(predicate::str::ends_with(
            "13 errors, 4 warnings, 1 note in 13 files (3 skipped); --verbose lists the skipped files\n",
        ));
}

#[test]
fn clean_input_exits_0() {
    wiflint()
        .args(["check", "examples/fixed"])
        .assert()
        .code(0)
        .stdout(
            "0 errors, 0 warnings in 13 files (3 skipped); --verbose lists the skipped files\n",
        );
}

#[test]
fn fail_on_and_severity_thresholds() {
    // Only warnings: exit 0 by default, 1 with --fail-on warning.
    let file = "testdata/rules/client-secret-env/fail-secret-key-ref.yaml";
    wiflint().args(["check", file]).assert().code(0);
    wiflint()
        .args(["check", file, "--fail-on", "warning"])
        .assert()
        .code(1);
    wiflint()
        .args([
            "check",
            "examples/broken",
            "--severity",
            "error",
            "--format",
            "json",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"warning\"").not());
}

#[test]
fn select_and_ignore() {
    wiflint()
        .args(["check", "examples/broken", "--select", "duplicate-key", "--format", "github"])
        .assert()
        .code(1)
        .stdout(
            "::error file=examples/broken/workers.yaml,line=45,col=15,endLine=45,endColumn=20,title=duplicate-key::key `image` appears more than once in this mapping: which value a tool keeps depends on the parser%0Ahelp: keep one of the two entries\n",
        );
    wiflint()
        .args([
            "check",
            "examples/broken",
            "--ignore",
            "duplicate-key,wi-label-not-true",
            "--format",
            "json",
        ])
        .assert()
        .stdout(predicate::str::contains("duplicate-key").not());
    wiflint()
        .args(["check", "examples/broken", "--select", "wi-label-mising"])
        .assert()
        .code(2)
        .stderr("error: unknown rule id `wi-label-mising` in --select (did you mean `wi-label-missing`?)\n");
}

#[test]
fn json_shape_is_version_1() {
    let out = wiflint()
        .args(["check", "examples/broken", "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "wiflint");
    assert_eq!(v["summary"]["files"], 13);
    assert_eq!(v["summary"]["errors"], 13);
    assert_eq!(v["summary"]["warnings"], 4);
    let first = &v["findings"][0];
    assert_eq!(first["rule"], "wi-label-not-true");
    assert_eq!(first["location"]["path"], "examples/broken/api.yaml");
    assert_eq!(
        (
            first["location"]["line"].as_u64(),
            first["location"]["column"].as_u64()
        ),
        (Some(14), Some(38))
    );
    assert_eq!(
        (first["expected"].as_str(), first["found"].as_str()),
        (Some("true"), Some("True"))
    );
    assert_eq!(first["fingerprint"].as_str().map(str::len), Some(16));
    let related = v["findings"].as_array().into_iter().flatten().find(|f| {
        f["rule"] == "wi-label-on-workload-metadata"
            && f["location"]["path"] == "examples/broken/workers.yaml"
    });
    assert_eq!(
        related.map(|f| f["related"][0]["line"].clone()),
        Some(serde_json::json!(37))
    );
}

#[test]
fn output_file_and_stdin() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("report.sarif");
    wiflint()
        .args(["check", "examples/broken", "--format", "sarif", "--output"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout("");
    assert!(
        std::fs::read_to_string(&out)
            .unwrap_or_default()
            .contains("\"version\": \"2.1.0\"")
    );
    wiflint()
        .args(["check", "-", "--format", "json"])
        .write_stdin(std::fs::read("examples/broken/serviceaccount.yaml").unwrap_or_default())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"path\": \"-\""))
        .stdout(predicate::str::contains("client-id-not-guid"));
}

#[test]
fn no_inputs_and_missing_paths_exit_2() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    wiflint()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no inputs found"));
    wiflint()
        .args(["check", "examples/fixed", "does/not/exist.yaml"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("in 13 files"))
        .stderr(predicate::str::contains("does/not/exist.yaml"));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let plain = wiflint()
        .args(["check", "examples/broken"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !String::from_utf8_lossy(&plain.stdout).contains('\x1b'),
        "piped output has no ANSI codes"
    );
    let forced = wiflint()
        .args(["check", "examples/broken", "--color", "always"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(String::from_utf8_lossy(&forced.stdout).contains('\x1b'));
}

#[test]
fn rules_and_explain() {
    let out = wiflint()
        .arg("rules")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .any(|l| l.starts_with("wi-label-missing ") && l.contains("error"))
    );
    assert_eq!(text.lines().count(), super::registry().rules.len());
    wiflint()
        .args(["explain", "wi-label-missing"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("# wi-label-missing\n"))
        .stdout(predicate::str::contains("## Fix"));
    wiflint()
        .args(["explain", "wi-label-mising"])
        .assert()
        .code(2)
        .stderr("error: unknown rule `wi-label-mising` (did you mean `wi-label-missing`?)\n");
}

#[test]
fn explain_aadsts_codes() {
    wiflint()
        .args(["explain", "AADSTS70021"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("issuer-trailing-slash"));
    wiflint()
        .args(["explain", "aadsts700213:"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "subject-service-account-not-found",
        ));
    wiflint()
        .args(["explain", "AADSTS99999"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("AADSTS70021"));
}

/// Every rule an AADSTS page names exists, so `explain` never sends a user to a missing rule.
#[test]
fn aadsts_pages_name_real_rules() {
    let registry = super::registry();
    for code in wiflint::rules::aadsts::CODES {
        for cause in code.causes {
            for id in cause.rules {
                assert!(
                    registry.get(id).is_some(),
                    "{}: unknown rule `{id}`",
                    code.code
                );
            }
        }
    }
}

/// A secret in a scanned file appears in no output format, not even in a source snippet.
#[test]
fn secrets_are_never_printed_in_any_format() {
    let cases = [
        (
            "testdata/rules/plaintext-client-secret/fail-wi-pod-env-value.yaml",
            "Zx78Q~k3LmN0pQr5StUvWx_yZ.aB1cD2eF3gH4iJ",
        ),
        (
            "testdata/rules/plaintext-client-secret/fail-secret-string-data.yaml",
            "p7Hk2-vNq9_LrT4.wXz8",
        ),
        (
            "testdata/rules/plaintext-client-secret/fail-appsettings-shape.json",
            "Qm28Q~Tb5.Vc7_Xd9-Ye1Zf3Ag5Bh7Ci9Dj1Ek3",
        ),
    ];
    for (file, secret) in cases {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        assert!(text.contains(secret), "{file} holds the secret under test");
        // Any run of 4 characters of the secret: at most its first 3 may be shown.
        let chars: Vec<char> = secret.chars().collect();
        let windows: Vec<String> = chars.windows(4).map(|w| w.iter().collect()).collect();
        for format in ["text", "json", "sarif", "github"] {
            let out = wiflint()
                .args([
                    "check",
                    file,
                    "--format",
                    format,
                    "--color",
                    "never",
                    "--verbose",
                ])
                .output()
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(out.status.code(), Some(1), "{file} --format {format}");
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stdout.contains("plaintext-client-secret"),
                "{file} --format {format}: no finding"
            );
            for window in &windows {
                assert!(
                    !stdout.contains(window.as_str()) && !stderr.contains(window.as_str()),
                    "{file} --format {format} prints `{window}` of the secret"
                );
            }
        }
    }
}

#[test]
fn vault_dump_script_is_printed() {
    wiflint()
        .arg("vault-dump-script")
        .assert()
        .code(0)
        .stdout(predicates::str::starts_with("#!/bin/sh"))
        .stdout(predicates::str::contains("vault-bundle/v1"));
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = wiflint()
            .args(["completions", shell])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(script.contains("check"), "{shell}: {script}");
        assert!(script.contains("fail-on"), "{shell}");
        if shell == "bash" {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let file = dir.path().join("wiflint.bash");
            std::fs::write(&file, script.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
            let syntax = std::process::Command::new("bash")
                .arg("-n")
                .arg(&file)
                .output()
                .unwrap_or_else(|e| panic!("bash: {e}"));
            assert!(
                syntax.status.success(),
                "bash -n: {}",
                String::from_utf8_lossy(&syntax.stderr)
            );
        }
    }
    wiflint()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'tcsh'"));
}

#[test]
fn man_page_is_roff_with_every_check_option() {
    let out = wiflint()
        .arg("man")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains(".TH wiflint 1"), "{page}");
    assert!(page.contains(".SH \"WIFLINT CHECK\""), "{page}");
    assert!(page.contains(".SH \"EXIT STATUS\""), "{page}");
    // Every long option of `check`, as roff writes it (`-` escaped).
    for option in [
        "format",
        "output",
        "select",
        "ignore",
        "severity",
        "fail-on",
        "default-namespace",
        "max-file-size",
        "verbose",
        "color",
    ] {
        let roff = format!("\\fB\\-\\-{}\\fR", option.replace('-', "\\-"));
        assert!(page.contains(&roff), "man page lacks --{option}");
    }
    for sub in ["rules", "explain", "vault-dump-script", "completions"] {
        assert!(
            page.contains(&format!(".SH \"WIFLINT {}\"", sub.to_uppercase())),
            "{sub}"
        );
    }
}

#[test]
fn explain_a_pasted_message_and_codes_from_elsewhere() {
    wiflint()
        .args([
            "explain",
            "AADSTS70023: External OIDC Provider token must have a lifetime of less than or equal to 1.01:00:00. Token issued at 1643126692.",
        ])
        .assert()
        .code(0)
        .stdout(predicates::str::starts_with("AADSTS70023: "))
        .stdout(predicates::str::contains("vault-token-ttl-invalid"));
    wiflint()
        .args(["explain", "AADSTS65001"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "not a workload identity exchange error",
        ));
    // What users read has no notes of wiflint's own.
    for code in [
        "AADSTS700211",
        "AADSTS700222",
        "AADSTS7000222",
        "AADSTS70025",
    ] {
        wiflint()
            .args(["explain", code])
            .assert()
            .code(0)
            .stdout(predicates::str::contains("UNVERIFIED").not())
            .stdout(predicates::str::contains("[AWI]").not());
    }
}

/// A git in `dir` that reads no user or system configuration.
fn git(dir: &std::path::Path, args: &[&str]) -> bool {
    std::process::Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Hidden and ignored paths are counted and listed, the flags bring them in, and a file git
/// tracks is read even under an ignored directory.
#[test]
fn hidden_and_ignored_paths_are_accounted_for() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    let manifest = std::fs::read_to_string(
        "testdata/rules/wi-annotation-without-label/fail-proxy-without-label.yaml",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for path in [
        "k8s/app.yaml",
        "deploy/a.yaml",
        "deploy/b.yaml",
        ".azure/c.yaml",
        "generated.yaml",
    ] {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, &manifest).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(root.join(".gitignore"), "deploy/\ngenerated.yaml\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let run = |args: &[&str]| {
        let out = wiflint()
            .current_dir(root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .args(["check", "--color", "never"])
            .args(args)
            .arg(".")
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // Without git: nothing is tracked.
    let text = run(&[]);
    assert!(
        text.ends_with(
            "in 1 file (2 ignored by .gitignore, 1 hidden); --no-ignore and --hidden to scan them; --verbose lists the skipped files\n"
        ),
        "{text}"
    );
    let text = run(&["--verbose"]);
    for line in [
        "skipped .azure/: hidden directory; --hidden to scan it",
        "skipped deploy/: directory ignored by .gitignore; --no-ignore to scan it",
        "skipped generated.yaml: ignored by .gitignore; --no-ignore to scan it",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&run(&["--format", "json"])).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["summary"]["skipped"], 3, "{json}");
    assert!(run(&["--hidden", "--no-ignore"]).ends_with("in 5 files\n"));
    assert!(run(&["--hidden"]).contains("in 2 files (2 ignored by .gitignore)"));
    // In a git work tree, a tracked file under an ignored directory is read.
    if !git(root, &["init", "-q"]) {
        #[allow(clippy::print_stderr, reason = "a skipped case says so")]
        {
            eprintln!("git is not installed: the tracked-file case is not tested");
        }
        return;
    }
    assert!(git(root, &["add", "-f", "deploy/a.yaml", "k8s/app.yaml"]));
    let text = run(&["--verbose"]);
    assert!(
        text.contains("skipped deploy/: directory ignored by .gitignore, except the files git tracks in it (scanned)"),
        "{text}"
    );
    assert!(text.contains("deploy/a.yaml:"), "{text}");
    assert!(
        text.contains("in 2 files (2 ignored by .gitignore, 1 hidden)"),
        "{text}"
    );
}

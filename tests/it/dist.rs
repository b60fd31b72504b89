//! How users get wiflint: the Python wheel (built with the real maturin, installed into a fresh
//! virtualenv, run on the examples), the release workflow (actionlint), the container image's
//! Dockerfile (hadolint, and a real build where a Docker daemon has the base images), and the
//! crate's package contents. The tools come from `scripts/test-tools.sh` like pre-commit.

use std::path::Path;
use std::process::{Command, Output};

use super::tools::{self, ROOT};

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn text(out: &Output) -> String {
    format!(
        "status {}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Cargo sets these for the test process; a nested cargo (under maturin) must not inherit the
/// ones that describe this test binary's build rather than the wheel's.
const CARGO_TEST_ENV: &[&str] = &[
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_BIN_NAME",
    "CARGO_CRATE_NAME",
];

#[test]
fn the_wheel_installs_into_a_fresh_venv_and_checks_the_examples() {
    let Some(tools) = tools::python("the_wheel_installs_into_a_fresh_venv_and_checks_the_examples")
    else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out_dir = tmp.path().join("wheels");
    // An unoptimised binary is all this test needs (release.yml builds the release wheels), in a
    // profile directory of its own (see Cargo.toml's `wheel-test`).
    let mut build = Command::new(tools.join("venv/bin/maturin"));
    build
        .args(["build", "--profile", "wheel-test", "--locked", "--out"])
        .arg(&out_dir)
        .current_dir(ROOT);
    for var in CARGO_TEST_ENV {
        build.env_remove(var);
    }
    let built = run(&mut build);
    assert!(
        built.status.success(),
        "maturin build failed\n{}",
        text(&built)
    );
    let wheels: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap_or_else(|e| panic!("{}: {e}", out_dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "whl"))
        .collect();
    assert_eq!(wheels.len(), 1, "one wheel expected: {wheels:?}");
    let name = wheels[0]
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        name.starts_with(&format!("wiflint-{version}-py3-none-")),
        "a binary wheel for any Python 3, named after the crate version: {name}"
    );

    let venv = tmp.path().join("venv");
    let made = run(Command::new("python3").arg("-m").arg("venv").arg(&venv));
    assert!(made.status.success(), "{}", text(&made));
    let installed = run(Command::new(venv.join("bin/pip"))
        .args([
            "install",
            "--no-index",
            "--no-deps",
            "--disable-pip-version-check",
            "--quiet",
        ])
        .arg(&wheels[0]));
    assert!(installed.status.success(), "{}", text(&installed));

    let exe = venv.join("bin/wiflint");
    let v = run(Command::new(&exe).arg("--version"));
    assert_eq!(
        String::from_utf8_lossy(&v.stdout).trim(),
        format!("wiflint {version}")
    );
    let broken = run(Command::new(&exe)
        .args(["check", "examples/broken", "--color", "never"])
        .current_dir(ROOT));
    assert_eq!(broken.status.code(), Some(1), "{}", text(&broken));
    assert!(
        String::from_utf8_lossy(&broken.stdout).contains("error[wi-label-not-true]"),
        "{}",
        text(&broken)
    );
    let fixed = run(Command::new(&exe)
        .args(["check", "examples/fixed"])
        .current_dir(ROOT));
    assert_eq!(fixed.status.code(), Some(0), "{}", text(&fixed));

    pre_commit_mirror_installs_the_wheel(tools, &out_dir, tmp.path());
}

/// The wiflint-pre-commit mirror (`pre-commit-mirror/`), as the release workflow publishes it,
/// used by the real pre-commit from a repository's config: its `language: python` hook installs
/// the wheel (here the one just built, with pip's index off) and runs, with no Rust involved.
fn pre_commit_mirror_installs_the_wheel(tools: &Path, wheels: &Path, tmp: &Path) {
    let version = env!("CARGO_PKG_VERSION");
    let git = |dir: &Path, args: &[&str]| {
        let out = run(Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", tmp.join("gitconfig"))
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@wiflint.invalid")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@wiflint.invalid"));
        assert!(out.status.success(), "git {args:?}\n{}", text(&out));
    };
    std::fs::write(tmp.join("gitconfig"), "").unwrap_or_else(|e| panic!("{e}"));
    let mirror = tmp.join("mirror");
    std::fs::create_dir_all(&mirror).unwrap_or_else(|e| panic!("{e}"));
    for entry in std::fs::read_dir(Path::new(ROOT).join("pre-commit-mirror"))
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_else(|e| panic!("{e}"));
        if entry.file_name() == "pyproject.toml" {
            assert!(
                text.contains(&format!("\"wiflint=={version}\"")),
                "the mirror depends on this version's wheel"
            );
        }
        std::fs::write(mirror.join(entry.file_name()), text).unwrap_or_else(|e| panic!("{e}"));
    }
    git(&mirror, &["init", "-q", "-b", "main"]);
    git(&mirror, &["add", "."]);
    git(&mirror, &["commit", "-q", "-m", "mirror"]);
    git(&mirror, &["tag", &format!("v{version}")]);

    let repo = tmp.join("repo");
    std::fs::create_dir_all(&repo).unwrap_or_else(|e| panic!("{e}"));
    git(&repo, &["init", "-q", "-b", "main"]);
    std::fs::write(
        repo.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: v{version}\n    hooks:\n      - id: wiflint\n",
            mirror.display()
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(
        Path::new(ROOT).join("examples/broken/api.yaml"),
        repo.join("api.yaml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    git(&repo, &["add", "."]);
    let links = format!(
        "{} {}",
        wheels.display(),
        tools.join("venv/wheels").display()
    );
    let out = run(Command::new(tools.join("venv/bin/pre-commit"))
        .args(["run", "--all-files", "--color", "never"])
        .current_dir(&repo)
        .env("PRE_COMMIT_HOME", tmp.join("pre-commit-home"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", tmp.join("gitconfig"))
        .env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", links)
        .env("PATH", "/usr/bin:/bin")
        .env_remove("CARGO")
        .env_remove("RUSTUP_HOME"));
    let log = text(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the hook blocks a broken manifest\n{log}"
    );
    assert!(log.contains("wi-label-not-true"), "{log}");
}

#[test]
fn the_release_workflow_passes_actionlint() {
    let Some(tools) = tools::python("the_release_workflow_passes_actionlint") else {
        return;
    };
    let dir = Path::new(ROOT).join(".github/workflows");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    assert!(files.iter().any(|f| f.ends_with("release.yml")));
    let out = run(Command::new(tools.join("venv/bin/actionlint"))
        .args(["-no-color"])
        .args(&files)
        .current_dir(ROOT));
    assert!(
        out.status.success(),
        "actionlint found problems\n{}",
        text(&out)
    );
}

#[test]
fn actionlint_is_not_a_test_that_cannot_fail() {
    let Some(tools) = tools::python("actionlint_is_not_a_test_that_cannot_fail") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bad = tmp.path().join("bad.yml");
    std::fs::write(
        &bad,
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = run(Command::new(tools.join("venv/bin/actionlint"))
        .arg("-no-color")
        .arg(&bad));
    assert!(!out.status.success(), "{}", text(&out));
}

#[test]
fn the_dockerfile_passes_hadolint() {
    let Some(tools) = tools::python("the_dockerfile_passes_hadolint") else {
        return;
    };
    let out = run(Command::new(tools.join("venv/bin/hadolint"))
        .args(["--no-color", "--failure-threshold", "info", "Dockerfile"])
        .current_dir(ROOT));
    assert!(
        out.status.success(),
        "hadolint found problems\n{}",
        text(&out)
    );
}

/// Builds the image only where that can work offline: a reachable Docker daemon that already
/// has both base images. Elsewhere (this project's CI has no registry access) it says so on
/// stderr; the Dockerfile is still checked by hadolint above and built by release.yml.
#[test]
fn the_container_image_builds_where_docker_has_its_base_images() {
    let dockerfile = std::fs::read_to_string(Path::new(ROOT).join("Dockerfile"))
        .unwrap_or_else(|e| panic!("Dockerfile: {e}"));
    let bases: Vec<&str> = dockerfile
        .lines()
        .filter_map(|l| l.strip_prefix("FROM "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        bases.len(),
        2,
        "a build stage and a runtime stage: {bases:?}"
    );
    let docker = |args: &[&str]| {
        Command::new("docker")
            .args(args)
            .output()
            .ok()
            .is_some_and(|o| o.status.success())
    };
    if !docker(&["info"]) {
        note("no reachable Docker daemon");
        return;
    }
    if let Some(missing) = bases.iter().find(|b| !docker(&["image", "inspect", b])) {
        note(&format!(
            "the daemon does not have the base image {missing}"
        ));
        return;
    }
    let tag = "wiflint-test:dist";
    let built = run(Command::new("docker")
        .args(["build", "--pull=false", "-t", tag, "."])
        .current_dir(ROOT));
    assert!(built.status.success(), "{}", text(&built));
    let examples = Path::new(ROOT).join("examples/broken");
    let ran = run(Command::new("docker").args([
        "run",
        "--rm",
        "-v",
        &format!("{}:/src:ro", examples.display()),
        tag,
    ]));
    assert_eq!(ran.status.code(), Some(1), "{}", text(&ran));
}

fn note(why: &str) {
    tools::not_run(
        "the_container_image_builds_where_docker_has_its_base_images",
        &format!("{why} (offline builds need both base images pulled beforehand)"),
    );
}

/// What `cargo publish` would upload: everything the build needs (the rule specs build.rs
/// embeds, the starter config and the Vault dump script `include_str!` reads), no test data.
#[test]
fn the_crate_package_holds_what_the_build_needs_and_no_test_data() {
    let out = run(Command::new(env!("CARGO"))
        .args(["package", "--list", "--locked", "--allow-dirty"])
        .current_dir(ROOT));
    assert!(out.status.success(), "{}", text(&out));
    let list = String::from_utf8_lossy(&out.stdout);
    let files: Vec<&str> = list.lines().collect();
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "LICENSE",
        "README.md",
        "src/main.rs",
        "docs/wiflint.toml",
        "scripts/vault-dump.sh",
        "rules/k8s/wi-label-not-true.yaml",
    ] {
        assert!(
            files.contains(&needed),
            "{needed} missing from the package:\n{list}"
        );
    }
    for file in &files {
        assert!(
            !file.starts_with("testdata/")
                && !file.starts_with("tests/")
                && !file.starts_with("fuzz/"),
            "{file} should not be packaged"
        );
    }
}

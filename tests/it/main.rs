//! Integration tests, one binary (one link) with a module per concern.

mod accuracy;
mod action;
mod bicep;
mod bounds;
mod charts;
mod cli;
mod dist;
mod docs;
mod github_actions;
mod habits;
mod nasty;
mod precision;
mod precommit;
mod readme;

mod realworld;
mod robust;
mod rules;
mod sarif;
mod sarif_tools;
mod secrets;
mod stream;
mod terraform;
mod tools;
mod vault_dump;
mod workflow;
mod yaml_fast;

use wiflint::app::{self, Report, ScanConfig};
use wiflint::finding::Severity;
use wiflint::render::{self, Format, RenderOptions};
use wiflint::rules::Options;
use wiflint::rules::registry::Registry;

pub fn registry() -> Registry {
    Registry::builtin().unwrap_or_else(|e| panic!("built-in rules: {e}"))
}

pub fn config(paths: &[&str]) -> ScanConfig {
    ScanConfig {
        paths: paths.iter().map(|p| p.to_string()).collect(),
        max_file_size: wiflint::input::load::DEFAULT_MAX_FILE_SIZE,
        options: Options::default(),
        select: Vec::new(),
        ignore: Vec::new(),
        min_severity: Severity::Note,
        render: tools::render_settings("charts and overlays in scans"),
        ..ScanConfig::default()
    }
}

pub fn scan(paths: &[&str]) -> Report {
    app::scan(&config(paths), &registry()).unwrap_or_else(|e| panic!("scan {paths:?}: {e}"))
}

pub fn render(format: Format, report: &Report) -> String {
    let registry = registry();
    let rules: Vec<_> = registry.rules.iter().collect();
    render::render(format, report, &rules, &RenderOptions::default())
}

/// `wiflint check . --color never` run in `dir` (relative to the crate root), as a user runs it
/// at the root of a repository: the exit code and the report.
pub fn check_at(dir: &str) -> (Option<i32>, String) {
    let out = wiflint()
        .args(["check", ".", "--color", "never"])
        .current_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// The built binary, run from the crate root.
pub fn wiflint() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("wiflint").unwrap_or_else(|e| panic!("{e}"));
    cmd.env_remove("NO_COLOR")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    // Charts and overlays render with the pinned helm and kubectl, whatever else is on PATH.
    if let Some((helm, _)) = tools::render_tools("charts and overlays in CLI runs")
        && let Some(bin) = helm.parent()
    {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let paths = std::iter::once(bin.to_path_buf()).chain(std::env::split_paths(&path));
        if let Ok(joined) = std::env::join_paths(paths) {
            cmd.env("PATH", joined);
        }
    }
    cmd
}

//! Integration tests, one binary (one link) with a module per concern.

mod accuracy;
mod action;
mod bicep;
mod cli;
mod dist;
mod docs;
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

/// The built binary, run from the crate root.
pub fn wiflint() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("wiflint").unwrap_or_else(|e| panic!("{e}"));
    cmd.env_remove("NO_COLOR")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

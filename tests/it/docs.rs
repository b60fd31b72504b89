//! `docs/rules/` is generated from the rule registry (`wiflint::rules::docs::files`): one page per
//! rule, the one SARIF `helpUri` points at, and an index. This test fails when a committed file is
//! stale, missing or extra; `WIFLINT_UPDATE_DOCS=1 cargo test --test it docs` rewrites them.

use std::collections::BTreeMap;
use std::path::Path;

use super::tools::ROOT;

#[test]
fn docs_rules_are_generated_from_the_registry() {
    let dir = Path::new(ROOT).join("docs/rules");
    let want: BTreeMap<String, String> = wiflint::rules::docs::files(&super::registry())
        .into_iter()
        .collect();
    let update = std::env::var_os("WIFLINT_UPDATE_DOCS").is_some_and(|v| !v.is_empty() && v != "0");
    let mut have = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            have.insert(
                name,
                std::fs::read_to_string(entry.path()).unwrap_or_default(),
            );
        }
    }
    if update {
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for name in have.keys().filter(|n| !want.contains_key(*n)) {
            std::fs::remove_file(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        for (name, text) in &want {
            if have.get(name) != Some(text) {
                std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
        return;
    }
    let mut problems = Vec::new();
    for (name, text) in &want {
        match have.get(name) {
            None => problems.push(format!("missing: docs/rules/{name}")),
            Some(old) if old != text => problems.push(format!("stale: docs/rules/{name}")),
            Some(_) => {}
        }
    }
    for name in have.keys().filter(|n| !want.contains_key(*n)) {
        problems.push(format!("extra (no such rule): docs/rules/{name}"));
    }
    assert!(
        problems.is_empty(),
        "docs/rules/ is out of date with the rule specs:\n{}\nregenerate it with: WIFLINT_UPDATE_DOCS=1 cargo test --test it docs",
        problems.join("\n")
    );
}

/// The SARIF `helpUri` of every rule names a page that exists in `docs/rules/`.
#[test]
fn docs_rules_back_every_sarif_help_uri() {
    let registry = super::registry();
    for rule in &registry.rules {
        let uri = format!("{}{}.md", wiflint::render::DOCS_BASE, rule.id);
        let file = uri
            .rsplit_once("/blob/main/")
            .map(|(_, path)| Path::new(ROOT).join(path))
            .unwrap_or_else(|| panic!("DOCS_BASE is not a /blob/main/ URL: {uri}"));
        assert!(
            file.is_file(),
            "{uri} points at a missing {}",
            file.display()
        );
    }
}

/// `docs/wiflint.schema.json`, the JSON Schema editors validate `wiflint.toml` with, is
/// generated from the settings the strict parser knows (`wiflint::config::json_schema`).
#[test]
fn docs_config_schema_is_generated_from_the_parser_settings() {
    let file = Path::new(ROOT).join("docs/wiflint.schema.json");
    let mut want =
        serde_json::to_string_pretty(&wiflint::config::json_schema()).unwrap_or_default();
    want.push('\n');
    if std::env::var_os("WIFLINT_UPDATE_DOCS").is_some_and(|v| !v.is_empty() && v != "0") {
        std::fs::write(&file, &want).unwrap_or_else(|e| panic!("{e}"));
        return;
    }
    let have = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        have == want,
        "docs/wiflint.schema.json is stale: regenerate it with WIFLINT_UPDATE_DOCS=1 cargo test --test it docs"
    );
}

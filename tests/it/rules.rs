//! The rule catalog as fixtures: every rule has `testdata/rules/<id>/` with failing cases
//! (`fail-*`) that must trigger it and look-alike passing cases (`pass-*`) that must not.
//! Each failing case's full text and JSON output is a snapshot.

use std::collections::BTreeSet;
use std::path::Path;

use wiflint::render::Format;

use super::{config, registry, render, scan};
use wiflint::app;

const FIXTURES: &str = "testdata/rules";
const SNAPSHOTS: &str = "tests/it/snapshots";

fn cases(id: &str) -> Vec<String> {
    let dir = Path::new(FIXTURES).join(id);
    let mut out: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

fn snapshot_name(id: &str, case: &str) -> String {
    format!("{id}@{case}")
}

#[test]
fn every_rule_has_docs_and_fixtures() {
    for rule in &registry().rules {
        for section in [
            "## What it checks",
            "## Why it matters",
            "## Example",
            "## Fix",
        ] {
            assert!(
                rule.docs.contains(section),
                "{}: docs lack `{section}`",
                rule.id
            );
        }
        assert!(
            rule.origin.ends_with(&format!("/{}.yaml", rule.id)),
            "{} lives in {}",
            rule.id,
            rule.origin
        );
        // Docs speak to users: no citation keys of wiflint's own notes, no working words.
        let page = wiflint::rules::docs::page(rule);
        for word in ["UNVERIFIED", "seed", "Template:", "domain facts", "§"] {
            assert!(!page.contains(word), "{}: docs say `{word}`", rule.id);
        }
        let bare_key = page.split('[').skip(1).any(|rest| {
            rest.split_once(']').is_some_and(|(key, _)| {
                key.len() > 1 && key.bytes().all(|b| b.is_ascii_uppercase() || b == b'-')
            })
        });
        assert!(!bare_key, "{}: docs cite a bare `[KEY]`", rule.id);
        let cases = cases(&rule.id);
        assert!(
            cases.iter().any(|c| c.starts_with("fail")),
            "{}: no fail case",
            rule.id
        );
        assert!(
            cases.iter().any(|c| c.starts_with("pass")),
            "{}: no pass case",
            rule.id
        );
        assert!(
            cases
                .iter()
                .all(|c| c.starts_with("fail") || c.starts_with("pass")),
            "{}: cases are fail-* or pass-*",
            rule.id
        );
    }
    // No fixture directory without a rule.
    for entry in std::fs::read_dir(FIXTURES).into_iter().flatten().flatten() {
        let id = entry.file_name().to_string_lossy().into_owned();
        assert!(
            registry().get(&id).is_some(),
            "testdata/rules/{id} has no rule"
        );
    }
}

#[test]
fn fixtures() {
    let registry = registry();
    let mut failures = Vec::new();
    for rule in &registry.rules {
        for case in cases(&rule.id) {
            let path = format!("{FIXTURES}/{}/{case}", rule.id);
            if needs_render(Path::new(&path))
                && super::tools::render_tools(&format!("fixture {path}")).is_none()
            {
                continue;
            }
            let report = match case_registry(&path) {
                Some(registry) => app::scan(&config(&[&path]), &registry)
                    .unwrap_or_else(|e| panic!("scan {path}: {e}")),
                None => scan(&[&path]),
            };
            let hits = report
                .findings
                .iter()
                .filter(|f| f.finding.rule == rule.id)
                .count();
            if case.starts_with("fail") {
                if hits == 0 {
                    failures.push(format!("{path}: expected `{}`, got none", rule.id));
                }
                let text = render(Format::Text, &report);
                let json: serde_json::Value = serde_json::from_str(&render(Format::Json, &report))
                    .unwrap_or_else(|e| panic!("{path}: {e}"));
                let findings = serde_json::to_string_pretty(&json["findings"]).unwrap_or_default();
                insta::assert_snapshot!(
                    snapshot_name(&rule.id, &case),
                    format!("{text}\n{findings}\n")
                );
            } else if hits > 0 {
                failures.push(format!(
                    "{path}: look-alike triggered `{}` {hits} time(s)",
                    rule.id
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Whether a fixture holds a chart or a kustomization, which are checked only as rendered.
fn needs_render(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name == "Chart.yaml"
        || name.starts_with("kustomization.")
        || std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| needs_render(&e.path()))
}

/// Snapshot files that no fixture produces any more fail the run, so stale expectations cannot
/// linger after a case is renamed or removed.
#[test]
fn no_unreferenced_snapshots() {
    let expected: BTreeSet<String> = registry()
        .rules
        .iter()
        .flat_map(|r| {
            cases(&r.id)
                .into_iter()
                .filter(|c| c.starts_with("fail"))
                .map(|c| format!("it__rules__{}.snap", snapshot_name(&r.id, &c)))
                .collect::<Vec<_>>()
        })
        .collect();
    let actual: BTreeSet<String> = std::fs::read_dir(SNAPSHOTS)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".snap"))
        .collect();
    let stale: Vec<_> = actual.difference(&expected).collect();
    assert!(
        stale.is_empty(),
        "unreferenced snapshots (delete them): {stale:?}"
    );
}

/// The registry with a case's own `wiflint.toml` applied, when it has one (facts the files do
/// not hold, such as `[github] repository`).
fn case_registry(path: &str) -> Option<wiflint::rules::registry::Registry> {
    let toml = std::path::Path::new(path).join("wiflint.toml");
    if !toml.is_file() {
        return None;
    }
    let mut registry = registry();
    let config = wiflint::config::Config::load(&toml).unwrap_or_else(|e| panic!("{path}: {e}"));
    config
        .apply(&mut registry)
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    Some(registry)
}

//! SARIF output checked against the official 2.1.0 schema and GitHub code scanning's demands.

use wiflint::render::Format;

use super::{render, scan};

pub(crate) fn validate(sarif: &str) -> serde_json::Value {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("testdata/schemas/sarif-2.1.0.json")
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("schema: {e}"));
    let log: serde_json::Value = serde_json::from_str(sarif).unwrap_or_else(|e| panic!("{e}"));
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
    log
}

#[test]
fn sarif_with_findings_is_valid_and_complete() {
    let log = validate(&render(Format::Sarif, &scan(&["examples/broken"])));
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut ids: Vec<_> = rules
        .iter()
        .map(|r| r["id"].as_str().unwrap_or(""))
        .collect();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "rule ids unique");
    for r in &rules {
        assert!(
            r["fullDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty()),
            "{r}"
        );
        assert!(
            r["help"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("## Fix"))
        );
        assert!(
            r["helpUri"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://"))
        );
    }
    let results = run["results"].as_array().cloned().unwrap_or_default();
    assert_eq!(results.len(), 18);
    for result in &results {
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64() >= Some(1));
        assert!(region["startColumn"].as_u64() >= Some(1));
        let index = result["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(result["partialFingerprints"]["wiflint/v1"].is_string());
    }
    assert!(
        results
            .iter()
            .any(|r| r["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 37)
    );
}

#[test]
fn clean_sarif_has_empty_results() {
    let log = validate(&render(Format::Sarif, &scan(&["examples/fixed"])));
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

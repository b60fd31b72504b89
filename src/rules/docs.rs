//! Rule documentation from the registry: `wiflint rules`, `wiflint explain`, and `docs/rules/`.

use super::registry::Registry;

pub fn list(registry: &Registry, json: bool) -> String {
    if json {
        let rules: Vec<serde_json::Value> = registry
            .rules
            .iter()
            .map(|r| serde_json::json!({"id": r.id, "severity": r.severity, "area": r.area(), "summary": r.summary}))
            .collect();
        return serde_json::to_string_pretty(&rules).unwrap_or_default() + "\n";
    }
    let width = registry.rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    registry
        .rules
        .iter()
        .map(|r| {
            format!(
                "{:width$}  {:7}  {:6}  {}\n",
                r.id,
                r.severity.as_str(),
                r.area(),
                r.summary
            )
        })
        .collect()
}

/// The page for one rule, as `explain` prints it and `docs/rules/<id>.md` stores it.
pub fn page(rule: &super::Rule) -> String {
    format!(
        "# {}\n\nSeverity: {}\n\n{}\n\n{}",
        rule.id,
        rule.severity,
        rule.summary,
        rule.docs.trim_end()
    ) + "\n"
}

/// A rule's page, or an AADSTS code's: what it means and which rules detect its causes.
pub fn explain(registry: &Registry, id: &str) -> Result<String, String> {
    if super::aadsts::looks_like_code(id) {
        return super::aadsts::explain(id);
    }
    match registry.get(id) {
        Some(rule) => Ok(page(rule)),
        None => {
            let ids: Vec<&str> = registry.rules.iter().map(|r| r.id.as_str()).collect();
            let hint = super::closest(id, &ids)
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_else(|| " (`wiflint rules` lists them)".into());
            Err(format!("unknown rule `{id}`{hint}"))
        }
    }
}

/// Every generated file under `docs/rules/`, as (file name, contents), sorted by name: one
/// `<id>.md` per rule (the `explain` page, which SARIF `helpUri` points at) and `README.md`, the
/// index. A test compares them with the committed files.
pub fn files(registry: &Registry) -> Vec<(String, String)> {
    const REGENERATE: &str = "WIFLINT_UPDATE_DOCS=1 cargo test --test it docs";
    let mut files: Vec<(String, String)> = registry
        .rules
        .iter()
        .map(|r| {
            let text = format!(
                "{}\n<!-- Generated from {} by `{REGENERATE}`: edit the spec, not this file. -->\n",
                page(r),
                r.origin
            );
            (format!("{}.md", r.id), text)
        })
        .collect();
    let mut index = format!(
        "# Rules\n\n{} rules. `wiflint rules` lists them and `wiflint explain <id>` prints a page.\n\n\
         | rule | severity | area | summary |\n|---|---|---|---|\n",
        registry.rules.len()
    );
    let mut rules: Vec<_> = registry.rules.iter().collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    for r in rules {
        let area = r.origin.split('/').nth(1).unwrap_or("");
        index.push_str(&format!(
            "| [`{id}`]({id}.md) | {} | {area} | {} |\n",
            r.severity.as_str(),
            r.summary.replace('|', "\\|"),
            id = r.id,
        ));
    }
    index.push_str(&format!(
        "\n<!-- Generated from the rule specs under rules/ by `{REGENERATE}`. -->\n"
    ));
    files.push(("README.md".into(), index));
    files.sort();
    files
}

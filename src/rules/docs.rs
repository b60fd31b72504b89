//! Rule documentation from the registry: `wiflint rules`, `wiflint explain`, and `docs/rules/`.

use super::registry::Registry;

pub fn list(registry: &Registry, json: bool) -> String {
    if json {
        let rules: Vec<serde_json::Value> = registry
            .rules
            .iter()
            .map(|r| serde_json::json!({"id": r.id, "severity": r.severity, "summary": r.summary}))
            .collect();
        return serde_json::to_string_pretty(&rules).unwrap_or_default() + "\n";
    }
    let width = registry.rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    registry
        .rules
        .iter()
        .map(|r| {
            format!(
                "{:width$}  {:7}  {}\n",
                r.id,
                r.severity.as_str(),
                r.summary
            )
        })
        .collect()
}

/// The page for one rule, as `explain` prints it and `docs/rules/<id>.md` stores it.
pub fn page(rule: &super::Rule) -> String {
    format!(
        "# {}\n\nSeverity: {} · Template: `{}`\n\n{}\n\n{}",
        rule.id,
        rule.severity,
        rule.template,
        rule.summary,
        rule.docs.trim_end()
    ) + "\n"
}

/// A rule's page, or an AADSTS code's: what it means and which rules detect its causes.
pub fn explain(registry: &Registry, id: &str) -> Result<String, String> {
    if super::aadsts::looks_like_code(id) {
        return super::aadsts::lookup(id)
            .map(super::aadsts::page)
            .ok_or_else(|| super::aadsts::unknown(id));
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

//! SARIF 2.1.0 as GitHub code scanning accepts it: every rule that ran described once, 1-based
//! regions with an explicit `columnKind`, related locations, stable fingerprints, and an empty
//! `results` array (not a missing one) when clean.

use serde_json::{Value, json};

use super::DOCS_BASE;
use crate::app::Report;
use crate::finding::{Placed, Severity};
use crate::rules::Rule;
use crate::suppress::Kind;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A relative URI reference for a path (forward slashes, percent-encoded where needed). The
/// bytes of a name that is not UTF-8, shown as `\xNN` (see `input::discover`), are given back
/// as the bytes they are (`%NN`).
pub fn uri(path: &str) -> String {
    let mut out = String::new();
    if path.starts_with(['/', '\\']) {
        out.push_str("file://");
    }
    let bytes = path.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let raw = match bytes.get(i..i + 4) {
            Some([b'\\', b'x', hi, lo])
                if !cfg!(windows) && is_upper_hex(*hi) && is_upper_hex(*lo) =>
            {
                std::str::from_utf8(&bytes[i + 2..i + 4]).ok()
            }
            _ => None,
        };
        match (b, raw) {
            (_, Some(hex)) => {
                out.push('%');
                out.push_str(hex);
                i += 4;
                continue;
            }
            (b'\\', None) => out.push('/'),
            (b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/', None) => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
        i += 1;
    }
    out
}

fn is_upper_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'A'..=b'F').contains(&b)
}

fn physical(report: &Report, p: &Placed) -> Value {
    json!({
        "artifactLocation": { "uri": uri(&report.paths[p.file]) },
        "region": {
            "startLine": p.start.line,
            "startColumn": p.start.column,
            "endLine": p.end.line,
            "endColumn": p.end.column,
        }
    })
}

pub fn render(report: &Report, rules: &[&Rule]) -> String {
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": friendly_name(&r.id),
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": first_paragraph(&r.docs) },
                "help": { "text": r.docs, "markdown": r.docs },
                "helpUri": format!("{DOCS_BASE}{}.md", r.id),
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": {
                    "tags": ["security", "azure-workload-identity", r.area()],
                    "security-severity": security_severity(r.severity_override.unwrap_or(r.severity)),
                },
            })
        })
        .collect();
    // Suppressed findings stay in the log, marked, so code scanning shows them as such.
    let listed = report
        .findings
        .iter()
        .map(|r| (r, None))
        .chain(report.suppressed.iter().map(|(r, a)| (r, Some(a))));
    let results: Vec<Value> = listed
        .map(|(r, applied)| {
            let f = &r.finding;
            let text = super::full_message(f);
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": physical(report, &r.primary),
                    "message": { "text": r.primary.message },
                }],
                "partialFingerprints": { "wiflint/v1": r.fingerprint },
            });
            if let Some(index) = rules.iter().position(|rule| rule.id == f.rule) {
                result["ruleIndex"] = json!(index);
            }
            if let Some(applied) = applied {
                let kind = match applied.kind {
                    Kind::Inline | Kind::Annotation => "inSource",
                    Kind::Config => "external",
                };
                result["suppressions"] = json!([{
                    "kind": kind,
                    "status": "accepted",
                    "justification": applied.reason,
                }]);
            }
            if !r.related.is_empty() {
                result["relatedLocations"] = Value::Array(
                    r.related
                        .iter()
                        .enumerate()
                        .map(|(i, p)| {
                            // A render's output is no artifact a URI can name: say where in it.
                            if report.outputs.contains(&p.file) {
                                return json!({
                                    "id": i + 1,
                                    "message": { "text": format!(
                                        "{} line {}, column {} of the output of `{}`",
                                        p.message, p.start.line, p.start.column, report.paths[p.file]
                                    ) },
                                });
                            }
                            json!({
                                "id": i + 1,
                                "physicalLocation": physical(report, p),
                                "message": { "text": p.message },
                            })
                        })
                        .collect(),
                );
            }
            result
        })
        .collect();
    log(json!({
        "tool": tool(descriptors),
        "columnKind": "unicodeCodePoints",
        "results": results,
    }))
}

/// The log of a run that could not check anything (no inputs found, an unreadable config): no
/// results, and the reason as a tool execution notification, so that a workflow's upload step
/// still gets a valid file.
pub fn failed_run(message: &str) -> String {
    log(json!({
        "tool": tool(Vec::new()),
        "columnKind": "unicodeCodePoints",
        "invocations": [{
            "executionSuccessful": false,
            "toolExecutionNotifications": [{
                "level": "error",
                "message": { "text": message },
            }],
        }],
        "results": [],
    }))
}

fn tool(rules: Vec<Value>) -> Value {
    json!({
        "driver": {
            "name": "wiflint",
            "version": env!("CARGO_PKG_VERSION"),
            "informationUri": DOCS_BASE,
            "rules": rules,
        }
    })
}

fn log(run: Value) -> String {
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

/// GitHub code scanning ranks security alerts by this score (a string, 0.0 to 10.0: above 7.0
/// is high, above 4.0 medium). A broken Workload Identity setup is an outage or a credential
/// exposure, not a remote exploit, so errors rank high, not critical.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "7.5",
        Severity::Warning => "5.0",
        Severity::Note => "2.0",
    }
}

/// The rule's SARIF `name`: a Pascal-case "friendly name" (`WiLabelNotTrue`). SARIF requires it
/// to differ from the `id` (the SARIF multitool's SARIF1001) and recommends this form (SARIF2012).
fn friendly_name(id: &str) -> String {
    id.split(['-', '_', '.'])
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect()
}

/// The "What it checks" paragraph of a rule's docs.
fn first_paragraph(docs: &str) -> String {
    docs.split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with('#'))
        .unwrap_or("")
        .replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(uri("a b/c.yaml"), "a%20b/c.yaml");
        assert_eq!(uri("/abs/x.yaml"), "file:///abs/x.yaml");
        assert_eq!(uri("g\\xFF.yaml"), "g%FF.yaml");
        assert_eq!(uri("a\\b.yaml"), "a/b.yaml");
    }

    #[test]
    fn friendly_names() {
        assert_eq!(friendly_name("wi-label-not-true"), "WiLabelNotTrue");
        assert_eq!(
            friendly_name("vault-signing-key-not-rs256"),
            "VaultSigningKeyNotRs256"
        );
    }
}

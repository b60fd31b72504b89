//! Rule spec files: YAML parsed into our own span tree, so a broken spec (built-in or a user's
//! custom rule) is reported at the exact key that is wrong.

use std::fmt;

use crate::document::{self, Node, Span};
use crate::finding::Severity;

#[derive(Debug)]
pub struct SpecError {
    pub origin: String,
    pub span: Span,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

impl std::error::Error for SpecError {}

/// A spec before its template is bound.
#[derive(Debug)]
pub struct RawSpec {
    pub id: String,
    pub severity: Severity,
    pub summary: String,
    pub docs: String,
    pub template: String,
    pub template_span: Span,
    pub params: Node,
}

const KEYS: &[&str] = &["id", "severity", "summary", "template", "params", "docs"];

pub fn parse(origin: &str, text: &str) -> Result<RawSpec, SpecError> {
    let err = |span: Span, message: String| SpecError {
        origin: origin.to_string(),
        span,
        message,
    };
    let mut docs = document::yaml::parse(text).map_err(|e| err(e.span, e.message))?;
    if docs.len() != 1 {
        return Err(err(
            Span::default(),
            "a rule spec is exactly one YAML document".into(),
        ));
    }
    let root = docs.remove(0);
    let Some(entries) = root.as_map() else {
        return Err(err(root.span, "a rule spec is a mapping".into()));
    };
    for entry in entries {
        let key = entry.key.text().unwrap_or("");
        if !KEYS.contains(&key) {
            return Err(err(
                entry.key.span,
                format!("unknown key `{key}` (expected one of: {})", KEYS.join(", ")),
            ));
        }
    }
    let string = |key: &str| -> Result<(String, Span), SpecError> {
        match root.get(key) {
            Some(node) => node
                .as_str()
                .filter(|s| !s.trim().is_empty())
                .map(|s| (s.to_string(), node.span))
                .ok_or_else(|| err(node.span, format!("`{key}` must be a non-empty string"))),
            None => Err(err(root.span, format!("missing `{key}`"))),
        }
    };
    let (id, id_span) = string("id")?;
    if !is_rule_id(&id) {
        return Err(err(
            id_span,
            format!(
                "rule id `{id}` must be kebab-case: lowercase letters, digits and single dashes"
            ),
        ));
    }
    let (severity, sev_span) = string("severity")?;
    let severity = Severity::parse(&severity).ok_or_else(|| {
        err(
            sev_span,
            format!("severity `{severity}` must be one of: error, warning, note"),
        )
    })?;
    let (summary, _) = string("summary")?;
    let (docs, _) = string("docs")?;
    let (template, template_span) = string("template")?;
    let params = match root.get("params") {
        None => Node::default(),
        Some(p) if p.as_map().is_some() || p.is_null() => p.clone(),
        Some(p) => return Err(err(p.span, "`params` must be a mapping".into())),
    };
    Ok(RawSpec {
        id,
        severity,
        summary,
        docs,
        template,
        template_span,
        params,
    })
}

pub fn is_rule_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

//! Values that stand for other values. One classifier, shared by every rule that judges a value
//! (client ids, tenant ids, secrets), so that they agree on what is not a value at all.
//!
//! Two kinds differ in what they cost. A token that a tool substitutes before the file is applied
//! (`${AZURE_CLIENT_ID}` for envsubst, `$(VAR)`, `__CLIENT_ID__` and `#{ClientId}#` for pipeline
//! token replacement, `{{ .Values.x }}` for Helm) is unknown until then: judging it would be a
//! false error. A placeholder written for a person (`<your-client-id>`,
//! `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, `YOUR_CLIENT_ID`) is applied as it is unless someone
//! edits it, and then breaks.

/// What a placeholder is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placeholder {
    /// Substituted by a tool; says by which.
    Tool(&'static str),
    /// Written for a person to replace; says how it reads.
    Person(&'static str),
}

/// Classifies a value; `None` when it is a value (or empty).
pub fn classify(value: &str) -> Option<Placeholder> {
    let t = value.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(kind) = tool_token(t) {
        return Some(Placeholder::Tool(kind));
    }
    let lower = t.to_ascii_lowercase();
    if t.starts_with('<') && t.ends_with('>') {
        Some(Placeholder::Person("a placeholder in angle brackets"))
    } else if lower.contains("xxxx") || t.chars().all(|c| matches!(c, '*' | 'x' | 'X' | '.' | '-'))
    {
        Some(Placeholder::Person("a redacted placeholder"))
    } else if t.len() > 1 && t.chars().all(|c| c == '0' || c == '-') {
        Some(Placeholder::Person("an all-zero placeholder"))
    } else if [
        "your-",
        "your_",
        "replace-me",
        "replace_me",
        "changeme",
        "change-me",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
    {
        Some(Placeholder::Person("a placeholder to replace"))
    } else if t.len() > 1
        && t.chars().any(|c| c.is_ascii_uppercase())
        && t.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    {
        Some(Placeholder::Person("a placeholder name"))
    } else {
        None
    }
}

/// A token some tool substitutes, anywhere in the value: which syntax it is.
fn tool_token(t: &str) -> Option<&'static str> {
    let enclosed = |open: &str, close: &str| {
        t.find(open)
            .is_some_and(|i| t[i + open.len()..].contains(close))
    };
    if enclosed("${", "}") {
        Some("substituted by envsubst or a shell")
    } else if enclosed("$(", ")") {
        Some("substituted by a pipeline or Kubernetes")
    } else if enclosed("{{", "}}") {
        Some("rendered by Helm or another Go template")
    } else if enclosed("#{", "}#")
        || (t.len() > 4
            && t.starts_with("__")
            && t.ends_with("__")
            && t[2..t.len() - 2]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.'))
    {
        Some("substituted by pipeline token replacement")
    } else {
        None
    }
}

/// Whether a tool substitutes the value before it is applied (it is not a value yet).
pub fn is_tool_token(value: &str) -> bool {
    tool_token(value.trim()).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_tokens() {
        for t in [
            "${AZURE_CLIENT_ID}",
            "$(CLIENT_ID)",
            "__CLIENT_ID__",
            "#{ClientId}#",
            "{{ .Values.clientId }}",
            "prefix-${ENV}",
        ] {
            assert!(matches!(classify(t), Some(Placeholder::Tool(_))), "{t}");
        }
    }

    #[test]
    fn person_placeholders() {
        for t in [
            "<your-client-id>",
            "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
            "7d8cdf74-xxxx-xxxx-xxxx-274d963d358b",
            "00000000-0000-0000-0000-000000000000",
            "YOUR_CLIENT_ID",
            "your-client-secret",
            "********",
        ] {
            assert!(matches!(classify(t), Some(Placeholder::Person(_))), "{t}");
        }
    }

    #[test]
    fn values() {
        for t in [
            "3a870abd-5d5c-4f52-9f3c-2b0d1c1e7a11",
            "contoso",
            "hunter2",
            "$",
            "__",
            "0",
            "",
        ] {
            assert_eq!(classify(t), None, "{t}");
        }
    }
}

//! Values that stand for other values. One classifier, shared by every rule that judges a value
//! (client ids, tenant ids, secrets), so that they agree on what is not a value at all.
//!
//! Two kinds differ in what they cost. A token that a tool substitutes before the file is applied
//! (`${AZURE_CLIENT_ID}` for envsubst, `$(VAR)`, `__CLIENT_ID__` and `#{ClientId}#` for pipeline
//! token replacement, `{{ .Values.x }}` for Helm) is unknown until then: judging it would be a
//! false error. A placeholder written for a person (`<your-client-id>`,
//! `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, `YOUR_CLIENT_ID`) is applied as it is unless someone
//! edits it, and then breaks.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use crate::input::discover::{Candidate, Origin};

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
    if t.starts_with("${") && t.ends_with('}') && is_terraform_reference(&t[2..t.len() - 1]) {
        Some(TERRAFORM)
    } else if enclosed("${", "}") {
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

/// How a Terraform value a `helm_release` gives a chart reads (see [`is_terraform_reference`]).
pub const TERRAFORM: &str = "decided by Terraform when it is applied";

/// `var.x`, `local.x`, `module.m.out`, `data.t.n.attr` or `type.name.attr`: what wiflint gives
/// a chart for a `helm_release` value it cannot decide.
fn is_terraform_reference(inner: &str) -> bool {
    let parts: Vec<&str> = inner.split('.').collect();
    let word = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'))
    };
    match parts.first() {
        Some(&("var" | "local")) => parts.len() >= 2,
        Some(&("module" | "data")) => parts.len() >= 3,
        Some(first) => parts.len() >= 3 && word(first) && first.contains('_'),
        None => false,
    }
}

/// Whether a tool substitutes the value before it is applied (it is not a value yet).
pub fn is_tool_token(value: &str) -> bool {
    tool_token(value.trim()).is_some()
}

/// Texts that a script or pipeline of the scan visibly replaces (`sed 's/<your-client-id>/…/'`,
/// PowerShell `-replace`, `.replace("…")`): a person's placeholder that a step fills in before
/// `kubectl apply` is no broken value.
#[derive(Debug, Default)]
pub struct Replaced(HashSet<String>);

/// Script files looked at beside the scanned files (they are not inputs themselves).
const SCRIPT_EXTENSIONS: &[&str] = &["sh", "bash", "ps1", "psm1", "mk"];

/// Scripts larger than this are not read for replacements.
const MAX_SCRIPT_SIZE: u64 = 1 << 20;

impl Replaced {
    /// The replacements made by the scripts in the directories of the candidates (and the
    /// directories above them, up to the paths given), and by the pipelines among them.
    pub fn of(candidates: &[Candidate]) -> Self {
        let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
        let mut files: Vec<PathBuf> = Vec::new();
        for c in candidates {
            let Origin::File(path) = &c.origin else {
                continue;
            };
            if is_pipeline(path) {
                files.push(path.clone());
            }
            if let Some(dir) = path.parent() {
                for d in dir.ancestors().take(4) {
                    if !dirs.insert(d.to_path_buf()) {
                        break;
                    }
                }
            }
        }
        for dir in &dirs {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir.as_path()
            };
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                let script = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| SCRIPT_EXTENSIONS.contains(&e))
                    || path.file_name().is_some_and(|n| n == "Makefile");
                if script && entry.file_type().is_ok_and(|t| t.is_file()) {
                    files.push(path);
                }
            }
        }
        let mut replaced = Replaced::default();
        for path in files {
            let small = std::fs::metadata(&path).is_ok_and(|m| m.len() <= MAX_SCRIPT_SIZE);
            if let Some(text) = small.then(|| std::fs::read_to_string(&path).ok()).flatten() {
                replaced.0.extend(patterns(&text));
            }
        }
        replaced
    }

    /// Whether a script of the scan replaces exactly this text.
    pub fn contains(&self, text: &str) -> bool {
        !self.0.is_empty() && self.0.contains(text.trim())
    }
}

/// CI pipeline definitions, which run the replacement steps of a deployment.
fn is_pipeline(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    name.contains("pipeline")
        || path
            .components()
            .any(|c| c.as_os_str() == "workflows" || c.as_os_str() == "pipelines")
}

/// The texts replaced in a script: `sed` substitutions (`s/old/new/`, any delimiter) and
/// `-replace 'old'` / `.replace("old"` / `.Replace('old'` calls. Regex escapes are undone for
/// the comparison; patterns with other regex syntax are kept as written (they match no value).
fn patterns(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(i) = rest.find("s") {
            let after = &rest[i + 1..];
            let sed_start = rest[..i]
                .chars()
                .last()
                .is_none_or(|c| matches!(c, '\'' | '"' | ' ' | ';' | '-' | 'e'));
            let delim = after.chars().next();
            match delim {
                Some(d) if sed_start && matches!(d, '/' | '|' | '#' | '@' | ',' | ':') => {
                    let body = &after[d.len_utf8()..];
                    if let Some(end) = body.find(d)
                        && end > 0
                        && body[end + 1..].contains(d)
                    {
                        out.push(unescape(&body[..end]));
                    }
                    rest = &after[d.len_utf8()..];
                }
                _ => rest = after,
            }
        }
        for call in ["-replace", ".replace(", ".Replace("] {
            for (i, _) in line.match_indices(call) {
                let tail = line[i + call.len()..].trim_start();
                let Some(q) = tail.chars().next().filter(|q| matches!(q, '\'' | '"')) else {
                    continue;
                };
                if let Some(end) = tail[1..].find(q) {
                    out.push(unescape(&tail[1..1 + end]));
                }
            }
        }
    }
    out.retain(|p| !p.trim().is_empty());
    out
}

/// `\<your\-id\>` → `<your-id>`: a regex's escaped characters as the text they match.
fn unescape(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
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
            "${azurerm_user_assigned_identity.orders.client_id}",
            "${var.client_id}",
            "${module.api.client_id}",
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
    fn script_replacements() {
        let script = "#!/bin/sh\nsed -i 's/<your-client-id>/'\"$CLIENT_ID\"'/g' k8s/sa.yaml\n\
            sed -e \"s|xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx|$ID|\" a.yaml\n\
            (Get-Content sa.yaml) -replace 'YOUR_CLIENT_ID', $id | Set-Content sa.yaml\n\
            echo this is not a substitution\n";
        let found = patterns(script);
        for p in [
            "<your-client-id>",
            "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
            "YOUR_CLIENT_ID",
        ] {
            assert!(found.iter().any(|f| f == p), "{p} in {found:?}");
        }
        assert_eq!(unescape("\\<your\\-id\\>"), "<your-id>");
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

//! Generic field checks with JSONPath selectors: `field.required`, `field.forbidden`,
//! `field.equals`, `field.one-of`, `field.matches`, `field.count`.
//!
//! Built-in rules that are plain field checks use these, and custom rules use exactly the same
//! templates, so what users write is what we test ourselves.
//!
//! Parameters:
//! - `select`: a JSONPath (or a list of them), evaluated on each object in scope;
//! - `scope`: `objects` (default) or `pod-templates` (selectors start at each pod template, so one
//!   rule covers Pods, Deployments, CronJobs …); `kinds`: only objects of these kinds;
//! - `only-if`: JSONPath(s) that must each match something for the object (or pod template) to be
//!   checked, e.g. only ServiceAccounts that carry a `client-id`;
//! - `value` (equals), `values` (one-of), `pattern` + `when: mismatch|match` (matches),
//!   `min`/`max` (count);
//! - `message`, `label`, `help`: texts; `{value}`, `{key}`, `{kind}`, `{name}`, `{path}` are filled in.

use std::collections::HashMap;

use regex::Regex;

use crate::document::query::{Exhausted, SELECTOR_BUDGET, Selector};
use crate::document::{Node, Part, Path, Span};
use crate::finding::Severity;
use crate::model::FileId;
use crate::model::k8s::value_text;
use crate::rules::spec::SpecError;
use crate::rules::{Ctx, Findings, grouped};

/// The most nodes the selectors of one rule may match in one file. Past it, or past
/// [`SELECTOR_BUDGET`] on one object, the rule reports that it stopped and checks no more of
/// the file: together they bound what a rule costs per file, whatever the selector.
pub const MAX_MATCHES_PER_FILE: usize = 100_000;

#[derive(Debug)]
pub enum Op {
    Required,
    Forbidden,
    Equals(String),
    OneOf(Vec<String>),
    Matches { pattern: Regex, flag_match: bool },
    Count { min: Option<i64>, max: Option<i64> },
}

#[derive(Debug)]
pub struct FieldRule {
    op: Op,
    selectors: Vec<Selector>,
    only_if: Vec<Selector>,
    pod_templates: bool,
    kinds: Vec<String>,
    message: String,
    label: String,
    help: Option<String>,
}

pub const TEMPLATES: &[&str] = &[
    "field.required",
    "field.forbidden",
    "field.equals",
    "field.one-of",
    "field.matches",
    "field.count",
];

const PARAMS: &[&str] = &[
    "select", "only-if", "scope", "kinds", "value", "values", "pattern", "when", "min", "max",
    "message", "label", "help",
];

impl FieldRule {
    pub fn compile(
        template: &str,
        template_span: Span,
        params: &Node,
        origin: &str,
    ) -> Result<Self, SpecError> {
        let err = |span: Span, message: String| SpecError {
            origin: origin.to_string(),
            span,
            message,
        };
        for entry in params.as_map().unwrap_or_default() {
            let key = entry.key.text().unwrap_or("");
            if !PARAMS.contains(&key) {
                return Err(err(
                    entry.key.span,
                    format!(
                        "unknown parameter `{key}` for {template} (expected one of: {})",
                        PARAMS.join(", ")
                    ),
                ));
            }
        }
        let text = |key: &str| params.get(key).and_then(Node::as_str).map(str::to_string);
        let list = |key: &str| -> Vec<(String, Span)> {
            match params.get(key) {
                Some(n) => match n.as_seq() {
                    Some(items) => items
                        .iter()
                        .map(|i| (i.text().unwrap_or("").to_string(), i.span))
                        .collect(),
                    None => vec![(n.text().unwrap_or("").to_string(), n.span)],
                },
                None => Vec::new(),
            }
        };
        let int = |key: &str| -> Result<Option<i64>, SpecError> {
            match params.get(key) {
                None => Ok(None),
                Some(n) => match n.as_scalar().map(|s| s.typed) {
                    Some(crate::document::Typed::Int(i)) => Ok(Some(i)),
                    _ => Err(err(n.span, format!("`{key}` must be an integer"))),
                },
            }
        };
        let selectors_of = |key: &str| {
            list(key)
                .into_iter()
                .map(|(s, span)| {
                    Selector::parse(&s)
                        .map_err(|e| err(span, format!("invalid JSONPath `{s}`: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let selectors = selectors_of("select")?;
        let only_if = selectors_of("only-if")?;
        if selectors.is_empty() {
            return Err(err(params.span, format!("{template} needs `select`")));
        }
        let pod_templates = match text("scope").as_deref() {
            None | Some("objects") => false,
            Some("pod-templates") => true,
            Some(other) => {
                let span = params.get("scope").map_or(params.span, |n| n.span);
                return Err(err(
                    span,
                    format!("`scope` must be `objects` or `pod-templates`, not `{other}`"),
                ));
            }
        };
        let missing = |key: &str| err(params.span, format!("{template} needs `{key}`"));
        let op = match template {
            "field.required" => Op::Required,
            "field.forbidden" => Op::Forbidden,
            "field.equals" => Op::Equals(text("value").ok_or_else(|| missing("value"))?),
            "field.one-of" => {
                let values: Vec<String> = list("values").into_iter().map(|(v, _)| v).collect();
                if values.is_empty() {
                    return Err(missing("values"));
                }
                Op::OneOf(values)
            }
            "field.matches" => {
                let source = text("pattern").ok_or_else(|| missing("pattern"))?;
                let span = params.get("pattern").map_or(params.span, |n| n.span);
                let pattern = Regex::new(&source)
                    .map_err(|e| err(span, format!("invalid regular expression: {e}")))?;
                let flag_match = match text("when").as_deref() {
                    None | Some("mismatch") => false,
                    Some("match") => true,
                    Some(other) => {
                        return Err(err(
                            params.get("when").map_or(span, |n| n.span),
                            format!("`when` must be `mismatch` or `match`, not `{other}`"),
                        ));
                    }
                };
                Op::Matches {
                    pattern,
                    flag_match,
                }
            }
            "field.count" => {
                let (min, max) = (int("min")?, int("max")?);
                if min.is_none() && max.is_none() {
                    return Err(missing("min` or `max"));
                }
                Op::Count { min, max }
            }
            other => {
                return Err(err(
                    template_span,
                    format!(
                        "unknown template `{other}` (generic templates: {})",
                        TEMPLATES.join(", ")
                    ),
                ));
            }
        };
        Ok(FieldRule {
            op,
            selectors,
            only_if,
            pod_templates,
            kinds: list("kinds").into_iter().map(|(k, _)| k).collect(),
            message: text("message").ok_or_else(|| missing("message"))?,
            label: text("label").unwrap_or_else(|| "here".into()),
            help: text("help"),
        })
    }

    pub fn run(&self, ctx: &Ctx<'_>, out: &mut Findings) {
        let model = ctx.model;
        let mut roots: Vec<(usize, Path, &Node)> = Vec::new();
        if self.pod_templates {
            for t in &model.templates {
                roots.push((t.object, t.rel.clone(), t.node));
            }
        } else {
            for (i, o) in model.objects.iter().enumerate() {
                roots.push((i, Path::root(), o.node));
            }
        }
        // Matches so far per file, and the files where the rule was given up on.
        let mut matched: HashMap<FileId, usize> = HashMap::new();
        for (obj_index, rel, root) in roots {
            let object = &model.objects[obj_index];
            if !self.kinds.is_empty() && !self.kinds.iter().any(|k| k == object.kind) {
                continue;
            }
            let used = matched.entry(object.file).or_default();
            if *used > MAX_MATCHES_PER_FILE {
                continue;
            }
            let mut select = |selectors: &[Selector], all: bool| {
                let mut found = Vec::new();
                for s in selectors {
                    let m = s.matches(root).map_err(|Exhausted| s.source.clone())?;
                    *used += m.len();
                    if *used > MAX_MATCHES_PER_FILE {
                        return Err(s.source.clone());
                    }
                    if !all && m.is_empty() {
                        return Ok(None);
                    }
                    found.extend(m);
                }
                Ok(Some(found))
            };
            let selected = match select(&self.only_if, false) {
                Ok(Some(_)) => select(&self.selectors, true),
                other => other,
            };
            let matches: Vec<(Path, &Node)> = match selected {
                Ok(Some(matches)) => matches,
                Ok(None) => continue,
                Err(selector) => {
                    *matched.entry(object.file).or_default() = usize::MAX;
                    out.push(
                        ctx.finding(
                            object.loc(&rel, Part::Value),
                            "not checked from here on",
                            format!(
                                "JSONPath `{}` of rule `{}` reached wiflint's limit on {}: the rule is not checked in the rest of this file",
                                selector,
                                ctx.rule.id,
                                object.describe()
                            ),
                        )
                        .severity(Severity::Error)
                        .help(format!(
                            "a selector may build {} MiB of intermediate results per object and match {} nodes per file: make it more specific (each `..` multiplies the work by the depth of the document)",
                            SELECTOR_BUDGET >> 20,
                            grouped(MAX_MATCHES_PER_FILE)
                        )),
                    );
                    continue;
                }
            };
            let fill = |template: &str, path: &Path, node: Option<&Node>| {
                let key = path.0.last().map_or(String::new(), |seg| match seg {
                    crate::document::Seg::Key(k) => k.clone(),
                    other => format!("{other:?}"),
                });
                template
                    .replace("{value}", node.map_or("", describe_value))
                    .replace("{key}", &key)
                    .replace("{kind}", object.kind)
                    .replace("{name}", object.name().unwrap_or(""))
                    .replace("{path}", &rel.join(path).to_string())
            };
            let mut emit = |path: Path, node: Option<&Node>, part: Part| {
                let mut f = ctx.finding(
                    object.loc(&rel.join(&path), part),
                    fill(&self.label, &path, node),
                    fill(&self.message, &path, node),
                );
                if let Some(help) = &self.help {
                    f = f.help(fill(help, &path, node));
                }
                out.push(f);
            };
            match &self.op {
                Op::Required => {
                    if matches.is_empty() {
                        // Point at the key under which the missing field belongs, when the
                        // selector is a plain path; else at the object.
                        let keys = self
                            .selectors
                            .first()
                            .and_then(|s| plain_keys(&s.source))
                            .unwrap_or_default();
                        let mut at = Path::root();
                        let mut node = root;
                        for key in keys {
                            let Some(next) = node.get(&key) else { break };
                            at = at.key(key);
                            node = next;
                        }
                        let part = if at.is_empty() {
                            Part::Value
                        } else {
                            Part::Key
                        };
                        emit(at, None, part);
                    }
                }
                Op::Count { min, max } => {
                    let n = i64::try_from(matches.len()).unwrap_or(i64::MAX);
                    if max.is_some_and(|m| n > m) {
                        let at = usize::try_from(max.unwrap_or(0)).unwrap_or(0);
                        let (path, node) = matches[at].clone();
                        emit(path, Some(node), Part::Value);
                    } else if min.is_some_and(|m| n < m) {
                        emit(Path::root(), None, Part::Value);
                    }
                }
                op => {
                    for (path, node) in matches {
                        let value = value_text(node);
                        // A token a tool substitutes is no value yet: only its absence or
                        // presence can be judged.
                        let is_scalar = node.as_scalar().is_some();
                        if is_scalar
                            && !matches!(op, Op::Forbidden)
                            && crate::placeholder::is_tool_token(value)
                        {
                            continue;
                        }
                        let flagged = match op {
                            Op::Forbidden => true,
                            // A value the files do not decide is not a mismatch.
                            _ if node.is_unknown() => false,
                            Op::Equals(v) => !is_scalar || value != v,
                            Op::OneOf(vs) => !is_scalar || !vs.iter().any(|v| v == value),
                            Op::Matches {
                                pattern,
                                flag_match,
                            } => is_scalar && pattern.is_match(value) == *flag_match,
                            Op::Required | Op::Count { .. } => false,
                        };
                        if flagged {
                            let part = if matches!(op, Op::Forbidden) {
                                Part::Entry
                            } else {
                                Part::Value
                            };
                            emit(path, Some(node), part);
                        }
                    }
                }
            }
        }
    }
}

/// The keys of a JSONPath that is a plain chain of names (`$.metadata.labels['team']`).
fn plain_keys(source: &str) -> Option<Vec<String>> {
    let mut rest = source.strip_prefix('$')?;
    let mut keys = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let name = &r[..end];
            if name.is_empty() || name.contains(['*', '(', '?', ' ']) {
                return None;
            }
            keys.push(name.to_string());
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix("['").or_else(|| rest.strip_prefix("[\"")) {
            let quote = if rest.starts_with("['") { "']" } else { "\"]" };
            let end = r.find(quote)?;
            keys.push(r[..end].to_string());
            rest = &r[end + 2..];
        } else {
            return None;
        }
    }
    Some(keys)
}

fn describe_value(node: &Node) -> &str {
    match &node.kind {
        crate::document::NodeKind::Scalar(_) => value_text(node),
        crate::document::NodeKind::Seq(_) => "<sequence>",
        crate::document::NodeKind::Map(_) => "<mapping>",
    }
}

#[cfg(test)]
mod tests {
    use super::plain_keys;

    #[test]
    fn plain_paths() {
        assert_eq!(
            plain_keys("$.metadata.labels['azure.workload.identity/use']"),
            Some(vec![
                "metadata".to_string(),
                "labels".to_string(),
                "azure.workload.identity/use".to_string()
            ])
        );
        assert_eq!(plain_keys("$.spec.containers[*].image"), None);
        assert_eq!(plain_keys("$"), Some(Vec::new()));
    }
}

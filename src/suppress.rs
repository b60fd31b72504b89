//! Suppressions: findings a team has looked at and accepted, with the reason.
//!
//! Three places can accept a finding: an inline comment `# wiflint: ignore[rule-id, …] reason`
//! (on a line of the finding's primary span, or alone on the line above it), a
//! `wiflint.io/ignore: "rule-id: reason; …"` annotation on the Kubernetes object or its pod
//! template, and a `[[suppress]]` entry of the config. Each is narrow (a rule, a place) and must
//! say why; one that is malformed suppresses nothing (`invalid-suppression`) and one that matches
//! nothing is reported (`unused-suppression`), because peers' users complain most about
//! suppressions that silently do nothing or silently hide too much.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::config::{Config, ConfigError};
use crate::document::{Node, NodeKind, Part, Path, Span, Syntax};
use crate::finding::{Finding, Label, Loc, Resolved, Target};
use crate::input::InputFile;
use crate::model::{FileId, Model};
use crate::rules::Rule;
use crate::rules::registry::Registry;
use crate::secret;

/// The annotation that suppresses findings on a Kubernetes object.
pub const ANNOTATION: &str = "wiflint.io/ignore";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A `# wiflint: ignore[…]` comment.
    Inline,
    /// A `wiflint.io/ignore` annotation.
    Annotation,
    /// A `[[suppress]]` entry of the config.
    Config,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Inline => "inline",
            Kind::Annotation => "annotation",
            Kind::Config => "config",
        }
    }
}

#[derive(Debug)]
enum Scope {
    /// A comment on `line` (1-based); `own_line`: nothing but the comment is on it, so it also
    /// covers the line below.
    Lines {
        file: FileId,
        line: usize,
        own_line: bool,
    },
    /// Everything inside one Kubernetes object.
    Object {
        file: FileId,
        doc: usize,
        base: Path,
    },
    /// The files matching a config entry's patterns (by file id), worked out once.
    Files(Vec<bool>),
}

/// One rule id of a suppression, where it is written, and whether it accepted anything.
#[derive(Debug)]
struct Entry {
    rule: String,
    loc: Loc,
    used: bool,
}

#[derive(Debug)]
struct Suppression {
    kind: Kind,
    scope: Scope,
    entries: Vec<Entry>,
    reason: String,
}

/// Why a finding is not reported: what accepted it and the reason given.
#[derive(Clone, Debug)]
pub struct Applied {
    pub kind: Kind,
    pub reason: String,
    /// Where the suppression is written.
    pub at: Loc,
}

/// The scan's suppressions, collected before findings are resolved.
#[derive(Debug, Default)]
pub struct Suppressions {
    list: Vec<Suppression>,
    /// Indexes into `list`: the suppressions written in each file (comments, annotations)…
    by_file: HashMap<FileId, Vec<usize>>,
    /// …and those that apply across files (config entries).
    everywhere: Vec<usize>,
    /// `invalid-suppression` findings: malformed ones, missing reasons, unknown rule ids.
    pub invalid: Vec<Finding>,
}

static COMMENT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|[ \t])#[ \t]*wiflint:").ok());
/// Bicep's line comments.
static SLASH_COMMENT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|[ \t])//[ \t]*wiflint:").ok());

impl Suppressions {
    /// Reads the inline comments and annotations of one file, checked on its own as file 0 (see
    /// [`Suppressions::in_file`]).
    pub fn of_file(file: &InputFile, model: &Model<'_>, registry: &Registry) -> Suppressions {
        let file_id = 0;
        let mut s = Suppressions::default();
        let invalid_rule = registry.get("invalid-suppression");
        let mut invalid = |loc: Loc, label: &str, message: String, help: &str| {
            if let Some(rule) = invalid_rule {
                s.invalid
                    .push(meta_finding(rule, loc, label, message).help(help.to_string()));
            }
        };
        let mut list = Vec::new();
        let marker = if file.syntax == Syntax::Bicep {
            "//"
        } else {
            "#"
        };
        if matches!(
            file.syntax,
            Syntax::Yaml | Syntax::Hcl | Syntax::Terraform | Syntax::Shell | Syntax::Bicep
        ) {
            for comment in inline_comments(file) {
                let loc = Loc::span(file_id, comment.span);
                let Some(parsed) = parse_directive(&comment.directive) else {
                    invalid(
                        loc,
                        "not a wiflint directive",
                        format!(
                            "`{marker} wiflint: {}` is not a suppression: write `{marker} wiflint: ignore[rule-id, …] reason`",
                            comment.directive.trim()
                        ),
                        "the only directive is `ignore[rule-id, …]` followed by the reason",
                    );
                    continue;
                };
                if parsed.reason.is_empty() {
                    invalid(
                        loc,
                        "no reason",
                        "this suppression gives no reason, so it suppresses nothing: a reason is required".into(),
                        &format!("add why the finding is accepted after the bracket: `{marker} wiflint: ignore[rule-id] reason`"),
                    );
                    continue;
                }
                let base = comment.span.start as usize + comment.directive_offset;
                let mut entries = Vec::new();
                for (rule, range) in parsed.rules {
                    let at = Loc::span(file_id, Span::new(base + range.start, base + range.end));
                    match known(registry, &rule) {
                        Ok(()) => entries.push(Entry {
                            rule,
                            loc: at,
                            used: false,
                        }),
                        Err(hint) => invalid(
                            at,
                            "unknown rule id",
                            format!(
                                "`{rule}` is not a wiflint rule{hint}, so this suppresses nothing"
                            ),
                            "`wiflint rules` lists the ids",
                        ),
                    }
                }
                list.push(Suppression {
                    kind: Kind::Inline,
                    scope: Scope::Lines {
                        file: file_id,
                        line: comment.line,
                        own_line: comment.own_line,
                    },
                    entries,
                    reason: parsed.reason,
                });
            }
        }
        // The annotation may sit on an object or on its pod template; either covers the object.
        let places = model
            .objects
            .iter()
            .map(|o| (o, Path::root(), o.node))
            .chain(
                model
                    .templates
                    .iter()
                    .map(|t| (&model.objects[t.object], t.rel.clone(), t.node)),
            );
        for (object, rel, node) in places {
            let Some(node) = node.get_path(&["metadata", "annotations", ANNOTATION]) else {
                continue;
            };
            let path = object
                .base
                .join(&rel)
                .keys(&["metadata", "annotations", ANNOTATION]);
            let loc = Loc::node(object.file, object.doc, path, Part::Value);
            let Some(value) = node.as_str() else {
                invalid(
                    loc,
                    "not a string",
                    format!(
                        "`{ANNOTATION}` must be a string of `rule-id: reason` entries separated by `;`"
                    ),
                    "quote the value",
                );
                continue;
            };
            for item in value.split(';').map(str::trim).filter(|i| !i.is_empty()) {
                let (rule, reason) = item.split_once(':').unwrap_or((item, ""));
                let (rule, reason) = (rule.trim(), reason.trim());
                if reason.is_empty() {
                    invalid(
                        loc.clone(),
                        "no reason",
                        format!(
                            "the `{ANNOTATION}` entry `{item}` gives no reason, so it suppresses nothing: a reason is required"
                        ),
                        "write each entry as `rule-id: reason`, entries separated by `;`",
                    );
                    continue;
                }
                if let Err(hint) = known(registry, rule) {
                    invalid(
                        loc.clone(),
                        "unknown rule id",
                        format!(
                            "`{rule}` in `{ANNOTATION}` is not a wiflint rule{hint}, so it suppresses nothing"
                        ),
                        "`wiflint rules` lists the ids",
                    );
                    continue;
                }
                list.push(Suppression {
                    kind: Kind::Annotation,
                    scope: Scope::Object {
                        file: object.file,
                        doc: object.doc,
                        base: object.base.clone(),
                    },
                    entries: vec![Entry {
                        rule: rule.to_string(),
                        loc: loc.clone(),
                        used: false,
                    }],
                    reason: reason.to_string(),
                });
            }
        }
        s.list = list;
        s.index();
        s
    }

    /// The suppressions of a file checked on its own, as those of file `file` of the scan.
    pub fn in_file(mut self, file: FileId) -> Self {
        for sup in &mut self.list {
            if let Scope::Lines { file: f, .. } | Scope::Object { file: f, .. } = &mut sup.scope {
                *f = file;
            }
            for e in &mut sup.entries {
                e.loc.file = file;
            }
        }
        self.invalid = std::mem::take(&mut self.invalid)
            .into_iter()
            .map(|f| f.in_file(file))
            .collect();
        self.index();
        self
    }

    /// Adds another file's suppressions (its invalid ones are the caller's to report).
    pub fn merge(&mut self, other: Suppressions) {
        let from = self.list.len();
        self.list.extend(other.list);
        self.index_from(from);
    }

    /// Adds the config's `[[suppress]]` entries: `paths` are the scanned files' paths (by file
    /// id), `cfg_file` is the config's own id, for positions.
    pub fn add_config(
        &mut self,
        config: &Config,
        paths: &[String],
        cfg_file: FileId,
    ) -> Result<(), ConfigError> {
        for entry in &config.suppress {
            let filter = if entry.paths.is_empty() {
                None
            } else {
                Some(config.path_filter(&entry.paths)?)
            };
            let matching = paths
                .iter()
                .map(|path| {
                    filter.as_ref().is_none_or(|filter| {
                        path != "-" && filter.matched(std::path::Path::new(path), false).is_some()
                    })
                })
                .collect();
            self.list.push(Suppression {
                kind: Kind::Config,
                scope: Scope::Files(matching),
                entries: entry
                    .rules
                    .iter()
                    .map(|r| Entry {
                        rule: r.value.clone(),
                        loc: Loc::span(cfg_file, r.span),
                        used: false,
                    })
                    .collect(),
                reason: entry.reason.value.clone(),
            });
        }
        self.index();
        Ok(())
    }

    fn index(&mut self) {
        self.by_file.clear();
        self.everywhere.clear();
        self.index_from(0);
    }

    /// Indexes the suppressions from `list[from]` on.
    fn index_from(&mut self, from: usize) {
        for (i, sup) in self.list.iter().enumerate().skip(from) {
            match &sup.scope {
                Scope::Lines { file, .. } | Scope::Object { file, .. } => {
                    self.by_file.entry(*file).or_default().push(i)
                }
                Scope::Files(_) => self.everywhere.push(i),
            }
        }
    }

    /// Which suppression accepts the finding, if any. Every suppression that applies counts as
    /// used, so two that overlap are not reported as unused.
    pub fn apply(&mut self, finding: &Resolved) -> Option<Applied> {
        let mut applied = None;
        let local = self
            .by_file
            .get(&finding.primary.file)
            .into_iter()
            .flatten();
        // The findings past the cap of a rule in a file are not listed, so which suppressions
        // of that file they would have used is not known: each is taken as used rather than
        // reported as matching nothing.
        let unlisted = crate::rules::stands_for_unlisted(&finding.finding);
        for &i in local.chain(&self.everywhere) {
            let s = &mut self.list[i];
            if unlisted && in_file(&s.scope, finding.primary.file) {
                for e in s
                    .entries
                    .iter_mut()
                    .filter(|e| e.rule == finding.finding.rule)
                {
                    e.used = true;
                }
            }
            if !applies(&s.scope, finding) {
                continue;
            }
            for e in &mut s.entries {
                if e.rule == finding.finding.rule {
                    e.used = true;
                    applied.get_or_insert_with(|| Applied {
                        kind: s.kind,
                        // A reason is free text, printed by `--show-suppressed`.
                        reason: secret::mask(&s.reason, &[]).into_owned(),
                        at: e.loc.clone(),
                    });
                }
            }
        }
        applied
    }

    /// `unused-suppression` findings for entries that accepted nothing, among the rules that ran.
    pub fn unused(&self, ran: &[&Rule], registry: &Registry) -> Vec<Finding> {
        let Some(rule) = registry.get("unused-suppression") else {
            return Vec::new();
        };
        if !ran.iter().any(|r| r.id == rule.id) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for s in &self.list {
            for e in s.entries.iter().filter(|e| !e.used) {
                if !ran.iter().any(|r| r.id == e.rule) {
                    continue;
                }
                let place = match s.kind {
                    Kind::Inline => "on this line or the line below",
                    Kind::Annotation => "in this object",
                    Kind::Config => "in the paths of this entry",
                };
                out.push(
                    meta_finding(
                        rule,
                        e.loc.clone(),
                        "matches no finding",
                        format!(
                            "the suppression of `{}` matches no finding {place}: the problem it accepted is gone, or it is in the wrong place",
                            e.rule
                        ),
                    )
                    .help(format!("remove `{}` from this suppression", e.rule)),
                );
            }
        }
        out
    }
}

fn meta_finding(rule: &Rule, loc: Loc, label: &str, message: String) -> Finding {
    Finding {
        rule: rule.id.clone(),
        severity: rule.severity,
        message,
        help: None,
        primary: Label {
            loc,
            message: label.into(),
        },
        related: Vec::new(),
        mismatch: None,
    }
}

fn known(registry: &Registry, id: &str) -> Result<(), String> {
    if registry.get(id).is_some() {
        return Ok(());
    }
    let ids: Vec<&str> = registry.rules.iter().map(|r| r.id.as_str()).collect();
    Err(crate::rules::closest(id, &ids)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default())
}

fn in_file(scope: &Scope, id: FileId) -> bool {
    match scope {
        Scope::Lines { file, .. } | Scope::Object { file, .. } => *file == id,
        Scope::Files(matching) => matching.get(id).copied().unwrap_or(false),
    }
}

fn applies(scope: &Scope, finding: &Resolved) -> bool {
    let primary = &finding.primary;
    match scope {
        Scope::Lines {
            file,
            line,
            own_line,
        } => {
            *file == primary.file
                && ((primary.start.line..=primary.end.line).contains(line)
                    || (*own_line && primary.start.line == line + 1))
        }
        Scope::Object { file, doc, base } => {
            let loc = &finding.finding.primary.loc;
            loc.file == *file
                && matches!(&loc.target, Target::Node { doc: d, path, .. }
                    if d == doc && path.0.starts_with(&base.0))
        }
        Scope::Files(matching) => matching.get(primary.file).copied().unwrap_or(false),
    }
}

/// A `# wiflint:` comment found in a file.
struct Comment {
    /// From the `#` to the end of the line.
    span: Span,
    line: usize,
    own_line: bool,
    /// The text after `wiflint:`, and its offset from the `#`.
    directive: String,
    directive_offset: usize,
}

fn inline_comments(file: &InputFile) -> Vec<Comment> {
    let text = &file.source.text;
    let bicep = file.syntax == Syntax::Bicep;
    let (Some(re), marker) = (if bicep {
        (SLASH_COMMENT.as_ref(), "//")
    } else {
        (COMMENT.as_ref(), "#")
    }) else {
        return Vec::new();
    };
    if !text.contains("wiflint:") {
        return Vec::new();
    }
    // Bicep's lowered trees place what a resource implies on its whole declaration, so a
    // comment is told from text by the grammar's comment nodes instead.
    let bicep_comments = bicep.then(|| crate::bicep::comment_starts(text));
    let mut out = Vec::new();
    let mut line_start = 0;
    for (i, line) in text.split('\n').enumerate() {
        let line_text = line.strip_suffix('\r').unwrap_or(line);
        if let Some(m) = re.find(line_text) {
            let hash = m.start() + line_text[m.start()..].find(marker).unwrap_or(0);
            let offset = line_start + hash;
            // A `#` inside a quoted or block scalar is text, not a comment.
            let comment = match &bicep_comments {
                Some(starts) => starts.contains(&offset),
                None => !file
                    .docs
                    .iter()
                    .any(|d| inside_scalar(d, u32::try_from(offset).unwrap_or(u32::MAX))),
            };
            if comment {
                out.push(Comment {
                    span: Span::new(offset, line_start + line_text.len()),
                    line: i + 1,
                    own_line: line_text[..hash].trim().is_empty(),
                    directive: line_text[m.end()..].to_string(),
                    directive_offset: m.end() - hash,
                });
            }
        }
        line_start += line.len() + 1;
    }
    out
}

/// Whether `offset` falls inside a scalar's text (iterative: trees can be deep).
fn inside_scalar(root: &Node, offset: u32) -> bool {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if offset < node.span.start || offset >= node.span.end {
            continue;
        }
        match &node.kind {
            NodeKind::Scalar(_) => return true,
            NodeKind::Seq(items) => stack.extend(items),
            NodeKind::Map(entries) => {
                for e in entries {
                    stack.push(&e.key);
                    stack.push(&e.value);
                }
            }
        }
    }
    false
}

struct Directive {
    /// Each rule id and its byte range within the directive text.
    rules: Vec<(String, std::ops::Range<usize>)>,
    reason: String,
}

/// `ignore[a, b] reason` (the text after `wiflint:`).
fn parse_directive(text: &str) -> Option<Directive> {
    let lead = text.len() - text.trim_start().len();
    let rest = text[lead..].strip_prefix("ignore[")?;
    let close = rest.find(']')?;
    let list_start = lead + "ignore[".len();
    let mut rules = Vec::new();
    let mut pos = 0;
    for part in rest[..close].split(',') {
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let start = list_start + pos + (part.len() - part.trim_start().len());
            rules.push((trimmed.to_string(), start..start + trimmed.len()));
        }
        pos += part.len() + 1;
    }
    if rules.is_empty() {
        return None;
    }
    let reason = rest[close + 1..]
        .trim()
        .trim_start_matches([':', '-', '—'])
        .trim();
    Some(Directive {
        rules,
        reason: reason.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives() {
        let d = parse_directive(" ignore[wi-label-missing, client-id-missing] legacy app");
        let d = d.map(|d| (d.rules, d.reason));
        assert_eq!(
            d,
            Some((
                vec![
                    ("wi-label-missing".to_string(), 8..24),
                    ("client-id-missing".to_string(), 26..43)
                ],
                "legacy app".to_string()
            ))
        );
        assert!(parse_directive(" ignore").is_none());
        assert!(parse_directive(" ignore[]").is_none());
        assert_eq!(
            parse_directive(" ignore[x] — because").map(|d| d.reason),
            Some("because".into())
        );
    }
}

//! Findings are data: which rule, where (symbolically), what was expected and found.
//! They become positions in [`resolve`] and text only in `render`.

use std::fmt;

use serde::Serialize;

use crate::document::{self, LineCol, Part, Path, Span};
use crate::input::InputFile;
use crate::model::FileId;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "note" => Some(Severity::Note),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A node named by its path in one document.
    Node { doc: usize, path: Path, part: Part },
    /// A raw span, for problems found before there is a tree (syntax errors).
    Span(Span),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub file: FileId,
    pub target: Target,
}

impl Loc {
    pub fn node(file: FileId, doc: usize, path: Path, part: Part) -> Self {
        Loc {
            file,
            target: Target::Node { doc, path, part },
        }
    }

    pub fn span(file: FileId, span: Span) -> Self {
        Loc {
            file,
            target: Target::Span(span),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub loc: Loc,
    pub message: String,
}

/// An expected value next to the one found, so renderers can show the difference.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    pub expected: String,
    pub found: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub primary: Label,
    pub related: Vec<Label>,
    pub mismatch: Option<Mismatch>,
}

impl Finding {
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, loc: Loc, message: impl Into<String>) -> Self {
        self.related.push(Label {
            loc,
            message: message.into(),
        });
        self
    }

    pub fn mismatch(mut self, expected: impl Into<String>, found: impl Into<String>) -> Self {
        self.mismatch = Some(Mismatch {
            expected: expected.into(),
            found: found.into(),
        });
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// A label with its position worked out.
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    pub file: FileId,
    pub span: Span,
    pub start: LineCol,
    pub end: LineCol,
    pub message: String,
}

pub fn place(label: &Label, files: &[InputFile]) -> Placed {
    let file = &files[label.loc.file];
    let span = match &label.loc.target {
        Target::Span(span) => *span,
        Target::Node { doc, path, part } => file.docs.get(*doc).map_or(Span::default(), |root| {
            document::path::resolve(root, path, *part)
        }),
    };
    let (start, end) = file.source.range(span);
    Placed {
        file: label.loc.file,
        span,
        start,
        end,
        message: label.message.clone(),
    }
}

/// A finding ready to render: every label placed, and a fingerprint that survives edits
/// elsewhere in the file.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub finding: Finding,
    pub primary: Placed,
    pub related: Vec<Placed>,
    pub fingerprint: String,
}

pub fn resolve(finding: Finding, files: &[InputFile]) -> Resolved {
    let primary = place(&finding.primary, files);
    let related = finding.related.iter().map(|l| place(l, files)).collect();
    let fingerprint = fingerprint(&finding, &primary, files);
    Resolved {
        finding,
        primary,
        related,
        fingerprint,
    }
}

/// What identifies a finding whatever moves around it: the rule, the file, where in the document
/// (the object by kind, namespace and name rather than its position in the file, then the path
/// inside it) and the offending text. Line numbers and messages are left out, so inserting a
/// document above or rewording a message keeps baselines valid. FNV-1a, which unlike std's hasher
/// is stable across releases and platforms.
fn fingerprint(finding: &Finding, primary: &Placed, files: &[InputFile]) -> String {
    let file = &files[finding.primary.loc.file];
    let path = file
        .source
        .path
        .strip_prefix("./")
        .unwrap_or(&file.source.path);
    let place = match &finding.primary.loc.target {
        Target::Node { doc, path, part } => {
            let anchor = file
                .docs
                .get(*doc)
                .and_then(object_anchor)
                .unwrap_or_else(|| format!("doc {doc}"));
            format!("{anchor}:{path}:{part:?}")
        }
        Target::Span(_) => String::new(),
    };
    let value = file.source.text.get(primary.span.range()).unwrap_or("");
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [finding.rule.as_str(), path, &place, value] {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// `Deployment/orders/api` for a Kubernetes object at the root of its document.
fn object_anchor(root: &document::Node) -> Option<String> {
    let kind = root.get("kind")?.as_str()?;
    let name = root.get_path(&["metadata", "name"])?.as_str()?;
    let ns = root
        .get_path(&["metadata", "namespace"])
        .and_then(document::Node::as_str)
        .unwrap_or("");
    Some(format!("{kind}/{ns}/{name}"))
}

//! Findings are data: which rule, where (symbolically), what was expected and found.
//! They become positions in [`resolve`] and text only in `render`.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

use rayon::prelude::*;
use serde::Serialize;

use crate::document::{self, LineCol, Part, Path, Source, Span};
use crate::input::InputFile;
use crate::model::FileId;
use crate::secret::{self, FileSecrets, Known};

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

    /// Every text of the finding with its secrets masked: those the line scan sees, and `known`
    /// values (those of the files it points into), so that no rule has to mask what it quotes.
    fn mask_secrets(&mut self, known: &[&Known]) {
        let texts = [&mut self.message]
            .into_iter()
            .chain(&mut self.help)
            .chain(
                self.mismatch
                    .iter_mut()
                    .flat_map(|m| [&mut m.expected, &mut m.found]),
            )
            .chain(std::iter::once(&mut self.primary.message))
            .chain(self.related.iter_mut().map(|l| &mut l.message));
        mask_all(texts, known);
    }

    /// The finding of a file checked on its own (as file 0) as a finding of the scan.
    pub fn in_file(mut self, file: FileId) -> Self {
        for label in std::iter::once(&mut self.primary).chain(&mut self.related) {
            debug_assert_eq!(label.loc.file, 0);
            label.loc.file = file;
        }
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

/// A finding ready to render: every label placed, a fingerprint that survives edits elsewhere in
/// the file, and (when asked for) the excerpts a text report shows.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub finding: Finding,
    pub primary: Placed,
    pub related: Vec<Placed>,
    pub fingerprint: String,
    /// The fingerprint without the file's path: with the path made relative to a baseline, it
    /// identifies the finding whatever directory wiflint runs from.
    pub place_key: String,
    /// One per file the labels are in, the primary's first.
    pub excerpts: Vec<Excerpt>,
}

/// What of a file a finding's snippet shows, cut when the finding is placed: a scan keeps no
/// file's text (see `app`), and given whole files the renderer's work grew with findings × file
/// size (3,000 findings in a 1 MB one-line export took minutes). So it is the lines the labels
/// are on, of a very long line a window around the labels, and secrets masked.
#[derive(Clone, Debug, PartialEq)]
pub struct Excerpt {
    pub file: FileId,
    pub text: String,
    /// Where `text` starts in the file, in bytes.
    pub offset: usize,
    /// The number of its first line.
    pub line: usize,
    /// Where the first label starts, when the excerpt starts inside a line.
    pub cropped_at: Option<LineCol>,
}

/// Bytes of a long line kept on each side of the labels.
const CONTEXT_BYTES: usize = 240;

/// The most bytes of a file an excerpt spans (beside the context around it): labels further
/// apart are shown in excerpts of their own (a finding about lines 6 and 100,005 shows two
/// lines, not 100,000), and a label that spans more (a whole document) by its start. The
/// renderer folds the unlabelled lines in between.
const EXCERPT_BYTES: usize = 16 << 10;

/// Whether label `b`, which starts no earlier than `first`, the first of an excerpt's labels,
/// is shown in the same excerpt.
fn near(first: &Placed, b: &Placed) -> bool {
    (b.span.end as usize) <= (first.span.start as usize).saturating_add(EXCERPT_BYTES)
}

impl Excerpt {
    /// Whether `label` starts in this excerpt.
    pub fn shows(&self, label: &Placed) -> bool {
        let start = label.span.start as usize;
        label.file == self.file && (self.offset..=self.offset + self.text.len()).contains(&start)
    }

    /// `text` is the file's text with its secrets masked (same length as the source's).
    fn of(file: FileId, source: &Source, text: &str, labels: &[&Placed]) -> Excerpt {
        let first = labels.iter().map(|p| p.start.line).min().unwrap_or(1);
        let last = labels.iter().map(|p| p.end.line).max().unwrap_or(first);
        let lines = source.lines(first, last);
        let (lo, hi) = labels.iter().fold((usize::MAX, 0), |(lo, hi), p| {
            (lo.min(p.span.start as usize), hi.max(p.span.end as usize))
        });
        let hi = hi.min(lo.saturating_add(EXCERPT_BYTES));
        let (bytes, cropped_at) = if lines.len() <= 4 * CONTEXT_BYTES + hi.saturating_sub(lo) {
            (lines, None)
        } else {
            let from = floor_char(text, lo.saturating_sub(CONTEXT_BYTES)).max(lines.start);
            let to = floor_char(text, hi.saturating_add(CONTEXT_BYTES))
                .min(lines.end)
                .max(from);
            // The label that starts first is on the first line, where the crop is.
            let cropped_at = (from > lines.start)
                .then(|| labels.iter().min_by_key(|p| p.span.start))
                .flatten()
                .map(|p| p.start);
            (from..to, cropped_at)
        };
        Excerpt {
            file,
            text: text.get(bytes.clone()).unwrap_or_default().to_string(),
            offset: bytes.start,
            line: first,
            cropped_at,
        }
    }
}

/// The excerpts of one finding's labels in one file (`text` is the file's text, its secrets
/// masked): labels far apart are shown in excerpts of their own.
pub fn cut_excerpts(file: FileId, source: &Source, text: &str, labels: &[&Placed]) -> Vec<Excerpt> {
    let mut spans = labels.to_vec();
    spans.sort_by_key(|p| p.start);
    let mut out = Vec::new();
    let mut from = 0;
    for to in 1..=spans.len() {
        if spans.get(to).is_none_or(|p| !near(spans[from], p)) {
            out.push(Excerpt::of(file, source, text, &spans[from..to]));
            from = to;
        }
    }
    out
}

/// The primary's file first, then the others in the order of their first label; in the
/// primary's file, its own excerpt first.
pub fn order_excerpts(excerpts: &mut [Excerpt], primary: &Placed, related: &[Placed]) {
    excerpts.sort_by_key(|e| {
        let file = std::iter::once(primary)
            .chain(related)
            .position(|p| p.file == e.file);
        (file, !e.shows(primary))
    });
}

fn mask_all<'s>(texts: impl IntoIterator<Item = &'s mut String>, known: &[&Known]) {
    for text in texts {
        if let Cow::Owned(masked) = secret::mask(text, known) {
            *text = masked;
        }
    }
}

/// The char boundary at or before `i` (clamped to the text).
pub fn floor_char(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A file handed to [`resolve_all`]: one the caller holds, or one read again for the purpose.
pub enum Opened<'f> {
    Held(&'f InputFile),
    Read(InputFile),
}

impl std::ops::Deref for Opened<'_> {
    type Target = InputFile;

    fn deref(&self) -> &InputFile {
        match self {
            Opened::Held(f) => f,
            Opened::Read(f) => f,
        }
    }
}

/// Places findings whose labels may lie in several files, opening each file once (files are
/// visited in parallel). A file `open` cannot give places its labels at 1:1.
pub fn resolve_all<'f>(
    findings: Vec<Finding>,
    open: impl Fn(FileId) -> Option<Opened<'f>> + Sync,
    excerpts: bool,
) -> Vec<Resolved> {
    let label = |i: usize, j: usize| -> &Label {
        let f: &Finding = &findings[i];
        if j == 0 {
            &f.primary
        } else {
            &f.related[j - 1]
        }
    };
    if findings.is_empty() {
        return Vec::new();
    }
    // (finding, label) pairs by file; label 0 is the primary.
    let mut by_file: BTreeMap<FileId, Vec<(usize, usize)>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        for j in 0..=f.related.len() {
            by_file
                .entry(label(i, j).loc.file)
                .or_default()
                .push((i, j));
        }
    }
    let visit = |(file_id, labels): (FileId, Vec<(usize, usize)>)| -> Visit {
        let file = open(file_id);
        let file = file.as_deref();
        let secrets = file.map_or_else(FileSecrets::default, |f| {
            FileSecrets::of(&f.source.text, &f.docs)
        });
        let known: Vec<&Known> = secrets.known.iter().collect();
        let placed: Vec<(usize, usize, Placed)> = labels
            .iter()
            .map(|&(i, j)| (i, j, place(label(i, j), file_id, file)))
            .collect();
        let fingerprints = placed
            .iter()
            .filter(|(_, j, _)| *j == 0)
            .map(|(i, _, p)| (*i, fingerprint(&findings[*i], p, file, &known)))
            .collect();
        let mut cut = Vec::new();
        if let Some(file) = file.filter(|_| excerpts) {
            let masked = secrets.redact(&file.source.text);
            let text = masked.as_ref();
            for group in placed.chunk_by(|a, b| a.0 == b.0) {
                let spans: Vec<&Placed> = group.iter().map(|(_, _, p)| p).collect();
                for excerpt in cut_excerpts(file_id, &file.source, text, &spans) {
                    cut.push((group[0].0, excerpt));
                }
            }
        }
        Visit {
            file: file_id,
            placed,
            fingerprints,
            excerpts: cut,
            secrets: secrets.known,
        }
    };
    // A file checked on its own is placed where it is checked, already in parallel.
    let done: Vec<Visit> = if by_file.len() == 1 {
        by_file.into_iter().map(visit).collect()
    } else {
        by_file.into_par_iter().map(visit).collect()
    };
    let mut slots: Vec<Slot> = findings
        .iter()
        .map(|f| Slot {
            related: vec![None; f.related.len()],
            ..Slot::default()
        })
        .collect();
    let mut secrets: HashMap<FileId, Known> = HashMap::new();
    for visit in done {
        if let Some(known) = visit.secrets {
            secrets.insert(visit.file, known);
        }
        for (i, j, p) in visit.placed {
            match j {
                0 => slots[i].primary = Some(p),
                _ => slots[i].related[j - 1] = Some(p),
            }
        }
        for (i, fp) in visit.fingerprints {
            slots[i].fingerprint = fp;
        }
        for (i, e) in visit.excerpts {
            slots[i].excerpts.push(e);
        }
    }
    findings
        .into_iter()
        .zip(slots)
        .map(|(mut finding, slot)| {
            let mut primary = slot
                .primary
                .unwrap_or_else(|| place(&finding.primary, 0, None));
            let mut related: Vec<Placed> = slot.related.into_iter().flatten().collect();
            // A message may quote a value of any file it points into.
            let mut files: Vec<FileId> = std::iter::once(&primary)
                .chain(&related)
                .map(|p| p.file)
                .collect();
            files.sort_unstable();
            files.dedup();
            let known: Vec<&Known> = files.iter().filter_map(|f| secrets.get(f)).collect();
            finding.mask_secrets(&known);
            let placed = std::iter::once(&mut primary).chain(&mut related);
            mask_all(placed.map(|p| &mut p.message), &known);
            let mut excerpts = slot.excerpts;
            order_excerpts(&mut excerpts, &primary, &related);
            Resolved {
                finding,
                primary,
                related,
                fingerprint: slot.fingerprint.0,
                place_key: slot.fingerprint.1,
                excerpts,
            }
        })
        .collect()
}

/// A finding's parts as the files it points into are visited.
#[derive(Default)]
struct Slot {
    primary: Option<Placed>,
    related: Vec<Option<Placed>>,
    fingerprint: (String, String),
    excerpts: Vec<Excerpt>,
}

/// What one file contributed to [`resolve_all`]: (finding, label, place), (finding,
/// fingerprint), (finding, excerpt), and the file's secret values.
struct Visit {
    file: FileId,
    placed: Vec<(usize, usize, Placed)>,
    fingerprints: Vec<(usize, (String, String))>,
    excerpts: Vec<(usize, Excerpt)>,
    secrets: Option<Known>,
}

fn place(label: &Label, file_id: FileId, file: Option<&InputFile>) -> Placed {
    let Some(file) = file else {
        let start = LineCol { line: 1, column: 1 };
        return Placed {
            file: file_id,
            span: Span::default(),
            start,
            end: LineCol { line: 1, column: 2 },
            message: label.message.clone(),
        };
    };
    let span = match &label.loc.target {
        Target::Span(span) => *span,
        Target::Node { doc, path, part } => file.docs.get(*doc).map_or(Span::default(), |root| {
            document::path::resolve(root, path, *part)
        }),
    };
    let (start, end) = file.source.range(span);
    Placed {
        file: file_id,
        span,
        start,
        end,
        message: label.message.clone(),
    }
}

/// What identifies a finding whatever moves around it: the rule, the file, where in the document
/// (the object by kind, namespace and name rather than its position in the file, then the path
/// inside it) and the offending text, its secrets masked (`known` are the file's): the hash is
/// unsalted, so a secret in it could be recovered by trying values. Line numbers and messages are
/// left out, so inserting a document above or rewording a message keeps baselines valid. FNV-1a,
/// which unlike std's hasher is stable across releases and platforms.
/// Also returns the same hash without the path, [`Resolved::place_key`].
fn fingerprint(
    finding: &Finding,
    primary: &Placed,
    file: Option<&InputFile>,
    known: &[&Known],
) -> (String, String) {
    let Some(file) = file else {
        return (String::new(), String::new());
    };
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
    let value = secret::mask(value, known);
    let hash = |parts: &[&str]| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for part in parts {
            for b in part.bytes().chain(std::iter::once(0)) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{h:016x}")
    };
    (
        hash(&[finding.rule.as_str(), path, &place, &value]),
        hash(&[finding.rule.as_str(), &place, &value]),
    )
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

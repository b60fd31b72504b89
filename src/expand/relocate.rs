//! Findings on rendered objects, moved from the line [`place`](super::place) found onto what
//! decided the value, once they are placed: a template line that only prints `.Values.a.b` did
//! not decide it, the values file did; a base's `metadata:` did not set the namespace, the
//! overlay did. So, for each label on a template or a resource of an overlay:
//!
//! - a value written by `{{ .Values.a.b }}` (alone, or through a pipeline of formatting functions
//!   such as `| quote`) goes on key `a.b` of the last values file that sets it, the template line
//!   kept as a related location;
//! - a field an overlay sets (`namespace`, `namePrefix`/`nameSuffix`, `commonLabels`,
//!   `commonAnnotations`) goes on that key of the outermost kustomization that sets it, and a
//!   value a strategic-merge patch writes goes on the patch's line;
//! - a key no line wrote stays at the file's start ([`UNPLACED`]) and says so;
//! - and the rendered line is added as a related location, "rendered as". A render's output is
//!   no file: its location is named by the command that prints it (`helm template release
//!   charts/orders`), and [`Report::outputs`](crate::app::Report) lists such locations so that
//!   SARIF, which needs a URI, describes them in the message instead.

use std::collections::HashMap;
use std::path::{Path as FsPath, PathBuf};

use super::place::UNPLACED;
use super::{Fate, Render, Rendered, Renders};
use crate::document::{self, Node, NodeKind, Part, Path, Seg, Source, Span};
use crate::finding::{self, Label, Loc, Placed, Resolved, Target};
use crate::kustomize::normalize;
use crate::model::FileId;
use crate::secret::FileSecrets;

/// The related location's label for the rendered line.
pub const RENDERED_AS: &str = "rendered as";

/// Moves the labels of `findings` that lie on rendered files; files it points into that are not
/// among `paths` (a values file outside the scan, a render's output) are added to them, and the
/// outputs to `outputs`.
pub fn relocate(
    findings: &mut Vec<Resolved>,
    paths: &mut Vec<String>,
    outputs: &mut Vec<FileId>,
    renders: &Renders,
    excerpts: bool,
) {
    if renders.files.is_empty() {
        return;
    }
    let mut r = Relocator {
        renders,
        excerpts,
        ids: paths
            .iter()
            .enumerate()
            .map(|(id, p)| (normalize(FsPath::new(p)), id))
            .collect(),
        files: HashMap::new(),
        paths,
        outputs,
    };
    for f in findings.iter_mut() {
        r.finding(f);
    }
    drop_found_twice(findings);
}

/// A value a chart prints is found on the rendered line (moved onto the values file) and by the
/// values file's own checks, on spans that overlap (the quoted value, the secret in it): one
/// finding there, the moved one, which says where it is rendered. A rule keeps at most 100 per
/// file, so the lists stay short.
fn drop_found_twice(findings: &mut Vec<Resolved>) {
    let rendered = |r: &Resolved| r.related.iter().any(|l| l.message == RENDERED_AS);
    findings.sort_by_key(|r| !rendered(r));
    let mut moved: HashMap<(String, FileId), Vec<Span>> = HashMap::new();
    findings.retain(|r| {
        let key = (r.finding.rule.clone(), r.primary.file);
        let s = r.primary.span;
        if rendered(r) {
            moved.entry(key).or_default().push(s);
            return true;
        }
        !moved.get(&key).is_some_and(|spans| {
            spans
                .iter()
                .any(|o| s == *o || (s.start < o.end && o.start < s.end))
        })
    });
}

/// A file read to place labels on it: its text, and its documents for masking secrets.
struct Read {
    source: Source,
    docs: Vec<Node>,
}

/// Where a label goes instead.
struct Move {
    /// The path shown, and where it is read from.
    shown: PathBuf,
    real: PathBuf,
    span: Span,
    /// The label kept at the old place, when that line took part (a template printing a value).
    keep: Option<&'static str>,
}

struct Relocator<'r> {
    renders: &'r Renders,
    excerpts: bool,
    paths: &'r mut Vec<String>,
    outputs: &'r mut Vec<FileId>,
    ids: HashMap<PathBuf, FileId>,
    /// By shown path (a render's output by its command).
    files: HashMap<PathBuf, Option<Read>>,
}

impl Relocator<'_> {
    fn finding(&mut self, f: &mut Resolved) {
        let mut added: Vec<Placed> = Vec::new();
        let mut touched: Vec<FileId> = Vec::new();
        // The rendered line of the primary, or when it is on no rendered file, those of the
        // related locations that are.
        let mut primary_rendered = false;
        for j in 0..=f.related.len() {
            let (placed, label) = match j {
                0 => (&f.primary, Some(&f.finding.primary)),
                _ => (&f.related[j - 1], f.finding.related.get(j - 1)),
            };
            let Some(Target::Node { doc, path, part }) = label.map(|l| &l.loc.target) else {
                continue;
            };
            let Some(Fate::Rendered(list)) = self
                .paths
                .get(placed.file)
                .and_then(|p| self.renders.fate(p))
            else {
                continue;
            };
            let Some((rendered, node)) = document_of(list, *doc) else {
                continue;
            };
            primary_rendered |= j == 0;
            let old = placed.clone();
            let shown = normalize(FsPath::new(&self.paths[placed.file]));
            let moved = match rendered.render.values.is_empty() {
                false => self.values_key(rendered, &old),
                true => self.overlay_key(rendered, &node, path, *part, &shown),
            };
            let mut new = None;
            if let Some(m) = moved {
                new = self.placed(&m.shown, &m.real, None, m.span, &old.message);
                if let (Some(keep), Some(_)) = (m.keep, &new) {
                    added.push(Placed {
                        message: keep.into(),
                        ..old.clone()
                    });
                }
            }
            match new {
                Some(new) => {
                    touched.push(new.file);
                    *(if j == 0 {
                        &mut f.primary
                    } else {
                        &mut f.related[j - 1]
                    }) = new;
                }
                None if old.span == UNPLACED => {
                    let note = format!(
                        "no line of `{}` writes it: see where it is rendered",
                        self.paths[old.file]
                    );
                    if j == 0 {
                        f.finding.message = format!("{} ({note})", f.finding.message);
                    } else {
                        f.related[j - 1].message = format!("{} ({note})", old.message);
                    }
                }
                None => {}
            }
            if j > 0 && primary_rendered {
                continue;
            }
            // A block is shown by its key, not by all its lines.
            let part = match doc_get(&node, path).map(|n| &n.kind) {
                Some(NodeKind::Map(_) | NodeKind::Seq(_)) if !path.is_empty() => Part::Key,
                _ => *part,
            };
            let at = document::path::resolve(&node, path, part);
            let span = Span::new(
                rendered.offset + at.start as usize,
                rendered.offset + at.end as usize,
            );
            let command = PathBuf::from(&rendered.render.command);
            if let Some(p) = self.placed(
                &command,
                &command,
                Some(&rendered.render),
                span,
                RENDERED_AS,
            ) && !added.iter().any(|a| a.file == p.file && a.span == p.span)
            {
                touched.push(p.file);
                added.push(p);
            }
        }
        if added.is_empty() && touched.is_empty() {
            return;
        }
        for p in added {
            f.finding.related.push(Label {
                loc: Loc::span(p.file, p.span),
                message: p.message.clone(),
            });
            f.related.push(p);
        }
        if !self.excerpts {
            return;
        }
        let labels: Vec<&Placed> = std::iter::once(&f.primary).chain(&f.related).collect();
        // Excerpts of the files labels moved into; those that no longer show a label go.
        f.excerpts
            .retain(|e| !touched.contains(&e.file) && labels.iter().any(|p| e.shows(p)));
        touched.sort_unstable();
        touched.dedup();
        for file in touched {
            let Some(read) = self
                .paths
                .get(file)
                .map(|p| normalize(FsPath::new(p)))
                .and_then(|p| self.files.get(&p))
                .and_then(Option::as_ref)
            else {
                continue;
            };
            let secrets = FileSecrets::of(&read.source.text, &read.docs);
            let masked = secrets.redact(&read.source.text);
            let here: Vec<&Placed> = labels.iter().copied().filter(|p| p.file == file).collect();
            f.excerpts.extend(finding::cut_excerpts(
                file,
                &read.source,
                masked.as_ref(),
                &here,
            ));
        }
        finding::order_excerpts(&mut f.excerpts, &f.primary, &f.related);
    }

    /// A label on `shown` (read from `real`, or the render's output), with the id of that file.
    fn placed(
        &mut self,
        shown: &FsPath,
        real: &FsPath,
        output: Option<&Render>,
        span: Span,
        message: &str,
    ) -> Option<Placed> {
        let key = normalize(shown);
        let read = self.read(&key, real, output)?;
        let (start, end) = read.source.range(span);
        let file = match self.ids.get(&key) {
            Some(&id) => id,
            None => {
                let id = self.paths.len();
                self.paths.push(shown.display().to_string());
                if output.is_some() {
                    self.outputs.push(id);
                }
                self.ids.insert(key, id);
                id
            }
        };
        Some(Placed {
            file,
            span,
            start,
            end,
            message: message.to_string(),
        })
    }

    fn read(&mut self, key: &FsPath, real: &FsPath, output: Option<&Render>) -> Option<&Read> {
        self.files
            .entry(key.to_path_buf())
            .or_insert_with(|| {
                let text = match output {
                    Some(render) => render.output.clone(),
                    None => std::fs::read_to_string(real).ok()?,
                };
                let docs = document::yaml::parse(&text).unwrap_or_default();
                Some(Read {
                    source: Source::new(key.display().to_string(), text),
                    docs,
                })
            })
            .as_ref()
    }

    /// A value a Helm template prints from `.Values`: the key of the last values file that sets
    /// it.
    fn values_key(&mut self, rendered: &Rendered, old: &Placed) -> Option<Move> {
        let template = self.read(&rendered.real.clone(), &rendered.real, None)?;
        let keys = values_path(template.source.text.get(old.span.range())?)?;
        let path = Path::root().keys(&keys.iter().map(String::as_str).collect::<Vec<_>>());
        for (shown, real) in rendered.render.values.iter().rev() {
            let Some(doc) = self.read(shown, real, None).and_then(|r| r.docs.first()) else {
                continue;
            };
            if !document::path::exists(doc, &path) {
                continue;
            }
            let part = match doc_get(doc, &path).map(|n| &n.kind) {
                Some(NodeKind::Scalar(_)) => Part::Entry,
                _ => Part::Key,
            };
            return Some(Move {
                shown: shown.clone(),
                real: real.clone(),
                span: document::path::resolve(doc, &path, part),
                keep: Some("printed by this template line"),
            });
        }
        None
    }

    /// A field an overlay sets, or a value a patch writes.
    fn overlay_key(
        &mut self,
        rendered: &Rendered,
        node: &Node,
        path: &Path,
        part: Part,
        shown: &FsPath,
    ) -> Option<Move> {
        let keys = key_names(node, path)?;
        let render = &rendered.render;
        // The kustomizations that apply to the file, the outermost first.
        let mut chain = Vec::new();
        let mut at = render
            .layers
            .iter()
            .position(|l| l.files.iter().any(|f| f == shown))
            .or(Some(0).filter(|_| render.layers.first().is_some_and(|l| l.shown == shown)));
        while let Some(i) = at.filter(|i| !chain.contains(i)) {
            chain.push(i);
            at = render.layers.get(i).and_then(|l| l.parent);
        }
        chain.reverse();
        let set: Option<Vec<&str>> = match keys.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["metadata", "namespace"] => Some(vec!["namespace"]),
            ["metadata", "name"] => Some(vec!["namePrefix", "nameSuffix"]),
            [.., "labels" | "matchLabels", _] => Some(vec!["commonLabels"]),
            [.., "annotations", _] => Some(vec!["commonAnnotations"]),
            _ => None,
        };
        for i in chain {
            let layer = render.layers.get(i)?;
            let Some(doc) = self
                .read(&layer.shown, &layer.real, None)
                .and_then(|r| r.docs.first())
            else {
                continue;
            };
            for field in set.iter().flatten() {
                let field_path = match *field {
                    "commonLabels" | "commonAnnotations" => {
                        Path::root().keys(&[*field, keys.last()?.as_str()])
                    }
                    _ => Path::root().key(*field),
                };
                if document::path::exists(doc, &field_path) {
                    return Some(Move {
                        shown: layer.shown.clone(),
                        real: layer.real.clone(),
                        span: document::path::resolve(doc, &field_path, part),
                        keep: None,
                    });
                }
            }
        }
        // A value (not a block) that a patch of the same object writes; the last patch wins.
        doc_get(node, path).filter(|n| matches!(n.kind, NodeKind::Scalar(_)))?;
        let kind = node.get_str("kind")?;
        let name = node.get("metadata")?.get_str("name")?;
        let key_path = Path::root().keys(&keys.iter().map(String::as_str).collect::<Vec<_>>());
        for (shown, real) in render.patches.iter().rev() {
            let Some(read) = self.read(shown, real, None) else {
                continue;
            };
            let found = read.docs.iter().find(|d| {
                d.get_str("kind") == Some(kind)
                    && d.get("metadata")
                        .and_then(|m| m.get_str("name"))
                        .is_some_and(|n| !n.is_empty() && name.contains(n))
                    && doc_get(d, &key_path).is_some_and(|n| matches!(n.kind, NodeKind::Scalar(_)))
            });
            if let Some(d) = found {
                return Some(Move {
                    shown: shown.clone(),
                    real: real.clone(),
                    span: document::path::resolve(d, &key_path, part),
                    keep: None,
                });
            }
        }
        None
    }
}

/// The rendered document with this index among a file's documents, and its render.
fn document_of(list: &[Rendered], doc: usize) -> Option<(&Rendered, Node)> {
    let mut base = 0;
    for rendered in list {
        let docs = document::yaml::parse(&rendered.text).ok()?;
        if doc < base + docs.len() {
            return Some((rendered, docs.into_iter().nth(doc - base)?));
        }
        base += docs.len();
    }
    None
}

fn doc_get<'n>(root: &'n Node, path: &Path) -> Option<&'n Node> {
    path.0.iter().try_fold(root, |node, seg| match seg {
        Seg::Key(k) => node.get(k),
        Seg::Entry(i) => node.as_map().and_then(|m| m.get(*i)).map(|e| &e.value),
        Seg::Index(i) => node.as_seq().and_then(|s| s.get(*i)),
    })
}

/// The path as map keys, when it goes through no list (a list item's place differs between a
/// patch and the object it patches).
fn key_names(root: &Node, path: &Path) -> Option<Vec<String>> {
    let mut node = root;
    let mut keys = Vec::new();
    for seg in &path.0 {
        let entry = match seg {
            Seg::Key(k) => node.entry(k),
            Seg::Entry(i) => node.as_map().and_then(|m| m.get(*i)),
            Seg::Index(_) => None,
        }?;
        keys.push(entry.key.as_str()?.to_string());
        node = &entry.value;
    }
    Some(keys)
}

/// Formatting functions that print a value as it is (quoted, as text, trimmed, indented): a
/// value printed through them is still the values file's.
const FORMATTING: &[&str] = &[
    "quote", "squote", "toString", "trim", "toYaml", "toJson", "nindent", "indent", "lower",
    "upper", "default", "required",
];

/// `a.b` for a template value that is one `{{ .Values.a.b }}` action, possibly quoted, with
/// formatting functions piped after it; `None` for anything computed.
fn values_path(text: &str) -> Option<Vec<String>> {
    let text = text.trim();
    let text = ['"', '\'']
        .iter()
        .find_map(|q| text.strip_prefix(*q).and_then(|t| t.strip_suffix(*q)))
        .unwrap_or(text);
    let inner = text.strip_prefix("{{")?.strip_suffix("}}")?;
    let inner = inner.strip_prefix('-').unwrap_or(inner);
    let inner = inner.strip_suffix('-').unwrap_or(inner);
    let mut stages = inner.split('|').map(str::trim);
    let keys: Vec<String> = stages
        .next()?
        .strip_prefix(".Values.")?
        .split('.')
        .map(str::to_string)
        .collect();
    let simple =
        |k: &String| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !keys.iter().all(simple) {
        return None;
    }
    for stage in stages {
        let mut words = stage.split_whitespace();
        let function = words.next()?;
        let literal = |w: &str| {
            w.starts_with('"') || w.parse::<f64>().is_ok() || ["true", "false"].contains(&w)
        };
        if !FORMATTING.contains(&function) || !words.all(literal) {
            return None;
        }
    }
    Some(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_paths_of_printed_values_only() {
        let keys = |t: &str| values_path(t).map(|k| k.join("."));
        assert_eq!(keys("{{ .Values.sa.name }}").as_deref(), Some("sa.name"));
        assert_eq!(
            keys("{{- .Values.sa.clientId | quote -}}").as_deref(),
            Some("sa.clientId")
        );
        assert_eq!(keys("\"{{ .Values.a }}\"").as_deref(), Some("a"));
        assert_eq!(
            keys("{{ .Values.a | default \"x\" }}").as_deref(),
            Some("a")
        );
        assert_eq!(keys("{{ .Values.a }}-suffix"), None);
        assert_eq!(keys("{{ include \"x\" . }}"), None);
        assert_eq!(keys("{{ printf \"%s\" .Values.a }}"), None);
        assert_eq!(keys("{{ .Values.a | replace \"a\" \"b\" }}"), None);
        assert_eq!(keys("{{ .Values.a | cat .Values.b }}"), None);
        assert_eq!(keys("orders"), None);
    }
}

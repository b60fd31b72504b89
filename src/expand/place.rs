//! Placing a rendered document on the file a user edits: each key of the rendered tree is looked
//! up, by its path, in the template's text — `spec:` then, in the lines indented below it,
//! `template:`, and so on — and takes the span of the line that wrote it; a value takes the text
//! after its key on that line. The i-th item of a rendered list goes on the i-th `- ` of the
//! template's list (the last one when a `range` loop wrote more items than the template has).
//!
//! What the template's text does not spell out (keys written by `include`, `toYaml`, `tpl`) goes
//! on the template expression that wrote it (the first one among its parent's lines, or the
//! parent's own value); a key no line wrote (a field Kustomize sets) goes on [`UNPLACED`]: never
//! on a line that did not produce it. Values stay those of the render: the scan checks what will be
//! deployed.

use crate::document::{self, Entry, Node, NodeKind, ParseError, Span};

/// How the keys of a rendered document are found in the file it is placed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    /// By key path in the file's text: a Helm template, or the base or resource file of an
    /// overlay that declares the object. The number is the `---`-separated document of the file
    /// that wrote it (the whole file when it has fewer).
    Template(usize),
    /// An object of an overlay no scanned file declares (a generator's): on the root
    /// kustomization, its namespace on the `namespace:` line, the rest on `resources:`.
    Kustomization,
}

/// The documents of a rendered text, with spans into `home` (the template or kustomization).
pub fn place(rendered: &str, home: &str, how: How) -> Result<Vec<Node>, ParseError> {
    let docs = document::yaml::parse(rendered)?;
    let lines = Lines::of(home);
    Ok(docs
        .into_iter()
        .map(|doc| match how {
            How::Template(n) => {
                let region = lines.section(n);
                let at = lines.first_content(region).unwrap_or_default();
                lines.node(doc, region, at)
            }
            How::Kustomization => kustomize(doc, &lines),
        })
        .collect())
}

/// A rendered object of an overlay: its namespace on the kustomization's `namespace:` (the line
/// that set it), everything else on the `resources:` line that brought the object in.
fn kustomize(doc: Node, lines: &Lines<'_>) -> Node {
    let top = Region {
        from: 0,
        to: lines.0.len(),
        indent: None,
    };
    let resources = lines
        .find_key(top, "resources")
        .map(|l| lines.key_span(l))
        .or_else(|| lines.first_content(top))
        .unwrap_or_default();
    let namespace = lines.find_key(top, "namespace");
    let mut doc = all_at(doc, resources);
    if let (Some(line), NodeKind::Map(entries)) = (namespace, &mut doc.kind) {
        for entry in entries
            .iter_mut()
            .filter(|e| e.key.as_str() == Some("metadata"))
        {
            if let NodeKind::Map(meta) = &mut entry.value.kind {
                for e in meta
                    .iter_mut()
                    .filter(|e| e.key.as_str() == Some("namespace"))
                {
                    e.key.span = lines.key_span(line);
                    e.value.span = lines.value_span(line).unwrap_or(e.key.span);
                }
            }
        }
    }
    doc
}

fn all_at(node: Node, span: Span) -> Node {
    let kind = match node.kind {
        NodeKind::Scalar(s) => NodeKind::Scalar(s),
        NodeKind::Seq(items) => NodeKind::Seq(items.into_iter().map(|n| all_at(n, span)).collect()),
        NodeKind::Map(entries) => NodeKind::Map(
            entries
                .into_iter()
                .map(|e| Entry {
                    key: all_at(e.key, span),
                    value: all_at(e.value, span),
                })
                .collect(),
        ),
    };
    Node { span, kind }
}

/// A range of lines, and the indentation of the key that owns them (`None`: the whole file).
#[derive(Clone, Copy, Debug)]
struct Region {
    from: usize,
    to: usize,
    indent: Option<usize>,
}

/// One line of the template: its byte offset, its text, and where its key starts (after the
/// indentation and any `- `).
struct Line<'t> {
    start: usize,
    text: &'t str,
    indent: usize,
    /// The offset in `text` of the content after `- ` markers.
    content: usize,
}

impl Line<'_> {
    fn content(&self) -> &str {
        &self.text[self.content..]
    }

    /// A line that neither writes a key nor ends a block: blank, a comment, or a template
    /// action alone on its line (`{{- if … }}`, `{{- end }}`).
    fn transparent(&self) -> bool {
        let c = self.content().trim();
        c.is_empty() || c.starts_with('#') || (c.starts_with("{{") && c.ends_with("}}"))
    }
}

struct Lines<'t>(Vec<Line<'t>>);

/// Where a rendered key goes when no line of the file wrote it: the file's start, with an empty
/// span, which [`relocate`](super::relocate) recognizes to say so rather than point at a line
/// that did not produce it.
pub const UNPLACED: Span = Span { start: 0, end: 0 };

impl<'t> Lines<'t> {
    /// The text a span of the file covers (spans on this file are on single lines).
    fn text_at(&self, span: Span) -> &'t str {
        self.0
            .iter()
            .find(|l| l.start <= span.start as usize && span.end as usize <= l.start + l.text.len())
            .and_then(|l| {
                l.text
                    .get(span.start as usize - l.start..span.end as usize - l.start)
            })
            .unwrap_or("")
    }

    fn of(text: &'t str) -> Self {
        let mut start = 0;
        let mut out = Vec::new();
        for raw in text.split_inclusive('\n') {
            let text = raw.trim_end_matches(['\n', '\r']);
            let indent = text.len() - text.trim_start_matches(' ').len();
            let mut content = indent;
            while let Some(rest) = text[content..].strip_prefix('-') {
                if !(rest.is_empty() || rest.starts_with(' ')) {
                    break;
                }
                content = text.len() - rest.trim_start_matches(' ').len();
            }
            out.push(Line {
                start,
                text,
                indent,
                content,
            });
            start += raw.len();
        }
        Lines(out)
    }

    fn first_content(&self, region: Region) -> Option<Span> {
        self.0
            .get(region.from..region.to)?
            .iter()
            .find(|l| !l.transparent())
            .map(|l| Span::new(l.start + l.indent, l.start + l.text.len()))
    }

    /// The n-th `---`-separated document of the file (empty ones not counted), or the whole
    /// file when it has fewer.
    fn section(&self, n: usize) -> Region {
        let separators = self
            .0
            .iter()
            .enumerate()
            .filter(|(_, l)| l.text.trim_end() == "---" || l.text.starts_with("--- "))
            .map(|(i, _)| i)
            .chain([self.0.len()]);
        let mut sections = Vec::new();
        let mut from = 0;
        for i in separators {
            if self.0[from..i].iter().any(|l| !l.transparent()) {
                sections.push((from, i));
            }
            from = i + 1;
        }
        let (from, to) = sections.get(n).copied().unwrap_or((0, self.0.len()));
        Region {
            from,
            to,
            indent: None,
        }
    }

    /// The line in the region that writes `key:`, at the smallest indentation.
    fn find_key(&self, region: Region, key: &str) -> Option<usize> {
        let mut best: Option<usize> = None;
        for i in region.from..region.to.min(self.0.len()) {
            let line = &self.0[i];
            if region.indent.is_some_and(|ind| line.content <= ind) {
                continue;
            }
            if writes_key(line.content(), key)
                && best.is_none_or(|b| self.0[b].content > line.content)
            {
                best = Some(i);
            }
        }
        best
    }

    /// The lines below a key's line that belong to it: until a line (not transparent) indented
    /// no deeper than the key.
    fn block(&self, line: usize, end: usize) -> Region {
        let indent = self.0[line].content;
        let to = (line + 1..end)
            .find(|&i| {
                !self.0[i].transparent()
                    && self.0[i].indent <= indent
                    && !self.is_item_below(i, indent)
            })
            .unwrap_or(end);
        Region {
            from: line + 1,
            to,
            indent: Some(indent),
        }
    }

    /// A `- ` item at the key's own indentation, as YAML allows under a key (`containers:` then
    /// `- name:` aligned with it).
    fn is_item_below(&self, i: usize, indent: usize) -> bool {
        let l = &self.0[i];
        l.indent == indent && l.content > l.indent
    }

    fn key_span(&self, line: usize) -> Span {
        let l = &self.0[line];
        let key_len = l.content().find(':').unwrap_or(l.content().len());
        let start = l.start + l.content;
        Span::new(start, start + key_len)
    }

    /// The text after `key:` on the line, when the value is written there.
    fn value_span(&self, line: usize) -> Option<Span> {
        let l = &self.0[line];
        let content = l.content();
        let colon = content.find(':')?;
        let after = &content[colon + 1..];
        let value = after.trim();
        let value = value.split(" #").next().unwrap_or(value).trim_end();
        if value.is_empty() {
            return None;
        }
        let offset = l.start + l.content + colon + 1 + (after.len() - after.trim_start().len());
        Some(Span::new(offset, offset + value.len()))
    }

    /// The template expression that writes what the text does not spell out: the first line of
    /// the region that is a `{{ … }}` output action (not `if`, `range`, `end`…).
    fn expression(&self, region: Region) -> Option<Span> {
        (region.from..region.to.min(self.0.len())).find_map(|i| {
            let l = &self.0[i];
            let c = l.content().trim();
            let action = c
                .trim_start_matches("{{")
                .trim_start_matches('-')
                .trim_start();
            let control = ["if ", "else", "end", "range ", "with ", "define ", "/*"]
                .iter()
                .any(|k| action.starts_with(k));
            (c.starts_with("{{") && !control)
                .then(|| Span::new(l.start + l.content, l.start + l.content + c.len()))
        })
    }

    /// The rendered node, with spans in the template: `at` is where it goes when its own line
    /// cannot be found.
    fn node(&self, node: Node, region: Region, at: Span) -> Node {
        let kind = match node.kind {
            NodeKind::Scalar(s) => NodeKind::Scalar(s),
            NodeKind::Map(entries) => NodeKind::Map(
                entries
                    .into_iter()
                    .map(|e| self.entry(e, region, at))
                    .collect(),
            ),
            NodeKind::Seq(items) => {
                let dashes = self.items(region);
                NodeKind::Seq(
                    items
                        .into_iter()
                        .enumerate()
                        .map(
                            |(i, item)| match dashes.get(i.min(dashes.len().saturating_sub(1))) {
                                Some(&(line, end)) => {
                                    let l = &self.0[line];
                                    let item_at =
                                        Span::new(l.start + l.indent, l.start + l.text.len());
                                    // The item's first key sits on its `- ` line.
                                    let item_region = Region {
                                        from: line,
                                        to: end,
                                        indent: Some(l.indent),
                                    };
                                    self.node(item, item_region, item_at)
                                }
                                None => self.node(item, region, at),
                            },
                        )
                        .collect(),
                )
            }
        };
        Node { span: at, kind }
    }

    fn entry(&self, e: Entry, region: Region, at: Span) -> Entry {
        let Some(key) = e.key.as_str().map(str::to_string) else {
            return Entry {
                key: self.node(e.key, region, at),
                value: self.node(e.value, region, at),
            };
        };
        match self.find_key(region, &key) {
            Some(line) => {
                let key_span = self.key_span(line);
                let value_at = self.value_span(line).unwrap_or(key_span);
                let block = self.block(line, region.to);
                Entry {
                    key: Node {
                        span: key_span,
                        ..e.key
                    },
                    value: self.node(e.value, block, value_at),
                }
            }
            None => {
                // What the text does not spell out came from the expression that wrote the
                // parent's value, or one among its lines; else no line is known to have
                // written it.
                let at = self.expression(region).unwrap_or_else(|| {
                    let text = self.text_at(at);
                    if text.contains("{{") { at } else { UNPLACED }
                });
                Entry {
                    key: Node { span: at, ..e.key },
                    value: self.node(e.value, region, at),
                }
            }
        }
    }

    /// The `- ` lines of a list in the region (at the smallest indentation), each with where
    /// its item ends.
    fn items(&self, region: Region) -> Vec<(usize, usize)> {
        let end = region.to.min(self.0.len());
        let dashes: Vec<usize> = (region.from..end)
            .filter(|&i| {
                let l = &self.0[i];
                l.content > l.indent && region.indent.is_none_or(|ind| l.indent >= ind)
            })
            .collect();
        let Some(min) = dashes.iter().map(|&i| self.0[i].indent).min() else {
            return Vec::new();
        };
        let top: Vec<usize> = dashes
            .into_iter()
            .filter(|&i| self.0[i].indent == min)
            .collect();
        top.iter()
            .enumerate()
            .map(|(n, &line)| (line, top.get(n + 1).copied().unwrap_or(end)))
            .collect()
    }
}

/// Whether a line's content (after indentation and `- `) writes `key:`, plain or quoted.
fn writes_key(content: &str, key: &str) -> bool {
    [
        content.strip_prefix(key),
        content
            .strip_prefix('"')
            .and_then(|c| c.strip_prefix(key))
            .and_then(|c| c.strip_prefix('"')),
        content
            .strip_prefix('\'')
            .and_then(|c| c.strip_prefix(key))
            .and_then(|c| c.strip_prefix('\'')),
    ]
    .into_iter()
    .flatten()
    .any(|rest| rest == ":" || rest.starts_with(": ") || rest.starts_with(":\t"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_of(text: &str, span: Span) -> usize {
        text[..span.start as usize].matches('\n').count() + 1
    }

    #[test]
    fn keys_go_on_the_template_lines_that_wrote_them() {
        let template = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    {{- include \"c.labels\" . | nindent 4 }}\nspec:\n  template:\n    metadata:\n      labels:\n        app: x\n    spec:\n      serviceAccountName: {{ .Values.sa }}\n      containers:\n        - name: api\n          image: x\n";
        let rendered = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: r\n  labels:\n    helm.sh/chart: c\nspec:\n  template:\n    metadata:\n      labels:\n        app: x\n    spec:\n      serviceAccountName: api\n      containers:\n        - name: api\n          image: x\n";
        let docs = place(rendered, template, How::Template(0)).unwrap_or_else(|e| panic!("{e:?}"));
        let doc = &docs[0];
        let get = |path: &[&str]| {
            path.iter()
                .try_fold(doc, |n, k| n.get(k))
                .unwrap_or_else(|| panic!("{path:?}"))
        };
        assert_eq!(line_of(template, get(&["metadata", "name"]).span), 4);
        assert_eq!(
            line_of(template, get(&["metadata", "labels", "helm.sh/chart"]).span),
            6
        );
        assert_eq!(
            line_of(
                template,
                get(&["spec", "template", "spec", "serviceAccountName"]).span
            ),
            13
        );
        let sa = get(&["spec", "template", "spec", "serviceAccountName"]).span;
        assert_eq!(&template[sa.range()], "{{ .Values.sa }}");
        let containers = get(&["spec", "template", "spec", "containers"]);
        let first = containers
            .as_seq()
            .and_then(|s| s.first())
            .map(|c| c.get("image"));
        assert_eq!(first.flatten().map(|n| line_of(template, n.span)), Some(16));
    }

    #[test]
    fn a_key_no_line_wrote_is_unplaced_unless_an_expression_wrote_it() {
        let base = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  annotations: {{ toYaml .Values.a | nindent 4 }}\n";
        let rendered = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  namespace: added\n  annotations:\n    x: y\n";
        let docs = place(rendered, base, How::Template(0)).unwrap_or_else(|e| panic!("{e:?}"));
        let meta = docs[0].get("metadata");
        let ns = meta.and_then(|m| m.get("namespace"));
        assert_eq!(ns.map(|n| n.span), Some(UNPLACED));
        let x = meta
            .and_then(|m| m.get("annotations"))
            .and_then(|a| a.get("x"));
        assert_eq!(
            x.map(|n| &base[n.span.range()]),
            Some("{{ toYaml .Values.a | nindent 4 }}")
        );
    }

    #[test]
    fn each_document_goes_on_its_own_section() {
        let file = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: b\n";
        let rendered = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: b-prod\n";
        let docs = place(rendered, file, How::Template(1)).unwrap_or_else(|e| panic!("{e:?}"));
        let name = docs[0].get("metadata").and_then(|m| m.get("name"));
        assert_eq!(name.map(|n| line_of(file, n.span)), Some(9));
    }
}

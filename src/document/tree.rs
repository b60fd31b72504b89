//! The span tree every input is parsed into, whatever its syntax.
//!
//! Rules never see YAML or JSON syntax: they see [`Node`]s that remember where they came from, so a
//! finding can point at the exact key or value. Maps keep every entry in source order, duplicates
//! included, because a duplicate key is something to report rather than to resolve silently.

use std::collections::HashMap;

use compact_str::CompactString;

/// A half-open byte range into the file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        // Files are capped far below 4 GiB by the size limit, so the narrowing is lossless.
        Self {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end.max(start)).unwrap_or(u32::MAX),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// How a scalar was written. The style decides typing: only plain YAML scalars are typed by
/// Kubernetes' YAML 1.1 rules; quoted and block scalars are always strings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Style {
    #[default]
    Plain,
    Quoted,
    Block,
    /// A JSON literal: its type is its syntax.
    Json,
    /// An unknown value that is a reference to an attribute of a resource the files declare
    /// (`azurerm_kubernetes_cluster.aks.oidc_issuer_url`): known only once deployed, but decided
    /// by the files, so it is joined by its text rather than reported as undecided.
    Reference,
    /// An unknown string of which some parts are known (`"system:serviceaccount:${var.ns}:api"`
    /// with `var.ns` unset): the text holds the known parts and, between [`HOLE_START`] and
    /// [`HOLE_END`], the source of each part that is not ([`Node::pieces`]). It is unknown to
    /// every accessor, as any unknown; only the rules that check a format read its known parts,
    /// and report only what no value of the holes could repair.
    Partial,
}

/// Where a hole of a [`Style::Partial`] string starts and ends: private-use characters, and a
/// template whose known text holds one is not made partial, so the two cannot be confused.
pub const HOLE_START: char = '\u{E000}';
pub const HOLE_END: char = '\u{E001}';

/// A part of a [`Style::Partial`] string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Known(&'a str),
    /// Any string, even empty or holding `:`; the text is its source, for messages.
    Hole(&'a str),
}

/// The type a Kubernetes API server would give the scalar.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Typed {
    #[default]
    Null,
    Str,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Not decided by the files: an expression a front-end could not evaluate (a Terraform
    /// `var.x` with no value, a reference to an attribute known only after apply). The scalar's text is the
    /// expression's source, for messages; no rule reads it as a literal, because [`Node::text`],
    /// [`Node::as_str`] and the other accessors give nothing for it.
    Unknown,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scalar {
    /// The decoded text (escapes resolved, quotes removed). Most scalars are short: a compact
    /// string keeps up to 24 bytes inline, without an allocation of its own.
    pub text: CompactString,
    pub style: Style,
    pub typed: Typed,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

impl Default for NodeKind {
    fn default() -> Self {
        NodeKind::Scalar(Scalar::default())
    }
}

#[derive(Clone, Debug, Default)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

/// Equality of values, not of positions or spelling: `'x'` equals `"x"`, `1` equals `1.0`. This is
/// what JSONPath comparisons in rule selectors need.
impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        match (&self.kind, &other.kind) {
            (NodeKind::Scalar(a), NodeKind::Scalar(b)) => match (a.typed, b.typed) {
                (Typed::Str, Typed::Str) => a.text == b.text,
                (Typed::Null, Typed::Null) => true,
                (Typed::Bool(x), Typed::Bool(y)) => x == y,
                (Typed::Int(x), Typed::Int(y)) => x == y,
                (Typed::Int(x), Typed::Float(y)) | (Typed::Float(y), Typed::Int(x)) => {
                    (x as f64) == y
                }
                (Typed::Float(x), Typed::Float(y)) => x == y,
                _ => false,
            },
            (NodeKind::Seq(a), NodeKind::Seq(b)) => a == b,
            (NodeKind::Map(_), NodeKind::Map(_)) => {
                let (a, b) = (self.entries(), other.entries());
                let b: HashMap<&str, &Entry> = b.into_iter().collect();
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, e)| b.get(k).is_some_and(|v| v.value == e.value))
            }
            _ => false,
        }
    }
}

/// YAML 1.1 merge key: `<<: *base` pulls the entries of `base` into the mapping.
const MERGE_KEY: &str = "<<";

/// Constructors for the trees front-ends build (docs/frontends.md): one place that says how a
/// key, a string, a value the files do not decide and a reference are written.
impl Node {
    pub fn map(entries: Vec<Entry>, span: Span) -> Self {
        Node {
            span,
            kind: NodeKind::Map(entries),
        }
    }

    /// A mapping key (or any plain string).
    pub fn key(text: impl Into<CompactString>, span: Span) -> Self {
        Node::scalar(text, Style::Plain, Typed::Str, span)
    }

    /// A string value, as a quoted scalar would be.
    pub fn string(text: impl Into<CompactString>, span: Span) -> Self {
        Node::scalar(text, Style::Quoted, Typed::Str, span)
    }

    /// A value the files do not decide; `text` is its source, for messages.
    pub fn unknown(text: impl Into<CompactString>, span: Span) -> Self {
        Node::scalar(text, Style::Plain, Typed::Unknown, span)
    }

    /// A string with holes (see [`Style::Partial`]); `None` when nothing of it is known or all
    /// of it is, or when a known part holds a hole marker.
    /// `parts` are `(known, text)`: known text, or the source of a hole.
    pub fn partial(parts: &[(bool, String)], span: Span) -> Option<Self> {
        let marked = |t: &str| t.contains([HOLE_START, HOLE_END]);
        if !parts.iter().any(|(known, t)| *known && !t.is_empty())
            || parts.iter().all(|(known, _)| *known)
            || parts.iter().any(|(known, t)| *known && marked(t))
        {
            return None;
        }
        let mut text = CompactString::default();
        for (known, part) in parts {
            if *known {
                text.push_str(part);
            } else {
                text.push(HOLE_START);
                text.extend(part.chars().filter(|c| *c != HOLE_START && *c != HOLE_END));
                text.push(HOLE_END);
            }
        }
        Some(Node::scalar(text, Style::Partial, Typed::Unknown, span))
    }

    /// A value decided by the files but known only once deployed, named by what it refers to
    /// (see [`Style::Reference`]).
    pub fn reference(text: impl Into<CompactString>, span: Span) -> Self {
        Node::scalar(text, Style::Reference, Typed::Unknown, span)
    }
}

impl Entry {
    /// An entry whose key is `key`, written at `key_span`.
    pub fn new(key: &str, key_span: Span, value: Node) -> Self {
        Entry {
            key: Node::key(key, key_span),
            value,
        }
    }
}

impl Node {
    pub fn scalar(text: impl Into<CompactString>, style: Style, typed: Typed, span: Span) -> Self {
        Node {
            span,
            kind: NodeKind::Scalar(Scalar {
                text: text.into(),
                style,
                typed,
            }),
        }
    }

    /// Moves a tree parsed from a slice of a file (a YAML heredoc, JSON in a shell argument)
    /// to the slice's place in the file.
    pub fn shift(&mut self, by: u32) {
        self.span = Span {
            start: self.span.start.saturating_add(by),
            end: self.span.end.saturating_add(by),
        };
        match &mut self.kind {
            NodeKind::Map(entries) => {
                for e in entries {
                    e.key.shift(by);
                    e.value.shift(by);
                }
            }
            NodeKind::Seq(items) => items.iter_mut().for_each(|i| i.shift(by)),
            NodeKind::Scalar(_) => {}
        }
    }

    /// A mapping built in code (rule parameters from the config, tests), without positions.
    pub fn mapping(entries: Vec<(&str, Node)>) -> Self {
        Node {
            span: Span::default(),
            kind: NodeKind::Map(
                entries
                    .into_iter()
                    .map(|(k, value)| Entry {
                        key: Node::scalar(k, Style::Plain, Typed::Str, Span::default()),
                        value,
                    })
                    .collect(),
            ),
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a scalar that Kubernetes reads as a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(s) if s.typed == Typed::Str => Some(s.text.as_str()),
            _ => None,
        }
    }

    /// The text of any scalar, whatever its type (`true`, `3600`, `"x"` all give their text);
    /// nothing for an unknown value.
    pub fn text(&self) -> Option<&str> {
        self.as_scalar()
            .filter(|s| s.typed != Typed::Unknown)
            .map(|s| s.text.as_str())
    }

    /// The source of a value the files do not decide (see [`Typed::Unknown`]).
    pub fn expression(&self) -> Option<&str> {
        self.as_scalar()
            .filter(|s| s.typed == Typed::Unknown)
            .map(|s| s.text.as_str())
    }

    /// The known parts and holes of a [`Style::Partial`] string.
    pub fn pieces(&self) -> Option<Vec<Piece<'_>>> {
        let s = self.as_scalar().filter(|s| s.style == Style::Partial)?;
        let mut out = Vec::new();
        let mut rest = s.text.as_str();
        while let Some((known, after)) = rest.split_once(HOLE_START) {
            let (hole, after) = after.split_once(HOLE_END)?;
            if !known.is_empty() {
                out.push(Piece::Known(known));
            }
            out.push(Piece::Hole(hole));
            rest = after;
        }
        if !rest.is_empty() {
            out.push(Piece::Known(rest));
        }
        Some(out)
    }

    /// The source of an unknown value as messages show it: a partial string with its holes
    /// written `${…}`.
    pub fn shown_expression(&self) -> Option<std::borrow::Cow<'_, str>> {
        let expr = self.expression()?;
        Some(match self.pieces() {
            Some(pieces) => pieces
                .iter()
                .map(|p| match p {
                    Piece::Known(k) => k.to_string(),
                    Piece::Hole(h) => format!("${{{h}}}"),
                })
                .collect::<String>()
                .into(),
            None => expr.into(),
        })
    }

    pub fn is_unknown(&self) -> bool {
        self.expression().is_some()
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar(s) if s.typed == Typed::Null)
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            NodeKind::Scalar(Scalar {
                typed: Typed::Bool(b),
                ..
            }) => Some(*b),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The entries of a mapping as a reader of the manifest sees them: the last of duplicate keys
    /// wins (as in `encoding/json`), and `<<` merge keys contribute entries not set directly.
    pub fn entries(&self) -> Vec<(&str, &Entry)> {
        let Some(entries) = self.as_map() else {
            return Vec::new();
        };
        let mut out = Keyed::with_capacity(entries.len());
        let mut merged: Vec<&Node> = Vec::new();
        for entry in entries {
            let key = entry.key.text().unwrap_or("");
            if key == MERGE_KEY
                && entry
                    .key
                    .as_scalar()
                    .is_some_and(|s| s.style == Style::Plain)
            {
                match &entry.value.kind {
                    NodeKind::Seq(items) => merged.extend(items.iter()),
                    _ => merged.push(&entry.value),
                }
                continue;
            }
            out.set(key, entry, true);
        }
        for source in merged {
            for (key, entry) in source.entries() {
                out.set(key, entry, false);
            }
        }
        out.list
    }

    /// The entry for `key` (last occurrence wins; merge keys are honoured).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        let entries = self.as_map()?;
        if let Some(found) = entries
            .iter()
            .rev()
            .find(|e| e.key.text() == Some(key) && !is_merge(e))
        {
            return Some(found);
        }
        if !entries.iter().any(is_merge) {
            return None;
        }
        self.entries()
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, e)| e)
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// Follows a chain of keys.
    pub fn get_path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// A string-typed value at `key`, or `None` when absent or not a string.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::as_str)
    }
}

/// Entries by key, in the order keys first appear. Small mappings (nearly all) are searched,
/// larger ones hashed: searching made a mapping of 100,000 keys take minutes.
struct Keyed<'n> {
    list: Vec<(&'n str, &'n Entry)>,
    index: Option<HashMap<&'n str, usize>>,
}

impl<'n> Keyed<'n> {
    fn with_capacity(n: usize) -> Self {
        Keyed {
            list: Vec::with_capacity(n),
            index: None,
        }
    }

    /// Adds `key`, or when it is there already, replaces its entry if `replace`.
    fn set(&mut self, key: &'n str, entry: &'n Entry, replace: bool) {
        if self.index.is_none() && self.list.len() > 16 {
            let index = self.list.iter().enumerate().map(|(i, (k, _))| (*k, i));
            self.index = Some(index.collect());
        }
        let at = match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.list.iter().position(|(k, _)| *k == key),
        };
        match at {
            Some(i) if replace => self.list[i].1 = entry,
            Some(_) => {}
            None => {
                if let Some(index) = &mut self.index {
                    index.insert(key, self.list.len());
                }
                self.list.push((key, entry));
            }
        }
    }
}

fn is_merge(entry: &Entry) -> bool {
    entry
        .key
        .as_scalar()
        .is_some_and(|s| s.style == Style::Plain && s.text == MERGE_KEY)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Node {
        Node::scalar(text, Style::Quoted, Typed::Str, Span::default())
    }

    fn map(entries: Vec<(&str, Node)>) -> Node {
        Node::mapping(entries)
    }

    #[test]
    fn last_duplicate_wins_and_merge_fills_gaps() {
        let base = map(vec![("a", s("base-a")), ("c", s("base-c"))]);
        let m = map(vec![
            ("a", s("1")),
            ("<<", base),
            ("a", s("2")),
            ("b", s("3")),
        ]);
        assert_eq!(m.get_str("a"), Some("2"));
        assert_eq!(m.get_str("c"), Some("base-c"));
        assert_eq!(m.get_str("missing"), None);
        let keys: Vec<_> = m.entries().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, vec!["a", "b", "c"]);
    }

    /// Large mappings are hashed: the same entries, in the same order, as small ones searched.
    #[test]
    fn large_mappings_read_like_small_ones() {
        let base = map((0..30)
            .map(|i| (MERGED[i % 7], s(&format!("base{i}"))))
            .collect());
        let mut entries: Vec<(&str, Node)> = (0..60)
            .map(|i| (KEYS[(i * 5) % 11], s(&i.to_string())))
            .collect();
        entries.insert(20, ("<<", base));
        let m = map(entries);
        let got: Vec<(&str, &str)> = m
            .entries()
            .into_iter()
            .map(|(k, e)| (k, e.value.as_str().unwrap_or("")))
            .collect();
        // Searched by hand: the last direct value of each key in first-seen order, then the
        // keys only the merge brings, with the base's last value.
        let mut want: Vec<(&str, String)> = Vec::new();
        for i in 0..60 {
            let key = KEYS[(i * 5) % 11];
            match want.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = i.to_string(),
                None => want.push((key, i.to_string())),
            }
        }
        for i in 0..30 {
            let key = MERGED[i % 7];
            if !(0..60).any(|j| KEYS[(j * 5) % 11] == key) {
                match want.iter_mut().find(|(k, _)| *k == key) {
                    Some(slot) => slot.1 = format!("base{i}"),
                    None => want.push((key, format!("base{i}"))),
                }
            }
        }
        let want: Vec<(&str, &str)> = want.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(got, want);
        assert_eq!(m.get_str("k3"), Some("49"));
        assert_eq!(m.get_str("m6"), Some("base27"));
    }

    const MERGED: [&str; 7] = ["k0", "m1", "m2", "m3", "m4", "m5", "m6"];
    const KEYS: [&str; 11] = [
        "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10",
    ];
}

//! Symbolic paths into a document, and their resolution to spans.
//!
//! Rules name *where* a problem is (`spec.template.metadata.labels["azure.workload.identity/use"]`)
//! instead of computing positions. The path survives edits elsewhere in the file, so it doubles as
//! the stable part of a finding's fingerprint; turning it into a span is one late, separate step.

use std::fmt;

use super::tree::{Node, NodeKind, Span};

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    /// A mapping key (the last occurrence when the key is duplicated).
    Key(String),
    /// A sequence index.
    Index(usize),
    /// The n-th entry of a mapping, whatever its key: how a duplicate key's first occurrence is named.
    Entry(usize),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path(pub Vec<Seg>);

impl Path {
    pub fn root() -> Self {
        Path(Vec::new())
    }

    pub fn key(&self, key: impl Into<String>) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Key(key.into()));
        p
    }

    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }

    pub fn keys(&self, keys: &[&str]) -> Self {
        let mut p = self.clone();
        p.0.extend(keys.iter().map(|k| Seg::Key((*k).to_string())));
        p
    }

    pub fn join(&self, other: &Path) -> Self {
        let mut p = self.clone();
        p.0.extend(other.0.iter().cloned());
        p
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The parent of a trail's first segments.
pub const TRAIL_ROOT: usize = usize::MAX;

/// Paths as parent links, for walks over whole documents: pushing a segment is cheap, and a
/// [`Path`] is built only for the nodes a rule reports.
#[derive(Debug, Default)]
pub struct Trail<'n> {
    links: Vec<(usize, TrailSeg<'n>)>,
}

/// A borrowed [`Seg`].
#[derive(Clone, Copy, Debug)]
pub enum TrailSeg<'n> {
    Key(&'n str),
    Index(usize),
    Entry(usize),
}

impl<'n> Trail<'n> {
    /// Adds a segment below `parent` (a previous result, or [`TRAIL_ROOT`]) and returns its id.
    pub fn push(&mut self, parent: usize, seg: TrailSeg<'n>) -> usize {
        self.links.push((parent, seg));
        self.links.len() - 1
    }

    /// The path from the root to segment `at`.
    pub fn path(&self, mut at: usize) -> Path {
        let mut segs = Vec::new();
        while let Some(&(parent, seg)) = self.links.get(at) {
            segs.push(match seg {
                TrailSeg::Key(k) => Seg::Key(k.to_string()),
                TrailSeg::Index(i) => Seg::Index(i),
                TrailSeg::Entry(i) => Seg::Entry(i),
            });
            at = parent;
        }
        segs.reverse();
        Path(segs)
    }
}

/// Which part of the node at a path a label covers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// The value.
    #[default]
    Value,
    /// The key that holds the value.
    Key,
    /// The key through the end of the value.
    Entry,
}

/// Resolves a path to the span of its node, or of the deepest existing ancestor when the path
/// goes further than the document (a finding about something missing points at where it belongs).
pub fn resolve(root: &Node, path: &Path, part: Part) -> Span {
    let mut node = root;
    let mut key_span: Option<Span> = None;
    for seg in &path.0 {
        let next = match seg {
            Seg::Key(k) => node.entry(k).map(|e| (&e.key, &e.value)),
            Seg::Entry(i) => node
                .as_map()
                .and_then(|m| m.get(*i))
                .map(|e| (&e.key, &e.value)),
            Seg::Index(i) => match &node.kind {
                NodeKind::Seq(items) => items.get(*i).map(|n| (n, n)),
                _ => None,
            },
        };
        match next {
            Some((key, value)) => {
                key_span = matches!(seg, Seg::Key(_) | Seg::Entry(_)).then_some(key.span);
                node = value;
            }
            None => return node.span,
        }
    }
    match (part, key_span) {
        (Part::Key, Some(k)) => k,
        (Part::Entry, Some(k)) => k.to(node.span),
        _ => node.span,
    }
}

/// Whether the path names an existing node (used to drop stale suppressions and for tests).
pub fn exists(root: &Node, path: &Path) -> bool {
    let mut node = root;
    for seg in &path.0 {
        let next = match seg {
            Seg::Key(k) => node.get(k),
            Seg::Entry(i) => node.as_map().and_then(|m| m.get(*i)).map(|e| &e.value),
            Seg::Index(i) => node.as_seq().and_then(|s| s.get(*i)),
        };
        match next {
            Some(n) => node = n,
            None => return false,
        }
    }
    true
}

fn is_plain_ident(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for seg in &self.0 {
            match seg {
                Seg::Key(k) if is_plain_ident(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Seg::Key(k) => write!(f, "[{k:?}]")?,
                Seg::Index(i) => write!(f, "[{i}]")?,
                Seg::Entry(i) => write!(f, "{{entry {i}}}")?,
            }
            first = false;
        }
        if first {
            f.write_str("$")?;
        }
        Ok(())
    }
}

/// Parses jsonpath-rust's normalized result paths (`$['spec']['containers'][0]`).
pub fn from_normalized(s: &str) -> Option<Path> {
    let mut rest = s.strip_prefix('$')?;
    let mut segs = Vec::new();
    while !rest.is_empty() {
        rest = rest.strip_prefix('[')?;
        if let Some(after) = rest.strip_prefix('\'') {
            let mut key = String::new();
            let mut chars = after.char_indices();
            let end = loop {
                let (i, c) = chars.next()?;
                match c {
                    '\\' => {
                        let (_, esc) = chars.next()?;
                        key.push(match esc {
                            'n' => '\n',
                            't' => '\t',
                            'r' => '\r',
                            'b' => '\u{8}',
                            'f' => '\u{c}',
                            other => other,
                        });
                    }
                    '\'' => break i,
                    c => key.push(c),
                }
            };
            rest = after[end + 1..].strip_prefix(']')?;
            segs.push(Seg::Key(key));
        } else {
            let close = rest.find(']')?;
            segs.push(Seg::Index(rest[..close].parse().ok()?));
            rest = &rest[close + 1..];
        }
    }
    Some(Path(segs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_readable() {
        let p = Path::root()
            .keys(&[
                "spec",
                "template",
                "metadata",
                "labels",
                "azure.workload.identity/use",
            ])
            .index(0);
        assert_eq!(
            p.to_string(),
            r#"spec.template.metadata.labels["azure.workload.identity/use"][0]"#
        );
    }

    #[test]
    fn normalized_paths_round_trip() {
        let p = from_normalized(r"$['spec']['containers'][10]['a\'b']").unwrap_or_default();
        assert_eq!(
            p.0,
            vec![
                Seg::Key("spec".into()),
                Seg::Key("containers".into()),
                Seg::Index(10),
                Seg::Key("a'b".into())
            ]
        );
        assert!(from_normalized("spec").is_none());
    }
}

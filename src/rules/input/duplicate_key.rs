//! Which of two duplicate keys a cluster keeps depends on the parser and its version, so the
//! manifest means different things to different tools.

use std::collections::HashMap;

use crate::document::path::{TRAIL_ROOT, Trail, TrailSeg};
use crate::document::{Entry, Node, NodeKind, Part, Path, Seg};
use crate::finding::{Finding, Loc};
use crate::rules::Ctx;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (file, input) in ctx.files.iter().enumerate() {
        // Judged only in wiflint inputs: a `package.json` or Helm `values.yaml` with a duplicate
        // key, found by walking, is its own tool's business.
        if !input.explicit && !ctx.model.recognized.get(file).copied().unwrap_or(false) {
            continue;
        }
        for (doc, root) in input.docs.iter().enumerate() {
            // Explicit stack: documents can nest up to the parser's limits. Paths are built only
            // for the duplicates found.
            let mut trail = Trail::default();
            let mut stack: Vec<(&Node, usize)> = vec![(root, TRAIL_ROOT)];
            while let Some((node, at)) = stack.pop() {
                match &node.kind {
                    NodeKind::Scalar(_) => {}
                    NodeKind::Seq(items) => {
                        for (i, item) in items.iter().enumerate() {
                            stack.push((item, trail.push(at, TrailSeg::Index(i))));
                        }
                    }
                    NodeKind::Map(entries) => {
                        for (i, entry) in entries.iter().enumerate() {
                            stack.push((&entry.value, trail.push(at, TrailSeg::Entry(i))));
                        }
                        for (i, j, key) in duplicates(entries) {
                            let path = trail.path(at);
                            out.push(
                                ctx.finding(
                                    Loc::node(file, doc, entry_path(&path, i), Part::Key),
                                    "duplicate key",
                                    format!("key `{key}` appears more than once in this mapping: which value a tool keeps depends on the parser"),
                                )
                                .related(Loc::node(file, doc, entry_path(&path, j), Part::Key), "first defined here")
                                .help("keep one of the two entries"),
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Every later occurrence of a key with the index of its first: (later, first, key). Merge
/// keys (`<<`) may repeat. Small mappings are compared pairwise, larger ones hashed.
fn duplicates(entries: &[Entry]) -> Vec<(usize, usize, &str)> {
    let mut found = Vec::new();
    if entries.len() <= 16 {
        for (i, entry) in entries.iter().enumerate() {
            let Some(key) = entry.key.text().filter(|k| *k != "<<") else {
                continue;
            };
            if let Some(j) = entries[..i].iter().position(|e| e.key.text() == Some(key)) {
                found.push((i, j, key));
            }
        }
        return found;
    }
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        let Some(key) = entry.key.text().filter(|k| *k != "<<") else {
            continue;
        };
        match first.get(key) {
            None => {
                first.insert(key, i);
            }
            Some(&j) => found.push((i, j, key)),
        }
    }
    found
}

fn entry_path(parent: &Path, i: usize) -> Path {
    let mut p = parent.clone();
    p.0.push(Seg::Entry(i));
    p
}

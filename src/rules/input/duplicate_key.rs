//! Which of two duplicate keys a cluster keeps depends on the parser and its version, so the
//! manifest means different things to different tools.

use std::collections::HashMap;

use crate::document::{Node, NodeKind, Part, Path, Seg};
use crate::finding::{Finding, Loc};
use crate::rules::Ctx;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (file, input) in ctx.files.iter().enumerate() {
        for (doc, root) in input.docs.iter().enumerate() {
            // Explicit stack: documents can nest up to the parser's limits.
            let mut stack: Vec<(&Node, Path)> = vec![(root, Path::root())];
            while let Some((node, path)) = stack.pop() {
                match &node.kind {
                    NodeKind::Scalar(_) => {}
                    NodeKind::Seq(items) => {
                        for (i, item) in items.iter().enumerate() {
                            stack.push((item, path.index(i)));
                        }
                    }
                    NodeKind::Map(entries) => {
                        let mut first: HashMap<&str, usize> = HashMap::new();
                        for (i, entry) in entries.iter().enumerate() {
                            stack.push((&entry.value, entry_path(&path, i)));
                            let Some(key) = entry.key.text() else {
                                continue;
                            };
                            if key == "<<" {
                                continue;
                            }
                            match first.get(key) {
                                None => {
                                    first.insert(key, i);
                                }
                                Some(&j) => out.push(
                                    ctx.finding(
                                        Loc::node(file, doc, entry_path(&path, i), Part::Key),
                                        "duplicate key",
                                        format!("key `{key}` appears more than once in this mapping: which value a tool keeps depends on the parser"),
                                    )
                                    .related(Loc::node(file, doc, entry_path(&path, j), Part::Key), "first defined here")
                                    .help("keep one of the two entries"),
                                ),
                            }
                        }
                    }
                }
            }
        }
    }
}

fn entry_path(parent: &Path, i: usize) -> Path {
    let mut p = parent.clone();
    p.0.push(Seg::Entry(i));
    p
}

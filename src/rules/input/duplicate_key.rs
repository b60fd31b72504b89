//! Which of two duplicate keys a cluster keeps depends on the parser and its version, so the
//! manifest means different things to different tools.

use std::collections::HashMap;

use crate::document::path::{TRAIL_ROOT, Trail, TrailSeg};
use crate::document::{Entry, Node, NodeKind, Part, Path, Seg};
use crate::finding::Loc;
use crate::rules::{Ctx, Findings, grouped};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
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
                        for dup in duplicates(entries) {
                            let path = trail.path(at);
                            let key = dup.key;
                            let (message, help) = if dup.count == 2 {
                                (
                                    format!(
                                        "key `{key}` appears more than once in this mapping: which value a tool keeps depends on the parser"
                                    ),
                                    "keep one of the two entries",
                                )
                            } else {
                                (
                                    format!(
                                        "key `{key}` appears {} times in this mapping: which value a tool keeps depends on the parser",
                                        grouped(dup.count)
                                    ),
                                    "keep one of the entries",
                                )
                            };
                            let mut finding = ctx
                                .finding(
                                    Loc::node(file, doc, entry_path(&path, dup.second), Part::Key),
                                    "duplicate key",
                                    message,
                                )
                                .related(
                                    Loc::node(file, doc, entry_path(&path, dup.first), Part::Key),
                                    "first defined here",
                                );
                            if dup.count > 2 {
                                finding = finding.related(
                                    Loc::node(file, doc, entry_path(&path, dup.last), Part::Key),
                                    format!("last of {} here", grouped(dup.count)),
                                );
                            }
                            out.push(finding.help(help));
                        }
                    }
                }
            }
        }
    }
}

/// A key that a mapping holds more than once: where it is first, second and last, and how often.
/// One finding per key, however often it repeats: a finding per repetition made 100,000 `a: 1`
/// lines a report of gigabytes.
struct Duplicate<'n> {
    key: &'n str,
    first: usize,
    second: usize,
    last: usize,
    count: usize,
}

/// The keys that repeat, in the order of their second occurrence. Merge keys (`<<`) may repeat.
fn duplicates(entries: &[Entry]) -> Vec<Duplicate<'_>> {
    /// A key's first index, or its place in `found` once it repeats.
    enum Seen {
        Once(usize),
        Repeated(usize),
    }
    let mut seen: HashMap<&str, Seen> = HashMap::new();
    let mut found: Vec<Duplicate<'_>> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let Some(key) = entry.key.text().filter(|k| *k != "<<") else {
            continue;
        };
        match seen.get(key) {
            None => {
                seen.insert(key, Seen::Once(i));
            }
            Some(&Seen::Once(first)) => {
                seen.insert(key, Seen::Repeated(found.len()));
                found.push(Duplicate {
                    key,
                    first,
                    second: i,
                    last: i,
                    count: 2,
                });
            }
            Some(&Seen::Repeated(d)) => {
                let dup = &mut found[d];
                dup.last = i;
                dup.count += 1;
            }
        }
    }
    found
}

fn entry_path(parent: &Path, i: usize) -> Path {
    let mut p = parent.clone();
    p.0.push(Seg::Entry(i));
    p
}

//! What of a file is kept once it has been checked on its own: the facts that rules joining
//! files read ([`Reach::Scan`](crate::rules::Reach::Scan)), in the same span trees so that those
//! rules and the model need no second form of the data. A scan's memory is then its largest file
//! plus these facts rather than every file whole.
//!
//! Kept: Azure and Vault documents and GitHub workflows whole (a credential, an identity or a mount is a handful of
//! scalars); of a Kubernetes object its `apiVersion`, `kind`, name, namespace and Workload
//! Identity labels and annotations, and of a pod template the same metadata, the ServiceAccount
//! it names and each container's `name`, `image` and the `AZURE_*` variables of its `env`.
//! Dropped: documents that are no known input, and the rest of every object (probes, resources,
//! volumes, ports, …). Items of sequences on the way are kept or replaced by a null, never
//! removed, so the paths of what is kept do not change.
//!
//! Nothing checks here that a joining rule reads only what is kept: the tests of
//! `tests/it/stream.rs` run each such rule over whole files and over what is kept, on every
//! fixture, example, real-world export and a generated corpus, and require the same findings.

use super::Model;
use super::k8s::{Object, pod_template_path};
use crate::document::{Entry, Node, NodeKind, Seg};
use crate::input::InputFile;

/// The documents of a file checked on its own (`model` is its model), cut to what is kept.
pub fn retain(file: &InputFile, model: &Model<'_>) -> Vec<Node> {
    // Per document: its objects (in model order), or whether it is no known input.
    let mut objects: Vec<Vec<&Object<'_>>> = vec![Vec::new(); file.docs.len()];
    for o in &model.objects {
        objects[o.doc].push(o);
    }
    let mut unrecognized = vec![false; file.docs.len()];
    for &(_, doc) in &model.unrecognized {
        unrecognized[doc] = true;
    }
    file.docs
        .iter()
        .enumerate()
        .map(|(doc, root)| {
            if !objects[doc].is_empty() {
                let mut kept = kubernetes(root, &objects[doc]);
                shrink(&mut kept);
                kept
            } else if unrecognized[doc] {
                Node::default()
            } else {
                // Azure and Vault inputs (and null documents, which stay null).
                root.clone()
            }
        })
        .collect()
}

/// Gives back the spare capacity of the vectors built here: kept for the whole scan, it would
/// be a third of their size.
fn shrink(node: &mut Node) {
    match &mut node.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Seq(items) => {
            items.shrink_to_fit();
            items.iter_mut().for_each(shrink);
        }
        NodeKind::Map(entries) => {
            entries.shrink_to_fit();
            entries.iter_mut().for_each(|e| shrink(&mut e.value));
        }
    }
}

/// A document holding Kubernetes objects (one, or a `List` of them).
fn kubernetes(root: &Node, objects: &[&Object<'_>]) -> Node {
    let mut kept = Node {
        span: root.span,
        kind: NodeKind::Scalar(Default::default()),
    };
    for o in objects {
        let object = object(o.node, o.kind);
        graft(&mut kept, root, &o.base.0, object);
    }
    kept
}

/// Puts `node` at `path` (relative to `into`, which mirrors `from`), creating the maps and
/// sequences on the way as copies of `from`'s, with nulls for the items not kept.
fn graft(into: &mut Node, from: &Node, path: &[Seg], node: Node) {
    let Some((seg, rest)) = path.split_first() else {
        *into = node;
        return;
    };
    match (seg, &from.kind) {
        (Seg::Key(key), NodeKind::Map(_)) => {
            // The entry `Node::get` reads: the last of duplicates, or one merged in by `<<`.
            let Some(src) = from.entry(key) else {
                return;
            };
            if !matches!(into.kind, NodeKind::Map(_)) {
                // A `List` on the way stays one.
                into.kind = only(from, &["apiVersion", "kind"]).kind;
            }
            let NodeKind::Map(kept) = &mut into.kind else {
                return;
            };
            let i = match kept.iter().rposition(|e| e.key.text() == Some(key)) {
                Some(i) => i,
                None => {
                    kept.push(Entry {
                        key: src.key.clone(),
                        value: Node {
                            span: src.value.span,
                            ..Node::default()
                        },
                    });
                    kept.len() - 1
                }
            };
            graft(&mut kept[i].value, &src.value, rest, node);
        }
        (Seg::Index(i), NodeKind::Seq(items)) => {
            let Some(src) = items.get(*i) else { return };
            if !matches!(into.kind, NodeKind::Seq(_)) {
                into.kind = NodeKind::Seq(
                    items
                        .iter()
                        .map(|item| Node {
                            span: item.span,
                            ..Node::default()
                        })
                        .collect(),
                );
            }
            if let NodeKind::Seq(kept) = &mut into.kind {
                graft(&mut kept[*i], src, rest, node);
            }
        }
        _ => {}
    }
}

/// What is kept of one Kubernetes object.
fn object(node: &Node, kind: &str) -> Node {
    let mut kept = only(node, &["apiVersion", "kind"]);
    match pod_template_path(kind) {
        // A Pod is its own template.
        Some([]) => merge(&mut kept, pod_template(node)),
        Some(path) => {
            with_metadata(&mut kept, node);
            if let Some(template) = node.get_path(path) {
                let segs: Vec<Seg> = path.iter().map(|k| Seg::Key((*k).into())).collect();
                graft(&mut kept, node, &segs, pod_template(template));
            }
        }
        None => with_metadata(&mut kept, node),
    }
    kept
}

/// Adds `metadata` with its `name`, `namespace`, and the Workload Identity entries of its
/// `labels` and `annotations` (the maps themselves stay, empty or not).
fn with_metadata(into: &mut Node, from: &Node) {
    let Some(metadata) = from.get("metadata") else {
        return;
    };
    let mut kept = only(metadata, &["name", "namespace"]);
    for which in ["labels", "annotations"] {
        if let Some(map) = metadata.get(which) {
            let wi = match &map.kind {
                NodeKind::Map(entries) => Node {
                    span: map.span,
                    kind: NodeKind::Map(
                        entries
                            .iter()
                            .filter(|e| {
                                e.key.text().is_some_and(|k| {
                                    k == "<<" || k.starts_with("azure.workload.identity")
                                })
                            })
                            .cloned()
                            .collect(),
                    ),
                },
                _ => map.clone(),
            };
            push(&mut kept, metadata, which, wi);
        }
    }
    push(into, from, "metadata", kept);
}

fn pod_template(template: &Node) -> Node {
    let mut kept = Node {
        span: template.span,
        kind: NodeKind::Map(Vec::new()),
    };
    with_metadata(&mut kept, template);
    if let Some(spec) = template.get("spec") {
        let mut spec_kept = only(spec, &["serviceAccountName", "serviceAccount"]);
        for list in ["initContainers", "containers"] {
            let Some(containers) = spec.get(list) else {
                continue;
            };
            push(&mut spec_kept, spec, list, each(containers, container));
        }
        push(&mut kept, template, "spec", spec_kept);
    }
    kept
}

/// The sequence `node` with `f` applied to each item; a node that is no sequence is kept as it
/// is.
fn each(node: &Node, f: impl Fn(&Node) -> Node) -> Node {
    match &node.kind {
        NodeKind::Seq(items) => Node {
            span: node.span,
            kind: NodeKind::Seq(items.iter().map(f).collect()),
        },
        _ => node.clone(),
    }
}

/// A container's `name`, `image`, and of `env` the variables the webhook sets (`AZURE_*`).
fn container(node: &Node) -> Node {
    let mut kept = only(node, &["name", "image"]);
    if let Some(env) = node.get("env") {
        let azure = |e: &Node| match e.get("name").and_then(Node::text) {
            Some(name) if name.starts_with("AZURE_") => e.clone(),
            _ => Node {
                span: e.span,
                ..Node::default()
            },
        };
        push(&mut kept, node, "env", each(env, azure));
    }
    kept
}

/// The map `node` with only the entries under `keys` and merge keys (`<<`, whose maps are
/// kept whole), duplicates included, in source order; a node that is no map is kept as it is.
fn only(node: &Node, keys: &[&str]) -> Node {
    match &node.kind {
        NodeKind::Map(entries) => Node {
            span: node.span,
            kind: NodeKind::Map(
                entries
                    .iter()
                    .filter(|e| e.key.text().is_some_and(|k| k == "<<" || keys.contains(&k)))
                    .cloned()
                    .collect(),
            ),
        },
        _ => node.clone(),
    }
}

/// Adds `value` under `key` of the map `into`, with the key node of the entry `from.get(key)`
/// reads.
fn push(into: &mut Node, from: &Node, key: &str, value: Node) {
    let (NodeKind::Map(kept), Some(src)) = (&mut into.kind, from.entry(key)) else {
        return;
    };
    kept.push(Entry {
        key: src.key.clone(),
        value,
    });
}

/// Adds the entries of the map `from` to the map `into`.
fn merge(into: &mut Node, from: Node) {
    if let (NodeKind::Map(kept), NodeKind::Map(entries)) = (&mut into.kind, from.kind) {
        kept.extend(entries);
    }
}

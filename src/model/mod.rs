//! What the parsed documents are: Kubernetes objects, their pod templates and ServiceAccounts,
//! and the documents that matched no known input shape.

pub mod k8s;

use crate::document::{Node, Path};
use crate::input::InputFile;
use k8s::{Object, PodTemplate, pod_template_path};

/// Index of a file in the scan (the order of `Scan::files`).
pub type FileId = usize;

#[derive(Debug, Default)]
pub struct Model<'a> {
    pub objects: Vec<Object<'a>>,
    pub templates: Vec<PodTemplate<'a>>,
    /// Object indices of ServiceAccounts.
    pub service_accounts: Vec<usize>,
    /// Documents that are no known input: (file, document index).
    pub unrecognized: Vec<(FileId, usize)>,
}

impl<'a> Model<'a> {
    pub fn build(files: &'a [InputFile]) -> Self {
        let mut model = Model::default();
        for (file, input) in files.iter().enumerate() {
            for (doc, root) in input.docs.iter().enumerate() {
                if root.is_null() {
                    continue;
                }
                if !model.add_object(file, doc, Path::root(), root) {
                    model.unrecognized.push((file, doc));
                }
            }
        }
        model
    }

    /// Every place that holds `metadata`: each object itself, and each pod template inside a
    /// workload (a Pod is its own template, so it appears once): (object index, path, node).
    pub fn metadata_owners(&self) -> impl Iterator<Item = (usize, Path, &'a Node)> + '_ {
        let own = self
            .objects
            .iter()
            .enumerate()
            .map(|(i, o)| (i, Path::root(), o.node));
        let templates = self
            .templates
            .iter()
            .filter(|t| !t.rel.is_empty())
            .map(|t| (t.object, t.rel.clone(), t.node));
        own.chain(templates)
    }

    /// Adds a Kubernetes object (splitting `kind: List` and `*List` into items); false when the
    /// node is not one.
    fn add_object(&mut self, file: FileId, doc: usize, base: Path, node: &'a Node) -> bool {
        let (Some(kind), Some(api_version)) = (node.get_str("kind"), node.get_str("apiVersion"))
        else {
            return false;
        };
        if kind.ends_with("List")
            && let Some(items) = node.get("items").and_then(Node::as_seq)
        {
            for (i, item) in items.iter().enumerate() {
                self.add_object(file, doc, base.key("items").index(i), item);
            }
            return true;
        }
        let index = self.objects.len();
        if let Some(rel) = pod_template_path(kind)
            && let Some(template) = node.get_path(rel)
            && template.as_map().is_some()
        {
            self.templates.push(PodTemplate {
                object: index,
                rel: Path::root().keys(rel),
                node: template,
            });
        }
        if kind == "ServiceAccount" {
            self.service_accounts.push(index);
        }
        self.objects.push(Object {
            file,
            doc,
            base,
            node,
            kind,
            api_version,
        });
        true
    }
}

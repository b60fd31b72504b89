//! Typed views of Kubernetes objects. They borrow the span tree and know their own path, so a
//! rule can go from "the pod template's labels" to an exact location without computing offsets.

use crate::document::{Entry, Node, Part, Path};
use crate::finding::Loc;

use super::FileId;

pub const WI_USE: &str = "azure.workload.identity/use";
pub const WI_CLIENT_ID: &str = "azure.workload.identity/client-id";
pub const WI_TENANT_ID: &str = "azure.workload.identity/tenant-id";
pub const WI_TOKEN_EXPIRATION: &str = "azure.workload.identity/service-account-token-expiration";
pub const WI_INJECT_PROXY: &str = "azure.workload.identity/inject-proxy-sidecar";
pub const WI_PROXY_PORT: &str = "azure.workload.identity/proxy-sidecar-port";
pub const WI_SKIP_CONTAINERS: &str = "azure.workload.identity/skip-containers";

/// One Kubernetes object: a document, or an item of a `kind: List`.
#[derive(Debug)]
pub struct Object<'a> {
    pub file: FileId,
    pub doc: usize,
    /// Where the object sits in its document (`items[3]` inside a List, else the root).
    pub base: Path,
    pub node: &'a Node,
    pub kind: &'a str,
    pub api_version: &'a str,
}

impl<'a> Object<'a> {
    pub fn name(&self) -> Option<&'a str> {
        self.node.get_path(&["metadata", "name"])?.as_str()
    }

    /// `metadata.namespace`, when the object names one (else the scan decides: see
    /// [`crate::index::Index::ns`]).
    pub fn namespace(&self) -> Option<&'a str> {
        self.node
            .get_path(&["metadata", "namespace"])
            .and_then(Node::as_str)
            .filter(|s| !s.is_empty())
    }

    pub fn loc(&self, rel: &Path, part: Part) -> Loc {
        Loc::node(self.file, self.doc, self.base.join(rel), part)
    }

    /// `Deployment api` — how messages name an object.
    pub fn describe(&self) -> String {
        match self.name() {
            Some(name) => format!("{} `{name}`", self.kind),
            None => self.kind.to_string(),
        }
    }

    pub fn metadata_map(&self, which: &str) -> Option<&'a Node> {
        self.node.get_path(&["metadata", which])
    }
}

/// Where each workload kind keeps its pod template, relative to the object.
pub fn pod_template_path(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Pod" => &[],
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => &["spec", "template"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template"],
        "PodTemplate" => &["template"],
        _ => return None,
    })
}

/// A pod template (for a Pod, the Pod itself).
#[derive(Debug)]
pub struct PodTemplate<'a> {
    /// Index of the owning object in the scan.
    pub object: usize,
    pub rel: Path,
    pub node: &'a Node,
}

/// The ServiceAccount a pod template runs as, and where that was said.
#[derive(Debug)]
pub struct SaRef<'a> {
    pub name: &'a str,
    /// The `serviceAccountName` (or deprecated `serviceAccount`) key's path; `None` when implicit.
    pub path: Option<Path>,
}

impl<'a> PodTemplate<'a> {
    pub fn path(&self, keys: &[&str]) -> Path {
        self.rel.keys(keys)
    }

    pub fn labels(&self) -> Option<&'a Node> {
        self.node.get_path(&["metadata", "labels"])
    }

    pub fn annotations(&self) -> Option<&'a Node> {
        self.node.get_path(&["metadata", "annotations"])
    }

    pub fn label(&self, key: &str) -> Option<&'a Entry> {
        self.labels()?.entry(key)
    }

    pub fn annotation(&self, key: &str) -> Option<&'a Entry> {
        self.annotations()?.entry(key)
    }

    /// Carries the Workload Identity label, whatever its value.
    pub fn is_wi(&self) -> bool {
        self.label(WI_USE).is_some()
    }

    pub fn spec(&self) -> Option<&'a Node> {
        self.node.get("spec")
    }

    /// A kustomize strategic-merge patch lists only what it changes: no containers. Such a
    /// fragment cannot be judged on what it leaves out.
    pub fn is_patch(&self) -> bool {
        self.spec().and_then(|s| s.get("containers")).is_none()
    }

    /// Whether `serviceAccountName` is set to a value the files do not decide (a front-end's
    /// unknown): which ServiceAccount the pods run as is then not known at all.
    pub fn service_account_undecided(&self) -> bool {
        ["serviceAccountName", "serviceAccount"].iter().any(|k| {
            self.spec()
                .and_then(|s| s.get(k))
                .is_some_and(Node::is_unknown)
        })
    }

    pub fn service_account(&self) -> SaRef<'a> {
        for key in ["serviceAccountName", "serviceAccount"] {
            if let Some(name) = self
                .spec()
                .and_then(|s| s.get(key))
                .and_then(Node::as_str)
                .filter(|s| !s.is_empty())
            {
                return SaRef {
                    name,
                    path: Some(self.path(&["spec", key])),
                };
            }
        }
        SaRef {
            name: "default",
            path: None,
        }
    }

    /// Containers and init containers with their paths.
    pub fn containers(&self) -> Vec<(Path, &'a Node)> {
        let mut out = Vec::new();
        for list in ["initContainers", "containers"] {
            if let Some(items) = self.spec().and_then(|s| s.get(list)).and_then(Node::as_seq) {
                for (i, c) in items.iter().enumerate() {
                    out.push((self.path(&["spec", list]).index(i), c));
                }
            }
        }
        out
    }

    /// Every `env` entry of every container: (path of the entry, container name, entry). The
    /// path is built only when asked for (most entries are looked at, few are reported).
    pub fn env(&self) -> Vec<(EnvPath<'_>, &'a str, &'a Node)> {
        let mut out = Vec::new();
        for list in ["initContainers", "containers"] {
            let containers = self.spec().and_then(|s| s.get(list)).and_then(Node::as_seq);
            for (c, container) in containers.unwrap_or_default().iter().enumerate() {
                let cname = container.get_str("name").unwrap_or("");
                if let Some(env) = container.get("env").and_then(Node::as_seq) {
                    for (i, e) in env.iter().enumerate() {
                        let path = EnvPath {
                            rel: &self.rel,
                            list,
                            container: c,
                            index: i,
                        };
                        out.push((path, cname, e));
                    }
                }
            }
        }
        out
    }
}

/// Where an `env` entry is: `<template>.spec.<list>[container].env[index]`.
#[derive(Clone, Copy, Debug)]
pub struct EnvPath<'t> {
    rel: &'t Path,
    list: &'static str,
    container: usize,
    index: usize,
}

impl EnvPath<'_> {
    pub fn path(&self) -> Path {
        self.rel
            .keys(&["spec", self.list])
            .index(self.container)
            .key("env")
            .index(self.index)
    }

    /// The path of a key of the entry (`name`, `value`).
    pub fn key(&self, key: &str) -> Path {
        self.path().key(key)
    }
}

/// Text of a label or annotation value as the webhook would read it (a YAML null reads as "").
pub fn value_text(node: &Node) -> &str {
    if node.is_null() {
        ""
    } else {
        node.text().unwrap_or("")
    }
}

pub fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_shape() {
        assert!(is_guid("3a870abd-5d5c-4f52-9f3c-2b0d1c1e7a11"));
        assert!(!is_guid("3a870abd-5d5c-4f52-9f3c-2b0d1c1e7a1"));
        assert!(!is_guid("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"));
    }
}

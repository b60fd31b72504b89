//! What the `kustomization.yaml` files of a scan say about the other files, until overlays are
//! rendered: the namespace Kustomize gives the objects of a file (its `namespace:`), and which
//! files are parts rather than complete objects (patches, and the resources of a base that an
//! overlay patches). A part cannot be judged on what it leaves out: the overlay may add it.
//!
//! Paths are compared after lexical normalization (`overlays/prod/../../base/sa.yaml` is
//! `base/sa.yaml`), in the form the scan shows them.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::input::discover::{Candidate, Origin};

/// File names Kustomize reads in a directory.
const NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Kustomization files larger than this are not read for the layout (they are tiny in practice).
const MAX_SIZE: u64 = 1 << 20;

/// Where the scan's kustomizations place its files.
#[derive(Debug, Default)]
pub struct Layout {
    files: HashMap<PathBuf, Placement>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Placement {
    /// The namespace Kustomize sets; `None` when none does, or overlays disagree.
    namespace: Option<String>,
    /// Several kustomizations set different namespaces: none can be assumed.
    conflict: bool,
    part: bool,
}

/// One kustomization: its directory and what it names.
#[derive(Debug, Default)]
pub(crate) struct Kustomization {
    namespace: Option<String>,
    /// Resources that are files, normalized.
    pub(crate) files: Vec<PathBuf>,
    /// Resources (and legacy `bases`, and `components`) that are directories, normalized.
    pub(crate) dirs: Vec<PathBuf>,
    pub(crate) patches: Vec<PathBuf>,
    /// The first entry Kustomize would fetch over the network (a remote base, `helmCharts`).
    pub(crate) remote: Option<String>,
}

/// Whether the file is one Kustomize reads in its directory.
pub(crate) fn is_kustomization(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| NAMES.contains(&n))
}

impl Layout {
    /// Reads the kustomization files among the candidates.
    pub fn of(candidates: &[Candidate]) -> Self {
        let mut found: HashMap<PathBuf, Kustomization> = HashMap::new();
        for c in candidates {
            let Origin::File(path) = &c.origin else {
                continue;
            };
            if !is_kustomization(path) {
                continue;
            }
            let dir = normalize(Path::new(&c.display).parent().unwrap_or(Path::new("")));
            if let Some(k) = read(path, &dir) {
                found.insert(dir, k);
            }
        }
        let mut layout = Layout::default();
        for k in found.values() {
            for file in &k.files {
                layout.place(file, k.namespace.as_deref(), false);
            }
            for file in &k.patches {
                layout.place(file, k.namespace.as_deref(), true);
            }
            // A base's resources: parts when this overlay patches them; in this overlay's
            // namespace when the base sets none.
            for dir in &k.dirs {
                let Some(base) = found.get(dir) else { continue };
                let ns = base.namespace.as_deref().or(k.namespace.as_deref());
                for file in &base.files {
                    layout.place(file, ns, !k.patches.is_empty());
                }
            }
        }
        layout
    }

    fn place(&mut self, file: &Path, namespace: Option<&str>, part: bool) {
        let p = self.files.entry(file.to_path_buf()).or_default();
        p.part |= part;
        if let Some(ns) = namespace {
            match &p.namespace {
                None if !p.conflict => p.namespace = Some(ns.to_string()),
                Some(known) if known != ns => {
                    p.namespace = None;
                    p.conflict = true;
                }
                _ => {}
            }
        }
    }

    /// The namespace a kustomization gives the objects of this file that name none.
    pub fn namespace(&self, path: &str) -> Option<&str> {
        self.get(path)?.namespace.as_deref()
    }

    /// Whether the file is a patch, or a resource of a base an overlay patches.
    pub fn is_part(&self, path: &str) -> bool {
        self.get(path).is_some_and(|p| p.part)
    }

    fn get(&self, path: &str) -> Option<&Placement> {
        if self.files.is_empty() {
            return None;
        }
        self.files.get(&normalize(Path::new(path)))
    }
}

/// A kustomization file, or `None` when it cannot be read (it is reported when scanned).
pub(crate) fn read(path: &Path, dir: &Path) -> Option<Kustomization> {
    if std::fs::metadata(path).ok()?.len() > MAX_SIZE {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let docs = crate::document::yaml::parse(&text).ok()?;
    let root = docs.first()?;
    let strings = |key: &str| -> Vec<&str> {
        root.get(key)
            .and_then(|n| n.as_seq())
            .unwrap_or_default()
            .iter()
            .filter_map(|item| item.as_str().or_else(|| item.get_str("path")))
            .collect()
    };
    let mut k = Kustomization {
        namespace: root
            .get_str("namespace")
            .filter(|n| !n.is_empty())
            .map(str::to_string),
        ..Kustomization::default()
    };
    if root.get("helmCharts").is_some() {
        k.remote = Some("helmCharts".into());
    }
    let listed = strings("resources")
        .into_iter()
        .chain(strings("bases"))
        .chain(strings("components"));
    for entry in listed {
        // Remote bases (`github.com/…`, URLs) are not in the scan.
        if entry.contains("://")
            || entry.starts_with("github.com/")
            || entry.starts_with("git@")
            || entry.contains("?ref=")
        {
            k.remote.get_or_insert_with(|| entry.to_string());
            continue;
        }
        let target = normalize(&dir.join(entry));
        if crate::input::discover::has_input_extension(&target) {
            k.files.push(target);
        } else {
            k.dirs.push(target);
        }
    }
    for key in ["patches", "patchesStrategicMerge", "patchesJson6902"] {
        for entry in strings(key) {
            k.patches.push(normalize(&dir.join(entry)));
        }
    }
    Some(k)
}

/// `a/./b/../c` → `a/c`, without touching the file system (the paths may be relative to the
/// working directory).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    out.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        assert_eq!(
            normalize(Path::new("overlays/prod/../../base/./sa.yaml")),
            PathBuf::from("base/sa.yaml")
        );
        assert_eq!(
            normalize(Path::new("../shared/x/../y.yaml")),
            PathBuf::from("../shared/y.yaml")
        );
    }
}

//! Cross-file joins, built once before any rule runs: which ServiceAccounts exist in which
//! namespace and which pod templates run as each of them; which credentials each identity owns
//! and which ServiceAccount each names; which identity has which client id; which Vault mount has
//! which accessor. Lookups by `(namespace, name)` borrow their keys: nothing is allocated to ask.
//!
//! Joins that only some rules need (the credential ↔ ServiceAccount join of `rules::join`) are
//! built lazily, once per scan, by the first rule that asks, and shared by the others.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::input::InputFile;
use crate::model::Model;
use crate::model::azure::{Credential, Owner};
use crate::rules::Options;

/// `namespace → name → V`: a two-level map so that lookups take `&str` keys.
#[derive(Debug)]
pub struct NsMap<V>(HashMap<String, HashMap<String, V>>);

impl<V> Default for NsMap<V> {
    fn default() -> Self {
        NsMap(HashMap::new())
    }
}

impl<V: Default> NsMap<V> {
    pub fn get(&self, ns: &str, name: &str) -> Option<&V> {
        self.0.get(ns)?.get(name)
    }

    /// The names recorded under a namespace, in no particular order.
    pub fn names<'s>(&'s self, ns: &str) -> impl Iterator<Item = &'s str> + 's {
        self.0
            .get(ns)
            .into_iter()
            .flat_map(|m| m.keys().map(String::as_str))
    }

    pub fn entry(&mut self, ns: &str, name: &str) -> &mut V {
        // Look up first so that the common case (the key exists) allocates nothing.
        if !self.0.contains_key(ns) {
            self.0.insert(ns.to_string(), HashMap::new());
        }
        let names = self.0.get_mut(ns).unwrap_or_else(|| unreachable!());
        if !names.contains_key(name) {
            names.insert(name.to_string(), V::default());
        }
        names.get_mut(name).unwrap_or_else(|| unreachable!())
    }
}

/// `(namespace key, name) → indices`, where the namespace may be unknown ([`UNKNOWN_NS`]): an
/// object that names none, with no Kustomize `namespace:` or configured default, goes wherever
/// it is applied. Such an object matches its name in every namespace, and a lookup in an
/// unknown namespace matches the name in every namespace — of the same repository, when the
/// scan spans several (see [`repositories`]).
#[derive(Debug, Default)]
pub struct NsIndex {
    exact: NsMap<Vec<usize>>,
    /// Repository → name → indices in any namespace (an [`NsMap`] keyed by repository).
    by_name: NsMap<Vec<usize>>,
}

impl NsIndex {
    pub fn insert(&mut self, ns: &str, name: &str, i: usize) {
        self.exact.entry(ns, name).push(i);
        self.by_name.entry(repo_of(ns), name).push(i);
    }

    /// Adds to every known namespace's lists the entries of unknown namespace (of the same
    /// repository) with the same name, so that lookups return slices.
    fn finish(&mut self) {
        let unknown: Vec<String> = self
            .exact
            .0
            .keys()
            .filter(|k| display_ns(k) == UNKNOWN_NS)
            .cloned()
            .collect();
        for key in unknown {
            let Some(names) = self.exact.0.remove(&key) else {
                continue;
            };
            for (ns, lists) in self.exact.0.iter_mut() {
                if repo_of(ns) != repo_of(&key) {
                    continue;
                }
                for (name, list) in lists.iter_mut() {
                    if let Some(extra) = names.get(name) {
                        list.extend_from_slice(extra);
                        list.sort_unstable();
                        list.dedup();
                    }
                }
            }
            self.exact.0.insert(key, names);
        }
    }

    pub fn get(&self, ns: &str, name: &str) -> &[usize] {
        let list = if display_ns(ns) == UNKNOWN_NS {
            self.by_name.get(repo_of(ns), name)
        } else {
            self.exact
                .get(ns, name)
                .or_else(|| self.exact.get(&unknown_key(ns), name))
        };
        list.map_or(&[], Vec::as_slice)
    }

    /// The names recorded in a namespace (and in unknown ones), in no particular order.
    pub fn names<'s>(&'s self, ns: &str) -> impl Iterator<Item = &'s str> + 's {
        let unknown = (display_ns(ns) != UNKNOWN_NS).then(|| unknown_key(ns));
        self.exact.names(ns).chain(
            unknown
                .into_iter()
                .flat_map(move |u| self.exact.names(&u).collect::<Vec<_>>()),
        )
    }
}

/// The repository part of a namespace key (empty for a scan of one repository).
fn repo_of(key: &str) -> &str {
    key.rsplit_once(REPO_SEP).map_or("", |(repo, _)| repo)
}

/// The key of the unknown namespace of the repository of `key`.
fn unknown_key(key: &str) -> Cow<'static, str> {
    match key.rsplit_once(REPO_SEP) {
        Some((repo, _)) => Cow::Owned(format!("{repo}{REPO_SEP}{UNKNOWN_NS}")),
        None => Cow::Borrowed(UNKNOWN_NS),
    }
}

/// The namespace of an object that names none and that nothing in the scan places: unknown.
pub const UNKNOWN_NS: &str = "";

/// Separates a repository from a namespace in the keys of a scan of several repositories.
const REPO_SEP: char = '\u{1f}';

/// The namespace of a key, as users write it.
pub fn display_ns(key: &str) -> &str {
    key.rsplit_once(REPO_SEP).map_or(key, |(_, ns)| ns)
}

/// How messages name a namespace (given as a key).
pub fn describe_ns(ns: &str) -> String {
    let ns = display_ns(ns);
    if ns == UNKNOWN_NS {
        "namespace unknown: the manifest names none".to_string()
    } else {
        format!("namespace `{ns}`")
    }
}

#[derive(Debug, Default)]
pub struct Index {
    /// Per object: its namespace key, [`UNKNOWN_NS`] when nothing in the scan says it.
    namespaces: Vec<Option<Box<str>>>,
    /// Per file: the git repository it belongs to, when the scan spans several (else `None`
    /// for all): objects of different repositories never join, whatever their namespaces.
    repos: Vec<Option<Box<str>>>,
    /// (namespace, name) → object indices of ServiceAccounts (overlays can declare one twice).
    pub service_accounts: NsIndex,
    /// Namespaces in which at least one ServiceAccount was scanned.
    pub sa_namespaces: HashSet<String>,
    /// (namespace, ServiceAccount) → pod template indices that run as it.
    pub templates_by_sa: NsIndex,
    /// Namespaces with a WI-labelled strategic-merge patch that names no ServiceAccount: such a
    /// patch may be meant for any ServiceAccount there.
    pub patched_wi_namespaces: HashSet<String>,
    /// Owner → credential indices, in scan order.
    pub credentials_by_owner: HashMap<Owner, Vec<usize>>,
    /// (namespace, ServiceAccount) of an exact Kubernetes subject → credential indices.
    pub credentials_by_subject: NsIndex,
    /// Lower-cased client id (`clientId` / `appId`) → identity indices.
    pub identities_by_client_id: HashMap<String, Vec<usize>>,
    /// Accessor → (Vault scope, mount index).
    pub mounts_by_accessor: HashMap<String, Vec<(usize, usize)>>,
    /// The credential ↔ ServiceAccount join, built by the first rule that needs it.
    pub(crate) join: OnceLock<crate::rules::join::Join>,
}

impl Index {
    pub fn build(model: &Model<'_>, files: &[InputFile], options: &Options) -> Self {
        let mut index = Index {
            repos: repositories(files),
            ..Index::default()
        };
        index.namespaces = model
            .objects
            .iter()
            .map(|o| {
                let path = files.get(o.file).map_or("", |f| f.source.path.as_str());
                let ns = o.namespace().or_else(|| options.namespace_of_file(path));
                match (ns, index.repo(o.file)) {
                    (Some(ns), None) => Some(ns.into()),
                    (ns, Some(repo)) => {
                        Some(format!("{repo}{REPO_SEP}{}", ns.unwrap_or(UNKNOWN_NS)).into())
                    }
                    (None, None) => None,
                }
            })
            .collect();
        for &i in &model.service_accounts {
            let sa = &model.objects[i];
            let Some(name) = sa.name() else { continue };
            let ns = index.ns(i).to_string();
            index.service_accounts.insert(&ns, name, i);
            index.sa_namespaces.insert(ns);
        }
        for (t, template) in model.templates.iter().enumerate() {
            let ns = index.ns(template.object).to_string();
            let sa = template.service_account();
            if template.service_account_undecided() {
                continue;
            }
            if template.is_patch() && sa.path.is_none() {
                if template.is_wi() {
                    index.patched_wi_namespaces.insert(ns);
                }
                continue;
            }
            index.templates_by_sa.insert(&ns, sa.name, t);
        }
        for (c, cred) in model.credentials.iter().enumerate() {
            index
                .credentials_by_owner
                .entry(cred.owner.clone())
                .or_default()
                .push(c);
            if let Some((ns, sa)) = index.subject(cred) {
                let ns = ns.into_owned();
                index.credentials_by_subject.insert(&ns, sa, c);
            }
        }
        for (i, identity) in model.identities.iter().enumerate() {
            if let Some(id) = identity.client_id_str() {
                index
                    .identities_by_client_id
                    .entry(id.to_ascii_lowercase())
                    .or_default()
                    .push(i);
            }
        }
        for (s, scope) in model.vaults.iter().enumerate() {
            for (m, mount) in scope.mounts.iter().enumerate() {
                if let Some((_, accessor)) = mount.accessor() {
                    index
                        .mounts_by_accessor
                        .entry(accessor.to_string())
                        .or_default()
                        .push((s, m));
                }
            }
        }
        index.service_accounts.finish();
        index.templates_by_sa.finish();
        index.credentials_by_subject.finish();
        index
    }

    /// The namespace of an object: its own, the one the scan places it in (a Kustomize
    /// `namespace:`, the configured default), or [`UNKNOWN_NS`].
    pub fn ns(&self, object: usize) -> &str {
        self.namespaces
            .get(object)
            .and_then(Option::as_deref)
            .unwrap_or(UNKNOWN_NS)
    }

    fn repo(&self, file: usize) -> Option<&str> {
        self.repos.get(file).and_then(Option::as_deref)
    }

    /// The key of a namespace written in a file (a credential's subject).
    pub fn key<'s>(&self, file: usize, ns: &'s str) -> Cow<'s, str> {
        match self.repo(file) {
            Some(repo) => Cow::Owned(format!("{repo}{REPO_SEP}{ns}")),
            None => Cow::Borrowed(ns),
        }
    }

    /// A credential's Kubernetes subject: (namespace key, ServiceAccount name).
    pub fn subject<'c>(&self, cred: &Credential<'c>) -> Option<(Cow<'c, str>, &'c str)> {
        let (ns, sa) = cred.k8s_subject()?;
        Some((self.key(cred.at.file, ns), sa))
    }

    pub fn credentials_naming(&self, ns: &str, name: &str) -> &[usize] {
        self.credentials_by_subject.get(ns, name)
    }

    pub fn service_accounts(&self, ns: &str, name: &str) -> &[usize] {
        self.service_accounts.get(ns, name)
    }

    pub fn templates_using(&self, ns: &str, name: &str) -> &[usize] {
        self.templates_by_sa.get(ns, name)
    }
}

/// Per file, the git repository (the nearest directory above with a `.git`) when the files
/// span more than one; else `None` for every file, so a scan of one repository, or of files in
/// none, joins everything as before. Files in no repository then form a group of their own.
fn repositories(files: &[InputFile]) -> Vec<Option<Box<str>>> {
    if files.len() < 2 {
        return vec![None; files.len()];
    }
    let mut by_dir: HashMap<&str, Option<Box<str>>> = HashMap::new();
    let repos: Vec<Option<Box<str>>> = files
        .iter()
        .map(|f| {
            let path = f.source.path.as_str();
            let dir = path.rsplit_once(['/', '\\']).map_or("", |(d, _)| d);
            by_dir.entry(dir).or_insert_with(|| git_root(dir)).clone()
        })
        .collect();
    let mut roots: Vec<&str> = repos.iter().flatten().map(AsRef::as_ref).collect();
    roots.sort_unstable();
    roots.dedup();
    if roots.len() < 2 {
        return vec![None; files.len()];
    }
    repos
}

/// The nearest directory at or above `dir` that holds a `.git`.
fn git_root(dir: &str) -> Option<Box<str>> {
    let dir = if dir.is_empty() { "." } else { dir };
    let absolute = std::fs::canonicalize(dir).ok()?;
    absolute
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(|d| d.display().to_string().into())
}

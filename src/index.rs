//! Cross-file joins, built once before any rule runs: which ServiceAccounts exist in which
//! namespace and which pod templates run as each of them; which credentials each identity owns
//! and which ServiceAccount each names; which identity has which client id; which Vault mount has
//! which accessor. Lookups by `(namespace, name)` borrow their keys: nothing is allocated to ask.
//!
//! Joins that only some rules need (the credential ↔ ServiceAccount join of `rules::join`) are
//! built lazily, once per scan, by the first rule that asks, and shared by the others.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::model::Model;
use crate::model::azure::Owner;

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

#[derive(Debug, Default)]
pub struct Index {
    /// (namespace, name) → object indices of ServiceAccounts (overlays can declare one twice).
    pub service_accounts: NsMap<Vec<usize>>,
    /// Namespaces in which at least one ServiceAccount was scanned.
    pub sa_namespaces: HashSet<String>,
    /// (namespace, ServiceAccount) → pod template indices that run as it.
    pub templates_by_sa: NsMap<Vec<usize>>,
    /// Namespaces with a WI-labelled strategic-merge patch that names no ServiceAccount: such a
    /// patch may be meant for any ServiceAccount there.
    pub patched_wi_namespaces: HashSet<String>,
    /// Owner → credential indices, in scan order.
    pub credentials_by_owner: HashMap<Owner, Vec<usize>>,
    /// (namespace, ServiceAccount) of an exact Kubernetes subject → credential indices.
    pub credentials_by_subject: NsMap<Vec<usize>>,
    /// Lower-cased client id (`clientId` / `appId`) → identity indices.
    pub identities_by_client_id: HashMap<String, Vec<usize>>,
    /// Accessor → (Vault scope, mount index).
    pub mounts_by_accessor: HashMap<String, Vec<(usize, usize)>>,
    /// The credential ↔ ServiceAccount join, built by the first rule that needs it.
    pub(crate) join: OnceLock<crate::rules::join::Join>,
}

impl Index {
    pub fn build(model: &Model<'_>, default_ns: &str) -> Self {
        let mut index = Index::default();
        for &i in &model.service_accounts {
            let sa = &model.objects[i];
            let Some(name) = sa.name() else { continue };
            let ns = sa.namespace(default_ns);
            if !index.sa_namespaces.contains(ns) {
                index.sa_namespaces.insert(ns.to_string());
            }
            index.service_accounts.entry(ns, name).push(i);
        }
        for (t, template) in model.templates.iter().enumerate() {
            let ns = model.objects[template.object].namespace(default_ns);
            let sa = template.service_account();
            if template.service_account_undecided() {
                continue;
            }
            if template.is_patch() && sa.path.is_none() {
                if template.is_wi() {
                    index.patched_wi_namespaces.insert(ns.to_string());
                }
                continue;
            }
            index.templates_by_sa.entry(ns, sa.name).push(t);
        }
        for (c, cred) in model.credentials.iter().enumerate() {
            index
                .credentials_by_owner
                .entry(cred.owner.clone())
                .or_default()
                .push(c);
            if let Some((ns, sa)) = cred.k8s_subject() {
                index.credentials_by_subject.entry(ns, sa).push(c);
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
        index
    }

    pub fn credentials_naming(&self, ns: &str, name: &str) -> &[usize] {
        self.credentials_by_subject
            .get(ns, name)
            .map_or(&[], Vec::as_slice)
    }

    pub fn service_accounts(&self, ns: &str, name: &str) -> &[usize] {
        self.service_accounts
            .get(ns, name)
            .map_or(&[], Vec::as_slice)
    }

    pub fn templates_using(&self, ns: &str, name: &str) -> &[usize] {
        self.templates_by_sa
            .get(ns, name)
            .map_or(&[], Vec::as_slice)
    }
}

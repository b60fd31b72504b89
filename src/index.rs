//! Cross-file joins, built once before any rule runs: which ServiceAccounts exist in which
//! namespace and which pod templates run as each of them; which credentials each identity owns
//! and which ServiceAccount each names; which identity has which client id; which Vault mount has
//! which accessor.

use std::collections::{HashMap, HashSet};

use crate::model::Model;
use crate::model::azure::Owner;

type Key = (String, String);

#[derive(Debug, Default)]
pub struct Index {
    /// (namespace, name) → object indices of ServiceAccounts (overlays can declare one twice).
    pub service_accounts: HashMap<Key, Vec<usize>>,
    /// Namespaces in which at least one ServiceAccount was scanned.
    pub sa_namespaces: HashSet<String>,
    /// (namespace, ServiceAccount) → pod template indices that run as it.
    pub templates_by_sa: HashMap<Key, Vec<usize>>,
    /// Namespaces with a WI-labelled strategic-merge patch that names no ServiceAccount: such a
    /// patch may be meant for any ServiceAccount there.
    pub patched_wi_namespaces: HashSet<String>,
    /// Owner → credential indices, in scan order.
    pub credentials_by_owner: HashMap<Owner, Vec<usize>>,
    /// (namespace, ServiceAccount) of an exact Kubernetes subject → credential indices.
    pub credentials_by_subject: HashMap<Key, Vec<usize>>,
    /// Lower-cased client id (`clientId` / `appId`) → identity indices.
    pub identities_by_client_id: HashMap<String, Vec<usize>>,
    /// Accessor → (Vault scope, mount index).
    pub mounts_by_accessor: HashMap<String, Vec<(usize, usize)>>,
}

impl Index {
    pub fn build(model: &Model<'_>, default_ns: &str) -> Self {
        let mut index = Index::default();
        for &i in &model.service_accounts {
            let sa = &model.objects[i];
            let Some(name) = sa.name() else { continue };
            let ns = sa.namespace(default_ns).to_string();
            index.sa_namespaces.insert(ns.clone());
            index
                .service_accounts
                .entry((ns, name.to_string()))
                .or_default()
                .push(i);
        }
        for (t, template) in model.templates.iter().enumerate() {
            let ns = model.objects[template.object]
                .namespace(default_ns)
                .to_string();
            let sa = template.service_account();
            if template.is_patch() && sa.path.is_none() {
                if template.is_wi() {
                    index.patched_wi_namespaces.insert(ns);
                }
                continue;
            }
            index
                .templates_by_sa
                .entry((ns, sa.name.to_string()))
                .or_default()
                .push(t);
        }
        for (c, cred) in model.credentials.iter().enumerate() {
            index
                .credentials_by_owner
                .entry(cred.owner.clone())
                .or_default()
                .push(c);
            if let Some((ns, sa)) = cred.k8s_subject() {
                index
                    .credentials_by_subject
                    .entry((ns.to_string(), sa.to_string()))
                    .or_default()
                    .push(c);
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
            .get(&(ns.to_string(), name.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    pub fn service_accounts(&self, ns: &str, name: &str) -> &[usize] {
        self.service_accounts
            .get(&(ns.to_string(), name.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    pub fn templates_using(&self, ns: &str, name: &str) -> &[usize] {
        self.templates_by_sa
            .get(&(ns.to_string(), name.to_string()))
            .map_or(&[], Vec::as_slice)
    }
}

//! Cross-file joins, built once before any rule runs: which ServiceAccounts exist in which
//! namespace, and which pod templates run as each of them.

use std::collections::{HashMap, HashSet};

use crate::model::Model;

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
        index
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

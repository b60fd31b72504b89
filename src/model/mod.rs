//! What the parsed documents are: Kubernetes objects, their pod templates and ServiceAccounts;
//! federated identity credentials, identities and AKS clusters; Vault mounts and configuration;
//! and the documents that matched no known input shape.

pub mod azure;
pub mod github;
pub mod k8s;
pub mod retain;
pub mod vault;

use std::collections::{BTreeSet, HashMap};

use crate::document::{Node, Part, Path, Syntax};
use crate::finding::Loc;
use crate::input::InputFile;
use azure::{Cluster, Credential, Identity, Owner};
use k8s::{Object, PodTemplate, pod_template_path};

/// Index of a file in the scan (the order of `Scan::files`).
pub type FileId = usize;

#[derive(Debug, Default)]
pub struct Model<'a> {
    pub objects: Vec<Object<'a>>,
    pub templates: Vec<PodTemplate<'a>>,
    /// Object indices of ServiceAccounts.
    pub service_accounts: Vec<usize>,
    pub credentials: Vec<Credential<'a>>,
    pub identities: Vec<Identity<'a>>,
    pub clusters: Vec<Cluster<'a>>,
    /// GitHub Actions workflows (their roots).
    pub workflows: Vec<At<'a>>,
    /// Vault scopes: index 0 holds the lone Vault files of the scan, then one per bundle.
    pub vaults: Vec<vault::Scope<'a>>,
    /// Documents that are no known input: (file, document index).
    pub unrecognized: Vec<(FileId, usize)>,
    /// `vault read` responses whose path cannot be told: (file, document index).
    pub ambiguous: Vec<(FileId, usize)>,
    /// Per file: whether any document in it is a known input.
    pub recognized: Vec<bool>,
}

/// A node with its address: enough to read a value and to point at it.
#[derive(Clone, Debug)]
pub struct At<'a> {
    pub file: FileId,
    pub doc: usize,
    pub path: Path,
    pub node: &'a Node,
}

impl<'a> At<'a> {
    pub fn root(file: FileId, doc: usize, node: &'a Node) -> Self {
        At {
            file,
            doc,
            path: Path::root(),
            node,
        }
    }

    pub fn get(&self, key: &str) -> Option<At<'a>> {
        self.node.get(key).map(|node| At {
            file: self.file,
            doc: self.doc,
            path: self.path.key(key),
            node,
        })
    }

    /// A string value at `key` with its handle.
    pub fn get_str(&self, key: &str) -> Option<(At<'a>, &'a str)> {
        let at = self.get(key)?;
        let s = at.node.as_str()?;
        Some((at, s))
    }

    pub fn items(&self) -> Vec<At<'a>> {
        self.node
            .as_seq()
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, node)| At {
                file: self.file,
                doc: self.doc,
                path: self.path.index(i),
                node,
            })
            .collect()
    }

    /// Mapping entries as a reader sees them (last duplicate wins).
    pub fn entries(&self) -> Vec<(&'a str, At<'a>)> {
        self.node
            .entries()
            .into_iter()
            .map(|(k, e)| {
                (
                    k,
                    At {
                        file: self.file,
                        doc: self.doc,
                        path: self.path.key(k),
                        node: &e.value,
                    },
                )
            })
            .collect()
    }

    pub fn loc(&self) -> Loc {
        Loc::node(self.file, self.doc, self.path.clone(), Part::Value)
    }

    pub fn key_loc(&self) -> Loc {
        Loc::node(self.file, self.doc, self.path.clone(), Part::Key)
    }

    /// A location further down (for something missing, it resolves to this node).
    pub fn loc_at(&self, keys: &[&str]) -> Loc {
        Loc::node(self.file, self.doc, self.path.keys(keys), Part::Value)
    }
}

impl<'a> Model<'a> {
    pub fn build(files: &'a [InputFile]) -> Self {
        let mut model = Model {
            vaults: vec![vault::Scope::default()],
            recognized: vec![false; files.len()],
            ..Model::default()
        };
        for (file, input) in files.iter().enumerate() {
            for (doc, root) in input.docs.iter().enumerate() {
                if root.is_null() {
                    continue;
                }
                let at = At::root(file, doc, root);
                let known = model.add_workflow(&at)
                    || model.add_object(file, doc, Path::root(), root)
                    || model.add_vault(input, &at)
                    || model.add_azure(&at);
                if known {
                    model.recognized[file] = true;
                } else if vault::is_read_response(root) {
                    model.ambiguous.push((file, doc));
                    model.recognized[file] = true;
                } else {
                    model.unrecognized.push((file, doc));
                }
            }
        }
        model.join_named_owners();
        model.name_declared_owners();
        model
    }

    /// A Bicep credential's id names its identity by symbol (`bicep:main.bicep/id`); messages
    /// name it as Azure does, by the identity's `name:`, when the file says it literally.
    fn name_declared_owners(&mut self) {
        let names: HashMap<&str, &str> = self
            .identities
            .iter()
            .filter_map(|i| Some((i.resource_id.as_deref()?, i.name?)))
            .filter(|(id, _)| id.starts_with("bicep:"))
            .collect();
        for cred in &mut self.credentials {
            if let Owner::Identity(id) = &cred.owner
                && let Some(name) = names.get(id.as_str())
            {
                cred.owner_name = Some((*name).to_string());
            }
        }
    }

    /// A script names the identity it adds a credential to by resource group and name only
    /// (`az:resourcegroups/<rg>/…/<name>`); an identity that Terraform or an export declares
    /// with the same literal resource group and name is that identity, so its credentials are
    /// counted and joined together. When either side does not say both, or several identities
    /// of the scan have that group and name (other subscriptions or environments), nothing is
    /// joined: that would be a guess.
    fn join_named_owners(&mut self) {
        let mut by_name: HashMap<String, BTreeSet<&str>> = HashMap::new();
        for identity in &self.identities {
            if let (Some(group), Some(name), Some(id)) =
                (identity.group, identity.name, &identity.resource_id)
            {
                by_name
                    .entry(azure::named_identity_id(group, name))
                    .or_default()
                    .insert(id.as_str());
            }
        }
        let mut renamed: HashMap<String, String> = HashMap::new();
        for (named, ids) in &by_name {
            if let [id] = ids.iter().collect::<Vec<_>>().as_slice()
                && named != *id
            {
                renamed.insert(named.clone(), id.to_string());
            }
        }
        for cred in &mut self.credentials {
            if let Owner::Identity(id) = &cred.owner
                && id.starts_with(azure::NAMED_IDENTITY_PREFIX)
                && let Some(same) = renamed.get(id)
            {
                cred.owner = Owner::Identity(same.clone());
            }
        }
    }

    fn add_workflow(&mut self, at: &At<'a>) -> bool {
        let workflow = github::is_workflow(at.node);
        if workflow {
            self.workflows.push(at.clone());
        }
        workflow
    }

    /// Credentials, identities and clusters, alone, in arrays, in `{"value": […]}` collections,
    /// or declared in an ARM template.
    fn add_azure(&mut self, at: &At<'a>) -> bool {
        let node = at.node;
        if node.as_seq().is_some() {
            let mut any = false;
            for item in at.items() {
                any |= self.add_azure_item(item, None);
            }
            return any;
        }
        if let Some(value) = at.get("value")
            && value.node.as_seq().is_some()
        {
            return self.add_azure(&value);
        }
        if let Some(resources) = at.get("resources")
            && (node.get("$schema").is_some() || node.get("contentVersion").is_some())
        {
            let before = self.credentials.len();
            self.add_template_resources(&resources, None);
            // A template that declares no credential is no input of ours.
            return self.credentials.len() > before;
        }
        self.add_azure_item(at.clone(), None)
    }

    fn add_azure_item(&mut self, at: At<'a>, parent: Option<(Owner, String)>) -> bool {
        if let Some(props) = azure::credential_props(&at) {
            self.add_credential(at, props, parent, false);
            true
        } else if azure::is_identity(at.node) {
            self.identities.push(azure::identity(at));
            true
        } else if azure::is_cluster(at.node) {
            self.clusters.push(azure::cluster(at));
            true
        } else {
            false
        }
    }

    fn add_credential(
        &mut self,
        at: At<'a>,
        props: At<'a>,
        parent: Option<(Owner, String)>,
        template: bool,
    ) {
        let node = at.node;
        let id = azure::resource_id(node);
        let (owner, owner_name) = match (id.and_then(azure::owner_from_id), parent) {
            (Some((id, name)), _) => (Owner::Identity(id), Some(name)),
            (None, Some((owner, name))) => (owner, Some(name)),
            (None, None) => (Owner::File(at.file), None),
        };
        // A Graph object says what it is; an export of ids alone does when it names no owner.
        let app = node.get("@odata.type").is_some()
            || (matches!(owner, Owner::File(_)) && id.is_some_and(k8s::is_guid));
        let copy = at.get("copy");
        self.credentials.push(Credential {
            at,
            props,
            owner,
            owner_name,
            template,
            copy,
            app,
        });
    }

    /// ARM template `resources`: an array, or (language version 2.0) an object of symbolic names.
    fn add_template_resources(&mut self, resources: &At<'a>, parent: Option<&str>) {
        let items = if resources.node.as_seq().is_some() {
            resources.items()
        } else {
            resources.entries().into_iter().map(|(_, at)| at).collect()
        };
        for res in items {
            let node = res.node;
            let ty = node.get_str("type").unwrap_or("");
            let name = node.get_str("name").unwrap_or("");
            let is_fic = ty.eq_ignore_ascii_case(azure::FIC_TYPE)
                || (parent.is_some() && ty.eq_ignore_ascii_case("federatedIdentityCredentials"));
            if is_fic {
                let identity = match parent {
                    Some(p) => p.to_string(),
                    None if azure::is_expression(name) => name.to_string(),
                    None => name.rsplit_once('/').map_or("", |(p, _)| p).to_string(),
                };
                let props = res.get("properties").unwrap_or_else(|| res.clone());
                // A parent known only at deployment leaves the file as the owner.
                let parent = Some(identity)
                    .filter(|i| !i.is_empty() && !azure::is_expression(i))
                    .map(|i| (Owner::Template(res.file, i.clone()), i));
                self.add_credential(res, props, parent, true);
            } else if ty.eq_ignore_ascii_case(azure::IDENTITY_TYPE)
                && let Some(nested) = res.get("resources")
            {
                self.add_template_resources(&nested, Some(name));
            }
        }
    }

    /// Vault bundles, mount tables, server configs and named `vault read` responses.
    fn add_vault(&mut self, input: &InputFile, at: &At<'a>) -> bool {
        let node = at.node;
        if input.syntax == Syntax::Hcl {
            let Some(api_addr) = at.get("api_addr") else {
                return false;
            };
            self.vaults[0].api_addr = Some(api_addr);
            return true;
        }
        if node.as_map().is_none() {
            return false;
        }
        if node
            .get_str("wiflint")
            .is_some_and(|m| m.starts_with("vault-bundle/"))
        {
            self.add_bundle(at);
            return true;
        }
        if vault::is_mount_table(node) {
            self.vaults[0].mounts.extend(vault::mounts(at));
            return true;
        }
        if vault::is_server_config(node) {
            if let Some(api_addr) = at.get("api_addr") {
                self.vaults[0].api_addr = Some(api_addr);
            }
            return true;
        }
        let data = vault::data(at.clone());
        if vault::is_plugin_discovery(data.node) {
            self.vaults[0].discovery_issuer = data.get("issuer");
            return true;
        }
        // A response trimmed to `{"data": …}` is taken by its file name too (docs/inputs.md),
        // though on its own, without the name, it is not taken for a Vault response at all.
        if !vault::is_read_response(node) && !vault::is_envelope(node) {
            return false;
        }
        let file_name = input
            .source
            .path
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let Some(api_path) = lone_response_path(&file_name, data.node) else {
            return false;
        };
        add_response(&mut self.vaults[0], &api_path, at.clone());
        true
    }

    fn add_bundle(&mut self, at: &At<'a>) {
        let mut scope = vault::Scope {
            bundle: Some(at.clone()),
            namespace: at
                .node
                .get_str("namespace")
                .map(|n| {
                    let n = n.trim_matches('/');
                    if n.is_empty() {
                        String::new()
                    } else {
                        format!("{n}/")
                    }
                })
                .unwrap_or_default(),
            namespace_id: at.get("namespace_id").filter(|n| n.node.as_str().is_some()),
            ..vault::Scope::default()
        };
        if let Some(responses) = at.get("responses") {
            for (path, response) in responses.entries() {
                add_response(&mut scope, path.trim_matches('/'), response);
            }
        }
        self.vaults.push(scope);
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

    /// Whether the scan has any Vault input at all.
    pub fn has_vault(&self) -> bool {
        self.vaults.iter().any(|v| {
            v.bundle.is_some()
                || !v.mounts.is_empty()
                || !v.configs.is_empty()
                || v.oidc_config.is_some()
                || v.api_addr.is_some()
        })
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

/// Fields only the Azure secrets engine's `<mount>/config` returns together.
const AZURE_CONFIG_FIELDS: &[&str] = &["subscription_id", "tenant_id", "identity_token_audience"];

/// The Vault API path a lone `vault read` response answers, by the documented file names. A
/// mount other than `azure/` saves its config as `<mount>-config.json` (`azure-dev-config.json`
/// for `azure-dev/`); that name alone could be any engine's, so it counts only with the Azure
/// plugin's fields, and the rules then use it only for a mount the mount table lists as `azure`.
fn lone_response_path(file_name: &str, data: &crate::document::Node) -> Option<String> {
    let stem = file_name
        .strip_suffix(".json")
        .or_else(|| file_name.strip_suffix(".yaml"))
        .or_else(|| file_name.strip_suffix(".yml"))?;
    match stem {
        "azure-config" => Some("azure/config".into()),
        "identity-oidc-config" => Some("identity/oidc/config".into()),
        "sys-mounts" => Some("sys/mounts".into()),
        _ => {
            if let Some(key) = stem.strip_prefix("identity-oidc-key-") {
                return (!key.is_empty()).then(|| format!("identity/oidc/key/{key}"));
            }
            let mount = stem.strip_suffix("-config").filter(|m| !m.is_empty())?;
            let azure = AZURE_CONFIG_FIELDS
                .iter()
                .filter(|k| data.get(k).is_some())
                .count()
                >= 2;
            azure.then(|| format!("{mount}/config"))
        }
    }
}

/// Files one response under the Vault path it answers.
fn add_response<'a>(scope: &mut vault::Scope<'a>, path: &str, response: At<'a>) {
    match path {
        "sys/mounts" => {
            let table = vault::data(response);
            scope.mounts.extend(vault::mounts(&table));
        }
        "identity/oidc/config" => scope.oidc_config = Some(vault::data(response)),
        "identity/oidc/plugins/.well-known/openid-configuration" => {
            scope.discovery_issuer = vault::data(response).get("issuer");
        }
        "sys/config/state/sanitized" => {
            scope.api_addr = vault::data(response).get("api_addr");
        }
        _ => {
            if let Some(name) = path.strip_prefix("identity/oidc/key/") {
                scope.keys.push((name.to_string(), vault::data(response)));
            } else if let Some(mount) = path.strip_suffix("/config") {
                scope
                    .configs
                    .push((format!("{mount}/"), vault::data(response)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse;

    fn model_of(files: &[(&str, &str)]) -> (Vec<InputFile>, usize) {
        let inputs: Vec<InputFile> = files
            .iter()
            .map(|(p, t)| parse(p.to_string(), t.to_string(), true))
            .collect();
        (inputs, files.len())
    }

    const FIC: &str = r#"{"name": "orders", "issuer": "https://i/", "subject": "system:serviceaccount:a:b", "audiences": ["api://AzureADTokenExchange"]}"#;

    #[test]
    fn credential_shapes() {
        let id = "/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-orders/federatedIdentityCredentials/orders";
        let cli = format!(
            r#"[{{"id": "{id}", "name": "orders", "issuer": "https://i/", "subject": "system:serviceaccount:a:b", "audiences": []}}]"#
        );
        let graph = format!(r#"{{"@odata.context": "x", "value": [{FIC}, {FIC}]}}"#);
        let arm = r#"{"name": "orders", "properties": {"issuer": "https://i/", "subject": "s", "audiences": []}}"#;
        let template = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [
            {"type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials", "name": "id-a/fic-a", "properties": {"issuer": "[parameters('issuer')]", "subject": "s", "audiences": []}},
            {"type": "Microsoft.ManagedIdentity/userAssignedIdentities", "name": "id-b", "resources": [
                {"type": "federatedIdentityCredentials", "name": "fic-b", "copy": {"name": "c", "count": 3}, "properties": {"issuer": "https://i/", "subject": "s", "audiences": []}}]}]}"#;
        let (files, n) = model_of(&[
            ("cli.json", &cli),
            ("graph.json", &graph),
            ("arm.json", arm),
            ("template.json", template),
        ]);
        let m = Model::build(&files);
        assert_eq!(m.recognized, vec![true; n]);
        assert_eq!(m.credentials.len(), 6);
        let c = &m.credentials[0];
        assert_eq!(c.owner_name.as_deref(), Some("id-orders"));
        assert!(
            matches!(&c.owner, Owner::Identity(i) if i.ends_with("/userassignedidentities/id-orders"))
        );
        assert!(matches!(m.credentials[1].owner, Owner::File(1)));
        assert_eq!(m.credentials[3].props.path.to_string(), "properties");
        let t = &m.credentials[4];
        assert_eq!(
            (t.name(), t.owner_name.as_deref()),
            (Some("fic-a"), Some("id-a"))
        );
        assert!(matches!(t.field("issuer"), azure::Field::Expression(_)));
        let nested = &m.credentials[5];
        assert_eq!(
            (nested.owner_name.as_deref(), nested.count()),
            (Some("id-b"), Some(3))
        );
    }

    #[test]
    fn identities_clusters_and_vault() {
        let identity = r#"[{"clientId": "c", "principalId": "p", "id": "/x/userAssignedIdentities/id-a", "name": "id-a", "type": "Microsoft.ManagedIdentity/userAssignedIdentities"}, {"appId": "a", "displayName": "app"}]"#;
        let aks = r#"{"name": "aks", "location": "westeurope", "type": "Microsoft.ContainerService/ManagedClusters", "oidcIssuerProfile": {"enabled": true, "issuerURL": "https://x/"}}"#;
        let mounts = r#"{"azure/": {"type": "azure", "accessor": "azure_1", "config": {}}}"#;
        let read = r#"{"request_id": "r", "lease_duration": 0, "data": {"issuer": ""}}"#;
        let hcl = "api_addr = \"https://vault:8200\"\n";
        let (files, _) = model_of(&[
            ("ids.json", identity),
            ("aks.json", aks),
            ("sys-mounts.json", mounts),
            ("identity-oidc-config.json", read),
            ("mystery.json", read),
            ("server.hcl", hcl),
        ]);
        let m = Model::build(&files);
        assert_eq!(m.identities.len(), 2);
        assert!(m.identities[1].app);
        assert_eq!(m.clusters[0].issuer().map(|(_, s)| s), Some("https://x/"));
        let lone = &m.vaults[0];
        assert_eq!(lone.mounts.len(), 1);
        assert!(lone.oidc_config.is_some());
        assert_eq!(
            lone.issuer_base().map(|(_, s)| s),
            Some("https://vault:8200")
        );
        assert_eq!(
            lone.plugin_issuer().as_deref(),
            Some("https://vault:8200/v1/identity/oidc/plugins")
        );
        assert_eq!(m.ambiguous, vec![(4, 0)]);
    }

    #[test]
    fn bundle_scope() {
        let bundle = r#"{"wiflint": "vault-bundle/v1", "namespace": "team-a", "namespace_id": "ilnzr", "responses": {
            "sys/mounts": {"azure/": {"type": "azure", "accessor": "azure_1", "config": {"identity_token_key": "wif"}}},
            "azure/config": {"data": {"identity_token_audience": "aud"}},
            "identity/oidc/key/wif": {"request_id": "", "data": {"algorithm": "ES256"}},
            "sys/config/state/sanitized": {"data": {"api_addr": "https://v:8200"}}}}"#;
        let (files, _) = model_of(&[("bundle.json", bundle)]);
        let m = Model::build(&files);
        let scope = &m.vaults[1];
        assert_eq!(scope.namespace, "team-a/");
        let mount = &scope.mounts[0];
        assert_eq!(
            mount.expected_subject(scope).as_deref(),
            Some("plugin-identity:ilnzr:secret:azure_1")
        );
        assert_eq!(mount.token_key().map(|(_, k)| k), Some("wif"));
        assert!(
            scope
                .config("azure/")
                .and_then(|c| c.node.get("identity_token_audience"))
                .is_some()
        );
        assert_eq!(
            scope.key("wif").and_then(|k| k.node.get_str("algorithm")),
            Some("ES256")
        );
        assert_eq!(
            scope.plugin_issuer().as_deref(),
            Some("https://v:8200/v1/team-a/identity/oidc/plugins")
        );
    }
}

//! Azure resources declared as Kubernetes custom resources — Azure Service Operator v2
//! (`managedidentity.azure.com`, `containerservice.azure.com`) and Crossplane's Upbound Azure
//! provider (`managedidentity.azure.upbound.io`, `containerservice.azure.upbound.io`) — lowered
//! into the export shapes the model reads (`docs/frontends.md`), so every credential, cluster and
//! join rule runs on them with positions on the YAML values.
//!
//! What the operator computes once the resource exists (an identity's client id, a cluster's
//! issuer URL) is a reference named after the custom resource (`aso:<namespace>/<kind>/<name>`,
//! `crossplane:<kind>/<name>`): a credential whose owner names the identity resource gets that
//! identity's id, and is counted and joined with it.

use crate::document::{Entry, Node, NodeKind, Span, Style, Typed};
use crate::model::azure::{CLUSTER_TYPE, IDENTITY_TYPE};

/// The custom resources read, by API group and kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Resource {
    AsoCredential,
    AsoIdentity,
    AsoCluster,
    CrossplaneCredential,
    CrossplaneIdentity,
    CrossplaneCluster,
}

impl Resource {
    fn of(node: &Node) -> Option<Self> {
        let group = node.get_str("apiVersion")?.split_once('/')?.0;
        let kind = node.get_str("kind")?;
        Some(match (group, kind) {
            ("managedidentity.azure.com", "FederatedIdentityCredential") => Self::AsoCredential,
            ("managedidentity.azure.com", "UserAssignedIdentity") => Self::AsoIdentity,
            ("containerservice.azure.com", "ManagedCluster") => Self::AsoCluster,
            ("managedidentity.azure.upbound.io", "FederatedIdentityCredential") => {
                Self::CrossplaneCredential
            }
            ("managedidentity.azure.upbound.io", "UserAssignedIdentity") => {
                Self::CrossplaneIdentity
            }
            ("containerservice.azure.upbound.io", "KubernetesCluster") => Self::CrossplaneCluster,
            _ => return None,
        })
    }
}

/// The document as the model reads it: a custom resource becomes its export shape; anything
/// else is returned as it is.
pub fn lower(doc: Node) -> Node {
    let Some(resource) = Resource::of(&doc) else {
        return doc;
    };
    let cr = Cr::new(&doc);
    let lowered = match resource {
        Resource::AsoCredential => cr.aso_credential(),
        Resource::AsoIdentity => cr.identity("aso", cr.spec()),
        Resource::AsoCluster => cr.aso_cluster(),
        Resource::CrossplaneCredential => cr.crossplane_credential(),
        Resource::CrossplaneIdentity => cr.identity("crossplane", cr.for_provider()),
        Resource::CrossplaneCluster => cr.crossplane_cluster(),
    };
    lowered.unwrap_or(doc)
}

/// One custom resource being lowered.
struct Cr<'a> {
    doc: &'a Node,
    kind: &'a str,
    /// `metadata.name`: what other resources of the operator name it by.
    name: Option<&'a str>,
    namespace: &'a str,
    /// Where what the resource only implies is shown: its `kind`.
    header: Span,
}

impl<'a> Cr<'a> {
    fn new(doc: &'a Node) -> Self {
        let metadata = doc.get("metadata");
        Cr {
            doc,
            kind: doc.get_str("kind").unwrap_or(""),
            name: metadata.and_then(|m| m.get_str("name")),
            namespace: metadata.and_then(|m| m.get_str("namespace")).unwrap_or(""),
            header: doc.get("kind").map_or(doc.span, |k| k.span),
        }
    }

    fn spec(&self) -> Option<&'a Node> {
        self.doc.get("spec").filter(|s| s.as_map().is_some())
    }

    fn for_provider(&self) -> Option<&'a Node> {
        self.spec()?
            .get("forProvider")
            .filter(|s| s.as_map().is_some())
    }

    /// The symbolic id of a resource of the operator: ASO's owners are namespaced, Crossplane's
    /// managed resources (of these API groups) are cluster-scoped.
    fn symbolic_id(&self, operator: &str, kind: &str, name: &str) -> String {
        match operator {
            "aso" => format!("aso:{}/{kind}/{name}", self.namespace),
            _ => format!("{operator}:{kind}/{name}"),
        }
    }

    /// The name in Azure: ASO's `spec.azureName`, a Crossplane identity's `forProvider.name` or
    /// `crossplane.io/external-name` annotation, else `metadata.name`, which both default it to.
    fn azure_name(&self, spec: Option<&'a Node>) -> Option<(Node, Node)> {
        let metadata = self.doc.get("metadata");
        let external = metadata
            .and_then(|m| m.get("annotations"))
            .and_then(|a| a.entry("crossplane.io/external-name"));
        let entry = spec
            .and_then(|s| s.entry("azureName").or_else(|| s.entry("name")))
            .or(external)
            .or_else(|| metadata.and_then(|m| m.entry("name")))?;
        Some((renamed(&entry.key, "name"), entry.value.clone()))
    }

    fn entry(&self, key: &str, value: Node) -> Entry {
        Entry::new(key, self.header, value)
    }

    fn str(&self, text: &str) -> Node {
        Node::string(text, self.header)
    }

    /// ASO `FederatedIdentityCredential`: `spec.owner.name` names the `UserAssignedIdentity`;
    /// `spec.issuerFromConfig` reads the issuer from a ConfigMap at deployment: unknown.
    fn aso_credential(&self) -> Option<Node> {
        let spec = self.spec()?;
        let mut entries = Vec::new();
        let name = self.azure_name(Some(spec));
        if let Some((key, value)) = &name {
            entries.push(Entry {
                key: key.clone(),
                value: value.clone(),
            });
        }
        copy(
            spec,
            &mut entries,
            &[("issuer", "issuer"), ("subject", "subject")],
        );
        if spec.get("issuer").is_none()
            && let Some(from) = spec.entry("issuerFromConfig")
        {
            let text = format!(
                "issuerFromConfig: {}/{}",
                from.value.get_str("name").unwrap_or("?"),
                from.value.get_str("key").unwrap_or("?")
            );
            entries.push(Entry {
                key: renamed(&from.key, "issuer"),
                value: Node::scalar(text, Style::Plain, Typed::Unknown, from.value.span),
            });
        }
        copy(spec, &mut entries, &[("audiences", "audiences")]);
        let owner = spec.get("owner").and_then(|o| o.get("name"));
        if let Some(owner) = owner
            && let Some(owner_name) = owner.as_str()
        {
            let fic = name
                .as_ref()
                .and_then(|(_, v)| v.as_str())
                .unwrap_or("?")
                .to_string();
            let id = self.symbolic_id("aso", "UserAssignedIdentity", owner_name);
            entries.push(Entry {
                key: Node::scalar("id", Style::Plain, Typed::Str, owner.span),
                value: Node::reference(
                    format!("{id}/federatedIdentityCredentials/{fic}"),
                    owner.span,
                ),
            });
        }
        Some(Node::map(entries, self.doc.span))
    }

    /// Crossplane `FederatedIdentityCredential`: `forProvider.audience` is the list of audiences;
    /// the owner is `parentId` (an ARM id) or `parentIdRef.name` (a `UserAssignedIdentity` of the
    /// scan). A `parentIdSelector` is resolved by labels at deployment: the file is the owner.
    fn crossplane_credential(&self) -> Option<Node> {
        let fp = self.for_provider()?;
        let mut entries = Vec::new();
        let name = self.azure_name(None);
        if let Some((key, value)) = &name {
            entries.push(Entry {
                key: key.clone(),
                value: value.clone(),
            });
        }
        copy(
            fp,
            &mut entries,
            &[
                ("issuer", "issuer"),
                ("subject", "subject"),
                ("audience", "audiences"),
            ],
        );
        let fic = name
            .as_ref()
            .and_then(|(_, v)| v.as_str())
            .unwrap_or("?")
            .to_string();
        if let Some(parent) = fp.get("parentId")
            && let Some(id) = parent.as_str()
        {
            entries.push(Entry {
                key: Node::scalar("id", Style::Plain, Typed::Str, parent.span),
                value: Node::scalar(
                    format!("{id}/federatedIdentityCredentials/{fic}"),
                    Style::Quoted,
                    Typed::Str,
                    parent.span,
                ),
            });
        } else if let Some(parent) = fp.get("parentIdRef").and_then(|r| r.get("name"))
            && let Some(parent_name) = parent.as_str()
        {
            let id = self.symbolic_id("crossplane", "UserAssignedIdentity", parent_name);
            entries.push(Entry {
                key: Node::scalar("id", Style::Plain, Typed::Str, parent.span),
                value: Node::reference(
                    format!("{id}/federatedIdentityCredentials/{fic}"),
                    parent.span,
                ),
            });
        }
        Some(Node::map(entries, self.doc.span))
    }

    /// A user-assigned identity as `az identity show` prints it; its `id`, `clientId` and
    /// `principalId` are known once the operator created it.
    fn identity(&self, operator: &str, spec: Option<&'a Node>) -> Option<Node> {
        let k8s_name = self.name?;
        let mut entries = vec![self.entry("type", self.str(IDENTITY_TYPE))];
        if let Some((key, value)) = self.azure_name(spec) {
            entries.push(Entry { key, value });
        }
        if let Some(spec) = spec {
            copy(spec, &mut entries, &[("location", "location")]);
        }
        let id = self.symbolic_id(operator, self.kind, k8s_name);
        for (key, attr) in [
            ("id", None),
            ("clientId", Some("clientId")),
            ("principalId", Some("principalId")),
        ] {
            let text = attr.map_or_else(|| id.clone(), |a| format!("{id}.{a}"));
            entries.push(self.entry(key, Node::reference(text, self.header)));
        }
        Some(Node::map(entries, self.doc.span))
    }

    /// ASO `ManagedCluster`: `spec.oidcIssuerProfile` and `spec.securityProfile.workloadIdentity`
    /// as the API spells them; the issuer URL is known once the cluster exists.
    fn aso_cluster(&self) -> Option<Node> {
        let spec = self.spec()?;
        let mut entries = vec![self.entry("type", self.str(CLUSTER_TYPE))];
        if let Some((key, value)) = self.azure_name(Some(spec)) {
            entries.push(Entry { key, value });
        }
        copy(spec, &mut entries, &[("location", "location")]);
        if let Some(profile) = spec.entry("oidcIssuerProfile") {
            entries.push(Entry {
                key: profile.key.clone(),
                value: self.with_issuer(&profile.value, "aso"),
            });
        }
        copy(
            spec,
            &mut entries,
            &[("securityProfile", "securityProfile")],
        );
        Some(Node::map(entries, self.doc.span))
    }

    /// Crossplane `KubernetesCluster`: the `azurerm_kubernetes_cluster` switches in camelCase.
    /// A switch left out keeps the provider's default, `false`, and is left out as an export of
    /// such a cluster leaves it out.
    fn crossplane_cluster(&self) -> Option<Node> {
        let fp = self.for_provider()?;
        let mut entries = vec![self.entry("type", self.str(CLUSTER_TYPE))];
        if let Some((key, value)) = self.azure_name(None) {
            entries.push(Entry { key, value });
        }
        copy(fp, &mut entries, &[("location", "location")]);
        if let Some(oidc) = fp.entry("oidcIssuerEnabled") {
            let span = oidc.key.span.to(oidc.value.span);
            let enabled = Entry {
                key: renamed(&oidc.key, "enabled"),
                value: oidc.value.clone(),
            };
            let profile = Node::map(vec![enabled], span);
            entries.push(Entry {
                key: renamed(&oidc.key, "oidcIssuerProfile"),
                value: self.with_issuer(&profile, "crossplane"),
            });
        }
        if let Some(wi) = fp.entry("workloadIdentityEnabled") {
            let span = wi.key.span.to(wi.value.span);
            let enabled = Entry {
                key: renamed(&wi.key, "enabled"),
                value: wi.value.clone(),
            };
            let workload = Entry {
                key: renamed(&wi.key, "workloadIdentity"),
                value: Node::map(vec![enabled], span),
            };
            entries.push(Entry {
                key: renamed(&wi.key, "securityProfile"),
                value: Node::map(vec![workload], span),
            });
        }
        Some(Node::map(entries, self.doc.span))
    }

    /// An OIDC issuer profile with the issuer URL the cluster will have, unless one is written.
    fn with_issuer(&self, profile: &Node, operator: &str) -> Node {
        let mut profile = profile.clone();
        if let NodeKind::Map(entries) = &mut profile.kind
            && !entries
                .iter()
                .any(|e| matches!(e.key.text(), Some("issuerUrl" | "issuerURL")))
        {
            let id = self.symbolic_id(operator, self.kind, self.name.unwrap_or("?"));
            let span = profile.span;
            entries.push(Entry {
                key: Node::scalar("issuerUrl", Style::Plain, Typed::Str, span),
                value: Node::reference(format!("{id}.oidcIssuerProfile.issuerURL"), span),
            });
        }
        profile
    }
}

/// The entries of `from` named in `fields`, under the export's names, with their positions.
fn copy(from: &Node, into: &mut Vec<Entry>, fields: &[(&str, &str)]) {
    for (source, target) in fields {
        if let Some(entry) = from.entry(source) {
            into.push(Entry {
                key: renamed(&entry.key, target),
                value: entry.value.clone(),
            });
        }
    }
}

/// A key under another name, at the position of the key it comes from.
fn renamed(key: &Node, name: &str) -> Node {
    Node::scalar(name, Style::Plain, Typed::Str, key.span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::yaml;

    fn lower_one(text: &str) -> Node {
        let mut docs = yaml::parse(text).unwrap_or_default();
        lower(docs.remove(0))
    }

    #[test]
    fn aso_credential_keeps_positions_and_names_its_owner() {
        let text = "apiVersion: managedidentity.azure.com/v1api20230131\nkind: FederatedIdentityCredential\nmetadata:\n  name: fic\n  namespace: apps\nspec:\n  owner:\n    name: api\n  audiences: [api://AzureADTokenExchange]\n  issuer: https://issuer.example\n  subject: system:serviceaccount:apps:api\n";
        let node = lower_one(text);
        let subject = node.get("subject").map(|s| s.span);
        assert_eq!(
            subject.map(|s| &text[s.range()]),
            Some("system:serviceaccount:apps:api")
        );
        assert_eq!(
            node.get("id").and_then(Node::expression),
            Some("aso:apps/UserAssignedIdentity/api/federatedIdentityCredentials/fic")
        );
        assert_eq!(node.get_str("name"), Some("fic"));
    }

    #[test]
    fn crossplane_audience_becomes_audiences() {
        let text = "apiVersion: managedidentity.azure.upbound.io/v1beta1\nkind: FederatedIdentityCredential\nmetadata:\n  name: fic\nspec:\n  forProvider:\n    audience: [x]\n    issuer: https://i\n    subject: s\n    parentIdRef:\n      name: uai\n";
        let node = lower_one(text);
        assert!(node.get("audiences").and_then(Node::as_seq).is_some());
        assert_eq!(
            node.get("id").and_then(Node::expression),
            Some("crossplane:UserAssignedIdentity/uai/federatedIdentityCredentials/fic")
        );
    }

    #[test]
    fn other_objects_are_unchanged() {
        let node = lower_one("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n");
        assert_eq!(node.get_str("kind"), Some("ServiceAccount"));
    }
}

//! The Vault provider's Azure secrets engine as the Vault dump the Vault rules read
//! (docs/inputs.md): each `vault_azure_secret_backend` or `vault_mount` of the Azure type is a
//! bundle of its own with the mount's `sys/mounts` entry and, for the backend, its
//! `<path>/config` response.
//!
//! The mount's accessor is made by Vault when the mount is created: it is a reference to the
//! resource's `accessor` attribute, never a literal, so no rule compares it with a credential's
//! subject and no mismatch is reported; the checks that need it stay silent. The namespace id is
//! Vault's too: a mount in a namespace (`namespace = "team-a"`) has none, so a subject's
//! namespace part is not checked. A `client_secret` is kept under its name, where the secret
//! scan finds a literal one (and never shows it); Vault itself never returns it.

use hcl_edit::Span as _;
use hcl_edit::structure::Body;

use super::lower::{Lowerer, span_of};
use crate::document::{Entry, Node, Span};
use crate::model::vault::BUNDLE_MARKER;

/// Arguments of `vault_azure_secret_backend` that `vault read <path>/config` returns, with the
/// same names (plus `client_secret`, see the module's note).
const CONFIG_FIELDS: &[&str] = &[
    "subscription_id",
    "tenant_id",
    "client_id",
    "client_secret",
    "environment",
    "identity_token_audience",
    "identity_token_ttl",
    "use_microsoft_graph_api",
];

/// Mount types of the Azure secrets engine (built in, or the external plugin's catalogue name).
const AZURE_TYPES: &[&str] = &["azure", "vault-plugin-secrets-azure"];

/// `vault_azure_secret_backend` (`backend`: its config too) or `vault_mount`: the bundle, when
/// the files decide the mount's path (and, for `vault_mount`, that it is an Azure one).
pub(super) fn mount(l: &Lowerer<'_>, body: &Body, backend: bool) -> Option<Node> {
    let at = l.header;
    let attr = |key: &str| body.get_attribute(key);
    let value = |key: &str| attr(key).map(|a| (span_of(a.key.span()), l.value(&a.value)));
    let kind = if backend {
        Node::string("azure", at)
    } else {
        let (_, kind) = value("type")?;
        kind.as_str().filter(|t| AZURE_TYPES.contains(t))?;
        kind
    };
    // The provider's default path for the backend is `azure`; a `vault_mount` must give one.
    let path = match value("path") {
        Some((_, path)) => path.as_str()?.trim_matches('/').to_string(),
        None if backend => "azure".to_string(),
        None => return None,
    };
    if path.is_empty() {
        return None;
    }
    let entry = |key: &str, span: Span, node: Node| Entry::new(key, span, node);
    let mut mount = vec![
        entry("type", at, kind),
        entry("accessor", at, Node::reference(l.attribute("accessor"), at)),
    ];
    if let Some((key, token_key)) = value("identity_token_key") {
        let config = Node::map(vec![entry("identity_token_key", key, token_key)], key);
        mount.push(entry("config", key, config));
    }
    let table = Node::map(
        vec![entry(&format!("{path}/"), at, Node::map(mount, at))],
        at,
    );
    let mut responses = vec![entry("sys/mounts", at, table)];
    if backend {
        let data: Vec<Entry> = CONFIG_FIELDS
            .iter()
            .filter_map(|k| value(k).map(|(span, v)| entry(k, span, v)))
            .collect();
        let config = Node::map(vec![entry("data", at, Node::map(data, at))], at);
        responses.push(entry(&format!("{path}/config"), at, config));
    }
    let mut bundle = vec![entry("wiflint", at, Node::string(BUNDLE_MARKER, at))];
    // A namespace the files do not decide leaves the mount out: the issuer and subject Vault
    // gives its plugin depend on it.
    let namespace = match value("namespace") {
        Some((key, ns)) => entry("namespace", key, Node::string(ns.as_str()?, ns.span)),
        None => entry("namespace", at, Node::string("", at)),
    };
    bundle.push(namespace);
    bundle.push(entry("responses", at, Node::map(responses, at)));
    Some(Node::map(bundle, at))
}

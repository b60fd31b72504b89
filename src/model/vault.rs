//! Vault inputs: a dump bundle (Vault API path → response), or lone files, and the server config.
//!
//! A `vault read` response does not say which path it came from, so every piece is attached to
//! the path it answers, and to the Vault it came from (a scope: one bundle, or all lone files).

use super::At;

pub const SUBJECT_PREFIX: &str = "plugin-identity:";
pub const BUNDLE_MARKER: &str = "vault-bundle/v1";

/// One Vault: a bundle, or the lone files of the scan taken together.
#[derive(Debug, Default)]
pub struct Scope<'a> {
    /// The bundle document; `None` for lone files.
    pub bundle: Option<At<'a>>,
    /// Namespace path: `""` for root, else `team-a/`.
    pub namespace: String,
    /// The namespace id that goes into plugin token subjects (`root` for the root namespace).
    pub namespace_id: Option<At<'a>>,
    pub mounts: Vec<Mount<'a>>,
    /// `<mount>/config` responses: (mount path with its trailing slash, `data`).
    pub configs: Vec<(String, At<'a>)>,
    /// `identity/oidc/config` `data`.
    pub oidc_config: Option<At<'a>>,
    /// `identity/oidc/key/<name>` responses: (name, `data`).
    pub keys: Vec<(String, At<'a>)>,
    /// `api_addr` from the server config or `sys/config/state/sanitized`.
    pub api_addr: Option<At<'a>>,
    /// The plugins discovery document's `issuer`.
    pub discovery_issuer: Option<At<'a>>,
}

impl<'a> Scope<'a> {
    /// The namespace id, when known: `root` for the root namespace, else the bundle's
    /// `namespace_id` (a bundle may lack it: `vault namespace lookup` needs a capable token).
    pub fn namespace_id_str(&self) -> Option<&'a str> {
        match &self.namespace_id {
            Some(at) => at.node.as_str().filter(|s| !s.is_empty()),
            None if self.namespace.is_empty() => Some("root"),
            None => None,
        }
    }

    pub fn config(&self, mount: &str) -> Option<&At<'a>> {
        self.configs
            .iter()
            .find(|(m, _)| m == mount)
            .map(|(_, at)| at)
    }

    pub fn key(&self, name: &str) -> Option<&At<'a>> {
        self.keys.iter().find(|(k, _)| k == name).map(|(_, at)| at)
    }

    /// The base of the plugin issuer and where it came from: the `identity/oidc/config` issuer
    /// when set, else `api_addr`.
    pub fn issuer_base(&self) -> Option<(At<'a>, &'a str)> {
        let issuer = self
            .oidc_config
            .as_ref()
            .and_then(|c| c.get_str("issuer"))
            .and_then(|(at, s)| (!s.is_empty()).then_some((at, s)));
        issuer.or_else(|| {
            let at = self.api_addr.clone()?;
            let s = at.node.as_str().filter(|s| !s.is_empty())?;
            Some((at, s))
        })
    }

    /// The issuer Vault puts in plugin tokens: `<base>/v1/<namespace path>identity/oidc/plugins`.
    pub fn plugin_issuer(&self) -> Option<String> {
        let (_, base) = self.issuer_base()?;
        Some(format!(
            "{}/v1/{}identity/oidc/plugins",
            base.trim_end_matches('/'),
            self.namespace
        ))
    }
}

#[derive(Debug)]
pub struct Mount<'a> {
    /// The mount path with its trailing slash (`azure/`).
    pub path: String,
    /// The mount's entry in `sys/mounts`.
    pub at: At<'a>,
}

impl<'a> Mount<'a> {
    pub fn kind(&self) -> Option<&'a str> {
        self.at.node.get_str("type")
    }

    pub fn accessor(&self) -> Option<(At<'a>, &'a str)> {
        let at = self.at.get("accessor")?;
        let s = at.node.as_str()?;
        Some((at, s))
    }

    /// The accessor as a subject would spell it: the literal, or for one Vault makes when a
    /// Terraform resource is applied, the interpolation that gives it
    /// (`${vault_azure_secret_backend.azure.accessor}`).
    pub fn accessor_shown(&self) -> Option<(At<'a>, String)> {
        if let Some((at, s)) = self.accessor() {
            return Some((at, s.to_string()));
        }
        let at = self.at.get("accessor")?;
        let reference = at.node.expression()?;
        let address = reference
            .strip_prefix("terraform:")?
            .rsplit_once('/')
            .map_or(reference, |(_, a)| a);
        let shown = format!("${{{address}}}");
        Some((at, shown))
    }

    /// Whether the accessor is one Vault makes when the mount is applied (a Terraform
    /// reference): a subject's accessor can then be neither matched nor faulted.
    pub fn accessor_undecided(&self) -> bool {
        self.at.get("accessor").is_some_and(|a| a.node.is_unknown())
    }

    /// The signing key the mount names (`config.identity_token_key`), if it names one; which
    /// key a mount without one uses is a rule parameter, not a model fact.
    pub fn token_key(&self) -> Option<(At<'a>, &'a str)> {
        self.at
            .get("config")?
            .get_str("identity_token_key")
            .filter(|(_, name)| !name.is_empty())
    }

    /// `plugin-identity:<namespace id>:secret:<accessor>`; `None` when the accessor or the
    /// namespace id is unknown.
    pub fn expected_subject(&self, scope: &Scope<'a>) -> Option<String> {
        let (_, accessor) = self.accessor()?;
        let ns = scope.namespace_id_str()?;
        Some(format!("{SUBJECT_PREFIX}{ns}:secret:{accessor}"))
    }
}

/// Keys of the envelope `vault read -format=json` prints around a response.
const ENVELOPE: &[&str] = &[
    "request_id",
    "lease_id",
    "lease_duration",
    "renewable",
    "data",
    "warnings",
    "wrap_info",
    "auth",
    "mount_type",
];

/// `data` of a `vault read -format=json` envelope (full, or trimmed to `data` by hand), or the
/// object itself when it is bare.
pub fn data<'a>(at: At<'a>) -> At<'a> {
    match at.get("data") {
        Some(d) if is_envelope(at.node) => d,
        _ => at,
    }
}

/// Whether a document is a `vault read` envelope, whole or trimmed to `{"data": …}`.
pub fn is_envelope(node: &crate::document::Node) -> bool {
    node.get("data").is_some_and(|d| d.as_map().is_some())
        && node.entries().iter().all(|(k, _)| ENVELOPE.contains(k))
}

/// Whether a document is a `vault read -format=json` envelope as printed.
pub fn is_read_response(node: &crate::document::Node) -> bool {
    node.get("request_id").is_some() && node.get("data").is_some()
}

/// `vault secrets list -format=json`: mount paths (ending in `/`) to mount objects.
pub fn is_mount_table(node: &crate::document::Node) -> bool {
    let entries = node.entries();
    !entries.is_empty()
        && entries.iter().any(|(k, e)| {
            k.ends_with('/') && e.value.get("type").is_some() && e.value.get("accessor").is_some()
        })
}

pub fn mounts<'a>(table: &At<'a>) -> Vec<Mount<'a>> {
    table
        .entries()
        .into_iter()
        .filter(|(k, v)| k.ends_with('/') && v.node.get("type").is_some())
        .map(|(k, at)| Mount {
            path: k.to_string(),
            at,
        })
        .collect()
}

/// A Vault server configuration in JSON: the keys only a server config has at the top.
pub fn is_server_config(node: &crate::document::Node) -> bool {
    node.get("api_addr").is_some()
        || (node.get("listener").is_some()
            && (node.get("storage").is_some() || node.get("backend").is_some()))
}

/// The plugins discovery document (`identity/oidc/plugins/.well-known/openid-configuration`).
pub fn is_plugin_discovery(node: &crate::document::Node) -> bool {
    node.get("jwks_uri").is_some()
        && node
            .get_str("issuer")
            .is_some_and(|i| i.trim_end_matches('/').ends_with("/identity/oidc/plugins"))
}

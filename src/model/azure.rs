//! Azure inputs: federated identity credentials (in every export shape), the identities that own
//! them, and AKS clusters. Each view borrows the span tree, so a rule reads a value and points at
//! it with the same handle.

use crate::document::{Node, Piece};
use crate::finding::Loc;

use super::{At, FileId};

pub const FIC_TYPE: &str =
    "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials";
pub const IDENTITY_TYPE: &str = "Microsoft.ManagedIdentity/userAssignedIdentities";
pub const CLUSTER_TYPE: &str = "Microsoft.ContainerService/managedClusters";
pub const K8S_SUBJECT_PREFIX: &str = "system:serviceaccount:";

/// Which identity a credential belongs to, as far as the export tells.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Owner {
    /// The lower-cased resource id of a user-assigned identity (ARM ids are case-insensitive).
    Identity(String),
    /// An ARM template parent: the identity's name (or its name expression) in that file.
    Template(FileId, String),
    /// Nothing names the owner: the credentials of one export file are taken to share one.
    File(FileId),
}

/// A value as an export or template gives it.
#[derive(Clone, Debug)]
pub enum Field<'a> {
    Missing,
    /// An ARM template expression (`[parameters('issuer')]`) or a value a front-end could not
    /// decide ([`Typed::Unknown`](crate::document::Typed::Unknown)): known only at deployment.
    Expression(At<'a>),
    Value(At<'a>),
}

impl<'a> Field<'a> {
    pub fn value(&self) -> Option<&At<'a>> {
        match self {
            Field::Value(at) => Some(at),
            _ => None,
        }
    }

    /// The literal string, if it is one.
    pub fn str(&self) -> Option<(&At<'a>, &'a str)> {
        let at = self.value()?;
        at.node.as_str().map(|s| (at, s))
    }
}

/// `[…]` is an ARM template expression; `[[…` is the escape for a literal `[`.
pub fn is_expression(s: &str) -> bool {
    s.starts_with('[') && s.ends_with(']') && !s.starts_with("[[")
}

fn field<'a>(at: &At<'a>, key: &str) -> Field<'a> {
    match at.get(key) {
        None => Field::Missing,
        Some(v) if v.node.is_null() => Field::Missing,
        Some(v) if v.node.is_unknown() || v.node.as_str().is_some_and(is_expression) => {
            Field::Expression(v)
        }
        Some(v) => Field::Value(v),
    }
}

#[derive(Debug)]
pub struct Credential<'a> {
    /// The credential object.
    pub at: At<'a>,
    /// Where `issuer`, `subject`, `audiences` live: the object itself, or its `properties`.
    pub props: At<'a>,
    pub owner: Owner,
    /// The identity's name, when the export says it (resource id or ARM parent).
    pub owner_name: Option<String>,
    /// Declared in an ARM template.
    pub template: bool,
    /// The ARM `copy` loop it is declared in: it stands for `copy.count` credentials.
    pub copy: Option<At<'a>>,
    /// A Graph / `az ad app` export: an app registration's credential that names no owner.
    pub app: bool,
}

impl<'a> Credential<'a> {
    pub fn field(&self, key: &str) -> Field<'a> {
        field(&self.props, key)
    }

    pub fn issuer(&self) -> Option<(At<'a>, &'a str)> {
        self.literal("issuer")
    }

    pub fn subject(&self) -> Option<(At<'a>, &'a str)> {
        self.literal("subject")
    }

    /// A value of which only some parts are known (a Terraform template with an unset
    /// variable): its known parts and holes, for the rules that check a format.
    pub fn partial(&self, key: &str) -> Option<(At<'a>, Vec<Piece<'a>>)> {
        match self.field(key) {
            Field::Expression(at) => at.node.pieces().map(|p| (at, p)),
            _ => None,
        }
    }

    fn literal(&self, key: &str) -> Option<(At<'a>, &'a str)> {
        match self.field(key) {
            Field::Value(at) => at.node.as_str().map(|s| (at, s)),
            _ => None,
        }
    }

    /// The `name` value (in a template, the full `<identity>/<name>`).
    pub fn name_at(&self) -> Option<At<'a>> {
        self.at.get("name").filter(|n| n.node.as_str().is_some())
    }

    /// The credential's own name: a template's `<identity>/` prefix removed; `None` for an
    /// expression or a missing name.
    pub fn name(&self) -> Option<&'a str> {
        let name = self.name_at()?.node.as_str()?;
        if is_expression(name) {
            return None;
        }
        Some(match name.rsplit_once('/') {
            Some((_, last)) if self.template => last,
            _ => name,
        })
    }

    /// Where a finding about the credential as a whole points: its name, else the object.
    pub fn loc(&self) -> Loc {
        self.name_at().unwrap_or_else(|| self.at.clone()).loc()
    }

    /// `credential `fic-orders`` — how messages name it.
    pub fn describe(&self) -> String {
        let what = if self.copy.is_some() {
            "credential copy loop"
        } else {
            "credential"
        };
        match self.name() {
            Some(name) => format!("{what} `{name}`"),
            None => what.to_string(),
        }
    }

    /// The literal subject's text: what [`Credential::subject`] gives, without building a handle.
    pub fn subject_str(&self) -> Option<&'a str> {
        self.literal_str("subject")
    }

    /// The literal issuer's text: what [`Credential::issuer`] gives, without building a handle.
    pub fn issuer_str(&self) -> Option<&'a str> {
        self.literal_str("issuer")
    }

    fn literal_str(&self, key: &str) -> Option<&'a str> {
        let node = self.props.node.get(key)?;
        if node.is_null() {
            return None;
        }
        node.as_str().filter(|s| !is_expression(s))
    }

    /// Whether the subject is an expression (known only at deployment).
    pub fn subject_is_expression(&self) -> bool {
        matches!(self.field("subject"), Field::Expression(_))
    }

    /// `(namespace, service account)` of an exact Kubernetes subject.
    pub fn k8s_subject(&self) -> Option<(&'a str, &'a str)> {
        parse_k8s_subject(self.subject_str()?)
    }

    /// Whether the subject is meant for Kubernetes (even a malformed one).
    pub fn is_k8s(&self) -> bool {
        self.subject_str().is_some_and(|s| {
            s.trim()
                .trim_matches(['"', '\''])
                .starts_with(K8S_SUBJECT_PREFIX)
        })
    }

    pub fn is_vault(&self) -> bool {
        self.subject_str()
            .is_some_and(|s| s.trim().starts_with(super::vault::SUBJECT_PREFIX))
    }

    /// How many credentials this entry stands for: 1, or a copy loop's literal count (`None`
    /// when the count is an expression).
    pub fn count(&self) -> Option<i64> {
        match &self.copy {
            None => Some(1),
            Some(copy) => match copy.get("count")?.node.as_scalar()?.typed {
                crate::document::Typed::Int(n) => Some(n.max(0)),
                _ => None,
            },
        }
    }

    /// The owner as messages name it.
    pub fn owner_label(&self) -> String {
        match (&self.owner_name, &self.owner) {
            (Some(name), _) if self.app => format!("app registration `{name}`"),
            (Some(name), _) => format!("managed identity `{name}`"),
            (None, Owner::File(_)) if self.app => "the app registration of this export".into(),
            (None, _) => "the identity of this export".into(),
        }
    }
}

/// `system:serviceaccount:<ns>:<sa>` with two non-empty parts and nothing else.
pub fn parse_k8s_subject(subject: &str) -> Option<(&str, &str)> {
    let rest = subject.strip_prefix(K8S_SUBJECT_PREFIX)?;
    let (ns, sa) = rest.split_once(':')?;
    (!ns.is_empty() && !sa.is_empty() && !sa.contains(':')).then_some((ns, sa))
}

/// A managed identity (`az identity show`) or an app registration (`az ad app show`).
#[derive(Debug)]
pub struct Identity<'a> {
    pub at: At<'a>,
    /// `clientId` (managed identity) or `appId` (app registration).
    pub client_id: Option<At<'a>>,
    pub name: Option<&'a str>,
    /// Lower-cased resource id of a managed identity.
    pub resource_id: Option<String>,
    /// Its resource group, when the export or declaration says it literally.
    pub group: Option<&'a str>,
    pub app: bool,
}

impl<'a> Identity<'a> {
    pub fn client_id_str(&self) -> Option<&'a str> {
        self.client_id.as_ref().and_then(|c| c.node.as_str())
    }

    pub fn describe(&self) -> String {
        let kind = if self.app {
            "app registration"
        } else {
            "managed identity"
        };
        match self.name {
            Some(name) => format!("{kind} `{name}`"),
            None => kind.to_string(),
        }
    }
}

/// An AKS cluster export.
#[derive(Debug)]
pub struct Cluster<'a> {
    pub at: At<'a>,
    /// The object holding `oidcIssuerProfile` etc.: the export itself, or its ARM `properties`.
    pub props: At<'a>,
}

impl<'a> Cluster<'a> {
    pub fn name(&self) -> Option<&'a str> {
        self.at.node.get_str("name")
    }

    pub fn describe(&self) -> String {
        match self.name() {
            Some(name) => format!("AKS cluster `{name}`"),
            None => "AKS cluster".into(),
        }
    }

    pub fn location(&self) -> Option<&'a str> {
        self.at.node.get_str("location")
    }

    pub fn oidc_profile(&self) -> Option<At<'a>> {
        self.props.get("oidcIssuerProfile")
    }

    /// Whether the cluster has an issuer URL: a literal one, or one known only once the cluster
    /// exists (a front-end's reference to the cluster's issuer attribute).
    pub fn has_issuer(&self) -> bool {
        self.issuer().is_some()
            || self.oidc_profile().is_some_and(|p| {
                ["issuerUrl", "issuerURL"]
                    .iter()
                    .any(|k| p.node.get(k).is_some_and(Node::is_unknown))
            })
    }

    /// `issuerUrl` (az CLI) or `issuerURL` (ARM, PowerShell), when set to a string.
    pub fn issuer(&self) -> Option<(At<'a>, &'a str)> {
        let profile = self.oidc_profile()?;
        ["issuerUrl", "issuerURL"].iter().find_map(|k| {
            let at = profile.get(k)?;
            let s = at.node.as_str().filter(|s| !s.is_empty())?;
            Some((at, s))
        })
    }

    /// The issuer tokens carry: none when the issuer is disabled, whatever URL the export keeps.
    pub fn active_issuer(&self) -> Option<(At<'a>, &'a str)> {
        let disabled = self
            .oidc_enabled()
            .is_some_and(|e| e.node.as_bool() == Some(false) || e.node.is_null());
        if disabled { None } else { self.issuer() }
    }

    pub fn oidc_enabled(&self) -> Option<At<'a>> {
        self.oidc_profile()?.get("enabled")
    }

    pub fn workload_identity(&self) -> Option<At<'a>> {
        self.props.get("securityProfile")?.get("workloadIdentity")
    }
}

fn type_is(node: &Node, ty: &str) -> bool {
    node.get_str("type")
        .is_some_and(|t| t.eq_ignore_ascii_case(ty))
}

fn has_type(node: &Node) -> bool {
    node.get_str("type").is_some()
}

/// The object that holds a credential's fields, when `at` is a credential.
pub fn credential_props<'a>(at: &At<'a>) -> Option<At<'a>> {
    let node = at.node;
    node.as_map()?;
    if has_type(node)
        && !type_is(node, FIC_TYPE)
        && !node
            .get_str("type")
            .is_some_and(|t| t.eq_ignore_ascii_case("federatedIdentityCredentials"))
    {
        return None;
    }
    let props = match at.get("properties") {
        Some(p) if p.node.get("issuer").is_some() => p,
        _ => at.clone(),
    };
    let looks = props.node.get("issuer").is_some()
        && ["subject", "claimsMatchingExpression", "audiences"]
            .iter()
            .any(|k| props.node.get(k).is_some());
    looks.then_some(props)
}

/// A resource's `id`: the literal of an export, or the symbolic id a front-end gives a resource
/// it declares (see `docs/frontends.md`), which is unknown until deployment but names the
/// resource all the same.
pub fn resource_id(node: &Node) -> Option<&str> {
    let id = node.get("id")?;
    id.as_str().or_else(|| id.expression())
}

/// Owner and identity name from a resource id `…/userAssignedIdentities/<name>/federatedIdentityCredentials/<fic>`.
pub fn owner_from_id(id: &str) -> Option<(String, String)> {
    let lower = id.to_ascii_lowercase();
    let cut = lower.find("/federatedidentitycredentials/")?;
    let identity_id = &lower[..cut];
    let name_start = identity_id.rfind('/')? + 1;
    Some((identity_id.to_string(), id[name_start..cut].to_string()))
}

/// The resource group of an ARM resource id (`…/resourceGroups/<rg>/providers/…`).
fn group_of_id(id: &str) -> Option<&str> {
    let mut parts = id.split('/');
    parts.find(|p| p.eq_ignore_ascii_case("resourcegroups"))?;
    parts.next()
}

/// What a command-line credential names its identity by when only the resource group and name
/// are known (the subscription is the one `az` is logged in to): `az identity federated-credential
/// create -g <rg> --identity-name <name>` in a script.
pub const NAMED_IDENTITY_PREFIX: &str = "az:resourcegroups/";

/// The owner id of an identity named by resource group and name alone, lower-cased as owners are.
pub fn named_identity_id(group: &str, name: &str) -> String {
    format!("{NAMED_IDENTITY_PREFIX}{group}/providers/microsoft.managedidentity/userassignedidentities/{name}")
        .to_ascii_lowercase()
}

pub fn is_identity(node: &Node) -> bool {
    let props = node.get("properties").unwrap_or(node);
    let msi = props.get("clientId").is_some() && props.get("principalId").is_some();
    let app = node.get("appId").is_some();
    (msi && (!has_type(node) || type_is(node, IDENTITY_TYPE))) || (app && !has_type(node))
}

pub fn identity<'a>(at: At<'a>) -> Identity<'a> {
    let node = at.node;
    let app = node.get("appId").is_some() && node.get("clientId").is_none();
    let client_id = if app {
        at.get("appId")
    } else {
        at.get("clientId")
            .or_else(|| at.get("properties").and_then(|p| p.get("clientId")))
    };
    let name = node.get_str("name").or_else(|| node.get_str("displayName"));
    let group = node
        .get_str("resourceGroup")
        .or_else(|| resource_id(node).and_then(group_of_id))
        .filter(|g| !app && !g.is_empty() && !is_expression(g));
    let resource_id = (!app)
        .then(|| resource_id(node))
        .flatten()
        .map(str::to_ascii_lowercase);
    Identity {
        at,
        client_id,
        name,
        resource_id,
        group,
        app,
    }
}

pub fn is_cluster(node: &Node) -> bool {
    if type_is(node, CLUSTER_TYPE) {
        return true;
    }
    let props = node.get("properties").unwrap_or(node);
    !has_type(node)
        && node.get("location").is_some()
        && ["oidcIssuerProfile", "securityProfile", "agentPoolProfiles"]
            .iter()
            .any(|k| props.get(k).is_some())
}

pub fn cluster<'a>(at: At<'a>) -> Cluster<'a> {
    let props = match at.get("properties") {
        Some(p) if p.node.as_map().is_some() => p,
        _ => at.clone(),
    };
    Cluster { at, props }
}

/// Whether an issuer (with or without its trailing slash) has the shape AKS gives its OIDC
/// issuers: `https://<region>.oic.prod-aks.azure.{com,us,cn}/<tenant>/<guid>/`, or the older
/// `https://oidc.prod-aks.azure.com/<guid>/`.
pub fn is_aks_issuer(issuer: &str) -> bool {
    let Some(rest) = issuer.strip_prefix("https://") else {
        return false;
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let mut parts = rest.split('/');
    let host = parts.next().unwrap_or("").to_ascii_lowercase();
    let path: Vec<&str> = parts.collect();
    let guids = |n: usize| path.len() == n && path.iter().all(|p| super::k8s::is_guid(p));
    if host == "oidc.prod-aks.azure.com" {
        return guids(1);
    }
    let regional = ["com", "us", "cn"].iter().any(|tld| {
        host.strip_suffix(&format!(".oic.prod-aks.azure.{tld}"))
            .is_some_and(|region| {
                !region.is_empty() && region.chars().all(|c| c.is_ascii_alphanumeric())
            })
    });
    regional && guids(2)
}

/// Why a subject meant for Kubernetes can never match a ServiceAccount token's `sub`, if it
/// cannot: tokens carry exactly `system:serviceaccount:<ns>:<sa>`, with names Kubernetes allows.
pub fn k8s_subject_problem(subject: &str) -> Option<String> {
    if subject.trim() != subject {
        return Some("has leading or trailing whitespace".into());
    }
    if subject.len() >= 2
        && (subject.starts_with('"') && subject.ends_with('"')
            || subject.starts_with('\'') && subject.ends_with('\''))
    {
        return Some("is wrapped in quotes".into());
    }
    let rest = subject.strip_prefix(K8S_SUBJECT_PREFIX)?;
    let parts: Vec<&str> = rest.split(':').collect();
    let [ns, sa] = parts.as_slice() else {
        return Some(format!(
            "has {} `:`-separated parts after `system:serviceaccount:`, not 2 (`<namespace>:<name>`)",
            parts.len()
        ));
    };
    if ns.is_empty() || sa.is_empty() {
        return Some("has an empty namespace or ServiceAccount name".into());
    }
    if !is_dns_label(ns) {
        return Some(format!(
            "namespace `{ns}` is not a valid Kubernetes namespace name (lowercase letters, digits and `-`, at most 63)"
        ));
    }
    if !is_dns_subdomain(sa) {
        return Some(format!(
            "ServiceAccount name `{sa}` is not a valid Kubernetes name (lowercase letters, digits, `-` and `.`, at most 253)"
        ));
    }
    None
}

/// What [`k8s_subject_problem`] can tell of a subject with holes: only what no value of the
/// holes could repair (a hole may be any text, `:` included), so a hole never makes an error.
pub fn k8s_partial_problem(pieces: &[Piece<'_>]) -> Option<String> {
    fn known<'a>(p: Option<&Piece<'a>>) -> &'a str {
        match p {
            Some(Piece::Known(k)) => k,
            _ => "",
        }
    }
    let (first, last) = (known(pieces.first()), known(pieces.last()));
    if first.starts_with(char::is_whitespace) || last.ends_with(char::is_whitespace) {
        return Some("has leading or trailing whitespace".into());
    }
    // A partial string has a hole, so a known first and a known last piece are two pieces.
    if ['"', '\'']
        .iter()
        .any(|q| first.starts_with(*q) && last.ends_with(*q))
    {
        return Some("is wrapped in quotes".into());
    }
    let rest = first.strip_prefix(K8S_SUBJECT_PREFIX)?;
    if rest.starts_with(':') {
        return Some("has an empty namespace".into());
    }
    if last.ends_with(':') {
        return Some("ends in `:`, so its last part is empty".into());
    }
    let after: Vec<&str> = std::iter::once(rest)
        .chain(pieces.iter().skip(1).filter_map(|p| match p {
            Piece::Known(k) => Some(*k),
            Piece::Hole(_) => None,
        }))
        .collect();
    let colons: usize = after.iter().map(|k| k.matches(':').count()).sum();
    if colons >= 2 {
        return Some(format!(
            "has at least {} `:`-separated parts after `system:serviceaccount:`, not 2 (`<namespace>:<name>`)",
            colons + 1
        ));
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.:".contains(c);
    after
        .iter()
        .flat_map(|k| k.chars())
        .find(|c| !allowed(*c))
        .map(|c| {
            format!(
                "holds `{c}`, which no namespace or ServiceAccount name may contain (lowercase letters, digits, `-` and `.`)"
            )
        })
}

/// RFC 1123 label: what Kubernetes allows as a namespace name.
pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// RFC 1123 subdomain: what Kubernetes allows as a ServiceAccount name.
pub fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns_label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aks_issuer_shapes() {
        let t = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        let g = "11111111-1111-1111-1111-111111111111";
        assert!(is_aks_issuer(&format!(
            "https://eastus.oic.prod-aks.azure.com/{t}/{g}/"
        )));
        assert!(is_aks_issuer(&format!(
            "https://eastus.oic.prod-aks.azure.com/{t}/{g}"
        )));
        assert!(is_aks_issuer(&format!(
            "https://usgovvirginia.oic.prod-aks.azure.us/{t}/{g}/"
        )));
        assert!(is_aks_issuer(&format!(
            "https://oidc.prod-aks.azure.com/{g}"
        )));
        assert!(!is_aks_issuer(&format!(
            "https://oidc.prod-aks.azure.com/{t}/{g}"
        )));
        assert!(!is_aks_issuer(
            "https://token.actions.githubusercontent.com"
        ));
    }

    /// A hole may be anything: only what the known parts decide is a problem.
    #[test]
    fn k8s_partial_subjects() {
        use Piece::{Hole, Known};
        let p = |pieces: &[Piece<'_>]| k8s_partial_problem(pieces);
        for ok in [
            &[
                Known("system:serviceaccount:"),
                Hole("var.ns"),
                Known(":api"),
            ][..],
            &[Known("system:serviceaccount:orders:"), Hole("var.app")],
            &[
                Known("system:serviceaccount:"),
                Hole("var.ns"),
                Known(":"),
                Hole("var.app"),
            ],
            &[Known("system:serviceaccount:"), Hole("var.rest")],
            &[Known("repo:"), Hole("var.repo"), Known(":Pull_Request")],
            &[Hole("var.prefix"), Known(":Orders")],
        ] {
            assert_eq!(p(ok), None, "{ok:?}");
        }
        for bad in [
            &[
                Known("system:serviceaccount:"),
                Hole("var.ns"),
                Known(":Orders-API"),
            ][..],
            &[Known("system:serviceaccount:orders_x:"), Hole("var.app")],
            &[
                Known("system:serviceaccount:"),
                Hole("var.ns"),
                Known(":api:v2"),
            ],
            &[Known("system:serviceaccount::"), Hole("var.app")],
            &[Known("system:serviceaccount:"), Hole("var.ns"), Known(":")],
            &[Known(" system:serviceaccount:"), Hole("var.ns")],
            &[
                Known("\"system:serviceaccount:"),
                Hole("var.ns"),
                Known(":api\""),
            ],
        ] {
            assert!(p(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn k8s_subjects() {
        assert_eq!(
            k8s_subject_problem("system:serviceaccount:orders:orders-api"),
            None
        );
        assert_eq!(k8s_subject_problem("repo:a/b:pull_request"), None);
        for bad in [
            "system:serviceaccount:Orders:api",
            "system:serviceaccount:orders:api_v2",
            "system:serviceaccount:orders",
            "system:serviceaccount:orders:api:x",
            "system:serviceaccount::api",
            " system:serviceaccount:orders:api",
            "\"system:serviceaccount:orders:api\"",
        ] {
            assert!(k8s_subject_problem(bad).is_some(), "{bad}");
        }
        assert_eq!(
            parse_k8s_subject("system:serviceaccount:a:b"),
            Some(("a", "b"))
        );
        assert_eq!(parse_k8s_subject("system:serviceaccount:a:b:c"), None);
    }
}

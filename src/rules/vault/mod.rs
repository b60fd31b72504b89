//! Rules over Vault's Azure secrets engine and the credentials that trust it (catalog section C).
//! One file per rule, named after its id.
//!
//! The helpers here join the two sides: which scanned `azure` mount a `plugin-identity:`
//! credential is for (or was meant for), which Vault a credential belongs to, what the plugin
//! issuer is, and whether an address can be reached from Entra. They are private to this area:
//! the model gives the raw pieces ([`Scope`], [`Mount`]), the joins that only these rules need
//! live here.

mod vault_audience_mismatch;
mod vault_issuer_invalid;
mod vault_issuer_mismatch;
mod vault_issuer_unknown;
mod vault_issuer_unset;
mod vault_mount_without_credential;
mod vault_signing_key_not_rs256;
mod vault_subject_accessor_mismatch;
mod vault_subject_uses_mount_path;
mod vault_token_ttl_invalid;
mod vault_wif_incomplete;

use std::net::IpAddr;

use crate::document::{Node, Typed};
use crate::model::At;
use crate::model::azure::{Credential, Field, is_expression};
use crate::model::vault::{Mount, SUBJECT_PREFIX, Scope};
use crate::rules::{Ctx, NativeFn, Reach, closest};

pub const TEMPLATES: &[(&str, NativeFn, Reach)] = &[
    (
        "vault.vault-audience-mismatch",
        vault_audience_mismatch::check,
        Reach::Scan,
    ),
    (
        "vault.vault-issuer-invalid",
        vault_issuer_invalid::check,
        Reach::Scan,
    ),
    (
        "vault.vault-issuer-mismatch",
        vault_issuer_mismatch::check,
        Reach::Scan,
    ),
    (
        "vault.vault-issuer-unknown",
        vault_issuer_unknown::check,
        Reach::Scan,
    ),
    (
        "vault.vault-issuer-unset",
        vault_issuer_unset::check,
        Reach::Scan,
    ),
    (
        "vault.vault-mount-without-credential",
        vault_mount_without_credential::check,
        Reach::Scan,
    ),
    (
        "vault.vault-signing-key-not-rs256",
        vault_signing_key_not_rs256::check,
        Reach::Scan,
    ),
    (
        "vault.vault-subject-accessor-mismatch",
        vault_subject_accessor_mismatch::check,
        Reach::Scan,
    ),
    (
        "vault.vault-subject-uses-mount-path",
        vault_subject_uses_mount_path::check,
        Reach::Scan,
    ),
    (
        "vault.vault-token-ttl-invalid",
        vault_token_ttl_invalid::check,
        Reach::Scan,
    ),
    (
        "vault.vault-wif-incomplete",
        vault_wif_incomplete::check,
        Reach::Scan,
    ),
];

/// Mount types of the Azure secrets engine: built in, or registered as an external plugin under
/// its catalogue name.
const AZURE_TYPES: &[&str] = &["azure", "vault-plugin-secrets-azure"];

/// The secrets-engine class in a plugin token subject (auth methods use `auth`).
const SECRET_CLASS: &str = "secret";

/// The key name a mount uses when it names none (the catalog's `default-key` parameter).
pub(crate) const DEFAULT_KEY: &str = "default";

pub(crate) fn is_azure(mount: &Mount<'_>) -> bool {
    mount.kind().is_some_and(|k| AZURE_TYPES.contains(&k))
}

/// A scanned mount with the Vault it belongs to.
#[derive(Clone, Copy)]
pub(crate) struct MountRef<'a> {
    pub scope_idx: usize,
    pub mount_idx: usize,
    pub scope: &'a Scope<'a>,
    pub mount: &'a Mount<'a>,
}

impl<'a> MountRef<'a> {
    pub(crate) fn same(&self, other: &MountRef<'_>) -> bool {
        self.scope_idx == other.scope_idx && self.mount_idx == other.mount_idx
    }

    pub(crate) fn accessor(&self) -> Option<&'a str> {
        self.mount.accessor().map(|(_, s)| s)
    }

    /// `<mount>/config` `data`, when dumped.
    pub(crate) fn config(&self) -> Option<&'a At<'a>> {
        self.scope.config(&self.mount.path)
    }

    /// `identity_token_audience` in the mount's config (possibly empty).
    pub(crate) fn audience(&self) -> Option<(At<'a>, &'a str)> {
        self.config()?.get_str("identity_token_audience")
    }

    /// Whether the mount is set up for plugin workload identity federation.
    pub(crate) fn wif(&self) -> bool {
        self.audience().is_some_and(|(_, a)| !a.trim().is_empty())
    }

    /// `mount `azure/`` (with its namespace, when not the root).
    pub(crate) fn describe(&self) -> String {
        describe_mount(&self.mount.path, self.scope)
    }

    /// The subject its tokens carry; the namespace part is a placeholder when the namespace id
    /// is unknown.
    pub(crate) fn subject_or_placeholder(&self) -> String {
        match self.mount.expected_subject(self.scope) {
            Some(s) => s,
            None => format!(
                "{SUBJECT_PREFIX}<namespace id of {}>:{SECRET_CLASS}:{}",
                self.scope.namespace,
                self.accessor().unwrap_or("<accessor>")
            ),
        }
    }
}

pub(crate) fn describe_mount(path: &str, scope: &Scope<'_>) -> String {
    if scope.namespace.is_empty() {
        format!("mount `{path}`")
    } else {
        format!("mount `{path}` in namespace `{}`", scope.namespace)
    }
}

/// Every scanned `azure` mount, in scan order.
pub(crate) fn azure_mounts<'a>(ctx: &Ctx<'a>) -> Vec<MountRef<'a>> {
    let model: &'a crate::model::Model<'a> = ctx.model;
    model
        .vaults
        .iter()
        .enumerate()
        .flat_map(|(scope_idx, scope)| {
            scope
                .mounts
                .iter()
                .enumerate()
                .filter(|(_, m)| is_azure(m))
                .map(move |(mount_idx, mount)| MountRef {
                    scope_idx,
                    mount_idx,
                    scope,
                    mount,
                })
        })
        .collect()
}

/// The `<mount>/config` responses of a Vault that belong to the Azure secrets engine: those of
/// `azure` mounts, and those with the plugin's fields whose mount the scanned mount table does not
/// list: in a bundle (which names the path), or a lone `azure-config.json`. A lone
/// `<mount>-config.json` of another name counts only for a listed `azure` mount: the file name is
/// all that ties it to one.
pub(crate) fn azure_configs<'a>(
    scope: &'a Scope<'a>,
) -> Vec<(&'a str, &'a At<'a>, Option<&'a Mount<'a>>)> {
    scope
        .configs
        .iter()
        .filter_map(|(path, data)| {
            let mount = scope.mounts.iter().find(|m| &m.path == path);
            let azure = match mount {
                Some(m) => is_azure(m),
                None => {
                    (scope.bundle.is_some() || path == "azure/")
                        && data.node.get("identity_token_audience").is_some()
                }
            };
            azure.then_some((path.as_str(), data, mount))
        })
        .collect()
}

/// Whether a Vault scope holds anything at all.
pub(crate) fn has_content(scope: &Scope<'_>) -> bool {
    scope.bundle.is_some()
        || !scope.mounts.is_empty()
        || !scope.configs.is_empty()
        || !scope.keys.is_empty()
        || scope.oidc_config.is_some()
        || scope.api_addr.is_some()
        || scope.discovery_issuer.is_some()
}

/// The signing key a mount's tokens use: its `identity_token_key`, else the `default-key`
/// parameter (`default`), and where the mount names it.
pub(crate) fn key_for<'a>(ctx: &Ctx<'_>, mount: &Mount<'a>) -> (String, Option<At<'a>>) {
    match mount.token_key() {
        Some((at, name)) => (name.to_string(), Some(at)),
        None => (
            ctx.rule
                .params
                .get("default-key")
                .and_then(Node::as_str)
                .filter(|s| !s.is_empty())
                .unwrap_or(DEFAULT_KEY)
                .to_string(),
            None,
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Subjects

/// `plugin-identity:<namespace id>:<class>:<accessor>`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Subject<'s> {
    pub ns: &'s str,
    pub class: &'s str,
    pub accessor: &'s str,
}

pub(crate) fn parse_subject(subject: &str) -> Option<Subject<'_>> {
    let rest = subject.trim().strip_prefix(SUBJECT_PREFIX)?;
    let mut parts = rest.split(':');
    let (ns, class, accessor) = (parts.next()?, parts.next()?, parts.next()?);
    parts.next().is_none().then_some(Subject {
        ns,
        class,
        accessor,
    })
}

/// What is wrong with a Vault credential's subject, as far as the scanned mounts tell.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Problem {
    /// It is exactly what the mount's tokens carry (the namespace part unchecked when the
    /// namespace id is unknown).
    None,
    /// No `azure` mount is scanned (or it names an auth method): nothing to compare with.
    Unknown,
    /// A mount path or namespace path stands where the accessor or namespace id belongs.
    MountPath {
        /// The mount path found in the accessor part.
        accessor: Option<String>,
        /// The path found in the namespace part, and what it is (`mount path`/`namespace path`).
        namespace: Option<(String, &'static str)>,
    },
    /// The accessor names no scanned `azure` mount.
    Accessor,
    /// The accessor is right, the namespace id is not.
    Namespace,
    /// The accessor is right, the class is not `secret`.
    Class,
    /// Not `plugin-identity:<namespace id>:secret:<accessor>` at all.
    Shape,
}

/// How the mount a wrong subject was meant for was picked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Pick {
    /// Named by the subject (accessor or mount path).
    Named,
    /// The accessor is a small edit away.
    Closest,
    /// The only candidate.
    Only,
    /// The first of several candidates.
    First,
}

pub(crate) struct Diagnosis<'a> {
    pub cred: &'a Credential<'a>,
    pub subject_at: At<'a>,
    pub subject: &'a str,
    pub parsed: Option<Subject<'a>>,
    pub problem: Problem,
    /// The mount the credential is for, or the likeliest one it was meant for.
    pub mount: Option<MountRef<'a>>,
    pub pick: Pick,
    /// The other candidates when `pick` is `First`.
    pub others: Vec<MountRef<'a>>,
}

impl<'a> Diagnosis<'a> {
    /// The subject the credential should have.
    pub(crate) fn expected(&self) -> Option<String> {
        let mount = self.mount?;
        let (_, accessor) = mount.mount.accessor_shown()?;
        // With the namespace id unknown, the subject's own namespace part is kept unless it is
        // a path that stands where the id belongs.
        let ns = match (mount.scope.namespace_id_str(), &self.problem, self.parsed) {
            (Some(id), _, _) => id.to_string(),
            (
                None,
                Problem::MountPath {
                    namespace: None, ..
                },
                Some(p),
            )
            | (None, Problem::None | Problem::Accessor | Problem::Class, Some(p)) => {
                p.ns.to_string()
            }
            _ => format!("<namespace id of {}>", mount.scope.namespace),
        };
        Some(format!("{SUBJECT_PREFIX}{ns}:{SECRET_CLASS}:{accessor}"))
    }

    /// Whether the namespace part could not be checked (the bundle's `namespace_id` is null).
    pub(crate) fn ns_unchecked(&self) -> bool {
        self.mount
            .is_some_and(|m| m.scope.namespace_id_str().is_none())
    }

    /// The mount the credential is for when that is certain enough to compare its other
    /// fields with: named by the subject, or the only `azure` mount with federation.
    pub(crate) fn meant(&self, all: &[MountRef<'a>]) -> Option<MountRef<'a>> {
        match (self.pick, self.mount, &self.problem) {
            (Pick::Named, Some(m), _) => Some(m),
            // An auth method's subject, or nothing to compare with: no mount of ours.
            (_, _, Problem::Unknown) => None,
            _ => {
                let wif: Vec<_> = all.iter().filter(|m| m.wif()).collect();
                match wif.as_slice() {
                    [only] => Some(**only),
                    _ => None,
                }
            }
        }
    }
}

/// The credentials whose subject is a Vault plugin subject.
pub(crate) fn vault_credentials<'a>(ctx: &Ctx<'a>) -> impl Iterator<Item = &'a Credential<'a>> {
    let model: &'a crate::model::Model<'a> = ctx.model;
    model.credentials.iter().filter(|c| c.is_vault())
}

/// Every Vault credential with what its subject names.
pub(crate) fn diagnose_all<'a>(ctx: &Ctx<'a>) -> Vec<Diagnosis<'a>> {
    let azure = azure_mounts(ctx);
    let creds: Vec<_> = vault_credentials(ctx).collect();
    // Accessors some credential names exactly: their mounts are not free for a guess.
    let named: Vec<&str> = creds
        .iter()
        .filter_map(|c| parse_subject(c.subject()?.1))
        .map(|s| s.accessor)
        .collect();
    creds
        .into_iter()
        .filter_map(|cred| {
            let (subject_at, subject) = cred.subject()?;
            Some(diagnose(ctx, cred, subject_at, subject, &azure, &named))
        })
        .collect()
}

fn diagnose<'a>(
    ctx: &Ctx<'a>,
    cred: &'a Credential<'a>,
    subject_at: At<'a>,
    subject: &'a str,
    azure: &[MountRef<'a>],
    named: &[&str],
) -> Diagnosis<'a> {
    let parsed = parse_subject(subject);
    let mut d = Diagnosis {
        cred,
        subject_at,
        subject,
        parsed,
        problem: Problem::Unknown,
        mount: None,
        pick: Pick::Named,
        others: Vec::new(),
    };
    if azure.is_empty() {
        return d;
    }
    let Some(p) = parsed else {
        // Wrong shape: the mount is the one whose accessor appears in it, else a guess.
        let rest = subject.trim().strip_prefix(SUBJECT_PREFIX).unwrap_or("");
        let by_part = rest
            .split(':')
            .find_map(|part| azure.iter().find(|m| m.accessor() == Some(part)));
        d.problem = Problem::Shape;
        match by_part {
            Some(m) => d.mount = Some(*m),
            None => suggest(&mut d, rest.rsplit(':').next().unwrap_or(""), azure, named),
        }
        return d;
    };
    let by_accessor: Vec<_> = azure
        .iter()
        .filter(|m| m.accessor() == Some(p.accessor))
        .copied()
        .collect();
    // Two dumps of one Vault name the same mount twice; prefer the one whose namespace fits.
    let found = by_accessor
        .iter()
        .find(|m| m.scope.namespace_id_str() == Some(p.ns))
        .or_else(|| by_accessor.first())
        .copied();
    if let Some(m) = found {
        d.mount = Some(m);
        let ns_id = m.scope.namespace_id_str();
        d.problem = if let Some(slip) = namespace_slip(p.ns, m.scope, azure) {
            Problem::MountPath {
                accessor: None,
                namespace: Some(slip),
            }
        } else if ns_id.is_some_and(|id| id != p.ns) {
            Problem::Namespace
        } else if p.class != SECRET_CLASS {
            Problem::Class
        } else {
            Problem::None
        };
        return d;
    }
    let path = p.accessor.trim_end_matches('/');
    let by_path = (!path.is_empty())
        .then(|| {
            let matching: Vec<_> = azure
                .iter()
                .filter(|m| m.mount.path.trim_end_matches('/') == path)
                .collect();
            matching
                .iter()
                .find(|m| m.scope.namespace_id_str() == Some(p.ns))
                .or_else(|| matching.first())
                .map(|m| **m)
        })
        .flatten();
    if let Some(m) = by_path {
        let ns_slip = namespace_slip(p.ns, m.scope, azure);
        d.mount = Some(m);
        d.problem = Problem::MountPath {
            accessor: Some(p.accessor.to_string()),
            namespace: ns_slip,
        };
        return d;
    }
    if p.class != SECRET_CLASS && !ctx.index.mounts_by_accessor.contains_key(p.accessor) {
        // An auth method's token (`…:auth:<accessor>`): auth mounts are not scanned.
        return d;
    }
    // A mount whose accessor exists only once it is applied may be the one the subject names.
    if azure.iter().any(|m| m.mount.accessor_undecided()) {
        return d;
    }
    d.problem = Problem::Accessor;
    suggest(&mut d, p.accessor, azure, named);
    d
}

/// The namespace part holds a mount path or the namespace path instead of the namespace id.
fn namespace_slip(
    ns: &str,
    scope: &Scope<'_>,
    azure: &[MountRef<'_>],
) -> Option<(String, &'static str)> {
    let trimmed = ns.trim_end_matches('/');
    if trimmed.is_empty() || scope.namespace_id_str() == Some(ns) {
        return None;
    }
    if scope.namespace.trim_end_matches('/') == trimmed {
        return Some((ns.to_string(), "namespace path"));
    }
    azure
        .iter()
        .any(|m| m.mount.path.trim_end_matches('/') == trimmed)
        .then(|| (ns.to_string(), "mount path"))
}

/// The mount a wrong accessor was likely meant for: among the federated mounts that no
/// credential names (else all federated mounts, else all `azure` mounts), the closest accessor,
/// else the only one, else the first.
fn suggest<'a>(d: &mut Diagnosis<'a>, accessor: &str, azure: &[MountRef<'a>], named: &[&str]) {
    let free: Vec<MountRef<'a>> = azure
        .iter()
        .filter(|m| m.wif() && !m.accessor().is_some_and(|a| named.contains(&a)))
        .copied()
        .collect();
    let wif: Vec<MountRef<'a>> = azure.iter().filter(|m| m.wif()).copied().collect();
    let candidates = [free, wif, azure.to_vec()]
        .into_iter()
        .find(|c| !c.is_empty())
        .unwrap_or_default();
    let accessors: Vec<&str> = candidates.iter().filter_map(MountRef::accessor).collect();
    if let Some(best) = closest(accessor, &accessors)
        && let Some(m) = candidates.iter().find(|m| m.accessor() == Some(best))
    {
        d.mount = Some(*m);
        d.pick = Pick::Closest;
        return;
    }
    match candidates.as_slice() {
        [] => {}
        [only] => {
            d.mount = Some(*only);
            d.pick = Pick::Only;
        }
        [first, rest @ ..] => {
            d.mount = Some(*first);
            d.pick = Pick::First;
            d.others = rest.to_vec();
        }
    }
}

/// The Vault a credential belongs to: its mount's, else the only Vault in the scan.
pub(crate) fn scope_of(ctx: &Ctx<'_>, d: &Diagnosis<'_>, azure: &[MountRef<'_>]) -> Option<usize> {
    if let Some(m) = d.meant(azure) {
        return Some(m.scope_idx);
    }
    let mut with_content = ctx
        .model
        .vaults
        .iter()
        .enumerate()
        .filter(|(_, s)| has_content(s));
    match (with_content.next(), with_content.next()) {
        (Some((i, _)), None) => Some(i),
        _ => None,
    }
}

/// Whether plugin workload identity federation is in play for a Vault: one of its `azure`
/// mounts has `identity_token_audience`, or a Vault credential in the scan belongs to it.
pub(crate) fn wif_in_play(ctx: &Ctx<'_>, scope_idx: usize) -> bool {
    let azure = azure_mounts(ctx);
    azure.iter().any(|m| m.scope_idx == scope_idx && m.wif())
        || ctx.model.vaults.get(scope_idx).is_some_and(|scope| {
            azure_configs(scope)
                .iter()
                .any(|(_, data, _)| audience_set(data))
        })
        || diagnose_all(ctx)
            .iter()
            .any(|d| scope_of(ctx, d, &azure) == Some(scope_idx))
}

pub(crate) fn audience_set(config: &At<'_>) -> bool {
    config
        .node
        .get_str("identity_token_audience")
        .is_some_and(|a| !a.trim().is_empty())
}

/// The first audience of a credential, when it is a literal.
pub(crate) fn first_audience<'a>(cred: &Credential<'a>) -> Option<(At<'a>, &'a str)> {
    let Field::Value(list) = cred.field("audiences") else {
        return None;
    };
    let first = list.items().into_iter().next()?;
    let s = first.node.as_str().filter(|s| !is_expression(s))?;
    Some((first, s))
}

// ---------------------------------------------------------------------------------------------
// Issuers and addresses

/// The plugin issuer a Vault's tokens carry, and where it comes from.
pub(crate) struct PluginIssuer<'a> {
    pub expected: String,
    pub source: At<'a>,
    /// What `source` is, for the related label.
    pub what: &'static str,
}

/// `<base>/v1/<namespace path>identity/oidc/plugins` with the base from `identity/oidc/config`,
/// else `api_addr`; when neither is known, the issuer the plugins discovery document states
/// (Vault's own word for it).
pub(crate) fn plugin_issuer<'a>(scope: &Scope<'a>) -> Option<PluginIssuer<'a>> {
    if let Some((source, _)) = scope.issuer_base()
        && let Some(expected) = scope.plugin_issuer()
    {
        let configured = scope
            .oidc_config
            .as_ref()
            .and_then(|c| c.node.get_str("issuer"))
            .is_some_and(|s| !s.is_empty());
        return Some(PluginIssuer {
            expected,
            source,
            what: if configured {
                "the base: `issuer` in identity/oidc/config"
            } else {
                "the base: Vault's `api_addr` (identity/oidc/config sets no issuer)"
            },
        });
    }
    let source = scope.discovery_issuer.clone()?;
    let expected = source.node.as_str().filter(|s| !s.is_empty())?.to_string();
    Some(PluginIssuer {
        expected,
        source,
        what: "the issuer Vault's plugins discovery document states",
    })
}

/// The parts of `scheme://host[:port][path…]`.
#[derive(Debug, PartialEq)]
pub(crate) struct Url<'s> {
    pub scheme: &'s str,
    pub host: &'s str,
    pub port: Option<&'s str>,
    /// `scheme://authority`.
    pub origin: &'s str,
    /// Path, query and fragment.
    pub rest: &'s str,
}

pub(crate) fn parse_url(s: &str) -> Option<Url<'_>> {
    let (scheme, after) = s.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+')
    {
        return None;
    }
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let authority = after.get(..end)?;
    let rest = after.get(end..)?;
    let origin = s.get(..scheme.len() + 3 + end)?;
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match hostport.strip_prefix('[') {
        Some(v6) => {
            let (h, tail) = v6.split_once(']')?;
            (h, tail.strip_prefix(':'))
        }
        None => match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        },
    };
    if host.is_empty() {
        return None;
    }
    Some(Url {
        scheme,
        host,
        port,
        origin,
        rest,
    })
}

/// Why Entra could not fetch a discovery document under this base, if it could not.
pub(crate) fn unreachable(base: &str) -> Option<String> {
    let url = parse_url(base.trim())?;
    let mut why = Vec::new();
    if url.scheme.eq_ignore_ascii_case("http") {
        why.push("uses `http://`".to_string());
    }
    let host = url.host.trim_end_matches('.').to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        why.push(format!("points to `{host}`"));
    } else if let Ok(ip) = host.parse::<IpAddr>() {
        if ip.is_loopback() || ip.is_unspecified() {
            why.push(format!("points to the loopback address `{host}`"));
        } else if is_private(ip) {
            why.push(format!("points to the private address `{host}`"));
        }
    } else if !host.contains('.') {
        why.push(format!(
            "names the single-label host `{host}`, which only resolves inside a private network"
        ));
    } else if let Some(suffix) = PRIVATE_SUFFIXES.iter().find(|s| host.ends_with(*s)) {
        why.push(format!(
            "names `{host}`, a `{suffix}` name that only resolves inside a private network"
        ));
    }
    (!why.is_empty()).then(|| why.join(" and "))
}

/// DNS suffixes that never resolve on the public internet.
const PRIVATE_SUFFIXES: &[&str] = &[
    ".cluster.local",
    ".svc",
    ".local",
    ".internal",
    ".home.arpa",
    ".lan",
];

fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_private() || v4.is_link_local() || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => v6.is_unique_local() || v6.is_unicast_link_local(),
    }
}

/// What Vault would say about an `identity/oidc/config` issuer: it accepts only
/// `scheme://host[:port]` with scheme http or https. Returns the accepted form (when one can be
/// derived) and the problem.
pub(crate) fn issuer_problem(issuer: &str) -> Option<(Option<String>, String)> {
    if issuer.trim() != issuer {
        return Some((
            Some(issuer.trim().to_string()).filter(|t| issuer_problem(t).is_none()),
            "has leading or trailing whitespace".into(),
        ));
    }
    let Some(url) = parse_url(issuer) else {
        return Some((
            None,
            "is not a URL of the form `https://host[:port]`".into(),
        ));
    };
    let scheme_ok = url.scheme == "http" || url.scheme == "https";
    let fixed = scheme_ok.then(|| url.origin.to_string());
    if !scheme_ok {
        return Some((None, format!("has the scheme `{}`", url.scheme)));
    }
    if url.origin.contains('@') {
        return Some((fixed, "carries user information".into()));
    }
    match url.rest {
        "" => None,
        "/" => Some((fixed, "ends in a trailing `/`".into())),
        rest if rest.starts_with('?') => Some((fixed, format!("has the query `{rest}`"))),
        rest if rest.starts_with('#') => Some((fixed, format!("has the fragment `{rest}`"))),
        rest => Some((fixed, format!("has the path `{rest}`"))),
    }
}

// ---------------------------------------------------------------------------------------------
// Durations

/// A TTL as Vault prints it (whole seconds) or as a person writes it (`"1h"`, `"30m"`,
/// `"1h30m"`, `"90s"`, `"2d"`, `"3600"`): `Some(Ok(seconds))`, `Some(Err(()))` when it cannot be
/// read, `None` when it is null.
pub(crate) fn parse_ttl(node: &Node) -> Option<Result<i64, ()>> {
    let scalar = node.as_scalar()?;
    match scalar.typed {
        Typed::Null | Typed::Unknown => None,
        Typed::Int(n) => Some(Ok(n)),
        Typed::Float(f) if f.is_finite() && f.fract() == 0.0 => Some(Ok(f as i64)),
        Typed::Str => Some(parse_duration(&scalar.text).ok_or(())),
        _ => Some(Err(())),
    }
}

/// Go-style durations with Vault's `d` for days; a bare integer is seconds.
pub(crate) fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if body.is_empty() {
        return None;
    }
    if body.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = body.parse().ok()?;
        return Some(if negative { -n } else { n });
    }
    let mut total: f64 = 0.0;
    let mut rest = body;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest.get(..num_end)?.parse().ok()?;
        rest = rest.get(num_end..)?;
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = rest.get(..unit_end)?;
        rest = rest.get(unit_end..)?;
        let scale = match unit {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            _ => return None,
        };
        total += number * scale;
    }
    let secs = total.floor();
    if !secs.is_finite() || secs > i64::MAX as f64 {
        return None;
    }
    let secs = secs as i64;
    Some(if negative { -secs } else { secs })
}

/// `3600` → `3600 s (1h)`.
pub(crate) fn show_secs(n: i64) -> String {
    let human = if n > 0 && n % 86400 == 0 {
        format!(" ({}d)", n / 86400)
    } else if n > 0 && n % 3600 == 0 {
        format!(" ({}h)", n / 3600)
    } else if n > 0 && n % 60 == 0 {
        format!(" ({}m)", n / 60)
    } else {
        String::new()
    };
    format!("{n}s{human}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("3600"), Some(3600));
        assert_eq!(parse_duration("1h"), Some(3600));
        assert_eq!(parse_duration("24h"), Some(86400));
        assert_eq!(parse_duration("30m"), Some(1800));
        assert_eq!(parse_duration("1h30m"), Some(5400));
        assert_eq!(parse_duration("90s"), Some(90));
        assert_eq!(parse_duration("2d"), Some(172_800));
        assert_eq!(parse_duration("-5m"), Some(-300));
        assert_eq!(parse_duration("0"), Some(0));
        assert_eq!(parse_duration("1.5h"), Some(5400));
        assert_eq!(parse_duration("1 hour"), None);
        assert_eq!(parse_duration("h"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("10x"), None);
    }

    #[test]
    fn subjects() {
        assert_eq!(
            parse_subject("plugin-identity:root:secret:azure_38b36e27"),
            Some(Subject {
                ns: "root",
                class: "secret",
                accessor: "azure_38b36e27"
            })
        );
        assert_eq!(parse_subject("plugin-identity:root:azure_38b36e27"), None);
        assert_eq!(parse_subject("system:serviceaccount:a:b"), None);
    }

    #[test]
    fn urls() {
        let u = parse_url("https://vault.example.com:8200/v1/x?y").unwrap_or_else(|| panic!());
        assert_eq!(u.host, "vault.example.com");
        assert_eq!(u.port, Some("8200"));
        assert_eq!(u.origin, "https://vault.example.com:8200");
        assert_eq!(u.rest, "/v1/x?y");
        let v6 = parse_url("https://[::1]:8200").unwrap_or_else(|| panic!());
        assert_eq!(v6.host, "::1");
        assert_eq!(parse_url("vault.example.com"), None);
    }

    #[test]
    fn reachability() {
        assert_eq!(unreachable("https://vault.example.com:8200"), None);
        assert_eq!(unreachable("https://52.168.10.4:8200"), None);
        for bad in [
            "http://vault.example.com",
            "https://127.0.0.1:8200",
            "https://localhost:8200",
            "https://10.0.4.12:8200",
            "https://172.20.1.1",
            "https://192.168.1.10:8200",
            "https://[::1]:8200",
            "https://[fd12:3456::1]:8200",
            "https://vault:8200",
            "https://vault.vault.svc.cluster.local:8200",
            "https://vault.corp.internal",
        ] {
            assert!(unreachable(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn issuer_shapes() {
        assert_eq!(issuer_problem("https://vault.example.com:8200"), None);
        assert_eq!(issuer_problem("http://127.0.0.1:8200"), None);
        for (bad, fixed) in [
            (
                "https://vault.example.com:8200/",
                Some("https://vault.example.com:8200"),
            ),
            (
                "https://vault.example.com:8200/v1/identity/oidc",
                Some("https://vault.example.com:8200"),
            ),
            (
                "https://vault.example.com?x=1",
                Some("https://vault.example.com"),
            ),
            (
                " https://vault.example.com",
                Some("https://vault.example.com"),
            ),
            ("vault.example.com:8200", None),
            ("ftp://vault.example.com", None),
        ] {
            let (got, _) = issuer_problem(bad).unwrap_or_else(|| panic!("{bad}"));
            assert_eq!(got.as_deref(), fixed, "{bad}");
        }
    }
}

//! Rules over Kubernetes workloads and ServiceAccounts (catalog section A). One file per rule,
//! named after its id.

mod client_id_env_mismatch;
mod client_id_missing;
mod client_id_not_guid;
mod client_secret_env;
mod label_value_not_string;
mod pod_identity_deprecated;
mod proxy_sidecar_host_network;
mod proxy_sidecar_opt_out_ignored;
mod proxy_sidecar_port_invalid;
mod service_account_not_found;
mod skip_containers_unknown;
mod token_expiration_invalid;
mod token_file_path_hardcoded;
mod wi_annotation_without_label;
mod wi_label_missing;
mod wi_label_not_true;
mod wi_label_on_workload_metadata;
mod wi_marker_on_service_account;

use crate::finding::{Finding, Severity};
use crate::index::{UNKNOWN_NS, display_ns};
use crate::model::k8s::{Object, PodTemplate, SaRef, value_text};
use crate::rules::{Ctx, NativeFn, Reach};

pub const TEMPLATES: &[(&str, NativeFn, Reach)] = &[
    (
        "k8s.client-id-env-mismatch",
        client_id_env_mismatch::check,
        Reach::Scan,
    ),
    (
        "k8s.client-id-missing",
        client_id_missing::check,
        Reach::Scan,
    ),
    (
        "k8s.client-id-not-guid",
        client_id_not_guid::check,
        Reach::File,
    ),
    (
        "k8s.client-secret-env",
        client_secret_env::check,
        Reach::File,
    ),
    (
        "k8s.label-value-not-string",
        label_value_not_string::check,
        Reach::File,
    ),
    (
        "k8s.pod-identity-deprecated",
        pod_identity_deprecated::check,
        Reach::File,
    ),
    (
        "k8s.proxy-sidecar-host-network",
        proxy_sidecar_host_network::check,
        Reach::File,
    ),
    (
        "k8s.proxy-sidecar-opt-out-ignored",
        proxy_sidecar_opt_out_ignored::check,
        Reach::File,
    ),
    (
        "k8s.proxy-sidecar-port-invalid",
        proxy_sidecar_port_invalid::check,
        Reach::File,
    ),
    (
        "k8s.service-account-not-found",
        service_account_not_found::check,
        Reach::Scan,
    ),
    (
        "k8s.skip-containers-unknown",
        skip_containers_unknown::check,
        Reach::File,
    ),
    (
        "k8s.token-expiration-invalid",
        token_expiration_invalid::check,
        Reach::Scan,
    ),
    (
        "k8s.token-file-path-hardcoded",
        token_file_path_hardcoded::check,
        Reach::File,
    ),
    (
        "k8s.wi-annotation-without-label",
        wi_annotation_without_label::check,
        Reach::Scan,
    ),
    ("k8s.wi-label-missing", wi_label_missing::check, Reach::Scan),
    (
        "k8s.wi-label-not-true",
        wi_label_not_true::check,
        Reach::File,
    ),
    (
        "k8s.wi-label-on-workload-metadata",
        wi_label_on_workload_metadata::check,
        Reach::File,
    ),
    (
        "k8s.wi-marker-on-service-account",
        wi_marker_on_service_account::check,
        Reach::Scan,
    ),
];

/// A pod template with its owner, namespace and ServiceAccount resolved.
pub(crate) struct Pod<'c, 'a> {
    pub template: &'c PodTemplate<'a>,
    pub object: &'c Object<'a>,
    pub ns: &'c str,
    pub sa: SaRef<'a>,
    /// Scanned ServiceAccount objects with that namespace and name.
    pub sa_objects: &'c [usize],
    /// The ServiceAccount was matched by name only: the pod's or its namespace is unknown, and
    /// no match is in the same namespace or beside the pod (applied with it). A finding that
    /// rests on the match is then at most a note.
    pub guessed: bool,
}

pub(crate) fn pods<'c, 'a>(ctx: &'c Ctx<'a>) -> impl Iterator<Item = Pod<'c, 'a>> + 'c {
    ctx.model.templates.iter().map(move |template| {
        let object = &ctx.model.objects[template.object];
        let ns = ctx.index.ns(template.object);
        let sa = template.service_account();
        let sa_objects = ctx.index.service_accounts(ns, sa.name);
        let dir = ctx.dir_of(object.file);
        let guessed = !sa_objects.is_empty()
            && !sa_objects.iter().any(|&i| {
                let sa_ns = ctx.index.ns(i);
                (sa_ns == ns && display_ns(ns) != UNKNOWN_NS)
                    || ctx.dir_of(ctx.model.objects[i].file) == dir
            });
        Pod {
            template,
            object,
            ns,
            sa,
            sa_objects,
            guessed,
        }
    })
}

impl Pod<'_, '_> {
    /// A finding resting on the ServiceAccount match, as a note when the match is a guess.
    pub(crate) fn capped(&self, f: Finding) -> Finding {
        if self.guessed && f.severity > Severity::Note {
            let message = format!(
                "{} (matched by name only: the namespace is unknown, so this ServiceAccount may not be the one the pod runs as)",
                f.message
            );
            Finding { message, ..f }.severity(Severity::Note)
        } else {
            f
        }
    }

    /// Whether the ServiceAccount is known: the template names one, or is a complete pod (a
    /// strategic-merge patch that names none leaves it to the base).
    pub(crate) fn sa_known(&self) -> bool {
        (self.sa.path.is_some() || !self.template.is_patch())
            && !self.template.service_account_undecided()
    }
}

/// The first scanned ServiceAccount object (of possibly several overlays) carrying an annotation
/// with a value, else the first carrying it empty: which declaration is scanned first must not
/// decide whether a value is seen.
pub(crate) fn sa_annotation<'a>(
    ctx: &Ctx<'a>,
    sa_objects: &[usize],
    key: &str,
) -> Option<(usize, &'a crate::document::Entry)> {
    let carrying = || {
        sa_objects.iter().filter_map(|&i| {
            ctx.model.objects[i]
                .metadata_map("annotations")
                .and_then(|a| a.entry(key))
                .map(|e| (i, e))
        })
    };
    carrying()
        .find(|(_, e)| !value_text(&e.value).trim().is_empty())
        .or_else(|| carrying().next())
}

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
mod wi_label_missing;
mod wi_label_not_true;
mod wi_label_on_workload_metadata;
mod wi_marker_on_service_account;

use crate::model::k8s::{Object, PodTemplate, SaRef};
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
}

pub(crate) fn pods<'c, 'a>(ctx: &'c Ctx<'a>) -> impl Iterator<Item = Pod<'c, 'a>> + 'c {
    ctx.model.templates.iter().map(move |template| {
        let object = &ctx.model.objects[template.object];
        let ns = object.namespace(ctx.default_ns());
        let sa = template.service_account();
        let sa_objects = ctx.index.service_accounts(ns, sa.name);
        Pod {
            template,
            object,
            ns,
            sa,
            sa_objects,
        }
    })
}

impl Pod<'_, '_> {
    /// Whether the ServiceAccount is known: the template names one, or is a complete pod (a
    /// strategic-merge patch that names none leaves it to the base).
    pub(crate) fn sa_known(&self) -> bool {
        (self.sa.path.is_some() || !self.template.is_patch())
            && !self.template.service_account_undecided()
    }
}

/// The first scanned ServiceAccount object (of possibly several overlays) carrying an annotation.
pub(crate) fn sa_annotation<'a>(
    ctx: &Ctx<'a>,
    sa_objects: &[usize],
    key: &str,
) -> Option<(usize, &'a crate::document::Entry)> {
    sa_objects.iter().find_map(|&i| {
        ctx.model.objects[i]
            .metadata_map("annotations")
            .and_then(|a| a.entry(key))
            .map(|e| (i, e))
    })
}

//! A document that matches no known input shape is not checked; say so when the user named the
//! file (or asked with `--verbose`) rather than pass it silently. A `vault read` response whose
//! path cannot be told is always reported: it is clearly meant as input, and dropping it would
//! make the Vault rules pass for want of data.

use crate::document::{Part, Path};
use crate::finding::Loc;
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for &(file, doc) in &ctx.model.unrecognized {
        let input = &ctx.files[file];
        if !(input.explicit || ctx.options.verbose) {
            continue;
        }
        out.push(
            ctx.finding(
                Loc::node(file, doc, Path::root(), Part::Value),
                "not a known input",
                format!(
                    "document {} of {} is not a recognized input, so it was not checked",
                    doc + 1,
                    input.source.path
                ),
            )
            .help(
                "wiflint reads Kubernetes manifests, federated credential, identity and AKS \
                 exports, and Vault dumps (docs/inputs.md lists the shapes)",
            ),
        );
    }
    for &(file, doc) in &ctx.model.ambiguous {
        out.push(
            ctx.finding(
                Loc::node(file, doc, Path::root(), Part::Value),
                "a `vault read` response from an unknown path",
                format!(
                    "{} is a `vault read` response, but nothing says which Vault path it answers, \
                     so it was not checked",
                    ctx.files[file].source.path
                ),
            )
            .help(
                "use a dump bundle (`wiflint vault-dump-script`), or name the file after its path: \
                 `azure-config.json` (or `<mount>-config.json`), `identity-oidc-config.json`, \
                 `identity-oidc-key-<name>.json`",
            ),
        );
    }
}

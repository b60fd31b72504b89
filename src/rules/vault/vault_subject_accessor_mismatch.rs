//! Vault puts the mount's *accessor* (`azure_38b36e27`) into the plugin token's subject,
//! `plugin-identity:<namespace id>:secret:<accessor>`, and Entra matches the subject exactly: a
//! credential naming any other accessor never matches a token (AADSTS700213).

use super::{Pick, Problem, describe_mount, diagnose_all};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for d in diagnose_all(ctx) {
        let (Some(mount), Some(expected)) = (d.mount, d.expected()) else {
            continue;
        };
        let Some((accessor_at, accessor)) = mount.mount.accessor_shown() else {
            continue;
        };
        let path = &mount.mount.path;
        let cred = d.cred.describe();
        let found_accessor = d.parsed.map_or("", |p| p.accessor);
        let (label, mut message) = match &d.problem {
            Problem::Accessor => {
                let other = ctx
                    .index
                    .mounts_by_accessor
                    .get(found_accessor)
                    .and_then(|v| v.first())
                    .and_then(|&(s, m)| {
                        let scope = ctx.model.vaults.get(s)?;
                        let other = scope.mounts.get(m)?;
                        Some(format!(
                            " (it is the accessor of {}, a `{}` mount)",
                            describe_mount(&other.path, scope),
                            other.kind().unwrap_or("?")
                        ))
                    })
                    .unwrap_or_default();
                let which = match d.pick {
                    Pick::Closest => format!(
                        "did you mean `{accessor}`, the accessor of {}?",
                        mount.describe()
                    ),
                    Pick::Only | Pick::Named => format!(
                        "it was likely meant for {}, whose accessor is `{accessor}`",
                        mount.describe()
                    ),
                    Pick::First => {
                        let all: Vec<String> = std::iter::once(mount)
                            .chain(d.others.iter().copied())
                            .map(|m| {
                                format!("`{}` (`{}`)", m.mount.path, m.accessor().unwrap_or("?"))
                            })
                            .collect();
                        format!("the scanned azure mounts are {}", all.join(", "))
                    }
                };
                (
                    "no scanned azure mount has this accessor",
                    format!(
                        "{cred} names the mount accessor `{found_accessor}`{other}, which is not the accessor of any scanned azure secrets mount; {which}"
                    ),
                )
            }
            Problem::Namespace => {
                let ns = d.parsed.map_or("", |p| p.ns);
                let id = mount.scope.namespace_id_str().unwrap_or("");
                let where_ = if mount.scope.namespace.is_empty() {
                    "the root namespace".to_string()
                } else {
                    format!("namespace `{}`", mount.scope.namespace)
                };
                (
                    "wrong namespace id",
                    format!(
                        "{cred} names the accessor of {} but the namespace id `{ns}`; the mount lives in {where_}, whose id is `{id}`",
                        mount.describe()
                    ),
                )
            }
            Problem::Class => {
                let class = d.parsed.map_or("", |p| p.class);
                (
                    "wrong token class",
                    format!(
                        "{cred} names the accessor of secrets engine {} with the class `{class}`; tokens of a secrets engine carry `secret` (`auth` is for auth methods)",
                        mount.describe()
                    ),
                )
            }
            Problem::Shape => (
                "not a plugin token subject",
                format!(
                    "{cred} has the subject `{}`, which is not of the form `plugin-identity:<namespace id>:secret:<accessor>`; for {} it is `{expected}`",
                    d.subject,
                    mount.describe()
                ),
            ),
            _ => continue,
        };
        if d.ns_unchecked() {
            let sep = if message.ends_with('?') { " " } else { "; " };
            message.push_str(&format!(
                "{sep}(The namespace id could not be checked: the dump gives no `namespace_id` for `{}`.)",
                mount.scope.namespace
            ));
        }
        out.push(
            ctx.finding(d.subject_at.loc(), label, message)
                .mismatch(expected.clone(), d.subject)
                .related(accessor_at.loc(), format!("accessor of `{path}`"))
                .help(format!("set the credential's subject to `{expected}`")),
        );
    }
}

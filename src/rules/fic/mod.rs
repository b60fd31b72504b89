//! Rules over federated identity credentials on their own (catalog section B, single-credential
//! and per-identity checks). One file per rule, named after its id.

mod audience_count_invalid;
mod audience_not_default;
mod claims_expression_invalid;
mod credential_limit_exceeded;
mod credential_name_invalid;
mod duplicate_issuer_subject;
mod entra_issuer_unsupported;
mod github_subject_invalid;
mod issuer_not_https;
mod issuer_trailing_slash;
mod subject_format_invalid;
mod subject_wildcard;

use std::collections::HashMap;

use crate::model::azure::{Credential, Owner};
use crate::rules::{Ctx, NativeFn, Reach};

pub const TEMPLATES: &[(&str, NativeFn, Reach)] = &[
    (
        "fic.audience-count-invalid",
        audience_count_invalid::check,
        Reach::File,
    ),
    (
        "fic.audience-not-default",
        audience_not_default::check,
        Reach::File,
    ),
    (
        "fic.claims-expression-invalid",
        claims_expression_invalid::check,
        Reach::File,
    ),
    (
        "fic.credential-limit-exceeded",
        credential_limit_exceeded::check,
        Reach::Scan,
    ),
    (
        "fic.credential-name-invalid",
        credential_name_invalid::check,
        Reach::File,
    ),
    (
        "fic.duplicate-issuer-subject",
        duplicate_issuer_subject::check,
        Reach::Scan,
    ),
    (
        "fic.entra-issuer-unsupported",
        entra_issuer_unsupported::check,
        Reach::File,
    ),
    (
        "fic.github-subject-invalid",
        github_subject_invalid::check,
        Reach::File,
    ),
    ("fic.issuer-not-https", issuer_not_https::check, Reach::File),
    (
        "fic.issuer-trailing-slash",
        issuer_trailing_slash::check,
        Reach::Scan,
    ),
    (
        "fic.subject-format-invalid",
        subject_format_invalid::check,
        Reach::File,
    ),
    ("fic.subject-wildcard", subject_wildcard::check, Reach::File),
];

/// The GitHub Actions issuer as GitHub's tokens carry it (no trailing slash).
const GITHUB_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// The GitHub Actions issuer, with or without the trailing slash some Microsoft examples add; an
/// enterprise's customised issuer `…githubusercontent.com/<enterprise>`; or a GitHub Enterprise
/// Server's `https://<host>/_services/token`, whose tokens carry the same subjects.
fn is_github_issuer(issuer: &str) -> bool {
    let issuer = issuer.strip_suffix('/').unwrap_or(issuer);
    if issuer == GITHUB_ISSUER {
        return true;
    }
    if let Some(slug) = issuer
        .strip_prefix(GITHUB_ISSUER)
        .and_then(|r| r.strip_prefix('/'))
    {
        return !slug.is_empty() && !slug.contains(['/', '?', '#']);
    }
    issuer
        .strip_prefix("https://")
        .and_then(|r| r.strip_suffix("/_services/token"))
        .is_some_and(|host| !host.is_empty() && !host.contains(['/', '?', '#', ' ']))
}

/// Credential groups by owner, owners in a stable order, credentials in scan (document) order.
fn groups<'c>(ctx: &'c Ctx<'_>) -> Vec<(&'c Owner, &'c [usize])> {
    let by_owner: &'c HashMap<Owner, Vec<usize>> = &ctx.index.credentials_by_owner;
    let mut groups: Vec<(&Owner, &[usize])> =
        by_owner.iter().map(|(o, v)| (o, v.as_slice())).collect();
    groups.sort_by(|a, b| a.0.cmp(b.0));
    groups
}

/// How messages name a credential; a copy loop whose credential name is an expression is named
/// by its `copy.name`.
fn describe(cred: &Credential<'_>) -> String {
    let loop_name = cred
        .copy
        .as_ref()
        .and_then(|c| c.node.get_str("name"))
        .filter(|_| cred.name().is_none());
    match loop_name {
        Some(name) => format!("credential copy loop `{name}`"),
        None => cred.describe(),
    }
}

/// A value shortened for a message (long issuers and audiences would drown it).
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let head: String = s.chars().take(max).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_issuer_forms() {
        assert!(is_github_issuer(
            "https://token.actions.githubusercontent.com"
        ));
        assert!(is_github_issuer(
            "https://token.actions.githubusercontent.com/"
        ));
        assert!(!is_github_issuer(
            "https://token.actions.githubusercontent.com//"
        ));
        assert!(is_github_issuer("https://ghe.contoso.com/_services/token"));
        assert!(is_github_issuer(
            "https://token.actions.githubusercontent.com/contoso"
        ));
        assert!(!is_github_issuer("https://ghe.contoso.com/other/token"));
        assert!(!is_github_issuer("https:///_services/token"));
        assert_eq!(shorten("abcdef", 3), "abc…");
        assert_eq!(shorten("abc", 3), "abc");
    }
}

//! Entra uses the issuer URL to fetch the OIDC discovery document and the signing keys, and
//! compares it exactly with the token's `iss`: it must be an absolute `https://` URL without query
//! or fragment, at most 600 characters, with no surrounding whitespace (which blocks the exchange).

use super::shorten;
use crate::document::Piece;
use crate::model::azure::Field;
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let max = usize::try_from(ctx.param_i64("max-length", 600)).unwrap_or(600);
    for cred in &ctx.model.credentials {
        if let Some((at, pieces)) = cred.partial("issuer")
            && let Some(problem) = partial_problem(&pieces)
        {
            let shown = at.node.shown_expression().unwrap_or_default();
            out.push(
                ctx.finding(
                    at.loc(),
                    problem,
                    format!(
                        "the issuer of {} is `{}`: it {problem}, whatever the rest turns out to be; Entra fetches the issuer's OIDC discovery document over HTTPS and compares the issuer exactly with the token's `iss`",
                        cred.describe(),
                        shorten(&shown, 100),
                    ),
                )
                .help("set the issuer to the token issuer's URL exactly as its `iss` claim and discovery document state it (https://host/path)"),
            );
            continue;
        }
        let Field::Value(at) = cred.field("issuer") else {
            continue;
        };
        let Some(issuer) = at.node.as_str() else {
            continue;
        };
        let Some((problems, suggestion)) = problems(issuer, max) else {
            continue;
        };
        let mut f = ctx
            .finding(
                at.loc(),
                problems.first().cloned().unwrap_or_default(),
                format!(
                    "the issuer of {} is `{}`: it {}; Entra fetches the issuer's OIDC discovery document over HTTPS and compares the issuer exactly with the token's `iss`",
                    cred.describe(),
                    shorten(issuer, 100),
                    problems.join(", ")
                ),
            );
        f = match suggestion {
            Some(s) => f
                .help(format!("set the issuer to `{s}`"))
                .mismatch(s, issuer),
            None => f.help(
                "set the issuer to the token issuer's URL exactly as its `iss` claim and discovery document state it (https://host/path)",
            ),
        };
        out.push(f);
    }
}

/// What the known parts of an issuer with holes decide: its scheme when it starts known, and
/// whitespace, which no hole can take away.
fn partial_problem(pieces: &[Piece<'_>]) -> Option<&'static str> {
    let known = || {
        pieces.iter().filter_map(|p| match p {
            Piece::Known(k) => Some(*k),
            Piece::Hole(_) => None,
        })
    };
    match pieces.first() {
        Some(Piece::Known(k))
            if k.get(..7)
                .is_some_and(|s| s.eq_ignore_ascii_case("http://")) =>
        {
            Some("uses `http://`, not `https://`")
        }
        _ if known().any(|k| k.contains(char::is_whitespace)) => Some("contains whitespace"),
        _ => None,
    }
}

/// What is wrong with the issuer, and the issuer a user most likely meant when that is clear.
fn problems(issuer: &str, max: usize) -> Option<(Vec<String>, Option<String>)> {
    let mut problems = Vec::new();
    let trimmed = issuer.trim();
    if trimmed.is_empty() {
        return Some((vec!["is empty".into()], None));
    }
    if trimmed != issuer {
        problems.push("has leading or trailing whitespace".to_string());
    }
    let len = issuer.chars().count();
    if len > max {
        problems.push(format!("is {len} characters long (at most {max})"));
    }
    let lower = trimmed.to_ascii_lowercase();
    // `lower` has the same bytes as `trimmed` but for ASCII case, so the cuts line up.
    let after = |n: usize| trimmed.get(n..).unwrap_or("");
    let (rest, mut fixed) = if lower.starts_with("https://") {
        (after(8), Some(trimmed.to_string()))
    } else if lower.starts_with("http://") {
        problems.push("uses `http://`, not `https://`".into());
        (after(7), Some(format!("https://{}", after(7))))
    } else if trimmed.contains("://") {
        problems.push("is not an `https://` URL".into());
        (trimmed, None)
    } else {
        problems.push("is not an absolute `https://` URL".into());
        // A bare host name (`token.actions.githubusercontent.com`) lacks only its scheme.
        let host = trimmed.split('/').next().unwrap_or("");
        let hostlike = host.contains('.') && !host.contains(char::is_whitespace);
        (trimmed, hostlike.then(|| format!("https://{trimmed}")))
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if rest.contains("://") || host.is_empty() {
        if !problems.iter().any(|p| p.contains("URL")) {
            problems.push("has no host".into());
        }
        fixed = None;
    }
    if trimmed.contains(char::is_whitespace) {
        problems.push("contains whitespace".into());
        fixed = None;
    }
    if let Some(cut) = rest.find(['?', '#']) {
        let what = if rest[cut..].starts_with('?') {
            "has a query (`?…`)"
        } else {
            "has a fragment (`#…`)"
        };
        problems.push(what.into());
        fixed = fixed.map(|f| f.split(['?', '#']).next().unwrap_or("").to_string());
    }
    if problems.is_empty() {
        return None;
    }
    let fixed = fixed.filter(|f| f != issuer && f.chars().count() <= max);
    Some((problems, fixed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<(Vec<String>, Option<String>)> {
        problems(s, 600)
    }

    #[test]
    fn issuers() {
        let aks = "https://eastus.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/11111111-1111-1111-1111-111111111111/";
        assert_eq!(p(aks), None);
        assert_eq!(p("https://token.actions.githubusercontent.com"), None);
        assert_eq!(
            p("https://vault.example.com:8200/v1/identity/oidc/plugins"),
            None
        );
        let (why, fix) = p(" https://gitlab.com ").unwrap_or_default();
        assert_eq!(why, vec!["has leading or trailing whitespace"]);
        assert_eq!(fix.as_deref(), Some("https://gitlab.com"));
        let (_, fix) = p("http://vault.internal:8200/v1/identity/oidc/plugins").unwrap_or_default();
        assert_eq!(
            fix.as_deref(),
            Some("https://vault.internal:8200/v1/identity/oidc/plugins")
        );
        let (_, fix) = p("token.actions.githubusercontent.com").unwrap_or_default();
        assert_eq!(
            fix.as_deref(),
            Some("https://token.actions.githubusercontent.com")
        );
        let (why, fix) = p("https://gitlab.com/?x=1").unwrap_or_default();
        assert_eq!(why, vec!["has a query (`?…`)"]);
        assert_eq!(fix.as_deref(), Some("https://gitlab.com/"));
        assert!(p("https://").is_some());
        assert!(p("https:///path").is_some());
        assert!(p("https://exa mple.com").is_some());
        assert!(p("").is_some());
        assert!(p("ftp://x").is_some());
        let long = format!("https://example.com/{}", "a".repeat(600));
        let (why, fix) = p(&long).unwrap_or_default();
        assert!(why[0].starts_with("is 620 characters long"), "{why:?}");
        assert_eq!(fix, None);
    }
}

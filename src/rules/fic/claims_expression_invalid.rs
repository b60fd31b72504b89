//! A flexible federated credential matches the token's claims with `claimsMatchingExpression`
//! `{value, languageVersion: 1}` instead of one exact subject; it takes the place of `subject`
//! (never both), follows `claims['<claim>'] eq|matches '<value>'` joined by ` and `, and only the
//! GitHub, GitLab and Terraform Cloud issuers support it.

use super::{GITHUB_ISSUER, shorten};
use crate::document::Typed;
use crate::finding::Severity;
use crate::model::azure::{Field, is_expression};
use crate::rules::{Ctx, Findings};

const KEY: &str = "claimsMatchingExpression";

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for cred in &ctx.model.credentials {
        let subject = cred.field("subject");
        let subject_set = match &subject {
            Field::Missing => false,
            Field::Expression(_) => true,
            Field::Value(at) => at.node.as_str() != Some(""),
        };
        let cme = match cred.field(KEY) {
            Field::Value(at) => Some(at),
            _ => None,
        };
        let cme_set = !matches!(cred.field(KEY), Field::Missing);
        if subject_set && cme_set {
            let mut f = ctx.finding(
                cred.loc(),
                "both `subject` and `claimsMatchingExpression`",
                format!(
                    "{} sets both `subject` and `{KEY}`: a credential matches either one exact subject or a claims expression, never both (\"Either 'subject' or 'claimsMatchingExpression' must be defined, but not both\")",
                    cred.describe()
                ),
            )
            .help("remove `subject` to keep the flexible credential, or remove `claimsMatchingExpression` to keep the classic one");
            if let Some(at) = subject.value() {
                f = f.related(at.loc(), "subject");
            }
            if let Some(at) = cred.props.get(KEY) {
                f = f.related(at.key_loc(), "claims expression");
            }
            out.push(f);
        } else if !subject_set && !cme_set {
            out.push(
                ctx.finding(
                    cred.loc(),
                    "neither `subject` nor `claimsMatchingExpression`",
                    format!(
                        "{} has neither a `subject` nor a `{KEY}`: Entra needs one of them to tell which tokens the credential accepts (\"Either 'subject' or 'claimsMatchingExpression' must be defined\")",
                        cred.describe()
                    ),
                )
                .help("add the `subject` the token carries (e.g. `system:serviceaccount:<namespace>:<name>`), or a `claimsMatchingExpression`"),
            );
        }
        let Some(cme) = cme else {
            continue;
        };
        if cme.node.as_map().is_none() {
            out.push(
                ctx.finding(
                    cme.loc(),
                    "not an object",
                    format!(
                        "`{KEY}` of {} is not an object: it must be `{{\"value\": \"claims['sub'] matches '…'\", \"languageVersion\": 1}}`",
                        cred.describe()
                    ),
                )
                .help("write the expression as an object with `value` and `languageVersion: 1`"),
            );
            continue;
        }
        match cme.get("languageVersion").filter(|v| !v.node.is_null()) {
            None => out.push(
                ctx.finding(
                    cme.key_loc(),
                    "no `languageVersion`",
                    format!(
                        "`{KEY}` of {} has no `languageVersion`: it must be 1, the only expression language version",
                        cred.describe()
                    ),
                )
                .help("add `\"languageVersion\": 1`"),
            ),
            Some(v) => {
                let scalar = v.node.as_scalar();
                let is_one = scalar.is_some_and(|s| s.typed == Typed::Int(1));
                let unknown = v.node.as_str().is_some_and(is_expression);
                if !is_one && !unknown {
                    let shown = v.node.text().unwrap_or("an object");
                    out.push(
                        ctx.finding(
                            v.loc(),
                            "not 1",
                            format!(
                                "`languageVersion` of {} is `{}`: it must be the number 1, the only expression language version",
                                cred.describe(),
                                shorten(shown, 40)
                            ),
                        )
                        .mismatch("1", shown)
                        .help("set `\"languageVersion\": 1`"),
                    );
                }
            }
        }
        let value = cme.get("value").filter(|v| !v.node.is_null());
        let text = value.as_ref().and_then(|v| v.node.as_str());
        match value.as_ref().zip(text) {
            Some((_, t)) if is_expression(t) => {}
            Some((v, t)) => {
                if let Some(error) = syntax_error(t) {
                    out.push(
                        ctx.finding(
                            v.loc(),
                            "not `claims['<claim>'] eq|matches '<value>'`",
                            format!(
                                "the claims expression of {} is `{}`: {error}; the syntax is `claims['<claim>'] eq|matches '<value>'`, terms joined by ` and `, single spaces and single quotes",
                                cred.describe(),
                                shorten(t, 160)
                            ),
                        )
                        .help("e.g. `claims['sub'] matches 'repo:contoso/api:ref:refs/heads/*'`"),
                    );
                }
            }
            // An expression a front-end could not evaluate: not decided, not missing.
            None if value.as_ref().is_some_and(|v| v.node.is_unknown()) => {}
            None => out.push(
                ctx.finding(
                    value.as_ref().map_or_else(|| cme.key_loc(), |v| v.loc()),
                    "no expression",
                    format!(
                        "`{KEY}` of {} has no `value` string: the expression itself is missing",
                        cred.describe()
                    ),
                )
                .help("add `\"value\": \"claims['sub'] matches '…'\"`"),
            ),
        }
        if let Some((issuer_at, issuer)) = cred.issuer()
            && !supports_flexible(issuer)
        {
            let loc = value
                .as_ref()
                .filter(|v| v.node.as_str().is_some())
                .map_or_else(|| cme.key_loc(), |v| v.loc());
            out.push(
                ctx.finding(
                    loc,
                    "flexible credential on an unsupported issuer",
                    format!(
                        "{} uses a claims expression with issuer `{}`: flexible credentials are supported only for the GitHub Actions (`{GITHUB_ISSUER}`), GitLab (`https://gitlab.com`) and Terraform Cloud (`https://app.terraform.io`, `https://app.eu.terraform.io`) issuers",
                        cred.describe(),
                        shorten(issuer, 100)
                    ),
                )
                .severity(Severity::Warning)
                .related(issuer_at.loc(), "issuer")
                .help("use a classic credential with the exact `subject` for this issuer"),
            );
        }
    }
}

/// The issuers that support flexible credentials, with or without a trailing slash.
fn supports_flexible(issuer: &str) -> bool {
    let i = issuer.strip_suffix('/').unwrap_or(issuer);
    if [
        GITHUB_ISSUER,
        "https://gitlab.com",
        "https://app.terraform.io",
        "https://app.eu.terraform.io",
    ]
    .contains(&i)
    {
        return true;
    }
    // GitLab's other hosted instances: `https://gitlab.<x>.com` and `.ca`.
    i.strip_prefix("https://gitlab.")
        .and_then(|h| h.strip_suffix(".com").or_else(|| h.strip_suffix(".ca")))
        .is_some_and(|x| {
            !x.is_empty()
                && x.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        })
}

/// Where the expression departs from `claims['<claim>'] (eq|matches) '<value>'`( and …)*.
fn syntax_error(expr: &str) -> Option<String> {
    let at = |rest: &str| {
        let done = expr.len() - rest.len();
        let col = expr.get(..done).map_or(0, |s| s.chars().count()) + 1;
        let next: String = rest.chars().take(12).collect();
        if next.is_empty() {
            format!("at character {col} (the end)")
        } else {
            format!("at character {col} (`{next}`)")
        }
    };
    if expr.trim().is_empty() {
        return Some("it is empty".into());
    }
    let mut rest = expr;
    loop {
        let Some(r) = rest.strip_prefix("claims['") else {
            return Some(format!("expected `claims['` {}", at(rest)));
        };
        let Some((claim, r)) = r.split_once('\'') else {
            return Some(format!("the claim name is not closed with `'` {}", at(r)));
        };
        if claim.is_empty() {
            return Some(format!("empty claim name {}", at(r)));
        }
        let Some(r) = r.strip_prefix("] ") else {
            return Some(format!("expected `] ` after the claim name {}", at(r)));
        };
        let Some(r) = r
            .strip_prefix("eq '")
            .or_else(|| r.strip_prefix("matches '"))
        else {
            return Some(format!(
                "expected `eq '` or `matches '` (one space, then a single-quoted value) {}",
                at(r)
            ));
        };
        let Some((_, r)) = r.split_once('\'') else {
            return Some(format!("the value is not closed with `'` {}", at(r)));
        };
        if r.is_empty() {
            return None;
        }
        let Some(r) = r.strip_prefix(" and ") else {
            return Some(format!("expected ` and ` or the end {}", at(r)));
        };
        rest = r;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions() {
        for ok in [
            "claims['sub'] matches 'repo:contoso/api:ref:refs/heads/*'",
            "claims['sub'] eq 'repo:contoso/api:environment:prod'",
            "claims['sub'] matches 'repo:contoso/*' and claims['job_workflow_ref'] eq 'contoso/wf/.github/workflows/d.yml@refs/heads/main'",
            "claims['sub'] eq ''",
        ] {
            assert_eq!(syntax_error(ok), None, "{ok}");
        }
        for bad in [
            "",
            "claims[\"sub\"] matches 'x'",
            "claims['sub'] == 'x'",
            "claims['sub']  eq 'x'",
            "claims['sub'] eq \"x\"",
            "claims['sub'] eq 'x",
            "claims['sub'] eq 'x' or claims['sub'] eq 'y'",
            "claims['sub'] eq 'x' and ",
            "claims[''] eq 'x'",
            "sub eq 'x'",
            "claims['sub'] eq 'x' AND claims['sub'] eq 'y'",
        ] {
            assert!(syntax_error(bad).is_some(), "{bad}");
        }
        assert_eq!(
            syntax_error("claims['sub'] == 'x'").unwrap_or_default(),
            "expected `eq '` or `matches '` (one space, then a single-quoted value) at character 15 (`== 'x'`)"
        );
    }

    #[test]
    fn flexible_issuers() {
        assert!(supports_flexible(
            "https://token.actions.githubusercontent.com"
        ));
        assert!(supports_flexible("https://gitlab.com/"));
        assert!(supports_flexible("https://gitlab.example.com"));
        assert!(supports_flexible("https://app.eu.terraform.io"));
        assert!(!supports_flexible("https://gitlab.example.org"));
        assert!(!supports_flexible(
            "https://eastus.oic.prod-aks.azure.com/t/g/"
        ));
    }
}

//! A federated credential has exactly one audience of at most 600 characters; ARM refuses
//! anything else ("Federated identity credentials must have exactly one audience.").

use super::shorten;
use crate::model::azure::{Field, is_expression};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let max = usize::try_from(ctx.param_i64("max-length", 600)).unwrap_or(600);
    for cred in &ctx.model.credentials {
        let at = match cred.field("audiences") {
            Field::Expression(_) => continue,
            Field::Value(at) => at,
            Field::Missing => {
                // `audiences: null` points at its key; an absent key at the credential.
                let (loc, what) = match cred.props.get("audiences") {
                    Some(a) => (a.key_loc(), "`audiences: null`"),
                    None => (cred.loc(), "no `audiences`"),
                };
                out.push(
                    ctx.finding(
                        loc,
                        what,
                        format!(
                            "{} has {what}: Entra requires exactly one audience (\"Federated identity credentials must have exactly one audience.\")",
                            cred.describe()
                        ),
                    )
                    .help("add `\"audiences\": [\"api://AzureADTokenExchange\"]` (the audience of the token the workload presents)"),
                );
                continue;
            }
        };
        let items = at.items();
        if at.node.as_seq().is_none() {
            // A scalar where a list belongs: ARM reads no list, so no audience at all.
            continue;
        }
        match items.as_slice() {
            [] => out.push(
                ctx.finding(
                    at.loc(),
                    "empty",
                    format!(
                        "`audiences` of {} is empty: Entra requires exactly one audience (\"Federated identity credentials must have exactly one audience.\")",
                        cred.describe()
                    ),
                )
                .help("add the audience of the token the workload presents, e.g. `api://AzureADTokenExchange`"),
            ),
            [first, second, ..] => out.push(
                ctx.finding(
                    second.loc(),
                    "a second audience",
                    format!(
                        "`audiences` of {} has {} entries: Entra accepts exactly one audience per credential (\"Federated identity credentials must have exactly one audience.\")",
                        cred.describe(),
                        items.len()
                    ),
                )
                .related(first.loc(), "first audience")
                .help("keep one audience; create one credential per audience if the workload really presents several"),
            ),
            [_] => {}
        }
        for item in &items {
            let Some(aud) = item.node.as_str() else {
                continue;
            };
            let len = aud.chars().count();
            if len > max && !is_expression(aud) {
                out.push(
                    ctx.finding(
                        item.loc(),
                        format!("{len} characters"),
                        format!(
                            "an audience of {} is {len} characters long (`{}`): Entra accepts at most {max}",
                            cred.describe(),
                            shorten(aud, 60)
                        ),
                    )
                    .help("use the audience of the token the workload presents, e.g. `api://AzureADTokenExchange`"),
                );
            }
        }
    }
}

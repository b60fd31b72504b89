//! One managed identity or app registration holds at most 20 federated identity credentials;
//! creating the 21st fails.

use super::{describe, groups};
use crate::finding::{Loc, Severity};
use crate::model::azure::{Credential, Owner};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let limit = ctx.param_i64("limit", 20);
    let warn_at = ctx.param_i64("warn-at", 18);
    for (owner, group) in groups(ctx) {
        let creds: Vec<&Credential<'_>> = group
            .iter()
            .filter_map(|&i| ctx.model.credentials.get(i))
            .collect();
        let (Some(first), Some(last)) = (creds.first(), creds.last()) else {
            continue;
        };
        // Walk in document order; a copy loop whose count is an expression adds an unknown
        // number, which is said, never guessed.
        let mut known: i64 = 0;
        let mut crossing: Option<(&Credential<'_>, i64, i64)> = None;
        let mut unknown: Vec<&Credential<'_>> = Vec::new();
        for cred in &creds {
            match cred.count() {
                Some(n) => {
                    if crossing.is_none() && known + n > limit {
                        crossing = Some((cred, known + 1, known + n));
                    }
                    known += n;
                }
                None => unknown.push(cred),
            }
        }
        let total = known;
        let loops = unknown
            .iter()
            .map(|c| describe(c))
            .collect::<Vec<_>>()
            .join(", ");
        let unknown_note = match unknown.len() {
            0 => String::new(),
            1 => format!(
                " plus an unknown number from {loops}, whose count is a template expression known only at deployment"
            ),
            _ => format!(
                " plus an unknown number from {loops}, whose counts are template expressions known only at deployment"
            ),
        };
        let owner_label = first.owner_label();
        let (cred, finding) = if let Some((cred, from, to)) = crossing {
            let which = if from == to {
                format!("the {} credential", ordinal(from))
            } else {
                format!("credentials {from} to {to}")
            };
            let f = ctx.finding(
                cred.loc(),
                format!("{which} of {owner_label}"),
                format!(
                    "{owner_label} has {total} federated identity credentials{unknown_note}; Entra allows at most {limit} per managed identity or app registration, so creating {} ({which}) fails",
                    describe(cred)
                ),
            )
            .help(format!(
                "keep at most {limit} credentials on one identity: remove unused ones, or move workloads to a second identity"
            ));
            (cred, f)
        } else if known >= warn_at {
            let (outlook, label) = if unknown.is_empty() {
                (
                    format!("{} more can be added", limit - known),
                    format!("credential {known} of at most {limit}"),
                )
            } else {
                (
                    format!("it may already exceed {limit}"),
                    "an unknown number of credentials".to_string(),
                )
            };
            let f = ctx
                .finding(
                    last.loc(),
                    label,
                    format!(
                        "{owner_label} has {total} federated identity credentials{unknown_note}, near the limit of {limit} per managed identity or app registration: {outlook}"
                    ),
                )
                .severity(Severity::Warning)
                .help("plan for the limit: remove unused credentials, or spread workloads over several identities");
            (*last, f)
        } else {
            continue;
        };
        out.push(match related(ctx, owner, first) {
            Some((loc, _)) if loc == cred.loc() => finding,
            Some((loc, label)) => finding.related(loc, label),
            None => finding,
        });
    }
}

/// The identity the credentials belong to: its export when in scope, else the group's first
/// credential.
fn related(ctx: &Ctx<'_>, owner: &Owner, first: &Credential<'_>) -> Option<(Loc, String)> {
    let identity = match owner {
        Owner::Identity(id) => ctx
            .model
            .identities
            .iter()
            .find(|i| i.resource_id.as_deref() == Some(id.as_str())),
        _ => None,
    };
    match identity {
        Some(identity) => {
            let at = identity
                .at
                .get("name")
                .unwrap_or_else(|| identity.at.clone());
            Some((at.loc(), identity.describe()))
        }
        None => Some((
            first.loc(),
            format!("first credential of {}", first.owner_label()),
        )),
    }
}

fn ordinal(n: i64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals() {
        assert_eq!(ordinal(21), "21st");
        assert_eq!(ordinal(22), "22nd");
        assert_eq!(ordinal(11), "11th");
        assert_eq!(ordinal(113), "113th");
        assert_eq!(ordinal(20), "20th");
    }
}

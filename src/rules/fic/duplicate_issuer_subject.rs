//! Entra keeps the (issuer, subject) pair unique per app registration or managed identity: the
//! second credential with the same pair is refused ("Issuer and subject combination already
//! exists for this Managed Identity.").

use std::collections::HashMap;

use super::{describe, groups, shorten};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for (_, group) in groups(ctx) {
        let mut first_seen: HashMap<(&str, &str), usize> = HashMap::new();
        for &i in group {
            let Some(cred) = ctx.model.credentials.get(i) else {
                continue;
            };
            let (Some((_, issuer)), Some((subject_at, subject))) = (cred.issuer(), cred.subject())
            else {
                continue;
            };
            let pair = format!(
                "issuer `{}` and subject `{}`",
                shorten(issuer, 100),
                shorten(subject, 100)
            );
            // A copy loop with a literal issuer and subject repeats the pair `count` times.
            if cred.copy.is_some() && cred.count().is_some_and(|n| n > 1) {
                out.push(
                    ctx.finding(
                        subject_at.loc(),
                        "the same subject in every iteration",
                        format!(
                            "{} creates {} credentials with the same {pair} on {}: Entra refuses every one after the first (\"Issuer and subject combination already exists\")",
                            describe(cred),
                            cred.count().unwrap_or(0),
                            cred.owner_label()
                        ),
                    )
                    .help("make the subject depend on the loop (`copyIndex()`), or declare one credential"),
                );
            }
            match first_seen.get(&(issuer, subject)) {
                None => {
                    first_seen.insert((issuer, subject), i);
                }
                Some(&j) => {
                    let Some(first) = ctx.model.credentials.get(j) else {
                        continue;
                    };
                    let Some((first_at, _)) = first.subject() else {
                        continue;
                    };
                    out.push(
                        ctx.finding(
                            subject_at.loc(),
                            "same issuer and subject again",
                            format!(
                                "{} repeats the {pair} of {} on {}: Entra keeps the issuer and subject pair unique per identity and refuses the second credential (\"Issuer and subject combination already exists\")",
                                describe(cred),
                                describe(first),
                                cred.owner_label()
                            ),
                        )
                        .related(first_at.loc(), format!("first used by {}", describe(first)))
                        .help("delete one of the two credentials; one credential serves every workload that presents this issuer and subject"),
                    );
                }
            }
        }
    }
}

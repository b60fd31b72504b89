//! The webhook parses the expiration with `strconv.ParseInt(v, 10, 64)` and checks the range;
//! either failure denies the pod.

use super::pods;
use crate::document::{Part, Path};
use crate::finding::Finding;
use crate::model::k8s::{WI_TOKEN_EXPIRATION, value_text};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    let (min, max) = (ctx.param_i64("min", 3600), ctx.param_i64("max", 86400));
    for pod in pods(ctx) {
        if let Some(v) = pod_value(pod.template)
            && let Some(problem) = problem(v, min, max)
        {
            out.push(finding(
                ctx,
                pod.object.loc(
                    &pod.template
                        .path(&["metadata", "annotations", WI_TOKEN_EXPIRATION]),
                    Part::Value,
                ),
                &format!("the pod template of {}", pod.object.describe()),
                &problem,
                min,
                max,
            ));
        }
    }
    for &i in &ctx.model.service_accounts {
        let sa = &ctx.model.objects[i];
        let Some(v) = sa
            .metadata_map("annotations")
            .and_then(|a| a.get(WI_TOKEN_EXPIRATION))
            .map(value_text)
            .filter(|v| !v.is_empty())
        else {
            continue;
        };
        let Some(problem) = problem(v, min, max) else {
            continue;
        };
        // A value every pod overrides never takes effect.
        let users = sa
            .name()
            .map_or(&[][..], |n| ctx.index.templates_using(ctx.index.ns(i), n));
        if !users.is_empty()
            && users
                .iter()
                .all(|&t| pod_value(&ctx.model.templates[t]).is_some())
        {
            continue;
        }
        out.push(finding(
            ctx,
            sa.loc(
                &Path::root().keys(&["metadata", "annotations", WI_TOKEN_EXPIRATION]),
                Part::Value,
            ),
            &format!("ServiceAccount `{}`", sa.name().unwrap_or("")),
            &problem,
            min,
            max,
        ));
    }
}

fn pod_value<'a>(t: &crate::model::k8s::PodTemplate<'a>) -> Option<&'a str> {
    t.annotation(WI_TOKEN_EXPIRATION)
        .map(|e| value_text(&e.value))
        .filter(|v| !v.is_empty())
}

fn problem(value: &str, min: i64, max: i64) -> Option<String> {
    match value.parse::<i64>() {
        Err(_) => Some(format!("`{value}` is not a whole number of seconds")),
        Ok(n) if n < min || n > max => Some(format!("{n} seconds is outside {min}..={max}")),
        Ok(_) => None,
    }
}

fn finding(
    ctx: &Ctx<'_>,
    loc: crate::finding::Loc,
    owner: &str,
    problem: &str,
    min: i64,
    max: i64,
) -> Finding {
    ctx.finding(
        loc,
        "invalid token expiration",
        format!("`{WI_TOKEN_EXPIRATION}` on {owner}: {problem}; the webhook denies the pod"),
    )
    .help(format!(
        "use a base-10 number of seconds from {min} to {max}, e.g. `\"3600\"`"
    ))
}

//! Entra client ids are GUIDs; anything else fails at token time with AADSTS700016.

use crate::document::{Part, Path};
use crate::model::k8s::{WI_CLIENT_ID, is_guid, value_text};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for &i in &ctx.model.service_accounts {
        let sa = &ctx.model.objects[i];
        let Some(value) = sa
            .metadata_map("annotations")
            .and_then(|a| a.get(WI_CLIENT_ID))
        else {
            continue;
        };
        let text = value_text(value).trim();
        if text.is_empty() || is_guid(text) {
            continue;
        }
        let why = placeholder(text).map_or_else(
            || "is not a GUID (8-4-4-4-12 hexadecimal digits)".to_string(),
            |kind| format!("is not a GUID: it looks like {kind}"),
        );
        out.push(
            ctx.finding(
                sa.loc(&Path::root().keys(&["metadata", "annotations", WI_CLIENT_ID]), Part::Value),
                "not a GUID",
                format!(
                    "`{WI_CLIENT_ID}` of ServiceAccount `{}` is `{text}`, which {why}; Entra rejects the token request (AADSTS700016)",
                    sa.name().unwrap_or("")
                ),
            )
            .help("set it to the managed identity's client id (`az identity show --query clientId -o tsv`)"),
        );
    }
}

pub(crate) fn placeholder(s: &str) -> Option<&'static str> {
    if s.contains("${")
        || s.contains("{{")
        || s.contains("$(")
        || (s.starts_with('<') && s.ends_with('>'))
    {
        Some("an unrendered template placeholder")
    } else if s.to_ascii_lowercase().contains("xxxx") || s.chars().all(|c| c == '0' || c == '-') {
        Some("a redacted placeholder")
    } else if s.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
        Some("a placeholder name")
    } else {
        None
    }
}

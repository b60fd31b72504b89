//! Labels and annotations are `map[string]string`; a value YAML 1.1 types as a boolean or number
//! makes the API server reject the whole object.

use crate::document::{Node, NodeKind, Part, Syntax, Typed};
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for (i, base, meta) in ctx.model.metadata_owners() {
        let object = &ctx.model.objects[i];
        let json = ctx.files[object.file].syntax == Syntax::Json;
        for which in ["labels", "annotations"] {
            let Some(map) = meta.get_path(&["metadata", which]) else {
                continue;
            };
            for (key, entry) in map.entries() {
                let Some(kind) = non_string(&entry.value, json) else {
                    continue;
                };
                let singular = &which[..which.len() - 1];
                let text = entry.value.text().unwrap_or("");
                out.push(
                    ctx.finding(
                        object.loc(&base.keys(&["metadata", which, key]), Part::Value),
                        format!("a {kind}, not a string"),
                        format!(
                            "{singular} `{key}` of {} has a value Kubernetes reads as a {kind}: {singular} values must be strings, so the API server rejects the object",
                            object.describe()
                        ),
                    )
                    .help(if entry.value.as_scalar().is_some() {
                        format!("quote the value: `{key}: \"{text}\"`")
                    } else {
                        format!("make `{key}` a single string value")
                    }),
                );
            }
        }
    }
}

fn non_string(value: &Node, json: bool) -> Option<&'static str> {
    match &value.kind {
        NodeKind::Seq(_) => Some("sequence"),
        NodeKind::Map(_) => Some("mapping"),
        NodeKind::Scalar(s) => match s.typed {
            Typed::Str | Typed::Unknown => None,
            Typed::Bool(_) => Some("boolean"),
            Typed::Int(_) => Some("number"),
            Typed::Float(_) => Some("number"),
            // A YAML null decodes to "" and is accepted; JSON null is reported as the catalog says.
            Typed::Null => json.then_some("null"),
        },
    }
}

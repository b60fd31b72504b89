//! `helm_release`: what a release's values say about Workload Identity, as the ServiceAccount and
//! pod the chart will deploy.
//!
//! A chart's templates decide what its values become, and a remote chart is not in the scan, so
//! only the values of `helm create`'s convention are read: `serviceAccount.annotations` are the
//! ServiceAccount's annotations, `serviceAccount.name` its name (unset: the chart's own naming,
//! unknown) and `podLabels` the pod template's labels; the same under any prefix
//! (`controller.serviceAccount.…`), one ServiceAccount per prefix. A release is lowered only
//! when it sets the `client-id` annotation (into a ServiceAccount) or the `use` label (into a
//! pod that runs as that ServiceAccount): values that do not name Workload Identity say nothing
//! about it, and a ServiceAccount that only has a tenant id may get its client id from a
//! template this scan cannot see.
//!
//! Values are merged as Helm merges them: the `values` documents in order, then `set`,
//! `set_list`, `set_string` and `set_sensitive` (blocks, or the list form of helm provider 3.x).
//! What the files do not decide — a `values` item that is a `file()`, a `set` whose name is a
//! variable — stands for everything under its path, so what it may set is unknown, never a
//! guess.

use hcl_edit::Span as _;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Body, Structure};

use super::lower::{Lowerer, Shape, span_of, stringify};
use crate::document::{Entry, Node, NodeKind, Span, Style, Typed};
use crate::expand::{ChartRender, SetValue};
use crate::model::k8s::{WI_CLIENT_ID, WI_USE};

/// One value the release gives the chart, at its path in the values tree. An undecided value
/// covers everything under its path.
struct Value {
    path: Vec<String>,
    /// Where the path is written: a `set`'s `name`, a key of a `yamlencode` object.
    key: Span,
    node: Node,
}

/// Whether a release's `chart` is a chart directory on disk: a path, not a repository's chart.
/// Such a chart is rendered from the scan with its defaults (docs/inputs.md), not read here.
fn is_local_chart(body: &Body, l: &Lowerer<'_>) -> bool {
    let repository = body.has_attribute("repository");
    let chart = body.get_attribute("chart").map(|a| l.value(&a.value));
    let local = chart
        .as_ref()
        .and_then(Node::as_str)
        .is_some_and(|c| c.starts_with('.') || c.starts_with('/'));
    !repository && local
}

/// The ServiceAccounts and pods a release's values describe (see the module's note).
pub(super) fn release(l: &Lowerer<'_>, body: &Body) -> Vec<Node> {
    if is_local_chart(body, l) {
        return Vec::new();
    }
    let values = values(l, body);
    let namespace = body
        .get_attribute("namespace")
        .map(|a| (span_of(a.key.span()), l.value(&a.value)));
    let mut prefixes: Vec<&[String]> = Vec::new();
    for v in &values {
        if let Some(prefix) = wi_prefix(&v.path)
            && !prefixes.contains(&prefix)
        {
            prefixes.push(prefix);
        }
    }
    let mut docs = Vec::new();
    for prefix in prefixes {
        let path = |keys: &[&str]| {
            let mut path: Vec<String> = prefix.to_vec();
            path.extend(keys.iter().map(|k| (*k).to_string()));
            path
        };
        let at = |keys: &[&str]| lookup(&values, &path(keys));
        // A view is made for what the release sets itself, not for what an undecided item may.
        let set = |keys: &[&str]| {
            let path = path(keys);
            values
                .iter()
                .any(|v| v.path == path)
                .then(|| lookup(&values, &path))
                .flatten()
        };
        let name = at(&["serviceAccount", "name"]).filter(|v| {
            v.node.expression().is_some() || v.node.as_str().is_some_and(|s| !s.is_empty())
        });
        let metadata = |extra: Entry| {
            let mut entries = Vec::new();
            if let Some((key, ns)) = &namespace {
                entries.push(Entry::new("namespace", *key, ns.clone()));
            }
            entries.push(extra);
            entries
        };
        // `create: false` deploys no ServiceAccount: the annotations go nowhere.
        let creates =
            at(&["serviceAccount", "create"]).is_none_or(|v| v.node.text() != Some("false"));
        if let Some(client) = set(&["serviceAccount", "annotations", WI_CLIENT_ID])
            && creates
        {
            let annotations = Node::map(vec![field(WI_CLIENT_ID, client)], client.node.span);
            let mut meta = metadata(Entry::new("annotations", client.key, annotations));
            if let Some(name) = name {
                meta.push(field("name", name));
            }
            docs.push(object(l, "ServiceAccount", meta, None));
        }
        if let Some(label) = set(&["podLabels", WI_USE]) {
            let labels = Node::map(vec![field(WI_USE, label)], label.node.span);
            let mut meta = metadata(Entry::new("labels", label.key, labels));
            // Helm names the pods; messages name the release that deploys them.
            meta.push(Entry::new(
                "name",
                l.header,
                Node::string(l.address, l.header),
            ));
            let account = match name {
                Some(name) => field("serviceAccountName", name),
                None => Entry::new(
                    "serviceAccountName",
                    l.header,
                    Node::unknown(
                        format!(
                            "{}serviceAccount.name (the chart's default)",
                            dotted(prefix)
                        ),
                        l.header,
                    ),
                ),
            };
            let spec = Node::map(vec![account], l.header);
            docs.push(object(l, "Pod", meta, Some(spec)));
        }
    }
    docs
}

/// How each release in a file that installs a chart from the scan renders it (see
/// [`super::chart_releases`]): its name, namespace and every value it sets, a reference or an
/// undecided scalar as a `${…}` token that wiflint takes for a value decided at apply time. A
/// value that may set anything (a `file()`, a `dynamic "set"`) makes the render undecided.
pub(super) fn chart_renders(
    text: &str,
    instances: &[super::Module],
    dir: &std::path::Path,
    display: &str,
) -> Vec<ChartRender> {
    let Ok(body) = hcl_edit::parser::parse_body(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    super::lower::visit(text, &body, instances, |shape, l, body, _| {
        if shape != Shape::HelmRelease || !is_local_chart(body, l) {
            return;
        }
        let Some(chart) = body
            .get_attribute("chart")
            .and_then(|a| l.value(&a.value).as_str().map(str::to_owned))
        else {
            return;
        };
        let known = |key: &str| {
            body.get_attribute(key)
                .and_then(|a| l.value(&a.value).as_str().map(str::to_owned))
        };
        let mut render = ChartRender {
            chart: dir.join(chart),
            release: known("name"),
            namespace: known("namespace"),
            by: Some(format!("`{}` in {display}", l.address)),
            ..ChartRender::default()
        };
        for v in values(l, body) {
            if covers(&v.node) {
                let what = v.node.expression().unwrap_or("a value").to_string();
                render.undecided.get_or_insert_with(|| {
                    format!(
                        "installed by `{}` ({display}), whose {what} the files do not decide",
                        l.address
                    )
                });
                continue;
            }
            let Some(scalar) = v.node.as_scalar() else {
                // A list replaces the chart's; left to the chart's default here.
                continue;
            };
            let (value, string) = match scalar.typed {
                // As written in the file, not the scan's qualified reference.
                Typed::Unknown => (format!("${{{}}}", l.source(v.node.span).trim()), true),
                Typed::Str => (scalar.text.to_string(), true),
                Typed::Null => continue,
                _ => (scalar.text.to_string(), false),
            };
            let name = v
                .path
                .iter()
                .map(|p| {
                    p.replace('\\', "\\\\")
                        .replace('.', "\\.")
                        .replace(',', "\\,")
                })
                .collect::<Vec<_>>()
                .join(".");
            render.set.push(SetValue {
                name,
                value,
                string,
            });
        }
        out.push(render);
    });
    out
}

/// `a.b.` for a prefix path (empty for none), as a `set` name would spell it.
fn dotted(prefix: &[String]) -> String {
    prefix
        .iter()
        .map(|p| format!("{}.", p.replace('.', "\\.")))
        .collect()
}

/// The part of a path before `serviceAccount.annotations."…/client-id"` or `podLabels."…/use"`.
fn wi_prefix(path: &[String]) -> Option<&[String]> {
    let ends = |tail: &[&str]| {
        path.len() >= tail.len() && path[path.len() - tail.len()..].iter().eq(tail.iter())
    };
    let tail = if ends(&["serviceAccount", "annotations", WI_CLIENT_ID]) {
        3
    } else if ends(&["podLabels", WI_USE]) {
        2
    } else {
        return None;
    };
    Some(&path[..path.len() - tail])
}

/// The value at `path`: the last one set there, or the last undecided value over it.
fn lookup<'v>(values: &'v [Value], path: &[String]) -> Option<&'v Value> {
    values
        .iter()
        .rev()
        .find(|v| v.path == path || (path.starts_with(&v.path) && covers(&v.node)))
}

/// An undecided value (not a reference to a resource's attribute, which is one value) may set
/// anything under its path.
fn covers(node: &Node) -> bool {
    node.as_scalar()
        .is_some_and(|s| s.typed == Typed::Unknown && s.style != Style::Reference)
}

/// An entry of the view at the place the release sets it; what Terraform sends Helm is text.
fn field(key: &str, value: &Value) -> Entry {
    let mut node = value.node.clone();
    stringify(&mut node);
    Entry::new(key, value.key, node)
}

fn object(l: &Lowerer<'_>, kind: &str, metadata: Vec<Entry>, spec: Option<Node>) -> Node {
    let mut entries = vec![
        Entry::new("apiVersion", l.header, Node::string("v1", l.header)),
        Entry::new("kind", l.header, Node::string(kind, l.header)),
        Entry::new("metadata", l.header, Node::map(metadata, l.header)),
    ];
    if let Some(spec) = spec {
        entries.push(Entry::new("spec", l.header, spec));
    }
    Node::map(entries, l.header)
}

/// Every value the release sets, in Helm's order of precedence (later wins).
fn values(l: &Lowerer<'_>, body: &Body) -> Vec<Value> {
    let mut out = Vec::new();
    if let Some(attr) = body.get_attribute("values") {
        match &attr.value {
            Expression::Array(items) => items.iter().for_each(|e| document(l, e, &mut out)),
            other => document(l, other, &mut out),
        }
    }
    for structure in body.iter() {
        let (kind, sets) = match structure {
            // `dynamic "set" { … }`: what it sets depends on its collection; it may set anything.
            Structure::Block(block) if block.ident.as_str() == "dynamic" => {
                let Some(label) = block.labels.first() else {
                    continue;
                };
                let span = span_of(block.span());
                let node = Node::unknown(format!("dynamic \"{}\"", label.as_str()), span);
                (label.as_str(), vec![node])
            }
            Structure::Block(block) => {
                let entries = block
                    .body
                    .iter()
                    .filter_map(Structure::as_attribute)
                    .map(|a| Entry::new(a.key.as_str(), span_of(a.key.span()), l.value(&a.value)))
                    .collect();
                let node = Node::map(entries, span_of(block.span()));
                (block.ident.as_str(), vec![node])
            }
            Structure::Attribute(attr) => {
                let node = l.value(&attr.value);
                let sets = match node.kind {
                    NodeKind::Seq(items) => items,
                    // Not a list the files decide: it may set anything.
                    _ => vec![node],
                };
                (attr.key.as_str(), sets)
            }
        };
        if matches!(kind, "set" | "set_list" | "set_string" | "set_sensitive") {
            for set in sets {
                out.push(one_set(kind, set));
            }
        }
    }
    out
}

/// One `set` item: `{ name, value }`.
fn one_set(kind: &str, set: Node) -> Value {
    let span = set.span;
    let undecided = |text: &str, span: Span| Value {
        path: Vec::new(),
        key: span,
        node: Node::unknown(text, span),
    };
    let Some(name) = set.get("name") else {
        return undecided("a `set` the files do not decide", span);
    };
    let Some(path) = name.as_str().map(set_path) else {
        return undecided(name.expression().unwrap_or("a `set` name"), name.span);
    };
    let node = match set.get("value") {
        // Sensitive values are never shown: what they set is unknown here.
        Some(value) if kind == "set_sensitive" => {
            Node::unknown("a `set_sensitive` value", value.span)
        }
        Some(value) => value.clone(),
        None => Node::unknown("a `set` without a value", span),
    };
    Value {
        path,
        key: name.span,
        node,
    }
}

/// A `--set` name as Helm splits it: on dots, except escaped ones (`azure\.workload\.identity`).
fn set_path(name: &str) -> Vec<String> {
    let mut path = vec![String::new()];
    let mut chars = name.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(last)) = (chars.next(), path.last_mut()) {
                    last.push(next);
                }
            }
            '.' => path.push(String::new()),
            c => {
                if let Some(last) = path.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    path
}

/// One item of `values`: `yamlencode({…})` keeps the spans of the object's keys and values; a
/// YAML string the files decide is read with the scan's parser, every value at the item; anything
/// else (`file("values.yaml")`, a variable) is undecided over the whole tree.
fn document(l: &Lowerer<'_>, expr: &Expression, out: &mut Vec<Value>) {
    let span = span_of(expr.span());
    if let Expression::FuncCall(call) = expr
        && matches!(call.name.name.as_str(), "yamlencode" | "jsonencode")
        && let Some(arg) = call.args.get(0)
        && call.args.len() == 1
    {
        flatten(&[], span, &l.value(arg), out);
        return;
    }
    let node = l.value(expr);
    let parsed = node
        .as_str()
        .and_then(|text| crate::document::yaml::parse(text).ok())
        .and_then(|docs| docs.into_iter().next());
    match parsed {
        Some(mut doc) => {
            respan(&mut doc, span);
            flatten(&[], span, &doc, out);
        }
        None => out.push(Value {
            path: Vec::new(),
            key: span,
            node: Node::unknown(l.source(span).to_string(), span),
        }),
    }
}

/// The leaves of a values tree with their paths (maps merge key by key in Helm; lists and
/// scalars replace).
fn flatten(prefix: &[String], key: Span, node: &Node, out: &mut Vec<Value>) {
    let NodeKind::Map(entries) = &node.kind else {
        out.push(Value {
            path: prefix.to_vec(),
            key,
            node: node.clone(),
        });
        return;
    };
    for entry in entries {
        let Some(name) = entry.key.text() else {
            // A key the files do not decide may be any key.
            let text = entry.key.expression().unwrap_or("a key");
            out.push(Value {
                path: prefix.to_vec(),
                key: entry.key.span,
                node: Node::unknown(text, entry.key.span),
            });
            continue;
        };
        let mut path = prefix.to_vec();
        path.push(name.to_string());
        flatten(&path, entry.key.span, &entry.value, out);
    }
}

/// A tree parsed from a string value, placed at the expression that gives it.
fn respan(node: &mut Node, span: Span) {
    node.span = span;
    match &mut node.kind {
        NodeKind::Map(entries) => {
            for e in entries {
                respan(&mut e.key, span);
                respan(&mut e.value, span);
            }
        }
        NodeKind::Seq(items) => items.iter_mut().for_each(|i| respan(i, span)),
        NodeKind::Scalar(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::set_path;
    use crate::document::Node;
    use crate::terraform::lower::tests::lower_one;

    #[test]
    fn set_overrides_values_and_an_undecided_item_covers_what_follows_it() {
        let text = r#"
resource "helm_release" "api" {
  name       = "api"
  namespace  = "shop"
  repository = "https://charts.example.com"
  chart      = "api"
  values = [
    yamlencode({ serviceAccount = { name = "old", annotations = { "azure.workload.identity/client-id" = "x" } } }),
    file("values.yaml"),
  ]
  set {
    name  = "serviceAccount.annotations.azure\\.workload\\.identity/client-id"
    value = "11111111-2222-3333-4444-555555555555"
  }
}
"#;
        let docs = lower_one(text);
        let [sa] = docs.as_slice() else {
            panic!("one ServiceAccount, got {docs:?}")
        };
        let client = sa.get_path(&[
            "metadata",
            "annotations",
            "azure.workload.identity/client-id",
        ]);
        assert_eq!(
            client.and_then(Node::as_str),
            Some("11111111-2222-3333-4444-555555555555")
        );
        // `file()` may set the name: not the earlier `old`.
        let name = sa.get_path(&["metadata", "name"]);
        assert_eq!(
            name.and_then(Node::expression),
            Some("file(\"values.yaml\")")
        );
        assert_eq!(
            sa.get_path(&["metadata", "namespace"])
                .and_then(Node::as_str),
            Some("shop")
        );
    }

    #[test]
    fn local_charts_and_values_without_workload_identity_give_nothing() {
        let local = r#"
resource "helm_release" "api" {
  name  = "api"
  chart = "./charts/api"
  set {
    name  = "serviceAccount.annotations.azure\\.workload\\.identity/client-id"
    value = "11111111-2222-3333-4444-555555555555"
  }
}
"#;
        assert!(lower_one(local).is_empty());
        let plain = r#"
resource "helm_release" "api" {
  name       = "api"
  repository = "https://charts.example.com"
  chart      = "api"
  set {
    name  = "serviceAccount.name"
    value = "api"
  }
}
"#;
        assert!(lower_one(plain).is_empty());
    }

    #[test]
    fn set_names_split_on_unescaped_dots() {
        assert_eq!(
            set_path(r"serviceAccount.annotations.azure\.workload\.identity/client-id"),
            vec![
                "serviceAccount",
                "annotations",
                "azure.workload.identity/client-id"
            ]
        );
    }
}

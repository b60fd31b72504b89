//! `terraform show -json` output (a plan, or the state): every resource with the values Terraform
//! resolved. The JSON is parsed like any JSON input, with spans; this lowers its resources into
//! the same shapes the `.tf` front-end produces, so findings point into the plan file at the
//! resolved value.
//!
//! A value Terraform knows only after apply is absent from `values` and `true` in the
//! resource change's `after_unknown`; when the configuration section says which resource
//! attribute it comes from (`expressions.<arg>.references`), it becomes a reference to that
//! attribute, else it is unknown. Kubernetes provider resources are not read from plans (their
//! nested blocks are lists whose unknown parts a plan does not spell out): scan the `.tf` files.

use std::collections::HashMap;

use super::lower::{APP_CREDENTIAL_FIELDS, CREDENTIAL_FIELDS, Shape};
use crate::document::{Entry, Node, NodeKind, Span, Style, Syntax, Typed};
use crate::finding::{Finding, Label, Loc, Opened, Resolved, Target};
use crate::input::InputFile;
use crate::model::FileId;
use crate::model::azure::{CLUSTER_TYPE, IDENTITY_TYPE};

/// The key under which both Terraform front-ends write, in each Azure resource's document, the
/// resource's address qualified by its root module's directory (`terraform:infra/module.id.
/// azurerm_user_assigned_identity.this`): a finding in a plan finds by it the `.tf` resource it
/// came from ([`relate_sources`]). Graph's `@odata.type` shows the spelling is no export's key.
pub const SOURCE_KEY: &str = "@terraform.address";

/// `doc` with its [`SOURCE_KEY`] entry, shown at `at`.
pub(super) fn with_source(mut doc: Node, source: String, at: Span) -> Node {
    if let NodeKind::Map(entries) = &mut doc.kind {
        entries.push(Entry::new(SOURCE_KEY, at, Node::string(source, at)));
    }
    doc
}

/// For each finding whose primary location is in a plan, the same place in the `.tf` document
/// of the same root module and address, when those sources are in the scan, as a related
/// location: the plan shows the value, the `.tf` file is where it is changed.
pub fn relate_sources<'f>(
    resolved: &mut [Resolved],
    files: &[InputFile],
    open: impl Fn(FileId) -> Option<Opened<'f>> + Sync,
    excerpts: bool,
) {
    let source_of = |file: FileId, doc: usize| -> Option<&str> {
        files.get(file)?.docs.get(doc)?.get_str(SOURCE_KEY)
    };
    let mut sources: HashMap<&str, (FileId, usize)> = HashMap::new();
    for (id, file) in files.iter().enumerate() {
        if file.syntax == Syntax::Terraform {
            for doc in 0..file.docs.len() {
                if let Some(source) = source_of(id, doc) {
                    sources.entry(source).or_insert((id, doc));
                }
            }
        }
    }
    if sources.is_empty() {
        return;
    }
    let mut owners = Vec::new();
    let mut stubs = Vec::new();
    for (i, r) in resolved.iter().enumerate() {
        let loc = &r.finding.primary.loc;
        let Target::Node { doc, path, part } = &loc.target else {
            continue;
        };
        let in_plan = files
            .get(loc.file)
            .is_some_and(|f| f.syntax == Syntax::Json);
        let Some(&(file, tf_doc)) = source_of(loc.file, *doc)
            .filter(|_| in_plan)
            .and_then(|s| sources.get(s))
        else {
            continue;
        };
        let target = Target::Node {
            doc: tf_doc,
            path: path.clone(),
            part: *part,
        };
        stubs.push(Finding {
            primary: Label {
                loc: Loc { file, target },
                message: "in the Terraform source".into(),
            },
            related: Vec::new(),
            ..r.finding.clone()
        });
        owners.push(i);
    }
    super::attach(resolved, owners, stubs, open, excerpts);
}

/// Whether a JSON document is `terraform show -json` output.
pub fn is_plan(node: &Node) -> bool {
    node.get("format_version").is_some()
        && (node.get("planned_values").is_some()
            || node.get_path(&["values", "root_module"]).is_some())
}

/// The documents of a plan: one per resource instance wiflint reads.
pub fn lower(root: &Node, path: &str) -> Vec<Node> {
    let module = root
        .get_path(&["planned_values", "root_module"])
        .or_else(|| root.get_path(&["values", "root_module"]));
    let mut unknown: HashMap<&str, &Node> = HashMap::new();
    for change in root
        .get("resource_changes")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        if let (Some(address), Some(after)) = (
            change.get_str("address"),
            change.get_path(&["change", "after_unknown"]),
        ) {
            unknown.insert(address, after);
        }
    }
    let dir = std::path::Path::new(path)
        .parent()
        .map(|p| p.display().to_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| ".".into());
    let plan = Plan {
        source: format!("terraform:{dir}/"),
        qualifier: format!("terraform:{path}/"),
        unknown,
        configuration: root.get_path(&["configuration", "root_module"]),
    };
    let mut docs = Vec::new();
    if let Some(module) = module {
        plan.module(module, "", &mut docs);
    }
    docs
}

struct Plan<'a> {
    /// `terraform:<the plan's directory>/`: the `.tf` root module it was made from, as
    /// [`SOURCE_KEY`] names its resources.
    source: String,
    qualifier: String,
    /// Resource address → its `after_unknown`.
    unknown: HashMap<&'a str, &'a Node>,
    configuration: Option<&'a Node>,
}

impl<'a> Plan<'a> {
    fn module(&self, module: &'a Node, prefix: &str, docs: &mut Vec<Node>) {
        for resource in module
            .get("resources")
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            if resource.get_str("mode") != Some("managed") {
                continue;
            }
            let Some(shape) = resource.get_str("type").and_then(Shape::of) else {
                continue;
            };
            if let Some(doc) = self.resource(resource, shape, prefix) {
                docs.push(doc);
            }
        }
        for child in module
            .get("child_modules")
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            let prefix = child
                .get_str("address")
                .map_or_else(String::new, |a| format!("{a}."));
            self.module(child, &prefix, docs);
        }
    }

    fn resource(&self, resource: &'a Node, shape: Shape, prefix: &str) -> Option<Node> {
        let address = resource.get_str("address")?;
        let values = resource.get("values")?;
        let at = resource.get("address").map_or(resource.span, |a| a.span);
        let r = Resource {
            plan: self,
            address,
            values,
            at,
            expressions: self.expressions(resource, prefix),
            prefix,
        };
        let mut entries = Vec::new();
        match shape {
            Shape::UamiCredential | Shape::AppCredential => {
                let (fields, owners): (&[(&str, &str)], &[&str]) = match shape {
                    Shape::UamiCredential => (
                        CREDENTIAL_FIELDS,
                        &["user_assigned_identity_id", "parent_id"],
                    ),
                    _ => (
                        APP_CREDENTIAL_FIELDS,
                        &["application_id", "application_object_id"],
                    ),
                };
                entries.extend(r.fields(fields));
                if matches!(shape, Shape::AppCredential) {
                    entries.push(r.synthetic(
                        "@odata.type",
                        r.str("#microsoft.graph.federatedIdentityCredential"),
                    ));
                }
                let name = entries
                    .iter()
                    .find(|e| e.key.text() == Some("name"))
                    .and_then(|e| e.value.as_str())
                    .unwrap_or("?")
                    .to_string();
                if let Some(owner) = owners.iter().find_map(|o| r.field(o)) {
                    let suffix = format!("/federatedIdentityCredentials/{name}");
                    let value = match owner.value.kind {
                        NodeKind::Scalar(ref s) if s.typed == Typed::Str => Node::scalar(
                            format!("{}{suffix}", s.text),
                            Style::Quoted,
                            Typed::Str,
                            owner.value.span,
                        ),
                        NodeKind::Scalar(ref s) if s.style == Style::Reference => {
                            let resource =
                                s.text.rsplit_once('.').map_or(s.text.as_str(), |(r, _)| r);
                            Node::scalar(
                                format!("{resource}{suffix}"),
                                Style::Reference,
                                Typed::Unknown,
                                owner.value.span,
                            )
                        }
                        _ => Node::scalar(
                            format!("{}{address}{suffix}", self.qualifier),
                            Style::Plain,
                            Typed::Unknown,
                            owner.value.span,
                        ),
                    };
                    entries.push(Entry {
                        key: Node::key("id", owner.key.span),
                        value,
                    });
                }
            }
            Shape::UamiIdentity => {
                entries.push(r.synthetic("type", r.str(IDENTITY_TYPE)));
                entries.extend(r.fields(&[("name", "name"), ("location", "location")]));
                entries.push(match r.field("id") {
                    Some(e) if e.value.as_str().is_some() => e,
                    _ => r.synthetic("id", r.symbolic(format!("{}{address}", self.qualifier))),
                });
                for (key, attr) in [("clientId", "client_id"), ("principalId", "principal_id")] {
                    entries.push(match r.field(attr) {
                        Some(e) if e.value.as_str().is_some() => r.renamed(key, e),
                        _ => r.synthetic(
                            key,
                            r.symbolic(format!("{}{address}.{attr}", self.qualifier)),
                        ),
                    });
                }
            }
            Shape::Application => {
                entries.extend(r.fields(&[("display_name", "displayName")]));
                entries.push(match r.field("client_id") {
                    Some(e) if e.value.as_str().is_some() => r.renamed("appId", e),
                    _ => r.synthetic(
                        "appId",
                        r.symbolic(format!("{}{address}.client_id", self.qualifier)),
                    ),
                });
            }
            Shape::Cluster => {
                entries.push(r.synthetic("type", r.str(CLUSTER_TYPE)));
                entries.extend(r.fields(&[("name", "name"), ("location", "location")]));
                if let Some(enabled) = r.field("oidc_issuer_enabled") {
                    let issuer = match r.field("oidc_issuer_url") {
                        Some(e) if e.value.as_str().is_some_and(|s| !s.is_empty()) => {
                            r.renamed("issuerUrl", e)
                        }
                        _ => r.synthetic(
                            "issuerUrl",
                            r.symbolic(format!("{}{address}.oidc_issuer_url", self.qualifier)),
                        ),
                    };
                    let span = enabled.value.span;
                    let profile = Node::map(vec![r.renamed("enabled", enabled), issuer], span);
                    entries.push(Entry {
                        key: Node::key("oidcIssuerProfile", span),
                        value: profile,
                    });
                }
                if let Some(enabled) = r.field("workload_identity_enabled") {
                    let span = enabled.value.span;
                    let wi = Node::map(vec![r.renamed("enabled", enabled)], span);
                    let profile = Node::map(
                        vec![Entry {
                            key: Node::key("workloadIdentity", span),
                            value: wi,
                        }],
                        span,
                    );
                    entries.push(Entry {
                        key: Node::key("securityProfile", span),
                        value: profile,
                    });
                }
            }
            Shape::Kubernetes(..)
            | Shape::Manifest
            | Shape::ClusterModule
            | Shape::HelmRelease
            | Shape::VaultMount(_)
            | Shape::AppFlexibleCredential => return None,
        }
        let source = format!("{}{address}", self.source);
        Some(with_source(Node::map(entries, resource.span), source, at))
    }

    /// The configuration's `expressions` of a resource (`index` removed from the address).
    fn expressions(&self, resource: &Node, prefix: &str) -> Option<&'a Node> {
        let mut module = self.configuration?;
        for call in prefix.split('.').collect::<Vec<_>>().chunks(2) {
            if let [_, name] = call {
                module = module.get_path(&["module_calls", name, "module"])?;
            }
        }
        let ty = resource.get_str("type")?;
        let name = resource.get_str("name")?;
        module
            .get("resources")
            .and_then(Node::as_seq)?
            .iter()
            .find(|r| r.get_str("type") == Some(ty) && r.get_str("name") == Some(name))?
            .get("expressions")
    }
}

struct Resource<'p, 'a> {
    plan: &'p Plan<'a>,
    address: &'a str,
    values: &'a Node,
    /// Where what the plan leaves unknown is shown: the resource's `address`.
    at: Span,
    expressions: Option<&'a Node>,
    prefix: &'p str,
}

impl Resource<'_, '_> {
    /// The attributes `fields` (provider name → export name) the resource has.
    fn fields(&self, fields: &[(&str, &str)]) -> Vec<Entry> {
        fields
            .iter()
            .filter_map(|(attr, key)| Some(self.renamed(key, self.field(attr)?)))
            .collect()
    }

    /// An attribute: its resolved value, else (known after apply) the reference the
    /// configuration gives it, else unknown.
    fn field(&self, attr: &str) -> Option<Entry> {
        if let Some(entry) = self.values.entry(attr).filter(|e| !e.value.is_null()) {
            return Some(entry.clone());
        }
        let unknown = self
            .plan
            .unknown
            .get(self.address)
            .and_then(|u| u.get(attr))
            .is_some_and(|u| u.as_bool() == Some(true));
        if !unknown {
            return None;
        }
        let reference = self
            .expressions
            .and_then(|e| e.get_path(&[attr, "references"]))
            .and_then(Node::as_seq)
            .and_then(|refs| refs.first())
            .and_then(Node::as_str);
        let value = match reference {
            Some(r) => self.symbolic(format!("{}{}{r}", self.plan.qualifier, self.prefix)),
            None => Node::scalar(
                format!("{} (known after apply)", self.address),
                Style::Plain,
                Typed::Unknown,
                self.at,
            ),
        };
        Some(Entry {
            key: Node::key(attr, self.at),
            value,
        })
    }

    fn renamed(&self, key: &str, entry: Entry) -> Entry {
        Entry::new(key, entry.key.span, entry.value)
    }

    fn str(&self, text: &str) -> Node {
        Node::string(text, self.at)
    }

    fn symbolic(&self, text: String) -> Node {
        Node::reference(text, self.at)
    }

    fn synthetic(&self, key: &str, value: Node) -> Entry {
        Entry::new(key, self.at, value)
    }
}

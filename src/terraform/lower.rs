//! Lowering Terraform resources into the document shapes the model reads.
//!
//! Each resource instance becomes one document: a credential the way `az identity
//! federated-credential show` prints it, an identity the way `az identity show` does, an AKS
//! cluster the way `az aks show` does, a Kubernetes object the way `kubectl get -o yaml` does.
//! Every node's span is the HCL it came from (an attribute's value, a block, the resource's
//! `resource "type" "name"` header for what the resource stands for as a whole), so findings
//! point into the `.tf` file.
//!
//! Values are evaluated with the module's context ([`super::Module`]). What the files do not
//! decide is a [`Typed::Unknown`] scalar whose text is the expression's source; a reference to
//! another resource's attribute (`azurerm_user_assigned_identity.api.client_id`) is such a value
//! too, with [`Style::Reference`] and the attribute's qualified address as its text
//! ([`Module::qualifier`]), which is what joins by reference use.

use hcl::Value;
use hcl::eval::Context;
use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, BlockLabel, Body, Structure};

use super::Module;
use super::eval::{self, scalar_text};
use crate::document::{Entry, Node, NodeKind, ParseError, Span, Style, Typed};
use crate::model::azure::{CLUSTER_TYPE, IDENTITY_TYPE};

/// More instances than this of one resource are not lowered: a `for_each` over a generated map
/// must not grow memory without bound.
const MAX_INSTANCES: usize = 4096;

/// Nor more than this many bytes of a resource's source and its evaluation context, in all its
/// instances: a large block, or a large context copied for each, repeated many times would be as
/// large in memory.
const MAX_INSTANCE_BYTES: usize = 64 << 20;

/// How many instances of a block of this source range, each with a context of `ctx_bytes`, may
/// be lowered.
fn most_instances(span: Option<std::ops::Range<usize>>, ctx_bytes: usize) -> usize {
    let each = span.map_or(1, |r| r.len()) + ctx_bytes;
    (MAX_INSTANCE_BYTES / each.max(1)).clamp(1, MAX_INSTANCES)
}

/// The documents of one `.tf` file, for each instance of its module (a local module called
/// twice is lowered twice, with each call's inputs); a syntax error at its position.
pub fn lower(text: &str, instances: &[Module]) -> Result<Vec<Node>, ParseError> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| parse_error(text, &e))?;
    let mut docs = Vec::new();
    visit(
        text,
        &body,
        instances,
        |shape, lowerer, body, module_dir| {
            let source = format!("terraform:{module_dir}/{}", lowerer.address);
            docs.extend(
                lowerer
                    .resource(shape, body)
                    .into_iter()
                    .map(|doc| shape.addressed(doc, source.clone(), lowerer.header)),
            );
        },
    );
    Ok(docs)
}

/// Each resource a front-end reads, once per instance (module instance, `for_each` key, `count`
/// index), with the lowerer that evaluates its arguments and the module's directory.
pub(super) fn visit(
    text: &str,
    body: &Body,
    instances: &[Module],
    mut f: impl FnMut(Shape, &Lowerer<'_>, &Body, &str),
) {
    for module in instances {
        let base = module.context();
        let qualifier = module.qualifier();
        for block in body.iter().filter_map(Structure::as_block) {
            let (shape, kind, name) = match (block.ident.as_str(), block.labels.as_slice()) {
                ("resource", [ty, name]) => match Shape::of(ty.as_str()) {
                    Some(shape) => (shape, ty.as_str(), name),
                    None => continue,
                },
                ("module", [name]) if is_cluster_module(&block.body) => {
                    (Shape::ClusterModule, "module", name)
                }
                _ => continue,
            };
            let header = span_of(block.ident.span()).to(label_span(name));
            let address = format!("{}{kind}.{}", module.prefix, name.as_str());
            for (address, ctx) in instances_of(block, &address, &base, module.bytes) {
                let lowerer = Lowerer {
                    ctx_bytes: module.bytes,
                    text,
                    ctx: &ctx,
                    dir: &module.dir,
                    qualifier: &qualifier,
                    address: &address,
                    header,
                };
                f(shape, &lowerer, &block.body, &module.dir);
            }
        }
    }
}

/// A call of a registry or remote module that sets the AKS switches (the `Azure/aks/azurerm`
/// module and its like take `oidc_issuer_enabled` and `workload_identity_enabled` as inputs):
/// read as the cluster it creates, whose `oidc_issuer_url` output is its issuer.
pub(super) fn is_cluster_module(body: &Body) -> bool {
    let remote = body
        .get_attribute("source")
        .and_then(|s| s.value.as_str())
        .is_some_and(|s| !super::is_local_source(s));
    remote
        && ["oidc_issuer_enabled", "workload_identity_enabled"]
            .iter()
            .any(|k| body.has_attribute(k))
}

/// A syntax error of a Terraform file, at its position.
pub fn parse_error(text: &str, e: &hcl_edit::parser::Error) -> ParseError {
    let offset = e.location().offset().min(text.len());
    ParseError {
        message: format!("invalid Terraform (HCL): {}", e.message()),
        span: Span::new(offset, offset),
    }
}

/// What a resource type lowers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shape {
    /// `azurerm_federated_identity_credential`.
    UamiCredential,
    /// `azuread_application_federated_identity_credential`.
    AppCredential,
    /// `azuread_application_flexible_federated_identity_credential`: a claims expression
    /// instead of a subject, and one `audience`.
    AppFlexibleCredential,
    UamiIdentity,
    Application,
    Cluster,
    /// A registry module's call with the AKS switches as inputs (see [`is_cluster_module`]).
    ClusterModule,
    /// A Kubernetes provider resource: (apiVersion, kind).
    Kubernetes(&'static str, &'static str),
    /// `kubernetes_manifest`: the object is its `manifest` attribute.
    Manifest,
    /// `helm_release`: the ServiceAccounts and pods its values describe (`super::helm`).
    HelmRelease,
    /// `vault_azure_secret_backend` (true) and `vault_mount` (false): a Vault dump bundle
    /// (`super::vault`).
    VaultMount(bool),
}

impl Shape {
    /// An Azure resource's document with its qualified address (see
    /// [`super::plan::SOURCE_KEY`]); Kubernetes objects keep the manifest's shape.
    fn addressed(self, doc: Node, source: String, at: Span) -> Node {
        match self {
            // Kubernetes objects and Vault dumps: no plan finding is placed by address on them.
            Shape::Kubernetes(..) | Shape::Manifest | Shape::HelmRelease | Shape::VaultMount(_) => {
                doc
            }
            _ => super::plan::with_source(doc, source, at),
        }
    }

    pub(super) fn of(ty: &str) -> Option<Shape> {
        let k8s = ty.strip_suffix("_v1").unwrap_or(ty);
        Some(match (ty, k8s) {
            ("azurerm_federated_identity_credential", _) => Shape::UamiCredential,
            ("azuread_application_federated_identity_credential", _) => Shape::AppCredential,
            ("azuread_application_flexible_federated_identity_credential", _) => {
                Shape::AppFlexibleCredential
            }
            ("azurerm_user_assigned_identity", _) => Shape::UamiIdentity,
            ("azuread_application" | "azuread_application_registration", _) => Shape::Application,
            ("azurerm_kubernetes_cluster", _) => Shape::Cluster,
            ("kubernetes_manifest", _) => Shape::Manifest,
            ("helm_release", _) => Shape::HelmRelease,
            ("vault_azure_secret_backend", _) => Shape::VaultMount(true),
            ("vault_mount", _) => Shape::VaultMount(false),
            (_, "kubernetes_service_account") => Shape::Kubernetes("v1", "ServiceAccount"),
            (_, "kubernetes_pod") => Shape::Kubernetes("v1", "Pod"),
            (_, "kubernetes_deployment") => Shape::Kubernetes("apps/v1", "Deployment"),
            (_, "kubernetes_stateful_set") => Shape::Kubernetes("apps/v1", "StatefulSet"),
            (_, "kubernetes_daemonset" | "kubernetes_daemon_set") => {
                Shape::Kubernetes("apps/v1", "DaemonSet")
            }
            (_, "kubernetes_job") => Shape::Kubernetes("batch/v1", "Job"),
            (_, "kubernetes_cron_job") => Shape::Kubernetes("batch/v1", "CronJob"),
            _ => return None,
        })
    }
}

/// The instances of a resource: one per `for_each` element or `count` index when the
/// collection is known, else one standing for all of them (whose `each`/`count` values are
/// unknown).
fn instances_of(
    block: &Block,
    address: &str,
    base: &Context<'static>,
    ctx_bytes: usize,
) -> Vec<(String, Context<'static>)> {
    let single = || vec![(address.to_string(), base.clone())];
    let most = most_instances(block.span(), ctx_bytes);
    if let Some(for_each) = block.body.get_attribute("for_each") {
        let with = |key: Value, value: Value, label: String| {
            let mut ctx = base.clone();
            let mut each = hcl::Map::new();
            each.insert("key".to_string(), key);
            each.insert("value".to_string(), value);
            ctx.declare_var("each", Value::Object(each));
            (format!("{address}[{label}]"), ctx)
        };
        return match eval::evaluate(&for_each.value, base) {
            Some(Value::Object(map)) => map
                .into_iter()
                .take(most)
                .map(|(k, v)| with(Value::from(k.clone()), v, format!("{k:?}")))
                .collect(),
            Some(Value::Array(set)) => set
                .into_iter()
                .take(most)
                .filter_map(|v| {
                    let text = scalar_text(&v).ok()?;
                    Some(with(v, Value::from(text.clone()), format!("{text:?}")))
                })
                .collect(),
            _ => single(),
        };
    }
    if let Some(count) = block.body.get_attribute("count") {
        return match eval::evaluate(&count.value, base).and_then(|v| v.as_u64()) {
            Some(n) => (0..n.min(most as u64))
                .map(|i| {
                    let mut ctx = base.clone();
                    let mut count = hcl::Map::new();
                    count.insert("index".to_string(), Value::from(i));
                    ctx.declare_var("count", Value::Object(count));
                    (format!("{address}[{i}]"), ctx)
                })
                .collect(),
            None => single(),
        };
    }
    single()
}

#[derive(Clone, Copy)]
pub(super) struct Lowerer<'a> {
    text: &'a str,
    ctx: &'a Context<'static>,
    /// The module directory, which qualifies symbolic resource ids.
    dir: &'a str,
    /// `terraform:<root dir>/module.<name>.`: what qualifies the addresses of references (see
    /// [`Module::qualifier`]).
    qualifier: &'a str,
    /// The size of the module's values, which each copy of `ctx` costs.
    ctx_bytes: usize,
    /// The instance's address: `type.name`, `type.name["key"]` or `type.name[0]`.
    pub(super) address: &'a str,
    /// `resource "type" "name"`: where the resource as a whole is shown.
    pub(super) header: Span,
}

/// Provider attribute names → the export's, per shape.
pub(super) const CREDENTIAL_FIELDS: &[(&str, &str)] = &[
    ("name", "name"),
    ("issuer", "issuer"),
    ("subject", "subject"),
    ("audience", "audiences"),
];
pub(super) const APP_CREDENTIAL_FIELDS: &[(&str, &str)] = &[
    ("display_name", "name"),
    ("issuer", "issuer"),
    ("subject", "subject"),
    ("audiences", "audiences"),
];

impl Lowerer<'_> {
    fn resource(&self, shape: Shape, body: &Body) -> Vec<Node> {
        let one = match shape {
            Shape::HelmRelease => return super::helm::release(self, body),
            Shape::VaultMount(backend) => {
                return super::vault::mount(self, body, backend)
                    .into_iter()
                    .collect();
            }
            Shape::UamiCredential => self.credential(
                body,
                CREDENTIAL_FIELDS,
                &["user_assigned_identity_id", "parent_id"],
                false,
            ),
            Shape::AppCredential => self.credential(
                body,
                APP_CREDENTIAL_FIELDS,
                &["application_id", "application_object_id"],
                true,
            ),
            Shape::AppFlexibleCredential => {
                let fields = &[("display_name", "name"), ("issuer", "issuer")];
                let mut node = self.credential(body, fields, &["application_id"], true);
                if let NodeKind::Map(entries) = &mut node.kind {
                    entries.extend(self.flexible(body));
                }
                node
            }
            Shape::UamiIdentity => {
                let mut entries = vec![self.synthetic("type", self.str(IDENTITY_TYPE))];
                entries.extend(self.attrs(
                    body,
                    &[
                        ("name", "name"),
                        ("location", "location"),
                        ("resource_group_name", "resourceGroup"),
                    ],
                ));
                entries.push(self.synthetic(
                    "id",
                    self.symbolic(
                        format!("terraform:{}/{}", self.dir, self.address),
                        self.header,
                    ),
                ));
                for (key, attr) in [("clientId", "client_id"), ("principalId", "principal_id")] {
                    let value = self.symbolic(self.attribute(attr), self.header);
                    entries.push(self.synthetic(key, value));
                }
                Node::map(entries, self.header)
            }
            Shape::Application => {
                let mut entries = self.attrs(body, &[("display_name", "displayName")]);
                let app_id = self.symbolic(self.attribute("client_id"), self.header);
                entries.push(self.synthetic("appId", app_id));
                Node::map(entries, self.header)
            }
            Shape::Cluster => self.cluster(body, false),
            Shape::ClusterModule => self.cluster(body, true),
            Shape::Kubernetes(api_version, kind) => {
                let mut entries = vec![
                    self.synthetic("apiVersion", self.str(api_version)),
                    self.synthetic("kind", self.str(kind)),
                ];
                for block in body.iter().filter_map(Structure::as_block) {
                    if matches!(block.ident.as_str(), "metadata" | "spec") {
                        entries.push(Entry {
                            key: Node::key(block.ident.as_str(), span_of(block.ident.span())),
                            value: self.block(&block.body, span_of(block.span())),
                        });
                    }
                }
                Node::map(entries, self.header)
            }
            // A manifest the files do not decide is no object (`value-not-decided` cannot
            // say more than that either).
            Shape::Manifest => {
                let manifest = body
                    .get_attribute("manifest")
                    .map(|manifest| self.value(&manifest.value))
                    .filter(|node| node.as_map().is_some());
                match manifest {
                    Some(node) => node,
                    None => return Vec::new(),
                }
            }
        };
        vec![one]
    }

    /// A credential: its fields under the export's names, and an `id` under its owner's id, so
    /// the model gives it the owner an export's resource id would.
    fn credential(&self, body: &Body, fields: &[(&str, &str)], owners: &[&str], app: bool) -> Node {
        let mut entries = self.attrs(body, fields);
        if app {
            // What marks an app registration's credential in Graph exports.
            entries.push(self.synthetic(
                "@odata.type",
                self.str("#microsoft.graph.federatedIdentityCredential"),
            ));
        }
        if let Some(owner) = owners.iter().find_map(|k| body.get_attribute(k)) {
            let name = entries
                .iter()
                .find(|e| e.key.text() == Some("name"))
                .and_then(|e| e.value.as_str())
                .unwrap_or("?");
            let span = span_of(owner.value.span());
            let value = self.value(&owner.value);
            let (owner_id, style) = match (value.as_str(), value.as_scalar()) {
                (Some(id), _) => (id.to_string(), None),
                (None, Some(r)) if r.style == Style::Reference => {
                    let r = r.text.as_str();
                    let resource = r
                        .rsplit_once('.')
                        .filter(|(_, attr)| {
                            matches!(*attr, "id" | "object_id" | "client_id" | "application_id")
                        })
                        .map_or(r, |(resource, _)| resource);
                    (resource.to_string(), Some(Style::Reference))
                }
                // Undecided, but the same expression is the same identity.
                _ => (
                    format!("{}{}", self.qualifier, self.source(span)),
                    Some(Style::Plain),
                ),
            };
            let id = format!("{owner_id}/federatedIdentityCredentials/{name}");
            let value = match style {
                None => Node::scalar(id, Style::Quoted, Typed::Str, span),
                Some(style) => Node::scalar(id, style, Typed::Unknown, span),
            };
            entries.push(Entry {
                key: Node::key("id", span_of(owner.key.span())),
                value,
            });
        }
        Node::map(entries, self.header)
    }

    /// A flexible credential's `audience` (one string, here a list of one as Graph has it) and
    /// `claims_matching_expression` (with the only language version, 1, that the provider
    /// sends).
    fn flexible(&self, body: &Body) -> Vec<Entry> {
        let mut entries = Vec::new();
        if let Some(attr) = body.get_attribute("audience") {
            let value = self.value(&attr.value);
            entries.push(Entry {
                key: Node::key("audiences", span_of(attr.key.span())),
                value: Node {
                    span: value.span,
                    kind: NodeKind::Seq(vec![value]),
                },
            });
        }
        if let Some(attr) = body.get_attribute("claims_matching_expression") {
            let span = span_of(attr.span());
            let version = Node::scalar("1", Style::Plain, Typed::Int(1), span);
            let expression = vec![
                Entry {
                    key: Node::key("value", span_of(attr.key.span())),
                    value: self.value(&attr.value),
                },
                Entry {
                    key: Node::key("languageVersion", span),
                    value: version,
                },
            ];
            entries.push(Entry {
                key: Node::key("claimsMatchingExpression", span_of(attr.key.span())),
                value: Node::map(expression, span),
            });
        }
        entries
    }

    /// An AKS cluster as `az aks show` prints it. A switch the resource leaves out keeps the
    /// provider's default, `false`, so its profile is left out as an export of such a cluster
    /// leaves it out. A registry module's call (`module "aks" { source = "Azure/aks/azurerm" }`)
    /// takes the same inputs; a switch it leaves out has the module's default, which is not in
    /// the scanned files: unknown.
    fn cluster(&self, body: &Body, module_call: bool) -> Node {
        let mut entries = vec![self.synthetic("type", self.str(CLUSTER_TYPE))];
        let names: &[(&str, &str)] = if module_call {
            &[
                ("cluster_name", "name"),
                ("name", "name"),
                ("location", "location"),
            ]
        } else {
            &[("name", "name"), ("location", "location")]
        };
        entries.extend(self.attrs(body, names));
        let switch = |attr: &str| -> Option<(Entry, Span)> {
            match body.get_attribute(attr) {
                Some(a) => Some((
                    Entry {
                        key: Node::key("enabled", span_of(a.key.span())),
                        value: self.value(&a.value),
                    },
                    span_of(a.span()),
                )),
                None if module_call => Some((
                    self.synthetic(
                        "enabled",
                        Node::unknown(format!("the module's default `{attr}`"), self.header),
                    ),
                    self.header,
                )),
                None => None,
            }
        };
        if let Some((enabled, span)) = switch("oidc_issuer_enabled") {
            let issuer = self.symbolic(self.attribute("oidc_issuer_url"), span);
            let profile = Node::map(vec![enabled, self.synthetic("issuerUrl", issuer)], span);
            entries.push(Entry {
                key: Node::key("oidcIssuerProfile", span),
                value: profile,
            });
        }
        if let Some((enabled, span)) = switch("workload_identity_enabled") {
            let wi = Node::map(vec![enabled], span);
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
        Node::map(entries, self.header)
    }

    /// A Kubernetes provider block as the object's field: attribute names in camelCase, blocks
    /// that may repeat (`container`, `env`, …) as sequences under the API's plural name.
    fn block(&self, body: &Body, span: Span) -> Node {
        let mut entries: Vec<Entry> = Vec::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    let name = attr.key.as_str();
                    let mut value = self.value(&attr.value);
                    if matches!(name, "labels" | "annotations" | "value") {
                        // `map(string)` and `string` attributes: Terraform converts numbers and
                        // booleans to strings, so `true` arrives as `"true"`.
                        stringify(&mut value);
                    }
                    entries.push(Entry {
                        key: Node::key(camel(name), span_of(attr.key.span())),
                        value,
                    });
                }
                Structure::Block(block) if block.ident.as_str() == "dynamic" => {
                    self.dynamic(block, &mut entries);
                }
                Structure::Block(block) => {
                    let value = self.block(&block.body, span_of(block.span()));
                    let key_span = span_of(block.ident.span());
                    push_block(&mut entries, block.ident.as_str(), value, key_span);
                }
            }
        }
        Node::map(entries, span)
    }

    /// `dynamic "env" { for_each = …; content { … } }`: one `env` block per element of a known
    /// collection, its `content` lowered with the iterator (`env.key`, `env.value`, or the
    /// `iterator` argument's name) bound; nothing when the collection is not known.
    fn dynamic(&self, block: &Block, entries: &mut Vec<Entry>) {
        let (Some(label), Some(for_each)) =
            (block.labels.first(), block.body.get_attribute("for_each"))
        else {
            return;
        };
        let Some(content) = block
            .body
            .iter()
            .filter_map(Structure::as_block)
            .find(|b| b.ident.as_str() == "content")
        else {
            return;
        };
        let iterator = block
            .body
            .get_attribute("iterator")
            .and_then(|i| match &i.value {
                Expression::Variable(v) => Some(v.as_str().to_string()),
                _ => None,
            })
            .unwrap_or_else(|| label.as_str().to_string());
        let items: Vec<(Value, Value)> = match eval::evaluate(&for_each.value, self.ctx) {
            Some(Value::Object(map)) => map.into_iter().map(|(k, v)| (Value::from(k), v)).collect(),
            Some(Value::Array(list)) => list
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::from(i as u64), v))
                .collect(),
            _ => return,
        };
        for (key, value) in items
            .into_iter()
            .take(most_instances(content.span(), self.ctx_bytes))
        {
            let mut ctx = self.ctx.clone();
            let mut object = hcl::Map::new();
            object.insert("key".to_string(), key);
            object.insert("value".to_string(), value);
            ctx.declare_var(iterator.as_str(), Value::Object(object));
            let inner = Lowerer { ctx: &ctx, ..*self };
            let value = inner.block(&content.body, span_of(content.span()));
            push_block(entries, label.as_str(), value, span_of(block.span()));
        }
    }

    /// The provider attributes `fields` (provider name → export name) that the body sets.
    fn attrs(&self, body: &Body, fields: &[(&str, &str)]) -> Vec<Entry> {
        fields
            .iter()
            .filter_map(|(attr, key)| {
                let attr = body.get_attribute(attr)?;
                Some(Entry {
                    key: Node::key(*key, span_of(attr.key.span())),
                    value: self.value(&attr.value),
                })
            })
            .collect()
    }

    /// An expression's value: object and array literals keep the spans of their items; any
    /// other expression is evaluated as a whole, or is unknown.
    pub(super) fn value(&self, expr: &Expression) -> Node {
        let span = span_of(expr.span());
        if let Some(node) = self.inline_yaml(expr) {
            return node;
        }
        match expr {
            Expression::Object(object) => {
                let entries = object
                    .iter()
                    .map(|(key, value)| Entry {
                        key: self.object_key(key),
                        value: self.value(value.expr()),
                    })
                    .collect();
                Node::map(entries, span)
            }
            Expression::Array(array) => Node {
                span,
                kind: NodeKind::Seq(array.iter().map(|e| self.value(e)).collect()),
            },
            // Evaluated first: a resource's argument has the value the file gives it; what is
            // left is a computed attribute (a symbolic reference) or undecided.
            _ => match eval::evaluate_or_reference(expr, self.ctx, self.qualifier) {
                Some(value) => from_value(&value, span, self.source(span)),
                None => eval::partial(expr, self.ctx, self.text, span)
                    .unwrap_or_else(|| Node::unknown(self.source(span).to_string(), span)),
            },
        }
    }

    /// `yamldecode(<<YAML … YAML)` with a literal heredoc: the YAML read in place, so each of
    /// its keys and values keeps its own position in the `.tf` file (an indented `<<-` heredoc
    /// is valid YAML as it stands: every line is indented alike).
    fn inline_yaml(&self, expr: &Expression) -> Option<Node> {
        let Expression::FuncCall(call) = expr else {
            return None;
        };
        if call.name.name.as_str() != "yamldecode" || call.args.len() != 1 {
            return None;
        }
        let Some(Expression::HeredocTemplate(heredoc)) = call.args.get(0) else {
            return None;
        };
        let literal = (0..heredoc.template.len()).all(|i| {
            matches!(
                heredoc.template.get(i),
                Some(hcl_edit::template::Element::Literal(_))
            )
        });
        if !literal {
            return None;
        }
        let span = span_of(heredoc.span());
        let raw = self.text.get(span.range())?;
        let start = span.start as usize + raw.find('\n')? + 1;
        let end = span.start as usize + raw.trim_end().rfind('\n')?;
        let docs = crate::document::yaml::parse(self.text.get(start..end)?).ok()?;
        let [mut doc] = <[Node; 1]>::try_from(docs).ok()?;
        doc.shift(start as u32);
        Some(doc)
    }

    fn object_key(&self, key: &ObjectKey) -> Node {
        match key {
            ObjectKey::Ident(ident) => Node::key(ident.as_str(), span_of(ident.span())),
            ObjectKey::Expression(expr) => {
                let span = span_of(expr.span());
                match eval::evaluate(expr, self.ctx)
                    .as_ref()
                    .and_then(|v| scalar_text(v).ok())
                {
                    Some(text) => Node::scalar(text, Style::Quoted, Typed::Str, span),
                    None => Node::unknown(self.source(span).to_string(), span),
                }
            }
        }
    }

    pub(super) fn source(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("").trim()
    }

    fn str(&self, text: &str) -> Node {
        Node::string(text, self.header)
    }

    /// The symbolic text of one of this resource's attributes: what a reference to it in any
    /// file of the module evaluates to.
    pub(super) fn attribute(&self, attr: &str) -> String {
        format!("terraform:{}/{}.{attr}", self.dir, self.address)
    }

    /// A resource attribute known once deployed, named by its address (see [`Style::Reference`]).
    fn symbolic(&self, address: String, span: Span) -> Node {
        Node::reference(address, span)
    }

    /// An entry the export has and the HCL does not spell out: shown at the resource's header.
    fn synthetic(&self, key: &str, value: Node) -> Entry {
        Entry::new(key, self.header, value)
    }
}

/// A lowered block into its parent's entries: appended to the API's list for blocks that may
/// repeat, else under its camelCase name.
fn push_block(entries: &mut Vec<Entry>, ident: &str, value: Node, key_span: Span) {
    let key = |text: &str| Node::scalar(text, Style::Plain, Typed::Str, key_span);
    let Some((_, plural)) = LIST_BLOCKS.iter().find(|(b, _)| *b == ident) else {
        entries.push(Entry {
            key: key(&camel(ident)),
            value,
        });
        return;
    };
    match entries.iter_mut().find(|e| e.key.text() == Some(plural)) {
        Some(Entry {
            value:
                Node {
                    kind: NodeKind::Seq(items),
                    span,
                },
            ..
        }) => {
            *span = span.to(value.span);
            items.push(value);
        }
        _ => entries.push(Entry {
            key: key(plural),
            value: Node {
                span: value.span,
                kind: NodeKind::Seq(vec![value]),
            },
        }),
    }
}

/// Kubernetes provider blocks that may repeat, and the API field that lists them.
const LIST_BLOCKS: &[(&str, &str)] = &[
    ("container", "containers"),
    ("init_container", "initContainers"),
    ("env", "env"),
    ("env_from", "envFrom"),
    ("volume", "volumes"),
    ("volume_mount", "volumeMounts"),
    ("port", "ports"),
    ("toleration", "tolerations"),
    ("image_pull_secret", "imagePullSecrets"),
    ("image_pull_secrets", "imagePullSecrets"),
    ("secret", "secrets"),
    ("host_aliases", "hostAliases"),
    ("match_expressions", "matchExpressions"),
    ("sources", "sources"),
];

/// `service_account_name` → `serviceAccountName`.
fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Numbers and booleans in a string-typed attribute become the strings Terraform sends.
pub(super) fn stringify(node: &mut Node) {
    match &mut node.kind {
        NodeKind::Scalar(s)
            if matches!(s.typed, Typed::Bool(_) | Typed::Int(_) | Typed::Float(_)) =>
        {
            s.typed = Typed::Str;
        }
        NodeKind::Map(entries) => entries.iter_mut().for_each(|e| stringify(&mut e.value)),
        _ => {}
    }
}

/// An evaluated value as a tree, every node at the expression's span (whose `source` names
/// what is unknown in it).
fn from_value(value: &Value, span: Span, source: &str) -> Node {
    let scalar = |text: String, style, typed| Node::scalar(text, style, typed, span);
    if let Some(address) = eval::as_reference(value) {
        return scalar(address.to_string(), Style::Reference, Typed::Unknown);
    }
    match value {
        Value::String(s) if eval::holds_reference(s) => {
            scalar(source.to_string(), Style::Plain, Typed::Unknown)
        }
        Value::Null => scalar("null".into(), Style::Plain, Typed::Null),
        Value::Bool(b) => scalar(b.to_string(), Style::Plain, Typed::Bool(*b)),
        Value::Number(n) => {
            let typed = match n.as_i64() {
                Some(i) => Typed::Int(i),
                None => Typed::Float(n.as_f64().unwrap_or(f64::NAN)),
            };
            scalar(n.to_string(), Style::Plain, typed)
        }
        Value::String(s) => scalar(s.clone(), Style::Quoted, Typed::Str),
        Value::Array(items) => Node {
            span,
            kind: NodeKind::Seq(items.iter().map(|v| from_value(v, span, source)).collect()),
        },
        Value::Object(map) => Node {
            span,
            kind: NodeKind::Map(
                map.iter()
                    .map(|(k, v)| Entry {
                        key: Node::scalar(k.as_str(), Style::Quoted, Typed::Str, span),
                        value: from_value(v, span, source),
                    })
                    .collect(),
            ),
        },
    }
}

pub(super) fn span_of(range: Option<std::ops::Range<usize>>) -> Span {
    range.map_or(Span::default(), |r| Span::new(r.start, r.end))
}

fn label_span(label: &BlockLabel) -> Span {
    match label {
        BlockLabel::Ident(ident) => span_of(ident.span()),
        BlockLabel::String(s) => span_of(s.span()),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The documents of one file that is its module.
    pub(in crate::terraform) fn lower_one(text: &str) -> Vec<Node> {
        let module = Module::from_files(".".into(), &[("main.tf".into(), text.into())]);
        lower(text, std::slice::from_ref(&module)).unwrap_or_default()
    }

    #[test]
    fn credential_with_owner_reference_and_spans() {
        let text = r#"
variable "ns" { default = "orders" }
resource "azurerm_federated_identity_credential" "api" {
  name      = "fic-api"
  parent_id = azurerm_user_assigned_identity.api.id
  issuer    = azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject   = "system:serviceaccount:${var.ns}:api"
  audience  = ["api://AzureADTokenExchange"]
}
"#;
        let docs = lower_one(text);
        let fic = &docs[0];
        let subject = fic.get("subject");
        assert_eq!(
            subject.and_then(Node::as_str),
            Some("system:serviceaccount:orders:api")
        );
        let start = text.find("\"system").unwrap_or(0);
        assert_eq!(subject.map(|s| s.span.start as usize), Some(start));
        assert_eq!(
            fic.get("issuer").and_then(Node::expression),
            Some("terraform:./azurerm_kubernetes_cluster.aks.oidc_issuer_url")
        );
        assert_eq!(
            fic.get("id").and_then(Node::expression),
            Some(
                "terraform:./azurerm_user_assigned_identity.api/federatedIdentityCredentials/fic-api"
            )
        );
        assert!(fic.get("audiences").and_then(Node::as_seq).is_some());
    }

    #[test]
    fn for_each_makes_one_document_per_instance() {
        let text = r#"
locals { apps = toset(["a", "b", "c"]) }
resource "azurerm_federated_identity_credential" "x" {
  for_each  = local.apps
  name      = "fic-${each.key}"
  parent_id = var.identity_id
  issuer    = "https://issuer/"
  subject   = "system:serviceaccount:ns:${each.value}"
  audience  = ["api://AzureADTokenExchange"]
}
"#;
        let docs = lower_one(text);
        let names: Vec<_> = docs.iter().filter_map(|d| d.get_str("name")).collect();
        assert_eq!(names, vec!["fic-a", "fic-b", "fic-c"]);
        assert_eq!(
            docs[0].get("id").and_then(Node::expression),
            Some("terraform:./var.identity_id/federatedIdentityCredentials/fic-a")
        );
    }

    #[test]
    fn kubernetes_deployment_becomes_an_object() {
        let text = r#"
resource "kubernetes_deployment_v1" "api" {
  metadata {
    name      = "api"
    namespace = "orders"
  }
  spec {
    template {
      metadata {
        labels = { "azure.workload.identity/use" = true }
      }
      spec {
        service_account_name = "api"
        container {
          name = "app"
          env {
            name  = "X"
            value = 1
          }
        }
      }
    }
  }
}
"#;
        let docs = lower_one(text);
        let d = &docs[0];
        assert_eq!(d.get_str("kind"), Some("Deployment"));
        let pod = d.get_path(&["spec", "template"]);
        assert_eq!(
            pod.and_then(|p| p.get_path(&["spec", "serviceAccountName"]))
                .and_then(Node::as_str),
            Some("api")
        );
        assert_eq!(
            pod.and_then(|p| p.get_path(&["metadata", "labels", "azure.workload.identity/use"]))
                .and_then(Node::as_str),
            Some("true")
        );
        let containers = pod
            .and_then(|p| p.get_path(&["spec", "containers"]))
            .and_then(Node::as_seq)
            .map(<[Node]>::len);
        assert_eq!(containers, Some(1));
    }

    #[test]
    fn syntax_error_has_a_position() {
        let err = lower("resource \"a\" \"b\" {\n  x = \n}\n", &[Module::default()]).err();
        assert!(err.is_some_and(|e| e.span.start > 0));
    }
}
